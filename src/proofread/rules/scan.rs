//! One pass over a block of running text (a paragraph or a list item) for the rules that read
//! it a character at a time: sentences and their counts, kanji runs and doubled particles. Every
//! paragraph of the site goes through here, so each character is decoded once, not once a rule,
//! and its class is looked up once in a table: most characters are only counted, in registers.

use std::sync::LazyLock;

use super::chars;
use super::grammar::{self, Particles};
use super::notation;
use super::sentences::{self, Sentence, Splitter};
use super::{Hit, Rule};
use crate::text::chars::is_kanji;

/// A kanji: `kanji-run` counts it.
const KANJI: u32 = 1;
/// A space or a mark the sentence splitter reads ([`sentences::is_mark`]).
const SPLIT: u32 = 2;
/// A particle the particle rule reads ([`grammar::is_particle_checked`]).
const PARTICLE: u32 = 4;
/// A character that ends a clause ([`grammar::may_end_clause`]): the particle rule reads it
/// while a particle is open.
const RESET: u32 = 8;
/// A verb or adjective ending ([`grammar::is_clause_end`]): the particle rule reads it, while a
/// particle is open, before a character of class [`BEFORE_NOUN`].
const CLAUSE_END: u32 = 16;
/// A character a clause can end before ([`grammar::may_follow_clause`]).
const BEFORE_NOUN: u32 = 32;
/// Where a word of the built-in dictionary or a variant form may be ([`notation::is_anchor`]),
/// an anchor that needs no partner.
const ANCHOR: u32 = 64;
/// A character of U+F000–U+FFFF, where `fullwidth-ascii` and `halfwidth-kana` look
/// ([`chars::is_wide_form`]).
const WIDE: u32 = 256;
/// What `ascii-punctuation` looks at ([`chars::is_ascii_mark`]).
const ASCII_MARK: u32 = 512;
/// What `ja-space` and `ja-latin-space` look at ([`chars::is_space`]).
const SPACE: u32 = 1024;
/// れ, where `ra-nuki` looks ([`grammar::is_re`]).
const RE: u32 = 2048;
/// An anchor that stands for a word only right after a partner ([`notation::partner_side`]):
/// a common kana, checked with [`notation::anchor_holds`] when the character before it is a
/// [`BEFORE_PARTNER`].
const PAIRED_BEFORE: u32 = 1 << 12;
/// A character that stands right after an anchor of class [`PAIRED_AFTER`] in one of its
/// words ([`notation::is_partner`]).
const AFTER_PARTNER: u32 = 1 << 13;
/// A character that stands right before an anchor of class [`PAIRED_BEFORE`] in one of its
/// words.
const BEFORE_PARTNER: u32 = PAIRED_BEFORE << PAIR_SHIFT;
/// An anchor that stands for a word only right before a partner ([`AFTER_PARTNER`]).
const PAIRED_AFTER: u32 = AFTER_PARTNER << PAIR_SHIFT;
/// How far the classes of the previous character are shifted to meet the current one's: a
/// [`BEFORE_PARTNER`] then [`PAIRED_BEFORE`], or a [`PAIRED_AFTER`] then [`AFTER_PARTNER`],
/// may be an anchor and its partner (which [`notation::anchor_holds`] tells).
const PAIR_SHIFT: u32 = 2;
/// The bits of the current character's class that the previous one's, shifted, meet.
const PAIRS: u32 = PAIRED_BEFORE | AFTER_PARTNER;
/// The classes [`may_hit`] reads: the scan tells which of them a text's characters have.
const SEEN: u32 = WIDE | ASCII_MARK | SPACE | RE;

/// Whether a text whose characters have, together, the classes `seen` may hold a hit of
/// `rule`: the rules on single characters find nothing in a text without their characters.
pub(crate) fn may_hit(seen: u32, rule: Rule) -> bool {
    let class = match rule {
        // ，and ．, which `mixed-punctuation` counts, are full-width forms too.
        Rule::FullwidthAscii | Rule::HalfwidthKana | Rule::MixedPunctuation => WIDE,
        Rule::AsciiPunctuation => ASCII_MARK,
        Rule::JaSpace | Rule::JaLatinSpace => SPACE,
        Rule::RaNuki => RE,
        _ => return true,
    };
    seen & class != 0
}

