//! "Hold to View": a secret (a PIN, the user's passkey) shows only while its button is held,
//! by pointer or by keyboard, and hides on release, when the button loses focus, and after
//! [`HOLD_TO_VIEW_SECONDS`] even if still held.

use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;
use std::time::Duration;

/// The longest a held secret stays shown.
pub const HOLD_TO_VIEW_SECONDS: u64 = 10;

#[component]
pub fn HoldToView(
    /// What is shown ("PIN", "Your passkey").
    #[prop(into)]
    label: String,
    /// Asks the server for the secret (it checks, and audits the view); the answer is put in
    /// `secret`.
    reveal: Callback<()>,
    secret: RwSignal<Option<String>>,
) -> impl IntoView {
    let held = RwSignal::new(false);
    // Each hold gets its own timer; a timer of an earlier hold hides nothing.
    let hold = StoredValue::new(0u64);
    let press = move || {
        if held.get_untracked() {
            return;
        }
        held.set(true);
        let this = hold.get_value() + 1;
        hold.set_value(this);
        reveal.run(());
        set_timeout(
            move || {
                if hold.get_value() == this {
                    held.set(false);
                    secret.set(None);
                }
            },
            Duration::from_secs(HOLD_TO_VIEW_SECONDS),
        );
    };
    let release = move || {
        held.set(false);
        secret.set(None);
    };
    // An answer that comes after the release is not shown.
    let shown = move || held.get().then(|| secret.get()).flatten();
    view! {
        <p>
            {label}": "
            <strong class="secret" aria-live="polite">{move || shown().unwrap_or_else(|| "••••".into())}</strong>
        </p>
        <button
            type="button"
            class="button"
            on:pointerdown=move |_| press()
            on:pointerup=move |_| release()
            on:pointerleave=move |_| release()
            on:blur=move |_| release()
            on:keydown=move |ev| if (ev.key() == " " || ev.key() == "Enter") && !ev.repeat() { press() }
            on:keyup=move |_| release()
        >
            "Hold to View"
        </button>
    }
}

/// A [`HoldToView`]'s `reveal` for an island: asks the server with `fetch` and puts the answer
/// in `secret`, or what went wrong in `error`. A sign-in too old for secrets goes to "Confirm
/// it's you", which comes back to this page.
pub fn ask_server<F, Fut>(
    secret: RwSignal<Option<String>>,
    error: RwSignal<Option<AppError>>,
    fetch: F,
) -> Callback<()>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, AppError>> + 'static,
{
    Callback::new(move |_| {
        let asked = fetch();
        leptos::task::spawn_local(async move {
            match asked.await {
                Ok(shown) => {
                    error.set(None);
                    secret.set(Some(shown));
                }
                Err(AppError::StepUpRequired) => super::go_to(&step_up_address()),
                Err(other) => error.set(Some(other)),
            }
        });
    })
}

/// "Confirm it's you", then back to this page.
fn step_up_address() -> String {
    #[cfg(feature = "hydrate")]
    {
        let location = window().location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        format!("/step-up?next={}", super::encode_query_value(&here))
    }
    #[cfg(not(feature = "hydrate"))]
    String::from("/step-up")
}
