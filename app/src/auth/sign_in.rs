//! "Log In", "Select an organization" and "Sign Out".

use super::session_info::{page_session, SwitchOrganization};
use crate::domain::permissions::OrgKind;
#[cfg(feature = "ssr")]
use crate::domain::Email;
use crate::domain::{ContactMethod, Secret};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Visitor};
use crate::ui::{
    action_error, field_errors, go_to, page_resource, ErrorSummary, Field, FlowSteps, OtpChoose,
    OtpEnter, TabPanel, Tabs,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The one message for every failed sign-in, so nobody can learn which accounts exist.
pub const SIGN_IN_FAILED: &str = "The email address or password is incorrect.";

/// Where a visitor's sign-in stands; the server keeps it (`ssr::drafts`), the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SignInStep {
    Email,
    Password {
        email: String,
    },
    /// The password was right: how should the passcode come?
    Choose {
        /// The last four digits of the phone on file.
        last4: String,
        methods: Vec<ContactMethod>,
    },
    Enter {
        /// Empty for the authenticator app, whose code has none.
        prefix: String,
        sent_to: String,
    },
}

#[server(endpoint = "log-in/step")]
pub async fn current_sign_in_step() -> Result<SignInStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::step(visitor).await
}

/// "Next" with the email address (no password yet), then "Log In" with both. Nothing is
/// signed in yet: a passcode must follow.
#[server(endpoint = "log-in")]
pub async fn log_in(email: String, password: Option<Secret>) -> Result<SignInStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::log_in(visitor, email, password.map(Secret::into_exposed)).await
}

/// Sends the sign-in passcode by SMS, voice or email, or expects the authenticator's code.
#[server(endpoint = "log-in/send-passcode")]
pub async fn send_sign_in_passcode(channel: ContactMethod) -> Result<SignInStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::send_passcode(visitor, channel).await
}

/// "Resend one-time passcode": back to choosing how it comes.
#[server(endpoint = "log-in/choose-passcode")]
pub async fn choose_sign_in_passcode() -> Result<SignInStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::choose_again(visitor).await
}

/// Checks the passcode (or the authenticator app's code) and signs in; answers where to go.
#[server(endpoint = "log-in/verify-passcode")]
pub async fn verify_sign_in_passcode(code: String) -> Result<String, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::verify_passcode(visitor, code).await
}

