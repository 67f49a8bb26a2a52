// Scenarios and sessions, as a person uses them: picking a built-in scenario, sharing a link to
// a moment, a tampered link, Export then Import, autosave across a reload (and a corrupt one),
// Russian, and scrubbing back in time. Every flow also asserts no console errors: bad input is
// told on the page, never logged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { openApp, ROOT, until } from "./helpers.mjs";

const builtIn = async (id) => JSON.parse(await readFile(join(ROOT, "src/core/scenarios", `${id}.json`), "utf8"));

/** What a person sees of the cluster: clock, cards, lanes and every describe table. */
async function snapshot(page) {
  return page.evaluate(() => ({
    clock: document.querySelector("[role='timer']").textContent.replace(/\D+(?=\d\d:)/, "").trim(),
    cards: [...document.querySelectorAll("article h3")].map((h) => h.textContent.trim()).sort(),
    lanes: document.querySelectorAll("[id^='lane-']").length,
    tables: [...document.querySelectorAll("table.describe")].map((t) => ({
      caption: t.querySelector("caption").textContent.trim(),
      rows: [...t.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())),
    })),
  }));
}

/** Scrubs the Time range to `ms` (a range input cannot be typed into: set it and fire change). */
async function scrubTo(page, ms) {
  await page.getByLabel("Time", { exact: true }).evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, ms);
}

const clockMs = async (page) => {
  const text = await page.locator("[role='timer']").textContent();
  const [, m, s, ms] = text.match(/(\d\d):(\d\d)\.(\d{3})/);
  return (+m * 60 + +s) * 1000 + +ms;
};

async function twoConsumersThenPauseAt(page, ms) {
  await page.getByLabel("Speed").selectOption("10");
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => (await clockMs(page)) > ms + 1000, { what: "the clock to pass the moment" });
  await scrubTo(page, ms);
  await until(async () => (await clockMs(page)) === ms, { what: `the clock at ${ms} ms` });
  await page.getByRole("button", { name: "Play" }).waitFor();
}

test("picking a scenario shows what to watch for and its consumers", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const scenario = page.getByLabel("Scenario", { exact: true });
  assert.equal(await scenario.inputValue(), "playground");
  const watch = page.getByRole("region", { name: "What to watch for" });
  assert.ok((await watch.textContent()).includes((await builtIn("playground")).watch_for.en));
  const q = await builtIn("queue-vs-pubsub");
  await scenario.selectOption("queue-vs-pubsub");
  await until(async () => (await watch.textContent()).includes(q.watch_for.en), { what: "its watch-for text" });
  for (const c of q.consumers) await page.getByRole("article", { name: `consumer ${c.name}`, exact: true }).waitFor();
  assert.ok(await page.getByText(`Loaded: ${q.title.en}.`).count());
  // A reload opens the session as it was left (the autosave), in the lesson picked.
  await page.reload();
  await until(async () => (await page.getByLabel("Scenario", { exact: true }).inputValue()) === "queue-vs-pubsub", {
    what: "the same scenario after a reload",
  });
  app.assertClean();
});

test("?scenario=ID is read once: a reload keeps the work done in it, and Restore shows its scenario in the select", async (t) => {
  const app = await openApp(t, { path: "?scenario=rebalance-basics&lang=en" });
  const { page } = app;
  const scenario = page.getByLabel("Scenario", { exact: true });
  assert.equal(await scenario.inputValue(), "rebalance-basics");
  const address = new URL(page.url());
  assert.equal(address.searchParams.get("scenario"), null, "the address no longer asks for a fresh copy");
  assert.equal(address.searchParams.get("lang"), "en", "other parameters stay");
  const consumers = page.locator("article.consumer");
  await consumers.first().waitFor();
  const before = await consumers.count();
  await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => (await consumers.count()) === before + 1, { what: "one more consumer" });
  await page.reload();
  await until(async () => (await scenario.inputValue()) === "rebalance-basics", { what: "the lesson after a reload" });
  await until(async () => (await consumers.count()) === before + 1, { what: "the added consumer after a reload" });

  // Another lesson, then back with Restore previous session: the select follows.
  await scenario.selectOption("lag");
  await until(async () => (await scenario.inputValue()) === "lag", { what: "lag loaded" });
  await page.getByRole("button", { name: "Restore previous session" }).click();
  await until(async () => (await scenario.inputValue()) === "rebalance-basics", { what: "the select back on rebalance-basics" });
  await until(async () => (await consumers.count()) === before + 1, { what: "the restored consumers" });
  app.assertClean();
});

