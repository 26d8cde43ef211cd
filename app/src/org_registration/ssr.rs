use super::tokens::{MAX_FAILED_TRIES, TOKEN_LOCK_MINUTES};
use super::{AccountForm, Step};
use crate::correspondence::CORRESPONDENCE_TYPES;
use crate::domain::permissions::{Module, NpiLevel};
use crate::domain::{ContactMethod, Email, Phone, TaxId, Zip};
use crate::error::{AppError, Checker};
use crate::ssr::clock::{DAY, MINUTE};
#[cfg(feature = "ssr")]
use crate::ssr::guard::Visitor;
use crate::ssr::outbox::Channel;
use crate::ssr::passcodes::{self, Purpose};
use crate::ssr::repo::grants;
use crate::ssr::{audit, crypto, password_links, request_ip, session, AppState};
use sqlx::Row;

/// The registration draft's cookie (before the `__Host-` prefix).
const DRAFT_COOKIE: &str = "portal_registration";
/// A draft left this long is forgotten.
const DRAFT_DAYS: i64 = 1;

struct Draft {
    id_hash: String,
    token_id: i64,
    organization_id: i64,
    step: String,
    email: Option<String>,
    phone: Option<String>,
}

async fn draft(state: &AppState) -> Result<Option<Draft>, AppError> {
    let Some(id) = session::request_cookie(&state.settings, DRAFT_COOKIE) else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT d.id_hash, d.token_id, t.organization_id, d.step, d.email, d.phone FROM registration_drafts d \
         JOIN secure_tokens t ON t.id = d.token_id WHERE d.id_hash = $1 AND d.expires_at > $2",
    )
    .bind(crypto::secret_hash(&id))
    .bind(state.clock.unix())
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|row| {
        Ok(Draft {
            id_hash: row.try_get("id_hash")?,
            token_id: row.try_get("token_id")?,
            organization_id: row.try_get("organization_id")?,
            step: row.try_get("step")?,
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| e.into())
}

async fn require_draft(state: &AppState, expected: &[&str]) -> Result<Draft, AppError> {
    let draft = draft(state).await?.ok_or_else(|| {
        AppError::Conflict(
            "Your registration has timed out. Please enter your Secure Token ID again.".into(),
        )
    })?;
    if !expected.contains(&draft.step.as_str()) {
        return Err(AppError::Conflict(
            "Please finish the current step of your registration first.".into(),
        ));
    }
    Ok(draft)
}

fn last4(phone: &Option<String>) -> String {
    phone
        .as_deref()
        .and_then(|p| Phone::parse(p).ok())
        .map(|p| p.last4().to_string())
        .unwrap_or_default()
}

async fn set_step(state: &AppState, draft: &Draft, step: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE registration_drafts SET step = $1 WHERE id_hash = $2")
        .bind(step)
        .bind(&draft.id_hash)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

fn subject(draft: &Draft) -> String {
    format!("registration:{}", draft.id_hash)
}

async fn step_of(state: &AppState, draft: &Draft) -> Result<Step, AppError> {
    Ok(match draft.step.as_str() {
        "terms" => Step::Terms,
        "account" => Step::Account,
        "passcode" => {
            match passcodes::pending_prefix(
                &state.db,
                state.clock.unix(),
                Purpose::Registration,
                &subject(draft),
            )
            .await?
            {
                Some(prefix) => Step::PasscodeEnter {
                    prefix,
                    last4: last4(&draft.phone),
                },
                None => Step::PasscodeChoose {
                    last4: last4(&draft.phone),
                },
            }
        }
        "conditions" => Step::Conditions,
        _ => Step::Complete {
            email: draft.email.clone().unwrap_or_default(),
            minutes: state.settings.registration_link_minutes,
        },
    })
}

pub async fn current_step(visitor: Visitor) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    match draft(&state).await? {
        Some(draft) => step_of(&state, &draft).await,
        None => Ok(Step::Token),
    }
}

/// The token's row and organization, if it can still register an organization.
pub(crate) async fn usable_token(state: &AppState, token: &str) -> Result<(i64, i64), AppError> {
    let now = state.clock.unix();
    let normalized = crypto::normalize_code(token);
    if normalized.is_empty() {
        return Err(AppError::field(
            "token",
            "Enter the Secure Token ID from your letter.",
        ));
    }
    let row = sqlx::query(
        "SELECT t.id, t.organization_id, t.expires_at, t.used_at, t.locked_until, o.registered_at FROM secure_tokens t \
         JOIN organizations o ON o.id = t.organization_id WHERE t.token_hash = $1",
    )
    .bind(crypto::secret_hash(&normalized))
    .fetch_optional(&state.db.pool)
    .await?;
    let program = &state.settings.program_name;
    let Some(row) = row else {
        audit::record(
            &state.db,
            now,
            audit::AuditEntry {
                action: "token.failure",
                subject: "token:unknown".into(),
                detail: "unknown token".into(),
                ip: request_ip(),
                ..Default::default()
            },
        )
        .await?;
        return Err(AppError::field(
            "token",
            "This Secure Token ID is not valid. Check your letter and try again.",
        ));
    };
    if row.try_get::<Option<i64>, _>("used_at")?.is_some()
        || row.try_get::<Option<i64>, _>("registered_at")?.is_some()
    {
        return Err(AppError::field(
            "token",
            "This Secure Token ID has already been used. If your organization is registered, ask its administrator to add you.",
        ));
    }
    if row.try_get::<i64, _>("expires_at")? <= now {
        return Err(AppError::field(
            "token",
            format!("This Secure Token ID has expired. Contact {program} for a new one."),
        ));
    }
    if row
        .try_get::<Option<i64>, _>("locked_until")?
        .is_some_and(|until| until > now)
    {
        return Err(AppError::field(
            "token",
            "This Secure Token ID is locked after too many tries. Try again in an hour.",
        ));
    }
    Ok((row.try_get("id")?, row.try_get("organization_id")?))
}

pub async fn submit_token(visitor: Visitor, token: String) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let now = state.clock.unix();
    let (token_id, _) = usable_token(&state, &token).await?;
    let id = crypto::random_hex(32);
    sqlx::query(
        "INSERT INTO registration_drafts (id_hash, token_id, step, created_at, expires_at) VALUES ($1, $2, 'terms', $3, $4)",
    )
    .bind(crypto::secret_hash(&id))
    .bind(token_id)
    .bind(now)
    .bind(now + DRAFT_DAYS * DAY)
    .execute(&state.db.pool)
    .await?;
    session::send_cookie(&state.settings, DRAFT_COOKIE, Some(&id));
    Ok(Step::Terms)
}

