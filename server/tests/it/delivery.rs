//! Real delivery on SQLite and PostgreSQL: email to an in-test SMTP server, SMS and voice calls
//! to a stub gateway, postal letters into a folder; back-off and giving up after failures; and
//! one send per message however many workers run.

use app::ssr::clock::{Clock, ManualClock};
use app::ssr::crypto::random_hex;
use app::ssr::db::Db;
use app::ssr::outbox::{self, Channel, Message, NewMessage, Sender};
use app::ssr::testing;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use server::delivery::{Deliveries, Gateway, PrintFolder, Smtp};
use sqlx::Row;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const NOW: i64 = 1_780_000_000;
const FROM: &str = "Poppy Health Provider Portal <no-reply@poppy.example>";
const TOKEN: &str = "gateway-secret-7f3a";
const PASSCODE_BODY: &str = "Your Poppy Health Provider Portal one-time passcode is 4437-123456. \
    It expires in 10 minutes. If you did not ask for it, call the Provider Contact Center.\n\
    Or use this link: http://portal.test/password/set?t=abc123";

fn message(channel: Channel, to: &str) -> NewMessage {
    NewMessage {
        channel,
        to: to.into(),
        subject: "Poppy Health Provider Portal one-time passcode".into(),
        body: PASSCODE_BODY.into(),
        links: vec!["http://portal.test/password/set?t=abc123".into()],
        codes: vec!["123456".into()],
        attachment: None,
    }
}

/// Queued as a server with real senders queues it (no dev mailbox).
async fn enqueue(db: &Db, message: NewMessage) -> i64 {
    let settings = app::ssr::settings::Settings {
        dev_mailbox: false,
        ..app::ssr::settings::Settings::for_tests()
    };
    outbox::enqueue(db, &settings, NOW, message).await.unwrap()
}

/// status, attempts, next_attempt_at, last_error
async fn row(db: &Db, id: i64) -> (String, i64, Option<i64>, Option<String>) {
    let row = sqlx::query(
        "SELECT status, attempts, next_attempt_at, last_error FROM outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    (
        row.get("status"),
        row.get("attempts"),
        row.get("next_attempt_at"),
        row.get("last_error"),
    )
}

// ---- An SMTP server that speaks just enough of the protocol for lettre over plain TCP.

#[derive(Debug, Clone)]
struct Mail {
    from: String,
    to: Vec<String>,
    data: String,
}

impl Mail {
    fn header(&self, name: &str) -> Option<&str> {
        let (headers, _) = self.data.split_once("\r\n\r\n")?;
        headers
            .split("\r\n")
            .find_map(|line| line.strip_prefix(&format!("{name}: ")))
    }

    /// The body of a single-part mail, transfer encoding undone.
    fn text(&self) -> String {
        let (_, body) = self.data.split_once("\r\n\r\n").unwrap();
        let body = match self.header("Content-Transfer-Encoding") {
            Some("quoted-printable") => quoted_printable(body),
            Some("7bit") | None => body.to_string(),
            Some(other) => panic!("unexpected encoding {other}"),
        };
        body.replace("\r\n", "\n").trim_end().to_string()
    }
}

fn quoted_printable(text: &str) -> String {
    let text = text.replace("=\r\n", "");
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

type Mails = Arc<Mutex<Vec<Mail>>>;

async fn smtp_server() -> (u16, Mails) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Mails::default();
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(smtp_session(socket, store.clone()));
        }
    });
    (port, mails)
}

async fn smtp_session(socket: TcpStream, mails: Mails) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    let mut line = String::new();
    let (mut from, mut to) = (String::new(), Vec::new());
    let address = |line: &str| {
        let start = line.find('<').map_or(0, |i| i + 1);
        let end = line.find('>').unwrap_or(line.len());
        line[start..end].to_string()
    };
    write.write_all(b"220 mail.test ESMTP\r\n").await?;
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 mail.test\r\n",
            "MAIL" => {
                from = address(&line);
                b"250 OK\r\n"
            }
            "RCPT" => {
                to.push(address(&line));
                b"250 OK\r\n"
            }
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if read.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // Undo dot-stuffing.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                mails.lock().unwrap().push(Mail {
                    from: std::mem::take(&mut from),
                    to: std::mem::take(&mut to),
                    data,
                });
                b"250 OK queued\r\n"
            }
            "RSET" => {
                from.clear();
                to.clear();
                b"250 OK\r\n"
            }
            "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 Command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

