//! "My Collections" (guide 002 §IV.4): the offices a user works for, requests to join more,
//! and the default one. "Collection Manager" (guide 003): an administrator's search of the
//! providers and users of the offices they administer.

use super::request::ProviderSearch;
use super::*;
use crate::auth::{PageAccess, Require};
use crate::ui::{Column, DataTable, ErrorSummary, Field, Select, Toasts};

#[component]
pub fn MyCollections() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let rows = Resource::new(|| (), |_| load_collections());
    let adding = RwSignal::new(false);
    let chosen = RwSignal::new(None::<i64>);
    let request = ServerAction::<RequestCollection>::new();
    let default = ServerAction::<SetDefaultCollection>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = request.value().get() {
            toasts.push("Your request was sent to the office's administrator.");
            adding.set(false);
            rows.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = default.value().get() {
            toasts.push("Your default organization was changed.");
            rows.refetch();
        }
    });
    let columns = move || {
        vec![
            Column::text("Organization", |c: &CollectionRow| c.name.clone()),
            Column::text("Status", |c: &CollectionRow| c.status.clone()),
            Column::new("Default", move |c: &CollectionRow| {
                let id = c.organization_id;
                match (c.status.as_str(), c.is_default) {
                    ("Active", true) => view! { <span>"Default"</span> }.into_any(),
                    ("Active", false) => view! {
                        <button class="button" on:click=move |_| { default.dispatch(SetDefaultCollection { organization_id: id }); }>"Set as Default"</button>
                    }
                    .into_any(),
                    _ => view! { <span>"—"</span> }.into_any(),
                }
            }),
        ]
    };
    let list = Signal::derive(move || rows.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <section aria-labelledby="my-collections">
            <h2 id="my-collections">"My Collections"</h2>
            <Transition>
                <DataTable caption="Your provider offices" columns=columns() rows=list empty="None yet." />
            </Transition>
            <ErrorSummary error=Signal::derive(move || default.value().get().and_then(Result::err)) />
            <Show
                when=move || adding.get()
                fallback=move || view! { <button class="button" on:click=move |_| adding.set(true)>"Add New Provider"</button> }
            >
                <ProviderSearch chosen />
                <ErrorSummary error=Signal::derive(move || request.value().get().and_then(Result::err)) />
                <button class="button primary" disabled=move || chosen.get().is_none() || request.pending().get() on:click=move |_| {
                    if let Some(id) = chosen.get_untracked() {
                        request.dispatch(RequestCollection { provider_id: id });
                    }
                }>"Send Request"</button>
            </Show>
        </section>
    }
}

#[component]
pub fn CollectionManagerPage() -> impl IntoView {
    let providers = RwSignal::new(String::new());
    let tin = RwSignal::new(String::new());
    let users = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let data = Resource::new(
        move || {
            (
                providers.get(),
                tin.get(),
                users.get(),
                status.get(),
                role.get(),
            )
        },
        |(p, t, u, s, r)| collection_manager(p, t, u, s, r),
    );
    let loaded = Signal::derive(move || data.get().and_then(Result::ok));
    let status_options = vec![
        (String::new(), "All statuses".to_string()),
        ("active".to_string(), "Active".to_string()),
        ("deactivated".to_string(), "Deactivated".to_string()),
    ];
    let role_options = vec![
        (String::new(), "All roles".to_string()),
        ("admin".to_string(), "Admin".to_string()),
        ("processor".to_string(), "Processor".to_string()),
        ("none".to_string(), "None".to_string()),
    ];
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Collection Manager"</h1>
            <p>"The providers and users of every office you administer."</p>
            <ErrorSummary error=Signal::derive(move || data.get().and_then(Result::err)) />
            <section aria-labelledby="collection-providers">
                <h2 id="collection-providers">"Providers"</h2>
                <div class="filters" role="search" aria-label="Providers">
                    <Field label="Search providers" value=providers input_type="search" hint="Name or provider ID (NPI)" />
                    <Transition>
                        {move || {
                            let mut tins = vec![(String::new(), "All TINs".to_string())];
                            tins.extend(loaded.get().map(|d| d.tins).unwrap_or_default().into_iter().map(|t| (t.clone(), t)));
                            view! { <Select label="TIN" options=tins value=tin /> }
                        }}
                    </Transition>
                </div>
                <Transition>
                    <DataTable caption="Providers" columns=vec![
                        Column::text("Provider", |p: &CollectionProvider| p.name.clone()),
                        Column::text("Provider ID", |p: &CollectionProvider| p.npi.clone()),
                        Column::text("TIN", |p: &CollectionProvider| p.tin.clone()),
                        Column::text("Organization", |p: &CollectionProvider| p.organization.clone()),
                    ] rows=Signal::derive(move || loaded.get().map(|d| d.providers).unwrap_or_default()) empty="No providers match." />
                </Transition>
            </section>
            <section aria-labelledby="collection-users">
                <h2 id="collection-users">"Users"</h2>
                <div class="filters" role="search" aria-label="Users">
                    <Field label="Search users" value=users input_type="search" hint="Name or email address" />
                    <Select label="Status" options=status_options.clone() value=status />
                    <Select label="Role" options=role_options.clone() value=role />
                </div>
                <Transition>
                    <DataTable caption="Users" columns=vec![
                        Column::text("Name", |u: &CollectionUser| u.name.clone()),
                        Column::text("Email", |u: &CollectionUser| u.email.clone()),
                        Column::text("Role", |u: &CollectionUser| u.role.clone()),
                        Column::text("Status", |u: &CollectionUser| u.status.clone()),
                        Column::text("Organization", |u: &CollectionUser| u.organization.clone()),
                    ] rows=Signal::derive(move || loaded.get().map(|d| d.users).unwrap_or_default()) empty="No users match." />
                </Transition>
            </section>
            <p><a href="/admin/users">"Back to User Management"</a></p>
        </Require>
    }
}
