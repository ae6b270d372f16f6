//! The database handle: SQLite (embedded default) or Postgres, chosen at start-up by URL.
//!
//! Queries are written once in portable SQL (`$1` placeholders, `RETURNING`, `ON CONFLICT`) and
//! compiled for both backends by the `on_db!` and `write_tx!` macros. Timestamps are always bound
//! from Rust, never taken from SQL `now()`, so both backends store and compare them alike.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum DbInitError {
    #[error("unsupported DATABASE_URL scheme (expected sqlite: or postgres:)")]
    UnsupportedScheme,
    #[error("cannot create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Runs `$body` with `$pool` bound to the concrete pool of whichever backend is in use.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::infra::db::Db::Sqlite($pool) => $body,
            $crate::infra::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx`, committing when it returns `Ok`.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: it takes the write lock up front,
/// so two writers queue on the busy timeout instead of failing with "database is locked".
#[macro_export]
macro_rules! write_tx {
    ($db:expr, |$tx:ident| $body:expr) => {
        match $db {
            $crate::infra::db::Db::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let result = $body;
                if result.is_ok() {
                    $tx.commit().await?;
                }
                result
            }
            $crate::infra::db::Db::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let result = $body;
                if result.is_ok() {
                    $tx.commit().await?;
                }
                result
            }
        }
    };
}

impl Db {
    /// Opens the database named by `url`, creating a SQLite file (and its folder) if needed.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbInitError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(15))
                // Reads come from memory-mapped pages and a larger page cache (per connection).
                .pragma("mmap_size", "268435456")
                .pragma("cache_size", "-16384");
            let filename = options.get_filename().to_path_buf();
            if let Some(parent) = filename.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DbInitError::Folder(parent.display().to_string(), e))?;
            }
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(if in_memory { 1 } else { max_connections })
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(20))
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(20))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(DbInitError::UnsupportedScheme)
        }
    }

    /// Applies the migrations of the backend in use.
    pub async fn migrate(&self) -> Result<(), DbInitError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Answers whether the database can be reached, for `/healthz`.
    pub async fn ping(&self) -> bool {
        let result: Result<i64, sqlx::Error> = on_db!(self, |pool| {
            sqlx::query_scalar("SELECT CAST(1 AS BIGINT)").fetch_one(pool).await
        });
        result.is_ok()
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }
}