fn smtp(port: u16) -> Deliveries {
    Deliveries {
        email: Some(Smtp::new(&format!("smtp://127.0.0.1:{port}?tls=none"), FROM).unwrap()),
        ..Deliveries::default()
    }
}

// ---- A stub SMS/voice gateway.

/// The Authorization header and JSON of every request.
type Requests = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

pub(crate) struct GatewayStub {
    pub(crate) url: String,
    pub(crate) requests: Requests,
    status: Arc<AtomicU16>,
}

impl GatewayStub {
    pub(crate) async fn start() -> GatewayStub {
        let requests = Requests::default();
        let status = Arc::new(AtomicU16::new(200));
        let (seen, answer) = (requests.clone(), status.clone());
        let app = Router::new().route(
            "/v1/messages",
            post(
                move |headers: HeaderMap, Json(body): Json<serde_json::Value>| async move {
                    let auth = headers
                        .get("authorization")
                        .map(|v| v.to_str().unwrap().to_string());
                    seen.lock().unwrap().push((auth, body));
                    StatusCode::from_u16(answer.load(Ordering::SeqCst)).unwrap()
                },
            ),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        GatewayStub {
            url: format!("http://{addr}/v1/messages"),
            requests,
            status,
        }
    }

    fn deliveries(&self, token: Option<&str>) -> Deliveries {
        Deliveries {
            phone: Some(Gateway::new(&self.url, token.map(str::to_string)).unwrap()),
            ..Deliveries::default()
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

// ---- A sender that records what it was given, slowly enough for workers to overlap.

#[derive(Default)]
struct Recorder(Mutex<Vec<i64>>);

impl Sender for Recorder {
    fn send<'a>(
        &'a self,
        message: &'a Message,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            self.0.lock().unwrap().push(message.id);
            Ok(())
        })
    }
}

#[tokio::test]
async fn email_arrives_over_smtp() {
    for t in testing::databases().await {
        let db = &t.db;
        let clock = ManualClock::at_unix(NOW);
        let (port, mails) = smtp_server().await;
        let id = enqueue(db, message(Channel::Email, "olive@oakstreet.example")).await;

        let sent = outbox::deliver_pending(db, clock.unix(), &smtp(port))
            .await
            .unwrap();
        assert_eq!(sent, 1, "{}", t.label);
        let mails = mails.lock().unwrap().clone();
        assert_eq!(mails.len(), 1, "{}", t.label);
        let mail = &mails[0];
        assert_eq!(mail.from, "no-reply@poppy.example");
        assert_eq!(mail.to, vec!["olive@oakstreet.example"]);
        assert_eq!(
            mail.header("Subject"),
            Some("Poppy Health Provider Portal one-time passcode")
        );
        assert_eq!(mail.header("To"), Some("olive@oakstreet.example"));
        assert!(
            mail.header("From")
                .is_some_and(|f| f.contains("Poppy Health Provider Portal")
                    && f.contains("<no-reply@poppy.example>")),
            "{:?}",
            mail.header("From")
        );
        assert!(mail
            .header("Content-Type")
            .is_some_and(|c| c.starts_with("text/plain")));
        assert_eq!(mail.text(), PASSCODE_BODY);
        let (status, attempts, _, last_error) = row(db, id).await;
        assert_eq!(
            (status.as_str(), attempts, last_error),
            ("sent", 1, None),
            "{}",
            t.label
        );

        // Sent once only.
        assert_eq!(
            outbox::deliver_pending(db, clock.unix() + 3600, &smtp(port))
                .await
                .unwrap(),
            0
        );
    }
}

#[tokio::test]
async fn an_email_with_an_attachment_carries_it() {
    for t in testing::databases().await {
        let db = &t.db;
        let (port, mails) = smtp_server().await;
        let mut with_pdf = message(Channel::Email, "olive@oakstreet.example");
        // Not UTF-8, as real PDFs are not.
        let pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        with_pdf.attachment = Some(("summary.pdf".into(), pdf));
        enqueue(db, with_pdf).await;

        assert_eq!(
            outbox::deliver_pending(db, NOW, &smtp(port)).await.unwrap(),
            1,
            "{}",
            t.label
        );
        let data = mails.lock().unwrap()[0].data.clone();
        assert!(
            data.contains("Content-Type: multipart/mixed"),
            "{}",
            t.label
        );
        assert!(data.contains("Content-Disposition: attachment; filename=\"summary.pdf\""));
        assert!(data.contains("Content-Type: application/pdf"));
        assert!(
            data.contains("JVBERi0xLjQKJeLjz9MK"),
            "the PDF, base64-encoded: {data}"
        );
        assert!(data.contains("Content-Type: text/plain"));
    }
}

#[tokio::test]
async fn an_unreachable_mail_server_leaves_the_message_pending_without_leaking_the_password() {
    let dead_port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap().port()
    };
    for t in testing::databases().await {
        let db = &t.db;
        let id = enqueue(db, message(Channel::Email, "olive@oakstreet.example")).await;
        let deliveries = Deliveries {
            email: Some(
                Smtp::new(
                    &format!("smtp://portal:hunter2@127.0.0.1:{dead_port}?tls=none"),
                    FROM,
                )
                .unwrap(),
            ),
            ..Deliveries::default()
        };
        assert_eq!(
            outbox::deliver_pending(db, NOW, &deliveries).await.unwrap(),
            0
        );
        let (status, attempts, next, last_error) = row(db, id).await;
        assert_eq!((status.as_str(), attempts), ("pending", 1), "{}", t.label);
        assert_eq!(next, Some(NOW + outbox::retry_delay(1)));
        let last_error = last_error.unwrap();
        assert!(last_error.starts_with("smtp: "), "{last_error}");
        assert!(!last_error.contains("hunter2"), "{last_error}");
    }
}

