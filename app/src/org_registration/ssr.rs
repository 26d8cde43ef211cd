use super::repo;
use super::tokens::{MAX_FAILED_TRIES, TOKEN_LOCK_MINUTES};
use super::{AccountForm, Step};
use crate::correspondence::CORRESPONDENCE_TYPES;
use crate::domain::permissions::{Module, NpiLevel};
use crate::domain::{check_names, ContactMethod, Email, Phone, TaxId, Whose, Zip};
use crate::error::{AppError, Checker};
use crate::ssr::clock::MINUTE;
use crate::ssr::db::on_unique;
use crate::ssr::drafts::{CookieFlow, Draft};
use crate::ssr::guard::Visitor;
use crate::ssr::outbox::Channel;
use crate::ssr::passcodes::{self, Purpose};
use crate::ssr::repo::grants;
use crate::ssr::repo::users;
use crate::ssr::{audit, crypto, password_links, AppState};
use serde::{Deserialize, Serialize};

/// A registration under way, kept a day after its last step.
const REGISTRATION: CookieFlow = CookieFlow {
    kind: "registration",
    cookie: "portal_registration",
    minutes: 24 * 60,
};

/// What the registration's draft holds. Steps: "terms", "account", "passcode", "conditions",
/// "complete".
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Registration {
    token_id: i64,
    organization_id: i64,
    #[serde(default)]
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    phone: Option<String>,
}

async fn require_draft(
    state: &AppState,
    expected: &[&str],
) -> Result<Draft<Registration>, AppError> {
    let draft = REGISTRATION.load(state).await?.ok_or_else(|| {
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

fn subject(draft: &Draft<Registration>) -> String {
    format!("registration:{}", draft.owner)
}

async fn step_of(state: &AppState, draft: &Draft<Registration>) -> Result<Step, AppError> {
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
                    last4: last4(&draft.data.phone),
                },
                None => Step::PasscodeChoose {
                    last4: last4(&draft.data.phone),
                },
            }
        }
        "conditions" => Step::Conditions,
        _ => Step::Complete {
            email: draft.data.email.clone(),
            minutes: state.settings.registration_link_minutes,
        },
    })
}

pub async fn current_step(visitor: Visitor) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    match REGISTRATION.load::<Registration>(&state).await? {
        // "Registration Complete" shows until the new Org Admin has set a password.
        Some(draft)
            if draft.step == "complete" && has_password(&state, &draft.data.email).await? =>
        {
            REGISTRATION.finish(&state, &draft).await?;
            Ok(Step::Token)
        }
        Some(draft) => step_of(&state, &draft).await,
        None => Ok(Step::Token),
    }
}

async fn has_password(state: &AppState, email: &str) -> Result<bool, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(match users::id_by_email(&mut conn, email).await? {
        Some(id) => users::password_hash(&mut conn, id).await?.is_some(),
        None => false,
    })
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
    let row = repo::token(
        &mut *state.db.conn().await?,
        &crypto::secret_hash(&normalized),
    )
    .await?;
    let program = &state.settings.program_name;
    let Some(row) = row else {
        audit::event(state, "token.failure", "token:unknown")
            .detail("unknown token")
            .record(&state.db)
            .await?;
        return Err(AppError::field(
            "token",
            "This Secure Token ID is not valid. Check your letter and try again.",
        ));
    };
    if row.used_at.is_some() || row.registered_at.is_some() {
        return Err(AppError::field(
            "token",
            "This Secure Token ID has already been used. If your organization is registered, ask its administrator to add you.",
        ));
    }
    if row.expires_at <= now {
        return Err(AppError::field(
            "token",
            format!("This Secure Token ID has expired. Contact {program} for a new one."),
        ));
    }
    if row.locked_until.is_some_and(|until| until > now) {
        return Err(AppError::field(
            "token",
            "This Secure Token ID is locked after too many tries. Try again in an hour.",
        ));
    }
    Ok((row.id, row.organization_id))
}

