//! Tabs after the WAI-ARIA pattern: a `tablist` of `tab`s, each controlling a `tabpanel`;
//! arrow keys, Home and End move between tabs, and only the selected tab is in the tab order.

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
            view! {
                <button
                    type="button"
                    role="tab"
                    id=tab_id(i)
                    aria-controls=panel
                    aria-selected=move || (selected.get() == i).to_string()
                    tabindex=move || if selected.get() == i { "0" } else { "-1" }
                    on:click=move |_| selected.set(i)
                >
                    {text}
                </button>
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
