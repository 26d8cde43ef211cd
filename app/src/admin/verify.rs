//! "Verify Users" (guide 004 §IV–VI): confirm each user's role and settings, remove those
//! who left, and confirm the whole list to restart the 60 days.

use crate::auth::{PageAccess, Require};
use crate::domain::verification::VerifyState;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{
    action_error, field_errors, page_resource, query_dialog, Column, DataTable, ErrorSummary,
    Field, Modal, PostButton,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
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

/// "Confirm": every user is verified; the page says so (`?confirmed=1`).
#[server(endpoint = "admin/verify/confirm")]
pub async fn confirm_verification() -> Result<String, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    super::ssr::verify::confirm(admin).await?;
    let done = "/admin/verify?confirmed=1".to_string();
    Ok(crate::ssr::follow(&done))
}

/// "Remove" in the dialog; back on the list, the page says so (`?removed=1`).
#[server(endpoint = "admin/users/remove")]
pub async fn remove_user(
    user_id: i64,
    separation_date: String,
    reason: String,
) -> Result<String, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    super::ssr::verify::remove(admin, user_id, separation_date, reason).await?;
    let done = "/admin/verify?removed=1".to_string();
    Ok(crate::ssr::follow(&done))
}

/// The "Verify Users" link of User Management, with the days left and its colour.
#[component]
pub fn VerifyUsersButton() -> impl IntoView {
    let summary = page_resource(
        || (),
        |_| crate::ui::once_per_page("verify summary", load_verify_summary()),
    );
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
    let data = page_resource(|| (), |_| load_verify_list());
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Verify Users"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <VerifyList data=d reload=Callback::new(move |_| data.refetch()) /> }.into_any(),
                        Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Suspense>
        </Require>
    }
}

/// The list: each row's "Edit" and "Remove" are GET forms (the wizard; the removal dialog, opened
/// by the address) and "Verify" posts at once, so every action works before the app loads.
#[component]
fn VerifyList(data: VerifyData, reload: Callback<()>) -> impl IntoView {
    let navigate = StoredValue::new(use_navigate());
    let query = use_query_map();
    let verify = ServerAction::<VerifyUser>::new();
    let confirm = ServerAction::<ConfirmVerification>::new();
    let remove = ServerAction::<RemoveUser>::new();
    let (remove_open, removing) = query_dialog("remove");
    let separation = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = verify.value().get() {
            reload.run(());
        }
    });
    for done in [remove.value(), confirm.value()] {
        Effect::new(move |_| {
            if let Some(Ok(to)) = done.get() {
                navigate.with_value(|n| n(&to, Default::default()));
                reload.run(());
            }
        });
    }
    let remove_error = action_error(remove);
    let remove_field = field_errors(move || remove_error.get());
    let verify_error = action_error(verify);
    let confirm_error = action_error(confirm);
    let s = data.summary.clone();
    let all_verified = data.users.iter().all(|u| u.verified);
    let state_class = match s.state {
        VerifyState::Current => "verify-current",
        VerifyState::DueSoon => "verify-due",
        VerifyState::Expired => "verify-expired",
    };
    let names: Vec<(i64, String)> = data.users.iter().map(|u| (u.id, u.name.clone())).collect();
    let removing = Signal::derive(move || {
        let id = removing.get()?.parse::<i64>().ok()?;
        names.iter().find(|(i, _)| *i == id).cloned()
    });
    let confirmed = if s.lapsed {
        "Your users are verified. Access returns for everyone when the plan reinstates your office."
            .to_string()
    } else {
        format!(
            "Your users are verified. Days Left To Verify: {}.",
            s.days_left
        )
    };
    let notice = move || {
        query.with(|q| {
            if q.get("removed").is_some() {
                Some("The user was removed from your organization.".to_string())
            } else if q.get("confirmed").is_some() {
                Some(confirmed.clone())
            } else {
                None
            }
        })
    };
    let columns = move || {
        vec![
            Column::text("Name", |u: &VerifyRow| u.name.clone()),
            Column::text("Email", |u: &VerifyRow| u.email.clone()),
            Column::new("Role", move |u: &VerifyRow| {
                let (role, to, label) = (
                    u.role.clone(),
                    format!("/admin/users/{}/permissions", u.id),
                    format!("Edit {}", u.name),
                );
                view! {
                    <span>{role}" "</span>
                    <Form method="GET" action=to attr:class="inline">
                        <input type="hidden" name="step" value="2" />
                        <button type="submit" class="button" aria-label=label>"Edit"</button>
                    </Form>
                }
                .into_any()
            }),
            Column::text("Position", |u: &VerifyRow| u.position.clone()),
            Column::new("Verify", move |u: &VerifyRow| {
                if u.verified {
                    view! { <span class="verified">"Verified"</span> }.into_any()
                } else {
                    view! {
                        <PostButton action=verify field=("user_id", u.id.to_string()) label="Verify"
                            aria_label=format!("Verify {}", u.name) />
                    }
                    .into_any()
                }
            }),
            Column::new("Remove", move |u: &VerifyRow| {
                let (id, label) = (u.id.to_string(), format!("Remove {}", u.name));
                view! {
                    <Form method="GET" action="/admin/verify" attr:class="inline">
                        <button type="submit" class="button" name="remove" value=id
                            aria-label=label>"Remove"</button>
                    </Form>
                }
                .into_any()
            }),
        ]
    };
    view! {
        {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
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
        <ErrorSummary error=Signal::derive(move || verify_error.get().or_else(|| confirm_error.get())) />
        <DataTable caption="Users to verify" columns=columns() rows=Signal::stored(data.users.clone()) empty="No active users." />
        <div class="actions">
            <ActionForm action=confirm attr:class="inline">
                <button type="submit" class="button primary" disabled=move || !all_verified || confirm.pending().get()>"Confirm"</button>
            </ActionForm>
            <Form method="GET" action="/admin/users" attr:class="inline">
                <button type="submit" class="button">"Save & Close"</button>
            </Form>
        </div>
        <Modal open=remove_open title="Remove User" close_href="/admin/verify">
            <p>{move || removing.get().map(|(_, name)| format!("Remove {name} from your organization? They lose access at once."))}</p>
            <ActionForm action=remove attr:novalidate=true>
                <input type="hidden" name="user_id" value=move || removing.get().map(|(id, _)| id.to_string()) />
                <ErrorSummary error=remove_error beside_fields=true />
                <Field label="Separation Date" value=separation input_type="date" error=remove_field("separation_date") name="separation_date" />
                <Field label="Reason" value=reason error=remove_field("reason") name="reason" />
                <button type="submit" class="button primary">"Remove"</button>
            </ActionForm>
        </Modal>
    }
}
