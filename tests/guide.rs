//! The guide's own content, read from the built HTML the way a reader meets it: the message
//! templates are easy to fill in, and every FAQ answer leads to the section that goes deeper.

mod common;

use std::collections::BTreeSet;

use common::*;
use scraper::{ElementRef, Html, Selector};

/// Every page of the built guide in reading order, as (output file, parsed HTML), found through the
/// site navigation so that a new page is checked without editing this file.
fn guide_pages() -> Vec<(String, Html)> {
    let (_t, root) = guide();
    let out = build(&root);
    let nav = attrs(&html(&out, "index.html"), ".site-nav a", "href");
    assert!(nav.len() >= 7, "the guide lost pages: {nav:?}");
    nav.iter()
        .map(|href| {
            let file = format!("{}index.html", href.trim_start_matches('/'));
            let doc = html(&out, &file);
            (file, doc)
        })
        .collect()
}

/// One message template: its page, its caption and the text the copy button copies.
struct Template {
    page: String,
    title: String,
    body: String,
}

fn templates(pages: &[(String, Html)]) -> Vec<Template> {
    let figure = Selector::parse("figure.message").unwrap();
    let caption = Selector::parse("figcaption").unwrap();
    let body = Selector::parse(".message-body").unwrap();
    let text =
        |e: ElementRef, s: &Selector| e.select(s).next().map(|x| x.text().collect::<String>()).unwrap_or_default();
    let mut all = Vec::new();
    for (page, doc) in pages {
        for f in doc.select(&figure) {
            all.push(Template {
                page: page.clone(),
                title: text(f, &caption).trim().to_string(),
                body: text(f, &body),
            });
        }
    }
    all
}

/// The 【…】 placeholders in `text`, in order; panics on an unclosed 【.
fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('【') {
        let after = &rest[start + '【'.len_utf8()..];
        let end = after.find('】').unwrap_or_else(|| panic!("unclosed 【 in: {text}"));
        assert!(!after[..end].contains('【'), "nested 【 in: {text}");
        found.push(format!("【{}】", &after[..end]));
        rest = &after[end + '】'.len_utf8()..];
    }
    found
}

#[test]
fn every_template_says_its_medium_and_every_email_has_a_subject_line() {
    let pages = guide_pages();
    let all = templates(&pages);
    assert!(all.len() >= 13, "templates went missing: {}", all.len());
    let mut emails = 0;
    for t in &all {
        let kind = ["（メール）", "（チャット）", "（電話）"].iter().find(|k| t.title.ends_with(*k));
        let kind = kind.unwrap_or_else(|| panic!("{}: 「{}」 does not say メール, チャット or 電話", t.page, t.title));
        let subjects = t.body.lines().filter(|l| l.starts_with("件名：")).count();
        if *kind == "（メール）" {
            emails += 1;
            let first = t.body.lines().next().unwrap_or_default();
            assert!(
                first.starts_with("件名：") && first.len() > "件名：".len(),
                "{}: 「{}」 starts {first:?}",
                t.page,
                t.title
            );
            assert_eq!(subjects, 1, "{}: 「{}」 has {subjects} subject lines", t.page, t.title);
        } else {
            assert_eq!(subjects, 0, "{}: 「{}」 is not an email but has a subject", t.page, t.title);
        }
    }
    assert!(emails >= 9, "only {emails} email templates");
}

#[test]
fn templates_use_only_the_placeholders_the_home_page_explains() {
    let pages = guide_pages();
    let all = templates(&pages);
    let home = pages.iter().find(|(f, _)| f == "index.html").map(|(_, d)| d).unwrap();
    let explained: BTreeSet<String> =
        texts(home, ".content table td:first-child").iter().flat_map(|c| placeholders(c)).collect();
    let mut used = BTreeSet::new();
    for t in &all {
        for old in ['○', '◯', '△', '□', '×'] {
            assert!(!t.body.contains(old), "{}: 「{}」 still uses {old} as a placeholder", t.page, t.title);
        }
        let own = placeholders(&t.body);
        for p in &own {
            assert!(
                explained.contains(p),
                "{}: 「{}」 uses {p}, which the home page does not explain",
                t.page,
                t.title
            );
        }
        // One way of naming the company within one message: always 【会社名】様, or never.
        let honorifics: BTreeSet<bool> =
            t.body.match_indices("【会社名】").map(|(i, m)| t.body[i + m.len()..].starts_with('様')).collect();
        assert!(honorifics.len() <= 1, "{}: 「{}」 mixes 【会社名】 with and without 様", t.page, t.title);
        used.extend(own);
    }
    for core in ["【氏名】", "【担当者名】", "【会社名】", "【日付】"] {
        assert!(used.contains(core), "no template uses {core}");
    }
    let unused: Vec<&String> = explained.difference(&used).collect();
    assert!(unused.is_empty(), "the home page explains placeholders no template uses: {unused:?}");
}

#[test]
fn every_faq_answer_links_to_a_section_elsewhere_in_the_guide() {
    let pages = guide_pages();
    let faq = pages.iter().find(|(f, _)| f == "faq/index.html").map(|(_, d)| d).expect("a FAQ page");
    let content = faq.select(&Selector::parse(".content").unwrap()).next().unwrap();
    // (question, links in its answer), in page order.
    let mut answers: Vec<(String, Vec<String>)> = Vec::new();
    for el in content.children().filter_map(ElementRef::wrap) {
        if el.value().name() == "h2" {
            answers.push((el.text().collect::<String>(), Vec::new()));
        } else if let Some((_, links)) = answers.last_mut() {
            let a = Selector::parse("a[href]").unwrap();
            links.extend(el.select(&a).filter_map(|x| x.value().attr("href").map(str::to_owned)));
        }
    }
    assert!(answers.len() >= 6, "only {} questions", answers.len());
    for (question, links) in &answers {
        let deeper = links.iter().any(|h| !h.starts_with("/faq/") && h.starts_with('/') && h.contains("/#"));
        assert!(deeper, "「{question}」 links to no section of another page: {links:?}");
    }
}
