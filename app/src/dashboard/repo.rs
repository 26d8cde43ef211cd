//! My Dashboard's repository: each query scoped to the member's organization and grants.

use super::Banner;
use crate::pins::repo::{bind_npis, npi_of, npis_sql};
use crate::ssr::db::Backend;
use crate::ssr::guard::Member;
use crate::ssr::repo::Conn;

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
/// provider, per month ("YYYY-MM"): whole months from `$d` up to the current month `$d+1` from
/// the monthly sums (`claims_paid_monthly`), and the current month from its first day `$d+2` to
/// today `$d+3` from the daily sums (`claims_paid_daily`), both kept by triggers on `claims`;
/// `d` is `first_date_bind`. A year of daily sums took 0.67 ms of SQLite's time for the demo
/// office; this reads about a tenth of the rows. Each claim counts once: the sums a held NPI
/// billed, then those a held NPI rendered that no held NPI billed, each side from its own index.
pub fn paid_by_month_sql(first_date_bind: usize) -> String {
    let [from, this_month, first_day, today] =
        std::array::from_fn(|i| format!("${}", first_date_bind + i));
    let held = |table: &str, month: &str, range: &str| {
        format!(
            "SELECT {month} AS month, d.paid_cents FROM {table} d JOIN npi_permissions n \
             ON n.provider_id = d.billing_provider_id AND n.membership_id = $1 WHERE {range} \
             UNION ALL SELECT {month} AS month, d.paid_cents FROM {table} d JOIN npi_permissions n \
             ON n.provider_id = d.service_provider_id AND n.membership_id = $1 WHERE {range} \
             AND NOT EXISTS (SELECT 1 FROM npi_permissions b WHERE b.membership_id = $1 AND b.provider_id = d.billing_provider_id)"
        )
    };
    format!(
        "SELECT month, CAST(SUM(paid_cents) AS BIGINT) AS paid FROM ({} UNION ALL {}) held GROUP BY month",
        held(
            "claims_paid_monthly",
            "d.paid_month",
            &format!("d.paid_month >= {from} AND d.paid_month < {this_month}")
        ),
        held(
            "claims_paid_daily",
            "SUBSTR(d.paid_on, 1, 7)",
            &format!("d.paid_on >= {first_day} AND d.paid_on <= {today}")
        ),
    )
}

/// The months [`Summary::paid_by_month`] covers: from the first day of `from_month`
/// ("YYYY-MM") to `today` (an ISO date).
pub struct PaidSince {
    pub from_month: String,
    pub today: String,
}

/// What My Dashboard shows, in one read: the member's organization (paperless since,
/// submitter ID, active users), their NPI levels, how many documents they may read, the newest
/// banner showing now that they have not dismissed, the newest notifications for them with
/// their total, when asked what was paid month by month, and a page of their NPIs.
/// One statement for all but the NPIs, not one a tile: each costs a round trip to the
/// connection's thread, often more than its SQL takes to run. Claims Paid read here cost about
/// 20 µs less CPU a dashboard than as a statement of its own (2 cores, 10 alternating rounds).
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
    /// "YYYY-MM=cents" for each month with payments, comma-separated, aggregated in the query.
    paid_by_month: Option<String>,
    /// The newest notifications, newest first: (ID, title, created at).
    #[sqlx(skip)]
    pub notifications: Vec<(i64, String, i64)>,
    #[sqlx(skip)]
    pub notifications_total: i64,
    /// The page of NPIs asked for: (NPI, name, level), in NPI order.
    #[sqlx(skip)]
    pub npis: Vec<(String, String, String)>,
}

impl Summary {
    pub fn npi_levels(&self) -> impl Iterator<Item = &str> {
        self.npi_levels.iter().flat_map(|l| l.split(','))
    }

