//! "Publish Correspondence": plan staff make a document from the plan's data for one NPI
//! (a welcome letter, the last payment cycle's remittance advice, last year's 1099-MISC); it
//! lands in the NPI's Correspondence Center and everyone who may read it is notified.

use super::Outcome;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{action_error, field_errors, query_value, ErrorSummary, Field, Select};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// What can be published: (value, label).
pub const DOCUMENTS: [(&str, &str); 3] = [
    (
        "remittance",
        "Remittance Advice (the last 14 days' payments)",
    ),
    ("welcome", "Provider Welcome Letter"),
    ("1099", "Form 1099-MISC (last tax year)"),
];
/// Days of payments one remittance advice covers: the plan's payment cycle.
#[cfg(feature = "ssr")]
pub const PAYMENT_CYCLE_DAYS: i64 = 14;

#[server(endpoint = "operator/publish")]
pub async fn publish_correspondence(npi: String, document: String) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let published = ssr::publish(&operator, npi.trim(), &document).await?;
    Ok(super::outcome("published", &published))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::correspondence::publish;
    use crate::domain::Npi;
    use crate::ssr::guard::Operator;
    use jiff::ToSpan;

    /// The days a remittance advice published `today` covers.
    pub fn payment_cycle(today: jiff::civil::Date) -> (jiff::civil::Date, jiff::civil::Date) {
        (today - (PAYMENT_CYCLE_DAYS - 1).days(), today)
    }

    pub async fn publish(
        Operator(caller): &Operator,
        npi: &str,
        document: &str,
    ) -> Result<String, AppError> {
        let mut check = crate::error::Checker::new();
        check.check("npi", Npi::parse(npi));
        if !DOCUMENTS.iter().any(|d| d.0 == document) {
            check.add("document", "Choose a document.");
        }
        check.finish()?;
        let state = &caller.state;
        let now = state.clock.unix();
        let today = state
            .settings
            .calendar
            .date_of(now)
            .ok_or(AppError::Internal)?;
        let mut conn = state.db.conn().await?;
        let providers = super::super::repo::registered_providers(&mut conn, npi).await?;
        if providers.is_empty() {
            return Err(AppError::field("npi", "No registered office has this NPI."));
        }
        drop(conn);
        let mut published = Vec::new();
        for (provider_id, _, name, office) in providers {
            let mut conn = state.db.conn().await?;
            let made = match document {
                "remittance" => {
                    let (from, to) = payment_cycle(today);
                    publish::remittance_advice(&mut conn, &state.settings, provider_id, from, to)
                        .await?
                }
                "welcome" => {
                    publish::welcome_letter(&mut conn, &state.settings, provider_id, today).await?
                }
                _ => {
                    publish::form_1099_misc(
                        &mut conn,
                        &state.settings,
                        provider_id,
                        today.year() - 1,
                        today,
                    )
                    .await?
                }
            };
            drop(conn);
            deliver(caller, npi, &made).await?;
            published.push(format!("{} for {name} ({office})", made.title));
        }
        Ok(format!("Published: {}.", published.join("; ")))
    }

    /// Publishes one document to its office, notifying its readers; audited.
    pub async fn deliver(
        caller: &crate::ssr::guard::Caller,
        npi: &str,
        made: &publish::NewDocument,
    ) -> Result<i64, AppError> {
        let state = &caller.state;
        let mut tx = state.db.begin().await?;
        let id = publish::publish(&mut tx, state.clock.unix(), made).await?;
        caller
            .audit("correspondence.publish", format!("correspondence:{id}"))
            .org(Some(made.organization_id))
            .detail(format!("{} for NPI {npi}", made.title))
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// "Upload a PDF": a plan-made PDF, checked by its content (and scanned when ClamAV is
    /// configured), published to every registered office with the NPI. The form posts
    /// natively (multipart); the answer goes back to the console with the outcome, or with
    /// the error and what was typed.
    pub async fn upload(
        Operator(caller): Operator,
        form: axum::extract::Multipart,
    ) -> axum::response::Response {
        use axum::response::{IntoResponse, Redirect};
        let (mut fields, file) =
            crate::ssr::uploads::read_form(&caller.state, form, &crate::ssr::uploads::PDF).await;
        let mut take = |name: &str| fields.remove(name).unwrap_or_default();
        let typed = UploadForm {
            npi: take("npi"),
            correspondence_type: take("correspondence_type"),
            title: take("title"),
            document_date: take("document_date"),
        };
        let result = async {
            let received = file?;
            let state = &caller.state;
            let today = state
                .settings
                .calendar
                .date_of(state.clock.unix())
                .ok_or(AppError::Internal)?;
            let date = typed.check(today, received.is_some())?;
            let received = received.ok_or(AppError::Internal)?;
            let content = received.bytes().await.map_err(|_| AppError::Internal)?;
            let npi = typed.npi.trim();
            let providers =
                super::super::repo::registered_providers(&mut *state.db.conn().await?, npi).await?;
            if providers.is_empty() {
                return Err(AppError::field("npi", "No registered office has this NPI."));
            }
            let mut published = Vec::new();
            for (provider_id, organization_id, name, office) in providers {
                let made = publish::NewDocument {
                    organization_id,
                    provider_id,
                    correspondence_type: typed.correspondence_type.clone(),
                    title: typed.title.trim().to_string(),
                    document_date: date,
                    content: content.clone(),
                };
                deliver(&caller, npi, &made).await?;
                published.push(format!("{} for {name} ({office})", made.title));
            }
            Ok(format!("Published: {}.", published.join("; ")))
        }
        .await;
        let mut query = form_urlencoded::Serializer::new(String::new());
        match result {
            Ok(done) => {
                query.append_pair("uploaded", &done);
            }
            Err(error) => {
                let message = error.sentence();
                query
                    .append_pair("upload_error", &message)
                    .append_pair("upload_npi", &typed.npi)
                    .append_pair("upload_type", &typed.correspondence_type)
                    .append_pair("upload_title", &typed.title)
                    .append_pair("upload_date", &typed.document_date);
            }
        }
        Redirect::to(&format!(
            "/operator?{}#upload-correspondence",
            query.finish()
        ))
        .into_response()
    }
}

