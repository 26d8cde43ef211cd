//! The design system: the same few components on every screen.

mod data_table;
mod field;
mod menu;
mod modal;
mod tile;
mod toast;
mod wizard;

pub use data_table::{Column, DataTable, Page, Pager, Pagination};
pub use field::{ErrorSummary, Field};
pub use menu::{MenuButton, MenuItem};
pub use modal::Modal;
pub use tile::Tile;
pub use toast::{provide_toasts, Toasts};
pub use wizard::Wizard;

/// Loads a page in full (after sign-in, sign-out or an organization switch, so that every
/// part of the page is rebuilt for the new session).
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// A stable element id made from a label ("Email Address" → "email-address").
pub fn slug(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slug_is_readable() {
        assert_eq!(
            super::slug("Email Address (username)"),
            "email-address-username"
        );
        assert_eq!(super::slug("Re-Enter Password"), "re-enter-password");
    }
}
