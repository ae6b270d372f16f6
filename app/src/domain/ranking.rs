//! Applicant ranking: eligible first, then a transparent score whose every part is shown to
//! staff with its points, its maximum and the reason ("Expert +, test passé il y a 2 mois").
//!
//! The score reads the latest passed test in the mission's domain (level, score, freshness), the
//! distance to an on-site mission against the trainer's own radius, the years of experience the
//! trainer recorded, and, for language missions, the CEFR margin over the required level and the
//! mother tongue. Each part weighs what staff set in `ScoreWeights` (0 leaves the part out).

use std::cmp::Reverse;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::french_date;
use super::eligibility::{required_cefr, required_competence, MissionRequirements, PassedTest, TestLevel};
use super::geo::Point;
use super::languages::language_name;
use super::{Cefr, CompetenceLevel, NativeRequirement};

/// Experience counts fully from this many years on (linear below).
pub const FULL_EXPERIENCE_YEARS: f64 = 10.0;

/// How much each part of the score weighs: the points a perfect applicant gets for it (0–100
/// each). Staff edit them on the rules page; `Default` gives the documented values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScoreWeights {
    /// 30 — the tested level in the mission's domain (Notions 0 … Expert + full; A1 0 … C2
    /// full): the platform's own measure of competence, so it weighs most.
    pub level: u32,
    /// 15 — the share of right answers at that test: separates two trainers of the same level.
    pub test_score: u32,
    /// 10 — how much of the test's validity remains: a test passed last month says more about
    /// today than one about to expire. Small, since a valid test is already required.
    pub freshness: u32,
    /// 20 — on-site missions only: how far inside their own radius the trainer lives (full at
    /// the mission's place, 0 at the edge of the radius). Travel is the centres' first worry.
    pub distance: u32,
    /// 15 — years of professional experience recorded in PARCOURS (full from 10 years).
    pub experience: u32,
    /// 10 — language missions only: half for a CEFR level above the one required, half for the
    /// mother tongue fitting the mission (native when asked, or when it is left open; non-native
    /// when asked).
    pub language: u32,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        Self { level: 30, test_score: 15, freshness: 10, distance: 20, experience: 15, language: 10 }
    }
}

/// The highest weight a part may have.
pub const MAX_WEIGHT: u32 = 100;

/// One part of a score, as staff read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorePart {
    /// Stable code: `level`, `test_score`, `freshness`, `distance`, `experience`, `language`.
    pub code: String,
    pub label: String,
    pub points: u32,
    pub max: u32,
    pub detail: String,
}

/// An applicant's score: the sum of its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub total: u32,
    pub parts: Vec<ScorePart>,
}

impl Score {
    /// The best total possible for this mission with these weights.
    pub fn max(&self) -> u32 {
        self.parts.iter().map(|p| p.max).sum()
    }
}

/// A period of professional experience; `end` None means "still there".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// What the score reads of a trainer.
#[derive(Debug, Clone, Copy)]
pub struct Profile<'a> {
    pub passed_tests: &'a [PassedTest],
    /// ISO 639-1 codes.
    pub mother_tongues: &'a [String],
    pub home: Option<Point>,
    /// The trainer's own radius (the platform's default when they set none).
    pub radius_km: i64,
    pub experiences: &'a [Period],
}

/// The mission side: its requirements and, for an on-site mission, its place.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub requirements: &'a MissionRequirements,
    pub place: Option<Point>,
}

/// The latest passed test in `domain_code`.
pub fn latest_pass<'a>(passed: &'a [PassedTest], domain_code: &str) -> Option<&'a PassedTest> {
    passed.iter().filter(|t| t.domain_code == domain_code).max_by_key(|t| t.taken_on)
}

/// The level of the latest passed test in `domain_code`.
pub fn latest_level(passed: &[PassedTest], domain_code: &str) -> Option<TestLevel> {
    latest_pass(passed, domain_code).map(|t| t.level)
}

