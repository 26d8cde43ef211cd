//! Secure tokens: issued by the plan to one enrolled organization and mailed to it as a
//! letter. Only the token's hash is stored; it is valid for 30 days and used once.

use crate::error::AppError;
use crate::ssr::clock::DAY;
use crate::ssr::db::Db;
use crate::ssr::outbox::{self, Channel, NewMessage};
use crate::ssr::{audit, crypto, documents};
use sqlx::Row;

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
    now: i64,
    program_name: &str,
    calendar: &crate::domain::Calendar,
    organization_id: i64,
    issued_by: Option<i64>,
) -> Result<IssuedToken, AppError> {
    let org = sqlx::query(
        "SELECT name, address_line1, city, state, pay_to_zip, registered_at FROM organizations WHERE id = $1",
    )
    .bind(organization_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    if org.try_get::<Option<i64>, _>("registered_at")?.is_some() {
        return Err(AppError::Conflict(
            "This organization is already registered.".into(),
        ));
    }
    let name: String = org.try_get("name")?;
    let token = crypto::readable_code(4);
    let expires = expires_at(now);
    sqlx::query(
        "INSERT INTO secure_tokens (organization_id, token_hash, issued_at, expires_at, issued_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(organization_id)
    .bind(crypto::secret_hash(&crypto::normalize_code(&token)))
    .bind(now)
    .bind(expires)
    .bind(issued_by)
    .execute(&db.pool)
    .await?;

    let expiry_date = calendar.format_date(expires);
    let address = format!(
        "{}, {}, {} {}",
        org.try_get::<String, _>("address_line1")?,
        org.try_get::<String, _>("city")?,
        org.try_get::<String, _>("state")?,
        org.try_get::<String, _>("pay_to_zip")?
    );
    let paragraphs = vec![
        name.clone(),
        address.clone(),
        format!("Welcome to the {program_name} Provider Portal. Your organization's Secure Token ID is:"),
        token.clone(),
        format!(
            "To register, go to the {program_name} Provider Portal, choose \"Join {program_name} Provider Portal\", \
             then \"Enrolled provider organization\", and enter this Secure Token ID. You will also need your \
             organization's EIN or SSN and pay-to ZIP code."
        ),
        format!("This token can be used once and expires on {expiry_date}. Keep this letter in a safe place."),
    ];
    let pdf = documents::letter_pdf(
        &format!("{program_name} Provider Portal: Your Secure Token ID"),
        &paragraphs,
    );
    outbox::enqueue(
        db,
        now,
        NewMessage {
            channel: Channel::Postal,
            to: format!("{name}, {address}"),
            subject: format!("{program_name} Provider Portal Secure Token ID"),
            body: paragraphs.join("\n\n"),
            links: Vec::new(),
            codes: vec![token.clone()],
            attachment: Some(("secure-token-letter.pdf".into(), pdf)),
        },
    )
    .await?;
    audit::record(
        db,
        now,
        audit::AuditEntry {
            user_id: issued_by,
            organization_id: Some(organization_id),
            action: "token.issue",
            subject: format!("organization:{organization_id}"),
            detail: format!("expires {expiry_date}"),
            ip: None,
        },
    )
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
