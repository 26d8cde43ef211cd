//! Accounts: the `users` table as every feature reads and writes it.

use super::Conn;

pub async fn id_by_email(conn: &mut Conn, email: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(conn)
        .await
}

/// The account's email address; `None` for no such account.
pub async fn email(conn: &mut Conn, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}

/// The account's phone; `None` for no such account, `Some(None)` for no phone.
pub async fn phone(conn: &mut Conn, user_id: i64) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}

pub async fn set_phone(conn: &mut Conn, user_id: i64, phone: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET phone = $1 WHERE id = $2")
        .bind(phone)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The sealed passkey; `None` for no such account, `Some(None)` for no passkey.
pub async fn sealed_passkey(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar("SELECT passkey_ciphertext FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}

pub async fn set_passkey(conn: &mut Conn, user_id: i64, sealed: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET passkey_ciphertext = $1 WHERE id = $2")
        .bind(sealed)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Sets the first passkey: false when one is set already (the help desk trusts it, so a
/// change goes through My Profile's reset, with a fresh passcode).
pub async fn set_first_passkey(
    conn: &mut Conn,
    user_id: i64,
    sealed: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET passkey_ciphertext = $1 WHERE id = $2 AND passkey_ciphertext IS NULL",
    )
    .bind(sealed)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The password hash; `None` before the account is registered.
pub async fn password_hash(conn: &mut Conn, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// The hashes of the user's last `count` passwords, newest first.
pub async fn password_history(
    conn: &mut Conn,
    user_id: i64,
    count: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(count)
    .fetch_all(conn)
    .await
}

/// Sets a new password (kept in the history too); the run of failures and its lock end.
pub async fn set_password(
    conn: &mut Conn,
    now: i64,
    user_id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = NULL WHERE id = $3",
    )
    .bind(hash)
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(user_id)
    .bind(hash)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Ends the user's sessions but `keep`.
pub async fn end_other_sessions(
    conn: &mut Conn,
    user_id: i64,
    keep: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(conn)
        .await
        .map(|_| ())
}

/// An account made with a password (demo users, plan staff), its training done today.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone: Option<&'a str>,
    pub password_hash: &'a str,
    pub is_operator: bool,
    /// When the password was set and the training done.
    pub at: i64,
    pub created_at: i64,
}

pub async fn insert(conn: &mut Conn, user: &NewUser<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, phone, password_hash, password_changed_at, is_operator, \
         training_completed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8) RETURNING id",
    )
    .bind(user.email)
    .bind(user.first_name)
    .bind(user.last_name)
    .bind(user.phone)
    .bind(user.password_hash)
    .bind(user.at)
    .bind(i64::from(user.is_operator))
    .bind(user.created_at)
    .fetch_one(conn)
    .await
}

/// The training each user took: the administrators', for anyone who is an Org Admin somewhere.
pub async fn set_training_roles(conn: &mut Conn) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET training_role = CASE WHEN EXISTS \
         (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.org_role = 'admin') THEN 'admin' ELSE 'staff' END",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Lifts both sign-in locks (10 failures in a row, 100 in all): the help desk's "Unlock
/// Account", or a completed reset; false for no such account.
pub async fn clear_lockout(conn: &mut Conn, user_id: i64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE users SET failed_logins = 0, lifetime_failed_logins = 0, locked_until = NULL WHERE id = $1",
    )
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}
