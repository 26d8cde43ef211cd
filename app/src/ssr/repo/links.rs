//! The `password_links` table: single-use links (registration, invitation, reset) by the hash
//! of their secret.

use crate::ssr::db::Db;

/// Voids the user's unused links of one purpose: a new one replaces them.
pub async fn void_unused(
    db: &Db,
    now: i64,
    user_id: i64,
    purpose: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE password_links SET voided_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL AND voided_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// Voids every unused link of the user, whatever it is for: they went to an address that is
/// no longer the user's.
pub async fn void_all_unused(
    conn: &mut super::Conn,
    now: i64,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE password_links SET voided_at = $1 WHERE user_id = $2 AND used_at IS NULL AND voided_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn insert(
    db: &Db,
    now: i64,
    user_id: i64,
    purpose: &str,
    secret_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO password_links (user_id, purpose, secret_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(purpose)
    .bind(secret_hash)
    .bind(now)
    .bind(expires_at)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

pub async fn passcode_verified(db: &Db, now: i64, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE password_links SET passcode_verified_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Uses the link once; false when it was used meanwhile.
pub async fn spend(db: &Db, now: i64, id: i64) -> Result<bool, sqlx::Error> {
    let spent =
        sqlx::query("UPDATE password_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&db.pool)
            .await?;
    Ok(spent.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub user_id: i64,
    pub purpose: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub voided_at: Option<i64>,
    pub passcode_verified_at: Option<i64>,
}

pub async fn by_secret_hash(db: &Db, secret_hash: &str) -> Result<Option<LinkRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, purpose, expires_at, used_at, voided_at, passcode_verified_at FROM password_links \
         WHERE secret_hash = $1",
    )
    .bind(secret_hash)
    .fetch_optional(&db.pool)
    .await
}
