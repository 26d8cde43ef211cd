use super::session_info::{SessionInfo, SessionResource, SignedInUser};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// Shows its children only to a signed-in user working in an organization; sends everyone
/// else to sign in (or to choose an organization). The server enforces the same in every
/// server function; this only spares a page that would refuse them.
#[component]
pub fn RequireOrganization(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense>
            {move || session.get().map(|result| match result {
                Ok(SessionInfo { user: Some(user), .. }) if user.password_expired => {
                    view! { <Redirect path="/password/expired" /> }.into_any()
                }
                Ok(SessionInfo { user: Some(user), .. }) if user.organization.is_some() => {
                    match gate(&user, &use_location().pathname.get_untracked()) {
                        Some(Gate::Go(path)) => view! { <Redirect path /> }.into_any(),
                        Some(Gate::Suspended) => view! {
                            <h1>"Access Suspended"</h1>
                            <p role="alert" class="error-summary">{AppError::AccessSuspended.to_string()}</p>
                            <p>"Contact your office's administrator."</p>
                        }.into_any(),
                        None => children.read_value()().into_any(),
                    }
                }
                Ok(SessionInfo { user: Some(_), .. }) => view! { <Redirect path="/select-organization" /> }.into_any(),
                _ => view! { <Redirect path="/login" /> }.into_any(),
            })}
        </Suspense>
    }
}

/// Shows its children only to a signed-in user (with or without an organization chosen).
#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense>
            {move || session.get().map(|result| match result {
                Ok(SessionInfo { user: Some(_), .. }) => children.read_value()().into_any(),
                _ => view! { <Redirect path="/login" /> }.into_any(),
            })}
        </Suspense>
    }
}

/// Shows its children only to plan staff; the server checks the same in every operator function.
#[component]
pub fn RequireOperator(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let children = StoredValue::new(children);
    view! {
        <Suspense>
            {move || session.get().map(|result| match result {
                Ok(SessionInfo { user: Some(user), .. }) if user.is_operator => children.read_value()().into_any(),
                Ok(SessionInfo { user: Some(_), .. }) => view! { <Redirect path="/" /> }.into_any(),
                _ => view! { <Redirect path="/login" /> }.into_any(),
            })}
        </Suspense>
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
