//! Metadata for search engines and sharing: `sitemap.xml`, `robots.txt` and JSON-LD.
//!
//! Search engines need absolute URLs, so the sitemap and canonical URLs exist only when
//! `base_url` has a scheme and host (`--base-url https://example.org/guide/`).

use serde::Serialize;

use crate::config::Config;
use crate::content::Content;
use crate::web::escape::escape_into;

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

/// `sitemap.xml` listing every page, with `lastmod` from `updated` or `date`. Written into one
/// string without a temporary per page: `serve` writes it again on every rebuild.
pub fn sitemap(config: &Config, content: &Content, urls: &[String]) -> Option<String> {
    let origin = origin(config)?;
    let mut s = String::with_capacity(128 + urls.len() * (origin.len() + 64));
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut loc = String::from("  <url><loc>");
    escape_into(&mut loc, origin);
    for (p, url) in content.pages.iter().zip(urls) {
        if p.fm.draft {
            continue;
        }
        s.push_str(&loc);
        escape_into(&mut s, url);
        s.push_str("</loc>");
        if let Some(d) = p.fm.updated.as_ref().or(p.fm.date.as_ref()) {
            s.push_str("<lastmod>");
            s.push_str(d);
            s.push_str("</lastmod>");
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
    let mut graph = Vec::with_capacity(3);
    if is_home {
        graph.push(Node::WebSite {
            kind: "WebSite",
            description: &config.description,
            in_language: &config.language,
            name: &config.title,
            url: abs(url),
        });
    }
    graph.push(Node::Article {
        kind: "Article",
        author: (!config.author.is_empty()).then(|| Named { kind: "Organization", name: &config.author }),
        date_modified: [dates.1, dates.0].into_iter().find(|d| !d.is_empty()),
        date_published: Some(dates.0).filter(|d| !d.is_empty()),
        description,
        headline: title,
        in_language: &config.language,
        is_part_of: Named { kind: "WebSite", name: &config.title },
        url: abs(url),
    });
    let items = crumbs
        .iter()
        .enumerate()
        .map(|(i, (name, u))| ListItem { kind: "ListItem", item: abs(u), name, position: i + 1 })
        .collect();
    graph.push(Node::BreadcrumbList { kind: "BreadcrumbList", items });
    let doc = Doc { context: "https://schema.org", graph };
    // Safe inside <script>: no `</script>` can appear.
    serde_json::to_string(&doc).unwrap_or_default().replace("</", "<\\/")
}

// Typed JSON-LD: serialized straight to text (a `json!` tree allocated a map per object on
// every page). Fields are in key order, which is what the `json!` maps produced.
#[derive(Serialize)]
struct Doc<'a> {
    #[serde(rename = "@context")]
    context: &'a str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    WebSite {
        #[serde(rename = "@type")]
        kind: &'a str,
        description: &'a str,
        #[serde(rename = "inLanguage")]
        in_language: &'a str,
        name: &'a str,
        url: String,
    },
    Article {
        #[serde(rename = "@type")]
        kind: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        author: Option<Named<'a>>,
        #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
        date_modified: Option<&'a str>,
        #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
        date_published: Option<&'a str>,
        description: &'a str,
        headline: &'a str,
        #[serde(rename = "inLanguage")]
        in_language: &'a str,
        #[serde(rename = "isPartOf")]
        is_part_of: Named<'a>,
        url: String,
    },
    BreadcrumbList {
        #[serde(rename = "@type")]
        kind: &'a str,
        #[serde(rename = "itemListElement")]
        items: Vec<ListItem<'a>>,
    },
}

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    item: String,
    name: &'a str,
    position: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn cfg(base: &str) -> Config {
        Config::parse(std::path::Path::new("site.yaml"), &format!("title: 手引き\nbase_url: {base}\n")).unwrap()
    }

    fn page(draft: bool, date: Option<&str>) -> crate::content::Page {
        let fm = crate::content::FrontMatter { draft, date: date.map(String::from), ..Default::default() };
        crate::content::Page {
            source: "a.md".into(),
            shown: "content/a.md".into(),
            text: std::sync::Arc::from(""),
            body_offset: 0,
            fm: std::sync::Arc::new(fm),
            path: "a/".into(),
            output: "a/index.html".into(),
        }
    }

    #[test]
    fn sitemap_escapes_urls_as_html_does_and_skips_drafts() {
        let content = Content {
            pages: vec![page(false, Some("2026-11-01")), page(true, None), page(false, None)],
            ..Default::default()
        };
        let urls = ["/g/".to_string(), "/g/draft/".to_string(), "/g/a&b'<\">/".to_string()];
        let s = sitemap(&cfg("https://e.org/g/"), &content, &urls).unwrap();
        let locs: Vec<&str> = s.lines().filter(|l| l.contains("<loc>")).collect();
        assert_eq!(
            locs,
            [
                "  <url><loc>https://e.org/g/</loc><lastmod>2026-11-01</lastmod></url>",
                "  <url><loc>https://e.org/g/a&amp;b&#39;&lt;&quot;&gt;/</loc></url>",
            ]
        );
        assert!(s.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "));
        assert!(s.ends_with("</urlset>\n"));
        assert!(sitemap(&cfg("/g/"), &content, &urls).is_none(), "no sitemap without a host");
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
        assert_eq!(v["@graph"][1]["datePublished"], "2026-11-01");
        // No dates, no author: no keys for them (and no WebSite off the home page).
        let s = json_ld(&c, &[("ホーム", "/")], "説明", ("", ""), false);
        let v: Value = serde_json::from_str(&s).unwrap();
        let article = v["@graph"][0].as_object().unwrap();
        assert_eq!(article["@type"], "Article");
        assert!(["dateModified", "datePublished", "author"].iter().all(|k| !article.contains_key(*k)), "{s}");
        let with_author = Config::parse(
            std::path::Path::new("site.yaml"),
            "title: 手引き\nbase_url: https://e.org/\nauthor: 編集部\n",
        )
        .unwrap();
        let s = json_ld(&with_author, &[("ホーム", "/")], "説明", ("", "2026-11-02"), false);
        assert!(
            s.contains(
                r#""author":{"@type":"Organization","name":"編集部"},"dateModified":"2026-11-02","description""#
            ),
            "{s}"
        );
    }
}
