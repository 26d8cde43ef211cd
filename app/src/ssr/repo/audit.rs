//! The append-only audit log: who did what, for which organization, when and from where.

use crate::ssr::db::Db;

#[derive(Debug, Clone, Default)]
struct AuditEntry {
    user_id: Option<i64>,
    organization_id: Option<i64>,
    /// A stable verb such as `sign_in.success`, `permission.change`, `phi.view`, `download`.
    action: &'static str,
    /// What it was done to, e.g. `user:12`, `claim:2024…`.
    subject: String,
    /// A short description; never a secret.
    detail: String,
    ip: Option<String>,
}

/// One audit row under way. It starts from the scope that acts (`caller.audit(action,
/// subject)`, `visitor.audit(…)` before sign-in, or `audit::event(state, …)` deep in a flow),
/// takes what else is known (`.org`, `.user`, `.detail`), and is written by `.record(db)` or,
/// when it records a change made in a transaction, by `.record_in(&mut tx)` in that transaction.
#[must_use = "an audit event is written only by record or record_in"]
#[derive(Debug, Clone)]
pub struct Event {
    at: i64,
    entry: AuditEntry,
}

impl Event {
    pub fn new(at: i64, action: &'static str, subject: impl Into<String>) -> Self {
        Event {
            at,
            entry: AuditEntry {
                action,
                subject: subject.into(),
                ..Default::default()
            },
        }
    }

    /// The user who acted, or whose account it concerns before sign-in.
    pub fn user(mut self, user_id: impl Into<Option<i64>>) -> Self {
        self.entry.user_id = user_id.into();
        self
    }

    pub fn org(mut self, organization_id: impl Into<Option<i64>>) -> Self {
        self.entry.organization_id = organization_id.into();
        self
    }

    /// A short description; never a secret.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.entry.detail = detail.into();
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.entry.ip = ip;
        self
    }

    pub async fn record(self, db: &Db) -> Result<(), sqlx::Error> {
        insert(&db.pool, self.at, self.entry).await
    }

    /// Inside the transaction of the change it records: both are written, or neither.
    pub async fn record_in(self, conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
        insert(conn, self.at, self.entry).await
    }
}

/// An event of the request being served (its client address included), for code that holds
/// the application state but no scope.
pub fn event(
    state: &crate::ssr::AppState,
    action: &'static str,
    subject: impl Into<String>,
) -> Event {
    Event::new(state.clock.unix(), action, subject).ip(crate::ssr::request_ip())
}

async fn insert<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    at: i64,
    entry: AuditEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, organization_id, action, subject, detail, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(at)
    .bind(entry.user_id)
    .bind(entry.organization_id)
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(entry.ip)
    .execute(executor)
    .await
    .map(|_| ())
}
