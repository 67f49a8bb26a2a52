// Nothing a person can load, type or click kills the page, freezes it, or loses their work
// (issue #16): two tabs keep their own sessions, a pasted link opens (asking first), an import
// too large is refused by its size, and the page stays responsive with every cap at its
// maximum (long tasks are recorded and written to test-results/extreme-page.json for the bench
// report, not asserted against a time).
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { openApp, ROOT, RESULTS, until } from "./helpers.mjs";
import { extreme } from "./extreme.mjs";

const link = (scenario, at = 0) =>
  "#s=" + deflateRawSync(Buffer.from(JSON.stringify({ v: 1, at, scenario }))).toString("base64url");

test("two tabs: one tab's autosave never overwrites the other's work", async (t) => {
  const app = await openApp(t);
  const a = app.page;
  await a.getByRole("button", { name: "Add consumer" }).click();
  await a.getByRole("article", { name: "consumer c1", exact: true }).waitFor();
  // Tab B opens the most recent session (a copy), then resets to an empty playground.
  const b = await a.context().newPage();
  await b.goto(app.url);
  await b.getByRole("article", { name: "consumer c1", exact: true }).waitFor();
  await b.getByRole("button", { name: "Reset", exact: true }).click();
  await until(async () => (await b.locator("article.consumer").count()) === 0, { what: "B reset" });
  await b.evaluate(() => window.dispatchEvent(new Event("pagehide")));
  // A's reload reopens A's own session, whatever B saved since.
  await a.reload();
  await a.getByRole("article", { name: "consumer c1", exact: true }).waitFor();
  const sessions = await a.evaluate(() => JSON.parse(localStorage.getItem("broker-playground.sessions")));
  assert.equal(sessions.length, 2, JSON.stringify(sessions));
  app.assertClean();
});

test("many tabs: a new tab offers every other tab's work, and each opens", async (t) => {
  const app = await openApp(t);
  const first = app.page;
  // Five tabs, each with its own work: tab k has k consumers (after Reset).
  const tabs = [first];
  for (let k = 2; k <= 5; k++) tabs.push(await first.context().newPage());
  for (const [i, tab] of tabs.entries()) {
    if (i > 0) await tab.goto(app.url);
    await tab.getByRole("button", { name: "Reset", exact: true }).click();
    await until(async () => (await tab.locator("article.consumer").count()) === 0, { what: `tab ${i + 1} reset` });
    for (let c = 0; c <= i; c++) await tab.getByRole("button", { name: "Add consumer" }).click();
    await until(async () => (await tab.locator("article.consumer").count()) === i + 1, { what: `tab ${i + 1} work` });
    await tab.evaluate(() => window.dispatchEvent(new Event("pagehide")));
  }
  const sessions = await first.evaluate(() => JSON.parse(localStorage.getItem("broker-playground.sessions")));
  assert.equal(sessions.length, 5, "no tab's session was dropped: " + JSON.stringify(sessions));
  // A sixth tab opens the most recently saved work (the tabs keep running and saving, so which
  // one that is depends on timing), offers the one before as "previous", and lists the other
  // three; between them every tab's work is there.
  const sixth = await first.context().newPage();
  await sixth.goto(app.url);
  const consumers = () => sixth.locator("article.consumer").count();
  await until(async () => (await consumers()) > 0, { what: "some tab's work opened" });
  const seen = [await consumers()];
  await sixth.getByRole("button", { name: "Restore previous session" }).click();
  await until(async () => !seen.includes(await consumers()), { what: "the previous session restored" });
  seen.push(await consumers());
  const open = sixth.locator(".other-sessions").getByRole("button", { name: /^Open / });
  await until(async () => (await open.count()) === 3, { what: "three more tabs' work listed" });
  await sixth.screenshot({ path: join(RESULTS, "other-tabs.png") });
  for (let left = 3; left > 0; left--) {
    await open.first().click();
    await until(async () => !seen.includes(await consumers()), { what: "a listed session opened" });
    seen.push(await consumers());
    assert.equal(await open.count(), left - 1, "an opened session leaves the list");
  }
  assert.deepEqual(seen.toSorted(), [1, 2, 3, 4, 5], "every tab's work was offered");
  app.assertClean();
});

