//! Repositories of the tables every feature shares. A feature's own tables have their SQL in
//! the feature's `repo.rs`; no SQL lives in a file with a view.

pub mod audit;
pub mod bulk;
pub mod callers;
pub mod changes;
pub mod code_lists;
pub mod drafts;
pub mod grants;
pub mod jobs;
pub mod limits;
pub mod links;
pub mod memberships;
pub mod notifications;
pub mod organizations;
pub mod outbox;
pub mod passcodes;
pub mod sealed;
pub mod sessions;
pub mod uploads;
pub mod users;

/// A database connection, inside a transaction or not: `&mut *tx` or `&mut *pool.acquire()`.
pub type Conn = sqlx::AnyConnection;

/// `%text%` for every search's LIKE (with `ESCAPE '\\'`), lower-cased, with `%`, `_` and `\\`
/// taken literally. A search that may be empty is written `($n = '' OR … LIKE $m ESCAPE '\\')`,
/// the trimmed text at `$n`: with no search, LIKE is not called on each row (on SQLite about
/// 3 µs a row, two thirds of My Dashboard's NPI read).
pub fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_text_is_taken_literally() {
        assert_eq!(super::contains_pattern(" Ann_50% "), "%ann\\_50\\%%");
        assert_eq!(super::contains_pattern(""), "%%");
    }
}
