use super::session_info::{SessionInfo, SessionResource};
use leptos::prelude::*;
use leptos_router::components::Redirect;

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
                    children.read_value()().into_any()
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
