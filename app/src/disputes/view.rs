use super::{
    dispute_request, load_dispute, open_disputes, search_disputes, AcknowledgeDispute,
    DisputeDetail, DisputeRow, DisputeSearch, DisputeStart, FileRow, QueuedDispute,
    RemoveDisputeFile, ResolveDispute, SaveDispute, SubmitDispute, MAX_FILES, STATUSES,
};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    action_error, asked, encode_query_value, field_errors, follow_answer, options, page_resource,
    query_dialog, query_value, Column, DataTable, ErrorSummary, Field, Modal, PageResource, Select,
    TabPanel, Tabs, TextArea,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The claim page's address with the request dialog open at `step` ("form", "attach",
/// "submitted").
pub fn dialog_href(claim: &str, step: &str) -> String {
    format!("/claims/{}?dispute={step}", encode_query_value(claim))
}

/// "Claims Lookup" and "Dispute Lookup", the Claims module's own navigation.
#[component]
pub fn ClaimsNav(current: &'static str) -> impl IntoView {
    let link = move |href: &'static str, label: &'static str| {
        let here = (label == current).then_some("page");
        view! { <li><a href=href aria-current=here>{label}</a></li> }
    };
    view! {
        <nav aria-label="Claims" class="subnav">
            <ul>
                {link("/claims", "Claims Lookup")}
                {link("/claims/disputes", "Dispute Lookup")}
            </ul>
        </nav>
    }
}

/// The request [`DisputeDialog`] shows, while the address opens it (`?dispute=…`).
pub type RequestResource = PageResource<Option<Result<DisputeStart, AppError>>>;

/// The request for the claim page's `claim`, made by the page outside `Require`, once per
/// render (see `Require`). Keyed by the step too: each step shows the draft as the step
/// before left it.
pub fn dispute_request_of(claim: Signal<String>) -> RequestResource {
    let query = use_query_map();
    let step = move || query.read().get("dispute").filter(|v| !v.is_empty());
    page_resource(
        move || step().map(|step| (claim.get(), step)),
        |asked| async move {
            match asked {
                Some((claim, _)) => Some(dispute_request(claim).await),
                None => None,
            }
        },
    )
}

/// The "Provider Dispute Resolution Request", opened on the claim page by the address.
#[component]
pub fn DisputeDialog(claim: String, start: RequestResource) -> impl IntoView {
    let (open, step) = query_dialog("dispute");
    let close = format!("/claims/{}", encode_query_value(&claim));
    view! {
        <Modal open title="Provider Dispute Resolution Request" close_href=close>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || start.get().flatten().map(|found| match found {
                    Ok(start) => view! { <DisputeSteps start step=step.get().unwrap_or_default() /> }.into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                })}
            </Suspense>
        </Modal>
    }
}

#[component]
fn DisputeSteps(start: DisputeStart, step: String) -> impl IntoView {
    let summary = [
        ("Provider", start.provider.clone()),
        ("Claim #", start.claim.clone()),
        ("Billed", start.billed.clone()),
        ("Paid", start.paid.clone()),
    ]
    .into_iter()
    .map(|(label, value)| view! { <div><dt>{label}</dt><dd>{value}</dd></div> })
    .collect_view();
    let typed = !start.form.description.is_empty();
    let body = match (&start.number, step.as_str()) {
        (Some(number), _) => view! {
            <p class="notice" role="status">{format!("Dispute #: {number}")}</p>
            <Attachments start=start.clone() draft=false />
        }
        .into_any(),
        (None, "attach") if typed => view! {
            <Attachments start=start.clone() draft=true />
            <p><a href=dialog_href(&start.claim, "form")>"Back to the dispute details"</a></p>
            <SubmitForm claim=start.claim.clone() />
        }
        .into_any(),
        _ => view! { <RequestForm start=start.clone() /> }.into_any(),
    };
    view! {
        <p>"This form is for claim payment disputes about reimbursement rates or the processing of claims. If a health network is responsible for payment, submit your dispute to the health network. It is not for clinical reviews of a denied authorization."</p>
        <dl class="facts">{summary}</dl>
        {body}
    }
}

