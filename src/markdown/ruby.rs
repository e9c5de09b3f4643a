//! Ruby (furigana): `{漢字|かんじ}` (group ruby), `{漢字|かん|じ}` (one reading per character,
//! when the counts match), as in VFM and DenDen Markdown, and Aozora Bunko's `｜漢字《かんじ》`.
//! `\{` keeps a brace literal; raw `<ruby>` HTML passes through.
//!
//! The pass rewrites text events: the base text stays a text event, so heading ids, the table
//! of contents, descriptions, reading time and search see the base text only, while the
//! readings go out as inline HTML. [`reading`] finds a reading in that HTML again, for search.
//! Code spans and code blocks are never touched.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

type Ev<'a> = (Event<'a>, Range<usize>);

/// The start of the HTML that carries one reading; [`reading`] recognizes it.
const READING_OPEN: &str = "<rp>（</rp><rt>";
const READING_CLOSE: &str = "</rt><rp>）</rp>";

/// The reading carried by a piece of inline HTML this pass wrote (escaped as HTML), if it is one.
pub(crate) fn reading(html: &str) -> Option<&str> {
    html.strip_prefix(READING_OPEN)?.strip_suffix(READING_CLOSE)
}

/// One piece of ruby found in a run of text: where it is (in the run's text) and its parts.
struct Found<'t> {
    at: Range<usize>,
    base: &'t str,
    readings: Vec<&'t str>,
}

