//! The administration repository: the SQL of the admin screens. Every query of an office's
//! users is scoped by the organization the caller administers.

use super::NpiOption;
use crate::error::AppError;
use crate::ssr::guard::Admin;
use crate::ssr::repo::Conn;

/// What the organization's registration letter states.
#[derive(sqlx::FromRow)]
pub struct Registration {
    pub name: String,
    pub tax_id: String,
    pub address_line1: String,
    pub city: String,
    pub state: String,
    pub pay_to_zip: String,
    pub registered_at: Option<i64>,
}

pub async fn registration(admin: &Admin) -> Result<Registration, AppError> {
    sqlx::query_as(
        "SELECT name, tax_id, address_line1, city, state, pay_to_zip, registered_at \
         FROM organizations WHERE id = $1",
    )
    .bind(admin.organization_id())
    .fetch_optional(&admin.state.db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// The organization's NPIs in NPI order.
pub async fn npis(conn: &mut Conn, organization_id: i64) -> Result<Vec<NpiOption>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id AS provider_id, npi, name FROM providers WHERE organization_id = $1 ORDER BY npi",
    )
    .bind(organization_id)
    .fetch_all(conn)
    .await
}

// --- User Management ---------------------------------------------------------------------

/// A row of "User Management".
#[derive(sqlx::FromRow)]
pub struct UserListRow {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub invited: i64,
    pub org_role: String,
    pub role_preset: Option<String>,
    pub status: String,
}

/// The organization's users whose name or email contains `search` (at most 500).
pub async fn users(
    conn: &mut Conn,
    organization_id: i64,
    search: &str,
) -> Result<Vec<UserListRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.first_name, u.last_name, u.email, CASE WHEN u.password_hash IS NULL THEN 1 ELSE 0 END AS invited, \
         m.org_role, m.role_preset, m.status \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.status <> 'removed' \
         AND ($2 = '' OR LOWER(u.first_name || ' ' || u.last_name) LIKE $3 ESCAPE '\\' OR LOWER(u.email) LIKE $3 ESCAPE '\\') \
         ORDER BY u.last_name, u.first_name, u.id LIMIT 500",
    )
    .bind(organization_id)
    .bind(search.trim())
    .bind(crate::ssr::repo::contains_pattern(search))
    .fetch_all(conn)
    .await
}

/// The status of a user's membership in the organization, removed ones included.
pub async fn membership_status(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT status FROM memberships WHERE user_id = $1 AND organization_id = $2")
        .bind(user_id)
        .bind(organization_id)
        .fetch_optional(conn)
        .await
}

/// Someone removed before comes back, starting from no permissions.
pub async fn rejoin(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE memberships SET status = 'active', org_role = 'none', role_preset = NULL, position = NULL, \
         position_other = NULL, verified_at = NULL, separation_date = NULL, removal_reason = NULL, \
         awaiting_permissions_since = $1, updated_at = $1 WHERE user_id = $2 AND organization_id = $3",
    )
    .bind(now)
    .bind(user_id)
    .bind(organization_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A person added by an administrator, not yet registered.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone: &'a str,
    pub business_phone: Option<&'a str>,
}

/// Creates the account; a unique violation names `users_email_unique` (`users.email`).
pub async fn insert_user(
    conn: &mut Conn,
    now: i64,
    user: NewAccount<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, phone, business_phone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.email)
    .bind(user.first_name)
    .bind(user.last_name)
    .bind(user.phone)
    .bind(user.business_phone)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// A new membership with no permissions yet (the clock of "never assigned" starts).
