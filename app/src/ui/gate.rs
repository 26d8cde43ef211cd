//! Parts of a form that follow its choices in the browser. A submit button that waits for what
//! the form asks first (boxes ticked, a choice made, a text read to its end), and fields shown
//! only for one choice. The server sends the button enabled and the fields shown, so the form
//! works before the browser app runs (the server checks the same rules either way).
//!
//! The islands here take no children: the server's markup stays outside them, named by ids,
//! and each island watches and changes it through the page (an island's children cannot be
//! hydrated while the whole page is). Each island sits in an element of its own (see `Tabs`).

use super::slug;
use leptos::{html, prelude::*};
use serde::{Deserialize, Serialize};

/// What the controls in a [`Gate`] must show before its button can be pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Needs {
    /// Every checkbox ticked (terms to agree to).
    EveryBox,
    /// Something chosen: a box ticked, a radio button chosen, or a drop-down's value.
    AChoice,
}

/// Keeps the button `button` disabled until the controls among `children` show what `needs`.
#[component]
pub fn Gate(#[prop(into)] button: String, needs: Needs, children: Children) -> impl IntoView {
    let area = format!("{button}-controls");
    view! {
        <div class="gate" id=area.clone()>{children()}</div>
        <div class="island"><GateIsland area button needs /></div>
    }
}

#[island]
fn GateIsland(area: String, button: String, needs: Needs) -> impl IntoView {
    super::follow_input(move || set_disabled(&button, !shows(&area, needs)));
}

/// `children` (fields) shown only while the form control named `name` (a drop-down or radio
/// buttons) has the value `value`. The server sends them shown unless `shown` says otherwise
/// (a note that only follows the choice the page was sent with). One control may have a Reveal
/// for each of its values; a radio button chosen inside one that hides is chosen no more, so
/// an answer to another choice's question is not posted with this one.
#[component]
pub fn Reveal(
    #[prop(into)] name: String,
    #[prop(into)] value: String,
    #[prop(default = true)] shown: bool,
    children: Children,
) -> impl IntoView {
    let target = format!("revealed-by-{}-{}", slug(&name), slug(&value));
    let class = if shown {
        "revealed-by-choice shown"
    } else {
        "revealed-by-choice"
    };
    view! {
        <div class=class id=target.clone()>{children()}</div>
        <div class="island"><RevealIsland target name value /></div>
    }
}

#[island]
fn RevealIsland(target: String, name: String, value: String) -> impl IntoView {
    super::follow_input(move || {
        let shown = chosen_value(&name).is_some_and(|v| v == value);
        set_class(&target, "shown", shown);
        if !shown {
            clear_choices(&target);
        }
    });
}

/// A drop-down named `from` whose choice, once made, is copied to every drop-down whose name
/// begins with `to`, and then resets ("Quick Assign to All NPIs"). Without the browser app the
/// server does the same with the posted choice.
#[component]
pub fn CopyChoice(#[prop(into)] from: String, #[prop(into)] to: String) -> impl IntoView {
    view! { <div class="island"><CopyChoiceIsland from to /></div> }
}

#[island]
fn CopyChoiceIsland(from: String, to: String) -> impl IntoView {
    super::on_window(leptos::ev::change, move |_| copy_choice(&from, &to));
}

/// Copies the choice of the drop-down `from` to the drop-downs named `to…`, and resets it.
fn copy_choice(from: &str, to: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::web_sys::HtmlSelectElement;
        let select = |selector: &str| super::find_all::<HtmlSelectElement>(selector);
        let Some(source) = select(&format!("select[name=\"{from}\"]"))
            .into_iter()
            .next()
        else {
            return;
        };
        let chosen = source.value();
        if chosen.is_empty() {
            return;
        }
        for target in select(&format!("select[name^=\"{to}\"]")) {
            target.set_value(&chosen);
        }
        source.set_value("");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (from, to);
}

/// Presses the hidden submit button `button` as soon as the control named `name` is set to
/// `value` (to any value when `value` is empty): a choice sent at once, which the server
/// answers (a provider chosen brings its warning). Without the app the user presses "Next".
#[component]
pub fn SubmitOnChoice(
    #[prop(into)] name: String,
    #[prop(into, optional)] value: String,
    #[prop(into)] button: String,
) -> impl IntoView {
    view! { <div class="island"><SubmitOnChoiceIsland name value button /></div> }
}

#[island]
fn SubmitOnChoiceIsland(name: String, value: String, button: String) -> impl IntoView {
    super::on_window(leptos::ev::change, move |ev| {
        let named = super::changed_name(&ev).is_some_and(|n| n == name);
        if named && (value.is_empty() || chosen_value(&name).is_some_and(|v| v == value)) {
            super::click(&format!("#{button}"));
        }
    });
}

/// The button `button` shows and hides the part `region` in place, and says which
/// (`aria-expanded`). The fieldset `{region}-fields` inside it is disabled while hidden, so its
/// fields are not posted; a submit button stays outside that fieldset, since a form whose
/// first submit button is disabled cannot be sent with Enter. The server sends them as the
/// address asks; without the app the button posts and the page comes back with them shown.
#[component]
pub fn Disclosure(#[prop(into)] button: String, #[prop(into)] region: String) -> impl IntoView {
    view! { <div class="island"><DisclosureIsland button region /></div> }
}

