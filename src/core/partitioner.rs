//! Which partition a record goes to — bit for bit as the Java producer decides.
//!
//! Order of choice (`KafkaProducer.partition()`): an explicit partition; else a key's
//! `toPositive(murmur2(key)) % numPartitions`; else the built-in sticky partitioner
//! (KIP-480 / KIP-794). `RoundRobinPartitioner` is offered as the optional alternative.

/// Kafka's `Utils.murmur2`: MurmurHash2, seed `0x9747b28c`, as a signed 32-bit value.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h: u32 = SEED ^ (len as u32);
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    // Tail bytes by fall-through, as the Java switch does. Java bytes are signed, but each
    // is masked with 0xff there, so plain u8 widening is the same.
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= (tail[2] as u32) << 16;
    }
    if tail.len() >= 2 {
        h ^= (tail[1] as u32) << 8;
    }
    if !tail.is_empty() {
        h ^= tail[0] as u32;
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit (not `abs`, which overflows on MIN).
pub fn to_positive(n: i32) -> u32 {
    (n & 0x7fff_ffff) as u32
}

/// The default partitioner's choice for a keyed record. `num_partitions` must be ≥ 1.
pub fn partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    to_positive(murmur2(key)) % num_partitions.max(1)
}

/// The built-in sticky partitioner's state for one topic (KIP-794, non-adaptive): stay on
/// one partition until `batch.size` bytes went to it, then pick the next one at random.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StickyState {
    pub current: Option<u32>,
    pub bytes: u64,
}

impl StickyState {
    /// The partition for the next unkeyed record of `size` bytes. `random` is a fresh
    /// random 32-bit value (the caller owns the seeded PRNG).
    pub fn next(&mut self, num_partitions: u32, batch_size: u64, size: u64, random: u32) -> u32 {
        self.next_with(num_partitions, batch_size, size, || random)
    }

    /// [`StickyState::next`], asking for the random value only when it picks a partition.
    pub fn next_with(
        &mut self,
        num_partitions: u32,
        batch_size: u64,
        size: u64,
        random: impl FnOnce() -> u32,
    ) -> u32 {
        let n = num_partitions.max(1);
        let p = match self.current {
            Some(p) if p < n && self.bytes < batch_size => p,
            _ => {
                // BuiltInPartitioner.nextPartition: `toPositive(random) % numPartitions`;
                // it may pick the same partition again, as Java's does.
                self.bytes = 0;
                let p = to_positive(random() as i32) % n;
                self.current = Some(p);
                p
            }
        };
        self.bytes += size;
        p
    }

    /// How many records of `size` bytes in a row, from the next one, [`StickyState::next`]
    /// would keep on the current partition without picking one (0: the next one picks).
    pub fn stays_for(&self, num_partitions: u32, batch_size: u64, size: u64) -> u64 {
        match self.current {
            Some(p) if p < num_partitions.max(1) && self.bytes < batch_size => {
                if size == 0 {
                    u64::MAX
                } else {
                    (batch_size - self.bytes).div_ceil(size)
                }
            }
            _ => 0,
        }
    }

    /// Takes `records` records of `size` bytes onto the current partition, as as many calls of
    /// [`StickyState::next`] would (at most [`StickyState::stays_for`] of them).
    pub fn stay(&mut self, records: u64, size: u64) {
        self.bytes += records * size;
    }

    /// [`StickyState::next`] for a producer that draws `rng` once per unkeyed record: the
    /// value is drawn only when a partition is picked, and a draw not made is counted in
    /// `skipped` (settled before `rng` is used again).
    pub fn next_drawing(
        &mut self,
        num_partitions: u32,
        batch_size: u64,
        size: u64,
        rng: &mut oorandom::Rand64,
        skipped: &mut SkippedDraws,
    ) -> u32 {
        let mut drew = false;
        let p = self.next_with(num_partitions, batch_size, size, || {
            skipped.settle(rng);
            drew = true;
            rng.rand_u64() as u32
        });
        if !drew {
            skipped.skip(1);
        }
        p
    }
}

