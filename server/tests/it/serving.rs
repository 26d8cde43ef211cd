//! The server as browsers reach it: over real TCP connections.

use crate::common::*;

/// A response that leaves in several writes comes on a kept-alive connection without waiting
/// on the client's delayed ACK: with Nagle's algorithm on, a small write after the first waits
/// for it, about 40 ms. Pages go out in one piece; downloads stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_on_a_kept_alive_connection_come_without_a_40_ms_stall() {
    let site = sites(false).await.remove(0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::routes::serve_on(
        listener,
        site.state.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    // One connection, kept alive between requests: ten times each, after a first request
    // that opens the connection.
    let client = http_client();
    let times = |path: &'static str, expected: &'static str| {
        let (client, url) = (client.clone(), format!("http://{address}{path}"));
        async move {
            let mut times = Vec::new();
            for _ in 0..11 {
                let started = std::time::Instant::now();
                let request = if path.starts_with("/api/") {
                    client
                        .post(&url)
                        .header("origin", format!("http://{address}"))
                        .header("content-type", "application/x-www-form-urlencoded")
                } else {
                    client.get(&url)
                };
                let response = request.send().await.unwrap();
                assert!(response.status().is_success(), "{path}");
                let body = response.text().await.unwrap();
                times.push(started.elapsed());
                assert!(body.contains(expected), "{path}: {body}");
            }
            times.remove(0);
            times.sort();
            times
        }
    };
    let under_20_ms = |time: &std::time::Duration| *time < std::time::Duration::from_millis(20);
    // Two writes a moment apart, as a download streams: the stall holds most of them (the
    // client acknowledges at once now and then).
    let pieces = times("/api/test/in-pieces", "first second").await;
    assert!(
        under_20_ms(&pieces[pieces.len() / 2]),
        "median of {pieces:?}"
    );
    // A page, rendered in a debug build while the other tests run: the fastest tells, the
    // others may have waited for one of the two cores.
    let page = times("/login", "Log In").await;
    assert!(under_20_ms(&page[0]), "fastest of {page:?}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

/// Answers in two writes, as a streamed download does: the task yields between them, so the
/// first is flushed before the second is ready.
#[leptos::server(endpoint = "test/in-pieces", output = leptos::server_fn::codec::StreamingText)]
async fn in_pieces(
) -> Result<leptos::server_fn::codec::TextStream<app::error::AppError>, app::error::AppError> {
    use futures_util::StreamExt;
    app::ssr::guard::require(app::ssr::guard::Access::ANYONE).await?;
    let pieces = futures_util::stream::iter(["first ", "second"]).then(|piece| async move {
        tokio::task::yield_now().await;
        Ok(piece.to_string())
    });
    Ok(leptos::server_fn::codec::TextStream::new(pieces))
}

/// Loads twice under one key and says how many ran: a page's request shares its loads, a
/// server function's must not (it may change what it read, its session say, in between).
#[leptos::server(endpoint = "test/loads-twice")]
async fn loads_twice() -> Result<usize, app::error::AppError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    app::ssr::guard::require(app::ssr::guard::Access::ANYONE).await?;
    let runs = std::sync::Arc::new(AtomicUsize::new(0));
    for _ in 0..2 {
        let runs = runs.clone();
        app::ssr::page::once("loads-twice", move || async move {
            runs.fetch_add(1, Ordering::SeqCst);
        })
        .await;
    }
    Ok(runs.load(Ordering::SeqCst))
}

/// Server functions are served only in their own context, never in a page's (a page's route
/// handler marks its request as rendering; `leptos_routes_with_context` also routed every
/// server function through it).
#[tokio::test]
async fn a_server_function_never_shares_a_pages_loads() {
    for site in sites(false).await {
        let response = site
            .send(post_form("/api/test/loads-twice", "", None))
            .await;
        assert_eq!(response.status(), axum::http::StatusCode::OK);
        assert_eq!(body_text(response).await, "2");
    }
}

/// A release build's assets are compressed once, at build time (`--precompress`): the file
/// goes out as built, brotli or gzip by what the browser accepts, cached for good. Each file
/// is read once and answered from memory after that: its name changes with its content.
#[tokio::test]
async fn precompressed_assets_are_served_as_built() {
    use axum::http::header;
    let site = sites(false).await.remove(0);
    let root =
        std::env::temp_dir().join(format!("portal-site-{}", app::ssr::crypto::random_hex(4)));
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    let css = "body { color: #222; }\n".repeat(50);
    std::fs::write(root.join("pkg/portal.abc.css"), &css).unwrap();
    // Stand-ins for the compressed files, told apart from anything compressed per request.
    std::fs::write(root.join("pkg/portal.abc.css.br"), b"as built: brotli").unwrap();
    std::fs::write(root.join("pkg/portal.abc.css.gz"), b"as built: gzip").unwrap();
    // A debug build writes the plain file alone.
    std::fs::write(root.join("pkg/portal.def.js"), "export {};\n").unwrap();
    let mut state = site.state.clone();
    state.leptos_options.site_root = root.to_string_lossy().into_owned().into();
    let router = server::routes::router(state);
    let get = |path: &str, accepted: Option<&str>| {
        let mut request = axum::http::Request::get(path);
        if let Some(accepted) = accepted {
            request = request.header(header::ACCEPT_ENCODING, accepted);
        }
        let request = request.body(axum::body::Body::empty()).unwrap();
        let router = router.clone();
        async move {
            let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, headers, bytes)
        }
    };
    for round in ["read from disk", "answered from memory"] {
        for (accepted, encoding, body) in [
            (Some("br, gzip"), Some("br"), &b"as built: brotli"[..]),
            (
                Some("gzip, deflate, br, zstd"),
                Some("br"),
                b"as built: brotli",
            ),
            (Some("gzip"), Some("gzip"), b"as built: gzip"),
            (Some("br;q=0, gzip"), Some("gzip"), b"as built: gzip"),
            (Some("gzip, br;q=0.5"), Some("gzip"), b"as built: gzip"),
            (Some("identity"), None, css.as_bytes()),
            (None, None, css.as_bytes()),
        ] {
            let (status, headers, bytes) = get("/pkg/portal.abc.css", accepted).await;
            let what = format!("{accepted:?}, {round}");
            assert_eq!(status, 200, "{what}");
            assert_eq!(
                headers
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                encoding,
                "{what}"
            );
            assert_eq!(headers[header::CONTENT_TYPE], "text/css", "{what}");
            assert_eq!(headers[header::VARY], "accept-encoding", "{what}");
            assert!(headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable"));
            assert_eq!(&bytes[..], body, "{what}");
        }
        // Kept from the first round: a file the build rewrote under the same name is not read
        // again (names carry their content's hash, so the build never does).
        std::fs::write(root.join("pkg/portal.abc.css.br"), b"changed on disk").unwrap();
        std::fs::write(root.join("pkg/portal.abc.css"), b"changed on disk").unwrap();
    }
    let (status, headers, bytes) = get("/pkg/portal.def.js", Some("identity")).await;
    assert_eq!(status, 200);
    assert_eq!(&bytes[..], b"export {};\n");
    assert_eq!(headers[header::CONTENT_TYPE], "text/javascript");
    for missing in [
        "/pkg/portal.zzz.css",
        "/pkg/.portal.abc.css",
        "/pkg/..%2Fpkg%2Fportal.abc.css",
    ] {
        assert_eq!(get(missing, Some("br")).await.0, 404, "{missing}");
    }
    std::fs::remove_dir_all(root).unwrap();
}

/// A page goes out in one piece once its data is in, signed out (`/login`) and signed in (My
/// Dashboard, four reads): streamed in order, its head left first and the rest after, a second
/// write and a second pass through the stream for reads that take milliseconds.
#[tokio::test]
async fn a_page_is_sent_in_one_piece() {
    use axum::body::HttpBody;
    let site = sites(false).await.remove(0);
    let session = session_of(&site, "admin@sunrise.example").await;
    for (path, cookie, heading) in [
        ("/login", None, "Log In"),
        ("/", Some(&session), "My Dashboard"),
    ] {
        let mut request = axum::http::Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header(axum::http::header::COOKIE, cookie);
        }
        let response = site
            .send(request.body(axum::body::Body::empty()).unwrap())
            .await;
        assert_eq!(response.status(), 200, "{path}");
        let mut body = response.into_body();
        let mut pieces = Vec::new();
        while let Some(frame) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            if let Ok(data) = frame.unwrap().into_data() {
                if !data.is_empty() {
                    pieces.push(data);
                }
            }
        }
        assert_eq!(pieces.len(), 1, "{path}: {} pieces", pieces.len());
        let page = String::from_utf8_lossy(&pieces[0]);
        assert!(page.contains(heading) && page.contains("</html>"), "{path}");
        // The browser hydrates islands alone: the page's data is in its HTML, not sent again
        // as JSON (the dashboard's would repeat the user's organizations, NPIs and claims).
        assert!(page.contains("__RESOLVED_RESOURCES=[];"), "{path}");
        assert!(!page.contains("__RESOLVED_RESOURCES["), "{path}");
    }
}

