//! A partition's log: append-only, dense offsets, with retention moving the log start.
//!
//! Storage is a ring buffer (`VecDeque`) indexed by `offset - log_start`, so appends and
//! reads are O(1) / O(batch). A record's key and text value are reference-counted: producers
//! reuse one allocation per distinct key, and generated values are just sequence numbers.

use super::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// A record's value. Generated traffic stores only the producer's sequence number (rendered
/// as `<producer>-<seq>`); text a person typed is kept as text (and rendered as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Seq(u64),
    Text(Arc<str>),
}

/// One record in a partition's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub timestamp: Millis,
    /// `None` is Kafka's null key; `Some("")` is an empty key (which is hashed).
    pub key: Option<Arc<str>>,
    pub value: Value,
    /// Index of the producer that wrote it (into the cluster's producer-name table).
    pub producer: u32,
}

/// Kafka's record-batch overhead per record, amortised (v2 format: attributes, deltas,
/// varint lengths). Used to estimate `retention.bytes`.
pub const RECORD_OVERHEAD_BYTES: u64 = 10;

impl Record {
    /// Approximate size on disk, for `retention.bytes` and `batch.size`.
    pub fn size_bytes(&self) -> u64 {
        let key = self.key.as_ref().map_or(0, |k| k.len() as u64);
        let value = match &self.value {
            Value::Seq(n) => 4 + decimal_digits(*n),
            Value::Text(t) => t.len() as u64,
        };
        key + value + RECORD_OVERHEAD_BYTES
    }
}

/// How many decimal digits `n` has (1 for 0). Every produced record asks this twice (once to
/// account it, once when retention drops it), so it avoids `ilog10`'s division: the bit length
/// times log10(2) (1233/4096) is the digit count or one less, and one table lookup settles it.
fn decimal_digits(n: u64) -> u64 {
    const POW10: [u64; 20] = {
        let mut t = [1u64; 20];
        let mut i = 1;
        while i < 20 {
            t[i] = t[i - 1] * 10;
            i += 1;
        }
        t
    };
    let log2 = 63 - u64::from((n | 1).leading_zeros());
    let guess = (log2 * 1233) >> 12; // at most 18
    guess + 1 + u64::from(n >= POW10[guess as usize + 1])
}

/// Retention of one topic: Kafka's `retention.ms` and `retention.bytes` (per partition).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// `retention.ms`; `None` is Kafka's -1 (keep forever).
    #[serde(rename = "retention.ms")]
    pub ms: Option<u64>,
    /// `retention.bytes` per partition; `None` is -1 (no size limit).
    #[serde(rename = "retention.bytes")]
    pub bytes: Option<u64>,
}

/// The playground's default retention. Kafka's defaults are 7 days and unlimited bytes; the
/// playground keeps Kafka's 7 days but caps each partition at 256 KiB, so a tab that runs
/// for hours stays bounded in memory (README, "What is simplified").
pub const DEFAULT_RETENTION: Retention = Retention { ms: Some(604_800_000), bytes: Some(262_144) };

impl Default for Retention {
    fn default() -> Self {
        DEFAULT_RETENTION
    }
}

/// Record headers (`Header[]` in Kafka): name/value pairs.
pub type Headers = Arc<[(Arc<str>, Arc<str>)]>;

/// One partition's log.
#[derive(Debug, Clone, Default)]
pub struct PartitionLog {
    records: VecDeque<Record>,
    log_start: u64,
    size_bytes: u64,
    /// Headers of the records that have any, by offset (sparse: generated traffic has none).
    headers: std::collections::BTreeMap<u64, Headers>,
}

