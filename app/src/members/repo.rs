//! The members repository. Every read goes through [`ASSOCIATED`]: a member is the
//! organization's when one of its providers is the member's PCP, or when the organization is
//! the member's health network.

use super::Lookup;
use crate::domain::MemberId;
use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

/// The member `m` is associated with the organization `$1`.
const ASSOCIATED: &str =
    "(m.pcp_provider_id IN (SELECT id FROM providers WHERE organization_id = $1) \
     OR m.health_network IN (SELECT name FROM organizations WHERE id = $1 AND kind = 'network'))";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRecord {
    pub id: i64,
    pub cin: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub gender: String,
    pub language: String,
    pub address_line1: String,
    pub city: String,
    pub zip: String,
    pub phone: Option<String>,
    pub line_of_business: String,
    pub health_network: Option<String>,
    pub eligible_from: String,
    pub eligible_to: Option<String>,
    pub share_of_cost_cents: i64,
}

impl MemberRecord {
    /// Covered on `day` (ISO).
    pub fn eligible_on(&self, day: &str) -> bool {
        self.eligible_from.as_str() <= day && self.eligible_to.as_deref().is_none_or(|to| day <= to)
    }
}

const COLUMNS: &str = "m.id, m.cin, m.first_name, m.last_name, m.date_of_birth, m.gender, m.language, \
     m.address_line1, m.city, m.zip, m.phone, m.line_of_business, m.health_network, m.eligible_from, \
     m.eligible_to, m.share_of_cost_cents";

/// The associated members matching the lookup, by name, at most `limit`.
pub async fn search(
    conn: &mut Conn,
    member: &Member,
    lookup: &Lookup,
    limit: i64,
) -> Result<Vec<MemberRecord>, sqlx::Error> {
    let org = member.organization_id();
    match lookup {
        Lookup::Id(id) => {
            let (column, value) = match id {
                MemberId::Cin(cin) => ("cin", cin.as_str().to_string()),
                MemberId::MedsId(meds) => ("meds_id", meds.clone()),
                MemberId::Mbi(mbi) => ("mbi", mbi.clone()),
            };
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM members m WHERE m.{column} = $2 AND {ASSOCIATED}"
            ))
            .bind(org)
            .bind(value)
            .fetch_all(conn)
            .await
        }
        Lookup::Name {
            last,
            first,
            born,
            city,
        } => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM members m WHERE LOWER(m.last_name) = LOWER($2) AND LOWER(m.first_name) = LOWER($3) \
                 AND ($4 = '' OR m.date_of_birth = $4) AND ($5 = '' OR LOWER(m.city) = LOWER($5)) AND {ASSOCIATED} \
                 ORDER BY m.last_name, m.first_name, m.date_of_birth, m.id LIMIT $6"
            ))
            .bind(org)
            .bind(last)
            .bind(first)
            .bind(born.map(|d| d.to_string()).unwrap_or_default())
            .bind(city.clone().unwrap_or_default())
            .bind(limit)
            .fetch_all(conn)
            .await
        }
    }
}

/// The member with this CIN, if associated with the member's organization.
pub async fn associated(
    conn: &mut Conn,
    member: &Member,
    cin: &str,
) -> Result<Option<MemberRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM members m WHERE m.cin = $2 AND {ASSOCIATED}"
    ))
    .bind(member.organization_id())
    .bind(cin)
    .fetch_optional(conn)
    .await
}

/// "Name (NPI …)" of the member's PCP.
pub async fn pcp(conn: &mut Conn, member_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT p.name, p.npi FROM members m JOIN providers p ON p.id = m.pcp_provider_id WHERE m.id = $1",
    )
    .bind(member_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(name, npi)| format!("{name} (NPI {npi})")))
}

#[derive(Debug, sqlx::FromRow)]
pub struct SpanRecord {
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub line_of_business: String,
    pub health_network: Option<String>,
}

