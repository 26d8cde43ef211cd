//! The code list tables (`icd_codes`, `eob_codes`, `procedure_codes`): code and description.

use super::bulk::{self, Value};
use super::Conn;

/// The code list tables; a table name never comes from input.
pub const TABLES: [&str; 4] = [
    "icd_codes",
    "eob_codes",
    "procedure_codes",
    "service_catalog",
];

/// How many rows the table holds (tests check what a load wrote).
#[cfg(test)]
pub async fn count(conn: &mut Conn, table: &str) -> Result<i64, sqlx::Error> {
    debug_assert!(TABLES.contains(&table) || table == "code_list_loads");
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(conn)
        .await
}

/// Removes one code from the table, as a hand edit of the database would (tests).
#[cfg(test)]
pub async fn remove(conn: &mut Conn, table: &str, code: &str) -> Result<(), sqlx::Error> {
    debug_assert!(TABLES.contains(&table));
    sqlx::query(&format!("DELETE FROM {table} WHERE code = $1"))
        .bind(code)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The fingerprint of each list as last loaded: (table, fingerprint).
pub async fn loaded(conn: &mut Conn) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT list, fingerprint FROM code_list_loads")
        .fetch_all(conn)
        .await
}

/// Records that the table now holds the list with this fingerprint (in the loading transaction).
pub async fn record_load(
    conn: &mut Conn,
    table: &str,
    fingerprint: &str,
) -> Result<(), sqlx::Error> {
    debug_assert!(TABLES.contains(&table));
    sqlx::query(
        "INSERT INTO code_list_loads (list, fingerprint) VALUES ($1, $2) \
         ON CONFLICT (list) DO UPDATE SET fingerprint = excluded.fingerprint",
    )
    .bind(table)
    .bind(fingerprint)
    .execute(conn)
    .await
    .map(|_| ())
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

/// A service of the plan's catalog.
pub struct CatalogRow {
    pub code: String,
    pub kind: String,
    pub needs_referral: bool,
    pub modifiers: String,
    pub modifier_exempt: bool,
    pub description: String,
    pub question: Option<String>,
}

/// Replaces the service catalog (in the caller's transaction).
pub async fn replace_catalog(conn: &mut Conn, rows: Vec<CatalogRow>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM service_catalog")
        .execute(&mut *conn)
        .await?;
    let rows: Vec<Vec<Value>> = rows
        .into_iter()
        .map(|r| {
            vec![
                Value::T(r.code),
                Value::T(r.kind),
                Value::T(r.description),
                Value::I(i64::from(r.needs_referral)),
                Value::T(r.modifiers),
                Value::I(i64::from(r.modifier_exempt)),
                Value::NT(r.question),
            ]
        })
        .collect();
    bulk::insert(
        conn,
        "service_catalog",
        &[
            "code",
            "kind",
            "description",
            "needs_referral",
            "modifiers",
            "modifier_exempt",
            "question",
        ],
        &rows,
    )
    .await
}
