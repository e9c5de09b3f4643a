//! Web utilities at the bottom of the dependency graph: HTML escaping and URL paths.

pub(crate) mod escape;
pub(crate) mod url;
