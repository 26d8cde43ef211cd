//! A button that does one thing to one record ("Verify", "Remove", "Reinstate" …): a form of
//! its own posting the record's id to the server function, so it works before the browser app
//! loads.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use leptos::web_sys::FormData;
use serde::de::DeserializeOwned;

#[component]
pub fn PostButton<S, O>(
    action: ServerAction<S>,
    /// The argument posted, as (name, value): `("user_id", "12")`.
    field: (&'static str, String),
    #[prop(into)] label: String,
    /// Names the record for screen readers when several rows have the same button.
    #[prop(optional, into)]
    aria_label: Option<String>,
    #[prop(optional)] primary: bool,
    #[prop(optional)] _protocol: std::marker::PhantomData<O>,
) -> impl IntoView
where
    S: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, O>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    <<S::Client as Client<AppError>>::Request as ClientReq<AppError>>::FormData: From<FormData>,
    S::Output: Send + Sync + 'static,
    S::Client: Client<AppError>,
    O: Send + Sync + 'static,
{
    let (name, value) = field;
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name=name value=value />
            <button type="submit" class=if primary { "button primary" } else { "button" }
                aria-label=aria_label disabled=move || action.pending().get()>{label}</button>
        </ActionForm>
    }
}
