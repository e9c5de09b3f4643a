//! Text utilities at the bottom of the dependency graph: character classes, the search
//! normalization, counting, and phrases for line breaks. Nothing here knows about pages or
//! Markdown; `phrase` alone writes HTML (`<wbr>` between phrases, escaped with `web::escape`).

pub(crate) mod chars;
pub(crate) mod count;
pub(crate) mod normalize;
pub(crate) mod phrase;
