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
    let options: Vec<(String, String)> = RolePreset::ALL
        .iter()
        .map(|p| (form_value(p), p.label().to_string()))
        .collect();
    let boxes = Module::ALL
        .into_iter()
        .map(|m| {
            let checked = RwSignal::new(modules.contains(&m));
            view! {
                <Checkbox label=m.label() checked name=format!("{prefix}[modules][]") value=form_value(&m) />
            }
        })
        .collect_view();
    // The island follows the server's controls by name, from an element of its own (see
    // `ui::Tabs`).
    let prefix = prefix.to_string();
    view! {
        <Select label="User Role" options value=RwSignal::new(form_value(&preset)) name=format!("{prefix}[preset]") />
        <fieldset>
            <legend>"Security settings"</legend>
            {boxes}
        </fieldset>
        <div class="island"><RoleFollow prefix /></div>
    }
}

#[island]
fn RoleFollow(prefix: String) -> impl IntoView {
    crate::ui::on_window(leptos::ev::change, move |ev| follow(&prefix, &ev));
}

/// A role chosen ticks its modules' boxes; a box ticked by hand that no longer fits the role
/// makes it "Custom Setup".
fn follow(prefix: &str, ev: &leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use crate::ui::{changed_name, find_all};
        use leptos::web_sys::{HtmlInputElement, HtmlSelectElement};
        let preset_name = format!("{prefix}[preset]");
        let box_name = format!("{prefix}[modules][]");
        let Some(changed) = changed_name(ev) else {
            return;
        };
        if changed != preset_name && changed != box_name {
            return;
        }
        let Some(select) =
            find_all::<HtmlSelectElement>(&format!("select[name=\"{preset_name}\"]"))
                .into_iter()
                .next()
        else {
            return;
        };
        let boxes = find_all::<HtmlInputElement>(&format!("input[name=\"{box_name}\"]"));
        // The options and boxes are written in the order of `RolePreset::ALL` and
        // `Module::ALL`: the browser reads them by position, without the form values' serde.
        let role = usize::try_from(select.selected_index())
            .ok()
            .and_then(|at| RolePreset::ALL.get(at).copied())
            .unwrap_or_default();
        if changed == preset_name {
            if let Some(granted) = role.modules() {
                for (input, module) in boxes.iter().zip(Module::ALL) {
                    input.set_checked(granted.contains(&module));
                }
            }
        } else {
            let picked: Vec<Module> = boxes
                .iter()
                .zip(Module::ALL)
                .filter(|(input, _)| input.checked())
                .map(|(_, module)| module)
                .collect();
            if RolePreset::resolve(role, role, &picked).0 != role {
                let custom = RolePreset::ALL
                    .iter()
                    .position(|p| *p == RolePreset::CustomSetup);
                select.set_selected_index(custom.map_or(-1, |at| at as i32));
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (prefix, ev);
}
