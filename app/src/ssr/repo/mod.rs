//! Repositories of the tables every feature shares. A feature's own tables have their SQL in
//! the feature's `repo.rs`; no SQL lives in a file with a view.

pub mod audit;
pub mod bulk;
pub mod callers;
pub mod changes;
pub mod drafts;
pub mod grants;
pub mod limits;
pub mod links;
pub mod memberships;
pub mod notifications;
pub mod organizations;
pub mod outbox;
pub mod passcodes;
pub mod sessions;
pub mod users;

/// A database connection, inside a transaction or not: `&mut *tx` or `&mut *pool.acquire()`.
pub type Conn = sqlx::AnyConnection;