test("?scenario=ID loads it, and an unknown id says so", async (t) => {
  const app = await openApp(t, { path: "?scenario=kip-848" });
  const { page } = app;
  assert.equal(await page.getByLabel("Scenario", { exact: true }).inputValue(), "kip-848");
  await page.goto(new URL("?scenario=no-such-thing", app.url).href);
  await page.getByRole("alert").filter({ hasText: 'There is no built-in scenario "no-such-thing"' }).waitFor();
  assert.equal(await page.getByLabel("Scenario", { exact: true }).inputValue(), "playground");
  app.assertClean();
});

test("a shared link opens the same moment: same consumers, groups and partitions", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await twoConsumersThenPauseAt(page, 6_000);
  const before = await snapshot(page);
  assert.equal(before.clock, "00:06.000");
  assert.ok(before.tables.length === 1 && before.tables[0].rows.length === 6, JSON.stringify(before));
  await page.getByRole("button", { name: "Share" }).click();
  const field = page.getByLabel("Link to this moment");
  await until(async () => (await field.inputValue()).includes("#s="), { what: "the link" });
  const link = await field.inputValue();
  assert.ok(link.startsWith(new URL("/#s=", app.url).href), link);
  await page.locator(".share-out [role='status']").waitFor(); // "Copied" or "copy it yourself"

  const other = await page.context().newPage();
  const problems = [];
  other.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  other.on("pageerror", (e) => problems.push(e.message));
  await other.goto(link);
  await other.getByText(/Opened a shared link at 00:06\.000/).waitFor();
  assert.deepEqual(await snapshot(other), before);
  await other.getByRole("button", { name: "Play" }).waitFor(); // paused
  assert.equal(new URL(other.url()).hash, "", "the link is taken out of the address once read");
  assert.deepEqual(problems, []);
  app.assertClean();
});

test("a tampered link is a clear message and the default scenario, with no console errors", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByRole("button", { name: "Share" }).click();
  const link = await page.getByLabel("Link to this moment").inputValue();
  const [base, payload] = link.split("#s=");
  const tampered = `${base}#s=${payload.slice(0, 20)}${payload[20] === "A" ? "B" : "A"}${payload.slice(21)}`;
  for (const bad of [tampered, `${base}#s=%%%not-base64`, `${base}#s=${payload.slice(0, payload.length / 2)}`]) {
    await page.goto("about:blank");
    await page.goto(bad);
    const alert = page.getByRole("alert").filter({ hasText: "This link could not be opened: it is" });
    await alert.waitFor();
    assert.equal(await page.getByLabel("Scenario", { exact: true }).inputValue(), "playground");
    assert.equal(await page.locator("[id^='lane-orders-']").count(), 6);
    assert.equal(new URL(page.url()).hash, "", "the bad link is removed from the address");
    await alert.getByRole("button", { name: "Dismiss" }).click();
    await until(async () => (await alert.count()) === 0, { what: "the message to go" });
  }
  app.assertClean();
});