test("a share link pasted into an open page opens it, asking first when it would replace work", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const scenario = { version: 1, id: "pasted", seed: 1, topics: [{ name: "pasted", partitions: 2 }] };
  // No work yet: it opens without asking.
  await page.evaluate((h) => (location.hash = h), link(scenario, 0));
  await page.getByText(/Opened a shared link at 00:00\.000/).waitFor();
  assert.equal(await page.locator("[id^='lane-pasted-']").count(), 2);
  assert.equal(new URL(page.url()).hash, "", "the link is taken out of the address");
  // With work: it asks; declined, nothing changes.
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("article", { name: "consumer c1", exact: true }).waitFor();
  const other = { ...scenario, id: "other", topics: [{ name: "other", partitions: 3 }] };
  page.once("dialog", (d) => d.dismiss());
  await page.evaluate((h) => (location.hash = h), link(other, 0));
  await until(async () => new URL(page.url()).hash === "", { what: "the hash read" });
  assert.equal(await page.locator("[id^='lane-other-']").count(), 0, "declined: not opened");
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    d.accept();
  });
  await page.evaluate((h) => (location.hash = h), link(other, 0));
  await until(async () => (await page.locator("[id^='lane-other-']").count()) === 3, { what: "the link opened" });
  assert.match(asked, /replaces the session shown now/);
  await page.getByRole("button", { name: "Restore previous session" }).waitFor();
  app.assertClean();
});

test("an import too large is refused by its size, before it is read", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await mkdir(RESULTS, { recursive: true });
  const big = join(RESULTS, "too-large.json");
  await writeFile(big, Buffer.alloc(2 * 1024 * 1024, " "));
  await page.locator("input[type='file']").setInputFiles(big);
  await page
    .getByRole("alert")
    .filter({ hasText: "too-large.json was not imported: it is 2097152 bytes, and a scenario file is at most 1048576 bytes" })
    .waitFor();
  app.assertClean();
});

// The core cannot do this scenario's work at 1× (docs/robustness.md, "Measured"): the page
// advances it in slices of at most FRAME_WORK_MS a tick (src/ui/state.rs) and the clock says it
// is behind. Long tasks are recorded for the bench report (test-results/extreme-page.json). The locators here are CSS, not roles: a role query walks the whole page's
// accessibility tree (1 024 lanes), and Playwright runs it on the page's main thread, where it
// would itself be a long task.
test("every cap at its maximum: the page loads it and stays responsive (long tasks recorded)", async (t) => {
  // Opening it is one long task (building 256 topics, 256 producers and 16 consumers and the
  // first render of them all): given two minutes on a loaded machine.
  const app = await openApp(t, { path: link(extreme()), timeout: 120_000 });
  const { page } = app;
  await page.getByText(/Opened a shared link/).waitFor();
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => e.duration))).observe({ entryTypes: ["longtask"] });
  });
  const toggle = page.locator("header .controls button.primary");
  await toggle.filter({ hasText: "Play" }).click();
  const started = Date.now();
  await page.waitForTimeout(10_000);
  // Still answering: the clock runs, Pause stops it, and the language switches.
  const clock = page.locator("header .clock-time");
  const before = await clock.textContent();
  await until(async () => (await clock.textContent()) !== before, { what: "the clock moves" });
  const t0 = Date.now();
  await toggle.filter({ hasText: "Pause" }).click();
  await toggle.filter({ hasText: "Play" }).waitFor();
  const pause_ms = Date.now() - t0;
  const t1 = Date.now();
  await page.locator("select[aria-label='Language']").selectOption("ru");
  await toggle.filter({ hasText: "Пуск" }).waitFor();
  const answer_ms = Date.now() - t1;
  const long = await page.evaluate(() => window.__long);
  const figures = {
    extreme_page_long_tasks: long.length,
    extreme_page_longest_task_ms: Math.round(Math.max(0, ...long)),
    extreme_page_tasks_over_200ms: long.filter((d) => d >= 200).length,
    extreme_page_pause_ms: pause_ms,
    extreme_page_answer_ms: answer_ms,
    extreme_page_clock: await clock.textContent(),
    extreme_page_watched_ms: Date.now() - started,
    extreme_page_js_heap_bytes: await page.evaluate(() => performance.memory?.usedJSHeapSize ?? null),
  };
  await mkdir(RESULTS, { recursive: true });
  await writeFile(join(RESULTS, "extreme-page.json"), JSON.stringify(figures, null, 2) + "\n");
  console.log(JSON.stringify(figures));
  // The promise (no task of 200 ms or more) is the bench's figure, from the file above: on a
  // loaded 2-core machine a task's wall time is inflated many times, so here only what a person
  // notices is asserted — the clock ran, and Pause and the language answered.
  assert.notEqual(figures.extreme_page_clock, "00:00.000", "the clock ran");
  // Off screen, a large cluster's cards wait while the clock runs (src/ui/held.rs); paused, they
  // catch up a few a frame, nobody scrolling: the last producer card ends up in Russian with
  // the count it sent, like the first.
  const last = page.locator("article.producer").last();
  await until(async () => /^производитель p0+255$/.test((await last.locator("h3").textContent()) ?? ""), {
    what: "the last producer card, off screen, catches up with the language",
  });
  await until(async () => /^[1-9]\d* отправлено$/.test((await last.locator(".badge").first().textContent()) ?? ""), {
    what: "the last producer card, off screen, catches up with what it sent",
  });
  app.assertClean();
});
