//! `server rotate-key`: every sealed secret (passkeys, authenticator seeds, PINs) re-sealed
//! under the current `PORTAL_SECRET_KEY`, so the previous keys can then be dropped.

use app::ssr::crypto::Keys;
use app::ssr::db::Db;
use app::ssr::repo::sealed::{self, SealedColumn};

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
    for column in SealedColumn::ALL {
        for (id, stored) in sealed::all(&mut tx, column).await? {
            let owner = column.owner(id);
            if keys.open(owner, &stored).is_none() {
                rotated.unreadable += 1;
                continue;
            }
            if let Some(resealed) = keys.reseal(owner, &stored) {
                sealed::set(&mut tx, column, id, &resealed).await?;
                rotated.resealed += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(rotated)
}
