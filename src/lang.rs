//! The language tebiki speaks to the person running it (messages, not the site's content).
//!
//! Every user-facing text is written twice at the place it is made, English and Japanese, as a
//! [`Msg`]; the language is chosen once per process by the command line (`--lang`, else the
//! locale) and read here when a message is printed. The site's own output never depends on it.

use std::sync::OnceLock;

/// A language for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the default outside a Japanese locale).
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// The language the locale asks for: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set
    /// and not empty decides (the POSIX order), Japanese when it starts with `ja`.
    pub fn from_locale(get: impl Fn(&str) -> Option<String>) -> Lang {
        let chosen = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|k| get(k).filter(|v| !v.is_empty()));
        match chosen {
            Some(v) if v.starts_with("ja") => Lang::Ja,
            _ => Lang::En,
        }
    }

    /// Parses `ja` or `en` (as given to `--lang`).
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Sets the language of this process's messages; the first call wins (the command line makes it
/// before anything is printed).
pub fn set(lang: Lang) {
    let _ = CURRENT.set(lang);
}

/// The language messages are printed in: what [`set`] chose, English when nothing did (so the
/// library used on its own stays English).
pub fn current() -> Lang {
    CURRENT.get().copied().unwrap_or_default()
}

/// The text for the current language.
pub fn pick(en: impl Into<String>, ja: impl Into<String>) -> String {
    match current() {
        Lang::En => en.into(),
        Lang::Ja => ja.into(),
    }
}

/// A message in both languages. Built from a plain string it has only English, which is also
/// shown to Japanese readers until someone translates it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Msg {
    /// The English text (also what JSON output carries, so tools see one stable language).
    pub en: String,
    /// The Japanese text, when written.
    pub ja: Option<String>,
}

impl Msg {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.ja) {
            (Lang::Ja, Some(ja)) => ja,
            _ => &self.en,
        }
    }
}

/// Why something was refused, in English and in Japanese: a reason that goes into a message
/// written in each language.
pub type Why = (&'static str, &'static str);

/// A message in English and Japanese (です・ます).
pub fn tr(en: impl Into<String>, ja: impl Into<String>) -> Msg {
    Msg { en: en.into(), ja: Some(ja.into()) }
}

impl From<String> for Msg {
    fn from(en: String) -> Self {
        Msg { en, ja: None }
    }
}

impl From<&str> for Msg {
    fn from(en: &str) -> Self {
        Msg { en: en.to_owned(), ja: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn locale_variables_decide_in_posix_order() {
        assert_eq!(Lang::from_locale(env(&[("LANG", "ja_JP.UTF-8")])), Lang::Ja);
        assert_eq!(Lang::from_locale(env(&[("LANG", "ja_JP.UTF-8"), ("LC_ALL", "C")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "en_US"), ("LC_MESSAGES", "ja_JP")])), Lang::Ja);
        assert_eq!(Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "ja")])), Lang::Ja);
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
    }

    #[test]
    fn untranslated_messages_fall_back_to_english() {
        assert_eq!(Msg::from("x").get(Lang::Ja), "x");
        assert_eq!(tr("x", "エックス").get(Lang::Ja), "エックス");
        assert_eq!(tr("x", "エックス").get(Lang::En), "x");
    }
}
