//! The portal's HTTP server: configuration, middleware, routes, the dev mailbox, message
//! delivery, demo data.

// Release builds render typed views, whose types nest deeper than the default limit allows.
#![recursion_limit = "256"]

pub mod bench;
pub mod config;
pub mod delivery;
pub mod demo;
pub mod keys;
pub mod mailbox;
pub mod middleware;
pub mod page_tasks;
pub mod pkg;
pub mod routes;
