//! The plan's calendar (`PORTAL_TIME_ZONE`): days and years of every rule that counts them
//! (once-a-day PIN reset, annual training, 60-day verification), and how dates are shown.
//! Storage stays UTC seconds; only these functions turn a moment into a plan day.

use super::UsDate;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

#[derive(Debug, Clone)]
pub struct Calendar {
    tz: TimeZone,
}

impl Calendar {
    pub fn new(tz: TimeZone) -> Self {
        Calendar { tz }
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The plan's calendar date at the UTC moment `unix`.
    pub fn date_of(&self, unix: i64) -> Option<Date> {
        Timestamp::from_second(unix)
            .ok()
            .map(|t| t.to_zoned(self.tz.clone()).date())
    }

    /// The plan's calendar year at `unix`.
    pub fn year_of(&self, unix: i64) -> Option<i16> {
        self.date_of(unix).map(|d| d.year())
    }

    /// The moment the plan day `date` begins.
    pub fn start_of(&self, date: Date) -> Option<i64> {
        date.to_zoned(self.tz.clone())
            .ok()
            .map(|z| z.timestamp().as_second())
    }

    /// MM/DD/YYYY, as every screen shows a date.
    pub fn format_date(&self, unix: i64) -> String {
        self.date_of(unix)
            .map(|d| UsDate(d).to_string())
            .unwrap_or_default()
    }

    /// MM/DD/YYYY 3:04 PM, as every screen shows a moment.
    pub fn format_date_time(&self, unix: i64) -> String {
        Timestamp::from_second(unix)
            .map(|t| {
                let zoned = t.to_zoned(self.tz.clone());
                format!("{} {}", UsDate(zoned.date()), zoned.strftime("%-I:%M %p"))
            })
            .unwrap_or_default()
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn pacific() -> Calendar {
        Calendar::new(TimeZone::get("America/Los_Angeles").unwrap())
    }

    #[test]
    fn days_and_years_follow_the_plan_time_zone() {
        // 2026-01-01 05:00 UTC is still New Year's Eve in California.
        let cal = pacific();
        assert_eq!(cal.format_date(1_767_243_600), "12/31/2025");
        assert_eq!(cal.year_of(1_767_243_600), Some(2025));
        assert_eq!(cal.year_of(1_767_243_600 + 3 * 3600), Some(2026));
        assert_eq!(cal.format_date_time(1_767_243_600), "12/31/2025 9:00 PM");
        let day = cal.date_of(1_767_243_600).unwrap();
        assert_eq!(cal.start_of(day), Some(1_767_168_000));
    }
}
