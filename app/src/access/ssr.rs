//! Access requests on the server: the new user's draft (keyed by a cookie), the Task List's
//! decisions, "My Collections" and the "Collection Manager".

use super::*;
use crate::admin::ssr::{notify_admins, record_change};
use crate::domain::permissions::{check_position, NpiLevel, OrgRole};
use crate::domain::{Email, Phone, TaxId};
use crate::error::Checker;
use crate::ssr::clock::DAY;
use crate::ssr::guard::{self};
#[cfg(feature = "ssr")]
use crate::ssr::guard::{Admin, User, Visitor};
use crate::ssr::outbox::{self, Channel};
use crate::ssr::passcodes::{self, Purpose};
use crate::ssr::password_links::{self, LinkPurpose};
use crate::ssr::repo::grants;
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
async fn provider_office(state: &AppState, provider_id: i64) -> Result<(i64, String), AppError> {
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
async fn tell_admins(state: &AppState, id: i64, organization_id: i64) -> Result<(), AppError> {
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

const TASK_SELECT: &str = "SELECT a.id, a.first_name, a.last_name, a.email, a.mobile, a.provider_address, a.position, a.position_other, \
     a.submitted_at, a.user_id, p.name AS provider, p.npi FROM access_requests a JOIN providers p ON p.id = a.provider_id";

fn task_row(state: &AppState, r: &sqlx::any::AnyRow) -> Result<TaskRow, sqlx::Error> {
    Ok(TaskRow {
        id: r.try_get("id")?,
        name: crate::ssr::db::full_name(r)?,
        email: r.try_get("email")?,
        provider: format!(
            "{} (NPI {})",
            r.try_get::<String, _>("provider")?,
            r.try_get::<String, _>("npi")?
        ),
        submitted: state.settings.calendar.format_date(
            r.try_get::<Option<i64>, _>("submitted_at")?
                .unwrap_or_default(),
        ),
        existing_user: r.try_get::<Option<i64>, _>("user_id")?.is_some(),
    })
}

pub async fn tasks(Admin { caller, org }: Admin) -> Result<Vec<TaskRow>, AppError> {
    let organization_id = org.organization_id;
    let rows = sqlx::query(&format!("{TASK_SELECT} WHERE a.organization_id = $1 AND a.status = 'pending' ORDER BY a.submitted_at, a.id"))
        .bind(organization_id)
        .fetch_all(&caller.state.db.pool)
        .await?;
    rows.iter()
        .map(|r| task_row(&caller.state, r))
        .collect::<Result<_, _>>()
        .map_err(Into::into)
}

pub async fn task(Admin { caller, org }: Admin, id: i64) -> Result<TaskDetail, AppError> {
    let organization_id = org.organization_id;
    let r = sqlx::query(&format!(
        "{TASK_SELECT} WHERE a.id = $1 AND a.organization_id = $2 AND a.status = 'pending'"
    ))
    .bind(id)
    .bind(organization_id)
    .fetch_optional(&caller.state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(TaskDetail {
        row: task_row(&caller.state, &r)?,
        mobile: r.try_get("mobile")?,
        provider_address: r.try_get("provider_address")?,
        position: r.try_get("position")?,
        position_other: r
            .try_get::<Option<String>, _>("position_other")?
            .unwrap_or_default(),
    })
}

pub async fn decide(
    Admin { caller, org }: Admin,
    id: i64,
    decision: Decision,
) -> Result<(), AppError> {
    let organization_id = org.organization_id;
    let state = &caller.state;
    let r = sqlx::query(
        "SELECT a.first_name, a.last_name, a.email, a.mobile, a.user_id, a.provider_id, o.name AS office, o.access_agreement_at \
         FROM access_requests a JOIN organizations o ON o.id = a.organization_id \
         WHERE a.id = $1 AND a.organization_id = $2 AND a.status = 'pending'",
    )
    .bind(id)
    .bind(organization_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let (first, last, email, mobile): (String, String, String, String) = (
        r.try_get("first_name")?,
        r.try_get("last_name")?,
        r.try_get("email")?,
        r.try_get("mobile")?,
    );
    let office: String = r.try_get("office")?;
    let program = state.settings.program_name.clone();
    let now = state.clock.unix();
    if !decision.accept {
        let reason = decision.reason.trim();
        if reason.is_empty() {
            return Err(AppError::field(
                "reason",
                "Enter the reason for declining the request.",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::field("reason", "Use at most 500 characters."));
        }
        let declined = sqlx::query("UPDATE access_requests SET status = 'declined', decided_by = $1, decided_at = $2, decline_reason = $3 WHERE id = $4 AND status = 'pending'")
            .bind(caller.user_id)
            .bind(now)
            .bind(reason)
            .bind(id)
            .execute(&state.db.pool)
            .await?;
        if declined.rows_affected() != 1 {
            return Err(AppError::NotFound);
        }
        outbox::email(
            &state.db,
            now,
            &email,
            format!("Your {program} Provider Portal access request"),
            format!("Your request for access to {office} on the {program} Provider Portal was declined. Reason: {reason}"),
            Vec::new(),
        )
        .await?;
        caller
            .audit(
                Some(organization_id),
                "access_request.decline",
                format!("access_request:{id}"),
                String::new(),
            )
            .await?;
        return Ok(());
    }
    if r.try_get::<Option<i64>, _>("access_agreement_at")?
        .is_none()
    {
        return Err(AppError::Conflict(format!(
            "{program} has not recorded your office's Provider Portal Access Agreement yet, so requests cannot be accepted. Return the signed agreement to {program}."
        )));
    }
    let mut check = Checker::new();
    if let Err((field, message)) = check_position(&decision.position, &decision.position_other) {
        check.add(field, message);
    }
    if decision.position.is_empty() {
        check.add("position", "Choose a position.");
    }
    check.finish()?;
    let modules = decision
        .preset
        .modules()
        .unwrap_or_else(|| decision.modules.clone());
    // The Local Office Administrator role makes the user an Org Admin.
    let role = if decision.preset == RolePreset::LocalOfficeAdministrator {
        OrgRole::Admin
    } else {
        OrgRole::Processor
    };
    let provider_id: i64 = r.try_get("provider_id")?;
    let existing: Option<i64> = r.try_get("user_id")?;
    let mut tx = state.db.pool.begin().await?;
    let user_id = match existing {
        Some(user_id) => user_id,
        None => {
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(AppError::Conflict("An account with this email was created since the request. Ask the person to use “My Collections”.".into()));
            }
            sqlx::query_scalar("INSERT INTO users (email, first_name, last_name, phone, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(&email)
                .bind(&first)
                .bind(&last)
                .bind(&mobile)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?
        }
    };
    let previous: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM memberships WHERE user_id = $1 AND organization_id = $2",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(&mut *tx)
    .await?;
    let position_other =
        (decision.position == "Other").then(|| decision.position_other.trim().to_string());
    let membership_id: i64 = match previous {
        Some((_, status)) if status == "active" => {
            return Err(AppError::Conflict("This person is already an active user of your office.".into()));
        }
        Some((membership_id, _)) => {
            sqlx::query(
                "UPDATE memberships SET status = 'active', org_role = $1, role_preset = $2, position = $3, position_other = $4, \
                 awaiting_permissions_since = NULL, verified_at = NULL, separation_date = NULL, removal_reason = NULL, \
                 updated_at = $5 WHERE id = $6",
            )
            .bind(role.as_str())
            .bind(decision.preset.label())
            .bind(&decision.position)
            .bind(&position_other)
            .bind(now)
            .bind(membership_id)
            .execute(&mut *tx)
            .await?;
            membership_id
        }
        None => sqlx::query_scalar(
            "INSERT INTO memberships (user_id, organization_id, org_role, status, role_preset, position, position_other, created_at, updated_at) \
             VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(user_id)
        .bind(organization_id)
        .bind(role.as_str())
        .bind(decision.preset.label())
        .bind(&decision.position)
        .bind(&position_other)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?,
    };
    // The provider asked for, as a Processor; the admin can widen it in the wizard.
    let granted = grants::Grants {
        npis: [(provider_id, NpiLevel::Processor)].into(),
        correspondence: Default::default(),
        modules: modules.clone(),
    };
    grants::replace(&mut tx, membership_id, &granted).await?;
    let accepted = sqlx::query("UPDATE access_requests SET status = 'accepted', user_id = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'")
        .bind(user_id)
        .bind(caller.user_id)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    // Decided by another administrator meanwhile: nothing of this one is kept.
    if accepted.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    if existing.is_none() {
        // The accepted requester sets a password from this link (then a passcode, as always).
        password_links::send(state, user_id, &email, LinkPurpose::Registration).await?;
    } else {
        outbox::email(
            &state.db,
            now,
            &email,
            format!("Your {program} Provider Portal access request"),
            format!("Your request for access to {office} was accepted. Log in and choose it under \"Add or Switch Organization\"."),
            Vec::new(),
        )
        .await?;
    }
    let position = position_other.clone().unwrap_or(decision.position.clone());
    record_change(
        state,
        organization_id,
        user_id,
        Some(caller.user_id),
        "access_request.accept",
        "",
        &format!(
            "Accepted as {} ({}); position {position}",
            decision.preset.label(),
            role.label()
        ),
        "",
        caller.ip.clone(),
    )
    .await
}

pub async fn collections(User(caller): User) -> Result<Vec<CollectionRow>, AppError> {
    let db = &caller.state.db.pool;
    let mut rows: Vec<CollectionRow> = sqlx::query(
        "SELECT o.id, o.name, m.is_default FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.status = 'active' ORDER BY o.name",
    )
    .bind(caller.user_id)
    .fetch_all(db)
    .await?
    .iter()
    .map(|r| {
        Ok(CollectionRow {
            organization_id: r.try_get("id")?,
            name: r.try_get("name")?,
            status: "Active".into(),
            is_default: r.try_get::<i64, _>("is_default")? == 1,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    for r in sqlx::query(
        "SELECT o.id, o.name, p.name AS provider FROM access_requests a JOIN organizations o ON o.id = a.organization_id \
         JOIN providers p ON p.id = a.provider_id WHERE a.user_id = $1 AND a.kind = 'collection' AND a.status = 'pending' ORDER BY a.id",
    )
    .bind(caller.user_id)
    .fetch_all(db)
    .await?
    {
        rows.push(CollectionRow {
            organization_id: r.try_get("id")?,
            name: format!("{} — {}", r.try_get::<String, _>("name")?, r.try_get::<String, _>("provider")?),
            status: "Pending".into(),
            is_default: false,
        });
    }
    Ok(rows)
}

pub async fn request_collection(User(caller): User, provider_id: i64) -> Result<(), AppError> {
    let state = &caller.state;
    let (organization_id, _) = provider_office(state, provider_id).await?;
    let member: Option<String> = sqlx::query_scalar(
        "SELECT status FROM memberships WHERE user_id = $1 AND organization_id = $2",
    )
    .bind(caller.user_id)
    .bind(organization_id)
    .fetch_optional(&state.db.pool)
    .await?;
    if member.as_deref() == Some("active") {
        return Err(AppError::Conflict(
            "You already have access to this provider's office.".into(),
        ));
    }
    let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_requests WHERE user_id = $1 AND organization_id = $2 AND status = 'pending'")
        .bind(caller.user_id)
        .bind(organization_id)
        .fetch_one(&state.db.pool)
        .await?;
    if pending > 0 {
        return Err(AppError::Conflict(
            "Your request to this office is already pending.".into(),
        ));
    }
    let user = sqlx::query("SELECT phone FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_one(&state.db.pool)
        .await?;
    let now = state.clock.unix();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO access_requests (kind, step, status, user_id, first_name, last_name, email, mobile, provider_address, position, \
         provider_id, organization_id, created_at, expires_at, submitted_at) \
         VALUES ('collection', 'submitted', 'pending', $1, $2, $3, $4, $5, '', $6, $7, $8, $9, $9, $9) RETURNING id",
    )
    .bind(caller.user_id)
    .bind(&caller.first_name)
    .bind(&caller.last_name)
    .bind(&caller.email)
    .bind(user.try_get::<Option<String>, _>("phone")?.unwrap_or_default())
    // The office's administrator sets the position on accepting.
    .bind("")
    .bind(provider_id)
    .bind(organization_id)
    .bind(now)
    .fetch_one(&state.db.pool)
    .await?;
    tell_admins(state, id, organization_id).await
}

pub async fn set_default(User(caller): User, organization_id: i64) -> Result<(), AppError> {
    let db = &caller.state.db.pool;
    let mut tx = db.begin().await?;
    let updated = sqlx::query("UPDATE memberships SET is_default = 1 WHERE user_id = $1 AND organization_id = $2 AND status = 'active'")
        .bind(caller.user_id)
        .bind(organization_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "UPDATE memberships SET is_default = 0 WHERE user_id = $1 AND organization_id <> $2",
    )
    .bind(caller.user_id)
    .bind(organization_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every office where the caller is an active Org Admin: one for a Local Office
/// Administrator, several for an Enterprise Admin.
pub async fn manager(
    Admin { caller, .. }: Admin,
    providers: String,
    tin: String,
    users: String,
    status: String,
    role: String,
) -> Result<CollectionData, AppError> {
    let db = &caller.state.db.pool;
    let offices: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT o.id, o.name, o.tax_id FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.org_role = 'admin' AND m.status = 'active' ORDER BY o.name",
    )
    .bind(caller.user_id)
    .fetch_all(db)
    .await?;
    // An office whose verification lapsed is out of reach until the plan reinstates it.
    let mut open = Vec::new();
    for office in offices {
        let access = guard::org_access(&caller.state, caller.user_id, office.0).await?;
        if access.is_some_and(|a| a.role == OrgRole::Admin && !a.lapsed) {
            open.push(office);
        }
    }
    let offices = open;
    let mut tins: Vec<String> = offices.iter().map(|o| o.2.clone()).collect();
    tins.sort();
    tins.dedup();
    let providers = providers.trim().to_lowercase();
    let users = users.trim().to_lowercase();
    let mut data = CollectionData {
        tins,
        providers: Vec::new(),
        users: Vec::new(),
    };
    for (office_id, office, office_tin) in &offices {
        if tin.is_empty() || *office_tin == tin {
            for r in sqlx::query(
                "SELECT name, npi FROM providers WHERE organization_id = $1 AND ($2 = '' OR LOWER(name) LIKE $3 OR npi LIKE $3) ORDER BY name LIMIT 200",
            )
            .bind(office_id)
            .bind(&providers)
            .bind(format!("%{providers}%"))
            .fetch_all(db)
            .await?
            {
                data.providers.push(CollectionProvider {
                    name: r.try_get("name")?,
                    npi: r.try_get("npi")?,
                    tin: office_tin.clone(),
                    organization: office.clone(),
                });
            }
        }
        for r in sqlx::query(
            "SELECT u.first_name, u.last_name, u.email, m.org_role, m.status FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = $1 AND m.status <> 'removed' AND ($2 = '' OR m.status = $2) AND ($3 = '' OR m.org_role = $3) \
             AND ($4 = '' OR LOWER(u.first_name || ' ' || u.last_name) LIKE $5 OR LOWER(u.email) LIKE $5) ORDER BY u.last_name, u.first_name LIMIT 200",
        )
        .bind(office_id)
        .bind(&status)
        .bind(&role)
        .bind(&users)
        .bind(format!("%{users}%"))
        .fetch_all(db)
        .await?
        {
            data.users.push(CollectionUser {
                name: crate::ssr::db::full_name(&r)?,
                email: r.try_get("email")?,
                role: OrgRole::parse(&r.try_get::<String, _>("org_role")?).label().into(),
                status: if r.try_get::<String, _>("status")? == "active" { "Active".into() } else { "Deactivated".into() },
                organization: office.clone(),
            });
        }
    }
    Ok(data)
}

/// Requests no administrator decided within 3 days, for the plan to follow up.
pub async fn overdue(state: &AppState) -> Result<Vec<(String, String, String)>, AppError> {
    let cutoff = state.clock.unix() - OVERDUE_DAYS * DAY;
    let rows = sqlx::query(
        "SELECT a.first_name, a.last_name, a.submitted_at, o.name FROM access_requests a JOIN organizations o ON o.id = a.organization_id \
         WHERE a.status = 'pending' AND a.submitted_at <= $1 ORDER BY a.submitted_at",
    )
    .bind(cutoff)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                crate::ssr::db::full_name(r)?,
                r.try_get("name")?,
                state
                    .settings
                    .calendar
                    .format_date(r.try_get("submitted_at")?),
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}
