//! "Verify Users" (guide 004 §IV): an Org Admin confirms every user's role and settings every
//! 60 days. The button turns yellow with 15 days or fewer left and red when the time is up;
//! then everyone but the office's admins loses access until the plan reinstates the office.
//! Days are the plan's calendar days.

use serde::{Deserialize, Serialize};

pub const VERIFY_EVERY_DAYS: i64 = 60;
pub const DUE_SOON_DAYS: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerifyState {
    Current,
    DueSoon,
    Expired,
}

/// Days left from the last verification to today (negative once the deadline has passed).
pub fn days_left(verified_on: jiff::civil::Date, today: jiff::civil::Date) -> i64 {
    let elapsed = verified_on
        .until(today)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0);
    VERIFY_EVERY_DAYS - elapsed
}

pub fn state(days_left: i64) -> VerifyState {
    if days_left < 0 {
        VerifyState::Expired
    } else if days_left <= DUE_SOON_DAYS {
        VerifyState::DueSoon
    } else {
        VerifyState::Current
    }
}

/// Days left for an organization, counted from its last verification (or its registration).
pub fn days_left_at(
    verified_at: Option<i64>,
    registered_at: Option<i64>,
    now: i64,
    calendar: &super::Calendar,
) -> i64 {
    let day = |unix: i64| calendar.date_of(unix);
    match (verified_at.or(registered_at).and_then(day), day(now)) {
        (Some(from), Some(today)) => days_left(from, today),
        _ => VERIFY_EVERY_DAYS,
    }
}

/// Whether the office has lost access: suspended by the plan, or verification overdue.
pub fn lapsed(
    verified_at: Option<i64>,
    registered_at: Option<i64>,
    suspended_at: Option<i64>,
    now: i64,
    calendar: &super::Calendar,
) -> bool {
    suspended_at.is_some()
        || (registered_at.is_some()
            && state(days_left_at(verified_at, registered_at, now, calendar))
                == VerifyState::Expired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn sixty_days_yellow_at_fifteen_red_after() {
        let verified = date(2026, 1, 10);
        assert_eq!(days_left(verified, verified), 60);
        assert_eq!(
            state(days_left(verified, date(2026, 2, 23))),
            VerifyState::Current
        );
        assert_eq!(days_left(verified, date(2026, 2, 24)), 15);
        assert_eq!(state(15), VerifyState::DueSoon);
        assert_eq!(state(16), VerifyState::Current);
        assert_eq!(days_left(verified, date(2026, 3, 11)), 0);
        assert_eq!(state(0), VerifyState::DueSoon, "the last day still counts");
        assert_eq!(
            state(days_left(verified, date(2026, 3, 12))),
            VerifyState::Expired
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn days_follow_the_plan_calendar() {
        let tz =
            super::super::Calendar::new(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap());
        // 2026-01-10 23:30 in Los Angeles is already the 11th in UTC.
        let verified: jiff::Timestamp = "2026-01-11T07:30:00Z".parse().unwrap();
        let next_morning: jiff::Timestamp = "2026-01-11T16:00:00Z".parse().unwrap();
        assert_eq!(
            days_left_at(
                Some(verified.as_second()),
                None,
                next_morning.as_second(),
                &tz
            ),
            59
        );
        let deadline_passed: jiff::Timestamp = "2026-03-12T09:00:00Z".parse().unwrap();
        assert!(lapsed(
            Some(verified.as_second()),
            Some(0),
            None,
            deadline_passed.as_second(),
            &tz
        ));
        assert!(
            !lapsed(
                Some(verified.as_second()),
                None,
                None,
                deadline_passed.as_second(),
                &tz
            ),
            "never registered"
        );
        assert!(
            lapsed(
                Some(verified.as_second()),
                Some(0),
                Some(1),
                next_morning.as_second(),
                &tz
            ),
            "suspended by the plan"
        );
    }
}