/// The class of `c`, from the rules' own tests of it: what [`Classes`] tabulates. The low 16
/// bits are the scan's own, the high 16 the particle rule's ([`grammar::kind_of`]).
fn class_of(c: char) -> u32 {
    let bits = [
        (is_kanji(c), KANJI),
        (c.is_whitespace() || sentences::is_mark(c), SPLIT),
        (grammar::is_particle_checked(c), PARTICLE),
        (grammar::may_end_clause(c), RESET),
        (grammar::is_clause_end(c), CLAUSE_END),
        (grammar::may_follow_clause(c), BEFORE_NOUN),
        (notation::is_anchor(c) && notation::partner_side(c).is_none(), ANCHOR),
        (notation::partner_side(c) == Some(false), PAIRED_BEFORE),
        (notation::partner_side(c) == Some(true), PAIRED_AFTER),
        (notation::is_partner(c, false), BEFORE_PARTNER),
        (notation::is_partner(c, true), AFTER_PARTNER),
        (chars::is_wide_form(c), WIDE),
        (chars::is_ascii_mark(c), ASCII_MARK),
        (chars::is_space(c), SPACE),
        (grammar::is_re(c), RE),
    ];
    let kind = u32::from(grammar::kind_of(c)) << KIND_SHIFT;
    bits.iter().filter(|(is, _)| *is).fold(kind, |class, (_, bit)| class | bit)
}

/// Where a class holds the character's [`grammar::Kind`]: what the particle rule asks of it.
const KIND_SHIFT: u32 = 16;

/// The [`grammar::Kind`] in `class`.
#[inline(always)]
fn kind(class: u32) -> grammar::Kind {
    (class >> KIND_SHIFT) as grammar::Kind
}

/// [`class_of`] for ASCII and for U+3000–U+9FFF (kana, CJK punctuation and the common
/// kanji), by table: nearly every character of Japanese prose.
///
/// U+3000–U+9FFF is cut into blocks of 64 characters (those whose UTF-8 bytes differ only in
/// the last) and each distinct block of classes is kept once: nearly all kanji share one class,
/// so the blocks of the range fill a few cache lines where one class per character would not
/// fit the first-level cache.
struct Classes {
    ascii: [u32; 0x80],
    /// Which of `blocks` holds the classes of the characters whose first two UTF-8 bytes are
    /// `0xE3 + k` and `b`, at `k << 8 | b`.
    index: [u8; 7 << 8],
    /// The distinct blocks, by the last UTF-8 byte's low six bits; a `u8` reaches any of them,
    /// so no lookup is checked. In the static itself, not behind a pointer: the scan reaches
    /// them from a constant address.
    blocks: [[u32; 64]; 256],
}

static CLASSES: LazyLock<Classes> = LazyLock::new(|| {
    let of = |cp: u32| char::from_u32(cp).map_or(0, class_of);
    let mut distinct: Vec<[u32; 64]> = Vec::new();
    let mut index = [0; 7 << 8];
    // A second byte of UTF-8 is 80 to BF; the other entries are never read.
    for (k, b1) in (0..7).flat_map(|k| (0x80..0xC0).map(move |b1| (k, b1))) {
        let block: [u32; 64] = std::array::from_fn(|b2| of(0x3000 + (k << 12 | (b1 & 0x3F) << 6 | b2 as u32)));
        let at = distinct.iter().position(|d| *d == block).unwrap_or_else(|| {
            distinct.push(block);
            distinct.len() - 1
        });
        // The classes are a few dozen; a test builds the table.
        index[(k << 8 | b1) as usize] = u8::try_from(at).expect("at most 256 distinct blocks of classes");
    }
    let mut blocks = [[0; 64]; 256];
    blocks[..distinct.len()].copy_from_slice(&distinct);
    Classes { ascii: std::array::from_fn(|k| of(k as u32)), index, blocks }
});

impl Classes {
    /// The class of the character of U+3000–U+9FFF whose UTF-8 bytes are `0xE3 + k` (`k` at
    /// most 6), `b1`, `b2`.
    #[inline(always)]
    fn cjk(&self, k: u8, b1: u8, b2: u8) -> u32 {
        let block = self.index[usize::from(k) << 8 | usize::from(b1)];
        self.blocks[usize::from(block)][usize::from(b2 & 0x3F)]
    }

    /// The class of the character at byte `i` of `b` (a UTF-8 text; `i` a character boundary
    /// before its end) and its length in bytes. The characters of the table are told by their
    /// bytes, without decoding.
    #[inline(always)]
    fn at(&self, b: &[u8], i: usize) -> (u32, usize) {
        let lead = b[i];
        // U+3000–U+9FFF: E3 80 80 to E9 BF BF. Tested first: nearly every character of
        // Japanese prose.
        if let (0xE3..=0xE9, Some(&[b1, b2])) = (lead, b.get(i + 1..i + 3)) {
            return (self.cjk(lead - 0xE3, b1, b2), 3);
        }
        if lead < 0x80 {
            return (self.ascii[usize::from(lead)], 1);
        }
        other_class(&b[i..])
    }
}

