//! The NPI settings repository: providers of the member's organization only.

use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

/// What the settings page and the PIN letter need of a provider.
#[derive(sqlx::FromRow)]
pub struct Provider {
    pub name: String,
    pub specialty: String,
    pub address_line1: String,
    pub city: String,
    pub zip: String,
    /// Sealed.
    pub pin: Option<String>,
    pub pin_reset_at: Option<i64>,
}

const PROVIDER: &str =
    "SELECT name, specialty, address_line1, city, zip, pin_ciphertext AS pin, pin_reset_at \
     FROM providers WHERE id = $1";

/// The member's NPIs whose provider name or NPI contains `search`, after an NPI, in NPI order:
/// (NPI, name, level). Binds $1 membership and $2 organization, then from `$first` on the four
/// of [`bind_npis`]. My Dashboard reads it beside its summary (`dashboard::repo::summary`).
pub fn npis_sql(first: usize) -> String {
    let [after, search, pattern, limit] = std::array::from_fn(|i| format!("${}", first + i));
    format!(
        "SELECT p.npi, p.name, n.level FROM npi_permissions n JOIN providers p ON p.id = n.provider_id \
         WHERE n.membership_id = $1 AND p.organization_id = $2 AND p.npi > {after} \
         AND ({search} = '' OR LOWER(p.name) LIKE {pattern} ESCAPE '\\' OR p.npi LIKE {pattern} ESCAPE '\\') \
         ORDER BY p.npi LIMIT {limit}"
    )
}

/// [`npis_sql`] read alone, made once.
static NPIS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| npis_sql(3));

/// Binds [`npis_sql`]'s own: the NPI to start after (`""` for the first page), the search
/// and its pattern, how many rows.
pub fn bind_npis<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    search: &str,
    after: &str,
    limit: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let search = search.trim();
    query
        .bind(after.to_string())
        .bind(search.to_string())
        .bind(crate::ssr::repo::contains_pattern(search))
        .bind(limit)
}

/// A row of [`npis_sql`].
pub fn npi_of(row: &sqlx::any::AnyRow) -> Result<(String, String, String), sqlx::Error> {
    use sqlx::Row;
    Ok((
        row.try_get("npi")?,
        row.try_get("name")?,
        row.try_get("level")?,
    ))
}

/// The member's NPIs whose provider name or NPI contains `search`, after `after` in NPI
/// order: (NPI, name, level).
pub async fn npis(
    conn: &mut Conn,
    member: &Member,
    search: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let query = sqlx::query(NPIS.as_str())
        .bind(member.org.membership_id)
        .bind(member.organization_id());
    let rows = bind_npis(query, search, after, limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(npi_of).collect()
}

/// A provider the guard has admitted the caller to.
pub async fn provider(conn: &mut Conn, provider_id: i64) -> Result<Provider, sqlx::Error> {
    sqlx::query_as(PROVIDER)
        .bind(provider_id)
        .fetch_one(conn)
        .await
}

/// Sets a new sealed PIN, only if the PIN was last reset at `seen_reset_at` (as read before
/// the rule was checked): of two resets at once, one changes the row. False for the other.
pub async fn set_pin(
    conn: &mut Conn,
    provider_id: i64,
    sealed: &str,
    now: i64,
    seen_reset_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "UPDATE providers SET pin_ciphertext = $1, pin_reset_at = $2 \
         WHERE id = $3 AND COALESCE(pin_reset_at, -1) = $4",
    )
    .bind(sealed)
    .bind(now)
    .bind(provider_id)
    .bind(seen_reset_at.unwrap_or(-1))
    .execute(conn)
    .await
    .map(|done| done.rows_affected() == 1)
}

/// The X12 transaction sets the provider may send, in code order.
pub async fn transactions(conn: &mut Conn, provider_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT transaction_set FROM provider_transactions WHERE provider_id = $1 ORDER BY transaction_set",
    )
    .bind(provider_id)
    .fetch_all(conn)
    .await
}

/// A signed Presumptive Eligibility Provider Agreement.
#[derive(sqlx::FromRow)]
pub struct PeSigned {
    pub signer_name: String,
    pub signer_title: String,
    pub signed_at: i64,
    pub signed_from: String,
}

pub async fn pe_agreement(
    conn: &mut Conn,
    provider_id: i64,
    version: &str,
) -> Result<Option<PeSigned>, sqlx::Error> {
    sqlx::query_as(
        "SELECT signer_name, signer_title, signed_at, signed_from FROM pe_agreements \
         WHERE provider_id = $1 AND version = $2",
    )
    .bind(provider_id)
    .bind(version)
    .fetch_optional(conn)
    .await
}

/// Signs the agreement for the provider; false when it was signed already (of two at once,
/// one signs).
#[allow(clippy::too_many_arguments)]
pub async fn sign_pe_agreement(
    conn: &mut Conn,
    provider_id: i64,
    version: &str,
    user_id: i64,
    name: &str,
    title: &str,
    at: i64,
    from: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO pe_agreements \
         (provider_id, version, signer_user_id, signer_name, signer_title, signed_at, signed_from) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (provider_id, version) DO NOTHING",
    )
    .bind(provider_id)
    .bind(version)
    .bind(user_id)
    .bind(name)
    .bind(title)
    .bind(at)
    .bind(from)
    .execute(conn)
    .await
    .map(|done| done.rows_affected() == 1)
}
