//! The portal's server: `serve` (default), `migrate`, `demo-data`, `issue-token`, `rotate-key`,
//! `create-operator`.

use app::ssr::clock::{SharedClock, SystemClock};
use app::ssr::db::Db;
use app::ssr::settings::Settings;
use clap::{Parser, Subcommand};
use server::config::{Config, LogFormat};
use server::{demo, routes};
use std::sync::Arc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "server", about = "Provider portal server")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply migrations and serve the portal (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data set into an empty database.
    DemoData {
        /// How many claims to generate.
        #[arg(long, default_value_t = demo::DEFAULT_CLAIMS)]
        scale: u64,
    },
    /// Issue a secure token to an enrolled organization: prints it and queues its letter.
    IssueToken {
        /// The organization's name or tax ID.
        #[arg(long)]
        org: String,
    },
    /// Re-seal every stored secret under PORTAL_SECRET_KEY; the keys it replaces go in
    /// PORTAL_PREVIOUS_SECRET_KEYS until this has run.
    RotateKey,
    /// Time the typesetting of a year of remittance advice (for `./setup.sh bench`).
    #[command(hide = true)]
    BenchDocuments,
    /// Create a plan staff (operator) account.
    CreateOperator {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Plan")]
        first_name: String,
        #[arg(long, default_value = "Operator")]
        last_name: String,
    },
}

/// Server-side rendering of deep component trees needs more than the default 2 MiB of stack
/// in unoptimized builds.
const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    init_tracing(cli.config.log_format);
    let settings = Arc::new(cli.config.settings()?);
    let clock: SharedClock = Arc::new(SystemClock);
    let db = Db::connect_with(&cli.config.database_url, cli.config.db_connections).await?;
    {
        // One connection for the whole start (see `Db::migrate_on`).
        let mut conn = db.conn().await?;
        db.migrate_on(&mut conn).await?;
        app::ssr::code_lists::load(&db, &mut conn).await?;
    }
    let outcome = run_command(
        cli.command.unwrap_or(Command::Serve),
        db.clone(),
        settings,
        clock,
        started,
    )
    .await;
    // Closed, SQLite folds its write-ahead log into the database and removes it: left behind,
    // the next start reads all of it first (10 MB after the demo data, a few milliseconds).
    db.close().await;
    outcome
}

async fn run_command(
    command: Command,
    db: Db,
    settings: Arc<Settings>,
    clock: SharedClock,
    started: std::time::Instant,
) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let options = leptos::prelude::get_configuration(None)?.leptos_options;
            routes::serve(routes::app_state(options, db, settings, clock)?, started).await
        }
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::DemoData { scale } => {
            if demo::is_loaded(&db).await? {
                println!("The database already holds data; demo data not loaded.");
                return Ok(());
            }
            demo::load(&db, &settings, clock.unix(), scale).await?;
            println!("Demo data loaded ({scale} claims).");
            Ok(())
        }
        Command::IssueToken { org } => {
            let organization_id = demo::find_organization(&db, &org).await?;
            let issued = app::org_registration::tokens::issue(
                &db,
                &settings,
                clock.unix(),
                organization_id,
                None,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Secure token for {}: {}",
                issued.organization_name, issued.token
            );
            println!("The letter is queued for postal delivery.");
            Ok(())
        }
        Command::RotateKey => {
            let rotated = server::keys::rotate(&db, &settings.keys).await?;
            println!(
                "{} secrets re-sealed under key {}.",
                rotated.resealed,
                settings.keys.current_id()
            );
            if rotated.unreadable > 0 {
                anyhow::bail!(
                    "{} secrets did not open with the configured keys and were left as they are: \
                     add their key to PORTAL_PREVIOUS_SECRET_KEYS and run this again",
                    rotated.unreadable
                );
            }
            println!("The previous keys can now be removed from PORTAL_PREVIOUS_SECRET_KEYS.");
            Ok(())
        }
        Command::BenchDocuments => server::bench::documents(&db, &settings, clock.unix()).await,
        Command::CreateOperator {
            email,
            first_name,
            last_name,
        } => {
            let password =
                demo::create_operator(&db, clock.unix(), &email, &first_name, &last_name).await?;
            println!("Operator {email} created. Initial password (shown once): {password}");
            Ok(())
        }
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=error"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Plain => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
