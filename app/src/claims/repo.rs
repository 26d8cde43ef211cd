//! The claims repository. A lookup reads claims only through the NPIs the member holds, as
//! billing or as rendering provider, each through its own index and in keyset order, so the
//! first page and every later page cost the same at a million claims.

use super::{DateType, Lookup};
use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

/// A claim as the results and the claim page read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimRecord {
    pub id: i64,
    pub claim_number: String,
    pub member_id: i64,
    pub billing_provider_id: i64,
    pub service_provider_id: i64,
    pub cin: String,
    pub first_name: String,
    pub last_name: String,
    pub line_of_business: String,
    pub status: String,
    pub service_from: String,
    pub service_to: String,
    pub received_on: String,
    pub paid_on: Option<String>,
    pub billed_cents: i64,
    pub paid_cents: i64,
    pub check_number: Option<String>,
    pub patient_account: String,
    pub delegated_network: Option<String>,
    /// The date the results are ordered by (service or paid date).
    pub sort_key: String,
}

const COLUMNS: &str =
    "c.id, c.claim_number, c.member_id, c.billing_provider_id, c.service_provider_id, \
     m.cin, m.first_name, m.last_name, c.line_of_business, c.status, c.service_from, c.service_to, \
     c.received_on, c.paid_on, c.billed_cents, c.paid_cents, c.check_number, c.patient_account, \
     c.delegated_network";

/// The provider columns a claim is found through.
pub const ROLES: [&str; 2] = ["billing_provider_id", "service_provider_id"];

fn date_column(date_type: DateType) -> &'static str {
    match date_type {
        DateType::Service => "service_from",
        DateType::Paid => "paid_on",
    }
}

/// Where a page starts, in `order`: the date bound on the cursor's side is the cursor's date
/// (`$3` newest first, `$2` oldest first), and on that date only ids beyond the cursor's
/// (`$4`); then the ordering.
fn keyset(d: &str, oldest_first: bool) -> String {
    if oldest_first {
        format!("(c.{d} > $2 OR c.id > $4) ORDER BY c.{d}, c.id")
    } else {
        format!("(c.{d} < $3 OR c.id < $4) ORDER BY c.{d} DESC, c.id DESC")
    }
}

/// One page of the claims one provider (`$1`) has in `role`, dated `$2`..=`$3`, beyond the
/// cursor (see [`keyset`]), of status `$5` (empty: any), at most `$6`. Walks the index on
/// (role, date, id).
pub fn provider_page_sql(role: &str, date_type: DateType, oldest_first: bool) -> String {
    let d = date_column(date_type);
    format!(
        "SELECT {COLUMNS}, c.{d} AS sort_key FROM claims c JOIN members m ON m.id = c.member_id \
         WHERE c.{role} = $1 AND c.{d} >= $2 AND c.{d} <= $3 AND ($5 = '' OR c.status = $5) AND {} LIMIT $6",
        keyset(d, oldest_first)
    )
}

/// The same for one member's claims (`$1`) that the membership `$6` holds an NPI of, at most
/// `$7`. Walks the member's few claims.
pub fn member_page_sql(date_type: DateType, oldest_first: bool) -> String {
    let d = date_column(date_type);
    format!(
        "SELECT {COLUMNS}, c.{d} AS sort_key FROM claims c JOIN members m ON m.id = c.member_id \
         WHERE c.member_id = $1 AND c.{d} >= $2 AND c.{d} <= $3 AND ($5 = '' OR c.status = $5) AND {HELD} \
         AND {} LIMIT $7",
        keyset(d, oldest_first)
    )
}

/// The claim is billed or rendered by an NPI the membership `$6` holds.
const HELD: &str = "(c.billing_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $6) \
     OR c.service_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $6))";

/// One claim by number (`$1`), if the membership (`$6`) holds an NPI of it.
pub fn number_sql() -> String {
    format!(
        "SELECT {COLUMNS}, c.service_from AS sort_key FROM claims c JOIN members m ON m.id = c.member_id \
         WHERE c.claim_number = $1 AND {}",
        HELD.replace("$6", "$2")
    )
}

