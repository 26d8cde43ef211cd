//! Step-up: some actions (viewing a PIN or passkey, changing password, phone or email,
//! enrolling an authenticator) need a one-time passcode entered within the last 5 minutes. A
//! form refused for want of one is sent to "Confirm it's you" (`StepUpPage`), which leads
//! back to the form's page.

use crate::domain::ContactMethod;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use crate::ui::{go_to, page_resource, query_value, ErrorSummary, FlowSteps, OtpChoose, OtpEnter};
use leptos::prelude::*;

#[server(endpoint = "step-up/send")]
pub async fn send_step_up_passcode(channel: ContactMethod) -> Result<String, AppError> {
    let user = require(Access::EXPIRED_PASSWORD).await?;
    ssr::send(user, channel).await
}

/// "Resend one-time passcode": the waiting one is withdrawn.
#[server(endpoint = "step-up/again")]
pub async fn choose_step_up_passcode() -> Result<(), AppError> {
    let user = require(Access::EXPIRED_PASSWORD).await?;
    ssr::again(user).await
}

/// Checks the passcode; from the "Confirm it's you" page (`next`), goes back where the
/// refused form was.
#[server(endpoint = "step-up/verify")]
pub async fn verify_step_up_passcode(
    code: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    let user = require(Access::EXPIRED_PASSWORD).await?;
    ssr::verify(user, code).await?;
    if next.is_some() {
        crate::ssr::follow(&super::password::local_path(next));
    }
    Ok(())
}

/// Where the "Confirm it's you" page stands: the phone it offers, and the prefix of the
/// passcode sent, once one is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PendingStepUp {
    pub last4: String,
    pub prefix: Option<String>,
}

#[server(endpoint = "step-up/state")]
pub async fn step_up_state() -> Result<PendingStepUp, AppError> {
    let user = require(Access::EXPIRED_PASSWORD).await?;
    ssr::state(user).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::ssr::guard::Caller;
    use crate::ssr::outbox::Channel;
    use crate::ssr::passcodes::{self, Purpose};

    fn subject(caller: &Caller) -> String {
        format!("step_up:{}", caller.session_hash)
    }

    pub async fn send(User(caller): User, channel: ContactMethod) -> Result<String, AppError> {
        let state = &caller.state;
        let (channel, to) = if channel == ContactMethod::Email {
            (Channel::Email, caller.email.clone())
        } else {
            let phone =
                crate::ssr::repo::users::phone(&mut *state.db.conn().await?, caller.user_id)
                    .await?
                    .flatten();
            (Channel::phone(channel), phone.unwrap_or_default())
        };
        let sent = passcodes::send(
            state,
            Purpose::StepUp,
            &subject(&caller),
            Some(caller.user_id),
            channel,
            &to,
        )
        .await?;
        Ok(sent.prefix)
    }

    pub async fn state(User(caller): User) -> Result<PendingStepUp, AppError> {
        let state = &caller.state;
        let last4 = crate::ssr::repo::users::phone(&mut *state.db.conn().await?, caller.user_id)
            .await?
            .flatten()
            .and_then(|p| crate::domain::Phone::parse(&p).ok())
            .map(|p| p.last4().to_string())
            .unwrap_or_default();
        let prefix = passcodes::pending_prefix(
            &state.db,
            state.clock.unix(),
            Purpose::StepUp,
            &subject(&caller),
        )
        .await?;
        Ok(PendingStepUp { last4, prefix })
    }

    pub async fn again(User(caller): User) -> Result<(), AppError> {
        passcodes::withdraw(&caller.state, Purpose::StepUp, &subject(&caller)).await
    }

    pub async fn verify(User(caller): User, code: String) -> Result<(), AppError> {
        let state = &caller.state;
        let now = state.clock.unix();
        let who = caller
            .audit("passcode.failure", format!("user:{}", caller.user_id))
            .detail("step-up");
        passcodes::verify_audited(state, Purpose::StepUp, &subject(&caller), &code, who).await?;
        crate::auth::repo::mark_step_up(&mut *state.db.conn().await?, &caller.session_hash, now)
            .await?;
        Ok(())
    }
}

/// "Confirm it's you" as a page: where a form posted before the browser app loaded is sent
/// when its action needs a fresh passcode; once the passcode is accepted, back to `next`
/// (the form's page) to post it again.
#[component]
pub fn StepUpPage() -> impl IntoView {
    let next = query_value("next");
    let send = ServerAction::<SendStepUpPasscode>::new();
    let again = ServerAction::<ChooseStepUpPasscode>::new();
    let verify = ServerAction::<VerifyStepUpPasscode>::new();
    let flow = FlowSteps::new().after(send).after(again);
    let current = page_resource(move || flow.version(), |_| step_up_state());
    let back = super::password::local_path(Some(next.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = verify.value().get() {
            go_to(&back);
        }
    });
    let next = StoredValue::new(next);
    view! {
        <div class="narrow">
            <p class="notice">"For your security, confirm it's you with a one-time passcode, then do it again."</p>
            <Transition>
                {Suspend::new(async move {
                    match current.await {
                        Ok(PendingStepUp { prefix: Some(prefix), .. }) => view! {
                            <OtpEnter verify resend=again prefix sent_to="you" hidden=("next", next.get_value()) />
                        }.into_any(),
                        Ok(PendingStepUp { last4, .. }) => view! {
                            <OtpChoose send last4 methods=vec![ContactMethod::Sms, ContactMethod::Voice, ContactMethod::Email] />
                        }.into_any(),
                        Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
