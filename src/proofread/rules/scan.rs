//! One pass over a block of running text (a paragraph or a list item) for the rules that read
//! it a character at a time: sentences and their counts, kanji runs and doubled particles. Every
//! paragraph of the site goes through here, so each character is decoded once, not once a rule,
//! and its class is looked up once in a table: most characters are only counted, in registers.

use std::cell::Cell;
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
/// particle is open, before a character of class [`BEFORE_NOUN`]. Where the pairs are
/// ([`PAIR_SHIFT`]), so that [`collect`] finds one followed by the other as it finds an anchor
/// and its partner.
const CLAUSE_END: u32 = BEFORE_NOUN << PAIR_SHIFT;
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

    /// [`Classes::cjk`] for a character whose UTF-8 bytes are `b0`, `b1`, `b2`, or None when
    /// it is not one of U+3000–U+9FFF: the first two bytes, as one number, are the index's
    /// place plus `0xE300`, which a single comparison tells.
    #[inline(always)]
    fn table(&self, [b0, b1, b2]: [u8; 3]) -> Option<u32> {
        let at = (u32::from(b0) << 8 | u32::from(b1)).wrapping_sub(0xE300);
        let block = self.index.get(at as usize)?;
        Some(self.blocks[usize::from(*block)][usize::from(b2 & 0x3F)])
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

/// The classes of the characters [`collect`] records: what the rules read in some state, and
/// what the scan notes. It records a verb's ending only before a character of class
/// [`BEFORE_NOUN`], and the rules read it with that character ([`Rules::end_clause`]).
const EVENTS: u32 = SPLIT | PARTICLE | RESET | ANCHOR | SEEN;
/// What the class of the character before, shifted ([`PAIR_SHIFT`]), meets in the current
/// one's for [`collect`] to record it: an anchor's partner, or a clause's end before it.
const AFTER_PAIR: u32 = PAIRS | BEFORE_NOUN;

/// How many characters [`collect`] reads at most at a time: a power of two, the length of the
/// buffer its events go to.
const CHUNK: usize = 256;

thread_local! {
    /// The buffer of [`collect`]'s events, made once a thread rather than cleared once a text.
    static EVENTS_BUFFER: Cell<Option<Box<[Event; CHUNK]>>> = const { Cell::new(None) };
}

/// A character [`collect`] records, for the rules to read after.
#[derive(Clone, Copy, Default)]
struct Event {
    /// Its byte in the chunk.
    at: u32,
    class: u32,
    /// The class of the character before it.
    prev: u32,
}

/// The sentences of `text`, after `sentences` (a page's list, so that each block needs none of
/// its own), with the hits of `kanji-run` (more than `kanji_max` kanji in a row,
/// when given) and of `doubled-particle` (when `particles`; `breaks` are where link texts start
/// and end) added to `out`, and the places of anchors and of れ (`places`); and which of the
/// classes [`may_hit`] reads its characters have.
///
/// Each character's class is looked up once. The text goes by chunks: [`collect`] reads the
/// characters of the table, most of a text, in a loop that branches only to leave, and records
/// those the rules may read; the rules then read these, and tell how many characters came
/// before each from its offset. The character that ends a chunk (another character, one after
/// a long kanji run, a link text's edge) is read on its own.
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
    let doubled = particles.then(|| Particles::new(breaks));
    let mut events = EVENTS_BUFFER.take().unwrap_or_else(|| Box::new([Event::default(); CHUNK]));
    let Places { anchors, re } = places;
    let mut rules = Rules { classes, split, doubled, anchors, re, seen: 0 };
    // Without a threshold, no run is long enough to report.
    let max = kanji_max.unwrap_or(usize::MAX);
    // `nth`: the characters before byte `i`; `prev`: the class of the last of them; `run`:
    // the kanji among them right before `i`.
    let (mut i, mut nth, mut prev, mut run) = (0, 0, 0, 0);
    while i < n {
        let end = n.min(rules.plain_until()).min(i + CHUNK * 3).max(i);
        let (count, read) = collect(classes, &bytes[i..end], (&mut prev, &mut run), max, &mut events);
        for e in &events[..count] {
            // Every character `collect` reads is three bytes long.
            let at = e.at as usize;
            rules.read(text, (i + at, 3, nth + at / 3), (e.prev, e.class), false, out);
        }
        (i, nth) = (i + read, nth + read / 3);
        if i >= n {
            break;
        }
        let (class, len) = classes.at(bytes, i);
        if class & KANJI != 0 {
            run += 1;
        } else {
            if run > max {
                out.push(chars::run_hit(text, i, run, max));
            }
            run = 0;
        }
        let edge = rules.plain_until() <= i;
        rules.read(text, (i, len, nth), (prev, class), edge, out);
        (i, nth, prev) = (i + len, nth + 1, class);
    }
    if run > max {
        out.push(chars::run_hit(text, n, run, max));
    }
    EVENTS_BUFFER.set(Some(events));
    (rules.split.finish(text, nth), rules.seen & SEEN)
}

