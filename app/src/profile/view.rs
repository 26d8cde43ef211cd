use super::{
    load_profile, ConfirmPhone, Preference, Profile, ResetPasskey, SaveProfile, SendPhonePasscode,
    SignOutOtherSessions, ViewPasskey, FREQUENCIES,
};
use crate::auth::authenticator::{
    ConfirmAuthenticator, Enrollment, RemoveAuthenticator, StartAuthenticator,
};
use crate::auth::{ChangePassword, PageAccess, PasswordChecklist, Require, StepUp, StepUpDialog};
use crate::domain::Phone;
use crate::error::AppError;
use crate::ui::{field_errors, ErrorSummary, Field, Modal, Select, Toasts};
use leptos::prelude::*;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = Resource::new(|| (), |_| load_profile());
    view! {
        <Require access=PageAccess::SignedIn>
            <h1>"My Profile and Preferences"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
                {move || profile.get().map(|result| match result {
                    Ok(p) => view! { <ProfileForm profile=p reload=Callback::new(move |_| profile.refetch()) /> }.into_any(),
                    Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                })}
            </Suspense>
            <super::MyCollections />
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

/// Shows what a call answered: its error in the page's summary (a step-up request is the
/// dialog's business), or, on success, runs `done` with the answer.
fn settle<S>(
    action: ServerAction<S>,
    error: RwSignal<Option<AppError>>,
    done: impl Fn(S::Output) + Send + Sync + 'static,
) where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| match action.value().get() {
        Some(Ok(answer)) => {
            error.set(None);
            done(answer);
        }
        Some(Err(AppError::StepUpRequired)) | None => {}
        Some(Err(e)) => error.set(Some(e)),
    });
}