#[component]
fn RequestForm(start: DisputeStart) -> impl IntoView {
    let save = ServerAction::<SaveDispute>::new();
    follow_answer(save, || {});
    let error = action_error(save);
    let field = field_errors(move || error.get());
    let f = start.form;
    let (description, outcome) = (
        RwSignal::new(f.description),
        RwSignal::new(f.expected_outcome),
    );
    let (name, email, title) = (
        RwSignal::new(f.name),
        RwSignal::new(f.email),
        RwSignal::new(f.title),
    );
    let (phone, fax) = (RwSignal::new(f.phone), RwSignal::new(f.fax));
    view! {
        <ActionForm action=save attr:novalidate=true attr:class="stacked" attr:aria-label="Dispute Details">
            <input type="hidden" name="claim" value=start.claim />
            <h3>"Dispute Details"</h3>
            <TextArea label="Dispute Description" value=description name="dispute[description]" id="dispute-description" error=field("description") />
            <TextArea label="Expected Outcome" value=outcome name="dispute[expected_outcome]" id="dispute-outcome" rows=3 error=field("expected_outcome") />
            <h3>"Contact"</h3>
            <div class="field-row">
                <Field label="Name" value=name name="dispute[name]" id="dispute-name" required=true error=field("name") />
                <Field label="Title" value=title name="dispute[title]" id="dispute-title" error=field("title") />
            </div>
            <Field label="Email" value=email name="dispute[email]" id="dispute-email" input_type="email" required=true error=field("email") />
            <div class="field-row">
                <Field label="Phone" value=phone name="dispute[phone]" id="dispute-phone" input_type="tel" required=true error=field("phone") />
                <Field label="Fax" value=fax name="dispute[fax]" id="dispute-fax" input_type="tel" error=field("fax") />
            </div>
            <ErrorSummary error beside_fields=true />
            <button type="submit" class="button primary">"Continue to attachment"</button>
        </ActionForm>
    }
}

/// The files so far, and a plain multipart form for one more while there is room.
#[component]
fn Attachments(start: DisputeStart, draft: bool) -> impl IntoView {
    let refused = query_value("upload_error");
    let room = start.open && start.files.len() < MAX_FILES;
    let claim = start.claim.clone();
    let mut columns = vec![
        Column::text("File", |f: &FileRow| f.name.clone()),
        Column::text("Size", |f: &FileRow| f.size.clone()),
    ];
    if draft {
        let claim = claim.clone();
        columns.push(Column::new("Remove", move |f: &FileRow| {
            view! { <RemoveFile claim=claim.clone() file=f.clone() /> }.into_any()
        }));
    }
    view! {
        <h3>"Attachments"</h3>
        <DataTable caption="Files attached" columns rows=Signal::stored(start.files) empty="No files yet." />
        {room.then(|| view! {
            <form method="post" action="/uploads/disputes" enctype="multipart/form-data" class="stacked" aria-label="Attach a file">
                <input type="hidden" name="claim" value=claim.clone() />
                <div class="field" class:invalid=!refused.is_empty()>
                    <label for="dispute-file">"+ Choose File"</label>
                    <p class="hint" id="dispute-file-hint">{format!("Up to {MAX_FILES} files: PDF, DOCX, XLSX, PNG or JPEG, 25 MB each.")}</p>
                    <input id="dispute-file" type="file" name="file" accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg" aria-describedby="dispute-file-hint dispute-file-error" />
                    {(!refused.is_empty()).then(|| view! { <p class="field-error" id="dispute-file-error" role="alert">{refused.clone()}</p> })}
                </div>
                <button type="submit" class="button">"Attach File"</button>
            </form>
        })}
        {(!start.open).then(|| view! { <p>"This dispute is resolved: no more files can be added."</p> })}
    }
}

