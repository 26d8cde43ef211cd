//! Notifications on SQLite and PostgreSQL: what a member sees, search, the date filter, keyset
//! pages, and read marks kept per user.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn members_search_filter_page_and_mark_their_notifications() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let now = site.state.clock.unix();
        let (sunrise, harbor): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT id FROM organizations WHERE name = 'Sunrise Family Clinic'), \
                    (SELECT id FROM organizations WHERE name = 'Harbor Pediatrics')",
        )
        .fetch_one(db)
        .await
        .unwrap();
        // 25 more for the whole office, an hour apart; one for another office.
        for i in 0..25 {
            sqlx::query(
                "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
                 VALUES ($1, NULL, 'remittance', $2, 'Remittance advice is ready.', NULL, $3)",
            )
            .bind(sunrise)
            .bind(format!("Weekly remittance {i:02}"))
            .bind(now - 3600 * (i + 1))
            .execute(db)
            .await
            .unwrap();
        }
        let harbor_id: i64 = sqlx::query_scalar(
            "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
             VALUES ($1, NULL, 'remittance', 'Harbor only', 'Not for Sunrise.', NULL, $2) RETURNING id",
        )
        .bind(harbor)
        .bind(now)
        .fetch_one(db)
        .await
        .unwrap();
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;

        let (status, all) = form(
            &site,
            "/api/notifications",
            "search=&start=&end=",
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let first = titles(&all);
        assert_eq!(first.len(), 20, "a page");
        assert!(!first.contains(&"Harbor only".to_string()));
        let next = all["next"].as_str().unwrap().to_string();
        let (_, second) = form(
            &site,
            "/api/notifications",
            &format!("search=&start=&end=&after={}", enc(&next)),
            Some(&admin),
        )
        .await;
        let second = titles(&second);
        assert!(!second.is_empty());
        assert!(second.iter().all(|t| !first.contains(t)), "no row twice");
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE organization_id = $1 AND (user_id IS NULL OR user_id = \
             (SELECT id FROM users WHERE email = 'admin@sunrise.example'))",
        )
        .bind(sunrise)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!((first.len() + second.len()) as i64, total.min(40));

        let (_, found) = form(
            &site,
            "/api/notifications",
            "search=WEEKLY+remittance+07&start=&end=",
            Some(&admin),
        )
        .await;
        assert_eq!(titles(&found), vec!["Weekly remittance 07".to_string()]);

        // The dates: whole plan days, in order.
        let today = site.state.settings.calendar.date_of(now).unwrap();
        let (_, dated) = form(
            &site,
            "/api/notifications",
            &format!("search=Weekly&start={today}&end={today}"),
            Some(&admin),
        )
        .await;
        let midnight = site.state.settings.calendar.start_of(today).unwrap();
        let expected = (0..25).filter(|i| now - 3600 * (i + 1) >= midnight).count();
        assert_eq!(
            titles(&dated).len(),
            expected,
            "only today's, in the plan's time zone"
        );
        let (status, backwards) = form(
            &site,
            "/api/notifications",
            &format!("search=&start={}&end={today}", today.tomorrow().unwrap()),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(backwards
            .to_string()
            .contains("End Date must be on or after"));

        // Read marks are per user.
        let id = all["items"][0]["id"].as_i64().unwrap();
        assert_eq!(all["items"][0]["read"], false);
        let (status, _) = form(
            &site,
            "/api/notifications/mark",
            &format!("id={id}&read=true"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, again) = form(
            &site,
            "/api/notifications",
            "search=&start=&end=",
            Some(&admin),
        )
        .await;
        assert_eq!(again["items"][0]["read"], true);
        let (_, theirs) = form(
            &site,
            "/api/notifications",
            "search=&start=&end=",
            Some(&processor),
        )
        .await;
        let same = theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .unwrap();
        assert_eq!(same["read"], false, "another user's mark");
        form(
            &site,
            "/api/notifications/mark",
            &format!("id={id}&read=false"),
            Some(&admin),
        )
        .await;
        let (_, unread) = form(
            &site,
            "/api/notifications",
            "search=&start=&end=",
            Some(&admin),
        )
        .await;
        assert_eq!(unread["items"][0]["read"], false);

        let (status, _) = form(
            &site,
            "/api/notifications/mark",
            &format!("id={harbor_id}&read=true"),
            Some(&admin),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another office's notification"
        );
    }
}
