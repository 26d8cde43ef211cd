//! What the plan publishes to everyone: banners (published, scheduled, expired, dismissed)
//! and the Additional Resources pages, whose text is never taken as HTML.

use crate::common::*;
use axum::http::StatusCode;
use jiff::ToSpan;

async fn banner_shown(site: &Site, session: &str) -> Option<String> {
    let (status, dashboard) = form(site, "/api/dashboard", "", Some(session)).await;
    assert_eq!(status, StatusCode::OK, "{dashboard}");
    dashboard["banner"]["message"].as_str().map(str::to_string)
}

#[tokio::test]
async fn plan_staff_publish_schedule_and_expire_banners_and_users_dismiss_them() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let ops = session_of(&site, "ops@poppy.example").await;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let today = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap();
        let count = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM banners")
                .fetch_one(db)
                .await
                .unwrap()
        };
        let before = count().await;

        // Bad input is named at its field and changes nothing; office users may not publish.
        let yesterday = today - 1.day();
        let (status, error) = form(
            &site,
            "/api/operator/banners/publish",
            &format!("message=&start={yesterday}&end=12%2F01%2F2020"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = error.to_string();
        for expected in [
            "Enter the banner's message.",
            "The Start Date cannot be in the past.",
            "The End Date must be on or after the Start Date.",
        ] {
            assert!(text.contains(expected), "{text}");
        }
        let (status, _) = form(
            &site,
            "/api/operator/banners/publish",
            &format!("message=Hello&start={today}&end={today}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(count().await, before);

        // Dismissing the demo's banner is remembered for that user only.
        let demo = banner_shown(&site, &admin).await.expect("the demo banner");
        let demo_id: i64 = sqlx::query_scalar("SELECT id FROM banners WHERE message = $1")
            .bind(&demo)
            .fetch_one(db)
            .await
            .unwrap();
        let (status, _) = form(
            &site,
            "/api/dashboard/dismiss-banner",
            &format!("banner_id={demo_id}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(banner_shown(&site, &admin).await, None);
        let processor = session_of(&site, "processor@sunrise.example").await;
        assert_eq!(banner_shown(&site, &processor).await, Some(demo.clone()));

        // Scheduled from tomorrow: not shown today, shown tomorrow.
        let tomorrow = today + 1.day();
        let (status, answer) = form(
            &site,
            "/api/operator/banners/publish",
            &format!(
                "message=Claims+submitted+after+5+PM+post+the+next+day.&start={tomorrow}&end={}",
                today + 3.days()
            ),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert!(answer.to_string().contains("scheduled"), "{answer}");
        assert_eq!(banner_shown(&site, &admin).await, None);
        let (_, listed) = form(&site, "/api/operator/banners", "", Some(&ops)).await;
        let scheduled = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["status"] == "Scheduled")
            .expect("the scheduled banner")
            .clone();
        // A day on, sessions have ended: sign in again.
        site.clock.advance(24 * 60 * 60);
        let (admin, ops) = (
            session_of(&site, "admin@sunrise.example").await,
            session_of(&site, "ops@poppy.example").await,
        );
        assert_eq!(
            banner_shown(&site, &admin).await.as_deref(),
            Some("Claims submitted after 5 PM post the next day.")
        );

        // Expired now: gone for everyone, and it cannot be expired twice.
        let (status, _) = form(
            &site,
            "/api/operator/banners/expire",
            &format!("banner_id={}", scheduled["id"]),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(banner_shown(&site, &admin).await, None);
        let (status, _) = form(
            &site,
            "/api/operator/banners/expire",
            &format!("banner_id={}", scheduled["id"]),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('banner.publish', 'banner.expire')",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(audited, 2);

        // A banner's last day is its End Date: after it, it is gone.
        let (status, _) = form(
            &site,
            "/api/operator/banners/publish",
            &format!("message=Today+only&start={tomorrow}&end={tomorrow}"),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            banner_shown(&site, &admin).await.as_deref(),
            Some("Today only")
        );
        site.clock.advance(24 * 60 * 60);
        let admin = session_of(&site, "admin@sunrise.example").await;
        assert_eq!(banner_shown(&site, &admin).await, None);
    }
}

#[tokio::test]
async fn resource_pages_are_edited_in_the_console_and_read_by_anyone_as_text() {
    for site in sites(false).await {
        let ops = session_of(&site, "ops@poppy.example").await;
        let admin = session_of(&site, "admin@sunrise.example").await;

        // Public: signed out, the demo's page reads.
        let (status, page) = form(&site, "/api/resources/page", "page=faq", None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["title"], "Frequently Asked Questions");
        let (status, _) = form(&site, "/api/resources/page", "page=secrets", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A script address is refused at the field, and the page keeps its text.
        let (status, error) = form(
            &site,
            "/api/operator/resources/save",
            &format!("page=news&body={}", enc("[click](javascript:alert(1))")),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error.to_string().contains("\"body\""), "{error}");
        let (_, unchanged) = form(&site, "/api/resources/page", "page=news", None).await;
        assert!(
            unchanged.to_string().contains("flu bulletin"),
            "{unchanged}"
        );
        let (status, _) = form(
            &site,
            "/api/operator/resources/save",
            "page=news&body=Mine",
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Markup stays text; links and lists are structure.
        let typed =
            "<b>Outage</b> tonight.\n\n- See [status](https://status.example/now)\n- Call us";
        let (status, answer) = form(
            &site,
            "/api/operator/resources/save",
            &format!("page=alerts&body={}", enc(typed)),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let (_, page) = form(&site, "/api/resources/page", "page=alerts", None).await;
        assert_eq!(
            page["blocks"][0]["Paragraph"][0]["Text"],
            "<b>Outage</b> tonight."
        );
        assert_eq!(
            page["blocks"][1]["List"][0][1]["Link"]["href"],
            "https://status.example/now"
        );
        // The rendered page escapes it.
        let html = body_text(site.send(get("/resources/alerts", None)).await).await;
        assert!(
            html.contains("&lt;b&gt;Outage&lt;/b&gt; tonight."),
            "{html}"
        );
        // Type-erased views mark the end of a text with an empty comment, `<!>`.
        assert!(html
            .replace("<!>", "")
            .contains("<a href=\"https://status.example/now\">status</a>"));
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'resource_page.save' AND subject = 'resource_page:alerts'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);
    }
}
