//! The HTTP application: pages, server functions, static files, health check, dev mailbox.

use crate::config::DeliveryConfig;
use crate::delivery::Deliveries;
use crate::{mailbox, middleware, page_tasks, pkg};
use app::error::AppError;
use app::ssr::clock::SharedClock;
use app::ssr::db::Db;
use app::ssr::outbox;
use app::ssr::settings::Settings;
use app::ssr::AppState;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use leptos_router::SsrMode;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use tower_http::CompressionLevel;

/// How often the outbox worker looks for messages to send.
const OUTBOX_POLL: Duration = Duration::from_secs(2);

/// The app's routes, listed once per process: listing runs the app with resource loading
/// suppressed process-wide, so a page rendering at that moment on another router (tests build
/// one per site) would wait for its data for ever.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| {
    let routes = generate_route_list(App);
    // Every page renders whole before it is sent (see `router`).
    assert!(
        routes.iter().all(|r| matches!(r.mode(), SsrMode::Async)),
        "a page route is not SsrMode::Async"
    );
    routes
});

pub fn router(state: AppState) -> Router {
    page_tasks::init();
    let routes = ROUTES.clone();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // Every script of the page carries the nonce the CSP header names.
            app::ssr::csp::provide_page_nonce();
            app::ssr::assets::hydrate_islands_only();
            app::ssr::page::rendering();
            app::ssr::refused_form::provide(&state.settings);
        }
    };
    let options = state.leptos_options.clone();
    let turns = Turns::for_db(&state.db);
    // Pages only, through one handler. `leptos_routes_with_context` would also route every
    // server function itself, in the page's context (its loads then shared, as a page's are)
    // and ahead of `/api/{*name}` below: some two hundred routes more to build at start.
    let page = {
        let render = leptos_axum::render_app_async_with_context(context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        });
        let turns = turns.clone();
        move |State(state): State<AppState>, request: Request| {
            let (render, turns) = (render.clone(), turns.clone());
            async move {
                let _turn = turns.take().await;
                render(with_session(&state, request).await).await
            }
        }
    };
    // Not a page route: a file of the site's folder (the favicon), or "Page Not Found",
    // which shows the frame of the visitor's session like any page.
    let not_found = {
        let handler =
            leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell);
        move |uri: axum::http::Uri, State(state): State<AppState>, request: Request| {
            let (handler, turns) = (handler.clone(), turns.clone());
            async move {
                let _turn = turns.take().await;
                let request = if app::ssr::accepts_html(request.headers()) {
                    with_session(&state, request).await
                } else {
                    request
                };
                handler(uri, State(state), request).await
            }
        }
    };
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        // The build's files, from memory, as built (brotli, gzip or plain); not through the
        // page fallback, which sets up a page's context before it looks for a file.
        .merge(pkg::routes(&options))
        .route("/api/{*name}", post(server_fn).get(server_fn))
        .merge(app::downloads::router())
        .merge(app::uploads::router())
        .leptos_routes_with_handler(routes, page)
        .fallback(not_found);
    if state.settings.dev_mailbox {
        router = router.merge(mailbox::routes());
    }
    router
        .layer(axum::middleware::from_fn(page_tasks::keep_with_request))
        .layer(axum::middleware::from_fn(middleware::finish_changes))
        .layer(axum::middleware::map_response(with_error_status))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::keep_refused_form,
        ))
        .layer(axum::middleware::from_fn(middleware::cross_site_guard))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::map_request(middleware::page_loads))
        // PDFs and ZIP archives are compressed already: sent as they are. Pages and answers are
        // compressed as they leave, with gzip even where brotli is accepted: on My Dashboard
        // (15.6 KB) brotli at tower-http's level for this (4) cost about 240 µs of CPU a page,
        // gzip at its default level about 85 µs, for 4.1 KB against 4.2 KB (release build,
        // 2 cores, bench/RESULTS.md); gzip's level is `PAGE_GZIP_LEVEL`.
        // The build's files keep their brotli, made once at build time (`pkg`).
        .layer(
            CompressionLayer::new()
                .no_br()
                .quality(CompressionLevel::Precise(PAGE_GZIP_LEVEL))
                .compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/pdf"))
                    .and(NotForContentType::const_new("application/zip")),
            ),
        )
        .layer(
            // Only the path is logged: query strings may carry link secrets.
            TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state)
}

/// gzip's level for pages and answers: 2 of 9, where the default is 6. Counted on My
/// Dashboard, compressing it took 1.18 M instructions against 1.55 M, for 4,399 bytes against
/// 4,139 (6% more; level 1 saves more and sends 31% more, levels 3 to 5 save little);
/// `/login` 1,394 bytes against 1,348 (bench/RESULTS.md, 2026-12-07 07:00).
const PAGE_GZIP_LEVEL: i32 = 2;

