//! The organization's registration letter: proof, for its Org Admins, that the office is
//! registered with the plan and which NPIs it registered.

use super::repo;
use crate::error::AppError;
use crate::ssr::documents::{self, Letter, Letterhead};
use crate::ssr::files::attachment;
use crate::ssr::guard::Admin;
use axum::response::Response;

pub const FILE_NAME: &str = "registration-letter.pdf";

pub async fn registration_letter(admin: Admin) -> Result<Response, AppError> {
    let org = repo::registration(&admin).await?;
    let registered_at = org.registered_at.ok_or(AppError::NotFound)?;
    let npis = repo::npis(&mut *admin.state.db.conn().await?, admin.organization_id()).await?;
    let settings = &admin.state.settings;
    let tin_last4: String = org
        .tax_id
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let pdf = documents::typeset(Letter {
        head: Letterhead {
            program: settings.program_name.clone(),
            date: settings.calendar.format_date(admin.state.clock.unix()),
            title: format!("{} Provider Portal Registration", settings.program_name),
        },
        recipient: vec![
            org.name.clone(),
            org.address_line1.clone(),
            format!("{}, {} {}", org.city, org.state, org.pay_to_zip),
        ],
        paragraphs: vec![
            format!(
                "This letter confirms that {} (tax ID ending {tin_last4}) is registered with the {} Provider Portal since {}.",
                org.name,
                settings.program_name,
                settings.calendar.format_date(registered_at),
            ),
            "Its Organization Administrators manage who in the office may use the portal. The NPIs registered are:".into(),
        ],
        items: npis.iter().map(|n| format!("NPI {}: {}", n.npi, n.name)).collect(),
        closing: vec![format!(
            "Issued to {} ({}).",
            admin.full_name(),
            admin.email
        )],
    })
    .await?;
    admin
        .audit(
            "download",
            format!("organization:{}", admin.organization_id()),
        )
        .org(admin.organization_id())
        .detail(FILE_NAME)
        .record(&admin.state.db)
        .await?;
    Ok(attachment(FILE_NAME, "application/pdf", pdf))
}
