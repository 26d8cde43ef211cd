//! Transaction Services' look-ups: a member by CIN (any member of the plan: eligibility is
//! asked about patients not yet seen) and the claims one NPI billed or rendered.

use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

/// The NPIs the member holds: (NPI, provider name).
pub async fn held_npis(
    conn: &mut Conn,
    member: &Member,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.npi, p.name FROM npi_permissions n JOIN providers p ON p.id = n.provider_id \
         WHERE n.membership_id = $1 ORDER BY p.name, p.npi",
    )
    .bind(member.org.membership_id)
    .fetch_all(conn)
    .await
}

#[derive(sqlx::FromRow)]
pub struct Enrollee {
    pub id: i64,
    pub cin: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub gender: String,
    pub line_of_business: String,
    pub health_network: Option<String>,
    pub eligible_from: String,
    pub eligible_to: Option<String>,
    pub pcp_name: Option<String>,
    pub pcp_npi: Option<String>,
}

pub async fn enrollee(conn: &mut Conn, cin: &str) -> Result<Option<Enrollee>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.cin, m.first_name, m.last_name, m.date_of_birth, m.gender, m.line_of_business, \
         m.health_network, m.eligible_from, m.eligible_to, p.name AS pcp_name, p.npi AS pcp_npi \
         FROM members m LEFT JOIN providers p ON p.id = m.pcp_provider_id WHERE m.cin = $1",
    )
    .bind(cin)
    .fetch_optional(conn)
    .await
}

#[derive(sqlx::FromRow)]
pub struct BilledClaim {
    pub claim_number: String,
    pub status: String,
    pub service_from: String,
    pub service_to: String,
    pub received_on: String,
    pub paid_on: Option<String>,
    pub billed_cents: i64,
    pub paid_cents: i64,
    pub check_number: Option<String>,
    pub patient_account: String,
    pub cin: String,
    pub first_name: String,
    pub last_name: String,
}

const BILLED: &str = "SELECT c.claim_number, c.status, c.service_from, c.service_to, c.received_on, c.paid_on, \
     c.billed_cents, c.paid_cents, c.check_number, c.patient_account, m.cin, m.first_name, m.last_name \
     FROM claims c JOIN members m ON m.id = c.member_id \
     WHERE (c.billing_provider_id = $1 OR c.service_provider_id = $1)";

/// A claim the provider billed or rendered, by its number.
pub async fn claim(
    conn: &mut Conn,
    provider_id: i64,
    claim_number: &str,
) -> Result<Vec<BilledClaim>, sqlx::Error> {
    sqlx::query_as(&format!("{BILLED} AND c.claim_number = $2"))
        .bind(provider_id)
        .bind(claim_number)
        .fetch_all(conn)
        .await
}

/// The provider's claims for a member with services overlapping `from`..=`to` (ISO dates),
/// newest first, at most `limit`.
pub async fn member_claims(
    conn: &mut Conn,
    provider_id: i64,
    cin: &str,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<BilledClaim>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{BILLED} AND m.cin = $2 AND c.service_from <= $4 AND c.service_to >= $3 \
         ORDER BY c.service_from DESC, c.claim_number LIMIT $5"
    ))
    .bind(provider_id)
    .bind(cin)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await
}
