// The page's largest scenario (issue #16), shared by tests/e2e/reliability.test.mjs and
// scripts/profile-extreme.mjs.

/** Every cap at its maximum together (src/core/scenario.rs's `all-together`, without its script). */
export function extreme() {
  const name = (prefix, i) => prefix + String(i).padStart(64 - prefix.length, "0");
  const topics = Array.from({ length: 256 }, (_, i) => ({ name: name("t", i), partitions: 4, retention: {} }));
  const producers = Array.from({ length: 256 }, (_, i) => ({
    name: name("p", i), topic: name("t", i), rate: 39, keys: { mode: "random" },
  }));
  const all = topics.map((x) => x.name);
  const consumers = Array.from({ length: 16 }, (_, i) => ({
    name: name("c", i), mode: { group: { topics: all } },
    config: { "group.id": "g", "max.poll.records": 100000, "playground.poll.interval.ms": 532, "heartbeat.interval.ms": 6,
      "session.timeout.ms": 7, "auto.commit.interval.ms": 1, "metadata.max.age.ms": 1 },
  }));
  return { version: 1, id: "extreme", seed: 1, topics, producers, consumers, duration: "24h" };
}
