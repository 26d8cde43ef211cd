//! "My Collections" (guide 002 §IV.4): the offices a user works for, requests to join more
//! (decided in the office's Task List), and the default one.

use crate::access_request::{provider_search, ProviderChoices, ProviderSearch};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{
    action_error, page_resource, Column, DataTable, ErrorSummary, Gate, Needs, PostButton, Toasts,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

/// One row of "My Collections".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollectionRow {
    pub organization_id: i64,
    pub name: String,
    pub status: String,
    pub is_default: bool,
}

#[server(endpoint = "collections")]
pub async fn load_collections() -> Result<Vec<CollectionRow>, AppError> {
    let user = require(Access::SIGNED_IN).await?;
    super::ssr::collections(user).await
}

#[server(endpoint = "collections/request")]
pub async fn request_collection(provider_id: i64) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    super::ssr::request_collection(user, provider_id).await
}

#[server(endpoint = "collections/default")]
pub async fn set_default_collection(organization_id: i64) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    super::ssr::set_default(user, organization_id).await
}

#[component]
pub fn MyCollections() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let request = ServerAction::<RequestCollection>::new();
    let rows = page_resource(
        move || request.version().get(),
        |_| crate::ui::once_per_page("collections", load_collections()),
    );
    // "Add New Provider" and the search are GET forms: the address says the search is open.
    let query = use_query_map();
    let adding = Signal::derive(move || {
        query.with(|q| {
            q.get("add").is_some() || q.get("name").is_some() || q.get("tax_id").is_some()
        })
    });
    let navigate = StoredValue::new(use_navigate());
    let found = provider_search();
    let chosen = RwSignal::new(None::<i64>);
    let default = ServerAction::<SetDefaultCollection>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = request.value().get() {
            toasts.push("Your request was sent to the office's administrator.");
            navigate.with_value(|n| n("/profile", Default::default()));
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
                        <PostButton action=default field=("organization_id", id.to_string()) label="Set as Default" />
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
                fallback=move || view! {
                    <Form method="GET" action="">
                        <button type="submit" class="button" name="add" value="1">"Add New Provider"</button>
                    </Form>
                }
            >
                <ProviderSearch found />
                <ActionForm action=request>
                    <Gate button="send-request" needs=Needs::AChoice>
                        <ProviderChoices found chosen />
                    </Gate>
                    <ErrorSummary error=action_error(request) beside_fields=true />
                    <button type="submit" id="send-request" class="button primary" disabled=move || request.pending().get()>"Send Request"</button>
                </ActionForm>
            </Show>
        </section>
    }
}
