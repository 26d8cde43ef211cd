//! Server-side sessions: the browser holds only an opaque random ID; the table holds its hash.

use super::crypto::{random_hex, secret_hash};
use super::db::Db;
use super::repo::callers::{self, SessionRead};
use super::repo::sessions;
pub use super::repo::sessions::SessionRow;
use super::settings::Settings;

/// 32 random bytes: far above the 128 bits a session ID needs.
const SESSION_ID_BYTES: usize = 32;
/// How often `last_seen_at` is written, so busy pages do not write on every call.
const TOUCH_EVERY_SECONDS: i64 = 15;

/// Starts a session; returns the ID for the cookie (never stored as is).
pub async fn create(
    db: &Db,
    now: i64,
    started_at: i64,
    user_id: i64,
    organization_id: Option<i64>,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<String, sqlx::Error> {
    let id = random_hex(SESSION_ID_BYTES);
    let session = sessions::NewSession {
        id_hash: secret_hash(&id),
        user_id,
        organization_id,
        ip,
        user_agent,
        started_at,
    };
    sessions::insert(db, now, session).await?;
    Ok(id)
}

/// Whether a session seen last at `last_seen_at` and started at `created_at` is still valid.
pub fn is_live(settings: &Settings, now: i64, created_at: i64, last_seen_at: i64) -> bool {
    now - last_seen_at < settings.session_idle_seconds
        && now - created_at < settings.session_absolute_seconds
}

/// The live session with this ID, with the account and membership it works as and the user's
/// organizations (read together, `repo::callers::by_session`); an expired one is deleted.
pub async fn find(
    db: &Db,
    settings: &Settings,
    now: i64,
    id: &str,
) -> Result<Option<SessionRead>, sqlx::Error> {
    let Some(found) = callers::by_session(db, &secret_hash(id)).await? else {
        return Ok(None);
    };
    let session = &found.session;
    if !is_live(settings, now, session.created_at, session.last_seen_at) {
        delete_by_hash(db, &session.id_hash).await?;
        return Ok(None);
    }
    if touch_due(settings, now, session.last_seen_at) {
        sessions::touch(db, &session.id_hash, now).await?;
    }
    Ok(Some(found))
}

/// Whether to write `last_seen_at` again: every `TOUCH_EVERY_SECONDS`, or a quarter of the
/// idle limit if that is shorter, so a session in use never looks idle.
fn touch_due(settings: &Settings, now: i64, last_seen_at: i64) -> bool {
    now - last_seen_at >= TOUCH_EVERY_SECONDS.min(settings.session_idle_seconds / 4)
}

pub async fn delete_by_hash(db: &Db, id_hash: &str) -> Result<(), sqlx::Error> {
    sessions::delete_by_hash(db, id_hash).await
}

/// Ends every session of a user (deactivation, password reset).
pub async fn delete_for_user(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sessions::delete_for_user(db, user_id).await
}

/// The session cookie's name, before the `__Host-` prefix.
pub const SESSION_COOKIE: &str = "portal_session";

/// A cookie's full name: `__Host-` prefixed (Secure, host-only, path /) unless served over
/// plain http in development.
pub fn cookie_name(settings: &Settings, base: &str) -> String {
    if settings.plain_http {
        base.to_string()
    } else {
        format!("__Host-{base}")
    }
}

/// The `Set-Cookie` value that stores `value` (or, with `None`, removes the cookie).
pub fn set_cookie(settings: &Settings, base: &str, value: Option<&str>) -> String {
    let name = cookie_name(settings, base);
    let secure = if settings.plain_http { "" } else { "; Secure" };
    match value {
        Some(value) => format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// Sends a cookie with the response of the server function or page being served.
pub fn send_cookie(settings: &Settings, base: &str, value: Option<&str>) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(header) = http::HeaderValue::from_str(&set_cookie(settings, base, value)) {
            response.append_header(http::header::SET_COOKIE, header);
        }
    }
}

/// The value of a cookie in the request being served.
pub fn request_cookie(settings: &Settings, base: &str) -> Option<String> {
    let name = cookie_name(settings, base);
    super::with_request(|parts| cookie_value(&parts.headers, &name)).flatten()
}

/// The value of the named cookie in a request's headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::clock::{HOUR, MINUTE};

    #[test]
    fn idle_and_absolute_limits() {
        let settings = Settings::for_tests();
        let start = 1_000_000;
        assert!(is_live(&settings, start + 29 * MINUTE, start, start));
        assert!(!is_live(&settings, start + 30 * MINUTE, start, start));
        // Active all along, the session still ends 12 hours after it began.
        assert!(is_live(
            &settings,
            start + 12 * HOUR - 1,
            start,
            start + 12 * HOUR - 60
        ));
        assert!(!is_live(
            &settings,
            start + 12 * HOUR,
            start,
            start + 12 * HOUR - 60
        ));
    }

    #[test]
    fn last_seen_is_written_every_15_seconds_or_a_quarter_of_the_idle_limit() {
        let mut settings = Settings::for_tests();
        let seen = 1_000_000;
        assert!(!touch_due(&settings, seen + 14, seen));
        assert!(touch_due(&settings, seen + 15, seen));
        settings.session_idle_seconds = 40;
        assert!(!touch_due(&settings, seen + 9, seen));
        assert!(touch_due(&settings, seen + 10, seen));
    }

    #[test]
    fn cookie_attributes() {
        let mut settings = Settings::for_tests();
        settings.plain_http = false;
        let set = set_cookie(&settings, SESSION_COOKIE, Some("abc"));
        assert_eq!(
            set,
            "__Host-portal_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(set_cookie(&settings, SESSION_COOKIE, None).contains("Max-Age=0"));
        settings.plain_http = true;
        assert_eq!(
            set_cookie(&settings, SESSION_COOKIE, Some("abc")),
            "portal_session=abc; Path=/; HttpOnly; SameSite=Lax"
        );
        settings.plain_http = false;
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::COOKIE,
            "a=1; __Host-portal_session=xyz".parse().unwrap(),
        );
        assert_eq!(
            cookie_value(&headers, "__Host-portal_session").as_deref(),
            Some("xyz")
        );
        assert_eq!(cookie_value(&headers, "missing"), None);
    }
}
