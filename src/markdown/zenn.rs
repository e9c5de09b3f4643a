//! Zenn's and Qiita's fenced blocks, which writers bring with their Markdown:
//!
//! ```text
//! :::message            → a callout (注意)        :::note info  → a callout (メモ)
//! :::message alert      → a callout (警告)        :::note warn  → a callout (注意)
//! :::details タイトル    → <details><summary>     :::note alert → a callout (警告)
//! :::
//! ```
//!
//! Blocks nest; as on Zenn, an outer block may use more colons (`::::details`), and a line of
//! colons closes the innermost open block with as many colons or fewer. Callouts come out as
//! GitHub alerts (`> [!NOTE]`) do, so they share their HTML and styles; `<details>` is reachable
//! by keyboard and announced by screen readers without any script.
//!
//! The text between block lines is parsed on its own with the ranges kept relative to the page
//! body, so diagnostics inside blocks keep their line and column. The cost: a footnote or a
//! link reference defined in one part of the page is not seen in another part.

use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Parser, Tag, TagEnd};

use super::{options, Ev};

/// What a `<details>` block opens with (up to its summary text) and closes with; the renderer
/// knows them as containers, like quotes and lists (see `alt.rs`).
pub(crate) const DETAILS_OPEN: &str = "<details class=\"callout callout-details\"><summary>";
pub(crate) const DETAILS_BODY: &str = "</summary>\n<div class=\"details-body\">\n";
pub(crate) const DETAILS_CLOSE: &str = "</div></details>\n";

/// A problem with a block line: where, what, and a hint.
pub(crate) type Problem = (Range<usize>, String, String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Callout(BlockQuoteKind),
    /// The byte range of the title in the body (may be empty).
    Details(Range<usize>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Open { colons: usize, kind: Kind },
    Close { colons: usize },
}

/// The page body's events with blocks turned into callouts and `<details>`, and problems found.
pub(crate) fn parse(body: &str) -> (Vec<Ev<'_>>, Vec<Problem>) {
    let lines = if may_have_blocks(body) { block_lines(body) } else { Vec::new() };
    // Sized from the text: growing the vector copies it again and again on a long page.
    let mut events: Vec<Ev> = Vec::with_capacity(body.len() / 32 + 16);
    let mut problems = Vec::new();
    let mut open: Vec<(usize, Kind, Range<usize>)> = Vec::new();
    let mut from = 0;
    for (range, line) in lines {
        match line {
            Line::Open { colons, kind } => {
                parse_part(body, from..range.start, &mut events);
                events.extend(open_events(body, &kind, range.clone()));
                open.push((colons, kind, range.clone()));
            }
            Line::Close { colons } => {
                // A line of colons that closes nothing is text, as on Zenn.
                let Some(at) = open.iter().rposition(|(c, _, _)| *c <= colons) else { continue };
                parse_part(body, from..range.start, &mut events);
                // Blocks left open inside it end here too.
                for (i, (_, kind, opened)) in open.drain(at..).enumerate().collect::<Vec<_>>().into_iter().rev() {
                    if i > 0 {
                        problems.push(unclosed(body, opened, "ends with the block around it"));
                    }
                    events.push(close_event(&kind, range.clone()));
                }
            }
        }
        from = range.end;
    }
    parse_part(body, from..body.len(), &mut events);
    for (_, kind, opened) in open.into_iter().rev() {
        problems.push(unclosed(body, opened, "runs to the end of the page"));
        events.push(close_event(&kind, body.len()..body.len()));
    }
    (events, problems)
}

fn unclosed(body: &str, opened: Range<usize>, what: &str) -> Problem {
    let line = body[opened.clone()].trim_end();
    let colons = ":".repeat(line.bytes().take_while(|b| *b == b':').count());
    (
        opened.start..opened.start + line.len(),
        format!("`{line}` is never closed: the block {what}"),
        format!("end the block with a line of `{colons}`"),
    )
}

/// Whether any line starts with `:::` (one fast search; most pages have none).
fn may_have_blocks(body: &str) -> bool {
    body.starts_with(":::") || memchr::memmem::find(body.as_bytes(), b"\n:::").is_some()
}

/// Parses `body[part]` and appends its events with ranges in the body.
fn parse_part<'a>(body: &'a str, part: Range<usize>, events: &mut Vec<Ev<'a>>) {
    if part.is_empty() {
        return;
    }
    let shift = part.start;
    let parser = Parser::new_ext(&body[part], options()).into_offset_iter();
    events.extend(parser.map(|(ev, r)| (ev, r.start + shift..r.end + shift)));
}

fn open_events<'a>(body: &'a str, kind: &Kind, line: Range<usize>) -> Vec<Ev<'a>> {
    match kind {
        Kind::Callout(k) => vec![(Event::Start(Tag::BlockQuote(Some(*k))), line)],
        Kind::Details(title) => {
            let title_text =
                if title.is_empty() { CowStr::Borrowed("詳細") } else { CowStr::Borrowed(&body[title.clone()]) };
            vec![
                (Event::Html(CowStr::Borrowed(DETAILS_OPEN)), line.clone()),
                (Event::Text(title_text), title.clone()),
                (Event::Html(CowStr::Borrowed(DETAILS_BODY)), line),
            ]
        }
    }
}

fn close_event<'a>(kind: &Kind, line: Range<usize>) -> Ev<'a> {
    match kind {
        Kind::Callout(k) => (Event::End(TagEnd::BlockQuote(Some(*k))), line),
        Kind::Details(_) => (Event::Html(CowStr::Borrowed(DETAILS_CLOSE)), line),
    }
}

