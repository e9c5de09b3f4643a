//! Redirect pages for `aliases:`: each old path of a page gets a small HTML file that sends
//! browsers on (meta refresh), tells search engines where the page lives now (`rel=canonical`)
//! and shows a link for anyone whose browser does not follow.

use crate::config::Config;
use crate::content::Content;
use crate::output::OutputFile;
use crate::web::escape::escape;

/// One redirect page per alias of every page, at the alias's output path.
pub(crate) fn redirects(config: &Config, content: &Content, urls: &[String]) -> Vec<OutputFile> {
    let mut out = Vec::new();
    for (page, url) in content.pages.iter().zip(urls) {
        for alias in &page.fm.aliases {
            let Ok(path) = alias_output(alias) else { continue }; // refused by the front matter check
            let html = redirect_page(&config.language, &page.fm.title, &crate::seo::absolute(config, url));
            out.push(OutputFile { path, data: html.into_bytes().into() });
        }
    }
    out
}

/// The output path of an alias written as a URL path of the site (`/old-name/`, `old/page`,
/// `old.html`), or why it cannot be one.
pub(crate) fn alias_output(alias: &str) -> Result<String, crate::lang::Why> {
    let rel = alias.trim().trim_start_matches('/');
    if rel.is_empty() {
        return Err(("it is the home page's address", "ホームページのアドレスです"));
    }
    if rel.contains(['?', '#', '\\']) || rel.chars().any(char::is_control) {
        return Err(("it must be a path, without `?`, `#` or `\\`", "`?`、`#`、`\\` を含まないパスで書きます"));
    }
    let path = if rel.ends_with('/') {
        format!("{rel}index.html")
    } else if rel.ends_with(".html") {
        rel.to_string()
    } else {
        format!("{rel}/index.html")
    };
    if !crate::output::is_safe_relative(&path) || path.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return Err((
            "it must stay inside the site (no `..` or `//`)",
            "サイトの外を指せません（`..` や `//` は使えません）",
        ));
    }
    Ok(path)
}

fn redirect_page(language: &str, title: &str, to: &str) -> String {
    let (lang, title, to) = (escape(language), escape(title), escape(to));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n\
         <p>このページは移動しました: <a href=\"{to}\">{title}</a></p>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_output_paths_inside_the_site() {
        assert_eq!(alias_output("/old-name/").unwrap(), "old-name/index.html");
        assert_eq!(alias_output("old/page").unwrap(), "old/page/index.html");
        assert_eq!(alias_output("/old.html").unwrap(), "old.html");
        assert!(alias_output("/").is_err());
        assert!(alias_output("../etc/").is_err());
        assert!(alias_output("a//b/").is_err());
        assert!(alias_output("/a?b").is_err());
    }
}