/// The upload form's fields other than the file.
#[cfg(any(feature = "ssr", test))]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UploadForm {
    pub npi: String,
    pub correspondence_type: String,
    pub title: String,
    pub document_date: String,
}

/// The longest title a published document may have.
pub const MAX_TITLE_CHARS: usize = 80;
/// The largest PDF, in MB, as the upload rules take it.
const MAX_UPLOAD_MB: u64 = 25;

#[cfg(any(feature = "ssr", test))]
impl UploadForm {
    /// The document's date (today when empty); every wrong field named.
    pub fn check(
        &self,
        today: jiff::civil::Date,
        has_file: bool,
    ) -> Result<jiff::civil::Date, AppError> {
        let mut check = crate::error::Checker::new();
        check.check("npi", crate::domain::Npi::parse(&self.npi));
        if !crate::correspondence::CORRESPONDENCE_TYPES.contains(&self.correspondence_type.as_str())
        {
            check.add("correspondence_type", "Choose a Correspondence Type.");
        }
        let title = self.title.trim();
        if title.is_empty() {
            check.add("title", "Enter the document's title.");
        } else if title.chars().count() > MAX_TITLE_CHARS {
            check.add(
                "title",
                format!("A title can be at most {MAX_TITLE_CHARS} characters."),
            );
        }
        let date = if self.document_date.trim().is_empty() {
            Some(today)
        } else {
            check
                .check(
                    "document_date",
                    crate::domain::UsDate::parse(&self.document_date),
                )
                .map(|d| d.0)
        };
        if date.is_some_and(|d| d > today) {
            check.add(
                "document_date",
                "The Document Date cannot be in the future.",
            );
        }
        if !has_file {
            check.add("file", "Choose the PDF to publish.");
        }
        check.finish()?;
        date.ok_or(AppError::Internal)
    }
}

#[component]
pub fn PublishCorrespondence() -> impl IntoView {
    let npi = RwSignal::new(String::new());
    let document = RwSignal::new(String::new());
    let action = ServerAction::<PublishCorrespondence>::new();
    let error = action_error(action);
    let field_error = field_errors(move || error.get());
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(next)) = action.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            npi.set(String::new());
        }
    });
    let options = std::iter::once((String::new(), "Choose a document".to_string()))
        .chain(DOCUMENTS.iter().map(|d| (d.0.to_string(), d.1.to_string())))
        .collect();
    view! {
        <section aria-labelledby="publish-correspondence">
            <h2 id="publish-correspondence">"Publish Correspondence"</h2>
            <p>"Made from the plan's data and placed in the NPI's Correspondence Center; everyone who may read it is notified."</p>
            <ActionForm action attr:novalidate=true attr:class="stacked">
                <Field label="NPI" value=npi name="npi" error=field_error("npi") />
                <Select label="Document" id="publish-document" options value=document name="document" error=field_error("document") />
                <button type="submit" class="button primary">"Publish"</button>
            </ActionForm>
            <ErrorSummary error beside_fields=true />
            <Outcome keys=vec!["published"] />
        </section>
        <UploadPdf />
    }
}

