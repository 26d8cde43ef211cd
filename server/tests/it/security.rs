//! Limits that must hold under parallel requests: each request runs on its own task of a
//! multi-thread runtime.

use crate::common::*;
use axum::http::StatusCode;
use server::demo::DEMO_PASSWORD;
use tower::ServiceExt;

/// Sends the same form `n` times at once; answers the statuses.
async fn at_once(
    site: &Site,
    n: usize,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> Vec<StatusCode> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let router = site.router.clone();
            let request = post_form(path, body, cookie);
            let start = start.clone();
            tokio::spawn(async move {
                start.wait().await;
                router.oneshot(request).await.unwrap().status()
            })
        })
        .collect();
    let mut statuses = Vec::with_capacity(n);
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

async fn latest_failures(site: &Site) -> i64 {
    sqlx::query_scalar("SELECT failures FROM passcodes ORDER BY id DESC LIMIT 1")
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

/// Twenty guesses at once still get five tries between them, and a passcode sent once is
/// accepted once, however many requests carry it at the same moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_passcode_guesses_get_five_tries_and_a_code_works_once() {
    for site in sites(false).await {
        let session = session_of(&site, "admin@sunrise.example").await;
        site.post("/api/step-up/send", "channel=sms", Some(&session))
            .await;
        let code = latest_code(&site).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let statuses = at_once(
            &site,
            20,
            "/api/step-up/verify",
            &format!("code={wrong}"),
            Some(&session),
        )
        .await;
        assert!(statuses
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY));
        assert_eq!(latest_failures(&site).await, 5, "five tries, no more");
        let (status, _) = site
            .post(
                "/api/step-up/verify",
                &format!("code={code}"),
                Some(&session),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the right code is too late: the passcode is void"
        );

        // Another session (a passcode's failures carry over to the next one sent to the same
        // session): its passcode goes in ten requests at once.
        let other = session_of(&site, "admin@sunrise.example").await;
        site.post("/api/step-up/send", "channel=sms", Some(&other))
            .await;
        let code = latest_code(&site).await;
        let statuses = at_once(
            &site,
            10,
            "/api/step-up/verify",
            &format!("code={code}"),
            Some(&other),
        )
        .await;
        let accepted = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(accepted, 1, "{statuses:?}");
    }
}

async fn lockout(site: &Site) -> (Option<i64>, i64) {
    sqlx::query_as(
        "SELECT locked_until, lifetime_failed_logins FROM users WHERE email = 'processor@sunrise.example'",
    )
    .fetch_one(&site.state.db.pool)
    .await
    .unwrap()
}

/// Ten wrong passwords at once lock the account for 15 minutes, and tries made while it is
/// locked count for nothing (so nobody can run a known account up to the permanent lock).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_lock_the_account_and_locked_tries_do_not_count() {
    for site in sites(false).await {
        let wrong = "email=processor%40sunrise.example&password=not-the-password";
        let statuses = at_once(&site, 10, "/api/log-in", wrong, None).await;
        assert!(statuses
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY));
        let (locked_until, lifetime) = lockout(&site).await;
        assert_eq!(
            locked_until,
            Some(site.state.clock.unix() + 15 * 60),
            "locked by the tenth"
        );
        assert_eq!(lifetime, 10);
        let (status, challenge, _) =
            password_step(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(challenge.is_none(), "locked: even the right password");

        at_once(&site, 5, "/api/log-in", wrong, None).await;
        assert_eq!(lockout(&site).await.1, 10, "no try counts while locked");
    }
}
