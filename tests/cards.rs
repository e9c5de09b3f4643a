//! Share cards: every page of a site built with an absolute base URL gets its own card and the
//! metadata that points at it.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use scraper::Html;

const BASE: &str = "https://example.org/guide/";

fn build_at(root: &Path, base_url: Option<&str>) -> Result<tebiki::BuildReport, tebiki::Diagnostics> {
    let opts =
        tebiki::BuildOptions { root: root.to_path_buf(), base_url: base_url.map(String::from), ..Default::default() };
    tebiki::build(&opts)
}

fn meta(doc: &Html, key: &str) -> Vec<String> {
    let by_property = attrs(doc, &format!("meta[property=\"{key}\"]"), "content");
    if by_property.is_empty() {
        attrs(doc, &format!("meta[name=\"{key}\"]"), "content")
    } else {
        by_property
    }
}

/// (width, height, RGBA pixels) of a PNG file.
fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap())).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Output page of every Markdown file under `content/` (`a/_index.md` → `a/index.html`,
/// `a/b.md` → `a/b/index.html`), so a page added to the guide is covered without a list here.
fn guide_pages(content: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    let mut dirs = vec![content.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                let rel = path.strip_prefix(content).unwrap().with_extension("");
                let rel = rel.to_str().unwrap().replace('\\', "/");
                let dir = rel.strip_suffix("_index").map_or(format!("{rel}/"), String::from);
                pages.push(format!("{dir}index.html"));
            }
        }
    }
    pages.sort();
    pages
}

/// A light grey RGBA PNG of `w`×`h` pixels.
fn grey_png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.write_header().unwrap().write_image_data(&vec![200; (w * h * 4) as usize]).unwrap();
    bytes
}

#[test]
fn every_page_of_the_guide_has_its_own_card() {
    let (_tmp, root) = guide();
    let out = build_at(&root, Some(BASE)).unwrap().output;
    let pages = guide_pages(&root.join("content"));
    assert!(pages.len() >= 7 && pages.contains(&"faq/index.html".to_string()), "{pages:?}");
    let mut pictures = Vec::new();
    for page in &pages {
        let doc = html(&out, page);
        let title = texts(&doc, "h1").join("");
        let url = meta(&doc, "og:image");
        assert_eq!(url.len(), 1, "{page}");
        let rel = url[0].strip_prefix(BASE).unwrap_or_else(|| panic!("{page}: {} is not under {BASE}", url[0]));
        assert!(rel.starts_with("cards/") && rel.ends_with(".png"), "{rel}");
        assert_eq!(meta(&doc, "og:image:width"), ["1200"]);
        assert_eq!(meta(&doc, "og:image:height"), ["630"]);
        assert_eq!(meta(&doc, "twitter:card"), ["summary_large_image"]);
        let alt = meta(&doc, "og:image:alt");
        assert_eq!(alt.len(), 1);
        if page != "index.html" {
            assert_eq!(alt[0], title, "{page}: alt is the page title");
        }
        let (w, h, px) = decode(&out.join(rel));
        assert_eq!((w, h), (1200, 630), "{rel}");
        let first = &px[..4];
        assert!(px.chunks(4).any(|p| p != first), "{rel} is one colour");
        pictures.push(px);
    }
    let drawn = fs::read_dir(out.join("cards")).unwrap().count();
    assert_eq!(drawn, pages.len(), "one card file per page, no leftovers");
    for (i, a) in pictures.iter().enumerate() {
        for b in &pictures[i + 1..] {
            assert_ne!(a, b, "two pages share a picture");
        }
    }
    // Share links under the articles, with the page's absolute URL.
    let doc = html(&out, "risks/index.html");
    let links = attrs(&doc, ".share a", "href");
    assert_eq!(links.len(), 3, "X, LINE, Hatena Bookmark");
    assert!(links.iter().all(|l| l.contains("https%3A%2F%2Fexample.org%2Fguide%2Frisks%2F")), "{links:?}");
    assert!(attrs(&doc, ".share a", "rel").iter().all(|r| r.contains("noopener") && r.contains("noreferrer")));
    // The spoken name starts with the visible text (WCAG label in name) and says a tab opens.
    let names = texts(&doc, ".share a");
    let visible = ["X", "LINE", "B!"];
    assert_eq!(names.len(), visible.len());
    for (name, shown) in names.iter().zip(visible) {
        assert!(name.starts_with(shown) && name.contains("新しいタブ"), "{name}");
    }
    assert_eq!(texts(&doc, ".share a > .visually-hidden").len(), visible.len());
    assert!(attrs(&doc, ".share a", "aria-label").is_empty(), "the name comes from the text");
    assert_eq!(attrs(&doc, ".share button[data-share-url]", "data-share-url"), [format!("{BASE}risks/")]);
    assert!(attrs(&doc, "script[src]", "src").iter().all(|s| s.contains("/assets/")), "no third-party script");
}

