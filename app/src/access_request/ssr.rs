//! "Register as a New User" on the server: the request as a draft (keyed by a cookie) through
//! its steps, then submitted to the office's Task List, whose admins are told.

use super::repo::{self, Draft};
use super::*;
use crate::admin::ssr::notify_admins;
use crate::domain::permissions::check_position;
use crate::domain::{Email, Phone, TaxId};
use crate::error::Checker;
use crate::ssr::guard::Visitor;
use crate::ssr::outbox::{self, Channel};
use crate::ssr::passcodes::{self, Purpose};
use crate::ssr::repo::{memberships, users};
use crate::ssr::{audit, crypto, limits, session, AppState};

const DRAFT_COOKIE: &str = "portal_access_request";
/// An unsubmitted request is kept for a day.
const DRAFT_HOURS: i64 = 24;
/// A request not decided within 3 days is overdue: the plan follows it up.
pub const OVERDUE_DAYS: i64 = 3;
/// Requests started for one email address within an hour: starting one needs no account and
/// sends an email, so it must not be a way to flood someone's inbox.
pub const MAX_STARTS_PER_HOUR: i64 = 3;

async fn draft(state: &AppState) -> Result<Option<Draft>, AppError> {
    let Some(id) = session::request_cookie(&state.settings, DRAFT_COOKIE) else {
        return Ok(None);
    };
    Ok(repo::draft(
        &mut *state.db.conn().await?,
        &crypto::secret_hash(&id),
        state.clock.unix(),
    )
    .await?)
}

async fn require_draft(state: &AppState, steps: &[&str]) -> Result<Draft, AppError> {
    let draft = draft(state).await?.ok_or_else(|| {
        AppError::Conflict("Your request has timed out. Please start again.".into())
    })?;
    if !steps.contains(&draft.step.as_str()) {
        return Err(AppError::Conflict(
            "This step is already done. Reload the page to continue.".into(),
        ));
    }
    Ok(draft)
}

async fn set_step(state: &AppState, id: i64, step: &str) -> Result<(), AppError> {
    repo::set_step(&mut *state.db.conn().await?, id, step).await?;
    Ok(())
}

async fn step_of(state: &AppState, draft: &Draft) -> Result<RequestStep, AppError> {
    Ok(match draft.step.as_str() {
        "verify" => RequestStep::Verify {
            email: draft.email.clone(),
        },
        "terms" => RequestStep::Terms,
        "provider" => RequestStep::Provider,
        _ => RequestStep::Review {
            summary: summary(state, draft.id).await?,
        },
    })
}

pub async fn current_step(visitor: Visitor) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    match draft(&state).await? {
        Some(d) => step_of(&state, &d).await,
        None => Ok(RequestStep::Form),
    }
}

fn subject(id: i64) -> String {
    format!("access_request:{id}")
}

async fn send_code(state: &AppState, id: i64, email: &str) -> Result<(), AppError> {
    passcodes::send(
        state,
        Purpose::AccessRequest,
        &subject(id),
        Channel::Email,
        email,
    )
    .await?;
    Ok(())
}

pub async fn start(visitor: Visitor, form: RequestForm) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let mut check = Checker::new();
    for (field, value, what) in [
        ("first_name", &form.first_name, "your first name"),
        ("last_name", &form.last_name, "your last name"),
        (
            "provider_address",
            &form.provider_address,
            "the provider's full address",
        ),
    ] {
        if value.trim().is_empty() {
            check.add(field, format!("Enter {what}."));
        } else if value.chars().count() > 200 {
            check.add(field, "Use at most 200 characters.");
        }
    }
    let mobile = check.check("mobile", Phone::parse(&form.mobile));
    let email = check.check("email", Email::parse(&form.email));
    if form.position.is_empty() {
        check.add("position", "Choose your position.");
    } else if let Err((field, message)) = check_position(&form.position, &form.position_other) {
        check.add(field, message);
    }
    check.finish()?;
    let (mobile, email) = (mobile.expect("checked"), email.expect("checked"));
    let now = state.clock.unix();
    limits::take(
        &state,
        &format!("access-request:{}", email.as_str()),
        3600,
        MAX_STARTS_PER_HOUR,
    )
    .await?;
    let secret = crypto::random_hex(32);
    let draft = repo::NewDraft {
        draft_hash: &crypto::secret_hash(&secret),
        first_name: form.first_name.trim(),
        last_name: form.last_name.trim(),
        email: email.as_str(),
        mobile: mobile.as_str(),
        provider_address: form.provider_address.trim(),
        position: &form.position,
        position_other: (form.position == "Other").then(|| form.position_other.trim()),
        expires_at: now + DRAFT_HOURS * 3600,
    };
    let id = repo::insert_draft(&mut *state.db.conn().await?, now, draft).await?;
    // The page answers the same whether or not the address has an account, so it cannot be
    // used to find out; the account's owner is told by email how to ask instead.
    let taken = users::id_by_email(&mut *state.db.conn().await?, email.as_str()).await?;
    if taken.is_some() {
        let program = &state.settings.program_name;
        outbox::email(
            &state.db,
            now,
            email.as_str(),
            format!("Your {program} Provider Portal access request"),
            format!(
                "Someone asked for a new {program} Provider Portal account with this email address, which already has one. \
                 To work for another provider, log in and use “My Collections” in your profile. If it was not you, you can ignore this email."
            ),
            Vec::new(),
        )
        .await?;
    } else {
        send_code(&state, id, email.as_str()).await?;
        session::send_cookie(&state.settings, DRAFT_COOKIE, Some(&secret));
    }
    Ok(RequestStep::Verify {
        email: email.to_string(),
    })
}

