//! The correspondence repository. A member reads a document only through the NPI it concerns
//! and the type granted for that NPI (`READABLE`), in the member's organization.

use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

/// The documents a member may read: NPI held, type granted for it, their organization.
/// Binds $1 membership, $2 organization (My Dashboard counts them in its summary read).
pub(crate) const READABLE: &str = "FROM correspondence_documents d \
     JOIN providers p ON p.id = d.provider_id \
     JOIN npi_permissions n ON n.provider_id = d.provider_id AND n.membership_id = $1 \
     JOIN correspondence_permissions c ON c.membership_id = $1 AND c.provider_id = d.provider_id \
     AND c.correspondence_type = d.correspondence_type \
     WHERE d.organization_id = $2";

const ROW: &str =
    "SELECT d.id, d.title, d.document_date, d.correspondence_type, p.npi, p.name AS provider ";

/// A document as lists show it; `document_date` is YYYY-MM-DD.
#[derive(Debug, sqlx::FromRow)]
pub struct DocumentRecord {
    pub id: i64,
    pub title: String,
    pub document_date: String,
    pub correspondence_type: String,
    pub npi: String,
    pub provider: String,
}

/// The member's NPIs, each with the correspondence types granted for it: (NPI, name, type).
pub async fn grants(
    conn: &mut Conn,
    member: &Member,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.npi, p.name, c.correspondence_type FROM correspondence_permissions c \
         JOIN npi_permissions n ON n.membership_id = c.membership_id AND n.provider_id = c.provider_id \
         JOIN providers p ON p.id = c.provider_id \
         WHERE c.membership_id = $1 AND p.organization_id = $2 ORDER BY p.npi, c.correspondence_type",
    )
    .bind(member.org.membership_id)
    .bind(member.organization_id())
    .fetch_all(conn)
    .await
}

/// Documents of one NPI and type dated `from`..=`to` (YYYY-MM-DD), newest first.
pub async fn search(
    conn: &mut Conn,
    member: &Member,
    npi: &str,
    correspondence_type: &str,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<DocumentRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ROW}{READABLE} AND p.npi = $3 AND d.correspondence_type = $4 \
         AND d.document_date >= $5 AND d.document_date <= $6 \
         ORDER BY d.document_date DESC, d.id DESC LIMIT $7"
    ))
    .bind(member.org.membership_id)
    .bind(member.organization_id())
    .bind(npi)
    .bind(correspondence_type)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Documents that arrived after `since` (all, without), newest first.
pub async fn arrived_since(
    conn: &mut Conn,
    member: &Member,
    since: Option<i64>,
    limit: i64,
) -> Result<Vec<DocumentRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ROW}{READABLE} AND d.created_at > $3 ORDER BY d.created_at DESC, d.id DESC LIMIT $4"
    ))
    .bind(member.org.membership_id)
    .bind(member.organization_id())
    .bind(since.unwrap_or(i64::MIN))
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Documents of one type, optionally only for providers of one kind, newest first.
pub async fn of_type(
    conn: &mut Conn,
    member: &Member,
    correspondence_type: &str,
    provider_kind: Option<&str>,
    limit: i64,
) -> Result<Vec<DocumentRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{ROW}{READABLE} AND d.correspondence_type = $3 AND ($4 = '' OR p.kind = $4) \
         ORDER BY d.document_date DESC, p.npi, d.id DESC LIMIT $5"
    ))
    .bind(member.org.membership_id)
    .bind(member.organization_id())
    .bind(correspondence_type)
    .bind(provider_kind.unwrap_or_default())
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The provider kinds among the member's NPIs that have documents of a type.
pub async fn provider_kinds(
    conn: &mut Conn,
    member: &Member,
    correspondence_type: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT DISTINCT p.kind {READABLE} AND d.correspondence_type = $3 ORDER BY p.kind"
    ))
    .bind(member.org.membership_id)
    .bind(member.organization_id())
    .bind(correspondence_type)
    .fetch_all(conn)
    .await
}

/// Of `ids`, the documents the member may read; the others are left out.
pub async fn readable(
    conn: &mut Conn,
    member: &Member,
    ids: &[i64],
) -> Result<Vec<DocumentRecord>, sqlx::Error> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<DocumentRecord> = sqlx::query_as(&format!("{ROW}{READABLE} AND d.id = $3"))
            .bind(member.org.membership_id)
            .bind(member.organization_id())
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        found.extend(row);
    }
    Ok(found)
}

