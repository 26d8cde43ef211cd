//! Claims downloads: a whole search as CSV (streamed a page at a time), a claim's remittance
//! advice and its printable copy as PDF. Each needs the Claims module, finds only claims the
//! member may see (any other is 404), and is audited.

use super::{repo, ssr, ClaimSearch, Lookup, PAYABLE_NOTE};
use crate::correspondence::publish;
use crate::domain::permissions::Module;
use crate::domain::UsDate;
use crate::error::AppError;
use crate::ssr::documents::{self, ClaimPrintout};
use crate::ssr::files::attachment;
use crate::ssr::guard::{require_parts, Access, Member};
use crate::ssr::AppState;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header;
use http::request::Parts;
use jiff::civil::Date;

/// Rows read per query while streaming a CSV.
const CSV_BATCH: i64 = 500;

/// The CSV's columns, as "Claim Search Results" shows them.
pub const CSV_HEADERS: [&str; 10] = [
    "Claim #",
    "CIN",
    "Member Name",
    "LOB",
    "Service From",
    "Service To",
    "Billed",
    "Paid",
    "Status",
    "Paid Date",
];

async fn member(state: &AppState, parts: &Parts) -> Result<Member, AppError> {
    require_parts(state, parts, Access::module(Module::Claims)).await
}

fn pairs(query: &Option<String>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or return
/// first) is prefixed with `'`, so it shows as the text it is.
pub fn safe_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

pub fn csv_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| safe_cell(cell)))
            .map_err(|_| AppError::Internal)?;
    }
    writer.into_inner().map_err(|_| AppError::Internal)
}

/// `GET /downloads/claims/csv?by=date&from=…`: every claim of the search, as CSV. A search
/// the form would refuse goes back to the form, which names the wrong fields.
pub async fn csv(
    State(state): State<AppState>,
    parts: Parts,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let member = member(&state, &parts).await?;
    let search: ClaimSearch = crate::ui::from_pairs(pairs(&query)).unwrap_or_default();
    let lookup = match search.check() {
        Ok(lookup) => lookup,
        Err(_) => return Ok(Redirect::to(&format!("/claims?{}", search.query())).into_response()),
    };
    member
        .audit("download", "claims:csv")
        .detail(format!("CSV of claims: {}", search.query()))
        .record(&state.db)
        .await?;
    let header = csv_bytes(&[CSV_HEADERS.iter().map(|h| h.to_string()).collect()])?;
    // The header, then a batch of rows per step until a batch comes back short.
    let stream = futures_util::stream::unfold(
        (Some(None::<(String, i64)>), member, lookup, Some(header)),
        |(cursor, member, lookup, header)| async move {
            if let Some(header) = header {
                return Some((Ok(header), (cursor, member, lookup, None)));
            }
            let after = cursor?;
            let batch = async {
                let mut conn = member.state.db.conn().await?;
                repo::lookup(&mut conn, &member, &lookup, after, CSV_BATCH).await
            }
            .await;
            let records = match batch {
                Ok(records) => records,
                Err(error) => {
                    tracing::error!(%error, "claims CSV stopped");
                    return Some((
                        Err(std::io::Error::other("claims CSV")),
                        (None, member, lookup, None),
                    ));
                }
            };
            let next = (records.len() as i64 == CSV_BATCH && !matches!(lookup, Lookup::Number(_)))
                .then(|| records.last().map(|r| (r.sort_key.clone(), r.id)));
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|record| {
                    let row = ssr::row(record);
                    vec![
                        row.number,
                        row.cin,
                        row.member,
                        row.lob,
                        row.service_from,
                        row.service_to,
                        row.billed,
                        row.paid,
                        row.status,
                        row.paid_date,
                    ]
                })
                .collect();
            if rows.is_empty() {
                return None;
            }
            let bytes = csv_bytes(&rows).map_err(|_| std::io::Error::other("claims CSV"));
            Some((bytes, (next, member, lookup, None)))
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"claims.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        // Fused: a compressing layer may poll again after the end.
        Body::from_stream(futures_util::StreamExt::fuse(stream)),
    )
        .into_response())
}

/// The claim named by `?number=…`, if the member may see it.
async fn claim(
    member: &Member,
    query: &Option<String>,
) -> Result<(repo::ClaimRecord, repo::ClaimParts), AppError> {
    let number = pairs(query)
        .into_iter()
        .find(|(k, _)| k == "number")
        .map(|(_, v)| v)
        .unwrap_or_default();
    ssr::claim(member, &number).await
}

