//! A trainer's attempts: the list of tests with where they stand, starting (drawing the
//! questions), answering, submitting (scored by `domain::testing::score`) and the corrected result.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;

use super::*;
use crate::domain::eligibility::{PassedTest, QcmPass, RetakeDelay, TestLevel, TestRef};
use crate::domain::testing::{self, is_correct, questions_per_cefr_level, score, AskedQuestion, QuestionKind, TestKind, TestState};
use crate::domain::{french_date, Cefr, CompetenceLevel};
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::{now, today};
use crate::repo::competence::{self as repo, AttemptRow, AttemptScore, NewAttempt, TestRow};

/// Installed at start-up (the server calls it here).
pub use super::banks::ensure_builtin_banks;

/// Answers arriving this long after the deadline still count (network latency).
const GRACE_SECONDS: i64 = 5;

/// The caller's attempt, or `NotFound` (another trainer's id is not found either).
async fn own_attempt(db: &Db, ctx: &Ctx, attempt_id: i64) -> Result<AttemptRow, AppError> {
    repo::own_attempt(db, ctx, attempt_id).await?.ok_or(AppError::NotFound)
}

async fn test_of(db: &Db, attempt: &AttemptRow) -> Result<TestRow, AppError> {
    repo::test_by_id(db, attempt.test_id).await?.ok_or(AppError::NotFound)
}

/// Scores every attempt of the caller left open past its deadline.
async fn finalize_overdue(db: &Db, ctx: &Ctx) -> Result<(), AppError> {
    let limit = now() - Duration::seconds(GRACE_SECONDS);
    for attempt_id in repo::own_overdue_attempts(db, ctx, limit).await? {
        submit(db, ctx, attempt_id).await?;
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

/// The active tests with where the caller stands on each: the Qualiopi QCM first, then the
/// tests of the caller's domains.
pub async fn cards(db: &Db, ctx: &Ctx) -> Result<Vec<TestCard>, AppError> {
    finalize_overdue(db, ctx).await?;
    let tests = repo::all_tests(db).await?;
    let attempts = repo::own_attempts(db, ctx).await?;
    let my_domains = repo::own_domain_codes(db, ctx).await?;
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
                kind: t.kind,
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
    cards.sort_by_key(|c| (c.kind != TestKind::Qualiopi, !c.in_my_domains));
    Ok(cards)
}

/// Starts an attempt of test `code` (or returns the one in progress).
pub async fn start(db: &Db, ctx: &Ctx, code: &str) -> Result<i64, AppError> {
    finalize_overdue(db, ctx).await?;
    let test = repo::test_by_code(db, code).await?.filter(|t| t.active).ok_or(AppError::NotFound)?;
    let open_attempt = |attempts: Vec<AttemptRow>| attempts.into_iter().find(|a| a.test_id == test.id && a.submitted_at.is_none());
    let mine: Vec<AttemptRow> = repo::own_attempts(db, ctx).await?.into_iter().filter(|a| a.test_id == test.id).collect();
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
    let started_at = now();
    let attempt = NewAttempt {
        test_id: test.id,
        started_at,
        deadline_at: started_at + Duration::minutes(test.time_limit_minutes),
        drawn: &drawn,
    };
    match repo::insert_attempt(db, ctx, &attempt).await {
        Ok(id) => {
            tracing::info!(user_id = ctx.user_id, attempt_id = id, test = %test.code, "attempt started");
            Ok(id)
        }
        // A double click started the same test twice: the unique index kept one.
        Err(_) => open_attempt(repo::own_attempts(db, ctx).await?).map(|a| a.id).ok_or(AppError::Internal),
    }
}

/// Draws the questions of a new attempt, each with its options in a shuffled order.
async fn draw_questions(db: &Db, test: &TestRow) -> Result<Vec<(i64, Vec<i64>)>, AppError> {
    let (pool, options) = repo::question_pool(db, test.id).await?;
    let mut rng = rand::rng();
    let wanted = test.questions_per_attempt.max(1) as usize;
    let chosen: Vec<i64> = if test.kind == TestKind::Language {
        let mut chosen = Vec::new();
        for (level, count) in questions_per_cefr_level(wanted) {
            let mut ids: Vec<i64> = pool.iter().filter(|(_, c)| *c == Some(level)).map(|(id, _)| *id).collect();
            ids.shuffle(&mut rng);
            ids.truncate(count);
            chosen.extend(ids);
        }
        chosen
    } else {
        let mut ids: Vec<i64> = pool.iter().map(|(id, _)| *id).collect();
        ids.shuffle(&mut rng);
        ids.truncate(wanted);
        ids
    };
    Ok(chosen
        .into_iter()
        .map(|id| {
            let mut order = options.get(&id).cloned().unwrap_or_default();
            order.shuffle(&mut rng);
            (id, order)
        })
        .collect())
}

/// Message used when an attempt is over (the browser then shows the result).
pub const ATTEMPT_OVER: &str = "Ce test est terminé : consultez votre résultat.";

/// An open attempt of the caller, without its answer key.
pub async fn attempt_view(db: &Db, ctx: &Ctx, attempt_id: i64) -> Result<AttemptView, AppError> {
    finalize_overdue(db, ctx).await?;
    let attempt = own_attempt(db, ctx, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Err(AppError::Rejected(ATTEMPT_OVER.into()));
    }
    let test = test_of(db, &attempt).await?;
    let questions = repo::attempt_questions(db, attempt_id).await?;
    let options = repo::attempt_options(db, attempt_id).await?;
    let answers = repo::attempt_answers(db, attempt_id).await?;
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
                multiple: q.kind == QuestionKind::Multiple,
                prompt: q.prompt,
                options: q
                    .option_order
                    .iter()
                    .filter_map(|id| options.get(id).map(|o| OptionView { id: *id, label: o.label.clone() }))
                    .collect(),
                selected: answers.get(&q.question_id).cloned().unwrap_or_default(),
            })
            .collect(),
    })
}

