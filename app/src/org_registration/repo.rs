//! Registering an organization with the plan's secure token: the token and the registration
//! itself (the draft between the steps is in the shared drafts store).

use crate::ssr::repo::Conn;

/// The person who registers, from the draft.
pub struct Registrant<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone: &'a str,
}

/// A secure token and the state of its organization.
#[derive(sqlx::FromRow)]
pub struct Token {
    pub id: i64,
    pub organization_id: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub locked_until: Option<i64>,
    pub registered_at: Option<i64>,
}

pub async fn token(conn: &mut Conn, token_hash: &str) -> Result<Option<Token>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.organization_id, t.expires_at, t.used_at, t.locked_until, o.registered_at FROM secure_tokens t \
         JOIN organizations o ON o.id = t.organization_id WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// The organization's tax ID and pay-to ZIP, which the registrant must know.
pub async fn identity(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT tax_id, pay_to_zip FROM organizations WHERE id = $1")
        .bind(organization_id)
        .fetch_one(conn)
        .await
}

/// Counts a wrong tax ID or ZIP against the token; answers the count so far.
pub async fn count_mismatch(conn: &mut Conn, token_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("UPDATE secure_tokens SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts")
        .bind(token_id)
        .fetch_one(conn)
        .await
}

pub async fn lock_token(conn: &mut Conn, token_id: i64, until: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE secure_tokens SET failed_attempts = 0, locked_until = $1 WHERE id = $2")
        .bind(until)
        .bind(token_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Uses the token once; false when it was used meanwhile.
pub async fn use_token(conn: &mut Conn, now: i64, token_id: i64) -> Result<bool, sqlx::Error> {
    let used =
        sqlx::query("UPDATE secure_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(token_id)
            .execute(conn)
            .await?;
    Ok(used.rows_affected() == 1)
}

/// Registers the organization once: false when it was registered meanwhile.
pub async fn mark_registered(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    contact_email: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE organizations SET registered_at = $1, verified_at = $1, contact_email = $2 \
         WHERE id = $3 AND registered_at IS NULL",
    )
    .bind(now)
    .bind(contact_email)
    .bind(organization_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Voids the organization's unused tokens but `keep`: only the newest letter, and nothing once
/// one was used, can register the office.
pub async fn void_other_tokens(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    keep: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE secure_tokens SET used_at = $1 WHERE organization_id = $2 AND used_at IS NULL AND id <> $3",
    )
    .bind(now)
    .bind(organization_id)
    .bind(keep.unwrap_or(0))
    .execute(conn)
    .await
    .map(|_| ())
}

/// The registrant becomes the office's first Org Admin.
pub async fn first_admin(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO memberships (user_id, organization_id, org_role, status, role_preset, is_default, created_at, updated_at) \
         VALUES ($1, $2, 'admin', 'active', 'Local Office Administrator', 0, $3, $3) RETURNING id",
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn provider_ids(conn: &mut Conn, organization_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM providers WHERE organization_id = $1")
        .bind(organization_id)
        .fetch_all(conn)
        .await
}

/// A registrant's new account; a unique violation names `users_email_unique`.
pub async fn insert_user(
    conn: &mut Conn,
    now: i64,
    r: &Registrant<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(r.email)
    .bind(r.first_name)
    .bind(r.last_name)
    .bind(r.phone)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The registrant's only organization is their default.
pub async fn make_default(conn: &mut Conn, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE memberships SET is_default = 1 WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// An enrolled organization as its secure token letter is addressed.
#[derive(sqlx::FromRow)]
pub struct Enrolled {
    pub name: String,
    pub address_line1: String,
    pub city: String,
    pub state: String,
    pub pay_to_zip: String,
    pub registered_at: Option<i64>,
}

pub async fn enrolled(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Option<Enrolled>, sqlx::Error> {
    sqlx::query_as("SELECT name, address_line1, city, state, pay_to_zip, registered_at FROM organizations WHERE id = $1")
        .bind(organization_id)
        .fetch_optional(conn)
        .await
}

pub async fn issue_token(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    token_hash: &str,
    expires_at: i64,
    issued_by: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO secure_tokens (organization_id, token_hash, issued_at, expires_at, issued_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(organization_id)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .bind(issued_by)
    .execute(conn)
    .await
    .map(|_| ())
}
