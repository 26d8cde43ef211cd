//! "Transaction Testing": an organization (provider or submitter) sends a test 837P claim or
//! 270 eligibility file and learns, before going live, whether the plan would accept it: the
//! findings by segment and the 999 acknowledgment. Files come in through the upload pipeline;
//! only what the check found is kept.

#[cfg(feature = "ssr")]
pub mod check;
#[cfg(feature = "ssr")]
mod repo;
mod view;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::TransactionTestingPage;

/// Tests listed under "Recent Tests".
pub const RECENT_TESTS: i64 = 10;
/// The largest test file, in MB.
pub const MAX_TEST_FILE_MB: u64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    Claim837P,
    Eligibility270,
}

/// The choices of "Transaction Type": (value, label).
pub const TEST_KINDS: [(&str, &str); 2] = [("837P", "837P"), ("270", "270")];

impl TestKind {
    pub fn parse(value: &str) -> Option<TestKind> {
        match value {
            "837P" => Some(TestKind::Claim837P),
            "270" => Some(TestKind::Eligibility270),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TestKind::Claim837P => "837P",
            TestKind::Eligibility270 => "270",
        }
    }

    /// ST01.
    pub fn set(self) -> &'static str {
        match self {
            TestKind::Claim837P => "837",
            TestKind::Eligibility270 => "270",
        }
    }

    /// GS01, the functional group.
    pub fn group(self) -> &'static str {
        match self {
            TestKind::Claim837P => "HC",
            TestKind::Eligibility270 => "HS",
        }
    }

    /// The implementation guide (ST03 / GS08).
    pub fn version(self) -> &'static str {
        match self {
            TestKind::Claim837P => "005010X222A1",
            TestKind::Eligibility270 => "005010X279A1",
        }
    }
}

/// Something wrong in a test file: where (the segment's position in the file) and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub position: usize,
    pub segment: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub id: i64,
    pub transaction_type: String,
    pub file_name: String,
    pub accepted: bool,
    pub findings: Vec<Finding>,
    pub ack: String,
    /// "MM/DD/YYYY 3:04 PM by First Last".
    pub sent: String,
}

#[server(endpoint = "transaction-testing/recent")]
pub async fn recent_tests() -> Result<Vec<TestResult>, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    let rows = repo::recent(&mut *member.state.db.conn().await?, &member, RECENT_TESTS).await?;
    Ok(rows.into_iter().map(|r| ssr::result(&member, r)).collect())
}

#[server(endpoint = "transaction-testing/result")]
pub async fn transaction_test(id: i64) -> Result<TestResult, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    let row = repo::find(&mut *member.state.db.conn().await?, &member, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ssr::result(&member, row))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::ssr::guard::Member;
    use crate::ssr::uploads::{self, Kind, Rules};
    use axum::response::{IntoResponse, Redirect, Response};

    /// X12 text only, at most 5 MB.
    pub const TEST_FILES: Rules = Rules {
        max_bytes: MAX_TEST_FILE_MB * 1024 * 1024,
        kinds: &[Kind::X12],
    };

    pub fn result(member: &Member, r: repo::TestRecord) -> TestResult {
        let cal = &member.state.settings.calendar;
        TestResult {
            id: r.id,
            transaction_type: r.transaction_type,
            file_name: r.file_name,
            accepted: r.accepted == 1,
            findings: serde_json::from_str(&r.findings).unwrap_or_default(),
            ack: r.ack,
            sent: format!(
                "{} by {} {}",
                cal.format_date_time(r.created_at),
                r.first_name,
                r.last_name
            ),
        }
    }

    /// "Submit Test": the multipart form, posted natively; the page comes back with the
    /// result, or with why the file was refused.
    pub async fn submit(member: Member, form: axum::extract::Multipart) -> Response {
        let (fields, file) = uploads::read_form(&member.state, form, &TEST_FILES).await;
        let chosen = fields.get("transaction_type").cloned().unwrap_or_default();
        let outcome = async {
            let received = file?;
            let kind = TestKind::parse(&chosen)
                .ok_or_else(|| AppError::field("transaction_type", "Choose a Transaction Type."))?;
            let received =
                received.ok_or_else(|| AppError::field("file", "Choose the Test File."))?;
            let text =
                String::from_utf8(received.bytes().await.map_err(|_| AppError::Internal)?)
                    .map_err(|_| AppError::field("file", "The Test File is not plain X12 text."))?;
            let state = &member.state;
            let mut conn = state.db.conn().await?;
            // A submitter's providers are its affiliates': any valid NPI is taken for now.
            let npis = if member.org.kind == crate::domain::permissions::OrgKind::Provider {
                repo::organization_npis(&mut conn, &member).await?
            } else {
                Vec::new()
            };
            let now = state.clock.unix();
            let at = jiff::Timestamp::from_second(now)
                .unwrap_or_default()
                .to_zoned(state.settings.calendar.time_zone().clone());
            let env = crate::transactions::x12::Envelope {
                sender: "POPPYHEALTH",
                receiver: "TESTSUBMITTER",
                date: at.strftime("%Y%m%d").to_string(),
                time: at.strftime("%H%M").to_string(),
                control: (now.rem_euclid(1_000_000_000)) as u32,
            };
            let checked = check::check(&text, kind, &npis, &env);
            let findings =
                serde_json::to_string(&checked.findings).map_err(|_| AppError::Internal)?;
            let id = repo::insert(
                &mut conn,
                &member,
                repo::NewTest {
                    transaction_type: kind.label(),
                    file_name: &received.name,
                    sha256: &received.sha256,
                    accepted: checked.accepted,
                    findings: &findings,
                    ack: &checked.ack,
                    now,
                },
            )
            .await?;
            drop(conn);
            member
                .audit("transaction_test.submit", format!("transaction_test:{id}"))
                .detail(format!(
                    "{} {}: {}",
                    kind.label(),
                    received.name,
                    if checked.accepted {
                        "accepted"
                    } else {
                        "rejected"
                    }
                ))
                .record(&state.db)
                .await?;
            Ok::<i64, AppError>(id)
        }
        .await;
        let to = match outcome {
            Ok(id) => format!("/transaction-testing?test={id}"),
            Err(error) => {
                let message = error.sentence();
                let mut query = form_urlencoded::Serializer::new(String::new());
                query
                    .append_pair("upload_error", &message)
                    .append_pair("type", &chosen);
                format!("/transaction-testing?{}", query.finish())
            }
        };
        Redirect::to(&to).into_response()
    }
}
