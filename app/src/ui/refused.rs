//! A form posted before the browser app loaded and refused comes back to its page with the
//! error (Leptos puts it in the address). Its fields come back too: the server keeps what was
//! posted (never secrets) for that one page (`ssr::refused_form`), and each named `Field` and
//! `Select` starts from it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The fields of the refused form: (name, value) as posted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RefusedForm(pub Vec<(String, String)>);

/// Offers the refused form to the page's fields: the server's copy goes into the page, so the
/// browser app hydrates the fields with the same values.
pub fn provide_refused_form() {
    let form = SharedValue::new(|| use_context::<RefusedForm>().unwrap_or_default()).into_inner();
    provide_context(StoredValue::new(form));
}

/// What the refused form posted as `name`, if a form was refused.
pub fn refused_value(name: &str) -> Option<String> {
    // In the browser, only while the page the server sent is hydrating (a lazy route hydrates
    // once its chunk has loaded, after the app's first effects); a page reached later starts
    // from its own values.
    #[cfg(feature = "hydrate")]
    if !Owner::current_shared_context().is_some_and(|context| context.during_hydration()) {
        return None;
    }
    use_context::<StoredValue<RefusedForm>>()?.with_value(|form| {
        form.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
}
