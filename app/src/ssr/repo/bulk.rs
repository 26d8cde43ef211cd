//! Many rows at once, for loading data sets (the demo data and benchmarks' scale): multi-row
//! INSERT statements of as many rows each as the bind limit allows, on either backend.

use super::Conn;
use sqlx::any::AnyArguments;
use sqlx::{Any, Row};
use std::collections::HashMap;

/// Bound parameters per statement: SQLite binds slow down sharply with thousands of parameters
/// in one statement, so many small statements (each prepared once) are faster.
const MAX_BINDS: usize = 500;

/// One column's value in a row.
#[derive(Debug, Clone)]
pub enum Value {
    I(i64),
    T(String),
    NI(Option<i64>),
    NT(Option<String>),
    /// A file's bytes.
    B(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::I(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::T(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::T(v)
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::NI(v)
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::NT(v)
    }
}

/// The statements for `rows`, each with the rows it binds.
fn statements<'a>(
    table: &str,
    columns: &[&str],
    rows: &'a [Vec<Value>],
    returning: Option<&str>,
) -> Vec<(String, &'a [Vec<Value>])> {
    let per_statement = (MAX_BINDS / columns.len()).max(1);
    rows.chunks(per_statement)
        .map(|chunk| {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut n = 0;
            for r in 0..chunk.len() {
                if r > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for c in 0..columns.len() {
                    n += 1;
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${n}"));
                }
                sql.push(')');
            }
            if let Some(returning) = returning {
                sql.push_str(&format!(" RETURNING {returning}"));
            }
            (sql, chunk)
        })
        .collect()
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, AnyArguments<'q>>,
    rows: &[Vec<Value>],
) -> sqlx::query::Query<'q, Any, AnyArguments<'q>> {
    for row in rows {
        for value in row {
            query = match value.clone() {
                Value::I(v) => query.bind(v),
                Value::T(v) => query.bind(v),
                Value::NI(v) => query.bind(v),
                Value::NT(v) => query.bind(v),
                Value::B(v) => query.bind(v),
            };
        }
    }
    query
}

/// Inserts the rows (each in `columns` order).
pub async fn insert(
    conn: &mut Conn,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), sqlx::Error> {
    for (sql, chunk) in statements(table, columns, rows, None) {
        bind_all(sqlx::query(&sql), chunk)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts one row and answers its new id.
pub async fn insert_one(
    conn: &mut Conn,
    table: &str,
    columns: &[&str],
    row: Vec<Value>,
) -> Result<i64, sqlx::Error> {
    let rows = [row];
    let (sql, chunk) = statements(table, columns, &rows, Some("id"))
        .pop()
        .expect("one statement for one row");
    bind_all(sqlx::query(&sql), chunk)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)
}

/// Inserts rows whose first column is a unique text and answers their new ids in row order.
pub async fn insert_returning(
    conn: &mut Conn,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<Vec<i64>, sqlx::Error> {
    let key = |row: &Vec<Value>| match &row[0] {
        Value::T(k) => k.clone(),
        _ => String::new(),
    };
    let mut ids = HashMap::with_capacity(rows.len());
    let returning = format!("id, {}", columns[0]);
    for (sql, chunk) in statements(table, columns, rows, Some(&returning)) {
        for row in bind_all(sqlx::query(&sql), chunk)
            .fetch_all(&mut *conn)
            .await?
        {
            ids.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
        }
    }
    Ok(rows.iter().map(|r| ids[&key(r)]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_stay_within_the_bind_limit() {
        let rows: Vec<Vec<Value>> = (0..300)
            .map(|i| vec![Value::I(i), Value::from("x")])
            .collect();
        let made = statements("t", &["a", "b"], &rows, Some("id"));
        assert_eq!(made.len(), 2, "250 rows of 2 columns per statement");
        assert_eq!(made[0].1.len(), 250);
        assert!(made[0]
            .0
            .starts_with("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"));
        assert!(made[1].0.ends_with("($99, $100) RETURNING id"));
    }
}
