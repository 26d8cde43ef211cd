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

/// The sign-in's second factor, past a known password: an authenticator app's codes get five
/// tries, then the sign-in starts again; wrong passcodes count toward the account's lockout
/// across sign-ins, and a right password does not reset that count.
#[tokio::test]
async fn second_factor_failures_end_the_sign_in_after_five_and_lock_the_account() {
    for site in sites(false).await {
        let email = "admin@sunrise.example";
        let secret = enroll_authenticator(&site, email).await;
        let (_, challenge, _) = password_step(&site, email, DEMO_PASSWORD).await;
        let challenge = challenge.unwrap();
        site.post(
            "/api/log-in/send-passcode",
            "channel=authenticator",
            Some(&challenge),
        )
        .await;
        let right = app_code(&secret, site.state.clock.unix());
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        let verify = |code: &str| format!("code={code}");
        for _ in 0..4 {
            let (status, _) = site
                .post(
                    "/api/log-in/verify-passcode",
                    &verify(wrong),
                    Some(&challenge),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let (status, response) = site
            .post(
                "/api/log-in/verify-passcode",
                &verify(wrong),
                Some(&challenge),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body_text(response).await.contains("Please log in again"));
        let (status, _) = site
            .post(
                "/api/log-in/verify-passcode",
                &verify(&right),
                Some(&challenge),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "the right code is too late");

        // Five more wrong passcodes by SMS after the right password again: ten in a row lock
        // the account for 15 minutes.
        let (_, challenge, _) = password_step(&site, email, DEMO_PASSWORD).await;
        let challenge = challenge.unwrap();
        site.post("/api/log-in/send-passcode", "channel=sms", Some(&challenge))
            .await;
        let code = latest_code(&site).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            site.post(
                "/api/log-in/verify-passcode",
                &verify(wrong),
                Some(&challenge),
            )
            .await;
        }
        let (locked_until, lifetime): (Option<i64>, i64) = sqlx::query_as(
            "SELECT locked_until, lifetime_failed_logins FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(locked_until, Some(site.state.clock.unix() + 15 * 60));
        assert_eq!(lifetime, 10);
        let (status, challenge, _) = password_step(&site, email, DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(challenge.is_none(), "locked");

        // After the lock, a whole sign-in ends the run.
        site.clock.advance(15 * 60);
        let (status, session, _) = log_in(&site, email, DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        assert!(session.is_some());
        let run: i64 = sqlx::query_scalar("SELECT failed_logins FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&site.state.db.pool)
            .await
            .unwrap();
        assert_eq!(run, 0);
    }
}

/// Nobody, the portal included, can change or remove an audit row.
#[tokio::test]
async fn the_audit_log_is_append_only() {
    for site in sites(false).await {
        let pool = &site.state.db.pool;
        sqlx::query("INSERT INTO audit_log (at, action, subject, detail) VALUES (1, 'x', 'y', '')")
            .execute(pool)
            .await
            .unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(pool)
            .await
            .unwrap();
        assert!(sqlx::query("UPDATE audit_log SET detail = 'changed'")
            .execute(pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM audit_log")
            .execute(pool)
            .await
            .is_err());
        let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(after, rows);
    }
}

/// A new key: what the previous one sealed still opens while it is listed as previous;
/// `rotate-key` re-seals it all, after which the previous key can go. A sealed secret copied
/// to another user opens for nobody.
#[tokio::test]
async fn rotating_the_key_reseals_every_secret_and_rows_copied_to_another_user_do_not_open() {
    use app::ssr::crypto::{Keys, Sealed};
    for site in sites(false).await {
        let db = &site.state.db;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM users ORDER BY id LIMIT 2")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        let (old, new) = ([1u8; 32], [2u8; 32]);
        let before = Keys::new(old, vec![]);
        let passkey = |user_id| Sealed::Passkey { user_id };
        let sealed = before.seal(passkey(ids[0]), b"4821");
        let seed = before.seal(Sealed::Authenticator { user_id: ids[0] }, b"seed-bytes");
        sqlx::query(
            "UPDATE users SET passkey_ciphertext = $1, totp_secret_ciphertext = $2 WHERE id = $3",
        )
        .bind(&sealed)
        .bind(&seed)
        .bind(ids[0])
        .execute(&db.pool)
        .await
        .unwrap();
        // The same row copied onto the second user.
        sqlx::query("UPDATE users SET passkey_ciphertext = $1 WHERE id = $2")
            .bind(&sealed)
            .bind(ids[1])
            .execute(&db.pool)
            .await
            .unwrap();
        assert_eq!(before.open(passkey(ids[1]), &sealed), None);
        // The demo's PINs are sealed with the site's own key, which neither key here opens.
        let pins: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM providers WHERE pin_ciphertext IS NOT NULL")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert!(pins > 0);
        let pins = pins as u64;

        let rotated = server::keys::rotate(db, &Keys::new(new, vec![]))
            .await
            .unwrap();
        assert_eq!(rotated.resealed, 0, "the old key is not configured");
        assert_eq!(rotated.unreadable, 3 + pins);

        let during = Keys::new(new, vec![old]);
        let rotated = server::keys::rotate(db, &during).await.unwrap();
        assert_eq!(rotated.resealed, 2);
        assert_eq!(
            rotated.unreadable,
            1 + pins,
            "the copied row opens for nobody"
        );
        let after = Keys::new(new, vec![]);
        let (passkey_now, seed_now): (String, String) = sqlx::query_as(
            "SELECT passkey_ciphertext, totp_secret_ciphertext FROM users WHERE id = $1",
        )
        .bind(ids[0])
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert!(passkey_now.starts_with(&format!("v1:{}:", after.current_id())));
        assert_eq!(
            after.open(passkey(ids[0]), &passkey_now).as_deref(),
            Some(&b"4821"[..])
        );
        assert_eq!(
            after
                .open(Sealed::Authenticator { user_id: ids[0] }, &seed_now)
                .as_deref(),
            Some(&b"seed-bytes"[..])
        );
        assert_eq!(
            server::keys::rotate(db, &during).await.unwrap().resealed,
            0,
            "nothing left to re-seal"
        );
    }
}

/// Calls of a public endpoint from one client address: 200 in 15 minutes, then "too many"
/// for that address only, until the window has passed.
#[tokio::test]
async fn public_endpoints_are_throttled_per_client_address() {
    use app::ssr::guard::{PUBLIC_CALLS_PER_ADDRESS, PUBLIC_WINDOW_MINUTES};
    let from =
        |ip: [u8; 4]| {
            let mut request = post_form("/api/log-in", "email=someone%40example.org", None);
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from((ip, 40000)),
            ));
            request
        };
    for site in sites(false).await {
        for _ in 0..PUBLIC_CALLS_PER_ADDRESS {
            assert_eq!(
                site.send(from([10, 0, 0, 9])).await.status(),
                StatusCode::OK
            );
        }
        assert_eq!(
            site.send(from([10, 0, 0, 9])).await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            site.send(from([10, 0, 0, 10])).await.status(),
            StatusCode::OK,
            "another address"
        );
        site.clock.advance(PUBLIC_WINDOW_MINUTES * 60);
        assert_eq!(
            site.send(from([10, 0, 0, 9])).await.status(),
            StatusCode::OK
        );
    }
}

/// Passcodes across purposes: at most 30 an hour to one phone or address, and 30 an hour
/// for one user, whatever the subject.
#[tokio::test]
async fn passcode_sends_are_capped_per_destination_and_per_user() {
    use app::ssr::outbox::Channel;
    use app::ssr::passcodes::{self, Purpose, MAX_SENDS_PER_DESTINATION, MAX_SENDS_PER_USER};
    for site in sites(false).await {
        let state = &site.state;
        let send = |subject: String, user: Option<i64>, to: &'static str| async move {
            passcodes::send(state, Purpose::StepUp, &subject, user, Channel::Sms, to).await
        };
        for n in 0..MAX_SENDS_PER_DESTINATION {
            send(format!("d{n}"), None, "9165550100").await.unwrap();
        }
        assert_eq!(
            send("d-last".into(), None, "9165550100").await.unwrap_err(),
            app::error::AppError::RateLimited
        );
        send("other".into(), None, "9165550101").await.unwrap();

        for n in 0..MAX_SENDS_PER_USER {
            send(
                format!("u{n}"),
                Some(7),
                ["9165550102", "9165550103"][n as usize % 2],
            )
            .await
            .unwrap();
        }
        assert_eq!(
            send("u-last".into(), Some(7), "9165550104")
                .await
                .unwrap_err(),
            app::error::AppError::RateLimited
        );
        send("u-other".into(), Some(8), "9165550104").await.unwrap();
        site.clock.advance(60 * 60);
        send("u-later".into(), Some(7), "9165550104").await.unwrap();
        send("d-later".into(), None, "9165550100").await.unwrap();
    }
}

/// The fastest of `tries` posts of each form, taken in turns; background work is let finish
/// between posts, outside the timing (an attacker sees only the answer's time). The fastest,
/// not the median: other tests share the machine and the password queue, and their load only
/// ever adds time, so the fastest answer is each path's own cost.
async fn fastest(site: &Site, path: &str, forms: [&str; 2], tries: usize) -> [f64; 2] {
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..tries {
        for (i, form) in forms.iter().enumerate() {
            let started = std::time::Instant::now();
            let status = site.send(post_form(path, form, None)).await.status();
            times[i].push(started.elapsed().as_secs_f64());
            assert!(status.is_success() || status == StatusCode::UNPROCESSABLE_ENTITY);
            site.state.background.settled().await;
        }
    }
    times.map(|t| t.into_iter().fold(f64::INFINITY, f64::min))
}

/// "Forgot Password?" and "Log In" answer as quickly for an address without an account as
/// for one with: the fastest answers are within 2× of each other, give or take a millisecond. (Below
/// that, what differs is the database being busy with the background work the answer left
/// behind, which the network's own jitter hides; a lookup or an email made before answering
/// takes several times longer and is caught.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_with_and_without_an_account_take_the_same_time() {
    const SLACK: f64 = 0.001;
    for site in sites(false).await {
        let [known, unknown] = fastest(
            &site,
            "/api/password/forgot",
            [
                "email=scheduler%40harbor.example",
                "email=nobody%40harbor.example",
            ],
            21,
        )
        .await;
        assert!(
            known.max(unknown) <= 2.0 * known.min(unknown) + SLACK,
            "forgot password: {known:.5}s with an account, {unknown:.5}s without"
        );
        let [known, unknown] = fastest(
            &site,
            "/api/log-in",
            [
                "email=reception%40harbor.example&password=not-the-password",
                "email=nobody%40harbor.example&password=not-the-password",
            ],
            9,
        )
        .await;
        assert!(
            known.max(unknown) <= 2.0 * known.min(unknown) + SLACK,
            "log in: {known:.5}s with an account, {unknown:.5}s without"
        );
    }
}

/// More requests at once than the pool has connections: each request holds at most one
/// connection at a time, so none waits on another for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_dashboards_does_not_exhaust_the_connection_pool() {
    for site in sites(false).await {
        let session = session_of(&site, "admin@sunrise.example").await;
        let burst = at_once(&site, 32, "/api/dashboard", "", Some(&session));
        let statuses = tokio::time::timeout(std::time::Duration::from_secs(20), burst)
            .await
            .expect("the burst was answered");
        assert!(
            statuses.iter().all(|s| *s == StatusCode::OK),
            "{statuses:?}"
        );
    }
}

/// A page render leaves its request's reactive owner as the worker thread's current one (a new
/// root owner is set and never unset), so a plain route served next on that thread can see the
/// page's context. The caller the page read once must answer for nobody but the page.
#[tokio::test]
async fn a_download_never_takes_the_caller_of_a_page_rendered_on_its_thread() {
    use app::ssr::guard::{require, require_parts, Access};
    use leptos::prelude::{provide_context, Owner};
    for site in sites(true).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;
        // A request as the server hands it on.
        let parts = |cookie: &str| {
            let mut parts = axum::http::Request::builder()
                .uri("/downloads/claims")
                .header(axum::http::header::COOKIE, cookie)
                .body(())
                .unwrap()
                .into_parts()
                .0;
            app::ssr::page::attach(&mut parts.extensions);
            parts
        };
        // The admin's page, rendering on this thread: it reads its caller once.
        let _page = Owner::new_root(None);
        provide_context(site.state.clone());
        provide_context(parts(&admin));
        app::ssr::page::rendering();
        let on_page = require(Access::SIGNED_IN).await.unwrap();
        assert_eq!(on_page.0.email, "admin@sunrise.example");
        // Its next component gets the caller read first, without reading the session again.
        app::ssr::session::delete_for_user(&site.state.db, on_page.0.user_id)
            .await
            .unwrap();
        let again = require(Access::SIGNED_IN).await.unwrap();
        assert_eq!(again.0.email, "admin@sunrise.example");
        // The processor's download, served next on the same thread.
        let download = require_parts(&site.state, &parts(&processor), Access::SIGNED_IN)
            .await
            .unwrap();
        assert_eq!(download.0.email, "processor@sunrise.example");
        // And a server function seeing another session's request under the page's context.
        provide_context(parts(&processor));
        let other = require(Access::SIGNED_IN).await.unwrap();
        assert_eq!(other.0.email, "processor@sunrise.example");
    }
}
