//! "Verify Users" (guide 004 §IV–VI): confirm each user's role and settings, remove those
//! who left, and confirm the whole list to restart the 60 days.

use crate::auth::{PageAccess, Require};
use crate::domain::verification::VerifyState;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{field_errors, Column, DataTable, ErrorSummary, Field, Modal, Toasts};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde::{Deserialize, Serialize};

/// Where the organization's verification stands, for the "Verify Users" button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifySummary {
    pub days_left: i64,
    pub state: VerifyState,
    /// Verification lapsed: only the plan can give the office its access back.
    pub lapsed: bool,
    /// Verified after the deadline, waiting for the plan to reinstate the office.
    pub submitted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub position: String,
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyData {
    pub summary: VerifySummary,
    pub users: Vec<VerifyRow>,
}

#[server(endpoint = "admin/verify/summary")]
pub async fn load_verify_summary() -> Result<VerifySummary, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    super::ssr::verify::summary_for_caller(admin).await
}

#[server(endpoint = "admin/verify")]
pub async fn load_verify_list() -> Result<VerifyData, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    super::ssr::verify::data(admin).await
}

#[server(endpoint = "admin/verify/user")]
pub async fn verify_user(user_id: i64) -> Result<(), AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    super::ssr::verify::verify_user(admin, user_id).await
}

#[server(endpoint = "admin/verify/confirm")]
pub async fn confirm_verification() -> Result<String, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    super::ssr::verify::confirm(admin).await
}

#[server(endpoint = "admin/users/remove")]
pub async fn remove_user(
    user_id: i64,
    separation_date: String,
    reason: String,
) -> Result<(), AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    super::ssr::verify::remove(admin, user_id, separation_date, reason).await
}

/// The "Verify Users" link of User Management, with the days left and its colour.
#[component]
pub fn VerifyUsersButton() -> impl IntoView {
    let summary = Resource::new(|| (), |_| load_verify_summary());
    view! {
        <Transition>
            {move || summary.get().and_then(Result::ok).map(|s| {
                let class = match s.state {
                    VerifyState::Current => "button verify-current",
                    VerifyState::DueSoon => "button verify-due",
                    VerifyState::Expired => "button verify-expired",
                };
                let left = if s.days_left < 0 { "Overdue".to_string() } else { format!("{} days left", s.days_left) };
                view! { <a class=class href="/admin/verify">"Verify Users " <span class="badge">{left}</span></a> }
            })}
        </Transition>
    }
}

#[component]
pub fn VerifyUsersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_verify_list());
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Verify Users"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok(d) => view! { <VerifyList data=d reload=Callback::new(move |_| data.refetch()) /> }.into_any(),
                    Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                })}
            </Suspense>
        </Require>
    }
}

#[component]
fn VerifyList(data: VerifyData, reload: Callback<()>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let navigate = StoredValue::new(use_navigate());
    let verify = ServerAction::<VerifyUser>::new();
    let confirm = ServerAction::<ConfirmVerification>::new();
    let remove = ServerAction::<RemoveUser>::new();
    let removing = RwSignal::new(None::<(i64, String)>);
    let remove_open = RwSignal::new(false);
    let separation = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = verify.value().get() {
            reload.run(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            remove_open.set(false);
            toasts.push("The user was removed from your organization.");
            reload.run(());
        }
    });
    let remove_error = move || remove.value().get().and_then(Result::err);
    let remove_field = field_errors(remove_error);
    let s = data.summary.clone();
    let all_verified = data.users.iter().all(|u| u.verified);
    let state_class = match s.state {
        VerifyState::Current => "verify-current",
        VerifyState::DueSoon => "verify-due",
        VerifyState::Expired => "verify-expired",
    };
    let columns = move || {
        vec![
            Column::text("Name", |u: &VerifyRow| u.name.clone()),
            Column::text("Email", |u: &VerifyRow| u.email.clone()),
            Column::new("Role", move |u: &VerifyRow| {
                let id = u.id;
                view! {
                    <span>{u.role.clone()}" "</span>
                    <button class="button" on:click=move |_| navigate.with_value(|n| n(&format!("/admin/users/{id}/permissions?step=2"), Default::default()))>"Edit"</button>
                }
                .into_any()
            }),
            Column::text("Position", |u: &VerifyRow| u.position.clone()),
            Column::new("Verify", move |u: &VerifyRow| {
                let id = u.id;
                if u.verified {
                    view! { <span class="verified">"Verified"</span> }.into_any()
                } else {
                    view! { <button class="button" on:click=move |_| { verify.dispatch(VerifyUser { user_id: id }); }>"Verify"</button> }.into_any()
                }
            }),
            Column::new("Remove", move |u: &VerifyRow| {
                let target = (u.id, u.name.clone());
                view! {
                    <button class="button" on:click=move |_| {
                        separation.set(String::new());
                        reason.set(String::new());
                        removing.set(Some(target.clone()));
                        remove_open.set(true);
                    }>"Remove"</button>
                }
                .into_any()
            }),
        ]
    };
    view! {
        <p class=format!("days-left {state_class}")>
            <strong>"Days Left To Verify: "</strong>
            {if s.days_left < 0 { "0 (overdue)".to_string() } else { s.days_left.to_string() }}
        </p>
        {s.lapsed.then(|| view! {
            <p class="error-summary" role="alert">{if s.submitted {
                "Your users are verified. Everyone else's access returns when the plan reinstates your office."
            } else {
                "Your office's access is suspended: its users cannot use the portal until you verify them and the plan reinstates your office."
            }}</p>
        })}
        <p>"Check each user's role, security settings and position. Select “Edit” to change them, “Remove” for someone who no longer works for your office, and “Verify” when they are right. When every user is verified, select “Confirm”."</p>
        <ErrorSummary error=Signal::derive(move || verify.value().get().and_then(Result::err).or_else(|| confirm.value().get().and_then(Result::err))) />
        <DataTable caption="Users to verify" columns=columns() rows=Signal::stored(data.users.clone()) empty="No active users." />
        {move || confirm.value().get().and_then(Result::ok).map(|m| view! { <p role="status">{m}</p> })}
        <div class="actions">
            <button class="button primary" disabled=move || !all_verified || confirm.pending().get() on:click=move |_| { confirm.dispatch(ConfirmVerification {}); }>"Confirm"</button>
            <button class="button" on:click=move |_| navigate.with_value(|n| n("/admin/users", Default::default()))>"Save & Close"</button>
        </div>
        <Modal open=remove_open title="Remove User">
            <p>{move || removing.get().map(|(_, name)| format!("Remove {name} from your organization? They lose access at once."))}</p>
            <form novalidate on:submit=move |ev| {
                ev.prevent_default();
                if let Some((id, _)) = removing.get_untracked() {
                    remove.dispatch(RemoveUser { user_id: id, separation_date: separation.get_untracked(), reason: reason.get_untracked() });
                }
            }>
                <ErrorSummary error=Signal::derive(remove_error) beside_fields=true />
                <Field label="Separation Date" value=separation input_type="date" error=remove_field("separation_date") />
                <Field label="Reason" value=reason error=remove_field("reason") />
                <button type="submit" class="button primary">"Remove"</button>
            </form>
        </Modal>
    }
}
