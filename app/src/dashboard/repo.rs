//! My Dashboard's repository: each query scoped to the member's organization and grants.

use super::Banner;
use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

/// The newest notifications for the member, with the total (counted in the same read).
pub async fn notifications(
    conn: &mut Conn,
    member: &Member,
    limit: i64,
) -> Result<(Vec<(i64, String, i64)>, i64), sqlx::Error> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT id, title, created_at, COUNT(*) OVER () FROM notifications \
         WHERE organization_id = $1 AND (user_id IS NULL OR user_id = $2) ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(member.organization_id())
    .bind(member.user_id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    let total = rows.first().map_or(0, |r| r.3);
    Ok((
        rows.into_iter()
            .map(|(id, title, at, _)| (id, title, at))
            .collect(),
        total,
    ))
}

/// Dismisses a banner for the member, once; false for no such banner.
pub async fn dismiss_banner(
    conn: &mut Conn,
    member: &Member,
    banner_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM banners WHERE id = $1")
        .bind(banner_id)
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO banner_dismissals (banner_id, user_id, dismissed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (banner_id, user_id) DO NOTHING",
    )
    .bind(banner_id)
    .bind(member.user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(true)
}

/// What was paid on claims the membership (`$1`) holds an NPI of, as billing or rendering
/// provider, per month ("YYYY-MM"), for claims paid from `$2` to `$3` (ISO dates). It reads
/// the daily sums per billing and rendering provider (`claims_paid_daily`, kept by triggers on
/// `claims`), not the claims: at a million claims, a year of claims took 155 ms. Each claim
/// counts once: the days a held NPI billed, then those a held NPI rendered that no held NPI
/// billed, each side from its own index.
pub const PAID_BY_MONTH_SQL: &str =
    "SELECT SUBSTR(paid_on, 1, 7) AS month, CAST(SUM(paid_cents) AS BIGINT) AS paid FROM ( \
     SELECT d.paid_on, d.paid_cents FROM claims_paid_daily d JOIN npi_permissions n \
     ON n.provider_id = d.billing_provider_id AND n.membership_id = $1 WHERE d.paid_on >= $2 AND d.paid_on <= $3 \
     UNION ALL SELECT d.paid_on, d.paid_cents FROM claims_paid_daily d JOIN npi_permissions n \
     ON n.provider_id = d.service_provider_id AND n.membership_id = $1 WHERE d.paid_on >= $2 AND d.paid_on <= $3 \
     AND NOT EXISTS (SELECT 1 FROM npi_permissions b WHERE b.membership_id = $1 AND b.provider_id = d.billing_provider_id) \
     ) held GROUP BY SUBSTR(paid_on, 1, 7)";

/// [`PAID_BY_MONTH_SQL`] for the member, paid from `from` to `to`.
pub async fn paid_by_month(
    conn: &mut Conn,
    member: &Member,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(PAID_BY_MONTH_SQL)
        .bind(member.org.membership_id)
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await
}

/// What My Dashboard counts besides notifications and claims, in one read: the member's
/// organization (paperless since, submitter ID, active users), their NPI levels, how many
/// documents they may read, and the newest banner showing now that they have not dismissed.
#[derive(sqlx::FromRow)]
pub struct Summary {
    pub paperless_at: Option<i64>,
    pub submitter_id: Option<String>,
    pub active_users: i64,
    /// Comma-separated ("admin", "processor"), aggregated in the query.
    npi_levels: Option<String>,
    pub correspondence: i64,
    banner_id: Option<i64>,
    banner_message: Option<String>,
}

impl Summary {
    pub fn npi_levels(&self) -> impl Iterator<Item = &str> {
        self.npi_levels.iter().flat_map(|l| l.split(','))
    }

    pub fn banner(&self) -> Option<Banner> {
        Some(Banner {
            id: self.banner_id?,
            message: self.banner_message.clone()?,
        })
    }
}

/// The summary's query, made once: `READABLE` binds $1 membership and $2 organization, as the
/// rest of it does.
static SUMMARY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT o.paperless_at, o.submitter_id, \
         (SELECT COUNT(*) FROM memberships m WHERE m.organization_id = o.id AND m.status = 'active') AS active_users, \
         (SELECT string_agg(n.level, ',') FROM npi_permissions n WHERE n.membership_id = $1) AS npi_levels, \
         (SELECT COUNT(*) {readable}) AS correspondence, \
         b.id AS banner_id, b.message AS banner_message \
         FROM organizations o \
         LEFT JOIN (SELECT id, message FROM banners WHERE starts_at <= $3 AND ends_at > $3 \
           AND NOT EXISTS (SELECT 1 FROM banner_dismissals d WHERE d.banner_id = banners.id AND d.user_id = $4) \
           ORDER BY starts_at DESC LIMIT 1) b ON 1 = 1 \
         WHERE o.id = $2",
        readable = crate::correspondence::repo::READABLE
    )
});

pub async fn summary(conn: &mut Conn, member: &Member, now: i64) -> Result<Summary, sqlx::Error> {
    sqlx::query_as(SUMMARY.as_str())
        .bind(member.org.membership_id)
        .bind(member.organization_id())
        .bind(now)
        .bind(member.user_id)
        .fetch_one(conn)
        .await
}
