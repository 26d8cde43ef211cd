use super::{
    check_claim_status, check_eligibility, transaction_npis, transaction_services, Benefits,
    ClaimStatus, EligibilityAnswer, EligibilityInquiry, Services, StatusAnswer, StatusInquiry,
};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    field_errors, page_resource, query_value, Column, DataTable, ErrorSummary, Field, PageResource,
    Select,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// What the address asks: `?npi=…` chooses the NPI; `inquiry=eligibility|status` with its
/// fields runs an inquiry. GET forms, so the page works before the browser app loads.
fn asked(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name)))
}

/// What the page shows once loaded, or `None` while the address does not ask for it.
type Answer<T> = PageResource<Option<Result<T, AppError>>>;

#[component]
pub fn TransactionsPage() -> impl IntoView {
    // The page's data is made here, outside `Require`, once per render (see `Require`): made
    // inside it, an inquiry ran, and was audited, once for every walk of the page.
    let npis = page_resource(|| (), |_| transaction_npis());
    let npi = asked("npi");
    let chosen = Memo::new(move |_| npi.get().filter(|n| !n.is_empty()));
    let services = page_resource(
        move || chosen.get(),
        |npi| async move {
            match npi {
                Some(npi) => Some(transaction_services(npi).await),
                None => None,
            }
        },
    );
    let eligibility = eligibility_answer(chosen);
    let status = status_answer(chosen);
    view! {
        <Require access=PageAccess::Member>
            <h1>"Transactions Center"</h1>
            <ChooseNpi npis npi />
            {move || chosen.get().map(|_| view! { <ServicesForNpi services eligibility status /> })}
        </Require>
    }
}

