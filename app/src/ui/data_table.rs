use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One page of a keyset-paginated list: the rows, and the cursor after the last one when
/// more follow. Pages are found by key, never by offset, so deep pages stay fast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// A table column: its header and how a row shows in it.
pub struct Column<T> {
    pub header: &'static str,
    pub cell: Arc<dyn Fn(&T) -> AnyView + Send + Sync>,
}

impl<T> Column<T> {
    pub fn new(header: &'static str, cell: impl Fn(&T) -> AnyView + Send + Sync + 'static) -> Self {
        Column {
            header,
            cell: Arc::new(cell),
        }
    }

    /// A column of plain text. (Wrapped in an element: a bare text node as the only content
    /// of a type-erased view does not hydrate reliably.)
    pub fn text(header: &'static str, text: impl Fn(&T) -> String + Send + Sync + 'static) -> Self {
        Column::new(header, move |row| {
            view! { <span>{text(row)}</span> }.into_any()
        })
    }
}

/// A table with a caption, column headers and one row per item.
#[component]
pub fn DataTable<T>(
    #[prop(into)] caption: String,
    columns: Vec<Column<T>>,
    #[prop(into)] rows: Signal<Vec<T>>,
    #[prop(into, default = "Nothing to show.".to_string())] empty: String,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let columns = Arc::new(columns);
    let headers = columns
        .iter()
        .map(|c| view! { <th scope="col">{c.header}</th> })
        .collect_view();
    let span = columns.len().to_string();
    view! {
        <div class="table-wrap">
            <table class="data-table">
                <caption>{caption}</caption>
                <thead><tr>{headers}</tr></thead>
                <tbody>
                    {move || {
                        let rows = rows.get();
                        if rows.is_empty() {
                            return view! { <tr><td colspan=span.clone() class="empty">{empty.clone()}</td></tr> }.into_any();
                        }
                        let columns = Arc::clone(&columns);
                        rows.into_iter()
                            .map(|row| {
                                let cells = columns.iter().map(|c| view! { <td>{(c.cell)(&row)}</td> }).collect_view();
                                view! { <tr>{cells}</tr> }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// Remembers the cursors of the pages seen, so "Previous page" can go back.
#[derive(Debug, Clone, Copy)]
pub struct Pager {
    cursors: RwSignal<Vec<Option<String>>>,
}

impl Default for Pager {
    fn default() -> Self {
        Pager {
            cursors: RwSignal::new(vec![None]),
        }
    }
}

impl Pager {
    pub fn new() -> Self {
        Self::default()
    }

    /// The cursor of the page to show (tracked).
    pub fn cursor(&self) -> Option<String> {
        self.cursors.with(|c| c.last().cloned().flatten())
    }

    pub fn next(&self, cursor: String) {
        self.cursors.update(|c| c.push(Some(cursor)));
    }

    pub fn previous(&self) {
        self.cursors.update(|c| {
            if c.len() > 1 {
                c.pop();
            }
        });
    }

    pub fn has_previous(&self) -> bool {
        self.cursors.with(|c| c.len() > 1)
    }
}

/// "Previous page" / "Next page" for a keyset-paginated table.
#[component]
pub fn Pagination(
    pager: Pager,
    #[prop(into)] next: Signal<Option<String>>,
    #[prop(into)] label: String,
) -> impl IntoView {
    view! {
        <nav class="pagination" aria-label=label>
            <button class="button" disabled=move || !pager.has_previous() on:click=move |_| pager.previous()>
                "Previous page"
            </button>
            <button
                class="button"
                disabled=move || next.get().is_none()
                on:click=move |_| {
                    if let Some(cursor) = next.get_untracked() {
                        pager.next(cursor);
                    }
                }
            >
                "Next page"
            </button>
        </nav>
    }
}
