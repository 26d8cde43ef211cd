//! One pool over SQLite or PostgreSQL through sqlx's `Any` driver. Queries use `$1`
//! placeholders, BIGINT for integers, flags and UTC-second timestamps, and TEXT for dates, so
//! the same SQL runs on both.

use crate::error::AppError;
use crate::ssr::repo::Conn;
use sqlx::any::{install_default_drivers, AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyConnection, AnyPool, Executor};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a connection of the pool talks to.
    pub fn of(conn: &AnyConnection) -> Backend {
        if conn.backend_name() == <sqlx::Sqlite as sqlx::Database>::NAME {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// On SQLite, the connections [`Db::conn`] lends (see [`Kept`]).
    kept: Option<Arc<Kept>>,
}

/// SQLite connections kept out of sqlx's pool and lent by [`Db::conn`]. The pool tests each
/// connection given back with a round trip to its thread (sqlx's check on release, which
/// cannot be turned off), and a page gives back one or two. Kept, under My Dashboard's load
/// on 2 cores, the kernel's switching on SQLite's threads fell from 8.5% of the server's CPU
/// to 2.9%, and 5% more pages a second were answered (bench/RESULTS.md, 18:06). A SQLite
/// connection is a file handle in this process; it cannot go stale as a network connection
/// can, and a statement or transaction a dropped request left is finished or rolled back by
/// the connection's own thread before it runs the next borrower's.
#[derive(Debug)]
struct Kept {
    idle: std::sync::Mutex<Vec<AnyConnection>>,
    /// One permit a connection: at most `most` are ever lent at once.
    permits: Arc<tokio::sync::Semaphore>,
    most: u32,
    options: AnyConnectOptions,
}

/// A connection lent by [`Db::conn`]: kept on SQLite (given back without a check), from the
/// pool on PostgreSQL.
pub struct Lease(Lent);

enum Lent {
    Kept {
        conn: Option<AnyConnection>,
        kept: Arc<Kept>,
        _permit: tokio::sync::OwnedSemaphorePermit,
    },
    Pooled(sqlx::pool::PoolConnection<sqlx::Any>),
}

impl std::ops::Deref for Lease {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.0 {
            Lent::Kept { conn, .. } => conn.as_ref().expect("lent until dropped"),
            Lent::Pooled(conn) => conn,
        }
    }
}

impl std::ops::DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.0 {
            Lent::Kept { conn, .. } => conn.as_mut().expect("lent until dropped"),
            Lent::Pooled(conn) => conn,
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Back among the idle before the permit is (the fields drop after this).
        if let Lent::Kept { conn, kept, .. } = &mut self.0 {
            kept.idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend(conn.take());
        }
    }
}

