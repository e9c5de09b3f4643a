//! 表記ゆれ: the built-in dictionary, the site's prh.yml, and the same word written two ways
//! across the site (一言/ひと言), where the form the site uses most is suggested.

use std::ops::Range;
use std::sync::LazyLock;

use super::{Hit, Rule};
use crate::proofread::dictionary::{tidy, Dictionary};
use crate::text::chars::{is_kanji, is_katakana};

/// Dictionary corrections as hits of `rule` (dictionary or prh).
pub(crate) fn dictionary_hits(
    found: impl IntoIterator<Item = (Range<usize>, String)>,
    rule: Rule,
    text: &str,
    out: &mut Vec<Hit>,
) {
    for (range, expected) in found {
        let found = &text[range.clone()];
        let hit = Hit::new(
            rule,
            range,
            format!("write `{expected}`, not `{found}`"),
            format!("「{found}」は「{expected}」と書きます"),
        );
        out.push(hit.replace_with(expected));
    }
}

/// Words written two ways: each group lists its forms, and each form the strings that write it.
/// Only unambiguous strings: 後 alone is also ご (今後), so あとで/後で stand for it.
const VARIANTS: &[&[&[&str]]] = &[
    &[&["一言"], &["ひと言"]],
    &[&["おそれ"], &["恐れ"]],
    &[&["あとで", "あとから"], &["後で", "後から"]],
    &[&["すべて"], &["全て"]],
    &[&["ください"], &["下さい"]],
    &[
        &["できる", "できない", "できま", "できた", "できて", "できず"],
        &["出来る", "出来ない", "出来ま", "出来た", "出来て", "出来ず"],
    ],
    &[&["わかる", "わかり", "わから", "わかっ"], &["分かる", "分かり", "分から", "分かっ"]],
    &[&["さまざま"], &["様々"]],
    &[&["いろいろ"], &["色々"]],
    &[&["たくさん"], &["沢山"]],
    &[&["ほとんど"], &["殆ど"]],
    &[&["すでに"], &["既に"]],
    &[&["さらに"], &["更に"]],
    &[&["ただし"], &["但し"]],
    &[&["または"], &["又は"]],
    &[&["および"], &["及び"]],
    &[&["いただく", "いただき", "いただけ"], &["頂く", "頂き", "頂け"]],
    &[&["ぜひ"], &["是非"]],
    &[&["あらかじめ"], &["予め"]],
    &[&["いったん"], &["一旦"]],
    &[&["問い合わせ"], &["問合せ", "問い合せ", "問合わせ"]],
    &[&["もらう", "もらい", "もらえ", "もらっ"], &["貰う", "貰い", "貰え", "貰っ"]],
];

/// One occurrence of a variant form: (group, form, range in the block's text).
pub(crate) type Occurrence = (usize, usize, Range<usize>);

/// What a pattern of [`Words`] stands for.
#[derive(Debug, Clone, Copy)]
enum Word {
    /// A literal pattern of the built-in dictionary: its entry.
    Entry(usize),
    /// A variant form: (group, form).
    Variant(usize, usize),
}

/// The built-in dictionary's words and every variant form of [`VARIANTS`], found in one pass:
/// both look at every block of the site. No two of their patterns share a character (loanwords
/// in katakana; variants in kanji and hiragana), so no match of one can hide a match of the
/// other.
#[derive(Debug)]
pub(crate) struct Words {
    builtin: Dictionary,
    patterns: Vec<String>,
    /// Each pattern's first 16 bytes (zeros past its end) and the mask of those it has: what
    /// [`Words::pattern_at`] compares at once.
    heads: Vec<(u128, u128)>,
    of: Vec<Word>,
    anchors: Anchors,
}

/// What [`Words::find`] found in a text. Kept from block to block, so that its lists are
/// allocated once a page.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Built-in dictionary corrections: (range, the text to write instead).
    pub corrections: Vec<(Range<usize>, String)>,
    /// Variant forms.
    pub variants: Vec<Occurrence>,
    /// The patterns' matches: (start, end, pattern).
    matches: Vec<(usize, usize, usize)>,
}

/// The built-in dictionary's words and the variant forms: constant tables, made once.
static WORDS: LazyLock<Words> = LazyLock::new(|| Words::new(Dictionary::builtin()));

/// The built-in dictionary and the variant forms, ready to search.
pub(crate) fn words() -> &'static Words {
    &WORDS
}

