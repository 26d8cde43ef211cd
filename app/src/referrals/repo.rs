//! The referrals repository. An office reads only its own referrals (by organization); the
//! plan's queue and the public metrics read them all.

use super::metrics::Tally;
use crate::ssr::repo::Conn;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferralRecord {
    pub id: i64,
    pub code: String,
    pub organization_id: i64,
    pub member_id: i64,
    pub referring_provider_id: i64,
    pub referred_to_provider_id: i64,
    pub kind: String,
    pub priority: String,
    pub status: String,
    pub request_date: String,
    pub ok_to_redirect: Option<i64>,
    pub justification: Option<String>,
    pub clinical_indications: Option<String>,
    pub decision_note: Option<String>,
    pub place_of_service: Option<String>,
    pub service_address: Option<String>,
    pub submitted_at: Option<i64>,
    pub deadline_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub extended_at: Option<i64>,
    pub extension_reason: Option<String>,
    pub denial_reason: Option<String>,
    pub approved_through: Option<String>,
}

const COLUMNS: &str = "r.id, r.code, r.organization_id, r.member_id, r.referring_provider_id, \
     r.referred_to_provider_id, r.kind, r.priority, r.status, r.request_date, r.ok_to_redirect, r.justification, \
     r.clinical_indications, r.decision_note, r.place_of_service, r.service_address, r.submitted_at, \
     r.deadline_at, r.decided_at, r.extended_at, r.extension_reason, r.denial_reason, r.approved_through";

/// The organization's submitted referral with this code.
pub async fn by_code(
    conn: &mut Conn,
    organization_id: i64,
    code: &str,
) -> Result<Option<ReferralRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM referrals r WHERE r.code = $1 AND r.organization_id = $2"
    ))
    .bind(code)
    .bind(organization_id)
    .fetch_optional(conn)
    .await
}

/// Any organization's submitted referral with this code (the plan's view).
pub async fn by_code_any(
    conn: &mut Conn,
    code: &str,
) -> Result<Option<ReferralRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM referrals r WHERE r.code = $1"
    ))
    .bind(code)
    .fetch_optional(conn)
    .await
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<ReferralRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM referrals r WHERE r.id = $1 AND r.code IS NOT NULL"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// "Name (NPI …)" of the member's PCP.
pub async fn pcp(conn: &mut Conn, member_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.name, p.npi FROM members m JOIN providers p ON p.id = m.pcp_provider_id WHERE m.id = $1",
    )
    .bind(member_id)
    .fetch_optional(conn)
    .await
}

/// Who submitted the referral (told of its decision).
pub async fn created_by(conn: &mut Conn, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT created_by FROM referrals WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// A lookup row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RowRecord {
    pub id: i64,
    pub code: String,
    pub status: String,
    pub first_name: String,
    pub last_name: String,
    pub line_of_business: String,
    pub referred_to: String,
    pub request_date: String,
    /// The date the lookup sorts by (the request date, or the day it was submitted).
    pub sort_date: String,
}

/// A checked lookup by dates: `by_submitted` searches the day it was submitted ("Request
/// Date"), otherwise the date of service.
pub struct Search<'a> {
    pub by_submitted: bool,
    pub from: &'a str,
    pub to: &'a str,
    pub status: &'a str,
    pub cin: &'a str,
    /// After this (date, id), newest first.
    pub after: Option<(&'a str, i64)>,
}

