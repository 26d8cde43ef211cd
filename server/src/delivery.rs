//! The production senders: email over SMTP, SMS and voice calls through an HTTP gateway, and
//! postal letters as files for the print vendor, behind one [`Deliveries`] that picks by channel.
//!
//! Errors name only the kind of failure (they are logged and stored as the message's last
//! error): never a body, a passcode, the SMTP password or the gateway token.

use crate::config::DeliveryConfig;
use anyhow::Context;
use app::domain::Phone;
use app::ssr::outbox::{Channel, Message, Sender};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

/// Longest a send may take; well under the outbox's claim on a message.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Every configured sender; a channel without one fails, so its messages wait in the outbox.
#[derive(Default)]
pub struct Deliveries {
    pub email: Option<Smtp>,
    /// SMS and voice calls.
    pub phone: Option<Gateway>,
    pub postal: Option<PrintFolder>,
}

impl Deliveries {
    pub fn from_config(config: &DeliveryConfig) -> anyhow::Result<Deliveries> {
        let email = match (&config.smtp_url, &config.smtp_from) {
            (Some(url), Some(from)) => Some(Smtp::new(url, from)?),
            (None, None) => None,
            _ => anyhow::bail!("PORTAL_SMTP_URL and PORTAL_SMTP_FROM must be set together"),
        };
        let phone = match (&config.sms_gateway_url, &config.sms_gateway_token) {
            (Some(url), token) => Some(Gateway::new(url, token.clone())?),
            (None, None) => None,
            (None, Some(_)) => {
                anyhow::bail!("PORTAL_SMS_GATEWAY_TOKEN needs PORTAL_SMS_GATEWAY_URL")
            }
        };
        Ok(Deliveries {
            email,
            phone,
            postal: config.print_dir.clone().map(PrintFolder::new),
        })
    }

    /// The channels that have a sender, for the startup log.
    pub fn channels(&self) -> Vec<&'static str> {
        let mut channels = Vec::new();
        if self.email.is_some() {
            channels.push(Channel::Email.as_str());
        }
        if self.phone.is_some() {
            channels.extend([Channel::Sms.as_str(), Channel::Voice.as_str()]);
        }
        if self.postal.is_some() {
            channels.push(Channel::Postal.as_str());
        }
        channels
    }
}

impl Sender for Deliveries {
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a> {
        let sender: Option<&dyn Sender> = match message.channel {
            Channel::Email => self.email.as_ref().map(|s| s as &dyn Sender),
            Channel::Sms | Channel::Voice => self.phone.as_ref().map(|s| s as &dyn Sender),
            Channel::Postal => self.postal.as_ref().map(|s| s as &dyn Sender),
        };
        match sender {
            Some(sender) => sender.send(message),
            None => {
                let error = format!("no sender configured for {}", message.channel.as_str());
                Box::pin(async move { Err(error) })
            }
        }
    }
}

/// Email through an SMTP server, as plain text (links are in the body).
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// `url` is lettre's form: smtp://user:pass@host:587?tls=required, smtps://…; mail goes in
    /// clear text only when the URL says so (`smtp://host:port?tls=none`).
    pub fn new(url: &str, from: &str) -> anyhow::Result<Smtp> {
        let url = &clear_text_only_if_asked(url)?;
        // The URL's own text is left out of the error: it holds the password.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("PORTAL_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(SEND_TIMEOUT))
            .build();
        let from = from
            .parse()
            .with_context(|| format!("PORTAL_SMTP_FROM {from:?} is not an email address"))?;
        Ok(Smtp { transport, from })
    }

    async fn deliver(&self, message: &Message) -> Result<(), String> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|_| "email: the recipient is not an email address".to_string())?;
        let builder = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone());
        let email = match (&message.attachment_name, &message.attachment) {
            (Some(name), Some(bytes)) => builder.multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(message.body.clone()))
                    .singlepart(
                        Attachment::new(name.clone()).body(bytes.clone(), content_type(name)),
                    ),
            ),
            _ => builder
                .header(ContentType::TEXT_PLAIN)
                .body(message.body.clone()),
        }
        .map_err(|_| "email: the message could not be built".to_string())?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| smtp_error(&e))
    }
}

