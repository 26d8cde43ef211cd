//! Shared by the HTTP tests: a site per database backend, loaded with demo data, and
//! helpers to call it the way a browser would.
#![allow(dead_code)]

use app::ssr::clock::{ManualClock, SharedClock};
use app::ssr::settings::Settings;
use app::ssr::{testing, AppState};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use leptos::prelude::LeptosOptions;
use server::demo;
use server::routes;
use std::sync::Arc;
use tokio::sync::OnceCell;
use tower::ServiceExt;

pub const NOW: i64 = 1_780_000_000;
pub const CLAIMS: u64 = 300;

pub struct Site {
    pub router: Router,
    pub state: AppState,
    pub clock: ManualClock,
    _db: testing::TestDb,
}

fn settings(dev_mailbox: bool) -> Settings {
    let mut settings = Settings::for_tests();
    settings.dev_mailbox = dev_mailbox;
    settings
}

/// The demo data, loaded once per backend (and mailbox setting) for the whole test binary.
async fn templates(dev_mailbox: bool) -> &'static [testing::Template] {
    static WITH_MAILBOX: OnceCell<Vec<testing::Template>> = OnceCell::const_new();
    static WITHOUT: OnceCell<Vec<testing::Template>> = OnceCell::const_new();
    let cell = if dev_mailbox { &WITH_MAILBOX } else { &WITHOUT };
    cell.get_or_init(|| async {
        let mut templates = Vec::new();
        for t in testing::databases().await {
            demo::load(&t.db, &settings(dev_mailbox), NOW, CLAIMS)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", t.label));
            templates.push(t.into_template().await);
        }
        templates
    })
    .await
}

/// A site per backend, each on its own copy of the demo data.
pub async fn sites(dev_mailbox: bool) -> Vec<Site> {
    sites_with(dev_mailbox, |_| {}).await
}

/// Sites whose settings `adjust` changes (each has its own upload folder).
pub async fn sites_with(dev_mailbox: bool, adjust: impl Fn(&mut Settings)) -> Vec<Site> {
    install_log_routing();
    let mut sites = Vec::new();
    for t in testing::copies(templates(dev_mailbox).await).await {
        let mut settings = settings(dev_mailbox);
        settings.upload_dir =
            std::env::temp_dir().join(format!("portal-it-uploads-{:016x}", rand::random::<u64>()));
        adjust(&mut settings);
        let clock = ManualClock::at_unix(NOW);
        let shared: SharedClock = Arc::new(clock.clone());
        let options = LeptosOptions::builder().output_name("portal").build();
        let state = routes::app_state(options, t.db.clone(), Arc::new(settings), shared).unwrap();
        sites.push(Site {
            router: routes::router(state.clone()),
            state,
            clock,
            _db: t,
        });
    }
    sites
}

pub fn post_form(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::HOST, "portal.test")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

pub async fn body_text(response: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 10 * 1024 * 1024)
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The `name=value` of a cookie the response sets (not one it removes).
pub fn cookie_from(response: &axum::response::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")) && !v.contains("Max-Age=0"))
        .map(|v| {
            assert!(v.contains("HttpOnly") && v.contains("SameSite=Lax"), "{v}");
            v.split(';').next().unwrap().to_string()
        })
}

/// The newest `n` messages, with their codes and links read off the body as a person would
/// read them: without the dev mailbox the outbox keeps them nowhere else.
pub async fn messages(site: &Site, n: i64) -> Vec<app::ssr::outbox::Message> {
    // Messages a request queues after answering (a reset link) are in by then.
    site.state.background.settled().await;
    let mut messages = app::ssr::outbox::recent(&site.state.db, n).await.unwrap();
    for message in &mut messages {
        if message.codes.is_empty() {
            message.codes = codes_in(&message.body);
        }
        if message.links.is_empty() {
            message.links = message
                .body
                .split_whitespace()
                .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                .map(|w| w.trim_end_matches(['.', ',', ')', '"']).to_string())
                .collect();
        }
    }
    messages
}

