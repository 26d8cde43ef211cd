//! The frame around every page: header with navigation, footer, and the pages every site has.

mod policy;

pub use policy::PolicyPage;

use crate::auth::{page_session, IdleTimeout, SignOutButton, SwitchOrganization};
use crate::ui::{program_name, MenuButton, MenuItem};
use leptos::prelude::*;

/// Where the organization menu posts.
const SWITCH_ORGANIZATION: &str = <SwitchOrganization as leptos::server_fn::ServerFn>::PATH;

#[component]
pub fn Header() -> impl IntoView {
    // The session is read before the page renders: the header shows the user at once.
    let session = page_session();
    let user = session.user().map(|user| {
        // Picking an organization posts the switch; the server answers with My Dashboard of
        // that organization, a whole page built for the new session.
        let mut items: Vec<MenuItem> = user
            .organizations
            .iter()
            .map(|org| {
                MenuItem::submit(org.name.clone(), SWITCH_ORGANIZATION)
                    .with_field("organization_id", org.id.to_string())
            })
            .collect();
        items.push(MenuItem::link("Add a New Organization", "/organizations/new"));
        view! {
            <nav class="site-nav" aria-label="Main">
                <a href="/">"My Dashboard"</a>
                <a href="/notifications">"Notifications"</a>
            </nav>
            <div class="account">
                <span class="who">
                    {user.name.clone()}
                    {user.organization.clone().map(|o| view! { <span class="org-name">{o.name}</span> })}
                </span>
                <form method="post" action=SWITCH_ORGANIZATION class="switch-organization">
                    <MenuButton label="Add or Switch Organization" items closed=true />
                </form>
                <SignOutButton />
                <IdleTimeout idle_seconds=user.idle_seconds />
            </div>
        }
    });
    view! {
        <header class="site-header">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <a class="brand" href="/">{format!("{} Provider Portal", program_name())}</a>
            {user}
        </header>
    }
}

/// The footer links of guide 003 ("Portal footer").
pub const FOOTER_PAGES: [(&str, &str); 5] = [
    ("/terms", "Terms Of Use"),
    ("/privacy", "Website Privacy Policy"),
    ("/portal-policy", "Provider Portal Policy"),
    ("/medical-directors", "Medical Director Contact Information"),
    ("/guidelines", "Guidelines"),
];

#[component]
pub fn Footer() -> impl IntoView {
    // The program's name is a setting of the server, known before anything loads: read at
    // once, the footer needs no `Suspense` (one fewer to walk on every page), nor the brand.
    let program = program_name();
    view! {
        <footer class="site-footer">
            <nav aria-label="Footer">
                <ul>
                    {FOOTER_PAGES
                        .iter()
                        .map(|(href, label)| {
                            let text = if *label == "Guidelines" { format!("{program} Guidelines") } else { label.to_string() };
                            view! { <li><a href=*href>{text}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </footer>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"Page Not Found"</h1>
        <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
        <p><a href="/">"Go to My Dashboard"</a></p>
    }
}

/// Shown when a page fails to render; the cause is logged on the server, never shown.
#[component]
pub fn PageError() -> impl IntoView {
    view! {
        <div role="alert" class="error-summary">
            <h1>"Something went wrong"</h1>
            <p>"This page could not be shown. Please try again, or go back to "<a href="/">"My Dashboard"</a>"."</p>
        </div>
    }
}
