//! Competence tests: the bank file format and its rules, scoring, score-to-level mapping, CEFR
//! placement and a result's state. Pure: no I/O.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::{add_months, french_date};
use super::values::{Cefr, CompetenceLevel};

/// What a test measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TestKind {
    /// The Qualiopi QCM: pass or fail, no level.
    Qualiopi,
    /// A domain test: the score gives a competence level.
    Domain,
    /// A language test: questions tagged by CEFR level place the trainer from A1 to C2.
    Language,
}

impl TestKind {
    pub fn code(self) -> &'static str {
        match self {
            TestKind::Qualiopi => "qualiopi",
            TestKind::Domain => "domain",
            TestKind::Language => "language",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "qualiopi" => Some(TestKind::Qualiopi),
            "domain" => Some(TestKind::Domain),
            "language" => Some(TestKind::Language),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TestKind::Qualiopi => "QCM Qualiopi",
            TestKind::Domain => "Test de compétences",
            TestKind::Language => "Test de langue",
        }
    }
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QuestionKind {
    /// Exactly one correct option.
    Single,
    /// At least one correct and one wrong option.
    Multiple,
}

impl QuestionKind {
    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "single" => Some(QuestionKind::Single),
            "multiple" => Some(QuestionKind::Multiple),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Question banks: the JSON import/export format, and what a valid bank is.

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

/// Everything wrong with one question, as (form field, French description); empty when valid.
/// The fields are those of the staff question form.
pub fn question_problems(q: &BankQuestion, language_test: bool) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if q.prompt.trim().is_empty() {
        problems.push(("prompt", "l'énoncé est vide".to_string()));
    }
    if !(2..=6).contains(&q.options.len()) {
        problems.push(("option_1", "il faut de 2 à 6 réponses proposées".to_string()));
    } else if q.options.iter().any(|o| o.label.trim().is_empty()) {
        problems.push(("option_1", "une réponse proposée est vide".to_string()));
    }
    let correct = q.options.iter().filter(|o| o.correct).count();
    match QuestionKind::from_code(&q.kind) {
        Some(QuestionKind::Single) if correct != 1 => {
            problems.push(("option_1", "une question à choix unique a exactement une bonne réponse".to_string()))
        }
        Some(QuestionKind::Multiple) if correct < 1 || correct == q.options.len() => {
            problems.push(("option_1", "une question à choix multiples a au moins une bonne et une mauvaise réponse".to_string()))
        }
        Some(_) => {}
        None => problems.push(("kind", "type inconnu (single ou multiple)".to_string())),
    }
    match q.cefr.as_deref() {
        Some(c) if Cefr::parse(c).is_err() => problems.push(("cefr", format!("niveau CECRL inconnu « {c} »"))),
        None if language_test => problems.push(("cefr", "une question de langue indique son niveau CECRL".to_string())),
        _ => {}
    }
    problems
}

/// Checks one question; returns a French description of its first problem.
pub fn check_question(q: &BankQuestion, language_test: bool) -> Result<(), String> {
    let prompt = q.prompt.trim();
    match question_problems(q, language_test).into_iter().next() {
        None => Ok(()),
        Some((_, problem)) if prompt.is_empty() => Err(problem),
        Some((_, problem)) => Err(format!("« {prompt} » : {problem}")),
    }
}

/// Checks a whole bank (settings and every question); returns its kind.
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

