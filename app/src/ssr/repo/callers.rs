//! What the authorization guard reads about a caller: the account, the membership in the
//! organization the session works in, its modules and NPI grants.

use crate::ssr::db::Db;

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

pub async fn account(db: &Db, user_id: i64) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query_as(
        "SELECT email, first_name, last_name, is_operator, password_changed_at, training_completed_at, training_role \
         FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}

/// An active membership and the state of its organization.
#[derive(sqlx::FromRow)]
pub struct Membership {
    pub id: i64,
    pub org_role: String,
    pub name: String,
    pub kind: String,
    pub verified_at: Option<i64>,
    pub registered_at: Option<i64>,
    pub suspended_at: Option<i64>,
}

pub async fn membership(
    db: &Db,
    user_id: i64,
    organization_id: i64,
) -> Result<Option<Membership>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.id, m.org_role, o.name, o.kind, o.verified_at, o.registered_at, o.suspended_at \
         FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.organization_id = $2 AND m.status = 'active'",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn modules(db: &Db, membership_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT module FROM module_permissions WHERE membership_id = $1")
        .bind(membership_id)
        .fetch_all(&db.pool)
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
