//! Inputs found by the fuzz targets under `fuzz/` (see docs/dev/reliability.md), one `#[test]` each,
//! named after the behaviour they pin. The fuzz runs found no crash, hang or memory blow-up;
//! what is here came from reading where the `site` target's corpus stops.

mod common;

use common::*;

/// `content/print.md` becomes `print/index.html`, which is also the print page. The build
/// fails, and the error must name the page's file, not the output path
/// (`content/print/index.html`, which does not exist).
#[test]
fn page_colliding_with_the_print_page_names_its_own_file() {
    let (_t, root) = site(&[("content/print.md", "---\ntitle: 印刷\n---\n本文。\n")]);
    let e = build_err(&root).0.remove(0);
    assert_eq!(
        e.message,
        "two outputs have the same path `print/index.html`: `content/print.md` and the `print/index.html` tebiki generates"
    );
    assert_eq!(e.file.as_deref(), Some(std::path::Path::new("content/print.md")));
}

/// An asset at the path of a theme asset is named as it is under `content/`.
#[test]
fn asset_colliding_with_a_theme_asset_names_the_asset() {
    let (_t, root) = site(&[]);
    let built = tebiki::build_site(&tebiki::BuildOptions { root: root.clone(), ..Default::default() }).unwrap();
    let css = built.files.iter().find(|f| f.path.starts_with("assets/style.")).unwrap().path.clone();
    write(&root, &format!("content/{css}"), "body {}");
    let e = build_err(&root).0.remove(0);
    assert_eq!(e.message, format!("two outputs have the same path `{css}`: `content/{css}` and the theme's `{css}`"));
    assert_eq!(e.file, Some(std::path::PathBuf::from(format!("content/{css}"))));
}
