//! The one place a membership's permissions are written: NPI levels, correspondence types per
//! NPI, and module access ("security settings").

use super::Conn;
use crate::domain::permissions::{Module, NpiLevel};
use std::collections::BTreeMap;

/// What a membership is granted.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Grants {
    pub npis: BTreeMap<i64, NpiLevel>,
    pub correspondence: BTreeMap<i64, Vec<String>>,
    pub modules: Vec<Module>,
}

/// Takes every permission away.
pub async fn clear(conn: &mut Conn, membership_id: i64) -> Result<(), sqlx::Error> {
    for table in [
        "npi_permissions",
        "correspondence_permissions",
        "module_permissions",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE membership_id = $1"))
            .bind(membership_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces every permission with `grants`.
pub async fn replace(
    conn: &mut Conn,
    membership_id: i64,
    grants: &Grants,
) -> Result<(), sqlx::Error> {
    clear(conn, membership_id).await?;
    for (provider_id, level) in &grants.npis {
        sqlx::query(
            "INSERT INTO npi_permissions (membership_id, provider_id, level) VALUES ($1, $2, $3)",
        )
        .bind(membership_id)
        .bind(provider_id)
        .bind(level.as_str())
        .execute(&mut *conn)
        .await?;
    }
    for (provider_id, types) in &grants.correspondence {
        for kind in types {
            sqlx::query(
                "INSERT INTO correspondence_permissions (membership_id, provider_id, correspondence_type) \
                 VALUES ($1, $2, $3)",
            )
            .bind(membership_id)
            .bind(provider_id)
            .bind(kind)
            .execute(&mut *conn)
            .await?;
        }
    }
    insert_modules(conn, membership_id, &grants.modules).await
}

/// Replaces only the module access.
pub async fn set_modules(
    conn: &mut Conn,
    membership_id: i64,
    modules: &[Module],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM module_permissions WHERE membership_id = $1")
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    insert_modules(conn, membership_id, modules).await
}

async fn insert_modules(
    conn: &mut Conn,
    membership_id: i64,
    modules: &[Module],
) -> Result<(), sqlx::Error> {
    for module in modules {
        sqlx::query("INSERT INTO module_permissions (membership_id, module) VALUES ($1, $2)")
            .bind(membership_id)
            .bind(module.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// What a membership holds now.
pub async fn read(conn: &mut Conn, membership_id: i64) -> Result<Grants, sqlx::Error> {
    let mut grants = Grants::default();
    let npis: Vec<(i64, String)> =
        sqlx::query_as("SELECT provider_id, level FROM npi_permissions WHERE membership_id = $1")
            .bind(membership_id)
            .fetch_all(&mut *conn)
            .await?;
    for (provider_id, level) in npis {
        if let Some(level) = NpiLevel::parse(&level) {
            grants.npis.insert(provider_id, level);
        }
    }
    let types: Vec<(i64, String)> = sqlx::query_as(
        "SELECT provider_id, correspondence_type FROM correspondence_permissions \
         WHERE membership_id = $1 ORDER BY correspondence_type",
    )
    .bind(membership_id)
    .fetch_all(&mut *conn)
    .await?;
    for (provider_id, kind) in types {
        grants
            .correspondence
            .entry(provider_id)
            .or_default()
            .push(kind);
    }
    let modules: Vec<String> =
        sqlx::query_scalar("SELECT module FROM module_permissions WHERE membership_id = $1")
            .bind(membership_id)
            .fetch_all(&mut *conn)
            .await?;
    grants.modules = Module::ALL
        .into_iter()
        .filter(|m| modules.iter().any(|x| x == m.as_str()))
        .collect();
    Ok(grants)
}
