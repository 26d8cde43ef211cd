//! Files people upload (dispute and referral attachments, plan-made PDFs, test files), the one
//! way in. A route limits its body before it is read (`DefaultBodyLimit`); each file is then
//! streamed to a temporary file in the upload folder while it is hashed and counted, refused
//! past its size, accepted by its content (magic bytes), never its name, and scanned by ClamAV
//! when `PORTAL_CLAMD_ADDR` is set. A file kept lives in the folder under its SHA-256; the
//! `uploads` table says what it is and whose.

use crate::error::AppError;
use crate::ssr::state::AppState;
use axum::extract::multipart::Field;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What a file is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Docx,
    Xlsx,
    Png,
    Jpeg,
    /// An X12 interchange: text starting with an ISA segment.
    X12,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Xlsx => "XLSX",
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::X12 => "X12",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::X12 => "text/plain",
        }
    }

    /// What the first bytes of a file say it is.
    pub fn sniff(head: &[u8]) -> Option<Kind> {
        if head.trim_ascii_start().starts_with(b"ISA*") {
            return Some(Kind::X12);
        }
        Some(match infer::get(head)?.mime_type() {
            "application/pdf" => Kind::Pdf,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Kind::Docx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Kind::Xlsx,
            "image/png" => Kind::Png,
            "image/jpeg" => Kind::Jpeg,
            _ => return None,
        })
    }
}

/// What a route accepts.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub max_bytes: u64,
    pub kinds: &'static [Kind],
}

/// 25 MB, as the guides allow for each attachment.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

/// Attachments to disputes and referrals.
pub const ATTACHMENTS: Rules = Rules {
    max_bytes: MAX_ATTACHMENT_BYTES,
    kinds: &[Kind::Pdf, Kind::Docx, Kind::Xlsx, Kind::Png, Kind::Jpeg],
};

/// A PDF the plan publishes as correspondence.
pub const PDF: Rules = Rules {
    max_bytes: MAX_ATTACHMENT_BYTES,
    kinds: &[Kind::Pdf],
};

/// The body limit for a route taking `files` files under `rules`, with room for the form's
/// other fields.
pub fn body_limit(rules: &Rules, files: u64) -> usize {
    (rules.max_bytes * files + 1024 * 1024) as usize
}

/// Bytes read before the content is judged.
const HEAD_BYTES: usize = 64 * 1024;

/// A file received and checked, in a temporary file until kept or dropped.
#[derive(Debug)]
pub struct Received {
    pub name: String,
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
    temp: PathBuf,
}

impl Received {
    pub async fn bytes(&self) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(&self.temp).await
    }

    /// Moves the file into the folder under its hash and records it; answers its id.
    pub async fn keep(
        self,
        state: &AppState,
        organization_id: Option<i64>,
        uploaded_by: i64,
    ) -> Result<i64, AppError> {
        let dir = state.settings.upload_dir.join(&self.sha256[..2]);
        tokio::fs::create_dir_all(&dir).await.map_err(io_error)?;
        tokio::fs::rename(&self.temp, dir.join(&self.sha256))
            .await
            .map_err(io_error)?;
        let id = crate::ssr::repo::uploads::insert(
            &mut *state.db.conn().await?,
            crate::ssr::repo::uploads::NewUpload {
                sha256: &self.sha256,
                size: self.size as i64,
                content_type: self.kind.content_type(),
                file_name: &self.name,
                organization_id,
                uploaded_by,
                now: state.clock.unix(),
            },
        )
        .await?;
        Ok(id)
    }
}

impl Drop for Received {
    fn drop(&mut self) {
        // Kept files were moved away; this removes only what was never kept.
        let _ = std::fs::remove_file(&self.temp);
    }
}

/// The bytes of a kept file.
/// A kept attachment as a download: its bytes under its own name, as the kind it was accepted
/// as (stored as the kind's own name, so it maps back to a static one).
pub async fn attachment_download(
    state: &AppState,
    file: &crate::ssr::repo::uploads::FileRecord,
) -> Result<axum::response::Response, AppError> {
    let bytes = read_kept(state, &file.sha256).await?;
    let content_type = ATTACHMENTS
        .kinds
        .iter()
        .map(|k| k.content_type())
        .find(|c| *c == file.content_type)
        .unwrap_or("application/octet-stream");
    Ok(crate::ssr::files::attachment(
        &file.file_name,
        content_type,
        bytes,
    ))
}

