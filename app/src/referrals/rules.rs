//! The referral rules, free of the database so each is tested alone: who may be referred for
//! what (guide 002, X section 1), which providers see the member (section 3), the redirect
//! indicator (guide 003), retro dates (section 4a), and the plan's clocks under CMS-0057-F
//! (72 hours expedited, 7 calendar days standard, 180 days to render approved services).

use super::Kind;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Hours the plan has to decide an expedited (Urgent) request.
pub const EXPEDITED_HOURS: i64 = 72;
/// Calendar days the plan has to decide a standard (Routine or Retro) request.
pub const STANDARD_DAYS: i64 = 7;
/// Days an approved referral lets the provider render the services, from the decision.
pub const APPROVED_DAYS: i64 = 180;

/// The plan's health networks as the referral rules name them (`PORTAL_REFERRAL_*`).
#[derive(Debug, Clone, PartialEq)]
pub struct Networks {
    /// Networks the plan manages directly: the only ones Medical outpatient referrals are for.
    pub direct: Vec<String>,
    /// Delegated networks that handle their own behavioral health.
    pub behavioral_excluded: Vec<String>,
}

impl Networks {
    pub fn demo() -> Self {
        Networks {
            direct: vec!["Poppy Direct".into(), "Poppy Community Network".into()],
            behavioral_excluded: vec!["Kaiser".into()],
        }
    }
}

/// Why the member cannot be referred for `kind`, naming the rule; `None` when they can.
pub fn refusal(
    kind: Kind,
    eligible: bool,
    network: Option<&str>,
    networks: &Networks,
) -> Option<String> {
    if !eligible {
        return Some("Referrals are only for members eligible today: this member is not.".into());
    }
    let network = network.unwrap_or("");
    match kind {
        Kind::Medical if !networks.direct.iter().any(|n| n == network) => Some(format!(
            "Medical outpatient referrals are only for eligible members of {}; this member's health network is {}.",
            or_list(&networks.direct),
            if network.is_empty() { "none" } else { network }
        )),
        Kind::Behavioral if networks.behavioral_excluded.iter().any(|n| n == network) => {
            Some(format!(
                "Behavioral Health referrals are for any eligible member except {}'s: this member's health network is {network}.",
                or_list(&networks.behavioral_excluded)
            ))
        }
        _ => None,
    }
}