/// Draws of the cluster's PRNG that were due but whose values nobody needed: the producer
/// draws one per unkeyed record and the sticky partitioner looks at it only when it picks a
/// new partition (once per `batch.size` bytes). Skipping them and moving the generator on by
/// as many steps at once, when a value is next needed, leaves it exactly where drawing each
/// would have (a 128-bit multiply per record, and a call in wasm, saved).
#[derive(Debug, Default)]
pub struct SkippedDraws(u64);

impl SkippedDraws {
    /// `draws` more draws due and not looked at.
    pub fn skip(&mut self, draws: u64) {
        self.0 += draws;
    }

    /// Moves `rng` past the skipped draws (before it is drawn from again).
    pub fn settle(&mut self, rng: &mut oorandom::Rand64) {
        if self.0 > 0 {
            *rng = advance(rng, self.0);
            self.0 = 0;
        }
    }
}

/// `oorandom::Rand64`'s multiplier (PCG's 128-bit LCG multiplier, `pcg_variants.h`).
const PCG_MULTIPLIER: u128 = 47_026_247_687_942_121_848_144_207_491_837_523_525;

/// For each bit `k` of a step count: `M^(2^k)` and `1 + M + … + M^(2^k - 1)` (mod 2^128), so
/// that `2^k` steps take a state `s` to `s * M^(2^k) + inc * (1 + … + M^(2^k - 1))`.
const JUMPS: [(u128, u128); 64] = {
    let mut t = [(0u128, 0u128); 64];
    let (mut mult, mut sum) = (PCG_MULTIPLIER, 1u128);
    let mut k = 0;
    while k < 64 {
        t[k] = (mult, sum);
        // 1 + … + M^(2n - 1) = (1 + … + M^(n - 1)) * (1 + M^n).
        sum = sum.wrapping_mul(mult.wrapping_add(1));
        mult = mult.wrapping_mul(mult);
        k += 1;
    }
    t
};

/// The generator after `steps` draws, in O(log steps) (Brown's LCG jump-ahead,
/// `pcg_advance_lcg_128`): the state steps as `s * M + inc`, so `steps` steps make it
/// `s * A + inc * B`; `A` and `B` are put together from [`JUMPS`], two 128-bit multiplies per
/// set bit of `steps` (each a call in wasm).
fn advance(rng: &oorandom::Rand64, mut steps: u64) -> oorandom::Rand64 {
    let (state, inc) = rng.state();
    let (mut a, mut b) = (1u128, 0u128);
    while steps > 0 {
        let (mult, sum) = JUMPS[steps.trailing_zeros() as usize];
        a = a.wrapping_mul(mult);
        b = b.wrapping_mul(mult).wrapping_add(sum);
        steps &= steps - 1;
    }
    oorandom::Rand64::from_state((a.wrapping_mul(state).wrapping_add(b.wrapping_mul(inc)), inc))
}