pub async fn accept_terms(
    visitor: Visitor,
    agree: bool,
    authorized: bool,
) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["terms"]).await?;
    if !(agree && authorized) {
        return Err(AppError::field(
            "terms",
            "Select both checkboxes to continue.",
        ));
    }
    set_step(&state, &draft, "account").await?;
    Ok(Step::Account)
}

pub async fn submit_account(visitor: Visitor, form: AccountForm) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["account"]).await?;
    let mut check = Checker::new();
    let email = check.check("email", Email::parse(&form.email));
    if form.first_name.trim().is_empty() {
        check.add("first_name", "Enter your first name.");
    }
    if form.last_name.trim().is_empty() {
        check.add("last_name", "Enter your last name.");
    }
    let tax_id = check.check("tax_id", TaxId::parse(&form.tax_id));
    let zip = check.check("zip", Zip::parse(&form.zip));
    let contact = check.check("contact_email", Email::parse(&form.contact_email));
    let phone = check.check("phone", Phone::parse(&form.phone));
    if !form.channel.is_phone() {
        check.add("channel", "Choose SMS or Voice.");
    }
    check.finish()?;
    let (email, tax_id, zip, contact, phone) = (
        email.expect("checked"),
        tax_id.expect("checked"),
        zip.expect("checked"),
        contact.expect("checked"),
        phone.expect("checked"),
    );

    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
    if exists.is_some() {
        return Err(AppError::field(
            "email",
            "An account already uses this email address. Log in and choose “Add a New Organization” from the \
             “Add or Switch Organization” menu instead.",
        ));
    }

    if let Err(error) =
        match_organization(&state, draft.token_id, draft.organization_id, &tax_id, &zip).await
    {
        if matches!(error, AppError::Conflict(_)) {
            // A locked token ends the registration under way.
            sqlx::query("DELETE FROM registration_drafts WHERE id_hash = $1")
                .bind(&draft.id_hash)
                .execute(&state.db.pool)
                .await?;
        }
        return Err(error);
    }
    sqlx::query(
        "UPDATE registration_drafts SET step = 'passcode', email = $1, first_name = $2, last_name = $3, contact_email = $4, \
         phone = $5, channel = $6 WHERE id_hash = $7",
    )
    .bind(email.as_str())
    .bind(form.first_name.trim())
    .bind(form.last_name.trim())
    .bind(contact.as_str())
    .bind(phone.as_str())
    .bind(form.channel.as_str())
    .bind(&draft.id_hash)
    .execute(&state.db.pool)
    .await?;
    let draft = Draft {
        phone: Some(phone.to_string()),
        step: "passcode".into(),
        ..draft
    };
    // The passcode goes out at once by the method chosen on this form.
    send(&state, &draft, form.channel).await
}

