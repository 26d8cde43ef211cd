//! Members (guide 002 §V): "Member Lookup" by member ID (CIN, MEDS ID or MBI) or by name with
//! date of birth or city, and the "Member Facesheet". Only members associated with the
//! caller's organization (its providers are their PCP, or it is their health network) are
//! found; any other is "not found", exactly like one who does not exist. Each facesheet tab
//! needs its module, and every facesheet view is audited as a view of health information.

#[cfg(feature = "ssr")]
pub mod repo;
mod view;

#[cfg(feature = "ssr")]
use crate::domain::permissions::Module;
use crate::domain::{check_names, MemberId, UsDate, Whose};
use crate::error::{AppError, Checker};
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use jiff::civil::Date;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::{FacesheetPage, MembersPage};

/// Members one lookup lists at most; a lookup finding more asks to narrow it.
pub const MAX_RESULTS: i64 = 50;
/// How far back the facesheet's histories (claims, referrals, conditions, labs, medications)
/// reach, in years.
pub const HISTORY_YEARS: i16 = 2;

/// The first day of the facesheet's histories, `today` being the plan's.
pub fn history_start(today: Date) -> Date {
    today
        .checked_sub(jiff::Span::new().years(HISTORY_YEARS))
        .unwrap_or(today)
}

/// A lookup as the form (and so the address) carries it: `by` is "id" or "name". A field
/// left out is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemberSearch {
    pub by: String,
    pub member_id: String,
    pub last_name: String,
    pub first_name: String,
    pub date_of_birth: String,
    pub city: String,
}

/// A checked lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Id(MemberId),
    Name {
        last: String,
        first: String,
        born: Option<Date>,
        city: Option<String>,
    },
}

impl MemberSearch {
    pub fn check(&self) -> Result<Lookup, AppError> {
        let mut checker = Checker::new();
        if self.by != "name" {
            if self.member_id.trim().is_empty() {
                return Err(AppError::field("member_id", "Enter a Member ID."));
            }
            return MemberId::parse(&self.member_id)
                .map(Lookup::Id)
                .map_err(|e| AppError::field("member_id", e.to_string()));
        }
        let (last, first) = (self.last_name.trim(), self.first_name.trim());
        check_names(&mut checker, first, last, Whose::Someone);
        let born = if self.date_of_birth.trim().is_empty() {
            None
        } else {
            checker
                .check("date_of_birth", UsDate::parse(&self.date_of_birth))
                .map(|d| d.0)
        };
        let city = Some(self.city.trim()).filter(|c| !c.is_empty());
        if self.date_of_birth.trim().is_empty() && city.is_none() {
            checker.add(
                "date_of_birth",
                "Enter the Date of Birth or the City with the name.",
            );
        }
        checker.finish()?;
        Ok(Lookup::Name {
            last: last.to_string(),
            first: first.to_string(),
            born,
            city: city.map(str::to_string),
        })
    }
}

