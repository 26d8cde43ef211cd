//! The browser entry point: hydrates the islands of the server-rendered page (the parts of it
//! that follow what the user does); the rest of the page is the server's HTML. Islands rather
//! than a whole hydrated app: every page already works as plain HTML forms, and the whole app's
//! code made a first download of over 300 KB brotli even split by route, where the islands
//! alone are a fraction of the 150 KB budget (bench/RESULTS.md).

use leptos::prelude::document;

// The islands are registered by the app crate; linking it brings them in.
use app as _;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "");
    }
}
