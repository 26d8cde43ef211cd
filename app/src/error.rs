//! The one application error type, shared by server functions and the browser.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field name → the messages shown beside that field.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("We could not find what you asked for.")]
    NotFound,
    #[error("Please correct the fields marked below.")]
    Validation(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Please wait a few minutes and try again.")]
    RateLimited,
    /// The action needs a one-time passcode entered within the last few minutes.
    #[error("For your security, confirm it's you with a one-time passcode.")]
    StepUpRequired,
    /// The password is older than the plan allows; only changing it is possible.
    #[error("Your password has expired. Please create a new one.")]
    PasswordExpired,
    /// This year's training must be completed before anything else.
    #[error("Please complete this year's Provider Portal User Training first.")]
    TrainingRequired,
    /// The organization's user verification lapsed; the plan must reinstate it.
    #[error("Your organization's access is suspended because its users were not verified in time. It returns when the plan reinstates your office.")]
    AccessSuspended,
    /// Too much work is waiting (password checks): answered at once rather than queued.
    #[error("The portal is busy. Please try again in a moment.")]
    Busy,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("We could not reach the portal. Check your connection and try again.")]
    Network,
}

impl AppError {
    /// The whole error as one sentence (every field's messages), for a page that shows it in
    /// one place: an upload's answer carried back in the address.
    pub fn sentence(&self) -> String {
        match self {
            AppError::Validation(fields) => fields
                .values()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        }
    }

    /// A validation error for one field.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.insert(name.to_string(), vec![message.into()]);
        AppError::Validation(errors)
    }

    /// The messages for one field, if this is a validation error naming it.
    pub fn field_messages(&self, name: &str) -> Vec<String> {
        match self {
            AppError::Validation(errors) => errors.get(name).cloned().unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden
            | AppError::StepUpRequired
            | AppError::PasswordExpired
            | AppError::TrainingRequired
            | AppError::AccessSuspended => 403,
            AppError::NotFound => 404,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited => 429,
            AppError::Busy => 503,
            AppError::Internal | AppError::Network => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            _ => AppError::Internal,
        }
    }
}

/// Collects field errors while validating a form, so every wrong field is reported at once.
#[derive(Debug, Default)]
pub struct Checker {
    errors: FieldErrors,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one field; on failure records the message under `name`.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        name: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(name, error.to_string());
                None
            }
        }
    }

    pub fn add(&mut self, name: &str, message: impl Into<String>) {
        self.errors
            .entry(name.to_string())
            .or_default()
            .push(message.into());
    }

    /// `Ok(())` when nothing failed, otherwise the collected validation error.
    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}
