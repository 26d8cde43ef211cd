//! Multi-step flows kept on the server (DESIGN.md, "No data loss"): each step's server function
//! saves the flow's draft, and the page renders whatever step the draft is on. So a reload, a
//! timeout or a form posted before the browser app has loaded all land on the right step.

use super::repo::drafts as repo;
use super::{crypto, session, AppState};
use crate::error::AppError;
use serde::{de::DeserializeOwned, Serialize};

/// A flow's unfinished state: who owns it, the step it is on and the flow's own data.
#[derive(Debug, Clone)]
pub struct Draft<P> {
    pub owner: String,
    pub step: String,
    pub data: P,
    /// The saves it had when read (0: never saved); see [`save_unchanged`].
    pub revision: i64,
}

/// The draft of `kind` owned by `owner` (a record the flow edits, such as "membership:12").
pub async fn load<P: DeserializeOwned>(
    state: &AppState,
    kind: &str,
    owner: &str,
) -> Result<Option<Draft<P>>, AppError> {
    let row = repo::find(
        &mut *state.db.conn().await?,
        kind,
        owner,
        state.clock.unix(),
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    let data = serde_json::from_str(&row.payload).map_err(|error| {
        tracing::error!(%error, kind, "unreadable draft");
        AppError::Internal
    })?;
    Ok(Some(Draft {
        owner: owner.to_string(),
        step: row.step,
        data,
        revision: row.revision,
    }))
}

/// Saves a draft; `minutes` is how long it is kept from now (`None`: until it is finished).
pub async fn save<P: Serialize>(
    state: &AppState,
    kind: &str,
    draft: &Draft<P>,
    updated_by: Option<i64>,
    minutes: Option<i64>,
) -> Result<(), AppError> {
    let payload = serde_json::to_string(&draft.data).map_err(|_| AppError::Internal)?;
    let now = state.clock.unix();
    repo::put(
        &mut *state.db.conn().await?,
        kind,
        &draft.owner,
        &draft.step,
        &payload,
        updated_by,
        now,
        minutes.map(|m| now + m * super::clock::MINUTE),
    )
    .await?;
    Ok(())
}

/// Saves a draft only over the draft it was read from: `Ok(false)`, and nothing written, when
/// another save came in between (two presses at once, or another window). A flow that saves
/// this way runs the press again on the draft as it is now instead of losing either change.
pub async fn save_unchanged<P: Serialize>(
    state: &AppState,
    kind: &str,
    draft: &mut Draft<P>,
    updated_by: Option<i64>,
) -> Result<bool, AppError> {
    let payload = serde_json::to_string(&draft.data).map_err(|_| AppError::Internal)?;
    let saved = repo::put_unchanged(
        &mut *state.db.conn().await?,
        kind,
        &draft.owner,
        draft.revision,
        &draft.step,
        &payload,
        updated_by,
        state.clock.unix(),
        None,
    )
    .await?;
    match saved {
        Some(revision) => {
            draft.revision = revision;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// [`save_unchanged`] for a press run by [`again_if_changed`]: a save that found the draft
/// changed meanwhile answers [`changed_meanwhile`], so the press runs again.
pub async fn save_checked<P: Serialize>(
    state: &AppState,
    kind: &str,
    draft: &mut Draft<P>,
    updated_by: Option<i64>,
) -> Result<(), AppError> {
    if save_unchanged(state, kind, draft, updated_by).await? {
        Ok(())
    } else {
        Err(changed_meanwhile())
    }
}

/// Ends a flow in its own transaction: deletes the draft only if it is still as read, else
/// answers [`changed_meanwhile`] (the transaction is then dropped and the press runs again),
/// so what another press added meanwhile, or a second submit, is not finished twice or lost.
pub async fn finish_unchanged<P>(
    conn: &mut super::repo::Conn,
    kind: &str,
    draft: &Draft<P>,
) -> Result<(), AppError> {
    if repo::delete_unchanged(conn, kind, &draft.owner, draft.revision).await? {
        Ok(())
    } else {
        Err(changed_meanwhile())
    }
}

const CHANGED_MEANWHILE: &str =
    "This was changed at the same moment elsewhere. It is shown as it is now.";

/// How often [`again_if_changed`] runs a press on a draft another press saved meanwhile.
const ATTEMPTS: usize = 4;

/// What a press answers when [`save_unchanged`] found the draft saved meanwhile.
pub fn changed_meanwhile() -> AppError {
    AppError::Conflict(CHANGED_MEANWHILE.into())
}

/// Runs `press` (which reads the draft, changes it and saves it with [`save_unchanged`]) again
/// while it answers [`changed_meanwhile`], a few times at most.
pub async fn again_if_changed<T, F: std::future::Future<Output = Result<T, AppError>>>(
    mut press: impl FnMut() -> F,
) -> Result<T, AppError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        match press().await {
            Err(AppError::Conflict(why)) if why == CHANGED_MEANWHILE && attempts < ATTEMPTS => {}
            outcome => return outcome,
        }
    }
}

/// The drafts of `kind` whose owner starts with `prefix` (one user's several drafts), the
/// latest first; a draft that cannot be read is left out.
pub async fn list<P: DeserializeOwned>(
    state: &AppState,
    kind: &str,
    prefix: &str,
) -> Result<Vec<(Draft<P>, i64)>, AppError> {
    let rows = repo::list(
        &mut *state.db.conn().await?,
        kind,
        prefix,
        state.clock.unix(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(owner, row)| {
            let data = serde_json::from_str(&row.payload).ok()?;
            Some((
                Draft {
                    owner,
                    step: row.step,
                    data,
                    revision: row.revision,
                },
                row.updated_at,
            ))
        })
        .collect())
}

pub async fn delete(state: &AppState, kind: &str, owner: &str) -> Result<(), AppError> {
    repo::delete(&mut *state.db.conn().await?, kind, owner).await?;
    Ok(())
}

/// Forgets the drafts whose time is up (housekeeping).
pub async fn purge(state: &AppState) -> Result<u64, AppError> {
    Ok(repo::purge(&mut *state.db.conn().await?, state.clock.unix()).await?)
}

/// A flow a visitor goes through before (or while) signing in: its draft is owned by a random
/// cookie, stored only as a hash, and kept `minutes` after each step.
pub struct CookieFlow {
    pub kind: &'static str,
    pub cookie: &'static str,
    pub minutes: i64,
}

impl CookieFlow {
    /// The draft the request's cookie names, while it lasts.
    pub async fn load<P: DeserializeOwned>(
        &self,
        state: &AppState,
    ) -> Result<Option<Draft<P>>, AppError> {
        match session::request_cookie(&state.settings, self.cookie) {
            Some(id) => load(state, self.kind, &crypto::secret_hash(&id)).await,
            None => Ok(None),
        }
    }

    /// Starts a new draft under a new cookie (any earlier one is left to expire).
    pub async fn start<P: Serialize>(
        &self,
        state: &AppState,
        step: &str,
        data: P,
    ) -> Result<Draft<P>, AppError> {
        let id = crypto::random_hex(32);
        let draft = Draft {
            owner: crypto::secret_hash(&id),
            step: step.to_string(),
            data,
            revision: 0,
        };
        self.save(state, &draft).await?;
        session::send_cookie(&state.settings, self.cookie, Some(&id));
        Ok(draft)
    }

    /// Saves the draft's step and data, and keeps it for another `minutes`.
    pub async fn save<P: Serialize>(
        &self,
        state: &AppState,
        draft: &Draft<P>,
    ) -> Result<(), AppError> {
        save(state, self.kind, draft, None, Some(self.minutes)).await
    }

    /// Ends the flow: the draft and its cookie are gone.
    pub async fn finish<P>(&self, state: &AppState, draft: &Draft<P>) -> Result<(), AppError> {
        delete(state, self.kind, &draft.owner).await?;
        session::send_cookie(&state.settings, self.cookie, None);
        Ok(())
    }
}
