//! CJK-friendly emphasis, as a pass over pulldown-cmark's events.
//!
//! Under CommonMark's flanking rules `これは**「重要」**です` is not bold: the closing `**` sits
//! between punctuation and a letter (commonmark-spec#650). The "CJK-friendly emphasis" amendment
//! fixes this and is merged in pulldown-cmark's main branch, but not released in 0.13.6. Until it
//! is, this pass undoes pulldown-cmark's emphasis in each block and redoes CommonMark's delimiter
//! algorithm with the amended flanking rules (which only differ next to CJK characters).
//! Delete this module when the upstream option ships.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::text::chars::{is_cjk, is_punctuation};

type Ev<'a> = (Event<'a>, Range<usize>);

#[derive(Debug, Clone)]
struct Run {
    event: usize,
    /// Byte position inside the event's text.
    pos: usize,
    ch: char,
    len: usize,
    can_open: bool,
    can_close: bool,
    /// Inline nesting depth (links, strikethrough): runs pair only at the same depth.
    depth: usize,
}

/// Re-pairs `*`/`_` delimiters with the CJK-friendly rules.
///
/// Delimiters pair only within one block (a paragraph, heading, table cell...), so each block's
/// inline events are redone on their own, and only where the amended rules can change the
/// pairing: on a typical page that is a few paragraphs, not the whole text. The blocks to redo
/// are found first, so a page without one is returned as it came, and the others are moved
/// once: moving every event into a vector per block and then into the output was most of this
/// pass's time.
pub fn apply<'a>(events: Vec<Ev<'a>>, source: &'a str) -> Vec<Ev<'a>> {
    if !amendment_may_apply(source) {
        return events;
    }
    let blocks = blocks_to_redo(&events, source);
    if blocks.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut rest = events.into_iter();
    let mut at = 0;
    for block in blocks {
        out.extend(rest.by_ref().take(block.start - at));
        redo_block(rest.by_ref().take(block.len()).collect(), source, &mut out);
        at = block.end;
    }
    out.extend(rest);
    out
}

/// The index ranges of the blocks whose inline events [`apply`] redoes: those with a delimiter
/// run, outside code, where the amended rules can pair differently.
fn blocks_to_redo(events: &[Ev<'_>], source: &str) -> Vec<Range<usize>> {
    let needed = |block: &[Ev<'_>]| {
        // The block's own source: at its edges a run sees the block boundary, as find_runs does.
        let start = block.iter().map(|(_, r)| r.start).min();
        let end = block.iter().map(|(_, r)| r.end).max();
        start.zip(end).is_some_and(|(a, b)| source.get(a..b).is_none_or(amendment_may_apply))
    };
    let mut blocks = Vec::new();
    let (mut start, mut delimiters, mut in_code_block) = (0, false, false);
    for (i, (ev, _)) in events.iter().enumerate() {
        let boundary = match ev {
            Event::Start(t) => !is_inline_tag(t),
            Event::End(t) => !is_inline_end(t),
            _ => false,
        };
        if !boundary {
            delimiters = delimiters || has_delimiters(ev);
            continue;
        }
        if delimiters && !in_code_block && needed(&events[start..i]) {
            blocks.push(start..i);
        }
        delimiters = false;
        match ev {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ => {}
        }
        start = i + 1;
    }
    if delimiters && !in_code_block && needed(&events[start..]) {
        blocks.push(start..events.len());
    }
    blocks
}

/// Whether an event can hold a delimiter run or come from one.
fn has_delimiters(e: &Event) -> bool {
    match e {
        Event::Text(t) => has_delimiter(t),
        Event::Start(Tag::Emphasis | Tag::Strong) => true,
        _ => false,
    }
}

/// Appends one block's inline events to `out`, re-paired with the amended rules.
fn redo_block<'a>(events: Vec<Ev<'a>>, source: &'a str, out: &mut Vec<Ev<'a>>) {
    let events = merge_text(undo(events, source), source);
    let runs = find_runs(&events, source);
    if runs.is_empty() {
        out.extend(events);
        return;
    }
    let (opens, closes) = pair(&runs);
    out.extend(emit(events, &runs, &opens, &closes));
}

/// Turns pulldown-cmark's Emphasis/Strong back into the literal delimiters they came from.
fn undo<'a>(events: Vec<Ev<'a>>, source: &'a str) -> Vec<Ev<'a>> {
    events
        .into_iter()
        .map(|(ev, r)| {
            let n = match &ev {
                Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => 2,
                Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => 1,
                _ => return (ev, r),
            };
            let range = if matches!(ev, Event::Start(_)) { r.start..r.start + n } else { r.end - n..r.end };
            match source.get(range.clone()) {
                Some(s) if s.chars().all(|c| c == '*' || c == '_') => (Event::Text(CowStr::Borrowed(s)), range),
                _ => (ev, r),
            }
        })
        .collect()
}

/// Whether a text holds `*` or `_` (memchr: `str::contains` with a char set decodes every
/// character, a measurable cost over a large site's text).
fn has_delimiter(t: &str) -> bool {
    memchr::memchr2(b'*', b'_', t.as_bytes()).is_some()
}

