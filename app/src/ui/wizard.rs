use super::{ErrorSummary, PageResource};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// The one multi-step flow: the step the server holds (`step`, asked again after each
/// completed form, see `ui::flow`), the stepper naming `steps` with that step marked, and the
/// step's own view. `position` places a step on the stepper; `None` shows no stepper (a
/// flow's first choice, or its end).
#[component]
pub fn WizardFlow<T, P, V, IV>(
    /// Names the stepper for screen readers ("Registration steps").
    label: &'static str,
    steps: &'static [&'static str],
    step: PageResource<Result<T, AppError>>,
    position: P,
    view: V,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    P: Fn(&T) -> Option<usize> + Send + Sync + 'static,
    V: Fn(T) -> IV + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match step.await {
                    Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                    Ok(current) => {
                        let stepper = position(&current).map(|at| stepper(label, steps, at));
                        view! {
                            <div class="wizard">
                                {stepper}
                                <div class="wizard-step">{view(current)}</div>
                            </div>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The list of steps with the current one marked.
pub(super) fn stepper(
    label: &'static str,
    steps: &'static [&'static str],
    at: usize,
) -> impl IntoView {
    let items = steps
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let state = match index.cmp(&at) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            };
            view! {
                <li class=state aria-current=(index == at).then_some("step")>
                    <span class="step-number">{index + 1}</span>
                    <span class="step-label">{*name}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav aria-label=label>
            <ol class="stepper">{items}</ol>
            <p class="visually-hidden">{format!("Step {} of {}", at + 1, steps.len())}</p>
        </nav>
    }
}
