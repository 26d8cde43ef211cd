//! The server side of the admin screens, a file per screen: each checks its input and rules
//! and calls the repository (`super::repo`). The guard has already admitted the caller as an
//! Org Admin of the organization in the scope it hands over.

pub mod collections;
mod domains;
mod email;
mod permissions;
pub mod tasks;
mod users;
pub mod verify;

pub use domains::{domains, remove_domain};
pub use email::{change_email, confirm_email, EMAIL_CHANGE_HOURS};
pub use permissions::{current_set, describe, save_correspondence, save_step, wizard};
pub use users::{
    add_user, deactivate_unassigned, list_users, resend_invitation, set_active, user_detail,
};

use super::repo;
use crate::domain::permissions::OrgRole;
use crate::error::AppError;
use crate::ssr::repo::{changes, memberships, notifications};
use crate::ssr::AppState;

pub const LAST_ADMIN: &str = "Your organization must keep at least one active Org Admin. Make another user an Org Admin first.";

/// A user's membership in the organization; 404 when they have none (or it was removed), so
/// nobody learns about users of other organizations.
pub struct Member {
    pub membership_id: i64,
    pub status: String,
    pub org_role: OrgRole,
    pub invited: bool,
    pub awaiting_permissions: bool,
    pub name: String,
    pub email: String,
}

pub async fn member(
    state: &AppState,
    organization_id: i64,
    user_id: i64,
) -> Result<Member, AppError> {
    let row = memberships::find(&mut *state.db.conn().await?, organization_id, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Member {
        membership_id: row.id,
        status: row.status,
        org_role: OrgRole::parse(&row.org_role),
        invited: row.invited == 1,
        awaiting_permissions: row.awaiting_permissions_since.is_some(),
        name: format!("{} {}", row.first_name, row.last_name),
        email: row.email,
    })
}

/// How "User Management" shows a membership's status.
fn status_label(status: &str, invited: bool) -> &'static str {
    match status {
        "deactivated" => "Deactivated",
        "pending" => "Pending",
        _ if invited => "Invited",
        _ => "Active",
    }
}

/// Writes one entry of a user's change history, and the audit row that goes with it.
/// In the transaction of the change it records (`conn`), so neither is kept without the other.
#[allow(clippy::too_many_arguments)]
pub async fn record_change(
    conn: &mut crate::ssr::repo::Conn,
    now: i64,
    organization_id: i64,
    user_id: i64,
    changed_by: Option<i64>,
    action: &'static str,
    before: &str,
    after: &str,
    reason: &str,
    ip: Option<String>,
) -> Result<(), AppError> {
    let change = changes::Change {
        organization_id,
        user_id,
        changed_by,
        action,
        before,
        after,
        reason,
        ip,
    };
    changes::record(&mut *conn, now, change).await?;
    // What one admin or user did is user activity for the office's other admins who opted in.
    if let Some(title) = user_activity(action) {
        let body = format!("{title}: {after}");
        let link = format!("/admin/users/{user_id}");
        notifications::to_admins(
            conn,
            now,
            organization_id,
            changed_by,
            notifications::Notice {
                kind: "user_activity",
                title,
                body: &body,
                link: &link,
            },
        )
        .await?;
    }
    Ok(())
}

/// The changes Org Admins may follow as user activity, with their titles.
fn user_activity(action: &str) -> Option<&'static str> {
    Some(match action {
        "user.add" => "User added",
        "access_request.accept" => "New user joined",
        "permission.change" => "Permissions changed",
        "user.deactivate" => "User deactivated",
        "user.reactivate" => "User reactivated",
        "user.remove" => "User removed",
        "user.email_change" => "Email changed",
        _ => return None,
    })
}

/// A notification to each active Org Admin of the organization who takes its kind, but
/// `except_user` (who did what it tells).
pub async fn notify_admins(
    state: &AppState,
    organization_id: i64,
    except_user: Option<i64>,
    notice: notifications::Notice<'_>,
) -> Result<(), AppError> {
    let now = state.clock.unix();
    notifications::to_admins(
        &mut *state.db.conn().await?,
        now,
        organization_id,
        except_user,
        notice,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_labels() {
        assert_eq!(super::status_label("active", true), "Invited");
        assert_eq!(super::status_label("active", false), "Active");
        assert_eq!(super::status_label("deactivated", true), "Deactivated");
    }
}
