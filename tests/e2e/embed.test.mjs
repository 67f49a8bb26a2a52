// The embed (docs/embedding.md): dist/embed-example.html is an ordinary docs page with three
// <broker-playground> elements and host CSS that tries to break them. Each instance renders in its
// own shadow root, runs independently, starts only when scrolled into view, keeps the host's CSS
// out and its own CSS in; the JS API mounts and unmounts; and dist/ works from any sub-path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, symlink, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, RESULTS, serveStatic, launchBrowser, watchPage } from "./helpers.mjs";

/** Opens `path` on a static server of `dir` (default dist/). Closed when `t` ends. */
async function open(t, path, { dir = DIST, viewport = { width: 1280, height: 800 } } = {}) {
  const server = await serveStatic(dir);
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = watchPage(page);
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(new URL(path, server.url).href, { waitUntil: "load" });
  return {
    page,
    problems,
    requests,
    base: server.url,
    assertClean(allowed = []) {
      const left = problems.filter((p) => !allowed.some((a) => p.includes(a)));
      assert.deepEqual(left, [], `the page reported problems:\n  ${left.join("\n  ")}`);
    },
    async screenshot(name) {
      await mkdir(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
    },
  };
}

const IDS = ["pg-basics", "pg-protocols", "pg-kip848"];

/** Scrolls an instance into view and waits until its app has rendered inside its shadow root. */
async function start(page, id) {
  const host = page.locator(`#${id}`);
  await host.scrollIntoViewIfNeeded();
  await host.locator(".bp-root:not([data-poster]) main.app h1").waitFor();
  return host;
}

/** Whether the instance's shadow root holds a rendered app (not just the placeholder). */
const mounted = (page, id) =>
  page.evaluate((id) => Boolean(document.getElementById(id)?.shadowRoot?.querySelector("main.app")), id);

const consumerCards = (host) => host.getByRole("article", { name: /^consumer / }).count();

test("three instances on a docs page: shadow roots, lazy start, independent state", async (t) => {
  const app = await open(t, "embed-example.html");
  const { page } = app;

  // The first instance (near the top) starts; the last one, far below the fold, has not.
  await page.locator("#pg-basics .bp-root:not([data-poster]) main.app h1").waitFor();
  for (const id of IDS) {
    assert.ok(await page.evaluate((id) => document.getElementById(id).shadowRoot !== null, id), `${id} has an open shadow root`);
  }
  assert.equal(await mounted(page, "pg-kip848"), false, "an instance below the fold has not mounted yet");
  // An instance in view asks for its poster at once (embed.js); one below the fold does not, so
  // a reader on a slow link does not pay for lessons further down.
  const posters = () => app.requests.filter((u) => u.includes("/posters/")).map((u) => u.split("/posters/")[1]);
  assert.ok(posters().some((p) => p.startsWith("rebalance-basics.")), posters().join(", "));
  assert.ok(!posters().some((p) => p.startsWith("kip-848.")), `not the one below the fold: ${posters().join(", ")}`);
  assert.equal(await page.evaluate(() => document.getElementById("pg-kip848").started), false);
  // It shows a placeholder of its final size meanwhile, in its language.
  const kip = page.locator("#pg-kip848");
  assert.match(await kip.locator(".bp-placeholder").textContent(), /Загружается/);
  const before = await kip.boundingBox();

  const basics = page.locator("#pg-basics");
  const protocols = await start(page, "pg-protocols");
  await start(page, "pg-kip848");
  const after = await kip.boundingBox();
  assert.equal(Math.round(after.height), Math.round(before.height), "no jump when the instance starts");
  assert.equal(await kip.evaluate((el) => el.started), true);

  // Each instance is its own playground: add a consumer in one, the others do not change.
  await basics.scrollIntoViewIfNeeded();
  const counts = { basics: await consumerCards(basics), kip: await consumerCards(kip) };
  await basics.getByRole("button", { name: "Add consumer" }).click();
  await basics.getByRole("button", { name: /^Crash consumer / }).first().waitFor();
  assert.equal(await consumerCards(basics), counts.basics + 1);
  assert.equal(await consumerCards(kip), counts.kip, "the other instance did not change");
  await basics.getByRole("button", { name: /^Crash consumer / }).last().click();
  assert.equal(await consumerCards(kip), counts.kip);
  assert.equal(await protocols.getByRole("button", { name: /^Crash consumer / }).count(), 0);

  // Keyboard shortcuts belong to the instance with focus: Space in the first one toggles only it.
  const playLabel = (host) => host.locator(".controls button.primary").textContent();
  const labels = [await playLabel(basics), await playLabel(protocols)];
  await basics.locator(".clock").click(); // focuses the instance (not a control)
  await page.keyboard.press("Space");
  assert.notEqual(await playLabel(basics), labels[0], "Space toggled the focused instance");
  assert.equal(await playLabel(protocols), labels[1], "…and not another one");
  // With focus on the host page, no instance reacts.
  await page.locator("h1").first().click();
  const now = await playLabel(basics);
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Space");
  assert.equal(await playLabel(basics), now);

  app.assertClean();
});

test("controls modes: minimal hides editing panels, player has time controls only", async (t) => {
  const app = await open(t, "embed-example.html");
  const { page } = app;
  const basics = await start(page, "pg-basics");
  const player = await start(page, "pg-protocols");
  const full = await start(page, "pg-kip848");

  // Player: Play/Pause and Step, no editing at all.
  await assert.doesNotReject(player.getByRole("button", { name: /^(Play|Pause)$/ }).waitFor());
  await assert.doesNotReject(player.getByRole("button", { name: "Step", exact: true }).waitFor());
  for (const name of ["Add consumer", "Add producer", "Add topic"]) {
    assert.equal(await player.getByRole("button", { name }).count(), 0, `player has no "${name}"`);
  }
  assert.equal(await player.getByRole("spinbutton", { name: "Partitions" }).count(), 0);
  assert.equal(await player.getByRole("button", { name: /^(Remove|Crash|Leave group)/ }).count(), 0);
  assert.ok(await player.locator("main.app .lane").count(), "player shows the lanes");
  // …and still says what the scenario is about, folded so the lanes come first.
  const watch = player.locator("details.watch");
  await assert.doesNotReject(watch.getByText("What to watch for").waitFor());
  assert.equal(await watch.getAttribute("open"), null);

  // Minimal: producers and consumers, no add-topic form, no users & roles, no glossary.
  await assert.doesNotReject(basics.getByRole("button", { name: "Add consumer" }).waitFor());
  assert.equal(await basics.getByRole("button", { name: "Add topic" }).count(), 0);
  assert.equal(await basics.locator(".glossary").count(), 0);
  assert.equal(await basics.locator(".bindings, .roles-grid").count(), 0);

  // Full: everything (this instance has lang="ru", which the UI now honours).
  await assert.doesNotReject(full.getByRole("button", { name: "Добавить топик" }).waitFor());
  app.assertClean();
});

test("the host's CSS stays out, the playground's CSS stays in", async (t) => {
  const app = await open(t, "embed-example.html");
  const { page } = app;
  const basics = await start(page, "pg-basics");
  await basics.getByRole("button", { name: "Add consumer" }).click();
  const table = basics.locator("table.describe").first();
  await table.waitFor();

  const style = (locator, ...props) =>
    locator.evaluate((el, props) => {
      const cs = getComputedStyle(el);
      return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
    }, props);

  // Inside: the host's `button { background: red }`, `* { font-family: serif }`,
  // `table { display: none }`, `:root { --bg }` do not apply.
  const inner = await style(basics.getByRole("button", { name: "Step", exact: true }), "background-color", "font-family", "box-sizing");
  assert.notEqual(inner["background-color"], "rgb(255, 0, 0)", "the host's red buttons stay out");
  assert.doesNotMatch(inner["font-family"], /Georgia|DejaVu Serif/, "the host's serif font stays out");
  assert.equal(inner["box-sizing"], "border-box");
  assert.notEqual((await style(table, "display")).display, "none", "the host's `table { display: none }` stays out");
  const bg = await style(basics.locator("main.app"), "--bg");
  assert.equal(bg["--bg"].trim(), "#ffffff", "the host's --bg custom property stays out");

  // Outside: the playground's `button`, `p`, `main` rules do not reach the host page.
  const host = await style(page.locator("#host-button"), "background-color", "border-top-color");
  assert.equal(host["background-color"], "rgb(255, 0, 0)");
  assert.equal(host["border-top-color"], "rgb(139, 0, 0)");
  const p = await style(page.locator("article.doc p").first(), "color", "margin-bottom", "font-family");
  assert.equal(p.color, "rgb(58, 51, 48)");
  assert.match(p["font-family"], /Georgia/);
  const body = await style(page.locator("body"), "background-color", "font-size");
  assert.equal(body["background-color"], "rgb(251, 250, 247)");
  assert.equal(body["font-size"], "18px");
  // Only the embed's own files were requested, each once (shared by all instances).
  for (const file of ["broker-playground_bg.wasm", "broker-playground.js", "app.css", "base.css", "embed.css"]) {
    const n = app.requests.filter((u) => new URL(u).pathname.endsWith(`/${file}`)).length;
    assert.equal(n, 1, `${file} fetched once (got ${n})`);
  }
  app.assertClean();
});

// Finding 6: a docs theme's `html { font-size: 62.5% }` made the embed's headings 11–12 px, as
// `rem` follows the host page's root element even inside a shadow root.
test("a host page's html { font-size: 62.5% } does not shrink the embed", async (t) => {
  const app = await open(t, "embed-example.html");
  const { page } = app;
  await page.addStyleTag({ content: "html { font-size: 62.5% !important; }" });
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), "10px");
  const basics = await start(page, "pg-basics");
  const size = (locator) => locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok((await size(basics.locator(".bp-root:not([data-poster]) main.app h1"))) >= 16, "the title");
  assert.ok((await size(basics.getByRole("button", { name: "Step", exact: true }))) >= 14, "a button");
  const pad = await basics.locator("main.app").evaluate((el) => parseFloat(getComputedStyle(el).paddingTop));
  assert.ok(pad >= 8, `spacing follows 16 px, not the host's 10 px (padding ${pad})`);
  await basics.screenshot({ path: join(RESULTS, "embed-root-62.5.png") });
  app.assertClean();
});

