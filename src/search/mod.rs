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
//! title, heading); see [`file_name`]. Each posting carries a [`Mark`] (page title, heading or
//! text), so the browser ranks sections from the postings before it reads anything else
//! (docs/dev/search.md has the format). The index holds no page text: the browser cuts the
//! snippets of the results in view from the pages themselves (which it would fetch anyway when
//! the reader opens one). Storing the text again would more than double a large site's output.

pub(crate) mod files;
pub(crate) mod postings;
pub(crate) mod tokenize;

pub(crate) use files::assemble;
use files::finish;
pub use files::{file_name, read_rows};
use postings::{
    delta_encode, delta_encode_packed, merge, postings_of, push_varint, runs_of, Ids, Marked, Merged, PairHash,
    Postings,
};
use tokenize::{scan, unpack, Token, TokenSink};
pub use tokenize::{shard_of, tokens};

use crate::markdown::Rendered;
use crate::output::OutputFile;
use crate::text::normalize::normalize;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// Documents per `d<N>.json` chunk: the browser reads the rows of its best candidates, which lie
/// anywhere in the site, so a chunk is small (a few kilobytes, rows being compact).
pub const DOC_CHUNK: usize = 32;

/// Where a token is in a section, stored with each posting so the browser can rank before it
/// reads anything else: in the text, in the heading, in the page title (the page's first
/// section only). The strongest wins; see [`combine`]. (Mark 1 is free: how often a token is in
/// a section cannot be kept the same whichever way the build splits pages into runs, because a
/// run's very common tokens are bitmaps that keep only heading and title marks.)
pub type Mark = u8;
const TEXT: Mark = 0;
const HEADING: Mark = 2;
const TITLE: Mark = 3;

/// The mark of a token seen again in a section: the strongest. Order does not matter, so a page
/// tokenized whole and one streamed token by token get the same marks.
#[inline(always)]
fn combine(a: Mark, b: Mark) -> Mark {
    a.max(b)
}

