use super::{
    load_claim, search_claims, ClaimDetail, ClaimRow, ClaimSearch, EobLine, ProviderInfo, ORDERS,
    PAYABLE_NOTE, STATUSES,
};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    asked, encode_query_value, field_errors, options, page_resource, Column, DataTable,
    ErrorSummary, Field, Pager, Pagination, RadioGroup, Select, TabPanel, Tabs,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ClaimsPage() -> impl IntoView {
    let asked = asked::<ClaimSearch>("by");
    let pager = Pager::new("after");
    let page = page_resource(
        move || (asked.get(), pager.cursor()),
        |(search, after)| async move {
            match search {
                Some(search) => Some(search_claims(search, after).await),
                None => None,
            }
        },
    );
    let error = Signal::derive(move || page.get().flatten().and_then(Result::err));
    view! {
        <Require access=PageAccess::Member>
            <crate::disputes::ClaimsNav current="Claims Lookup" />
            <h1>"Claims Lookup"</h1>
            <p>"Only claims billed or rendered by an NPI you hold are found."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <LookupForms asked=asked.get_untracked().unwrap_or_default() error />
                {move || page.get().flatten().map(|found| match found {
                    Ok(found) => {
                        let search = asked.get().unwrap_or_default();
                        let oldest = search.order == "oldest";
                        view! { <Results rows=found.items next=found.next pager query=search.query() oldest /> }.into_any()
                    }
                    Err(AppError::Validation(_)) => ().into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                })}
            </Transition>
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

/// The "Date" and "Claim #" tabs, each a GET form, starting from the search asked.
#[component]
fn LookupForms(asked: ClaimSearch, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = field_errors(move || error.get());
    let selected = usize::from(asked.by == "number");
    let by_date = asked.by != "number";
    let keep = |value: &str, date_tab: bool| {
        RwSignal::new(if by_date == date_tab {
            value.to_string()
        } else {
            String::new()
        })
    };
    let from = keep(&asked.from, true);
    let to = keep(&asked.to, true);
    let date_type = RwSignal::new(if asked.date_type == "paid" {
        "paid".to_string()
    } else {
        "service".to_string()
    });
    let status = keep(&asked.status, true);
    let cin = keep(&asked.cin, true);
    let order = keep(&asked.order, true);
    let orders = StoredValue::new(options(&ORDERS));
    let number = keep(&asked.number, false);
    let statuses = StoredValue::new(options(&STATUSES));
    view! {
        <Tabs id="claims-lookup" label="Look up claims by" labels=vec!["Date".into(), "Claim #".into()] selected />
        <TabPanel id="claims-lookup" index=0>
            <Form method="GET" action="/claims" attr:class="stacked" attr:aria-label="Find claims by date">
                <input type="hidden" name="by" value="date" />
                <div class="field-row">
                    <Field label="From" value=from name="from" input_type="date" id="claims-from" error=field("from") />
                    <Field label="To" value=to name="to" input_type="date" id="claims-to" error=field("to") />
                </div>
                <RadioGroup legend="Type of Date" options=vec![("service", "Date of Service"), ("paid", "Paid Date")] value=date_type name="date_type" />
                <Select label="Status" options=statuses.get_value() value=status name="status" id="claims-status" error=field("status") />
                <Field label="CIN" value=cin name="cin" id="claims-cin" hint="Optional: only this member's claims." error=field("cin") />
                <Select label="Sort" options=orders.get_value() value=order name="order" id="claims-order" error=field("order") />
                <button type="submit" class="button primary">"Find Claims"</button>
            </Form>
        </TabPanel>
        <TabPanel id="claims-lookup" index=1>
            <Form method="GET" action="/claims" attr:class="stacked" attr:aria-label="Find a claim by number">
                <input type="hidden" name="by" value="number" />
                <Field label="Claim Number" value=number name="number" id="claims-number" error=field("number") />
                <button type="submit" class="button primary">"Find Claims"</button>
            </Form>
        </TabPanel>
    }
}

fn claim_href(number: &str) -> String {
    format!("/claims/{}", encode_query_value(number))
}

fn ra_href(number: &str) -> String {
    format!("/downloads/claims/ra?number={}", encode_query_value(number))
}

fn result_columns() -> Vec<Column<ClaimRow>> {
    vec![
        Column::new("Claim #", |row: &ClaimRow| {
            view! { <a href=claim_href(&row.number)>{row.number.clone()}</a> }.into_any()
        }),
        Column::text("CIN", |row: &ClaimRow| row.cin.clone()),
        Column::text("Member Name", |row: &ClaimRow| row.member.clone()),
        Column::text("LOB", |row: &ClaimRow| row.lob.clone()),
        Column::text("Service From", |row: &ClaimRow| row.service_from.clone()),
        Column::text("Service To", |row: &ClaimRow| row.service_to.clone()),
        Column::text("Billed", |row: &ClaimRow| row.billed.clone()),
        Column::text("Paid", |row: &ClaimRow| row.paid.clone()),
        Column::text("Status", |row: &ClaimRow| row.status.clone()),
        Column::text("Paid Date", |row: &ClaimRow| row.paid_date.clone()),
        Column::new("RA", |row: &ClaimRow| {
            if row.ra {
                view! { <a href=ra_href(&row.number) download>"RA"</a> }.into_any()
            } else {
                view! { <span>"—"</span> }.into_any()
            }
        }),
    ]
}

#[component]
fn Results(
    rows: Vec<ClaimRow>,
    next: Option<String>,
    pager: Pager,
    query: String,
    oldest: bool,
) -> impl IntoView {
    let caption = if oldest {
        "Claims found, oldest first"
    } else {
        "Claims found, newest first"
    };
    let empty = rows.is_empty();
    view! {
        <section aria-labelledby="claim-results">
            <h2 id="claim-results">"Claim Search Results"</h2>
            <DataTable caption=caption columns=result_columns() rows=Signal::stored(rows) empty="No claims match this search." />
            <Pagination pager next=Signal::stored(next) label="Claim result pages" />
            <p class="actions">
                {(!empty).then(|| view! { <a class="button" href=format!("/downloads/claims/csv?{query}") download>"Download"</a> })}
                <a class="button" href="/claims">"Search for New Claim"</a>
            </p>
        </section>
    }
}

#[component]
pub fn ClaimPage() -> impl IntoView {
    let params = use_params_map();
    let number = Signal::derive(move || params.read().get("number").unwrap_or_default());
    // Made here, outside `Require`, once per render (see `Require`).
    let claim = page_resource(move || number.get(), load_claim);
    let dispute = crate::disputes::dispute_request_of(number);
    view! {
        <Require access=PageAccess::Member>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {Suspend::new(async move {
                    match claim.await {
                        Ok(detail) => view! { <ClaimView detail dispute /> }.into_any(),
                        Err(error) => view! {
                            <h1>{format!("Claim #: {}", number.get())}</h1>
                            <ErrorSummary error=Signal::stored(Some(error)) />
                        }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/claims">"Back to Claims Lookup"</a></p>
        </Require>
    }
}

#[component]
fn ClaimView(detail: ClaimDetail, dispute: crate::disputes::RequestResource) -> impl IntoView {
    let selected = 0usize;
    let labels = ["Services", "Member Info", "Providers", "Diagnosis", "EOB"]
        .map(String::from)
        .to_vec();
    let printable = format!(
        "/downloads/claims/printable?number={}",
        encode_query_value(&detail.number)
    );
    let ra = detail.ra.then(|| ra_href(&detail.number));
    let summary = [
        ("CIN", detail.cin.clone()),
        ("Status", detail.status.clone()),
        ("Check #", detail.check_number.clone()),
        ("Service Date", detail.service_dates.clone()),
        ("Received", detail.received.clone()),
        ("Paid", detail.paid_date.clone()),
    ]
    .into_iter()
    .map(|(label, value)| {
        let value = if value.is_empty() {
            "—".to_string()
        } else {
            value
        };
        view! { <div><dt>{label}</dt><dd>{value}</dd></div> }
    })
    .collect_view();
    let dispute_link = detail
        .may_dispute
        .then(|| crate::disputes::dialog_href(&detail.number, "form"));
    let disputed = detail.dispute.clone().map(|dispute| {
        let href = crate::disputes::dialog_href(&detail.number, "attach");
        view! { <p class="notice">{format!("Dispute #: {dispute}")}" "<a href=href>"Attachments"</a></p> }
    });
    let dialog_claim = detail.number.clone();
    let delegated = detail.delegated_network.clone().map(|network| {
        view! {
            <p class="notice" role="note">
                {format!("{network} paid this claim: dispute it with {network}, not through this portal.")}
            </p>
        }
    });
    let heading = format!("Claim #: {}", detail.number);
    let diagnoses = detail.diagnoses.clone();
    let (payment_provider, service_provider) = (
        detail.payment_provider.clone(),
        detail.service_provider.clone(),
    );
    let detail = StoredValue::new(detail);
    view! {
        <h1>{heading}</h1>
        <dl class="facts">{summary}</dl>
        <p class="actions">
            <a class="button" href=printable download>"Download Printable"</a>
            {ra.map(|href| view! { <a class="button" href=href download>"Remittance Advice"</a> })}
            {dispute_link.map(|href| view! { <a class="button" href=href>"Dispute Claim"</a> })}
        </p>
        {disputed}
        {delegated}
        <crate::disputes::DisputeDialog claim=dialog_claim start=dispute />
        <Tabs id="claim" label="Claim details" labels selected />
        <TabPanel id="claim" index=0>
            <Services detail=detail.get_value() />
        </TabPanel>
        <TabPanel id="claim" index=1>
            <MemberInfoView detail=detail.get_value() />
        </TabPanel>
        <TabPanel id="claim" index=2>
            <div class="columns">
                <ProviderView title="Payment Provider" provider=payment_provider.clone() />
                <ProviderView title="Service Provider" provider=service_provider.clone() />
            </div>
        </TabPanel>
        <TabPanel id="claim" index=3>
            <DataTable
                caption="Diagnoses (ICD-10-CM)"
                columns=vec![
                    Column::text("Code", |d: &(String, String)| d.0.clone()),
                    Column::text("Description", |d: &(String, String)| d.1.clone()),
                ]
                rows=Signal::stored(diagnoses.clone())
            />
        </TabPanel>
        <TabPanel id="claim" index=4>
            <Eob detail=detail.get_value() />
        </TabPanel>
    }
}

#[component]
fn Services(detail: ClaimDetail) -> impl IntoView {
    let lines = detail.services.clone();
    let columns = vec![
        Column::text("Start Date", |s: &super::ServiceLine| s.start.clone()),
        Column::text("End Date", |s: &super::ServiceLine| s.end.clone()),
        Column::text("Code", |s: &super::ServiceLine| s.code.clone()),
        Column::text("Description", |s: &super::ServiceLine| {
            s.description.clone()
        }),
        Column::text("Modifiers", |s: &super::ServiceLine| s.modifiers.clone()),
        Column::text("Billed Quantity", |s: &super::ServiceLine| {
            s.quantity.clone()
        }),
        Column::text("Billed Amount", |s: &super::ServiceLine| s.billed.clone()),
        Column::text("Payable", |s: &super::ServiceLine| s.payable.clone()),
    ];
    view! {
        <DataTable caption="Services" columns rows=Signal::stored(lines) />
        <p>{format!("Total billed {}; total payable {}.", detail.total_billed, detail.total_payable)}</p>
        <p class="hint">{PAYABLE_NOTE}</p>
    }
}

#[component]
fn MemberInfoView(detail: ClaimDetail) -> impl IntoView {
    let m = detail.member;
    let group = |title: &'static str, items: Vec<(&'static str, String)>| {
        let items = items
            .into_iter()
            .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
            .collect_view();
        view! { <section><h2>{title}</h2><dl class="facts">{items}</dl></section> }
    };
    view! {
        {group("Member Information", vec![
            ("Name", m.name.clone()),
            ("Gender", m.gender.clone()),
            ("Member ID", m.cin.clone()),
            ("Date of Birth", m.date_of_birth.clone()),
            ("Language", m.language.clone()),
            ("Patient Account #", m.patient_account.clone()),
        ])}
        {group("Health Network", vec![
            ("Health Network", m.health_network.clone()),
            ("Line of Business", m.lob.clone()),
            ("PCP", m.pcp.clone()),
        ])}
        {group("Contact Information", vec![
            ("Address", m.address.clone()),
            ("Phone", m.phone.clone()),
            ("Email", m.email.clone()),
        ])}
    }
}

#[component]
fn ProviderView(title: &'static str, provider: ProviderInfo) -> impl IntoView {
    let items = [
        ("Provider Name", provider.name),
        ("Provider ID", provider.npi),
        ("Address", provider.address),
        ("Phone", provider.phone),
        ("Fax", provider.fax),
    ]
    .into_iter()
    .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
    .collect_view();
    view! { <section><h2>{title}</h2><dl class="facts">{items}</dl></section> }
}

#[component]
fn Eob(detail: ClaimDetail) -> impl IntoView {
    let mut lines = detail.eob.clone();
    lines.push(detail.eob_total.clone());
    let columns = vec![
        Column::text("Line", |l: &EobLine| l.line.clone()),
        Column::text("EOB Code", |l: &EobLine| l.code.clone()),
        Column::text("Billed Amount", |l: &EobLine| l.billed.clone()),
        Column::text("Allowed Amount", |l: &EobLine| l.allowed.clone()),
        Column::text("Disallowed Amount", |l: &EobLine| l.disallowed.clone()),
        Column::text("Coinsurance Amount", |l: &EobLine| l.coinsurance.clone()),
        Column::text("Copay Amount", |l: &EobLine| l.copay.clone()),
        Column::text("Deductible Amount", |l: &EobLine| l.deductible.clone()),
        Column::text("Paid Amount", |l: &EobLine| l.paid.clone()),
        Column::text("Interest Paid", |l: &EobLine| l.interest.clone()),
    ];
    view! {
        <DataTable caption="Explanation of benefits, by line" columns rows=Signal::stored(lines) />
        <DataTable
            caption="EOB Description"
            columns=vec![
                Column::text("EOB Code", |d: &(String, String)| d.0.clone()),
                Column::text("Description", |d: &(String, String)| d.1.clone()),
            ]
            rows=Signal::stored(detail.reasons.clone())
            empty="No reason codes: the claim is not yet adjudicated."
        />
    }
}