/// Option ids stored as a comma-separated list ("12,9,15").
pub fn parse_ids(list: &str) -> Vec<i64> {
    list.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

/// Option ids as stored.
pub fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// A question is right only when exactly the correct options are selected.
pub fn is_correct(selected: &[i64], correct: &[i64]) -> bool {
    let mut a = selected.to_vec();
    let mut b = correct.to_vec();
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    !b.is_empty() && a == b
}

/// Percentage rounded down, so that 69.9 % never reads as a 70 % pass.
pub fn percent(correct: usize, total: usize) -> u32 {
    if total == 0 {
        0
    } else {
        (correct * 100 / total) as u32
    }
}

/// Score thresholds of the competence scale (lower bound of each level, in %).
pub const LEVEL_THRESHOLDS: [(u32, CompetenceLevel); 5] = [
    (90, CompetenceLevel::ExpertPlus),
    (75, CompetenceLevel::Expert),
    (60, CompetenceLevel::Advanced),
    (40, CompetenceLevel::Intermediate),
    (0, CompetenceLevel::Notions),
];

/// Domain tests: < 40 % Notions, 40–59 Intermédiaire, 60–74 Avancé, 75–89 Expert, ≥ 90 Expert +.
pub fn level_for_score(score_percent: u32) -> CompetenceLevel {
    LEVEL_THRESHOLDS
        .iter()
        .find(|(min, _)| score_percent >= *min)
        .map(|(_, level)| *level)
        .unwrap_or(CompetenceLevel::Notions)
}

/// Share of a level's questions to answer right to reach that level.
pub const CEFR_LEVEL_THRESHOLD: u32 = 60;

/// Language tests: the highest level reached with ≥ 60 % at that level and at every level
/// below. `per_level` holds (level, right answers, questions asked) for the levels asked.
pub fn place_cefr(per_level: &[(Cefr, usize, usize)]) -> Option<Cefr> {
    let mut placed = None;
    for level in Cefr::ALL {
        let Some(&(_, right, asked)) = per_level.iter().find(|(l, _, _)| l == level) else {
            break;
        };
        if asked == 0 || percent(right, asked) < CEFR_LEVEL_THRESHOLD {
            break;
        }
        placed = Some(*level);
    }
    placed
}

/// How many questions of each CEFR level an attempt of `total` questions draws (as even as
/// possible, the lower levels getting the remainder).
pub fn questions_per_cefr_level(total: usize) -> Vec<(Cefr, usize)> {
    let levels = Cefr::ALL.len();
    Cefr::ALL
        .iter()
        .enumerate()
        .map(|(i, level)| (*level, total / levels + usize::from(i < total % levels)))
        .collect()
}

/// The outcome of a scored attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub score_percent: u32,
    pub passed: bool,
    /// Competence level or CEFR code, for passed domain and language tests.
    pub level: Option<String>,
}

/// Scores an attempt: Qualiopi and domain tests pass at `pass_mark`; a language test passes
/// when it places the trainer at A1 or above.
pub fn outcome(kind: TestKind, correct: usize, total: usize, pass_mark: u32, per_level: &[(Cefr, usize, usize)]) -> Outcome {
    let score_percent = percent(correct, total);
    match kind {
        TestKind::Qualiopi => Outcome { score_percent, passed: score_percent >= pass_mark, level: None },
        TestKind::Domain => {
            let passed = score_percent >= pass_mark;
            Outcome { score_percent, passed, level: passed.then(|| level_for_score(score_percent).code().to_string()) }
        }
        TestKind::Language => {
            let placed = place_cefr(per_level);
            Outcome { score_percent, passed: placed.is_some(), level: placed.map(|c| c.code().to_string()) }
        }
    }
}

/// One question of a submitted attempt, as scoring sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedQuestion {
    pub id: i64,
    pub cefr: Option<Cefr>,
    /// The ids of its correct options.
    pub correct: Vec<i64>,
}

/// A scored attempt: the outcome, the number of right answers, and the verdict of each
/// answered question (question id, right).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub outcome: Outcome,
    pub correct_count: usize,
    pub verdicts: Vec<(i64, bool)>,
}

/// Scores the `answers` (question id → selected option ids) given to `questions`: unanswered
/// questions count as wrong; language tests are placed on the levels of their questions.
pub fn score(kind: TestKind, pass_mark: u32, questions: &[AskedQuestion], answers: &HashMap<i64, Vec<i64>>) -> Scored {
    let mut per_level: Vec<(Cefr, usize, usize)> = Cefr::ALL.iter().map(|c| (*c, 0, 0)).collect();
    let mut correct_count = 0;
    let mut verdicts = Vec::new();
    for q in questions {
        let selected = answers.get(&q.id).map(Vec::as_slice).unwrap_or(&[]);
        let right = is_correct(selected, &q.correct);
        correct_count += usize::from(right);
        if let Some(entry) = q.cefr.and_then(|level| per_level.iter_mut().find(|(l, _, _)| *l == level)) {
            entry.1 += usize::from(right);
            entry.2 += 1;
        }
        if answers.contains_key(&q.id) {
            verdicts.push((q.id, right));
        }
    }
    per_level.retain(|(_, _, asked)| *asked > 0);
    Scored { outcome: outcome(kind, correct_count, questions.len(), pass_mark, &per_level), correct_count, verdicts }
}

/// Human label of a stored level code ("expert_plus" → "Expert +", "C1" → "C1").
pub fn level_label(code: &str) -> String {
    CompetenceLevel::parse(code)
        .map(|l| l.label().to_string())
        .or_else(|_| Cefr::parse(code).map(|c| c.code().to_string()))
        .unwrap_or_else(|_| code.to_string())
}