#[server(endpoint = "log-out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::ssr::session;
    let visitor = require(Access::ANYONE).await?;
    {
        let settings = visitor.state.settings.clone();
        if let Some(caller) = visitor.caller {
            session::delete_by_hash(&caller.state.db, &caller.session_hash).await?;
            caller
                .audit("sign_out", format!("user:{}", caller.user_id))
                .record(&caller.state.db)
                .await?;
        }
        session::send_cookie(&settings, session::SESSION_COOKIE, None);
        crate::ssr::follow("/login");
        Ok(())
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::auth::repo;
    use crate::domain::Phone;
    use crate::ssr::clock::MINUTE;
    use crate::ssr::outbox::Channel;
    use crate::ssr::passcodes::{self, Purpose};
    use crate::ssr::{crypto, AppState};

    use crate::ssr::drafts::{CookieFlow, Draft};

    /// A sign-in from the email address to the passcode; its cookie also names the challenge
    /// a correct password opens. The whole of it may take 10 minutes.
    const SIGN_IN: CookieFlow = CookieFlow {
        kind: "sign_in",
        cookie: "portal_sign_in",
        minutes: 10,
    };

    /// What the sign-in's draft holds. Steps: "password", "choose", "enter".
    #[derive(Debug, Default, Serialize, Deserialize)]
    pub struct SignInDraft {
        email: String,
        #[serde(default)]
        last4: String,
        #[serde(default)]
        authenticator: bool,
        #[serde(default)]
        method: Option<ContactMethod>,
        #[serde(default)]
        prefix: String,
    }

    /// Consecutive failures before the account is locked for [`LOCK_MINUTES`].
    pub const MAX_CONSECUTIVE_FAILURES: i64 = 10;
    pub const LOCK_MINUTES: i64 = 15;
    /// Failures in all before only an administrator can unlock the account.
    pub const MAX_LIFETIME_FAILURES: i64 = 100;

    fn step_of(draft: Option<Draft<SignInDraft>>) -> SignInStep {
        let Some(Draft { step, data, .. }) = draft else {
            return SignInStep::Email;
        };
        match step.as_str() {
            "choose" => SignInStep::Choose {
                methods: sign_in_methods(data.authenticator),
                last4: data.last4,
            },
            "enter" => SignInStep::Enter {
                sent_to: match data.method {
                    Some(ContactMethod::Authenticator) => "your authenticator app".into(),
                    Some(ContactMethod::Email) => "your email address".into(),
                    _ => format!("phone number ending in {}", data.last4),
                },
                prefix: data.prefix,
            },
            _ => SignInStep::Password { email: data.email },
        }
    }

    /// The ways a sign-in passcode can come: SMS, voice, email, and the authenticator app if enrolled.
    fn sign_in_methods(authenticator: bool) -> Vec<ContactMethod> {
        let mut methods = vec![
            ContactMethod::Sms,
            ContactMethod::Voice,
            ContactMethod::Email,
        ];
        if authenticator {
            methods.push(ContactMethod::Authenticator);
        }
        methods
    }

    /// Second-factor tries of one sign-in, whatever the method: then it starts again.
    pub const SECOND_FACTOR_TRIES: i64 = 5;
    pub const START_AGAIN: &str = "Too many wrong passcodes were entered. Please log in again.";

    /// Ends a sign-in whose second-factor tries are spent (or whose account locked meanwhile).
    async fn start_again<T>(state: &AppState, draft: &Draft<SignInDraft>) -> Result<T, AppError> {
        repo::close_challenge(&mut *state.db.conn().await?, &draft.owner).await?;
        SIGN_IN.finish(state, draft).await?;
        Err(AppError::Conflict(START_AGAIN.into()))
    }

    pub async fn step(visitor: Visitor) -> Result<SignInStep, AppError> {
        Ok(step_of(SIGN_IN.load(&visitor.state).await?))
    }

    pub async fn log_in(
        visitor: Visitor,
        email: String,
        password: Option<String>,
    ) -> Result<SignInStep, AppError> {
        let state = visitor.state.clone();
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        let Some(password) = password else {
            // "Next": remember the address and ask for the password.
            let data = SignInDraft {
                email: email.to_string(),
                ..Default::default()
            };
            let draft = match SIGN_IN.load::<SignInDraft>(&state).await? {
                Some(draft) if draft.step == "password" => {
                    let draft = Draft { data, ..draft };
                    SIGN_IN.save(&state, &draft).await?;
                    draft
                }
                _ => SIGN_IN.start(&state, "password", data).await?,
            };
            return Ok(step_of(Some(draft)));
        };
        if password.is_empty() {
            return Err(AppError::field("password", "Enter your password."));
        }
        let now = state.clock.unix();
        let user = repo::login(&mut *state.db.conn().await?, email.as_str()).await?;
        let (user_id, hash, lifetime, locked_until, phone, authenticator) = match user {
            Some(u) => (
                Some(u.id),
                u.password_hash,
                u.lifetime_failed_logins,
                u.locked_until,
                u.phone,
                u.totp_secret_ciphertext.is_some(),
            ),
            None => (None, None, 0, None, None, false),
        };
        // The password is checked even for a locked or unknown account, so every failure
        // takes the same time.
        let password_ok = crypto::verify_password(password, hash).await?;
        let locked =
            locked_until.is_some_and(|until| until > now) || lifetime >= MAX_LIFETIME_FAILURES;
        let event = |action: &'static str| {
            visitor
                .audit(action, format!("email:{}", email.as_str()))
                .user(user_id)
        };
        let Some(user_id) = user_id.filter(|_| password_ok && !locked) else {
            let mut tx = state.db.begin().await?;
            if let Some(id) = user_id.filter(|_| !locked) {
                count_failure(&mut tx, id, now, event("sign_in.lockout")).await?;
            }
            let reason = if locked { "locked" } else { "bad credentials" };
            event("sign_in.failure")
                .detail(reason)
                .record_in(&mut tx)
                .await?;
            tx.commit().await?;
            return Err(AppError::field("form", SIGN_IN_FAILED));
        };
        let last4 = phone
            .as_deref()
            .and_then(|p| Phone::parse(p).ok())
            .map(|p| p.last4().to_string());
        // A new cookie once the password is right: the challenge it names is the user's.
        let draft = SIGN_IN
            .start(
                &state,
                "choose",
                SignInDraft {
                    email: email.to_string(),
                    last4: last4.unwrap_or_default(),
                    authenticator,
                    ..Default::default()
                },
            )
            .await?;
        // The run of failures goes on until the second factor is right too: a known password
        // does not buy fresh guesses at the passcode.
        let mut tx = state.db.begin().await?;
        let expires = now + SIGN_IN.minutes * MINUTE;
        repo::open_challenge(&mut tx, &draft.owner, user_id, now, expires).await?;
        event("sign_in.password").record_in(&mut tx).await?;
        tx.commit().await?;
        Ok(step_of(Some(draft)))
    }

    /// Counts a failed password or second factor against the account, deciding from the count
    /// this failure made (not one read before the check), so parallel failures cannot slip
    /// past the tenth; the tenth in a row locks the account, recorded as `lockout`.
    async fn count_failure(
        tx: &mut sqlx::AnyConnection,
        user_id: i64,
        now: i64,
        lockout: crate::ssr::audit::Event,
    ) -> Result<(), AppError> {
        let run = repo::count_failure(tx, user_id, now).await?;
        if run.is_some_and(|n| n % MAX_CONSECUTIVE_FAILURES == 0) {
            repo::lock(tx, user_id, now + LOCK_MINUTES * MINUTE).await?;
            lockout
                .detail(format!("{LOCK_MINUTES} minutes"))
                .record_in(tx)
                .await?;
        }
        Ok(())
    }

    /// The sign-in past its password, with the user it is for, or "timed out".
    async fn challenged(
        state: &AppState,
        steps: &[&str],
    ) -> Result<(Draft<SignInDraft>, repo::Challenged), AppError> {
        let expired =
            || AppError::Conflict("Your sign-in has timed out. Please log in again.".into());
        let draft = SIGN_IN
            .load::<SignInDraft>(state)
            .await?
            .filter(|d| steps.contains(&d.step.as_str()))
            .ok_or_else(expired)?;
        let challenge = repo::challenge(
            &mut *state.db.conn().await?,
            &draft.owner,
            state.clock.unix(),
        )
        .await?
        .ok_or_else(expired)?;
        Ok((draft, challenge))
    }

    pub async fn send_passcode(
        visitor: Visitor,
        channel: ContactMethod,
    ) -> Result<SignInStep, AppError> {
        let state = visitor.state.clone();
        let (mut draft, challenge) = challenged(&state, &["choose", "enter"]).await?;
        draft.data.prefix = match Channel::of(channel) {
            // Nothing to send: the app shows the code.
            None if draft.data.authenticator => String::new(),
            None => return Err(AppError::field("channel", "Choose SMS, Voice or Email.")),
            Some(sent_by) => {
                let destination = match channel {
                    ContactMethod::Email => challenge.email.clone(),
                    _ => challenge.phone.clone().unwrap_or_default(),
                };
                passcodes::send(
                    &state,
                    Purpose::SignIn,
                    &format!("sign_in:{}", draft.owner),
                    Some(challenge.id),
                    sent_by,
                    &destination,
                )
                .await?
                .prefix
            }
        };
        draft.data.method = Some(channel);
        draft.step = "enter".into();
        SIGN_IN.save(&state, &draft).await?;
        Ok(step_of(Some(draft)))
    }

    pub async fn choose_again(visitor: Visitor) -> Result<SignInStep, AppError> {
        let state = visitor.state.clone();
        let (mut draft, _) = challenged(&state, &["choose", "enter"]).await?;
        draft.step = "choose".into();
        SIGN_IN.save(&state, &draft).await?;
        Ok(step_of(Some(draft)))
    }

    pub async fn verify_passcode(visitor: Visitor, code: String) -> Result<String, AppError> {
        let state = visitor.state.clone();
        let (draft, challenge) = challenged(&state, &["enter"]).await?;
        let (user_id, email) = (challenge.id, challenge.email.clone());
        let now = state.clock.unix();
        // A mistyped shape costs no try.
        let code = passcodes::six_digits(&code)?;
        let locked = challenge.locked_until.is_some_and(|until| until > now)
            || challenge.lifetime_failed_logins >= MAX_LIFETIME_FAILURES;
        let tries = if locked {
            None
        } else {
            let mut conn = state.db.conn().await?;
            repo::reserve_challenge_try(&mut conn, &draft.owner, now, SECOND_FACTOR_TRIES).await?
        };
        let Some(tries) = tries else {
            return start_again(&state, &draft).await;
        };
        let checked = if draft.data.method == Some(ContactMethod::Authenticator) {
            crate::auth::authenticator::ssr::verify_for_user(&state, user_id, &email, &code).await
        } else {
            passcodes::verify(
                &state.db,
                now,
                state.settings.keys.passcodes(),
                Purpose::SignIn,
                &format!("sign_in:{}", draft.owner),
                &code,
            )
            .await
        };
        if let Err(error) = checked {
            let event = |action: &'static str| {
                visitor
                    .audit(action, format!("email:{email}"))
                    .user(Some(user_id))
            };
            let mut tx = state.db.begin().await?;
            count_failure(&mut tx, user_id, now, event("sign_in.lockout")).await?;
            event("passcode.failure")
                .detail("sign-in")
                .record_in(&mut tx)
                .await?;
            tx.commit().await?;
            if tries >= SECOND_FACTOR_TRIES {
                return start_again(&state, &draft).await;
            }
            return Err(error);
        }
        let mut tx = state.db.begin().await?;
        repo::clear_failures(&mut tx, user_id).await?;
        tx.commit().await?;
        repo::close_challenge(&mut *state.db.conn().await?, &draft.owner).await?;
        SIGN_IN.finish(&state, &draft).await?;
        let next = begin_session(&state, user_id).await?;
        visitor
            .audit("sign_in.success", format!("email:{email}"))
            .user(user_id)
            .record(&state.db)
            .await?;
        crate::ssr::follow(&next);
        Ok(next)
    }
}

