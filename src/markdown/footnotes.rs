//! Footnotes: numbered references with unique ids, definitions collected for the end of the page.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use super::Renderer;
use crate::lang::tr;

impl<'a> Renderer<'_, '_, 'a> {
    /// `[^label]`: a numbered link to the definition, with an id of its own for the way back.
    pub(super) fn footnote_reference(&mut self, label: &CowStr<'a>) {
        let (n, id) = self.footnote_ids.get(label.as_ref()).cloned().unwrap_or((0, String::new()));
        let count = self.footnote_refs.entry(label.to_string()).or_insert(0);
        *count += 1;
        let ref_id = self
            .footnote_ref_ids
            .get(label.as_ref())
            .and_then(|v| v.get(*count - 1))
            .cloned()
            .unwrap_or_else(|| format!("{id}-ref-{count}"));
        self.all_ids.insert(ref_id.clone());
        self.emit(Event::InlineHtml(CowStr::from(format!(
            "<sup class=\"footnote-ref\"><a href=\"#{id}\" id=\"{ref_id}\" aria-label=\"脚注{n}\">{n}</a></sup>"
        ))));
    }

    /// `[^label]: …` starts: its events are collected until it ends.
    pub(super) fn start_footnote(&mut self, label: &CowStr<'a>, range: Range<usize>) {
        self.container_depth += 1;
        if self.footnotes.iter().any(|(l, _)| l == label.as_ref()) {
            let d = self
                .diag_at(
                    range,
                    tr(
                        format!("footnote `[^{label}]` is defined twice"),
                        format!("脚注 `[^{label}]` が二度定義されています"),
                    ),
                )
                .code("duplicate-footnote")
                .hint(tr(
                    "the first definition is used; remove or rename the other one",
                    "最初の定義が使われます。もう一方を削除するか、名前を変えてください",
                ));
            self.res.diagnostics.push(d.warn());
        }
        self.footnote = Some((label.to_string(), Vec::new()));
    }

    /// A label defined twice would give two `<li id="fn-x">`: only the first definition is kept,
    /// so every id on the page stays unique.
    pub(super) fn end_footnote(&mut self) {
        self.container_depth -= 1;
        if let Some(f) = self.footnote.take().filter(|(l, _)| !self.footnotes.iter().any(|(x, _)| x == l)) {
            self.footnotes.push(f);
        }
    }
}
