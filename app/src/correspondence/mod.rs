//! The Correspondence Center: the letters and notices the plan sends each NPI, read only
//! through the NPI they concern and the correspondence type granted for it. Search (NPI, type
//! and date range, all required), New Correspondence, Recent Searches, Provider Welcome
//! Letter, Tax Documents (after the Electronic 1099 Consent Agreement); downloads as PDF or ZIP.

#[cfg(feature = "ssr")]
pub mod downloads;
#[cfg(feature = "ssr")]
pub mod publish;
#[cfg(feature = "ssr")]
pub mod repo;
mod view;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use jiff::civil::Date;
use jiff::ToSpan;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::{CorrespondencePage, TaxConsentSection, TaxDocumentsPage, WelcomeLetterPage};

/// The kinds of correspondence; permissions are granted per NPI and type.
pub const CORRESPONDENCE_TYPES: [&str; 7] = [
    "Claim Notices",
    "Enrollment Notices",
    "PIN Letters",
    "Provider Bulletins",
    "Provider Welcome Letter",
    "Remittance Advice",
    "Tax Documents",
];

/// The "Date Range" presets: (value, label, days back from today); "custom" takes the dates.
pub const DATE_RANGES: [(&str, &str, i64); 5] = [
    ("30", "Last 30 Days", 30),
    ("90", "Last 90 Days", 90),
    ("180", "Last 6 Months", 180),
    ("365", "Last 12 Months", 365),
    ("custom", "Custom Date Range", 0),
];

/// Recent searches kept per user and organization.
pub const RECENT_SEARCHES: i64 = 10;
/// Documents one list shows at most; a search finding more says so.
pub const MAX_RESULTS: i64 = 200;

/// How provider communities (provider types) are named, by the provider's kind.
pub fn provider_type(kind: &str) -> &'static str {
    match kind {
        "group" => "Group Practice",
        "practitioner" => "Individual Practitioner",
        "facility" => "Clinic or Facility",
        _ => "Other",
    }
}

/// A document in a list: named by title and date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRow {
    pub id: i64,
    pub title: String,
    /// MM/DD/YYYY.
    pub date: String,
    pub correspondence_type: String,
    pub npi: String,
    pub provider: String,
}

/// What the search may choose from: the member's NPIs that have a type granted, and the types
/// granted, each with the NPIs it is granted for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchOptions {
    /// (NPI, provider name).
    pub npis: Vec<(String, String)>,
    pub types: Vec<String>,
}

/// One search, as the address and the recent searches carry it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Criteria {
    pub npi: String,
    pub correspondence_type: String,
    /// A [`DATE_RANGES`] value, or empty when only dates are given.
    pub range: String,
    pub start: String,
    pub end: String,
}

impl Criteria {
    /// The address that runs this search.
    pub fn href(&self) -> String {
        let mut query = form_urlencoded_pairs(&[
            ("npi", &self.npi),
            ("type", &self.correspondence_type),
            ("range", &self.range),
            ("start", &self.start),
            ("end", &self.end),
        ]);
        query.insert_str(0, "/correspondence?");
        query
    }

    /// "Last 30 Days" or "MM/DD/YYYY to MM/DD/YYYY".
    pub fn range_label(&self) -> String {
        match DATE_RANGES
            .iter()
            .find(|r| r.0 == self.range && r.0 != "custom")
        {
            Some(preset) => preset.1.to_string(),
            None => {
                let show = |d: &str| {
                    crate::domain::UsDate::parse(d)
                        .map(|d| d.to_string())
                        .unwrap_or_else(|_| d.to_string())
                };
                format!("{} to {}", show(&self.start), show(&self.end))
            }
        }
    }