/// A page is compressed as it leaves with gzip, even where brotli is accepted: brotli cost a
/// page about three times the CPU for 3% fewer bytes (see `routes::router`). gzip's level is a
/// fast one (`routes::PAGE_GZIP_LEVEL`), not the fastest: level 1 leaves this page at 38% of
/// its size and fails here.
#[tokio::test]
async fn a_page_is_compressed_with_gzip_even_where_brotli_is_accepted() {
    use std::io::Read;
    let site = sites(false).await.remove(0);
    let session = session_of(&site, "admin@sunrise.example").await;
    for (accepted, sent) in [
        ("gzip, deflate, br, zstd", Some("gzip")),
        ("br", None),
        ("identity", None),
    ] {
        let request = axum::http::Request::get("/")
            .header(axum::http::header::COOKIE, &session)
            .header(axum::http::header::ACCEPT_ENCODING, accepted)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = site.send(request).await;
        assert_eq!(response.status(), 200, "{accepted}");
        let encoding = response
            .headers()
            .get(axum::http::header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(encoding.as_deref(), sent, "{accepted}");
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let mut page = String::new();
        if sent.is_some() {
            flate2::read::GzDecoder::new(&body[..])
                .read_to_string(&mut page)
                .unwrap();
            assert!(
                body.len() * 3 < page.len(),
                "{} of {}",
                body.len(),
                page.len()
            );
        } else {
            page = String::from_utf8(body.to_vec()).unwrap();
        }
        assert!(
            page.contains("My Dashboard") && page.contains("</html>"),
            "{accepted}"
        );
    }
}

/// The server binary lists its relocations packed where the C library reads them (see
/// `server/build.rs`): the loader then reads 43 KB at each start instead of 3.6 MB.
#[test]
fn the_binary_packs_its_relocations() {
    let glibc = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let Some((major, minor)) = glibc
        .strip_prefix("glibc ")
        .and_then(|v| v.split_once('.'))
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
    else {
        return; // Not glibc: nothing to pack for.
    };
    if (major, minor) < (2, 36) {
        return;
    }
    let sections = elf_sections(env!("CARGO_BIN_EXE_server"));
    let size = |name: &str| {
        sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, size)| *size)
    };
    assert!(size(".relr.dyn").is_some(), "{sections:?}");
    // Listed one by one are only the few hundred that name a symbol (24 bytes each).
    assert!(size(".rela.dyn").unwrap_or(0) < 64 * 1024, "{sections:?}");
}

