use super::slug;
use leptos::html;
use leptos::prelude::*;

/// A modal dialog named by its heading. Escape or "Close" shuts it; focus moves into it on open.
#[component]
pub fn Modal(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    children: ChildrenFn,
) -> impl IntoView {
    let heading_id = format!("dialog-{}", slug(&title));
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
                    node_ref=dialog
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            open.set(false);
                        }
                    }
                >
                    <h2 id=heading_id.clone()>{title.clone()}</h2>
                    {children()}
                    <button class="button link modal-close" on:click=move |_| open.set(false)>"Close"</button>
                </div>
            </div>
        </Show>
    }
}
