//! The one-time passcode screens (guide 001 "One-Time Passcode"): choose how to receive it,
//! then type the six digits after the prefix shown.

use super::{ErrorSummary, Field, RadioGroup};
use crate::domain::ContactMethod;
use crate::error::AppError;
use leptos::prelude::*;

/// "Send to phone number ending in NNNN via:" SMS or Voice, with "Cancel" and "Submit".
/// `on_send` gets the channel and, when the user chose another number, that number.
#[component]
pub fn OtpChoose(
    #[prop(into)] last4: String,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    on_send: Callback<(ContactMethod, Option<String>)>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
    /// Offer "Having trouble? Use another phone number instead." (registration only).
    #[prop(optional)]
    allow_other_number: bool,
    /// The ways the code can be sent; SMS and Voice unless given.
    #[prop(optional)]
    methods: Option<Vec<ContactMethod>>,
) -> impl IntoView {
    let methods: Vec<(&'static str, &'static str)> = methods
        .as_deref()
        .unwrap_or(ContactMethod::PHONE)
        .iter()
        .map(|m| (m.as_str(), m.label()))
        .collect();
    let channel = RwSignal::new(ContactMethod::Sms.as_str().to_string());
    let other = RwSignal::new(false);
    let phone = RwSignal::new(String::new());
    let phone_error = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_messages("phone").into_iter().next())
    });
    view! {
        <h1>"One-Time Passcode"</h1>
        <p>"A one-time passcode will be sent to your phone to verify that it's you."</p>
        <form on:submit=move |ev| {
            ev.prevent_default();
            let number = other.get_untracked().then(|| phone.get_untracked());
            let method = ContactMethod::parse(&channel.get_untracked()).unwrap_or_default();
            on_send.run((method, number));
        }>
            <ErrorSummary error />
            <Show
                when=move || other.get()
                fallback={
                    let last4 = last4.clone();
                    let methods = methods.clone();
                    move || view! {
                        <RadioGroup legend=format!("Send to phone number ending in {last4} via:") options=methods.clone() value=channel />
                    }
                }
            >
                <Field label="Phone Number" value=phone input_type="tel" autocomplete="tel" error=phone_error />
                <RadioGroup legend="Send the passcode via:" options=phone_methods() value=channel />
            </Show>
            <div class="actions">
                {on_cancel.map(|cancel| view! { <button type="button" class="button" on:click=move |_| cancel.run(())>"Cancel"</button> })}
                <button type="submit" class="button primary" disabled=move || pending.get()>"Submit"</button>
            </div>
            {allow_other_number.then(|| view! {
                <button type="button" class="button link" on:click=move |_| other.set(true)>
                    "Having trouble? Use another phone number instead."
                </button>
            })}
        </form>
    }
}

/// SMS and Voice, as radio options.
pub fn phone_methods() -> Vec<(&'static str, &'static str)> {
    ContactMethod::PHONE
        .iter()
        .map(|m| (m.as_str(), m.label()))
        .collect()
}

/// The prefix, the field for the six digits, "Resend one-time passcode" and "Next".
#[component]
pub fn OtpEnter(
    #[prop(into)] prefix: String,
    #[prop(into)] sent_to: String,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    on_verify: Callback<String>,
    on_resend: Callback<()>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let code_error = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_messages("code").into_iter().next())
    });
    let summary = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
    });
    view! {
        <h1>"One-Time Passcode"</h1>
        <p>{if prefix.is_empty() {
            format!("Enter the code from {sent_to}.")
        } else {
            format!("Enter the passcode sent to {sent_to}. It expires in 30 minutes.")
        }}</p>
        <form on:submit=move |ev| {
            ev.prevent_default();
            on_verify.run(code.get_untracked());
        }>
            <ErrorSummary error=summary />
            <div class="otp">
                {(!prefix.is_empty()).then(|| view! { <span class="otp-prefix" aria-hidden="true">{format!("{prefix} -")}</span> })}
                <Field
                    label="One-time passcode"
                    value=code
                    input_type="text"
                    autocomplete="one-time-code"
                    hint=if prefix.is_empty() { "The six-digit code your app shows now".to_string() } else { format!("The six digits after {prefix}-") }
                    error=code_error
                    autofocus=true
                />
            </div>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| on_resend.run(())>"Resend one-time passcode"</button>
                <button type="submit" class="button primary" disabled=move || pending.get()>"Next"</button>
            </div>
        </form>
    }
}
