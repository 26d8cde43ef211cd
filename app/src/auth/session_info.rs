use crate::domain::permissions::{Module, OrgKind};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What every page needs to know about the signed-in user (the program's name is a setting:
/// `ui::program_name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<SignedInUser>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub name: String,
    pub email: String,
    pub is_operator: bool,
    /// The organization the session works in; `None` until one is chosen.
    pub organization: Option<OrganizationChoice>,
    /// Every organization where the user's membership is active.
    pub organizations: Vec<OrganizationChoice>,
    /// Seconds without activity before the session ends.
    pub idle_seconds: i64,
    /// The password must be changed before anything else.
    pub password_expired: bool,
    /// This year's training comes before anything else.
    pub training_due: bool,
    /// The user is an Org Admin of the organization the session works in.
    pub org_admin: bool,
    /// That organization's user verification lapsed: only its admins may go on, to verify.
    pub organization_lapsed: bool,
    /// The modules ("security settings") the user may use in that organization.
    pub modules: Vec<Module>,
    /// Why organizations the user worked for are no longer in the list, one sentence each.
    pub lost_access: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
}

/// The session of the page being rendered. The server reads it before the page renders
/// (`read_page_session`) and hands it to the page with the request, so the frame and `Require`
/// know the user at once, without waiting (a `Suspense`) or a resource of their own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageSession(Option<Arc<SignedInUser>>);

impl PageSession {
    /// The signed-in user; `None` for a visitor, and for a session that could not be read.
    pub fn user(&self) -> Option<&SignedInUser> {
        self.0.as_deref()
    }
}

/// The session of the page being rendered (signed out where none was read). Pages are
/// rendered on the server only (the browser app runs islands), so the browser build never
/// needs it.
pub fn page_session() -> PageSession {
    #[cfg(feature = "ssr")]
    return ssr::page_session();
    #[cfg(not(feature = "ssr"))]
    PageSession::default()
}

/// Who is calling, for a client that asks (the same as pages are given).
#[server(endpoint = "session")]
pub async fn current_session() -> Result<SessionInfo, AppError> {
    let visitor = require(Access::ANYONE).await?;
    Ok(ssr::session_of(&visitor))
}

/// Works in another of the caller's organizations. The session ID is replaced, so an ID
/// seen before the switch cannot act in the new organization.
#[server(endpoint = "switch-organization")]
pub async fn switch_organization(organization_id: i64) -> Result<(), AppError> {
    use crate::ssr::guard;
    let User(caller) = require(Access::BEFORE_TRAINING).await?;
    {
        let state = caller.state.clone();
        if guard::org_access(&state, caller.user_id, organization_id)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        ssr::replace_session(&caller, Some(organization_id)).await?;
        caller
            .audit(
                "organization.switch",
                format!("organization:{organization_id}"),
            )
            .org(organization_id)
            .record(&state.db)
            .await?;
        crate::ssr::follow("/");
        Ok(())
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::{OrganizationChoice, PageSession, SessionInfo, SignedInUser};
    use crate::domain::permissions::OrgKind;
    use crate::error::AppError;
    use crate::ssr::guard::{self, Caller, Visitor};
    use crate::ssr::{session, AppState};
    use std::sync::Arc;

    /// Reads the session of a page request before the page renders, into the request (where
    /// the page's context finds it: `page_session`); the caller is kept for the server
    /// functions the page calls. A session that cannot be read renders the page signed out.
    pub async fn read_page_session(state: &AppState, parts: &mut http::request::Parts) {
        let session = match guard::page_visitor(state, parts).await {
            Ok(visitor) => PageSession(session_of(&visitor).user.map(Arc::new)),
            Err(_) => PageSession::default(),
        };
        parts.extensions.insert(session);
    }

    /// The session of the page being rendered, as the server read it (`read_page_session`).
    pub fn page_session() -> PageSession {
        leptos::reactive::owner::with_context(|parts: &http::request::Parts| {
            parts.extensions.get::<PageSession>().cloned()
        })
        .flatten()
        .unwrap_or_default()
    }

    pub fn session_of(visitor: &Visitor) -> SessionInfo {
        let Some(caller) = &visitor.caller else {
            return SessionInfo { user: None };
        };
        let (organizations, lost_access) = organizations(caller);
        SessionInfo {
            user: Some(SignedInUser {
                name: caller.full_name(),
                email: caller.email.clone(),
                is_operator: caller.is_operator,
                organization: organizations
                    .iter()
                    .find(|o| Some(o.id) == caller.org.as_ref().map(|a| a.organization_id))
                    .cloned(),
                organizations,
                idle_seconds: caller.state.settings.session_idle_seconds,
                password_expired: caller.password_expired,
                training_due: caller.training_due,
                org_admin: caller.is_org_admin(),
                organization_lapsed: caller.org.as_ref().is_some_and(|o| o.lapsed),
                modules: caller
                    .org
                    .as_ref()
                    .map(|o| o.modules.clone())
                    .unwrap_or_default(),
                lost_access,
            }),
        }
    }

    /// The organizations where the caller's membership is active, by name; and a sentence for
    /// each where it was deactivated or removed, so a user with nowhere left to work knows why.
    /// Read with the caller's session (`repo::callers::by_session`).
    pub fn organizations(caller: &Caller) -> (Vec<OrganizationChoice>, Vec<String>) {
        let (mut active, mut lost) = (Vec::new(), Vec::new());
        for org in &caller.organizations {
            match org.status.as_str() {
                "active" => active.push(OrganizationChoice {
                    id: org.id,
                    name: org.name.clone(),
                    kind: OrgKind::parse(&org.kind),
                }),
                status => lost.push(format!(
                    "Your access to {} was {}. Contact your office administrator.",
                    org.name,
                    if status == "removed" {
                        "removed"
                    } else {
                        "deactivated"
                    }
                )),
            }
        }
        (active, lost)
    }

    /// Ends the caller's session and starts a new one for the same user.
    pub async fn replace_session(
        caller: &Caller,
        organization_id: Option<i64>,
    ) -> Result<(), AppError> {
        let state = &caller.state;
        let now = state.clock.unix();
        // The new session counts its 12 hours from the sign-in, not from the switch.
        let started_at = crate::ssr::repo::sessions::by_hash(&state.db, &caller.session_hash)
            .await?
            .map_or(now, |old| old.created_at);
        session::delete_by_hash(&state.db, &caller.session_hash).await?;
        let id = session::create(
            &state.db,
            now,
            started_at,
            caller.user_id,
            organization_id,
            caller.ip.clone(),
            None,
        )
        .await?;
        session::send_cookie(&state.settings, session::SESSION_COOKIE, Some(&id));
        Ok(())
    }
}
