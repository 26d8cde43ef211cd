//! "Task List" (guide 004 §III): the office's pending access requests, each accepted with a
//! role, security settings and position, or declined with a reason.

use super::role::RoleSettings;
use crate::auth::{PageAccess, Require};
use crate::domain::permissions::POSITIONS;
use crate::domain::permissions::{Module, RolePreset};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{action_error, field_errors, page_resource, ErrorSummary, Field, Reveal, Select};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

/// A request in the Task List.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub provider: String,
    pub submitted: String,
    /// The requester already has an account (a "My Collections" request).
    pub existing_user: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub row: TaskRow,
    pub mobile: String,
    pub provider_address: String,
    pub position: String,
    pub position_other: String,
}

/// The Org Admin's answer to a request, as its form posts it (`decision[…]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Decision {
    pub accept: bool,
    pub preset: RolePreset,
    pub modules: Vec<Module>,
    pub position: String,
    pub position_other: String,
    /// Required to decline.
    pub reason: String,
}

#[server(endpoint = "admin/tasks")]
pub async fn task_list() -> Result<Vec<TaskRow>, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    super::ssr::tasks::tasks(admin).await
}

#[server(endpoint = "admin/tasks/detail")]
pub async fn load_task(id: i64) -> Result<TaskDetail, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    super::ssr::tasks::task(admin, id).await
}

/// "Save" under Accept or Decline; answers (and leads to) the Task List saying what was done.
#[server(endpoint = "admin/tasks/decide")]
pub async fn decide_task(id: i64, decision: Decision) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    let accept = decision.accept;
    super::ssr::tasks::decide(admin, id, decision).await?;
    let done = format!(
        "/admin/tasks?done={}",
        if accept { "accepted" } else { "declined" }
    );
    Ok(crate::ssr::follow(&done))
}

/// The notice a decision leaves on the Task List.
fn done_notice(done: Option<String>) -> Option<&'static str> {
    match done.as_deref() {
        Some("accepted") => Some("The request was accepted."),
        Some("declined") => Some("The request was declined."),
        _ => None,
    }
}

#[component]
pub fn TaskListPage() -> impl IntoView {
    let query = use_query_map();
    let chosen = Signal::derive(move || query.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let list = page_resource(move || chosen.get(), |_| task_list());
    let detail = page_resource(
        move || chosen.get(),
        |id| async move {
            match id {
                Some(id) => load_task(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let done = move || done_notice(query.read().get("done"));
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Task List"</h1>
            {move || done().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {Suspend::new(async move {
                    match detail.await {
                        Ok(Some(d)) => view! { <Request detail=d /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Suspense>
            <section aria-labelledby="requests">
                <h2 id="requests">"Requests to join your office"</h2>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {Suspend::new(async move {
                        match list.await {
                            Ok(rows) if rows.is_empty() => view! { <p>"No requests are waiting."</p> }.into_any(),
                            Ok(rows) => view! {
                                <ul class="task-list">
                                    {rows.into_iter().map(|t| view! {
                                        <li>
                                            <a href=format!("/admin/tasks?id={}", t.id)>{format!("{} requests access", t.name)}</a>
                                            <span class="hint">{format!(" — {}, sent {}", t.provider, t.submitted)}</span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <p><a href="/admin/users">"Back to User Management"</a></p>
        </Require>
    }
}

/// One request: "Accept" or "Decline" (a choice kept in the address, so it works before the
/// browser app loads), then the form that decides it.
#[component]
fn Request(detail: TaskDetail) -> impl IntoView {
    let query = use_query_map();
    let navigate = StoredValue::new(use_navigate());
    let id = detail.row.id;
    // None: choosing; Some(true): accepting; Some(false): declining.
    let mode = Signal::derive(move || match query.read().get("decide").as_deref() {
        Some("accept") => Some(true),
        Some("decline") => Some(false),
        _ => None,
    });
    let position = RwSignal::new(if POSITIONS.contains(&detail.position.as_str()) {
        detail.position.clone()
    } else {
        String::new()
    });
    let other = RwSignal::new(detail.position_other.clone());
    let reason = RwSignal::new(String::new());
    let action = ServerAction::<DecideTask>::new();
    Effect::new(move |_| {
        if let Some(Ok(done)) = action.value().get() {
            navigate.with_value(|n| n(&done, Default::default()));
        }
    });
    let error = action_error(action);
    let field_error = field_errors(move || error.get());
    let mut positions = vec![(String::new(), "Choose a position".to_string())];
    positions.extend(POSITIONS.iter().map(|p| (p.to_string(), p.to_string())));
    let positions = StoredValue::new(positions);
    let row = detail.row.clone();
    let hidden = move |accept: bool| {
        view! {
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="decision[accept]" value=accept.to_string() />
        }
    };
    view! {
        <section aria-labelledby="request" class="card">
            <h2 id="request">{format!("Request from {}", row.name)}</h2>
            <dl class="facts">
                <dt>"Email Address"</dt><dd>{row.email.clone()}</dd>
                <dt>"Mobile Number"</dt><dd>{detail.mobile.clone()}</dd>
                <dt>"Provider"</dt><dd>{row.provider.clone()}</dd>
                <dt>"Provider Address"</dt><dd>{detail.provider_address.clone()}</dd>
                <dt>"Position"</dt><dd>{if detail.position == "Other" { detail.position_other.clone() } else { detail.position.clone() }}</dd>
                <dt>"Sent"</dt><dd>{row.submitted.clone()}</dd>
            </dl>
            <Form method="GET" action="/admin/tasks">
                <input type="hidden" name="id" value=id.to_string() />
                <div class="actions">
                    <button type="submit" name="decide" value="accept" class="button primary"
                        aria-pressed=move || (mode.get() == Some(true)).to_string()>"Accept"</button>
                    <button type="submit" name="decide" value="decline" class="button"
                        aria-pressed=move || (mode.get() == Some(false)).to_string()>"Decline"</button>
                </div>
            </Form>
            <ErrorSummary error beside_fields=true />
            {move || match mode.get() {
                Some(true) => view! {
                    <ActionForm action attr:novalidate=true>
                        {hidden(true)}
                        <RoleSettings prefix="decision" preset=RolePreset::EligibilityViewer modules=vec![Module::Eligibility] />
                        <Select label="Position" options=positions.get_value() value=position error=field_error("position") name="decision[position]" />
                        <Reveal name="decision[position]" value="Other">
                            <Field label="Other Position" value=other error=field_error("position_other") name="decision[position_other]"
                                hint="Only when the position is Other." />
                        </Reveal>
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>"Save"</button>
                    </ActionForm>
                }.into_any(),
                Some(false) => view! {
                    <ActionForm action attr:novalidate=true>
                        {hidden(false)}
                        <Field label="Reason" value=reason error=field_error("reason") name="decision[reason]"
                            hint="The requester receives this reason by email." />
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>"Save"</button>
                    </ActionForm>
                }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}
