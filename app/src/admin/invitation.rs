//! The added user's side (guide 000, steps 18–24): the emailed invitation link (single use,
//! 7 days) → "System Use Notification" → "Account Information" → one-time passcode →
//! "Registration Complete", which emails the set-password link. And the confirmation of an
//! email address changed by an administrator.

use crate::domain::ContactMethod;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Visitor};
use crate::ui::{
    action_error, field_errors, page_resource, phone_methods, Checkbox, ErrorSummary, Field,
    FlowSteps, Gate, Needs, OtpEnter, RadioGroup, WizardFlow,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InvitationStep {
    Invalid {
        message: String,
    },
    Notice {
        first_name: String,
        last_name: String,
        phone: String,
    },
    PasscodeEnter {
        prefix: String,
        last4: String,
    },
    Complete {
        email: String,
        minutes: i64,
    },
}

#[server(endpoint = "invitation")]
pub async fn load_invitation(t: String) -> Result<InvitationStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::step(visitor, t).await
}

#[server(endpoint = "invitation/account")]
pub async fn invitation_account(
    t: String,
    first_name: String,
    last_name: String,
    phone: String,
    channel: ContactMethod,
) -> Result<InvitationStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::account(visitor, t, first_name, last_name, phone, channel).await
}

#[server(endpoint = "invitation/verify")]
pub async fn invitation_verify(t: String, code: String) -> Result<InvitationStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::verify(visitor, t, code).await
}

#[server(endpoint = "invitation/resend")]
pub async fn invitation_resend(t: String) -> Result<InvitationStep, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::resend(visitor, t).await
}

