//! The code list tables (`icd_codes`, `eob_codes`, `procedure_codes`): code and description.

use super::bulk::{self, Value};
use super::Conn;

/// The code list tables; a table name never comes from input.
pub const TABLES: [&str; 3] = ["icd_codes", "eob_codes", "procedure_codes"];

pub async fn count(conn: &mut Conn, table: &str) -> Result<i64, sqlx::Error> {
    debug_assert!(TABLES.contains(&table));
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(conn)
        .await
}

/// Replaces the table's codes with `codes` (in the caller's transaction).
pub async fn replace(
    conn: &mut Conn,
    table: &str,
    codes: Vec<(String, String)>,
) -> Result<(), sqlx::Error> {
    debug_assert!(TABLES.contains(&table));
    sqlx::query(&format!("DELETE FROM {table}"))
        .execute(&mut *conn)
        .await?;
    let rows: Vec<Vec<Value>> = codes
        .into_iter()
        .map(|(code, description)| vec![Value::T(code), Value::T(description)])
        .collect();
    bulk::insert(conn, table, &["code", "description"], &rows).await
}
