//! Memberships: a person's place in an organization, with its role and status.

use super::Conn;
use crate::ssr::db::Db;

/// A user's membership in an organization, unless removed.
#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub status: String,
    pub org_role: String,
    pub awaiting_permissions_since: Option<i64>,
    /// 1 while the user has not registered (no password yet).
    pub invited: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

pub async fn find(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.status, m.org_role, m.awaiting_permissions_since, \
         CASE WHEN u.password_hash IS NULL THEN 1 ELSE 0 END AS invited, u.first_name, u.last_name, u.email \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.user_id = $2 AND m.status <> 'removed'",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await
}

/// A transaction holding the organization's row, so that a check of its admins and the
/// write that follows cannot interleave with another administrator's doing the same. On
/// PostgreSQL the update locks the row; SQLite has one writer at a time, taken at the start
/// (`BEGIN IMMEDIATE`) so that a second writer waits for the first instead of failing on a
/// stale snapshot.
pub async fn lock_organization(
    db: &Db,
    organization_id: i64,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE organizations SET name = name WHERE id = $1")
        .bind(organization_id)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Within [`lock_organization`]: whether the user is the organization's last active Org Admin.
pub async fn last_admin(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND org_role = 'admin' \
         AND status = 'active' AND user_id <> $2",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(others == 0)
}

/// Deactivates a membership and ends the user's sessions in that organization at once.
pub async fn deactivate(
    conn: &mut Conn,
    now: i64,
    membership_id: i64,
    user_id: i64,
    organization_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE memberships SET status = 'deactivated', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    end_sessions(conn, user_id, organization_id).await
}

/// Ends the user's sessions in the organization.
pub async fn end_sessions(
    conn: &mut Conn,
    user_id: i64,
    organization_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND organization_id = $2")
        .bind(user_id)
        .bind(organization_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The email addresses of the organization's active Org Admins.
pub async fn admin_emails(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND m.org_role = 'admin' AND m.status = 'active'",
    )
    .bind(organization_id)
    .fetch_all(conn)
    .await
}

/// An organization where the user's membership is active.
#[derive(sqlx::FromRow)]
pub struct ActiveOrganization {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// 1 for the one the user starts in.
    pub is_default: i64,
}

/// The organizations where the user's membership is active, by name.
pub async fn active_organizations(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Vec<ActiveOrganization>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.kind, m.is_default FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.status = 'active' ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}
