//! Suspended offices: those whose user verification lapsed, or whose access the plan revoked.
//! "Reinstate" gives an office its access back and starts a new 60 days; "Revoke Access"
//! suspends every user of an office at once (guide 004 §IV).

use super::Outcome;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Operator};
use crate::ui::{action_error, page_resource, Column, DataTable, ErrorSummary, PostButton};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    pub id: i64,
    pub name: String,
    pub suspended: bool,
    /// Why it is suspended, or how long until its verification is due.
    pub status: String,
    /// The plan has the office's signed Provider Portal Access Agreement.
    pub agreement: bool,
}

#[server(endpoint = "operator/offices")]
pub async fn registered_offices() -> Result<Vec<Office>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::offices(operator).await
}

#[server(endpoint = "operator/offices/reinstate")]
pub async fn reinstate_office(organization_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::set_suspended(operator, organization_id, false).await?;
    Ok(super::outcome("office", "reinstated"))
}

/// Records that the office's signed Provider Portal Access Agreement is on file: until then
/// its administrators cannot accept access requests.
#[server(endpoint = "operator/offices/agreement")]
pub async fn record_agreement(organization_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::record_agreement(operator, organization_id).await?;
    Ok(super::outcome("office", "agreement"))
}

/// Ends every user's access to the office but its administrators' "Verify Users": a change
/// to other people's accounts, so it needs the operator's fresh passcode.
#[server(endpoint = "operator/offices/revoke")]
pub async fn revoke_office_access(organization_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR.fresh()).await?;
    ssr::set_suspended(operator, organization_id, true).await?;
    Ok(super::outcome("office", "revoked"))
}

/// An access request no administrator decided within 3 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueRequest {
    pub name: String,
    pub office: String,
    pub sent: String,
}

