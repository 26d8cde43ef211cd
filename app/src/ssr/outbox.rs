//! Every outgoing email, SMS, voice call and postal letter goes through this table; a worker
//! hands pending messages to the configured sender.

use super::db::Db;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    Voice,
    Postal,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Voice => "voice",
            Channel::Postal => "postal",
        }
    }

    /// How the dev mailbox names the channel.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "Email",
            Channel::Sms => "SMS",
            Channel::Voice => "Voice call",
            Channel::Postal => "Postal letter",
        }
    }

    fn from_db(value: &str) -> Channel {
        match value {
            "sms" => Channel::Sms,
            "voice" => Channel::Voice,
            "postal" => Channel::Postal,
            _ => Channel::Email,
        }
    }
}

/// A message to queue. `links` and `codes` repeat what the body contains, so the dev mailbox
/// (and tests) can read them without parsing prose.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub channel: Channel,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
    pub codes: Vec<String>,
    pub attachment: Option<(String, Vec<u8>)>,
}

/// A queued or sent message as the dev mailbox shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: i64,
    pub channel: Channel,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
    pub codes: Vec<String>,
    pub created_at: String,
    pub attachment_name: Option<String>,
}

pub async fn enqueue(db: &Db, now: i64, message: NewMessage) -> Result<i64, sqlx::Error> {
    let (attachment_name, attachment) = message.attachment.unzip();
    let row = sqlx::query(
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
    .await?;
    row.try_get("id")
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
    })
}

/// The newest messages first, for the dev mailbox.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Message>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT_MESSAGE} ORDER BY id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter().map(message_from_row).collect()
}

/// The attachment of one message (the PDF of a postal letter), for the dev mailbox.
pub async fn attachment(db: &Db, id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT attachment_name, attachment FROM outbox WHERE id = $1 AND attachment IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| Ok((row.try_get("attachment_name")?, row.try_get("attachment")?)))
        .transpose()
}

/// Delivers messages somewhere: the dev mailbox, or SMTP and the SMS/voice gateway and print vendor.
pub trait Sender: Send + Sync {
    fn send<'a>(
        &'a self,
        message: &'a Message,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Keeps every message in the outbox table, where `/dev/mailbox` shows it.
pub struct DevMailbox;

impl Sender for DevMailbox {
    fn send<'a>(
        &'a self,
        _message: &'a Message,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async { Ok(()) })
    }
}

/// How many times a message is tried before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 5;

/// Hands every pending message to the sender once; returns how many were sent.
pub async fn deliver_pending(db: &Db, now: i64, sender: &dyn Sender) -> Result<usize, sqlx::Error> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 100")
            .fetch_all(&db.pool)
            .await?;
    let mut sent = 0;
    for id in ids {
        let Some(message) = one(db, id).await? else {
            continue;
        };
        match sender.send(&message).await {
            Ok(()) => {
                sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(message_id = id, %error, "delivery failed");
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
                     status = CASE WHEN attempts + 1 >= $2 THEN 'failed' ELSE 'pending' END WHERE id = $3",
                )
                .bind(error)
                .bind(MAX_ATTEMPTS)
                .bind(id)
                .execute(&db.pool)
                .await?;
            }
        }
    }
    Ok(sent)
}

async fn one(db: &Db, id: i64) -> Result<Option<Message>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT_MESSAGE} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(message_from_row).transpose()
}
