//! My Dashboard's figures, from the plan's data and the user's grants.

use crate::common::*;
use axum::http::StatusCode;

/// "Claims Paid" sums the last 12 months' payments on claims the NPIs the user holds billed
/// or rendered, each once, and
/// appears only with the Claims module.
#[tokio::test]
async fn claims_paid_covers_twelve_months_of_the_npis_held() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        // Every member of one office (others choose one first), with whether they hold Claims and NPIs.
        let seats: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT u.email, m.id, \
             (SELECT COUNT(*) FROM module_permissions p WHERE p.membership_id = m.id AND p.module = 'claims'), \
             (SELECT COUNT(*) FROM npi_permissions n WHERE n.membership_id = m.id) \
             FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.status = 'active' AND u.password_hash IS NOT NULL \
             AND (SELECT COUNT(*) FROM memberships x WHERE x.user_id = u.id AND x.status = 'active') = 1 ORDER BY u.email",
        )
        .fetch_all(db)
        .await
        .unwrap();
        let today = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap();
        let first = jiff::civil::date(today.year() - 1, today.month(), 1)
            .checked_add(jiff::Span::new().months(1))
            .unwrap();
        let (mut with, mut without, mut paid) = (0, 0, 0);
        for (email, membership_id, claims, npis) in seats {
            let session = session_of(&site, &email).await;
            let (status, dashboard) = form(&site, "/api/dashboard", "", Some(&session)).await;
            assert_eq!(status, StatusCode::OK, "{email}: {dashboard}");
            let chart = &dashboard["claims_paid"];
            if claims == 0 || npis == 0 {
                assert!(chart.is_null(), "{email}");
                without += 1;
                continue;
            }
            let months = chart.as_array().unwrap();
            assert_eq!(months.len(), 12, "{email}");
            assert_eq!(
                months[11]["label"].as_str().unwrap(),
                format!("{} {}", &today.strftime("%b"), today.year())
            );
            let shown: i64 = months.iter().map(|m| m["cents"].as_i64().unwrap()).sum();
            let expected: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(paid_cents), 0) AS BIGINT) FROM claims WHERE paid_on >= $1 AND paid_on <= $2 \
                 AND (billing_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $3) \
                 OR service_provider_id IN (SELECT provider_id FROM npi_permissions WHERE membership_id = $3))",
            )
            .bind(first.to_string())
            .bind(today.to_string())
            .bind(membership_id)
            .fetch_one(db)
            .await
            .unwrap();
            assert_eq!(shown, expected, "{email}");
            paid += shown;
            with += 1;
        }
        assert!(
            with > 0 && without > 0,
            "both kinds of seat: {with}, {without}"
        );
        assert!(paid > 0, "the demo's NPIs were paid");
    }
}

