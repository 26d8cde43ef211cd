//! Referrals, the plan's prior authorizations (guide 002, VIII–X; guide 003, "Referral
//! Enhancements"). The office looks up its referrals and reads each one; "Submit a Referral"
//! is a six-step wizard on one server draft; the plan decides each request on the CMS-0057-F
//! clocks from its console; and the yearly figures are public at
//! `/metrics/prior-authorization`. Lookup and detail need "Referrals — view", the wizard
//! "Referrals — submit".

pub mod metrics;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod ssr;
mod view;
mod wizard;

#[cfg(feature = "ssr")]
use crate::domain::permissions::Module;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::disputes::FileRow;
pub use metrics::MetricsPage;
pub use view::{ReferralPage, ReferralQueue, ReferralsPage};
pub use wizard::SubmitReferralPage;

/// Files a referral may carry (guide 002, section 5).
pub const MAX_FILES: usize = 3;
/// Referrals one lookup page lists.
pub const PAGE_SIZE: i64 = 25;
/// Characters the clinical indications and a justification may have.
pub const TEXT_MAX: usize = 4_000;
/// ICD-10-CM codes one "Find an ICD Code" answers at most.
pub const ICD_MATCHES: usize = 20;

pub const STEPS: &[&str] = &[
    "About the Referral",
    "Referring Provider Info",
    "Referred To Provider Info",
    "Medical Info",
    "Clinical Attachments",
    "Review",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Medical,
    Behavioral,
}

impl Kind {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "medical" => Some(Kind::Medical),
            "behavioral" => Some(Kind::Behavioral),
            _ => None,
        }
    }
    pub fn value(self) -> &'static str {
        match self {
            Kind::Medical => "medical",
            Kind::Behavioral => "behavioral",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Medical => "Medical",
            Kind::Behavioral => "Behavioral Health",
        }
    }
}

pub const STATUSES: [(&str, &str); 6] = [
    ("", "All Statuses"),
    ("denied", "Denied"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("modified", "Modified"),
    ("void", "Void"),
];

pub fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(v, _)| *v == status && !v.is_empty())
        .map_or("Unknown", |(_, l)| l)
}

/// The reasons a denial names (CMS-0057-F asks for a specific reason), with the text the
/// plan adds.
pub const DENIAL_REASONS: [(&str, &str); 6] = [
    ("not_medically_necessary", "Not medically necessary"),
    ("not_covered", "Not a covered benefit"),
    ("missing_information", "Missing clinical information"),
    ("out_of_network", "Available in network"),
    ("not_eligible", "Member not eligible on the date of service"),
    ("duplicate", "Duplicate request"),
];

pub fn denial_label(reason: &str) -> &'static str {
    DENIAL_REASONS
        .iter()
        .find(|(v, _)| *v == reason)
        .map_or("Other", |(_, l)| l)
}

/// A lookup as its form (and so the address) carries it: `by` is "date" or "code";
/// `date_type` "service" or "request"; `after` the page's keyset cursor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralSearch {
    pub by: String,
    pub from: String,
    pub to: String,
    pub date_type: String,
    pub status: String,
    pub cin: String,
    pub number: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralRow {
    pub code: String,
    pub status: String,
    pub member: String,
    pub lob: String,
    pub referred_to: String,
    pub requested: String,
}

/// An unfinished referral of the user's: "Resume draft …".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftLink {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReferralResults {
    pub rows: Vec<ReferralRow>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDetail {
    pub service: String,
    pub description: String,
    pub modifiers: String,
    pub status: String,
    pub decision: String,
    pub duration: String,
    pub units: String,
    pub approved_units: String,
    pub decision_description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralDetail {
    pub code: String,
    pub status: String,
    /// When the plan decides by, while it has not.
    pub due: Option<String>,
    /// Facts shown above the tabs (type, priority, dates, deadline, redirect).
    pub summary: Vec<(String, String)>,
    pub clinical_indications: String,
    pub services: Vec<ServiceDetail>,
    pub member: Vec<(String, String)>,
    pub network: Vec<(String, String)>,
    pub contact: Vec<(String, String)>,
    pub referring: Vec<(String, String)>,
    pub referred_to: Vec<(String, String)>,
    pub diagnoses: Vec<(String, String)>,
    pub files: Vec<FileRow>,
}

/// A request in the plan's queue, most urgent first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedReferral {
    pub id: i64,
    pub code: String,
    pub organization: String,
    pub priority: String,
    pub submitted: String,
    pub due: String,
    pub time_left: String,
    pub overdue: bool,
    pub extended: Option<String>,
    pub services: String,
    pub requested_units: i64,
}

/// "Find Referrals": a page of the organization's referrals.
#[server(endpoint = "referrals/search")]
pub async fn search_referrals(search: ReferralSearch) -> Result<ReferralResults, AppError> {
    let member = require(Access::module(Module::ReferralsView)).await?;
    ssr::search(&member, &search).await
}

/// The user's unfinished referrals in this organization.
#[server(endpoint = "referrals/drafts")]
pub async fn referral_drafts() -> Result<Vec<DraftLink>, AppError> {
    let member = require(Access::module(Module::ReferralsSubmit)).await?;
    ssr::draft_links(&member).await
}

/// The referral with this code, if it is the organization's; audited.
#[server(endpoint = "referrals/detail")]
pub async fn load_referral(code: String) -> Result<ReferralDetail, AppError> {
    let member = require(Access::module(Module::ReferralsView)).await?;
    ssr::detail(&member, &code).await
}

/// The plan's open requests, by time left.
#[server(endpoint = "operator/referrals")]
pub async fn referral_queue() -> Result<Vec<QueuedReferral>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::queue(&operator).await
}

