//! Test repository: banks, attempts, answers and scoring. Correct answers leave this module
//! only in the result of a submitted attempt, and in the staff bank editor.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::eligibility::{PassedTest, QcmPass, RetakeDelay, TestLevel, TestRef};
use crate::domain::testing::{self, is_correct, outcome, questions_per_cefr_level, TestKind, TestState};
use crate::domain::{french_date, Cefr, CompetenceLevel};
use crate::infra::db::Db;
use crate::infra::time::{now, today};
use crate::{on_db, write_tx};

/// Answers arriving this long after the deadline still count (network latency).
const GRACE_SECONDS: i64 = 5;

// ---------------------------------------------------------------------------------------------
// Banks (also the JSON import/export format)

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankFile {
    pub code: String,
    pub kind: String,
    pub domain_code: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub questions_per_attempt: i64,
    pub time_limit_minutes: i64,
    pub pass_mark_percent: i64,
    #[serde(default = "twelve")]
    pub validity_months: i64,
    #[serde(default = "seven")]
    pub retake_delay_days: i64,
    pub questions: Vec<BankQuestion>,
}

fn twelve() -> i64 {
    12
}

fn seven() -> i64 {
    7
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankQuestion {
    pub kind: String,
    pub prompt: String,
    pub options: Vec<BankOption>,
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub cefr: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankOption {
    pub label: String,
    pub correct: bool,
}

/// Checks one question; returns a French description of what is wrong.
pub fn check_question(q: &BankQuestion, language_test: bool) -> Result<(), String> {
    let prompt = q.prompt.trim();
    if prompt.is_empty() {
        return Err("l'énoncé est vide".into());
    }
    if !(2..=6).contains(&q.options.len()) {
        return Err(format!("« {prompt} » : il faut de 2 à 6 réponses proposées"));
    }
    if q.options.iter().any(|o| o.label.trim().is_empty()) {
        return Err(format!("« {prompt} » : une réponse proposée est vide"));
    }
    let correct = q.options.iter().filter(|o| o.correct).count();
    match q.kind.as_str() {
        "single" if correct != 1 => return Err(format!("« {prompt} » : une question à choix unique a exactement une bonne réponse")),
        "multiple" if correct < 1 || correct == q.options.len() => {
            return Err(format!("« {prompt} » : une question à choix multiples a au moins une bonne et une mauvaise réponse"))
        }
        "single" | "multiple" => {}
        _ => return Err(format!("« {prompt} » : type inconnu (single ou multiple)")),
    }
    match q.cefr.as_deref() {
        Some(c) if Cefr::parse(c).is_err() => return Err(format!("« {prompt} » : niveau CECRL inconnu « {c} »")),
        None if language_test => return Err(format!("« {prompt} » : une question de langue indique son niveau CECRL")),
        _ => {}
    }
    Ok(())
}

pub fn check_bank(bank: &BankFile) -> Result<TestKind, String> {
    let kind = TestKind::from_code(&bank.kind).ok_or_else(|| format!("type de test inconnu « {} »", bank.kind))?;
    if bank.title.trim().is_empty() {
        return Err("le titre est vide".into());
    }
    if !(1..=200).contains(&bank.questions_per_attempt) || !(1..=240).contains(&bank.time_limit_minutes) {
        return Err("nombre de questions (1 à 200) ou durée (1 à 240 minutes) hors limites".into());
    }
    if !(1..=100).contains(&bank.pass_mark_percent) || !(1..=60).contains(&bank.validity_months) || !(0..=365).contains(&bank.retake_delay_days) {
        return Err("seuil (1 à 100 %), validité (1 à 60 mois) ou délai (0 à 365 jours) hors limites".into());
    }
    for q in &bank.questions {
        check_question(q, kind == TestKind::Language)?;
    }
    Ok(kind)
}

/// The banks written for the platform, installed on first start and then edited by staff.
const BUILTIN_BANKS: &[&str] = &[
    include_str!("../../data/tests/qualiopi.json"),
    include_str!("../../data/tests/excel.json"),
    include_str!("../../data/tests/word.json"),
    include_str!("../../data/tests/anglais.json"),
    include_str!("../../data/tests/fle.json"),
    include_str!("../../data/tests/comptabilite.json"),
    include_str!("../../data/tests/management.json"),
];

pub fn builtin_banks() -> Vec<BankFile> {
    BUILTIN_BANKS.iter().filter_map(|json| serde_json::from_str(json).ok()).collect()
}

/// Installs each built-in bank whose test does not exist yet (never overwrites staff edits).
pub async fn ensure_builtin_banks(db: &Db) -> Result<(), AppError> {
    for bank in builtin_banks() {
        if let Err(e) = check_bank(&bank) {
            tracing::error!(code = %bank.code, error = %e, "built-in bank is invalid");
            continue;
        }
        let exists: Option<i64> = on_db!(db, |pool| {
            sqlx::query_scalar("SELECT id FROM tests WHERE code = $1").bind(&bank.code).fetch_optional(pool).await
        })?;
        if exists.is_none() {
            create_test(db, &bank).await?;
            tracing::info!(code = %bank.code, questions = bank.questions.len(), "question bank installed");
        }
    }
    Ok(())
}

/// Inserts questions and their options inside a `write_tx!` transaction (written once, compiled
/// for both backends by the caller's macro expansion).
macro_rules! insert_questions {
    ($tx:ident, $test_id:expr, $questions:expr, $at:expr) => {
        for q in $questions {
            let question_id: i64 = sqlx::query_scalar(
                "INSERT INTO questions (test_id, kind, prompt, explanation, topic, cefr, active, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind($test_id)
            .bind(&q.kind)
            .bind(q.prompt.trim())
            .bind(q.explanation.trim())
            .bind(q.topic.trim())
            .bind(&q.cefr)
            .bind(q.active)
            .bind($at)
            .fetch_one(&mut *$tx)
            .await?;
            for (i, o) in q.options.iter().enumerate() {
                sqlx::query("INSERT INTO question_options (question_id, position, label, correct) VALUES ($1, $2, $3, $4)")
                    .bind(question_id)
                    .bind(i as i64)
                    .bind(o.label.trim())
                    .bind(o.correct)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    };
}
pub(crate) use insert_questions;

pub async fn create_test(db: &Db, bank: &BankFile) -> Result<i64, AppError> {
    let at = now();
    write_tx!(db, |tx| {
        let test_id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO tests (code, kind, domain_code, title, description, questions_per_attempt, time_limit_minutes,
                pass_mark_percent, validity_months, retake_delay_days)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (code) DO NOTHING RETURNING id",
        )
        .bind(&bank.code)
        .bind(&bank.kind)
        .bind(&bank.domain_code)
        .bind(&bank.title)
        .bind(&bank.description)
        .bind(bank.questions_per_attempt)
        .bind(bank.time_limit_minutes)
        .bind(bank.pass_mark_percent)
        .bind(bank.validity_months)
        .bind(bank.retake_delay_days)
        .fetch_optional(&mut *tx)
        .await?;
        // Another node installed it at the same moment.
        let Some(test_id) = test_id else { return Ok(0) };
        insert_questions!(tx, test_id, &bank.questions, at);
        Ok::<i64, AppError>(test_id)
    })
}

// ---------------------------------------------------------------------------------------------
// Tests and attempts

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TestRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub domain_code: Option<String>,
    pub title: String,
    pub description: String,
    pub questions_per_attempt: i64,
    pub time_limit_minutes: i64,
    pub pass_mark_percent: i64,
    pub validity_months: i64,
    pub retake_delay_days: i64,
    pub active: bool,
}

impl TestRow {
    pub fn kind(&self) -> TestKind {
        TestKind::from_code(&self.kind).unwrap_or(TestKind::Domain)
    }
}

const TEST_COLUMNS: &str = "id, code, kind, domain_code, title, description, questions_per_attempt, time_limit_minutes,
    pass_mark_percent, validity_months, retake_delay_days, active";

pub async fn all_tests(db: &Db) -> Result<Vec<TestRow>, sqlx::Error> {
    let sql = format!("SELECT {TEST_COLUMNS} FROM tests ORDER BY CASE kind WHEN 'qualiopi' THEN 0 ELSE 1 END, title");
    on_db!(db, |pool| sqlx::query_as::<_, TestRow>(&sql).fetch_all(pool).await)
}

pub async fn test_by_code(db: &Db, code: &str) -> Result<Option<TestRow>, sqlx::Error> {
    let sql = format!("SELECT {TEST_COLUMNS} FROM tests WHERE code = $1");
    on_db!(db, |pool| sqlx::query_as::<_, TestRow>(&sql).bind(code).fetch_optional(pool).await)
}

async fn test_by_id(db: &Db, id: i64) -> Result<Option<TestRow>, sqlx::Error> {
    let sql = format!("SELECT {TEST_COLUMNS} FROM tests WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as::<_, TestRow>(&sql).bind(id).fetch_optional(pool).await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct AttemptRow {
    id: i64,
    test_id: i64,
    deadline_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    question_count: i64,
    correct_count: Option<i64>,
    score_percent: Option<i64>,
    passed: Option<bool>,
    level: Option<String>,
    valid_until: Option<NaiveDate>,
    retake_from: Option<NaiveDate>,
}

const ATTEMPT_COLUMNS: &str = "id, test_id, deadline_at, submitted_at, question_count, correct_count,
    score_percent, passed, level, valid_until, retake_from";

async fn attempts_of(db: &Db, user_id: i64) -> Result<Vec<AttemptRow>, sqlx::Error> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 ORDER BY started_at DESC, id DESC");
    on_db!(db, |pool| sqlx::query_as::<_, AttemptRow>(&sql).bind(user_id).fetch_all(pool).await)
}

/// The trainer's own attempt, or `NotFound` (another trainer's id is not found either).
async fn own_attempt(db: &Db, user_id: i64, attempt_id: i64) -> Result<AttemptRow, AppError> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = $1 AND user_id = $2");
    on_db!(db, |pool| sqlx::query_as::<_, AttemptRow>(&sql).bind(attempt_id).bind(user_id).fetch_optional(pool).await)?
        .ok_or(AppError::NotFound)
}

/// Scores every attempt of the trainer left open past its deadline.
async fn finalize_overdue(db: &Db, user_id: i64) -> Result<(), AppError> {
    let limit = now() - Duration::seconds(GRACE_SECONDS);
    let overdue: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM attempts WHERE user_id = $1 AND submitted_at IS NULL AND deadline_at < $2")
            .bind(user_id)
            .bind(limit)
            .fetch_all(pool)
            .await
    })?;
    for attempt_id in overdue {
        submit(db, user_id, attempt_id).await?;
    }
    Ok(())
}