#[island]
fn DisclosureIsland(button: String, region: String) -> impl IntoView {
    super::on_window(leptos::ev::click, move |ev| {
        if !super::event_from(&ev, &button) {
            return;
        }
        ev.prevent_default();
        let open = super::has_attribute(&region, "hidden");
        let closed = (!open).then_some("");
        super::set_attribute(&region, "hidden", closed);
        super::set_attribute(&format!("{region}-fields"), "disabled", closed);
        super::set_attribute(
            &button,
            "aria-expanded",
            Some(if open { "true" } else { "false" }),
        );
    });
}

/// Keeps the button `button` disabled while the control named `name` shows `value` and the
/// field `field` (an id) is blank: an answer that needs its reason ("No", and why).
#[component]
pub fn NeedsReason(
    #[prop(into)] button: String,
    #[prop(into)] name: String,
    #[prop(into)] value: String,
    #[prop(into)] field: String,
) -> impl IntoView {
    view! { <div class="island"><NeedsReasonIsland button name value field /></div> }
}

#[island]
fn NeedsReasonIsland(button: String, name: String, value: String, field: String) -> impl IntoView {
    super::follow_input(move || {
        let answered = chosen_value(&name).is_some_and(|v| v == value);
        let blank = super::input_value(&field).is_none_or(|text| text.trim().is_empty());
        set_disabled(&button, answered && blank);
    });
}

/// A scrolling text, a region named `label` and described by the element `hint`, which keeps
/// the button `button` disabled until it was scrolled to its end (a short one counts as read).
#[component]
pub fn ReadThrough(
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    #[prop(into)] button: String,
    paragraphs: &'static [&'static str],
) -> impl IntoView {
    let paragraphs: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
    view! { <div class="island"><ReadThroughIsland label hint button paragraphs /></div> }
}

#[island]
fn ReadThroughIsland(
    label: String,
    hint: String,
    button: String,
    paragraphs: Vec<String>,
) -> impl IntoView {
    let text = NodeRef::<html::Div>::new();
    let read = RwSignal::new(false);
    let check = move || {
        if let Some(el) = text.get_untracked() {
            if el.scroll_top() + el.client_height() >= el.scroll_height() - 4 {
                read.set(true);
            }
        }
    };
    // Measured once the text is laid out in the page.
    Effect::new(move |_| super::after_paint(check));
    Effect::new(move |_| {
        let (read, button) = (read.get(), button.clone());
        super::after_paint(move || set_disabled(&button, !read));
    });
    view! {
        <div class="terms scroll" node_ref=text tabindex="0" role="region" aria-label=label aria-describedby=hint on:scroll=move |_| check()>
            {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
        </div>
    }
}

/// The value of the drop-down named `name`, or of its radio button that is chosen.
fn chosen_value(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{HtmlInputElement, HtmlSelectElement};
        let found = document()
            .query_selector(&format!(
                "select[name=\"{name}\"], input[name=\"{name}\"]:checked"
            ))
            .ok()??;
        match found.dyn_into::<HtmlSelectElement>() {
            Ok(select) => Some(select.value()),
            Err(other) => other.dyn_into::<HtmlInputElement>().ok().map(|i| i.value()),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// Whether the controls inside the element `area` show what `needs`.
#[cfg(feature = "hydrate")]
fn shows(area: &str, needs: Needs) -> bool {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{HtmlInputElement, HtmlSelectElement};
    let Some(area) = document().get_element_by_id(area) else {
        return true;
    };
    let controls = |tag: &str| {
        let list = area.get_elements_by_tag_name(tag);
        (0..list.length()).filter_map(move |i| list.item(i))
    };
    let boxes = || {
        controls("input")
            .filter_map(|e| e.dyn_into::<HtmlInputElement>().ok())
            .filter(|input| matches!(input.type_().as_str(), "checkbox" | "radio"))
    };
    match needs {
        Needs::EveryBox => boxes().all(|input| input.checked()),
        Needs::AChoice => {
            boxes().any(|input| input.checked())
                || controls("select")
                    .filter_map(|e| e.dyn_into::<HtmlSelectElement>().ok())
                    .any(|select| !select.value().is_empty())
        }
    }
}

#[cfg(not(feature = "hydrate"))]
fn shows(_: &str, _: Needs) -> bool {
    true
}

/// Disables or enables the element with this id (in the browser).
fn set_disabled(id: &str, disabled: bool) {
    super::set_attribute(id, "disabled", disabled.then_some(""));
}

/// Unchecks the radio buttons inside the element with this id (in the browser).
fn clear_choices(id: &str) {
    #[cfg(feature = "hydrate")]
    for radio in
        super::find_all::<leptos::web_sys::HtmlInputElement>(&format!("#{id} input[type=radio]"))
    {
        radio.set_checked(false);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Adds or removes a class of the element with this id (in the browser).
fn set_class(id: &str, class: &str, on: bool) {
    #[cfg(feature = "hydrate")]
    if let Some(element) = document().get_element_by_id(id) {
        let list = element.class_list();
        let _ = if on {
            list.add_1(class)
        } else {
            list.remove_1(class)
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, class, on);
}
