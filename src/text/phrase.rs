//! Phrase splitting for line breaks: BudouX's Japanese model proposes where a line may break,
//! then kinsoku rules (JIS X 4051's line-start and line-end prohibitions) move or drop the
//! breaks that would start a line with closing punctuation or end one with an opening bracket.
//! BudouX alone sometimes proposes those.
//!
//! Used for short display strings (titles, headings, navigation labels), where a break in the
//! middle of a word is most visible; body text is left to the browser's `line-break: strict`.

/// Characters a line must not start with: closing brackets and punctuation, the prolonged sound
/// mark, iteration marks and small kana.
const NO_LINE_START: &str = concat!(
    "、。，．・：；？！‼⁇⁈⁉）」』】〕〉》］｝〗〙〟｣)]},.:;?!”’…‥",
    "ー〜～゠‐–々〻ゝゞヽヾ",
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶｧｨｩｪｫｬｭｮｯｰﾞﾟ",
);

/// Characters a line must not end with: opening brackets and quotation marks.
const NO_LINE_END: &str = "「『（【〔〈《［｛〖〘〝｢([{“‘";

/// `set`'s characters, sorted once, for a binary search: kinsoku checks each proposed break.
fn sorted(set: &str) -> Vec<char> {
    let mut chars: Vec<char> = set.chars().collect();
    chars.sort_unstable();
    chars
}

fn no_line_start(c: char) -> bool {
    static SET: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    SET.get_or_init(|| sorted(NO_LINE_START)).binary_search(&c).is_ok()
        || matches!(c, 'ㇰ'..='ㇿ')
        // Combining marks, dakuten, variation selectors and joiners belong to the glyph before.
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{3099}'..='\u{309C}' | '\u{FE00}'..='\u{FE0F}')
        || matches!(c, '\u{E0100}'..='\u{E01EF}' | '\u{200D}')
}

fn no_line_end(c: char) -> bool {
    static SET: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    SET.get_or_init(|| sorted(NO_LINE_END)).binary_search(&c).is_ok() || c == '\u{200D}'
}

/// BudouX's Japanese model (Apache-2.0, see `budoux_ja.LICENSE`), as shipped in the `budoux`
/// npm package 0.9.2: for each of 13 features, the score of each character, pair or triple.
const MODEL_JSON: &str = include_str!("budoux_ja.json");

/// Scores of one character for BudouX's features UW1–UW6: the character three, two and one
/// before a possible break, and the one right after it, then one and two further on.
type Uni = [i32; 6];
/// Scores of a pair of characters for BW1–BW3: the pair starting two or one before the break,
/// or right after it.
type Bi = [i32; 3];
/// Scores of three characters for TW1–TW4: the triple starting three, two or one before the
/// break, or right after it.
type Tri = [i32; 4];

/// The model by window size: each character, pair or triple (packed into a number, 21 bits a
/// character) with its scores for every feature of that size, so a text needs one lookup per
/// character for each size instead of one per feature and position.
struct Model {
    uni: ahash::AHashMap<u32, Uni>,
    bi: ahash::AHashMap<u64, Bi>,
    tri: ahash::AHashMap<u64, Tri>,
    /// The sum of every score: a break is where the scores that apply add up to more than half.
    total: i64,
    /// Entries read, for the test that the bundled model was read whole.
    #[cfg(test)]
    entries: usize,
}

/// `chars` packed into one number, 21 bits each (a character needs at most 21).
fn pack(chars: &[char]) -> u64 {
    chars.iter().fold(0, |key, &c| key << 21 | c as u64)
}

/// The model, read on first use. The text is bundled and a unit test reads it; were it ever
/// unreadable, titles would simply get no breaks.
fn model() -> &'static Model {
    static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        type Groups = std::collections::HashMap<String, std::collections::HashMap<String, i64>>;
        let groups: Groups = serde_json::from_str(MODEL_JSON).unwrap_or_default();
        let mut m = Model {
            uni: Default::default(),
            bi: Default::default(),
            tri: Default::default(),
            total: 0,
            #[cfg(test)]
            entries: 0,
        };
        for (feature, scores) in &groups {
            // "UW1" → window size 1, slot 0.
            let (kind, slot) = feature.split_at(2);
            let Some(slot) = slot.parse::<usize>().ok().and_then(|s| s.checked_sub(1)) else { continue };
            for (key, &score) in scores {
                let chars: Vec<char> = key.chars().collect();
                let cell = match (kind, chars.len()) {
                    ("UW", 1) => m.uni.entry(chars[0] as u32).or_default().get_mut(slot),
                    ("BW", 2) => m.bi.entry(pack(&chars)).or_default().get_mut(slot),
                    ("TW", 3) => m.tri.entry(pack(&chars)).or_default().get_mut(slot),
                    _ => None,
                };
                if let Some(cell) = cell {
                    *cell = score as i32;
                    m.total += score;
                    #[cfg(test)]
                    {
                        m.entries += 1;
                    }
                }
            }
        }
        m
    })
}