fn state_of(attempts: &[&AttemptRow], today: NaiveDate, warning_days: i64) -> TestState {
    if let Some(open) = attempts.iter().find(|a| a.submitted_at.is_none()) {
        return TestState::InProgress { attempt_id: open.id };
    }
    let last_pass = attempts.iter().find(|a| a.passed == Some(true));
    let last = attempts.first();
    let blocking_failure = last.filter(|a| a.passed == Some(false)).and_then(|a| a.retake_from).filter(|d| *d > today);
    match (last_pass, blocking_failure) {
        (Some(pass), _) if pass.valid_until.is_some_and(|u| u >= today) => {
            let until = pass.valid_until.unwrap_or(today);
            TestState::Passed { level: pass.level.clone(), valid_until: until, expiring_soon: (until - today).num_days() <= warning_days }
        }
        (_, Some(retake_from)) => TestState::Failed { retake_from: Some(retake_from) },
        (Some(pass), None) => TestState::Expired { level: pass.level.clone(), expired_on: pass.valid_until.unwrap_or(today) },
        (None, None) if last.is_some() => TestState::Failed { retake_from: last.and_then(|a| a.retake_from) },
        _ => TestState::NeverTaken,
    }
}

pub async fn cards(db: &Db, user_id: i64) -> Result<Vec<TestCard>, AppError> {
    finalize_overdue(db, user_id).await?;
    let tests = all_tests(db).await?;
    let attempts = attempts_of(db, user_id).await?;
    let my_domains: Vec<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT domain_code FROM trainer_domains WHERE user_id = $1").bind(user_id).fetch_all(pool).await
    })?;
    let today = today();
    let warning = i64::from(crate::domain::RuleSettings::default().expiry_warning_days);
    let mut cards: Vec<TestCard> = tests
        .into_iter()
        .filter(|t| t.active)
        .map(|t| {
            let mine: Vec<&AttemptRow> = attempts.iter().filter(|a| a.test_id == t.id).collect();
            let state = state_of(&mine, today, warning);
            let last_attempt_id = mine.iter().find(|a| a.submitted_at.is_some()).map(|a| a.id);
            TestCard {
                state_text: state.describe(today),
                can_start: state.can_start(today),
                in_my_domains: t.domain_code.as_ref().is_some_and(|d| my_domains.contains(d)),
                kind: t.kind(),
                code: t.code,
                title: t.title,
                description: t.description,
                domain_code: t.domain_code,
                questions_per_attempt: t.questions_per_attempt,
                time_limit_minutes: t.time_limit_minutes,
                pass_mark_percent: t.pass_mark_percent,
                state,
                last_attempt_id,
            }
        })
        .collect();
    // The Qualiopi QCM first, then the trainer's own domains.
    cards.sort_by_key(|c| (c.kind != TestKind::Qualiopi, !c.in_my_domains));
    Ok(cards)
}

