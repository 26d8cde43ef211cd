//! Who is signed in, in which organization, and what they may do.

pub mod authenticator;
mod idle;
pub(crate) mod password;
pub mod password_policy;
#[cfg(feature = "ssr")]
mod repo;
mod require;
mod session_info;
#[cfg(feature = "ssr")]
pub(crate) use session_info::ssr as session_info_ssr;
#[cfg(feature = "ssr")]
pub use session_info::ssr::read_page_session;
pub(crate) mod sign_in;
pub mod step_up;

pub use idle::IdleTimeout;
pub use password::{
    change_password, check_passkey, ChangePassword, ExpiredPasswordPage, ForgotPasswordPage,
    PasskeyPage, PasswordChecklist, SetPasswordPage,
};
pub use require::{NoAccess, PageAccess, Require};
pub use session_info::{
    current_session, page_session, switch_organization, OrganizationChoice, PageSession,
    SessionInfo, SignedInUser, SwitchOrganization,
};
pub use sign_in::{LogIn, LogInPage, SelectOrganizationPage, SignOutButton, SIGN_IN_FAILED};
