//! The one-time passcode screens (guide 001 "One-Time Passcode"): choose how to receive it,
//! then type the six digits after the prefix shown. Both are forms posting to the flow's server
//! functions, so they work before the browser app has loaded (see `ui::flow`).

use super::flow::action_error;
use super::{ErrorSummary, Field, RadioGroup};
use crate::domain::ContactMethod;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use leptos::web_sys::FormData;
use serde::de::DeserializeOwned;

/// "Send to phone number ending in NNNN via:" SMS or Voice (or the methods given), with
/// "Submit" and, when `cancel_form` names the page's cancel form, "Cancel". `send` posts
/// `channel`, and `phone` when the user typed another number under "Having trouble? Use another
/// phone number instead.".
#[component]
pub fn OtpChoose<S, O>(
    send: ServerAction<S>,
    #[prop(into)] last4: String,
    /// The id of the form "Cancel" submits.
    #[prop(optional)]
    cancel_form: Option<&'static str>,
    /// Offer "Having trouble? Use another phone number instead." (registration only).
    #[prop(optional)]
    allow_other_number: bool,
    /// The ways the code can be sent; SMS and Voice unless given.
    #[prop(optional)]
    methods: Option<Vec<ContactMethod>>,
    /// A field posted along (name, value), such as the emailed link's token.
    #[prop(optional)]
    hidden: Option<(&'static str, String)>,
    #[prop(optional)] _protocol: std::marker::PhantomData<O>,
) -> impl IntoView
where
    S: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, O>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    <<S::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<FormData>,
    S::Output: Send + Sync + 'static,
    S::Client: Client<AppError>,
    O: Send + Sync + 'static,
{
    let methods: Vec<(&'static str, &'static str)> = methods
        .as_deref()
        .unwrap_or(ContactMethod::PHONE)
        .iter()
        .map(|m| (m.as_str(), m.label()))
        .collect();
    let channel = RwSignal::new(ContactMethod::Sms.as_str().to_string());
    let phone = RwSignal::new(String::new());
    let other = RwSignal::new(false);
    let error = action_error(send);
    let phone_error = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_messages("phone").into_iter().next())
    });
    view! {
        <h1>"One-Time Passcode"</h1>
        <p>"A one-time passcode will be sent to your phone to verify that it's you."</p>
        <ActionForm action=send>
            {hidden_field(hidden)}
            <ErrorSummary error />
            <RadioGroup legend=format!("Send to phone number ending in {last4} via:") options=methods value=channel name="channel" />
            {allow_other_number.then(|| view! {
                <p><a href="#other-number" on:click=move |_| other.set(true)>"Having trouble? Use another phone number instead."</a></p>
                // Shown by CSS once the link above is followed, so it works without the browser app.
                <div id="other-number" class="revealed-by-link" class:shown=move || other.get() || phone_error.get().is_some()>
                    <Field label="Phone Number" value=phone input_type="tel" autocomplete="tel" error=phone_error name="phone"
                        hint="Leave empty to use the number ending in the digits above." />
                </div>
            })}
            <div class="actions">
                {cancel_form.map(|form| view! { <button type="submit" class="button" form=form>"Cancel"</button> })}
                <button type="submit" class="button primary" disabled=move || send.pending().get()>"Submit"</button>
            </div>
        </ActionForm>
    }
}

/// SMS and Voice, as radio options.
pub fn phone_methods() -> Vec<(&'static str, &'static str)> {
    ContactMethod::PHONE
        .iter()
        .map(|m| (m.as_str(), m.label()))
        .collect()
}

/// The prefix, the field for the six digits (posted as `code`), "Resend one-time passcode"
/// (which posts `resend`, back to choosing) and "Next".
#[component]
pub fn OtpEnter<V, R, O, P>(
    verify: ServerAction<V>,
    resend: ServerAction<R>,
    #[prop(into)] prefix: String,
    #[prop(into)] sent_to: String,
    /// A field posted along by both forms (name, value), such as the emailed link's token.
    #[prop(optional)]
    hidden: Option<(&'static str, String)>,
    #[prop(optional)] _protocols: std::marker::PhantomData<(O, P)>,
) -> impl IntoView
where
    V: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, O>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    <<V::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<FormData>,
    V::Output: Send + Sync + 'static,
    V::Client: Client<AppError>,
    R: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, P>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    <<R::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<FormData>,
    R::Output: Send + Sync + 'static,
    R::Client: Client<AppError>,
    O: Send + Sync + 'static,
    P: Send + Sync + 'static,
{
    let code = RwSignal::new(String::new());
    let hidden_resend = hidden.clone();
    let error = action_error(verify);
    let resend_error = action_error(resend);
    let code_error = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_messages("code").into_iter().next())
    });
    let summary = Signal::derive(move || resend_error.get().or_else(|| error.get()));
    view! {
        <h1>"One-Time Passcode"</h1>
        <p>{if prefix.is_empty() {
            format!("Enter the code from {sent_to}.")
        } else {
            format!("Enter the passcode sent to {sent_to}. It expires in 30 minutes.")
        }}</p>
        <ActionForm action=verify>
            {hidden_field(hidden_resend.clone())}
            <ErrorSummary error=summary beside_fields=true />
            <div class="otp">
                {(!prefix.is_empty()).then(|| view! { <span class="otp-prefix" aria-hidden="true">{format!("{prefix} -")}</span> })}
                <Field
                    label="One-time passcode"
                    value=code
                    name="code"
                    input_type="text"
                    autocomplete="one-time-code"
                    hint=if prefix.is_empty() { "The six-digit code your app shows now".to_string() } else { format!("The six digits after {prefix}-") }
                    error=code_error
                    autofocus=true
                />
            </div>
            <div class="actions">
                <button type="submit" class="button" form="otp-resend">"Resend one-time passcode"</button>
                <button type="submit" class="button primary" disabled=move || verify.pending().get()>"Next"</button>
            </div>
        </ActionForm>
        <ActionForm action=resend attr:id="otp-resend">{hidden_field(hidden)}</ActionForm>
    }
}

fn hidden_field(field: Option<(&'static str, String)>) -> impl IntoView {
    field.map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
}