/// Checks the EIN/SSN and pay-to ZIP typed against the token's organization. Each mismatch
/// counts against the token; the fifth locks it for an hour.
pub(crate) async fn match_organization(
    state: &AppState,
    token_id: i64,
    organization_id: i64,
    tax_id: &TaxId,
    zip: &Zip,
) -> Result<(), AppError> {
    let now = state.clock.unix();
    let org = sqlx::query("SELECT tax_id, pay_to_zip FROM organizations WHERE id = $1")
        .bind(organization_id)
        .fetch_one(&state.db.pool)
        .await?;
    let tax_matches = org.try_get::<String, _>("tax_id")? == tax_id.as_str();
    let zip_matches =
        Zip::parse(&org.try_get::<String, _>("pay_to_zip")?).is_ok_and(|z| z.zip5() == zip.zip5());
    if tax_matches && zip_matches {
        return Ok(());
    }
    let tries: i64 =
        sqlx::query_scalar("UPDATE secure_tokens SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts")
            .bind(token_id)
            .fetch_one(&state.db.pool)
            .await?;
    let entry = |action: &'static str, detail: String| audit::AuditEntry {
        organization_id: Some(organization_id),
        action,
        subject: format!("token:{token_id}"),
        detail,
        ip: request_ip(),
        ..Default::default()
    };
    audit::record(
        &state.db,
        now,
        entry(
            "token.failure",
            "EIN/SSN or pay-to ZIP did not match".into(),
        ),
    )
    .await?;
    if tries >= MAX_FAILED_TRIES {
        sqlx::query(
            "UPDATE secure_tokens SET failed_attempts = 0, locked_until = $1 WHERE id = $2",
        )
        .bind(now + TOKEN_LOCK_MINUTES * MINUTE)
        .bind(token_id)
        .execute(&state.db.pool)
        .await?;
        audit::record(
            &state.db,
            now,
            entry("token.lockout", format!("{TOKEN_LOCK_MINUTES} minutes")),
        )
        .await?;
        return Err(AppError::Conflict(
            "Too many tries. This Secure Token ID is locked for one hour.".into(),
        ));
    }
    let mut errors = Checker::new();
    if !tax_matches {
        errors.add(
            "tax_id",
            "This EIN/SSN does not match the organization the token was issued to.",
        );
    }
    if !zip_matches {
        errors.add(
            "zip",
            "This pay-to ZIP code does not match the organization the token was issued to.",
        );
    }
    errors.finish()
}

/// Marks the token used and the organization registered, and makes the user its Org Admin
/// with Admin on every NPI, every correspondence type and every module.
pub(crate) async fn register_organization(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
    token_id: i64,
    organization_id: i64,
    user_id: i64,
    contact_email: &str,
) -> Result<(), AppError> {
    let used =
        sqlx::query("UPDATE secure_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(token_id)
            .execute(&mut **tx)
            .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::field(
            "token",
            "This Secure Token ID has already been used.",
        ));
    }
    sqlx::query("UPDATE organizations SET registered_at = $1, verified_at = $1, contact_email = $2 WHERE id = $3")
        .bind(now)
        .bind(contact_email)
        .bind(organization_id)
        .execute(&mut **tx)
        .await?;
    let membership_id: i64 = sqlx::query_scalar(
        "INSERT INTO memberships (user_id, organization_id, org_role, status, role_preset, is_default, created_at, updated_at) \
         VALUES ($1, $2, 'admin', 'active', 'Local Office Administrator', 0, $3, $3) RETURNING id",
    )
    .bind(user_id)
    .bind(organization_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let providers: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM providers WHERE organization_id = $1")
            .bind(organization_id)
            .fetch_all(&mut **tx)
            .await?;
    // The office's first Org Admin holds every NPI, every correspondence type and module.
    let all_types: Vec<String> = CORRESPONDENCE_TYPES.iter().map(|t| t.to_string()).collect();
    let granted = grants::Grants {
        npis: providers.iter().map(|p| (*p, NpiLevel::Admin)).collect(),
        correspondence: providers.iter().map(|p| (*p, all_types.clone())).collect(),
        modules: Module::ALL.to_vec(),
    };
    grants::replace(tx, membership_id, &granted).await?;
    Ok(())
}

