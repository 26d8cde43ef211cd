//! One rate-limit store for every limit: events counted per key in a sliding window, in the
//! database, so a limit holds across server instances.

use crate::error::AppError;
use crate::ssr::AppState;

/// The longest window any limit uses; older events are purged.
pub const LONGEST_WINDOW_SECONDS: i64 = 24 * 60 * 60;

/// Counts one more event under `key`, refusing it (and not counting it) when `max` events
/// were already counted in the last `window_seconds`. Concurrent calls each see every event
/// counted before theirs, so no more than `max` get through.
pub async fn take(
    state: &AppState,
    key: &str,
    window_seconds: i64,
    max: i64,
) -> Result<(), AppError> {
    let now = state.clock.unix();
    let pool = &state.db.pool;
    let id: i64 =
        sqlx::query_scalar("INSERT INTO rate_limit_hits (key, at) VALUES ($1, $2) RETURNING id")
            .bind(key)
            .bind(now)
            .fetch_one(pool)
            .await?;
    let counted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM rate_limit_hits WHERE key = $1 AND at > $2 AND id <= $3",
    )
    .bind(key)
    .bind(now - window_seconds)
    .bind(id)
    .fetch_one(pool)
    .await?;
    if counted > max {
        sqlx::query("DELETE FROM rate_limit_hits WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?;
        return Err(AppError::RateLimited);
    }
    Ok(())
}

/// Refuses when `max` events were counted under `key` in the last `window_seconds`, counting
/// nothing: for limits on failures, which [`hit`] counts once they happen.
pub async fn check(
    state: &AppState,
    key: &str,
    window_seconds: i64,
    max: i64,
) -> Result<(), AppError> {
    let counted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM rate_limit_hits WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(state.clock.unix() - window_seconds)
            .fetch_one(&state.db.pool)
            .await?;
    if counted >= max {
        Err(AppError::RateLimited)
    } else {
        Ok(())
    }
}

/// Counts one event under `key`.
pub async fn hit(state: &AppState, key: &str) -> Result<(), AppError> {
    sqlx::query("INSERT INTO rate_limit_hits (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(state.clock.unix())
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// Forgets events older than every window.
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    Ok(sqlx::query("DELETE FROM rate_limit_hits WHERE at <= $1")
        .bind(state.clock.unix() - LONGEST_WINDOW_SECONDS)
        .execute(&state.db.pool)
        .await?
        .rows_affected())
}
