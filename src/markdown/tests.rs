use std::path::Path;

use super::*;

fn map() -> SiteMap {
    let mut m = SiteMap { base_path: "/".into(), ..Default::default() };
    for (s, p) in [("_index.md", ""), ("risks.md", "risks/"), ("remedies.md", "remedies/")] {
        m.page_by_source.insert(s.into(), p.into());
        m.source_by_path.insert(p.into(), s.into());
    }
    m.assets.insert("images/a.svg".into());
    m.image_sizes.insert("images/a.svg".into(), (640, 360));
    m
}

fn md(body: &str) -> Rendered {
    let text = format!("---\ntitle: t\n---\n{body}");
    let input = PageInput { source: "risks.md", shown: Path::new("content/risks.md"), text: &text, body_offset: 16 };
    render(&input, &map())
}

fn html(body: &str) -> String {
    md(body).html
}

#[test]
fn soft_break_between_japanese_characters_disappears() {
    assert_eq!(html("日本語の\n文章です。\n"), "<p>日本語の文章です。</p>\n");
    assert_eq!(html("English\nwords\n"), "<p>English\nwords</p>\n");
    assert_eq!(html("日本語\nand English\n"), "<p>日本語\nand English</p>\n");
    // Through inline markup too.
    assert_eq!(html("とても\n**大事**です\n"), "<p>とても<strong>大事</strong>です</p>\n");
}

#[test]
fn cjk_friendly_emphasis_renders_bold() {
    assert_eq!(html("これは**「重要」**です\n"), "<p>これは<strong>「重要」</strong>です</p>\n");
    assert_eq!(html("**テスト。**テスト\n"), "<p><strong>テスト。</strong>テスト</p>\n");
    assert_eq!(html("*（注意）*と書く\n"), "<p><em>（注意）</em>と書く</p>\n");
    assert_eq!(
        html("太字は**「あ」**と**「い」**です\n"),
        "<p>太字は<strong>「あ」</strong>と<strong>「い」</strong>です</p>\n"
    );
}

#[test]
fn unpaired_bold_is_a_warning_at_the_asterisks_but_escaped_ones_are_not() {
    let unpaired = |body: &str| md(body).diagnostics.iter().filter(|d| d.message.contains("left unpaired")).count();
    assert_eq!(unpaired("これは**閉じていない\n"), 1);
    assert_eq!(unpaired("これは**「閉じていない\n"), 1);
    let d = &md("これは**閉じていない\n").diagnostics[0];
    assert_eq!((d.line, d.column), (4, 4), "points at the `**`");
    assert_eq!(unpaired("これは\\*\\*です。**太字**と「**強調**」\n"), 0);
}

#[test]
fn commonmark_emphasis_and_literals_are_untouched() {
    assert_eq!(html("**bold** and *em*\n"), "<p><strong>bold</strong> and <em>em</em></p>\n");
    assert_eq!(html("2 * 3 * 4\n"), "<p>2 * 3 * 4</p>\n");
    assert_eq!(html("\\*\\*「重要」\\*\\*です\n"), "<p>**「重要」**です</p>\n");
    assert_eq!(html("`**「a」**です`\n"), "<p><code>**「a」**です</code></p>\n");
    assert_eq!(html("snake_case_name\n"), "<p>snake_case_name</p>\n");
}

#[test]
fn headings_get_unique_japanese_ids_and_toc() {
    let r = md("## 解決策\n\n### 解決策\n\n## 正直に謝罪し、今後の意向を伝える {#custom}\n\n#### 深い\n");
    let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["解決策", "解決策-1", "custom"]);
    assert_eq!(r.toc[2].title, "正直に謝罪し、今後の意向を伝える");
    assert!(r.html.contains("<h2 id=\"解決策\">解決策 <a class=\"heading-anchor\" href=\"#解決策\""), "{}", r.html);
    assert!(r.html.contains("<h4 id=\"深い\">"));
}

#[test]
fn footnote_and_heading_ids_never_collide() {
    let r = md("本文[^1]。\n\n## fn-1\n\n[^1]: 注釈\n");
    assert!(r.html.contains("<h2 id=\"fn-1-1\">"), "{}", r.html);
    assert!(r.html.contains("<li id=\"fn-1\">"), "{}", r.html);
    assert!(r.html.contains("href=\"#fn-1\""));
    assert!(r.html.contains("href=\"#fn-1-ref\""));
}

#[test]
fn headings_never_take_theme_ids() {
    let r = md("## main\n");
    assert_eq!(r.toc[0].id, "main-1");
}

