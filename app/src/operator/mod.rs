//! "Plan Operations": the plan staff's console. Here: issuing secure tokens to enrolled
//! organizations, mailed to them as letters (the same as `server issue-token`), and
//! reinstating or suspending offices.

mod helpdesk;
mod offices;
pub(crate) mod publish;
#[cfg(feature = "ssr")]
pub(crate) mod repo;

use crate::auth::{PageAccess, Require};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Operator};
use crate::ui::{
    action_error, page_resource, Column, DataTable, ErrorSummary, Gate, Needs, Select,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

/// An enrolled organization that has not registered yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolledOrganization {
    pub id: i64,
    pub name: String,
    pub city: String,
    /// The latest token's state, e.g. "Issued 11/22/2026, expires 12/22/2026".
    pub token: String,
}

#[server(endpoint = "operator/enrolled")]
pub async fn enrolled_organizations() -> Result<Vec<EnrolledOrganization>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::enrolled(operator).await
}

/// Issues a token and queues its letter; the console then says so.
#[server(endpoint = "operator/issue-token")]
pub async fn issue_token(organization_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let issued = ssr::issue(operator, organization_id).await?;
    Ok(outcome("issued", &issued))
}

/// Each console action answers the console's address with its outcome in the query
/// (`passkey=match`, `done=reset` …), which the page shows, with or without the browser app.
#[cfg(feature = "ssr")]
pub(crate) fn outcome(key: &str, value: &str) -> String {
    crate::ssr::follow(&crate::ssr::back_with(&[(key, value)]))
}

/// The outcome an action left in the address: (good news, text).
fn notice(key: &str, value: &str) -> Option<(bool, String)> {
    Some(match (key, value) {
        (
            "issued" | "admin_changed" | "published" | "uploaded" | "banner" | "resource"
            | "dispute" | "referral",
            text,
        ) => (true, text.to_string()),
        ("passkey", "match") => (true, "The passkey matches: the caller is verified.".into()),
        ("passkey", "mismatch") => (false, "The passkey does not match.".into()),
        ("done", "reset") => (
            true,
            "A password reset link was emailed to the user.".into(),
        ),
        ("done", "unlocked") => (true, "The account was unlocked.".into()),
        ("office", "agreement") => (true, "The access agreement was recorded.".into()),
        ("office", "reinstated") => (true, "The office's access was reinstated.".into()),
        ("office", "revoked") => (true, "The office's access was revoked.".into()),
        _ => return None,
    })
}

/// Shows the outcome the address holds for one section (`keys`): a status, or an alert for
/// a passkey that did not match.
#[component]
pub(crate) fn Outcome(keys: Vec<&'static str>) -> impl IntoView {
    let query = use_query_map();
    move || {
        query.with(|q| {
            let (good, text) = keys.iter().find_map(|key| notice(key, &q.get(key)?))?;
            Some(if good {
                view! { <p class="notice" role="status">{text}</p> }.into_any()
            } else {
                view! { <p role="alert" class="error-summary">{text}</p> }.into_any()
            })
        })
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::org_registration::tokens;

    pub async fn enrolled(
        Operator(caller): Operator,
    ) -> Result<Vec<EnrolledOrganization>, AppError> {
        let cal = &caller.state.settings.calendar;
        let rows = super::repo::enrolled(&mut *caller.state.db.conn().await?).await?;
        Ok(rows
            .into_iter()
            .map(|row| EnrolledOrganization {
                id: row.id,
                name: row.name,
                city: row.city,
                token: match (row.issued_at, row.expires_at) {
                    (Some(i), Some(e)) => format!(
                        "Issued {}, expires {}",
                        cal.format_date(i),
                        cal.format_date(e)
                    ),
                    _ => "None issued".into(),
                },
            })
            .collect())
    }

    pub async fn issue(
        Operator(caller): Operator,
        organization_id: i64,
    ) -> Result<String, AppError> {
        let state = &caller.state;
        let issued = tokens::issue(
            &state.db,
            &state.settings,
            state.clock.unix(),
            organization_id,
            Some(caller.user_id),
        )
        .await?;
        Ok(format!(
            "A secure token letter for {} is queued for printing and mailing. The token expires on {}.",
            issued.organization_name,
            state.settings.calendar.format_date(issued.expires_at)
        ))
    }
}

#[component]
pub fn OperatorPage() -> impl IntoView {
    view! {
        <Require access=PageAccess::Operator>
            <h1>"Plan Operations"</h1>
            <SecureTokens />
            <publish::PublishCorrespondence />
            <crate::content::BannersConsole />
            <crate::content::ResourcesConsole />
            <crate::referrals::ReferralQueue />
            <crate::disputes::DisputeQueue />
            <offices::SuspendedOffices />
            <offices::OverdueRequests />
            <helpdesk::HelpDesk />
            <helpdesk::ChangeAdmin />
        </Require>
    }
}

#[component]
fn SecureTokens() -> impl IntoView {
    let organizations = page_resource(|| (), |_| enrolled_organizations());
    let chosen = RwSignal::new(String::new());
    let issue = ServerAction::<IssueToken>::new();
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(next)) = issue.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            organizations.refetch();
        }
    });
    let columns = vec![
        Column::text("Organization", |o: &EnrolledOrganization| o.name.clone()),
        Column::text("City", |o: &EnrolledOrganization| o.city.clone()),
        Column::text("Secure token", |o: &EnrolledOrganization| o.token.clone()),
    ];
    let list = Signal::derive(move || organizations.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <section aria-labelledby="secure-tokens">
            <h2 id="secure-tokens">"Secure Tokens"</h2>
            <p>"Enrolled organizations that have not registered. A token is mailed to the organization's pay-to address and works once, for 30 days."</p>
            <Transition>
                <DataTable caption="Enrolled organizations" columns rows=list empty="Every enrolled organization has registered." />
            </Transition>
            <ActionForm action=issue>
                <Gate button="issue-token" needs=Needs::AChoice>
                    <Transition>
                        {move || {
                            let mut options = vec![(String::new(), "Choose an organization".to_string())];
                            options.extend(list.get().into_iter().map(|o| (o.id.to_string(), o.name)));
                            view! { <Select label="Organization" id="issue-organization" options value=chosen name="organization_id" /> }
                        }}
                    </Transition>
                </Gate>
                <ErrorSummary error=action_error(issue) />
                <button type="submit" id="issue-token" class="button primary">"Issue Token"</button>
            </ActionForm>
            <Outcome keys=vec!["issued"] />
        </section>
    }
}
