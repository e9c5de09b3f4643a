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

/// A token of one or two CJK characters as [`scan`] packs it.
#[cfg(test)]
pub(crate) fn pack(a: char, b: Option<char>) -> u64 {
    ((a as u64) << 32) | b.map_or(0, |c| c as u64)
}

pub(super) fn unpack(v: u64) -> String {
    [(v >> 32) as u32, (v & 0xffff_ffff) as u32].into_iter().filter(|&c| c != 0).filter_map(char::from_u32).collect()
}

/// Receives the tokens [`scan`] finds, in text order. Any `FnMut(Token)` does; the postings
/// implement it themselves so that adding a token is inlined into the scan.
pub(super) trait TokenSink<'a> {
    fn cjk(&mut self, t: u64);
    fn word(&mut self, w: &'a str);
}

impl<'a, F: FnMut(Token<'a>)> TokenSink<'a> for F {
    #[inline(always)]
    fn cjk(&mut self, t: u64) {
        self(Token::Cjk(t))
    }
    #[inline(always)]
    fn word(&mut self, w: &'a str) {
        self(Token::Word(w))
    }
}

/// What a character is to the tokenizer: a letter of a CJK run, a letter or digit of a word, or
/// a separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Other,
    Word,
    Cjk,
}

/// [`class_of`] for ASCII and CJK characters, which needs no Unicode table, so that the
/// tables of [`scan`] are made from it when compiling; `None` for any other character.
const fn listed_class(c: char) -> Option<Class> {
    if c.is_ascii() {
        Some(if c.is_ascii_alphanumeric() { Class::Word } else { Class::Other })
    } else if is_cjk(c) {
        // CJK punctuation (、。「」・) separates; it is never part of a word either.
        Some(if is_punctuation(c) { Class::Other } else { Class::Cjk })
    } else {
        None
    }
}

/// The class of any character: CJK letters (kana, kanji, and the other CJK characters but
/// punctuation), the letters and digits of other scripts, and separators.
pub(super) fn class_of(c: char) -> Class {
    match listed_class(c) {
        Some(class) => class,
        None if c.is_alphanumeric() => Class::Word,
        None => Class::Other,
    }
}

/// [`class_of`] for the characters from `first` on, one entry each, made when compiling.
const fn class_table<const N: usize>(first: u32) -> [Class; N] {
    let mut t = [Class::Other; N];
    let mut k = 0;
    while k < N {
        if let Some(c) = char::from_u32(first + k as u32) {
            if let Some(class) = listed_class(c) {
                t[k] = class;
            }
        }
        k += 1;
    }
    t
}

/// The classes of ASCII characters.
static ASCII: [Class; 128] = class_table(0);

/// The classes of U+3000–U+30FF: CJK punctuation, hiragana and katakana.
static KANA: [Class; 256] = class_table(0x3000);

/// The class, code point and UTF-8 length of the character at byte `i` of `s`. ASCII, kana and
/// common kanji (U+4E00–U+9FFF), nearly all of a Japanese text, are told from their bytes
/// and a table; other characters are decoded and classed with [`class_of`].
#[inline(always)]
fn char_at(s: &str, i: usize) -> (Class, u32, usize) {
    let b = s.as_bytes();
    let lead = b[i];
    if lead < 0x80 {
        return (ASCII[usize::from(lead)], u32::from(lead), 1);
    }
    if let Some(&[lead @ 0xE3..=0xE9, b1, b2]) = b.get(i..i + 3) {
        if let Some((class, cp)) = three_byte_class(lead, b1, b2) {
            return (class, cp, 3);
        }
    }
    let c = s[i..].chars().next().unwrap_or_default();
    (class_of(c), c as u32, c.len_utf8())
}