pub async fn read_kept(state: &AppState, sha256: &str) -> Result<Vec<u8>, AppError> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    tokio::fs::read(state.settings.upload_dir.join(&sha256[..2]).join(sha256))
        .await
        .map_err(|_| AppError::NotFound)
}

fn io_error(error: std::io::Error) -> AppError {
    tracing::error!(%error, "upload storage");
    AppError::Internal
}

/// A multipart form as a browser posts it: its text fields, and the file chosen for its
/// `file` field received under `rules`. The fields read before a refused file come back
/// with the refusal, so the form can be shown again with what was typed.
pub async fn read_form(
    state: &AppState,
    mut form: axum::extract::Multipart,
    rules: &Rules,
) -> (
    std::collections::HashMap<String, String>,
    Result<Option<Received>, AppError>,
) {
    let mut fields = std::collections::HashMap::new();
    let mut file = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                let cut = AppError::field("file", "The upload was cut off. Try again.");
                return (fields, Err(cut));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            if field.file_name().is_some_and(|n| !n.is_empty()) {
                match receive(state, field, "file", rules).await {
                    Ok(received) => file = Some(received),
                    Err(refused) => return (fields, Err(refused)),
                }
            }
        } else {
            fields.insert(name, field.text().await.unwrap_or_default());
        }
    }
    (fields, Ok(file))
}

/// Receives one file field under `rules`. A refusal names the field (`field_name`) and says
/// why; nothing of a refused file is kept.
pub async fn receive(
    state: &AppState,
    mut field: Field<'_>,
    field_name: &str,
    rules: &Rules,
) -> Result<Received, AppError> {
    let name = field.file_name().unwrap_or("upload").to_string();
    let dir = state.settings.upload_dir.join("incoming");
    tokio::fs::create_dir_all(&dir).await.map_err(io_error)?;
    let temp = dir.join(format!("{:032x}", rand::random::<u128>()));
    let mut file = tokio::fs::File::create(&temp).await.map_err(io_error)?;
    // From here the temporary file is removed whatever happens.
    let mut received = Received {
        name: crate::ssr::files::safe_file_name(&name),
        kind: Kind::Pdf,
        size: 0,
        sha256: String::new(),
        temp,
    };
    let mut hasher = Sha256::new();
    let mut head = Vec::new();
    let mut kind = None;
    let refuse = |message: String| AppError::field(field_name, message);
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            // The body limit cut the request off.
            Err(_) => return Err(refuse(too_large(&name, rules))),
        };
        received.size += chunk.len() as u64;
        if received.size > rules.max_bytes {
            return Err(refuse(too_large(&name, rules)));
        }
        if kind.is_none() {
            head.extend_from_slice(
                &chunk[..chunk.len().min(HEAD_BYTES - head.len().min(HEAD_BYTES))],
            );
            if head.len() >= HEAD_BYTES {
                kind = Some(judge(&head, &name, rules).map_err(refuse)?);
            }
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(io_error)?;
    }
    if received.size == 0 {
        return Err(refuse(format!("{name} is empty.")));
    }
    let kind = match kind {
        Some(kind) => kind,
        None => judge(&head, &name, rules).map_err(refuse)?,
    };
    file.flush().await.map_err(io_error)?;
    drop(file);
    if let Some(addr) = &state.settings.clamd_addr {
        match scan(addr, &received.temp).await {
            Ok(None) => {}
            Ok(Some(found)) => {
                tracing::warn!(file = %received.name, %found, "upload refused: virus found");
                return Err(refuse(format!(
                    "{name} was refused: the virus scan found {found}."
                )));
            }
            Err(error) => {
                tracing::error!(%error, "virus scan unavailable");
                return Err(refuse(format!(
                    "{name} could not be checked for viruses just now. Try again in a few minutes."
                )));
            }
        }
    }
    received.kind = kind;
    received.sha256 = hex::encode(hasher.finalize());
    Ok(received)
}

