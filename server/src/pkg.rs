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
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    axum::Router::new()
        .route(
            &format!("/{}/{{name}}", options.site_pkg_dir),
            axum::routing::get(file),
        )
        .with_state(PkgFiles::new(dir))
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
