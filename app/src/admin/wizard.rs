//! The three-step permission wizard (guide 000, steps 26–33). Each "Next" and "Back" keeps
//! the draft on the server, so leaving and coming back resumes it; "Save and Finish"
//! applies all three sections at once and shows what was saved.

use super::view::{route_user_id, PermissionSections};
use super::*;
use crate::auth::{PageAccess, Require};
use crate::domain::permissions::{NpiLevel, OrgRole, RolePreset, POSITIONS};
use crate::ui::{
    action_error, field_errors, Checkbox, Column, DataTable, ErrorSummary, Field, FlowSteps, Modal,
    Select, WizardFlow,
};
use leptos_router::hooks::use_query_map;

const STEPS: &[&str] = &[
    "Step 1: Assign NPI Permissions",
    "Step 2: Assign Correspondence Permissions",
    "Step 3: Assign Permissions Across Organization",
];

#[component]
pub fn PermissionWizardPage() -> impl IntoView {
    let user_id = route_user_id();
    let query = use_query_map();
    let save = ServerAction::<SaveWizardStep>::new();
    let flow = FlowSteps::new().after(save);
    // "Edit" on a section opens the wizard there; after that, the draft's step counts.
    let opened: Option<usize> =
        query.with_untracked(|q| q.get("step").and_then(|s| s.parse().ok()));
    let data = Resource::new(
        move || (user_id.get(), flow.version()),
        move |(id, moved)| permission_wizard(id, if moved == 0 { opened } else { None }),
    );
    view! {
        <Require access=PageAccess::OrgAdmin>
            <WizardFlow
                label="Assign permissions"
                steps=STEPS
                step=data
                position=|d: &WizardData| Some(d.step.min(2))
                view=move |d: WizardData| view! { <WizardForm data=d save /> }
            />
        </Require>
    }
}

fn level_value(level: Option<NpiLevel>) -> String {
    match level {
        Some(NpiLevel::Admin) => "admin",
        Some(NpiLevel::Processor) => "processor",
        None => "none",
    }
    .into()
}

fn level_options() -> Vec<(String, String)> {
    [
        ("admin", "Admin"),
        ("processor", "Processor"),
        ("none", "None"),
    ]
    .into_iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .collect()
}

/// One step of the wizard, editing the draft's permissions; "Next" and "Back" save the draft
/// and the server answers the step to show.
#[component]
fn WizardForm(data: WizardData, save: ServerAction<SaveWizardStep>) -> impl IntoView {
    let user_id = data.user_id;
    let editing = data.editing;
    let step = data.step.min(2);
    let set = RwSignal::new(data.set.clone());
    let npis = StoredValue::new(data.npis.clone());
    let types = data.correspondence_types.clone();
    let finish = ServerAction::<FinishWizard>::new();
    let finished = move || matches!(finish.value().get(), Some(Ok(())));
    let reason = RwSignal::new(String::new());
    let save_error = action_error(save);
    let finish_error = action_error(finish);
    let error = Signal::derive(move || save_error.get().or_else(|| finish_error.get()));
    let field_error = field_errors(move || error.get());
    let pending = move || save.pending().get() || finish.pending().get();
    let go = move |to: usize| {
        save.dispatch(SaveWizardStep {
            user_id,
            step: to,
            set: set.get_untracked(),
        });
    };
    let done = move || {
        finish.dispatch(FinishWizard {
            user_id,
            set: set.get_untracked(),
            reason: reason.get_untracked(),
        });
    };
    let body = match step {
        0 => view! { <NpiStep set npis=npis.get_value() /> }.into_any(),
        1 => view! { <CorrespondenceStep set npis=npis.get_value() types /> }.into_any(),
        _ => view! { <OrganizationStep set editing reason field_error /> }.into_any(),
    };
    let buttons = match step {
        0 => view! {
            <button class="button primary" disabled=pending on:click=move |_| go(1)>"Next"</button>
        }.into_any(),
        1 => view! {
            <button class="button" disabled=pending on:click=move |_| go(0)>"Back"</button>
            <button class="button primary" disabled=pending on:click=move |_| go(2)>"Next"</button>
        }.into_any(),
        _ => view! {
            <button class="button" disabled=pending on:click=move |_| go(1)>"Back"</button>
            <button class="button primary" disabled=pending on:click=move |_| done()>"Save and Finish"</button>
        }.into_any(),
    };
    view! {
        <Show
            when=finished
            fallback=move || view! {
                <h1>{STEPS[step]}</h1>
                <p>{format!("Permissions for {}", data.user_name)}</p>
                <ErrorSummary error />
            }
        >
            <h1>"Permissions Saved"</h1>
            <Confirmation set=set.get_untracked() npis=npis.get_value() user_id />
            <div class="actions">
                <a class="button" href=format!("/admin/users/{user_id}")>"Back to User Management and Permissions"</a>
            </div>
        </Show>
        <div hidden=finished>
            {body}
            <div class="actions">{buttons}</div>
        </div>
    }
}

