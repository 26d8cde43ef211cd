//! The `sessions` table: each row keyed by the hash of the ID the browser holds.

use crate::ssr::db::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: i64,
    pub organization_id: Option<i64>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub step_up_at: Option<i64>,
}

/// A new session, in the organization if one is chosen.
pub struct NewSession {
    pub id_hash: String,
    pub user_id: i64,
    pub organization_id: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// When the sign-in happened: a session that replaces another keeps its start, so the
    /// 12-hour limit counts from the sign-in.
    pub started_at: i64,
}

pub async fn insert(db: &Db, now: i64, s: NewSession) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, organization_id, created_at, last_seen_at, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(s.id_hash)
    .bind(s.user_id)
    .bind(s.organization_id)
    .bind(s.started_at)
    .bind(now)
    .bind(s.ip)
    .bind(s.user_agent)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

pub async fn by_hash(db: &Db, id_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id_hash, user_id, organization_id, created_at, last_seen_at, step_up_at FROM sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(&db.pool)
    .await
}

pub async fn touch(db: &Db, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(&mut *db.conn().await?)
        .await
        .map(|_| ())
}

pub async fn delete_by_hash(db: &Db, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

pub async fn delete_for_user(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}