#[tokio::test]
async fn sms_and_voice_reach_the_gateway_as_json_with_the_token() {
    for t in testing::databases().await {
        let db = &t.db;
        let gateway = GatewayStub::start().await;
        let sms = enqueue(db, message(Channel::Sms, "9165550123")).await;
        let voice = enqueue(db, message(Channel::Voice, "2135550199")).await;
        let extracts = |id: i64| async move {
            sqlx::query_as::<_, (String, String)>("SELECT links, codes FROM outbox WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap()
        };
        // Without the dev mailbox the code and link are only in the body, until delivery.
        assert_eq!(extracts(sms).await, ("[]".into(), "[]".into()));

        let sent = outbox::deliver_pending(db, NOW, &gateway.deliveries(Some(TOKEN)))
            .await
            .unwrap();
        assert_eq!(sent, 2, "{}", t.label);
        let requests = gateway.requests.lock().unwrap().clone();
        let bearer = Some(format!("Bearer {TOKEN}"));
        assert_eq!(
            requests,
            vec![
                (
                    bearer.clone(),
                    serde_json::json!({"channel": "sms", "to": "+19165550123", "body": PASSCODE_BODY})
                ),
                (
                    bearer,
                    serde_json::json!({"channel": "voice", "to": "+12135550199", "body": PASSCODE_BODY})
                ),
            ],
            "{}",
            t.label
        );
        for id in [sms, voice] {
            assert_eq!(row(db, id).await.0, "sent");
            // Delivered: the outbox keeps no copy of the passcode or the link.
            let (body, links, codes): (String, String, String) =
                sqlx::query_as("SELECT body, links, codes FROM outbox WHERE id = $1")
                    .bind(id)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            assert_eq!(
                (body.as_str(), links.as_str(), codes.as_str()),
                ("", "[]", "[]")
            );
        }
        // The dev mailbox is read from the outbox, so it keeps them.
        let mailbox = app::ssr::settings::Settings::for_tests();
        let kept = outbox::enqueue(db, &mailbox, NOW, message(Channel::Sms, "9165550123"))
            .await
            .unwrap();
        assert_eq!(extracts(kept).await.1, r#"["123456"]"#);
        outbox::deliver_pending(db, NOW, &outbox::DevMailbox)
            .await
            .unwrap();
        let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE id = $1")
            .bind(kept)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(body, PASSCODE_BODY);
        // Thirty days after delivery the rows go.
        assert_eq!(outbox::purge(db, NOW + 30 * 86_400).await.unwrap(), 0);
        assert!(outbox::purge(db, NOW + 30 * 86_400 + 1).await.unwrap() >= 3);

        // Without a token there is no Authorization header at all.
        enqueue(db, message(Channel::Sms, "9165550123")).await;
        outbox::deliver_pending(db, NOW, &gateway.deliveries(None))
            .await
            .unwrap();
        assert_eq!(gateway.requests.lock().unwrap()[2].0, None);
    }
}

#[tokio::test]
async fn a_failing_gateway_is_retried_with_growing_delays_then_given_up() {
    for t in testing::databases().await {
        let db = &t.db;
        let clock = ManualClock::at_unix(NOW);
        let gateway = GatewayStub::start().await;
        gateway.status.store(500, Ordering::SeqCst);
        let deliveries = gateway.deliveries(Some(TOKEN));
        let id = enqueue(db, message(Channel::Sms, "9165550123")).await;

        assert_eq!(
            outbox::deliver_pending(db, clock.unix(), &deliveries)
                .await
                .unwrap(),
            0
        );
        let (status, attempts, next, last_error) = row(db, id).await;
        assert_eq!((status.as_str(), attempts), ("pending", 1), "{}", t.label);
        assert!(next.unwrap() > clock.unix(), "{}: {next:?}", t.label);
        assert_eq!(last_error.as_deref(), Some("gateway: HTTP 500"));

        // Not tried again before its time.
        clock.advance(outbox::retry_delay(1) - 1);
        outbox::deliver_pending(db, clock.unix(), &deliveries)
            .await
            .unwrap();
        assert_eq!(gateway.count(), 1, "{}", t.label);
        clock.advance(1);

        for attempt in 2..=outbox::MAX_ATTEMPTS {
            outbox::deliver_pending(db, clock.unix(), &deliveries)
                .await
                .unwrap();
            assert_eq!(gateway.count() as i64, attempt, "{}", t.label);
            let (status, attempts, next, _) = row(db, id).await;
            assert_eq!(attempts, attempt);
            let expected = if attempt == outbox::MAX_ATTEMPTS {
                "failed"
            } else {
                "pending"
            };
            assert_eq!(status, expected, "{}: attempt {attempt}", t.label);
            assert_eq!(next, Some(clock.unix() + outbox::retry_delay(attempt)));
            clock.advance(outbox::retry_delay(attempt));
        }

        // Failed for good: never tried again, however long it waits.
        clock.advance(30 * 24 * 3600);
        gateway.status.store(200, Ordering::SeqCst);
        assert_eq!(
            outbox::deliver_pending(db, clock.unix(), &deliveries)
                .await
                .unwrap(),
            0
        );
        assert_eq!(gateway.count() as i64, outbox::MAX_ATTEMPTS);
        let (status, _, _, last_error) = row(db, id).await;
        assert_eq!(status, "failed");
        assert!(!last_error.unwrap().contains(TOKEN));
    }
}

#[tokio::test]
async fn a_channel_without_a_sender_waits_in_the_outbox() {
    for t in testing::databases().await {
        let db = &t.db;
        let (port, _mails) = smtp_server().await;
        let id = enqueue(db, message(Channel::Voice, "9165550123")).await;
        assert_eq!(
            outbox::deliver_pending(db, NOW, &smtp(port)).await.unwrap(),
            0
        );
        let (status, attempts, next, last_error) = row(db, id).await;
        assert_eq!((status.as_str(), attempts), ("pending", 1), "{}", t.label);
        assert_eq!(next, Some(NOW + outbox::retry_delay(1)));
        assert_eq!(
            last_error.as_deref(),
            Some("no sender configured for voice")
        );
    }
}

#[tokio::test]
async fn postal_letters_land_whole_in_the_print_folder() {
    let pdf = b"%PDF-1.4\n% a letter\n%%EOF\n".to_vec();
    for t in testing::databases().await {
        let db = &t.db;
        let root = std::env::temp_dir().join(format!("portal-print-{}", random_hex(8)));
        let dir = root.join("outgoing");
        let deliveries = Deliveries {
            postal: Some(PrintFolder::new(dir.clone())),
            ..Deliveries::default()
        };
        let id = enqueue(
            db,
            NewMessage {
                channel: Channel::Postal,
                to: "Oak Street Clinic, 1200 Oak St, Sacramento, CA 95816".into(),
                subject: "Poppy Health Provider Portal Secure Token ID".into(),
                body: "Your Secure Token ID is ABCD-EFGH-JKLM-NPQR.".into(),
                links: Vec::new(),
                codes: vec!["ABCD-EFGH-JKLM-NPQR".into()],
                attachment: Some(("secure-token-letter.pdf".into(), pdf.clone())),
            },
        )
        .await;

        assert_eq!(
            outbox::deliver_pending(db, NOW, &deliveries).await.unwrap(),
            1,
            "{}",
            t.label
        );
        let pdf_name = format!("{id}-secure-token-letter.pdf");
        assert_eq!(std::fs::read(dir.join(&pdf_name)).unwrap(), pdf);
        let details: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(format!("{id}.json"))).unwrap())
                .unwrap();
        assert_eq!(
            details["recipient"],
            "Oak Street Clinic, 1200 Oak St, Sacramento, CA 95816"
        );
        assert_eq!(
            details["subject"],
            "Poppy Health Provider Portal Secure Token ID"
        );
        assert_eq!(details["attachment"], pdf_name.as_str());
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![pdf_name.clone(), format!("{id}.json")],
            "no partial files left"
        );

        // The dev mailbox's JSON is unchanged: the attachment's bytes are not in it.
        let listed = &outbox::recent(db, 1).await.unwrap()[0];
        assert!(listed.attachment.is_none());
        let json = serde_json::to_value(listed).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "attachment_name",
                "body",
                "channel",
                "codes",
                "created_at",
                "id",
                "links",
                "subject",
                "to"
            ]
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}

