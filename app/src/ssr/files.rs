//! Files people download (PDF now; ZIP, CSV and XLSX as modules need them), as responses.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A file to save, never to be shown inline or cached.
pub fn attachment(file_name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", safe_file_name(file_name)),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// Letters, digits, `.`, `-` and `_` only: a name cannot break out of the header's quotes.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.trim_matches(['.', '-']).is_empty() {
        "download".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_stay_inside_the_header() {
        assert_eq!(super::safe_file_name("a\"; b.pdf"), "a---b.pdf");
        assert_eq!(super::safe_file_name("../.."), "download");
        assert_eq!(super::safe_file_name("letter-2026.pdf"), "letter-2026.pdf");
    }
}