/// 0.0 at the bottom of the level's scale, 1.0 at its top (Expert +, C2).
fn level_fraction(level: TestLevel) -> f64 {
    let (place, len) = match level {
        TestLevel::Competence(l) => (CompetenceLevel::ALL.iter().position(|c| *c == l), CompetenceLevel::ALL.len()),
        TestLevel::Language(c) => (Cefr::ALL.iter().position(|x| *x == c), Cefr::ALL.len()),
    };
    place.map_or(0.0, |p| p as f64 / (len - 1) as f64)
}

fn points(weight: u32, fraction: f64) -> u32 {
    (weight as f64 * fraction.clamp(0.0, 1.0)).round() as u32
}

/// "aujourd'hui", "hier", "il y a 12 jours", "il y a 1 mois", "il y a 14 mois".
pub fn ago(days: i64) -> String {
    match days {
        i64::MIN..=0 => "aujourd'hui".into(),
        1 => "hier".into(),
        2..=30 => format!("il y a {days} jours"),
        _ => format!("il y a {} mois", (days / 30).max(1)),
    }
}

/// "12 jours", "1 mois", "10 mois".
fn span(days: i64) -> String {
    match days {
        i64::MIN..=1 => "1 jour".into(),
        2..=30 => format!("{days} jours"),
        _ => format!("{} mois", days / 30),
    }
}

