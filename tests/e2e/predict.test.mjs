// Predict, then reveal (issue 17), and "Why?" beyond consumers. A lesson stops its clock
// before a scripted moment and asks; the learner answers with the keyboard; the run plays on
// and the answer is revealed, checked against what the simulation did. Screenshots go to
// test-results/predict-*.png and why-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openApp, RESULTS, until } from "./helpers.mjs";

const clock = (page) => page.locator(".clock-time").textContent();
/** The first screen, as the learner sees it (test-results/NAME.png). */
const firstScreen = async (page, name) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(RESULTS, `${name}.png`) });
};

test("rebalance-basics asks which partitions c1 will own, answered by keyboard, then reveals it from the run", async (t) => {
  const app = await openApp(t, { path: "?scenario=rebalance-basics&lang=en", predict: true });
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  const panel = page.locator("section.predict");
  await panel.locator(".question").waitFor({ timeout: 20_000 });
  assert.match(await panel.locator(".question").textContent(), /c2 is about to crash.*which partitions will c1 own/);
  // The clock stopped just before the crash at 00:20, and c2 still runs.
  assert.equal((await clock(page)).trim(), "00:19.999");
  await page.getByRole("button", { name: "Play" }).waitFor();
  assert.equal(await page.locator(".member-chip.dead").count(), 0);
  const group = page.getByRole("group", { name: "Partitions c1 will own" });
  assert.equal(await group.getByRole("checkbox").count(), 6);
  await firstScreen(page, "predict-asked");
  // Keyboard only: Space ticks, Enter presses.
  for (const p of ["orders-0", "orders-1", "orders-2"]) {
    await group.getByRole("checkbox", { name: p }).focus();
    await page.keyboard.press("Space");
  }
  // The stage shows the pick: the same three partitions, pressed.
  assert.equal(await page.locator(".part.picked").count(), 3);
  assert.equal(await page.locator(".part button.pnum.pick[aria-pressed=true]").count(), 3);
  await firstScreen(page, "predict-picked");
  await page.getByRole("button", { name: "Check my prediction" }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Pause" }).waitFor();
  // Revealed once the coordinator removed c2 and the group rebalanced; the clock stops there.
  const verdict = panel.locator(".verdict");
  await verdict.waitFor({ timeout: 20_000 });
  assert.equal(await verdict.textContent(), "Right!");
  const answer = await panel.locator(".answer").allTextContents();
  assert.equal(answer[0], "You said: orders-0, orders-1, orders-2");
  assert.match(answer[1], /^The simulation, at 00:2\d\.\d{3}: orders-0, orders-1, orders-2$/);
  const story = await panel.locator(".predict-story").textContent();
  assert.match(story, /c2 removed/);
  assert.match(story, /c1 now owns orders-0, orders-1, orders-2/);
  assert.match(story, /range assignor/);
  await page.getByRole("button", { name: "Play" }).waitFor();
  // The stage agrees with the reveal.
  const c1 = page.locator(".member-chip", { has: page.getByRole("link", { name: "c1", exact: true }) });
  assert.match(await c1.locator(".owns-list").textContent(), /orders 0 1 2/);
  await firstScreen(page, "predict-revealed");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Pause" }).waitFor();
  app.assertClean();
});

test("in Russian, a question can be skipped and asking turned off", async (t) => {
  const app = await openApp(t, { path: "?scenario=leave-vs-crash&lang=ru", predict: true });
  const { page } = app;
  const panel = page.locator("section.predict");
  // Russian is data, fetched when first shown: the page speaks it once it arrived.
  await page.getByRole("combobox", { name: /^Скорость/ }).first().selectOption("10");
  await panel.locator(".question").waitFor({ timeout: 20_000 });
  assert.match(await panel.locator(".question").textContent(), /c1 сейчас корректно закроется/);
  assert.equal(await panel.getByRole("radio").count(), 3);
  await firstScreen(page, "predict-ru-asked");
  await page.getByRole("button", { name: "Пропустить" }).click();
  await until(async () => (await clock(page)) > "00:16", { what: "the clock past 00:16" });
  // Unticked: the 00:30 question is not asked, and the lesson plays to its end.
  await panel.getByRole("checkbox").uncheck();
  assert.equal(await page.evaluate(() => localStorage.getItem("broker-playground.predict")), "off");
  await until(async () => (await clock(page)) >= "00:32", { what: "past 00:30 without a question", timeout: 30_000 });
  assert.equal(await panel.locator(".question").count(), 0);
  app.assertClean();
});

test("Why? on a partition tells its owner, offsets and lag; W asks it for the item in focus", async (t) => {
  const app = await openApp(t, { path: "?scenario=rebalance-basics&lang=en" });
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  await until(async () => (await clock(page)) >= "00:12", { what: "00:12" });
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Why orders-1?" }).click();
  const why = page.locator("section.why");
  await why.getByRole("heading", { name: "Why? orders-1" }).waitFor();
  const text = await why.locator(".why-chain").textContent();
  assert.match(text, /owns orders-1 in group group-1\./);
  assert.match(text, /Group group-1: range assignor, Generation \d+, members c1 c2 c3/);
  assert.match(text, /Log end offset \d+: the offset the next record appended to orders-1 gets/);
  assert.match(text, /LAG \d+ = LOG-END-OFFSET \d+ − CURRENT-OFFSET \d+|LAG - /);
  await firstScreen(page, "why-partition");
  // The keyboard: W on c3's "?" button asks about c3; Esc closes.
  await page.getByRole("button", { name: "Why c3?" }).focus();
  await page.keyboard.press("w");
  await why.getByRole("heading", { name: "Why? c3" }).waitFor();
  await page.keyboard.press("Escape");
  await until(async () => (await page.locator("section.why").count()) === 0, { what: "Why? closed" });
  app.assertClean();
});