/// How long `Db::close` waits for connections still in use to come back.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Versioned migrations, in order. Written for PostgreSQL (see [`dialect`]), with a SQLite
/// version where the two differ in more than a few words (triggers).
const MIGRATIONS: &[(i64, &str, &str, Option<&str>)] = &[
    (
        1,
        "core",
        include_str!("../../migrations/0001_core.sql"),
        None,
    ),
    (
        2,
        "identity",
        include_str!("../../migrations/0002_identity.sql"),
        None,
    ),
    (
        3,
        "delivery",
        include_str!("../../migrations/0003_delivery.sql"),
        None,
    ),
    (
        4,
        "administration",
        include_str!("../../migrations/0004_administration.sql"),
        None,
    ),
    (
        5,
        "access requests",
        include_str!("../../migrations/0005_access_requests.sql"),
        None,
    ),
    (
        6,
        "rate limits",
        include_str!("../../migrations/0006_rate_limits.sql"),
        None,
    ),
    (
        7,
        "drafts",
        include_str!("../../migrations/0007_drafts.sql"),
        None,
    ),
    (
        8,
        "one draft store",
        include_str!("../../migrations/0008_one_draft_store.sql"),
        None,
    ),
    (
        9,
        "security",
        include_str!("../../migrations/0009_security.sql"),
        Some(include_str!("../../migrations/0009_security.sqlite.sql")),
    ),
    (
        10,
        "job runs",
        include_str!("../../migrations/0010_job_runs.sql"),
        None,
    ),
    (
        11,
        "npi settings",
        include_str!("../../migrations/0011_npi_settings.sql"),
        None,
    ),
    (
        12,
        "notification reads",
        include_str!("../../migrations/0012_notification_reads.sql"),
        None,
    ),
    (
        13,
        "correspondence",
        include_str!("../../migrations/0013_correspondence.sql"),
        None,
    ),
    (
        14,
        "presumptive eligibility agreements",
        include_str!("../../migrations/0014_pe_agreements.sql"),
        None,
    ),
    (
        15,
        "resource pages",
        include_str!("../../migrations/0015_resource_pages.sql"),
        None,
    ),
    (
        16,
        "notification mail",
        include_str!("../../migrations/0016_notification_mail.sql"),
        None,
    ),
    (
        17,
        "uploads",
        include_str!("../../migrations/0017_uploads.sql"),
        None,
    ),
    (
        18,
        "transaction tests",
        include_str!("../../migrations/0018_transaction_tests.sql"),
        None,
    ),
    (
        19,
        "affiliations",
        include_str!("../../migrations/0019_affiliations.sql"),
        None,
    ),
    (
        20,
        "claims",
        include_str!("../../migrations/0020_claims.sql"),
        None,
    ),
    (
        21,
        "members",
        include_str!("../../migrations/0021_members.sql"),
        None,
    ),
    (
        22,
        "disputes",
        include_str!("../../migrations/0022_disputes.sql"),
        None,
    ),
    (
        23,
        "referrals",
        include_str!("../../migrations/0023_referrals.sql"),
        None,
    ),
    (
        24,
        "claims paid covering",
        include_str!("../../migrations/0024_claims_paid_covering.sql"),
        None,
    ),
    (
        25,
        "claims paid by month",
        include_str!("../../migrations/0025_claims_paid_by_month.sql"),
        None,
    ),
    (
        26,
        "code list loads",
        include_str!("../../migrations/0026_code_list_loads.sql"),
        None,
    ),
    (
        27,
        "claims paid daily",
        include_str!("../../migrations/0027_claims_paid_daily.sql"),
        Some(include_str!(
            "../../migrations/0027_claims_paid_daily.sqlite.sql"
        )),
    ),
    (
        28,
        "claims paid monthly",
        include_str!("../../migrations/0028_claims_paid_monthly.sql"),
        Some(include_str!(
            "../../migrations/0028_claims_paid_monthly.sqlite.sql"
        )),
    ),
    (
        29,
        "draft revisions",
        include_str!("../../migrations/0029_draft_revisions.sql"),
        None,
    ),
    (
        30,
        "draft revisions start at one",
        include_str!("../../migrations/0030_draft_revisions_start_at_one.sql"),
        None,
    ),
];