/// Kafka's `RoundRobinPartitioner`: a counter per topic, `toPositive(counter++) % n`.
pub fn round_robin(counter: &mut u32, num_partitions: u32) -> u32 {
    let p = to_positive(*counter as i32) % num_partitions.max(1);
    *counter = counter.wrapping_add(1);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_for_counts_the_records_next_keeps_on_the_partition() {
        for (bytes, size, batch_size) in
            [(0, 15, 100), (99, 15, 100), (100, 15, 100), (10, 10, 100), (0, 1, 7)]
        {
            let mut s = StickyState { current: Some(2), bytes };
            let stays = s.stays_for(6, batch_size, size);
            let mut kept = 0;
            loop {
                let mut picked = false;
                s.next_with(6, batch_size, size, || {
                    picked = true;
                    0
                });
                if picked {
                    break;
                }
                kept += 1;
            }
            assert_eq!(stays, kept, "{bytes} {size} {batch_size}");
        }
        assert_eq!(StickyState::default().stays_for(6, 100, 15), 0);
        assert_eq!(StickyState { current: Some(6), bytes: 0 }.stays_for(6, 100, 15), 0);
    }

    #[test]
    fn skipped_draws_leave_the_generator_where_drawing_each_would() {
        for seed in [0u128, 1, 42, u128::MAX] {
            for steps in [0u64, 1, 2, 3, 7, 64, 65, 1000, 4097, 65_535, 1 << 20, (1 << 20) + 777] {
                let mut drawn = oorandom::Rand64::new(seed);
                let mut skipped = oorandom::Rand64::new(seed);
                for _ in 0..steps {
                    drawn.rand_u64();
                }
                let mut draws = SkippedDraws::default();
                for _ in 0..steps {
                    draws.skip(1);
                }
                draws.settle(&mut skipped);
                assert_eq!(drawn.state(), skipped.state(), "seed {seed}, {steps} steps");
                assert_eq!(drawn.rand_u64(), skipped.rand_u64());
            }
        }
    }

    #[test]
    fn jumps_compose_over_the_whole_step_range() {
        let rng = oorandom::Rand64::new(7);
        for (x, y) in [(1u64, u64::MAX - 1), (1 << 63, (1 << 63) - 1), (0xdead_beef_1234, 99), (3, 5)] {
            let apart = advance(&advance(&rng, x), y);
            let at_once = advance(&rng, x + y);
            assert_eq!(apart.state(), at_once.state(), "{x} + {y}");
        }
        let mut one = oorandom::Rand64::new(7);
        one.rand_u64();
        assert_eq!(advance(&rng, 1).state(), one.state());
    }

    /// `UtilsTest.testMurmur2` in apache/kafka.
    #[test]
    fn murmur2_matches_kafka_test_vectors() {
        let cases: &[(&str, i32)] = &[
            ("21", -973932308),
            ("foobar", -790332482),
            ("a-little-bit-long-string", -985981536),
            ("a-little-bit-longer-string", -1486304829),
            ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
            ("abc", 479470107),
        ];
        for (key, want) in cases {
            assert_eq!(murmur2(key.as_bytes()), *want, "murmur2({key:?})");
        }
    }

    #[test]
    fn empty_key_is_hashed_not_treated_as_null() {
        assert_eq!(murmur2(b""), 275646681);
        assert_eq!(partition_for_key(b"", 6), 275646681 % 6);
    }

    #[test]
    fn keys_land_where_java_puts_them() {
        assert_eq!(partition_for_key(b"foobar", 3), 0);
        assert_eq!(partition_for_key(b"foobar", 4), 2);
        assert_eq!(partition_for_key(b"foobar", 8), 6);
        // murmur2("key") = -1079937367; toPositive = 1067546281. KAFKA.md says "key" -> 1
        // for every N in 2..=12, but 1067546281 % 7 == 4 (and % 9 == 4, % 11 == 10).
        assert_eq!(murmur2(b"key"), -1079937367);
        for (n, want) in
            [(2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 4), (8, 1), (9, 4), (10, 1), (11, 10), (12, 1)]
        {
            assert_eq!(partition_for_key(b"key", n), want, "N={n}");
        }
    }

    #[test]
    fn to_positive_masks_rather_than_abs() {
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-1), 0x7fff_ffff);
        assert_eq!(to_positive(5), 5);
    }

    #[test]
    fn sticky_switches_after_batch_size_bytes() {
        let mut s = StickyState::default();
        let first = s.next(6, 100, 40, 7);
        assert_eq!(first, 1);
        assert_eq!(s.next(6, 100, 40, 999), first);
        assert_eq!(s.next(6, 100, 40, 999), first); // 80 < 100 before this one
        assert_eq!(s.next(6, 100, 40, 4), 4); // 120 >= 100: switch
    }

    #[test]
    fn round_robin_cycles_through_partitions() {
        let mut c = 0;
        let got: Vec<u32> = (0..7).map(|_| round_robin(&mut c, 3)).collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2, 0]);
    }
}
