//! `/dev/mailbox`: every message the portal would have sent, for demos and tests. Mounted
//! only when `PORTAL_DEV_MAILBOX` is on.

use app::ssr::{outbox, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// How many messages the mailbox lists.
const SHOWN: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dev/mailbox", get(page))
        .route("/dev/mailbox.json", get(json))
        .route("/dev/mailbox/{id}/attachment", get(attachment))
}

async fn json(State(state): State<AppState>) -> Response {
    match outbox::recent(&state.db, SHOWN).await {
        Ok(messages) => Json(messages).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn page(State(state): State<AppState>) -> Response {
    let Ok(messages) = outbox::recent(&state.db, SHOWN).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dev Mailbox</title></head>\
         <body><main><h1>Dev Mailbox</h1><p>Messages the portal would have sent, newest first.</p>",
    );
    if messages.is_empty() {
        html.push_str("<p>No messages yet.</p>");
    }
    for m in &messages {
        html.push_str(&format!(
            "<article><h2>{}</h2><p>{} to {} at {}</p><pre>{}</pre>",
            escape(&m.subject),
            m.channel.label(),
            escape(&m.to),
            escape(&m.created_at),
            escape(&m.body)
        ));
        for link in &m.links {
            html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape(link)));
        }
        if let Some(name) = &m.attachment_name {
            html.push_str(&format!(
                "<p><a href=\"/dev/mailbox/{}/attachment\">{}</a></p>",
                m.id,
                escape(name)
            ));
        }
        html.push_str("</article>");
    }
    html.push_str("</main></body></html>");
    Html(html).into_response()
}

async fn attachment(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    match outbox::attachment(&state.db, id).await {
        Ok(Some((name, bytes))) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", name.replace('"', "")),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
