//! The authorization matrix, on every database backend: each demo user, in each organization
//! they work in, calls each protected server function about each user and each NPI there is.
//! What they get is derived from the memberships and grants in the database: no access where
//! none was granted, 403 for a function their role may not use, 404 for what belongs to
//! another organization.

use crate::common::*;
use axum::http::StatusCode;
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
            let (status, _) = form(
                &site,
                "/api/admin/users/add",
                "form[email]=&form[first_name]=&form[last_name]=&form[mobile]=&form[business]=",
                Some(&seat.cookie),
            )
            .await;
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
                let (status, _) = form(
                    &site,
                    "/api/admin/wizard/save",
                    &format!("user_id={me}&from=0&to=1&form[npi][{provider}]=processor"),
                    Some(&seat.cookie),
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
                let (status, dashboard) =
                    form(&site, "/api/dashboard", &after, Some(&seat.cookie)).await;
                assert_eq!(status, StatusCode::OK, "{}", seat.email);
                let page = &dashboard["npis"];
                shown.extend(
                    page["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r["npi"].as_str().unwrap().to_string()),
                );
                match page["next"].as_str() {
                    Some(next) => after = format!("npis_after={next}"),
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

/// A request that reaches the body of an endpoint: arguments that deserialize and that, once
/// admitted, do no harm (ids that exist nowhere, inputs the body refuses). `None`: the
/// endpoint is new and needs a line here.
fn sample(path: &str) -> Option<(&'static str, Value)> {
    Some(match path {
        // Form-encoded (the default).
        "/api/session"
        // The probes of `serving`: loads shared, an answer in two writes.
        | "/api/test/loads-twice"
        | "/api/test/in-pieces"
        | "/api/session/keep-alive"
        | "/api/log-out"
        | "/api/registration/step"
        | "/api/registration/cancel"
        | "/api/access/step"
        | "/api/access/resend"
        | "/api/access/terms"
        | "/api/access/submit"
        | "/api/dashboard"
        | "/api/admin/domains"
        | "/api/admin/verify/summary"
        | "/api/admin/verify"
        | "/api/admin/tasks"
        | "/api/collections"
        | "/api/training"
        | "/api/operator/offices"
        | "/api/operator/enrolled"
        | "/api/operator/overdue-requests"
        | "/api/operator/offices/registered"
        | "/api/profile"
        | "/api/authenticator/start"
        | "/api/authenticator/pending"
        | "/api/profile/passkey" => ("form", json!("")),
        "/api/npis" => ("form", json!("search=")),
        "/api/paperless" | "/api/paperless/enroll" => ("form", json!("")),
        "/api/notifications" => ("form", json!("search=&start=&end=")),
        "/api/correspondence/options"
        | "/api/correspondence/new"
        | "/api/correspondence/recent"
        | "/api/tax-documents"
        | "/api/tax-documents/consent"
        | "/api/tax-documents/withdraw" => ("form", json!("")),
        "/api/correspondence/search" => (
            "form",
            json!("criteria[npi]=&criteria[correspondence_type]=&criteria[range]=&criteria[start]=&criteria[end]="),
        ),
        "/api/correspondence/welcome" => ("form", json!("provider_type=")),
        "/api/claims/search" => (
            "form",
            json!("search[by]=number&search[from]=&search[to]=&search[date_type]=&search[status]=&search[cin]=&search[number]=2020NOSUCH1"),
        ),
        "/api/claims/detail" => ("form", json!("number=2020NOSUCH1")),
        "/api/members/search" => (
            "form",
            json!("search[by]=id&search[member_id]=99999999Z&search[last_name]=&search[first_name]=&search[date_of_birth]=&search[city]="),
        ),
        "/api/members/facesheet" => ("form", json!("cin=99999999Z")),
        "/api/disputes/start" | "/api/disputes/submit" => ("form", json!("claim=2020NOSUCH1")),
        "/api/disputes/save" => (
            "form",
            json!("claim=2020NOSUCH1&dispute[description]=&dispute[expected_outcome]=&dispute[name]=&dispute[email]=&dispute[title]=&dispute[phone]=&dispute[fax]="),
        ),
        "/api/disputes/remove-file" => ("form", json!("claim=2020NOSUCH1&file=0")),
        "/api/disputes/search" => (
            "form",
            json!("search[by]=number&search[from]=&search[to]=&search[status]=&search[claim]=&search[number]=PDR2026999999"),
        ),
        "/api/disputes/detail" => ("form", json!("number=PDR2026999999")),
        "/api/operator/disputes" => ("form", json!("")),
        "/api/operator/disputes/acknowledge" => ("form", json!("dispute_id=0")),
        "/api/operator/disputes/resolve" => ("form", json!("dispute_id=0&resolution=x")),
        "/api/referrals/search" => (
            "form",
            json!("search[by]=code&search[number]=RF2020999999"),
        ),
        "/api/referrals/drafts" | "/api/operator/referrals" | "/api/metrics/prior-authorization" => {
            ("form", json!(""))
        }
        "/api/referrals/detail" => ("form", json!("code=RF2020999999")),
        "/api/referrals/wizard" => ("form", json!("draft=")),
        "/api/referrals/step" => ("form", json!("draft=0bad0&to=next")),
        "/api/referrals/icd" => ("form", json!("words=I10")),
        "/api/operator/referrals/decide" => ("form", json!("referral_id=0&decision=approved")),
        "/api/operator/referrals/extend" => ("form", json!("referral_id=0&reason=x")),
        "/api/operator/referrals/appeal" => ("form", json!("code=RF2020999999&note=x")),
        "/api/operator/publish" => ("form", json!("npi=&document=")),
        "/api/operator/banners" | "/api/operator/resources" => ("form", json!("")),
        "/api/transactions/npis" => ("form", json!("")),
        "/api/affiliations" => ("form", json!("")),
        "/api/affiliations/find" => ("form", json!("npi=1234567893&tax_id=941234567")),
        "/api/affiliations/request" => (
            "form",
            json!("npi=1234567893&tax_id=941234567&signing[confirm]=false&signing[first_name]=&signing[last_name]=&signing[role]="),
        ),
        "/api/affiliations/approve" => (
            "form",
            json!("id=0&signing[confirm]=false&signing[first_name]=&signing[last_name]=&signing[role]="),
        ),
        "/api/affiliations/deny" => ("form", json!("id=0")),
        "/api/affiliations/directory" => ("form", json!("listed=true")),
        "/api/npis/835-receivers" => ("form", json!("npi=1234567893")),
        "/api/npis/835-receivers/save" => ("form", json!("npi=1234567893&receiver=0")),
        "/api/transaction-testing/recent" => ("form", json!("")),
        "/api/transaction-testing/result" => ("form", json!("id=0")),
        "/api/transactions/services" => ("form", json!("npi=1234567893")),
        "/api/transactions/eligibility" => (
            "form",
            json!("npi=1234567893&inquiry[cin]=90000001B&inquiry[birth_date]=01%2F01%2F1980&inquiry[service_date]="),
        ),
        "/api/transactions/claim-status" => (
            "form",
            json!("npi=1234567893&inquiry[claim]=C-1&inquiry[cin]=&inquiry[from]=&inquiry[to]="),
        ),
        "/api/operator/banners/publish" => ("form", json!("message=&start=&end=")),
        "/api/operator/banners/expire" => ("form", json!("banner_id=0")),
        "/api/operator/resources/save" => ("form", json!("page=nowhere&body=")),
        "/api/resources/page" => ("form", json!("page=nowhere")),
        "/api/notifications/mark" => ("form", json!("id=0&read=true")),
        "/api/npis/settings" | "/api/npis/pin" | "/api/npis/pin/reset" => {
            ("form", json!("npi=1234567893"))
        }
        "/api/npis/pe-agreement/sign" => ("form", json!("npi=1234567893&name=Pat+Lee&title=Manager")),
        "/api/admin/verify/confirm"
        | "/api/log-in/step"
        | "/api/log-in/choose-passcode"
        | "/api/step-up/again"
        | "/api/registration/choose-passcode"
        | "/api/profile/sign-out-others"
        | "/api/authenticator/remove" => ("form", json!("")),
        "/api/log-in" => ("form", json!("email=nobody%40nowhere.example&password=x")),
        "/api/log-in/send-passcode" | "/api/step-up/send" => ("form", json!("channel=email")),
        "/api/log-in/verify-passcode"
        | "/api/step-up/verify"
        | "/api/access/verify"
        | "/api/registration/verify-passcode"
        | "/api/authenticator/confirm" => ("form", json!("code=000000")),
        "/api/password/forgot" => ("form", json!("email=nobody%40nowhere.example")),
        "/api/password/link"
        | "/api/password/link/again"
        | "/api/invitation"
        | "/api/invitation/resend"
        | "/api/email/confirm" => ("form", json!("t=no-such-link")),
        "/api/password/link/send" => ("form", json!("t=no-such-link&channel=email")),
        "/api/password/link/verify" | "/api/invitation/verify" => {
            ("form", json!("t=no-such-link&code=000000"))
        }
        "/api/password/set" => ("form", json!("t=no-such-link&password=x&again=y")),
        "/api/invitation/account" => (
            "form",
            json!("t=no-such-link&first_name=&last_name=&phone=&channel=email"),
        ),
        "/api/passkey" | "/api/profile/passkey/reset" => ("form", json!("passkey=&again=x")),
        "/api/registration/token" => ("form", json!("token=")),
        "/api/registration/terms" => ("form", json!("agree=false&authorized=false")),
        "/api/registration/send-passcode" => ("form", json!("channel=email")),
        "/api/registration/conditions" => ("form", json!("attest=false&agree=false")),
        "/api/access/providers" => ("form", json!("group=false&name=&tax_id=")),
        "/api/access/provider" | "/api/collections/request" => ("form", json!("provider_id=0")),
        "/api/switch-organization"
        | "/api/collections/default"
        | "/api/operator/issue-token"
        | "/api/operator/offices/reinstate"
        | "/api/operator/offices/agreement"
        | "/api/operator/offices/revoke" => ("form", json!("organization_id=0")),
        "/api/operator/offices/admin" => (
            "form",
            json!("organization_id=0&email=nobody%40nowhere.example&replace=false"),
        ),
        "/api/operator/helpdesk/find" => ("form", json!("email=nobody%40nowhere.example")),
        "/api/operator/helpdesk/passkey" => ("form", json!("user_id=0&passkey=x")),
        "/api/operator/helpdesk/reset"
        | "/api/operator/helpdesk/unlock"
        | "/api/admin/users/resend-invitation"
        | "/api/admin/users/detail"
        | "/api/admin/verify/user"
        | "/api/admin/wizard" => ("form", json!("user_id=0")),
        "/api/admin/users/status" => ("form", json!("user_id=0&active=true")),
        "/api/admin/users/email" => ("form", json!("user_id=0&email=nobody%40nowhere.example")),
        "/api/admin/users/remove" => ("form", json!("user_id=0&separation_date=&reason=")),
        "/api/admin/users" => ("form", json!("search=")),
        "/api/admin/domains/remove" => ("form", json!("domain=nowhere.example")),
        "/api/admin/tasks/detail" => ("form", json!("id=0")),
        "/api/admin/collections" => ("form", json!("providers=&tin=&users=&status=&role=")),
        "/api/dashboard/dismiss-banner" => ("form", json!("banner_id=0")),
        "/api/training/complete" => ("form", json!("completed=false")),
        "/api/profile/phone/pending" => ("form", json!("phone=")),
        "/api/profile/phone/confirm" => ("form", json!("phone=&code=000000")),
        "/api/profile/password" => ("form", json!("current=x&password=y&again=z")),
        "/api/admin/users/add" => (
            "form",
            json!("form[email]=&form[first_name]=&form[last_name]=&form[mobile]=&form[business]="),
        ),
        "/api/step-up/state" => ("form", json!("")),
        "/api/admin/wizard/save" => ("form", json!("user_id=0&from=0&to=1")),
        "/api/admin/wizard/correspondence" => ("form", json!("user_id=0&providers[]=0")),
        "/api/admin/tasks/decide" => ("form", json!("id=0&decision[accept]=false")),
        "/api/registration/account" => (
            "form",
            json!("form%5Bemail%5D=&form%5Bfirst_name%5D=&form%5Blast_name%5D=&form%5Btax_id%5D=&form%5Bzip%5D=\
                   &form%5Bcontact_email%5D=&form%5Bphone%5D=&form%5Bchannel%5D=email"),
        ),
        "/api/access/start" => (
            "form",
            json!("form%5Bfirst_name%5D=&form%5Blast_name%5D=&form%5Bprovider_address%5D=&form%5Bmobile%5D=\
                   &form%5Bemail%5D=&form%5Bposition%5D=&form%5Bposition_other%5D="),
        ),
        "/api/organizations/add" => (
            "form",
            json!("form%5Btoken%5D=&form%5Btax_id%5D=&form%5Bzip%5D=&form%5Bcontact_email%5D="),
        ),
        "/api/profile/save" => ("form", json!("first_name=&last_name=")),
        path if path.starts_with("/downloads/") => ("get", json!("")),
        // A form without its file: admitted callers are refused by the body, not the guard.
        path if path.starts_with("/uploads/") => ("form", json!("")),
        _ => return None,
    })
}

/// Ends the seat's session or all of its user's: called last, by one seat.
const SESSION_ENDING: [&str; 2] = ["/api/log-out", "/api/profile/sign-out-others"];

async fn call(site: &Site, path: &str, cookie: Option<&str>) -> StatusCode {
    let (encoding, body) = sample(path).unwrap_or_else(|| {
        panic!("{path} has no sample arguments in the authorization matrix: add a line to `sample`")
    });
    let request = match encoding {
        "json" => post_json(path, body, cookie),
        "get" => get(path, cookie),
        _ => post_form(path, body.as_str().unwrap(), cookie),
    };
    site.send(request).await.status()
}

/// Whether the seat's session entered a passcode within the step-up window (a session
/// renewed by switching organization has not).
async fn stepped_up(site: &Site, seat: &Seat) -> bool {
    let id = seat.cookie.split_once('=').unwrap().1;
    let at: Option<i64> = sqlx::query_scalar("SELECT step_up_at FROM sessions WHERE id_hash = $1")
        .bind(app::ssr::crypto::secret_hash(id))
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
    at.is_some_and(|at| site.state.clock.unix() - at < site.state.settings.step_up_seconds)
}

/// What a seat may call under a rule, from its memberships, grants and session in the database.
async fn admits(site: &Site, seat: &Seat, rule: &str) -> bool {
    // The sample NPI exists nowhere: a member is answered 404, before any grant or passcode
    // is asked. Grants per NPI: `npi_settings_follow_the_grants`; the step-up: `npis.rs`.
    if rule.starts_with("npi:") {
        return seat.organization_id.is_some();
    }
    if let Some(base) = rule.strip_suffix("+step-up") {
        return stepped_up(site, seat).await && Box::pin(admits(site, seat, base)).await;
    }
    let member = seat.organization_id.is_some();
    match rule {
        "anyone" | "signed-in" | "signed-in:before-training" | "signed-in:expired-password" => true,
        "org-member" => member,
        "org-admin" | "verifying-admin" => member && seat.admin,
        "operator" => seat.operator,
        module if module.starts_with("module:") => {
            let held: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM module_permissions WHERE membership_id = $1 AND module = $2",
            )
            .bind(seat.membership_id)
            .bind(&module["module:".len()..])
            .fetch_one(&site.state.db.pool)
            .await
            .unwrap();
            member && held > 0
        }
        other => panic!("the matrix does not know the rule {other:?}"),
    }
}

#[tokio::test]
async fn every_endpoint_has_one_rule_and_the_rule_holds() {
    let mut endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .chain(
            app::downloads::routes()
                .into_iter()
                .chain(app::uploads::routes())
                .map(|(p, _)| p.to_string()),
        )
        .collect();
    endpoints.sort();
    endpoints.dedup();
    assert!(endpoints.len() >= 88, "every endpoint: {}", endpoints.len());
    for site in sites(false).await {
        // Signed out: only "anyone" endpoints are answered; the guard declares every rule.
        for path in &endpoints {
            let status = call(&site, path, None).await;
            let rules = app::ssr::guard::declared_rules();
            let rule = rules.get(path).unwrap_or_else(|| {
                panic!("{path} answered {status} without applying an access rule: its first line must be `require(Access::…)` (or its sample arguments here do not deserialize)")
            });
            assert_eq!(rule.len(), 1, "{path} applies one rule: {rule:?}");
            let rule = rule.iter().next().unwrap();
            if rule == "anyone" {
                assert_ne!(status, StatusCode::FORBIDDEN, "{path}");
            } else {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} signed out");
            }
        }
        let rules = app::ssr::guard::declared_rules();
        let rule_of = |path: &str| rules[path].iter().next().unwrap().clone();

        // Each seat against each endpoint that is not for everyone.
        let seats = seats(&site).await;
        let mut checked = 0;
        for seat in &seats {
            for path in endpoints
                .iter()
                .filter(|p| !SESSION_ENDING.contains(&p.as_str()))
            {
                let rule = rule_of(path);
                if rule == "anyone" {
                    continue;
                }
                let status = call(&site, path, Some(&seat.cookie)).await;
                let refused = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
                assert_eq!(
                    refused,
                    !admits(&site, seat, &rule).await,
                    "{} in {:?}: {path} ({rule}) answered {status}",
                    seat.email,
                    seat.organization_id
                );
                checked += 1;
            }
        }
        assert!(checked > 400, "a real matrix: {checked} checks");

        // After the step-up window, a rule that needs a fresh passcode refuses the seats it
        // admitted before.
        let mut fresh = Vec::new();
        for seat in &seats {
            for path in &endpoints {
                let rule = rule_of(path);
                if rule.ends_with("+step-up")
                    && !rule.starts_with("npi:")
                    && admits(&site, seat, &rule).await
                {
                    fresh.push((seat, path));
                }
            }
        }
        assert!(!fresh.is_empty(), "step-up rules were exercised");
        site.clock.advance(site.state.settings.step_up_seconds);
        for (seat, path) in fresh {
            let status = call(&site, path, Some(&seat.cookie)).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{} after the step-up window: {path}",
                seat.email
            );
        }

        // Last, the endpoints that end sessions.
        for (seat, path) in seats.iter().zip(SESSION_ENDING) {
            let status = call(&site, path, Some(&seat.cookie)).await;
            assert!(status.is_success(), "{path}: {status}");
        }
    }
}

