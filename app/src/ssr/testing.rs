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
        self.db.pool.close().await;
        match self.dir.take() {
            Some(dir) => Template::Sqlite(dir.join("portal.db")),
            None => Template::Postgres {
                admin_url: std::env::var("PORTAL_TEST_POSTGRES_URL").expect("PostgreSQL URL"),
                name: self.name.clone(),
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
                let copy = format!("portal_test_{}", random_hex(6));
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
        name: String::new(),
    }
}

pub async fn postgres(admin_url: &str) -> TestDb {
    let name = format!("portal_test_{}", random_hex(6));
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
