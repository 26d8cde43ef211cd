//! "My Profile and Preferences" (guide 000): name and phone, password, notification
//! preferences, the user passkey, and the user's active sessions.

mod collections;
mod view;

pub use collections::{CollectionRow, MyCollections};
pub use view::ProfilePage;

use crate::domain::Secret;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The notification types a user can tune, with their labels.
pub const NOTIFICATION_KINDS: [(&str, &str); 10] = [
    ("correspondence", "New correspondence"),
    ("remittance", "Remittance advice"),
    ("referral", "Referral decisions"),
    ("dispute", "Dispute acknowledgments"),
    ("affiliation", "Affiliation decisions"),
    ("bulletin", "Provider bulletins"),
    ("access", "Access requests"),
    ("verification", "User verification due"),
    ("pin", "PIN resets and letters"),
    (
        "user_activity",
        "User activity in my organization (new and deactivated users)",
    ),
];

/// Types only an Org Admin receives.
pub const ADMIN_KINDS: [&str; 3] = ["access", "verification", "user_activity"];

/// Types an Org Admin opts in to: none reaches the dashboard until a frequency is chosen.
pub const OPT_IN_KINDS: [&str; 1] = ["user_activity"];

/// A type's settings before the user chooses: opt-in types are off, others arrive at once
/// on the dashboard, without email.
pub fn default_preference(kind: &str) -> (&'static str, bool) {
    if OPT_IN_KINDS.contains(&kind) {
        ("off", false)
    } else {
        ("immediately", false)
    }
}

/// How often a notification type arrives.
pub const FREQUENCIES: [(&str, &str); 4] = [
    ("immediately", "Immediately"),
    ("daily", "Daily digest"),
    ("weekly", "Weekly digest"),
    ("off", "Off"),
];

/// One notification type's settings; the form posts `preferences[i][kind|frequency|email]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preference {
    pub kind: String,
    #[serde(default)]
    pub label: String,
    pub frequency: String,
    /// Posted only when ticked.
    #[serde(default)]
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
    /// When the user accepted the Electronic 1099 Consent Agreement (MM/DD/YYYY), if it stands.
    pub tax_consent_since: Option<String>,
}

#[server(endpoint = "profile")]
pub async fn load_profile() -> Result<Profile, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::load(user).await
}

/// "Save Changes": names and notification preferences, and a new phone number, which a
/// passcode sent to it confirms (after a fresh passcode of the user's own).
#[server(endpoint = "profile/save")]
pub async fn save_profile(
    first_name: String,
    last_name: String,
    #[server(default)] phone: String,
    #[server(default)] preferences: Vec<Preference>,
) -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    let next = ssr::save(user, first_name, last_name, phone, preferences).await?;
    Ok(crate::ssr::follow(&next))
}

/// The prefix of the passcode sent to a new phone number, while it waits.
#[server(endpoint = "profile/phone/pending")]
pub async fn phone_passcode_prefix(phone: String) -> Result<Option<String>, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::phone_prefix(user, phone).await
}

#[server(endpoint = "profile/phone/confirm")]
pub async fn confirm_phone(phone: String, code: String) -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::confirm_phone(user, phone, code).await?;
    Ok(crate::ssr::follow("/profile?done=phone"))
}

/// The passkey, for "Hold to View" (after a step-up).
#[server(endpoint = "profile/passkey")]
pub async fn view_passkey() -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN.fresh()).await?;
    ssr::view_passkey(user).await
}

#[server(endpoint = "profile/passkey/reset")]
pub async fn reset_passkey(passkey: Secret, again: Secret) -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::reset_passkey(user, passkey.into_exposed(), again.into_exposed()).await?;
    Ok(crate::ssr::follow("/profile?done=passkey"))
}

#[server(endpoint = "profile/sign-out-others")]
pub async fn sign_out_other_sessions() -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::sign_out_others(user).await?;
    Ok(crate::ssr::follow("/profile?done=sessions"))
}

#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
mod ssr {
    use super::repo;
    use super::*;
    use crate::domain::{check_names, Phone, Whose};
    use crate::ssr::crypto;
    use crate::ssr::guard::Caller;
    use crate::ssr::outbox::Channel;
    use crate::ssr::passcodes::{self, Purpose};
    use crate::ssr::repo::users;

