// The playground's main flows, as a learner would do them: consumer groups rebalancing,
// a crash, standalone assign(), adding partitions, authorization errors, topic errors, and
// the page at desktop and phone widths. Every flow also asserts no console errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp, until } from "./helpers.mjs";

/** The describe table of `group` as { headers, rows: [{TOPIC, PARTITION, ..., CONSUMER-ID}] }. */
async function describe(page, group) {
  const table = page.locator("table").filter({ has: page.locator("caption", { hasText: group }) });
  if ((await table.count()) === 0) return { headers: [], rows: [] };
  return table.first().evaluate((t) => {
    const headers = [...t.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    const rows = [...t.querySelectorAll("tbody tr")].map((tr) => {
      const cells = [...tr.querySelectorAll("td")].map((td) => td.textContent.trim());
      return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
    });
    return { headers, rows };
  });
}

/** Partitions per consumer in the describe table, e.g. { c1: 2, c2: 2, c3: 2 }. */
async function ownership(page, group) {
  const { rows } = await describe(page, group);
  const counts = {};
  for (const r of rows) {
    const who = r["CONSUMER-ID"];
    if (who !== "-") counts[who] = (counts[who] ?? 0) + 1;
  }
  return counts;
}

const sameCounts = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

async function fast(page) {
  await page.getByLabel("Speed").selectOption("10");
}

/** A full-page screenshot from the top (the sticky header stays where it belongs). */
async function shot(app, name) {
  await app.page.evaluate(() => window.scrollTo(0, 0));
  return app.screenshot(name);
}

const card = (page, name) => page.getByRole("article", { name, exact: true });

test("three consumers share six partitions, and a crash hands the partitions over", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await card(page, "consumer c3").waitFor();
  // A new consumer starts in Group mode, in group-1, subscribed to orders.
  await assert.doesNotReject(card(page, "consumer c1").getByRole("radiogroup", { name: "Mode" }).waitFor());
  assert.equal(await card(page, "consumer c2").getByRole("radio", { name: "Group", exact: true }).isChecked(), true);
  assert.equal(await card(page, "consumer c3").getByLabel("Group id").inputValue(), "group-1");

  const { headers } = await describe(page, "group-1");
  assert.deepEqual(headers, ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID"]);
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 2, c2: 2, c3: 2 }), {
    what: "2 partitions each",
  });
  await until(async () => (await page.locator(".group .state").first().textContent()) === "Stable", { what: "Stable" });
  // The rebalance was shown: eager phases, and moves.
  assert.ok(await page.getByText("Eager rebalance (stop-the-world)").count());
  await shot(app, "desktop-three-consumers");

  await page.getByRole("button", { name: "Crash consumer c2" }).click();
  await assert.doesNotReject(card(page, "consumer c2").getByText("crashed").waitFor());
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 3, c3: 3 }), {
    what: "3 partitions each after the session timeout",
  });
  assert.ok(await page.getByText(/removed: no heartbeat within session.timeout.ms/).count(), "timeline narrates the removal");
  // The crashed consumer can be restarted.
  await assert.doesNotReject(page.getByRole("button", { name: "Restart consumer c2" }).waitFor());
  await shot(app, "desktop-after-crash");
  app.assertClean();
});

test("a consumer switched to Standalone reads the partitions it picks", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  await page.getByRole("button", { name: "Add consumer" }).click();
  const c1 = card(page, "consumer c1");
  await c1.getByRole("radio", { name: "Standalone" }).check();
  await c1.getByRole("checkbox", { name: "orders-1" }).check();
  await c1.getByRole("checkbox", { name: "orders-4" }).check();
  await until(async () => (await c1.locator(".owns a").allTextContents()).join(",") === "orders-1,orders-4", {
    what: "owns orders-1 and orders-4",
  });
  // assign() joins no group, but group.id still says where its offsets are committed: the
  // field stays, saying so.
  assert.equal(await c1.getByRole("textbox", { name: "Group id" }).inputValue(), "group-1");
  await assert.doesNotReject(c1.getByText(/only where offsets are committed/).first().waitFor());
  // Back to Group mode: the group hands it all six.
  await c1.getByRole("radio", { name: "Group", exact: true }).check();
  await until(async () => (await c1.locator(".owns a").count()) === 6, { what: "all 6 partitions in the group" });
  app.assertClean();
});

