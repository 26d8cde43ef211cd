//! Notifications on My Dashboard.

use super::Conn;

/// A notification to each active Org Admin of the organization.
pub async fn to_admins(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    title: &str,
    body: &str,
    link: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
         SELECT organization_id, user_id, 'user_activity', $2, $3, $4, $5 FROM memberships \
         WHERE organization_id = $1 AND org_role = 'admin' AND status = 'active'",
    )
    .bind(organization_id)
    .bind(title)
    .bind(body)
    .bind(link)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ())
}
