//! A partition's log: append-only, dense offsets, with retention moving the log start.
//!
//! Storage is a ring buffer (`VecDeque`) of chunks: a producer's batch as the Produce request
//! carried it (shared with the producer, so appending it copies no record), or records appended
//! one by one. Appends are O(1) per batch; a read finds its chunk by binary search and then
//! goes record by record. A chunk is a [`RecordBatch`]: its records as 24-byte [`Slot`]s with
//! nothing to drop (a generated value is just the producer's sequence number), and beside them
//! the keys and text values they refer to, reference-counted (producers reuse one allocation
//! per distinct key). Retention frees a batch of generated records without visiting them.

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

/// One record as a producer makes it and a reader sees it (owned). Logs and batches store
/// records as [`Slot`]s in a [`RecordBatch`]; reading a log gives [`RecordRef`]s.
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

impl Value {
    /// The value as a reader of a log sees it.
    pub fn borrowed(&self) -> ValueRef<'_> {
        match self {
            Value::Seq(n) => ValueRef::Seq(*n),
            Value::Text(t) => ValueRef::Text(t),
        }
    }
}

impl Record {
    /// Approximate size on disk, for `retention.bytes` and `batch.size`.
    pub fn size_bytes(&self) -> u64 {
        size_bytes(self.key.as_ref(), self.value.borrowed())
    }
}

/// A record's approximate size on disk: its key, its value as text, and Kafka's per-record
/// overhead.
fn size_bytes(key: Option<&Arc<str>>, value: ValueRef) -> u64 {
    let key = key.map_or(0, |k| k.len() as u64);
    let value = match value {
        ValueRef::Seq(n) => 4 + decimal_digits(n),
        ValueRef::Text(t) => t.len() as u64,
    };
    key + value + RECORD_OVERHEAD_BYTES
}

/// A record's value as a reader sees it: borrowed from the batch that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueRef<'a> {
    Seq(u64),
    Text(&'a Arc<str>),
}

impl ValueRef<'_> {
    pub fn to_value(self) -> Value {
        match self {
            ValueRef::Seq(n) => Value::Seq(n),
            ValueRef::Text(t) => Value::Text(Arc::clone(t)),
        }
    }
}

/// One record in a log, read: its fields, with the key and a text value borrowed from the
/// batch that holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    pub timestamp: Millis,
    pub key: Option<&'a Arc<str>>,
    pub value: ValueRef<'a>,
    pub producer: u32,
}

impl RecordRef<'_> {
    /// [`Record::size_bytes`].
    pub fn size_bytes(&self) -> u64 {
        size_bytes(self.key, self.value)
    }

    pub fn to_record(&self) -> Record {
        Record {
            timestamp: self.timestamp,
            key: self.key.cloned(),
            value: self.value.to_value(),
            producer: self.producer,
        }
    }
}

impl PartialEq<Record> for RecordRef<'_> {
    fn eq(&self, r: &Record) -> bool {
        self.timestamp == r.timestamp
            && self.producer == r.producer
            && self.key == r.key.as_ref()
            && self.value == r.value.borrowed()
    }
}

/// A record as a [`RecordBatch`] stores it: 24 bytes and nothing to drop, so a batch that
/// retention deletes is freed without visiting its records (a record holding its key and text
/// value itself, as reference counts, was 48 bytes and each had to be looked at to be
/// dropped: a fifth of the core's time in the bench). A key or a text value is an index into
/// its batch's `strings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub timestamp: Millis,
    /// The generated value (the producer's sequence number), or with [`Slot::TEXT`] the
    /// index of the text value in the batch's strings.
    value: u64,
    pub producer: u32,
    /// 0: a null key; k: the key is the batch's string k - 1. [`Slot::TEXT`] set: the
    /// value is text.
    key: u32,
}

impl Slot {
    const TEXT: u32 = 1 << 31;

    /// A generated record without a key (the value is the producer's sequence number).
    #[inline(always)]
    pub fn generated(timestamp: Millis, seq: u64, producer: u32) -> Slot {
        Slot { timestamp, value: seq, producer, key: 0 }
    }

    /// The generated value of a record without a key, if it is one.
    #[inline(always)]
    pub fn plain_seq(&self) -> Option<u64> {
        (self.key == 0).then_some(self.value)
    }
}

/// Records stored together, as a Produce request carries them and a log keeps them: the
/// records ([`Slot`]s) and the keys and text values they refer to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordBatch {
    slots: Vec<Slot>,
    strings: Vec<Arc<str>>,
}

