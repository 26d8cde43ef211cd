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
/// browser app hydrates the fields with the same values; after that, no field uses it again.
pub fn provide_refused_form() {
    let form = SharedValue::new(|| use_context::<RefusedForm>().unwrap_or_default()).into_inner();
    let form = StoredValue::new(form);
    provide_context(form);
    Effect::new(move |_| form.set_value(RefusedForm::default()));
}

/// What the refused form posted as `name`, if a form was refused.
pub fn refused_value(name: &str) -> Option<String> {
    use_context::<StoredValue<RefusedForm>>()?.with_value(|form| {
        form.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
}
