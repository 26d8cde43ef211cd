//! Every download route: plain GET routes under `/downloads/`, each handler in its feature's
//! folder, authorized by a guard scope taken as an axum extractor and audited, exactly like a
//! server function. This list is the router: the authorization matrix walks it, so a route
//! cannot be added without being checked.

use crate::ssr::AppState;
use axum::routing::{get, MethodRouter};
use axum::Router;

pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (
            "/downloads/registration-letter",
            get(crate::admin::letters::registration_letter),
        ),
        (
            "/downloads/npis/pe-agreement",
            get(crate::pins::ssr::pe_agreement_pdf),
        ),
        (
            "/downloads/correspondence/pdf",
            get(crate::correspondence::downloads::pdf),
        ),
        (
            "/downloads/correspondence/zip",
            get(crate::correspondence::downloads::zip),
        ),
        ("/downloads/claims/csv", get(crate::claims::downloads::csv)),
        (
            "/downloads/claims/ra",
            get(crate::claims::downloads::remittance_advice),
        ),
        (
            "/downloads/claims/printable",
            get(crate::claims::downloads::printable),
        ),
        ("/downloads/disputes/file", get(crate::disputes::ssr::file)),
        (
            "/downloads/disputes/letter",
            get(crate::disputes::ssr::letter),
        ),
        (
            "/downloads/referrals/file",
            get(crate::referrals::ssr::file),
        ),
        (
            "/downloads/metrics/prior-authorization",
            get(crate::referrals::metrics::ssr::csv),
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
