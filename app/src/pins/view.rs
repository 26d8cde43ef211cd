use super::{
    load_npi, search_npis, view_pin, NpiSettings, ResetPin, SignPeAgreement, PE_AGREEMENT_TITLE,
};
use crate::affiliations::{receivers_835, Receivers835, Receivers835Choices};
use crate::auth::{PageAccess, Require};
use crate::dashboard::NpiRow;
use crate::ui::{
    action_error, ask_server, field_errors, page_resource, query_value, Column, DataTable,
    ErrorSummary, Field, HoldToView, Pager, Pagination, PostButton, SearchForm,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn NpisPage() -> impl IntoView {
    let search = RwSignal::new(query_value("q"));
    let pager = Pager::new("after");
    let page = page_resource(
        move || (search.get(), pager.cursor()),
        |(search, after)| search_npis(search, after),
    );
    let shown = Signal::derive(move || page.get().and_then(Result::ok));
    let rows = Signal::derive(move || shown.get().map(|p| p.items).unwrap_or_default());
    let next = Signal::derive(move || shown.get().and_then(|p| p.next));
    view! {
        <Require access=PageAccess::Member>
            <h1>"NPI Agreements and Settings"</h1>
            <SearchForm label="NPIs" results="npis-found">
                <Field label="Search by provider name or NPI" value=search name="q" input_type="search" />
            </SearchForm>
            <div id="npis-found">
                <Transition>
                    <DataTable caption="Your NPIs" columns=npi_columns() rows empty="No NPI you hold matches your search." />
                    <Pagination pager next label="NPI pages" />
                    <ErrorSummary error=Signal::derive(move || page.get().and_then(Result::err)) />
                </Transition>
            </div>
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

fn npi_columns() -> Vec<Column<NpiRow>> {
    vec![
        Column::new("Provider", |row: &NpiRow| {
            let href = format!("/npis/{}", row.npi);
            let name = format!("{} (NPI {})", row.name, row.npi);
            view! { <a href=href>{name}</a> }.into_any()
        }),
        Column::text("Your permission", |row: &NpiRow| row.level.clone()),
    ]
}

#[component]
pub fn NpiPage() -> impl IntoView {
    let params = use_params_map();
    let npi = Signal::derive(move || params.read().get("npi").unwrap_or_default());
    // Made outside `Require`, once per render, and awaited inside it: see `Require`.
    let settings = page_resource(move || npi.get(), load_npi);
    let receivers = page_resource(move || npi.get(), receivers_835);
    let reload = Callback::new(move |_| settings.refetch());
    let reload_receivers = Callback::new(move |_| receivers.refetch());
    view! {
        <Require access=PageAccess::Member fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match (settings.await, receivers.await) {
                    (Ok(settings), receivers) => view! { <NpiSettingsView settings reload receivers reload_receivers /> }.into_any(),
                    (Err(error), _) => view! {
                        <h1>"NPI Agreements and Settings"</h1>
                        <ErrorSummary error=Signal::stored(Some(error)) />
                    }.into_any(),
                }
            })}
            <p><a href="/npis">"Back to NPI Agreements and Settings"</a></p>
        </Require>
    }
}

/// The notice an action leaves on the page (`?done=…`).
fn done_notice(done: Option<String>) -> Option<&'static str> {
    match done.as_deref()? {
        "reset" => Some("The PIN was reset. The new PIN is sent in a PIN letter."),
        "signed" => Some("The agreement is signed."),
        _ => None,
    }
}

