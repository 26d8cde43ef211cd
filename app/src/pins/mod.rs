//! "NPI Agreements and Settings": the NPIs a user holds, and for each its PIN (Hold to View,
//! Reset PIN, for the NPI's Admins) and the X12 transactions it may send.

#[cfg(feature = "ssr")]
pub(crate) mod repo;
mod view;

use crate::dashboard::NpiRow;
#[cfg(feature = "ssr")]
use crate::domain::permissions::NpiLevel;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::{NpiPage, NpisPage};

/// NPIs per page of `/npis`.
pub const NPIS_PER_PAGE: i64 = 20;
/// Digits of a PIN.
pub const PIN_DIGITS: usize = 6;

/// One NPI's settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpiSettings {
    pub npi: String,
    pub name: String,
    pub specialty: String,
    /// The user is Admin on this NPI: the PIN is theirs to view and reset.
    pub admin: bool,
    pub pin_set: bool,
    /// MM/DD/YYYY of the last reset, if any.
    pub pin_reset_on: Option<String>,
    /// (code, what it is), e.g. ("270/271", "Eligibility inquiry and response").
    pub transactions: Vec<(String, String)>,
    /// The Presumptive Eligibility Provider Agreement's signature, once signed.
    pub pe_agreement: Option<PeSignature>,
}

/// Who signed an agreement electronically, when and from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeSignature {
    pub name: String,
    pub title: String,
    /// MM/DD/YYYY 3:04 PM in the plan's time zone.
    pub signed_at: String,
    pub address: String,
}

/// The version of the Presumptive Eligibility Provider Agreement now offered; a new version
/// is signed anew.
pub const PE_AGREEMENT_VERSION: &str = "2026-01";
pub const PE_AGREEMENT_TITLE: &str = "Presumptive Eligibility Provider Agreement";
/// Characters of a signer's title at most.
pub const MAX_TITLE_CHARS: usize = 50;
/// The agreement's terms, as the PDF numbers them.
pub const PE_AGREEMENT_TERMS: [&str; 5] = [
    "The provider determines presumptive eligibility only through its trained, qualified staff, following the program's presumptive eligibility rules and the applicant's own statements.",
    "The provider gives each applicant found presumptively eligible the notice of temporary coverage the same day, and explains that coverage ends unless a full application is filed.",
    "The provider helps the applicant file a full application for coverage by the end of the month after the month of the determination.",
    "The provider keeps a record of each determination for at least seven years and makes it available to the program on request.",
    "The provider protects applicants' information as the law requires for protected health information, and tells the program at once of any disclosure that is not allowed.",
];

/// The NPIs the user holds in this organization, by provider name or NPI, a page at a time.
#[server(endpoint = "npis")]
pub async fn search_npis(search: String, after: Option<String>) -> Result<Page<NpiRow>, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::search(&member, &search, after).await
}

#[server(endpoint = "npis/settings")]
pub async fn load_npi(npi: String) -> Result<NpiSettings, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Processor)).await?;
    ssr::settings(&scope).await
}

/// The PIN, for "Hold to View": an Admin of the NPI, after a step-up; audited.
#[server(endpoint = "npis/pin")]
pub async fn view_pin(npi: String) -> Result<String, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Admin).fresh()).await?;
    ssr::view_pin(&scope).await
}

/// "Reset PIN": once per plan day; answers the address to show next.
#[server(endpoint = "npis/pin/reset")]
pub async fn reset_pin(npi: String) -> Result<String, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Admin)).await?;
    ssr::reset_pin(&scope).await?;
    Ok(crate::ssr::follow(&format!(
        "/npis/{}?done=reset",
        scope.npi
    )))
}