/// The organization's referrals of the search, newest first, a keyset page of `limit`.
pub async fn search(
    conn: &mut Conn,
    organization_id: i64,
    search: &Search<'_>,
    limit: i64,
) -> Result<Vec<RowRecord>, sqlx::Error> {
    // The column is one of two names, never input.
    let date = if search.by_submitted {
        "r.submitted_on"
    } else {
        "r.request_date"
    };
    let (after_date, after_id) = search.after.unwrap_or(("9999-12-31", i64::MAX));
    sqlx::query_as(&format!(
        "SELECT r.id, r.code, r.status, m.first_name, m.last_name, m.line_of_business, \
         COALESCE(p.name, '') AS referred_to, r.request_date, {date} AS sort_date \
         FROM referrals r JOIN members m ON m.id = r.member_id \
         LEFT JOIN providers p ON p.id = r.referred_to_provider_id \
         WHERE r.organization_id = $1 AND r.code IS NOT NULL AND {date} >= $2 AND {date} <= $3 \
         AND ($4 = '' OR r.status = $4) AND ($5 = '' OR m.cin = $5) \
         AND ({date} < $6 OR ({date} = $6 AND r.id < $7)) \
         ORDER BY {date} DESC, r.id DESC LIMIT $8"
    ))
    .bind(organization_id)
    .bind(search.from)
    .bind(search.to)
    .bind(search.status)
    .bind(search.cin)
    .bind(after_date)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The organization's referral by code, as a lookup row.
pub async fn row_by_code(
    conn: &mut Conn,
    organization_id: i64,
    code: &str,
) -> Result<Option<RowRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.code, r.status, m.first_name, m.last_name, m.line_of_business, \
         COALESCE(p.name, '') AS referred_to, r.request_date, r.request_date AS sort_date \
         FROM referrals r JOIN members m ON m.id = r.member_id \
         LEFT JOIN providers p ON p.id = r.referred_to_provider_id \
         WHERE r.organization_id = $1 AND r.code = $2",
    )
    .bind(organization_id)
    .bind(code)
    .fetch_optional(conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRecord {
    pub service_code: String,
    pub description: Option<String>,
    pub modifier: Option<String>,
    pub units: i64,
    pub approved_units: Option<i64>,
    pub decision: Option<String>,
    pub decision_description: Option<String>,
}

pub async fn services(conn: &mut Conn, id: i64) -> Result<Vec<ServiceRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.service_code, c.description, s.modifier, s.units, s.approved_units, s.decision, \
         s.decision_description FROM referral_services s LEFT JOIN service_catalog c ON c.code = s.service_code \
         WHERE s.referral_id = $1 ORDER BY s.sequence",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

/// (code, description) of the referral's diagnoses.
pub async fn diagnoses(conn: &mut Conn, id: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.icd_code, COALESCE(i.description, '') FROM referral_diagnoses d \
         LEFT JOIN icd_codes i ON i.code = d.icd_code WHERE d.referral_id = $1 ORDER BY d.sequence",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

pub async fn files(
    conn: &mut Conn,
    id: i64,
) -> Result<Vec<crate::ssr::repo::uploads::FileRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.file_name, u.size, u.sha256, u.content_type, u.created_at FROM referral_files f \
         JOIN uploads u ON u.id = f.upload_id WHERE f.referral_id = $1 ORDER BY f.added_at, u.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

/// A provider as the wizard and the detail show it, with what the directory says of them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DirectoryRecord {
    pub id: i64,
    pub organization_id: i64,
    pub name: String,
    pub npi: String,
    pub specialty: String,
    pub address_line1: String,
    pub city: String,
    pub zip: String,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub is_tertiary: i64,
    pub contracted: i64,
    pub accepting_new_patients: i64,
    pub min_age: i64,
    pub max_age: i64,
    pub genders: String,
}

const PROVIDER_COLUMNS: &str = "p.id, p.organization_id, p.name, p.npi, p.specialty, p.address_line1, p.city, \
     p.zip, p.phone, p.fax, p.is_tertiary, p.contracted, p.accepting_new_patients, p.min_age, p.max_age, p.genders";

pub async fn provider(conn: &mut Conn, id: i64) -> Result<Option<DirectoryRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROVIDER_COLUMNS} FROM providers p WHERE p.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The office's own providers: who may refer.
pub async fn office_providers(
    conn: &mut Conn,
    organization_id: i64,
) -> Result<Vec<DirectoryRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROVIDER_COLUMNS} FROM providers p WHERE p.organization_id = $1 ORDER BY p.name, p.id"
    ))
    .bind(organization_id)
    .fetch_all(conn)
    .await
}

/// Contracted providers whose name, NPI (provider ID) or specialty matches `query`, who see
/// a member of `age` and `gender`; at most `limit`, by name.
pub async fn directory(
    conn: &mut Conn,
    query: &str,
    age: i64,
    gender: &str,
    limit: i64,
) -> Result<Vec<DirectoryRecord>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROVIDER_COLUMNS} FROM providers p WHERE p.contracted = 1 \
         AND (LOWER(p.name) LIKE $1 ESCAPE '\\' OR p.npi = $2 OR LOWER(p.specialty) LIKE $1 ESCAPE '\\') \
         AND p.min_age <= $3 AND p.max_age > $3 AND p.genders LIKE $4 \
         ORDER BY p.name, p.id LIMIT $5"
    ))
    .bind(crate::ssr::repo::contains_pattern(query))
    .bind(query.trim())
    .bind(age)
    .bind(format!("%{gender}%"))
    .bind(limit)
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CatalogRecord {
    pub code: String,
    pub kind: String,
    pub description: String,
    pub needs_referral: i64,
    pub modifiers: String,
    pub modifier_exempt: i64,
    pub question: Option<String>,
}

