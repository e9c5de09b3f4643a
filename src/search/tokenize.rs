//! Tokens: character bigrams of Japanese runs and words of other text, as the browser's
//! `search.js` makes them from a query, and the hash that picks a token's shard.

use crate::text::chars::{is_cjk, is_punctuation};
use crate::text::normalize::normalize;

/// An index token as the indexer sees it: one or two CJK characters packed in a u64 (no
/// allocation), or a word of other text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    Cjk(u64),
    Word(&'a str),
}

pub(crate) fn pack(a: char, b: Option<char>) -> u64 {
    ((a as u64) << 32) | b.map_or(0, |c| c as u64)
}

pub(super) fn unpack(v: u64) -> String {
    [(v >> 32) as u32, (v & 0xffff_ffff) as u32].into_iter().filter(|&c| c != 0).filter_map(char::from_u32).collect()
}

/// Index tokens of normalized text, in text order: bigrams of CJK runs (a lone CJK character is
/// its own token) and alphanumeric words of other text.
pub(super) fn scan<'a>(norm: &'a str, mut emit: impl FnMut(Token<'a>)) {
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
pub(crate) fn token_hash(s: &str) -> u32 {
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