/// Saves the answer to one question of an open attempt; past the deadline, scores the attempt
/// instead.
pub async fn save_answer(db: &Db, ctx: &Ctx, attempt_id: i64, question_id: i64, selected: &str) -> Result<SavedAnswer, AppError> {
    let attempt = own_attempt(db, ctx, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Err(AppError::Rejected(ATTEMPT_OVER.into()));
    }
    let at = now();
    if at > attempt.deadline_at + Duration::seconds(GRACE_SECONDS) {
        submit(db, ctx, attempt_id).await?;
        return Err(AppError::Rejected("Le temps est écoulé : cette réponse n'a pas été prise en compte, le test est terminé.".into()));
    }
    let Some((kind, valid)) = repo::drawn_question(db, attempt_id, question_id).await? else { return Err(AppError::NotFound) };
    let mut ids = testing::parse_ids(selected);
    ids.sort_unstable();
    ids.dedup();
    if ids.iter().any(|id| !valid.contains(id)) || (kind == QuestionKind::Single && ids.len() > 1) {
        return Err(AppError::Rejected("Cette réponse ne correspond pas à la question : rechargez la page.".into()));
    }
    repo::save_answer(db, attempt_id, question_id, &ids, at).await?;
    Ok(SavedAnswer { seconds_left: (attempt.deadline_at - at).num_seconds().max(0) })
}

