//! What the authorization guard reads about a caller: the account, the membership in the
//! organization the session works in, its modules and NPI grants.

use crate::ssr::db::Db;

/// The account behind a session, with the user's active membership in the organization the
/// session works in (if any): one read for every request.
pub struct Account {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_operator: i64,
    pub password_changed_at: Option<i64>,
    pub training_completed_at: Option<i64>,
    pub training_role: Option<String>,
    pub membership: Option<Membership>,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    email: String,
    first_name: String,
    last_name: String,
    is_operator: i64,
    password_changed_at: Option<i64>,
    training_completed_at: Option<i64>,
    training_role: Option<String>,
    membership_id: Option<i64>,
    org_role: Option<String>,
    org_name: Option<String>,
    kind: Option<String>,
    verified_at: Option<i64>,
    registered_at: Option<i64>,
    suspended_at: Option<i64>,
    modules: Option<String>,
}

pub async fn account(
    db: &Db,
    user_id: i64,
    organization_id: Option<i64>,
) -> Result<Option<Account>, sqlx::Error> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT u.email, u.first_name, u.last_name, u.is_operator, u.password_changed_at, \
         u.training_completed_at, u.training_role, m.id AS membership_id, m.org_role, o.name AS org_name, \
         o.kind, o.verified_at, o.registered_at, o.suspended_at, \
         (SELECT string_agg(p.module, ',') FROM module_permissions p WHERE p.membership_id = m.id) AS modules \
         FROM users u \
         LEFT JOIN memberships m ON m.user_id = u.id AND m.organization_id = $2 AND m.status = 'active' \
         LEFT JOIN organizations o ON o.id = m.organization_id \
         WHERE u.id = $1",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| Account {
        membership: match (r.membership_id, r.org_role, r.org_name, r.kind) {
            (Some(id), Some(org_role), Some(name), Some(kind)) => Some(Membership {
                id,
                org_role,
                name,
                kind,
                verified_at: r.verified_at,
                registered_at: r.registered_at,
                suspended_at: r.suspended_at,
                modules: split_modules(r.modules),
            }),
            _ => None,
        },
        email: r.email,
        first_name: r.first_name,
        last_name: r.last_name,
        is_operator: r.is_operator,
        password_changed_at: r.password_changed_at,
        training_completed_at: r.training_completed_at,
        training_role: r.training_role,
    }))
}

/// An active membership, the state of its organization, and the modules it may use.
pub struct Membership {
    pub id: i64,
    pub org_role: String,
    pub name: String,
    pub kind: String,
    pub verified_at: Option<i64>,
    pub registered_at: Option<i64>,
    pub suspended_at: Option<i64>,
    pub modules: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    id: i64,
    org_role: String,
    name: String,
    kind: String,
    verified_at: Option<i64>,
    registered_at: Option<i64>,
    suspended_at: Option<i64>,
    modules: Option<String>,
}

pub async fn membership(
    db: &Db,
    user_id: i64,
    organization_id: i64,
) -> Result<Option<Membership>, sqlx::Error> {
    let row: Option<MembershipRow> = sqlx::query_as(
        "SELECT m.id, m.org_role, o.name, o.kind, o.verified_at, o.registered_at, o.suspended_at, \
         (SELECT string_agg(p.module, ',') FROM module_permissions p WHERE p.membership_id = m.id) AS modules \
         FROM memberships m JOIN organizations o ON o.id = m.organization_id \
         WHERE m.user_id = $1 AND m.organization_id = $2 AND m.status = 'active'",
    )
    .bind(user_id)
    .bind(organization_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| Membership {
        id: r.id,
        org_role: r.org_role,
        name: r.name,
        kind: r.kind,
        verified_at: r.verified_at,
        registered_at: r.registered_at,
        suspended_at: r.suspended_at,
        modules: split_modules(r.modules),
    }))
}

/// The modules of a membership, aggregated in the query (module names have no commas).
fn split_modules(modules: Option<String>) -> Vec<String> {
    modules
        .map(|m| m.split(',').map(str::to_string).collect())
        .unwrap_or_default()
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