pub async fn insert_membership(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO memberships (user_id, organization_id, org_role, status, awaiting_permissions_since, created_at, updated_at) \
         VALUES ($1, $2, 'none', 'active', $3, $3, $3)",
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A domain used again is listed again.
pub async fn restore_domain(
    conn: &mut Conn,
    organization_id: i64,
    domain: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM removed_domains WHERE organization_id = $1 AND domain = $2")
        .bind(organization_id)
        .bind(domain)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A reactivated user who never got permissions gets another full period.
pub async fn reactivate(conn: &mut Conn, now: i64, membership_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE memberships SET status = 'active', updated_at = $1, \
         awaiting_permissions_since = CASE WHEN awaiting_permissions_since IS NULL THEN NULL ELSE $1 END WHERE id = $2",
    )
    .bind(now)
    .bind(membership_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// An added user still waiting for permissions since before the cutoff.
#[derive(sqlx::FromRow)]
pub struct Unassigned {
    pub id: i64,
    pub user_id: i64,
    pub organization_id: i64,
    pub first_name: String,
    pub last_name: String,
}

pub async fn unassigned_since(
    conn: &mut Conn,
    cutoff: i64,
) -> Result<Vec<Unassigned>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.user_id, m.organization_id, u.first_name, u.last_name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.status = 'active' AND m.awaiting_permissions_since IS NOT NULL AND m.awaiting_permissions_since <= $1",
    )
    .bind(cutoff)
    .fetch_all(conn)
    .await
}

/// Deactivates the membership only if it is still waiting since before the cutoff: permissions
/// may have been assigned meanwhile, and another instance may be doing the same.
pub async fn deactivate_if_unassigned(
    conn: &mut Conn,
    now: i64,
    membership_id: i64,
    cutoff: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE memberships SET status = 'deactivated', updated_at = $1 WHERE id = $2 AND status = 'active' \
         AND awaiting_permissions_since IS NOT NULL AND awaiting_permissions_since <= $3",
    )
    .bind(now)
    .bind(membership_id)
    .bind(cutoff)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

// --- The invitation ----------------------------------------------------------------------

/// An added user, as the invitation's "Account Information" shows them.
#[derive(sqlx::FromRow)]
pub struct Invitee {
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
}

pub async fn invitee(conn: &mut Conn, user_id: i64) -> Result<Invitee, sqlx::Error> {
    sqlx::query_as("SELECT first_name, last_name, phone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// The invitee's own name and phone, while they have not registered yet.
pub async fn set_invitee(
    conn: &mut Conn,
    user_id: i64,
    first_name: &str,
    last_name: &str,
    phone: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET first_name = $1, last_name = $2, phone = $3 WHERE id = $4 AND password_hash IS NULL")
        .bind(first_name)
        .bind(last_name)
        .bind(phone)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

// --- Email changes -----------------------------------------------------------------------

/// Memberships of the user in other organizations (or plan staff), which keep the email
/// address out of this office's hands.
pub async fn ties_elsewhere(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.user_id = $1 AND (m.organization_id <> $2 AND m.status <> 'removed' OR u.is_operator = 1)",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_one(conn)
    .await
}

/// The new address waiting for confirmation, if any.
pub async fn pending_email(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT new_email FROM email_changes WHERE user_id = $1 AND organization_id = $2 \
         AND used_at IS NULL AND voided_at IS NULL AND expires_at > $3 ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub struct NewEmailChange<'a> {
    pub organization_id: i64,
    pub user_id: i64,
    pub new_email: &'a str,
    pub secret_hash: &'a str,
    pub requested_by: i64,
    pub expires_at: i64,
}

/// Records a change waiting for the new address, voiding the user's earlier ones.
pub async fn request_email_change(
    conn: &mut Conn,
    now: i64,
    change: NewEmailChange<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE email_changes SET voided_at = $1 WHERE user_id = $2 AND used_at IS NULL AND voided_at IS NULL",
    )
    .bind(now)
    .bind(change.user_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO email_changes (user_id, organization_id, new_email, secret_hash, requested_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(change.user_id)
    .bind(change.organization_id)
    .bind(change.new_email)
    .bind(change.secret_hash)
    .bind(change.requested_by)
    .bind(now)
    .bind(change.expires_at)
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(sqlx::FromRow)]
pub struct EmailChange {
    pub id: i64,
    pub user_id: i64,
    pub organization_id: i64,
    pub new_email: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub voided_at: Option<i64>,
    pub requested_by: i64,
}

pub async fn email_change(
    conn: &mut Conn,
    secret_hash: &str,
) -> Result<Option<EmailChange>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, organization_id, new_email, expires_at, used_at, voided_at, requested_by \
         FROM email_changes WHERE secret_hash = $1",
    )
    .bind(secret_hash)
    .fetch_optional(conn)
    .await
}

/// Whether the change still stands as it was asked: the user works for that office alone, and
/// the one who asked is still its active Org Admin.
pub async fn still_as_asked(conn: &mut Conn, change: &EmailChange) -> Result<bool, sqlx::Error> {
    let score: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND organization_id = $2 AND status <> 'removed') \
         - (SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND organization_id <> $2 AND status <> 'removed') \
         + (SELECT COUNT(*) FROM memberships WHERE user_id = $3 AND organization_id = $2 AND org_role = 'admin' AND status = 'active')",
    )
    .bind(change.user_id)
    .bind(change.organization_id)
    .bind(change.requested_by)
    .fetch_one(conn)
    .await?;
    Ok(score == 2)
}

/// Uses the change once and sets the new address; false if it was used meanwhile. A unique
/// violation names `users_email_unique` (`users.email`).
pub async fn apply_email_change(
    conn: &mut Conn,
    now: i64,
    change: &EmailChange,
) -> Result<bool, sqlx::Error> {
    let spent =
        sqlx::query("UPDATE email_changes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(change.id)
            .execute(&mut *conn)
            .await?;
    if spent.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(&change.new_email)
        .bind(change.user_id)
        .execute(conn)
        .await?;
    Ok(true)
}

// --- The permission wizard ---------------------------------------------------------------

/// The role, preset and position of a membership.
#[derive(sqlx::FromRow)]
pub struct Role {
    pub org_role: String,
    pub role_preset: Option<String>,
    pub position: Option<String>,
    pub position_other: Option<String>,
}

pub async fn role(conn: &mut Conn, membership_id: i64) -> Result<Role, sqlx::Error> {
    sqlx::query_as(
        "SELECT org_role, role_preset, position, position_other FROM memberships WHERE id = $1",
    )
    .bind(membership_id)
    .fetch_one(conn)
    .await
}

/// Sets the role, preset and position; the user no longer waits for permissions.
pub async fn set_role(
    conn: &mut Conn,
    now: i64,
    membership_id: i64,
    role: &Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE memberships SET org_role = $1, role_preset = $2, position = $3, position_other = $4, \
         awaiting_permissions_since = NULL, updated_at = $5 WHERE id = $6",
    )
    .bind(&role.org_role)
    .bind(&role.role_preset)
    .bind(&role.position)
    .bind(&role.position_other)
    .bind(now)
    .bind(membership_id)
    .execute(conn)
    .await
    .map(|_| ())
}

// --- Domain Management -------------------------------------------------------------------

/// A user of the organization, for grouping by email domain.
#[derive(sqlx::FromRow)]
pub struct DomainUser {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub status: String,
}

pub async fn domain_users(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Vec<DomainUser>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.email, u.first_name, u.last_name, m.status FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.status <> 'removed' ORDER BY u.last_name, u.first_name",
    )
    .bind(organization_id)
    .fetch_all(conn)
    .await
}

