// Trunk's post_build hook (Trunk.toml [[hooks]]): finishes dist/ while it is still Trunk's staging
// folder. Run by every `trunk build` / `trunk serve` (so by scripts/run.sh, test.sh and bench.sh).
//
//   1. posters: each built-in lesson's opening state as static HTML (src/bin/playground-poster.rs,
//      the same Yew components rendered natively) into posters/, and the full page's default
//      lesson inline in index.html, so the first frame needs no wasm;
//   2. scenarios/<id>.json: the built-in scenarios as data, fetched by the wasm when first needed;
//   3. release only: the JS (wasm-bindgen's glue, embed.js, snippets) and CSS minified by esbuild
//      (Trunk's own minifier fails on the glue), then a .br (brotli 11) and a .gz (gzip 9) beside
//      every file, for hosts that serve precompressed files (README, "Putting it on a host").
//
//   node scripts/postbuild.mjs [DIR]     # DIR: $TRUNK_STAGING_DIR, else dist/
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { join, extname, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIR = resolve(process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? join(ROOT, "dist"));
const RELEASE = process.env.TRUNK_PROFILE ? process.env.TRUNK_PROFILE === "release" : true;
const log = (msg) => process.stderr.write(`postbuild: ${msg}\n`);

/** Every file under `dir`, as paths. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

// ---- 1. posters ----
const posters = join(DIR, "posters");
execFileSync("cargo", ["run", "--quiet", "--locked", "--bin", "playground-poster", "--", posters], {
  cwd: ROOT,
  stdio: ["ignore", "inherit", "inherit"],
});
// The page's default lesson, inline: the first frame arrives with the page itself. The boot
// script in index.html puts the "Loading…" line back when the page will open something else.
const index = join(DIR, "index.html");
const page = readFileSync(index, "utf8");
const BOOT = /<!-- poster -->[\s\S]*?<!-- \/poster -->/;
if (!BOOT.test(page)) throw new Error(`${index}: no <!-- poster --> … <!-- /poster --> to fill`);
const poster = readFileSync(join(posters, "page.en.html"), "utf8");
writeFileSync(index, page.replace(BOOT, () => `<!-- poster -->${poster}<!-- /poster -->`));

// embed.js learns which lessons have a poster (it asks for no poster that does not exist).
const ids = [...new Set(readdirSync(posters).map((n) => n.split(".")[0]).filter((id) => id !== "page"))].sort();
const embed = join(DIR, "embed.js");
const embedText = readFileSync(embed, "utf8");
if (embedText.includes("/* lessons */ null")) writeFileSync(embed, embedText.replace("/* lessons */ null", JSON.stringify(ids)));
else log(`${embed}: no \`/* lessons */ null\` to fill (already filled?)`);
// …and which modules the wasm's JS glue imports (snippets/…), so it fetches them alongside the
// glue instead of after it (one round trip fewer before the wasm starts).
const glue = readFileSync(join(DIR, "broker-playground.js"), "utf8");
const snippets = [...glue.matchAll(/from\s*["']\.\/(snippets\/[^"']+)["']/g)].map((m) => m[1]);
const embedNow = readFileSync(embed, "utf8");
if (embedNow.includes("/* snippets */ null")) writeFileSync(embed, embedNow.replace("/* snippets */ null", JSON.stringify(snippets)));
else log(`${embed}: no \`/* snippets */ null\` to fill (already filled?)`);

// ---- 2. scenarios as data ----
const scenarios = join(DIR, "scenarios");
mkdirSync(scenarios, { recursive: true });
const source = join(ROOT, "src/core/scenarios");
for (const name of readdirSync(source).filter((n) => n.endsWith(".json"))) {
  writeFileSync(join(scenarios, name), JSON.stringify(JSON.parse(readFileSync(join(source, name), "utf8"))));
}

if (!RELEASE) {
  log(`posters and scenarios in ${DIR} (debug build: not minified or compressed)`);
  process.exit(0);
}

// ---- 3. minify, then precompress ----
const { transformSync } = await import("esbuild");
let saved = 0;
for (const file of files(DIR)) {
  const ext = extname(file);
  if (ext !== ".js" && ext !== ".css") continue;
  const code = readFileSync(file, "utf8");
  const out = transformSync(code, { loader: ext.slice(1), minify: true, legalComments: "none", charset: "utf8" }).code;
  saved += code.length - out.length;
  writeFileSync(file, out);
}
log(`minified JS and CSS (${(saved / 1024).toFixed(1)} kB less)`);

// Trunk wrote subresource-integrity hashes of the files as they were: hash them again.
for (const html of files(DIR).filter((f) => f.endsWith(".html") && !f.startsWith(posters))) {
  const text = readFileSync(html, "utf8");
  const fixed = text.replace(
    /((?:href|src)="\.\/([^"]+)"[^>]*?integrity=")sha384-[^"]+"/g,
    (_, head, file) => `${head}sha384-${createHash("sha384").update(readFileSync(join(DIR, file))).digest("base64")}"`,
  );
  if (fixed !== text) writeFileSync(html, fixed);
}

let count = 0;
// (Run again on a built dist/, it recompresses the files and overwrites their old copies.)
for (const file of files(DIR).filter((f) => !f.endsWith(".br") && !f.endsWith(".gz"))) {
  const data = readFileSync(file);
  const text = ![".wasm", ".png", ".ico"].includes(extname(file));
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_SIZE_HINT]: statSync(file).size,
    },
  });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  count++;
}
log(`${count} files precompressed (.br, .gz) in ${DIR}`);
