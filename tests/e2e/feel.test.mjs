// How the page feels while it runs: no layout jumps (cumulative layout shift stays ~0 while the
// simulation ticks and a group rebalances), and prefers-reduced-motion turns transitions off.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp } from "./helpers.mjs";

test("no layout shift while the simulation runs and a group rebalances", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("table").first().waitFor();
  await page.waitForTimeout(1000);
  // Start measuring once the cards exist: from here on only the simulation changes the page.
  await page.evaluate(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: "layout-shift", buffered: false });
  });
  await page.getByRole("button", { name: "Crash consumer c2" }).click();
  await page.waitForTimeout(6000); // ticks, lanes filling, the session timeout and a rebalance
  const cls = await page.evaluate(() => window.__cls);
  assert.ok(cls < 0.05, `cumulative layout shift ${cls.toFixed(3)} (good is < 0.1)`);
  app.assertClean();
});

test("prefers-reduced-motion: no transitions or animations", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("table").first().waitFor();
  const moving = await page.evaluate(() =>
    [...document.querySelectorAll("*")].filter((el) => {
      const s = getComputedStyle(el);
      const secs = (v) => Math.max(...v.split(",").map((x) => parseFloat(x) * (x.trim().endsWith("ms") ? 0.001 : 1)));
      return secs(s.transitionDuration) > 0.01 || (s.animationName !== "none" && secs(s.animationDuration) > 0.01);
    }).length,
  );
  assert.equal(moving, 0, "elements still animating with reduced motion");
  app.assertClean();
});
