use super::{list_notifications, MarkNotification, NotificationRow};
use crate::auth::{PageAccess, Require};
use crate::ui::{
    field_errors, page_resource, query_value, Column, DataTable, Disclosure, ErrorSummary, Field,
    Pager, Pagination, SearchForm,
};
use leptos::prelude::*;
use leptos_router::components::Form;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let search = RwSignal::new(query_value("q"));
    let start = RwSignal::new(query_value("start"));
    let end = RwSignal::new(query_value("end"));
    let filtering = !query_value("filter").is_empty()
        || !start.get_untracked().is_empty()
        || !end.get_untracked().is_empty();
    let pager = Pager::new("after");
    let page = page_resource(
        // The dates the address holds: "Apply" posts them, typing alone does not.
        move || (search.get(), start.get(), end.get(), pager.cursor()),
        |(search, start, end, after)| list_notifications(search, start, end, after),
    );
    let mark = ServerAction::<MarkNotification>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = mark.value().get() {
            page.refetch();
        }
    });
    let shown = Signal::derive(move || page.get().and_then(Result::ok));
    let rows = Signal::derive(move || shown.get().map(|p| p.items).unwrap_or_default());
    let next = Signal::derive(move || shown.get().and_then(|p| p.next));
    let error = Signal::derive(move || page.get().and_then(Result::err));
    let field_error = field_errors(move || error.get());
    view! {
        <Require access=PageAccess::Member>
            <h1>"Notifications"</h1>
            <p><a href="/profile#notification-preferences">"Edit Notification Preferences"</a></p>
            // Its own form, so that Enter in the search field searches; with the app it only
            // shows or hides the dates.
            <Form method="GET" action="" attr:class="inline">
                <input type="hidden" name="q" value=move || search.get() />
                <button type="submit" class="button" id="filter-by-date" name="filter" value="date"
                    aria-controls="notification-dates" aria-expanded=filtering.to_string()>"Filter By Date"</button>
            </Form>
            <Disclosure button="filter-by-date" region="notification-dates" />
            <SearchForm label="Notifications" results="notifications-found">
                <Field label="Search notifications" value=search name="q" input_type="search" />
                <div id="notification-dates" hidden=!filtering>
                    <fieldset id="notification-dates-fields" class="plain" disabled=!filtering>
                        <legend class="visually-hidden">"Filter By Date"</legend>
                        <input type="hidden" name="filter" value="date" />
                        <Field label="Start Date" value=start name="start" input_type="date" error=field_error("start") />
                        <Field label="End Date" value=end name="end" input_type="date" error=field_error("end") />
                    </fieldset>
                    <button type="submit" class="button">"Apply"</button>
                </div>
            </SearchForm>
            <ErrorSummary error beside_fields=true />
            <div id="notifications-found">
                <Transition>
                    <DataTable caption="Your notifications" columns=columns(mark) rows empty="No notifications match." />
                    <Pagination pager next label="Notification pages" />
                </Transition>
            </div>
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

fn columns(mark: ServerAction<MarkNotification>) -> Vec<Column<NotificationRow>> {
    vec![
        Column::text("Date", |n: &NotificationRow| n.at.clone()),
        Column::new("Notification", |n: &NotificationRow| {
            let link = n
                .link
                .clone()
                .map(|href| view! { " " <a href=href>"Open"</a> });
            view! {
                <strong>{n.title.clone()}</strong>
                <p>{n.body.clone()}{link}</p>
            }
            .into_any()
        }),
        Column::text("Status", |n: &NotificationRow| {
            if n.read { "Read" } else { "Unread" }.to_string()
        }),
        Column::new("Action", move |n: &NotificationRow| {
            let (label, next) = if n.read {
                ("Mark as unread", "false")
            } else {
                ("Mark as read", "true")
            };
            let named = format!("{label}: {}", n.title);
            let id = n.id.to_string();
            view! {
                <ActionForm action=mark attr:class="inline">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="read" value=next />
                    <button type="submit" class="button" aria-label=named>{label}</button>
                </ActionForm>
            }
            .into_any()
        }),
    ]
}
