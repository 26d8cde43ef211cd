//! Authenticator apps (TOTP, RFC 6238): 30-second steps, one step of clock skew either way,
//! and each code accepted once — the last step used is remembered.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access, User};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const STEP_SECONDS: u64 = 30;
pub const SKEW_STEPS: i64 = 1;

/// What the user needs to add the portal to an authenticator app. `Debug` leaves the secret
/// out.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// The QR code of the otpauth:// link, as SVG.
    pub qr_svg: String,
}

impl std::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrollment { secret: [redacted], .. }")
    }
}

/// Starts enrolling (after a step-up): a new secret, kept until a code confirms it. My
/// Profile then shows it (`?authenticator=setup`).
#[server(endpoint = "authenticator/start")]
pub async fn start_authenticator() -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN.fresh()).await?;
    ssr::start(user).await?;
    Ok(crate::ssr::follow("/profile?authenticator=setup"))
}

/// The secret being enrolled, as its QR code and text, while it waits for a code.
#[server(endpoint = "authenticator/pending")]
pub async fn pending_authenticator() -> Result<Option<Enrollment>, AppError> {
    let user = require(Access::SIGNED_IN.fresh()).await?;
    ssr::pending(user).await
}

#[server(endpoint = "authenticator/confirm")]
pub async fn confirm_authenticator(code: String) -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN.fresh()).await?;
    ssr::confirm(user, code).await?;
    Ok(crate::ssr::follow("/profile?done=authenticator"))
}

