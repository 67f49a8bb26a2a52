// Accessibility: axe-core finds no violations of serious or critical impact on the page, in its
// opening state, with a group mid-rebalance (cards, the describe table, the phases panel), and
// with a crashed consumer's card (whose Restart and Remove still work and must look it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { openApp, RESULTS } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

test("axe: no serious or critical accessibility violations, at rest and mid-rebalance", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  assert.deepEqual(await seriousViolations(page), [], "opening state");

  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("table").first().waitFor();
  await page.waitForTimeout(1500);
  assert.deepEqual(await seriousViolations(page), [], "with three consumers and a group");

  await page.emulateMedia({ colorScheme: "dark" });
  assert.deepEqual(await seriousViolations(page), [], "dark theme");
  app.assertClean();
});

test("axe: a crashed consumer's card keeps AA contrast, light and dark", async (t) => {
  const app = await openApp(t, { path: "?scenario=rebalance-basics" });
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  const dead = page.locator(".card.consumer.dead");
  await dead.waitFor(); // c2 crashes at 00:20
  await page.getByRole("button", { name: "Pause" }).click();
  await dead.scrollIntoViewIfNeeded();
  // Not faded: its buttons are live (axe measures contrast through opacity too).
  assert.equal(await dead.evaluate((el) => getComputedStyle(el).opacity), "1");
  await dead.getByRole("button", { name: /Restart/ }).waitFor();
  assert.deepEqual(await seriousViolations(page), [], "light, with a crashed card");
  await page.emulateMedia({ colorScheme: "dark" });
  assert.deepEqual(await seriousViolations(page), [], "dark, with a crashed card");
  await dead.screenshot({ path: join(RESULTS, "a11y-crashed-card-dark.png") });
  app.assertClean();
});

test("axe: the stage in projector mode, the predict dialog and Why? (a marker, a LAG cell, a generation), light and dark", async (t) => {
  const { linkAt } = await import("./moments.mjs");
  // rebalance-basics just before c2 crashes: the lesson asks which partitions c1 will own.
  const app = await openApp(t, { path: "/" + linkAt("rebalance-basics", "00:19.500"), predict: true, viewport: { width: 1280, height: 720 } });
  const { page } = app;
  await page.getByLabel("Projector mode").check();
  await page.waitForSelector("main.projector");
  await page.getByRole("button", { name: "Play" }).click();
  await page.locator("section.predict .question").waitFor({ timeout: 20_000 });
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    assert.deepEqual(await seriousViolations(page), [], `projector, the predict dialog, ${scheme}`);
  }
  await page.getByRole("button", { name: "Skip" }).click();
  const pause = page.getByRole("button", { name: "Pause" });
  if (await pause.count()) await pause.click();
  // Why? on a lane's committed-offset marker, then on a LAG cell and on a generation.
  for (const open of [
    () => page.locator(".lane .mk.commit").first().click(),
    () => page.locator("table.describe tbody button.ask").first().click(),
    () => page.locator(".frame-head button.gen").first().click(),
  ]) {
    await open();
    await page.locator("section.why .why-chain li").first().waitFor();
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      assert.deepEqual(await seriousViolations(page), [], `Why? ${await page.locator("#h-why").textContent()}, ${scheme}`);
    }
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(RESULTS, "a11y-projector-why-dark.png") });
  app.assertClean();
});