test("the JS API: mount(element, options) and unmount(); bad options are a clear error", async (t) => {
  const app = await open(t, "embed-example.html");
  const { page } = app;
  await page.locator("#pg-basics .bp-root:not([data-poster]) main.app h1").waitFor();
  const result = await page.evaluate(async () => {
    const { mount } = await import("./embed.js");
    const el = document.createElement("div");
    el.id = "api";
    document.querySelector(".doc").append(el);
    const handle = mount(el, { controls: "player", height: 300 });
    await handle.ready;
    window.apiHandle = handle;
    const frame = el.shadowRoot.querySelector(".bp-frame");
    return {
      rendered: Boolean(el.shadowRoot.querySelector("main.app.mode-player")),
      height: frame.getBoundingClientRect().height,
      defined: customElements.get("broker-playground") !== undefined,
    };
  });
  assert.deepEqual(result, { rendered: true, height: 300, defined: true });
  await assert.doesNotReject(page.locator("#api").getByRole("button", { name: "Step", exact: true }).waitFor());

  const gone = await page.evaluate(async () => {
    window.apiHandle.unmount();
    window.apiHandle.unmount(); // idempotent
    await new Promise((r) => setTimeout(r, 100));
    const root = document.getElementById("api").shadowRoot;
    return { children: root.childElementCount, text: root.textContent, sheets: root.adoptedStyleSheets.length };
  });
  assert.deepEqual(gone, { children: 0, text: "", sheets: 0 });
  // The other instances keep running.
  await assert.doesNotReject(page.locator("#pg-basics .bp-root:not([data-poster]) main.app h1").waitFor());

  // The same element can hold a new one; unknown values are an Error that names them.
  const errors = await page.evaluate(async () => {
    const { mount } = await import("./embed.js");
    const el = document.getElementById("api");
    const out = [];
    for (const options of [{ controls: "tiny" }, { scenario: "no-such-thing" }, { colour: "red" }]) {
      const handle = mount(el, options);
      out.push(await handle.ready.then(() => "mounted", (e) => `${e.name}: ${e.message}`));
      out.push(el.shadowRoot.querySelector("[role=alert]")?.textContent ?? "");
      handle.unmount();
    }
    return out;
  });
  assert.match(errors[0], /^Error: .*unknown controls "tiny"/);
  assert.match(errors[1], /unknown controls "tiny"/, "the box says so too");
  assert.match(errors[2], /unknown scenario "no-such-thing".*rebalance-basics/);
  assert.match(errors[4], /unknown option `colour`/);
  // The three failures were logged (console.error) for the page's author; nothing else was.
  app.assertClean(["unknown controls", "unknown scenario", "unknown option"]);
  assert.equal(app.problems.length, 3);
});