/// Where BudouX would break `run` (byte offsets, ascending, never 0 or `run.len()`).
///
/// BudouX's own algorithm over the bundled model: before character `i`, the score is the sum of
/// UW1–UW6 of the characters `i-3`..`i+2`, BW1–BW3 of the pairs starting at `i-2`..`i` and
/// TW1–TW4 of the triples starting at `i-3`..`i`, each counted only when its window lies inside
/// the run. The `budoux` crate carries an older model and builds a string for each feature at
/// each character, which made splitting a large site's headings slower than the rest of the
/// build (docs/dev/typography.md).
fn budoux(run: &str, mut found: impl FnMut(usize)) {
    let m = model();
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let c = |j: usize| chars.get(j).map(|&(_, c)| c);
    // One table of each character's scores, those of the pair and the triple it starts (zero
    // where the window runs past the run, as a missing entry counts).
    let scores: Vec<(Uni, Bi, Tri)> = (0..chars.len())
        .map(|j| {
            let uni = c(j).and_then(|a| m.uni.get(&(a as u32))).copied().unwrap_or_default();
            let bi = match (c(j), c(j + 1)) {
                (Some(a), Some(b)) => m.bi.get(&pack(&[a, b])).copied().unwrap_or_default(),
                _ => Bi::default(),
            };
            let tri = match (c(j), c(j + 1), c(j + 2)) {
                (Some(a), Some(b), Some(d)) => m.tri.get(&pack(&[a, b, d])).copied().unwrap_or_default(),
                _ => Tri::default(),
            };
            (uni, bi, tri)
        })
        .collect();
    let at = |i: usize, back: usize| i.checked_sub(back).and_then(|j| scores.get(j));
    for (i, &(byte, _)) in chars.iter().enumerate().skip(1) {
        let score = (0..6).map(|k| at(i + 2, 5 - k).map_or(0, |s| i64::from(s.0[k]))).sum::<i64>()
            + (0..3).map(|k| at(i + 2, 4 - k).map_or(0, |s| i64::from(s.1[k]))).sum::<i64>()
            + (0..4).map(|k| at(i + 3, 6 - k).map_or(0, |s| i64::from(s.2[k]))).sum::<i64>();
        if 2 * score > m.total {
            found(byte);
        }
    }
}

/// True when a break at byte `at` of `text` breaks no kinsoku rule.
fn allowed(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    match (before, after) {
        (Some(b), Some(a)) => !no_line_end(b) && !no_line_start(a),
        _ => false,
    }
}

/// Moves a proposed break to the nearest place kinsoku allows: forward past closing
/// punctuation (`テスト|。です` → `テスト。|です`), then back before opening brackets
/// (`詳細は|（別紙）` stays, `詳細は（|別紙）` → `詳細は|（別紙）`). None: no such place nearby.
fn settle(text: &str, mut at: usize) -> Option<usize> {
    while let Some(c) = text[at..].chars().next().filter(|&c| no_line_start(c)) {
        at += c.len_utf8();
    }
    while let Some(c) = text[..at].chars().next_back().filter(|&c| no_line_end(c)) {
        at -= c.len_utf8();
    }
    allowed(text, at).then_some(at)
}

/// Byte offsets where `text` may break between phrases, ascending, never 0 or `text.len()`.
fn breaks(text: &str) -> Vec<usize> {
    // Whitespace is already a break opportunity for the browser; BudouX only helps where there
    // is none, so it sees each run between spaces alone.
    let mut out = Vec::new();
    let mut run_start = 0;
    for run in text.split(|c: char| c.is_whitespace()) {
        if run.chars().any(crate::text::chars::is_cjk) {
            budoux(run, |at| {
                out.extend(settle(text, run_start + at).filter(|&b| b > run_start && b < run_start + run.len()));
            });
        }
        run_start += run.len() + text[run_start + run.len()..].chars().next().map_or(0, char::len_utf8);
    }
    out.dedup();
    out
}

