//! "Verify Users" (guide 004 §IV): every user's role and settings confirmed every 60 days, or
//! the office loses access until the plan reinstates it.

use super::{member, record_change, repo, LAST_ADMIN};
use crate::admin::verify::{VerifyData, VerifyRow, VerifySummary};
use crate::domain::permissions::OrgRole;
use crate::domain::verification::{days_left_at, lapsed, state};
use crate::domain::UsDate;
use crate::error::{AppError, Checker};
use crate::ssr::guard::Admin;
use crate::ssr::repo::memberships;
use crate::ssr::AppState;

/// The organization's verification: days left, whether it lapsed, and when the current cycle
/// began (the last verification, or the registration).
pub async fn summary(
    app: &AppState,
    organization_id: i64,
) -> Result<(VerifySummary, Option<i64>), AppError> {
    let v = repo::verification(&mut *app.db.conn().await?, organization_id).await?;
    let now = app.clock.unix();
    let calendar = &app.settings.calendar;
    let days_left = days_left_at(v.verified_at, v.registered_at, now, calendar);
    let summary = VerifySummary {
        days_left,
        state: state(days_left),
        lapsed: lapsed(
            v.verified_at,
            v.registered_at,
            v.suspended_at,
            now,
            calendar,
        ),
        submitted: v.verification_submitted_at.is_some(),
    };
    Ok((summary, v.verified_at.or(v.registered_at)))
}

pub async fn summary_for_caller(admin: Admin) -> Result<VerifySummary, AppError> {
    Ok(summary(&admin.state, admin.organization_id()).await?.0)
}

pub async fn data(admin: Admin) -> Result<VerifyData, AppError> {
    let (summary, cycle_start) = summary(&admin.state, admin.organization_id()).await?;
    let rows =
        repo::users_to_verify(&mut *admin.state.db.conn().await?, admin.organization_id()).await?;
    let users = rows
        .into_iter()
        .map(|r| {
            let role = OrgRole::parse(&r.org_role);
            VerifyRow {
                id: r.id,
                name: format!("{} {}", r.first_name, r.last_name),
                email: r.email,
                role: match r.role_preset {
                    Some(p) => format!("{}: {p}", role.label()),
                    None => role.label().to_string(),
                },
                position: match (r.position.as_deref(), r.position_other) {
                    (Some("Other"), Some(o)) => o,
                    (Some(p), _) => p.to_string(),
                    _ => "Not set".into(),
                },
                verified: verified_in_cycle(r.verified_at, cycle_start),
            }
        })
        .collect();
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
    let now = caller.state.clock.unix();
    let mut tx = caller.state.db.begin().await?;
    repo::mark_verified(&mut tx, now, m.membership_id).await?;
    record_change(
        &mut tx,
        now,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "user.verify",
        "",
        "Role and settings verified",
        "",
        caller.ip.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn confirm(Admin { caller, org }: Admin) -> Result<(), AppError> {
    let app = &caller.state;
    let (summary, cycle_start) = summary(app, org.organization_id).await?;
    let mut conn = app.db.conn().await?;
    let users = repo::users_to_verify(&mut conn, org.organization_id).await?;
    let left = users
        .iter()
        .filter(|u| !verified_in_cycle(u.verified_at, cycle_start))
        .count();
    if left > 0 {
        return Err(AppError::Conflict(format!(
            "Verify every user before confirming: {left} left. Use “Save & Close” to finish later."
        )));
    }
    let now = app.clock.unix();
    drop(conn);
    let mut tx = app.db.begin().await?;
    if summary.lapsed {
        repo::submit_verification(&mut tx, now, org.organization_id).await?;
    } else {
        repo::complete_verification(&mut tx, now, org.organization_id).await?;
    }
    caller
        .audit(
            "organization.verify_users",
            format!("organization:{}", org.organization_id),
        )
        .org(org.organization_id)
        .detail(format!("{} users", users.len()))
        .record_in(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(
    Admin { caller, org }: Admin,
    user_id: i64,
    separation_date: String,
    reason: String,
) -> Result<(), AppError> {
    let app = &caller.state;
    let m = member(app, org.organization_id, user_id).await?;
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
    let now = app.clock.unix();
    let mut tx = memberships::lock_organization(&app.db, org.organization_id).await?;
    if m.org_role == OrgRole::Admin
        && m.status == "active"
        && memberships::last_admin(&mut tx, org.organization_id, user_id).await?
    {
        return Err(AppError::Conflict(LAST_ADMIN.into()));
    }
    repo::remove_member(&mut tx, now, m.membership_id, &date.iso(), &reason).await?;
    memberships::end_sessions(&mut tx, user_id, org.organization_id).await?;
    record_change(
        &mut tx,
        now,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "user.remove",
        &m.status,
        &format!("Removed; separation date {date}"),
        &reason,
        caller.ip.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
