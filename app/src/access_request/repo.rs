//! "Register as a New User"'s repository: the provider search and the submitted request (the
//! request's draft is in the shared drafts store).

use crate::ssr::repo::Conn;

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
    .bind(crate::ssr::repo::contains_pattern(name))
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

/// A provider of a registered provider office, as the request records it.
#[derive(sqlx::FromRow)]
pub struct ChosenProvider {
    pub organization_id: i64,
    pub name: String,
    pub npi: String,
}

pub async fn chosen_provider(
    conn: &mut Conn,
    provider_id: i64,
) -> Result<Option<ChosenProvider>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id AS organization_id, p.name, p.npi FROM providers p JOIN organizations o ON o.id = p.organization_id \
         WHERE p.id = $1 AND o.registered_at IS NOT NULL AND o.kind = 'provider'",
    )
    .bind(provider_id)
    .fetch_optional(conn)
    .await
}

/// A new user's request as it is sent to the office's Task List.
pub struct Submitted<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub mobile: &'a str,
    pub provider_address: &'a str,
    pub position: &'a str,
    pub position_other: Option<&'a str>,
    pub provider_id: i64,
    pub organization_id: i64,
}

pub async fn submit(conn: &mut Conn, now: i64, r: Submitted<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO access_requests (kind, step, status, first_name, last_name, email, mobile, provider_address, position, \
         position_other, provider_id, organization_id, created_at, expires_at, submitted_at) \
         VALUES ('new_user', 'submitted', 'pending', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id",
    )
    .bind(r.first_name)
    .bind(r.last_name)
    .bind(r.email)
    .bind(r.mobile)
    .bind(r.provider_address)
    .bind(r.position)
    .bind(r.position_other)
    .bind(r.provider_id)
    .bind(r.organization_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The requester's full name.
pub async fn requester(conn: &mut Conn, id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT first_name || ' ' || last_name FROM access_requests WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}
