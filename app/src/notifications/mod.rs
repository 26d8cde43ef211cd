//! Notifications: what happened that concerns the user — for their organization or for them —
//! searchable, filtered by date, a page at a time, each marked read or unread per user.

#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
mod repo;
mod view;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::NotificationsPage;

/// Notifications per page.
pub const PER_PAGE: i64 = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    /// MM/DD/YYYY 3:04 PM in the plan's time zone.
    pub at: String,
    pub read: bool,
}

/// The user's notifications, newest first, whose title or text contains `search`, between
/// the plan days `start` and `end` (either may be empty); keyset pages.
#[server(endpoint = "notifications")]
pub async fn list_notifications(
    search: String,
    start: String,
    end: String,
    after: Option<String>,
) -> Result<Page<NotificationRow>, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::list(&member, &search, &start, &end, after).await
}

/// Marks one notification read or unread for the user.
#[server(endpoint = "notifications/mark")]
pub async fn mark_notification(id: i64, read: bool) -> Result<(), AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    ssr::mark(&member, id, read).await
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::domain::{Calendar, UsDate};
    use crate::ssr::guard::Member;

    /// The moments a date filter covers: from the start of `start` to the end of `end`.
    pub fn date_range(
        calendar: &Calendar,
        start: &str,
        end: &str,
    ) -> Result<(Option<i64>, Option<i64>), AppError> {
        let day = |name: &str, text: &str| -> Result<Option<jiff::civil::Date>, AppError> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            UsDate::parse(text)
                .map(|d| Some(d.0))
                .map_err(|e| AppError::field(name, e.to_string()))
        };
        let (from, to) = (day("start", start)?, day("end", end)?);
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(AppError::field(
                    "end",
                    "The End Date must be on or after the Start Date.",
                ));
            }
        }
        let from = from.and_then(|d| calendar.start_of(d));
        let to = to
            .and_then(|d| d.tomorrow().ok())
            .and_then(|d| calendar.start_of(d));
        Ok((from, to))
    }

    /// A page's cursor: "created_at:id" of its last row.
    fn cursor(after: Option<String>) -> Option<(i64, i64)> {
        let (at, id) = after?
            .split_once(':')
            .map(|(a, b)| (a.parse().ok(), b.parse().ok()))?;
        Some((at?, id?))
    }

    pub async fn list(
        member: &Member,
        search: &str,
        start: &str,
        end: &str,
        after: Option<String>,
    ) -> Result<Page<NotificationRow>, AppError> {
        let cal = &member.state.settings.calendar;
        let (from, to) = date_range(cal, start, end)?;
        let rows = repo::page(
            &mut *member.state.db.conn().await?,
            member,
            repo::Filter {
                search: search.trim(),
                from,
                to,
                after: cursor(after),
            },
            PER_PAGE + 1,
        )
        .await?;
        let page = Page::from_rows(rows, PER_PAGE, |row| {
            format!("{}:{}", row.created_at, row.id)
        });
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|row| NotificationRow {
                    id: row.id,
                    title: row.title,
                    body: row.body,
                    link: row.link,
                    at: cal.format_date_time(row.created_at),
                    read: row.read_at.is_some(),
                })
                .collect(),
            next: page.next,
        })
    }

    pub async fn mark(member: &Member, id: i64, read: bool) -> Result<(), AppError> {
        let now = member.state.clock.unix();
        let mut conn = member.state.db.conn().await?;
        if !repo::visible(&mut conn, member, id).await? {
            return Err(AppError::NotFound);
        }
        repo::mark(&mut conn, member, id, read, now).await?;
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_date_filter_covers_whole_plan_days() {
            let cal = Calendar::new(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap());
            let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap().as_second();
            let (from, to) = date_range(&cal, "03/10/2026", "2026-03-11").unwrap();
            assert_eq!(from, Some(at("2026-03-10T07:00:00Z")));
            assert_eq!(
                to,
                Some(at("2026-03-12T07:00:00Z")),
                "to the end of the End Date"
            );
            assert_eq!(date_range(&cal, "", "").unwrap(), (None, None));
            let backwards = date_range(&cal, "03/11/2026", "03/10/2026").unwrap_err();
            assert_eq!(backwards.field_messages("end").len(), 1);
            let bad = date_range(&cal, "13/45/2026", "").unwrap_err();
            assert_eq!(bad.field_messages("start").len(), 1);
        }
    }
}
