//! Breaking a title into at most three lines that fit the card: at phrase boundaries (BudouX
//! with kinsoku, the same breaks as headings), at spaces between Latin words, shrinking the
//! font down to a minimum first, and only then cutting the last line with an ellipsis at a
//! phrase boundary.

/// What a title looks like on the card.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lines {
    pub size: f32,
    pub lines: Vec<String>,
}

/// The limits a title is laid out in.
pub(crate) struct Frame {
    pub width: f32,
    pub max_size: f32,
    pub min_size: f32,
    pub max_lines: usize,
}

const ELLIPSIS: &str = "…";

/// Where a line may break: BudouX phrases with kinsoku applied, each further split after its
/// spaces so that Latin words wrap too. The pieces concatenate back to `title`.
pub(crate) fn pieces(title: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for phrase in crate::text::phrase::phrases(title) {
        let mut start = 0;
        for (i, c) in phrase.char_indices() {
            let next = i + c.len_utf8();
            let next_is_space = phrase[next..].starts_with(char::is_whitespace);
            if c.is_whitespace() && !next_is_space && next < phrase.len() {
                out.push(&phrase[start..next]);
                start = next;
            }
        }
        out.push(&phrase[start..]);
    }
    out.retain(|p| !p.is_empty());
    out
}

/// Lays `title` out in `frame`, measuring with `width(text, size)`. The largest size (in steps
/// of four pixels) at which the whole title fits wins; at the minimum size, a title still too
/// long keeps the phrases that fit and ends with `…`.
pub(crate) fn lay_out(title: &str, frame: &Frame, width: impl Fn(&str, f32) -> f32) -> Lines {
    let pieces = pieces(title.trim());
    let mut size = frame.max_size;
    loop {
        let lines = wrap(&pieces, |s| width(s, size) <= frame.width);
        if lines.len() <= frame.max_lines {
            return Lines { size, lines };
        }
        if size - 4.0 < frame.min_size {
            break;
        }
        size -= 4.0;
    }
    let fits = |s: &str| width(s, size) <= frame.width;
    let mut lines = wrap(&pieces, fits);
    lines.truncate(frame.max_lines);
    if let Some(last) = lines.last_mut() {
        *last = with_ellipsis(last, fits);
    }
    Lines { size, lines }
}

