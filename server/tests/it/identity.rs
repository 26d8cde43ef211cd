//! Identity on SQLite and PostgreSQL: registration with the secure token, one-time passcodes,
//! set-password links, the password policy, and "Forgot Password?".

use crate::common::*;
use axum::http::StatusCode;
use server::demo::DEMO_PASSWORD;
use sqlx::Row;

#[tokio::test]
async fn an_organization_registers_with_its_secure_token() {
    for site in sites(true).await {
        let db = &site.state.db;
        let token = oak_street_token(&site).await;

        let (status, _) = site
            .post("/api/registration/token", "token=AAAA-BBBB-CCCC-DDDD", None)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown token");
        let (status, response) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token.to_lowercase())),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "typed in lower case it still matches"
        );
        let draft = cookie_from(&response, "portal_registration").expect("draft cookie");
        let cookie = Some(draft.as_str());

        let (status, _) = site
            .post(
                "/api/registration/terms",
                "agree=true&authorized=false",
                cookie,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "both boxes are required"
        );
        let (status, _) = site
            .post(
                "/api/registration/terms",
                "agree=true&authorized=true",
                cookie,
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        let wrong = site
            .send(post_form(
                "/api/registration/account",
                &account("94-1111111", "olive@oakstreet.example"),
                cookie,
            ))
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json_of(wrong).await.to_string().contains("tax_id"));
        let taken = site
            .send(post_form(
                "/api/registration/account",
                &account("94-7654321", "admin@sunrise.example"),
                cookie,
            ))
            .await;
        assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json_of(taken)
            .await
            .to_string()
            .contains("Add a New Organization"));
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(users, 8, "nothing was created: the demo's users only");

        let ok = site
            .send(post_form(
                "/api/registration/account",
                &account("947654321", "olive@oakstreet.example"),
                cookie,
            ))
            .await;
        assert_eq!(ok.status(), StatusCode::OK);
        let step = json_of(ok).await;
        let prefix = step["PasscodeEnter"]["prefix"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(step["PasscodeEnter"]["last4"], "7100");
        let sms = last_message_to(&site, "(916) 555-7100").await;
        assert!(sms.body.contains(&format!("{prefix}-{}", sms.codes[0])));

        let (status, _) = site
            .post("/api/registration/verify-passcode", "code=000000", cookie)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = site
            .post(
                "/api/registration/verify-passcode",
                &format!("code={}", sms.codes[0]),
                cookie,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, response) = site
            .post(
                "/api/registration/conditions",
                "attest=true&agree=true",
                cookie,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            json_of(response).await["Complete"]["email"],
            "olive@oakstreet.example"
        );

        let membership = sqlx::query(
            "SELECT m.id, m.org_role, o.registered_at FROM memberships m JOIN users u ON u.id = m.user_id \
             JOIN organizations o ON o.id = m.organization_id WHERE u.email = 'olive@oakstreet.example'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            membership.try_get::<String, _>("org_role").unwrap(),
            "admin"
        );
        assert!(membership
            .try_get::<Option<i64>, _>("registered_at")
            .unwrap()
            .is_some());
        let admin_npis: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM npi_permissions WHERE membership_id = $1 AND level = 'admin'",
        )
        .bind(membership.try_get::<i64, _>("id").unwrap())
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(admin_npis, 3, "Admin on every NPI of Oak Street");

        // The token works once.
        let (status, reused) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token)),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json_of(reused)
            .await
            .to_string()
            .contains("already been used"));

        // The emailed link: passcode, then a password that meets the policy.
        let email = last_message_to(&site, "olive@oakstreet.example").await;
        assert!(email.subject.starts_with("Set your new password"));
        let url = email.links[0].clone();
        let (status, weak) = use_link(&site, &url, "short").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json_of(weak).await.to_string().contains("password"));
        let t = url.split("t=").nth(1).unwrap();
        let (status, done) = site
            .post(
                "/api/password/set",
                &format!(
                    "t={t}&password={}&again={}",
                    enc(NEW_PASSWORD),
                    enc(NEW_PASSWORD)
                ),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let session = cookie_from(&done, "portal_session").expect("signed in");
        assert_eq!(json_of(done).await["Done"]["next"], "/passkey?next=/");
        // First the training for a Local Office Administrator, then everything else.
        let dashboard = site
            .send(post_form("/api/dashboard", "", Some(&session)))
            .await;
        assert_eq!(dashboard.status(), StatusCode::FORBIDDEN);
        assert_eq!(json_of(dashboard).await, "TrainingRequired");
        let (_, training) = site.post("/api/training", "", Some(&session)).await;
        assert_eq!(json_of(training).await["admin"], true);
        let (status, _) = site
            .post("/api/training/complete", "completed=false", Some(&session))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // The slides and the form work without the browser app: on to where the user was going.
        let last = body_text(
            site.send(get("/training?slide=99&next=%2Fprofile", Some(&session)))
                .await,
        )
        .await;
        assert!(
            last.contains("I have completed the training") && last.contains("name=\"completed\""),
            "{last}"
        );
        let done = site
            .send(native_post(
                "/api/training/complete",
                "completed=true&next=%2Fprofile",
                Some(&session),
                "/training?slide=99&next=%2Fprofile",
            ))
            .await;
        assert_eq!(location(&done), "/profile");
        let dashboard = site
            .send(post_form("/api/dashboard", "", Some(&session)))
            .await;
        assert_eq!(
            json_of(dashboard).await["organization"],
            "Oak Street Medical Group"
        );
        let (_, again) = site
            .post("/api/password/link", &format!("t={t}"), None)
            .await;
        assert!(
            json_of(again).await.get("Invalid").is_some(),
            "the link works once"
        );

        let (status, _) = site
            .post("/api/passkey", "passkey=12&again=12", Some(&session))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = site
            .post("/api/passkey", "passkey=2468&again=2468", Some(&session))
            .await;
        assert_eq!(status, StatusCode::OK);
        let sealed: String = sqlx::query_scalar(
            "SELECT passkey_ciphertext FROM users WHERE email = 'olive@oakstreet.example'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        // Sealed: the digits do not show, even as hex.
        assert!(sealed.starts_with("v1:") && !sealed.contains(&hex::encode("2468")));
        // Once set, this page cannot change it: that is My Profile's reset, with a fresh passcode.
        let (status, _) = site
            .post("/api/passkey", "passkey=1111&again=1111", Some(&session))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let still: String = sqlx::query_scalar(
            "SELECT passkey_ciphertext FROM users WHERE email = 'olive@oakstreet.example'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            still, sealed,
            "the passkey the help desk trusts is unchanged"
        );

        // And the new administrator signs in with password and passcode.
        let (status, cookie, _) = log_in(&site, "olive@oakstreet.example", NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        assert!(cookie.is_some());
        for action in [
            "token.use",
            "registration.complete",
            "password.change",
            "sign_in.success",
            "passcode.failure",
        ] {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
                .bind(action)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert!(n >= 1, "{action} audited");
        }
    }
}

#[tokio::test]
async fn five_mismatches_lock_the_token_for_an_hour_and_links_expire() {
    for site in sites(true).await {
        let token = oak_street_token(&site).await;
        let (_, response) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token)),
                None,
            )
            .await;
        let draft = cookie_from(&response, "portal_registration").unwrap();
        site.post(
            "/api/registration/terms",
            "agree=true&authorized=true",
            Some(&draft),
        )
        .await;
        for attempt in 1..=5 {
            let response = site
                .send(post_form(
                    "/api/registration/account",
                    &account("94-1111111", "olive@oakstreet.example"),
                    Some(&draft),
                ))
                .await;
            let expected = if attempt < 5 {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            assert_eq!(response.status(), expected, "attempt {attempt}");
        }
        let (status, locked) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token)),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json_of(locked).await.to_string().contains("locked"));
        site.clock.advance(59 * 60);
        let (status, _) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token)),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "still locked after 59 minutes"
        );
        site.clock.advance(2 * 60);
        let (status, _) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token)),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "unlocked after an hour");

        // A reset link works for 30 minutes.
        let (status, _) = site
            .post(
                "/api/password/forgot",
                "email=processor%40sunrise.example",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let url = last_message_to(&site, "processor@sunrise.example")
            .await
            .links[0]
            .clone();
        let t = url.split("t=").nth(1).unwrap().to_string();
        site.clock.advance(29 * 60);
        let (_, step) = site
            .post("/api/password/link", &format!("t={t}"), None)
            .await;
        assert!(json_of(step).await.get("PasscodeChoose").is_some());
        site.clock.advance(2 * 60);
        let (_, step) = site
            .post("/api/password/link", &format!("t={t}"), None)
            .await;
        assert!(json_of(step).await["Invalid"]["message"]
            .as_str()
            .unwrap()
            .contains("expired"));
    }
}

