//! The build's own files in the page's head: the stylesheet and the hydration scripts.

use leptos::config::LeptosOptions;
use leptos::nonce::{use_nonce, Nonce};
use leptos::prelude::*;
use leptos::tachys::html::InertElement;
use std::sync::OnceLock;

/// The stylesheet's address, with the hash the build gave its name. Worked out once (leptos's
/// `HashedStylesheet` reads the hash file from disk on every page), except under `cargo leptos
/// watch`, which renames the stylesheet without restarting the server.
pub fn stylesheet_href(options: &LeptosOptions) -> std::borrow::Cow<'static, str> {
    static HREF: OnceLock<String> = OnceLock::new();
    if watched() {
        return stylesheet_href_now(options).into();
    }
    HREF.get_or_init(|| stylesheet_href_now(options))
        .as_str()
        .into()
}

/// Pages sent without the browser app (their islands). Every page must work as plain HTML
/// forms before the app has loaded; the sign-in page is the first of every visit and has no
/// island, so it stays small and the app comes with the page after it.
const WITHOUT_APP: &[&str] = &["/login"];

/// Whether the page being rendered comes with the browser app.
pub fn page_has_app() -> bool {
    super::with_request(|parts| has_app(parts.uri.path())).unwrap_or(true)
}

fn has_app(path: &str) -> bool {
    !WITHOUT_APP.contains(&path)
}

/// Stands for the page's nonce in the hydration scripts rendered once.
const NONCE_STAND_IN: &str = "nonceofthispagenonceofthispage00";

/// Leptos's `HydrationScripts`, with the page's nonce. Rendered once and kept (it finds the
/// binary's path and reads the hash file on every page: about 6% of a `/login`'s CPU), except
/// under `cargo leptos watch` and for a page without a nonce.
pub fn hydration_scripts(options: &LeptosOptions) -> impl IntoView {
    static KEPT: OnceLock<String> = OnceLock::new();
    let html = match use_nonce() {
        Some(nonce) if !watched() => KEPT
            .get_or_init(|| render_scripts(options, Some(NONCE_STAND_IN)))
            .replace(NONCE_STAND_IN, &nonce),
        nonce => render_scripts(options, nonce.as_deref()),
    };
    InertElement::new(html)
}

/// The browser hydrates a page's islands alone, so the page's own data (its resources) is not
/// written into it a second time, as JSON nothing reads: for My Dashboard, the session and the
/// tiles' data, PHI on other pages. Leptos's `HydrationScripts` turns hydration off as it
/// renders; [`hydration_scripts`] renders it once and keeps it, so every page calls this
/// instead, before its resources are made. Each island turns it on inside itself.
pub fn hydrate_islands_only() {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
}

/// `HydrationScripts` (for the islands) as HTML, with `nonce` if any.
fn render_scripts(options: &LeptosOptions, nonce: Option<&str>) -> String {
    Owner::new().with(|| {
        if let Some(nonce) = nonce {
            provide_context(Nonce::from_value(nonce.to_string()));
        }
        view! { <HydrationScripts options=options.clone() islands=true /> }.to_html()
    })
}

/// Whether `cargo leptos watch` runs the server: it rebuilds the files under the server.
pub fn watched() -> bool {
    static WATCHED: std::sync::LazyLock<bool> =
        std::sync::LazyLock::new(|| std::env::var_os("LEPTOS_WATCH").is_some());
    *WATCHED
}

fn stylesheet_href_now(options: &LeptosOptions) -> String {
    let hashes = options
        .hash_files
        .then(|| {
            let exe = std::env::current_exe().ok()?;
            std::fs::read_to_string(exe.with_file_name(options.hash_file.as_ref())).ok()
        })
        .flatten();
    format!(
        "/{}/{}",
        options.site_pkg_dir,
        stylesheet_name(&options.output_name, hashes.as_deref())
    )
}

/// `portal.css`, or `portal.<hash>.css` when the hash file (`kind: hash` lines) has a `css` line.
fn stylesheet_name(output_name: &str, hashes: Option<&str>) -> String {
    let hash = hashes.into_iter().flat_map(str::lines).find_map(|line| {
        let (kind, hash) = line.trim().split_once(':')?;
        (kind == "css").then(|| hash.trim())
    });
    match hash {
        Some(hash) => format!("{output_name}.{hash}.css"),
        None => format!("{output_name}.css"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_page_alone_comes_without_the_app() {
        assert!(!has_app("/login"));
        for path in [
            "/",
            "/select-organization",
            "/password/forgot",
            "/login/x",
            "/profile",
        ] {
            assert!(has_app(path), "{path}");
        }
    }

    #[test]
    fn the_stylesheet_is_named_by_the_hash_file() {
        let hashes = "js: eFAgalGoWtJAtfRuX9sM3w\nwasm: abc\ncss: Q9xU1sKq0a\nsplit: x\n";
        assert_eq!(
            stylesheet_name("portal", Some(hashes)),
            "portal.Q9xU1sKq0a.css"
        );
        assert_eq!(stylesheet_name("portal", Some("js: a\n")), "portal.css");
        assert_eq!(stylesheet_name("portal", None), "portal.css");
    }

    /// The page's hydration scripts as leptos renders them for this page's nonce.
    fn leptos_scripts(options: &LeptosOptions, nonce: &str) -> String {
        render_scripts(options, Some(nonce))
    }

    fn ours(options: &LeptosOptions, nonce: &str) -> String {
        Owner::new().with(|| {
            provide_context(Nonce::from_value(nonce.to_string()));
            hydration_scripts(options).to_html()
        })
    }

    #[test]
    fn hydration_scripts_are_leptos_own_with_each_pages_nonce_and_read_once() {
        // The hash file leptos reads sits beside the running binary.
        let exe = std::env::current_exe().unwrap();
        let hash_file = exe.with_file_name("assets-test-hash.txt");
        std::fs::write(&hash_file, "js: jsHASH1\nwasm: wasmHASH1\n").unwrap();
        let options = LeptosOptions::builder()
            .output_name("portal")
            .hash_files(true)
            .hash_file("assets-test-hash.txt".into())
            .build();
        for nonce in ["0f3a9c", "b71e22d4"] {
            let expected = leptos_scripts(&options, nonce);
            assert!(expected.contains("portal.jsHASH1") && expected.contains(nonce));
            assert_eq!(ours(&options, nonce), expected);
        }
        // Kept: a new hash file is not read again (leptos's own would name the new files).
        std::fs::write(&hash_file, "js: jsHASH2\nwasm: wasmHASH2\n").unwrap();
        assert!(leptos_scripts(&options, "c4").contains("portal.jsHASH2"));
        let kept = ours(&options, "c4");
        std::fs::remove_file(&hash_file).unwrap();
        assert!(kept.contains("portal.jsHASH1.js") && kept.contains("portal.wasmHASH1.wasm"));
        assert!(kept.contains("nonce=\"c4\"") && !kept.contains(NONCE_STAND_IN));
    }
}
