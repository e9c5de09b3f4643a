//! serde_yaml's messages in a writer's words: no Rust type names, the line of the cause (the
//! opening quote of a quote never closed, not the end of the file), and a hint that shows the
//! fixed line where one can be made.

/// What to tell the writer about one YAML error.
pub(super) struct Said {
    pub(super) message: String,
    /// (line, column) in the YAML when it is not where serde_yaml stopped.
    pub(super) at: Option<(usize, usize)>,
    pub(super) hint: Option<String>,
}

/// Explains serde_yaml's message `raw` for a problem in `yaml`.
pub(super) fn explain(raw: &str, yaml: &str) -> Said {
    // serde_yaml appends " at line X column Y"; the diagnostic shows the place itself.
    let msg = raw.split(" at line ").next().unwrap_or(raw).trim();
    let said = |message: String, hint: &str| Said { message, at: None, hint: Some(hint.to_string()) };
    if let Some(opened) = raw.split("while scanning a quoted scalar at line ").nth(1) {
        return Said {
            message: "a quoted value is never closed".into(),
            at: line_column(opened),
            hint: Some("end the value with the same quote mark it starts with, on the same line".into()),
        };
    }
    if msg.starts_with("mapping values are not allowed") {
        return Said { message: "a value contains `: `".into(), at: None, hint: Some(quote_hint(raw, yaml)) };
    }
    if let Some(name) = msg.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        let example = example(name).unwrap_or("title: ページの題名");
        return said(format!("missing required key `{name}`"), &format!("add the key, e.g. `{example}`"));
    }
    if let Some((key, rest)) = keyed(msg) {
        if let Some(expected) = rest.split(", expected ").nth(1) {
            return wrong_type(key, expected);
        }
    }
    if let Some((key, rest)) = msg.split_once(": unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let choices = expected.trim_start_matches(", expected ").trim_start_matches("one of ");
        let choices = choices.split(" at line ").next().unwrap_or(choices);
        return said(format!("`{key}` cannot be `{value}`"), &format!("use one of {choices}, written exactly so"));
    }
    if msg.starts_with("invalid type") {
        return said(
            "expected `key: value` lines".into(),
            "write one `key: value` per line, with a space after the colon, e.g. `title: 手順`",
        );
    }
    if msg.contains("recursion limit") || msg.contains("repetition limit") {
        return said(msg.into(), "the YAML expands too much (nested or repeated aliases); write the values out");
    }
    Said { message: msg.to_string(), at: None, hint: None }
}

/// `weight: invalid type: ...` → (`weight`, `invalid type: ...`); `related[1]: ...` keeps its index.
fn keyed(msg: &str) -> Option<(&str, &str)> {
    let (key, rest) = msg.split_once(": ")?;
    let plain = |c: char| c.is_alphanumeric() || "_-[].".contains(c);
    (key.chars().all(plain) && (rest.starts_with("invalid type") || rest.starts_with("invalid value")))
        .then_some((key, rest))
}

/// A value of the wrong kind for `key` (`related[1]` is an item of `related`).
fn wrong_type(key: &str, expected: &str) -> Said {
    let (name, item) = match key.split_once('[') {
        Some((name, _)) => (name.split('.').next().unwrap_or(name), true),
        None => (key.split('.').next().unwrap_or(key), false),
    };
    let kind = kind_of(expected);
    let message =
        if item { format!("each item of `{name}` must be {kind}") } else { format!("`{name}` must be {kind}") };
    let message = match example(name) {
        Some(e) if !e.contains('\n') => format!("{message}, like `{e}`"),
        _ => message,
    };
    let hint = match example(name) {
        Some(e) if e.contains('\n') => format!("write it like this:\n{e}"),
        _ if kind == "text" => "put the value in quotes if it looks like a number, a date or true/false".into(),
        _ => "change the value to that kind".into(),
    };
    Said { message, at: None, hint: Some(hint) }
}

/// serde's name of the expected type in words.
fn kind_of(expected: &str) -> &'static str {
    let e = expected.trim();
    if ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize"].contains(&e) {
        "a whole number"
    } else if e.contains("bool") {
        "true or false"
    } else if e.contains("sequence") {
        "a list"
    } else if e.contains("string") || e.contains("char") {
        "text"
    } else if e.contains("map") || e.starts_with("struct") {
        "`key: value` lines"
    } else if e.starts_with('f') {
        "a number"
    } else {
        "another kind of value"
    }
}

/// An example line for each key of `site.yaml` and front matter.
fn example(key: &str) -> Option<&'static str> {
    Some(match key {
        "title" => "title: 手順",
        "description" => "description: 一文の説明",
        "weight" => "weight: 2",
        "slug" => "slug: remedies",
        "draft" => "draft: true",
        "date" => "date: 2026-11-24",
        "updated" => "updated: 2026-11-24",
        "related" => "related: [remedies.md]",
        "aliases" => "aliases: [/old-name/]",
        "extra" => "extra:\n  key: value",
        "base_url" => "base_url: https://example.org/guide/",
        "language" => "language: ja",
        "theme" => "theme: default",
        "author" => "author: 山田花子",
        "search" => "search: false",
        _ => return None,
    })
}

/// `title: 手順: 其の一` → a hint showing `title: "手順: 其の一"`.
fn quote_hint(raw: &str, yaml: &str) -> String {
    let line =
        raw.split(" at line ").nth(1).and_then(line_column).and_then(|(l, _)| yaml.lines().nth(l.saturating_sub(1)));
    match line.and_then(|l| l.split_once(": ")) {
        Some((key, value)) if !key.trim().is_empty() => {
            let quoted = value.trim().replace('\\', "\\\\").replace('"', "\\\"");
            format!("put the value in quotes: `{key}: \"{quoted}\"`")
        }
        _ => "put a value that contains `: ` in quotes, e.g. `title: \"手順: 其の一\"`".into(),
    }
}

/// `3 column 8...` → (3, 8).
fn line_column(s: &str) -> Option<(usize, usize)> {
    let (line, rest) = s.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_words() {
        let s = explain("weight: invalid type: string \"二\", expected i64 at line 2 column 9", "");
        assert_eq!(s.message, "`weight` must be a whole number, like `weight: 2`");
        let s = explain("draft: invalid type: string \"yes\", expected a boolean at line 2 column 8", "");
        assert_eq!(s.message, "`draft` must be true or false, like `draft: true`");
        let s = explain("related[1]: invalid type: map, expected a string at line 2 column 14", "");
        assert_eq!(s.message, "each item of `related` must be text, like `related: [remedies.md]`");
        let s =
            explain("invalid type: string \"title 手順 weight\", expected struct FrontMatter at line 1 column 1", "");
        assert_eq!(s.message, "expected `key: value` lines");
        assert!(!s.message.contains("FrontMatter"));
    }

    #[test]
    fn an_unclosed_quote_points_at_the_quote() {
        let raw =
            "found unexpected end of stream at line 3 column 1, while scanning a quoted scalar at line 1 column 8";
        let s = explain(raw, "title: \"手順\nweight: 2\n");
        assert_eq!(s.message, "a quoted value is never closed");
        assert_eq!(s.at, Some((1, 8)));
    }

    #[test]
    fn a_colon_in_a_value_gets_the_quoted_line_as_hint() {
        let raw = "mapping values are not allowed in this context at line 1 column 10";
        let s = explain(raw, "title: 手順: 其の一\nweight: 2\n");
        assert_eq!(s.hint.unwrap(), "put the value in quotes: `title: \"手順: 其の一\"`");
    }
}