/// The service catalog of one kind, by code.
pub async fn catalog(conn: &mut Conn, kind: &str) -> Result<Vec<CatalogRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, kind, description, needs_referral, modifiers, modifier_exempt, question \
         FROM service_catalog WHERE kind = $1 ORDER BY code",
    )
    .bind(kind)
    .fetch_all(conn)
    .await
}

pub async fn catalog_entry(
    conn: &mut Conn,
    code: &str,
) -> Result<Option<CatalogRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT code, kind, description, needs_referral, modifiers, modifier_exempt, question \
         FROM service_catalog WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(conn)
    .await
}

pub struct NewReferral<'a> {
    pub organization_id: i64,
    pub member_id: i64,
    pub referring_provider_id: i64,
    pub referred_to_provider_id: i64,
    pub kind: &'a str,
    pub priority: &'a str,
    pub request_date: &'a str,
    pub ok_to_redirect: bool,
    pub justification: Option<&'a str>,
    pub clinical_indications: &'a str,
    pub place_of_service: &'a str,
    pub service_address: &'a str,
    pub created_by: i64,
    pub now: i64,
    pub submitted_on: &'a str,
    pub deadline_at: i64,
}

/// Inserts the submitted referral and gives it its code, `RF{year}{id:06}` (unique by id).
pub async fn insert(
    conn: &mut Conn,
    new: &NewReferral<'_>,
    year: i16,
) -> Result<(i64, String), sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO referrals (organization_id, member_id, referring_provider_id, referred_to_provider_id, kind, \
         priority, status, request_date, ok_to_redirect, justification, clinical_indications, place_of_service, \
         service_address, created_by, created_at, submitted_at, submitted_on, deadline_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16) RETURNING id",
    )
    .bind(new.organization_id)
    .bind(new.member_id)
    .bind(new.referring_provider_id)
    .bind(new.referred_to_provider_id)
    .bind(new.kind)
    .bind(new.priority)
    .bind(new.request_date)
    .bind(i64::from(new.ok_to_redirect))
    .bind(new.justification)
    .bind(new.clinical_indications)
    .bind(new.place_of_service)
    .bind(new.service_address)
    .bind(new.created_by)
    .bind(new.now)
    .bind(new.submitted_on)
    .bind(new.deadline_at)
    .fetch_one(&mut *conn)
    .await?;
    let code = format!("RF{year}{id:06}");
    sqlx::query("UPDATE referrals SET code = $1 WHERE id = $2")
        .bind(&code)
        .bind(id)
        .execute(conn)
        .await?;
    Ok((id, code))
}

