//! What one page request shares among the server functions it calls as it renders.
//!
//! The loads hang on the request itself (an extension of its `Parts`), not on a reactive
//! context alone: Leptos leaves a page's root owner current on its worker thread, so a server
//! function's request served next there would otherwise find that page's loads and answer
//! from them.

use futures_util::future::{BoxFuture, FutureExt, Shared};
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Called by the server for every request, before it is routed.
pub fn attach(extensions: &mut http::Extensions) {
    extensions.insert(PageLoads::default());
}

/// Called by the page renderer's context: this request renders a page. A page only reads, so
/// its loads can be shared; a server function's request may change what it read (its
/// session, say) between two loads, so it never shares.
pub fn rendering() {
    if let Some(loads) = this_request() {
        loads.0.rendering.store(true, Ordering::Relaxed);
    }
}

/// The request's loads so far, by key: each a shared future of its answer. One allocation a
/// request (every request gets one, static files too); the map allocates only when used.
#[derive(Clone, Default)]
pub struct PageLoads(Arc<Loads>);

#[derive(Default)]
struct Loads {
    by_key: Mutex<HashMap<String, Box<dyn Any + Send + Sync>>>,
    rendering: AtomicBool,
}

type Load<T> = Shared<BoxFuture<'static, T>>;

/// The loads of the request being served: the nearest `Parts` are always that request's own.
fn this_request() -> Option<PageLoads> {
    super::with_request(|parts| parts.extensions.get::<PageLoads>().cloned()).flatten()
}

/// While a page renders: the answer of the load this page already started under `key`, or
/// `load()` started and kept. Otherwise `load()` alone.
pub fn once<T, F>(key: &str, load: impl FnOnce() -> F) -> BoxFuture<'static, T>
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let Some(page) = this_request().filter(|l| l.0.rendering.load(Ordering::Relaxed)) else {
        return load().boxed();
    };
    let mut loads = page.0.by_key.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(started) = loads.get(key).and_then(|l| l.downcast_ref::<Load<T>>()) {
        return started.clone().boxed();
    }
    let shared = load().boxed().shared();
    loads.insert(key.to_string(), Box::new(shared.clone()));
    shared.boxed()
}

/// Keeps `value` as this request's load under `key`, read before its page renders (its
/// session, see `auth::PageSession`): the page's components then ask for it and find it done.
pub fn keep<T>(extensions: &http::Extensions, key: &str, value: T)
where
    T: Clone + Send + Sync + 'static,
{
    if let Some(page) = extensions.get::<PageLoads>() {
        let done: Load<T> = futures_util::future::ready(value).boxed().shared();
        let mut loads = page.0.by_key.lock().unwrap_or_else(PoisonError::into_inner);
        loads.insert(key.to_string(), Box::new(done));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::{provide_context, Owner};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// What the server gives a request: its `Parts`, with loads attached.
    fn request() -> http::request::Parts {
        let (mut parts, ()) = http::Request::new(()).into_parts();
        attach(&mut parts.extensions);
        parts
    }

    /// `once` as a page's components call it.
    fn once<T, F>(key: &str, load: F) -> BoxFuture<'static, T>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        super::once(key, || load)
    }

    #[tokio::test]
    async fn a_load_asked_again_while_the_page_renders_runs_once() {
        let runs = Arc::new(AtomicUsize::new(0));
        let load = |answer: i64| {
            let runs = runs.clone();
            async move {
                runs.fetch_add(1, Ordering::SeqCst);
                answer
            }
        };
        let page = Owner::new();
        let (first, again, other) = page.with(|| {
            provide_context(request());
            rendering();
            (
                once("dashboard", load(1)),
                once("dashboard", load(2)),
                once("npis", load(3)),
            )
        });
        assert_eq!((first.await, again.await, other.await), (1, 1, 3));
        assert_eq!(runs.load(Ordering::SeqCst), 2);

        // A server function's request whose owner descends from that page's (as when the
        // page's root owner is left current on the thread) loads afresh, every time.
        let call = page.with(Owner::new);
        let (fresh, again) = call.with(|| {
            provide_context(request());
            (once("dashboard", load(4)), once("dashboard", load(5)))
        });
        assert_eq!((fresh.await, again.await), (4, 5));
        assert_eq!(runs.load(Ordering::SeqCst), 4);

        // Without a request (a background job) every call loads.
        let alone = Owner::new().with(|| once("dashboard", load(6)));
        assert_eq!(alone.await, 6);
        assert_eq!(runs.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn a_load_kept_before_the_page_renders_is_what_the_page_finds() {
        let parts = request();
        keep(&parts.extensions, "visitor", Some(7_i64));
        let page = Owner::new();
        let (found, other) = page.with(|| {
            provide_context(parts);
            rendering();
            (
                once("visitor", async { None::<i64> }),
                once("session", async { 8_i64 }),
            )
        });
        assert_eq!((found.await, other.await), (Some(7), 8));
    }
}
