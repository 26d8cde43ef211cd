//! The help desk: find a caller's account, verify the caller by the passkey they read out
//! (compared on the server; plan staff never see it), send a password reset, unlock an
//! account locked by failed sign-ins, and change an organization's administrator.

#[cfg(feature = "ssr")]
use super::outcome;
use super::Outcome;
use crate::domain::Secret;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, Operator};
use crate::ui::{
    action_error, field_errors, page_resource, query_value, Checkbox, ErrorSummary, Field, Gate,
    Needs, PostButton, Select,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Caller {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organizations: Vec<String>,
    pub has_passkey: bool,
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Office {
    pub id: i64,
    pub name: String,
}

#[server(endpoint = "operator/helpdesk/find")]
pub async fn find_caller(email: String) -> Result<Caller, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::find(operator, email).await
}

#[server(endpoint = "operator/helpdesk/passkey")]
pub async fn verify_caller_passkey(user_id: i64, passkey: Secret) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let matched = ssr::verify_passkey(operator, user_id, passkey.into_exposed()).await?;
    Ok(outcome(
        "passkey",
        if matched { "match" } else { "mismatch" },
    ))
}

#[server(endpoint = "operator/helpdesk/reset")]
pub async fn send_password_reset(user_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::send_reset(operator, user_id).await?;
    Ok(outcome("done", "reset"))
}

/// Changes another person's account, so it needs the operator's fresh passcode.
#[server(endpoint = "operator/helpdesk/unlock")]
pub async fn unlock_account(user_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR.fresh()).await?;
    ssr::unlock(operator, user_id).await?;
    Ok(outcome("done", "unlocked"))
}

#[server(endpoint = "operator/offices/registered")]
pub async fn office_choices() -> Result<Vec<Office>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::office_choices(operator).await
}

