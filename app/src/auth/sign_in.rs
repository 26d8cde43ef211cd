//! "Log In", "Select an organization" and "Sign Out".

use super::session_info::{SessionResource, SwitchOrganization};
use crate::domain::permissions::OrgKind;
use crate::domain::{ContactMethod, Email};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Visitor};
use crate::ui::{go_to, ErrorSummary, Field, OtpChoose, OtpEnter, TabPanel, Tabs};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The one message for every failed sign-in, so nobody can learn which accounts exist.
pub const SIGN_IN_FAILED: &str = "The email address or password is incorrect.";

/// What follows a correct password: always a one-time passcode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasscodeNeeded {
    /// The last four digits of the phone the passcode can go to.
    pub last4: String,
    /// The user has an authenticator app enrolled, which may be used instead.
    pub authenticator: bool,
}

/// Checks the email and password. Nothing is signed in yet: a passcode must follow.
#[server(endpoint = "log-in")]
pub async fn log_in(email: String, password: String) -> Result<PasscodeNeeded, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::log_in(visitor, email, password).await
}

/// Sends the sign-in passcode by "sms", "voice" or "email"; answers the prefix shown.
#[server(endpoint = "log-in/send-passcode")]
pub async fn send_sign_in_passcode(channel: ContactMethod) -> Result<String, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::send_passcode(visitor, channel).await
}

/// Checks the passcode (or, with `method` "authenticator", the app's code) and signs in;
/// answers where to go next.
#[server(endpoint = "log-in/verify-passcode")]
pub async fn verify_sign_in_passcode(
    code: String,
    method: Option<ContactMethod>,
) -> Result<String, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::verify_passcode(visitor, code, method).await
}

