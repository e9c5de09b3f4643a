//! Markdown → HTML for one page, with tebiki's own passes: Japanese soft line breaks, CJK-friendly
//! emphasis, heading ids and table of contents, link rewriting, callouts, message templates,
//! figures and footnotes. This module owns the pulldown-cmark options.

mod alt;
pub mod anchors;
mod blocks;
mod code;
pub mod emphasis;
mod footnotes;
mod highlight;
pub mod links;
mod phrase_breaks;
pub(crate) mod ruby;
mod zenn;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::{closest, Diagnostic};
use crate::lang::{tr, Msg};
use crate::text::chars::is_cjk;
use crate::text::count::{text_stats, TextStats};
use crate::web::escape::escape;
use anchors::{slugify, IdSet};
pub use links::{SiteMap, Target};

/// Ids the default theme uses itself; headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "top",
    "search",
    "sidebar",
    "toc",
    "content",
    "menu",
    "site-nav",
    "site-nav-drawer",
    "page-toc",
    "search-results",
    "search-input",
    "tebiki-related-title",
    "tebiki-backlinks-title",
    "tebiki-toc-title",
];

/// The Markdown dialect: CommonMark + tables, footnotes, strikethrough, task lists, heading
/// attributes and GFM alerts. Smart punctuation stays off (it would rewrite Japanese quotes).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    /// The heading's id.
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
    /// `title` as HTML with `<wbr>` between its phrases, split once for the heading and this
    /// entry: splitting it again for each page's table of contents cost as much.
    pub title_html: String,
}

/// A heading with the plain text under it, for the search index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// Heading id (empty for the text before the first heading).
    pub id: String,
    /// Heading text (empty for the text before the first heading).
    pub title: String,
    /// Plain text of the section.
    pub text: String,
    /// The ruby readings in the section and its heading, separated by spaces, so that search
    /// finds 漢字 by かんじ (the text holds the base text only).
    pub readings: String,
    /// Whether `text` is already in the search index's normal form (what
    /// [`crate::text::normalize::normalize`] would leave as it is), so the indexer skips that pass.
    /// Nearly all Japanese prose is; false is always safe.
    pub normalized: bool,
}

/// An internal link to a page, kept for anchor checks and backlinks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// Source path of the target page.
    pub target: String,
    /// The fragment as written (decoded), if any.
    pub fragment: Option<String>,
    /// Byte range of the link in the page body.
    pub range: Range<usize>,
}

/// The result of rendering one page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML of the body.
    pub html: String,
    /// h2/h3 headings.
    pub toc: Vec<TocEntry>,
    /// Every id on the page (headings and footnotes).
    pub ids: HashSet<String>,
    /// Internal links to pages.
    pub links: Vec<LinkRef>,
    /// Characters of text, whitespace excluded.
    pub char_count: usize,
    /// Japanese (CJK) characters, read at ~500 a minute.
    pub cjk_count: usize,
    /// Latin words, read at ~200 a minute.
    pub word_count: usize,
    /// Plain text of the first paragraph.
    pub summary: String,
    /// Sections for search.
    pub sections: Vec<Section>,
    /// Broken links and other problems, located in the file.
    pub diagnostics: Vec<Diagnostic>,
    /// The page proofread from this parse, when the build proofreads.
    pub(crate) proofread: Option<crate::proofread::PageReport>,
}

/// What [`render`] needs to know about the page.
pub struct PageInput<'a> {
    /// Source path relative to content (`risks.md`).
    pub source: &'a str,
    /// Path for diagnostics (`content/risks.md`).
    pub shown: &'a Path,
    /// The whole file text.
    pub text: &'a str,
    /// Where the body starts in `text`.
    pub body_offset: usize,
}

/// A Markdown event with its byte range in the page body.
pub(crate) type Ev<'a> = (Event<'a>, Range<usize>);

/// A page body's events as the renderer first sees them (Zenn/Qiita blocks already read), for
/// proofreading a page the Markdown stage did not parse.
pub(crate) fn parse(body: &str) -> Vec<Ev<'_>> {
    zenn::parse(body).0
}

/// Renders a page body.
pub fn render(page: &PageInput, map: &SiteMap) -> Rendered {
    render_and_read(page, map, |_| ())
}

