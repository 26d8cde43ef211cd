//! Layers every response passes through: security headers, the cross-site request guard, the
//! fields of a refused form carried back to its page, each request's own page loads, and
//! changes that finish once begun.

use app::ssr::csp::PageNonce;
use app::ssr::refused_form;
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// One year: hashed asset names change whenever their content does.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Gives each request its own store of page loads (`app::ssr::page`).
pub async fn page_loads(mut request: Request) -> Request {
    app::ssr::page::attach(request.extensions_mut());
    request
}

/// A change, once begun, runs to its end even when its client leaves halfway. The server drops
/// a request's work when its connection closes, which could cut a server function between two
/// of its steps: a sign-in between its session and its audit record, a message between its
/// row and its notification. Reads are dropped with their client (a page left halfway is
/// finished all the same by `page_tasks`).
pub async fn finish_changes(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    app::ssr::to_its_end(next.run(request))
        .await
        .unwrap_or_else(|| StatusCode::SERVICE_UNAVAILABLE.into_response())
}

/// Security headers on every response. The CSP nonce is chosen here, before the page renders
/// (which takes it from the request), so the header and the page's scripts always agree.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let nonce = PageNonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        &app::ssr::csp::policy(Some(&nonce.0), reload_socket().as_deref()),
    );
    set(
        headers,
        header::STRICT_TRANSPORT_SECURITY,
        "max-age=63072000; includeSubDomains",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        "permissions-policy".parse().expect("header name"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        headers,
        "cross-origin-opener-policy".parse().expect("header name"),
        "same-origin",
    );
    let cache = if path.starts_with("/pkg/") {
        IMMUTABLE
    } else {
        "no-store"
    };
    set(headers, header::CACHE_CONTROL, cache);
    response
}

/// The auto-reload socket of `cargo leptos watch`, which the page may connect to.
fn reload_socket() -> Option<String> {
    static SOCKET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SOCKET
        .get_or_init(|| {
            std::env::var("LEPTOS_WATCH").ok()?;
            let site =
                std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
            let host = site
                .rsplit_once(':')
                .map_or(site.as_str(), |(h, _)| h)
                .to_string();
            let port = std::env::var("LEPTOS_RELOAD_PORT").unwrap_or_else(|_| "3001".into());
            Some(format!("ws://{host}:{port}"))
        })
        .clone()
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// Refuses (403) a state-changing request to `/api/` that a browser made from another site:
/// `Sec-Fetch-Site` must say same-origin, or else `Origin` must be this host. A request that
/// carries neither is refused too.
pub async fn cross_site_guard(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || !request.uri().path().starts_with("/api/") || is_same_origin(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(path = request.uri().path(), "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        Body::from("Cross-site requests are not allowed."),
    )
        .into_response()
}

/// The largest form body read to keep its fields; a larger one passes untouched.
const MAX_FORM_BODY: usize = 64 * 1024;

/// A form posted before the browser app loaded and refused is answered with a redirect back
/// to its page, which shows the error; its fields (no secrets) go along in a cookie, and the
/// next page rendered reads them and drops the cookie.
pub async fn keep_refused_form(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let settings = &state.settings;
    let headers = request.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let native_form = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && app::ssr::accepts_html(headers)
        && text(header::CONTENT_TYPE)
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !native_form {
        let page = request.method() == Method::GET && !request.uri().path().starts_with("/api/");
        let carried = (page && refused_form::carried(settings, request.headers()))
            .then(|| request.uri().path().to_string());
        let mut response = next.run(request).await;
        if let Some(path) = carried {
            append_cookie(
                &mut response,
                &refused_form::set_cookie(settings, &path, None),
            );
        }
        return response;
    }
    // The form's page: where the answer goes back to.
    let from = text(header::REFERER)
        .and_then(|r| axum::http::Uri::try_from(r).ok())
        .map(|u| u.path().to_string());
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let kept = refused_form::keepable(&bytes);
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    // Refused, or sent to "Confirm it's you" first, after which the form is posted again.
    let refused = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|to| to.contains("__err=") || to.starts_with("/step-up?"));
    if let (true, Some(kept), Some(from)) = (refused, kept, from) {
        append_cookie(
            &mut response,
            &refused_form::set_cookie(settings, &from, Some(&kept)),
        );
    }
    response
}

fn append_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn is_same_origin(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return site == "same-origin";
    }
    match (text("origin"), text("host")) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
            origin_host.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};
    use axum::Router;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route("/api/thing", post(|| async { "done" }))
            .route("/page", get(|| async { "page" }))
            .route("/pkg/app-abc123.js", get(|| async { "js" }))
            .layer(axum::middleware::from_fn(cross_site_guard))
            .layer(axum::middleware::from_fn(security_headers))
    }

    async fn post_with(headers: &[(&str, &str)]) -> StatusCode {
        let mut request = Request::post("/api/thing");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        app()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
            .status()
    }

    #[tokio::test]
    async fn cross_site_posts_are_refused() {
        assert_eq!(
            post_with(&[("sec-fetch-site", "cross-site"), ("host", "portal.example")]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_with(&[("sec-fetch-site", "same-site")]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_with(&[
                ("origin", "https://evil.example"),
                ("host", "portal.example")
            ])
            .await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_with(&[("host", "portal.example")]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            post_with(&[("sec-fetch-site", "same-origin")]).await,
            StatusCode::OK
        );
        assert_eq!(
            post_with(&[
                ("origin", "https://portal.example"),
                ("host", "portal.example")
            ])
            .await,
            StatusCode::OK
        );
    }

    /// A change goes on when its client leaves; a read is dropped with it.
    #[tokio::test]
    async fn a_change_runs_to_its_end_when_its_client_leaves() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        use std::time::Duration;
        let slow = |done: Arc<AtomicBool>| {
            move || async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                done.store(true, Ordering::SeqCst);
                "done"
            }
        };
        let changed = Arc::new(AtomicBool::new(false));
        let read = Arc::new(AtomicBool::new(false));
        let app = Router::new()
            .route("/api/change", post(slow(changed.clone())))
            .route("/api/read", get(slow(read.clone())))
            .layer(axum::middleware::from_fn(finish_changes));
        for request in [Request::post("/api/change"), Request::get("/api/read")] {
            let call = app.clone().oneshot(request.body(Body::empty()).unwrap());
            let left = tokio::time::timeout(Duration::from_millis(20), call).await;
            assert!(left.is_err(), "answered before the client left");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(changed.load(Ordering::SeqCst), "the change was cut off");
        assert!(
            !read.load(Ordering::SeqCst),
            "the read went on with nobody to read it"
        );
        let answered = app
            .oneshot(Request::post("/api/change").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(answered.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn pages_get_security_headers() {
        let response = app()
            .oneshot(Request::get("/page").body(Body::empty()).unwrap())
            .await
            .unwrap();
        let h = response.headers();
        assert!(h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .starts_with("max-age="));
        assert_eq!(h[header::REFERRER_POLICY], "same-origin");
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        let asset = app()
            .oneshot(
                Request::get("/pkg/app-abc123.js")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(asset.headers()[header::CACHE_CONTROL], IMMUTABLE);
    }
}
