//! The build's files (`/pkg/…`), answered from memory.
//!
//! Their names carry a hash of their content, so a name always means the same bytes: each file
//! is read from disk on its first request and kept. A request then costs a map lookup, where a
//! file server opens, stats and reads the file on the blocking pool every time. The forms
//! `--precompress` wrote (brotli, gzip) are read with the name; the plain file, which a browser
//! never asks for when those exist, only once some client takes neither. Under `cargo leptos
//! watch` nothing is kept.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

/// The files of one site's `pkg` folder.
#[derive(Clone)]
struct PkgFiles(Arc<Inner>);

struct Inner {
    dir: PathBuf,
    keep: bool,
    files: RwLock<HashMap<String, Arc<File>>>,
}

/// One file as the build wrote it.
struct File {
    path: PathBuf,
    content_type: HeaderValue,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    plain: tokio::sync::OnceCell<Bytes>,
}

impl File {
    async fn plain(&self) -> std::io::Result<Bytes> {
        self.plain
            .get_or_try_init(|| async { tokio::fs::read(&self.path).await.map(Bytes::from) })
            .await
            .cloned()
    }
}

/// `GET /{site_pkg_dir}/{name}` for the site's build folder.
pub fn routes<S>(options: &leptos::config::LeptosOptions) -> axum::Router<S> {
    let dir = pkg_dir(options);
    axum::Router::new()
        .route(
            &format!("/{}/{{name}}", options.site_pkg_dir),
            axum::routing::get(file),
        )
        .with_state(PkgFiles::new(dir))
}

/// The site's build folder on disk (`target/site/pkg` by default).
fn pkg_dir(options: &leptos::config::LeptosOptions) -> PathBuf {
    std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref())
}

impl PkgFiles {
    fn new(dir: PathBuf) -> Self {
        Self(Arc::new(Inner {
            dir,
            keep: !app::ssr::assets::watched(),
            files: RwLock::default(),
        }))
    }

    async fn get(&self, name: &str) -> Option<Arc<File>> {
        let kept = {
            let files = self.0.files.read().unwrap_or_else(PoisonError::into_inner);
            files.get(name).cloned()
        };
        if kept.is_some() {
            return kept;
        }
        let path = self.0.dir.join(name);
        let file = Arc::new(
            tokio::task::spawn_blocking(move || read(path))
                .await
                .ok()??,
        );
        // Only names found on disk are kept: the map cannot grow past the folder.
        if self.0.keep {
            self.0
                .files
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(name.to_string(), file.clone());
        }
        Some(file)
    }
}

/// Whether pages name the site's files by hashed names: yes when the build's hash file
/// (`hash.txt`, written by `cargo leptos` with `hash-files`) lies at `hash_file`, beside the
/// binary. A site built with hashed names but served without that file would name
/// `/pkg/portal.js`, which it does not have: every page would come without its app and style.
/// The server refuses to start instead.
pub fn hashed_names(
    hash_file: &std::path::Path,
    options: &leptos::config::LeptosOptions,
) -> anyhow::Result<bool> {
    if hash_file.is_file() {
        return Ok(true);
    }
    let dir = pkg_dir(options);
    let plain = format!("{}.js", options.output_name);
    let stem = format!("{}.", options.output_name);
    // No folder (a binary that serves no site, tests) or a plain build: nothing to refuse.
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(false);
    };
    let mut hashed = None;
    for name in entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
    {
        if name == plain {
            return Ok(false);
        }
        if name.starts_with(&stem) && name.ends_with(".js") {
            hashed = Some(name);
        }
    }
    match hashed {
        Some(name) => anyhow::bail!(
            "the site in {} was built with hashed file names ({name}) but {} is missing: \
             copy the hash file from the build folder beside the server binary",
            dir.display(),
            hash_file.display()
        ),
        None => Ok(false),
    }
}

fn read(path: PathBuf) -> Option<File> {
    if !std::fs::metadata(&path).ok()?.is_file() {
        return None;
    }
    let beside = |suffix: &str| {
        let mut name = path.clone().into_os_string();
        name.push(suffix);
        std::fs::read(name).ok().map(Bytes::from)
    };
    let brotli = beside(".br");
    let gzip = beside(".gz");
    // A debug build writes the plain file alone: every client gets it.
    let plain = if brotli.is_none() && gzip.is_none() {
        tokio::sync::OnceCell::new_with(Some(Bytes::from(std::fs::read(&path).ok()?)))
    } else {
        tokio::sync::OnceCell::new()
    };
    let content_type = mime_guess::from_path(&path).first_or_octet_stream();
    Some(File {
        content_type: HeaderValue::from_str(content_type.as_ref()).ok()?,
        path,
        brotli,
        gzip,
        plain,
    })
}