/// Eligibility as the lookup and facesheet show it.
pub fn eligibility_label(eligible: bool, share_of_cost_cents: i64) -> &'static str {
    match (eligible, share_of_cost_cents > 0) {
        (false, _) => "Not Eligible",
        (true, true) => "Share of Cost",
        (true, false) => "Eligible",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    pub cin: String,
    pub name: String,
    /// MM/DD/YYYY.
    pub date_of_birth: String,
    pub city: String,
    pub lob: String,
    /// "Eligible", "Share of Cost" or "Not Eligible".
    pub eligibility: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Members {
    pub items: Vec<MemberRow>,
    /// More matched than [`MAX_RESULTS`].
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EligibilitySpan {
    pub start: String,
    pub end: String,
    pub lob: String,
    pub health_network: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub code: String,
    pub description: String,
    pub first_seen: String,
    pub last_seen: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimHistoryRow {
    pub number: String,
    pub service_date: String,
    pub provider: String,
    pub status: String,
    pub billed: String,
    pub paid: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferralRow {
    pub code: String,
    pub request_date: String,
    pub status: String,
    pub referred_to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabRow {
    pub collected: String,
    pub test: String,
    pub loinc: String,
    pub result: String,
    pub reference_range: String,
    pub flag: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MedicationRow {
    pub filled: String,
    pub drug: String,
    pub quantity: String,
    pub days_supply: String,
    pub prescriber: String,
}

/// The "Member Facesheet": the member, then one list per tab; a tab's list is `None` when
/// the user lacks its module (the tab is not shown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facesheet {
    pub cin: String,
    pub name: String,
    pub date_of_birth: String,
    pub gender: String,
    pub language: String,
    pub address: String,
    pub phone: String,
    pub eligibility_status: String,
    pub lob: String,
    pub health_network: String,
    pub pcp: String,
    /// MM/DD/YYYY the histories start.
    pub history_from: String,
    pub eligibility: Vec<EligibilitySpan>,
    pub conditions: Vec<Condition>,
    pub claims: Option<Vec<ClaimHistoryRow>>,
    pub referrals: Option<Vec<ReferralRow>>,
    pub labs: Vec<LabRow>,
    pub medications: Vec<MedicationRow>,
}

/// "Search": the associated members matching the lookup.
#[server(endpoint = "members/search")]
pub async fn search_members(search: MemberSearch) -> Result<Members, AppError> {
    let member = require(Access::module(Module::Eligibility)).await?;
    ssr::search(&member, &search).await
}

/// "View Facesheet": the member with this CIN, if associated with the organization; audited.
#[server(endpoint = "members/facesheet")]
pub async fn load_facesheet(cin: String) -> Result<Facesheet, AppError> {
    let member = require(Access::module(Module::Eligibility)).await?;
    ssr::facesheet(&member, &cin).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::{Cin, Money};
    use crate::ssr::guard::Member;

    fn today(member: &Member) -> Result<Date, AppError> {
        let state = &member.state;
        state
            .settings
            .calendar
            .date_of(state.clock.unix())
            .ok_or(AppError::Internal)
    }

    pub async fn search(member: &Member, search: &MemberSearch) -> Result<Members, AppError> {
        let lookup = search.check()?;
        let today = today(member)?.to_string();
        let mut conn = member.state.db.conn().await?;
        let mut found = repo::search(&mut conn, member, &lookup, MAX_RESULTS + 1).await?;
        let more = found.len() as i64 > MAX_RESULTS;
        found.truncate(MAX_RESULTS as usize);
        Ok(Members {
            more,
            items: found
                .into_iter()
                .map(|m| MemberRow {
                    eligibility: eligibility_label(m.eligible_on(&today), m.share_of_cost_cents)
                        .to_string(),
                    name: format!("{} {}", m.first_name, m.last_name),
                    date_of_birth: UsDate::show(&m.date_of_birth),
                    city: m.city,
                    lob: m.line_of_business,
                    cin: m.cin,
                })
                .collect(),
        })
    }

    pub async fn facesheet(member: &Member, cin: &str) -> Result<Facesheet, AppError> {
        let cin = Cin::parse(cin).map_err(|_| AppError::NotFound)?;
        let today = today(member)?;
        let from = history_start(today).to_string();
        let mut conn = member.state.db.conn().await?;
        let m = repo::associated(&mut conn, member, cin.as_str())
            .await?
            .ok_or(AppError::NotFound)?;
        let modules = &member.org.modules;
        let claims = if modules.contains(&Module::Claims) {
            Some(
                repo::claims(&mut conn, member, m.id, &from)
                    .await?
                    .into_iter()
                    .map(|c| ClaimHistoryRow {
                        number: c.claim_number,
                        service_date: UsDate::show(&c.service_from),
                        provider: c.provider,
                        status: crate::claims::status_label(&c.status).to_string(),
                        billed: Money(c.billed_cents).to_string(),
                        paid: Money(c.paid_cents).to_string(),
                    })
                    .collect(),
            )
        } else {
            None
        };
        let referrals = if modules.contains(&Module::ReferralsView) {
            Some(
                repo::referrals(&mut conn, member, m.id, &from)
                    .await?
                    .into_iter()
                    .map(|r| ReferralRow {
                        code: r.code,
                        request_date: UsDate::show(&r.request_date),
                        status: capitalized(&r.status),
                        referred_to: r.referred_to,
                    })
                    .collect(),
            )
        } else {
            None
        };
        let eligibility = repo::spans(&mut conn, m.id)
            .await?
            .into_iter()
            .map(|s| EligibilitySpan {
                start: UsDate::show(&s.starts_on),
                end: s
                    .ends_on
                    .as_deref()
                    .map(UsDate::show)
                    .unwrap_or_else(|| "Current".into()),
                lob: s.line_of_business,
                health_network: s
                    .health_network
                    .unwrap_or_else(|| "Direct (no health network)".into()),
            })
            .collect();
        let conditions = repo::conditions(&mut conn, m.id, &from)
            .await?
            .into_iter()
            .map(|(code, description, first, last)| Condition {
                code,
                description,
                first_seen: UsDate::show(&first),
                last_seen: UsDate::show(&last),
            })
            .collect();
        let labs = repo::labs(&mut conn, m.id, &from)
            .await?
            .into_iter()
            .map(|l| LabRow {
                collected: UsDate::show(&l.collected_on),
                test: l.test,
                loinc: l.loinc,
                result: format!("{} {}", l.result, l.units),
                reference_range: l.reference_range,
                flag: l.flag.unwrap_or_default(),
            })
            .collect();
        let medications = repo::medications(&mut conn, m.id, &from)
            .await?
            .into_iter()
            .map(|r| MedicationRow {
                filled: UsDate::show(&r.filled_on),
                drug: r.drug,
                quantity: r.quantity.to_string(),
                days_supply: r.days_supply.to_string(),
                prescriber: r.prescriber,
            })
            .collect();
        let pcp = repo::pcp(&mut conn, m.id).await?;
        drop(conn);
        member
            .audit("member.view", format!("member:{}", m.id))
            .detail("Member Facesheet")
            .record(&member.state.db)
            .await?;
        let eligible = m.eligible_on(&today.to_string());
        Ok(Facesheet {
            name: format!("{} {}", m.first_name, m.last_name),
            date_of_birth: UsDate::show(&m.date_of_birth),
            gender: match m.gender.as_str() {
                "F" => "Female",
                "M" => "Male",
                _ => "Unknown",
            }
            .into(),
            language: m.language.clone(),
            address: format!("{}, {}, CA {}", m.address_line1, m.city, m.zip),
            phone: m.phone.clone().unwrap_or_default(),
            eligibility_status: eligibility_label(eligible, m.share_of_cost_cents).into(),
            lob: m.line_of_business.clone(),
            health_network: m
                .health_network
                .clone()
                .unwrap_or_else(|| "Direct (no health network)".into()),
            pcp: pcp.unwrap_or_default(),
            history_from: UsDate(history_start(today)).to_string(),
            eligibility,
            conditions,
            claims,
            referrals,
            labs,
            medications,
            cin: m.cin,
        })
    }

    fn capitalized(word: &str) -> String {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_reach_two_years_back() {
        assert_eq!(
            history_start(jiff::civil::date(2026, 11, 30)),
            jiff::civil::date(2024, 11, 30)
        );
        // A leap day goes back to the last day of February.
        assert_eq!(
            history_start(jiff::civil::date(2028, 2, 29)),
            jiff::civil::date(2026, 2, 28)
        );
    }

    #[test]
    fn a_name_lookup_needs_both_names_and_a_birth_date_or_city() {
        let name = |last: &str, first: &str, born: &str, city: &str| MemberSearch {
            by: "name".into(),
            last_name: last.into(),
            first_name: first.into(),
            date_of_birth: born.into(),
            city: city.into(),
            ..Default::default()
        };
        let error = name("", "", "", "").check().unwrap_err();
        for field in ["last_name", "first_name", "date_of_birth"] {
            assert!(!error.field_messages(field).is_empty(), "{field}");
        }
        assert!(name("Lee", "Ann", "02/30/1990", "").check().is_err());
        assert_eq!(
            name(" Lee ", "Ann", "", " Elk Grove ").check().unwrap(),
            Lookup::Name {
                last: "Lee".into(),
                first: "Ann".into(),
                born: None,
                city: Some("Elk Grove".into()),
            }
        );
        let by_id = MemberSearch {
            by: "id".into(),
            member_id: "9000 0001-b".into(),
            ..Default::default()
        };
        assert!(matches!(
            by_id.check().unwrap(),
            Lookup::Id(MemberId::Cin(_))
        ));
        let empty = MemberSearch::default().check().unwrap_err();
        assert_eq!(empty.field_messages("member_id"), ["Enter a Member ID."]);
    }

    #[test]
    fn eligibility_shows_share_of_cost() {
        assert_eq!(eligibility_label(true, 0), "Eligible");
        assert_eq!(eligibility_label(true, 1), "Share of Cost");
        assert_eq!(eligibility_label(false, 5_000), "Not Eligible");
    }
}
