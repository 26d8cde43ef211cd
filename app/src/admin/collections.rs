//! "Collection Manager" (guide 003): an administrator's search of the providers and users of
//! every office they administer.

use crate::auth::{PageAccess, Require};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{
    page_resource, query_value, Column, DataTable, ErrorSummary, Field, SearchForm, Select,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// "Collection Manager": the providers and users of every office the caller administers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionData {
    pub tins: Vec<String>,
    pub providers: Vec<CollectionProvider>,
    pub users: Vec<CollectionUser>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionProvider {
    pub name: String,
    pub npi: String,
    pub tin: String,
    pub organization: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionUser {
    pub name: String,
    pub email: String,
    pub role: String,
    pub status: String,
    pub organization: String,
}

#[server(endpoint = "admin/collections")]
pub async fn collection_manager(
    providers: String,
    tin: String,
    users: String,
    status: String,
    role: String,
) -> Result<CollectionData, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    super::ssr::collections::manager(admin, providers, tin, users, status, role).await
}

#[component]
pub fn CollectionManagerPage() -> impl IntoView {
    let providers = RwSignal::new(query_value("providers"));
    let tin = RwSignal::new(query_value("tin"));
    let users = RwSignal::new(query_value("users"));
    let status = RwSignal::new(query_value("status"));
    let role = RwSignal::new(query_value("role"));
    let data = page_resource(
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
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Collection Manager"</h1>
            <p>"The providers and users of every office you administer."</p>
            <ErrorSummary error=Signal::derive(move || data.get().and_then(Result::err)) />
            <section aria-labelledby="collection-providers">
                <h2 id="collection-providers">"Providers"</h2>
                <SearchForm label="Providers" button="Find Providers" results="providers-found">
                    <Field label="Search providers" value=providers name="providers" input_type="search" hint="Name or provider ID (NPI)" />
                    <Transition>
                        {move || {
                            let mut tins = vec![(String::new(), "All TINs".to_string())];
                            tins.extend(loaded.get().map(|d| d.tins).unwrap_or_default().into_iter().map(|t| (t.clone(), t)));
                            view! { <Select label="TIN" options=tins value=tin name="tin" /> }
                        }}
                    </Transition>
                </SearchForm>
                <div id="providers-found">
                <Transition>
                    <DataTable caption="Providers" columns=vec![
                        Column::text("Provider", |p: &CollectionProvider| p.name.clone()),
                        Column::text("Provider ID", |p: &CollectionProvider| p.npi.clone()),
                        Column::text("TIN", |p: &CollectionProvider| p.tin.clone()),
                        Column::text("Organization", |p: &CollectionProvider| p.organization.clone()),
                    ] rows=Signal::derive(move || loaded.get().map(|d| d.providers).unwrap_or_default()) empty="No providers match." />
                </Transition>
                </div>
            </section>
            <section aria-labelledby="collection-users">
                <h2 id="collection-users">"Users"</h2>
                <SearchForm label="Users" button="Find Users" results="collection-users-found">
                    <Field label="Search users" value=users name="users" input_type="search" hint="Name or email address" />
                    <Select label="Status" options=status_options() value=status name="status" />
                    <Select label="Role" options=role_options() value=role name="role" />
                </SearchForm>
                <div id="collection-users-found">
                <Transition>
                    <DataTable caption="Users" columns=vec![
                        Column::text("Name", |u: &CollectionUser| u.name.clone()),
                        Column::text("Email", |u: &CollectionUser| u.email.clone()),
                        Column::text("Role", |u: &CollectionUser| u.role.clone()),
                        Column::text("Status", |u: &CollectionUser| u.status.clone()),
                        Column::text("Organization", |u: &CollectionUser| u.organization.clone()),
                    ] rows=Signal::derive(move || loaded.get().map(|d| d.users).unwrap_or_default()) empty="No users match." />
                </Transition>
                </div>
            </section>
            <p><a href="/admin/users">"Back to User Management"</a></p>
        </Require>
    }
}

fn status_options() -> Vec<(String, String)> {
    vec![
        (String::new(), "All statuses".to_string()),
        ("active".to_string(), "Active".to_string()),
        ("deactivated".to_string(), "Deactivated".to_string()),
    ]
}

fn role_options() -> Vec<(String, String)> {
    vec![
        (String::new(), "All roles".to_string()),
        ("admin".to_string(), "Admin".to_string()),
        ("processor".to_string(), "Processor".to_string()),
        ("none".to_string(), "None".to_string()),
    ]
}
