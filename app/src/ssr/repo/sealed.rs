//! The columns that hold sealed secrets (passkeys, authenticator seeds, PINs), read and
//! written whole for re-sealing under a new key.

use super::Conn;

/// A column of sealed secrets: its table, its name, and whose secret each row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedColumn {
    Passkey,
    Authenticator,
    PendingAuthenticator,
    Pin,
}

impl SealedColumn {
    pub const ALL: [SealedColumn; 4] = [
        SealedColumn::Passkey,
        SealedColumn::Authenticator,
        SealedColumn::PendingAuthenticator,
        SealedColumn::Pin,
    ];

    /// Table and column: fixed names, never from input.
    fn place(self) -> (&'static str, &'static str) {
        match self {
            SealedColumn::Passkey => ("users", "passkey_ciphertext"),
            SealedColumn::Authenticator => ("users", "totp_secret_ciphertext"),
            SealedColumn::PendingAuthenticator => ("users", "totp_pending_ciphertext"),
            SealedColumn::Pin => ("providers", "pin_ciphertext"),
        }
    }

    /// Whose secret the row with this id holds.
    pub fn owner(self, id: i64) -> crate::ssr::crypto::Sealed {
        use crate::ssr::crypto::Sealed;
        match self {
            SealedColumn::Passkey => Sealed::Passkey { user_id: id },
            SealedColumn::Authenticator | SealedColumn::PendingAuthenticator => {
                Sealed::Authenticator { user_id: id }
            }
            SealedColumn::Pin => Sealed::Pin { provider_id: id },
        }
    }
}

/// Every row's id and sealed value in the column, where one is set.
pub async fn all(conn: &mut Conn, column: SealedColumn) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let (table, name) = column.place();
    sqlx::query_as(&format!(
        "SELECT id, {name} FROM {table} WHERE {name} IS NOT NULL"
    ))
    .fetch_all(conn)
    .await
}

pub async fn set(
    conn: &mut Conn,
    column: SealedColumn,
    id: i64,
    sealed: &str,
) -> Result<(), sqlx::Error> {
    let (table, name) = column.place();
    sqlx::query(&format!("UPDATE {table} SET {name} = $1 WHERE id = $2"))
        .bind(sealed)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}
