//! Metadata for search engines and sharing: `sitemap.xml`, `robots.txt` and JSON-LD.
//!
//! Search engines need absolute URLs, so the sitemap and canonical URLs exist only when
//! `base_url` has a scheme and host (`--base-url https://example.org/guide/`).

use serde_json::{json, Value};

use crate::config::Config;
use crate::content::Content;
use crate::markdown::escape;

/// `https://host/guide/` → `https://host`, or None when `base_url` is only a path.
pub fn origin(config: &Config) -> Option<&str> {
    let url = &config.base_url;
    let rest = url.find("://")? + 3;
    let host_end = url[rest..].find('/').map_or(url.len(), |i| rest + i);
    Some(&url[..host_end])
}

/// Absolute URL of a site path (`/guide/risks/`), or empty without an absolute base URL.
pub fn absolute(config: &Config, path: &str) -> String {
    origin(config).map(|o| format!("{o}{path}")).unwrap_or_default()
}

/// `sitemap.xml` listing every page, with `lastmod` from `updated` or `date`.
pub fn sitemap(config: &Config, content: &Content, urls: &[String]) -> Option<String> {
    origin(config)?;
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (p, url) in content.pages.iter().zip(urls) {
        if p.fm.draft {
            continue;
        }
        s.push_str("  <url><loc>");
        s.push_str(&escape(&absolute(config, url)));
        s.push_str("</loc>");
        if let Some(d) = p.fm.updated.as_ref().or(p.fm.date.as_ref()) {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    Some(s)
}

/// `robots.txt` allowing everything and pointing at the sitemap.
pub fn robots(config: &Config) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if origin(config).is_some() {
        s.push_str(&format!("\nSitemap: {}sitemap.xml\n", config.base_url));
    }
    s
}

/// JSON-LD for a page: `Article` and `BreadcrumbList`, plus `WebSite` on the home page.
/// `crumbs` are (title, URL) from home down to the page itself.
pub fn json_ld(
    config: &Config,
    crumbs: &[(&str, &str)],
    description: &str,
    dates: (&str, &str),
    is_home: bool,
) -> String {
    let abs = |u: &str| {
        let a = absolute(config, u);
        if a.is_empty() {
            u.to_string()
        } else {
            a
        }
    };
    let (title, url) = crumbs.last().copied().unwrap_or(("", ""));
    let mut graph: Vec<Value> = Vec::new();
    if is_home {
        graph.push(json!({
            "@type": "WebSite",
            "name": config.title,
            "description": config.description,
            "url": abs(url),
            "inLanguage": config.language,
        }));
    }
    let mut article = json!({
        "@type": "Article",
        "headline": title,
        "description": description,
        "url": abs(url),
        "inLanguage": config.language,
        "isPartOf": { "@type": "WebSite", "name": config.title },
    });
    if !config.author.is_empty() {
        article["author"] = json!({ "@type": "Organization", "name": config.author });
    }
    if !dates.0.is_empty() {
        article["datePublished"] = json!(dates.0);
    }
    if !dates.1.is_empty() || !dates.0.is_empty() {
        article["dateModified"] = json!(if dates.1.is_empty() { dates.0 } else { dates.1 });
    }
    graph.push(article);
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(i, (name, u))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": abs(u) }))
        .collect();
    graph.push(json!({ "@type": "BreadcrumbList", "itemListElement": items }));
    let doc = json!({ "@context": "https://schema.org", "@graph": graph });
    // Safe inside <script>: no `</script>` can appear.
    doc.to_string().replace("</", "<\\/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(base: &str) -> Config {
        Config::parse(std::path::Path::new("site.yaml"), &format!("title: 手引き\nbase_url: {base}\n")).unwrap()
    }

    #[test]
    fn absolute_urls_need_a_host() {
        assert_eq!(absolute(&cfg("https://e.org/g/"), "/g/risks/"), "https://e.org/g/risks/");
        assert_eq!(absolute(&cfg("/g/"), "/g/risks/"), "");
        assert!(robots(&cfg("https://e.org/g/")).contains("Sitemap: https://e.org/g/sitemap.xml"));
        assert!(!robots(&cfg("/")).contains("Sitemap"));
    }

    #[test]
    fn json_ld_has_article_and_breadcrumbs_and_is_script_safe() {
        let c = cfg("https://e.org/");
        let s = json_ld(&c, &[("ホーム", "/"), ("</script>", "/x/")], "説明", ("2026-11-01", ""), true);
        assert!(!s.contains("</script>"));
        let v: Value = serde_json::from_str(&s.replace("<\\/", "</")).unwrap();
        let types: Vec<&str> = v["@graph"].as_array().unwrap().iter().map(|g| g["@type"].as_str().unwrap()).collect();
        assert_eq!(types, ["WebSite", "Article", "BreadcrumbList"]);
        assert_eq!(v["@graph"][2]["itemListElement"][1]["item"], "https://e.org/x/");
        assert_eq!(v["@graph"][1]["dateModified"], "2026-11-01");
    }
}
