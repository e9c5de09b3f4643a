//! The sidebar: a window of the site's pages around the current one, each entry made once and
//! shared between the pages that show it.

use crate::content::Content;
use serde::Serialize;
use tera::{Context, Value};

#[derive(Serialize)]
pub(super) struct NavEntry<'a> {
    /// The page this entry links to (None: a gap).
    #[serde(skip)]
    page: Option<usize>,
    title: &'a str,
    /// `title` with `<wbr>` between its phrases, split once per render (`Shared::title_html`).
    title_html: &'a str,
    url: &'a str,
    depth: usize,
    current: bool,
    ancestor: bool,
    draft: bool,
    gap: bool,
}

/// Longest list of siblings the sidebar shows in full; longer ones show a window.
pub(super) const NAV_WINDOW: usize = 20;

/// The sidebar for page `current`: home, the top level, and the children of each ancestor
/// (and of the page itself). Long sibling lists show a window around the current branch, so
/// the sidebar's size does not grow with the number of pages. `title_html` gives a page's
/// title with phrase breaks.
pub(super) fn nav_for<'a>(
    content: &'a Content,
    urls: &'a [String],
    current: usize,
    title_html: &dyn Fn(usize) -> &'a str,
) -> Vec<NavEntry<'a>> {
    let mut chain = Vec::new();
    let mut a = (current < content.pages.len()).then_some(current);
    while let Some(j) = a {
        chain.push(j);
        a = content.parent[j];
    }
    let mut out = Vec::new();
    if content.pages.is_empty() {
        return out;
    }
    let entry = |i: usize, depth: usize, gap: bool| NavEntry {
        page: (!gap).then_some(i),
        title: if gap { "" } else { &content.pages[i].fm.title },
        title_html: if gap { "" } else { title_html(i) },
        url: if gap { "" } else { &urls[i] },
        depth,
        current: !gap && i == current,
        ancestor: !gap && i != current && chain.contains(&i),
        draft: !gap && content.pages[i].fm.draft,
        gap,
    };
    out.push(entry(0, 0, false));
    push_level(content, &chain, 0, 0, &mut out, &entry);
    out
}

/// A fingerprint of page `current`'s sidebar: every entry it lists, as the page shows it
/// (`serve` re-renders a page when this changes).
pub(crate) fn nav_fingerprint(content: &Content, urls: &[String], current: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = ahash::AHasher::default();
    // The phrase breaks follow from the title, which is hashed.
    for e in nav_for(content, urls, current, &|_| "") {
        (e.page, e.title, e.url, e.depth, e.current, e.ancestor, e.draft, e.gap).hash(&mut h);
    }
    h.finish()
}

/// A sidebar entry shared by the pages that list it: its template value, and its markup
/// (`None` if rendering it failed; the page that needs it renders it again for the error).
pub(super) type SharedNavEntry = (Value, Option<String>);

/// Sidebar entries made once per build and shared by every page that lists them ([`nav_value`]).
/// An entry is the same on all those pages, whatever the page, unless it is the page itself.
pub(super) struct NavCache {
    /// By page: the entry of a page that is neither the current page nor one of its ancestors.
    plain: Vec<std::sync::OnceLock<SharedNavEntry>>,
    /// By page: its entry on the pages below it.
    ancestor: Vec<std::sync::OnceLock<SharedNavEntry>>,
    /// By depth: the gap standing for the pages a long list leaves out (a gap deeper than
    /// [`NAV_GAP_DEPTHS`] is rendered on each page that shows it).
    gap: Vec<std::sync::OnceLock<SharedNavEntry>>,
}

impl NavCache {
    /// An empty cache for `pages` pages (0: nothing is shared, for a one-off page).
    pub(super) fn new(pages: usize) -> Self {
        let cells = |n: usize| (0..n).map(|_| std::sync::OnceLock::new()).collect();
        NavCache { plain: cells(pages), ancestor: cells(pages), gap: cells(if pages > 0 { NAV_GAP_DEPTHS } else { 0 }) }
    }

