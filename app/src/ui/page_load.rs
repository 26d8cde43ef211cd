//! A page's data, loaded once per page request.
//!
//! On the server a `<Suspense>` walks its children more than once (to find every resource
//! before it waits, then to render), and each walk runs again the closures among them and the
//! components those build: a resource made there would call its server function once a walk.
//! The later walks share the first one's answer instead. In the browser this is the load itself.

use std::future::Future;

/// `load`, shared with every other walk of this page that asks under the same `key` (which
/// names the load and its arguments).
#[cfg(feature = "ssr")]
pub fn once_per_page<T, F>(key: &str, load: F) -> impl Future<Output = T> + Send + 'static
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = T> + Send + 'static,
{
    crate::ssr::page::once(key, || load)
}

#[cfg(not(feature = "ssr"))]
pub fn once_per_page<T, F: Future<Output = T>>(_key: &str, load: F) -> F {
    load
}
