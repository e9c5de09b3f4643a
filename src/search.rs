//! The search index: character bigrams for Japanese, words for Latin text, per section.
//!
//! Japanese has no spaces, so a word index cannot find Japanese words (mdBook's search) and a
//! dictionary segmenter is large and can split indexer and query differently (Pagefind #1237).
//! Character bigrams need no dictionary and cannot disagree with themselves: the browser runs
//! the same normalization and tokenization on the query (see the theme's `search.js`).
//!
//! Layout under `search/`: `meta.json` (counts), token shards `s/…/<N>.json` (a token lives in
//! the shard chosen by its first character, so prefix and one-character queries need one shard),
//! bitmaps of very common tokens `t/…/<N>.bin`, and document chunks `d/…/<N>.json` (URL, page
//! title, heading); see [`file_name`]. The index holds no page text: the browser checks its best candidates against the
//! pages themselves (which it would fetch anyway when the reader opens one) and cuts snippets
//! from them. Storing the text again would more than double a large site's output.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use serde::{Serialize, Serializer};

use crate::markdown::Rendered;
use crate::output::OutputFile;
use crate::text::chars::{is_cjk, is_punctuation};
use crate::text::normalize::normalize;

/// Documents per `d<N>.json` chunk.
pub const DOC_CHUNK: usize = 100;

/// An index token as the indexer sees it: one or two CJK characters packed in a u64 (no
/// allocation), or a word of other text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Cjk(u64),
    Word(&'a str),
}

fn pack(a: char, b: Option<char>) -> u64 {
    ((a as u64) << 32) | b.map_or(0, |c| c as u64)
}

fn unpack(v: u64) -> String {
    [(v >> 32) as u32, (v & 0xffff_ffff) as u32].into_iter().filter(|&c| c != 0).filter_map(char::from_u32).collect()
}

/// Index tokens of normalized text, in text order: bigrams of CJK runs (a lone CJK character is
/// its own token) and alphanumeric words of other text.
fn scan<'a>(norm: &'a str, mut emit: impl FnMut(Token<'a>)) {
    let mut word_start: Option<usize> = None;
    let mut prev: Option<char> = None; // last character of the current CJK run
    let mut run = 0usize;
    for (i, c) in norm.char_indices() {
        // Kana and kanji (but the middle dot ・) are CJK letters: one range test for most of a
        // Japanese text instead of the general ones below.
        let letter = matches!(c, '\u{3040}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}');
        let cjk_range = letter || (!c.is_ascii() && is_cjk(c));
        let cjk = letter || (cjk_range && !is_punctuation(c));
        if cjk {
            if let Some(s) = word_start.take() {
                emit(Token::Word(&norm[s..i]));
            }
            if let Some(p) = prev {
                emit(Token::Cjk(pack(p, Some(c))));
            }
            prev = Some(c);
            run += 1;
            continue;
        }
        if let (1, Some(p)) = (run, prev) {
            emit(Token::Cjk(pack(p, None)));
        }
        prev = None;
        run = 0;
        // CJK punctuation (、。「」) is never alphanumeric: no Unicode table lookup for it.
        if c.is_ascii_alphanumeric() || (!c.is_ascii() && !cjk_range && c.is_alphanumeric()) {
            word_start.get_or_insert(i);
        } else if let Some(s) = word_start.take() {
            emit(Token::Word(&norm[s..i]));
        }
    }
    if let Some(s) = word_start {
        emit(Token::Word(&norm[s..]));
    }
    if let (1, Some(p)) = (run, prev) {
        emit(Token::Cjk(pack(p, None)));
    }
}

/// The index tokens of a text, normalized first (what `search.js` computes for a query).
pub fn tokens(text: &str) -> Vec<String> {
    let norm = normalize(text);
    let mut out = Vec::new();
    scan(&norm, |t| {
        out.push(match t {
            Token::Cjk(v) => unpack(v),
            Token::Word(w) => w.to_string(),
        })
    });
    out
}