/// A document's PDF; read only after [`readable`] admitted it.
pub async fn content(conn: &mut Conn, id: i64) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar("SELECT content FROM correspondence_documents WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// When the user signed in before this session.
pub async fn previous_sign_in(conn: &mut Conn, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT previous_sign_in_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// One search's criteria, as kept among the recent ones.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchRecord {
    pub npi: String,
    pub correspondence_type: String,
    pub date_range: String,
    pub start_date: String,
    pub end_date: String,
    pub searched_at: i64,
}

/// Keeps a search among the user's recent ones: the same criteria move to the top, and only
/// the newest `keep` remain.
pub async fn remember_search(
    conn: &mut Conn,
    member: &Member,
    search: &SearchRecord,
    keep: i64,
) -> Result<(), sqlx::Error> {
    let (user, org) = (member.user_id, member.organization_id());
    sqlx::query(
        "DELETE FROM correspondence_searches WHERE user_id = $1 AND organization_id = $2 \
         AND npi = $3 AND correspondence_type = $4 AND date_range = $5 AND start_date = $6 AND end_date = $7",
    )
    .bind(user)
    .bind(org)
    .bind(&search.npi)
    .bind(&search.correspondence_type)
    .bind(&search.date_range)
    .bind(&search.start_date)
    .bind(&search.end_date)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO correspondence_searches \
         (user_id, organization_id, npi, correspondence_type, date_range, start_date, end_date, searched_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user)
    .bind(org)
    .bind(&search.npi)
    .bind(&search.correspondence_type)
    .bind(&search.date_range)
    .bind(&search.start_date)
    .bind(&search.end_date)
    .bind(search.searched_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM correspondence_searches WHERE user_id = $1 AND organization_id = $2 AND id NOT IN \
         (SELECT id FROM correspondence_searches WHERE user_id = $1 AND organization_id = $2 \
          ORDER BY searched_at DESC, id DESC LIMIT $3)",
    )
    .bind(user)
    .bind(org)
    .bind(keep)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The user's recent searches in this organization, newest first.
pub async fn recent_searches(
    conn: &mut Conn,
    member: &Member,
) -> Result<Vec<SearchRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT npi, correspondence_type, date_range, start_date, end_date, searched_at \
         FROM correspondence_searches WHERE user_id = $1 AND organization_id = $2 \
         ORDER BY searched_at DESC, id DESC",
    )
    .bind(member.user_id)
    .bind(member.organization_id())
    .fetch_all(conn)
    .await
}

/// When the user accepted the Electronic 1099 Consent Agreement, if they have (and not
/// withdrawn since).
pub async fn tax_consent(conn: &mut Conn, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT tax_consent_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// Accepts (`Some(now)`) or withdraws (`None`) the Electronic 1099 Consent Agreement.
pub async fn set_tax_consent(
    conn: &mut Conn,
    user_id: i64,
    at: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET tax_consent_at = $1 WHERE id = $2")
        .bind(at)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// What the plan's documents say of a provider and its organization.
#[derive(Debug, sqlx::FromRow)]
pub struct ProviderRecord {
    pub organization_id: i64,
    pub npi: String,
    pub name: String,
    pub kind: String,
    pub address_line1: String,
    pub city: String,
    pub zip: String,
    pub created_at: i64,
    pub tax_id: String,
}

pub async fn provider(conn: &mut Conn, provider_id: i64) -> Result<ProviderRecord, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.organization_id, p.npi, p.name, p.kind, p.address_line1, p.city, p.zip, p.created_at, o.tax_id \
         FROM providers p JOIN organizations o ON o.id = p.organization_id WHERE p.id = $1",
    )
    .bind(provider_id)
    .fetch_one(conn)
    .await
}

/// A claim as a remittance advice lists it.
#[derive(Debug, sqlx::FromRow)]
pub struct PaidClaim {
    pub claim_number: String,
    pub member: String,
    pub service_from: String,
    pub billed_cents: i64,
    pub allowed_cents: i64,
    pub paid_cents: i64,
    pub check_number: Option<String>,
}

/// Claims billed by the provider and paid `from`..=`to` (YYYY-MM-DD), in payment order.
pub async fn paid_claims(
    conn: &mut Conn,
    provider_id: i64,
    from: &str,
    to: &str,
) -> Result<Vec<PaidClaim>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.claim_number, m.last_name || ', ' || m.first_name AS member, c.service_from, \
         c.billed_cents, c.paid_cents, c.check_number, \
         (SELECT CAST(COALESCE(SUM(l.allowed_cents), 0) AS BIGINT) FROM claim_lines l WHERE l.claim_id = c.id) AS allowed_cents \
         FROM claims c JOIN members m ON m.id = c.member_id \
         WHERE c.billing_provider_id = $1 AND c.paid_on >= $2 AND c.paid_on <= $3 \
         ORDER BY c.paid_on, c.claim_number",
    )
    .bind(provider_id)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// What the plan paid the provider as billing provider `from`..=`to`, in cents.
pub async fn paid_total(
    conn: &mut Conn,
    provider_id: i64,
    from: &str,
    to: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(paid_cents), 0) AS BIGINT) FROM claims \
         WHERE billing_provider_id = $1 AND paid_on >= $2 AND paid_on <= $3",
    )
    .bind(provider_id)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await
}

/// A new document of an NPI; answers its id.
pub async fn insert(
    conn: &mut Conn,
    now: i64,
    document: &super::publish::NewDocument,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO correspondence_documents \
         (organization_id, provider_id, correspondence_type, title, document_date, content, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(document.organization_id)
    .bind(document.provider_id)
    .bind(&document.correspondence_type)
    .bind(&document.title)
    .bind(document.document_date.to_string())
    .bind(&document.content)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The provider paid for the most claims `from`..=`to`, if any was (the benchmark's year of
/// remittance advice).
pub async fn busiest_payee(
    conn: &mut Conn,
    from: &str,
    to: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT billing_provider_id FROM claims WHERE paid_on >= $1 AND paid_on <= $2 \
         GROUP BY billing_provider_id ORDER BY COUNT(*) DESC, billing_provider_id LIMIT 1",
    )
    .bind(from)
    .bind(to)
    .fetch_optional(conn)
    .await
}