/// One build file: the form the client accepts, brotli before gzip at equal preference.
async fn file(
    State(files): State<PkgFiles>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !is_file_name(&name) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Some(file) = files.get(&name).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let accepted = Accepted::from_headers(&headers);
    let (body, encoding) = match (&file.brotli, &file.gzip) {
        (Some(brotli), _) if accepted.brotli > 0.0 && accepted.brotli >= accepted.gzip => {
            (brotli.clone(), Some("br"))
        }
        (_, Some(gzip)) if accepted.gzip > 0.0 => (gzip.clone(), Some("gzip")),
        (Some(brotli), _) if accepted.brotli > 0.0 => (brotli.clone(), Some("br")),
        _ => match file.plain().await {
            Ok(plain) => (plain, None),
            Err(_) => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, file.content_type.clone());
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// A name the build could have written: one path segment, no hidden files, nothing to escape
/// the folder with.
fn is_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// How much the client wants each compressed form (`Accept-Encoding` q-values; 0 refuses).
#[derive(Debug, PartialEq)]
struct Accepted {
    brotli: f32,
    gzip: f32,
}

impl Accepted {
    fn from_headers(headers: &HeaderMap) -> Self {
        let mut listed = (None, None);
        let mut any = 0.0;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let coding = parts.next().unwrap_or_default().trim();
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                    .unwrap_or(0.0);
                if coding.eq_ignore_ascii_case("br") {
                    listed.0 = Some(q);
                } else if coding.eq_ignore_ascii_case("gzip")
                    || coding.eq_ignore_ascii_case("x-gzip")
                {
                    listed.1 = Some(q);
                } else if coding == "*" {
                    any = q;
                }
            }
        }
        Self {
            brotli: listed.0.unwrap_or(any),
            gzip: listed.1.unwrap_or(any),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(value: &str) -> Accepted {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        Accepted::from_headers(&headers)
    }

    #[test]
    fn accept_encoding_is_read_with_its_preferences() {
        let both = Accepted {
            brotli: 1.0,
            gzip: 1.0,
        };
        assert_eq!(accepted("gzip, deflate, br, zstd"), both);
        assert_eq!(
            accepted("BR;q=0.5 , GZIP"),
            Accepted {
                brotli: 0.5,
                gzip: 1.0
            }
        );
        assert_eq!(
            accepted("br;q=0, gzip"),
            Accepted {
                brotli: 0.0,
                gzip: 1.0
            }
        );
        assert_eq!(accepted("*"), both);
        assert_eq!(
            accepted("*;q=0.2, br"),
            Accepted {
                brotli: 1.0,
                gzip: 0.2
            }
        );
        assert_eq!(
            accepted("identity"),
            Accepted {
                brotli: 0.0,
                gzip: 0.0
            }
        );
        assert_eq!(
            accepted("br;q=nonsense"),
            Accepted {
                brotli: 0.0,
                gzip: 0.0
            }
        );
        assert_eq!(
            Accepted::from_headers(&HeaderMap::new()),
            Accepted {
                brotli: 0.0,
                gzip: 0.0
            }
        );
    }

    /// A site folder with `files` in its `pkg`, and a hash file beside it if `hash`.
    fn site(files: &[&str], hash: bool) -> (PathBuf, leptos::config::LeptosOptions) {
        let root =
            std::env::temp_dir().join(format!("portal-pkg-{}", app::ssr::crypto::random_hex(8)));
        std::fs::create_dir_all(root.join("site/pkg")).unwrap();
        for file in files {
            std::fs::write(root.join("site/pkg").join(file), "").unwrap();
        }
        if hash {
            std::fs::write(root.join("hash.txt"), "js: abc\nwasm: abc\ncss: abc\n").unwrap();
        }
        let options = leptos::config::LeptosOptions::builder()
            .output_name("portal")
            .site_root(root.join("site").to_string_lossy().into_owned())
            .build();
        (root, options)
    }

    #[test]
    fn a_hashed_site_without_its_hash_file_is_refused() {
        let hashed = [
            "portal.Xy3_abc.js",
            "portal.Xy3_abc_bg.wasm",
            "portal.Qz9.css",
        ];
        let mut roots = Vec::new();
        let (root, options) = site(&hashed, true);
        assert!(hashed_names(&root.join("hash.txt"), &options).unwrap());
        roots.push(root);

        let (root, options) = site(&hashed, false);
        let error = hashed_names(&root.join("hash.txt"), &options)
            .unwrap_err()
            .to_string();
        assert!(error.contains("portal.Xy3_abc.js"), "{error}");
        assert!(error.contains("hash.txt is missing"), "{error}");
        roots.push(root);

        // A plain build, and no site at all, are served by plain names.
        let (root, options) = site(&["portal.js", "portal_bg.wasm", "portal.css"], false);
        assert!(!hashed_names(&root.join("hash.txt"), &options).unwrap());
        roots.push(root);
        let (root, mut options) = site(&[], false);
        options.site_root = root.join("nowhere").to_string_lossy().into_owned().into();
        assert!(!hashed_names(&root.join("hash.txt"), &options).unwrap());
        roots.push(root);
        for root in roots {
            std::fs::remove_dir_all(root).unwrap();
        }
    }

    #[test]
    fn only_names_the_build_writes_are_looked_up() {
        assert!(is_file_name("chunk_100.Cj4WDIzNh6TOzb_E16TjiQ.wasm"));
        assert!(is_file_name("portal.abc.css"));
        for name in [
            "",
            ".hidden",
            "..",
            "../etc/passwd",
            "a/b",
            "a\\b",
            "a%2fb",
            "a b",
        ] {
            assert!(!is_file_name(name), "{name}");
        }
    }
}
