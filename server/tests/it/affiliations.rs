//! Affiliations between offices and submitters, on every database backend: the submitter's
//! signed request, the office's denial or signed approval (the submitter told and emailed),
//! and the 835 receiver an NPI's Admin picks among its affiliated submitters.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["organization"].as_str().unwrap().to_string())
        .collect()
}

const SIGNED: &str =
    "signing[confirm]=true&signing[first_name]=Victor&signing[last_name]=Lang&signing[role]=Owner";

#[tokio::test]
async fn a_submitter_asks_an_office_approves_and_an_npi_sends_its_835_there() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let valley = session_of(&site, "billing@valley.example").await;
        let sunrise = session_of(&site, "admin@sunrise.example").await;
        let (npi, tax_id): (String, String) = sqlx::query_as(
            "SELECT p.npi, o.tax_id FROM providers p JOIN organizations o ON o.id = p.organization_id \
             WHERE o.name = 'Sunrise Family Clinic' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();

        // The demo: Valley submits for Harbor and has asked Sunrise.
        let (status, mine) = form(&site, "/api/affiliations", "", Some(&valley)).await;
        assert_eq!(status, StatusCode::OK, "{mine}");
        assert_eq!(mine["provider"], false);
        assert_eq!(names(&mine["affiliated"]), ["Harbor Pediatrics"]);
        assert_eq!(names(&mine["pending"]), ["Sunrise Family Clinic"]);

        // The office is found by an NPI and its tax ID together.
        let (status, _) = form(
            &site,
            "/api/affiliations/find",
            &format!("npi={npi}&tax_id=941111111"),
            Some(&valley),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, office) = form(
            &site,
            "/api/affiliations/find",
            &format!("npi={npi}&tax_id={tax_id}"),
            Some(&valley),
        )
        .await;
        assert_eq!(
            (status, office.as_str()),
            (StatusCode::OK, Some("Sunrise Family Clinic"))
        );
        // One open request per pair; an office cannot ask.
        let request = format!("npi={npi}&tax_id={tax_id}&{SIGNED}");
        let (status, error) =
            form(&site, "/api/affiliations/request", &request, Some(&valley)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error.to_string().contains("already has"), "{error}");
        let (status, _) = form(&site, "/api/affiliations/request", &request, Some(&sunrise)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Sunrise denies; Valley asks again; Sunrise approves with its own signature.
        let (_, theirs) = form(&site, "/api/affiliations", "", Some(&sunrise)).await;
        assert_eq!(theirs["provider"], true);
        let id = theirs["pending"][0]["id"].as_i64().unwrap();
        // "Deny" asks first, in a dialog the address opens: the page comes with it filled in
        // (it once waited forever: the list, made inside `Require`, was read with `Require`'s
        // own `Suspense` the nearest).
        for _ in 0..20 {
            let page = get(&format!("/affiliations?deny={id}"), Some(&sunrise));
            let page = async { body_text(site.send(page).await).await };
            let html = tokio::time::timeout(std::time::Duration::from_secs(10), page)
                .await
                .expect("the page never came");
            assert!(
                html.contains("Are you sure you want to deny the affiliation request from Valley Billing Services?"),
                "{:?}: the dialog came empty",
                site.state.db.backend
            );
        }
        let (status, _) = form(
            &site,
            "/api/affiliations/deny",
            &format!("id={id}"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = form(
            &site,
            "/api/affiliations/deny",
            &format!("id={id}"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "decided once");
        let (status, answer) =
            form(&site, "/api/affiliations/request", &request, Some(&valley)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (_, theirs) = form(&site, "/api/affiliations", "", Some(&sunrise)).await;
        let id = theirs["pending"][0]["id"].as_i64().unwrap();
        let unsigned =
            "signing[confirm]=false&signing[first_name]=&signing[last_name]=&signing[role]=";
        let (status, error) = form(
            &site,
            "/api/affiliations/approve",
            &format!("id={id}&{unsigned}"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error.to_string().contains("Choose your Role."), "{error}");
        let signed = "signing[confirm]=true&signing[first_name]=Grace&signing[last_name]=Holloway&signing[role]=Office+Manager";
        let (status, _) = form(
            &site,
            "/api/affiliations/approve",
            &format!("id={id}&{signed}"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, mine) = form(&site, "/api/affiliations", "", Some(&valley)).await;
        assert_eq!(
            names(&mine["affiliated"]),
            ["Harbor Pediatrics", "Sunrise Family Clinic"]
        );
        let told: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.email = 'billing@valley.example' AND n.kind = 'affiliation'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(told, 2, "denied, then approved");
        let emailed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'billing@valley.example' AND subject LIKE '%Affiliation approved'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(emailed, 1);

        // 835 Receivers: the NPI's Admin picks Valley; only affiliated submitters can be chosen.
        let (status, choices) = form(
            &site,
            "/api/npis/835-receivers",
            &format!("npi={npi}"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{choices}");
        let valley_id = choices[0][0][0].as_i64().unwrap();
        assert!(choices[1].is_null());
        let (status, _) = form(
            &site,
            "/api/npis/835-receivers/save",
            &format!("npi={npi}&receiver=999999"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = form(
            &site,
            "/api/npis/835-receivers/save",
            &format!("npi={npi}&receiver={valley_id}"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, choices) = form(
            &site,
            "/api/npis/835-receivers",
            &format!("npi={npi}"),
            Some(&sunrise),
        )
        .await;
        assert_eq!(choices[1].as_i64(), Some(valley_id));
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'npi.835_receiver'")
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!(audited, 1);
        // Not for a Processor of the NPI, nor for another office's users.
        let processor = session_of(&site, "processor@sunrise.example").await;
        let held: String = sqlx::query_scalar(
            "SELECT p.npi FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
             JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = n.provider_id \
             WHERE u.email = 'processor@sunrise.example' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (status, _) = form(
            &site,
            "/api/npis/835-receivers/save",
            &format!("npi={held}&receiver=0"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = form(&site, "/api/affiliations", "", Some(&processor)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let harbor = session_of(&site, "reception@harbor.example").await;
        let (status, _) = form(
            &site,
            "/api/npis/835-receivers",
            &format!("npi={npi}"),
            Some(&harbor),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A submitter may keep itself out of the directory.
        let (_, before) = form(&site, "/api/affiliations", "", Some(&sunrise)).await;
        assert!(before["directory"]
            .to_string()
            .contains("Valley Billing Services"));
        let (status, _) = form(
            &site,
            "/api/affiliations/directory",
            "listed=false",
            Some(&valley),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, after) = form(&site, "/api/affiliations", "", Some(&sunrise)).await;
        assert!(!after["directory"]
            .to_string()
            .contains("Valley Billing Services"));
    }
}