/// The sections of a 64-bit little-endian ELF file, name and size, from its section headers
/// (read in place: a debug build of the server is hundreds of megabytes).
fn elf_sections(path: &str) -> Vec<(String, usize)> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path).unwrap();
    let read = |at: usize, len: usize| {
        let mut bytes = vec![0; len];
        file.read_exact_at(&mut bytes, at as u64).unwrap();
        bytes
    };
    let number = |bytes: &[u8], at: usize, len: usize| {
        (0..len).fold(0usize, |n, i| n | (bytes[at + i] as usize) << (8 * i))
    };
    let elf = read(0, 64);
    assert_eq!(
        &elf[..6],
        b"\x7fELF\x02\x01",
        "a 64-bit little-endian ELF file"
    );
    let (table, entry) = (number(&elf, 0x28, 8), number(&elf, 0x3a, 2));
    let (count, names) = (number(&elf, 0x3c, 2), number(&elf, 0x3e, 2));
    let headers = read(table, entry * count);
    let header = |index: usize| &headers[index * entry..(index + 1) * entry];
    let strings = read(
        number(header(names), 0x18, 8),
        number(header(names), 0x20, 8),
    );
    (0..count)
        .map(|index| {
            let start = number(header(index), 0, 4);
            let end = start + strings[start..].iter().position(|&b| b == 0).unwrap();
            let name = String::from_utf8_lossy(&strings[start..end]).into_owned();
            (name, number(header(index), 0x20, 8))
        })
        .collect()
}
