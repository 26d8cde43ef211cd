//! The lazy routes: each page here comes to the browser in its own WebAssembly chunk, loaded
//! when the page is first visited (split by `cargo leptos build --split`). The server renders
//! them like any page. A new module's pages are added here from their first commit.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// `Route => page component`: a lazy route that renders the page. The page loads its own data.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        #[derive(Debug)]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    SignIn => crate::auth::LogInPage,
    SelectOrganization => crate::auth::SelectOrganizationPage,
    Join => crate::org_registration::JoinPage,
    SetPassword => crate::auth::SetPasswordPage,
    ForgotPassword => crate::auth::ForgotPasswordPage,
    Passkey => crate::auth::PasskeyPage,
    StepUp => crate::auth::step_up::StepUpPage,
    ExpiredPassword => crate::auth::ExpiredPasswordPage,
    Profile => crate::profile::ProfilePage,
    AddOrganization => crate::organizations::AddOrganizationPage,
    Operator => crate::operator::OperatorPage,
    UserManagement => crate::admin::UserManagementPage,
    AddUser => crate::admin::AddUserPage,
    User => crate::admin::UserPage,
    PermissionWizard => crate::admin::PermissionWizardPage,
    Domains => crate::admin::DomainsPage,
    VerifyUsers => crate::admin::VerifyUsersPage,
    TaskList => crate::admin::TaskListPage,
    CollectionManager => crate::admin::CollectionManagerPage,
    Register => crate::access_request::RegisterPage,
    Training => crate::training::TrainingPage,
    Invitation => crate::admin::InvitationPage,
    ConfirmEmail => crate::admin::ConfirmEmailPage,
    Policy => crate::layout::PolicyPage,
    Resources => crate::content::AdditionalResourcePage,
    Transactions => crate::transactions::TransactionsPage,
    TransactionTesting => crate::transaction_testing::TransactionTestingPage,
    Affiliations => crate::affiliations::AffiliationsPage,
    Notifications => crate::notifications::NotificationsPage,
    Paperless => crate::dashboard::PaperlessPage,
    Npis => crate::pins::NpisPage,
    Npi => crate::pins::NpiPage,
    Correspondence => crate::correspondence::CorrespondencePage,
    WelcomeLetter => crate::correspondence::WelcomeLetterPage,
    TaxDocuments => crate::correspondence::TaxDocumentsPage,
    Members => crate::members::MembersPage,
    Facesheet => crate::members::FacesheetPage,
    Claims => crate::claims::ClaimsPage,
    Claim => crate::claims::ClaimPage,
    Disputes => crate::disputes::DisputeLookupPage,
    Referrals => crate::referrals::ReferralsPage,
    SubmitReferral => crate::referrals::SubmitReferralPage,
    Referral => crate::referrals::ReferralPage,
    PriorAuthorizationMetrics => crate::referrals::MetricsPage,
}
