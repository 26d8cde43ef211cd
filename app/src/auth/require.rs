use super::session_info::{page_session, SignedInUser};
use crate::domain::permissions::Module;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// Who may use a page. The server checks the same rule in every server function the page
/// calls; this only spares the caller a page whose every request would be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAccess {
    /// Signed in (an organization not yet chosen is fine).
    SignedIn,
    /// Working in an organization.
    Member,
    /// An Org Admin of that organization.
    OrgAdmin,
    /// A member with access to a module.
    Module(Module),
    /// Plan staff.
    Operator,
}

impl PageAccess {
    fn admits(self, user: &SignedInUser) -> bool {
        match self {
            PageAccess::SignedIn | PageAccess::Member => true,
            PageAccess::OrgAdmin => user.org_admin,
            PageAccess::Module(module) => user.modules.contains(&module),
            PageAccess::Operator => user.is_operator,
        }
    }

    fn needs_organization(self) -> bool {
        !matches!(self, PageAccess::SignedIn | PageAccess::Operator)
    }
}

/// Shows its children only to those `access` admits: everyone else is sent to sign in, to
/// choose an organization, to this year's training or to change an expired password — or, if
/// none of that would help, sees one "You do not have access to this page" screen instead of
/// the page. The session is known before the page renders (`PageSession`), so this is decided
/// at once; `fallback` shows while data the page awaits in place loads.
///
/// A page's data is made before `Require`, in the page's own body, and awaited in place inside
/// with a `Suspend` that is not wrapped in a closure, as the pages do (a list's rows, read by a
/// `DataTable` under a `Transition`, are the exception). On
/// the server this `Suspense` walks its children more than once (to find what they read, again
/// once that has loaded, then to render it) and runs each closure among them at every walk: a
/// view built in a closure is built two or three times, a resource made in one is made again.
/// A bare `Suspend` keeps what it built, so the page is built once. A resource made inside
/// must be read only under a `Suspense` of its own: read where this one is the nearest, each
/// walk added a load of its own, and now and then the page never finished rendering (the
/// affiliations deny dialog did, until its list was read under one). A `Suspense` nested here
/// is now and then walked late, after the page has let go of what it reads: My Dashboard's
/// panicked, and one over the 835 receivers rendered empty. The browser suite loads pages by
/// their address to catch both.
#[component]
pub fn Require(
    access: PageAccess,
    #[prop(optional, into)] fallback: ViewFnOnce,
    children: Children,
) -> impl IntoView {
    let session = page_session();
    let Some(user) = session.user() else {
        return view! { <Redirect path="/login" /> }.into_any();
    };
    if user.password_expired {
        return view! { <Redirect path="/password/expired" /> }.into_any();
    }
    if access.needs_organization() {
        if user.organization.is_none() {
            return view! { <Redirect path="/select-organization" /> }.into_any();
        }
        match gate(user, &use_location().pathname.get_untracked()) {
            Some(Gate::Go(path)) => return view! { <Redirect path /> }.into_any(),
            Some(Gate::Suspended) => return view! {
                <h1>"Access Suspended"</h1>
                <p role="alert" class="error-summary">{AppError::AccessSuspended.to_string()}</p>
                <p>"Contact your office's administrator."</p>
            }
            .into_any(),
            None => {}
        }
    }
    if !access.admits(user) {
        return view! { <NoAccess /> }.into_any();
    }
    view! { <Suspense fallback>{children()}</Suspense> }.into_any()
}

/// The one screen for a page the caller may not use (status 403 when rendered on the server).
#[component]
pub fn NoAccess() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <h1>"You do not have access to this page"</h1>
        <p>"Your permissions in this organization do not include this page. Your office's administrator can change them."</p>
        <p><a href="/">"Back to My Dashboard"</a></p>
    }
}

enum Gate {
    Go(String),
    Suspended,
}

/// What comes before the page: this year's training, then — while the office's verification
/// has lapsed — "Verify Users" for its admins and nothing for everyone else.
fn gate(user: &SignedInUser, path: &str) -> Option<Gate> {
    if user.training_due && path != "/training" {
        return Some(Gate::Go(format!("/training?next={}", path)));
    }
    if !user.organization_lapsed || path == "/training" {
        return None;
    }
    let verifying = path == "/admin/verify"
        || (path.starts_with("/admin/users/") && path.ends_with("/permissions"));
    match (user.org_admin, verifying) {
        (true, true) => None,
        (true, false) => Some(Gate::Go("/admin/verify".into())),
        (false, _) => Some(Gate::Suspended),
    }
}