pub async fn resend(visitor: Visitor) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let d = require_draft(&state, &["verify"]).await?;
    send_code(&state, d.id, &d.email).await?;
    Ok(RequestStep::Verify { email: d.email })
}

pub async fn verify(visitor: Visitor, code: String) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let d = require_draft(&state, &["verify"]).await?;
    let who = audit::AuditEntry {
        subject: format!("access_request:{}", d.id),
        detail: "access request".into(),
        ..Default::default()
    };
    passcodes::verify_audited(&state, Purpose::AccessRequest, &subject(d.id), &code, who).await?;
    set_step(&state, d.id, "terms").await?;
    Ok(RequestStep::Terms)
}

pub async fn accept_terms(visitor: Visitor) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let d = require_draft(&state, &["terms"]).await?;
    set_step(&state, d.id, "provider").await?;
    Ok(RequestStep::Provider)
}

/// Providers of registered offices by name or by the office's tax ID. Open to a new user's
/// request at its provider step and to signed-in users ("Add New Provider").
pub async fn search_providers(
    visitor: Visitor,
    group: bool,
    name: String,
    tax_id: String,
) -> Result<Vec<ProviderHit>, AppError> {
    let state = visitor.state.clone();
    let allowed = match visitor.caller.clone() {
        Some(_) => true,
        None => draft(&state).await?.is_some_and(|d| d.step == "provider"),
    };
    if !allowed {
        return Err(AppError::Unauthorized);
    }
    let name = name.trim().to_lowercase();
    let tax = if tax_id.trim().is_empty() {
        None
    } else {
        Some(TaxId::parse(&tax_id).map_err(|e| AppError::field("tax_id", e.to_string()))?)
    };
    if name.chars().count() < 2 && tax.is_none() {
        return Err(AppError::field(
            "name",
            "Enter at least two letters of the name, or a Tax Identification Number.",
        ));
    }
    let tax = tax.as_ref().map(|t| t.as_str()).unwrap_or_default();
    let rows = repo::search_providers(&mut *state.db.conn().await?, group, &name, tax).await?;
    Ok(rows
        .into_iter()
        .map(|r| ProviderHit {
            provider_id: r.id,
            name: r.name,
            npi: r.npi,
            city: r.city,
            organization: r.organization,
        })
        .collect())
}

/// The provider and its office, if the office is registered.
pub(crate) async fn provider_office(
    state: &AppState,
    provider_id: i64,
) -> Result<(i64, String), AppError> {
    repo::provider_office(&mut *state.db.conn().await?, provider_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn choose_provider(visitor: Visitor, provider_id: i64) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let d = require_draft(&state, &["provider", "review"]).await?;
    let (organization_id, _) = provider_office(&state, provider_id).await?;
    repo::choose_provider(
        &mut *state.db.conn().await?,
        d.id,
        provider_id,
        organization_id,
    )
    .await?;
    Ok(RequestStep::Review {
        summary: summary(&state, d.id).await?,
    })
}

async fn summary(state: &AppState, id: i64) -> Result<Vec<(String, String)>, AppError> {
    let r = repo::summary(&mut *state.db.conn().await?, id).await?;
    Ok(vec![
        ("Name".into(), format!("{} {}", r.first_name, r.last_name)),
        ("Email Address".into(), r.email),
        ("Mobile Number".into(), r.mobile),
        ("Provider Address".into(), r.provider_address),
        (
            "Position".into(),
            if r.position == "Other" {
                r.position_other.unwrap_or_default()
            } else {
                r.position
            },
        ),
        (
            "Provider".into(),
            match (r.provider, r.npi) {
                (Some(p), Some(n)) => format!("{p} (NPI {n})"),
                _ => String::new(),
            },
        ),
    ])
}

pub async fn submit(visitor: Visitor) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let d = require_draft(&state, &["review"]).await?;
    let now = state.clock.unix();
    let organization_id = repo::submit(&mut *state.db.conn().await?, now, d.id)
        .await?
        .ok_or_else(|| AppError::Conflict("Your request was already sent.".into()))?;
    session::send_cookie(&state.settings, DRAFT_COOKIE, None);
    tell_admins(&state, d.id, organization_id).await?;
    Ok(RequestStep::ThankYou)
}

/// A notification and an email to each Org Admin of the office.
pub(crate) async fn tell_admins(
    state: &AppState,
    id: i64,
    organization_id: i64,
) -> Result<(), AppError> {
    let name = repo::requester(&mut *state.db.conn().await?, id).await?;
    let link = format!("/admin/tasks?id={id}");
    notify_admins(
        state,
        organization_id,
        "New access request",
        &format!("{name} asks for access to your office. Accept or decline it in your Task List."),
        &link,
    )
    .await?;
    let admins = memberships::admin_emails(&mut *state.db.conn().await?, organization_id).await?;
    let program = &state.settings.program_name;
    let url = state.settings.link(&link);
    for admin in admins {
        outbox::email(
            &state.db,
            state.clock.unix(),
            &admin,
            format!("{program} Provider Portal: someone is requesting access"),
            format!("{name} is requesting access to your office on the {program} Provider Portal. Log in and open your Task List to accept or decline: {url}"),
            vec![url.clone()],
        )
        .await?;
    }
    Ok(())
}
