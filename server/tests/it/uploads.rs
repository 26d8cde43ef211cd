//! Uploads, on every database backend: a plan-made PDF published to an NPI's offices through
//! the one upload pipeline; files refused by content, by size and by ClamAV (a real `clamd`
//! with a signature file written here); nothing of a refused file is kept.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

pub(crate) const BOUNDARY: &str = "portal-test-boundary-7d2f";

/// A multipart body: text fields, then one file.
pub(crate) fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/pdf\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload(body: Vec<u8>, cookie: &str) -> Request<Body> {
    upload_to("/uploads/operator/correspondence", body, cookie)
}

/// A multipart POST as a browser sends it from a page of this site.
pub(crate) fn upload_to(path: &str, body: Vec<u8>, cookie: &str) -> Request<Body> {
    Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, cookie)
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "text/html")
        .body(Body::from(body))
        .unwrap()
}

/// Where the upload sent the browser back to, with its query decoded.
fn outcome(response: &axum::response::Response) -> Vec<(String, String)> {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(to.starts_with("/operator?"), "{to}");
    let query = to
        .trim_start_matches("/operator?")
        .split('#')
        .next()
        .unwrap();
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// A small, valid one-page PDF, as a scanner or another system would make it.
pub(crate) fn pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

async fn npi_of_processor(site: &Site) -> String {
    sqlx::query_scalar(
        "SELECT p.npi FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id \
         JOIN users u ON u.id = m.user_id JOIN providers p ON p.id = n.provider_id \
         WHERE u.email = 'processor@sunrise.example' ORDER BY p.npi LIMIT 1",
    )
    .fetch_one(&site.state.db.pool)
    .await
    .unwrap()
}

async fn titled(site: &Site, title: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM correspondence_documents WHERE title = $1")
        .bind(title)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn plan_staff_upload_a_pdf_checked_by_content_and_size() {
    for site in sites(false).await {
        let ops = session_of(&site, "ops@poppy.example").await;
        let npi = npi_of_processor(&site).await;
        let fields = |title: &'static str| {
            vec![
                ("npi", npi.clone()),
                ("correspondence_type", "Provider Bulletins".to_string()),
                ("title", title.to_string()),
                ("document_date", String::new()),
            ]
        };
        let body = |f: Vec<(&'static str, String)>, file: (&str, &[u8])| {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            multipart(&refs, file)
        };

        // An HTML page named .pdf is refused by its content; the typed fields come back.
        let html = b"<!doctype html><html><body><script>alert(1)</script></body></html>";
        let refused = site
            .send(upload(
                body(fields("Flu bulletin"), ("bulletin.pdf", html)),
                &ops,
            ))
            .await;
        let back = outcome(&refused);
        let error = &back.iter().find(|(k, _)| k == "upload_error").unwrap().1;
        assert!(error.contains("bulletin.pdf is not a PDF file"), "{error}");
        assert!(back.contains(&("upload_title".into(), "Flu bulletin".into())));
        assert_eq!(titled(&site, "Flu bulletin").await, 0);

        // Over 25 MB is refused before it is kept.
        let big = {
            let mut b = pdf();
            b.resize(25 * 1024 * 1024 + 1, b' ');
            b
        };
        let refused = site
            .send(upload(
                body(fields("Big bulletin"), ("big.pdf", &big)),
                &ops,
            ))
            .await;
        let back = outcome(&refused);
        let error = &back.iter().find(|(k, _)| k == "upload_error").unwrap().1;
        assert!(error.contains("larger than 25 MB"), "{error}");
        assert_eq!(titled(&site, "Big bulletin").await, 0);

        // Office users may not publish.
        let admin = session_of(&site, "admin@sunrise.example").await;
        let response = site
            .send(upload(
                body(fields("Flu bulletin"), ("bulletin.pdf", &pdf())),
                &admin,
            ))
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        // A real PDF is published to the NPI's office, its readers told, and audited.
        let response = site
            .send(upload(
                body(fields("Flu bulletin"), ("bulletin.pdf", &pdf())),
                &ops,
            ))
            .await;
        let back = outcome(&response);
        let done = &back
            .iter()
            .find(|(k, _)| k == "uploaded")
            .expect("published")
            .1;
        assert!(done.starts_with("Published: Flu bulletin for "), "{done}");
        assert_eq!(titled(&site, "Flu bulletin").await, 1);
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'correspondence.publish' AND detail LIKE 'Flu bulletin%'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);
        // Nothing is left behind in the incoming folder.
        let incoming = site.state.settings.upload_dir.join("incoming");
        let left = std::fs::read_dir(&incoming).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "temporary files removed");
    }
}

