//! Configuration from the environment (or the same names as flags).

use clap::builder::BoolishValueParser;
use clap::{Args, ValueEnum};

/// `Debug` leaves out the key and the database URL (it may hold a password).
#[derive(Clone, Args)]
pub struct Config {
    /// sqlite://path or postgres://user@host/db
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/portal.db",
        global = true
    )]
    pub database_url: String,

    /// The most database connections this instance holds at once (default: on SQLite two per
    /// core, 4 to 16; on PostgreSQL 16). On PostgreSQL, instances times this must stay below
    /// the server's `max_connections`. On SQLite, as many again are kept for the reads and
    /// single statements outside transactions (each a thread of this process).
    #[arg(long, env = "PORTAL_DB_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub db_connections: Option<u32>,

    /// The program's name as users see it.
    #[arg(
        long,
        env = "PORTAL_PROGRAM_NAME",
        default_value = "Poppy Health",
        global = true
    )]
    pub program_name: String,

    /// The plan's mailing address as payer on tax forms, lines separated by "; ".
    #[arg(long, env = "PORTAL_PAYER_ADDRESS", default_value = app::ssr::settings::DEMO_PAYER_ADDRESS, global = true)]
    pub payer_address: String,

    /// The plan's federal tax ID as payer on tax forms.
    #[arg(long, env = "PORTAL_PAYER_TIN", default_value = app::ssr::settings::DEMO_PAYER_TIN, global = true)]
    pub payer_tin: String,

    /// Folder for uploaded files (attachments, plan-made PDFs): created if missing.
    #[arg(
        long,
        env = "PORTAL_UPLOAD_DIR",
        default_value = "data/uploads",
        global = true
    )]
    pub upload_dir: std::path::PathBuf,

    /// Health networks the plan manages directly: Medical outpatient referrals are only for
    /// their members (comma-separated).
    #[arg(
        long,
        env = "PORTAL_REFERRAL_DIRECT_NETWORKS",
        value_delimiter = ',',
        default_value = "Poppy Direct,Poppy Community Network",
        global = true
    )]
    pub referral_direct_networks: Vec<String>,

    /// Delegated networks whose members get no Behavioral Health referral here
    /// (comma-separated).
    #[arg(
        long,
        env = "PORTAL_REFERRAL_BH_EXCLUDED_NETWORKS",
        value_delimiter = ',',
        default_value = "Kaiser",
        global = true
    )]
    pub referral_bh_excluded_networks: Vec<String>,

    /// Miles from the member's ZIP code beyond which a referred-to provider is "far away".
    #[arg(
        long,
        env = "PORTAL_REFERRAL_RADIUS_MILES",
        default_value_t = 30.0,
        global = true
    )]
    pub referral_radius_miles: f64,

    /// ClamAV's clamd as host:port: every upload is scanned before it is accepted.
    #[arg(long, env = "PORTAL_CLAMD_ADDR", global = true)]
    pub clamd_addr: Option<String>,

    /// Keep outgoing messages at /dev/mailbox instead of sending them.
    #[arg(long, env = "PORTAL_DEV_MAILBOX", value_parser = BoolishValueParser::new(), default_value = "false", global = true)]
    pub dev_mailbox: bool,

    /// Served over plain http (development only): no Secure cookie, no __Host- prefix.
    #[arg(long, env = "PORTAL_PLAIN_HTTP", value_parser = BoolishValueParser::new(), default_value = "false", global = true)]
    pub plain_http: bool,

    /// 64 hex digits. When unset, a key is generated once into `PORTAL_SECRET_KEY_FILE`.
    #[arg(long, env = "PORTAL_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,

    /// Where the generated key is kept when `PORTAL_SECRET_KEY` is unset: never in the
    /// database's folder, so a copy of the database folder is not a copy of the key.
    #[arg(
        long,
        env = "PORTAL_SECRET_KEY_FILE",
        default_value = "keys/portal.key",
        global = true
    )]
    pub secret_key_file: std::path::PathBuf,

    /// Keys replaced by a new `PORTAL_SECRET_KEY`, comma-separated: they still open what they
    /// sealed until `server rotate-key` has re-sealed it.
    #[arg(
        long,
        env = "PORTAL_PREVIOUS_SECRET_KEYS",
        hide_env_values = true,
        value_delimiter = ',',
        global = true
    )]
    pub previous_secret_keys: Vec<String>,

    /// The plan's time zone, for calendar-day rules.
    #[arg(
        long,
        env = "PORTAL_TIME_ZONE",
        default_value = "America/Los_Angeles",
        global = true
    )]
    pub time_zone: String,

    /// Days before a password must be changed; 0 turns expiry off.
    #[arg(
        long,
        env = "PORTAL_PASSWORD_MAX_AGE_DAYS",
        default_value_t = 60,
        global = true
    )]
    pub password_max_age_days: i64,

    /// Seconds without activity before a session ends (30 minutes).
    #[arg(
        long,
        env = "PORTAL_SESSION_IDLE_SECONDS",
        default_value_t = 1800,
        global = true
    )]
    pub session_idle_seconds: i64,

    /// Hours after sign-in when a session ends regardless of activity.
    #[arg(
        long,
        env = "PORTAL_SESSION_ABSOLUTE_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub session_absolute_hours: i64,

    /// The address users reach the portal at, for links in emails (default: http:// and the
    /// serving address).
    #[arg(long, env = "PORTAL_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Seconds a one-time passcode counts as a fresh step-up for viewing and changing secrets.
    #[arg(
        long,
        env = "PORTAL_STEP_UP_SECONDS",
        default_value_t = 300,
        global = true
    )]
    pub step_up_seconds: i64,

    /// Days after which an added user whose permissions were never assigned is deactivated.
    #[arg(
        long,
        env = "PORTAL_UNASSIGNED_USER_DAYS",
        default_value_t = 30,
        global = true
    )]
    pub unassigned_user_days: i64,

    /// Minutes the "Set your new password" link of a registration works.
    #[arg(
        long,
        env = "PORTAL_REGISTRATION_LINK_MINUTES",
        default_value_t = 10,
        global = true
    )]
    pub registration_link_minutes: i64,

    /// Addresses of the reverse proxies in front of the portal, comma-separated: from them,
    /// the client is the last `X-Forwarded-For` hop that is not a proxy.
    #[arg(
        long,
        env = "PORTAL_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// The serving address (set by cargo-leptos), for the default public URL.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub site_addr: String,

    /// Log lines as plain text or JSON.
    #[arg(
        long,
        env = "PORTAL_LOG_FORMAT",
        value_enum,
        default_value = "plain",
        global = true
    )]
    pub log_format: LogFormat,
}