#[test]
fn without_an_absolute_base_url_there_is_no_image_and_check_says_so_only_when_asked() {
    let (_tmp, root) = site(&[("content/a.md", "---\ntitle: 手順\n---\n本文。\n")]);
    let out = build_at(&root, None).unwrap().output;
    let doc = html(&out, "a/index.html");
    assert!(meta(&doc, "og:image").is_empty());
    assert_eq!(meta(&doc, "twitter:card"), ["summary"]);
    assert!(texts(&doc, ".share").is_empty(), "share links need an absolute URL");
    assert!(!out.join("cards").exists());
    let check = |root: &Path| {
        let opts = tebiki::BuildOptions { root: root.to_path_buf(), ..Default::default() };
        let (warnings, _) = tebiki::check_site(&opts).unwrap();
        warnings.0.into_iter().filter(|w| w.message.contains("og:image")).collect::<Vec<_>>()
    };
    // A site that never mentions cards (like the guide, whose absolute URL comes from the
    // deploy workflow's `--base-url`) gets no warning.
    assert!(check(&root).is_empty());

    // Asking for cards in site.yaml, or a picture in front matter, is told the picture is lost.
    write(&root, "site.yaml", "title: テスト\ncards:\n  enabled: true\n");
    let w = check(&root);
    assert_eq!(w.len(), 1, "check warns once");
    assert!(w[0].message.contains("base_url `/`"), "{}", w[0].message);
    assert!(w[0].hint.as_deref().unwrap_or("").contains("--base-url"));
    // A plain build does not repeat the advice.
    assert!(build_at(&root, None).unwrap().warnings.0.iter().all(|w| !w.message.contains("og:image")));
    write(&root, "site.yaml", "title: テスト\ncards:\n  colors:\n    accent: \"#123456\"\n");
    assert_eq!(check(&root).len(), 1, "a card setting asks for cards");
    write(&root, "site.yaml", "title: テスト\ncards:\n  enabled: false\n  colors:\n    accent: \"#123456\"\n");
    assert!(check(&root).is_empty(), "cards turned off");

    write(&root, "content/b.md", "---\ntitle: 図\nimage: images/own.png\n---\n本文。\n");
    fs::create_dir_all(root.join("content/images")).unwrap();
    fs::write(root.join("content/images/own.png"), grey_png(600, 315)).unwrap();
    assert_eq!(check(&root).len(), 1, "a page's own image asks for it too");
    let out = build_at(&root, None).unwrap().output;
    assert!(meta(&html(&out, "b/index.html"), "og:image").is_empty(), "never an empty og:image");
}

