//! Every upload route: multipart POSTs under `/uploads/`, each handler in its feature's folder,
//! authorized by a guard scope taken as an axum extractor before the body is read, its body
//! limited for the files it takes. Files go through `ssr::uploads`. Like the downloads, this
//! list is the router, and the authorization matrix walks it.

use crate::ssr::uploads::{body_limit, ATTACHMENTS, PDF};
use crate::ssr::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{post, MethodRouter};
use axum::Router;

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (
            "/uploads/operator/correspondence",
            post(crate::operator::publish::ssr::upload)
                .layer(DefaultBodyLimit::max(body_limit(&PDF, 1))),
        ),
        (
            "/uploads/disputes",
            post(crate::disputes::ssr::upload)
                .layer(DefaultBodyLimit::max(body_limit(&ATTACHMENTS, 1))),
        ),
        (
            "/uploads/referrals",
            post(crate::referrals::ssr::upload)
                .layer(DefaultBodyLimit::max(body_limit(&ATTACHMENTS, 1))),
        ),
        (
            "/uploads/transaction-testing",
            post(crate::transaction_testing::ssr::submit).layer(DefaultBodyLimit::max(body_limit(
                &crate::transaction_testing::ssr::TEST_FILES,
                1,
            ))),
        ),
    ]
}

pub fn router() -> Router<AppState> {
    routes()
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        })
}
