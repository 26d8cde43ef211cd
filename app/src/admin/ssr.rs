//! The administration repository: every query of the admin screens, each scoped to the
//! caller's organization.

use super::*;
use crate::correspondence::CORRESPONDENCE_TYPES;
use crate::domain::permissions::{check_position, Module, NpiLevel, OrgRole, RolePreset};
use crate::domain::{Email, Phone};
use crate::error::Checker;
use crate::ssr::clock::DAY;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{Admin, Visitor};
use crate::ssr::outbox;
use crate::ssr::password_links::{self, LinkPurpose};
use crate::ssr::{audit, crypto, session, AppState};
use sqlx::Row;

/// An email change waits 24 hours for the new address to confirm it.
pub const EMAIL_CHANGE_HOURS: i64 = 24;

/// A user's membership in the organization; 404 when they have none (or it was removed), so
/// nobody learns about users of other organizations.
pub struct Member {
    pub membership_id: i64,
    pub status: String,
    pub org_role: OrgRole,
    pub invited: bool,
    pub awaiting_permissions: bool,
    pub name: String,
    pub email: String,
}

pub async fn member(
    state: &AppState,
    organization_id: i64,
    user_id: i64,
) -> Result<Member, AppError> {
    let row = sqlx::query(
        "SELECT m.id, m.status, m.org_role, m.awaiting_permissions_since, CASE WHEN u.password_hash IS NULL THEN 1 ELSE 0 END AS invited, \
         u.first_name, u.last_name, u.email \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.user_id = $2 AND m.status <> 'removed'",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Member {
        membership_id: row.try_get("id")?,
        status: row.try_get("status")?,
        org_role: OrgRole::parse(&row.try_get::<String, _>("org_role")?),
        invited: row.try_get::<i64, _>("invited")? == 1,
        awaiting_permissions: row
            .try_get::<Option<i64>, _>("awaiting_permissions_since")?
            .is_some(),
        name: crate::ssr::db::full_name(&row)?,
        email: row.try_get("email")?,
    })
}

fn status_label(status: &str, invited: bool) -> &'static str {
    match status {
        "deactivated" => "Deactivated",
        "pending" => "Pending",
        _ if invited => "Invited",
        _ => "Active",
    }
}

/// Writes one entry of a user's change history, and the audit row that goes with it.
#[allow(clippy::too_many_arguments)]
pub async fn record_change(
    state: &AppState,
    organization_id: i64,
    user_id: i64,
    changed_by: Option<i64>,
    action: &'static str,
    before: &str,
    after: &str,
    reason: &str,
    ip: Option<String>,
) -> Result<(), AppError> {
    let now = state.clock.unix();
    sqlx::query(
        "INSERT INTO user_changes (organization_id, user_id, changed_by, at, action, before_value, after_value, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(organization_id)
    .bind(user_id)
    .bind(changed_by)
    .bind(now)
    .bind(action)
    .bind(before)
    .bind(after)
    .bind(reason)
    .execute(&state.db.pool)
    .await?;
    audit::record(
        &state.db,
        now,
        audit::AuditEntry {
            user_id: changed_by,
            organization_id: Some(organization_id),
            action,
            subject: format!("user:{user_id}"),
            detail: after.chars().take(500).collect(),
            ip,
        },
    )
    .await?;
    Ok(())
}

pub async fn list_users(
    Admin { caller, org }: Admin,
    search: String,
) -> Result<Vec<UserRow>, AppError> {
    let pattern = format!("%{}%", search.trim().to_lowercase());
    let rows = sqlx::query(
        "SELECT u.id, u.first_name, u.last_name, u.email, CASE WHEN u.password_hash IS NULL THEN 1 ELSE 0 END AS invited, m.org_role, m.role_preset, m.status \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.status <> 'removed' \
         AND (LOWER(u.first_name || ' ' || u.last_name) LIKE $2 OR LOWER(u.email) LIKE $2) \
         ORDER BY u.last_name, u.first_name, u.id LIMIT 500",
    )
    .bind(org.organization_id)
    .bind(pattern)
    .fetch_all(&caller.state.db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let invited = row.try_get::<i64, _>("invited")? == 1;
            let role = OrgRole::parse(&row.try_get::<String, _>("org_role")?);
            let preset: Option<String> = row.try_get("role_preset")?;
            Ok(UserRow {
                id: row.try_get("id")?,
                name: crate::ssr::db::full_name(&row)?,
                email: row.try_get("email")?,
                role: match preset {
                    Some(p) if role != OrgRole::None => format!("{} ({p})", role.label()),
                    Some(p) => p,
                    None => role.label().to_string(),
                },
                status: status_label(&row.try_get::<String, _>("status")?, invited).to_string(),
            })
        })
        .collect()
}