#[component]
fn NpiStep(set: RwSignal<PermissionSet>, npis: Vec<NpiOption>) -> impl IntoView {
    // One signal per NPI, read from the draft once; every change is written back to it.
    let choices: Vec<(i64, RwSignal<String>)> = npis
        .iter()
        .map(|n| {
            let level = set.with_untracked(|s| s.npis.get(&n.provider_id).copied());
            (n.provider_id, RwSignal::new(level_value(level)))
        })
        .collect();
    let quick = RwSignal::new(String::new());
    {
        let choices = choices.clone();
        Effect::new(move |_| {
            let chosen = quick.get();
            if !chosen.is_empty() {
                for (_, value) in &choices {
                    value.set(chosen.clone());
                }
            }
        });
    }
    {
        let choices = choices.clone();
        Effect::new(move |_| {
            let levels: Vec<(i64, Option<NpiLevel>)> = choices
                .iter()
                .map(|(id, value)| (*id, NpiLevel::parse(&value.get())))
                .collect();
            set.update(|s| {
                s.npis = levels
                    .into_iter()
                    .filter_map(|(id, level)| level.map(|l| (id, l)))
                    .collect();
            });
        });
    }
    type Row = (NpiOption, RwSignal<String>);
    let rows: Vec<Row> = npis
        .into_iter()
        .zip(choices.into_iter().map(|(_, value)| value))
        .collect();
    let columns = vec![
        Column::text("NPI", |r: &Row| r.0.npi.clone()),
        Column::text("Provider", |r: &Row| r.0.name.clone()),
        Column::new("Permission", |(n, value): &Row| {
            view! { <Select label=n.npi.clone() id=format!("npi-{}", n.provider_id) options=level_options() value=*value visible_label=false /> }
                .into_any()
        }),
    ];
    let mut quick_options = vec![(String::new(), "Choose a level".to_string())];
    quick_options.extend(level_options());
    view! {
        <p>"Required. Choose what the user may do for each NPI: Admin (view and reset PINs, tax documents and the correspondence granted), Processor (notifications; search, read and export correspondence) or None."</p>
        <Select label="Quick Assign to All NPIs" options=quick_options value=quick />
        <DataTable caption="NPI permissions" columns rows=Signal::stored(rows) empty="The organization has no NPIs." />
    }
}

#[component]
fn CorrespondenceStep(
    set: RwSignal<PermissionSet>,
    npis: Vec<NpiOption>,
    types: Vec<String>,
) -> impl IntoView {
    // Only the NPIs the user now holds.
    let held: Vec<NpiOption> = npis
        .into_iter()
        .filter(|n| set.with_untracked(|s| s.npis.contains_key(&n.provider_id)))
        .collect();
    let selected: Vec<(i64, RwSignal<bool>)> = held
        .iter()
        .map(|n| (n.provider_id, RwSignal::new(false)))
        .collect();
    let dialog = RwSignal::new(false);
    let targets = RwSignal::new(Vec::<i64>::new());
    let chosen: Vec<(String, RwSignal<bool>)> = types
        .iter()
        .map(|t| (t.clone(), RwSignal::new(false)))
        .collect();
    let chosen = StoredValue::new(chosen);
    let open = move |ids: Vec<i64>| {
        // Starts from what the first NPI has.
        let current = ids
            .first()
            .and_then(|id| set.with_untracked(|s| s.correspondence.get(id).cloned()))
            .unwrap_or_default();
        chosen.with_value(|c| {
            for (t, on) in c {
                on.set(current.contains(t));
            }
        });
        targets.set(ids);
        dialog.set(true);
    };
    let save = move || {
        let picked: Vec<String> = chosen.with_value(|c| {
            c.iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(t, _)| t.clone())
                .collect()
        });
        set.update(|s| {
            for id in targets.get_untracked() {
                s.correspondence.insert(id, picked.clone());
            }
            s.prune_correspondence();
        });
        dialog.set(false);
    };
    let selection = selected.clone();
    let manage_selected = move |_| {
        let ids: Vec<i64> = selection
            .iter()
            .filter(|(_, on)| on.get_untracked())
            .map(|(id, _)| *id)
            .collect();
        if !ids.is_empty() {
            open(ids);
        }
    };
    let any_selected = {
        let selected = selected.clone();
        move || selected.iter().any(|(_, on)| on.get())
    };
    type Row = (NpiOption, RwSignal<bool>);
    let rows: Vec<Row> = held
        .into_iter()
        .zip(selected.into_iter().map(|(_, on)| on))
        .collect();
    let columns = vec![
        Column::new("NPI", |(n, on): &Row| {
            view! { <Checkbox label=format!("{} ({})", n.name, n.npi) checked=*on /> }.into_any()
        }),
        Column::new("Correspondence Permissions", move |(n, _): &Row| {
            let id = n.provider_id;
            let listed = move || {
                set.with(|s| {
                    s.correspondence
                        .get(&id)
                        .map(|t| t.join(", "))
                        .unwrap_or_else(|| "None".into())
                })
            };
            view! { <span>{listed}</span> }.into_any()
        }),
        Column::new("Manage", move |(n, _): &Row| {
            let id = n.provider_id;
            view! { <button type="button" class="button" on:click=move |_| open(vec![id])>"Manage"</button> }.into_any()
        }),
    ];
    view! {
        <p>"Optional. Choose which correspondence the user may see for each NPI they hold. Select NPIs and choose “Manage Selected”, or “Manage” for one NPI."</p>
        <div class="section-header">
            <span></span>
            <button type="button" class="button" disabled=move || !any_selected() on:click=manage_selected>"Manage Selected"</button>
        </div>
        <DataTable caption="Correspondence permissions" columns rows=Signal::stored(rows) empty="The user holds no NPI. Go back to step 1 to assign NPIs first." />
        <Modal open=dialog title="Manage Correspondence Permissions">
            <fieldset>
                <legend>"Correspondence types"</legend>
                {move || chosen.with_value(|c| {
                    c.iter()
                        .map(|(t, on)| view! { <Checkbox label=t.clone() checked=*on /> })
                        .collect_view()
                })}
            </fieldset>
            <button type="button" class="button primary" on:click=move |_| save()>"Save"</button>
        </Modal>
    }
}