/// Where real messages go; unused while `PORTAL_DEV_MAILBOX` is on. Read from the environment
/// only, when the server starts serving.
#[derive(Clone, Default, Args)]
pub struct DeliveryConfig {
    /// Email: smtp://user:pass@host:587?tls=required, or smtps://user:pass@host.
    #[arg(long, env = "PORTAL_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The From address of emails, e.g. "Poppy Health Provider Portal <no-reply@poppy.example>".
    #[arg(long, env = "PORTAL_SMTP_FROM")]
    pub smtp_from: Option<String>,

    /// SMS and voice calls: the gateway URL that takes {"channel","to","body"} as JSON.
    #[arg(long, env = "PORTAL_SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,

    /// Sent to the gateway as a bearer token.
    #[arg(long, env = "PORTAL_SMS_GATEWAY_TOKEN", hide_env_values = true)]
    pub sms_gateway_token: Option<String>,

    /// Postal letters: the folder the print vendor collects PDFs from.
    #[arg(long, env = "PORTAL_PRINT_DIR")]
    pub print_dir: Option<std::path::PathBuf>,
}

impl DeliveryConfig {
    pub fn from_env() -> anyhow::Result<DeliveryConfig> {
        #[derive(clap::Parser)]
        struct EnvOnly {
            #[command(flatten)]
            delivery: DeliveryConfig,
        }
        let parsed = <EnvOnly as clap::Parser>::try_parse_from(["server"])?;
        Ok(parsed.delivery)
    }
}

