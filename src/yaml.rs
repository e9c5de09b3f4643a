//! The one place YAML is parsed (site.yaml and front matter), so every YAML problem becomes the
//! same kind of located [`Diagnostic`] with a "did you mean" hint for unknown keys.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{closest, Diagnostic};

/// Parses `yaml` (which starts at 1-based `first_line` of `full_text`) into `T`.
///
/// `known` lists the accepted keys, for suggestions when serde reports an unknown one.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    full_text: &str,
    yaml: &str,
    first_line: usize,
    known: &[&str],
) -> Result<T, Diagnostic> {
    // An empty document deserializes as unit; treat it as an empty mapping so that
    // "missing field" errors are reported instead of "invalid type: unit".
    let yaml_src = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str::<T>(yaml_src).map_err(|e| {
        let raw = e.to_string();
        // serde_yaml appends " at line X column Y"; we show the location ourselves.
        let msg = raw.split(" at line ").next().unwrap_or(&raw).trim().to_string();
        let mut d = Diagnostic::error(Some(file.to_path_buf()), tidy_message(&msg));
        if let Some(loc) = e.location() {
            d = d.at(full_text, first_line + loc.line() - 1, loc.column());
        } else if yaml.trim().is_empty() {
            d = d.at(full_text, first_line.saturating_sub(1).max(1), 1);
        }
        if let Some(unknown) = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
            d = d.span(unknown.chars().count());
            let near = closest(unknown, known.iter().copied(), 1);
            d = match near.first() {
                Some(k) => d.hint(format!("did you mean `{k}`? Known keys: {}", known.join(", "))),
                None => d.hint(format!("known keys: {}", known.join(", "))),
            };
        } else if msg.starts_with("missing field") {
            d = d.hint("add the key to the front matter, e.g. `title: ページの題名`");
        } else if msg.starts_with("unknown variant") {
            d = d.hint("use one of the values listed above, written exactly so");
        } else if msg.contains("invalid type") {
            d = d.hint("check the value's type: text, number, true/false or a list");
        } else if msg.contains("recursion limit") || msg.contains("repetition limit") {
            d = d.hint("the YAML expands too much (nested or repeated aliases); write the values out");
        }
        d
    })
}

fn tidy_message(msg: &str) -> String {
    // "unknown field `x`, expected one of ..." -> "unknown key `x`" (the hint lists the keys).
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!("unknown key `{name}`");
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!("missing required key `{name}`");
    }
    msg.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let text = "---\ntitle: a\ntitel: b\n---\n";
        let yaml = "title: a\ntitel: b\n";
        let d = parse::<T>(Path::new("p.md"), text, yaml, 2, &["title", "weight"]).unwrap_err();
        assert_eq!(d.message, "unknown key `titel`");
        assert_eq!(d.line, 3);
        assert!(d.hint.unwrap().contains("did you mean `title`?"));
    }

    #[test]
    fn wrong_type_is_located() {
        let text = "---\ntitle: a\nweight: heavy\n---\n";
        let d = parse::<T>(Path::new("p.md"), text, "title: a\nweight: heavy\n", 2, &[]).unwrap_err();
        assert_eq!(d.line, 3);
        assert!(d.message.contains("invalid type"), "{}", d.message);
    }

    #[test]
    fn alias_bomb_is_refused_not_expanded() {
        let mut y =
            String::from("title: x\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            let refs = vec![format!("*{prev}"); 9].join(",");
            y.push_str(&format!("{c}: &{c} [{refs}]\n"));
            prev = c;
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Any {
            title: String,
            k: serde_yaml::Value,
        }
        let r = parse::<Any>(Path::new("p.md"), &y, &y, 1, &[]);
        assert!(r.is_err());
    }
}