#[tokio::test]
async fn npi_settings_follow_the_grants() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let providers: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT npi, organization_id, id FROM providers ORDER BY id")
                .fetch_all(db)
                .await
                .unwrap();
        let mut checked = 0;
        for seat in seats(&site)
            .await
            .iter()
            .filter(|s| s.organization_id.is_some())
        {
            for (npi, organization_id, provider_id) in &providers {
                let held: Option<String> = sqlx::query_scalar(
                    "SELECT level FROM npi_permissions WHERE membership_id = $1 AND provider_id = $2",
                )
                .bind(seat.membership_id)
                .bind(provider_id)
                .fetch_optional(db)
                .await
                .unwrap();
                let expected = if Some(*organization_id) != seat.organization_id {
                    StatusCode::NOT_FOUND
                } else if held.is_some() {
                    StatusCode::OK
                } else {
                    StatusCode::FORBIDDEN
                };
                let (status, settings) = form(
                    &site,
                    "/api/npis/settings",
                    &format!("npi={npi}"),
                    Some(&seat.cookie),
                )
                .await;
                assert_eq!(status, expected, "{} → NPI {npi}", seat.email);
                if status == StatusCode::OK {
                    assert_eq!(settings["admin"], held.as_deref() == Some("admin"));
                }
                checked += 1;
            }
        }
        assert!(checked > 50, "a real matrix: {checked} checks");
    }
}
