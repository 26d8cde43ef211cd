//! The Correspondence Center on SQLite and PostgreSQL: the three-field search, only the NPIs
//! and types granted (list, count and download), downloads as PDF or a ZIP of exactly the
//! chosen documents, audited; recent searches (the last 10), new correspondence since the
//! previous sign-in, the 1099 consent, and publishing that notifies the permitted users.

use crate::common::*;
use app::ssr::db::Backend;
use axum::http::StatusCode;
use std::io::Read;

fn search_body(npi: &str, kind: &str, range: &str) -> String {
    format!(
        "criteria[npi]={npi}&criteria[correspondence_type]={}&criteria[range]={range}&criteria[start]=&criteria[end]=",
        enc(kind)
    )
}

/// An NPI of the user with its provider id, the first in NPI order.
async fn first_npi(site: &Site, email: &str) -> (i64, String) {
    sqlx::query_as(
        "SELECT p.id, p.npi FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
         JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = n.provider_id \
         WHERE u.email = $1 ORDER BY p.npi LIMIT 1",
    )
    .bind(email)
    .fetch_one(&site.state.db.pool)
    .await
    .unwrap()
}

async fn download(site: &Site, path: &str, cookie: &str) -> (StatusCode, Vec<u8>, String) {
    let response = site.send(get(path, Some(cookie))).await;
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 50 * 1024 * 1024)
        .await
        .unwrap()
        .to_vec();
    (status, bytes, kind)
}