test("Export then Import gives back the same run", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await twoConsumersThenPauseAt(page, 5_000);
  const before = await snapshot(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
  assert.equal(download.suggestedFilename(), "playground-00-05.json");
  const file = join(ROOT, "test-results", download.suggestedFilename());
  await download.saveAs(file);
  const exported = JSON.parse(await readFile(file, "utf8"));
  assert.equal(exported.script.length, 2, "the two consumers added are in the file");

  await page.getByRole("button", { name: "Reset", exact: true }).click();
  await until(async () => (await page.locator("article.consumer").count()) === 0, { what: "a fresh default" });
  await page.getByRole("button", { name: "Restore previous session" }).waitFor();
  await page.locator("input[type='file']").setInputFiles(file);
  await page.getByText("Imported playground-00-05.json.").waitFor();
  // It plays from its start; once past 5 s, go back to exactly 5 s.
  await until(async () => (await clockMs(page)) > 6_000, { what: "the import to play past 6 s" });
  await scrubTo(page, 5_000);
  await until(async () => (await clockMs(page)) === 5_000, { what: "the clock at 5 s" });
  assert.deepEqual(await snapshot(page), before);

  // A broken file: the field path in the message, the state untouched.
  const bad = join(ROOT, "test-results", "bad-scenario.json");
  await import("node:fs/promises").then((fs) =>
    fs.writeFile(bad, JSON.stringify({ version: 1, topics: [{ name: "t", partitions: "six" }] })),
  );
  await page.locator("input[type='file']").setInputFiles(bad);
  await page.getByRole("alert").filter({ hasText: "bad-scenario.json could not be imported: topics[0].partitions" }).waitFor();
  assert.deepEqual(await snapshot(page), before);
  app.assertClean();
});

test("a reload keeps the session; a corrupt autosave is set aside with a message", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("article", { name: "consumer c1", exact: true }).waitFor();
  await until(async () => (await clockMs(page)) > 4_000, { what: "some time" });
  await page.reload();
  await page.getByRole("article", { name: "consumer c1", exact: true }).waitFor();
  assert.ok((await clockMs(page)) > 3_000, "the clock goes on from where it was");
  assert.equal(await page.locator("table.describe").count(), 1);

  // Corrupt it before the page starts (a reload would save over it on the way out).
  const context = await page.context().browser().newContext();
  t.after(() => context.close());
  await context.addInitScript(() => localStorage.setItem("broker-playground.autosave", "{corrupt"));
  const fresh = await context.newPage();
  const problems = [];
  fresh.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  fresh.on("pageerror", (e) => problems.push(e.message));
  await page.close();
  await fresh.goto(app.url);
  await checkCorrupt(fresh);
  assert.deepEqual(problems, []);
  app.assertClean();
});

async function checkCorrupt(page) {
  const alert = page.getByRole("alert").filter({ hasText: "Your saved session could not be restored" });
  await alert.waitFor();
  assert.ok(!(await alert.textContent()).includes("link"), "a save is not called a link");
  assert.equal(await page.locator("article.consumer").count(), 0, "the default scenario");
  assert.equal(await page.locator("[id^='lane-orders-']").count(), 6);
  assert.equal(await page.evaluate(() => localStorage.getItem("broker-playground.autosave.rejected.1")), "{corrupt");
  // The set-aside save can be downloaded from the message.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    alert.getByRole("button", { name: "Download the set-aside session" }).click(),
  ]);
  const file = join(ROOT, "test-results", "set-aside-session.json");
  await download.saveAs(file);
  assert.equal(await readFile(file, "utf8"), "{corrupt");
}

test("a browser without CompressionStream gets a clear word from Share, not a broken link", async (t) => {
  const app = await openApp(t);
  const context = await app.page.context().browser().newContext();
  t.after(() => context.close());
  await context.addInitScript(() => delete window.CompressionStream);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(app.url);
  await page.getByRole("button", { name: "Share" }).click();
  await page.getByRole("status").filter({ hasText: "cannot make share links" }).waitFor();
  assert.equal(await page.getByLabel("Link to this moment").count(), 0);
  // The session is still saved (as plain JSON: saving on the way out cannot wait for a stream).
  await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => (await page.evaluate(() => Object.keys(localStorage)
    .filter((k) => k.startsWith("broker-playground.session."))
    .map((k) => localStorage.getItem(k)).join(""))).includes('"c1"'), {
    what: "the autosave",
  });
  assert.deepEqual(problems, []);
  app.assertClean();
});

