use super::{
    accept_conditions, accept_terms, registration_step, submit_account, submit_token, AccountForm,
    CancelRegistration, ChooseRegistrationPasscode, SendRegistrationPasscode, Step,
    VerifyRegistrationPasscode,
};
use crate::auth::SessionResource;
use crate::domain::ContactMethod;
use crate::error::AppError;
use crate::ui::{
    field_errors, phone_methods, Checkbox, ErrorSummary, Field, OtpChoose, OtpEnter, RadioGroup,
    StepFlow, Wizard,
};
use leptos::prelude::*;

/// The steps as the stepper names them.
const STEPS: [&str; 5] = [
    "Secure Token ID",
    "Terms and Conditions",
    "Account Information",
    "One-Time Passcode",
    "Conditions of Use",
];

fn position(step: &Step) -> usize {
    match step {
        Step::Token => 0,
        Step::Terms => 1,
        Step::Account => 2,
        Step::PasscodeChoose { .. } | Step::PasscodeEnter { .. } => 3,
        Step::Conditions | Step::Complete { .. } => 4,
    }
}

/// "Join {Program} Provider Portal": the organization type, then the registration steps.
#[component]
pub fn JoinPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let program = Signal::derive(move || {
        session
            .get()
            .and_then(Result::ok)
            .map(|s| s.program_name)
            .unwrap_or_default()
    });
    let initial = Resource::new(|| (), |_| registration_step());
    let flow = StepFlow::<Step>::new();
    let (step, error, pending) = (flow.step, flow.error, flow.pending);
    let chose_type = RwSignal::new(false);
    let run = move |future: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Step, AppError>>>,
    >| flow.run(future);
    let current = Signal::derive(move || step.get().as_ref().map(position).unwrap_or(0));
    view! {
        <div class="narrow wide-form">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || initial.get().map(|result| {
                    if step.get_untracked().is_none() {
                        flow.apply(result);
                    }
                })}
                {move || match step.get() {
                    None => ().into_any(),
                    Some(Step::Token) if !chose_type.get() => view! {
                        <h1>"Choose your organization type"</h1>
                        <div class="choice-buttons">
                            <button class="button primary" on:click=move |_| chose_type.set(true)>"Enrolled provider organization"</button>
                            <button class="button" on:click=move |_| chose_type.set(true)>"Submitter organization"</button>
                        </div>
                        <p class="hint">"Both register with the Secure Token ID the plan mailed to your organization."</p>
                    }.into_any(),
                    Some(current_step) => view! {
                        <Wizard label="Registration steps" steps=STEPS.iter().map(|s| s.to_string()).collect() current>
                            <StepView step=current_step program error pending run />
                        </Wizard>
                    }.into_any(),
                }}
            </Suspense>
        </div>
    }
}

