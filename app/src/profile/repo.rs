//! "My Profile"'s repository: the signed-in user's own account, preferences and sessions.

use crate::ssr::repo::Conn;

/// What the profile shows of the account's security: never a secret itself.
#[derive(sqlx::FromRow)]
pub struct Account {
    pub phone: Option<String>,
    pub passkey_ciphertext: Option<String>,
    pub totp_secret_ciphertext: Option<String>,
}

pub async fn account(conn: &mut Conn, user_id: i64) -> Result<Account, sqlx::Error> {
    sqlx::query_as(
        "SELECT phone, passkey_ciphertext, totp_secret_ciphertext FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await
}

/// Saved notification preferences: (kind, frequency, email 0/1).
pub async fn preferences(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT kind, frequency, email FROM notification_preferences WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(conn)
        .await
}

/// The user's sessions, most recently used first.
#[derive(sqlx::FromRow)]
pub struct Session {
    pub id_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: Option<String>,
}

pub async fn sessions(conn: &mut Conn, user_id: i64) -> Result<Vec<Session>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id_hash, created_at, last_seen_at, ip FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// The name and every notification preference, replaced together.
pub async fn save(
    conn: &mut Conn,
    user_id: i64,
    first_name: &str,
    last_name: &str,
    preferences: &[(String, String, bool)],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET first_name = $1, last_name = $2 WHERE id = $3")
        .bind(first_name)
        .bind(last_name)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM notification_preferences WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for (kind, frequency, email) in preferences {
        sqlx::query(
            "INSERT INTO notification_preferences (user_id, kind, frequency, email) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(kind)
        .bind(frequency)
        .bind(i64::from(*email))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

// --- My Collections ----------------------------------------------------------------------

/// The user's pending requests to join offices: (office id, office, provider).
pub async fn pending_requests(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.name, p.name FROM access_requests a JOIN organizations o ON o.id = a.organization_id \
         JOIN providers p ON p.id = a.provider_id WHERE a.user_id = $1 AND a.kind = 'collection' AND a.status = 'pending' ORDER BY a.id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// The user's membership status in an office, removed ones included.
pub async fn membership_status(
    conn: &mut Conn,
    user_id: i64,
    organization_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT status FROM memberships WHERE user_id = $1 AND organization_id = $2")
        .bind(user_id)
        .bind(organization_id)
        .fetch_optional(conn)
        .await
}

pub async fn has_pending_request(
    conn: &mut Conn,
    user_id: i64,
    organization_id: i64,
) -> Result<bool, sqlx::Error> {
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM access_requests WHERE user_id = $1 AND organization_id = $2 AND status = 'pending'",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_one(conn)
    .await?;
    Ok(pending > 0)
}

/// A signed-in user's request to join an office, waiting in its Task List.
pub struct JoinRequest<'a> {
    pub user_id: i64,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub mobile: &'a str,
    pub provider_id: i64,
    pub organization_id: i64,
}

pub async fn request_to_join(
    conn: &mut Conn,
    now: i64,
    r: JoinRequest<'_>,
) -> Result<i64, sqlx::Error> {
    // The office's administrator sets the position on accepting.
    sqlx::query_scalar(
        "INSERT INTO access_requests (kind, step, status, user_id, first_name, last_name, email, mobile, provider_address, position, \
         provider_id, organization_id, created_at, expires_at, submitted_at) \
         VALUES ('collection', 'submitted', 'pending', $1, $2, $3, $4, $5, '', '', $6, $7, $8, $8, $8) RETURNING id",
    )
    .bind(r.user_id)
    .bind(r.first_name)
    .bind(r.last_name)
    .bind(r.email)
    .bind(r.mobile)
    .bind(r.provider_id)
    .bind(r.organization_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Makes the office the user's default; false when they are not active there.
pub async fn set_default_office(
    conn: &mut Conn,
    user_id: i64,
    organization_id: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE memberships SET is_default = 1 WHERE user_id = $1 AND organization_id = $2 AND status = 'active'",
    )
    .bind(user_id)
    .bind(organization_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE memberships SET is_default = 0 WHERE user_id = $1 AND organization_id <> $2",
    )
    .bind(user_id)
    .bind(organization_id)
    .execute(conn)
    .await?;
    Ok(true)
}