fn or_list(names: &[String]) -> String {
    match names {
        [] => "none".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Whole years of age on `day`.
pub fn age_on(born: Date, day: Date) -> i64 {
    let mut years = i64::from(day.year() - born.year());
    if (day.month(), day.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years.max(0)
}

/// Whether a provider who sees ages `min_age..max_age` and `genders` ("F", "M", "FM") takes
/// this member.
pub fn sees(min_age: i64, max_age: i64, genders: &str, age: i64, gender: &str) -> bool {
    (min_age..max_age).contains(&age) && !gender.is_empty() && genders.contains(gender)
}

/// Great-circle distance in miles between two (latitude, longitude) points.
pub fn miles_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    const EARTH_MILES: f64 = 3_958.8;
    let (la1, lo1) = (a.0.to_radians(), a.1.to_radians());
    let (la2, lo2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_MILES * h.sqrt().asin()
}

/// The "Referred To" choice and its redirect indicator (guide 003, "Referral Enhancements").
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Redirect {
    /// The chosen provider and whether it is tertiary.
    pub provider: Option<(i64, bool)>,
    /// A tertiary choice shows the warning until "Continue" (or "Select New Provider").
    pub warned: bool,
    /// "OK to redirect if needed?"
    pub ok_to_redirect: Option<bool>,
    pub justification: String,
}

/// What the user does on the "Referred To Provider Info" step.
#[derive(Debug, Clone, PartialEq)]
pub enum RedirectEvent {
    Choose { provider: i64, tertiary: bool },
    SelectNewProvider,
    Continue,
    Answer(bool),
}

/// The note the justification carries when the user allows the redirect.
pub const REDIRECT_NOTE: &str = "Ok to redirect if needed";

impl Redirect {
    /// The dialog "You have selected a tertiary provider." is open.
    pub fn dialog_open(&self) -> bool {
        matches!(self.provider, Some((_, true))) && !self.warned
    }

    pub fn apply(mut self, event: RedirectEvent) -> Self {
        match event {
            RedirectEvent::Choose { provider, tertiary } => {
                if self.provider != Some((provider, tertiary)) {
                    // A non-tertiary provider: the member may be redirected unless the user
                    // says No. A tertiary one: the warning first. A "Yes" already given to
                    // change provider stays, with its note.
                    let allowed =
                        self.ok_to_redirect == Some(true) && self.justification == REDIRECT_NOTE;
                    self.provider = Some((provider, tertiary));
                    self.warned = !tertiary;
                    if !allowed {
                        self.ok_to_redirect = (!tertiary).then_some(true);
                        self.justification.clear();
                    }
                }
            }
            RedirectEvent::SelectNewProvider => {
                self = Redirect::default();
            }
            RedirectEvent::Continue => {
                if self.dialog_open() {
                    self.warned = true;
                    self.ok_to_redirect = Some(false);
                }
            }
            RedirectEvent::Answer(yes) => match (self.provider, yes) {
                (Some((_, true)), true) => {
                    // Yes with a tertiary provider: choose another; the note records it.
                    self.provider = None;
                    self.warned = false;
                    self.ok_to_redirect = Some(true);
                    self.justification = REDIRECT_NOTE.into();
                }
                (_, yes) => {
                    if self.ok_to_redirect != Some(yes) && self.justification == REDIRECT_NOTE {
                        self.justification.clear();
                    }
                    self.ok_to_redirect = Some(yes);
                }
            },
        }
        self
    }

    /// What keeps "Next" from going on, if anything.
    pub fn blocked(&self) -> Option<&'static str> {
        match self.provider {
            None => Some("Choose the provider the member is referred to."),
            Some(_) if self.dialog_open() => {
                Some("Choose Select New Provider or Continue for the tertiary provider.")
            }
            Some(_)
                if self.ok_to_redirect == Some(false) && self.justification.trim().is_empty() =>
            {
                Some("Enter the Justification: why the member should not be redirected.")
            }
            Some(_) => None,
        }
    }
}

/// Priority of a request: Urgent is expedited; Routine and Retro are standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Priority {
    Routine,
    Retro,
    Urgent,
}

impl Priority {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "routine" => Some(Priority::Routine),
            "retro" => Some(Priority::Retro),
            "urgent" => Some(Priority::Urgent),
            _ => None,
        }
    }

    pub fn value(self) -> &'static str {
        match self {
            Priority::Routine => "routine",
            Priority::Retro => "retro",
            Priority::Urgent => "urgent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Routine => "Routine",
            Priority::Retro => "Retro",
            Priority::Urgent => "Urgent",
        }
    }

    pub fn expedited(self) -> bool {
        self == Priority::Urgent
    }
}

/// Checks the Request Date for the priority: today for Routine and Urgent; before today for
/// Retro (services already given).
pub fn request_date_refusal(
    priority: Priority,
    request: Date,
    today: Date,
) -> Option<&'static str> {
    match priority {
        Priority::Retro if request >= today => {
            Some("A Retro referral's Request Date must be before today: the date the services were given.")
        }
        Priority::Routine | Priority::Urgent if request != today => Some(
            "The Request Date is today for a Routine or Urgent referral (choose Retro for services already given).",
        ),
        _ => None,
    }
}

/// When the plan must decide a request submitted at `submitted`: 72 hours later if expedited;
/// otherwise the same time of day 7 calendar days later in the plan's time zone (so across a
/// daylight-saving change it is 167 or 169 hours).
pub fn deadline(submitted: i64, expedited: bool, tz: &TimeZone) -> i64 {
    if expedited {
        return submitted + EXPEDITED_HOURS * 3_600;
    }
    Timestamp::from_second(submitted)
        .ok()
        .and_then(|t| {
            t.to_zoned(tz.clone())
                .checked_add(STANDARD_DAYS.days())
                .ok()
        })
        .map_or(submitted + STANDARD_DAYS * 86_400, |z| {
            z.timestamp().as_second()
        })
}

/// Calendar days one extension adds to a request's deadline.
pub const EXTENSION_DAYS: i64 = 14;

/// The deadline after the one extension: 14 calendar days later, at the same time of day.
pub fn extended(deadline: i64, tz: &TimeZone) -> i64 {
    Timestamp::from_second(deadline)
        .ok()
        .and_then(|t| {
            t.to_zoned(tz.clone())
                .checked_add(EXTENSION_DAYS.days())
                .ok()
        })
        .map_or(deadline + EXTENSION_DAYS * 86_400, |z| {
            z.timestamp().as_second()
        })
}

