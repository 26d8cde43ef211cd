//! Notifications on My Dashboard.

use super::Conn;

/// Who, of the members `m` a notification is for, takes its kind: everyone, but for the
/// opt-in kinds only those who chose a frequency for it. `$1` is the kind.
fn takes_kind(kind: &str) -> &'static str {
    if crate::profile::OPT_IN_KINDS.contains(&kind) {
        " AND EXISTS (SELECT 1 FROM notification_preferences p WHERE p.user_id = m.user_id \
         AND p.kind = $1 AND p.frequency <> 'off')"
    } else {
        ""
    }
}

/// A notification to each active Org Admin of the organization (who takes its kind), but
/// `except_user`.
pub async fn to_admins(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    except_user: Option<i64>,
    notice: Notice<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
         SELECT m.organization_id, m.user_id, $1, $2, $3, $4, $5 FROM memberships m \
         WHERE m.organization_id = $6 AND m.org_role = 'admin' AND m.status = 'active' \
         AND m.user_id <> $7{}",
        takes_kind(notice.kind)
    ))
    .bind(notice.kind)
    .bind(notice.title)
    .bind(notice.body)
    .bind(notice.link)
    .bind(now)
    .bind(organization_id)
    .bind(except_user.unwrap_or(0))
    .execute(conn)
    .await
    .map(|_| ())
}

/// A notification to one user in the organization (who takes its kind).
pub async fn to_user(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    user_id: i64,
    notice: Notice<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
         SELECT m.organization_id, m.user_id, $1, $2, $3, $4, $5 FROM memberships m \
         WHERE m.organization_id = $6 AND m.user_id = $7 AND m.status = 'active'{}",
        takes_kind(notice.kind)
    ))
    .bind(notice.kind)
    .bind(notice.title)
    .bind(notice.body)
    .bind(notice.link)
    .bind(now)
    .bind(organization_id)
    .bind(user_id)
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
    sqlx::query(&format!(
        "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
         SELECT m.organization_id, m.user_id, $1, $2, $3, $4, $5 FROM memberships m \
         JOIN npi_permissions n ON n.membership_id = m.id AND n.provider_id = $6 AND n.level = 'admin' \
         WHERE m.organization_id = $7 AND m.status = 'active' AND m.user_id <> $8{}",
        takes_kind(notice.kind)
    ))
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
    sqlx::query(&format!(
        "INSERT INTO notifications (organization_id, user_id, kind, title, body, link, created_at) \
         SELECT m.organization_id, m.user_id, $1, $2, $3, $4, $5 FROM memberships m \
         JOIN npi_permissions n ON n.membership_id = m.id AND n.provider_id = $6 \
         JOIN correspondence_permissions c ON c.membership_id = m.id AND c.provider_id = $6 \
         AND c.correspondence_type = $7 \
         WHERE m.organization_id = $8 AND m.status = 'active'{}",
        takes_kind(notice.kind)
    ))
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

/// A notification's email copy owed to one recipient.
#[derive(sqlx::FromRow)]
pub struct Copy {
    pub notification_id: i64,
    pub user_id: i64,
    pub email: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
}

/// Copies owed for notifications made in `from..to` to recipients who want them by email at
/// `frequency`, not yet sent; by recipient, oldest first. A notification for the whole
/// organization is owed to each of its active members. `skip`: kinds emailed anyway.
pub async fn copies_due(
    conn: &mut Conn,
    frequency: &str,
    from: i64,
    to: i64,
    skip: &[&str],
) -> Result<Vec<Copy>, sqlx::Error> {
    let skipped = skip
        .iter()
        .map(|k| format!("'{}'", k.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query_as(&format!(
        "SELECT n.id AS notification_id, u.id AS user_id, u.email, n.title, n.body, n.link, n.created_at \
         FROM notifications n \
         JOIN memberships m ON m.organization_id = n.organization_id AND m.status = 'active' \
         AND (n.user_id IS NULL OR n.user_id = m.user_id) \
         JOIN users u ON u.id = m.user_id \
         JOIN notification_preferences p ON p.user_id = u.id AND p.kind = n.kind \
         AND p.email = 1 AND p.frequency = $1 \
         WHERE n.created_at >= $2 AND n.created_at < $3 AND n.kind NOT IN ({skipped}) \
         AND NOT EXISTS (SELECT 1 FROM notification_mail x WHERE x.notification_id = n.id AND x.user_id = u.id) \
         ORDER BY u.id, n.created_at, n.id"
    ))
    .bind(frequency)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Claims a copy for sending: true for exactly one caller.
pub async fn claim_copy(
    conn: &mut Conn,
    notification_id: i64,
    user_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO notification_mail (notification_id, user_id, mailed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (notification_id, user_id) DO NOTHING",
    )
    .bind(notification_id)
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the organization was told of `kind` since `since`.
pub async fn told_since(
    conn: &mut Conn,
    organization_id: i64,
    kind: &str,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM notifications WHERE organization_id = $1 AND kind = $2 AND created_at >= $3 LIMIT 1",
    )
    .bind(organization_id)
    .bind(kind)
    .bind(since)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}
