//! "Domain Management": the email domains of the office's users; a domain can be removed from
//! the list only while none of its users is active.

use super::repo;
use crate::admin::DomainRow;
use crate::error::AppError;
use crate::ssr::db::on_unique;
use crate::ssr::guard::Admin;
use crate::ssr::repo::Conn;
use std::collections::BTreeMap;

pub async fn domains(admin: Admin) -> Result<Vec<DomainRow>, AppError> {
    domain_rows(&mut *admin.state.db.conn().await?, admin.organization_id()).await
}

async fn domain_rows(conn: &mut Conn, organization_id: i64) -> Result<Vec<DomainRow>, AppError> {
    let users = repo::domain_users(conn, organization_id).await?;
    let removed = repo::removed_domains(conn, organization_id).await?;
    let mut domains: BTreeMap<String, DomainRow> = BTreeMap::new();
    for user in users {
        let domain = user
            .email
            .rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_default();
        if removed.contains(&domain) {
            continue;
        }
        let entry = domains.entry(domain.clone()).or_insert_with(|| DomainRow {
            domain,
            users: 0,
            active_users: Vec::new(),
        });
        entry.users += 1;
        if user.status == "active" {
            entry
                .active_users
                .push(format!("{} {}", user.first_name, user.last_name));
        }
    }
    Ok(domains.into_values().collect())
}

pub async fn remove_domain(Admin { caller, org }: Admin, domain: String) -> Result<(), AppError> {
    let state = &caller.state;
    let domain = domain.trim().to_lowercase();
    let mut conn = state.db.conn().await?;
    let row = domain_rows(&mut conn, org.organization_id)
        .await?
        .into_iter()
        .find(|d| d.domain == domain)
        .ok_or(AppError::NotFound)?;
    if !row.active_users.is_empty() {
        return Err(AppError::Conflict(format!(
            "{domain} cannot be removed while these users are active: {}. Deactivate them first.",
            row.active_users.join(", ")
        )));
    }
    // Removed twice at once: the second finds it gone, as if it had looked a moment later.
    drop(conn);
    let mut tx = state.db.begin().await?;
    repo::remove_domain(
        &mut tx,
        state.clock.unix(),
        org.organization_id,
        &domain,
        caller.user_id,
    )
    .await
    .map_err(|e| {
        match on_unique(
            e,
            &[
                "removed_domains_pkey",
                "removed_domains.organization_id, removed_domains.domain",
            ],
            "domain",
            "",
        ) {
            AppError::Validation(_) => AppError::NotFound,
            other => other,
        }
    })?;
    caller
        .audit("domain.remove", format!("domain:{domain}"))
        .org(org.organization_id)
        .record_in(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
