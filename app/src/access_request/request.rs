//! "Register as a New User" (guide 002 §I): the requester's side.

use super::*;
use crate::domain::permissions::POSITIONS;
use crate::ui::{
    action_error, field_errors, keep_radios_in_step, page_resource, query_value, ErrorSummary,
    Field, FlowSteps, Gate, Needs, PageResource, ReadThrough, Reveal, Select, TabPanel, Tabs,
    WizardFlow,
};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

const STEPS: &[&str] = &[
    "Request Access",
    "Verify Your Identity",
    "Terms and Conditions",
    "Find Your Provider",
    "Review Your Request",
];

fn position(step: &RequestStep) -> Option<usize> {
    match step {
        RequestStep::Form => Some(0),
        RequestStep::Verify { .. } => Some(1),
        RequestStep::Terms => Some(2),
        RequestStep::Provider => Some(3),
        RequestStep::Review { .. } => Some(4),
        RequestStep::ThankYou => None,
    }
}

/// The request's steps, each moving the server's draft on; the page shows the step it holds.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let start = ServerAction::<StartAccessRequest>::new();
    let resend = ServerAction::<ResendAccessPasscode>::new();
    let verify = ServerAction::<VerifyAccessPasscode>::new();
    let terms = ServerAction::<AcceptAccessTerms>::new();
    let choose = ServerAction::<ChooseProvider>::new();
    let submit = ServerAction::<SubmitAccessRequest>::new();
    let flow = FlowSteps::new()
        .after(start)
        .after(verify)
        .after(terms)
        .after(choose)
        .after(submit);
    let step = page_resource(move || flow.version(), |_| access_request_step());
    view! {
        <div class="narrow">
            <WizardFlow label="Request steps" steps=STEPS step position
                view=move |current: RequestStep| match current {
                    RequestStep::Form => view! { <RequestForm start /> }.into_any(),
                    RequestStep::Verify { email } => {
                        let code = RwSignal::new(String::new());
                        let error = Signal::derive(move || action_error(verify).get().or_else(|| action_error(resend).get()));
                        view! {
                            <h1>"Verify Your Identity"</h1>
                            <p>{format!("We emailed a passcode to {email}. It expires in 15 minutes. Enter the six digits after the dash.")}</p>
                            <ActionForm action=verify attr:novalidate=true>
                                <ErrorSummary error=error beside_fields=true />
                                <Field label="Passcode" value=code name="code" autocomplete="one-time-code" error=field_errors(move || error.get())("code") />
                                <p>"Didn't receive Code? "
                                    <button type="submit" class="button link" form="resend-passcode">"Resend it"</button>
                                </p>
                                <button type="submit" class="button primary" disabled=move || verify.pending().get()>"Next"</button>
                            </ActionForm>
                            <ActionForm action=resend attr:id="resend-passcode">""</ActionForm>
                        }.into_any()
                    }
                    RequestStep::Terms => view! { <Terms terms /> }.into_any(),
                    RequestStep::Provider => {
                        let found = provider_search();
                        let chosen = RwSignal::new(None::<i64>);
                        view! {
                            <h1>"Find Your Provider"</h1>
                            <p>"Find the provider you work for or with, select it, and choose “Next”."</p>
                            <ProviderSearch found />
                            <ActionForm action=choose>
                                <Gate button="provider-next" needs=Needs::AChoice>
                                    <ProviderChoices found chosen />
                                </Gate>
                                <ErrorSummary error=action_error(choose) beside_fields=true />
                                <button type="submit" id="provider-next" class="button primary" disabled=move || choose.pending().get()>"Next"</button>
                            </ActionForm>
                        }.into_any()
                    }
                    RequestStep::Review { summary: facts } => {
                        let facts = facts
                            .into_iter()
                            .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                            .collect_view();
                        view! {
                            <h1>"Review Your Request"</h1>
                            <dl class="facts">{facts}</dl>
                            <ActionForm action=submit>
                                <ErrorSummary error=action_error(submit) />
                                <button type="submit" class="button primary" disabled=move || submit.pending().get()>"Submit"</button>
                            </ActionForm>
                        }.into_any()
                    }
                    RequestStep::ThankYou => view! {
                        <h1>"Thank You"</h1>
                        <p role="status">"Your request was sent to your office's administrator. Please allow three days for a decision: we will email you the result and, once you are accepted, a link to set your password."</p>
                    }.into_any(),
                }
            />
        </div>
    }
}