pub async fn submit_token(visitor: Visitor, token: String) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let (token_id, organization_id) = usable_token(&state, &token).await?;
    let registration = Registration {
        token_id,
        organization_id,
        ..Default::default()
    };
    REGISTRATION.start(&state, "terms", registration).await?;
    Ok(Step::Terms)
}

pub async fn accept_terms(
    visitor: Visitor,
    agree: bool,
    authorized: bool,
) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let mut draft = require_draft(&state, &["terms"]).await?;
    if !(agree && authorized) {
        return Err(AppError::field(
            "terms",
            "Select both checkboxes to continue.",
        ));
    }
    draft.step = "account".into();
    REGISTRATION.save(&state, &draft).await?;
    Ok(Step::Account)
}

pub async fn submit_account(visitor: Visitor, form: AccountForm) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let mut draft = require_draft(&state, &["account"]).await?;
    let mut check = Checker::new();
    let email = check.check("email", Email::parse(&form.email));
    check_names(&mut check, &form.first_name, &form.last_name, Whose::Own);
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

    let exists = users::id_by_email(&mut *state.db.conn().await?, email.as_str()).await?;
    if exists.is_some() {
        return Err(AppError::field(
            "email",
            "An account already uses this email address. Log in and choose “Add a New Organization” from the \
             “Add or Switch Organization” menu instead.",
        ));
    }

    let (token_id, organization_id) = (draft.data.token_id, draft.data.organization_id);
    if let Err(error) = match_organization(&state, token_id, organization_id, &tax_id, &zip).await {
        if matches!(error, AppError::Conflict(_)) {
            // A locked token ends the registration under way.
            REGISTRATION.finish(&state, &draft).await?;
        }
        return Err(error);
    }
    draft.data = Registration {
        email: email.to_string(),
        first_name: form.first_name.trim().to_string(),
        last_name: form.last_name.trim().to_string(),
        contact_email: contact.to_string(),
        phone: Some(phone.to_string()),
        ..draft.data
    };
    draft.step = "passcode".into();
    REGISTRATION.save(&state, &draft).await?;
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
    // The count, the lock and their audit rows: all or nothing.
    let mut tx = state.db.begin().await?;
    let (org_tax_id, pay_to_zip) = repo::identity(&mut tx, organization_id).await?;
    let tax_matches = org_tax_id == tax_id.as_str();
    let zip_matches = Zip::parse(&pay_to_zip).is_ok_and(|z| z.zip5() == zip.zip5());
    if tax_matches && zip_matches {
        return Ok(());
    }
    let tries = repo::count_mismatch(&mut tx, token_id).await?;
    let event = |action: &'static str| {
        audit::event(state, action, format!("token:{token_id}")).org(organization_id)
    };
    event("token.failure")
        .detail("EIN/SSN or pay-to ZIP did not match")
        .record_in(&mut tx)
        .await?;
    let locked = tries >= MAX_FAILED_TRIES;
    if locked {
        repo::lock_token(&mut tx, token_id, now + TOKEN_LOCK_MINUTES * MINUTE).await?;
        event("token.lockout")
            .detail(format!("{TOKEN_LOCK_MINUTES} minutes"))
            .record_in(&mut tx)
            .await?;
    }
    tx.commit().await?;
    if locked {
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
    if !repo::use_token(tx, now, token_id).await? {
        return Err(AppError::field(
            "token",
            "This Secure Token ID has already been used.",
        ));
    }
    // An older token of an office registered meanwhile registers nothing (no second Org Admin).
    if !repo::mark_registered(tx, now, organization_id, contact_email).await? {
        return Err(AppError::field(
            "token",
            "This organization is already registered.",
        ));
    }
    repo::void_other_tokens(tx, now, organization_id, Some(token_id)).await?;
    let membership_id = repo::first_admin(tx, now, organization_id, user_id).await?;
    let providers = repo::provider_ids(tx, organization_id).await?;
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

async fn send(
    state: &AppState,
    draft: &Draft<Registration>,
    channel: ContactMethod,
) -> Result<Step, AppError> {
    let channel = Channel::phone(channel);
    let phone = draft.data.phone.clone().unwrap_or_default();
    let sent = passcodes::send(
        state,
        Purpose::Registration,
        &subject(draft),
        None,
        channel,
        &phone,
    )
    .await?;
    Ok(Step::PasscodeEnter {
        prefix: sent.prefix,
        last4: last4(&draft.data.phone),
    })
}

pub async fn send_passcode(
    visitor: Visitor,
    channel: ContactMethod,
    phone: Option<String>,
) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let mut draft = require_draft(&state, &["passcode"]).await?;
    // The form posts the "another number" field empty unless the user typed one.
    if let Some(number) = phone.filter(|p| !p.trim().is_empty()) {
        let number = Phone::parse(&number).map_err(|e| AppError::field("phone", e.to_string()))?;
        draft.data.phone = Some(number.to_string());
        REGISTRATION.save(&state, &draft).await?;
    }
    send(&state, &draft, channel).await
}

