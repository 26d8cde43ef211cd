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

/// What a notification says.
pub struct Notice<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: &'a str,
}

/// A notification to each active member of the organization who is Admin on the NPI, but
/// `except_user` (who did what it tells).
pub async fn to_npi_admins(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    provider_id: i64,
    except_user: i64,
    notice: Notice<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
         SELECT m.organization_id, m.user_id, $1, $2, $3, $4, $5 FROM memberships m \
         JOIN npi_permissions n ON n.membership_id = m.id AND n.provider_id = $6 AND n.level = 'admin' \
         WHERE m.organization_id = $7 AND m.status = 'active' AND m.user_id <> $8",
    )
    .bind(notice.kind)
    .bind(notice.title)
    .bind(notice.body)
    .bind(notice.link)
    .bind(now)
    .bind(provider_id)
    .bind(organization_id)
    .bind(except_user)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A notification to each active member of the organization who may read correspondence of
/// `correspondence_type` for the NPI.
pub async fn to_correspondence_readers(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    provider_id: i64,
    correspondence_type: &str,
    notice: Notice<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
         SELECT m.organization_id, m.user_id, $1, $2, $3, $4, $5 FROM memberships m \
         JOIN npi_permissions n ON n.membership_id = m.id AND n.provider_id = $6 \
         JOIN correspondence_permissions c ON c.membership_id = m.id AND c.provider_id = $6 \
         AND c.correspondence_type = $7 \
         WHERE m.organization_id = $8 AND m.status = 'active'",
    )
    .bind(notice.kind)
    .bind(notice.title)
    .bind(notice.body)
    .bind(notice.link)
    .bind(now)
    .bind(provider_id)
    .bind(correspondence_type)
    .bind(organization_id)
    .execute(conn)
    .await
    .map(|_| ())
}
