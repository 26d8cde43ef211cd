//! Access requests on the server: the new user's draft (keyed by a cookie), the Task List's
//! decisions, "My Collections" and the "Collection Manager".

use super::*;
use crate::admin::ssr::notify_admins;
use crate::domain::permissions::check_position;
use crate::domain::{Email, Phone, TaxId};
use crate::error::Checker;
#[cfg(feature = "ssr")]
use crate::ssr::guard::Visitor;
use crate::ssr::outbox::{self, Channel};
use crate::ssr::passcodes::{self, Purpose};
use crate::ssr::{audit, crypto, limits, session, AppState};
use sqlx::Row;

const DRAFT_COOKIE: &str = "portal_access_request";
/// An unsubmitted request is kept for a day.
const DRAFT_HOURS: i64 = 24;
/// A request not decided within 3 days is overdue: the plan follows it up.
pub const OVERDUE_DAYS: i64 = 3;
/// Requests started for one email address within an hour: starting one needs no account and
/// sends an email, so it must not be a way to flood someone's inbox.
pub const MAX_STARTS_PER_HOUR: i64 = 3;

struct Draft {
    id: i64,
    step: String,
    email: String,
}

async fn draft(state: &AppState) -> Result<Option<Draft>, AppError> {
    let Some(id) = session::request_cookie(&state.settings, DRAFT_COOKIE) else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT id, step, email FROM access_requests WHERE draft_hash = $1 AND status = 'draft' AND expires_at > $2",
    )
    .bind(crypto::secret_hash(&id))
    .bind(state.clock.unix())
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|r| {
        Ok(Draft {
            id: r.try_get("id")?,
            step: r.try_get("step")?,
            email: r.try_get("email")?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| e.into())
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
    sqlx::query("UPDATE access_requests SET step = $1 WHERE id = $2")
        .bind(step)
        .bind(id)
        .execute(&state.db.pool)
        .await?;
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
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_requests (kind, draft_hash, step, status, first_name, last_name, email, mobile, provider_address, \
         position, position_other, created_at, expires_at) \
         VALUES ('new_user', $1, 'verify', 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(crypto::secret_hash(&secret))
    .bind(form.first_name.trim())
    .bind(form.last_name.trim())
    .bind(email.as_str())
    .bind(mobile.as_str())
    .bind(form.provider_address.trim())
    .bind(&form.position)
    .bind((form.position == "Other").then(|| form.position_other.trim().to_string()))
    .bind(now)
    .bind(now + DRAFT_HOURS * 3600)
    .fetch_one(&state.db.pool)
    .await?;
    // The page answers the same whether or not the address has an account, so it cannot be
    // used to find out; the account's owner is told by email how to ask instead.
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&state.db.pool)
        .await?;
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
    let kinds = if group {
        "('group', 'facility')"
    } else {
        "('practitioner')"
    };
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.name, p.npi, p.city, o.name AS organization FROM providers p JOIN organizations o ON o.id = p.organization_id \
         WHERE o.registered_at IS NOT NULL AND o.kind = 'provider' AND p.kind IN {kinds} \
         AND ($1 = '' OR LOWER(p.name) LIKE $2) AND ($3 = '' OR o.tax_id = $3) ORDER BY p.name, p.npi LIMIT 25"
    ))
    .bind(&name)
    .bind(format!("%{name}%"))
    .bind(tax.as_ref().map(|t| t.as_str().to_string()).unwrap_or_default())
    .fetch_all(&state.db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ProviderHit {
                provider_id: r.try_get("id")?,
                name: r.try_get("name")?,
                npi: r.try_get("npi")?,
                city: r.try_get("city")?,
                organization: r.try_get("organization")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(Into::into)
}

/// The provider and its office, if the office is registered.
pub(crate) async fn provider_office(
    state: &AppState,
    provider_id: i64,
) -> Result<(i64, String), AppError> {
    let row = sqlx::query(
        "SELECT o.id, p.name FROM providers p JOIN organizations o ON o.id = p.organization_id \
         WHERE p.id = $1 AND o.registered_at IS NOT NULL AND o.kind = 'provider'",
    )
    .bind(provider_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((row.try_get("id")?, row.try_get("name")?))
}

pub async fn choose_provider(visitor: Visitor, provider_id: i64) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let d = require_draft(&state, &["provider", "review"]).await?;
    let (organization_id, _) = provider_office(&state, provider_id).await?;
    sqlx::query("UPDATE access_requests SET provider_id = $1, organization_id = $2, step = 'review' WHERE id = $3")
        .bind(provider_id)
        .bind(organization_id)
        .bind(d.id)
        .execute(&state.db.pool)
        .await?;
    Ok(RequestStep::Review {
        summary: summary(&state, d.id).await?,
    })
}

async fn summary(state: &AppState, id: i64) -> Result<Vec<(String, String)>, AppError> {
    let r = sqlx::query(
        "SELECT a.first_name, a.last_name, a.email, a.mobile, a.provider_address, a.position, a.position_other, p.name AS provider, p.npi \
         FROM access_requests a LEFT JOIN providers p ON p.id = a.provider_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    let position: String = r.try_get("position")?;
    let other: Option<String> = r.try_get("position_other")?;
    let provider: Option<String> = r.try_get("provider")?;
    let npi: Option<String> = r.try_get("npi")?;
    Ok(vec![
        ("Name".into(), crate::ssr::db::full_name(&r)?),
        ("Email Address".into(), r.try_get("email")?),
        ("Mobile Number".into(), r.try_get("mobile")?),
        ("Provider Address".into(), r.try_get("provider_address")?),
        (
            "Position".into(),
            if position == "Other" {
                other.unwrap_or_default()
            } else {
                position
            },
        ),
        (
            "Provider".into(),
            match (provider, npi) {
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
    let organization_id: i64 = sqlx::query_scalar(
        "UPDATE access_requests SET status = 'pending', step = 'submitted', draft_hash = NULL, submitted_at = $1 \
         WHERE id = $2 AND status = 'draft' RETURNING organization_id",
    )
    .bind(now)
    .bind(d.id)
    .fetch_optional(&state.db.pool)
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
    let name: String = sqlx::query_scalar(
        "SELECT first_name || ' ' || last_name FROM access_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&state.db.pool)
    .await?;
    let link = format!("/admin/tasks?id={id}");
    notify_admins(
        state,
        organization_id,
        "New access request",
        &format!("{name} asks for access to your office. Accept or decline it in your Task List."),
        &link,
    )
    .await?;
    let admins: Vec<String> = sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 AND m.org_role = 'admin' AND m.status = 'active'",
    )
    .bind(organization_id)
    .fetch_all(&state.db.pool)
    .await?;
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
