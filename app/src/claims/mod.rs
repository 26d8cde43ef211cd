//! Claims (guide 002 §VI–VII): "Claims Lookup" by dates or by claim number, the claim's detail
//! with its services, member, providers, diagnoses and explanation of benefits, the
//! remittance advice of the payment that settled it, a printable copy and a CSV of a whole
//! search. Only claims that an NPI the user holds billed or rendered are found; any other is
//! "not found", exactly like one that does not exist. Every claim view and download is audited.

#[cfg(feature = "ssr")]
pub mod downloads;
#[cfg(feature = "ssr")]
pub mod repo;
mod view;

#[cfg(feature = "ssr")]
use crate::domain::permissions::Module;
use crate::domain::{Cin, UsDate};
use crate::error::{AppError, Checker};
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::Page;
use jiff::civil::Date;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::{ClaimPage, ClaimsPage};

/// The "Status" choices: (value, label); the empty value is every status.
pub const STATUSES: [(&str, &str); 5] = [
    ("", "All Statuses"),
    ("in_progress", "In Progress"),
    ("check_pending", "Check Pending"),
    ("finalized", "Finalized"),
    ("original", "Original Claim"),
];

/// Claims per page of "Claim Search Results".
pub const PER_PAGE: i64 = 25;

/// What the payable amount may not be: the claim page says so.
pub const PAYABLE_NOTE: &str =
    "The payable amount may not reflect the final payment: adjustments, recoveries and interest are settled on the remittance advice.";

/// How a status shows.
pub fn status_label(status: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(value, _)| *value == status && !value.is_empty())
        .map_or("Unknown", |(_, label)| label)
}

/// Which date the range applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateType {
    Service,
    Paid,
}

/// A lookup, as the search form (and so the address) carries it: `by` is "date" or "number".
/// A field left out is empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimSearch {
    pub by: String,
    pub from: String,
    pub to: String,
    /// "service" (Date of Service) or "paid" (Paid Date).
    pub date_type: String,
    pub status: String,
    pub cin: String,
    pub number: String,
    /// "oldest" lists the oldest first; otherwise the newest come first.
    pub order: String,
}

/// The "Sort" choices.
pub const ORDERS: [(&str, &str); 2] = [("newest", "Newest first"), ("oldest", "Oldest first")];

/// A checked lookup.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Number(String),
    Dates {
        date_type: DateType,
        from: Date,
        to: Date,
        /// A [`STATUSES`] value; empty for all.
        status: &'static str,
        cin: Option<Cin>,
        oldest_first: bool,
    },
}

impl ClaimSearch {
    /// The address query that runs this search (for the CSV download and the pages).
    pub fn query(&self) -> String {
        [
            ("by", &self.by),
            ("from", &self.from),
            ("to", &self.to),
            ("date_type", &self.date_type),
            ("status", &self.status),
            ("cin", &self.cin),
            ("number", &self.number),
            ("order", &self.order),
        ]
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", crate::ui::encode_query_value(value)))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// Checks the fields; each wrong one is named at its field.
    pub fn check(&self) -> Result<Lookup, AppError> {
        let mut checker = Checker::new();
        if self.by == "number" {
            let number = self.number.trim();
            if number.is_empty() {
                checker.add("number", "Enter a Claim Number.");
            } else if number.len() > 20 || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
                checker.add("number", "A claim number has only letters and digits.");
            }
            checker.finish()?;
            return Ok(Lookup::Number(number.to_ascii_uppercase()));
        }
        let date_type = match self.date_type.as_str() {
            "" | "service" => Some(DateType::Service),
            "paid" => Some(DateType::Paid),
            _ => {
                checker.add("date_type", "Choose Date of Service or Paid Date.");
                None
            }
        };
        let day = |checker: &mut Checker, name: &str, label: &str, text: &str| {
            if text.trim().is_empty() {
                checker.add(name, format!("Enter a {label} date."));
                None
            } else {
                checker.check(name, UsDate::parse(text)).map(|d| d.0)
            }
        };
        let from = day(&mut checker, "from", "From", &self.from);
        let to = day(&mut checker, "to", "To", &self.to);
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                checker.add("to", "The To date must be on or after the From date.");
            }
        }
        let status = STATUSES.iter().find(|(value, _)| *value == self.status);
        if status.is_none() {
            checker.add("status", "Choose a Status from the list.");
        }
        let cin = if self.cin.trim().is_empty() {
            None
        } else {
            checker.check("cin", Cin::parse(&self.cin))
        };
        if !matches!(self.order.as_str(), "" | "newest" | "oldest") {
            checker.add("order", "Choose Newest first or Oldest first.");
        }
        checker.finish()?;
        match (date_type, from, to, status) {
            (Some(date_type), Some(from), Some(to), Some((status, _))) => Ok(Lookup::Dates {
                date_type,
                from,
                to,
                status,
                cin,
                oldest_first: self.order == "oldest",
            }),
            _ => Err(AppError::Internal),
        }
    }
}