test("adding partitions rebalances the group; removing them is refused", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 3, c2: 3 }), { what: "3 each" });

  const partitions = page.getByRole("spinbutton", { name: "Partitions", exact: true });
  await partitions.fill("8");
  await partitions.press("Enter");
  await assert.doesNotReject(page.locator("#lane-orders-7").waitFor());
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 4, c2: 4 }), {
    what: "4 each after partitions 6 -> 8",
  });
  assert.ok(await page.getByText(/partitions 6 -> 8/).count(), "timeline narrates the change");

  await partitions.fill("4");
  await partitions.press("Enter");
  await assert.doesNotReject(page.getByText(/INVALID_PARTITIONS/).first().waitFor());
  app.assertClean();
});

test("turning authorization on shows authorization errors on the cards", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("switch", { name: "Authorization" }).check();
  // p1 (idempotent, the default) is already writing when authorization goes on: its next
  // Produce is refused with TOPIC_AUTHORIZATION_FAILED, the batch it gives up makes it bump its
  // epoch, and that InitProducerId (no IDEMPOTENT_WRITE, no WRITE) is refused with
  // CLUSTER_AUTHORIZATION_FAILED, which its card then shows — as Kafka's Sender and
  // TransactionManager go. A producer started without rights hears TOPIC_AUTHORIZATION_FAILED
  // from Metadata and gets no further (tests/client_authorization.rs).
  const p1 = card(page, "producer p1");
  const p1Refused = /(TOPIC|CLUSTER)_AUTHORIZATION_FAILED/;
  await assert.doesNotReject(p1.getByText("CLUSTER_AUTHORIZATION_FAILED").first().waitFor());
  const c1 = card(page, "consumer c1");
  await assert.doesNotReject(c1.getByText(/(GROUP|TOPIC)_AUTHORIZATION_FAILED/).first().waitFor());

  // Grant alice the producer role on orders and run p1 as alice: the error clears.
  await page.getByLabel("User name").fill("alice");
  await page.getByRole("button", { name: "Add user" }).click();
  await page.locator(".users form").nth(1).getByLabel("Role").selectOption("producer");
  await page.getByRole("button", { name: "Grant role" }).click();
  await assert.doesNotReject(page.locator(".bindings").getByText("alice: producer on orders").waitFor());
  await p1.getByLabel("User").selectOption("alice");
  await until(async () => (await p1.getByText(p1Refused).count()) === 0, {
    what: "p1's error to clear once it runs as alice",
  });
  await shot(app, "desktop-authorization");
  app.assertClean();
});

test("a raw DENY ACL beats a role's ALLOW, and removing it lets the producer write again", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  await page.getByRole("switch", { name: "Authorization" }).check();
  await page.getByLabel("User name").fill("alice");
  await page.getByRole("button", { name: "Add user" }).click();
  await page.locator(".users form").nth(1).getByLabel("Role").selectOption("producer");
  await page.getByRole("button", { name: "Grant role" }).click();
  const p1 = card(page, "producer p1");
  await p1.getByLabel("User").selectOption("alice");
  await until(async () => (await p1.getByText(/AUTHORIZATION_FAILED/).count()) === 0, { what: "p1 writes as alice" });

  // kafka-acls --add --deny-principal User:alice --operation Write --topic orders
  await page.getByLabel("Principal").selectOption("alice");
  await page.getByLabel("Operation").selectOption("WRITE");
  await page.getByLabel("Resource type").selectOption("TOPIC");
  await page.getByLabel("Resource name").fill("orders");
  await page.getByLabel("Permission").selectOption("DENY");
  await page.getByRole("button", { name: "Add ACL" }).click();
  await assert.doesNotReject(page.locator(".acls code", { hasText: "permissionType=DENY" }).first().waitFor());
  await assert.doesNotReject(p1.getByText("TOPIC_AUTHORIZATION_FAILED").waitFor());

  await page.getByRole("button", { name: /^Remove ACL DENY WRITE TOPIC orders/ }).click();
  await until(async () => (await p1.getByText(/AUTHORIZATION_FAILED/).count()) === 0, { what: "p1 writes again" });
  app.assertClean();
});