// By hand, so that logging the configuration never shows the SMTP password or gateway token.
impl std::fmt::Debug for DeliveryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "<hidden>");
        f.debug_struct("DeliveryConfig")
            .field("smtp_url", &hidden(&self.smtp_url))
            .field("smtp_from", &self.smtp_from)
            .field("sms_gateway_url", &self.sms_gateway_url)
            .field("sms_gateway_token", &hidden(&self.sms_gateway_token))
            .field("print_dir", &self.print_dir)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Plain,
    Json,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("site_addr", &self.site_addr)
            .field("program_name", &self.program_name)
            .field("dev_mailbox", &self.dev_mailbox)
            .field("public_url", &self.public_url)
            .field("database_url", &"[redacted]")
            .field("secret_key", &"[redacted]")
            .field("secret_key_file", &self.secret_key_file)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The application settings, reading or creating the secret key.
    pub fn settings(&self) -> anyhow::Result<app::ssr::settings::Settings> {
        let time_zone = jiff::tz::TimeZone::get(&self.time_zone)
            .map_err(|e| anyhow::anyhow!("PORTAL_TIME_ZONE {:?}: {e}", self.time_zone))?;
        if self.dev_mailbox {
            if let Some(url) = self.public_url.as_deref().filter(|u| !is_local(u)) {
                anyhow::bail!(
                    "PORTAL_DEV_MAILBOX shows every message, passcodes included, to anyone: \
                     it is refused for {url} (a site on this machine only)"
                );
            }
        }
        Ok(app::ssr::settings::Settings {
            program_name: self.program_name.clone(),
            payer_address: self.payer_address.clone(),
            payer_tin: self.payer_tin.clone(),
            dev_mailbox: self.dev_mailbox,
            plain_http: self.plain_http,
            calendar: app::domain::Calendar::new(time_zone),
            session_idle_seconds: self.session_idle_seconds,
            session_absolute_seconds: self.session_absolute_hours * 3600,
            password_max_age_days: self.password_max_age_days,
            keys: self.keys()?,
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.site_addr)),
            registration_link_minutes: self.registration_link_minutes,
            unassigned_user_days: self.unassigned_user_days,
            step_up_seconds: self.step_up_seconds,
            trusted_proxies: self.trusted_proxies.clone(),
            upload_dir: self.upload_dir.clone(),
            clamd_addr: self.clamd_addr.clone(),
            referral_networks: app::referrals::rules::Networks {
                direct: names(&self.referral_direct_networks),
                behavioral_excluded: names(&self.referral_bh_excluded_networks),
            },
            referral_radius_miles: self.referral_radius_miles,
        })
    }

    /// The current key (from `PORTAL_SECRET_KEY`, or the key file, generated on first use)
    /// and the previous ones.
    fn keys(&self) -> anyhow::Result<app::ssr::crypto::Keys> {
        let current = match &self.secret_key {
            Some(text) => text.clone(),
            None => self.key_file()?,
        };
        let previous = self
            .previous_secret_keys
            .iter()
            .filter(|text| !text.trim().is_empty())
            .map(|text| parse_key(text, "PORTAL_PREVIOUS_SECRET_KEYS"))
            .collect::<anyhow::Result<_>>()?;
        Ok(app::ssr::crypto::Keys::new(
            parse_key(&current, "PORTAL_SECRET_KEY")?,
            previous,
        ))
    }

    /// The generated key, from `PORTAL_SECRET_KEY_FILE` (made on first use). A key generated
    /// beside the database by earlier versions (`secret.key`) moves there.
    fn key_file(&self) -> anyhow::Result<String> {
        let path = &self.secret_key_file;
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        std::fs::create_dir_all(folder)?;
        if let Some(database) = self.sqlite_dir() {
            std::fs::create_dir_all(&database)?;
            if folder.canonicalize()?.starts_with(database.canonicalize()?) {
                anyhow::bail!(
                    "PORTAL_SECRET_KEY_FILE {} is in the database's folder {}: keep the key \
                     apart from the data it protects",
                    path.display(),
                    database.display()
                );
            }
            let legacy = database.join("secret.key");
            if !path.exists() && legacy.exists() {
                std::fs::copy(&legacy, path)?;
                restrict(path)?;
                std::fs::remove_file(&legacy)?;
                tracing::info!(from = %legacy.display(), to = %path.display(), "moved the secret key out of the database folder");
            }
        }
        match write_private(path, &app::ssr::crypto::random_hex(32)) {
            Ok(()) => tracing::info!(path = %path.display(), "generated a new secret key"),
            // Already there (or another instance made it first): use it.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
        Ok(std::fs::read_to_string(path)?)
    }

    /// The folder of a SQLite database file; `None` for PostgreSQL (or a database in memory).
    fn sqlite_dir(&self) -> Option<std::path::PathBuf> {
        let path = self.database_url.strip_prefix("sqlite:")?;
        let path = path.trim_start_matches("//").split('?').next()?;
        if path.is_empty() || path.contains(":memory:") {
            return None;
        }
        let folder = std::path::Path::new(path).parent()?;
        Some(if folder.as_os_str().is_empty() {
            ".".into()
        } else {
            folder.to_path_buf()
        })
    }
}

