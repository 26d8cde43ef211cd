use super::{string_value, Invalid};

/// An email address, kept lower-case because it is the username.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(Invalid("Enter an email address."));
        }
        if value.len() > 254 {
            return Err(Invalid("An email address is at most 254 characters."));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(Invalid("Enter an email address like name@example.com."));
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !local_ok || !domain_ok {
            return Err(Invalid("Enter an email address like name@example.com."));
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the @, which Domain Management lists.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}
string_value!(Email);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(
            Email::parse(" Admin@Sunrise.Example ").unwrap().as_str(),
            "admin@sunrise.example"
        );
        assert_eq!(
            Email::parse("a.b+c@x-y.example").unwrap().domain(),
            "x-y.example"
        );
        for bad in [
            "",
            "plain",
            "@x.com",
            "a@",
            "a@b",
            "a..b@x.com",
            "a@-x.com",
            "a b@x.com",
            "a@x.c0m",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Email::parse("").unwrap_err().to_string(),
            "Enter an email address."
        );
    }

    proptest! {
        #[test]
        fn round_trips(local in "[a-z0-9]{1,20}(\\.[a-z0-9]{1,10})?", domain in "[a-z0-9]{1,20}", tld in "[a-z]{2,6}") {
            let text = format!("{local}@{domain}.{tld}");
            let email = Email::parse(&text.to_uppercase()).unwrap();
            prop_assert_eq!(email.as_str(), text.as_str());
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
        }

        #[test]
        fn without_at_is_rejected(s in "[a-z0-9.]{0,40}") {
            prop_assert!(Email::parse(&s).is_err());
        }
    }
}
