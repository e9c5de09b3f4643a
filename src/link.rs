//! The site graph: reading order (prev/next), related pages, backlinks, and verification of every
//! internal link and `#anchor` against the ids the pages actually have.

use rayon::prelude::*;

use crate::content::Content;
use crate::diagnostics::{closest, Diagnostic, Diagnostics};
use crate::lang::tr;
use crate::markdown::links::fragment_id;
use std::sync::Arc;

use crate::markdown::Rendered;
use crate::refresh::refresh_slots;

/// Cross-page relations, indexed like `Content::pages`.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Previous page in reading order.
    pub prev: Vec<Option<usize>>,
    /// Next page in reading order.
    pub next: Vec<Option<usize>>,
    /// Pages listed in front matter `related`.
    pub related: Vec<Vec<usize>>,
    /// Pages that link to this one, in reading order.
    pub backlinks: Vec<Vec<usize>>,
}

/// One page's link targets (other pages) and the errors of its links.
type PageLinks = (Vec<usize>, Vec<Diagnostic>);

/// What `serve` keeps of the last build's link check: each page's result, with the rendered
/// pages it was made from. A page's result stands while the site has the same pages in the
/// same order and neither the page nor any page it links to was rendered again.
#[derive(Debug, Default)]
pub(crate) struct LinkMemo {
    sources: Vec<String>,
    rendered: Vec<Arc<Rendered>>,
    per_page: Vec<PageLinks>,
}

impl LinkMemo {
    /// Page `i`'s last result, if it still stands for `rendered`.
    fn stands(&self, rendered: &[Arc<Rendered>], i: usize) -> bool {
        let same = |j: usize| Arc::ptr_eq(&self.rendered[j], &rendered[j]);
        self.per_page.get(i).is_some_and(|(targets, _)| same(i) && targets.iter().all(|&t| same(t)))
    }

    /// Checks again the pages whose last result no longer stands, in place: most of a large
    /// site's results stay where they are.
    fn refresh(&mut self, content: &Content, rendered: &[Arc<Rendered>]) {
        let same_pages = self.sources.len() == content.pages.len()
            && self.sources.iter().zip(&content.pages).all(|(s, p)| *s == p.source);
        if !same_pages {
            *self =
                LinkMemo { sources: content.pages.iter().map(|p| p.source.clone()).collect(), ..Default::default() };
        }
        let fresh: Vec<Option<PageLinks>> = (0..rendered.len())
            .into_par_iter()
            .map(|i| (!self.stands(rendered, i)).then(|| page_links(content, rendered, i)))
            .collect();
        refresh_slots(
            &mut self.per_page,
            fresh.into_iter(),
            |_, fresh| fresh.is_none(),
            |fresh| fresh.unwrap_or_default(),
        );
        refresh_slots(&mut self.rendered, rendered.iter(), |old, new| Arc::ptr_eq(old, new), Arc::clone);
    }
}

/// Builds the graph and checks links; broken anchors and unknown `related` entries are errors.
/// With a `memo` (`serve`), pages whose result still stands are not checked again.
pub(crate) fn link(content: &Content, rendered: &[Arc<Rendered>], memo: Option<&mut LinkMemo>) -> (Graph, Diagnostics) {
    let n = content.pages.len();
    let mut diags = Diagnostics::default();
    let checked: Vec<PageLinks>;
    let per_page: &[PageLinks] = match memo {
        Some(m) => {
            m.refresh(content, rendered);
            &m.per_page
        }
        None => {
            checked = (0..n).into_par_iter().map(|i| page_links(content, rendered, i)).collect();
            &checked
        }
    };
    // Pages are visited in reading order, so each list is sorted; a page that links to one
    // target twice is listed once.
    let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, (targets, page_diags)) in per_page.iter().enumerate() {
        for &t in targets {
            if backlinks[t].last() != Some(&i) {
                backlinks[t].push(i);
            }
        }
        diags.0.extend(page_diags.iter().cloned());
    }
    let related = (0..n).map(|i| related_pages(content, i, &mut diags)).collect();
    for (i, page) in content.pages.iter().enumerate().skip(1) {
        if backlinks[i].is_empty() && page.fm.orphan.is_none() && !page.fm.draft {
            diags.push(orphan(page));
        }
    }
    let prev = (0..n).map(|i| i.checked_sub(1)).collect();
    let next = (0..n).map(|i| (i + 1 < n).then_some(i + 1)).collect();
    let graph = Graph { prev, next, related, backlinks };
    (graph, diags)
}

/// The warning for a published page no other page links to. Drafts are not reported: a page is
/// expected to get its links while it is written (`tebiki new` makes drafts), not before.
fn orphan(page: &crate::content::Page) -> Diagnostic {
    let link = format!("[{}]({})", page.fm.title, page.source);
    Diagnostic::warning(
        Some(page.shown.clone()),
        tr(
            "no page links here (it is reachable only from the sidebar)",
            "このページにリンクしているページがありません（サイドバーからしかたどれません）",
        ),
    )
    .code("orphan")
    .hint(tr(
        format!("link to it from a related page: {link}, or add `orphan: ok` to its front matter"),
        format!("関連するページからリンクしてください：{link}。リンクが要らなければ、フロントマターに `orphan: ok` と書きます"),
    ))
}