#[component]
fn RemoveFile(claim: String, file: FileRow) -> impl IntoView {
    let remove = ServerAction::<RemoveDisputeFile>::new();
    follow_answer(remove, || {});
    let label = format!("Remove {}", file.name);
    view! {
        <ActionForm action=remove attr:class="inline">
            <input type="hidden" name="claim" value=claim />
            <input type="hidden" name="file" value=file.id.to_string() />
            <button type="submit" class="button link" aria-label=label>"✕"</button>
        </ActionForm>
    }
}

#[component]
fn SubmitForm(claim: String) -> impl IntoView {
    let submit = ServerAction::<SubmitDispute>::new();
    follow_answer(submit, || {});
    let error = action_error(submit);
    view! {
        <ActionForm action=submit attr:class="stacked" attr:aria-label="Submit the dispute">
            <input type="hidden" name="claim" value=claim />
            <ErrorSummary error />
            <button type="submit" class="button primary">"Submit Dispute"</button>
        </ActionForm>
    }
}

#[component]
pub fn DisputeLookupPage() -> impl IntoView {
    let asked = asked::<DisputeSearch>("by");
    let found = page_resource(
        move || asked.get(),
        |search| async move {
            match search {
                Some(search) => Some(search_disputes(search).await),
                None => None,
            }
        },
    );
    let error = Signal::derive(move || found.get().flatten().and_then(Result::err));
    view! {
        <Require access=PageAccess::Member>
            <ClaimsNav current="Dispute Lookup" />
            <h1>"Dispute Lookup"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <LookupForms asked=asked.get_untracked().unwrap_or_default() error />
                {move || found.get().flatten().map(|found| match found {
                    Ok(rows) => {
                        let query = asked.get().map(|s| search_query(&s)).unwrap_or_default();
                        view! {
                            <section aria-labelledby="dispute-results">
                                <h2 id="dispute-results">"Disputes Found"</h2>
                                <DataTable caption="Your office's disputes, newest first" columns=dispute_columns(query) rows=Signal::stored(rows) empty="No disputes match this search." />
                            </section>
                        }.into_any()
                    }
                    Err(AppError::Validation(_)) => ().into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                })}
            </Transition>
            <DisputeView />
        </Require>
    }
}