#[server(endpoint = "operator/overdue-requests")]
pub async fn overdue_access_requests() -> Result<Vec<OverdueRequest>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::overdue(operator).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::admin::ssr::notify_admins;
    use crate::domain::verification::{days_left_at, lapsed};

    pub async fn offices(Operator(caller): Operator) -> Result<Vec<Office>, AppError> {
        let state = &caller.state;
        let now = state.clock.unix();
        let tz = &state.settings.calendar;
        let rows = crate::operator::repo::offices(&mut *state.db.conn().await?).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let (verified, registered, suspended) =
                    (r.verified_at, r.registered_at, r.suspended_at);
                let submitted = r.verification_submitted_at.is_some();
                let days = days_left_at(verified, registered, now, tz);
                let is_lapsed = lapsed(verified, registered, suspended, now, tz);
                Office {
                    id: r.id,
                    name: r.name,
                    agreement: r.access_agreement_at.is_some(),
                    suspended: is_lapsed,
                    status: match (suspended.is_some(), is_lapsed, submitted) {
                        (true, _, _) => "Access revoked by the plan".into(),
                        (_, true, true) => {
                            "Verification overdue; users verified since, waiting for reinstatement"
                                .into()
                        }
                        (_, true, false) => "Verification overdue".into(),
                        _ => format!("Verification due in {days} days"),
                    },
                }
            })
            .collect())
    }

    pub async fn record_agreement(
        Operator(caller): Operator,
        organization_id: i64,
    ) -> Result<(), AppError> {
        let state = &caller.state;
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        if !crate::operator::repo::record_agreement(&mut tx, now, organization_id).await? {
            return Err(AppError::NotFound);
        }
        caller
            .audit(
                "organization.access_agreement",
                format!("organization:{organization_id}"),
            )
            .org(organization_id)
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_suspended(
        Operator(caller): Operator,
        organization_id: i64,
        suspend: bool,
    ) -> Result<(), AppError> {
        let state = &caller.state;
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        // Revoking signs everyone of the office out of it at once; reinstating starts a new
        // 60 days.
        let changed = if suspend {
            crate::operator::repo::revoke(&mut tx, now, organization_id).await?
        } else {
            crate::operator::repo::reinstate(&mut tx, now, organization_id).await?
        };
        if !changed {
            return Err(AppError::NotFound);
        }
        caller
            .audit(
                if suspend {
                    "organization.revoke_access"
                } else {
                    "organization.reinstate"
                },
                format!("organization:{organization_id}"),
            )
            .org(organization_id)
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        if !suspend {
            let body = format!(
                "{} reinstated your office's access. The next user verification is due in 60 days.",
                state.settings.program_name
            );
            notify_admins(
                state,
                organization_id,
                None,
                crate::ssr::repo::notifications::Notice {
                    kind: "verification",
                    title: "Access reinstated",
                    body: &body,
                    link: "/admin/verify",
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Requests no administrator decided within 3 days, for the plan to follow up.
    pub async fn overdue(Operator(caller): Operator) -> Result<Vec<OverdueRequest>, AppError> {
        let state = &caller.state;
        let cutoff =
            state.clock.unix() - crate::access_request::ssr::OVERDUE_DAYS * crate::ssr::clock::DAY;
        let rows =
            crate::operator::repo::undecided_requests(&mut *state.db.conn().await?, cutoff).await?;
        Ok(rows
            .into_iter()
            .map(|(first, last, office, submitted)| OverdueRequest {
                name: format!("{first} {last}"),
                office,
                sent: state.settings.calendar.format_date(submitted),
            })
            .collect())
    }
}

#[component]
pub fn SuspendedOffices() -> impl IntoView {
    let offices = page_resource(|| (), |_| registered_offices());
    let reinstate = ServerAction::<ReinstateOffice>::new();
    let revoke = ServerAction::<RevokeOfficeAccess>::new();
    let agreement = ServerAction::<RecordAgreement>::new();
    let navigate = StoredValue::new(use_navigate());
    for done in [reinstate.value(), revoke.value(), agreement.value()] {
        Effect::new(move |_| {
            if let Some(Ok(next)) = done.get() {
                navigate.with_value(|n| n(&next, Default::default()));
                offices.refetch();
            }
        });
    }
    let failed = [
        action_error(reinstate),
        action_error(revoke),
        action_error(agreement),
    ];
    // Asking for the passcode is the dialog's business, not an error to show.
    let error = Signal::derive(move || {
        failed
            .iter()
            .find_map(|e| e.get())
            .filter(|e| *e != AppError::StepUpRequired)
    });
    // One button form per office and action.
    let columns = move || {
        vec![
            Column::text("Office", |o: &Office| o.name.clone()),
            Column::text("Status", |o: &Office| o.status.clone()),
            Column::new("Access Agreement", move |o: &Office| {
                if o.agreement {
                    view! { <span>"On file"</span> }.into_any()
                } else {
                    let field = ("organization_id", o.id.to_string());
                    view! { <PostButton action=agreement field label="Record Agreement" /> }
                        .into_any()
                }
            }),
            Column::new("Action", move |o: &Office| {
                let field = ("organization_id", o.id.to_string());
                if o.suspended {
                    view! { <PostButton action=reinstate field label="Reinstate" primary=true /> }
                        .into_any()
                } else {
                    view! { <PostButton action=revoke field label="Revoke Access" /> }.into_any()
                }
            }),
        ]
    };
    let rows = Signal::derive(move || offices.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <section aria-labelledby="offices">
            <h2 id="offices">"Suspended Offices"</h2>
            <p>"An office whose user verification is overdue, or whose access the plan revoked, is suspended: only its administrators can sign in, to verify users. Reinstating starts a new 60 days."</p>
            <Outcome keys=vec!["office"] />
            <ErrorSummary error />
            <Transition>
                <DataTable caption="Registered offices" columns=columns() rows empty="No registered offices." />
            </Transition>
        </section>
    }
}

#[component]
pub fn OverdueRequests() -> impl IntoView {
    let rows = page_resource(|| (), |_| overdue_access_requests());
    let list = Signal::derive(move || rows.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <section aria-labelledby="overdue-requests">
            <h2 id="overdue-requests">"Overdue Access Requests"</h2>
            <p>"Requests to join an office that its administrators have not decided within 3 days."</p>
            <Transition>
                <DataTable caption="Overdue access requests" columns=vec![
                    Column::text("Requester", |r: &OverdueRequest| r.name.clone()),
                    Column::text("Office", |r: &OverdueRequest| r.office.clone()),
                    Column::text("Sent", |r: &OverdueRequest| r.sent.clone()),
                ] rows=list empty="None overdue." />
            </Transition>
        </section>
    }
}
