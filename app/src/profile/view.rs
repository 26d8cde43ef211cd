use super::{
    load_profile, phone_passcode_prefix, ConfirmPhone, Profile, ResetPasskey, SaveProfile,
    SignOutOtherSessions, FREQUENCIES,
};
use crate::auth::authenticator::{
    pending_authenticator, ConfirmAuthenticator, RemoveAuthenticator, StartAuthenticator,
};
use crate::auth::{ChangePassword, PageAccess, PasswordChecklist, Require};
use crate::error::AppError;
use crate::ui::{
    action_error, ask_server, field_errors, page_resource, query_dialog_is, Checkbox, ErrorSummary,
    Field, HoldToView, Modal, Select,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = page_resource(|| (), |_| load_profile());
    view! {
        <Require access=PageAccess::SignedIn fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
            <h1>"My Profile and Preferences"</h1>
            {Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! { <ProfileForm profile=p reload=Callback::new(move |_| profile.refetch()) /> }.into_any(),
                    Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                }
            })}
            <super::MyCollections />
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

/// The notice an action leaves on the page (`?done=…`).
fn done_notice(done: Option<String>) -> Option<&'static str> {
    Some(match done.as_deref()? {
        "saved" => "Your changes were saved.",
        "phone" => "Your phone number was changed.",
        "password" => "Your password was changed.",
        "passkey" => "Your passkey was reset.",
        "authenticator" => "Your authenticator app is set up.",
        "authenticator_removed" => "The authenticator app was removed.",
        "sessions" => "Your other sessions were signed out.",
        "tax-consent" => "Your consent was withdrawn: your 1099 will come by mail.",
        _ => return None,
    })
}