test("the ACL forms start on the usual choices, not on each list's last option", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByRole("switch", { name: "Authorization" }).check();
  for (const name of ["alice", "bob"]) {
    await page.getByLabel("User name").fill(name);
    await page.getByRole("button", { name: "Add user" }).click();
    await page.locator(".users form").nth(1).getByLabel("User").locator("option", { hasText: name }).waitFor({ state: "attached" });
  }
  assert.equal(await page.locator(".users form").nth(1).getByLabel("User").inputValue(), "alice");
  assert.equal(await page.getByLabel("Principal").inputValue(), "alice");
  assert.equal(await page.getByLabel("Operation").inputValue(), "READ");
  assert.equal(await page.getByLabel("Resource type").inputValue(), "TOPIC");
  assert.equal(await page.getByLabel("Pattern type").inputValue(), "LITERAL");
  assert.equal(await page.getByLabel("Permission").inputValue(), "ALLOW");
  // Nothing typed: the refusal shows under the ACL form, not under another one.
  await page.getByRole("button", { name: "Add ACL" }).click();
  const next = page.locator(".users form").nth(2).locator("xpath=following-sibling::*[1]");
  await until(async () => (await next.getAttribute("role")) === "alert", { what: "an alert right after the ACL form" });
  assert.match(await next.textContent(), /topic name/);
  // Only the resource name typed: the ACL a person expects (kafka-acls --allow-principal).
  await page.getByLabel("Resource name").fill("orders");
  await page.getByRole("button", { name: "Add ACL" }).click();
  const line = page.locator(".acls code", { hasText: "name=orders" }).first();
  await line.waitFor();
  const text = await line.textContent();
  for (const part of ["resourceType=TOPIC", "patternType=LITERAL", "principal=User:alice", "operation=READ", "permissionType=ALLOW"]) {
    assert.ok(text.includes(part), `${part} in ${text}`);
  }
  app.assertClean();
});

test("topic errors use Kafka's names", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const name = page.getByLabel("Topic name");
  await name.fill("bad name!");
  await page.getByRole("button", { name: "Add topic" }).click();
  await assert.doesNotReject(page.getByText(/INVALID_TOPIC_EXCEPTION/).waitFor());
  await name.fill("orders");
  await page.getByRole("button", { name: "Add topic" }).click();
  await assert.doesNotReject(page.getByText(/TOPIC_ALREADY_EXISTS/).waitFor());
  await name.fill("payments");
  await page.getByRole("button", { name: "Add topic" }).click();
  await assert.doesNotReject(page.getByRole("heading", { name: "payments", exact: true }).waitFor());
  app.assertClean();
});

test("time controls: Pause, Step, and the keyboard", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const clock = page.getByRole("timer");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await assert.doesNotReject(page.getByRole("button", { name: "Play", exact: true }).waitFor());
  const before = await clock.textContent();
  await page.waitForTimeout(300);
  assert.equal(await clock.textContent(), before, "the clock stands still while paused");
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await until(async () => (await clock.textContent()) !== before, { what: "Step to move the clock" });
  const stepped = await clock.textContent();
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("ArrowRight");
  await until(async () => (await clock.textContent()) !== stepped, { what: "→ to step" });
  await page.keyboard.press("Space");
  await assert.doesNotReject(page.getByRole("button", { name: "Pause", exact: true }).waitFor());
  app.assertClean();
});

test("phone width: cards stack and nothing overflows the page", async (t) => {
  const app = await openApp(t, { viewport: { width: 390, height: 844 } });
  const { page } = app;
  await fast(page);
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 2, c2: 2, c3: 2 }), { what: "2 each" });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await shot(app, "phone-three-consumers");
  app.assertClean();
});

