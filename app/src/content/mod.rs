//! What the plan publishes to every office: banners on My Dashboard (published, scheduled and
//! expired in the console) and the Additional Resources pages ("News and Bulletin",
//! "Frequently Asked Questions", "System Alerts"), whose text plan staff edit.

mod console;
#[cfg(feature = "ssr")]
mod repo;
pub mod text;
mod view;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
pub use text::{Block, Inline};

pub use console::{BannersConsole, ResourcesConsole};
pub use view::AdditionalResourcePage;

/// The Additional Resources pages: (address segment, heading).
pub const PAGES: [(&str, &str); 3] = [
    ("news", "News and Bulletin"),
    ("faq", "Frequently Asked Questions"),
    ("alerts", "System Alerts"),
];
/// The longest banner message: one or two lines across the dashboard.
pub const MAX_BANNER_CHARS: usize = 300;
/// Banners the console lists.
pub const BANNERS_LISTED: i64 = 20;

pub fn page_title(slug: &str) -> Option<&'static str> {
    PAGES.iter().find(|p| p.0 == slug).map(|p| p.1)
}

/// A page as readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceView {
    pub title: String,
    pub blocks: Vec<Block>,
    /// "Updated MM/DD/YYYY", if ever saved.
    pub updated: Option<String>,
}

/// A page as plan staff edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceText {
    pub slug: String,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BannerListing {
    pub id: i64,
    pub message: String,
    pub from: String,
    pub until: String,
    /// "Scheduled", "Showing" or "Expired".
    pub status: String,
}

/// The pages are public, as on the plan's website: no sign-in needed.
#[server(endpoint = "resources/page")]
pub async fn resource_page(page: String) -> Result<ResourceView, AppError> {
    let visitor = require(Access::ANYONE).await?;
    ssr::page(&visitor.state, &page).await
}

#[server(endpoint = "operator/banners")]
pub async fn console_banners() -> Result<Vec<BannerListing>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::banners(&operator).await
}

/// Publishes a banner for every user, from the start of the Start Date to the end of the
/// End Date in the plan's time zone; a later Start Date schedules it.
#[server(endpoint = "operator/banners/publish")]
pub async fn publish_banner(
    message: String,
    start: String,
    end: String,
) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let text = ssr::publish_banner(&operator, &message, &start, &end).await?;
    Ok(crate::operator::outcome("banner", &text))
}

/// Ends a banner now, or cancels a scheduled one.
#[server(endpoint = "operator/banners/expire")]
pub async fn expire_banner(banner_id: i64) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::expire_banner(&operator, banner_id).await?;
    Ok(crate::operator::outcome(
        "banner",
        "The banner was expired.",
    ))
}

#[server(endpoint = "operator/resources")]
pub async fn console_resources() -> Result<Vec<ResourceText>, AppError> {
    let operator = require(Access::OPERATOR).await?;
    ssr::texts(&operator).await
}

#[server(endpoint = "operator/resources/save")]
pub async fn save_resource(page: String, body: String) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let title = ssr::save(&operator, &page, &body).await?;
    Ok(crate::operator::outcome(
        "resource",
        &format!("{title} was saved."),
    ))
}