pub async fn removed_domains(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT domain FROM removed_domains WHERE organization_id = $1")
        .bind(organization_id)
        .fetch_all(conn)
        .await
}

/// A unique violation names `removed_domains_pkey` (`removed_domains.organization_id, …`).
pub async fn remove_domain(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    domain: &str,
    by: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO removed_domains (organization_id, domain, removed_by, removed_at) VALUES ($1, $2, $3, $4)")
        .bind(organization_id)
        .bind(domain)
        .bind(by)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
}

// --- Verify Users ------------------------------------------------------------------------

/// Where the office's 60-day verification stands.
#[derive(sqlx::FromRow)]
pub struct Verification {
    pub verified_at: Option<i64>,
    pub registered_at: Option<i64>,
    pub suspended_at: Option<i64>,
    pub verification_submitted_at: Option<i64>,
}

pub async fn verification(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Verification, sqlx::Error> {
    sqlx::query_as(
        "SELECT verified_at, registered_at, suspended_at, verification_submitted_at FROM organizations WHERE id = $1",
    )
    .bind(organization_id)
    .fetch_one(conn)
    .await
}

/// An active user to verify.
#[derive(sqlx::FromRow)]
pub struct ToVerify {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub org_role: String,
    pub role_preset: Option<String>,
    pub position: Option<String>,
    pub position_other: Option<String>,
    pub verified_at: Option<i64>,
}

pub async fn users_to_verify(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Vec<ToVerify>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.first_name, u.last_name, u.email, m.org_role, m.role_preset, m.position, m.position_other, m.verified_at \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.status = 'active' ORDER BY u.last_name, u.first_name, u.id",
    )
    .bind(organization_id)
    .fetch_all(conn)
    .await
}

