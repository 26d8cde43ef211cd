//! The `uploads` table: what each kept file is, whose, and its hash (its name in the folder).

use super::Conn;

pub struct NewUpload<'a> {
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub file_name: &'a str,
    pub organization_id: Option<i64>,
    pub uploaded_by: i64,
    pub now: i64,
}

pub async fn insert(conn: &mut Conn, upload: NewUpload<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO uploads (sha256, size, content_type, file_name, organization_id, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(upload.sha256)
    .bind(upload.size)
    .bind(upload.content_type)
    .bind(upload.file_name)
    .bind(upload.organization_id)
    .bind(upload.uploaded_by)
    .bind(upload.now)
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRecord {
    pub id: i64,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub created_at: i64,
}

/// Uploads by `user` in `organization`, by id (the files of a draft).
pub async fn owned(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
    ids: &[i64],
) -> Result<Vec<FileRecord>, sqlx::Error> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<FileRecord> = sqlx::query_as(
            "SELECT id, file_name, size, sha256, content_type, created_at FROM uploads \
             WHERE id = $1 AND organization_id = $2 AND uploaded_by = $3",
        )
        .bind(id)
        .bind(organization_id)
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        found.extend(row);
    }
    Ok(found)
}