#[tokio::test]
async fn passcodes_expire_and_five_wrong_tries_void_them() {
    for site in sites(false).await {
        let (_, challenge, _) = password_step(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let challenge = challenge.unwrap();
        let cookie = Some(challenge.as_str());
        site.post("/api/log-in/send-passcode", "channel=sms", cookie)
            .await;
        let right = latest_code(&site).await;
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        for attempt in 1..=5 {
            let (status, response) = site
                .post(
                    "/api/log-in/verify-passcode",
                    &format!("code={wrong}"),
                    cookie,
                )
                .await;
            if attempt < 5 {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            } else {
                assert_eq!(status, StatusCode::CONFLICT, "the fifth ends the sign-in");
                assert!(body_text(response)
                    .await
                    .contains("Too many wrong passcodes"));
            }
        }
        let (status, _) = site
            .post(
                "/api/log-in/verify-passcode",
                &format!("code={right}"),
                cookie,
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "void after 5 wrong tries");
        let (status, _) = site
            .post("/api/log-in/send-passcode", "channel=sms", cookie)
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "nothing is sent for a sign-in that ended"
        );

        // A fresh sign-in: the passcode works for 30 minutes.
        let (_, challenge, _) = password_step(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let challenge = challenge.unwrap();
        site.post(
            "/api/log-in/send-passcode",
            "channel=voice",
            Some(&challenge),
        )
        .await;
        let code = latest_code(&site).await;
        site.clock.advance(9 * 60);
        let (status, response) = site
            .post(
                "/api/log-in/verify-passcode",
                &format!("code={code}"),
                Some(&challenge),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}", body_text(response).await);

        let (_, challenge, _) = password_step(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let challenge = challenge.unwrap();
        site.post(
            "/api/log-in/send-passcode",
            "channel=email",
            Some(&challenge),
        )
        .await;
        assert_eq!(
            app::ssr::outbox::recent(&site.state.db, 1).await.unwrap()[0].to,
            "admin@sunrise.example"
        );
        let code = latest_code(&site).await;
        site.clock.advance(31 * 60);
        let (status, response) = site
            .post(
                "/api/log-in/verify-passcode",
                &format!("code={code}"),
                Some(&challenge),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "the sign-in itself timed out after 10 minutes"
        );
        assert!(body_text(response).await.contains("timed out"));
    }
}

#[tokio::test]
async fn a_reset_ends_other_sessions_and_refuses_recent_passwords() {
    for site in sites(false).await {
        let (_, first_session, _) = log_in(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        let first_session = first_session.unwrap();

        let (_, unknown) = site
            .post(
                "/api/password/forgot",
                "email=nobody%40sunrise.example",
                None,
            )
            .await;
        let unknown = body_text(unknown).await;
        let (_, known) = site
            .post(
                "/api/password/forgot",
                "email=processor%40sunrise.example",
                None,
            )
            .await;
        assert_eq!(
            unknown,
            body_text(known).await,
            "the same answer for unknown addresses"
        );

        let url = last_message_to(&site, "processor@sunrise.example")
            .await
            .links[0]
            .clone();
        // Locked for good meanwhile (100 failures in all): the emailed link and its passcode
        // prove the owner, so the completed reset lifts the lock.
        sqlx::query("UPDATE users SET lifetime_failed_logins = 100 WHERE email = 'processor@sunrise.example'")
            .execute(&site.state.db.pool)
            .await
            .unwrap();
        let (status, _) = use_link(&site, &url, "Processor-Reset-Password-1").await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = log_in(
            &site,
            "processor@sunrise.example",
            "Processor-Reset-Password-1",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "the lock was lifted");
        let old = site
            .send(post_form("/api/dashboard", "", Some(&first_session)))
            .await;
        assert_eq!(
            old.status(),
            StatusCode::UNAUTHORIZED,
            "the other session ended"
        );

        site.post(
            "/api/password/forgot",
            "email=processor%40sunrise.example",
            None,
        )
        .await;
        let url = last_message_to(&site, "processor@sunrise.example")
            .await
            .links[0]
            .clone();
        let (status, reused) = use_link(&site, &url, "Processor-Reset-Password-1").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(reused).await.contains("not used recently"));
    }
}

#[tokio::test]
async fn profile_secrets_need_a_fresh_passcode() {
    for site in sites(false).await {
        let (_, session, _) = log_in(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let session = session.unwrap();
        let (_, other, _) = log_in(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let other = other.unwrap();
        // The passcode at sign-in counts as a step-up for five minutes.
        site.clock.advance(5 * 60);

        let (status, _) = site
            .post(
                "/api/profile/passkey/reset",
                "passkey=4321&again=4321",
                Some(&session),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a step-up is needed");
        step_up(&site, &session).await;
        let (status, _) = site
            .post(
                "/api/profile/passkey/reset",
                "passkey=4321&again=4321",
                Some(&session),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, shown) = site.post("/api/profile/passkey", "", Some(&session)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json_of(shown).await, "4321");

        let (status, _) = site
            .post(
                "/api/profile/password",
                &format!(
                    "current=wrong&password={0}&again={0}",
                    enc("Sunrise-Admin-Password-9")
                ),
                Some(&session),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the current password is checked"
        );
        let (status, similar) = site
            .post(
                "/api/profile/password",
                &format!(
                    "current={}&password={1}&again={1}",
                    enc(DEMO_PASSWORD),
                    enc("Poppy-Demo-Password-2027!")
                ),
                Some(&session),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(similar).await.contains("too similar"));
        let (status, _) = site
            .post(
                "/api/profile/password",
                &format!(
                    "current={}&password={1}&again={1}",
                    enc(DEMO_PASSWORD),
                    enc("Sunrise-Admin-Password-9")
                ),
                Some(&session),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let ended = site
            .send(post_form("/api/dashboard", "", Some(&other)))
            .await;
        assert_eq!(
            ended.status(),
            StatusCode::UNAUTHORIZED,
            "other sessions end with a password change"
        );

        site.clock.advance(5 * 60);
        let (status, _) = site.post("/api/profile/passkey", "", Some(&session)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a step-up lasts five minutes"
        );

        // As the form posts it: one row per notification type, "Email" only when ticked.
        let saved = site
            .send(post_form(
                "/api/profile/save",
                "first_name=Grace&last_name=Holloway-Diaz&phone=\
                 &preferences[0][kind]=remittance&preferences[0][frequency]=weekly&preferences[0][email]=true\
                 &preferences[1][kind]=referral&preferences[1][frequency]=off",
                Some(&session),
            ))
            .await;
        assert_eq!(saved.status(), StatusCode::OK);
        let profile = json_of(
            site.send(post_form("/api/profile", "", Some(&session)))
                .await,
        )
        .await;
        assert_eq!(profile["last_name"], "Holloway-Diaz");
        let remittance = profile["preferences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == "remittance")
            .unwrap();
        assert_eq!(remittance["frequency"], "weekly");
        assert_eq!(remittance["email"], true);
        assert_eq!(profile["passkey_set"], true);
        let views: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'passkey.view'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        assert_eq!(views, 1, "viewing the passkey is audited");
    }
}

#[tokio::test]
async fn plan_staff_issue_tokens_and_an_admin_adds_the_organization() {
    for site in sites(true).await {
        let (_, ops, next) = log_in(&site, "ops@poppy.example", DEMO_PASSWORD).await;
        let ops = ops.unwrap();
        assert_eq!(serde_json::from_str::<String>(&next).unwrap(), "/operator");
        let enrolled = json_of(
            site.send(post_form("/api/operator/enrolled", "", Some(&ops)))
                .await,
        )
        .await;
        let names: Vec<&str> = enrolled
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"Oak Street Medical Group")
                && names.contains(&"Capitol Cardiology Associates")
        );
        assert!(
            !names.contains(&"Sunrise Family Clinic"),
            "registered organizations need no token"
        );
        let capitol = enrolled
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "Capitol Cardiology Associates")
            .unwrap()["id"]
            .as_i64()
            .unwrap();

        let (_, admin, _) = log_in(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        let processor = admin.unwrap();
        let (status, _) = site
            .post(
                "/api/operator/issue-token",
                &format!("organization_id={capitol}"),
                Some(&processor),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "only plan staff issue tokens"
        );
        let (status, _) = site
            .post("/api/operator/enrolled", "", Some(&processor))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, confirmation) = site
            .post(
                "/api/operator/issue-token",
                &format!("organization_id={capitol}"),
                Some(&ops),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // The console's address then carries the confirmation it shows.
        let confirmation = json_of(confirmation).await;
        assert!(confirmation
            .as_str()
            .unwrap()
            .contains("issued=A+secure+token+letter+for+Capitol+Cardiology+Associates"));
        let letter = messages(&site, 1).await.remove(0);
        assert!(letter.to.starts_with("Capitol Cardiology Associates"));
        assert!(
            !confirmation.as_str().unwrap().contains(&letter.codes[0]),
            "staff do not see the token"
        );
        let issued_by: Option<i64> = sqlx::query_scalar(
            "SELECT t.issued_by FROM secure_tokens t WHERE t.organization_id = $1",
        )
        .bind(capitol)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert!(issued_by.is_some());

        // A second letter replaces the first: only the newest token registers the office.
        let (status, _) = site
            .post(
                "/api/operator/issue-token",
                &format!("organization_id={capitol}"),
                Some(&ops),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let newest = messages(&site, 1).await.remove(0);
        assert_ne!(newest.codes[0], letter.codes[0]);

        let (_, admin, _) = log_in(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let admin = admin.unwrap();
        let form = |code: &str, tax: &str| {
            format!(
                "form%5Btoken%5D={}&form%5Btax_id%5D={tax}&form%5Bzip%5D=95819&form%5Bcontact_email%5D={}",
                enc(code),
                enc("office@capitolcardio.example")
            )
        };
        let replaced = site
            .send(post_form(
                "/api/organizations/add",
                &form(&letter.codes[0], "94-6789012"),
                Some(&admin),
            ))
            .await;
        assert_eq!(
            replaced.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the older letter"
        );
        let mismatch = site
            .send(post_form(
                "/api/organizations/add",
                &form(&newest.codes[0], "94-0000001"),
                Some(&admin),
            ))
            .await;
        assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let added = site
            .send(post_form(
                "/api/organizations/add",
                &form(&newest.codes[0], "94-6789012"),
                Some(&admin),
            ))
            .await;
        assert_eq!(added.status(), StatusCode::OK);
        let switched =
            cookie_from(&added, "portal_session").expect("a new session for the new organization");
        let dashboard = json_of(
            site.send(post_form("/api/dashboard", "", Some(&switched)))
                .await,
        )
        .await;
        assert_eq!(dashboard["organization"], "Capitol Cardiology Associates");
        assert_eq!(dashboard["is_org_admin"], true);
        let session = json_of(
            site.send(post_form("/api/session", "", Some(&switched)))
                .await,
        )
        .await;
        assert_eq!(
            session["user"]["organizations"].as_array().unwrap().len(),
            2,
            "both organizations in the switcher"
        );
    }
}

#[tokio::test]
async fn an_authenticator_app_replaces_the_passcode_and_each_code_works_once() {
    for site in sites(false).await {
        let (_, session, _) = log_in(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let session = session.unwrap();
        site.clock.advance(5 * 60);
        let t0 = NOW + 5 * 60;
        let (status, _) = site
            .post("/api/authenticator/start", "", Some(&session))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "enrolling needs a step-up");
        step_up(&site, &session).await;
        let (status, _) = site
            .post("/api/authenticator/start", "", Some(&session))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, enrollment) = site
            .post("/api/authenticator/pending", "", Some(&session))
            .await;
        assert_eq!(status, StatusCode::OK);
        let enrollment = json_of(enrollment).await;
        let secret = enrollment["secret"].as_str().unwrap().to_string();
        assert!(enrollment["qr_svg"].as_str().unwrap().contains("<svg"));
        let (status, _) = site
            .post("/api/authenticator/confirm", "code=123456", Some(&session))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = site
            .post(
                "/api/authenticator/confirm",
                &format!("code={}", app_code(&secret, t0)),
                Some(&session),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let stored: String = sqlx::query_scalar(
            "SELECT totp_secret_ciphertext FROM users WHERE email = 'admin@sunrise.example'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert!(!stored.contains(&secret), "the seed is stored encrypted");

        site.clock.advance(30);
        let (_, challenge, body) =
            password_step(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        assert!(
            serde_json::from_str::<serde_json::Value>(&body).unwrap()["Choose"]["methods"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("authenticator"))
        );
        let challenge = challenge.unwrap();
        let code = app_code(&secret, t0 + 30);
        let verify = |c: &str| format!("code={c}");
        let by_app = "channel=authenticator";
        site.post("/api/log-in/send-passcode", by_app, Some(&challenge))
            .await;
        let (status, response) = site
            .post(
                "/api/log-in/verify-passcode",
                &verify(&code),
                Some(&challenge),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}", body_text(response).await);

        let (_, challenge, _) = password_step(&site, "admin@sunrise.example", DEMO_PASSWORD).await;
        let challenge = challenge.unwrap();
        site.post("/api/log-in/send-passcode", by_app, Some(&challenge))
            .await;
        let (status, _) = site
            .post(
                "/api/log-in/verify-passcode",
                &verify(&code),
                Some(&challenge),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the same code works once"
        );
        site.clock.advance(30);
        let (status, _) = site
            .post(
                "/api/log-in/verify-passcode",
                &verify(&app_code(&secret, t0 + 60)),
                Some(&challenge),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "the next code works");
        let enrolled: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'authenticator.enroll'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(enrolled, 1);
    }
}

#[tokio::test]
async fn an_expired_password_must_be_changed_before_anything_else() {
    for site in sites(false).await {
        site.clock.advance(60 * 24 * 60 * 60);
        // The office verified its users in the meantime (that clock is tested elsewhere).
        sqlx::query("UPDATE organizations SET verified_at = $1")
            .bind(site.state.clock.unix())
            .execute(&site.state.db.pool)
            .await
            .unwrap();
        let (status, session, next) =
            log_in(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            serde_json::from_str::<String>(&next).unwrap(),
            "/password/expired",
            "60 days after it was set"
        );
        let session = session.unwrap();
        let blocked = site
            .send(post_form("/api/dashboard", "", Some(&session)))
            .await;
        assert_eq!(blocked.status(), StatusCode::FORBIDDEN);
        let info = json_of(
            site.send(post_form("/api/session", "", Some(&session)))
                .await,
        )
        .await;
        assert_eq!(info["user"]["password_expired"], true);
        let (status, _) = site
            .post(
                "/api/profile/password",
                &format!(
                    "current={}&password={1}&again={1}",
                    enc(DEMO_PASSWORD),
                    enc("Processor-New-Password-5")
                ),
                Some(&session),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the passcode at sign-in counts as a step-up"
        );
        let open = site
            .send(post_form("/api/dashboard", "", Some(&session)))
            .await;
        assert_eq!(open.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn passcodes_and_reset_emails_are_rate_limited() {
    use app::ssr::passcodes::{MAX_SENDS, SEND_WINDOW_MINUTES};
    use app::ssr::password_links::MAX_RESETS_PER_HOUR;
    for site in sites(false).await {
        let (_, session, _) = log_in(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        let session = session.unwrap();
        let outbox = || async {
            app::ssr::outbox::recent(&site.state.db, 1000)
                .await
                .unwrap()
                .len()
        };
        for _ in 0..MAX_SENDS {
            let (status, _) = site
                .post("/api/step-up/send", "channel=sms", Some(&session))
                .await;
            assert_eq!(status, StatusCode::OK);
        }
        let before = outbox().await;
        let (status, _) = site
            .post("/api/step-up/send", "channel=sms", Some(&session))
            .await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "the sixth within 15 minutes"
        );
        assert_eq!(outbox().await, before, "nothing was sent");
        site.clock.advance(SEND_WINDOW_MINUTES * 60 + 1);
        let (status, _) = site
            .post("/api/step-up/send", "channel=sms", Some(&session))
            .await;
        assert_eq!(status, StatusCode::OK, "the window has passed");

        // Reset emails: three an hour, then the same answer but no email.
        let reset = || async {
            let (status, response) = site
                .post(
                    "/api/password/forgot",
                    "email=multi%40sunrise.example",
                    None,
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            body_text(response).await
        };
        let emails = || async {
            messages(&site, 1000)
                .await
                .iter()
                .filter(|m| m.to == "multi@sunrise.example")
                .count()
        };
        let first = emails().await;
        let mut answers = Vec::new();
        for _ in 0..=MAX_RESETS_PER_HOUR {
            answers.push(reset().await);
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "one answer for all"
        );
        assert_eq!(emails().await - first, MAX_RESETS_PER_HOUR as usize);
        site.clock.advance(3600);
        reset().await;
        assert_eq!(emails().await - first, MAX_RESETS_PER_HOUR as usize + 1);
    }
}

/// A registration or an access request under way is kept a day after its last step, then the
/// visitor starts again.
#[tokio::test]
async fn unfinished_registrations_and_requests_last_a_day() {
    for site in sites(true).await {
        let token = oak_street_token(&site).await;
        let (_, response) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token)),
                None,
            )
            .await;
        let registration = cookie_from(&response, "portal_registration").unwrap();
        let request = "form%5Bfirst_name%5D=Rita&form%5Blast_name%5D=Reyes\
            &form%5Bprovider_address%5D=100%20Capitol%20Mall&form%5Bmobile%5D=9165554100\
            &form%5Bemail%5D=rita%40example.org&form%5Bposition%5D=Nurse";
        let (status, response) = site.post("/api/access/start", request, None).await;
        assert_eq!(status, StatusCode::OK);
        let access = cookie_from(&response, "portal_access_request").unwrap();

        site.clock.advance(24 * 60 * 60 - 1);
        let (_, step) = form(&site, "/api/registration/step", "", Some(&registration)).await;
        assert_eq!(step, "Terms", "still there a second before the day is out");
        let (_, step) = form(&site, "/api/access/step", "", Some(&access)).await;
        assert!(step.get("Verify").is_some(), "{step}");

        site.clock.advance(1);
        let (_, step) = form(&site, "/api/registration/step", "", Some(&registration)).await;
        assert_eq!(step, "Token", "a day later the registration starts again");
        let (_, step) = form(&site, "/api/access/step", "", Some(&access)).await;
        assert_eq!(step, "Form");
        let (status, _) = site
            .post(
                "/api/registration/terms",
                "agree=true&authorized=true",
                Some(&registration),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
}
