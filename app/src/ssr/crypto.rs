//! Random secrets, their hashes, and password hashing.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

/// Letters and digits that cannot be mistaken for one another when read from a letter.
const READABLE: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A random code for a person to type, in groups of four: "K7QF-9M2X-…".
pub fn readable_code(groups: usize) -> String {
    let mut rng = rand::rng();
    (0..groups)
        .map(|_| {
            (0..4)
                .map(|_| READABLE[rng.random_range(0..READABLE.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// What a person typed for a readable code, in the canonical form (no dashes or spaces, upper case).
pub fn normalize_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A random opaque identifier of `bytes` random bytes, hex-encoded (for session IDs, link secrets).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    hex::encode(buf)
}

/// The stored form of a high-entropy secret (token, link, session ID): its SHA-256.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most one hash per core at a time, so a burst of sign-ins cannot exhaust memory.
fn hash_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        Semaphore::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        )
    })
}

/// Hashes a password off the async runtime.
pub async fn hash_password(password: String) -> Result<String, crate::error::AppError> {
    let _permit = hash_permits()
        .acquire()
        .await
        .map_err(|_| crate::error::AppError::Internal)?;
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|_| crate::error::AppError::Internal)
}

/// Hashes a password on this thread (for tools such as the demo-data generator).
pub fn hash_password_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing")
        .to_string()
}

/// Checks a password off the async runtime. With no stored hash it still does the work, so
/// the answer takes as long for an unknown account as for a known one.
pub async fn verify_password(
    password: String,
    stored: Option<String>,
) -> Result<bool, crate::error::AppError> {
    let _permit = hash_permits()
        .acquire()
        .await
        .map_err(|_| crate::error::AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        static DUMMY: OnceLock<String> = OnceLock::new();
        let dummy =
            DUMMY.get_or_init(|| hash_password_blocking("not a real password, only for timing"));
        let (hash, real) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (dummy.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && real
    })
    .await
    .map_err(|_| crate::error::AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_with_owasp_parameters() {
        let hash = hash_password_blocking("Poppy-Demo-Password-2026!");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[tokio::test]
    async fn verify_accepts_only_the_right_password() {
        let hash = hash_password("correct horse battery staple".into())
            .await
            .unwrap();
        assert!(
            verify_password("correct horse battery staple".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong".into(), Some(hash)).await.unwrap());
        assert!(!verify_password("anything".into(), None).await.unwrap());
    }

    #[test]
    fn codes_and_hashes() {
        let code = readable_code(4);
        assert_eq!(code.len(), 19);
        assert_eq!(normalize_code(&code.to_lowercase()).len(), 16);
        assert_eq!(random_hex(32).len(), 64);
        assert_ne!(random_hex(16), random_hex(16));
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

/// Encrypts a secret its owner may see again (passkey, PIN, authenticator seed):
/// XChaCha20-Poly1305 with a random nonce, hex of nonce and ciphertext.
/// Equal bytes, compared without stopping at the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn seal(key: &[u8; 32], plaintext: &[u8]) -> String {
    use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng as AeadRng};
    use chacha20poly1305::XChaCha20Poly1305;
    let cipher = XChaCha20Poly1305::new(key.into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut AeadRng);
    let sealed = cipher
        .encrypt(&nonce, plaintext)
        .expect("encryption of a short secret");
    format!("{}{}", hex::encode(nonce), hex::encode(sealed))
}

/// Decrypts what [`seal`] made; `None` if it was altered or sealed with another key.
pub fn open(key: &[u8; 32], sealed: &str) -> Option<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    let bytes = hex::decode(sealed).ok()?;
    if bytes.len() < 24 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), ciphertext)
        .ok()
}

#[cfg(test)]
mod sealing_tests {
    #[test]
    fn constant_time_comparison() {
        assert!(super::constant_time_eq(b"1234", b"1234"));
        assert!(!super::constant_time_eq(b"1234", b"1235"));
        assert!(!super::constant_time_eq(b"1234", b"12345"));
    }

    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let sealed = super::seal(&[1; 32], b"1234");
        // Neither the digits nor their hex form show (the digits alone may occur by chance).
        assert!(!sealed.contains(&hex::encode(b"1234")));
        assert_eq!(
            super::open(&[1; 32], &sealed).as_deref(),
            Some(&b"1234"[..])
        );
        assert_eq!(super::open(&[2; 32], &sealed), None);
        assert_ne!(
            super::seal(&[1; 32], b"1234"),
            sealed,
            "a fresh nonce each time"
        );
    }
}
