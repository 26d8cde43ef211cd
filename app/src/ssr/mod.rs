//! Server-only plumbing shared by every feature: database, clock, sessions, the authorization
//! guard, audit log, outbox and crypto helpers.

pub mod assets;
pub mod background;
pub mod clock;
pub mod code_index;
pub mod code_lists;
pub mod common_passwords;
pub mod crypto;
pub mod csp;
pub mod db;
pub mod documents;
pub mod drafts;
pub mod files;
pub mod guard;
pub mod messages;
pub mod outbox;
pub mod page;
pub mod passcodes;
pub mod password_links;
pub mod refused_form;
pub mod repo;
pub mod session;
pub mod settings;
pub mod state;
pub mod testing;
pub mod uploads;

pub use repo::{audit, limits};
pub use state::AppState;

use crate::error::AppError;
use leptos::prelude::use_context;

/// `read` of the request being served, borrowed: `use_context` would clone its `Parts`
/// (headers and extensions, a dozen allocations) for every look. `read` must not use the
/// reactive context itself: it runs while the context is held.
pub fn with_request<T>(read: impl FnOnce(&http::request::Parts) -> T) -> Option<T> {
    leptos::prelude::with_context::<http::request::Parts, _>(read)
}

/// The client address of the request being served, for the audit log.
pub fn request_ip() -> Option<String> {
    let state = state().ok()?;
    with_request(|parts| client_ip(parts, &state.settings.trusted_proxies)).flatten()
}

/// The client address of a request: the TCP peer, or, when the peer is a trusted proxy
/// (`PORTAL_TRUSTED_PROXIES`), the last `X-Forwarded-For` hop that is not one. Hops further
/// left are the client's own say and are never believed.
pub fn client_ip(parts: &http::request::Parts, trusted: &[std::net::IpAddr]) -> Option<String> {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?
        .0
        .ip();
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let hops: Vec<std::net::IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    let client = hops
        .iter()
        .rev()
        .find(|hop| !trusted.contains(hop))
        .or(hops.first())
        .unwrap_or(&peer);
    Some(client.to_string())
}

/// Whether a request asks for HTML: a browser's navigation or a form it posts without the
/// browser app (which asks for JSON), not a file or a script's call.
pub fn accepts_html(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Answers a form posted without the browser app with a redirect to `path` (a server function
/// called by the browser app answers its value instead, and the page moves on by itself).
/// Returns `path`, for the functions that answer where to go.
pub fn follow(path: &str) -> String {
    let (Some(native), Some(response)) = (
        with_request(|parts| accepts_html(&parts.headers)),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return path.to_string();
    };
    if let (true, Ok(location)) = (native, http::HeaderValue::from_str(path)) {
        response.insert_header(http::header::LOCATION, location);
        response.set_status(http::StatusCode::SEE_OTHER);
    }
    path.to_string()
}

/// The page the request came from (its `Referer`, same-origin by policy), with `params` set
/// in its query and any earlier error taken off: where a form's answer shows its outcome.
pub fn back_with(params: &[(&str, &str)]) -> String {
    let page = with_request(|parts| {
        let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
        http::Uri::try_from(referer).ok()
    })
    .flatten()
    .unwrap_or_else(|| http::Uri::from_static("/"));
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(page.query().unwrap_or_default().as_bytes()) {
        let replaced = params.iter().any(|(name, _)| *name == key);
        if !replaced && !key.starts_with("__") {
            query.append_pair(&key, &value);
        }
    }
    for (key, value) in params {
        query.append_pair(key, value);
    }
    format!("{}?{}", page.path(), query.finish())
}

/// Runs `work` as a task of its own, to its end whether or not its caller still waits: for
/// work that must not be cut halfway when a request is dropped (its client gone). A panic in
/// it goes on in the caller; `None` only when the runtime is shutting down, which alone
/// cancels the task.
pub async fn to_its_end<F>(work: F) -> Option<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    match tokio::spawn(work).await {
        Ok(output) => Some(output),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => None,
    }
}

/// The application state of the request being served.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("application state missing from the request context");
        AppError::Internal
    })
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use std::net::{IpAddr, SocketAddr};

    fn parts(peer: [u8; 4], forwarded: Option<&str>) -> http::request::Parts {
        let mut request = http::Request::builder();
        if let Some(forwarded) = forwarded {
            request = request.header("x-forwarded-for", forwarded);
        }
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(axum::extract::ConnectInfo(SocketAddr::from((peer, 1234))));
        parts
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_forwarded_it() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let ip = |peer, forwarded, trusted: &[IpAddr]| client_ip(&parts(peer, forwarded), trusted);
        assert_eq!(
            ip([203, 0, 113, 5], Some("1.2.3.4"), &[]),
            Some("203.0.113.5".into())
        );
        assert_eq!(
            ip([203, 0, 113, 5], Some("1.2.3.4"), &[proxy]),
            Some("203.0.113.5".into()),
            "not from the proxy: the header is the client's own say"
        );
        assert_eq!(
            ip([10, 0, 0, 1], Some("6.6.6.6, 198.51.100.7"), &[proxy]),
            Some("198.51.100.7".into()),
            "the hop the proxy added, not the one the client wrote"
        );
        let inner: IpAddr = [10, 0, 0, 2].into();
        assert_eq!(
            ip(
                [10, 0, 0, 1],
                Some("198.51.100.7, 10.0.0.2"),
                &[proxy, inner]
            ),
            Some("198.51.100.7".into()),
            "past every trusted hop"
        );
        assert_eq!(ip([10, 0, 0, 1], None, &[proxy]), Some("10.0.0.1".into()));
    }

    #[test]
    fn the_request_is_read_where_it_is_served_and_nowhere_else() {
        use leptos::prelude::{provide_context, Owner};
        let path = || super::with_request(|parts| parts.uri.path().to_string());
        let page = Owner::new();
        page.with(|| {
            let (mut parts, ()) = http::Request::get("/npis").body(()).unwrap().into_parts();
            parts.extensions.insert(7_u8);
            provide_context(parts);
            // A component's owner, below the page's, reads the page's request.
            Owner::new().with(|| {
                assert_eq!(path().as_deref(), Some("/npis"));
                assert_eq!(
                    super::with_request(|p| p.extensions.get::<u8>().copied()),
                    Some(Some(7))
                );
            });
        });
        Owner::new().with(|| assert_eq!(path(), None, "no request: nothing to read"));
    }
}
