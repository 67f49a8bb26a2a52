// Where a frame's time goes at the bench's largest scenario (issue 17, finding 7): the same page
// and scenario as `scripts/bench-ui.mjs --only-frames`, with Chromium's trace split by what the
// main thread did (the tick's script, style, layout, paint…) and, with --cpu, a sampled profile
// of the wasm and JS functions (build a named wasm first: see scripts/bench.sh's wasm_breakdown;
// E2E_DIST=dir serves another dist/). A tool for finding the cost, not a bench figure.
//
//   node scripts/profile-frames.mjs [--speed 10] [--seconds 8] [--cpu] [--count] [--runs 1] [--scroll N] [--rf 3]
//   node scripts/profile-frames.mjs --compare /tmp/dist-before,dist [--speeds 1,10,rf3] [--runs 3]
//     (the bench's frame figures for two builds, alternating in one run: before/after medians;
//     rf3 is 1× on the bench's RF 3 scenario, bigScenario({ rf: 3 }))
import { serveStatic, launchBrowser } from "../tests/e2e/helpers.mjs";
import { bigScenario, shareFragment, median, pct, pauseAnswers } from "./bench-ui.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SPEED = arg("--speed", 10);
const SECONDS = arg("--seconds", 8);
const RUNS = arg("--runs", 1);
const CPU = process.argv.includes("--cpu");
/** Count DOM writes by kind (attribute name and element class) while measuring. */
const COUNT = process.argv.includes("--count");
/** Scroll lane `orders-N` to the top of the viewport before measuring (lanes on screen). */
const SCROLL = arg("--scroll", 0);
/** Replication factor of the scenario (3: the bench's RF 3 figure, on 3 brokers). */
const RF = arg("--rf", 1);

/** Self time (ms) per trace event name inside the main thread's tasks of at least 0.5 ms. */
function breakdown(trace) {
  const events = trace.traceEvents ?? trace;
  const main = new Set(
    events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const xs = events.filter((e) => e.ph === "X" && main.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = xs.filter((e) => e.name === "RunTask" && e.dur >= 500);
  const forced = { count: 0 };
  const kinds = { tick: [], render: [], other: [] };
  const self = new Map();
  let i = 0;
  for (const task of tasks) {
    const end = task.ts + task.dur;
    const inside = [];
    while (i < xs.length && xs[i].ts < task.ts) i++;
    for (let j = i; j < xs.length && xs[j].ts < end; j++) if (xs[j] !== task) inside.push(xs[j]);
    // Self time: each event's duration minus its direct children's.
    const stack = [];
    const selfOf = new Map();
    for (const e of inside) {
      while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      if (stack.length) selfOf.set(stack.at(-1), (selfOf.get(stack.at(-1)) ?? stack.at(-1).dur) - e.dur);
      stack.push(e);
    }
    for (const e of inside) self.set(e.name, (self.get(e.name) ?? 0) + (selfOf.get(e) ?? e.dur));
    // Style and layout forced inside script (a DOM read or write that needed them at once).
    const script = inside.filter((e) => e.name === "FunctionCall" || e.name === "TimerFire");
    for (const e of inside) {
      if (!["Layout", "UpdateLayoutTree", "Paint", "PrePaint"].includes(e.name)) continue;
      if (script.some((f) => f.ts <= e.ts && e.ts + e.dur <= f.ts + f.dur)) {
        const k = `forced ${e.name}`;
        self.set(k, (self.get(k) ?? 0) + e.dur);
        forced.count++;
      }
    }
    const names = new Set(inside.map((e) => e.name));
    const kind = names.has("TimerFire") ? "tick" : names.has("UpdateLayoutTree") || names.has("Layout") || names.has("Paint") || names.has("PrePaint") ? "render" : "other";
    kinds[kind].push(task.dur / 1000);
  }
  const total = tasks.reduce((a, t) => a + t.dur, 0) / 1000;
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, us]) => `${n} ${(us / 1000).toFixed(0)}ms`);
  const ms = tasks.map((t) => t.dur / 1000);
  // Thread time (the main thread's CPU time in the task): what the task costs without the
  // time a loaded machine took the CPU away; comparable across a noisy run.
  const cpu = tasks.filter((t) => t.tdur !== undefined).map((t) => t.tdur / 1000);
  return {
    cpu_p95: pct(cpu, 95),
    cpu_total_ms: Math.round(cpu.reduce((a, b) => a + b, 0)),
    tasks: tasks.length,
    p95: pct(ms, 95),
    max: ms.length ? Math.max(...ms) : null,
    long: ms.filter((x) => x >= 50).length,
    total_ms: Math.round(total),
    by_kind: Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, { n: v.length, p50: pct(v, 50)?.toFixed(1), p95: pct(v, 95)?.toFixed(1), sum: Math.round(v.reduce((a, b) => a + b, 0)) }])),
    self_top: top,
    forced: forced.count,
  };
}