/// "Sign Agreement": an Admin of the NPI signs the Presumptive Eligibility Provider Agreement
/// with their name and title; the time and their address are kept. Answers the address to show.
#[server(endpoint = "npis/pe-agreement/sign")]
pub async fn sign_pe_agreement(
    npi: String,
    name: String,
    title: String,
) -> Result<String, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Admin)).await?;
    ssr::sign_pe_agreement(&scope, &name, &title).await?;
    Ok(crate::ssr::follow(&format!(
        "/npis/{}?done=signed#pe-agreements",
        scope.npi
    )))
}

/// What each X12 transaction set is, as the page names it.
pub fn transaction_name(code: &str) -> &'static str {
    match code {
        "270/271" => "Eligibility inquiry and response",
        "276/277" => "Claim status inquiry and response",
        "837P" => "Professional claims",
        "837I" => "Institutional claims",
        "835" => "Remittance advice",
        _ => "Other",
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::domain::rules::pin_reset_allowed;
    use crate::domain::UsDate;
    use crate::ssr::crypto::Sealed;
    use crate::ssr::documents;
    use crate::ssr::guard::{Member, NpiScope};
    use crate::ssr::outbox::{self, Channel, NewMessage};
    use crate::ssr::repo::notifications;

    pub async fn search(
        member: &Member,
        search: &str,
        after: Option<String>,
    ) -> Result<Page<NpiRow>, AppError> {
        let mut conn = member.state.db.conn().await?;
        let after = after.unwrap_or_default();
        let rows = repo::npis(&mut conn, member, search.trim(), &after, NPIS_PER_PAGE + 1).await?;
        Ok(npi_page(rows, NPIS_PER_PAGE))
    }

    /// A page of the member's NPIs, from rows read with a limit of `per_page + 1` (see
    /// `Page::from_rows`); also My Dashboard's tile.
    pub fn npi_page(rows: Vec<(String, String, String)>, per_page: i64) -> Page<NpiRow> {
        let items = rows
            .into_iter()
            .map(|(npi, name, level)| NpiRow {
                npi,
                name,
                level: NpiLevel::parse(&level)
                    .unwrap_or(NpiLevel::Processor)
                    .label()
                    .to_string(),
            })
            .collect();
        Page::from_rows(items, per_page, |row| row.npi.clone())
    }

    pub async fn settings(scope: &NpiScope) -> Result<NpiSettings, AppError> {
        let mut conn = scope.member.state.db.conn().await?;
        let provider = repo::provider(&mut conn, scope.provider_id).await?;
        let transactions = repo::transactions(&mut conn, scope.provider_id)
            .await?
            .into_iter()
            .map(|code| {
                let name = transaction_name(&code).to_string();
                (code, name)
            })
            .collect();
        let cal = &scope.member.state.settings.calendar;
        let pe_agreement = repo::pe_agreement(&mut conn, scope.provider_id, PE_AGREEMENT_VERSION)
            .await?
            .map(|signed| signature(signed, cal));
        Ok(NpiSettings {
            npi: scope.npi.clone(),
            name: provider.name,
            specialty: provider.specialty,
            admin: scope.level == NpiLevel::Admin,
            pin_set: provider.pin.is_some(),
            pin_reset_on: provider.pin_reset_at.map(|at| cal.format_date(at)),
            transactions,
            pe_agreement,
        })
    }

    fn signature(signed: repo::PeSigned, cal: &crate::domain::Calendar) -> PeSignature {
        PeSignature {
            name: signed.signer_name,
            title: signed.signer_title,
            signed_at: cal.format_date_time(signed.signed_at),
            address: signed.signed_from,
        }
    }

    pub async fn sign_pe_agreement(
        scope: &NpiScope,
        name: &str,
        title: &str,
    ) -> Result<(), AppError> {
        let mut check = crate::error::Checker::new();
        let name = check.check(
            "name",
            crate::domain::PersonName::parse_or(name, "Enter your first and last name."),
        );
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            check.add("title", "Enter your title.");
        } else if title.chars().count() > MAX_TITLE_CHARS {
            check.add(
                "title",
                format!("Use at most {MAX_TITLE_CHARS} characters."),
            );
        }
        check.finish()?;
        let name = name.ok_or(AppError::Internal)?;
        let state = &scope.member.state;
        let now = state.clock.unix();
        let from = scope.member.ip.clone().unwrap_or_else(|| "unknown".into());
        let mut tx = state.db.begin().await?;
        let signed = repo::sign_pe_agreement(
            &mut tx,
            scope.provider_id,
            PE_AGREEMENT_VERSION,
            scope.member.user_id,
            name.as_str(),
            &title,
            now,
            &from,
        )
        .await?;
        if !signed {
            return Err(AppError::Conflict(
                "This agreement is already signed for this NPI.".into(),
            ));
        }
        scope
            .audit(
                "pe_agreement.sign",
                format!("provider:{}", scope.provider_id),
            )
            .detail(format!("{} ({title})", name.as_str()))
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `GET /downloads/npis/pe-agreement?npi=…`: the agreement as PDF, signed or blank, for
    /// anyone who holds the NPI; audited.
    pub async fn pe_agreement_pdf(
        axum::extract::State(state): axum::extract::State<crate::ssr::AppState>,
        parts: http::request::Parts,
        axum::extract::Query(query): axum::extract::Query<
            std::collections::HashMap<String, String>,
        >,
    ) -> Result<axum::response::Response, AppError> {
        let npi = query.get("npi").cloned().unwrap_or_default();
        let scope =
            crate::ssr::guard::require_parts(&state, &parts, Access::npi(npi, NpiLevel::Processor))
                .await?;
        let settings = &state.settings;
        let mut conn = state.db.conn().await?;
        let provider = repo::provider(&mut conn, scope.provider_id).await?;
        let signed = repo::pe_agreement(&mut conn, scope.provider_id, PE_AGREEMENT_VERSION).await?;
        drop(conn);
        let pdf = documents::typeset(documents::Agreement {
            head: documents::Letterhead {
                program: settings.program_name.clone(),
                date: format!("Version {PE_AGREEMENT_VERSION}"),
                title: PE_AGREEMENT_TITLE.into(),
            },
            npi: scope.npi.clone(),
            provider: provider.name,
            terms: PE_AGREEMENT_TERMS.iter().map(|t| t.to_string()).collect(),
            signature: signed.map(|s| {
                let s = signature(s, &settings.calendar);
                documents::Signature {
                    name: s.name,
                    title: s.title,
                    signed_at: s.signed_at,
                    address: s.address,
                }
            }),
        })
        .await?;
        scope
            .audit("download", format!("provider:{}", scope.provider_id))
            .detail("pe-agreement.pdf")
            .record(&state.db)
            .await?;
        Ok(crate::ssr::files::attachment(
            &format!("pe-agreement-{}.pdf", scope.npi),
            "application/pdf",
            pdf,
        ))
    }

    pub async fn view_pin(scope: &NpiScope) -> Result<String, AppError> {
        let state = &scope.member.state;
        let provider = repo::provider(&mut *state.db.conn().await?, scope.provider_id).await?;
        let pin = provider
            .pin
            .and_then(|sealed| {
                state.settings.keys.open(
                    Sealed::Pin {
                        provider_id: scope.provider_id,
                    },
                    &sealed,
                )
            })
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| {
                AppError::Conflict(
                    "This NPI has no PIN yet. Use Reset PIN to have one issued.".into(),
                )
            })?;
        scope
            .audit("pin.view", format!("provider:{}", scope.provider_id))
            .detail(&scope.npi)
            .record(&state.db)
            .await?;
        Ok(pin)
    }

    /// A new PIN, sealed, once per plan day: by postal letter to the provider's address, or,
    /// for a paperless organization, as a document in the Correspondence Center. The NPI's
    /// other Admins are notified.
    pub async fn reset_pin(scope: &NpiScope) -> Result<(), AppError> {
        let state = &scope.member.state;
        let now = state.clock.unix();
        let cal = &state.settings.calendar;
        let pin = crate::ssr::crypto::digits(PIN_DIGITS);
        let sealed = state.settings.keys.seal(
            Sealed::Pin {
                provider_id: scope.provider_id,
            },
            pin.as_bytes(),
        );
        let already = |next| {
            AppError::Conflict(format!(
                "This PIN was already reset today. PINs can be reset once a day: try again on {}.",
                UsDate(next)
            ))
        };
        let mut tx = state.db.begin().await?;
        let provider = repo::provider(&mut tx, scope.provider_id).await?;
        pin_reset_allowed(provider.pin_reset_at, now, cal).map_err(already)?;
        if !repo::set_pin(
            &mut tx,
            scope.provider_id,
            &sealed,
            now,
            provider.pin_reset_at,
        )
        .await?
        {
            // Another reset landed in between: it is today's, as if read before.
            pin_reset_allowed(Some(now), now, cal).map_err(already)?;
        }
        let organization_id = scope.member.organization_id();
        let title = format!("PIN reset for {} (NPI {})", provider.name, scope.npi);
        let body = format!(
            "{} {} reset the PIN of {} (NPI {}) on {}.",
            scope.first_name,
            scope.last_name,
            provider.name,
            scope.npi,
            cal.format_date_time(now)
        );
        let link = format!("/npis/{}", scope.npi);
        let notice = notifications::Notice {
            kind: "pin",
            title: &title,
            body: &body,
            link: &link,
        };
        notifications::to_npi_admins(
            &mut tx,
            now,
            organization_id,
            scope.provider_id,
            scope.user_id,
            notice,
        )
        .await?;
        let program = state.settings.program_name.as_str();
        let letter_title = format!("{program} PIN Letter");
        let recipient = vec![
            provider.name.clone(),
            provider.address_line1.clone(),
            format!("{} {}", provider.city, provider.zip),
        ];
        let intro = vec![format!(
            "The Provider Identification Number (PIN) for this NPI was reset on {}. Your new PIN is:",
            cal.format_date(now)
        )];
        let after = vec![format!(
            "Keep this letter in a safe place. The PIN confirms your identity when you call {program} or use the Provider Portal."
        )];
        let letter_text = [&recipient[..], &intro, std::slice::from_ref(&pin), &after]
            .concat()
            .join("\n\n");
        let pdf = documents::typeset(documents::CodeLetter {
            head: documents::Letterhead {
                program: program.to_string(),
                date: cal.format_date(now),
                title: letter_title.clone(),
            },
            recipient: recipient.clone(),
            subject: Some(format!("NPI {}: {}", scope.npi, provider.name)),
            intro,
            label: "New PIN".into(),
            code: pin.clone(),
            after,
        })
        .await?;
        let paperless = crate::ssr::repo::organizations::paperless_since(&mut tx, organization_id)
            .await?
            .is_some();
        if paperless {
            crate::correspondence::publish::publish(
                &mut tx,
                now,
                &crate::correspondence::publish::NewDocument {
                    organization_id,
                    provider_id: scope.provider_id,
                    correspondence_type: "PIN Letters".into(),
                    title: letter_title.clone(),
                    document_date: cal.date_of(now).ok_or(AppError::Internal)?,
                    content: pdf.clone(),
                },
            )
            .await?;
        }
        scope
            .audit("pin.reset", format!("provider:{}", scope.provider_id))
            .detail(&scope.npi)
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        if !paperless {
            outbox::enqueue(
                &state.db,
                &state.settings,
                now,
                NewMessage {
                    channel: Channel::Postal,
                    to: recipient.join(", "),
                    subject: letter_title,
                    body: letter_text,
                    links: Vec::new(),
                    codes: vec![pin],
                    attachment: Some(("pin-letter.pdf".into(), pdf)),
                },
            )
            .await?;
        }
        Ok(())
    }
}