/// When a banner shows: from the start of `start` to the end of `end` (plan calendar days),
/// neither before `today`. Each wrong field is named.
pub fn banner_days(
    message: &str,
    start: &str,
    end: &str,
    today: jiff::civil::Date,
) -> Result<(jiff::civil::Date, jiff::civil::Date), AppError> {
    let mut check = crate::error::Checker::new();
    let message = message.trim();
    if message.is_empty() {
        check.add("message", "Enter the banner's message.");
    } else if message.chars().count() > MAX_BANNER_CHARS {
        check.add(
            "message",
            format!("A banner's message can be at most {MAX_BANNER_CHARS} characters."),
        );
    }
    let day = |name: &str, text: &str, check: &mut crate::error::Checker| {
        if text.trim().is_empty() {
            check.add(
                name,
                format!(
                    "Enter the {}.",
                    if name == "start" {
                        "Start Date"
                    } else {
                        "End Date"
                    }
                ),
            );
            None
        } else {
            check
                .check(name, crate::domain::UsDate::parse(text))
                .map(|d| d.0)
        }
    };
    let from = day("start", start, &mut check);
    let to = day("end", end, &mut check);
    if from.is_some_and(|d| d < today) {
        check.add("start", "The Start Date cannot be in the past.");
    }
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            check.add("end", "The End Date must be on or after the Start Date.");
        }
    }
    check.finish()?;
    Ok((from.unwrap_or(today), to.unwrap_or(today)))
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::ssr::guard::Operator;
    use crate::ssr::state::AppState;
    use jiff::ToSpan;

    pub async fn page(state: &AppState, slug: &str) -> Result<ResourceView, AppError> {
        let title = page_title(slug).ok_or(AppError::NotFound)?;
        let saved = repo::page(&mut *state.db.conn().await?, slug).await?;
        Ok(ResourceView {
            title: title.to_string(),
            blocks: saved
                .as_ref()
                .map(|(body, _)| text::parse(body))
                .unwrap_or_default(),
            updated: saved
                .map(|(_, at)| format!("Updated {}", state.settings.calendar.format_date(at))),
        })
    }

    pub async fn texts(Operator(caller): &Operator) -> Result<Vec<ResourceText>, AppError> {
        let mut conn = caller.state.db.conn().await?;
        let mut out = Vec::new();
        for (slug, title) in PAGES {
            let body = repo::page(&mut conn, slug)
                .await?
                .map(|(b, _)| b)
                .unwrap_or_default();
            out.push(ResourceText {
                slug: slug.into(),
                title: title.into(),
                body,
            });
        }
        Ok(out)
    }

    pub async fn save(
        Operator(caller): &Operator,
        slug: &str,
        body: &str,
    ) -> Result<&'static str, AppError> {
        let title = page_title(slug).ok_or(AppError::NotFound)?;
        text::check(body).map_err(|message| AppError::field("body", message))?;
        let state = &caller.state;
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        repo::save_page(&mut tx, slug, body.trim(), now, Some(caller.user_id)).await?;
        caller
            .audit("resource_page.save", format!("resource_page:{slug}"))
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(title)
    }

    pub async fn banners(Operator(caller): &Operator) -> Result<Vec<BannerListing>, AppError> {
        let state = &caller.state;
        let (now, cal) = (state.clock.unix(), &state.settings.calendar);
        let rows = repo::banners(&mut *state.db.conn().await?, BANNERS_LISTED).await?;
        Ok(rows
            .into_iter()
            .map(|b| BannerListing {
                id: b.id,
                message: b.message,
                from: cal.format_date(b.starts_at),
                // The last day shown: the banner ends at the start of the next.
                until: cal.format_date(b.ends_at - 1),
                status: if now >= b.ends_at || b.ends_at <= b.starts_at {
                    "Expired"
                } else if now < b.starts_at {
                    "Scheduled"
                } else {
                    "Showing"
                }
                .into(),
            })
            .collect())
    }

    pub async fn publish_banner(
        Operator(caller): &Operator,
        message: &str,
        start: &str,
        end: &str,
    ) -> Result<String, AppError> {
        let state = &caller.state;
        let (now, cal) = (state.clock.unix(), &state.settings.calendar);
        let today = cal.date_of(now).ok_or(AppError::Internal)?;
        let (from, to) = banner_days(message, start, end, today)?;
        let starts_at = cal.start_of(from).ok_or(AppError::Internal)?;
        let ends_at = cal.start_of(to + 1.day()).ok_or(AppError::Internal)?;
        let mut tx = state.db.begin().await?;
        let id = repo::add_banner(&mut tx, message.trim(), starts_at, ends_at).await?;
        caller
            .audit("banner.publish", format!("banner:{id}"))
            .detail(format!("{} to {}", from, to))
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        let (from, to) = (crate::domain::UsDate(from), crate::domain::UsDate(to));
        Ok(if from.0 == today {
            format!("The banner is showing until the end of {to}.")
        } else {
            format!("The banner is scheduled from {from} to {to}.")
        })
    }

    pub async fn expire_banner(Operator(caller): &Operator, id: i64) -> Result<(), AppError> {
        let state = &caller.state;
        let mut tx = state.db.begin().await?;
        if !repo::expire_banner(&mut tx, id, state.clock.unix()).await? {
            return Err(AppError::NotFound);
        }
        caller
            .audit("banner.expire", format!("banner:{id}"))
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn errors(
        r: Result<(jiff::civil::Date, jiff::civil::Date), AppError>,
        field: &str,
    ) -> Vec<String> {
        r.unwrap_err().field_messages(field)
    }

    #[test]
    fn a_banner_runs_from_today_or_later_to_an_end_on_or_after_its_start() {
        let today = date(2026, 11, 30);
        assert_eq!(
            banner_days("Maintenance Sunday", "11/30/2026", "2026-12-06", today).unwrap(),
            (today, date(2026, 12, 6))
        );
        assert_eq!(
            errors(banner_days("x", "11/29/2026", "12/06/2026", today), "start"),
            ["The Start Date cannot be in the past."]
        );
        assert_eq!(
            errors(banner_days("x", "12/02/2026", "12/01/2026", today), "end"),
            ["The End Date must be on or after the Start Date."]
        );
        let missing = banner_days(" ", "", "", today).unwrap_err();
        assert_eq!(
            missing.field_messages("message"),
            ["Enter the banner's message."]
        );
        assert_eq!(missing.field_messages("start"), ["Enter the Start Date."]);
        assert_eq!(missing.field_messages("end"), ["Enter the End Date."]);
    }

    #[test]
    fn a_banner_message_holds_300_characters() {
        let today = date(2026, 11, 30);
        let at_most = "a".repeat(MAX_BANNER_CHARS);
        assert!(banner_days(&at_most, "11/30/2026", "11/30/2026", today).is_ok());
        assert_eq!(
            errors(
                banner_days(&format!("{at_most}a"), "11/30/2026", "11/30/2026", today),
                "message"
            ),
            ["A banner's message can be at most 300 characters."]
        );
    }
}
