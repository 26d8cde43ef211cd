//! Access requests (guide 002 §I and §IV.4, guide 004 §III). A person asks to join a provider
//! office — as a new user ("Register as a New User": details → emailed passcode, 15 minutes →
//! terms → find the provider → "Submit") or, signed in, from "My Collections". The office's
//! Org Admins are told and decide in their "Task List"; the requester is emailed the result,
//! and an accepted new user sets a password from an emailed link. The "Collection Manager"
//! lets an administrator of one or more offices search their providers and users.

mod collections;
mod request;
#[cfg(feature = "ssr")]
pub mod ssr;
mod tasks;

use crate::domain::permissions::{Module, RolePreset};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

pub use collections::{CollectionManagerPage, MyCollections};
pub use request::RegisterPage;
pub use tasks::TaskListPage;

/// "Request Access".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestForm {
    pub first_name: String,
    pub last_name: String,
    pub provider_address: String,
    pub mobile: String,
    pub email: String,
    pub position: String,
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

/// A request in the Task List.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub provider: String,
    pub submitted: String,
    /// The requester already has an account (a "My Collections" request).
    pub existing_user: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub row: TaskRow,
    pub mobile: String,
    pub provider_address: String,
    pub position: String,
    pub position_other: String,
}

/// The Org Admin's answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub accept: bool,
    pub preset: RolePreset,
    pub modules: Vec<Module>,
    pub position: String,
    pub position_other: String,
    /// Required to decline.
    pub reason: String,
}

/// One row of "My Collections".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionRow {
    pub organization_id: i64,
    pub name: String,
    pub status: String,
    pub is_default: bool,
}

/// "Collection Manager": the providers and users of every office the caller administers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionData {
    pub tins: Vec<String>,
    pub providers: Vec<CollectionProvider>,
    pub users: Vec<CollectionUser>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionProvider {
    pub name: String,
    pub npi: String,
    pub tin: String,
    pub organization: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionUser {
    pub name: String,
    pub email: String,
    pub role: String,
    pub status: String,
    pub organization: String,
}

#[server(endpoint = "access/step")]
pub async fn access_request_step() -> Result<RequestStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::current_step(visitor).await
}

#[server(endpoint = "access/start", input = Json)]
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

#[server(endpoint = "admin/tasks")]
pub async fn task_list() -> Result<Vec<TaskRow>, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::tasks(admin).await
}

#[server(endpoint = "admin/tasks/detail")]
pub async fn load_task(id: i64) -> Result<TaskDetail, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::task(admin, id).await
}

#[server(endpoint = "admin/tasks/decide", input = Json)]
pub async fn decide_task(id: i64, decision: Decision) -> Result<(), AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::decide(admin, id, decision).await
}

#[server(endpoint = "collections")]
pub async fn load_collections() -> Result<Vec<CollectionRow>, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::collections(user).await
}

#[server(endpoint = "collections/request")]
pub async fn request_collection(provider_id: i64) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::request_collection(user, provider_id).await
}

#[server(endpoint = "collections/default")]
pub async fn set_default_collection(organization_id: i64) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::set_default(user, organization_id).await
}

#[server(endpoint = "admin/collections")]
pub async fn collection_manager(
    providers: String,
    tin: String,
    users: String,
    status: String,
    role: String,
) -> Result<CollectionData, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::manager(admin, providers, tin, users, status, role).await
}
