//! Organizations as a whole: whether any exists, and finding one by name or tax ID (the
//! operator's command line).

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
