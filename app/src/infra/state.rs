//! What every request handler and server function can reach: provided as Leptos context.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::infra::config::Config;
use crate::infra::db::Db;
use crate::infra::mail::Mailer;

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Config,
    pub mailer: Mailer,
}
