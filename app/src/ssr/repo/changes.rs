//! A user's change history in an organization ("Change History" on the user's page), each
//! entry written with its audit row.

use super::audit::Event;
use super::Conn;

/// One change to a user, as it is recorded.
pub struct Change<'a> {
    pub organization_id: i64,
    pub user_id: i64,
    /// `None` for the portal's own rules (e.g. deactivation of users never assigned).
    pub changed_by: Option<i64>,
    pub action: &'static str,
    pub before: &'a str,
    pub after: &'a str,
    pub reason: &'a str,
    pub ip: Option<String>,
}

pub async fn record(conn: &mut Conn, now: i64, change: Change<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO user_changes (organization_id, user_id, changed_by, at, action, before_value, after_value, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(change.organization_id)
    .bind(change.user_id)
    .bind(change.changed_by)
    .bind(now)
    .bind(change.action)
    .bind(change.before)
    .bind(change.after)
    .bind(change.reason)
    .execute(&mut *conn)
    .await?;
    Event::new(now, change.action, format!("user:{}", change.user_id))
        .user(change.changed_by)
        .org(change.organization_id)
        .detail(change.after.chars().take(500).collect::<String>())
        .ip(change.ip)
        .record_in(conn)
        .await
}

/// An entry of the history, newest first, with who made it (none: the portal itself).
#[derive(sqlx::FromRow)]
pub struct Entry {
    pub at: i64,
    pub action: String,
    pub before_value: String,
    pub after_value: String,
    pub reason: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

pub async fn history(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.at, c.action, c.before_value, c.after_value, c.reason, u.first_name, u.last_name \
         FROM user_changes c LEFT JOIN users u ON u.id = c.changed_by \
         WHERE c.organization_id = $1 AND c.user_id = $2 ORDER BY c.id DESC LIMIT 200",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_all(conn)
    .await
}