pub async fn mark_verified(
    conn: &mut Conn,
    now: i64,
    membership_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE memberships SET verified_at = $1 WHERE id = $2")
        .bind(now)
        .bind(membership_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Verification finished after the deadline: waits for the plan to reinstate the office.
pub async fn submit_verification(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organizations SET verification_submitted_at = $1 WHERE id = $2")
        .bind(now)
        .bind(organization_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Verification finished in time: the next 60 days start.
pub async fn complete_verification(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE organizations SET verified_at = $1, verification_submitted_at = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(organization_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The permission wizard's drafts, in the shared store: one per membership.
pub const PERMISSION_DRAFT: &str = "permissions";

pub fn permission_draft(membership_id: i64) -> String {
    format!("membership:{membership_id}")
}

/// Removes a user from the office: no role, no permissions, no draft, no session there.
pub async fn remove_member(
    conn: &mut Conn,
    now: i64,
    membership_id: i64,
    separation_date: &str,
    reason: &str,
) -> Result<(), sqlx::Error> {
    crate::ssr::repo::grants::clear(conn, membership_id).await?;
    crate::ssr::repo::drafts::delete(conn, PERMISSION_DRAFT, &permission_draft(membership_id))
        .await?;
    sqlx::query(
        "UPDATE memberships SET status = 'removed', org_role = 'none', separation_date = $1, removal_reason = $2, \
         awaiting_permissions_since = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(separation_date)
    .bind(reason)
    .bind(now)
    .bind(membership_id)
    .execute(conn)
    .await
    .map(|_| ())
}

// --- Collection Manager ------------------------------------------------------------------

/// The offices where the user is an active Org Admin: (id, name, tax ID).
pub async fn administered_offices(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.tax_id FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.org_role = 'admin' AND m.status = 'active' ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// The office's providers whose name or NPI contains `search` (all when empty): (name, NPI).
pub async fn office_providers(
    conn: &mut Conn,
    organization_id: i64,
    search: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, npi FROM providers WHERE organization_id = $1 \
         AND ($2 = '' OR LOWER(name) LIKE $3 ESCAPE '\\' OR npi LIKE $3 ESCAPE '\\') ORDER BY name LIMIT 200",
    )
    .bind(organization_id)
    .bind(search.trim())
    .bind(crate::ssr::repo::contains_pattern(search))
    .fetch_all(conn)
    .await
}

/// A user of an office, for the Collection Manager.
#[derive(sqlx::FromRow)]
pub struct OfficeUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub org_role: String,
    pub status: String,
}

/// The office's users by status, role and name or email (each filter off when empty).
pub async fn office_users(
    conn: &mut Conn,
    organization_id: i64,
    status: &str,
    role: &str,
    search: &str,
) -> Result<Vec<OfficeUser>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.first_name, u.last_name, u.email, m.org_role, m.status FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.status <> 'removed' AND ($2 = '' OR m.status = $2) AND ($3 = '' OR m.org_role = $3) \
         AND ($4 = '' OR LOWER(u.first_name || ' ' || u.last_name) LIKE $5 ESCAPE '\\' OR LOWER(u.email) LIKE $5 ESCAPE '\\') \
         ORDER BY u.last_name, u.first_name LIMIT 200",
    )
    .bind(organization_id)
    .bind(status)
    .bind(role)
    .bind(search.trim())
    .bind(crate::ssr::repo::contains_pattern(search))
    .fetch_all(conn)
    .await
}

// --- Task List ---------------------------------------------------------------------------

/// A pending access request to the office, with the provider asked for.
#[derive(sqlx::FromRow)]
pub struct Task {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: String,
    pub provider_address: String,
    pub position: String,
    pub position_other: Option<String>,
    pub submitted_at: Option<i64>,
    pub user_id: Option<i64>,
    pub provider_id: i64,
    pub provider: String,
    pub npi: String,
    pub office: String,
    pub access_agreement_at: Option<i64>,
}

const TASK_SELECT: &str = "SELECT a.id, a.first_name, a.last_name, a.email, a.mobile, a.provider_address, a.position, \
     a.position_other, a.submitted_at, a.user_id, a.provider_id, p.name AS provider, p.npi, o.name AS office, o.access_agreement_at \
     FROM access_requests a JOIN providers p ON p.id = a.provider_id JOIN organizations o ON o.id = a.organization_id";

/// The office's pending requests, oldest first.
pub async fn tasks(conn: &mut Conn, organization_id: i64) -> Result<Vec<Task>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{TASK_SELECT} WHERE a.organization_id = $1 AND a.status = 'pending' ORDER BY a.submitted_at, a.id"
    ))
    .bind(organization_id)
    .fetch_all(conn)
    .await
}

/// One pending request of the office; none for another office's or a decided one.
pub async fn task(
    conn: &mut Conn,
    organization_id: i64,
    id: i64,
) -> Result<Option<Task>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{TASK_SELECT} WHERE a.id = $1 AND a.organization_id = $2 AND a.status = 'pending'"
    ))
    .bind(id)
    .bind(organization_id)
    .fetch_optional(conn)
    .await
}