/// Whether `c` anchors a word of [`words`]: where `Words::find` looks.
pub(crate) fn is_anchor(c: char) -> bool {
    WORDS.anchors.has(c)
}

/// Whether the anchor `c` anchors only words it is looked for with a neighbour (its partner),
/// and on which side of it its partners stand: after it (`Some(true)`) or before it
/// (`Some(false)`); none when it needs no partner, or is no anchor. The anchors with partners
/// are common kana, which stand in most sentences, where their words are rare (す of すでに).
pub(crate) fn partner_side(c: char) -> Option<bool> {
    let partners = &WORDS.anchors.partners;
    is_anchor(c).then(|| partners[usize::from(WORDS.anchors.rank[c as usize])].first().map(|p| p.after)).flatten()
}

/// Whether `c` is a partner of an anchor, standing after it (`after`) or before it.
pub(crate) fn is_partner(c: char, after: bool) -> bool {
    WORDS.anchors.partner_chars[usize::from(after)].binary_search(&c).is_ok()
}

/// Whether a word may stand at byte `at` of `bytes` (a UTF-8 text), where an anchor stands:
/// the anchor has no partners ([`partner_side`]), or one of its partners stands next to it.
#[inline]
pub(crate) fn anchor_holds(bytes: &[u8], at: usize) -> bool {
    WORDS.anchors.holds(bytes, at)
}

impl Words {
    fn new(builtin: Dictionary) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut of = Vec::new();
        for (entry, p) in builtin.literals() {
            patterns.push(p.to_owned());
            of.push(Word::Entry(entry));
        }
        for (g, forms) in VARIANTS.iter().enumerate() {
            for (f, strings) in forms.iter().enumerate() {
                patterns.extend(strings.iter().map(|s| (*s).to_owned()));
                of.extend(strings.iter().map(|_| Word::Variant(g, f)));
            }
        }
        let anchors = Anchors::new(&patterns);
        let heads = patterns
            .iter()
            .map(|p| {
                let mut head = [0u8; 16];
                let n = p.len().min(16);
                head[..n].copy_from_slice(&p.as_bytes()[..n]);
                (u128::from_le_bytes(head), u128::MAX >> (8 * (16 - n)))
            })
            .collect();
        Words { builtin, patterns, heads, of, anchors }
    }

    /// Adds to `all` the patterns of `list` that stand around the anchor at byte `at` of
    /// `bytes`: (pattern, the anchor's offset in it).
    #[inline(always)]
    fn matches_at(&self, bytes: &[u8], at: usize, list: &[(usize, usize)], all: &mut Vec<(usize, usize, usize)>) {
        for &(p, offset) in list {
            let Some(start) = at.checked_sub(offset) else { continue };
            if self.pattern_at(p, bytes, start) {
                all.push((start, start + self.patterns[p].len(), p));
            }
        }
    }

    /// Whether pattern `p` stands at byte `start` of `bytes`. Its first 16 bytes are compared
    /// at once where the text has 16 bytes there: most candidates differ in them.
    #[inline]
    fn pattern_at(&self, p: usize, bytes: &[u8], start: usize) -> bool {
        let pattern = self.patterns[p].as_bytes();
        let window = bytes.get(start..).and_then(|b| b.first_chunk::<16>());
        match window {
            Some(window) => {
                let (head, mask) = self.heads[p];
                (u128::from_le_bytes(*window) ^ head) & mask == 0
                    && (pattern.len() <= 16 || bytes.get(start + 16..start + pattern.len()) == Some(&pattern[16..]))
            }
            None => bytes.get(start..start + pattern.len()) == Some(pattern),
        }
    }

    /// Whether `c`, at byte `at` of `bytes` (a UTF-8 text), is an anchor that a word may stand
    /// at ([`is_anchor`] and [`anchor_holds`]).
    #[inline]
    pub(crate) fn anchors_at(&self, bytes: &[u8], at: usize, c: char) -> bool {
        self.anchors.has(c) && self.anchors.holds(bytes, at)
    }

    /// The built-in dictionary's corrections (when `dictionary`) and the variant forms (when
    /// `variants`) in `text`, in `found` (what it held before is dropped); `anchors` are the
    /// offsets of every character of `text` that is an anchor a word may stand at
    /// ([`Words::anchors_at`]), which the pass that read the block noted.
    pub(crate) fn find(&self, text: &str, anchors: &[usize], (dictionary, variants): (bool, bool), found: &mut Found) {
        found.corrections.clear();
        found.variants.clear();
        if !(dictionary || variants) {
            return;
        }
        self.matches(text, anchors, &mut found.matches);
        for &(start, end, p) in &found.matches {
            match self.of[p] {
                Word::Entry(e) if dictionary => {
                    found.corrections.extend(self.builtin.literal_match(e, text, start..end));
                }
                Word::Variant(g, f) if variants => found.variants.push((g, f, start..end)),
                _ => {}
            }
        }
        if dictionary && self.builtin.has_regexes() {
            self.builtin.regex_matches(text, &mut found.corrections);
            tidy(&mut found.corrections);
        }
    }

    /// The patterns found in `text`, leftmost first, the longest of those starting at the same
    /// place, none overlapping (what an Aho-Corasick search with leftmost-longest matching
    /// gives), in `all`: (start, end, pattern).
    fn matches(&self, text: &str, anchors: &[usize], all: &mut Vec<(usize, usize, usize)>) {
        let bytes = text.as_bytes();
        all.clear();
        for &at in anchors {
            self.matches_at(bytes, at, self.anchors.patterns_at(bytes, at), all);
        }
        // Most blocks have no match, or one.
        if all.len() > 1 {
            all.sort_unstable_by_key(|&(start, end, p)| (start, std::cmp::Reverse(end), p));
            let mut taken_to = 0;
            all.retain(|&(start, end, _)| {
                let keep = start >= taken_to;
                if keep {
                    taken_to = end;
                }
                keep
            });
        }
    }
}