#[test]
fn a_title_character_the_font_lacks_is_a_warning_naming_page_and_character() {
    let (_tmp, root) = site(&[("content/shop.md", "---\ntitle: 𠮷野家で面接\n---\n本文。\n")]);
    let report = build_at(&root, Some(BASE)).unwrap();
    let w = report.warnings.0.iter().find(|w| w.message.contains("glyph")).expect("a warning");
    assert_eq!(w.file.as_deref(), Some(Path::new("content/shop.md")));
    assert!(w.message.contains("`𠮷` (U+20BB7)"), "{}", w.message);
    assert_eq!(w.line, 2, "points at the title line");
    // The card is still drawn, without the character.
    let doc = html(&report.output, "shop/index.html");
    assert_eq!(meta(&doc, "og:image").len(), 1);
}

#[test]
fn front_matter_image_replaces_the_card_and_a_site_can_turn_cards_off() {
    let (_tmp, root) = site(&[("content/a.md", "---\ntitle: 手順\nimage: images/own.png\n---\n本文。\n")]);
    fs::create_dir_all(root.join("content/images")).unwrap();
    fs::write(root.join("content/images/own.png"), grey_png(600, 315)).unwrap();
    let out = build_at(&root, Some(BASE)).unwrap().output;
    let doc = html(&out, "a/index.html");
    assert_eq!(meta(&doc, "og:image"), [format!("{BASE}images/own.png")]);
    assert_eq!(meta(&doc, "og:image:width"), ["600"]);
    assert_eq!(meta(&doc, "og:image:height"), ["315"]);
    assert_eq!(meta(&doc, "og:image:alt"), ["手順"]);

    write(&root, "site.yaml", "title: テスト\ncards:\n  enabled: false\n");
    let out = build_at(&root, Some(BASE)).unwrap().output;
    assert!(meta(&html(&out, "index.html"), "og:image").is_empty(), "no card for the home page");
    assert_eq!(meta(&html(&out, "a/index.html"), "og:image"), [format!("{BASE}images/own.png")], "its own image stays");
    assert!(!out.join("cards").exists());
}

#[test]
fn an_image_that_does_not_exist_is_an_error_at_its_line() {
    let (_tmp, root) = site(&[("content/a.md", "---\ntitle: 手順\nimage: images/none.png\n---\n本文。\n")]);
    let errors = build_at(&root, Some(BASE)).unwrap_err();
    let e = errors.0.iter().find(|e| e.message.contains("images/none.png")).expect("an error");
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("content/a.md")), 3));
}

#[test]
fn a_bad_card_colour_is_an_error_naming_the_key() {
    let (_tmp, root) = site(&[("site.yaml", "title: テスト\ncards:\n  colors:\n    accent: blue\n")]);
    let errors = build_at(&root, Some(BASE)).unwrap_err();
    assert!(
        errors.0.iter().any(|e| e.message.contains("cards.colors.accent") && e.message.contains("blue")),
        "{}",
        errors.render(false)
    );
}

#[test]
fn serve_draws_a_card_when_it_is_asked_for() {
    let (_tmp, root) = site(&[("content/a.md", "---\ntitle: 手順\n---\n本文。\n")]);
    let opts = tebiki::BuildOptions { root, base_url: Some(BASE.into()), serve: true, ..Default::default() };
    let mut cache = tebiki::BuildCache::deferring_search();
    let built = tebiki::build_site_cached(&opts, &mut cache).unwrap();
    assert!(built.files.iter().all(|f| !f.path.starts_with("cards/")), "nothing drawn up front");
    let cards = built.cards.expect("cards to draw");
    let paths: Vec<String> = cards.paths().map(String::from).collect();
    assert_eq!(paths.len(), 2, "home and one page");
    let png = cards.get(&paths[0]).unwrap().unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    // The next build of the session keeps what was drawn.
    let again = tebiki::build_site_cached(&opts, &mut cache).unwrap().cards.unwrap();
    assert_eq!(again.get(&paths[0]).unwrap().unwrap().as_ptr(), png.as_ptr(), "the same bytes, not drawn again");
    assert!(cards.get("cards/0000000000000000.png").is_none());
}
