//! Documents the portal produces, typeset as PDF from the templates beside this file.
//!
//! Each kind of document is a template in `templates/` and a struct here whose fields reach the
//! template as `sys.inputs`; the template lays the page out, the struct only carries data. Fonts
//! ship in `fonts/`, so a document looks the same on every machine, and no creation date is
//! written, so the same input always gives the same bytes.

use crate::error::AppError;
use serde::Serialize;
use std::sync::OnceLock;
use typst::foundations::{Array, Dict, Value};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

const FONTS: [&[u8]; 3] = [
    include_bytes!("fonts/LiberationSans-Regular.ttf"),
    include_bytes!("fonts/LiberationSans-Bold.ttf"),
    include_bytes!("fonts/LiberationSans-Italic.ttf"),
];

const TEMPLATES: [(&str, &str); 8] = [
    ("common.typ", include_str!("templates/common.typ")),
    ("letter.typ", include_str!("templates/letter.typ")),
    ("code_letter.typ", include_str!("templates/code_letter.typ")),
    (
        "welcome_letter.typ",
        include_str!("templates/welcome_letter.typ"),
    ),
    (
        "form_1099_misc.typ",
        include_str!("templates/form_1099_misc.typ"),
    ),
    (
        "remittance_advice.typ",
        include_str!("templates/remittance_advice.typ"),
    ),
    ("agreement.typ", include_str!("templates/agreement.typ")),
    ("claim.typ", include_str!("templates/claim.typ")),
];

/// A kind of document: its data, and the template that lays it out.
pub trait Document: Serialize {
    /// The template's file name in `templates/`.
    const TEMPLATE: &'static str;
}

/// What every document's letterhead shows.
#[derive(Debug, Clone, Serialize)]
pub struct Letterhead {
    /// The plan's program name, e.g. "Medi-Cal".
    pub program: String,
    /// The document's date, as the plan writes dates (MM/DD/YYYY).
    pub date: String,
    pub title: String,
}

/// A plain letter: the letterhead, an address, paragraphs, a list (e.g. the NPIs it concerns),
/// and closing paragraphs.
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    pub head: Letterhead,
    pub recipient: Vec<String>,
    pub paragraphs: Vec<String>,
    pub items: Vec<String>,
    pub closing: Vec<String>,
}

impl Document for Letter {
    const TEMPLATE: &'static str = "letter.typ";
}

/// A letter carrying a code the reader must copy exactly: an NPI's new PIN, an organization's
/// secure token. The code stands apart in a box between the paragraphs.
#[derive(Debug, Clone, Serialize)]
pub struct CodeLetter {
    pub head: Letterhead,
    pub recipient: Vec<String>,
    /// A line naming what the letter concerns, e.g. "NPI 1234567893: Sunrise Family Clinic".
    pub subject: Option<String>,
    pub intro: Vec<String>,
    /// What the code is, e.g. "New PIN".
    pub label: String,
    pub code: String,
    pub after: Vec<String>,
}

impl Document for CodeLetter {
    const TEMPLATE: &'static str = "code_letter.typ";
}

/// A provider's welcome letter: its enrollment in a provider community (provider type).
#[derive(Debug, Clone, Serialize)]
pub struct WelcomeLetter {
    pub head: Letterhead,
    pub recipient: Vec<String>,
    pub npi: String,
    pub provider: String,
    pub provider_type: String,
    pub effective: String,
    /// (code, what it is) for each X12 transaction the NPI may send.
    pub transactions: Vec<(String, String)>,
}

impl Document for WelcomeLetter {
    const TEMPLATE: &'static str = "welcome_letter.typ";
}

/// Form 1099-MISC, the recipient's copy (Copy B).
#[derive(Debug, Clone, Serialize)]
pub struct Form1099Misc {
    pub head: Letterhead,
    pub tax_year: i32,
    pub payer: Vec<String>,
    pub payer_tin: String,
    /// Masked but for its last four digits, as the recipient copy allows.
    pub recipient_tin: String,
    pub recipient: Vec<String>,
    pub account: String,
    /// Box 6, medical and health care payments, formatted as money.
    pub medical_payments: String,
    /// Box 4, federal income tax withheld, formatted as money.
    pub withheld: String,
}