test("cooperative-sticky rebalances look different from eager ones: nobody stops", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  for (const c of ["c1", "c2"]) {
    await page.getByRole("button", { name: "Add consumer" }).click();
    await card(page, `consumer ${c}`).getByLabel("Assignment strategy").selectOption("cooperative-sticky");
  }
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 3, c2: 3 }), { what: "3 each" });
  await until(async () => (await page.locator(".group .state").first().textContent()) === "Stable", { what: "Stable" });
  // A third member joins: only the partitions that move are revoked, then handed over in a
  // follow-up round; c1 and c2 keep consuming the rest.
  await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 2, c2: 2, c3: 2 }), { what: "2 each" });
  const panel = page.getByRole("region", { name: /Rebalance/ });
  await assert.doesNotReject(panel.getByText("Cooperative rebalance (incremental)").waitFor());
  await assert.doesNotReject(panel.getByText("follow-up round", { exact: true }).waitFor());
  await until(async () => (await panel.getByText(/orders-\d: c[12] → c3/).count()) === 2, { what: "two moves to c3" });
  await until(async () => (await panel.getByText("Nobody stopped consuming").count()) === 1, { what: "nobody stopped" });
  await shot(app, "desktop-cooperative");

  // A crash: the coordinator removes c2 after session.timeout.ms; the moves name c2, the
  // owner the coordinator last handed those partitions to.
  await page.getByRole("button", { name: "Crash consumer c2" }).click();
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 3, c3: 3 }), { what: "3 each" });
  await assert.doesNotReject(panel.getByText(/orders-\d: c2 → c[13]/).first().waitFor());
  app.assertClean();
});

test("KIP-848 consumer protocol: epoch bump, then members reconcile", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  await page.getByRole("button", { name: "Add consumer" }).click();
  await card(page, "consumer c1").getByLabel("Protocol").selectOption("consumer");
  await page.getByRole("button", { name: "Add consumer" }).click();
  await card(page, "consumer c2").getByLabel("Protocol").selectOption("consumer");
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 3, c2: 3 }), { what: "3 each" });
  const panel = page.getByRole("region", { name: /Rebalance/ });
  await assert.doesNotReject(panel.getByText("Consumer protocol (KIP-848)").waitFor());
  await assert.doesNotReject(panel.getByText("epoch bump", { exact: true }).waitFor());
  await assert.doesNotReject(page.getByText("Group epoch").first().waitFor());
  await shot(app, "desktop-kip848");
  app.assertClean();
});

test("projector mode and dark theme render without problems", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.emulateMedia({ colorScheme: "dark" });
  await page.getByRole("checkbox", { name: "Projector mode" }).check();
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.waitForTimeout(500);
  await shot(app, "desktop-projector-dark");
  app.assertClean();
});

test("more members than partitions: the extra ones say they are idle", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  for (let i = 0; i < 7; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => Object.keys(await ownership(page, "group-1")).length === 6, { what: "6 owners" });
  const idle = page.locator("article.consumer").filter({ hasText: "idle: more members than partitions" });
  await until(async () => (await idle.count()) === 1, { what: "one idle consumer" });
  app.assertClean();
});

test("record keys are shown as text, and a timeline entry shows when it happened", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const p1 = card(page, "producer p1");
  await p1.getByRole("button", { name: "Hold p1" }).click();
  await p1.getByLabel("Key mode").selectOption("fixed");
  const key = '<img src=x onerror="window.__pwned=1">';
  const keyField = p1.getByLabel("Key", { exact: true });
  await keyField.fill(key);
  await keyField.press("Enter");
  await until(async () => (await keyField.inputValue()) === key, { what: "the key to be applied" });
  await p1.getByRole("button", { name: "Send one record from p1" }).click();
  await page.getByRole("checkbox", { name: /Show high-volume events/ }).check();
  const entry = page.locator("ol.events button").filter({ hasText: "onerror" }).first();
  await assert.doesNotReject(entry.waitFor());
  assert.ok((await entry.textContent()).includes("<img src=x onerror="), "the key is narrated as text");
  assert.equal(await page.locator("main img").count(), 0, "no element was created from the key");
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await entry.click();
  await assert.doesNotReject(page.getByText(/Happened at \d\d:\d\d\.\d{3} \(simulated\)/).waitFor());
  // Filtering by subject narrows the list.
  await page.getByLabel("Filter").fill("p1");
  await until(async () => {
    const lines = await page.locator("ol.events button").allTextContents();
    return lines.length > 0 && lines.every((l) => l.includes("p1"));
  }, { what: "only p1's events" });
  app.assertClean();
});

