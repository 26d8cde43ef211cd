//! "Register as a New User" on the server: the request as a draft (keyed by a cookie) through
//! its steps, then submitted to the office's Task List, whose admins are told.

use super::repo;
use super::*;
use crate::admin::ssr::notify_admins;
use crate::domain::permissions::check_position;
use crate::domain::{check_names, Email, Phone, TaxId, Whose};
use crate::error::Checker;
use crate::ssr::drafts::{CookieFlow, Draft};
use crate::ssr::guard::Visitor;
use crate::ssr::outbox::{self, Channel};
use crate::ssr::passcodes::{self, Purpose};
use crate::ssr::repo::{memberships, users};
use crate::ssr::{limits, messages, AppState};

/// An unsubmitted request is kept for a day after its last step.
const REQUEST: CookieFlow = CookieFlow {
    kind: "access_request",
    cookie: "portal_access_request",
    minutes: 24 * 60,
};
/// A request not decided within 3 days is overdue: the plan follows it up.
pub const OVERDUE_DAYS: i64 = 3;
/// Requests started for one email address within an hour: starting one needs no account and
/// sends an email, so it must not be a way to flood someone's inbox.
pub const MAX_STARTS_PER_HOUR: i64 = 3;

/// What the request's draft holds until it is submitted. Steps: "verify", "terms",
/// "provider", "review".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Request {
    first_name: String,
    last_name: String,
    email: String,
    mobile: String,
    provider_address: String,
    position: String,
    position_other: Option<String>,
    #[serde(default)]
    provider: Option<Chosen>,
    /// The address already has an account: the request looks the same, but no passcode was
    /// sent and none is accepted, so the page cannot tell who has an account.
    #[serde(default)]
    decoy: bool,
}

/// The provider chosen, with its office.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chosen {
    provider_id: i64,
    organization_id: i64,
    name: String,
    npi: String,
}

async fn require_draft(state: &AppState, steps: &[&str]) -> Result<Draft<Request>, AppError> {
    let draft = REQUEST.load(state).await?.ok_or_else(|| {
        AppError::Conflict("Your request has timed out. Please start again.".into())
    })?;
    if !steps.contains(&draft.step.as_str()) {
        return Err(AppError::Conflict(
            "This step is already done. Reload the page to continue.".into(),
        ));
    }
    Ok(draft)
}

async fn move_to(
    state: &AppState,
    mut draft: Draft<Request>,
    step: &str,
) -> Result<RequestStep, AppError> {
    draft.step = step.into();
    REQUEST.save(state, &draft).await?;
    Ok(step_of(&draft))
}

fn step_of(draft: &Draft<Request>) -> RequestStep {
    match draft.step.as_str() {
        "verify" => RequestStep::Verify {
            email: draft.data.email.clone(),
        },
        "terms" => RequestStep::Terms,
        "provider" => RequestStep::Provider,
        "review" => RequestStep::Review {
            summary: summary(&draft.data),
        },
        _ => RequestStep::ThankYou,
    }
}

pub async fn current_step(visitor: Visitor) -> Result<RequestStep, AppError> {
    Ok(match REQUEST.load(&visitor.state).await? {
        Some(draft) => step_of(&draft),
        None => RequestStep::Form,
    })
}

fn subject(draft: &Draft<Request>) -> String {
    format!("access_request:{}", draft.owner)
}

async fn send_code(state: &AppState, draft: &Draft<Request>) -> Result<(), AppError> {
    if draft.data.decoy {
        return Ok(());
    }
    passcodes::send(
        state,
        Purpose::AccessRequest,
        &subject(draft),
        None,
        Channel::Email,
        &draft.data.email,
    )
    .await?;
    Ok(())
}

