// The stage (issue 17): producers → partitions → consumers grouped by group on one screen.
// At 1280×720 in projector mode, 1280×800 and a 390 px phone, at every lesson's key moment
// (moments.mjs), before and after, the stage's elements are inside the viewport without
// scrolling (at the phone's width: no sideways scroll), and what "What to watch for" asks first
// is on that screen. Each moment is opened exactly with a share link (never played to: a loaded
// machine overshoots a moment the clock reaches at 10×). Screenshots go to
// test-results/stage-*.png and test-results/moment-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { launchBrowser, newPage, openApp, RESULTS, serveStatic, until } from "./helpers.mjs";
import { clock, lesson, lessons, linkAt, momentOf, ms, STAGE } from "./moments.mjs";

/** Two animation frames: what the page laid out is what the next read sees. */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

const PROJECTOR = { width: 1280, height: 720 };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Boxes of the stage's parts that are not inside the viewport (the page scrolled to the top). */
async function outside(page, selectors, required = true) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await frames(page);
  return page.evaluate(([selectors, required]) => {
    const out = [];
    const W = window.innerWidth;
    const H = window.innerHeight;
    for (const sel of selectors) {
      const els = document.querySelectorAll(sel);
      if (els.length === 0 && required) out.push(`${sel}: none on the page`);
      for (const el of els) {
        const r = el.getBoundingClientRect();
        if (r.top < -1 || r.left < -1 || r.bottom > H + 1 || r.right > W + 1)
          out.push(`${sel} "${el.textContent.trim().slice(0, 30)}" at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`);
      }
    }
    return out;
  }, [selectors, required]);
}

async function projector(page) {
  await page.getByLabel("Projector mode").check();
  await page.waitForSelector("main.projector");
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

test("projector 1280×720: 3 producers, 12 partitions, 6 consumers in 2 groups fit the first screen; Step crosses each rebalance in ≤ 6 presses", async (t) => {
  // eager-vs-cooperative with 12 partitions and 3 producers, opened just before e3 and k3 join.
  const scenario = lesson("eager-vs-cooperative");
  scenario.topics[0].partitions = 12;
  for (const name of ["p2", "p3"]) scenario.producers.push({ ...scenario.producers[0], name });
  const app = await openApp(t, { path: "/" + linkAt(scenario, "00:14.900"), viewport: PROJECTOR });
  const { page } = app;
  await page.getByText("Opened a shared link at 00:14.900").waitFor();
  await projector(page);
  const parts = [".stage", ".producer-chip", ".part", ".member-chip:not(.slot)", ".frame-head"];
  assert.deepEqual(await outside(page, parts), [], "before");
  // Step by phase: how many presses each group shows rebalancing, up to the one that ends it.
  const step = page.getByRole("button", { name: "Step", exact: true });
  const presses = { eager: 0, coop: 0 };
  const done = { eager: false, coop: false };
  let shot = false;
  for (let i = 0; i < 40 && !(done.eager && done.coop); i++) {
    await step.click();
    await frames(page);
    const now = await page.$$eval(".group-frame.rebalancing", (els) => els.map((e) => e.getAttribute("aria-label")));
    for (const g of ["eager", "coop"]) {
      if (now.includes(g)) presses[g]++;
      else if (presses[g] > 0 && !done[g]) [presses[g], done[g]] = [presses[g] + 1, true];
    }
    if (!shot && now.length === 2) {
      // Mid-rebalance, both groups: the whole stage and its headers on the first screen.
      shot = true;
      assert.equal(await page.locator(".part").count(), 12);
      assert.equal(await page.locator(".producer-chip").count(), 3);
      assert.equal(await page.locator(".member-chip:not(.slot)").count(), 6);
      assert.equal(await page.locator(".group-frame").count(), 2);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(RESULTS, "stage-evc-projector-mid.png") });
      assert.deepEqual(await outside(page, parts), [], "mid-rebalance");
      // The group id, state, generation and phase pill are whole (they were cut at 1280×720).
      assert.ok(await page.locator(".frame-head .phase:not(.none)").count() >= 1, "a phase pill shows");
      assert.deepEqual(await cutHeaders(page), [], "headers mid-rebalance");
    }
  }
  assert.ok(shot, "both groups were seen rebalancing");
  assert.ok(done.eager && done.coop, `both rebalances finished: ${JSON.stringify(presses)}`);
  for (const g of ["eager", "coop"]) {
    assert.ok(presses[g] >= 2 && presses[g] <= 6, `${g}: a rebalance is crossed in ≤ 6 presses of Step, each phase its own (${presses[g]})`);
  }
  assert.deepEqual(await outside(page, parts), [], "after");
  assert.deepEqual(await cutHeaders(page), [], "headers after");
  await page.screenshot({ path: join(RESULTS, "stage-evc-projector-after.png") });
  app.assertClean();
});

