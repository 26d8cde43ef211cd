//! The administration pages: User Management, Add a User, a user's page, Domain Management.

use super::verify::VerifyUsersButton;
use super::*;
use crate::auth::{PageAccess, Require};
use crate::domain::permissions::NpiLevel;
use crate::ui::{
    action_error, field_errors, page_resource, query_dialog_is, query_value, Column, DataTable,
    ErrorSummary, Field, MenuButton, MenuItem, Modal, PostButton, SearchForm,
};
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// The `:id` of the page's route.
pub(super) fn route_user_id() -> Signal<i64> {
    let params = use_params_map();
    Signal::derive(move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    })
}

#[component]
pub fn UserManagementPage() -> impl IntoView {
    let search = RwSignal::new(query_value("q"));
    let users = page_resource(move || search.get(), admin_users);
    let rows = Signal::derive(move || users.get().and_then(Result::ok).unwrap_or_default());
    let error = Signal::derive(move || users.get().and_then(Result::err));
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"User Management"</h1>
            <nav class="actions" aria-label="Administration">
                <a class="button primary" href="/admin/users/new">"Add a User"</a>
                <a class="button" href="/admin/domains">"Domain Management"</a>
                <a class="button" href="/admin/tasks">"Task List"</a>
                <a class="button" href="/admin/collections">"Collection Manager"</a>
                <VerifyUsersButton />
            </nav>
            <p>
                <a href="/downloads/registration-letter" download>"Download Registration Letter"</a>
                " (PDF): the organization's registration and its NPIs."
            </p>
            <SearchForm label="Users" results="users-found">
                <Field label="Search users" value=search name="q" input_type="search" hint="Name or email address" />
            </SearchForm>
            <div id="users-found">
                <ErrorSummary error />
                <Transition>
                    <DataTable caption="Users of your organization" columns=user_columns() rows empty="No users match your search." />
                </Transition>
            </div>
            <p><a href="/">"Back to Dashboard"</a></p>
        </Require>
    }
}

fn user_columns() -> Vec<Column<UserRow>> {
    vec![
        Column::new("Name", |u: &UserRow| {
            view! { <a href=format!("/admin/users/{}", u.id)>{u.name.clone()}</a> }.into_any()
        }),
        Column::text("Email", |u: &UserRow| u.email.clone()),
        Column::text("Role", |u: &UserRow| u.role.clone()),
        Column::text("Status", |u: &UserRow| u.status.clone()),
    ]
}

#[component]
pub fn AddUserPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let mobile = RwSignal::new(String::new());
    let business = RwSignal::new(String::new());
    let action = ServerAction::<AddUser>::new();
    let error = action_error(action);
    let field_error = field_errors(move || error.get());
    // Once added, the address names the user (`?added=12`), so the choice that follows
    // survives a reload and works before the browser app loads.
    let query = use_query_map();
    let added = Signal::derive(move || {
        query
            .read()
            .get("added")
            .and_then(|v| v.parse::<i64>().ok())
    });
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate.with_value(|n| n(&format!("/admin/users/new?added={id}"), Default::default()));
        }
    });
    let user = page_resource(
        move || added.get(),
        |id| async move {
            match id {
                Some(id) => load_user(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Require access=PageAccess::OrgAdmin>
            <div class="narrow">
                <h1>"Add a User"</h1>
                <Suspense>
                    {Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => view! {
                                <p role="status">{format!(
                                    "{} was added. If they are new to the portal, a registration link valid for 7 days was emailed to {}.",
                                    u.name, u.email
                                )}</p>
                                <p>"Assign the user's permissions now, or later from User Management. A user whose permissions are never assigned is deactivated."</p>
                                <div class="actions">
                                    <Form method="GET" action=format!("/admin/users/{}/permissions", u.id) attr:class="inline">
                                        <button type="submit" class="button primary">"Assign Now"</button>
                                    </Form>
                                    <Form method="GET" action=format!("/admin/users/{}", u.id) attr:class="inline">
                                        <button type="submit" class="button">"Skip For Now"</button>
                                    </Form>
                                </div>
                            }.into_any(),
                            Ok(None) => view! {
                                <ActionForm action attr:novalidate=true>
                                    <ErrorSummary error />
                                    <Field label="Email Address" value=email input_type="email" autocomplete="off" error=field_error("email") required=true name="form[email]" />
                                    <Field label="First Name" value=first autocomplete="off" error=field_error("first_name") required=true name="form[first_name]" />
                                    <Field label="Last Name" value=last autocomplete="off" error=field_error("last_name") required=true name="form[last_name]" />
                                    <Field label="Mobile Number" value=mobile input_type="tel" autocomplete="off" error=field_error("mobile") required=true name="form[mobile]"
                                        hint="The user's one-time passcodes go to this number." />
                                    <Field label="Business Number" value=business input_type="tel" autocomplete="off" error=field_error("business") name="form[business]" />
                                    <button type="submit" class="button primary" disabled=move || action.pending().get()>"Next"</button>
                                </ActionForm>
                            }.into_any(),
                            Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                        }
                    })}
                </Suspense>
                <p><a href="/admin/users">"Back to User Management"</a></p>
            </div>
        </Require>
    }
}

