//! Setting a password from an emailed link (after registration, an invitation or "Forgot
//! Password?"), the "Reset Password" request, and the user passkey.

use super::password_policy::{self, checklist};
use super::session_info::SessionResource;
use crate::domain::{ContactMethod, Email};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User, Visitor};
use crate::ui::{field_errors, go_to, ErrorSummary, Field, OtpChoose, OtpEnter, StepFlow};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Where a set-password link stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LinkStep {
    Invalid { message: String },
    PasscodeChoose { last4: String },
    PasscodeEnter { prefix: String, last4: String },
    NewPassword,
    Done { next: String },
}

#[server(endpoint = "password/link")]
pub async fn password_link_step(t: String) -> Result<LinkStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::link_step(visitor, t).await
}

#[server(endpoint = "password/link/send")]
pub async fn password_link_send(t: String, channel: ContactMethod) -> Result<LinkStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::link_send(visitor, t, channel).await
}

#[server(endpoint = "password/link/verify")]
pub async fn password_link_verify(t: String, code: String) -> Result<LinkStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::link_verify(visitor, t, code).await
}

#[server(endpoint = "password/set")]
pub async fn set_new_password(
    t: String,
    password: String,
    again: String,
) -> Result<LinkStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::set_password(visitor, t, password, again).await
}

/// Always answers the same, so nobody learns which addresses have accounts.
#[server(endpoint = "password/forgot")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::request_reset(visitor, email).await
}

/// "Change Password" (My Profile, and the expired password's page): the current password,
/// then a new one; other sessions of the user end.
#[server(endpoint = "profile/password")]
pub async fn change_password(
    current: String,
    password: String,
    again: String,
) -> Result<(), AppError> {
    let user = require(Access::EXPIRED_PASSWORD.fresh()).await?;
    ssr::change_password(user, current, password, again).await
}

#[server(endpoint = "passkey")]
pub async fn save_passkey(passkey: String, again: String) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::save_passkey(user, passkey, again).await
}

