//! Claims lookup, detail and downloads: only claims an NPI the user holds billed or rendered,
//! keyset pages that cover a search exactly once, the EOB adding up, CSV, RA and printable
//! PDFs, each view and download audited, and the lookup's queries served by indexes.

use crate::common::*;
use app::claims::repo;
use app::claims::DateType;
use app::ssr::db::Backend;
use axum::http::StatusCode;
use std::collections::BTreeSet;

/// The claims `email`'s NPIs billed or rendered, serviced `from`..=`to`: (number, date).
async fn held_claims(site: &Site, email: &str, from: &str, to: &str) -> BTreeSet<String> {
    sqlx::query_scalar(
        "SELECT c.claim_number FROM claims c WHERE c.service_from >= $2 AND c.service_from <= $3 AND \
         (c.billing_provider_id IN (SELECT n.provider_id FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
           JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.is_default = 1) \
          OR c.service_provider_id IN (SELECT n.provider_id FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
           JOIN users u ON u.id = m.user_id WHERE u.email = $1 AND m.is_default = 1))",
    )
    .bind(email)
    .bind(from)
    .bind(to)
    .fetch_all(&site.state.db.pool)
    .await
    .unwrap()
    .into_iter()
    .collect()
}

fn by_dates(from: &str, to: &str, extra: &str) -> String {
    format!(
        "search[by]=date&search[from]={from}&search[to]={to}&search[date_type]=service&search[status]=&search[cin]=&search[number]={extra}"
    )
}

