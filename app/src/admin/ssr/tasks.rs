//! The "Task List" (guide 004 §III): the office's pending access requests, accepted with a role,
//! security settings and position, or declined with a reason; either way the requester is told.

use super::record_change;
use crate::admin::tasks::{Decision, TaskDetail, TaskRow};
use crate::domain::permissions::{check_position, NpiLevel, OrgRole, RolePreset};
use crate::error::{AppError, Checker};
use crate::ssr::guard::Admin;
use crate::ssr::password_links::{self, LinkPurpose};
use crate::ssr::repo::grants;
use crate::ssr::{outbox, AppState};
use sqlx::Row;

const TASK_SELECT: &str = "SELECT a.id, a.first_name, a.last_name, a.email, a.mobile, a.provider_address, a.position, a.position_other, \
     a.submitted_at, a.user_id, p.name AS provider, p.npi FROM access_requests a JOIN providers p ON p.id = a.provider_id";

fn task_row(state: &AppState, r: &sqlx::any::AnyRow) -> Result<TaskRow, sqlx::Error> {
    Ok(TaskRow {
        id: r.try_get("id")?,
        name: crate::ssr::db::full_name(r)?,
        email: r.try_get("email")?,
        provider: format!(
            "{} (NPI {})",
            r.try_get::<String, _>("provider")?,
            r.try_get::<String, _>("npi")?
        ),
        submitted: state.settings.calendar.format_date(
            r.try_get::<Option<i64>, _>("submitted_at")?
                .unwrap_or_default(),
        ),
        existing_user: r.try_get::<Option<i64>, _>("user_id")?.is_some(),
    })
}

pub async fn tasks(Admin { caller, org }: Admin) -> Result<Vec<TaskRow>, AppError> {
    let organization_id = org.organization_id;
    let rows = sqlx::query(&format!("{TASK_SELECT} WHERE a.organization_id = $1 AND a.status = 'pending' ORDER BY a.submitted_at, a.id"))
        .bind(organization_id)
        .fetch_all(&caller.state.db.pool)
        .await?;
    rows.iter()
        .map(|r| task_row(&caller.state, r))
        .collect::<Result<_, _>>()
        .map_err(Into::into)
}

