//! The append-only audit log: who did what, for which organization, when and from where.

use crate::ssr::db::Db;

#[derive(Debug, Clone, Default)]
pub struct AuditEntry {
    pub user_id: Option<i64>,
    pub organization_id: Option<i64>,
    /// A stable verb such as `sign_in.success`, `permission.change`, `phi.view`, `download`.
    pub action: &'static str,
    /// What it was done to, e.g. `user:12`, `claim:2024…`.
    pub subject: String,
    /// A short description; never a secret.
    pub detail: String,
    pub ip: Option<String>,
}

pub async fn record(db: &Db, at: i64, entry: AuditEntry) -> Result<(), sqlx::Error> {
    insert(&db.pool, at, entry).await
}

/// The same inside a transaction, with the change it records.
pub async fn record_in(
    conn: &mut sqlx::AnyConnection,
    at: i64,
    entry: AuditEntry,
) -> Result<(), sqlx::Error> {
    insert(conn, at, entry).await
}

async fn insert<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    at: i64,
    entry: AuditEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, organization_id, action, subject, detail, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(entry.user_id)
    .bind(entry.organization_id)
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(entry.ip)
    .execute(executor)
    .await
    .map(|_| ())
}
