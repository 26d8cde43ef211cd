//! "Verify Users" (guide 004 §IV–VI): confirm each user's role and settings, remove those
//! who left, and confirm the whole list to restart the 60 days.

use crate::auth::{PageAccess, Require};
use crate::domain::verification::VerifyState;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Admin};
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
    ssr::summary_for_caller(admin).await
}

#[server(endpoint = "admin/verify")]
pub async fn load_verify_list() -> Result<VerifyData, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    ssr::data(admin).await
}

#[server(endpoint = "admin/verify/user")]
pub async fn verify_user(user_id: i64) -> Result<(), AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    ssr::verify_user(admin, user_id).await
}

#[server(endpoint = "admin/verify/confirm")]
pub async fn confirm_verification() -> Result<String, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    ssr::confirm(admin).await
}

#[server(endpoint = "admin/users/remove")]
pub async fn remove_user(
    user_id: i64,
    separation_date: String,
    reason: String,
) -> Result<(), AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    ssr::remove(admin, user_id, separation_date, reason).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::admin::ssr::{member, record_change, LAST_ADMIN};
    use crate::domain::permissions::OrgRole;
    use crate::domain::verification::{days_left_at, lapsed, state};
    use crate::domain::UsDate;
    use crate::error::Checker;
    use crate::ssr::AppState;
    use sqlx::Row;

    /// The organization's verification: days left, and whether it lapsed.
    pub async fn summary(
        state_: &AppState,
        organization_id: i64,
    ) -> Result<(VerifySummary, Option<i64>), AppError> {
        let row = sqlx::query(
            "SELECT verified_at, registered_at, suspended_at, verification_submitted_at FROM organizations WHERE id = $1",
        )
        .bind(organization_id)
        .fetch_one(&state_.db.pool)
        .await?;
        let (verified_at, registered_at, suspended_at): (Option<i64>, Option<i64>, Option<i64>) = (
            row.try_get("verified_at")?,
            row.try_get("registered_at")?,
            row.try_get("suspended_at")?,
        );
        let now = state_.clock.unix();
        let tz = &state_.settings.calendar;
        let days_left = days_left_at(verified_at, registered_at, now, tz);
        Ok((
            VerifySummary {
                days_left,
                state: state(days_left),
                lapsed: lapsed(verified_at, registered_at, suspended_at, now, tz),
                submitted: row
                    .try_get::<Option<i64>, _>("verification_submitted_at")?
                    .is_some(),
            },
            verified_at.or(registered_at),
        ))
    }

    pub async fn summary_for_caller(
        Admin { caller, org }: Admin,
    ) -> Result<VerifySummary, AppError> {
        Ok(summary(&caller.state, org.organization_id).await?.0)
    }

    pub async fn data(Admin { caller, org }: Admin) -> Result<VerifyData, AppError> {
        let state_ = &caller.state;
        let (summary, cycle_start) = summary(state_, org.organization_id).await?;
        let rows = sqlx::query(
            "SELECT u.id, u.first_name, u.last_name, u.email, m.org_role, m.role_preset, m.position, m.position_other, m.verified_at \
             FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = $1 AND m.status = 'active' ORDER BY u.last_name, u.first_name, u.id",
        )
        .bind(org.organization_id)
        .fetch_all(&state_.db.pool)
        .await?;
        let users = rows
            .into_iter()
            .map(|r| {
                let role = OrgRole::parse(&r.try_get::<String, _>("org_role")?);
                let preset: Option<String> = r.try_get("role_preset")?;
                let position: Option<String> = r.try_get("position")?;
                let other: Option<String> = r.try_get("position_other")?;
                let verified_at: Option<i64> = r.try_get("verified_at")?;
                Ok(VerifyRow {
                    id: r.try_get("id")?,
                    name: crate::ssr::db::full_name(&r)?,
                    email: r.try_get("email")?,
                    role: match preset {
                        Some(p) => format!("{}: {p}", role.label()),
                        None => role.label().to_string(),
                    },
                    position: match (position.as_deref(), other) {
                        (Some("Other"), Some(o)) => o,
                        (Some(p), _) => p.to_string(),
                        _ => "Not set".into(),
                    },
                    verified: verified_in_cycle(verified_at, cycle_start),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(VerifyData { summary, users })
    }

    /// Verified since the last complete verification of the office.
    fn verified_in_cycle(verified_at: Option<i64>, cycle_start: Option<i64>) -> bool {
        match (verified_at, cycle_start) {
            (Some(v), Some(start)) => v > start,
            (Some(_), None) => true,
            _ => false,
        }
    }

    pub async fn verify_user(Admin { caller, org }: Admin, user_id: i64) -> Result<(), AppError> {
        let m = member(&caller.state, org.organization_id, user_id).await?;
        if m.status != "active" {
            return Err(AppError::Conflict("Only active users are verified.".into()));
        }
        sqlx::query("UPDATE memberships SET verified_at = $1 WHERE id = $2")
            .bind(caller.state.clock.unix())
            .bind(m.membership_id)
            .execute(&caller.state.db.pool)
            .await?;
        record_change(
            &caller.state,
            org.organization_id,
            user_id,
            Some(caller.user_id),
            "user.verify",
            "",
            "Role and settings verified",
            "",
            caller.ip.clone(),
        )
        .await
    }

    pub async fn confirm(Admin { caller, org }: Admin) -> Result<String, AppError> {
        let state_ = &caller.state;
        let (summary, cycle_start) = summary(state_, org.organization_id).await?;
        let pending: Vec<Option<i64>> = sqlx::query_scalar(
            "SELECT verified_at FROM memberships WHERE organization_id = $1 AND status = 'active'",
        )
        .bind(org.organization_id)
        .fetch_all(&state_.db.pool)
        .await?;
        let left = pending
            .iter()
            .filter(|v| !verified_in_cycle(**v, cycle_start))
            .count();
        if left > 0 {
            return Err(AppError::Conflict(format!(
                "Verify every user before confirming: {left} left. Use “Save & Close” to finish later."
            )));
        }
        let now = state_.clock.unix();
        let message = if summary.lapsed {
            sqlx::query("UPDATE organizations SET verification_submitted_at = $1 WHERE id = $2")
                .bind(now)
                .bind(org.organization_id)
                .execute(&state_.db.pool)
                .await?;
            "Your users are verified. Access returns for everyone when the plan reinstates your office.".to_string()
        } else {
            sqlx::query("UPDATE organizations SET verified_at = $1, verification_submitted_at = NULL WHERE id = $2")
                .bind(now)
                .bind(org.organization_id)
                .execute(&state_.db.pool)
                .await?;
            format!(
                "Your users are verified. Days Left To Verify: {}.",
                crate::domain::verification::VERIFY_EVERY_DAYS
            )
        };
        caller
            .audit(
                Some(org.organization_id),
                "organization.verify_users",
                format!("organization:{}", org.organization_id),
                format!("{} users", pending.len()),
            )
            .await?;
        Ok(message)
    }

    pub async fn remove(
        Admin { caller, org }: Admin,
        user_id: i64,
        separation_date: String,
        reason: String,
    ) -> Result<(), AppError> {
        let state_ = &caller.state;
        let m = member(state_, org.organization_id, user_id).await?;
        let mut check = Checker::new();
        let date = check.check("separation_date", UsDate::parse(&separation_date));
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            check.add("reason", "Enter the reason the user is being removed.");
        } else if reason.chars().count() > 500 {
            check.add("reason", "Use at most 500 characters.");
        }
        check.finish()?;
        let date = date.expect("checked");
        let now = state_.clock.unix();
        let mut tx = crate::admin::ssr::lock_organization(state_, org.organization_id).await?;
        if m.org_role == OrgRole::Admin
            && m.status == "active"
            && crate::admin::ssr::last_admin(&mut tx, org.organization_id, user_id).await?
        {
            return Err(AppError::Conflict(LAST_ADMIN.into()));
        }
        for table in [
            "npi_permissions",
            "correspondence_permissions",
            "module_permissions",
            "permission_drafts",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE membership_id = $1"))
                .bind(m.membership_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE memberships SET status = 'removed', org_role = 'none', separation_date = $1, removal_reason = $2, \
             awaiting_permissions_since = NULL, updated_at = $3 WHERE id = $4",
        )
        .bind(date.iso())
        .bind(&reason)
        .bind(now)
        .bind(m.membership_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND organization_id = $2")
            .bind(user_id)
            .bind(org.organization_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        record_change(
            state_,
            org.organization_id,
            user_id,
            Some(caller.user_id),
            "user.remove",
            &m.status,
            &format!("Removed; separation date {date}"),
            &reason,
            caller.ip.clone(),
        )
        .await
    }
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
                <ErrorSummary error=Signal::derive(move || remove_error().filter(|e| !matches!(e, AppError::Validation(_)))) />
                <Field label="Separation Date" value=separation input_type="date" error=remove_field("separation_date") />
                <Field label="Reason" value=reason error=remove_field("reason") />
                <button type="submit" class="button primary">"Remove"</button>
            </form>
        </Modal>
    }
}