#[component]
fn OrganizationStep(
    set: RwSignal<PermissionSet>,
    editing: bool,
    reason: RwSignal<String>,
    field_error: impl Fn(&'static str) -> Signal<Option<String>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let initial = set.get_untracked();
    let role = RwSignal::new(initial.org_role.as_str().to_string());
    let preset = RwSignal::new(initial.preset.label().to_string());
    let position = RwSignal::new(initial.position.clone());
    let other = RwSignal::new(initial.position_other.clone());
    let modules: Vec<(Module, RwSignal<bool>)> = Module::ALL
        .into_iter()
        .map(|m| (m, RwSignal::new(initial.modules.contains(&m))))
        .collect();
    // A role preset ticks its modules; ticking by hand makes the role "Custom Setup".
    {
        let modules = modules.clone();
        Effect::new(move |_| {
            if let Some(granted) = RolePreset::parse(&preset.get()).and_then(RolePreset::modules) {
                for (m, on) in &modules {
                    on.set(granted.contains(m));
                }
            }
        });
    }
    {
        let modules = modules.clone();
        Effect::new(move |_| {
            let picked: Vec<Module> = modules
                .iter()
                .filter(|(_, on)| on.get())
                .map(|(m, _)| *m)
                .collect();
            let chosen =
                RolePreset::parse(&preset.get_untracked()).unwrap_or(RolePreset::CustomSetup);
            if chosen
                .modules()
                .is_some_and(|g| g.len() != picked.len() || !g.iter().all(|m| picked.contains(m)))
            {
                preset.set(RolePreset::CustomSetup.label().to_string());
            }
            set.update(|s| s.modules = picked);
        });
    }
    Effect::new(move |_| {
        let (r, p, pos, o) = (role.get(), preset.get(), position.get(), other.get());
        set.update(|s| {
            s.org_role = OrgRole::parse(&r);
            s.preset = RolePreset::parse(&p).unwrap_or(RolePreset::CustomSetup);
            s.position = pos;
            s.position_other = o;
        });
    });
    let role_options = [OrgRole::Admin, OrgRole::Processor, OrgRole::None]
        .into_iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect();
    let preset_options = RolePreset::ALL
        .into_iter()
        .map(|p| (p.label().to_string(), p.label().to_string()))
        .collect();
    let mut position_options = vec![(String::new(), "Choose a position".to_string())];
    position_options.extend(POSITIONS.iter().map(|p| (p.to_string(), p.to_string())));
    let boxes = modules
        .into_iter()
        .map(|(m, on)| view! { <Checkbox label=m.label() checked=on /> })
        .collect_view();
    view! {
        <p>"Admin lets the user add, remove and change users of your organization. The user role sets the security settings; change them to make a custom setup."</p>
        <Select label="Organization Permission" options=role_options value=role error=field_error("org_role") />
        <Select label="User Role" options=preset_options value=preset />
        <fieldset>
            <legend>"Security settings"</legend>
            {boxes}
        </fieldset>
        <Select label="Position" options=position_options value=position error=field_error("position") />
        <Show when=move || position.get() == "Other">
            <Field label="Other Position" value=other error=field_error("position_other") />
        </Show>
        {editing.then(|| view! {
            <Field label="Reason" value=reason error=field_error("reason") hint="Required when the organization permission, role, security settings or position change." />
        })}
    }
}

#[component]
fn Confirmation(set: PermissionSet, npis: Vec<NpiOption>, user_id: i64) -> impl IntoView {
    view! {
        <p role="status">"The permissions were saved."</p>
        <PermissionSections set npis user_id link=true />
    }
}
