//! Splits a Markdown file into YAML front matter and body, and validates the front matter.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::lang::tr;

/// A page's front matter.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Page title (required).
    pub title: String,
    /// Meta description; derived from the first paragraph when absent.
    #[serde(default)]
    pub description: Option<String>,
    /// Order among siblings; lower comes first.
    #[serde(default)]
    pub weight: Option<i64>,
    /// Replaces the last URL segment.
    #[serde(default)]
    pub slug: Option<String>,
    /// Left out of `build` unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Publication date, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
    /// Last update, `YYYY-MM-DD`.
    #[serde(default)]
    pub updated: Option<String>,
    /// Source paths of related pages, relative to `content/`.
    #[serde(default)]
    pub related: Vec<String>,
    /// `orphan: ok`: no page needs to link here (a page reached from the sidebar on purpose).
    #[serde(default)]
    pub orphan: Option<OrphanOk>,
    /// Old URL paths of the page (`/old-name/`): each gets a redirect page.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The page's `og:image` instead of its share card: a file under `content/` (relative to
    /// the page) or an `https://` URL.
    #[serde(default)]
    pub image: Option<String>,
    /// Free-form values for templates (`page.extra`).
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

/// The one value `orphan:` takes, `ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum OrphanOk {
    /// No link to the page is expected.
    #[serde(rename = "ok")]
    Ok,
}

/// A file split into its parts.
#[derive(Debug)]
pub struct Split<'a> {
    /// The YAML between the fences (empty when there is none).
    pub yaml: &'a str,
    /// 1-based line where the YAML starts.
    pub yaml_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of the body in the file text.
    pub body_offset: usize,
    /// Whether a front matter block was present.
    pub present: bool,
}

/// Splits `---`-fenced front matter from the body. `text` has LF line endings and no BOM.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() != "---" {
        return Ok(Split { yaml: "", yaml_line: 1, body: text, body_offset: 0, present: false });
    }
    let yaml_start = (first_line.len() + 1).min(text.len());
    let mut pos = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let body_offset = pos + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
                present: true,
            });
        }
        pos += line.len();
    }
    Err(Diagnostic::error(
        Some(file.to_path_buf()),
        tr("front matter is never closed", "フロントマターが閉じられていません"),
    )
    .code("front-matter-unclosed")
    .at(text, 1, 1)
    .span(3)
    .hint(tr(
        "end the front matter with a line containing only `---`",
        "`---` だけの行でフロントマターを閉じてください",
    )))
}

/// Parses and validates the front matter of `text`.
pub fn parse<'a>(file: &Path, text: &'a str) -> Result<(FrontMatter, Split<'a>), Diagnostic> {
    let sp = split(file, text)?;
    if !sp.present {
        return Err(Diagnostic::error(
            Some(file.to_path_buf()),
            tr("missing front matter with a `title`", "`title` を含むフロントマターがありません"),
        )
        .code("front-matter-missing")
        .at(text, 1, 1)
        .hint(tr(
            "start the file with:\n---\ntitle: ページの題名\n---",
            "ファイルの先頭に次のように書いてください：\n---\ntitle: ページの題名\n---",
        )));
    }
    let fm: FrontMatter = crate::yaml::parse(file, text, sp.yaml, sp.yaml_line)?;
    let key_line = |key: &str| {
        sp.yaml.lines().position(|l| l.starts_with(&format!("{key}:"))).map_or(sp.yaml_line, |i| sp.yaml_line + i)
    };
    if fm.title.trim().is_empty() {
        return Err(Diagnostic::error(Some(file.to_path_buf()), tr("`title` must not be empty", "`title` が空です"))
            .code("empty-title")
            .at(text, key_line("title"), 1)
            .hint(tr(
                "write the page's title, e.g. `title: はじめに`",
                "ページの題名を書いてください（例：`title: はじめに`）",
            )));
    }
    check_fields(file, text, &fm, key_line)?;
    Ok((fm, sp))
}