pub async fn start(db: &Db, user_id: i64, code: &str) -> Result<i64, AppError> {
    finalize_overdue(db, user_id).await?;
    let test = test_by_code(db, code).await?.filter(|t| t.active).ok_or(AppError::NotFound)?;
    let mine: Vec<AttemptRow> = attempts_of(db, user_id).await?.into_iter().filter(|a| a.test_id == test.id).collect();
    if let Some(open) = mine.iter().find(|a| a.submitted_at.is_none()) {
        return Ok(open.id);
    }
    let today = today();
    if let Some(from) = mine.first().filter(|a| a.passed == Some(false)).and_then(|a| a.retake_from).filter(|d| *d > today) {
        return Err(AppError::Rejected(format!(
            "Vous avez échoué à ce test récemment : vous pourrez le repasser à partir du {}.",
            french_date(from)
        )));
    }
    let drawn = draw_questions(db, &test).await?;
    if drawn.is_empty() {
        return Err(AppError::Rejected("Ce test n'a pas encore de questions : réessayez plus tard.".into()));
    }
    let started = now();
    let deadline = started + Duration::minutes(test.time_limit_minutes);
    let inserted: Result<i64, AppError> = write_tx!(db, |tx| {
        let attempt_id: i64 = sqlx::query_scalar(
            "INSERT INTO attempts (test_id, user_id, started_at, deadline_at, question_count) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(test.id)
        .bind(user_id)
        .bind(started)
        .bind(deadline)
        .bind(drawn.len() as i64)
        .fetch_one(&mut *tx)
        .await?;
        for (position, (question_id, option_order)) in drawn.iter().enumerate() {
            sqlx::query("INSERT INTO attempt_questions (attempt_id, position, question_id, option_order) VALUES ($1, $2, $3, $4)")
                .bind(attempt_id)
                .bind(position as i64)
                .bind(question_id)
                .bind(option_order)
                .execute(&mut *tx)
                .await?;
        }
        Ok::<i64, AppError>(attempt_id)
    });
    match inserted {
        Ok(id) => {
            tracing::info!(user_id, attempt_id = id, test = %test.code, "attempt started");
            Ok(id)
        }
        // A double click started the same test twice: the unique index kept one.
        Err(_) => {
            let open = attempts_of(db, user_id).await?.into_iter().find(|a| a.test_id == test.id && a.submitted_at.is_none());
            open.map(|a| a.id).ok_or(AppError::Internal)
        }
    }
}

/// Draws the questions of a new attempt, each with its options in a shuffled order.
async fn draw_questions(db: &Db, test: &TestRow) -> Result<Vec<(i64, String)>, AppError> {
    let pool_rows: Vec<(i64, Option<String>)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, cefr FROM questions WHERE test_id = $1 AND active = TRUE").bind(test.id).fetch_all(pool).await
    })?;
    let options: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT o.question_id, o.id FROM question_options o JOIN questions q ON q.id = o.question_id
             WHERE q.test_id = $1 AND q.active = TRUE ORDER BY o.question_id, o.position",
        )
        .bind(test.id)
        .fetch_all(pool)
        .await
    })?;
    let mut by_question: HashMap<i64, Vec<i64>> = HashMap::new();
    for (question_id, option_id) in options {
        by_question.entry(question_id).or_default().push(option_id);
    }
    let mut rng = rand::rng();
    let wanted = test.questions_per_attempt.max(1) as usize;
    let chosen: Vec<i64> = if test.kind() == TestKind::Language {
        let mut chosen = Vec::new();
        for (level, count) in questions_per_cefr_level(wanted) {
            let mut ids: Vec<i64> = pool_rows.iter().filter(|(_, c)| c.as_deref() == Some(level.code())).map(|(id, _)| *id).collect();
            ids.shuffle(&mut rng);
            ids.truncate(count);
            chosen.extend(ids);
        }
        chosen
    } else {
        let mut ids: Vec<i64> = pool_rows.iter().map(|(id, _)| *id).collect();
        ids.shuffle(&mut rng);
        ids.truncate(wanted);
        ids
    };
    Ok(chosen
        .into_iter()
        .map(|id| {
            let mut order = by_question.get(&id).cloned().unwrap_or_default();
            order.shuffle(&mut rng);
            (id, order.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
        })
        .collect())
}