fn too_large(name: &str, rules: &Rules) -> String {
    format!(
        "{name} is larger than {} MB, the most a file may be.",
        rules.max_bytes / (1024 * 1024)
    )
}

/// Whether the content is one of the kinds allowed.
fn judge(head: &[u8], name: &str, rules: &Rules) -> Result<Kind, String> {
    match Kind::sniff(head) {
        Some(kind) if rules.kinds.contains(&kind) => Ok(kind),
        _ => {
            let allowed = rules
                .kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            // "an X12 file", "a PDF file".
            let article = if allowed.starts_with('X') { "an" } else { "a" };
            Err(format!(
                "{name} is not {article} {allowed} file. Only {allowed} files are accepted, judged by their content."
            ))
        }
    }
}

/// Asks clamd about a file (its INSTREAM command): `None` when clean, else what it found.
pub async fn scan(addr: &str, path: &Path) -> std::io::Result<Option<String>> {
    let timeout = std::time::Duration::from_secs(60);
    let work = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream.write_all(b"zINSTREAM\0").await?;
        let mut file = tokio::fs::File::open(path).await?;
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = file.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            stream.write_all(&(read as u32).to_be_bytes()).await?;
            stream.write_all(&buffer[..read]).await?;
        }
        stream.write_all(&0u32.to_be_bytes()).await?;
        let mut reply = Vec::new();
        stream.read_to_end(&mut reply).await?;
        let text = String::from_utf8_lossy(&reply)
            .trim_end_matches('\0')
            .trim()
            .to_string();
        if text.ends_with("OK") {
            Ok(None)
        } else if let Some(found) = text.strip_suffix("FOUND") {
            let found = found.trim().trim_start_matches("stream:").trim();
            Ok(Some(found.to_string()))
        } else {
            Err(std::io::Error::other(format!("clamd answered {text:?}")))
        }
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| std::io::Error::other("clamd did not answer in time"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_judged_by_content_not_name() {
        assert_eq!(
            Kind::sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            Some(Kind::Pdf)
        );
        assert_eq!(
            Kind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(Kind::Png)
        );
        assert_eq!(
            Kind::sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
            Some(Kind::Jpeg)
        );
        assert_eq!(Kind::sniff(b"ISA*00*          *00*"), Some(Kind::X12));
        assert_eq!(Kind::sniff(b"<!doctype html><html><body>not a pdf"), None);
        let refused = judge(b"<html>", "claim.pdf", &PDF).unwrap_err();
        assert_eq!(
            refused,
            "claim.pdf is not a PDF file. Only PDF files are accepted, judged by their content."
        );
    }

    #[test]
    fn office_documents_are_told_apart_by_what_their_zip_holds() {
        // As Word and Excel write them: the content types, the package's relations, then
        // the document's folder (its relations, then the document).
        let zip = |folder: &str, document: &str| {
            let mut out = std::io::Cursor::new(Vec::new());
            let mut writer = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for entry in [
                "[Content_Types].xml".to_string(),
                "_rels/.rels".to_string(),
                format!("{folder}/_rels/{document}.rels"),
                format!("{folder}/{document}"),
            ] {
                writer.start_file(entry, options).unwrap();
                std::io::Write::write_all(&mut writer, b"<x/>").unwrap();
            }
            writer.finish().unwrap();
            out.into_inner()
        };
        let (docx, xlsx) = (zip("word", "document.xml"), zip("xl", "workbook.xml"));
        assert_eq!(Kind::sniff(&docx), Some(Kind::Docx));
        assert_eq!(Kind::sniff(&xlsx), Some(Kind::Xlsx));
        assert!(judge(&docx, "a.docx", &ATTACHMENTS).is_ok());
        assert!(judge(&docx, "a.docx", &PDF).is_err());
    }
    #[test]
    fn an_attachment_may_be_25_mb() {
        assert_eq!(ATTACHMENTS.max_bytes, 25 * 1024 * 1024);
        assert_eq!(
            too_large("scan.pdf", &ATTACHMENTS),
            "scan.pdf is larger than 25 MB, the most a file may be."
        );
        assert!(body_limit(&ATTACHMENTS, 5) > 5 * 25 * 1024 * 1024);
    }
}
