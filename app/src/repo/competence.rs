//! Competence tests: tests and their banks (questions, options), attempts, answers, results.
//! Correct answers leave this module in the options of an attempt (for scoring and for the
//! correction of a submitted attempt) and in the staff bank editor.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::testing::{join_ids, parse_ids, BankFile, BankQuestion, Outcome, QuestionKind, TestKind};
use crate::domain::forms::competence::TestSettings;
use crate::domain::Cefr;
use crate::guard::Ctx;
use crate::infra::db::{Arg, Db};
use crate::infra::time::now;
use crate::{fetch_all_with, on_db, write_tx};

// ---------------------------------------------------------------------------------------------
// Tests

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TestRow {
    pub id: i64,
    pub code: String,
    pub kind: TestKind,
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

const TEST_COLUMNS: &str = "id, code, kind, domain_code, title, description, questions_per_attempt, time_limit_minutes,
    pass_mark_percent, validity_months, retake_delay_days, active";

/// Every test, the Qualiopi QCM first, then by title.
pub async fn all_tests(db: &Db) -> Result<Vec<TestRow>, sqlx::Error> {
    let sql = format!("SELECT {TEST_COLUMNS} FROM tests ORDER BY CASE kind WHEN $1 THEN 0 ELSE 1 END, title");
    on_db!(db, |pool| sqlx::query_as::<_, TestRow>(&sql).bind(TestKind::Qualiopi).fetch_all(pool).await)
}

pub async fn test_by_code(db: &Db, code: &str) -> Result<Option<TestRow>, sqlx::Error> {
    let sql = format!("SELECT {TEST_COLUMNS} FROM tests WHERE code = $1");
    on_db!(db, |pool| sqlx::query_as::<_, TestRow>(&sql).bind(code).fetch_optional(pool).await)
}

pub async fn test_by_id(db: &Db, id: i64) -> Result<Option<TestRow>, sqlx::Error> {
    let sql = format!("SELECT {TEST_COLUMNS} FROM tests WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as::<_, TestRow>(&sql).bind(id).fetch_optional(pool).await)
}

pub async fn test_exists(db: &Db, code: &str) -> Result<bool, sqlx::Error> {
    let id: Option<i64> =
        on_db!(db, |pool| sqlx::query_scalar("SELECT id FROM tests WHERE code = $1").bind(code).fetch_optional(pool).await)?;
    Ok(id.is_some())
}

/// Inserts questions and their options inside a transaction (`write_tx!` compiles it for both
/// backends).
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
            insert_options!($tx, question_id, &q.options);
        }
    };
}

macro_rules! insert_options {
    ($tx:ident, $question_id:expr, $options:expr) => {
        for (i, o) in $options.iter().enumerate() {
            sqlx::query("INSERT INTO question_options (question_id, position, label, correct) VALUES ($1, $2, $3, $4)")
                .bind($question_id)
                .bind(i as i64)
                .bind(o.label.trim())
                .bind(o.correct)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// Creates a test with its questions (a checked bank). `None` when the code is taken (another
/// node installed it at the same moment).
pub async fn create_test(db: &Db, bank: &BankFile) -> Result<Option<i64>, sqlx::Error> {
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
        let Some(test_id) = test_id else { return Ok(None) };
        insert_questions!(tx, test_id, &bank.questions, at);
        Ok::<_, sqlx::Error>(Some(test_id))
    })
}

/// Sets a test's settings; `false` when no test has that code.
pub async fn update_settings(db: &Db, code: &str, s: &TestSettings) -> Result<bool, sqlx::Error> {
    let updated = on_db!(db, |pool| {
        sqlx::query(
            "UPDATE tests SET questions_per_attempt = $1, time_limit_minutes = $2, pass_mark_percent = $3,
                validity_months = $4, retake_delay_days = $5 WHERE code = $6",
        )
        .bind(s.questions_per_attempt)
        .bind(s.time_limit_minutes)
        .bind(s.pass_mark_percent)
        .bind(s.validity_months)
        .bind(s.retake_delay_days)
        .bind(code)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(updated > 0)
}

// ---------------------------------------------------------------------------------------------
// Questions, as staff edit them

/// Which questions to retire when adding new ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retire {
    Nothing,
    /// The question being replaced by a new version.
    One(i64),
    /// Every question of the test (an import that replaces the bank).
    All,
}

/// Adds `questions` to a test, retiring `retire` in the same transaction.
pub async fn add_questions(db: &Db, test_id: i64, questions: &[BankQuestion], retire: Retire) -> Result<(), sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        match retire {
            Retire::Nothing => {}
            Retire::One(id) => {
                sqlx::query("UPDATE questions SET active = FALSE WHERE id = $1 AND test_id = $2").bind(id).bind(test_id).execute(&mut *tx).await?;
            }
            Retire::All => {
                sqlx::query("UPDATE questions SET active = FALSE WHERE test_id = $1").bind(test_id).execute(&mut *tx).await?;
            }
        }
        insert_questions!(tx, test_id, questions, at);
        Ok::<(), sqlx::Error>(())
    })
}

