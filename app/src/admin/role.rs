//! "User Role" with its "Security settings": the part of the Task List's acceptance and of the
//! wizard's third step that sets what a user may use.

use crate::domain::permissions::{Module, RolePreset};
use crate::ui::{form_value, Checkbox, Select};
use leptos::prelude::*;

/// Posts `{prefix}[preset]` and one `{prefix}[modules][]` per ticked box. With the browser app,
/// the boxes follow the chosen role and a box ticked by hand makes the role "Custom Setup";
/// without it, the server applies the same rule (`RolePreset::resolve`).
#[component]
pub fn RoleSettings(
    prefix: &'static str,
    preset: RolePreset,
    modules: Vec<Module>,
) -> impl IntoView {
    // An island in an element of its own (see `ui::Tabs`).
    let prefix = prefix.to_string();
    view! { <div class="island"><RoleSettingsIsland prefix preset modules /></div> }
}

#[island]
fn RoleSettingsIsland(prefix: String, preset: RolePreset, modules: Vec<Module>) -> impl IntoView {
    let chosen = RwSignal::new(form_value(&preset));
    let boxes: Vec<(Module, RwSignal<bool>)> = Module::ALL
        .into_iter()
        .map(|m| (m, RwSignal::new(modules.contains(&m))))
        .collect();
    let boxes = StoredValue::new(boxes);
    let role = move || {
        RolePreset::ALL
            .into_iter()
            .find(|p| form_value(p) == chosen.get())
            .unwrap_or_default()
    };
    Effect::new(move |_| {
        if let Some(granted) = role().modules() {
            boxes.with_value(|bs| {
                for (m, on) in bs {
                    on.set(granted.contains(m));
                }
            });
        }
    });
    let ticked_by_hand = move |_| {
        let picked: Vec<Module> = boxes.with_value(|bs| {
            bs.iter()
                .filter(|(_, on)| on.get_untracked())
                .map(|(m, _)| *m)
                .collect()
        });
        let current = role();
        if RolePreset::resolve(current, current, &picked).0 != current {
            chosen.set(form_value(&RolePreset::CustomSetup));
        }
    };
    let options: Vec<(String, String)> = RolePreset::ALL
        .iter()
        .map(|p| (form_value(p), p.label().to_string()))
        .collect();
    view! {
        <Select label="User Role" options value=chosen name=format!("{prefix}[preset]") />
        <fieldset on:change=ticked_by_hand>
            <legend>"Security settings"</legend>
            {boxes.with_value(|bs| bs.iter().map(|(m, on)| view! {
                <Checkbox label=m.label() checked=*on name=format!("{}[modules][]", prefix) value=form_value(m) />
            }).collect_view())}
        </fieldset>
    }
}