/// Years covered by the periods, overlaps counted once, up to `today`.
pub fn experience_years(periods: &[Period], today: NaiveDate) -> f64 {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = periods
        .iter()
        .map(|p| (p.start, p.end.unwrap_or(today).min(today)))
        .filter(|(start, end)| start < end)
        .collect();
    spans.sort();
    let mut days = 0;
    let mut current: Option<(NaiveDate, NaiveDate)> = None;
    for (start, end) in spans {
        current = match current {
            Some((s, e)) if start <= e => Some((s, e.max(end))),
            Some((s, e)) => {
                days += (e - s).num_days();
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((s, e)) = current {
        days += (e - s).num_days();
    }
    days as f64 / 365.25
}

/// The score of one trainer for one mission, every part explained in French.
pub fn score(target: Target<'_>, who: Profile<'_>, today: NaiveDate, weights: &ScoreWeights) -> Score {
    let mission = target.requirements;
    let test = latest_pass(who.passed_tests, &mission.domain.code);
    let mut parts = Vec::new();
    let mut part = |code: &str, label: &str, weight: u32, fraction: f64, detail: String| {
        if weight > 0 {
            parts.push(ScorePart { code: code.into(), label: label.into(), points: points(weight, fraction), max: weight, detail });
        }
    };

    // Level, with when the test was taken.
    let (fraction, detail) = match test {
        Some(t) => (level_fraction(t.level), format!("{}, test passé {}", t.level.label(), ago((today - t.taken_on).num_days()))),
        None => (0.0, format!("aucun test {} réussi", mission.domain.label)),
    };
    part("level", "Niveau testé", weights.level, fraction, detail);

    // The test's score.
    let (fraction, detail) = match test.map(|t| t.score_percent) {
        Some(Some(p)) => (f64::from(p) / 100.0, format!("{p} % de bonnes réponses")),
        Some(None) => (0.0, "score non enregistré".to_string()),
        None => (0.0, "aucun test".to_string()),
    };
    part("test_score", "Score au test", weights.test_score, fraction, detail);

    // Freshness: the share of the validity that remains.
    let (fraction, detail) = match test {
        Some(t) => {
            let validity = (t.valid_until - t.taken_on).num_days().max(1);
            let remaining = (t.valid_until - today).num_days();
            if remaining < 0 {
                (0.0, format!("expiré le {}", french_date(t.valid_until)))
            } else {
                (remaining as f64 / validity as f64, format!("valable encore {} (jusqu'au {})", span(remaining), french_date(t.valid_until)))
            }
        }
        None => (0.0, "aucun test".to_string()),
    };
    part("freshness", "Fraîcheur du test", weights.freshness, fraction, detail);

    // Distance, on-site missions only.
    if let Some(place) = target.place {
        let radius = who.radius_km.max(1);
        let (fraction, detail) = match who.home {
            Some(home) => {
                let km = home.distance_km(place);
                let shown = km.round() as i64;
                if km <= radius as f64 {
                    (1.0 - km / radius as f64, format!("{shown} km, rayon de {radius} km"))
                } else {
                    (0.0, format!("{shown} km, au-delà de son rayon de {radius} km"))
                }
            }
            None => (0.0, "adresse non renseignée".to_string()),
        };
        part("distance", "Distance", weights.distance, fraction, detail);
    }

    // Experience.
    let years = experience_years(who.experiences, today);
    let detail = if who.experiences.is_empty() {
        "aucune expérience renseignée".to_string()
    } else if years < 1.0 {
        "moins d'un an d'expérience".to_string()
    } else {
        let whole = years.round() as i64;
        format!("{whole} an{} d'expérience", if whole > 1 { "s" } else { "" })
    };
    part("experience", "Expérience", weights.experience, years / FULL_EXPERIENCE_YEARS, detail);

    // Language fit, language missions only.
    if let Some(language) = &mission.domain.language {
        let name = language_name(language).unwrap_or(mission.domain.label.as_str()).to_lowercase();
        let required = required_cefr(mission.learner_level);
        let rank = |c: Cefr| Cefr::ALL.iter().position(|x| *x == c).unwrap_or(0) as i64;
        let (margin, margin_text) = match test.map(|t| t.level) {
            Some(TestLevel::Language(c)) => {
                let margin = rank(c) - rank(required);
                let text = match margin {
                    m if m > 0 => format!("{} : au-dessus du {} demandé", c.code(), required.code()),
                    0 => format!("{} : le niveau demandé", c.code()),
                    _ => format!("{} : sous le {} demandé", c.code(), required.code()),
                };
                (if margin > 0 { 1.0 } else { 0.0 }, text)
            }
            _ => (0.0, "niveau de langue non testé".to_string()),
        };
        let native = who.mother_tongues.iter().any(|l| l == language);
        let (fits, native_text) = match (mission.native_requirement, native) {
            (NativeRequirement::NonNativeRequired, false) => (1.0, format!("non natif en {name}, comme demandé")),
            (NativeRequirement::NonNativeRequired, true) => (0.0, format!("{name} langue maternelle, non natif demandé")),
            (_, true) => (1.0, format!("{name} langue maternelle")),
            (NativeRequirement::NativeRequired, false) => (0.0, format!("{name} pas langue maternelle, natif demandé")),
            (_, false) => (0.0, format!("{name} pas langue maternelle")),
        };
        part("language", "Langue", weights.language, (margin + fits) / 2.0, format!("{margin_text} ; {native_text}"));
    }

    let total = parts.iter().map(|p| p.points).sum();
    Score { total, parts }
}

/// The highest score a trainer could reach knowing their test in the mission's domain, their
/// place, whether the mission's language is one of their mother tongues, and when their earliest
/// job started (`first_job`; None: no experience recorded). The time since `first_job` is at
/// least the experience the score counts, so this is never below `score` of the same trainer
/// with that test as their latest: candidates can be scored best bound first and the search
/// stopped once no bound beats the ones already kept.
#[allow(clippy::too_many_arguments)]
pub fn upper_bound(
    target: Target<'_>,
    test: &PassedTest,
    (home, radius_km): (Option<Point>, i64),
    native: bool,
    first_job: Option<NaiveDate>,
    today: NaiveDate,
    weights: &ScoreWeights,
) -> u32 {
    let tests = std::slice::from_ref(test);
    let tongues: Vec<String> = match (&target.requirements.domain.language, native) {
        (Some(language), true) => vec![language.clone()],
        _ => Vec::new(),
    };
    let career: Vec<Period> = first_job.map(|start| Period { start, end: None }).into_iter().collect();
    let who = Profile { passed_tests: tests, mother_tongues: &tongues, home, radius_km, experiences: &career };
    score(target, who, today, weights).total
}

/// The stored codes of the test levels that meet the mission's learners (the level rule of
/// eligibility: CEFR for language domains, competence otherwise), for a prefilter in SQL.
pub fn sufficient_level_codes(mission: &MissionRequirements) -> Vec<&'static str> {
    match mission.domain.language {
        Some(_) => {
            let needed = required_cefr(mission.learner_level);
            Cefr::ALL.iter().filter(|c| **c >= needed).map(|c| c.code()).collect()
        }
        None => {
            let needed = required_competence(mission.learner_level);
            CompetenceLevel::ALL.iter().filter(|l| **l >= needed).map(|l| l.code()).collect()
        }
    }
}

/// Sorts best first: eligible before ineligible, then the higher total (a stable sort: equals
/// keep their order, for applicants the order they applied in).
pub fn rank<T>(items: &mut [T], key: impl Fn(&T) -> (bool, u32)) {
    items.sort_by_key(|item| {
        let (eligible, total) = key(item);
        (!eligible, Reverse(total))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::eligibility::DomainRef;
    use crate::domain::LearnerLevel;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 6, 1);

    fn today() -> NaiveDate {
        day(TODAY.0, TODAY.1, TODAY.2)
    }

    fn mission(domain: &str, language: Option<&str>, level: LearnerLevel, native: NativeRequirement) -> MissionRequirements {
        MissionRequirements {
            domain: DomainRef { code: domain.into(), label: domain.to_uppercase(), language: language.map(Into::into) },
            learner_level: level,
            native_requirement: native,
            cpf_funded: false,
            start: day(2026, 9, 1),
            end: day(2026, 9, 30),
        }
    }

    fn excel() -> MissionRequirements {
        mission("excel", None, LearnerLevel::Beginner, NativeRequirement::Indifferent)
    }

    fn test(domain: &str, level: TestLevel, taken_on: NaiveDate, score: Option<u8>) -> PassedTest {
        PassedTest { domain_code: domain.into(), level, taken_on, valid_until: crate::domain::dates::add_months(taken_on, 12), score_percent: score }
    }

    const LYON: Point = Point { latitude: 45.7640, longitude: 4.8357 };
    const VILLEURBANNE: Point = Point { latitude: 45.7719, longitude: 4.8902 };
    const PARIS: Point = Point { latitude: 48.8566, longitude: 2.3522 };

    fn part<'a>(s: &'a Score, code: &str) -> &'a ScorePart {
        s.parts.iter().find(|p| p.code == code).unwrap_or_else(|| panic!("no part {code}: {s:?}"))
    }

    fn profile<'a>(tests: &'a [PassedTest], tongues: &'a [String], home: Option<Point>, experiences: &'a [Period]) -> Profile<'a> {
        Profile { passed_tests: tests, mother_tongues: tongues, home, radius_km: 30, experiences }
    }

    #[test]
    fn the_level_counts_along_its_scale_with_when_it_was_tested() {
        let m = excel();
        let target = Target { requirements: &m, place: None };
        let w = ScoreWeights::default();
        let plus = [test("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), day(2026, 4, 1), Some(95))];
        let s = score(target, profile(&plus, &[], None, &[]), today(), &w);
        let level = part(&s, "level");
        assert_eq!((level.points, level.max), (30, 30));
        assert_eq!(level.detail, "Expert +, test passé il y a 2 mois");
        let expert = [test("excel", TestLevel::Competence(CompetenceLevel::Expert), day(2026, 5, 25), Some(80))];
        let s = score(target, profile(&expert, &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "level").points, 23, "3/4 of 30, rounded");
        assert_eq!(part(&s, "level").detail, "Expert, test passé il y a 7 jours");
        // Another domain's test does not count.
        let other = [test("word", TestLevel::Competence(CompetenceLevel::ExpertPlus), day(2026, 5, 1), Some(99))];
        let s = score(target, profile(&other, &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "level").points, 0);
        assert_eq!(part(&s, "level").detail, "aucun test EXCEL réussi");
        assert_eq!(s.total, 0);
        // The latest test counts, not the best.
        let both = [
            test("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), day(2025, 9, 1), Some(95)),
            test("excel", TestLevel::Competence(CompetenceLevel::Expert), day(2026, 3, 1), Some(80)),
        ];
        let s = score(target, profile(&both, &[], None, &[]), today(), &w);
        assert!(part(&s, "level").detail.starts_with("Expert,"));
    }

    #[test]
    fn the_test_score_and_freshness_are_shares_of_their_weight() {
        let m = excel();
        let target = Target { requirements: &m, place: None };
        let w = ScoreWeights::default();
        let fresh = [test("excel", TestLevel::Competence(CompetenceLevel::Expert), today(), Some(80))];
        let s = score(target, profile(&fresh, &[], None, &[]), today(), &w);
        assert_eq!((part(&s, "test_score").points, part(&s, "test_score").detail.as_str()), (12, "80 % de bonnes réponses"));
        assert_eq!(part(&s, "freshness").points, 10);
        assert!(part(&s, "freshness").detail.starts_with("valable encore 12 mois"), "{}", part(&s, "freshness").detail);
        // Half-way through its validity: half the points.
        let half = [test("excel", TestLevel::Competence(CompetenceLevel::Expert), day(2025, 12, 1), None)];
        let s = score(target, profile(&half, &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "freshness").points, 5);
        assert_eq!(part(&s, "test_score").points, 0);
        assert_eq!(part(&s, "test_score").detail, "score non enregistré");
        // Expired: nothing.
        let old = [test("excel", TestLevel::Competence(CompetenceLevel::Expert), day(2025, 1, 1), Some(90))];
        let s = score(target, profile(&old, &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "freshness").points, 0);
        assert!(part(&s, "freshness").detail.starts_with("expiré le"));
    }

    #[test]
    fn distance_counts_against_the_trainers_own_radius_for_on_site_missions_only() {
        let m = excel();
        let w = ScoreWeights::default();
        let onsite = Target { requirements: &m, place: Some(LYON) };
        let s = score(onsite, profile(&[], &[], Some(LYON), &[]), today(), &w);
        assert_eq!((part(&s, "distance").points, part(&s, "distance").detail.as_str()), (20, "0 km, rayon de 30 km"));
        let s = score(onsite, profile(&[], &[], Some(VILLEURBANNE), &[]), today(), &w);
        assert_eq!(part(&s, "distance").points, 17, "about 4 km of 30");
        let far = Profile { radius_km: 50, ..profile(&[], &[], Some(PARIS), &[]) };
        let s = score(onsite, far, today(), &w);
        assert_eq!(part(&s, "distance").points, 0);
        assert!(part(&s, "distance").detail.contains("au-delà de son rayon de 50 km"));
        let s = score(onsite, profile(&[], &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "distance").detail, "adresse non renseignée");
        // Remote: no distance part at all.
        let remote = Target { requirements: &m, place: None };
        let s = score(remote, profile(&[], &[], Some(LYON), &[]), today(), &w);
        assert!(s.parts.iter().all(|p| p.code != "distance"));
    }

    #[test]
    fn experience_counts_years_once_up_to_ten() {
        let m = excel();
        let target = Target { requirements: &m, place: None };
        let w = ScoreWeights::default();
        let overlapping = [
            Period { start: day(2020, 6, 1), end: Some(day(2024, 6, 1)) },
            Period { start: day(2022, 6, 1), end: None },
        ];
        assert!((experience_years(&overlapping, today()) - 6.0).abs() < 0.01);
        let s = score(target, profile(&[], &[], None, &overlapping), today(), &w);
        assert_eq!((part(&s, "experience").points, part(&s, "experience").detail.as_str()), (9, "6 ans d'expérience"));
        let long = [Period { start: day(2000, 1, 1), end: None }];
        assert_eq!(part(&score(target, profile(&[], &[], None, &long), today(), &w), "experience").points, 15);
        let s = score(target, profile(&[], &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "experience").detail, "aucune expérience renseignée");
        // A period starting in the future counts nothing.
        let future = [Period { start: day(2027, 1, 1), end: None }];
        assert_eq!(experience_years(&future, today()), 0.0);
    }

    #[test]
    fn language_missions_score_the_cefr_margin_and_the_mother_tongue() {
        let w = ScoreWeights::default();
        let c2 = [test("anglais", TestLevel::Language(Cefr::C2), day(2026, 5, 1), Some(92))];
        let c1 = [test("anglais", TestLevel::Language(Cefr::C1), day(2026, 5, 1), Some(75))];
        let english = vec!["en".to_string()];
        let open = mission("anglais", Some("en"), LearnerLevel::Beginner, NativeRequirement::Indifferent);
        let target = Target { requirements: &open, place: None };
        let s = score(target, profile(&c2, &english, None, &[]), today(), &w);
        let lang = part(&s, "language");
        assert_eq!((lang.points, lang.max), (10, 10));
        assert_eq!(lang.detail, "C2 : au-dessus du C1 demandé ; anglais langue maternelle");
        assert_eq!(part(&s, "level").points, 30, "C2 tops the CEFR scale");
        let s = score(target, profile(&c1, &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "language").points, 0);
        assert_eq!(part(&s, "language").detail, "C1 : le niveau demandé ; anglais pas langue maternelle");
        // Non-native asked: a non-native trainer fits.
        let non_native = mission("anglais", Some("en"), LearnerLevel::Beginner, NativeRequirement::NonNativeRequired);
        let s = score(Target { requirements: &non_native, place: None }, profile(&c1, &[], None, &[]), today(), &w);
        assert_eq!(part(&s, "language").points, 5);
        // Intermediate learners need C2: no margin left.
        let hard = mission("anglais", Some("en"), LearnerLevel::Intermediate, NativeRequirement::NativeRequired);
        let s = score(Target { requirements: &hard, place: None }, profile(&c2, &english, None, &[]), today(), &w);
        assert_eq!(part(&s, "language").points, 5);
        // Not a language mission: no language part.
        let s = score(Target { requirements: &excel(), place: None }, profile(&c2, &english, None, &[]), today(), &w);
        assert!(s.parts.iter().all(|p| p.code != "language"));
    }

    #[test]
    fn a_weight_at_zero_leaves_its_part_out() {
        let m = excel();
        let target = Target { requirements: &m, place: Some(LYON) };
        let tests = [test("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), today(), Some(100))];
        let zero = ScoreWeights { level: 0, test_score: 0, freshness: 0, distance: 0, experience: 0, language: 0 };
        let s = score(target, profile(&tests, &[], Some(LYON), &[]), today(), &zero);
        assert_eq!(s, Score { total: 0, parts: Vec::new() });
        let only_distance = ScoreWeights { distance: 40, ..zero };
        let s = score(target, profile(&tests, &[], Some(LYON), &[]), today(), &only_distance);
        assert_eq!(s.parts.len(), 1);
        assert_eq!((s.total, s.max()), (40, 40));
        // The default total is the sum of the parts, out of the sum of the weights.
        let s = score(target, profile(&tests, &[], Some(LYON), &[]), today(), &ScoreWeights::default());
        assert_eq!(s.total, s.parts.iter().map(|p| p.points).sum::<u32>());
        assert_eq!(s.max(), 30 + 15 + 10 + 20 + 15);
    }

    #[test]
    fn the_bound_is_never_below_the_score() {
        let w = ScoreWeights::default();
        for (m, tongues) in [
            (excel(), vec![]),
            (mission("anglais", Some("en"), LearnerLevel::Beginner, NativeRequirement::Indifferent), vec!["en".to_string()]),
            (mission("anglais", Some("en"), LearnerLevel::Beginner, NativeRequirement::NonNativeRequired), vec![]),
            (mission("anglais", Some("en"), LearnerLevel::Beginner, NativeRequirement::NativeRequired), vec!["fr".to_string(), "en".to_string()]),
        ] {
            let level = if m.domain.language.is_some() { TestLevel::Language(Cefr::C2) } else { TestLevel::Competence(CompetenceLevel::Expert) };
            let t = test(&m.domain.code, level, day(2026, 2, 1), Some(77));
            let native = tongues.iter().any(|l| l == "en");
            let careers: [&[Period]; 3] = [
                &[],
                &[Period { start: day(2019, 1, 1), end: Some(day(2020, 1, 1)) }, Period { start: day(2022, 1, 1), end: None }],
                &[Period { start: day(1990, 1, 1), end: None }],
            ];
            for career in careers {
                let first_job = career.iter().map(|p| p.start).min();
                for place in [None, Some(LYON)] {
                    let target = Target { requirements: &m, place };
                    let exact = score(target, profile(std::slice::from_ref(&t), &tongues, Some(VILLEURBANNE), career), today(), &w).total;
                    let bound = upper_bound(target, &t, (Some(VILLEURBANNE), 30), native, first_job, today(), &w);
                    assert!(bound >= exact, "{bound} < {exact}");
                    if career.len() != 2 {
                        assert_eq!(bound, exact, "one period from the first job: the bound is exact");
                    }
                }
            }
        }
    }

    #[test]
    fn eligible_first_then_highest_total_then_application_order() {
        let mut list = vec![("ineligible, 90", false, 90), ("eligible, 40, first", true, 40), ("eligible, 70", true, 70), ("eligible, 40, second", true, 40), ("ineligible, 10", false, 10)];
        rank(&mut list, |a| (a.1, a.2));
        let names: Vec<&str> = list.iter().map(|a| a.0).collect();
        assert_eq!(names, vec!["eligible, 70", "eligible, 40, first", "eligible, 40, second", "ineligible, 90", "ineligible, 10"]);
    }

    #[test]
    fn a_better_profile_ranks_higher_part_by_part() {
        let m = excel();
        let target = Target { requirements: &m, place: Some(LYON) };
        let w = ScoreWeights::default();
        let strong = [test("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), day(2026, 5, 1), Some(95))];
        let weak = [test("excel", TestLevel::Competence(CompetenceLevel::Expert), day(2025, 8, 1), Some(76))];
        let career = [Period { start: day(2015, 1, 1), end: None }];
        let a = score(target, profile(&strong, &[], Some(LYON), &career), today(), &w);
        let b = score(target, profile(&weak, &[], Some(VILLEURBANNE), &[]), today(), &w);
        for (pa, pb) in a.parts.iter().zip(&b.parts) {
            assert!(pa.points >= pb.points, "{pa:?} vs {pb:?}");
        }
        assert!(a.total > b.total);
        // Weights decide: with only distance counting, the nearer one still wins, and with only
        // experience counting too.
        let near_only = ScoreWeights { level: 0, test_score: 0, freshness: 0, distance: 100, experience: 0, language: 0 };
        assert!(score(target, profile(&weak, &[], Some(LYON), &[]), today(), &near_only).total > score(target, profile(&strong, &[], Some(VILLEURBANNE), &career), today(), &near_only).total);
    }

    #[test]
    fn the_levels_meeting_the_learners_follow_the_eligibility_table() {
        assert_eq!(sufficient_level_codes(&excel()), vec!["expert", "expert_plus"]);
        let advanced = mission("excel", None, LearnerLevel::Intermediate, NativeRequirement::Indifferent);
        assert_eq!(sufficient_level_codes(&advanced), vec!["expert_plus"]);
        let english = mission("anglais", Some("en"), LearnerLevel::Beginner, NativeRequirement::Indifferent);
        assert_eq!(sufficient_level_codes(&english), vec!["C1", "C2"]);
        let english = mission("anglais", Some("en"), LearnerLevel::Expert, NativeRequirement::Indifferent);
        assert_eq!(sufficient_level_codes(&english), vec!["C2"]);
        // The same as the rules say.
        for learners in LearnerLevel::ALL {
            let m = mission("excel", None, *learners, NativeRequirement::Indifferent);
            for level in CompetenceLevel::ALL {
                let ok = *level >= required_competence(*learners);
                assert_eq!(sufficient_level_codes(&m).contains(&level.code()), ok);
            }
        }
    }

    #[test]
    fn durations_read_in_french() {
        assert_eq!(ago(0), "aujourd'hui");
        assert_eq!(ago(1), "hier");
        assert_eq!(ago(12), "il y a 12 jours");
        assert_eq!(ago(45), "il y a 1 mois");
        assert_eq!(ago(400), "il y a 13 mois");
    }
}
