//! Claim disputes (guide 003, "Provider Claims Disputes", "Dispute Lookup", "Acknowledgment
//! Email Alert"). A finalized claim not paid by a delegated health network may be disputed
//! once: the "Provider Dispute Resolution Request" is a server draft (its text, then its
//! files), so a refused file or a timeout loses nothing typed; "Submit Dispute" gives it a
//! number. Files can be added while it is open. The plan acknowledges it (the office's admins
//! are emailed; one not acknowledged within 24 hours is overdue) and resolves it in writing,
//! which reaches the office as correspondence. Everything needs the Disputes module.

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod ssr;
mod view;

#[cfg(feature = "ssr")]
use crate::domain::permissions::Module;
use crate::domain::{Email, Phone};
use crate::error::{AppError, Checker};
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::{
    dialog_href, dispute_request_of, ClaimsNav, DisputeDialog, DisputeLookupPage, DisputeQueue,
    RequestResource,
};

/// Files one dispute may carry.
pub const MAX_FILES: usize = 5;
/// Hours the plan has to acknowledge a dispute before it is overdue.
pub const ACKNOWLEDGE_HOURS: i64 = 24;
/// Characters the description, the expected outcome and a resolution may have.
pub const TEXT_MAX: usize = 4_000;
/// Disputes one lookup lists at most.
pub const MAX_RESULTS: i64 = 200;

pub const STATUSES: [(&str, &str); 4] = [
    ("", "All Statuses"),
    ("submitted", "Submitted"),
    ("acknowledged", "Acknowledged"),
    ("resolved", "Resolved"),
];

pub fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(v, _)| *v == status && !v.is_empty())
        .map_or("Unknown", |(_, l)| l)
}

/// Not acknowledged within [`ACKNOWLEDGE_HOURS`] of being submitted.
pub fn overdue(submitted_at: i64, acknowledged_at: Option<i64>, now: i64) -> bool {
    acknowledged_at.is_none() && now - submitted_at > ACKNOWLEDGE_HOURS * 3_600
}

/// What the request form asks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DisputeForm {
    pub description: String,
    pub expected_outcome: String,
    pub name: String,
    pub email: String,
    pub title: String,
    pub phone: String,
    pub fax: String,
}

impl DisputeForm {
    /// Names each wrong field: the description, outcome, name, email and phone are required;
    /// the title and fax are not, but a fax must be a phone number.
    pub fn check(&self) -> Result<(), AppError> {
        let mut checker = Checker::new();
        for (field, value, label) in [
            ("description", &self.description, "Dispute Description"),
            (
                "expected_outcome",
                &self.expected_outcome,
                "Expected Outcome",
            ),
        ] {
            if value.trim().is_empty() {
                checker.add(field, format!("Enter the {label}."));
            } else if value.chars().count() > TEXT_MAX {
                checker.add(
                    field,
                    format!("The {label} has at most {TEXT_MAX} characters."),
                );
            }
        }
        if self.name.trim().is_empty() {
            checker.add("name", "Enter the contact's Name.");
        } else if self.name.chars().count() > 100 {
            checker.add("name", "The Name has at most 100 characters.");
        }
        if self.title.chars().count() > 100 {
            checker.add("title", "The Title has at most 100 characters.");
        }
        if self.email.trim().is_empty() {
            checker.add("email", "Enter the contact's Email.");
        } else {
            checker.check("email", Email::parse(&self.email));
        }
        if self.phone.trim().is_empty() {
            checker.add("phone", "Enter the contact's Phone.");
        } else {
            checker.check("phone", Phone::parse(&self.phone));
        }
        if !self.fax.trim().is_empty() {
            checker.check("fax", Phone::parse(&self.fax));
        }
        checker.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRow {
    pub id: i64,
    pub name: String,
    /// "14.2 KB".
    pub size: String,
}

/// A size as people read it.
pub fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1_024 => format!("{b} bytes"),
        b if b < 1_024 * 1_024 => format!("{:.1} KB", b as f64 / 1_024.0),
        b => format!("{:.1} MB", b as f64 / (1_024.0 * 1_024.0)),
    }
}

/// The request dialog: the claim it is about, and the draft or the dispute so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisputeStart {
    pub claim: String,
    pub provider: String,
    pub billed: String,
    pub paid: String,
    pub form: DisputeForm,
    pub files: Vec<FileRow>,
    /// The dispute's number once submitted.
    pub number: Option<String>,
    /// Files may still be added (a draft, or a dispute not yet resolved).
    pub open: bool,
}

/// A lookup, as its form (and so the address) carries it: `by` is "search" or "number". A
/// field left out is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DisputeSearch {
    pub by: String,
    pub from: String,
    pub to: String,
    pub status: String,
    pub claim: String,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisputeRow {
    pub number: String,
    pub claim: String,
    pub member: String,
    pub submitted: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisputeDetail {
    pub number: String,
    pub claim: String,
    pub member: String,
    pub status: String,
    pub submitted: String,
    pub submitted_by: String,
    pub acknowledged: String,
    pub resolved: String,
    pub description: String,
    pub expected_outcome: String,
    pub contact: Vec<(String, String)>,
    pub files: Vec<FileRow>,
    /// The resolution letter's title, when resolved.
    pub letter: Option<String>,
    pub resolution: String,
}

/// A dispute in the plan's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedDispute {
    pub id: i64,
    pub number: String,
    pub claim: String,
    pub organization: String,
    pub submitted: String,
    pub status: String,
    pub overdue: bool,
    pub description: String,
}

