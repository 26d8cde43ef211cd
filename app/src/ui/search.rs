//! Search and filter forms. They are GET forms: submitting one loads the page again with its
//! fields in the address, and the page starts from them. In the browser, results also follow
//! as the user types: after a pause the page is fetched for the new search and its results
//! region replaces the one shown, while the focus stays in the field.

use super::slug;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// How long typing pauses before the results follow it.
pub const SEARCH_PAUSE_MS: u64 = 300;

/// A `role="search"` form named `label`, with a "Search" button after its fields. `results`
/// is the id of the element that holds what the search finds (a table and its pages).
#[component]
pub fn SearchForm(
    #[prop(into)] label: String,
    #[prop(default = "Search")] button: &'static str,
    results: &'static str,
    children: Children,
) -> impl IntoView {
    let form = format!("search-{}", slug(&label));
    let results = results.to_string();
    view! {
        <form id=form.clone() method="get" role="search" aria-label=label class="filters">
            {children()}
            <button type="submit" class="button">{button}</button>
        </form>
        <div class="island"><SearchAsYouType form results /></div>
    }
}

/// Follows typing in the form's search boxes and choices in its drop-downs; a date or
/// other field waits for the button.
#[island]
fn SearchAsYouType(form: String, results: String) -> impl IntoView {
    // What was typed before the island ran is searched for at once.
    {
        let (form, results) = (form.clone(), results.clone());
        Effect::new(move |_| {
            let (form, results) = (form.clone(), results.clone());
            super::after_paint(move || {
                if typed_before(&form) {
                    leptos::task::spawn_local(async move {
                        show_results(&form, &results, || true).await;
                    });
                }
            });
        });
    }
    let watched = form.clone();
    after_typing(
        move |ev| follows(ev, &watched),
        move |asked| {
            let (form, results) = (form.clone(), results.clone());
            async move {
                show_results(&form, &results, move || asked.is_newest()).await;
            }
        },
    );
}

/// One search among those typing starts: only the newest one's answer is shown.
#[derive(Clone, Copy)]
pub(crate) struct Asked {
    newest: StoredValue<u64>,
    this: u64,
}

impl Asked {
    pub(crate) fn is_newest(self) -> bool {
        self.newest.get_value() == self.this
    }
}

/// Runs `search` once typing pauses for [`SEARCH_PAUSE_MS`] in a control whose `input`
/// events `watched` accepts (in an island).
pub(crate) fn after_typing<S, F>(
    watched: impl Fn(&leptos::ev::Event) -> bool + Clone + 'static,
    search: S,
) where
    S: Fn(Asked) -> F + Clone + 'static,
    F: std::future::Future<Output = ()> + 'static,
{
    let newest = StoredValue::new(0u64);
    super::on_window(leptos::ev::input, move |ev| {
        if !watched(&ev) {
            return;
        }
        let asked = Asked {
            newest,
            this: newest.get_value() + 1,
        };
        newest.set_value(asked.this);
        let search = search.clone();
        set_timeout(
            move || {
                if asked.is_newest() {
                    leptos::task::spawn_local(search(asked));
                }
            },
            std::time::Duration::from_millis(SEARCH_PAUSE_MS),
        );
    });
}

/// Whether the event comes from a search box or drop-down of the form `form`.
fn follows(ev: &leptos::ev::Event, form: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;
        ev.target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| {
                el.closest(&format!("#{form} input[type=search], #{form} select"))
                    .ok()
            })
            .flatten()
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, form);
        false
    }
}

/// Whether a search box of the form `form` holds other than what the page was sent with.
fn typed_before(form: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use leptos::web_sys::HtmlInputElement;
        super::find_all::<HtmlInputElement>(&format!("#{form} input[type=search]"))
            .into_iter()
            .any(|input| input.value() != input.default_value())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = form;
        false
    }
}

/// Fetches this page for the fields of the form `form` and puts its `results` in place of
/// the ones shown, unless a newer search came meanwhile (`current` turns false); the address
/// names the search, as a submitted form would.
#[cfg(feature = "hydrate")]
async fn show_results(form: &str, results: &str, current: impl Fn() -> bool) -> Option<()> {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{
        DomParser, FormData, HtmlFormElement, Response, SupportedType, UrlSearchParams,
    };
    use wasm_bindgen_futures::JsFuture;
    let form: HtmlFormElement = document().get_element_by_id(form)?.dyn_into().ok()?;
    let fields = FormData::new_with_form(&form).ok()?;
    let query = String::from(
        UrlSearchParams::new_with_str_sequence_sequence(&fields)
            .ok()?
            .to_string(),
    );
    let address = format!("{}?{query}", window().location().pathname().ok()?);
    let response: Response = JsFuture::from(window().fetch_with_str(&address))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let html = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    if !current() {
        return None;
    }
    let page = DomParser::new()
        .ok()?
        .parse_from_string(&html, SupportedType::TextHtml)
        .ok()?;
    let found = page.get_element_by_id(results)?;
    document()
        .get_element_by_id(results)?
        .set_inner_html(&found.inner_html());
    window()
        .history()
        .ok()?
        .replace_state_with_url(&JsValue::NULL, "", Some(&address))
        .ok()
}

#[cfg(not(feature = "hydrate"))]
async fn show_results(_: &str, _: &str, _: impl Fn() -> bool) -> Option<()> {
    None
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
