//! The Markdown pipeline with tebiki's own passes (CJK soft breaks, CJK-friendly emphasis,
//! heading ids, link rewriting, callouts, figures, footnotes) on arbitrary text, against a small
//! site map. Invariants: no panic; heading ids in the TOC are unique and all listed in `ids`;
//! link ranges lie inside the body; every diagnostic renders.
#![no_main]

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tebiki::internals::{PageInput, SiteMap};

fn site_map() -> &'static SiteMap {
    static MAP: OnceLock<SiteMap> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = SiteMap { base_path: "/guide/".into(), ..Default::default() };
        for (s, p) in [
            ("_index.md", ""),
            ("risks.md", "risks/"),
            ("remedies.md", "remedies/"),
            ("guide/_index.md", "guide/"),
            ("guide/手順.md", "guide/手順/"),
        ] {
            m.page_by_source.insert(s.into(), p.into());
            m.source_by_path.insert(p.into(), s.into());
        }
        for a in ["images/a.svg", "guide/図.png", "file.pdf"] {
            m.assets.insert(a.into());
        }
        m.image_sizes.insert("images/a.svg".into(), (640, 480));
        m
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    // The front matter the loader would have split off, so offsets are tested too.
    let text = format!("---\ntitle: 手引き\n---\n{body}");
    let input = PageInput {
        source: "guide/手順.md",
        shown: Path::new("content/guide/手順.md"),
        text: &text,
        body_offset: text.len() - body.len(),
    };
    let r = tebiki::internals::render_markdown(&input, site_map());
    let mut seen = HashSet::new();
    for e in &r.toc {
        assert!(seen.insert(e.id.as_str()), "duplicate heading id {:?} in {:?}", e.id, r.toc);
        assert!(r.ids.contains(&e.id), "toc id {:?} missing from ids", e.id);
        assert!(!e.id.is_empty());
    }
    // Without raw HTML in the input, every id in the output is one tebiki made (headings,
    // footnotes, footnote references): none may appear twice.
    if !body.contains('<') {
        let mut ids = HashSet::new();
        for part in r.html.split(" id=\"").skip(1) {
            let id = part.split('"').next().unwrap_or_default();
            assert!(ids.insert(id), "id {id:?} twice in\n{}", r.html);
        }
    }
    for l in &r.links {
        assert!(l.range.start <= l.range.end && l.range.end <= body.len(), "{:?}", l.range);
    }
    for d in &r.diagnostics {
        let _ = d.render(false);
    }
    assert!(r.cjk_count <= r.char_count);
});