impl Db {
    /// A connection for repository functions outside a transaction: one of the kept ones on
    /// SQLite (opened when none is idle, up to the pool's limit), from the pool on PostgreSQL.
    pub async fn conn(&self) -> Result<Lease, sqlx::Error> {
        let Some(kept) = &self.kept else {
            return self.pool.acquire().await.map(|c| Lease(Lent::Pooled(c)));
        };
        // As long as the pool waits for one of its own, then the same error.
        let permit = tokio::time::timeout(
            self.pool.options().get_acquire_timeout(),
            kept.permits.clone().acquire_owned(),
        )
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)?
        .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = kept
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                use sqlx::ConnectOptions;
                let mut conn = kept.options.connect().await?;
                prepare(self.backend, &mut conn).await?;
                conn
            }
        };
        Ok(Lease(Lent::Kept {
            conn: Some(conn),
            kept: kept.clone(),
            _permit: permit,
        }))
    }

    /// A transaction for a change. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that read first and wrote later would fail at once ("database
    /// is locked") when another writer got there in between, instead of waiting its turn.
    ///
    /// The begin runs as a task of its own, to its end: sqlx's is not safe to drop halfway (a
    /// request dropped when its visitor leaves), which can leave the connection inside a
    /// transaction nothing ends, holding SQLite's write lock and swallowing the next
    /// borrower's statements on either database. Finished with nobody waiting, the transaction
    /// is dropped, and so rolled back.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let pool = self.pool.clone();
        let statement = self.begin_statement();
        super::to_its_end(async move { pool.begin_with(statement).await })
            .await
            .unwrap_or(Err(sqlx::Error::PoolClosed))
    }

    /// `begin` on a connection already held (see `migrate_on`).
    pub async fn begin_on<'c>(
        &self,
        conn: &'c mut Conn,
    ) -> Result<sqlx::Transaction<'c, sqlx::Any>, sqlx::Error> {
        use sqlx::Connection;
        conn.begin_with(self.begin_statement()).await
    }

    fn begin_statement(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// Opens the database, creating a SQLite file (and its folder) on first use.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        Self::connect_with(url, None).await
    }

    /// [`Db::connect`] with at most `max_connections` open at once (default:
    /// [`default_connections`]).
    pub async fn connect_with(url: &str, max_connections: Option<u32>) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres:".into(),
            ));
        };
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
            let path = path.split('?').next().unwrap_or_default();
            if let Some(parent) = std::path::Path::new(path).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
                }
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let max_connections = max_connections
            .unwrap_or_else(|| default_connections(backend, super::background::cores()));
        let pool_options = AnyPoolOptions::new()
            .max_connections(max_connections)
            // A SQLite connection is a file handle in this process: it cannot go stale as a
            // PostgreSQL connection can when the server restarts, so it is not pinged (a round
            // trip to its worker thread) each time it is taken from the pool.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| Box::pin(prepare(backend, conn)));
        if backend == Backend::Postgres {
            let pool = pool_options.connect(&url).await?;
            return Ok(Db {
                pool,
                backend,
                kept: None,
            });
        }
        // On SQLite the pool opens its first connection at the first transaction: the start
        // works on one kept connection, opened here so a bad path fails at once (every
        // connection reads the whole schema when it opens).
        let pool = pool_options.connect_lazy(&url)?;
        let options: AnyConnectOptions = pool.connect_options().as_ref().clone();
        let mut first = {
            use sqlx::ConnectOptions;
            options.connect().await?
        };
        prepare(backend, &mut first).await?;
        Ok(Db {
            pool,
            backend,
            kept: Some(Arc::new(Kept {
                idle: std::sync::Mutex::new(vec![first]),
                permits: Arc::new(tokio::sync::Semaphore::new(max_connections as usize)),
                most: max_connections,
                options,
            })),
        })
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        self.migrate_on(&mut *self.conn().await?).await
    }

    /// Applies every migration not yet applied, on a connection already held. The server's
    /// start does all its work on one: sqlx tests each connection given back before it is
    /// idle again, so a step that took its own would mostly open another, and every new SQLite
    /// connection reads the whole schema first.
    pub async fn migrate_on(&self, conn: &mut Conn) -> Result<(), sqlx::migrate::MigrateError> {
        Migrator::new(Embedded(self.backend)).await?.run(conn).await
    }

    /// Closes every connection, waiting for those in use to be given back. On SQLite the
    /// write-ahead log is then folded into the database and removed.
    pub async fn close(&self) {
        if let Some(kept) = &self.kept {
            // Every permit back means every lent connection is idle again; held until the
            // permits are closed, so none is lent in between.
            let all = tokio::time::timeout(CLOSE_WAIT, kept.permits.acquire_many(kept.most)).await;
            if all.is_err() {
                tracing::warn!("connections still lent when the database closed");
            }
            kept.permits.close();
            drop(all);
            let idle = std::mem::take(
                &mut *kept
                    .idle
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            for conn in idle {
                use sqlx::Connection;
                if let Err(error) = conn.close().await {
                    tracing::warn!(%error, "closing a kept connection failed");
                }
            }
        }
        // `close` can return while a connection is still on its way back (its check on
        // release running): counting the idle ones it closes as given back, it stops waiting
        // early. The connection then lands among the idle ones, open; so close again until
        // none is left, for a bounded time.
        let deadline = std::time::Instant::now() + CLOSE_WAIT;
        loop {
            self.pool.close().await;
            if self.pool.size() == 0 || std::time::Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        if self.pool.size() != 0 {
            tracing::warn!(
                open = self.pool.size(),
                "connections still in use when the database closed"
            );
        }
        if self.backend == Backend::Sqlite {
            // SQLite folds its log in and removes it when the last connection that read closes,
            // if no other holds a lock then. One more, that checkpoints and closes alone, is
            // that last; should another still be open, the checkpoint leaves the log empty.
            use sqlx::{ConnectOptions, Connection};
            match self.pool.connect_options().connect().await {
                Ok(mut last) => {
                    if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .execute(&mut last)
                        .await
                    {
                        tracing::warn!(%error, "the database's log could not be folded in");
                    }
                    if let Err(error) = last.close().await {
                        tracing::warn!(%error, "closing the database's last connection failed");
                    }
                }
                Err(error) => tracing::warn!(%error, "the database's log could not be folded in"),
            }
        }
    }

    /// Pings the database (for `/healthz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&mut *self.conn().await?)
            .await
            .map(|_| ())
    }
}