/// A person's name as typed: trimmed, 1–50 characters.
fn check_name(check: &mut Checker, field: &str, value: &str, what: &str) {
    let value = value.trim();
    if value.is_empty() {
        check.add(field, format!("Enter the {what}."));
    } else if value.chars().count() > 50 || value.chars().any(char::is_control) {
        check.add(field, format!("Enter the {what} in at most 50 characters."));
    }
}

pub async fn add_user(Admin { caller, org }: Admin, form: NewUser) -> Result<i64, AppError> {
    let state = &caller.state;
    let mut check = Checker::new();
    let email = check.check("email", Email::parse(&form.email));
    check_name(&mut check, "first_name", &form.first_name, "first name");
    check_name(&mut check, "last_name", &form.last_name, "last name");
    let mobile = check.check("mobile", Phone::parse(&form.mobile));
    let business = if form.business.trim().is_empty() {
        None
    } else {
        check.check("business", Phone::parse(&form.business))
    };
    check.finish()?;
    let (email, mobile) = (email.expect("checked"), mobile.expect("checked"));
    let now = state.clock.unix();
    let existing = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
    let mut tx = state.db.pool.begin().await?;
    let (user_id, new_account) = match existing {
        Some(row) => {
            let user_id: i64 = row.try_get("id")?;
            let already: Option<String> = sqlx::query_scalar(
                "SELECT status FROM memberships WHERE user_id = $1 AND organization_id = $2",
            )
            .bind(user_id)
            .bind(org.organization_id)
            .fetch_optional(&mut *tx)
            .await?;
            match already.as_deref() {
                // Someone who worked here before comes back, starting from no permissions.
                Some("removed") => {
                    sqlx::query(
                        "UPDATE memberships SET status = 'active', org_role = 'none', role_preset = NULL, position = NULL, \
                         position_other = NULL, verified_at = NULL, separation_date = NULL, removal_reason = NULL, \
                         awaiting_permissions_since = $1, updated_at = $1 WHERE user_id = $2 AND organization_id = $3",
                    )
                    .bind(now)
                    .bind(user_id)
                    .bind(org.organization_id)
                    .execute(&mut *tx)
                    .await?;
                }
                Some(_) => {
                    return Err(AppError::field(
                        "email",
                        "This person is already a user of your organization. Find them in User Management.",
                    ))
                }
                // An account of someone else's: joining an office is their request to make,
                // never an administrator's decision alone.
                None => {
                    return Err(AppError::field(
                        "email",
                        "This person already has a Provider Portal account. Ask them to request access to your organization under “My Collections” in their profile, then accept it in your Task List.",
                    ))
                }
            }
            (user_id, false)
        }
        None => {
            let user_id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, first_name, last_name, phone, business_phone, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(email.as_str())
            .bind(form.first_name.trim())
            .bind(form.last_name.trim())
            .bind(mobile.as_str())
            .bind(business.as_ref().map(Phone::as_str))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            insert_membership(&mut tx, user_id, org.organization_id, now).await?;
            (user_id, true)
        }
    };
    // A domain used again is listed again.
    sqlx::query("DELETE FROM removed_domains WHERE organization_id = $1 AND domain = $2")
        .bind(org.organization_id)
        .bind(email.domain())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if new_account {
        password_links::send(state, user_id, email.as_str(), LinkPurpose::Invitation).await?;
    } else {
        let program = &state.settings.program_name;
        outbox::email(
            &state.db,
            now,
            email.as_str(),
            format!("You were added to {} on the {program} Provider Portal", org.name),
            format!(
                    "{} added you to {} on the {program} Provider Portal. Sign in and choose it under \"Add or Switch Organization\".",
                    caller.full_name(),
                    org.name
                ),
            vec![format!("{}/login", state.settings.public_url.trim_end_matches('/'))],
        )
        .await?;
    }
    record_change(
        state,
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
    Ok(user_id)
}

async fn insert_membership(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    organization_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO memberships (user_id, organization_id, org_role, status, awaiting_permissions_since, created_at, updated_at) \
         VALUES ($1, $2, 'none', 'active', $3, $3, $3)",
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
        &caller.state,
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

/// The organization's NPIs in NPI order.
pub async fn organization_npis(
    state: &AppState,
    organization_id: i64,
) -> Result<Vec<NpiOption>, AppError> {
    let rows =
        sqlx::query("SELECT id, npi, name FROM providers WHERE organization_id = $1 ORDER BY npi")
            .bind(organization_id)
            .fetch_all(&state.db.pool)
            .await?;
    rows.into_iter()
        .map(|r| {
            Ok(NpiOption {
                provider_id: r.try_get("id")?,
                npi: r.try_get("npi")?,
                name: r.try_get("name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The permissions a membership holds now.
pub async fn current_set(state: &AppState, membership_id: i64) -> Result<PermissionSet, AppError> {
    let db = &state.db.pool;
    let row = sqlx::query(
        "SELECT org_role, role_preset, position, position_other FROM memberships WHERE id = $1",
    )
    .bind(membership_id)
    .fetch_one(db)
    .await?;
    let mut set = PermissionSet {
        org_role: OrgRole::parse(&row.try_get::<String, _>("org_role")?),
        position: row
            .try_get::<Option<String>, _>("position")?
            .unwrap_or_default(),
        position_other: row
            .try_get::<Option<String>, _>("position_other")?
            .unwrap_or_default(),
        ..Default::default()
    };
    for r in sqlx::query("SELECT provider_id, level FROM npi_permissions WHERE membership_id = $1")
        .bind(membership_id)
        .fetch_all(db)
        .await?
    {
        if let Some(level) = NpiLevel::parse(&r.try_get::<String, _>("level")?) {
            set.npis.insert(r.try_get("provider_id")?, level);
        }
    }
    for r in sqlx::query(
        "SELECT provider_id, correspondence_type FROM correspondence_permissions WHERE membership_id = $1 ORDER BY correspondence_type",
    )
    .bind(membership_id)
    .fetch_all(db)
    .await?
    {
        set.correspondence
            .entry(r.try_get("provider_id")?)
            .or_default()
            .push(r.try_get("correspondence_type")?);
    }
    let modules: Vec<String> =
        sqlx::query_scalar("SELECT module FROM module_permissions WHERE membership_id = $1")
            .bind(membership_id)
            .fetch_all(db)
            .await?;
    set.modules = Module::ALL
        .into_iter()
        .filter(|m| modules.iter().any(|x| x == m.as_str()))
        .collect();
    let preset: Option<String> = row.try_get("role_preset")?;
    set.preset = preset
        .as_deref()
        .and_then(RolePreset::parse)
        .unwrap_or_else(|| RolePreset::matching(&set.modules));
    Ok(set)
}

/// The permissions in words, for the change history.
pub fn describe(set: &PermissionSet, npis: &[NpiOption]) -> String {
    let npi_name = |id: &i64| {
        npis.iter()
            .find(|n| n.provider_id == *id)
            .map(|n| n.npi.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let levels = set
        .npis
        .iter()
        .map(|(id, level)| {
            format!(
                "{} {}",
                npi_name(id),
                if *level == NpiLevel::Admin {
                    "Admin"
                } else {
                    "Processor"
                }
            )
        })
        .collect::<Vec<_>>();
    let correspondence = set
        .correspondence
        .iter()
        .map(|(id, types)| format!("{}: {}", npi_name(id), types.join(", ")))
        .collect::<Vec<_>>();
    let position = if set.position == "Other" {
        format!("Other ({})", set.position_other.trim())
    } else {
        set.position.clone()
    };
    format!(
        "Organization permission: {}; User role: {}; Security settings: {}; Position: {}; NPIs: {}; Correspondence: {}",
        set.org_role.label(),
        set.preset.label(),
        if set.modules.is_empty() { "none".to_string() } else { set.modules.iter().map(|m| m.label()).collect::<Vec<_>>().join(", ") },
        if position.is_empty() { "not set" } else { &position },
        if levels.is_empty() { "none".to_string() } else { levels.join(", ") },
        if correspondence.is_empty() { "none".to_string() } else { correspondence.join("; ") },
    )
}

pub async fn user_detail(
    Admin { caller, org }: Admin,
    user_id: i64,
) -> Result<UserDetail, AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let user = sqlx::query("SELECT phone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&state.db.pool)
        .await?;
    let pending_email: Option<String> = sqlx::query_scalar(
        "SELECT new_email FROM email_changes WHERE user_id = $1 AND organization_id = $2 AND used_at IS NULL AND voided_at IS NULL AND expires_at > $3 ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(org.organization_id)
    .bind(state.clock.unix())
    .fetch_optional(&state.db.pool)
    .await?;
    let history = sqlx::query(
        "SELECT c.at, c.action, c.before_value, c.after_value, c.reason, u.first_name, u.last_name \
         FROM user_changes c LEFT JOIN users u ON u.id = c.changed_by \
         WHERE c.organization_id = $1 AND c.user_id = $2 ORDER BY c.id DESC LIMIT 200",
    )
    .bind(org.organization_id)
    .bind(user_id)
    .fetch_all(&state.db.pool)
    .await?
    .into_iter()
    .map(|r| {
        let first: Option<String> = r.try_get("first_name")?;
        let last: Option<String> = r.try_get("last_name")?;
        Ok(ChangeRow {
            at: state.settings.calendar.format_date_time(r.try_get("at")?),
            by: match (first, last) {
                (Some(f), Some(l)) => format!("{f} {l}"),
                _ => format!("{} (automatic)", state.settings.program_name),
            },
            action: action_label(&r.try_get::<String, _>("action")?).to_string(),
            before: r.try_get("before_value")?,
            after: r.try_get("after_value")?,
            reason: r.try_get("reason")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    caller
        .audit(
            Some(org.organization_id),
            "user.view",
            format!("user:{user_id}"),
            String::new(),
        )
        .await?;
    Ok(UserDetail {
        id: user_id,
        name: m.name,
        email: m.email,
        phone: user
            .try_get::<Option<String>, _>("phone")?
            .unwrap_or_default(),
        status: status_label(&m.status, m.invited).to_string(),
        deactivated: m.status == "deactivated",
        invited: m.invited,
        awaiting_permissions: m.awaiting_permissions,
        pending_email,
        admin_phone_last4: {
            let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
                .bind(caller.user_id)
                .fetch_one(&state.db.pool)
                .await?;
            phone
                .and_then(|p| Phone::parse(&p).ok())
                .map(|p| p.last4().to_string())
                .unwrap_or_default()
        },
        npis: organization_npis(state, org.organization_id).await?,
        set: current_set(state, m.membership_id).await?,
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

/// A transaction holding the organization's row, so that a check of its admins and the
/// write that follows cannot interleave with another administrator's doing the same (on
/// PostgreSQL the update locks the row; SQLite has one writer at a time).
pub async fn lock_organization(
    state: &AppState,
    organization_id: i64,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, AppError> {
    let mut tx = state.db.pool.begin().await?;
    sqlx::query("UPDATE organizations SET name = name WHERE id = $1")
        .bind(organization_id)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Within [`lock_organization`]: whether the user is the organization's last active Org Admin.
pub async fn last_admin(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    organization_id: i64,
    user_id: i64,
) -> Result<bool, AppError> {
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND org_role = 'admin' AND status = 'active' AND user_id <> $2",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(others == 0)
}

pub const LAST_ADMIN: &str = "Your organization must keep at least one active Org Admin. Make another user an Org Admin first.";

pub async fn set_active(
    Admin { caller, org }: Admin,
    user_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let now = state.clock.unix();
    if active {
        if m.status != "deactivated" {
            return Err(AppError::Conflict("This user is already active.".into()));
        }
        // A reactivated user who never got permissions gets another full period.
        sqlx::query(
            "UPDATE memberships SET status = 'active', updated_at = $1, \
             awaiting_permissions_since = CASE WHEN awaiting_permissions_since IS NULL THEN NULL ELSE $1 END WHERE id = $2",
        )
        .bind(now)
        .bind(m.membership_id)
        .execute(&state.db.pool)
        .await?;
    } else {
        if m.status != "active" {
            return Err(AppError::Conflict(
                "This user is already deactivated.".into(),
            ));
        }
        let mut tx = lock_organization(state, org.organization_id).await?;
        if m.org_role == OrgRole::Admin && last_admin(&mut tx, org.organization_id, user_id).await?
        {
            return Err(AppError::Conflict(LAST_ADMIN.into()));
        }
        deactivate(&mut tx, m.membership_id, user_id, org.organization_id, now).await?;
        tx.commit().await?;
    }
    record_change(
        state,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        if active {
            "user.reactivate"
        } else {
            "user.deactivate"
        },
        if active { "Deactivated" } else { "Active" },
        if active { "Active" } else { "Deactivated" },
        "",
        caller.ip.clone(),
    )
    .await
}

/// Deactivates a membership and ends the user's sessions in that organization at once.
async fn deactivate(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    membership_id: i64,
    user_id: i64,
    organization_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE memberships SET status = 'deactivated', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(membership_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND organization_id = $2")
        .bind(user_id)
        .bind(organization_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deactivates users added more than `unassigned_user_days` ago whose permissions were never
/// assigned, and tells their organization's admins. Run once a day; answers how many.
pub async fn deactivate_unassigned(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.unix();
    let cutoff = now - state.settings.unassigned_user_days * DAY;
    let due = sqlx::query(
        "SELECT m.id, m.user_id, m.organization_id, u.first_name, u.last_name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.status = 'active' AND m.awaiting_permissions_since IS NOT NULL AND m.awaiting_permissions_since <= $1",
    )
    .bind(cutoff)
    .fetch_all(&state.db.pool)
    .await?;
    let mut deactivated = 0;
    for row in &due {
        let (membership_id, user_id, organization_id): (i64, i64, i64) = (
            row.try_get("id")?,
            row.try_get("user_id")?,
            row.try_get("organization_id")?,
        );
        let name = crate::ssr::db::full_name(row)?;
        // Only if still so: permissions may have been assigned meanwhile, and another instance
        // may be doing the same.
        let mut tx = state.db.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE memberships SET status = 'deactivated', updated_at = $1 WHERE id = $2 AND status = 'active' \
             AND awaiting_permissions_since IS NOT NULL AND awaiting_permissions_since <= $3",
        )
        .bind(now)
        .bind(membership_id)
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            continue;
        }
        deactivate(&mut tx, membership_id, user_id, organization_id, now).await?;
        tx.commit().await?;
        deactivated += 1;
        let days = state.settings.unassigned_user_days;
        record_change(
            state,
            organization_id,
            user_id,
            None,
            "user.auto_deactivate",
            "Active",
            &format!("Deactivated: no permissions were assigned within {days} days"),
            "",
            None,
        )
        .await?;
        notify_admins(
            state,
            organization_id,
            "User deactivated",
            &format!("{name} was deactivated because no permissions were assigned within {days} days of being added. Reactivate the user and assign permissions to restore access."),
            &format!("/admin/users/{user_id}"),
        )
        .await?;
    }
    Ok(deactivated)
}

/// A notification to each active Org Admin of the organization.
pub async fn notify_admins(
    state: &AppState,
    organization_id: i64,
    title: &str,
    body: &str,
    link: &str,
) -> Result<(), AppError> {
    let admins: Vec<i64> = sqlx::query_scalar(
        "SELECT user_id FROM memberships WHERE organization_id = $1 AND org_role = 'admin' AND status = 'active'",
    )
    .bind(organization_id)
    .fetch_all(&state.db.pool)
    .await?;
    for admin in admins {
        sqlx::query(
            "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) VALUES ($1, $2, 'user_activity', $3, $4, $5, $6)",
        )
        .bind(organization_id)
        .bind(admin)
        .bind(title)
        .bind(body)
        .bind(link)
        .bind(state.clock.unix())
        .execute(&state.db.pool)
        .await?;
    }
    Ok(())
}

pub async fn change_email(
    Admin { caller, org }: Admin,
    user_id: i64,
    email: String,
) -> Result<(), AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
    // The username is the key to the account: only a user of this office alone, and only
    // with a fresh passcode of the administrator's.
    let elsewhere: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.user_id = $1 AND (m.organization_id <> $2 AND m.status <> 'removed' OR u.is_operator = 1)",
    )
    .bind(user_id)
    .bind(org.organization_id)
    .fetch_one(&state.db.pool)
    .await?;
    if elsewhere > 0 {
        return Err(AppError::Conflict(
            "This user also works for other organizations, so only the plan's help desk can change the email address.".into(),
        ));
    }
    caller.require_step_up()?;
    if email.as_str() == m.email {
        return Err(AppError::field(
            "email",
            "This is already the user's email address.",
        ));
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
    if taken.is_some() {
        return Err(AppError::field(
            "email",
            "Another account already uses this email address.",
        ));
    }
    let now = state.clock.unix();
    sqlx::query("UPDATE email_changes SET voided_at = $1 WHERE user_id = $2 AND used_at IS NULL AND voided_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&state.db.pool)
        .await?;
    let secret = crypto::random_hex(32);
    sqlx::query(
        "INSERT INTO email_changes (user_id, organization_id, new_email, secret_hash, requested_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user_id)
    .bind(org.organization_id)
    .bind(email.as_str())
    .bind(crypto::secret_hash(&secret))
    .bind(caller.user_id)
    .bind(now)
    .bind(now + EMAIL_CHANGE_HOURS * 3600)
    .execute(&state.db.pool)
    .await?;
    let program = &state.settings.program_name;
    let url = format!(
        "{}/email/confirm?t={secret}",
        state.settings.public_url.trim_end_matches('/')
    );
    outbox::email(
        &state.db,
        now,
        email.as_str(),
        format!("Confirm your new {program} Provider Portal email address"),
        format!(
                "{} of {} changed the email address (username) of your {program} Provider Portal account to this address. \
                 Select \"Confirm Email Address\" within {EMAIL_CHANGE_HOURS} hours to use it: {url}\n\nIf you did not expect this, ignore this email; nothing changes.",
                caller.full_name(),
                org.name
            ),
        vec![url],
    )
    .await?;
    outbox::email(
        &state.db,
        now,
        &m.email,
        format!("Your {program} Provider Portal email address is being changed"),
        format!(
            "{} of {} asked to change the email address (username) of your {program} Provider Portal account to {email}. \
             It changes only once that address confirms it. If you did not expect this, call the Provider Contact Center.",
            caller.full_name(),
            org.name
        ),
        Vec::new(),
    )
    .await?;
    record_change(
        state,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "user.email_change_request",
        &m.email,
        email.as_str(),
        "",
        caller.ip.clone(),
    )
    .await
}

/// Confirms an email change from the link sent to the new address.
pub async fn confirm_email(visitor: Visitor, t: String) -> Result<String, AppError> {
    let state = visitor.state.clone();
    let now = state.clock.unix();
    let row = sqlx::query(
        "SELECT id, user_id, organization_id, new_email, expires_at, used_at, voided_at, requested_by FROM email_changes WHERE secret_hash = $1",
    )
    .bind(crypto::secret_hash(&t))
    .fetch_optional(&state.db.pool)
    .await?;
    let invalid = || {
        AppError::Conflict("This link is not valid or has already been used. Ask your administrator to change the email address again.".into())
    };
    let row = row.ok_or_else(invalid)?;
    if row.try_get::<Option<i64>, _>("used_at")?.is_some()
        || row.try_get::<Option<i64>, _>("voided_at")?.is_some()
    {
        return Err(invalid());
    }
    if row.try_get::<i64, _>("expires_at")? <= now {
        return Err(AppError::Conflict(format!(
            "This link has expired: it works for {EMAIL_CHANGE_HOURS} hours. Ask your administrator to change the email address again."
        )));
    }
    let (id, user_id, organization_id, new_email): (i64, i64, i64, String) = (
        row.try_get("id")?,
        row.try_get("user_id")?,
        row.try_get("organization_id")?,
        row.try_get("new_email")?,
    );
    // Still as it was asked: the user works for that office alone, and the one who asked is
    // still its administrator.
    let requested_by: i64 = row.try_get("requested_by")?;
    let still: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND organization_id = $2 AND status <> 'removed') \
         - (SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND organization_id <> $2 AND status <> 'removed') \
         + (SELECT COUNT(*) FROM memberships WHERE user_id = $3 AND organization_id = $2 AND org_role = 'admin' AND status = 'active')",
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(requested_by)
    .fetch_one(&state.db.pool)
    .await?;
    if still != 2 {
        return Err(invalid());
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(&new_email)
        .fetch_optional(&state.db.pool)
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict(
            "Another account already uses this email address.".into(),
        ));
    }
    let old_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&state.db.pool)
        .await?;
    let mut tx = state.db.pool.begin().await?;
    let spent =
        sqlx::query("UPDATE email_changes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if spent.rows_affected() != 1 {
        return Err(invalid());
    }
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(&new_email)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Sessions were opened under the old username.
    session::delete_for_user(&state.db, user_id).await?;
    let program = &state.settings.program_name;
    outbox::email(
        &state.db,
        now,
        &old_email,
        format!("Your {program} Provider Portal email address changed"),
        format!(
                "The email address (username) of your {program} Provider Portal account is now {new_email}. If you did not expect this, call the Provider Contact Center."
            ),
        Vec::new(),
    )
    .await?;
    record_change(
        &state,
        organization_id,
        user_id,
        Some(user_id),
        "user.email_change",
        &old_email,
        &new_email,
        "",
        visitor.ip.clone(),
    )
    .await?;
    Ok(new_email)
}

/// The wizard as it opens: the saved draft if there is one (resumed at its step), else the
/// user's current permissions; `step` opens a given section ("Edit").
pub async fn wizard(
    Admin { caller, org }: Admin,
    user_id: i64,
    step: Option<usize>,
) -> Result<WizardData, AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let draft = sqlx::query("SELECT step, data FROM permission_drafts WHERE membership_id = $1")
        .bind(m.membership_id)
        .fetch_optional(&state.db.pool)
        .await?;
    let (set, saved_step) = match draft {
        Some(row) => (
            serde_json::from_str::<PermissionSet>(&row.try_get::<String, _>("data")?)
                .unwrap_or_default(),
            row.try_get::<i64, _>("step")? as usize,
        ),
        None => (current_set(state, m.membership_id).await?, 0),
    };
    Ok(WizardData {
        user_id,
        user_name: m.name,
        npis: organization_npis(state, org.organization_id).await?,
        correspondence_types: CORRESPONDENCE_TYPES.iter().map(|t| t.to_string()).collect(),
        set,
        step: step.unwrap_or(saved_step).min(3),
        editing: !m.awaiting_permissions,
    })
}

/// Checks a set against the organization: its NPIs, the known types and modules, the position.
fn validate(set: &mut PermissionSet, npis: &[NpiOption]) -> Result<(), AppError> {
    if set
        .npis
        .keys()
        .any(|id| !npis.iter().any(|n| n.provider_id == *id))
    {
        // An NPI of another organization: as if it did not exist.
        return Err(AppError::NotFound);
    }
    let mut check = Checker::new();
    if set
        .correspondence
        .values()
        .flatten()
        .any(|t| !CORRESPONDENCE_TYPES.contains(&t.as_str()))
    {
        check.add(
            "correspondence",
            "Choose correspondence types from the list.",
        );
    }
    if let Some(modules) = set.preset.modules() {
        set.modules = modules;
    }
    if let Err((field, message)) = check_position(&set.position, &set.position_other) {
        check.add(field, message);
    }
    check.finish()?;
    if set.position != "Other" {
        set.position_other.clear();
    }
    set.prune_correspondence();
    for types in set.correspondence.values_mut() {
        types.sort();
        types.dedup();
    }
    Ok(())
}

pub async fn save_step(
    Admin { caller, org }: Admin,
    user_id: i64,
    step: usize,
    mut set: PermissionSet,
) -> Result<(), AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    validate(
        &mut set,
        &organization_npis(state, org.organization_id).await?,
    )?;
    let data = serde_json::to_string(&set).map_err(|_| AppError::Internal)?;
    let now = state.clock.unix();
    let step = step.min(3) as i64;
    let updated = sqlx::query("UPDATE permission_drafts SET step = $1, data = $2, updated_by = $3, updated_at = $4 WHERE membership_id = $5")
        .bind(step)
        .bind(&data)
        .bind(caller.user_id)
        .bind(now)
        .bind(m.membership_id)
        .execute(&state.db.pool)
        .await?;
    if updated.rows_affected() == 0 {
        sqlx::query("INSERT INTO permission_drafts (membership_id, step, data, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(m.membership_id)
            .bind(step)
            .bind(&data)
            .bind(caller.user_id)
            .bind(now)
            .execute(&state.db.pool)
            .await?;
    }
    Ok(())
}

pub async fn finish(
    Admin { caller, org }: Admin,
    user_id: i64,
    mut set: PermissionSet,
    reason: String,
) -> Result<(), AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let npis = organization_npis(state, org.organization_id).await?;
    validate(&mut set, &npis)?;
    let before = current_set(state, m.membership_id).await?;
    let reason = reason.trim().to_string();
    if !m.awaiting_permissions && set.role_changed(&before) && reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Enter the reason for this change.",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "Use at most 500 characters."));
    }
    let now = state.clock.unix();
    let mut tx = lock_organization(state, org.organization_id).await?;
    if before.org_role == OrgRole::Admin
        && set.org_role != OrgRole::Admin
        && m.status == "active"
        && last_admin(&mut tx, org.organization_id, user_id).await?
    {
        return Err(AppError::field("org_role", LAST_ADMIN));
    }
    for table in [
        "npi_permissions",
        "correspondence_permissions",
        "module_permissions",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE membership_id = $1"))
            .bind(m.membership_id)
            .execute(&mut *tx)
            .await?;
    }
    for (provider, level) in &set.npis {
        sqlx::query(
            "INSERT INTO npi_permissions (membership_id, provider_id, level) VALUES ($1, $2, $3)",
        )
        .bind(m.membership_id)
        .bind(provider)
        .bind(level.as_str())
        .execute(&mut *tx)
        .await?;
    }
    for (provider, types) in &set.correspondence {
        for t in types {
            sqlx::query("INSERT INTO correspondence_permissions (membership_id, provider_id, correspondence_type) VALUES ($1, $2, $3)")
                .bind(m.membership_id)
                .bind(provider)
                .bind(t)
                .execute(&mut *tx)
                .await?;
        }
    }
    for module in &set.modules {
        sqlx::query("INSERT INTO module_permissions (membership_id, module) VALUES ($1, $2)")
            .bind(m.membership_id)
            .bind(module.as_str())
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "UPDATE memberships SET org_role = $1, role_preset = $2, position = $3, position_other = $4, \
         awaiting_permissions_since = NULL, updated_at = $5 WHERE id = $6",
    )
    .bind(set.org_role.as_str())
    .bind(set.preset.label())
    .bind((!set.position.is_empty()).then_some(set.position.as_str()))
    .bind((!set.position_other.is_empty()).then_some(set.position_other.as_str()))
    .bind(now)
    .bind(m.membership_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM permission_drafts WHERE membership_id = $1")
        .bind(m.membership_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // Sessions read permissions on every request, so the change applies at once.
    record_change(
        state,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "permission.change",
        &if m.awaiting_permissions {
            String::new()
        } else {
            describe(&before, &npis)
        },
        &describe(&set, &npis),
        &reason,
        caller.ip.clone(),
    )
    .await
}

pub async fn domains(Admin { caller, org }: Admin) -> Result<Vec<DomainRow>, AppError> {
    domain_rows(&caller.state, org.organization_id).await
}

async fn domain_rows(state: &AppState, organization_id: i64) -> Result<Vec<DomainRow>, AppError> {
    let rows = sqlx::query(
        "SELECT u.email, u.first_name, u.last_name, m.status FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.status <> 'removed' ORDER BY u.last_name, u.first_name",
    )
    .bind(organization_id)
    .fetch_all(&state.db.pool)
    .await?;
    let removed: Vec<String> =
        sqlx::query_scalar("SELECT domain FROM removed_domains WHERE organization_id = $1")
            .bind(organization_id)
            .fetch_all(&state.db.pool)
            .await?;
    let mut domains: BTreeMap<String, DomainRow> = BTreeMap::new();
    for row in rows {
        let email: String = row.try_get("email")?;
        let domain = email
            .rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_default();
        if removed.contains(&domain) {
            continue;
        }
        let entry = domains.entry(domain.clone()).or_insert_with(|| DomainRow {
            domain,
            users: 0,
            active_users: Vec::new(),
        });
        entry.users += 1;
        if row.try_get::<String, _>("status")? == "active" {
            entry.active_users.push(crate::ssr::db::full_name(&row)?);
        }
    }
    Ok(domains.into_values().collect())
}

pub async fn remove_domain(Admin { caller, org }: Admin, domain: String) -> Result<(), AppError> {
    let state = &caller.state;
    let domain = domain.trim().to_lowercase();
    let row = domain_rows(state, org.organization_id)
        .await?
        .into_iter()
        .find(|d| d.domain == domain)
        .ok_or(AppError::NotFound)?;
    if !row.active_users.is_empty() {
        return Err(AppError::Conflict(format!(
            "{domain} cannot be removed while these users are active: {}. Deactivate them first.",
            row.active_users.join(", ")
        )));
    }
    let now = state.clock.unix();
    sqlx::query("INSERT INTO removed_domains (organization_id, domain, removed_by, removed_at) VALUES ($1, $2, $3, $4)")
        .bind(org.organization_id)
        .bind(&domain)
        .bind(caller.user_id)
        .bind(now)
        .execute(&state.db.pool)
        .await?;
    caller
        .audit(
            Some(org.organization_id),
            "domain.remove",
            format!("domain:{domain}"),
            String::new(),
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_sets_its_modules_and_other_needs_text() {
        let npis = vec![NpiOption {
            provider_id: 1,
            npi: "1234567893".into(),
            name: "A".into(),
        }];
        let mut set = PermissionSet {
            preset: RolePreset::EligibilityViewer,
            modules: vec![Module::Roster],
            ..Default::default()
        };
        validate(&mut set, &npis).unwrap();
        assert_eq!(set.modules, vec![Module::Eligibility]);
        set.position = "Other".into();
        assert_eq!(
            validate(&mut set, &npis)
                .unwrap_err()
                .field_messages("position_other"),
            vec!["Enter the position."]
        );
        let mut foreign = PermissionSet::default();
        foreign.npis.insert(2, NpiLevel::Admin);
        assert_eq!(validate(&mut foreign, &npis), Err(AppError::NotFound));
    }

    #[test]
    fn status_labels() {
        assert_eq!(status_label("active", true), "Invited");
        assert_eq!(status_label("active", false), "Active");
        assert_eq!(status_label("deactivated", true), "Deactivated");
    }
}