/// Rewrites ruby in the text events of a page body (`source`: the body the ranges point into).
/// Also returns where a ruby has several readings but not one for each character (shown as one
/// group), for a warning.
pub(crate) fn apply<'a>(events: Vec<Ev<'a>>, source: &str) -> (Vec<Ev<'a>>, Vec<Range<usize>>) {
    let mut uneven = Vec::new();
    // Byte searches: most pages have no ruby, and a char-pattern `contains` decodes every
    // character of the page.
    let b = source.as_bytes();
    if memchr::memchr(b'{', b).is_none()
        && memchr::memmem::find(b, "｜".as_bytes()).is_none()
        && memchr::memmem::find(b, b"<r").is_none()
    {
        return (events, uneven);
    }
    let mut out = Vec::with_capacity(events.len() + 8);
    let (mut in_code, mut in_raw_reading) = (false, false);
    let mut run: Vec<Ev<'a>> = Vec::new();
    for (ev, range) in events {
        match &ev {
            Event::Text(t) if !in_code => {
                if in_raw_reading {
                    // A reading of raw `<ruby>` HTML: shown, but not part of the text (ids,
                    // reading time), like the readings this pass writes.
                    out.push((Event::InlineHtml(CowStr::from(crate::web::escape::escape(t))), range));
                } else {
                    run.push((ev, range));
                }
                continue;
            }
            Event::InlineHtml(h) => {
                let tag = h.trim().to_ascii_lowercase();
                if tag.starts_with("<rt") || tag.starts_with("<rp") {
                    in_raw_reading = true;
                } else if tag.starts_with("</rt") || tag.starts_with("</rp") {
                    in_raw_reading = false;
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        flush(&mut run, source, &mut out, &mut uneven);
        out.push((ev, range));
    }
    flush(&mut run, source, &mut out, &mut uneven);
    (out, uneven)
}

/// The warning for a ruby whose readings do not match its characters one to one.
pub(crate) fn uneven_warning(page: &super::PageInput, range: Range<usize>) -> crate::diagnostics::Diagnostic {
    let start = page.body_offset + range.start;
    let written = &page.text[start..(page.body_offset + range.end).min(page.text.len())];
    crate::diagnostics::Diagnostic::warning(
        Some(page.shown.to_path_buf()),
        format!("`{written}` has more than one reading but not one for each character: shown as one reading"),
    )
    .at_offset(page.text, start)
    .span(written.chars().count())
    .hint("give one reading for each character ({漢字|かん|じ}), or one for the whole word ({漢字|かんじ})")
}

/// Rewrites one run of consecutive text events (pulldown-cmark splits text at escapes and
/// entities) and appends it to `out`.
fn flush<'a>(run: &mut Vec<Ev<'a>>, source: &str, out: &mut Vec<Ev<'a>>, uneven: &mut Vec<Range<usize>>) {
    if run.is_empty() {
        return;
    }
    let mut text = String::new();
    // Where each event's text starts in `text`, and whether it starts with an escaped `{`.
    let mut starts = Vec::with_capacity(run.len());
    let mut prev_end = None;
    for (ev, range) in run.iter() {
        let Event::Text(t) = ev else { continue };
        let escaped = t.starts_with('{')
            && range.start > 0
            && source.as_bytes().get(range.start - 1) == Some(&b'\\')
            && prev_end != Some(range.start);
        starts.push((text.len(), escaped, range.clone(), t.len() == range.len()));
        text.push_str(t);
        prev_end = Some(range.end);
    }
    let literal = |at: usize| starts.iter().any(|&(s, escaped, ..)| escaped && s == at);
    let found = find(&text, literal);
    if found.is_empty() {
        out.append(run);
        return;
    }
    run.clear();
    // A source range for a piece of `text`: exact where an event's text is its source.
    let src = |r: Range<usize>| {
        let (s, _, range, exact) = starts.iter().rev().find(|(s, ..)| *s <= r.start).cloned().unwrap_or_default();
        if exact {
            range.start + r.start - s..(range.start + r.end - s).min(range.end)
        } else {
            range
        }
    };
    let mut at = 0;
    for f in found {
        if f.at.start > at {
            out.push((Event::Text(CowStr::from(text[at..f.at.start].to_string())), src(at..f.at.start)));
        }
        if f.readings.len() > 1 && f.readings.len() != f.base.chars().count() {
            uneven.push(src(f.at.clone()));
        }
        emit_ruby(&f, src(f.at.clone()), out);
        at = f.at.end;
    }
    if at < text.len() {
        out.push((Event::Text(CowStr::from(text[at..].to_string())), src(at..text.len())));
    }
}

/// Appends the events of one ruby: `<ruby>`, the base text (per character when each has its
/// reading), the readings as inline HTML, `</ruby>`.
fn emit_ruby<'a>(f: &Found, range: Range<usize>, out: &mut Vec<Ev<'a>>) {
    let html = |s: String| (Event::InlineHtml(CowStr::from(s)), range.clone());
    let annotation = |r: &str| format!("{READING_OPEN}{}{READING_CLOSE}", crate::web::escape::escape(r));
    out.push(html("<ruby>".into()));
    if f.readings.len() > 1 && f.readings.len() == f.base.chars().count() {
        for (c, r) in f.base.chars().zip(&f.readings) {
            out.push((Event::Text(CowStr::from(c.to_string())), range.clone()));
            out.push(html(annotation(r)));
        }
    } else {
        // Readings that do not match the characters one to one read as one group (DenDen).
        out.push((Event::Text(CowStr::from(f.base.to_string())), range.clone()));
        out.push(html(annotation(&f.readings.concat())));
    }
    out.push(html("</ruby>".into()));
}

/// Every ruby in `text`, in order; `literal(i)` says the `{` at byte `i` was escaped.
fn find(text: &str, literal: impl Fn(usize) -> bool) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(off) = text[i..].find(['{', '｜']) {
        let start = i + off;
        let f = if text[start..].starts_with('{') {
            if literal(start) {
                None
            } else {
                braces(text, start)
            }
        } else {
            aozora(text, start)
        };
        match f {
            Some(f) => {
                i = f.at.end;
                found.push(f);
            }
            None => i = start + text[start..].chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// `{base|reading}` or `{base|r1|r2…}` starting at `start`.
fn braces(text: &str, start: usize) -> Option<Found<'_>> {
    let rest = &text[start + 1..];
    let end = rest.find(['}', '{', '\n'])?;
    if !rest[end..].starts_with('}') {
        return None;
    }
    let mut parts = rest[..end].split('|');
    let base = parts.next()?;
    let readings: Vec<&str> = parts.collect();
    let blank = |s: &str| s.trim().is_empty();
    if blank(base) || readings.is_empty() || readings.iter().any(|r| blank(r)) {
        return None;
    }
    Some(Found { at: start..start + 1 + end + 1, base, readings })
}

/// `｜base《reading》` starting at `start`.
fn aozora(text: &str, start: usize) -> Option<Found<'_>> {
    let rest = &text[start + '｜'.len_utf8()..];
    let open = rest.find(['《', '｜', '\n'])?;
    if !rest[open..].starts_with('《') || open == 0 {
        return None;
    }
    let after = &rest[open + '《'.len_utf8()..];
    let close = after.find(['》', '《', '\n'])?;
    if !after[close..].starts_with('》') || after[..close].trim().is_empty() {
        return None;
    }
    let end = text.len() - after.len() + close + '》'.len_utf8();
    Some(Found { at: start..end, base: &rest[..open], readings: vec![&after[..close]] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        let events: Vec<Ev> = pulldown_cmark::Parser::new_ext(md, super::super::options()).into_offset_iter().collect();
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, apply(events, md).0.into_iter().map(|(e, _)| e));
        out
    }

    fn texts(md: &str) -> String {
        let events: Vec<Ev> = pulldown_cmark::Parser::new_ext(md, super::super::options()).into_offset_iter().collect();
        apply(events, md)
            .0
            .into_iter()
            .filter_map(|(e, _)| if let Event::Text(t) = e { Some(t.to_string()) } else { None })
            .collect()
    }

    const KANJI: &str = "<ruby>漢字<rp>（</rp><rt>かんじ</rt><rp>）</rp></ruby>";

    #[test]
    fn group_ruby_and_aozora_ruby() {
        assert_eq!(html("{漢字|かんじ}を読む"), format!("<p>{KANJI}を読む</p>\n"));
        assert_eq!(html("これは｜漢字《かんじ》です"), format!("<p>これは{KANJI}です</p>\n"));
        assert_eq!(texts("これは｜漢字《かんじ》と{振|ふ}り仮名"), "これは漢字と振り仮名");
    }

    #[test]
    fn one_reading_per_character_when_the_counts_match() {
        assert_eq!(
            html("{漢字|かん|じ}"),
            "<p><ruby>漢<rp>（</rp><rt>かん</rt><rp>）</rp>字<rp>（</rp><rt>じ</rt><rp>）</rp></ruby></p>\n"
        );
        // Three readings for two characters: one group, and a warning where it is written.
        assert_eq!(html("{漢字|か|ん|じ}"), format!("<p>{KANJI}</p>\n"));
        let md = "前置き、{漢字|か|ん|じ}";
        let events: Vec<Ev> = pulldown_cmark::Parser::new_ext(md, super::super::options()).into_offset_iter().collect();
        let uneven = apply(events, md).1;
        assert_eq!(uneven.iter().map(|r| &md[r.clone()]).collect::<Vec<_>>(), ["{漢字|か|ん|じ}"]);
        let events: Vec<Ev> =
            pulldown_cmark::Parser::new_ext("{漢字|かん|じ}", super::super::options()).into_offset_iter().collect();
        assert!(apply(events, "{漢字|かん|じ}").1.is_empty());
    }

    #[test]
    fn escapes_code_and_non_ruby_braces_stay_literal() {
        assert_eq!(html(r"\{漢字|かんじ}"), "<p>{漢字|かんじ}</p>\n");
        assert_eq!(html(r"\\{漢字|かんじ}"), format!("<p>\\{KANJI}</p>\n"));
        assert_eq!(html("`{漢字|かんじ}`"), "<p><code>{漢字|かんじ}</code></p>\n");
        assert_eq!(
            html("```\n{漢字|かんじ}\n｜漢字《かんじ》\n```"),
            "<pre><code>{漢字|かんじ}\n｜漢字《かんじ》\n</code></pre>\n"
        );
        for literal in ["{}", "{a}", "{|b}", "{a|}", "{a| }", "{a\nb|c}", "｜《よみ》", "｜漢字", "《かんじ》"]
        {
            assert_eq!(texts(literal).replace('\n', ""), literal.replace('\n', ""), "{literal}");
        }
    }

    #[test]
    fn readings_are_escaped_and_found_again_for_search() {
        let out = html("{A&B|<え>}");
        assert!(out.contains("<rt>&lt;え&gt;</rt>"), "{out}");
        assert_eq!(reading("<rp>（</rp><rt>かんじ</rt><rp>）</rp>"), Some("かんじ"));
        assert_eq!(reading("<ruby>"), None);
    }

    #[test]
    fn raw_ruby_passes_through_and_its_reading_is_not_text() {
        let md = "<ruby>漢字<rt>かんじ</rt></ruby>です";
        assert_eq!(html(md), "<p><ruby>漢字<rt>かんじ</rt></ruby>です</p>\n");
        assert_eq!(texts(md), "漢字です");
    }

    #[test]
    fn ruby_in_a_table_cell_uses_an_escaped_bar() {
        let out = html("|語|意味|\n|-|-|\n|{漢字\\|かんじ}|文字|\n");
        assert!(out.contains(KANJI), "{out}");
    }
}
