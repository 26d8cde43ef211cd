//! Claim disputes, on every database backend: the request as a server draft, files checked by
//! content, size, number and ClamAV, one dispute per claim, the lookup and its downloads, and
//! the plan's queue (overdue after 24 hours, acknowledgment emailed, resolution as
//! correspondence).

use crate::common::*;
use crate::uploads::{multipart, pdf, start_clamd, upload_to, EICAR};
use axum::http::{header, StatusCode};

const REQUEST: &str = "dispute[description]=Paid+below+the+contracted+rate.&dispute[expected_outcome]=Pay+the+contracted+rate.\
     &dispute[name]=Pat+Lee&dispute[email]=pat%40sunrise.example&dispute[title]=&dispute[phone]=916-555-0100&dispute[fax]=";

/// Posts one file to the claim's dispute; answers the `upload_error` it came back with.
async fn attach(
    site: &Site,
    cookie: &str,
    claim: &str,
    name: &str,
    bytes: &[u8],
) -> Option<String> {
    let body = multipart(&[("claim", claim)], (name, bytes));
    let response = site
        .send(upload_to("/uploads/disputes", body, cookie))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        to.starts_with(&format!("/claims/{claim}?dispute=attach")),
        "{to}"
    );
    form_urlencoded::parse(to.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "upload_error")
        .map(|(_, v)| v.into_owned())
}

