use super::slug;
use leptos::prelude::*;

/// A checkbox with its label.
#[component]
pub fn Checkbox(
    #[prop(into)] label: String,
    checked: RwSignal<bool>,
    /// Posts `name=value` when checked (a `bool` argument defaulting to false, or one item of a
    /// list named `…[]`).
    #[prop(optional, into)]
    name: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    /// Needed when two boxes share a label on one page.
    #[prop(optional, into)]
    id: Option<String>,
    /// Said beside the box when it must be checked to go on.
    #[prop(optional, into)]
    error: MaybeProp<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("check-{}", slug(&label)));
    let error_id = format!("{id}-error");
    // A box ticked or cleared while the app was loading stays so (see `keep_in_step`).
    let input = NodeRef::<leptos::html::Input>::new();
    super::field::keep_in_step(
        checked,
        move || input.get_untracked().map(|el| el.checked()),
        move |wanted| {
            if let Some(el) = input.get_untracked() {
                el.set_checked(*wanted);
            }
        },
    );
    view! {
        <div class="checkbox">
            <input
                node_ref=input
                type="checkbox"
                id=id.clone()
                name=name
                value=value.unwrap_or_else(|| "true".into())
                checked=checked.get_untracked()
                on:change=move |ev| checked.set(event_target_checked(&ev))
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=move || error.get().map(|_| error_id.clone())
            />
            <label for=id.clone()>{label}</label>
        </div>
        {move || error.get().map(|message| view! { <p id=format!("{id}-error") class="field-error">{message}</p> })}
    }
}

/// Keeps radio buttons and the signal of the chosen one's value in step, so that a choice made
/// while the app was loading stands (see `keep_in_step`). `unchosen` is the value while none is
/// checked.
pub fn keep_radios_in_step<T: Clone + PartialEq + Send + Sync + 'static>(
    value: RwSignal<T>,
    radios: Vec<(T, NodeRef<leptos::html::Input>)>,
    unchosen: T,
) {
    let shown = radios.clone();
    super::field::keep_in_step(
        value,
        move || {
            let inputs: Vec<_> = shown
                .iter()
                .filter_map(|(option, radio)| Some((option, radio.get_untracked()?)))
                .collect();
            (!inputs.is_empty()).then(|| {
                inputs
                    .iter()
                    .find(|(_, input)| input.checked())
                    .map_or_else(|| unchosen.clone(), |(option, _)| (*option).clone())
            })
        },
        move |wanted| {
            for (option, radio) in &radios {
                if let Some(input) = radio.get_untracked() {
                    input.set_checked(option == wanted);
                }
            }
        },
    );
}

/// A group of radio buttons named by its legend; `value` holds the chosen option's value.
#[component]
pub fn RadioGroup(
    #[prop(into)] legend: String,
    /// (value, label) pairs.
    options: Vec<(&'static str, &'static str)>,
    value: RwSignal<String>,
    /// The argument it posts as; by default a name made from the legend.
    #[prop(optional, into)]
    name: Option<String>,
) -> impl IntoView {
    let name = name.unwrap_or_else(|| format!("radio-{}", slug(&legend)));
    let radios: Vec<_> = options
        .iter()
        .map(|(option, _)| (option.to_string(), NodeRef::new()))
        .collect();
    keep_radios_in_step(value, radios.clone(), String::new());
    let buttons = options
        .into_iter()
        .zip(radios)
        .map(|((option, label), (_, radio))| {
            let id = format!("{name}-{option}");
            view! {
                <div class="radio">
                    <input
                        type="radio"
                        id=id.clone()
                        name=name.clone()
                        value=option
                        checked=value.get_untracked() == option
                        node_ref=radio
                        on:change=move |_| value.set(option.to_string())
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="radio-group">
            <legend>{legend}</legend>
            {buttons}
        </fieldset>
    }
}
