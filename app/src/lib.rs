//! The provider portal: pages, components and server functions, shared by the server (`ssr`)
//! and the browser (`hydrate`). Each feature has its own folder.

#![recursion_limit = "256"]

pub mod access_request;
pub mod admin;
pub mod affiliations;
pub mod auth;
pub mod claims;
pub mod content;
pub mod correspondence;
pub mod dashboard;
pub mod disputes;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod downloads;
pub mod error;
pub mod layout;
pub mod members;
pub mod notifications;
pub mod operator;
pub mod org_registration;
pub mod organizations;
pub mod pins;
pub mod profile;
pub mod referrals;
mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod training;
pub mod transaction_testing;
pub mod transactions;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod uploads;

use auth::{current_session, SessionResource};
use dashboard::DashboardPage;
use layout::{Footer, Header, NotFound, PageError};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

/// The HTML document around the app, rendered on the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                {ssr::assets::page_has_app().then(|| ssr::assets::hydration_scripts(&options))}
                <link id="leptos" rel="stylesheet" href=ssr::assets::stylesheet_href(&options) />
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
    // Blocking: no part of the page is sent before the session is known, so the server can
    // redirect a signed-out visitor instead of sending a page they may not see. (The one
    // blocking resource; `SessionResource` gives it `page_resource`'s codec.)
    let session: SessionResource = Resource::new_with_options(|| (), |_| current_session(), true);
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
                    // Rendered whole once its data is in, and sent in one piece: the data is in
                    // the HTML itself, in place, so a page works before the browser app has
                    // loaded (out-of-order streaming needs a script to move late parts into
                    // place), and a page's reads take milliseconds, so streaming its head first
                    // gains nothing but a second write per page (bench/RESULTS.md).
                    <Routes fallback=|| view! { <NotFound /> }>
                        // My Dashboard is in the first download; every other page is a lazy
                        // route, fetched from its own WebAssembly chunk. (The sign-in page is sent
                        // without the app, which renders it only when it moves there in place.)
                        <Route ssr=SsrMode::Async path=path!("/") view=DashboardPage />
                        <Route ssr=SsrMode::Async path=path!("/login") view={Lazy::<routes::SignIn>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/select-organization") view={Lazy::<routes::SelectOrganization>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/join") view={Lazy::<routes::Join>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/password/set") view={Lazy::<routes::SetPassword>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/password/forgot") view={Lazy::<routes::ForgotPassword>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/passkey") view={Lazy::<routes::Passkey>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/step-up") view={Lazy::<routes::StepUp>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/password/expired") view={Lazy::<routes::ExpiredPassword>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/profile") view={Lazy::<routes::Profile>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/notifications") view={Lazy::<routes::Notifications>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/correspondence") view={Lazy::<routes::Correspondence>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/correspondence/welcome") view={Lazy::<routes::WelcomeLetter>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/tax-documents") view={Lazy::<routes::TaxDocuments>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/paperless") view={Lazy::<routes::Paperless>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/npis") view={Lazy::<routes::Npis>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/npis/:npi") view={Lazy::<routes::Npi>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/organizations/new") view={Lazy::<routes::AddOrganization>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/operator") view={Lazy::<routes::Operator>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/users") view={Lazy::<routes::UserManagement>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/new") view={Lazy::<routes::AddUser>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/:id") view={Lazy::<routes::User>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/:id/permissions") view={Lazy::<routes::PermissionWizard>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/domains") view={Lazy::<routes::Domains>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/verify") view={Lazy::<routes::VerifyUsers>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/tasks") view={Lazy::<routes::TaskList>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/admin/collections") view={Lazy::<routes::CollectionManager>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/register") view={Lazy::<routes::Register>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/training") view={Lazy::<routes::Training>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/invitation") view={Lazy::<routes::Invitation>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/email/confirm") view={Lazy::<routes::ConfirmEmail>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/affiliations") view={Lazy::<routes::Affiliations>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/transaction-testing") view={Lazy::<routes::TransactionTesting>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/transactions") view={Lazy::<routes::Transactions>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/members") view={Lazy::<routes::Members>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/members/:cin") view={Lazy::<routes::Facesheet>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/claims") view={Lazy::<routes::Claims>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/claims/disputes") view={Lazy::<routes::Disputes>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/claims/:number") view={Lazy::<routes::Claim>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/referrals") view={Lazy::<routes::Referrals>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/referrals/new") view={Lazy::<routes::SubmitReferral>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/referrals/:code") view={Lazy::<routes::Referral>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/metrics/prior-authorization") view={Lazy::<routes::PriorAuthorizationMetrics>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/resources/:page") view={Lazy::<routes::Resources>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/terms") view={Lazy::<routes::Policy>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/privacy") view={Lazy::<routes::Policy>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/portal-policy") view={Lazy::<routes::Policy>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/medical-directors") view={Lazy::<routes::Policy>::new()} />
                        <Route ssr=SsrMode::Async path=path!("/guidelines") view={Lazy::<routes::Policy>::new()} />
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer />
            {toasts}
        </Router>
    }
}
