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
        let moved = self.moved;
        Effect::new(move |_| {
            if action.value().with(|v| matches!(v, Some(Ok(_)))) {
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
