//! Postings: which sections hold each token, built in parallel runs of pages and merged;
//! very common tokens become bitmaps.

use super::*;
use std::collections::HashMap;

/// A run of consecutive pages: which pages, and the documents (sections) they hold.
pub(super) struct Run {
    pub(super) pages: std::ops::Range<usize>,
    pub(super) docs: std::ops::Range<u32>,
}

/// Splits pages into contiguous runs, one per thread (at most 8), with each run's document
/// ids: postings built over runs in parallel and concatenated in order stay sorted.
pub(super) fn runs_of(pages: usize, docs_of: impl Fn(usize) -> u32) -> Vec<Run> {
    let runs = rayon::current_num_threads().clamp(1, 8);
    let per_run = pages.div_ceil(runs).max(1);
    let mut out = Vec::new();
    let mut doc = 0u32;
    for start in (0..pages).step_by(per_run) {
        let end = (start + per_run).min(pages);
        let first = doc;
        doc += (start..end).map(&docs_of).sum::<u32>();
        out.push(Run { pages: start..end, docs: first..doc });
    }
    out
}

/// Document ids per token for one run, CJK and words apart (hashing a u64 is much cheaper
/// than a string).
pub(super) struct Postings {
    pub(super) cjk: HashMap<u64, Ids, PairHash>,
    pub(super) words: HashMap<Box<str>, Ids, ahash::RandomState>,
    /// The run's documents: bitmaps cover exactly these.
    pub(super) docs: std::ops::Range<u32>,
}

/// Hashes a packed CJK token with one multiplication, folded so that every bit of the key
/// reaches the bits hashbrown uses (ahash's two rounds cost more than the rest of the lookup). Keys come
/// from the site's own text, so there is no adversary to randomize against.
#[derive(Default)]
pub(super) struct PairHasher(u64);

/// Builds [`PairHasher`]s.
pub(super) type PairHash = std::hash::BuildHasherDefault<PairHasher>;

impl std::hash::Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        let m = u128::from(self.0 ^ v) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// One token's documents within a run, in order: a list while that is smaller than a bitmap of
/// the run, then the bitmap. Most of a large Japanese site's postings belong to tokens in a
/// good share of all sections (です, 転職); as lists they were a hundred megabytes written
/// and regrown, as bitmaps an eighth of that. The newest document is also kept in the map
/// entry itself: a token seen again in the same section is recognised without touching the
/// list or bitmap, which lies elsewhere in memory. The entry is kept small (marks packed into
/// the list, which a bitmap reuses) because the hash table of a run holds one per distinct
/// token, and every add touches it.
pub(super) struct Ids {
    /// The newest document ([`NONE`] before the first) and its mark: a token seen again in
    /// the same section with a mark no stronger (the usual case: a section's texts come
    /// strongest first) is recognised from the entry alone.
    last: u32,
    last_mark: Mark,
    /// While a bitmap: the bits of the 64 documents around `last`, whose word of `bits` stays
    /// zero meanwhile. Most adds land in the word the entry already holds, so the bitmap, a
    /// cache miss away, is written once per word (a plain store) instead of read and written
    /// at every add. [`Postings::seal`] stores the last word.
    word: u64,
    /// Each entry packed by [`packed`]: while a list, every document with its mark; once a
    /// bitmap, only the documents where the token is in a heading or title (few, and the
    /// ones ranking needs most).
    pub(super) list: Vec<u32>,
    /// One bit per document of the run; empty while the token is a list.
    pub(super) bits: Box<[u64]>,
}

/// [`Ids::last`] before any document.
const NONE: u32 = u32::MAX;

impl Default for Ids {
    fn default() -> Self {
        Ids { last: NONE, last_mark: TEXT, word: 0, list: Vec::new(), bits: Box::default() }
    }
}

/// A list entry: the document id and its mark in the two low bits (marks are below four).
#[inline(always)]
pub(super) fn packed(doc: u32, mark: Mark) -> u32 {
    (doc << 2) | u32::from(mark)
}

/// The document id and mark of a list entry.
#[inline(always)]
pub(super) fn unpacked(v: u32) -> (u32, Mark) {
    (v >> 2, (v & 3) as Mark)
}

impl Ids {
    /// Adds `doc`, no older than any before it. A bitmap takes it into the entry's word without
    /// asking whether it is there (setting a bit twice is harmless, and a branch that goes
    /// either way half the time costs more than the store); a list appends it unless it is
    /// already the newest.
    #[inline(always)]
    pub(super) fn add(&mut self, doc: u32, mark: Mark, run: &std::ops::Range<u32>) {
        if !self.bits.is_empty() {
            // A token seen again in the same section has its bit set already.
            if self.last != doc {
                let (at, held) = ((doc - run.start) / 64, (self.last - run.start) / 64);
                if at != held {
                    self.bits[held as usize] = std::mem::take(&mut self.word);
                }
                self.word |= 1 << ((doc - run.start) % 64);
                self.last = doc;
            }
            if mark >= HEADING {
                self.add_strong(doc, mark);
            }
            return;
        }
        if self.last != doc {
            self.push(doc, mark, run);
        } else if mark > self.last_mark {
            self.last_mark = combine(self.last_mark, mark);
            if let Some(v) = self.list.last_mut() {
                *v = packed(doc, self.last_mark);
            }
        }
    }

