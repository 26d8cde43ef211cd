//! Email copies of notifications, as each user's preferences ask: at once, or gathered in one
//! daily or weekly digest. The outbox worker sends what is due at once; the scheduled job
//! sends the digests, each period's run claimed by one server, and each copy claimed once.

use crate::domain::Calendar;
use crate::error::AppError;
use crate::ssr::messages;
use crate::ssr::outbox;
use crate::ssr::repo::{jobs, notifications as repo};
use crate::ssr::state::AppState;
use jiff::civil::Date;
use jiff::ToSpan;

/// Kinds whose email goes out anyway (an access request is always emailed to the admins), so
/// a copy would repeat it.
const EMAILED_ANYWAY: [&str; 1] = ["access"];
/// How far back the immediate sweep looks: long enough to cover a restart, short enough that
/// turning "Email" on does not send a pile of old notifications.
const IMMEDIATE_LOOKBACK: i64 = 60 * 60;

/// The digest a frequency makes, and the span of time (unix seconds, `from..to`) of the
/// last whole period before `now`: yesterday for "daily"; last week, Monday to Sunday, for
/// "weekly". Days are the plan's.
pub fn digest_period(frequency: &str, now: i64, calendar: &Calendar) -> Option<(i64, i64)> {
    let today = calendar.date_of(now)?;
    let (first, next): (Date, Date) = match frequency {
        "daily" => (today - 1.day(), today),
        "weekly" => {
            let monday = today - i64::from(today.weekday().to_monday_zero_offset()).days();
            (monday - 7.days(), monday)
        }
        _ => return None,
    };
    Some((calendar.start_of(first)?, calendar.start_of(next)?))
}