impl RecordBatch {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        RecordBatch { slots: Vec::with_capacity(n), strings: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn reserve_exact(&mut self, n: usize) {
        self.slots.reserve_exact(n);
    }

    pub fn capacity(&self) -> usize {
        self.slots.capacity()
    }

    pub fn shrink_to_fit(&mut self) {
        self.slots.shrink_to_fit();
    }

    /// The index a string gets when added now (as the key field encodes it: one more).
    fn add_string(&mut self, s: Arc<str>) -> u32 {
        self.strings.push(s);
        // Far below 2^31 strings: a producer's batch holds at most `batch.size` (64 MiB) of
        // records, a log's own chunk what the work budget lets the cluster keep.
        (self.strings.len() as u32) & !Slot::TEXT
    }

    pub fn push(&mut self, record: Record) {
        let mut key = record.key.map_or(0, |k| self.add_string(k));
        let value = match record.value {
            Value::Seq(n) => n,
            Value::Text(t) => {
                key |= Slot::TEXT;
                u64::from(self.add_string(t).wrapping_sub(1))
            }
        };
        self.slots.push(Slot { timestamp: record.timestamp, value, producer: record.producer, key });
    }

    /// Generated records without a key: `seqs` at `timestamp`.
    #[inline]
    pub fn extend_generated(&mut self, timestamp: Millis, seqs: std::ops::Range<u64>, producer: u32) {
        self.slots.extend(seqs.map(|seq| Slot::generated(timestamp, seq, producer)));
    }

    /// Moves `other`'s records after this batch's.
    pub fn append(&mut self, other: &mut RecordBatch) {
        self.extend_from(other, 0..other.len());
        other.slots.clear();
        other.strings.clear();
    }

    /// Copies `other`'s records `range` after this batch's.
    fn extend_from(&mut self, other: &RecordBatch, range: std::ops::Range<usize>) {
        let slots = &other.slots[range];
        if other.strings.is_empty() {
            self.slots.extend_from_slice(slots);
            return;
        }
        for s in slots {
            self.push(other.at(s).to_record());
        }
    }

    /// Removes the first `n` records (and the strings only they used).
    fn drain_front(&mut self, n: usize) {
        if self.strings.is_empty() {
            self.slots.drain(..n);
        } else {
            let mut rest = RecordBatch::with_capacity(self.len() - n);
            rest.extend_from(self, n..self.len());
            *self = rest;
        }
    }

    #[inline(always)]
    fn at<'a>(&'a self, s: &Slot) -> RecordRef<'a> {
        let string = |k: u32| self.strings.get(k as usize);
        let key = match s.key & !Slot::TEXT {
            0 => None,
            k => string(k - 1),
        };
        let value = match (s.key & Slot::TEXT != 0).then(|| string(s.value as u32)) {
            Some(Some(t)) => ValueRef::Text(t),
            _ => ValueRef::Seq(s.value),
        };
        RecordRef { timestamp: s.timestamp, key, value, producer: s.producer }
    }

    pub fn get(&self, i: usize) -> Option<RecordRef<'_>> {
        self.slots.get(i).map(|s| self.at(s))
    }

    pub fn first(&self) -> Option<RecordRef<'_>> {
        self.get(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = RecordRef<'_>> + '_ {
        self.slots.iter().map(|s| self.at(s))
    }

    /// Their size ([`Record::size_bytes`] summed).
    pub fn size_bytes(&self) -> u64 {
        self.iter().map(|r| r.size_bytes()).sum()
    }
}

impl FromIterator<Record> for RecordBatch {
    fn from_iter<I: IntoIterator<Item = Record>>(iter: I) -> Self {
        let mut b = RecordBatch::new();
        for r in iter {
            b.push(r);
        }
        b
    }
}

/// 10^0 to 10^19.
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// How many generated values from `n` on (`n`, `n + 1`, …) have as many decimal digits as `n`:
/// records that carry them and no key are all one size ([`Record::size_bytes`]).
pub fn seq_values_of_one_size(n: u64) -> u64 {
    match POW10.get(decimal_digits(n) as usize) {
        Some(next) => next - n,
        None => u64::MAX - n + 1,
    }
}

/// How many decimal digits `n` has (1 for 0). Every produced record asks this twice (once to
/// account it, once when retention drops it), so it avoids `ilog10`'s division: the bit length
/// times log10(2) (1233/4096) is the digit count or one less, and one table lookup settles it.
fn decimal_digits(n: u64) -> u64 {
    let log2 = 63 - u64::from((n | 1).leading_zeros());
    let guess = (log2 * 1233) >> 12; // at most 18
    guess + 1 + u64::from(n >= POW10[guess as usize + 1])
}

