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

async fn sent_to(site: &Site, to: &str, subject_like: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = $1 AND subject LIKE $2")
        .bind(to)
        .bind(subject_like)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

/// User activity reaches only the Org Admins who opted in; email copies follow each user's
/// preferences: at once, or one digest a period, sent once however many servers look; the
/// office's admins are told once per cycle that verification is due.
#[tokio::test]
async fn user_activity_is_opt_in_and_email_copies_follow_preferences() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        let state = site.state.clone();
        let id_of = |email: &'static str| async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = $1")
                .bind(email)
                .fetch_one(db)
                .await
                .unwrap()
        };
        let (admin_id, processor_id) = (
            id_of("admin@sunrise.example").await,
            id_of("processor@sunrise.example").await,
        );
        let sunrise: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Sunrise Family Clinic'")
                .fetch_one(db)
                .await
                .unwrap();
        // The processor becomes a second administrator, who watches what the first does.
        sqlx::query(
            "UPDATE memberships SET org_role = 'admin' WHERE user_id = $1 AND organization_id = $2",
        )
        .bind(processor_id)
        .bind(sunrise)
        .execute(db)
        .await
        .unwrap();
        let acting = session_of(&site, "admin@sunrise.example").await;
        let activity = || async {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'user_activity'",
            )
            .bind(processor_id)
            .fetch_one(db)
            .await
            .unwrap()
        };
        let add = |email: &'static str| {
            let acting = acting.clone();
            let site = &site;
            async move {
                let (status, answer) = form(
                    site,
                    "/api/admin/users/add",
                    &format!("form[email]={}&form[first_name]=Ana&form[last_name]=Lee&form[mobile]=9165550188&form[business]=", enc(email)),
                    Some(&acting),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{answer}");
            }
        };

        add("ana.one@sunrise.example").await;
        assert_eq!(activity().await, 0, "not opted in");
        sqlx::query(
            "INSERT INTO notification_preferences (user_id, kind, frequency, email) VALUES ($1, 'user_activity', 'immediately', 1)",
        )
        .bind(processor_id)
        .execute(db)
        .await
        .unwrap();
        add("ana.two@sunrise.example").await;
        assert_eq!(activity().await, 1, "opted in");
        let actor_told: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'user_activity'",
        )
        .bind(admin_id)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(actor_told, 0, "who did it is not told");

        // At once: one copy, however often the sweep runs.
        let subject = "% Provider Portal: User added";
        assert_eq!(
            sent_to(&site, "processor@sunrise.example", subject).await,
            0
        );
        assert!(
            app::notifications::mail::send_immediate(&state)
                .await
                .unwrap()
                >= 1
        );
        assert_eq!(
            app::notifications::mail::send_immediate(&state)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            sent_to(&site, "processor@sunrise.example", subject).await,
            1
        );

        // A daily digest: the processor wants bulletins by email once a day.
        sqlx::query(
            "INSERT INTO notification_preferences (user_id, kind, frequency, email) VALUES ($1, 'bulletin', 'daily', 1)",
        )
        .bind(processor_id)
        .execute(db)
        .await
        .unwrap();
        let now = site.state.clock.unix();
        for title in ["Bulletin one", "Bulletin two"] {
            sqlx::query(
                "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
                 VALUES ($1, NULL, 'bulletin', $2, 'Read it.', NULL, $3)",
            )
            .bind(sunrise)
            .bind(title)
            .bind(now)
            .execute(db)
            .await
            .unwrap();
        }
        let digest = "% Provider Portal: your notifications for %";
        let before = sent_to(&site, "processor@sunrise.example", digest).await;
        // Today's bulletins wait for tomorrow's run.
        app::notifications::mail::send_digests(&state, "daily")
            .await
            .unwrap();
        assert_eq!(
            sent_to(&site, "processor@sunrise.example", digest).await,
            before
        );
        site.clock.advance(24 * 60 * 60);
        // Two servers look at once: one digest.
        let (a, b) = tokio::join!(
            app::notifications::mail::send_digests(&state, "daily"),
            app::notifications::mail::send_digests(&state, "daily"),
        );
        assert_eq!(a.unwrap() + b.unwrap(), 1);
        assert_eq!(
            sent_to(&site, "processor@sunrise.example", digest).await,
            before + 1
        );
        let body: String = sqlx::query_scalar(
            "SELECT body FROM outbox WHERE recipient = 'processor@sunrise.example' AND subject LIKE $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(digest)
        .fetch_one(db)
        .await
        .unwrap();
        assert!(
            body.contains("Bulletin one") && body.contains("Bulletin two"),
            "{body}"
        );
        assert_eq!(
            app::notifications::mail::send_digests(&state, "daily")
                .await
                .unwrap(),
            0
        );

        // Verification due: told once when 15 days or fewer are left.
        let today = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap();
        let verified_on = today - jiff::Span::new().days(46);
        let verified_at = site.state.settings.calendar.start_of(verified_on).unwrap() + 3600;
        sqlx::query("UPDATE organizations SET verified_at = $1 WHERE id = $2")
            .bind(verified_at)
            .bind(sunrise)
            .execute(db)
            .await
            .unwrap();
        let told = app::notifications::mail::remind_verification(&state)
            .await
            .unwrap();
        assert!(told >= 1);
        let due: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE organization_id = $1 AND kind = 'verification' AND user_id = $2",
        )
        .bind(sunrise)
        .bind(admin_id)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(due, 1);
        app::notifications::mail::remind_verification(&state)
            .await
            .unwrap();
        let again: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE organization_id = $1 AND kind = 'verification' AND user_id = $2",
        )
        .bind(sunrise)
        .bind(admin_id)
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(again, 1, "once per cycle");
    }
}
