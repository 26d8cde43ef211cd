//! The plan's help desk over HTTP, on every database backend.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn the_help_desk_verifies_callers_resets_unlocks_and_changes_an_admin() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let processor: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'processor@sunrise.example'")
                .fetch_one(db)
                .await
                .unwrap();
        let sealed = site.state.settings.keys.seal(
            app::ssr::crypto::Sealed::Passkey { user_id: processor },
            b"4821",
        );
        sqlx::query("UPDATE users SET passkey_ciphertext = $1 WHERE id = $2")
            .bind(sealed)
            .bind(processor)
            .execute(db)
            .await
            .unwrap();
        let admin = session_of(&site, "admin@sunrise.example").await;
        let ops = session_of(&site, "ops@poppy.example").await;
        for path in [
            "/api/operator/helpdesk/find",
            "/api/operator/helpdesk/passkey",
            "/api/operator/helpdesk/reset",
            "/api/operator/helpdesk/unlock",
            "/api/operator/offices/admin",
        ] {
            let (status, _) = form(&site, path, "email=processor%40sunrise.example&user_id=1&passkey=1&organization_id=1&replace=false", Some(&admin)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }

        let (_, found) = form(
            &site,
            "/api/operator/helpdesk/find",
            "email=processor%40sunrise.example",
            Some(&ops),
        )
        .await;
        assert_eq!(
            found["organizations"],
            serde_json::json!(["Sunrise Family Clinic"])
        );
        assert_eq!(found["has_passkey"], true);
        assert!(found.get("passkey").is_none(), "never shown to plan staff");
        let id = found["id"].as_i64().unwrap();
        // Posted by the console's own form: back to the console, which shows the outcome.
        let console = "/operator?caller=processor%40sunrise.example";
        let right = site
            .send(native_post(
                "/api/operator/helpdesk/passkey",
                &format!("user_id={id}&passkey=4821"),
                Some(&ops),
                console,
            ))
            .await;
        let shown = location(&right);
        assert_eq!(shown, format!("{console}&passkey=match"));
        let page = body_text(site.send(get(&shown, Some(&ops))).await).await;
        assert!(
            page.contains("The passkey matches: the caller is verified.")
                && page.contains("Peter Alvarez"),
            "{page}"
        );
        for _ in 0..5 {
            let (_, wrong) = form(
                &site,
                "/api/operator/helpdesk/passkey",
                &format!("user_id={id}&passkey=1111"),
                Some(&ops),
            )
            .await;
            assert!(
                wrong.as_str().unwrap().ends_with("passkey=mismatch"),
                "{wrong}"
            );
        }
        let (status, _) = form(
            &site,
            "/api/operator/helpdesk/passkey",
            &format!("user_id={id}&passkey=4821"),
            Some(&ops),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "five misses in an hour stop the guessing"
        );

        let (status, _) = form(
            &site,
            "/api/operator/helpdesk/reset",
            &format!("user_id={id}"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(last_message_to(&site, "processor@sunrise.example")
            .await
            .links[0]
            .contains("/password/set?t="));

        // 100 failures ever: only an administrator unlocks.
        sqlx::query(
            "UPDATE users SET lifetime_failed_logins = 100 WHERE email = 'multi@sunrise.example'",
        )
        .execute(db)
        .await
        .unwrap();
        let (status, _, _) = log_in(&site, "multi@sunrise.example", DEMO_PASSWORD).await;
        assert_ne!(status, StatusCode::OK);
        let (_, found) = form(
            &site,
            "/api/operator/helpdesk/find",
            "email=multi%40sunrise.example",
            Some(&ops),
        )
        .await;
        assert_eq!(found["locked"], true);
        let (status, _) = form(
            &site,
            "/api/operator/helpdesk/unlock",
            &format!("user_id={}", found["id"]),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = log_in(&site, "multi@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);

        // Unlocking someone with a passkey needs a match within 15 minutes.
        let (status, _) = form(
            &site,
            "/api/operator/helpdesk/unlock",
            &format!("user_id={id}"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "matched a moment ago");
        site.clock.advance(15 * 60 + 1);
        let ops = session_of(&site, "ops@poppy.example").await;
        let (status, _) = form(
            &site,
            "/api/operator/helpdesk/unlock",
            &format!("user_id={id}"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // The plan changes Sunrise's admin.
        let sunrise: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Sunrise Family Clinic'")
                .fetch_one(db)
                .await
                .unwrap();
        let (status, body) = form(
            &site,
            "/api/operator/offices/admin",
            &format!("organization_id={sunrise}&email=nobody%40sunrise.example&replace=true"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = form(
            &site,
            "/api/operator/offices/admin",
            &format!("organization_id={sunrise}&email=processor%40sunrise.example&replace=true"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let roles: Vec<(String, String)> = sqlx::query_as(
            "SELECT u.email, m.org_role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 ORDER BY u.email",
        )
        .bind(sunrise)
        .fetch_all(db)
        .await
        .unwrap();
        assert_eq!(
            roles[0],
            ("admin@sunrise.example".into(), "processor".into())
        );
        assert_eq!(
            roles[2],
            ("processor@sunrise.example".into(), "admin".into())
        );
        let (status, _) = form(&site, "/api/admin/users", "search=", Some(&admin)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the former admin lost the admin role at once"
        );
    }
}

/// Operator actions that change other people's accounts (unlock, change an office's admin,
/// revoke an office's access) need the operator's fresh passcode, as a user's own changes do.
#[tokio::test]
async fn operator_changes_to_other_accounts_need_a_fresh_passcode() {
    for site in sites(false).await {
        let ops = session_of(&site, "ops@poppy.example").await;
        let sunrise: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Sunrise Family Clinic'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        let processor: i64 =
            sqlx::query_scalar("SELECT id FROM users WHERE email = 'processor@sunrise.example'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        let changes = [
            (
                "/api/operator/helpdesk/unlock",
                format!("user_id={processor}"),
            ),
            (
                "/api/operator/offices/admin",
                format!("organization_id={sunrise}&email=processor%40sunrise.example"),
            ),
            (
                "/api/operator/offices/revoke",
                format!("organization_id={sunrise}"),
            ),
        ];
        // The sign-in's passcode is six minutes old.
        site.clock.advance(6 * 60);
        for (path, body) in &changes {
            let (status, _) = form(&site, path, body, Some(&ops)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        }
        let changed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organizations WHERE id = $1 AND suspended_at IS NOT NULL",
        )
        .bind(sunrise)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(changed, 0, "nothing changed");
        step_up(&site, &ops).await;
        for (path, body) in &changes {
            let (status, answer) = form(&site, path, body, Some(&ops)).await;
            assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        }
    }
}

#[tokio::test]
async fn plan_staff_publish_correspondence_to_an_npi_and_its_readers_are_told() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let ops = session_of(&site, "ops@poppy.example").await;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let npi: String = sqlx::query_scalar(
            "SELECT p.npi FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
             JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = n.provider_id \
             WHERE u.email = 'processor@sunrise.example' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();

        // Both fields are checked at the field; an NPI no registered office has is refused.
        let (status, error) = form(
            &site,
            "/api/operator/publish",
            "npi=123&document=",
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = error.to_string();
        assert!(
            text.contains("\"npi\"") && text.contains("Choose a document."),
            "{text}"
        );
        let (status, _) = form(
            &site,
            "/api/operator/publish",
            "npi=1234567893&document=welcome",
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // Not for an office's users.
        let (status, _) = form(
            &site,
            "/api/operator/publish",
            &format!("npi={npi}&document=remittance"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let before: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'correspondence'")
                .fetch_one(db)
                .await
                .unwrap();
        let (status, answer) = form(
            &site,
            "/api/operator/publish",
            &format!("npi={npi}&document=remittance"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert!(answer.to_string().contains("published="), "{answer}");
        // Everyone who holds the NPI with its remittance advice is told, and no one else.
        let readers: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM correspondence_permissions c JOIN memberships m ON m.id = c.membership_id \
             JOIN providers p ON p.id = c.provider_id \
             WHERE p.npi = $1 AND c.correspondence_type = 'Remittance Advice' AND m.status = 'active'",
        )
        .bind(&npi)
        .fetch_one(db)
        .await
        .unwrap();
        assert!(readers >= 2, "the admin and the processor at least");
        let after: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'correspondence'")
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!(after - before, readers);
        let (from, to): (String, String) = sqlx::query_as(
            "SELECT d.title, d.document_date FROM correspondence_documents d JOIN providers p ON p.id = d.provider_id \
             WHERE p.npi = $1 ORDER BY d.id DESC LIMIT 1",
        )
        .bind(&npi)
        .fetch_one(db)
        .await
        .unwrap();
        let today = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap();
        assert_eq!(to, today.to_string());
        assert!(from.starts_with("Remittance Advice"), "{from}");
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'correspondence.publish'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    }
}
