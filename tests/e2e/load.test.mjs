// A lesson appears at once (issue 18): before the wasm has arrived, the page and each embed show
// the lesson's first frame (the poster: the same components rendered at build time,
// src/bin/playground-poster.rs), its controls quietly disabled; when the wasm is ready the live
// app takes its place, laid out the same (no layout shift), and works. Two embeds on one docs page
// fetch the wasm once. Built-in lessons' scenario files are data (dist/scenarios/<id>.json).
//
// "Before the wasm finishes" is made certain rather than hoped for: on a throttled connection
// (Fast 4G), the test also holds the wasm's response until it has looked at the poster.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serveDocsSite, launchBrowser, watchPage, preloadLines } from "./helpers.mjs";

const DOCS = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Docs</title>
<script type="module" src="pg/embed.js"></script></head><body>
<h1>Consumer groups</h1>
<broker-playground id="first" scenario="rebalance-basics" controls="minimal" height="460"></broker-playground>
<broker-playground id="second" scenario="kip-848" controls="player" height="420"></broker-playground>
</body></html>`;

/** The same page with the two lines docs/embedding.md offers ("Starting sooner"). */
const PRELOADED = DOCS.replace("</script></head>", `</script>\n${preloadLines()}</head>`);

/** Serves dist/ under /pg/ next to the docs page; opens a throttled page whose wasm is held
 *  until `release()`. Everything is closed when `t` ends. */
async function openHeld(t, path) {
  const server = await serveDocsSite(DOCS, { "docs-preload.html": PRELOADED });
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = watchPage(page);
  const requests = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 170, downloadThroughput: (9e6 / 8) | 0, uploadThroughput: (1.5e6 / 8) | 0,
  });
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route("**/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto(new URL(path, server.url).href, { waitUntil: "commit" });
  return { page, problems, requests, release };
}

/** Where the lesson's lanes and cards are, rounded to whole pixels. */
const boxes = (root) =>
  root.evaluate((r) =>
    [...r.querySelectorAll("[role=group][aria-label^='orders-'], article, h1, h2")].map((e) => {
      const b = e.getBoundingClientRect();
      const name = (e.getAttribute("aria-label") ?? e.textContent.slice(0, 20)).replace(/\d+/g, "#");
      return `${e.tagName} ${name} @${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}`;
    }),
  );

test("an embed shows the lesson's first frame before the wasm, then works in place", async (t) => {
  const { page, problems, requests, release } = await openHeld(t, "docs.html");
  const host = page.locator("#first");
  const root = host.locator(".bp-root");

  // The first frame: the lesson's partition lanes and consumer cards, while the wasm is held.
  await host.locator(".bp-root[data-poster] main.app").waitFor();
  assert.equal(await host.evaluate((el) => el.started), false, "the wasm has not started it");
  assert.equal(await host.getByRole("group", { name: /^orders-\d+:/ }).count(), 6, "six partition lanes");
  assert.equal(await host.getByRole("article", { name: /^consumer / }).count(), 3, "three consumer cards");
  // Read by a screen reader once (one copy, not hidden), its controls quietly not yet working.
  assert.equal(await host.getByRole("heading", { name: "Broker Playground" }).count(), 1);
  assert.equal(await host.getByRole("status").count(), 0, "no 'Loading…' line beside the poster");
  const step = host.getByRole("button", { name: "Step", exact: true });
  assert.equal(await step.isDisabled(), true, "the poster's Step waits for the app");
  const before = await boxes(root);
  assert.ok(before.length > 10, `the poster has lanes and cards (${before.length} boxes)`);

  release();
  await host.locator(".bp-root:not([data-poster]) main.app").waitFor();
  await page.waitForFunction(() => document.getElementById("first").started);
  // Interactive in place: the same lanes and cards at the same places, now working.
  assert.deepEqual(await boxes(root), before, "the app takes the poster's place without a shift");
  const clock = host.locator(".clock-time");
  await host.getByRole("button", { name: "Pause", exact: true }).click();
  const shown = await clock.textContent();
  await step.click();
  await page.waitForFunction(
    ([shown]) => document.getElementById("first").shadowRoot.querySelector(".clock-time").textContent !== shown,
    [shown],
  );
  const cls = await page.evaluate(() => window.__cls);
  assert.ok(cls < 0.01, `layout shift while loading: CLS ${cls}`);

  // Its scenario came as data (scenarios/<id>.json), not inside the wasm.
  assert.ok(requests.includes("/pg/scenarios/rebalance-basics.json"), requests.join("\n"));
  assert.deepEqual(problems, []);
});

test("a docs page with two embeds fetches the wasm once; both start", async (t) => {
  const { page, problems, requests, release } = await openHeld(t, "docs.html");
  release();
  await page.locator("#second").scrollIntoViewIfNeeded();
  await page.waitForFunction(() => ["first", "second"].every((id) => document.getElementById(id).started));
  await page.locator("#second .bp-root:not([data-poster]) main.app").waitFor();
  const count = (p) => requests.filter((r) => r === p).length;
  assert.equal(count("/pg/broker-playground_bg.wasm"), 1, "the wasm, once");
  assert.equal(count("/pg/broker-playground.js"), 1, "its glue, once");
  for (const id of ["rebalance-basics", "kip-848"]) assert.equal(count(`/pg/scenarios/${id}.json`), 1, id);
  assert.equal(count("/pg/posters/kip-848.player.en.html"), 1, "the player's poster");
  assert.deepEqual(problems, []);
});

test("with docs/embedding.md's preload lines the wasm the page asked for early is the one that runs", async (t) => {
  const { page, problems, requests, release } = await openHeld(t, "docs-preload.html");
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await page.locator("#first .bp-root[data-poster] main.app").waitFor();
  release();
  await page.locator("#second").scrollIntoViewIfNeeded();
  await page.waitForFunction(() => ["first", "second"].every((id) => document.getElementById(id).started));
  await page.locator("#first .bp-root:not([data-poster]) main.app").waitFor();
  // The wasm and the glue were asked for by the page's <link>s: before embed.js had even
  // arrived, so before it could ask. And embed.js's own fetch and import took those responses
  // (a request that did not match the preload, say in its credentials mode, would download the
  // wasm a second time).
  const timing = await page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType("resource")
        .filter((e) => /\/pg\/(embed\.js|broker-playground(_bg\.wasm|\.js))$/.test(e.name))
        .map((e) => [new URL(e.name).pathname.slice(4), [e.startTime, e.responseEnd]]),
    ),
  );
  const embedArrived = timing["embed.js"][1];
  for (const file of ["broker-playground_bg.wasm", "broker-playground.js"])
    assert.ok(timing[file][0] < embedArrived, `${file} asked for at ${timing[file][0]} ms, embed.js here at ${embedArrived} ms`);
  const count = (p) => requests.filter((r) => r === p).length;
  assert.equal(count("/pg/broker-playground_bg.wasm"), 1, "the wasm, once");
  assert.equal(count("/pg/broker-playground.js"), 1, "its glue, once");
  assert.deepEqual(warnings.filter((w) => /preload/i.test(w)), [], "no 'preloaded but not used' warning");
  assert.deepEqual(problems, []);
});

test("the full page shows its default lesson inline before the wasm, then works in place", async (t) => {
  const { page, problems, requests, release } = await openHeld(t, "pg/index.html");
  const root = page.locator("#broker-playground-app");
  await page.locator("#broker-playground-app[data-poster] main.app").waitFor();
  // The poster is in the HTML, but the browser paints nothing before the page's stylesheets
  // (render-blocking) arrive: measure what a person first sees, once they have.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('link[rel="stylesheet"]')].every((l) => l.sheet !== null),
  );
  assert.equal(await page.getByRole("group", { name: /^orders-\d+:/ }).count(), 6);
  const add = page.getByRole("button", { name: "Add consumer" });
  assert.equal(await add.isDisabled(), true);
  const before = await boxes(root);
  assert.ok(!requests.some((r) => r.includes("/posters/")), "the page's poster is inline: no extra request");

  release();
  await page.locator("#broker-playground-app:not([data-poster]) main.app").waitFor();
  assert.equal(await add.isEnabled(), true);
  assert.deepEqual(await boxes(root), before, "the app takes the poster's place without a shift");
  await add.click();
  await page.getByRole("article", { name: /^consumer c1/ }).waitFor();
  const cls = await page.evaluate(() => window.__cls);
  assert.ok(cls < 0.01, `layout shift while loading: CLS ${cls}`);
  assert.deepEqual(problems, []);
});

test("a lesson named in the address is fetched as data, then runs", async (t) => {
  const { page, problems, requests, release } = await openHeld(t, "pg/index.html?scenario=kip-848");
  release();
  await page.locator("#broker-playground-app:not([data-poster]) main.app").waitFor();
  const select = page.getByLabel("Scenario", { exact: true });
  assert.equal(await select.inputValue(), "kip-848");
  assert.ok(requests.includes("/pg/scenarios/kip-848.json"));
  await page.getByRole("article", { name: /^consumer / }).first().waitFor();
  // Another lesson from the Scenario select: fetched when chosen, then loaded.
  await select.selectOption("lag");
  await page.waitForFunction(() => document.querySelector("select[aria-label=Scenario]").value === "lag");
  await page.locator(".notice", { hasText: "Lag builds up and drains" }).first().waitFor();
  assert.ok(requests.includes("/pg/scenarios/lag.json"));
  assert.deepEqual(problems, []);
});
