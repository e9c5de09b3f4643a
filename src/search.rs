//! The search index: character bigrams for Japanese, words for Latin text, per section.
//!
//! Japanese has no spaces, so a word index cannot find Japanese words (mdBook's search) and a
//! dictionary segmenter is large and can split indexer and query differently (Pagefind #1237).
//! Character bigrams need no dictionary and cannot disagree with themselves: the browser runs
//! the same normalization and tokenization on the query (see the theme's `search.js`).
//!
//! Layout under `search/`: `meta.json` (counts), `s<N>.json` token shards (a token lives in the
//! shard chosen by its first character, so prefix and one-character queries need one shard),
//! and `d<N>.json` document chunks (URL, titles, text for snippets). A query downloads only the
//! shards of its tokens and the chunks of its top results.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::markdown::cjk::is_cjk;
use crate::markdown::Rendered;
use crate::output::OutputFile;

/// Documents per `d<N>.json` chunk.
pub const DOC_CHUNK: usize = 100;
/// Longest section text kept for snippets, in characters.
pub const MAX_TEXT: usize = 1000;

/// Normalizes text the way the browser does: NFKC (full-width ASCII and half-width kana
/// folded) and lowercase.
pub fn normalize(text: &str) -> String {
    // Fast path: ASCII, kana, common kanji and CJK punctuation are already NFKC and have no
    // case beyond ASCII, which covers nearly all Japanese prose.
    let plain = |c: char| {
        c.is_ascii()
            || matches!(c, '\u{3001}'..='\u{3035}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{4E00}'..='\u{9FFF}')
    };
    if text.chars().all(plain) {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Index tokens of normalized text: bigrams of CJK runs (a lone CJK character is its own
/// token) and alphanumeric words of other text.
pub fn tokens(norm: &str, mut emit: impl FnMut(&str)) {
    let mut word_start: Option<usize> = None;
    let mut cjk_run: Vec<(usize, char)> = Vec::new();
    let flush_cjk = |run: &mut Vec<(usize, char)>, emit: &mut dyn FnMut(&str)| {
        if run.len() == 1 {
            let (i, c) = run[0];
            emit(&norm[i..i + c.len_utf8()]);
        } else {
            for w in run.windows(2) {
                let (i, _) = w[0];
                let (j, c2) = w[1];
                emit(&norm[i..j + c2.len_utf8()]);
            }
        }
        run.clear();
    };
    for (i, c) in norm.char_indices() {
        if is_cjk(c) && !crate::markdown::cjk::is_punctuation(c) {
            if let Some(s) = word_start.take() {
                emit(&norm[s..i]);
            }
            cjk_run.push((i, c));
        } else if c.is_alphanumeric() {
            if !cjk_run.is_empty() {
                flush_cjk(&mut cjk_run, &mut emit);
            }
            word_start.get_or_insert(i);
        } else {
            if let Some(s) = word_start.take() {
                emit(&norm[s..i]);
            }
            if !cjk_run.is_empty() {
                flush_cjk(&mut cjk_run, &mut emit);
            }
        }
    }
    if let Some(s) = word_start {
        emit(&norm[s..]);
    }
    if !cjk_run.is_empty() {
        flush_cjk(&mut cjk_run, &mut emit);
    }
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
    let first = token.chars().next().map(|c| c.to_string()).unwrap_or_default();
    (token_hash(&first) as usize) % shards
}

/// Tokens in more sections than this get their own file `search/t/<hash>.json`.
pub const BIG_POSTINGS: usize = 2000;

/// One searchable section as stored in a document chunk: [url, page title, heading, text].
pub type DocRow = (String, String, String, String);

#[derive(Serialize)]
struct Meta {
    version: u32,
    shards: usize,
    chunk: usize,
    docs: usize,
    /// Section texts longer than this were cut; the browser cannot verify matches past it.
    max_text: usize,
}

/// A token without allocation for the common case: one or two CJK characters packed in a u64.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tok {
    /// One or two CJK characters.
    Cjk(u64),
    /// Anything else (a Latin word).
    Word(Box<str>),
}

fn pack(t: &str) -> Tok {
    let mut it = t.chars();
    match (it.next(), it.next(), it.next()) {
        (Some(a), b, None) if is_cjk(a) => Tok::Cjk(((a as u64) << 32) | b.map_or(0, |c| c as u64)),
        _ => Tok::Word(t.into()),
    }
}

fn unpack(t: &Tok) -> String {
    match t {
        Tok::Cjk(v) => [(v >> 32) as u32, (v & 0xffff_ffff) as u32]
            .into_iter()
            .filter(|&c| c != 0)
            .filter_map(char::from_u32)
            .collect(),
        Tok::Word(w) => w.to_string(),
    }
}

/// One page's share of the index: its sections as document rows, each with its distinct tokens.
/// Computed per page (in parallel, and cached by `serve` for unchanged pages).
#[derive(Clone, Default)]
pub struct PageIndex(Vec<(DocRow, Vec<Tok>)>);

/// Tokenizes one page (its URL already carries the base path).
pub fn page_index(title: &str, url: &str, r: &Rendered) -> PageIndex {
    let mut seen: HashSet<Tok, ahash::RandomState> = HashSet::default();
    let mut out = Vec::with_capacity(r.sections.len().max(1));
    let empty = [crate::markdown::Section::default()];
    let sections = if r.sections.is_empty() { &empty[..] } else { &r.sections[..] };
    for (k, sec) in sections.iter().enumerate() {
        let url = if sec.id.is_empty() { url.to_string() } else { format!("{url}#{}", sec.id) };
        // The page title is indexed with the first section only, so it ranks the page once.
        let title_part = if k == 0 { title } else { "" };
        seen.clear();
        for part in [title_part, sec.title.as_str(), sec.text.as_str()] {
            tokens(&normalize(part), |t| {
                seen.insert(pack(t));
            });
        }
        // Order does not matter: each token's postings are appended in document order.
        let toks: Vec<Tok> = seen.drain().collect();
        let body: String = sec.text.chars().take(MAX_TEXT).collect();
        out.push(((url, title.to_string(), sec.title.clone(), body), toks));
    }
    PageIndex(out)
}

/// Builds the index files for pages (URLs already carry the base path).
pub fn build_index(titles: &[&str], urls: &[String], rendered: &[Rendered]) -> Vec<OutputFile> {
    let pages: Vec<PageIndex> =
        rendered.par_iter().enumerate().map(|(i, r)| page_index(titles[i], &urls[i], r)).collect();
    assemble(&pages)
}

/// Merges the pages' shares (in reading order) into the index files.
pub fn assemble(per_page: &[PageIndex]) -> Vec<OutputFile> {
    let mut docs: Vec<DocRow> = Vec::new();
    let mut postings: HashMap<Tok, Vec<u32>, ahash::RandomState> = HashMap::default();
    for page in per_page {
        for (row, toks) in &page.0 {
            let doc = docs.len() as u32;
            for t in toks {
                match postings.get_mut(t) {
                    Some(list) => list.push(doc),
                    None => {
                        postings.insert(t.clone(), vec![doc]);
                    }
                }
            }
            docs.push(row.clone());
        }
    }
    // Delta-encode the sorted document ids: small numbers, short JSON.
    let encode = |ids: Vec<u32>| -> Vec<u32> {
        let mut prev = 0;
        ids.into_iter()
            .map(|d| {
                let v = d - prev;
                prev = d;
                v
            })
            .collect()
    };
    // Tokens in many sections (転職 in a big corpus) get a file of their own, so a shard holding
    // them does not become megabytes; the shard stores their count instead of the list.
    let mut big: Vec<(String, Vec<u32>)> = Vec::new();
    let mut small: Vec<(String, Vec<u32>)> = Vec::new();
    let mut small_entries = 0usize;
    for (tok, ids) in postings {
        let key = unpack(&tok);
        if ids.len() > BIG_POSTINGS {
            big.push((key, encode(ids)));
        } else {
            small_entries += ids.len();
            small.push((key, encode(ids)));
        }
    }
    // About 30,000 postings (~100 KB) per shard on large sites; small sites get one shard.
    let shards = (small_entries / 30_000 + 1).next_power_of_two().min(4096);
    let mut shard_lists: Vec<Vec<(String, serde_json::Value)>> = vec![Vec::new(); shards];
    for (key, deltas) in small {
        shard_lists[shard_of(&key, shards)].push((key, serde_json::Value::from(deltas)));
    }
    for (key, deltas) in &big {
        shard_lists[shard_of(key, shards)].push((key.clone(), serde_json::Value::from(deltas.len())));
    }
    let mut files = Vec::with_capacity(shards + docs.len() / DOC_CHUNK + 2);
    let meta = Meta { version: 1, shards, chunk: DOC_CHUNK, docs: docs.len(), max_text: MAX_TEXT };
    files.push(OutputFile { path: "search/meta.json".into(), data: serde_json::to_vec(&meta).unwrap_or_default() });
    let shard_files: Vec<OutputFile> = shard_lists
        .into_par_iter()
        .enumerate()
        .map(|(n, mut list)| {
            list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            let map: BTreeMap<String, serde_json::Value> = list.into_iter().collect();
            OutputFile { path: format!("search/s{n}.json"), data: serde_json::to_vec(&map).unwrap_or_default() }
        })
        .collect();
    files.extend(shard_files);
    for (key, deltas) in big {
        files.push(OutputFile {
            path: format!("search/t/{:08x}.json", token_hash(&key)),
            data: serde_json::to_vec(&deltas).unwrap_or_default(),
        });
    }
    for (n, chunk) in docs.chunks(DOC_CHUNK).enumerate() {
        files.push(OutputFile {
            path: format!("search/d{n}.json"),
            data: serde_json::to_vec(chunk).unwrap_or_default(),
        });
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Section;

    fn toks(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        tokens(&normalize(s), |t| v.push(t.to_string()));
        v
    }

    #[test]
    fn japanese_is_split_into_bigrams_and_latin_into_words() {
        assert_eq!(toks("転職活動"), ["転職", "職活", "活動"]);
        assert_eq!(toks("謝罪、Agent の件"), ["謝罪", "agent", "の件"]);
        assert_eq!(toks("本"), ["本"]);
    }

    #[test]
    fn full_width_and_half_width_forms_are_folded() {
        assert_eq!(toks("ＡＢＣ　ｶﾞｲﾄﾞ"), ["abc", "ガイ", "イド"]);
    }

    #[test]
    fn index_finds_sections_by_bigram_and_shards_by_first_character() {
        let r = Rendered {
            sections: vec![
                Section { id: String::new(), title: String::new(), text: "はじめの文章".into() },
                Section { id: "謝罪".into(), title: "謝罪する".into(), text: "正直に伝える".into() },
            ],
            ..Default::default()
        };
        let files = build_index(&["対処法"], &["/remedies/".to_string()], &[r]);
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
}