/// Where a trainer stands on one test, for the "Tests de compétences" tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestState {
    NeverTaken,
    InProgress { attempt_id: i64 },
    Passed { level: Option<String>, valid_until: NaiveDate, expiring_soon: bool },
    Expired { level: Option<String>, expired_on: NaiveDate },
    Failed { retake_from: Option<NaiveDate> },
}

impl TestState {
    /// One French line describing the state.
    pub fn describe(&self, today: NaiveDate) -> String {
        match self {
            TestState::NeverTaken => "Jamais passé".into(),
            TestState::InProgress { .. } => "En cours : reprenez là où vous en étiez".into(),
            TestState::Passed { level: Some(level), valid_until, expiring_soon: false } => {
                format!("Réussi — niveau {}, valable jusqu'au {}", level_label(level), french_date(*valid_until))
            }
            TestState::Passed { level: None, valid_until, expiring_soon: false } => {
                format!("Réussi — valable jusqu'au {}", french_date(*valid_until))
            }
            TestState::Passed { level, valid_until, expiring_soon: true } => {
                let level = level.as_deref().map(|l| format!(" (niveau {})", level_label(l))).unwrap_or_default();
                format!("Expire bientôt{level} : valable jusqu'au {}, repassez-le", french_date(*valid_until))
            }
            TestState::Expired { expired_on, .. } => format!("Expiré le {} : repassez-le", french_date(*expired_on)),
            TestState::Failed { retake_from: Some(d) } if *d > today => {
                format!("Échoué — repassable le {}", french_date(*d))
            }
            TestState::Failed { .. } => "Échoué — vous pouvez le repasser dès maintenant".into(),
        }
    }

    /// Whether a new attempt may start today.
    pub fn can_start(&self, today: NaiveDate) -> bool {
        match self {
            TestState::Failed { retake_from: Some(d) } => *d <= today,
            _ => true,
        }
    }
}

