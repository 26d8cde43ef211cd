//! "My Profile and Preferences" (guide 000): name and phone, password, notification
//! preferences, the user passkey, and the user's active sessions.

mod view;

pub use view::ProfilePage;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The notification types a user can tune, with their labels.
pub const NOTIFICATION_KINDS: [(&str, &str); 6] = [
    ("remittance", "Remittance advice"),
    ("referral", "Referral updates"),
    ("bulletin", "Provider bulletins"),
    ("access", "Access requests"),
    ("pin", "PIN letters"),
    ("user_activity", "User activity in my organization"),
];

/// How often a notification type arrives.
pub const FREQUENCIES: [(&str, &str); 4] = [
    ("immediately", "Immediately"),
    ("daily", "Daily digest"),
    ("weekly", "Weekly digest"),
    ("off", "Off"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preference {
    pub kind: String,
    pub label: String,
    pub frequency: String,
    pub email: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActiveSession {
    pub started: String,
    pub last_seen: String,
    pub from: String,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub passkey_set: bool,
    pub authenticator_enrolled: bool,
    pub is_org_admin: bool,
    pub preferences: Vec<Preference>,
    pub sessions: Vec<ActiveSession>,
}

#[server(endpoint = "profile")]
pub async fn load_profile() -> Result<Profile, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::load(user).await
}

#[server(endpoint = "profile/save", input = leptos::server_fn::codec::Json)]
pub async fn save_profile(
    first_name: String,
    last_name: String,
    preferences: Vec<Preference>,
) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::save(user, first_name, last_name, preferences).await
}

/// Sends a passcode to a new phone number (after a step-up); answers its prefix.
#[server(endpoint = "profile/phone/send")]
pub async fn send_phone_passcode(phone: String) -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::send_phone(user, phone).await
}

#[server(endpoint = "profile/phone/confirm")]
pub async fn confirm_phone(phone: String, code: String) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::confirm_phone(user, phone, code).await
}

/// The passkey, for "Hold to View" (after a step-up).
#[server(endpoint = "profile/passkey")]
pub async fn view_passkey() -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN.fresh()).await?;
    ssr::view_passkey(user).await
}

#[server(endpoint = "profile/passkey/reset")]
pub async fn reset_passkey(passkey: String, again: String) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::reset_passkey(user, passkey, again).await
}