/// How often a question was drawn, and whether it belongs to the test: `None` when it does not.
pub async fn times_asked(db: &Db, test_id: i64, question_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let (asked, belongs): (i64, i64) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM attempt_questions WHERE question_id = $1),
                    (SELECT COUNT(*) FROM questions WHERE id = $1 AND test_id = $2)",
        )
        .bind(question_id)
        .bind(test_id)
        .fetch_one(pool)
        .await
    })?;
    Ok((belongs > 0).then_some(asked))
}

/// Rewrites a question never asked, and its options.
pub async fn rewrite_question(db: &Db, question_id: i64, question: &BankQuestion) -> Result<(), sqlx::Error> {
    write_tx!(db, |tx| {
        sqlx::query("UPDATE questions SET kind = $1, prompt = $2, explanation = $3, topic = $4, cefr = $5 WHERE id = $6")
            .bind(&question.kind)
            .bind(question.prompt.trim())
            .bind(question.explanation.trim())
            .bind(question.topic.trim())
            .bind(&question.cefr)
            .bind(question_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM question_options WHERE question_id = $1").bind(question_id).execute(&mut *tx).await?;
        insert_options!(tx, question_id, &question.options);
        Ok::<(), sqlx::Error>(())
    })
}

/// Retires or reactivates a question; `false` when it does not exist.
pub async fn set_question_active(db: &Db, question_id: i64, active: bool) -> Result<bool, sqlx::Error> {
    let updated = on_db!(db, |pool| {
        sqlx::query("UPDATE questions SET active = $1 WHERE id = $2").bind(active).bind(question_id).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(updated > 0)
}

/// One test with its counts, for the staff overview.
#[derive(sqlx::FromRow)]
pub struct TestOverviewRow {
    pub code: String,
    pub title: String,
    pub kind: TestKind,
    pub questions_active: i64,
    pub questions_total: i64,
    pub attempts: i64,
    pub passed: i64,
}

pub async fn overview(db: &Db) -> Result<Vec<TestOverviewRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.code, t.title, t.kind,
                (SELECT COUNT(*) FROM questions q WHERE q.test_id = t.id AND q.active = TRUE) AS questions_active,
                (SELECT COUNT(*) FROM questions q WHERE q.test_id = t.id) AS questions_total,
                (SELECT COUNT(*) FROM attempts a WHERE a.test_id = t.id AND a.submitted_at IS NOT NULL) AS attempts,
                (SELECT COUNT(*) FROM attempts a WHERE a.test_id = t.id AND a.passed = TRUE) AS passed
             FROM tests t ORDER BY CASE t.kind WHEN $1 THEN 0 ELSE 1 END, t.title",
        )
        .bind(TestKind::Qualiopi)
        .fetch_all(pool)
        .await
    })
}

/// A question of a bank with its success figures and its options (label, correct).
pub struct BankQuestionRow {
    pub id: i64,
    pub kind: QuestionKind,
    pub prompt: String,
    pub topic: String,
    pub cefr: Option<String>,
    pub explanation: String,
    pub active: bool,
    pub asked: i64,
    pub right: i64,
    pub options: Vec<(String, bool)>,
}

