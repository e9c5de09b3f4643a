//! The built-in theme's interface strings (メニュー, 前へ...) in the site's `language:`, with the
//! site's own wording from `strings:` in `site.yaml` on top. Templates read `site.strings.KEY`.

use std::collections::BTreeMap;

/// Key, Japanese, English. A language other than Japanese gets the English strings.
const STRINGS: &[(&str, &str, &str)] = &[
    ("menu", "メニュー", "Menu"),
    ("nav_label", "目次", "Contents"),
    ("nav_gap", "（途中のページは省略しています）", "(pages in between are not shown)"),
    ("draft", "下書き", "Draft"),
    ("toc_title", "このページの内容", "On this page"),
    ("related", "関連ページ", "Related pages"),
    ("backlinks", "このページへのリンク", "Pages that link here"),
    ("print_link", "全ページを1ページで読む（印刷用）", "Read all pages on one page (for printing)"),
    ("to_top", "ページの先頭へ", "Back to top"),
    ("dark_mode", "ダークモード", "Dark mode"),
    ("breadcrumb", "パンくずリスト", "Breadcrumb"),
    ("skip_to_content", "本文へ移動", "Skip to content"),
    ("print_title", "（全ページ・印刷用）", " (all pages, for printing)"),
    ("print_kicker", "全ページ・印刷用", "All pages, for printing"),
    ("print_button", "このページを印刷する", "Print this page"),
    ("print_toc", "目次", "Contents"),
    ("start_reading", "読みはじめる", "Start reading"),
    ("home_contents", "このガイドの内容", "In this guide"),
    ("prev", "前へ", "Previous"),
    ("next", "次へ", "Next"),
    ("pager_label", "前後のページ", "Previous and next pages"),
    ("reading_time_before", "約", "About "),
    ("reading_time_after", "分で読めます", " min read"),
    ("updated", "更新日", "Updated"),
    ("published", "公開日", "Published"),
    ("not_found_title", "ページが見つかりません", "Page not found"),
    ("not_found_description", "お探しのページは見つかりませんでした。", "The page you are looking for was not found."),
    (
        "not_found_text",
        "お探しのページは、移動または削除されたか、URLが間違っている可能性があります。URLをもう一度ご確認いただくか、ホームや目次からお探しください。",
        "The page you are looking for has moved or been deleted, or the URL is wrong. Check the URL, or look for the page from the home page or the contents.",
    ),
    ("back_home", "ホームへ戻る", "Back to the home page"),
    ("guide_pages", "このガイドのページ", "Pages of this guide"),
];

/// Every key `strings:` accepts.
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    STRINGS.iter().map(|(k, _, _)| *k)
}

/// The strings for `language` (Japanese when it starts with `ja`, else English), overridden by
/// the site's own.
pub(crate) fn for_site(language: &str, overrides: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let ja = language.starts_with("ja");
    let mut out: BTreeMap<String, String> =
        STRINGS.iter().map(|(k, j, e)| (k.to_string(), if ja { j } else { e }.to_string())).collect();
    out.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_chooses_and_the_site_overrides() {
        let none = BTreeMap::new();
        assert_eq!(for_site("ja", &none)["menu"], "メニュー");
        assert_eq!(for_site("en", &none)["prev"], "Previous");
        let mine = BTreeMap::from([("menu".to_string(), "一覧".to_string())]);
        assert_eq!(for_site("ja", &mine)["menu"], "一覧");
    }
}