#[component]
fn ChooseNpi(
    npis: PageResource<Result<Vec<(String, String)>, AppError>>,
    npi: Memo<Option<String>>,
) -> impl IntoView {
    let chosen = RwSignal::new(query_value("npi"));
    let missing = Signal::derive(move || {
        (npi.get().as_deref() == Some("")).then(|| "Choose an NPI.".to_string())
    });
    view! {
        <p>"Choose one of your NPIs to check a member's eligibility (270/271) or the status of claims (276/277) for it."</p>
        <Suspense>
            {Suspend::new(async move {
                match npis.await {
                    Ok(list) if list.is_empty() => view! { <p>"You hold no NPIs in this organization."</p> }.into_any(),
                    Ok(list) => {
                        let options = std::iter::once((String::new(), "Select an NPI".to_string()))
                            .chain(list.into_iter().map(|(n, name)| (n.clone(), format!("{name} ({n})"))))
                            .collect();
                        view! {
                            <Form method="GET" action="/transactions" attr:class="stacked">
                                <Select label="NPI" id="transactions-npi" options value=chosen name="npi" error=missing />
                                <button type="submit" class="button primary">"Go to Transaction Services"</button>
                            </Form>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ServicesForNpi(
    services: Answer<Services>,
    eligibility: Answer<EligibilityAnswer>,
    status: Answer<StatusAnswer>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || services.get().flatten().map(|found| match found {
                Ok(services) => view! { <ServiceForms services eligibility status /> }.into_any(),
                Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ServiceForms(
    services: Services,
    eligibility: Answer<EligibilityAnswer>,
    status: Answer<StatusAnswer>,
) -> impl IntoView {
    let heading = format!(
        "Transaction Services: {} (NPI {})",
        services.name, services.npi
    );
    view! {
        <section aria-labelledby="transaction-services">
            <h2 id="transaction-services">{heading}</h2>
            {if services.eligibility {
                view! { <Eligibility npi=services.npi.clone() answer=eligibility /> }.into_any()
            } else {
                view! { <p>"This NPI is not enrolled for eligibility inquiries (270/271)."</p> }.into_any()
            }}
            {if services.claim_status {
                view! { <Status npi=services.npi.clone() answer=status /> }.into_any()
            } else {
                view! { <p>"This NPI is not enrolled for claim status inquiries (276/277)."</p> }.into_any()
            }}
        </section>
    }
}

/// The address's value for a field of this inquiry (the other inquiry's fields start empty).
fn typed(inquiry: &'static str, name: &str) -> String {
    if query_value("inquiry") == inquiry {
        query_value(name)
    } else {
        String::new()
    }
}

/// The eligibility inquiry the address asks for the chosen NPI, answered.
fn eligibility_answer(npi: Memo<Option<String>>) -> Answer<EligibilityAnswer> {
    let (kind, cin, birth, service) = (
        asked("inquiry"),
        asked("cin"),
        asked("birth_date"),
        asked("service_date"),
    );
    page_resource(
        move || {
            let npi = npi.get()?;
            (kind.get().as_deref() == Some("eligibility")).then(|| {
                let inquiry = EligibilityInquiry {
                    cin: cin.get().unwrap_or_default(),
                    birth_date: birth.get().unwrap_or_default(),
                    service_date: service.get().unwrap_or_default(),
                };
                (npi, inquiry)
            })
        },
        |asked| async move {
            match asked {
                Some((npi, inquiry)) => Some(check_eligibility(npi, inquiry).await),
                None => None,
            }
        },
    )
}

#[component]
fn Eligibility(npi: String, answer: Answer<EligibilityAnswer>) -> impl IntoView {
    let error = Signal::derive(move || answer.get().flatten().and_then(Result::err));
    let field_error = field_errors(move || error.get());
    let (cin_value, birth_value, service_value) = (
        RwSignal::new(typed("eligibility", "cin")),
        RwSignal::new(typed("eligibility", "birth_date")),
        RwSignal::new(typed("eligibility", "service_date")),
    );
    view! {
        <h3>"Eligibility Inquiry (270)"</h3>
        // Inside the Transition, so that the server waits for the answer before it renders the
        // fields' errors (a form posted without the browser app comes back with them).
        <Transition>
        <Form method="GET" action="/transactions" attr:class="stacked" attr:aria-label="Eligibility Inquiry">
            <input type="hidden" name="npi" value=npi.clone() />
            <input type="hidden" name="inquiry" value="eligibility" />
            <Field label="Member ID" id="eligibility-cin" value=cin_value name="cin" hint="The member's CIN: 8 digits and a letter." error=field_error("cin") />
            <Field label="Date of Birth" id="eligibility-birth-date" input_type="date" value=birth_value name="birth_date" error=field_error("birth_date") />
            <Field label="Date of Service" id="eligibility-service-date" input_type="date" value=service_value name="service_date" hint="Leave empty for today." error=field_error("service_date") />
            <button type="submit" class="button primary">"Check Eligibility"</button>
        </Form>
        <ErrorSummary error beside_fields=true />
            {move || answer.get().flatten().and_then(Result::ok).map(|answer| view! {
                <h3>"Eligibility Response (271)"</h3>
                {answer.rejected.map(|why| view! { <p role="status">{why}</p> })}
                {answer.benefits.map(|b| view! { <BenefitsList b /> })}
                <details>
                    <summary>"X12 271"</summary>
                    <pre class="x12">{answer.x12}</pre>
                </details>
            })}
        </Transition>
    }
}

#[component]
fn BenefitsList(b: Benefits) -> impl IntoView {
    let rows = [
        ("Member", Some(b.member)),
        ("Member ID", Some(b.cin)),
        ("Date of Birth", Some(b.birth_date)),
        ("Date of Service", Some(b.service_date)),
        ("Coverage", Some(b.coverage)),
        ("Plan", Some(b.plan)),
        ("Health Network", b.health_network),
        ("Primary Care Provider", b.primary_care),
        ("Eligibility Dates", Some(b.eligibility_dates)),
    ];
    view! {
        <dl class="facts" role="status">
            {rows.into_iter().filter_map(|(term, value)| value.map(|v| view! { <dt>{term}</dt><dd>{v}</dd> })).collect_view()}
        </dl>
    }
}

/// The claim status inquiry the address asks for the chosen NPI, answered.
fn status_answer(npi: Memo<Option<String>>) -> Answer<StatusAnswer> {
    let (kind, claim, cin, from, to) = (
        asked("inquiry"),
        asked("claim"),
        asked("cin"),
        asked("from"),
        asked("to"),
    );
    page_resource(
        move || {
            let npi = npi.get()?;
            (kind.get().as_deref() == Some("status")).then(|| {
                let inquiry = StatusInquiry {
                    claim: claim.get().unwrap_or_default(),
                    cin: cin.get().unwrap_or_default(),
                    from: from.get().unwrap_or_default(),
                    to: to.get().unwrap_or_default(),
                };
                (npi, inquiry)
            })
        },
        |asked| async move {
            match asked {
                Some((npi, inquiry)) => Some(check_claim_status(npi, inquiry).await),
                None => None,
            }
        },
    )
}

#[component]
fn Status(npi: String, answer: Answer<StatusAnswer>) -> impl IntoView {
    let error: Signal<Option<AppError>> =
        Signal::derive(move || answer.get().flatten().and_then(Result::err));
    let field_error = field_errors(move || error.get());
    let (claim_value, cin_value, from_value, to_value) = (
        RwSignal::new(typed("status", "claim")),
        RwSignal::new(typed("status", "cin")),
        RwSignal::new(typed("status", "from")),
        RwSignal::new(typed("status", "to")),
    );
    let columns = vec![
        Column::text("Claim Number", |c: &ClaimStatus| c.claim_number.clone()),
        Column::text("Member", |c: &ClaimStatus| c.member.clone()),
        Column::text("Service Dates", |c: &ClaimStatus| c.service.clone()),
        Column::text("Billed", |c: &ClaimStatus| c.billed.clone()),
        Column::text("Paid", |c: &ClaimStatus| c.paid.clone()),
        Column::text("Status", |c: &ClaimStatus| {
            format!("{} {}", c.code, c.status)
        }),
        Column::text("Paid On", |c: &ClaimStatus| {
            c.paid_on.clone().unwrap_or_default()
        }),
        Column::text("Check", |c: &ClaimStatus| {
            c.check_number.clone().unwrap_or_default()
        }),
    ];
    view! {
        <h3>"Claim Status Inquiry (276)"</h3>
        <Transition>
        <Form method="GET" action="/transactions" attr:class="stacked" attr:aria-label="Claim Status Inquiry">
            <input type="hidden" name="npi" value=npi.clone() />
            <input type="hidden" name="inquiry" value="status" />
            <Field label="Claim Number" id="status-claim" value=claim_value name="claim" error=field_error("claim") />
            <fieldset>
                <legend>"Or a member's claims"</legend>
                <Field label="Member ID" id="status-cin" value=cin_value name="cin" error=field_error("cin") />
                <Field label="Service Date From" id="status-from" input_type="date" value=from_value name="from" error=field_error("from") />
                <Field label="Service Date To" id="status-to" input_type="date" value=to_value name="to" error=field_error("to") />
            </fieldset>
            <button type="submit" class="button primary">"Check Claim Status"</button>
        </Form>
        <ErrorSummary error beside_fields=true />
            {move || answer.get().flatten().and_then(Result::ok).map(|answer| {
                let rows = Signal::stored(answer.claims);
                view! {
                    <h3>"Claim Status Response (277)"</h3>
                    <DataTable caption="Claim Status Response" columns=columns.clone() rows empty="No claims billed or rendered by this NPI match." />
                    <details>
                        <summary>"X12 277"</summary>
                        <pre class="x12">{answer.x12}</pre>
                    </details>
                }
            })}
        </Transition>
    }
}