/// Every question of a test, active ones first, with its options.
pub async fn bank_questions(db: &Db, test_id: i64) -> Result<Vec<BankQuestionRow>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        kind: QuestionKind,
        prompt: String,
        topic: String,
        cefr: Option<String>,
        explanation: String,
        active: bool,
        asked: i64,
        right: i64,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT q.id, q.kind, q.prompt, q.topic, q.cefr, q.explanation, q.active,
                (SELECT COUNT(*) FROM attempt_questions aq JOIN attempts a ON a.id = aq.attempt_id
                    WHERE aq.question_id = q.id AND a.submitted_at IS NOT NULL) AS asked,
                (SELECT COUNT(*) FROM attempt_answers aa WHERE aa.question_id = q.id AND aa.is_correct = TRUE) AS \"right\"
             FROM questions q WHERE q.test_id = $1 ORDER BY q.active DESC, q.cefr, q.id",
        )
        .bind(test_id)
        .fetch_all(pool)
        .await
    })?;
    let options: Vec<(i64, String, bool)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT o.question_id, o.label, o.correct FROM question_options o JOIN questions q ON q.id = o.question_id
             WHERE q.test_id = $1 ORDER BY o.question_id, o.position",
        )
        .bind(test_id)
        .fetch_all(pool)
        .await
    })?;
    let mut by_question: HashMap<i64, Vec<(String, bool)>> = HashMap::new();
    for (question_id, label, correct) in options {
        by_question.entry(question_id).or_default().push((label, correct));
    }
    Ok(rows
        .into_iter()
        .map(|r| BankQuestionRow {
            options: by_question.remove(&r.id).unwrap_or_default(),
            id: r.id,
            kind: r.kind,
            prompt: r.prompt,
            topic: r.topic,
            cefr: r.cefr,
            explanation: r.explanation,
            active: r.active,
            asked: r.asked,
            right: r.right,
        })
        .collect())
}

/// Submitted attempts of a test, and how many passed.
pub async fn pass_counts(db: &Db, test_id: i64) -> Result<(i64, i64), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN passed = TRUE THEN 1 ELSE 0 END), 0) FROM attempts
             WHERE test_id = $1 AND submitted_at IS NOT NULL",
        )
        .bind(test_id)
        .fetch_one(pool)
        .await
    })
}

// ---------------------------------------------------------------------------------------------
// Attempts: always the caller's own (`Ctx`)

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: i64,
    pub test_id: i64,
    pub deadline_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub question_count: i64,
    pub correct_count: Option<i64>,
    pub score_percent: Option<i64>,
    pub passed: Option<bool>,
    pub level: Option<String>,
    pub valid_until: Option<NaiveDate>,
    pub retake_from: Option<NaiveDate>,
}

const ATTEMPT_COLUMNS: &str = "id, test_id, deadline_at, submitted_at, question_count, correct_count,
    score_percent, passed, level, valid_until, retake_from";

/// The caller's attempts, newest first.
pub async fn own_attempts(db: &Db, ctx: &Ctx) -> Result<Vec<AttemptRow>, sqlx::Error> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 ORDER BY started_at DESC, id DESC");
    on_db!(db, |pool| sqlx::query_as::<_, AttemptRow>(&sql).bind(ctx.user_id).fetch_all(pool).await)
}

/// The caller's attempt `attempt_id` (another trainer's attempt is not found).
pub async fn own_attempt(db: &Db, ctx: &Ctx, attempt_id: i64) -> Result<Option<AttemptRow>, sqlx::Error> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = $1 AND user_id = $2");
    on_db!(db, |pool| sqlx::query_as::<_, AttemptRow>(&sql).bind(attempt_id).bind(ctx.user_id).fetch_optional(pool).await)
}

/// The caller's attempts still open although their deadline passed before `limit`.
pub async fn own_overdue_attempts(db: &Db, ctx: &Ctx, limit: DateTime<Utc>) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM attempts WHERE user_id = $1 AND submitted_at IS NULL AND deadline_at < $2")
            .bind(ctx.user_id)
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}

/// The domains the caller teaches (declared in PARCOURS), to sort their tests first.
pub async fn own_domain_codes(db: &Db, ctx: &Ctx) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT domain_code FROM trainer_domains WHERE user_id = $1").bind(ctx.user_id).fetch_all(pool).await
    })
}