#[test]
fn gfm_alerts_become_japanese_callouts() {
    let h = html("> [!WARNING]\n> 気をつけて\n");
    assert!(
        h.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">注意</p>"),
        "{h}"
    );
    assert!(h.contains("<p>気をつけて</p>"));
    assert!(!h.contains("blockquote"));
}

#[test]
fn message_fence_becomes_copyable_box() {
    let h = html("```message title=\"お詫びのメール\"\n件名：お詫び\n<本文>\n```\n");
    assert_eq!(
        h,
        "<figure class=\"message\"><figcaption class=\"message-title\">お詫びのメール</figcaption><pre class=\"message-body\"><code>件名：お詫び\n&lt;本文&gt;</code></pre></figure>\n"
    );
}

#[test]
fn titled_image_alone_becomes_figure_with_size() {
    let h = html("![説明](images/a.svg \"図1：キャプション\")\n");
    assert_eq!(
        h,
        "<figure class=\"illustration\"><img src=\"/images/a.svg\" alt=\"説明\" width=\"640\" height=\"360\" decoding=\"async\"><figcaption>図1：キャプション</figcaption></figure>\n"
    );
}

#[test]
fn only_images_after_the_first_load_lazily() {
    let h = html("![一](images/a.svg \"図1\")\n\n文中の ![二](images/a.svg) と ![三](images/a.svg)。\n");
    let lazy: Vec<bool> = h.split("<img ").skip(1).map(|img| img.contains("loading=\"lazy\"")).collect();
    assert_eq!(lazy, [false, true, true], "{h}");
}

#[test]
fn markdown_links_are_rewritten_and_recorded() {
    let r = md("[対処法](remedies.md#謝罪) と [上](#top) と [外](https://example.org)\n");
    // pulldown-cmark percent-encodes hrefs; browsers decode them back to the id.
    assert!(r.html.contains("href=\"/remedies/#%E8%AC%9D%E7%BD%AA\""), "{}", r.html);
    assert!(r.html.contains("href=\"https://example.org\""));
    assert_eq!(r.links[0].target, "remedies.md");
    assert_eq!(r.links[0].fragment.as_deref(), Some("謝罪"));
    assert!(r.diagnostics.is_empty());
}

#[test]
fn broken_link_is_located_with_suggestion() {
    let r = md("一行目\n\n見る：[対処](remedy.md)\n");
    let d = &r.diagnostics[0];
    assert_eq!(d.message, "link target `remedy.md` not found");
    assert_eq!((d.line, d.column), (6, 4));
    assert!(d.hint.as_deref().unwrap().contains("`remedies.md`"), "{:?}", d.hint);
}

#[test]
fn tables_and_task_lists_get_their_wrappers() {
    let h = html("| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert!(h.starts_with("<div class=\"table-wrap\" tabindex=\"0\"><table>"), "{h}");
    let h = html("- [ ] やる\n- [x] やった\n");
    assert!(
        h.starts_with(
            "<ul class=\"task-list\">\n<li class=\"task-list-item\"><label><input type=\"checkbox\" disabled> やる</label></li>"
        ),
        "{h}"
    );
    assert!(h.contains("disabled checked"));
}

#[test]
fn counts_characters_and_finds_summary_and_sections() {
    let r = md("最初の段落です。\n\n## 見出し\n\n本文。\n");
    assert_eq!(r.summary, "最初の段落です。");
    assert_eq!(r.char_count, "最初の段落です。見出し本文。".chars().count());
    assert_eq!(r.sections.len(), 2);
    assert_eq!(r.sections[1].title, "見出し");
    assert_eq!(r.sections[1].text, "本文。");
}

#[test]
fn reading_counts_separate_japanese_characters_latin_words_and_spaces() {
    // U+3000 (the ideographic space) is whitespace, ・ and 。 are CJK but not kana or kanji.
    let r = md("日本語\u{3000}のテキスト・English words 123。\n");
    assert_eq!(r.cjk_count, "日本語のテキスト・。".chars().count());
    assert_eq!(r.word_count, 3);
    assert_eq!(r.char_count, "日本語のテキスト・Englishwords123。".chars().count());
}