/// [`Record::size_bytes`] of consecutive records, remembering which generated values have the
/// last one's decimal width (a producer's values count up, so the width rarely changes): the
/// per-record cost of retention's walk.
#[derive(Default)]
struct SeqSizes {
    /// Unkeyed generated records with a value in `from..from + span` are `bytes` long.
    from: u64,
    span: u64,
    bytes: u64,
}

impl SeqSizes {
    #[inline(always)]
    fn of(&mut self, s: &Slot, batch: &RecordBatch) -> u64 {
        let Some(n) = s.plain_seq() else { return batch.at(s).size_bytes() };
        if n.wrapping_sub(self.from) >= self.span {
            let width = decimal_digits(n);
            self.from = if width == 1 { 0 } else { POW10[width as usize - 1] };
            self.span = seq_values_of_one_size(self.from);
            self.bytes = 4 + width + RECORD_OVERHEAD_BYTES;
        }
        debug_assert_eq!(self.bytes, batch.at(s).size_bytes());
        self.bytes
    }

    /// Whether `s` is an unkeyed generated record `bytes` long (with a value in the range).
    #[inline(always)]
    fn same(&self, s: &Slot) -> bool {
        s.plain_seq().is_some_and(|n| n.wrapping_sub(self.from) < self.span)
    }
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

/// A run of consecutive records stored together: a producer's batch as the Produce request
/// carried it (shared with the producer, which keeps it until it is answered: appending a
/// batch copies nothing), or records appended one by one. `start..end` of `records` are in the
/// log; the rest went to retention (front) or truncation (back).
#[derive(Debug, Clone)]
struct Chunk {
    records: Arc<RecordBatch>,
    start: usize,
    end: usize,
    /// The size of `start..end` ([`Record::size_bytes`]).
    bytes: u64,
    /// The offset of `records[start]`.
    base: u64,
    /// The log made this chunk's vector itself (records appended one by one or small batches
    /// copied), so it may grow; a producer's batch, sized to its records, is never grown (that
    /// would copy the whole batch to append one record).
    own: bool,
}

/// A batch this small is copied into the last chunk rather than kept as a chunk of its own
/// (a chunk per one-record batch would cost more than the records).
const SHARE_FROM: usize = 64;

/// One partition's log.
#[derive(Debug, Clone, Default)]
pub struct PartitionLog {
    /// The records from `log_start` on, in chunks ([`Chunk`]).
    chunks: VecDeque<Chunk>,
    log_start: u64,
    len: u64,
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
        self.log_start + self.len
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// The last chunk, if records can be pushed onto it (the log made it, this log alone holds
    /// it, and nothing was truncated from it).
    fn open_chunk(&mut self) -> Option<&mut Chunk> {
        let c = self.chunks.back_mut().filter(|c| c.own)?;
        let end = c.end;
        Arc::get_mut(&mut c.records).filter(|v| v.len() == end)?;
        Some(c)
    }

    /// Appends `records`, copied, to the open chunk or a new one of the log's own; `bytes` is
    /// their size.
    fn append_copied(&mut self, records: &RecordBatch, bytes: u64) {
        let offset = self.log_end();
        let n = records.len();
        match self.open_chunk() {
            Some(c) => {
                Arc::get_mut(&mut c.records).expect("open").extend_from(records, 0..n);
                c.end += n;
                c.bytes += bytes;
            }
            None => self.chunks.push_back(Chunk {
                records: Arc::new(records.clone()),
                start: 0,
                end: n,
                bytes,
                base: offset,
                own: true,
            }),
        }
        self.size_bytes += bytes;
        self.len += n as u64;
    }

    /// Appends and returns the record's offset.
    pub fn append(&mut self, record: Record) -> u64 {
        let offset = self.log_end();
        let bytes = record.size_bytes();
        self.size_bytes += bytes;
        match self.open_chunk() {
            Some(c) => {
                Arc::get_mut(&mut c.records).expect("open").push(record);
                c.end += 1;
                c.bytes += bytes;
            }
            None => self.chunks.push_back(Chunk {
                records: Arc::new(RecordBatch::from_iter([record])),
                start: 0,
                end: 1,
                bytes,
                base: offset,
                own: true,
            }),
        }
        self.len += 1;
        offset
    }

