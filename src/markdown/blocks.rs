//! Block passes: message templates, callouts (GitHub alerts), tables, lists and task lists.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{alert, attr_value, collect_text, is_task_list, Ev, Renderer};
use crate::web::escape::escape;

impl<'a> Renderer<'_, '_, 'a> {
    /// A ```` ```message ```` fence: a copyable template with a caption (its `title`).
    pub(super) fn message_block(&mut self, events: &[Ev<'a>], i: usize, info: &str) -> usize {
        let (text, end) = collect_text(events, i);
        let title = attr_value(info, "title").unwrap_or_else(|| "メッセージの例文".to_string());
        self.note_text(&text);
        self.section.text.push('\n');
        let html = format!(
            "<figure class=\"message\"><figcaption class=\"message-title\">{}</figcaption><pre class=\"message-body\"><code>{}</code></pre></figure>\n",
            escape(&title),
            escape(text.trim_end_matches('\n'))
        );
        self.emit(Event::Html(CowStr::from(html)));
        end + 1
    }

    /// Containers and every other event: quotes and callouts, tables, lists. (Code blocks are
    /// taken whole by `code.rs`.)
    pub(super) fn block_event(&mut self, events: &[Ev<'a>], i: usize) {
        let ev = &events[i].0;
        match ev {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.container_depth += 1;
                let (class, label) = alert(*kind);
                self.emit(Event::Html(CowStr::from(format!(
                    "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{label}</p>\n"
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.container_depth -= 1;
                self.emit(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Start(Tag::BlockQuote(None)) => {
                self.container_depth += 1;
                self.emit(ev.clone());
            }
            Event::End(TagEnd::BlockQuote(None)) => {
                self.container_depth -= 1;
                self.emit(ev.clone());
            }
            Event::Start(Tag::Table(_)) => {
                self.emit(Event::Html(CowStr::from("<div class=\"table-wrap\" tabindex=\"0\">")));
                self.emit(ev.clone());
            }
            Event::End(TagEnd::Table) => {
                self.emit(ev.clone());
                self.emit(Event::Html(CowStr::from("</div>\n")));
            }
            Event::End(TagEnd::TableCell) => {
                self.section.text.push(' ');
                self.emit(ev.clone());
            }
            _ => self.list_event(events, i),
        }
    }

    /// Lists: a task list gets a class, and each checkbox shares a `<label>` with its text so
    /// the box has a name.
    fn list_event(&mut self, events: &[Ev<'a>], i: usize) {
        let ev = &events[i].0;
        match ev {
            Event::Start(Tag::List(first)) => {
                self.container_depth += 1;
                if is_task_list(events, i) && first.is_none() {
                    self.emit(Event::Html(CowStr::from("<ul class=\"task-list\">\n")));
                } else {
                    self.emit(ev.clone());
                }
            }
            Event::End(TagEnd::List(_)) => {
                self.container_depth -= 1;
                self.emit(ev.clone());
            }
            Event::Start(Tag::Item) => {
                let next = |k: usize| events.get(i + k).map(|e| &e.0);
                if matches!(next(1), Some(Event::TaskListMarker(_)))
                    || matches!(
                        (next(1), next(2)),
                        (Some(Event::Start(Tag::Paragraph)), Some(Event::TaskListMarker(_)))
                    )
                {
                    self.emit(Event::Html(CowStr::from("<li class=\"task-list-item\"><label>")));
                    self.task_items.push(true);
                } else {
                    self.emit(ev.clone());
                    self.task_items.push(false);
                }
            }
            Event::End(TagEnd::Item) => {
                self.section.text.push('\n');
                if self.task_items.pop() == Some(true) {
                    self.emit(Event::Html(CowStr::from("</label>")));
                }
                self.emit(ev.clone());
            }
            Event::TaskListMarker(checked) => {
                let c = if *checked { " checked" } else { "" };
                self.emit(Event::InlineHtml(CowStr::from(format!("<input type=\"checkbox\" disabled{c}> "))));
            }
            _ => self.emit(ev.clone()),
        }
    }
}
