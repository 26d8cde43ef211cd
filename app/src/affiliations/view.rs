use super::{
    find_provider_office, load_affiliations, Affiliation, ApproveAffiliation, DenyAffiliation,
    Receivers835Choices, RequestAffiliation, Save835Receiver, SetDirectoryListing, AGREEMENT_TERMS,
    AGREEMENT_TITLE, SIGNER_ROLES,
};
use crate::auth::{PageAccess, Require};
use crate::ui::{
    action_error, field_errors, follow_answer, page_resource, query_dialog, Checkbox, Column,
    DataTable, ErrorSummary, Field, Modal, PostButton, Select, TabPanel, Tabs,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// "Submitter Management" for an office, "Provider Network" for a submitter.
#[component]
pub fn AffiliationsPage() -> impl IntoView {
    let query = use_query_map();
    let asking = Memo::new(move |_| query.with(|q| q.get("new").is_some()));
    let deciding =
        Memo::new(move |_| query.with(|q| q.get("approve").and_then(|v| v.parse::<i64>().ok())));
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Affiliations"</h1>
            <Done />
            {move || if asking.get() {
                view! { <NewRequest /> }.into_any()
            } else if let Some(id) = deciding.get() {
                view! { <Approve id /> }.into_any()
            } else {
                view! { <Lists /> }.into_any()
            }}
        </Require>
    }
}

#[component]
fn Done() -> impl IntoView {
    let query = use_query_map();
    move || {
        let text = match query.with(|q| q.get("done"))?.as_str() {
            "requested" => "Request Complete: your affiliation request was sent. You will be notified, and emailed, when the office approves or denies it.",
            "approved" => "The affiliation was approved.",
            "denied" => "The affiliation request was denied.",
            "listing" => "Your Submitter Directory listing was saved.",
            _ => return None,
        };
        Some(view! { <p class="notice" role="status">{text}</p> })
    }
}

