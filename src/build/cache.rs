//! Everything incremental, for `serve`: what a previous build computed, the keys that tell
//! whether it still holds, and refreshing it after each build. A one-off build passes no cache
//! and pays for none of this.

use std::hash::Hash;
use std::sync::Arc;

use bytes::Bytes;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, load, Content, FrontMatter};
use crate::link::Graph;
use crate::markdown::{Rendered, SiteMap};
use crate::output::OutputFile;
use crate::refresh::refresh_slots;
use crate::search;
use crate::templates::Theme;

/// What a previous build computed, so the next one redoes only what changed (used by `serve`).
///
/// A page's Markdown is parsed again only when its text or the set of pages and files it can
/// link to changed; it is rendered again only when its own inputs changed: its body, the
/// titles/URLs/descriptions/order of the site (shown in the sidebar, pager, breadcrumbs), its
/// backlinks or related pages, the config or the theme. The result is byte-identical to a full
/// build (tested).
#[derive(Default)]
pub struct BuildCache {
    /// Leave the search index to be assembled on demand ([`crate::BuiltSite::search`]).
    pub(crate) defer_search: bool,
    pub(crate) files: load::ReadCache,
    pub(crate) front_matter: content::ParseCache,
    // Per page, by its place in the reading order (most edits keep every page in its place;
    // the keys below tell when a place holds another page): no lookup by path on each build.
    /// Each page's rendered Markdown, with its key ([`BuildCache::markdown_keys`]).
    markdown: Vec<(u64, Arc<Rendered>)>,
    /// A hash of each page's path and text, while its text is the same shared text.
    text_hashes: Vec<(Arc<str>, u64)>,
    /// Each page's HTML, with its render fingerprint.
    pages: Vec<(u64, Bytes)>,
    /// Each page's share of the search index, with a key of what it was made from.
    search: Vec<(u64, search::PageIndex)>,
    /// Share cards `serve` has drawn, by output path.
    pub(crate) cards: crate::cards::Drawn,
    /// The last build's proofreading findings.
    pub(crate) findings: crate::proofread::FindingsMemo,
    /// The last build's link check.
    pub(crate) links: crate::link::LinkMemo,
    /// What the last build's links could resolve to, with its [`site_map_key`].
    site_map: Option<(u64, Arc<SiteMap>)>,
    /// Each page's sidebar fingerprint, with a key of everything any sidebar can show.
    nav: (u64, Vec<u64>),
    /// Each page's [`BuildCache::shown_fingerprints`], with what it was made from.
    shown: Vec<(Arc<FrontMatter>, Arc<Rendered>, u64)>,
}

impl BuildCache {
    /// Tells the next build that these paths (absolute, from a file watcher) changed; reported
    /// for every batch, they spare the build a walk of `content/`. Without it, a build walks.
    pub fn changed(&mut self, paths: &[std::path::PathBuf]) {
        self.files.changed(paths);
    }

    /// Tells the next build that the watcher may have missed changes: it walks `content/`.
    pub fn lost_track(&mut self) {
        self.files.lost_track();
    }

    /// A cache whose builds return the search index unassembled (for `serve`).
    pub fn deferring_search() -> Self {
        BuildCache { defer_search: true, ..BuildCache::default() }
    }

    /// The last build's [`SiteMap`] while its key ([`site_map_key`]) is the same: most edits
    /// change no page's path and no file, and a large site's map is costly to make and free.
    pub(crate) fn site_map(&mut self, key: u64, make: impl FnOnce() -> SiteMap) -> Arc<SiteMap> {
        match &self.site_map {
            Some((k, map)) if *k == key => Arc::clone(map),
            _ => Arc::clone(&self.site_map.insert((key, Arc::new(make()))).1),
        }
    }

    /// Each page's Markdown key: its path and text, and everything it can link to (the key of
    /// the [`SiteMap`] this build uses).
    pub(crate) fn markdown_keys(&mut self, content: &Content) -> Vec<u64> {
        let map_key = self.site_map.as_ref().map_or(0, |(k, _)| *k);
        refresh_slots(
            &mut self.text_hashes,
            content.pages.iter(),
            |(text, _), p| Arc::ptr_eq(text, &p.text),
            |p| (Arc::clone(&p.text), hash_of(&(&p.source, &*p.text))),
        );
        self.text_hashes.iter().map(|(_, h)| hash_of(&(map_key, h))).collect()
    }