impl Sender for Smtp {
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a> {
        Box::pin(self.deliver(message))
    }
}

fn content_type(file_name: &str) -> ContentType {
    let pdf = file_name.to_ascii_lowercase().ends_with(".pdf");
    ContentType::parse(if pdf {
        "application/pdf"
    } else {
        "application/octet-stream"
    })
    .expect("a valid MIME type")
}

/// The SMTP reply code or the kind of failure. The server's reply text is left out: some
/// servers quote the envelope or message back.
/// An `smtp://` URL without `tls=` would send passwords and mail in clear text: refused unless
/// it says `tls=none`, which is then taken off for lettre (its plain form has no `tls`).
fn clear_text_only_if_asked(url: &str) -> anyhow::Result<String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if !base.starts_with("smtp://") {
        return Ok(url.to_string());
    }
    let params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    match params.iter().find_map(|p| p.strip_prefix("tls=")) {
        None => anyhow::bail!(
            "PORTAL_SMTP_URL would send mail in clear text: add ?tls=required, or ?tls=none to allow it"
        ),
        Some("none") => {
            let rest: Vec<&str> = params.into_iter().filter(|p| *p != "tls=none").collect();
            Ok(if rest.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{}", rest.join("&"))
            })
        }
        Some(_) => Ok(url.to_string()),
    }
}

fn smtp_error(error: &lettre::transport::smtp::Error) -> String {
    match error.status() {
        Some(code) => format!("smtp: server replied {code}"),
        None if error.is_timeout() => "smtp: timed out".into(),
        None if error.is_tls() => "smtp: TLS failed".into(),
        None if error.is_response() => "smtp: unreadable server reply".into(),
        None => "smtp: connection failed".into(),
    }
}

/// SMS and voice calls through the HTTP gateway: a JSON POST with a bearer token.
pub struct Gateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
}

#[derive(serde::Serialize)]
struct GatewayRequest<'a> {
    channel: &'a str,
    to: String,
    body: &'a str,
}

impl Gateway {
    pub fn new(url: &str, token: Option<String>) -> anyhow::Result<Gateway> {
        let parsed: reqwest::Url = url
            .parse()
            .with_context(|| format!("PORTAL_SMS_GATEWAY_URL {url:?} is not a URL"))?;
        anyhow::ensure!(
            matches!(parsed.scheme(), "http" | "https"),
            "PORTAL_SMS_GATEWAY_URL must start with https:// or http://"
        );
        // ring, as lettre uses; reqwest needs the process-wide choice made. An Err only means
        // it was made already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            // A redirect could carry the token elsewhere; the gateway URL must be the real one.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("building the SMS gateway client")?;
        Ok(Gateway {
            client,
            url: url.to_string(),
            token: token.filter(|t| !t.is_empty()),
        })
    }

    async fn deliver(&self, message: &Message) -> Result<(), String> {
        let to = e164(&message.to)
            .ok_or_else(|| "gateway: the recipient is not a US phone number".to_string())?;
        let mut request = self.client.post(&self.url).json(&GatewayRequest {
            channel: message.channel.as_str(),
            to,
            body: &message.body,
        });
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                "gateway: timed out".to_string()
            } else if e.is_connect() {
                "gateway: connection failed".to_string()
            } else {
                "gateway: request failed".to_string()
            }
        })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("gateway: HTTP {}", status.as_u16()))
        }
    }
}

impl Sender for Gateway {
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a> {
        Box::pin(self.deliver(message))
    }
}

/// A stored US phone number (ten digits, or as typed) in the E.164 form gateways take.
pub fn e164(stored: &str) -> Option<String> {
    Phone::parse(stored)
        .ok()
        .map(|phone| format!("+1{}", phone.digits()))
}

/// Postal letters as files the print vendor collects: `<id>-<attachment name>` (the PDF) and
/// `<id>.json` (recipient and subject), the JSON written last.
pub struct PrintFolder {
    dir: PathBuf,
}