    /// The days the search covers, `today` being the plan's; every missing choice is named at
    /// its field.
    pub fn dates(&self, today: Date) -> Result<(Date, Date), AppError> {
        let mut errors = crate::error::FieldErrors::new();
        let mut miss = |field: &str, message: &str| {
            errors.insert(field.to_string(), vec![message.to_string()]);
        };
        if self.npi.trim().is_empty() {
            miss("npi", "Choose an NPI.");
        }
        if self.correspondence_type.trim().is_empty() {
            miss("correspondence_type", "Choose a Correspondence Type.");
        }
        let preset = DATE_RANGES
            .iter()
            .find(|r| r.0 == self.range && r.0 != "custom");
        let dated = !self.start.trim().is_empty() || !self.end.trim().is_empty();
        let mut range = None;
        if let Some(preset) = preset {
            range = Some((today - preset.2.days(), today));
        } else if self.range.is_empty() && !dated {
            miss(
                "range",
                "Choose a Date Range, or enter a Start Date and End Date.",
            );
        } else if !self.range.is_empty() && self.range != "custom" {
            miss("range", "Choose a Date Range from the list.");
        } else {
            let day = |text: &str| crate::domain::UsDate::parse(text).map(|d| d.0);
            match (self.start.trim(), self.end.trim()) {
                ("", _) => miss("start", "Enter a Start Date."),
                (_, "") => miss("end", "Enter an End Date."),
                (start, end) => match (day(start), day(end)) {
                    (Err(e), _) => miss("start", &e.to_string()),
                    (_, Err(e)) => miss("end", &e.to_string()),
                    (Ok(from), Ok(to)) if from > to => {
                        miss("end", "The End Date must be on or after the Start Date.")
                    }
                    (Ok(from), Ok(to)) => range = Some((from, to)),
                },
            }
        }
        match range {
            Some(range) if errors.is_empty() => Ok(range),
            _ => Err(AppError::Validation(errors)),
        }
    }
}

fn form_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::ui::encode_query_value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A search's documents; `more` when there were more than [`MAX_RESULTS`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Documents {
    pub items: Vec<DocumentRow>,
    pub more: bool,
}

/// A remembered search: its criteria and how the list names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentSearch {
    pub criteria: Criteria,
    pub searched_at: String,
}

/// The provider types among the member's welcome letters, and the letters of one of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WelcomeLetters {
    /// (kind, name).
    pub types: Vec<(String, String)>,
    pub letters: Vec<DocumentRow>,
}

/// The Tax Documents page: the consent first, then the 1099s.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaxDocuments {
    pub consented: bool,
    pub documents: Vec<DocumentRow>,
}

#[server(endpoint = "correspondence/options")]
pub async fn correspondence_options() -> Result<SearchOptions, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::options(&member).await
}

/// "Search for Correspondence": one NPI, one type, a date range; remembered among the
/// user's recent searches.
#[server(endpoint = "correspondence/search")]
pub async fn search_correspondence(criteria: Criteria) -> Result<Documents, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::search(&member, criteria).await
}

/// "New Correspondence": what arrived since the user's previous sign-in.
#[server(endpoint = "correspondence/new")]
pub async fn new_correspondence() -> Result<Documents, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::arrived(&member).await
}

#[server(endpoint = "correspondence/recent")]
pub async fn recent_searches() -> Result<Vec<RecentSearch>, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::recent(&member).await
}

/// "Provider Welcome Letter": the provider types, and the letters of `provider_type`.
#[server(endpoint = "correspondence/welcome")]
pub async fn load_welcome_letters(provider_type: String) -> Result<WelcomeLetters, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::welcome(&member, &provider_type).await
}

#[server(endpoint = "tax-documents")]
pub async fn load_tax_documents() -> Result<TaxDocuments, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::tax(&member).await
}

/// Accepts the Electronic 1099 Consent Agreement ("I agree…" must be checked).
#[server(endpoint = "tax-documents/consent")]
pub async fn accept_tax_consent(agree: Option<String>) -> Result<String, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::consent(&member, agree.is_some()).await?;
    Ok(crate::ssr::follow("/tax-documents"))
}