/// Starts a session for a user who has proven who they are, working in their only (or
/// default) organization; answers where to go: the dashboard, or "Select an organization".
#[cfg(feature = "ssr")]
pub async fn begin_session(state: &crate::ssr::AppState, user_id: i64) -> Result<String, AppError> {
    use crate::auth::repo;
    use crate::ssr::{request_ip, session};
    let memberships = repo::active_organization_ids(&mut *state.db.conn().await?, user_id).await?;
    let organization_id = match memberships.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let now = state.clock.unix();
    // No connection is held across this: a request holds one at a time, so a burst cannot
    // take the whole pool and wait on itself.
    let id = session::create(
        &state.db,
        now,
        now,
        user_id,
        organization_id,
        request_ip(),
        None,
    )
    .await?;
    let mut conn = state.db.conn().await?;
    repo::record_sign_in(&mut conn, user_id, now).await?;
    // The passcode just entered counts as a step-up.
    repo::mark_step_up(&mut conn, &crate::ssr::crypto::secret_hash(&id), now).await?;
    drop(conn);
    session::send_cookie(&state.settings, session::SESSION_COOKIE, Some(&id));
    landing(state, user_id).await
}

/// The page a signed-in user starts on: a new password if theirs has expired, the choice of
/// organization if they work for several, the operator console, or My Dashboard.
#[cfg(feature = "ssr")]
pub async fn landing(state: &crate::ssr::AppState, user_id: i64) -> Result<String, AppError> {
    use crate::auth::repo;
    let mut conn = state.db.conn().await?;
    let memberships = repo::active_organization_ids(&mut conn, user_id).await?;
    let (is_operator, changed_at) = repo::password_state(&mut conn, user_id).await?;
    let expired = crate::domain::rules::password_expired(
        changed_at,
        state.clock.unix(),
        state.settings.password_max_age_days,
    );
    Ok(if expired {
        "/password/expired"
    } else if memberships.len() > 1 {
        "/select-organization"
    } else if memberships.is_empty() && is_operator == 1 {
        "/operator"
    } else {
        "/"
    }
    .to_string())
}

