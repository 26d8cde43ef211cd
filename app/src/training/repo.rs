//! The training's one record: when the user last completed it, and for which role.

use crate::ssr::repo::Conn;

pub async fn complete(
    conn: &mut Conn,
    now: i64,
    user_id: i64,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET training_completed_at = $1, training_role = $2 WHERE id = $3")
        .bind(now)
        .bind(role)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}
