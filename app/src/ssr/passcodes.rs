//! One-time passcodes: a 4-digit prefix shown on screen and 6 digits sent by SMS, voice or
//! email ("4437-123456"; the user types the six). Valid 30 minutes, used once, void after 5
//! wrong tries. Resending voids the previous code and keeps its failure count.

use super::clock::{HOUR, MINUTE};
use super::db::Db;
use super::outbox::{self, Channel, NewMessage};
use super::repo::passcodes;
use super::{audit, AppState};
use crate::error::AppError;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

pub const VALID_MINUTES: i64 = 30;
pub const ACCESS_REQUEST_MINUTES: i64 = 15;
pub const MAX_FAILURES: i64 = 5;
/// At most 5 passcodes for one purpose and subject within 15 minutes, so "Resend" cannot be
/// used to flood a phone or run up the plan's SMS bill.
pub const MAX_SENDS: i64 = 5;
pub const SEND_WINDOW_MINUTES: i64 = 15;
/// Across purposes, in an hour: passcodes for one user, and to one phone number or email
/// address, so neither a stolen password nor a signed-in user can turn the portal on
/// someone's phone. Room enough for a busy day's sign-ins and step-ups (a front-desk phone
/// may serve several users).
pub const MAX_SENDS_PER_USER: i64 = 30;
pub const MAX_SENDS_PER_DESTINATION: i64 = 30;

/// What a passcode proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Registration,
    PasswordLink,
    SignIn,
    StepUp,
    PhoneChange,
    /// "Register as a New User": a code by email, valid 15 minutes (guide 002).
    AccessRequest,
}

impl Purpose {
    /// Minutes the passcode works.
    pub fn valid_minutes(self) -> i64 {
        match self {
            Purpose::AccessRequest => ACCESS_REQUEST_MINUTES,
            _ => VALID_MINUTES,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Purpose::AccessRequest => "access_request",
            Purpose::Registration => "registration",
            Purpose::PasswordLink => "password_link",
            Purpose::SignIn => "sign_in",
            Purpose::StepUp => "step_up",
            Purpose::PhoneChange => "phone_change",
        }
    }
}

/// A passcode on its way: the prefix to show and where it went.
#[derive(Debug, Clone)]
pub struct Sent {
    pub prefix: String,
}

/// The stored form: keyed with the server's secret, so a copy of the table does not let
/// anyone try the million possible codes offline.
fn code_hash(key: &[u8; 32], purpose: Purpose, subject: &str, code: &str) -> String {
    hex::encode(
        code_mac(key, purpose, subject, code)
            .finalize()
            .into_bytes(),
    )
}

fn code_mac(key: &[u8; 32], purpose: Purpose, subject: &str, code: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    for part in [purpose.as_str(), subject, code] {
        mac.update(part.as_bytes());
        mac.update(b"\0");
    }
    mac
}

/// Sends a new passcode for `subject` (for `user_id`, when it is known whose it is), voiding
/// any earlier one.
pub async fn send(
    state: &AppState,
    purpose: Purpose,
    subject: &str,
    user_id: Option<i64>,
    channel: Channel,
    destination: &str,
) -> Result<Sent, AppError> {
    let (db, now) = (&state.db, state.clock.unix());
    let (key, program) = (
        state.settings.keys.passcodes(),
        state.settings.program_name.as_str(),
    );
    super::limits::take(
        state,
        &format!("passcode:{}:{subject}", purpose.as_str()),
        SEND_WINDOW_MINUTES * MINUTE,
        MAX_SENDS,
    )
    .await?;
    let to = format!("passcode-to:{}", destination.to_lowercase());
    super::limits::take(state, &to, HOUR, MAX_SENDS_PER_DESTINATION).await?;
    if let Some(user_id) = user_id {
        let key = format!("passcode-user:{user_id}");
        super::limits::take(state, &key, HOUR, MAX_SENDS_PER_USER).await?;
    }
    let mut failures = 0;
    if let Some((id, previous_failures)) =
        passcodes::latest_unused(db, purpose.as_str(), subject).await?
    {
        failures = previous_failures;
        passcodes::void(db, now, id).await?;
    }
    if failures >= MAX_FAILURES {
        return Err(AppError::Conflict(
            "Too many wrong passcodes were entered. Please start again.".into(),
        ));
    }
    let (prefix, code) = {
        let mut rng = rand::rng();
        (
            format!("{:04}", rng.random_range(1000..10_000)),
            crate::ssr::crypto::digits(6),
        )
    };
    let code_hash = code_hash(key, purpose, subject, &code);
    let passcode = passcodes::NewPasscode {
        purpose: purpose.as_str(),
        subject,
        prefix: &prefix,
        code_hash: &code_hash,
        channel: channel.as_str(),
        destination,
        failures,
        expires_at: now + purpose.valid_minutes() * MINUTE,
    };
    passcodes::insert(db, now, passcode).await?;
    let message = super::messages::passcode(program, &prefix, &code, purpose.valid_minutes());
    outbox::enqueue(
        db,
        &state.settings,
        now,
        NewMessage {
            channel,
            to: destination.to_string(),
            subject: message.subject,
            body: message.body,
            links: message.links,
            codes: vec![code],
            attachment: None,
        },
    )
    .await?;
    Ok(Sent { prefix })
}

