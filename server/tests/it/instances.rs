//! Two `server` processes on one PostgreSQL database, as a plan runs them behind a load
//! balancer: nothing one instance needs from the other lives in process memory.

use crate::common::*;
use crate::delivery::GatewayStub;
use app::ssr::testing;
use reqwest::header::{COOKIE, SET_COOKIE};
use server::demo::DEMO_PASSWORD;
use std::time::{Duration, Instant};

const KEY: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
const TOKEN: &str = "gateway-token";

struct Instance {
    base: String,
    process: std::process::Child,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The server binary running `command` on `database_url`.
fn server(command: &str, database_url: &str) -> std::process::Command {
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    server
        .arg(command)
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_OUTPUT_NAME", "portal")
        .env("PORTAL_SECRET_KEY", KEY)
        .env("PORTAL_PLAIN_HTTP", "1")
        .env("RUST_LOG", "error");
    server
}

async fn start(database_url: &str, gateway: &str) -> Instance {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let process = server("serve", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PORTAL_SMS_GATEWAY_URL", gateway)
        .env("PORTAL_SMS_GATEWAY_TOKEN", TOKEN)
        .spawn()
        .expect("start the server binary");
    let instance = Instance {
        base: format!("http://127.0.0.1:{port}"),
        process,
    };
    let started = Instant::now();
    let client = http_client();
    while client
        .get(format!("{}/healthz", instance.base))
        .send()
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{} did not start",
            instance.base
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    instance
}

/// Posts a form to `instance`; answers the status, the cookie it set (name=value) and the body.
async fn post(
    client: &reqwest::Client,
    instance: &Instance,
    path: &str,
    form: &str,
    cookie: Option<&str>,
) -> (u16, Option<String>, String) {
    let mut request = client
        .post(format!("{}{path}", instance.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &instance.base)
        .body(form.to_string());
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .find(|v| !v.ends_with('='));
    (status, cookie, response.text().await.unwrap())
}

/// The six digits of the newest passcode the gateway was given.
async fn passcode_sent(gateway: &GatewayStub, before: usize) -> String {
    let started = Instant::now();
    while gateway.count() <= before {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no passcode came"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = gateway.requests.lock().unwrap().last().unwrap().1["body"]
        .as_str()
        .unwrap()
        .to_string();
    let code = body.split(" is ").nth(1).unwrap();
    code[5..11].to_string()
}

/// A command that ends, or a server stopped as a service manager stops it (SIGTERM), closes
/// the database: SQLite folds its write-ahead log back in, so the next start has none to read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_leaves_no_write_ahead_log() {
    let dir = std::env::temp_dir().join(format!("portal-it-wal-{:016x}", rand::random::<u64>()));
    let url = format!("sqlite://{}/portal.db", dir.display());
    let wal = dir.join("portal.db-wal");
    let status = server("demo-data", &url)
        .arg("--scale")
        .arg("50")
        // Its warnings say why, should the log be left.
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(dir.join("portal.db").exists());
    assert!(!wal.exists(), "demo-data left a write-ahead log");

    let mut instance = start(&url, "http://127.0.0.1:9/unused").await;
    let client = http_client();
    let response = client
        .get(format!("{}/login", instance.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // While it runs, SQLite keeps its log beside the database.
    assert!(wal.exists());
    let stopped = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(instance.process.id().to_string())
        .status()
        .unwrap();
    assert!(stopped.success());
    let exit = instance.process.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(!wal.exists(), "the stopped server left a write-ahead log");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_limits_the_outbox_and_scheduled_jobs() {
    let Ok(admin_url) = std::env::var("PORTAL_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("PORTAL_TEST_REQUIRE_POSTGRES").is_err(),
            "PORTAL_TEST_POSTGRES_URL is needed"
        );
        return;
    };
    let t = testing::postgres(&admin_url).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let first_hour = now / 3600;
    server::demo::load(&t.db, &app::ssr::settings::Settings::for_tests(), now, 50)
        .await
        .unwrap();
    // The demo's queued letters and emails are not the gateway's (postal, email).
    let gateway = GatewayStub::start().await;
    let url = testing::database_url(&admin_url, &t.name);
    let (a, b) = (
        start(&url, &gateway.url).await,
        start(&url, &gateway.url).await,
    );
    let client = http_client();

    // A sign-in begun on one instance ends on the other, and its session works on both.
    let login = format!(
        "email=admin%40sunrise.example&password={}",
        enc(DEMO_PASSWORD)
    );
    let (status, challenge, _) = post(&client, &a, "/api/log-in", &login, None).await;
    assert_eq!(status, 200);
    let challenge = challenge.unwrap();
    let before = gateway.count();
    let (status, _, _) = post(
        &client,
        &b,
        "/api/log-in/send-passcode",
        "channel=sms",
        Some(&challenge),
    )
    .await;
    assert_eq!(status, 200);
    let code = passcode_sent(&gateway, before).await;
    let (status, session, body) = post(
        &client,
        &a,
        "/api/log-in/verify-passcode",
        &format!("code={code}"),
        Some(&challenge),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let session = session.unwrap();
    for instance in [&a, &b] {
        let (status, _, body) = post(&client, instance, "/api/session", "", Some(&session)).await;
        assert_eq!(status, 200);
        assert!(body.contains("admin@sunrise.example"), "{body}");
    }

    // A limit counts calls on both: five step-up passcodes in 15 minutes, then no more.
    let statuses: Vec<u16> = {
        let mut statuses = Vec::new();
        for n in 0..6 {
            let instance = if n % 2 == 0 { &a } else { &b };
            let (status, _, _) = post(
                &client,
                instance,
                "/api/step-up/send",
                "channel=sms",
                Some(&session),
            )
            .await;
            statuses.push(status);
        }
        statuses
    };
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429]);

    // Ten wrong passwords, taken in turns by the two, lock the account.
    let wrong = "email=processor%40sunrise.example&password=not-the-password";
    for n in 0..10 {
        let instance = if n % 2 == 0 { &a } else { &b };
        post(&client, instance, "/api/log-in", wrong, None).await;
    }
    let locked: Option<i64> = sqlx::query_scalar(
        "SELECT locked_until FROM users WHERE email = 'processor@sunrise.example'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert!(locked.is_some_and(|until| until > now));

    // Every message reaches the gateway once, though both instances deliver.
    let settings = app::ssr::settings::Settings {
        dev_mailbox: false,
        ..app::ssr::settings::Settings::for_tests()
    };
    for n in 0..20 {
        app::ssr::outbox::enqueue(
            &t.db,
            &settings,
            now,
            app::ssr::outbox::NewMessage {
                channel: app::ssr::outbox::Channel::Sms,
                to: "9165550100".into(),
                subject: String::new(),
                body: format!("Message {n}"),
                links: Vec::new(),
                codes: Vec::new(),
                attachment: None,
            },
        )
        .await
        .unwrap();
    }
    let phone_rows = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox WHERE channel IN ('sms', 'voice') AND status <> 'sent'",
        )
        .fetch_one(&t.db.pool)
        .await
        .unwrap()
    };
    let started = Instant::now();
    while phone_rows().await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not all delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let sent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE channel IN ('sms', 'voice') AND status = 'sent'",
    )
    .fetch_one(&t.db.pool)
    .await
    .unwrap();
    assert_eq!(gateway.count() as i64, sent, "each message once");
    let numbered = gateway
        .requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, json)| {
            json["body"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Message ")
        })
        .count();
    assert_eq!(numbered, 20);

    // Housekeeping ran once an hour, not once per instance.
    let runs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM job_runs WHERE name = 'housekeeping'")
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
    let hours = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 3600
        - first_hour
        + 1;
    assert!(runs >= 1 && runs <= hours, "{runs} runs in {hours} hours");
}

/// However many instances look at once, one claims a period's run of a job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_job_is_claimed_once_a_period() {
    use app::ssr::repo::jobs;
    for t in testing::databases().await {
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let db = t.db.clone();
                tokio::spawn(async move { jobs::claim(&db, "housekeeping", 7, 100).await.unwrap() })
            })
            .collect();
        let mut claimed = 0;
        for task in tasks {
            claimed += task.await.unwrap() as usize;
        }
        assert_eq!(claimed, 1, "{}", t.label);
        assert!(
            jobs::claim(&t.db, "housekeeping", 8, 200).await.unwrap(),
            "the next period"
        );
        assert!(
            jobs::claim(&t.db, "reminders", 7, 100).await.unwrap(),
            "another job"
        );
        assert_eq!(jobs::purge(&t.db, 150).await.unwrap(), 2);
    }
}