    /// What was paid each month with payments: ("YYYY-MM", cents).
    pub fn paid_by_month(&self) -> Vec<(String, i64)> {
        self.paid_by_month
            .iter()
            .flat_map(|all| all.split(','))
            .filter_map(|month| {
                let (month, cents) = month.split_once('=')?;
                Some((month.to_string(), cents.parse().ok()?))
            })
            .collect()
    }

    pub fn banner(&self) -> Option<Banner> {
        Some(Banner {
            id: self.banner_id?,
            message: self.banner_message.clone()?,
        })
    }
}

/// The summary's query: `READABLE` binds $1 membership and $2 organization, as the rest of it
/// does; $3 is now, $4 the user, $5 how many notifications; with `paid`, $6 to $9 are the
/// dates of [`paid_by_month_sql`]. A row for each of the newest notifications (one with none),
/// the summary's columns repeated on each: the scalar subqueries depend on the binds alone, so
/// they are computed once, not once a row.
fn summary_sql(paid: bool) -> String {
    let paid_by_month = if paid {
        format!(
            "(SELECT string_agg(p.month || '=' || CAST(p.paid AS TEXT), ',') FROM ({}) p)",
            paid_by_month_sql(6)
        )
    } else {
        "CAST(NULL AS TEXT)".to_string()
    };
    format!(
        "SELECT o.paperless_at, o.submitter_id, \
         (SELECT COUNT(*) FROM memberships m WHERE m.organization_id = $2 AND m.status = 'active') AS active_users, \
         (SELECT string_agg(n.level, ',') FROM npi_permissions n WHERE n.membership_id = $1) AS npi_levels, \
         (SELECT COUNT(*) {readable}) AS correspondence, \
         {paid_by_month} AS paid_by_month, \
         b.id AS banner_id, b.message AS banner_message, \
         (SELECT COUNT(*) {visible}) AS notifications_total, \
         t.id AS notification_id, t.title AS notification_title, t.created_at AS notification_at \
         FROM organizations o \
         LEFT JOIN (SELECT id, message FROM banners WHERE starts_at <= $3 AND ends_at > $3 \
           AND NOT EXISTS (SELECT 1 FROM banner_dismissals d WHERE d.banner_id = banners.id AND d.user_id = $4) \
           ORDER BY starts_at DESC LIMIT 1) b ON 1 = 1 \
         LEFT JOIN (SELECT id, title, created_at {visible} \
           ORDER BY created_at DESC, id DESC LIMIT $5) t ON 1 = 1 \
         WHERE o.id = $2 ORDER BY t.created_at DESC, t.id DESC",
        readable = crate::correspondence::repo::READABLE,
        visible = "FROM notifications WHERE organization_id = $2 AND (user_id IS NULL OR user_id = $4)",
    )
}

/// [`summary_sql`] without and with what was paid, made once each; on SQLite, each followed by
/// the NPI page's statement, its binds after the summary's.
static SUMMARY: std::sync::LazyLock<[String; 2]> =
    std::sync::LazyLock::new(|| [summary_sql(false), summary_sql(true)]);
static SUMMARY_AND_NPIS: std::sync::LazyLock<[String; 2]> = std::sync::LazyLock::new(|| {
    [(false, 6), (true, 10)]
        .map(|(paid, first)| format!("{}; {}", summary_sql(paid), npis_sql(first)))
});

/// The page of the member's NPIs the summary reads: after the NPI `after` (`""` for the
/// first), up to `limit` of them.
pub struct NpiPage<'a> {
    pub after: &'a str,
    pub limit: i64,
}

