//! The prose of a Markdown page: the text a reader reads, block by block, with the byte offset
//! in the file of every piece. Code, inline code, URLs, link destinations, images, HTML and front
//! matter are left out, so no rule ever looks at them.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

/// What kind of block a piece of prose is in: some rules judge paragraphs and list items apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    TableCell,
}

/// Stands in for inline code, footnote references and URLs: not a letter, so no rule joins
/// text across it, and no fix can reach into it.
pub(crate) const HOLE: char = '\u{FFFC}';

/// One block of prose.
#[derive(Debug)]
pub(crate) struct Block<'a> {
    pub kind: BlockKind,
    /// The text as read: [`HOLE`] for what is left out, `\n` for line breaks. Borrowed from the
    /// file while it is one stretch of it (most paragraphs), copied once it is not.
    pub text: Cow<'a, str>,
    /// Where a borrowed `text` starts in the file.
    from: usize,
    /// How long the block's Markdown is: the size of a copied `text`, seldom exceeded.
    size: usize,
    /// The first piece of `text`: (start in `text`, start in the file, copied verbatim from the
    /// file). Most blocks have one piece, which needs no list allocated.
    first: Option<(usize, usize, bool)>,
    /// Every piece of `text`, the first included, once there are two.
    pieces: Vec<(usize, usize, bool)>,
    /// Rules switched off by a `<!-- tebiki-disable ... -->` comment before the block; an empty
    /// list switches off every rule.
    pub disabled: Option<Vec<String>>,
    /// Offsets in `text` where a link's text starts or ends: the text of a link is often a
    /// quoted title, a phrase of its own.
    pub breaks: Vec<usize>,
}

impl<'a> Block<'a> {
    /// A block whose Markdown is `size` bytes long.
    fn new(kind: BlockKind, disabled: Option<Vec<String>>, size: usize) -> Self {
        let (text, pieces, breaks) = (Cow::Borrowed(""), Vec::new(), Vec::new());
        Block { kind, text, from: 0, size, first: None, pieces, disabled, breaks }
    }

    /// Adds `s`, which stands for the text at byte `file_start` of `file`.
    fn push(&mut self, file: &'a str, s: &str, file_start: usize, verbatim: bool) {
        let piece = (self.text.len(), file_start, verbatim);
        match self.first {
            None => self.first = Some(piece),
            Some(first) => {
                if self.pieces.is_empty() {
                    self.pieces.push(first);
                }
                self.pieces.push(piece);
            }
        }
        match &mut self.text {
            Cow::Borrowed(t) => {
                let from = if t.is_empty() { file_start } else { self.from };
                // `s` continues the borrowed stretch when it is the file's next bytes.
                let same = |f: &str| s.as_ptr() == f.as_ptr() || f.as_bytes().starts_with(s.as_bytes());
                if from + t.len() == file_start && file.get(file_start..).is_some_and(same) {
                    (self.from, *t) = (from, &file[from..file_start + s.len()]);
                } else {
                    let mut owned = String::with_capacity(self.size.max(t.len() + s.len()));
                    owned.push_str(t);
                    owned.push_str(s);
                    self.text = Cow::Owned(owned);
                }
            }
            Cow::Owned(t) => t.push_str(s),
        }
    }

    fn piece(&self, i: usize) -> (usize, usize, bool, usize) {
        let pieces = if self.pieces.is_empty() { self.first.as_slice() } else { &self.pieces };
        let k = pieces.partition_point(|&(t, _, _)| t <= i).saturating_sub(1);
        let (t, f, v) = pieces.get(k).copied().unwrap_or((0, 0, false));
        let end = pieces.get(k + 1).map_or(self.text.len(), |p| p.0);
        (t, f, v, end)
    }

    /// The file offset of byte `i` of `text` (the start of the piece when it was not verbatim).
    pub fn file_offset(&self, i: usize) -> usize {
        let (t, f, verbatim, _) = self.piece(i);
        if verbatim {
            f + (i - t)
        } else {
            f
        }
    }