/// 32-bit FNV-1a (the same function is in search.js).
pub fn token_hash(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.as_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard a token lives in: chosen by its first character, so prefix and one-character
/// queries need one shard.
pub fn shard_of(token: &str, shards: usize) -> usize {
    let mut buf = [0u8; 4];
    let first = token.chars().next().map_or("", |c| c.encode_utf8(&mut buf));
    (token_hash(first) as usize) % shards
}

/// Tokens in more sections than this are stored as a bitmap in a file of their own
/// (`search/t/…/<N>.bin`, one bit per section), which is smaller than their id list.
pub const BIG_POSTINGS: usize = 2000;

/// One searchable section as stored in a document chunk: [url, page title, heading].
pub type DocRow = (String, String, String);

#[derive(Serialize)]
struct Meta {
    version: u32,
    shards: usize,
    chunk: usize,
    docs: usize,
}

/// One section's distinct tokens: packed CJK tokens (in first-seen order) and words (sorted).
#[derive(Clone, Default)]
struct SectionTokens {
    cjk: Vec<u64>,
    words: Vec<Box<str>>,
}

/// One page's share of the index: its sections as document rows, each with its distinct tokens.
/// Computed per page (in parallel, and cached by `serve` for unchanged pages); cloning is cheap.
#[derive(Clone, Default)]
pub struct PageIndex(Arc<Vec<(DocRow, SectionTokens)>>);

impl PageIndex {
    /// Whether both are the very same index (a clone of one another).
    pub fn shares(&self, other: &PageIndex) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The sections a page is indexed as: its own, or one empty section for a page without text.
fn sections_of(r: &Rendered) -> &[crate::markdown::Section] {
    static EMPTY: [crate::markdown::Section; 1] =
        [crate::markdown::Section { id: String::new(), title: String::new(), text: String::new(), normalized: true }];
    if r.sections.is_empty() {
        &EMPTY[..]
    } else {
        &r.sections[..]
    }
}

/// Calls `f` with each section of a page: its document row and its normalized texts. The page
/// title is indexed with the first section only, so it ranks the page once.
fn each_section(title: &str, url: &str, r: &Rendered, mut f: impl FnMut(DocRow, &[&str])) {
    let title = (title, normalize(title));
    for (k, sec) in sections_of(r).iter().enumerate() {
        let url = if sec.id.is_empty() { url.to_string() } else { format!("{url}#{}", sec.id) };
        let text = if sec.normalized { Cow::Borrowed(&*sec.text) } else { normalize(&sec.text) };
        let parts = [normalize(&sec.title), text];
        // The title only with the first section (an empty text has no tokens).
        let texts = [if k == 0 { &*title.1 } else { "" }, &*parts[0], &*parts[1]];
        f((url, title.0.to_string(), sec.title.clone()), &texts);
    }
}

/// Reusable buffers for [`distinct_tokens`] (one per thread of work).
#[derive(Default)]
struct Scratch {
    cjk: Vec<u64>,
    seen: std::collections::HashSet<u64, PairHash>,
}

/// Fills `scratch.cjk` and `words` (cleared first) with the distinct tokens of normalized
/// texts, CJK tokens in first-seen order. A reused hash set is cheaper than sorting them
/// (a tenth of a large build's search stage).
fn distinct_tokens<'t>(parts: &[&'t str], scratch: &mut Scratch, words: &mut Vec<&'t str>) {
    let Scratch { cjk, seen } = scratch;
    cjk.clear();
    seen.clear();
    words.clear();
    for part in parts {
        scan(part, |t| match t {
            Token::Cjk(v) => {
                if seen.insert(v) {
                    cjk.push(v);
                }
            }
            Token::Word(w) => words.push(w),
        });
    }
    words.sort_unstable();
    words.dedup();
}

/// Tokenizes one page (its URL already carries the base path).
pub fn page_index(title: &str, url: &str, r: &Rendered) -> PageIndex {
    let mut out = Vec::with_capacity(r.sections.len().max(1));
    let mut scratch = Scratch::default();
    each_section(title, url, r, |row, texts| {
        let mut words = Vec::new();
        distinct_tokens(texts, &mut scratch, &mut words);
        let words = words.iter().map(|w| Box::from(*w)).collect();
        out.push((row, SectionTokens { cjk: scratch.cjk.clone(), words }));
    });
    PageIndex(Arc::new(out))
}

/// A site's index with every page tokenized but the files not yet assembled. `serve` keeps it
/// and assembles the files when a browser first asks for one, so an edit is served without
/// waiting for the whole index (the longest part of a rebuild on a large site).
#[derive(Clone, Default)]
pub struct Deferred(Arc<Vec<PageIndex>>);

impl Deferred {
    /// Keeps the pages' shares (in reading order).
    pub fn new(per_page: Vec<PageIndex>) -> Self {
        Deferred(Arc::new(per_page))
    }

    /// The index files, as a full build writes them.
    pub fn files(&self) -> Vec<OutputFile> {
        assemble(&self.0)
    }
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Deferred({} pages)", self.0.len())
    }
}

