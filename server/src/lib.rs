//! The HTTP server: wiring of the Leptos app, sessions, security middleware and operations
//! endpoints. `main.rs` only parses the command line.

pub mod contracts;
pub mod demo;
pub mod documents;
pub mod scale;
pub mod security;

use std::net::SocketAddr;
use std::time::Duration;

use app::auth::server::{Backend, AuthSession};
use app::infra::config::Config;
use app::infra::db::Db;
use app::infra::mail::Mailer;
use app::infra::sessions::DbSessionStore;
use app::infra::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{middleware, Json, Router};
use axum_login::AuthManagerLayerBuilder;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

pub const SESSION_COOKIE: &str = "mf_session";

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] app::infra::db::DbInitError),
    #[error("sessions: {0}")]
    Sessions(#[from] sqlx::Error),
    #[error("mail: {0}")]
    Mail(#[from] app::infra::mail::MailError),
    #[error("demo data: {0}")]
    Demo(String),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// Opens the database, applies migrations and builds the shared state.
pub async fn prepare(config: Config, leptos_options: LeptosOptions) -> Result<AppState, StartError> {
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    db.migrate().await?;
    app::competence::server::ensure_builtin_banks(&db).await.map_err(|e| StartError::Demo(format!("question banks: {e}")))?;
    let mailer = Mailer::new(config.smtp_url.as_deref(), config.outbox_dir(), &config.mail_from)?;
    Ok(AppState { leptos_options, db, config, mailer })
}

/// Builds the whole HTTP application on top of a prepared state.
pub async fn router(state: AppState) -> Result<Router, StartError> {
    let store = DbSessionStore::new(&state.db).await?;
    // Expired sessions are removed in the background (idempotent across nodes).
    tokio::spawn({
        let store = store.clone();
        async move {
            if let Err(e) = store.continuously_delete_expired(Duration::from_secs(3600)).await {
                tracing::warn!(error = %e, "expired session cleanup stopped");
            }
        }
    });
    let idle = time::Duration::seconds(state.config.session_idle.as_secs() as i64);
    let session_layer = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));
    let auth_layer = AuthManagerLayerBuilder::new(Backend::new(state.db.clone()), session_layer).build();

    if state.config.broadcast_scheduler {
        tokio::spawn(jobs_scheduler(state.clone()));
    }
    let routes = route_list();
    let site_root = state.leptos_options.site_root.to_string();
    let pkg_dir = format!("{site_root}/{}", state.leptos_options.site_pkg_dir);

    let app = Router::new()
        .route("/documents/{id}", get(documents::download))
        .route("/profil/export", get(documents::export))
        .route("/equipe/tests/{code}/export", get(documents::export_bank))
        .route("/contrats/{id}/{file}", get(contracts::for_user))
        .route("/signature/{token}/{file}", get(contracts::for_link))
        .route("/equipe/contrat-type/{version}/{file}", get(contracts::template_preview))
        .route(
            "/verifier-contrat/fichier",
            axum::routing::post(contracts::verify_upload).layer(axum::extract::DefaultBodyLimit::max(contracts::VERIFY_MAX_BYTES + 64 * 1024)),
        )
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), session_upkeep))
        .layer(auth_layer)
        .layer(middleware::from_fn_with_state(state.clone(), security::origin_guard))
        .layer(middleware::from_fn(security::security_headers))
        // Static assets and health checks need no session.
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip())
        .route("/healthz", get(healthz))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                // Path only: query strings may carry tokens; so does a signing link's path.
                let path = req.uri().path();
                let path = if path.starts_with("/signature/") { "/signature/…" } else { path };
                tracing::info_span!("request", method = %req.method(), path = %path)
            }),
        )
        .with_state(state);
    Ok(app)
}

/// Ends sessions past their absolute lifetime and keeps active sessions alive (idle expiry),
/// writing to the store at most once a minute per session.
async fn session_upkeep(
    State(state): State<AppState>,
    mut auth: AuthSession,
    mut request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    if auth.user.is_some() {
        let now = chrono::Utc::now().timestamp_millis();
        let auth_at: Option<i64> = auth.session.get(app::auth::AUTH_AT_KEY).await.ok().flatten();
        let too_old = auth_at.is_none_or(|at| now - at > state.config.session_absolute.as_millis() as i64);
        if too_old {
            if let Err(e) = auth.logout().await {
                tracing::warn!(error = %e, "cannot end an expired session");
            }
            // Handlers read the session from the request: let them see it ended.
            request.extensions_mut().insert(auth);
        } else {
            let seen: Option<i64> = auth.session.get("seen_at").await.ok().flatten();
            if seen.is_none_or(|s| now - s >= 60_000) {
                let _ = auth.session.insert("seen_at", now).await;
            }
        }
    }
    next.run(request).await
}

/// Once a minute, runs the daily broadcast when it is due and closes the proposals left
/// unanswered past their deadline. Every node runs this loop; the database leases let only one
/// of them run each job at a time, and each proposal is closed by one conditional update.
async fn jobs_scheduler(state: AppState) {
    use app::missions::server::{broadcast_due, last_run, run_broadcast};
    let holder = format!("node-{}-{:08x}", std::process::id(), rand::random::<u32>());
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = app::missions::proposals::expire_proposals(&state, &holder).await {
            tracing::error!(error = %e, "proposal expiry failed");
        }
        if let Err(e) = app::contracts::server::remind_signatures(&state).await {
            tracing::error!(error = %e, "signature reminders failed");
        }
        let last = match last_run(&state.db, "broadcast").await {
            Ok(last) => last,
            Err(e) => {
                tracing::warn!(error = %e, "broadcast scheduler cannot read its last run");
                continue;
            }
        };
        if broadcast_due(state.config.broadcast_time, last, chrono::Utc::now()) {
            if let Err(e) = run_broadcast(&state, &holder).await {
                tracing::error!(error = %e, "daily broadcast failed");
            }
        }
    }
}

/// Reports whether this node can reach its database.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let db_ok = state.db.ping().await;
    let status = if db_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        Json(serde_json::json!({
            "status": if db_ok { "ok" } else { "degraded" },
            "database": if db_ok { "ok" } else { "unreachable" },
            "backend": state.db.backend_name(),
        })),
    )
}

/// Serves until SIGTERM or Ctrl-C, letting in-flight requests finish.
/// The app's routes, listed once per process. Listing them runs the app with resource loading
/// suppressed through a process-wide flag (leptos_server's `SuppressResourceLoad`): a resource
/// first polled by a request served meanwhile would wait forever (leptos issue #4773). Listing
/// once, before the first router exists, keeps every later request clear of that window; it
/// matters when one process builds several routers (the integration tests, two nodes in one).
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub async fn serve(app: Router, addr: SocketAddr) -> Result<(), StartError> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested: finishing in-flight requests");
}