    /// Appends a producer's batch and returns its base offset. A large batch is kept as it
    /// is, shared with whoever else holds it; a small one is copied.
    pub fn append_batch(&mut self, records: &Arc<RecordBatch>) -> u64 {
        self.append_sized_batch(records, records.size_bytes())
    }

    /// [`PartitionLog::append_batch`] for a batch whose size in bytes its producer counted
    /// already (the Produce request carries it).
    pub fn append_sized_batch(&mut self, records: &Arc<RecordBatch>, bytes: u64) -> u64 {
        debug_assert_eq!(bytes, records.size_bytes());
        let offset = self.log_end();
        if records.is_empty() {
            return offset;
        }
        if records.len() < SHARE_FROM {
            self.append_copied(records, bytes);
            return offset;
        }
        self.size_bytes += bytes;
        self.chunks.push_back(Chunk {
            records: Arc::clone(records),
            start: 0,
            end: records.len(),
            bytes,
            base: offset,
            own: false,
        });
        self.len += records.len() as u64;
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

    /// The chunk holding the record `idx` records after the log start, and its index in it.
    fn locate(&self, idx: u64) -> Option<(usize, usize)> {
        if idx >= self.len {
            return None;
        }
        let offset = self.log_start + idx;
        let c = self.chunks.partition_point(|c| c.base <= offset).checked_sub(1)?;
        let chunk = &self.chunks[c];
        Some((c, chunk.start + (offset - chunk.base) as usize))
    }

    /// The record at `offset`, if it is within `[log_start, log_end)`.
    pub fn get(&self, offset: u64) -> Option<RecordRef<'_>> {
        let idx = offset.checked_sub(self.log_start)?;
        let (c, i) = self.locate(idx)?;
        self.chunks[c].records.get(i)
    }

    /// Up to `max` records from `from` (which must be within the log), with their offsets.
    pub fn read(&self, from: u64, max: usize) -> impl Iterator<Item = (u64, RecordRef<'_>)> + '_ {
        let idx = from.saturating_sub(self.log_start).min(self.len);
        let first_offset = self.log_start + idx;
        let (chunk, at) = self.locate(idx).unwrap_or((self.chunks.len(), 0));
        self.chunks
            .range(chunk..)
            .enumerate()
            .flat_map(move |(k, c)| {
                let from = if k == 0 { at } else { c.start };
                c.records.slots[from..c.end].iter().map(|s| c.records.at(s))
            })
            .take(max)
            .enumerate()
            .map(move |(i, r)| (first_offset + i as u64, r))
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
            let Some(c) = self.chunks.back_mut() else { break };
            let live = c.end - c.start;
            let chunk_base = self.log_start + self.len - live as u64;
            let cut = live - (end.saturating_sub(chunk_base) as usize).min(live);
            for s in &c.records.slots[c.end - cut..c.end] {
                let bytes = c.records.at(s).size_bytes();
                self.size_bytes -= bytes;
                c.bytes -= bytes;
            }
            c.end -= cut;
            self.len -= cut as u64;
            removed += cut as u64;
            if c.end == c.start {
                self.chunks.pop_back();
            }
        }
        if self.len == 0 && end < self.log_start {
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
        let mut size = self.size_bytes;
        let mut removed = 0u64;
        // A record is too old when `now - timestamp > retention.ms`, that is when its
        // timestamp is below `now - retention.ms` (none is when `now` is not past it yet);
        // the log is too big when over `retention.bytes` (never without one).
        let old_below = retention.ms.map_or(0, |ms| now.saturating_sub(ms));
        let max_size = retention.bytes.unwrap_or(u64::MAX);
        'chunks: while let Some(c) = self.chunks.front_mut() {
            // A whole chunk goes at once when the log is over `retention.bytes` even without it.
            if size - c.bytes > max_size {
                size -= c.bytes;
                removed += (c.end - c.start) as u64;
                self.chunks.pop_front();
                continue;
            }
            // Records go from the front while the log is too big, then while they are too old
            // (the size only falls, so that is every record that is either).
            let batch = &*c.records;
            let live = &batch.slots[c.start..c.end];
            let mut sizes = SeqSizes::default();
            let (mut gone, size_before) = (0, size);
            while gone < live.len() && size > max_size {
                size -= sizes.of(&live[gone], batch);
                gone += 1;
                // The records after it as long as the last generated one go that many bytes at
                // a time: as many as the log is still over by, rounded up (so many would each
                // have found it over), checked to be of that kind before they count.
                if size > max_size && sizes.span > 0 {
                    let want = ((size - max_size).div_ceil(sizes.bytes) as usize).min(live.len() - gone);
                    let same = live[gone..gone + want].iter().take_while(|r| sizes.same(r)).count();
                    size -= same as u64 * sizes.bytes;
                    gone += same;
                }
            }
            while gone < live.len() && live[gone].timestamp < old_below {
                size -= sizes.of(&live[gone], batch);
                gone += 1;
            }
            c.bytes -= size_before - size;
            c.start += gone;
            c.base += gone as u64;
            removed += gone as u64;
            if c.start < c.end {
                break 'chunks;
            }
            self.chunks.pop_front();
        }
        if removed == 0 {
            return 0;
        }
        // Records appended one by one share a growing chunk: once half of it is gone, the
        // gone part is freed. (A batch's chunk never grows: its records go with it.)
        if let Some(c) = self.chunks.front_mut().filter(|c| c.own) {
            let start = c.start;
            if let Some(v) =
                Arc::get_mut(&mut c.records).filter(|v| start >= SHARE_FROM && start * 2 >= v.len())
            {
                v.drain_front(start);
                c.end -= start;
                c.start = 0;
            }
        }
        self.size_bytes = size;
        self.log_start += removed;
        self.len -= removed;
        if !self.headers.is_empty() {
            self.headers = self.headers.split_off(&self.log_start);
        }
        removed
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
        // Retention's remembered widths give every record's size, in any order and with
        // keyed and text records between them.
        let mut sizes = SeqSizes::default();
        for (i, &n) in cases.iter().enumerate() {
            let key = (i % 7 == 3).then(|| Arc::from("k"));
            let value = if i % 11 == 5 { Value::Text(Arc::from("text")) } else { Value::Seq(n) };
            let r = Record { timestamp: 0, key, value, producer: 0 };
            let batch = RecordBatch::from_iter([r.clone()]);
            assert_eq!(sizes.of(&batch.slots[0], &batch), r.size_bytes(), "{n}");
        }
        for n in cases {
            assert_eq!(decimal_digits(n), n.to_string().len() as u64, "{n}");
            let run = seq_values_of_one_size(n);
            let last = n + (run - 1);
            assert_eq!(last.to_string().len(), n.to_string().len(), "{n}");
            if let Some(next) = last.checked_add(1) {
                assert_ne!(next.to_string().len(), n.to_string().len(), "{n}");
            }
        }
    }

