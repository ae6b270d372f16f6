//! Missions: "missions near me" with eligibility explained in the browser, a mission's page,
//! applications (trainer side); staff management in `staff`, the daily broadcast in `broadcast`.

#[cfg(feature = "ssr")]
pub mod broadcast;
pub mod best_profiles;
pub mod centre;
pub mod eligibility_view;
#[cfg(feature = "ssr")]
pub mod proposals;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod staff;
pub mod staff_pages;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::forms::missions::{ApplicationMessage, ApplyForm, DeclineForm, DeclineReason, SearchForm};
#[cfg(feature = "ssr")]
use crate::domain::forms::missions::SearchFilters;
use crate::domain::missions::{ApplicationStatus, Format, GroupKind, MissionStatus, ProposalStatus};
use crate::domain::{LearnerLevel, MissionRequirements, Money, NativeRequirement, RuleSettings, TrainerFacts};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::guard::{guard, TRAINER};

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

pub use crate::domain::forms::missions::Learner;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub status: ApplicationStatus,
    pub status_label: String,
    pub applied_on: String,
    pub hourly_rate: Money,
}

/// The proposal made to the trainer, as their mission page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    pub id: i64,
    pub status: ProposalStatus,
    /// Open and before its deadline: the trainer can answer and sees the learners' contacts.
    pub live: bool,
    pub deadline: String,
    pub hourly_rate: Money,
    pub hours: i64,
    pub total: Money,
    pub decline_reason: String,
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
    /// The latest proposal made to the trainer for this mission.
    pub proposal: Option<ProposalView>,
    /// Revealed only to the trainer with a live proposal, or who accepted it.
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
    pub applied_on: String,
    pub status_label: String,
    pub status: ApplicationStatus,
    pub next_step: String,
}

/// "Missions near me". Empty filters mean "any"; `max_km` 0 means no distance limit.
#[server]
pub async fn search_missions(#[server(flatten)] filters: SearchForm, page: u32) -> Result<SearchResult, AppError> {
    guard(TRAINER, |caller| async move {
        let params = server::SearchParams { filters: SearchFilters::try_from(filters)?, page: page.max(1) };
        server::search(&caller.state.db, &caller.ctx, params).await
    })
    .await
}

#[server]
pub async fn load_mission(mission_id: i64) -> Result<MissionDetail, AppError> {
    guard(TRAINER, |caller| async move { server::detail(&caller.state.db, &caller.ctx, mission_id).await }).await
}

/// Applies to a mission: the server evaluates the same rules as the browser and alone decides.
#[server]
pub async fn apply_to_mission(mission_id: i64, #[server(flatten)] form: ApplyForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        let message = ApplicationMessage::try_from(form)?;
        server::apply(&caller.state, &caller.ctx, mission_id, message).await
    })
    .await
}

/// Withdraws the caller's application, possible until a proposal is made to them.
#[server]
pub async fn withdraw_application(mission_id: i64) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move { server::withdraw(&caller.state.db, &caller.ctx, mission_id).await }).await
}

/// Accepts the proposal: the mission is the caller's, the other applicants are told.
#[server]
pub async fn accept_proposal(proposal_id: i64) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move { proposals::accept(&caller.state, &caller.ctx, proposal_id).await }).await
}

/// Declines the proposal, with an optional reason staff will read.
#[server]
pub async fn decline_proposal(proposal_id: i64, #[server(flatten)] form: DeclineForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        let reason = DeclineReason::try_from(form)?;
        proposals::decline(&caller.state, &caller.ctx, proposal_id, reason).await
    })
    .await
}

#[server]
pub async fn my_applications() -> Result<Vec<MyApplication>, AppError> {
    guard(TRAINER, |caller| async move { server::applications_of(&caller.state.db, &caller.ctx).await }).await
}

/// Turns the daily email digest of new missions on or off (in-app notifications stay).
#[server]
pub async fn set_email_digest(enabled: bool) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        let db = &caller.state.db;
        crate::profile::server::ensure_profile(db, caller.ctx.user_id).await?;
        Ok(crate::repo::profiles::set_own_email_digest(db, &caller.ctx, enabled).await?)
    })
    .await
}
