//! Typed forms of the competence area: a test's settings, a question of a bank, a bank import.

use serde::{Deserialize, Serialize};

use crate::domain::form::{limit, ticked, FieldErrors};
use crate::domain::testing::{check_bank, question_problems, BankFile, BankOption, BankQuestion, TestKind};

/// A test's settings, as typed by staff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSettingsForm {
    pub questions_per_attempt: String,
    pub time_limit_minutes: String,
    pub pass_mark_percent: String,
    pub validity_months: String,
    pub retake_delay_days: String,
}

/// Valid settings of a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestSettings {
    pub questions_per_attempt: i64,
    pub time_limit_minutes: i64,
    pub pass_mark_percent: i64,
    pub validity_months: i64,
    pub retake_delay_days: i64,
}

/// A whole number between `min` and `max`, or an error on `field`.
fn number_between(errors: &mut FieldErrors, field: &str, raw: &str, min: i64, max: i64) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => v,
        _ => {
            errors.add(field, format!("Saisissez un nombre entre {min} et {max}."));
            0
        }
    }
}

impl TryFrom<TestSettingsForm> for TestSettings {
    type Error = FieldErrors;

    fn try_from(form: TestSettingsForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let settings = TestSettings {
            questions_per_attempt: number_between(&mut errors, "questions_per_attempt", &form.questions_per_attempt, 1, 200),
            time_limit_minutes: number_between(&mut errors, "time_limit_minutes", &form.time_limit_minutes, 1, 240),
            pass_mark_percent: number_between(&mut errors, "pass_mark_percent", &form.pass_mark_percent, 1, 100),
            validity_months: number_between(&mut errors, "validity_months", &form.validity_months, 1, 60),
            retake_delay_days: number_between(&mut errors, "retake_delay_days", &form.retake_delay_days, 0, 365),
        };
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }
}

/// A question of a bank, as typed by staff: up to five proposed answers, the right ones ticked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionForm {
    pub kind: String,
    pub prompt: String,
    pub topic: String,
    pub cefr: String,
    pub explanation: String,
    pub option_1: String,
    pub option_2: String,
    pub option_3: String,
    pub option_4: String,
    pub option_5: String,
    #[serde(default)]
    pub correct_1: Option<String>,
    #[serde(default)]
    pub correct_2: Option<String>,
    #[serde(default)]
    pub correct_3: Option<String>,
    #[serde(default)]
    pub correct_4: Option<String>,
    #[serde(default)]
    pub correct_5: Option<String>,
}

/// The question typed, with its blank answers dropped; valid for any test but a language test
/// (whose questions also need a CEFR level: the server checks it, knowing the test).
impl TryFrom<QuestionForm> for BankQuestion {
    type Error = FieldErrors;

    fn try_from(form: QuestionForm) -> Result<Self, FieldErrors> {
        let mut long = FieldErrors::new();
        limit(&mut long, "prompt", &form.prompt, 2000);
        limit(&mut long, "explanation", &form.explanation, 4000);
        limit(&mut long, "topic", &form.topic, 200);
        for (field, option) in [("option_1", &form.option_1), ("option_2", &form.option_2), ("option_3", &form.option_3), ("option_4", &form.option_4), ("option_5", &form.option_5)] {
            limit(&mut long, field, option, 500);
        }
        if !long.is_empty() {
            return Err(long);
        }
        let options = [
            (form.option_1, ticked(&form.correct_1)),
            (form.option_2, ticked(&form.correct_2)),
            (form.option_3, ticked(&form.correct_3)),
            (form.option_4, ticked(&form.correct_4)),
            (form.option_5, ticked(&form.correct_5)),
        ];
        let question = BankQuestion {
            kind: form.kind,
            prompt: form.prompt,
            options: options
                .into_iter()
                .filter(|(label, _)| !label.trim().is_empty())
                .map(|(label, correct)| BankOption { label: label.trim().to_string(), correct })
                .collect(),
            explanation: form.explanation,
            topic: form.topic,
            cefr: Some(form.cefr.trim().to_string()).filter(|c| !c.is_empty()),
            active: true,
        };
        question_errors(&question, false).map(|()| question)
    }
}

/// The problems of a question as field errors ("Question invalide : …").
pub fn question_errors(question: &BankQuestion, language_test: bool) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for (field, problem) in question_problems(question, language_test) {
        errors.add(field, format!("Question invalide : {problem}."));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// What the imported questions do to the test's current ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// They are added to the current questions ("ajouter", the default).
    Add,
    /// They replace them: the current ones are retired, not deleted ("remplacer").
    Replace,
}