/// The request dialog's content for the claim.
#[server(endpoint = "disputes/start")]
pub async fn dispute_request(claim: String) -> Result<DisputeStart, AppError> {
    let member = require(Access::module(Module::Disputes)).await?;
    ssr::start(&member, &claim).await
}

/// "Continue to attachment": checks the request and keeps it as the claim's draft.
#[server(endpoint = "disputes/save")]
pub async fn save_dispute(claim: String, dispute: DisputeForm) -> Result<String, AppError> {
    let member = require(Access::module(Module::Disputes)).await?;
    ssr::save(&member, &claim, dispute).await?;
    Ok(crate::ssr::follow(&dialog_href(&claim, "attach")))
}

/// "✕": takes a file off the draft.
#[server(endpoint = "disputes/remove-file")]
pub async fn remove_dispute_file(claim: String, file: i64) -> Result<String, AppError> {
    let member = require(Access::module(Module::Disputes)).await?;
    ssr::remove_file(&member, &claim, file).await?;
    Ok(crate::ssr::follow(&dialog_href(&claim, "attach")))
}

/// "Submit Dispute": the draft becomes the claim's dispute, with its number.
#[server(endpoint = "disputes/submit")]
pub async fn submit_dispute(claim: String) -> Result<String, AppError> {
    let member = require(Access::module(Module::Disputes)).await?;
    ssr::submit(&member, &claim).await?;
    Ok(crate::ssr::follow(&dialog_href(&claim, "submitted")))
}

/// "Find Disputes".
#[server(endpoint = "disputes/search")]
pub async fn search_disputes(search: DisputeSearch) -> Result<Vec<DisputeRow>, AppError> {
    let member = require(Access::module(Module::Disputes)).await?;
    ssr::search(&member, &search).await
}

/// The dispute dialog: details, attachments, correspondence; audited.
#[server(endpoint = "disputes/detail")]
pub async fn load_dispute(number: String) -> Result<DisputeDetail, AppError> {
    let member = require(Access::module(Module::Disputes)).await?;
    ssr::detail(&member, &number).await
}

/// The plan's queue of disputes not yet resolved.
#[server(endpoint = "operator/disputes")]
pub async fn open_disputes() -> Result<Vec<QueuedDispute>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::queue(&operator).await
}

#[server(endpoint = "operator/disputes/acknowledge")]
pub async fn acknowledge_dispute(dispute_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let number = ssr::acknowledge(&operator, dispute_id).await?;
    Ok(crate::operator::outcome(
        "dispute",
        &format!("Dispute {number} was acknowledged; the office's admins were emailed."),
    ))
}

#[server(endpoint = "operator/disputes/resolve")]
pub async fn resolve_dispute(dispute_id: i64, resolution: String) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let number = ssr::resolve(&operator, dispute_id, &resolution).await?;
    Ok(crate::operator::outcome(
        "dispute",
        &format!("Dispute {number} was resolved; the letter went to the office."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dispute_is_overdue_a_day_after_it_was_submitted_unacknowledged() {
        let submitted = 1_000_000;
        let hours = |h: i64| submitted + h * 3_600;
        assert!(!overdue(submitted, None, hours(24)));
        assert!(overdue(submitted, None, hours(24) + 1));
        assert!(!overdue(submitted, Some(hours(30)), hours(48)));
    }

    #[test]
    fn the_request_names_each_missing_or_wrong_field() {
        let error = DisputeForm {
            email: "not-an-email".into(),
            fax: "12".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        for field in [
            "description",
            "expected_outcome",
            "name",
            "email",
            "phone",
            "fax",
        ] {
            assert!(!error.field_messages(field).is_empty(), "{field}");
        }
        assert!(error.field_messages("title").is_empty());
        let long = DisputeForm {
            description: "x".repeat(TEXT_MAX + 1),
            expected_outcome: "Pay the contracted rate.".into(),
            name: "Pat Lee".into(),
            email: "pat@sunrise.example".into(),
            phone: "(916) 555-0100".into(),
            ..Default::default()
        };
        assert_eq!(
            long.check().unwrap_err().field_messages("description"),
            [format!(
                "The Dispute Description has at most {TEXT_MAX} characters."
            )]
        );
        let fine = DisputeForm {
            description: "x".repeat(TEXT_MAX),
            ..long
        };
        assert!(fine.check().is_ok());
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_label(512), "512 bytes");
        assert_eq!(size_label(14_540), "14.2 KB");
        assert_eq!(size_label(25 * 1_024 * 1_024), "25.0 MB");
    }
}