/// The index files for pages already rendered (URLs already carry the base path), the way a
/// one-off build makes them run by run within its Markdown stage ([`RunIndex`]): for tests.
#[cfg(test)]
pub(crate) fn build_index(titles: &[&str], urls: &[String], rendered: &[Arc<Rendered>]) -> Vec<OutputFile> {
    let runs: Vec<RunIndex> = page_runs(rendered.len())
        .into_par_iter()
        .map(|run| {
            let pages: Vec<(&str, &str, &Rendered)> =
                run.map(|i| (titles[i], urls[i].as_str(), &*rendered[i])).collect();
            RunIndex::new(&pages)
        })
        .collect();
    finish_runs(runs)
}

/// Most pages in a run of [`page_runs`]: with runs of 256 pages, merging the postings of the
/// forty runs of a 10,000-page site cost 55 ms more than with two.
const RUN_PAGES: usize = 1024;

/// Runs per thread at least, so that the runs a parallel pass takes last leave little idle
/// time: in one run of 1,000 pages, a 1,000-page build rendered its Markdown on one core.
const RUNS_PER_THREAD: usize = 4;

/// Splits pages into contiguous runs for [`RunIndex`] (in reading order).
pub fn page_runs(pages: usize) -> Vec<std::ops::Range<usize>> {
    let per_run = pages.div_ceil(rayon::current_num_threads() * RUNS_PER_THREAD).clamp(16, RUN_PAGES);
    (0..pages).step_by(per_run).map(|start| start..(start + per_run).min(pages)).collect()
}

/// The postings and document rows of a run of consecutive pages, document ids counted from the
/// run's first section. A one-off build tokenizes each run as soon as its Markdown is rendered,
/// so the sections' text can be dropped right after instead of being kept for a search stage
/// (120 MB at 10,000 pages); [`finish_runs`] puts the runs together.
pub struct RunIndex {
    map: Postings,
    rows: Vec<DocRow>,
}

impl RunIndex {
    /// Tokenizes pages given as (title, URL with base path, rendered page), in reading order.
    pub fn new(pages: &[(&str, &str, &Rendered)]) -> Self {
        let docs: u32 = pages.iter().map(|(_, _, r)| sections_of(r).len() as u32).sum();
        let mut map = Postings::new(0..docs);
        let mut rows = Vec::with_capacity(docs as usize);
        let mut doc = 0;
        for (title, url, r) in pages {
            each_section(title, url, r, |row, texts| {
                map.add_texts(doc, texts);
                rows.push(row);
                doc += 1;
            });
        }
        RunIndex { map, rows }
    }
}

/// Renders every page's Markdown with `render` and tokenizes each run of pages for search as
/// soon as it is rendered, then drops the sections' text (a one-off build needs it no more).
pub(crate) fn render_and_index(
    content: &crate::content::Content,
    urls: &[String],
    render: impl Fn(&crate::content::Page) -> Rendered + Sync,
) -> (Vec<Arc<Rendered>>, Vec<RunIndex>) {
    let runs: Vec<(Vec<Arc<Rendered>>, RunIndex)> = page_runs(content.pages.len())
        .into_par_iter()
        .map(|run| {
            let mut pages: Vec<Rendered> = content.pages[run.clone()].iter().map(&render).collect();
            let shown: Vec<(&str, &str, &Rendered)> = run
                .clone()
                .zip(&pages)
                .map(|(i, r)| (content.pages[i].fm.title.as_str(), urls[i].as_str(), r))
                .collect();
            let index = RunIndex::new(&shown);
            drop(shown);
            for s in pages.iter_mut().flat_map(|r| r.sections.iter_mut()) {
                s.text = String::new();
            }
            (pages.into_iter().map(Arc::new).collect(), index)
        })
        .collect();
    let mut all = Vec::with_capacity(content.pages.len());
    let mut index_runs = Vec::with_capacity(runs.len());
    for (pages, index) in runs {
        all.extend(pages);
        index_runs.push(index);
    }
    (all, index_runs)
}
/// The index files from runs given in reading order.
pub fn finish_runs(runs: Vec<RunIndex>) -> Vec<OutputFile> {
    let mut maps = Vec::with_capacity(runs.len());
    let mut rows = Vec::with_capacity(runs.len());
    let mut offset = 0u32;
    for RunIndex { mut map, rows: run_rows } in runs {
        // Lists hold document ids, bitmaps bits from the run's start: only lists move.
        let n = map.docs.len() as u32;
        if offset > 0 {
            for ids in map.cjk.values_mut().chain(map.words.values_mut()) {
                ids.list.iter_mut().for_each(|d| *d += offset);
            }
        }
        map.docs = offset..offset + n;
        offset += n;
        maps.push(map);
        rows.push(run_rows);
    }
    let docs: Vec<&DocRow> = rows.iter().flatten().collect();
    finish(maps, &docs)
}

