//! What the authorization guard reads about a caller: the account, the membership in the
//! organization the session works in, its modules and NPI grants.

use crate::ssr::db::Db;
use crate::ssr::repo::sessions::SessionRow;
use sqlx::{FromRow, Row};

/// The account behind a session.
#[derive(sqlx::FromRow)]
pub struct Account {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_operator: i64,
    pub password_changed_at: Option<i64>,
    pub training_completed_at: Option<i64>,
    pub training_role: Option<String>,
}

/// An active membership, the state of its organization, and the modules it may use.
#[derive(sqlx::FromRow)]
pub struct Membership {
    pub id: i64,
    pub organization_id: i64,
    pub org_role: String,
    pub name: String,
    pub kind: String,
    pub verified_at: Option<i64>,
    pub registered_at: Option<i64>,
    pub suspended_at: Option<i64>,
    /// Aggregated in the query, comma-separated (module names have no commas).
    modules: Option<String>,
}

/// `Membership`'s columns but its organization ID (the caller's read takes the session's),
/// from `memberships m` and `organizations o`: a macro, so the queries are made at compile time.
macro_rules! membership_columns {
    () => {
        "m.id, m.org_role, o.name, o.kind, o.verified_at, o.registered_at, o.suspended_at, \
         (SELECT string_agg(p.module, ',') FROM module_permissions p WHERE p.membership_id = m.id) AS modules"
    };
}

impl Membership {
    pub fn modules(&self) -> impl Iterator<Item = &str> {
        self.modules.iter().flat_map(|m| m.split(','))
    }
}

/// One of the user's organizations as the header's switcher lists it: where the membership is
/// active, or where it was deactivated or removed (so the user knows why it is gone).
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationOfUser {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// "active", "deactivated" or "removed".
    pub status: String,
}

/// A live session as the guard reads it: the session, the account behind it, the user's
/// active membership in the organization the session works in (if any), and every
/// organization the user belongs to, by name.
pub struct SessionRead {
    pub session: SessionRow,
    pub account: Account,
    pub membership: Option<Membership>,
    pub organizations: Vec<OrganizationOfUser>,
}

/// The session with this ID hash and what the guard and the page header need with it (see
/// [`SessionRead`]): one read, made for every signed-in request. Each row is one of the user's
/// organizations (a single row with none); the session's columns repeat on each.
/// (`organization_id` is the session's, which is the membership's when there is one.) Every
/// signed-in page shows the organizations in its header, so they come in the same read rather
/// than in a second query on another connection.
pub async fn by_session(db: &Db, id_hash: &str) -> Result<Option<SessionRead>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        "SELECT s.id_hash, s.user_id, s.organization_id, s.created_at, s.last_seen_at, s.step_up_at, \
         u.email, u.first_name, u.last_name, u.is_operator, u.password_changed_at, \
         u.training_completed_at, u.training_role, ",
        membership_columns!(),
        ", a.organization_id AS of_id, ao.name AS of_name, ao.kind AS of_kind, a.status AS of_status \
         FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         LEFT JOIN memberships m ON m.user_id = s.user_id AND m.organization_id = s.organization_id AND m.status = 'active' \
         LEFT JOIN organizations o ON o.id = m.organization_id \
         LEFT JOIN memberships a ON a.user_id = s.user_id AND a.status IN ('active', 'deactivated', 'removed') \
         LEFT JOIN organizations ao ON ao.id = a.organization_id \
         WHERE s.id_hash = $1 ORDER BY ao.name, a.organization_id",
    ))
    .bind(id_hash)
    .fetch_all(&mut *db.conn().await?)
    .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let membership = match row.try_get::<Option<i64>, _>("id")? {
        Some(_) => Some(Membership::from_row(row)?),
        None => None,
    };
    let mut organizations = Vec::with_capacity(rows.len());
    for row in &rows {
        if let Some(id) = row.try_get::<Option<i64>, _>("of_id")? {
            organizations.push(OrganizationOfUser {
                id,
                name: row.try_get("of_name")?,
                kind: row.try_get("of_kind")?,
                status: row.try_get("of_status")?,
            });
        }
    }
    Ok(Some(SessionRead {
        session: SessionRow::from_row(row)?,
        account: Account::from_row(row)?,
        membership,
        organizations,
    }))
}

pub async fn membership(
    db: &Db,
    user_id: i64,
    organization_id: i64,
) -> Result<Option<Membership>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT m.organization_id, ",
        membership_columns!(),
        " FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.organization_id = $2 AND m.status = 'active'",
    ))
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(&db.pool)
    .await
}

/// The provider with this NPI in the organization and the membership's level on it (none: not
/// held); `None` for an NPI the organization does not have.
pub async fn npi_grant(
    db: &Db,
    membership_id: i64,
    organization_id: i64,
    npi: &str,
) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.id, n.level FROM providers p \
         LEFT JOIN npi_permissions n ON n.provider_id = p.id AND n.membership_id = $1 \
         WHERE p.npi = $2 AND p.organization_id = $3",
    )
    .bind(membership_id)
    .bind(npi)
    .bind(organization_id)
    .fetch_optional(&db.pool)
    .await
}
