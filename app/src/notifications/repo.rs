//! The notifications repository: a member sees their organization's notifications for
//! everyone and those addressed to them.

use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

#[derive(sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

pub struct Filter<'a> {
    pub search: &'a str,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// (created_at, id) of the previous page's last row.
    pub after: Option<(i64, i64)>,
}

/// Newest first, at most `limit`.
pub async fn page(
    conn: &mut Conn,
    member: &Member,
    filter: Filter<'_>,
    limit: i64,
) -> Result<Vec<Row>, sqlx::Error> {
    let (after_at, after_id) = filter.after.unwrap_or((i64::MAX, i64::MAX));
    sqlx::query_as(
        "SELECT n.id, n.title, n.body, n.link, n.created_at, r.read_at FROM notifications n \
         LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = $2 \
         WHERE n.organization_id = $1 AND (n.user_id IS NULL OR n.user_id = $2) \
         AND ($3 = '' OR LOWER(n.title) LIKE $4 ESCAPE '\\' OR LOWER(n.body) LIKE $4 ESCAPE '\\') \
         AND n.created_at >= $5 AND n.created_at < $6 \
         AND (n.created_at < $7 OR (n.created_at = $7 AND n.id < $8)) \
         ORDER BY n.created_at DESC, n.id DESC LIMIT $9",
    )
    .bind(member.organization_id())
    .bind(member.user_id)
    .bind(filter.search.trim())
    .bind(crate::ssr::repo::contains_pattern(filter.search))
    .bind(filter.from.unwrap_or(i64::MIN))
    .bind(filter.to.unwrap_or(i64::MAX))
    .bind(after_at)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Whether the member sees the notification at all.
pub async fn visible(conn: &mut Conn, member: &Member, id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM notifications WHERE id = $1 AND organization_id = $2 \
         AND (user_id IS NULL OR user_id = $3)",
    )
    .bind(id)
    .bind(member.organization_id())
    .bind(member.user_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

pub async fn mark(
    conn: &mut Conn,
    member: &Member,
    id: i64,
    read: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    let query = if read {
        sqlx::query(
            "INSERT INTO notification_reads (notification_id, user_id, read_at) VALUES ($1, $2, $3) \
             ON CONFLICT (notification_id, user_id) DO NOTHING",
        )
        .bind(id)
        .bind(member.user_id)
        .bind(now)
    } else {
        sqlx::query("DELETE FROM notification_reads WHERE notification_id = $1 AND user_id = $2")
            .bind(id)
            .bind(member.user_id)
    };
    query.execute(conn).await.map(|_| ())
}
