//! Secure tokens: issued by the plan to one enrolled organization and mailed to it as a
//! letter. Only the token's hash is stored; it is valid for 30 days and used once.

use crate::error::AppError;
use crate::ssr::clock::DAY;
use crate::ssr::db::Db;
use crate::ssr::outbox::{self, Channel, NewMessage};
use crate::ssr::{audit, crypto, documents, messages};

pub const TOKEN_VALID_DAYS: i64 = 30;
/// Wrong EIN/SSN or ZIP entries before the token is locked for [`TOKEN_LOCK_MINUTES`].
pub const MAX_FAILED_TRIES: i64 = 5;
pub const TOKEN_LOCK_MINUTES: i64 = 60;

/// When a token issued at `issued_at` stops working.
pub fn expires_at(issued_at: i64) -> i64 {
    issued_at + TOKEN_VALID_DAYS * DAY
}

pub struct IssuedToken {
    /// The token as printed on the letter; never stored.
    pub token: String,
    pub organization_name: String,
    pub expires_at: i64,
}

/// Issues a token to an enrolled organization and queues its postal letter.
pub async fn issue(
    db: &Db,
    settings: &crate::ssr::settings::Settings,
    now: i64,
    organization_id: i64,
    issued_by: Option<i64>,
) -> Result<IssuedToken, AppError> {
    let mut conn = db.conn().await?;
    let org = super::repo::enrolled(&mut conn, organization_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if org.registered_at.is_some() {
        return Err(AppError::Conflict(
            "This organization is already registered.".into(),
        ));
    }
    let name = org.name.clone();
    let token = crypto::readable_code(4);
    let expires = expires_at(now);
    let token_hash = crypto::secret_hash(&crypto::normalize_code(&token));
    drop(conn);
    // The new letter replaces any earlier one: only the newest token registers the office.
    let mut tx = db.begin().await?;
    super::repo::void_other_tokens(&mut tx, now, organization_id, None).await?;
    super::repo::issue_token(
        &mut tx,
        now,
        organization_id,
        &token_hash,
        expires,
        issued_by,
    )
    .await?;
    tx.commit().await?;

    let program_name = settings.program_name.as_str();
    let expiry_date = settings.calendar.format_date(expires);
    let recipient = vec![
        name.clone(),
        org.address_line1.clone(),
        format!("{}, {} {}", org.city, org.state, org.pay_to_zip),
    ];
    let (intro, after) = messages::token_letter(program_name, &expiry_date);
    let (title, subject) = messages::token_letter_title(program_name);
    let body = [&recipient[..], &intro, std::slice::from_ref(&token), &after]
        .concat()
        .join("\n\n");
    let pdf = documents::typeset(documents::CodeLetter {
        head: documents::Letterhead {
            program: program_name.to_string(),
            date: settings.calendar.format_date(now),
            title,
        },
        recipient: recipient.clone(),
        subject: None,
        intro,
        label: "Secure Token ID".into(),
        code: token.clone(),
        after,
    })
    .await?;
    outbox::enqueue(
        db,
        settings,
        now,
        NewMessage {
            channel: Channel::Postal,
            to: recipient.join(", "),
            subject,
            body,
            links: Vec::new(),
            codes: vec![token.clone()],
            attachment: Some(("secure-token-letter.pdf".into(), pdf)),
        },
    )
    .await?;
    // Issued by an operator's request or the `issue-token` command: no request to take a
    // client address from.
    audit::Event::new(
        now,
        "token.issue",
        format!("organization:{organization_id}"),
    )
    .user(issued_by)
    .org(organization_id)
    .detail(format!("expires {expiry_date}"))
    .record(db)
    .await?;
    Ok(IssuedToken {
        token,
        organization_name: name,
        expires_at: expires,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_for_thirty_days() {
        assert_eq!(expires_at(1_000), 1_000 + 30 * 24 * 60 * 60);
    }
}