#[tokio::test]
async fn the_search_needs_all_three_fields_and_finds_only_what_is_granted() {
    for site in sites(false).await {
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (_, npi) = first_npi(&site, "processor@sunrise.example").await;

        // The options are the NPIs and types granted.
        let (status, options) =
            form(&site, "/api/correspondence/options", "", Some(&processor)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(options["npis"].as_array().unwrap().len(), 2);
        assert_eq!(
            options["types"],
            serde_json::json!(["Claim Notices", "Remittance Advice"])
        );

        // Every missing field is named.
        let (status, error) = form(
            &site,
            "/api/correspondence/search",
            "criteria[npi]=&criteria[correspondence_type]=&criteria[range]=&criteria[start]=&criteria[end]=",
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let text = error.to_string();
        for message in [
            "Choose an NPI.",
            "Choose a Correspondence Type.",
            "Choose a Date Range",
        ] {
            assert!(text.contains(message), "{text}");
        }

        // The two remittance advices of the last 90 days.
        let (status, found) = form(
            &site,
            "/api/correspondence/search",
            &search_body(&npi, "Remittance Advice", "90"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{found}");
        let items = found["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{found}");
        assert!(items
            .iter()
            .all(|d| d["correspondence_type"] == "Remittance Advice"));

        // A type not granted for the NPI: refused at the field, nothing listed.
        let (status, refused) = form(
            &site,
            "/api/correspondence/search",
            &search_body(&npi, "Tax Documents", "365"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.to_string().contains("correspondence_type"),
            "{refused}"
        );

        // Nor downloaded: the id of a tax document of that NPI is unknown to the processor.
        let (tax_id,): (i64,) = sqlx::query_as(
            "SELECT d.id FROM correspondence_documents d JOIN providers p ON p.id = d.provider_id \
             WHERE p.npi = $1 AND d.correspondence_type = 'Tax Documents'",
        )
        .bind(&npi)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        let (status, _, _) = download(
            &site,
            &format!("/downloads/correspondence/pdf?id={tax_id}"),
            &processor,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let first = items[0]["id"].as_i64().unwrap();
        let (status, _, _) = download(
            &site,
            &format!("/downloads/correspondence/zip?id={first}&id={tax_id}"),
            &processor,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "one forbidden id refuses the archive"
        );

        // A user of another organization: 404 for Sunrise's document.
        let harbor = session_of(&site, "reception@harbor.example").await;
        let (status, _, _) = download(
            &site,
            &format!("/downloads/correspondence/pdf?id={first}"),
            &harbor,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The PDF itself, audited.
        let (status, pdf, kind) = download(
            &site,
            &format!("/downloads/correspondence/pdf?id={first}"),
            &processor,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "application/pdf");
        let text = pdf_text(&pdf);
        assert!(
            text.contains("Remittance Advice") && text.contains(&npi),
            "{text}"
        );
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'download' AND subject = $1",
        )
        .bind(format!("correspondence:{first}"))
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);

        // PDF takes exactly one: none or several go back to the list with a reason.
        let response = site
            .send(get(
                &format!("/downloads/correspondence/pdf?id={first}&id={}&back=%2Fcorrespondence%3Fview%3Dnew", items[1]["id"]),
                Some(&processor),
            ))
            .await;
        assert_eq!(location(&response), "/correspondence?view=new&error=one");
        let response = site
            .send(get(
                "/downloads/correspondence/zip?back=https%3A%2F%2Fevil.example",
                Some(&processor),
            ))
            .await;
        assert_eq!(
            location(&response),
            "/correspondence?error=none",
            "never another site"
        );
    }
}

#[tokio::test]
async fn a_zip_holds_exactly_the_chosen_pdfs() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, npi) = first_npi(&site, "admin@sunrise.example").await;
        let (_, found) = form(
            &site,
            "/api/correspondence/search",
            &search_body(&npi, "Remittance Advice", "90"),
            Some(&admin),
        )
        .await;
        let ids: Vec<i64> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 2);
        let query = ids
            .iter()
            .map(|id| format!("id={id}"))
            .collect::<Vec<_>>()
            .join("&");
        let (status, bytes, kind) = download(
            &site,
            &format!("/downloads/correspondence/zip?{query}"),
            &admin,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(kind, "application/zip");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        for index in 0..archive.len() {
            let mut file = archive.by_index(index).unwrap();
            let name = file.name().unwrap().to_string();
            assert!(name.ends_with(".pdf"), "{name}");
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            let id: i64 = name
                .trim_end_matches(".pdf")
                .rsplit('-')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let stored: Vec<u8> =
                sqlx::query_scalar("SELECT content FROM correspondence_documents WHERE id = $1")
                    .bind(id)
                    .fetch_one(&site.state.db.pool)
                    .await
                    .unwrap();
            assert_eq!(content, stored);
            assert!(ids.contains(&id));
        }
        // Each document in the archive is audited as downloaded.
        for id in &ids {
            let audited: Vec<String> = sqlx::query_scalar(
                "SELECT detail FROM audit_log WHERE action = 'download' AND subject = $1",
            )
            .bind(format!("correspondence:{id}"))
            .fetch_all(&site.state.db.pool)
            .await
            .unwrap();
            assert_eq!(audited.len(), 1);
            assert!(
                audited[0].starts_with("ZIP: Remittance Advice"),
                "{audited:?}"
            );
        }
    }
}

#[tokio::test]
async fn recent_searches_keep_the_last_ten() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, npi) = first_npi(&site, "admin@sunrise.example").await;
        // Twelve different searches (custom ranges), then the first again.
        for day in 1..=12 {
            let body = format!(
                "criteria[npi]={npi}&criteria[correspondence_type]=Remittance+Advice&criteria[range]=custom\
                 &criteria[start]=2025-01-{day:02}&criteria[end]=2026-12-31"
            );
            let (status, answer) =
                form(&site, "/api/correspondence/search", &body, Some(&admin)).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
        }
        let (_, recent) = form(&site, "/api/correspondence/recent", "", Some(&admin)).await;
        let recent = recent.as_array().unwrap();
        assert_eq!(recent.len(), app::correspondence::RECENT_SEARCHES as usize);
        assert_eq!(recent[0]["criteria"]["start"], "2025-01-12", "newest first");
        assert_eq!(recent[9]["criteria"]["start"], "2025-01-03");
        // The same search again moves to the top, without a second copy.
        let body = format!(
            "criteria[npi]={npi}&criteria[correspondence_type]=Remittance+Advice&criteria[range]=custom\
             &criteria[start]=2025-01-05&criteria[end]=2026-12-31"
        );
        form(&site, "/api/correspondence/search", &body, Some(&admin)).await;
        let (_, recent) = form(&site, "/api/correspondence/recent", "", Some(&admin)).await;
        let recent = recent.as_array().unwrap();
        assert_eq!(recent.len(), 10);
        assert_eq!(recent[0]["criteria"]["start"], "2025-01-05");
        assert_eq!(
            recent
                .iter()
                .filter(|r| r["criteria"]["start"] == "2025-01-05")
                .count(),
            1
        );
    }
}

#[tokio::test]
async fn new_correspondence_is_what_arrived_since_the_previous_sign_in() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let first = session_of(&site, "admin@sunrise.example").await;
        let (_, all) = form(&site, "/api/correspondence/new", "", Some(&first)).await;
        assert!(
            all["items"].as_array().unwrap().len() >= 20,
            "never signed in before: all of it is new"
        );
        // Signing in again: nothing has arrived since the previous sign-in.
        site.clock.advance(60);
        let second = session_of(&site, "admin@sunrise.example").await;
        let (_, none) = form(&site, "/api/correspondence/new", "", Some(&second)).await;
        assert_eq!(none["items"].as_array().unwrap().len(), 0, "{none}");

        // The plan publishes a remittance advice: new, and its readers are notified.
        site.clock.advance(60);
        let (provider_id, _) = first_npi(&site, "admin@sunrise.example").await;
        let today = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap();
        let mut conn = site.state.db.conn().await.unwrap();
        let document = app::correspondence::publish::remittance_advice(
            &mut conn,
            &site.state.settings,
            provider_id,
            today - jiff::ToSpan::days(13),
            today,
        )
        .await
        .unwrap();
        app::correspondence::publish::publish(&mut conn, site.state.clock.unix(), &document)
            .await
            .unwrap();
        drop(conn);
        let (_, arrived) = form(&site, "/api/correspondence/new", "", Some(&second)).await;
        let arrived = arrived["items"].as_array().unwrap();
        assert_eq!(arrived.len(), 1);
        assert_eq!(arrived[0]["title"], document.title);
        let notified: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE n.kind = 'correspondence' AND u.email IN ('admin@sunrise.example', 'processor@sunrise.example')",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let processor_holds: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
             JOIN users u ON u.id = m.user_id WHERE u.email = 'processor@sunrise.example' AND n.provider_id = $1",
        )
        .bind(provider_id)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(
            notified,
            1 + processor_holds,
            "the admin, and the processor if it holds the NPI"
        );
    }
}

