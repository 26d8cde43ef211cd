//! "Provider Portal User Training" (guide 002 §III, guide 004 §II): every user completes the
//! training for their role before using anything else, and again every calendar year. The
//! Local Office Administrator's training has extra slides.

use crate::auth::password::local_path;
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use crate::ui::{action_error, go_to, page_resource, Checkbox, ErrorSummary, Gate, Needs};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

pub struct Slide {
    pub title: &'static str,
    pub text: &'static [&'static str],
}

/// Everyone's slides.
pub const STAFF_SLIDES: [Slide; 5] = [
    Slide {
        title: "Welcome to the Provider Portal",
        text: &["The portal is how your office checks eligibility, looks up claims and disputes, submits referrals and reads the plan's correspondence.", "You see only what your office's administrator has given you access to."],
    },
    Slide {
        title: "Your account is yours alone",
        text: &["Never share your password, passkey or one-time passcodes — not with colleagues and not with anyone who calls. Plan staff will never ask for your password.", "Sign out when you leave your computer; the portal signs you out after 30 minutes without activity."],
    },
    Slide {
        title: "Protecting member information",
        text: &["Member records are protected health information. Look up only the members your office is treating, and only what you need for your work.", "Every view of a member, claim or referral is recorded."],
    },
    Slide {
        title: "Reporting a problem",
        text: &["If you suspect someone used your account, or member information went where it should not, tell your office administrator and the plan's Privacy Officer at once."],
    },
    Slide {
        title: "Every year",
        text: &["This training is repeated every calendar year. Your office administrator also confirms your access every 60 days."],
    },
];

/// The extra slides of the Local Office Administrator.
pub const ADMIN_SLIDES: [Slide; 3] = [
    Slide {
        title: "Your role as Local Office Administrator",
        text: &["You accept or decline requests to join your office, keep the list of users current, and change their roles and settings as their work changes."],
    },
    Slide {
        title: "Give only the access that is needed",
        text: &["Assign each user only the NPIs, correspondence and security settings their work needs. Remove users the day they leave, with their separation date."],
    },
    Slide {
        title: "Verify users every 60 days",
        text: &["“Verify Users” turns yellow when 15 days or fewer are left. If the 60 days pass, everyone in your office except its administrators loses access until the plan reinstates your office."],
    },
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// The Local Office Administrator's training, with its extra slides.
    pub admin: bool,
}

#[server(endpoint = "training")]
pub async fn load_training() -> Result<TrainingInfo, AppError> {
    let user = require(Access::BEFORE_TRAINING).await?;
    Ok(TrainingInfo {
        admin: user.is_org_admin(),
    })
}

/// "Complete Training", then on to where the user was going (`next`, a path of this site).
#[server(endpoint = "training/complete")]
pub async fn complete_training(
    #[server(default)] completed: bool,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    let user = require(Access::BEFORE_TRAINING).await?;
    ssr::complete(user, completed).await?;
    crate::ssr::follow(&local_path(next));
    Ok(())
}

#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    pub async fn complete(User(caller): User, completed: bool) -> Result<(), AppError> {
        if !completed {
            return Err(AppError::field(
                "completed",
                "Confirm that you have completed the training.",
            ));
        }
        let admin = caller.is_org_admin();
        let role = if admin { "admin" } else { "staff" };
        let now = caller.state.clock.unix();
        let mut tx = caller.state.db.begin().await?;
        super::repo::complete(&mut tx, now, caller.user_id, role).await?;
        caller
            .audit("training.complete", format!("user:{}", caller.user_id))
            .detail(role)
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[component]
pub fn TrainingPage() -> impl IntoView {
    let info = page_resource(|| (), |_| load_training());
    view! {
        <Require access=PageAccess::Member>
            <div class="narrow">
                <h1>"Provider Portal User Training"</h1>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {Suspend::new(async move {
                        match info.await {
                            Ok(i) => view! { <Slides admin=i.admin /> }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </Require>
    }
}

/// The slides, one at a time: the address names the slide (`?slide=2`), so "Back" and "Next"
/// work before the browser app loads; the last one holds the form that completes the training.
#[component]
fn Slides(admin: bool) -> impl IntoView {
    let query = use_query_map();
    let slides: Vec<&'static Slide> = STAFF_SLIDES
        .iter()
        .chain(admin.then_some(ADMIN_SLIDES.iter()).into_iter().flatten())
        .collect();
    let total = slides.len();
    let slides = StoredValue::new(slides);
    let index = Signal::derive(move || {
        query
            .read()
            .get("slide")
            .and_then(|n| n.parse::<usize>().ok())
            .map_or(0, |n| n.clamp(1, total) - 1)
    });
    let next = query.read_untracked().get("next");
    let going_on = local_path(next.clone());
    let done = RwSignal::new(false);
    let action = ServerAction::<CompleteTraining>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to(&going_on);
        }
    });
    let next = StoredValue::new(next);
    // A button that shows slide `to` (1-based), keeping where the user was going.
    let move_to = move |to: usize, label: &'static str, primary: bool| {
        view! {
            <Form method="GET" action="/training" attr:class="inline">
                {next.get_value().map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <button type="submit" name="slide" value=to.to_string()
                    class=if primary { "button primary" } else { "button" }>{label}</button>
            </Form>
        }
    };
    view! {
        <p>{if admin { "The training for Local Office Administrators" } else { "The training for office staff" }}</p>
        <section class="slide" aria-labelledby="slide-title" aria-live="polite">
            <p class="step-count">{move || format!("Slide {} of {total}", index.get() + 1)}</p>
            <h2 id="slide-title">{move || slides.with_value(|s| s[index.get()].title)}</h2>
            {move || slides.with_value(|s| s[index.get()].text.iter().map(|p| view! { <p>{*p}</p> }).collect_view())}
        </section>
        <div class="actions">
            {move || (index.get() > 0).then(|| move_to(index.get(), "Back", false))}
            {move || (index.get() + 1 < total).then(|| move_to(index.get() + 2, "Next", true))}
        </div>
        <Show when=move || index.get() + 1 == total>
            <ActionForm action>
                {next.get_value().map(|n| view! { <input type="hidden" name="next" value=n /> })}
                <Gate button="training-complete" needs=Needs::EveryBox>
                    <Checkbox label="I have completed the training" checked=done name="completed" />
                </Gate>
                <ErrorSummary error=action_error(action) beside_fields=true />
                <button type="submit" id="training-complete" class="button primary" disabled=move || action.pending().get()>"Complete Training"</button>
            </ActionForm>
        </Show>
    }
}
