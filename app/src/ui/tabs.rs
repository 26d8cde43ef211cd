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
    let list_id = format!("{}-tabs", slug(&id));
    let count = labels.len();
    let selected = selected.min(count.saturating_sub(1));
    let tabs = labels
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let panel = format!("{id}-panel-{i}");
            // `target="_self"`: a click that comes before the island is the browser's, which
            // follows the link to the panel.
            view! {
                <a
                    role="tab"
                    href=format!("#{panel}")
                    target="_self"
                    id=format!("{id}-tab-{i}")
                    aria-controls=panel
                    aria-selected=(i == selected).to_string()
                    tabindex=if i == selected { "0" } else { "-1" }
                >
                    {text}
                </a>
            }
        })
        .collect_view();
    // The island sits in an element of its own, as every island here does: when the whole
    // page was hydrated, hydrating an island ended inside the island's markup, and the element
    // around it brought the page's hydration back out.
    view! {
        <div class="tabs" role="tablist" aria-label=label id=list_id>{tabs}</div>
        <div class="island"><TabKeys id count selected /></div>
    }
}

/// Shows and hides the server's panels by their ids, and moves between the tabs: the island
/// writes no markup of its own.
#[island]
fn TabKeys(id: String, count: usize, selected: usize) -> impl IntoView {
    Effect::new(move |_| {
        // A panel the address names is the selected one (a tab pressed while the page loaded).
        let first =
            index_in(&address_fragment(), &format!("#{id}-panel-"), count).unwrap_or(selected);
        select(&id, count, first);
        let clicks = {
            let id = id.clone();
            window_event_listener(leptos::ev::click, move |ev| {
                if let Some(i) = tab_of(&id, count, &ev) {
                    ev.prevent_default();
                    select(&id, count, i);
                }
            })
        };
        let keys = {
            let id = id.clone();
            window_event_listener(leptos::ev::keydown, move |ev| {
                let Some(current) = tab_of(&id, count, &ev) else {
                    return;
                };
                let next = match ev.key().as_str() {
                    "ArrowRight" => (current + 1) % count,
                    "ArrowLeft" => (current + count - 1) % count,
                    "Home" => 0,
                    "End" => count - 1,
                    // Space keeps the focused (selected) tab, as a button would, instead of
                    // scrolling.
                    " " => current,
                    _ => return,
                };
                ev.prevent_default();
                select(&id, count, next);
                super::focus_by_id(&format!("{id}-tab-{next}"));
            })
        };
        on_cleanup(move || {
            clicks.remove();
            keys.remove();
        });
    });
}

/// The tab of the tab list `id` an event comes from.
fn tab_of(id: &str, count: usize, ev: &leptos::ev::Event) -> Option<usize> {
    index_in(&super::event_target_id(ev)?, &format!("{id}-tab-"), count)
}

/// Makes tab `chosen` the selected one: its panel shown, the others hidden, and only it in
/// the tab order.
fn select(id: &str, count: usize, chosen: usize) {
    for i in 0..count {
        let on = i == chosen;
        let tab = format!("{id}-tab-{i}");
        super::set_attribute(&format!("{id}-panel-{i}"), "hidden", (!on).then_some(""));
        super::set_attribute(
            &tab,
            "aria-selected",
            Some(if on { "true" } else { "false" }),
        );
        super::set_attribute(&tab, "tabindex", Some(if on { "0" } else { "-1" }));
    }
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
