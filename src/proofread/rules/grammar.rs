//! ら抜き言葉 and doubled particles, told from character classes alone (no morphological
//! analysis: no dictionary of that kind installs from the registries here).

use std::sync::LazyLock;

use memchr::memmem;

use super::{Hit, Rule};
use crate::proofread::prose::HOLE;
use crate::text::chars::{is_hiragana, is_kanji, is_katakana};

/// Kana that end the stem of an ichidan verb (え段 and い段): 食べ, 考え, 起き, 信じ...
fn is_ichidan_stem_end(c: char) -> bool {
    matches!(
        c,
        'え' | 'け'
            | 'げ'
            | 'せ'
            | 'ぜ'
            | 'て'
            | 'で'
            | 'ね'
            | 'へ'
            | 'べ'
            | 'ぺ'
            | 'め'
            | 'い'
            | 'き'
            | 'ぎ'
            | 'し'
            | 'じ'
            | 'ち'
            | 'ぢ'
            | 'に'
            | 'ひ'
            | 'び'
            | 'ぴ'
            | 'み'
            | 'り'
    )
}

/// One-kanji ichidan verbs written without okurigana: 見る, 来る, 出る, 寝る, 着る, 居る...
fn is_one_kanji_verb(c: char) -> bool {
    matches!(c, '見' | '来' | '出' | '寝' | '着' | '居' | '似' | '煮')
}
/// What follows the potential's れ: る, ない, ます, た, て... (not れば, which is correct).
const AFTER_RE: &[&str] = &["る", "ない", "なかっ", "ます", "ません", "まし", "た", "て", "ず"];

/// れ, the character [`ra_nuki`] looks for.
pub(crate) fn is_re(c: char) -> bool {
    c == 'れ'
}

/// Finds れ; made once, not once a block.
static RE: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("れ"));

/// 食べれる, 来れる, 起きれない: the potential form without ら.
pub(crate) fn ra_nuki(text: &str, out: &mut Vec<Hit>) {
    ra_nuki_at(text, RE.find_iter(text.as_bytes()), out);
}

/// [`ra_nuki`] where the places of every れ of `text` are known (`at`, in order).
pub(crate) fn ra_nuki_at(text: &str, at: impl IntoIterator<Item = usize>, out: &mut Vec<Hit>) {
    for i in at {
        let c = 'れ';
        // The stem first: れ is common, a verb stem before it is not.
        let mut before = text[..i].char_indices().rev();
        let (Some((p1, prev)), second) = (before.next(), before.next()) else { continue };
        let start = match second {
            Some((p2, k)) if is_ichidan_stem_end(prev) && is_kanji(k) => p2,
            _ if is_one_kanji_verb(prev) && !second.is_some_and(|(_, k)| is_kanji(k)) => p1,
            _ => continue,
        };
        let rest = &text[i + c.len_utf8()..];
        let Some(after) = AFTER_RE.iter().find(|a| rest.starts_with(**a)) else { continue };
        let end = i + c.len_utf8() + after.len();
        let stem = &text[start..i];
        let fixed = format!("{stem}られ{after}");
        let mut hit = Hit::new(
            Rule::RaNuki,
            start..end,
            format!("`{}` drops the ら of the potential form", &text[start..end]),
            format!("ら抜き言葉「{}」", &text[start..end]),
        );
        hit.suggestion = Some(fixed);
        out.push(hit);
    }
}

/// Verb and adjective endings (u-row, た, だ, い) that end a modifying clause when a noun
/// follows: 言葉を選べる手段を使う has one を per verb.
pub(crate) fn is_clause_end(c: char) -> bool {
    matches!(c, 'う' | 'く' | 'ぐ' | 'す' | 'つ' | 'ぬ' | 'ぶ' | 'む' | 'る' | 'た' | 'だ' | 'い')
}