async fn send(state: &AppState, draft: &Draft, channel: ContactMethod) -> Result<Step, AppError> {
    let channel = Channel::phone(channel);
    let phone = draft.phone.clone().unwrap_or_default();
    let sent = passcodes::send(
        state,
        Purpose::Registration,
        &subject(draft),
        channel,
        &phone,
    )
    .await?;
    Ok(Step::PasscodeEnter {
        prefix: sent.prefix,
        last4: last4(&draft.phone),
    })
}

pub async fn send_passcode(
    visitor: Visitor,
    channel: ContactMethod,
    phone: Option<String>,
) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let mut draft = require_draft(&state, &["passcode"]).await?;
    if let Some(number) = phone {
        let number = Phone::parse(&number).map_err(|e| AppError::field("phone", e.to_string()))?;
        sqlx::query("UPDATE registration_drafts SET phone = $1 WHERE id_hash = $2")
            .bind(number.as_str())
            .bind(&draft.id_hash)
            .execute(&state.db.pool)
            .await?;
        draft.phone = Some(number.to_string());
    }
    send(&state, &draft, channel).await
}

pub async fn verify_passcode(visitor: Visitor, code: String) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["passcode"]).await?;
    let who = audit::AuditEntry {
        organization_id: Some(draft.organization_id),
        subject: format!("registration:{}", draft.token_id),
        detail: "registration".into(),
        ..Default::default()
    };
    passcodes::verify_audited(&state, Purpose::Registration, &subject(&draft), &code, who).await?;
    set_step(&state, &draft, "conditions").await?;
    Ok(Step::Conditions)
}

/// The last step: the organization is registered and its first user is its Org Admin with
/// Admin on every NPI, every correspondence type and every module.
pub async fn accept_conditions(
    visitor: Visitor,
    attest: bool,
    agree: bool,
) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["conditions"]).await?;
    if !(attest && agree) {
        return Err(AppError::field(
            "conditions",
            "Select both checkboxes to continue.",
        ));
    }
    let now = state.clock.unix();
    let row = sqlx::query("SELECT email, first_name, last_name, contact_email, phone FROM registration_drafts WHERE id_hash = $1")
        .bind(&draft.id_hash)
        .fetch_one(&state.db.pool)
        .await?;
    let email: String = row.try_get("email")?;
    let mut tx = state.db.pool.begin().await?;
    let user_id: i64 = match sqlx::query_scalar(
        "INSERT INTO users (email, first_name, last_name, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&email)
    .bind(row.try_get::<String, _>("first_name")?)
    .bind(row.try_get::<String, _>("last_name")?)
    .bind(row.try_get::<String, _>("phone")?)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::field("email", "An account already uses this email address."));
        }
        Err(e) => return Err(e.into()),
    };
    register_organization(
        &mut tx,
        now,
        draft.token_id,
        draft.organization_id,
        user_id,
        &row.try_get::<String, _>("contact_email")?,
    )
    .await?;
    sqlx::query("UPDATE memberships SET is_default = 1 WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    // The draft has done its work; /join starts afresh from here on.
    sqlx::query("DELETE FROM registration_drafts WHERE id_hash = $1")
        .bind(&draft.id_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    session::send_cookie(&state.settings, DRAFT_COOKIE, None);

    password_links::send(
        &state,
        user_id,
        &email,
        password_links::LinkPurpose::Registration,
    )
    .await?;
    for (action, detail) in [
        ("token.use", "registration"),
        ("registration.complete", "Org Admin"),
    ] {
        audit::record(
            &state.db,
            now,
            audit::AuditEntry {
                user_id: Some(user_id),
                organization_id: Some(draft.organization_id),
                action,
                subject: format!("organization:{}", draft.organization_id),
                detail: detail.into(),
                ip: visitor.ip.clone(),
            },
        )
        .await?;
    }
    Ok(Step::Complete {
        email,
        minutes: state.settings.registration_link_minutes,
    })
}

pub async fn cancel(visitor: Visitor) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    if let Some(draft) = draft(&state).await? {
        sqlx::query("DELETE FROM registration_drafts WHERE id_hash = $1")
            .bind(&draft.id_hash)
            .execute(&state.db.pool)
            .await?;
    }
    session::send_cookie(&state.settings, DRAFT_COOKIE, None);
    Ok(Step::Token)
}
