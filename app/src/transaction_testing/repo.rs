//! Transaction tests, each scoped to the member's organization.

use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

pub struct NewTest<'a> {
    pub transaction_type: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub accepted: bool,
    pub findings: &'a str,
    pub ack: &'a str,
    pub now: i64,
}

pub async fn insert(
    conn: &mut Conn,
    member: &Member,
    test: NewTest<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO transaction_tests (organization_id, user_id, transaction_type, file_name, sha256, accepted, findings, ack, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(member.organization_id())
    .bind(member.user_id)
    .bind(test.transaction_type)
    .bind(test.file_name)
    .bind(test.sha256)
    .bind(i64::from(test.accepted))
    .bind(test.findings)
    .bind(test.ack)
    .bind(test.now)
    .fetch_one(conn)
    .await
}

#[derive(sqlx::FromRow)]
pub struct TestRecord {
    pub id: i64,
    pub transaction_type: String,
    pub file_name: String,
    pub accepted: i64,
    pub findings: String,
    pub ack: String,
    pub created_at: i64,
    pub first_name: String,
    pub last_name: String,
}

const SELECT: &str = "SELECT t.id, t.transaction_type, t.file_name, t.accepted, t.findings, t.ack, t.created_at, \
     u.first_name, u.last_name FROM transaction_tests t JOIN users u ON u.id = t.user_id WHERE t.organization_id = $1";

/// One of the organization's tests.
pub async fn find(
    conn: &mut Conn,
    member: &Member,
    id: i64,
) -> Result<Option<TestRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} AND t.id = $2"))
        .bind(member.organization_id())
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The organization's latest tests, newest first.
pub async fn recent(
    conn: &mut Conn,
    member: &Member,
    limit: i64,
) -> Result<Vec<TestRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} ORDER BY t.id DESC LIMIT $2"))
        .bind(member.organization_id())
        .bind(limit)
        .fetch_all(conn)
        .await
}

/// The NPIs of the organization's providers.
pub async fn organization_npis(
    conn: &mut Conn,
    member: &Member,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT npi FROM providers WHERE organization_id = $1")
        .bind(member.organization_id())
        .fetch_all(conn)
        .await
}