/// Punctuation and brackets that end a clause. (A `matches!`, not `str::contains`: this runs
/// on every character, and searching a string for a multi-byte character is slow.)
fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        '、' | '，'
            | '。'
            | '．'
            | '！'
            | '？'
            | '!'
            | '?'
            | '「'
            | '」'
            | '『'
            | '』'
            | '（'
            | '）'
            | '('
            | ')'
            | '\n'
    )
}

/// Nouns written in kana that a modifying clause often ends before.
const FORMAL_NOUNS: &[&str] = &["こと", "とき", "もの", "つもり", "ため", "よう", "はず", "ところ", "ほう", "の", "と"];

/// The first kana of the [`FORMAL_NOUNS`]: most characters are none, and need no comparing.
fn starts_formal_noun(c: char) -> bool {
    matches!(c, 'こ' | 'と' | 'も' | 'つ' | 'た' | 'よ' | 'は' | 'ほ' | 'の')
}

/// What the particle rule asks of a character, its neighbours' included, as bits: it reads
/// these ([`kind_of`], looked up in [`super::scan`]'s table), never the characters.
pub(crate) type Kind = u16;

/// A kanji.
const K_KANJI: Kind = 1;
/// A katakana.
const K_KATAKANA: Kind = 2;
/// A hiragana.
const K_HIRAGANA: Kind = 4;
/// What は, が and で are particles after: a kanji, a katakana, a Latin letter or digit, a
/// closing bracket or a [`HOLE`] (code, a URL).
const K_NOUN_LIKE: Kind = 8;
/// What が does not stand before as a particle (広がる, 下がり, 上がって): る り ら れ っ ろ.
const K_AFTER_GA: Kind = 16;
/// What で does not stand before as a particle: できる, でした, です, である, では, でも, でない.
const K_AFTER_DE: Kind = 32;
/// Punctuation and brackets that end a clause ([`is_clause_mark`]).
const K_MARK: Kind = 64;
/// て and で: a verb's て form ends a clause.
const K_TE: Kind = 128;
/// に, which ends a clause after ず.
const K_NI: Kind = 256;
/// ず.
const K_ZU: Kind = 512;
/// A verb or adjective ending ([`is_clause_end`]).
const K_CLAUSE_END: Kind = 1024;
/// The first kana of a formal noun ([`starts_formal_noun`]).
const K_FORMAL: Kind = 2048;
/// The particles the rule checks, one bit each, in the order of [`PARTICLES`].
const K_PARTICLE: Kind = 0xF000;
/// The particles the rule checks: particle `k` has bit `K_PARTICLE` bit `k`.
const PARTICLES: [char; 4] = ['は', 'が', 'を', 'で'];

/// The [`Kind`] of `c`.
pub(crate) fn kind_of(c: char) -> Kind {
    let bits = [
        (is_kanji(c), K_KANJI),
        (is_katakana(c), K_KATAKANA),
        (is_hiragana(c), K_HIRAGANA),
        (
            is_kanji(c) || is_katakana(c) || c.is_ascii_alphanumeric() || matches!(c, '」' | '』' | '）' | ')' | HOLE),
            K_NOUN_LIKE,
        ),
        (matches!(c, 'る' | 'り' | 'ら' | 'れ' | 'っ' | 'ろ'), K_AFTER_GA),
        (matches!(c, 'き' | 'し' | 'す' | 'あ' | 'は' | 'も' | 'な'), K_AFTER_DE),
        (is_clause_mark(c), K_MARK),
        (matches!(c, 'て' | 'で'), K_TE),
        (c == 'に', K_NI),
        (c == 'ず', K_ZU),
        (is_clause_end(c), K_CLAUSE_END),
        (starts_formal_noun(c), K_FORMAL),
    ];
    let particle = PARTICLES.iter().position(|&p| p == c).map_or(0, |k| 0x1000 << k);
    bits.iter().filter(|(is, _)| *is).fold(particle, |kind, (_, bit)| kind | bit)
}

