//! The three-step permission wizard (guide 000, steps 26–33). Each "Next" and "Back" keeps
//! the draft on the server, so leaving and coming back resumes it; "Save and Finish"
//! applies all three sections at once and shows what was saved.

use super::role::RoleSettings;
use super::view::{route_user_id, PermissionSections};
use super::*;
use crate::auth::{PageAccess, Require};
use crate::domain::permissions::{NpiLevel, OrgRole, POSITIONS};
use crate::ui::{
    action_error, answer_keeps, field_errors, page_resource, Checkbox, Column, CopyChoice,
    DataTable, ErrorSummary, Field, FlowSteps, Gate, Modal, Needs, Reveal, Select, WizardFlow,
};
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

const STEPS: &[&str] = &[
    "Step 1: Assign NPI Permissions",
    "Step 2: Assign Correspondence Permissions",
    "Step 3: Assign Permissions Across Organization",
];

#[component]
pub fn PermissionWizardPage() -> impl IntoView {
    let user_id = route_user_id();
    let query = use_query_map();
    let navigate = StoredValue::new(use_navigate());
    let save = ServerAction::<SaveWizardStep>::new();
    let manage = ServerAction::<SaveWizardCorrespondence>::new();
    // The address names the step ("Edit" on a section opens the wizard there); without one,
    // the draft's step counts. Each form answers the address to go to next.
    let step = Signal::derive(move || query.read().get("step").and_then(|s| s.parse().ok()));
    // "Next" and "Back" answer another step's address, which asks for that step by itself;
    // "Save" in the dialog stays on its step.
    let flow = FlowSteps::new()
        .after_staying(save, move |to: &String| {
            step.get_untracked()
                .is_some_and(|at: usize| answer_keeps(to, "step", &at.to_string()))
        })
        .after(manage);
    let data = page_resource(
        move || (user_id.get(), step.get(), flow.version()),
        move |(id, step, _)| permission_wizard(id, step),
    );
    for action in [save.value(), manage.value()] {
        Effect::new(move |_| {
            if let Some(Ok(next)) = action.get() {
                navigate.with_value(|n| n(&next, Default::default()));
            }
        });
    }
    view! {
        <Require access=PageAccess::OrgAdmin>
            <WizardFlow
                label="Assign permissions"
                steps=STEPS
                step=data
                position=|d: &WizardData| (d.step < 3).then_some(d.step)
                view=move |d: WizardData| view! { <WizardForm data=d save manage /> }
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

/// One step of the wizard as a form: "Back", "Next" and "Save and Finish" post the step's part
/// (`to` says where to go), and the server answers the address of the step to show.
#[component]
fn WizardForm(
    data: WizardData,
    save: ServerAction<SaveWizardStep>,
    manage: ServerAction<SaveWizardCorrespondence>,
) -> impl IntoView {
    let user_id = data.user_id;
    if data.step >= 3 {
        return view! {
            <h1>"Permissions Saved"</h1>
            <Confirmation set=data.set npis=data.npis user_id />
            <div class="actions">
                <a class="button" href=format!("/admin/users/{user_id}")>"Back to User Management and Permissions"</a>
            </div>
        }
        .into_any();
    }
    let step = data.step;
    let error = action_error(save);
    let field_error = field_errors(move || error.get());
    let pending = move || save.pending().get();
    // Step 2's table and dialog are forms of their own, so they stand before the step's form.
    let (before, inside) = match step {
        0 => (
            ().into_any(),
            view! { <NpiStep set=data.set.clone() npis=data.npis.clone() /> }.into_any(),
        ),
        1 => (
            view! { <CorrespondenceStep data=data.clone() manage /> }.into_any(),
            ().into_any(),
        ),
        _ => (
            ().into_any(),
            view! { <OrganizationStep set=data.set.clone() editing=data.editing field_error /> }
                .into_any(),
        ),
    };
    // The button that goes on comes first, so Enter in a field goes on; the row shows "Back"
    // on the left.
    let buttons = match step {
        0 => view! {
            <button type="submit" name="to" value="1" class="button primary" disabled=pending>"Next"</button>
        }.into_any(),
        1 => view! {
            <button type="submit" name="to" value="2" class="button primary" disabled=pending>"Next"</button>
            <button type="submit" name="to" value="0" class="button" disabled=pending>"Back"</button>
        }.into_any(),
        _ => view! {
            <button type="submit" name="to" value="finish" class="button primary" disabled=pending>"Save and Finish"</button>
            <button type="submit" name="to" value="1" class="button" disabled=pending>"Back"</button>
        }.into_any(),
    };
    view! {
        <h1>{STEPS[step]}</h1>
        <p>{format!("Permissions for {}", data.user_name)}</p>
        <ErrorSummary error beside_fields=true />
        {before}
        <ActionForm action=save attr:novalidate=true>
            <input type="hidden" name="user_id" value=user_id.to_string() />
            <input type="hidden" name="from" value=step.to_string() />
            {inside}
            <div class="actions forward-first">{buttons}</div>
        </ActionForm>
    }
    .into_any()
}
#[component]
fn NpiStep(set: PermissionSet, npis: Vec<NpiOption>) -> impl IntoView {
    // The quick level is copied to every select in the browser; without the app, the server
    // gives every NPI the quick level posted.
    let quick = RwSignal::new(String::new());
    type Row = (NpiOption, RwSignal<String>);
    let rows: Vec<Row> = npis
        .into_iter()
        .map(|n| {
            let level = level_value(set.npis.get(&n.provider_id).copied());
            (n, RwSignal::new(level))
        })
        .collect();
    let columns = vec![
        Column::text("NPI", |r: &Row| r.0.npi.clone()),
        Column::text("Provider", |r: &Row| r.0.name.clone()),
        Column::new("Permission", |(n, value): &Row| {
            view! {
                <Select label=n.npi.clone() id=format!("npi-{}", n.provider_id) options=level_options() value=*value
                    visible_label=false name=format!("form[npi][{}]", n.provider_id) />
            }
            .into_any()
        }),
    ];
    let mut quick_options = vec![(String::new(), "Choose a level".to_string())];
    quick_options.extend(level_options());
    view! {
        <p>"Required. Choose what the user may do for each NPI: Admin (view and reset PINs, tax documents and the correspondence granted), Processor (notifications; search, read and export correspondence) or None."</p>
        <Select label="Quick Assign to All NPIs" options=quick_options value=quick name="form[quick]" />
        <CopyChoice from="form[quick]" to="form[npi]" />
        <DataTable caption="NPI permissions" columns rows=Signal::stored(rows) empty="The organization has no NPIs." />
    }
}

/// The NPIs the address asks to manage: one ("Manage") or those ticked ("Manage Selected").
fn managed(query: &leptos_router::params::ParamsMap, held: &[i64]) -> Vec<i64> {
    let asked = match query.get("only") {
        Some(one) => vec![one],
        None => query.get_all("manage").unwrap_or_default(),
    };
    asked
        .iter()
        .filter_map(|id| id.parse().ok())
        .filter(|id| held.contains(id))
        .collect()
}

/// Step 2: a GET form picks the NPIs whose dialog opens (so it opens before the browser app
/// loads); the dialog's form saves their types into the draft.
#[component]
fn CorrespondenceStep(
    data: WizardData,
    manage: ServerAction<SaveWizardCorrespondence>,
) -> impl IntoView {
    let user_id = data.user_id;
    let set = data.set;
    let here = format!("/admin/users/{user_id}/permissions");
    // Only the NPIs the user now holds.
    let held: Vec<NpiOption> = data
        .npis
        .into_iter()
        .filter(|n| set.npis.contains_key(&n.provider_id))
        .collect();
    let held_ids: Vec<i64> = held.iter().map(|n| n.provider_id).collect();
    let query = use_query_map();
    let targets = Signal::derive(move || query.with(|q| managed(q, &held_ids)));
    let open = RwSignal::new(!targets.get_untracked().is_empty());
    Effect::new(move |_| open.set(!targets.get().is_empty()));
    let selected: Vec<RwSignal<bool>> = held.iter().map(|_| RwSignal::new(false)).collect();
    let current = StoredValue::new(set.correspondence.clone());
    let types = StoredValue::new(data.correspondence_types);
    let error = action_error(manage);
    type Row = (NpiOption, RwSignal<bool>);
    let rows: Vec<Row> = held.into_iter().zip(selected).collect();
    let columns = vec![
        Column::new("NPI", |(n, on): &Row| {
            view! {
                <Checkbox label=format!("{} ({})", n.name, n.npi) checked=*on name="manage" value=n.provider_id.to_string() />
            }
            .into_any()
        }),
        Column::new("Correspondence Permissions", move |(n, _): &Row| {
            let listed = current.with_value(|c| {
                c.get(&n.provider_id)
                    .map(|t| t.join(", "))
                    .unwrap_or_else(|| "None".into())
            });
            view! { <span>{listed}</span> }.into_any()
        }),
        Column::new("Manage", |(n, _): &Row| {
            view! {
                <button type="submit" class="button" name="only" value=n.provider_id.to_string()
                    aria-label=format!("Manage {}", n.npi)>"Manage"</button>
            }
            .into_any()
        }),
    ];
    let dialog_form = move || {
        let ids = targets.get();
        // Starts from what the first NPI has.
        let first: Vec<String> = ids
            .first()
            .and_then(|id| current.with_value(|c| c.get(id).cloned()))
            .unwrap_or_default();
        view! {
            <ActionForm action=manage>
                <input type="hidden" name="user_id" value=user_id.to_string() />
                {ids.iter().map(|id| view! { <input type="hidden" name="providers[]" value=id.to_string() /> }).collect_view()}
                <ErrorSummary error />
                <fieldset>
                    <legend>"Correspondence types"</legend>
                    {types.get_value().into_iter().map(|t| {
                        let on = RwSignal::new(first.contains(&t));
                        view! { <Checkbox label=t.clone() checked=on name="types[]" value=t /> }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button primary" disabled=move || manage.pending().get()>"Save"</button>
            </ActionForm>
        }
    };
    view! {
        <p>"Optional. Choose which correspondence the user may see for each NPI they hold. Select NPIs and choose “Manage Selected”, or “Manage” for one NPI."</p>
        <Form method="GET" action=here.clone()>
            <input type="hidden" name="step" value="1" />
            <div class="section-header">
                <span></span>
                <button type="submit" id="manage-selected" class="button">"Manage Selected"</button>
            </div>
            <Gate button="manage-selected" needs=Needs::AChoice>
                <DataTable caption="Correspondence permissions" columns rows=Signal::stored(rows) empty="The user holds no NPI. Go back to step 1 to assign NPIs first." />
            </Gate>
        </Form>
        <Modal open title="Manage Correspondence Permissions" close_href=format!("{here}?step=1")>
            {dialog_form}
        </Modal>
    }
}

#[component]
fn OrganizationStep(
    set: PermissionSet,
    editing: bool,
    field_error: impl Fn(&'static str) -> Signal<Option<String>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let role = RwSignal::new(set.org_role.as_str().to_string());
    let position = RwSignal::new(set.position.clone());
    let other = RwSignal::new(set.position_other.clone());
    let reason = RwSignal::new(String::new());
    let role_options = [OrgRole::Admin, OrgRole::Processor, OrgRole::None]
        .into_iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect();
    let mut position_options = vec![(String::new(), "Choose a position".to_string())];
    position_options.extend(POSITIONS.iter().map(|p| (p.to_string(), p.to_string())));
    view! {
        <p>"Admin lets the user add, remove and change users of your organization. The user role sets the security settings; change them to make a custom setup."</p>
        <Select label="Organization Permission" options=role_options value=role error=field_error("org_role") name="form[org_role]" />
        <RoleSettings prefix="form" preset=set.preset modules=set.modules />
        <Select label="Position" options=position_options value=position error=field_error("position") name="form[position]" />
        <Reveal name="form[position]" value="Other">
            <Field label="Other Position" value=other error=field_error("position_other") name="form[position_other]"
                hint="Only when the position is Other." />
        </Reveal>
        {editing.then(|| view! {
            <Field label="Reason" value=reason error=field_error("reason") name="form[reason]"
                hint="Required when the organization permission, role, security settings or position change." />
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
