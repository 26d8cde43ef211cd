//! "Add a New Organization" (guide 000): a signed-in user registers another enrolled
//! organization with its secure token and becomes its Org Admin.

use crate::auth::{PageAccess, Require};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use crate::ui::{field_errors, go_to, ErrorSummary, Field};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewOrganization {
    pub token: String,
    pub tax_id: String,
    pub zip: String,
    pub contact_email: String,
}

#[server(endpoint = "organizations/add")]
pub async fn add_organization(form: NewOrganization) -> Result<(), AppError> {
    let user = require(Access::SIGNED_IN).await?;
    ssr::add(user, form).await?;
    // The user goes on working in the organization just added.
    crate::ssr::follow("/");
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::domain::{Email, TaxId, Zip};
    use crate::error::Checker;
    use crate::org_registration::ssr::{match_organization, register_organization, usable_token};

    pub async fn add(User(caller): User, form: NewOrganization) -> Result<(), AppError> {
        let state = caller.state.clone();
        let mut check = Checker::new();
        let tax_id = check.check("tax_id", TaxId::parse(&form.tax_id));
        let zip = check.check("zip", Zip::parse(&form.zip));
        let contact = check.check("contact_email", Email::parse(&form.contact_email));
        if form.token.trim().is_empty() {
            check.add("token", "Enter the Secure Token ID from your letter.");
        }
        check.finish()?;
        let (tax_id, zip, contact) = (
            tax_id.expect("checked"),
            zip.expect("checked"),
            contact.expect("checked"),
        );
        let (token_id, organization_id) = usable_token(&state, &form.token).await?;
        match_organization(&state, token_id, organization_id, &tax_id, &zip).await?;
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        register_organization(
            &mut tx,
            now,
            token_id,
            organization_id,
            caller.user_id,
            contact.as_str(),
        )
        .await?;
        for action in ["token.use", "organization.add"] {
            caller
                .audit(action, format!("organization:{organization_id}"))
                .org(organization_id)
                .detail("Org Admin")
                .record_in(&mut tx)
                .await?;
        }
        tx.commit().await?;
        // The user goes on working in the organization just added.
        crate::auth::session_info_ssr::replace_session(&caller, Some(organization_id)).await
    }
}

#[component]
pub fn AddOrganizationPage() -> impl IntoView {
    let token = RwSignal::new(String::new());
    let tax_id = RwSignal::new(String::new());
    let zip = RwSignal::new(String::new());
    let contact = RwSignal::new(String::new());
    let action = ServerAction::<AddOrganization>::new();
    let error = move || action.value().get().and_then(Result::err);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            go_to("/");
        }
    });
    let field_error = field_errors(error);
    view! {
        <Require access=PageAccess::SignedIn>
            <div class="narrow">
                <h1>"Add a New Organization"</h1>
                <p>"Enter the Secure Token ID the plan mailed to the organization, and its details as the plan has them. You will be its administrator."</p>
                <ActionForm action attr:novalidate=true>
                    <ErrorSummary error=Signal::derive(error) beside_fields=true />
                    <Field label="Secure Token ID" value=token name="form[token]" autocomplete="off" error=field_error("token") />
                    <Field label="Provider EIN/SSN" value=tax_id name="form[tax_id]" autocomplete="off" error=field_error("tax_id") />
                    <Field label="Provider Pay-To Zip Code" value=zip name="form[zip]" autocomplete="postal-code" error=field_error("zip") />
                    <Field label="Provider Contact Email Address" value=contact name="form[contact_email]" input_type="email" error=field_error("contact_email") />
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>"Submit"</button>
                </ActionForm>
                <p><a href="/">"Back to Dashboard"</a></p>
            </div>
        </Require>
    }
}
