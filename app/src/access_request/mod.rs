//! "Register as a New User" (guide 002 §I): a person without an account asks to join a
//! provider office — details → emailed passcode (15 minutes) → terms → find the provider →
//! "Submit". The office's Org Admins decide in their "Task List" (`admin::tasks`); signed-in
//! users ask from "My Collections" (`profile::collections`).

#[cfg(feature = "ssr")]
mod repo;
mod request;
#[cfg(feature = "ssr")]
pub mod ssr;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use request::{
    provider_search, ProviderChoices, ProviderResults, ProviderSearch, RegisterPage,
};

/// "Request Access".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestForm {
    pub first_name: String,
    pub last_name: String,
    pub provider_address: String,
    pub mobile: String,
    pub email: String,
    pub position: String,
    /// Posted only when the position is "Other" (the browser app hides the field otherwise).
    #[serde(default)]
    pub position_other: String,
}

/// Where a new user's request stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RequestStep {
    Form,
    Verify { email: String },
    Terms,
    Provider,
    Review { summary: Vec<(String, String)> },
    ThankYou,
}

/// A provider found by "Find Your Provider" or "Add New Provider".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderHit {
    pub provider_id: i64,
    pub name: String,
    pub npi: String,
    pub city: String,
    pub organization: String,
}

#[server(endpoint = "access/step")]
pub async fn access_request_step() -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::current_step(visitor).await
}

#[server(endpoint = "access/start")]
pub async fn start_access_request(form: RequestForm) -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::start(visitor, form).await
}

#[server(endpoint = "access/resend")]
pub async fn resend_access_passcode() -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::resend(visitor).await
}

#[server(endpoint = "access/verify")]
pub async fn verify_access_passcode(code: String) -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::verify(visitor, code).await
}

#[server(endpoint = "access/terms")]
pub async fn accept_access_terms() -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::accept_terms(visitor).await
}

#[server(endpoint = "access/providers")]
pub async fn search_providers(
    group: bool,
    name: String,
    tax_id: String,
) -> Result<Vec<ProviderHit>, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::search_providers(visitor, group, name, tax_id).await
}

#[server(endpoint = "access/provider")]
pub async fn choose_provider(provider_id: i64) -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::choose_provider(visitor, provider_id).await
}

#[server(endpoint = "access/submit")]
pub async fn submit_access_request() -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::submit(visitor).await
}
