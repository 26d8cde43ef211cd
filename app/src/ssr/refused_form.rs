//! The server side of `ui::RefusedForm`: a refused native post leaves its fields in a
//! short-lived cookie for the page it came from, which reads it once.

use super::session::cookie_value;
use super::settings::Settings;
use crate::ui::RefusedForm;

const COOKIE: &str = "portal_refused_form";
/// Larger forms are not kept (a cookie holds about 4 KB).
const MAX_KEPT: usize = 3000;
/// Fields never kept: whatever names a secret.
const SECRET_NAMES: [&str; 9] = [
    "password", "passkey", "again", "current", "code", "pin", "token", "secret", "ssn",
];

fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| name.contains(s))
}

/// The posted body without its secrets, form-encoded, if anything is left and it is small.
pub fn keepable(body: &[u8]) -> Option<String> {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (name, value) in form_urlencoded::parse(body) {
        if !is_secret(&name) {
            kept.append_pair(&name, &value);
            any = true;
        }
    }
    let kept = kept.finish();
    (any && kept.len() <= MAX_KEPT).then_some(kept)
}

/// Scoped to the form's page (so "Confirm it's you" on the way does not use it up), which
/// rules out the `__Host-` prefix of the other cookies.
fn cookie_name(settings: &Settings) -> String {
    if settings.plain_http {
        COOKIE.to_string()
    } else {
        format!("__Secure-{COOKIE}")
    }
}

/// The `Set-Cookie` value keeping `kept` for a minute for the page at `path`, or removing it.
pub fn set_cookie(settings: &Settings, path: &str, kept: Option<&str>) -> String {
    let secure = if settings.plain_http { "" } else { "; Secure" };
    let name = cookie_name(settings);
    let (value, age) = match kept {
        Some(kept) => (kept, 60),
        None => ("", 0),
    };
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={age}{secure}")
}

/// Whether the request carries a refused form.
pub fn carried(settings: &Settings, headers: &http::HeaderMap) -> bool {
    cookie_value(headers, &cookie_name(settings)).is_some_and(|v| !v.is_empty())
}

/// The refused form the request carries, for the page being rendered.
pub fn provide(settings: &Settings) {
    let name = cookie_name(settings);
    let kept = super::with_request(|parts| cookie_value(&parts.headers, &name)).flatten();
    if let Some(kept) = kept {
        let fields = form_urlencoded::parse(kept.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        leptos::prelude::provide_context(RefusedForm(fields));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_kept() {
        let kept = keepable(
            b"form%5Bemail%5D=a%40b.example&password=hunter2&again=hunter2&code=123456&form%5Btoken%5D=x&first=A+B",
        )
        .unwrap();
        assert_eq!(kept, "form%5Bemail%5D=a%40b.example&first=A+B");
        assert_eq!(keepable(b"password=x&code=1"), None);
        assert_eq!(keepable(format!("a={}", "x".repeat(4000)).as_bytes()), None);
    }
}