test("removing an element unmounts it; dist/ copied under a sub-path still works", async (t) => {
  // A docs site: /index.html, /docs/guide.html, and dist/ copied to /docs/static/pg/.
  const site = await mkdtemp(join(tmpdir(), "pg-site-"));
  t.after(() => rm(site, { recursive: true, force: true }));
  await mkdir(join(site, "docs/static"), { recursive: true });
  await symlink(DIST, join(site, "docs/static/pg"), "dir");
  await writeFile(join(site, "index.html"), "<!doctype html><title>site</title><p>site</p>");
  await writeFile(
    join(site, "docs/guide.html"),
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>Guide</title><link rel="icon" href="data:,">
     <script type="module" src="static/pg/embed.js"></script>
     <h1>Guide</h1>
     <broker-playground id="g1" controls="minimal" height="400"></broker-playground>
     <broker-playground id="g2" controls="player" height="300"></broker-playground>`,
  );

  const app = await open(t, "docs/guide.html", { dir: site });
  const { page } = app;
  await page.locator("#g1 .bp-root:not([data-poster]) main.app h1").waitFor();
  await page.locator("#g2 .bp-root:not([data-poster]) main.app h1").waitFor();
  const wasm = app.requests.find((u) => u.endsWith(".wasm"));
  assert.equal(new URL(wasm).pathname, "/docs/static/pg/broker-playground_bg.wasm");
  const h = await page.locator("#g1").evaluate((el) => el.shadowRoot.querySelector(".bp-frame").getBoundingClientRect().height);
  assert.equal(h, 400);

  // disconnectedCallback unmounts: the element's app is destroyed, the other keeps running.
  const after = await page.evaluate(async () => {
    const el = document.getElementById("g1");
    el.remove();
    await new Promise((r) => setTimeout(r, 100));
    return { mounted: Boolean(el.shadowRoot.querySelector("main.app")), started: el.started };
  });
  assert.deepEqual(after, { mounted: false, started: false });
  await assert.doesNotReject(page.locator("#g2 .bp-root:not([data-poster]) main.app h1").waitFor());

  // The example page itself, and the full playground page, from the sub-path.
  await page.goto(new URL("docs/static/pg/embed-example.html", app.base).href, { waitUntil: "load" });
  await page.locator("#pg-basics .bp-root:not([data-poster]) main.app h1").waitFor();
  await page.goto(new URL("docs/static/pg/", app.base).href, { waitUntil: "load" });
  await page.locator("#broker-playground-app main.app h1").waitFor();
  await assert.doesNotReject(page.getByRole("button", { name: "Add topic" }).waitFor());
  app.assertClean();
});

test("without WebAssembly, each instance says so in a plain sentence (same size, no app)", async (t) => {
  const server = await serveStatic();
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const problems = watchPage(page);
  await page.addInitScript(() => {
    delete globalThis.WebAssembly;
  });
  await page.goto(new URL("embed-example.html", server.url).href, { waitUntil: "load" });
  const basics = page.locator("#pg-basics");
  await basics.getByRole("alert").waitFor();
  assert.match(await basics.getByRole("alert").textContent(), /needs WebAssembly/);
  assert.match(await page.locator("#pg-kip848").getByRole("alert").textContent(), /WebAssembly/);
  assert.equal(Math.round((await basics.boundingBox()).height), 420);
  assert.equal(await page.locator("main.app").count(), 0);
  assert.deepEqual(problems, []);
  await mkdir(RESULTS, { recursive: true });
  await basics.screenshot({ path: join(RESULTS, "embed-no-wasm.png") });
});

test("the example page at desktop and phone widths (screenshots)", async (t) => {
  for (const [name, viewport] of [
    ["embed-example-desktop", { width: 1280, height: 800 }],
    ["embed-example-phone", { width: 390, height: 844 }],
  ]) {
    const app = await open(t, "embed-example.html", { viewport });
    const { page } = app;
    for (const id of IDS) await start(page, id);
    // On a phone the instances fit the width (no sideways scrolling of the page).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
    for (const id of IDS) {
      const box = await page.locator(`#${id}`).boundingBox();
      assert.ok(box.width <= viewport.width, `${id} fits the width`);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await app.screenshot(name);
    app.assertClean();
  }
});
