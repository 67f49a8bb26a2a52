// What a reader feels while a lesson loads (issue 18), side by side in one run: the bytes
// (gzip and brotli, as the precompressed files in dist/ hold them), and navigation → first frame
// and → first working control, cold cache, on three connections (localhost; "Fast 4G": 9 Mbps,
// 170 ms RTT; "Slow 3G": 400 kbps, 400 ms RTT; Chromium's own network emulation over CDP), for the
// full page and for a docs page with two embeds (also with the preload lines docs/embedding.md
// offers). Medians of RUNS runs, the cases alternated (one run of each, then the next round) so
// a slow moment of the machine does not land on one case.
// Writes target/bench/load.json (scripts/bench.sh merges it into report.json).
//
//   node scripts/bench-load.mjs [--runs 5] [--only docs_two_embeds.fast_4g[,page.slow_3g…]]
//   (--only: just those cases, for a quick look while working; it writes no load.json)
//
// first frame: the lesson (lanes, cards) is on screen — the poster, or the app if it came first;
// first working control: the app has replaced the poster and its Step button is enabled.
// Also per case: layout shift (CLS) while loading, bytes the browser received, console errors.
import { readdirSync, statSync, existsSync } from "node:fs";
import { writeFile, mkdir } from "node:fs/promises";
import { join, extname, relative } from "node:path";
import { DIST, serveDocsSite, launchBrowser, preloadLines } from "../tests/e2e/helpers.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg("--runs", 5);
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1].split(",") : null;

export const NETWORKS = {
  localhost: null,
  fast_4g: { latency: 170, downloadThroughput: (9e6 / 8) | 0, uploadThroughput: (1.5e6 / 8) | 0 },
  slow_3g: { latency: 400, downloadThroughput: (400e3 / 8) | 0, uploadThroughput: (400e3 / 8) | 0 },
};

/** A docs page with two embeds, the first in view (and the second just below it); `head` goes
 *  after the embed's script tag. */
