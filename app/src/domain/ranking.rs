//! Applicant ranking: eligible first, then the highest tested level in the mission's domain, then the nearest.

use std::cmp::Reverse;

use super::eligibility::{PassedTest, TestLevel};
use super::{Cefr, CompetenceLevel};

/// What ranks one applicant for a mission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Passes every rule as of today.
    pub eligible: bool,
    /// The level of the applicant's latest passed test in the mission's domain.
    pub level: Option<TestLevel>,
    /// Distance to an on-site mission, in whole kilometres.
    pub distance_km: Option<i64>,
}

impl Standing {
    fn key(&self) -> (bool, Reverse<u8>, i64) {
        (!self.eligible, Reverse(level_rank(self.level)), self.distance_km.unwrap_or(i64::MAX))
    }
}

/// 0 without a level; otherwise 1 + the level's place in its scale (competence or CEFR).
pub fn level_rank(level: Option<TestLevel>) -> u8 {
    let place = match level {
        None => return 0,
        Some(TestLevel::Competence(l)) => CompetenceLevel::ALL.iter().position(|c| *c == l),
        Some(TestLevel::Language(c)) => Cefr::ALL.iter().position(|x| *x == c),
    };
    place.map_or(0, |p| p as u8) + 1
}

/// The level of the latest passed test in `domain_code`.
pub fn latest_level(passed: &[PassedTest], domain_code: &str) -> Option<TestLevel> {
    passed.iter().filter(|t| t.domain_code == domain_code).max_by_key(|t| t.taken_on).map(|t| t.level)
}

/// Sorts applicants best first (a stable sort: equals keep their application order).
pub fn rank<T>(applicants: &mut [T], standing: impl Fn(&T) -> Standing) {
    applicants.sort_by_key(|a| standing(a).key());
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn s(eligible: bool, level: Option<TestLevel>, distance_km: Option<i64>) -> Standing {
        Standing { eligible, level, distance_km }
    }

    #[test]
    fn eligible_first_then_highest_level_then_nearest() {
        let expert = Some(TestLevel::Competence(CompetenceLevel::ALL[CompetenceLevel::ALL.len() - 1]));
        let beginner = Some(TestLevel::Competence(CompetenceLevel::ALL[0]));
        let mut list = vec![
            ("not eligible, expert", s(false, expert, Some(1))),
            ("eligible, beginner, near", s(true, beginner, Some(5))),
            ("eligible, expert, far", s(true, expert, Some(80))),
            ("eligible, expert, near", s(true, expert, Some(10))),
            ("eligible, expert, remote", s(true, expert, None)),
            ("eligible, no level", s(true, None, Some(1))),
        ];
        rank(&mut list, |a| a.1);
        let names: Vec<&str> = list.iter().map(|a| a.0).collect();
        assert_eq!(
            names,
            vec![
                "eligible, expert, near",
                "eligible, expert, far",
                "eligible, expert, remote",
                "eligible, beginner, near",
                "eligible, no level",
                "not eligible, expert",
            ]
        );
    }

    #[test]
    fn levels_rank_within_their_scale() {
        assert_eq!(level_rank(None), 0);
        assert!(level_rank(Some(TestLevel::Language(Cefr::C1))) > level_rank(Some(TestLevel::Language(Cefr::B2))));
        assert_eq!(level_rank(Some(TestLevel::Language(Cefr::ALL[0]))), 1);
    }

    #[test]
    fn the_latest_test_of_the_domain_gives_the_level() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let test = |domain: &str, cefr, d| PassedTest { domain_code: domain.into(), level: TestLevel::Language(cefr), taken_on: day(d), valid_until: day(d) };
        let passed = vec![test("anglais", Cefr::B2, 1), test("anglais", Cefr::C1, 10), test("espagnol", Cefr::C2, 20)];
        assert_eq!(latest_level(&passed, "anglais"), Some(TestLevel::Language(Cefr::C1)));
        assert_eq!(latest_level(&passed, "excel"), None);
    }
}
