use super::slug;
use crate::error::AppError;
use leptos::prelude::*;

/// A labelled input with an optional hint and the error for that field (announced as an alert).
#[component]
pub fn Field(
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] id: Option<String>,
    #[prop(optional)] autofocus: bool,
    #[prop(optional)] required: bool,
    /// The server function argument it posts as, so the form works before the browser app loads.
    #[prop(optional, into)]
    name: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("field-{}", slug(&label)));
    if let Some(typed) = name.as_deref().and_then(super::refused_value) {
        value.set(typed);
    }
    let input = NodeRef::<leptos::html::Input>::new();
    keep_in_step(
        value,
        move || input.get_untracked().map(|el| el.value()),
        move |v| {
            if let Some(el) = input.get_untracked() {
                el.set_value(v);
            }
        },
    );
    let (hint_id, error_id, described_by) = descriptions(&id, hint.is_some(), error);
    let has_error = move || error.get().is_some();
    view! {
        <div class="field" class:invalid=has_error>
            <label for=id.clone()>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                node_ref=input
                id=id
                name=name
                type=input_type
                value=value.get_untracked()
                autocomplete=autocomplete
                autofocus=autofocus
                required=required
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=described_by
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <Show when=has_error>
                <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// A labelled multi-line text box, like `Field`.
#[component]
pub fn TextArea(
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] id: Option<String>,
    #[prop(default = 6)] rows: u32,
    #[prop(optional, into)] name: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("text-{}", slug(&label)));
    if let Some(typed) = name.as_deref().and_then(super::refused_value) {
        value.set(typed);
    }
    let area = NodeRef::<leptos::html::Textarea>::new();
    keep_in_step(
        value,
        move || area.get_untracked().map(|el| el.value()),
        move |v| {
            if let Some(el) = area.get_untracked() {
                el.set_value(v);
            }
        },
    );
    let (hint_id, error_id, described_by) = descriptions(&id, hint.is_some(), error);
    let has_error = move || error.get().is_some();
    view! {
        <div class="field" class:invalid=has_error>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <textarea
                node_ref=area
                id=id
                name=name
                rows=rows
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=described_by
                on:input=move |ev| value.set(event_target_value(&ev))
            >{value.get_untracked()}</textarea>
            <Show when=has_error>
                <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// A control's hint and error ids, and its `aria-describedby`: the hint, and the error while
/// one shows.
fn descriptions(
    id: &str,
    has_hint: bool,
    error: MaybeProp<String>,
) -> (
    String,
    String,
    impl Fn() -> Option<String> + Send + Sync + 'static,
) {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    (hint_id, error_id, described_by)
}

/// Keeps a control and its signal in step without the control being written while the page
/// hydrates (that would wipe what the user typed while the app was loading): on the first run
/// in a hydrating page, what the control shows wins; otherwise the signal writes it. A view
/// the app renders again in place keeps its elements, so there the signal's fresh value (the
/// server's, say) must win over what the old control still shows.
pub(super) fn keep_in_step<T: Clone + PartialEq + Send + Sync + 'static>(
    value: RwSignal<T>,
    shown: impl Fn() -> Option<T> + 'static,
    show: impl Fn(&T) + 'static,
) {
    let hydrating = Owner::current_shared_context().is_some_and(|sc| sc.during_hydration());
    Effect::new(move |ran: Option<()>| {
        let wanted = value.get();
        match shown() {
            Some(shown) if ran.is_none() && hydrating && shown != wanted => value.set(shown),
            Some(shown) if shown != wanted => show(&wanted),
            _ => {}
        }
    });
}

/// The summary above a form: the error's sentence, announced as an alert.
#[component]
pub fn ErrorSummary(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The form shows each field's error beside the field: only a message for the whole form
    /// ("form") is repeated here.
    #[prop(optional)]
    beside_fields: bool,
) -> impl IntoView {
    let message = move || {
        error.get().and_then(|error| match &error {
            AppError::Validation(fields) => {
                let form = fields.get("form").and_then(|m| m.first().cloned());
                if beside_fields {
                    form
                } else {
                    Some(form.unwrap_or_else(|| error.to_string()))
                }
            }
            other => Some(other.to_string()),
        })
    };
    view! {
        <Show when=move || message().is_some()>
            <div class="error-summary" role="alert">{message}</div>
        </Show>
    }
}

/// For a form: given where its error comes from, the message to show beside each field.
pub fn field_errors(
    error: impl Fn() -> Option<AppError> + Copy + Send + Sync + 'static,
) -> impl Fn(&'static str) -> Signal<Option<String>> + Copy {
    move |name| {
        Signal::derive(move || error().and_then(|e| e.field_messages(name).into_iter().next()))
    }
}

/// A drop-down's (value, label) pairs from a constant list of them.
pub fn options(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(value, label)| (value.to_string(), label.to_string()))
        .collect()
}

/// A labelled drop-down; `options` are (value, label) pairs, `value` the chosen value.
#[component]
pub fn Select(
    #[prop(into)] label: String,
    options: Vec<(String, String)>,
    value: RwSignal<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional, into)] hint: Option<String>,
    /// Values listed but not to be chosen (shown greyed out).
    #[prop(optional)]
    unavailable: Vec<String>,
    #[prop(optional, into)] id: Option<String>,
    /// Shown as the label; otherwise only read to screen readers.
    #[prop(default = true)]
    visible_label: bool,
    #[prop(optional, into)] name: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("select-{}", slug(&label)));
    if let Some(chosen) = name.as_deref().and_then(super::refused_value) {
        value.set(chosen);
    }
    let select = NodeRef::<leptos::html::Select>::new();
    keep_in_step(
        value,
        move || select.get_untracked().map(|el| el.value()),
        move |v| {
            if let Some(el) = select.get_untracked() {
                el.set_value(v);
            }
        },
    );
    let (hint_id, error_id, described_by) = descriptions(&id, hint.is_some(), error);
    let has_error = move || error.get().is_some();
    let options = options
        .into_iter()
        .map(|(v, text)| {
            let disabled = unavailable.contains(&v);
            let selected = {
                let v = v.clone();
                move || value.get() == v
            };
            view! { <option value=v disabled=disabled selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:invalid=has_error>
            <label for=id.clone() class:visually-hidden=!visible_label>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <select
                node_ref=select
                id=id
                name=name
                aria-invalid=move || has_error().then_some("true")
                aria-describedby=described_by
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {options}
            </select>
            <Show when=has_error>
                <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}
