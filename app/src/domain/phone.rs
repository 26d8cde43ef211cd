use super::{digits_only, string_value, Invalid};

/// A US (NANP) phone number, shown as (916) 555-0123.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits = digits_only(input, &[' ', '-', '(', ')', '.', '+'])
            .ok_or(Invalid("A phone number has digits only."))?;
        let digits = match digits.len() {
            11 if digits.starts_with('1') => &digits[1..],
            10 => &digits[..],
            _ => return Err(Invalid("Enter a 10-digit US phone number.")),
        };
        let b = digits.as_bytes();
        if b[0] < b'2' || b[3] < b'2' {
            return Err(Invalid(
                "This is not a valid US phone number. Please check the number.",
            ));
        }
        Ok(Phone(format!(
            "({}) {}-{}",
            &digits[..3],
            &digits[3..6],
            &digits[6..]
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four digits, which is all the passcode screens show.
    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// The ten digits, for gateways.
    pub fn digits(&self) -> String {
        self.0.chars().filter(char::is_ascii_digit).collect()
    }
}
string_value!(Phone);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        let phone = Phone::parse("+1 916.555.0123").unwrap();
        assert_eq!(phone.as_str(), "(916) 555-0123");
        assert_eq!(phone.last4(), "0123");
        assert_eq!(phone.digits(), "9165550123");
        assert!(Phone::parse("016-555-0123").is_err());
        assert!(Phone::parse("916-155-0123").is_err());
        assert!(Phone::parse("555-0123").is_err());
        assert!(Phone::parse("916-555-01x3").is_err());
    }

    proptest! {
        #[test]
        fn round_trips(area in 200u32..1000, exchange in 200u32..1000, line in 0u32..10_000) {
            let phone = Phone::parse(&format!("{area}{exchange}{line:04}")).unwrap();
            prop_assert_eq!(Phone::parse(phone.as_str()).unwrap(), phone);
        }
    }
}