/// Every action of the page is a form that posts on its own; each answers the address to show
/// next (a notice, `?done=…`, or the dialog that follows, `?dialog=…`). With the browser app
/// the page moves there in place; an action that needs a fresh passcode opens "Confirm it's
/// you" and then posts its form again ("Hold to View" alone needs the app: it shows the
/// passkey only while held).
#[component]
fn ProfileForm(profile: Profile, reload: Callback<()>) -> impl IntoView {
    let query = use_query_map();
    let navigate = StoredValue::new(use_navigate());
    let first = RwSignal::new(profile.first_name.clone());
    let last = RwSignal::new(profile.last_name.clone());
    let phone = RwSignal::new(profile.phone.clone());
    let save_action = ServerAction::<SaveProfile>::new();
    let password_action = ServerAction::<ChangePassword>::new();
    let reset_action = ServerAction::<ResetPasskey>::new();
    let start_action = ServerAction::<StartAuthenticator>::new();
    let remove_action = ServerAction::<RemoveAuthenticator>::new();
    let confirm_action = ServerAction::<ConfirmPhone>::new();
    let enroll_action = ServerAction::<ConfirmAuthenticator>::new();
    let others_action = ServerAction::<SignOutOtherSessions>::new();
    for done in [
        save_action.value(),
        reset_action.value(),
        start_action.value(),
        remove_action.value(),
        confirm_action.value(),
        enroll_action.value(),
        others_action.value(),
    ] {
        Effect::new(move |_| {
            if let Some(Ok(next)) = done.get() {
                navigate.with_value(|n| n(&next, Default::default()));
                reload.run(());
            }
        });
    }
    Effect::new(move |_| {
        if let Some(Ok(())) = password_action.value().get() {
            navigate.with_value(|n| n("/profile?done=password", Default::default()));
        }
    });
    let failures = [
        action_error(save_action),
        action_error(password_action),
        action_error(reset_action),
        action_error(start_action),
        action_error(remove_action),
        action_error(confirm_action),
        action_error(enroll_action),
        action_error(others_action),
    ];
    // The latest failure (a step-up request is the dialog's business).
    let error = Signal::derive(move || {
        failures
            .iter()
            .find_map(|e| e.get())
            .filter(|e| !matches!(e, AppError::StepUpRequired))
    });
    let field_error = field_errors(move || error.get());
    let summary = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_)))
    });
    let notice = move || done_notice(query.read().get("done"));

    // The dialogs, opened by the address.
    let (changing, _) = query_dialog_is("dialog", "password");
    let (resetting, _) = query_dialog_is("dialog", "passkey");
    let (phone_dialog, _) = query_dialog_is("dialog", "phone");
    let new_phone = Signal::derive(move || query.read().get("phone").unwrap_or_default());
    let phone_prefix = page_resource(
        move || new_phone.get(),
        |phone| async move {
            if phone.is_empty() {
                Ok(None)
            } else {
                phone_passcode_prefix(phone).await
            }
        },
    );
    let setting_up =
        Signal::derive(move || query.read().get("authenticator").as_deref() == Some("setup"));
    let enrollment = page_resource(
        move || setting_up.get(),
        |open| async move {
            if open {
                pending_authenticator().await
            } else {
                Ok(None)
            }
        },
    );
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let passkey = RwSignal::new(String::new());
    let passkey_again = RwSignal::new(String::new());
    let phone_code = RwSignal::new(String::new());
    let totp_code = RwSignal::new(String::new());

    let rows = profile
        .preferences
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let frequency = RwSignal::new(p.frequency.clone());
            let email = RwSignal::new(p.email);
            let options = FREQUENCIES
                .iter()
                .map(|(value, label)| (value.to_string(), label.to_string()))
                .collect();
            view! {
                <tr>
                    <th scope="row">{p.label.clone()}</th>
                    <td>
                        <input type="hidden" name=format!("preferences[{i}][kind]") value=p.kind.clone() />
                        <Select label="Frequency" id=format!("frequency-{}", p.kind) options value=frequency visible_label=false
                            name=format!("preferences[{i}][frequency]") />
                    </td>
                    <td>
                        <Checkbox label="Email" id=format!("email-{}", p.kind) checked=email name=format!("preferences[{i}][email]") />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let sessions = profile
        .sessions
        .iter()
        .map(|s| {
            let label = if s.current { " (this session)" } else { "" };
            view! { <li>{format!("Signed in {} from {}, last active {}{label}", s.started, s.from, s.last_seen)}</li> }
        })
        .collect_view();

    // The step-up dialog comes last, so that it stacks above any dialog that asked for it.
    view! {
        {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <ErrorSummary error=summary />
        // "Change Password" belongs to the form below it on screen; it opens its dialog.
        <Form method="GET" action="/profile" attr:id="open-password-dialog"><span></span></Form>
        <ActionForm action=save_action attr:novalidate=true attr:class="profile">
            <section aria-labelledby="edit-account">
                <h2 id="edit-account">"Edit Account Information"</h2>
                <p>"Email Address (username): "<strong>{profile.email.clone()}</strong>
                    <span class="hint">" — your administrator can change it."</span></p>
                <Field label="First Name" value=first autocomplete="given-name" error=field_error("first_name") name="first_name" />
                <Field label="Last Name" value=last autocomplete="family-name" error=field_error("last_name") name="last_name" />
                <Field label="Phone Number" value=phone input_type="tel" autocomplete="tel" error=field_error("phone") name="phone"
                    hint="A new number is confirmed with a passcode sent to it." />
                <button type="submit" class="button" form="open-password-dialog" name="dialog" value="password">"Change Password"</button>
            </section>
            <section aria-labelledby="notification-preferences">
                <h2 id="notification-preferences">"Notification Preferences"</h2>
                <p>"Notifications appear on your dashboard as they happen; user activity only once you choose how often. With \u{201c}Email\u{201d} checked, a copy is emailed at that frequency: at once, or gathered in a daily or weekly digest."</p>
                <table class="data-table">
                    <caption class="visually-hidden">"Notification Preferences"</caption>
                    <thead><tr><th scope="col">"Notification"</th><th scope="col">"Frequency"</th><th scope="col">"Email"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
            <button type="submit" class="button primary">"Save Changes"</button>
        </ActionForm>

        <Modal open=changing title="Change Password" close_href="/profile">
            <ActionForm action=password_action attr:novalidate=true>
                <input type="hidden" name="next" value="/profile?done=password" />
                <Field label="Current Password" value=current input_type="password" autocomplete="current-password" error=field_error("current") name="current" />
                <Field label="New Password" value=new_password input_type="password" autocomplete="new-password" error=field_error("password") name="password" />
                <PasswordChecklist field="field-new-password" />
                <Field label="Re-Enter Password" value=again input_type="password" autocomplete="new-password" error=field_error("again") name="again" />
                <button type="submit" class="button primary">"Update Password"</button>
            </ActionForm>
        </Modal>

        <Modal open=phone_dialog title="Confirm your new phone number" close_href="/profile">
            <ActionForm action=confirm_action attr:novalidate=true>
                <input type="hidden" name="phone" value=move || new_phone.get() />
                <Transition>
                    <p>{move || phone_prefix.get().and_then(Result::ok).flatten().map(|p| format!("Enter the passcode sent to the new number. It begins with {p}-."))}</p>
                </Transition>
                <Field label="One-time passcode" value=phone_code autocomplete="one-time-code" error=field_error("code") name="code" />
                <button type="submit" class="button primary">"Confirm Phone Number"</button>
            </ActionForm>
        </Modal>

        <section aria-labelledby="user-passkey">
            <h2 id="user-passkey">"User Passkey"</h2>
            {if profile.passkey_set {
                view! {
                    <div class="island"><PasskeyHold /></div>
                }.into_any()
            } else {
                view! { <p>"You have not set a passkey yet."</p> }.into_any()
            }}
            <Form method="GET" action="/profile" attr:class="inline">
                <button type="submit" class="button" name="dialog" value="passkey">"Reset Passkey"</button>
            </Form>
            <Modal open=resetting title="Reset Passkey" close_href="/profile">
                <ActionForm action=reset_action attr:novalidate=true>
                    <Field label="Enter 4 digit User Passkey" value=passkey input_type="password" autocomplete="off" error=field_error("passkey") name="passkey" />
                    <Field label="Retype 4 digit User Passkey" value=passkey_again input_type="password" autocomplete="off" error=field_error("again") name="again" />
                    <button type="submit" class="button primary">"Save Passkey"</button>
                </ActionForm>
            </Modal>
        </section>

        <section aria-labelledby="authenticator-app">
            <h2 id="authenticator-app">"Authenticator App"</h2>
            {if profile.authenticator_enrolled {
                view! {
                    <p>"An authenticator app is set up. You can use its codes instead of a passcode by text, call or email."</p>
                    <ActionForm action=remove_action>
                        <button type="submit" class="button">"Remove Authenticator App"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! {
                    <p>"Use an authenticator app on your phone for sign-in codes."</p>
                    <ActionForm action=start_action>
                        <button type="submit" class="button">"Set Up Authenticator App"</button>
                    </ActionForm>
                    <Transition>
                        {move || enrollment.get().and_then(Result::ok).flatten().map(|e| view! {
                            <div class="enrollment">
                                <p>"Scan this code with the app, or type in the key below it. Then enter the code the app shows."</p>
                                <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=e.qr_svg.clone()></div>
                                <p>"Key: "<code>{e.secret.clone()}</code></p>
                                <ActionForm action=enroll_action attr:novalidate=true>
                                    <Field label="Authenticator code" value=totp_code autocomplete="one-time-code" error=field_error("code") name="code" />
                                    <button type="submit" class="button primary">"Confirm"</button>
                                </ActionForm>
                            </div>
                        })}
                    </Transition>
                }.into_any()
            }}
        </section>

        <section aria-labelledby="active-sessions">
            <h2 id="active-sessions">"Active Sessions"</h2>
            <ul>{sessions}</ul>
            <ActionForm action=others_action>
                <button type="submit" class="button">"Sign out other sessions"</button>
            </ActionForm>
        </section>
        <crate::correspondence::TaxConsentSection since=profile.tax_consent_since.clone() />
    }
}

/// The user's passkey, shown while "Hold to View" is held (asked of the server each time).
#[island]
fn PasskeyHold() -> impl IntoView {
    let passkey = RwSignal::new(None::<String>);
    let error = RwSignal::new(None);
    let reveal = ask_server(passkey, error, super::view_passkey);
    view! {
        <HoldToView label="Your passkey" reveal secret=passkey />
        <ErrorSummary error />
    }
}
