//! Setting a password from an emailed link (after registration, an invitation or "Forgot
//! Password?"), the "Reset Password" request, and the user passkey.

#[cfg(feature = "ssr")]
use super::password_policy;
use super::password_policy::checklist;
#[cfg(feature = "ssr")]
use crate::domain::Email;
use crate::domain::{ContactMethod, Secret};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User, Visitor};
use crate::ui::{
    action_error, field_errors, go_to, page_resource, ErrorSummary, Field, FlowSteps, OtpChoose,
    OtpEnter,
};
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

/// "Resend one-time passcode": the waiting one is withdrawn, and the link asks how to send.
#[server(endpoint = "password/link/again")]
pub async fn password_link_again(t: String) -> Result<LinkStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::link_again(visitor, t).await
}

#[server(endpoint = "password/link/verify")]
pub async fn password_link_verify(t: String, code: String) -> Result<LinkStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::link_verify(visitor, t, code).await
}

#[server(endpoint = "password/set")]
pub async fn set_new_password(
    t: String,
    password: Secret,
    again: Secret,
) -> Result<LinkStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::set_password(visitor, t, password.into_exposed(), again.into_exposed()).await
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
    current: Secret,
    password: Secret,
    again: Secret,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    let user = require(Access::EXPIRED_PASSWORD.fresh()).await?;
    let [current, password, again] = [current, password, again].map(Secret::into_exposed);
    ssr::change_password(user, current, password, again).await?;
    // Posted before the browser app loaded: on to work, or back to the page named.
    crate::ssr::follow(&local_path(next));
    Ok(())
}

/// "Enter User Passkey" after a new password; `next` is where the user goes on.
#[server(endpoint = "passkey")]
pub async fn save_passkey(
    passkey: Secret,
    again: Secret,
    next: Option<String>,
) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::save_passkey(user, passkey.into_exposed(), again.into_exposed()).await?;
    crate::ssr::follow(&local_path(next));
    Ok(())
}