/// Checks the fields whose values must have a form: dates, the slug and the aliases.
/// `key_line` gives the line a key is written on.
fn check_fields(file: &Path, text: &str, fm: &FrontMatter, key_line: impl Fn(&str) -> usize) -> Result<(), Diagnostic> {
    for (key, value) in [("date", &fm.date), ("updated", &fm.updated)] {
        if let Some(v) = value {
            if !is_iso_date(v) {
                let line = key_line(key);
                return Err(Diagnostic::error(
                    Some(file.to_path_buf()),
                    tr(
                        format!("`{key}` must be a date like 2026-11-24, found `{v}`"),
                        format!("`{key}` は 2026-11-24 のような日付で書いてください（`{v}` と書かれています）"),
                    ),
                )
                .code("invalid-date")
                .at(text, line, key.len() + 3)
                .span(v.chars().count())
                .hint(tr("write the date as YYYY-MM-DD", "日付は YYYY-MM-DD の形で書きます")));
            }
        }
    }
    if let Some(slug) = &fm.slug {
        if let Err((en, ja)) = check_slug(slug) {
            let line = key_line("slug");
            return Err(Diagnostic::error(
                Some(file.to_path_buf()),
                tr(format!("invalid slug `{slug}`: {en}"), format!("slug `{slug}` は使えません：{ja}")),
            )
            .code("invalid-slug")
            .at(text, line, 7)
            .span(slug.chars().count())
            .hint(tr(
                "a slug is one URL segment: letters, digits, kana/kanji, `-` or `_`, e.g. `slug: remedies`",
                "slug は URL の一区切りです。英数字、かな・漢字、`-`、`_` で書きます（例：`slug: remedies`）",
            )));
        }
    }
    for alias in &fm.aliases {
        if let Err((en, ja)) = crate::render::redirect::alias_output(alias) {
            return Err(Diagnostic::error(
                Some(file.to_path_buf()),
                tr(format!("invalid alias `{alias}`: {en}"), format!("alias `{alias}` は使えません：{ja}")),
            )
            .code("invalid-alias")
            .at(text, key_line("aliases"), 1)
            .hint(tr(
                "write the page's old address as a path of the site, e.g. `aliases: [/old-name/]`",
                "ページの古いアドレスをサイト内のパスで書いてください（例：`aliases: [/old-name/]`）",
            )));
        }
    }
    Ok(())
}

/// A slug is a single safe path segment: never `..`, a separator or an absolute path.
pub fn check_slug(slug: &str) -> Result<(), crate::lang::Why> {
    if slug.is_empty() {
        return Err(("it is empty", "空です"));
    }
    if slug == "." || slug == ".." || slug.contains("..") {
        return Err(("it must not contain `..`", "`..` は使えません"));
    }
    if slug.contains(['/', '\\']) {
        return Err(("it must not contain `/` or `\\`", "`/` や `\\` は使えません"));
    }
    if slug.chars().any(|c| c.is_control() || c.is_whitespace() || "?#%:*\"<>|".contains(c)) {
        return Err(("it must not contain spaces or any of ?#%:*\"<>|", "空白や ?#%:*\"<>| は使えません"));
    }
    if slug.starts_with('.') {
        return Err(("it must not start with `.`", "`.` で始められません"));
    }
    Ok(())
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/a.md")
    }

    #[test]
    fn splits_front_matter_and_body() {
        let (fm, sp) = parse(p(), "---\ntitle: リスク\nweight: 2\n---\n本文\n").unwrap();
        assert_eq!(fm.title, "リスク");
        assert_eq!(fm.weight, Some(2));
        assert_eq!(sp.body, "本文\n");
    }

    #[test]
    fn unclosed_front_matter_points_at_the_opening_fence() {
        let e = parse(p(), "---\ntitle: x\n本文\n").unwrap_err();
        assert_eq!(e.message, "front matter is never closed");
        assert_eq!(e.line, 1);
    }

    #[test]
    fn missing_front_matter_asks_for_a_title() {
        let e = parse(p(), "本文だけ\n").unwrap_err();
        assert!(e.message.contains("title"));
    }

    #[test]
    fn front_matter_only_file_is_valid() {
        let (fm, sp) = parse(p(), "---\ntitle: 空\n---\n").unwrap();
        assert_eq!(fm.title, "空");
        assert_eq!(sp.body, "");
    }

    #[test]
    fn bad_date_and_slug_are_errors_on_their_line() {
        let e = parse(p(), "---\ntitle: a\ndate: 24/11/2026\n---\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse(p(), "---\ntitle: a\nslug: ../../etc\n---\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("invalid slug"));
        assert!(check_slug("/abs").is_err());
        assert!(check_slug("正直に").is_ok());
    }

    #[test]
    fn bad_slugs_and_aliases_say_why_in_both_languages_on_their_line() {
        let e = parse(p(), "---\ntitle: a\nslug: a/b\n---\n").unwrap_err();
        assert_eq!((e.code, e.line), ("invalid-slug", 3));
        assert!(e.message.ends_with("it must not contain `/` or `\\`"), "{}", e.message);
        assert_eq!(e.message_ja.as_deref(), Some("slug `a/b` は使えません：`/` や `\\` は使えません"));
        let e = parse(p(), "---\ntitle: a\ndate: 2026-11-24\naliases: [/ok/, ../../etc/]\n---\n").unwrap_err();
        assert_eq!((e.code, e.line), ("invalid-alias", 4));
        assert!(e.message.starts_with("invalid alias `../../etc/`"), "{}", e.message);
        let ja = e.message_ja.unwrap_or_default();
        assert!(ja.starts_with("alias `../../etc/` は使えません：") && ja.contains("サイトの外"), "{ja}");
        assert!(e.hint_ja.is_some_and(|h| h.contains("aliases:")));
    }
}
