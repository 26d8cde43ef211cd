//! Random secrets, their hashes, and password hashing.

use argon2::password_hash::{
    self, rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// A random number of `count` digits, leading zeros kept (a PIN).
pub fn digits(count: usize) -> String {
    let mut rng = rand::rng();
    (0..count)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
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

/// OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane.
fn params() -> Params {
    Params::new(19_456, 2, 1, None).expect("valid argon2 parameters")
}

/// argon2's working memory (19 MiB a hash), mapped from the kernel and given back to it when
/// released. From the allocator, it stayed held by an idle server after a burst of log-ins:
/// 16 wrong log-ins took one from 53 to 91 MB.
#[derive(Default)]
pub struct HashMemory(Option<memmap2::MmapMut>);

impl HashMemory {
    /// `count` blocks, mapped on first use and kept, and again if more are needed.
    fn blocks(&mut self, count: usize) -> std::io::Result<&mut [Block]> {
        let bytes = count * Block::SIZE;
        if self.held() < bytes {
            self.0 = Some(memmap2::MmapMut::map_anon(bytes)?);
        }
        let map = self.0.as_mut().expect("mapped above");
        // SAFETY: a mapping starts on a page, more than a block's 64-byte alignment, and is at
        // least `count` blocks long. A block is 128 u64s, which any bytes make (zeros, or an
        // earlier hash's), and argon2 writes every block before reading it.
        Ok(unsafe { std::slice::from_raw_parts_mut(map.as_mut_ptr().cast::<Block>(), count) })
    }

    /// The bytes mapped now.
    pub fn held(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    fn release(&mut self) {
        self.0 = None;
    }
}

/// What `PasswordHasher::hash_password_customized` makes, with the working memory from
/// `memory` rather than the allocator.
fn argon2_hash<'a>(
    memory: &mut HashMemory,
    password: &[u8],
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: Salt<'a>,
) -> password_hash::Result<PasswordHash<'a>> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let blocks = memory
        .blocks(params.block_count())
        .map_err(|_| password_hash::Error::Crypto)?;
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let output = Output::init_with(output_len, |out| {
        Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, &mut *blocks)?)
    })?;
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt),
        hash: Some(output),
    })
}

/// A new password's PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), with a fresh salt.
fn hash_in(memory: &mut HashMemory, password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    let params = params();
    argon2_hash(
        memory,
        password.as_bytes(),
        Algorithm::Argon2id,
        Version::V0x13,
        params,
        salt.as_salt(),
    )
    .expect("argon2 hashing")
    .to_string()
}

/// Whether `password` makes `stored`, with the algorithm, version and parameters `stored`
/// names; the outputs are compared in constant time (`Output`'s equality).
fn verify_in(memory: &mut HashMemory, password: &str, stored: &PasswordHash) -> bool {
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(stored.algorithm),
        Params::try_from(stored),
    ) else {
        return false;
    };
    let Ok(version) = stored.version.map_or(Ok(Version::V0x13), Version::try_from) else {
        return false;
    };
    argon2_hash(
        memory,
        password.as_bytes(),
        algorithm,
        version,
        params,
        salt,
    )
    .is_ok_and(|computed| computed.hash == Some(expected))
}

/// Password hashes waiting for a core beyond which a new one is refused at once ("busy"),
/// so a flood of sign-ins cannot queue unbounded work or memory.
pub const MAX_WAITING_HASHES: usize = 32;

/// How long a hashing thread keeps its working memory after a hash, for the next log-in of a
/// burst; then it is given back.
pub const KEEP_HASH_MEMORY: std::time::Duration = std::time::Duration::from_secs(1);

type HashJob = Box<dyn FnOnce(&mut HashMemory) + Send>;

/// Runs argon2 off the async runtime, on threads of its own below the threads that serve
/// pages (`background::spawn_below_pages`): a flood of log-in attempts takes the CPU that
/// pages leave idle, not the pages' share. At most one hash per core at a time, and at most
/// `max_waiting` more waiting their turn. Each thread keeps its working memory `keep_memory`
/// after a hash.
pub struct HashQueue {
    permits: Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
    jobs: flume::Sender<HashJob>,
}