/// The class and code point of the three-byte character (U+3000–U+9FFF) of a lead byte E3–E9
/// and the two after it, if it is kana, CJK punctuation or a common kanji (U+4E00–U+9FFF).
#[inline(always)]
fn three_byte_class(lead: u8, b1: u8, b2: u8) -> Option<(Class, u32)> {
    let cp = (u32::from(lead & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
    match cp {
        0x4E00.. => Some((Class::Cjk, cp)),
        ..0x3100 => Some((KANA[(cp & 0xFF) as usize], cp)),
        _ => None,
    }
}

/// Index tokens of normalized text, in text order: bigrams of CJK runs (a lone CJK character is
/// its own token) and alphanumeric words of other text. Works on the bytes, each character
/// classed once (see [`char_at`]).
#[inline]
pub(super) fn scan<'a>(norm: &'a str, mut emit: impl TokenSink<'a>) {
    let mut word_start: Option<usize> = None;
    // The last character of the current CJK run (0: none), and whether it is the run's first.
    let (mut prev, mut lone) = (0u32, false);
    let mut i = 0;
    while i < norm.len() {
        let (class, cp, len) = char_at(norm, i);
        if class == Class::Cjk {
            if let Some(s) = word_start.take() {
                emit.word(&norm[s..i]);
            }
            lone = prev == 0;
            if !lone {
                emit.cjk((u64::from(prev) << 32) | u64::from(cp));
            }
            prev = cp;
            // The rest of the run's kana and kanji in a loop of its own, one bigram a character,
            // on the bytes; the character after them is classed again by the outer loop.
            let mut rest = norm.as_bytes().get(i + len..).unwrap_or_default();
            while let [lead @ 0xE3..=0xE9, b1, b2, tail @ ..] = rest {
                let Some((Class::Cjk, cp)) = three_byte_class(*lead, *b1, *b2) else { break };
                emit.cjk((u64::from(prev) << 32) | u64::from(cp));
                (prev, lone, rest) = (cp, false, tail);
            }
            i = norm.len() - rest.len();
            continue;
        } else {
            if prev != 0 && lone {
                emit.cjk(u64::from(prev) << 32);
            }
            prev = 0;
            if class == Class::Word {
                word_start.get_or_insert(i);
            } else if let Some(s) = word_start.take() {
                emit.word(&norm[s..i]);
            }
        }
        i += len;
    }
    if let Some(s) = word_start {
        emit.word(&norm[s..]);
    }
    if prev != 0 && lone {
        emit.cjk(u64::from(prev) << 32);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The classes as the character-by-character tokenizer told them, from the Unicode classes.
    fn reference_class(c: char) -> Class {
        let cjk_range = !c.is_ascii() && is_cjk(c);
        if cjk_range && !is_punctuation(c) {
            Class::Cjk
        } else if c.is_ascii_alphanumeric() || (!c.is_ascii() && !cjk_range && c.is_alphanumeric()) {
            Class::Word
        } else {
            Class::Other
        }
    }

    #[test]
    fn every_character_is_classed_from_its_bytes_as_from_the_unicode_classes() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(char_at(&s, 0), (reference_class(c), c as u32, c.len_utf8()), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn runs_words_and_lone_characters_at_every_boundary() {
        fn toks(s: &str) -> Vec<Token<'_>> {
            let mut out = Vec::new();
            scan(s, |t| out.push(t));
            out
        }
        let cjk = |a: char, b: Option<char>| Token::Cjk(pack(a, b));
        assert_eq!(toks("本"), [cjk('本', None)]);
        assert_eq!(toks("a本b"), [Token::Word("a"), cjk('本', None), Token::Word("b")]);
        assert_eq!(toks("本、本"), [cjk('本', None), cjk('本', None)]);
        assert_eq!(toks("日本語x"), [cjk('日', Some('本')), cjk('本', Some('語')), Token::Word("x")]);
        assert_eq!(toks("é2 ㇰ한글"), [Token::Word("é2"), cjk('ㇰ', None), Token::Word("한글")]);
        assert_eq!(toks("𠀋𠀋, 々"), [cjk('𠀋', Some('𠀋')), cjk('々', None)]);
        assert!(toks(" 。・").is_empty());
    }
}