/// Withdraws the consent (My Profile): the 1099s come by mail again.
#[server(endpoint = "tax-documents/withdraw")]
pub async fn withdraw_tax_consent() -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::withdraw(&user).await?;
    Ok(crate::ssr::follow(
        "/profile?done=tax-consent#tax-documents",
    ))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::domain::UsDate;
    use crate::ssr::guard::{Member, User};

    fn row(record: repo::DocumentRecord) -> DocumentRow {
        DocumentRow {
            id: record.id,
            date: UsDate::show(&record.document_date),
            title: record.title,
            correspondence_type: record.correspondence_type,
            npi: record.npi,
            provider: record.provider,
        }
    }

    pub(super) fn documents(mut records: Vec<repo::DocumentRecord>) -> Documents {
        let more = records.len() as i64 > MAX_RESULTS;
        records.truncate(MAX_RESULTS as usize);
        Documents {
            items: records.into_iter().map(row).collect(),
            more,
        }
    }

    pub async fn options(member: &Member) -> Result<SearchOptions, AppError> {
        let grants = repo::grants(&mut *member.state.db.conn().await?, member).await?;
        let mut options = SearchOptions::default();
        for (npi, name, kind) in grants {
            if options.npis.last().map(|n| &n.0) != Some(&npi) {
                options.npis.push((npi, name));
            }
            if !options.types.contains(&kind) {
                options.types.push(kind);
            }
        }
        options.types.sort();
        Ok(options)
    }

    pub async fn search(member: &Member, criteria: Criteria) -> Result<Documents, AppError> {
        let state = &member.state;
        let now = state.clock.unix();
        let today = state
            .settings
            .calendar
            .date_of(now)
            .ok_or(AppError::Internal)?;
        let (from, to) = criteria.dates(today)?;
        let mut conn = state.db.conn().await?;
        let granted = repo::grants(&mut conn, member).await?;
        if !granted.iter().any(|g| g.0 == criteria.npi) {
            return Err(AppError::field("npi", "Choose one of your NPIs."));
        }
        if !granted
            .iter()
            .any(|g| g.0 == criteria.npi && g.2 == criteria.correspondence_type)
        {
            return Err(AppError::field(
                "correspondence_type",
                "You may not view this type of correspondence for this NPI.",
            ));
        }
        let found = repo::search(
            &mut conn,
            member,
            &criteria.npi,
            &criteria.correspondence_type,
            &from.to_string(),
            &to.to_string(),
            MAX_RESULTS + 1,
        )
        .await?;
        repo::remember_search(
            &mut conn,
            member,
            &repo::SearchRecord {
                npi: criteria.npi,
                correspondence_type: criteria.correspondence_type,
                date_range: criteria.range,
                start_date: criteria.start,
                end_date: criteria.end,
                searched_at: now,
            },
            RECENT_SEARCHES,
        )
        .await?;
        Ok(documents(found))
    }

    pub async fn arrived(member: &Member) -> Result<Documents, AppError> {
        let mut conn = member.state.db.conn().await?;
        let since = repo::previous_sign_in(&mut conn, member.user_id).await?;
        let found = repo::arrived_since(&mut conn, member, since, MAX_RESULTS + 1).await?;
        Ok(documents(found))
    }

    pub async fn recent(member: &Member) -> Result<Vec<RecentSearch>, AppError> {
        let cal = &member.state.settings.calendar;
        let found = repo::recent_searches(&mut *member.state.db.conn().await?, member).await?;
        Ok(found
            .into_iter()
            .map(|s| RecentSearch {
                searched_at: cal.format_date_time(s.searched_at),
                criteria: Criteria {
                    npi: s.npi,
                    correspondence_type: s.correspondence_type,
                    range: s.date_range,
                    start: s.start_date,
                    end: s.end_date,
                },
            })
            .collect())
    }

    pub async fn welcome(member: &Member, provider_type: &str) -> Result<WelcomeLetters, AppError> {
        const TYPE: &str = "Provider Welcome Letter";
        let mut conn = member.state.db.conn().await?;
        let kinds = repo::provider_kinds(&mut conn, member, TYPE).await?;
        let letters = if kinds.iter().any(|k| k == provider_type) {
            repo::of_type(&mut conn, member, TYPE, Some(provider_type), MAX_RESULTS)
                .await?
                .into_iter()
                .map(row)
                .collect()
        } else {
            Vec::new()
        };
        Ok(WelcomeLetters {
            types: kinds
                .into_iter()
                .map(|k| {
                    let name = super::provider_type(&k).to_string();
                    (k, name)
                })
                .collect(),
            letters,
        })
    }

    pub async fn tax(member: &Member) -> Result<TaxDocuments, AppError> {
        let mut conn = member.state.db.conn().await?;
        if repo::tax_consent(&mut conn, member.user_id)
            .await?
            .is_none()
        {
            return Ok(TaxDocuments::default());
        }
        let found = repo::of_type(&mut conn, member, "Tax Documents", None, MAX_RESULTS).await?;
        Ok(TaxDocuments {
            consented: true,
            documents: found.into_iter().map(row).collect(),
        })
    }

    pub async fn consent(member: &Member, agreed: bool) -> Result<(), AppError> {
        if !agreed {
            return Err(AppError::field(
                "agree",
                "Check \"I agree to receive my 1099 electronically\" to continue.",
            ));
        }
        let state = &member.state;
        let mut tx = state.db.begin().await?;
        if repo::tax_consent(&mut tx, member.user_id).await?.is_none() {
            repo::set_tax_consent(&mut tx, member.user_id, Some(state.clock.unix())).await?;
            member
                .audit("tax_consent.accept", format!("user:{}", member.user_id))
                .record_in(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn withdraw(user: &User) -> Result<(), AppError> {
        let mut tx = user.state.db.begin().await?;
        if repo::tax_consent(&mut tx, user.user_id).await?.is_some() {
            repo::set_tax_consent(&mut tx, user.user_id, None).await?;
            user.audit("tax_consent.withdraw", format!("user:{}", user.user_id))
                .record_in(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria(range: &str, start: &str, end: &str) -> Criteria {
        Criteria {
            npi: "1234567893".into(),
            correspondence_type: "Remittance Advice".into(),
            range: range.into(),
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn presets_count_back_from_the_plan_day() {
        let today = jiff::civil::date(2026, 11, 29);
        let days = |range| criteria(range, "", "").dates(today).unwrap();
        assert_eq!(days("30"), (jiff::civil::date(2026, 10, 30), today));
        assert_eq!(days("90"), (jiff::civil::date(2026, 8, 31), today));
        assert_eq!(days("180"), (jiff::civil::date(2026, 6, 2), today));
        assert_eq!(days("365"), (jiff::civil::date(2025, 11, 29), today));
    }

    #[test]
    fn every_missing_choice_is_named_at_its_field() {
        let today = jiff::civil::date(2026, 11, 29);
        let error = Criteria::default().dates(today).unwrap_err();
        assert_eq!(error.field_messages("npi"), ["Choose an NPI."]);
        assert_eq!(
            error.field_messages("correspondence_type"),
            ["Choose a Correspondence Type."]
        );
        assert_eq!(
            error.field_messages("range"),
            ["Choose a Date Range, or enter a Start Date and End Date."]
        );
        let custom = criteria("custom", "2026-11-01", "")
            .dates(today)
            .unwrap_err();
        assert_eq!(custom.field_messages("end"), ["Enter an End Date."]);
        let backwards = criteria("custom", "2026-11-02", "2026-11-01")
            .dates(today)
            .unwrap_err();
        assert_eq!(
            backwards.field_messages("end"),
            ["The End Date must be on or after the Start Date."]
        );
        assert_eq!(
            criteria("", "11/01/2026", "11/15/2026")
                .dates(today)
                .unwrap(),
            (
                jiff::civil::date(2026, 11, 1),
                jiff::civil::date(2026, 11, 15)
            )
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_list_shows_at_most_max_results_and_says_when_there_were_more() {
        let records = |n: i64| {
            (0..n)
                .map(|id| repo::DocumentRecord {
                    id,
                    title: format!("Remittance Advice {id}"),
                    document_date: "2026-11-15".into(),
                    correspondence_type: "Remittance Advice".into(),
                    npi: "1234567893".into(),
                    provider: "Sunrise Family Clinic".into(),
                })
                .collect::<Vec<_>>()
        };
        let all = ssr::documents(records(MAX_RESULTS));
        assert_eq!((all.items.len() as i64, all.more), (MAX_RESULTS, false));
        assert_eq!(all.items[0].date, "11/15/2026");
        let cut = ssr::documents(records(MAX_RESULTS + 1));
        assert_eq!((cut.items.len() as i64, cut.more), (MAX_RESULTS, true));
    }

    #[test]
    fn a_search_round_trips_through_its_address() {
        let c = criteria("custom", "2026-11-01", "2026-11-15");
        assert_eq!(
            c.href(),
            "/correspondence?npi=1234567893&type=Remittance+Advice&range=custom&start=2026-11-01&end=2026-11-15"
        );
        assert_eq!(c.range_label(), "11/01/2026 to 11/15/2026");
        assert_eq!(criteria("90", "", "").range_label(), "Last 90 Days");
    }
}