/// Reads the characters of the table at the start of `chunk` (at most [`CHUNK`]), after one of
/// class `prev` and `run` kanji, and records in `events` those of a class of [`EVENTS`] and
/// those that may be an anchor's partner or follow a verb's ending. Stops at any other
/// character, and once a run of kanji is longer than `max`. Returns how many events it
/// recorded and how many bytes it read.
#[inline(always)]
fn collect(
    classes: &Classes,
    chunk: &[u8],
    (prev, run): (&mut u32, &mut usize),
    max: usize,
    events: &mut [Event; CHUNK],
) -> (usize, usize) {
    // How many bytes of the chunk are left when the run of kanji gets too long: one value the
    // loop carries and compares, rather than a count and its threshold.
    let limit = max.saturating_mul(3).min(isize::MAX as usize / 2) as isize;
    let mut floor = chunk.len() as isize + (*run * 3) as isize - limit;
    let (mut rest, mut count, mut p) = (chunk, 0, *prev);
    while let [b0, b1, b2, tail @ ..] = rest {
        let Some(class) = classes.table([*b0, *b1, *b2]) else { break };
        if (rest.len() as isize) < floor {
            break;
        }
        // Stored whatever the class, kept by moving on: no branch on a class, which kanji and
        // kana make too irregular to predict. A chunk has at most `CHUNK` characters, so the
        // mask changes no index and spares the bounds check.
        events[count & (CHUNK - 1)] = Event { at: (chunk.len() - rest.len()) as u32, class, prev: p };
        count += usize::from(class & EVENTS | (p >> PAIR_SHIFT & class & AFTER_PAIR) != 0);
        floor = if class & KANJI != 0 { floor } else { tail.len() as isize - limit };
        p = class;
        rest = tail;
    }
    (*prev, *run) = (p, ((floor + limit - rest.len() as isize) / 3) as usize);
    (count, chunk.len() - rest.len())
}

/// Notes the places of the words' anchors and of れ at byte `i`, a character of class `class`
/// after one of class `prev`: the anchor before it, or this one, with a partner beside it.
#[inline(always)]
fn note_places(bytes: &[u8], i: usize, (prev, class): (u32, u32), anchors: &mut Vec<usize>, re: &mut Vec<usize>) {
    let pair = prev >> PAIR_SHIFT & class;
    if pair & AFTER_PARTNER != 0 && notation::anchor_holds(bytes, i - 3) {
        anchors.push(i - 3);
    }
    if class & ANCHOR != 0 || (pair & PAIRED_BEFORE != 0 && notation::anchor_holds(bytes, i)) {
        anchors.push(i);
    }
    if class & RE != 0 {
        re.push(i);
    }
}

/// The rules [`running_text`] hands the characters they read, and what it notes.
struct Rules<'b, 'p> {
    /// [`CLASSES`], its first use checked once a text rather than once a character.
    classes: &'static Classes,
    split: Splitter,
    doubled: Option<Particles<'b>>,
    /// See [`Places`].
    anchors: &'p mut Vec<usize>,
    re: &'p mut Vec<usize>,
    /// The classes of the characters read.
    seen: u32,
}

impl Rules<'_, '_> {
    /// The byte from which the rules read every character: the next link text's edge.
    #[inline]
    fn plain_until(&self) -> usize {
        self.doubled.as_ref().map_or(usize::MAX, Particles::plain_until)
    }

