//! What the application reads from configuration (the server binary fills it in).

use jiff::tz::TimeZone;

/// The demo plan's payer address and tax ID (a made-up one).
pub const DEMO_PAYER_ADDRESS: &str =
    "Poppy Health Provider Services; PO Box 15000; Sacramento, CA 95851";
pub const DEMO_PAYER_TIN: &str = "94-0000417";

/// `Debug` shows only the keys' ids (hand-written below), so settings may be logged.
#[derive(Clone)]
pub struct Settings {
    /// The program's name as users see it, e.g. "Poppy Health".
    pub program_name: String,
    /// The plan as payer on tax forms: its mailing address (lines separated by "; ") and its
    /// federal tax ID (`PORTAL_PAYER_ADDRESS`, `PORTAL_PAYER_TIN`).
    pub payer_address: String,
    pub payer_tin: String,
    /// Keep outgoing messages in the dev mailbox instead of sending them.
    pub dev_mailbox: bool,
    /// Served over plain http (development): session cookie without `Secure`/`__Host-`.
    pub plain_http: bool,
    /// The plan's calendar (`PORTAL_TIME_ZONE`), for day and year rules.
    pub calendar: crate::domain::Calendar,
    pub session_idle_seconds: i64,
    pub session_absolute_seconds: i64,
    /// 0 turns password expiry off.
    pub password_max_age_days: i64,
    /// Keys for secrets that must be decrypted again (PINs, passkeys, authenticator seeds),
    /// and for keyed hashes of one-time passcodes.
    pub keys: super::crypto::Keys,
    /// Where users reach the portal, for links in emails: "https://portal.example.org".
    pub public_url: String,
    /// How long the "Set your new password" link of a registration works.
    pub registration_link_minutes: i64,
    /// Days after which an added user whose permissions were never assigned is deactivated.
    pub unassigned_user_days: i64,
    /// Seconds a one-time passcode counts as a fresh step-up (5 minutes).
    pub step_up_seconds: i64,
    /// Proxies whose `X-Forwarded-For` names the client (`PORTAL_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where uploaded files are kept (`PORTAL_UPLOAD_DIR`).
    pub upload_dir: std::path::PathBuf,
    /// ClamAV's `clamd` (`PORTAL_CLAMD_ADDR`, host:port): when set, every upload is scanned.
    pub clamd_addr: Option<String>,
    /// The health networks the referral rules name (`PORTAL_REFERRAL_DIRECT_NETWORKS`,
    /// `PORTAL_REFERRAL_BH_EXCLUDED_NETWORKS`).
    pub referral_networks: crate::referrals::rules::Networks,
    /// Miles from the member's ZIP beyond which a provider is "far away"
    /// (`PORTAL_REFERRAL_RADIUS_MILES`).
    pub referral_radius_miles: f64,
}

impl Settings {
    /// The portal's address for `path` ("/login", "/email/confirm?t=…"), as emails link to it.
    pub fn link(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.public_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    /// Settings for tests and tools: demo program, plain http, Los Angeles calendar.
    pub fn for_tests() -> Self {
        Settings {
            program_name: "Poppy Health".into(),
            payer_address: DEMO_PAYER_ADDRESS.into(),
            payer_tin: DEMO_PAYER_TIN.into(),
            dev_mailbox: true,
            plain_http: true,
            calendar: crate::domain::Calendar::new(
                TimeZone::get("America/Los_Angeles").expect("bundled time zone"),
            ),
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 12 * 60 * 60,
            password_max_age_days: 60,
            keys: super::crypto::Keys::new([7; 32], vec![]),
            public_url: "http://127.0.0.1:3000".into(),
            registration_link_minutes: 10,
            unassigned_user_days: 30,
            step_up_seconds: crate::domain::rules::STEP_UP_MINUTES * 60,
            trusted_proxies: Vec::new(),
            upload_dir: std::env::temp_dir().join("provider-portal-test-uploads"),
            clamd_addr: None,
            referral_networks: crate::referrals::rules::Networks::demo(),
            referral_radius_miles: 30.0,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("program_name", &self.program_name)
            .field("dev_mailbox", &self.dev_mailbox)
            .field("plain_http", &self.plain_http)
            .field("public_url", &self.public_url)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}
