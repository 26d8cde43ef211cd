//! Step-up: some actions (viewing a PIN or passkey, changing password, phone or email,
//! enrolling an authenticator) need a one-time passcode entered within the last 5 minutes.

use crate::error::AppError;
use crate::ui::{Modal, OtpChoose, OtpEnter};
use leptos::prelude::*;

/// How long a step-up passcode counts as fresh, unless configured otherwise.
pub const STEP_UP_MINUTES: i64 = 5;

/// Whether a step-up at `step_up_at` still counts at `now`.
pub fn is_fresh(step_up_at: Option<i64>, now: i64, window_seconds: i64) -> bool {
    step_up_at.is_some_and(|at| now - at < window_seconds)
}

#[server(endpoint = "step-up/send")]
pub async fn send_step_up_passcode(channel: String) -> Result<String, AppError> {
    crate::ssr::serve(ssr::send(channel)).await
}

#[server(endpoint = "step-up/verify")]
pub async fn verify_step_up_passcode(code: String) -> Result<(), AppError> {
    crate::ssr::serve(ssr::verify(code)).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::ssr::audit;
    use crate::ssr::guard::{self, Caller};
    use crate::ssr::outbox::Channel;
    use crate::ssr::passcodes::{self, Purpose};

    fn subject(caller: &Caller) -> String {
        format!("step_up:{}", caller.session_hash)
    }

    /// Refuses with [`AppError::StepUpRequired`] unless the caller's session stepped up lately.
    pub async fn require(caller: &Caller) -> Result<(), AppError> {
        let at: Option<i64> =
            sqlx::query_scalar("SELECT step_up_at FROM sessions WHERE id_hash = $1")
                .bind(&caller.session_hash)
                .fetch_one(&caller.state.db.pool)
                .await?;
        if is_fresh(
            at,
            caller.state.clock.unix(),
            caller.state.settings.step_up_seconds,
        ) {
            Ok(())
        } else {
            Err(AppError::StepUpRequired)
        }
    }

    pub async fn send(channel: String) -> Result<String, AppError> {
        let caller = guard::signed_in_with_expired_password().await?;
        let state = &caller.state;
        let (channel, to) = if channel == "email" {
            (Channel::Email, caller.email.clone())
        } else {
            let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
                .bind(caller.user_id)
                .fetch_one(&state.db.pool)
                .await?;
            (Channel::phone(&channel), phone.unwrap_or_default())
        };
        let sent = passcodes::send(state, Purpose::StepUp, &subject(&caller), channel, &to).await?;
        Ok(sent.prefix)
    }

    pub async fn verify(code: String) -> Result<(), AppError> {
        let caller = guard::signed_in_with_expired_password().await?;
        let state = &caller.state;
        let now = state.clock.unix();
        let who = audit::AuditEntry {
            user_id: Some(caller.user_id),
            subject: format!("user:{}", caller.user_id),
            detail: "step-up".into(),
            ..Default::default()
        };
        passcodes::verify_audited(state, Purpose::StepUp, &subject(&caller), &code, who).await?;
        sqlx::query("UPDATE sessions SET step_up_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(&caller.session_hash)
            .execute(&state.db.pool)
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
    let send = Callback::new(move |(channel, _): (String, Option<String>)| {
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
                        on_send=send methods=vec![("sms", "SMS"), ("voice", "Voice"), ("email", "Email")] />
                }.into_any(),
                Some(p) => view! {
                    <OtpEnter prefix=p sent_to="you" error=Signal::derive(move || error.get()) pending=Signal::derive(move || pending.get())
                        on_verify=verify on_resend=Callback::new(move |_| prefix.set(None)) />
                }.into_any(),
            }}
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fresh_for_five_minutes() {
        let window = super::STEP_UP_MINUTES * 60;
        assert!(super::is_fresh(Some(1000), 1000 + 299, window));
        assert!(!super::is_fresh(Some(1000), 1000 + 300, window));
        assert!(!super::is_fresh(None, 1000, window));
    }
}