/// Splits `text` into phrases: slices of it that a line should not break inside. Concatenated,
/// they are `text` again. Empty text gives no phrases.
pub(crate) fn phrases(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for at in breaks(text) {
        out.push(&text[start..at]);
        start = at;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// `text` (plain, not yet escaped) as HTML: escaped, with `<wbr>` between its phrases. Taking
/// plain text and escaping it here means an entity can never be split and nothing is escaped
/// twice.
///
/// Callers split each string once per build and keep the result (page titles in
/// `render::Shared`, a heading for itself and its table-of-contents entry). Besides, each
/// thread keeps the strings it split last: sites repeat headings (まとめ, 手順) on many pages.
/// Bounded: emptied when full.
pub(crate) fn phrases_html(text: &str) -> String {
    const KEEP: usize = 4096;
    thread_local! {
        static SPLIT: std::cell::RefCell<ahash::AHashMap<Box<str>, Box<str>>> = Default::default();
    }
    #[cfg(test)]
    tests::count_split(text);
    if !text.chars().any(crate::text::chars::is_cjk) {
        return crate::web::escape::escape(text);
    }
    SPLIT.with_borrow_mut(|split| {
        if let Some(html) = split.get(text) {
            return html.to_string();
        }
        let html = split_html(text);
        if split.len() >= KEEP {
            split.clear();
        }
        split.insert(text.into(), html.as_str().into());
        html
    })
}

fn split_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut start = 0;
    for at in breaks(text) {
        crate::web::escape::escape_into(&mut out, &text[start..at]);
        out.push_str("<wbr>");
        start = at;
    }
    crate::web::escape::escape_into(&mut out, &text[start..]);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};

    /// How often each string went through [`phrases_html`] in this test process, for tests
    /// that pin a string being split once per build. Tests run in parallel: each counts a
    /// string of its own.
    static SPLITS: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);

    pub(crate) fn count_split(text: &str) {
        *SPLITS.lock().unwrap_or_else(|e| e.into_inner()).entry(text.to_string()).or_default() += 1;
    }

    pub(crate) fn splits_of(text: &str) -> usize {
        SPLITS.lock().unwrap_or_else(|e| e.into_inner()).get(text).copied().unwrap_or(0)
    }

    fn split(text: &str) -> Vec<&str> {
        let p = phrases(text);
        assert_eq!(p.concat(), text, "phrases must rebuild the text");
        p
    }

    #[test]
    fn budoux_splits_japanese_into_phrases() {
        assert_eq!(split("今日はとても天気です。"), ["今日は", "とても", "天気です。"]);
        assert_eq!(split("日本語"), ["日本語"]);
        assert!(split("").is_empty());
    }

    #[test]
    fn the_same_phrases_as_budoux_itself() {
        // Vectors from BudouX's JavaScript parser (npm budoux 0.9.2) with the same model.
        let cases: [(&str, &[&str]); 4] = [
            (
                "転職エージェントへの連絡を止めたときに起きること",
                &["転職エージェントへの", "連絡を", "止めた", "ときに", "起きる", "こと"],
            ),
            (
                "担当者への連絡を止めた理由を正直に伝えるための例文",
                &["担当者への", "連絡を", "止めた", "理由を", "正直に", "伝える", "ための", "例文"],
            ),
            (
                "連絡を再開するときの謝罪メールの書き方と送るタイミング",
                &["連絡を", "再開する", "ときの", "謝罪メールの", "書き方と", "送る", "タイミング"],
            ),
            (
                "日本語の文章において語の区切りに空白を挟んで記述すること",
                &["日本語の", "文章に", "おいて", "語の", "区切りに", "空白を", "挟んで", "記述する", "こと"],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(split(text), want, "{text}");
        }
        assert_eq!(model().entries, 1630, "the bundled model was read whole");
    }

    #[test]
    fn no_phrase_starts_with_closing_punctuation_or_small_kana() {
        for text in [
            "「転職エージェント」への連絡を止めたときに起きること",
            "担当者に謝罪する（電話・メール）、そして次の面接へ",
            "キャッチャー、ショッピング、ジャッジ、ファイル・フォーマット",
            "人々が時々ゆっくり歩く。ラーメン、チョコレート！",
            "【重要】『手引き』を読む――そのあと「連絡」する",
        ] {
            for p in split(text).iter().skip(1) {
                let first = p.chars().next().unwrap();
                assert!(!no_line_start(first), "{p:?} starts with {first} in {text:?}");
            }
            for p in split(text).iter().rev().skip(1) {
                let last = p.chars().next_back().unwrap();
                assert!(!no_line_end(last), "{p:?} ends with {last} in {text:?}");
            }
        }
    }

    #[test]
    fn settle_moves_breaks_past_closing_punctuation_and_before_opening_brackets() {
        let text = "テスト。です";
        assert_eq!(settle(text, "テスト".len()), Some("テスト。".len()));
        let text = "詳細は（別紙）";
        assert_eq!(settle(text, "詳細は（".len()), Some("詳細は".len()));
        // Small kana and the prolonged sound mark stay with the character before them.
        let text = "キャッチャー";
        assert_eq!(settle(text, "キ".len()), Some("キャッ".len()));
        assert_eq!(settle(text, "キャッチャ".len()), None, "nothing after ー: no break");
        // An opening bracket at the very start leaves nowhere to break.
        assert_eq!(settle("「あ", "「".len()), None);
    }

    #[test]
    fn latin_words_and_spaces_are_left_to_the_browser() {
        assert_eq!(split("Getting started with Rust"), ["Getting started with Rust"]);
        assert_eq!(split("Rust 入門"), ["Rust 入門"]);
        // Each Japanese run is split on its own; no break lands on a space.
        for p in split("tebiki の使い方 と 設定ファイルの書き方") {
            assert!(!p.starts_with(' '), "{p:?}");
        }
    }

    #[test]
    fn html_escapes_each_phrase_once_and_joins_with_wbr() {
        assert_eq!(phrases_html("今日はとても天気です。"), "今日は<wbr>とても<wbr>天気です。");
        assert_eq!(phrases_html("A&B <タグ>"), "A&amp;B &lt;タグ&gt;");
        let html = phrases_html("「A&B」の意味と使い方");
        assert!(html.contains("&amp;") && !html.contains("&amp;amp;"), "{html}");
        assert_eq!(html.replace("<wbr>", ""), crate::web::escape::escape("「A&B」の意味と使い方"));
    }
}
