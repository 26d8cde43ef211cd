//! "My Dashboard": one tile per area the user may use in the current organization.

mod chart;
mod paperless;
#[cfg(feature = "ssr")]
pub mod repo;
mod tiles;

use crate::domain::permissions::Module;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use chart::MonthPaid;
pub use paperless::PaperlessPage;
pub use tiles::DashboardPage;

/// How many notifications the tile lists before "+ more".
pub const NOTIFICATIONS_ON_TILE: i64 = 3;
/// NPIs per page in the "NPI Agreements and Settings" tile.
pub const NPIS_PER_PAGE: i64 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub organization: String,
    /// A provider office (else a submitter or a health network).
    pub provider_office: bool,
    /// A submitter's plan-issued ID, shown on "My Profile and Preferences".
    pub submitter_id: Option<String>,
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
    /// The page of the user's NPIs the address names (`?npis=…`), else the first.
    pub npis: Page<NpiRow>,
    /// With the Claims module and NPIs held: what was paid on the claims those NPIs billed
    /// or rendered, month by month.
    pub claims_paid: Option<Vec<MonthPaid>>,
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

/// My Dashboard, its NPI table at the page after `npis_after` (the first without).
#[server(endpoint = "dashboard")]
pub async fn load_dashboard(npis_after: Option<String>) -> Result<Dashboard, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::dashboard(&member, npis_after).await
}

#[server(endpoint = "dashboard/dismiss-banner")]
pub async fn dismiss_banner(banner_id: i64) -> Result<(), AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::dismiss_banner(&member, banner_id).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::repo;
    use super::*;
    use crate::domain::permissions::OrgRole;
    use crate::ssr::guard::Member;

    pub async fn dashboard(
        caller: &Member,
        npis_after: Option<String>,
    ) -> Result<Dashboard, AppError> {
        let org = &caller.org;
        let mut conn = caller.state.db.conn().await?;
        let now = caller.state.clock.unix();
        let cal = &caller.state.settings.calendar;
        // With the Claims module, Claims Paid comes with the summary, for the months the
        // chart shows.
        let today = if org.modules.contains(&Module::Claims) {
            Some(cal.date_of(now).ok_or(AppError::Internal)?)
        } else {
            None
        };
        let paid = today.map(|today| {
            let (year, month) = chart::months_ending(today)[0];
            repo::PaidSince {
                from_month: format!("{year:04}-{month:02}"),
                today: today.to_string(),
            }
        });
        // The NPI tile's page comes with the summary; one more NPI than a page tells whether
        // another follows (`Page::from_rows`).
        let after = npis_after.unwrap_or_default();
        let npi_page = repo::NpiPage {
            after: &after,
            limit: NPIS_PER_PAGE + 1,
        };
        let mut summary = repo::summary(
            &mut conn,
            caller,
            now,
            NOTIFICATIONS_ON_TILE,
            paid,
            npi_page,
        )
        .await?;
        let notifications = std::mem::take(&mut summary.notifications)
            .into_iter()
            .map(|(id, title, created)| NotificationItem {
                id,
                title,
                date: cal.format_date(created),
            })
            .collect();
        let npis = crate::pins::ssr::npi_page(std::mem::take(&mut summary.npis), NPIS_PER_PAGE);
        let levels: Vec<&str> = summary.npi_levels().collect();
        let is_org_admin = org.role == OrgRole::Admin;
        let claims_paid = today
            .filter(|_| !levels.is_empty())
            .map(|today| chart::by_month(today, &summary.paid_by_month()));
        Ok(Dashboard {
            organization: org.name.clone(),
            provider_office: org.kind == crate::domain::permissions::OrgKind::Provider,
            submitter_id: summary.submitter_id.clone(),
            is_org_admin,
            modules: org.modules.clone(),
            npi_admin: levels.contains(&"admin"),
            npi_any: !levels.is_empty(),
            notifications,
            notifications_total: summary.notifications_total,
            correspondence_total: summary.correspondence,
            active_users: is_org_admin.then_some(summary.active_users),
            banner: summary.banner(),
            paperless: summary.paperless_at.is_some(),
            npis,
            claims_paid,
        })
    }

    pub async fn dismiss_banner(caller: &Member, banner_id: i64) -> Result<(), AppError> {
        let now = caller.state.clock.unix();
        if repo::dismiss_banner(&mut *caller.state.db.conn().await?, caller, banner_id, now).await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