impl HashQueue {
    /// A queue with `cores` hashing threads, which end when the queue is dropped.
    pub fn new(cores: usize, max_waiting: usize, keep_memory: std::time::Duration) -> HashQueue {
        // Each thread waits on the queue itself (no lock around it), so each can time out
        // and give its memory back.
        let (jobs, queued) = flume::unbounded::<HashJob>();
        for n in 0..cores {
            let queued = queued.clone();
            super::background::spawn_below_pages(&format!("password-hash-{n}"), move || {
                let mut memory = HashMemory::default();
                loop {
                    let job = match queued.recv_timeout(keep_memory) {
                        Ok(job) => job,
                        Err(flume::RecvTimeoutError::Timeout) => {
                            memory.release();
                            match queued.recv() {
                                Ok(job) => job,
                                Err(_) => break,
                            }
                        }
                        Err(flume::RecvTimeoutError::Disconnected) => break,
                    };
                    job(&mut memory);
                }
            })
            .expect("a password-hashing thread");
        }
        HashQueue {
            permits: Semaphore::new(cores),
            waiting: Default::default(),
            max_waiting,
            jobs,
        }
    }

    /// The process's queue, sized to its cores.
    fn global() -> &'static HashQueue {
        static QUEUE: OnceLock<HashQueue> = OnceLock::new();
        QUEUE.get_or_init(|| {
            HashQueue::new(
                super::background::cores(),
                MAX_WAITING_HASHES,
                KEEP_HASH_MEMORY,
            )
        })
    }

    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
    ) -> Result<T, crate::error::AppError> {
        use crate::error::AppError;
        use std::sync::atomic::Ordering;
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        if queued >= self.max_waiting + self.permits.available_permits() {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy);
        }
        let permit = self.permits.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.map_err(|_| AppError::Internal)?;
        let (done, result) = tokio::sync::oneshot::channel();
        // A panic drops `done` (an internal error for this caller) and leaves the thread.
        let job: HashJob = Box::new(move |memory| {
            let work = std::panic::AssertUnwindSafe(move || work(memory));
            if let Ok(value) = std::panic::catch_unwind(work) {
                let _ = done.send(value);
            }
        });
        self.jobs.send(job).map_err(|_| AppError::Internal)?;
        result.await.map_err(|_| AppError::Internal)
    }
}

/// Hashes a password off the async runtime.
pub async fn hash_password(password: String) -> Result<String, crate::error::AppError> {
    HashQueue::global()
        .run(move |memory| hash_in(memory, &password))
        .await
}

/// Hashes a password on this thread (for tools such as the demo-data generator).
pub fn hash_password_blocking(password: &str) -> String {
    hash_in(&mut HashMemory::default(), password)
}