/// The mark of each text [`each_section`] gives: the page title, the heading, then the text and
/// anything indexed as text.
fn field_mark(part: usize) -> Mark {
    [TITLE, HEADING].get(part).copied().unwrap_or(TEXT)
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

/// One section's distinct tokens with their marks: packed CJK tokens (in first-seen order) and
/// words (sorted).
#[derive(Clone, Default)]
struct SectionTokens {
    /// Each token with its mark in the two top bits, which a token never uses (two code points
    /// of 21 bits at bits 32 and 0): `serve` keeps a share for every page, half the size so.
    cjk: Vec<u64>,
    words: Vec<(Box<str>, Mark)>,
}

/// The bit a CJK token's mark starts at in [`SectionTokens::cjk`].
const MARK_SHIFT: u32 = 62;

/// A CJK token and its mark as one word.
fn with_mark(token: u64, mark: Mark) -> u64 {
    debug_assert!(token >> MARK_SHIFT == 0 && u64::from(mark) < 4);
    token | u64::from(mark) << MARK_SHIFT
}

/// The token and the mark of a word made by [`with_mark`].
fn split_mark(word: u64) -> (u64, Mark) {
    (word & ((1 << MARK_SHIFT) - 1), (word >> MARK_SHIFT) as Mark)
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
    static EMPTY: [crate::markdown::Section; 1] = [crate::markdown::Section {
        id: String::new(),
        title: String::new(),
        text: String::new(),
        readings: String::new(),
        normalized: true,
    }];
    if r.sections.is_empty() {
        &EMPTY[..]
    } else {
        &r.sections[..]
    }
}

/// Calls `f` with each section of a page: its document row and its normalized texts, in the
/// order [`field_mark`] weighs them. The page title is indexed with the first section only, so
/// it ranks the page once. Hook for more text per section (ruby readings, say): append it after
/// the section's text here; it is then found and weighed as text.
fn each_section(title: &str, url: &str, r: &Rendered, mut f: impl FnMut(DocRow, &[&str])) {
    let title = (title, normalize(title));
    for (k, sec) in sections_of(r).iter().enumerate() {
        let url = if sec.id.is_empty() { url.to_string() } else { format!("{url}#{}", sec.id) };
        let text = if sec.normalized { Cow::Borrowed(&*sec.text) } else { normalize(&sec.text) };
        // Ruby readings are indexed with the text, so a reader typing the reading finds the word.
        let parts = [normalize(&sec.title), text, normalize(&sec.readings)];
        // The title only with the first section (an empty text has no tokens).
        let texts = [if k == 0 { &*title.1 } else { "" }, &*parts[0], &*parts[1], &*parts[2]];
        f((url, title.0.to_string(), sec.title.clone()), &texts);
    }
}

/// Reusable buffers for [`distinct_tokens`] (one per thread of work).
#[derive(Default)]
struct Scratch {
    cjk: Vec<(u64, Mark)>,
    /// Where each CJK token seen so far is in `cjk`.
    seen: std::collections::HashMap<u64, usize, PairHash>,
}

/// Fills `scratch.cjk` and `words` (cleared first) with the distinct tokens of normalized
/// texts and their marks, CJK tokens in first-seen order. A reused hash map is cheaper than
/// sorting them (a tenth of a large build's search stage).
fn distinct_tokens<'t>(parts: &[&'t str], scratch: &mut Scratch, words: &mut Vec<(&'t str, Mark)>) {
    let Scratch { cjk, seen } = scratch;
    cjk.clear();
    seen.clear();
    words.clear();
    for (k, part) in parts.iter().enumerate() {
        let mark = field_mark(k);
        scan(part, |t| match t {
            Token::Cjk(v) => match seen.entry(v) {
                std::collections::hash_map::Entry::Occupied(at) => {
                    let m = &mut cjk[*at.get()].1;
                    *m = combine(*m, mark);
                }
                std::collections::hash_map::Entry::Vacant(at) => {
                    at.insert(cjk.len());
                    cjk.push((v, mark));
                }
            },
            Token::Word(w) => words.push((w, mark)),
        });
    }
    words.sort_unstable();
    words.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 = combine(kept.1, later.1);
        }
        same
    });
}