/// The providers (ids) whose NPIs the member holds.
pub async fn held_providers(conn: &mut Conn, member: &Member) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT n.provider_id FROM npi_permissions n JOIN providers p ON p.id = n.provider_id \
         WHERE n.membership_id = $1 AND p.organization_id = $2 ORDER BY n.provider_id",
    )
    .bind(member.org.membership_id)
    .bind(member.organization_id())
    .fetch_all(conn)
    .await
}

/// The member's id for a CIN, if there is one.
pub async fn member_by_cin(conn: &mut Conn, cin: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM members WHERE cin = $1")
        .bind(cin)
        .fetch_optional(conn)
        .await
}

/// Up to `limit` claims of the lookup after `after` (sort date, id), in its order, each once.
pub async fn lookup(
    conn: &mut Conn,
    member: &Member,
    lookup: &Lookup,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<ClaimRecord>, sqlx::Error> {
    let (date_type, from, to, status, cin, oldest_first) = match lookup {
        Lookup::Number(number) => {
            return sqlx::query_as(&number_sql())
                .bind(number)
                .bind(member.org.membership_id)
                .fetch_all(conn)
                .await;
        }
        Lookup::Dates {
            date_type,
            from,
            to,
            status,
            cin,
            oldest_first,
        } => (
            *date_type,
            from.to_string(),
            to.to_string(),
            *status,
            cin,
            *oldest_first,
        ),
    };
    // Beyond the cursor: its date as the bound on its side, and only ids beyond its on that
    // date; without one, the whole range.
    let (lower, upper, beyond_id) = match (after, oldest_first) {
        (Some((date, id)), false) if date <= to => (from, date, id),
        (Some((date, id)), true) if date >= from => (date, to, id),
        (_, false) => (from, to, i64::MAX),
        (_, true) => (from, to, i64::MIN),
    };
    if let Some(cin) = cin {
        let Some(member_id) = member_by_cin(&mut *conn, cin.as_str()).await? else {
            return Ok(Vec::new());
        };
        return sqlx::query_as(&member_page_sql(date_type, oldest_first))
            .bind(member_id)
            .bind(&lower)
            .bind(&upper)
            .bind(beyond_id)
            .bind(status)
            .bind(member.org.membership_id)
            .bind(limit)
            .fetch_all(conn)
            .await;
    }
    // One ordered, limited walk per NPI and role, merged: a claim billed and rendered by
    // NPIs the member holds comes twice and is kept once.
    let mut found: Vec<ClaimRecord> = Vec::new();
    for provider_id in held_providers(&mut *conn, member).await? {
        for role in ROLES {
            let rows: Vec<ClaimRecord> =
                sqlx::query_as(&provider_page_sql(role, date_type, oldest_first))
                    .bind(provider_id)
                    .bind(&lower)
                    .bind(&upper)
                    .bind(beyond_id)
                    .bind(status)
                    .bind(limit)
                    .fetch_all(&mut *conn)
                    .await?;
            found.extend(rows);
        }
    }
    found.sort_by(|a, b| {
        let ascending = (&a.sort_key, a.id).cmp(&(&b.sort_key, b.id));
        if oldest_first {
            ascending
        } else {
            ascending.reverse()
        }
    });
    found.dedup_by_key(|c| c.id);
    found.truncate(limit.max(0) as usize);
    Ok(found)
}

/// A provider as the claim page and documents show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProviderRecord {
    pub name: String,
    pub npi: String,
    pub address_line1: String,
    pub city: String,
    pub zip: String,
    pub phone: Option<String>,
    pub fax: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRecord {
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
    pub email: Option<String>,
    pub line_of_business: String,
    pub health_network: Option<String>,
}

/// A line's amounts; paid = allowed − coinsurance − copay − deductible + interest.
#[derive(Debug, Clone, Default, PartialEq, sqlx::FromRow)]
pub struct LineAmounts {
    pub billed_cents: i64,
    pub allowed_cents: i64,
    pub coinsurance_cents: i64,
    pub copay_cents: i64,
    pub deductible_cents: i64,
    pub interest_cents: i64,
    pub paid_cents: i64,
}

impl LineAmounts {
    pub fn add(&mut self, other: &LineAmounts) {
        self.billed_cents += other.billed_cents;
        self.allowed_cents += other.allowed_cents;
        self.coinsurance_cents += other.coinsurance_cents;
        self.copay_cents += other.copay_cents;
        self.deductible_cents += other.deductible_cents;
        self.interest_cents += other.interest_cents;
        self.paid_cents += other.paid_cents;
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRecord {
    pub line_number: i64,
    pub procedure_code: String,
    /// A HCPCS Level II code's description; none for CPT codes.
    pub procedure: Option<String>,
    pub modifier: Option<String>,
    pub units: i64,
    pub service_from: String,
    pub service_to: String,
    pub eob_code: Option<String>,
    pub remark_code: Option<String>,
    #[sqlx(flatten)]
    pub amounts: LineAmounts,
}

/// Everything the claim page shows beyond the claim's own row.
#[derive(Debug, Clone)]
pub struct ClaimParts {
    pub member: MemberRecord,
    pub payment_provider: ProviderRecord,
    pub service_provider: ProviderRecord,
    pub lines: Vec<LineRecord>,
    /// (code, description).
    pub diagnoses: Vec<(String, String)>,
    /// (code, description) of the lines' reason codes.
    pub reasons: Vec<(String, String)>,
    /// "Name (NPI …)" of the member's PCP.
    pub pcp: Option<String>,
}

/// A member's details, read only for a record (claim, referral) already admitted.
pub async fn member(conn: &mut Conn, id: i64) -> Result<MemberRecord, sqlx::Error> {
    sqlx::query_as(
        "SELECT cin, first_name, last_name, date_of_birth, gender, language, address_line1, city, zip, \
         phone, email, line_of_business, health_network FROM members WHERE id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await
}

pub async fn provider(conn: &mut Conn, id: i64) -> Result<ProviderRecord, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, npi, address_line1, city, zip, phone, fax FROM providers WHERE id = $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await
}

/// The claim's member, providers, lines, diagnoses and reason codes; read only after
/// [`lookup`] admitted the claim.
pub async fn parts(conn: &mut Conn, claim: &ClaimRecord) -> Result<ClaimParts, sqlx::Error> {
    let member = member(&mut *conn, claim.member_id).await?;
    let pcp: Option<(String, String)> = sqlx::query_as(
        "SELECT p.name, p.npi FROM members m JOIN providers p ON p.id = m.pcp_provider_id WHERE m.id = $1",
    )
    .bind(claim.member_id)
    .fetch_optional(&mut *conn)
    .await?;
    let lines: Vec<LineRecord> = sqlx::query_as(
        "SELECT l.line_number, l.procedure_code, p.description AS procedure, l.modifier, l.units, l.service_from, \
         l.service_to, l.eob_code, l.remark_code, l.billed_cents, l.allowed_cents, l.coinsurance_cents, l.copay_cents, \
         l.deductible_cents, l.interest_cents, l.paid_cents \
         FROM claim_lines l LEFT JOIN procedure_codes p ON p.code = l.procedure_code WHERE l.claim_id = $1 ORDER BY l.line_number",
    )
    .bind(claim.id)
    .fetch_all(&mut *conn)
    .await?;
    let diagnoses = sqlx::query_as(
        "SELECT d.icd_code, COALESCE(i.description, '') FROM claim_diagnoses d \
         LEFT JOIN icd_codes i ON i.code = d.icd_code WHERE d.claim_id = $1 ORDER BY d.sequence",
    )
    .bind(claim.id)
    .fetch_all(&mut *conn)
    .await?;
    let reasons = sqlx::query_as(
        "SELECT e.code, e.description FROM eob_codes e WHERE e.code IN \
         (SELECT eob_code FROM claim_lines WHERE claim_id = $1 UNION SELECT remark_code FROM claim_lines WHERE claim_id = $1) \
         ORDER BY e.code",
    )
    .bind(claim.id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ClaimParts {
        member,
        payment_provider: provider(&mut *conn, claim.billing_provider_id).await?,
        service_provider: provider(&mut *conn, claim.service_provider_id).await?,
        lines,
        diagnoses,
        reasons,
        pcp: pcp.map(|(name, npi)| format!("{name} (NPI {npi})")),
    })
}
