//! "Task List" (guide 004 §III): the office's pending access requests, each accepted with a
//! role, security settings and position, or declined with a reason.

use crate::auth::{PageAccess, Require};
use crate::domain::permissions::POSITIONS;
use crate::domain::permissions::{Module, RolePreset};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{field_errors, Checkbox, ErrorSummary, Field, Select, Toasts};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
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

/// The Org Admin's answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

#[server(endpoint = "admin/tasks/decide", input = Json)]
pub async fn decide_task(id: i64, decision: Decision) -> Result<(), AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    super::ssr::tasks::decide(admin, id, decision).await
}

#[component]
pub fn TaskListPage() -> impl IntoView {
    let query = use_query_map();
    let chosen = Signal::derive(move || query.read().get("id").and_then(|v| v.parse::<i64>().ok()));
    let list = Resource::new(move || chosen.get(), |_| task_list());
    let detail = Resource::new(
        move || chosen.get(),
        |id| async move {
            match id {
                Some(id) => load_task(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Task List"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || detail.get().map(|r| match r {
                    Ok(Some(d)) => view! { <Request detail=d /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                })}
            </Suspense>
            <section aria-labelledby="requests">
                <h2 id="requests">"Requests to join your office"</h2>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || list.get().map(|r| match r {
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
                    })}
                </Suspense>
            </section>
            <p><a href="/admin/users">"Back to User Management"</a></p>
        </Require>
    }
}

#[component]
fn Request(detail: TaskDetail) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let navigate = StoredValue::new(use_navigate());
    let id = detail.row.id;
    // None: choosing; Some(true): accepting; Some(false): declining.
    let mode = RwSignal::new(None::<bool>);
    let preset = RwSignal::new(RolePreset::EligibilityViewer.label().to_string());
    let position = RwSignal::new(if POSITIONS.contains(&detail.position.as_str()) {
        detail.position.clone()
    } else {
        String::new()
    });
    let other = RwSignal::new(detail.position_other.clone());
    let reason = RwSignal::new(String::new());
    let modules: Vec<(Module, RwSignal<bool>)> = Module::ALL
        .into_iter()
        .map(|m| (m, RwSignal::new(false)))
        .collect();
    let modules = StoredValue::new(modules);
    Effect::new(move |_| {
        if let Some(granted) = RolePreset::parse(&preset.get()).and_then(RolePreset::modules) {
            modules.with_value(|ms| {
                for (m, on) in ms {
                    on.set(granted.contains(m));
                }
            });
        }
    });
    let action = ServerAction::<DecideTask>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toasts.push(if mode.get_untracked() == Some(true) {
                "The request was accepted."
            } else {
                "The request was declined."
            });
            navigate.with_value(|n| n("/admin/tasks", Default::default()));
        }
    });
    let error = move || action.value().get().and_then(Result::err);
    let field_error = field_errors(error);
    let save = move || {
        let accept = mode.get_untracked() == Some(true);
        let picked: Vec<Module> = modules.with_value(|ms| {
            ms.iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(m, _)| *m)
                .collect()
        });
        // Settings ticked by hand make the role a custom setup.
        let chosen = RolePreset::parse(&preset.get_untracked()).unwrap_or(RolePreset::CustomSetup);
        let preset = match chosen.modules() {
            Some(granted)
                if granted.len() == picked.len() && granted.iter().all(|m| picked.contains(m)) =>
            {
                chosen
            }
            _ => RolePreset::CustomSetup,
        };
        action.dispatch(DecideTask {
            id,
            decision: Decision {
                accept,
                preset,
                modules: picked,
                position: position.get_untracked(),
                position_other: other.get_untracked(),
                reason: reason.get_untracked(),
            },
        });
    };
    let presets: Vec<(String, String)> = RolePreset::ALL
        .iter()
        .map(|p| (p.label().to_string(), p.label().to_string()))
        .collect();
    let mut positions = vec![(String::new(), "Choose a position".to_string())];
    positions.extend(POSITIONS.iter().map(|p| (p.to_string(), p.to_string())));
    let row = detail.row.clone();
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
            <div class="actions">
                <button class="button primary" aria-pressed=move || (mode.get() == Some(true)).to_string() on:click=move |_| mode.set(Some(true))>"Accept"</button>
                <button class="button" aria-pressed=move || (mode.get() == Some(false)).to_string() on:click=move |_| mode.set(Some(false))>"Decline"</button>
            </div>
            <ErrorSummary error=Signal::derive(error) beside_fields=true />
            {move || match mode.get() {
                Some(true) => view! {
                    <form novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                        <Select label="User Role" options=presets.clone() value=preset />
                        <fieldset>
                            <legend>"Security settings"</legend>
                            {modules.with_value(|ms| ms.iter().map(|(m, on)| view! { <Checkbox label=m.label() checked=*on /> }).collect_view())}
                        </fieldset>
                        <Select label="Position" options=positions.clone() value=position error=field_error("position") />
                        <Show when=move || position.get() == "Other">
                            <Field label="Other Position" value=other error=field_error("position_other") />
                        </Show>
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>"Save"</button>
                    </form>
                }.into_any(),
                Some(false) => view! {
                    <form novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                        <Field label="Reason" value=reason error=field_error("reason") hint="The requester receives this reason by email." />
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>"Save"</button>
                    </form>
                }.into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}