/// The chart's daily and monthly sums (`claims_paid_daily`, `claims_paid_monthly`) are kept by
/// triggers: after claims are added, paid, repriced, moved to another day, month or provider,
/// unpaid and removed, they are still what the claims themselves sum to, with no day or month
/// left empty.
#[tokio::test]
async fn the_daily_and_monthly_sums_follow_every_change_to_the_claims() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let check = |step: &'static str| async move {
            // Each table of sums, its period column, and the same period of a claim.
            for (table, period, of_claim) in [
                ("claims_paid_daily", "paid_on", "paid_on"),
                ("claims_paid_monthly", "paid_month", "SUBSTR(paid_on, 1, 7)"),
            ] {
                let kept: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(&format!(
                    "SELECT billing_provider_id, service_provider_id, {period}, paid_cents, claim_count \
                     FROM {table} ORDER BY 1, 2, 3"
                ))
                .fetch_all(db)
                .await
                .unwrap();
                let summed: Vec<(i64, i64, String, i64, i64)> = sqlx::query_as(&format!(
                    "SELECT billing_provider_id, service_provider_id, {of_claim}, \
                     CAST(SUM(paid_cents) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM claims \
                     WHERE paid_on IS NOT NULL \
                     GROUP BY billing_provider_id, service_provider_id, {of_claim} ORDER BY 1, 2, 3"
                ))
                .fetch_all(db)
                .await
                .unwrap();
                assert!(!summed.is_empty(), "{step}: the demo's claims were paid");
                assert_eq!(
                    kept, summed,
                    "{step}, {table} ({:?})",
                    site.state.db.backend
                );
            }
        };
        check("demo data").await;
        let (first, billing, service): (i64, i64, i64) = sqlx::query_as(
            "SELECT id, billing_provider_id, service_provider_id FROM claims WHERE paid_on IS NOT NULL ORDER BY id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let other: i64 =
            sqlx::query_scalar("SELECT id FROM providers WHERE id <> $1 ORDER BY id LIMIT 1")
                .bind(billing)
                .fetch_one(db)
                .await
                .unwrap();
        // Copies of the first paid claim, under new numbers.
        for (number, paid_on, cents) in [
            ("T-DAILY-1", Some("2020-01-02"), 700),
            ("T-DAILY-2", Some("2020-01-02"), 55),
            ("T-DAILY-3", None, 0),
        ] {
            sqlx::query(
                "INSERT INTO claims (claim_number, member_id, billing_provider_id, service_provider_id, status, \
                 line_of_business, service_from, service_to, received_on, paid_on, billed_cents, paid_cents, \
                 check_number, patient_account, delegated_network) \
                 SELECT $1, member_id, billing_provider_id, service_provider_id, status, line_of_business, \
                 service_from, service_to, received_on, $2, billed_cents, $3, check_number, patient_account, \
                 delegated_network FROM claims WHERE id = $4",
            )
            .bind(number)
            .bind(paid_on)
            .bind(cents)
            .bind(first)
            .execute(db)
            .await
            .unwrap();
        }
        check("added, two on one new day and one unpaid").await;
        let moved = format!(
            "UPDATE claims SET billing_provider_id = {other}, service_provider_id = {service} \
             WHERE claim_number = 'T-DAILY-2'"
        );
        for (sql, step) in [
            ("UPDATE claims SET paid_cents = paid_cents + 1234 WHERE claim_number = 'T-DAILY-1'", "repriced"),
            ("UPDATE claims SET paid_on = '2020-01-03' WHERE claim_number = 'T-DAILY-1'", "moved to another day"),
            ("UPDATE claims SET paid_on = '2020-02-03' WHERE claim_number = 'T-DAILY-1'", "moved to another month"),
            ("UPDATE claims SET paid_on = '2020-01-03' WHERE claim_number = 'T-DAILY-1'", "moved back"),
            (moved.as_str(), "moved to another provider, its day left empty"),
            ("UPDATE claims SET paid_on = '2020-01-03', paid_cents = 90 WHERE claim_number = 'T-DAILY-3'", "paid"),
            ("UPDATE claims SET paid_on = NULL WHERE claim_number = 'T-DAILY-1'", "unpaid"),
            ("UPDATE claims SET status = 'finalized', check_number = 'X1' WHERE claim_number = 'T-DAILY-3'", "other columns changed"),
            ("DELETE FROM claims WHERE claim_number LIKE 'T-DAILY-%'", "removed"),
        ] {
            sqlx::query(sql).execute(db).await.unwrap();
            check(step).await;
        }
        for (table, period) in [
            ("claims_paid_daily", "paid_on"),
            ("claims_paid_monthly", "paid_month"),
        ] {
            let left: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE {period} LIKE '2020-%'"
            ))
            .fetch_one(db)
            .await
            .unwrap();
            assert_eq!(left, 0, "no empty day or month is kept in {table}");
        }
    }
}

/// A submitter's dashboard says its submitter ID and leads to its provider network; an
/// office's leads to its submitter management.
#[tokio::test]
async fn the_tiles_follow_the_kind_of_organization() {
    for site in sites(false).await {
        let valley = session_of(&site, "billing@valley.example").await;
        let (status, dashboard) = form(&site, "/api/dashboard", "", Some(&valley)).await;
        assert_eq!(status, StatusCode::OK, "{dashboard}");
        assert_eq!(dashboard["provider_office"], false);
        assert_eq!(dashboard["submitter_id"], "SUB00417");
        let sunrise = session_of(&site, "admin@sunrise.example").await;
        let (_, dashboard) = form(&site, "/api/dashboard", "", Some(&sunrise)).await;
        assert_eq!(dashboard["provider_office"], true);
        assert!(dashboard["submitter_id"].is_null());
    }
}

