//! The sign-in repository: accounts as the password step reads them, failure counts and
//! locks, the challenge between password and passcode, and the session's step-up.

use crate::ssr::repo::Conn;

/// An account as the password step needs it.
#[derive(sqlx::FromRow)]
pub struct Login {
    pub id: i64,
    pub password_hash: Option<String>,
    pub lifetime_failed_logins: i64,
    pub locked_until: Option<i64>,
    pub phone: Option<String>,
    pub totp_secret_ciphertext: Option<String>,
}

pub async fn login(conn: &mut Conn, email: &str) -> Result<Option<Login>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash, lifetime_failed_logins, locked_until, phone, totp_secret_ciphertext \
         FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await
}

/// Counts a failed sign-in in one statement and answers the run's new length, so parallel
/// failures each see their own count; `None` when the account is locked (attempts while
/// locked do not count).
pub async fn count_failure(
    conn: &mut Conn,
    user_id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1, lifetime_failed_logins = lifetime_failed_logins + 1 \
         WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_logins",
    )
    .bind(user_id)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn lock(conn: &mut Conn, user_id: i64, until: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
        .bind(until)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A completed sign-in (password and second factor) ends the run of failures.
pub async fn clear_failures(conn: &mut Conn, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The challenge a correct password opens, until the passcode closes it.
pub async fn open_challenge(
    conn: &mut Conn,
    id_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sign_in_challenges (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(id_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The user behind a live challenge.
#[derive(sqlx::FromRow)]
pub struct Challenged {
    pub id: i64,
    pub email: String,
    pub phone: Option<String>,
    pub locked_until: Option<i64>,
    pub lifetime_failed_logins: i64,
}

pub async fn challenge(
    conn: &mut Conn,
    id_hash: &str,
    now: i64,
) -> Result<Option<Challenged>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email, u.phone, u.locked_until, u.lifetime_failed_logins \
         FROM sign_in_challenges c JOIN users u ON u.id = c.user_id \
         WHERE c.id_hash = $1 AND c.expires_at > $2",
    )
    .bind(id_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Takes one of the challenge's `max` second-factor tries before the code is checked, in one
/// statement: the tries taken so far, or `None` when none is left (or it expired meanwhile).
pub async fn reserve_challenge_try(
    conn: &mut Conn,
    id_hash: &str,
    now: i64,
    max: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE sign_in_challenges SET failures = failures + 1 \
         WHERE id_hash = $1 AND failures < $2 AND expires_at > $3 RETURNING failures",
    )
    .bind(id_hash)
    .bind(max)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn close_challenge(conn: &mut Conn, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_challenges WHERE id_hash = $1")
        .bind(id_hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The organizations where the user's membership is active, the default first.
pub async fn active_organization_ids(
    conn: &mut Conn,
    user_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT organization_id FROM memberships WHERE user_id = $1 AND status = 'active' \
         ORDER BY is_default DESC, organization_id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// The session entered a one-time passcode now.
/// A sign-in: the one before it becomes the previous sign-in ("New Correspondence" since).
pub async fn record_sign_in(conn: &mut Conn, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET previous_sign_in_at = signed_in_at, signed_in_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn mark_step_up(
    conn: &mut Conn,
    session_hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET step_up_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(session_hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Whether the user is plan staff, and when the password was set.
pub async fn password_state(
    conn: &mut Conn,
    user_id: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    sqlx::query_as("SELECT is_operator, password_changed_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

// --- Authenticator app -------------------------------------------------------------------

/// Keeps the secret of an enrolment until its first code confirms it.
pub async fn set_pending_totp(
    conn: &mut Conn,
    user_id: i64,
    sealed: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_pending_ciphertext = $1 WHERE id = $2")
        .bind(sealed)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn pending_totp(conn: &mut Conn, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT totp_pending_ciphertext FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// The confirmed secret replaces any earlier one; `step` is the code just used.
pub async fn enroll_totp(
    conn: &mut Conn,
    user_id: i64,
    sealed: &str,
    step: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret_ciphertext = $1, totp_last_step = $2, totp_pending_ciphertext = NULL WHERE id = $3",
    )
    .bind(sealed)
    .bind(step)
    .bind(user_id)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn remove_totp(conn: &mut Conn, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret_ciphertext = NULL, totp_last_step = NULL, totp_pending_ciphertext = NULL WHERE id = $1",
    )
    .bind(user_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The enrolled secret and the step of the last code used.
pub async fn totp(
    conn: &mut Conn,
    user_id: i64,
) -> Result<(Option<String>, Option<i64>), sqlx::Error> {
    sqlx::query_as("SELECT totp_secret_ciphertext, totp_last_step FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// Moves the last used step forward; false when another request used this code (or a later
/// one) first, so a code works once even when sent twice at once.
pub async fn use_totp_step(conn: &mut Conn, user_id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let moved = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(moved.rows_affected() == 1)
}