    /// Records a heading or title mark of a bitmap's document.
    fn add_strong(&mut self, doc: u32, mark: Mark) {
        match self.list.last_mut() {
            Some(v) if unpacked(*v).0 == doc => *v = packed(doc, combine(unpacked(*v).1, mark)),
            _ => self.list.push(packed(doc, mark)),
        }
    }

    /// Appends `doc`, newer than any in the list, and turns the list into a bitmap once that is
    /// smaller.
    #[inline(always)]
    pub(super) fn push(&mut self, doc: u32, mark: Mark, run: &std::ops::Range<u32>) {
        self.last = doc;
        self.last_mark = mark;
        self.list.push(packed(doc, mark));
        // A list of n ids takes 32n bits, the bitmap one per document.
        if self.list.len() * 32 >= (run.len()).max(1024) {
            self.make_bitmap(doc, run);
        }
    }

    /// Turns the list, whose newest document is `doc`, into a bitmap (once a token's life, so
    /// out of line).
    #[cold]
    fn make_bitmap(&mut self, doc: u32, run: &std::ops::Range<u32>) {
        self.bits = vec![0; run.len().div_ceil(64)].into_boxed_slice();
        let all = std::mem::take(&mut self.list);
        for v in all {
            let (d, m) = unpacked(v);
            set_bit(&mut self.bits, d - run.start);
            if m >= HEADING {
                self.list.push(v);
            }
        }
        self.word = std::mem::take(&mut self.bits[((doc - run.start) / 64) as usize]);
    }

    /// Stores the word [`Ids::add`] holds into the bitmap: before the bitmap is read, after the
    /// last add.
    fn seal(&mut self, run: &std::ops::Range<u32>) {
        if !self.bits.is_empty() {
            self.bits[((self.last - run.start) / 64) as usize] |= std::mem::take(&mut self.word);
        }
    }

    /// How many documents the token is in.
    pub(super) fn count(&self) -> usize {
        if self.bits.is_empty() {
            self.list.len()
        } else {
            self.bits.iter().map(|w| w.count_ones() as usize).sum()
        }
    }

    /// Moves the token's documents `by` ids later (a run placed after others). List entries
    /// move (documents, or a bitmap's heading and title documents); bitmap bits count from
    /// the run's start and stay.
    pub(super) fn shift(&mut self, by: u32) {
        self.list.iter_mut().for_each(|v| *v += by << 2);
    }

    /// The heading and title documents of a bitmap, in order, with their marks.
    fn strong(&self) -> impl Iterator<Item = (u32, Mark)> + '_ {
        self.list.iter().copied().map(unpacked)
    }
}

impl Postings {
    /// Empty postings for a run's documents.
    pub(super) fn new(docs: std::ops::Range<u32>) -> Self {
        Postings { cjk: HashMap::default(), words: HashMap::default(), docs }
    }

    /// Completes the bitmaps once every document is added ([`Ids::seal`]): the postings are then
    /// ready to be read and merged.
    pub(super) fn seal(&mut self) {
        for ids in self.cjk.values_mut().chain(self.words.values_mut()) {
            ids.seal(&self.docs);
        }
    }

    /// Adds document `doc`, the newest so far, to the lists of the tokens in its texts. A list
    /// that already ends with `doc` has it: one hash lookup per token, no set of seen tokens.
    /// (The order in which different tokens are added does not matter: each token's documents
    /// are kept apart.)
    pub(super) fn add_texts(&mut self, doc: u32, texts: &[&str]) {
        for (k, text) in texts.iter().enumerate() {
            scan(text, Adding { postings: self, doc, mark: field_mark(k) });
        }
    }

    /// Adds document `doc` to the lists of its distinct tokens.
    pub(super) fn add<'w>(&mut self, doc: u32, cjk: &[u64], words: impl Iterator<Item = (&'w str, Mark)>) {
        for &word in cjk {
            let (t, m) = super::split_mark(word);
            self.add_cjk(doc, t, m);
        }
        for (w, m) in words {
            self.add_word(doc, w, m);
        }
    }

    /// Adds `doc`, the newest document so far, to a CJK token's list unless it is there.
    #[inline(always)]
    pub(super) fn add_cjk(&mut self, doc: u32, t: u64, mark: Mark) {
        self.cjk.entry(t).or_default().add(doc, mark, &self.docs);
    }

    /// Adds `doc`, the newest document so far, to a word's list unless it is there.
    pub(super) fn add_word(&mut self, doc: u32, w: &str, mark: Mark) {
        match self.words.get_mut(w) {
            Some(list) => list.add(doc, mark, &self.docs),
            None => {
                let mut ids = Ids::default();
                ids.add(doc, mark, &self.docs);
                self.words.insert(Box::from(w), ids);
            }
        }
    }
}