/// "Request Access": who asks, for which office, in which position.
#[component]
fn RequestForm(start: ServerAction<StartAccessRequest>) -> impl IntoView {
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let mobile = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let position = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    let error = action_error(start);
    let field_error = field_errors(move || error.get());
    let mut positions = vec![(String::new(), "Choose your position".to_string())];
    positions.extend(POSITIONS.iter().map(|p| (p.to_string(), p.to_string())));
    view! {
        <h1>"Request Access"</h1>
        <p>"Ask for access to the Provider Portal for the provider office you work for. Its administrator accepts or declines your request. Your office must have returned its Provider Portal Access Agreement to the plan."</p>
        <ActionForm action=start attr:novalidate=true>
            <ErrorSummary error beside_fields=true />
            <Field label="First Name" value=first name="form[first_name]" autocomplete="given-name" error=field_error("first_name") required=true />
            <Field label="Last Name" value=last name="form[last_name]" autocomplete="family-name" error=field_error("last_name") required=true />
            <Field label="Provider Address" value=address name="form[provider_address]" autocomplete="street-address" error=field_error("provider_address") required=true hint="The full address of the provider's office." />
            <Field label="Mobile Number" value=mobile name="form[mobile]" input_type="tel" autocomplete="tel" error=field_error("mobile") required=true />
            <Field label="Email Address" value=email name="form[email]" input_type="email" autocomplete="email" error=field_error("email") required=true hint="Your passcode is sent to this address." />
            <Select label="Position" options=positions value=position name="form[position]" error=field_error("position") />
            <Reveal name="form[position]" value="Other">
                <Field label="Other Position" value=other name="form[position_other]" error=field_error("position_other") />
            </Reveal>
            <button type="submit" class="button primary" disabled=move || start.pending().get()>"Next"</button>
        </ActionForm>
    }
}

/// The terms a new user accepts, paragraph by paragraph.
const TERMS: &[&str] = &[
    "This system holds protected health information of the plan's members. It is for authorized users working for a contracted provider office, and only for that work.",
    "You agree to keep your password, passkey and one-time passcodes to yourself, and to sign out when you leave your computer.",
    "You agree to look up only the members your office is treating, and only the information you need for their care, payment or the plan's operations.",
    "You agree that every use of the portal may be monitored and recorded, and that improper use may lead to the loss of access and to administrative, civil and criminal penalties.",
    "You agree to report at once to your office's administrator and to the plan's Privacy Officer any use of your account you did not make, and any information that went where it should not.",
    "You understand that your office's administrator decides your access, confirms it every 60 days, and ends it when you leave the office.",
    "You agree to complete the Provider Portal User Training before using the portal, and again every year.",
    "These terms may change; the portal will ask you to accept the new terms before you go on.",
];

/// The terms, which must be scrolled to the end before "Accept" is enabled.
#[component]
fn Terms(terms: ServerAction<AcceptAccessTerms>) -> impl IntoView {
    view! {
        <h1>"Terms and Conditions"</h1>
        <p id="terms-hint">"Scroll to the end of the terms to accept them."</p>
        <ReadThrough label="Terms and Conditions text" hint="terms-hint" button="terms-accept" paragraphs=TERMS />
        <ActionForm action=terms>
            <ErrorSummary error=action_error(terms) />
            <button type="submit" id="terms-accept" class="button primary" disabled=move || terms.pending().get()>"Accept"</button>
        </ActionForm>
    }
}

/// The providers the address asks for (`group`, `name`, `tax_id`, as the search forms put
/// them there), once a search was made.
pub type ProviderResults = PageResource<Option<Result<Vec<ProviderHit>, AppError>>>;

