// Shared helpers for the end-to-end tests (tests/e2e/*.test.mjs, run by `node --test`).
//
//   import { test } from "node:test";
//   import { openApp } from "./helpers.mjs";
//   test("…", async (t) => {
//     const app = await openApp(t);           // server + browser + page, closed after the test
//     await app.page.getByRole("button", { name: "Add consumer" }).click();
//     app.assertClean();                       // no console errors, no failed requests
//     await app.screenshot("after-add");       // test-results/after-add.png
//   });
//
// The tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core; never run
// `npx playwright install` (it downloads a browser from a host this network cannot reach).
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST = resolve(ROOT, process.env.E2E_DIST ?? "dist");
export const RESULTS = resolve(ROOT, "test-results");

/** Chromium flags that keep headless Chromium from stalling on this closed network (TOOLCHAIN.md).
 *  Playwright adds --headless and a fresh --user-data-dir itself. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `dir` (default: dist/) on 127.0.0.1 at a free port. Returns { url, close }. */
export async function serveStatic(dir = DIST) {
  const root = resolve(dir);
  await stat(join(root, "index.html")).catch(() => {
    throw new Error(`${root}/index.html not found: run \`trunk build --release --offline\` first`);
  });
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, "index.html");
        info = await stat(file).catch(() => null);
      }
      if (!info) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      // Like nginx's brotli_static/gzip_static: the precompressed file beside it, when the
      // browser accepts it (scripts/postbuild.mjs writes them in release builds).
      const type = MIME[extname(file)] ?? "application/octet-stream";
      const accepts = String(req.headers["accept-encoding"] ?? "");
      let encoding = null;
      for (const [enc, suffix] of [["br", ".br"], ["gzip", ".gz"]]) {
        if (!new RegExp(`\\b${enc}\\b`).test(accepts)) continue;
        const packed = await stat(file + suffix).catch(() => null);
        if (packed?.isFile()) {
          [file, info, encoding] = [file + suffix, packed, enc];
          break;
        }
      }
      res.writeHead(200, {
        "content-type": type,
        "content-length": info.size,
        "cache-control": "no-store",
        vary: "accept-encoding",
        ...(encoding ? { "content-encoding": encoding } : {}),
      });
      if (req.method === "HEAD") res.end();
      else createReadStream(file).pipe(res);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/** The two lines docs/embedding.md offers a page whose playground is in its first screen
 *  ("Starting sooner"), for dist/ copied to `base`: the wasm and its glue asked for with the page. */
export const preloadLines = (base = "pg/") =>
  `<link rel="preload" href="${base}broker-playground_bg.wasm" as="fetch" type="application/wasm" crossorigin>
<link rel="modulepreload" href="${base}broker-playground.js">
`;

/** A docs site that copied dist/ to /pg/: serves `docsHtml` as /docs.html beside it, and each
 *  of `more` (file name → HTML) as another page. Returns { url, close } (close also removes the
 *  temporary folder). */
export async function serveDocsSite(docsHtml, more = {}) {
  const { mkdtemp, symlink, writeFile, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(join(tmpdir(), "docs-site-"));
  await symlink(DIST, join(dir, "pg"));
  await writeFile(join(dir, "docs.html"), docsHtml);
  for (const [name, html] of Object.entries(more)) await writeFile(join(dir, name), html);
  await writeFile(join(dir, "index.html"), "<!doctype html><title>docs</title>");
  const server = await serveStatic(dir);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Launches Debian's headless Chromium with the flags above. */
export function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
    ...options,
  });
}

/** Records console errors, uncaught page errors, failed requests and HTTP errors (>= 400). */
export function watchPage(page) {
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`uncaught: ${err.message}`));
  page.on("requestfailed", (req) => {
    const why = req.failure()?.errorText ?? "";
    // ERR_ABORTED: the browser cancelled it because the test navigated away (e.g. the favicon
    // of a page left by page.goto) — not a failure of the page.
    if (why.includes("ERR_ABORTED")) return;
    problems.push(`request failed: ${req.url()} (${why})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

/** A page in a new context of `browser`, its problems watched (see [`watchPage`]). */
export async function newPage(browser, { viewport, predict = false, timeout = 15_000 } = {}) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1280, height: 800 } });
  // A lesson's questions stop its clock (src/ui/predict.rs): off, as a person who unticked
  // "Ask me to predict", unless the test is about them (`predict: true`).
  // (about:blank has no storage: the script runs there too.)
  if (!predict) {
    await context.addInitScript(() => {
      try {
        localStorage.setItem("broker-playground.predict", "off");
      } catch {}
    });
  }
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  return { page, problems: watchPage(page) };
}

/**
 * Starts the static server (unless E2E_BASE_URL points at a running one, e.g. `trunk serve`),
 * launches Chromium, opens a page at `path` and waits for the app's first render (`selector`).
 * Everything is closed when the test `t` ends.
 */
export async function openApp(t, { path = "", selector = "main h1", viewport, predict = false, timeout = 15_000 } = {}) {
  const server = process.env.E2E_BASE_URL ? null : await serveStatic();
  const base = process.env.E2E_BASE_URL ?? server.url;
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await server?.close();
  });
  const { page, problems } = await newPage(browser, { viewport, predict, timeout });
  const url = new URL(path, base).href;
  await page.goto(url, { waitUntil: "load" });
  if (selector) await page.waitForSelector(selector);
  // The live app, not the poster (the first frame index.html shows before the wasm).
  await page.waitForFunction(() => !document.querySelector("#broker-playground-app[data-poster]"));
  return {
    page,
    url,
    problems,
    /** Fails the test if the page logged an error or a request failed so far. */
    assertClean() {
      assert.deepEqual(problems, [], `the page reported problems:\n  ${problems.join("\n  ")}`);
    },
    /** Saves a full-page screenshot to test-results/NAME.png and returns its path. */
    async screenshot(name) {
      await mkdir(RESULTS, { recursive: true });
      const file = join(RESULTS, `${name}.png`);
      // `content-visibility: auto` (app.css) skips painting what is off screen, which a full-page
      // picture would show as blank boxes; paint it all, as a person scrolling down sees it.
      const all = await page.addStyleTag({ content: ".lane, .card, .group { content-visibility: visible !important; }" });
      await page.screenshot({ path: file, fullPage: true });
      await all.evaluate((el) => el.remove());
      return file;
    },
  };
}

/** Polls `check` (an async function returning truthy when done) until it holds. */
export async function until(check, { timeout = 20_000, every = 100, what = "condition" } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