/// The fields of a bank import (a multipart form: `code`, `mode`, `file`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportFields {
    /// The test imported into; empty to create a new test.
    pub code: String,
    pub mode: String,
    pub file: Option<Vec<u8>>,
}

/// A valid bank import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankImport {
    pub code: String,
    pub mode: ImportMode,
    pub kind: TestKind,
    pub bank: BankFile,
}

impl TryFrom<ImportFields> for BankImport {
    type Error = FieldErrors;

    fn try_from(fields: ImportFields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mode = if fields.mode == "remplacer" { ImportMode::Replace } else { ImportMode::Add };
        let Some(bytes) = fields.file.filter(|b| !b.is_empty()) else {
            errors.add("file", "Choisissez un fichier JSON.");
            return Err(errors);
        };
        let bank: BankFile = match serde_json::from_slice(&bytes) {
            Ok(bank) => bank,
            Err(e) => {
                errors.add("file", format!("Ce fichier n'est pas une banque de questions valide (JSON) : {e}."));
                return Err(errors);
            }
        };
        match check_bank(&bank) {
            Ok(kind) => Ok(BankImport { code: fields.code, mode, kind, bank }),
            Err(e) => {
                errors.add("file", format!("Banque refusée : {e}."));
                Err(errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> TestSettingsForm {
        TestSettingsForm {
            questions_per_attempt: "20".into(),
            time_limit_minutes: " 30 ".into(),
            pass_mark_percent: "70".into(),
            validity_months: "12".into(),
            retake_delay_days: "0".into(),
        }
    }

    #[test]
    fn settings_are_read_and_every_bad_number_reported() {
        let ok = TestSettings::try_from(settings()).unwrap();
        assert_eq!((ok.time_limit_minutes, ok.retake_delay_days), (30, 0));
        let bad = TestSettingsForm { questions_per_attempt: "0".into(), pass_mark_percent: "abc".into(), retake_delay_days: "400".into(), ..settings() };
        let errors = TestSettings::try_from(bad).unwrap_err();
        for field in ["questions_per_attempt", "pass_mark_percent", "retake_delay_days"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(errors.get("time_limit_minutes").is_none());
        assert_eq!(errors.get("pass_mark_percent"), Some("Saisissez un nombre entre 1 et 100."));
    }

    fn question() -> QuestionForm {
        QuestionForm {
            kind: "single".into(),
            prompt: "Nouvelle formulation ?".into(),
            option_1: "Oui".into(),
            option_2: " Non ".into(),
            correct_1: Some("on".into()),
            ..QuestionForm::default()
        }
    }

    #[test]
    fn a_question_keeps_its_filled_answers_and_their_ticks() {
        let q = BankQuestion::try_from(question()).unwrap();
        assert_eq!(q.options, vec![BankOption { label: "Oui".into(), correct: true }, BankOption { label: "Non".into(), correct: false }]);
        assert_eq!(q.cefr, None);
    }

    #[test]
    fn every_problem_of_a_question_is_reported_at_once() {
        let bad = QuestionForm { prompt: " ".into(), cefr: "Z1".into(), correct_1: None, ..question() };
        let errors = BankQuestion::try_from(bad).unwrap_err();
        assert!(errors.get("prompt").is_some());
        assert!(errors.get("option_1").is_some_and(|m| m.contains("exactement une bonne réponse")), "{errors:?}");
        assert!(errors.get("cefr").is_some());
        let language = BankQuestion::try_from(question()).unwrap();
        assert!(question_errors(&language, true).unwrap_err().get("cefr").is_some());
    }

    #[test]
    fn an_import_needs_a_valid_bank_file() {
        let missing = BankImport::try_from(ImportFields::default()).unwrap_err();
        assert_eq!(missing.get("file"), Some("Choisissez un fichier JSON."));
        let broken = BankImport::try_from(ImportFields { file: Some(b"{\"code\": 3".to_vec()), ..ImportFields::default() }).unwrap_err();
        assert!(broken.get("file").is_some_and(|m| m.contains("JSON")));
        let bank = r#"{"code": "t", "kind": "domain", "title": "T", "questions_per_attempt": 1, "time_limit_minutes": 5,
            "pass_mark_percent": 50, "questions": [{"kind": "single", "prompt": "?", "options": [{"label": "a", "correct": true}, {"label": "b", "correct": false}]}]}"#;
        let import = BankImport::try_from(ImportFields { code: "t".into(), mode: "remplacer".into(), file: Some(bank.as_bytes().to_vec()) }).unwrap();
        assert_eq!((import.mode, import.kind, import.bank.validity_months), (ImportMode::Replace, TestKind::Domain, 12));
    }
}
