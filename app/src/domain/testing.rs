//! Competence tests: scoring, score-to-level mapping, CEFR placement and a result's state.

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
