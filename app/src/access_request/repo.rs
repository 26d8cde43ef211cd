//! "Register as a New User"'s repository: the request while it is a draft (keyed by the hash
//! of a cookie), the provider search, and the submitted request.

use crate::ssr::repo::Conn;

/// A draft request, by its cookie's hash, while it has not expired.
#[derive(sqlx::FromRow)]
pub struct Draft {
    pub id: i64,
    pub step: String,
    pub email: String,
}

pub async fn draft(
    conn: &mut Conn,
    draft_hash: &str,
    now: i64,
) -> Result<Option<Draft>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, step, email FROM access_requests WHERE draft_hash = $1 AND status = 'draft' AND expires_at > $2",
    )
    .bind(draft_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

pub async fn set_step(conn: &mut Conn, id: i64, step: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET step = $1 WHERE id = $2")
        .bind(step)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The requester's details, as the first step takes them.
pub struct NewDraft<'a> {
    pub draft_hash: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub mobile: &'a str,
    pub provider_address: &'a str,
    pub position: &'a str,
    pub position_other: Option<&'a str>,
    pub expires_at: i64,
}

pub async fn insert_draft(conn: &mut Conn, now: i64, d: NewDraft<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO access_requests (kind, draft_hash, step, status, first_name, last_name, email, mobile, provider_address, \
         position, position_other, created_at, expires_at) \
         VALUES ('new_user', $1, 'verify', 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(d.draft_hash)
    .bind(d.first_name)
    .bind(d.last_name)
    .bind(d.email)
    .bind(d.mobile)
    .bind(d.provider_address)
    .bind(d.position)
    .bind(d.position_other)
    .bind(now)
    .bind(d.expires_at)
    .fetch_one(conn)
    .await
}

/// A provider of a registered office, as "Find Your Provider" lists it.
#[derive(sqlx::FromRow)]
pub struct Provider {
    pub id: i64,
    pub name: String,
    pub npi: String,
    pub city: String,
    pub organization: String,
}

/// Practitioners (or groups and facilities) of registered offices whose name contains `name`
/// (lower-case) and whose office has `tax_id`; an empty filter is off. At most 25.
pub async fn search_providers(
    conn: &mut Conn,
    groups: bool,
    name: &str,
    tax_id: &str,
) -> Result<Vec<Provider>, sqlx::Error> {
    let kinds = if groups {
        "('group', 'facility')"
    } else {
        "('practitioner')"
    };
    sqlx::query_as(&format!(
        "SELECT p.id, p.name, p.npi, p.city, o.name AS organization FROM providers p JOIN organizations o ON o.id = p.organization_id \
         WHERE o.registered_at IS NOT NULL AND o.kind = 'provider' AND p.kind IN {kinds} \
         AND ($1 = '' OR LOWER(p.name) LIKE $2 ESCAPE '\\') AND ($3 = '' OR o.tax_id = $3) ORDER BY p.name, p.npi LIMIT 25"
    ))
    .bind(name.trim())
    .bind(crate::admin::repo::contains_pattern(name))
    .bind(tax_id)
    .fetch_all(conn)
    .await
}

/// The provider's office and the provider's name, if the office is a registered provider.
pub async fn provider_office(
    conn: &mut Conn,
    provider_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, p.name FROM providers p JOIN organizations o ON o.id = p.organization_id \
         WHERE p.id = $1 AND o.registered_at IS NOT NULL AND o.kind = 'provider'",
    )
    .bind(provider_id)
    .fetch_optional(conn)
    .await
}

pub async fn choose_provider(
    conn: &mut Conn,
    id: i64,
    provider_id: i64,
    organization_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE access_requests SET provider_id = $1, organization_id = $2, step = 'review' WHERE id = $3")
        .bind(provider_id)
        .bind(organization_id)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The request as "Review" shows it.
#[derive(sqlx::FromRow)]
pub struct Summary {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: String,
    pub provider_address: String,
    pub position: String,
    pub position_other: Option<String>,
    pub provider: Option<String>,
    pub npi: Option<String>,
}

pub async fn summary(conn: &mut Conn, id: i64) -> Result<Summary, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.first_name, a.last_name, a.email, a.mobile, a.provider_address, a.position, a.position_other, \
         p.name AS provider, p.npi FROM access_requests a LEFT JOIN providers p ON p.id = a.provider_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await
}

/// Sends the draft to the office's Task List once; answers the office, or none if it was sent.
pub async fn submit(conn: &mut Conn, now: i64, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE access_requests SET status = 'pending', step = 'submitted', draft_hash = NULL, submitted_at = $1 \
         WHERE id = $2 AND status = 'draft' RETURNING organization_id",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The requester's full name.
pub async fn requester(conn: &mut Conn, id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT first_name || ' ' || last_name FROM access_requests WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}
