//! The browser entry point: hydrates the server-rendered page.

use leptos::prelude::document;

/// Room for the WebAssembly splitter, used by no code. `cargo leptos build --split` gives each
/// module its share of the constant data (the pages' texts among it), laid out again inside the
/// data's original address range, each share at the alignment of the most aligned item (8 bytes
/// in a release build, 64 in a debug one). When that padding does not fit in the bytes no module
/// uses, it gives up and puts all of the data in the main module: once a change of a few lines
/// left a release build 54 bytes short, and the first download grew by 160 KB (49 KB brotli);
/// debug builds, which the browser suite tests, fell kilobytes short. This block is such room:
/// kept by the linker (`#[used]`), reached from no code, so in no module and never downloaded.
/// 64 KB is the padding of over 1,000 modules at 64 bytes (there are about 410).
/// `lazy.hydrate.spec.ts` checks that a page's texts stay in its chunks.
#[used]
static SPLIT_ROOM: [u8; 65536] = [0x5a; 65536];

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
