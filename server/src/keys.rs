//! `server rotate-key`: every sealed secret (passkeys, authenticator seeds, PINs) re-sealed
//! under the current `PORTAL_SECRET_KEY`, so the previous keys can then be dropped.

use app::ssr::crypto::{Keys, Sealed};
use app::ssr::db::Db;

/// Whose secret the row with this id holds.
type Owner = fn(i64) -> Sealed;

/// The columns that hold sealed secrets: table, column, and whose secret a row holds.
const SEALED: &[(&str, &str, Owner)] = &[
    ("users", "passkey_ciphertext", |user_id| Sealed::Passkey {
        user_id,
    }),
    ("users", "totp_secret_ciphertext", |user_id| {
        Sealed::Authenticator { user_id }
    }),
    ("users", "totp_pending_ciphertext", |user_id| {
        Sealed::Authenticator { user_id }
    }),
    ("providers", "pin_ciphertext", |provider_id| Sealed::Pin {
        provider_id,
    }),
];

/// What a rotation did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotated {
    pub resealed: u64,
    /// Sealed under a key that is not configured (or altered): left as they are.
    pub unreadable: u64,
}

/// Re-seals, in one transaction, every secret not yet sealed under the current key.
pub async fn rotate(db: &Db, keys: &Keys) -> anyhow::Result<Rotated> {
    let mut rotated = Rotated::default();
    let mut tx = db.begin().await?;
    for (table, column, owner) in SEALED {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"
        ))
        .fetch_all(&mut *tx)
        .await?;
        for (id, sealed) in rows {
            if keys.open(owner(id), &sealed).is_none() {
                rotated.unreadable += 1;
                continue;
            }
            let Some(resealed) = keys.reseal(owner(id), &sealed) else {
                continue;
            };
            sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE id = $2"))
                .bind(resealed)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            rotated.resealed += 1;
        }
    }
    tx.commit().await?;
    Ok(rotated)
}
