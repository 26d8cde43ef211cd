//! A form posted before the browser app loaded and refused comes back to its page with the
//! error (Leptos puts it in the address). Its fields come back too: the server keeps what was
//! posted (never secrets) for that one page (`ssr::refused_form`), and each named `Field` and
//! `Select` is rendered from it. The browser app then takes each field's value from the page
//! (`Field`'s first run), so no copy travels with the page.

use leptos::prelude::*;

/// The fields of the refused form: (name, value) as posted. In context while the server
/// renders the page the form came back to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefusedForm(pub Vec<(String, String)>);

/// What the refused form posted as `name`, if a form was refused.
pub fn refused_value(name: &str) -> Option<String> {
    use_context::<RefusedForm>()?
        .0
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}
