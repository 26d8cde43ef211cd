//! The administration repository: the SQL of the admin screens, each query scoped to the
//! caller's organization.

use crate::error::AppError;
use crate::ssr::guard::Admin;

/// What the organization's registration letter states.
#[derive(sqlx::FromRow)]
pub struct Registration {
    pub name: String,
    pub tax_id: String,
    pub address_line1: String,
    pub city: String,
    pub state: String,
    pub pay_to_zip: String,
    pub registered_at: Option<i64>,
}

pub async fn registration(admin: &Admin) -> Result<Registration, AppError> {
    sqlx::query_as(
        "SELECT name, tax_id, address_line1, city, state, pay_to_zip, registered_at \
         FROM organizations WHERE id = $1",
    )
    .bind(admin.organization_id())
    .fetch_optional(&admin.state.db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// The NPIs of the organization, by NPI.
pub async fn npis(admin: &Admin) -> Result<Vec<(String, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT npi, name FROM providers WHERE organization_id = $1 ORDER BY npi")
            .bind(admin.organization_id())
            .fetch_all(&admin.state.db.pool)
            .await?,
    )
}
