use crate::error::AppError;
use leptos::prelude::*;
use std::future::Future;

/// A multi-step form driven by the server (registration, set-password links): the step it is
/// on, the last error, and whether a request is under way. Every call answers the next step.
pub struct StepFlow<T: Send + Sync + 'static> {
    pub step: RwSignal<Option<T>>,
    pub error: RwSignal<Option<AppError>>,
    pub pending: RwSignal<bool>,
}

impl<T: Send + Sync + 'static> Clone for StepFlow<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for StepFlow<T> {}

impl<T: Send + Sync + 'static> StepFlow<T> {
    pub fn new() -> Self {
        StepFlow {
            step: RwSignal::new(None),
            error: RwSignal::new(None),
            pending: RwSignal::new(false),
        }
    }

    /// Shows the step a call answered, or its error (keeping the current step and what was typed).
    pub fn apply(&self, result: Result<T, AppError>) {
        self.pending.set(false);
        match result {
            Ok(next) => {
                self.error.set(None);
                self.step.set(Some(next));
            }
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Runs a server call and applies its answer.
    pub fn run(&self, call: impl Future<Output = Result<T, AppError>> + 'static) {
        self.pending.set(true);
        let flow = *self;
        leptos::task::spawn_local(async move { flow.apply(call.await) });
    }
}

impl<T: Send + Sync + 'static> Default for StepFlow<T> {
    fn default() -> Self {
        Self::new()
    }
}