/// Tokens of one text of a document going straight into the postings, each add inlined into
/// the scan: no call and no buffer per token.
struct Adding<'p> {
    postings: &'p mut Postings,
    doc: u32,
    mark: Mark,
}

impl TokenSink<'_> for Adding<'_> {
    #[inline(always)]
    fn cjk(&mut self, t: u64) {
        self.postings.add_cjk(self.doc, t, self.mark);
    }
    #[inline(always)]
    fn word(&mut self, w: &str) {
        self.postings.add_word(self.doc, w, self.mark);
    }
}

/// Sets bit `i` of a bitmap held in 64-bit words.
#[inline(always)]
pub(super) fn set_bit(words: &mut [u64], i: u32) {
    words[i as usize / 64] |= 1 << (i % 64);
}

/// Postings of a run of pages.
pub(super) fn postings_of(pages: &[PageIndex], docs: std::ops::Range<u32>) -> Postings {
    let mut map = Postings::new(docs.clone());
    for (doc, (_, toks)) in docs.zip(pages.iter().flat_map(|p| p.0.iter())) {
        map.add(doc, &toks.cjk, toks.words.iter().map(|(w, m)| (&**w, *m)));
    }
    map.seal();
    map
}

/// Sorted documents with their marks.
pub(super) type Marked = Vec<(u32, Mark)>;

/// One token's documents over the whole site, gathered from the runs' postings.
pub(super) enum Merged {
    /// Sorted document ids with their marks, each [`packed`] (as the runs' lists hold them, so
    /// most are copied whole).
    Ids(Vec<u32>),
    /// A bitmap file's bytes (document `d` is bit `d % 8` of byte `d / 8`), and the documents
    /// where the token is in a heading or title, with their marks.
    Bitmap(Vec<u8>, Marked),
}

/// Gathers one token's postings from consecutive runs (in order) into a list, or into a bitmap
/// when it is in more than [`BIG_POSTINGS`] documents.
pub(super) fn merge(parts: &[(&Ids, u32)], total_docs: usize) -> Merged {
    let count: usize = parts.iter().map(|(ids, _)| ids.count()).sum();
    if count > BIG_POSTINGS {
        let mut words = vec![0u64; total_docs.div_ceil(64) + 1];
        let mut strong = Vec::new();
        for &(ids, start) in parts {
            if ids.bits.is_empty() {
                for (d, m) in ids.list.iter().copied().map(unpacked) {
                    set_bit(&mut words, d);
                    if m >= HEADING {
                        strong.push((d, m));
                    }
                }
                continue;
            }
            strong.extend(ids.strong());
            // The run's bitmap, shifted to where its first document is.
            let (at, shift) = (start as usize / 64, start % 64);
            for (k, &w) in ids.bits.iter().enumerate() {
                words[at + k] |= w << shift;
                if shift > 0 {
                    words[at + k + 1] |= w >> (64 - shift);
                }
            }
        }
        let mut bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        bytes.truncate(total_docs.div_ceil(8));
        return Merged::Bitmap(bytes, strong);
    }
    let mut out = Vec::with_capacity(count);
    for &(ids, start) in parts {
        if ids.bits.is_empty() {
            out.extend_from_slice(&ids.list);
            continue;
        }
        // A run's bitmap keeps only its heading and title marks; the rest are text.
        let mut strong = ids.strong().peekable();
        for (k, &w) in ids.bits.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                let d = start + 64 * k as u32 + w.trailing_zeros();
                let mark = strong.next_if(|s| s.0 == d).map_or(TEXT, |s| s.1);
                out.push(packed(d, mark));
                w &= w - 1;
            }
        }
    }
    Merged::Ids(out)
}

/// Appends `v` as an unsigned LEB128 varint: seven bits a byte, low first, the high bit set on
/// every byte but the last.
pub(super) fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v & 0x7F) as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Sorted ids as differences from the previous one (small numbers, short JSON), each times four
/// plus its mark.
pub(super) fn delta_encode(ids: Marked) -> Vec<u32> {
    let mut packed_ids: Vec<u32> = ids.into_iter().map(|(d, m)| packed(d, m)).collect();
    delta_encode_packed(&mut packed_ids);
    packed_ids
}

/// [`delta_encode`] in place, for ids already [`packed`] with their marks.
pub(super) fn delta_encode_packed(ids: &mut [u32]) {
    let mut prev = 0;
    for v in ids {
        let (d, m) = unpacked(*v);
        *v = packed(d - prev, m);
        prev = d;
    }
}