    /// A stored record is small and has nothing to drop: retention frees a batch of them
    /// without visiting each (the keys and text values they use sit beside them).
    #[test]
    fn a_stored_record_is_24_bytes_with_nothing_to_drop() {
        assert_eq!(std::mem::size_of::<Slot>(), 24);
        assert!(!std::mem::needs_drop::<Slot>());
    }

    /// Keys, empty keys, null keys and text values come back as they went in, through a
    /// batch appended to another and a log's own chunk losing its front to retention.
    #[test]
    fn keys_and_text_values_survive_batches_and_retention() {
        let made: Vec<Record> = (0..200u64)
            .map(|i| Record {
                timestamp: i,
                key: match i % 3 {
                    0 => None,
                    1 => Some(Arc::from("")),
                    _ => Some(Arc::from(format!("k{i}").as_str())),
                },
                value: if i % 4 == 0 {
                    Value::Text(Arc::from(format!("v{i}").as_str()))
                } else {
                    Value::Seq(i)
                },
                producer: (i % 5) as u32,
            })
            .collect();
        let mut a: RecordBatch = made[..50].iter().cloned().collect();
        let mut b: RecordBatch = made[50..].iter().cloned().collect();
        a.append(&mut b);
        assert!(b.is_empty());
        assert_eq!(a.iter().map(|r| r.to_record()).collect::<Vec<_>>(), made);
        let mut log = PartitionLog::new();
        for r in &made {
            log.append(r.clone());
        }
        let one = made.iter().map(Record::size_bytes).sum::<u64>() / 3;
        log.enforce_retention(Retention { ms: None, bytes: Some(one) }, 0);
        let start = log.log_start() as usize;
        assert!(start >= 100, "two thirds went: the chunk's front was freed");
        for (o, r) in log.read(log.log_start(), usize::MAX) {
            assert_eq!(r, made[o as usize]);
        }
        assert_eq!(log.size_bytes(), made[start..].iter().map(Record::size_bytes).sum::<u64>());
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

    #[cfg(not(target_arch = "wasm32"))]
    mod model {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            Append(u64),
            Batch(u64, usize),
            Truncate(u64),
            RetainMs(u64),
            RetainBytes(u64),
            Snapshot,
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                4 => (0u64..1000).prop_map(Op::Append),
                3 => (0u64..1000, 0usize..200).prop_map(|(t, n)| Op::Batch(t, n)),
                1 => (0u64..400).prop_map(Op::Truncate),
                1 => (0u64..1000).prop_map(Op::RetainMs),
                1 => (0u64..6000).prop_map(Op::RetainBytes),
                1 => Just(Op::Snapshot),
            ]
        }

