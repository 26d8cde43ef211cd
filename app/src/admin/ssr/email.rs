//! "Change Email Address" on a user's page, and the link that confirms it from the new address.

use super::{member, record_change, repo};
use crate::domain::Email;
use crate::error::AppError;
use crate::ssr::db::on_unique;
use crate::ssr::guard::{Admin, Visitor};
use crate::ssr::repo::users;
use crate::ssr::{crypto, messages, outbox, session};

/// An email change waits 24 hours for the new address to confirm it.
pub const EMAIL_CHANGE_HOURS: i64 = 24;

const TAKEN: &str = "Another account already uses this email address.";
/// The unique rule of usernames, in each backend's words.
const EMAIL_UNIQUE: [&str; 2] = ["users_email_unique", "users.email"];

pub async fn change_email(
    Admin { caller, org }: Admin,
    user_id: i64,
    email: String,
) -> Result<(), AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
    let mut conn = state.db.conn().await?;
    // The username is the key to the account: only a user of this office alone, and only
    // with a fresh passcode of the administrator's.
    if repo::ties_elsewhere(&mut conn, org.organization_id, user_id).await? > 0 {
        return Err(AppError::Conflict(
            "This user also works for other organizations, so only the plan's help desk can change the email address.".into(),
        ));
    }
    caller.require_step_up()?;
    if email.as_str() == m.email {
        return Err(AppError::field(
            "email",
            "This is already the user's email address.",
        ));
    }
    // Told now for the user's sake; the confirmation checks again, by the unique rule.
    if users::id_by_email(&mut conn, email.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::field("email", TAKEN));
    }
    let now = state.clock.unix();
    let secret = crypto::random_hex(32);
    let change = repo::NewEmailChange {
        organization_id: org.organization_id,
        user_id,
        new_email: email.as_str(),
        secret_hash: &crypto::secret_hash(&secret),
        requested_by: caller.user_id,
        expires_at: now + EMAIL_CHANGE_HOURS * 3600,
    };
    repo::request_email_change(&mut conn, now, change).await?;
    drop(conn);
    let program = &state.settings.program_name;
    let url = state.settings.link(&format!("/email/confirm?t={secret}"));
    outbox::email(
        &state.db,
        &state.settings,
        now,
        email.as_str(),
        messages::confirm_new_email(
            program,
            &caller.full_name(),
            &org.name,
            url,
            EMAIL_CHANGE_HOURS,
        ),
    )
    .await?;
    outbox::email(
        &state.db,
        &state.settings,
        now,
        &m.email,
        messages::email_change_requested(program, &caller.full_name(), &org.name, email.as_str()),
    )
    .await?;
    record_change(
        &mut *state.db.conn().await?,
        now,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "user.email_change_request",
        &m.email,
        email.as_str(),
        "",
        caller.ip.clone(),
    )
    .await
}

/// Confirms an email change from the link sent to the new address.
pub async fn confirm_email(visitor: Visitor, t: String) -> Result<String, AppError> {
    let state = visitor.state.clone();
    let now = state.clock.unix();
    let invalid = || {
        AppError::Conflict("This link is not valid or has already been used. Ask your administrator to change the email address again.".into())
    };
    let mut conn = state.db.conn().await?;
    let change = repo::email_change(&mut conn, &crypto::secret_hash(&t))
        .await?
        .ok_or_else(invalid)?;
    if change.used_at.is_some() || change.voided_at.is_some() {
        return Err(invalid());
    }
    if change.expires_at <= now {
        return Err(AppError::Conflict(format!(
            "This link has expired: it works for {EMAIL_CHANGE_HOURS} hours. Ask your administrator to change the email address again."
        )));
    }
    if !repo::still_as_asked(&mut conn, &change).await? {
        return Err(invalid());
    }
    let old_email = users::email(&mut conn, change.user_id)
        .await?
        .ok_or_else(invalid)?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    let applied = repo::apply_email_change(&mut tx, now, &change)
        .await
        .map_err(|e| match on_unique(e, &EMAIL_UNIQUE, "email", TAKEN) {
            AppError::Validation(_) => AppError::Conflict(TAKEN.into()),
            other => other,
        })?;
    if !applied {
        return Err(invalid());
    }
    // Links sent to the old address (a password reset, say) stop working with it.
    crate::ssr::repo::links::void_all_unused(&mut tx, now, change.user_id).await?;
    record_change(
        &mut tx,
        now,
        change.organization_id,
        change.user_id,
        Some(change.user_id),
        "user.email_change",
        &old_email,
        &change.new_email,
        "",
        visitor.ip.clone(),
    )
    .await?;
    tx.commit().await?;
    // Sessions were opened under the old username.
    session::delete_for_user(&state.db, change.user_id).await?;
    let program = &state.settings.program_name;
    let new_email = change.new_email;
    outbox::email(
        &state.db,
        &state.settings,
        now,
        &old_email,
        messages::email_changed(program, &new_email),
    )
    .await?;
    Ok(new_email)
}
