//! Correspondence downloads: one document as PDF, or the chosen ones as a ZIP streamed a
//! document at a time (never the whole archive in memory). Each document is checked against
//! the member's grants and each download audited.

use super::repo;
use crate::error::AppError;
use crate::ssr::files::{attachment, safe_file_name};
use crate::ssr::guard::Member;
use axum::body::Body;
use axum::extract::RawQuery;
use axum::response::{IntoResponse, Redirect, Response};
use http::header;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The ids chosen (`id=…`, repeated) and the page to return to when the choice is wrong.
fn chosen(query: Option<String>) -> (Vec<i64>, String) {
    let query = query.unwrap_or_default();
    let mut ids = Vec::new();
    let mut back = "/correspondence".to_string();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "id" => ids.extend(value.parse::<i64>().ok()),
            // Only a page of this site: a path, never another host.
            "back"
                if value.starts_with('/') && !value.starts_with("//") && !value.contains('\\') =>
            {
                back = value.into_owned()
            }
            _ => {}
        }
    }
    ids.sort_unstable();
    ids.dedup();
    (ids, back)
}

/// Back to the list, saying what was wrong with the choice.
fn refuse(back: &str, error: &str) -> Response {
    let separator = if back.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{back}{separator}error={error}")).into_response()
}

fn file_name(document: &repo::DocumentRecord) -> String {
    safe_file_name(&format!(
        "{}-{}-{}.pdf",
        document.title, document.document_date, document.id
    ))
}

async fn audit(
    member: &Member,
    document: &repo::DocumentRecord,
    format: &str,
) -> Result<(), AppError> {
    member
        .audit("download", format!("correspondence:{}", document.id))
        .detail(format!(
            "{format}: {} (NPI {})",
            document.title, document.npi
        ))
        .record(&member.state.db)
        .await?;
    Ok(())
}

/// `GET /downloads/correspondence/pdf?id=N`: exactly one document.
pub async fn pdf(member: Member, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let (ids, back) = chosen(query);
    let [id] = ids[..] else {
        return Ok(refuse(&back, if ids.is_empty() { "none" } else { "one" }));
    };
    let mut conn = member.state.db.conn().await?;
    let Some(document) = repo::readable(&mut conn, &member, &[id]).await?.pop() else {
        return Err(AppError::NotFound);
    };
    let content = repo::content(&mut conn, id).await?;
    drop(conn);
    audit(&member, &document, "PDF").await?;
    Ok(attachment(
        &file_name(&document),
        "application/pdf",
        content,
    ))
}

/// `GET /downloads/correspondence/zip?id=N&id=M…`: the chosen documents in one ZIP archive.
pub async fn zip(member: Member, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    let (ids, back) = chosen(query);
    if ids.is_empty() {
        return Ok(refuse(&back, "none"));
    }
    let documents = repo::readable(&mut *member.state.db.conn().await?, &member, &ids).await?;
    // Any id the member may not read makes the whole request unknown, as a single one would.
    if documents.len() != ids.len() {
        return Err(AppError::NotFound);
    }
    for document in &documents {
        audit(&member, document, "ZIP").await?;
    }
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
    let db = member.state.db.clone();
    tokio::spawn(async move {
        if let Err(error) = write_zip(&db, &documents, &sender).await {
            tracing::error!(%error, "correspondence archive failed");
            let _ = sender
                .send(Err(std::io::Error::other("archive failed")))
                .await;
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    let today = member
        .state
        .settings
        .calendar
        .date_of(member.state.clock.unix())
        .map(|d| d.to_string())
        .unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"correspondence-{today}.zip\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// What the archive writer has written and not yet sent.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Write for Pending {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Pending {
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default()
    }
}

/// Writes each document into the archive as it is read, sending the bytes on; PDFs are
/// compressed already, so they are stored as they are.
async fn write_zip(
    db: &crate::ssr::db::Db,
    documents: &[repo::DocumentRecord],
    sender: &tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let pending = Pending::default();
    let mut archive = zip::ZipWriter::new_stream(pending.clone());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for document in documents {
        let content = repo::content(&mut *db.conn().await?, document.id).await?;
        archive.start_file(file_name(document), options)?;
        archive.write_all(&content)?;
        if sender.send(Ok(pending.take())).await.is_err() {
            // The browser went away.
            return Ok(());
        }
    }
    archive.finish()?;
    let _ = sender.send(Ok(pending.take())).await;
    Ok(())
}
