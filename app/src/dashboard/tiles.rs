use super::{load_dashboard, Dashboard, DismissBanner, NpiRow};
use crate::auth::{PageAccess, Require};
use crate::domain::permissions::Module;
use crate::ui::{
    page_resource, Column, DataTable, ErrorSummary, Page, Pager, Pagination, PostButton, Tile,
};
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    // The NPI table's page comes with the dashboard, in one load: the page renders on the
    // server only, so "Next page" loads it anew with the cursor in the address.
    let pager = Pager::new("npis");
    // Made outside `Require`, once per render, and awaited inside it: see `Require`.
    let data = page_resource(move || pager.cursor(), load_dashboard);
    view! {
        <Require access=PageAccess::Member fallback=|| view! { <p class="loading">"Loading your dashboard…"</p> }>
            <h1>"My Dashboard"</h1>
            {Suspend::new(async move {
                match data.await {
                    Ok(dashboard) => view! { <Tiles dashboard pager /> }.into_any(),
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                }
            })}
        </Require>
    }
}

#[component]
fn Tiles(dashboard: Dashboard, pager: Pager) -> impl IntoView {
    let has = |module: Module| dashboard.modules.contains(&module);
    let more =
        (dashboard.notifications_total - dashboard.notifications.len() as i64).max(0) as usize;
    view! {
        {dashboard.banner.clone().map(|banner| view! { <BannerNotice id=banner.id message=banner.message /> })}
        <p class="org-line">{format!("Organization: {}", dashboard.organization)}</p>
        {(!dashboard.paperless).then(|| view! { <p class="callout"><a href="/paperless">"Go Paperless"</a></p> })}
        <div class="tiles">
            <Tile title="My Profile and Preferences">
                <p>"Your contact details, password, passkey and notification settings."</p>
                {dashboard.submitter_id.clone().map(|id| view! { <p>{format!("Submitter ID: {id}")}</p> })}
                <p><a href="/profile">"Edit My Profile"</a></p>
            </Tile>
            <Tile title="Notifications" view_all="/notifications" more>
                {if dashboard.notifications.is_empty() {
                    view! { <p>"You have no notifications."</p> }.into_any()
                } else {
                    view! {
                        <ul class="tile-list">
                            {dashboard.notifications.iter().map(|n| view! {
                                <li><span class="date">{n.date.clone()}</span>" "{n.title.clone()}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </Tile>
            {dashboard.npi_admin.then(|| view! {
                <Tile title="NPI Agreements and Settings" view_all="/npis">
                    <NpiTable page=dashboard.npis pager />
                </Tile>
            })}
            {dashboard.npi_any.then(|| view! {
                <Tile title="Correspondence Center" view_all="/correspondence">
                    <p>{format!("{} documents for your NPIs.", dashboard.correspondence_total)}</p>
                    <ul class="links">
                        <li><a href="/correspondence">"Search for Correspondence"</a></li>
                        <li><a href="/correspondence?view=new">"New Correspondence"</a></li>
                        <li><a href="/correspondence?view=recent">"Recent Searches"</a></li>
                        <li><a href="/correspondence/welcome">"Provider Welcome Letter"</a></li>
                        <li><a href="/tax-documents">"Tax Documents"</a></li>
                    </ul>
                </Tile>
            })}
            {dashboard.npi_any.then(|| view! {
                <Tile title="Transactions Center">
                    <p>"Check eligibility (270/271) and claim status (276/277) for your NPIs."</p>
                    <p><a href="/transactions">"Go to Transactions Center"</a></p>
                </Tile>
            })}
            <Tile title="Transaction Testing">
                <p>"Check a test 837P or 270 file before sending it for real."</p>
                <p><a href="/transaction-testing">"Submit a Test"</a></p>
            </Tile>
            {dashboard.active_users.map(|count| view! {
                <Tile title="Administration">
                    <p>{format!("{count} active users in this organization.")}</p>
                    <p><a href="/admin/users">"Manage Users"</a></p>
                    <p><a href="/admin/tasks">"Task List"</a></p>
                </Tile>
            })}
            {dashboard.is_org_admin.then(|| if dashboard.provider_office {
                view! {
                    <Tile title="Submitter Management" view_all="/affiliations">
                        <p>"Approve submitters' affiliation requests, see your affiliated submitters and the Submitter Directory."</p>
                    </Tile>
                }.into_any()
            } else {
                view! {
                    <Tile title="Provider Network" view_all="/affiliations">
                        <p>"Ask providers to affiliate with you, see your affiliations and the Submitter Directory."</p>
                        <p><a href="/affiliations?new">"New Provider Affiliation Request"</a></p>
                    </Tile>
                }.into_any()
            })}
            {has(Module::Eligibility).then(|| view! {
                <Tile title="Members"><p><a href="/members">"Look up a member"</a></p></Tile>
            })}
            {has(Module::Claims).then(|| view! {
                <Tile title="Claims">
                    <p><a href="/claims">"Look up claims"</a></p>
                    {dashboard.claims_paid.clone().map(|months| view! {
                        <h3>"Claims Paid"</h3>
                        <super::chart::PaidChart months />
                    })}
                </Tile>
            })}
            {has(Module::ReferralsView).then(|| view! {
                <Tile title="Referrals"><p><a href="/referrals">"Look up referrals"</a></p></Tile>
            })}
            {has(Module::Roster).then(|| view! {
                <Tile title="Roster"><p><a href="/roster">"Member roster"</a></p></Tile>
            })}
            {has(Module::Reports).then(|| view! {
                <Tile title="Reports"><p><a href="/reports">"Reports"</a></p></Tile>
            })}
            <Tile title="Additional Resources">
                <ul class="tile-list">
                    <li><a href="/resources/news">"News and Bulletin"</a></li>
                    <li><a href="/resources/faq">"Frequently Asked Questions"</a></li>
                    <li><a href="/resources/alerts">"System Alerts"</a></li>
                </ul>
            </Tile>
        </div>
    }
}

#[component]
fn BannerNotice(id: i64, message: String) -> impl IntoView {
    let dismiss = ServerAction::<DismissBanner>::new();
    let hidden = move || matches!(dismiss.value().get(), Some(Ok(())));
    view! {
        <Show when=move || !hidden()>
            <div class="banner" role="region" aria-label="Announcement">
                <p>{message.clone()}</p>
                <PostButton action=dismiss field=("banner_id", id.to_string()) label="Dismiss" />
            </div>
        </Show>
    }
}

/// The user's NPIs, a page at a time: the page the address names (`?npis=…`).
#[component]
fn NpiTable(page: Page<NpiRow>, pager: Pager) -> impl IntoView {
    let columns = vec![
        Column::new("NPI", |row: &NpiRow| {
            let href = format!("/npis/{}", row.npi);
            view! { <a href=href>{row.npi.clone()}</a> }.into_any()
        }),
        Column::text("Provider", |row: &NpiRow| row.name.clone()),
        Column::text("Your permission", |row: &NpiRow| row.level.clone()),
    ];
    view! {
        <DataTable caption="Your NPIs" columns rows=page.items empty="You hold no NPIs." />
        <Pagination pager next=page.next label="NPI pages" />
    }
}