#[server(endpoint = "log-out")]
pub async fn log_out() -> Result<(), AppError> {
    use crate::ssr::{audit, session};
    let visitor = require(Access::ANYONE).await?;
    {
        let settings = visitor.state.settings.clone();
        if let Some(caller) = visitor.caller {
            session::delete_by_hash(&caller.state.db, &caller.session_hash).await?;
            audit::record(
                &caller.state.db,
                caller.state.clock.unix(),
                audit::AuditEntry {
                    user_id: Some(caller.user_id),
                    organization_id: caller.org.as_ref().map(|o| o.organization_id),
                    action: "sign_out",
                    subject: format!("user:{}", caller.user_id),
                    detail: String::new(),
                    ip: caller.ip.clone(),
                },
            )
            .await?;
        }
        session::send_cookie(&settings, session::SESSION_COOKIE, None);
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
    use crate::ssr::{audit, crypto, session, AppState};

    /// The cookie that carries a sign-in between the password and the passcode.
    const CHALLENGE_COOKIE: &str = "portal_sign_in";
    /// How long that step may take.
    const CHALLENGE_MINUTES: i64 = 10;

    /// Consecutive failures before the account is locked for [`LOCK_MINUTES`].
    pub const MAX_CONSECUTIVE_FAILURES: i64 = 10;
    pub const LOCK_MINUTES: i64 = 15;
    /// Failures in all before only an administrator can unlock the account.
    pub const MAX_LIFETIME_FAILURES: i64 = 100;

    pub async fn log_in(
        visitor: Visitor,
        email: String,
        password: String,
    ) -> Result<PasscodeNeeded, AppError> {
        let state = visitor.state.clone();
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        let now = state.clock.unix();
        let ip = visitor.ip.clone();
        let user = repo::login(&mut *state.db.conn().await?, email.as_str()).await?;
        let (user_id, hash, failures, lifetime, locked_until, phone, authenticator) = match user {
            Some(u) => (
                Some(u.id),
                u.password_hash,
                u.failed_logins,
                u.lifetime_failed_logins,
                u.locked_until,
                u.phone,
                u.totp_secret_ciphertext.is_some(),
            ),
            None => (None, None, 0, 0, None, None, false),
        };
        // The password is checked even for a locked or unknown account, so every failure
        // takes the same time.
        let password_ok = crypto::verify_password(password, hash).await?;
        let locked =
            locked_until.is_some_and(|until| until > now) || lifetime >= MAX_LIFETIME_FAILURES;
        let audit_entry = |action: &'static str, detail: String| audit::AuditEntry {
            user_id,
            organization_id: None,
            action,
            subject: format!("email:{}", email.as_str()),
            detail,
            ip: ip.clone(),
        };
        let Some(user_id) = user_id.filter(|_| password_ok && !locked) else {
            if let Some(id) = user_id {
                let lock = (failures + 1) % MAX_CONSECUTIVE_FAILURES == 0;
                let lock_until = lock.then_some(now + LOCK_MINUTES * MINUTE);
                repo::count_failure(&mut *state.db.conn().await?, id, lock_until).await?;
                if lock {
                    audit::record(
                        &state.db,
                        now,
                        audit_entry("sign_in.lockout", format!("{LOCK_MINUTES} minutes")),
                    )
                    .await?;
                }
            }
            let reason = if locked { "locked" } else { "bad credentials" };
            audit::record(
                &state.db,
                now,
                audit_entry("sign_in.failure", reason.into()),
            )
            .await?;
            return Err(AppError::field("form", SIGN_IN_FAILED));
        };
        let challenge = crypto::random_hex(32);
        {
            let mut conn = state.db.conn().await?;
            repo::clear_failures(&mut conn, user_id).await?;
            let expires = now + CHALLENGE_MINUTES * MINUTE;
            repo::open_challenge(
                &mut conn,
                &crypto::secret_hash(&challenge),
                user_id,
                now,
                expires,
            )
            .await?;
        }
        session::send_cookie(&state.settings, CHALLENGE_COOKIE, Some(&challenge));
        audit::record(
            &state.db,
            now,
            audit_entry("sign_in.password", String::new()),
        )
        .await?;
        let last4 = phone
            .as_deref()
            .and_then(|p| Phone::parse(p).ok())
            .map(|p| p.last4().to_string());
        Ok(PasscodeNeeded {
            last4: last4.unwrap_or_default(),
            authenticator,
        })
    }

    /// The user whose password was just checked, from the challenge cookie.
    async fn challenged_user(
        state: &AppState,
    ) -> Result<(String, i64, String, Option<String>), AppError> {
        let expired =
            || AppError::Conflict("Your sign-in has timed out. Please log in again.".into());
        let id = session::request_cookie(&state.settings, CHALLENGE_COOKIE).ok_or_else(expired)?;
        let c = repo::challenge(
            &mut *state.db.conn().await?,
            &crypto::secret_hash(&id),
            state.clock.unix(),
        )
        .await?
        .ok_or_else(expired)?;
        Ok((c.id_hash, c.id, c.email, c.phone))
    }

    pub async fn send_passcode(
        visitor: Visitor,
        channel: ContactMethod,
    ) -> Result<String, AppError> {
        let state = visitor.state.clone();
        let (challenge, _, email, phone) = challenged_user(&state).await?;
        let destination = match channel {
            ContactMethod::Email => email,
            _ => phone.unwrap_or_default(),
        };
        let channel = Channel::of(channel)
            .ok_or_else(|| AppError::field("channel", "Choose SMS, Voice or Email."))?;
        let sent = passcodes::send(
            &state,
            Purpose::SignIn,
            &format!("sign_in:{challenge}"),
            channel,
            &destination,
        )
        .await?;
        Ok(sent.prefix)
    }

    pub async fn verify_passcode(
        visitor: Visitor,
        code: String,
        method: Option<ContactMethod>,
    ) -> Result<String, AppError> {
        let state = visitor.state.clone();
        let (challenge, user_id, email, _) = challenged_user(&state).await?;
        let now = state.clock.unix();
        let subject = format!("sign_in:{challenge}");
        let checked = if method == Some(ContactMethod::Authenticator) {
            crate::auth::authenticator::ssr::verify_for_user(&state, user_id, &email, &code).await
        } else {
            passcodes::verify(
                &state.db,
                now,
                &state.settings.secret_key,
                Purpose::SignIn,
                &subject,
                &code,
            )
            .await
        };
        if let Err(error) = checked {
            audit::record(
                &state.db,
                now,
                audit::AuditEntry {
                    user_id: Some(user_id),
                    action: "passcode.failure",
                    subject: format!("email:{email}"),
                    detail: "sign-in".into(),
                    ip: visitor.ip.clone(),
                    ..Default::default()
                },
            )
            .await?;
            return Err(error);
        }
        repo::close_challenge(&mut *state.db.conn().await?, &challenge).await?;
        session::send_cookie(&state.settings, CHALLENGE_COOKIE, None);
        let next = begin_session(&state, user_id).await?;
        audit::record(
            &state.db,
            now,
            audit::AuditEntry {
                user_id: Some(user_id),
                action: "sign_in.success",
                subject: format!("email:{email}"),
                detail: String::new(),
                ip: visitor.ip.clone(),
                ..Default::default()
            },
        )
        .await?;
        Ok(next)
    }
}

