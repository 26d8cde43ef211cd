//! "Log In", "Select an organization" and "Sign Out".

use super::session_info::{SessionResource, SwitchOrganization};
use crate::domain::Email;
use crate::error::AppError;
use crate::ui::{go_to, ErrorSummary, Field};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The one message for every failed sign-in, so nobody can learn which accounts exist.
pub const SIGN_IN_FAILED: &str = "The email address or password is incorrect.";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogInOutcome {
    /// Where the browser goes next.
    pub next: String,
}

#[server(endpoint = "log-in")]
pub async fn log_in(email: String, password: String) -> Result<LogInOutcome, AppError> {
    use crate::ssr::serve;
    serve(ssr::log_in(email, password)).await
}

#[server(endpoint = "log-out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::ssr::{audit, guard, serve, session, state};
    serve(async move {
        let settings = state()?.settings.clone();
        if let Some(caller) = guard::optional().await? {
            session::delete_by_hash(&caller.state.db, &caller.session_hash).await?;
            audit::record(
                &caller.state.db,
                caller.state.clock.unix(),
                audit::AuditEntry {
                    user_id: Some(caller.user_id),
                    organization_id: caller.org.as_ref().map(|o| o.organization_id),
                    action: "sign_out",
                    subject: format!("user:{}", caller.user_id),
                    detail: String::new(),
                    ip: caller.ip.clone(),
                },
            )
            .await?;
        }
        super::session_info::ssr::set_session_cookie(&settings, None);
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::ssr::clock::MINUTE;
    use crate::ssr::{audit, crypto, session, state};
    use sqlx::Row;

    /// Consecutive failures before the account is locked for [`LOCK_MINUTES`].
    pub const MAX_CONSECUTIVE_FAILURES: i64 = 10;
    pub const LOCK_MINUTES: i64 = 15;
    /// Failures in all before only an administrator can unlock the account.
    pub const MAX_LIFETIME_FAILURES: i64 = 100;

    pub async fn log_in(email: String, password: String) -> Result<LogInOutcome, AppError> {
        let state = state()?;
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        let now = state.clock.unix();
        let ip = leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        });
        let user = sqlx::query(
            "SELECT id, password_hash, failed_logins, lifetime_failed_logins, locked_until, is_operator FROM users WHERE email = $1",
        )
        .bind(email.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
        let (user_id, hash, failures, lifetime, locked_until, is_operator) = match &user {
            Some(row) => (
                Some(row.try_get::<i64, _>("id")?),
                row.try_get::<Option<String>, _>("password_hash")?,
                row.try_get::<i64, _>("failed_logins")?,
                row.try_get::<i64, _>("lifetime_failed_logins")?,
                row.try_get::<Option<i64>, _>("locked_until")?,
                row.try_get::<i64, _>("is_operator")? == 1,
            ),
            None => (None, None, 0, 0, None, false),
        };
        // The password is checked even for a locked or unknown account, so every failure
        // takes the same time.
        let password_ok = crypto::verify_password(password, hash).await?;
        let locked =
            locked_until.is_some_and(|until| until > now) || lifetime >= MAX_LIFETIME_FAILURES;
        let audit_entry = |action: &'static str, detail: String| audit::AuditEntry {
            user_id,
            organization_id: None,
            action,
            subject: format!("email:{}", email.as_str()),
            detail,
            ip: ip.clone(),
        };
        let Some(user_id) = user_id.filter(|_| password_ok && !locked) else {
            if let Some(id) = user_id {
                let lock = (failures + 1) % MAX_CONSECUTIVE_FAILURES == 0;
                sqlx::query(
                    "UPDATE users SET failed_logins = failed_logins + 1, lifetime_failed_logins = lifetime_failed_logins + 1, \
                     locked_until = CASE WHEN $1 = 1 THEN $2 ELSE locked_until END WHERE id = $3",
                )
                .bind(i64::from(lock))
                .bind(now + LOCK_MINUTES * MINUTE)
                .bind(id)
                .execute(&state.db.pool)
                .await?;
                if lock {
                    audit::record(
                        &state.db,
                        now,
                        audit_entry("sign_in.lockout", format!("{LOCK_MINUTES} minutes")),
                    )
                    .await?;
                }
            }
            let reason = if locked { "locked" } else { "bad credentials" };
            audit::record(
                &state.db,
                now,
                audit_entry("sign_in.failure", reason.into()),
            )
            .await?;
            return Err(AppError::field("form", SIGN_IN_FAILED));
        };
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&state.db.pool)
            .await?;
        let memberships: Vec<i64> = sqlx::query_scalar(
            "SELECT organization_id FROM memberships WHERE user_id = $1 AND status = 'active' ORDER BY is_default DESC, organization_id",
        )
        .bind(user_id)
        .fetch_all(&state.db.pool)
        .await?;
        let organization_id = match memberships.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        let id =
            session::create(&state.db, now, user_id, organization_id, ip.clone(), None).await?;
        super::super::session_info::ssr::set_session_cookie(&state.settings, Some(&id));
        audit::record(
            &state.db,
            now,
            audit::AuditEntry {
                organization_id,
                ..audit_entry("sign_in.success", String::new())
            },
        )
        .await?;
        let next = if memberships.len() > 1 {
            "/select-organization"
        } else if memberships.is_empty() && is_operator {
            "/operator"
        } else {
            "/"
        };
        Ok(LogInOutcome { next: next.into() })
    }
}

