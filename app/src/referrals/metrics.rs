//! The public prior-authorization metrics CMS-0057-F asks a plan to post: for the last
//! calendar year and the year to date, separately for standard and expedited requests, the
//! percent approved, denied, approved after appeal and approved after an extension, and the
//! average and median time from request to decision. Every figure is counted from the
//! referrals by a query; none is typed in.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{page_resource, Column, DataTable, ErrorSummary};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What one period's decided requests of one kind add up to (time in seconds).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub decided: i64,
    pub approved: i64,
    pub denied: i64,
    pub approved_after_appeal: i64,
    pub approved_after_extension: i64,
    pub total_seconds: i64,
}

/// One line of the table and of the CSV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsRow {
    pub period: String,
    pub kind: String,
    pub decided: i64,
    pub approved: String,
    pub denied: String,
    pub approved_after_appeal: String,
    pub approved_after_extension: String,
    pub average: String,
    pub median: String,
}

pub const CSV_HEADERS: [&str; 9] = [
    "Period",
    "Request Type",
    "Requests Decided",
    "Approved",
    "Denied",
    "Approved After Appeal",
    "Approved After Extension",
    "Average Time to Decision",
    "Median Time to Decision",
];

impl MetricsRow {
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.period.clone(),
            self.kind.clone(),
            self.decided.to_string(),
            self.approved.clone(),
            self.denied.clone(),
            self.approved_after_appeal.clone(),
            self.approved_after_extension.clone(),
            self.average.clone(),
            self.median.clone(),
        ]
    }
}

/// `part` of `whole` as a percentage with one decimal; "—" when nothing was decided.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "—".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// Seconds as hours with one decimal ("26.5 hours"); "—" for none.
pub fn hours(seconds: Option<f64>) -> String {
    seconds.map_or("—".into(), |s| format!("{:.1} hours", s / 3_600.0))
}

/// The median from the middle value (odd count) or the two middle values (even count).
pub fn median(middle: &[i64]) -> Option<f64> {
    match middle {
        [one] => Some(*one as f64),
        [a, b] => Some((*a as f64 + *b as f64) / 2.0),
        _ => None,
    }
}

pub fn row(period: &str, kind: &str, tally: Tally, middle: &[i64]) -> MetricsRow {
    let average = (tally.decided > 0).then(|| tally.total_seconds as f64 / tally.decided as f64);
    MetricsRow {
        period: period.into(),
        kind: kind.into(),
        decided: tally.decided,
        approved: percent(tally.approved, tally.decided),
        denied: percent(tally.denied, tally.decided),
        approved_after_appeal: percent(tally.approved_after_appeal, tally.decided),
        approved_after_extension: percent(tally.approved_after_extension, tally.decided),
        average: hours(average),
        median: hours(median(middle)),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub rows: Vec<MetricsRow>,
    pub as_of: String,
}

/// The figures, for anyone (the page needs no sign-in).
#[server(endpoint = "metrics/prior-authorization")]
pub async fn prior_authorization_metrics() -> Result<Metrics, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::metrics(&visitor.state).await
}