fn parse_ids(list: &str) -> Vec<i64> {
    list.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

#[derive(sqlx::FromRow)]
struct AttemptQuestionRow {
    question_id: i64,
    option_order: String,
    kind: String,
    prompt: String,
    explanation: String,
    cefr: Option<String>,
}

async fn attempt_questions(db: &Db, attempt_id: i64) -> Result<Vec<AttemptQuestionRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT aq.question_id, aq.option_order, q.kind, q.prompt, q.explanation, q.cefr
             FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
             WHERE aq.attempt_id = $1 ORDER BY aq.position",
        )
        .bind(attempt_id)
        .fetch_all(pool)
        .await
    })
}

#[derive(sqlx::FromRow)]
struct OptionRow {
    id: i64,
    question_id: i64,
    label: String,
    correct: bool,
}

async fn options_of_attempt(db: &Db, attempt_id: i64) -> Result<HashMap<i64, OptionRow>, sqlx::Error> {
    let rows: Vec<OptionRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT o.id, o.question_id, o.label, o.correct FROM question_options o
             JOIN attempt_questions aq ON aq.question_id = o.question_id WHERE aq.attempt_id = $1",
        )
        .bind(attempt_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|o| (o.id, o)).collect())
}

async fn answers_of(db: &Db, attempt_id: i64) -> Result<HashMap<i64, Vec<i64>>, sqlx::Error> {
    let rows: Vec<(i64, String)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT question_id, selected FROM attempt_answers WHERE attempt_id = $1").bind(attempt_id).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|(q, s)| (q, parse_ids(&s))).collect())
}

