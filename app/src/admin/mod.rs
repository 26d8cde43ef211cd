//! Organization administration (guides 000 "Administration", 004): the users of the office,
//! adding them, the three-step permission wizard, deactivation, email domains and the
//! history of every change. Only the organization's Org Admins may use any of it; each
//! server function checks that first, then that the user asked for belongs to the
//! organization (404 otherwise).

pub mod collections;
mod invitation;
#[cfg(feature = "ssr")]
pub(crate) mod letters;
#[cfg(feature = "ssr")]
pub(crate) mod repo;
mod role;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod tasks;
mod verify;
mod view;
mod wizard;

use crate::domain::permissions::{Module, NpiLevel, OrgRole, RolePreset};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use collections::CollectionManagerPage;
pub use invitation::{ConfirmEmailPage, InvitationPage};
pub use tasks::TaskListPage;
pub use verify::VerifyUsersPage;
pub use view::{AddUserPage, DomainsPage, UserManagementPage, UserPage};
pub use wizard::PermissionWizardPage;

/// A row of "User Management".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub status: String,
}

/// "Add a User".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewUser {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub mobile: String,
    pub business: String,
}

/// One NPI of the organization, as the wizard lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NpiOption {
    pub provider_id: i64,
    pub npi: String,
    pub name: String,
}

/// Everything the wizard assigns: the three sections of a user's permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermissionSet {
    /// Provider id → level; an NPI missing here is "None".
    pub npis: BTreeMap<i64, NpiLevel>,
    /// Provider id → correspondence types, only for NPIs the user holds.
    pub correspondence: BTreeMap<i64, Vec<String>>,
    pub org_role: OrgRole,
    pub preset: RolePreset,
    pub modules: Vec<Module>,
    pub position: String,
    pub position_other: String,
}

impl Default for PermissionSet {
    fn default() -> Self {
        PermissionSet {
            npis: BTreeMap::new(),
            correspondence: BTreeMap::new(),
            org_role: OrgRole::None,
            preset: RolePreset::CustomSetup,
            modules: Vec::new(),
            position: String::new(),
            position_other: String::new(),
        }
    }
}

impl PermissionSet {
    /// Correspondence kept only for NPIs the user still holds.
    pub fn prune_correspondence(&mut self) {
        let held = self.npis.clone();
        self.correspondence
            .retain(|provider, types| held.contains_key(provider) && !types.is_empty());
    }

    /// Whether the role, security settings or position differ (a change that needs a reason).
    pub fn role_changed(&self, other: &PermissionSet) -> bool {
        let mut a = self.modules.clone();
        let mut b = other.modules.clone();
        a.sort_by_key(|m| m.as_str());
        b.sort_by_key(|m| m.as_str());
        self.org_role != other.org_role
            || self.preset != other.preset
            || a != b
            || self.position != other.position
            || self.position_other.trim() != other.position_other.trim()
    }
}

/// The wizard as it opens: the organization's NPIs and types, and where the draft stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WizardData {
    pub user_id: i64,
    pub user_name: String,
    pub npis: Vec<NpiOption>,
    pub correspondence_types: Vec<String>,
    pub set: PermissionSet,
    /// 0–2: the three steps; 3: the confirmation.
    pub step: usize,
    /// The user's permissions were assigned before, so a role change needs a reason.
    pub editing: bool,
}

/// A change to a user, as "Change History" shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub at: String,
    pub by: String,
    pub action: String,
    pub before: String,
    pub after: String,
    pub reason: String,
}

/// "User Management and Permissions".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub status: String,
    pub deactivated: bool,
    /// Added but not yet registered: the invitation can be sent again.
    pub invited: bool,
    pub awaiting_permissions: bool,
    pub pending_email: Option<String>,
    pub npis: Vec<NpiOption>,
    pub set: PermissionSet,
    pub history: Vec<ChangeRow>,
}

/// A row of "Domain Management".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainRow {
    pub domain: String,
    pub users: i64,
    /// Names of the active users with this domain; while any, it cannot be removed.
    pub active_users: Vec<String>,
}

#[server(endpoint = "admin/users")]
pub async fn admin_users(search: String) -> Result<Vec<UserRow>, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::list_users(admin, search).await
}

/// "Next" on Add a User (`form[…]`); the page then offers "Assign Now" or "Skip For Now".
#[server(endpoint = "admin/users/add")]
pub async fn add_user(form: NewUser) -> Result<i64, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    let id = ssr::add_user(admin, form).await?;
    crate::ssr::follow(&format!("/admin/users/new?added={id}"));
    Ok(id)
}