/// "Resend one-time passcode": the waiting one is withdrawn; the user chooses again.
pub async fn choose_again(visitor: Visitor) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["passcode"]).await?;
    passcodes::withdraw(&state, Purpose::Registration, &subject(&draft)).await?;
    step_of(&state, &draft).await
}

pub async fn verify_passcode(visitor: Visitor, code: String) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    let mut draft = require_draft(&state, &["passcode"]).await?;
    let who = visitor
        .audit(
            "passcode.failure",
            format!("registration:{}", draft.data.token_id),
        )
        .org(draft.data.organization_id)
        .detail("registration");
    passcodes::verify_audited(&state, Purpose::Registration, &subject(&draft), &code, who).await?;
    draft.step = "conditions".into();
    REGISTRATION.save(&state, &draft).await?;
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
    let mut draft = require_draft(&state, &["conditions"]).await?;
    if !(attest && agree) {
        return Err(AppError::field(
            "conditions",
            "Select both checkboxes to continue.",
        ));
    }
    let now = state.clock.unix();
    let r = &draft.data;
    let (email, organization_id) = (r.email.clone(), r.organization_id);
    let registrant = repo::Registrant {
        email: &r.email,
        first_name: &r.first_name,
        last_name: &r.last_name,
        phone: r.phone.as_deref().unwrap_or_default(),
    };
    let mut tx = state.db.begin().await?;
    let user_id = repo::insert_user(&mut tx, now, &registrant)
        .await
        .map_err(|e| {
            on_unique(
                e,
                &["users_email_unique", "users.email"],
                "email",
                "An account already uses this email address.",
            )
        })?;
    register_organization(
        &mut tx,
        now,
        r.token_id,
        organization_id,
        user_id,
        &r.contact_email,
    )
    .await?;
    repo::make_default(&mut tx, user_id).await?;
    for (action, detail) in [
        ("token.use", "registration"),
        ("registration.complete", "Org Admin"),
    ] {
        visitor
            .audit(action, format!("organization:{organization_id}"))
            .user(user_id)
            .org(organization_id)
            .detail(detail)
            .record_in(&mut tx)
            .await?;
    }
    tx.commit().await?;
    // The draft stays on "Registration Complete" (a reload shows it again) until the password
    // is set, it expires, or the visitor starts another registration.
    draft.step = "complete".into();
    REGISTRATION.save(&state, &draft).await?;

    password_links::send(
        &state,
        user_id,
        &email,
        password_links::LinkPurpose::Registration,
    )
    .await?;
    Ok(Step::Complete {
        email,
        minutes: state.settings.registration_link_minutes,
    })
}

pub async fn cancel(visitor: Visitor) -> Result<Step, AppError> {
    let state = visitor.state.clone();
    if let Some(draft) = REGISTRATION.load::<Registration>(&state).await? {
        REGISTRATION.finish(&state, &draft).await?;
    }
    Ok(Step::Token)
}