/// The active questions a test draws from: (id, CEFR level) and, per question, its option ids
/// in their written order.
pub async fn question_pool(db: &Db, test_id: i64) -> Result<(Vec<(i64, Option<Cefr>)>, HashMap<i64, Vec<i64>>), sqlx::Error> {
    let questions: Vec<(i64, Option<Cefr>)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, cefr FROM questions WHERE test_id = $1 AND active = TRUE").bind(test_id).fetch_all(pool).await
    })?;
    let options: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT o.question_id, o.id FROM question_options o JOIN questions q ON q.id = o.question_id
             WHERE q.test_id = $1 AND q.active = TRUE ORDER BY o.question_id, o.position",
        )
        .bind(test_id)
        .fetch_all(pool)
        .await
    })?;
    let mut by_question: HashMap<i64, Vec<i64>> = HashMap::new();
    for (question_id, option_id) in options {
        by_question.entry(question_id).or_default().push(option_id);
    }
    Ok((questions, by_question))
}

/// A new attempt of the caller.
pub struct NewAttempt<'a> {
    pub test_id: i64,
    pub started_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    /// The questions drawn, each with its options in the order shown.
    pub drawn: &'a [(i64, Vec<i64>)],
}

/// Starts an attempt of the caller with its drawn questions. Fails when one is already open
/// (a unique index keeps one open attempt per test and trainer).
pub async fn insert_attempt(db: &Db, ctx: &Ctx, attempt: &NewAttempt<'_>) -> Result<i64, sqlx::Error> {
    let user_id = ctx.user_id;
    write_tx!(db, |tx| {
        let attempt_id: i64 = sqlx::query_scalar(
            "INSERT INTO attempts (test_id, user_id, started_at, deadline_at, question_count) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(attempt.test_id)
        .bind(user_id)
        .bind(attempt.started_at)
        .bind(attempt.deadline_at)
        .bind(attempt.drawn.len() as i64)
        .fetch_one(&mut *tx)
        .await?;
        for (position, (question_id, option_order)) in attempt.drawn.iter().enumerate() {
            sqlx::query("INSERT INTO attempt_questions (attempt_id, position, question_id, option_order) VALUES ($1, $2, $3, $4)")
                .bind(attempt_id)
                .bind(position as i64)
                .bind(question_id)
                .bind(join_ids(option_order))
                .execute(&mut *tx)
                .await?;
        }
        Ok::<i64, sqlx::Error>(attempt_id)
    })
}

/// A question of an attempt, in the attempt's order.
pub struct AttemptQuestionRow {
    pub question_id: i64,
    /// Its option ids in the order shown.
    pub option_order: Vec<i64>,
    pub kind: QuestionKind,
    pub prompt: String,
    pub explanation: String,
    pub cefr: Option<Cefr>,
}

/// The questions of an attempt (the caller's attempt: checked by `own_attempt` first).
pub async fn attempt_questions(db: &Db, attempt_id: i64) -> Result<Vec<AttemptQuestionRow>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        question_id: i64,
        option_order: String,
        kind: QuestionKind,
        prompt: String,
        explanation: String,
        cefr: Option<Cefr>,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT aq.question_id, aq.option_order, q.kind, q.prompt, q.explanation, q.cefr
             FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
             WHERE aq.attempt_id = $1 ORDER BY aq.position",
        )
        .bind(attempt_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| AttemptQuestionRow {
            question_id: r.question_id,
            option_order: parse_ids(&r.option_order),
            kind: r.kind,
            prompt: r.prompt,
            explanation: r.explanation,
            cefr: r.cefr,
        })
        .collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OptionRow {
    pub id: i64,
    pub question_id: i64,
    pub label: String,
    pub correct: bool,
}

/// The options of an attempt's questions, by option id.
pub async fn attempt_options(db: &Db, attempt_id: i64) -> Result<HashMap<i64, OptionRow>, sqlx::Error> {
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

/// The answers saved for an attempt: question id → selected option ids.
pub async fn attempt_answers(db: &Db, attempt_id: i64) -> Result<HashMap<i64, Vec<i64>>, sqlx::Error> {
    let rows: Vec<(i64, String)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT question_id, selected FROM attempt_answers WHERE attempt_id = $1").bind(attempt_id).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|(q, s)| (q, parse_ids(&s))).collect())
}

/// The kind and option ids of a question of an attempt; `None` when the attempt did not draw it.
pub async fn drawn_question(db: &Db, attempt_id: i64, question_id: i64) -> Result<Option<(QuestionKind, Vec<i64>)>, sqlx::Error> {
    let kind: Option<QuestionKind> = on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT q.kind FROM attempt_questions aq JOIN questions q ON q.id = aq.question_id
             WHERE aq.attempt_id = $1 AND aq.question_id = $2",
        )
        .bind(attempt_id)
        .bind(question_id)
        .fetch_optional(pool)
        .await
    })?;
    let Some(kind) = kind else { return Ok(None) };
    let options: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM question_options WHERE question_id = $1").bind(question_id).fetch_all(pool).await
    })?;
    Ok(Some((kind, options)))
}