    /// The file range of `range` of `text` when it lies inside one verbatim piece: only such a
    /// range may be rewritten by a fix, which keeps fixes out of code, URLs and markup.
    pub fn file_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        let (t, f, verbatim, end) = self.piece(range.start);
        (verbatim && range.end <= end).then(|| f + (range.start - t)..f + (range.end - t))
    }

    /// The bytes of the file that `text` is, when it is borrowed from it.
    pub fn file_text(&self) -> Option<Range<usize>> {
        matches!(self.text, Cow::Borrowed(_)).then(|| self.from..self.from + self.text.len())
    }

    /// Whether `rule` is switched off for this block.
    pub fn is_disabled(&self, rule: &str) -> bool {
        self.disabled.as_ref().is_some_and(|d| d.is_empty() || d.iter().any(|r| r == rule))
    }
}

/// The rules named by an opt-out comment (`<!-- tebiki-disable kanji-run, sentence-length -->`),
/// an empty list for `<!-- tebiki-disable -->`, or None when `html` is no such comment.
pub(crate) fn disable_comment(html: &str) -> Option<Vec<String>> {
    let inner = html.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    let rest = inner.strip_prefix("tebiki-disable")?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    Some(rest.split(|c: char| c.is_whitespace() || c == ',').filter(|s| !s.is_empty()).map(str::to_owned).collect())
}

/// Walks the Markdown events and collects blocks.
struct Collector<'a> {
    /// The whole file, and the body in it, from byte `offset`.
    file: &'a str,
    body: &'a str,
    offset: usize,
    /// The blocks so far; the last is still being read while `open`, so a block is written in
    /// place once instead of being moved into the list when it ends.
    blocks: Vec<Block<'a>>,
    open: bool,
    pending_disable: Option<Vec<String>>,
    /// Inside a fenced/indented code block or an image (alt text is not checked).
    skip: usize,
    /// Whether each open link is an autolink (its text is a URL).
    links: Vec<bool>,
    list_items: usize,
}

impl<'a> Collector<'a> {
    fn start(&mut self, kind: BlockKind, size: usize) {
        self.finish();
        self.blocks.push(Block::new(kind, self.pending_disable.take(), size));
        self.open = true;
    }

    fn finish(&mut self) {
        if std::mem::take(&mut self.open)
            && self.blocks.last().is_some_and(|b| b.text.chars().all(|c| c.is_whitespace() || c == HOLE))
        {
            self.blocks.pop();
        }
    }