#[component]
fn NpiSettingsView(
    settings: NpiSettings,
    reload: Callback<()>,
    receivers: Receivers835Choices,
    reload_receivers: Callback<()>,
) -> impl IntoView {
    let query = use_query_map();
    let notice = move || done_notice(query.read().get("done"));
    let navigate = StoredValue::new(use_navigate());
    let reset = ServerAction::<ResetPin>::new();
    let reset_error = action_error(reset);
    Effect::new(move |_| {
        if let Some(Ok(next)) = reset.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            reload.run(());
        }
    });
    let transactions = settings
        .transactions
        .iter()
        .map(|(code, name)| view! { <li><strong>{code.clone()}</strong>" — "{name.clone()}</li> })
        .collect_view();
    let sign = ServerAction::<SignPeAgreement>::new();
    let sign_error = action_error(sign);
    let sign_field = field_errors(move || sign_error.get());
    Effect::new(move |_| {
        if let Some(Ok(next)) = sign.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            reload.run(());
        }
    });
    let signer_name = RwSignal::new(String::new());
    let signer_title = RwSignal::new(String::new());
    let agreement_href = format!("/downloads/npis/pe-agreement?npi={}", settings.npi);
    let signing_npi = settings.npi.clone();
    let agreement = match settings.pe_agreement.clone() {
        Some(signed) => view! {
            <p>{format!("Signed electronically by {}, {}, on {} from {}.", signed.name, signed.title, signed.signed_at, signed.address)}</p>
        }.into_any(),
        None if settings.admin => view! {
            <p>"Not signed yet. Read the agreement, then sign it with your name and title."</p>
            <ActionForm action=sign attr:novalidate=true attr:class="stacked">
                <input type="hidden" name="npi" value=signing_npi />
                <Field label="First and Last Name" value=signer_name name="name" autocomplete="name" error=sign_field("name") />
                <Field label="Title" value=signer_title name="title" autocomplete="organization-title" error=sign_field("title") />
                <button type="submit" class="button primary">"Sign Agreement"</button>
            </ActionForm>
            <ErrorSummary error=sign_error beside_fields=true />
        }.into_any(),
        None => view! { <p>"Not signed yet. An Admin of this NPI can sign it."</p> }.into_any(),
    };
    let last_reset = settings
        .pin_reset_on
        .clone()
        .map(|on| format!("Last reset on {on}. PINs can be reset once a day."))
        .unwrap_or_else(|| "PINs can be reset once a day.".into());
    view! {
        <h1>{settings.name.clone()}</h1>
        <p class="org-line">{format!("NPI {} · {}", settings.npi, settings.specialty)}</p>
        {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <section aria-labelledby="pin">
            <h2 id="pin">"PIN"</h2>
            {if settings.admin {
                view! {
                    {settings.pin_set.then(|| view! {
                        <div class="island"><PinHold npi=settings.npi.clone() /></div>
                    })}
                    <p class="hint">{last_reset}</p>
                    <PostButton action=reset field=("npi", settings.npi.clone()) label="Reset PIN" />
                    <ErrorSummary error=reset_error />
                }.into_any()
            } else {
                view! { <p>"Only an Admin of this NPI can view or reset its PIN."</p> }.into_any()
            }}
        </section>
        <Receivers835 npi=settings.npi.clone() admin=settings.admin choices=receivers reload=reload_receivers />
        <section aria-labelledby="transactions-available">
            <h2 id="transactions-available">"Transactions Available"</h2>
            {if settings.transactions.is_empty() {
                view! { <p>"This NPI is not enrolled for electronic transactions."</p> }.into_any()
            } else {
                view! { <ul class="tile-list">{transactions}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="pe-agreements">
            <h2 id="pe-agreements">"Presumptive Eligibility Provider Agreements"</h2>
            <ul class="links"><li><a href=agreement_href>{PE_AGREEMENT_TITLE}</a></li></ul>
            {agreement}
        </section>
    }
}

/// The PIN, shown while "Hold to View" is held: asked of the server (which checks the admin
/// and a recent passcode, and audits the view) each time.
#[island]
fn PinHold(npi: String) -> impl IntoView {
    let pin = RwSignal::new(None::<String>);
    let error = RwSignal::new(None);
    let reveal = ask_server(pin, error, move || view_pin(npi.clone()));
    view! {
        <HoldToView label="PIN" reveal secret=pin />
        <ErrorSummary error />
    }
}