async fn audits(site: &Site, action: &str, subject: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND subject = $2")
        .bind(action)
        .bind(subject)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_lookup_pages_through_exactly_the_claims_of_the_npis_held() {
    for site in sites(false).await {
        let (from, to) = ("2025-01-01", "2026-12-31");
        for (email, order) in [
            ("processor@sunrise.example", "newest"),
            ("admin@sunrise.example", "newest"),
            ("admin@sunrise.example", "oldest"),
        ] {
            let session = session_of(&site, email).await;
            let expected = held_claims(&site, email, from, to).await;
            assert!(expected.len() > 25, "{email}: more than a page");
            let (mut seen, mut after, mut last_date) = (Vec::new(), String::new(), None::<String>);
            loop {
                let body = format!(
                    "{}&search[order]={order}&after={after}",
                    by_dates(from, to, "")
                );
                let (status, page) = form(&site, "/api/claims/search", &body, Some(&session)).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                let items = page["items"].as_array().unwrap();
                assert!(items.len() <= 25);
                for item in items {
                    // In order: MM/DD/YYYY compared as YYYY-MM-DD.
                    let d = item["service_from"].as_str().unwrap();
                    let iso = format!("{}-{}-{}", &d[6..], &d[..2], &d[3..5]);
                    if let Some(last) = &last_date {
                        let in_order = if order == "oldest" {
                            &iso >= last
                        } else {
                            &iso <= last
                        };
                        assert!(in_order, "{email} {order}: {iso} after {last}");
                    }
                    last_date = Some(iso);
                    seen.push(item["number"].as_str().unwrap().to_string());
                }
                match page["next"].as_str() {
                    Some(next) => after = next.to_string(),
                    None => break,
                }
            }
            let unique: BTreeSet<String> = seen.iter().cloned().collect();
            assert_eq!(unique.len(), seen.len(), "{email} {order}: each claim once");
            assert_eq!(unique, expected, "{email} {order}");
        }

        // The processor holds two NPIs: a claim neither billed nor rendered is not found,
        // exactly like one that does not exist; the admin, holding all, sees it.
        let processor = session_of(&site, "processor@sunrise.example").await;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let all = held_claims(&site, "admin@sunrise.example", from, to).await;
        let mine = held_claims(&site, "processor@sunrise.example", from, to).await;
        let other = all.difference(&mine).next().unwrap().clone();
        let (status, missing) = form(
            &site,
            "/api/claims/detail",
            &format!("number={other}"),
            Some(&processor),
        )
        .await;
        let (status_none, none) = form(
            &site,
            "/api/claims/detail",
            "number=2020NOSUCH1",
            Some(&processor),
        )
        .await;
        assert_eq!(
            (status, status_none),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
        );
        assert_eq!(missing, none);
        let (status, _) = form(
            &site,
            "/api/claims/detail",
            &format!("number={other}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let search = format!(
            "search[by]=number&search[from]=&search[to]=&search[date_type]=&search[status]=&search[cin]=&search[number]={other}"
        );
        let (_, found) = form(&site, "/api/claims/search", &search, Some(&processor)).await;
        assert_eq!(found["items"].as_array().unwrap().len(), 0);
        let (_, found) = form(&site, "/api/claims/search", &search, Some(&admin)).await;
        assert_eq!(found["items"][0]["number"], other.as_str());

        // Without the Claims module: 403. Another organization's admin, with every module, is
        // answered 404 for Sunrise's claim and its downloads, as for no claim at all.
        let reception = session_of(&site, "reception@harbor.example").await;
        let (status, _) = form(
            &site,
            "/api/claims/detail",
            &format!("number={other}"),
            Some(&reception),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no Claims module");
        let harbor = session_in(&site, "multi@sunrise.example", "Harbor Pediatrics").await;
        let (status, _) = form(
            &site,
            "/api/claims/detail",
            &format!("number={other}"),
            Some(&harbor),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for path in ["ra", "printable"] {
            let response = site
                .send(get(
                    &format!("/downloads/claims/{path}?number={other}"),
                    Some(&harbor),
                ))
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }

        // Status and CIN narrow the search; a CIN finds only that member's claims.
        let (cin, status_code): (String, String) = sqlx::query_as(
            "SELECT m.cin, c.status FROM claims c JOIN members m ON m.id = c.member_id WHERE c.claim_number = $1",
        )
        .bind(&other)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        let body = by_dates(from, to, "")
            .replace("search[status]=", &format!("search[status]={status_code}"))
            .replace(
                "search[cin]=",
                &format!("search[cin]={}", cin.to_lowercase()),
            );
        let (status, page) = form(&site, "/api/claims/search", &body, Some(&admin)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["number"] == other.as_str()));
        assert!(items.iter().all(|i| i["cin"] == cin.as_str()));

        // Bad input is named at its field and finds nothing.
        let (status, error) = form(
            &site,
            "/api/claims/search",
            &by_dates("2026-05-02", "2026-05-01", "").replace("search[cin]=", "search[cin]=12"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = error.to_string();
        assert!(
            text.contains("The To date must be on or after the From date."),
            "{text}"
        );
        assert!(text.contains("8 digits followed by a letter"), "{text}");
    }
}

#[tokio::test]
async fn the_claim_page_adds_up_and_each_view_and_download_is_audited() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let admin = session_of(&site, "admin@sunrise.example").await;
        // A finalized OneCare claim with a deductible, held by the admin.
        let (id, number): (i64, String) = sqlx::query_as(
            "SELECT c.id, c.claim_number FROM claims c WHERE c.status = 'finalized' AND c.paid_cents > 0 \
             AND c.billing_provider_id IN (SELECT p.id FROM providers p JOIN organizations o ON o.id = p.organization_id \
             WHERE o.name = 'Sunrise Family Clinic') \
             ORDER BY (SELECT SUM(deductible_cents + coinsurance_cents + interest_cents) FROM claim_lines l WHERE l.claim_id = c.id) DESC, c.id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (status, claim) = form(
            &site,
            "/api/claims/detail",
            &format!("number={number}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{claim}");
        assert_eq!(audits(&site, "claim.view", &format!("claim:{id}")).await, 1);
        let cents = |v: &serde_json::Value| -> i64 {
            let text = v.as_str().unwrap().replace(['$', ','], "");
            let (whole, frac) = text.split_once('.').unwrap();
            whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
        };
        let mut paid_total = 0;
        for line in claim["eob"].as_array().unwrap() {
            assert_eq!(
                cents(&line["billed"]),
                cents(&line["allowed"]) + cents(&line["disallowed"])
            );
            assert_eq!(
                cents(&line["paid"]),
                cents(&line["allowed"])
                    - cents(&line["coinsurance"])
                    - cents(&line["copay"])
                    - cents(&line["deductible"])
                    + cents(&line["interest"])
            );
            paid_total += cents(&line["paid"]);
        }
        assert_eq!(cents(&claim["eob_total"]["paid"]), paid_total);
        assert_eq!(cents(&claim["total_payable"]), paid_total);
        let claim_paid: i64 = sqlx::query_scalar("SELECT paid_cents FROM claims WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(
            claim_paid, paid_total,
            "the claim's paid amount is its lines'"
        );
        // Reason codes and diagnoses come with their descriptions from the code lists.
        let reasons = claim["reasons"].as_array().unwrap();
        assert!(!reasons.is_empty());
        assert!(reasons.iter().all(|r| !r[1].as_str().unwrap().is_empty()));
        assert!(claim["diagnoses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| !d[1].as_str().unwrap().is_empty()));
        assert!(!claim["member"]["name"].as_str().unwrap().is_empty());
        assert!(claim["payment_provider"]["npi"].as_str().unwrap().len() == 10);

        // The printable copy and the remittance advice, as PDFs, each download audited.
        let response = site
            .send(get(
                &format!("/downloads/claims/printable?number={number}"),
                Some(&admin),
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let text = pdf_text(
            &axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap(),
        );
        assert!(text.contains(&format!("Claim #: {number}")), "{text}");
        assert!(
            text.contains("Explanation of Benefits") && text.contains("Interest"),
            "{text}"
        );
        let response = site
            .send(get(
                &format!("/downloads/claims/ra?number={number}"),
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
            text.contains("Remittance Advice") && text.contains(&number),
            "{text}"
        );
        assert_eq!(audits(&site, "download", &format!("claim:{id}")).await, 2);

        // Someone without the claim's NPIs gets 404 for its downloads too.
        let processor = session_of(&site, "processor@sunrise.example").await;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM claims c WHERE c.id = $1 AND (c.billing_provider_id IN (SELECT provider_id FROM npi_permissions n \
             JOIN memberships m ON m.id = n.membership_id JOIN users u ON u.id = m.user_id WHERE u.email = 'processor@sunrise.example') \
             OR c.service_provider_id IN (SELECT provider_id FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
             JOIN users u ON u.id = m.user_id WHERE u.email = 'processor@sunrise.example'))",
        )
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap();
        if held == 0 {
            for path in ["printable", "ra"] {
                let response = site
                    .send(get(
                        &format!("/downloads/claims/{path}?number={number}"),
                        Some(&processor),
                    ))
                    .await;
                assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            }
        }
    }
}

#[tokio::test]
async fn the_csv_download_holds_every_claim_of_the_search() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (from, to) = ("2025-01-01", "2026-12-31");
        let expected = held_claims(&site, "admin@sunrise.example", from, to).await;
        let response = site
            .send(get(
                &format!("/downloads/claims/csv?by=date&from={from}&to={to}&date_type=service"),
                Some(&admin),
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = body_text(response).await;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(headers, app::claims::downloads::CSV_HEADERS);
        let numbers: BTreeSet<String> = reader
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        assert_eq!(numbers, expected);
        assert_eq!(audits(&site, "download", "claims:csv").await, 1);
        // A search the form would refuse goes back to the form.
        let response = site
            .send(get("/downloads/claims/csv?by=date&from=&to=", Some(&admin)))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(location(&response).starts_with("/claims?by=date"));
    }
}

/// What the database plans for one query: the lines of `EXPLAIN QUERY PLAN` or `EXPLAIN`.
/// A bound value: text or a number.
enum B {
    T(&'static str),
    I(i64),
}

async fn plan(site: &Site, sql: &str, binds: &[B]) -> String {
    let mut conn = site.state.db.pool.acquire().await.unwrap();
    let explain = match site.state.db.backend {
        Backend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        Backend::Postgres => {
            // With the demo's few claims a full read is cheapest; forbid it where an index can
            // serve, so the plan shows whether one can.
            sqlx::query("SET enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .unwrap();
            format!("EXPLAIN {sql}")
        }
    };
    let mut query = sqlx::query(&explain);
    for bind in binds {
        query = match bind {
            B::I(n) => query.bind(*n),
            B::T(text) => query.bind(*text),
        };
    }
    use sqlx::Row;
    let rows = query.fetch_all(&mut *conn).await.unwrap();
    rows.iter()
        .map(|row| {
            let column = match site.state.db.backend {
                Backend::Sqlite => 3,
                Backend::Postgres => 0,
            };
            row.try_get::<String, _>(column).unwrap()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn every_lookup_query_is_served_by_an_index() {
    for site in sites(false).await {
        let mut checked = 0;
        let mut queries: Vec<(String, Vec<B>)> = Vec::new();
        for (date_type, oldest) in [
            (DateType::Service, false),
            (DateType::Paid, false),
            (DateType::Service, true),
            (DateType::Paid, true),
        ] {
            for role in repo::ROLES {
                queries.push((
                    repo::provider_page_sql(role, date_type, oldest),
                    vec![
                        B::I(1),
                        B::T("2025-01-01"),
                        B::T("2026-06-30"),
                        B::I(i64::MAX),
                        B::T("finalized"),
                        B::I(26),
                    ],
                ));
            }
            queries.push((
                repo::member_page_sql(date_type, oldest),
                vec![
                    B::I(1),
                    B::T("2025-01-01"),
                    B::T("2026-06-30"),
                    B::I(i64::MAX),
                    B::T(""),
                    B::I(1),
                    B::I(26),
                ],
            ));
        }
        queries.push((repo::number_sql(), vec![B::T("202600000001"), B::I(1)]));
        for (sql, binds) in &queries {
            let plan = plan(&site, sql, binds).await;
            let full_scan = match site.state.db.backend {
                // "SCAN c" reads the whole table; "SEARCH c USING INDEX …" does not.
                Backend::Sqlite => plan
                    .lines()
                    .any(|l| l.trim() == "SCAN c" || l.contains("SCAN claims")),
                Backend::Postgres => plan.contains("Seq Scan on claims"),
            };
            assert!(!full_scan, "{sql}\n{plan}");
            checked += 1;
        }
        assert_eq!(checked, 13);
    }
}

#[tokio::test]
async fn the_claims_paid_chart_reads_monthly_and_daily_sums_not_claims() {
    for site in sites(false).await {
        let plan = plan(
            &site,
            &app::dashboard::repo::paid_by_month_sql(2),
            &[
                B::I(1),
                B::T("2025-12"),
                B::T("2026-11"),
                B::T("2026-11-01"),
                B::T("2026-11-30"),
            ],
        )
        .await;
        match site.state.db.backend {
            // Each side of each union searches its index of the sums by provider and paid
            // month or date; no claim is read.
            Backend::Sqlite => {
                assert!(
                    !plan.contains("claims c") && !plan.contains("SCAN d"),
                    "{plan}"
                );
                assert_eq!(plan.matches("SEARCH d USING ").count(), 4, "{plan}");
                assert_eq!(
                    plan.matches("paid_month>? AND paid_month<?").count(),
                    2,
                    "{plan}"
                );
                assert_eq!(plan.matches("paid_on>? AND paid_on<?").count(), 2, "{plan}");
            }
            Backend::Postgres => {
                assert!(plan.contains("on claims_paid_monthly d"), "{plan}");
                assert!(plan.contains("on claims_paid_daily d"), "{plan}");
                assert!(
                    !plan.contains("on claims c") && !plan.contains("Seq Scan"),
                    "{plan}"
                );
            }
        }
    }
}
