//! The browser entry point: hydrates the server-rendered page.

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: a lazy route's chunk is fetched before its part of the page
    // is hydrated.
    wasm_bindgen_futures::spawn_local(async {
        let body = document().body().expect("the page has a body");
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Marks the page as interactive, for end-to-end tests and assistive tooling alike.
        let _ = body.set_attribute("data-hydrated", "");
    });
}
