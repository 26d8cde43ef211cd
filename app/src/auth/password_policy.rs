//! The password rules (guide 001 "Create New Password", guide 002, NIST SP 800-63B), one
//! implementation for the live checklist in the browser and for the server.

/// At least this many characters.
pub const MIN_LENGTH: usize = 15;
/// At most this many characters: long passphrases are welcome, unbounded input is not.
pub const MAX_LENGTH: usize = 128;
/// A new password may not repeat any of this many previous ones.
pub const HISTORY: usize = 5;
/// A new password must differ from the current one by at least this many edits.
pub const MIN_EDIT_DISTANCE: usize = 4;

/// One line of the checklist shown while typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub label: &'static str,
    pub met: bool,
}

/// The checklist for what has been typed so far.
pub fn checklist(password: &str) -> Vec<Rule> {
    let chars = password.chars().count();
    vec![
        Rule {
            label: "Minimum of 15 characters",
            met: (MIN_LENGTH..=MAX_LENGTH).contains(&chars),
        },
        Rule {
            label: "At least one uppercase character",
            met: password.chars().any(char::is_uppercase),
        },
        Rule {
            label: "At least one lowercase character",
            met: password.chars().any(char::is_lowercase),
        },
        Rule {
            label: "At least one number",
            met: password.chars().any(|c| c.is_ascii_digit()),
        },
        Rule {
            label: "At least one special character (e.g. !$#%)",
            met: password
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
                || password.contains(' '),
        },
    ]
}

/// Checks what the browser can check; `Err` is the message for the "New Password" field.
pub fn validate(password: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars > MAX_LENGTH {
        return Err("A password can be at most 128 characters.");
    }
    if checklist(password).iter().any(|rule| !rule.met) {
        return Err("The password does not meet every requirement listed.");
    }
    Ok(())
}

/// The message for "Re-Enter Password" when the two differ.
pub fn confirm(password: &str, again: &str) -> Result<(), &'static str> {
    if password == again {
        Ok(())
    } else {
        Err("The passwords do not match.")
    }
}

/// Whether `new` is too close to `current` (case-folded edit distance under 4).
pub fn too_similar(current: &str, new: &str) -> bool {
    strsim::levenshtein(&current.to_lowercase(), &new.to_lowercase()) < MIN_EDIT_DISTANCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_characters_with_four_kinds() {
        assert!(validate("Poppy-Demo-Password-2026!").is_ok());
        assert!(validate("Short-Pass-1a").is_err(), "13 characters");
        assert!(validate("Abcdefghijklm1!").is_ok(), "exactly 15");
        assert!(validate("abcdefghijklm1!").is_err(), "no upper case");
        assert!(validate("ABCDEFGHIJKLM1!").is_err(), "no lower case");
        assert!(validate("Abcdefghijklmn!").is_err(), "no digit");
        assert!(validate("Abcdefghijklmn1").is_err(), "no special character");
    }

    #[test]
    fn up_to_128_characters_of_any_script() {
        let long = format!("Aa1!{}", "x".repeat(124));
        assert_eq!(long.chars().count(), 128);
        assert!(validate(&long).is_ok());
        assert_eq!(
            validate(&format!("{long}y")),
            Err("A password can be at most 128 characters.")
        );
        assert!(validate("Ünïcödé-Pässwörd-1").is_ok());
        assert!(validate("Пароль-Надежный-2026").is_ok());
    }

    #[test]
    fn checklist_reports_each_rule() {
        let rules = checklist("abc");
        assert_eq!(rules.len(), 5);
        assert!(!rules[0].met && !rules[1].met && rules[2].met && !rules[3].met && !rules[4].met);
    }

    #[test]
    fn similar_passwords_are_refused() {
        assert!(too_similar(
            "Poppy-Demo-Password-2026!",
            "poppy-demo-password-2027!"
        ));
        assert!(too_similar(
            "Poppy-Demo-Password-2026!",
            "Poppy-Demo-Password-2026!!!"
        ));
        assert!(!too_similar(
            "Poppy-Demo-Password-2026!",
            "Poppy-Demo-Password-1999?"
        ));
        assert_eq!(confirm("a", "b"), Err("The passwords do not match."));
    }
}