/// The member's summary with up to `notifications` of their newest notifications, with
/// `paid`, what was paid each month since then, and a page of their NPIs. On SQLite the NPI
/// page is read in the same round trip to the connection's thread, a second statement of one
/// query (SQLite runs the statements of a query in turn, each taking the binds it names); on
/// PostgreSQL, which prepares one statement a query, after it on the same connection (taking a
/// second while holding one would let a burst of requests hold the whole pool, each waiting
/// for another). Read so, My Dashboard at 32 connections took 462 µs of CPU a page against
/// 481 as two round trips, 369 against 410 in the quietest round (35 alternating rounds,
/// 2 cores, bench/RESULTS.md, 2026-12-07 02:20).
pub async fn summary(
    conn: &mut Conn,
    member: &Member,
    now: i64,
    notifications: i64,
    paid: Option<PaidSince>,
    npis: NpiPage<'_>,
) -> Result<Summary, sqlx::Error> {
    use sqlx::{FromRow, Row};
    let batched = Backend::of(conn) == Backend::Sqlite;
    let sql = if batched { &SUMMARY_AND_NPIS } else { &SUMMARY };
    let mut query = sqlx::query(sql[usize::from(paid.is_some())].as_str())
        .bind(member.org.membership_id)
        .bind(member.organization_id())
        .bind(now)
        .bind(member.user_id)
        .bind(notifications);
    if let Some(PaidSince { from_month, today }) = paid {
        let this_month = today.get(..7).unwrap_or(&today).to_string();
        let first_day = format!("{this_month}-01");
        query = query
            .bind(from_month)
            .bind(this_month)
            .bind(first_day)
            .bind(today);
    }
    if batched {
        query = bind_npis(query, "", npis.after, npis.limit);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    // The NPI page's rows follow the summary's (SQLite); they alone have an `npi` column.
    let (npi_rows, rows): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|row| row.try_column("npi").is_ok());
    let first = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    let mut summary = Summary::from_row(first)?;
    summary.notifications_total = first.try_get("notifications_total")?;
    for row in &rows {
        if let Some(id) = row.try_get::<Option<i64>, _>("notification_id")? {
            summary.notifications.push((
                id,
                row.try_get("notification_title")?,
                row.try_get("notification_at")?,
            ));
        }
    }
    summary.npis = if batched {
        npi_rows.iter().map(npi_of).collect::<Result<_, _>>()?
    } else {
        crate::pins::repo::npis(conn, member, "", npis.after, npis.limit).await?
    };
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_paid_comes_back_month_by_month() {
        let mut summary = Summary {
            paperless_at: None,
            submitter_id: None,
            active_users: 1,
            npi_levels: None,
            correspondence: 0,
            banner_id: None,
            banner_message: None,
            paid_by_month: Some("2026-03=0,2025-12=123456".into()),
            notifications: Vec::new(),
            notifications_total: 0,
            npis: Vec::new(),
        };
        assert_eq!(
            summary.paid_by_month(),
            [("2026-03".to_string(), 0), ("2025-12".to_string(), 123_456)]
        );
        summary.paid_by_month = None;
        assert!(summary.paid_by_month().is_empty());
    }

    #[test]
    fn the_paid_dates_follow_the_binds_before_them() {
        let sql = paid_by_month_sql(6);
        assert!(
            ["$6", "$7", "$8", "$9"].iter().all(|b| sql.contains(b)),
            "{sql}"
        );
        assert!(!sql.contains("$2") && !sql.contains("$10"), "{sql}");
        assert!(summary_sql(true).contains(&sql));
        assert!(!summary_sql(false).contains("claims_paid"));
    }

    /// The binds a statement names, each once, in ascending order.
    fn binds(sql: &str) -> Vec<usize> {
        let mut found: Vec<usize> = sql
            .split('$')
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    #[test]
    fn the_npi_page_takes_the_binds_after_the_summarys() {
        for (paid, last) in [(false, 5), (true, 9)] {
            let batch = &SUMMARY_AND_NPIS[usize::from(paid)];
            let (summary, npis) = batch.split_once("; ").expect("two statements");
            assert_eq!(binds(summary), (1..=last).collect::<Vec<_>>(), "{summary}");
            assert_eq!(summary, SUMMARY[usize::from(paid)]);
            // Membership and organization shared, then its own four.
            let own: Vec<usize> = (last + 1..=last + 4).collect();
            assert_eq!(binds(npis), [vec![1, 2], own].concat(), "{npis}");
        }
    }
}