        proptest! {
            /// The chunked log (batches shared with their producer, records appended one by
            /// one, retention, truncation, a snapshot appended to afterwards) holds exactly
            /// what a plain list of records would, at the same offsets and byte size.
            #[test]
            fn the_chunked_log_reads_like_a_plain_list(ops in proptest::collection::vec(op(), 0..60)) {
                let mut log = PartitionLog::new();
                let mut model: VecDeque<Record> = VecDeque::new();
                let mut start = 0u64;
                let mut snapshots = Vec::new();
                let mut seq = 0;
                // Generated values crossing decimal widths, with keyed and text records among them
                // (retention counts runs of like records at once).
                let mut next = |t: u64| {
                    seq += 1;
                    let key = (seq % 7 == 3).then(|| Arc::from("k"));
                    let value = if seq % 11 == 5 { Value::Text(Arc::from("text")) } else { Value::Seq(seq) };
                    Record { timestamp: t, key, value, producer: 0 }
                };
                for op in ops {
                    match op {
                        Op::Append(t) => {
                            let r = next(t);
                            prop_assert_eq!(log.append(r.clone()), start + model.len() as u64);
                            model.push_back(r);
                        }
                        Op::Batch(t, n) => {
                            let batch: Arc<RecordBatch> = Arc::new((0..n).map(|_| next(t)).collect());
                            prop_assert_eq!(log.append_batch(&batch), start + model.len() as u64);
                            model.extend(batch.iter().map(|r| r.to_record()));
                        }
                        Op::Truncate(end) => {
                            let keep = end.saturating_sub(start).min(model.len() as u64) as usize;
                            let gone = (model.len() - keep) as u64;
                            model.truncate(keep);
                            prop_assert_eq!(log.truncate_to(end), gone);
                            if model.is_empty() && end < start {
                                start = end;
                            }
                        }
                        Op::RetainMs(now) | Op::RetainBytes(now) => {
                            let retention = match op {
                                Op::RetainMs(_) => Retention { ms: Some(300), bytes: None },
                                _ => Retention { ms: None, bytes: Some(now) },
                            };
                            let mut size: u64 = model.iter().map(Record::size_bytes).sum();
                            let mut gone = 0;
                            while let Some(f) = model.front() {
                                let old = retention.ms.is_some_and(|ms| 1000u64.saturating_sub(f.timestamp) > ms);
                                let big = retention.bytes.is_some_and(|b| size > b);
                                if !(old || big) {
                                    break;
                                }
                                size -= f.size_bytes();
                                model.pop_front();
                                gone += 1;
                            }
                            start += gone;
                            prop_assert_eq!(log.enforce_retention(retention, 1000), gone);
                        }
                        Op::Snapshot => snapshots.push((log.clone(), model.clone(), start)),
                    }
                    prop_assert_eq!((log.log_start(), log.len()), (start, model.len()));
                    prop_assert_eq!(log.size_bytes(), model.iter().map(Record::size_bytes).sum::<u64>());
                    for (i, r) in model.iter().enumerate() {
                        prop_assert_eq!(log.get(start + i as u64).map(|g| g.to_record()), Some(r.clone()));
                    }
                    prop_assert_eq!(log.get(start + model.len() as u64), None);
                    let from = start + model.len() as u64 / 3;
                    let read: Vec<(u64, Record)> = log.read(from, 7).map(|(o, r)| (o, r.to_record())).collect();
                    let want: Vec<(u64, Record)> =
                        model.iter().enumerate().map(|(i, r)| (start + i as u64, r.clone())).skip((from - start) as usize).take(7).collect();
                    prop_assert_eq!(read, want);
                }
                // Snapshots taken along the way are untouched by what came after.
                for (snap, m, st) in snapshots {
                    prop_assert_eq!(snap.log_start(), st);
                    prop_assert!(m.iter().enumerate().all(|(i, r)| snap.get(st + i as u64).is_some_and(|g| g == *r)));
                }
            }
        }
    }
}
