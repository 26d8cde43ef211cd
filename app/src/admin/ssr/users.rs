//! "User Management", "Add a User", the user's page and its "Deactivate User"/"Reactivate
//! User", and the daily deactivation of users whose permissions were never assigned.

use super::{member, notify_admins, record_change, repo, status_label, LAST_ADMIN};
use crate::admin::{ChangeRow, NewUser, UserDetail, UserRow};
use crate::domain::permissions::OrgRole;
use crate::domain::{check_names, Email, Phone, Whose};
use crate::error::{AppError, Checker};
use crate::ssr::clock::DAY;
use crate::ssr::db::on_unique;
use crate::ssr::guard::Admin;
use crate::ssr::password_links::{self, LinkPurpose};
use crate::ssr::repo::notifications::Notice;
use crate::ssr::repo::{changes, memberships, users};
use crate::ssr::AppState;
use crate::ssr::{messages, outbox};

pub async fn list_users(admin: Admin, search: String) -> Result<Vec<UserRow>, AppError> {
    let rows = repo::users(
        &mut *admin.state.db.conn().await?,
        admin.organization_id(),
        &search,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let role = OrgRole::parse(&row.org_role);
            UserRow {
                id: row.id,
                name: format!("{} {}", row.first_name, row.last_name),
                email: row.email,
                role: match row.role_preset {
                    Some(p) if role != OrgRole::None => format!("{} ({p})", role.label()),
                    Some(p) => p,
                    None => role.label().to_string(),
                },
                status: status_label(&row.status, row.invited == 1).to_string(),
            }
        })
        .collect())
}

const ALREADY_OURS: &str =
    "This person is already a user of your organization. Find them in User Management.";
const SOMEONE_ELSES: &str = "This person already has a Provider Portal account. Ask them to request access to your organization under “My Collections” in their profile, then accept it in your Task List.";

pub async fn add_user(Admin { caller, org }: Admin, form: NewUser) -> Result<i64, AppError> {
    let state = &caller.state;
    let mut check = Checker::new();
    let email = check.check("email", Email::parse(&form.email));
    check_names(
        &mut check,
        &form.first_name,
        &form.last_name,
        Whose::Someone,
    );
    let mobile = check.check("mobile", Phone::parse(&form.mobile));
    let business = if form.business.trim().is_empty() {
        None
    } else {
        check.check("business", Phone::parse(&form.business))
    };
    check.finish()?;
    let (email, mobile) = (email.expect("checked"), mobile.expect("checked"));
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let (user_id, new_account) = match users::id_by_email(&mut tx, email.as_str()).await? {
        Some(user_id) => {
            match repo::membership_status(&mut tx, org.organization_id, user_id)
                .await?
                .as_deref()
            {
                // Someone who worked here before comes back, starting from no permissions.
                Some("removed") => repo::rejoin(&mut tx, now, org.organization_id, user_id).await?,
                Some(_) => return Err(AppError::field("email", ALREADY_OURS)),
                // An account of someone else's: joining an office is their request to make,
                // never an administrator's decision alone.
                None => return Err(AppError::field("email", SOMEONE_ELSES)),
            }
            (user_id, false)
        }
        None => {
            let account = repo::NewAccount {
                email: email.as_str(),
                first_name: form.first_name.trim(),
                last_name: form.last_name.trim(),
                phone: mobile.as_str(),
                business_phone: business.as_ref().map(Phone::as_str),
            };
            // Created meanwhile by someone else: the same answer as if it had been there.
            let user_id = repo::insert_user(&mut tx, now, account)
                .await
                .map_err(|e| {
                    on_unique(
                        e,
                        &["users_email_unique", "users.email"],
                        "email",
                        SOMEONE_ELSES,
                    )
                })?;
            repo::insert_membership(&mut tx, now, org.organization_id, user_id).await?;
            (user_id, true)
        }
    };
    repo::restore_domain(&mut tx, org.organization_id, email.domain()).await?;
    record_change(
        &mut tx,
        now,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "user.add",
        "",
        &format!(
            "Added {} {} <{}>",
            form.first_name.trim(),
            form.last_name.trim(),
            email
        ),
        "",
        caller.ip.clone(),
    )
    .await?;
    tx.commit().await?;
    if new_account {
        password_links::send(state, user_id, email.as_str(), LinkPurpose::Invitation).await?;
    } else {
        let program = &state.settings.program_name;
        outbox::email(
            &state.db,
            &state.settings,
            now,
            email.as_str(),
            messages::added_to_office(
                program,
                &caller.full_name(),
                &org.name,
                state.settings.link("/login"),
            ),
        )
        .await?;
    }
    Ok(user_id)
}

pub async fn resend_invitation(Admin { caller, org }: Admin, user_id: i64) -> Result<(), AppError> {
    let m = member(&caller.state, org.organization_id, user_id).await?;
    if !m.invited {
        return Err(AppError::Conflict(
            "This user has already registered.".into(),
        ));
    }
    // Sending a new link voids the old one.
    password_links::send(&caller.state, user_id, &m.email, LinkPurpose::Invitation).await?;
    record_change(
        &mut *caller.state.db.conn().await?,
        caller.state.clock.unix(),
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "user.invitation_resend",
        "",
        "Registration email sent again",
        "",
        caller.ip.clone(),
    )
    .await
}