/// "Confirm Email Address": answers the new address; the page then says it is in use.
#[server(endpoint = "email/confirm")]
pub async fn confirm_email_change(t: String) -> Result<String, AppError> {
    let visitor = require(Access::ANYONE).await?;
    let email = super::ssr::confirm_email(visitor, t).await?;
    crate::ssr::follow("/email/confirm?confirmed=1");
    Ok(email)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::admin::repo;
    use crate::domain::{check_names, Phone, Whose};
    use crate::error::Checker;
    use crate::ssr::outbox::Channel;
    use crate::ssr::passcodes::{self, Purpose};
    use crate::ssr::password_links::{self, Link, LinkPurpose};
    use crate::ssr::repo::users;
    use crate::ssr::AppState;

    const INVALID: &str = "This registration link is not valid or has already been used. Ask your administrator to send a new one.";
    const EXPIRED: &str = "This registration link has expired: it works for 7 days. Ask your administrator to send a new one.";

    async fn usable(state: &AppState, t: &str) -> Result<Result<Link, InvitationStep>, AppError> {
        let invalid = |message: &str| InvitationStep::Invalid {
            message: message.into(),
        };
        Ok(match password_links::find(state, t).await? {
            Some(link) if link.purpose != LinkPurpose::Invitation || link.spent => {
                Err(invalid(INVALID))
            }
            Some(link) if link.expired => Err(invalid(EXPIRED)),
            Some(link) => Ok(link),
            None => Err(invalid(INVALID)),
        })
    }

    fn subject(link: &Link) -> String {
        format!("invitation:{}", link.id)
    }

    pub async fn step(visitor: Visitor, t: String) -> Result<InvitationStep, AppError> {
        let state = visitor.state.clone();
        // Accepted, and the emailed set-password link not used yet: still "Registration
        // Complete" (a reload, or the form posted without the browser app, shows it again).
        if let Some(link) = password_links::find(&state, &t).await? {
            if link.purpose == LinkPurpose::Invitation && link.used {
                let mut conn = state.db.conn().await?;
                if users::password_hash(&mut conn, link.user_id)
                    .await?
                    .is_none()
                {
                    if let Some(email) = users::email(&mut conn, link.user_id).await? {
                        return Ok(InvitationStep::Complete {
                            email,
                            minutes: state.settings.registration_link_minutes,
                        });
                    }
                }
            }
        }
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        let invitee = repo::invitee(&mut *state.db.conn().await?, link.user_id).await?;
        let phone = invitee.phone.unwrap_or_default();
        if let Some(prefix) = passcodes::pending_prefix(
            &state.db,
            state.clock.unix(),
            Purpose::Registration,
            &subject(&link),
        )
        .await?
        {
            return Ok(InvitationStep::PasscodeEnter {
                prefix,
                last4: last4(&phone),
            });
        }
        Ok(InvitationStep::Notice {
            first_name: invitee.first_name,
            last_name: invitee.last_name,
            phone,
        })
    }

    fn last4(phone: &str) -> String {
        Phone::parse(phone)
            .map(|p| p.last4().to_string())
            .unwrap_or_default()
    }

    pub async fn account(
        visitor: Visitor,
        t: String,
        first_name: String,
        last_name: String,
        phone: String,
        channel: ContactMethod,
    ) -> Result<InvitationStep, AppError> {
        let state = visitor.state.clone();
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        let mut check = Checker::new();
        check_names(&mut check, &first_name, &last_name, Whose::Own);
        let phone = check.check("phone", Phone::parse(&phone));
        check.finish()?;
        let phone = phone.expect("checked");
        repo::set_invitee(
            &mut *state.db.conn().await?,
            link.user_id,
            first_name.trim(),
            last_name.trim(),
            phone.as_str(),
        )
        .await?;
        let sent = passcodes::send(
            &state,
            Purpose::Registration,
            &subject(&link),
            Some(link.user_id),
            Channel::phone(channel),
            phone.as_str(),
        )
        .await?;
        Ok(InvitationStep::PasscodeEnter {
            prefix: sent.prefix,
            last4: phone.last4().to_string(),
        })
    }

    /// A new code to the number given on the account form (voiding the old one).
    pub async fn resend(visitor: Visitor, t: String) -> Result<InvitationStep, AppError> {
        let state = visitor.state.clone();
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        let (channel, destination) =
            passcodes::last_sent(&state.db, Purpose::Registration, &subject(&link))
                .await?
                .ok_or_else(|| {
                    AppError::Conflict("Enter your account information first.".into())
                })?;
        let sent = passcodes::send(
            &state,
            Purpose::Registration,
            &subject(&link),
            Some(link.user_id),
            Channel::phone(ContactMethod::parse(&channel).unwrap_or_default()),
            &destination,
        )
        .await?;
        Ok(InvitationStep::PasscodeEnter {
            prefix: sent.prefix,
            last4: last4(&destination),
        })
    }

    pub async fn verify(
        visitor: Visitor,
        t: String,
        code: String,
    ) -> Result<InvitationStep, AppError> {
        let state = visitor.state.clone();
        let link = match usable(&state, &t).await? {
            Ok(link) => link,
            Err(step) => return Ok(step),
        };
        let who = visitor
            .audit("passcode.failure", format!("user:{}", link.user_id))
            .user(link.user_id)
            .detail("invitation");
        passcodes::verify_audited(&state, Purpose::Registration, &subject(&link), &code, who)
            .await?;
        if !password_links::spend(&state, link.id).await? {
            return Ok(InvitationStep::Invalid {
                message: INVALID.into(),
            });
        }
        let email = users::email(&mut *state.db.conn().await?, link.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        password_links::send(&state, link.user_id, &email, LinkPurpose::Registration).await?;
        visitor
            .audit("invitation.accept", format!("user:{}", link.user_id))
            .user(link.user_id)
            .detail("invitation")
            .record(&state.db)
            .await?;
        Ok(InvitationStep::Complete {
            email,
            minutes: state.settings.registration_link_minutes,
        })
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let query = use_query_map();
    let t = move || query.with(|q| q.get("t").unwrap_or_default());
    // "System Use Notification" is a GET form: its checkbox comes back in the address.
    let agreed = move || query.with(|q| q.get("agree").as_deref() == Some("true"));
    let account = ServerAction::<InvitationAccount>::new();
    let verify = ServerAction::<InvitationVerify>::new();
    let resend = ServerAction::<InvitationResend>::new();
    let flow = FlowSteps::new().after(account).after(verify).after(resend);
    let step = page_resource(move || (t(), flow.version()), |(t, _)| load_invitation(t));
    view! {
        <div class="narrow">
            <WizardFlow label="Registration steps" steps=&[] step position=|_: &InvitationStep| None
                view=move |current: InvitationStep| match current {
                    InvitationStep::Invalid { message } => view! {
                        <h1>"Registration"</h1>
                        <p role="alert" class="error-summary">{message}</p>
                    }.into_any(),
                    InvitationStep::Notice { .. } if !agreed() => {
                        let agree = RwSignal::new(false);
                        view! {
                            <h1>"System Use Notification"</h1>
                            <div class="terms">
                                <p>"You are accessing a system that holds protected health information. It is for official use by authorized users and may be monitored and recorded. Unauthorized or improper use may result in administrative discipline and civil and criminal penalties. By continuing you consent to these conditions."</p>
                            </div>
                            <Form method="GET" action="">
                                <input type="hidden" name="t" value=t() />
                                <Gate button="notice-next" needs=Needs::EveryBox>
                                    <Checkbox label="I confirm that I have read and agree to the above" checked=agree name="agree" />
                                </Gate>
                                <button type="submit" id="notice-next" class="button primary">"Next"</button>
                            </Form>
                        }.into_any()
                    }
                    InvitationStep::Notice { first_name, last_name, phone } => {
                        let first = RwSignal::new(first_name);
                        let last = RwSignal::new(last_name);
                        let phone = RwSignal::new(phone);
                        let channel = RwSignal::new("sms".to_string());
                        let error = action_error(account);
                        let field_error = field_errors(move || error.get());
                        view! {
                            <h1>"Account Information"</h1>
                            <ActionForm action=account attr:novalidate=true>
                                <input type="hidden" name="t" value=t() />
                                <ErrorSummary error=Signal::derive(move || error.get()) beside_fields=true />
                                <Field label="First Name" value=first name="first_name" autocomplete="given-name" error=field_error("first_name") required=true />
                                <Field label="Last Name" value=last name="last_name" autocomplete="family-name" error=field_error("last_name") required=true />
                                <Field label="Preferred Contact Number" value=phone name="phone" input_type="tel" autocomplete="tel" error=field_error("phone") required=true />
                                <RadioGroup legend="Receive passcode via:" options=phone_methods() value=channel name="channel" />
                                <button type="submit" class="button primary" disabled=move || account.pending().get()>"Next"</button>
                            </ActionForm>
                        }.into_any()
                    }
                    InvitationStep::PasscodeEnter { prefix, last4 } => view! {
                        <OtpEnter verify resend prefix sent_to=format!("phone number ending in {last4}") hidden=("t", t()) />
                    }.into_any(),
                    InvitationStep::Complete { email, minutes } => view! {
                        <crate::org_registration::RegistrationComplete email minutes />
                    }.into_any(),
                }
            />
        </div>
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let query = use_query_map();
    // Confirmed by a button, not by opening the link: mail scanners open links too.
    let action = ServerAction::<ConfirmEmailChange>::new();
    let confirmed = move || {
        action.value().with(|v| matches!(v, Some(Ok(_)))) || query.read().get("confirmed").is_some()
    };
    let token = StoredValue::new(query.read_untracked().get("t").unwrap_or_default());
    view! {
        <div class="narrow">
            <h1>"Confirm Email Address"</h1>
            <Show
                when=confirmed
                fallback=move || view! {
                    <p>"Your administrator changed the email address you use to log in. Confirm that this new address is yours."</p>
                    <ActionForm action>
                        <input type="hidden" name="t" value=token.get_value() />
                        <ErrorSummary error=action_error(action) />
                        <button type="submit" class="button primary" disabled=move || action.pending().get()>"Confirm Email Address"</button>
                    </ActionForm>
                }
            >
                <p role="status">"Your new email address is confirmed. Use it to log in."</p>
                <p><a href="/login">"Log In"</a></p>
            </Show>
        </div>
    }
}
