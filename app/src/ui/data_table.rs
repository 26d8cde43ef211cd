use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// One page of a keyset-paginated list: the rows, and the cursor after the last one when
/// more follow. Pages are found by key, never by offset, so deep pages stay fast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The page from rows read with a limit of `per_page + 1`: one more than a page tells that
    /// more follow, and the page's last row gives the cursor (`cursor`) to start after.
    pub fn from_rows(mut rows: Vec<T>, per_page: i64, cursor: impl Fn(&T) -> String) -> Self {
        let per_page = per_page.max(0) as usize;
        let next = if rows.len() > per_page {
            rows.truncate(per_page);
            rows.last().map(cursor)
        } else {
            None
        };
        Page { items: rows, next }
    }
}

// By hand: a derive would ask `T: Clone`, which the shared cell does not need.
impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Self {
            header: self.header,
            cell: self.cell.clone(),
        }
    }
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
                    // The rows are read in place: each cell makes what it shows from its row.
                    {move || rows.with(|rows| {
                        if rows.is_empty() {
                            return view! { <tr><td colspan=span.clone() class="empty">{empty.clone()}</td></tr> }.into_any();
                        }
                        rows.iter()
                            .map(|row| {
                                let cells = columns.iter().map(|c| view! { <td>{(c.cell)(row)}</td> }).collect_view();
                                view! { <tr>{cells}</tr> }
                            })
                            .collect_view()
                            .into_any()
                    })}
                </tbody>
            </table>
        </div>
    }
}

/// The pages of a keyset-paginated table, kept in the address (`?npis=c1,c2`: the cursors of
/// the pages seen before this one), so paging works before the browser app loads, survives a
/// reload, and "Previous page" can go back.
#[derive(Debug, Clone, Copy)]
pub struct Pager {
    key: &'static str,
    cursors: Memo<Vec<String>>,
}

impl Pager {
    /// The pager whose cursors the address holds under `key`.
    pub fn new(key: &'static str) -> Self {
        let query = use_query_map();
        let cursors = Memo::new(move |_| {
            query
                .read()
                .get(key)
                .map(|v| {
                    v.split(',')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        });
        Pager { key, cursors }
    }

    /// The cursor of the page to show (tracked); `None` for the first page.
    pub fn cursor(&self) -> Option<String> {
        self.cursors.with(|c| c.last().cloned())
    }

    pub fn has_previous(&self) -> bool {
        self.cursors.with(|c| !c.is_empty())
    }

    /// The address value for the page before this one.
    fn previous(&self) -> String {
        self.cursors
            .with(|c| c[..c.len().saturating_sub(1)].join(","))
    }

    /// The address value for the page after this one, starting at `cursor`.
    fn next(&self, cursor: &str) -> String {
        self.cursors.with(|c| {
            let mut all = c.clone();
            all.push(cursor.to_string());
            all.join(",")
        })
    }
}

/// "Previous page" / "Next page" for a keyset-paginated table: each a GET form naming the page.
#[component]
pub fn Pagination(
    pager: Pager,
    #[prop(into)] next: Signal<Option<String>>,
    #[prop(into)] label: String,
) -> impl IntoView {
    // The page's other parameters (a search, a date range) go along to the next page.
    let query = use_query_map();
    let kept = move || {
        let params: Vec<(String, String)> = query.with(|q| {
            q.into_iter()
                .filter(|(key, _)| key.as_ref() != pager.key)
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect()
        });
        params
            .into_iter()
            .map(|(key, value)| view! { <input type="hidden" name=key value=value /> })
            .collect_view()
    };
    view! {
        <nav class="pagination" aria-label=label>
            <Form method="GET" action="" attr:class="inline">
                {kept}
                <input type="hidden" name=pager.key value=move || pager.previous() />
                <button type="submit" class="button" disabled=move || !pager.has_previous()>"Previous page"</button>
            </Form>
            <Form method="GET" action="" attr:class="inline">
                {kept}
                <input type="hidden" name=pager.key value=move || next.get().map(|c| pager.next(&c)).unwrap_or_default() />
                <button type="submit" class="button" disabled=move || next.get().is_none()>"Next page"</button>
            </Form>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn a_page_tells_whether_more_rows_follow() {
        let more = Page::from_rows(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!((more.items, more.next), (vec![1, 2], Some("2".to_string())));
        let last = Page::from_rows(vec![1, 2], 2, |n| n.to_string());
        assert_eq!((last.items, last.next), (vec![1, 2], None));
    }
}