/// Declines the request once; false when it was decided meanwhile.
pub async fn decline(
    conn: &mut Conn,
    now: i64,
    id: i64,
    by: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let declined = sqlx::query(
        "UPDATE access_requests SET status = 'declined', decided_by = $1, decided_at = $2, decline_reason = $3 \
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(by)
    .bind(now)
    .bind(reason)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(declined.rows_affected() == 1)
}

/// Accepts the request once for `user_id`; false when it was decided meanwhile.
pub async fn accept(
    conn: &mut Conn,
    now: i64,
    id: i64,
    by: i64,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let accepted = sqlx::query(
        "UPDATE access_requests SET status = 'accepted', user_id = $1, decided_by = $2, decided_at = $3 \
         WHERE id = $4 AND status = 'pending'",
    )
    .bind(user_id)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(accepted.rows_affected() == 1)
}

/// An accepted requester's new account; a unique violation names `users_email_unique`.
pub async fn insert_requester(conn: &mut Conn, now: i64, task: &Task) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&task.email)
    .bind(&task.first_name)
    .bind(&task.last_name)
    .bind(&task.mobile)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The user's membership in the office, removed ones included: (id, status).
pub async fn membership(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, status FROM memberships WHERE user_id = $1 AND organization_id = $2")
        .bind(user_id)
        .bind(organization_id)
        .fetch_optional(conn)
        .await
}

/// Takes back a former member with a new role, starting a new verification.
pub async fn readmit(
    conn: &mut Conn,
    now: i64,
    membership_id: i64,
    role: &Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE memberships SET status = 'active', org_role = $1, role_preset = $2, position = $3, position_other = $4, \
         awaiting_permissions_since = NULL, verified_at = NULL, separation_date = NULL, removal_reason = NULL, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(&role.org_role)
    .bind(&role.role_preset)
    .bind(&role.position)
    .bind(&role.position_other)
    .bind(now)
    .bind(membership_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A new active member with a role.
pub async fn admit(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    user_id: i64,
    role: &Role,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO memberships (user_id, organization_id, org_role, status, role_preset, position, position_other, created_at, updated_at) \
         VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(&role.org_role)
    .bind(&role.role_preset)
    .bind(&role.position)
    .bind(&role.position_other)
    .bind(now)
    .fetch_one(conn)
    .await
}
