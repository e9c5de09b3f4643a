//! The Atom feed, `atom.xml`: the newest dated pages, for feed readers.
//!
//! Feed readers need absolute URLs and every entry needs a date, so the feed exists only when
//! `base_url` has a scheme and host, `feed` is not turned off in `site.yaml`, and some page has
//! a `date` or `updated`. Pages without either are reference pages, not news: they stay out.

use atom_syndication::{Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig};

use crate::config::Config;
use std::sync::Arc;

use crate::content::{Content, Page};
use crate::markdown::Rendered;

/// The feed's file name in the output folder.
pub const FEED_FILE: &str = "atom.xml";

/// Most entries in the feed: readers poll it, and a guide's whole history would make every
/// poll download thousands of summaries.
pub const MAX_ENTRIES: usize = 50;

/// Whether this build writes a feed (and pages link to it).
pub(crate) fn enabled(config: &Config, content: &Content) -> bool {
    config.feed && crate::seo::origin(config).is_some() && content.pages.iter().any(|p| entry_date(p).is_some())
}

/// The feed's absolute URL, or empty when there is no feed.
pub(crate) fn url(config: &Config, content: &Content) -> String {
    if enabled(config, content) {
        format!("{}{FEED_FILE}", config.base_url)
    } else {
        String::new()
    }
}

/// The date an entry is sorted and stamped by: `updated`, else `date`; None for drafts.
fn entry_date(p: &Page) -> Option<&str> {
    if p.fm.draft {
        return None;
    }
    p.fm.updated.as_deref().or(p.fm.date.as_deref())
}

/// Midnight UTC of a `YYYY-MM-DD` date: front matter has no time of day.
fn timestamp(date: &str) -> Option<FixedDateTime> {
    format!("{date}T00:00:00Z").parse().ok()
}

/// `atom.xml` for the site, or None when [`enabled`] is false. `urls[i]` is page `i`'s path
/// from the host (`/guide/risks/`), `rendered[i]` its Markdown (for the summary).
pub(crate) fn atom(config: &Config, content: &Content, urls: &[String], rendered: &[Arc<Rendered>]) -> Option<String> {
    if !enabled(config, content) {
        return None;
    }
    let origin = crate::seo::origin(config)?;
    let dated = content.pages.iter().enumerate().filter_map(|(i, p)| entry_date(p).map(|d| (i, d))).collect();
    let entries: Vec<Entry> = newest(dated, MAX_ENTRIES)
        .iter()
        .filter_map(|&(i, d)| {
            let p = &content.pages[i];
            // The page's meta description: its own, or the start of its first paragraph.
            let summary = p.fm.description.clone().unwrap_or_else(|| crate::render::describe(&rendered[i].summary));
            entry(p, &format!("{origin}{}", urls[i]), &summary, d)
        })
        .collect();
    let author = if config.author.is_empty() { &config.title } else { &config.author };
    let feed = Feed {
        title: Text::plain(config.title.clone()),
        id: config.base_url.clone(),
        updated: entries.first()?.updated,
        authors: vec![Person { name: author.clone(), ..Default::default() }],
        links: vec![
            link("self", &format!("{}{FEED_FILE}", config.base_url), Some("application/atom+xml")),
            link("alternate", &config.base_url, Some("text/html")),
        ],
        subtitle: (!config.description.is_empty()).then(|| Text::plain(config.description.clone())),
        generator: Some(Generator { value: "tebiki".into(), uri: None, version: None }),
        lang: Some(config.language.clone()),
        entries,
        ..Default::default()
    };
    // Indented: people open the feed to see why a reader shows what it shows.
    let config = WriteConfig { write_document_declaration: true, indent_size: Some(1) };
    let mut xml = feed.write_with_config(Vec::new(), config).ok()?;
    xml.push(b'\n');
    String::from_utf8(xml).ok()
}

/// The `max` newest of (page index, date), newest first; equal dates keep reading order, so the
/// feed is the same on every build. The order is total, so the newest can be picked out before
/// they are sorted: a large site does not sort every page on each build.
fn newest(mut dated: Vec<(usize, &str)>, max: usize) -> Vec<(usize, &str)> {
    let newest_first = |a: &(usize, &str), b: &(usize, &str)| b.1.cmp(a.1).then(a.0.cmp(&b.0));
    if dated.len() > max {
        dated.select_nth_unstable_by(max, newest_first);
        dated.truncate(max);
    }
    dated.sort_unstable_by(newest_first);
    dated
}

fn entry(page: &Page, permalink: &str, summary: &str, date: &str) -> Option<Entry> {
    Some(Entry {
        title: Text::plain(page.fm.title.clone()),
        id: permalink.to_string(),
        updated: timestamp(date)?,
        published: page.fm.date.as_deref().and_then(timestamp),
        links: vec![link("alternate", permalink, Some("text/html"))],
        summary: (!summary.is_empty()).then(|| Text::plain(summary.to_string())),
        ..Default::default()
    })
}

fn link(rel: &str, href: &str, mime: Option<&str>) -> Link {
    Link { rel: rel.into(), href: href.into(), mime_type: mime.map(Into::into), ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Picking out the newest gives what sorting every page and keeping the first would.
        #[test]
        fn newest_is_a_prefix_of_the_full_order(days in prop::collection::vec(0u8..6, 0..120), max in 0usize..60) {
            let dates: Vec<String> = days.iter().map(|d| format!("2026-01-0{}", d + 1)).collect();
            let dated: Vec<(usize, &str)> = dates.iter().map(String::as_str).enumerate().collect();
            let mut sorted = dated.clone();
            sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(&b.0)));
            sorted.truncate(max);
            prop_assert_eq!(newest(dated, max), sorted);
        }
    }
}