/// Every block line outside fenced code, with its byte range (newline included).
fn block_lines(body: &str) -> Vec<(Range<usize>, Line)> {
    let mut out = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut at = 0;
    for raw in body.split_inclusive('\n') {
        let range = at..at + raw.len();
        at += raw.len();
        let text = raw.trim_end_matches(['\n', '\r']);
        if let Some(f) = code_fence(text) {
            fence = match fence {
                None => Some(f),
                Some((c, n)) if f.0 == c && f.1 >= n && text.trim()[f.1..].trim().is_empty() => None,
                keep => keep,
            };
            continue;
        }
        if fence.is_none() {
            if let Some(line) = block_line(text, range.start) {
                out.push((range, line));
            }
        }
    }
    out
}

/// `(char, length)` of a code fence line (```` ``` ```` or `~~~`, indented at most 3 spaces).
fn code_fence(line: &str) -> Option<(u8, usize)> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    let c = *t.as_bytes().first()?;
    let n = t.bytes().take_while(|b| *b == c).count();
    (matches!(c, b'`' | b'~') && n >= 3).then_some((c, n))
}

/// Reads one line as a block line; `start` is its offset in the body.
fn block_line(text: &str, start: usize) -> Option<Line> {
    let colons = text.bytes().take_while(|b| *b == b':').count();
    if colons < 3 {
        return None;
    }
    let rest = &text[colons..];
    let words: Vec<&str> = rest.split_whitespace().collect();
    let kind = match words.first().copied() {
        None => return Some(Line::Close { colons }),
        Some("message") => Kind::Callout(match words.get(1) {
            Some(&"alert") => BlockQuoteKind::Caution,
            _ => BlockQuoteKind::Warning,
        }),
        Some("note") => Kind::Callout(match words.get(1) {
            Some(&"warn") => BlockQuoteKind::Warning,
            Some(&"alert") => BlockQuoteKind::Caution,
            _ => BlockQuoteKind::Note,
        }),
        Some("details") => {
            let after = rest.find("details").map_or(rest.len(), |i| i + "details".len());
            let title = rest[after..].trim();
            let title_start = start + colons + after + (rest[after..].len() - rest[after..].trim_start().len());
            Kind::Details(title_start..title_start + title.len())
        }
        Some(_) => return None,
    };
    Some(Line::Open { colons, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str) -> String {
        let (events, _) = parse(body);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events.into_iter().map(|(e, _)| e));
        out
    }

    #[test]
    fn zenn_and_qiita_blocks_become_callouts_and_details() {
        let cases = [
            (":::message\n本文\n:::\n", BlockQuoteKind::Warning),
            (":::message alert\n本文\n:::\n", BlockQuoteKind::Caution),
            (":::note info\n本文\n:::\n", BlockQuoteKind::Note),
            (":::note warn\n本文\n:::\n", BlockQuoteKind::Warning),
            (":::note alert\n本文\n:::\n", BlockQuoteKind::Caution),
        ];
        for (body, kind) in cases {
            let (events, problems) = parse(body);
            assert!(problems.is_empty(), "{body}");
            let kinds: Vec<_> = events
                .iter()
                .filter_map(|(e, _)| match e {
                    Event::Start(Tag::BlockQuote(k)) => Some(*k),
                    _ => None,
                })
                .collect();
            assert_eq!(kinds, [Some(kind)], "{body}");
            assert!(matches!(events.last(), Some((Event::End(TagEnd::BlockQuote(Some(_))), _))), "{body}");
        }
        assert_eq!(
            html(":::details 答えを見る\n- 一\n- 二\n:::\n"),
            "<details class=\"callout callout-details\"><summary>答えを見る</summary>\n<div class=\"details-body\">\n<ul>\n<li>一</li>\n<li>二</li>\n</ul>\n</div></details>\n"
        );
    }

    #[test]
    fn outer_blocks_use_more_colons_and_ranges_stay_in_the_body() {
        let body = "前\n\n::::details 外\n:::message\n**中**\n:::\n後\n::::\n";
        let (events, problems) = parse(body);
        assert!(problems.is_empty());
        let out = html(body);
        let order: Vec<usize> = ["<details", "<blockquote", "<strong>中</strong>", "</blockquote>", "後", "</details>"]
            .iter()
            .map(|s| out.find(s).unwrap_or_else(|| panic!("{s} in {out}")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{out}");
        for (e, r) in &events {
            if let Event::Text(t) = e {
                assert_eq!(&body[r.clone()], t.as_ref());
            }
        }
    }

    #[test]
    fn colons_in_code_and_unknown_words_stay_text() {
        let out = html("```\n:::message\n```\n\n:::unknown\n\n:::\n");
        assert!(out.contains("<code>:::message\n</code>") && out.contains(":::unknown"), "{out}");
        assert!(!out.contains("blockquote"), "{out}");
    }

    #[test]
    fn an_unclosed_block_runs_to_the_end_and_is_reported() {
        let (events, problems) = parse("本文\n\n:::details 続き\n中身\n");
        assert!(matches!(events.last(), Some((Event::Html(h), _)) if h.as_ref() == DETAILS_CLOSE));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 8..25);
        assert!(problems[0].1.contains("`:::details 続き` is never closed"), "{:?}", problems[0]);
        // `:::` cannot close a four-colon block: it closes the one around it, and both end.
        let (_, inner) = parse(":::details 外\n::::message\n中\n:::\n");
        assert_eq!(inner.len(), 1);
        assert!(inner[0].1.contains("`::::message` is never closed: the block ends with"), "{:?}", inner[0]);
    }
}
