//! Text utilities at the bottom of the dependency graph: character classes, the search
//! normalization and counting. Nothing here knows about pages, Markdown or HTML.

pub(crate) mod chars;
pub(crate) mod count;
pub(crate) mod normalize;
// Used by the templates and the Markdown renderer from the next commits on; this commit adds
// the splitter alone so that other branches can take it.
#[allow(dead_code)]
pub(crate) mod phrase;