/// Pages render a few at a time; the others wait their turn in the order they came. Rendered
/// all at once, 32 pages shared the cores in whatever order the runtime woke them, and some
/// waited far longer than the rest: with 6 turns, My Dashboard's p99 at 32 connections came
/// to 1.40 × its p50 instead of 1.56 × (2 cores, alternating rounds: 13 with turns, 17
/// without; bench/RESULTS.md, 2026-12-07 09:10). Enough turns for a page computing on each
/// core and one waiting on each database connection: 6 to 12 did as well there, 2 left the
/// cores idle. A request that goes away gives its turn back.
#[derive(Clone)]
struct Turns(Arc<tokio::sync::Semaphore>);

impl Turns {
    fn new(at_once: usize) -> Self {
        Self(Arc::new(tokio::sync::Semaphore::new(at_once)))
    }

    fn for_db(db: &Db) -> Self {
        Self::new(pages_at_once(
            app::ssr::background::cores(),
            db.pool.options().get_max_connections(),
        ))
    }

    /// Waits for a turn (tokio's semaphore serves its waiters first come, first served).
    async fn take(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.0
            .acquire()
            .await
            .expect("the semaphore of turns is never closed")
    }
}

/// How many pages render at once: one for each core and one for each database connection.
fn pages_at_once(cores: usize, connections: u32) -> usize {
    cores + connections as usize
}

/// The request, with its session read (`PageSession`): a page knows the user before it
/// renders.
async fn with_session(state: &AppState, request: Request) -> Request {
    let (mut parts, body) = request.into_parts();
    app::auth::read_page_session(state, &mut parts).await;
    Request::from_parts(parts, body)
}

async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> Response {
    let response = leptos_axum::handle_server_fns_with_context(
        move || provide_context(state.clone()),
        request,
    )
    .await;
    with_error_status(response.into_response()).await
}

/// Server functions answer every error with 500 and the [`AppError`] as the body; clients and
/// logs get its real status instead (401, 403, 404, 409, 422, 429). A form posted without the
/// browser app keeps its redirect back to the form, which shows the error.
async fn with_error_status(response: Response) -> Response {
    let headers = response.headers();
    if !headers.contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
        || headers.contains_key(axum::http::header::LOCATION)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

pub fn app_state(
    mut leptos_options: LeptosOptions,
    db: Db,
    settings: Arc<Settings>,
    clock: SharedClock,
) -> anyhow::Result<AppState> {
    // Hashed file names are used when the build wrote them (cargo leptos with hash-files).
    let hash_file = std::env::current_exe()?.with_file_name(leptos_options.hash_file.as_ref());
    leptos_options.hash_files = pkg::hashed_names(&hash_file, &leptos_options)?;
    Ok(AppState {
        leptos_options,
        db,
        settings,
        clock,
        background: Default::default(),
    })
}

/// Binds and serves; `started` is when the process began, for the log.
pub async fn serve(state: AppState, started: std::time::Instant) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.leptos_options.site_addr).await?;
    serve_from(listener, state, shutdown_signal(), Some(started)).await
}

/// Serves on a bound listener until `shutdown`, with the outbox worker and housekeeping.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_from(listener, state, shutdown, None).await
}

async fn serve_from(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    started: Option<std::time::Instant>,
) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;
    let addr = listener.local_addr()?;
    let worker = outbox_sender(&state.settings, &DeliveryConfig::from_env()?)?
        .map(|sender| tokio::spawn(outbox_worker(state.clone(), sender)));
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    // A response may leave in several writes (a streamed download, a page larger than one
    // buffer): with Nagle's algorithm on, each small write after the first waits for the
    // client's delayed ACK, about 40 ms on a kept-alive connection.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "TCP_NODELAY could not be set");
        }
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    // From the process's start to the first request it can answer.
    let started_in_ms = started.map(|s| s.elapsed().as_millis() as u64);
    tracing::info!(started_in_ms, "listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    if let Some(worker) = worker {
        worker.abort();
    }
    housekeeping.abort();
    tracing::info!("stopped");
    Ok(())
}

/// What delivers outgoing messages: the dev mailbox when it is on, otherwise the configured
/// senders; none (with a warning) when nothing is configured, so messages wait in the outbox.
/// A half or wrong configuration is an error, so the server does not start without noticing.
pub fn outbox_sender(
    settings: &Settings,
    config: &DeliveryConfig,
) -> anyhow::Result<Option<Box<dyn outbox::Sender>>> {
    if settings.dev_mailbox {
        return Ok(Some(Box::new(outbox::DevMailbox)));
    }
    let deliveries = Deliveries::from_config(config)?;
    let channels = deliveries.channels();
    if channels.is_empty() {
        tracing::warn!("no message sender is configured: messages stay queued in the outbox");
        return Ok(None);
    }
    tracing::info!(channels = ?channels, "delivering messages");
    Ok(Some(Box::new(deliveries)))
}