#[test]
fn reading_counts_agree_with_the_unicode_tables_at_every_edge_of_the_kana_and_kanji_ranges() {
    use crate::text::chars::is_cjk;
    // Characters just inside and outside the ranges the counter tells by their first bytes.
    let edges = [
        '\u{3000}', '\u{3001}', '\u{303F}', '\u{3040}', '\u{30FF}', '\u{3100}', '\u{4DFF}', '\u{4E00}', '\u{4FFF}',
        '\u{5000}', '\u{9FFF}', '\u{A000}', 'a', '1', 'é', ' ',
    ];
    for a in edges {
        for b in edges {
            let text: String = ['x', a, b, a].iter().collect();
            let r = md(&format!("{text}\n"));
            let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
            let cjk = chars.iter().filter(|&&c| is_cjk(c)).count();
            assert_eq!((r.char_count, r.cjk_count), (chars.len(), cjk), "{text:?}");
        }
    }
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let deep = ">".repeat(50_000) + " x\n";
    let _ = html(&deep);
    let brackets = "[".repeat(50_000) + "\n";
    let _ = html(&brackets);
    let stars = "*".repeat(50_000) + "a" + &"*".repeat(50_000) + "\n";
    let _ = html(&stars);
}

#[test]
fn sections_marked_normalized_are_left_as_they_are_by_the_search_normalization() {
    use crate::text::normalize::normalize;
    // Japanese prose with ASCII: marked, and the normalization indeed leaves it.
    let plain = md("転職エージェントへの連絡は、早めに。mail で ok?\n\n## 次に\n\nかなと漢字だけ\n");
    assert!(plain.sections.iter().all(|s| s.normalized), "plain prose is marked normalized");
    for s in &plain.sections {
        assert!(matches!(normalize(&s.text), std::borrow::Cow::Borrowed(_)), "{:?}", s.text);
    }
    // Every character at an edge of the fast path, alone and between kana: marked only where
    // the normalization leaves the text as it is.
    let pool = [
        'A', 'Z', 'a', '@', '\u{3000}', '\u{3001}', '\u{3035}', '\u{3036}', '\u{3040}', '\u{3041}', '\u{3096}',
        '\u{3097}', '\u{3099}', '\u{309B}', '\u{30A0}', '\u{30A1}', '\u{30FC}', '\u{30FD}', '\u{30FF}', '\u{4DFF}',
        '\u{4E00}', '\u{9FFF}', '\u{FF21}', '\u{FF71}', 'é', 'ｶ', '…',
    ];
    let mut marked = 0;
    for c in pool {
        let r = md(&format!("か{c}き\n"));
        let s = &r.sections[0];
        if s.normalized {
            marked += 1;
            assert_eq!(normalize(&s.text), s.text.as_str(), "{c:?} marked normalized but changes");
        }
    }
    assert!(marked >= 8, "the common characters are marked ({marked})");
}

#[test]
fn the_normalized_mark_changes_nothing_in_the_search_index() {
    use std::sync::Arc;
    let bodies = [
        "転職エージェントへの連絡は、早めに。\n\n## 返信の文面\n\nメールで「お世話になっております」と書く。\n",
        // One kind of character the normalization changes per section: capitals, full-width
        // forms, half-width kana, a combining mark after kana, one after a Latin letter.
        "Agent に返信する。\n\n## 全角\n\nＡＢＣ の違い。\n\n## 半角\n\nｶﾀｶﾅ も。\n\n## 濁点\n\nか\u{3099}き\n\n## 結合\n\ne\u{301}と本文\n",
        "**強調**された*文*と `code` と [リンク](remedies.md)。\n\n- 項目一\n- 項目二\n",
    ];
    let marked: Vec<Arc<Rendered>> = bodies.iter().map(|b| Arc::new(md(b))).collect();
    assert!(marked.iter().flat_map(|r| &r.sections).any(|s| s.normalized), "some sections are marked");
    assert!(marked.iter().flat_map(|r| &r.sections).any(|s| !s.normalized), "some are not");
    let unmarked: Vec<Arc<Rendered>> = marked
        .iter()
        .map(|r| {
            let mut r = (**r).clone();
            r.sections.iter_mut().for_each(|s| s.normalized = false);
            Arc::new(r)
        })
        .collect();
    let titles = ["一", "二", "三"];
    let urls: Vec<String> = (0..3).map(|i| format!("/p{i}/")).collect();
    let a = crate::search::build_index(&titles, &urls, &marked);
    let b = crate::search::build_index(&titles, &urls, &unmarked);
    assert_eq!(a, b);
}

#[test]
fn broken_link_without_a_close_name_suggests_a_page_of_this_site() {
    let r = md("[x](zzzzzzzzzzzzzzzz.md)\n");
    let hint = r.diagnostics[0].hint.as_deref().unwrap();
    // The map holds `_index.md`, `risks.md` (this page) and `remedies.md`: a page, not an index.
    assert!(hint.contains("e.g. `remedies.md`"), "{hint}");
    assert_eq!(r.diagnostics[0].code, "link-not-found");
}
