//! The one store of unfinished multi-step flows (`drafts`): one row per kind and owner, the
//! step it is on and the flow's own payload as JSON.

use super::Conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftRow {
    pub step: String,
    pub payload: String,
    pub updated_at: i64,
    /// Counts the draft's saves (see [`put_unchanged`]).
    pub revision: i64,
}

/// The live draft of `kind` owned by `owner`.
pub async fn find(
    conn: &mut Conn,
    kind: &str,
    owner: &str,
    now: i64,
) -> Result<Option<DraftRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT step, payload, updated_at, revision FROM drafts \
         WHERE kind = $1 AND owner = $2 AND (expires_at IS NULL OR expires_at > $3)",
    )
    .bind(kind)
    .bind(owner)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Writes the draft in one statement, so a double submit cannot fail on the key. A new draft
/// starts at revision 1: 0 stands for "not saved" (see [`put_unchanged`]).
#[allow(clippy::too_many_arguments)]
pub async fn put(
    conn: &mut Conn,
    kind: &str,
    owner: &str,
    step: &str,
    payload: &str,
    updated_by: Option<i64>,
    now: i64,
    expires_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO drafts (kind, owner, step, payload, updated_by, updated_at, expires_at, revision) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
         ON CONFLICT (kind, owner) DO UPDATE SET step = excluded.step, payload = excluded.payload, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at, expires_at = excluded.expires_at, \
         revision = drafts.revision + 1",
    )
    .bind(kind)
    .bind(owner)
    .bind(step)
    .bind(payload)
    .bind(updated_by)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes the draft only if it is still at `revision` (0: not saved yet); answers its new
/// revision, or `None` when another save came first.
#[allow(clippy::too_many_arguments)]
pub async fn put_unchanged(
    conn: &mut Conn,
    kind: &str,
    owner: &str,
    revision: i64,
    step: &str,
    payload: &str,
    updated_by: Option<i64>,
    now: i64,
    expires_at: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    // Either way $1…$7 are the same values; an update also names the revision it read ($8).
    // A new draft may take the place of one whose time is up, which `find` no longer answers.
    let sql = if revision == 0 {
        "INSERT INTO drafts (kind, owner, step, payload, updated_by, updated_at, expires_at, revision) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (kind, owner) DO UPDATE SET \
         step = excluded.step, payload = excluded.payload, updated_by = excluded.updated_by, \
         updated_at = excluded.updated_at, expires_at = excluded.expires_at, \
         revision = drafts.revision + 1 WHERE drafts.expires_at <= $6 \
         RETURNING revision"
    } else {
        "UPDATE drafts SET step = $3, payload = $4, updated_by = $5, updated_at = $6, \
         expires_at = $7, revision = revision + 1 \
         WHERE kind = $1 AND owner = $2 AND revision = $8 RETURNING revision"
    };
    let mut query = sqlx::query_scalar(sql)
        .bind(kind)
        .bind(owner)
        .bind(step)
        .bind(payload)
        .bind(updated_by)
        .bind(now)
        .bind(expires_at);
    if revision != 0 {
        query = query.bind(revision);
    }
    query.fetch_optional(conn).await
}

pub async fn delete(conn: &mut Conn, kind: &str, owner: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM drafts WHERE kind = $1 AND owner = $2")
        .bind(kind)
        .bind(owner)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the draft only if it is still at `revision`; answers whether it did.
pub async fn delete_unchanged(
    conn: &mut Conn,
    kind: &str,
    owner: &str,
    revision: i64,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM drafts WHERE kind = $1 AND owner = $2 AND revision = $3")
            .bind(kind)
            .bind(owner)
            .bind(revision)
            .execute(conn)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Forgets the drafts whose time is up.
pub async fn purge(conn: &mut Conn, now: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM drafts WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}

/// The live drafts of `kind` whose owner starts with `prefix`, the latest first.
pub async fn list(
    conn: &mut Conn,
    kind: &str,
    prefix: &str,
    now: i64,
) -> Result<Vec<(String, DraftRow)>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT owner, step, payload, updated_at, revision FROM drafts \
         WHERE kind = $1 AND owner LIKE $2 AND (expires_at IS NULL OR expires_at > $3) \
         ORDER BY updated_at DESC, owner",
    )
    .bind(kind)
    .bind(format!("{prefix}%"))
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(owner, step, payload, updated_at, revision)| {
            (
                owner,
                DraftRow {
                    step,
                    payload,
                    updated_at,
                    revision,
                },
            )
        })
        .collect())
}