    /// Reads the character at byte `i` of `text` (its character `n`, after one of class `prev`),
    /// of class `class` and `len` bytes long; at a link text's edge (`edge`), the particle
    /// rule reads any character.
    #[inline(always)]
    fn read(
        &mut self,
        text: &str,
        (i, len, n): (usize, usize, usize),
        (prev, class): (u32, u32),
        edge: bool,
        out: &mut Vec<Hit>,
    ) {
        let bytes = text.as_bytes();
        self.seen |= class;
        if class & (ANCHOR | RE) | (prev >> PAIR_SHIFT & class & PAIRS) != 0 {
            note_places(bytes, i, (prev, class), self.anchors, self.re);
        }
        if class & SPLIT != 0 {
            self.split.step(text, (i, n), char_at(text, i, len));
        }
        let Some(d) = self.doubled.as_mut() else { return };
        // A clause ends at a mark, or at a verb's ending before a noun; it changes nothing
        // while no particle is open.
        if prev & CLAUSE_END != 0 && class & BEFORE_NOUN != 0 && d.open() {
            Self::end_clause(self.classes, text, d, i, (prev, class));
        }
        if class & PARTICLE == 0 && !(class & RESET != 0 && d.open()) && !edge {
            return;
        }
        let after = i + len;
        // The next character's class, where the rule reads it (most marks need none).
        let next = (after < bytes.len() && grammar::reads_next(kind(class))).then(|| self.classes.at(bytes, after).0);
        // The rule reads the classes of the character and its neighbours, not them.
        d.step(text, (i, len, n), ((i > 0).then(|| kind(prev)), kind(class), next.map(kind)), out);
    }

    /// Reads the verb's ending (of class `prev`) right before byte `i`, where a character of
    /// class `class` follows it: the particle rule reads no other of its characters, so it is
    /// read here rather than in its own turn, when the next character is known.
    #[inline(never)]
    fn end_clause(classes: &Classes, text: &str, d: &mut Particles<'_>, i: usize, (prev, class): (u32, u32)) {
        // A verb's ending is a kana, three bytes long.
        let at = i - 3;
        let bytes = text.as_bytes();
        // The character before it starts at the last byte before it that continues none.
        let Some(start) = (at.saturating_sub(4)..at).rev().find(|&k| bytes[k] & 0xC0 != 0x80) else { return };
        let before = classes.at(bytes, start).0;
        d.end_clause(text, i, (kind(before), kind(prev), kind(class)));
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
        let mut chars = text.char_indices().enumerate().peekable();
        while let Some((n, (i, c))) = chars.next() {
            kanji.step(text, i, c, out);
            split.step(text, (i, n), c);
            let next = chars.peek().map(|&(_, (_, c))| grammar::kind_of(c));
            doubled.step(text, (i, c.len_utf8(), n), (prev.map(grammar::kind_of), grammar::kind_of(c), next), out);
            prev = Some(c);
        }
        kanji.finish(text, text.len(), out);
        split.finish(text, text.chars().count())
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

    #[test]
    fn the_chunks_edges_change_nothing() {
        // Kanji runs, doubled particles, a verb's ending before a noun and a full stop, each
        // placed across the edge of a chunk of `collect`.
        let cases =
            [("漢字語漢字は", 1), ("今日は天気はいい", 1), ("本を机を", 1), ("資料を選べる手段を", 0), ("。」次", 0)];
        for (tail, hits) in cases {
            for lead in CHUNK - 8..CHUNK + 2 {
                let text = "あ".repeat(lead) + tail + &"い".repeat(CHUNK);
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                let (sents, _) = running_text(&text, &[], Some(2), true, &mut fast, &mut Places::default(), Vec::new());
                assert_eq!(sents, running_text_by_char(&text, &[], &mut slow), "{lead} {tail}");
                let spans = |hits: &[Hit]| hits.iter().map(|h| (h.rule, h.range.clone())).collect::<Vec<_>>();
                assert_eq!(spans(&fast), spans(&slow), "{lead} {tail}");
                assert_eq!(fast.len(), hits, "{lead} {tail}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_scan_finds_what_stepping_every_character_finds(
            // Up to several chunks of `collect`.
            picks in proptest::collection::vec(0usize..42, 0..600),
            cut in 0usize..600,
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
