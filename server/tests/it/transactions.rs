//! Transaction Services: eligibility (270/271) and claim status (276/277) for an NPI the user
//! holds, answered from the plan's members and claims.

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn eligibility_and_claim_status_answer_from_the_plans_data_for_npis_held() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let session = session_of(&site, "processor@sunrise.example").await;
        // An NPI the processor holds, and a claim it billed.
        let (npi, provider_id): (String, i64) = sqlx::query_as(
            "SELECT p.npi, p.id FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
             JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = n.provider_id \
             WHERE u.email = 'processor@sunrise.example' \
             AND EXISTS (SELECT 1 FROM claims c WHERE c.service_provider_id = p.id) ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (claim_number, status, paid, cin, birth, from, to): (String, String, i64, String, String, String, String) =
            sqlx::query_as(
                "SELECT c.claim_number, c.status, c.paid_cents, m.cin, m.date_of_birth, c.service_from, c.service_to \
                 FROM claims c JOIN members m ON m.id = c.member_id WHERE c.service_provider_id = $1 \
                 ORDER BY c.claim_number LIMIT 1",
            )
            .bind(provider_id)
            .fetch_one(db)
            .await
            .unwrap();

        let (list_status, npis) = form(&site, "/api/transactions/npis", "", Some(&session)).await;
        assert_eq!(list_status, StatusCode::OK);
        assert!(npis.to_string().contains(&npi), "{npis}");

        // Eligibility: the member's coverage on the day of service, as a 271.
        let ask = |cin: &str, birth: &str, day: &str| {
            format!("npi={npi}&inquiry[cin]={cin}&inquiry[birth_date]={birth}&inquiry[service_date]={day}")
        };
        let (code, answer) = form(
            &site,
            "/api/transactions/eligibility",
            &ask(&cin, &birth, &from),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{answer}");
        let benefits = &answer["benefits"];
        assert_eq!(benefits["cin"], cin.as_str());
        let x12 = answer["x12"].as_str().unwrap();
        assert!(x12.contains("ST*271*0001*005010X279A1~"), "{x12}");
        assert!(x12.contains(&format!("*MI*{cin}~")), "{x12}");
        let eb = if benefits["active"] == true {
            "EB*1*IND*30*MC*"
        } else {
            "EB*6*IND*30*MC*"
        };
        assert!(x12.contains(eb), "{x12}");
        assert!(
            x12.contains("NM1*1P*2*") && x12.contains(&format!("*XX*{npi}~")),
            "{x12}"
        );

        // A CIN with the wrong birth date is not found (AAA 75), and reveals nobody.
        let (code, answer) = form(
            &site,
            "/api/transactions/eligibility",
            &ask(&cin, "1900-01-01", ""),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        assert!(answer["benefits"].is_null());
        assert!(answer["x12"].as_str().unwrap().contains("AAA*N**75*C~"));
        // Bad input is named at the field.
        let (code, error) = form(
            &site,
            "/api/transactions/eligibility",
            &ask("123", "", ""),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
        let text = error.to_string();
        assert!(
            text.contains("8 digits followed by a letter") && text.contains("Date of Birth"),
            "{text}"
        );

        // Claim status by number, as a 277.
        let status_of = |claim: &str, cin: &str, from: &str, to: &str| {
            format!("npi={npi}&inquiry[claim]={claim}&inquiry[cin]={cin}&inquiry[from]={from}&inquiry[to]={to}")
        };
        let (code, answer) = form(
            &site,
            "/api/transactions/claim-status",
            &status_of(&claim_number, "", "", ""),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{answer}");
        let claims = answer["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 1);
        let (category, reason, _) = app::transactions::status_codes(&status, paid);
        assert_eq!(claims[0]["code"], format!("{category}:{reason}"));
        let x12 = answer["x12"].as_str().unwrap();
        assert!(
            x12.contains("ST*277*0001*005010X212~")
                && x12.contains(&format!("REF*1K*{claim_number}~")),
            "{x12}"
        );
        assert!(x12.contains(&format!("STC*{category}:{reason}*")), "{x12}");

        // By member and service dates: only claims this NPI billed or rendered.
        let (code, answer) = form(
            &site,
            "/api/transactions/claim-status",
            &status_of("", &cin, &from, &to),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::OK, "{answer}");
        let numbers: Vec<String> = answer["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["claim_number"].as_str().unwrap().to_string())
            .collect();
        assert!(numbers.contains(&claim_number));
        let billed_here: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM claims c JOIN members m ON m.id = c.member_id WHERE m.cin = $1 \
             AND (c.billing_provider_id = $2 OR c.service_provider_id = $2) AND c.service_from <= $4 AND c.service_to >= $3",
        )
        .bind(&cin)
        .bind(provider_id)
        .bind(&from)
        .bind(&to)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(numbers.len() as i64, billed_here);

        // Another NPI's claim is not found through this one.
        let other: String = sqlx::query_scalar(
            "SELECT claim_number FROM claims WHERE billing_provider_id <> $1 AND service_provider_id <> $1 ORDER BY claim_number LIMIT 1",
        )
        .bind(provider_id)
        .fetch_one(db)
        .await
        .unwrap();
        let (_, answer) = form(
            &site,
            "/api/transactions/claim-status",
            &status_of(&other, "", "", ""),
            Some(&session),
        )
        .await;
        assert_eq!(answer["claims"].as_array().unwrap().len(), 0);

        // Another organization's NPI does not exist for this user.
        let harbor: String = sqlx::query_scalar(
            "SELECT p.npi FROM providers p JOIN organizations o ON o.id = p.organization_id \
             WHERE o.name = 'Harbor Pediatrics' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (code, _) = form(
            &site,
            "/api/transactions/services",
            &format!("npi={harbor}"),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::NOT_FOUND);

        // An NPI not enrolled for claim status inquiries is refused them.
        sqlx::query("DELETE FROM provider_transactions WHERE provider_id = $1 AND transaction_set = '276/277'")
            .bind(provider_id)
            .execute(db)
            .await
            .unwrap();
        let (code, services) = form(
            &site,
            "/api/transactions/services",
            &format!("npi={npi}"),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(services["claim_status"], false);
        let (code, _) = form(
            &site,
            "/api/transactions/claim-status",
            &status_of(&claim_number, "", "", ""),
            Some(&session),
        )
        .await;
        assert_eq!(code, StatusCode::FORBIDDEN);

        // Every inquiry is audited.
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('transactions.eligibility', 'transactions.claim_status')",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(audited, 5);
    }
}

/// An inquiry asked by the page's address (a GET form, with or without the browser app) runs,
/// and is audited, once a page. (Made inside the page's `Require`, it ran once for every walk
/// of the page.)
#[tokio::test]
async fn an_inquiry_page_asks_once() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let session = session_of(&site, "processor@sunrise.example").await;
        let (npi, cin, birth, claim): (String, String, String, String) = sqlx::query_as(
            "SELECT p.npi, m.cin, m.date_of_birth, c.claim_number FROM npi_permissions n \
             JOIN memberships s ON s.id = n.membership_id JOIN users u ON u.id = s.user_id \
             JOIN providers p ON p.id = n.provider_id JOIN claims c ON c.service_provider_id = p.id \
             JOIN members m ON m.id = c.member_id WHERE u.email = 'processor@sunrise.example' \
             ORDER BY p.npi, c.claim_number LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let audited = |action: &'static str| async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE action = $1")
                .bind(action)
                .fetch_one(db)
                .await
                .unwrap()
        };
        let (y, m, d) = (&birth[..4], &birth[5..7], &birth[8..]);
        let pages = [
            (
                format!(
                    "/transactions?npi={npi}&inquiry=eligibility&cin={cin}&birth_date={m}%2F{d}%2F{y}&service_date="
                ),
                "transactions.eligibility",
                "Eligibility Response (271)",
            ),
            (
                format!("/transactions?npi={npi}&inquiry=status&claim={claim}&cin=&from=&to="),
                "transactions.claim_status",
                &*claim,
            ),
        ];
        for (path, action, shown) in pages {
            let before = audited(action).await;
            let page = body_text(site.send(get(&path, Some(&session))).await).await;
            assert!(page.contains(shown), "{page}");
            assert_eq!(audited(action).await - before, 1, "{action}");
        }
    }
}
