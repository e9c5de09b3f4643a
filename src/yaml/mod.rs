//! The one place YAML is parsed (site.yaml and front matter), so every YAML problem becomes the
//! same kind of located [`Diagnostic`], in words a writer understands ([`words`]), with a "did
//! you mean" hint for each unknown key.

mod words;

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{closest, Diagnostic};
use crate::lang::{tr, Msg};

/// Parses `yaml` (which starts at 1-based `first_line` of `full_text`) into `T`. Every
/// unknown key is reported at once, each with a suggestion from `T`'s own fields.
///
/// The text is parsed once into a tree, which both the key check and `T` read; only when that
/// fails is it parsed again, straight into `T`, for the error's line and column.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    full_text: &str,
    yaml: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    // An empty document deserializes as unit; treat it as an empty mapping so that
    // "missing field" errors are reported instead of "invalid type: unit".
    let yaml_src = if yaml.trim().is_empty() { "{}" } else { yaml };
    let tree = serde_yaml::from_str::<serde_yaml::Value>(yaml_src);
    if let Ok(serde_yaml::Value::Mapping(map)) = &tree {
        if let Some(d) = unknown_keys(file, full_text, yaml, first_line, map, field_names::<T>()) {
            return Err(d);
        }
    }
    if let Ok(t) = tree.and_then(T::deserialize) {
        return Ok(t);
    }
    serde_yaml::from_str::<T>(yaml_src).map_err(|e| located(file, full_text, yaml, first_line, &e))
}

/// A YAML error as a diagnostic at its line and column, in a writer's words.
fn located(file: &Path, full_text: &str, yaml: &str, first_line: usize, e: &serde_yaml::Error) -> Diagnostic {
    let raw = e.to_string();
    let said = words::explain(&raw, yaml);
    let code = if raw.starts_with("missing field") { "missing-key" } else { "invalid-yaml" };
    let mut d = Diagnostic::error(Some(file.to_path_buf()), said.message).code(code);
    if let Some((line, column)) = said.at.or_else(|| e.location().map(|l| (l.line(), l.column()))) {
        d = d.at(full_text, first_line + line - 1, column);
    } else if yaml.trim().is_empty() {
        d = d.at(full_text, first_line.saturating_sub(1).max(1), 1);
    }
    match said.hint {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// The keys of a mapping that `known` does not list, as one diagnostic at the first of them
/// naming each with its closest known key. None when every key is known.
fn unknown_keys(
    file: &Path,
    full_text: &str,
    yaml: &str,
    first_line: usize,
    map: &serde_yaml::Mapping,
    known: &[&str],
) -> Option<Diagnostic> {
    let unknown: Vec<&str> = map.keys().filter_map(|k| k.as_str()).filter(|k| !known.contains(k)).collect();
    let first = *unknown.first()?;
    let line_of = |key: &str| yaml.lines().position(|l| l.starts_with(&format!("{key}:"))).map_or(1, |i| i + 1);
    let near = |key: &str| closest(key, known.iter().copied(), 1).first().map(|k| k.to_string());
    let (message, hint) = if let [only] = unknown[..] {
        let keys = known.join(", ");
        let hint = match near(only) {
            Some(k) => {
                tr(format!("did you mean `{k}`? Known keys: {keys}"), format!("`{k}` のことですか？使えるキー：{keys}"))
            }
            None => tr(format!("known keys: {keys}"), format!("使えるキー：{keys}")),
        };
        (tr(format!("unknown key `{only}`"), format!("`{only}` というキーはありません")), hint)
    } else {
        let named: Vec<String> = unknown.iter().map(|k| format!("`{k}`")).collect();
        let mut lines: Vec<String> = unknown
            .iter()
            .map(|k| {
                let line = first_line + line_of(k) - 1;
                near(k).map_or_else(
                    || format!("`{k}` (line {line})"),
                    |n| format!("`{k}` (line {line}): did you mean `{n}`?"),
                )
            })
            .collect();
        lines.push(format!("known keys: {}", known.join(", ")));
        (Msg::from(format!("unknown keys {}", named.join(", "))), Msg::from(lines.join("\n")))
    };
    Some(
        Diagnostic::error(Some(file.to_path_buf()), message)
            .at(full_text, first_line + line_of(first) - 1, 1)
            .span(first.chars().count())
            .code("unknown-key")
            .hint(hint),
    )
}

/// The field names of struct `T` as its `Deserialize` derive declares them, so the keys
/// diagnostics accept and suggest can never drift from the struct.
pub(crate) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut probe = FieldProbe(&[]);
    let _ = T::deserialize(&mut probe);
    probe.0
}

/// A deserializer that only records the fields a struct asks for, then stops.
struct FieldProbe(&'static [&'static str]);

impl<'de> serde::Deserializer<'de> for &mut FieldProbe {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = fields;
        Err(serde::de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
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
        let d = parse::<T>(Path::new("p.md"), text, yaml, 2).unwrap_err();
        assert_eq!(d.message, "unknown key `titel`");
        assert_eq!(d.line, 3);
        assert!(d.hint.unwrap().contains("did you mean `title`?"));
    }

    #[test]
    fn wrong_type_is_located() {
        let text = "---\ntitle: a\nweight: heavy\n---\n";
        let d = parse::<T>(Path::new("p.md"), text, "title: a\nweight: heavy\n", 2).unwrap_err();
        assert_eq!(d.line, 3);
        assert_eq!(d.message, "`weight` must be a whole number, like `weight: 2`");
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
        let r = parse::<Any>(Path::new("p.md"), &y, &y, 1);
        assert!(r.is_err());
    }
}