    /// The block being read, if any.
    fn current(&mut self) -> Option<&mut Block<'a>> {
        self.blocks.last_mut().filter(|_| self.open)
    }

    fn push(&mut self, s: &str, range: Range<usize>, verbatim: bool) {
        if !self.open {
            let kind = if self.list_items > 0 { BlockKind::ListItem } else { BlockKind::Paragraph };
            self.start(kind, range.len());
        }
        let (file, offset) = (self.file, self.offset);
        if let Some(b) = self.current() {
            b.push(file, s, offset + range.start, verbatim);
        }
    }

    fn link_break(&mut self) {
        if let Some(b) = self.current() {
            b.breaks.push(b.text.len());
        }
    }

    fn text(&mut self, t: &str, range: Range<usize>) {
        if self.skip > 0 {
            return;
        }
        if self.links.last() == Some(&true) {
            self.push("\u{FFFC}", range, false);
            return;
        }
        // Text borrowed from the body at its own range is verbatim without comparing the bytes.
        let verbatim =
            self.body.get(range.clone()).is_some_and(|s| (s.as_ptr() == t.as_ptr() && s.len() == t.len()) || s == t);
        if !verbatim {
            self.push(t, range, false);
            return;
        }
        // Bare URLs in running text are not prose either.
        let mut from = 0;
        for url in urls(t) {
            self.push(&t[from..url.start], range.start + from..range.end, true);
            self.push("\u{FFFC}", range.start + url.start..range.end, false);
            from = url.end;
        }
        self.push(&t[from..], range.start + from..range.end, true);
    }

    fn event(&mut self, ev: &Event<'_>, range: Range<usize>) {
        match ev {
            Event::Start(tag) => self.open(tag, range.len()),
            Event::End(tag) => self.close(*tag),
            Event::Text(t) => self.text(t, range),
            Event::Code(_) | Event::FootnoteReference(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                if self.skip == 0 {
                    self.push("\u{FFFC}", range, false);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.skip == 0 && self.open {
                    self.push("\n", range, false);
                }
            }
            Event::Html(h) => {
                self.finish();
                if let Some(rules) = disable_comment(h) {
                    self.pending_disable = Some(rules);
                }
            }
            Event::InlineHtml(_) => {
                if self.skip == 0 && self.open {
                    self.push("\u{FFFC}", range, false);
                }
            }
            Event::Rule | Event::TaskListMarker(_) => {}
        }
    }

    /// A tag opens; its Markdown is `size` bytes long.
    fn open(&mut self, tag: &Tag<'_>, size: usize) {
        match tag {
            Tag::Paragraph => {
                let kind = if self.list_items > 0 { BlockKind::ListItem } else { BlockKind::Paragraph };
                if self.current().is_none_or(|b| !b.text.trim().is_empty()) {
                    self.start(kind, size);
                }
            }
            Tag::Heading { .. } => self.start(BlockKind::Heading, size),
            Tag::Item => {
                self.list_items += 1;
                self.start(BlockKind::ListItem, size);
            }
            Tag::TableCell => self.start(BlockKind::TableCell, size),
            Tag::CodeBlock(_) | Tag::Image { .. } | Tag::MetadataBlock(_) | Tag::HtmlBlock => {
                if !matches!(tag, Tag::Image { .. }) {
                    self.finish();
                }
                self.skip += 1;
            }
            Tag::Link { link_type, .. } => {
                self.links.push(matches!(*link_type, LinkType::Autolink | LinkType::Email));
                self.link_break();
            }
            Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_) | Tag::Table(_) => self.finish(),
            _ => {}
        }
    }

    fn close(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell => self.finish(),
            TagEnd::Item => {
                self.list_items = self.list_items.saturating_sub(1);
                self.finish();
            }
            TagEnd::CodeBlock | TagEnd::Image | TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock => {
                self.skip = self.skip.saturating_sub(1);
            }
            TagEnd::Link => {
                self.links.pop();
                self.link_break();
            }
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition => self.finish(),
            _ => {}
        }
    }
}

/// The byte ranges of `http://`, `https://` and `www.` URLs in `t`: up to a space or a
/// Japanese character, which is where writers end them.
fn urls(t: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    // Every URL has a `:` or a `w`; Japanese text seldom has either, so most texts end here.
    if memchr::memchr2(b':', b'w', t.as_bytes()).is_none() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = ["https://", "http://", "www."].iter().filter_map(|p| t[from..].find(p)).min() {
        let start = from + i;
        let len = t[start..]
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || crate::text::chars::is_cjk(c))
            .map_or(t.len() - start, |(j, _)| j);
        out.push(start..start + len);
        from = start + len.max(1);
    }
    out
}

/// The prose blocks of `text`, whose Markdown body starts at byte `body_offset`, parsed here:
/// for pages the Markdown stage did not read (see [`from_events`]).
pub(crate) fn blocks(text: &str, body_offset: usize) -> Vec<Block<'_>> {
    let events = crate::markdown::parse(&text[body_offset.min(text.len())..]);
    from_events(text, body_offset, &events)
}

