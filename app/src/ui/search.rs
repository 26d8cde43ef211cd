//! Search and filter forms. They are GET forms: before the browser app has loaded, submitting
//! one loads the page again with its fields in the address, and the page starts from them;
//! once loaded, results follow as the user types.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A `role="search"` form named `label`, with a "Search" button after its fields.
#[component]
pub fn SearchForm(
    #[prop(into)] label: String,
    #[prop(default = "Search")] button: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="get" role="search" aria-label=label class="filters" on:submit=|ev| ev.prevent_default()>
            {children()}
            <button type="submit" class="button">{button}</button>
        </form>
    }
}

/// The value a search field starts with: what the address says, after a search posted before
/// the browser app loaded.
pub fn query_value(name: &str) -> String {
    use_query_map().with_untracked(|q| q.get(name).unwrap_or_default())
}

/// A search a GET form put in the address, read back as `T` (text fields, each missing one
/// empty: `#[serde(default)]`); `None` until the form was posted (no `key` in the address).
pub fn asked<T>(key: &'static str) -> Memo<Option<T>>
where
    T: serde::de::DeserializeOwned + Clone + PartialEq + Send + Sync + 'static,
{
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            q.get(key)?;
            from_pairs(q.into_iter().map(|(k, v)| (k.to_string(), v.to_string())))
        })
    })
}

/// `T` from name/value pairs (a query string's): each field from the pair of its name; other
/// names are ignored.
pub fn from_pairs<T: serde::de::DeserializeOwned>(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Option<T> {
    let fields: serde_json::Map<String, serde_json::Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    serde_json::from_value(serde_json::Value::Object(fields)).ok()
}

/// Percent-encodes a query value for an address a page builds (the browser build has no url
/// crate to lean on).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
