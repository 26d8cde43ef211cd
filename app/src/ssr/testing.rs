//! Fresh, migrated databases for tests: always a SQLite file, and a PostgreSQL database when
//! `PORTAL_TEST_POSTGRES_URL` names a server (the test command starts a throwaway one).

use super::crypto::random_hex;
use super::db::Db;
use sqlx::Executor;

/// A database loaded once, from which each test gets its own copy.
#[derive(Clone, Debug)]
pub enum Template {
    /// A closed SQLite file, copied file by file.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database nobody is connected to, copied with `CREATE DATABASE … TEMPLATE`.
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// Closes the database and keeps it, as the template of later copies.
    pub async fn into_template(mut self) -> Template {
        if self.dir.is_some() {
            // Everything into the main file, which is all a copy takes.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.db.pool)
                .await
                .expect("checkpoint the template");
        }
        self.db.close().await;
        match self.dir.take() {
            Some(dir) => Template::Sqlite(dir.join("portal.db")),
            // Kept past this value: templates are swept by age (see `sweep`).
            None => Template::Postgres {
                admin_url: std::env::var("PORTAL_TEST_POSTGRES_URL").expect("PostgreSQL URL"),
                name: std::mem::take(&mut self.name),
            },
        }
    }
}

/// A fresh copy of each template.
pub async fn copies(templates: &[Template]) -> Vec<TestDb> {
    let mut all = Vec::new();
    for template in templates {
        all.push(match template {
            Template::Sqlite(file) => {
                let dir = std::env::temp_dir().join(format!("portal-test-{}", random_hex(8)));
                std::fs::create_dir_all(&dir).expect("test folder");
                std::fs::copy(file, dir.join("portal.db")).expect("copy the template");
                let url = format!("sqlite://{}/portal.db", dir.display());
                TestDb {
                    db: Db::connect(&url).await.expect("open SQLite"),
                    label: "sqlite",
                    dir: Some(dir),
                    name: String::new(),
                }
            }
            Template::Postgres { admin_url, name } => {
                let copy = test_database_name(now());
                admin_connection(admin_url)
                    .await
                    .execute(format!("CREATE DATABASE {copy} TEMPLATE {name}").as_str())
                    .await
                    .expect("copy the template database");
                TestDb {
                    db: Db::connect(&database_url(admin_url, &copy))
                        .await
                        .expect("open PostgreSQL"),
                    label: "postgres",
                    dir: None,
                    name: copy,
                }
            }
        });
    }
    all
}

async fn admin_connection(admin_url: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
        .await
        .expect("connect to PostgreSQL")
}

/// The URL of the database `name` on the server `admin_url` names.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(admin_url);
    format!("{base}/{name}")
}

pub struct TestDb {
    pub db: Db,
    /// "sqlite" or "postgres", for assertion messages.
    pub label: &'static str,
    dir: Option<std::path::PathBuf>,
    /// The PostgreSQL database's name.
    pub name: String,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        } else if !self.name.is_empty() {
            if let Ok(admin_url) = std::env::var("PORTAL_TEST_POSTGRES_URL") {
                drop_databases(admin_url, vec![std::mem::take(&mut self.name)]);
            }
        }
    }
}

/// How long a test database may live on a shared server before any later test run drops it:
/// longer than a whole test run, so none is dropped under a run still going.
const TEST_DATABASE_MAX_AGE_SECONDS: u64 = 3 * 3600;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `portal_test_<seconds since 1970>_<random>`: the name says when it was made.
fn test_database_name(now: u64) -> String {
    format!("portal_test_{now}_{}", random_hex(6))
}

/// The test databases among `names` older than [`TEST_DATABASE_MAX_AGE_SECONDS`] at `now`,
/// including those named before names carried their time.
fn expired(names: &[String], now: u64) -> Vec<&String> {
    names
        .iter()
        .filter(|name| {
            let Some(rest) = name.strip_prefix("portal_test_") else {
                return false;
            };
            match rest
                .split_once('_')
                .and_then(|(at, _)| at.parse::<u64>().ok())
            {
                Some(made) => now.saturating_sub(made) > TEST_DATABASE_MAX_AGE_SECONDS,
                None => true,
            }
        })
        .collect()
}

/// Drops test databases left by earlier runs on the server: templates (kept for a whole run)
/// and any a killed run could not drop.
async fn sweep(admin_url: &str) {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'portal\\_test\\_%'",
    )
    .fetch_all(&mut admin_connection(admin_url).await)
    .await
    .expect("list the test databases");
    let old: Vec<String> = expired(&names, now()).into_iter().cloned().collect();
    if !old.is_empty() {
        let admin_url = admin_url.to_string();
        tokio::task::spawn_blocking(move || drop_databases(admin_url, old))
            .await
            .expect("drop old test databases");
    }
}

/// Drops databases, closing what is still connected to them. On a thread and runtime of its
/// own: a value is dropped inside the test's runtime, which must not be blocked on.
fn drop_databases(admin_url: String, names: Vec<String>) {
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let mut admin = admin_connection(&admin_url).await;
            for name in names {
                let _ = admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await;
            }
        });
    })
    .join();
}

/// One migrated, empty database per backend under test.
pub async fn databases() -> Vec<TestDb> {
    let mut all = vec![sqlite().await];
    match std::env::var("PORTAL_TEST_POSTGRES_URL") {
        Ok(url) => all.push(postgres(&url).await),
        Err(_) if std::env::var("PORTAL_TEST_REQUIRE_POSTGRES").is_ok() => {
            panic!("PORTAL_TEST_REQUIRE_POSTGRES is set but PORTAL_TEST_POSTGRES_URL is not")
        }
        Err(_) => {}
    }
    all
}

pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("portal-test-{}", random_hex(8)));
    let url = format!("sqlite://{}/portal.db", dir.display());
    let db = Db::connect(&url).await.expect("open SQLite");
    db.migrate().await.expect("migrate SQLite");
    TestDb {
        db,
        label: "sqlite",
        dir: Some(dir),
        name: String::new(),
    }
}

pub async fn postgres(admin_url: &str) -> TestDb {
    sweep(admin_url).await;
    let name = test_database_name(now());
    admin_connection(admin_url)
        .await
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let db = Db::connect(&database_url(admin_url, &name))
        .await
        .expect("open PostgreSQL");
    db.migrate().await.expect("migrate PostgreSQL");
    TestDb {
        db,
        label: "postgres",
        dir: None,
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_databases_older_than_three_hours_are_swept() {
        let now = 1_800_000_000;
        let names: Vec<String> = vec![
            test_database_name(now),
            test_database_name(now - TEST_DATABASE_MAX_AGE_SECONDS),
            test_database_name(now - TEST_DATABASE_MAX_AGE_SECONDS - 1),
            "portal_test_5f3a2b".into(),
            "postgres".into(),
            "portal".into(),
        ];
        assert_eq!(expired(&names, now), vec![&names[2], &names[3]]);
    }
}
