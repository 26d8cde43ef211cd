//! "Transactions Center": choose an NPI the user holds, then "Go to Transaction Services":
//! eligibility (270/271) and claim status (276/277) inquiries for that NPI, answered from the
//! plan's members and claims and shown both readably and as the X12 response would carry them.

#[cfg(feature = "ssr")]
mod repo;
mod view;
#[cfg(feature = "ssr")]
pub mod x12;

#[cfg(feature = "ssr")]
use crate::domain::permissions::NpiLevel;
use crate::domain::{Cin, UsDate};
use crate::error::{AppError, Checker};
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::TransactionsPage;

/// The transaction sets Transaction Services answers: (code, service).
pub const ELIGIBILITY: &str = "270/271";
pub const CLAIM_STATUS: &str = "276/277";
/// Claims one claim status answer lists at most.
pub const MAX_CLAIMS: i64 = 50;

/// The NPI chosen, and which inquiries it is enrolled for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Services {
    pub npi: String,
    pub name: String,
    pub eligibility: bool,
    pub claim_status: bool,
}

/// A 270: the member and the day care is given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EligibilityInquiry {
    pub cin: String,
    pub birth_date: String,
    /// Empty: today.
    #[serde(default)]
    pub service_date: String,
}

/// A 271, readable and as X12.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EligibilityAnswer {
    pub benefits: Option<Benefits>,
    /// Why no benefits are reported (the 271's AAA reject reason).
    pub rejected: Option<String>,
    pub x12: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Benefits {
    pub member: String,
    pub cin: String,
    pub birth_date: String,
    pub service_date: String,
    /// "Active Coverage" (EB01 1) or "Inactive" (EB01 6).
    pub coverage: String,
    pub active: bool,
    pub plan: String,
    pub health_network: Option<String>,
    pub primary_care: Option<String>,
    /// "MM/DD/YYYY – MM/DD/YYYY" or "from MM/DD/YYYY".
    pub eligibility_dates: String,
}

/// A 276: one claim by its number, or a member's claims in a span of service dates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusInquiry {
    #[serde(default)]
    pub claim: String,
    #[serde(default)]
    pub cin: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A 277, readable and as X12.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusAnswer {
    pub claims: Vec<ClaimStatus>,
    pub x12: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimStatus {
    pub claim_number: String,
    pub member: String,
    pub service: String,
    pub billed: String,
    pub paid: String,
    /// The STC01 pair, e.g. "F1:65".
    pub code: String,
    pub status: String,
    pub paid_on: Option<String>,
    pub check_number: Option<String>,
}

/// The claim status category and status codes (X12 507 and 508) for a claim's state.
pub fn status_codes(status: &str, paid_cents: i64) -> (&'static str, &'static str, &'static str) {
    match (status, paid_cents) {
        ("in_progress", _) => ("P1", "20", "Pending/In Process: accepted for processing"),
        ("check_pending", _) => ("F1", "65", "Finalized/Payment: paid, the check is pending"),
        ("original", _) => ("F3", "3", "Finalized/Revised: adjusted by a later claim"),
        (_, 0) => ("F2", "88", "Finalized/Denial: not paid"),
        _ => ("F1", "65", "Finalized/Payment: the claim has been paid"),
    }
}

impl EligibilityInquiry {
    /// The CIN and the two dates, `today` for an empty service date; each wrong field named.
    pub fn check(&self, today: jiff::civil::Date) -> Result<(Cin, UsDate, UsDate), AppError> {
        let mut check = Checker::new();
        let cin = if self.cin.trim().is_empty() {
            check.add("cin", "Enter the Member ID.");
            None
        } else {
            check.check("cin", Cin::parse(&self.cin))
        };
        let birth = if self.birth_date.trim().is_empty() {
            check.add("birth_date", "Enter the member's Date of Birth.");
            None
        } else {
            check.check("birth_date", UsDate::parse(&self.birth_date))
        };
        let service = if self.service_date.trim().is_empty() {
            Some(UsDate(today))
        } else {
            check.check("service_date", UsDate::parse(&self.service_date))
        };
        check.finish()?;
        match (cin, birth, service) {
            (Some(c), Some(b), Some(s)) => Ok((c, b, s)),
            _ => Err(AppError::Internal),
        }
    }
}

/// What a claim status inquiry asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusQuery {
    Claim(String),
    Member { cin: Cin, from: UsDate, to: UsDate },
}

