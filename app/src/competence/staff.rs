//! Staff server functions of the question banks (overview, bank, settings, questions, import)
//! and what they return; the pages are in `staff_pages`, the work in `banks`.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::forms::competence::{QuestionForm, TestSettingsForm};
use crate::domain::testing::TestKind;
use crate::error::AppError;

pub use super::staff_pages::{StaffBankPage, StaffTestsPage};
/// The bank work, under the path the server's JSON export route calls.
#[cfg(feature = "ssr")]
pub use super::banks as server;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestStats {
    pub code: String,
    pub title: String,
    pub kind: TestKind,
    pub questions_active: i64,
    pub questions_total: i64,
    pub attempts: i64,
    pub pass_rate: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOption {
    pub label: String,
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffQuestion {
    pub id: i64,
    pub multiple: bool,
    pub prompt: String,
    pub topic: String,
    pub cefr: Option<String>,
    pub explanation: String,
    pub active: bool,
    pub options: Vec<StaffOption>,
    pub asked: i64,
    pub success_rate: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankView {
    pub code: String,
    pub title: String,
    pub kind: TestKind,
    pub questions_per_attempt: i64,
    pub time_limit_minutes: i64,
    pub pass_mark_percent: i64,
    pub validity_months: i64,
    pub retake_delay_days: i64,
    pub attempts: i64,
    pub pass_rate: Option<i64>,
    pub questions: Vec<StaffQuestion>,
}

#[server]
pub async fn tests_overview() -> Result<Vec<TestStats>, AppError> {
    use crate::guard::{guard, STAFF};
    guard(STAFF, |caller| async move { super::banks::overview(&caller.state.db).await }).await
}

#[server]
pub async fn load_bank(code: String) -> Result<BankView, AppError> {
    use crate::guard::{guard, STAFF};
    guard(STAFF, |caller| async move { super::banks::bank(&caller.state.db, &code).await }).await
}

#[server]
pub async fn save_test_settings(code: String, #[server(flatten)] form: TestSettingsForm) -> Result<(), AppError> {
    use crate::domain::forms::competence::TestSettings;
    use crate::guard::{guard, STAFF};
    guard(STAFF, |caller| async move {
        let settings = TestSettings::try_from(form)?;
        super::banks::save_settings(&caller.state.db, &code, &settings).await
    })
    .await
}

/// Creates (`question_id` 0) or edits a question. A question already asked is retired and
/// replaced, so that past corrections keep the wording trainers saw.
#[server]
pub async fn save_question(code: String, question_id: i64, #[server(flatten)] form: QuestionForm) -> Result<(), AppError> {
    use crate::domain::testing::BankQuestion;
    use crate::guard::{guard, STAFF};
    guard(STAFF, |caller| async move {
        let question = BankQuestion::try_from(form)?;
        super::banks::save_question(&caller.state.db, &code, question_id, question).await?;
        tracing::info!(by = caller.ctx.user_id, test = %code, "question saved");
        Ok(())
    })
    .await
}

#[server]
pub async fn set_question_active(question_id: i64, active: bool) -> Result<(), AppError> {
    use crate::guard::{guard, STAFF};
    guard(STAFF, |caller| async move { super::banks::set_active(&caller.state.db, question_id, active).await }).await
}

/// Imports a bank from a JSON file (fields `code`, `mode` = ajouter | remplacer, `file`).
#[server(input = MultipartFormData)]
pub async fn import_bank(data: MultipartData) -> Result<String, AppError> {
    use crate::guard::{guard, STAFF};
    guard(STAFF, |caller| async move {
        let multipart = data.into_inner().ok_or_else(|| AppError::field("file", "Aucun fichier reçu."))?;
        let import = super::banks::read_import(multipart).await?;
        super::banks::import(&caller.state.db, import).await
    })
    .await
}
