//! Every outgoing email, SMS, voice call and postal letter goes through this table; a worker
//! hands pending messages to the configured sender.

use super::db::Db;
use super::repo::outbox as store;
use super::settings::Settings;
use crate::domain::ContactMethod;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    Voice,
    Postal,
}

impl Channel {
    /// The phone channel a person chose: a call for Voice, otherwise a text message.
    pub fn phone(choice: ContactMethod) -> Channel {
        if choice == ContactMethod::Voice {
            Channel::Voice
        } else {
            Channel::Sms
        }
    }

    /// Where a passcode goes for the method chosen; none for an authenticator app.
    pub fn of(method: ContactMethod) -> Option<Channel> {
        match method {
            ContactMethod::Sms => Some(Channel::Sms),
            ContactMethod::Voice => Some(Channel::Voice),
            ContactMethod::Email => Some(Channel::Email),
            ContactMethod::Authenticator => None,
        }
    }

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

    pub fn from_db(value: &str) -> Channel {
        match value {
            "sms" => Channel::Sms,
            "voice" => Channel::Voice,
            "postal" => Channel::Postal,
            _ => Channel::Email,
        }
    }
}

/// A message to queue. `links` and `codes` repeat what the body contains, so the dev mailbox
/// (and tests) can read them without parsing prose. `Debug` shows neither.
#[derive(Clone)]
pub struct NewMessage {
    pub channel: Channel,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
    pub codes: Vec<String>,
    pub attachment: Option<(String, Vec<u8>)>,
}

/// A queued or sent message as the dev mailbox shows it. `Debug` shows no text, code or link.
#[derive(Clone, Serialize)]
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
    /// The attachment's bytes, loaded only for delivery: listings leave them out.
    #[serde(skip)]
    pub attachment: Option<Vec<u8>>,
}

/// Queues a plain email; its links are listed for the dev mailbox as well.
pub async fn email(
    db: &Db,
    settings: &Settings,
    now: i64,
    to: &str,
    message: super::messages::Message,
) -> Result<i64, sqlx::Error> {
    enqueue(
        db,
        settings,
        now,
        NewMessage {
            channel: Channel::Email,
            to: to.to_string(),
            subject: message.subject,
            body: message.body,
            links: message.links,
            codes: Vec::new(),
            attachment: None,
        },
    )
    .await
}

/// Queues a message. Its codes and links are kept apart only for the dev mailbox, which
/// lists them; otherwise they exist only in the body, which goes once it is delivered.
pub async fn enqueue(
    db: &Db,
    settings: &Settings,
    now: i64,
    mut message: NewMessage,
) -> Result<i64, sqlx::Error> {
    if !settings.dev_mailbox {
        message.codes.clear();
        message.links.clear();
    }
    store::insert(db, now, message).await
}

/// The newest messages first, for the dev mailbox.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<Message>, sqlx::Error> {
    store::recent(db, limit).await
}

/// The attachment of one message (the PDF of a postal letter), for the dev mailbox.
pub async fn attachment(db: &Db, id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    store::attachment(db, id).await
}

/// Delivers messages somewhere: the dev mailbox, or SMTP and the SMS/voice gateway and print vendor.
pub trait Sender: Send + Sync {
    fn send<'a>(
        &'a self,
        message: &'a Message,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>>;

    /// Whether the outbox row is where the message is read (the dev mailbox): otherwise its
    /// text, codes and links are blanked once it is delivered.
    fn keeps_messages(&self) -> bool {
        false
    }
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

    fn keeps_messages(&self) -> bool {
        true
    }
}

/// Delivered messages are deleted after this many days.
pub const KEEP_SENT_DAYS: i64 = 30;

/// Deletes messages delivered more than [`KEEP_SENT_DAYS`] ago (housekeeping).
pub async fn purge(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    store::purge_sent(db, now - KEEP_SENT_DAYS * 24 * 60 * 60).await
}

/// How many times a message is tried before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 5;

/// How long a worker holds a message it is sending before another may take it over (a worker
/// that died mid-send); longer than any sender's timeout.
pub const CLAIM_SECONDS: i64 = 300;

/// Seconds to wait before trying a message again after its `attempts`-th failure: 30 s
/// doubled per attempt, so a broken gateway or mail server is not hammered.
pub fn retry_delay(attempts: i64) -> i64 {
    30 * (1_i64 << attempts.clamp(0, 10))
}

/// Hands every pending message that is due to the sender once; returns how many were sent.
pub async fn deliver_pending(db: &Db, now: i64, sender: &dyn Sender) -> Result<usize, sqlx::Error> {
    let ids = store::due(db, now).await?;
    let mut sent = 0;
    let started = std::time::Instant::now();
    for id in ids {
        // `now` is the batch's start: after slow sends, a claim from it would already be stale.
        let now = now + started.elapsed().as_secs() as i64;
        if !claim(db, now, id).await? {
            continue;
        }
        let Some((message, attempts)) = store::with_attempts(db, id).await? else {
            continue;
        };
        let attempts = attempts + 1;
        match sender.send(&message).await {
            Ok(()) => {
                store::mark_sent(db, now, id, attempts).await?;
                if !sender.keeps_messages() {
                    store::blank(db, id).await?;
                }
                sent += 1;
            }
            Err(error) => {
                // Senders' errors name only the kind of failure, never the body or a secret.
                tracing::warn!(
                    message_id = id,
                    channel = message.channel.as_str(),
                    attempts,
                    %error,
                    "delivery failed"
                );
                let status = if attempts >= MAX_ATTEMPTS {
                    "failed"
                } else {
                    "pending"
                };
                let next = now + retry_delay(attempts);
                store::mark_attempt_failed(db, id, attempts, &error, status, next).await?;
            }
        }
    }
    Ok(sent)
}

/// Takes a due message for this worker; false when another worker took it first.
pub async fn claim(db: &Db, now: i64, id: i64) -> Result<bool, sqlx::Error> {
    store::claim(db, now, id).await
}

/// What a message's `Debug` shows: where it goes and its subject, never its text.
fn debug_message(
    f: &mut std::fmt::Formatter<'_>,
    name: &str,
    channel: Channel,
    subject: &str,
) -> std::fmt::Result {
    f.debug_struct(name)
        .field("channel", &channel)
        .field("subject", &subject)
        .field("body", &"[redacted]")
        .finish_non_exhaustive()
}

impl std::fmt::Debug for NewMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        debug_message(f, "NewMessage", self.channel, &self.subject)
    }
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        debug_message(f, "Message", self.channel, &self.subject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_doubling_from_a_minute() {
        let delays: Vec<i64> = (1..=MAX_ATTEMPTS).map(retry_delay).collect();
        assert_eq!(delays, [60, 120, 240, 480, 960]);
        assert_eq!(retry_delay(0), 30);
        assert_eq!(retry_delay(-3), 30, "never shorter than the base delay");
        assert_eq!(retry_delay(i64::MAX), 30 * 1024, "capped, and no overflow");
    }
}