#[component]
pub fn LogInPage() -> impl IntoView {
    let program = Signal::stored(crate::ui::program_name());
    let log_in = ServerAction::<LogIn>::new();
    let send = ServerAction::<SendSignInPasscode>::new();
    let again = ServerAction::<ChooseSignInPasscode>::new();
    let verify = ServerAction::<VerifySignInPasscode>::new();
    let flow = FlowSteps::new().after(log_in).after(send).after(again);
    // Spent second-factor tries end the sign-in: back to the start, saying why.
    let ended = Signal::derive(move || {
        verify
            .value()
            .with(|v| matches!(v, Some(Err(AppError::Conflict(_)))))
    });
    let step = page_resource(
        move || (flow.version(), ended.get()),
        |_| current_sign_in_step(),
    );
    Effect::new(move |_| {
        if let Some(Ok(next)) = verify.value().get() {
            go_to(&next);
        }
    });
    let query = leptos_router::hooks::use_query_map();
    let signed_out_idle = move || query.with(|q| q.get("reason").as_deref() == Some("idle"));
    let (log_in_error, verify_error) = (action_error(log_in), action_error(verify));
    let error = Signal::derive(move || {
        log_in_error
            .get()
            .or_else(|| verify_error.get().filter(|_| ended.get()))
    });
    let field_error = field_errors(move || error.get());
    let credentials = move |email: String, asking_password: bool| {
        let email = RwSignal::new(email);
        let password = RwSignal::new(String::new());
        view! {
            <h1>"Log In"</h1>
            <Show when=signed_out_idle>
                <p class="notice" role="status">"You were signed out because there was no activity for a while. Please log in again."</p>
            </Show>
            <ActionForm action=log_in attr:novalidate=true>
                <ErrorSummary error />
                <Field label="Email Address" value=email name="email" input_type="email" autocomplete="username"
                    error=field_error("email") autofocus=!asking_password />
                {asking_password.then(|| view! {
                    <Field label="Password" value=password name="password" input_type="password" autocomplete="current-password"
                        error=field_error("password") autofocus=true />
                })}
                <button type="submit" class="button primary" disabled=move || log_in.pending().get()>
                    {if asking_password { "Log In" } else { "Next" }}
                </button>
            </ActionForm>
            <p><a href="/password/forgot">"Forgot Password?"</a></p>
            <Suspense>
                <p><a href="/join">{move || format!("Join {} Provider Portal", program.get())}</a></p>
            </Suspense>
            <p><a href="/register">"Register as a New User"</a></p>
        }
    };
    view! {
        <div class="narrow">
            <Transition>
                {Suspend::new(async move {
                    match step.await {
                        Ok(SignInStep::Email) | Err(_) => credentials(String::new(), false).into_any(),
                        Ok(SignInStep::Password { email }) => credentials(email, true).into_any(),
                        Ok(SignInStep::Choose { last4, methods }) => view! {
                            <OtpChoose send last4 methods />
                        }.into_any(),
                        Ok(SignInStep::Enter { prefix, sent_to }) => view! {
                            <OtpEnter verify resend=again prefix sent_to />
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
pub fn SelectOrganizationPage() -> impl IntoView {
    let action = ServerAction::<SwitchOrganization>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to("/");
        }
    });
    let organizations = page_session()
        .user()
        .map(|u| u.organizations.clone())
        .unwrap_or_default();
    // One list, or two tabs when the user works for providers and for submitters.
    let choices = |submitters: Option<bool>| {
        let list = organizations
            .iter()
            .filter(|o| submitters.is_none_or(|s| (o.kind == OrgKind::Submitter) == s))
            .cloned()
            .map(|org| {
                view! {
                    <li>
                        <ActionForm action>
                            <input type="hidden" name="organization_id" value=org.id />
                            <button type="submit" class="button">{org.name.clone()}</button>
                        </ActionForm>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="choices">{list}</ul> }
    };
    let shown = if organizations.is_empty() {
        view! { <NowhereToWork /> }.into_any()
    } else if organizations.iter().any(|o| o.kind == OrgKind::Submitter)
        && organizations.iter().any(|o| o.kind != OrgKind::Submitter)
    {
        let (providers, submitters) = (choices(Some(false)), choices(Some(true)));
        view! {
            <Tabs id="organization-kind" label="Organization type" labels=vec!["Provider".into(), "Submitter".into()] selected=0 />
            <TabPanel id="organization-kind" index=0>{providers}</TabPanel>
            <TabPanel id="organization-kind" index=1>{submitters}</TabPanel>
        }
        .into_any()
    } else {
        choices(None).into_any()
    };
    view! {
        <div class="narrow">
            <h1>"Select an organization"</h1>
            <ErrorSummary error=Signal::derive(move || action.value().get().and_then(Result::err)) />
            {shown}
        </div>
    }
}

/// A signed-in user with no active membership: why, and the two ways on.
#[component]
fn NowhereToWork() -> impl IntoView {
    let reasons = page_session()
        .user()
        .map(|u| u.lost_access.clone())
        .unwrap_or_default();
    view! {
        <div role="status">
            {if reasons.is_empty() {
                view! { <p>"You do not work for any organization in the portal yet."</p> }.into_any()
            } else {
                reasons.into_iter().map(|r| view! { <p>{r}</p> }).collect_view().into_any()
            }}
        </div>
        <ul class="choices">
            <li><a class="button" href="/organizations/new">"Add a New Organization"</a></li>
            <li><a class="button" href="/profile#my-collections">"My Collections"</a></li>
        </ul>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let action = ServerAction::<LogOut>::new();
    Effect::new(move |_| {
        if action.value().get().is_some() {
            go_to("/login");
        }
    });
    view! {
        <ActionForm action attr:class="inline">
            <button type="submit" class="button link">"Sign Out"</button>
        </ActionForm>
    }
}
