//! The disputes repository. An office reads only its own disputes, and only on claims an NPI
//! the user holds billed or rendered; the plan's queue reads them all.

use crate::ssr::guard::Member;
pub use crate::ssr::repo::uploads::{owned as uploads, FileRecord};
use crate::ssr::repo::Conn;

/// A dispute as the lookup, the dialog and the queue read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DisputeRecord {
    pub id: i64,
    pub number: String,
    pub claim_id: i64,
    pub claim_number: String,
    pub organization_id: i64,
    pub organization: String,
    pub billing_provider_id: i64,
    pub member: String,
    pub status: String,
    pub description: String,
    pub expected_outcome: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_title: Option<String>,
    pub contact_phone: String,
    pub contact_fax: Option<String>,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub resolution: Option<String>,
    pub resolution_document_id: Option<i64>,
}

const SELECT: &str = "SELECT d.id, d.number, d.claim_id, c.claim_number, d.organization_id, o.name AS organization, \
     c.billing_provider_id, m.first_name || ' ' || m.last_name AS member, d.status, d.description, d.expected_outcome, \
     d.contact_name, d.contact_email, d.contact_title, d.contact_phone, d.contact_fax, \
     u.first_name || ' ' || u.last_name AS submitted_by, d.submitted_at, d.acknowledged_at, d.resolved_at, \
     d.resolution, d.resolution_document_id \
     FROM disputes d JOIN claims c ON c.id = d.claim_id JOIN members m ON m.id = c.member_id \
     JOIN organizations o ON o.id = d.organization_id JOIN users u ON u.id = d.submitted_by";

/// The office's dispute, on a claim of an NPI the membership `$2` holds.
const READABLE: &str = "d.organization_id = $1 \
     AND (c.billing_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $2) \
       OR c.service_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $2))";

/// The dispute on a claim (any office's: a claim is disputed once), as (number, status).
pub async fn for_claim(
    conn: &mut Conn,
    claim_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT number, status FROM disputes WHERE claim_id = $1")
        .bind(claim_id)
        .fetch_optional(conn)
        .await
}

/// What a lookup asks: submitted `from`..`to` (UTC seconds), a status, a claim number.
pub struct Search<'a> {
    pub from: i64,
    pub to: i64,
    pub status: &'a str,
    pub claim: &'a str,
}

pub async fn search(
    conn: &mut Conn,
    member: &Member,
    search: &Search<'_>,
    limit: i64,
) -> Result<Vec<DisputeRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE {READABLE} AND d.submitted_at >= $3 AND d.submitted_at < $4 \
         AND ($5 = '' OR d.status = $5) AND ($6 = '' OR c.claim_number = $6) \
         ORDER BY d.submitted_at DESC, d.id DESC LIMIT $7"
    ))
    .bind(member.organization_id())
    .bind(member.org.membership_id)
    .bind(search.from)
    .bind(search.to)
    .bind(search.status)
    .bind(search.claim)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The office's dispute with this number, if the member may read it.
pub async fn readable(
    conn: &mut Conn,
    member: &Member,
    number: &str,
) -> Result<Option<DisputeRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE {READABLE} AND d.number = $3"))
        .bind(member.organization_id())
        .bind(member.org.membership_id)
        .bind(number)
        .fetch_optional(conn)
        .await
}

/// Every dispute not yet resolved, oldest first (the plan's queue).
pub async fn open(conn: &mut Conn) -> Result<Vec<DisputeRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE d.status <> 'resolved' ORDER BY d.submitted_at, d.id"
    ))
    .fetch_all(conn)
    .await
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<DisputeRecord>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// A new dispute's contact and text.
pub struct NewDispute<'a> {
    pub claim_id: i64,
    pub organization_id: i64,
    pub description: &'a str,
    pub expected_outcome: &'a str,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub contact_title: Option<&'a str>,
    pub contact_phone: &'a str,
    pub contact_fax: Option<&'a str>,
    pub submitted_by: i64,
    pub submitted_at: i64,
}

/// Adds the dispute and numbers it `PDR` + year + its id; `None` when the claim already has
/// one (a claim is disputed once).
pub async fn insert(
    conn: &mut Conn,
    dispute: &NewDispute<'_>,
    year: i16,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO disputes (claim_id, organization_id, status, description, expected_outcome, contact_name, \
         contact_email, contact_title, contact_phone, contact_fax, submitted_by, submitted_at) \
         VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (claim_id) DO NOTHING RETURNING id",
    )
    .bind(dispute.claim_id)
    .bind(dispute.organization_id)
    .bind(dispute.description)
    .bind(dispute.expected_outcome)
    .bind(dispute.contact_name)
    .bind(dispute.contact_email)
    .bind(dispute.contact_title)
    .bind(dispute.contact_phone)
    .bind(dispute.contact_fax)
    .bind(dispute.submitted_by)
    .bind(dispute.submitted_at)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else { return Ok(None) };
    let number = format!("PDR{year}{id:06}");
    sqlx::query("UPDATE disputes SET number = $1 WHERE id = $2")
        .bind(&number)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(Some((id, number)))
}

/// Holds the dispute's row for the rest of the transaction, so that counting its files and
/// adding one cannot interleave with another upload's (SQLite has one writer at a time).
pub async fn lock(conn: &mut Conn, dispute_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE disputes SET id = id WHERE id = $1")
        .bind(dispute_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A file of a dispute, as its Attachments tab lists it.
pub async fn add_file(
    conn: &mut Conn,
    dispute_id: i64,
    upload_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO dispute_files (dispute_id, upload_id, added_at) VALUES ($1, $2, $3)")
        .bind(dispute_id)
        .bind(upload_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn files(conn: &mut Conn, dispute_id: i64) -> Result<Vec<FileRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.file_name, u.size, u.sha256, u.content_type, u.created_at FROM dispute_files f \
         JOIN uploads u ON u.id = f.upload_id WHERE f.dispute_id = $1 ORDER BY f.added_at, u.id",
    )
    .bind(dispute_id)
    .fetch_all(conn)
    .await
}

/// Marks the dispute acknowledged, once; false when it already was.
pub async fn acknowledge(conn: &mut Conn, id: i64, by: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE disputes SET status = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3 \
         WHERE id = $1 AND status = 'submitted'",
    )
    .bind(id)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Resolves the dispute with its written resolution and the letter sent; false when it was
/// resolved already.
pub async fn resolve(
    conn: &mut Conn,
    id: i64,
    by: i64,
    now: i64,
    resolution: &str,
    document_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE disputes SET status = 'resolved', resolved_by = $2, resolved_at = $3, resolution = $4, \
         resolution_document_id = $5, acknowledged_at = COALESCE(acknowledged_at, $3), \
         acknowledged_by = COALESCE(acknowledged_by, $2) WHERE id = $1 AND status <> 'resolved'",
    )
    .bind(id)
    .bind(by)
    .bind(now)
    .bind(resolution)
    .bind(document_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The resolution letter's PDF.
pub async fn letter(conn: &mut Conn, document_id: i64) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar("SELECT content FROM correspondence_documents WHERE id = $1")
        .bind(document_id)
        .fetch_one(conn)
        .await
}