/// A passcode's six digits ("4437-123456") or a secure token ("K7QF-9M2X-…", four groups).
fn codes_in(body: &str) -> Vec<String> {
    body.split(|c: char| c.is_whitespace() || c == '.' || c == ',' || c == ':')
        .filter_map(|word| {
            let groups: Vec<&str> = word.split('-').collect();
            let digits = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
            let readable = |g: &str| {
                g.len() == 4
                    && g.bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            };
            match groups.as_slice() {
                [prefix, code] if digits(prefix, 4) && digits(code, 6) => Some(code.to_string()),
                [_, _, _, _] if groups.iter().all(|g| readable(g)) => Some(word.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// The six digits of the newest passcode sent.
pub async fn latest_code(site: &Site) -> String {
    messages(site, 1).await[0].codes[0].clone()
}

/// Email and password only: the status, the challenge cookie and the body.
pub async fn password_step(
    site: &Site,
    email: &str,
    password: &str,
) -> (StatusCode, Option<String>, String) {
    let body = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace('!', "%21")
    );
    let response = site
        .router
        .clone()
        .oneshot(post_form("/api/log-in", &body, None))
        .await
        .unwrap();
    let status = response.status();
    let challenge = cookie_from(&response, "portal_sign_in");
    assert!(
        cookie_from(&response, "portal_session").is_none(),
        "no session before the passcode"
    );
    (status, challenge, body_text(response).await)
}

/// Signs in with password and passcode: the status of the first failing step (or of the
/// last), the session cookie, and the last body.
pub async fn log_in(
    site: &Site,
    email: &str,
    password: &str,
) -> (StatusCode, Option<String>, String) {
    let (status, challenge, body) = password_step(site, email, password).await;
    let Some(challenge) = challenge else {
        return (status, None, body);
    };
    let sent = site
        .router
        .clone()
        .oneshot(post_form(
            "/api/log-in/send-passcode",
            "channel=sms",
            Some(&challenge),
        ))
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    let code = latest_code(site).await;
    let verified = site
        .router
        .clone()
        .oneshot(post_form(
            "/api/log-in/verify-passcode",
            &format!("code={code}"),
            Some(&challenge),
        ))
        .await
        .unwrap();
    let status = verified.status();
    let cookie = cookie_from(&verified, "portal_session");
    (status, cookie, body_text(verified).await)
}

impl Site {
    /// Sends a request and returns the response.
    pub async fn send(&self, request: Request<Body>) -> axum::response::Response {
        self.router.clone().oneshot(request).await.unwrap()
    }

    /// POSTs a form and returns the status, the cookies it sets and the body.
    pub async fn post(
        &self,
        path: &str,
        body: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, axum::response::Response) {
        let response = self.send(post_form(path, body, cookie)).await;
        (response.status(), response)
    }
}

/// Form-encodes a value.
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn post_json(path: &str, json: serde_json::Value, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::HOST, "portal.test")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(json.to_string())).unwrap()
}

pub async fn json_of(response: axum::response::Response) -> serde_json::Value {
    let text = body_text(response).await;
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// The newest message to this recipient.
pub async fn last_message_to(site: &Site, to: &str) -> app::ssr::outbox::Message {
    messages(site, 50)
        .await
        .into_iter()
        .find(|m| m.to == to)
        .unwrap_or_else(|| panic!("no message to {to}"))
}

pub async fn oak_street_token(site: &Site) -> String {
    let letters = messages(site, 50).await;
    letters
        .into_iter()
        .find(|m| m.to.starts_with("Oak Street"))
        .unwrap()
        .codes[0]
        .clone()
}

pub fn account(tax_id: &str, email: &str) -> String {
    [
        ("email", email),
        ("first_name", "Olive"),
        ("last_name", "Ortega"),
        ("tax_id", tax_id),
        ("zip", "95816"),
        ("contact_email", "office@oakstreet.example"),
        ("phone", "(916) 555-7100"),
        ("channel", "sms"),
    ]
    .iter()
    .map(|(name, value)| format!("form%5B{name}%5D={}", enc(value)))
    .collect::<Vec<_>>()
    .join("&")
}

/// Follows a set-password link through its passcode and sets the password.
pub async fn use_link(
    site: &Site,
    url: &str,
    password: &str,
) -> (StatusCode, axum::response::Response) {
    let t = url.split("t=").nth(1).unwrap().to_string();
    let (status, step) = site
        .post("/api/password/link", &format!("t={t}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(json_of(step).await.get("PasscodeChoose").is_some());
    let (_, sent) = site
        .post(
            "/api/password/link/send",
            &format!("t={t}&channel=sms"),
            None,
        )
        .await;
    assert!(json_of(sent).await.get("PasscodeEnter").is_some());
    let code = latest_code(site).await;
    let (status, _) = site
        .post(
            "/api/password/link/verify",
            &format!("t={t}&code={code}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    site.post(
        "/api/password/set",
        &format!("t={t}&password={}&again={}", enc(password), enc(password)),
        None,
    )
    .await
}

pub const NEW_PASSWORD: &str = "Oak-Street-Admin-Pass-42";

pub const DEMO_PASSWORD: &str = "Poppy-Demo-Password-2026!";

/// A demo user's session cookie, after password and passcode.
pub async fn session_of(site: &Site, email: &str) -> String {
    let (status, cookie, body) = log_in(site, email, DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    cookie.unwrap()
}

/// A demo user's session in `organization` (by name), after switching to it.
pub async fn session_in(site: &Site, email: &str, organization: &str) -> String {
    let session = session_of(site, email).await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM organizations WHERE name = $1")
        .bind(organization)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
    let (status, switched) = site
        .post(
            "/api/switch-organization",
            &format!("organization_id={id}"),
            Some(&session),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    cookie_from(&switched, "portal_session").unwrap()
}

/// The body as JSON, or as a JSON string when it is not JSON.
async fn answer(response: axum::response::Response) -> (StatusCode, serde_json::Value) {
    let status = response.status();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// POSTs a form to a server function: the status and the answer.
pub async fn form(
    site: &Site,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    answer(site.send(post_form(path, body, cookie)).await).await
}

/// POSTs JSON to a server function: the status and the answer.
pub async fn call(
    site: &Site,
    path: &str,
    body: serde_json::Value,
    cookie: &str,
) -> (StatusCode, serde_json::Value) {
    answer(site.send(post_json(path, body, Some(cookie))).await).await
}

/// The nonce a response's Content-Security-Policy allows scripts with.
pub fn csp_nonce(response: &axum::response::Response) -> String {
    response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_string()
}

thread_local! {
    static LOG_CAPTURE: std::cell::RefCell<Option<Arc<std::sync::Mutex<Vec<u8>>>>> =
        const { std::cell::RefCell::new(None) };
}

/// One subscriber for the whole test binary, at every level, writing each line to the buffer
/// of the thread that logged it, if that thread asked for one. (A subscriber per test would
/// race other tests for tracing's global interest cache.)
fn install_log_routing() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .without_time()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| ThreadCapture)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

struct ThreadCapture;

impl std::io::Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG_CAPTURE.with(|capture| {
            if let Some(buffer) = capture.borrow().as_ref() {
                buffer.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log line this thread writes from now on (the test runs on one thread).
pub fn capture_logs() -> Arc<std::sync::Mutex<Vec<u8>>> {
    install_log_routing();
    let buffer = Arc::new(std::sync::Mutex::new(Vec::new()));
    LOG_CAPTURE.with(|capture| *capture.borrow_mut() = Some(buffer.clone()));
    buffer
}

/// A form posted by the browser itself (before the browser app has loaded): the answer is a
/// redirect, to the same page on its next step, to the page after it, or back with the error.
pub fn native_post(
    path: &str,
    body: &str,
    cookie: Option<&str>,
    from: &str,
) -> axum::http::Request<axum::body::Body> {
    let mut request = post_form(path, body, cookie);
    let headers = request.headers_mut();
    headers.insert(
        header::ACCEPT,
        "text/html,application/xhtml+xml".parse().unwrap(),
    );
    headers.insert(
        header::REFERER,
        format!("http://portal.test{from}").parse().unwrap(),
    );
    request
}

pub fn location(response: &axum::response::Response) -> String {
    assert!(response.status().is_redirection(), "{}", response.status());
    let to = response.headers()[header::LOCATION].to_str().unwrap();
    // The path only, without the empty query left where an earlier error was taken off.
    to.trim_start_matches("http://portal.test")
        .trim_end_matches('?')
        .to_string()
}

/// Steps up the session with a passcode sent by SMS.
pub async fn step_up(site: &Site, session: &str) {
    let (status, _) = site
        .post("/api/step-up/send", "channel=sms", Some(session))
        .await;
    assert_eq!(status, StatusCode::OK);
    let code = latest_code(site).await;
    let (status, _) = site
        .post(
            "/api/step-up/verify",
            &format!("code={code}"),
            Some(session),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// The code an authenticator app holding `secret` (base32) shows at `at`.
pub fn app_code(secret: &str, at: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into())
        .unwrap()
        .generate(at as u64)
}

/// Enrols an authenticator app for `email` (signing in and stepping up first); answers its
/// secret. The clock moves on a minute, past the codes used.
pub async fn enroll_authenticator(site: &Site, email: &str) -> String {
    let (_, session, _) = log_in(site, email, server::demo::DEMO_PASSWORD).await;
    let session = session.unwrap();
    step_up(site, &session).await;
    site.post("/api/authenticator/start", "", Some(&session))
        .await;
    let (_, pending) = site
        .post("/api/authenticator/pending", "", Some(&session))
        .await;
    let secret = json_of(pending).await["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let code = app_code(&secret, site.state.clock.unix());
    let (status, _) = site
        .post(
            "/api/authenticator/confirm",
            &format!("code={code}"),
            Some(&session),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    site.clock.advance(60);
    secret
}

/// An HTTP client for a server on a real port: redirects not followed, connections kept alive.
pub fn http_client() -> reqwest::Client {
    // reqwest wants the TLS provider chosen even for http; an Err means it was chosen already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A PDF's text, as `pdftotext` reads it, its words separated by single spaces.
pub fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!(
        "portal-it-{}-{:?}.pdf",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext is installed (setup.sh)");
    std::fs::remove_file(&path).ok();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
