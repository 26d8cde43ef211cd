//! The design system: the same few components on every screen.

mod choice;
mod data_table;
mod field;
mod flow;
mod gate;
mod hold;
mod menu;
mod modal;
mod otp;
mod page_data;
mod page_load;
mod post_button;
mod refused;
mod search;
mod tabs;
mod tile;
mod toast;
mod wizard;

pub use choice::{keep_radios_in_step, Checkbox, RadioGroup};
pub use data_table::{Column, DataTable, Page, Pager, Pagination};
pub use field::{field_errors, options, ErrorSummary, Field, Select, TextArea};
pub use flow::{action_error, answer_keeps, follow_answer, FlowSteps};
pub use gate::{
    CopyChoice, Disclosure, Gate, Needs, NeedsReason, ReadThrough, Reveal, SubmitOnChoice,
};
pub use hold::{ask_server, HoldToView};
pub use menu::{MenuButton, MenuItem, Pick};
pub use modal::{query_dialog, query_dialog_is, Modal};
pub use otp::{phone_methods, OtpChoose, OtpEnter};
pub use page_data::{page_resource, PageResource};
pub use page_load::once_per_page;
pub use post_button::PostButton;
pub use refused::{refused_value, RefusedForm};
pub(crate) use search::after_typing;
pub use search::{asked, encode_query_value, from_pairs, query_value, SearchForm};
pub use tabs::{TabPanel, Tabs};
pub use tile::Tile;
pub use toast::{provide_toasts, Toasts};
pub use wizard::WizardFlow;

/// The program's name ("Poppy Health"), from the server's settings: known before anything
/// loads, so a page shows it without waiting for the session. Pages are rendered on the
/// server only (the browser app runs islands), so the browser build never needs it. Empty
/// while the server lists its routes, which runs the app without any state: not an error.
pub fn program_name() -> String {
    #[cfg(feature = "ssr")]
    return leptos::prelude::use_context::<crate::ssr::AppState>()
        .map(|state| state.settings.program_name.clone())
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    String::new()
}

/// Loads a page in full (after sign-in, sign-out or an organization switch, so that every
/// part of the page is rebuilt for the new session).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Clicks the first element `selector` finds (in the browser): a button, a link.
pub(crate) fn click(selector: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(element) = leptos::prelude::document()
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            element.click();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = selector;
}

/// Sets the attribute `name` of the element with this id, or removes it for `None` (in the
/// browser).
pub(crate) fn set_attribute(id: &str, name: &str, value: Option<&str>) {
    #[cfg(feature = "hydrate")]
    if let Some(element) = leptos::prelude::document().get_element_by_id(id) {
        let _ = match value {
            Some(value) => element.set_attribute(name, value),
            None => element.remove_attribute(name),
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, name, value);
}

/// Whether the element with this id has the attribute `name` (in the browser).
pub(crate) fn has_attribute(id: &str, name: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .get_element_by_id(id)
            .is_some_and(|element| element.has_attribute(name))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, name);
        false
    }
}

/// The elements `selector` finds that are of the kind `T` (an input, a drop-down).
#[cfg(feature = "hydrate")]
pub(crate) fn find_all<T: leptos::wasm_bindgen::JsCast>(selector: &str) -> Vec<T> {
    use leptos::wasm_bindgen::JsCast;
    let Ok(list) = leptos::prelude::document().query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<T>().ok())
        .collect()
}