pub async fn user_detail(
    Admin { caller, org }: Admin,
    user_id: i64,
) -> Result<UserDetail, AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let mut conn = state.db.conn().await?;
    let phone = users::phone(&mut conn, user_id).await?.flatten();
    let pending_email =
        repo::pending_email(&mut conn, state.clock.unix(), org.organization_id, user_id).await?;
    let history = changes::history(&mut conn, org.organization_id, user_id)
        .await?
        .into_iter()
        .map(|c| ChangeRow {
            at: state.settings.calendar.format_date_time(c.at),
            by: match (c.first_name, c.last_name) {
                (Some(f), Some(l)) => format!("{f} {l}"),
                _ => format!("{} (automatic)", state.settings.program_name),
            },
            action: action_label(&c.action).to_string(),
            before: c.before_value,
            after: c.after_value,
            reason: c.reason,
        })
        .collect();
    let npis = repo::npis(&mut conn, org.organization_id).await?;
    drop(conn);
    caller
        .audit("user.view", format!("user:{user_id}"))
        .org(org.organization_id)
        .record(&caller.state.db)
        .await?;
    Ok(UserDetail {
        id: user_id,
        name: m.name,
        email: m.email,
        phone: phone.unwrap_or_default(),
        status: status_label(&m.status, m.invited).to_string(),
        deactivated: m.status == "deactivated",
        invited: m.invited,
        awaiting_permissions: m.awaiting_permissions,
        pending_email,
        npis,
        set: super::current_set(state, m.membership_id).await?,
        history,
    })
}

fn action_label(action: &str) -> &'static str {
    match action {
        "user.add" => "User added",
        "user.invitation_resend" => "Registration email sent again",
        "permission.change" => "Permissions changed",
        "user.deactivate" => "User deactivated",
        "user.reactivate" => "User reactivated",
        "user.auto_deactivate" => "Deactivated: permissions never assigned",
        "user.email_change_request" => "Email change requested",
        "user.email_change" => "Email changed",
        "user.verify" => "User verified",
        "user.remove" => "User removed",
        _ => "Change",
    }
}

pub async fn set_active(
    Admin { caller, org }: Admin,
    user_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let now = state.clock.unix();
    let mut tx = memberships::lock_organization(&state.db, org.organization_id).await?;
    if active {
        if m.status != "deactivated" {
            return Err(AppError::Conflict("This user is already active.".into()));
        }
        repo::reactivate(&mut tx, now, m.membership_id).await?;
    } else {
        if m.status != "active" {
            return Err(AppError::Conflict(
                "This user is already deactivated.".into(),
            ));
        }
        if m.org_role == OrgRole::Admin
            && memberships::last_admin(&mut tx, org.organization_id, user_id).await?
        {
            return Err(AppError::Conflict(LAST_ADMIN.into()));
        }
        memberships::deactivate(&mut tx, now, m.membership_id, user_id, org.organization_id)
            .await?;
    }
    let (before, after) = if active {
        ("Deactivated", "Active")
    } else {
        ("Active", "Deactivated")
    };
    record_change(
        &mut tx,
        now,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        if active {
            "user.reactivate"
        } else {
            "user.deactivate"
        },
        before,
        after,
        "",
        caller.ip.clone(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates users added more than `unassigned_user_days` ago whose permissions were never
/// assigned, and tells their organization's admins. Safe to run on several instances at
/// once and as often as wanted; answers how many it deactivated.
pub async fn deactivate_unassigned(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.unix();
    let days = state.settings.unassigned_user_days;
    let cutoff = now - days * DAY;
    let due = repo::unassigned_since(&mut *state.db.conn().await?, cutoff).await?;
    let mut deactivated = 0;
    for row in due {
        let mut tx = state.db.begin().await?;
        if !repo::deactivate_if_unassigned(&mut tx, now, row.id, cutoff).await? {
            continue;
        }
        memberships::end_sessions(&mut tx, row.user_id, row.organization_id).await?;
        record_change(
            &mut tx,
            now,
            row.organization_id,
            row.user_id,
            None,
            "user.auto_deactivate",
            "Active",
            &format!("Deactivated: no permissions were assigned within {days} days"),
            "",
            None,
        )
        .await?;
        tx.commit().await?;
        deactivated += 1;
        let body = format!(
            "{} {} was deactivated because no permissions were assigned within {days} days of being added. Reactivate the user and assign permissions to restore access.",
            row.first_name, row.last_name
        );
        // Not opt-in user activity: the office lost a user it meant to have.
        notify_admins(
            state,
            row.organization_id,
            None,
            Notice {
                kind: "access",
                title: "User deactivated",
                body: &body,
                link: &format!("/admin/users/{}", row.user_id),
            },
        )
        .await?;
    }
    Ok(deactivated)
}