/// Tokenizes one page (its URL already carries the base path).
pub fn page_index(title: &str, url: &str, r: &Rendered) -> PageIndex {
    let mut out = Vec::with_capacity(r.sections.len().max(1));
    let mut scratch = Scratch::default();
    each_section(title, url, r, |row, texts| {
        let mut words = Vec::new();
        distinct_tokens(texts, &mut scratch, &mut words);
        let words = words.iter().map(|&(w, m)| (Box::from(w), m)).collect();
        let cjk = scratch.cjk.iter().map(|&(t, m)| with_mark(t, m)).collect();
        out.push((row, SectionTokens { cjk, words }));
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

/// Most pages in a run of [`page_runs`]: fewer, longer runs are cheaper to merge.
const RUN_PAGES: usize = 1024;

/// Runs per thread at least, so that the runs a parallel pass takes last leave little idle
/// time (with one run per site, a build would render its Markdown on one core).
const RUNS_PER_THREAD: usize = 4;

/// Splits pages into contiguous runs for [`RunIndex`] (in reading order).
pub fn page_runs(pages: usize) -> Vec<std::ops::Range<usize>> {
    let per_run = pages.div_ceil(rayon::current_num_threads() * RUNS_PER_THREAD).clamp(16, RUN_PAGES);
    (0..pages).step_by(per_run).map(|start| start..(start + per_run).min(pages)).collect()
}

/// The postings and document rows of a run of consecutive pages, document ids counted from the
/// run's first section. A one-off build tokenizes each run as soon as its Markdown is rendered,
/// so the sections' text can be dropped right after instead of being kept for a search stage;
/// [`finish_runs`] puts the runs together.
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
        map.seal();
        RunIndex { map, rows }
    }
}

/// Renders every page's Markdown with `render` and tokenizes each run of pages for search as
/// soon as it is rendered, then drops the sections (a one-off build needs them no more).
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
            // Only the index reads the sections (ids, headings, text, readings).
            for r in &mut pages {
                r.sections = Vec::new();
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
        let n = map.docs.len() as u32;
        if offset > 0 {
            for ids in map.cjk.values_mut().chain(map.words.values_mut()) {
                ids.shift(offset);
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

#[cfg(test)]
mod tests {
    use super::tokenize::{pack, tokens};
    use super::*;

    #[test]
    fn a_mark_kept_with_a_token_comes_back_with_it() {
        let max = char::MAX as u64;
        for token in [0, (max << 32) | max, 0x3042 << 32, (0x3042 << 32) | 0x3044] {
            for mark in [TEXT, HEADING, TITLE, 1] {
                assert_eq!(split_mark(with_mark(token, mark)), (token, mark));
            }
        }
    }
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
                    id: String::new(),
                    title: String::new(),
                    text: "はじめの文章".into(),
                    readings: String::new(),
                    normalized: false,
                },
                Section {
                    id: "謝罪".into(),
                    title: "謝罪する".into(),
                    text: "正直に伝える".into(),
                    readings: "しょうじき".into(),
                    normalized: false,
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
        // Section 1, in its heading: a delta of 1, times four, plus the heading mark.
        assert_eq!(map["謝罪"], vec![(1 << 2) | u32::from(HEADING)]);
        let docs = read_rows(&files.last().unwrap().data).unwrap();
        assert_eq!(docs[1].0, "/remedies/#謝罪");
        assert_eq!(docs[1].2, "謝罪する");
        // The section's ruby reading (しょうじき for 正直) finds it too.
        let shard = &files[1 + shard_of("じき", shards)];
        let map: BTreeMap<String, Vec<u32>> = serde_json::from_slice(&shard.data).unwrap();
        assert_eq!(map["じき"], vec![(1 << 2) | u32::from(TEXT)], "a reading is text of its section");
    }

    fn page(text: &str, sections: usize) -> Rendered {
        let sections = (0..sections)
            .map(|k| Section {
                id: format!("s{k}"),
                title: String::new(),
                text: text.to_string(),
                readings: String::new(),
                normalized: false,
            })
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
                *acc += d >> 2;
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
                        p.add_cjk(d, 1, TEXT);
                        // Seen twice in one section, the second time (in some) in its heading.
                        p.add_cjk(d, 1, if d.is_multiple_of(10) { HEADING } else { TEXT });
                    }
                    p.seal();
                    p
                })
                .collect();
            assert!(maps.iter().all(|m| !m.cjk[&1].bits.is_empty()), "dense postings become bitmaps");
            let expected: Vec<u32> = runs.iter().flat_map(docs).collect();
            let parts: Vec<(&Ids, u32)> = maps.iter().map(|m| (&m.cjk[&1], m.docs.start)).collect();
            // In a heading as well as the text: HEADING, which bitmaps keep too.
            let mark = |d: u32| if d.is_multiple_of(10) { HEADING } else { TEXT };
            match merge(&parts, 5001) {
                Merged::Bitmap(bits, strong) => {
                    assert!(big);
                    assert_eq!(bits.len(), 5001usize.div_ceil(8));
                    let set: Vec<u32> = (0..5001u32).filter(|&d| bits[d as usize / 8] & (1 << (d % 8)) != 0).collect();
                    assert_eq!(set, expected);
                    let headed: Vec<(u32, Mark)> =
                        expected.iter().filter(|&&d| d.is_multiple_of(10)).map(|&d| (d, HEADING)).collect();
                    assert_eq!(strong, headed);
                }
                Merged::Ids(ids) => {
                    assert!(!big);
                    let ids: Vec<(u32, Mark)> = ids.into_iter().map(postings::unpacked).collect();
                    assert_eq!(ids, expected.iter().map(|&d| (d, mark(d))).collect::<Vec<_>>());
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
                    title: if k == 0 { "見出しです".into() } else { String::new() },
                    text: if k % 2 == 0 { "ですます".into() } else { "です".into() },
                    readings: String::new(),
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
        assert!((0..n).all(|d| bits[d / 8] & (1 << (d % 8)) != 0), "です is in every section");
        // After the bitmap, the sections with です in a heading: section 0 (delta 0, the heading
        // mark), one varint byte.
        assert_eq!(bits[n.div_ceil(8)..], [HEADING]);
        // ます is in every other section: fewer than BIG_POSTINGS, so a delta list.
        let shard: serde_json::Value =
            serde_json::from_slice(&files[1 + shard_of("ます", shards as usize)].data).unwrap();
        assert!(shard["ます"].is_array());
    }

    /// Decoded postings of one key: (document, mark) pairs of a list entry.
    fn marked(files: &[OutputFile], key: &str) -> Vec<(u32, Mark)> {
        let shards = serde_json::from_slice::<serde_json::Value>(&files[0].data).unwrap()["shards"].as_u64().unwrap();
        let map: BTreeMap<String, Vec<u32>> =
            serde_json::from_slice(&files[1 + shard_of(key, shards as usize)].data).unwrap();
        let mut doc = 0;
        map[key]
            .iter()
            .map(|v| {
                doc += v >> 2;
                (doc, (v & 3) as Mark)
            })
            .collect()
    }

    #[test]
    fn postings_mark_title_and_heading() {
        let r = Rendered {
            sections: vec![
                Section {
                    id: String::new(),
                    title: String::new(),
                    text: "連絡の準備".into(),
                    normalized: false,
                    readings: String::new(),
                },
                Section {
                    id: "面接".into(),
                    title: "面接日程".into(),
                    text: "面接の準備。準備は早めに連絡".into(),
                    normalized: false,
                    readings: String::new(),
                },
            ],
            ..Default::default()
        };
        let files = build_index(&["転職の手引き"], &["/a/".to_string()], &[Arc::new(r.clone())]);
        assert_eq!(marked(&files, "転職"), [(0, TITLE)], "the title goes with the first section");
        assert_eq!(marked(&files, "面接"), [(1, HEADING)], "heading and text: the heading wins");
        assert_eq!(marked(&files, "準備"), [(0, TEXT), (1, TEXT)]);
        assert_eq!(marked(&files, "連絡"), [(0, TEXT), (1, TEXT)]);
        // A page tokenized whole (serve) gets the same marks as one streamed (build).
        let share = page_index("転職の手引き", "/a/", &r);
        assert_eq!(
            assemble(&[share]).iter().map(|f| &f.data).collect::<Vec<_>>(),
            files.iter().map(|f| &f.data).collect::<Vec<_>>()
        );
    }

    #[test]
    fn varints_are_leb128() {
        let mut out = Vec::new();
        for v in [0, 2, 127, 128, 300, u32::MAX] {
            push_varint(&mut out, v);
        }
        assert_eq!(out, [0, 2, 0x7F, 0x80, 0x01, 0xAC, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);
    }

    #[test]
    fn normalization_and_tokens_agree_with_the_shared_vectors() {
        // The same file is run against search.js in tests/browser.rs.
        let doc: serde_json::Value = serde_json::from_str(include_str!("../../tests/search_vectors.json")).unwrap();
        let vectors = doc["vectors"].as_array().unwrap();
        assert!(vectors.len() >= 10);
        for v in vectors {
            let input = v["in"].as_str().unwrap();
            assert_eq!(normalize(input), v["norm"].as_str().unwrap(), "{input}");
            let want: Vec<&str> = v["tokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
            assert_eq!(tokens(input), want, "{input}");
            // Whatever a query of this text looks up, the text's own tokens hold.
            for q in v["query"].as_array().unwrap() {
                assert!(want.contains(&q.as_str().unwrap()), "{input}: query token {q} is not an index token");
            }
        }
    }
}