impl PartitionLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// First offset still in the log (Kafka's log-start offset).
    pub fn log_start(&self) -> u64 {
        self.log_start
    }

    /// Offset the next record will get (Kafka's log-end offset, LEO).
    pub fn log_end(&self) -> u64 {
        self.log_start + self.records.len() as u64
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// Appends and returns the record's offset.
    pub fn append(&mut self, record: Record) -> u64 {
        let offset = self.log_end();
        self.size_bytes += record.size_bytes();
        self.records.push_back(record);
        offset
    }

    /// Attaches headers to the record at `offset` (just appended).
    pub fn set_headers(&mut self, offset: u64, headers: Headers) {
        if !headers.is_empty() && offset >= self.log_start && offset < self.log_end() {
            self.headers.insert(offset, headers);
        }
    }

    /// The headers of the record at `offset` (empty when it has none).
    pub fn headers(&self, offset: u64) -> &[(Arc<str>, Arc<str>)] {
        self.headers.get(&offset).map_or(&[], |h| h)
    }

    /// The record at `offset`, if it is within `[log_start, log_end)`.
    pub fn get(&self, offset: u64) -> Option<&Record> {
        let idx = offset.checked_sub(self.log_start)?;
        self.records.get(usize::try_from(idx).ok()?)
    }

    /// Up to `max` records from `from` (which must be within the log), with their offsets.
    pub fn read(&self, from: u64, max: usize) -> impl Iterator<Item = (u64, &Record)> + '_ {
        let start = from.saturating_sub(self.log_start) as usize;
        let start = start.min(self.records.len());
        self.records
            .range(start..)
            .take(max)
            .enumerate()
            .map(move |(i, r)| (self.log_start + start as u64 + i as u64, r))
    }

    /// Number of records readable from `from` to the log end.
    pub fn available_from(&self, from: u64) -> u64 {
        self.log_end().saturating_sub(from.max(self.log_start))
    }

    /// Cuts the log back so it ends at `end` (a new leader had less: replication's
    /// truncation). Returns how many records went.
    pub fn truncate_to(&mut self, end: u64) -> u64 {
        let mut removed = 0;
        while self.log_end() > end {
            match self.records.pop_back() {
                Some(r) => {
                    self.size_bytes -= r.size_bytes();
                    removed += 1;
                }
                None => break,
            }
        }
        if self.records.is_empty() && end < self.log_start {
            self.log_start = end;
        }
        if !self.headers.is_empty() {
            let _ = self.headers.split_off(&end);
        }
        removed
    }

    /// Applies retention at `now`: drops records older than `retention.ms` and, oldest first,
    /// records past `retention.bytes`. Returns how many were deleted. (Kafka deletes whole
    /// segments; the playground deletes record by record — simplified.)
    pub fn enforce_retention(&mut self, retention: Retention, now: Millis) -> u64 {
        // Count first, then drop them in one drain (cheaper than popping one by one).
        let mut size = self.size_bytes;
        let mut removed = 0;
        for front in &self.records {
            let too_old = retention.ms.is_some_and(|ms| now.saturating_sub(front.timestamp) > ms);
            let too_big = retention.bytes.is_some_and(|b| size > b);
            if !(too_old || too_big) {
                break;
            }
            size -= front.size_bytes();
            removed += 1;
        }
        if removed == 0 {
            return 0;
        }
        self.records.drain(..removed);
        self.size_bytes = size;
        self.log_start += removed as u64;
        if !self.headers.is_empty() {
            self.headers = self.headers.split_off(&self.log_start);
        }
        removed as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_matches_the_decimal_text() {
        let mut cases = vec![0, u64::MAX, u64::MAX - 1];
        let mut p = 1u64;
        for _ in 0..20 {
            cases.extend([p - 1, p, p + 1]);
            p = p.saturating_mul(10);
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.extend([x, x >> (x % 64)]);
        }
        for n in cases {
            assert_eq!(decimal_digits(n), n.to_string().len() as u64, "{n}");
        }
    }

    fn rec(ts: Millis) -> Record {
        Record { timestamp: ts, key: None, value: Value::Seq(ts), producer: 0 }
    }

    #[test]
    fn offsets_are_dense_from_zero() {
        let mut log = PartitionLog::new();
        assert_eq!((log.log_start(), log.log_end()), (0, 0));
        assert_eq!(log.append(rec(1)), 0);
        assert_eq!(log.append(rec(2)), 1);
        assert_eq!(log.log_end(), 2);
        let read: Vec<u64> = log.read(1, 10).map(|(o, _)| o).collect();
        assert_eq!(read, vec![1]);
    }

    #[test]
    fn retention_by_time_moves_the_log_start() {
        let mut log = PartitionLog::new();
        for t in 0..10 {
            log.append(rec(t * 100));
        }
        let removed = log.enforce_retention(Retention { ms: Some(450), bytes: None }, 1000);
        assert_eq!(removed, 6); // records at 0..=500 are older than 450 ms at t=1000
        assert_eq!(log.log_start(), 6);
        assert_eq!(log.log_end(), 10);
        assert!(log.get(5).is_none());
        assert_eq!(log.get(6).map(|r| r.timestamp), Some(600));
    }

    #[test]
    fn headers_stay_with_their_record_and_go_with_retention() {
        let mut log = PartitionLog::new();
        for t in 0..4 {
            let o = log.append(rec(t * 100));
            if o % 2 == 1 {
                log.set_headers(o, vec![(Arc::from("trace-id"), Arc::from(format!("t{o}").as_str()))].into());
            }
        }
        assert!(log.headers(0).is_empty());
        assert_eq!(&*log.headers(1)[0].1, "t1");
        log.enforce_retention(Retention { ms: Some(150), bytes: None }, 300);
        assert_eq!(log.log_start(), 2);
        assert!(log.headers(1).is_empty());
        assert_eq!(&*log.headers(3)[0].1, "t3");
    }

    #[test]
    fn retention_by_bytes_keeps_the_newest() {
        let mut log = PartitionLog::new();
        for t in 0..100 {
            log.append(rec(t));
        }
        let one = rec(0).size_bytes();
        log.enforce_retention(Retention { ms: None, bytes: Some(one * 10) }, 100);
        assert!(log.size_bytes() <= one * 10 + 10);
        assert_eq!(log.log_end(), 100);
        assert!(log.len() <= 10);
    }
}
