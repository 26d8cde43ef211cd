use super::Invalid;
use serde::{Deserialize, Serialize};

/// An amount in integer cents, so sums never drift.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

impl Money {
    pub fn from_cents(cents: i64) -> Self {
        Money(cents)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// Reads "$1,234.56", "1234.5" or "-12".
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        const MESSAGE: &str = "Enter an amount like 1,234.56.";
        let text = input.trim();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let text = text.strip_prefix('$').unwrap_or(text).replace(',', "");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || whole.len() > 15
        {
            return Err(Invalid(MESSAGE));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| Invalid(MESSAGE))?
        };
        let cents: i64 = format!("{fraction:0<2}")
            .parse()
            .map_err(|_| Invalid(MESSAGE))?;
        let total = whole * 100 + cents;
        Ok(Money(if negative { -total } else { total }))
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "{sign}${grouped}.{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(Money::parse("$1,234.56").unwrap(), Money(123_456));
        assert_eq!(Money::parse("1234.5").unwrap(), Money(123_450));
        assert_eq!(Money::parse("-12").unwrap(), Money(-1_200));
        assert_eq!(Money(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Money(-5).to_string(), "-$0.05");
        for bad in ["", "$", "1.234", "12a", "1.2.3"] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(cents in -10_000_000_000i64..10_000_000_000) {
            let money = Money(cents);
            prop_assert_eq!(Money::parse(&money.to_string()).unwrap(), money);
        }
    }
}
