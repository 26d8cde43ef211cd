//! The addresses of the build's own files in the page's head.

use leptos::config::LeptosOptions;
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
    fn the_stylesheet_is_named_by_the_hash_file() {
        let hashes = "js: eFAgalGoWtJAtfRuX9sM3w\nwasm: abc\ncss: Q9xU1sKq0a\nsplit: x\n";
        assert_eq!(
            stylesheet_name("portal", Some(hashes)),
            "portal.Q9xU1sKq0a.css"
        );
        assert_eq!(stylesheet_name("portal", Some("js: a\n")), "portal.css");
        assert_eq!(stylesheet_name("portal", None), "portal.css");
    }
}