/// Message used when an attempt is over (the browser then shows the result).
pub const ATTEMPT_OVER: &str = "Ce test est terminé : consultez votre résultat.";

pub async fn attempt_view(db: &Db, user_id: i64, attempt_id: i64) -> Result<AttemptView, AppError> {
    finalize_overdue(db, user_id).await?;
    let attempt = own_attempt(db, user_id, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Err(AppError::Rejected(ATTEMPT_OVER.into()));
    }
    let test = test_by_id(db, attempt.test_id).await?.ok_or(AppError::NotFound)?;
    let questions = attempt_questions(db, attempt_id).await?;
    let options = options_of_attempt(db, attempt_id).await?;
    let answers = answers_of(db, attempt_id).await?;
    Ok(AttemptView {
        attempt_id,
        test_code: test.code,
        test_title: test.title,
        seconds_left: (attempt.deadline_at - now()).num_seconds().max(0),
        time_limit_minutes: test.time_limit_minutes,
        questions: questions
            .into_iter()
            .map(|q| AttemptQuestion {
                id: q.question_id,
                multiple: q.kind == "multiple",
                prompt: q.prompt,
                options: parse_ids(&q.option_order)
                    .into_iter()
                    .filter_map(|id| options.get(&id).map(|o| OptionView { id, label: o.label.clone() }))
                    .collect(),
                selected: answers.get(&q.question_id).cloned().unwrap_or_default(),
            })
            .collect(),
    })
}

