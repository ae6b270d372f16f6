//! Test harness: starts the real server on a free port with a fresh database (a SQLite file, or
//! a new Postgres database) and talks to it over HTTP, as a browser would.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use app::infra::config::Config;
use app::infra::db::Db;
use app::on_db;
use leptos::config::LeptosOptions;
use sqlx::Connection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn postgres_base_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A running server and what a test needs to drive it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub state: app::infra::state::AppState,
    pub db: Db,
    pub database_url: String,
    pub data_dir: PathBuf,
    _dir: TempDir,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!("mf-test-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Creates an empty Postgres database for one test, dropping those left by old runs.
pub async fn fresh_postgres_database() -> String {
    let base = postgres_base_url();
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("Postgres unreachable at {base} ({e}): start it or set TEST_POSTGRES_URL"));
    let now = chrono::Utc::now().timestamp();
    let old: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'mf_test_%'")
        .fetch_all(&mut admin)
        .await
        .unwrap_or_default();
    for name in old {
        let stamp: i64 = name.split('_').nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        if now - stamp > 3 * 3600 {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut admin).await;
        }
    }
    let name = format!("mf_test_{now}_{:x}", rand::random::<u32>());
    sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).await.expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("database URL with a database name");
    format!("{prefix}/{name}")
}

pub struct Options {
    pub site_url: Option<String>,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    pub database_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self { site_url: None, session_idle: Duration::from_secs(3600), session_absolute: Duration::from_secs(86400), database_url: None }
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

pub async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    let dir = TempDir::new();
    let database_url = match (&options.database_url, backend) {
        (Some(url), _) => url.clone(),
        (None, Backend::Sqlite) => format!("sqlite://{}", dir.0.join("test.db").display()),
        (None, Backend::Postgres) => fresh_postgres_database().await,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let config = Config {
        database_url: database_url.clone(),
        site_url: options.site_url.clone().unwrap_or_else(|| base.clone()),
        data_dir: dir.0.clone(),
        smtp_url: None,
        mail_from: "Mission Formateur <no-reply@mission-formateur.test>".into(),
        demo_data: false,
        session_idle: options.session_idle,
        session_absolute: options.session_absolute,
        db_max_connections: 5,
        broadcast_time: chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
        broadcast_scheduler: false,
    };
    let leptos_options = LeptosOptions::builder()
        .output_name("mission-formateur")
        .site_root(dir.0.join("site").display().to_string())
        .build();
    let state = server::prepare(config, leptos_options).await.expect("prepare");
    let db = state.db.clone();
    let kept = state.clone();
    let router = server::router(state).await.expect("router");
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service()).await.expect("serve");
    });
    TestApp { addr, base, state: kept, db, database_url, data_dir: dir.0.clone(), _dir: dir }
}

/// A browser-like client: keeps cookies, sends the site's Origin on POST.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A stalled response fails its test instead of hanging the whole run.
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

pub struct Reply {
    pub status: u16,
    pub body: serde_json::Value,
    pub text: String,
    pub headers: reqwest::header::HeaderMap,
}

impl TestApp {
    /// Calls a server function by its registered path with form-encoded arguments.
    pub async fn call(&self, client: &reqwest::Client, path: &str, args: &[(&str, &str)]) -> Reply {
        let response = client
            .post(format!("{}{}", self.base, path))
            .header("Origin", &self.base)
            .form(args)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Reply { status, body, text, headers }
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(format!("{}{}", self.base, path)).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// The body of the last email sent to `recipient`.
    pub async fn last_email_to(&self, recipient: &str) -> Option<String> {
        for _ in 0..50 {
            let body: Option<Option<String>> = on_db!(&self.db, |pool| {
                sqlx::query_scalar("SELECT body_text FROM emails WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
                    .bind(recipient)
                    .fetch_optional(pool)
                    .await
            })
            .expect("emails query");
            if let Some(body) = body.flatten() {
                return Some(body);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    pub async fn email_count(&self, recipient: &str) -> i64 {
        on_db!(&self.db, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM emails WHERE recipient = $1").bind(recipient).fetch_one(pool).await
        })
        .expect("count")
    }
}

/// Defines each listed async test once per backend: `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}

pub const PASSWORD: &str = "cheval agrafe pile correcte";

impl TestApp {
    /// Creates an account of any role directly in the database and logs a new client in.
    pub async fn logged_in(&self, role: app::auth::Role, email: &str) -> reqwest::Client {
        let hash = app::auth::server::hash_password(PASSWORD.to_string()).await.expect("hash");
        let email_value = app::domain::Email::parse(email).expect("email");
        app::repo::accounts::create_user(&self.db, &email_value, &hash, "Prénom", "Nom", role, true)
            .await
            .expect("create user")
            .expect("new email");
        let browser = client();
        let reply = self
            .call(&browser, <app::auth::Login as server_fn::ServerFn>::PATH, &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(reply.status, 200, "login {email}: {}", reply.text);
        browser
    }

    /// Registers a trainer through the public form and returns the logged-in client.
    pub async fn trainer(&self, email: &str) -> reqwest::Client {
        let browser = client();
        let reply = self
            .call(
                &browser,
                <app::auth::Register as server_fn::ServerFn>::PATH,
                &[
                    ("first_name", "Jeanne"),
                    ("last_name", "Dupont"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                    ("accept_terms", "on"),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "register {email}: {}", reply.text);
        browser
    }

    /// Sends a multipart form to a server function.
    pub async fn upload(&self, client: &reqwest::Client, path: &str, kind: &str, name: &str, bytes: Vec<u8>) -> Reply {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().text("kind", kind.to_string()).part("file", part);
        let response = client
            .post(format!("{}{}", self.base, path))
            .header("Origin", &self.base)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        Reply { status, body, text, headers }
    }
}

impl TestApp {
    pub async fn user_id(&self, email: &str) -> i64 {
        on_db!(&self.db, |pool| sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_one(pool).await).expect("user")
    }

    /// A trainer whose profile staff validated, living at `postal` with a `km` radius and
    /// teaching `domains`; logged in.
    pub async fn validated_trainer(&self, email: &str, postal: &str, km: i64, domains: &[&str], onsite: bool, remote: bool) -> (reqwest::Client, i64) {
        let browser = self.trainer(email).await;
        let id = self.user_id(email).await;
        server::demo::fill(&self.state, id, "mme", "Jeanne", "Dupont", "06 12 34 56 78", "", postal, km, "").await.expect("fill");
        let list: Vec<(&str, i64, &str)> = domains.iter().map(|d| (*d, 5, "expert")).collect();
        server::demo::domains(&self.state, id, &list).await.expect("domains");
        server::demo::admin(&self.state, id, "micro", "732 829 320 00074", "11 75 41412 75", true, "30000", None).await.expect("admin");
        on_db!(&self.db, |pool| {
            // Validated as staff would: the paperwork present is verified and counts.
            sqlx::query(
                "UPDATE trainer_profiles SET status = 'valide', accepts_onsite = $1, accepts_remote = $2,
                    nda_check = 'verified', siret_check = 'verified', turnover_check = 'verified', verified_nda = nda,
                    verified_micro_social = micro_social, verified_yearly_turnover_cents = yearly_turnover_cents
                 WHERE user_id = $3",
            )
                .bind(onsite)
                .bind(remote)
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .expect("validate");
        (browser, id)
    }
}
