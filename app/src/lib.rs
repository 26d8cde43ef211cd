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
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod training;
pub mod transaction_testing;
pub mod transactions;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod uploads;

use dashboard::DashboardPage;
use layout::{Footer, Header, NotFound, PageError};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

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
    let toasts = ui::provide_toasts();
    view! {
        <Title text=format!("{} Provider Portal", ui::program_name()) />
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
                        // Every page is rendered here, on the server; the browser runs only
                        // the islands in it (see `ui::gate`), so no page's code is downloaded.
                        <Route ssr=SsrMode::Async path=path!("/") view=DashboardPage />
                        <Route ssr=SsrMode::Async path=path!("/login") view=crate::auth::LogInPage />
                        <Route ssr=SsrMode::Async path=path!("/select-organization") view=crate::auth::SelectOrganizationPage />
                        <Route ssr=SsrMode::Async path=path!("/join") view=crate::org_registration::JoinPage />
                        <Route ssr=SsrMode::Async path=path!("/password/set") view=crate::auth::SetPasswordPage />
                        <Route ssr=SsrMode::Async path=path!("/password/forgot") view=crate::auth::ForgotPasswordPage />
                        <Route ssr=SsrMode::Async path=path!("/passkey") view=crate::auth::PasskeyPage />
                        <Route ssr=SsrMode::Async path=path!("/step-up") view=crate::auth::step_up::StepUpPage />
                        <Route ssr=SsrMode::Async path=path!("/password/expired") view=crate::auth::ExpiredPasswordPage />
                        <Route ssr=SsrMode::Async path=path!("/profile") view=crate::profile::ProfilePage />
                        <Route ssr=SsrMode::Async path=path!("/notifications") view=crate::notifications::NotificationsPage />
                        <Route ssr=SsrMode::Async path=path!("/correspondence") view=crate::correspondence::CorrespondencePage />
                        <Route ssr=SsrMode::Async path=path!("/correspondence/welcome") view=crate::correspondence::WelcomeLetterPage />
                        <Route ssr=SsrMode::Async path=path!("/tax-documents") view=crate::correspondence::TaxDocumentsPage />
                        <Route ssr=SsrMode::Async path=path!("/paperless") view=crate::dashboard::PaperlessPage />
                        <Route ssr=SsrMode::Async path=path!("/npis") view=crate::pins::NpisPage />
                        <Route ssr=SsrMode::Async path=path!("/npis/:npi") view=crate::pins::NpiPage />
                        <Route ssr=SsrMode::Async path=path!("/organizations/new") view=crate::organizations::AddOrganizationPage />
                        <Route ssr=SsrMode::Async path=path!("/operator") view=crate::operator::OperatorPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/users") view=crate::admin::UserManagementPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/new") view=crate::admin::AddUserPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/:id") view=crate::admin::UserPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/users/:id/permissions") view=crate::admin::PermissionWizardPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/domains") view=crate::admin::DomainsPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/verify") view=crate::admin::VerifyUsersPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/tasks") view=crate::admin::TaskListPage />
                        <Route ssr=SsrMode::Async path=path!("/admin/collections") view=crate::admin::CollectionManagerPage />
                        <Route ssr=SsrMode::Async path=path!("/register") view=crate::access_request::RegisterPage />
                        <Route ssr=SsrMode::Async path=path!("/training") view=crate::training::TrainingPage />
                        <Route ssr=SsrMode::Async path=path!("/invitation") view=crate::admin::InvitationPage />
                        <Route ssr=SsrMode::Async path=path!("/email/confirm") view=crate::admin::ConfirmEmailPage />
                        <Route ssr=SsrMode::Async path=path!("/affiliations") view=crate::affiliations::AffiliationsPage />
                        <Route ssr=SsrMode::Async path=path!("/transaction-testing") view=crate::transaction_testing::TransactionTestingPage />
                        <Route ssr=SsrMode::Async path=path!("/transactions") view=crate::transactions::TransactionsPage />
                        <Route ssr=SsrMode::Async path=path!("/members") view=crate::members::MembersPage />
                        <Route ssr=SsrMode::Async path=path!("/members/:cin") view=crate::members::FacesheetPage />
                        <Route ssr=SsrMode::Async path=path!("/claims") view=crate::claims::ClaimsPage />
                        <Route ssr=SsrMode::Async path=path!("/claims/disputes") view=crate::disputes::DisputeLookupPage />
                        <Route ssr=SsrMode::Async path=path!("/claims/:number") view=crate::claims::ClaimPage />
                        <Route ssr=SsrMode::Async path=path!("/referrals") view=crate::referrals::ReferralsPage />
                        <Route ssr=SsrMode::Async path=path!("/referrals/new") view=crate::referrals::SubmitReferralPage />
                        <Route ssr=SsrMode::Async path=path!("/referrals/:code") view=crate::referrals::ReferralPage />
                        <Route ssr=SsrMode::Async path=path!("/metrics/prior-authorization") view=crate::referrals::MetricsPage />
                        <Route ssr=SsrMode::Async path=path!("/resources/:page") view=crate::content::AdditionalResourcePage />
                        <Route ssr=SsrMode::Async path=path!("/terms") view=crate::layout::PolicyPage />
                        <Route ssr=SsrMode::Async path=path!("/privacy") view=crate::layout::PolicyPage />
                        <Route ssr=SsrMode::Async path=path!("/portal-policy") view=crate::layout::PolicyPage />
                        <Route ssr=SsrMode::Async path=path!("/medical-directors") view=crate::layout::PolicyPage />
                        <Route ssr=SsrMode::Async path=path!("/guidelines") view=crate::layout::PolicyPage />
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer />
            {toasts}
        </Router>
    }
}