async fn count(site: &Site, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

/// "Continue to attachment" with the request's text: the draft is kept.
async fn save_request(site: &Site, cookie: &str, claim: &str) {
    let (status, answer) = form(
        site,
        "/api/disputes/save",
        &format!("claim={claim}&{REQUEST}"),
        Some(cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

/// Sunrise's finalized claims the plan paid itself, from the `skip`th on.
async fn disputable_claims(site: &Site, skip: i64, take: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.claim_number FROM claims c JOIN providers p ON p.id = c.billing_provider_id \
         JOIN organizations o ON o.id = p.organization_id WHERE o.name = 'Sunrise Family Clinic' \
         AND c.status = 'finalized' AND c.delegated_network IS NULL ORDER BY c.id LIMIT $1 OFFSET $2",
    )
    .bind(take)
    .bind(skip)
    .fetch_all(&site.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_dispute_from_draft_to_resolution() {
    let clamd = start_clamd();
    let addr = clamd.as_ref().map(|c| c.addr.clone());
    for site in sites_with(true, |s| s.clamd_addr = addr.clone()).await {
        let db = &site.state.db.pool;
        let admin = session_of(&site, "admin@sunrise.example").await;
        // A finalized Sunrise claim the plan paid itself, and one a delegated network paid.
        let pick = |delegated: bool| {
            format!(
                "SELECT c.claim_number FROM claims c JOIN providers p ON p.id = c.billing_provider_id \
                 JOIN organizations o ON o.id = p.organization_id WHERE o.name = 'Sunrise Family Clinic' \
                 AND c.status = 'finalized' AND c.delegated_network IS {} NULL ORDER BY c.id LIMIT 1",
                if delegated { "NOT" } else { "" }
            )
        };
        let claim: String = sqlx::query_scalar(&pick(false))
            .fetch_one(db)
            .await
            .unwrap();
        let delegated: String = sqlx::query_scalar(&pick(true)).fetch_one(db).await.unwrap();
        let (_, detail) = form(
            &site,
            "/api/claims/detail",
            &format!("number={claim}"),
            Some(&admin),
        )
        .await;
        assert_eq!(detail["may_dispute"], true);
        let (_, detail) = form(
            &site,
            "/api/claims/detail",
            &format!("number={delegated}"),
            Some(&admin),
        )
        .await;
        assert_eq!(detail["may_dispute"], false);
        let (status, _) = form(
            &site,
            "/api/disputes/save",
            &format!("claim={delegated}&{REQUEST}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "a delegated network's claim");

        // Missing fields are named and nothing is kept.
        let (status, error) = form(
            &site,
            "/api/disputes/save",
            &format!(
                "claim={claim}&{}",
                REQUEST.replace("Pat+Lee", "").replace("916-555-0100", "12")
            ),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            !error["Validation"]["name"].is_null() && !error["Validation"]["phone"].is_null(),
            "{error}"
        );
        assert_eq!(
            count(
                &site,
                "SELECT COUNT(*) FROM drafts WHERE kind = $1",
                "dispute"
            )
            .await,
            0
        );
        save_request(&site, &admin, &claim).await;

        // Files: a web page named .pdf, a file over 25 MB and (with clamd) the EICAR file are
        // refused, each saying why; five good ones are taken and a sixth is not.
        let refused = attach(
            &site,
            &admin,
            &claim,
            "letter.pdf",
            b"<!DOCTYPE html><html><body>hi</body></html>",
        )
        .await;
        assert!(refused.unwrap().contains("letter.pdf"));
        let mut big = pdf();
        big.resize(25 * 1024 * 1024 + 1, b' ');
        let refused = attach(&site, &admin, &claim, "big.pdf", &big)
            .await
            .unwrap();
        assert!(refused.contains("25 MB"), "{refused}");
        if clamd.is_some() {
            let mut infected = pdf();
            infected.extend_from_slice(EICAR);
            let refused = attach(&site, &admin, &claim, "scan.pdf", &infected)
                .await
                .unwrap();
            assert!(
                refused.to_lowercase().contains("virus") || refused.contains("Eicar"),
                "{refused}"
            );
        }
        for n in 1..=5 {
            assert_eq!(
                attach(&site, &admin, &claim, &format!("record-{n}.pdf"), &pdf()).await,
                None
            );
        }
        let refused = attach(&site, &admin, &claim, "record-6.pdf", &pdf())
            .await
            .unwrap();
        assert!(refused.contains("at most 5 files"), "{refused}");
        // The draft kept what was typed through the refusals.
        let (_, start) = form(
            &site,
            "/api/disputes/start",
            &format!("claim={claim}"),
            Some(&admin),
        )
        .await;
        assert_eq!(start["form"]["name"], "Pat Lee");
        assert_eq!(start["files"].as_array().unwrap().len(), 5);

        // Submitted: a number, the files, the draft gone; a claim is disputed once.
        let (status, _) = form(
            &site,
            "/api/disputes/submit",
            &format!("claim={claim}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, start) = form(
            &site,
            "/api/disputes/start",
            &format!("claim={claim}"),
            Some(&admin),
        )
        .await;
        let number = start["number"].as_str().unwrap().to_string();
        assert!(number.starts_with("PDR"), "{number}");
        assert_eq!(
            count(
                &site,
                "SELECT COUNT(*) FROM drafts WHERE kind = $1",
                "dispute"
            )
            .await,
            0
        );
        let (status, _) = form(
            &site,
            "/api/disputes/submit",
            &format!("claim={claim}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (_, detail) = form(
            &site,
            "/api/claims/detail",
            &format!("number={claim}"),
            Some(&admin),
        )
        .await;
        assert_eq!(
            (detail["may_dispute"].clone(), detail["dispute"].clone()),
            (serde_json::json!(false), serde_json::json!(number))
        );

        // The lookup finds it by number and by claim; its dialog and a file download are audited.
        let search = |by: &str, claim: &str, number: &str| {
            format!("search[by]={by}&search[from]=&search[to]=&search[status]=&search[claim]={claim}&search[number]={number}")
        };
        let (_, found) = form(
            &site,
            "/api/disputes/search",
            &search("number", "", &number.to_lowercase()),
            Some(&admin),
        )
        .await;
        assert_eq!(found[0]["number"], number.as_str());
        let (_, found) = form(
            &site,
            "/api/disputes/search",
            &search("search", &claim, ""),
            Some(&admin),
        )
        .await;
        assert_eq!(found[0]["claim"], claim.as_str());
        let (status, dispute) = form(
            &site,
            "/api/disputes/detail",
            &format!("number={number}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let file = dispute["files"][0]["id"].as_i64().unwrap();
        let response = site
            .send(get(
                &format!("/downloads/disputes/file?dispute={number}&file={file}"),
                Some(&admin),
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap(),
            pdf()
        );
        let dispute_id: i64 = sqlx::query_scalar("SELECT id FROM disputes WHERE number = $1")
            .bind(&number)
            .fetch_one(db)
            .await
            .unwrap();
        let subject = format!("dispute:{dispute_id}");
        for action in ["dispute.submit", "dispute.view", "download"] {
            let audited: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2",
            )
            .bind(action)
            .bind(&subject)
            .fetch_one(db)
            .await
            .unwrap();
            assert_eq!(audited, 1, "{action}");
        }
        // Another office (Harbor's admin, with every module) is answered 404, as for nothing;
        // a user without the Disputes module 403.
        let harbor = session_in(&site, "multi@sunrise.example", "Harbor Pediatrics").await;
        let (status, missing) = form(
            &site,
            "/api/disputes/detail",
            &format!("number={number}"),
            Some(&harbor),
        )
        .await;
        let (status_none, nothing) = form(
            &site,
            "/api/disputes/detail",
            "number=PDR2026999999",
            Some(&harbor),
        )
        .await;
        assert_eq!(
            (status, status_none),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
        );
        assert_eq!(missing, nothing);
        let response = site
            .send(get(
                &format!("/downloads/disputes/file?dispute={number}&file={file}"),
                Some(&harbor),
            ))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let claims_only = session_of(&site, "multi@sunrise.example").await;
        let (status, _) = form(
            &site,
            "/api/disputes/detail",
            &format!("number={number}"),
            Some(&claims_only),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The plan's queue: overdue after 24 hours unacknowledged; acknowledging emails the
        // office's admins; resolving writes the letter.
        let ops = session_of(&site, "ops@poppy.example").await;
        let (_, queue) = form(&site, "/api/operator/disputes", "", Some(&ops)).await;
        let queued = queue
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["number"] == number.as_str())
            .unwrap()
            .clone();
        assert_eq!(queued["overdue"], false);
        site.clock.advance(24 * 3600 + 60);
        let ops = session_of(&site, "ops@poppy.example").await;
        let (_, queue) = form(&site, "/api/operator/disputes", "", Some(&ops)).await;
        assert!(queue
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["number"] == number.as_str() && d["overdue"] == true));
        let (status, _) = form(
            &site,
            "/api/operator/disputes/acknowledge",
            &format!("dispute_id={dispute_id}"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let mail = last_message_to(&site, "admin@sunrise.example").await;
        assert!(
            mail.subject
                .contains(&format!("Dispute {number} acknowledged")),
            "{}",
            mail.subject
        );
        let (status, _) = form(
            &site,
            "/api/operator/disputes/acknowledge",
            &format!("dispute_id={dispute_id}"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, error) = form(
            &site,
            "/api/operator/disputes/resolve",
            &format!("dispute_id={dispute_id}&resolution="),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let (status, _) = form(
            &site,
            "/api/operator/disputes/resolve",
            &format!("dispute_id={dispute_id}&resolution=The+claim+is+reprocessed+at+the+contracted+rate."),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, dispute) = form(
            &site,
            "/api/disputes/detail",
            &format!("number={number}"),
            Some(&admin),
        )
        .await;
        assert_eq!(dispute["status"], "Resolved");
        let response = site
            .send(get(
                &format!("/downloads/disputes/letter?dispute={number}"),
                Some(&admin),
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let text = pdf_text(
            &axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap(),
        );
        assert!(
            text.contains("reprocessed at the contracted rate") && text.contains(&number),
            "{text}"
        );
        let letters = count(
            &site,
            "SELECT COUNT(*) FROM correspondence_documents WHERE title = $1",
            &format!("Dispute Resolution {number}"),
        )
        .await;
        assert_eq!(letters, 1);
        // Resolved: no more files.
        let refused = attach(&site, &admin, &claim, "late.pdf", &pdf())
            .await
            .unwrap();
        assert!(refused.contains("resolved"), "{refused}");
    }
}

/// Files sent at once, and a file sent as the request is submitted, all join it; the fifth file
/// is the last even when two come together; and files follow the request's text.
#[tokio::test]
async fn files_sent_at_once_all_join_the_request() {
    for site in sites(true).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let claim = disputable_claims(&site, 0, 1).await.remove(0);
        let files = || async {
            let (_, start) = form(
                &site,
                "/api/disputes/start",
                &format!("claim={claim}"),
                Some(&admin),
            )
            .await;
            let mut names: Vec<String> = start["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap().to_string())
                .collect();
            names.sort();
            names
        };
        let pdf = pdf();
        let send = |name: &'static str| attach(&site, &admin, &claim, name, &pdf);
        let refused = send("early.pdf").await.unwrap();
        assert!(refused.contains("Continue to attachment"), "{refused}");
        // Nor is there a file to remove, and no draft is written for trying.
        let (status, _) = form(
            &site,
            "/api/disputes/remove-file",
            &format!("claim={claim}&file=1"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            count(
                &site,
                "SELECT COUNT(*) FROM drafts WHERE kind = $1",
                "dispute"
            )
            .await,
            0
        );
        save_request(&site, &admin, &claim).await;
        let (a, b, c) = tokio::join!(send("a.pdf"), send("b.pdf"), send("c.pdf"));
        assert_eq!((a, b, c), (None, None, None));
        assert_eq!(files().await, ["a.pdf", "b.pdf", "c.pdf"]);
        // Submitted while a fourth file comes: the dispute has all four.
        let submit = format!("claim={claim}");
        let (submitted, d) = tokio::join!(
            form(&site, "/api/disputes/submit", &submit, Some(&admin)),
            send("d.pdf")
        );
        assert_eq!((submitted.0, d), (StatusCode::OK, None), "{submitted:?}");
        assert_eq!(files().await, ["a.pdf", "b.pdf", "c.pdf", "d.pdf"]);
        assert_eq!(
            count(
                &site,
                "SELECT COUNT(*) FROM drafts WHERE kind = $1",
                "dispute"
            )
            .await,
            0,
            "no draft left behind"
        );
        // Two more at once: one is the fifth, the other is refused.
        let (e, f) = tokio::join!(send("e.pdf"), send("f.pdf"));
        let refused: Vec<String> = [e, f].into_iter().flatten().collect();
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(refused[0].contains("at most 5 files"), "{refused:?}");
        assert_eq!(files().await.len(), 5);

        // More claims, each submitted while a file comes, the two sent in either order.
        let others = disputable_claims(&site, 1, 4).await;
        for (i, other) in others.iter().enumerate() {
            save_request(&site, &admin, other).await;
            let submit = format!("claim={other}");
            let submitted = form(&site, "/api/disputes/submit", &submit, Some(&admin));
            let sent = attach(&site, &admin, other, "late.pdf", &pdf);
            let (submitted, sent) = if i % 2 == 0 {
                tokio::join!(submitted, sent)
            } else {
                let (sent, submitted) = tokio::join!(sent, submitted);
                (submitted, sent)
            };
            assert_eq!((submitted.0, sent), (StatusCode::OK, None), "{other}");
            let (_, start) = form(&site, "/api/disputes/start", &submit, Some(&admin)).await;
            assert_eq!(start["files"].as_array().unwrap().len(), 1, "{start}");
        }
    }
}
