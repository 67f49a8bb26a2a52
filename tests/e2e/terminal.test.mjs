// The terminal: a person types the seed's story with Kafka's own tools, and the page's lanes,
// cards and group table agree with every step; Tab completion and history by keyboard; hostile
// input is shown as text; screenshots at desktop and phone width.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openApp, until } from "./helpers.mjs";

const BS = "--bootstrap-server localhost:9092";

const terminal = (page) => page.getByRole("region", { name: "Terminal" });
const input = (page) => terminal(page).getByRole("textbox", { name: "Command" });
const output = (page) => terminal(page).locator(".terminal-out");

async function type(page, line) {
  const box = input(page);
  await box.fill(line);
  await box.press("Enter");
}

/** The terminal's text; waits until it contains `needle` (a string or RegExp) when given. */
async function out(page, needle) {
  if (needle === undefined) return output(page).innerText();
  return until(async () => {
    const text = await output(page).innerText();
    return (typeof needle === "string" ? text.includes(needle) : needle.test(text)) && text;
  }, { what: `terminal output ${needle}` });
}

/** The page's describe table of `group` as rows of { header: cell }. */
async function table(page, group) {
  const t = page.locator("table").filter({ has: page.locator("caption", { hasText: group }) });
  if ((await t.count()) === 0) return [];
  return t.first().evaluate((t) => {
    const headers = [...t.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    return [...t.querySelectorAll("tbody tr")].map((tr) => {
      const cells = [...tr.querySelectorAll("td")].map((td) => td.textContent.trim());
      return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
    });
  });
}

/** Rows of a `kafka-consumer-groups --describe` output (the last table in the text). */
function parseDescribe(text) {
  const lines = text.split("\n");
  const h = lines.map((l) => l.trim().startsWith("GROUP") && l.includes("CURRENT-OFFSET")).lastIndexOf(true);
  const rows = [];
  for (const l of lines.slice(h + 1)) {
    const c = l.trim().split(/\s+/);
    if (c.length !== 9) break;
    rows.push({ TOPIC: c[1], PARTITION: c[2], "CURRENT-OFFSET": c[3], "LOG-END-OFFSET": c[4], LAG: c[5], CLIENT: c[8] });
  }
  return rows;
}

const lane = (page, topic, p) => page.getByRole("group", { name: new RegExp(`^${topic}-${p}\\b`) });

async function logEnd(page, topic, p) {
  // A lane off screen waits while the clock runs (frames.test.mjs): look at it, as a person would.
  await lane(page, topic, p).first().scrollIntoViewIfNeeded();
  const name = await lane(page, topic, p).first().getAttribute("aria-label");
  const m = /log end (\d+)/.exec(name ?? "");
  return m ? Number(m[1]) : -1;
}

test("the seed's story typed in the terminal; lanes, cards and the group table agree", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await terminal(page).scrollIntoViewIfNeeded();

  await type(page, `kafka-topics.sh ${BS} --create --topic payments --partitions 6`);
  await out(page, "Created topic payments.");
  await until(async () => (await page.getByRole("group", { name: /^payments-\d/ }).count()) === 6, { what: "6 lanes" });

  await type(page, `kafka-console-producer.sh ${BS} --topic payments --property parse.key=true --property key.separator=:`);
  for (const l of ["k1:a", "k2:b", "k3:c", "k4:d"]) await type(page, l);
  await type(page, "");
  // toPositive(murmur2(key)) % 6: k1 → 5, k2 → 3, k3 and k4 → 4.
  await until(async () => (await logEnd(page, "payments", 5)) === 1 && (await logEnd(page, "payments", 3)) === 1 && (await logEnd(page, "payments", 4)) === 2, { what: "records in their partitions" });
  await page.getByRole("article", { name: "producer console-producer", exact: true }).waitFor();

  await type(page, `kafka-console-consumer.sh ${BS} --topic payments --group billing --from-beginning`);
  await type(page, `kafka-console-consumer.sh ${BS} --topic payments --group billing --from-beginning`);
  await type(page, `kafka-console-consumer.sh ${BS} --topic payments --partition 4 --offset earliest`);
  for (const n of [1, 2, 3]) await page.getByRole("article", { name: `consumer console-consumer-${n}`, exact: true }).waitFor();
  await page.getByLabel("Speed").selectOption("10");
  // The group splits the six partitions three and three; the table says who owns what.
  await until(async () => {
    const rows = await table(page, "billing");
    const owners = rows.map((r) => r["CONSUMER-ID"]);
    return rows.length === 6 && owners.filter((o) => o === "console-consumer-1").length === 3 && owners.filter((o) => o === "console-consumer-2").length === 3;
  }, { what: "billing split 3/3", timeout: 30_000 });
  // Everything produced streams into the terminal (d twice: a group member and the standalone one read payments-4).
  const streamed = await out(page, /^d$[\s\S]*^d$/m);
  for (const v of ["a", "b", "c"]) assert.match(streamed, new RegExp(`^${v}$`, "m"));

  await page.getByRole("button", { name: "Pause" }).first().click();
  await type(page, `kafka-consumer-groups.sh ${BS} --describe --group billing`);
  const text = await out(page, "CURRENT-OFFSET");
  const typed = parseDescribe(text);
  const shown = await table(page, "billing");
  assert.equal(typed.length, 6, text);
  for (const r of typed) {
    const row = shown.find((s) => s.TOPIC === r.TOPIC && s.PARTITION === r.PARTITION);
    assert.ok(row, `partition ${r.PARTITION} in the page's table`);
    for (const k of ["CURRENT-OFFSET", "LOG-END-OFFSET", "LAG"]) assert.equal(r[k], row[k], `${k} of ${r.TOPIC}-${r.PARTITION}`);
    assert.equal(r.CLIENT, row["CONSUMER-ID"]);
  }

  // Reset is refused while the group is active, with Kafka's words.
  await type(page, `kafka-consumer-groups.sh ${BS} --reset-offsets --group billing --topic payments --to-earliest --execute`);
  await out(page, "Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable.");
  // Ctrl-C stops the console consumers: they leave, the group is Empty.
  await input(page).press("Control+c");
  await out(page, "Processed a total of");
  await page.getByRole("button", { name: "Play" }).first().click();
  await until(async () => (await table(page, "billing")).every((r) => r["CONSUMER-ID"] === "-"), { what: "billing empty" });
  await type(page, `kafka-consumer-groups.sh ${BS} --reset-offsets --group billing --topic payments --to-earliest --execute`);
  await out(page, /billing\s+payments\s+5\s+0/);
  await until(async () => {
    const rows = await table(page, "billing");
    return rows.length === 6 && rows.every((r) => r["CURRENT-OFFSET"] === "0");
  }, { what: "offsets reset to 0 in the table" });
  await app.screenshot("terminal-story-desktop");
  await terminal(page).screenshot({ path: "test-results/terminal-panel-desktop.png" });
  app.assertClean();
});

