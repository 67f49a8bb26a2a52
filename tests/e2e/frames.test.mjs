// Frame work follows what a person can see (issue 17, finding 7): while the clock runs, a lane
// off screen is not redrawn, and it shows the run as it is the moment it comes on screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp, until } from "./helpers.mjs";

/** What lane `id` draws now: the strip's shift (which record comes first) and its cells' colours. */
const drawn = (page, id) =>
  page.locator(`#${id}`).evaluate((lane) => ({
    shift: lane.querySelector(".strip").getAttribute("style"),
    cells: [...lane.querySelectorAll(".strip > .rec")].map((c) => c.getAttribute("style") ?? c.className).join(" "),
  }));

test("an off-screen lane waits while the clock runs and catches up the moment it is on screen", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  // A short window: the browser keeps drawing what is within about half a screen of it.
  await page.setViewportSize({ width: 1280, height: 360 });
  await page.getByLabel("Speed").selectOption("10");
  const rate = page.getByRole("article", { name: "producer p1", exact: true }).getByLabel("Rate (records/s)");
  await rate.fill("200");
  await rate.press("Enter");
  await page.evaluate(() => window.scrollTo(0, 0));
  // Keys user-1..6 go to some partitions only: use one that gets records.
  const busy = await until(async () => {
    for (let p = 0; p < 6; p++) {
      const end = await page.locator(`#lane-orders-${p} .lane-meta`).evaluate((m) => parseInt(m.textContent.split("…")[1], 10));
      if (end > 40) return `lane-orders-${p}`;
    }
    return null;
  }, { what: "a lane with records" });
  const offScreen = await page.locator(`#${busy}`).evaluate((el) => el.getBoundingClientRect().top > 1.6 * innerHeight);
  assert.ok(offScreen, "the lanes are well below the stage");

  // Off screen: the records it draws stay as they are, though records keep arriving.
  const before = await drawn(page, busy);
  const endBefore = await page.locator(`#${busy} .lane-meta`).evaluate((m) => parseInt(m.textContent.split("…")[1], 10));
  await page.waitForTimeout(1000);
  const endAfter = await page.locator(`#${busy} .lane-meta`).evaluate((m) => parseInt(m.textContent.split("…")[1], 10));
  assert.ok(endAfter > endBefore, `records arrive (${endBefore} → ${endAfter}); the label keeps counting`);
  assert.deepEqual(await drawn(page, busy), before, "nobody sees it: it is not redrawn");

  // On screen: within a couple of frames it draws the run as it is now.
  await page.locator(`#${busy}`).scrollIntoViewIfNeeded();
  await until(async () => JSON.stringify(await drawn(page, busy)) !== JSON.stringify(before), {
    timeout: 1000, every: 20, what: "the lane redrawn once on screen",
  });
  // And paused, every lane is exact, on screen or not.
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await until(async () => (await page.locator(".strip > .rec[title]").count()) > 0, { what: "record titles once paused" });
  const exact = await page.locator(`#${busy}`).evaluate((lane) => {
    const end = parseInt(lane.querySelector(".lane-meta").textContent.split("…")[1], 10);
    const offsets = [...lane.querySelectorAll(".strip > .rec[title]")].map((c) => Number(/offset (\d+)/.exec(c.title)[1]));
    return { end, newest: Math.max(...offsets) };
  });
  assert.equal(exact.newest, exact.end - 1, "the newest record drawn is the last one written");
  app.assertClean();
});