pub async fn task(Admin { caller, org }: Admin, id: i64) -> Result<TaskDetail, AppError> {
    let organization_id = org.organization_id;
    let r = sqlx::query(&format!(
        "{TASK_SELECT} WHERE a.id = $1 AND a.organization_id = $2 AND a.status = 'pending'"
    ))
    .bind(id)
    .bind(organization_id)
    .fetch_optional(&caller.state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(TaskDetail {
        row: task_row(&caller.state, &r)?,
        mobile: r.try_get("mobile")?,
        provider_address: r.try_get("provider_address")?,
        position: r.try_get("position")?,
        position_other: r
            .try_get::<Option<String>, _>("position_other")?
            .unwrap_or_default(),
    })
}

pub async fn decide(
    Admin { caller, org }: Admin,
    id: i64,
    decision: Decision,
) -> Result<(), AppError> {
    let organization_id = org.organization_id;
    let state = &caller.state;
    let r = sqlx::query(
        "SELECT a.first_name, a.last_name, a.email, a.mobile, a.user_id, a.provider_id, o.name AS office, o.access_agreement_at \
         FROM access_requests a JOIN organizations o ON o.id = a.organization_id \
         WHERE a.id = $1 AND a.organization_id = $2 AND a.status = 'pending'",
    )
    .bind(id)
    .bind(organization_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let (first, last, email, mobile): (String, String, String, String) = (
        r.try_get("first_name")?,
        r.try_get("last_name")?,
        r.try_get("email")?,
        r.try_get("mobile")?,
    );
    let office: String = r.try_get("office")?;
    let program = state.settings.program_name.clone();
    let now = state.clock.unix();
    if !decision.accept {
        let reason = decision.reason.trim();
        if reason.is_empty() {
            return Err(AppError::field(
                "reason",
                "Enter the reason for declining the request.",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::field("reason", "Use at most 500 characters."));
        }
        let declined = sqlx::query("UPDATE access_requests SET status = 'declined', decided_by = $1, decided_at = $2, decline_reason = $3 WHERE id = $4 AND status = 'pending'")
            .bind(caller.user_id)
            .bind(now)
            .bind(reason)
            .bind(id)
            .execute(&state.db.pool)
            .await?;
        if declined.rows_affected() != 1 {
            return Err(AppError::NotFound);
        }
        outbox::email(
            &state.db,
            now,
            &email,
            format!("Your {program} Provider Portal access request"),
            format!("Your request for access to {office} on the {program} Provider Portal was declined. Reason: {reason}"),
            Vec::new(),
        )
        .await?;
        caller
            .audit(
                Some(organization_id),
                "access_request.decline",
                format!("access_request:{id}"),
                String::new(),
            )
            .await?;
        return Ok(());
    }
    if r.try_get::<Option<i64>, _>("access_agreement_at")?
        .is_none()
    {
        return Err(AppError::Conflict(format!(
            "{program} has not recorded your office's Provider Portal Access Agreement yet, so requests cannot be accepted. Return the signed agreement to {program}."
        )));
    }
    let mut check = Checker::new();
    if let Err((field, message)) = check_position(&decision.position, &decision.position_other) {
        check.add(field, message);
    }
    if decision.position.is_empty() {
        check.add("position", "Choose a position.");
    }
    check.finish()?;
    let modules = decision
        .preset
        .modules()
        .unwrap_or_else(|| decision.modules.clone());
    // The Local Office Administrator role makes the user an Org Admin.
    let role = if decision.preset == RolePreset::LocalOfficeAdministrator {
        OrgRole::Admin
    } else {
        OrgRole::Processor
    };
    let provider_id: i64 = r.try_get("provider_id")?;
    let existing: Option<i64> = r.try_get("user_id")?;
    let mut tx = state.db.pool.begin().await?;
    let user_id = match existing {
        Some(user_id) => user_id,
        None => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(AppError::Conflict("An account with this email was created since the request. Ask the person to use “My Collections”.".into()));
            }
            sqlx::query_scalar("INSERT INTO users (email, first_name, last_name, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(&email)
                .bind(&first)
                .bind(&last)
                .bind(&mobile)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    let previous: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM memberships WHERE user_id = $1 AND organization_id = $2",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(&mut *tx)
    .await?;
    let position_other =
        (decision.position == "Other").then(|| decision.position_other.trim().to_string());
    let membership_id: i64 = match previous {
        Some((_, status)) if status == "active" => {
            return Err(AppError::Conflict("This person is already an active user of your office.".into()));
        }
        Some((membership_id, _)) => {
            sqlx::query(
                "UPDATE memberships SET status = 'active', org_role = $1, role_preset = $2, position = $3, position_other = $4, \
                 awaiting_permissions_since = NULL, verified_at = NULL, separation_date = NULL, removal_reason = NULL, \
                 updated_at = $5 WHERE id = $6",
            )
            .bind(role.as_str())
            .bind(decision.preset.label())
            .bind(&decision.position)
            .bind(&position_other)
            .bind(now)
            .bind(membership_id)
            .execute(&mut *tx)
            .await?;
            membership_id
        }
        None => sqlx::query_scalar(
            "INSERT INTO memberships (user_id, organization_id, org_role, status, role_preset, position, position_other, created_at, updated_at) \
             VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(user_id)
        .bind(organization_id)
        .bind(role.as_str())
        .bind(decision.preset.label())
        .bind(&decision.position)
        .bind(&position_other)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?,
    };
    // The provider asked for, as a Processor; the admin can widen it in the wizard.
    let granted = grants::Grants {
        npis: [(provider_id, NpiLevel::Processor)].into(),
        correspondence: Default::default(),
        modules: modules.clone(),
    };
    grants::replace(&mut tx, membership_id, &granted).await?;
    let accepted = sqlx::query("UPDATE access_requests SET status = 'accepted', user_id = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'")
        .bind(user_id)
        .bind(caller.user_id)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Decided by another administrator meanwhile: nothing of this one is kept.
    if accepted.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    if existing.is_none() {
        // The accepted requester sets a password from this link (then a passcode, as always).
        password_links::send(state, user_id, &email, LinkPurpose::Registration).await?;
    } else {
        outbox::email(
            &state.db,
            now,
            &email,
            format!("Your {program} Provider Portal access request"),
            format!("Your request for access to {office} was accepted. Log in and choose it under \"Add or Switch Organization\"."),
            Vec::new(),
        )
        .await?;
    }
    let position = position_other.clone().unwrap_or(decision.position.clone());
    record_change(
        state,
        organization_id,
        user_id,
        Some(caller.user_id),
        "access_request.accept",
        "",
        &format!(
            "Accepted as {} ({}); position {position}",
            decision.preset.label(),
            role.label()
        ),
        "",
        caller.ip.clone(),
    )
    .await
}
