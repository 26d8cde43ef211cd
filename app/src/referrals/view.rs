use super::{
    load_referral, referral_drafts, referral_queue, search_referrals, ApproveOnAppeal,
    DecideReferral, ExtendReferral, QueuedReferral, ReferralDetail, ReferralRow, ReferralSearch,
    ServiceDetail, DENIAL_REASONS, STATUSES,
};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    action_error, asked, encode_query_value, field_errors, follow_answer, options, page_resource,
    query_value, Column, DataTable, ErrorSummary, Field, RadioGroup, Select, TabPanel, Tabs,
    TextArea,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ReferralsPage() -> impl IntoView {
    let asked = asked::<ReferralSearch>("by");
    let found = page_resource(
        move || asked.get(),
        |search| async move {
            match search {
                Some(search) => Some(search_referrals(search).await),
                None => None,
            }
        },
    );
    let drafts = page_resource(|| (), |_| referral_drafts());
    let error = Signal::derive(move || found.get().flatten().and_then(Result::err));
    view! {
        <Require access=PageAccess::Member>
            <h1>"Referral Lookup"</h1>
            <p>"Only your office's referrals are found."</p>
            <p><a class="button primary" href="/referrals/new">"Submit a Referral"</a></p>
            <Transition fallback=|| ()>
                {move || drafts.get().and_then(Result::ok).filter(|d| !d.is_empty()).map(|drafts| view! {
                    <section aria-labelledby="referral-drafts">
                        <h2 id="referral-drafts">"Your Unfinished Referrals"</h2>
                        <ul>
                            {drafts.into_iter().map(|d| view! {
                                <li><a href=super::wizard_href(&d.id)>{d.label}</a></li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
            </Transition>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <LookupForms asked=asked.get_untracked().unwrap_or_default() error />
                {move || found.get().flatten().map(|found| match found {
                    Ok(results) => {
                        let next = results.next.clone().zip(asked.get()).map(|(after, search)| {
                            let href = format!("/referrals?{}", search_query(&ReferralSearch { after, ..search }));
                            view! { <p><a href=href>"Next page"</a></p> }
                        });
                        view! {
                            <section aria-labelledby="referral-results">
                                <h2 id="referral-results">"Referral Search Results"</h2>
                                <DataTable caption="Your office's referrals, newest first" columns=referral_columns() rows=Signal::stored(results.rows) empty="No referrals match this search." />
                                {next}
                            </section>
                        }.into_any()
                    }
                    Err(AppError::Validation(_)) => ().into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                })}
            </Transition>
        </Require>
    }
}

fn search_query(s: &ReferralSearch) -> String {
    [
        ("by", &s.by),
        ("from", &s.from),
        ("to", &s.to),
        ("date_type", &s.date_type),
        ("status", &s.status),
        ("cin", &s.cin),
        ("number", &s.number),
        ("after", &s.after),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
    .collect::<Vec<_>>()
    .join("&")
}

#[component]
fn LookupForms(asked: ReferralSearch, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = field_errors(move || error.get());
    let by_code = asked.by == "code";
    let selected = usize::from(by_code);
    let keep = |value: &str, code_tab: bool| {
        RwSignal::new(if by_code == code_tab {
            value.to_string()
        } else {
            String::new()
        })
    };
    let (from, to, status, cin) = (
        keep(&asked.from, false),
        keep(&asked.to, false),
        keep(&asked.status, false),
        keep(&asked.cin, false),
    );
    let date_type = RwSignal::new(if asked.date_type == "request" {
        "request".to_string()
    } else {
        "service".to_string()
    });
    let number = keep(&asked.number, true);
    let statuses = StoredValue::new(options(&STATUSES));
    view! {
        <Tabs id="referral-lookup" label="Look up referrals by" labels=vec!["Date".into(), "Referral Code".into()] selected />
        <TabPanel id="referral-lookup" index=0>
            <Form method="GET" action="/referrals" attr:class="stacked" attr:aria-label="Find referrals by date">
                <input type="hidden" name="by" value="date" />
                <div class="field-row">
                    <Field label="From" value=from name="from" input_type="date" id="referrals-from" error=field("from") />
                    <Field label="To" value=to name="to" input_type="date" id="referrals-to" error=field("to") />
                </div>
                <RadioGroup legend="Type of Date" options=vec![("service", "Date of Service"), ("request", "Request Date")] value=date_type name="date_type" />
                <Select label="Status" options=statuses.get_value() value=status name="status" id="referrals-status" error=field("status") />
                <Field label="CIN" value=cin name="cin" id="referrals-cin" hint="Without a CIN, all of your office's referrals are found." error=field("cin") />
                <button type="submit" class="button primary">"Find Referrals"</button>
            </Form>
        </TabPanel>
        <TabPanel id="referral-lookup" index=1>
            <Form method="GET" action="/referrals" attr:class="stacked" attr:aria-label="Find a referral by its code">
                <input type="hidden" name="by" value="code" />
                <Field label="Referral Code" value=number name="number" id="referrals-number" error=field("number") />
                <button type="submit" class="button primary">"Find Referrals"</button>
            </Form>
        </TabPanel>
    }
}

fn referral_columns() -> Vec<Column<ReferralRow>> {
    vec![
        Column::text("Status", |r: &ReferralRow| r.status.clone()),
        Column::new("Referral Code", |r: &ReferralRow| {
            let href = format!("/referrals/{}", encode_query_value(&r.code));
            view! { <a href=href>{r.code.clone()}</a> }.into_any()
        }),
        Column::text("Member Name", |r: &ReferralRow| r.member.clone()),
        Column::text("LOB", |r: &ReferralRow| r.lob.clone()),
        Column::text("Referred Provider", |r: &ReferralRow| r.referred_to.clone()),
        Column::text("Requested Date", |r: &ReferralRow| r.requested.clone()),
    ]
}

fn facts(items: Vec<(String, String)>) -> impl IntoView {
    view! {
        <dl class="facts">
            {items.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
    }
}

#[component]
pub fn ReferralPage() -> impl IntoView {
    let params = use_params_map();
    let code = Signal::derive(move || params.read().get("code").unwrap_or_default());
    let detail = page_resource(move || code.get(), load_referral);
    let submitted = query_value("submitted") == "1";
    view! {
        <Require access=PageAccess::Member>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <Detail d submitted /> }.into_any(),
                        Err(error) => view! {
                            <h1>"Referral"</h1>
                            <ErrorSummary error=Signal::stored(Some(error)) />
                        }.into_any(),
                    }
                })}
            </Transition>
            <p><a href="/referrals">"Back to Referral Lookup"</a></p>
        </Require>
    }
}

#[component]
fn Detail(d: ReferralDetail, submitted: bool) -> impl IntoView {
    let selected = 0usize;
    let services = vec![
        Column::text("Service", |s: &ServiceDetail| s.service.clone()),
        Column::text("Description", |s: &ServiceDetail| s.description.clone()),
        Column::text("Modifiers", |s: &ServiceDetail| s.modifiers.clone()),
        Column::text("Status", |s: &ServiceDetail| s.status.clone()),
        Column::text("Decision", |s: &ServiceDetail| s.decision.clone()),
        Column::text("Duration", |s: &ServiceDetail| s.duration.clone()),
        Column::text("Service Units", |s: &ServiceDetail| s.units.clone()),
        Column::text("Approved Units", |s: &ServiceDetail| {
            s.approved_units.clone()
        }),
        Column::text("Decision Description", |s: &ServiceDetail| {
            s.decision_description.clone()
        }),
    ];
    type Code = (String, String);
    let diagnosis = vec![
        Column::text("Code", |c: &Code| c.0.clone()),
        Column::text("Description", |c: &Code| c.1.clone()),
    ];
    let code = d.code.clone();
    let files = vec![
        Column::new("File", move |f: &super::FileRow| {
            let href = format!(
                "/downloads/referrals/file?referral={}&file={}",
                encode_query_value(&code),
                f.id
            );
            view! { <a href=href download="">{f.name.clone()}</a> }.into_any()
        }),
        Column::text("Size", |f: &super::FileRow| f.size.clone()),
    ];
    let (indications, service_rows, member, network, contact) = (
        d.clinical_indications,
        d.services,
        d.member,
        d.network,
        d.contact,
    );
    let (referring, referred_to, diagnoses, file_rows) =
        (d.referring, d.referred_to, d.diagnoses, d.files);
    view! {
        <h1>{format!("Referral {}", d.code)}</h1>
        {submitted.then(|| view! {
            <p class="notice" role="status">{format!("Referral {} was submitted. Status: {}. The plan decides by {}.", d.code, d.status, d.due.clone().unwrap_or_default())}</p>
        })}
        {facts(d.summary)}
        <Tabs id="referral" label="Referral details" labels=vec!["Services".into(), "Member Info".into(), "Providers".into(), "Diagnosis".into(), "Attachments".into()] selected />
        <TabPanel id="referral" index=0>
            <h2>"Clinical Indications"</h2>
            <p>{indications.clone()}</p>
            <DataTable caption="Services" columns=services.clone() rows=Signal::stored(service_rows.clone()) empty="No services." />
        </TabPanel>
        <TabPanel id="referral" index=1>
            <h2>"Member Information"</h2>
            {facts(member.clone())}
            <h2>"Health Network"</h2>
            {facts(network.clone())}
            <h2>"Contact Information"</h2>
            {facts(contact.clone())}
        </TabPanel>
        <TabPanel id="referral" index=2>
            <h2>"Referring Provider"</h2>
            {facts(referring.clone())}
            <h2>"Referred To Provider"</h2>
            {facts(referred_to.clone())}
        </TabPanel>
        <TabPanel id="referral" index=3>
            <DataTable caption="Diagnosis" columns=diagnosis.clone() rows=Signal::stored(diagnoses.clone()) empty="No diagnoses." />
        </TabPanel>
        <TabPanel id="referral" index=4>
            <DataTable caption="Attachments" columns=files.clone() rows=Signal::stored(file_rows.clone()) empty="No attachments." />
        </TabPanel>
    }
}

/// The plan's queue: pending requests by time left, overdue ones flagged.
#[component]
pub fn ReferralQueue() -> impl IntoView {
    let queue = page_resource(|| (), |_| referral_queue());
    let rows = Signal::derive(move || queue.get().and_then(Result::ok).unwrap_or_default());
    let columns = vec![
        Column::text("Referral Code", |r: &QueuedReferral| r.code.clone()),
        Column::text("Office", |r: &QueuedReferral| r.organization.clone()),
        Column::text("Priority", |r: &QueuedReferral| r.priority.clone()),
        Column::text("Submitted", |r: &QueuedReferral| r.submitted.clone()),
        Column::new("Decide By", |r: &QueuedReferral| {
            let due = format!("{} ({})", r.due, r.time_left);
            let extended = r.extended.clone();
            if r.overdue {
                view! { <span><strong class="flag">"Overdue"</strong>" "{due}</span> }.into_any()
            } else {
                view! { <span>{due}" "{extended}</span> }.into_any()
            }
        }),
        Column::text("Services", |r: &QueuedReferral| {
            format!("{} ({} units)", r.services, r.requested_units)
        }),
        Column::new("Decide", |r: &QueuedReferral| {
            view! { <QueueActions referral=r.clone() /> }.into_any()
        }),
    ];
    view! {
        <section aria-labelledby="referral-queue">
            <h2 id="referral-queue">"Referral Queue"</h2>
            <p>"Urgent requests are decided within 72 hours; Routine and Retro within 7 calendar days. A denial names its reason."</p>
            <crate::operator::Outcome keys=vec!["referral"] />
            <Transition>
                <DataTable caption="Referrals waiting for a decision, least time left first" columns rows empty="No referrals wait for a decision." />
            </Transition>
            <Appeal />
        </section>
    }
}

#[component]
fn QueueActions(referral: QueuedReferral) -> impl IntoView {
    let decide = ServerAction::<DecideReferral>::new();
    follow_answer(decide, || {});
    let extend = ServerAction::<ExtendReferral>::new();
    follow_answer(extend, || {});
    let error = action_error(decide);
    let field = field_errors(move || error.get());
    let extend_error = action_error(extend);
    let extend_field = field_errors(move || extend_error.get());
    let decision = RwSignal::new("approved".to_string());
    let units = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let why = RwSignal::new(String::new());
    let id = referral.id.to_string();
    let code = referral.code.clone();
    let (first_id, first_code) = (id.clone(), code.clone());
    let mut reasons = vec![(String::new(), "Choose a reason".to_string())];
    reasons.extend(options(&DENIAL_REASONS));
    view! {
        <ActionForm action=decide attr:class="stacked">
            <input type="hidden" name="referral_id" value=first_id.clone() />
            <Select label=format!("Decision on {}", first_code.clone()) options=vec![
                ("approved".into(), "Approve".into()),
                ("modified".into(), "Modify (approve fewer units)".into()),
                ("denied".into(), "Deny".into()),
                ("void".into(), "Void".into()),
            ] value=decision name="decision" id=format!("decision-{first_id}") error=field("decision") />
            <Field label=format!("Approved Units for {first_code}") value=units name="approved_units" id=format!("units-{first_id}") hint="When modifying" error=field("approved_units") />
            <Select label=format!("Denial Reason for {first_code}") options=reasons value=reason name="reason" id=format!("reason-{first_id}") error=field("reason") />
            <TextArea label=format!("Decision Description for {first_code}") value=note name="note" id=format!("note-{first_id}") rows=2 error=field("note") />
            <button type="submit" class="button primary" aria-label=format!("Record decision on {first_code}")>"Record Decision"</button>
        </ActionForm>
        {referral.extended.is_none().then(move || view! {
            <ActionForm action=extend attr:class="stacked">
                <input type="hidden" name="referral_id" value=id.clone() />
                <Field label=format!("Extension Reason for {code}") value=why name="reason" id=format!("extend-{id}") error=extend_field("reason") />
                <button type="submit" class="button" aria-label=format!("Extend 14 Days: {code}")>"Extend 14 Days"</button>
            </ActionForm>
        })}
    }
}

/// An appeal upheld: the denied referral by its code, and the decision's text.
#[component]
fn Appeal() -> impl IntoView {
    let appeal = ServerAction::<ApproveOnAppeal>::new();
    follow_answer(appeal, || {});
    let error = action_error(appeal);
    let field = field_errors(move || error.get());
    let code = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    view! {
        <h3>"Appeals"</h3>
        <ActionForm action=appeal attr:class="stacked" attr:aria-label="Approve a denied referral on appeal">
            <Field label="Denied Referral Code" value=code name="code" id="appeal-code" error=field("code") />
            <TextArea label="Appeal Decision" value=note name="note" id="appeal-note" rows=2 error=field("note") />
            <button type="submit" class="button">"Approve on Appeal"</button>
        </ActionForm>
    }
}