/// Starts a session for a user who has proven who they are, working in their only (or
/// default) organization; answers where to go: the dashboard, or "Select an organization".
#[cfg(feature = "ssr")]
pub async fn begin_session(state: &crate::ssr::AppState, user_id: i64) -> Result<String, AppError> {
    use crate::auth::repo;
    use crate::ssr::{request_ip, session};
    let mut conn = state.db.conn().await?;
    let memberships = repo::active_organization_ids(&mut conn, user_id).await?;
    let organization_id = match memberships.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let id = session::create(
        &state.db,
        state.clock.unix(),
        user_id,
        organization_id,
        request_ip(),
        None,
    )
    .await?;
    // A passcode was just entered for this session: that counts as a step-up.
    // The passcode just entered counts as a step-up.
    repo::mark_step_up(
        &mut conn,
        &crate::ssr::crypto::secret_hash(&id),
        state.clock.unix(),
    )
    .await?;
    session::send_cookie(&state.settings, session::SESSION_COOKIE, Some(&id));
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

/// Where the sign-in stands after the password.
#[derive(Debug, Clone, PartialEq)]
enum PasscodeStage {
    Choose { last4: String },
    Enter { prefix: String, last4: String },
}

#[component]
pub fn LogInPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let program = move || {
        session
            .get()
            .and_then(|s| s.ok())
            .map(|s| s.program_name)
            .unwrap_or_default()
    };
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<String>);
    let asking_password = RwSignal::new(false);
    let action = ServerAction::<LogIn>::new();
    let server_error = move || action.value().get().and_then(Result::err);
    let stage = RwSignal::new(None::<PasscodeStage>);
    let authenticator = RwSignal::new(false);
    let query = leptos_router::hooks::use_query_map();
    let signed_out_idle = move || query.with(|q| q.get("reason").as_deref() == Some("idle"));
    let passcode_error = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(needed)) = action.value().get() {
            authenticator.set(needed.authenticator);
            stage.set(Some(PasscodeStage::Choose {
                last4: needed.last4,
            }));
        }
    });
    let method = RwSignal::new(ContactMethod::Sms);
    let send = Callback::new(move |(channel, _): (ContactMethod, Option<String>)| {
        method.set(channel);
        if channel == ContactMethod::Authenticator {
            // Nothing to send: the app shows the code.
            passcode_error.set(None);
            stage.set(Some(PasscodeStage::Enter {
                prefix: String::new(),
                last4: "your authenticator app".into(),
            }));
            return;
        }
        pending.set(true);
        let last4 = match stage.get_untracked() {
            Some(PasscodeStage::Choose { last4 } | PasscodeStage::Enter { last4, .. }) => last4,
            None => String::new(),
        };
        let sent_to = if channel == ContactMethod::Email {
            "your email address".to_string()
        } else {
            format!("phone number ending in {last4}")
        };
        leptos::task::spawn_local(async move {
            pending.set(false);
            match send_sign_in_passcode(channel).await {
                Ok(prefix) => {
                    passcode_error.set(None);
                    stage.set(Some(PasscodeStage::Enter {
                        prefix,
                        last4: sent_to,
                    }));
                }
                Err(e) => passcode_error.set(Some(e)),
            }
        });
    });
    let verify = Callback::new(move |code: String| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            match verify_sign_in_passcode(code, Some(method.get_untracked())).await {
                Ok(next) => go_to(&next),
                Err(e) => {
                    pending.set(false);
                    passcode_error.set(Some(e));
                }
            }
        });
    });
    let resend = Callback::new(move |_| {
        passcode_error.set(None);
        if let Some(PasscodeStage::Enter { .. }) = stage.get_untracked() {
            let last4 = match action.value().get_untracked() {
                Some(Ok(needed)) => needed.last4,
                _ => String::new(),
            };
            stage.set(Some(PasscodeStage::Choose { last4 }));
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Email::parse(&email.get_untracked()) {
            Err(error) => email_error.set(Some(error.to_string())),
            Ok(_) if !asking_password.get_untracked() => {
                email_error.set(None);
                asking_password.set(true);
            }
            Ok(valid) => {
                email_error.set(None);
                action.dispatch(LogIn {
                    email: valid.to_string(),
                    password: password.get_untracked(),
                });
            }
        }
    };
    view! {
        <div class="narrow">
            {move || match stage.get() {
                Some(PasscodeStage::Choose { last4 }) => view! {
                    <OtpChoose last4 error=Signal::derive(move || passcode_error.get()) pending=Signal::derive(move || pending.get())
                        on_send=send methods=sign_in_methods(authenticator.get_untracked()) />
                }.into_any(),
                Some(PasscodeStage::Enter { prefix, last4 }) => view! {
                    <OtpEnter prefix sent_to=last4 error=Signal::derive(move || passcode_error.get())
                        pending=Signal::derive(move || pending.get()) on_verify=verify on_resend=resend />
                }.into_any(),
                None => view! {
                    <h1>"Log In"</h1>
                    <Show when=signed_out_idle>
                        <p class="notice" role="status">"You were signed out because there was no activity for a while. Please log in again."</p>
                    </Show>
                    <form on:submit=on_submit novalidate>
                        <ErrorSummary error=Signal::derive(server_error) />
                        <Field
                            label="Email Address"
                            value=email
                            input_type="email"
                            autocomplete="username"
                            error=Signal::derive(move || {
                                email_error.get().or_else(|| server_error().and_then(|e| e.field_messages("email").into_iter().next()))
                            })
                        />
                        <Show when=move || asking_password.get()>
                            <Field label="Password" value=password input_type="password" autocomplete="current-password" autofocus=true />
                        </Show>
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>
                            {move || if asking_password.get() { "Log In" } else { "Next" }}
                        </button>
                    </form>
                    <p><a href="/password/forgot">"Forgot Password?"</a></p>
                    <Suspense>
                        <p><a href="/join">{move || format!("Join {} Provider Portal", program())}</a></p>
                    </Suspense>
                    <p><a href="/register">"Register as a New User"</a></p>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn SelectOrganizationPage() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let action = ServerAction::<SwitchOrganization>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to("/");
        }
    });
    let organizations = move || {
        session
            .get()
            .and_then(|s| s.ok())
            .and_then(|s| s.user)
            .map(|u| u.organizations)
            .unwrap_or_default()
    };
    // One list, or two tabs when the user works for providers and for submitters.
    let selected = RwSignal::new(0usize);
    let choices = move |submitters: Option<bool>| {
        let list = organizations()
            .into_iter()
            .filter(|o| submitters.is_none_or(|s| (o.kind == OrgKind::Submitter) == s))
            .map(|org| {
                view! {
                    <li>
                        <button class="button" on:click=move |_| { action.dispatch(SwitchOrganization { organization_id: org.id }); }>
                            {org.name.clone()}
                        </button>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="choices">{list}</ul> }
    };
    view! {
        <div class="narrow">
            <h1>"Select an organization"</h1>
            <ErrorSummary error=Signal::derive(move || action.value().get().and_then(Result::err)) />
            <Suspense>
                {move || {
                    let kinds = organizations();
                    if kinds.is_empty() {
                        return view! { <NowhereToWork /> }.into_any();
                    }
                    let both = kinds.iter().any(|o| o.kind == OrgKind::Submitter)
                        && kinds.iter().any(|o| o.kind != OrgKind::Submitter);
                    if both {
                        view! {
                            <Tabs id="organization-kind" label="Organization type" labels=vec!["Provider".into(), "Submitter".into()] selected />
                            <TabPanel id="organization-kind" index=0 selected>{move || choices(Some(false))}</TabPanel>
                            <TabPanel id="organization-kind" index=1 selected>{move || choices(Some(true))}</TabPanel>
                        }
                        .into_any()
                    } else {
                        choices(None).into_any()
                    }
                }}
            </Suspense>
        </div>
    }
}

/// A signed-in user with no active membership: why, and the two ways on.
#[component]
fn NowhereToWork() -> impl IntoView {
    let session = expect_context::<SessionResource>();
    let reasons = move || {
        session
            .get()
            .and_then(|s| s.ok())
            .and_then(|s| s.user)
            .map(|u| u.lost_access)
            .unwrap_or_default()
    };
    view! {
        <div role="status">
            {move || {
                let reasons = reasons();
                if reasons.is_empty() {
                    view! { <p>"You do not work for any organization in the portal yet."</p> }.into_any()
                } else {
                    reasons.into_iter().map(|r| view! { <p>{r}</p> }).collect_view().into_any()
                }
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
        <button class="button link" on:click=move |_| { action.dispatch(LogOut {}); }>"Sign Out"</button>
    }
}
