//! Publishing correspondence: a document lands in an NPI's Correspondence Center and everyone
//! who may read it is notified. The documents the plan makes from its own data (welcome
//! letters, remittance advice, 1099s) are typeset here.

use super::{provider_type, repo};
use crate::domain::{Money, UsDate};
use crate::error::AppError;
use crate::ssr::documents::{self, Form1099Misc, Letterhead, RemittanceAdvice, RemittanceLine};
use crate::ssr::repo::notifications::{self, Notice};
use crate::ssr::repo::Conn;
use crate::ssr::settings::Settings;
use jiff::civil::Date;

/// A document for one NPI of an organization.
pub struct NewDocument {
    pub organization_id: i64,
    pub provider_id: i64,
    pub correspondence_type: String,
    pub title: String,
    pub document_date: Date,
    pub content: Vec<u8>,
}

/// Adds the document and notifies each member who may read it; answers its id.
pub async fn publish(
    conn: &mut Conn,
    now: i64,
    document: &NewDocument,
) -> Result<i64, sqlx::Error> {
    let id = repo::insert(conn, now, document).await?;
    let title = format!("New correspondence: {}", document.title);
    let body = format!(
        "{} dated {} is in the Correspondence Center.",
        document.correspondence_type,
        UsDate(document.document_date)
    );
    notifications::to_correspondence_readers(
        conn,
        now,
        document.organization_id,
        document.provider_id,
        &document.correspondence_type,
        Notice {
            kind: "correspondence",
            title: &title,
            body: &body,
            link: "/correspondence?view=new",
        },
    )
    .await?;
    Ok(id)
}

/// Adds the document without notifying anyone: history loaded at once (the demo, an import).
pub async fn file(conn: &mut Conn, now: i64, document: &NewDocument) -> Result<i64, sqlx::Error> {
    repo::insert(conn, now, document).await
}

pub(crate) fn head(settings: &Settings, title: String, date: Date) -> Letterhead {
    Letterhead {
        program: settings.program_name.clone(),
        date: UsDate(date).to_string(),
        title,
    }
}

fn address(p: &repo::ProviderRecord) -> Vec<String> {
    vec![
        p.name.clone(),
        p.address_line1.clone(),
        format!("{} {}", p.city, p.zip),
    ]
}

/// The provider's welcome letter for its provider community, dated `date`.
pub async fn welcome_letter(
    conn: &mut Conn,
    settings: &Settings,
    provider_id: i64,
    date: Date,
) -> Result<NewDocument, AppError> {
    let p = repo::provider(conn, provider_id).await?;
    let transactions = crate::pins::repo::transactions(conn, provider_id)
        .await?
        .into_iter()
        .map(|code| {
            let name = crate::pins::transaction_name(&code).to_string();
            (code, name)
        })
        .collect();
    let effective = settings
        .calendar
        .date_of(p.created_at)
        .map(|d| UsDate(d).to_string())
        .unwrap_or_default();
    let title = format!("Provider Welcome Letter: {} (NPI {})", p.name, p.npi);
    let content = documents::typeset(documents::WelcomeLetter {
        head: head(settings, "Provider Welcome Letter".into(), date),
        recipient: address(&p),
        npi: p.npi.clone(),
        provider: p.name.clone(),
        provider_type: provider_type(&p.kind).into(),
        effective,
        transactions,
    })
    .await?;
    Ok(NewDocument {
        organization_id: p.organization_id,
        provider_id,
        correspondence_type: "Provider Welcome Letter".into(),
        title,
        document_date: date,
        content,
    })
}

/// The remittance advice for the claims the provider billed that were paid `from`..=`to`,
/// dated `to`.
pub async fn remittance_advice(
    conn: &mut Conn,
    settings: &Settings,
    provider_id: i64,
    from: Date,
    to: Date,
) -> Result<NewDocument, AppError> {
    let p = repo::provider(conn, provider_id).await?;
    let claims = repo::paid_claims(conn, provider_id, &from.to_string(), &to.to_string()).await?;
    let billed: i64 = claims.iter().map(|c| c.billed_cents).sum();
    let paid: i64 = claims.iter().map(|c| c.paid_cents).sum();
    let checks: Vec<&str> = {
        let mut all: Vec<&str> = claims
            .iter()
            .filter_map(|c| c.check_number.as_deref())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    };
    let payment = match checks.as_slice() {
        [] => "None".to_string(),
        ["EFT"] => "Electronic funds transfer".to_string(),
        several => several
            .iter()
            .map(|c| {
                if *c == "EFT" {
                    "EFT".to_string()
                } else {
                    format!("Check {c}")
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    let lines = claims
        .iter()
        .map(|c| RemittanceLine {
            claim: c.claim_number.clone(),
            member: c.member.clone(),
            service: UsDate::show(&c.service_from),
            billed: Money(c.billed_cents).to_string(),
            allowed: Money(c.allowed_cents).to_string(),
            paid: Money(c.paid_cents).to_string(),
            status: if c.paid_cents > 0 { "Paid" } else { "Denied" }.into(),
        })
        .collect();
    let title = format!("Remittance Advice {}", UsDate(to));
    let content = documents::typeset(RemittanceAdvice {
        head: head(settings, "Remittance Advice".into(), to),
        payee: address(&p),
        npi: p.npi.clone(),
        payment,
        payment_date: format!("{} to {}", UsDate(from), UsDate(to)),
        lines,
        total_billed: Money(billed).to_string(),
        total_paid: Money(paid).to_string(),
    })
    .await?;
    Ok(NewDocument {
        organization_id: p.organization_id,
        provider_id,
        correspondence_type: "Remittance Advice".into(),
        title,
        document_date: to,
        content,
    })
}

/// Form 1099-MISC for what the plan paid the provider in `tax_year`, dated `date`.
pub async fn form_1099_misc(
    conn: &mut Conn,
    settings: &Settings,
    provider_id: i64,
    tax_year: i16,
    date: Date,
) -> Result<NewDocument, AppError> {
    let p = repo::provider(conn, provider_id).await?;
    let paid = repo::paid_total(
        conn,
        provider_id,
        &format!("{tax_year:04}-01-01"),
        &format!("{tax_year:04}-12-31"),
    )
    .await?;
    let digits: String = p.tax_id.chars().filter(char::is_ascii_digit).collect();
    let last4 = &digits[digits.len().saturating_sub(4)..];
    let title = format!("Form 1099-MISC {tax_year} (NPI {})", p.npi);
    let content = documents::typeset(Form1099Misc {
        head: head(settings, format!("Form 1099-MISC {tax_year}"), date),
        tax_year: tax_year.into(),
        payer: std::iter::once(settings.program_name.clone())
            .chain(settings.payer_address.split("; ").map(str::to_string))
            .collect(),
        payer_tin: settings.payer_tin.clone(),
        recipient_tin: format!("XX-XXX{last4}"),
        recipient: address(&p),
        account: p.npi.clone(),
        medical_payments: Money(paid).to_string(),
        withheld: Money(0).to_string(),
    })
    .await?;
    Ok(NewDocument {
        organization_id: p.organization_id,
        provider_id,
        correspondence_type: "Tax Documents".into(),
        title,
        document_date: date,
        content,
    })
}