fn parse_key(text: &str, name: &str) -> anyhow::Result<[u8; 32]> {
    hex::decode(text.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| anyhow::anyhow!("{name} must be 64 hex digits"))
}

/// Only the owner may read the key file.
#[cfg(unix)]
fn restrict(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Whether a public URL names this machine (the dev mailbox is only for such a site).
fn is_local(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// A comma-separated list of names, trimmed, without empty ones.
fn names(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Config;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            config: Config,
        }
        let mut all = vec!["server"];
        all.extend(args);
        <Cli as clap::Parser>::try_parse_from(all).map(|cli| cli.config)
    }

    fn config(args: &[&str]) -> Config {
        parse(args).unwrap()
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "portal-config-{name}-{}",
            app::ssr::crypto::random_hex(4)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_key_file_is_generated_once_and_never_in_the_database_folder() {
        let dir = scratch("key");
        let db = format!("sqlite://{}/data/portal.db", dir.display());
        let inside = dir.join("data/keys/portal.key");
        let refused = config(&[
            "--database-url",
            &db,
            "--secret-key-file",
            inside.to_str().unwrap(),
        ]);
        let error = refused.keys().unwrap_err().to_string();
        assert!(error.contains("database's folder"), "{error}");
        assert!(!inside.exists());

        let outside = dir.join("keys/portal.key");
        let good = config(&[
            "--database-url",
            &db,
            "--secret-key-file",
            outside.to_str().unwrap(),
        ]);
        let first = good.keys().unwrap();
        let again = good.keys().unwrap();
        assert_eq!(first.current_id(), again.current_id(), "generated once");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&outside).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_key_left_beside_the_database_moves_out() {
        let dir = scratch("legacy");
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let hex = "11".repeat(32);
        std::fs::write(dir.join("data/secret.key"), &hex).unwrap();
        let db = format!("sqlite://{}/data/portal.db", dir.display());
        let file = dir.join("keys/portal.key");
        let keys = config(&[
            "--database-url",
            &db,
            "--secret-key-file",
            file.to_str().unwrap(),
        ])
        .keys()
        .unwrap();
        let expected = config(&["--secret-key", &hex]).keys().unwrap();
        assert_eq!(keys.current_id(), expected.current_id());
        assert!(!dir.join("data/secret.key").exists());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), hex);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn previous_keys_are_read_and_checked() {
        let current = "22".repeat(32);
        let keys = config(&[
            "--secret-key",
            &current,
            "--previous-secret-keys",
            &format!("{},{}", "33".repeat(32), "44".repeat(32)),
        ])
        .keys()
        .unwrap();
        assert_eq!(format!("{keys:?}").matches('"').count(), 6, "{keys:?}");
        let bad = config(&["--secret-key", &current, "--previous-secret-keys", "abc"]);
        assert!(bad
            .keys()
            .unwrap_err()
            .to_string()
            .contains("PORTAL_PREVIOUS_SECRET_KEYS"));
    }

    #[test]
    fn the_connection_limit_is_a_positive_number() {
        assert_eq!(config(&[]).db_connections, None);
        assert_eq!(config(&["--db-connections", "4"]).db_connections, Some(4));
        for refused in ["0", "-1", "many"] {
            let parsed = parse(&["--db-connections", refused]);
            assert!(parsed.is_err(), "{refused} was taken");
        }
    }

    #[test]
    fn the_dev_mailbox_is_only_for_a_site_on_this_machine() {
        for local in [
            "http://127.0.0.1:3000",
            "https://localhost/",
            "http://[::1]:8080",
        ] {
            assert!(super::is_local(local), "{local}");
        }
        for public in [
            "https://portal.poppy.example",
            "http://10.0.0.5",
            "https://localhost.evil.example",
        ] {
            assert!(!super::is_local(public), "{public}");
        }
    }
}