impl StatusInquiry {
    pub fn check(&self) -> Result<StatusQuery, AppError> {
        let claim = self.claim.trim();
        if !claim.is_empty() {
            if claim.len() > 30 || !claim.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(AppError::field(
                    "claim",
                    "A Claim Number has letters, digits and dashes only.",
                ));
            }
            return Ok(StatusQuery::Claim(claim.to_ascii_uppercase()));
        }
        let mut check = Checker::new();
        if self.cin.trim().is_empty() && self.from.trim().is_empty() && self.to.trim().is_empty() {
            return Err(AppError::field(
                "claim",
                "Enter a Claim Number, or a Member ID and the service dates.",
            ));
        }
        let cin = if self.cin.trim().is_empty() {
            check.add("cin", "Enter the Member ID.");
            None
        } else {
            check.check("cin", Cin::parse(&self.cin))
        };
        let mut date = |name: &str, text: &str, label: &str| {
            if text.trim().is_empty() {
                check.add(name, format!("Enter the {label}."));
                None
            } else {
                check.check(name, UsDate::parse(text))
            }
        };
        let from = date("from", &self.from, "Service Date From");
        let to = date("to", &self.to, "Service Date To");
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                check.add(
                    "to",
                    "The Service Date To must be on or after the Service Date From.",
                );
            }
        }
        check.finish()?;
        match (cin, from, to) {
            (Some(cin), Some(from), Some(to)) => Ok(StatusQuery::Member { cin, from, to }),
            _ => Err(AppError::Internal),
        }
    }
}

/// The NPIs the user may choose from.
#[server(endpoint = "transactions/npis")]
pub async fn transaction_npis() -> Result<Vec<(String, String)>, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    Ok(repo::held_npis(&mut *member.state.db.conn().await?, &member).await?)
}

#[server(endpoint = "transactions/services")]
pub async fn transaction_services(npi: String) -> Result<Services, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Processor)).await?;
    ssr::services(&scope).await
}

#[server(endpoint = "transactions/eligibility")]
pub async fn check_eligibility(
    npi: String,
    inquiry: EligibilityInquiry,
) -> Result<EligibilityAnswer, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Processor)).await?;
    ssr::eligibility(&scope, &inquiry).await
}