#[component]
pub fn UserPage() -> impl IntoView {
    let user_id = route_user_id();
    let detail = page_resource(move || user_id.get(), load_user);
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"User Management and Permissions"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading the user…"</p> }>
                {Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! { <UserDetailView detail=d reload=Callback::new(move |_| detail.refetch()) /> }.into_any(),
                        Err(e) => view! { <ErrorSummary error=Signal::stored(Some(e)) /> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/admin/users">"Back to User Management"</a></p>
        </Require>
    }
}

/// The notice a change leaves on the user's page (`?done=…`).
fn done_notice(done: Option<String>) -> Option<&'static str> {
    Some(match done.as_deref()? {
        "deactivated" => "The user was deactivated.",
        "reactivated" => "The user was reactivated.",
        "resent" => "The registration email was sent again.",
        "email" => "A confirmation link was sent to the new address.",
        _ => return None,
    })
}

/// A user: facts, actions, permissions and history. Each action is a form (its dialog opened
/// by the address, `?dialog=…`), so all of them work before the browser app loads.
#[component]
fn UserDetailView(detail: UserDetail, reload: Callback<()>) -> impl IntoView {
    let id = detail.id;
    let here = format!("/admin/users/{id}");
    let query = use_query_map();
    let navigate = StoredValue::new(use_navigate());
    let (confirm_open, _) = query_dialog_is("dialog", "status");
    let (email_open, _) = query_dialog_is("dialog", "email");
    let status_action = ServerAction::<SetUserActive>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let email_action = ServerAction::<ChangeUserEmail>::new();
    let new_email = RwSignal::new(String::new());
    let deactivated = detail.deactivated;
    for done in [status_action.value(), resend.value()] {
        Effect::new(move |_| {
            if let Some(Ok(next)) = done.get() {
                navigate.with_value(|n| n(&next, Default::default()));
                reload.run(());
            }
        });
    }
    // Changing a username needs the administrator's fresh passcode ("Confirm it's you" first).
    Effect::new(move |_| {
        if let Some(Ok(next)) = email_action.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            reload.run(());
        }
    });
    let menu_label = if deactivated {
        "Reactivate User"
    } else {
        "Deactivate User"
    };
    let items = vec![MenuItem::link(menu_label, format!("{here}?dialog=status"))];
    let status_error = action_error(status_action);
    let email_error = action_error(email_action);
    let email_field_error = field_errors(move || email_error.get());
    let notice = move || done_notice(query.read().get("done"));
    view! {
        {move || notice().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <div class="user-header">
            {deactivated.then(|| view! { <p class="badge deactivated">"Deactivated User"</p> })}
            <h2 id="user-name">{detail.name.clone()}</h2>
            <MenuButton label="More actions" items />
        </div>
        <ErrorSummary error=Signal::derive(move || action_error(resend).get()) />
        <dl class="facts">
            <dt>"Email Address"</dt><dd>{detail.email.clone()}</dd>
            {detail.pending_email.clone().map(|e| view! { <dt>"New email awaiting confirmation"</dt><dd>{e}</dd> })}
            <dt>"Mobile Number"</dt><dd>{detail.phone.clone()}</dd>
            <dt>"Status"</dt><dd>{detail.status.clone()}</dd>
        </dl>
        <div class="actions">
            <Form method="GET" action=here.clone() attr:class="inline">
                <button type="submit" class="button" name="dialog" value="email">"Change Email Address"</button>
            </Form>
            {detail.invited.then(|| view! {
                <PostButton action=resend field=("user_id", id.to_string()) label="Resend Registration Email" />
            })}
        </div>
        {detail.awaiting_permissions.then(|| view! {
            <p class="notice">"This user's permissions have not been assigned yet. "
                <a href=format!("/admin/users/{id}/permissions")>"Assign Now"</a>
            </p>
        })}
        <PermissionSections set=detail.set.clone() npis=detail.npis.clone() user_id=id link=false />
        <section aria-labelledby="change-history">
            <h2 id="change-history">"Change History"</h2>
            <DataTable caption="Changes to this user" columns=vec![
                Column::text("When", |c: &ChangeRow| c.at.clone()),
                Column::text("Changed by", |c: &ChangeRow| c.by.clone()),
                Column::text("Change", |c: &ChangeRow| c.action.clone()),
                Column::text("Before", |c: &ChangeRow| c.before.clone()),
                Column::text("After", |c: &ChangeRow| c.after.clone()),
                Column::text("Reason", |c: &ChangeRow| c.reason.clone()),
            ] rows=Signal::stored(detail.history.clone()) empty="No changes yet." />
        </section>
        <Modal open=confirm_open title=menu_label close_href=here.clone()>
            <p>{if deactivated {
                "Reactivate this user? They can sign in to your organization again with their permissions."
            } else {
                "Deactivate this user? They are signed out of your organization at once and cannot use it until reactivated."
            }}</p>
            <ErrorSummary error=status_error />
            <ActionForm action=status_action>
                <input type="hidden" name="user_id" value=id.to_string() />
                <input type="hidden" name="active" value=deactivated.to_string() />
                <button type="submit" class="button primary">"Confirm"</button>
            </ActionForm>
        </Modal>
        <Modal open=email_open title="Change Email Address" close_href=here.clone()>
            <p>"The new address becomes the user's username once they confirm it with the link we email to it."</p>
            <ActionForm action=email_action attr:novalidate=true>
                <input type="hidden" name="user_id" value=id.to_string() />
                <ErrorSummary error=Signal::derive(move || email_error.get().filter(|e| !matches!(e, AppError::Validation(_) | AppError::StepUpRequired))) />
                <Field label="New Email Address" value=new_email input_type="email" autocomplete="off" error=email_field_error("email") name="email" />
                <button type="submit" class="button primary">"Send Confirmation"</button>
            </ActionForm>
        </Modal>
    }
}