test("a long replay (a link ten minutes into the largest scenario) shows its progress and the page stays usable", async (t) => {
  const producers = [1, 2, 3, 4].map((i) => ({
    name: `p${i}`, topic: "orders", rate: 500, keys: { mode: "set", prefix: "user-", count: 200 },
  }));
  const consumers = Array.from({ length: 24 }, (_, i) => ({
    name: `c${i + 1}`, mode: { group: { topics: ["orders"] } }, config: { "group.id": "group-1" },
  }));
  const scenario = { version: 1, id: "big", seed: 1, topics: [{ name: "orders", partitions: 48 }], producers, consumers };
  const json = JSON.stringify({ v: 1, at: 600_000, scenario });
  const link = "#s=" + deflateRawSync(Buffer.from(json)).toString("base64url");
  const app = await openApp(t, { path: link });
  const { page } = app;
  const progress = page.getByRole("status").filter({ hasText: "Replaying from the seed to 10:00.000" });
  await progress.waitFor();
  // Meanwhile the page answers: the notice can be dismissed and the language switched.
  await page.getByRole("button", { name: "Dismiss" }).first().click();
  await page.getByLabel("Language").selectOption("ru");
  await page.getByRole("status").filter({ hasText: "Воспроизведение с начала до 10:00.000" }).waitFor();
  await page.getByRole("status").filter({ hasText: "Воспроизведение" }).waitFor({ state: "detached", timeout: 60_000 });
  assert.match(await page.locator(".clock").textContent(), /10:00\.000/);
  assert.equal(await page.locator("article.consumer").count(), 24);
  app.assertClean();
});

test("scrubbing back rewinds the clock and pauses; a timeline entry goes to its moment", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => (await clockMs(page)) > 8_000, { what: "8 s" });
  await scrubTo(page, 1_000);
  await until(async () => (await clockMs(page)) === 1_000, { what: "00:01.000" });
  await page.getByRole("button", { name: "Play" }).waitFor();
  const max = Number(await page.getByLabel("Time", { exact: true }).getAttribute("max"));
  assert.ok(max > 8_000, `the range still reaches the furthest moment (${max})`);
  // The consumer was added after 00:01? Then it is gone at 00:01; either way the card matches the replay.
  const entry = page.locator("ol.events button").filter({ hasText: "topic orders created" }).first();
  await entry.click();
  await page.getByRole("link", { name: "Go to this moment" }).click();
  await until(async () => (await clockMs(page)) === 0, { what: "00:00.000" });
  app.assertClean();
});

test("acting after a scrub back says what it dropped, and Undo puts it back exactly", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  await until(async () => (await clockMs(page)) > 2_000, { what: "2 s" });
  await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => (await clockMs(page)) > 6_000, { what: "6 s" });
  const max = async () => Number(await page.getByLabel("Time", { exact: true }).getAttribute("max"));
  await page.getByRole("button", { name: "Pause" }).click();
  const end = await max();
  await scrubTo(page, 1_000);
  await until(async () => (await clockMs(page)) === 1_000, { what: "00:01.000" });
  assert.equal(await page.locator("article.consumer").count(), 0, "c1 comes later");
  await page.getByRole("button", { name: "Add producer" }).click();
  const notice = page.locator(".notice").filter({ hasText: "dropped what you had done after it" });
  await notice.waitFor();
  assert.ok((await max()) < end, "the Time range now ends at the cut");
  await notice.getByRole("button", { name: "Undo" }).click();
  await until(async () => (await notice.count()) === 0, { what: "the notice gone" });
  assert.equal(await max(), end, "the Time range ends where it did");
  assert.equal(await page.locator("article.producer").count(), 1, "the added producer is undone");
  await page.getByRole("button", { name: "Play" }).click();
  await page.getByRole("article", { name: "consumer c1", exact: true }).waitFor();
  app.assertClean();
});