fn verbatim(source: &str, text: &str, range: &Range<usize>) -> bool {
    source.get(range.clone()) == Some(text)
}

/// Joins adjacent texts that are verbatim source. The joined text is a slice of the source
/// itself, so nothing is copied (a long paragraph is dozens of texts once its delimiters are undone).
fn merge_text<'a>(events: Vec<Ev<'a>>, source: &'a str) -> Vec<Ev<'a>> {
    let mut out: Vec<Ev> = Vec::with_capacity(events.len());
    for (ev, range) in events {
        if let (Event::Text(t), Some((Event::Text(prev), prange))) = (&ev, out.last_mut()) {
            if prange.end == range.start && verbatim(source, t, &range) && verbatim(source, prev, prange) {
                if let Some(joined) = source.get(prange.start..range.end) {
                    *prev = CowStr::Borrowed(joined);
                    prange.end = range.end;
                    continue;
                }
            }
        }
        out.push((ev, range));
    }
    out
}

fn is_inline_tag(t: &Tag) -> bool {
    matches!(
        t,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(t: &TagEnd) -> bool {
    matches!(
        t,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// The delimiter runs of one block's inline events (never code: [`apply`] leaves code blocks be).
fn find_runs(events: &[Ev<'_>], source: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut depth = 0usize;
    for (i, (ev, range)) in events.iter().enumerate() {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(text) if has_delimiter(text) => {
                // Only text that is verbatim source: escaped `\*` and entities stay literal.
                if !verbatim(source, text, range) {
                    continue;
                }
                let prev_ctx = neighbour_char(events, i, false);
                let next_ctx = neighbour_char(events, i, true);
                let chars: Vec<(usize, char)> = text.char_indices().collect();
                let mut k = 0;
                while k < chars.len() {
                    let (pos, c) = chars[k];
                    if c != '*' && c != '_' {
                        k += 1;
                        continue;
                    }
                    let mut n = 1;
                    while k + n < chars.len() && chars[k + n].1 == c {
                        n += 1;
                    }
                    let escaped = range.start + pos > 0 && source.as_bytes().get(range.start + pos - 1) == Some(&b'\\');
                    let prev = if k == 0 { prev_ctx } else { chars[k - 1].1 };
                    let next = if k + n < chars.len() { chars[k + n].1 } else { next_ctx };
                    let (left, right) = flanking(prev, next);
                    let (can_open, can_close) = if c == '*' {
                        (left, right)
                    } else {
                        (left && (!right || is_punctuation(prev)), right && (!left || is_punctuation(next)))
                    };
                    if !escaped && (can_open || can_close) {
                        runs.push(Run { event: i, pos, ch: c, len: n, can_open, can_close, depth });
                    }
                    k += n;
                }
            }
            _ => {}
        }
    }
    runs
}

/// CommonMark's "process emphasis": returns, per run, the delimiter counts it opens (in match
/// order, innermost first) and closes.
fn pair(runs: &[Run]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut remaining: Vec<usize> = runs.iter().map(|r| r.len).collect();
    let mut opens: Vec<Vec<usize>> = vec![Vec::new(); runs.len()];
    let mut closes: Vec<Vec<usize>> = vec![Vec::new(); runs.len()];
    let mut stack: Vec<usize> = Vec::new();
    for c in 0..runs.len() {
        let r = &runs[c];
        if r.can_close {
            while remaining[c] > 0 {
                let found = stack.iter().rposition(|&o| {
                    let ro = &runs[o];
                    ro.ch == r.ch
                        && ro.depth == r.depth
                        && remaining[o] > 0
                        && !((ro.can_close || r.can_open)
                            && (ro.len + r.len).is_multiple_of(3)
                            && !(ro.len.is_multiple_of(3) && r.len.is_multiple_of(3)))
                });
                let Some(pos) = found else { break };
                let o = stack[pos];
                let n = if remaining[o] >= 2 && remaining[c] >= 2 { 2 } else { 1 };
                opens[o].push(n);
                closes[c].push(n);
                remaining[o] -= n;
                remaining[c] -= n;
                // Delimiters between opener and closer can no longer match.
                stack.truncate(pos + 1);
                if remaining[o] == 0 {
                    stack.pop();
                }
            }
        }
        if r.can_open && remaining[c] > 0 {
            stack.push(c);
        }
    }
    (opens, closes)
}

fn emit<'a>(events: Vec<Ev<'a>>, runs: &[Run], opens: &[Vec<usize>], closes: &[Vec<usize>]) -> Vec<Ev<'a>> {
    let mut out = Vec::with_capacity(events.len() + runs.len() * 2);
    let mut run_iter = runs.iter().enumerate().peekable();
    for (idx, (ev, range)) in events.into_iter().enumerate() {
        let Event::Text(text) = &ev else {
            out.push((ev, range));
            continue;
        };
        if run_iter.peek().map(|(_, r)| r.event) != Some(idx) {
            out.push((ev, range));
            continue;
        }
        let mut last = 0;
        let mut pending = String::new();
        let flush = |pending: &mut String, out: &mut Vec<Ev<'a>>| {
            if !pending.is_empty() {
                out.push((Event::Text(CowStr::from(std::mem::take(pending))), range.clone()));
            }
        };
        while let Some((ri, r)) = run_iter.next_if(|(_, r)| r.event == idx) {
            pending.push_str(&text[last..r.pos]);
            let used: usize = closes[ri].iter().sum::<usize>() + opens[ri].iter().sum::<usize>();
            let literal = r.ch.to_string().repeat(r.len - used);
            if !closes[ri].is_empty() {
                flush(&mut pending, &mut out);
                for &n in &closes[ri] {
                    out.push((Event::End(if n == 2 { TagEnd::Strong } else { TagEnd::Emphasis }), range.clone()));
                }
            }
            pending.push_str(&literal);
            if !opens[ri].is_empty() {
                flush(&mut pending, &mut out);
                for &n in opens[ri].iter().rev() {
                    out.push((Event::Start(if n == 2 { Tag::Strong } else { Tag::Emphasis }), range.clone()));
                }
            }
            last = r.pos + r.len * r.ch.len_utf8();
        }
        pending.push_str(&text[last..]);
        flush(&mut pending, &mut out);
    }
    out
}

/// The character just before (or after) event `i`, looking through inline tags; a block
/// boundary counts as whitespace, inline code and other atoms as a letter.
fn neighbour_char(events: &[Ev<'_>], i: usize, forward: bool) -> char {
    let mut j = i;
    loop {
        if forward {
            j += 1;
            if j >= events.len() {
                return ' ';
            }
        } else {
            if j == 0 {
                return ' ';
            }
            j -= 1;
        }
        match &events[j].0 {
            Event::Text(t) => {
                let c = if forward { t.chars().next() } else { t.chars().next_back() };
                return c.unwrap_or(' ');
            }
            Event::SoftBreak | Event::HardBreak => return ' ',
            Event::Start(t) if is_inline_tag(t) => continue,
            Event::End(t) if is_inline_end(t) => continue,
            Event::Start(_) | Event::End(_) => return ' ',
            _ => return 'a',
        }
    }
}

/// Whether the amended rules can pair any `*`/`_` run of `source` differently from CommonMark's:
/// only a run with punctuation on one side and a CJK letter on the other flanks differently
/// (`**「重要」**です`). Most pages have none (`**重要**です` is fine either way), and then
/// pulldown-cmark's pairing stands and the pass costs one scan instead of a fifth of the
/// Markdown stage. Neighbours are read from the source, where markup next to a run (`[`, `)`,
/// `>`, `;`) is ASCII punctuation, so a run that touches markup and CJK is always redone.
fn amendment_may_apply(source: &str) -> bool {
    let bytes = source.as_bytes();
    let mut i = 0;
    while let Some(off) = memchr::memchr2(b'*', b'_', &bytes[i..]) {
        let start = i + off;
        let mut end = start + 1;
        while end < bytes.len() && bytes[end] == bytes[start] {
            end += 1;
        }
        let prev = source[..start].chars().next_back().unwrap_or(' ');
        let next = source[end..].chars().next().unwrap_or(' ');
        if flanking(prev, next) != standard_flanking(prev, next) {
            return true;
        }
        i = end;
    }
    false
}

/// CommonMark's flanking rules, without the amendment.
fn standard_flanking(prev: char, next: char) -> (bool, bool) {
    let ws = |c: char| c.is_whitespace();
    let p = is_punctuation;
    let left = !ws(next) && (!p(next) || ws(prev) || p(prev));
    let right = !ws(prev) && (!p(prev) || ws(next) || p(next));
    (left, right)
}

/// (left-flanking, right-flanking) under the CJK-friendly amendment: a CJK character next to a
/// delimiter counts like punctuation or whitespace does for the other side.
fn flanking(prev: char, next: char) -> (bool, bool) {
    let ws = |c: char| c.is_whitespace();
    let p = is_punctuation;
    let cjk = |c: char| is_cjk(c) && !is_punctuation(c);
    let left = !ws(next) && (!p(next) || ws(prev) || p(prev) || cjk(prev));
    let right = !ws(prev) && (!p(prev) || ws(next) || p(next) || cjk(next));
    (left, right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pass_runs_only_where_the_amendment_can_change_the_pairing() {
        assert!(amendment_may_apply("これは**「重要」**です"));
        assert!(amendment_may_apply("**[リンク](a.md)**です"));
        assert!(!amendment_may_apply("これは**重要**です"));
        assert!(!amendment_may_apply("**bold** and _it_, snake_case"));
        assert!(!amendment_may_apply("星印のない文"));
    }

    #[test]
    fn amended_flanking_next_to_cjk() {
        // Closing `**` between 」 and で: right-flanking only under the amendment.
        assert_eq!(flanking('」', 'で'), (true, true));
        // Plain Latin text keeps CommonMark's answer.
        assert_eq!(flanking('a', ' '), (false, true));
        assert_eq!(flanking(' ', 'a'), (true, false));
        assert_eq!(flanking('.', 'a'), (true, false));
    }
}
