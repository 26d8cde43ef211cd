//! Who is signed in, in which organization, and what they may do.

pub mod password_policy;
pub mod permissions;
mod require;
mod session_info;
mod sign_in;

pub use require::RequireOrganization;
pub use session_info::{
    current_session, switch_organization, OrganizationChoice, SessionInfo, SessionResource,
    SignedInUser,
};
pub use sign_in::{LogInPage, SelectOrganizationPage, SignOutButton, SIGN_IN_FAILED};