/// Checks a password off the async runtime. With no stored hash it still does the work, so
/// the answer takes as long for an unknown account as for a known one.
pub async fn verify_password(
    password: String,
    stored: Option<String>,
) -> Result<bool, crate::error::AppError> {
    HashQueue::global()
        .run(move |memory| {
            static DUMMY: OnceLock<String> = OnceLock::new();
            // Made in this thread's memory, like every other hash here.
            let dummy =
                DUMMY.get_or_init(|| hash_in(memory, "not a real password, only for timing"));
            let (hash, real) = match &stored {
                Some(hash) => (hash.as_str(), true),
                None => (dummy.as_str(), false),
            };
            let Ok(parsed) = PasswordHash::new(hash) else {
                return false;
            };
            verify_in(memory, &password, &parsed) && real
        })
        .await
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
    fn hashes_are_those_of_the_argon2_crate_both_ways() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let password = "Poppy-Demo-Password-2026!";
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let mut memory = HashMemory::default();
        let ours = hash_in(&mut memory, password);
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(standard
            .verify_password(password.as_bytes(), &parsed)
            .is_ok());
        assert!(standard.verify_password(b"wrong", &parsed).is_err());
        // Theirs, with other parameters (as an older stored hash might have): read from the hash.
        let salt = SaltString::generate(&mut OsRng);
        let older = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 3, 1, None).unwrap(),
        );
        let theirs = older.hash_password(password.as_bytes(), &salt).unwrap();
        assert!(verify_in(&mut memory, password, &theirs));
        assert!(!verify_in(&mut memory, "Poppy-Demo-Password-2026", &theirs));
        let salt = theirs.salt.unwrap();
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x10, params());
        let other = argon2i.hash_password(password.as_bytes(), salt).unwrap();
        assert!(verify_in(&mut memory, password, &other));
        assert!(!verify_in(&mut memory, "wrong", &other));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn working_memory_is_kept_for_a_burst_then_given_back_by_every_thread() {
        use std::sync::{Arc, Barrier};
        let keep = std::time::Duration::from_millis(500);
        let queue = Arc::new(HashQueue::new(2, 2, keep));
        // One job on each of the two threads at once: each waits for the other to start.
        async fn on_both(queue: &Arc<HashQueue>, work: fn(&mut HashMemory) -> usize) -> Vec<usize> {
            let barrier = Arc::new(Barrier::new(2));
            let jobs: Vec<_> = (0..2)
                .map(|_| {
                    let (queue, barrier) = (queue.clone(), barrier.clone());
                    tokio::spawn(async move {
                        let job = move |memory: &mut HashMemory| {
                            let held = work(memory);
                            barrier.wait();
                            held
                        };
                        queue.run(job).await.unwrap()
                    })
                })
                .collect();
            futures_util::future::join_all(jobs)
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect()
        }
        let held = |memory: &mut HashMemory| memory.held();
        let mib = 19_456 * 1024;
        assert_eq!(
            on_both(&queue, held).await,
            [0, 0],
            "nothing mapped before a hash"
        );
        let hashed = |memory: &mut HashMemory| {
            let hash = hash_in(memory, "correct horse");
            assert!(verify_in(
                memory,
                "correct horse",
                &PasswordHash::new(&hash).unwrap()
            ));
            memory.held()
        };
        assert_eq!(on_both(&queue, hashed).await, [mib, mib]);
        tokio::time::sleep(keep / 5).await;
        assert_eq!(
            on_both(&queue, held).await,
            [mib, mib],
            "kept for the next log-in"
        );
        tokio::time::sleep(keep * 3).await;
        assert_eq!(
            on_both(&queue, held).await,
            [0, 0],
            "given back after {keep:?} without one"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashes_beyond_the_waiting_limit_are_refused_at_once() {
        let queue = std::sync::Arc::new(HashQueue::new(1, 2, KEEP_HASH_MEMORY));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = std::sync::Arc::new(std::sync::Mutex::new(hold));
        // One running (held), two waiting: the queue is full.
        let busy: Vec<_> = (0..3)
            .map(|_| {
                let (queue, hold) = (queue.clone(), hold.clone());
                tokio::spawn(async move {
                    queue
                        .run(move |_| hold.lock().unwrap().recv().unwrap())
                        .await
                })
            })
            .collect();
        while queue.waiting.load(std::sync::atomic::Ordering::SeqCst) < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(
            queue.run(|_| ()).await,
            Err(crate::error::AppError::Busy),
            "the fourth is refused without waiting"
        );
        for _ in 0..3 {
            release.send(()).unwrap();
        }
        for task in busy {
            assert!(task.await.unwrap().is_ok());
        }
        assert_eq!(queue.run(|_| 7).await, Ok(7), "room again");
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_below_the_threads_that_serve_pages() {
        use crate::ssr::background::below_pages;
        let queue = HashQueue::new(2, 2, KEEP_HASH_MEMORY);
        assert!(queue.run(|_| below_pages()).await.unwrap());
        assert!(!below_pages(), "the caller's own priority is untouched");
    }

    #[tokio::test]
    async fn a_hash_that_panics_fails_alone_and_leaves_the_queue_working() {
        let queue = HashQueue::new(1, 2, KEEP_HASH_MEMORY);
        let failed: Result<(), _> = queue.run(|_| panic!("a broken hash")).await;
        assert_eq!(failed, Err(crate::error::AppError::Internal));
        assert_eq!(queue.run(|_| 7).await, Ok(7));
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

/// Equal bytes, compared without stopping at the first difference.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A secret its owner may see again, and whose it is: the owner goes into the ciphertext's
/// associated data, so a row copied to another owner does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    Passkey { user_id: i64 },
    Authenticator { user_id: i64 },
    Pin { provider_id: i64 },
}

impl Sealed {
    fn associated_data(self) -> String {
        match self {
            Sealed::Passkey { user_id } => format!("passkey:{user_id}"),
            Sealed::Authenticator { user_id } => format!("authenticator:{user_id}"),
            Sealed::Pin { provider_id } => format!("pin:{provider_id}"),
        }
    }
}

/// One master key (`PORTAL_SECRET_KEY`) and the keys derived from it, one per purpose (HKDF-
/// SHA-256), so no key ever serves two purposes.
#[derive(Clone)]
struct KeySet {
    /// Names the master key in each ciphertext: the start of a hash of it, not the key.
    id: String,
    master: [u8; 32],
    /// PINs and passkeys.
    secrets: [u8; 32],
    /// Authenticator seeds.
    authenticator: [u8; 32],
    /// Keyed hashes of one-time passcodes.
    passcodes: [u8; 32],
}

impl KeySet {
    fn new(master: [u8; 32]) -> KeySet {
        let hkdf = hkdf::Hkdf::<Sha256>::new(Some(b"provider-portal"), &master);
        let derive = |purpose: &str| {
            let mut key = [0u8; 32];
            hkdf.expand(purpose.as_bytes(), &mut key)
                .expect("32 bytes is a valid HKDF-SHA-256 length");
            key
        };
        KeySet {
            id: hex::encode(&derive("key id")[..4]),
            master,
            secrets: derive("seal pins and passkeys"),
            authenticator: derive("seal authenticator seeds"),
            passcodes: derive("hash one-time passcodes"),
        }
    }

    fn for_sealing(&self, what: Sealed) -> &[u8; 32] {
        match what {
            Sealed::Authenticator { .. } => &self.authenticator,
            Sealed::Passkey { .. } | Sealed::Pin { .. } => &self.secrets,
        }
    }
}

/// The server's keys: the current one seals, and the previous ones (kept while `server
/// rotate-key` re-seals their rows) still open. `Debug` shows only key ids.
#[derive(Clone)]
pub struct Keys {
    current: KeySet,
    previous: Vec<KeySet>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// How a ciphertext starts: the scheme's version, then the id of the master key.
const SEALED_VERSION: &str = "v1";

impl Keys {
    pub fn new(current: [u8; 32], previous: Vec<[u8; 32]>) -> Keys {
        Keys {
            current: KeySet::new(current),
            previous: previous.into_iter().map(KeySet::new).collect(),
        }
    }

    /// The id of the key that seals now.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// The key for hashing one-time passcodes (they live minutes: no rotation needed).
    pub fn passcodes(&self) -> &[u8; 32] {
        &self.current.passcodes
    }

    /// Encrypts a secret its owner may see again (passkey, PIN, authenticator seed):
    /// XChaCha20-Poly1305 with a random nonce, bound to its owner; "v1:<key id>:<hex of nonce
    /// and ciphertext>".
    pub fn seal(&self, what: Sealed, plaintext: &[u8]) -> String {
        use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng as AeadRng, Payload};
        use chacha20poly1305::XChaCha20Poly1305;
        let cipher = XChaCha20Poly1305::new(self.current.for_sealing(what).into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut AeadRng);
        let aad = what.associated_data();
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .expect("encryption of a short secret");
        format!(
            "{SEALED_VERSION}:{}:{}{}",
            self.current.id,
            hex::encode(nonce),
            hex::encode(sealed)
        )
    }

    /// Decrypts what [`Keys::seal`] made for the same owner, with whichever known key sealed
    /// it; `None` if it was altered, belongs to another owner, or its key is unknown. A
    /// ciphertext of the first scheme (no prefix: the master key itself, no owner) still
    /// opens, until `server rotate-key` re-seals it.
    pub fn open(&self, what: Sealed, sealed: &str) -> Option<Vec<u8>> {
        match sealed.split_once(':') {
            Some((SEALED_VERSION, rest)) => {
                let (id, body) = rest.split_once(':')?;
                let keys = self.all().find(|k| k.id == id)?;
                open_with(keys.for_sealing(what), &what.associated_data(), body)
            }
            Some(_) => None,
            None => self.all().find_map(|k| open_with(&k.master, "", sealed)),
        }
    }

    /// The same secret sealed under the current key, when it is sealed under another (or
    /// the first scheme); `None` when it needs nothing or does not open.
    pub fn reseal(&self, what: Sealed, sealed: &str) -> Option<String> {
        let current = format!("{SEALED_VERSION}:{}:", self.current.id);
        if sealed.starts_with(&current) {
            return None;
        }
        self.open(what, sealed)
            .map(|plaintext| self.seal(what, &plaintext))
    }

    fn all(&self) -> impl Iterator<Item = &KeySet> {
        std::iter::once(&self.current).chain(&self.previous)
    }
}

fn open_with(key: &[u8; 32], aad: &str, body: &str) -> Option<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    use chacha20poly1305::{XChaCha20Poly1305, XNonce};
    let bytes = hex::decode(body).ok()?;
    if bytes.len() < 24 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: aad.as_bytes(),
            },
        )
        .ok()
}