/// A run of consecutive pages: which pages, and the documents (sections) they hold.
struct Run {
    pages: std::ops::Range<usize>,
    docs: std::ops::Range<u32>,
}

/// Splits pages into contiguous runs, one per thread (at most 8), with each run's document
/// ids: postings built over runs in parallel and concatenated in order stay sorted.
fn runs_of(pages: usize, docs_of: impl Fn(usize) -> u32) -> Vec<Run> {
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
struct Postings {
    cjk: HashMap<u64, Ids, PairHash>,
    words: HashMap<Box<str>, Ids, ahash::RandomState>,
    /// The run's documents: bitmaps cover exactly these.
    docs: std::ops::Range<u32>,
}

/// Hashes a packed CJK token with one multiplication, folded so that every bit of the key
/// reaches the bits hashbrown uses (ahash's two rounds took 8% of tokenizing). Keys come
/// from the site's own text, so there is no adversary to randomize against.
#[derive(Default)]
struct PairHasher(u64);

/// Builds [`PairHasher`]s.
type PairHash = std::hash::BuildHasherDefault<PairHasher>;

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
/// list or bitmap, which lies elsewhere in memory.
#[derive(Default)]
struct Ids {
    last: Option<u32>,
    list: Vec<u32>,
    /// One bit per document of the run (empty while the token is a list).
    bits: Vec<u64>,
}

impl Ids {
    /// Adds `doc`, no older than any before it. A bitmap takes it without asking whether it is
    /// there (setting a bit twice is harmless, and a branch that goes either way half the time
    /// costs more than the store); a list appends it unless it is already the newest.
    #[inline(always)]
    fn add(&mut self, doc: u32, run: &std::ops::Range<u32>) {
        if !self.bits.is_empty() {
            set_bit(&mut self.bits, doc - run.start);
            return;
        }
        if self.last != Some(doc) {
            self.push(doc, run);
        }
    }

    /// Appends `doc`, newer than any in the list, and turns the list into a bitmap once that is
    /// smaller.
    fn push(&mut self, doc: u32, run: &std::ops::Range<u32>) {
        self.last = Some(doc);
        self.list.push(doc);
        // A list of n ids takes 32n bits, the bitmap one per document.
        if self.list.len() * 32 >= (run.len()).max(1024) {
            self.bits = vec![0; run.len().div_ceil(64)];
            for d in std::mem::take(&mut self.list) {
                set_bit(&mut self.bits, d - run.start);
            }
        }
    }

    /// How many documents the token is in.
    fn count(&self) -> usize {
        self.list.len() + self.bits.iter().map(|w| w.count_ones() as usize).sum::<usize>()
    }
}

impl Postings {
    /// Empty postings for a run's documents.
    fn new(docs: std::ops::Range<u32>) -> Self {
        Postings { cjk: HashMap::default(), words: HashMap::default(), docs }
    }

    /// Adds document `doc`, the newest so far, to the lists of the tokens in its texts. A list
    /// that already ends with `doc` has it: one hash lookup per token, no set of seen tokens.
    fn add_texts(&mut self, doc: u32, texts: &[&str]) {
        for text in texts {
            scan(text, |t| match t {
                Token::Cjk(v) => self.add_cjk(doc, v),
                Token::Word(w) => self.add_word(doc, w),
            });
        }
    }

    /// Adds document `doc` to the lists of its distinct tokens.
    fn add<'w>(&mut self, doc: u32, cjk: &[u64], words: impl Iterator<Item = &'w str>) {
        for &t in cjk {
            self.add_cjk(doc, t);
        }
        for w in words {
            self.add_word(doc, w);
        }
    }

    /// Adds `doc`, the newest document so far, to a CJK token's list unless it is there.
    fn add_cjk(&mut self, doc: u32, t: u64) {
        self.cjk.entry(t).or_default().add(doc, &self.docs);
    }

    /// Adds `doc`, the newest document so far, to a word's list unless it is there.
    fn add_word(&mut self, doc: u32, w: &str) {
        match self.words.get_mut(w) {
            Some(list) => list.add(doc, &self.docs),
            None => {
                let mut ids = Ids::default();
                ids.add(doc, &self.docs);
                self.words.insert(Box::from(w), ids);
            }
        }
    }
}