pub async fn start(visitor: Visitor, form: RequestForm) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let mut check = Checker::new();
    // Names go into the email to the office's administrators: letters and the like only.
    check_names(&mut check, &form.first_name, &form.last_name, Whose::Own);
    if form.provider_address.trim().is_empty() {
        check.add("provider_address", "Enter the provider's full address.");
    } else if form.provider_address.chars().count() > 200 {
        check.add("provider_address", "Use at most 200 characters.");
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
    let request = Request {
        first_name: form.first_name.trim().to_string(),
        last_name: form.last_name.trim().to_string(),
        email: email.to_string(),
        mobile: mobile.to_string(),
        provider_address: form.provider_address.trim().to_string(),
        position: form.position.clone(),
        position_other: (form.position == "Other").then(|| form.position_other.trim().to_string()),
        provider: None,
        decoy: false,
    };
    // The page answers the same whether or not the address has an account, so it cannot be
    // used to find out; the account's owner is told by email how to ask instead.
    let taken = users::id_by_email(&mut *state.db.conn().await?, email.as_str()).await?;
    if taken.is_some() {
        let program = &state.settings.program_name;
        outbox::email(
            &state.db,
            &state.settings,
            now,
            email.as_str(),
            messages::request_with_existing_account(program),
        )
        .await?;
        let decoy = Request {
            decoy: true,
            ..request
        };
        let draft = REQUEST.start(&state, "verify", decoy).await?;
        return Ok(step_of(&draft));
    }
    let draft = REQUEST.start(&state, "verify", request).await?;
    send_code(&state, &draft).await?;
    Ok(step_of(&draft))
}

pub async fn resend(visitor: Visitor) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["verify"]).await?;
    send_code(&state, &draft).await?;
    Ok(step_of(&draft))
}

pub async fn verify(visitor: Visitor, code: String) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["verify"]).await?;
    let who = visitor
        .audit("passcode.failure", format!("email:{}", draft.data.email))
        .detail("access request");
    if draft.data.decoy {
        return Err(AppError::field("code", passcodes::WRONG));
    }
    passcodes::verify_audited(&state, Purpose::AccessRequest, &subject(&draft), &code, who).await?;
    move_to(&state, draft, "terms").await
}

pub async fn accept_terms(visitor: Visitor) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let draft = require_draft(&state, &["terms"]).await?;
    move_to(&state, draft, "provider").await
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
        // Signed in: the same as any page of the portal ("My Collections").
        Some(caller) if caller.password_expired => return Err(AppError::PasswordExpired),
        Some(caller) if caller.training_due => return Err(AppError::TrainingRequired),
        Some(_) => true,
        None => REQUEST
            .load::<Request>(&state)
            .await?
            .is_some_and(|d| d.step == "provider"),
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
    let mut draft = require_draft(&state, &["provider", "review"]).await?;
    let chosen = repo::chosen_provider(&mut *state.db.conn().await?, provider_id)
        .await?
        .ok_or(AppError::NotFound)?;
    draft.data.provider = Some(Chosen {
        provider_id,
        organization_id: chosen.organization_id,
        name: chosen.name,
        npi: chosen.npi,
    });
    move_to(&state, draft, "review").await
}

fn summary(r: &Request) -> Vec<(String, String)> {
    let r = r.clone();
    vec![
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
            r.provider
                .map(|p| format!("{} (NPI {})", p.name, p.npi))
                .unwrap_or_default(),
        ),
    ]
}

pub async fn submit(visitor: Visitor) -> Result<RequestStep, AppError> {
    let state = visitor.state.clone();
    let mut draft = require_draft(&state, &["review"]).await?;
    let r = &draft.data;
    let chosen = r
        .provider
        .as_ref()
        .ok_or_else(|| AppError::Conflict("Choose your provider first.".into()))?;
    let now = state.clock.unix();
    let submitted = repo::Submitted {
        first_name: &r.first_name,
        last_name: &r.last_name,
        email: &r.email,
        mobile: &r.mobile,
        provider_address: &r.provider_address,
        position: &r.position,
        position_other: r.position_other.as_deref(),
        provider_id: chosen.provider_id,
        organization_id: chosen.organization_id,
    };
    let id = repo::submit(&mut *state.db.conn().await?, now, submitted).await?;
    let organization_id = chosen.organization_id;
    // The draft stays on "Thank You" (a reload shows it again) until it expires.
    draft.step = "submitted".into();
    REQUEST.save(&state, &draft).await?;
    tell_admins(&state, id, organization_id).await?;
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
        None,
        crate::ssr::repo::notifications::Notice {
            kind: "access",
            title: "New access request",
            body: &format!(
                "{name} asks for access to your office. Accept or decline it in your Task List."
            ),
            link: &link,
        },
    )
    .await?;
    let admins = memberships::admin_emails(&mut *state.db.conn().await?, organization_id).await?;
    let program = &state.settings.program_name;
    let url = state.settings.link(&link);
    for admin in admins {
        outbox::email(
            &state.db,
            &state.settings,
            state.clock.unix(),
            &admin,
            messages::request_to_admins(program, &name, url.clone()),
        )
        .await?;
    }
    Ok(())
}
