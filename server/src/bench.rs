//! `server bench-documents`: how long the largest document takes to typeset, from the demo
//! data: a year of one provider's remittance advice, beside a one-page welcome letter.

use app::correspondence::{publish, repo};
use app::ssr::db::Db;
use app::ssr::settings::Settings;
use jiff::ToSpan;
use std::time::Instant;

const RUNS: usize = 5;

/// Prints one JSON line: lines and bytes of the year's remittance advice, and the median
/// milliseconds of each document.
pub async fn documents(db: &Db, settings: &Settings, now: i64) -> anyhow::Result<()> {
    let today = settings
        .calendar
        .date_of(now)
        .ok_or_else(|| anyhow::anyhow!("no plan day"))?;
    let from = today - 365.days();
    let mut conn = db.conn().await?;
    let provider = repo::busiest_payee(&mut conn, &from.to_string(), &today.to_string())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no paid claims: load the demo data first"))?;
    let lines = repo::paid_claims(&mut conn, provider, &from.to_string(), &today.to_string())
        .await?
        .len();
    let mut year = Vec::new();
    let mut letter = Vec::new();
    let mut bytes = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let document = publish::remittance_advice(&mut conn, settings, provider, from, today)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        year.push(start.elapsed().as_secs_f64() * 1000.0);
        bytes = document.content.len();
        let start = Instant::now();
        publish::welcome_letter(&mut conn, settings, provider, today)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        letter.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{}",
        serde_json::json!({
            "lines": lines,
            "bytes": bytes,
            "year_ms": median(year),
            "letter_ms": median(letter),
        })
    );
    Ok(())
}
