//! Text utilities at the bottom of the dependency graph: character classes, the search
//! normalization and counting. Nothing here knows about pages, Markdown or HTML.

pub(crate) mod chars;
pub(crate) mod count;
pub(crate) mod normalize;
pub(crate) mod phrase;
