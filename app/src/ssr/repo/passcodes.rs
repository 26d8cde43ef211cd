//! The `passcodes` table: one-time passcodes by purpose and subject, stored as keyed hashes.

use crate::ssr::db::Db;

/// The latest unused passcode of a subject: (id, failures so far).
pub async fn latest_unused(
    db: &Db,
    purpose: &str,
    subject: &str,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, failures FROM passcodes WHERE purpose = $1 AND subject = $2 AND used_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(purpose)
    .bind(subject)
    .fetch_optional(&db.pool)
    .await
}

pub async fn void(db: &Db, now: i64, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE passcodes SET voided_at = $1 WHERE id = $2 AND voided_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// A passcode as it is kept: never the code itself.
pub struct NewPasscode<'a> {
    pub purpose: &'a str,
    pub subject: &'a str,
    pub prefix: &'a str,
    pub code_hash: &'a str,
    pub channel: &'a str,
    pub destination: &'a str,
    /// Carried over from the code this one replaces, so resending does not reset the count.
    pub failures: i64,
    pub expires_at: i64,
}

pub async fn insert(db: &Db, now: i64, p: NewPasscode<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO passcodes (purpose, subject, prefix, code_hash, channel, destination, failures, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(p.purpose)
    .bind(p.subject)
    .bind(p.prefix)
    .bind(p.code_hash)
    .bind(p.channel)
    .bind(p.destination)
    .bind(p.failures)
    .bind(now)
    .bind(p.expires_at)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// The prefix of the passcode waiting for the subject, if one is.
pub async fn pending_prefix(
    db: &Db,
    now: i64,
    purpose: &str,
    subject: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT prefix FROM passcodes WHERE purpose = $1 AND subject = $2 AND used_at IS NULL AND voided_at IS NULL \
         AND expires_at > $3 ORDER BY id DESC LIMIT 1",
    )
    .bind(purpose)
    .bind(subject)
    .bind(now)
    .fetch_optional(&db.pool)
    .await
}

/// The channel and destination of the last passcode sent for the subject.
pub async fn last_sent(
    db: &Db,
    purpose: &str,
    subject: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT channel, destination FROM passcodes WHERE purpose = $1 AND subject = $2 ORDER BY id DESC LIMIT 1")
        .bind(purpose)
        .bind(subject)
        .fetch_optional(&db.pool)
        .await
}

/// The passcode a typed code is checked against.
#[derive(sqlx::FromRow)]
pub struct Stored {
    pub id: i64,
    pub code_hash: String,
    pub failures: i64,
    pub expires_at: i64,
    pub voided_at: Option<i64>,
}

pub async fn to_check(
    db: &Db,
    purpose: &str,
    subject: &str,
) -> Result<Option<Stored>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code_hash, failures, expires_at, voided_at FROM passcodes \
         WHERE purpose = $1 AND subject = $2 AND used_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(purpose)
    .bind(subject)
    .fetch_optional(&db.pool)
    .await
}

/// Takes one of the passcode's `max` tries before the typed code is compared, in one
/// statement, so parallel guesses cannot all pass a count read earlier: false when none is
/// left, or the passcode was used, voided or expired meanwhile.
pub async fn reserve_try(db: &Db, now: i64, id: i64, max: i64) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query(
        "UPDATE passcodes SET failures = failures + 1 WHERE id = $1 AND failures < $2 \
         AND used_at IS NULL AND voided_at IS NULL AND expires_at > $3",
    )
    .bind(id)
    .bind(max)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// After a wrong code: the `max`th try voids the passcode.
pub async fn void_if_spent(db: &Db, now: i64, id: i64, max: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE passcodes SET voided_at = $1 WHERE id = $2 AND failures >= $3 AND voided_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(max)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// Uses the passcode up (its reserved try given back): false when another request used it.
pub async fn mark_used(db: &Db, now: i64, id: i64) -> Result<bool, sqlx::Error> {
    let used = sqlx::query(
        "UPDATE passcodes SET used_at = $1, failures = failures - 1 \
         WHERE id = $2 AND used_at IS NULL AND voided_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(used.rows_affected() == 1)
}
