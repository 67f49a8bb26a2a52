// Layout as a person sees it while a run goes on: nothing below the lanes moves when markers pass
// each other, projector mode's large type neither overlaps card labels nor hides describe
// columns, the sticky bar stays small, the Import control is one button, the Time range is read
// as a clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { openApp, RESULTS, until } from "./helpers.mjs";

const PROJECTOR = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };

test("the panel below the lanes does not move while a scenario with rebalances runs", async (t) => {
  const app = await openApp(t, { path: "?scenario=eager-vs-cooperative" });
  const { page } = app;
  await page.getByLabel("Speed").selectOption("4");
  await page.waitForSelector(".mk");
  // From here on only the simulation changes the page: both groups form, k3 and e3 join at
  // 00:15 and the groups rebalance, positions and committed offsets pass each other on the
  // lanes. Stops before the scenario's 00:35 pause (whose notice is not part of the run).
  const samples = await page.evaluate(async () => {
    window.__cls = 0;
    // A consumer the scenario adds gets its box on the stage (first screen): what moves in the
    // frames right after is that addition, by design, not the run.
    window.__added = -1e9;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.hadRecentInput && e.startTime - window.__added > 300) window.__cls += e.value;
      }
    }).observe({ type: "layout-shift", buffered: false });
    const below = document.querySelector("section[aria-labelledby='h-producers']");
    // Below the consumer cards too: their "Owns:" lines change as partitions move.
    const groups = document.querySelector("section[aria-labelledby='h-groups']");
    const tops = [];
    const groupTops = [];
    const end = performance.now() + 7000;
    while (performance.now() < end) {
      await new Promise((r) => requestAnimationFrame(r));
      const cards = document.querySelectorAll("article.consumer").length;
      if (cards !== window.__cards) {
        if (window.__cards !== undefined) window.__added = performance.now();
        window.__cards = cards;
      }
      // The stage above it holds a box per consumer: a consumer the scenario adds moves it.
      tops.push(`${cards} cards: ${Math.round(below.getBoundingClientRect().top + window.scrollY)}`);
      groupTops.push(`${cards} cards: ${Math.round(groups.getBoundingClientRect().top + window.scrollY)}`);
    }
    return { tops, groupTops, cls: window.__cls, clock: document.querySelector(".clock-time").textContent };
  });
  const distinct = [...new Set(samples.tops)];
  // A consumer the scenario adds is a new card (the page grows then, by design); between
  // additions the panel below the cards stays put.
  const groupsAt = [...new Set(samples.groupTops)];
  const counts = new Set(samples.groupTops.map((s) => s.split(":")[0]));
  assert.equal(groupsAt.length, counts.size, `the Consumer groups panel moved: ${groupsAt.join(", ")} px`);
  assert.ok(samples.clock >= "00:20", `the run got past the 00:15 rebalances (clock ${samples.clock})`);
  const producerCounts = new Set(samples.tops.map((s) => s.split(":")[0]));
  assert.equal(distinct.length, producerCounts.size, `the Producers panel moved: tops ${distinct.join(", ")} px`);
  assert.ok(samples.cls < 0.01, `cumulative layout shift ${samples.cls.toFixed(4)}`);
  await app.screenshot("layout-evc-lanes");
  app.assertClean();
});

/** Turns projector mode on. */
async function projector(page) {
  await page.getByLabel("Projector mode").check();
  await page.waitForSelector("main.projector");
}

test("projector mode: card fields stack, no label runs into its neighbour", async (t) => {
  const app = await openApp(t, { viewport: PROJECTOR });
  const { page } = app;
  await projector(page);
  for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await page.locator(".card.consumer").nth(1).scrollIntoViewIfNeeded();
  const bad = await page.evaluate(() => {
    const out = [];
    for (const card of document.querySelectorAll(".card")) {
      const fields = [...card.querySelectorAll(".field")];
      for (const f of fields) {
        if (f.scrollWidth > f.clientWidth + 1) out.push(`${f.textContent.trim().slice(0, 30)} overflows its box`);
      }
      for (let i = 0; i < fields.length; i++) {
        for (let j = i + 1; j < fields.length; j++) {
          const a = fields[i].getBoundingClientRect();
          const b = fields[j].getBoundingClientRect();
          const overlap = a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
          if (overlap) out.push(`${fields[i].textContent.trim().slice(0, 20)} overlaps ${fields[j].textContent.trim().slice(0, 20)}`);
        }
      }
    }
    return out;
  });
  assert.deepEqual(bad, []);
  await page.screenshot({ path: join(RESULTS, "layout-projector-card.png") });
  app.assertClean();
});