test("every control has a name, and Tab reaches the controls", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await page.getByRole("button", { name: "Add consumer" }).click();
  await page.getByRole("button", { name: "Add consumer" }).click();
  await card(page, "consumer c2").getByRole("radio", { name: "Standalone" }).check();
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("main input, main select, main button, main textarea")]
      .filter((el) => {
        const text = el.tagName === "BUTTON" ? el.textContent.trim() : "";
        const by = el.getAttribute("aria-labelledby");
        return !(text || el.getAttribute("aria-label") || (el.labels && el.labels.length) ||
          (by && document.getElementById(by)));
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unnamed, [], "controls without an accessible name");
  // Keyboard: Tab from the heading lands on the time controls first.
  await page.locator("h1").click();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), "Pause");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.equal(focused, "Step");
  app.assertClean();
});

/** What lane `id` shows: its log end (from its label) and the offsets of the cells a person
 *  sees, left to right (cells are drawn as a ring moved by a transform, so DOM order is not
 *  screen order), and where the log-end cell is. */
async function laneShown(page, id) {
  return page.locator(`#${id}`).evaluate((lane) => {
    const ring = lane.querySelector(".ring").getBoundingClientRect();
    const cells = [...lane.querySelectorAll(".strip > .rec")]
      .map((c) => ({ r: c.getBoundingClientRect(), c }))
      .filter(({ r, c }) => getComputedStyle(c).visibility !== "hidden" && r.left >= ring.left - 0.5 && r.right <= ring.right + 0.5)
      .sort((a, b) => a.r.left - b.r.left);
    const leo = lane.querySelector(".rec.leo").getBoundingClientRect();
    const end = parseInt(lane.querySelector(".lane-meta").textContent.split("…")[1], 10);
    return {
      end,
      // A cell has its title (its offset) unless the clock runs fast.
      offsets: cells.map(({ c }) => (c.title ? Number(/offset (\d+)/.exec(c.title)[1]) : null)),
      steps: cells.map(({ r }, i) => (i ? r.left - cells[i - 1].r.left : 0)),
      leoAfterLast: cells.length ? leo.left - cells[cells.length - 1].r.left : null,
      pitch: cells.length ? cells[0].r.width + 1 : null, // a cell and the 1px gap
    };
  });
}

test("a lane shows its newest records in offset order, the log-end cell after them", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  const rate = card(page, "producer p1").getByLabel("Rate (records/s)");
  await rate.fill("200");
  await rate.press("Enter");
  // Keys user-1..6 fill some partitions only. Wait until one lane is well past the window of 30
  // records (its ring has wrapped more than once), then look at every lane that has records.
  const ends = async () => Promise.all([0, 1, 2, 3, 4, 5].map(async (p) => (await laneShown(page, `lane-orders-${p}`)).end));
  await until(async () => Math.max(...(await ends())) > 75, { what: "a lane to pass 75 records" });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  // At 10× the cells have no titles; their titles (offsets) come in a task of their own after Pause.
  await until(async () => (await page.locator(".strip > .rec[title]").count()) > 0, { what: "record titles once paused" });
  const filled = (await ends()).flatMap((end, p) => (end > 0 ? [p] : []));
  assert.ok(filled.length >= 2, `lanes with records: ${filled}`);
  for (const p of filled) {
    const s = await laneShown(page, `lane-orders-${p}`);
    const want = Array.from({ length: Math.min(30, s.end) }, (_, i) => s.end - Math.min(30, s.end) + i);
    assert.deepEqual(s.offsets, want, `lane ${p}: the last 30 offsets, oldest first`);
    const near = (d) => Math.abs(d - s.pitch) < 0.6;
    assert.ok(s.steps.slice(1).every(near), `lane ${p}: cells side by side ${s.steps}`);
    assert.ok(near(s.leoAfterLast), `lane ${p}: the log-end cell right after the newest record (${s.leoAfterLast})`);
  }
  app.assertClean();
});

