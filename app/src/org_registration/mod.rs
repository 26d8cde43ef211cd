//! Registering an organization with the plan's secure token (guide 001, "Register a Provider
//! Organization"): token → terms → account information → one-time passcode → conditions of use
//! → "Registration Complete" and an emailed "Set your new password" link. The draft lives on the
//! server, keyed by a cookie, so a reload resumes at the same step.

#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub(crate) mod ssr;
#[cfg(feature = "ssr")]
pub mod tokens;
mod view;

pub use view::{JoinPage, RegistrationComplete};

use crate::domain::ContactMethod;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a registration stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// No registration under way: ask for the secure token.
    Token,
    Terms,
    Account,
    /// Choose SMS or voice for the passcode.
    PasscodeChoose {
        last4: String,
    },
    /// Type the passcode sent.
    PasscodeEnter {
        prefix: String,
        last4: String,
    },
    Conditions,
    Complete {
        email: String,
        /// How long the emailed "Set your new password" link works.
        minutes: i64,
    },
}

/// The "Account Information" form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountForm {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub tax_id: String,
    pub zip: String,
    pub contact_email: String,
    pub phone: String,
    /// "sms" or "voice".
    pub channel: ContactMethod,
}

#[server(endpoint = "registration/step")]
pub async fn registration_step() -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::current_step(visitor).await
}

#[server(endpoint = "registration/token")]
pub async fn submit_token(token: String) -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::submit_token(visitor, token).await
}

#[server(endpoint = "registration/terms")]
pub async fn accept_terms(
    #[server(default)] agree: bool,
    #[server(default)] authorized: bool,
) -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::accept_terms(visitor, agree, authorized).await
}

#[server(endpoint = "registration/account")]
pub async fn submit_account(form: AccountForm) -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::submit_account(visitor, form).await
}

#[server(endpoint = "registration/send-passcode")]
pub async fn send_registration_passcode(
    channel: ContactMethod,
    phone: Option<String>,
) -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::send_passcode(visitor, channel, phone).await
}

/// "Resend one-time passcode": back to choosing how it comes.
#[server(endpoint = "registration/choose-passcode")]
pub async fn choose_registration_passcode() -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::choose_again(visitor).await
}

#[server(endpoint = "registration/verify-passcode")]
pub async fn verify_registration_passcode(code: String) -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::verify_passcode(visitor, code).await
}

#[server(endpoint = "registration/conditions")]
pub async fn accept_conditions(
    #[server(default)] attest: bool,
    #[server(default)] agree: bool,
) -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::accept_conditions(visitor, attest, agree).await
}

/// "Cancel": forgets the registration under way.
#[server(endpoint = "registration/cancel")]
pub async fn cancel_registration() -> Result<Step, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::cancel(visitor).await
}
