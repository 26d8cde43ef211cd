//! Organizations as a whole: whether any exists, finding one by name or tax ID (the
//! operator's command line), and whether it is paperless.

use super::Conn;

pub async fn exist(conn: &mut Conn) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
        .fetch_one(conn)
        .await?;
    Ok(count > 0)
}

/// The organization named `name` (any case) or with the tax ID `digits`.
pub async fn by_name_or_tax_id(
    conn: &mut Conn,
    name: &str,
    digits: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM organizations WHERE LOWER(name) = LOWER($1) OR tax_id = $2")
        .bind(name)
        .bind(digits)
        .fetch_optional(conn)
        .await
}

/// When the organization went paperless, if it has.
pub async fn paperless_since(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT paperless_at FROM organizations WHERE id = $1")
        .bind(organization_id)
        .fetch_one(conn)
        .await
}

/// Enrolls the organization in paperless correspondence; false if it already was.
pub async fn enroll_paperless(
    conn: &mut Conn,
    organization_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE organizations SET paperless_at = $1 WHERE id = $2 AND paperless_at IS NULL")
        .bind(now)
        .bind(organization_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected() == 1)
}
