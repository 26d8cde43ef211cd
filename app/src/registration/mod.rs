//! Registering an organization with the plan's secure token (guide 001).

#[cfg(feature = "ssr")]
pub mod tokens;