#[cfg(test)]
mod sealing_tests {
    use super::{Keys, Sealed};

    const ALICE: Sealed = Sealed::Passkey { user_id: 1 };

    #[test]
    fn constant_time_comparison() {
        assert!(super::constant_time_eq(b"1234", b"1234"));
        assert!(!super::constant_time_eq(b"1234", b"1235"));
        assert!(!super::constant_time_eq(b"1234", b"12345"));
    }

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_for_their_owner() {
        let keys = Keys::new([1; 32], vec![]);
        let sealed = keys.seal(ALICE, b"1234");
        assert!(sealed.starts_with(&format!("v1:{}:", keys.current_id())));
        // Neither the digits nor their hex form show (the digits alone may occur by chance).
        assert!(!sealed.contains(&hex::encode(b"1234")));
        assert_eq!(keys.open(ALICE, &sealed).as_deref(), Some(&b"1234"[..]));
        assert_eq!(Keys::new([2; 32], vec![]).open(ALICE, &sealed), None);
        assert_eq!(
            keys.open(Sealed::Passkey { user_id: 2 }, &sealed),
            None,
            "copied to another user"
        );
        assert_eq!(
            keys.open(Sealed::Authenticator { user_id: 1 }, &sealed),
            None,
            "another purpose, another key"
        );
        assert_ne!(keys.seal(ALICE, b"1234"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn each_purpose_has_its_own_key_and_ids_do_not_show_the_key() {
        let keys = Keys::new([1; 32], vec![]);
        let set = &keys.current;
        let derived = [set.secrets, set.authenticator, set.passcodes, set.master];
        for (i, a) in derived.iter().enumerate() {
            for b in &derived[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(set.id.len(), 8);
        assert!(!hex::encode(set.master).contains(&set.id));
    }

    #[test]
    fn a_rotated_key_still_opens_until_resealed() {
        let old = Keys::new([1; 32], vec![]);
        let sealed = old.seal(ALICE, b"1234");
        let rotated = Keys::new([2; 32], vec![[1; 32]]);
        assert_eq!(rotated.open(ALICE, &sealed).as_deref(), Some(&b"1234"[..]));
        let resealed = rotated.reseal(ALICE, &sealed).unwrap();
        assert_eq!(rotated.reseal(ALICE, &resealed), None, "already current");
        let new_only = Keys::new([2; 32], vec![]);
        assert_eq!(new_only.open(ALICE, &sealed), None);
        assert_eq!(
            new_only.open(ALICE, &resealed).as_deref(),
            Some(&b"1234"[..])
        );
    }

    #[test]
    fn the_first_scheme_opens_and_is_resealed() {
        use chacha20poly1305::aead::{Aead, KeyInit};
        use chacha20poly1305::{XChaCha20Poly1305, XNonce};
        let nonce = [9u8; 24];
        let ciphertext = XChaCha20Poly1305::new((&[1u8; 32]).into())
            .encrypt(XNonce::from_slice(&nonce), &b"1234"[..])
            .unwrap();
        let legacy = format!("{}{}", hex::encode(nonce), hex::encode(ciphertext));
        let keys = Keys::new([1; 32], vec![]);
        assert_eq!(keys.open(ALICE, &legacy).as_deref(), Some(&b"1234"[..]));
        let resealed = keys.reseal(ALICE, &legacy).unwrap();
        assert!(resealed.starts_with("v1:"));
    }
}