/// Renders a page body and lets `read` see its parse first: proofreading collects a page's prose
/// from it instead of parsing the page a second time.
pub(crate) fn render_and_read(page: &PageInput, map: &SiteMap, read: impl FnOnce(&[Ev<'_>])) -> Rendered {
    let body = &page.text[page.body_offset..];
    // Zenn/Qiita blocks split the body into parts parsed one by one (see zenn.rs).
    let (events, problems) = zenn::parse(body);
    read(&events);
    let events = emphasis::apply(events, body);
    let (events, uneven_ruby) = ruby::apply(events, body);
    let mut renderer = Renderer::new(page, map);
    for (range, message, hint) in problems {
        let d = renderer.diag_at(range, message).hint(hint);
        renderer.res.diagnostics.push(d.warn());
    }
    let mut rendered = renderer.run(events);
    rendered.diagnostics.extend(uneven_ruby.into_iter().map(|r| ruby::uneven_warning(page, r)));
    rendered
}

struct HeadingState<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    classes: Vec<String>,
    inner: Vec<Event<'a>>,
    text: String,
    readings: String,
}

struct Renderer<'p, 'm, 'a> {
    page: &'p PageInput<'p>,
    map: &'m SiteMap,
    out: Vec<Event<'a>>,
    ids: IdSet,
    all_ids: HashSet<String>,
    res: Rendered,
    heading: Option<HeadingState<'a>>,
    footnote: Option<(String, Vec<Event<'a>>)>,
    footnotes: Vec<(String, Vec<Event<'a>>)>,
    footnote_ids: HashMap<String, (usize, String)>,
    footnote_refs: HashMap<String, usize>,
    /// Ids of the references to each footnote, in order, handed out with the other ids.
    footnote_ref_ids: HashMap<String, Vec<String>>,
    last_char: Option<char>,
    /// Where the last text event ended, if it ended with `*`: pulldown-cmark hands an unpaired
    /// `**` on as two one-character texts.
    star_end: Option<usize>,
    section: Section,
    /// The last section's text buffer, emptied, for the next section to grow in: sections are
    /// kept at their exact size (copied), so their buffers need not grow from nothing each time.
    spare_text: String,
    /// Whether the current section's text may change under the search normalization (see
    /// [`Section::normalized`]).
    section_folds: bool,
    /// Nesting of block containers (lists, quotes, footnotes): the summary is a top-level paragraph.
    container_depth: usize,
    summary_capture: Option<String>,
    /// Level of the previous heading (the page title is the h1).
    last_level: u8,
    /// For each open list item: whether it is a task item (its `<label>` must be closed).
    task_items: Vec<bool>,
    /// Whether an image was written: the first one loads eagerly (see [`Renderer::image_html`]).
    image_seen: bool,
}

impl<'p, 'm, 'a> Renderer<'p, 'm, 'a> {
    fn new(page: &'p PageInput<'p>, map: &'m SiteMap) -> Self {
        let ids = IdSet::default();
        let mut all_ids = HashSet::new();
        all_ids.insert("top".to_string());
        Renderer {
            page,
            map,
            out: Vec::new(),
            ids,
            all_ids,
            res: Rendered::default(),
            heading: None,
            footnote: None,
            footnotes: Vec::new(),
            footnote_ids: HashMap::new(),
            footnote_refs: HashMap::new(),
            footnote_ref_ids: HashMap::new(),
            last_char: None,
            star_end: None,
            section: Section::default(),
            spare_text: String::new(),
            section_folds: false,
            container_depth: 0,
            summary_capture: None,
            last_level: 1,
            task_items: Vec::new(),
            image_seen: false,
        }
    }

    fn emit(&mut self, ev: Event<'a>) {
        if let Some(h) = &mut self.heading {
            h.inner.push(ev);
        } else if let Some((_, buf)) = &mut self.footnote {
            buf.push(ev);
        } else {
            self.out.push(ev);
        }
    }

    fn note_text(&mut self, t: &str) {
        // Whether the section's text may change under the search normalization is asked until
        // one of its texts may (headings are not indexed as the section's text).
        let tell_folds = self.heading.is_none() && !self.section_folds;
        let TextStats { non_ws, cjk, words, folds } = text_stats(t, tell_folds);
        self.res.char_count += non_ws;
        self.res.cjk_count += cjk;
        self.res.word_count += words;
        if let Some(c) = t.chars().next_back() {
            self.last_char = Some(c);
        }
        if let Some(h) = &mut self.heading {
            h.text.push_str(t);
        } else {
            self.section.text.push_str(t);
            self.section_folds |= folds;
        }
        if let Some(s) = &mut self.summary_capture {
            s.push_str(t);
        }
    }

    fn reserve_footnotes(&mut self, events: &[Ev<'a>]) {
        for (ev, _) in events {
            let label = match ev {
                Event::FootnoteReference(l) => l,
                Event::Start(Tag::FootnoteDefinition(l)) => l,
                _ => continue,
            };
            if !self.footnote_ids.contains_key(label.as_ref()) {
                let n = self.footnote_ids.len() + 1;
                let id = self.ids.unique(&format!("fn-{}", slugify(label)));
                self.footnote_ids.insert(label.to_string(), (n, id));
            }
            // Reference ids (`fn-1-ref`, `fn-1-ref-2`) come from the same IdSet, so they cannot
            // collide with another footnote (`[^1-ref]` → `fn-1-ref`) or a heading
            // (`## fn-1-ref`); found by tests/properties.rs.
            if let Event::FootnoteReference(l) = ev {
                let id = &self.footnote_ids[l.as_ref()].1;
                let refs = self.footnote_ref_ids.entry(l.to_string()).or_default();
                let want = if refs.is_empty() { format!("{id}-ref") } else { format!("{id}-ref-{}", refs.len() + 1) };
                refs.push(self.ids.unique(&want));
            }
        }
    }

    fn run(mut self, events: Vec<Ev<'a>>) -> Rendered {
        self.reserve_footnotes(&events);
        self.out.reserve(events.len());
        let mut i = 0;
        while i < events.len() {
            i = self.event(&events, i);
        }
        self.finish()
    }

    /// Handles the event at `i` and returns the index of the next one: each kind of Markdown
    /// construct has a pass of its own (here, in `blocks.rs`, `code.rs`, `alt.rs` and
    /// `footnotes.rs`; `zenn.rs` works before this, on the parse).
    fn event(&mut self, events: &[Ev<'a>], i: usize) -> usize {
        let (ev, range) = &events[i];
        match ev {
            Event::Start(Tag::Heading { level, id, classes, .. }) => {
                self.start_heading(*level, id.as_deref(), classes, range.clone());
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::Paragraph) => {
                if let Some(skip) = self.try_figure(events, i) {
                    return skip;
                }
                if self.container_depth == 0 && self.res.summary.is_empty() && self.heading.is_none() {
                    self.summary_capture = Some(String::new());
                }
                self.emit(ev.clone());
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(s) = self.summary_capture.take() {
                    self.res.summary = s.trim().to_string();
                }
                self.section.text.push('\n');
                self.emit(ev.clone());
            }
            Event::Text(t) => self.text(t, range.clone()),
            Event::Code(t) => {
                self.note_text(t);
                self.emit(ev.clone());
            }
            Event::SoftBreak => {
                let next = next_char(events, i);
                let join = matches!((self.last_char, next), (Some(a), Some(b)) if is_cjk(a) && is_cjk(b));
                if !join {
                    self.note_text(" ");
                    self.emit(Event::SoftBreak);
                }
            }
            Event::InlineHtml(h) if ruby::reading(h).is_some() => {
                let readings = self.heading.as_mut().map_or(&mut self.section.readings, |h| &mut h.readings);
                readings.push_str(ruby::reading(h).unwrap_or_default());
                readings.push(' ');
                self.emit(ev.clone());
            }
            Event::HardBreak => {
                self.note_text(" ");
                self.emit(Event::HardBreak);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let href = self.link_href(dest_url, range.clone(), false);
                self.emit(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: CowStr::from(href),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let (alt, end) = collect_text(events, i);
                let html = self.image_html(dest_url, &alt, range.clone());
                self.emit(Event::InlineHtml(CowStr::from(html)));
                return end + 1;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("message") =>
            {
                return self.message_block(events, i, info);
            }
            Event::Start(Tag::CodeBlock(kind)) => return self.code_block(events, i, kind),
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(ev, html, range.clone()),
            Event::FootnoteReference(label) => self.footnote_reference(label),
            Event::Start(Tag::FootnoteDefinition(label)) => self.start_footnote(label, range.clone()),
            Event::End(TagEnd::FootnoteDefinition) => self.end_footnote(),
            _ => self.block_event(events, i),
        }
        i + 1
    }

    /// A heading starts: checks its level follows the last one and opens a new search section.
    fn start_heading(&mut self, level: HeadingLevel, id: Option<&str>, classes: &[CowStr<'a>], range: Range<usize>) {
        let lv = level as u8;
        if lv > self.last_level + 1 {
            let d = self
                .diag_at(
                    range,
                    tr(
                        format!("heading level skipped: h{} follows h{}", lv, self.last_level),
                        format!("見出しの階層が飛んでいます：h{} の次に h{} があります", self.last_level, lv),
                    ),
                )
                .code("heading-level-skipped")
                .hint({
                    let hashes = "#".repeat(usize::from(self.last_level) + 1);
                    tr(format!("use {hashes} for this heading"), format!("この見出しには {hashes} を使ってください"))
                });
            self.res.diagnostics.push(d.warn());
        }
        self.last_level = lv;
        self.flush_section();
        self.heading = Some(HeadingState {
            level,
            explicit_id: id.map(str::to_string),
            classes: classes.iter().map(|c| c.to_string()).collect(),
            inner: Vec::new(),
            text: String::new(),
            readings: String::new(),
        });
    }

    /// Text: warns about `**` left unpaired (CJK emphasis is fixed before this pass, so what is
    /// left shows as asterisks), then counts and emits it.
    fn text(&mut self, t: &CowStr<'a>, range: Range<usize>) {
        // Two literal stars side by side in the source (not `\*\*`).
        let body = &self.page.text.as_bytes()[self.page.body_offset..];
        let split = t.starts_with('*')
            && self.star_end == Some(range.start)
            && body.get(range.start) == Some(&b'*')
            && range.start.checked_sub(1).and_then(|p| body.get(p)) == Some(&b'*');
        if has_double_star(t) || split {
            let at = if split { range.start - 1..range.end } else { range.clone() };
            self.unpaired_emphasis(at);
        }
        self.star_end = t.ends_with('*').then_some(range.end);
        self.note_text(t);
        self.emit(Event::Text(t.clone()));
    }

    /// Warns about `**` left unpaired at `at`. Rare, so kept out of the text path's code, which
    /// runs for every text of every page.
    #[cold]
    #[inline(never)]
    fn unpaired_emphasis(&mut self, at: Range<usize>) {
        let d = self
            .diag_at(
                at,
                tr(
                    "`**` left unpaired: the page shows the asterisks",
                    "`**` が閉じられていないため、ページにアスタリスクがそのまま表示されます",
                ),
            )
            .code("unpaired-emphasis")
            .hint(tr(
                "close the bold text with `**`, or write `\\*\\*` for literal asterisks",
                "太字は `**` で閉じてください。アスタリスクそのものを表示するには `\\*\\*` と書きます",
            ));
        self.res.diagnostics.push(d.warn());
    }

    fn flush_section(&mut self) {
        let mut s = std::mem::take(&mut self.section);
        let normalized = !std::mem::take(&mut self.section_folds);
        let mut buf = std::mem::take(&mut s.text);
        if !buf.trim().is_empty() || !s.id.is_empty() {
            self.res.sections.push(Section { text: buf.trim().to_string(), normalized, ..s });
        }
        buf.clear();
        self.spare_text = buf;
    }

    fn end_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let title = h.text.trim().to_string();
        let id = match &h.explicit_id {
            Some(e) if !slugify(e).is_empty() => self.ids.unique(&slugify(e)),
            _ => self.ids.unique(&slugify(&title)),
        };
        self.all_ids.insert(id.clone());
        let mut inner = String::new();
        let level = h.level as u8;
        // Split once: the heading's own breaks and its table-of-contents entry share it.
        let title_html = if level <= 3 { crate::text::phrase::phrases_html(&title) } else { String::new() };
        let events = if level <= 3 { phrase_breaks::apply(h.inner, (&title, &title_html)) } else { h.inner };
        pulldown_cmark::html::push_html(&mut inner, events.into_iter());
        if level == 2 || level == 3 {
            self.res.toc.push(TocEntry { level, id: id.clone(), title: title.clone(), title_html });
        }
        let html = heading_html(level, &id, &h.classes, &inner, &title);
        let text = std::mem::take(&mut self.spare_text);
        self.section = Section { id, title, text, readings: h.readings, ..Default::default() };
        self.emit(Event::Html(CowStr::from(html)));
    }

    /// An image alone in a paragraph with a title becomes a `<figure>` with a caption.
    fn try_figure(&mut self, events: &[Ev<'a>], i: usize) -> Option<usize> {
        if self.heading.is_some() {
            return None;
        }
        let (Event::Start(Tag::Image { dest_url, title, .. }), range) = events.get(i + 1)? else {
            return None;
        };
        if title.is_empty() {
            return None;
        }
        let (alt, end) = collect_text(events, i + 1);
        if !matches!(events.get(end + 1), Some((Event::End(TagEnd::Paragraph), _))) {
            return None;
        }
        let img = self.image_html(dest_url, &alt, range.clone());
        self.note_text(title);
        self.section.text.push('\n');
        let html = format!("<figure class=\"illustration\">{img}<figcaption>{}</figcaption></figure>\n", escape(title));
        self.emit(Event::Html(CowStr::from(html)));
        Some(end + 2)
    }

    fn image_html(&mut self, dest: &str, alt: &str, range: Range<usize>) -> String {
        // Empty brackets (`![](a.png)`) mark a decorative image: `alt=""`, no warning (a raw
        // `<img>` without `alt` is what warns, in alt.rs).
        let src = self.link_href(dest, range.clone(), true);
        let size = match self.map.resolve(self.page.source, dest) {
            Target::Asset(rel) => self.map.image_sizes.get(&rel).copied(),
            _ => None,
        };
        let dims = size.map(|(w, h)| format!(" width=\"{w}\" height=\"{h}\"")).unwrap_or_default();
        // The first image is often in the first screen, where it is the largest thing drawn:
        // loading it lazily would delay it until layout. The rest wait until they are near.
        let lazy = if std::mem::replace(&mut self.image_seen, true) { " loading=\"lazy\"" } else { "" };
        format!("<img src=\"{}\" alt=\"{}\"{dims}{lazy} decoding=\"async\">", escape(&src), escape(alt))
    }

    fn diag_at(&self, range: Range<usize>, msg: impl Into<Msg>) -> Diagnostic {
        let start = self.page.body_offset + range.start;
        let src = &self.page.text[start.min(self.page.text.len())..];
        let len = src[..range.len().min(src.len())].lines().next().unwrap_or("").chars().count();
        Diagnostic::error(Some(self.page.shown.to_path_buf()), msg).at_offset(self.page.text, start).span(len)
    }

    /// A link or image whose target does not exist, with the closest files of this site as the
    /// suggestion, or else an example link to one of its pages.
    fn broken_link(&self, dest: &str, resolved: &str, range: Range<usize>, image: bool) -> Diagnostic {
        let msg = if image {
            tr(format!("image `{dest}` not found"), format!("画像 `{dest}` が見つかりません"))
        } else {
            tr(format!("link target `{dest}` not found"), format!("リンク先 `{dest}` が見つかりません"))
        };
        let code = if image { "image-not-found" } else { "link-not-found" };
        let d = self.diag_at(range, msg).code(code);
        let candidates = self.map.page_by_source.keys().chain(self.map.assets.iter()).map(String::as_str);
        let near = closest(resolved, candidates, 3);
        let from_dir = match self.page.source.rfind('/') {
            Some(i) => &self.page.source[..=i],
            None => "",
        };
        if !near.is_empty() {
            let shown: Vec<String> = near.iter().map(|n| format!("`{}`", relative_to(from_dir, n))).collect();
            return d.hint(tr(
                format!("did you mean {}?", shown.join(" or ")),
                format!("{} のことですか？", shown.join(" か ")),
            ));
        }
        // An example from this site: a page in the same folder if there is one, else any page;
        // a page rather than a section's `_index.md`, which may be generated.
        let example = self.map.page_by_source.keys().filter(|s| s.as_str() != self.page.source).min_by_key(|s| {
            (!s.starts_with(from_dir) || s[from_dir.len()..].contains('/'), s.ends_with("_index.md"), s.as_str())
        });
        match example {
            Some(e) => {
                let e = relative_to(from_dir, e);
                d.hint(tr(
                    format!("link to a Markdown file relative to this page, e.g. `{e}`"),
                    format!("このページからの相対パスで Markdown ファイルを指定してください（例：`{e}`）"),
                ))
            }
            None => d.hint(tr(
                "link to a Markdown file relative to this page",
                "このページからの相対パスで Markdown ファイルを指定してください",
            )),
        }
    }

    /// Rewrites a link/image destination and records page links; broken ones become errors.
    fn link_href(&mut self, dest: &str, range: Range<usize>, image: bool) -> String {
        match self.map.resolve(self.page.source, dest) {
            Target::External => dest.to_string(),
            Target::Asset(rel) => self.map.asset_url(&rel),
            Target::Page { source, fragment } => {
                if self.map.drafts.contains(&source) && !self.map.drafts.contains(self.page.source) {
                    let d = self.draft_link(range.clone(), &source);
                    self.res.diagnostics.push(Diagnostic { severity: crate::diagnostics::Severity::Warning, ..d });
                }
                let id = fragment.as_deref().map(links::fragment_id);
                self.res.links.push(LinkRef { target: source.clone(), fragment, range });
                if source == self.page.source && !dest.contains(".md") && dest.starts_with('#') {
                    return format!("#{}", id.unwrap_or_default());
                }
                self.map.page_url(&source, id.as_deref())
            }
            Target::Broken(resolved) if self.map.left_out_draft(&resolved).is_some() => {
                let source = self.map.left_out_draft(&resolved).unwrap_or_default().to_string();
                let d = self.draft_link(range, &source);
                self.res.diagnostics.push(d);
                dest.to_string()
            }
            Target::Broken(resolved) => {
                let d = self.broken_link(dest, &resolved, range, image);
                self.res.diagnostics.push(d);
                dest.to_string()
            }
        }
    }

    /// A link from a published page to a draft: an error where the build leaves drafts out (the
    /// link would break), a warning where they are shown (`serve`, `--drafts`).
    fn draft_link(&self, range: Range<usize>, source: &str) -> Diagnostic {
        self.diag_at(range, format!("links to the draft page `{source}`, which `build` leaves out"))
            .hint("build with `--drafts` to include drafts, or publish the page (remove `draft: true`)")
    }

    fn finish(mut self) -> Rendered {
        self.flush_section();
        let mut html = String::with_capacity(self.page.text.len() * 2);
        pulldown_cmark::html::push_html(&mut html, self.out.into_iter());
        if !self.footnotes.is_empty() {
            let mut notes = std::mem::take(&mut self.footnotes);
            notes.sort_by_key(|(l, _)| self.footnote_ids.get(l).map_or(usize::MAX, |x| x.0));
            html.push_str(
                "<section class=\"footnotes\" aria-label=\"脚注\">\n<h2 class=\"visually-hidden\">脚注</h2>\n<ol>\n",
            );
            for (label, evs) in notes {
                let (_, id) = self.footnote_ids.get(&label).cloned().unwrap_or_default();
                self.all_ids.insert(id.clone());
                html.push_str(&format!("<li id=\"{id}\">"));
                pulldown_cmark::html::push_html(&mut html, evs.into_iter());
                if let Some(first_ref) =
                    self.footnote_refs.contains_key(&label).then(|| self.footnote_ref_ids.get(&label)).flatten()
                {
                    html.push_str(&format!(
                        "<a href=\"#{}\" class=\"footnote-backref\" aria-label=\"本文の参照箇所へ戻る\">↩</a>",
                        first_ref[0]
                    ));
                }
                html.push_str("</li>\n");
            }
            html.push_str("</ol>\n</section>\n");
        }
        // Sized for the worst case above; the rest goes back to the allocator (a large site keeps
        // every page's HTML until it is rendered).
        html.shrink_to_fit();
        // The table of contents is kept as long as the HTML: without the slack of its growth.
        self.res.toc.shrink_to_fit();
        self.res.html = html;
        self.res.ids = self.all_ids;
        self.res
    }
}

/// A heading's HTML, escaped straight into one string (a large site has a heading or more per
/// page, and a string per escaped part added up).
fn heading_html(level: u8, id: &str, classes: &[String], inner: &str, title: &str) -> String {
    use crate::web::escape::escape_into;
    use std::fmt::Write;
    let mut html = String::with_capacity(inner.len() + 2 * id.len() + title.len() + 120);
    let _ = write!(html, "<h{level} id=\"");
    escape_into(&mut html, id);
    html.push('"');
    if !classes.is_empty() {
        html.push_str(" class=\"");
        escape_into(&mut html, &classes.join(" "));
        html.push('"');
    }
    html.push('>');
    html.push_str(inner);
    html.push_str(" <a class=\"heading-anchor\" href=\"#");
    escape_into(&mut html, id);
    html.push_str("\" aria-label=\"「");
    escape_into(&mut html, title);
    let _ = writeln!(html, "」へのリンク\">#</a></h{level}>");
    html
}

/// Whether `t` holds `**`. `str::contains` would set up a substring search for every text event;
/// most texts have no `*` at all, which one `memchr` pass tells (figures: docs/dev/performance.md).
fn has_double_star(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr_iter(b'*', b).any(|i| b.get(i + 1) == Some(&b'*'))
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "メモ"),
        BlockQuoteKind::Tip => ("tip", "ヒント"),
        BlockQuoteKind::Important => ("important", "重要"),
        BlockQuoteKind::Warning => ("warning", "注意"),
        BlockQuoteKind::Caution => ("caution", "警告"),
    }
}

/// Concatenated text from event `start` (a Start tag) to its matching End; returns the End index.
fn collect_text(events: &[Ev<'_>], start: usize) -> (String, usize) {
    let mut depth = 0usize;
    let mut s = String::new();
    for (j, (ev, _)) in events.iter().enumerate().skip(start) {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return (s, j);
                }
            }
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push('\n'),
            _ => {}
        }
    }
    (s, events.len().saturating_sub(1))
}

/// The first character of text after event `i`, looking through inline tags.
fn next_char(events: &[Ev<'_>], i: usize) -> Option<char> {
    for (ev, _) in &events[i + 1..] {
        match ev {
            Event::Text(t) | Event::Code(t) => return t.chars().next(),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }) => continue,
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => continue,
            _ => return None,
        }
    }
    None
}

fn is_task_list(events: &[Ev<'_>], i: usize) -> bool {
    let next = |k: usize| events.get(k).map(|e| &e.0);
    matches!(next(i + 1), Some(Event::Start(Tag::Item)))
        && (matches!(next(i + 2), Some(Event::TaskListMarker(_)))
            || matches!(
                (next(i + 2), next(i + 3)),
                (Some(Event::Start(Tag::Paragraph)), Some(Event::TaskListMarker(_)))
            ))
}

/// `title="..."` from a fence info string.
fn attr_value(info: &str, key: &str) -> Option<String> {
    let start = info.find(&format!("{key}="))? + key.len() + 1;
    let rest = &info[start..];
    if let Some(r) = rest.strip_prefix('"') {
        r.find('"').map(|e| r[..e].to_string())
    } else {
        Some(rest.split_whitespace().next().unwrap_or("").to_string())
    }
}

fn relative_to(from_dir: &str, target: &str) -> String {
    let mut from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let mut to: Vec<&str> = target.split('/').collect();
    while !from.is_empty() && to.len() > 1 && from[0] == to[0] {
        from.remove(0);
        to.remove(0);
    }
    let mut s = "../".repeat(from.len());
    s.push_str(&to.join("/"));
    s
}

#[cfg(test)]
mod tests;