pub async fn save_answer(db: &Db, user_id: i64, attempt_id: i64, question_id: i64, selected: &str) -> Result<SavedAnswer, AppError> {
    let attempt = own_attempt(db, user_id, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Err(AppError::Rejected(ATTEMPT_OVER.into()));
    }
    let at = now();
    if at > attempt.deadline_at + Duration::seconds(GRACE_SECONDS) {
        submit(db, user_id, attempt_id).await?;
        return Err(AppError::Rejected("Le temps est écoulé : cette réponse n'a pas été prise en compte, le test est terminé.".into()));
    }
    let question: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT q.kind FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
             WHERE aq.attempt_id = $1 AND aq.question_id = $2",
        )
        .bind(attempt_id)
        .bind(question_id)
        .fetch_optional(pool)
        .await
    })?;
    let Some((kind,)) = question else { return Err(AppError::NotFound) };
    let mut ids = parse_ids(selected);
    ids.sort_unstable();
    ids.dedup();
    let valid: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM question_options WHERE question_id = $1").bind(question_id).fetch_all(pool).await
    })?;
    if ids.iter().any(|id| !valid.contains(id)) || (kind == "single" && ids.len() > 1) {
        return Err(AppError::Rejected("Cette réponse ne correspond pas à la question : rechargez la page.".into()));
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO attempt_answers (attempt_id, question_id, selected, answered_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (attempt_id, question_id) DO UPDATE SET selected = $3, answered_at = $4",
        )
        .bind(attempt_id)
        .bind(question_id)
        .bind(&list)
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(SavedAnswer { seconds_left: (attempt.deadline_at - at).num_seconds().max(0) })
}