/// The prefix of the passcode waiting for `subject`, if one is.
pub async fn pending_prefix(
    db: &Db,
    now: i64,
    purpose: Purpose,
    subject: &str,
) -> Result<Option<String>, AppError> {
    Ok(passcodes::pending_prefix(db, now, purpose.as_str(), subject).await?)
}

/// "Resend one-time passcode": the waiting passcode is withdrawn (its failures carry over to
/// the next one), so the flow asks again how to send it.
pub async fn withdraw(state: &AppState, purpose: Purpose, subject: &str) -> Result<(), AppError> {
    let db = &state.db;
    if let Some((id, _)) = passcodes::latest_unused(db, purpose.as_str(), subject).await? {
        passcodes::void(db, state.clock.unix(), id).await?;
    }
    Ok(())
}

/// The channel ("sms", "voice" …) and destination of the last passcode sent for `subject`,
/// for "Resend" to the same place.
pub async fn last_sent(
    db: &Db,
    purpose: Purpose,
    subject: &str,
) -> Result<Option<(String, String)>, AppError> {
    Ok(passcodes::last_sent(db, purpose.as_str(), subject).await?)
}

/// Why a typed passcode was refused, for the "One-time passcode" field.
pub const WRONG: &str = "The passcode is not correct. Check the six digits and try again.";
pub const EXPIRED: &str =
    "This passcode has expired. Select “Resend one-time passcode” for a new one.";
pub const VOID: &str = "Too many wrong passcodes were entered. Select “Resend one-time passcode”.";
pub const USED: &str = "This passcode was already used. Select “Resend one-time passcode”.";

/// The six digits typed, without spaces or dashes; anything else is refused before a try is
/// counted.
pub fn six_digits(typed: &str) -> Result<String, AppError> {
    let typed: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field(
            "code",
            "Enter the six digits of the passcode.",
        ));
    }
    Ok(typed)
}

/// Checks a typed passcode; on success it is used up.
pub async fn verify(
    db: &Db,
    now: i64,
    key: &[u8; 32],
    purpose: Purpose,
    subject: &str,
    typed: &str,
) -> Result<(), AppError> {
    let typed = six_digits(typed)?;
    let Some(row) = passcodes::to_check(db, purpose.as_str(), subject).await? else {
        return Err(AppError::field("code", EXPIRED));
    };
    let id = row.id;
    if row.voided_at.is_some() || row.failures >= MAX_FAILURES {
        return Err(AppError::field("code", VOID));
    }
    if row.expires_at <= now {
        return Err(AppError::field("code", EXPIRED));
    }
    if !passcodes::reserve_try(db, now, id, MAX_FAILURES).await? {
        return Err(AppError::field("code", VOID));
    }
    let stored = row.code_hash;
    // Compared in constant time.
    let matches = hex::decode(&stored)
        .map(|bytes| {
            code_mac(key, purpose, subject, &typed)
                .verify_slice(&bytes)
                .is_ok()
        })
        .unwrap_or(false);
    if !matches {
        passcodes::void_if_spent(db, now, id, MAX_FAILURES).await?;
        return Err(AppError::field("code", WRONG));
    }
    if !passcodes::mark_used(db, now, id).await? {
        return Err(AppError::field("code", USED));
    }
    Ok(())
}

/// [`verify`], recording a refused passcode in the audit log: `failure`, a `passcode.failure`
/// event naming whose passcode it was.
pub async fn verify_audited(
    state: &AppState,
    purpose: Purpose,
    subject: &str,
    typed: &str,
    failure: audit::Event,
) -> Result<(), AppError> {
    let now = state.clock.unix();
    let result = verify(
        &state.db,
        now,
        state.settings.keys.passcodes(),
        purpose,
        subject,
        typed,
    )
    .await;
    if result.is_err() {
        failure.record(&state.db).await?;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_request_codes_last_15_minutes_and_the_others_30() {
        assert_eq!(Purpose::AccessRequest.valid_minutes(), 15);
        for purpose in [
            Purpose::Registration,
            Purpose::PasswordLink,
            Purpose::SignIn,
            Purpose::StepUp,
            Purpose::PhoneChange,
        ] {
            assert_eq!(purpose.valid_minutes(), 30);
        }
    }

    #[test]
    fn hashes_depend_on_key_purpose_subject_and_code() {
        let key = [1; 32];
        let base = code_hash(&key, Purpose::SignIn, "user:1", "123456");
        assert_ne!(
            base,
            code_hash(&[2; 32], Purpose::SignIn, "user:1", "123456")
        );
        assert_ne!(base, code_hash(&key, Purpose::StepUp, "user:1", "123456"));
        assert_ne!(base, code_hash(&key, Purpose::SignIn, "user:2", "123456"));
        assert_ne!(base, code_hash(&key, Purpose::SignIn, "user:1", "123457"));
        assert!(!base.contains("123456"));
    }
}
