// The stage (issue 17): producers → partitions → consumers grouped by group on one screen.
// At 1280×720 in projector mode, 1280×800 and a 390 px phone, at lessons' key moments, the
// stage's elements are inside the viewport without scrolling (at the phone's width: no
// sideways scroll), and what "What to watch for" asks first is on that screen. Screenshots go
// to test-results/stage-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { openApp, RESULTS, ROOT, until } from "./helpers.mjs";

/** A share link that opens built-in lesson `id` paused at exactly `at` ("mm:ss"). */
function linkAt(id, at) {
  const scenario = JSON.parse(readFileSync(join(ROOT, "src/core/scenarios", `${id}.json`), "utf8"));
  const [m, s] = at.split(":").map(Number);
  const envelope = { v: 1, at: (m * 60 + s) * 1000, scenario };
  return "#s=" + deflateRawSync(Buffer.from(JSON.stringify(envelope))).toString("base64url");
}

/** Two animation frames: what the page laid out is what the next read sees. */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

const PROJECTOR = { width: 1280, height: 720 };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Boxes of the stage's parts that are not inside the viewport (the page scrolled to the top). */
async function outside(page, selectors) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await frames(page);
  return page.evaluate((selectors) => {
    const out = [];
    const W = window.innerWidth;
    const H = window.innerHeight;
    for (const sel of selectors) {
      const els = document.querySelectorAll(sel);
      if (els.length === 0) out.push(`${sel}: none on the page`);
      for (const el of els) {
        const r = el.getBoundingClientRect();
        if (r.top < -1 || r.left < -1 || r.bottom > H + 1 || r.right > W + 1)
          out.push(`${sel} "${el.textContent.trim().slice(0, 30)}" at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`);
      }
    }
    return out;
  }, selectors);
}

async function projector(page) {
  await page.getByLabel("Projector mode").check();
  await page.waitForSelector("main.projector");
}

async function clockAt(page, at) {
  await until(async () => (await page.locator(".clock-time").textContent()) >= at, { what: at });
}

/** Presses Step (the phase-by-phase one) until `selector` shows, at most 40 times. */
async function stepUntil(page, selector) {
  for (let i = 0; i < 40 && (await page.locator(selector).count()) === 0; i++) {
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await page.waitForTimeout(50);
  }
  assert.ok(await page.locator(selector).count(), `Step reached ${selector}`);
}

