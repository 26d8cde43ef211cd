//! Signing out after inactivity: the server ends a session idle for the configured time
//! (30 minutes by default); two minutes before, the page asks whether to stay signed in.
//! The timer runs only in the browser.
#![cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, unused_imports, unused_variables)
)]

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::go_to;
use leptos::prelude::*;

/// The warning comes this long before the session would end.
pub const WARN_SECONDS: i64 = 120;
/// While the user is active on a page, the server is told at most this often.
pub const KEEP_ALIVE_SECONDS: i64 = 60;

/// Seconds of inactivity after which the warning shows (halfway for very short timeouts).
pub fn warn_after(idle_seconds: i64) -> i64 {
    (idle_seconds - WARN_SECONDS).max(idle_seconds / 2)
}

/// Marks the session as in use.
#[server(endpoint = "session/keep-alive")]
pub async fn keep_alive() -> Result<(), AppError> {
    require(Access::EXPIRED_PASSWORD).await.map(|_| ())
}

/// The timer and its warning.
#[component]
pub fn IdleTimeout(idle_seconds: i64) -> impl IntoView {
    // The island inside an element: see `ui::Tabs`.
    view! {
        <div class="idle-timeout">
            <IdleWarning idle_seconds />
        </div>
    }
}

#[island]
fn IdleWarning(idle_seconds: i64) -> impl IntoView {
    let warning = RwSignal::new(false);
    let last_activity = StoredValue::new(now_ms());
    let last_ping = StoredValue::new(now_ms());
    let keep = ServerAction::<KeepAlive>::new();
    let ping = move || {
        last_ping.set_value(now_ms());
        keep.dispatch(KeepAlive {});
    };
    #[cfg(feature = "hydrate")]
    {
        let on_activity = move || {
            if warning.get_untracked() {
                return;
            }
            let now = now_ms();
            last_activity.set_value(now);
            if now - last_ping.get_value()
                > (KEEP_ALIVE_SECONDS.min(idle_seconds / 4) * 1000) as f64
            {
                ping();
            }
        };
        let keys = window_event_listener(leptos::ev::keydown, move |_| on_activity());
        let pointer = window_event_listener(leptos::ev::pointerdown, move |_| on_activity());
        let timer = set_interval_with_handle(
            move || {
                let idle = (now_ms() - last_activity.get_value()) / 1000.0;
                if idle >= idle_seconds as f64 {
                    go_to("/login?reason=idle");
                } else if idle >= warn_after(idle_seconds) as f64 && !warning.get_untracked() {
                    warning.set(true);
                }
            },
            std::time::Duration::from_secs(1),
        )
        .ok();
        on_cleanup(move || {
            keys.remove();
            pointer.remove();
            if let Some(timer) = timer {
                timer.clear();
            }
        });
    }
    let stay = move |_| {
        warning.set(false);
        last_activity.set_value(now_ms());
        ping();
    };
    // The dialog is written out here rather than with `ui::Modal`: every signed-in page has
    // this island, and the shared dialog brings the router's navigation into the download.
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if warning.get() {
            if let Some(element) = dialog.get() {
                let _ = element.focus();
            }
        }
    });
    view! {
        <Show when=move || warning.get()>
            <div class="modal-backdrop">
                <div class="modal" role="dialog" aria-modal="true" aria-labelledby="dialog-idle" tabindex="-1" node_ref=dialog
                    on:keydown=move |ev| if ev.key() == "Escape" { warning.set(false) }>
                    <h2 id="dialog-idle">"Your session is about to end"</h2>
                    <p>"For your security, you will be signed out soon because there has been no activity. Do you want to stay signed in?"</p>
                    <button class="button primary" on:click=stay>"Stay signed in"</button>
                </div>
            </div>
        </Show>
    }
}

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn warning_two_minutes_before() {
        assert_eq!(super::warn_after(30 * 60), 28 * 60);
        assert_eq!(
            super::warn_after(10),
            5,
            "halfway through very short timeouts"
        );
    }
}