#[component]
fn Lists() -> impl IntoView {
    let overview = page_resource(
        || (),
        |_| crate::ui::once_per_page("affiliations", load_affiliations()),
    );
    let selected = 0usize;
    let deny = ServerAction::<DenyAffiliation>::new();
    let listing = ServerAction::<SetDirectoryListing>::new();
    follow_answer(deny, move || overview.refetch());
    follow_answer(listing, move || overview.refetch());
    // "Deny" asks first (guide 000 §15), in a dialog the address opens.
    let (deny_open, denying) = query_dialog("deny");
    let denied_name = Signal::derive(move || {
        let id = denying.get()?.parse::<i64>().ok()?;
        let o = overview.get()?.ok()?;
        o.pending
            .into_iter()
            .find(|a| a.id == id)
            .map(|a| (a.id, a.organization))
    });
    view! {
        <Modal open=deny_open title="Deny Affiliation Request" close_href="/affiliations">
            // The request's name comes with the list, which is made in here, inside `Require`:
            // read under `Require`'s own `Suspense`, the page sometimes never finished rendering
            // (see `Require`). Under this one it finishes: the affiliations test asks 20 times.
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || denied_name.get().map(|(id, name)| view! {
                    <p>{format!("Are you sure you want to deny the affiliation request from {name}? They will be told.")}</p>
                    <PostButton action=deny field=("id", id.to_string()) label="Deny" primary=true />
                    " "<a href="/affiliations">"Cancel"</a>
                })}
            </Suspense>
        </Modal>
        <ErrorSummary error=action_error(deny) />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match overview.await {
                    Ok(o) => {
                        let provider = o.provider;
                        let columns = move |pending: bool| {
                            let mut columns = vec![
                                Column::text(if provider { "Submitter" } else { "Provider Office" }, |a: &Affiliation| a.organization.clone()),
                                Column::text("City", |a: &Affiliation| a.city.clone()),
                                Column::text("Requested", |a: &Affiliation| a.requested.clone()),
                                Column::text("Signed by", |a: &Affiliation| a.signed_by.clone()),
                            ];
                            if !pending {
                                columns.push(Column::text("Affiliated since", |a: &Affiliation| a.since.clone().unwrap_or_default()));
                            }
                            if pending && provider {
                                columns.push(Column::new("Action", move |a: &Affiliation| {
                                    let approve = format!("/affiliations?approve={}", a.id);
                                    let named = format!("Approve {}", a.organization);
                                    let deny_href = format!("/affiliations?deny={}", a.id);
                                    let deny_named = format!("Deny {}", a.organization);
                                    view! {
                                        <a class="button primary" href=approve aria-label=named>"Approve"</a>
                                        " "
                                        <a class="button" href=deny_href aria-label=deny_named>"Deny"</a>
                                    }.into_any()
                                }));
                            }
                            columns
                        };
                        let pending = Signal::stored(o.pending.clone());
                        let affiliated = Signal::stored(o.affiliated.clone());
                        let directory = Signal::stored(o.directory.clone());
                        let directory_columns = vec![
                            Column::text("Submitter", |d: &(String, String, Option<String>)| d.0.clone()),
                            Column::text("City", |d: &(String, String, Option<String>)| d.1.clone()),
                            Column::text("Submitter ID", |d: &(String, String, Option<String>)| d.2.clone().unwrap_or_default()),
                        ];
                        let hidden = o.hidden;
                        view! {
                            {(!provider).then(|| view! { <p><a href="/affiliations?new">"New Provider Affiliation Request"</a></p> })}
                            <Tabs id="affiliations" label="Affiliations" labels=vec!["Pending Requests".into(), "Affiliated".into(), "Submitter Directory".into()] selected />
                            <TabPanel id="affiliations" index=0>
                                <DataTable caption="Pending Requests" columns=columns(true) rows=pending empty="No pending requests." />
                            </TabPanel>
                            <TabPanel id="affiliations" index=1>
                                <DataTable caption="Affiliated" columns=columns(false) rows=affiliated empty="No affiliations yet." />
                            </TabPanel>
                            <TabPanel id="affiliations" index=2>
                                <DataTable caption="Submitter Directory" columns=directory_columns.clone() rows=directory empty="No submitters are listed." />
                                {(!provider).then(|| view! {
                                    <ActionForm action=listing attr:id="directory">
                                        <input type="hidden" name="listed" value=hidden.to_string() />
                                        <p>{if hidden { "Your organization is not listed in the Submitter Directory." } else { "Your organization is listed in the Submitter Directory." }}</p>
                                        <button type="submit" class="button">{if hidden { "List my organization" } else { "Hide my organization" }}</button>
                                    </ActionForm>
                                })}
                            </TabPanel>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The agreement's text and its signature fields, shared by the request and the approval.
#[component]
fn AgreementFields(
    field_error: impl Fn(&'static str) -> Signal<Option<String>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (first, last, role) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let confirm = RwSignal::new(false);
    let roles = std::iter::once((String::new(), "Choose your role".to_string()))
        .chain(SIGNER_ROLES.iter().map(|r| (r.to_string(), r.to_string())))
        .collect();
    view! {
        <h2>{AGREEMENT_TITLE}</h2>
        <ol class="terms">{AGREEMENT_TERMS.iter().map(|t| view! { <li>{*t}</li> }).collect_view()}</ol>
        <Checkbox label="I confirm that I am eligible to sign this agreement on behalf of my organization" checked=confirm
            name="signing[confirm]" error=field_error("confirm") />
        <Field label="First Name" id="signer-first" value=first name="signing[first_name]" autocomplete="given-name" error=field_error("first_name") />
        <Field label="Last Name" id="signer-last" value=last name="signing[last_name]" autocomplete="family-name" error=field_error("last_name") />
        <Select label="Role" id="signer-role" options=roles value=role name="signing[role]" error=field_error("role") />
    }
}

/// A submitter's request: the office by NPI and tax ID, then the agreement.
#[component]
fn NewRequest() -> impl IntoView {
    // Read from the address each time, so "Next" works with and without the browser app.
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        query.with(|q| {
            (
                q.get("npi").unwrap_or_default(),
                q.get("tax_id").unwrap_or_default(),
            )
        })
    });
    let office = page_resource(
        move || asked.get(),
        |(npi, tax_id)| async move {
            if npi.is_empty() && tax_id.is_empty() {
                None
            } else {
                Some(find_provider_office(npi, tax_id).await)
            }
        },
    );
    let (npi, tax_id) = asked.get_untracked();
    let send = ServerAction::<RequestAffiliation>::new();
    follow_answer(send, || {});
    let error = action_error(send);
    let field_error = field_errors(move || error.get());
    let lookup_error = Signal::derive(move || office.get().flatten().and_then(Result::err));
    let lookup_field = field_errors(move || lookup_error.get());
    let (npi_value, tax_value) = (RwSignal::new(npi.clone()), RwSignal::new(tax_id.clone()));
    view! {
        <h2>"New Provider Affiliation Request"</h2>
        <Suspense>
            {move || match office.get().flatten() {
                Some(Ok(name)) => {
                    let (npi, tax_id) = asked.get_untracked();
                    view! {
                    <p>{format!("Provider office: {name}")}</p>
                    <ActionForm action=send attr:novalidate=true attr:class="stacked">
                        <input type="hidden" name="npi" value=npi />
                        <input type="hidden" name="tax_id" value=tax_id />
                        <AgreementFields field_error />
                        <ErrorSummary error beside_fields=true />
                        <button type="submit" class="button primary">"Submit Agreement"</button>
                    </ActionForm>
                    }.into_any()
                }
                _ => view! {
                    <h3>"Organization Information"</h3>
                    <Form method="GET" action="/affiliations" attr:class="stacked" attr:aria-label="Organization Information">
                        <input type="hidden" name="new" value="" />
                        <Field label="Provider NPI" id="request-npi" value=npi_value name="npi" error=lookup_field("npi") />
                        <Field label="Provider Tax ID" id="request-tax-id" value=tax_value name="tax_id" hint="The office's EIN or SSN, 9 digits." error=lookup_field("tax_id") />
                        <button type="submit" class="button primary">"Next"</button>
                    </Form>
                }.into_any(),
            }}
        </Suspense>
        <p><a href="/affiliations">"Back to Affiliations"</a></p>
    }
}

/// An office approves a request: its own signature on the agreement.
#[component]
fn Approve(id: i64) -> impl IntoView {
    let approve = ServerAction::<ApproveAffiliation>::new();
    follow_answer(approve, || {});
    let error = action_error(approve);
    let field_error = field_errors(move || error.get());
    view! {
        <ActionForm action=approve attr:novalidate=true attr:class="stacked">
            <input type="hidden" name="id" value=id.to_string() />
            <AgreementFields field_error />
            <ErrorSummary error beside_fields=true />
            <button type="submit" class="button primary">"Submit Agreement"</button>
        </ActionForm>
        <p><a href="/affiliations">"Back to Affiliations"</a></p>
    }
}

/// "835 Receivers" on an NPI's page: which affiliated submitter receives its 835. The page
/// loads `choices` (`receivers_835`) with its own data; `reload` loads them again.
#[component]
pub fn Receivers835(
    npi: String,
    admin: bool,
    choices: Receivers835Choices,
    reload: Callback<()>,
) -> impl IntoView {
    let save = ServerAction::<Save835Receiver>::new();
    follow_answer(save, move || reload.run(()));
    let error = action_error(save);
    let field_error = field_errors(move || error.get());
    let shown = match choices {
        Ok((list, chosen)) => {
            let value = RwSignal::new(chosen.unwrap_or(0).to_string());
            let name = chosen
                .and_then(|c| list.iter().find(|(id, _)| *id == c).map(|(_, n)| n.clone()))
                .unwrap_or_else(|| "the provider itself (no submitter)".into());
            let options = std::iter::once((
                "0".to_string(),
                "None: the provider receives its own 835".to_string(),
            ))
            .chain(list.into_iter().map(|(id, n)| (id.to_string(), n)))
            .collect();
            view! {
                <p>{format!("The 835 remittance for this NPI goes to {name}.")}</p>
                {admin.then(|| view! {
                    <ActionForm action=save attr:class="stacked">
                        <input type="hidden" name="npi" value=npi />
                        <Select label="835 Receiver" id="receiver-835" options value name="receiver" error=field_error("receiver") />
                        <ErrorSummary error beside_fields=true />
                        <button type="submit" class="button primary">"Save"</button>
                    </ActionForm>
                })}
            }
            .into_any()
        }
        Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
    };
    view! {
        <section aria-labelledby="receivers-835">
            <h2 id="receivers-835">"835 Receivers"</h2>
            {shown}
        </section>
    }
}