    /// The cell an entry is shared in; `None` for the current page's own entry.
    pub(super) fn cell(&self, e: &NavEntry) -> Option<&std::sync::OnceLock<SharedNavEntry>> {
        match e.page {
            None => self.gap.get(e.depth),
            Some(_) if e.current => None,
            Some(k) if e.ancestor => self.ancestor.get(k),
            Some(k) => self.plain.get(k),
        }
    }
}

/// The sidebar as a template value (`nav`) and as markup (`nav_html`: each entry rendered with
/// `partials/sidebar_item.html`, one per line). Every entry but the current page's own comes
/// from `cache`, made once.
///
/// Why the markup: looping over each page's sidebar entries in Tera was a large share of
/// rendering; joined here, the shared entries cost nothing per page (figures: docs/dev/performance.md).
pub(super) fn nav_value(
    nav: &[NavEntry],
    cache: &NavCache,
    tera: &tera::Tera,
    site: &Value,
) -> Result<(Value, String), tera::Error> {
    // `site` gives the entry its interface strings (`site.strings.draft`).
    let item = |e: &NavEntry| {
        let mut ctx = Context::new();
        ctx.insert_value("site", site.clone());
        ctx.insert("entry", e);
        tera.render(SIDEBAR_ITEM, &ctx)
    };
    let mut html = String::with_capacity(nav.len() * 160);
    let mut entries = Vec::with_capacity(nav.len());
    for e in nav {
        html.push('\n');
        match cache.cell(e) {
            Some(cell) => {
                let (value, markup) = cell.get_or_init(|| (Value::from_serializable(e), item(e).ok()));
                match markup {
                    Some(m) => html.push_str(m),
                    None => html.push_str(&item(e)?),
                }
                entries.push(value.clone());
            }
            None => {
                html.push_str(&item(e)?);
                entries.push(Value::from_serializable(e));
            }
        }
    }
    Ok((Value::from(entries), html))
}

/// Puts the sidebar into `ctx` as `nav` and `nav_html` ([`nav_value`]).
pub(super) fn insert_nav(
    ctx: &mut Context,
    nav: &[NavEntry],
    cache: &NavCache,
    tera: &tera::Tera,
    site: &Value,
) -> Result<(), tera::Error> {
    let (value, html) = nav_value(nav, cache, tera, site)?;
    ctx.insert_value("nav", value);
    ctx.insert("nav_html", &html);
    Ok(())
}

/// Depths of the sidebar whose gap entries [`NavCache`] shares.
pub(super) const NAV_GAP_DEPTHS: usize = 32;

/// The template of one sidebar entry ([`nav_value`]).
pub(super) const SIDEBAR_ITEM: &str = "partials/sidebar_item.html";

/// Appends the children of `parent` (windowed), expanding the one on the current branch.
pub(super) fn push_level<'a>(
    content: &Content,
    chain: &[usize],
    parent: usize,
    depth: usize,
    out: &mut Vec<NavEntry<'a>>,
    entry: &dyn Fn(usize, usize, bool) -> NavEntry<'a>,
) {
    let kids = &content.children[parent];
    let (start, end) = if kids.len() <= NAV_WINDOW {
        (0, kids.len())
    } else {
        let focus = kids.iter().position(|k| chain.contains(k)).unwrap_or(0);
        let start = focus.saturating_sub(NAV_WINDOW / 2).min(kids.len() - NAV_WINDOW);
        (start, start + NAV_WINDOW)
    };
    if start > 0 {
        out.push(entry(0, depth, true));
    }
    for &k in &kids[start..end] {
        out.push(entry(k, depth, false));
        if chain.contains(&k) {
            push_level(content, chain, k, depth + 1, out, entry);
        }
    }
    if end < kids.len() {
        out.push(entry(0, depth, true));
    }
}