/// A passkey is four digits, typed twice.
pub fn check_passkey(passkey: &str, again: &str) -> Result<(), AppError> {
    if passkey.len() != 4 || !passkey.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field("passkey", "Enter 4 digits."));
    }
    if passkey != again {
        return Err(AppError::field("again", "The two passkeys do not match."));
    }
    Ok(())
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::auth::sign_in::begin_session;
    use crate::domain::Phone;
    use crate::ssr::outbox::Channel;
    use crate::ssr::passcodes::{self, Purpose};
    use crate::ssr::password_links::{self, Link, LinkPurpose};
    use crate::ssr::repo::users;
    use crate::ssr::{audit, common_passwords, crypto, request_ip, session, AppState};

    const INVALID: &str = "This link is not valid or has already been used. Use “Forgot Password?” on the Log In page to get a new one.";
    const EXPIRED: &str =
        "This link has expired. Use “Forgot Password?” on the Log In page to get a new one.";

    async fn usable(state: &AppState, t: &str) -> Result<Result<Link, LinkStep>, AppError> {
        Ok(match password_links::find(state, t).await? {
            None => Err(LinkStep::Invalid {
                message: INVALID.into(),
            }),
            // An invitation is opened at /invitation, never here.
            Some(link) if link.spent || link.purpose == LinkPurpose::Invitation => {
                Err(LinkStep::Invalid {
                    message: INVALID.into(),
                })
            }
            Some(link) if link.expired => Err(LinkStep::Invalid {
                message: EXPIRED.into(),
            }),
            Some(link) => Ok(link),
        })
    }

    async fn phone_of(state: &AppState, user_id: i64) -> Result<String, AppError> {
        let phone = users::phone(&mut *state.db.conn().await?, user_id)
            .await?
            .flatten();
        phone.ok_or_else(|| {
            AppError::Conflict(
                "Your account has no phone number. Contact your administrator.".into(),
            )
        })
    }

    fn last4(phone: &str) -> String {
        Phone::parse(phone)
            .map(|p| p.last4().to_string())
            .unwrap_or_default()
    }

    fn subject(link: &Link) -> String {
        format!("link:{}", link.id)
    }

    pub async fn link_step(visitor: Visitor, t: String) -> Result<LinkStep, AppError> {
        let state = visitor.state.clone();
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        if link.passcode_verified {
            return Ok(LinkStep::NewPassword);
        }
        let phone = phone_of(&state, link.user_id).await?;
        Ok(
            match passcodes::pending_prefix(
                &state.db,
                state.clock.unix(),
                Purpose::PasswordLink,
                &subject(&link),
            )
            .await?
            {
                Some(prefix) => LinkStep::PasscodeEnter {
                    prefix,
                    last4: last4(&phone),
                },
                None => LinkStep::PasscodeChoose {
                    last4: last4(&phone),
                },
            },
        )
    }

    pub async fn link_send(
        visitor: Visitor,
        t: String,
        channel: ContactMethod,
    ) -> Result<LinkStep, AppError> {
        let state = visitor.state.clone();
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        let phone = phone_of(&state, link.user_id).await?;
        let sent = passcodes::send(
            &state,
            Purpose::PasswordLink,
            &subject(&link),
            Channel::phone(channel),
            &phone,
        )
        .await?;
        Ok(LinkStep::PasscodeEnter {
            prefix: sent.prefix,
            last4: last4(&phone),
        })
    }

    pub async fn link_verify(
        visitor: Visitor,
        t: String,
        code: String,
    ) -> Result<LinkStep, AppError> {
        let state = visitor.state.clone();
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        let now = state.clock.unix();
        let who = audit::AuditEntry {
            user_id: Some(link.user_id),
            subject: format!("user:{}", link.user_id),
            detail: "set-password link".into(),
            ..Default::default()
        };
        passcodes::verify_audited(&state, Purpose::PasswordLink, &subject(&link), &code, who)
            .await?;
        password_links::passcode_verified(&state, link.id, now).await?;
        Ok(LinkStep::NewPassword)
    }

    /// Applies the whole policy; the browser checks the same rules as the user types.
    pub async fn check_new_password(
        state: &AppState,
        user_id: i64,
        password: &str,
        again: &str,
    ) -> Result<(), AppError> {
        password_policy::validate(password).map_err(|m| AppError::field("password", m))?;
        if common_passwords::is_common(password) {
            return Err(AppError::field(
                "password",
                "This password is too common. Choose another.",
            ));
        }
        password_policy::confirm(password, again).map_err(|m| AppError::field("again", m))?;
        let previous = users::password_history(
            &mut *state.db.conn().await?,
            user_id,
            password_policy::HISTORY as i64,
        )
        .await?;
        for hash in previous {
            if crypto::verify_password(password.to_string(), Some(hash)).await? {
                return Err(AppError::field(
                    "password",
                    "Choose a password you have not used recently.",
                ));
            }
        }
        Ok(())
    }

    /// Stores a new password hash and remembers it in the history.
    pub async fn store_password(
        state: &AppState,
        user_id: i64,
        password: String,
    ) -> Result<(), AppError> {
        let now = state.clock.unix();
        let hash = crypto::hash_password(password).await?;
        let mut tx = state.db.pool.begin().await?;
        users::set_password(&mut tx, now, user_id, &hash).await?;
        tx.commit().await?;
        audit::record(
            &state.db,
            now,
            audit::AuditEntry {
                user_id: Some(user_id),
                action: "password.change",
                subject: format!("user:{user_id}"),
                detail: String::new(),
                ip: request_ip(),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }

    pub async fn change_password(
        User(caller): User,
        current: String,
        password: String,
        again: String,
    ) -> Result<(), AppError> {
        let state = &caller.state;
        let hash = users::password_hash(&mut *state.db.conn().await?, caller.user_id).await?;
        if !crypto::verify_password(current.clone(), hash).await? {
            return Err(AppError::field(
                "current",
                "This is not your current password.",
            ));
        }
        if crate::auth::password_policy::too_similar(&current, &password) {
            return Err(AppError::field(
                "password",
                "The new password is too similar to the current one.",
            ));
        }
        check_new_password(state, caller.user_id, &password, &again).await?;
        store_password(state, caller.user_id, password).await?;
        // Anyone else signed in as this user is signed out.
        users::end_other_sessions(
            &mut *state.db.conn().await?,
            caller.user_id,
            &caller.session_hash,
        )
        .await?;
        Ok(())
    }

    pub async fn set_password(
        visitor: Visitor,
        t: String,
        password: String,
        again: String,
    ) -> Result<LinkStep, AppError> {
        let state = visitor.state.clone();
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        if !link.passcode_verified {
            return Err(AppError::Conflict(
                "Enter the one-time passcode first.".into(),
            ));
        }
        check_new_password(&state, link.user_id, &password, &again).await?;
        if !password_links::spend(&state, link.id).await? {
            return Ok(LinkStep::Invalid {
                message: INVALID.into(),
            });
        }
        store_password(&state, link.user_id, password).await?;
        if link.purpose == LinkPurpose::Reset {
            // Whoever else was signed in as this user is signed out.
            session::delete_for_user(&state.db, link.user_id).await?;
        }
        let next = begin_session(&state, link.user_id).await?;
        let has_passkey = users::sealed_passkey(&mut *state.db.conn().await?, link.user_id)
            .await?
            .flatten()
            .is_some();
        let next = if !has_passkey {
            format!("/passkey?next={next}")
        } else {
            next
        };
        Ok(LinkStep::Done { next })
    }

    pub async fn request_reset(visitor: Visitor, email: String) -> Result<(), AppError> {
        let state = visitor.state.clone();
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        let user = users::id_by_email(&mut *state.db.conn().await?, email.as_str()).await?;
        if let Some(user_id) = user {
            // Over the limit, nothing is sent but the answer is the same: the page must not
            // tell whether the address has an account.
            let allowed = password_links::reset_allowed(&state, user_id).await?;
            if allowed {
                password_links::send(&state, user_id, email.as_str(), LinkPurpose::Reset).await?;
            }
            audit::record(
                &state.db,
                state.clock.unix(),
                audit::AuditEntry {
                    user_id: Some(user_id),
                    action: if allowed {
                        "password.reset_request"
                    } else {
                        "password.reset_request_limited"
                    },
                    subject: format!("user:{user_id}"),
                    detail: String::new(),
                    ip: visitor.ip.clone(),
                    ..Default::default()
                },
            )
            .await?;
        }
        Ok(())
    }

    pub async fn save_passkey(
        User(caller): User,
        passkey: String,
        again: String,
    ) -> Result<(), AppError> {
        check_passkey(&passkey, &again)?;
        let sealed = crypto::seal(&caller.state.settings.secret_key, passkey.as_bytes());
        users::set_passkey(&mut *caller.state.db.conn().await?, caller.user_id, &sealed).await?;
        audit::record(
            &caller.state.db,
            caller.state.clock.unix(),
            audit::AuditEntry {
                user_id: Some(caller.user_id),
                action: "passkey.set",
                subject: format!("user:{}", caller.user_id),
                detail: String::new(),
                ip: caller.ip.clone(),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}

/// The rules, ticked off as the user types.
#[component]
pub fn PasswordChecklist(#[prop(into)] password: Signal<String>) -> impl IntoView {
    view! {
        <ul class="checklist" aria-label="Password requirements">
            {move || {
                checklist(&password.get())
                    .into_iter()
                    .map(|rule| {
                        let mark = if rule.met { "✓" } else { "✗" };
                        let state = if rule.met { "met" } else { "unmet" };
                        view! {
                            <li class=state>
                                <span aria-hidden="true">{mark}" "</span>
                                {rule.label}
                                <span class="visually-hidden">{if rule.met { " (met)" } else { " (not met)" }}</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
            <li>"Cannot reuse a recently used password"</li>
        </ul>
    }
}

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let program = move || {
        session
            .get()
            .and_then(Result::ok)
            .map(|s| s.program_name)
            .unwrap_or_default()
    };
    let query = use_query_map();
    let token = move || query.with(|q| q.get("t").unwrap_or_default());
    let initial = Resource::new(token, password_link_step);
    let flow = StepFlow::<LinkStep>::new();
    let (step, error, pending) = (flow.step, flow.error, flow.pending);
    let send = Callback::new(move |(channel, _): (ContactMethod, Option<String>)| {
        flow.run(password_link_send(token(), channel))
    });
    let verify = Callback::new(move |code: String| flow.run(password_link_verify(token(), code)));
    let resend = Callback::new(move |_| {
        step.set(Some(LinkStep::PasscodeChoose {
            last4: String::new(),
        }));
        error.set(None);
    });
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = password_policy::validate(&password.get_untracked())
            .map_err(|m| AppError::field("password", m))
            .and_then(|_| {
                password_policy::confirm(&password.get_untracked(), &again.get_untracked())
                    .map_err(|m| AppError::field("again", m))
            });
        if let Err(e) = checked {
            error.set(Some(e));
            return;
        }
        flow.run(set_new_password(
            token(),
            password.get_untracked(),
            again.get_untracked(),
        ));
    };
    Effect::new(move |_| {
        if let Some(LinkStep::Done { next }) = step.get() {
            set_timeout(move || go_to(&next), std::time::Duration::from_millis(1500));
        }
    });
    let field_error = field_errors(move || error.get());
    view! {
        <div class="narrow">
            <Suspense fallback=|| view! { <p class="loading">"Checking your link…"</p> }>
                {move || initial.get().map(|result| {
                    if step.get_untracked().is_none() {
                        match result {
                            Ok(s) => step.set(Some(s)),
                            Err(e) => step.set(Some(LinkStep::Invalid { message: e.to_string() })),
                        }
                    }
                })}
                {move || match step.get() {
                    None => ().into_any(),
                    Some(LinkStep::Invalid { message }) => view! {
                        <h1>"This link cannot be used"</h1>
                        <p role="alert">{message}</p>
                        <p><a href="/password/forgot">"Forgot Password?"</a></p>
                    }.into_any(),
                    Some(LinkStep::PasscodeChoose { last4 }) => view! {
                        <OtpChoose last4 error=Signal::derive(move || error.get()) pending=Signal::derive(move || pending.get()) on_send=send />
                    }.into_any(),
                    Some(LinkStep::PasscodeEnter { prefix, last4 }) => view! {
                        <OtpEnter prefix sent_to=format!("phone number ending in {last4}") error=Signal::derive(move || error.get())
                            pending=Signal::derive(move || pending.get()) on_verify=verify on_resend=resend />
                    }.into_any(),
                    Some(LinkStep::NewPassword) => view! {
                        <h1>{move || format!("Create New {} Password", program())}</h1>
                        <form on:submit=submit novalidate>
                            <ErrorSummary error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Validation(_)))) />
                            <Field label="New Password" value=password input_type="password" autocomplete="new-password" error=field_error("password") />
                            <PasswordChecklist password=Signal::derive(move || password.get()) />
                            <Field label="Re-Enter Password" value=again input_type="password" autocomplete="new-password" error=field_error("again") />
                            <button type="submit" class="button primary" disabled=move || pending.get()>"Submit"</button>
                        </form>
                    }.into_any(),
                    Some(LinkStep::Done { next }) => view! {
                        <h1>"Password Updated"</h1>
                        <p role="status">"Your password has been successfully updated"</p>
                        <p><a href=next>"Continue"</a></p>
                    }.into_any(),
                }}
            </Suspense>
        </div>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let action = ServerAction::<RequestPasswordReset>::new();
    let local_error = RwSignal::new(None::<String>);
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <div class="narrow">
            <h1>"Reset Password"</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p>"Enter the email address you sign in with. We will email you a link to set a new password."</p>
                    <form on:submit=move |ev| {
                        ev.prevent_default();
                        match Email::parse(&email.get_untracked()) {
                            Ok(valid) => {
                                local_error.set(None);
                                action.dispatch(RequestPasswordReset { email: valid.to_string() });
                            }
                            Err(e) => local_error.set(Some(e.to_string())),
                        }
                    } novalidate>
                        <ErrorSummary error=Signal::derive(move || action.value().get().and_then(Result::err)) />
                        <Field label="Email Address" value=email input_type="email" autocomplete="username" error=Signal::derive(move || local_error.get()) />
                        <button type="submit" class="button primary">"Reset Password"</button>
                    </form>
                }
            >
                <p role="status">
                    "If an account uses that address, we emailed it a link to set a new password. The link works for 30 minutes."
                </p>
                <p><a href="/login">"Back to Log In"</a></p>
            </Show>
        </div>
    }
}

#[component]
pub fn PasskeyPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || {
        query.with(|q| {
            q.get("next")
                .filter(|n| n.starts_with('/'))
                .unwrap_or_else(|| "/".into())
        })
    };
    let passkey = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let action = ServerAction::<SavePasskey>::new();
    let local = RwSignal::new(None::<AppError>);
    let error = move || {
        local
            .get()
            .or_else(|| action.value().get().and_then(Result::err))
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to(&next());
        }
    });
    let field_error = field_errors(error);
    view! {
        <div class="narrow">
            <h1>"Enter User Passkey"</h1>
            <p>"For extra security, set a four-digit user passkey. You will need it when you call the help desk, for example to reset your password."</p>
            <form on:submit=move |ev| {
                ev.prevent_default();
                match check_passkey(&passkey.get_untracked(), &again.get_untracked()) {
                    Err(e) => local.set(Some(e)),
                    Ok(()) => {
                        local.set(None);
                        action.dispatch(SavePasskey { passkey: passkey.get_untracked(), again: again.get_untracked() });
                    }
                }
            } novalidate>
                <ErrorSummary error=Signal::derive(move || error().filter(|e| !matches!(e, AppError::Validation(_)))) />
                <Field label="Enter 4 digit User Passkey" value=passkey input_type="password" autocomplete="off" error=field_error("passkey") required=true />
                <Field label="Retype 4 digit User Passkey" value=again input_type="password" autocomplete="off" error=field_error("again") required=true />
                <p class="hint">"You can also set or change it later in My Profile and Preferences."</p>
                <div class="actions">
                    <button type="button" class="button" on:click=move |_| go_to(&next())>"Skip"</button>
                    <button type="submit" class="button primary">"Next"</button>
                </div>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passkeys_are_four_digits_typed_twice() {
        assert!(super::check_passkey("1234", "1234").is_ok());
        assert_eq!(
            super::check_passkey("123", "123")
                .unwrap_err()
                .field_messages("passkey"),
            vec!["Enter 4 digits."]
        );
        assert!(super::check_passkey("12a4", "12a4").is_err());
        assert_eq!(
            super::check_passkey("1234", "4321")
                .unwrap_err()
                .field_messages("again")
                .len(),
            1
        );
    }
}

/// After sign-in with a password older than the plan allows: a new one before anything else.
#[component]
pub fn ExpiredPasswordPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let program = move || {
        session
            .get()
            .and_then(Result::ok)
            .map(|s| s.program_name)
            .unwrap_or_default()
    };
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let action = ServerAction::<ChangePassword>::new();
    let error = move || action.value().get().and_then(Result::err);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to("/");
        }
    });
    let field_error = field_errors(error);
    view! {
        <div class="narrow">
            <Suspense>
                <h1>{move || format!("Create New {} Password", program())}</h1>
            </Suspense>
            <p>"Your password has expired. Please create a new one to continue."</p>
            <form on:submit=move |ev| {
                ev.prevent_default();
                action.dispatch(ChangePassword {
                    current: current.get_untracked(),
                    password: password.get_untracked(),
                    again: again.get_untracked(),
                });
            } novalidate>
                <ErrorSummary error=Signal::derive(move || error().filter(|e| !matches!(e, AppError::Validation(_)))) />
                <Field label="Current Password" value=current input_type="password" autocomplete="current-password" error=field_error("current") />
                <Field label="New Password" value=password input_type="password" autocomplete="new-password" error=field_error("password") />
                <PasswordChecklist password=Signal::derive(move || password.get()) />
                <Field label="Re-Enter Password" value=again input_type="password" autocomplete="new-password" error=field_error("again") />
                <button type="submit" class="button primary">"Submit"</button>
            </form>
        </div>
    }
}
