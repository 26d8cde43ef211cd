use super::Invalid;
use jiff::civil::Date;

/// A calendar date, typed and shown as MM/DD/YYYY (as the guides do), sent as YYYY-MM-DD.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct UsDate(pub Date);

impl UsDate {
    /// A date stored as YYYY-MM-DD, shown as MM/DD/YYYY (text that is not a date as it is).
    pub fn show(iso: &str) -> String {
        iso.parse::<Date>()
            .map(|d| UsDate(d).to_string())
            .unwrap_or_else(|_| iso.to_string())
    }

    /// Reads MM/DD/YYYY (also M/D/YYYY) or the YYYY-MM-DD a date input sends.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        const MESSAGE: &str = "Enter a date as MM/DD/YYYY.";
        let text = input.trim();
        let (year, month, day) = if let Some((m, rest)) = text.split_once('/') {
            let (d, y) = rest.split_once('/').ok_or(Invalid(MESSAGE))?;
            (y, m, d)
        } else {
            let mut parts = text.splitn(3, '-');
            let y = parts.next().ok_or(Invalid(MESSAGE))?;
            let m = parts.next().ok_or(Invalid(MESSAGE))?;
            let d = parts.next().ok_or(Invalid(MESSAGE))?;
            (y, m, d)
        };
        if year.len() != 4 || month.is_empty() || month.len() > 2 || day.is_empty() || day.len() > 2
        {
            return Err(Invalid(MESSAGE));
        }
        let year: i16 = year.parse().map_err(|_| Invalid(MESSAGE))?;
        let month: i8 = month.parse().map_err(|_| Invalid(MESSAGE))?;
        let day: i8 = day.parse().map_err(|_| Invalid(MESSAGE))?;
        if !(1900..=2199).contains(&year) {
            return Err(Invalid("Enter a year between 1900 and 2199."));
        }
        Date::new(year, month, day)
            .map(UsDate)
            .map_err(|_| Invalid("This date does not exist."))
    }

    /// YYYY-MM-DD, as stored and as date inputs take it.
    pub fn iso(&self) -> String {
        self.0.to_string()
    }
}

impl std::fmt::Display for UsDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}/{:02}/{:04}",
            self.0.month(),
            self.0.day(),
            self.0.year()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        let date = UsDate::parse("2/9/2024").unwrap();
        assert_eq!(date.to_string(), "02/09/2024");
        assert_eq!(date.iso(), "2024-02-09");
        assert_eq!(UsDate::parse("2024-02-09").unwrap(), date);
        assert_eq!(
            UsDate::parse("02/30/2024").unwrap_err().to_string(),
            "This date does not exist."
        );
        assert!(UsDate::parse("2024/02/09").is_err());
        assert!(UsDate::parse("13/01/2024").is_err());
    }

    proptest! {
        #[test]
        fn round_trips(days in 0i32..100_000) {
            let date = UsDate(Date::new(1900, 1, 1).unwrap().checked_add(jiff::Span::new().days(days)).unwrap());
            prop_assume!(date.0.year() <= 2199);
            prop_assert_eq!(UsDate::parse(&date.to_string()).unwrap(), date);
            prop_assert_eq!(UsDate::parse(&date.iso()).unwrap(), date);
        }
    }
}
