use super::*;

fn painter() -> Painter {
    Painter::new(Path::new("."), &CardsConfig::default(), None).unwrap()
}

/// (width, height, RGBA pixels) of a PNG.
fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgba);
    (info.width, info.height, buf)
}

#[test]
fn a_card_is_a_1200_by_630_png_with_text_on_it() {
    let p = painter();
    let card = p.plan("手引き", "リスクを知る");
    let (w, h, px) = decode(&p.draw("手引き", &card).unwrap());
    assert_eq!((w, h), (1200, 630));
    let background = &px[4 * (1200 * 300 + 1190)..][..4];
    assert_eq!(background, [255, 255, 255, 255], "the default theme's background");
    // Text pixels: dark ones in the title's area.
    let dark = px.chunks(4).filter(|c| c[0] < 80 && c[1] < 80 && c[2] < 80).count();
    assert!(dark > 5_000, "{dark} dark pixels");
}

#[test]
fn different_titles_give_different_names_and_pictures() {
    let p = painter();
    let a = p.plan("手引き", "リスクを知る");
    let b = p.plan("手引き", "原因を知る");
    assert_ne!(a.path, b.path);
    assert_eq!(a, p.plan("手引き", "リスクを知る"), "the same card has the same name");
    assert!(a.path.starts_with("cards/") && a.path.ends_with(".png"));
    assert_ne!(decode(&p.draw("手引き", &a).unwrap()).2, decode(&p.draw("手引き", &b).unwrap()).2);
}

#[test]
fn characters_the_font_lacks_are_reported_and_left_out() {
    let p = painter();
    let card = p.plan("手引き", "𠮷野家の㐂び");
    assert_eq!(card.missing, vec!['𠮷', '㐂']);
    assert_eq!(card.title, "野家のび");
}

#[test]
fn colours_and_font_change_every_name() {
    let css = ":root { --bg: #000000; }";
    let dark = Painter::new(Path::new("."), &CardsConfig::default(), Some(css)).unwrap();
    assert_ne!(dark.plan("a", "b").path, painter().plan("a", "b").path);
}

#[test]
fn a_missing_font_file_is_an_error_naming_it() {
    let config = CardsConfig { font: Some("fonts/none.otf".into()), ..Default::default() };
    let e = Painter::new(Path::new("."), &config, None).err().unwrap();
    assert!(e.message.contains("fonts/none.otf"), "{}", e.message);
    assert!(e.hint.unwrap().contains("relative"));
}

/// Regenerates the sample cards in `docs/cards/`:
/// `cargo test --lib cards::tests::sample_cards -- --ignored`.
#[test]
#[ignore = "writes docs/cards/; run by hand after changing how cards look"]
fn sample_cards() {
    let css = include_str!("../../themes/default/static/style.css");
    let p = Painter::new(Path::new("."), &CardsConfig::default(), Some(css)).unwrap();
    let site = "転職エージェントを「バックレ」ないための手引き";
    let samples = [
        ("short", "まとめ"),
        ("long", "転職エージェントからの連絡を無視し続けてしまった人が、信頼を取り戻すために今日からできる具体的な手順と、そのまま使える連絡文の例文集"),
        ("latin", "Rust 1.85 と tebiki 0.1 で作る、Markdown だけの手引きサイト入門（2026年版）"),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cards");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, title) in samples {
        let card = p.plan(site, title);
        assert!(card.missing.is_empty(), "{:?}", card.missing);
        std::fs::write(dir.join(format!("{name}.png")), p.draw(site, &card).unwrap()).unwrap();
    }
}

/// Renders `text` with `family` from `db` into a 360×120 pixmap.
fn render_text(
    db: std::sync::Arc<resvg::usvg::fontdb::Database>,
    family: &str,
    lang: &str,
    text: &str,
) -> resvg::tiny_skia::Pixmap {
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"360\" height=\"120\"><rect width=\"360\" height=\"120\" fill=\"#fff\"/>\
         <text x=\"15\" y=\"95\" font-family=\"{family}\" font-size=\"100\" font-weight=\"700\" xml:lang=\"{lang}\">{text}</text></svg>"
    );
    let options = resvg::usvg::Options { fontdb: db, ..Default::default() };
    let tree = resvg::usvg::Tree::from_str(&svg, &options).unwrap();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(360, 120).unwrap();
    resvg::render(&tree, resvg::tiny_skia::Transform::identity(), &mut pixmap.as_mut());
    pixmap
}

/// Compares 直骨写 as cards draw them with the Japanese and the Simplified Chinese faces of
/// Noto Sans CJK from Debian's fonts-noto-cjk, and writes the three rows to
/// `docs/cards/glyph-forms.png`: `cargo test --lib cards::tests::glyph_forms -- --ignored`.
#[test]
#[ignore = "needs /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc (apt-get install fonts-noto-cjk)"]
fn glyph_forms_are_japanese() {
    let card = CardFont::built_in();
    let mut system = resvg::usvg::fontdb::Database::new();
    system.load_font_data(std::fs::read("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc").unwrap());
    let system = std::sync::Arc::new(system);
    let text = "直骨写";
    let ours = render_text(card.db.clone(), &card.family, "ja", text);
    let jp = render_text(system.clone(), "Noto Sans CJK JP", "ja", text);
    let sc = render_text(system.clone(), "Noto Sans CJK SC", "ja", text);
    assert_eq!(ours.data(), jp.data(), "the card font draws the Japanese forms");
    assert_ne!(ours.data(), sc.data(), "and not the Chinese ones");
    // xml:lang does not switch forms in resvg: the face decides.
    assert_eq!(render_text(system, "Noto Sans CJK SC", "zh-Hans", text).data(), sc.data());
    let mut sheet = resvg::tiny_skia::Pixmap::new(360, 360).unwrap();
    for (i, row) in [&ours, &jp, &sc].into_iter().enumerate() {
        let paint = resvg::tiny_skia::PixmapPaint::default();
        sheet.draw_pixmap(0, 120 * i as i32, row.as_ref(), &paint, resvg::tiny_skia::Transform::identity(), None);
    }
    sheet.save_png(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cards/glyph-forms.png")).unwrap();
}

#[test]
fn a_build_takes_back_cards_a_previous_build_left_instead_of_drawing_them() {
    let config =
        crate::config::Config::parse(Path::new("site.yaml"), "title: 手引き\nbase_url: https://example.org/\n")
            .unwrap();
    let pages = [PageIn { title: "手順", image: None, source: "a.md", shown: Path::new("content/a.md"), text: "" }];
    let stage =
        run(Path::new("."), &config, None, &pages, &crate::markdown::SiteMap::default(), Drawn::default(), false);
    let cards = stage.cards.expect("cards on");
    let kept = cards.paths().next().unwrap().to_string();
    // A previous build left this card: its bytes come back as they were, nothing is drawn.
    let (files, warnings) = cards.files(|path| (path == kept).then(|| b"kept".to_vec()));
    assert!(warnings.is_empty());
    let by_path: std::collections::BTreeMap<_, _> = files.iter().map(|f| (f.path.as_str(), &f.data)).collect();
    assert_eq!(by_path[kept.as_str()].as_ref(), b"kept");
    assert_eq!(files.len(), 1);
    // Without one, the card is drawn.
    let (files, _) = cards.files(|_| None);
    assert!(files[0].data.starts_with(b"\x89PNG"));
}
