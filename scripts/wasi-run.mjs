// Runs a wasm32-wasip1 program in Node's V8 (the engine Chromium uses), for the bench's wasm
// figures: node scripts/wasi-run.mjs PROGRAM.wasm [ARGS...]
import { WASI } from "node:wasi";
import { readFile } from "node:fs/promises";

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
