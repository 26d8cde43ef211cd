//! Fresh, migrated databases for tests: always a SQLite file, and a PostgreSQL database when
//! `PORTAL_TEST_POSTGRES_URL` names a server (the test command starts a throwaway one).

use super::crypto::random_hex;
use super::db::Db;
use sqlx::Executor;

pub struct TestDb {
    pub db: Db,
    /// "sqlite" or "postgres", for assertion messages.
    pub label: &'static str,
    dir: Option<std::path::PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
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
    }
}

pub async fn postgres(admin_url: &str) -> TestDb {
    sqlx::any::install_default_drivers();
    let name = format!("portal_test_{}", random_hex(6));
    let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(admin_url)
        .await
        .expect("connect to PostgreSQL");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base)
        .unwrap_or(admin_url);
    let db = Db::connect(&format!("{base}/{name}"))
        .await
        .expect("open PostgreSQL");
    db.migrate().await.expect("migrate PostgreSQL");
    TestDb {
        db,
        label: "postgres",
        dir: None,
    }
}
