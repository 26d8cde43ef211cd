use super::{
    load_facesheet, search_members, ClaimHistoryRow, Condition, EligibilitySpan, Facesheet, LabRow,
    MedicationRow, MemberRow, MemberSearch, ReferralRow, MAX_RESULTS,
};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    asked, encode_query_value, field_errors, page_resource, Column, DataTable, ErrorSummary, Field,
    TabPanel, Tabs,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_params_map;

#[component]
pub fn MembersPage() -> impl IntoView {
    let asked = asked::<MemberSearch>("by");
    let found = page_resource(
        move || asked.get(),
        |search| async move {
            match search {
                Some(search) => Some(search_members(search).await),
                None => None,
            }
        },
    );
    let error = Signal::derive(move || found.get().flatten().and_then(Result::err));
    view! {
        <Require access=PageAccess::Member>
            <h1>"Member Lookup"</h1>
            <p>"Only members whose PCP is one of your providers, or whose health network you are, are found."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <LookupForms asked=asked.get_untracked().unwrap_or_default() error />
                {move || found.get().flatten().map(|found| match found {
                    Ok(members) => view! {
                        <section aria-labelledby="member-results">
                            <h2 id="member-results">"Members Found"</h2>
                            <DataTable caption="Members matching your search" columns=member_columns() rows=Signal::stored(members.items) empty="No member matches this search." />
                            {members.more.then(|| view! {
                                <p class="notice" role="status">{format!("More than {MAX_RESULTS} members match: add the date of birth or city to narrow the search.")}</p>
                            })}
                        </section>
                    }.into_any(),
                    Err(AppError::Validation(_)) => ().into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                })}
            </Transition>
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

#[component]
fn LookupForms(asked: MemberSearch, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = field_errors(move || error.get());
    let by_name = asked.by == "name";
    let selected = usize::from(by_name);
    let keep = |value: &str, name_tab: bool| {
        RwSignal::new(if by_name == name_tab {
            value.to_string()
        } else {
            String::new()
        })
    };
    let member_id = keep(&asked.member_id, false);
    let last = keep(&asked.last_name, true);
    let first = keep(&asked.first_name, true);
    let born = keep(&asked.date_of_birth, true);
    let city = keep(&asked.city, true);
    view! {
        <Tabs id="member-lookup" label="Look up a member by" labels=vec!["Member ID".into(), "Name".into()] selected />
        <TabPanel id="member-lookup" index=0>
            <Form method="GET" action="/members" attr:class="stacked" attr:aria-label="Find a member by ID">
                <input type="hidden" name="by" value="id" />
                <Field label="Member ID" value=member_id name="member_id" id="member-id" hint="CIN, MEDS ID, or MBI accepted" error=field("member_id") />
                <button type="submit" class="button primary">"Search"</button>
            </Form>
        </TabPanel>
        <TabPanel id="member-lookup" index=1>
            <Form method="GET" action="/members" attr:class="stacked" attr:aria-label="Find a member by name">
                <input type="hidden" name="by" value="name" />
                <div class="field-row">
                    <Field label="Last Name" value=last name="last_name" id="member-last" error=field("last_name") />
                    <Field label="First Name" value=first name="first_name" id="member-first" error=field("first_name") />
                </div>
                <div class="field-row">
                    <Field label="Date of Birth" value=born name="date_of_birth" id="member-born" input_type="date" error=field("date_of_birth") />
                    <Field label="City" value=city name="city" id="member-city" />
                </div>
                <button type="submit" class="button primary">"Search"</button>
            </Form>
        </TabPanel>
        <Form method="GET" action="/members" attr:class="inline" attr:aria-label="Clear the search">
            <button type="submit" class="button">"Clear"</button>
        </Form>
    }
}

fn member_columns() -> Vec<Column<MemberRow>> {
    vec![
        Column::text("Member Name", |m: &MemberRow| m.name.clone()),
        Column::text("CIN", |m: &MemberRow| m.cin.clone()),
        Column::text("Date of Birth", |m: &MemberRow| m.date_of_birth.clone()),
        Column::text("City", |m: &MemberRow| m.city.clone()),
        Column::text("LOB", |m: &MemberRow| m.lob.clone()),
        Column::text("Eligibility", |m: &MemberRow| m.eligibility.clone()),
        Column::new("Facesheet", |m: &MemberRow| {
            let href = format!("/members/{}", encode_query_value(&m.cin));
            view! { <a href=href>"View Facesheet"</a> }.into_any()
        }),
    ]
}

#[component]
pub fn FacesheetPage() -> impl IntoView {
    let params = use_params_map();
    let cin = Signal::derive(move || params.read().get("cin").unwrap_or_default());
    let sheet = page_resource(move || cin.get(), load_facesheet);
    view! {
        <Require access=PageAccess::Member>
            <h1>"Member Facesheet"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {Suspend::new(async move {
                    match sheet.await {
                        Ok(sheet) => view! { <FacesheetView sheet /> }.into_any(),
                        Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/members">"Back to Member Lookup"</a></p>
        </Require>
    }
}

fn summary(items: Vec<(&'static str, String)>) -> impl IntoView {
    let items = items
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
    view! { <dl class="facts">{items}</dl> }
}

#[component]
fn FacesheetView(sheet: Facesheet) -> impl IntoView {
    let heading = format!("{} (CIN {})", sheet.name, sheet.cin);
    let about = summary(vec![
        ("Eligibility", sheet.eligibility_status.clone()),
        ("Date of Birth", sheet.date_of_birth.clone()),
        ("Gender", sheet.gender.clone()),
        ("Language", sheet.language.clone()),
        ("Line of Business", sheet.lob.clone()),
        ("Health Network", sheet.health_network.clone()),
        ("PCP", sheet.pcp.clone()),
        ("Address", sheet.address.clone()),
        ("Phone", sheet.phone.clone()),
    ]);
    let since = format!("Histories since {}.", sheet.history_from);
    // Claims History and Referrals only with their modules.
    let tabs: Vec<Tab> = Tab::ALL
        .into_iter()
        .filter(|tab| match tab {
            Tab::Claims => sheet.claims.is_some(),
            Tab::Referrals => sheet.referrals.is_some(),
            _ => true,
        })
        .collect();
    let selected = 0usize;
    let labels = tabs.iter().map(|tab| tab.label().to_string()).collect();
    let sheet = StoredValue::new(sheet);
    let panels = tabs
        .into_iter()
        .enumerate()
        .map(|(index, tab)| {
            view! {
                <TabPanel id="facesheet" index>
                    {move || sheet.with_value(|sheet| tab_view(tab, sheet))}
                </TabPanel>
            }
        })
        .collect_view();
    view! {
        <h2>{heading}</h2>
        {about}
        <p class="hint">{since}</p>
        <Tabs id="facesheet" label="Facesheet" labels selected />
        {panels}
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tab {
    Eligibility,
    Conditions,
    Claims,
    Referrals,
    Labs,
    Medications,
}

impl Tab {
    const ALL: [Tab; 6] = [
        Tab::Eligibility,
        Tab::Conditions,
        Tab::Claims,
        Tab::Referrals,
        Tab::Labs,
        Tab::Medications,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Eligibility => "Eligibility",
            Tab::Conditions => "Condition History",
            Tab::Claims => "Claims History",
            Tab::Referrals => "Referrals",
            Tab::Labs => "Labs",
            Tab::Medications => "Medications",
        }
    }
}

fn tab_view(tab: Tab, sheet: &Facesheet) -> AnyView {
    match tab {
        Tab::Eligibility => view! {
            <DataTable caption="Eligibility spans" columns=vec![
                Column::text("Start", |s: &EligibilitySpan| s.start.clone()),
                Column::text("End", |s: &EligibilitySpan| s.end.clone()),
                Column::text("Line of Business", |s: &EligibilitySpan| s.lob.clone()),
                Column::text("Health Network", |s: &EligibilitySpan| s.health_network.clone()),
            ] rows=Signal::stored(sheet.eligibility.clone()) />
        }.into_any(),
        Tab::Conditions => view! {
            <DataTable caption="Diagnoses on the member's claims" columns=vec![
                Column::text("Code", |c: &Condition| c.code.clone()),
                Column::text("Description", |c: &Condition| c.description.clone()),
                Column::text("First Seen", |c: &Condition| c.first_seen.clone()),
                Column::text("Last Seen", |c: &Condition| c.last_seen.clone()),
            ] rows=Signal::stored(sheet.conditions.clone()) empty="No diagnoses in these two years." />
        }.into_any(),
        Tab::Claims => view! {
            <DataTable caption="Claims of your NPIs for this member" columns=vec![
                Column::new("Claim #", |c: &ClaimHistoryRow| {
                    let href = format!("/claims/{}", encode_query_value(&c.number));
                    view! { <a href=href>{c.number.clone()}</a> }.into_any()
                }),
                Column::text("Date of Service", |c: &ClaimHistoryRow| c.service_date.clone()),
                Column::text("Service Provider", |c: &ClaimHistoryRow| c.provider.clone()),
                Column::text("Status", |c: &ClaimHistoryRow| c.status.clone()),
                Column::text("Billed", |c: &ClaimHistoryRow| c.billed.clone()),
                Column::text("Paid", |c: &ClaimHistoryRow| c.paid.clone()),
            ] rows=Signal::stored(sheet.claims.clone().unwrap_or_default()) empty="No claims in these two years." />
        }.into_any(),
        Tab::Referrals => {
            let referrals = sheet.referrals.clone().unwrap_or_default();
            let count = match referrals.len() {
                1 => "1 referral".to_string(),
                n => format!("{n} referrals"),
            };
            view! {
                <p>{count}</p>
                <DataTable caption="Your office's referrals for this member" columns=vec![
                    Column::text("Referral", |r: &ReferralRow| r.code.clone()),
                    Column::text("Request Date", |r: &ReferralRow| r.request_date.clone()),
                    Column::text("Status", |r: &ReferralRow| r.status.clone()),
                    Column::text("Referred To", |r: &ReferralRow| r.referred_to.clone()),
                ] rows=Signal::stored(referrals) empty="No referrals in these two years." />
            }.into_any()
        }
        Tab::Labs => view! {
            <DataTable caption="Lab results" columns=vec![
                Column::text("Collected", |l: &LabRow| l.collected.clone()),
                Column::text("Test", |l: &LabRow| l.test.clone()),
                Column::text("LOINC", |l: &LabRow| l.loinc.clone()),
                Column::text("Result", |l: &LabRow| l.result.clone()),
                Column::text("Reference Range", |l: &LabRow| l.reference_range.clone()),
                Column::text("Flag", |l: &LabRow| l.flag.clone()),
            ] rows=Signal::stored(sheet.labs.clone()) empty="No lab results in these two years." />
        }.into_any(),
        Tab::Medications => view! {
            <DataTable caption="Pharmacy fills" columns=vec![
                Column::text("Filled", |m: &MedicationRow| m.filled.clone()),
                Column::text("Drug", |m: &MedicationRow| m.drug.clone()),
                Column::text("Quantity", |m: &MedicationRow| m.quantity.clone()),
                Column::text("Days Supply", |m: &MedicationRow| m.days_supply.clone()),
                Column::text("Prescriber", |m: &MedicationRow| m.prescriber.clone()),
            ] rows=Signal::stored(sheet.medications.clone()) empty="No fills in these two years." />
        }.into_any(),
    }
}
