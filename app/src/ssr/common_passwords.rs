//! Passwords too common to allow: the 200,000 most used ones and every one of 15 characters
//! or more among the million most used, lower-cased and sorted, checked offline.

use std::sync::OnceLock;

const LIST: &str = include_str!("../../data/common-passwords.txt");

fn list() -> &'static [&'static str] {
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SORTED.get_or_init(|| LIST.lines().collect())
}

/// Whether the password (in any case) is on the list.
pub fn is_common(password: &str) -> bool {
    list()
        .binary_search(&password.to_lowercase().as_str())
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_large_sorted_and_used() {
        assert!(list().len() >= 100_000, "{}", list().len());
        assert!(list().windows(2).all(|w| w[0] < w[1]));
        assert!(is_common("password"));
        assert!(is_common("PASSWORD"));
        assert!(is_common("123456789012345"));
        assert!(!is_common("Poppy-Demo-Password-2026!"));
    }
}