/// Where to look for the patterns of [`Words`]: each pattern is looked for only where its
/// rarest character (an anchor) occurs, found with one bit test per character of the text. An
/// automaton would step through every byte of every text, and the patterns begin with the
/// commonest kana (で, い, あ).
#[derive(Debug)]
struct Anchors {
    /// Which characters of U+0800–U+FFFF are anchors: bit `c % 64` of word `c / 64`.
    bits: Box<[u64; 1024]>,
    /// Each anchor's rank, by character.
    rank: Box<[u8; 0x10000]>,
    /// By rank: where the anchor's patterns start in `of`.
    starts: Vec<u32>,
    /// (pattern, the anchor's byte offset in it), by anchor.
    of: Vec<(usize, usize)>,
    /// By rank: the characters one of which must stand next to the anchor for any of its
    /// patterns to match there; none when the anchor alone is rare enough.
    partners: Vec<Vec<Partner>>,
    /// The characters of `partners` that stand before their anchors, and those that stand
    /// after them, in order.
    partner_chars: [Vec<char>; 2],
}

/// A character that stands right before (`after == false`) or right after an anchor in a
/// pattern: its UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Partner {
    after: bool,
    bytes: [u8; 3],
}

/// Below this [`rarity`], an anchor is looked for with a partner: kana, the katakana of most
/// loanwords and the commonest kanji, which stand in most paragraphs where their words do not.
const PAIRED_BELOW: u8 = 150;

/// The partners of the anchor `anchor`, given its patterns and its byte offset in each: none
/// when it is rare enough alone; else its neighbours on the side where its patterns have the
/// fewest different ones (でき before き in できる, できない...), none when a pattern has no
/// three-byte neighbour there.
fn partners(anchor: char, of: &[(&str, usize)]) -> Vec<Partner> {
    if rarity(anchor) >= PAIRED_BELOW {
        return Vec::new();
    }
    let side = |after: bool| -> Option<Vec<Partner>> {
        let mut list: Vec<Partner> = Vec::new();
        for &(pattern, offset) in of {
            let c = if after {
                pattern[offset + anchor.len_utf8()..].chars().next()
            } else {
                pattern[..offset].chars().next_back()
            };
            let c = c.filter(|c| c.len_utf8() == 3)?;
            let mut bytes = [0; 3];
            c.encode_utf8(&mut bytes);
            let partner = Partner { after, bytes };
            if !list.contains(&partner) {
                list.push(partner);
            }
        }
        Some(list)
    };
    [side(false), side(true)].into_iter().flatten().min_by_key(Vec::len).unwrap_or_default()
}