/// Sends the copies wanted at once; answers how many.
pub async fn send_immediate(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.unix();
    let due = repo::copies_due(
        &mut *state.db.conn().await?,
        "immediately",
        now - IMMEDIATE_LOOKBACK,
        now + 1,
        &EMAILED_ANYWAY,
    )
    .await?;
    let mut sent = 0;
    for copy in due {
        if !repo::claim_copy(
            &mut *state.db.conn().await?,
            copy.notification_id,
            copy.user_id,
            now,
        )
        .await?
        {
            continue;
        }
        let url = state
            .settings
            .link(copy.link.as_deref().unwrap_or("/notifications"));
        let message =
            messages::notification_copy(&state.settings.program_name, &copy.title, &copy.body, url);
        outbox::email(&state.db, &state.settings, now, &copy.email, message).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Sends the last period's digest for `frequency` ("daily" or "weekly") if no server has:
/// one email per user, listing what arrived. Answers how many digests this call sent.
pub async fn send_digests(state: &AppState, frequency: &str) -> Result<usize, AppError> {
    let now = state.clock.unix();
    let cal = &state.settings.calendar;
    let Some((from, to)) = digest_period(frequency, now, cal) else {
        return Ok(0);
    };
    let job = if frequency == "daily" {
        "digest:daily"
    } else {
        "digest:weekly"
    };
    if !jobs::claim(&state.db, job, from, now).await? {
        return Ok(0);
    }
    let due = repo::copies_due(
        &mut *state.db.conn().await?,
        frequency,
        from,
        to,
        &EMAILED_ANYWAY,
    )
    .await?;
    let mut sent = 0;
    let mut rest = due.as_slice();
    while let Some(first) = rest.first() {
        let count = rest
            .iter()
            .take_while(|c| c.user_id == first.user_id)
            .count();
        let (mine, others) = rest.split_at(count);
        rest = others;
        let mut items = Vec::new();
        for copy in mine {
            if repo::claim_copy(
                &mut *state.db.conn().await?,
                copy.notification_id,
                copy.user_id,
                now,
            )
            .await?
            {
                items.push((cal.format_date(copy.created_at), copy.title.clone()));
            }
        }
        if items.is_empty() {
            continue;
        }
        let label = if frequency == "daily" {
            format!("for {}", cal.format_date(from))
        } else {
            format!("for the week of {}", cal.format_date(from))
        };
        let message = messages::notification_digest(
            &state.settings.program_name,
            &label,
            &items,
            state.settings.link("/notifications"),
        );
        outbox::email(&state.db, &state.settings, now, &first.email, message).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Tells each office's admins once per verification cycle that "Verify Users" is due: when
/// `DUE_SOON_DAYS` or fewer days are left. Answers how many offices were told.
pub async fn remind_verification(state: &AppState) -> Result<usize, AppError> {
    use crate::domain::verification::{days_left_at, DUE_SOON_DAYS};
    let now = state.clock.unix();
    let cal = &state.settings.calendar;
    let offices = crate::operator::repo::offices(&mut *state.db.conn().await?).await?;
    let mut told = 0;
    for office in offices {
        if office.suspended_at.is_some() {
            continue;
        }
        let Some(cycle_start) = office.verified_at.or(office.registered_at) else {
            continue;
        };
        let days = days_left_at(office.verified_at, office.registered_at, now, cal);
        if !(0..=DUE_SOON_DAYS).contains(&days) {
            continue;
        }
        let mut conn = state.db.conn().await?;
        if repo::told_since(&mut conn, office.id, "verification", cycle_start).await? {
            continue;
        }
        let body = format!(
            "Verify your office's users within {days} days. Until they are verified, only administrators can sign in once the time is up."
        );
        repo::to_admins(
            &mut conn,
            now,
            office.id,
            None,
            repo::Notice {
                kind: "verification",
                title: "User verification due",
                body: &body,
                link: "/admin/verify",
            },
        )
        .await?;
        told += 1;
    }
    Ok(told)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Weekday;
    use jiff::tz::TimeZone;

    fn pacific() -> Calendar {
        Calendar::new(TimeZone::get("America/Los_Angeles").unwrap())
    }

    fn at(cal: &Calendar, y: i16, m: i8, d: i8, hour: i8) -> i64 {
        jiff::civil::date(y, m, d)
            .at(hour, 0, 0, 0)
            .to_zoned(cal.time_zone().clone())
            .unwrap()
            .timestamp()
            .as_second()
    }

    #[test]
    fn a_daily_digest_covers_yesterday_in_the_plans_time_zone() {
        let cal = pacific();
        // Half past midnight on Dec 1, Pacific: the digest is for Nov 30, midnight to midnight.
        let (from, to) = digest_period("daily", at(&cal, 2026, 12, 1, 0) + 30 * 60, &cal).unwrap();
        assert_eq!(
            (from, to),
            (at(&cal, 2026, 11, 30, 0), at(&cal, 2026, 12, 1, 0))
        );
        // A minute before midnight it is still the digest for Nov 29.
        let (from, _) = digest_period("daily", at(&cal, 2026, 12, 1, 0) - 60, &cal).unwrap();
        assert_eq!(from, at(&cal, 2026, 11, 29, 0));
        // The day clocks go back is 25 hours long.
        let (from, to) = digest_period("daily", at(&cal, 2026, 11, 2, 9), &cal).unwrap();
        assert_eq!(to - from, 25 * 60 * 60);
    }

    #[test]
    fn a_weekly_digest_covers_last_monday_to_sunday() {
        let cal = pacific();
        // Wednesday Dec 2, 2026: last week is Monday Nov 23 to Sunday Nov 29.
        let (from, to) = digest_period("weekly", at(&cal, 2026, 12, 2, 15), &cal).unwrap();
        assert_eq!(
            (from, to),
            (at(&cal, 2026, 11, 23, 0), at(&cal, 2026, 11, 30, 0))
        );
        assert_eq!(jiff::civil::date(2026, 11, 23).weekday(), Weekday::Monday);
        // On a Monday, the week just ended.
        let (from, _) = digest_period("weekly", at(&cal, 2026, 11, 30, 8), &cal).unwrap();
        assert_eq!(from, at(&cal, 2026, 11, 23, 0));
        assert_eq!(digest_period("immediately", 0, &cal), None);
    }
}