test("Tab completion, history, --help and page actions echoed, by keyboard", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  const box = input(page);
  await box.click();
  await box.pressSequentially("kafka-to");
  await box.press("Tab");
  assert.equal(await box.inputValue(), "kafka-topics.sh ");
  await box.pressSequentially("--bootstrap-s");
  await box.press("Tab");
  await box.pressSequentially("localhost:9092 --describe --topic or");
  await box.press("Tab");
  assert.equal(await box.inputValue(), "kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders ");
  await box.press("Enter");
  await out(page, "Topic: orders\tPartitionCount: 6");
  await type(page, "kafka-topics --help");
  await out(page, "This tool helps to create, delete, describe, or change a topic.");
  await box.press("ArrowUp");
  assert.equal(await box.inputValue(), "kafka-topics --help");
  await box.press("ArrowUp");
  assert.equal(await box.inputValue(), "kafka-topics.sh --bootstrap-server localhost:9092 --describe --topic orders ");
  await box.press("ArrowDown");
  assert.equal(await box.inputValue(), "kafka-topics --help");
  // A page action shows the command that does the same.
  await page.getByRole("button", { name: "Add consumer" }).click();
  await out(page, "kafka-console-consumer.sh --bootstrap-server localhost:9092 --topic orders --group group-1");
  // Send one: the console producer, then the line typed at its prompt.
  await page.getByRole("button", { name: "Send one record from p1" }).click();
  await out(page, "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders");
  await out(page, />(\S+[:|#~^])?p1-\d+/);
  // kafka-leader-election: its name and options complete, and --help prints its usage.
  await box.fill("");
  await box.pressSequentially("kafka-leader");
  await box.press("Tab");
  assert.equal(await box.inputValue(), "kafka-leader-election.sh ");
  await box.pressSequentially("--all-t");
  await box.press("Tab");
  assert.equal(await box.inputValue(), "kafka-leader-election.sh --all-topic-partitions ");
  await box.fill("");
  await type(page, "kafka-leader-election.sh --help");
  await out(page, "This tool attempts to elect a new leader for a set of topic partitions.");
  await out(page, "--election-type <[PREFERRED,UNCLEAN]:");
  app.assertClean();
});

test("hostile input is shown as text and gets the tool's usage error", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  await type(page, "<script>alert(1)</script><img src=x onerror=alert(2)>");
  await out(page, "$ <script>alert(1)</script><img src=x onerror=alert(2)>");
  await out(page, "<script>alert(1)</script><img: command not found");
  await type(page, "kafka-topics --bootstrap-server x --create --topic 'unbalanced");
  await out(page, "sh: syntax error: unterminated quoted string");
  await type(page, `kafka-topics --${"x".repeat(1 << 20)}`);
  await out(page, "is not a recognized option");
  await type(page, "kafka-topics --bootstrap-server x --describe --topic \u0007\u001b[31m");
  await out(page, "does not exist as expected");
  assert.equal(dialogs, 0);
  assert.equal(await page.locator(".terminal-out img, .terminal-out script").count(), 0);
  app.assertClean();
});

test("phone width: the terminal fits and nothing overflows", async (t) => {
  const app = await openApp(t, { viewport: { width: 390, height: 844 } });
  const { page } = app;
  await type(page, `kafka-consumer-groups.sh ${BS} --list`);
  await type(page, `kafka-topics.sh ${BS} --describe --topic orders`);
  await out(page, "PartitionCount");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
  await terminal(page).scrollIntoViewIfNeeded();
  await terminal(page).screenshot({ path: "test-results/terminal-panel-phone.png" });
  app.assertClean();
});
