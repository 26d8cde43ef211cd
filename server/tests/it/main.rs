//! The server's integration tests, one binary: every test gets its own copy of a database
//! loaded with the demo data once per backend (see `common`).

mod common;

mod access;
mod admin;
mod affiliations;
mod claims;
mod content;
mod correspondence;
mod dashboard;
mod delivery;
mod disputes;
mod http;
mod identity;
mod instances;
mod logs;
mod matrix;
mod members;
mod notifications;
mod npis;
mod operator;
mod referrals;
mod security;
mod serving;
mod transaction_testing;
mod transactions;
mod uploads;