/// Delivers queued messages as they fall due.
async fn outbox_worker(state: AppState, sender: Box<dyn outbox::Sender>) {
    loop {
        // Email copies of notifications wanted at once are queued, then sent with the rest.
        if let Err(error) = app::notifications::mail::send_immediate(&state).await {
            tracing::error!(%error, "queuing notification emails failed");
        }
        if let Err(error) =
            outbox::deliver_pending(&state.db, state.clock.unix(), sender.as_ref()).await
        {
            tracing::error!(%error, "outbox delivery failed");
        }
        tokio::time::sleep(OUTBOX_POLL).await;
    }
}

/// The rules that depend on the passing of days run once an hour: each instance looks every
/// few minutes, and the one that claims the hour's run does the work.
const HOUSEKEEPING_PERIOD_SECONDS: i64 = 60 * 60;
const HOUSEKEEPING_LOOKS_EVERY: Duration = Duration::from_secs(5 * 60);

/// Deactivates added users whose permissions were never assigned (after
/// `PORTAL_UNASSIGNED_USER_DAYS`) and purges what has expired: at start, then hourly.
async fn housekeeping(state: AppState) {
    loop {
        if let Err(error) = housekeeping_once(&state).await {
            tracing::error!(%error, "housekeeping failed");
        }
        // Each period's digest is claimed by one instance, whichever looks first.
        for frequency in ["daily", "weekly"] {
            match app::notifications::mail::send_digests(&state, frequency).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, frequency, "sent notification digests"),
                Err(error) => tracing::error!(%error, frequency, "notification digests failed"),
            }
        }
        tokio::time::sleep(HOUSEKEEPING_LOOKS_EVERY).await;
    }
}

/// Runs this hour's housekeeping if no instance has yet; answers whether this one did.
pub async fn housekeeping_once(state: &AppState) -> anyhow::Result<bool> {
    let now = state.clock.unix();
    let hour = now / HOUSEKEEPING_PERIOD_SECONDS;
    if !app::ssr::repo::jobs::claim(&state.db, "housekeeping", hour, now).await? {
        return Ok(false);
    }
    match app::admin::ssr::deactivate_unassigned(state).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "deactivated users without permissions"),
        Err(error) => tracing::error!(%error, "deactivating users without permissions failed"),
    }
    match app::notifications::mail::remind_verification(state).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "reminded offices to verify users"),
        Err(error) => tracing::error!(%error, "verification reminders failed"),
    }
    if let Err(error) = app::ssr::limits::purge(state).await {
        tracing::error!(%error, "purging rate-limit counts failed");
    }
    if let Err(error) = app::ssr::drafts::purge(state).await {
        tracing::error!(%error, "purging expired drafts failed");
    }
    if let Err(error) = outbox::purge(&state.db, now).await {
        tracing::error!(%error, "purging delivered messages failed");
    }
    app::ssr::repo::jobs::purge(&state.db, now - 30 * 24 * 60 * 60).await?;
    Ok(true)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::{pages_at_once, Turns, ROUTES};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tracing_subscriber::layer::{Context, SubscriberExt};

    /// Counts the events logged at ERROR.
    struct Errors(Arc<AtomicUsize>);

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Errors {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            if *event.metadata().level() == tracing::Level::ERROR {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Listing runs the app without a request or state; an operator reading the start's log
    /// must not see errors that are none.
    #[test]
    fn listing_the_routes_logs_no_error() {
        let errors = Arc::new(AtomicUsize::new(0));
        let subscriber = tracing_subscriber::registry().with(Errors(errors.clone()));
        // No other test of this crate lists them, so the listing runs here, on this thread.
        let routes = tracing::subscriber::with_default(subscriber, || ROUTES.len());
        assert!(routes > 40, "{routes} routes");
        assert_eq!(errors.load(Ordering::Relaxed), 0, "errors were logged");
    }

    /// Pages beyond the turns wait, and take their turns in the order they came.
    #[tokio::test]
    async fn pages_wait_their_turn_in_the_order_they_came() {
        let turns = Turns::new(1);
        let first = turns.take().await;
        let served = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for page in 1..=3 {
            let (turns, served) = (turns.clone(), served.clone());
            waiting.push(tokio::spawn(async move {
                let _turn = turns.take().await;
                served.lock().unwrap().push(page);
                tokio::task::yield_now().await;
            }));
            // Each one is waiting before the next comes.
            tokio::task::yield_now().await;
        }
        assert!(
            served.lock().unwrap().is_empty(),
            "a page rendered out of turn"
        );
        drop(first);
        for page in waiting {
            page.await.unwrap();
        }
        assert_eq!(*served.lock().unwrap(), [1, 2, 3]);
    }

    /// A turn for each core and for each database connection: 6 for SQLite on 2 cores, among
    /// the best measured there (6 to 12; 4 and 16 a little worse, 2 left the cores idle).
    #[test]
    fn pages_render_a_few_at_once() {
        use app::ssr::db::{default_connections, Backend};
        assert_eq!(pages_at_once(2, default_connections(Backend::Sqlite, 2)), 6);
        assert_eq!(
            pages_at_once(8, default_connections(Backend::Postgres, 8)),
            24
        );
    }
}