#[server(endpoint = "admin/users/resend-invitation")]
pub async fn resend_invitation(user_id: i64) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::resend_invitation(admin, user_id).await?;
    let next = user_page(user_id, "resent");
    Ok(crate::ssr::follow(&next))
}

#[server(endpoint = "admin/users/detail")]
pub async fn load_user(user_id: i64) -> Result<UserDetail, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::user_detail(admin, user_id).await
}

/// The page of a user, with what was just done (`?done=…`) for its notice.
#[cfg(feature = "ssr")]
fn user_page(user_id: i64, done: &str) -> String {
    format!("/admin/users/{user_id}?done={done}")
}

/// "Deactivate User" / "Reactivate User", confirmed in its dialog.
#[server(endpoint = "admin/users/status")]
pub async fn set_user_active(
    user_id: i64,
    #[server(default)] active: bool,
) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::set_active(admin, user_id, active).await?;
    let next = user_page(user_id, if active { "reactivated" } else { "deactivated" });
    Ok(crate::ssr::follow(&next))
}

/// "Send Confirmation" in "Change Email Address".
#[server(endpoint = "admin/users/email")]
pub async fn change_user_email(user_id: i64, email: String) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::change_email(admin, user_id, email).await?;
    let next = user_page(user_id, "email");
    Ok(crate::ssr::follow(&next))
}

#[server(endpoint = "admin/wizard")]
pub async fn permission_wizard(user_id: i64, step: Option<usize>) -> Result<WizardData, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    ssr::wizard(admin, user_id, step).await
}

/// What a step of the wizard posts (`form[…]`): each step its own part, the rest left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WizardStepForm {
    /// Step 1: provider id → "admin", "processor" or "none".
    pub npi: BTreeMap<String, String>,
    /// Step 1's "Quick Assign to All NPIs": one level for every NPI, if chosen.
    pub quick: String,
    /// Step 3.
    pub org_role: String,
    pub preset: RolePreset,
    pub modules: Vec<Module>,
    pub position: String,
    pub position_other: String,
    /// Needed when an assigned user's role, settings or position change.
    pub reason: String,
}

/// "Back" and "Next" keep the step's part in the draft and move to step `to` (0–2);
/// `to` = "finish" ("Save and Finish") applies the draft. Answers the page to show.
#[server(endpoint = "admin/wizard/save")]
pub async fn save_wizard_step(
    user_id: i64,
    from: usize,
    to: String,
    #[server(default)] form: WizardStepForm,
) -> Result<String, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    let next = ssr::save_step(admin, user_id, from, &to, form).await?;
    Ok(crate::ssr::follow(&next))
}

/// "Save" in "Manage Correspondence Permissions": these types for these NPIs, in the draft.
#[server(endpoint = "admin/wizard/correspondence")]
pub async fn save_wizard_correspondence(
    user_id: i64,
    providers: Vec<i64>,
    #[server(default)] types: Vec<String>,
) -> Result<String, AppError> {
    let admin = require(Access::VERIFYING_ADMIN).await?;
    let next = ssr::save_correspondence(admin, user_id, providers, types).await?;
    Ok(crate::ssr::follow(&next))
}

#[server(endpoint = "admin/domains")]
pub async fn admin_domains() -> Result<Vec<DomainRow>, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::domains(admin).await
}

#[server(endpoint = "admin/domains/remove")]
pub async fn remove_domain(domain: String) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::remove_domain(admin, domain).await?;
    let next = "/admin/domains?removed=1".to_string();
    Ok(crate::ssr::follow(&next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correspondence_follows_the_npis_held() {
        let mut set = PermissionSet::default();
        set.npis.insert(1, NpiLevel::Processor);
        set.correspondence.insert(1, vec!["Tax Documents".into()]);
        set.correspondence.insert(2, vec!["Tax Documents".into()]);
        set.correspondence.insert(3, vec![]);
        set.prune_correspondence();
        assert_eq!(
            set.correspondence.keys().copied().collect::<Vec<_>>(),
            vec![1]
        );
    }

    #[test]
    fn only_role_settings_and_position_count_as_a_role_change() {
        let before = PermissionSet::default();
        let mut after = before.clone();
        after.npis.insert(1, NpiLevel::Admin);
        assert!(!after.role_changed(&before));
        after.modules = vec![Module::Claims];
        assert!(after.role_changed(&before));
        let mut moved = before.clone();
        moved.position = "Nurse".into();
        assert!(moved.role_changed(&before));
    }
}