#[server(endpoint = "transactions/claim-status")]
pub async fn check_claim_status(
    npi: String,
    inquiry: StatusInquiry,
) -> Result<StatusAnswer, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Processor)).await?;
    ssr::claim_status(&scope, &inquiry).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::x12::{self, Envelope, Segments};
    use super::*;
    use crate::domain::Money;
    use crate::ssr::guard::NpiScope;

    pub async fn services(scope: &NpiScope) -> Result<Services, AppError> {
        let mut conn = scope.member.state.db.conn().await?;
        let provider = crate::pins::repo::provider(&mut conn, scope.provider_id).await?;
        let sets = crate::pins::repo::transactions(&mut conn, scope.provider_id).await?;
        Ok(Services {
            npi: scope.npi.clone(),
            name: provider.name,
            eligibility: sets.iter().any(|s| s == ELIGIBILITY),
            claim_status: sets.iter().any(|s| s == CLAIM_STATUS),
        })
    }

    /// The NPI must be enrolled for the transaction set.
    async fn offered(scope: &NpiScope, set: &str) -> Result<Services, AppError> {
        let services = services(scope).await?;
        let enrolled = if set == ELIGIBILITY {
            services.eligibility
        } else {
            services.claim_status
        };
        if enrolled {
            Ok(services)
        } else {
            Err(AppError::Forbidden)
        }
    }

    fn envelope(scope: &NpiScope) -> Envelope<'_> {
        let state = &scope.member.state;
        let now = state.clock.unix();
        let at = jiff::Timestamp::from_second(now)
            .unwrap_or_default()
            .to_zoned(state.settings.calendar.time_zone().clone());
        Envelope {
            sender: "POPPYHEALTH",
            receiver: &scope.npi,
            date: at.strftime("%Y%m%d").to_string(),
            time: at.strftime("%H%M").to_string(),
            control: (now.rem_euclid(1_000_000_000)) as u32,
        }
    }

    fn payer_and_provider(
        body: &mut Segments,
        services: &Services,
        payer: &str,
        env: &Envelope,
        bht: (&str, &str),
    ) {
        body.add(
            "BHT",
            &[bht.0, bht.1, &env.control.to_string(), &env.date, &env.time],
        );
        body.add("HL", &["1", "", "20", "1"]);
        body.add(
            "NM1",
            &["PR", "2", payer, "", "", "", "", "PI", "POPPYHEALTH"],
        );
        body.add("HL", &["2", "1", "21", "1"]);
        body.add(
            "NM1",
            &[
                "1P",
                "2",
                &services.name,
                "",
                "",
                "",
                "",
                "XX",
                &services.npi,
            ],
        );
    }

    pub async fn eligibility(
        scope: &NpiScope,
        inquiry: &EligibilityInquiry,
    ) -> Result<EligibilityAnswer, AppError> {
        let state = &scope.member.state;
        let cal = &state.settings.calendar;
        let today = cal.date_of(state.clock.unix()).ok_or(AppError::Internal)?;
        let (cin, birth, service) = inquiry.check(today)?;
        let services = offered(scope, ELIGIBILITY).await?;
        let found = repo::enrollee(&mut *state.db.conn().await?, cin.as_str())
            .await?
            // The date of birth must match too: a CIN alone reveals nobody.
            .filter(|m| m.date_of_birth == birth.iso());
        let env = envelope(scope);
        let mut body = Segments::new();
        payer_and_provider(
            &mut body,
            &services,
            &state.settings.program_name,
            &env,
            ("0022", "11"),
        );
        body.add("HL", &["3", "2", "22", "0"]);
        body.add("TRN", &["2", &env.control.to_string(), "9POPPYHLTH"]);
        let (benefits, rejected) = match &found {
            None => {
                body.add("NM1", &["IL", "1", "", "", "", "", "", "MI", cin.as_str()]);
                body.add("AAA", &["N", "", "75", "C"]);
                (None, Some("Subscriber/Insured Not Found (AAA 75): no member has this Member ID and Date of Birth.".to_string()))
            }
            Some(m) => {
                let day = service.iso();
                let active = m.eligible_from.as_str() <= day.as_str()
                    && m.eligible_to.as_deref().is_none_or(|to| day.as_str() <= to);
                body.add(
                    "NM1",
                    &[
                        "IL",
                        "1",
                        &m.last_name,
                        &m.first_name,
                        "",
                        "",
                        "",
                        "MI",
                        &m.cin,
                    ],
                );
                body.add("DMG", &["D8", &x12::date(&m.date_of_birth), &m.gender]);
                body.add("DTP", &["291", "D8", &x12::date(&day)]);
                if active {
                    body.add("EB", &["1", "IND", "30", "MC", &m.line_of_business]);
                    body.add("DTP", &["356", "D8", &x12::date(&m.eligible_from)]);
                    if let Some(network) = &m.health_network {
                        body.add("EB", &["L", "", "30", "", network]);
                    }
                    if let (Some(name), Some(npi)) = (&m.pcp_name, &m.pcp_npi) {
                        body.add("LS", &["2120"]);
                        body.add("NM1", &["P3", "1", name, "", "", "", "", "XX", npi]);
                        body.add("LE", &["2120"]);
                    }
                } else {
                    body.add("EB", &["6", "IND", "30", "MC", &m.line_of_business]);
                }
                if let Some(to) = &m.eligible_to {
                    body.add("DTP", &["357", "D8", &x12::date(to)]);
                }
                let shown = |iso: &str| {
                    UsDate::parse(iso)
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                };
                let benefits = Benefits {
                    member: format!("{} {}", m.first_name, m.last_name),
                    cin: m.cin.clone(),
                    birth_date: shown(&m.date_of_birth),
                    service_date: service.to_string(),
                    coverage: if active {
                        "Active Coverage"
                    } else {
                        "Inactive"
                    }
                    .into(),
                    active,
                    plan: m.line_of_business.clone(),
                    health_network: m.health_network.clone().filter(|_| active),
                    primary_care: m
                        .pcp_name
                        .as_ref()
                        .zip(m.pcp_npi.as_ref())
                        .filter(|_| active)
                        .map(|(name, npi)| format!("{name} (NPI {npi})")),
                    eligibility_dates: match &m.eligible_to {
                        Some(to) => format!("{} – {}", shown(&m.eligible_from), shown(to)),
                        None => format!("from {}", shown(&m.eligible_from)),
                    },
                };
                (Some(benefits), None)
            }
        };
        // Eligibility shows a member's coverage: a view of health information, audited.
        scope
            .member
            .audit(
                "transactions.eligibility",
                found
                    .as_ref()
                    .map_or_else(|| "member:none".into(), |m| format!("member:{}", m.id)),
            )
            .detail(format!("270 for NPI {}", scope.npi))
            .record(&state.db)
            .await?;
        Ok(EligibilityAnswer {
            benefits,
            rejected,
            x12: x12::interchange(&env, "HB", "271", "005010X279A1", body),
        })
    }

    pub async fn claim_status(
        scope: &NpiScope,
        inquiry: &StatusInquiry,
    ) -> Result<StatusAnswer, AppError> {
        let query = inquiry.check()?;
        let services = offered(scope, CLAIM_STATUS).await?;
        let state = &scope.member.state;
        let mut conn = state.db.conn().await?;
        let claims = match &query {
            StatusQuery::Claim(number) => repo::claim(&mut conn, scope.provider_id, number).await?,
            StatusQuery::Member { cin, from, to } => {
                repo::member_claims(
                    &mut conn,
                    scope.provider_id,
                    cin.as_str(),
                    &from.iso(),
                    &to.iso(),
                    MAX_CLAIMS,
                )
                .await?
            }
        };
        drop(conn);
        let env = envelope(scope);
        let mut body = Segments::new();
        payer_and_provider(
            &mut body,
            &services,
            &state.settings.program_name,
            &env,
            ("0010", "08"),
        );
        let shown = |iso: &str| {
            UsDate::parse(iso)
                .map(|d| d.to_string())
                .unwrap_or_default()
        };
        let mut hl = 2;
        let mut listed = Vec::new();
        for c in &claims {
            let (category, code, status) = status_codes(&c.status, c.paid_cents);
            hl += 1;
            body.add("HL", &[&hl.to_string(), "2", "22", "0"]);
            body.add(
                "NM1",
                &[
                    "QC",
                    "1",
                    &c.last_name,
                    &c.first_name,
                    "",
                    "",
                    "",
                    "MI",
                    &c.cin,
                ],
            );
            body.add("TRN", &["2", &c.patient_account]);
            let billed = format!("{:.2}", c.billed_cents as f64 / 100.0);
            let paid = format!("{:.2}", c.paid_cents as f64 / 100.0);
            let paid_on = c.paid_on.as_deref().map(x12::date).unwrap_or_default();
            let check = c.check_number.as_deref().unwrap_or("");
            let received = x12::date(&c.received_on);
            body.add_composite(
                "STC",
                &[
                    vec![category, code],
                    vec![&received],
                    vec![""],
                    vec![&billed],
                    vec![&paid],
                    vec![&paid_on],
                    vec![""],
                    vec![""],
                    vec![check],
                ],
            );
            body.add("REF", &["1K", &c.claim_number]);
            body.add(
                "DTP",
                &[
                    "472",
                    "RD8",
                    &format!(
                        "{}-{}",
                        x12::date(&c.service_from),
                        x12::date(&c.service_to)
                    ),
                ],
            );
            listed.push(ClaimStatus {
                claim_number: c.claim_number.clone(),
                member: format!("{} {} ({})", c.first_name, c.last_name, c.cin),
                service: format!("{} – {}", shown(&c.service_from), shown(&c.service_to)),
                billed: Money::from_cents(c.billed_cents).to_string(),
                paid: Money::from_cents(c.paid_cents).to_string(),
                code: format!("{category}:{code}"),
                status: status.to_string(),
                paid_on: c.paid_on.as_deref().map(shown),
                check_number: c.check_number.clone(),
            });
        }
        scope
            .member
            .audit(
                "transactions.claim_status",
                format!("provider:{}", scope.provider_id),
            )
            .detail(format!(
                "276 for NPI {}: {} claims",
                scope.npi,
                listed.len()
            ))
            .record(&state.db)
            .await?;
        Ok(StatusAnswer {
            claims: listed,
            x12: x12::interchange(&env, "HN", "277", "005010X212", body),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn an_eligibility_inquiry_needs_a_member_id_and_birth_date_and_defaults_to_today() {
        let today = date(2026, 11, 30);
        let empty = EligibilityInquiry::default().check(today).unwrap_err();
        assert_eq!(empty.field_messages("cin"), ["Enter the Member ID."]);
        assert_eq!(
            empty.field_messages("birth_date"),
            ["Enter the member's Date of Birth."]
        );
        let (cin, birth, service) = EligibilityInquiry {
            cin: "90000001b".into(),
            birth_date: "04/02/1980".into(),
            service_date: String::new(),
        }
        .check(today)
        .unwrap();
        assert_eq!(
            (cin.as_str(), birth.iso().as_str(), service.0),
            ("90000001B", "1980-04-02", today)
        );
    }

    #[test]
    fn a_claim_status_inquiry_is_by_claim_number_or_by_member_and_dates() {
        assert_eq!(
            StatusInquiry {
                claim: " c-2026-1 ".into(),
                ..Default::default()
            }
            .check()
            .unwrap(),
            StatusQuery::Claim("C-2026-1".into())
        );
        let none = StatusInquiry::default().check().unwrap_err();
        assert_eq!(
            none.field_messages("claim"),
            ["Enter a Claim Number, or a Member ID and the service dates."]
        );
        let backwards = StatusInquiry {
            cin: "90000001B".into(),
            from: "11/30/2026".into(),
            to: "11/01/2026".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert_eq!(
            backwards.field_messages("to"),
            ["The Service Date To must be on or after the Service Date From."]
        );
        assert!(StatusInquiry {
            claim: "x*y".into(),
            ..Default::default()
        }
        .check()
        .is_err());
    }

    #[test]
    fn claim_states_map_to_status_category_codes() {
        assert_eq!(status_codes("finalized", 1200).0, "F1");
        assert_eq!(status_codes("finalized", 0).0, "F2");
        assert_eq!(status_codes("in_progress", 0).0, "P1");
        assert_eq!(status_codes("check_pending", 500).0, "F1");
        assert_eq!(status_codes("original", 500).0, "F3");
    }
}