/// A row of "Claim Search Results"; dates MM/DD/YYYY, amounts as money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimRow {
    pub number: String,
    pub cin: String,
    pub member: String,
    pub lob: String,
    pub service_from: String,
    pub service_to: String,
    pub billed: String,
    pub paid: String,
    pub status: String,
    pub paid_date: String,
    /// A remittance advice exists: the claim was paid (or denied) on a payment.
    pub ra: bool,
}

/// A service line; the last of the list is the total when `total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLine {
    pub start: String,
    pub end: String,
    pub code: String,
    /// A HCPCS Level II code's description (CPT codes have none).
    pub description: String,
    pub modifiers: String,
    pub quantity: String,
    pub billed: String,
    pub payable: String,
}

/// A line of the explanation of benefits, amounts as money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EobLine {
    pub line: String,
    pub code: String,
    pub billed: String,
    pub allowed: String,
    pub disallowed: String,
    pub coinsurance: String,
    pub copay: String,
    pub deductible: String,
    pub paid: String,
    pub interest: String,
}

/// The payment provider or the service provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderInfo {
    pub name: String,
    pub npi: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
}

/// What the claim page shows of the member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub name: String,
    pub cin: String,
    pub date_of_birth: String,
    pub gender: String,
    pub language: String,
    pub patient_account: String,
    pub health_network: String,
    pub lob: String,
    pub pcp: String,
    pub address: String,
    pub phone: String,
    pub email: String,
}

/// One claim, as "Claim #: …" shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimDetail {
    pub number: String,
    pub status: String,
    pub cin: String,
    pub paid_date: String,
    pub service_dates: String,
    pub check_number: String,
    pub received: String,
    pub services: Vec<ServiceLine>,
    pub total_billed: String,
    pub total_payable: String,
    pub member: MemberInfo,
    pub payment_provider: ProviderInfo,
    pub service_provider: ProviderInfo,
    /// (ICD-10-CM code, description).
    pub diagnoses: Vec<(String, String)>,
    pub eob: Vec<EobLine>,
    pub eob_total: EobLine,
    /// (reason code, description) of every CARC and RARC on the lines.
    pub reasons: Vec<(String, String)>,
    /// A delegated health network paid it: disputes go to that network.
    pub delegated_network: Option<String>,
    pub ra: bool,
    /// The claim's dispute number, shown to those with the Disputes module.
    pub dispute: Option<String>,
    /// "Dispute Claim" is offered: the Disputes module, a finalized claim not paid by a
    /// delegated network, and no dispute yet.
    pub may_dispute: bool,
}

/// "Find Claims": one page of the lookup (`after`: the cursor of the page before).
#[server(endpoint = "claims/search")]
pub async fn search_claims(
    search: ClaimSearch,
    after: Option<String>,
) -> Result<Page<ClaimRow>, AppError> {
    let member = require(Access::module(Module::Claims)).await?;
    ssr::search(&member, &search, after.as_deref()).await
}

