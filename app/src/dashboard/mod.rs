//! "My Dashboard": one tile per area the user may use in the current organization.

mod tiles;

use crate::domain::permissions::Module;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use tiles::DashboardPage;

/// How many notifications the tile lists before "+ more".
pub const NOTIFICATIONS_ON_TILE: i64 = 3;
/// NPIs per page in the "NPI Agreements and Settings" tile.
pub const NPIS_PER_PAGE: i64 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub organization: String,
    pub is_org_admin: bool,
    pub modules: Vec<Module>,
    /// The user is Admin on at least one NPI (PINs, agreements).
    pub npi_admin: bool,
    /// The user holds at least one NPI (correspondence).
    pub npi_any: bool,
    pub notifications: Vec<NotificationItem>,
    pub notifications_total: i64,
    pub correspondence_total: i64,
    pub active_users: Option<i64>,
    pub banner: Option<Banner>,
    pub paperless: bool,
    /// The first page of the user's NPIs.
    pub npis: Page<NpiRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: i64,
    pub title: String,
    /// MM/DD/YYYY in the plan's time zone.
    pub date: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Banner {
    pub id: i64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpiRow {
    pub npi: String,
    pub name: String,
    pub level: String,
}

#[server(endpoint = "dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::dashboard(&member).await
}

/// The NPIs the user administers, a page at a time (keyset on the NPI).
#[server(endpoint = "dashboard/npis")]
pub async fn dashboard_npis(after: Option<String>) -> Result<Page<NpiRow>, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::npis(&member, after).await
}

#[server(endpoint = "dashboard/dismiss-banner")]
pub async fn dismiss_banner(banner_id: i64) -> Result<(), AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::dismiss_banner(&member, banner_id).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::domain::permissions::OrgRole;
    use crate::ssr::guard::Member;
    use sqlx::Row;

    pub async fn dashboard(caller: &Member) -> Result<Dashboard, AppError> {
        let org = &caller.org;
        let db = &caller.state.db;
        let now = caller.state.clock.unix();
        let levels: Vec<String> =
            sqlx::query_scalar("SELECT level FROM npi_permissions WHERE membership_id = $1")
                .bind(org.membership_id)
                .fetch_all(&db.pool)
                .await?;
        let notification_rows = sqlx::query(
            "SELECT id, title, created_at FROM notifications \
             WHERE organization_id = $1 AND (user_id IS NULL OR user_id = $2) ORDER BY created_at DESC, id DESC LIMIT $3",
        )
        .bind(org.organization_id)
        .bind(caller.user_id)
        .bind(NOTIFICATIONS_ON_TILE)
        .fetch_all(&db.pool)
        .await?;
        let notifications_total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE organization_id = $1 AND (user_id IS NULL OR user_id = $2)",
        )
        .bind(org.organization_id)
        .bind(caller.user_id)
        .fetch_one(&db.pool)
        .await?;
        let cal = &caller.state.settings.calendar;
        let notifications = notification_rows
            .into_iter()
            .map(|row| {
                let created: i64 = row.try_get("created_at")?;
                Ok(NotificationItem {
                    id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    date: cal.format_date(created),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let correspondence_total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM correspondence_documents d \
             JOIN npi_permissions p ON p.provider_id = d.provider_id AND p.membership_id = $1 \
             WHERE d.organization_id = $2",
        )
        .bind(org.membership_id)
        .bind(org.organization_id)
        .fetch_one(&db.pool)
        .await?;
        let is_org_admin = org.role == OrgRole::Admin;
        let active_users = if is_org_admin {
            Some(
                sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND status = 'active'")
                    .bind(org.organization_id)
                    .fetch_one(&db.pool)
                    .await?,
            )
        } else {
            None
        };
        let banner = sqlx::query(
            "SELECT b.id, b.message FROM banners b WHERE b.starts_at <= $1 AND b.ends_at > $1 \
             AND NOT EXISTS (SELECT 1 FROM banner_dismissals d WHERE d.banner_id = b.id AND d.user_id = $2) \
             ORDER BY b.starts_at DESC LIMIT 1",
        )
        .bind(now)
        .bind(caller.user_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| Ok::<_, sqlx::Error>(Banner { id: row.try_get("id")?, message: row.try_get("message")? }))
        .transpose()?;
        let paperless: Option<i64> =
            sqlx::query_scalar("SELECT paperless_at FROM organizations WHERE id = $1")
                .bind(org.organization_id)
                .fetch_one(&db.pool)
                .await?;
        Ok(Dashboard {
            organization: org.name.clone(),
            is_org_admin,
            modules: org.modules.clone(),
            npi_admin: levels.iter().any(|l| l == "admin"),
            npi_any: !levels.is_empty(),
            notifications,
            notifications_total,
            correspondence_total,
            active_users,
            banner,
            paperless: paperless.is_some(),
            npis: npis(caller, None).await?,
        })
    }

    pub async fn npis(caller: &Member, after: Option<String>) -> Result<Page<NpiRow>, AppError> {
        let org = &caller.org;
        let rows = sqlx::query(
            "SELECT p.npi, p.name, n.level FROM npi_permissions n JOIN providers p ON p.id = n.provider_id \
             WHERE n.membership_id = $1 AND p.organization_id = $2 AND p.npi > $3 ORDER BY p.npi LIMIT $4",
        )
        .bind(org.membership_id)
        .bind(org.organization_id)
        .bind(after.unwrap_or_default())
        .bind(NPIS_PER_PAGE + 1)
        .fetch_all(&caller.state.db.pool)
        .await?;
        let mut items = rows
            .into_iter()
            .map(|row| {
                Ok(NpiRow {
                    npi: row.try_get("npi")?,
                    name: row.try_get("name")?,
                    level: match row.try_get::<String, _>("level")?.as_str() {
                        "admin" => "Admin".to_string(),
                        _ => "Processor".to_string(),
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let next = if items.len() as i64 > NPIS_PER_PAGE {
            items.truncate(NPIS_PER_PAGE as usize);
            items.last().map(|row| row.npi.clone())
        } else {
            None
        };
        Ok(Page { items, next })
    }

    pub async fn dismiss_banner(caller: &Member, banner_id: i64) -> Result<(), AppError> {
        let db = &caller.state.db;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM banners WHERE id = $1")
            .bind(banner_id)
            .fetch_optional(&db.pool)
            .await?;
        if exists.is_none() {
            return Err(AppError::NotFound);
        }
        sqlx::query(
            "INSERT INTO banner_dismissals (banner_id, user_id, dismissed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (banner_id, user_id) DO NOTHING",
        )
        .bind(banner_id)
        .bind(caller.user_id)
        .bind(caller.state.clock.unix())
        .execute(&db.pool)
        .await?;
        Ok(())
    }
}