#[component]
pub fn DomainsPage() -> impl IntoView {
    let domains = page_resource(|| (), |_| admin_domains());
    let remove = ServerAction::<RemoveDomain>::new();
    let query = use_query_map();
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(next)) = remove.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            domains.refetch();
        }
    });
    let removed = move || query.read().get("removed").is_some();
    let rows = Signal::derive(move || domains.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <Require access=PageAccess::OrgAdmin>
            <h1>"Domain Management"</h1>
            <Show when=removed>
                <p class="notice" role="status">"The domain was removed."</p>
            </Show>
            <p>"The email domains of your organization's users. A domain can be removed once none of its users is active: deactivate them first."</p>
            <ErrorSummary error=Signal::derive(move || remove.value().get().and_then(Result::err).or_else(|| domains.get().and_then(Result::err))) />
            <Transition>
                <DataTable caption="Email domains" columns=domain_columns(remove) rows empty="No domains." />
            </Transition>
            <p><a href="/admin/users">"Back to User Management"</a></p>
        </Require>
    }
}

fn domain_columns(remove: ServerAction<RemoveDomain>) -> Vec<Column<DomainRow>> {
    vec![
        Column::text("Domain", |d: &DomainRow| d.domain.clone()),
        Column::text("Users", |d: &DomainRow| d.users.to_string()),
        Column::text("Active users", |d: &DomainRow| d.active_users.join(", ")),
        Column::new("Remove", move |d: &DomainRow| {
            view! {
                <PostButton action=remove field=("domain", d.domain.clone()) label="Remove"
                    aria_label=format!("Remove {}", d.domain) />
            }
            .into_any()
        }),
    ]
}

