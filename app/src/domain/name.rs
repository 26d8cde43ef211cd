//! A person's first or last name as typed by anyone (an access request, a new user): letters
//! of any script, spaces and `.'-`, at most 50 characters. Names go into the plan's emails to
//! office administrators, so nothing else (no links, no markup) can travel in them.

use super::Invalid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

pub const MAX_NAME_CHARS: usize = 50;

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::parse_or(input, "Enter the name.")
    }

    /// As `parse`, with the field's own words for an empty name ("Enter your first name.").
    pub fn parse_or(input: &str, empty: &'static str) -> Result<Self, Invalid> {
        // Runs of spaces become one.
        let value = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err(Invalid(empty));
        }
        if value.chars().count() > MAX_NAME_CHARS {
            return Err(Invalid("Use at most 50 characters."));
        }
        let allowed = |c: char| c.is_alphabetic() || " .'’-".contains(c);
        if !value.chars().all(allowed) || !value.chars().any(char::is_alphabetic) {
            return Err(Invalid(
                "Use letters, spaces, periods, apostrophes and hyphens only.",
            ));
        }
        // A dot right before a word ("evil.com") reads as a web address in most mail programs;
        // initials ("J.R.") keep one letter after each dot.
        let chars: Vec<char> = value.chars().collect();
        let address_like = chars
            .windows(3)
            .any(|w| w[0] == '.' && w[1].is_alphabetic() && w[2].is_alphabetic());
        if address_like {
            return Err(Invalid(
                "Use letters, spaces, periods, apostrophes and hyphens only.",
            ));
        }
        Ok(PersonName(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose name a form asks for: the words of its "Enter …" messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// "Enter your first name."
    Own,
    /// "Enter the first name."
    Someone,
}

/// Checks a form's `first_name` and `last_name`.
pub fn check_names(check: &mut crate::error::Checker, first: &str, last: &str, whose: Whose) {
    let (first_empty, last_empty) = match whose {
        Whose::Own => ("Enter your first name.", "Enter your last name."),
        Whose::Someone => ("Enter the first name.", "Enter the last name."),
    };
    check.check("first_name", PersonName::parse_or(first, first_empty));
    check.check("last_name", PersonName::parse_or(last, last_empty));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_of_any_script_with_spaces_and_dot_apostrophe_hyphen() {
        for name in [
            "Grace",
            "O'Neil",
            "Mary-Jo",
            "St. John",
            "J.R. Ewing",
            "José",
            "Nguyễn",
            "李",
        ] {
            assert_eq!(PersonName::parse(name).unwrap().as_str(), name);
        }
        assert_eq!(
            PersonName::parse("  Ana   María ").unwrap().as_str(),
            "Ana María"
        );
    }

    #[test]
    fn links_markup_and_long_names_are_refused() {
        for bad in [
            "",
            "   ",
            "http://evil.example",
            "Bob <script>",
            "Visit evil.example/login",
            "evil.com",
            "R2D2",
            "--",
        ] {
            assert!(PersonName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(PersonName::parse(&"a".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(PersonName::parse(&"a".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