/// Greedy wrapping: each line takes pieces while it fits. A piece wider than a line on its own
/// is split between characters, the only way it can be shown whole.
fn wrap(pieces: &[&str], fits: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let candidate = format!("{line}{piece}");
        if fits(candidate.trim_end()) {
            line = candidate;
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        line = piece.trim_start().to_string();
        while !fits(line.trim_end()) && line.chars().count() > 1 {
            let cut = longest_prefix(&line, &fits);
            lines.push(line[..cut].to_string());
            line = line[cut..].to_string();
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Byte length of the longest prefix of `s` that fits, at least one character.
fn longest_prefix(s: &str, fits: impl Fn(&str) -> bool) -> usize {
    let mut best = s.chars().next().map_or(0, char::len_utf8);
    for (i, c) in s.char_indices().skip(1) {
        if !fits(&s[..i]) {
            break;
        }
        best = i;
        if i + c.len_utf8() == s.len() {
            break;
        }
    }
    best
}

/// `line` shortened at a phrase boundary so that it and `…` fit; cut between characters only
/// when not even its first phrase fits with the ellipsis.
fn with_ellipsis(line: &str, fits: impl Fn(&str) -> bool) -> String {
    let pieces = pieces(line);
    for n in (1..pieces.len()).rev() {
        let kept = pieces[..n].concat();
        let candidate = format!("{}{ELLIPSIS}", kept.trim_end());
        if fits(&candidate) {
            return candidate;
        }
    }
    let mut kept: String = line.to_string();
    while !kept.is_empty() && !fits(&format!("{kept}{ELLIPSIS}")) {
        kept.pop();
    }
    format!("{}{ELLIPSIS}", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one em wide: a frame of `n` ems holds `n` characters at the largest size.
    fn ems(s: &str, size: f32) -> f32 {
        s.chars().count() as f32 * size
    }

    fn frame(width_ems: f32) -> Frame {
        Frame { width: width_ems * 10.0, max_size: 10.0, min_size: 6.0, max_lines: 3 }
    }

    #[test]
    fn pieces_are_phrases_and_latin_words_and_rejoin_to_the_title() {
        let title = "Rust 1.85 で始める静的サイト生成";
        let p = pieces(title);
        assert_eq!(p.concat(), title);
        assert_eq!(&p[..2], ["Rust ", "1.85 "]);
        assert!(p.len() >= 4, "{p:?}");
    }

    #[test]
    fn a_short_title_stays_on_one_line_at_the_largest_size() {
        let l = lay_out("手引き", &frame(20.0), ems);
        assert_eq!(l, Lines { size: 10.0, lines: vec!["手引き".into()] });
    }

    #[test]
    fn lines_break_between_phrases_and_never_start_with_closing_marks() {
        let title = "転職エージェントを「バックレ」てしまった後の影響と、正しい対処法。";
        let l = lay_out(title, &frame(12.0), ems);
        assert_eq!(l.lines.concat(), title, "nothing lost: {l:?}");
        assert!(l.lines.len() > 1 && l.lines.len() <= 3);
        for line in &l.lines {
            assert!(ems(line, l.size) <= 120.0, "{line} overflows");
            let first = line.chars().next().unwrap();
            assert!(!"、。）」』ー・々っゃゅょ".contains(first), "line starts with {first}: {l:?}");
            let last = line.chars().last().unwrap();
            assert!(!"「（『".contains(last), "line ends with {last}: {l:?}");
        }
        // Each break is a phrase boundary.
        let bounds: Vec<usize> = pieces(title)
            .iter()
            .scan(0, |at, p| {
                *at += p.len();
                Some(*at)
            })
            .collect();
        let mut at = 0;
        for line in &l.lines[..l.lines.len() - 1] {
            at += line.len();
            assert!(bounds.contains(&at), "break inside a phrase after {line}");
        }
    }

    #[test]
    fn the_font_shrinks_before_anything_is_cut() {
        // Two four-letter words a line at size 10 make four lines; three a line at size 6 make three.
        let title = "abcd efgh ijkl mnop qrst uvwx yzab cdef";
        let l = lay_out(title, &frame(10.0), ems);
        assert_eq!(l.size, 6.0, "{l:?}");
        assert_eq!(l.lines, ["abcd efgh ijkl", "mnop qrst uvwx", "yzab cdef"]);
    }

    #[test]
    fn a_title_too_long_at_the_minimum_size_ends_with_an_ellipsis_at_a_phrase() {
        let title = "転職エージェントからの連絡を無視し続けてしまった人が、信頼を取り戻すために今日からできる具体的な手順と、そのまま使える連絡文の例文集";
        let l = lay_out(title, &frame(8.0), ems);
        assert_eq!(l.size, 6.0);
        assert_eq!(l.lines.len(), 3);
        let last = l.lines.last().unwrap();
        assert!(last.ends_with('…'), "{l:?}");
        let kept = l.lines.concat();
        let kept = kept.trim_end_matches('…');
        assert!(title.starts_with(kept));
        let bounds: Vec<usize> = pieces(title)
            .iter()
            .scan(0, |at, p| {
                *at += p.len();
                Some(*at)
            })
            .collect();
        assert!(bounds.contains(&kept.len()), "cut inside a phrase: {kept}");
        assert!(ems(last, l.size) <= 80.0);
    }

    #[test]
    fn a_word_longer_than_a_line_is_split_rather_than_overflowing() {
        let l = lay_out("supercalifragilisticexpialidocious", &frame(6.0), ems);
        for line in &l.lines {
            assert!(ems(line, l.size) <= 60.0, "{l:?}");
        }
    }
}
