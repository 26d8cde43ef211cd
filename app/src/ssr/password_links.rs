//! "Set your new password" links: emailed, single use, valid for a limited time, and always
//! followed by a one-time passcode before the password can be set.

use super::clock::{DAY, MINUTE};
use super::outbox;
use super::repo::links;
use super::{crypto, AppState};
use crate::error::AppError;

/// A reset link works for 30 minutes.
pub const RESET_MINUTES: i64 = 30;
/// An invitation to a new user works for 7 days.
pub const INVITATION_DAYS: i64 = 7;
/// At most 3 reset emails per account an hour: "Forgot Password?" needs no sign-in, so
/// anyone could otherwise fill a user's inbox.
pub const MAX_RESETS_PER_HOUR: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Registration,
    Reset,
    Invitation,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Registration => "registration",
            LinkPurpose::Reset => "reset",
            LinkPurpose::Invitation => "invitation",
        }
    }

    fn parse(value: &str) -> LinkPurpose {
        match value {
            "reset" => LinkPurpose::Reset,
            "invitation" => LinkPurpose::Invitation,
            _ => LinkPurpose::Registration,
        }
    }

    /// How long a link of this kind works.
    pub fn valid_seconds(self, registration_minutes: i64) -> i64 {
        match self {
            LinkPurpose::Registration => registration_minutes * MINUTE,
            LinkPurpose::Reset => RESET_MINUTES * MINUTE,
            LinkPurpose::Invitation => INVITATION_DAYS * DAY,
        }
    }
}

/// Whether another reset email may go to this user now.
pub async fn reset_allowed(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    match super::limits::take(
        state,
        &format!("reset:{user_id}"),
        60 * MINUTE,
        MAX_RESETS_PER_HOUR,
    )
    .await
    {
        Ok(()) => Ok(true),
        Err(AppError::RateLimited) => Ok(false),
        Err(error) => Err(error),
    }
}

/// Emails a new link, voiding the user's earlier unused links of the same kind.
pub async fn send(
    state: &AppState,
    user_id: i64,
    email: &str,
    purpose: LinkPurpose,
) -> Result<(), AppError> {
    let now = state.clock.unix();
    links::void_unused(&state.db, now, user_id, purpose.as_str()).await?;
    let secret = crypto::random_hex(32);
    let valid = purpose.valid_seconds(state.settings.registration_link_minutes);
    let secret_hash = crypto::secret_hash(&secret);
    links::insert(
        &state.db,
        now,
        user_id,
        purpose.as_str(),
        &secret_hash,
        now + valid,
    )
    .await?;
    let program = &state.settings.program_name;
    // An invitation starts with the invitee's own registration steps.
    let page = if purpose == LinkPurpose::Invitation {
        "invitation"
    } else {
        "password/set"
    };
    let url = state.settings.link(&format!("/{page}?t={secret}"));
    let minutes = valid / MINUTE;
    let message = match purpose {
        LinkPurpose::Reset => super::messages::password_reset(program, url, minutes),
        LinkPurpose::Registration | LinkPurpose::Invitation => {
            super::messages::new_account(program, url, minutes)
        }
    };
    outbox::email(&state.db, &state.settings, now, email, message).await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct Link {
    pub id: i64,
    pub user_id: i64,
    pub purpose: LinkPurpose,
    pub expired: bool,
    /// Used, or voided by a newer link.
    pub spent: bool,
    /// Used for what it was sent for (not voided).
    pub used: bool,
    pub passcode_verified: bool,
}

/// The link with this secret, if it exists.
/// The link's passcode was entered: "Create New Password" may follow.
pub async fn passcode_verified(state: &AppState, id: i64, now: i64) -> Result<(), AppError> {
    Ok(links::passcode_verified(&state.db, now, id).await?)
}

/// Uses the link up; false when it was used meanwhile (a second tab, a double submit).
pub async fn spend(state: &AppState, id: i64) -> Result<bool, AppError> {
    Ok(links::spend(&state.db, state.clock.unix(), id).await?)
}

pub async fn find(state: &AppState, secret: &str) -> Result<Option<Link>, AppError> {
    let row = links::by_secret_hash(&state.db, &crypto::secret_hash(secret)).await?;
    let now = state.clock.unix();
    Ok(row.map(|row| Link {
        id: row.id,
        user_id: row.user_id,
        purpose: LinkPurpose::parse(&row.purpose),
        expired: row.expires_at <= now,
        spent: row.used_at.is_some() || row.voided_at.is_some(),
        used: row.used_at.is_some(),
        passcode_verified: row.passcode_verified_at.is_some(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_lifetimes() {
        assert_eq!(LinkPurpose::Registration.valid_seconds(10), 10 * 60);
        assert_eq!(LinkPurpose::Reset.valid_seconds(10), 30 * 60);
        assert_eq!(LinkPurpose::Invitation.valid_seconds(10), 7 * 24 * 60 * 60);
    }
}