fn search_query(s: &DisputeSearch) -> String {
    [
        ("by", &s.by),
        ("from", &s.from),
        ("to", &s.to),
        ("status", &s.status),
        ("claim", &s.claim),
        ("number", &s.number),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
    .collect::<Vec<_>>()
    .join("&")
}

#[component]
fn LookupForms(asked: DisputeSearch, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = field_errors(move || error.get());
    let by_number = asked.by == "number";
    let selected = usize::from(by_number);
    let keep = |value: &str, number_tab: bool| {
        RwSignal::new(if by_number == number_tab {
            value.to_string()
        } else {
            String::new()
        })
    };
    let (from, to, status, claim) = (
        keep(&asked.from, false),
        keep(&asked.to, false),
        keep(&asked.status, false),
        keep(&asked.claim, false),
    );
    let number = keep(&asked.number, true);
    let statuses = StoredValue::new(options(&STATUSES));
    view! {
        <Tabs id="dispute-lookup" label="Look up disputes by" labels=vec!["Search".into(), "Dispute #".into()] selected />
        <TabPanel id="dispute-lookup" index=0>
            <Form method="GET" action="/claims/disputes" attr:class="stacked" attr:aria-label="Search disputes">
                <input type="hidden" name="by" value="search" />
                <div class="field-row">
                    <Field label="From" value=from name="from" input_type="date" id="disputes-from" hint="Date submitted" error=field("from") />
                    <Field label="To" value=to name="to" input_type="date" id="disputes-to" error=field("to") />
                </div>
                <Select label="Status" options=statuses.get_value() value=status name="status" id="disputes-status" error=field("status") />
                <Field label="Claim Number" value=claim name="claim" id="disputes-claim" />
                <button type="submit" class="button primary">"Find Disputes"</button>
            </Form>
        </TabPanel>
        <TabPanel id="dispute-lookup" index=1>
            <Form method="GET" action="/claims/disputes" attr:class="stacked" attr:aria-label="Find a dispute by number">
                <input type="hidden" name="by" value="number" />
                <Field label="Dispute #" value=number name="number" id="disputes-number" error=field("number") />
                <button type="submit" class="button primary">"Find Disputes"</button>
            </Form>
        </TabPanel>
    }
}

fn dispute_columns(query: String) -> Vec<Column<DisputeRow>> {
    vec![
        Column::new("Dispute #", move |d: &DisputeRow| {
            let separator = if query.is_empty() { "" } else { "&" };
            let href = format!(
                "/claims/disputes?{query}{separator}view={}",
                encode_query_value(&d.number)
            );
            view! { <a href=href>{d.number.clone()}</a> }.into_any()
        }),
        Column::new("Claim #", |d: &DisputeRow| {
            let href = format!("/claims/{}", encode_query_value(&d.claim));
            view! { <a href=href>{d.claim.clone()}</a> }.into_any()
        }),
        Column::text("Member", |d: &DisputeRow| d.member.clone()),
        Column::text("Submitted", |d: &DisputeRow| d.submitted.clone()),
        Column::text("Status", |d: &DisputeRow| d.status.clone()),
    ]
}

/// The dispute the address names (`view=…`), in a dialog with its three tabs.
#[component]
fn DisputeView() -> impl IntoView {
    let (open, number) = query_dialog("view");
    let detail = page_resource(
        move || number.get(),
        |number| async move {
            match number {
                Some(number) => Some(load_dispute(number).await),
                None => None,
            }
        },
    );
    // Closing keeps the search.
    let query = use_query_map();
    let close = Signal::derive(move || {
        let kept: Vec<String> = query.with(|q| {
            q.into_iter()
                .filter(|(k, _)| k.as_ref() != "view")
                .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
                .collect()
        });
        format!("/claims/disputes?{}", kept.join("&"))
    });
    view! {
        <Modal open title="Dispute" close_href=close.get_untracked()>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || detail.get().flatten().map(|found| match found {
                    Ok(detail) => view! { <DisputeTabs detail /> }.into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                })}
            </Suspense>
        </Modal>
    }
}

#[component]
fn DisputeTabs(detail: DisputeDetail) -> impl IntoView {
    let selected = 0usize;
    let labels = ["Dispute Details", "Attachments", "Correspondence"]
        .map(String::from)
        .to_vec();
    let number = detail.number.clone();
    let details: Vec<(String, String)> = [
        ("Dispute #", detail.number.clone()),
        ("Claim #", detail.claim.clone()),
        ("Member", detail.member.clone()),
        ("Status", detail.status.clone()),
        (
            "Submitted",
            format!("{} by {}", detail.submitted, detail.submitted_by),
        ),
        ("Acknowledged", detail.acknowledged.clone()),
        ("Resolved", detail.resolved.clone()),
        ("Dispute Description", detail.description.clone()),
        ("Expected Outcome", detail.expected_outcome.clone()),
    ]
    .into_iter()
    .map(|(l, v)| (l.to_string(), v))
    .chain(detail.contact.clone())
    .collect();
    let details = StoredValue::new(details);
    let details = move || {
        details
            .get_value()
            .into_iter()
            .map(|(label, value)| {
                let value = if value.is_empty() {
                    "—".to_string()
                } else {
                    value
                };
                view! { <div><dt>{label}</dt><dd>{value}</dd></div> }
            })
            .collect_view()
    };
    let files = StoredValue::new(detail.files.clone());
    let letter = StoredValue::new((detail.letter.clone(), detail.resolution.clone()));
    let file_columns = {
        let number = number.clone();
        vec![
            Column::new("File", move |f: &FileRow| {
                let href = format!(
                    "/downloads/disputes/file?dispute={}&file={}",
                    encode_query_value(&number),
                    f.id
                );
                view! { <a href=href download>{f.name.clone()}</a> }.into_any()
            }),
            Column::text("Size", |f: &FileRow| f.size.clone()),
        ]
    };
    let file_columns = StoredValue::new(file_columns);
    let letter_href = format!(
        "/downloads/disputes/letter?dispute={}",
        encode_query_value(&number)
    );
    view! {
        <Tabs id="dispute" label="Dispute" labels selected />
        <TabPanel id="dispute" index=0>
            <dl class="facts">{details}</dl>
        </TabPanel>
        <TabPanel id="dispute" index=1>
            <DataTable caption="Attachments" columns=file_columns.get_value() rows=Signal::stored(files.get_value()) empty="No files." />
        </TabPanel>
        <TabPanel id="dispute" index=2>
            {
                let letter_href = letter_href.clone();
                move || match letter.get_value() {
                    (Some(title), resolution) => view! {
                        <p><a href=letter_href.clone() download>{title}</a></p>
                        <p>{resolution}</p>
                    }.into_any(),
                    (None, _) => view! { <p>"No correspondence yet: the plan writes when the dispute is resolved."</p> }.into_any(),
                }
            }
        </TabPanel>
    }
}

