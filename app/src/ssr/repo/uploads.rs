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
