//! The plan's published content: banners and the Additional Resources pages. Plan staff write
//! it (the guard admitted only them); everyone reads it.

use crate::ssr::repo::Conn;

#[derive(sqlx::FromRow)]
pub struct BannerRow {
    pub id: i64,
    pub message: String,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// Banners showing or scheduled, then those ended most recently: the console's list.
pub async fn banners(conn: &mut Conn, limit: i64) -> Result<Vec<BannerRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, message, starts_at, ends_at FROM banners ORDER BY ends_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

pub async fn add_banner(
    conn: &mut Conn,
    message: &str,
    starts_at: i64,
    ends_at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO banners (message, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(message)
    .bind(starts_at)
    .bind(ends_at)
    .fetch_one(conn)
    .await
}

/// Ends a banner now (a scheduled one never shows); false when it had already ended.
pub async fn expire_banner(conn: &mut Conn, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE banners SET ends_at = $2 WHERE id = $1 AND ends_at > $2")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A page's text and when it was last saved.
pub async fn page(conn: &mut Conn, slug: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT body, updated_at FROM resource_pages WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await
}

pub async fn save_page(
    conn: &mut Conn,
    slug: &str,
    body: &str,
    now: i64,
    user_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO resource_pages (slug, body, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (slug) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by",
    )
    .bind(slug)
    .bind(body)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}
