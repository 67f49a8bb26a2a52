// Each built-in lesson's key moment (issue 17), in one place: the stage test (stage.test.mjs)
// opens every lesson exactly at `before` and at `after` with a share link, at 1280×720 in
// projector mode, 1280×800 and 390 px, and asserts that the stage and the `key` elements (what
// the moment is about, CSS selectors) are on the first screen after it.
//
// Adding a lesson: one line here. A lesson not listed gets DEFAULT_MOMENT (a second before and
// after its first scripted step, the stage's own parts as its key), so none goes unchecked.
//
// Times are "mm:ss" or "mm:ss.mmm". `step`: after opening at `after`, press Step (the
// phase-by-phase one) until this selector shows (a rebalance's phase is a few hundred ms long).
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { join } from "node:path";
import { ROOT } from "./helpers.mjs";

/** A member's chip on the stage, by consumer name (plus more classes: `.dead`, `.idle`). */
const chip = (name, look = "") => `.member-chip${look}:has(a[href="#${name}-h"])`;

export const KEY_MOMENTS = {
  "playground": { before: "00:01", after: "00:05", key: [".stage-groups .stage-head button"] },
  "producer-basics": { before: "00:14", after: "00:16", key: [".producer-chip:nth-child(2)"] },
  "sticky-partitioner": { before: "00:09", after: "00:12", key: [".producer-chip:nth-child(2)"] },
  "standalone-vs-group": { before: "00:19", after: "00:21", key: [".group-frame.standalone", chip("c3", ".dead")] },
  "queue-vs-pubsub": { before: "00:01", after: "00:10", key: [chip("c3"), ".group-frame:nth-of-type(2)"] },
  "more-consumers-than-partitions": { before: "00:19", after: "00:27", key: [chip("c1", ".dead")], keyBefore: [".member-chip.idle"] },
  "share-groups": { before: "00:19", after: "00:21", key: [chip("w1", ".dead"), chip("c3", ".idle")] },
  "rebalance-basics": { before: "00:19", after: "00:21", key: [chip("c2", ".dead"), ".part .owner.held"] },
  "leave-vs-crash": { before: "00:29", after: "00:31", key: [chip("c2", ".dead")] },
  "eager-vs-cooperative": { before: "00:14", after: "00:14.900", step: ".group-frame.rebalancing", key: [".group-frame.rebalancing", ".frame-head .phase:not(.none)"] },
  "kip-848": { before: "00:29", after: "00:31", key: [chip("c2", ".dead"), chip("c4")] },
  "add-partitions": { before: "00:19", after: "00:30", key: [".part:nth-child(6)"] },
  "static-membership": { before: "00:14", after: "00:16", key: [chip("c2", ".dead")] },
  "at-least-once": { before: "00:12", after: "00:14", key: [chip("c1", ".dead"), chip("c3", ".dead")] },
  "slow-consumer": { before: "00:05", after: "00:40" },
  "roles": { before: "00:34", after: "00:37", key: [chip("c1", ".failing")] },
  "lag": { before: "00:19", after: "00:25", key: [chip("c2"), chip("c3")] },
  "acks-and-broker-failure": { before: "00:10", after: "00:14", key: [".broker-chip.down", ".replica-marks .lost"] },
  "share-more-workers": { before: "00:14", after: "00:16", key: [chip("w6")] },
  "share-slow-worker": { before: "00:14", after: "00:16", key: [chip("w1"), chip("w2")] },
  "share-poison": { before: "00:04", after: "00:06" },
  "share-crash": { before: "00:09", after: "00:11", key: [chip("w1", ".dead")] },
  "acks-1-loses-records": { before: "00:10", after: "00:14", key: [chip("c1"), ".broker-chip.down", ".replica-marks .lost"] },
  "min-insync-replicas": { before: "00:09", after: "00:14", key: [chip("ledger"), ".broker-chip.down", ".replica-marks .isr", ".frame-head .coord"] },
  "unclean-leader-election": { before: "00:19", after: "00:21", key: [".broker-chip.down", ".replica-marks .lost"] },
  "isr-shrink-and-expand": { before: "00:04", after: "00:10", key: [".broker-chip.down", ".replica-marks .isr"] },
  "zone-outage": { before: "00:09", after: "00:14", key: [chip("c1"), chip("c2"), ".broker-chip.down", ".replica-marks .isr"] },
  "coordinator-failover": { before: "00:09", after: "00:14", key: [".broker-chip.down", ".frame-head .coord"] },
};

/** The stage's own parts: on the first screen at every moment (1280 wide). */
export const STAGE = [".stage", ".part", ".member-chip:not(.slot)", ".frame-head", ".producer-chip"];

/** The built-in lessons, in the order src/core/scenario.rs lists them. */
export function lessons() {
  const src = readFileSync(join(ROOT, "src/core/scenario.rs"), "utf8");
  return [...src.matchAll(/\("([a-z0-9-]+)", include_str!\("scenarios\//g)].map((m) => m[1]);
}

/** A built-in lesson's scenario file, parsed. */
export function lesson(id) {
  return JSON.parse(readFileSync(join(ROOT, "src/core/scenarios", `${id}.json`), "utf8"));
}

/** "mm:ss[.mmm]" or "20s" → milliseconds. */
export function ms(at) {
  if (/^\d+(\.\d+)?s$/.test(at)) return Math.round(parseFloat(at) * 1000);
  const [m, s] = at.split(":");
  return Math.round((Number(m) * 60 + Number(s)) * 1000);
}

/** Milliseconds as the page's clock shows them ("00:15.100"). */
export function clock(t) {
  const pad = (n, w) => String(n).padStart(w, "0");
  return `${pad(Math.floor(t / 60000), 2)}:${pad(Math.floor(t / 1000) % 60, 2)}.${pad(t % 1000, 3)}`;
}

/** A lesson's key moment: its entry above, or one around its first scripted step. */
export function momentOf(id) {
  if (KEY_MOMENTS[id]) return { key: [], ...KEY_MOMENTS[id] };
  const first = lesson(id).script?.[0]?.at;
  const at = first ? ms(first) : 10_000;
  return { before: clock(Math.max(0, at - 1000)), after: clock(at + 1000), key: [] };
}

/** A share link that opens `scenario` (a lesson's id, or a scenario) paused at exactly `at`. */
export function linkAt(scenario, at) {
  const envelope = { v: 1, at: ms(at), scenario: typeof scenario === "string" ? lesson(scenario) : scenario };
  return "#s=" + deflateRawSync(Buffer.from(JSON.stringify(envelope))).toString("base64url");
}