    /// The `i`th page's rendered Markdown from the last build, if its key is the same.
    pub(crate) fn markdown(&self, i: usize, key: u64) -> Option<Arc<Rendered>> {
        self.markdown.get(i).filter(|(k, _)| *k == key).map(|(_, r)| Arc::clone(r))
    }

    /// Each page's render fingerprint: what its HTML shows. That is its own Markdown and front
    /// matter; the pages its cards and breadcrumb link to (title, URL, description, dates);
    /// the sidebar entries it lists; config and theme. A page whose description changed is
    /// re-rendered with the pages that show it as a card, not with every page.
    pub(crate) fn fingerprints(&mut self, run: &RenderKey, md_keys: &[u64], graph: &Graph) -> Vec<u64> {
        let (content, rendered) = (run.content, run.rendered);
        let shares = self.shown_fingerprints(content, rendered);
        let shape = hash_of(&(format!("{:?}", run.config), run.theme.fingerprint, run.cards, run.serve));
        let nav = self.nav_fingerprints(content, run.urls);
        (0..content.pages.len())
            .into_par_iter()
            .map(|i| {
                let mut ancestors = Vec::new();
                let mut a = content.parent[i];
                while let Some(j) = a {
                    ancestors.push(j);
                    a = content.parent[j];
                }
                let shown: Vec<(usize, u64)> = (graph.prev[i].iter().chain(&graph.next[i]))
                    .chain(&graph.related[i])
                    .chain(&graph.backlinks[i])
                    .chain(&ancestors)
                    .map(|&j| (j, shares[j]))
                    .collect();
                hash_of(&(shape, md_keys[i], shares[i], shown, nav[i], i == 0))
            })
            .collect()
    }

    /// For each page, a fingerprint of what other pages show of it (title, URL, description,
    /// summary, dates). Hashing every summary again costs more than the rest of the
    /// fingerprints, so a page's stays while its front matter and Markdown are the same.
    fn shown_fingerprints(&mut self, content: &Content, rendered: &[Arc<Rendered>]) -> Vec<u64> {
        let known = &self.shown;
        let shares: Vec<(Arc<FrontMatter>, Arc<Rendered>, u64)> = content
            .pages
            .par_iter()
            .zip(rendered)
            .enumerate()
            .map(|(i, (p, r))| {
                let same = |(fm, md, _): &&(Arc<FrontMatter>, Arc<Rendered>, u64)| {
                    Arc::ptr_eq(fm, &p.fm) && Arc::ptr_eq(md, r)
                };
                let share = match known.get(i).filter(same) {
                    Some((_, _, h)) => *h,
                    None => hash_of(&(
                        &p.fm.title,
                        &p.path,
                        &p.fm.description,
                        &r.summary,
                        p.fm.draft,
                        p.fm.date.as_ref(),
                        p.fm.updated.as_ref(),
                    )),
                };
                (Arc::clone(&p.fm), Arc::clone(r), share)
            })
            .collect();
        let out = shares.iter().map(|(_, _, h)| *h).collect();
        self.shown = shares;
        out
    }

    /// Each page's sidebar fingerprint. Made again only when something a sidebar can show
    /// changed (a title, URL, draft mark or the tree), which most edits do not change.
    fn nav_fingerprints(&mut self, content: &Content, urls: &[String]) -> &[u64] {
        let shown: Vec<_> = content.pages.iter().zip(urls).map(|(p, url)| (&p.fm.title, url, p.fm.draft)).collect();
        let key = hash_of(&(shown, &content.parent, &content.children));
        if self.nav.0 != key || self.nav.1.len() != content.pages.len() {
            let all =
                (0..content.pages.len()).into_par_iter().map(|i| crate::render::nav_fingerprint(content, urls, i));
            self.nav = (key, all.collect());
        }
        &self.nav.1
    }