export const docsPage = (head = "") => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Docs: consumer groups</title>
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="module" src="pg/embed.js"></script>
${head}<style>body { font: 16px/1.5 Georgia, serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }</style>
</head><body>
<h1>Consumer groups</h1>
<p>When a member of a group crashes, the coordinator waits for its session to time out.</p>
<broker-playground id="first" scenario="rebalance-basics" controls="minimal" height="460"></broker-playground>
<p>With the consumer protocol (KIP-848) the broker computes the assignment.</p>
<broker-playground id="second" scenario="kip-848" controls="player" height="420"></broker-playground>
</body></html>
`;
export const DOCS_PAGE = docsPage();

/** Runs in the page before anything else: records when the lesson is first on screen and when
 *  it first works (checked every animation frame, i.e. just before each paint), and layout shifts. */
function probe() {
  const t = (window.__load = { frame: null, working: null, shifts: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) t.shifts.push([e.startTime, e.value]);
  }).observe({ type: "layout-shift", buffered: true });
  const rootOf = () => {
    const host = document.getElementById("first");
    return host ? host.shadowRoot?.querySelector(".bp-root") : document.getElementById("broker-playground-app");
  };
  const check = () => {
    const root = rootOf();
    const lesson = root?.querySelector("main.app [role=group][aria-label^='orders-']");
    if (lesson && t.frame == null) t.frame = performance.now();
    if (lesson && !root.hasAttribute("data-poster")) {
      const step = [...root.querySelectorAll("button")].find((b) => b.textContent.trim() === "Step");
      if (step && !step.disabled && t.working == null) t.working = performance.now();
    }
    if (t.working == null) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

async function once(browser, url, network) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (network) await cdp.send("Network.emulateNetworkConditions", { offline: false, ...network });
  let received = 0;
  cdp.on("Network.loadingFinished", (e) => (received += e.encodedDataLength));
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("response", (res) => res.status() >= 400 && errors.push(`HTTP ${res.status()} ${res.url()}`));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.addInitScript(probe);
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__load?.working != null, null, { timeout: 120_000, polling: 100 });
  await page.waitForTimeout(300); // shifts right after the takeover count too
  const r = await page.evaluate(() => window.__load);
  await context.close();
  const cls = r.shifts.reduce((n, [, v]) => n + v, 0);
  // From the first frame on: the wasm taking over (before it: the host page settling, e.g. a
  // custom element that becomes a block when embed.js defines it).
  const takeover = r.shifts.filter(([at]) => at >= r.frame).reduce((n, [, v]) => n + v, 0);
  return { frame_ms: r.frame, working_ms: r.working, cls, cls_takeover: takeover, received_bytes: received, errors };
}

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};

/** Bytes of the files in dist/, as sent with each encoding (the precompressed files). */
function bytes() {
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
    );
  const all = files(DIST).filter((f) => ![".br", ".gz"].includes(extname(f)));
  const size = (f, suffix) => (existsSync(f + suffix) ? statSync(f + suffix).size : null);
  const sum = (list, suffix) => list.reduce((n, f) => n + (size(f, suffix) ?? statSync(f).size), 0);
  const rel = (f) => relative(DIST, f);
  const wasmJs = all.filter((f) => /\.(wasm|js)$/.test(f));
  // What the full page fetches: the page (its poster inline), CSS, glue, snippets, wasm, icon.
  const page = all.filter((f) => /^(index\.html|[^/]+\.css|broker-playground.*|snippets\/.*|favicon\.svg)$/.test(rel(f)));
  const out = {};
  for (const [enc, suffix] of [["gzip", ".gz"], ["brotli", ".br"], ["raw", ""]]) {
    out[`wasm_plus_js_${enc}_bytes`] = suffix ? sum(wasmJs, suffix) : wasmJs.reduce((n, f) => n + statSync(f).size, 0);
    out[`page_total_${enc}_bytes`] = suffix ? sum(page, suffix) : page.reduce((n, f) => n + statSync(f).size, 0);
  }
  const wasm = all.find((f) => f.endsWith(".wasm"));
  out.wasm_brotli_bytes = size(wasm, ".br");
  out.wasm_gzip_bytes_precompressed = size(wasm, ".gz");
  out.precompressed = all.every((f) => existsSync(f + ".br") && existsSync(f + ".gz"));
  return out;
}

const server = await serveDocsSite(DOCS_PAGE, { "docs-preload.html": docsPage(preloadLines()) });
const browser = await launchBrowser();
const out = { ...bytes(), runs: RUNS, cases: {} };
try {
  const pages = {
    page: `${server.url}pg/index.html`,
    docs_two_embeds: `${server.url}docs.html`,
    // The same docs page with docs/embedding.md's preload lines: what they buy, and cost.
    docs_two_embeds_preload: `${server.url}docs-preload.html`,
  };
  const results = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [net, conditions] of Object.entries(NETWORKS)) {
      for (const [name, url] of Object.entries(pages)) {
        const key = `${name}.${net}`;
        if (ONLY && !ONLY.includes(key)) continue;
        const r = await once(browser, url, conditions);
        (results[key] ??= []).push(r);
        process.stderr.write(
          `  ${key.padEnd(26)} run ${i + 1}: first frame ${r.frame_ms?.toFixed(0)} ms, working ${r.working_ms?.toFixed(0)} ms, CLS ${r.cls.toFixed(4)} (takeover ${r.cls_takeover.toFixed(4)})\n`,
        );
      }
    }
  }
  for (const [key, runs] of Object.entries(results)) {
    out.cases[key] = {
      first_frame_ms: median(runs.map((r) => r.frame_ms)),
      first_working_control_ms: median(runs.map((r) => r.working_ms)),
      cls_max: Math.max(...runs.map((r) => r.cls)),
      cls_takeover_max: Math.max(...runs.map((r) => r.cls_takeover)),
      received_bytes: median(runs.map((r) => r.received_bytes)),
      console_errors: [...new Set(runs.flatMap((r) => r.errors))],
    };
  }
  if (ONLY) {
    process.stderr.write(`${JSON.stringify(out.cases, null, 2)}\n`);
  } else {
    await mkdir("target/bench", { recursive: true });
    await writeFile("target/bench/load.json", JSON.stringify({ load: out }, null, 2) + "\n");
    process.stderr.write(`${JSON.stringify(out, null, 2)}\n`);
  }
} finally {
  await browser.close();
  await server.close();
}