    async fn record(caller: &Caller, action: &'static str, detail: &str) -> Result<(), AppError> {
        caller
            .audit(action, format!("user:{}", caller.user_id))
            .detail(detail)
            .record(&caller.state.db)
            .await?;
        Ok(())
    }

    pub async fn load(User(caller): User) -> Result<Profile, AppError> {
        let mut conn = caller.state.db.conn().await?;
        let user = repo::account(&mut conn, caller.user_id).await?;
        let saved = repo::preferences(&mut conn, caller.user_id).await?;
        let is_org_admin = caller
            .org
            .as_ref()
            .is_some_and(|o| o.role == crate::domain::permissions::OrgRole::Admin);
        let preferences = NOTIFICATION_KINDS
            .iter()
            .filter(|(kind, _)| is_org_admin || !ADMIN_KINDS.contains(kind))
            .map(|(kind, label)| {
                let row = saved.iter().find(|(k, _, _)| k == kind);
                let (frequency, email) = default_preference(kind);
                Preference {
                    kind: kind.to_string(),
                    label: label.to_string(),
                    frequency: row.map_or_else(|| frequency.into(), |(_, f, _)| f.clone()),
                    email: row.map_or(email, |(_, _, email)| *email == 1),
                }
            })
            .collect();
        let cal = &caller.state.settings.calendar;
        let sessions = repo::sessions(&mut conn, caller.user_id)
            .await?
            .into_iter()
            .map(|s| ActiveSession {
                started: cal.format_date_time(s.created_at),
                last_seen: cal.format_date_time(s.last_seen_at),
                from: s.ip.unwrap_or_else(|| "unknown".into()),
                current: s.id_hash == caller.session_hash,
            })
            .collect();
        let tax_consent_since = crate::correspondence::repo::tax_consent(&mut conn, caller.user_id)
            .await?
            .map(|at| cal.format_date(at));
        drop(conn);
        Ok(Profile {
            email: caller.email.clone(),
            first_name: caller.first_name.clone(),
            last_name: caller.last_name.clone(),
            phone: user.phone.unwrap_or_default(),
            passkey_set: user.passkey_ciphertext.is_some(),
            authenticator_enrolled: user.totp_secret_ciphertext.is_some(),
            is_org_admin,
            preferences,
            sessions,
            tax_consent_since,
        })
    }

    pub async fn save(
        User(caller): User,
        first_name: String,
        last_name: String,
        phone: String,
        preferences: Vec<Preference>,
    ) -> Result<String, AppError> {
        let mut check = crate::error::Checker::new();
        check_names(&mut check, &first_name, &last_name, Whose::Own);
        for p in &preferences {
            if !NOTIFICATION_KINDS.iter().any(|(k, _)| *k == p.kind)
                || !FREQUENCIES.iter().any(|(f, _)| *f == p.frequency)
            {
                check.add("preferences", "Choose a frequency for each notification.");
            }
        }
        let state = &caller.state;
        let current = users::phone(&mut *state.db.conn().await?, caller.user_id)
            .await?
            .flatten()
            .unwrap_or_default();
        // An empty or unchanged number keeps the current one.
        let new_phone = match phone.trim() {
            "" => None,
            typed => match Phone::parse(typed) {
                Ok(p) if p.as_str() == current => None,
                Ok(p) => Some(p),
                Err(e) => {
                    check.add("phone", e.to_string());
                    None
                }
            },
        };
        check.finish()?;
        // Asked before anything is saved, so the form is posted again whole after it.
        if new_phone.is_some() {
            caller.require_step_up()?;
        }
        let preferences: Vec<(String, String, bool)> = preferences
            .into_iter()
            .map(|p| (p.kind, p.frequency, p.email))
            .collect();
        let mut tx = state.db.begin().await?;
        repo::save(
            &mut tx,
            caller.user_id,
            first_name.trim(),
            last_name.trim(),
            &preferences,
        )
        .await?;
        caller
            .audit("profile.update", format!("user:{}", caller.user_id))
            .detail("name and notification preferences")
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        let Some(phone) = new_phone else {
            return Ok("/profile?done=saved".into());
        };
        passcodes::send(
            state,
            Purpose::PhoneChange,
            &phone_subject(&caller, &phone),
            Some(caller.user_id),
            Channel::Sms,
            phone.as_str(),
        )
        .await?;
        Ok(format!("/profile?dialog=phone&phone={}", phone.digits()))
    }