/// [`Classes::at`] for the characters outside its tables (and for bytes that are no UTF-8).
#[inline(never)]
fn other_class(b: &[u8]) -> (u32, usize) {
    let c = std::str::from_utf8(&b[..b.len().min(4)])
        .or_else(|e| std::str::from_utf8(&b[..e.valid_up_to()]))
        .ok()
        .and_then(|s| s.chars().next())
        .unwrap_or('\u{FFFD}');
    (class_of(c), c.len_utf8())
}

/// The character of `len` bytes at byte `i` of `text` (a character boundary): a three-byte
/// character (most of Japanese prose) put together from its bytes.
#[inline(always)]
fn char_at(text: &str, i: usize, len: usize) -> char {
    if let (3, Some(&[b0, b1, b2])) = (len, text.as_bytes().get(i..i + 3)) {
        let c = u32::from(b0 & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
        return char::from_u32(c).unwrap_or_default();
    }
    text.get(i..).and_then(|t| t.chars().next()).unwrap_or_default()
}

/// Where [`running_text`] found the characters other rules look for, by byte offset.
#[derive(Debug, Default)]
pub(crate) struct Places {
    /// Where [`notation::Words::find`] should look.
    pub anchors: Vec<usize>,
    /// Every れ, where `ra-nuki` looks ([`grammar::ra_nuki_at`]).
    pub re: Vec<usize>,
}

impl Places {
    pub(crate) fn clear(&mut self) {
        self.anchors.clear();
        self.re.clear();
    }
}

/// The sentences of `text`, after `sentences` (a page's list, so that each block needs none of
/// its own), with the hits of `kanji-run` (more than `kanji_max` kanji in a row,
/// when given) and of `doubled-particle` (when `particles`; `breaks` are where link texts start
/// and end) added to `out`, and the places of anchors and of れ (`places`); and which of the
/// classes [`may_hit`] reads its characters have.
///
/// Each character's class is looked up once. Kanji runs, anchors and れ are told from the class
/// alone, an anchor that needs a partner from its class and its neighbour's. The characters of
/// the table that are neither anchor (with its partner) nor れ, that no rule reads (see
/// [`Rules::loud`]) and that end no long kanji run, most of a text, are counted in an inner loop
/// that calls nothing and branches only to leave, so its values stay in registers; it hands any
/// other character, with its class, to the outer loop. Out of line, so that its caller's values
/// do not crowd the loop's.
#[inline(never)]
pub(crate) fn running_text(
    text: &str,
    breaks: &[usize],
    kanji_max: Option<usize>,
    particles: bool,
    out: &mut Vec<Hit>,
    places: &mut Places,
    sentences: Vec<Sentence>,
) -> (Vec<Sentence>, u32) {
    let (classes, bytes, n) = (&*CLASSES, text.as_bytes(), text.len());
    let split = Splitter::new(n, sentences);
    let mut rules = Rules { text, classes, split, doubled: particles.then(|| Particles::new(breaks)) };
    // Without a threshold, no run is long enough to report.
    let max = kanji_max.unwrap_or(usize::MAX);
    let (mut loud, mut stop) = rules.loud();
    // `prev`: the class of the character before `i`; `run`: the kanji right before it.
    let (mut i, mut prev, mut plain, mut seen, mut run) = (0, 0, 0, 0, 0);
    while i < n {
        // The characters the outer loop handles: what the rules read, and what it notes.
        let hot = loud | ANCHOR | SEEN;
        // The characters before `stop` (a character's start) that the inner loop may count.
        let end = stop.min(n);
        let mut rest = bytes.get(i..end).unwrap_or_default();
        let found = loop {
            let [b0, b1, b2, tail @ ..] = rest else { break None };
            let k = b0.wrapping_sub(0xE3);
            if k > 6 {
                break None;
            }
            let class = classes.cjk(k, *b1, *b2);
            // An anchor and a partner may meet: one a pair of classes of two characters next to
            // each other, told without a branch.
            if class & (hot | (prev >> PAIR_SHIFT & PAIRS)) != 0 || run > max {
                break Some(class);
            }
            // Without a branch: kanji and kana alternate too irregularly to predict.
            run = (run + 1) & 0usize.wrapping_sub(usize::from(class & KANJI != 0));
            prev = class;
            rest = tail;
        };
        // Every character the inner loop passed is three bytes long.
        let from = i;
        i = end.max(i) - rest.len();
        plain += (i - from) / 3;
        let (class, len) = match found {
            Some(class) => (class, 3),
            None if i >= n => break,
            None => classes.at(bytes, i),
        };
        seen |= class;
        note_places(bytes, i, (prev, class), places);
        if class & KANJI != 0 {
            run += 1;
        } else {
            if run > max {
                out.push(chars::run_hit(text, i, run, max));
            }
            run = 0;
        }
        let quiet = i < stop && only_counted(classes, bytes, i + len, class & loud);
        if quiet {
            plain += 1;
        } else {
            rules.read((prev, i), (class, len), plain, out);
            plain = 0;
            (loud, stop) = rules.loud();
        }
        prev = class;
        i += len;
    }
    if run > max {
        out.push(chars::run_hit(text, n, run, max));
    }
    rules.split.count_plain(plain);
    (rules.split.finish(text), seen & SEEN)
}

/// Notes the places of the words' anchors and of れ at byte `i`, a character of class `class`
/// after one of class `prev`: the anchor before it, or this one, with a partner beside it.
#[inline(always)]
fn note_places(bytes: &[u8], i: usize, (prev, class): (u32, u32), places: &mut Places) {
    let pair = prev >> PAIR_SHIFT & class;
    if pair & AFTER_PARTNER != 0 && notation::anchor_holds(bytes, i - 3) {
        places.anchors.push(i - 3);
    }
    if class & ANCHOR != 0 || (pair & PAIRED_BEFORE != 0 && notation::anchor_holds(bytes, i)) {
        places.anchors.push(i);
    }
    if class & RE != 0 {
        places.re.push(i);
    }
}

/// Whether a character of whose classes the rules read `read` (see [`Rules::loud`]), followed
/// by the character at byte `after`, is only counted.
#[inline(always)]
fn only_counted(classes: &Classes, bytes: &[u8], after: usize, read: u32) -> bool {
    match read {
        0 => true,
        // The particle rule reads a verb's ending only before what a clause ends before.
        CLAUSE_END => bytes.get(after).is_none() || classes.at(bytes, after).0 & BEFORE_NOUN == 0,
        _ => false,
    }
}

/// The rules [`running_text`] hands the characters they read.
struct Rules<'t, 'b> {
    text: &'t str,
    /// [`CLASSES`], its first use checked once a text rather than once a character.
    classes: &'static Classes,
    split: Splitter,
    doubled: Option<Particles<'b>>,
}

impl Rules<'_, '_> {
    /// The classes of the characters the rules read, and the byte from which they read every
    /// character (after a full stop, and at a link text's edge).
    #[inline]
    fn loud(&self) -> (u32, usize) {
        if !self.split.takes_plain() {
            return (0, 0);
        }
        // What the particle rule reads: a particle, and while one is open (which only a
        // character it reads changes), what can end the clause.
        match &self.doubled {
            Some(d) if d.open() => (SPLIT | PARTICLE | RESET | CLAUSE_END, d.plain_until()),
            Some(d) => (SPLIT | PARTICLE, d.plain_until()),
            None => (SPLIT, usize::MAX),
        }
    }

    /// Reads the character at byte `i` (after one of class `prev`), of class `class` and `len`
    /// bytes long, after `plain` characters that were only counted. In line: the scan calls it
    /// for about one character in six (particles, marks, clause ends).
    #[inline]
    fn read(&mut self, (prev, i): (u32, usize), (class, len): (u32, usize), plain: usize, out: &mut Vec<Hit>) {
        let (text, bytes) = (self.text, self.text.as_bytes());
        self.split.count_plain(plain);
        if class & SPLIT == 0 && self.split.takes_plain() {
            self.split.count_plain(1);
        } else {
            self.split.step(text, i, char_at(text, i, len));
        }
        if let Some(d) = self.doubled.as_mut() {
            d.count_plain(plain);
            let after = i + len;
            // The next character's class, where the rule reads it (most marks need none).
            let next =
                (after < bytes.len() && grammar::reads_next(kind(class))).then(|| self.classes.at(bytes, after).0);
            // A clause ends at a mark, or at a verb's ending before a noun; it changes nothing
            // while no particle is open.
            let read = class & PARTICLE != 0
                || (class & (RESET | CLAUSE_END) != 0
                    && d.open()
                    && (class & RESET != 0 || next.is_some_and(|class| class & BEFORE_NOUN != 0)));
            if !read && d.takes_plain(i) {
                d.count_plain(1);
            } else {
                // The rule reads the classes of the character and its neighbours, not them.
                d.step(text, (i, len), ((i > 0).then(|| kind(prev)), kind(class), next.map(kind)), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proofread::rules::chars::KanjiRuns;

    /// [`running_text`] without the table and the short ways: every character stepped through
    /// every rule. The reference the fast scan is held to.
    fn running_text_by_char(text: &str, breaks: &[usize], out: &mut Vec<Hit>) -> Vec<Sentence> {
        let (mut split, mut kanji, mut doubled) =
            (Splitter::new(text.len(), Vec::new()), KanjiRuns::new(2), Particles::new(breaks));
        let mut prev = None;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            kanji.step(text, i, c, out);
            split.step(text, i, c);
            let next = chars.peek().map(|&(_, n)| grammar::kind_of(n));
            doubled.step(text, (i, c.len_utf8()), (prev.map(grammar::kind_of), grammar::kind_of(c), next), out);
            prev = Some(c);
        }
        kanji.finish(text, text.len(), out);
        split.finish(text)
    }

    #[test]
    fn the_table_gives_every_character_its_class() {
        let classes = &*CLASSES;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let text = format!("{}a", c.encode_utf8(&mut buf));
            assert_eq!(classes.at(text.as_bytes(), 0), (class_of(c), c.len_utf8()), "{c:?}");
            assert_eq!(classes.at(&text.as_bytes()[..c.len_utf8()], 0), (class_of(c), c.len_utf8()), "{c:?}");
        }
        // The scan's own bits.
        let own = |c: char| class_of(c) & ((1 << KIND_SHIFT) - 1);
        assert_eq!(own('漢'), KANJI | BEFORE_NOUN);
        assert_eq!(own('後'), KANJI | BEFORE_NOUN | PAIRED_AFTER);
        assert_eq!(own('貰'), KANJI | BEFORE_NOUN | ANCHOR);
        assert_eq!(own('し'), 0);
        assert_eq!(own('ま'), PAIRED_AFTER | BEFORE_PARTNER);
        // で stands after す in すでに and before き in できる.
        let pairing = ANCHOR | PAIRED_BEFORE | PAIRED_AFTER | BEFORE_PARTNER | AFTER_PARTNER;
        assert_eq!(own('で') & pairing, BEFORE_PARTNER | AFTER_PARTNER);
        assert_eq!(own('は'), PARTICLE | BEFORE_NOUN);
        assert_eq!(own('る'), CLAUSE_END);
        assert_eq!(own('。'), SPLIT | RESET);
        assert_eq!(own(' '), SPLIT | SPACE);
        assert_eq!(own('れ'), RE);
        assert_eq!(own('?'), SPLIT | RESET | ASCII_MARK);
        assert_eq!(own('Ａ'), WIDE);
    }

    proptest::proptest! {
        #[test]
        fn the_fast_scan_finds_what_stepping_every_character_finds(
            picks in proptest::collection::vec(0usize..42, 0..80),
            cut in 0usize..80,
        ) {
            const CHARS: [&str; 42] = [
                "漢", "字", "語", "々", "カ", "ー", "の", "し", "は", "が", "を", "で", "て", "に", "る",
                "た", "い", "ず", "こ", "と", "。", "、", "「", "」", "！", "?", " ", "\n", "a", "\u{FFFC}",
                "（", "）", "こと", "もの", "🙂", "é", "後", "す", "ユ", "でき", "ま", "れ",
            ];
            let text: String = picks.iter().map(|&k| CHARS[k]).collect();
            // A link text's edge at a character boundary.
            let breaks: Vec<usize> = text.char_indices().map(|(i, _)| i).filter(|&i| i == cut * 3).collect();
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            let mut places = Places::default();
            let (sents, seen) = running_text(&text, &breaks, Some(2), true, &mut fast, &mut places, Vec::new());
            proptest::prop_assert_eq!(seen, text.chars().fold(0, |seen, c| seen | class_of(c)) & SEEN);
            let expected: Vec<usize> = text
                .char_indices()
                .filter(|&(i, c)| notation::is_anchor(c) && notation::anchor_holds(text.as_bytes(), i))
                .map(|(i, _)| i)
                .collect();
            proptest::prop_assert_eq!(places.anchors, expected);
            let re: Vec<usize> = text.match_indices('れ').map(|(i, _)| i).collect();
            proptest::prop_assert_eq!(places.re, re);
            let reference = running_text_by_char(&text, &breaks, &mut slow);
            proptest::prop_assert_eq!(sents, reference);
            let spans = |hits: &[Hit]| hits.iter().map(|h| (h.rule, h.range.clone())).collect::<Vec<_>>();
            proptest::prop_assert_eq!(spans(&fast), spans(&slow), "{:?}", text);
        }
    }
}