impl PrintFolder {
    pub fn new(dir: PathBuf) -> PrintFolder {
        PrintFolder { dir }
    }

    async fn deliver(&self, message: &Message) -> Result<(), String> {
        let (Some(name), Some(pdf)) = (&message.attachment_name, &message.attachment) else {
            return Err("postal: the letter has no attachment".into());
        };
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| io_error("creating the print folder", &e))?;
        let pdf_name = format!("{}-{}", message.id, safe_file_name(name));
        let details = serde_json::json!({
            "id": message.id,
            "recipient": message.to,
            "subject": message.subject,
            "attachment": pdf_name,
        });
        write_whole(&self.dir, &pdf_name, pdf).await?;
        write_whole(
            &self.dir,
            &format!("{}.json", message.id),
            details.to_string().as_bytes(),
        )
        .await
    }
}

impl Sender for PrintFolder {
    fn send<'a>(&'a self, message: &'a Message) -> Sending<'a> {
        Box::pin(self.deliver(message))
    }
}

/// Writes under a hidden temporary name and renames, so the vendor never collects half a file.
async fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    use tokio::io::AsyncWriteExt;
    let temporary = dir.join(format!(".{name}.partial"));
    let write = async {
        let mut file = tokio::fs::File::create(&temporary).await?;
        file.write_all(bytes).await?;
        file.sync_all().await?;
        tokio::fs::rename(&temporary, dir.join(name)).await
    };
    if let Err(error) = write.await {
        let _ = tokio::fs::remove_file(&temporary).await;
        return Err(io_error("writing a letter", &error));
    }
    Ok(())
}

fn io_error(doing: &str, error: &std::io::Error) -> String {
    format!("postal: {doing} failed ({:?})", error.kind())
}

/// The attachment's name with nothing that could leave the folder or trouble the vendor.
fn safe_file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "letter.pdf".into()
    } else {
        safe.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_become_e164() {
        assert_eq!(e164("9165550123").as_deref(), Some("+19165550123"));
        assert_eq!(e164("(916) 555-0123").as_deref(), Some("+19165550123"));
        assert_eq!(e164("+1 916 555 0123").as_deref(), Some("+19165550123"));
        assert_eq!(e164("5550123"), None);
        assert_eq!(e164("0165550123"), None);
        assert_eq!(e164("olive@oakstreet.example"), None);
    }

    #[test]
    fn attachment_names_stay_in_the_folder() {
        assert_eq!(
            safe_file_name("secure-token-letter.pdf"),
            "secure-token-letter.pdf"
        );
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("a b/c.pdf"), "a_b_c.pdf");
        assert_eq!(safe_file_name(".."), "letter.pdf");
    }

    #[test]
    fn mail_goes_in_clear_text_only_when_the_url_says_so() {
        let refused =
            clear_text_only_if_asked("smtp://portal:hunter2@mail.example:25").unwrap_err();
        assert!(!refused.to_string().contains("hunter2"), "{refused}");
        assert_eq!(
            clear_text_only_if_asked("smtp://mail.example:25?tls=none").unwrap(),
            "smtp://mail.example:25"
        );
        for kept in [
            "smtp://mail.example:587?tls=required",
            "smtps://mail.example",
        ] {
            assert_eq!(clear_text_only_if_asked(kept).unwrap(), kept);
        }
    }

    #[test]
    fn half_configured_senders_are_refused() {
        let only_url = DeliveryConfig {
            smtp_url: Some("smtp://127.0.0.1:2525?tls=none".into()),
            ..DeliveryConfig::default()
        };
        assert!(Deliveries::from_config(&only_url).is_err());
        let secret_url = DeliveryConfig {
            smtp_url: Some("bogus://user:hunter2@mail.example".into()),
            smtp_from: Some("Portal <no-reply@poppy.example>".into()),
            ..DeliveryConfig::default()
        };
        let error = Deliveries::from_config(&secret_url).err().unwrap();
        assert!(!format!("{error:#}").contains("hunter2"), "{error:#}");
        assert!(Deliveries::from_config(&DeliveryConfig::default())
            .unwrap()
            .channels()
            .is_empty());
    }
}
