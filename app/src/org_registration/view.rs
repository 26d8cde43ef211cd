use super::{
    registration_step, AcceptConditions, AcceptTerms, CancelRegistration,
    ChooseRegistrationPasscode, SendRegistrationPasscode, Step, SubmitAccount, SubmitToken,
    VerifyRegistrationPasscode,
};
use crate::ui::{
    action_error, field_errors, page_resource, phone_methods, Checkbox, ErrorSummary, Field,
    FlowSteps, Gate, Needs, OtpChoose, OtpEnter, RadioGroup, WizardFlow,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The steps as the stepper names them.
const STEPS: &[&str] = &[
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

/// "Join {Program} Provider Portal": the organization type, then the registration steps, each
/// a form whose server function moves the server's draft on.
#[component]
pub fn JoinPage() -> impl IntoView {
    let program = Signal::stored(crate::ui::program_name());
    let token = ServerAction::<SubmitToken>::new();
    let terms = ServerAction::<AcceptTerms>::new();
    let account = ServerAction::<SubmitAccount>::new();
    let send = ServerAction::<SendRegistrationPasscode>::new();
    let again = ServerAction::<ChooseRegistrationPasscode>::new();
    let verify = ServerAction::<VerifyRegistrationPasscode>::new();
    let conditions = ServerAction::<AcceptConditions>::new();
    let cancel = ServerAction::<CancelRegistration>::new();
    let flow = FlowSteps::new()
        .after(token)
        .after(terms)
        .after(account)
        .after(send)
        .after(again)
        .after(verify)
        .after(conditions)
        .after(cancel);
    let step = page_resource(move || flow.version(), |_| registration_step());
    // The type is chosen by a GET form, so the choice works without the browser app too.
    let query = use_query_map();
    let chose_type = move || query.with(|q| q.get("type").is_some());
    view! {
        <div class="narrow wide-form">
            <WizardFlow
                label="Registration steps"
                steps=STEPS
                step
                position=move |s: &Step| match s {
                    Step::Token if !chose_type() => None,
                    other => Some(position(other)),
                }
                view=move |current: Step| match current {
                    Step::Token if !chose_type() => view! {
                        <h1>"Choose your organization type"</h1>
                        <Form method="GET" action="" attr:class="choice-buttons">
                            <button type="submit" class="button primary" name="type" value="provider">"Enrolled provider organization"</button>
                            <button type="submit" class="button" name="type" value="submitter">"Submitter organization"</button>
                        </Form>
                        <p class="hint">"Both register with the Secure Token ID the plan mailed to your organization."</p>
                    }.into_any(),
                    Step::Token => {
                        let value = RwSignal::new(String::new());
                        let error = action_error(token);
                        view! {
                            <h1>"Secure Token ID"</h1>
                            <p>"Enter the Secure Token ID from the letter the plan mailed to your organization."</p>
                            <ActionForm action=token attr:novalidate=true>
                                <ErrorSummary error=error beside_fields=true />
                                <Field label="Secure Token ID" value=value name="token" autocomplete="off" error=field_errors(move || error.get())("token") />
                                <button type="submit" class="button primary" disabled=move || token.pending().get()>"Submit"</button>
                            </ActionForm>
                        }.into_any()
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
                            <ActionForm action=terms>
                                <ErrorSummary error=action_error(terms) />
                                <Gate button="terms-next" needs=Needs::EveryBox>
                                    <Checkbox label="I confirm that I have read and agree to the above" checked=agree name="agree" />
                                    <Checkbox label=format!("I confirm that I am authorized to create a {} Provider Portal account on behalf of my organization", program.get_untracked()) checked=authorized name="authorized" />
                                </Gate>
                                <button type="submit" id="terms-next" class="button primary" disabled=move || terms.pending().get()>"Next"</button>
                            </ActionForm>
                        }.into_any()
                    }
                    Step::Account => {
                        let error = action_error(account);
                        let field_error = field_errors(move || error.get());
                        let text = || RwSignal::new(String::new());
                        let channel = RwSignal::new("sms".to_string());
                        view! {
                            <h1>"Account Information"</h1>
                            <p>"Enter the following to register your account."</p>
                            <ActionForm action=account attr:novalidate=true>
                                <ErrorSummary error=error beside_fields=true />
                                <Field label="Email Address (username)" value=text() name="form[email]" input_type="email" autocomplete="email" error=field_error("email") required=true />
                                <Field label="First Name" value=text() name="form[first_name]" autocomplete="given-name" error=field_error("first_name") required=true />
                                <Field label="Last Name" value=text() name="form[last_name]" autocomplete="family-name" error=field_error("last_name") required=true />
                                <Field label="Provider EIN/SSN" value=text() name="form[tax_id]" autocomplete="off" error=field_error("tax_id") required=true />
                                <Field label="Provider Pay-To Zip Code" value=text() name="form[zip]" autocomplete="postal-code" error=field_error("zip") required=true />
                                <Field label="Provider Contact Email Address" value=text() name="form[contact_email]" input_type="email" error=field_error("contact_email") required=true />
                                <Field label="Preferred Contact Number" value=text() name="form[phone]" input_type="tel" autocomplete="tel" error=field_error("phone") required=true />
                                <RadioGroup legend="Receive passcode via:" options=phone_methods() value=channel name="form[channel]" />
                                <button type="submit" class="button primary" disabled=move || account.pending().get()>"Next"</button>
                            </ActionForm>
                        }.into_any()
                    }
                    Step::PasscodeChoose { last4 } => view! {
                        <OtpChoose send last4 allow_other_number=true cancel_form="cancel-registration" />
                        <ActionForm action=cancel attr:id="cancel-registration">""</ActionForm>
                    }.into_any(),
                    Step::PasscodeEnter { prefix, last4 } => view! {
                        <OtpEnter verify resend=again prefix sent_to=format!("phone number ending in {last4}") />
                    }.into_any(),
                    Step::Conditions => {
                        let attest = RwSignal::new(false);
                        let agree = RwSignal::new(false);
                        view! {
                            <h1>{move || format!("{} Online Conditions of Use Agreement", program.get())}</h1>
                            <div class="terms">
                                <p>"The provider or representative agrees to use this portal only for the plan's eligibility, claims, referral and related transactions on behalf of the organization, to keep members' information confidential, and to give access only to staff who need it for their work."</p>
                            </div>
                            <ActionForm action=conditions>
                                <ErrorSummary error=action_error(conditions) />
                                <Gate button="conditions-next" needs=Needs::EveryBox>
                                    <Checkbox label="I am authorized to attest and agree to all of the terms and conditions of this agreement on behalf of my organization" checked=attest name="attest" />
                                    <Checkbox label="I have read and agree to these conditions of use on behalf of my organization" checked=agree name="agree" />
                                </Gate>
                                <button type="submit" id="conditions-next" class="button primary" disabled=move || conditions.pending().get()>"Next"</button>
                            </ActionForm>
                        }.into_any()
                    }
                    Step::Complete { email, minutes } => view! {
                        <RegistrationComplete email minutes />
                        <ActionForm action=cancel>
                            <button type="submit" class="button link">"Register another organization"</button>
                        </ActionForm>
                    }.into_any(),
                }
            />
        </div>
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