/// `GET /downloads/claims/ra?number=…`: the remittance advice of the payment that settled the
/// claim: every claim its billing NPI was paid for that day.
pub async fn remittance_advice(
    State(state): State<AppState>,
    parts: Parts,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let member = member(&state, &parts).await?;
    let (record, _) = claim(&member, &query).await?;
    let paid: Date = record
        .paid_on
        .as_deref()
        .and_then(|d| d.parse().ok())
        .ok_or(AppError::NotFound)?;
    let mut conn = state.db.conn().await?;
    let document = publish::remittance_advice(
        &mut conn,
        &state.settings,
        record.billing_provider_id,
        paid,
        paid,
    )
    .await?;
    drop(conn);
    member
        .audit("download", format!("claim:{}", record.id))
        .detail(format!(
            "Remittance advice of claim {}",
            record.claim_number
        ))
        .record(&state.db)
        .await?;
    Ok(attachment(
        &format!("remittance-advice-{}.pdf", record.claim_number),
        "application/pdf",
        document.content,
    ))
}

/// `GET /downloads/claims/printable?number=…`: the claim page as a PDF.
pub async fn printable(
    State(state): State<AppState>,
    parts: Parts,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let member = member(&state, &parts).await?;
    let (record, claim_parts) = claim(&member, &query).await?;
    let id = record.id;
    let detail = ssr::build(record, claim_parts);
    let today = state
        .settings
        .calendar
        .date_of(state.clock.unix())
        .ok_or(AppError::Internal)?;
    let title = format!("Claim #: {}", detail.number);
    let m = &detail.member;
    let summary = [
        ("Status", detail.status.clone()),
        ("CIN", detail.cin.clone()),
        ("Member", m.name.clone()),
        ("Date of Birth", m.date_of_birth.clone()),
        ("Service Dates", detail.service_dates.clone()),
        ("Received", detail.received.clone()),
        ("Paid", detail.paid_date.clone()),
        ("Check #", detail.check_number.clone()),
        (
            "Payment Provider",
            format!(
                "{} (NPI {})",
                detail.payment_provider.name, detail.payment_provider.npi
            ),
        ),
        (
            "Service Provider",
            format!(
                "{} (NPI {})",
                detail.service_provider.name, detail.service_provider.npi
            ),
        ),
        ("Patient Account #", m.patient_account.clone()),
        ("Line of Business", m.lob.clone()),
    ]
    .into_iter()
    .map(|(label, value)| (label.to_string(), value))
    .collect();
    let mut services: Vec<Vec<String>> = detail
        .services
        .iter()
        .map(|s| {
            vec![
                s.start.clone(),
                s.end.clone(),
                if s.description.is_empty() {
                    s.code.clone()
                } else {
                    format!("{} – {}", s.code, s.description)
                },
                s.modifiers.clone(),
                s.quantity.clone(),
                s.billed.clone(),
                s.payable.clone(),
            ]
        })
        .collect();
    services.push(vec![
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        detail.total_billed.clone(),
        detail.total_payable.clone(),
    ]);
    let eob = detail
        .eob
        .iter()
        .chain(std::iter::once(&detail.eob_total))
        .map(|l| {
            vec![
                l.line.clone(),
                l.code.clone(),
                l.billed.clone(),
                l.allowed.clone(),
                l.disallowed.clone(),
                l.coinsurance.clone(),
                l.copay.clone(),
                l.deductible.clone(),
                l.paid.clone(),
                l.interest.clone(),
            ]
        })
        .collect();
    let pairs_of = |list: &[(String, String)]| {
        list.iter()
            .map(|(a, b)| vec![a.clone(), b.clone()])
            .collect::<Vec<_>>()
    };
    let pdf = documents::typeset(ClaimPrintout {
        head: publish::head(&state.settings, title, today),
        summary,
        services,
        eob,
        reasons: pairs_of(&detail.reasons),
        diagnoses: pairs_of(&detail.diagnoses),
        note: PAYABLE_NOTE.to_string(),
    })
    .await?;
    member
        .audit("download", format!("claim:{id}"))
        .detail(format!("Printable claim {}", detail.number))
        .record(&state.db)
        .await?;
    Ok(attachment(
        &format!(
            "claim-{}-{}.pdf",
            detail.number,
            UsDate(today).to_string().replace('/', "-")
        ),
        "application/pdf",
        pdf,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_prefixed() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(formula), format!("'{formula}"));
        }
        assert_eq!(safe_cell("Ann \"Nan\" Lee, Jr."), "Ann \"Nan\" Lee, Jr.");
        let bytes = csv_bytes(&[vec![
            "Lee, Ann".into(),
            "=HYPERLINK(\"x\")".into(),
            "$1.00".into(),
        ]])
        .unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"Lee, Ann\",\"'=HYPERLINK(\"\"x\"\")\",$1.00\n"
        );
    }
}