/// Sets bit `i` of a bitmap held in 64-bit words.
#[inline(always)]
fn set_bit(words: &mut [u64], i: u32) {
    words[i as usize / 64] |= 1 << (i % 64);
}

/// Postings of a run of pages.
fn postings_of(pages: &[PageIndex], docs: std::ops::Range<u32>) -> Postings {
    let mut map = Postings::new(docs.clone());
    for (doc, (_, toks)) in docs.zip(pages.iter().flat_map(|p| p.0.iter())) {
        map.add(doc, &toks.cjk, toks.words.iter().map(|w| &**w));
    }
    map
}

/// One token's documents over the whole site, gathered from the runs' postings.
enum Merged {
    /// Sorted document ids.
    Ids(Vec<u32>),
    /// A bitmap file's bytes: document `d` is bit `d % 8` of byte `d / 8`.
    Bitmap(Vec<u8>),
}

/// Gathers one token's postings from consecutive runs (in order) into a list, or into a bitmap
/// when it is in more than [`BIG_POSTINGS`] documents.
fn merge(parts: &[(&Ids, u32)], total_docs: usize) -> Merged {
    let count: usize = parts.iter().map(|(ids, _)| ids.count()).sum();
    if count > BIG_POSTINGS {
        let mut words = vec![0u64; total_docs.div_ceil(64) + 1];
        for &(ids, start) in parts {
            for &d in &ids.list {
                set_bit(&mut words, d);
            }
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
        return Merged::Bitmap(bytes);
    }
    let mut out = Vec::with_capacity(count);
    for &(ids, start) in parts {
        out.extend_from_slice(&ids.list);
        for (k, &w) in ids.bits.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                out.push(start + 64 * k as u32 + w.trailing_zeros());
                w &= w - 1;
            }
        }
    }
    Merged::Ids(out)
}

/// A shard entry: the delta-encoded list of document ids, or the name of a bitmap file.
#[derive(Serialize)]
#[serde(untagged)]
enum Entry {
    Deltas(Vec<u32>),
    Bitmap(String),
}

/// A shard, serialized as a JSON object in key order.
struct Shard(Vec<(String, Entry)>);

