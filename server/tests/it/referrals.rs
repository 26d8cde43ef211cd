//! Referrals, on every database backend: the six-step wizard on one server draft (with its
//! refusals), the submitted referral and its clock, who may read or write it, the plan's
//! decision reaching the office, and the public metrics.

use crate::common::*;
use crate::uploads::{multipart, pdf, upload_to};
use axum::http::{header, StatusCode};

/// Presses a button of the wizard: the address it answers (or the refusal).
async fn step(
    site: &Site,
    cookie: &str,
    draft: &str,
    to: &str,
    fields: &str,
) -> (StatusCode, serde_json::Value) {
    form(
        site,
        "/api/referrals/step",
        &format!("draft={draft}&to={to}&{fields}"),
        Some(cookie),
    )
    .await
}

/// The wizard as the draft stands.
async fn read_wizard(site: &Site, cookie: &str, draft: &str) -> serde_json::Value {
    form(
        site,
        "/api/referrals/wizard",
        &format!("draft={draft}"),
        Some(cookie),
    )
    .await
    .1
}

/// Posts one file to the draft; answers the `upload_error` it came back with.
async fn attach(site: &Site, cookie: &str, draft: &str, name: &str) -> Option<String> {
    let body = multipart(&[("draft", draft)], (name, &pdf()));
    let response = site
        .send(upload_to("/uploads/referrals", body, cookie))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(
        to.starts_with(&format!("/referrals/new?draft={draft}")),
        "{to}"
    );
    form_urlencoded::parse(to.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "upload_error")
        .map(|(_, v)| v.into_owned())
}

fn draft_of(answer: &serde_json::Value) -> String {
    let to = answer.as_str().unwrap();
    to.split("draft=").nth(1).unwrap().to_string()
}