/// "Make Org Admin" (with the operator's fresh passcode); the console then says who became the
/// admin of which office.
#[server(endpoint = "operator/offices/admin")]
pub async fn change_office_admin(
    organization_id: i64,
    email: String,
    #[server(default)] replace: bool,
) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR.fresh()).await?;
    let made = ssr::change_admin(operator, organization_id, email, replace).await?;
    Ok(outcome("admin_changed", &made))
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::admin::ssr::record_change;
    use crate::domain::permissions::{Module, RolePreset};
    use crate::domain::Email;
    use crate::operator::repo;
    use crate::ssr::password_links::{self, LinkPurpose};
    use crate::ssr::repo::users;
    use crate::ssr::{crypto, guard, limits};

    /// Wrong passkeys for one account within an hour before the help desk must stop trying.
    pub const MAX_PASSKEY_MISMATCHES: i64 = 5;
    /// How long a passkey match counts for unlocking the caller's account.
    pub const VERIFIED_MINUTES: i64 = 15;

    async fn log(
        caller: &guard::Caller,
        action: &'static str,
        user_id: i64,
    ) -> Result<(), AppError> {
        caller
            .audit(action, format!("user:{user_id}"))
            .org(None)
            .record(&caller.state.db)
            .await?;
        Ok(())
    }

    pub async fn find(Operator(caller): Operator, email: String) -> Result<Caller, AppError> {
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        let mut conn = caller.state.db.conn().await?;
        let account = repo::account(&mut conn, email.as_str())
            .await?
            .ok_or_else(|| AppError::field("email", "No account uses this email address."))?;
        let id = account.id;
        let organizations = crate::ssr::repo::memberships::active_organizations(&mut conn, id)
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
        drop(conn);
        let now = caller.state.clock.unix();
        log(&caller, "helpdesk.lookup", id).await?;
        Ok(Caller {
            id,
            name: format!("{} {}", account.first_name, account.last_name),
            email: account.email,
            organizations,
            has_passkey: account.passkey_ciphertext.is_some(),
            locked: account.locked_until.is_some_and(|t| t > now)
                || account.lifetime_failed_logins
                    >= crate::auth::sign_in::ssr::MAX_LIFETIME_FAILURES,
        })
    }

    pub async fn verify_passkey(
        Operator(caller): Operator,
        user_id: i64,
        passkey: String,
    ) -> Result<bool, AppError> {
        let state = &caller.state;
        let misses = format!("helpdesk-passkey:{user_id}");
        limits::check(state, &misses, 3600, MAX_PASSKEY_MISMATCHES).await?;
        let sealed = users::sealed_passkey(&mut *state.db.conn().await?, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(sealed) = sealed else {
            return Err(AppError::Conflict(
                "This user has not set a passkey.".into(),
            ));
        };
        let stored = state
            .settings
            .keys
            .open(crypto::Sealed::Passkey { user_id }, &sealed)
            .ok_or(AppError::Internal)?;
        let matches = crypto::constant_time_eq(&stored, passkey.trim().as_bytes());
        if !matches {
            limits::hit(state, &misses).await?;
        }
        log(
            &caller,
            if matches {
                "helpdesk.passkey_match"
            } else {
                "helpdesk.passkey_mismatch"
            },
            user_id,
        )
        .await?;
        Ok(matches)
    }

    pub async fn send_reset(Operator(caller): Operator, user_id: i64) -> Result<(), AppError> {
        let email = users::email(&mut *caller.state.db.conn().await?, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !password_links::reset_allowed(&caller.state, user_id).await? {
            return Err(AppError::RateLimited);
        }
        password_links::send(&caller.state, user_id, &email, LinkPurpose::Reset).await?;
        log(&caller, "helpdesk.password_reset", user_id).await
    }

    pub async fn unlock(Operator(caller): Operator, user_id: i64) -> Result<(), AppError> {
        // A caller with a passkey proves who they are with it first.
        let mut conn = caller.state.db.conn().await?;
        let passkey = users::sealed_passkey(&mut conn, user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if passkey.is_some() {
            let since = caller.state.clock.unix() - VERIFIED_MINUTES * 60;
            if !repo::passkey_matched(&mut conn, caller.user_id, user_id, since).await? {
                return Err(AppError::Conflict(
                    "Verify the caller's passkey first.".into(),
                ));
            }
        }
        if !crate::ssr::repo::users::clear_lockout(&mut conn, user_id).await? {
            return Err(AppError::NotFound);
        }
        drop(conn);
        log(&caller, "helpdesk.unlock", user_id).await
    }

    pub async fn office_choices(Operator(caller): Operator) -> Result<Vec<Office>, AppError> {
        let offices = repo::office_names(&mut *caller.state.db.conn().await?).await?;
        Ok(offices
            .into_iter()
            .map(|(id, name)| Office { id, name })
            .collect())
    }

    pub async fn change_admin(
        Operator(caller): Operator,
        organization_id: i64,
        email: String,
        replace: bool,
    ) -> Result<String, AppError> {
        let state = &caller.state;
        let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
        let (membership_id, user_id, office) = repo::active_member(
            &mut *state.db.conn().await?,
            organization_id,
            email.as_str(),
        )
        .await?
        .ok_or_else(|| {
            AppError::field(
                "email",
                "This person is not an active user of the organization. Add them first.",
            )
        })?;
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        let preset = RolePreset::LocalOfficeAdministrator.label();
        repo::make_admin(
            &mut tx,
            now,
            organization_id,
            membership_id,
            preset,
            replace,
        )
        .await?;
        crate::ssr::repo::grants::set_modules(&mut tx, membership_id, &Module::ALL).await?;
        record_change(
            &mut tx,
            now,
            organization_id,
            user_id,
            Some(caller.user_id),
            "permission.change",
            "",
            &format!(
                "Made Org Admin of {office} by {}",
                state.settings.program_name
            ),
            if replace {
                "The plan changed the office's administrator"
            } else {
                "The plan added an administrator"
            },
            caller.ip.clone(),
        )
        .await?;
        tx.commit().await?;
        Ok(format!("{email} is now an Org Admin of {office}."))
    }
}

#[component]
pub fn HelpDesk() -> impl IntoView {
    // "Find" is a GET form: the caller's address is in the page's address, so the search
    // works before the browser app has loaded, and the result follows it.
    let query = use_query_map();
    let navigate = StoredValue::new(use_navigate());
    let sought = move || query.with(|q| q.get("caller").unwrap_or_default());
    let email = RwSignal::new(query_value("caller"));
    let passkey = RwSignal::new(String::new());
    let verify = ServerAction::<VerifyCallerPasskey>::new();
    let reset = ServerAction::<SendPasswordReset>::new();
    let unlock = ServerAction::<UnlockAccount>::new();
    let found = page_resource(
        move || (sought(), unlock.version().get()),
        |(email, _)| async move {
            if email.is_empty() {
                None
            } else {
                Some(find_caller(email).await)
            }
        },
    );
    for done in [verify.value(), reset.value(), unlock.value()] {
        Effect::new(move |_| {
            if let Some(Ok(next)) = done.get() {
                navigate.with_value(|n| n(&next, Default::default()));
            }
        });
    }
    let find_error = move || found.get().flatten().and_then(Result::err);
    let find_field = field_errors(find_error);
    let failed = [
        action_error(verify),
        action_error(reset),
        action_error(unlock),
    ];
    // Asking for the passcode is the dialog's business, not an error to show.
    let action_errors = Signal::derive(move || {
        failed
            .iter()
            .find_map(|e| e.get())
            .filter(|e| *e != AppError::StepUpRequired)
    });
    view! {
        <section aria-labelledby="help-desk">
            <h2 id="help-desk">"Help Desk"</h2>
            // Inside the transition: the field's error comes with the result.
            <Transition>
            <Form method="GET" action="" attr:novalidate=true>
                <Field label="Caller's Email Address" value=email name="caller" input_type="email" error=find_field("email") />
                <button type="submit" class="button">"Find"</button>
            </Form>
            <ErrorSummary error=Signal::derive(find_error) beside_fields=true />
            {move || found.get().flatten().and_then(Result::ok).map(|c| {
                let id = c.id;
                view! {
                    <dl class="facts">
                        <dt>"Name"</dt><dd>{c.name.clone()}</dd>
                        <dt>"Organizations"</dt><dd>{c.organizations.join(", ")}</dd>
                        <dt>"Account"</dt><dd>{if c.locked { "Locked" } else { "Not locked" }}</dd>
                    </dl>
                    {c.has_passkey.then(|| view! {
                        <ActionForm action=verify attr:novalidate=true>
                            <input type="hidden" name="user_id" value=id.to_string() />
                            <Field label="Passkey the caller reads out" value=passkey autocomplete="off" name="passkey" />
                            <button type="submit" class="button">"Verify Passkey"</button>
                        </ActionForm>
                    })}
                    <Outcome keys=vec!["passkey", "done"] />
                    <div class="actions">
                        <PostButton action=reset field=("user_id", id.to_string()) label="Send Password Reset" />
                        {c.locked.then(|| view! {
                            <PostButton action=unlock field=("user_id", id.to_string()) label="Unlock Account" />
                        })}
                    </div>
                    <ErrorSummary error=action_errors />
                }
            })}
            </Transition>
        </section>
    }
}

#[component]
pub fn ChangeAdmin() -> impl IntoView {
    let offices = page_resource(|| (), |_| office_choices());
    let navigate = StoredValue::new(use_navigate());
    let office = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let replace = RwSignal::new(false);
    let action = ServerAction::<ChangeOfficeAdmin>::new();
    Effect::new(move |_| {
        if let Some(Ok(next)) = action.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
        }
    });
    let asked = action_error(action);
    let error = Signal::derive(move || asked.get().filter(|e| *e != AppError::StepUpRequired));
    let field = field_errors(move || error.get());
    view! {
        <section aria-labelledby="change-admin">
            <h2 id="change-admin">"Change an Organization's Admin"</h2>
            <ActionForm action attr:novalidate=true>
                <Gate button="make-org-admin" needs=Needs::AChoice>
                    <Transition>
                        {move || {
                            let mut options = vec![(String::new(), "Choose an organization".to_string())];
                            options.extend(offices.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|o| (o.id.to_string(), o.name)));
                            view! { <Select label="Registered organization" options value=office name="organization_id" error=field("organization_id") /> }
                        }}
                    </Transition>
                </Gate>
                <Field label="New Admin's Email Address" value=email input_type="email" error=field("email") hint="An active user of the organization." name="email" />
                <Checkbox label="Remove the current administrators' admin role" checked=replace name="replace" />
                <ErrorSummary error beside_fields=true />
                <button type="submit" id="make-org-admin" class="button primary">"Make Org Admin"</button>
            </ActionForm>
            <Outcome keys=vec!["admin_changed"] />
        </section>
    }
}
