//! Step-up: some actions (viewing a PIN or passkey, changing password, phone or email,
//! enrolling an authenticator) need a one-time passcode entered within the last 5 minutes.

use crate::domain::ContactMethod;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use crate::ui::{
    go_to, page_resource, query_value, ErrorSummary, FlowSteps, Modal, OtpChoose, OtpEnter,
};
use leptos::html;
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

/// Asks for a passcode when `open`; runs `on_done` once it is accepted.
#[component]
pub fn StepUpDialog(
    open: RwSignal<bool>,
    #[prop(into)] last4: String,
    on_done: Callback<()>,
) -> impl IntoView {
    let last4 = StoredValue::new(last4);
    let send = ServerAction::<SendStepUpPasscode>::new();
    let again = ServerAction::<ChooseStepUpPasscode>::new();
    let verify = ServerAction::<VerifyStepUpPasscode>::new();
    // The prefix of the passcode sent, while the user types it.
    let prefix = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = send.value().get() {
            prefix.set(Some(p));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = again.value().get() {
            prefix.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = verify.value().get() {
            prefix.set(None);
            open.set(false);
            on_done.run(());
        }
    });
    view! {
        <Modal open title="Confirm it's you">
            {move || match prefix.get() {
                None => view! {
                    <OtpChoose send last4=last4.get_value() methods=vec![ContactMethod::Sms, ContactMethod::Voice, ContactMethod::Email] />
                }.into_any(),
                Some(p) => view! { <OtpEnter verify resend=again prefix=p sent_to="you" /> }.into_any(),
            }}
        </Modal>
    }
}

/// [`StepUpDialog`] for a page that does not otherwise show the user's phone: the number's
/// last four digits are asked of the server.
#[component]
pub fn StepUpDialogAsked(step_up: StepUp) -> impl IntoView {
    let pending = page_resource(
        || (),
        |_| crate::ui::once_per_page("step-up state", step_up_state()),
    );
    view! {
        <Transition>
            {move || pending.get().and_then(Result::ok).map(|p| view! {
                <StepUpDialog open=step_up.open last4=p.last4 on_done=step_up.again() />
            })}
        </Transition>
    }
}

/// Runs server actions that may need a fresh passcode first: when one answers "step-up
/// required", the dialog asks for a passcode, and then the same call runs again.
#[derive(Clone, Copy)]
pub struct StepUp {
    /// Whether the dialog is open.
    pub open: RwSignal<bool>,
    retry: StoredValue<Option<Callback<()>>>,
}

impl StepUp {
    pub fn new() -> Self {
        StepUp {
            open: RwSignal::new(false),
            retry: StoredValue::new(None),
        }
    }

    /// An action of the page whose answer "step-up required" opens the dialog.
    pub fn watch<S>(self, action: ServerAction<S>) -> ServerAction<S>
    where
        S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
    {
        let open = self.open;
        Effect::new(move |_| {
            if action
                .value()
                .with(|v| matches!(v, Some(Err(AppError::StepUpRequired))))
            {
                open.set(true);
            }
        });
        action
    }

    /// A form of the page whose answer "step-up required" opens the dialog; once the passcode
    /// is accepted, the form is posted again as it stands.
    pub fn watch_form<S>(
        self,
        action: ServerAction<S>,
        form: NodeRef<html::Form>,
    ) -> ServerAction<S>
    where
        S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
    {
        let retry = self.retry;
        Effect::new(move |_| {
            if action
                .value()
                .with(|v| matches!(v, Some(Err(AppError::StepUpRequired))))
            {
                retry.set_value(Some(Callback::new(move |_| {
                    if let Some(form) = form.get_untracked() {
                        let _ = form.request_submit();
                    }
                })));
            }
        });
        self.watch(action)
    }

    /// Remembers `form` as the one to post again after a step-up; for several forms of one
    /// action (a button per row), the pressed button's form says so as it is pressed.
    pub fn remember(self, form: NodeRef<html::Form>) {
        self.retry.set_value(Some(Callback::new(move |_| {
            if let Some(form) = form.get_untracked() {
                let _ = form.request_submit();
            }
        })));
    }

    /// Calls a watched `action` with `input`, keeping the call to repeat after a step-up.
    pub fn dispatch<S>(self, action: ServerAction<S>, input: S)
    where
        S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
    {
        let again = input.clone();
        self.retry.set_value(Some(Callback::new(move |_| {
            action.dispatch(again.clone());
        })));
        action.dispatch(input);
    }

    /// What the dialog runs once the passcode is accepted: the call that asked for it.
    pub fn again(self) -> Callback<()> {
        let retry = self.retry;
        Callback::new(move |_| {
            if let Some(call) = retry.get_value() {
                call.run(());
            }
        })
    }
}

impl Default for StepUp {
    fn default() -> Self {
        Self::new()
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
                {move || current.get().map(|s| match s {
                    Ok(PendingStepUp { prefix: Some(prefix), .. }) => view! {
                        <OtpEnter verify resend=again prefix sent_to="you" hidden=("next", next.get_value()) />
                    }.into_any(),
                    Ok(PendingStepUp { last4, .. }) => view! {
                        <OtpChoose send last4 methods=vec![ContactMethod::Sms, ContactMethod::Voice, ContactMethod::Email] />
                    }.into_any(),
                    Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}