async fn scalar_i64(site: &Site, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

/// An eligible Sunrise member (by PCP) of the health network, aged 18 to 64.
async fn member_of(site: &Site, network: &str) -> String {
    sqlx::query_scalar(
        "SELECT m.cin FROM members m JOIN providers p ON p.id = m.pcp_provider_id \
         JOIN organizations o ON o.id = p.organization_id WHERE o.name = 'Sunrise Family Clinic' \
         AND m.health_network = $1 AND m.eligible_to IS NULL AND m.date_of_birth < '2008-01-01' \
         AND m.date_of_birth > '1962-01-01' ORDER BY m.id LIMIT 1",
    )
    .bind(network)
    .fetch_one(&site.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_referral_from_draft_to_decision() {
    for site in sites(true).await {
        let db = &site.state.db.pool;
        let cookie = session_of(&site, "processor@sunrise.example").await;
        let today = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap();

        // Step 1: a Kaiser member is refused a Medical referral, naming the rule.
        let kaiser = member_of(&site, "Kaiser").await;
        let (status, answer) = step(
            &site,
            &cookie,
            "",
            "search-id",
            &format!("form[kind]=medical&form[member_id]={kaiser}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let kaiser_draft = draft_of(&answer);
        let (status, refused) =
            step(&site, &cookie, &kaiser_draft, "next", "form[kind]=medical").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.to_string().contains("Medical outpatient referrals are only for eligible members of Poppy Direct or Poppy Community Network"),
            "{refused}"
        );
        // ... and a Behavioral Health one, as the delegated network's.
        let (status, refused) = step(
            &site,
            &cookie,
            &kaiser_draft,
            "next",
            "form[kind]=behavioral",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.to_string().contains("except Kaiser's"), "{refused}");

        // The whole wizard for a Poppy Direct member.
        let cin = member_of(&site, "Poppy Direct").await;
        let (status, answer) = step(
            &site,
            &cookie,
            "",
            "search-id",
            &format!("form[kind]=medical&form[member_id]={cin}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let draft = draft_of(&answer);
        let (status, answer) = step(&site, &cookie, &draft, "next", "form[kind]=medical").await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        // The draft is on the server: the wizard resumes at step 2, and the lookup lists it.
        let wizard = read_wizard(&site, &cookie, &draft).await;
        assert_eq!(wizard["step"], 1);
        assert_eq!(wizard["member"]["cin"], cin.as_str());
        let (_, drafts) = form(&site, "/api/referrals/drafts", "", Some(&cookie)).await;
        assert!(drafts
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == draft.as_str()));

        // Step 2: a provider of another office is refused; one of Sunrise's is taken.
        let other: i64 = scalar_i64(
            &site,
            "SELECT id FROM providers WHERE name = $1",
            "Thomas Brown, MD",
        )
        .await;
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &format!("form[referring]={other}"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let referring: i64 = scalar_i64(
            &site,
            "SELECT id FROM providers WHERE name = $1",
            "Maria Lopez, MD",
        )
        .await;
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &format!("form[referring]={referring}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // Step 3: the search lists the far-away and closed-panel warnings; "No" needs a
        // justification; the tertiary path shows the warning first.
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "search-provider",
            "form[provider_query]=cardiology",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let wizard = read_wizard(&site, &cookie, &draft).await;
        let listed = wizard["providers"].as_array().unwrap();
        let find = |name: &str| listed.iter().find(|p| p["name"] == name).unwrap().clone();
        assert!(find("Redwood Coast Cardiology")["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("Far away"));
        assert!(find("Michael Davis, MD")["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("Not accepting new patients"));
        assert!(find("Capitol Cardiology Associates")["warnings"]
            .as_array()
            .unwrap()
            .is_empty());
        let davis = find("Michael Davis, MD")["id"].as_i64().unwrap();
        // Choosing (sent at once by the page) is saved; "No" then needs a justification.
        let (status, refused) = step(
            &site,
            &cookie,
            &draft,
            "choose",
            &format!("form[provider]={davis}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{refused}");
        let (status, refused) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &format!("form[provider]={davis}&form[redirect]=no&form[justification]="),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.to_string().contains("Justification"), "{refused}");
        // The search's text is taken literally: "%" is not a wildcard matching everyone.
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "search-provider",
            "form[provider_query]=%25",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let wizard = read_wizard(&site, &cookie, &draft).await;
        assert_eq!(wizard["providers"], serde_json::json!([]), "{wizard}");
        // The tertiary hospital (here seeing adults too) warns, and Continue asks "No".
        sqlx::query("UPDATE providers SET min_age = 0, max_age = 150 WHERE is_tertiary = 1")
            .execute(db)
            .await
            .unwrap();
        let (_, _) = step(
            &site,
            &cookie,
            &draft,
            "search-provider",
            "form[provider_query]=tertiary",
        )
        .await;
        let tertiary: i64 = scalar_i64(
            &site,
            "SELECT id FROM providers WHERE name = $1",
            "Children's Hospital of the Valley",
        )
        .await;
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &format!("form[provider]={tertiary}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let wizard = read_wizard(&site, &cookie, &draft).await;
        assert_eq!(
            (wizard["step"].as_i64(), wizard["tertiary_dialog"].as_bool()),
            (Some(2), Some(true))
        );
        step(&site, &cookie, &draft, "tertiary-continue", "").await;
        let wizard = read_wizard(&site, &cookie, &draft).await;
        assert_eq!(
            (
                wizard["tertiary_dialog"].as_bool(),
                wizard["form"]["redirect"].as_str()
            ),
            (Some(false), Some("no"))
        );
        // "Yes" clears the tertiary choice and records the note; then a community provider.
        step(&site, &cookie, &draft, "redirect", "form[redirect]=yes").await;
        let wizard = read_wizard(&site, &cookie, &draft).await;
        assert!(wizard["chosen"].is_null());
        assert_eq!(wizard["form"]["justification"], "Ok to redirect if needed");
        let (status, answer) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &format!("form[provider]={davis}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let wizard = read_wizard(&site, &cookie, &draft).await;
        assert_eq!(wizard["step"], 3);

        // Step 4: a Retro request dated today is refused; a service needs its units; a code
        // that needs no referral cannot be chosen; ICD codes by words.
        let medical = |priority: &str, date: &str| {
            format!("form[priority]={priority}&form[request_date]={date}&form[place_of_service]=11&form[clinical_indications]=Chest+pain+on+exertion.")
        };
        let (status, refused) = step(
            &site,
            &cookie,
            &draft,
            "add-service",
            &format!(
                "{}&form[service]=99244&form[units]=",
                medical("routine", &today.to_string())
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.to_string().contains("Enter the Units."),
            "{refused}"
        );
        let (status, refused) = step(
            &site,
            &cookie,
            &draft,
            "add-service",
            &format!(
                "{}&form[service]=99213&form[units]=1",
                medical("routine", &today.to_string())
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.to_string().contains("needs no referral"),
            "{refused}"
        );
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "add-service",
            &format!(
                "{}&form[service]=99244&form[units]=2",
                medical("routine", &today.to_string())
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "find-icd",
            &format!(
                "{}&form[icd_query]=essential+hypertension",
                medical("routine", &today.to_string())
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let wizard = read_wizard(&site, &cookie, &draft).await;
        assert!(wizard["icd_matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m[0] == "I10"));
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "add-icd",
            &format!("{}&form[icd]=I10", medical("routine", &today.to_string())),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, refused) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &medical("retro", &today.to_string()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .to_string()
                .contains("Retro referral's Request Date must be before today"),
            "{refused}"
        );
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &medical("routine", &today.to_string()),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // Step 5: up to 3 files (a fourth is refused, saying why); one is kept.
        for n in 0..3 {
            assert_eq!(
                attach(&site, &cookie, &draft, &format!("notes-{n}.pdf")).await,
                None
            );
        }
        let refused = attach(&site, &cookie, &draft, "notes-3.pdf").await;
        assert_eq!(
            refused.as_deref(),
            Some("A referral carries at most 3 files.")
        );
        let wizard = read_wizard(&site, &cookie, &draft).await;
        let files = wizard["files"].as_array().unwrap().clone();
        assert_eq!(files.len(), 3);
        for file in &files[1..] {
            let (status, _) = step(
                &site,
                &cookie,
                &draft,
                &format!("remove-file-{}", file["id"]),
                "",
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, _) = step(&site, &cookie, &draft, "next", "").await;
        assert_eq!(status, StatusCode::OK);

        // Another office's user, even with the Referrals modules, finds neither the draft nor
        // (below) the referral; a user without "Referrals — submit" cannot write one.
        sqlx::query(
            "INSERT INTO module_permissions (membership_id, module) SELECT m.id, x.module FROM memberships m \
             JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id \
             CROSS JOIN (SELECT 'referrals_view' AS module UNION ALL SELECT 'referrals_submit') x \
             WHERE u.email = 'multi@sunrise.example' AND o.name = 'Harbor Pediatrics' \
             AND NOT EXISTS (SELECT 1 FROM module_permissions p WHERE p.membership_id = m.id AND p.module = x.module)",
        )
        .execute(db)
        .await
        .unwrap();
        let harbor = session_in(&site, "multi@sunrise.example", "Harbor Pediatrics").await;
        let (status, _) = form(
            &site,
            "/api/referrals/wizard",
            &format!("draft={draft}"),
            Some(&harbor),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = step(&site, &harbor, &draft, "submit", "").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = step(&site, &harbor, &draft, "discard", "").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, theirs) = form(&site, "/api/referrals/drafts", "", Some(&harbor)).await;
        assert!(theirs.as_array().unwrap().is_empty(), "{theirs}");
        let viewer = session_of(&site, "multi@sunrise.example").await;
        let (status, _) = step(
            &site,
            &viewer,
            "",
            "search-id",
            &format!("form[kind]=medical&form[member_id]={cin}"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Step 6: "Submit Referral": a code, Pending, due in 7 calendar days.
        let (status, answer) = step(&site, &cookie, &draft, "submit", "").await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let to = answer.as_str().unwrap();
        let code = to
            .trim_start_matches("/referrals/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let (status, submitted_at, deadline, ok): (String, i64, i64, i64) = sqlx::query_as(
            "SELECT status, submitted_at, deadline_at, ok_to_redirect FROM referrals WHERE code = $1",
        )
        .bind(&code)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!((status.as_str(), ok), ("pending", 1));
        assert_eq!(
            deadline,
            app::referrals::rules::deadline(
                submitted_at,
                false,
                site.state.settings.calendar.time_zone()
            )
        );
        let id: i64 = scalar_i64(&site, "SELECT id FROM referrals WHERE code = $1", &code).await;
        for (table, expected) in [
            ("referral_services", 1),
            ("referral_diagnoses", 1),
            ("referral_files", 1),
        ] {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE referral_id = $1"
            ))
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap();
            assert_eq!(n, expected, "{table}");
        }
        let (status, _) = form(
            &site,
            "/api/referrals/wizard",
            &format!("draft={draft}"),
            Some(&cookie),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the draft is gone");

        // The detail, audited; found by its code in the lookup; 404 to the other office.
        let (status, detail) = form(
            &site,
            "/api/referrals/detail",
            &format!("code={code}"),
            Some(&cookie),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(detail["status"], "Pending");
        assert_eq!(detail["diagnoses"][0][0], "I10");
        let audited: i64 = scalar_i64(
            &site,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'referral.view' AND subject = $1",
            &format!("referral:{id}"),
        )
        .await;
        assert_eq!(audited, 1);
        let (_, found) = form(
            &site,
            "/api/referrals/search",
            &format!("search[by]=code&search[number]={code}"),
            Some(&cookie),
        )
        .await;
        assert_eq!(found["rows"][0]["code"], code.as_str());
        let (status, _) = form(
            &site,
            "/api/referrals/detail",
            &format!("code={code}"),
            Some(&harbor),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let file: i64 = scalar_i64(&site, "SELECT upload_id FROM referral_files WHERE referral_id = (SELECT id FROM referrals WHERE code = $1)", &code).await;
        let response = site
            .send(get(
                &format!("/downloads/referrals/file?referral={code}&file={file}"),
                Some(&cookie),
            ))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let response = site
            .send(get(
                &format!("/downloads/referrals/file?referral={code}&file={file}"),
                Some(&harbor),
            ))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        // The plan: a denial needs its reason and text; an approval runs 180 days and tells
        // the office.
        let ops = session_of(&site, "ops@poppy.example").await;
        let (_, queue) = form(&site, "/api/operator/referrals", "", Some(&ops)).await;
        assert!(queue
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["code"] == code.as_str()));
        let (status, refused) = form(
            &site,
            "/api/operator/referrals/decide",
            &format!("referral_id={id}&decision=denied&reason=&note="),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .to_string()
                .contains("Choose the reason for the denial."),
            "{refused}"
        );
        let (status, answer) = form(
            &site,
            "/api/operator/referrals/decide",
            &format!("referral_id={id}&decision=approved"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let through: String =
            sqlx::query_scalar("SELECT approved_through FROM referrals WHERE id = $1")
                .bind(id)
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!(
            through,
            app::referrals::rules::approved_through(today).to_string()
        );
        let told: i64 = scalar_i64(
            &site,
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = 'processor@sunrise.example' AND n.kind = 'referral' AND n.link = $1",
            &format!("/referrals/{code}"),
        )
        .await;
        assert_eq!(told, 1);
        let (status, _) = form(
            &site,
            "/api/operator/referrals/decide",
            &format!("referral_id={id}&decision=denied&reason=duplicate&note=x"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "decided once");

        // The public metrics: no sign-in, four rows, and the CSV.
        let (status, metrics) = form(&site, "/api/metrics/prior-authorization", "", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(metrics["rows"].as_array().unwrap().len(), 4);
        let response = site
            .send(get("/downloads/metrics/prior-authorization", None))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_lookup_pages_the_offices_referrals_and_the_plan_extends_a_deadline_once() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let cookie = session_of(&site, "processor@sunrise.example").await;
        let sunrise: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM referrals r JOIN organizations o ON o.id = r.organization_id \
             WHERE o.name = 'Sunrise Family Clinic'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert!(
            sunrise > app::referrals::PAGE_SIZE,
            "more than a page: {sunrise}"
        );
        // Every referral of the office once, newest first, a page of 25 at a time, by either date.
        for date_type in ["service", "request"] {
            let mut seen = std::collections::BTreeSet::new();
            let mut after = String::new();
            let mut pages = 0;
            loop {
                let (status, page) = form(
                    &site,
                    "/api/referrals/search",
                    &format!("search[by]=date&search[date_type]={date_type}&search[after]={after}"),
                    Some(&cookie),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{page}");
                let rows = page["rows"].as_array().unwrap();
                assert!(rows.len() as i64 <= app::referrals::PAGE_SIZE);
                for row in rows {
                    assert!(
                        seen.insert(row["code"].as_str().unwrap().to_string()),
                        "once: {row}"
                    );
                }
                pages += 1;
                match page["next"].as_str() {
                    Some(next) => after = next.replace('|', "%7C"),
                    None => break,
                }
            }
            assert_eq!(seen.len() as i64, sunrise, "{date_type}");
            assert!(pages >= 2);
        }
        // A status and a CIN narrow it; a CIN that is not one is refused at its field.
        let (_, denied) = form(
            &site,
            "/api/referrals/search",
            "search[by]=date&search[status]=denied",
            Some(&cookie),
        )
        .await;
        assert!(denied["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "Denied"));
        let (status, refused) = form(
            &site,
            "/api/referrals/search",
            "search[by]=date&search[cin]=12",
            Some(&cookie),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.to_string().contains("cin"), "{refused}");

        // The plan extends a pending request's deadline by 14 days, once, with its reason.
        let ops = session_of(&site, "ops@poppy.example").await;
        let (id, before): (i64, i64) = sqlx::query_as(
            "SELECT id, deadline_at FROM referrals WHERE status = 'pending' AND extended_at IS NULL ORDER BY id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let (status, _) = form(
            &site,
            "/api/operator/referrals/extend",
            &format!("referral_id={id}&reason=+"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, answer) = form(
            &site,
            "/api/operator/referrals/extend",
            &format!("referral_id={id}&reason=Waiting+for+imaging."),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (after, reason): (i64, String) =
            sqlx::query_as("SELECT deadline_at, extension_reason FROM referrals WHERE id = $1")
                .bind(id)
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!(
            after,
            app::referrals::rules::extended(before, site.state.settings.calendar.time_zone())
        );
        assert_eq!(reason, "Waiting for imaging.");
        let (_, queue) = form(&site, "/api/operator/referrals", "", Some(&ops)).await;
        let queued = queue
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone();
        assert!(queued["extended"]
            .as_str()
            .unwrap()
            .ends_with("Waiting for imaging."));
        let (status, _) = form(
            &site,
            "/api/operator/referrals/extend",
            &format!("referral_id={id}&reason=Again."),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "once");

        // A denial upheld on appeal is approved after all, counted so, and the office is told.
        let (status, _) = form(&site, "/api/operator/referrals/decide", &format!("referral_id={id}&decision=denied&reason=missing_information&note=No+imaging+results."), Some(&ops)).await;
        assert_eq!(status, StatusCode::OK);
        let code: String = sqlx::query_scalar("SELECT code FROM referrals WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap();
        let (status, refused) = form(
            &site,
            "/api/operator/referrals/appeal",
            &format!("code={code}&note="),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let (status, answer) = form(
            &site,
            "/api/operator/referrals/appeal",
            &format!("code={code}&note=The+imaging+arrived."),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (status, appealed): (String, Option<i64>) =
            sqlx::query_as("SELECT status, appealed_at FROM referrals WHERE id = $1")
                .bind(id)
                .fetch_one(db)
                .await
                .unwrap();
        assert_eq!((status.as_str(), appealed.is_some()), ("approved", true));
        let told: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE kind = 'referral' AND title = $1",
        )
        .bind(format!("Referral {code} was approved on appeal"))
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(told, 1);
        let (status, _) = form(
            &site,
            "/api/operator/referrals/appeal",
            &format!("code={code}&note=Again."),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "only a denial");
        let year = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap()
            .year();
        let start = site
            .state
            .settings
            .calendar
            .start_of(jiff::civil::date(year, 1, 1))
            .unwrap();
        let expedited: bool =
            sqlx::query_scalar::<_, String>("SELECT priority FROM referrals WHERE id = $1")
                .bind(id)
                .fetch_one(db)
                .await
                .unwrap()
                == "urgent";
        let tally = app::referrals::repo::tally(
            &mut site.state.db.conn().await.unwrap(),
            start,
            i64::MAX,
            expedited,
        )
        .await
        .unwrap();
        let by_hand: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM referrals WHERE appealed_at IS NOT NULL AND status IN ('approved', 'modified') \
             AND (priority = 'urgent') = $2 AND decided_at >= $1",
        )
        .bind(start)
        .bind(expedited)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(tally.approved_after_appeal, by_hand);
        assert!(by_hand >= 1);
    }
}

/// A provider chosen (which posts) and "Next" pressed before its answer: both presses reach the
/// draft at once, in either order, and the wizard ends on "Medical Info" with the provider
/// kept; neither press writes over the other's save.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_choice_and_next_pressed_at_once_both_count() {
    for site in sites(true).await {
        let cookie = session_of(&site, "processor@sunrise.example").await;
        let cin = member_of(&site, "Poppy Direct").await;
        let (_, answer) = step(
            &site,
            &cookie,
            "",
            "search-id",
            &format!("form[kind]=medical&form[member_id]={cin}"),
        )
        .await;
        let draft = draft_of(&answer);
        let (status, _) = step(&site, &cookie, &draft, "next", "form[kind]=medical").await;
        assert_eq!(status, StatusCode::OK);
        let lopez = scalar_i64(
            &site,
            "SELECT id FROM providers WHERE name = $1",
            "Maria Lopez, MD",
        )
        .await;
        let (status, _) = step(
            &site,
            &cookie,
            &draft,
            "next",
            &format!("form[referring]={lopez}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let capitol = scalar_i64(
            &site,
            "SELECT id FROM providers WHERE name = $1",
            "Capitol Cardiology Associates",
        )
        .await;
        // Both from the page of "Referred To Provider Info" (step 2, numbered from 0).
        let chosen = format!(
            "on=2&form[provider_query]=cardiology&form[provider]={capitol}&form[redirect]=yes"
        );
        for round in 0..6 {
            step(
                &site,
                &cookie,
                &draft,
                "search-provider",
                "form[provider_query]=cardiology",
            )
            .await;
            let choose = step(&site, &cookie, &draft, "choose", &chosen);
            let next = step(&site, &cookie, &draft, "next", &chosen);
            let (first, second) = if round % 2 == 0 {
                tokio::join!(choose, next)
            } else {
                let (n, c) = tokio::join!(next, choose);
                (c, n)
            };
            assert_eq!(
                (first.0, second.0),
                (StatusCode::OK, StatusCode::OK),
                "{first:?} {second:?}"
            );
            let now = read_wizard(&site, &cookie, &draft).await;
            let at = (now["step"].as_i64(), now["chosen"]["id"].as_i64());
            assert_eq!(
                at,
                (Some(3), Some(capitol)),
                "round {round}: step, provider"
            );
            // Back to the provider step for the next round.
            let (status, _) = step(&site, &cookie, &draft, "back", "").await;
            assert_eq!(status, StatusCode::OK);
        }
        // A press from a page the draft has left (another window) changes nothing.
        step(&site, &cookie, &draft, "next", &chosen).await;
        let (status, _) = step(&site, &cookie, &draft, "back", "on=1&form[referring]=999").await;
        assert_eq!(status, StatusCode::OK);
        let now = read_wizard(&site, &cookie, &draft).await;
        assert_eq!(
            (now["step"].as_i64(), now["form"]["referring"].as_str()),
            (Some(3), Some(lopez.to_string().as_str()))
        );
    }
}