/// "Upload a PDF": a plain multipart form, posted by the browser itself with or without the
/// browser app; the console comes back with the outcome or the error.
#[component]
fn UploadPdf() -> impl IntoView {
    let refused = query_value("upload_error");
    let (npi, title, date) = (
        RwSignal::new(query_value("upload_npi")),
        RwSignal::new(query_value("upload_title")),
        RwSignal::new(query_value("upload_date")),
    );
    let kind = RwSignal::new(query_value("upload_type"));
    let types = std::iter::once((String::new(), "Choose a type".to_string()))
        .chain(
            crate::correspondence::CORRESPONDENCE_TYPES
                .iter()
                .map(|t| (t.to_string(), t.to_string())),
        )
        .collect();
    view! {
        <section aria-labelledby="upload-correspondence">
        <h2 id="upload-correspondence">"Upload Correspondence"</h2>
        <p>{format!("A PDF the plan made elsewhere, at most {} MB, checked by its content and published to every registered office with the NPI; everyone who may read it is notified.", MAX_UPLOAD_MB)}</p>
        <Outcome keys=vec!["uploaded"] />
        <form method="post" action="/uploads/operator/correspondence" enctype="multipart/form-data" class="stacked" aria-label="Upload a PDF">
            {(!refused.is_empty()).then(|| view! { <p class="error-summary" role="alert">{refused.clone()}</p> })}
            <Field label="NPI" id="upload-npi" value=npi name="npi" />
            <Select label="Correspondence Type" id="upload-type" options=types value=kind name="correspondence_type" />
            <Field label="Title" id="upload-title" value=title name="title" hint=format!("At most {MAX_TITLE_CHARS} characters.") />
            <Field label="Document Date" id="upload-date" input_type="date" value=date name="document_date" hint="Leave empty for today." />
            <div class="field">
                <label for="upload-file">"PDF File"</label>
                <input id="upload-file" type="file" name="file" accept="application/pdf,.pdf" />
            </div>
            <button type="submit" class="button primary">"Upload and Publish"</button>
        </form>
        </section>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn a_remittance_advice_covers_the_fourteen_days_ending_today() {
        let today = jiff::civil::date(2026, 11, 29);
        let (from, to) = super::ssr::payment_cycle(today);
        assert_eq!((from, to), (jiff::civil::date(2026, 11, 16), today));
        assert_eq!((to - from).get_days() + 1, super::PAYMENT_CYCLE_DAYS as i32);
    }

    #[test]
    fn an_uploaded_pdf_needs_its_fields_a_title_of_80_characters_and_no_future_date() {
        use super::UploadForm;
        let today = jiff::civil::date(2026, 11, 30);
        let form = UploadForm {
            npi: "1234567893".into(),
            correspondence_type: "Provider Bulletins".into(),
            title: "a".repeat(super::MAX_TITLE_CHARS),
            document_date: String::new(),
        };
        assert_eq!(form.check(today, true).unwrap(), today);
        let long = UploadForm {
            title: "a".repeat(81),
            ..form.clone()
        };
        assert_eq!(
            long.check(today, true).unwrap_err().field_messages("title"),
            ["A title can be at most 80 characters."]
        );
        let future = UploadForm {
            document_date: "12/01/2026".into(),
            ..form.clone()
        };
        assert_eq!(
            future
                .check(today, true)
                .unwrap_err()
                .field_messages("document_date"),
            ["The Document Date cannot be in the future."]
        );
        let empty = UploadForm::default().check(today, false).unwrap_err();
        for field in ["npi", "correspondence_type", "title", "file"] {
            assert_eq!(empty.field_messages(field).len(), 1, "{field}");
        }
    }

    #[test]
    fn the_console_states_the_upload_limit_the_pipeline_applies() {
        assert_eq!(
            super::MAX_UPLOAD_MB * 1024 * 1024,
            crate::ssr::uploads::PDF.max_bytes
        );
    }
}
