// Replication on the page (issue #14): a replicated partition's lane marks its high watermark.
// Records past it are in the lane (written on the leader) but not yet readable: a hatched band
// over them, a line at the high watermark, "HW n" in the lane's label, and the lane's
// accessible name says how many records are written but not yet readable. The ISR lesson,
// opened paused at 00:09 (a follower is cut off but still in the ISR, so acks=all waits and
// the high watermark stops), then at 00:12 (the follower has left the ISR: caught up).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { openApp, RESULTS, ROOT } from "./helpers.mjs";

function linkAt(id, ms) {
  const scenario = JSON.parse(readFileSync(join(ROOT, "src/core/scenarios", `${id}.json`), "utf8"));
  const envelope = { v: 1, at: ms, scenario };
  return "#s=" + deflateRawSync(Buffer.from(JSON.stringify(envelope))).toString("base64url");
}

test("a replicated lane marks the high watermark and names the records not yet readable", async (t) => {
  const stalled = await openApp(t, { path: "/" + linkAt("isr-shrink-and-expand", 9_000) });
  let page = stalled.page;
  await page.getByText("Opened a shared link at 00:09.000").waitFor();
  const lane = page.getByRole("group", { name: /^orders-0: / });
  const name = await lane.getAttribute("aria-label");
  const m = name.match(/log end (\d+), high watermark (\d+): (\d+) record\(s\) written, not yet readable/);
  assert.ok(m, name);
  const [end, hw, unread] = m.slice(1).map(Number);
  // The five batches in flight (max.in.flight.requests.per.connection) are written and wait
  // for the ISR; shop holds its later records back.
  assert.ok(unread >= 5 && end - hw === unread, name);
  assert.equal(await lane.locator(".hw-band").count(), 1);
  assert.equal(await lane.locator(".hw-line").count(), 1);
  assert.equal((await lane.locator(".hw-num").textContent()).trim(), `HW ${hw}`);
  assert.match(await page.locator(".legend").textContent(), /past the high watermark \(HW\): written, not yet readable/);
  await page.screenshot({ path: join(RESULTS, "replication-hw-stalled.png") });
  stalled.assertClean();

  const later = await openApp(t, { path: "/" + linkAt("isr-shrink-and-expand", 12_000) });
  page = later.page;
  await page.getByText("Opened a shared link at 00:12.000").waitFor();
  const after = await page.getByRole("group", { name: /^orders-0: / }).getAttribute("aria-label");
  const n = after.match(/high watermark (\d+): (\d+) record\(s\)/);
  assert.ok(n && Number(n[2]) <= 2, after);
  later.assertClean();

  // One broker: the lanes look as before (no high watermark drawn).
  const single = await openApp(t, { path: "/?scenario=lag&lang=en" });
  await single.page.getByRole("group", { name: /^orders-0: / }).waitFor();
  assert.equal(await single.page.locator(".hw-band").count(), 0);
  assert.doesNotMatch(await single.page.getByRole("group", { name: /^orders-0: / }).getAttribute("aria-label"), /high watermark/);
  single.assertClean();
});