#[component]
pub fn MetricsPage() -> impl IntoView {
    let metrics = page_resource(|| (), |_| prior_authorization_metrics());
    let columns = vec![
        Column::text("Period", |r: &MetricsRow| r.period.clone()),
        Column::text("Request Type", |r: &MetricsRow| r.kind.clone()),
        Column::text("Requests Decided", |r: &MetricsRow| r.decided.to_string()),
        Column::text("Approved", |r: &MetricsRow| r.approved.clone()),
        Column::text("Denied", |r: &MetricsRow| r.denied.clone()),
        Column::text("Approved After Appeal", |r: &MetricsRow| {
            r.approved_after_appeal.clone()
        }),
        Column::text("Approved After Extension", |r: &MetricsRow| {
            r.approved_after_extension.clone()
        }),
        Column::text("Average Time to Decision", |r: &MetricsRow| {
            r.average.clone()
        }),
        Column::text("Median Time to Decision", |r: &MetricsRow| r.median.clone()),
    ];
    view! {
        <h1>"Prior Authorization Metrics"</h1>
        <p>"How the plan decided prior authorization (referral) requests: standard requests (Routine and Retro, decided within 7 calendar days) and expedited requests (Urgent, decided within 72 hours). Percentages are of the requests decided in the period; a modified approval counts as approved; voided requests are left out."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match metrics.await {
                    Ok(m) => view! {
                        <p>{format!("As of {}.", m.as_of)}</p>
                        <DataTable caption="Prior authorization decisions by period and request type" columns=columns.clone() rows=Signal::stored(m.rows) empty="No requests were decided." />
                        <p><a class="button" href="/downloads/metrics/prior-authorization" download="">"Download CSV"</a></p>
                    }.into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::ssr::AppState;
    use axum::extract::State;
    use axum::response::Response;

    /// The two periods: the last calendar year, and this year to date.
    pub async fn metrics(state: &AppState) -> Result<Metrics, AppError> {
        let cal = &state.settings.calendar;
        let now = state.clock.unix();
        let today = cal.date_of(now).ok_or(AppError::Internal)?;
        let this_year = jiff::civil::date(today.year(), 1, 1);
        let last_year = jiff::civil::date(today.year() - 1, 1, 1);
        let start = |d| cal.start_of(d).ok_or(AppError::Internal);
        let periods = [
            (
                format!("{} (calendar year)", today.year() - 1),
                start(last_year)?,
                start(this_year)?,
            ),
            (
                format!("{} (year to date)", today.year()),
                start(this_year)?,
                now + 1,
            ),
        ];
        let mut conn = state.db.conn().await?;
        let mut rows = Vec::new();
        for (period, from, to) in periods {
            for (expedited, kind) in [(false, "Standard"), (true, "Expedited")] {
                let tally = crate::referrals::repo::tally(&mut conn, from, to, expedited).await?;
                let middle = crate::referrals::repo::middle(&mut conn, from, to, expedited).await?;
                rows.push(row(&period, kind, tally, &middle));
            }
        }
        Ok(Metrics {
            rows,
            as_of: cal.format_date(now),
        })
    }

    /// `GET /downloads/metrics/prior-authorization`: the table as CSV, for anyone.
    pub async fn csv(
        State(state): State<AppState>,
        parts: http::request::Parts,
    ) -> Result<Response, AppError> {
        crate::ssr::guard::require_parts(&state, &parts, Access::ANYONE).await?;
        let metrics = metrics(&state).await?;
        let mut rows = vec![CSV_HEADERS.iter().map(|h| h.to_string()).collect()];
        rows.extend(metrics.rows.iter().map(MetricsRow::cells));
        let bytes = crate::claims::downloads::csv_bytes(&rows)?;
        Ok(crate::ssr::files::attachment(
            "prior-authorization-metrics.csv",
            "text/csv; charset=utf-8",
            bytes,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_of_a_fixed_year_add_up_as_counted_by_hand() {
        // Ten decided requests: 6 approved (1 after appeal, 2 after an extension), 4 denied;
        // 250 hours in all; the middle two (5th and 6th of 10) took 20 and 30 hours.
        let tally = Tally {
            decided: 10,
            approved: 6,
            denied: 4,
            approved_after_appeal: 1,
            approved_after_extension: 2,
            total_seconds: 250 * 3_600,
        };
        let r = row("2025", "Standard", tally, &[20 * 3_600, 30 * 3_600]);
        assert_eq!(r.approved, "60.0%");
        assert_eq!(r.denied, "40.0%");
        assert_eq!(r.approved_after_appeal, "10.0%");
        assert_eq!(r.approved_after_extension, "20.0%");
        assert_eq!(r.average, "25.0 hours");
        assert_eq!(r.median, "25.0 hours");
        // Three requests: one third each, and the middle one is the median.
        let third = Tally {
            decided: 3,
            approved: 1,
            denied: 2,
            total_seconds: 3 * 3_600,
            ..Tally::default()
        };
        let r = row("2026", "Expedited", third, &[5_400]);
        assert_eq!(r.approved, "33.3%");
        assert_eq!(r.denied, "66.7%");
        assert_eq!(r.median, "1.5 hours");
        let none = row("2026", "Expedited", Tally::default(), &[]);
        assert_eq!(
            (
                none.approved.as_str(),
                none.average.as_str(),
                none.median.as_str()
            ),
            ("—", "—", "—")
        );
    }
}