/// Whether [`Particles::step`] reads the kind of the character after one of kind `kind`: after
/// が and で (a particle or part of a word), and after a verb's ending (a clause ends before a
/// noun). It is given none after the others.
#[inline]
pub(crate) fn reads_next(kind: Kind) -> bool {
    kind & (0x2000 | 0x8000 | K_CLAUSE_END) != 0
}

/// Whether a character of kind `kind`, between `prev` and `next`, is a particle rather than
/// part of a word: は and が after a noun-like character, but not が inside a verb (広がる); を
/// after anything; で after a noun-like character unless it starts できる, でした, です...
#[inline]
fn is_particle(prev: Option<Kind>, kind: Kind, next: Option<Kind>) -> bool {
    let particle = kind & K_PARTICLE;
    // What the particle may not stand before. Not a `match` on the particle: the compiler
    // makes that a jump through a table, mispredicted as the particles alternate.
    let not_before =
        (if particle == 0x2000 { K_AFTER_GA } else { 0 }) | (if particle == 0x8000 { K_AFTER_DE } else { 0 });
    if particle == 0x4000 {
        return prev.is_some();
    }
    particle != 0 && prev.is_some_and(|p| p & K_NOUN_LIKE != 0) && next.is_none_or(|n| n & not_before == 0)
}

/// Whether a clause ends after a character of kind `kind` (`rest` gives the text after it): a
/// verb's て/で or ずに form, or a verb's or adjective's plain form before a noun.
#[inline]
fn ends_clause<'t>(prev: Kind, kind: Kind, next: Option<Kind>, rest: impl FnOnce() -> &'t str) -> bool {
    (kind & K_TE != 0 && prev & K_HIRAGANA != 0)
        || (kind & K_NI != 0 && prev & K_ZU != 0)
        || (kind & K_CLAUSE_END != 0
            && prev & (K_HIRAGANA | K_KANJI) != 0
            && next.is_some_and(|n| {
                n & (K_KANJI | K_KATAKANA) != 0
                    || (n & K_FORMAL != 0 && {
                        let rest = rest();
                        FORMAL_NOUNS.iter().any(|f| rest.starts_with(f))
                    })
            }))
}

/// Particles further apart than this (in characters) belong to different phrases often enough
/// that a long clause without commas is not reported.
const MAX_GAP: usize = 12;

/// The particles [`Particles::step`] checks: it must read each one.
pub(crate) fn is_particle_checked(c: char) -> bool {
    matches!(c, 'は' | 'が' | 'を' | 'で')
}

/// The other characters [`Particles::step`] does more than count: clause marks, て and に, which
/// can end a clause. They change nothing while no particle is open ([`Particles::open`]). It
/// reads a verb or adjective ending ([`is_clause_end`]) only before a character that
/// [`may_follow_clause`].
pub(crate) fn may_end_clause(c: char) -> bool {
    is_clause_mark(c) || matches!(c, 'て' | 'に')
}

/// What a modifying clause can end before: a kanji, a katakana or a formal noun's first kana.
pub(crate) fn may_follow_clause(c: char) -> bool {
    is_kanji(c) || is_katakana(c) || starts_formal_noun(c)
}

/// Finds the same particle twice in one clause (今日は天気はいい), a character at a time (see
/// [`super::scan`]). Only は, が, を, で are checked: の, に, と, も and や repeat in natural
/// prose (面接の日程の連絡). Clauses end at 、。！？, brackets, link texts (`breaks`) and the end
/// of a verb's clause.
pub(crate) struct Particles<'b> {
    /// Per particle: (byte offset, character index) of its last use, in the current clause if
    /// its bit of `open` is set.
    seen: [(usize, usize); 4],
    /// Which particles of `seen` were used in the current clause, bit `k` for particle `k`:
    /// ending a clause clears one byte.
    open: u8,
    /// Offsets where a link's text starts or ends, in order; the ones passed are dropped.
    breaks: &'b [usize],
}

