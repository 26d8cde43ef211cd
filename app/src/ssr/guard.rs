//! The authorization guard: the first call of every protected server function. It answers
//! who is calling, in which organization, with which permissions — or refuses.

use super::{session, state, AppState};
use crate::auth::permissions::{Module, OrgKind, OrgRole};
use crate::error::AppError;
use leptos::prelude::use_context;
use sqlx::Row;

#[derive(Clone)]
pub struct Caller {
    pub state: AppState,
    pub session_hash: String,
    pub user_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_operator: bool,
    /// The password is older than the plan allows.
    pub password_expired: bool,
    /// This year's training (for the caller's role in the organization) is not done yet.
    pub training_due: bool,
    pub org: Option<OrgAccess>,
    pub ip: Option<String>,
}

/// The caller's active membership in the organization their session is working in.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    pub membership_id: i64,
    pub organization_id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub role: OrgRole,
    pub modules: Vec<Module>,
    /// User verification lapsed and the plan has not reinstated the office yet.
    pub lapsed: bool,
}

/// The signed-in caller, or 401 — or 403 while their password has expired or their
/// training is due.
pub async fn signed_in() -> Result<Caller, AppError> {
    let caller = signed_in_before_training().await?;
    if caller.training_due {
        return Err(AppError::TrainingRequired);
    }
    Ok(caller)
}

/// The signed-in caller whose training may be due: only for the training itself and for
/// choosing the organization to work in.
pub async fn signed_in_before_training() -> Result<Caller, AppError> {
    let caller = signed_in_with_expired_password().await?;
    if caller.password_expired {
        return Err(AppError::PasswordExpired);
    }
    Ok(caller)
}

/// The signed-in caller even with an expired password: only for changing it, stepping up,
/// keeping the session alive and reading who is signed in.
pub async fn signed_in_with_expired_password() -> Result<Caller, AppError> {
    optional().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in caller, if any.
pub async fn optional() -> Result<Option<Caller>, AppError> {
    let state = state()?;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    let Some(id) = session::cookie_value(
        &parts.headers,
        &session::cookie_name(&state.settings, session::SESSION_COOKIE),
    ) else {
        return Ok(None);
    };
    let now = state.clock.unix();
    let Some(session) = session::find(&state.db, &state.settings, now, &id).await? else {
        return Ok(None);
    };
    let user =
        sqlx::query("SELECT email, first_name, last_name, is_operator, password_changed_at, training_completed_at, training_role FROM users WHERE id = $1")
            .bind(session.user_id)
            .fetch_optional(&state.db.pool)
            .await?;
    let Some(user) = user else { return Ok(None) };
    let org = match session.organization_id {
        Some(organization_id) => org_access(&state, session.user_id, organization_id).await?,
        None => None,
    };
    let ip = super::request_ip();
    let is_operator = user.try_get::<i64, _>("is_operator")? == 1;
    let training_due = match &org {
        Some(org) if !is_operator => crate::training::is_due(
            user.try_get("training_completed_at")?,
            user.try_get::<Option<String>, _>("training_role")?
                .as_deref(),
            org.role == OrgRole::Admin,
            now,
            &state.settings.time_zone,
        ),
        _ => false,
    };
    Ok(Some(Caller {
        training_due,
        session_hash: session.id_hash,
        user_id: session.user_id,
        email: user.try_get("email")?,
        first_name: user.try_get("first_name")?,
        last_name: user.try_get("last_name")?,
        is_operator,
        password_expired: crate::auth::password_policy::is_expired(
            user.try_get("password_changed_at")?,
            now,
            state.settings.password_max_age_days,
        ),
        org,
        ip,
        state,
    }))
}

/// The user's active membership in an organization, with its module access.
pub async fn org_access(
    state: &AppState,
    user_id: i64,
    organization_id: i64,
) -> Result<Option<OrgAccess>, AppError> {
    let row = sqlx::query(
        "SELECT m.id, m.org_role, o.name, o.kind, o.verified_at, o.registered_at, o.suspended_at \
         FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.organization_id = $2 AND m.status = 'active'",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let membership_id: i64 = row.try_get("id")?;
    let modules: Vec<String> =
        sqlx::query_scalar("SELECT module FROM module_permissions WHERE membership_id = $1")
            .bind(membership_id)
            .fetch_all(&state.db.pool)
            .await?;
    Ok(Some(OrgAccess {
        membership_id,
        organization_id,
        name: row.try_get("name")?,
        kind: OrgKind::parse(&row.try_get::<String, _>("kind")?),
        role: OrgRole::parse(&row.try_get::<String, _>("org_role")?),
        modules: modules.iter().filter_map(|m| Module::parse(m)).collect(),
        lapsed: crate::admin::verification::lapsed(
            row.try_get("verified_at")?,
            row.try_get("registered_at")?,
            row.try_get("suspended_at")?,
            state.clock.unix(),
            &state.settings.time_zone,
        ),
    }))
}

impl Caller {
    /// The organization the caller is working in; 403 when none is chosen, or while its
    /// user verification has lapsed.
    pub fn org(&self) -> Result<&OrgAccess, AppError> {
        let org = self.org.as_ref().ok_or(AppError::Forbidden)?;
        if org.lapsed {
            return Err(AppError::AccessSuspended);
        }
        Ok(org)
    }

    /// The organization, if the caller is its Org Admin, even while its verification has
    /// lapsed: only for "Verify Users", which is how an office gets its access back.
    pub fn verifying_admin(&self) -> Result<&OrgAccess, AppError> {
        match &self.org {
            Some(org) if org.role == OrgRole::Admin => Ok(org),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The organization, if the caller is its Org Admin.
    pub fn org_admin(&self) -> Result<&OrgAccess, AppError> {
        let org = self.org()?;
        if org.role == OrgRole::Admin {
            Ok(org)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The organization, if the caller has access to the module there.
    pub fn module(&self, module: Module) -> Result<&OrgAccess, AppError> {
        let org = self.org()?;
        if org.modules.contains(&module) {
            Ok(org)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Plan staff only.
    pub fn operator(&self) -> Result<(), AppError> {
        if self.is_operator {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Records something the caller did in the audit log.
    pub async fn audit(
        &self,
        organization_id: Option<i64>,
        action: &'static str,
        subject: String,
        detail: String,
    ) -> Result<(), AppError> {
        super::audit::record(
            &self.state.db,
            self.state.clock.unix(),
            super::audit::AuditEntry {
                user_id: Some(self.user_id),
                organization_id,
                action,
                subject,
                detail,
                ip: self.ip.clone(),
            },
        )
        .await?;
        Ok(())
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}
