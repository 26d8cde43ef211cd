//! Tabs after the WAI-ARIA pattern: a `tablist` of `tab`s, each controlling a `tabpanel`;
//! arrow keys, Home and End move between tabs, and only the selected tab is in the tab order.
//!
//! Each tab is a link to its panel, and the server sends every panel. Before the tabs run in
//! the browser (or without the browser app), every panel shows and a tab scrolls to its own.
//! Once they run, all panels but the selected one are hidden; a panel the address names (a tab
//! pressed while the page was loading) is the selected one.

use super::slug;
use leptos::prelude::*;

/// The list of tabs; pair it with one [`TabPanel`] per label, using the same `id`.
#[component]
pub fn Tabs(
    /// Prefix of the element ids, unique on the page.
    #[prop(into)]
    id: String,
    /// Names the tab list for screen readers.
    #[prop(into)]
    label: String,
    labels: Vec<String>,
    /// The tab selected first.
    selected: usize,
) -> impl IntoView {
    // The island inside an element: when the whole page is hydrated, hydrating an island ends
    // inside the island's markup, and the element around it brings the page's hydration back
    // out. (Every island here sits in an element of its own for this reason.)
    let list_id = format!("{}-tabs", slug(&id));
    view! {
        <div class="tabs" role="tablist" aria-label=label id=list_id>
            <TabLinks id labels selected />
        </div>
    }
}

/// The tabs themselves: an island, which shows and hides the server's panels by their ids.
#[island]
fn TabLinks(id: String, labels: Vec<String>, selected: usize) -> impl IntoView {
    let count = labels.len();
    let selected = RwSignal::new(selected.min(count.saturating_sub(1)));
    {
        let id = id.clone();
        Effect::new(move |_| {
            if let Some(i) = index_in(&address_fragment(), &format!("#{id}-panel-"), count) {
                selected.set(i);
            }
        });
    }
    {
        let id = id.clone();
        Effect::new(move |_| {
            let chosen = selected.get();
            for i in 0..count {
                show(&format!("{id}-panel-{i}"), i == chosen);
            }
        });
    }
    let tab_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-tab-{i}")
    };
    let on_key = {
        let tab_id = tab_id.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let current = selected.get_untracked();
            let next = match ev.key().as_str() {
                "ArrowRight" => (current + 1) % count,
                "ArrowLeft" => (current + count - 1) % count,
                "Home" => 0,
                "End" => count - 1,
                // Space keeps the focused (selected) tab, as a button would, instead of scrolling.
                " " => current,
                _ => return,
            };
            ev.prevent_default();
            selected.set(next);
            super::focus_by_id(&tab_id(next));
        }
    };
    labels
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let panel = format!("{id}-panel-{i}");
            // `target="_self"` leaves a click that comes before the app to the browser, which
            // follows the link to the panel; the app's router would otherwise take it.
            view! {
                <a
                    role="tab"
                    href=format!("#{panel}")
                    target="_self"
                    id=tab_id(i)
                    aria-controls=panel
                    aria-selected=move || (selected.get() == i).to_string()
                    tabindex=move || if selected.get() == i { "0" } else { "-1" }
                    on:click=move |ev| {
                        ev.prevent_default();
                        selected.set(i);
                    }
                    on:keydown=on_key.clone()
                >
                    {text}
                </a>
            }
        })
        .collect_view()
}

/// The panel of tab `index` of the [`Tabs`] with the same `id`.
#[component]
pub fn TabPanel(#[prop(into)] id: String, index: usize, children: Children) -> impl IntoView {
    view! {
        <div
            role="tabpanel"
            id=format!("{id}-panel-{index}")
            aria-labelledby=format!("{id}-tab-{index}")
            tabindex="0"
        >
            {children()}
        </div>
    }
}

/// The index that follows `prefix` in `text`, if it is one of `count` tabs.
fn index_in(text: &str, prefix: &str, count: usize) -> Option<usize> {
    text.strip_prefix(prefix)?
        .parse()
        .ok()
        .filter(|i| *i < count)
}

/// The address's fragment, with its `#`; empty where there is no browser.
fn address_fragment() -> String {
    #[cfg(feature = "hydrate")]
    return window().location().hash().unwrap_or_default();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Shows or hides the element with this id.
fn show(id: &str, shown: bool) {
    #[cfg(feature = "hydrate")]
    if let Some(element) = document().get_element_by_id(id) {
        let _ = if shown {
            element.remove_attribute("hidden")
        } else {
            element.set_attribute("hidden", "")
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, shown);
}

#[cfg(test)]
mod tests {
    use super::index_in;

    #[test]
    fn the_address_names_a_panel_of_these_tabs_or_none() {
        assert_eq!(index_in("#claims-panel-1", "#claims-panel-", 2), Some(1));
        assert_eq!(index_in("#claims-panel-0", "#claims-panel-", 2), Some(0));
        // Out of range, another tab list's panel, no fragment, not a number.
        assert_eq!(index_in("#claims-panel-2", "#claims-panel-", 2), None);
        assert_eq!(index_in("#claim-panel-1", "#claims-panel-", 2), None);
        assert_eq!(index_in("", "#claims-panel-", 2), None);
        assert_eq!(index_in("#claims-panel-x", "#claims-panel-", 2), None);
        assert_eq!(index_in("#claims-panel--1", "#claims-panel-", 2), None);
    }
}