/// Saves (or replaces) the answer to one question.
pub async fn save_answer(db: &Db, attempt_id: i64, question_id: i64, selected: &[i64], at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let list = join_ids(selected);
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
    Ok(())
}

/// The result of a scored attempt, as recorded.
pub struct AttemptScore<'a> {
    pub submitted_at: DateTime<Utc>,
    pub correct_count: i64,
    pub outcome: &'a Outcome,
    pub valid_until: Option<NaiveDate>,
    pub retake_from: Option<NaiveDate>,
    /// (question id, right) of each answered question.
    pub verdicts: &'a [(i64, bool)],
}

/// Records the score of an open attempt; `false` when it was already scored (a second call
/// changes nothing).
pub async fn record_score(db: &Db, attempt_id: i64, score: &AttemptScore<'_>) -> Result<bool, sqlx::Error> {
    write_tx!(db, |tx| {
        let updated = sqlx::query(
            "UPDATE attempts SET submitted_at = $1, correct_count = $2, score_percent = $3, passed = $4, level = $5,
                valid_until = $6, retake_from = $7
             WHERE id = $8 AND submitted_at IS NULL",
        )
        .bind(score.submitted_at)
        .bind(score.correct_count)
        .bind(i64::from(score.outcome.score_percent))
        .bind(score.outcome.passed)
        .bind(&score.outcome.level)
        .bind(score.valid_until)
        .bind(score.retake_from)
        .bind(attempt_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 1 {
            for (question_id, right) in score.verdicts {
                sqlx::query("UPDATE attempt_answers SET is_correct = $1 WHERE attempt_id = $2 AND question_id = $3")
                    .bind(*right)
                    .bind(attempt_id)
                    .bind(question_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok::<bool, sqlx::Error>(updated == 1)
    })
}

/// A submitted attempt, as the eligibility rules read it.
#[derive(sqlx::FromRow)]
pub struct SubmittedResult {
    pub user_id: i64,
    pub kind: TestKind,
    pub domain_code: Option<String>,
    pub code: String,
    pub submitted_at: DateTime<Utc>,
    pub passed: bool,
    pub level: Option<String>,
    pub score_percent: Option<i64>,
    pub valid_until: Option<NaiveDate>,
    pub retake_from: Option<NaiveDate>,
}

const SUBMITTED_SELECT: &str = "SELECT a.user_id, t.kind, t.domain_code, t.code, a.submitted_at, a.passed, a.level, a.score_percent,
    a.valid_until, a.retake_from FROM attempts a JOIN tests t ON t.id = a.test_id";

/// Every submitted attempt of a trainer, oldest first (the trainer's own facts, or staff
/// reviewing them: the server function's guard checked who asks).
pub async fn submitted_results(db: &Db, user_id: i64) -> Result<Vec<SubmittedResult>, sqlx::Error> {
    let sql = format!("{SUBMITTED_SELECT} WHERE a.user_id = $1 AND a.submitted_at IS NOT NULL ORDER BY a.submitted_at");
    on_db!(db, |pool| sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await)
}

/// The submitted attempts of many trainers (staff ranking), oldest first for each.
pub async fn submitted_results_of(db: &Db, users: &[i64]) -> Result<Vec<SubmittedResult>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in users.chunks(500) {
        let holders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{SUBMITTED_SELECT} WHERE a.user_id IN ({}) AND a.submitted_at IS NOT NULL ORDER BY a.user_id, a.submitted_at",
            holders.join(", ")
        );
        let args: Vec<Arg> = chunk.iter().map(|id| Arg::Int(*id)).collect();
        out.extend(fetch_all_with!(db, SubmittedResult, &sql, &args)?);
    }
    Ok(out)
}
