//! The timed rules the authorization guard reads: password age, this year's training and the
//! step-up window. Pure functions of the stored moments, the plan calendar and `now`, so each
//! number is unit-tested with an injected clock and no feature is needed to apply them.

use super::Calendar;

/// How long a step-up passcode counts as fresh, unless configured otherwise.
pub const STEP_UP_MINUTES: i64 = 5;

/// Whether a password set at `changed_at` is older than `max_age_days` (0: never expires).
pub fn password_expired(changed_at: Option<i64>, now: i64, max_age_days: i64) -> bool {
    max_age_days > 0 && changed_at.is_some_and(|at| now - at >= max_age_days * 24 * 60 * 60)
}

/// Whether the user must take the training now: not yet this calendar year (the plan's), or
/// only the staff training while they are now an administrator.
pub fn training_due(
    completed_at: Option<i64>,
    role: Option<&str>,
    is_admin: bool,
    now: i64,
    calendar: &Calendar,
) -> bool {
    let this_year = completed_at
        .and_then(|at| calendar.year_of(at))
        .is_some_and(|y| Some(y) == calendar.year_of(now));
    !this_year || (is_admin && role != Some("admin"))
}

/// Whether a step-up at `step_up_at` still counts at `now`.
pub fn step_up_fresh(step_up_at: Option<i64>, now: i64, window_seconds: i64) -> bool {
    step_up_at.is_some_and(|at| now - at < window_seconds)
}

/// Whether an NPI's PIN may be reset at `now`: once per plan calendar day. If not, the plan
/// day when it may be reset again.
pub fn pin_reset_allowed(
    last_reset_at: Option<i64>,
    now: i64,
    calendar: &Calendar,
) -> Result<(), jiff::civil::Date> {
    match (
        last_reset_at.and_then(|at| calendar.date_of(at)),
        calendar.date_of(now),
    ) {
        (Some(last), Some(today)) if last >= today => Err(last.tomorrow().unwrap_or(last)),
        _ => Ok(()),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_reset_at_most_once_a_plan_day() {
        let cal = Calendar::new(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap());
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap().as_second();
        let allowed =
            |last: Option<&str>, now: &str| pin_reset_allowed(last.map(at), at(now), &cal);
        assert_eq!(allowed(None, "2026-03-10T18:00:00Z"), Ok(()));
        // 9 a.m. and 11:59 p.m. in Los Angeles: the same plan day, though UTC has moved on.
        let morning = Some("2026-03-10T16:00:00Z");
        let next_day = "2026-03-11".parse::<jiff::civil::Date>().unwrap();
        assert_eq!(allowed(morning, "2026-03-11T06:59:00Z"), Err(next_day));
        // Midnight in Los Angeles: a new day.
        assert_eq!(allowed(morning, "2026-03-11T07:00:00Z"), Ok(()));
        assert_eq!(allowed(morning, "2026-03-20T07:00:00Z"), Ok(()));
    }

    #[test]
    fn passwords_expire_after_the_configured_days() {
        let day = 24 * 60 * 60;
        assert!(!password_expired(Some(0), 59 * day, 60));
        assert!(password_expired(Some(0), 60 * day, 60));
        assert!(
            !password_expired(Some(0), 600 * day, 0),
            "0 turns expiry off"
        );
        assert!(!password_expired(None, 600 * day, 60));
    }

    #[test]
    fn step_up_is_fresh_for_five_minutes() {
        let window = STEP_UP_MINUTES * 60;
        assert!(step_up_fresh(Some(1000), 1000 + 299, window));
        assert!(!step_up_fresh(Some(1000), 1000 + 300, window));
        assert!(!step_up_fresh(None, 1000, window));
    }

    #[test]
    fn training_is_due_once_a_calendar_year_and_for_a_new_role() {
        let cal = Calendar::new(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap());
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap().as_second();
        let due = |done, role, admin, now: &str| training_due(done, role, admin, at(now), &cal);
        let done = Some(at("2026-01-05T18:00:00Z"));
        assert!(
            due(None, None, false, "2026-06-01T00:00:00Z"),
            "never taken"
        );
        assert!(!due(done, Some("staff"), false, "2026-12-31T20:00:00Z"));
        // New Year's Eve at 11 p.m. in Los Angeles is already January 1 in UTC.
        assert!(!due(done, Some("staff"), false, "2027-01-01T07:00:00Z"));
        assert!(
            due(done, Some("staff"), false, "2027-01-01T08:00:00Z"),
            "a new year"
        );
        assert!(
            due(done, Some("staff"), true, "2026-06-01T00:00:00Z"),
            "now an administrator"
        );
        assert!(!due(done, Some("admin"), false, "2026-06-01T00:00:00Z"));
    }
}