/// The prose blocks of `text` from the Markdown stage's own parse of its body (`events`, with
/// ranges in the body), so a page is parsed once whether it is proofread or not.
pub(crate) fn from_events<'a>(
    text: &'a str,
    body_offset: usize,
    events: &[(Event<'_>, Range<usize>)],
) -> Vec<Block<'a>> {
    let body = &text[body_offset.min(text.len())..];
    let mut c = Collector {
        file: text,
        body,
        offset: body_offset,
        // A block takes at least a start, a text and an end event: room made once, not grown.
        blocks: Vec::with_capacity(events.len() / 3 + 1),
        open: false,
        pending_disable: None,
        skip: 0,
        links: Vec::new(),
        list_items: 0,
    };
    for (ev, range) in events {
        c.event(ev, range.clone());
    }
    c.finish();
    c.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(md: &str) -> Vec<(BlockKind, String)> {
        blocks(md, 0).into_iter().map(|b| (b.kind, b.text.into_owned())).collect()
    }

    #[test]
    fn code_urls_html_and_link_destinations_are_not_prose() {
        let md = "# 見出し\n\n本文は`コード`と[リンク](https://例.jp/ＡＢＣ)と<https://x.jp>、https://y.jp/a です。\n\n```\nｶﾀｶﾅ\n```\n\n<div title=\"ＡＢＣ\">x</div>\n\n![画像ＡＢＣ](a.png)\n";
        let got = texts(md);
        assert_eq!(got[0], (BlockKind::Heading, "見出し".into()));
        assert_eq!(got[1], (BlockKind::Paragraph, "本文は\u{FFFC}とリンクと\u{FFFC}、\u{FFFC} です。".into()));
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn offsets_point_into_the_file_and_fixes_stay_in_verbatim_text() {
        let text = "---\ntitle: t\n---\n本文の**強調**と`x`です。\n";
        let body = text.find("本文").unwrap();
        let b = &blocks(text, body)[0];
        let i = b.text.find("強調").unwrap();
        assert_eq!(&text[b.file_offset(i)..b.file_offset(i) + 6], "強調");
        let hole = b.text.find('\u{FFFC}').unwrap();
        assert_eq!(b.file_range(hole..hole + 3), None);
        assert_eq!(b.file_range(i..i + 6).map(|r| &text[r]), Some("強調"));
    }

    #[test]
    fn a_block_of_one_stretch_of_the_file_borrows_it() {
        let text = "本文の一行目\n二行目です。\n\n**強調**の段落。\n";
        let bs = blocks(text, 0);
        assert!(matches!(bs[0].text, Cow::Borrowed("本文の一行目\n二行目です。")), "{:?}", bs[0].text);
        assert!(matches!(bs[1].text, Cow::Owned(_)));
        assert_eq!(bs[1].text, "強調の段落。");
        let i = bs[0].text.find("二行目").unwrap();
        assert_eq!(&text[bs[0].file_offset(i)..][..9], "二行目");
        let i = bs[1].text.find("段落").unwrap();
        assert_eq!(&text[bs[1].file_offset(i)..][..6], "段落");
    }

    #[test]
    fn list_items_tables_and_opt_out_comments() {
        let md = "- 一つ目\n- 二つ目\n\n| 表 |\n|---|\n| セル |\n\n<!-- tebiki-disable kanji-run -->\n段落です。\n\n<!-- tebiki-disable -->\n全部止める。\n\n次の段落。\n";
        let bs = blocks(md, 0);
        let kinds: Vec<_> = bs.iter().map(|b| (b.kind, &*b.text)).collect();
        assert_eq!(kinds[0], (BlockKind::ListItem, "一つ目"));
        assert_eq!(kinds[2], (BlockKind::TableCell, "表"));
        assert!(bs[4].is_disabled("kanji-run") && !bs[4].is_disabled("sentence-length"));
        assert!(bs[5].is_disabled("sentence-length"));
        assert!(!bs[6].is_disabled("kanji-run"));
        assert_eq!(disable_comment("<!-- tebiki-disabled -->"), None);
    }
}