/** Text that is cut (ellipsis, overflow) or outside its group frame: the frames' headers. */
async function cutHeaders(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll(".frame-head .gid, .frame-head .state, .frame-head .gen, .frame-head .phase:not(.none)")) {
      const frame = el.closest(".group-frame").getBoundingClientRect();
      const r = el.getBoundingClientRect();
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} "${el.textContent}" is cut: ${el.scrollWidth} > ${el.clientWidth}`);
      if (r.left < frame.left - 1 || r.right > frame.right + 1) out.push(`${el.className} "${el.textContent}" leaves its frame`);
      if (r.width < 8) out.push(`${el.className} "${el.textContent}" is ${r.width} px wide`);
    }
    // The group id and the phase, side by side on the border, never overlap.
    for (const head of document.querySelectorAll(".frame-head")) {
      const gid = head.querySelector(".gid")?.getBoundingClientRect();
      const phase = head.querySelector(".phase:not(.none)")?.getBoundingClientRect();
      if (gid && phase && gid.right > phase.left) out.push(`"${head.textContent}": the group id and the phase overlap`);
    }
    return out;
  });
}

async function noSidewaysScroll(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= PHONE.width, `the page scrolls sideways: ${w} px wide`);
}

test("the default scenario: Add consumer (what to watch for asks first) and the stage on the first screen", async (t) => {
  for (const [name, viewport] of [["projector", PROJECTOR], ["desktop", DESKTOP], ["phone", PHONE]]) {
    const app = await openApp(t, { viewport });
    const { page } = app;
    if (name === "projector") await projector(page);
    assert.match(await page.locator(".watch").textContent(), /Add a consumer/);
    const add = page.getByRole("button", { name: "Add consumer" });
    assert.deepEqual(await outside(page, [".stage button"]), [], `${name}: Add consumer on the first screen`);
    await app.screenshot(`stage-default-${name}-before`);
    for (let i = 0; i < 3; i++) await add.click();
    await until(async () => (await page.locator(".group-frame .state").first().textContent()) === "Stable", { what: "group-1 Stable" });
    await page.waitForTimeout(600);
    if (name !== "phone") {
      assert.deepEqual(await outside(page, [".stage", ".part", ".member-chip:not(.slot)", ".group-frame .state", ".group-frame .gen"]), [], name);
    } else {
      await noSidewaysScroll(page);
    }
    // The crash the lesson asks for: c2 looks stopped on the stage.
    await page.getByRole("button", { name: "Crash consumer c2" }).click();
    await page.locator(".member-chip.dead").waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(RESULTS, `stage-default-${name}-after.png`) });
    app.assertClean();
  }
});

test("projector 1280×720: 3 producers, 12 partitions, 6 consumers in 2 groups fit the first screen", async (t) => {
  const app = await openApp(t, { path: "?scenario=eager-vs-cooperative", viewport: PROJECTOR });
  const { page } = app;
  await projector(page);
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByLabel("Partitions").fill("12");
  await page.getByLabel("Partitions").press("Enter");
  for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Add producer" }).click();
  await page.getByLabel("Speed").selectOption("10");
  await page.getByRole("button", { name: "Play" }).click();
  // Mid-rebalance: e3 and k3 join at 00:15; Step (by phase) gets there.
  await clockAt(page, "00:10");
  await page.getByRole("button", { name: "Pause" }).click();
  await stepUntil(page, ".group-frame.rebalancing");
  assert.equal(await page.locator(".part").count(), 12);
  assert.equal(await page.locator(".producer-chip").count(), 3);
  assert.equal(await page.locator(".member-chip:not(.slot)").count(), 6);
  assert.equal(await page.locator(".group-frame").count(), 2);
  const parts = [".stage", ".producer-chip", ".part", ".member-chip:not(.slot)", ".frame-head"];
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(RESULTS, "stage-evc-projector-mid.png") });
  assert.deepEqual(await outside(page, parts), [], "mid-rebalance");
  // The group id, state, generation and phase pill are whole (they were cut at 1280×720).
  assert.ok(await page.locator(".frame-head .phase:not(.none)").count() >= 1, "a phase pill shows");
  assert.deepEqual(await cutHeaders(page), [], "headers mid-rebalance");
  await page.getByRole("button", { name: "Play" }).click();
  await clockAt(page, "00:20");
  await page.getByRole("button", { name: "Pause" }).click();
  assert.deepEqual(await outside(page, parts), [], "after");
  assert.deepEqual(await cutHeaders(page), [], "headers after");
  await page.screenshot({ path: join(RESULTS, "stage-evc-projector-after.png") });
  app.assertClean();
});

test("lessons' key moments at 1280×800 and on a phone: the stage shows them", async (t) => {
  const moments = [
    ["rebalance-basics", "00:27", [".member-chip.dead"]],
    ["roles", "00:37", [".member-chip.failing"]],
    ["eager-vs-cooperative", "00:10", [".group-frame.rebalancing"]],
    ["kip-848", "00:31", [".member-chip.dead"]],
  ];
  for (const [id, at, expect] of moments) {
    for (const [name, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
      // Opened paused at exactly that moment (a share link), not played to it: a loaded
      // machine would overshoot a moment the clock reaches at 10×.
      const app = await openApp(t, { path: "/" + linkAt(id, at), viewport });
      const { page } = app;
      await page.getByText(`Opened a shared link at ${at}.000`).waitFor();
      if (expect[0].includes("rebalancing")) await stepUntil(page, expect[0]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(RESULTS, `stage-${id}-${name}.png`) });
      for (const sel of expect) assert.ok(await page.locator(sel).count(), `${id} ${name}: ${sel}`);
      if (name === "desktop") {
        assert.deepEqual(await outside(page, [".stage", ".part", ".member-chip:not(.slot)", ".frame-head"]), [], `${id} ${name}`);
      } else {
        await noSidewaysScroll(page);
      }
      app.assertClean();
    }
  }
});
