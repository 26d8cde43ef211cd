//! The `job_runs` table: which instance runs a scheduled job in a period.

use crate::ssr::db::Db;

/// Claims `name`'s run for `period` (the period's number, e.g. hours since 1970): true for
/// exactly one caller, whichever instance it is on.
pub async fn claim(db: &Db, name: &str, period: i64, now: i64) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "INSERT INTO job_runs (name, period, started_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name, period) DO NOTHING",
    )
    .bind(name)
    .bind(period)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Forgets runs that started before `before`.
pub async fn purge(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM job_runs WHERE started_at < $1")
        .bind(before)
        .execute(&db.pool)
        .await?
        .rows_affected())
}
