// Profiles the page with every cap at its maximum (the scenario of tests/e2e/reliability.test.mjs's
// "every cap at its maximum…"): Play 10 s, Pause, switch the language, with the CDP CPU profiler
// on and long tasks recorded. Prints the long tasks and the functions the time went to (self and
// inclusive), so a change to the page can be measured where it matters. Issue #16.
//
//   node scripts/profile-extreme.mjs [--dist DIR] [--named DIR] [--top N]
//
// --dist defaults to dist/. For function names in the wasm, build a named copy first:
//   wasm-bindgen --target web --keep-debug --out-dir target/named target/wasm32-unknown-unknown/release/broker-playground.wasm
// and pass --named target/named (its .js and _bg.wasm replace dist's in a copy under target/).
import { cp, readdir, rm, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { deflateRawSync } from "node:zlib";
import { serveStatic, launchBrowser, newPage, ROOT } from "../tests/e2e/helpers.mjs";
import { extreme } from "../tests/e2e/extreme.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const top = Number(opt("--top", 40));
let dist = resolve(ROOT, opt("--dist", "dist"));
const named = opt("--named", null);
if (named) {
  const copy = resolve(ROOT, "target/profile-dist");
  await rm(copy, { recursive: true, force: true });
  await mkdir(copy, { recursive: true });
  await cp(dist, copy, { recursive: true });
  for (const f of await readdir(copy)) {
    // The precompressed copies would be served instead (tests/e2e/helpers.mjs): drop them.
    if (/^broker-playground.*\.(br|gz)$/.test(f)) await rm(join(copy, f));
    else if (f.endsWith("_bg.wasm")) await cp(join(named, "broker-playground_bg.wasm"), join(copy, f));
    else if (/^broker-playground.*\.js$/.test(f)) await cp(join(named, "broker-playground.js"), join(copy, f));
  }
  // Trunk's integrity hashes are the dist files': drop them for the named ones.
  const index = join(copy, "index.html");
  await writeFile(index, (await readFile(index, "utf8")).replace(/ integrity="[^"]*"/g, ""));
  await rm(index + ".br", { force: true });
  await rm(index + ".gz", { force: true });
  dist = copy;
}

const link = "#s=" + deflateRawSync(Buffer.from(JSON.stringify({ v: 1, at: 0, scenario: extreme() }))).toString("base64url");

const server = await serveStatic(dist);
const browser = await launchBrowser();
try {
  const { page } = await newPage(browser, { timeout: 180_000 });
  await page.goto(new URL(link, server.url).href, { waitUntil: "load" });
  await page.getByText(/Opened a shared link/).waitFor();
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => window.__long.push(...l.getEntries().map((e) => [e.startTime, e.duration])))
      .observe({ entryTypes: ["longtask"] });
    window.__marks = {};
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 1000 });
  await cdp.send("Profiler.start");
  const mark = (what) => page.evaluate((w) => (window.__marks[w] = performance.now()), what);
  const toggle = page.locator("header .controls button.primary");
  await mark("play");
  await toggle.filter({ hasText: "Play" }).click();
  await page.waitForTimeout(10_000);
  await mark("pause");
  const t0 = Date.now();
  await toggle.filter({ hasText: "Pause" }).click();
  await toggle.filter({ hasText: "Play" }).waitFor();
  const pause_ms = Date.now() - t0;
  await mark("lang");
  const t1 = Date.now();
  await page.locator("select[aria-label='Language']").selectOption("ru");
  await toggle.filter({ hasText: "Пуск" }).waitFor();
  const lang_ms = Date.now() - t1;
  const { profile } = await cdp.send("Profiler.stop");
  const long = await page.evaluate(() => window.__long);
  const marks = await page.evaluate(() => window.__marks);

  const where = (start) => (start >= marks.lang ? "lang" : start >= marks.pause ? "pause" : "play");
  console.log(`pause answered in ${pause_ms} ms, language in ${lang_ms} ms`);
  console.log(`long tasks: ${long.length}, ≥200 ms: ${long.filter(([, d]) => d >= 200).length}, longest ${Math.round(Math.max(0, ...long.map(([, d]) => d)))} ms`);
  console.log("long tasks ≥ 100 ms:", long.filter(([, d]) => d >= 100).map(([s, d]) => `${where(s)}:${Math.round(d)}`).join(" "));

  // Self and inclusive time per function name, per phase (the profile's timestamps are µs in
  // the same clock as performance.now() ×1000 plus an offset: phase by sample order instead).
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => {
    const f = n.callFrame;
    const fn = f.functionName || "(anonymous)";
    return f.url && !f.url.includes(".wasm") && !fn.startsWith("(") ? `${fn} ${f.url.split("/").pop()}:${f.lineNumber}` : fn;
  };
  const self = new Map();
  const incl = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    let n = byId.get(profile.samples[i]);
    const l = label(n);
    if (l === "(idle)" || l === "(program)") continue;
    total += dt;
    self.set(l, (self.get(l) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id));
      if (seen.has(name)) continue;
      seen.add(name);
      incl.set(name, (incl.get(name) ?? 0) + dt);
    }
  }
  const show = (m, title) => {
    console.log(`\n${title} (busy ${Math.round(total)} ms)`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${String(Math.round(v)).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k.slice(0, 150)}`);
    }
  };
  show(self, "self time");
  show(incl, "inclusive time");
} finally {
  await browser.close();
  await server.close();
}
