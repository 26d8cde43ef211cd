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
