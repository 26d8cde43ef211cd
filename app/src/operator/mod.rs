//! "Plan Operations": the plan staff's console. Here: issuing secure tokens to enrolled
//! organizations, mailed to them as letters (the same as `server issue-token`), and
//! reinstating or suspending offices.

mod helpdesk;
mod offices;
#[cfg(feature = "ssr")]
mod repo;

use crate::auth::{PageAccess, Require};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Operator};
use crate::ui::{Column, DataTable, ErrorSummary, Select};
use leptos::prelude::*;
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

/// Issues a token and queues its letter; answers the confirmation to show.
#[server(endpoint = "operator/issue-token")]
pub async fn issue_token(organization_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::issue(operator, organization_id).await
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
            state.clock.unix(),
            &state.settings.program_name,
            &state.settings.calendar,
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
            <offices::SuspendedOffices />
            <offices::OverdueRequests />
            <helpdesk::HelpDesk />
            <helpdesk::ChangeAdmin />
        </Require>
    }
}

#[component]
fn SecureTokens() -> impl IntoView {
    let organizations = Resource::new(|| (), |_| enrolled_organizations());
    let chosen = RwSignal::new(String::new());
    let issue = ServerAction::<IssueToken>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = issue.value().get() {
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
            <form on:submit=move |ev| {
                ev.prevent_default();
                if let Ok(id) = chosen.get_untracked().parse() {
                    issue.dispatch(IssueToken { organization_id: id });
                }
            }>
                <Transition>
                    {move || {
                        let mut options = vec![(String::new(), "Choose an organization".to_string())];
                        options.extend(list.get().into_iter().map(|o| (o.id.to_string(), o.name)));
                        view! { <Select label="Organization" id="issue-organization" options value=chosen /> }
                    }}
                </Transition>
                <ErrorSummary error=Signal::derive(move || issue.value().get().and_then(Result::err)) />
                <button type="submit" class="button primary" disabled=move || chosen.get().is_empty()>"Issue Token"</button>
            </form>
            {move || issue.value().get().and_then(Result::ok).map(|message| view! { <p role="status">{message}</p> })}
        </section>
    }
}
