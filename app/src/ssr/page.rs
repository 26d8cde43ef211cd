//! What one page request shares among the server functions it calls as it renders.

use futures_util::future::{BoxFuture, FutureExt, Shared};
use leptos::prelude::{provide_context, use_context};
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

/// Called by the page renderer's context, once per page request.
pub fn provide() {
    provide_context(PageLoads::default());
}

/// The page's loads so far, by key: each a shared future of its answer.
#[derive(Clone, Default)]
pub struct PageLoads(Arc<Mutex<HashMap<String, Box<dyn Any + Send + Sync>>>>);

type Load<T> = Shared<BoxFuture<'static, T>>;

/// `load`, or the answer of the load this page already started under `key`.
pub fn once<T, F>(key: &str, load: F) -> BoxFuture<'static, T>
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let Some(loads) = use_context::<PageLoads>() else {
        return load.boxed();
    };
    let mut loads = loads.0.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(started) = loads.get(key).and_then(|l| l.downcast_ref::<Load<T>>()) {
        return started.clone().boxed();
    }
    let shared = load.boxed().shared();
    loads.insert(key.to_string(), Box::new(shared.clone()));
    shared.boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::Owner;
    use std::sync::atomic::{AtomicUsize, Ordering};

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
        let owner = Owner::new();
        let (first, again, other) = owner.with(|| {
            provide();
            (
                once("dashboard", load(1)),
                once("dashboard", load(2)),
                once("npis", load(3)),
            )
        });
        assert_eq!((first.await, again.await, other.await), (1, 1, 3));
        assert_eq!(runs.load(Ordering::SeqCst), 2);

        // Outside a page render (a server function's own request) every call loads.
        let alone = Owner::new().with(|| once("dashboard", load(4)));
        assert_eq!(alone.await, 4);
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }
}