/// What every new connection is told first.
async fn prepare(backend: Backend, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        // WAL lets readers work during a write; foreign keys are off by default in SQLite.
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
        )
        .await?;
    }
    Ok(())
}

/// How many connections an instance holds at most unless told. A SQLite connection is a
/// thread of this process doing the query's work: two per core keep the cores busy, and more
/// only add switching between them (My Dashboard on 2 cores took 10% less CPU a page with 4
/// than with 8, bench/RESULTS.md). A PostgreSQL connection mostly waits on the network.
pub fn default_connections(backend: Backend, cores: usize) -> u32 {
    match backend {
        Backend::Sqlite => (2 * cores).clamp(4, 16) as u32,
        Backend::Postgres => 16,
    }
}

/// The migrations compiled into the binary, in the given backend's dialect.
#[derive(Debug)]
struct Embedded(Backend);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<Vec<Migration>, sqlx::error::BoxDynError>>
                + Send
                + 's,
        >,
    > {
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, description, sql, sqlite)| {
                let sql = match (self.0, sqlite) {
                    (Backend::Sqlite, Some(sqlite)) => sqlite.to_string(),
                    _ => dialect(self.0, sql),
                };
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    Cow::Owned(sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

/// The few words where SQLite's DDL differs from PostgreSQL's.
fn dialect(backend: Backend, sql: &str) -> String {
    match backend {
        Backend::Postgres => sql.to_string(),
        Backend::Sqlite => sql
            .replace("BIGSERIAL PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT")
            .replace("BYTEA", "BLOB"),
    }
}

/// "First Last", from a row's `first_name` and `last_name` columns.
/// The unique rule a failed write broke, in each backend's words: PostgreSQL names the
/// constraint (`users_email_unique`), SQLite the columns (`users.email`).
pub fn unique_violation(error: &sqlx::Error) -> Option<String> {
    let sqlx::Error::Database(error) = error else {
        return None;
    };
    if error.kind() != sqlx::error::ErrorKind::UniqueViolation {
        return None;
    }
    Some(match error.constraint() {
        Some(name) => name.to_string(),
        None => error
            .message()
            .trim_start_matches("UNIQUE constraint failed: ")
            .to_string(),
    })
}

/// A failed write as the user should see it: a broken unique rule named in `rules` (either
/// backend's words) becomes `message` at `field`; anything else stays an internal error.
pub fn on_unique(error: sqlx::Error, rules: &[&str], field: &str, message: &str) -> AppError {
    match unique_violation(&error) {
        Some(rule) if rules.contains(&rule.as_str()) => AppError::field(field, message),
        _ => error.into(),
    }
}

pub fn full_name(row: &sqlx::any::AnyRow) -> Result<String, sqlx::Error> {
    use sqlx::Row;
    Ok(format!(
        "{} {}",
        row.try_get::<String, _>("first_name")?,
        row.try_get::<String, _>("last_name")?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_dialect_rewrites_identity_and_blobs() {
        let sql = "id BIGSERIAL PRIMARY KEY, content BYTEA NOT NULL";
        assert_eq!(
            dialect(Backend::Sqlite, sql),
            "id INTEGER PRIMARY KEY AUTOINCREMENT, content BLOB NOT NULL"
        );
        assert_eq!(dialect(Backend::Postgres, sql), sql);
    }

    /// Whether the SQLite in this binary was compiled with `option` (`.cargo/config.toml`).
    async fn compiled_with(option: &str) -> bool {
        let test = crate::ssr::testing::sqlite().await;
        sqlx::query_scalar::<_, i64>("SELECT sqlite_compileoption_used($1)")
            .bind(option)
            .fetch_one(&test.db.pool)
            .await
            .unwrap()
            == 1
    }

    /// SQLite is built with the query planner stability guarantee, so a search whose LIKE
    /// pattern is bound keeps its compiled plan instead of compiling it again on every run.
    #[tokio::test]
    async fn sqlite_keeps_one_plan_per_statement() {
        assert!(compiled_with("ENABLE_QPSG").await);
    }

    /// SQLite is built without memory statistics: with them, every allocation on every
    /// connection's thread takes one process-wide mutex.
    #[tokio::test]
    async fn sqlite_keeps_no_memory_statistics() {
        assert!(compiled_with("DEFAULT_MEMSTATUS=0").await);
    }

    /// SQLite is built without memory management: with it, all connections share one page
    /// cache behind one process-wide mutex.
    #[tokio::test]
    async fn sqlite_keeps_a_page_cache_a_connection() {
        assert!(!compiled_with("ENABLE_MEMORY_MANAGEMENT").await);
    }

    #[test]
    fn sqlite_holds_two_connections_a_core_from_4_to_16() {
        let sqlite = |cores| default_connections(Backend::Sqlite, cores);
        assert_eq!(
            [
                sqlite(1),
                sqlite(2),
                sqlite(3),
                sqlite(8),
                sqlite(9),
                sqlite(64)
            ],
            [4, 4, 6, 16, 16, 16]
        );
        assert_eq!(default_connections(Backend::Postgres, 2), 16);
        assert_eq!(default_connections(Backend::Postgres, 64), 16);
    }

    #[tokio::test]
    async fn the_pool_holds_at_most_the_connections_asked_for() {
        let dir =
            std::env::temp_dir().join(format!("portal-pool-{}", crate::ssr::crypto::random_hex(8)));
        let url = format!("sqlite://{}/portal.db", dir.display());
        let db = Db::connect(&url).await.unwrap();
        let cores = std::thread::available_parallelism().unwrap().get();
        assert_eq!(
            db.pool.options().get_max_connections(),
            default_connections(Backend::Sqlite, cores)
        );
        db.close().await;
        let db = Db::connect_with(&url, Some(2)).await.unwrap();
        let held = [db.conn().await.unwrap(), db.conn().await.unwrap()];
        let third = tokio::time::timeout(std::time::Duration::from_millis(200), db.conn()).await;
        assert!(third.is_err(), "a third connection was opened");
        drop(held);
        db.close().await;
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A SQLite connection given back is lent again as it is, not closed nor replaced: a
    /// temporary table, which lives as long as its connection, is still there. A read or a
    /// transaction a request dropped halfway is finished or rolled back before the next
    /// borrower's statements run, and `close` closes the kept connections so the write-ahead
    /// log is folded in.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_connections_are_lent_again_as_they_were_given_back() {
        use futures_util::StreamExt;
        let dir =
            std::env::temp_dir().join(format!("portal-lend-{}", crate::ssr::crypto::random_hex(8)));
        let db = Db::connect_with(&format!("sqlite://{}/portal.db", dir.display()), Some(1))
            .await
            .unwrap();
        let pooled = db.pool.size();
        let mut lent = db.conn().await.unwrap();
        sqlx::query("CREATE TEMP TABLE mark (x INTEGER)")
            .execute(&mut *lent)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (x INTEGER)")
            .execute(&mut *lent)
            .await
            .unwrap();
        // A read of a million rows, dropped after its first.
        {
            let mut rows = sqlx::query_scalar::<_, i64>(
                "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000) \
                 SELECT x FROM n",
            )
            .fetch(&mut *lent);
            assert_eq!(rows.next().await.unwrap().unwrap(), 1);
        }
        // A change, dropped before its commit.
        let mut tx = db.begin_on(&mut lent).await.unwrap();
        sqlx::query("INSERT INTO t (x) VALUES (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        drop(tx);
        drop(lent);
        assert_eq!(db.pool.size(), pooled, "the pool opened another");
        let mut again = db.conn().await.unwrap();
        let marks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM temp.mark")
            .fetch_one(&mut *again)
            .await
            .expect("the same connection, with its temporary table");
        assert_eq!(marks, 0);
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *again)
            .await
            .unwrap();
        assert_eq!(rows, 0, "the dropped change was kept");
        let mut tx = db.begin_on(&mut again).await.unwrap();
        sqlx::query("INSERT INTO t (x) VALUES (2)")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        drop(again);
        db.close().await;
        assert!(db.conn().await.is_err(), "lent after closing");
        assert!(
            !dir.join("portal.db-wal").exists(),
            "the write-ahead log is left"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A change dropped while it begins (its visitor gone, the request dropped) leaves no
    /// transaction open on its connection. Left open, it would hold SQLite's write lock for as
    /// long as the connection lives, and on either database swallow the statements of whoever
    /// took the connection next, uncommitted.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_change_dropped_while_it_begins_leaves_no_transaction_open() {
        use std::future::Future;
        use std::task::Context;
        let waker = futures_util::task::noop_waker();
        let within = std::time::Duration::from_secs(3);
        for test in crate::ssr::testing::databases().await {
            let db = &test.db;
            sqlx::query("CREATE TABLE dropped_begins (n BIGINT NOT NULL)")
                .execute(&db.pool)
                .await
                .unwrap();
            sqlx::query("INSERT INTO dropped_begins (n) VALUES (0)")
                .execute(&db.pool)
                .await
                .unwrap();
            // Reads on a connection of its own, outside the pool: it sees only what was
            // committed.
            let mut reader = {
                use sqlx::ConnectOptions;
                db.pool.connect_options().connect().await.unwrap()
            };
            for round in 1..=200i64 {
                // Polled `round % 6` times, a little apart, then dropped: the cut falls at
                // each step of a begin in turn.
                let mut beginning = Box::pin(db.begin());
                for _ in 0..round % 6 {
                    // Begun already: the transaction is dropped, and so rolled back.
                    let polled = beginning.as_mut().poll(&mut Context::from_waker(&waker));
                    if polled.is_ready() {
                        break;
                    }
                    let pause = std::time::Duration::from_micros((round % 50) as u64);
                    tokio::time::sleep(pause).await;
                }
                drop(beginning);
                // A change in a transaction, then one on its own, each seen by the next read.
                let changes = async {
                    let mut tx = db.begin().await?;
                    sqlx::query("UPDATE dropped_begins SET n = n + 1")
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    sqlx::query("UPDATE dropped_begins SET n = n + 1")
                        .execute(&db.pool)
                        .await?;
                    sqlx::query_scalar::<_, i64>("SELECT n FROM dropped_begins")
                        .fetch_one(&mut reader)
                        .await
                };
                let label = test.label;
                match tokio::time::timeout(within, changes).await {
                    Ok(Ok(n)) => assert_eq!(n, 2 * round, "{label}, round {round}: a change lost"),
                    Ok(Err(error)) => panic!("{label}, round {round}: a change failed: {error}"),
                    Err(_) => panic!("{label}, round {round}: a change waited on a lock"),
                }
            }
        }
    }

    /// sqlx's `close` can return while a connection is still on its way back to the pool;
    /// left open, it keeps SQLite's write-ahead log. `Db::close` closes that one too.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn close_closes_a_connection_given_back_meanwhile() {
        for round in 0..40 {
            let dir = std::env::temp_dir().join(format!(
                "portal-close-{}",
                crate::ssr::crypto::random_hex(8)
            ));
            let db = Db::connect(&format!("sqlite://{}/portal.db", dir.display()))
                .await
                .unwrap();
            let first = db.pool.acquire().await.unwrap();
            let mut second = db.pool.acquire().await.unwrap();
            sqlx::query("CREATE TABLE t (x INTEGER)")
                .execute(&mut *second)
                .await
                .unwrap();
            drop(first);
            while db.pool.num_idle() == 0 {
                tokio::task::yield_now().await;
            }
            // Closing the idle one lets sqlx's `close` stop waiting before this one is back.
            drop(second);
            tokio::task::yield_now().await;
            db.close().await;
            assert_eq!(
                db.pool.size(),
                0,
                "round {round}: a connection is still open"
            );
            assert!(
                !dir.join("portal.db-wal").exists(),
                "round {round}: the write-ahead log is left"
            );
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