impl Serialize for Shard {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Merges the pages' shares (in reading order) into the index files.
pub fn assemble(per_page: &[PageIndex]) -> Vec<OutputFile> {
    let runs = runs_of(per_page.len(), |i| per_page[i].0.len() as u32);
    let maps: Vec<Postings> = runs.into_par_iter().map(|run| postings_of(&per_page[run.pages], run.docs)).collect();
    let docs: Vec<&DocRow> = per_page.iter().flat_map(|p| p.0.iter().map(|(row, _)| row)).collect();
    finish(maps, &docs)
}

/// The index files from the postings of consecutive runs and every document row.
fn finish(maps: Vec<Postings>, docs: &[&DocRow]) -> Vec<OutputFile> {
    let total_docs = docs.len();
    // Each token's parts, in run order (the maps come in run order).
    let mut by_token: HashMap<Cow<'_, str>, Vec<(&Ids, u32)>, ahash::RandomState> = HashMap::default();
    for m in &maps {
        for (t, ids) in &m.cjk {
            by_token.entry(Cow::Owned(unpack(*t))).or_default().push((ids, m.docs.start));
        }
        for (w, ids) in &m.words {
            by_token.entry(Cow::Borrowed(&**w)).or_default().push((ids, m.docs.start));
        }
    }
    let merged: Vec<(String, Merged)> =
        by_token.into_par_iter().map(|(key, parts)| (key.into_owned(), merge(&parts, total_docs))).collect();
    drop(maps);
    // Tokens in many sections (転職 in a big corpus) get a bitmap file of their own, so a shard
    // holding them does not become megabytes.
    let mut big: Vec<(String, Vec<u8>)> = Vec::new();
    let mut small: Vec<(String, Vec<u32>)> = Vec::new();
    let mut small_entries = 0usize;
    for (key, m) in merged {
        match m {
            Merged::Bitmap(bits) => big.push((key, bits)),
            Merged::Ids(ids) => {
                small_entries += ids.len();
                small.push((key, ids));
            }
        }
    }
    big.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // About 30,000 postings (~100 KB) per shard on large sites; small sites get one shard.
    let shards = (small_entries / 30_000 + 1).next_power_of_two().min(4096);
    let mut shard_lists: Vec<Vec<(String, Entry)>> = (0..shards).map(|_| Vec::new()).collect();
    for (key, ids) in small {
        let n = shard_of(&key, shards);
        shard_lists[n].push((key, Entry::Deltas(delta_encode(ids))));
    }
    for (n, (key, _)) in big.iter_mut().enumerate() {
        shard_lists[shard_of(key, shards)].push((std::mem::take(key), Entry::Bitmap(file_name("t", n, "bin"))));
    }
    let mut files = Vec::with_capacity(shards + big.len() + total_docs / DOC_CHUNK + 2);
    let meta = Meta { version: 2, shards, chunk: DOC_CHUNK, docs: total_docs };
    files.push(OutputFile {
        path: "search/meta.json".into(),
        data: serde_json::to_vec(&meta).unwrap_or_default().into(),
    });
    let shard_files: Vec<OutputFile> = shard_lists
        .into_par_iter()
        .enumerate()
        .map(|(n, mut list)| {
            list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            OutputFile {
                path: format!("search/{}", file_name("s", n, "json")),
                data: serde_json::to_vec(&Shard(list)).unwrap_or_default().into(),
            }
        })
        .collect();
    files.extend(shard_files);
    let bitmaps: Vec<OutputFile> = big
        .into_par_iter()
        .enumerate()
        .map(|(n, (_, bits))| OutputFile { path: format!("search/{}", file_name("t", n, "bin")), data: bits.into() })
        .collect();
    files.extend(bitmaps);
    let chunks: Vec<OutputFile> = docs
        .par_chunks(DOC_CHUNK)
        .enumerate()
        .map(|(n, chunk)| OutputFile {
            path: format!("search/{}", file_name("d", n, "json")),
            data: serde_json::to_vec(chunk).unwrap_or_default().into(),
        })
        .collect();
    files.extend(chunks);
    files
}

/// Files per folder of the index.
pub const FOLDER_FILES: usize = 64;

/// Path under `search/` of file `n` of a kind (`s` shards, `t` bitmaps, `d` document chunks):
/// `d/3/200.json`. At most [`FOLDER_FILES`] files share a folder (search.js computes the same).
///
/// Why folders: a large site has thousands of index files, and some file systems (ext4 without
/// a journal) make creating many files in one folder quadratic right after the previous output
/// was deleted, because they scan past every recently freed inode of the folder's block group.
/// Small folders each land in their own group. It also keeps listings short for deploy tools.
pub fn file_name(kind: &str, n: usize, ext: &str) -> String {
    format!("{kind}/{}/{n}.{ext}", n / FOLDER_FILES)
}

/// Sorted ids as differences from the previous one: small numbers, short JSON.
fn delta_encode(ids: Vec<u32>) -> Vec<u32> {
    let mut prev = 0;
    ids.into_iter()
        .map(|d| {
            let v = d - prev;
            prev = d;
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Section;
    use std::collections::{BTreeMap, HashSet};

    fn toks(s: &str) -> Vec<String> {
        tokens(s)
    }

    #[test]
    fn japanese_is_split_into_bigrams_and_latin_into_words() {
        assert_eq!(toks("転職活動"), ["転職", "職活", "活動"]);
        assert_eq!(toks("謝罪、Agent の件"), ["謝罪", "agent", "の件"]);
        assert_eq!(toks("本"), ["本"]);
        // The middle dot is punctuation inside the kana block: it splits runs, like 、 does.
        assert_eq!(toks("転職・退職"), ["転職", "退職"]);
        assert_eq!(toks("カタカナー語"), ["カタ", "タカ", "カナ", "ナー", "ー語"]);
    }

    #[test]
    fn full_width_and_half_width_forms_are_folded() {
        assert_eq!(toks("ＡＢＣ　ｶﾞｲﾄﾞ"), ["abc", "ガイ", "イド"]);
    }

    #[test]
    fn index_finds_sections_by_bigram_and_shards_by_first_character() {
        let r = Rendered {
            sections: vec![
                Section {
                    id: String::new(), title: String::new(), text: "はじめの文章".into(), normalized: false
                },
                Section {
                    id: "謝罪".into(), title: "謝罪する".into(), text: "正直に伝える".into(), normalized: false
                },
            ],
            ..Default::default()
        };
        let files = build_index(&["対処法"], &["/remedies/".to_string()], &[Arc::new(r)]);
        let meta: serde_json::Value = serde_json::from_slice(&files[0].data).unwrap();
        assert_eq!(meta["docs"], 2);
        let shards = meta["shards"].as_u64().unwrap() as usize;
        let shard = &files[1 + shard_of("謝罪", shards)];
        let map: BTreeMap<String, Vec<u32>> = serde_json::from_slice(&shard.data).unwrap();
        assert_eq!(map["謝罪"], vec![1]);
        let docs: Vec<DocRow> = serde_json::from_slice(&files.last().unwrap().data).unwrap();
        assert_eq!(docs[1].0, "/remedies/#謝罪");
        assert_eq!(docs[1].2, "謝罪する");
    }

    fn page(text: &str, sections: usize) -> Rendered {
        let sections = (0..sections)
            .map(|k| Section { id: format!("s{k}"), title: String::new(), text: text.to_string(), normalized: false })
            .collect();
        Rendered { sections, ..Default::default() }
    }

    #[test]
    fn postings_built_in_parallel_runs_are_complete_and_in_document_order() {
        let pages: Vec<Arc<Rendered>> =
            (0..40).map(|i| Arc::new(page(if i % 3 == 0 { "転職の話" } else { "別の話" }, 2))).collect();
        let titles = vec!["題"; 40];
        let urls: Vec<String> = (0..40).map(|i| format!("/p{i}/")).collect();
        let files = build_index(&titles, &urls, &pages);
        let shards = serde_json::from_slice::<serde_json::Value>(&files[0].data).unwrap()["shards"].as_u64().unwrap();
        let shard = &files[1 + shard_of("転職", shards as usize)];
        let map: BTreeMap<String, Vec<u32>> = serde_json::from_slice(&shard.data).unwrap();
        let ids: Vec<u32> = map["転職"]
            .iter()
            .scan(0, |acc, d| {
                *acc += d;
                Some(*acc)
            })
            .collect();
        let expected: Vec<u32> = (0..40u32).filter(|i| i % 3 == 0).flat_map(|i| [2 * i, 2 * i + 1]).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn tokenizing_straight_into_postings_gives_the_same_files_as_per_page_shares() {
        let texts = ["転職エージェントに連絡する。連絡は早めに", "Agent への返信、返信の文面", "面接の日程を調整する"];
        let pages: Vec<Arc<Rendered>> = (0..30).map(|i| Arc::new(page(texts[i % 3], 1 + i % 4))).collect();
        let titles: Vec<&str> = (0..30).map(|i| if i % 2 == 0 { "転職の手引き" } else { "返信" }).collect();
        let urls: Vec<String> = (0..30).map(|i| format!("/p{i}/")).collect();
        let streamed = build_index(&titles, &urls, &pages);
        let shares: Vec<PageIndex> = (0..30).map(|i| page_index(titles[i], &urls[i], &pages[i])).collect();
        let assembled = assemble(&shares);
        assert_eq!(streamed.len(), assembled.len());
        for (a, b) in streamed.iter().zip(&assembled) {
            assert_eq!((&a.path, &a.data), (&b.path, &b.data));
        }
    }

    #[test]
    fn page_runs_cover_every_page_in_order_and_give_each_thread_several() {
        let threads = rayon::current_num_threads();
        for pages in [0, 1, 15, 100, 1000, 10_000, 100_000] {
            let runs = page_runs(pages);
            let covered: Vec<usize> = runs.iter().flat_map(|r| r.clone()).collect();
            assert_eq!(covered, (0..pages).collect::<Vec<_>>(), "{pages} pages");
            if pages >= 16 * RUNS_PER_THREAD * threads {
                assert!(runs.len() >= RUNS_PER_THREAD * threads, "{pages} pages in {} runs", runs.len());
            }
            assert!(runs.iter().all(|r| r.len() <= RUN_PAGES));
        }
    }

    #[test]
    fn index_runs_split_anywhere_give_the_same_files() {
        let texts =
            ["転職エージェントに連絡する。連絡は早めに", "Agent への返信、返信の文面", "連絡の面接の日程を調整する"];
        let pages: Vec<Rendered> = (0..60).map(|i| page(texts[i % 3], 1 + i % 4)).collect();
        let urls: Vec<String> = (0..60).map(|i| format!("/p{i}/")).collect();
        let shown: Vec<(&str, &str, &Rendered)> =
            pages.iter().zip(&urls).map(|(r, u)| ("転職の手引き", u.as_str(), r)).collect();
        // Tokens in 32 sections of a run or more become bitmaps there (連絡, in two pages of
        // three, in every run of 25 pages or more), in small runs they stay lists.
        let whole = finish_runs(vec![RunIndex::new(&shown)]);
        for size in [1, 2, 7, 16, 25, 33] {
            let split = finish_runs(shown.chunks(size).map(RunIndex::new).collect());
            assert_eq!(split.len(), whole.len());
            for (a, b) in split.iter().zip(&whole) {
                assert_eq!((&a.path, &a.data), (&b.path, &b.data), "runs of {size} pages");
            }
        }
    }

    #[test]
    fn postings_that_turn_into_bitmaps_merge_to_the_same_documents_across_runs() {
        // Runs whose first documents are not multiples of 64, so run bitmaps are shifted.
        let runs = [0..1500u32, 1500..3100, 3100..5001];
        for (every, big) in [(2u32, true), (3, false)] {
            let docs = |r: &std::ops::Range<u32>| r.clone().filter(|d| d % every == 0 || d % 1000 == 7);
            let maps: Vec<Postings> = runs
                .iter()
                .map(|r| {
                    let mut p = Postings::new(r.clone());
                    for d in docs(r) {
                        p.add_cjk(d, 1);
                        p.add_cjk(d, 1); // seen twice in one section
                    }
                    p
                })
                .collect();
            assert!(maps.iter().all(|m| !m.cjk[&1].bits.is_empty()), "dense postings become bitmaps");
            let expected: Vec<u32> = runs.iter().flat_map(docs).collect();
            let parts: Vec<(&Ids, u32)> = maps.iter().map(|m| (&m.cjk[&1], m.docs.start)).collect();
            match merge(&parts, 5001) {
                Merged::Bitmap(bits) => {
                    assert!(big);
                    assert_eq!(bits.len(), 5001usize.div_ceil(8));
                    let set: Vec<u32> = (0..5001u32).filter(|&d| bits[d as usize / 8] & (1 << (d % 8)) != 0).collect();
                    assert_eq!(set, expected);
                }
                Merged::Ids(ids) => {
                    assert!(!big);
                    assert_eq!(ids, expected);
                }
            }
        }
    }

    #[test]
    fn pair_hashes_spread_bigrams_over_the_bits_a_hash_table_uses() {
        use std::hash::BuildHasher;
        // Every bigram of two kana: 86 × 86 keys that differ only in a few low bits of each half.
        let kana: Vec<char> = ('\u{3041}'..='\u{3096}').collect();
        let keys: Vec<u64> = kana.iter().flat_map(|&a| kana.iter().map(move |&b| pack(a, Some(b)))).collect();
        let hashes: Vec<u64> = keys.iter().map(|k| PairHash::default().hash_one(k)).collect();
        // hashbrown picks the bucket from the low bits and a tag from the top seven.
        let buckets: HashSet<u64> = hashes.iter().map(|h| h & 0xFFF).collect();
        let tags: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        // As many buckets in use as random hashes would fill, within a tenth.
        let random = 4096.0 * (1.0 - (1.0 - 1.0 / 4096.0f64).powi(keys.len() as i32));
        assert!(buckets.len() as f64 > 0.9 * random, "{} of 4096 buckets for {} keys", buckets.len(), keys.len());
        assert_eq!(tags.len(), 128);
    }

    #[test]
    fn very_common_tokens_become_bitmaps() {
        let n = BIG_POSTINGS + 10;
        let r = Rendered {
            sections: (0..n)
                .map(|k| Section {
                    id: format!("s{k}"),
                    title: String::new(),
                    text: if k % 2 == 0 { "ですます".into() } else { "です".into() },
                    normalized: false,
                })
                .collect(),
            ..Default::default()
        };
        let files = build_index(&["x"], &["/a/".to_string()], &[Arc::new(r)]);
        let shards = serde_json::from_slice::<serde_json::Value>(&files[0].data).unwrap()["shards"].as_u64().unwrap();
        let shard: serde_json::Value =
            serde_json::from_slice(&files[1 + shard_of("です", shards as usize)].data).unwrap();
        let name = shard["です"].as_str().expect("a bitmap file name").to_string();
        let bits = &files.iter().find(|f| f.path == format!("search/{name}")).unwrap().data;
        assert_eq!(bits.len(), n.div_ceil(8));
        assert!((0..n).all(|d| bits[d / 8] & (1 << (d % 8)) != 0), "です is in every section");
        // ます is in every other section: fewer than BIG_POSTINGS, so a delta list.
        let shard: serde_json::Value =
            serde_json::from_slice(&files[1 + shard_of("ます", shards as usize)].data).unwrap();
        assert!(shard["ます"].is_array());
    }
}