/// Scores an attempt on the answers saved in time. Idempotent: a second call changes nothing.
pub async fn submit(db: &Db, ctx: &Ctx, attempt_id: i64) -> Result<(), AppError> {
    let attempt = own_attempt(db, ctx, attempt_id).await?;
    if attempt.submitted_at.is_some() {
        return Ok(());
    }
    let test = test_of(db, &attempt).await?;
    let questions = repo::attempt_questions(db, attempt_id).await?;
    let options = repo::attempt_options(db, attempt_id).await?;
    let answers = repo::attempt_answers(db, attempt_id).await?;
    let mut correct: HashMap<i64, Vec<i64>> = HashMap::new();
    for o in options.values().filter(|o| o.correct) {
        correct.entry(o.question_id).or_default().push(o.id);
    }
    let asked: Vec<AskedQuestion> = questions
        .iter()
        .map(|q| AskedQuestion { id: q.question_id, cefr: q.cefr, correct: correct.remove(&q.question_id).unwrap_or_default() })
        .collect();
    let scored = score(test.kind, test.pass_mark_percent as u32, &asked, &answers);
    let day = today();
    let passed = scored.outcome.passed;
    let recorded = repo::record_score(
        db,
        attempt_id,
        &AttemptScore {
            submitted_at: now(),
            correct_count: scored.correct_count as i64,
            outcome: &scored.outcome,
            valid_until: passed.then(|| testing::valid_until(day, test.validity_months as u32)),
            retake_from: (!passed).then(|| day + Duration::days(test.retake_delay_days)),
            verdicts: &scored.verdicts,
        },
    )
    .await?;
    if recorded {
        tracing::info!(user_id = ctx.user_id, attempt_id, test = %test.code, score = scored.outcome.score_percent, passed, "attempt scored");
    }
    Ok(())
}

/// The corrected result of a submitted attempt of the caller.
pub async fn result_view(db: &Db, ctx: &Ctx, attempt_id: i64) -> Result<ResultView, AppError> {
    finalize_overdue(db, ctx).await?;
    let attempt = own_attempt(db, ctx, attempt_id).await?;
    if attempt.submitted_at.is_none() {
        return Err(AppError::Rejected("Ce test est encore en cours : terminez-le pour voir le résultat.".into()));
    }
    let test = test_of(db, &attempt).await?;
    let questions = repo::attempt_questions(db, attempt_id).await?;
    let options = repo::attempt_options(db, attempt_id).await?;
    let answers = repo::attempt_answers(db, attempt_id).await?;
    let corrections = questions
        .into_iter()
        .map(|q| {
            let selected = answers.get(&q.question_id).cloned().unwrap_or_default();
            let shown: Vec<&repo::OptionRow> = q.option_order.iter().filter_map(|id| options.get(id)).collect();
            let correct_ids: Vec<i64> = shown.iter().filter(|o| o.correct).map(|o| o.id).collect();
            Correction {
                right: is_correct(&selected, &correct_ids),
                multiple: q.kind == QuestionKind::Multiple,
                options: shown
                    .iter()
                    .map(|o| CorrectedOption { label: o.label.clone(), correct: o.correct, selected: selected.contains(&o.id) })
                    .collect(),
                prompt: q.prompt,
                explanation: q.explanation,
            }
        })
        .collect();
    Ok(ResultView {
        attempt_id,
        kind: test.kind,
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
    Ok(results_from(repo::submitted_results(db, user_id).await?))
}

/// The one conversion of one trainer's submitted attempts (oldest first) into what the rules
/// read: the last passed QCM, the passed tests with their level and score, the retake delays.
pub fn results_from(rows: impl IntoIterator<Item = repo::SubmittedResult>) -> (Option<QcmPass>, Vec<PassedTest>, Vec<RetakeDelay>) {
    let mut qcm: Option<QcmPass> = None;
    let mut passed = Vec::new();
    let mut delays = Vec::new();
    for row in rows {
        let taken_on = row.submitted_at.with_timezone(&chrono_tz::Europe::Paris).date_naive();
        let test_ref = match (row.kind, &row.domain_code) {
            (TestKind::Qualiopi, _) => TestRef::QualiopiQcm,
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
                    let score_percent = row.score_percent.and_then(|p| u8::try_from(p.clamp(0, 100)).ok());
                    passed.push(PassedTest { domain_code, level, taken_on, valid_until, score_percent });
                }
            }
        }
    }
    (qcm, passed, delays)
}