pub fn provider_search() -> ProviderResults {
    let query = use_query_map();
    page_resource(
        move || {
            query.with(|q| {
                (
                    q.get("group").as_deref() == Some("1"),
                    q.get("name"),
                    q.get("tax_id"),
                )
            })
        },
        |(group, name, tax_id)| async move {
            if name.is_none() && tax_id.is_none() {
                return None;
            }
            Some(
                search_providers(group, name.unwrap_or_default(), tax_id.unwrap_or_default()).await,
            )
        },
    )
}

/// "Practitioner Search" and "Group/Facility Search", by name or tax ID: GET forms, so the
/// search is in the address and works before the browser app has loaded.
#[component]
pub fn ProviderSearch(found: ProviderResults) -> impl IntoView {
    let query = use_query_map();
    let group = query.with_untracked(|q| q.get("group").as_deref() == Some("1"));
    let tab = usize::from(group);
    let error = Signal::derive(move || found.get().flatten().and_then(Result::err));
    let panel = move |index: usize| {
        // The fields start from the search made on this tab.
        let this_tab = usize::from(group) == index;
        let name = RwSignal::new(if this_tab {
            query_value("name")
        } else {
            String::new()
        });
        let tax = RwSignal::new(if this_tab {
            query_value("tax_id")
        } else {
            String::new()
        });
        let field_error = field_errors(move || error.get().filter(|_| tab == index));
        let prefix = if index == 0 { "practitioner" } else { "group" };
        view! {
            <Form method="GET" action="" attr:class="search" attr:novalidate=true>
                {(index == 1).then(|| view! { <input type="hidden" name="group" value="1" /> })}
                <Field label="Name" id=format!("{prefix}-name") value=name name="name" error=field_error("name")
                    hint=if index == 0 { "The practitioner's first and last name" } else { "The group's or facility's name" } />
                <Field label="Tax Identification Number" id=format!("{prefix}-tax-id") value=tax name="tax_id" error=field_error("tax_id") />
                <button type="submit" class="button">"Search"</button>
            </Form>
        }
    };
    view! {
        <Tabs id="provider-search" label="Search by" labels=vec!["Practitioner Search".into(), "Group/Facility Search".into()] selected=tab />
        <Transition>
            <TabPanel id="provider-search" index=0>{move || panel(0)}</TabPanel>
            <TabPanel id="provider-search" index=1>{move || panel(1)}</TabPanel>
            <ErrorSummary error beside_fields=true />
        </Transition>
    }
}

/// The providers found, a radio each (posted as `provider_id`); `chosen` follows the choice.
#[component]
pub fn ProviderChoices(found: ProviderResults, chosen: RwSignal<Option<i64>>) -> impl IntoView {
    view! {
        <Transition>
            {move || found.get().flatten().and_then(Result::ok).map(|found| view! {
                <fieldset class="results">
                    <legend>"Providers found"</legend>
                    {if found.is_empty() {
                        view! { <p>"No provider matches. Check the name or the tax ID."</p> }.into_any()
                    } else {
                        // A provider chosen while the app was loading stays chosen.
                        let radios: Vec<_> = found.iter().map(|p| (Some(p.provider_id), NodeRef::new())).collect();
                        keep_radios_in_step(chosen, radios.clone(), None);
                        found
                            .into_iter()
                            .zip(radios)
                            .map(|(p, (_, radio))| {
                                let id = format!("provider-{}", p.provider_id);
                                let provider_id = p.provider_id;
                                view! {
                                    <div class="radio">
                                        <input type="radio" name="provider_id" value=provider_id id=id.clone()
                                            node_ref=radio
                                            checked=chosen.get_untracked() == Some(provider_id)
                                            on:change=move |_| chosen.set(Some(provider_id)) />
                                        <label for=id>{format!("{}, NPI {}", p.name, p.npi)}</label>
                                        <span class="hint">{format!(" — {}, {}", p.organization, p.city)}</span>
                                    </div>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </fieldset>
            })}
        </Transition>
    }
}
