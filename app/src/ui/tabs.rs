//! Tabs after the WAI-ARIA pattern: a `tablist` of `tab`s, each controlling a `tabpanel`;
//! arrow keys, Home and End move between tabs, and only the selected tab is in the tab order.
//!
//! Each tab is a link to its panel. Before the browser app runs, every panel shows and a tab
//! scrolls to its own; the panel it named is still the chosen one once the app takes over, so a
//! tab pressed while the page was loading is not lost.

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
    selected: RwSignal<usize>,
) -> impl IntoView {
    let count = labels.len();
    {
        // Runs only in the browser, once the app has taken the page over.
        let id = id.clone();
        Effect::new(move |_| {
            if let Some(i) = index_in(&address_fragment(), &format!("#{id}-panel-"), count) {
                selected.set(i);
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
            focus(&tab_id(next));
        }
    };
    let tabs = labels
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
                >
                    {text}
                </a>
            }
        })
        .collect_view();
    view! {
        <div class="tabs" role="tablist" aria-label=label id=format!("{}-tabs", slug(&id)) on:keydown=on_key>
            {tabs}
        </div>
    }
}

/// The panel shown while tab `index` of the [`Tabs`] with the same `id` is selected (and,
/// before the browser app has loaded, always).
#[component]
pub fn TabPanel(
    #[prop(into)] id: String,
    index: usize,
    selected: RwSignal<usize>,
    children: ChildrenFn,
) -> impl IntoView {
    // Until the browser app runs the tabs, every panel shows, so each can be used.
    let ready = super::hydrated();
    view! {
        <div
            role="tabpanel"
            id=format!("{id}-panel-{index}")
            aria-labelledby=format!("{id}-tab-{index}")
            tabindex="0"
            hidden=move || ready.get() && selected.get() != index
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

fn focus(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(element) = document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
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
