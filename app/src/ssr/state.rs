use super::clock::SharedClock;
use super::db::Db;
use super::settings::Settings;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// Everything a request needs, handed to axum handlers and to server functions (as context).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<Settings>,
    pub clock: SharedClock,
    /// Work answered before it is done (see [`super::background`]).
    pub background: super::background::Background,
}