/** Inclusive time per function whose name contains `filter` (each sample counted once per name). */
function cpuInclusive(profile, filter, n = 40) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const incl = new Map();
  let total = 0;
  profile.samples.forEach((id, k) => {
    const dt = profile.timeDeltas[k] ?? 0;
    total += dt;
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const raw = byId.get(cur).callFrame.functionName;
      const name = raw.replace(/::h[0-9a-f]{16}$/, "");
      if (!name.includes(filter) || seen.has(name)) continue;
      seen.add(name);
      incl.set(name, (incl.get(name) ?? 0) + dt);
    }
  });
  return [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, us]) => `${(100 * us / total).toFixed(1).padStart(5)}%  ${name.slice(0, 150)}`);
}

function cpuTop(profile, n = 40) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, k) => {
    const node = byId.get(id);
    const name = node.callFrame.functionName || `(${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber})`;
    self.set(name, (self.get(name) ?? 0) + (dt[k] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, us]) => `${(100 * us / total).toFixed(1).padStart(5)}%  ${name.slice(0, 140)}`);
}

/** The bench's frame figures (scripts/bench-ui.mjs `frames`) for one page at one speed. */
async function benchFrames(browser, base, speed, rf = 1) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(base + shareFragment(bigScenario({ rf })));
  await page.getByRole("button", { name: "Add consumer" }).waitFor();
  if (speed !== 1) await page.getByLabel("Speed").selectOption(String(speed));
  const play = page.getByRole("button", { name: "Play", exact: true });
  if (await play.count()) await play.click();
  await page.waitForTimeout(3000);
  if (SCROLL) await page.locator(`#lane-orders-${SCROLL}`).evaluate((el) => el.scrollIntoView({ block: "start" }));
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
  await page.waitForTimeout(SECONDS * 1000);
  const b = breakdown(JSON.parse((await browser.stopTracing()).toString()));
  const pause = await pauseAnswers(page);
  await context.close();
  return { p95: b.p95, max: b.max, long: b.long, pause, cpu_p95: b.cpu_p95, cpu_total: b.cpu_total_ms };
}

/** `--compare dirA,dirB`: the bench's frame figures for each build, alternating, in one run. */
async function compare(dirs) {
  const servers = await Promise.all(dirs.map((d) => serveStatic(d)));
  const browser = await launchBrowser();
  // A speed "rf3" is 1× on bigScenario({ rf: 3 }) (the bench's RF 3 figure).
  const speeds = (process.argv.includes("--speeds") ? process.argv[process.argv.indexOf("--speeds") + 1] : "1,10").split(",");
  const rows = {};
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const speed of speeds) {
        for (const [k, server] of servers.entries()) {
          const rf = speed.startsWith("rf") ? Number(speed.slice(2)) : 1;
          const m = await benchFrames(browser, server.url, rf > 1 ? 1 : Number(speed), rf);
          const key = `${dirs[k]} @${rf > 1 ? speed : `${speed}x`}`;
          (rows[key] ??= []).push(m);
          process.stderr.write(`  run ${r + 1} ${key}: p95 ${m.p95?.toFixed(1)} ms, max ${m.max?.toFixed(1)} ms, long tasks ${m.long}, Pause ${m.pause?.toFixed(1)} ms; CPU p95 ${m.cpu_p95?.toFixed(1)} ms, total ${m.cpu_total} ms\n`);
        }
      }
    }
  } finally {
    await browser.close();
    for (const s of servers) await s.close();
  }
  console.log(`medians of ${RUNS} runs, ${SECONDS} s each${SCROLL ? `, scrolled to lane ${SCROLL}` : ""}:`);
  for (const [key, ms] of Object.entries(rows)) {
    const m = (f) => median(ms.map(f));
    console.log(`${key.padEnd(28)} p95 ${m((x) => x.p95).toFixed(1)} ms  max ${m((x) => x.max).toFixed(1)} ms  long tasks ${m((x) => x.long)}  Pause ${m((x) => x.pause ?? NaN).toFixed(1)} ms  CPU p95 ${m((x) => x.cpu_p95).toFixed(1)} ms  CPU total ${m((x) => x.cpu_total)} ms`);
  }
}