#[server(endpoint = "profile/sign-out-others")]
pub async fn sign_out_other_sessions() -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::sign_out_others(user).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::domain::Phone;
    use crate::ssr::guard::Caller;
    use crate::ssr::outbox::Channel;
    use crate::ssr::passcodes::{self, Purpose};
    use crate::ssr::{audit, crypto};
    use sqlx::Row;

    async fn record(caller: &Caller, action: &'static str, detail: &str) -> Result<(), AppError> {
        audit::record(
            &caller.state.db,
            caller.state.clock.unix(),
            audit::AuditEntry {
                user_id: Some(caller.user_id),
                organization_id: caller.org.as_ref().map(|o| o.organization_id),
                action,
                subject: format!("user:{}", caller.user_id),
                detail: detail.into(),
                ip: caller.ip.clone(),
            },
        )
        .await?;
        Ok(())
    }

    pub async fn load(User(caller): User) -> Result<Profile, AppError> {
        let db = &caller.state.db;
        let user = sqlx::query(
            "SELECT phone, passkey_ciphertext, totp_secret_ciphertext FROM users WHERE id = $1",
        )
        .bind(caller.user_id)
        .fetch_one(&db.pool)
        .await?;
        let saved = sqlx::query(
            "SELECT kind, frequency, email FROM notification_preferences WHERE user_id = $1",
        )
        .bind(caller.user_id)
        .fetch_all(&db.pool)
        .await?;
        let mut preferences = Vec::new();
        for (kind, label) in NOTIFICATION_KINDS {
            let row = saved
                .iter()
                .find(|r| r.try_get::<String, _>("kind").is_ok_and(|k| k == kind));
            preferences.push(Preference {
                kind: kind.into(),
                label: label.into(),
                frequency: match row {
                    Some(r) => r.try_get("frequency")?,
                    None => "immediately".into(),
                },
                email: match row {
                    Some(r) => r.try_get::<i64, _>("email")? == 1,
                    None => false,
                },
            });
        }
        let cal = &caller.state.settings.calendar;
        let sessions = sqlx::query(
            "SELECT id_hash, created_at, last_seen_at, ip FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC",
        )
        .bind(caller.user_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| {
            Ok(ActiveSession {
                started: cal.format_date_time(row.try_get("created_at")?),
                last_seen: cal.format_date_time(row.try_get("last_seen_at")?),
                from: row.try_get::<Option<String>, _>("ip")?.unwrap_or_else(|| "unknown".into()),
                current: row.try_get::<String, _>("id_hash")? == caller.session_hash,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(Profile {
            email: caller.email.clone(),
            first_name: caller.first_name.clone(),
            last_name: caller.last_name.clone(),
            phone: user
                .try_get::<Option<String>, _>("phone")?
                .unwrap_or_default(),
            passkey_set: user
                .try_get::<Option<String>, _>("passkey_ciphertext")?
                .is_some(),
            authenticator_enrolled: user
                .try_get::<Option<String>, _>("totp_secret_ciphertext")?
                .is_some(),
            is_org_admin: caller
                .org
                .as_ref()
                .is_some_and(|o| o.role == crate::domain::permissions::OrgRole::Admin),
            preferences,
            sessions,
        })
    }

    pub async fn save(
        User(caller): User,
        first_name: String,
        last_name: String,
        preferences: Vec<Preference>,
    ) -> Result<(), AppError> {
        let mut check = crate::error::Checker::new();
        if first_name.trim().is_empty() {
            check.add("first_name", "Enter your first name.");
        }
        if last_name.trim().is_empty() {
            check.add("last_name", "Enter your last name.");
        }
        for p in &preferences {
            if !NOTIFICATION_KINDS.iter().any(|(k, _)| *k == p.kind)
                || !FREQUENCIES.iter().any(|(f, _)| *f == p.frequency)
            {
                check.add("preferences", "Choose a frequency for each notification.");
            }
        }
        check.finish()?;
        let db = &caller.state.db;
        let mut tx = db.pool.begin().await?;
        sqlx::query("UPDATE users SET first_name = $1, last_name = $2 WHERE id = $3")
            .bind(first_name.trim())
            .bind(last_name.trim())
            .bind(caller.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM notification_preferences WHERE user_id = $1")
            .bind(caller.user_id)
            .execute(&mut *tx)
            .await?;
        for p in preferences {
            sqlx::query("INSERT INTO notification_preferences (user_id, kind, frequency, email) VALUES ($1, $2, $3, $4)")
                .bind(caller.user_id)
                .bind(p.kind)
                .bind(p.frequency)
                .bind(i64::from(p.email))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        record(
            &caller,
            "profile.update",
            "name and notification preferences",
        )
        .await
    }

    fn phone_subject(caller: &Caller, phone: &Phone) -> String {
        format!("phone:{}:{}", caller.user_id, phone.digits())
    }

    pub async fn send_phone(User(caller): User, phone: String) -> Result<String, AppError> {
        let phone = Phone::parse(&phone).map_err(|e| AppError::field("phone", e.to_string()))?;
        caller.require_step_up()?;
        let state = &caller.state;
        let sent = passcodes::send(
            state,
            Purpose::PhoneChange,
            &phone_subject(&caller, &phone),
            Channel::Sms,
            phone.as_str(),
        )
        .await?;
        Ok(sent.prefix)
    }

    pub async fn confirm_phone(
        User(caller): User,
        phone: String,
        code: String,
    ) -> Result<(), AppError> {
        let phone = Phone::parse(&phone).map_err(|e| AppError::field("phone", e.to_string()))?;
        caller.require_step_up()?;
        let state = &caller.state;
        passcodes::verify(
            &state.db,
            state.clock.unix(),
            &state.settings.secret_key,
            Purpose::PhoneChange,
            &phone_subject(&caller, &phone),
            &code,
        )
        .await?;
        sqlx::query("UPDATE users SET phone = $1 WHERE id = $2")
            .bind(phone.as_str())
            .bind(caller.user_id)
            .execute(&state.db.pool)
            .await?;
        record(
            &caller,
            "profile.phone_change",
            &format!("ending in {}", phone.last4()),
        )
        .await
    }

    pub async fn view_passkey(User(caller): User) -> Result<String, AppError> {
        let sealed: Option<String> =
            sqlx::query_scalar("SELECT passkey_ciphertext FROM users WHERE id = $1")
                .bind(caller.user_id)
                .fetch_one(&caller.state.db.pool)
                .await?;
        let sealed = sealed.ok_or(AppError::NotFound)?;
        let passkey =
            crypto::open(&caller.state.settings.secret_key, &sealed).ok_or(AppError::Internal)?;
        record(&caller, "passkey.view", "").await?;
        String::from_utf8(passkey).map_err(|_| AppError::Internal)
    }

    pub async fn reset_passkey(
        User(caller): User,
        passkey: String,
        again: String,
    ) -> Result<(), AppError> {
        crate::auth::check_passkey(&passkey, &again)?;
        caller.require_step_up()?;
        sqlx::query("UPDATE users SET passkey_ciphertext = $1 WHERE id = $2")
            .bind(crypto::seal(
                &caller.state.settings.secret_key,
                passkey.as_bytes(),
            ))
            .bind(caller.user_id)
            .execute(&caller.state.db.pool)
            .await?;
        record(&caller, "passkey.set", "reset in profile").await
    }

    pub async fn sign_out_others(User(caller): User) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(caller.user_id)
            .bind(&caller.session_hash)
            .execute(&caller.state.db.pool)
            .await?;
        record(&caller, "session.sign_out_others", "").await
    }
}