test("the describe table follows the run, and is exact once paused", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => (await describe(page, "group-1")).rows.length === 6, { what: "six rows" });
  // While the clock runs the table is redrawn a few times a second (not every frame).
  const total = async () => (await describe(page, "group-1")).rows.reduce((s, r) => s + Number(r["LOG-END-OFFSET"]), 0);
  const first = await total();
  await until(async () => (await total()) > first, { what: "the log-end offsets to grow" });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("button", { name: "Play", exact: true }).waitFor();
  // Paused: every row matches its lane, and LAG is LOG-END-OFFSET − CURRENT-OFFSET.
  const { rows } = await describe(page, "group-1");
  for (const r of rows) {
    const end = await page.locator(`#lane-orders-${r.PARTITION} .lane-meta`).evaluate((m) => parseInt(m.textContent.split("…")[1], 10));
    assert.equal(Number(r["LOG-END-OFFSET"]), end, `partition ${r.PARTITION}: the lane says ${end}`);
    if (r["CURRENT-OFFSET"] !== "-") {
      assert.equal(Number(r.LAG), end - Number(r["CURRENT-OFFSET"]), `partition ${r.PARTITION}: lag`);
    }
  }
  // And it stays so: nothing moves while paused.
  await page.waitForTimeout(500);
  assert.deepEqual((await describe(page, "group-1")).rows, rows);
  app.assertClean();
});

/** Three consumers in group-1, Stable with 2 partitions each; then, at 1× (so the 6 s session
 * timeout leaves time to look), c2 crashes. */
async function crashOneOfThree(page) {
  await fast(page);
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 2, c2: 2, c3: 2 }), { what: "2 each" });
  await until(async () => (await page.locator(".group .state").first().textContent()) === "Stable", { what: "Stable" });
  await page.getByLabel("Speed").selectOption("1");
  await page.getByRole("button", { name: "Crash consumer c2" }).click();
}

test("a crashed member still owns its partitions (describe, lanes, card) until the session timeout, then nothing", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await crashOneOfThree(page);
  await page.getByRole("button", { name: "Pause" }).click();
  const c2 = card(page, "consumer c2");
  await assert.doesNotReject(c2.getByText("crashed").first().waitFor());
  // Kafka's --describe still names c2 (the coordinator has not removed it); its lanes too.
  assert.ok(sameCounts(await ownership(page, "group-1"), { c1: 2, c2: 2, c3: 2 }), "c2 still owns 2 in --describe");
  const laneOwners = await page.locator("[id^='lane-orders-'] .owners").allTextContents();
  assert.equal(laneOwners.filter((o) => o.trim() === "c2").length, 2, `lanes: ${laneOwners}`);
  assert.ok(!laneOwners.some((o) => o.includes("no owner")), `no lane says "no owner": ${laneOwners}`);
  await assert.doesNotReject(c2.getByText(/as the group still counts them until session.timeout.ms/).waitFor());
  assert.equal(await c2.locator(".owns a").count(), 2);
  // After session.timeout.ms the coordinator removes it: it owns nothing any more.
  await page.getByRole("button", { name: "Play" }).click();
  await fast(page);
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 3, c3: 3 }), { what: "3 each" });
  await until(async () => (await c2.locator(".owns a").count()) === 0, { what: "c2 owns nothing" });
  assert.match(await c2.locator(".owns").textContent(), /Owns: nothing/);
  app.assertClean();
});

