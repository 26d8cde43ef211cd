//! How a one-time passcode reaches a person: the choice on every passcode screen, and the
//! argument type of every server function that sends or checks one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactMethod {
    /// A text message to the phone on file.
    #[default]
    Sms,
    /// A call reading the passcode out.
    Voice,
    Email,
    /// The code an authenticator app shows; nothing is sent.
    Authenticator,
}

impl ContactMethod {
    /// The phone methods, as registration and set-password links offer them.
    pub const PHONE: &'static [ContactMethod] = &[ContactMethod::Sms, ContactMethod::Voice];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactMethod::Sms => "sms",
            ContactMethod::Voice => "voice",
            ContactMethod::Email => "email",
            ContactMethod::Authenticator => "authenticator",
        }
    }

    /// As the choice is labelled on screen.
    pub fn label(self) -> &'static str {
        match self {
            ContactMethod::Sms => "SMS",
            ContactMethod::Voice => "Voice",
            ContactMethod::Email => "Email",
            ContactMethod::Authenticator => "Authenticator app",
        }
    }

    pub fn parse(value: &str) -> Option<ContactMethod> {
        [
            ContactMethod::Sms,
            ContactMethod::Voice,
            ContactMethod::Email,
            ContactMethod::Authenticator,
        ]
        .into_iter()
        .find(|m| m.as_str() == value)
    }

    pub fn is_phone(self) -> bool {
        matches!(self, ContactMethod::Sms | ContactMethod::Voice)
    }
}

#[cfg(test)]
mod tests {
    use super::ContactMethod;

    #[test]
    fn methods_read_back_as_written() {
        for m in [
            ContactMethod::Sms,
            ContactMethod::Voice,
            ContactMethod::Email,
            ContactMethod::Authenticator,
        ] {
            assert_eq!(ContactMethod::parse(m.as_str()), Some(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.as_str())
            );
        }
        assert_eq!(ContactMethod::parse("fax"), None);
    }
}
