use super::slug;
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// A modal dialog named by its heading. Escape or "Close" shuts it; focus moves into it on open
/// (`autofocus` when the server sends it open; an island follows Escape to the closing address).
#[component]
pub fn Modal(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    /// For a dialog opened by the address (see `query_dialog`): "Close" is a link there, so it
    /// works before the browser app loads.
    #[prop(optional, into)]
    close_href: Option<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let heading_id = format!("dialog-{}", slug(&title));
    // Escape leaves for the closing address too (only such dialogs are inside the router).
    let leave = close_href.clone().map(|href| {
        let navigate = use_navigate();
        std::sync::Arc::new(move || navigate(&href, Default::default()))
    });
    let dialog = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(element) = dialog.get() {
                let _ = element.focus();
            }
        }
    });
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop">
                <div
                    class="modal"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby=heading_id.clone()
                    tabindex="-1"
                    autofocus=true
                    node_ref=dialog
                    on:keydown={
                        let leave = leave.clone();
                        move |ev| {
                            if ev.key() == "Escape" {
                                open.set(false);
                                if let Some(leave) = &leave {
                                    leave();
                                }
                            }
                        }
                    }
                >
                    <h2 id=heading_id.clone()>{title.clone()}</h2>
                    {children()}
                    {close_href.is_some().then(|| {
                        let dialog = heading_id.clone();
                        view! { <div class="island"><CloseOnEscape dialog /></div> }
                    })}
                    {match close_href.clone() {
                        Some(href) => view! {
                            <a class="button link modal-close" href=href on:click=move |_| open.set(false)>"Close"</a>
                        }.into_any(),
                        None => view! {
                            <button class="button link modal-close" on:click=move |_| open.set(false)>"Close"</button>
                        }.into_any(),
                    }}
                </div>
            </div>
        </Show>
    }
}

/// Escape presses the "Close" link of the dialog labelled by `dialog`.
#[island]
fn CloseOnEscape(dialog: String) -> impl IntoView {
    super::on_window(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            super::click(&format!("[aria-labelledby=\"{dialog}\"] .modal-close"));
        }
    });
}

/// A dialog opened by the address (`?remove=12`): the value named `name` while it is there.
/// Links and GET forms open it, so it opens before the browser app loads; once loaded, the
/// dialog follows the address as the app moves.
pub fn query_dialog(name: &'static str) -> (RwSignal<bool>, Signal<Option<String>>) {
    let query = use_query_map();
    let value = Signal::derive(move || query.read().get(name).filter(|v| !v.is_empty()));
    let open = RwSignal::new(value.get_untracked().is_some());
    Effect::new(move |_| open.set(value.get().is_some()));
    (open, value)
}

/// A dialog opened while the address says `name=value` (`?dialog=email`): for a page with
/// several dialogs under one name.
pub fn query_dialog_is(
    name: &'static str,
    value: &'static str,
) -> (RwSignal<bool>, Signal<Option<String>>) {
    let query = use_query_map();
    let found = Signal::derive(move || query.read().get(name).filter(|v| v == value));
    let open = RwSignal::new(found.get_untracked().is_some());
    Effect::new(move |_| open.set(found.get().is_some()));
    (open, found)
}