impl Anchors {
    fn new(patterns: &[String]) -> Self {
        let mut anchored: Vec<(u32, usize, usize)> = Vec::new();
        for (p, pattern) in patterns.iter().enumerate() {
            // Only three-byte characters (U+0800–U+FFFF) are looked for: every pattern has one
            // (a test holds the tables to it).
            let rarest = pattern
                .char_indices()
                .filter(|(_, c)| c.len_utf8() == 3)
                .max_by_key(|&(i, c)| (rarity(c), std::cmp::Reverse(i)));
            anchored.extend(rarest.map(|(offset, c)| (c as u32, p, offset)));
        }
        anchored.sort_unstable();
        let mut bits = Box::new([0u64; 1024]);
        let mut rank = Box::new([0u8; 0x10000]);
        let mut starts = Vec::new();
        for (k, &(c, _, _)) in anchored.iter().enumerate() {
            let c = c as usize;
            if bits[c >> 6] >> (c & 63) & 1 == 0 {
                // Fewer than 256 characters anchor the built-in tables (a test holds them to it).
                rank[c] = u8::try_from(starts.len()).unwrap_or(u8::MAX);
                starts.push(k as u32);
            }
            bits[c >> 6] |= 1 << (c & 63);
        }
        starts.push(anchored.len() as u32);
        let partners: Vec<Vec<Partner>> = starts
            .windows(2)
            .map(|w| {
                let group = &anchored[w[0] as usize..w[1] as usize];
                let of: Vec<(&str, usize)> =
                    group.iter().map(|&(_, p, offset)| (patterns[p].as_str(), offset)).collect();
                partners(char::from_u32(group[0].0).unwrap_or_default(), &of)
            })
            .collect();
        let of = anchored.into_iter().map(|(_, p, offset)| (p, offset)).collect();
        let partner_chars = [false, true].map(|after| {
            let mut chars: Vec<char> = partners
                .iter()
                .flatten()
                .filter(|p| p.after == after)
                .filter_map(|p| std::str::from_utf8(&p.bytes).ok()?.chars().next())
                .collect();
            chars.sort_unstable();
            chars.dedup();
            chars
        });
        Anchors { bits, rank, starts, of, partners, partner_chars }
    }

    /// Whether `c` anchors a word.
    #[inline]
    fn has(&self, c: char) -> bool {
        let c = c as usize;
        c < 0x10000 && self.bits[c >> 6] >> (c & 63) & 1 != 0
    }

    /// Whether a pattern may match around the anchor at byte `at` of `bytes`: it has no
    /// partners, or one of them stands next to it.
    #[inline]
    fn holds(&self, bytes: &[u8], at: usize) -> bool {
        let [lead, b1, b2, ..] = bytes[at..] else { return false };
        let c = usize::from(lead & 0x0F) << 12 | usize::from(b1 & 0x3F) << 6 | usize::from(b2 & 0x3F);
        let partners = &self.partners[usize::from(self.rank[c])];
        partners.is_empty()
            || partners.iter().any(|p| {
                let next =
                    if p.after { bytes.get(at + 3..at + 6) } else { at.checked_sub(3).and_then(|s| bytes.get(s..at)) };
                next == Some(&p.bytes[..])
            })
    }

    /// The patterns the anchor `c` anchors.
    #[inline]
    fn patterns_of(&self, c: usize) -> &[(usize, usize)] {
        let rank = usize::from(self.rank[c]);
        &self.of[self.starts[rank] as usize..self.starts[rank + 1] as usize]
    }

    /// The patterns anchored by the character at byte `at` of `bytes` (an anchor).
    fn patterns_at(&self, bytes: &[u8], at: usize) -> &[(usize, usize)] {
        match bytes[at..] {
            [lead, b1, b2, ..] => {
                self.patterns_of(usize::from(lead & 0x0F) << 12 | usize::from(b1 & 0x3F) << 6 | usize::from(b2 & 0x3F))
            }
            _ => &[],
        }
    }
}

/// How rare `c` is in Japanese prose, roughly: kanji and katakana are rarer than kana, and the
/// commonest kana (particles, verb endings) are the least rare of all; the katakana of most
/// loanwords and the commonest kanji come between. Only speed depends on it.
fn rarity(c: char) -> u8 {
    const COMMON_KANA: &str =
        "のにはをたがでてとしいるかなうすまれらこもりくっんあさきつおけよえだそわずじめせやどみばろ";
    const COMMON_KATAKANA: &str = "ンートルスイリクラタアシレドプフジメコカロマテ";
    const COMMON_KANJI: &str = "一人日大年出本中事分後前自下上行時見生会合言";
    if let Some(k) = COMMON_KANA.chars().position(|x| x == c) {
        return 1 + k as u8;
    }
    if c == 'ー' {
        return 1;
    }
    if let Some(k) = COMMON_KATAKANA.chars().position(|x| x == c) {
        return 60 + k as u8;
    }
    if COMMON_KANJI.contains(c) {
        return 100;
    }
    if is_kanji(c) || is_katakana(c) {
        return 200;
    }
    50
}