test("Russian: ?lang=ru and the Language select", async (t) => {
  const app = await openApp(t, { path: "?lang=ru" });
  const { page } = app;
  await page.getByRole("heading", { name: "Хронология" }).waitFor();
  await page.getByRole("heading", { name: "На что смотреть" }).waitFor();
  await page.getByRole("button", { name: "Добавить потребителя" }).click();
  await page.getByText(/создан топик orders, разделов: 6/).first().waitFor();
  await page.getByText(/добавлен потребитель c1/).first().waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ru");
  // The Russian words came as data (dist/ru.json), not in the wasm.
  const fetched = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
  assert.ok(fetched.some((n) => n.endsWith("/ru.json")), `ru.json fetched: ${fetched}`);
  // Issue 17, finding 9: each of these read English or odd Russian.
  await page.getByRole("article", { name: "потребитель c1", exact: true }).waitFor();
  await page.getByLabel("Без группы (assign())").first().waitFor();
  await page.getByRole("button", { name: "Приостановить p1" }).waitFor();
  assert.equal(await page.locator('label[title="ключи user-1 … user-6"]').count(), 1, "the key count's title");
  await page.locator("ol.phases li").first().waitFor();
  const pills = await page.locator("ol.phases li").allTextContents();
  for (const p of pills) assert.ok(/[а-яё]/i.test(p), `phase pill in Russian: ${pills}`);
  const owns = await page.locator("article.consumer").first().textContent();
  assert.ok(!owns.includes("ничем"), owns);
  // The page's own words (cards, panels, labels, buttons, headings); the lessons' texts are
  // held to the same glossary by the unit test `every_russian_string_follows_the_glossary`.
  const body = (await page.locator("article, label:not(:has(select)), button, h2, h3, h4, ol.phases").allTextContents()).join(" ");
  for (const word of ["партици", "консьюмер", "продюсер", "Самостоятельно", "Придержать", "ребаланс"]) {
    const m = body.match(new RegExp(`(^|[^а-яё])${word}.{0,40}`, "i"));
    assert.ok(!m, `${word} on the page: ${m}`);
  }
  await page.getByLabel("Язык").selectOption("en");
  await page.getByRole("heading", { name: "Timeline" }).waitFor();
  await page.getByText(/consumer c1 added/).first().waitFor();
  // The choice persists (the address's ?lang= would win over it: go without it).
  await page.goto(new URL("/", app.url).href);
  await page.getByRole("heading", { name: "Timeline" }).waitFor();
  await page.getByLabel("Language").selectOption("ru");
  await page.reload();
  await page.getByRole("heading", { name: "Хронология" }).waitFor();
  app.assertClean();
});

for (const [name, viewport] of [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", { width: 390, height: 844 }],
]) {
  for (const lang of ["en", "ru"]) {
    test(`screenshot: ${name}, ${lang}, a scenario with its notes`, async (t) => {
      const app = await openApp(t, { path: `?scenario=rebalance-basics&lang=${lang}`, viewport });
      const { page } = app;
      await page.locator(".controls select").selectOption("10");
      await page.getByRole("button", { name: lang === "ru" ? "Поделиться" : "Share" }).click();
      await until(async () => (await clockMs(page)) > 12_000, { what: "12 s" });
      await page.evaluate(() => window.scrollTo(0, 0));
      await app.screenshot(`scenarios-${name}-${lang}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal scroll (${overflow}px)`);
      app.assertClean();
    });
  }
}

test("mid-rebalance, moves wait for the assignment; then they and the members that revoked are listed", async (t) => {
  const app = await openApp(t, { path: "?scenario=eager-vs-cooperative" });
  const { page } = app;
  await page.getByLabel("Speed").selectOption("10");
  await until(async () => (await clockMs(page)) > 17_000, { what: "the clock past 00:17" });
  const eager = page.locator("article.group").filter({ has: page.getByRole("heading", { name: /eager/ }) });
  await scrubTo(page, 15_500);
  await until(async () => (await clockMs(page)) === 15_500, { what: "00:15.500" });
  const moves = eager.locator(".rebalance .moves");
  await until(async () => /decided when the assignment arrives/.test(await moves.textContent()), { what: "moves pending" });
  assert.doesNotMatch(await moves.textContent(), /nothing moves/);
  await scrubTo(page, 16_000);
  await until(async () => (await clockMs(page)) === 16_000, { what: "00:16.000" });
  await until(async () => /orders-2: e1 → e2/.test(await moves.textContent()), { what: "the moves" });
  await assert.doesNotReject(eager.getByText("Members that revoked partitions: e1, e2").waitFor());
  app.assertClean();
});

test("no groups yet: the empty state says why, true to the consumers on the page", async (t) => {
  const app = await openApp(t, { path: "?scenario=roles" });
  const { page } = app;
  const groups = page.locator("section[aria-labelledby='h-groups']");
  await assert.doesNotReject(groups.getByText(/No groups yet: a group forms when its first member joins/).waitFor());
  assert.equal(await groups.getByText("add a consumer").count(), 0);
  app.assertClean();
});
