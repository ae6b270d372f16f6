//! Runtime configuration, read from environment variables (documented in README.md).

use std::path::PathBuf;
use std::time::Duration;

/// Settings of one app node. Every field has a default suited to a local `make run`.
#[derive(Clone)]
pub struct Config {
    /// `sqlite://data/mission-formateur.db` by default; `postgres://…` for shared deployments.
    pub database_url: String,
    /// Public address of the site, used in emailed links and to check `Origin` headers.
    pub site_url: String,
    /// Folder for the SQLite database, uploaded files and the email outbox.
    pub data_dir: PathBuf,
    /// `smtp://user:pass@host:587` (STARTTLS) or `smtps://…:465`; the outbox folder when absent.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Load demo accounts and data on the first start.
    pub demo_data: bool,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    pub db_max_connections: u32,
    /// Time of the daily mission broadcast, Paris local time.
    pub broadcast_time: chrono::NaiveTime,
    /// Run the broadcast scheduler on this node (every node may; one runs each day).
    pub broadcast_scheduler: bool,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn env_u64(name: &str, default: u64) -> u64 {
    env(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

impl Config {
    pub fn from_env() -> Self {
        let data_dir = PathBuf::from(env("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = env("DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}", data_dir.join("mission-formateur.db").display())
        });
        Self {
            database_url,
            site_url: env("SITE_URL")
                .unwrap_or_else(|| "http://127.0.0.1:3000".into())
                .trim_end_matches('/')
                .to_string(),
            data_dir,
            smtp_url: env("SMTP_URL"),
            mail_from: env("MAIL_FROM")
                .unwrap_or_else(|| "Mission Formateur <no-reply@mission-formateur.fr>".into()),
            demo_data: matches!(env("DEMO_DATA").as_deref(), Some("1" | "true" | "yes")),
            session_idle: Duration::from_secs(60 * env_u64("SESSION_IDLE_MINUTES", 120)),
            session_absolute: Duration::from_secs(3600 * env_u64("SESSION_ABSOLUTE_HOURS", 24)),
            db_max_connections: env_u64("DB_MAX_CONNECTIONS", 10) as u32,
            broadcast_time: env("BROADCAST_TIME")
                .and_then(|t| chrono::NaiveTime::parse_from_str(&t, "%H:%M").ok())
                .unwrap_or_else(|| chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap_or_default()),
            broadcast_scheduler: !matches!(env("BROADCAST_SCHEDULER").as_deref(), Some("0" | "false" | "no")),
        }
    }

    /// Cookies get the `Secure` flag when the site is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.site_url.starts_with("https://")
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    pub fn uploads_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }
}

/// URLs may carry passwords: never print them.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("site_url", &self.site_url)
            .field("data_dir", &self.data_dir)
            .field("smtp", &self.smtp_url.is_some())
            .field("demo_data", &self.demo_data)
            .finish_non_exhaustive()
    }
}