/// A decision on a pending request: `decision` is "approved", "modified" (with the approved
/// units), "denied" (with a reason from [`DENIAL_REASONS`] and its text) or "void".
#[server(endpoint = "operator/referrals/decide")]
pub async fn decide_referral(
    referral_id: i64,
    decision: String,
    #[server(default)] approved_units: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let said = ssr::decide(
        &operator,
        referral_id,
        &ssr::Decision {
            decision: &decision,
            approved_units: &approved_units,
            reason: &reason,
            note: &note,
        },
    )
    .await?;
    Ok(crate::operator::outcome("referral", &said))
}

/// An appeal upheld: a denied request is approved after all, and counts as approved after
/// appeal in the public metrics.
#[server(endpoint = "operator/referrals/appeal")]
pub async fn approve_on_appeal(code: String, note: String) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let said = ssr::approve_on_appeal(&operator, &code, &note).await?;
    Ok(crate::operator::outcome("referral", &said))
}

/// Extends a request's deadline (once, by the standard 14 days CMS-0057-F allows), with its
/// reason.
#[server(endpoint = "operator/referrals/extend")]
pub async fn extend_referral(referral_id: i64, reason: String) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let said = ssr::extend(&operator, referral_id, &reason).await?;
    Ok(crate::operator::outcome("referral", &said))
}

/// Every field a wizard step posts (each step sends its own; the rest stay empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub kind: String,
    pub member_id: String,
    pub last_name: String,
    pub first_name: String,
    pub date_of_birth: String,
    pub city: String,
    /// The chosen member's CIN.
    pub member: String,
    pub referring: String,
    pub provider_query: String,
    pub provider: String,
    pub redirect: String,
    pub justification: String,
    pub priority: String,
    pub request_date: String,
    pub place_of_service: String,
    pub service: String,
    pub modifier: String,
    pub units: String,
    pub answer: String,
    pub icd_query: String,
    pub icd: String,
    pub clinical_indications: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub cin: String,
    pub name: String,
    pub born: String,
    pub city: String,
    pub network: String,
    pub eligibility: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderChoice {
    pub id: i64,
    pub name: String,
    pub npi: String,
    pub specialty: String,
    pub address: String,
    pub city: String,
    pub phone: String,
    pub tertiary: bool,
    /// "Far away (212 miles)", "Not accepting new patients".
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogOption {
    pub code: String,
    pub label: String,
    /// Codes that need no referral are shown greyed and cannot be chosen.
    pub selectable: bool,
    pub modifiers: String,
    pub question: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLine {
    pub code: String,
    pub description: String,
    pub modifier: String,
    pub units: i64,
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewSection {
    pub title: String,
    pub step: usize,
    pub facts: Vec<(String, String)>,
}

/// The wizard as the server holds it: the step it is on and everything typed so far, with
/// what the step shows (search results, choices, the code lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralWizard {
    /// Empty until the first step is posted.
    pub draft: String,
    pub step: usize,
    pub notice: Option<String>,
    pub form: StepForm,
    /// Today, as the Request Date defaults to (YYYY-MM-DD).
    pub today: String,
    pub member: Option<MemberChoice>,
    pub members: Vec<MemberChoice>,
    pub referring: Vec<ProviderChoice>,
    pub providers: Vec<ProviderChoice>,
    pub chosen: Option<ProviderChoice>,
    pub tertiary_dialog: bool,
    pub catalog: Vec<CatalogOption>,
    pub places: Vec<(String, String)>,
    pub services: Vec<ServiceLine>,
    pub icd_matches: Vec<(String, String)>,
    pub diagnoses: Vec<(String, String)>,
    pub files: Vec<FileRow>,
    pub review: Vec<ReviewSection>,
}

/// The wizard at the draft's step (`draft` empty: a new referral).
#[server(endpoint = "referrals/wizard")]
pub async fn load_referral_wizard(draft: String) -> Result<ReferralWizard, AppError> {
    let member = require(Access::module(Module::ReferralsSubmit)).await?;
    ssr::wizard(&member, &draft).await
}

/// A step's form: `to` says what was pressed ("next", "back", "search-id", "add-service",
/// "edit-2", "submit" …). Saves the draft and answers the address to show next.
#[server(endpoint = "referrals/step")]
pub async fn referral_step(
    #[server(default)] draft: String,
    to: String,
    #[server(default)] form: StepForm,
    // The step the form was shown on: a press from a page the draft has moved on from
    // (another window, or a press that crossed another) changes nothing.
    #[server(default)] on: Option<usize>,
) -> Result<String, AppError> {
    let member = require(Access::module(Module::ReferralsSubmit)).await?;
    let to = ssr::step(&member, &draft, &to, on, form).await?;
    Ok(crate::ssr::follow(&to))
}

/// "Find an ICD Code": ICD-10-CM codes by code or by words.
#[server(endpoint = "referrals/icd")]
pub async fn find_icd_codes(words: String) -> Result<Vec<(String, String)>, AppError> {
    require(Access::module(Module::ReferralsSubmit)).await?;
    Ok(crate::ssr::code_lists::find_icd(&words, ICD_MATCHES))
}

/// The address of a draft's wizard.
pub fn wizard_href(draft: &str) -> String {
    format!(
        "/referrals/new?draft={}",
        crate::ui::encode_query_value(draft)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_reasons_read_as_the_guide_names_them() {
        assert_eq!(status_label("modified"), "Modified");
        assert_eq!(status_label(""), "Unknown");
        assert_eq!(STATUSES.len(), 6);
        assert_eq!(denial_label("not_covered"), "Not a covered benefit");
        assert_eq!(Kind::parse("behavioral"), Some(Kind::Behavioral));
        assert_eq!(Kind::Behavioral.label(), "Behavioral Health");
    }
}
