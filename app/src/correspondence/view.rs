use super::{
    correspondence_options, load_tax_documents, load_welcome_letters, new_correspondence,
    recent_searches, search_correspondence, AcceptTaxConsent, Criteria, DocumentRow, Documents,
    RecentSearch, SearchOptions, WithdrawTaxConsent, DATE_RANGES,
};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    action_error, field_errors, page_resource, query_value, Checkbox, Column, DataTable,
    ErrorSummary, Field, MenuButton, MenuItem, PageResource, Select,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

/// The Correspondence Center's own links, on each of its pages.
#[component]
fn CenterLinks() -> impl IntoView {
    let location = use_location();
    let here = move || {
        let search = location.search.get();
        format!(
            "{}{}",
            location.pathname.get(),
            if search.is_empty() {
                String::new()
            } else {
                format!("?{search}")
            }
        )
    };
    let links = [
        ("/correspondence", "Search for Correspondence"),
        ("/correspondence?view=new", "New Correspondence"),
        ("/correspondence?view=recent", "Recent Searches"),
        ("/correspondence/welcome", "Provider Welcome Letter"),
        ("/tax-documents", "Tax Documents"),
    ];
    view! {
        <nav aria-label="Correspondence Center" class="subnav">
            <ul>
                {links.into_iter().map(|(href, label)| {
                    let current = move || {
                        let here = here();
                        let same = here == href
                            || (href == "/correspondence" && here.starts_with("/correspondence?") && !here.contains("view="));
                        same.then_some("page")
                    };
                    view! { <li><a href=href aria-current=current>{label}</a></li> }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// The part of the Correspondence Center the address shows (`view`).
#[derive(Clone, Copy, PartialEq)]
enum Section {
    Search,
    New,
    Recent,
}

/// What the page loads, or `None` while another section is shown.
type Shown<T> = PageResource<Option<Result<T, AppError>>>;

/// `load` whenever `section` is the one shown.
fn for_section<T, Fut>(
    shown: impl Fn() -> Section + Send + Sync + 'static,
    section: Section,
    load: impl Fn() -> Fut + Send + Sync + 'static,
) -> Shown<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let load = std::sync::Arc::new(load);
    page_resource(
        move || shown() == section,
        move |on| {
            let load = load.clone();
            async move {
                match on {
                    true => Some(load().await),
                    false => None,
                }
            }
        },
    )
}

#[component]
pub fn CorrespondencePage() -> impl IntoView {
    let query = use_query_map();
    let section = move || match query.read().get("view").as_deref() {
        Some("new") => Section::New,
        Some("recent") => Section::Recent,
        _ => Section::Search,
    };
    // Each section's data is made here, outside `Require`, once per render (see `Require`):
    // made inside it, a search ran, and was remembered, once per walk of the page.
    let options = for_section(section, Section::Search, correspondence_options);
    let criteria = criteria_in_address();
    let results = page_resource(
        move || criteria.get().filter(|_| section() == Section::Search),
        |criteria| async move {
            match criteria {
                Some(criteria) => Some(search_correspondence(criteria).await),
                None => None,
            }
        },
    );
    let arrived = for_section(section, Section::New, new_correspondence);
    let recent = for_section(section, Section::Recent, recent_searches);
    view! {
        <Require access=PageAccess::Member>
            <h1>"Correspondence Center"</h1>
            <CenterLinks />
            {move || match section() {
                Section::New => view! { <Arrived found=arrived /> }.into_any(),
                Section::Recent => view! { <Recent found=recent /> }.into_any(),
                Section::Search => view! { <Search options results /> }.into_any(),
            }}
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

/// The search as the address has it, once a search was made.
fn criteria_in_address() -> Memo<Option<Criteria>> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            let searched = ["npi", "type", "range", "start", "end"]
                .iter()
                .any(|k| q.get(k).is_some());
            searched.then(|| Criteria {
                npi: q.get("npi").unwrap_or_default(),
                correspondence_type: q.get("type").unwrap_or_default(),
                range: q.get("range").unwrap_or_default(),
                start: q.get("start").unwrap_or_default(),
                end: q.get("end").unwrap_or_default(),
            })
        })
    })
}

#[component]
fn Search(options: Shown<SearchOptions>, results: Shown<Documents>) -> impl IntoView {
    let npi = RwSignal::new(query_value("npi"));
    let kind = RwSignal::new(query_value("type"));
    let range = RwSignal::new(query_value("range"));
    let start = RwSignal::new(query_value("start"));
    let end = RwSignal::new(query_value("end"));
    let error = Signal::derive(move || results.get().flatten().and_then(Result::err));
    let field_error = field_errors(move || error.get());
    let found = Signal::derive(move || results.get().flatten().and_then(Result::ok));
    view! {
        <h2>"Search for Correspondence"</h2>
        <p>"Choose an NPI, a correspondence type and a date range: all three are needed."</p>
        <Suspense>
            {move || options.get().flatten().map(|found| match found {
                Ok(options) => {
                    let npis = std::iter::once((String::new(), "Select an NPI".to_string()))
                        .chain(options.npis.iter().map(|(n, name)| (n.clone(), format!("{n} ({name})"))))
                        .collect();
                    let ranges = std::iter::once((String::new(), "Select a date range".to_string()))
                        .chain(DATE_RANGES.iter().map(|r| (r.0.to_string(), r.1.to_string())))
                        .collect();
                    let types = std::iter::once((String::new(), "Select a type".to_string()))
                        .chain(options.types.iter().map(|t| (t.clone(), t.clone())))
                        .collect();
                    view! {
                        <Form method="GET" action="/correspondence" attr:class="stacked" attr:role="search" attr:aria-label="Search for Correspondence">
                            <Select label="NPI" options=npis value=npi name="npi" error=field_error("npi") />
                            <Select label="Correspondence Type" options=types value=kind name="type" error=field_error("correspondence_type") />
                            <Select label="Date Range" options=ranges value=range name="range" error=field_error("range") />
                            <fieldset class="dates">
                                <legend>"Or a custom date range"</legend>
                                <Field label="Start Date" value=start name="start" input_type="date" error=field_error("start") />
                                <Field label="End Date" value=end name="end" input_type="date" error=field_error("end") />
                            </fieldset>
                            <button type="submit" class="button primary">"Search"</button>
                        </Form>
                    }.into_any()
                }
                Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
            })}
        </Suspense>
        <ErrorSummary error beside_fields=true />
        <Transition>
            {move || found.get().map(|documents| view! {
                <DocumentList heading="Document Results" documents empty="No documents match this search." />
            })}
        </Transition>
    }
}

#[component]
fn Arrived(found: Shown<Documents>) -> impl IntoView {
    view! {
        <Suspense>
            {move || found.get().flatten().map(|found| match found {
                Ok(documents) => view! {
                    <DocumentList heading="New Correspondence" documents empty="Nothing new since your last sign-in." />
                }.into_any(),
                Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Recent(found: Shown<Vec<RecentSearch>>) -> impl IntoView {
    let columns = vec![
        Column::text("NPI", |s: &RecentSearch| s.criteria.npi.clone()),
        Column::text("Correspondence Type", |s: &RecentSearch| {
            s.criteria.correspondence_type.clone()
        }),
        Column::text("Date Range", |s: &RecentSearch| s.criteria.range_label()),
        Column::text("Searched", |s: &RecentSearch| s.searched_at.clone()),
        Column::new("Action", |s: &RecentSearch| {
            let named = format!(
                "Search again: {}, {}, {}",
                s.criteria.npi,
                s.criteria.correspondence_type,
                s.criteria.range_label()
            );
            view! { <a href=s.criteria.href() aria-label=named>"Search again"</a> }.into_any()
        }),
    ];
    let rows = Signal::derive(move || {
        found
            .get()
            .flatten()
            .and_then(Result::ok)
            .unwrap_or_default()
    });
    let error = Signal::derive(move || found.get().flatten().and_then(Result::err));
    view! {
        <h2>"Recent Searches"</h2>
        <ErrorSummary error />
        <Transition>
            <DataTable caption="Your recent searches" columns rows empty="You have not searched yet." />
        </Transition>
    }
}

/// Documents with a checkbox each, downloaded as one PDF or the checked ones as a ZIP.
#[component]
fn DocumentList(
    #[prop(into)] heading: String,
    documents: Documents,
    #[prop(into)] empty: String,
) -> impl IntoView {
    let location = use_location();
    let query = use_query_map();
    // Where a wrong choice comes back to: this list, without the last complaint.
    let back = move || {
        let search = location.search.get();
        let kept: Vec<&str> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("error="))
            .collect();
        match kept.is_empty() {
            true => location.pathname.get(),
            false => format!("{}?{}", location.pathname.get(), kept.join("&")),
        }
    };
    let problem = move || match query.read().get("error").as_deref() {
        Some("one") => Some("Choose one document for PDF, or choose ZIP to download several."),
        Some("none") => Some("Choose at least one document to download."),
        _ => None,
    };
    let items = vec![
        MenuItem::submit("PDF", "/downloads/correspondence/pdf"),
        MenuItem::submit("ZIP", "/downloads/correspondence/zip"),
    ];
    let columns = vec![
        Column::new("Select", |d: &DocumentRow| {
            let named = format!("{}, {}", d.title, d.date);
            view! { <input type="checkbox" name="id" value=d.id.to_string() aria-label=named /> }
                .into_any()
        }),
        Column::new("Document", |d: &DocumentRow| {
            let href = format!("/downloads/correspondence/pdf?id={}", d.id);
            view! { <a href=href>{d.title.clone()}</a> }.into_any()
        }),
        Column::text("Date", |d: &DocumentRow| d.date.clone()),
        Column::text("Correspondence Type", |d: &DocumentRow| {
            d.correspondence_type.clone()
        }),
        Column::text("NPI", |d: &DocumentRow| {
            format!("{} ({})", d.npi, d.provider)
        }),
    ];
    let more = documents.more;
    let rows = Signal::stored(documents.items);
    view! {
        <section class="documents" aria-labelledby="documents-heading">
            <h2 id="documents-heading">{heading.clone()}</h2>
            {move || problem().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            <form method="get" action="/downloads/correspondence/zip">
                <input type="hidden" name="back" value=back />
                <div class="toolbar">
                    <MenuButton label="Download options" items />
                </div>
                <DataTable caption=heading columns rows empty />
            </form>
            {more.then(|| view! { <p>"Only the newest documents are listed: narrow the date range to see the others."</p> })}
        </section>
    }
}

#[component]
pub fn WelcomeLetterPage() -> impl IntoView {
    let query = use_query_map();
    let chosen = Memo::new(move |_| query.read().get("type").unwrap_or_default());
    let found = page_resource(move || chosen.get(), load_welcome_letters);
    view! {
        <Require access=PageAccess::Member>
            <h1>"Provider Welcome Letter"</h1>
            <CenterLinks />
            <Transition>
                {Suspend::new(async move {
                    match found.await {
                        Ok(letters) => {
                            let heading = letters.types.iter().find(|t| t.0 == chosen.get_untracked()).map(|t| t.1.clone());
                            view! {
                                <h2>"Provider Types"</h2>
                                {letters.types.is_empty().then(|| view! { <p>"You have no welcome letters to view."</p> })}
                                <ul class="links">
                                    {letters.types.iter().map(|(kind, name)| {
                                        let href = format!("/correspondence/welcome?type={kind}");
                                        let current = (chosen.get_untracked() == *kind).then_some("page");
                                        view! { <li><a href=href aria-current=current>{name.clone()}</a></li> }
                                    }).collect_view()}
                                </ul>
                                {heading.map(|heading| view! {
                                    <h2>{format!("Welcome letters: {heading}")}</h2>
                                    <ul class="links">
                                        {letters.letters.iter().map(|l| {
                                            let href = format!("/downloads/correspondence/pdf?id={}", l.id);
                                            view! { <li><a href=href>{format!("{} ({})", l.title, l.date)}</a></li> }
                                        }).collect_view()}
                                    </ul>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                    }
                })}
            </Transition>
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

#[component]
pub fn TaxDocumentsPage() -> impl IntoView {
    let found = page_resource(|| (), |_| load_tax_documents());
    let accept = ServerAction::<AcceptTaxConsent>::new();
    let error = action_error(accept);
    let field_error = field_errors(move || error.get());
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(next)) = accept.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            found.refetch();
        }
    });
    let agree = RwSignal::new(false);
    view! {
        <Require access=PageAccess::Member>
            <Suspense>
                {Suspend::new(async move {
                    match found.await {
                        Ok(tax) if tax.consented => view! {
                            <h1>"Tax Documents"</h1>
                            <CenterLinks />
                            <DocumentList heading="Tax Documents" documents=Documents { items: tax.documents, more: false }
                                empty="No tax documents for your NPIs yet." />
                            <p>"You receive your 1099 electronically. To receive it by mail instead, withdraw your consent in "<a href="/profile#tax-documents">"My Profile"</a>"."</p>
                        }.into_any(),
                        Ok(_) => view! {
                            <div class="narrow">
                                <h1>"Electronic 1099 Consent Agreement"</h1>
                                <p>"Before you view tax documents, read and accept this agreement."</p>
                                <ol>
                                    <li>"You consent to receive Form 1099 for your organization's NPIs electronically, in this portal, instead of on paper by mail."</li>
                                    <li>"Your consent applies to every tax year until you withdraw it. You may withdraw it at any time in My Profile; forms issued after that are mailed."</li>
                                    <li>"You may ask the plan for a paper copy of any form, at no charge, even while your consent stands."</li>
                                    <li>"To view and print the forms you need a PDF reader. Forms stay available here for at least seven years."</li>
                                </ol>
                                <ErrorSummary error beside_fields=true />
                                <ActionForm action=accept>
                                    <Checkbox label="I agree to receive my 1099 electronically" checked=agree name="agree"
                                        error=field_error("agree") />
                                    <button type="submit" class="button primary">"Accept"</button>
                                </ActionForm>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

/// My Profile's part: whether the 1099 comes electronically (since when), and "Withdraw
/// Consent". The profile loads the date with everything else it shows.
#[component]
pub fn TaxConsentSection(since: Option<String>) -> impl IntoView {
    let since = RwSignal::new(since);
    let withdraw = ServerAction::<WithdrawTaxConsent>::new();
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(next)) = withdraw.value().get() {
            since.set(None);
            navigate.with_value(|n| n(&next, Default::default()));
        }
    });
    let error = action_error(withdraw);
    view! {
        <section aria-labelledby="tax-documents">
            <h2 id="tax-documents">"Electronic 1099 Consent"</h2>
            <ErrorSummary error />
            {move || match since.get() {
                Some(since) => view! {
                    <p>{format!("You agreed on {since} to receive your 1099 electronically.")}</p>
                    <ActionForm action=withdraw>
                        <button type="submit" class="button">"Withdraw Consent"</button>
                    </ActionForm>
                }.into_any(),
                None => view! {
                    <p>"Your 1099 comes by mail. To receive it electronically, accept the agreement in "<a href="/tax-documents">"Tax Documents"</a>"."</p>
                }.into_any(),
            }}
        </section>
    }
}
