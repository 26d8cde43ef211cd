//! The "Task List" (guide 004 §III): the office's pending access requests, accepted with a role,
//! security settings and position, or declined with a reason; either way the requester is told.

use super::{record_change, repo};
use crate::admin::tasks::{Decision, TaskDetail, TaskRow};
use crate::domain::permissions::{check_position, NpiLevel, OrgRole, RolePreset};
use crate::error::{AppError, Checker};
use crate::ssr::db::on_unique;
use crate::ssr::guard::Admin;
use crate::ssr::password_links::{self, LinkPurpose};
use crate::ssr::repo::grants;
use crate::ssr::{messages, outbox, AppState};

fn task_row(state: &AppState, t: &repo::Task) -> TaskRow {
    TaskRow {
        id: t.id,
        name: format!("{} {}", t.first_name, t.last_name),
        email: t.email.clone(),
        provider: format!("{} (NPI {})", t.provider, t.npi),
        submitted: state
            .settings
            .calendar
            .format_date(t.submitted_at.unwrap_or_default()),
        existing_user: t.user_id.is_some(),
    }
}

pub async fn tasks(admin: Admin) -> Result<Vec<TaskRow>, AppError> {
    let rows = repo::tasks(&mut *admin.state.db.conn().await?, admin.organization_id()).await?;
    Ok(rows.iter().map(|t| task_row(&admin.state, t)).collect())
}

pub async fn task(admin: Admin, id: i64) -> Result<TaskDetail, AppError> {
    let t = repo::task(
        &mut *admin.state.db.conn().await?,
        admin.organization_id(),
        id,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(TaskDetail {
        row: task_row(&admin.state, &t),
        mobile: t.mobile,
        provider_address: t.provider_address,
        position: t.position,
        position_other: t.position_other.unwrap_or_default(),
    })
}

const TAKEN: &str = "An account with this email was created since the request. Ask the person to use “My Collections”.";

pub async fn decide(
    Admin { caller, org }: Admin,
    id: i64,
    decision: Decision,
) -> Result<(), AppError> {
    let organization_id = org.organization_id;
    let state = &caller.state;
    let t = repo::task(&mut *state.db.conn().await?, organization_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
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
        // The reason is emailed to the requester: no links in the plan's emails.
        let lower = reason.to_lowercase();
        if ["://", "www.", "http"].iter().any(|l| lower.contains(l)) {
            return Err(AppError::field(
                "reason",
                "Leave web addresses out of the reason.",
            ));
        }
        // Decided once: another administrator may have been quicker.
        let mut tx = state.db.begin().await?;
        if !repo::decline(&mut tx, now, id, caller.user_id, reason).await? {
            return Err(AppError::NotFound);
        }
        caller
            .audit("access_request.decline", format!("access_request:{id}"))
            .org(organization_id)
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        outbox::email(
            &state.db,
            &state.settings,
            now,
            &t.email,
            messages::request_declined(&program, &t.office, reason),
        )
        .await?;
        return Ok(());
    }
    if t.access_agreement_at.is_none() {
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
    let (preset, modules) =
        RolePreset::resolve(RolePreset::CustomSetup, decision.preset, &decision.modules);
    // The Local Office Administrator role makes the user an Org Admin.
    let role = if preset == RolePreset::LocalOfficeAdministrator {
        OrgRole::Admin
    } else {
        OrgRole::Processor
    };
    let position_other =
        (decision.position == "Other").then(|| decision.position_other.trim().to_string());
    let new_role = repo::Role {
        org_role: role.as_str().to_string(),
        role_preset: Some(preset.label().to_string()),
        position: Some(decision.position.clone()),
        position_other: position_other.clone(),
    };
    let mut tx = state.db.begin().await?;
    let user_id = match t.user_id {
        Some(user_id) => user_id,
        None => repo::insert_requester(&mut tx, now, &t)
            .await
            .map_err(|e| {
                match on_unique(e, &["users_email_unique", "users.email"], "email", TAKEN) {
                    AppError::Validation(_) => AppError::Conflict(TAKEN.into()),
                    other => other,
                }
            })?,
    };
    let membership_id = match repo::membership(&mut tx, organization_id, user_id).await? {
        Some((_, status)) if status == "active" => {
            return Err(AppError::Conflict(
                "This person is already an active user of your office.".into(),
            ));
        }
        Some((membership_id, _)) => {
            repo::readmit(&mut tx, now, membership_id, &new_role).await?;
            membership_id
        }
        None => repo::admit(&mut tx, now, organization_id, user_id, &new_role).await?,
    };
    // The provider asked for, as a Processor; the admin can widen it in the wizard.
    let granted = grants::Grants {
        npis: [(t.provider_id, NpiLevel::Processor)].into(),
        correspondence: Default::default(),
        modules,
    };
    grants::replace(&mut tx, membership_id, &granted).await?;
    // Decided by another administrator meanwhile: nothing of this one is kept.
    if !repo::accept(&mut tx, now, id, caller.user_id, user_id).await? {
        return Err(AppError::NotFound);
    }
    let position = position_other.clone().unwrap_or(decision.position.clone());
    record_change(
        &mut tx,
        now,
        organization_id,
        user_id,
        Some(caller.user_id),
        "access_request.accept",
        "",
        &format!(
            "Accepted as {} ({}); position {position}",
            preset.label(),
            role.label()
        ),
        "",
        caller.ip.clone(),
    )
    .await?;
    tx.commit().await?;
    if t.user_id.is_none() {
        // The accepted requester sets a password from this link (then a passcode, as always).
        password_links::send(state, user_id, &t.email, LinkPurpose::Registration).await?;
    } else {
        outbox::email(
            &state.db,
            &state.settings,
            now,
            &t.email,
            messages::request_accepted(&program, &t.office),
        )
        .await?;
    }
    Ok(())
}