/// "Claim #: …": the claim, if an NPI the user holds billed or rendered it; audited.
#[server(endpoint = "claims/detail")]
pub async fn load_claim(number: String) -> Result<ClaimDetail, AppError> {
    let member = require(Access::module(Module::Claims)).await?;
    ssr::detail(&member, &number).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::Money;
    use crate::ssr::guard::Member;

    pub(super) fn row(record: &repo::ClaimRecord) -> ClaimRow {
        ClaimRow {
            number: record.claim_number.clone(),
            cin: record.cin.clone(),
            member: format!("{} {}", record.first_name, record.last_name),
            lob: record.line_of_business.clone(),
            service_from: UsDate::show(&record.service_from),
            service_to: UsDate::show(&record.service_to),
            billed: Money(record.billed_cents).to_string(),
            paid: Money(record.paid_cents).to_string(),
            status: status_label(&record.status).to_string(),
            paid_date: record
                .paid_on
                .as_deref()
                .map(UsDate::show)
                .unwrap_or_default(),
            ra: record.paid_on.is_some(),
        }
    }

    /// A page's cursor: the sort date and the claim's id.
    fn cursor(record: &repo::ClaimRecord) -> String {
        format!("{}~{}", record.sort_key, record.id)
    }

    pub(super) fn parse_cursor(cursor: Option<&str>) -> Option<(String, i64)> {
        let (date, id) = cursor?.split_once('~')?;
        Some((date.parse::<Date>().ok()?.to_string(), id.parse().ok()?))
    }

    pub async fn search(
        member: &Member,
        search: &ClaimSearch,
        after: Option<&str>,
    ) -> Result<Page<ClaimRow>, AppError> {
        let lookup = search.check()?;
        let mut conn = member.state.db.conn().await?;
        let records = repo::lookup(
            &mut conn,
            member,
            &lookup,
            parse_cursor(after),
            PER_PAGE + 1,
        )
        .await?;
        let page = Page::from_rows(records, PER_PAGE, cursor);
        Ok(Page {
            items: page.items.iter().map(row).collect(),
            next: page.next,
        })
    }

    fn address(line: &str, city: &str, zip: &str) -> String {
        format!("{line}, {city}, CA {zip}")
    }

    fn provider(p: repo::ProviderRecord) -> ProviderInfo {
        ProviderInfo {
            name: p.name,
            npi: p.npi,
            address: address(&p.address_line1, &p.city, &p.zip),
            phone: p.phone.unwrap_or_default(),
            fax: p.fax.unwrap_or_default(),
        }
    }

    fn eob_line(line: String, code: String, l: &repo::LineAmounts) -> EobLine {
        EobLine {
            line,
            code,
            billed: Money(l.billed_cents).to_string(),
            allowed: Money(l.allowed_cents).to_string(),
            disallowed: Money(l.billed_cents - l.allowed_cents).to_string(),
            coinsurance: Money(l.coinsurance_cents).to_string(),
            copay: Money(l.copay_cents).to_string(),
            deductible: Money(l.deductible_cents).to_string(),
            paid: Money(l.paid_cents).to_string(),
            interest: Money(l.interest_cents).to_string(),
        }
    }

    /// The claim `number` if the member may see it; audited as a view of health information.
    pub async fn claim(
        member: &Member,
        number: &str,
    ) -> Result<(repo::ClaimRecord, repo::ClaimParts), AppError> {
        let number = number.trim().to_ascii_uppercase();
        let mut conn = member.state.db.conn().await?;
        let record = repo::lookup(&mut conn, member, &Lookup::Number(number), None, 1)
            .await?
            .pop()
            .ok_or(AppError::NotFound)?;
        let parts = repo::parts(&mut conn, &record).await?;
        Ok((record, parts))
    }

    pub async fn detail(member: &Member, number: &str) -> Result<ClaimDetail, AppError> {
        let (record, parts) = claim(member, number).await?;
        member
            .audit("claim.view", format!("claim:{}", record.id))
            .detail(format!("Claim {}", record.claim_number))
            .record(&member.state.db)
            .await?;
        let disputes = member.org.modules.contains(&Module::Disputes);
        let dispute = if disputes {
            crate::disputes::repo::for_claim(&mut *member.state.db.conn().await?, record.id)
                .await?
                .map(|(number, _)| number)
        } else {
            None
        };
        let may_dispute =
            disputes && dispute.is_none() && crate::disputes::ssr::refusal(&record).is_none();
        Ok(ClaimDetail {
            dispute,
            may_dispute,
            ..build(record, parts)
        })
    }

    /// The claim page's content from the records.
    pub fn build(record: repo::ClaimRecord, parts: repo::ClaimParts) -> ClaimDetail {
        let repo::ClaimParts {
            member: m,
            payment_provider,
            service_provider,
            lines,
            diagnoses,
            reasons,
            pcp,
        } = parts;
        let mut total = repo::LineAmounts::default();
        for line in &lines {
            total.add(&line.amounts);
        }
        let services = lines
            .iter()
            .map(|l| ServiceLine {
                start: UsDate::show(&l.service_from),
                end: UsDate::show(&l.service_to),
                code: l.procedure_code.clone(),
                description: l.procedure.clone().unwrap_or_default(),
                modifiers: l.modifier.clone().unwrap_or_default(),
                quantity: l.units.to_string(),
                billed: Money(l.amounts.billed_cents).to_string(),
                payable: Money(l.amounts.paid_cents).to_string(),
            })
            .collect();
        let eob = lines
            .iter()
            .map(|l| {
                let codes = [l.eob_code.as_deref(), l.remark_code.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                eob_line(l.line_number.to_string(), codes, &l.amounts)
            })
            .collect();
        ClaimDetail {
            status: status_label(&record.status).to_string(),
            cin: record.cin.clone(),
            paid_date: record
                .paid_on
                .as_deref()
                .map(UsDate::show)
                .unwrap_or_default(),
            service_dates: if record.service_from == record.service_to {
                UsDate::show(&record.service_from)
            } else {
                format!(
                    "{} – {}",
                    UsDate::show(&record.service_from),
                    UsDate::show(&record.service_to)
                )
            },
            check_number: record.check_number.clone().unwrap_or_default(),
            received: UsDate::show(&record.received_on),
            services,
            total_billed: Money(total.billed_cents).to_string(),
            total_payable: Money(total.paid_cents).to_string(),
            member: MemberInfo {
                name: format!("{} {}", m.first_name, m.last_name),
                cin: m.cin,
                date_of_birth: UsDate::show(&m.date_of_birth),
                gender: match m.gender.as_str() {
                    "F" => "Female",
                    "M" => "Male",
                    _ => "Unknown",
                }
                .to_string(),
                language: m.language,
                patient_account: record.patient_account.clone(),
                health_network: m
                    .health_network
                    .unwrap_or_else(|| "Direct (no health network)".into()),
                lob: m.line_of_business,
                pcp: pcp.unwrap_or_default(),
                address: address(&m.address_line1, &m.city, &m.zip),
                phone: m.phone.unwrap_or_default(),
                email: m.email.unwrap_or_default(),
            },
            payment_provider: provider(payment_provider),
            service_provider: provider(service_provider),
            diagnoses,
            eob,
            eob_total: eob_line("Total".into(), String::new(), &total),
            reasons,
            delegated_network: record.delegated_network.clone(),
            ra: record.paid_on.is_some(),
            dispute: None,
            may_dispute: false,
            number: record.claim_number,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(from: &str, to: &str) -> ClaimSearch {
        ClaimSearch {
            by: "date".into(),
            from: from.into(),
            to: to.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_lookup_by_dates_names_each_wrong_field() {
        let error = ClaimSearch {
            status: "lost".into(),
            cin: "123".into(),
            ..dates("", "13/40/2026")
        }
        .check()
        .unwrap_err();
        for field in ["from", "to", "status", "cin"] {
            assert!(!error.field_messages(field).is_empty(), "{field}");
        }
        let backwards = dates("05/02/2026", "05/01/2026").check().unwrap_err();
        assert_eq!(
            backwards.field_messages("to"),
            ["The To date must be on or after the From date."]
        );
        let fine = ClaimSearch {
            date_type: "paid".into(),
            status: "finalized".into(),
            cin: " 90000001b ".into(),
            ..dates("05/01/2026", "2026-05-31")
        }
        .check()
        .unwrap();
        assert_eq!(
            fine,
            Lookup::Dates {
                date_type: DateType::Paid,
                from: jiff::civil::date(2026, 5, 1),
                to: jiff::civil::date(2026, 5, 31),
                status: "finalized",
                cin: Some(Cin::parse("90000001B").unwrap()),
                oldest_first: false,
            }
        );
    }

    #[test]
    fn a_lookup_by_number_takes_letters_and_digits() {
        let number = |n: &str| {
            ClaimSearch {
                by: "number".into(),
                number: n.into(),
                ..Default::default()
            }
            .check()
        };
        assert_eq!(
            number(" 2026abc1 ").unwrap(),
            Lookup::Number("2026ABC1".into())
        );
        assert!(!number("").unwrap_err().field_messages("number").is_empty());
        assert!(!number("1' OR 1=1")
            .unwrap_err()
            .field_messages("number")
            .is_empty());
    }

    #[test]
    fn the_address_carries_the_search_both_ways() {
        let search = ClaimSearch {
            status: "check_pending".into(),
            cin: "90000001B".into(),
            ..dates("05/01/2026", "05/31/2026")
        };
        let query = search.query();
        assert_eq!(
            query,
            "by=date&from=05%2F01%2F2026&to=05%2F31%2F2026&status=check_pending&cin=90000001B"
        );
        let pairs = query.split('&').map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.replace("%2F", "/"))
        });
        let back: ClaimSearch = crate::ui::from_pairs(pairs).unwrap();
        assert_eq!(back, search);
    }

    #[cfg(feature = "ssr")]
    mod display {
        use super::super::repo::{
            ClaimParts, ClaimRecord, LineAmounts, LineRecord, MemberRecord, ProviderRecord,
        };
        use super::super::ssr::build;
        use crate::domain::Money;
        use proptest::prelude::*;

        fn cents(shown: &str) -> i64 {
            Money::parse(shown).unwrap().cents()
        }

        fn provider() -> ProviderRecord {
            ProviderRecord {
                name: "Sunrise Family Clinic".into(),
                npi: "1234567893".into(),
                address_line1: "1 Main St".into(),
                city: "Sacramento".into(),
                zip: "95814".into(),
                phone: None,
                fax: None,
            }
        }

        fn claim(lines: Vec<LineAmounts>) -> (ClaimRecord, ClaimParts) {
            let record = ClaimRecord {
                id: 1,
                claim_number: "202600000001".into(),
                member_id: 1,
                billing_provider_id: 1,
                service_provider_id: 1,
                cin: "90000001B".into(),
                first_name: "Ann".into(),
                last_name: "Lee".into(),
                line_of_business: "OneCare".into(),
                status: "finalized".into(),
                service_from: "2026-05-01".into(),
                service_to: "2026-05-01".into(),
                received_on: "2026-05-03".into(),
                paid_on: Some("2026-06-01".into()),
                billed_cents: lines.iter().map(|l| l.billed_cents).sum(),
                paid_cents: lines.iter().map(|l| l.paid_cents).sum(),
                check_number: Some("EFT".into()),
                patient_account: "PA1".into(),
                delegated_network: None,
                sort_key: "2026-05-01".into(),
            };
            let parts = ClaimParts {
                member: MemberRecord {
                    cin: "90000001B".into(),
                    first_name: "Ann".into(),
                    last_name: "Lee".into(),
                    date_of_birth: "1970-01-01".into(),
                    gender: "F".into(),
                    language: "English".into(),
                    address_line1: "1 Elm St".into(),
                    city: "Sacramento".into(),
                    zip: "95814".into(),
                    phone: None,
                    email: None,
                    line_of_business: "OneCare".into(),
                    health_network: None,
                },
                payment_provider: provider(),
                service_provider: provider(),
                lines: lines
                    .into_iter()
                    .enumerate()
                    .map(|(n, amounts)| LineRecord {
                        line_number: n as i64 + 1,
                        procedure_code: "99213".into(),
                        procedure: None,
                        modifier: None,
                        units: 1,
                        service_from: "2026-05-01".into(),
                        service_to: "2026-05-01".into(),
                        eob_code: Some("45".into()),
                        remark_code: None,
                        amounts,
                    })
                    .collect(),
                diagnoses: Vec::new(),
                reasons: Vec::new(),
                pcp: None,
            };
            (record, parts)
        }

        /// Amounts that add up: the member's share within the allowed amount.
        fn line() -> impl Strategy<Value = LineAmounts> {
            (
                0i64..2_000_000,
                0u8..=100,
                0u8..=100,
                0u8..=100,
                0i64..5_000,
            )
                .prop_map(
                    |(billed, allowed_pct, share_pct, deductible_pct, interest)| {
                        let allowed = billed * i64::from(allowed_pct) / 100;
                        let deductible = allowed * i64::from(deductible_pct) / 100;
                        let coinsurance = (allowed - deductible) * i64::from(share_pct) / 100;
                        LineAmounts {
                            billed_cents: billed,
                            allowed_cents: allowed,
                            coinsurance_cents: coinsurance,
                            copay_cents: 0,
                            deductible_cents: deductible,
                            interest_cents: interest,
                            paid_cents: allowed - deductible - coinsurance + interest,
                        }
                    },
                )
        }

        proptest! {
            /// What the EOB and Services tabs show adds up line by line and in total:
            /// billed = allowed + disallowed; paid = allowed − coinsurance − copay − deductible
            /// + interest; the totals are the lines' sums.
            #[test]
            fn the_explanation_of_benefits_adds_up(lines in prop::collection::vec(line(), 1..6)) {
                let (record, parts) = claim(lines.clone());
                let detail = build(record, parts);
                prop_assert_eq!(detail.eob.len(), lines.len());
                for shown in &detail.eob {
                    prop_assert_eq!(cents(&shown.billed), cents(&shown.allowed) + cents(&shown.disallowed));
                    prop_assert_eq!(
                        cents(&shown.paid),
                        cents(&shown.allowed) - cents(&shown.coinsurance) - cents(&shown.copay)
                            - cents(&shown.deductible) + cents(&shown.interest)
                    );
                }
                let total = &detail.eob_total;
                let sum = |f: fn(&LineAmounts) -> i64| lines.iter().map(f).sum::<i64>();
                prop_assert_eq!(cents(&total.billed), sum(|l| l.billed_cents));
                prop_assert_eq!(cents(&total.paid), sum(|l| l.paid_cents));
                prop_assert_eq!(cents(&total.interest), sum(|l| l.interest_cents));
                prop_assert_eq!(cents(&detail.total_payable), sum(|l| l.paid_cents));
                prop_assert_eq!(cents(&detail.total_billed), sum(|l| l.billed_cents));
            }
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_cursor_is_a_date_and_an_id_or_nothing() {
        assert_eq!(
            ssr::parse_cursor(Some("2026-05-01~42")),
            Some(("2026-05-01".into(), 42))
        );
        assert_eq!(ssr::parse_cursor(Some("2026-05-01' --~42")), None);
        assert_eq!(ssr::parse_cursor(Some("2026-05-01")), None);
        assert_eq!(ssr::parse_cursor(None), None);
    }
}