/// A real clamd, listening on a free port, with only the EICAR test signature.
pub(crate) struct Clamd {
    child: std::process::Child,
    pub(crate) addr: String,
}

impl Drop for Clamd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) const EICAR: &[u8] =
    br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

pub(crate) fn start_clamd() -> Option<Clamd> {
    let binary = ["/usr/sbin/clamd", "/usr/bin/clamd"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(binary) = binary else {
        assert!(
            std::env::var_os("PORTAL_TEST_REQUIRE_CLAMD").is_none(),
            "clamd is required (apt-get install clamav-daemon)"
        );
        eprintln!("clamd not installed: the virus scan test is skipped");
        return None;
    };
    let dir = std::env::temp_dir().join(format!("portal-clamd-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(dir.join("db")).unwrap();
    let hex: String = EICAR.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(
        dir.join("db/eicar.ndb"),
        format!("Eicar-Test-Signature:0:*:{hex}\n"),
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conf = dir.join("clamd.conf");
    std::fs::write(
        &conf,
        format!(
            "DatabaseDirectory {}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nForeground yes\nLogFile {}\n",
            dir.join("db").display(),
            dir.join("clamd.log").display()
        ),
    )
    .unwrap();
    let child = std::process::Command::new(binary)
        .arg("-c")
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let addr = format!("127.0.0.1:{port}");
    let clamd = Clamd { child, addr };
    for _ in 0..600 {
        if std::net::TcpStream::connect(&clamd.addr).is_ok() {
            return Some(clamd);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!(
        "clamd did not start: {}",
        std::fs::read_to_string(dir.join("clamd.log")).unwrap_or_default()
    );
}

#[tokio::test]
async fn a_file_clamav_flags_is_refused_and_a_clean_one_passes() {
    let Some(clamd) = start_clamd() else { return };
    // The EICAR file, behind a PDF header so that it passes the content check first.
    let mut infected = b"%PDF-1.4\n".to_vec();
    infected.extend_from_slice(EICAR);
    let addr = clamd.addr.clone();
    for site in sites_with(false, |s| s.clamd_addr = Some(addr.clone())).await {
        let ops = session_of(&site, "ops@poppy.example").await;
        let npi = npi_of_processor(&site).await;
        let fields = [
            ("npi", npi.as_str()),
            ("correspondence_type", "Provider Bulletins"),
            ("title", "Scanned bulletin"),
            ("document_date", ""),
        ];
        let refused = site
            .send(upload(multipart(&fields, ("eicar.pdf", &infected)), &ops))
            .await;
        let back = outcome(&refused);
        let error = &back.iter().find(|(k, _)| k == "upload_error").unwrap().1;
        assert!(
            error.contains("the virus scan found Eicar-Test-Signature"),
            "{error}"
        );
        assert_eq!(titled(&site, "Scanned bulletin").await, 0);

        let response = site
            .send(upload(multipart(&fields, ("clean.pdf", &pdf())), &ops))
            .await;
        let back = outcome(&response);
        assert!(back.iter().any(|(k, _)| k == "uploaded"), "{back:?}");
        assert_eq!(titled(&site, "Scanned bulletin").await, 1);
    }
    // With clamd gone, uploads are refused rather than let through unscanned.
    drop(clamd);
    let addr = clamd_addr_gone();
    for site in sites_with(false, |s| s.clamd_addr = Some(addr.clone())).await {
        let ops = session_of(&site, "ops@poppy.example").await;
        let npi = npi_of_processor(&site).await;
        let fields = [
            ("npi", npi.as_str()),
            ("correspondence_type", "Provider Bulletins"),
            ("title", "Unscanned bulletin"),
            ("document_date", ""),
        ];
        let response = site
            .send(upload(multipart(&fields, ("clean.pdf", &pdf())), &ops))
            .await;
        let back = outcome(&response);
        let error = &back.iter().find(|(k, _)| k == "upload_error").unwrap().1;
        assert!(
            error.contains("could not be checked for viruses"),
            "{error}"
        );
        assert_eq!(titled(&site, "Unscanned bulletin").await, 0);
    }
}

/// A local address nothing listens on.
fn clamd_addr_gone() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}
