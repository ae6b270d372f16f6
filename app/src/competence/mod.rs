//! Competence tests ("TESTS DE COMPÉTENCES"): the Qualiopi QCM, yearly domain tests and
//! language placement tests; attempts saved answer by answer; scoring on the server only.
//! This module: what the trainer's server functions return, and those functions.

#[cfg(feature = "ssr")]
pub mod banks;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod staff;
mod staff_pages;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::testing::{TestKind, TestState};
use crate::error::AppError;

/// One test in the trainer's list, with where they stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestCard {
    pub code: String,
    pub title: String,
    pub description: String,
    pub kind: TestKind,
    pub domain_code: Option<String>,
    pub questions_per_attempt: i64,
    pub time_limit_minutes: i64,
    pub pass_mark_percent: i64,
    pub state: TestState,
    pub state_text: String,
    pub can_start: bool,
    /// A domain the trainer declared in PARCOURS.
    pub in_my_domains: bool,
    /// The last submitted attempt, to show its result.
    pub last_attempt_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    pub id: i64,
    pub label: String,
}

/// A question as shown during an attempt: never with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptQuestion {
    pub id: i64,
    pub multiple: bool,
    pub prompt: String,
    pub options: Vec<OptionView>,
    pub selected: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub attempt_id: i64,
    pub test_code: String,
    pub test_title: String,
    pub seconds_left: i64,
    pub time_limit_minutes: i64,
    pub questions: Vec<AttemptQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectedOption {
    pub label: String,
    pub correct: bool,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub prompt: String,
    pub multiple: bool,
    pub right: bool,
    pub options: Vec<CorrectedOption>,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultView {
    pub attempt_id: i64,
    pub test_code: String,
    pub test_title: String,
    pub kind: TestKind,
    pub score_percent: i64,
    pub correct: i64,
    pub total: i64,
    pub passed: bool,
    pub level: Option<String>,
    pub valid_until: Option<String>,
    pub retake_from: Option<String>,
    pub pass_mark_percent: i64,
    pub corrections: Vec<Correction>,
}

/// A saved answer and the time left, so the browser keeps its clock honest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswer {
    pub seconds_left: i64,
}

#[server]
pub async fn list_tests() -> Result<Vec<TestCard>, AppError> {
    use crate::guard::{guard, TRAINER};
    guard(TRAINER, |caller| async move { server::cards(&caller.state.db, &caller.ctx).await }).await
}

/// Starts an attempt (or returns the one in progress) and gives its id.
#[server]
pub async fn start_test(code: String) -> Result<i64, AppError> {
    use crate::guard::{guard, TRAINER};
    guard(TRAINER, |caller| async move { server::start(&caller.state.db, &caller.ctx, &code).await }).await
}

#[server]
pub async fn load_attempt(attempt_id: i64) -> Result<AttemptView, AppError> {
    use crate::guard::{guard, TRAINER};
    guard(TRAINER, |caller| async move { server::attempt_view(&caller.state.db, &caller.ctx, attempt_id).await }).await
}

/// Saves one answer; `selected` lists option ids separated by commas (empty clears it).
#[server]
pub async fn save_answer(attempt_id: i64, question_id: i64, selected: String) -> Result<SavedAnswer, AppError> {
    use crate::guard::{guard, TRAINER};
    guard(TRAINER, |caller| async move {
        server::save_answer(&caller.state.db, &caller.ctx, attempt_id, question_id, &selected).await
    })
    .await
}

#[server]
pub async fn submit_attempt(attempt_id: i64) -> Result<i64, AppError> {
    use crate::guard::{guard, TRAINER};
    guard(TRAINER, |caller| async move {
        server::submit(&caller.state.db, &caller.ctx, attempt_id).await?;
        Ok(attempt_id)
    })
    .await
}

#[server]
pub async fn attempt_result(attempt_id: i64) -> Result<ResultView, AppError> {
    use crate::guard::{guard, TRAINER};
    guard(TRAINER, |caller| async move { server::result_view(&caller.state.db, &caller.ctx, attempt_id).await }).await
}
