//! Identifiers and value types, validated by the same code in the browser and on the server.
//!
//! Each type parses from what a person types (spaces, dashes and other usual punctuation
//! allowed), keeps one canonical form, and explains a rejection in a sentence for the field.

pub mod calendar;
mod contact;
mod date;
mod email;
mod ids;
mod money;
mod name;
pub mod permissions;
mod phone;
pub mod rules;
mod secret;
pub mod verification;

pub use calendar::Calendar;
pub use contact::ContactMethod;
pub use date::UsDate;
pub use email::Email;
pub use ids::{Cin, Ein, MemberId, Npi, Ssn, TaxId, Zip};
pub use money::Money;
pub use name::{check_names, PersonName, Whose};
pub use phone::Phone;
pub use secret::Secret;

/// Why a typed value was refused; the text is shown beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub &'static str);

/// The digits of `input`, if every other character is one of the `allowed` separators.
pub(crate) fn digits_only(input: &str, allowed: &[char]) -> Option<String> {
    let mut digits = String::with_capacity(input.len());
    for c in input.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !allowed.contains(&c) {
            return None;
        }
    }
    Some(digits)
}

/// Implements `Display`, `FromStr` and serde (as the canonical string, re-validated when read)
/// for a value type with `parse` and `as_str`.
macro_rules! string_value {
    ($ty:ident) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $ty {
            type Err = $crate::domain::Invalid;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $ty::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_value;
