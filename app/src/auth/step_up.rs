//! Step-up: some actions (viewing a PIN or passkey, changing password, phone or email,
//! enrolling an authenticator) need a one-time passcode entered within the last 5 minutes.

use crate::domain::ContactMethod;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use crate::ui::{Modal, OtpChoose, OtpEnter};
use leptos::prelude::*;

#[server(endpoint = "step-up/send")]
pub async fn send_step_up_passcode(channel: ContactMethod) -> Result<String, AppError> {
    let user = require(Access::EXPIRED_PASSWORD).await?;
    ssr::send(user, channel).await
}

#[server(endpoint = "step-up/verify")]
pub async fn verify_step_up_passcode(code: String) -> Result<(), AppError> {
    let user = require(Access::EXPIRED_PASSWORD).await?;
    ssr::verify(user, code).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::ssr::audit;
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
        let sent = passcodes::send(state, Purpose::StepUp, &subject(&caller), channel, &to).await?;
        Ok(sent.prefix)
    }

    pub async fn verify(User(caller): User, code: String) -> Result<(), AppError> {
        let state = &caller.state;
        let now = state.clock.unix();
        let who = audit::AuditEntry {
            user_id: Some(caller.user_id),
            subject: format!("user:{}", caller.user_id),
            detail: "step-up".into(),
            ..Default::default()
        };
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
    let prefix = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let send = Callback::new(move |(channel, _): (ContactMethod, Option<String>)| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            pending.set(false);
            match send_step_up_passcode(channel).await {
                Ok(p) => {
                    error.set(None);
                    prefix.set(Some(p));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let verify = Callback::new(move |code: String| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            pending.set(false);
            match verify_step_up_passcode(code).await {
                Ok(()) => {
                    error.set(None);
                    prefix.set(None);
                    open.set(false);
                    on_done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <Modal open title="Confirm it's you">
            {move || match prefix.get() {
                None => view! {
                    <OtpChoose last4=last4.get_value() error=Signal::derive(move || error.get()) pending=Signal::derive(move || pending.get())
                        on_send=send methods=vec![ContactMethod::Sms, ContactMethod::Voice, ContactMethod::Email] />
                }.into_any(),
                Some(p) => view! {
                    <OtpEnter prefix=p sent_to="you" error=Signal::derive(move || error.get()) pending=Signal::derive(move || pending.get())
                        on_verify=verify on_resend=Callback::new(move |_| prefix.set(None)) />
                }.into_any(),
            }}
        </Modal>
    }
}