#[tokio::test]
async fn a_claimed_message_is_not_sent_by_another_worker() {
    for t in testing::databases().await {
        let db = &t.db;
        let clock = ManualClock::at_unix(NOW);
        let first = enqueue(db, message(Channel::Email, "a@example.com")).await;
        let second = enqueue(db, message(Channel::Email, "b@example.com")).await;

        // One worker has claimed the first message and is (still) sending it.
        assert!(outbox::claim(db, clock.unix(), first).await.unwrap());
        assert!(!outbox::claim(db, clock.unix(), first).await.unwrap());
        let other = Recorder::default();
        assert_eq!(
            outbox::deliver_pending(db, clock.unix(), &other)
                .await
                .unwrap(),
            1
        );
        assert_eq!(*other.0.lock().unwrap(), vec![second], "{}", t.label);

        // A worker that died mid-send loses its claim in time, and the message still goes out.
        clock.advance(outbox::CLAIM_SECONDS);
        assert_eq!(
            outbox::deliver_pending(db, clock.unix(), &other)
                .await
                .unwrap(),
            1
        );
        assert_eq!(*other.0.lock().unwrap(), vec![second, first], "{}", t.label);
    }
}

#[tokio::test]
async fn concurrent_workers_send_each_message_once() {
    for t in testing::databases().await {
        let db = &t.db;
        let mut ids = Vec::new();
        for n in 0..8 {
            ids.push(enqueue(db, message(Channel::Sms, &format!("916555010{n}"))).await);
        }
        let (a, b) = (Recorder::default(), Recorder::default());
        let (sent_a, sent_b) = tokio::join!(
            outbox::deliver_pending(db, NOW, &a),
            outbox::deliver_pending(db, NOW, &b)
        );
        let (sent_a, sent_b) = (sent_a.unwrap(), sent_b.unwrap());
        assert_eq!(sent_a + sent_b, ids.len(), "{}", t.label);
        let mut all: Vec<i64> = a.0.lock().unwrap().clone();
        all.extend(b.0.lock().unwrap().iter());
        all.sort();
        assert_eq!(all, ids, "{}: each message exactly once", t.label);
        for id in ids {
            assert_eq!(row(db, id).await.1, 1, "{}: one attempt", t.label);
        }
    }
}
