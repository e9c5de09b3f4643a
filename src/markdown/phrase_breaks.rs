//! `<wbr>` between the phrases of h1–h3 headings in a page body (see [`crate::text::phrase`]),
//! so a long heading wraps between words. Only the shown HTML changes: the heading's id, its
//! table-of-contents entry and the search text come from the heading's text events.

use pulldown_cmark::{CowStr, Event};

/// The inline events of one heading, with each run of plain text outside ruby replaced by its
/// HTML with `<wbr>` between phrases. Code spans, links' markup and ruby stay as they are.
///
/// `whole` is the heading's plain text and that text already split (for the table of
/// contents): a heading that is one run of plain text, as most are, takes it instead of being
/// split a second time.
pub(crate) fn apply<'e>(inner: Vec<Event<'e>>, whole: (&str, &str)) -> Vec<Event<'e>> {
    let mut out = Vec::with_capacity(inner.len());
    let mut ruby_depth = 0usize;
    let mut run = String::new();
    for ev in inner {
        match &ev {
            Event::Text(t) if ruby_depth == 0 => {
                run.push_str(t);
                continue;
            }
            Event::InlineHtml(h) => {
                let tag = h.trim_start().get(..6).unwrap_or_default().to_ascii_lowercase();
                if tag.starts_with("<ruby") {
                    ruby_depth += 1;
                } else if tag == "</ruby" {
                    ruby_depth = ruby_depth.saturating_sub(1);
                }
            }
            _ => {}
        }
        flush(&mut run, &mut out, whole);
        out.push(ev);
    }
    flush(&mut run, &mut out, whole);
    out
}

fn flush(run: &mut String, out: &mut Vec<Event<'_>>, whole: (&str, &str)) {
    if !run.is_empty() {
        let html = if run == whole.0 { whole.1.to_string() } else { crate::text::phrase::phrases_html(run) };
        out.push(Event::InlineHtml(CowStr::from(html)));
        run.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(md: &str) -> String {
        let events: Vec<_> = pulldown_cmark::Parser::new_ext(md, super::super::options()).into_offset_iter().collect();
        let events = super::super::ruby::apply(events, md).0;
        let inner: Vec<Event> = events
            .into_iter()
            .map(|(e, _)| e)
            .filter(|e| !matches!(e, Event::Start(pulldown_cmark::Tag::Heading { .. }) | Event::End(_)))
            .collect();
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, apply(inner, ("", "")).into_iter());
        out
    }

    #[test]
    fn text_runs_get_breaks_and_code_and_ruby_stay_whole() {
        assert_eq!(heading("## 今日はとても天気です。"), "今日は<wbr>とても<wbr>天気です。");
        let out = heading("## `cargo build`で{手引|てび}きの文章を確認する & 直す");
        assert!(out.starts_with("<code>cargo build</code>"), "{out}");
        assert!(out.contains("<ruby>手引<rp>"), "no break inside ruby: {out}");
        assert!(out.contains("&amp;") && !out.contains("&amp;amp;"), "{out}");
        assert!(out.contains("<wbr>"), "{out}");
    }
}