/// The string of form `f` of group `g` that `found` is (what [`Words::find`] matched).
pub(crate) fn form_string(g: usize, f: usize, found: &str) -> &'static str {
    VARIANTS[g][f].iter().copied().find(|s| *s == found).unwrap_or(VARIANTS[g][f][0])
}

/// Counts of each form of each group, over the whole site, from ((group, form), count) pairs.
pub(crate) fn tally(all: impl Iterator<Item = ((usize, usize), usize)>) -> Vec<Vec<usize>> {
    let mut counts: Vec<Vec<usize>> = VARIANTS.iter().map(|forms| vec![0; forms.len()]).collect();
    for ((g, f), n) in all {
        counts[g][f] += n;
    }
    counts
}

/// What [`minority`] says of each string the site writes in a minority form, by (group, form,
/// string): made once a build, so a finding's messages are copied, not written again.
pub(crate) type Minorities = std::collections::HashMap<(usize, usize, &'static str), (String, String, String)>;

/// [`minority`] for every string of every form, with the site's `counts`.
pub(crate) fn minorities(counts: &[Vec<usize>]) -> Minorities {
    let mut out = Minorities::new();
    for (g, forms) in VARIANTS.iter().enumerate() {
        for (f, strings) in forms.iter().enumerate() {
            for s in strings.iter().copied() {
                out.extend(minority(counts, g, f, s).map(|m| ((g, f, s), m)));
            }
        }
    }
    out
}

/// The form of a group the site uses most, given its forms' counts `c` (on a tie, the first
/// listed); None when it uses none.
fn majority(c: &[usize]) -> Option<usize> {
    (0..c.len()).max_by_key(|&i| (c[i], std::cmp::Reverse(i))).filter(|&best| c[best] > 0)
}

/// Whether the site uses another form of group `g` more than form `f`.
pub(crate) fn is_minority(counts: &[Vec<usize>], g: usize, f: usize) -> bool {
    majority(&counts[g]).is_some_and(|best| best != f)
}

/// For `found`, a string of form `f` of group `g`: the messages and the majority's string when
/// the site uses another form more (on a tie, the first form listed, the one the government's
/// style guide for official documents prefers, wins).
fn minority(counts: &[Vec<usize>], g: usize, f: usize, found: &str) -> Option<(String, String, String)> {
    let c = &counts[g];
    let best = majority(c).filter(|&best| best != f)?;
    let form = VARIANTS[g][f].iter().position(|s| *s == found).unwrap_or(0);
    let majority = VARIANTS[g][best].get(form).copied().unwrap_or(VARIANTS[g][best][0]);
    Some((
        format!("`{found}` is also written `{majority}` on this site ({} to {})", c[best], c[f]),
        format!("このサイトでは「{found}」と「{majority}」が混在しています（{}対{}）", c[best], c[f]),
        majority.to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the words of `w` may stand in `text`, as the passes over a block note them.
    fn anchors(w: &Words, text: &str) -> Vec<usize> {
        text.char_indices().filter(|&(i, c)| w.anchors_at(text.as_bytes(), i, c)).map(|(i, _)| i).collect()
    }

    fn find(w: &Words, text: &str, dictionary: bool, variants: bool) -> Found {
        let mut found = Found::default();
        w.find(text, &anchors(w, text), (dictionary, variants), &mut found);
        found
    }

    fn matches(w: &Words, text: &str, anchors: &[usize]) -> Vec<(Range<usize>, usize)> {
        let mut all = Vec::new();
        w.matches(text, anchors, &mut all);
        all.into_iter().map(|(start, end, p)| (start..end, p)).collect()
    }

    #[test]
    fn dictionary_words_and_variants_share_no_character() {
        let d = Dictionary::builtin();
        let variant_chars: std::collections::HashSet<char> =
            VARIANTS.iter().flat_map(|g| g.iter()).flat_map(|f| f.iter()).flat_map(|s| s.chars()).collect();
        for (_, p) in d.literals() {
            assert!(!p.chars().any(|c| variant_chars.contains(&c)), "{p}");
        }
        let w = Words::new(d);
        let t = "ユーザが後でサーバを見る。";
        let found = find(&w, t, true, true);
        let fixes: Vec<&str> = found.corrections.iter().map(|(r, _)| &t[r.clone()]).collect();
        assert_eq!(fixes, ["ユーザ", "サーバ"]);
        assert_eq!(found.variants.iter().map(|(_, _, r)| &t[r.clone()]).collect::<Vec<_>>(), ["後で"]);
        assert!(find(&w, t, false, false).corrections.is_empty());
    }

    #[test]
    fn every_pattern_has_an_anchor() {
        let w = Words::new(Dictionary::builtin());
        let mut anchored: Vec<usize> = w.anchors.of.iter().map(|a| a.0).collect();
        anchored.sort_unstable();
        assert_eq!(anchored, (0..w.patterns.len()).collect::<Vec<_>>());
        assert!(w.anchors.starts.len() <= 256);
    }

    #[test]
    fn common_kana_are_looked_for_with_a_partner() {
        let w = Words::new(Dictionary::builtin());
        let partners = |c: char| &w.anchors.partners[usize::from(w.anchors.rank[c as usize])];
        let bytes = |c: char| {
            let mut b = [0; 3];
            c.encode_utf8(&mut b);
            b
        };
        assert_eq!(partners('す'), &[Partner { after: true, bytes: bytes('で') }]);
        assert_eq!(partners('き'), &[Partner { after: false, bytes: bytes('で') }]);
        assert!(partners('ユ').is_empty() && partner_side('ユ').is_none());
        assert_eq!((partner_side('す'), partner_side('後'), partner_side('の')), (Some(true), Some(true), None));
        assert_eq!(partner_side('き'), Some(false));
        assert!(is_partner('で', true) && is_partner('で', false) && !is_partner('の', true));
        let t = "すでにすぐ来る".as_bytes();
        assert!(anchor_holds(t, 0) && !anchor_holds(t, 9));
        assert_eq!(find(&w, "すぐにすでに", false, true).variants.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn anchored_search_finds_what_an_automaton_finds(picks in proptest::collection::vec(0usize..39, 0..60)) {
            // Pieces of patterns, whole patterns, overlapping ones (あとで/あとから, いろいろいろ),
            // the characters around them, paired anchors with and without their partners, and
            // patterns longer than the 16 bytes compared at once.
            const PIECES: [&str; 39] = [
                "あと", "で", "から", "後", "いろ", "できる", "でき", "ユーザ", "ー", "サーバ", "ント",
                "一", "言", "ひと", "分か", "る", "問", "合", "い", "せ", "わ", "。", "a", "全て",
                "す", "すでに", "に", "ま", "また", "は", "き", "さ", "ん", "たく", "ら", "もらっ",
                "インターフェイス", "インタフェイ", "フェ",
            ];
            let w = Words::new(Dictionary::builtin());
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            let ac = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&w.patterns)
                .unwrap();
            let expected: Vec<(Range<usize>, usize)> =
                ac.find_iter(&text).map(|m| (m.range(), m.pattern().as_usize())).collect();
            let anchors: Vec<usize> = text
                .char_indices()
                .filter(|&(i, c)| is_anchor(c) && anchor_holds(text.as_bytes(), i))
                .map(|(i, _)| i)
                .collect();
            proptest::prop_assert_eq!(matches(&w, &text, &anchors), expected, "{:?}", text);
        }
    }

    #[test]
    fn the_minority_form_is_reported_with_the_majority_suggested() {
        let v = Words::new(Dictionary::builtin());
        let texts = ["ひと言添えます。ひと言で十分です。", "一言だけ。", "分かりました。わからない。わかる。"];
        let occ: Vec<(usize, usize, String)> = texts
            .iter()
            .flat_map(|t| find(&v, t, false, true).variants.into_iter().map(|(g, f, r)| (g, f, t[r].to_string())))
            .collect();
        let counts = tally(occ.iter().map(|(g, f, _)| ((*g, *f), 1)));
        let hits: Vec<(String, String)> =
            occ.iter().filter_map(|(g, f, s)| minority(&counts, *g, *f, s).map(|m| (s.clone(), m.2))).collect();
        assert_eq!(hits, [("一言".into(), "ひと言".into()), ("分かり".into(), "わかり".into())]);
    }
}
