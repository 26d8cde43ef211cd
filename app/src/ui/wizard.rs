use leptos::prelude::*;

/// A multi-step form: the list of steps with the current one marked, then the step's content.
/// The steps' drafts live on the server (DESIGN.md, "No data loss"); this shows where the user is.
#[component]
pub fn Wizard(
    #[prop(into)] label: String,
    steps: Vec<String>,
    /// Zero-based index of the current step.
    #[prop(into)]
    current: Signal<usize>,
    children: Children,
) -> impl IntoView {
    let total = steps.len();
    let items = steps
        .into_iter()
        .enumerate()
        .map(|(index, step)| {
            let state = move || match index.cmp(&current.get()) {
                std::cmp::Ordering::Less => "done",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "todo",
            };
            view! {
                <li class=state aria-current=move || (index == current.get()).then_some("step")>
                    <span class="step-number">{index + 1}</span>
                    <span class="step-label">{step}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="wizard">
            <nav aria-label=label>
                <ol class="stepper">{items}</ol>
                <p class="visually-hidden" aria-live="polite">
                    {move || format!("Step {} of {}", current.get() + 1, total)}
                </p>
            </nav>
            <div class="wizard-step">{children()}</div>
        </div>
    }
}
