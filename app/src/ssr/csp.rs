//! The Content-Security-Policy: scripts only from this site or with the page's nonce (the
//! hydration scripts carry it), WebAssembly allowed to compile, nothing framed or embedded.

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

/// Sends the policy with this page's nonce (called while the HTML shell renders).
pub fn send_with_page_nonce(options: &leptos::prelude::LeptosOptions) {
    use leptos::prelude::use_context;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    let reload = std::env::var("LEPTOS_WATCH")
        .is_ok()
        .then(|| format!("ws://{}:{}", options.site_addr.ip(), options.reload_port));
    if let Ok(value) = http::HeaderValue::from_str(&policy(nonce.as_deref(), reload.as_deref())) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
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