/// Page `i`'s link targets (other pages) and an error for each anchor its target lacks.
fn page_links(content: &Content, rendered: &[Arc<Rendered>], i: usize) -> (Vec<usize>, Vec<Diagnostic>) {
    let page = &content.pages[i];
    let mut targets = Vec::new();
    let mut diags = Vec::new();
    for l in &rendered[i].links {
        let Some(&t) = content.by_source.get(&l.target) else { continue };
        if t != i {
            targets.push(t);
        }
        let Some(frag) = &l.fragment else { continue };
        if frag == "top" || rendered[t].ids.contains(frag.as_str()) {
            continue;
        }
        let id = fragment_id(frag);
        if rendered[t].ids.contains(&id) {
            continue;
        }
        let start = page.body_offset + l.range.start;
        let len = page.text[start..].lines().next().map_or(1, |line| {
            line.chars()
                .count()
                .min(page.text[start..start + l.range.len().min(page.text.len() - start)].chars().count())
        });
        let msg = if t == i {
            tr(
                format!("anchor `#{frag}` not found in this page"),
                format!("このページに `#{frag}` という見出しがありません"),
            )
        } else {
            tr(
                format!("anchor `#{frag}` not found in `{}`", l.target),
                format!("`{}` に `#{frag}` という見出しがありません", l.target),
            )
        };
        let d = Diagnostic::error(Some(page.shown.clone()), msg)
            .code("anchor-not-found")
            .at_offset(&page.text, start)
            .span(len);
        diags.push(anchor_hint(d, &id, &rendered[t]));
    }
    (targets, diags)
}

/// Suggests the nearest ids of the target page, or lists some of its headings.
fn anchor_hint(d: Diagnostic, id: &str, target: &Rendered) -> Diagnostic {
    let near = closest(id, target.ids.iter().map(String::as_str), 3);
    if !near.is_empty() {
        let s: Vec<String> = near.iter().map(|x| format!("`#{x}`")).collect();
        return d.hint(tr(format!("did you mean {}?", s.join(" or ")), format!("{} のことですか？", s.join(" か "))));
    }
    let some: Vec<String> = target.toc.iter().take(5).map(|e| format!("`#{}`", e.id)).collect();
    if some.is_empty() {
        d.hint(tr("the target page has no headings to link to", "リンク先のページには見出しがありません"))
    } else {
        d.hint(tr(format!("headings there: {}", some.join(", ")), format!("そのページの見出し：{}", some.join("、"))))
    }
}

/// The pages page `i` names under `related:`; an error for each that does not exist.
fn related_pages(content: &Content, i: usize, diags: &mut Diagnostics) -> Vec<usize> {
    let page = &content.pages[i];
    let mut related = Vec::new();
    for rel in &page.fm.related {
        let key = rel.trim_start_matches("./").trim_start_matches('/');
        match content.by_source.get(key) {
            Some(&t) if t != i => related.push(t),
            Some(_) => {}
            None => {
                let line = page.text.lines().position(|l| l.contains(rel.as_str())).map_or(1, |p| p + 1);
                let col = page
                    .text
                    .lines()
                    .nth(line - 1)
                    .and_then(|l| l.find(rel.as_str()).map(|b| l[..b].chars().count() + 1))
                    .unwrap_or(1);
                let near = closest(key, content.by_source.keys().map(String::as_str), 2);
                let d = Diagnostic::error(
                    Some(page.shown.clone()),
                    tr(format!("related page `{rel}` not found"), format!("関連ページ `{rel}` が見つかりません")),
                )
                .code("related-not-found")
                .at(&page.text, line, col)
                .span(rel.chars().count());
                diags.push(related_hint(d, content, page, near.first().copied()));
            }
        }
    }
    related
}

/// Suggests the nearest page, else shows the syntax with a page of this site.
fn related_hint(d: Diagnostic, content: &Content, page: &crate::content::Page, near: Option<&str>) -> Diagnostic {
    let example = near.or_else(|| content.pages.iter().find(|p| p.source != page.source).map(|p| p.source.as_str()));
    match (near, example) {
        (Some(s), _) => d.hint(tr(
            format!("did you mean `{s}`? Paths are relative to content/"),
            format!("`{s}` のことですか？パスは content/ からの相対パスです"),
        )),
        (None, Some(e)) => d.hint(tr(
            format!("list source paths relative to content/, e.g. `related: [{e}]`"),
            format!("content/ からの相対パスで書いてください（例：`related: [{e}]`）"),
        )),
        (None, None) => d.hint(tr("list source paths relative to content/", "content/ からの相対パスで書いてください")),
    }
}
