//! Missions: partner centres and pay grids (staff), publication and the daily broadcast,
//! "missions near me" with eligibility explained in the browser, applications.

pub mod centre;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod staff;
pub mod staff_pages;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::missions::{Format, GroupKind, MissionStatus};
use crate::domain::{LearnerLevel, MissionRequirements, Money, NativeRequirement, RuleSettings, TrainerFacts};
use crate::error::AppError;

/// A published mission as the trainer's list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionCard {
    pub id: i64,
    pub title: String,
    pub domain_label: String,
    pub format: Format,
    pub group: GroupKind,
    pub hours: i64,
    pub commune: Option<String>,
    pub distance_km: Option<f64>,
    pub requirements: MissionRequirements,
    pub applied: bool,
}

/// Everything the list needs to explain eligibility in the browser, with the same rules the
/// server applies: the trainer's facts, the settings and today's date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    pub facts: TrainerFacts,
    pub settings: RuleSettings,
    pub today: NaiveDate,
    pub has_home: bool,
    pub default_km: i64,
    pub missions: Vec<MissionCard>,
    pub page: u32,
    pub pages: u32,
    pub total: usize,
    pub domains: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    pub name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub status: String,
    pub status_label: String,
    pub applied_on: String,
    pub hourly_rate: Money,
}

pub fn application_status_label(code: &str) -> &'static str {
    match code {
        "envoyee" => "Candidature envoyée",
        "retenue" => "Candidature retenue",
        "non_retenue" => "Candidature non retenue",
        "retiree" => "Candidature retirée",
        _ => "Candidature",
    }
}

/// A mission's page for a trainer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionDetail {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub domain_label: String,
    pub format: Format,
    pub group: GroupKind,
    pub hours: i64,
    pub rhythm: String,
    pub commune: Option<String>,
    pub distance_km: Option<f64>,
    pub learners_count: i64,
    pub learner_level: LearnerLevel,
    pub native_requirement: NativeRequirement,
    pub cpf_funded: bool,
    pub hourly_rate: Money,
    pub status: MissionStatus,
    pub requirements: MissionRequirements,
    pub facts: TrainerFacts,
    pub settings: RuleSettings,
    pub today: NaiveDate,
    pub application: Option<ApplicationView>,
    /// Revealed only to the chosen trainer.
    pub centre_name: Option<String>,
    pub learners: Vec<Learner>,
}

/// Outcome of one broadcast run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastReport {
    pub ran: bool,
    pub missions: usize,
    pub trainers: usize,
    pub deliveries: usize,
    pub emails: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplication {
    pub mission_id: i64,
    pub title: String,
    pub start: String,
    pub status_label: String,
    pub status: String,
}

#[cfg(feature = "ssr")]
async fn as_trainer() -> Result<(crate::infra::state::AppState, crate::auth::server::Ctx), AppError> {
    crate::auth::server::require_role(crate::auth::Role::Trainer).await
}

/// "Missions near me". Empty strings mean "any"; `max_km` 0 means no distance limit.
#[server]
pub async fn search_missions(domain: String, format: String, max_km: String, from: String, sort: String, page: u32) -> Result<SearchResult, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            let params = server::SearchParams::parse(&domain, &format, &max_km, &from, &sort, page)?;
            server::search(&state.db, ctx.user_id, params).await
        }
        .await,
    )
}

#[server]
pub async fn load_mission(mission_id: i64) -> Result<MissionDetail, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::detail(&state.db, ctx.user_id, mission_id).await
        }
        .await,
    )
}

/// Applies to a mission: the server evaluates the same rules as the browser and alone decides.
#[server]
pub async fn apply_to_mission(mission_id: i64, message: String) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::apply(&state, ctx.user_id, mission_id, &message).await
        }
        .await,
    )
}

#[server]
pub async fn my_applications() -> Result<Vec<MyApplication>, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::applications_of(&state.db, ctx.user_id).await
        }
        .await,
    )
}

/// Turns the daily email digest of new missions on or off (in-app notifications stay).
#[server]
pub async fn set_email_digest(enabled: bool) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            crate::profile::server::ensure_profile(&state.db, ctx.user_id).await?;
            server::set_email_digest(&state.db, ctx.user_id, enabled).await
        }
        .await,
    )
}
