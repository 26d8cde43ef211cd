//! "NPI Agreements and Settings" on SQLite and PostgreSQL: the NPIs a user holds, the PIN
//! (viewed by an NPI's Admin after a step-up, reset once a plan day, by letter), and who may
//! do what: 403 without the grant, 404 for another organization's NPI.

use crate::common::*;
use axum::http::StatusCode;

/// The PIN a letter gives: its paragraph of six digits alone.
fn pin_in(body: &str) -> String {
    body.split("\n\n")
        .find(|p| p.len() == 6 && p.bytes().all(|b| b.is_ascii_digit()))
        .expect("a PIN in the letter")
        .to_string()
}

#[tokio::test]
async fn an_npi_admin_views_and_resets_the_pin_once_a_day() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;

        // Search by name or NPI among the NPIs held.
        let (status, all) = form(&site, "/api/npis", "search=", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        let items = all["items"].as_array().unwrap();
        assert_eq!(items.len(), 6, "Admin on the six NPIs of Sunrise");
        let first = items[0]["name"].as_str().unwrap().to_string();
        let fragment = first.split_whitespace().last().unwrap().to_lowercase();
        let (_, found) = form(
            &site,
            "/api/npis",
            &format!("search={}", enc(&fragment)),
            Some(&admin),
        )
        .await;
        assert!(found["items"].as_array().unwrap().iter().all(|r| r["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains(&fragment)));
        let (_, none) = form(&site, "/api/npis", "search=no-such-provider", Some(&admin)).await;
        assert!(none["items"].as_array().unwrap().is_empty());

        // One of the processor's NPIs, where the processor is now an Admin too.
        let (provider_id, npi): (i64, String) = sqlx::query_as(
            "SELECT p.id, p.npi FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
             JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = n.provider_id \
             WHERE u.email = 'processor@sunrise.example' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (status, settings) = form(
            &site,
            "/api/npis/settings",
            &format!("npi={npi}"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(settings["admin"], false);
        assert_eq!(settings["transactions"].as_array().unwrap().len(), 4);
        let (status, _) = form(
            &site,
            "/api/npis/pin",
            &format!("npi={npi}"),
            Some(&processor),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "a Processor does not see the PIN"
        );
        let (status, _) = form(
            &site,
            "/api/npis/pin/reset",
            &format!("npi={npi}"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "nor resets it");

        // The PIN needs a fresh passcode, and each view is audited.
        site.clock.advance(5 * 60);
        let (status, _) = form(&site, "/api/npis/pin", &format!("npi={npi}"), Some(&admin)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a step-up is needed");
        step_up(&site, &admin).await;
        let (status, old_pin) =
            form(&site, "/api/npis/pin", &format!("npi={npi}"), Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        let old_pin = old_pin.as_str().unwrap().to_string();
        assert_eq!(old_pin.len(), 6);
        let views: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'pin.view' AND subject = $1",
        )
        .bind(format!("provider:{provider_id}"))
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(views, 1);
        let stored: String =
            sqlx::query_scalar("SELECT pin_ciphertext FROM providers WHERE id = $1")
                .bind(provider_id)
                .fetch_one(db)
                .await
                .unwrap();
        assert!(!stored.contains(&old_pin), "stored sealed");

        sqlx::query(
            "UPDATE npi_permissions SET level = 'admin' WHERE provider_id = $1 AND membership_id = \
             (SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id \
              WHERE u.email = 'processor@sunrise.example' AND m.organization_id = \
              (SELECT organization_id FROM providers WHERE id = $1))",
        )
        .bind(provider_id)
        .execute(db)
        .await
        .unwrap();

        // Reset: a new PIN by postal letter, the other Admins told, audited.
        let (status, next) = form(
            &site,
            "/api/npis/pin/reset",
            &format!("npi={npi}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(next, format!("/npis/{npi}?done=reset"));
        let letter = &messages(&site, 1).await[0];
        assert_eq!(letter.channel.as_str(), "postal");
        assert_eq!(letter.attachment_name.as_deref(), Some("pin-letter.pdf"));
        let new_pin = pin_in(&letter.body);
        let (_, shown) = form(&site, "/api/npis/pin", &format!("npi={npi}"), Some(&admin)).await;
        assert_eq!(shown, new_pin);
        let told: Vec<String> = sqlx::query_scalar(
            "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'pin' ORDER BY u.email",
        )
        .fetch_all(db)
        .await
        .unwrap();
        assert_eq!(
            told,
            vec!["processor@sunrise.example".to_string()],
            "the other Admin, not the one who reset"
        );
        let resets: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'pin.reset'")
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!(resets, 1);

        // Once a plan day: the second try says when it can be done again, and changes nothing.
        let (status, refused) = form(
            &site,
            "/api/npis/pin/reset",
            &format!("npi={npi}"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            refused.to_string().contains("once a day: try again on"),
            "{refused}"
        );
        let (_, still) = form(&site, "/api/npis/pin", &format!("npi={npi}"), Some(&admin)).await;
        assert_eq!(still, new_pin);
        // The next day, the office paperless: the letter goes to the Correspondence Center.
        site.clock.advance(24 * 60 * 60);
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (status, _) = form(&site, "/api/paperless/enroll", "", Some(&processor)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the Org Admin enrolls the office"
        );
        let (_, before) = form(&site, "/api/paperless", "", Some(&processor)).await;
        assert_eq!(before["since"], serde_json::Value::Null);
        for _ in 0..2 {
            let (status, next) = form(&site, "/api/paperless/enroll", "", Some(&admin)).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(next, "/paperless?done=enrolled");
        }
        let (_, after) = form(&site, "/api/paperless", "", Some(&processor)).await;
        assert!(after["since"].as_str().is_some());
        let enrolled: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'organization.paperless'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(enrolled, 1, "enrolled once");
        let postal_before: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'postal'")
                .fetch_one(db)
                .await
                .unwrap();
        let (status, _) = form(
            &site,
            "/api/npis/pin/reset",
            &format!("npi={npi}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "the next day");
        let postal_after: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'postal'")
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!(
            postal_after, postal_before,
            "no postal letter when paperless"
        );
        let filed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM correspondence_documents WHERE provider_id = $1 AND correspondence_type = 'PIN Letters' AND created_at = $2",
        )
        .bind(provider_id)
        .bind(site.state.clock.unix())
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(filed, 1);
    }
}

#[tokio::test]
async fn another_organizations_npi_does_not_exist_for_a_user() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let harbor_npi: String = sqlx::query_scalar(
            "SELECT p.npi FROM providers p JOIN organizations o ON o.id = p.organization_id \
             WHERE o.name = 'Harbor Pediatrics' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        for path in ["/api/npis/settings", "/api/npis/pin", "/api/npis/pin/reset"] {
            let (status, _) = form(&site, path, &format!("npi={harbor_npi}"), Some(&admin)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let (_, listed) = form(
            &site,
            "/api/npis",
            &format!("search={harbor_npi}"),
            Some(&admin),
        )
        .await;
        assert!(listed["items"].as_array().unwrap().is_empty());
        let (status, _) = form(&site, "/api/npis", "search=", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn an_npi_admin_signs_the_pe_agreement_once_and_every_holder_reads_it() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (provider_id, npi): (i64, String) = sqlx::query_as(
            "SELECT p.id, p.npi FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
             JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = n.provider_id \
             WHERE u.email = 'processor@sunrise.example' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        let sign = |who: String, body: String| {
            let site = &site;
            async move { form(site, "/api/npis/pe-agreement/sign", &body, Some(&who)).await }
        };

        // Unsigned, the agreement is a blank form anyone holding the NPI may read.
        let blank = site
            .send(get(
                &format!("/downloads/npis/pe-agreement?npi={npi}"),
                Some(&processor),
            ))
            .await;
        assert_eq!(blank.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(blank.into_body(), 1 << 22)
            .await
            .unwrap();
        let text = pdf_text(&bytes);
        assert!(
            text.contains("Presumptive Eligibility Provider Agreement") && text.contains(&npi),
            "{text}"
        );
        assert!(!text.contains("Signed electronically"));

        // Only an Admin of the NPI signs.
        let (status, _) = sign(
            processor.clone(),
            format!("npi={npi}&name=Pat+Lee&title=Manager"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Name and title are both needed, said at their fields.
        let (status, error) = sign(admin.clone(), format!("npi={npi}&name=&title=")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = error.to_string();
        assert!(
            text.contains("Enter your first and last name.") && text.contains("Enter your title."),
            "{text}"
        );
        let long = "T".repeat(app::pins::MAX_TITLE_CHARS + 1);
        let (status, _) = sign(
            admin.clone(),
            format!("npi={npi}&name=Grace+Holloway&title={long}"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, _) = sign(
            admin.clone(),
            format!("npi={npi}&name=Grace+Holloway&title=Office+Manager"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, again) = sign(
            admin.clone(),
            format!("npi={npi}&name=Grace+Holloway&title=Owner"),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");

        // The signature shows on the NPI's page and in the PDF; the signing is audited.
        let (_, settings) = form(
            &site,
            "/api/npis/settings",
            &format!("npi={npi}"),
            Some(&processor),
        )
        .await;
        assert_eq!(settings["pe_agreement"]["name"], "Grace Holloway");
        assert_eq!(settings["pe_agreement"]["title"], "Office Manager");
        let signed = site
            .send(get(
                &format!("/downloads/npis/pe-agreement?npi={npi}"),
                Some(&processor),
            ))
            .await;
        let bytes = axum::body::to_bytes(signed.into_body(), 1 << 22)
            .await
            .unwrap();
        let text = pdf_text(&bytes);
        assert!(
            text.contains("Signed electronically by Grace Holloway, Office Manager"),
            "{text}"
        );
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'pe_agreement.sign' AND subject = $1",
        )
        .bind(format!("provider:{provider_id}"))
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);

        // Another organization's user does not learn the NPI exists.
        let harbor = session_of(&site, "reception@harbor.example").await;
        let other = site
            .send(get(
                &format!("/downloads/npis/pe-agreement?npi={npi}"),
                Some(&harbor),
            ))
            .await;
        assert_eq!(other.status(), StatusCode::NOT_FOUND);
    }
}
