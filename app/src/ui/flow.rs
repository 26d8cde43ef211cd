//! Multi-step flows whose step the server keeps (`ssr::drafts`): the page asks the server which
//! step it is on and renders that; every step is a form posting to its server function. Before
//! the browser app has loaded, the browser posts the form and the server answers with the page
//! again, now on the next step; once loaded, the form's action runs in place and the step is
//! asked for again. A failed step stays on screen with what was typed and its error.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Counts the steps a page's forms have completed: the source of the resource that asks the
/// server for the current step.
#[derive(Clone, Copy)]
pub struct FlowSteps {
    moved: RwSignal<usize>,
}

impl FlowSteps {
    pub fn new() -> Self {
        FlowSteps {
            moved: RwSignal::new(0),
        }
    }

    /// The flow moves on whenever `action` succeeds.
    pub fn after<S>(self, action: ServerAction<S>) -> Self
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
    {
        self.after_staying(action, |_| true)
    }

    /// The flow moves on when `action` succeeds with an answer that `stays` where the step
    /// resource's source already is. An answer that goes elsewhere (a new draft's or another
    /// step's address) asks for its step by itself through that source; asking again as well
    /// would build the step twice, and what the user did between the two builds would be lost.
    pub fn after_staying<S>(
        self,
        action: ServerAction<S>,
        stays: impl Fn(&S::Output) -> bool + 'static,
    ) -> Self
    where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
    {
        let moved = self.moved;
        Effect::new(move |_| {
            if action
                .value()
                .with(|v| matches!(v, Some(Ok(out)) if stays(out)))
            {
                moved.update(|n| *n += 1);
            }
        });
        self
    }

    /// Read by the step resource's source, so it asks again after each completed step.
    pub fn version(self) -> usize {
        self.moved.get()
    }
}

impl Default for FlowSteps {
    fn default() -> Self {
        Self::new()
    }
}

/// The error an action answered, if its last call failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    })
}

/// For an action that answers where to go next (`ssr::follow`, the same address a form posted
/// without the browser app is sent to): goes there once it succeeds, then runs `then` (to read
/// a list again, say).
pub fn follow_answer<S>(action: ServerAction<S>, then: impl Fn() + 'static)
where
    S: ServerFn<Output = String, Error = AppError> + Clone + Send + Sync + 'static,
{
    let navigate = StoredValue::new(leptos_router::hooks::use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(to)) = action.value().get() {
            navigate.with_value(|n| n(&to, Default::default()));
            then();
        }
    });
}

/// Whether the address an action answered (`/referrals/new?draft=…`) gives `key` the value
/// `value`, as the address now shown does: then following it changes nothing the step's
/// source reads.
pub fn answer_keeps(answer: &str, key: &str, value: &str) -> bool {
    let query = answer.split_once('?').map_or("", |(_, q)| q);
    let query = query.split('#').next().unwrap_or_default();
    let wanted = super::encode_query_value(value);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .any(|(k, v)| k == key && v == wanted)
}

#[cfg(test)]
mod tests {
    use super::answer_keeps;

    #[test]
    fn an_answer_keeps_a_value_only_when_its_address_names_the_same() {
        assert!(answer_keeps("/referrals/new?draft=ab12", "draft", "ab12"));
        assert!(answer_keeps(
            "/admin/users/5/permissions?x=1&step=2#top",
            "step",
            "2"
        ));
        assert!(!answer_keeps("/referrals/new?draft=cd34", "draft", "ab12"));
        assert!(!answer_keeps("/referrals/new", "draft", ""));
        assert!(!answer_keeps("/referrals/17", "draft", "ab12"));
        assert!(answer_keeps("/search?q=a+b%2Fc", "q", "a b/c"));
    }
}
