use leptos::prelude::*;

/// Short confirmations ("Saved.") announced politely and cleared after a few seconds.
#[derive(Debug, Clone, Copy)]
pub struct Toasts(RwSignal<Vec<(u64, String)>>);

const TOAST_SECONDS: u64 = 6;

impl Toasts {
    pub fn push(&self, message: impl Into<String>) {
        let id = self
            .0
            .with_untracked(|t| t.last().map_or(0, |(id, _)| id + 1));
        self.0.update(|t| t.push((id, message.into())));
        let list = self.0;
        set_timeout(
            move || list.update(|t| t.retain(|(other, _)| *other != id)),
            std::time::Duration::from_secs(TOAST_SECONDS),
        );
    }
}

/// Provides the toasts to the page and returns the region that shows them.
pub fn provide_toasts() -> impl IntoView {
    let toasts = Toasts(RwSignal::new(Vec::new()));
    provide_context(toasts);
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.0.get() key=|(id, _)| *id let:toast>
                <p class="toast">{toast.1}</p>
            </For>
        </div>
    }
}