/// A path of this site to go on to ("/" unless one is given): never another site.
pub fn local_path(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".into())
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
    use crate::ssr::{audit, common_passwords, crypto, session, AppState};

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
        // Once the password is set, the link's owner (now signed in) sees that it is done.
        if let (Some(link), Some(caller)) =
            (password_links::find(&state, &t).await?, &visitor.caller)
        {
            if link.used && link.user_id == caller.user_id {
                return Ok(LinkStep::Done {
                    next: after_password(&state, link.user_id).await?,
                });
            }
        }
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
            Some(link.user_id),
            Channel::phone(channel),
            &phone,
        )
        .await?;
        Ok(LinkStep::PasscodeEnter {
            prefix: sent.prefix,
            last4: last4(&phone),
        })
    }

    pub async fn link_again(visitor: Visitor, t: String) -> Result<LinkStep, AppError> {
        let state = visitor.state.clone();
        if let Ok(link) = usable(&state, &t).await? {
            passcodes::withdraw(&state, Purpose::PasswordLink, &subject(&link)).await?;
        }
        link_step(visitor, t).await
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
        let who = visitor
            .audit("passcode.failure", format!("user:{}", link.user_id))
            .user(link.user_id)
            .detail("set-password link");
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
        let mut tx = state.db.begin().await?;
        users::set_password(&mut tx, now, user_id, &hash).await?;
        audit::event(state, "password.change", format!("user:{user_id}"))
            .user(user_id)
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
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
            // Whoever else was signed in as this user is signed out; the emailed link and the
            // passcode proved the owner, so the sign-in locks are lifted.
            session::delete_for_user(&state.db, link.user_id).await?;
            users::clear_lockout(&mut *state.db.conn().await?, link.user_id).await?;
        }
        begin_session(&state, link.user_id).await?;
        Ok(LinkStep::Done {
            next: after_password(&state, link.user_id).await?,
        })
    }

    /// Where a user who just set a password goes on: their landing page, after setting a
    /// passkey if they have none.
    async fn after_password(state: &AppState, user_id: i64) -> Result<String, AppError> {
        let next = crate::auth::sign_in::landing(state, user_id).await?;
        let has_passkey = users::sealed_passkey(&mut *state.db.conn().await?, user_id)
            .await?
            .flatten()
            .is_some();
        Ok(if has_passkey {
            next
        } else {
            format!("/passkey?next={next}")
        })
    }

    pub async fn request_reset(visitor: Visitor, email: String) -> Result<(), AppError> {
        let state = visitor.state.clone();
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        // Even the account lookup happens after the answer, so the answer is the same, and
        // takes the same work, for an address without an account: neither words nor time tell.
        let work = state.clone();
        state.background.spawn("password reset", async move {
            let state = work;
            let found = users::id_by_email(&mut *state.db.conn().await?, email.as_str()).await?;
            let Some(user_id) = found else {
                return Ok(());
            };
            // Over the limit, nothing is sent.
            let allowed = password_links::reset_allowed(&state, user_id).await?;
            if allowed {
                password_links::send(&state, user_id, email.as_str(), LinkPurpose::Reset).await?;
            }
            let action = if allowed {
                "password.reset_request"
            } else {
                "password.reset_request_limited"
            };
            visitor
                .audit(action, format!("user:{user_id}"))
                .user(user_id)
                .record(&state.db)
                .await?;
            Ok::<(), AppError>(())
        });
        crate::ssr::follow("/password/forgot?sent");
        Ok(())
    }

    pub async fn save_passkey(
        User(caller): User,
        passkey: String,
        again: String,
    ) -> Result<(), AppError> {
        check_passkey(&passkey, &again)?;
        let sealed = caller.state.settings.keys.seal(
            crypto::Sealed::Passkey {
                user_id: caller.user_id,
            },
            passkey.as_bytes(),
        );
        let mut tx = caller.state.db.begin().await?;
        if !users::set_first_passkey(&mut tx, caller.user_id, &sealed).await? {
            return Err(AppError::Conflict(
                "Your passkey is already set. Change it with “Reset Passkey” in My Profile.".into(),
            ));
        }
        caller
            .audit("passkey.set", format!("user:{}", caller.user_id))
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The rules, ticked off as the user types into the password field with the id `field`.
#[component]
pub fn PasswordChecklist(field: &'static str) -> impl IntoView {
    // An island in an element of its own (see `ui::Tabs`); it reads the field through the page.
    view! { <div class="island"><PasswordChecklistIsland field=field.to_string() /></div> }
}

#[island]
fn PasswordChecklistIsland(field: String) -> impl IntoView {
    let password = RwSignal::new(String::new());
    crate::ui::follow_input(move || {
        password.set(crate::ui::input_value(&field).unwrap_or_default())
    });
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
    let program = Signal::stored(crate::ui::program_name());
    let query = use_query_map();
    let token = move || query.with(|q| q.get("t").unwrap_or_default());
    let send = ServerAction::<PasswordLinkSend>::new();
    let again = ServerAction::<PasswordLinkAgain>::new();
    let verify = ServerAction::<PasswordLinkVerify>::new();
    let set = ServerAction::<SetNewPassword>::new();
    let flow = FlowSteps::new()
        .after(send)
        .after(again)
        .after(verify)
        .after(set);
    let step = page_resource(
        move || (token(), flow.version()),
        |(t, _)| password_link_step(t),
    );
    Effect::new(move |_| {
        if let Some(Ok(LinkStep::Done { next })) = step.get() {
            set_timeout(move || go_to(&next), std::time::Duration::from_millis(1500));
        }
    });
    let error = action_error(set);
    let field_error = field_errors(move || error.get());
    let new_password = move || {
        let password = RwSignal::new(String::new());
        let again = RwSignal::new(String::new());
        view! {
            <h1>{move || format!("Create New {} Password", program.get())}</h1>
            <ActionForm action=set attr:novalidate=true>
                <input type="hidden" name="t" value=token() />
                <ErrorSummary error=Signal::derive(move || error.get()) beside_fields=true />
                <Field label="New Password" value=password name="password" input_type="password" autocomplete="new-password" error=field_error("password") />
                <PasswordChecklist field="field-new-password" />
                <Field label="Re-Enter Password" value=again name="again" input_type="password" autocomplete="new-password" error=field_error("again") />
                <button type="submit" class="button primary" disabled=move || set.pending().get()>"Submit"</button>
            </ActionForm>
        }
    };
    view! {
        <div class="narrow">
            <Transition fallback=|| view! { <p class="loading">"Checking your link…"</p> }>
                {Suspend::new(async move {
                    match step.await {
                        Err(e) => invalid(e.to_string()).into_any(),
                        Ok(LinkStep::Invalid { message }) => invalid(message).into_any(),
                        Ok(LinkStep::PasscodeChoose { last4 }) => view! {
                            <OtpChoose send last4 hidden=("t", token()) />
                        }.into_any(),
                        Ok(LinkStep::PasscodeEnter { prefix, last4 }) => view! {
                            <OtpEnter verify resend=again prefix sent_to=format!("phone number ending in {last4}") hidden=("t", token()) />
                        }.into_any(),
                        Ok(LinkStep::NewPassword) => new_password().into_any(),
                        Ok(LinkStep::Done { next }) => view! {
                            <h1>"Password Updated"</h1>
                            <p role="status">"Your password has been successfully updated"</p>
                            <p><a href=next>"Continue"</a></p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

fn invalid(message: String) -> impl IntoView {
    view! {
        <h1>"This link cannot be used"</h1>
        <p role="alert">{message}</p>
        <p><a href="/password/forgot">"Forgot Password?"</a></p>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let action = ServerAction::<RequestPasswordReset>::new();
    let query = use_query_map();
    // Posted before the browser app loaded, the form comes back here with `?sent`.
    let sent = move || {
        matches!(action.value().get(), Some(Ok(()))) || query.with(|q| q.get("sent").is_some())
    };
    let error = action_error(action);
    view! {
        <div class="narrow">
            <h1>"Reset Password"</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p>"Enter the email address you sign in with. We will email you a link to set a new password."</p>
                    <ActionForm action attr:novalidate=true>
                        <ErrorSummary error />
                        <Field label="Email Address" value=email name="email" input_type="email" autocomplete="username"
                            error=field_errors(move || error.get())("email") />
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>"Reset Password"</button>
                    </ActionForm>
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
    let next = move || local_path(query.with(|q| q.get("next")));
    let passkey = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let action = ServerAction::<SavePasskey>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to(&next());
        }
    });
    let error = action_error(action);
    let field_error = field_errors(move || error.get());
    view! {
        <div class="narrow">
            <h1>"Enter User Passkey"</h1>
            <p>"For extra security, set a four-digit user passkey. You will need it when you call the help desk, for example to reset your password."</p>
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="next" value=next() />
                <ErrorSummary error beside_fields=true />
                <Field label="Enter 4 digit User Passkey" value=passkey name="passkey" input_type="password" autocomplete="off" error=field_error("passkey") required=true />
                <Field label="Retype 4 digit User Passkey" value=again name="again" input_type="password" autocomplete="off" error=field_error("again") required=true />
                <p class="hint">"You can also set or change it later in My Profile and Preferences."</p>
                <div class="actions">
                    <button type="submit" class="button" form="skip-passkey">"Skip"</button>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>"Next"</button>
                </div>
            </ActionForm>
            // "Skip" goes on without a passkey, with or without the browser app.
            <form id="skip-passkey" method="get" action=next()></form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn going_on_stays_on_this_site() {
        assert_eq!(
            super::local_path(Some("/select-organization".into())),
            "/select-organization"
        );
        for elsewhere in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "",
        ] {
            assert_eq!(
                super::local_path(Some(elsewhere.into())),
                "/",
                "{elsewhere}"
            );
        }
        assert_eq!(super::local_path(None), "/");
    }

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
    let program = Signal::stored(crate::ui::program_name());
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
                <h1>{move || format!("Create New {} Password", program.get())}</h1>
            </Suspense>
            <p>"Your password has expired. Please create a new one to continue."</p>
            <ActionForm action attr:novalidate=true>
                <ErrorSummary error=Signal::derive(error) beside_fields=true />
                <Field label="Current Password" value=current name="current" input_type="password" autocomplete="current-password" error=field_error("current") />
                <Field label="New Password" value=password name="password" input_type="password" autocomplete="new-password" error=field_error("password") />
                <PasswordChecklist field="field-new-password" />
                <Field label="Re-Enter Password" value=again name="again" input_type="password" autocomplete="new-password" error=field_error("again") />
                <button type="submit" class="button primary" disabled=move || action.pending().get()>"Submit"</button>
            </ActionForm>
        </div>
    }
}