#[component]
fn StepView(
    step: Step,
    program: Signal<String>,
    error: RwSignal<Option<AppError>>,
    pending: RwSignal<bool>,
    run: impl Fn(std::pin::Pin<Box<dyn std::future::Future<Output = Result<Step, AppError>>>>)
        + Copy
        + Send
        + Sync
        + 'static,
) -> impl IntoView {
    let field_error = field_errors(move || error.get());
    let summary = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
    });
    match step {
        Step::Token => {
            let token = RwSignal::new(String::new());
            view! {
                <h1>"Secure Token ID"</h1>
                <p>"Enter the Secure Token ID from the letter the plan mailed to your organization."</p>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    run(Box::pin(submit_token(token.get_untracked())));
                } novalidate>
                    <ErrorSummary error=summary />
                    <Field label="Secure Token ID" value=token autocomplete="off" error=field_error("token") />
                    <button type="submit" class="button primary" disabled=move || pending.get()>"Submit"</button>
                </form>
            }
            .into_any()
        }
        Step::Terms => {
            let agree = RwSignal::new(false);
            let authorized = RwSignal::new(false);
            view! {
                <h1>{move || format!("Terms and Conditions for {} Provider Portal", program.get())}</h1>
                <div class="terms">
                    <p>{move || format!("Welcome to the {} Provider Portal. Please read and agree to the Terms and Conditions to proceed to the portal.", program.get())}</p>
                    <p><strong>"WARNING: "</strong>"This computer system is for official use by authorized users and may be monitored and/or restricted at any time. Confidential information may not be accessed or used without authorization. Unauthorized or improper use of this system may result in administrative discipline, civil and/or criminal penalties. By using this system, you are acknowledging and consenting to these terms and conditions."</p>
                    <p><strong>"LOG OFF IMMEDIATELY"</strong>" if you are not an authorized user or do not agree to the conditions in this warning."</p>
                </div>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    run(Box::pin(accept_terms(agree.get_untracked(), authorized.get_untracked())));
                }>
                    <ErrorSummary error=Signal::derive(move || error.get()) />
                    <Checkbox label="I confirm that I have read and agree to the above" checked=agree />
                    {move || view! {
                        <Checkbox label=format!("I confirm that I am authorized to create a {} Provider Portal account on behalf of my organization", program.get()) checked=authorized />
                    }}
                    <button type="submit" class="button primary" disabled=move || !(agree.get() && authorized.get()) || pending.get()>"Next"</button>
                </form>
            }
            .into_any()
        }
        Step::Account => {
            let form = AccountForm::default();
            let email = RwSignal::new(form.email);
            let first = RwSignal::new(form.first_name);
            let last = RwSignal::new(form.last_name);
            let tax = RwSignal::new(form.tax_id);
            let zip = RwSignal::new(form.zip);
            let contact = RwSignal::new(form.contact_email);
            let phone = RwSignal::new(form.phone);
            let channel = RwSignal::new(form.channel.as_str().to_string());
            view! {
                <h1>"Account Information"</h1>
                <p>"Enter the following to register your account."</p>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    run(Box::pin(submit_account(AccountForm {
                        email: email.get_untracked(),
                        first_name: first.get_untracked(),
                        last_name: last.get_untracked(),
                        tax_id: tax.get_untracked(),
                        zip: zip.get_untracked(),
                        contact_email: contact.get_untracked(),
                        phone: phone.get_untracked(),
                        channel: ContactMethod::parse(&channel.get_untracked()).unwrap_or_default(),
                    })));
                } novalidate>
                    <ErrorSummary error=summary />
                    <Field label="Email Address (username)" value=email input_type="email" autocomplete="email" error=field_error("email") required=true />
                    <Field label="First Name" value=first autocomplete="given-name" error=field_error("first_name") required=true />
                    <Field label="Last Name" value=last autocomplete="family-name" error=field_error("last_name") required=true />
                    <Field label="Provider EIN/SSN" value=tax autocomplete="off" error=field_error("tax_id") required=true />
                    <Field label="Provider Pay-To Zip Code" value=zip autocomplete="postal-code" error=field_error("zip") required=true />
                    <Field label="Provider Contact Email Address" value=contact input_type="email" error=field_error("contact_email") required=true />
                    <Field label="Preferred Contact Number" value=phone input_type="tel" autocomplete="tel" error=field_error("phone") required=true />
                    <RadioGroup legend="Receive passcode via:" options=phone_methods() value=channel />
                    <button type="submit" class="button primary" disabled=move || pending.get()>"Next"</button>
                </form>
            }
            .into_any()
        }
        Step::PasscodeChoose { last4 } => {
            let send = ServerAction::<SendRegistrationPasscode>::new();
            let cancel = ServerAction::<CancelRegistration>::new();
            follow(move || send.value().get(), run);
            follow(move || cancel.value().get(), run);
            view! {
                <OtpChoose send last4 allow_other_number=true cancel_form="cancel-registration" />
                <ActionForm action=cancel attr:id="cancel-registration">""</ActionForm>
            }
            .into_any()
        }
        Step::PasscodeEnter { prefix, last4 } => {
            let verify = ServerAction::<VerifyRegistrationPasscode>::new();
            let again = ServerAction::<ChooseRegistrationPasscode>::new();
            follow(move || verify.value().get(), run);
            follow(move || again.value().get(), run);
            view! {
                <OtpEnter verify resend=again prefix sent_to=format!("phone number ending in {last4}") />
            }
            .into_any()
        }
        Step::Conditions => {
            let attest = RwSignal::new(false);
            let agree = RwSignal::new(false);
            view! {
                <h1>{move || format!("{} Online Conditions of Use Agreement", program.get())}</h1>
                <div class="terms">
                    <p>"The provider or representative agrees to use this portal only for the plan's eligibility, claims, referral and related transactions on behalf of the organization, to keep members' information confidential, and to give access only to staff who need it for their work."</p>
                </div>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    run(Box::pin(accept_conditions(attest.get_untracked(), agree.get_untracked())));
                }>
                    <ErrorSummary error=Signal::derive(move || error.get()) />
                    <Checkbox label="I am authorized to attest and agree to all of the terms and conditions of this agreement on behalf of my organization" checked=attest />
                    <Checkbox label="I have read and agree to these conditions of use on behalf of my organization" checked=agree />
                    <button type="submit" class="button primary" disabled=move || !(attest.get() && agree.get()) || pending.get()>"Next"</button>
                </form>
            }
            .into_any()
        }
        Step::Complete { email, minutes } => {
            view! { <RegistrationComplete email minutes /> }.into_any()
        }
    }
}

/// The end of a registration (an organization's or an added user's): the emailed link is next.
#[component]
pub fn RegistrationComplete(email: String, minutes: i64) -> impl IntoView {
    view! {
        <h1>"Registration Complete"</h1>
        <p role="status">{format!(
            "We sent an email to {email}. Select “Set your new password” in it within {minutes} minutes to create your password. \
             If the link expires, use “Forgot Password?” on the Log In page."
        )}</p>
    }
}

/// Shows the step an action answered (or its error).
fn follow(
    answer: impl Fn() -> Option<Result<Step, AppError>> + Send + Sync + 'static,
    run: impl Fn(std::pin::Pin<Box<dyn std::future::Future<Output = Result<Step, AppError>>>>)
        + Send
        + Sync
        + 'static,
) {
    Effect::new(move |_| {
        if let Some(result) = answer() {
            run(Box::pin(std::future::ready(result)));
        }
    });
}
