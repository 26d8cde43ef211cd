//! The Content-Security-Policy: scripts only from this site or with the page's nonce (the
//! hydration and streaming scripts carry it), WebAssembly allowed to compile, nothing framed or
//! embedded.

/// The policy for a response; `nonce` for HTML pages, `reload` for the dev auto-reload socket.
pub fn policy(nonce: Option<&str>, reload: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    let connect = match reload {
        Some(socket) => format!("connect-src 'self' {socket}"),
        None => "connect-src 'self'".to_string(),
    };
    format!(
        "default-src 'self'; {scripts}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of one response, chosen by the server's middleware before the page renders, so
/// that the policy header and the page's scripts always agree.
#[derive(Debug, Clone)]
pub struct PageNonce(pub String);

impl PageNonce {
    pub fn new() -> Self {
        PageNonce(super::crypto::random_hex(16))
    }
}

impl Default for PageNonce {
    fn default() -> Self {
        Self::new()
    }
}

/// Makes the request's nonce the one the page's scripts carry (part of the context of every
/// rendered page).
pub fn provide_page_nonce() {
    use leptos::prelude::provide_context;
    let nonce = super::with_request(|parts| parts.extensions.get::<PageNonce>().cloned()).flatten();
    if let Some(PageNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nonce_and_framing() {
        let csp = super::policy(Some("abc"), None);
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(super::policy(None, Some("ws://127.0.0.1:3001"))
            .contains("connect-src 'self' ws://127.0.0.1:3001"));
    }
}
