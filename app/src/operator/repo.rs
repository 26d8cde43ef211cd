//! The plan's console repository: offices, secure tokens and the help desk's look-ups. Plan
//! staff see every organization; the guard admitted only them.

use crate::ssr::repo::Conn;

/// An enrolled office not yet registered, with its latest secure token.
#[derive(sqlx::FromRow)]
pub struct Enrolled {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub issued_at: Option<i64>,
    pub expires_at: Option<i64>,
}

pub async fn enrolled(conn: &mut Conn) -> Result<Vec<Enrolled>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.name, o.city, \
         (SELECT MAX(t.issued_at) FROM secure_tokens t WHERE t.organization_id = o.id) AS issued_at, \
         (SELECT MAX(t.expires_at) FROM secure_tokens t WHERE t.organization_id = o.id) AS expires_at \
         FROM organizations o WHERE o.registered_at IS NULL AND o.kind <> 'network' ORDER BY o.name",
    )
    .fetch_all(conn)
    .await
}

/// A registered office and where its verification and agreement stand.
#[derive(sqlx::FromRow)]
pub struct Office {
    pub id: i64,
    pub name: String,
    pub verified_at: Option<i64>,
    pub registered_at: Option<i64>,
    pub suspended_at: Option<i64>,
    pub verification_submitted_at: Option<i64>,
    pub access_agreement_at: Option<i64>,
}

pub async fn offices(conn: &mut Conn) -> Result<Vec<Office>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, verified_at, registered_at, suspended_at, verification_submitted_at, access_agreement_at \
         FROM organizations WHERE registered_at IS NOT NULL ORDER BY name",
    )
    .fetch_all(conn)
    .await
}

/// Records the Provider Portal Access Agreement once; false if not registered or recorded.
pub async fn record_agreement(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE organizations SET access_agreement_at = $1 WHERE id = $2 AND registered_at IS NOT NULL \
         AND access_agreement_at IS NULL",
    )
    .bind(now)
    .bind(organization_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Revokes the office's access and signs everyone of it out of it; false if not registered.
pub async fn revoke(conn: &mut Conn, now: i64, organization_id: i64) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE organizations SET suspended_at = $1 WHERE id = $2 AND registered_at IS NOT NULL",
    )
    .bind(now)
    .bind(organization_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE organization_id = $1")
        .bind(organization_id)
        .execute(conn)
        .await?;
    Ok(updated.rows_affected() == 1)
}

/// Reinstates the office: a new 60 days of verification start.
pub async fn reinstate(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE organizations SET suspended_at = NULL, verified_at = $1, verification_submitted_at = NULL \
         WHERE id = $2 AND registered_at IS NOT NULL",
    )
    .bind(now)
    .bind(organization_id)
    .execute(conn)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Registered offices by name, for choosing one.
pub async fn office_names(conn: &mut Conn) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name FROM organizations WHERE registered_at IS NOT NULL ORDER BY name",
    )
    .fetch_all(conn)
    .await
}

// --- Help desk ---------------------------------------------------------------------------

/// A caller's account as the help desk sees it: never the passkey itself.
#[derive(sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub passkey_ciphertext: Option<String>,
    pub locked_until: Option<i64>,
    pub lifetime_failed_logins: i64,
}

pub async fn account(conn: &mut Conn, email: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, first_name, last_name, email, passkey_ciphertext, locked_until, lifetime_failed_logins \
         FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await
}

/// Whether this help desk member matched the account's passkey since `since`.
pub async fn passkey_matched(
    conn: &mut Conn,
    operator_id: i64,
    user_id: i64,
    since: i64,
) -> Result<bool, sqlx::Error> {
    let matches: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'helpdesk.passkey_match' AND subject = $1 AND user_id = $2 AND at > $3",
    )
    .bind(format!("user:{user_id}"))
    .bind(operator_id)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(matches > 0)
}

/// An active member of the office, by email: membership, user and office name.
pub async fn active_member(
    conn: &mut Conn,
    organization_id: i64,
    email: &str,
) -> Result<Option<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.user_id, o.name FROM memberships m JOIN users u ON u.id = m.user_id \
         JOIN organizations o ON o.id = m.organization_id \
         WHERE m.organization_id = $1 AND u.email = $2 AND m.status = 'active'",
    )
    .bind(organization_id)
    .bind(email)
    .fetch_optional(conn)
    .await
}

/// Makes the membership an Org Admin (with the LOA preset); with `replace`, the office's other
/// admins become Processors.
pub async fn make_admin(
    conn: &mut Conn,
    now: i64,
    organization_id: i64,
    membership_id: i64,
    preset: &str,
    replace: bool,
) -> Result<(), sqlx::Error> {
    if replace {
        sqlx::query(
            "UPDATE memberships SET org_role = 'processor', updated_at = $1 WHERE organization_id = $2 \
             AND org_role = 'admin' AND id <> $3",
        )
        .bind(now)
        .bind(organization_id)
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "UPDATE memberships SET org_role = 'admin', role_preset = $1, awaiting_permissions_since = NULL, updated_at = $2 \
         WHERE id = $3",
    )
    .bind(preset)
    .bind(now)
    .bind(membership_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Requests still undecided that were submitted by `cutoff`: (first, last, office, submitted).
pub async fn undecided_requests(
    conn: &mut Conn,
    cutoff: i64,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.first_name, a.last_name, o.name, a.submitted_at FROM access_requests a \
         JOIN organizations o ON o.id = a.organization_id \
         WHERE a.status = 'pending' AND a.submitted_at <= $1 ORDER BY a.submitted_at",
    )
    .bind(cutoff)
    .fetch_all(conn)
    .await
}

/// The providers with this NPI in registered offices: (provider id, office id, name, office).
pub async fn registered_providers(
    conn: &mut Conn,
    npi: &str,
) -> Result<Vec<(i64, i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, o.id, p.name, o.name FROM providers p JOIN organizations o ON o.id = p.organization_id \
         WHERE p.npi = $1 AND o.registered_at IS NOT NULL ORDER BY o.name",
    )
    .bind(npi)
    .fetch_all(conn)
    .await
}