const COMPARE = process.argv.includes("--compare") ? process.argv[process.argv.indexOf("--compare") + 1].split(",") : null;
if (COMPARE) {
  await compare(COMPARE);
  process.exit(0);
}

const server = await serveStatic();
const browser = await launchBrowser();
try {
  const results = [];
  for (let r = 0; r < RUNS; r++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    if (COUNT) await page.addInitScript(() => {
      const counts = (window.__writes = new Map());
      const bump = (k) => window.__counting && counts.set(k, (counts.get(k) ?? 0) + 1);
      const spent = (window.__spent = new Map());
      const setAttribute = Element.prototype.setAttribute;
      Element.prototype.setAttribute = function (n, v) {
        const k = `setAttribute ${n} on ${this.tagName.toLowerCase()}.${String(this.className).split(" ")[0]}`;
        bump(k);
        const t0 = performance.now();
        const r = setAttribute.call(this, n, v);
        if (window.__counting) spent.set(k, (spent.get(k) ?? 0) + performance.now() - t0);
        return r;
      };
      const removeAttribute = Element.prototype.removeAttribute;
      Element.prototype.removeAttribute = function (n) {
        bump(`removeAttribute ${n} on ${this.tagName.toLowerCase()}.${String(this.className).split(" ")[0]}`);
        return removeAttribute.call(this, n);
      };
      const nv = Object.getOwnPropertyDescriptor(Node.prototype, "nodeValue");
      Object.defineProperty(Node.prototype, "nodeValue", { ...nv, set(v) {
        bump(`nodeValue in ${this.parentElement?.tagName.toLowerCase()}.${String(this.parentElement?.className).split(" ")[0]}`);
        nv.set.call(this, v);
      } });
      for (const m of ["insertBefore", "removeChild", "appendChild"]) {
        const f = Node.prototype[m];
        Node.prototype[m] = function (...a) { bump(`${m} in ${this.tagName?.toLowerCase()}.${String(this.className).split(" ")[0]}`); return f.apply(this, a); };
      }
    });
    await page.goto(server.url + shareFragment(bigScenario({ rf: RF })));
    await page.getByRole("button", { name: "Add consumer" }).waitFor();
    if (SPEED !== 1) await page.getByLabel("Speed").selectOption(String(SPEED));
    const play = page.getByRole("button", { name: "Play", exact: true });
    if (await play.count()) await play.click();
    await page.waitForTimeout(3000);
    const cdp = CPU ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }
    if (COUNT) await page.evaluate(() => { window.__counting = true; });
    await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
    await page.waitForTimeout(SECONDS * 1000);
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const b = breakdown(trace);
    b.bench_p95 = b.p95;
    b.clock = await page.locator(".clock").first().textContent().catch(() => null);
    results.push(b);
    if (process.argv.includes("--shot")) {
      await page.screenshot({ path: "test-results/profile-frames.png" });
      const seen = await page.evaluate(() => [...document.querySelectorAll(".lane")].filter((l) => {
        const r = l.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight;
      }).length);
      console.log(`lanes in the viewport: ${seen} of ${await page.locator(".lane").count()}`);
    }
    if (COUNT) {
      const writes = await page.evaluate(() => [...window.__writes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30));
      console.log(`DOM writes in ${SECONDS} s:`);
      const spent = await page.evaluate(() => Object.fromEntries(window.__spent));
      for (const [k, n] of writes) console.log(`${String(n).padStart(8)}  ${k}${spent[k] ? `  (${spent[k].toFixed(0)} ms)` : ""}`);
    }
    console.log(JSON.stringify(b, null, 1));
    if (cdp) {
      const { profile } = await cdp.send("Profiler.stop");
      console.log(cpuTop(profile).join("\n"));
      console.log("-- inclusive, broker_playground:");
      console.log(cpuInclusive(profile, "broker_playground").join("\n"));
      console.log("-- inclusive, JS imports:");
      console.log(cpuInclusive(profile, "__wbg_", 15).join("\n"));
    }
    await context.close();
  }
  if (RUNS > 1) console.log("median bench p95:", median(results.map((r) => r.bench_p95)));
} finally {
  await browser.close();
  await server.close();
}
