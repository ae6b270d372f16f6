//! The database handle: SQLite (embedded default) or Postgres, chosen at start-up by URL.
//!
//! Queries are written once in portable SQL (`$1` placeholders, `RETURNING`, `ON CONFLICT`) and
//! compiled for both backends by the `on_db!` and `write_tx!` macros. Only the repository
//! modules (`crate::repo`) use them: `scripts/check-query-placement.sh` fails the tests when a
//! query is written anywhere else. Timestamps are always bound from Rust, never taken from SQL
//! `now()`, so both backends store and compare them alike.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgPool, SqlitePool};

/// The pool of the backend in use, and the count of statements sent through it.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    statements: Arc<AtomicU64>,
}

/// The concrete pool of one backend.
#[derive(Clone, Debug)]
pub enum Pool {
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
    ($db:expr, |$pool:ident| $body:expr) => {{
        let db = &$db;
        let db: &$crate::infra::db::Db = ::core::borrow::Borrow::borrow(db);
        db.count_statement();
        match db.pool() {
            $crate::infra::db::Pool::Sqlite($pool) => $body,
            $crate::infra::db::Pool::Postgres($pool) => $body,
        }
    }};
}

/// Runs `$body` inside a write transaction bound to `$tx`, committing when it returns `Ok`.
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`: it takes the write lock up front,
/// so two writers queue on the busy timeout instead of failing with "database is locked".
#[macro_export]
macro_rules! write_tx {
    ($db:expr, |$tx:ident| $body:expr) => {{
        let db = &$db;
        let db: &$crate::infra::db::Db = ::core::borrow::Borrow::borrow(db);
        db.count_statement();
        match db.pool() {
            $crate::infra::db::Pool::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let result = $body;
                if result.is_ok() {
                    $tx.commit().await?;
                }
                result
            }
            $crate::infra::db::Pool::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let result = $body;
                if result.is_ok() {
                    $tx.commit().await?;
                }
                result
            }
        }
    }};
}

// ---------------------------------------------------------------------------------------------
// Queries built at run time (filters, multi-row inserts)

/// A value bound into a query built at run time (the same for both backends).
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
    Bool(bool),
    Time(DateTime<Utc>),
    OptText(Option<String>),
    OptFloat(Option<f64>),
    OptTime(Option<DateTime<Utc>>),
    OptDate(Option<NaiveDate>),
    OptInt(Option<i64>),
}

/// Binds one `Arg` to a query of any backend.
#[macro_export]
macro_rules! bind_arg {
    ($query:expr, $arg:expr) => {
        match $arg {
            $crate::infra::db::Arg::Text(v) => $query.bind(v.clone()),
            $crate::infra::db::Arg::Int(v) => $query.bind(*v),
            $crate::infra::db::Arg::Float(v) => $query.bind(*v),
            $crate::infra::db::Arg::Date(v) => $query.bind(*v),
            $crate::infra::db::Arg::Bool(v) => $query.bind(*v),
            $crate::infra::db::Arg::Time(v) => $query.bind(*v),
            $crate::infra::db::Arg::OptText(v) => $query.bind(v.clone()),
            $crate::infra::db::Arg::OptFloat(v) => $query.bind(*v),
            $crate::infra::db::Arg::OptTime(v) => $query.bind(*v),
            $crate::infra::db::Arg::OptDate(v) => $query.bind(*v),
            $crate::infra::db::Arg::OptInt(v) => $query.bind(*v),
        }
    };
}

/// Binds `args` in order and executes (INSERT, UPDATE…); returns the rows affected.
#[macro_export]
macro_rules! execute_with {
    ($db:expr, $sql:expr, $args:expr) => {
        $crate::on_db!($db, |pool| {
            let mut query = sqlx::query($sql);
            for arg in $args {
                query = $crate::bind_arg!(query, arg);
            }
            query.execute(pool).await.map(|r| r.rows_affected())
        })
    };
}

/// Binds `args` in order to a `query_as` and fetches all rows; compiled for both backends.
#[macro_export]
macro_rules! fetch_all_with {
    ($db:expr, $row:ty, $sql:expr, $args:expr) => {
        $crate::on_db!($db, |pool| {
            let mut query = sqlx::query_as::<_, $row>($sql);
            for arg in $args {
                query = $crate::bind_arg!(query, arg);
            }
            query.fetch_all(pool).await
        })
    };
}

/// Binds `args` in order to a `SELECT COUNT(*) …` and returns the count (an `i64`).
#[macro_export]
macro_rules! count_with {
    ($db:expr, $sql:expr, $args:expr) => {
        $crate::on_db!($db, |pool| {
            let mut query = sqlx::query_scalar::<_, i64>($sql);
            for arg in $args {
                query = $crate::bind_arg!(query, arg);
            }
            query.fetch_one(pool).await
        })
    };
}

/// No arguments, for the `…_with!` macros.
pub const NO_ARGS: &[Arg] = &[];


/// Inserts `rows` into `table` with multi-row statements of at most `chunk` rows.
pub async fn insert_rows(db: &Db, table: &str, columns: &[&str], rows: &[Vec<Arg>], chunk: usize) -> Result<(), sqlx::Error> {
    for part in rows.chunks(chunk.max(1)) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut args: Vec<Arg> = Vec::with_capacity(part.len() * columns.len());
        for (i, row) in part.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let first = args.len();
            let holders: Vec<String> = (0..row.len()).map(|j| format!("${}", first + j + 1)).collect();
            sql.push_str(&format!("({})", holders.join(", ")));
            args.extend(row.iter().cloned());
        }
        crate::execute_with!(db, &sql, &args)?;
    }
    Ok(())
}

impl Db {
    fn new(pool: Pool) -> Self {
        Self { pool, statements: Arc::new(AtomicU64::new(0)) }
    }

    /// The concrete pool, for the query macros and the session store.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Counts one statement (or one transaction) sent by `on_db!` / `write_tx!`.
    pub fn count_statement(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }

    /// Statements sent since start-up, over every clone of this handle: lets a test measure
    /// what one page render costs.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

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
            Ok(Db::new(Pool::Sqlite(pool)))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(20))
                .connect_with(options)
                .await?;
            Ok(Db::new(Pool::Postgres(pool)))
        } else {
            Err(DbInitError::UnsupportedScheme)
        }
    }

    /// Applies the migrations of the backend in use.
    pub async fn migrate(&self) -> Result<(), DbInitError> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
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
        match &self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await)
    }
}