/// The member's eligibility spans, newest first.
pub async fn spans(conn: &mut Conn, member_id: i64) -> Result<Vec<SpanRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT starts_on, ends_on, line_of_business, health_network FROM member_eligibility \
         WHERE member_id = $1 ORDER BY starts_on DESC",
    )
    .bind(member_id)
    .fetch_all(conn)
    .await
}

/// The diagnoses on the member's claims since `from`: (code, description, first, last date).
pub async fn conditions(
    conn: &mut Conn,
    member_id: i64,
    from: &str,
) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.icd_code, COALESCE(MAX(i.description), ''), MIN(c.service_from), MAX(c.service_from) \
         FROM claims c JOIN claim_diagnoses d ON d.claim_id = c.id LEFT JOIN icd_codes i ON i.code = d.icd_code \
         WHERE c.member_id = $1 AND c.service_from >= $2 GROUP BY d.icd_code ORDER BY MAX(c.service_from) DESC, d.icd_code",
    )
    .bind(member_id)
    .bind(from)
    .fetch_all(conn)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct ClaimHistoryRecord {
    pub claim_number: String,
    pub service_from: String,
    pub provider: String,
    pub status: String,
    pub billed_cents: i64,
    pub paid_cents: i64,
}

/// The member's claims since `from` that an NPI the user holds billed or rendered (those the
/// user may open), newest first.
pub async fn claims(
    conn: &mut Conn,
    member: &Member,
    member_id: i64,
    from: &str,
) -> Result<Vec<ClaimHistoryRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.claim_number, c.service_from, p.name AS provider, c.status, c.billed_cents, c.paid_cents \
         FROM claims c JOIN providers p ON p.id = c.service_provider_id \
         WHERE c.member_id = $1 AND c.service_from >= $2 \
         AND (c.billing_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $3) \
           OR c.service_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $3)) \
         ORDER BY c.service_from DESC, c.id DESC",
    )
    .bind(member_id)
    .bind(from)
    .bind(member.org.membership_id)
    .fetch_all(conn)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct ReferralRecord {
    pub code: String,
    pub request_date: String,
    pub status: String,
    pub referred_to: String,
}

/// The organization's submitted referrals for the member requested since `from`: the same
/// referrals a referral lookup by the member's CIN over those dates finds.
pub async fn referrals(
    conn: &mut Conn,
    member: &Member,
    member_id: i64,
    from: &str,
) -> Result<Vec<ReferralRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.code, r.request_date, r.status, COALESCE(p.name, '') AS referred_to FROM referrals r \
         LEFT JOIN providers p ON p.id = r.referred_to_provider_id \
         WHERE r.member_id = $1 AND r.organization_id = $2 AND r.status <> 'draft' AND r.code IS NOT NULL \
         AND r.request_date >= $3 ORDER BY r.request_date DESC, r.id DESC",
    )
    .bind(member_id)
    .bind(member.organization_id())
    .bind(from)
    .fetch_all(conn)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct LabRecord {
    pub collected_on: String,
    pub loinc: String,
    pub test: String,
    pub result: String,
    pub units: String,
    pub reference_range: String,
    pub flag: Option<String>,
}

pub async fn labs(
    conn: &mut Conn,
    member_id: i64,
    from: &str,
) -> Result<Vec<LabRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT collected_on, loinc, test, result, units, reference_range, flag FROM member_labs \
         WHERE member_id = $1 AND collected_on >= $2 ORDER BY collected_on DESC, test",
    )
    .bind(member_id)
    .bind(from)
    .fetch_all(conn)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct MedicationRecord {
    pub filled_on: String,
    pub drug: String,
    pub quantity: i64,
    pub days_supply: i64,
    pub prescriber: String,
}

pub async fn medications(
    conn: &mut Conn,
    member_id: i64,
    from: &str,
) -> Result<Vec<MedicationRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT filled_on, drug, quantity, days_supply, prescriber FROM member_medications \
         WHERE member_id = $1 AND filled_on >= $2 ORDER BY filled_on DESC, drug",
    )
    .bind(member_id)
    .bind(from)
    .fetch_all(conn)
    .await
}