/// The last day an approved referral's services may be rendered: 180 days after the plan
/// day of the decision.
pub fn approved_through(decided: Date) -> Date {
    decided.checked_add(APPROVED_DAYS.days()).unwrap_or(decided)
}

/// Time left to the deadline as the queue shows it ("2 days 4 hours left", "Overdue by 3
/// hours").
pub fn time_left(deadline: i64, now: i64) -> String {
    let (seconds, overdue) = if deadline >= now {
        (deadline - now, false)
    } else {
        (now - deadline, true)
    };
    let hours = seconds / 3_600;
    let (days, hours) = (hours / 24, hours % 24);
    let plural = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let amount = if days > 0 {
        format!("{} {}", plural(days, "day"), plural(hours, "hour"))
    } else if hours > 0 {
        plural(hours, "hour")
    } else {
        plural(seconds / 60, "minute")
    };
    if overdue {
        format!("Overdue by {amount}")
    } else {
        format!("{amount} left")
    }
}

/// Why a service line cannot be requested, if it cannot: the code must be in the catalog for
/// the referral's kind and need a referral; units are a whole number from 1 to 999; a code
/// that lists modifiers needs one of them, unless it is exempt (BH ABA codes on the plan's
/// list); a question must be answered.
pub struct ServiceRule<'a> {
    pub kind: Kind,
    pub catalog_kind: Kind,
    pub needs_referral: bool,
    pub modifiers: &'a str,
    pub modifier_exempt: bool,
    pub question: Option<&'a str>,
}

/// Units one service line may ask for.
pub const MAX_UNITS: i64 = 999;