/// The valid-until date of a pass taken on `taken_on`.
pub fn valid_until(taken_on: NaiveDate, validity_months: u32) -> NaiveDate {
    add_months(taken_on, validity_months)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_question_is_right_only_with_exactly_the_correct_options() {
        assert!(is_correct(&[3], &[3]));
        assert!(is_correct(&[5, 2], &[2, 5]));
        assert!(!is_correct(&[2], &[2, 5]), "half of a multiple choice is wrong");
        assert!(!is_correct(&[2, 5, 7], &[2, 5]), "an extra option is wrong");
        assert!(!is_correct(&[], &[1]));
        assert!(!is_correct(&[], &[]), "a question without a correct option can never be right");
    }

    #[test]
    fn score_maps_to_the_competence_scale() {
        use CompetenceLevel::*;
        for (score, level) in [(0, Notions), (39, Notions), (40, Intermediate), (59, Intermediate), (60, Advanced), (74, Advanced), (75, Expert), (89, Expert), (90, ExpertPlus), (100, ExpertPlus)] {
            assert_eq!(level_for_score(score), level, "{score} %");
        }
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn cefr_placement_needs_every_level_below() {
        use Cefr::*;
        let all = |right: [usize; 6]| -> Vec<(Cefr, usize, usize)> { Cefr::ALL.iter().zip(right).map(|(l, r)| (*l, r, 5)).collect() };
        assert_eq!(place_cefr(&all([5, 5, 5, 5, 5, 5])), Some(C2));
        assert_eq!(place_cefr(&all([5, 5, 4, 2, 5, 5])), Some(B1), "C1 and C2 answers do not count once B2 is missed");
        assert_eq!(place_cefr(&all([3, 3, 3, 3, 3, 3])), Some(C2), "60 % at each level");
        assert_eq!(place_cefr(&all([2, 5, 5, 5, 5, 5])), None, "below A1");
        assert_eq!(place_cefr(&all([5, 5, 5, 5, 3, 0])), Some(C1));
        assert_eq!(place_cefr(&[]), None);
    }

    #[test]
    fn language_attempts_draw_every_level_evenly() {
        let plan = questions_per_cefr_level(36);
        assert!(plan.iter().all(|(_, n)| *n == 6));
        let plan = questions_per_cefr_level(20);
        assert_eq!(plan.iter().map(|(_, n)| n).sum::<usize>(), 20);
        assert_eq!(plan[0].1, 4);
        assert_eq!(plan[5].1, 3);
    }

    #[test]
    fn outcomes_per_kind() {
        assert_eq!(outcome(TestKind::Qualiopi, 14, 20, 70, &[]), Outcome { score_percent: 70, passed: true, level: None });
        assert_eq!(outcome(TestKind::Qualiopi, 13, 20, 70, &[]).passed, false);
        assert_eq!(outcome(TestKind::Domain, 23, 25, 50, &[]).level.as_deref(), Some("expert_plus"));
        assert_eq!(outcome(TestKind::Domain, 10, 25, 50, &[]), Outcome { score_percent: 40, passed: false, level: None });
        let per_level: Vec<(Cefr, usize, usize)> = Cefr::ALL.iter().zip([6, 6, 5, 4, 2, 1]).map(|(l, r)| (*l, r, 6)).collect();
        let english = outcome(TestKind::Language, 24, 36, 60, &per_level);
        assert_eq!(english.level.as_deref(), Some("B2"));
        assert!(english.passed);
    }

    fn question(kind: &str, options: &[(&str, bool)], cefr: Option<&str>) -> BankQuestion {
        BankQuestion {
            kind: kind.into(),
            prompt: "Combien ?".into(),
            options: options.iter().map(|(l, c)| BankOption { label: (*l).into(), correct: *c }).collect(),
            explanation: String::new(),
            topic: String::new(),
            cefr: cefr.map(str::to_string),
            active: true,
        }
    }

    #[test]
    fn a_question_reports_every_problem() {
        assert!(question_problems(&question("single", &[("A", true), ("B", false)], None), false).is_empty());
        let bad = BankQuestion { prompt: " ".into(), ..question("double", &[("A", true)], Some("Z9")) };
        let fields: Vec<&str> = question_problems(&bad, false).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["prompt", "option_1", "kind", "cefr"]);
        let none_right = question("single", &[("A", false), ("B", false)], None);
        assert_eq!(check_question(&none_right, false).unwrap_err(), "« Combien ? » : une question à choix unique a exactement une bonne réponse");
        let all_right = question("multiple", &[("A", true), ("B", true)], None);
        assert!(check_question(&all_right, false).is_err());
        assert!(check_question(&question("single", &[("A", true), ("B", false)], None), true).is_err(), "language questions need a level");
    }

    #[test]
    fn scoring_counts_exact_answers_and_places_languages() {
        let asked = |id, cefr| AskedQuestion { id, cefr, correct: vec![id * 10] };
        let questions = [asked(1, Some(Cefr::A1)), asked(2, Some(Cefr::A1)), asked(3, Some(Cefr::A2)), asked(4, Some(Cefr::A2))];
        let answers: HashMap<i64, Vec<i64>> = [(1, vec![10]), (2, vec![20]), (3, vec![31])].into_iter().collect();
        let scored = score(TestKind::Language, 60, &questions, &answers);
        assert_eq!(scored.correct_count, 2);
        assert_eq!(scored.verdicts, vec![(1, true), (2, true), (3, false)], "unanswered questions have no verdict");
        assert_eq!(scored.outcome.level.as_deref(), Some("A1"));
        let domain = score(TestKind::Domain, 50, &questions, &answers);
        assert_eq!(domain.outcome, Outcome { score_percent: 50, passed: true, level: Some("intermediaire".into()) });
    }

    #[test]
    fn ids_round_trip_through_their_stored_list() {
        assert_eq!(parse_ids("3, 1,x,"), vec![3, 1]);
        assert_eq!(join_ids(&[3, 1]), "3,1");
    }

    #[test]
    fn states_read_in_french() {
        let today = d(2026, 5, 12);
        assert_eq!(TestState::NeverTaken.describe(today), "Jamais passé");
        let passed = TestState::Passed { level: Some("expert".into()), valid_until: d(2027, 2, 1), expiring_soon: false };
        assert_eq!(passed.describe(today), "Réussi — niveau Expert, valable jusqu'au 1er février 2027");
        let failed = TestState::Failed { retake_from: Some(d(2026, 5, 19)) };
        assert_eq!(failed.describe(today), "Échoué — repassable le 19 mai 2026");
        assert!(!failed.can_start(today));
        assert!(failed.can_start(d(2026, 5, 19)));
        let soon = TestState::Passed { level: Some("C1".into()), valid_until: d(2026, 6, 1), expiring_soon: true };
        assert_eq!(soon.describe(today), "Expire bientôt (niveau C1) : valable jusqu'au 1er juin 2026, repassez-le");
    }
}
