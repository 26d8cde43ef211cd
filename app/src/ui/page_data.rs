//! A page's data: the one way a component loads what it shows.
//!
//! A resource's value travels in the server-rendered page as JSON and is read back when the
//! browser app takes the page over. Leptos's default codec reads it with
//! `serde_json::from_str`, while server function results (the same types, fetched again on
//! navigation or refetch) are read with `serde_json::from_slice`: two copies of every type's
//! JSON reading in the browser build. [`PageJson`] reads resources the way server function
//! results are read, which cut the WebAssembly by 9% raw, 3% brotli (bench/RESULTS.md).

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// JSON, decoded exactly as server function results are.
pub struct PageJson;

impl<T: Serialize> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// A resource whose value travels in the page as [`PageJson`].
pub type PageResource<T> = Resource<T, PageJson>;

/// Loads `fetcher(source())` on the server into the page, and again in the browser whenever
/// `source` changes (what `Resource::new` does, with [`PageJson`]).
#[track_caller]
pub fn page_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    // Boxed at once: a load's future (its queries' futures inline) is kilobytes, and the
    // resource moves it several times before it runs.
    Resource::new_with_options(source, move |s| Box::pin(fetcher(s)), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn a_value_comes_back_as_it_went() {
        let value: Result<Vec<(String, Option<u32>)>, AppError> = Ok(vec![
            ("Ann \"Lee\" \u{e9}".into(), Some(7)),
            ("<b>".into(), None),
        ]);
        let encoded = <PageJson as Encoder<_>>::encode(&value).unwrap();
        let back: Result<Vec<(String, Option<u32>)>, AppError> =
            <PageJson as Decoder<_>>::decode(&encoded).unwrap();
        assert_eq!(back, value);
        let error: Result<u32, AppError> = Err(AppError::NotFound);
        let encoded = <PageJson as Encoder<_>>::encode(&error).unwrap();
        assert_eq!(
            <PageJson as Decoder<Result<u32, AppError>>>::decode(&encoded).unwrap(),
            error
        );
    }

    #[test]
    fn bad_json_is_an_error_not_a_value() {
        assert!(<PageJson as Decoder<Vec<u32>>>::decode("[1, 2").is_err());
        assert!(<PageJson as Decoder<Vec<u32>>>::decode("{\"a\": 1}").is_err());
    }
}
