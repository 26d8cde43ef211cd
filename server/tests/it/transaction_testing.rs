//! Transaction Testing over HTTP, on every database backend: a test file through the upload
//! pipeline, its result kept for the organization only.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

const BOUNDARY: &str = "portal-test-boundary-5c1e";

fn submit(kind: &str, name: &str, file: &[u8], cookie: &str) -> Request<Body> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"transaction_type\"\r\n\r\n{kind}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::post("/uploads/transaction-testing")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap()
}

/// An 837P with one claim line, billed by `npi`; `se` is what SE01 says.
fn claim_file(npi: &str, se: usize) -> String {
    [
        "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*POPPYHEALTH    *261130*1200*^*00501*000000905*0*T*:".to_string(),
        "GS*HC*SUBMITTER01*POPPYHEALTH*20261130*1200*905*X*005010X222A1".into(),
        "ST*837*0001*005010X222A1".into(),
        "BHT*0019*00*0123*20261130*1200*CH".into(),
        "NM1*41*2*SUNRISE BILLING*****46*SUB01".into(),
        "NM1*40*2*POPPY HEALTH*****46*POPPYHEALTH".into(),
        "HL*1**20*1".into(),
        format!("NM1*85*2*SUNRISE FAMILY CLINIC*****XX*{npi}"),
        "HL*2*1*22*0".into(),
        "NM1*IL*1*DOE*JANE****MI*90000001B".into(),
        "CLM*PA1234*125***11:B:1*Y*A*Y*Y".into(),
        "SV1*HC:99213*125*UN*1***1".into(),
        format!("SE*{se}*0001"),
        "GE*1*905".into(),
        "IEA*1*000000905".into(),
    ]
    .iter()
    .map(|s| format!("{s}~\n"))
    .collect()
}

fn location(response: &axum::response::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_test_file_is_checked_and_its_result_kept_for_the_organization() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let processor = session_of(&site, "processor@sunrise.example").await;
        let npi: String = sqlx::query_scalar(
            "SELECT p.npi FROM providers p JOIN organizations o ON o.id = p.organization_id \
             WHERE o.name = 'Sunrise Family Clinic' ORDER BY p.npi LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();

        // A good file: accepted, with its 999.
        let to = location(
            &site
                .send(submit(
                    "837P",
                    "claims.txt",
                    claim_file(&npi, 11).as_bytes(),
                    &processor,
                ))
                .await,
        );
        let id: i64 = to
            .strip_prefix("/transaction-testing?test=")
            .expect(&to)
            .parse()
            .unwrap();
        let (status, result) = form(
            &site,
            "/api/transaction-testing/result",
            &format!("id={id}"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{result}");
        assert_eq!(result["accepted"], true, "{result}");
        assert!(result["ack"].as_str().unwrap().contains("AK9*A*1*1*1~"));

        // A miscounted one: rejected, the finding named by segment.
        let to = location(
            &site
                .send(submit(
                    "837P",
                    "bad.txt",
                    claim_file(&npi, 12).as_bytes(),
                    &processor,
                ))
                .await,
        );
        let bad: i64 = to
            .strip_prefix("/transaction-testing?test=")
            .expect(&to)
            .parse()
            .unwrap();
        let (_, result) = form(
            &site,
            "/api/transaction-testing/result",
            &format!("id={bad}"),
            Some(&processor),
        )
        .await;
        assert_eq!(result["accepted"], false);
        assert_eq!(result["findings"][0]["segment"], "SE");

        // Not X12: refused by content, nothing recorded; no type chosen: named.
        let to = location(
            &site
                .send(submit(
                    "837P",
                    "claims.txt",
                    b"<html>nope</html>",
                    &processor,
                ))
                .await,
        );
        assert!(
            to.contains("upload_error=") && to.contains("not+an+X12+file"),
            "{to}"
        );
        let to = location(
            &site
                .send(submit(
                    "",
                    "claims.txt",
                    claim_file(&npi, 11).as_bytes(),
                    &processor,
                ))
                .await,
        );
        assert!(to.contains("Choose+a+Transaction+Type"), "{to}");
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM transaction_tests")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(kept, 2);

        // The office's tests are its own.
        let (_, recent) = form(
            &site,
            "/api/transaction-testing/recent",
            "",
            Some(&processor),
        )
        .await;
        assert_eq!(recent.as_array().unwrap().len(), 2);
        let harbor = session_of(&site, "reception@harbor.example").await;
        let (status, _) = form(
            &site,
            "/api/transaction-testing/result",
            &format!("id={id}"),
            Some(&harbor),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, theirs) = form(&site, "/api/transaction-testing/recent", "", Some(&harbor)).await;
        assert_eq!(theirs.as_array().unwrap().len(), 0);
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'transaction_test.submit'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(audited, 2);
    }
}
