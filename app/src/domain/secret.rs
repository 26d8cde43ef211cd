//! A password or passkey as a person typed it.

use serde::{Deserialize, Serialize};

/// Typed secret text. `Debug` never shows it, so a logged server-function call or a panic
/// message cannot leak it; the text is read only through [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_output_hides_the_text_and_forms_read_it() {
        let secret = Secret::new("Poppy-Demo-Password-2026!");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(
            serde_json::from_str::<Secret>("\"abc\"").unwrap().expose(),
            "abc"
        );
    }
}
