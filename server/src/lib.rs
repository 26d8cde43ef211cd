//! The portal's HTTP server: configuration, middleware, routes, the dev mailbox, demo data.

pub mod config;
pub mod demo;
pub mod mailbox;
pub mod middleware;
pub mod routes;
