//! Question banks on the staff side: the built-in banks installed at start-up, each test's
//! bank with its success rates, settings, question edits, JSON import and export.

use super::staff::{BankView, StaffOption, StaffQuestion, TestStats};
use crate::domain::forms::competence::{question_errors, BankImport, ImportMode, TestSettings};
use crate::domain::testing::{check_bank, BankFile, BankOption, BankQuestion, TestKind};
use crate::error::AppError;
use crate::infra::db::Db;
use crate::repo::competence::{self as repo, Retire};

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
        if !repo::test_exists(db, &bank.code).await? && repo::create_test(db, &bank).await?.is_some() {
            tracing::info!(code = %bank.code, questions = bank.questions.len(), "question bank installed");
        }
    }
    Ok(())
}

fn rate(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part * 100 / whole)
}

/// Every test with its question counts and pass rate.
pub async fn overview(db: &Db) -> Result<Vec<TestStats>, AppError> {
    Ok(repo::overview(db)
        .await?
        .into_iter()
        .map(|r| TestStats {
            kind: r.kind,
            code: r.code,
            title: r.title,
            questions_active: r.questions_active,
            questions_total: r.questions_total,
            attempts: r.attempts,
            pass_rate: rate(r.passed, r.attempts),
        })
        .collect())
}

/// A test's bank, every question with its success rate.
pub async fn bank(db: &Db, code: &str) -> Result<BankView, AppError> {
    let test = repo::test_by_code(db, code).await?.ok_or(AppError::NotFound)?;
    let questions = repo::bank_questions(db, test.id).await?;
    let (attempts, passed) = repo::pass_counts(db, test.id).await?;
    Ok(BankView {
        kind: test.kind,
        code: test.code,
        title: test.title,
        questions_per_attempt: test.questions_per_attempt,
        time_limit_minutes: test.time_limit_minutes,
        pass_mark_percent: test.pass_mark_percent,
        validity_months: test.validity_months,
        retake_delay_days: test.retake_delay_days,
        attempts,
        pass_rate: rate(passed, attempts),
        questions: questions
            .into_iter()
            .map(|q| StaffQuestion {
                id: q.id,
                multiple: q.kind == crate::domain::testing::QuestionKind::Multiple,
                options: q.options.into_iter().map(|(label, correct)| StaffOption { label, correct }).collect(),
                prompt: q.prompt,
                topic: q.topic,
                cefr: q.cefr,
                explanation: q.explanation,
                active: q.active,
                asked: q.asked,
                success_rate: rate(q.right, q.asked),
            })
            .collect(),
    })
}

pub async fn save_settings(db: &Db, code: &str, settings: &TestSettings) -> Result<(), AppError> {
    if repo::update_settings(db, code, settings).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Creates (`question_id` 0) or edits a question. A question already asked is retired and
/// replaced, so that past corrections keep the wording trainers saw.
pub async fn save_question(db: &Db, code: &str, question_id: i64, question: BankQuestion) -> Result<(), AppError> {
    let test = repo::test_by_code(db, code).await?.ok_or(AppError::NotFound)?;
    question_errors(&question, test.kind == TestKind::Language)?;
    if question_id == 0 {
        return Ok(repo::add_questions(db, test.id, &[question], Retire::Nothing).await?);
    }
    match repo::times_asked(db, test.id, question_id).await? {
        None => Err(AppError::NotFound),
        Some(0) => Ok(repo::rewrite_question(db, question_id, &question).await?),
        Some(_) => Ok(repo::add_questions(db, test.id, &[question], Retire::One(question_id)).await?),
    }
}

pub async fn set_active(db: &Db, question_id: i64, active: bool) -> Result<(), AppError> {
    if repo::set_question_active(db, question_id, active).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The bank as JSON, active questions first (the import format).
pub async fn export(db: &Db, code: &str) -> Result<BankFile, AppError> {
    let test = repo::test_by_code(db, code).await?.ok_or(AppError::NotFound)?;
    let questions = repo::bank_questions(db, test.id).await?;
    Ok(BankFile {
        code: test.code,
        kind: test.kind.code().to_string(),
        domain_code: test.domain_code,
        title: test.title,
        description: test.description,
        questions_per_attempt: test.questions_per_attempt,
        time_limit_minutes: test.time_limit_minutes,
        pass_mark_percent: test.pass_mark_percent,
        validity_months: test.validity_months,
        retake_delay_days: test.retake_delay_days,
        questions: questions
            .into_iter()
            .map(|q| BankQuestion {
                kind: q.kind.code().to_string(),
                prompt: q.prompt,
                options: q.options.into_iter().map(|(label, correct)| BankOption { label, correct }).collect(),
                explanation: q.explanation,
                topic: q.topic,
                cefr: q.cefr,
                active: q.active,
            })
            .collect(),
    })
}

/// Imports a checked bank: a new test, or questions added to (or replacing those of) the
/// test it is imported into. Returns the French confirmation.
pub async fn import(db: &Db, import: BankImport) -> Result<String, AppError> {
    let BankImport { code, mode, kind, bank } = import;
    match repo::test_by_code(db, &code).await? {
        None if code.trim().is_empty() || code == bank.code => {
            if repo::test_exists(db, &bank.code).await? {
                return Err(AppError::field("file", format!("Le test « {} » existe déjà : importez depuis sa page.", bank.code)));
            }
            repo::create_test(db, &bank).await?;
            Ok(format!("Test « {} » créé avec {} question(s).", bank.title, bank.questions.len()))
        }
        None => Err(AppError::NotFound),
        Some(test) => {
            if test.kind != kind {
                return Err(AppError::field("file", "Ce fichier est d'un autre type de test."));
            }
            let (retire, how) = match mode {
                ImportMode::Replace => (Retire::All, "remplacent les anciennes (retirées)"),
                ImportMode::Add => (Retire::Nothing, "ajoutées"),
            };
            repo::add_questions(db, test.id, &bank.questions, retire).await?;
            Ok(format!("{} question(s) {how}.", bank.questions.len()))
        }
    }
}

/// Reads the multipart fields of an import (`code`, `mode`, `file`, at most 5 MB).
pub async fn read_import(mut multipart: multer::Multipart<'static>) -> Result<BankImport, AppError> {
    use crate::domain::forms::competence::ImportFields;
    let mut fields = ImportFields { mode: "ajouter".into(), ..ImportFields::default() };
    let broken = |_| AppError::field("file", "L'envoi du fichier a été interrompu : réessayez.");
    while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
        match field.name() {
            Some("code") => fields.code = field.text().await.map_err(broken)?,
            Some("mode") => fields.mode = field.text().await.map_err(broken)?,
            Some("file") => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    if bytes.len() + chunk.len() > 5 * 1024 * 1024 {
                        return Err(AppError::field("file", "Le fichier dépasse 5 Mo."));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                fields.file = Some(bytes);
            }
            _ => {}
        }
    }
    Ok(BankImport::try_from(fields)?)
}