/** What at `size` is not on the first screen: the stage's parts and `key` (1280 wide); on a
 *  phone, which stacks the stage's columns, sideways scroll and `key` leaving the width. */
async function offScreen(page, size, key) {
  // (A lesson without consumers has no member or frame: the stage's parts are checked where
  // they are; what the moment is about must be there.)
  if (size !== "phone") return [...(await outside(page, STAGE, false)), ...(await outside(page, key))];
  await page.evaluate(() => window.scrollTo(0, 0));
  await frames(page);
  return page.evaluate((key) => {
    const bad = [];
    const w = document.documentElement.scrollWidth;
    if (w > window.innerWidth) bad.push(`the page scrolls sideways: ${w} px wide`);
    for (const sel of key) {
      const els = document.querySelectorAll(sel);
      if (els.length === 0) bad.push(`${sel}: none on the page`);
      for (const el of els) {
        const r = el.getBoundingClientRect();
        if (r.left < -1 || r.right > window.innerWidth + 1) bad.push(`${sel} leaves the width: ${Math.round(r.left)}–${Math.round(r.right)}`);
      }
    }
    return bad;
  }, key);
}

test("every lesson's key moment, before and after, at 1280×720 projector, 1280×800 and 390 px: on the first screen", async (t) => {
  // One browser and one page for all of them: each moment is a fresh load of a share link.
  const server = await serveStatic();
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const { page, problems } = await newPage(browser, { viewport: DESKTOP });
  const failures = [];
  const ids = lessons();
  assert.ok(ids.length >= 18, `the built-in lessons: ${ids}`);
  for (const [i, id] of ids.entries()) {
    const m = momentOf(id);
    // Half of them dark: the screenshots show both themes.
    await page.emulateMedia({ colorScheme: i % 2 ? "dark" : "light" });
    for (const when of ["before", "after"]) {
      await page.setViewportSize(DESKTOP);
      await page.goto("about:blank");
      await page.goto(server.url + linkAt(id, m[when]));
      await page.waitForFunction(() => !document.querySelector("#broker-playground-app[data-poster]"));
      await page.getByText(`Opened a shared link at ${clock(ms(m[when]))}`).waitFor();
      if (when === "after" && m.step) await stepUntil(page, m.step);
      const key = when === "after" ? m.key : m.keyBefore ?? [];
      for (const [size, viewport] of [["desktop", DESKTOP], ["projector", PROJECTOR], ["phone", PHONE]]) {
        await page.setViewportSize(viewport);
        const on = await page.getByLabel("Projector mode").isChecked();
        if ((size === "projector") !== on) await page.getByLabel("Projector mode").setChecked(size === "projector");
        await frames(page);
        const out = await offScreen(page, size, key);
        await page.screenshot({ path: join(RESULTS, `moment-${id}-${when}-${size}.png`) });
        if (out.length) failures.push(`${id} ${when} (${m[when]}) ${size}:\n    ${out.join("\n    ")}`);
      }
    }
  }
  assert.deepEqual(failures, [], `not on the first screen:\n  ${failures.join("\n  ")}`);
  assert.deepEqual(problems, [], `the page reported problems:\n  ${problems.join("\n  ")}`);
});