test("a Standalone consumer committing into a live group: UNKNOWN_MEMBER_ID said for its case, cleared back in Group mode", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await fast(page);
  for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Add consumer" }).click();
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 3, c2: 3 }), { what: "3 each" });
  const c2 = card(page, "consumer c2");
  await c2.getByRole("radio", { name: "Standalone" }).check();
  await c2.getByRole("checkbox", { name: "orders-0" }).check();
  const error = c2.locator(".error");
  await until(async () => /UNKNOWN_MEMBER_ID/.test((await error.allTextContents()).join(" ")), { what: "the refused commit" });
  const said = (await error.allTextContents()).join(" ");
  assert.match(said, /commits from outside a group are accepted only while the group has no members/);
  assert.doesNotMatch(said, /must join again/);
  // Said once: the core's detail only names the group.
  assert.equal(said.match(/no members/g).length, 1, said);
  assert.match(said, /commit to group group-1/);
  // It still reads orders-0: it consumes, only its commits are refused.
  assert.doesNotMatch(await c2.locator(".state-line").textContent(), /error/);
  // The group.id it commits under is on the card in Standalone mode too, and can be changed.
  const groupId = c2.getByRole("textbox", { name: "Group id" });
  assert.equal(await groupId.inputValue(), "group-1");
  await assert.doesNotReject(c2.getByText(/only where offsets are committed/).first().waitFor());
  await groupId.fill("");
  await groupId.press("Enter");
  await until(async () => (await error.count()) === 0, { what: "no group.id: no commits, no error", timeout: 5_000 });
  await groupId.fill("group-1");
  await groupId.press("Enter");
  await c2.getByRole("radio", { name: "Group", exact: true }).check();
  await until(async () => (await error.count()) === 0, { what: "the error to clear", timeout: 5_000 });
  await until(async () => (await c2.locator(".owns a").count()) > 0, { what: "c2 consumes in the group" });
  assert.equal(await error.count(), 0, "no stale error while it consumes normally");
  app.assertClean();
});

test("a crashed consumer restarted before its session timeout: its old member keeps its partitions, the new one waits", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await crashOneOfThree(page);
  await page.getByRole("button", { name: "Restart consumer c2" }).click();
  const old = "c2 (old member, until session.timeout.ms)";
  // The restarted process is a new member; the old one still owns c2's partitions.
  await until(async () => (await page.locator(".group .member").allTextContents()).some((m) => m.includes(old)), {
    what: "the old member in Members",
    timeout: 3_000,
  });
  await until(async () => (await page.locator(".rebalance .waiting").count()) > 0, { what: "the wait", timeout: 3_000 });
  await page.getByRole("button", { name: "Pause" }).click();
  const members = await page.locator(".group .member").allTextContents();
  assert.equal(members.filter((m) => m.includes(old)).length, 1, `members: ${members}`);
  assert.equal(members.filter((m) => m.trim() === "c2").length, 1, `members: ${members}`);
  // (c1 and c3 revoke theirs for the eager round: they show "-" meanwhile.)
  const owners = await ownership(page, "group-1");
  assert.equal(owners[old], 2, JSON.stringify(owners));
  assert.equal(owners.c2, undefined, JSON.stringify(owners));
  const laneOwners = await page.locator("[id^='lane-orders-'] .owners").allTextContents();
  assert.equal(laneOwners.filter((o) => o.includes(old)).length, 2, `lanes: ${laneOwners}`);
  assert.match(await page.locator(".rebalance .waiting").first().textContent(), /Waiting for c2 \(member\.id c2-[0-9a-f]{8}\): that member never answers again/);
  await assert.doesNotReject(card(page, "consumer c2").getByText(/The crashed process is still a member/).waitFor());
  // At the session timeout the coordinator removes it; the round completes, c2 owns again.
  await page.getByRole("button", { name: "Play" }).click();
  await fast(page);
  await until(async () => sameCounts(await ownership(page, "group-1"), { c1: 2, c2: 2, c3: 2 }), { what: "2 each again" });
  assert.equal(await page.locator(".group .member", { hasText: "crashed" }).count(), 0);
  assert.equal(await card(page, "consumer c2").getByText(/The crashed process is still a member/).count(), 0);
  app.assertClean();
});