/// The plan's queue: disputes not yet resolved, the overdue ones flagged.
#[component]
pub fn DisputeQueue() -> impl IntoView {
    let queue = page_resource(|| (), |_| open_disputes());
    let rows = Signal::derive(move || queue.get().and_then(Result::ok).unwrap_or_default());
    let columns = vec![
        Column::text("Dispute #", |d: &QueuedDispute| d.number.clone()),
        Column::text("Claim #", |d: &QueuedDispute| d.claim.clone()),
        Column::text("Office", |d: &QueuedDispute| d.organization.clone()),
        Column::text("Submitted", |d: &QueuedDispute| d.submitted.clone()),
        Column::new("Status", |d: &QueuedDispute| {
            let status = d.status.clone();
            if d.overdue {
                view! { <span><strong class="flag">"Overdue"</strong>" "{status}</span> }.into_any()
            } else {
                view! { <span>{status}</span> }.into_any()
            }
        }),
        Column::text("Description", |d: &QueuedDispute| d.description.clone()),
        Column::new("Decide", |d: &QueuedDispute| {
            view! { <QueueActions dispute=d.clone() /> }.into_any()
        }),
    ];
    view! {
        <section aria-labelledby="disputes">
            <h2 id="disputes">"Dispute Queue"</h2>
            <p>{format!("Disputes are acknowledged within {} hours; an overdue one is flagged.", super::ACKNOWLEDGE_HOURS)}</p>
            <crate::operator::Outcome keys=vec!["dispute"] />
            <Transition>
                <DataTable caption="Disputes not yet resolved" columns rows empty="No open disputes." />
            </Transition>
        </section>
    }
}

#[component]
fn QueueActions(dispute: QueuedDispute) -> impl IntoView {
    let acknowledge = ServerAction::<AcknowledgeDispute>::new();
    follow_answer(acknowledge, || {});
    let resolve = ServerAction::<ResolveDispute>::new();
    follow_answer(resolve, || {});
    let error = action_error(resolve);
    let field = field_errors(move || error.get());
    let resolution = RwSignal::new(String::new());
    let id = dispute.id.to_string();
    view! {
        {(dispute.status == "Submitted").then(|| {
            let label = format!("Acknowledge {}", dispute.number);
            let id = id.clone();
            view! {
                <ActionForm action=acknowledge attr:class="inline">
                    <input type="hidden" name="dispute_id" value=id />
                    <button type="submit" class="button" aria-label=label>"Acknowledge"</button>
                </ActionForm>
            }
        })}
        <ActionForm action=resolve attr:class="stacked">
            <input type="hidden" name="dispute_id" value=id />
            <TextArea label=format!("Resolution of {}", dispute.number) value=resolution name="resolution" id=format!("resolution-{}", dispute.id) rows=3 error=field("resolution") />
            <button type="submit" class="button primary" aria-label=format!("Resolve {}", dispute.number)>"Resolve"</button>
        </ActionForm>
    }
}