    fn phone_subject(caller: &Caller, phone: &Phone) -> String {
        format!("phone:{}:{}", caller.user_id, phone.digits())
    }

    pub async fn phone_prefix(
        User(caller): User,
        phone: String,
    ) -> Result<Option<String>, AppError> {
        let phone = Phone::parse(&phone).map_err(|e| AppError::field("phone", e.to_string()))?;
        let state = &caller.state;
        passcodes::pending_prefix(
            &state.db,
            state.clock.unix(),
            Purpose::PhoneChange,
            &phone_subject(&caller, &phone),
        )
        .await
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
            state.settings.keys.passcodes(),
            Purpose::PhoneChange,
            &phone_subject(&caller, &phone),
            &code,
        )
        .await?;
        users::set_phone(&mut *state.db.conn().await?, caller.user_id, phone.as_str()).await?;
        record(
            &caller,
            "profile.phone_change",
            &format!("ending in {}", phone.last4()),
        )
        .await
    }

    pub async fn view_passkey(User(caller): User) -> Result<String, AppError> {
        let sealed = users::sealed_passkey(&mut *caller.state.db.conn().await?, caller.user_id)
            .await?
            .flatten()
            .ok_or(AppError::NotFound)?;
        let passkey = caller
            .state
            .settings
            .keys
            .open(
                crypto::Sealed::Passkey {
                    user_id: caller.user_id,
                },
                &sealed,
            )
            .ok_or(AppError::Internal)?;
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
        let sealed = caller.state.settings.keys.seal(
            crypto::Sealed::Passkey {
                user_id: caller.user_id,
            },
            passkey.as_bytes(),
        );
        users::set_passkey(&mut *caller.state.db.conn().await?, caller.user_id, &sealed).await?;
        record(&caller, "passkey.set", "reset in profile").await
    }

    pub async fn sign_out_others(User(caller): User) -> Result<(), AppError> {
        users::end_other_sessions(
            &mut *caller.state.db.conn().await?,
            caller.user_id,
            &caller.session_hash,
        )
        .await?;
        record(&caller, "session.sign_out_others", "").await
    }

    pub async fn collections(User(caller): User) -> Result<Vec<CollectionRow>, AppError> {
        let mut conn = caller.state.db.conn().await?;
        let mut rows: Vec<CollectionRow> =
            crate::ssr::repo::memberships::active_organizations(&mut conn, caller.user_id)
                .await?
                .into_iter()
                .map(|o| CollectionRow {
                    organization_id: o.id,
                    name: o.name,
                    status: "Active".into(),
                    is_default: o.is_default == 1,
                })
                .collect();
        for (organization_id, office, provider) in
            repo::pending_requests(&mut conn, caller.user_id).await?
        {
            rows.push(CollectionRow {
                organization_id,
                name: format!("{office} — {provider}"),
                status: "Pending".into(),
                is_default: false,
            });
        }
        Ok(rows)
    }

    pub async fn request_collection(User(caller): User, provider_id: i64) -> Result<(), AppError> {
        let state = &caller.state;
        let (organization_id, _) =
            crate::access_request::ssr::provider_office(state, provider_id).await?;
        let mut conn = state.db.conn().await?;
        if repo::membership_status(&mut conn, caller.user_id, organization_id)
            .await?
            .as_deref()
            == Some("active")
        {
            return Err(AppError::Conflict(
                "You already have access to this provider's office.".into(),
            ));
        }
        if repo::has_pending_request(&mut conn, caller.user_id, organization_id).await? {
            return Err(AppError::Conflict(
                "Your request to this office is already pending.".into(),
            ));
        }
        let mobile = users::phone(&mut conn, caller.user_id)
            .await?
            .flatten()
            .unwrap_or_default();
        let request = repo::JoinRequest {
            user_id: caller.user_id,
            first_name: &caller.first_name,
            last_name: &caller.last_name,
            email: &caller.email,
            mobile: &mobile,
            provider_id,
            organization_id,
        };
        let id = repo::request_to_join(&mut conn, state.clock.unix(), request).await?;
        drop(conn);
        crate::access_request::ssr::tell_admins(state, id, organization_id).await
    }

    pub async fn set_default(User(caller): User, organization_id: i64) -> Result<(), AppError> {
        let mut tx = caller.state.db.begin().await?;
        if !repo::set_default_office(&mut tx, caller.user_id, organization_id).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}