#[tokio::test]
async fn tax_documents_appear_after_the_consent_until_it_is_withdrawn() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, before) = form(&site, "/api/tax-documents", "", Some(&admin)).await;
        assert_eq!(before["consented"], false);
        assert!(before["documents"].as_array().unwrap().is_empty());
        let (status, refused) = form(&site, "/api/tax-documents/consent", "", Some(&admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused
            .to_string()
            .contains("I agree to receive my 1099 electronically"));
        let (status, _) = form(
            &site,
            "/api/tax-documents/consent",
            "agree=true",
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, after) = form(&site, "/api/tax-documents", "", Some(&admin)).await;
        assert_eq!(after["consented"], true);
        let documents = after["documents"].as_array().unwrap();
        assert_eq!(documents.len(), 6, "a 1099 for each of Sunrise's six NPIs");
        assert!(documents[0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Form 1099-MISC"));
        let (status, _) = form(&site, "/api/tax-documents/withdraw", "", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, withdrawn) = form(&site, "/api/tax-documents", "", Some(&admin)).await;
        assert_eq!(withdrawn["consented"], false);
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE action LIKE 'tax_consent.%' ORDER BY id",
        )
        .fetch_all(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(actions, ["tax_consent.accept", "tax_consent.withdraw"]);
    }
}

#[tokio::test]
async fn welcome_letters_are_listed_by_provider_type() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, types) = form(
            &site,
            "/api/correspondence/welcome",
            "provider_type=",
            Some(&admin),
        )
        .await;
        let kinds: Vec<&str> = types["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t[0].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["facility", "group", "practitioner"]);
        assert!(types["letters"].as_array().unwrap().is_empty());
        let (_, practitioners) = form(
            &site,
            "/api/correspondence/welcome",
            "provider_type=practitioner",
            Some(&admin),
        )
        .await;
        assert_eq!(practitioners["letters"].as_array().unwrap().len(), 4);
    }
}

/// A search shown by its address runs, and is kept among the recent ones, once a page. (Made
/// inside the page's `Require`, the search ran once for every walk of the page: ten times.)
#[tokio::test]
async fn a_search_page_searches_once() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, npi) = first_npi(&site, "admin@sunrise.example").await;
        // Each search kept adds a row: a trigger counts them.
        let db = &site.state.db.pool;
        sqlx::query("CREATE TABLE searches_kept (n BIGINT NOT NULL)")
            .execute(db)
            .await
            .unwrap();
        sqlx::query("INSERT INTO searches_kept (n) VALUES (0)")
            .execute(db)
            .await
            .unwrap();
        let count = "UPDATE searches_kept SET n = n + 1";
        let triggers = match site.state.db.backend {
            Backend::Sqlite => vec![format!(
                "CREATE TRIGGER count_kept AFTER INSERT ON correspondence_searches BEGIN {count}; END"
            )],
            Backend::Postgres => vec![
                format!(
                    "CREATE FUNCTION count_kept() RETURNS trigger AS $$ BEGIN {count}; RETURN NEW; END $$ LANGUAGE plpgsql"
                ),
                "CREATE TRIGGER count_kept AFTER INSERT ON correspondence_searches \
                 FOR EACH ROW EXECUTE FUNCTION count_kept()"
                    .to_string(),
            ],
        };
        for sql in triggers {
            sqlx::query(&sql).execute(db).await.unwrap();
        }
        let page = body_text(
            site.send(get(
                &format!(
                    "/correspondence?npi={npi}&type=Remittance+Advice&range=custom&start=2025-01-01&end=2026-12-31"
                ),
                Some(&admin),
            ))
            .await,
        )
        .await;
        assert!(page.contains("Document Results"), "{page}");
        let kept: i64 = sqlx::query_scalar("SELECT n FROM searches_kept")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(kept, 1);
        // The other sections do not search.
        for view in ["new", "recent"] {
            let page = body_text(
                site.send(get(&format!("/correspondence?view={view}"), Some(&admin)))
                    .await,
            )
            .await;
            assert!(page.contains("<h2"), "{page}");
        }
        let kept: i64 = sqlx::query_scalar("SELECT n FROM searches_kept")
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(kept, 1);
    }
}
