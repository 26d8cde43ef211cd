//! The authorization matrix, on every database backend: each demo user, in each organization
//! they work in, calls each protected server function about each user and each NPI there is.
//! What they get is derived from the memberships and grants in the database: no access where
//! none was granted, 403 for a function their role may not use, 404 for what belongs to
//! another organization.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

struct Seat {
    email: String,
    cookie: String,
    organization_id: Option<i64>,
    admin: bool,
    operator: bool,
    membership_id: Option<i64>,
}

async fn call_json(site: &Site, path: &str, body: Value, cookie: &str) -> StatusCode {
    site.send(post_json(path, body, Some(cookie)))
        .await
        .status()
}

/// Every demo user signed in to each organization where they are active (plan staff: none).
async fn seats(site: &Site) -> Vec<Seat> {
    let db = &site.state.db.pool;
    let users: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, email, is_operator FROM users WHERE password_hash IS NOT NULL ORDER BY id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let mut seats = Vec::new();
    for (user_id, email, operator) in users {
        let (status, cookie, _) = log_in(site, &email, DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{email}");
        let cookie = cookie.unwrap();
        let memberships: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT id, organization_id, org_role FROM memberships WHERE user_id = $1 AND status = 'active' ORDER BY organization_id",
        )
        .bind(user_id)
        .fetch_all(db)
        .await
        .unwrap();
        if memberships.is_empty() {
            seats.push(Seat {
                email,
                cookie,
                organization_id: None,
                admin: false,
                operator: operator == 1,
                membership_id: None,
            });
            continue;
        }
        for (membership_id, organization_id, role) in memberships {
            // A switch renews the session ID, so each organization gets its own sign-in.
            let (_, cookie, _) = log_in(site, &email, DEMO_PASSWORD).await;
            let cookie = cookie.unwrap();
            let (status, switched) = site
                .post(
                    "/api/switch-organization",
                    &format!("organization_id={organization_id}"),
                    Some(&cookie),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            let cookie = cookie_from(&switched, "portal_session").unwrap();
            seats.push(Seat {
                email: email.clone(),
                cookie,
                organization_id: Some(organization_id),
                admin: role == "admin",
                operator: operator == 1,
                membership_id: Some(membership_id),
            });
        }
    }
    seats
}

#[tokio::test]
async fn no_access_where_none_was_granted() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let seats = seats(&site).await;
        assert!(
            seats.len() >= 8,
            "every demo user and organization: {}",
            seats.len()
        );
        let all_users: Vec<i64> = sqlx::query_scalar("SELECT id FROM users ORDER BY id")
            .fetch_all(db)
            .await
            .unwrap();
        let all_providers: Vec<(i64, i64)> =
            sqlx::query_as("SELECT id, organization_id FROM providers ORDER BY id")
                .fetch_all(db)
                .await
                .unwrap();
        let mut checked = 0usize;

        // Functions about the caller's organization as a whole.
        let admin_only = [
            ("/api/admin/users", "search="),
            ("/api/admin/domains", ""),
            ("/api/admin/verify/summary", ""),
            ("/api/admin/verify", ""),
            ("/api/admin/tasks", ""),
            (
                "/api/admin/collections",
                "providers=&tin=&users=&status=&role=",
            ),
        ];
        let operator_only = [
            ("/api/operator/enrolled", ""),
            ("/api/operator/offices", ""),
            ("/api/operator/overdue-requests", ""),
        ];
        for (path, body) in admin_only.iter().chain(operator_only.iter()) {
            let (status, _) = form(&site, path, body, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} signed out");
        }
        for seat in &seats {
            for (path, body) in admin_only {
                let (status, _) = form(&site, path, body, Some(&seat.cookie)).await;
                let expected = if seat.admin {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(
                    status, expected,
                    "{} in {:?}: {path}",
                    seat.email, seat.organization_id
                );
                checked += 1;
            }
            for (path, body) in operator_only {
                let (status, _) = form(&site, path, body, Some(&seat.cookie)).await;
                let expected = if seat.operator {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(status, expected, "{}: {path}", seat.email);
                checked += 1;
            }
            // Adding a user: refused before the form is even read, unless an admin (who gets
            // the form's errors, so nothing is created).
            let status = call_json(&site, "/api/admin/users/add", json!({ "form": { "email": "", "first_name": "", "last_name": "", "mobile": "", "business": "" } }), &seat.cookie).await;
            let expected = if seat.admin {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{}: add user", seat.email);
        }

        // Functions about one user: only users of the caller's organization exist for them.
        for seat in seats.iter().filter(|s| s.organization_id.is_some()) {
            let members: BTreeSet<i64> = sqlx::query_scalar("SELECT user_id FROM memberships WHERE organization_id = $1 AND status <> 'removed'")
                .bind(seat.organization_id)
                .fetch_all(db)
                .await
                .unwrap()
                .into_iter()
                .collect();
            for target in &all_users {
                let expected = match (seat.admin, members.contains(target)) {
                    (false, _) => StatusCode::FORBIDDEN,
                    (true, true) => StatusCode::OK,
                    (true, false) => StatusCode::NOT_FOUND,
                };
                for path in ["/api/admin/users/detail", "/api/admin/wizard"] {
                    let (status, _) = form(
                        &site,
                        path,
                        &format!("user_id={target}"),
                        Some(&seat.cookie),
                    )
                    .await;
                    assert_eq!(status, expected, "{} → user {target}: {path}", seat.email);
                    checked += 1;
                }
                // Reactivating an active user changes nothing: 409 where allowed at all.
                let (status, _) = form(
                    &site,
                    "/api/admin/users/status",
                    &format!("user_id={target}&active=true"),
                    Some(&seat.cookie),
                )
                .await;
                let expected = if expected == StatusCode::OK {
                    StatusCode::CONFLICT
                } else {
                    expected
                };
                assert_eq!(
                    status, expected,
                    "{} → user {target}: reactivate",
                    seat.email
                );
                checked += 1;
            }
        }

        // Functions about one NPI: only the organization's own NPIs exist for its admins.
        for seat in seats.iter().filter(|s| s.organization_id.is_some()) {
            let me: i64 = sqlx::query_scalar("SELECT user_id FROM memberships WHERE id = $1")
                .bind(seat.membership_id)
                .fetch_one(db)
                .await
                .unwrap();
            for (provider, organization) in &all_providers {
                let set = json!({ "npis": { provider.to_string(): "Processor" }, "correspondence": {}, "org_role": "Admin",
                    "preset": "CustomSetup", "modules": [], "position": "", "position_other": "" });
                let status = call_json(
                    &site,
                    "/api/admin/wizard/save",
                    json!({ "user_id": me, "step": 1, "set": set }),
                    &seat.cookie,
                )
                .await;
                let expected = match (seat.admin, Some(*organization) == seat.organization_id) {
                    (false, _) => StatusCode::FORBIDDEN,
                    (true, true) => StatusCode::OK,
                    (true, false) => StatusCode::NOT_FOUND,
                };
                assert_eq!(status, expected, "{} → provider {provider}", seat.email);
                checked += 1;
            }
            // The NPIs a user sees are exactly those granted to them in that organization.
            let granted: BTreeSet<String> = sqlx::query_scalar(
                "SELECT p.npi FROM npi_permissions n JOIN providers p ON p.id = n.provider_id WHERE n.membership_id = $1",
            )
            .bind(seat.membership_id)
            .fetch_all(db)
            .await
            .unwrap()
            .into_iter()
            .collect();
            let mut shown = BTreeSet::new();
            let mut after = String::new();
            loop {
                let (status, page) =
                    form(&site, "/api/dashboard/npis", &after, Some(&seat.cookie)).await;
                assert_eq!(status, StatusCode::OK, "{}", seat.email);
                shown.extend(
                    page["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["npi"].as_str().unwrap().to_string()),
                );
                match page["next"].as_str() {
                    Some(next) => after = format!("after={next}"),
                    None => break,
                }
            }
            assert_eq!(
                shown, granted,
                "{} in {:?}",
                seat.email, seat.organization_id
            );
        }
        assert!(checked > 250, "a real matrix: {checked} checks");
    }
}