    /// The last build's HTML of each page whose fingerprint is the same.
    pub(crate) fn reusable(&self, fingerprints: &[u64]) -> Vec<Option<&Bytes>> {
        (fingerprints.iter().enumerate())
            .map(|(i, fp)| self.pages.get(i).filter(|(f, _)| f == fp).map(|(_, b)| b))
            .collect()
    }

    /// Keeps this build's Markdown and page HTML for the next one (`files`: sorted by path).
    pub(crate) fn keep_pages(
        &mut self,
        content: &Content,
        md_keys: &[u64],
        rendered: &[Arc<Rendered>],
        fingerprints: &[u64],
        files: &[OutputFile],
    ) {
        refresh_slots(
            &mut self.markdown,
            md_keys.iter().zip(rendered),
            |(old_k, old), (k, r)| old_k == *k && Arc::ptr_eq(old, r),
            |(k, r)| (*k, Arc::clone(r)),
        );
        let html = |p: &content::Page| match files.binary_search_by(|f| f.path.as_str().cmp(&p.output)) {
            Ok(i) => files[i].data.clone(),
            Err(_) => Bytes::new(), // never: every page is written; an empty one is never reused
        };
        refresh_slots(
            &mut self.pages,
            content.pages.iter().zip(fingerprints),
            // The same fingerprint: the page was not rendered, its bytes are the cached ones.
            |(old_fp, _), (_, fp)| old_fp == *fp,
            |(p, fp)| (*fp, html(p)),
        );
    }

    /// Each page's share of the search index, tokenizing only pages whose text, title or URL
    /// changed.
    pub(crate) fn search_indexes(
        &mut self,
        content: &Content,
        urls: &[String],
        rendered: &[Arc<Rendered>],
        md_keys: &[u64],
    ) -> Vec<search::PageIndex> {
        let titles: Vec<&str> = content.pages.iter().map(|p| p.fm.title.as_str()).collect();
        let keys: Vec<u64> = (0..content.pages.len()).map(|i| hash_of(&(md_keys[i], titles[i], &urls[i]))).collect();
        let per_page: Vec<search::PageIndex> = (0..content.pages.len())
            .into_par_iter()
            .map(|i| match self.search.get(i) {
                Some((k, idx)) if *k == keys[i] => idx.clone(),
                _ => search::page_index(titles[i], &urls[i], &rendered[i]),
            })
            .collect();
        refresh_slots(
            &mut self.search,
            keys.into_iter().zip(&per_page),
            |(old_k, old), (k, idx)| old_k == k && old.shares(idx),
            |(k, idx)| (k, idx.clone()),
        );
        per_page
    }
}

/// What a page's rendering depends on besides its own Markdown.
pub(crate) struct RenderKey<'a> {
    pub(crate) config: &'a Config,
    pub(crate) theme: &'a Theme,
    /// The share cards' font, colours and pictures (in every page's `og:image`).
    pub(crate) cards: u64,
    pub(crate) serve: bool,
    pub(crate) content: &'a Content,
    pub(crate) rendered: &'a [Arc<Rendered>],
    pub(crate) urls: &'a [String],
}

/// A key for everything a page's links can resolve to, made from what the [`SiteMap`] is made
/// of: the base path, pages (in reading order, broken ones and left-out drafts in file order:
/// deterministic without sorting) and which are drafts, other files and the images' sizes.
pub(crate) fn site_map_key(config: &Config, content: &Content, assets: &[(String, Vec<u8>)]) -> u64 {
    let pages: Vec<_> = content.pages.iter().map(|p| (&p.source, &p.path, p.fm.draft)).collect();
    let files: Vec<_> = assets.iter().map(|(rel, bytes)| (rel, crate::images::size(rel, bytes))).collect();
    hash_of(&(config.base_path(), pages, &content.broken, &content.drafts, files))
}

fn hash_of<T: Hash + ?Sized>(x: &T) -> u64 {
    // Fixed seeds: stable within a process, which is all the cache needs; much faster than SipHash.
    ahash::RandomState::with_seeds(1, 2, 3, 4).hash_one(x)
}
