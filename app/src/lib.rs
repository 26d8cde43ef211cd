//! The provider portal: pages, components and server functions, shared by the server (`ssr`)
//! and the browser (`hydrate`). Each feature has its own folder.

#![recursion_limit = "256"]

pub mod access_request;
pub mod admin;
pub mod auth;
pub mod correspondence;
pub mod dashboard;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod downloads;
pub mod error;
pub mod layout;
pub mod operator;
pub mod org_registration;
pub mod organizations;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod training;
pub mod ui;

use auth::{
    current_session, ForgotPasswordPage, LogInPage, PasskeyPage, SelectOrganizationPage,
    SessionResource, SetPasswordPage,
};
use dashboard::DashboardPage;
use layout::{Footer, Header, NotFound, PageError, PolicyPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use org_registration::JoinPage;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                <HashedStylesheet options id="leptos" />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Blocking: the page is not streamed before the session is known, so the server can
    // redirect a signed-out visitor instead of sending a page they may not see.
    let session: SessionResource = Resource::new_blocking(|| (), |_| current_session());
    provide_context(session);
    let toasts = ui::provide_toasts();
    view! {
        <Suspense>
            {move || {
                session.get().and_then(Result::ok).map(|s| view! { <Title text=format!("{} Provider Portal", s.program_name) /> })
            }}
        </Suspense>
        <Router>
            <Header />
            <main id="main" tabindex="-1">
                <ErrorBoundary fallback=|_| view! { <PageError /> }>
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/") view=DashboardPage />
                        <Route path=path!("/login") view=LogInPage />
                        <Route path=path!("/select-organization") view=SelectOrganizationPage />
                        <Route path=path!("/join") view=JoinPage />
                        <Route path=path!("/password/set") view=SetPasswordPage />
                        <Route path=path!("/password/forgot") view=ForgotPasswordPage />
                        <Route path=path!("/passkey") view=PasskeyPage />
                        <Route path=path!("/password/expired") view=auth::ExpiredPasswordPage />
                        <Route path=path!("/profile") view=profile::ProfilePage />
                        <Route path=path!("/organizations/new") view=organizations::AddOrganizationPage />
                        <Route path=path!("/operator") view=operator::OperatorPage />
                        <Route path=path!("/admin/users") view=admin::UserManagementPage />
                        <Route path=path!("/admin/users/new") view=admin::AddUserPage />
                        <Route path=path!("/admin/users/:id") view=admin::UserPage />
                        <Route path=path!("/admin/users/:id/permissions") view=admin::PermissionWizardPage />
                        <Route path=path!("/admin/domains") view=admin::DomainsPage />
                        <Route path=path!("/admin/verify") view=admin::VerifyUsersPage />
                        <Route path=path!("/admin/tasks") view=admin::TaskListPage />
                        <Route path=path!("/admin/collections") view=admin::CollectionManagerPage />
                        <Route path=path!("/register") view=access_request::RegisterPage />
                        <Route path=path!("/training") view=training::TrainingPage />
                        <Route path=path!("/invitation") view=admin::InvitationPage />
                        <Route path=path!("/email/confirm") view=admin::ConfirmEmailPage />
                        <Route path=path!("/terms") view=PolicyPage />
                        <Route path=path!("/privacy") view=PolicyPage />
                        <Route path=path!("/portal-policy") view=PolicyPage />
                        <Route path=path!("/medical-directors") view=PolicyPage />
                        <Route path=path!("/guidelines") view=PolicyPage />
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer />
            {toasts}
        </Router>
    }
}
