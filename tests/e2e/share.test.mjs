// Share groups (KIP-932) on the page, as a learner meets them: a consumer card switched to Share
// group mode joins a share group beside a classic group on the same topic; the share-groups
// panel shows the SPSO and SPEO and each in-flight record's state, with its delivery count on
// hover and on keyboard focus; the record-state colours keep WCAG contrast, light and dark
// (4.5:1 for the offsets written on them, 3:1 for each cell against the page).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openApp, until, RESULTS } from "./helpers.mjs";

const card = (page, name) => page.getByRole("article", { name, exact: true });

/** WCAG contrast of two CSS colours (rgb()/rgba() as getComputedStyle gives them). */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Each record state's cell colours and the page's background. */
async function stateColours(page) {
  return page.evaluate(() => {
    const out = {};
    // Opaque page background behind the panel.
    let bg = "rgb(255, 255, 255)";
    for (let el = document.querySelector("ol.share-records"); el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (c && c !== "transparent" && !c.startsWith("rgba(0, 0, 0, 0)")) {
        bg = c;
        break;
      }
    }
    for (const state of ["available", "acquired", "acknowledged", "archived"]) {
      // A probe cell for states the run has none of right now.
      const list = document.querySelector("ol.share-records");
      const li = document.createElement("li");
      li.className = `rec ${state}`;
      li.textContent = "42";
      list.appendChild(li);
      const s = getComputedStyle(li);
      out[state] = { fill: s.backgroundColor, text: s.color, border: s.borderTopColor };
      li.remove();
    }
    return { bg, states: out };
  });
}

function assertReadable({ bg, states }, theme) {
  for (const [state, c] of Object.entries(states)) {
    const text = contrast(c.fill, c.text);
    assert.ok(text >= 4.5, `${theme} ${state}: offset text ${text.toFixed(2)}:1 on ${c.fill}`);
    // The cell must stand out from the page by its fill or its border (non-text 3:1).
    const edge = Math.max(contrast(c.fill, bg), contrast(c.border, bg));
    assert.ok(edge >= 3, `${theme} ${state}: cell ${edge.toFixed(2)}:1 against ${bg}`);
  }
}

test("a card switched to Share group mode: share panel with SPSO/SPEO, record states, delivery counts on focus; classic group beside it", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await card(page, "consumer c3").waitFor();

  // c2 and c3 become share consumers: a free share group id, the same topic.
  for (const name of ["consumer c2", "consumer c3"]) {
    await card(page, name).getByRole("radio", { name: "Share group" }).check();
  }
  await until(async () => (await card(page, "consumer c3").getByLabel("Group id").inputValue()) === "share-group-1", {
    what: "c3 in share-group-1",
  });
  assert.equal(await card(page, "consumer c2").getByLabel("Group id").inputValue(), "share-group-1");
  assert.equal(await card(page, "consumer c1").getByLabel("Group id").inputValue(), "group-1");

  const panel = page.locator("section.share-groups");
  await panel.getByRole("heading", { name: "share-group-1" }).waitFor();
  // Both share consumers are members, and the records come in: SPSO and SPEO on each partition.
  await until(async () => (await panel.locator(".share-members li").count()) === 2, { what: "two members" });
  await until(async () => (await panel.locator("ol.share-records .rec").count()) > 0, { what: "in-flight records", timeout: 30_000 });
  assert.match(await panel.locator(".share-partition p").first().innerText(), /SPSO \d+, SPEO \d+/);
  await until(async () => (await panel.locator(".rec.acknowledged, .rec.acquired").count()) > 0, { what: "records acquired or acknowledged" });
  // The classic group is on the page at the same time, with its own describe table.
  await page.locator("table").filter({ has: page.locator("caption", { hasText: "group-1" }) }).first().waitFor();
  // Each share consumer's card says what it holds and what it acknowledged.
  assert.match(await card(page, "consumer c2").locator(".share-holds").innerText(), /accepted|ACCEPT|acknowledged/i);

  // Stop the clock at a moment with records in flight (acknowledged ones leave the window).
  await until(
    async () => {
      await page.getByRole("button", { name: "Pause", exact: true }).click();
      if ((await panel.locator("ol.share-records .rec").count()) > 0) return true;
      await page.getByRole("button", { name: "Play", exact: true }).click();
      await page.waitForTimeout(150);
      return false;
    },
    { what: "a paused moment with records in flight" },
  );
  // The delivery count: in each cell's accessible name, shown on keyboard focus and hover.
  const cell = panel.locator("ol.share-records .rec").first();
  const words = await cell.getAttribute("aria-label");
  assert.match(words, /offset \d+: .*(delivery|delivered) \d+/);
  await cell.focus();
  const shown = await cell.evaluate((el) => getComputedStyle(el, "::after").content);
  assert.equal(shown, JSON.stringify(words), "the focused cell shows its words");
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  assert.equal(await cell.evaluate((el) => getComputedStyle(el, "::after").content), "none", "hidden otherwise");
  await cell.hover();
  assert.equal(await cell.evaluate((el) => getComputedStyle(el, "::after").content), JSON.stringify(words), "and on hover");
  await cell.focus();

  await panel.scrollIntoViewIfNeeded();
  assertReadable(await stateColours(page), "light");
  await panel.screenshot({ path: join(RESULTS, "share-panel-light.png") });
  await app.screenshot("share-page-light");
  await page.emulateMedia({ colorScheme: "dark" });
  assertReadable(await stateColours(page), "dark");
  await cell.focus();
  await panel.screenshot({ path: join(RESULTS, "share-panel-dark.png") });
  await app.screenshot("share-page-dark");
  app.assertClean();
});

test("the share lessons open, play and show their share-partitions", async (t) => {
  for (const id of ["share-more-workers", "share-slow-worker", "share-poison", "share-crash"]) {
    const app = await openApp(t, { path: `?scenario=${id}` });
    const { page } = app;
    await page.getByLabel("Speed").selectOption("10");
    const panel = page.locator("section.share-groups");
    await until(async () => (await panel.locator("ol.share-records .rec").count()) > 0, { what: `${id}: records`, timeout: 30_000 });
    app.assertClean();
  }
});