/** Every describe table shows its six columns without sideways scrolling. */
async function describeColumnsVisible(page) {
  const tables = page.locator("table.describe");
  const n = await tables.count();
  assert.ok(n >= 2, `two groups' tables (got ${n})`);
  const problems = [];
  for (let i = 0; i < n; i++) {
    await tables.nth(i).scrollIntoViewIfNeeded();
    problems.push(
      ...(await tables.nth(i).evaluate((table) => {
        const wrap = table.closest(".table-wrap");
        const box = wrap.getBoundingClientRect();
        const out = [];
        if (wrap.scrollWidth > wrap.clientWidth + 1) out.push(`scrolls sideways (${wrap.scrollWidth} > ${wrap.clientWidth})`);
        for (const cell of table.querySelectorAll("th, td")) {
          const r = cell.getBoundingClientRect();
          if (r.right > box.right + 1 || cell.scrollWidth > cell.clientWidth + 1)
            out.push(`${cell.textContent} cut off (${Math.round(r.right)} > ${Math.round(box.right)})`);
        }
        return out;
      })),
    );
  }
  const headers = await tables.first().locator("th").allTextContents();
  assert.deepEqual(headers, ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID"]);
  return problems;
}

test("the describe table shows all six columns in projector mode at 1280×720 and on a phone", async (t) => {
  for (const [name, viewport] of [["projector", PROJECTOR], ["phone", PHONE]]) {
    const app = await openApp(t, { path: "?scenario=eager-vs-cooperative", viewport });
    const { page } = app;
    if (name === "projector") await projector(page);
    await page.getByLabel("Speed").selectOption("10");
    // Mid-rebalance, when CONSUMER-ID matters: e3 and k3 join at 00:15.
    await until(async () => (await page.locator(".clock-time").textContent()) >= "00:15.5", { what: "00:15.5" });
    await page.getByRole("button", { name: "Pause" }).click();
    assert.deepEqual(await describeColumnsVisible(page), [], name);
    await page.locator("table.describe").first().screenshot({ path: join(RESULTS, `layout-describe-${name}.png`) });
    app.assertClean();
  }
});

test("projector mode at 1280×720: only the time controls stick, in one short bar", async (t) => {
  const app = await openApp(t, { viewport: PROJECTOR });
  const { page } = app;
  await projector(page);
  await page.evaluate(() => window.scrollTo(0, 1500));
  await page.waitForTimeout(100);
  const m = await page.evaluate(() => {
    const h1 = document.querySelector("main h1").getBoundingClientRect();
    const bar = document.querySelector(".controls").getBoundingClientRect();
    return { h1Bottom: h1.bottom, barTop: bar.top, barBottom: bar.bottom };
  });
  assert.ok(m.h1Bottom <= 0, `the title scrolled away (bottom ${m.h1Bottom})`);
  assert.ok(Math.abs(m.barTop) <= 1, `the controls stay at the top (top ${m.barTop})`);
  assert.ok(m.barBottom <= 0.15 * PROJECTOR.height, `the sticky bar takes ${m.barBottom} of 720 px`);
  await page.getByRole("button", { name: "Pause" }).click(); // reachable while scrolled
  assert.equal(await page.getByRole("heading", { level: 1, name: "Broker Playground" }).count(), 1, "the title is still the page's heading");
  await page.screenshot({ path: join(RESULTS, "layout-projector-sticky.png") });
  app.assertClean();
});

test("Import is one control, and it opens the file picker", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const imports = page.getByRole("button", { name: "Import" });
  assert.equal(await imports.count(), 1, "one accessible Import control");
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), imports.click()]);
  await mkdir(RESULTS, { recursive: true });
  const file = join(RESULTS, "layout-import.json");
  await writeFile(file, "{ not json");
  await chooser.setFiles(file);
  await page.getByRole("alert").filter({ hasText: "layout-import.json" }).waitFor();
  app.assertClean();
});

test("the Time range is read as the clock, not milliseconds", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByRole("button", { name: "Pause" }).click();
  const range = page.getByRole("slider", { name: "Time" });
  const text = await range.getAttribute("aria-valuetext");
  const clock = (await page.locator(".clock-time").textContent()).trim(); // "00:01.234"
  assert.match(text, /^\d\d:\d\d\.\d of \d\d:\d\d\.\d$/);
  const tenths = (c) => {
    const [m, s] = c.split(":");
    return Math.round((Number(m) * 60 + Number(s)) * 10);
  };
  assert.ok(Math.abs(tenths(text.split(" ")[0]) - tenths(clock)) <= 1, `${text} reads the clock ${clock}`);
  app.assertClean();
});

/** Selects whose chosen option's text does not fit inside them (text + padding + the arrow). */
async function cutSelects(page) {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas").getContext("2d");
    const out = [];
    for (const s of document.querySelectorAll("select")) {
      const r = s.getBoundingClientRect();
      if (r.width === 0 || !s.selectedOptions[0]) continue;
      const cs = getComputedStyle(s);
      canvas.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const text = s.selectedOptions[0].textContent;
      const need = canvas.measureText(text).width + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + 16;
      if (need > s.clientWidth + 1) out.push(`"${text}" needs ${Math.round(need)} px, has ${s.clientWidth} (${s.getAttribute("aria-label") ?? s.id})`);
    }
    return out;
  });
}

// Issue 17, finding 8: narrow selects cut their values ("keys from a", "range, coope",
// "автокоммит"), and the producer card was 290 px wide in a 600 px empty panel.
test("every select shows its whole value and a producer card uses its panel, in English and Russian, desktop, projector and phone", async (t) => {
  const bad = [];
  for (const lang of ["en", "ru"]) {
    const app = await openApp(t, { path: `?scenario=eager-vs-cooperative&lang=${lang}` });
    const { page } = app;
    await page.locator(".card.consumer select").first().waitFor();
    await page.locator("article.consumer").nth(3).waitFor();
    for (const [name, viewport] of [["desktop", { width: 1280, height: 800 }], ["projector", { width: 1280, height: 720 }], ["phone", { width: 390, height: 844 }]]) {
      await page.setViewportSize(viewport);
      const projector = page.locator(".controls input[type=checkbox]").first();
      if ((name === "projector") !== (await projector.isChecked())) await projector.setChecked(name === "projector");
      await page.waitForTimeout(200);
      for (const s of await cutSelects(page)) bad.push(`${lang} ${name}: ${s}`);
      const widths = await page.locator("article.producer").first().evaluate((card) => {
        const panel = card.closest(".panel") ?? card.parentElement;
        return [card.getBoundingClientRect().width, panel.getBoundingClientRect().width];
      });
      if (widths[0] < widths[1] * 0.6) bad.push(`${lang} ${name}: the producer card is ${Math.round(widths[0])} px in a ${Math.round(widths[1])} px panel`);
    }
    app.assertClean();
  }
  assert.deepEqual(bad, []);
});