/// Moves the keyboard focus to the element with this id (in the browser).
pub(crate) fn focus_by_id(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(element) = leptos::prelude::document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// The id of the element that has the keyboard focus (in the browser).
pub(crate) fn focused_id() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .active_element()
            .map(|element| element.id())
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Runs `apply` once the page shows an island's surroundings, and again whenever a form
/// control in the page changes (`input` bubbles up to the window from every kind of control:
/// text, boxes, radio buttons, drop-downs). For islands that follow the server's markup by id.
pub(crate) fn follow_input(apply: impl Fn() + Clone + 'static) {
    leptos::prelude::Effect::new({
        let apply = apply.clone();
        move |_| after_paint(apply.clone())
    });
    on_window(leptos::ev::input, move |_| apply());
}

/// Calls `handler` with every `event` that reaches the window, while the island lives: the
/// one way an island hears the page around it (events bubble up from every control), since
/// it finds the server's markup by id instead of rendering it. Listens from the browser only.
pub(crate) fn on_window<E>(event: E, handler: impl Fn(E::EventType) + Clone + 'static)
where
    E: leptos::tachys::html::event::EventDescriptor + 'static,
    E::EventType: leptos::wasm_bindgen::JsCast,
{
    use leptos::prelude::{on_cleanup, window_event_listener, Effect};
    Effect::new(move |_| {
        let listener = window_event_listener(event.clone(), handler.clone());
        on_cleanup(move || listener.remove());
    });
}

/// Runs `f` at the next frame: while hydrating the page is already there, but a view the
/// app renders (a wizard's next step) is put into the page after its effects first run.
pub(crate) fn after_paint(f: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::request_animation_frame(f);
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}

/// Whether the event comes from the element with this id.
pub fn event_from(ev: &leptos::ev::Event, id: &str) -> bool {
    event_target_id(ev).is_some_and(|target| target == id)
}

/// The id of the element an event comes from (in the browser).
pub(crate) fn event_target_id(ev: &leptos::ev::Event) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
            .map(|el| el.id())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The name of the form control an event came from.
pub(crate) fn changed_name(ev: &leptos::ev::Event) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        ev.target()?
            .dyn_into::<leptos::web_sys::Element>()
            .ok()?
            .get_attribute("name")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The value of the input or text area with this id (in the browser).
pub fn input_value(id: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{HtmlInputElement, HtmlTextAreaElement};
        let element = leptos::prelude::document().get_element_by_id(id)?;
        match element.dyn_into::<HtmlInputElement>() {
            Ok(input) => Some(input.value()),
            Err(other) => other
                .dyn_into::<HtmlTextAreaElement>()
                .ok()
                .map(|t| t.value()),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// What a form field posts for `value` so that the server function reads it back as the same
/// value: its serde name ("ClaimsViewer" for a role preset, "Claims" for a module).
pub fn form_value<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A stable element id made from a label ("Email Address" → "email-address").
pub fn slug(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slug_is_readable() {
        assert_eq!(
            super::slug("Email Address (username)"),
            "email-address-username"
        );
        assert_eq!(super::slug("Re-Enter Password"), "re-enter-password");
    }

    #[test]
    fn form_values_read_back_as_the_same_value() {
        use crate::domain::permissions::{Module, RolePreset};
        for preset in RolePreset::ALL {
            let posted = format!("preset={}", super::form_value(&preset));
            #[derive(serde::Deserialize)]
            struct Form {
                preset: RolePreset,
            }
            let form: Form = serde_qs::from_str(&posted).unwrap();
            assert_eq!(form.preset, preset);
        }
        assert_eq!(super::form_value(&Module::ReferralsView), "ReferralsView");
    }
}

/// The components as the server renders them: names, roles and ARIA wiring.
#[cfg(all(test, feature = "ssr"))]
mod render_tests {
    use super::*;
    use leptos::prelude::*;

    /// The markup without the empty comments (`<!>`) that type-erased views leave after text
    /// for hydration: a browser ignores them, and these tests are about the elements.
    fn html(view: impl FnOnce() -> AnyView) -> String {
        Owner::new().with(|| view().to_html()).replace("<!>", "")
    }

    #[test]
    fn field_labels_its_input_and_announces_its_error() {
        let out = html(|| {
            let value = RwSignal::new("a@b".to_string());
            view! { <Field label="Email Address" value error="Enter an email address like name@example.com." hint="Your username" /> }
                .into_any()
        });
        assert!(
            out.contains(r#"<label for="field-email-address">Email Address"#),
            "{out}"
        );
        assert!(out.contains(r#"id="field-email-address""#));
        assert!(out.contains(r#"aria-invalid="true""#));
        assert!(
            out.contains(
                r#"aria-describedby="field-email-address-hint field-email-address-error""#
            ),
            "{out}"
        );
        assert!(out.contains(r#"role="alert""#));
        assert!(out.contains("Enter an email address like name@example.com."));
    }

    #[test]
    fn select_describes_itself_by_its_hint_and_greys_what_cannot_be_chosen() {
        let out = html(|| {
            let value = RwSignal::new("99243".to_string());
            let options = options(&[
                ("93000", "93000 Electrocardiogram"),
                ("99243", "99243 Consultation"),
            ]);
            view! { <Select label="Select a Service" options value id="service" hint="Codes in grey need no referral." unavailable=vec!["93000".to_string()] /> }
                .into_any()
        });
        assert!(
            out.contains(
                r#"<p id="service-hint" class="hint">Codes in grey need no referral.</p>"#
            ),
            "{out}"
        );
        assert!(out.contains(r#"aria-describedby="service-hint""#), "{out}");
        assert!(out.contains(r#"<option value="93000" disabled>"#), "{out}");
        assert!(out.contains(r#"<option value="99243" selected>"#), "{out}");
    }

    #[test]
    fn tile_is_a_section_named_by_its_heading() {
        let out = html(|| {
            view! { <Tile title="Notifications" view_all="/notifications" more=2>"x"</Tile> }
                .into_any()
        });
        assert!(
            out.contains(r#"<section aria-labelledby="tile-notifications""#),
            "{out}"
        );
        assert!(out.contains(r#"<h2 id="tile-notifications">Notifications</h2>"#));
        assert!(out.contains(">View All</a>") && out.contains(">+ more</a>"));
    }

    #[test]
    fn data_table_has_caption_headers_and_an_empty_row() {
        let out = html(|| {
            let columns = vec![Column::text("NPI", |n: &String| n.clone())];
            view! { <DataTable caption="Your NPIs" columns rows=Signal::stored(Vec::<String>::new()) empty="None." /> }.into_any()
        });
        assert!(out.contains("<caption>Your NPIs</caption>"), "{out}");
        assert!(out.contains(r#"<th scope="col">NPI</th>"#));
        assert!(out.contains(r#"colspan="1""#) && out.contains("None."));
    }

    #[test]
    fn wizard_marks_the_current_step() {
        let out = html(|| {
            let steps = &[
                "Assign NPI Permissions",
                "Assign Correspondence Permissions",
            ];
            wizard::stepper("Add a User", steps, 1).into_any()
        });
        assert!(
            out.contains(r#"<li aria-current="step" class="current">"#),
            "{out}"
        );
        assert!(out.contains(r#"<li class="done">"#));
        assert!(out.contains("Step 2 of 2"));
    }

    #[test]
    fn menu_button_follows_the_menu_button_pattern() {
        let out = html(|| {
            let items = vec![
                MenuItem::submit("Sunrise Family Clinic", "/api/switch-organization")
                    .with_field("organization_id", "7"),
                MenuItem::link("Add a New Organization", "/organizations/new"),
            ];
            view! { <MenuButton label="Add or Switch Organization" items /> }.into_any()
        });
        assert!(
            out.contains(r#"aria-haspopup="menu""#) && out.contains(r#"aria-expanded="false""#),
            "{out}"
        );
        assert!(out.contains(r#"role="menu""#) && out.contains(r#"role="menuitem""#));
        // Before the browser app runs the button, the menu shows: its entries work as they are.
        assert!(!out.contains("hidden"), "{out}");
        assert!(
            out.contains(r#"type="submit" formaction="/api/switch-organization" name="organization_id" value="7""#),
            "{out}"
        );
        assert!(out.contains(r#"href="/organizations/new""#), "{out}");
        // The header's is closed until then.
        let closed = html(|| {
            let items = vec![MenuItem::link(
                "Add a New Organization",
                "/organizations/new",
            )];
            view! { <MenuButton label="Add or Switch Organization" items closed=true /> }.into_any()
        });
        assert!(
            closed.contains(
                r#"role="menu" aria-labelledby="menu-add-or-switch-organization-button" hidden"#
            ),
            "{closed}"
        );
    }

    #[test]
    fn tabs_follow_the_tabs_pattern() {
        let out = html(|| {
            let selected = 1;
            view! {
                <Tabs id="kind" label="Organization kind" labels=vec!["Provider".into(), "Submitter".into()] selected />
                <TabPanel id="kind" index=0>"providers"</TabPanel>
                <TabPanel id="kind" index=1>"submitters"</TabPanel>
            }
            .into_any()
        });
        assert!(
            out.contains(r#"role="tablist""#) && out.contains(r#"aria-label="Organization kind""#),
            "{out}"
        );
        assert!(
            out.contains(
                r##"<a role="tab" href="#kind-panel-1" target="_self" id="kind-tab-1" aria-controls="kind-panel-1" aria-selected="true" tabindex="0""##
            ),
            "{out}"
        );
        assert!(out.contains(r#"aria-selected="false" tabindex="-1""#));
        // The server's HTML shows every panel: without the browser app a tab is a link to its own.
        assert!(
            out.contains(
                r#"role="tabpanel" id="kind-panel-0" aria-labelledby="kind-tab-0" tabindex="0">"#
            ),
            "{out}"
        );
    }

    #[test]
    fn closed_modal_renders_nothing_and_open_modal_is_a_named_dialog() {
        let closed = html(|| {
            view! { <Modal open=RwSignal::new(false) title="Stay signed in?">"x"</Modal> }
                .into_any()
        });
        assert!(!closed.contains("dialog"));
        let open = html(|| {
            view! { <Modal open=RwSignal::new(true) title="Stay signed in?">"x"</Modal> }.into_any()
        });
        assert!(
            open.contains(r#"role="dialog""#) && open.contains(r#"aria-modal="true""#),
            "{open}"
        );
        assert!(open.contains(r#"aria-labelledby="dialog-stay-signed-in""#));
    }
}
