//! The whole HTTP application against real databases loaded with demo data (SQLite and
//! PostgreSQL): sign-in, sessions, redirects, authorization, headers, the dev mailbox.

use crate::common::*;
use axum::http::{header, StatusCode};
use server::demo::{self, DEMO_PASSWORD};
use sqlx::Row;
use tower::ServiceExt;

#[tokio::test]
async fn demo_data_is_complete_and_loaded_once() {
    for site in sites(true).await {
        let db = &site.state.db;
        assert!(demo::is_loaded(db).await.unwrap());
        let npis: Vec<String> = sqlx::query_scalar(
            "SELECT p.npi FROM providers p JOIN organizations o ON o.id = p.organization_id WHERE o.name = 'Sunrise Family Clinic'",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(npis.len(), 6);
        assert!(npis.iter().all(|n| app::domain::Npi::parse(n).is_ok()));
        let claims: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM claims")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(claims, CLAIMS as i64);
        let orphan_lines: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = c.id) \
             OR NOT EXISTS (SELECT 1 FROM claim_diagnoses d WHERE d.claim_id = c.id)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(orphan_lines, 0, "every claim has lines and diagnoses");
        let billed_mismatch: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM claims c WHERE c.billed_cents <> (SELECT SUM(l.billed_cents) FROM claim_lines l WHERE l.claim_id = c.id)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(billed_mismatch, 0, "claim totals match their lines");
        let statuses: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT status FROM referrals ORDER BY status")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        // Every status a lookup filters by; unfinished referrals are drafts, not rows.
        assert_eq!(
            statuses,
            ["approved", "denied", "modified", "pending", "void"]
        );
        let users: Vec<String> = sqlx::query_scalar("SELECT email FROM users ORDER BY email")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        for email in [
            "admin@sunrise.example",
            "processor@sunrise.example",
            "multi@sunrise.example",
            "billing@valley.example",
            "ops@poppy.example",
            "network@coastal.example",
        ] {
            assert!(users.contains(&email.to_string()), "{email}");
        }
        let oak = sqlx::query("SELECT tax_id, pay_to_zip, registered_at FROM organizations WHERE name = 'Oak Street Medical Group'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(oak.try_get::<String, _>("tax_id").unwrap(), "947654321");
        assert_eq!(oak.try_get::<String, _>("pay_to_zip").unwrap(), "95816");
        assert_eq!(
            oak.try_get::<Option<i64>, _>("registered_at").unwrap(),
            None
        );
        let tokens: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secure_tokens")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(tokens, 1);
    }
}

#[tokio::test]
async fn health_check_pings_the_database() {
    for site in sites(false).await {
        let response = site
            .router
            .clone()
            .oneshot(get("/healthz", None))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_log_in() {
    for site in sites(false).await {
        let response = site.router.clone().oneshot(get("/", None)).await.unwrap();
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(response.headers()[header::LOCATION], "/login");
        let login = site
            .router
            .clone()
            .oneshot(get("/login", None))
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::OK);
        let html = body_text(login).await;
        assert!(html.contains("Join Poppy Health Provider Portal"));
        // The sign-in page works as plain forms and comes without the browser app.
        assert!(
            !html.contains(".wasm") && !html.contains("hydrate"),
            "{html}"
        );
    }
}

#[tokio::test]
async fn a_page_with_the_app_names_its_scripts_with_the_pages_nonce() {
    for site in sites(false).await {
        let page = site
            .router
            .clone()
            .oneshot(get("/password/forgot", None))
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let nonce = csp_nonce(&page);
        let html = body_text(page).await;
        assert!(html.contains(".wasm") && html.contains("hydrate"), "{html}");
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "hydration scripts carry the CSP nonce"
        );
    }
}

#[tokio::test]
async fn server_functions_refuse_callers_without_a_session() {
    for site in sites(false).await {
        let response = site
            .router
            .clone()
            .oneshot(post_form("/api/dashboard", "", None))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let response = site
            .router
            .clone()
            .oneshot(post_form(
                "/api/dashboard",
                "",
                Some("portal_session=forged"),
            ))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn sign_in_opens_the_dashboard_and_sign_out_ends_the_session() {
    for site in sites(false).await {
        let (status, cookie, _) = log_in(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        let cookie = cookie.expect("session cookie");
        let page = site
            .router
            .clone()
            .oneshot(get("/", Some(&cookie)))
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = body_text(page).await;
        assert!(html.contains("My Dashboard"));
        assert!(html.contains("Sunrise Family Clinic"));

        let api = site
            .router
            .clone()
            .oneshot(post_form("/api/dashboard", "", Some(&cookie)))
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::OK);
        let dashboard: serde_json::Value = serde_json::from_str(&body_text(api).await).unwrap();
        assert_eq!(dashboard["organization"], "Sunrise Family Clinic");
        assert_eq!(dashboard["is_org_admin"], true);
        assert_eq!(dashboard["notifications"].as_array().unwrap().len(), 3);
        assert_eq!(dashboard["notifications_total"], 5);
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships m JOIN organizations o ON o.id = m.organization_id \
             WHERE o.name = 'Sunrise Family Clinic' AND m.status = 'active'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(dashboard["active_users"], active, "{dashboard}");
        // The NPI levels are aggregated in the same read: the admin holds NPIs as their admin.
        assert_eq!(dashboard["npi_admin"], true, "{dashboard}");
        assert_eq!(dashboard["npi_any"], true);
        let paperless: Option<i64> = sqlx::query_scalar(
            "SELECT paperless_at FROM organizations WHERE name = 'Sunrise Family Clinic'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(dashboard["paperless"], paperless.is_some());

        // The first page of NPIs comes with it; the next, when the dashboard is asked for the
        // page after the first's cursor.
        let page = &dashboard["npis"];
        assert_eq!(page["items"].as_array().unwrap().len(), 5);
        let next = page["next"].as_str().unwrap().to_string();
        let npis = site
            .router
            .clone()
            .oneshot(post_form(
                "/api/dashboard",
                &format!("npis_after={next}"),
                Some(&cookie),
            ))
            .await
            .unwrap();
        let dashboard: serde_json::Value = serde_json::from_str(&body_text(npis).await).unwrap();
        let page = &dashboard["npis"];
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert!(page["next"].is_null());

        let out = site
            .router
            .clone()
            .oneshot(post_form("/api/log-out", "", Some(&cookie)))
            .await
            .unwrap();
        assert_eq!(out.status(), StatusCode::OK);
        let after = site
            .router
            .clone()
            .oneshot(post_form("/api/dashboard", "", Some(&cookie)))
            .await
            .unwrap();
        assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn processors_see_only_their_npis_and_no_admin_counts() {
    for site in sites(false).await {
        let (_, cookie, _) = log_in(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        let cookie = cookie.unwrap();
        let api = site
            .router
            .clone()
            .oneshot(post_form("/api/dashboard", "", Some(&cookie)))
            .await
            .unwrap();
        let dashboard: serde_json::Value = serde_json::from_str(&body_text(api).await).unwrap();
        assert_eq!(dashboard["is_org_admin"], false);
        assert!(dashboard["active_users"].is_null());
        assert_eq!(dashboard["npi_admin"], false);
        // Of the four letters on each of the two NPIs, only the types granted count: the two
        // remittance advices (welcome letters and tax documents are not the processor's).
        assert_eq!(dashboard["correspondence_total"], 4, "{dashboard}");
        assert_eq!(
            dashboard["npis"]["items"].as_array().unwrap().len(),
            2,
            "only the two NPIs granted"
        );
    }
}

#[tokio::test]
async fn failures_are_generic_and_ten_in_a_row_lock_the_account() {
    for site in sites(false).await {
        let (status, cookie, body) = log_in(&site, "nobody@sunrise.example", "whatever").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(cookie.is_none());
        let (_, _, known) = log_in(&site, "admin@sunrise.example", "wrong password").await;
        assert_eq!(
            body, known,
            "the same answer whether or not the account exists"
        );
        assert!(body.contains(app::auth::SIGN_IN_FAILED));

        for _ in 0..9 {
            log_in(&site, "admin@sunrise.example", "wrong password").await;
        }
        let (status, cookie, _) = log_in(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "locked after 10 failures"
        );
        assert!(cookie.is_none());
        let db = &site.state.db;
        let lockouts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in.lockout'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(lockouts, 1);
        let failures: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sign_in.failure'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(failures, 12);
        let locked_until: Option<i64> = sqlx::query_scalar(
            "SELECT locked_until FROM users WHERE email = 'admin@sunrise.example'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(locked_until, Some(NOW + 15 * 60));
    }
}

#[tokio::test]
async fn switching_organization_needs_an_active_membership_and_renews_the_session() {
    for site in sites(false).await {
        let (_, cookie, body) = log_in(&site, "multi@sunrise.example", DEMO_PASSWORD).await;
        assert!(body.contains("/select-organization"));
        let cookie = cookie.unwrap();
        let coastal: i64 = sqlx::query_scalar(
            "SELECT id FROM organizations WHERE name = 'Coastal Health Network'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        let refused = site
            .router
            .clone()
            .oneshot(post_form(
                "/api/switch-organization",
                &format!("organization_id={coastal}"),
                Some(&cookie),
            ))
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND);
        let harbor: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Harbor Pediatrics'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        let switched = site
            .router
            .clone()
            .oneshot(post_form(
                "/api/switch-organization",
                &format!("organization_id={harbor}"),
                Some(&cookie),
            ))
            .await
            .unwrap();
        assert_eq!(switched.status(), StatusCode::OK);
        let new_cookie = switched.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert_ne!(new_cookie, cookie, "a new session ID");
        let old = site
            .router
            .clone()
            .oneshot(post_form("/api/dashboard", "", Some(&cookie)))
            .await
            .unwrap();
        assert_eq!(
            old.status(),
            StatusCode::UNAUTHORIZED,
            "the old ID no longer works"
        );
        let api = site
            .router
            .clone()
            .oneshot(post_form("/api/dashboard", "", Some(&new_cookie)))
            .await
            .unwrap();
        let dashboard: serde_json::Value = serde_json::from_str(&body_text(api).await).unwrap();
        assert_eq!(dashboard["organization"], "Harbor Pediatrics");

        // The 12 hours count from the sign-in, however often the organization changes.
        let signed_in = site.state.clock.unix();
        let mut session = new_cookie;
        while site.state.clock.unix() < signed_in + 12 * 60 * 60 - 20 * 60 {
            site.clock.advance(20 * 60);
            let switched = site
                .send(post_form(
                    "/api/switch-organization",
                    &format!("organization_id={harbor}"),
                    Some(&session),
                ))
                .await;
            assert_eq!(switched.status(), StatusCode::OK);
            session = cookie_from(&switched, "portal_session").unwrap();
        }
        site.clock.advance(20 * 60);
        let (status, _) = site.post("/api/dashboard", "", Some(&session)).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "12 hours after signing in"
        );
    }
}

#[tokio::test]
async fn dev_mailbox_exists_only_when_enabled() {
    for site in sites(true).await {
        let response = site
            .router
            .clone()
            .oneshot(get("/dev/mailbox.json", None))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let messages: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
        let letter = &messages.as_array().unwrap()[0];
        assert_eq!(letter["channel"], "postal");
        assert_eq!(letter["codes"].as_array().unwrap().len(), 1);
        for key in ["id", "to", "subject", "body", "links", "created_at"] {
            assert!(letter.get(key).is_some(), "{key}");
        }
    }
    for site in sites(false).await {
        let response = site
            .router
            .clone()
            .oneshot(get("/dev/mailbox.json", None))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn unknown_pages_answer_404() {
    for site in sites(false).await {
        let response = site
            .router
            .clone()
            .oneshot(get("/no-such-page", None))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let html = body_text(response).await;
        assert!(html.contains("Page Not Found"));
        assert!(!html.contains("Sign Out"), "signed out: no account menu");

        // Signed in, the frame is the user's, as on any page: the session is read for it.
        let admin = session_of(&site, "admin@sunrise.example").await;
        let response = site.send(get("/no-such-page", Some(&admin))).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let html = body_text(response).await;
        assert!(html.contains("Page Not Found"));
        assert!(
            html.contains("Sign Out")
                && html.contains(r#"class="org-name">Sunrise Family Clinic<"#),
            "{html}"
        );
    }
}

#[tokio::test]
async fn after_a_hundred_failures_in_all_only_an_administrator_can_unlock() {
    for site in sites(false).await {
        sqlx::query("UPDATE users SET lifetime_failed_logins = 100 WHERE email = 'processor@sunrise.example'")
            .execute(&site.state.db.pool)
            .await
            .unwrap();
        // Well past any 15-minute lock: the account stays locked.
        site.clock.advance(24 * 60 * 60);
        let (status, challenge, body) =
            password_step(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(challenge.is_none());
        assert!(body.contains(app::auth::SIGN_IN_FAILED));
        sqlx::query("UPDATE users SET lifetime_failed_logins = 99 WHERE email = 'processor@sunrise.example'")
            .execute(&site.state.db.pool)
            .await
            .unwrap();
        let (status, challenge, _) =
            password_step(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "99 failures in all still let a right password through"
        );
        assert!(challenge.is_some());
    }
}

#[tokio::test]
async fn sign_in_works_with_forms_posted_by_the_browser() {
    for site in sites(false).await {
        let page = |cookie: Option<String>| {
            let site = &site;
            async move { body_text(site.send(get("/login", cookie.as_deref())).await).await }
        };
        // "Next" with the address: back to the page, which now asks for the password.
        let next = site
            .send(native_post(
                "/api/log-in",
                "email=admin%40sunrise.example",
                None,
                "/login",
            ))
            .await;
        let to = location(&next);
        assert!(to.ends_with("/login"), "{to}");
        let cookie = cookie_from(&next, "portal_sign_in").unwrap();
        let html = page(Some(cookie.clone())).await;
        assert!(
            html.contains("admin@sunrise.example") && html.contains("Password"),
            "{html}"
        );

        // A wrong password comes back with the error on the page, and nothing else changes.
        let wrong = site
            .send(native_post(
                "/api/log-in",
                "email=admin%40sunrise.example&password=wrong",
                Some(&cookie),
                "/login",
            ))
            .await;
        let back = location(&wrong);
        assert!(back.contains("__err="), "{back}");
        let html = body_text(site.send(get(&back, Some(&cookie))).await).await;
        assert!(html.contains(app::auth::SIGN_IN_FAILED), "{html}");

        let right = site
            .send(native_post(
                "/api/log-in",
                &format!("email=admin%40sunrise.example&password={DEMO_PASSWORD}"),
                Some(&cookie),
                &back,
            ))
            .await;
        let back = location(&right);
        assert!(!back.contains("__err"), "the old error is gone: {back}");
        let challenge = cookie_from(&right, "portal_sign_in").unwrap();
        assert_ne!(
            challenge, cookie,
            "a new sign-in cookie once the password is right"
        );
        assert!(page(Some(challenge.clone()))
            .await
            .contains("Send to phone number ending in"));

        let sent = site
            .send(native_post(
                "/api/log-in/send-passcode",
                "channel=sms",
                Some(&challenge),
                "/login",
            ))
            .await;
        assert!(location(&sent).ends_with("/login"));
        let html = page(Some(challenge.clone())).await;
        assert!(html.contains("One-time passcode") && html.contains("Resend one-time passcode"));

        // "Resend one-time passcode" goes back to choosing.
        let again = site
            .send(native_post(
                "/api/log-in/choose-passcode",
                "",
                Some(&challenge),
                "/login",
            ))
            .await;
        assert!(location(&again).ends_with("/login"));
        assert!(page(Some(challenge.clone()))
            .await
            .contains("Send to phone number ending in"));
        site.send(native_post(
            "/api/log-in/send-passcode",
            "channel=voice",
            Some(&challenge),
            "/login",
        ))
        .await;

        let code = latest_code(&site).await;
        let verified = site
            .send(native_post(
                "/api/log-in/verify-passcode",
                &format!("code={code}"),
                Some(&challenge),
                "/login",
            ))
            .await;
        assert_eq!(location(&verified), "/");
        let session = cookie_from(&verified, "portal_session").unwrap();
        let dashboard = body_text(site.send(get("/", Some(&session))).await).await;
        assert!(dashboard.contains("My Dashboard"), "{dashboard}");
    }
}

#[tokio::test]
async fn reset_password_works_with_a_form_posted_by_the_browser() {
    for site in sites(false).await {
        let response = site
            .send(native_post(
                "/api/password/forgot",
                "email=admin%40sunrise.example",
                None,
                "/password/forgot",
            ))
            .await;
        let to = location(&response);
        assert_eq!(to, "/password/forgot?sent");
        let html = body_text(site.send(get(&to, None)).await).await;
        assert!(html.contains("we emailed it a link"), "{html}");
        let bad = site
            .send(native_post(
                "/api/password/forgot",
                "email=nope",
                None,
                "/password/forgot",
            ))
            .await;
        assert!(location(&bad).contains("__err="));
    }
}

/// A form whose action needs a fresh passcode, posted before the browser app loaded: the
/// answer is "Confirm it's you", which leads back to the form's page once the passcode is in.
#[tokio::test]
async fn a_native_form_needing_a_fresh_passcode_goes_through_confirm_its_you() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'processor@sunrise.example'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        let page = format!("/admin/users/{processor}?dialog=email");
        let change = format!("user_id={processor}&email=pete%40sunrise.example");
        // The passcode of the sign-in is no longer fresh.
        site.clock.advance(10 * 60);
        let refused = site
            .send(native_post(
                "/api/admin/users/email",
                &change,
                Some(&admin),
                &page,
            ))
            .await;
        let to = location(&refused);
        assert_eq!(
            to,
            format!("/step-up?next=%2Fadmin%2Fusers%2F{processor}%3Fdialog%3Demail")
        );
        let html = body_text(site.send(get(&to, Some(&admin))).await).await;
        assert!(html.contains("Send to phone number ending in"), "{html}");

        let sent = site
            .send(native_post(
                "/api/step-up/send",
                "channel=sms",
                Some(&admin),
                &to,
            ))
            .await;
        assert_eq!(
            location(&sent),
            to,
            "back to the page, now asking for the passcode"
        );
        let html = body_text(site.send(get(&to, Some(&admin))).await).await;
        assert!(html.contains("One-time passcode"), "{html}");
        let code = latest_code(&site).await;
        let verified = site
            .send(native_post(
                "/api/step-up/verify",
                &format!("code={code}&next=%2Fadmin%2Fusers%2F{processor}%3Fdialog%3Demail"),
                Some(&admin),
                &to,
            ))
            .await;
        assert_eq!(location(&verified), page, "back to the form");

        let done = site
            .send(native_post(
                "/api/admin/users/email",
                &change,
                Some(&admin),
                &page,
            ))
            .await;
        assert_eq!(
            location(&done),
            format!("/admin/users/{processor}?done=email")
        );
        let html = body_text(site.send(get(&location(&done), Some(&admin))).await).await;
        assert!(
            html.contains("A confirmation link was sent to the new address."),
            "{html}"
        );
        // A wrong passcode stays on "Confirm it's you", with its error.
        let verified = site
            .send(native_post(
                "/api/step-up/verify",
                "code=000000&next=%2F%2Fevil.example",
                Some(&admin),
                &to,
            ))
            .await;
        assert!(
            location(&verified).starts_with("/step-up"),
            "a wrong code stays"
        );
    }
}

/// A refused form posted without the browser app comes back with what was typed, except
/// secrets, once.
#[tokio::test]
async fn a_refused_native_form_comes_back_as_typed_without_its_secrets() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let refused = site
            .send(native_post(
                "/api/admin/users/add",
                "form[email]=lane%40sunrise.example&form[first_name]=Lane&form[last_name]=O%27Neil\
                 &form[mobile]=555&form[business]=",
                Some(&admin),
                "/admin/users/new",
            ))
            .await;
        let back = location(&refused);
        assert!(
            back.starts_with("/admin/users/new?") && back.contains("__err="),
            "{back}"
        );
        let kept = cookie_from(&refused, "portal_refused_form").expect("the typed fields");
        let page = site
            .send(get(&back, Some(&format!("{admin}; {kept}"))))
            .await;
        let cleared = page
            .headers()
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("portal_refused_form=;"));
        assert!(cleared, "read once");
        let html = body_text(page).await;
        for typed in [
            "value=\"lane@sunrise.example\"",
            "value=\"O'Neil\"",
            "value=\"555\"",
        ] {
            assert!(html.contains(typed), "{typed}: {html}");
        }
        assert!(html.contains("Enter a 10-digit US phone number."), "{html}");

        // A password is never carried back.
        let wrong = site
            .send(native_post(
                "/api/profile/password",
                "current=Secret-Typed-1&password=Another-Secret-2&again=Another-Secret-2",
                Some(&admin),
                "/profile",
            ))
            .await;
        if let Some(kept) = cookie_from(&wrong, "portal_refused_form") {
            assert!(!kept.contains("Secret"), "{kept}");
        }
    }
}

/// An action whose rule itself asks for a fresh passcode (setting up an authenticator app),
/// posted as a plain form: a redirect to "Confirm it's you", not the refusal's status.
#[tokio::test]
async fn a_native_form_refused_by_a_fresh_rule_is_sent_to_confirm_its_you() {
    for site in sites(false).await {
        let session = session_of(&site, "admin@sunrise.example").await;
        site.clock.advance(10 * 60);
        let asked = site
            .send(native_post(
                "/api/authenticator/start",
                "",
                Some(&session),
                "/profile",
            ))
            .await;
        assert_eq!(location(&asked), "/step-up?next=%2Fprofile");
    }
}

/// My Profile without the browser app: a new phone number asks for a fresh passcode first
/// (what was typed waits for the form's page), then a passcode sent to the new number.
#[tokio::test]
async fn my_profile_changes_the_phone_number_with_forms_posted_by_the_browser() {
    for site in sites(false).await {
        let session = session_of(&site, "admin@sunrise.example").await;
        site.clock.advance(10 * 60);
        let form = "first_name=Grace&last_name=Holloway&phone=%28916%29+555-0199\
                    &preferences[0][kind]=remittance&preferences[0][frequency]=daily";
        let asked = site
            .send(native_post(
                "/api/profile/save",
                form,
                Some(&session),
                "/profile",
            ))
            .await;
        assert_eq!(location(&asked), "/step-up?next=%2Fprofile");
        let kept = asked
            .headers()
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("portal_refused_form="))
            .expect("what was typed waits");
        assert!(
            kept.contains("Path=/profile;") && kept.contains("555-0199"),
            "{kept}"
        );
        assert!(kept.contains("Max-Age=60"), "kept for one minute: {kept}");

        step_up(&site, &session).await;
        let sent = site
            .send(native_post(
                "/api/profile/save",
                form,
                Some(&session),
                "/profile",
            ))
            .await;
        let dialog = location(&sent);
        assert_eq!(dialog, "/profile?dialog=phone&phone=9165550199");
        let html = body_text(site.send(get(&dialog, Some(&session))).await).await;
        assert!(html.contains("Confirm your new phone number"), "{html}");
        let prefix = html
            .split("It begins with ")
            .nth(1)
            .expect("the passcode's prefix")
            .get(..4)
            .unwrap()
            .to_string();
        let code = latest_code(&site).await;
        let confirmed = site
            .send(native_post(
                "/api/profile/phone/confirm",
                &format!("phone=9165550199&code={code}"),
                Some(&session),
                &dialog,
            ))
            .await;
        assert_eq!(location(&confirmed), "/profile?done=phone");
        let phone: String =
            sqlx::query_scalar("SELECT phone FROM users WHERE email = 'admin@sunrise.example'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        assert_eq!(phone, "(916) 555-0199");
        let message = app::ssr::outbox::recent(&site.state.db, 2).await.unwrap();
        assert!(
            message
                .iter()
                .any(|m| m.body.contains(&format!("{prefix}-"))),
            "the prefix shown is the one sent"
        );
    }
}

/// "Sign Out" works as a plain form: the session ends and the answer is the sign-in page.
#[tokio::test]
async fn sign_out_works_with_a_form_posted_by_the_browser() {
    for site in sites(false).await {
        let session = session_of(&site, "processor@sunrise.example").await;
        let out = site
            .send(native_post("/api/log-out", "", Some(&session), "/"))
            .await;
        assert_eq!(location(&out), "/login");
        let (status, _) = site.post("/api/dashboard", "", Some(&session)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

/// Every `next` parameter (training, passkey, password, Confirm it's you) goes through one
/// same-origin check: another site's address, however written, leads home instead.
#[tokio::test]
async fn a_next_parameter_never_leads_to_another_site() {
    for site in sites(false).await {
        let session = session_of(&site, "processor@sunrise.example").await;
        for next in [
            "%2F%2Fevil.example",
            "%2F%5Cevil.example",
            "https%3A%2F%2Fevil.example",
            "evil",
        ] {
            let done = site
                .send(native_post(
                    "/api/training/complete",
                    &format!("completed=true&next={next}"),
                    Some(&session),
                    "/training",
                ))
                .await;
            assert_eq!(location(&done), "/", "{next}");
        }
    }
}