impl Document for Form1099Misc {
    const TEMPLATE: &'static str = "form_1099_misc.typ";
}

/// One claim line of a remittance advice; amounts formatted as money.
#[derive(Debug, Clone, Serialize)]
pub struct RemittanceLine {
    pub claim: String,
    pub member: String,
    pub service: String,
    pub billed: String,
    pub allowed: String,
    pub paid: String,
    pub status: String,
}

/// A remittance advice: the claims one payment settled.
#[derive(Debug, Clone, Serialize)]
pub struct RemittanceAdvice {
    pub head: Letterhead,
    pub payee: Vec<String>,
    pub npi: String,
    pub payment: String,
    pub payment_date: String,
    pub lines: Vec<RemittanceLine>,
    pub total_billed: String,
    pub total_paid: String,
}

impl Document for RemittanceAdvice {
    const TEMPLATE: &'static str = "remittance_advice.typ";
}

/// A claim's printable copy: (label, value) pairs, then each table's rows as cells.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimPrintout {
    pub head: Letterhead,
    pub summary: Vec<(String, String)>,
    pub services: Vec<Vec<String>>,
    pub eob: Vec<Vec<String>>,
    pub reasons: Vec<Vec<String>>,
    pub diagnoses: Vec<Vec<String>>,
    pub note: String,
}

impl Document for ClaimPrintout {
    const TEMPLATE: &'static str = "claim.typ";
}

/// Who signed an agreement, when and from where.
#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    pub name: String,
    pub title: String,
    pub signed_at: String,
    pub address: String,
}

/// An agreement a provider signs electronically, e.g. the Presumptive Eligibility Provider
/// Agreement; unsigned, it shows blank signature lines.
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub head: Letterhead,
    pub npi: String,
    pub provider: String,
    pub terms: Vec<String>,
    pub signature: Option<Signature>,
}

impl Document for Agreement {
    const TEMPLATE: &'static str = "agreement.typ";
}

fn engine() -> &'static TypstEngine<typst_as_lib::TypstTemplateCollection> {
    static ENGINE: OnceLock<TypstEngine<typst_as_lib::TypstTemplateCollection>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .fonts(FONTS)
            .with_static_source_file_resolver(TEMPLATES)
            .build()
    })
}

/// Typesets a document. CPU-bound: in async code, use [`typeset`].
pub fn render<D: Document>(document: &D) -> Result<Vec<u8>, AppError> {
    let inputs = match to_value(serde_json::to_value(document).map_err(|_| AppError::Internal)?) {
        Value::Dict(dict) => dict,
        _ => return Err(AppError::Internal),
    };
    let compiled: PagedDocument = engine()
        .compile_with_input(D::TEMPLATE, inputs)
        .output
        .map_err(|error| {
            tracing::error!(template = D::TEMPLATE, %error, "document template failed");
            AppError::Internal
        })?;
    let options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(None),
        ..Default::default()
    };
    typst_pdf::pdf(&compiled, &options).map_err(|errors| {
        tracing::error!(template = D::TEMPLATE, ?errors, "document export failed");
        AppError::Internal
    })
}

/// [`render`] off the async workers.
pub async fn typeset<D: Document + Send + 'static>(document: D) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || render(&document))
        .await
        .map_err(|_| AppError::Internal)?
}

/// The template's `sys.inputs`: the document's fields as Typst values.
fn to_value(json: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or_default()),
        },
        J::String(s) => Value::Str(s.into()),
        J::Array(items) => Value::Array(items.into_iter().map(to_value).collect::<Array>()),
        J::Object(fields) => Value::Dict(
            fields
                .into_iter()
                .map(|(key, value)| (key.into(), to_value(value)))
                .collect::<Dict>(),
        ),
    }
}

#[cfg(test)]
mod tests;