#[component]
fn ProfileForm(profile: Profile, reload: Callback<()>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let first = RwSignal::new(profile.first_name.clone());
    let last = RwSignal::new(profile.last_name.clone());
    let phone = RwSignal::new(profile.phone.clone());
    let stored_phone = profile.phone.clone();
    let last4 = Phone::parse(&profile.phone)
        .map(|p| p.last4().to_string())
        .unwrap_or_default();
    let preferences: Vec<(Preference, RwSignal<String>, RwSignal<bool>)> = profile
        .preferences
        .iter()
        .map(|p| {
            (
                p.clone(),
                RwSignal::new(p.frequency.clone()),
                RwSignal::new(p.email),
            )
        })
        .collect();
    let error = RwSignal::new(None::<AppError>);
    let step_up = StepUp::new();

    // Saving, then, for a new phone number, a passcode to it (after a step-up).
    let save_action = ServerAction::<SaveProfile>::new();
    let send_phone = step_up.watch(ServerAction::<SendPhonePasscode>::new());
    let confirm_action = ServerAction::<ConfirmPhone>::new();
    let new_phone = StoredValue::new(None::<String>);
    let phone_prefix = RwSignal::new(None::<String>);
    let phone_code = RwSignal::new(String::new());
    let phone_dialog = RwSignal::new(false);
    settle(save_action, error, move |()| {
        toasts.push("Your changes were saved.");
        if let Some(phone) = new_phone.get_value() {
            step_up.dispatch(send_phone, SendPhonePasscode { phone });
        }
    });
    settle(send_phone, error, move |prefix| {
        phone_prefix.set(Some(prefix));
        phone_dialog.set(true);
    });
    settle(confirm_action, error, move |()| {
        phone_dialog.set(false);
        toasts.push("Your phone number was changed.");
        reload.run(());
    });
    let prefs_for_save = preferences.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let preferences: Vec<Preference> = prefs_for_save
            .iter()
            .map(|(p, frequency, email)| Preference {
                frequency: frequency.get_untracked(),
                email: email.get_untracked(),
                ..p.clone()
            })
            .collect();
        let typed = phone.get_untracked();
        let changed = Phone::parse(&typed)
            .map(|p| p.to_string())
            .unwrap_or(typed.clone())
            != stored_phone;
        new_phone.set_value(changed.then_some(typed));
        save_action.dispatch(SaveProfile {
            first_name: first.get_untracked(),
            last_name: last.get_untracked(),
            preferences,
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm_action.dispatch(ConfirmPhone {
            phone: phone.get_untracked(),
            code: phone_code.get_untracked(),
        });
    };

    // Change Password.
    let changing = RwSignal::new(false);
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let password_action = step_up.watch(ServerAction::<ChangePassword>::new());
    settle(password_action, error, move |()| {
        changing.set(false);
        toasts.push("Your password was changed.");
    });
    let update_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        step_up.dispatch(
            password_action,
            ChangePassword {
                current: current.get_untracked(),
                password: new_password.get_untracked(),
                again: again.get_untracked(),
            },
        );
    };

    // Passkey.
    let shown_passkey = RwSignal::new(None::<String>);
    let view_action = step_up.watch(ServerAction::<ViewPasskey>::new());
    settle(view_action, error, move |passkey| {
        shown_passkey.set(Some(passkey))
    });
    let reveal = move || step_up.dispatch(view_action, ViewPasskey {});
    let resetting = RwSignal::new(false);
    let passkey = RwSignal::new(String::new());
    let passkey_again = RwSignal::new(String::new());
    let reset_action = step_up.watch(ServerAction::<ResetPasskey>::new());
    settle(reset_action, error, move |()| {
        resetting.set(false);
        toasts.push("Your passkey was reset.");
        reload.run(());
    });
    let save_passkey = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        step_up.dispatch(
            reset_action,
            ResetPasskey {
                passkey: passkey.get_untracked(),
                again: passkey_again.get_untracked(),
            },
        );
    };

    // Authenticator app and sessions.
    let remove_action = step_up.watch(ServerAction::<RemoveAuthenticator>::new());
    settle(remove_action, error, move |()| {
        toasts.push("The authenticator app was removed.");
        reload.run(());
    });
    let start_action = step_up.watch(ServerAction::<StartAuthenticator>::new());
    let enroll_action = ServerAction::<ConfirmAuthenticator>::new();
    let others_action = ServerAction::<SignOutOtherSessions>::new();
    settle(others_action, error, move |()| {
        toasts.push("Your other sessions were signed out.");
        reload.run(());
    });
    let enrollment = RwSignal::new(None::<Enrollment>);
    let totp_code = RwSignal::new(String::new());
    settle(start_action, error, move |e| enrollment.set(Some(e)));
    settle(enroll_action, error, move |()| {
        enrollment.set(None);
        toasts.push("Your authenticator app is set up.");
        reload.run(());
    });

    let field_error = field_errors(move || error.get());
    let summary = Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation(_) | AppError::StepUpRequired))
    });
    let rows = preferences
        .into_iter()
        .map(|(p, frequency, email)| {
            let select_id = format!("frequency-{}", p.kind);
            let email_id = format!("email-{}", p.kind);
            let options = FREQUENCIES
                .iter()
                .map(|(value, label)| (value.to_string(), label.to_string()))
                .collect();
            view! {
                <tr>
                    <th scope="row">{p.label.clone()}</th>
                    <td>
                        <Select label="Frequency" id=select_id options value=frequency visible_label=false />
                    </td>
                    <td>
                        <input type="checkbox" id=email_id.clone() prop:checked=move || email.get()
                            on:change=move |ev| email.set(event_target_checked(&ev)) />
                        <label for=email_id>"Email"</label>
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
        <ErrorSummary error=summary />
        <form on:submit=save novalidate class="profile">
            <section aria-labelledby="edit-account">
                <h2 id="edit-account">"Edit Account Information"</h2>
                <p>"Email Address (username): "<strong>{profile.email.clone()}</strong>
                    <span class="hint">" — your administrator can change it."</span></p>
                <Field label="First Name" value=first autocomplete="given-name" error=field_error("first_name") />
                <Field label="Last Name" value=last autocomplete="family-name" error=field_error("last_name") />
                <Field label="Phone Number" value=phone input_type="tel" autocomplete="tel" error=field_error("phone")
                    hint="A new number is confirmed with a passcode sent to it." />
                <button type="button" class="button" on:click=move |_| changing.set(true)>"Change Password"</button>
            </section>
            <section aria-labelledby="notification-preferences">
                <h2 id="notification-preferences">"Notification Preferences"</h2>
                <p>"Notifications always appear on your dashboard. Choose how often, and whether to get an email too."</p>
                <table class="data-table">
                    <caption class="visually-hidden">"Notification Preferences"</caption>
                    <thead><tr><th scope="col">"Notification"</th><th scope="col">"Frequency"</th><th scope="col">"Email"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
            <button type="submit" class="button primary">"Save Changes"</button>
        </form>

        <Modal open=changing title="Change Password">
            <form on:submit=update_password novalidate>
                <Field label="Current Password" value=current input_type="password" autocomplete="current-password" error=field_error("current") />
                <Field label="New Password" value=new_password input_type="password" autocomplete="new-password" error=field_error("password") />
                <PasswordChecklist password=Signal::derive(move || new_password.get()) />
                <Field label="Re-Enter Password" value=again input_type="password" autocomplete="new-password" error=field_error("again") />
                <button type="submit" class="button primary">"Update Password"</button>
            </form>
        </Modal>

        <Modal open=phone_dialog title="Confirm your new phone number">
            <form on:submit=confirm novalidate>
                <p>{move || format!("Enter the passcode sent to the new number. It begins with {}-.", phone_prefix.get().unwrap_or_default())}</p>
                <Field label="One-time passcode" value=phone_code autocomplete="one-time-code" error=field_error("code") />
                <button type="submit" class="button primary">"Confirm Phone Number"</button>
            </form>
        </Modal>

        <section aria-labelledby="user-passkey">
            <h2 id="user-passkey">"User Passkey"</h2>
            {if profile.passkey_set {
                view! {
                    <p>
                        "Your passkey: "
                        <strong aria-live="polite">{move || shown_passkey.get().unwrap_or_else(|| "••••".into())}</strong>
                    </p>
                    <button
                        class="button"
                        on:pointerdown=move |_| reveal()
                        on:pointerup=move |_| shown_passkey.set(None)
                        on:pointerleave=move |_| shown_passkey.set(None)
                        on:keydown=move |ev| if (ev.key() == " " || ev.key() == "Enter") && !ev.repeat() { reveal() }
                        on:keyup=move |_| shown_passkey.set(None)
                    >
                        "Hold to View"
                    </button>
                }.into_any()
            } else {
                view! { <p>"You have not set a passkey yet."</p> }.into_any()
            }}
            <button class="button" on:click=move |_| resetting.set(true)>"Reset Passkey"</button>
            <Modal open=resetting title="Reset Passkey">
                <form on:submit=save_passkey novalidate>
                    <Field label="Enter 4 digit User Passkey" value=passkey input_type="password" autocomplete="off" error=field_error("passkey") />
                    <Field label="Retype 4 digit User Passkey" value=passkey_again input_type="password" autocomplete="off" error=field_error("again") />
                    <button type="submit" class="button primary">"Save Passkey"</button>
                </form>
            </Modal>
        </section>

        <section aria-labelledby="authenticator-app">
            <h2 id="authenticator-app">"Authenticator App"</h2>
            {if profile.authenticator_enrolled {
                view! {
                    <p>"An authenticator app is set up. You can use its codes instead of a passcode by text, call or email."</p>
                    <button class="button" on:click=move |_| step_up.dispatch(remove_action, RemoveAuthenticator {})>
                        "Remove Authenticator App"
                    </button>
                }.into_any()
            } else {
                view! {
                    <p>"Use an authenticator app on your phone for sign-in codes."</p>
                    <button class="button" on:click=move |_| step_up.dispatch(start_action, StartAuthenticator {})>
                        "Set Up Authenticator App"
                    </button>
                    {move || enrollment.get().map(|e| view! {
                        <div class="enrollment">
                            <p>"Scan this code with the app, or type in the key below it. Then enter the code the app shows."</p>
                            <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=e.qr_svg.clone()></div>
                            <p>"Key: "<code>{e.secret.clone()}</code></p>
                            <form on:submit=move |ev| {
                                ev.prevent_default();
                                enroll_action.dispatch(ConfirmAuthenticator { code: totp_code.get_untracked() });
                            } novalidate>
                                <Field label="Authenticator code" value=totp_code autocomplete="one-time-code" error=field_error("code") />
                                <button type="submit" class="button primary">"Confirm"</button>
                            </form>
                        </div>
                    })}
                }.into_any()
            }}
        </section>

        <section aria-labelledby="active-sessions">
            <h2 id="active-sessions">"Active Sessions"</h2>
            <ul>{sessions}</ul>
            <button class="button" on:click=move |_| { others_action.dispatch(SignOutOtherSessions {}); }>
                "Sign out other sessions"
            </button>
        </section>
        <StepUpDialog open=step_up.open last4=last4 on_done=step_up.again() />
    }
}
