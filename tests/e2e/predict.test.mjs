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

test("Why? on a lane's markers, a LAG cell, a generation and an idle member: by click and by W, Esc closes", async (t) => {
  const { linkAt } = await import("./moments.mjs");
  // more-consumers-than-partitions at 00:12: c1–c3 own one partition each, c4 sits idle.
  const app = await openApp(t, { path: "/" + linkAt("more-consumers-than-partitions", "00:12") });
  const { page } = app;
  await page.getByText("Opened a shared link at 00:12.000").waitFor();
  const why = page.locator("section.why");
  const heading = () => page.locator("#h-why").textContent();
  const chain = () => why.locator(".why-chain").textContent();
  // A committed-offset marker (⚑), clicked.
  await page.locator(".lane .mk.commit").first().click();
  await why.waitFor();
  assert.match(await heading(), /^Why\? orders-\d: committed offset of group-1$/);
  assert.match(await chain(), /Group group-1 committed offset \d+ for orders-\d: a new owner starts reading there\./);
  assert.match(await chain(), /LAG \d+ = LOG-END-OFFSET \d+ − CURRENT-OFFSET \d+/);
  // A position marker (▲), by keyboard: focus it, W.
  await page.locator(".lane .mk.pos").first().focus();
  await page.keyboard.press("w");
  await until(async () => /: position of c\d$/.test(await heading()), { what: "Why? a position" });
  assert.match(await chain(), /c\d's position on orders-\d is \d+: the offset of the next record it fetches\./);
  // The log end, from the lane's figures (a button), by Enter.
  await page.locator(".lane-meta button.ask").nth(1).focus();
  await page.keyboard.press("Enter");
  await until(async () => /: log end/i.test(await heading()), { what: "Why? the log end" });
  assert.match(await chain(), /Log end offset \d+: the offset the next record appended to orders-\d gets/);
  // A LAG cell of the describe table.
  await page.locator("table.describe tbody button.ask").first().click();
  await until(async () => /^Why\? group-1 orders-0: LAG$/.test(await heading()), { what: "Why? a LAG cell" });
  assert.match(await chain(), /^Group group-1: LAG/);
  // The group's generation, on the stage.
  await page.locator(".frame-head button.gen").first().click();
  await until(async () => /^Why\? group-1: Generation$/.test(await heading()), { what: "Why? the generation" });
  assert.match(await chain(), /Group group-1 is at generation \d+: the coordinator bumps it/);
  // The idle member: why it owns nothing, by W on its "?" button.
  const idle = (await page.locator(".member-chip.idle .who a").textContent()).trim();
  await page.getByRole("button", { name: `Why ${idle}?` }).focus();
  await page.keyboard.press("w");
  await until(async () => (await heading()) === `Why? ${idle}`, { what: `Why? ${idle}` });
  assert.match(await chain(), new RegExp(`${idle} owns nothing: in the latest assignment \\(range assignor, Generation \\d+\\) the group's 3 partitions went to 3 of its 4 members\\.`));
  assert.match(await chain(), /Group group-1 has 4 members for 3 partitions/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(RESULTS, "why-idle.png") });
  await page.keyboard.press("Escape");
  await until(async () => (await page.locator("section.why").count()) === 0, { what: "Why? closed" });
  app.assertClean();
});
