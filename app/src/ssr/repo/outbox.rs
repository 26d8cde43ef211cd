//! The `outbox` table: every outgoing message until it is delivered (or given up on).

use crate::ssr::db::Db;
use crate::ssr::outbox::{Channel, Message, NewMessage, CLAIM_SECONDS};
use sqlx::Row;

pub async fn insert(db: &Db, now: i64, message: NewMessage) -> Result<i64, sqlx::Error> {
    let (attachment_name, attachment) = message.attachment.unzip();
    sqlx::query_scalar(
        "INSERT INTO outbox (channel, recipient, subject, body, links, codes, attachment, attachment_name, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) RETURNING id",
    )
    .bind(message.channel.as_str())
    .bind(message.to)
    .bind(message.subject)
    .bind(message.body)
    .bind(serde_json::to_string(&message.links).unwrap_or_default())
    .bind(serde_json::to_string(&message.codes).unwrap_or_default())
    .bind(attachment)
    .bind(attachment_name)
    .bind(now)
    .fetch_one(&db.pool)
    .await
}

const SELECT_MESSAGE: &str =
    "SELECT id, channel, recipient, subject, body, links, codes, attachment_name, created_at FROM outbox";

fn message_from_row(row: sqlx::any::AnyRow) -> Result<Message, sqlx::Error> {
    let created: i64 = row.try_get("created_at")?;
    Ok(Message {
        id: row.try_get("id")?,
        channel: Channel::from_db(row.try_get::<String, _>("channel")?.as_str()),
        to: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        links: serde_json::from_str(&row.try_get::<String, _>("links")?).unwrap_or_default(),
        codes: serde_json::from_str(&row.try_get::<String, _>("codes")?).unwrap_or_default(),
        created_at: jiff::Timestamp::from_second(created)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        attachment_name: row.try_get("attachment_name")?,
        attachment: None,
    })
}

/// The newest messages first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Message>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT_MESSAGE} ORDER BY id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter().map(message_from_row).collect()
}

/// The attachment of one message: (file name, bytes).
pub async fn attachment(db: &Db, id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT attachment_name, attachment FROM outbox WHERE id = $1 AND attachment IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// Pending messages that are due, oldest first (at most 100).
pub async fn due(db: &Db, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM outbox WHERE status = 'pending' \
         AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY id LIMIT 100",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Takes a due message by moving its next attempt past the time sending may take; false when
/// another worker took it first.
pub async fn claim(db: &Db, now: i64, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' \
         AND (next_attempt_at IS NULL OR next_attempt_at <= $3)",
    )
    .bind(now + CLAIM_SECONDS)
    .bind(id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A message with its attachment, and how many attempts it has had.
pub async fn with_attempts(db: &Db, id: i64) -> Result<Option<(Message, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, channel, recipient, subject, body, links, codes, attachment_name, created_at, \
         attachment, attempts FROM outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let attachment: Option<Vec<u8>> = row.try_get("attachment")?;
    let attempts: i64 = row.try_get("attempts")?;
    let mut message = message_from_row(row)?;
    message.attachment = attachment;
    Ok(Some((message, attempts)))
}

pub async fn mark_sent(db: &Db, now: i64, id: i64, attempts: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, attempts = $2, next_attempt_at = NULL WHERE id = $3")
        .bind(now)
        .bind(attempts)
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// After delivery the message's text, codes, links and attachment go: the outbox is not
/// a second copy of every passcode and link (hashed everywhere else).
pub async fn blank(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET body = '', links = '[]', codes = '[]', attachment = NULL WHERE id = $1 AND status = 'sent'",
    )
    .bind(id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// Deletes messages delivered before `before`.
pub async fn purge_sent(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM outbox WHERE status = 'sent' AND sent_at < $1")
        .bind(before)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// Records a failed attempt: tried again at `next_attempt_at`, or given up (`status` failed).
pub async fn mark_attempt_failed(
    db: &Db,
    id: i64,
    attempts: i64,
    error: &str,
    status: &str,
    next_attempt_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET attempts = $1, last_error = $2, status = $3, next_attempt_at = $4 WHERE id = $5")
        .bind(attempts)
        .bind(error)
        .bind(status)
        .bind(next_attempt_at)
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}