impl<'b> Particles<'b> {
    pub(crate) fn new(breaks: &'b [usize]) -> Self {
        Particles { seen: [(0, 0); 4], open: 0, breaks }
    }

    /// Whether a particle of the current clause was seen: if not, ending the clause changes
    /// nothing.
    #[inline]
    pub(crate) fn open(&self) -> bool {
        self.open != 0
    }

    /// Where the characters that may go unread end: the next link text's edge.
    #[inline]
    pub(crate) fn plain_until(&self) -> usize {
        self.breaks.first().copied().unwrap_or(usize::MAX)
    }

    /// Reads a verb's or adjective's ending of kind `kind` (between characters of kinds `prev`
    /// and `next`, which starts at byte `after` of `text`), which is neither a particle nor a
    /// mark: only the end of a clause there changes anything.
    #[inline]
    pub(crate) fn end_clause(&mut self, text: &str, after: usize, (prev, kind, next): (Kind, Kind, Kind)) {
        if ends_clause(prev, kind, Some(next), || &text[after..]) {
            self.open = 0;
        }
    }

    /// Reads the character at byte `i` of `text` (its character `n`), `len` bytes long, of kind
    /// `kind` between characters of kinds `prev` and `next`.
    #[inline(always)]
    pub(crate) fn step(
        &mut self,
        text: &str,
        (i, len, n): (usize, usize, usize),
        (prev, kind, next): (Option<Kind>, Kind, Option<Kind>),
        out: &mut Vec<Hit>,
    ) {
        while self.breaks.first().is_some_and(|&b| b < i) {
            self.breaks = &self.breaks[1..];
        }
        if self.breaks.first() == Some(&i) || kind & K_MARK != 0 {
            self.open = 0;
        } else if kind & K_PARTICLE != 0 && is_particle(prev, kind, next) {
            let k = (kind >> 12).trailing_zeros() as usize;
            match self.seen[k] {
                (first, at) if self.open >> k & 1 != 0 && n - at <= MAX_GAP => {
                    let c = PARTICLES[k];
                    out.push(Hit::new(
                        Rule::DoubledParticle,
                        first..i + len,
                        format!("the particle `{c}` twice in one clause"),
                        format!("一つの節に助詞「{c}」が2回使われています"),
                    ));
                    self.open = 0;
                }
                _ => {
                    self.seen[k] = (i, n);
                    self.open |= 1 << k;
                }
            }
        }
        // Tested first without a call: most characters it reads (は, が, を, marks) end none.
        if kind & (K_TE | K_NI | K_CLAUSE_END) != 0
            && prev.is_some_and(|p| ends_clause(p, kind, next, || &text[i + len..]))
        {
            self.open = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doubled(t: &str, out: &mut Vec<Hit>) {
        super::super::scan::running_text(t, &[], None, true, out, &mut Default::default(), Vec::new());
    }

    fn found(f: fn(&str, &mut Vec<Hit>), t: &str) -> Vec<String> {
        let mut out = Vec::new();
        f(t, &mut out);
        out.into_iter().map(|h| t[h.range].to_string()).collect()
    }

    /// The particle rule's tests as they were written on characters: what the tests on
    /// [`Kind`]s are held to.
    fn is_particle_by_char(prev: Option<char>, c: char, next: Option<char>) -> bool {
        let noun_like = |p: char| {
            is_kanji(p)
                || is_katakana(p)
                || p.is_ascii_alphanumeric()
                || matches!(p, '」' | '』' | '）' | ')')
                || p == HOLE
        };
        match c {
            'を' => prev.is_some(),
            'は' => prev.is_some_and(noun_like),
            'が' => {
                prev.is_some_and(noun_like)
                    && !next.is_some_and(|n| matches!(n, 'る' | 'り' | 'ら' | 'れ' | 'っ' | 'ろ'))
            }
            'で' => {
                prev.is_some_and(noun_like)
                    && !next.is_some_and(|n| matches!(n, 'き' | 'し' | 'す' | 'あ' | 'は' | 'も' | 'な'))
            }
            _ => false,
        }
    }

    /// See [`is_particle_by_char`].
    fn ends_clause_by_char(prev: char, c: char, next: Option<char>, rest: &str) -> bool {
        ((c == 'て' || c == 'で') && is_hiragana(prev))
            || (c == 'に' && prev == 'ず')
            || (is_clause_end(c)
                && (is_hiragana(prev) || is_kanji(prev))
                && next
                    .is_some_and(|n| is_kanji(n) || is_katakana(n) || FORMAL_NOUNS.iter().any(|f| rest.starts_with(f))))
    }

    #[test]
    fn the_kinds_decide_as_the_characters_did() {
        // Every character some test names, and a few of each kind besides.
        let alphabet: Vec<char> = "はがをでるりられっろきしすあもなてにずうくぐつぬぶむただいこともつよほの\
             、，。．！？!?「」『』（）()\n漢字々カーａa7 \u{FFFC}ん見"
            .chars()
            .collect();
        let opt = |c: &char| [None, Some(*c)];
        // The texts after a character: the next one and what may follow it.
        let rests = |next: Option<char>| {
            let n = next.map(String::from).unwrap_or_default();
            ["", "と", "とこ", "ころ", "の", "よう"].map(|r| n.clone() + r)
        };
        for &c in &alphabet {
            assert_eq!(kind_of(c) & K_MARK != 0, is_clause_mark(c), "{c:?}");
            for next in alphabet.iter().flat_map(opt) {
                let rests = rests(next);
                for prev in alphabet.iter().flat_map(opt) {
                    let kinds = (prev.map(kind_of), kind_of(c), next.map(kind_of));
                    assert_eq!(is_particle(kinds.0, kinds.1, kinds.2), is_particle_by_char(prev, c, next));
                    let Some(prev) = prev else { continue };
                    for rest in &rests {
                        assert_eq!(
                            ends_clause(kind_of(prev), kinds.1, kinds.2, || rest),
                            ends_clause_by_char(prev, c, next, rest),
                            "{prev}{rest}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn ra_nuki_hits_and_correct_forms() {
        assert_eq!(found(ra_nuki, "明日は来れる。"), ["来れる"]);
        assert_eq!(found(ra_nuki, "野菜を食べれない"), ["食べれない"]);
        assert_eq!(found(ra_nuki, "朝早く起きれます"), ["起きれます"]);
        for ok in [
            "来れば分かる",
            "食べられる",
            "入れる",
            "忘れる",
            "かもしれない",
            "受け入れる",
            "生まれる",
            "書ける",
            "見れば",
            "出来れば",
        ] {
            assert!(found(ra_nuki, ok).is_empty(), "{ok}");
        }
    }

    #[test]
    fn doubled_particles_but_not_legitimate_repeats() {
        assert_eq!(found(doubled, "今日は天気はいい。"), ["は天気は"]);
        assert_eq!(found(doubled, "資料を机を使って置く"), ["を机を"]);
        for ok in [
            "面接の日程の連絡の方法",
            "今日は、天気はいい",
            "担当者が確認できるまで電話で待つ",
            "私は「彼は来る」と思う",
            "東京ではなく大阪で働く",
            "候補者の返事を待って次の予定を組む",
            "担当者は応募先の企業に対して何も説明ができなくなり企業の採用計画にも影響が出る",
            "自分が落ち着いて言葉を選べる手段を使いましょう",
            "悪質なバックレをした求職者の情報を共有する",
            "内定を辞退するときや転職活動を終えるときにも",
            "どんな点に気をつけるつもりかを伝える",
            "選択肢が広がるので",
        ] {
            assert!(found(doubled, ok).is_empty(), "{ok}");
        }
    }
}