/// The tile's notifications come in the summary's read: the newest three, newest first, with
/// the total; an office with none has one summary row and an empty tile.
#[tokio::test]
async fn the_notifications_tile_lists_the_newest_with_the_total() {
    for site in sites(false).await {
        let sunrise = session_of(&site, "admin@sunrise.example").await;
        let (_, dashboard) = form(&site, "/api/dashboard", "", Some(&sunrise)).await;
        let newest: Vec<String> = sqlx::query_scalar(
            "SELECT n.title FROM notifications n JOIN organizations o ON o.id = n.organization_id \
             JOIN users u ON u.email = 'admin@sunrise.example' \
             WHERE o.name = 'Sunrise Family Clinic' AND (n.user_id IS NULL OR n.user_id = u.id) \
             ORDER BY n.created_at DESC, n.id DESC LIMIT 3",
        )
        .fetch_all(&site.state.db.pool)
        .await
        .unwrap();
        let titles: Vec<&str> = dashboard["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, newest, "{dashboard}");
        assert_eq!(dashboard["notifications_total"], 5);
        assert!(dashboard["banner"].is_object(), "the banner beside them");
        assert_eq!(
            dashboard["correspondence_total"].as_i64().map(|n| n > 0),
            Some(true)
        );

        sqlx::query(
            "DELETE FROM notifications WHERE organization_id = \
             (SELECT id FROM organizations WHERE name = 'Sunrise Family Clinic')",
        )
        .execute(&site.state.db.pool)
        .await
        .unwrap();
        let (status, dashboard) = form(&site, "/api/dashboard", "", Some(&sunrise)).await;
        assert_eq!(status, StatusCode::OK, "{dashboard}");
        assert_eq!(dashboard["notifications"], serde_json::json!([]));
        assert_eq!(dashboard["notifications_total"], 0);
        assert_eq!(dashboard["organization"], "Sunrise Family Clinic");
        assert!(dashboard["banner"].is_object(), "the summary is still read");
    }
}

/// The NPI tile pages through the member's NPIs in NPI order, five a page, each page after
/// the cursor the one before gave, every NPI once, with its level, whether or not the office
/// has notifications. On SQLite the page comes in the summary's query, on PostgreSQL after it:
/// each site's connections name its own backend, so each path is the one tested there.
#[tokio::test]
async fn the_npi_tile_pages_through_the_npis_held() {
    for site in sites(false).await {
        let conn = site.state.db.conn().await.unwrap();
        assert_eq!(app::ssr::db::Backend::of(&conn), site.state.db.backend);
        drop(conn);
        let sunrise = session_of(&site, "admin@sunrise.example").await;
        let held: Vec<(String, String)> = sqlx::query_as(
            "SELECT p.npi, n.level FROM npi_permissions n JOIN providers p ON p.id = n.provider_id \
             JOIN memberships m ON m.id = n.membership_id JOIN users u ON u.id = m.user_id \
             WHERE u.email = 'admin@sunrise.example' AND p.organization_id = m.organization_id \
             ORDER BY p.npi",
        )
        .fetch_all(&site.state.db.pool)
        .await
        .unwrap();
        assert!(held.len() > 5, "more than a page: {held:?}");
        let (shown, pages_read, dashboard) = npi_pages(&site, &sunrise).await;
        assert_eq!(shown, held);
        assert_eq!(pages_read, held.len().div_ceil(5));
        assert!(!dashboard["notifications"].as_array().unwrap().is_empty());

        sqlx::query("DELETE FROM notifications")
            .execute(&site.state.db.pool)
            .await
            .unwrap();
        let (shown, _, dashboard) = npi_pages(&site, &sunrise).await;
        assert_eq!(shown, held, "without notifications");
        assert_eq!(dashboard["notifications_total"], 0);
    }
}

/// Every page of the NPI tile, by its cursors: (NPI, level) as shown, how many pages, and the
/// last page's dashboard.
async fn npi_pages(
    site: &Site,
    session: &str,
) -> (Vec<(String, String)>, usize, serde_json::Value) {
    let (mut shown, mut body, mut pages) = (Vec::new(), String::new(), 0);
    loop {
        let (status, dashboard) = form(site, "/api/dashboard", &body, Some(session)).await;
        assert_eq!(status, StatusCode::OK, "{dashboard}");
        let items = dashboard["npis"]["items"].as_array().unwrap();
        assert!(!items.is_empty() && items.len() <= 5, "{dashboard}");
        pages += 1;
        for item in items {
            // The label ("Admin", "Processor") is the stored level capitalized.
            let level = item["level"].as_str().unwrap().to_lowercase();
            shown.push((item["npi"].as_str().unwrap().to_string(), level));
        }
        match dashboard["npis"]["next"].as_str() {
            Some(next) => body = format!("npis_after={next}"),
            None => return (shown, pages, dashboard),
        }
    }
}

/// The frame names the program from the plan's setting, signed in or not: the brand in the
/// header, the guidelines link in the footer and the title; so do the Log In page's link to
/// join and the Guidelines page.
#[tokio::test]
async fn the_frame_names_the_program_from_its_setting() {
    for site in sites_with(false, |s| s.program_name = "Sunflower Care".into()).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        for (path, cookie) in [
            ("/", Some(admin.as_str())),
            ("/login", None),
            ("/guidelines", None),
        ] {
            let html = body_text(site.send(get(path, cookie)).await).await;
            assert!(
                html.contains(r#"class="brand">Sunflower Care Provider Portal<"#),
                "{path}: the brand"
            );
            assert!(
                html.contains(r#"<a href="/guidelines">Sunflower Care Guidelines<"#),
                "{path}: the footer"
            );
            assert!(
                !html.contains("Poppy Health"),
                "{path}: the demo plan's name"
            );
            assert!(
                html.contains("<title>Sunflower Care Provider Portal</title>"),
                "{path}: the title"
            );
            match path {
                "/login" => assert!(
                    html.contains("Join Sunflower Care Provider Portal"),
                    "{path}: the link to join"
                ),
                "/guidelines" => assert!(
                    html.contains("<h1>Sunflower Care Guidelines"),
                    "{path}: the heading"
                ),
                _ => {}
            }
        }
    }
}