#[server(endpoint = "authenticator/remove")]
pub async fn remove_authenticator() -> Result<String, AppError> {
    let user = require(Access::SIGNED_IN.fresh()).await?;
    ssr::remove(user).await?;
    Ok(crate::ssr::follow("/profile?done=authenticator_removed"))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::auth::repo;
    use crate::ssr::guard::Caller;
    use crate::ssr::{crypto, AppState};
    use totp_rs::{Algorithm, Secret, TOTP};

    fn totp(secret: Vec<u8>, program: &str, email: &str) -> Result<TOTP, AppError> {
        TOTP::new(
            Algorithm::SHA1,
            6,
            SKEW_STEPS as u8,
            STEP_SECONDS,
            secret,
            Some(format!("{program} Provider Portal")),
            email.to_string(),
        )
        .map_err(|e| {
            tracing::error!(error = %e, "authenticator secret rejected");
            AppError::Internal
        })
    }

    /// The step a code was accepted at, if `code` is right for `now` (± one step) and newer
    /// than `last_step`.
    pub fn accepted_step(totp: &TOTP, now: u64, code: &str, last_step: Option<i64>) -> Option<i64> {
        let current = (now / STEP_SECONDS) as i64;
        (current - SKEW_STEPS..=current + SKEW_STEPS)
            .filter(|step| last_step.is_none_or(|last| *step > last))
            .find(|step| {
                let expected = totp.generate(*step as u64 * STEP_SECONDS);
                expected.len() == code.len()
                    && expected
                        .bytes()
                        .zip(code.bytes())
                        .fold(0, |acc, (a, b)| acc | (a ^ b))
                        == 0
            })
    }

    /// Whose seed a ciphertext holds.
    fn seed_of(user_id: i64) -> crypto::Sealed {
        crypto::Sealed::Authenticator { user_id }
    }

    async fn record(caller: &Caller, action: &'static str) -> Result<(), AppError> {
        caller
            .audit(action, format!("user:{}", caller.user_id))
            .record(&caller.state.db)
            .await?;
        Ok(())
    }

    pub async fn start(User(caller): User) -> Result<(), AppError> {
        let state = &caller.state;
        let secret = Secret::generate_secret()
            .to_bytes()
            .map_err(|_| AppError::Internal)?;
        let sealed = state.settings.keys.seal(seed_of(caller.user_id), &secret);
        repo::set_pending_totp(&mut *state.db.conn().await?, caller.user_id, &sealed).await?;
        Ok(())
    }

    pub async fn pending(User(caller): User) -> Result<Option<Enrollment>, AppError> {
        let state = &caller.state;
        let sealed = repo::pending_totp(&mut *state.db.conn().await?, caller.user_id).await?;
        let Some(secret) =
            sealed.and_then(|s| state.settings.keys.open(seed_of(caller.user_id), &s))
        else {
            return Ok(None);
        };
        let totp = totp(secret, &state.settings.program_name, &caller.email)?;
        let qr = qrcode::QrCode::new(totp.get_url().as_bytes()).map_err(|_| AppError::Internal)?;
        let qr_svg = qr
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build();
        Ok(Some(Enrollment {
            secret: totp.get_secret_base32(),
            qr_svg,
        }))
    }

    pub async fn confirm(User(caller): User, code: String) -> Result<(), AppError> {
        let state = &caller.state;
        let sealed = repo::pending_totp(&mut *state.db.conn().await?, caller.user_id).await?;
        let secret = sealed
            .and_then(|s| state.settings.keys.open(seed_of(caller.user_id), &s))
            .ok_or_else(|| {
                AppError::Conflict("Start setting up the authenticator app again.".into())
            })?;
        let totp = totp(secret.clone(), &state.settings.program_name, &caller.email)?;
        let step = accepted_step(&totp, state.clock.unix() as u64, code.trim(), None).ok_or_else(
            || {
                AppError::field(
                    "code",
                    "That code is not right. Enter the current code from your app.",
                )
            },
        )?;
        let sealed = state.settings.keys.seal(seed_of(caller.user_id), &secret);
        repo::enroll_totp(&mut *state.db.conn().await?, caller.user_id, &sealed, step).await?;
        record(&caller, "authenticator.enroll").await
    }

    pub async fn remove(User(caller): User) -> Result<(), AppError> {
        repo::remove_totp(&mut *caller.state.db.conn().await?, caller.user_id).await?;
        record(&caller, "authenticator.remove").await
    }

    /// Checks a code from the user's enrolled app, using it up.
    pub async fn verify_for_user(
        state: &AppState,
        user_id: i64,
        email: &str,
        code: &str,
    ) -> Result<(), AppError> {
        let mut conn = state.db.conn().await?;
        let (sealed, last) = repo::totp(&mut conn, user_id).await?;
        let secret = sealed
            .and_then(|s| state.settings.keys.open(seed_of(user_id), &s))
            .ok_or_else(|| {
                AppError::field("code", "No authenticator app is set up for this account.")
            })?;
        let totp = totp(secret, &state.settings.program_name, email)?;
        let step = accepted_step(&totp, state.clock.unix() as u64, code.trim(), last)
            .ok_or_else(|| AppError::field("code", "That code is not right, or was already used. Enter the next code from your app."))?;
        // Only one request can move the step forward, so a code works once even when sent twice at once.
        if !repo::use_totp_step(&mut conn, user_id, step).await? {
            return Err(AppError::field(
                "code",
                "That code was already used. Enter the next code from your app.",
            ));
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn app() -> TOTP {
            totp(
                b"12345678901234567890".to_vec(),
                "Poppy Health",
                "a@b.example",
            )
            .unwrap()
        }

        #[test]
        fn thirty_second_steps_with_one_step_of_skew() {
            let totp = app();
            let now = 1_700_000_000u64;
            let step = (now / 30) as i64;
            assert_eq!(
                accepted_step(&totp, now, &totp.generate(now), None),
                Some(step)
            );
            assert_eq!(
                accepted_step(&totp, now, &totp.generate(now - 30), None),
                Some(step - 1)
            );
            assert_eq!(
                accepted_step(&totp, now, &totp.generate(now + 30), None),
                Some(step + 1)
            );
            assert_eq!(
                accepted_step(&totp, now, &totp.generate(now - 60), None),
                None,
                "two steps old"
            );
            assert_eq!(accepted_step(&totp, now, "000000x", None), None);
        }

        #[test]
        fn each_code_works_once() {
            let totp = app();
            let now = 1_700_000_000u64;
            let step = (now / 30) as i64;
            assert_eq!(
                accepted_step(&totp, now, &totp.generate(now), Some(step)),
                None,
                "already used"
            );
            assert_eq!(
                accepted_step(&totp, now + 30, &totp.generate(now + 30), Some(step)),
                Some(step + 1)
            );
        }
    }
}