#[component]
pub fn LogInPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let program = move || {
        session
            .get()
            .and_then(|s| s.ok())
            .map(|s| s.program_name)
            .unwrap_or_default()
    };
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<String>);
    let asking_password = RwSignal::new(false);
    let action = ServerAction::<LogIn>::new();
    let server_error = move || action.value().get().and_then(Result::err);
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = action.value().get() {
            go_to(&outcome.next);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Email::parse(&email.get_untracked()) {
            Err(error) => email_error.set(Some(error.to_string())),
            Ok(_) if !asking_password.get_untracked() => {
                email_error.set(None);
                asking_password.set(true);
            }
            Ok(valid) => {
                email_error.set(None);
                action.dispatch(LogIn {
                    email: valid.to_string(),
                    password: password.get_untracked(),
                });
            }
        }
    };
    view! {
        <div class="narrow">
            <h1>"Log In"</h1>
            <form on:submit=on_submit novalidate>
                <ErrorSummary error=Signal::derive(server_error) />
                <Field
                    label="Email Address"
                    value=email
                    input_type="email"
                    autocomplete="username"
                    error=Signal::derive(move || {
                        email_error.get().or_else(|| server_error().and_then(|e| e.field_messages("email").into_iter().next()))
                    })
                />
                <Show when=move || asking_password.get()>
                    <Field label="Password" value=password input_type="password" autocomplete="current-password" autofocus=true />
                </Show>
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    {move || if asking_password.get() { "Log In" } else { "Next" }}
                </button>
            </form>
            <p><a href="/password/forgot">"Forgot Password?"</a></p>
            <Suspense>
                <p><a href="/join">{move || format!("Join {} Provider Portal", program())}</a></p>
            </Suspense>
            <p><a href="/register">"Register as a New User"</a></p>
        </div>
    }
}

#[component]
pub fn SelectOrganizationPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let action = ServerAction::<SwitchOrganization>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to("/");
        }
    });
    let organizations = move || {
        session
            .get()
            .and_then(|s| s.ok())
            .and_then(|s| s.user)
            .map(|u| u.organizations)
            .unwrap_or_default()
    };
    view! {
        <div class="narrow">
            <h1>"Select an organization"</h1>
            <ErrorSummary error=Signal::derive(move || action.value().get().and_then(Result::err)) />
            <Suspense>
            <ul class="choices">
                <For each=organizations key=|o| o.id let:org>
                    <li>
                        <button class="button" on:click=move |_| { action.dispatch(SwitchOrganization { organization_id: org.id }); }>
                            {org.name.clone()}
                        </button>
                    </li>
                </For>
            </ul>
            </Suspense>
        </div>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let action = ServerAction::<LogOut>::new();
    Effect::new(move |_| {
        if action.value().get().is_some() {
            go_to("/login");
        }
    });
    view! {
        <button class="button link" on:click=move |_| { action.dispatch(LogOut {}); }>"Sign Out"</button>
    }
}