/// The three sections of a user's permissions, each with its "Edit" (a button on the user's
/// page, a link on the wizard's confirmation) that opens the wizard at that step.
#[component]
pub(super) fn PermissionSections(
    set: PermissionSet,
    npis: Vec<NpiOption>,
    user_id: i64,
    /// "Edit" as a link rather than a button.
    link: bool,
) -> impl IntoView {
    let edit = move |step: usize| {
        if link {
            view! { <a href=format!("/admin/users/{user_id}/permissions?step={step}")>"Edit"</a> }
                .into_any()
        } else {
            view! {
                <Form method="GET" action=format!("/admin/users/{user_id}/permissions") attr:class="inline">
                    <input type="hidden" name="step" value=step.to_string() />
                    <button type="submit" class="button">"Edit"</button>
                </Form>
            }
            .into_any()
        }
    };
    let name_of = |id: &i64| {
        npis.iter()
            .find(|n| n.provider_id == *id)
            .map(|n| format!("{} ({})", n.name, n.npi))
            .unwrap_or_default()
    };
    let npi_rows: Vec<(String, String, String)> = npis
        .iter()
        .map(|n| {
            let level = match set.npis.get(&n.provider_id) {
                Some(NpiLevel::Admin) => "Admin",
                Some(NpiLevel::Processor) => "Processor",
                None => "None",
            };
            (n.npi.clone(), n.name.clone(), level.to_string())
        })
        .collect();
    let correspondence_rows: Vec<(String, String)> = set
        .correspondence
        .iter()
        .map(|(provider, types)| (name_of(provider), types.join(", ")))
        .collect();
    let position = match set.position.as_str() {
        "Other" => format!("Other: {}", set.position_other),
        "" => "Not set".into(),
        p => p.to_string(),
    };
    let modules = if set.modules.is_empty() {
        "None".to_string()
    } else {
        set.modules
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <section aria-labelledby="npi-permissions">
            <div class="section-header">
                <h2 id="npi-permissions">"NPI Permissions"</h2>
                {edit(0)}
            </div>
            <DataTable caption="NPI permissions" columns=vec![
                Column::text("NPI", |r: &(String, String, String)| r.0.clone()),
                Column::text("Provider", |r: &(String, String, String)| r.1.clone()),
                Column::text("Permission", |r: &(String, String, String)| r.2.clone()),
            ] rows=Signal::stored(npi_rows) empty="The organization has no NPIs." />
        </section>
        <section aria-labelledby="correspondence-permissions">
            <div class="section-header">
                <h2 id="correspondence-permissions">"Correspondence Permissions"</h2>
                {edit(1)}
            </div>
            <DataTable caption="Correspondence permissions" columns=vec![
                Column::text("NPI", |r: &(String, String)| r.0.clone()),
                Column::text("Correspondence types", |r: &(String, String)| r.1.clone()),
            ] rows=Signal::stored(correspondence_rows) empty="No correspondence permissions." />
        </section>
        <section aria-labelledby="organization-permissions">
            <div class="section-header">
                <h2 id="organization-permissions">"Permissions Across Organization"</h2>
                {edit(2)}
            </div>
            <dl class="facts">
                <dt>"Organization Permission"</dt><dd>{set.org_role.label()}</dd>
                <dt>"User Role"</dt><dd>{set.preset.label()}</dd>
                <dt>"Security Settings"</dt><dd>{modules}</dd>
                <dt>"Position"</dt><dd>{position}</dd>
            </dl>
        </section>
    }
}