#[allow(clippy::too_many_arguments)]
pub async fn add_service(
    conn: &mut Conn,
    referral_id: i64,
    sequence: i64,
    code: &str,
    place_of_service: &str,
    units: i64,
    modifier: Option<&str>,
    answer: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO referral_services (referral_id, sequence, service_code, place_of_service, units, modifier, answer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(referral_id)
    .bind(sequence)
    .bind(code)
    .bind(place_of_service)
    .bind(units)
    .bind(modifier)
    .bind(answer)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_diagnosis(
    conn: &mut Conn,
    referral_id: i64,
    sequence: i64,
    code: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO referral_diagnoses (referral_id, sequence, icd_code) VALUES ($1, $2, $3)",
    )
    .bind(referral_id)
    .bind(sequence)
    .bind(code)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_file(
    conn: &mut Conn,
    referral_id: i64,
    upload_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO referral_files (referral_id, upload_id, added_at) VALUES ($1, $2, $3)",
    )
    .bind(referral_id)
    .bind(upload_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A pending request in the plan's queue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRecord {
    pub id: i64,
    pub code: String,
    pub organization: String,
    pub priority: String,
    pub submitted_at: i64,
    pub deadline_at: i64,
    pub extended_at: Option<i64>,
    pub extension_reason: Option<String>,
    pub services: String,
    pub units: i64,
}

/// Every pending request, the least time left first.
pub async fn queue(conn: &mut Conn, limit: i64) -> Result<Vec<QueueRecord>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, r.code, o.name AS organization, r.priority, r.submitted_at, r.deadline_at, r.extended_at, \
         r.extension_reason, COALESCE((SELECT MIN(s.service_code) FROM referral_services s WHERE s.referral_id = r.id), '') AS services, \
         COALESCE((SELECT CAST(SUM(s.units) AS BIGINT) FROM referral_services s WHERE s.referral_id = r.id), 0) AS units \
         FROM referrals r JOIN organizations o ON o.id = r.organization_id \
         WHERE r.status = 'pending' AND r.deadline_at IS NOT NULL ORDER BY r.deadline_at, r.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Records the decision on a pending request, once; false when it was no longer pending.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    conn: &mut Conn,
    id: i64,
    status: &str,
    denial_reason: Option<&str>,
    note: Option<&str>,
    approved_through: Option<&str>,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE referrals SET status = $2, denial_reason = $3, decision_note = $4, approved_through = $5, \
         decided_by = $6, decided_at = $7 WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .bind(status)
    .bind(denial_reason)
    .bind(note)
    .bind(approved_through)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Each service line's decision and approved units: `None` approves none (denied, void),
/// `Some(0)` approves the units requested, `Some(n)` approves `n` (modified).
pub async fn decide_services(
    conn: &mut Conn,
    id: i64,
    decision: &str,
    approved_units: Option<i64>,
    description: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE referral_services SET decision = $2, decision_description = $3, \
         approved_units = CASE WHEN $4 < 0 THEN NULL WHEN $4 = 0 THEN units ELSE $4 END WHERE referral_id = $1",
    )
    .bind(id)
    .bind(decision)
    .bind(description)
    .bind(approved_units.unwrap_or(-1))
    .execute(conn)
    .await?;
    Ok(())
}

/// Approves a denied request on appeal, once; false when it was not denied. The first
/// decision's time stays (the metrics measure it); the services run from the appeal.
pub async fn approve_on_appeal(
    conn: &mut Conn,
    id: i64,
    note: &str,
    approved_through: &str,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE referrals SET status = 'approved', appealed_at = $2, decision_note = $3, \
         approved_through = $4, decided_by = $5 WHERE id = $1 AND status = 'denied'",
    )
    .bind(id)
    .bind(now)
    .bind(note)
    .bind(approved_through)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a pending request's deadline, once; false when it was extended already or decided.
pub async fn extend(
    conn: &mut Conn,
    id: i64,
    deadline_at: i64,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE referrals SET deadline_at = $2, extension_reason = $3, extended_at = $4 \
         WHERE id = $1 AND status = 'pending' AND extended_at IS NULL",
    )
    .bind(id)
    .bind(deadline_at)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Requests decided (approved, modified or denied) in `from..to`, of one type: expedited
/// (Urgent) or standard.
const DECIDED: &str = "FROM referrals WHERE decided_at >= $1 AND decided_at < $2 \
     AND status IN ('approved', 'modified', 'denied') AND submitted_at IS NOT NULL \
     AND (CASE WHEN priority = 'urgent' THEN 1 ELSE 0 END) = $3";

/// The counts and total time of the decided requests: one query.
pub async fn tally(
    conn: &mut Conn,
    from: i64,
    to: i64,
    expedited: bool,
) -> Result<Tally, sqlx::Error> {
    let (decided, approved, denied, appeal, extension, seconds): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(&format!(
            "SELECT COUNT(*), \
             COALESCE(CAST(SUM(CASE WHEN status IN ('approved', 'modified') THEN 1 ELSE 0 END) AS BIGINT), 0), \
             COALESCE(CAST(SUM(CASE WHEN status = 'denied' THEN 1 ELSE 0 END) AS BIGINT), 0), \
             COALESCE(CAST(SUM(CASE WHEN status IN ('approved', 'modified') AND appealed_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), 0), \
             COALESCE(CAST(SUM(CASE WHEN status IN ('approved', 'modified') AND extended_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), 0), \
             COALESCE(CAST(SUM(decided_at - submitted_at) AS BIGINT), 0) {DECIDED}"
        ))
        .bind(from)
        .bind(to)
        .bind(i64::from(expedited))
        .fetch_one(conn)
        .await?;
    Ok(Tally {
        decided,
        approved,
        denied,
        approved_after_appeal: appeal,
        approved_after_extension: extension,
        total_seconds: seconds,
    })
}

/// The middle time (one value, or two for an even count) of the decided requests: the median
/// in one query.
pub async fn middle(
    conn: &mut Conn,
    from: i64,
    to: i64,
    expedited: bool,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT t.d FROM (SELECT decided_at - submitted_at AS d, \
         ROW_NUMBER() OVER (ORDER BY decided_at - submitted_at) AS n, COUNT(*) OVER () AS c {DECIDED}) t \
         WHERE t.n = (t.c + 1) / 2 OR t.n = (t.c + 2) / 2 ORDER BY t.n"
    ))
    .bind(from)
    .bind(to)
    .bind(i64::from(expedited))
    .fetch_all(conn)
    .await
}