pub fn service_refusals(
    rule: &ServiceRule,
    units: &str,
    modifier: &str,
    answer: &str,
) -> Vec<(&'static str, String)> {
    let mut wrong = Vec::new();
    if rule.catalog_kind != rule.kind {
        wrong.push((
            "service",
            "Choose a service for this kind of referral.".to_string(),
        ));
    }
    if !rule.needs_referral {
        wrong.push((
            "service",
            "This service needs no referral: it cannot be requested.".to_string(),
        ));
    }
    match units.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_UNITS).contains(&n) => {}
        _ if units.trim().is_empty() => wrong.push(("units", "Enter the Units.".to_string())),
        _ => wrong.push((
            "units",
            format!("Units are a whole number from 1 to {MAX_UNITS}."),
        )),
    }
    let modifier = modifier.trim().to_ascii_uppercase();
    let allowed: Vec<&str> = rule
        .modifiers
        .split(',')
        .filter(|m| !m.is_empty())
        .collect();
    if !allowed.is_empty() && !rule.modifier_exempt && !allowed.contains(&modifier.as_str()) {
        wrong.push((
            "modifier",
            format!("This service needs a modifier: {}.", allowed.join(", ")),
        ));
    } else if !modifier.is_empty() && !allowed.contains(&modifier.as_str()) {
        wrong.push((
            "modifier",
            if allowed.is_empty() {
                "This service takes no modifier.".to_string()
            } else {
                format!("The modifier is one of {}.", allowed.join(", "))
            },
        ));
    }
    if rule.question.is_some() && !matches!(answer, "yes" | "no") {
        wrong.push(("answer", "Answer the service's question.".to_string()));
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn tz() -> TimeZone {
        TimeZone::get("America/Los_Angeles").unwrap()
    }

    fn at(day: Date, hour: i8) -> i64 {
        day.at(hour, 0, 0, 0)
            .to_zoned(tz())
            .unwrap()
            .timestamp()
            .as_second()
    }

    #[test]
    fn medical_referrals_are_for_eligible_members_of_the_direct_networks() {
        let n = Networks::demo();
        assert_eq!(refusal(Kind::Medical, true, Some("Poppy Direct"), &n), None);
        assert_eq!(
            refusal(Kind::Medical, true, Some("Poppy Community Network"), &n),
            None
        );
        assert_eq!(
            refusal(Kind::Medical, true, Some("Kaiser"), &n).unwrap(),
            "Medical outpatient referrals are only for eligible members of Poppy Direct or Poppy Community Network; this member's health network is Kaiser."
        );
        assert!(refusal(Kind::Medical, true, Some("Coastal Health Network"), &n).is_some());
        assert!(refusal(Kind::Medical, true, None, &n)
            .unwrap()
            .ends_with("health network is none."));
        assert!(refusal(Kind::Medical, false, Some("Poppy Direct"), &n)
            .unwrap()
            .contains("eligible today"));
    }

    #[test]
    fn behavioral_referrals_are_for_any_eligible_member_but_the_delegated_networks() {
        let n = Networks::demo();
        for network in [Some("Poppy Direct"), Some("Coastal Health Network"), None] {
            assert_eq!(refusal(Kind::Behavioral, true, network, &n), None);
        }
        assert!(refusal(Kind::Behavioral, true, Some("Kaiser"), &n)
            .unwrap()
            .starts_with(
                "Behavioral Health referrals are for any eligible member except Kaiser's"
            ));
        assert!(refusal(Kind::Behavioral, false, Some("Poppy Direct"), &n).is_some());
    }

    #[test]
    fn providers_are_listed_by_the_ages_and_genders_they_see() {
        let born = date(2010, 6, 15);
        assert_eq!(age_on(born, date(2026, 6, 14)), 15);
        assert_eq!(age_on(born, date(2026, 6, 15)), 16);
        // A pediatric hospital sees members under 21; an OB/GYN, women from 12.
        assert!(sees(0, 21, "FM", 20, "M"));
        assert!(!sees(0, 21, "FM", 21, "M"));
        assert!(sees(12, 150, "F", 12, "F"));
        assert!(!sees(12, 150, "F", 30, "M"));
        assert!(!sees(12, 150, "F", 11, "F"));
        assert!(!sees(0, 150, "FM", 30, ""));
    }

    #[test]
    fn distance_is_measured_between_zip_centroids() {
        // Sacramento (95814) to Eureka (95501): about 207 miles as the crow flies.
        let miles = miles_between((38.580568, -121.49559), (40.79357, -124.16064));
        assert!((200.0..215.0).contains(&miles), "{miles}");
        assert!(miles_between((38.58, -121.49), (38.58, -121.49)) < 0.001);
    }

    fn chosen(tertiary: bool) -> Redirect {
        Redirect::default().apply(RedirectEvent::Choose {
            provider: 7,
            tertiary,
        })
    }

    #[test]
    fn a_non_tertiary_provider_may_be_redirected_unless_the_user_says_no() {
        let r = chosen(false);
        assert!(!r.dialog_open());
        assert_eq!(r.ok_to_redirect, Some(true));
        assert_eq!(r.blocked(), None);
        let r = r.apply(RedirectEvent::Answer(false));
        assert_eq!(
            r.blocked(),
            Some("Enter the Justification: why the member should not be redirected.")
        );
        let r = Redirect {
            justification: "Only this clinic offers the procedure.".into(),
            ..r
        };
        assert_eq!(r.blocked(), None);
    }

    #[test]
    fn a_tertiary_provider_warns_then_defaults_to_no_with_a_justification_required() {
        let r = chosen(true);
        assert!(r.dialog_open());
        assert!(r.blocked().is_some());
        // "Select New Provider" clears the choice.
        let fresh = r.clone().apply(RedirectEvent::SelectNewProvider);
        assert_eq!(fresh, Redirect::default());
        // "Continue": No, and Next waits for a justification.
        let r = r.apply(RedirectEvent::Continue);
        assert!(!r.dialog_open());
        assert_eq!(r.ok_to_redirect, Some(false));
        assert!(r.blocked().unwrap().contains("Justification"));
        // Yes: the provider is cleared, the note recorded, a new provider asked for.
        let r = r.apply(RedirectEvent::Answer(true));
        assert_eq!(r.provider, None);
        assert_eq!(r.ok_to_redirect, Some(true));
        assert_eq!(r.justification, REDIRECT_NOTE);
        assert_eq!(
            r.blocked(),
            Some("Choose the provider the member is referred to.")
        );
        // The new (community) provider keeps the Yes and its note.
        let r = r.apply(RedirectEvent::Choose {
            provider: 9,
            tertiary: false,
        });
        assert_eq!(r.ok_to_redirect, Some(true));
        assert_eq!(r.justification, REDIRECT_NOTE);
        assert_eq!(r.blocked(), None);
    }

    #[test]
    fn retro_requests_date_before_today_and_the_others_today() {
        let today = date(2026, 11, 30);
        let yesterday = date(2026, 11, 29);
        assert_eq!(
            request_date_refusal(Priority::Retro, yesterday, today),
            None
        );
        assert!(request_date_refusal(Priority::Retro, today, today).is_some());
        assert_eq!(request_date_refusal(Priority::Routine, today, today), None);
        assert!(request_date_refusal(Priority::Routine, yesterday, today).is_some());
        assert!(request_date_refusal(Priority::Urgent, date(2026, 12, 1), today).is_some());
    }

    #[test]
    fn expedited_requests_are_due_in_72_hours_even_across_daylight_saving() {
        // Saturday before the November 1, 2026 fall-back: still exactly 72 hours.
        let submitted = at(date(2026, 10, 31), 9);
        assert_eq!(deadline(submitted, true, &tz()) - submitted, 72 * 3_600);
    }

    #[test]
    fn standard_requests_are_due_in_7_calendar_days_at_the_same_time_of_day() {
        // Across the fall-back the week is 169 hours; across the spring-forward, 167.
        let fall = at(date(2026, 10, 30), 9);
        assert_eq!(deadline(fall, false, &tz()), at(date(2026, 11, 6), 9));
        assert_eq!(deadline(fall, false, &tz()) - fall, 169 * 3_600);
        let spring = at(date(2026, 3, 6), 9);
        assert_eq!(deadline(spring, false, &tz()) - spring, 167 * 3_600);
        let plain = at(date(2026, 6, 1), 9);
        assert_eq!(deadline(plain, false, &tz()) - plain, 7 * 24 * 3_600);
    }

    #[test]
    fn an_extension_adds_14_calendar_days() {
        let due = at(date(2026, 10, 28), 15);
        assert_eq!(extended(due, &tz()), at(date(2026, 11, 11), 15));
    }

    #[test]
    fn approved_services_may_be_rendered_for_180_days() {
        assert_eq!(approved_through(date(2026, 11, 30)), date(2027, 5, 29));
        assert_eq!(approved_through(date(2026, 1, 1)), date(2026, 6, 30));
    }

    #[test]
    fn the_queue_says_how_long_is_left_or_how_late() {
        let now = 1_000_000;
        assert_eq!(time_left(now + 50 * 3_600, now), "2 days 2 hours left");
        assert_eq!(time_left(now + 3_600, now), "1 hour left");
        assert_eq!(time_left(now + 600, now), "10 minutes left");
        assert_eq!(time_left(now - 3 * 3_600, now), "Overdue by 3 hours");
    }

    #[test]
    fn a_service_line_needs_units_its_modifier_and_its_answer() {
        let aba = ServiceRule {
            kind: Kind::Behavioral,
            catalog_kind: Kind::Behavioral,
            needs_referral: true,
            modifiers: "HN,HO,HP",
            modifier_exempt: false,
            question: None,
        };
        let fields = |r: &ServiceRule, u: &str, m: &str, a: &str| -> Vec<&str> {
            service_refusals(r, u, m, a)
                .into_iter()
                .map(|(f, _)| f)
                .collect()
        };
        assert_eq!(fields(&aba, "", "", ""), ["units", "modifier"]);
        assert_eq!(fields(&aba, "1000", "hn", ""), ["units"]);
        assert!(fields(&aba, "999", "hn", "").is_empty());
        // An ABA code on the plan's list skips the modifier check (guide 003).
        let listed = ServiceRule {
            modifier_exempt: true,
            ..aba
        };
        assert!(fields(&listed, "8", "", "").is_empty());
        assert_eq!(fields(&listed, "8", "XX", ""), ["modifier"]);
        let mri = ServiceRule {
            kind: Kind::Medical,
            catalog_kind: Kind::Medical,
            needs_referral: true,
            modifiers: "",
            modifier_exempt: false,
            question: Some("Six weeks of therapy?"),
        };
        assert_eq!(fields(&mri, "1", "", ""), ["answer"]);
        assert!(fields(&mri, "1", "", "no").is_empty());
        let office = ServiceRule {
            needs_referral: false,
            question: None,
            ..mri
        };
        assert_eq!(fields(&office, "1", "", ""), ["service"]);
        let other_kind = ServiceRule {
            kind: Kind::Behavioral,
            needs_referral: true,
            ..office
        };
        assert_eq!(fields(&other_kind, "1", "", ""), ["service"]);
    }
}