/// Scores an attempt on the answers saved in time. Idempotent: a second call changes nothing.
pub async fn submit(db: &Db, user_id: i64, attempt_id: i64) -> Result<(), AppError> {
    let attempt = own_attempt(db, user_id, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Ok(());
    }
    let test = test_by_id(db, attempt.test_id).await?.ok_or(AppError::NotFound)?;
    let questions = attempt_questions(db, attempt_id).await?;
    let options = options_of_attempt(db, attempt_id).await?;
    let answers = answers_of(db, attempt_id).await?;
    let mut correct_by_question: HashMap<i64, Vec<i64>> = HashMap::new();
    for o in options.values().filter(|o| o.correct) {
        correct_by_question.entry(o.question_id).or_default().push(o.id);
    }
    let mut per_level: Vec<(Cefr, usize, usize)> = Cefr::ALL.iter().map(|c| (*c, 0, 0)).collect();
    let mut correct_count = 0;
    let mut verdicts = Vec::new();
    for q in &questions {
        let selected = answers.get(&q.question_id).cloned().unwrap_or_default();
        let right = is_correct(&selected, correct_by_question.get(&q.question_id).map(Vec::as_slice).unwrap_or(&[]));
        correct_count += usize::from(right);
        if let Some(level) = q.cefr.as_deref().and_then(|c| Cefr::parse(c).ok()) {
            if let Some(entry) = per_level.iter_mut().find(|(l, _, _)| *l == level) {
                entry.1 += usize::from(right);
                entry.2 += 1;
            }
        }
        if answers.contains_key(&q.question_id) {
            verdicts.push((q.question_id, right));
        }
    }
    per_level.retain(|(_, _, asked)| *asked > 0);
    let result = outcome(test.kind(), correct_count, questions.len(), test.pass_mark_percent as u32, &per_level);
    let at = now();
    let day = today();
    let valid_until = result.passed.then(|| testing::valid_until(day, test.validity_months as u32));
    let retake_from = (!result.passed).then(|| day + Duration::days(test.retake_delay_days));
    let scored = write_tx!(db, |tx| {
        let updated = sqlx::query(
            "UPDATE attempts SET submitted_at = $1, correct_count = $2, score_percent = $3, passed = $4, level = $5,
                valid_until = $6, retake_from = $7
             WHERE id = $8 AND submitted_at IS NULL",
        )
        .bind(at)
        .bind(correct_count as i64)
        .bind(i64::from(result.score_percent))
        .bind(result.passed)
        .bind(&result.level)
        .bind(valid_until)
        .bind(retake_from)
        .bind(attempt_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 1 {
            for (question_id, right) in &verdicts {
                sqlx::query("UPDATE attempt_answers SET is_correct = $1 WHERE attempt_id = $2 AND question_id = $3")
                    .bind(*right)
                    .bind(attempt_id)
                    .bind(question_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok::<u64, AppError>(updated)
    })?;
    if scored == 1 {
        tracing::info!(user_id, attempt_id, test = %test.code, score = result.score_percent, passed = result.passed, "attempt scored");
    }
    Ok(())
}

pub async fn result_view(db: &Db, user_id: i64, attempt_id: i64) -> Result<ResultView, AppError> {
    finalize_overdue(db, user_id).await?;
    let attempt = own_attempt(db, user_id, attempt_id).await?;
    if attempt.submitted_at.is_none() {
        return Err(AppError::Rejected("Ce test est encore en cours : terminez-le pour voir le résultat.".into()));
    }
    let test = test_by_id(db, attempt.test_id).await?.ok_or(AppError::NotFound)?;
    let questions = attempt_questions(db, attempt_id).await?;
    let options = options_of_attempt(db, attempt_id).await?;
    let answers = answers_of(db, attempt_id).await?;
    let corrections = questions
        .into_iter()
        .map(|q| {
            let selected = answers.get(&q.question_id).cloned().unwrap_or_default();
            let order = parse_ids(&q.option_order);
            let opts: Vec<CorrectedOption> = order
                .iter()
                .filter_map(|id| options.get(id))
                .map(|o| CorrectedOption { label: o.label.clone(), correct: o.correct, selected: selected.contains(&o.id) })
                .collect();
            let correct_ids: Vec<i64> = order.iter().filter(|id| options.get(id).is_some_and(|o| o.correct)).copied().collect();
            Correction {
                right: is_correct(&selected, &correct_ids),
                multiple: q.kind == "multiple",
                prompt: q.prompt,
                options: opts,
                explanation: q.explanation,
            }
        })
        .collect();
    Ok(ResultView {
        attempt_id,
        kind: test.kind(),
        test_code: test.code,
        test_title: test.title,
        score_percent: attempt.score_percent.unwrap_or(0),
        correct: attempt.correct_count.unwrap_or(0),
        total: attempt.question_count,
        passed: attempt.passed.unwrap_or(false),
        level: attempt.level.as_deref().map(testing::level_label),
        valid_until: attempt.valid_until.map(french_date),
        retake_from: attempt.retake_from.filter(|d| *d > today()).map(french_date),
        pass_mark_percent: test.pass_mark_percent,
        corrections,
    })
}

/// What the eligibility rules read of a trainer's tests.
pub async fn results_for_rules(db: &Db, user_id: i64) -> Result<(Option<QcmPass>, Vec<PassedTest>, Vec<RetakeDelay>), AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        kind: String,
        domain_code: Option<String>,
        code: String,
        submitted_at: DateTime<Utc>,
        passed: bool,
        level: Option<String>,
        valid_until: Option<NaiveDate>,
        retake_from: Option<NaiveDate>,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.kind, t.domain_code, t.code, a.submitted_at, a.passed, a.level, a.valid_until, a.retake_from
             FROM attempts a JOIN tests t ON t.id = a.test_id
             WHERE a.user_id = $1 AND a.submitted_at IS NOT NULL ORDER BY a.submitted_at",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })?;
    let mut qcm: Option<QcmPass> = None;
    let mut passed = Vec::new();
    let mut delays = Vec::new();
    for row in rows {
        let taken_on = row.submitted_at.with_timezone(&chrono_tz::Europe::Paris).date_naive();
        let test_ref = match (TestKind::from_code(&row.kind), &row.domain_code) {
            (Some(TestKind::Qualiopi), _) => TestRef::QualiopiQcm,
            (_, Some(domain)) => TestRef::Domain(domain.clone()),
            _ => TestRef::Domain(row.code.clone()),
        };
        if !row.passed {
            if let Some(from) = row.retake_from {
                delays.push(RetakeDelay { test: test_ref, available_from: from });
            }
            continue;
        }
        let Some(valid_until) = row.valid_until else { continue };
        match test_ref {
            TestRef::QualiopiQcm => qcm = Some(QcmPass { passed_on: taken_on, valid_until }),
            TestRef::Domain(domain_code) => {
                let level = row.level.as_deref().and_then(|l| {
                    CompetenceLevel::parse(l).map(TestLevel::Competence).ok().or_else(|| Cefr::parse(l).map(TestLevel::Language).ok())
                });
                if let Some(level) = level {
                    passed.push(PassedTest { domain_code, level, taken_on, valid_until });
                }
            }
        }
    }
    Ok((qcm, passed, delays))
}
