//! Table-driven tests of every rule, cell by cell.

use super::*;
use crate::domain::values::{Cefr, CompetenceLevel, LearnerLevel, Money, Nda, NativeRequirement};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 5, 12);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

fn excel() -> DomainRef {
    DomainRef { code: "excel".into(), label: "Excel".into(), language: None }
}

fn english() -> DomainRef {
    DomainRef { code: "anglais".into(), label: "Anglais".into(), language: Some("en".into()) }
}

/// A trainer who may apply to any Excel or English mission that is not CPF-funded.
fn ready_trainer() -> TrainerFacts {
    TrainerFacts {
        profile_status: ProfileStatus::Validated,
        nda: Some(Nda::parse("11754141275").unwrap()),
        legal_status: Some(LegalStatus::Company),
        micro_social: false,
        yearly_turnover: None,
        qualiopi_certificate: None,
        qualiopi_qcm: Some(QcmPass { passed_on: d(2026, 1, 10), valid_until: d(2027, 1, 10) }),
        passed_tests: vec![
            pass("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), d(2026, 2, 1)),
            pass("anglais", TestLevel::Language(Cefr::C2), d(2026, 2, 1)),
        ],
        retake_delays: vec![],
        mother_tongues: vec!["fr".into()],
    }
}

/// A pass valid one year, the default validity of competence tests.
fn pass(domain: &str, level: TestLevel, taken_on: NaiveDate) -> PassedTest {
    PassedTest { domain_code: domain.into(), level, taken_on, valid_until: crate::domain::dates::add_months(taken_on, 12), score_percent: None }
}

fn mission(domain: DomainRef, learners: LearnerLevel) -> MissionRequirements {
    MissionRequirements {
        domain,
        learner_level: learners,
        native_requirement: NativeRequirement::Indifferent,
        cpf_funded: false,
        start: d(2026, 6, 1),
        end: d(2026, 6, 30),
    }
}

fn with_level(mut trainer: TrainerFacts, domain: &str, level: TestLevel) -> TrainerFacts {
    for t in trainer.passed_tests.iter_mut().filter(|t| t.domain_code == domain) {
        t.level = level;
    }
    trainer
}

fn codes(trainer: &TrainerFacts, mission: &MissionRequirements) -> Vec<RefusalCode> {
    evaluate(trainer, mission, today(), &RuleSettings::default()).codes()
}

#[test]
fn ready_trainer_may_apply() {
    let trainer = ready_trainer();
    for learners in LearnerLevel::ALL {
        assert_eq!(codes(&trainer, &mission(excel(), *learners)), vec![]);
        assert_eq!(codes(&trainer, &mission(english(), *learners)), vec![]);
    }
}

#[test]
fn competence_matrix_every_cell() {
    use CompetenceLevel::*;
    use LearnerLevel as L;
    // (learners, trainer level, may apply)
    let table = [
        (L::Beginner, Notions, false),
        (L::Beginner, Intermediate, false),
        (L::Beginner, Advanced, false),
        (L::Beginner, Expert, true),
        (L::Beginner, ExpertPlus, true),
        (L::Intermediate, Notions, false),
        (L::Intermediate, Intermediate, false),
        (L::Intermediate, Advanced, false),
        (L::Intermediate, Expert, false),
        (L::Intermediate, ExpertPlus, true),
        (L::Expert, Notions, false),
        (L::Expert, Intermediate, false),
        (L::Expert, Advanced, false),
        (L::Expert, Expert, false),
        (L::Expert, ExpertPlus, true),
    ];
    assert_eq!(table.len(), LearnerLevel::ALL.len() * CompetenceLevel::ALL.len());
    for (learners, level, allowed) in table {
        let trainer = with_level(ready_trainer(), "excel", TestLevel::Competence(level));
        let got = codes(&trainer, &mission(excel(), learners));
        let expected = if allowed { vec![] } else { vec![RefusalCode::CompetenceTooLow] };
        assert_eq!(got, expected, "learners {learners:?}, trainer {level:?}");
    }
}

#[test]
fn language_matrix_every_cell() {
    use Cefr::*;
    use LearnerLevel as L;
    let table = [
        (L::Beginner, A1, false),
        (L::Beginner, A2, false),
        (L::Beginner, B1, false),
        (L::Beginner, B2, false),
        (L::Beginner, C1, true),
        (L::Beginner, C2, true),
        (L::Intermediate, A1, false),
        (L::Intermediate, A2, false),
        (L::Intermediate, B1, false),
        (L::Intermediate, B2, false),
        (L::Intermediate, C1, false),
        (L::Intermediate, C2, true),
        (L::Expert, A1, false),
        (L::Expert, A2, false),
        (L::Expert, B1, false),
        (L::Expert, B2, false),
        (L::Expert, C1, false),
        (L::Expert, C2, true),
    ];
    assert_eq!(table.len(), LearnerLevel::ALL.len() * Cefr::ALL.len());
    for (learners, cefr, allowed) in table {
        let trainer = with_level(ready_trainer(), "anglais", TestLevel::Language(cefr));
        let got = codes(&trainer, &mission(english(), learners));
        let expected = if allowed { vec![] } else { vec![RefusalCode::LanguageLevelTooLow] };
        assert_eq!(got, expected, "learners {learners:?}, trainer {cefr:?}");
    }
}

#[test]
fn level_refusal_names_what_is_needed_and_what_the_trainer_has() {
    let trainer = with_level(ready_trainer(), "anglais", TestLevel::Language(Cefr::B2));
    let e = evaluate(&trainer, &mission(english(), LearnerLevel::Beginner), today(), &RuleSettings::default());
    assert_eq!(
        e.refusals[0].message,
        "Pour des stagiaires de niveau débutant, il faut un niveau C1 ou C2 en Anglais ; votre test vous a placé au niveau B2."
    );
}

#[test]
fn native_requirement_each_case() {
    use NativeRequirement::*;
    // (requirement, trainer is a native English speaker, expected refusal)
    let table = [
        (NativeRequired, true, None),
        (NativeRequired, false, Some(RefusalCode::NativeSpeakerRequired)),
        (NonNativeRequired, true, Some(RefusalCode::NonNativeSpeakerRequired)),
        (NonNativeRequired, false, None),
        (Indifferent, true, None),
        (Indifferent, false, None),
    ];
    for (requirement, native, expected) in table {
        let mut trainer = ready_trainer();
        if native {
            trainer.mother_tongues.push("en".into());
        }
        let mut m = mission(english(), LearnerLevel::Beginner);
        m.native_requirement = requirement;
        assert_eq!(codes(&trainer, &m), expected.into_iter().collect::<Vec<_>>(), "{requirement:?} native={native}");
    }
}

#[test]
fn native_requirement_is_ignored_outside_language_domains() {
    let mut m = mission(excel(), LearnerLevel::Beginner);
    m.native_requirement = NativeRequirement::NativeRequired;
    assert_eq!(codes(&ready_trainer(), &m), vec![]);
}

#[test]
fn c2_is_not_native() {
    // A C2 trainer whose mother tongue is French is not a native English speaker.
    let mut m = mission(english(), LearnerLevel::Expert);
    m.native_requirement = NativeRequirement::NativeRequired;
    assert_eq!(codes(&ready_trainer(), &m), vec![RefusalCode::NativeSpeakerRequired]);
}

fn cpf_mission(start: NaiveDate, end: NaiveDate) -> MissionRequirements {
    MissionRequirements { cpf_funded: true, start, end, ..mission(excel(), LearnerLevel::Beginner) }
}

fn certificate(from: NaiveDate, until: NaiveDate) -> Option<QualiopiCertificate> {
    Some(QualiopiCertificate { valid_from: from, valid_until: until })
}

#[test]
fn cpf_rule_every_branch() {
    let june = cpf_mission(d(2026, 6, 1), d(2026, 6, 30));
    let micro = |turnover: Option<i64>| TrainerFacts {
        legal_status: Some(LegalStatus::MicroEntrepreneur),
        micro_social: true,
        yearly_turnover: turnover.map(Money::from_euros),
        ..ready_trainer()
    };
    let certified = |from, until| TrainerFacts {
        qualiopi_certificate: certificate(from, until),
        ..ready_trainer()
    };
    let cases: Vec<(&str, TrainerFacts, MissionRequirements, Vec<RefusalCode>)> = vec![
        ("certified over the whole mission", certified(d(2025, 1, 1), d(2027, 12, 31)), june.clone(), vec![]),
        ("micro-social under the 2026 ceiling", micro(Some(60_000)), june.clone(), vec![]),
        (
            "micro-social over the ceiling",
            micro(Some(90_000)),
            june.clone(),
            vec![RefusalCode::CpfTurnoverOverCeiling],
        ),
        (
            "micro-social exactly at the ceiling",
            micro(Some(83_600)),
            june.clone(),
            vec![RefusalCode::CpfTurnoverOverCeiling],
        ),
        (
            "micro-social without declared turnover",
            micro(None),
            june.clone(),
            vec![RefusalCode::CpfTurnoverNotDeclared],
        ),
        ("company without certificate", ready_trainer(), june.clone(), vec![RefusalCode::CpfQualiopiRequired]),
        (
            "certificate expiring during the mission",
            certified(d(2023, 6, 15), d(2026, 6, 14)),
            june.clone(),
            vec![RefusalCode::CpfCertificateDoesNotCoverMission],
        ),
        (
            "certificate starting after the mission starts",
            certified(d(2026, 6, 10), d(2029, 6, 9)),
            june.clone(),
            vec![RefusalCode::CpfCertificateDoesNotCoverMission],
        ),
        (
            "mission before 1 April 2024 (no CPF rule yet)",
            ready_trainer(),
            cpf_mission(d(2024, 3, 4), d(2024, 3, 29)),
            vec![],
        ),
        (
            "mission starting on 1 April 2024",
            ready_trainer(),
            cpf_mission(d(2024, 4, 1), d(2024, 4, 30)),
            vec![RefusalCode::CpfQualiopiRequired],
        ),
        (
            "not CPF-funded",
            ready_trainer(),
            MissionRequirements { cpf_funded: false, ..june.clone() },
            vec![],
        ),
        (
            "micro-social over the ceiling but certified",
            TrainerFacts { qualiopi_certificate: certificate(d(2025, 1, 1), d(2028, 1, 1)), ..micro(Some(120_000)) },
            june.clone(),
            vec![],
        ),
    ];
    for (name, trainer, m, expected) in cases {
        assert_eq!(codes(&trainer, &m), expected, "{name}");
    }
}

#[test]
fn cpf_ceiling_is_the_one_in_force_at_the_mission_date() {
    // 80 000 € is over the 77 700 € ceiling of 2025 but under the 83 600 € ceiling of 2026.
    let trainer = TrainerFacts {
        micro_social: true,
        legal_status: Some(LegalStatus::MicroEntrepreneur),
        yearly_turnover: Some(Money::from_euros(80_000)),
        ..ready_trainer()
    };
    let in_2025 = cpf_mission(d(2025, 11, 3), d(2025, 11, 28));
    let in_2026 = cpf_mission(d(2026, 1, 5), d(2026, 1, 30));
    assert_eq!(codes(&trainer, &in_2025), vec![RefusalCode::CpfTurnoverOverCeiling]);
    assert_eq!(codes(&trainer, &in_2026), vec![]);

    // The ceiling is a setting: staff may record a new one.
    let mut settings = RuleSettings::default();
    settings.turnover_ceilings.push(TurnoverCeiling { valid_from: d(2026, 1, 1), amount: Money::from_euros(79_000) });
    settings.turnover_ceilings.retain(|c| c.amount != Money::from_euros(83_600));
    assert_eq!(evaluate(&trainer, &in_2026, today(), &settings).codes(), vec![RefusalCode::CpfTurnoverOverCeiling]);
}

#[test]
fn missing_and_expired_tests() {
    let settings = RuleSettings::default();
    let m = mission(excel(), LearnerLevel::Beginner);

    let mut no_test = ready_trainer();
    no_test.passed_tests.retain(|t| t.domain_code != "excel");
    assert_eq!(codes(&no_test, &m), vec![RefusalCode::DomainTestMissing]);

    let mut old_test = ready_trainer();
    old_test.passed_tests[0] = pass("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), d(2025, 3, 3));
    let e = evaluate(&old_test, &m, today(), &settings);
    assert_eq!(e.codes(), vec![RefusalCode::DomainTestExpired]);
    assert_eq!(e.refusals[0].message, "Votre test Excel a expiré le 3 mars 2026 : repassez-le pour postuler.");

    // Valid up to and including its last day.
    let mut last_day = ready_trainer();
    last_day.passed_tests[0] = pass("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), d(2025, 5, 12));
    assert_eq!(codes(&last_day, &m), vec![]);

    let mut no_qcm = ready_trainer();
    no_qcm.qualiopi_qcm = None;
    assert_eq!(codes(&no_qcm, &m), vec![RefusalCode::QualiopiQcmMissing]);

    let mut old_qcm = ready_trainer();
    old_qcm.qualiopi_qcm = Some(QcmPass { passed_on: d(2025, 1, 2), valid_until: d(2026, 1, 2) });
    assert_eq!(codes(&old_qcm, &m), vec![RefusalCode::QualiopiQcmExpired]);
}

#[test]
fn a_newer_pass_replaces_an_older_one() {
    let mut trainer = ready_trainer();
    trainer.passed_tests[0] = pass("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), d(2024, 1, 1));
    trainer.passed_tests.push(pass("excel", TestLevel::Competence(CompetenceLevel::Expert), d(2026, 4, 1)));
    assert_eq!(codes(&trainer, &mission(excel(), LearnerLevel::Beginner)), vec![]);
    assert_eq!(codes(&trainer, &mission(excel(), LearnerLevel::Expert)), vec![RefusalCode::CompetenceTooLow]);
}

#[test]
fn retake_delay_is_part_of_the_explanation() {
    let mut trainer = ready_trainer();
    trainer.passed_tests.clear();
    trainer.retake_delays.push(RetakeDelay { test: TestRef::Domain("excel".into()), available_from: d(2026, 5, 19) });
    let e = evaluate(&trainer, &mission(excel(), LearnerLevel::Beginner), today(), &RuleSettings::default());
    assert_eq!(
        e.refusals[0].message,
        "Cette mission demande le test de compétences Excel : vous ne l'avez pas encore réussi (vous pourrez le repasser à partir du 19 mai 2026)."
    );
    assert_eq!(e.refusals[0].actions[0].label(), "Repassez le test Excel à partir du 19 mai 2026");
    // A delay already over is no longer mentioned.
    trainer.retake_delays[0].available_from = d(2026, 5, 1);
    let e = evaluate(&trainer, &mission(excel(), LearnerLevel::Beginner), today(), &RuleSettings::default());
    assert_eq!(e.refusals[0].actions[0].label(), "Passez le test Excel");
}

#[test]
fn profile_status_each_case() {
    let m = mission(excel(), LearnerLevel::Beginner);
    for (status, expected) in [
        (ProfileStatus::Validated, vec![]),
        (ProfileStatus::Draft, vec![RefusalCode::ProfileNotSubmitted]),
        (ProfileStatus::Submitted, vec![RefusalCode::ProfilePending]),
        (ProfileStatus::ChangesRequested, vec![RefusalCode::ProfileChangesRequested]),
        (ProfileStatus::Rejected, vec![RefusalCode::ProfileRejected]),
    ] {
        let trainer = TrainerFacts { profile_status: status, ..ready_trainer() };
        assert_eq!(codes(&trainer, &m), expected, "{status:?}");
    }
}

#[test]
fn every_failing_rule_is_reported_at_once() {
    let mut m = cpf_mission(d(2026, 6, 1), d(2026, 6, 30));
    m.domain = english();
    m.learner_level = LearnerLevel::Intermediate;
    m.native_requirement = NativeRequirement::NativeRequired;
    let mut trainer = ready_trainer();
    trainer.profile_status = ProfileStatus::Submitted;
    trainer.nda = None;
    trainer.qualiopi_qcm = None;
    let trainer = with_level(trainer, "anglais", TestLevel::Language(Cefr::C1));
    let e = evaluate(&trainer, &m, today(), &RuleSettings::default());
    assert!(!e.can_apply());
    assert_eq!(
        e.codes(),
        vec![
            RefusalCode::ProfilePending,
            RefusalCode::NdaMissing,
            RefusalCode::QualiopiQcmMissing,
            RefusalCode::LanguageLevelTooLow,
            RefusalCode::NativeSpeakerRequired,
            RefusalCode::CpfQualiopiRequired,
        ]
    );
    // Each refusal says what to do, and every message is French prose.
    for refusal in &e.refusals {
        assert!(!refusal.actions.is_empty());
        assert!(refusal.message.ends_with('.'), "{}", refusal.message);
    }
}

#[test]
fn new_trainer_is_told_everything_missing() {
    let e = evaluate(&TrainerFacts::empty(), &mission(excel(), LearnerLevel::Beginner), today(), &RuleSettings::default());
    assert_eq!(
        e.codes(),
        vec![
            RefusalCode::ProfileNotSubmitted,
            RefusalCode::NdaMissing,
            RefusalCode::QualiopiQcmMissing,
            RefusalCode::DomainTestMissing,
        ]
    );
    assert_eq!(
        e.actions(),
        vec![
            Action::SubmitProfile,
            Action::AddNda,
            Action::TakeQualiopiQcm { available_from: None },
            Action::TakeTest { domain_code: "excel".into(), domain_label: "Excel".into(), available_from: None },
        ]
    );
}

#[test]
fn next_steps_rank_the_action_that_unlocks_most_missions_first() {
    let mut trainer = ready_trainer();
    trainer.passed_tests.retain(|t| t.domain_code != "excel");
    let word = DomainRef { code: "word".into(), label: "Word".into(), language: None };
    let missions = vec![
        mission(excel(), LearnerLevel::Beginner),
        mission(excel(), LearnerLevel::Intermediate),
        mission(word.clone(), LearnerLevel::Beginner),
        mission(english(), LearnerLevel::Beginner), // already open
        cpf_mission(d(2026, 6, 1), d(2026, 6, 30)), // Excel + CPF: needs two actions
    ];
    let steps = next_steps(&trainer, &missions, today(), &RuleSettings::default());
    let take_excel = Action::TakeTest { domain_code: "excel".into(), domain_label: "Excel".into(), available_from: None };
    assert_eq!(steps[0], NextStep { action: take_excel, unlocks: 2, helps: 3 });
    assert_eq!(steps[1].action, Action::TakeTest { domain_code: "word".into(), domain_label: "Word".into(), available_from: None });
    assert_eq!(steps[1].unlocks, 1);
    // Non-actionable refusals never become a suggested step.
    assert!(steps.iter().all(|s| s.action.is_actionable()));
}

#[test]
fn validity_flags_results_expiring_soon() {
    let s = RuleSettings::default();
    assert_eq!(validity(d(2026, 6, 1), today(), &s), Validity::ExpiringSoon { until: d(2026, 6, 1) });
    assert_eq!(validity(d(2026, 9, 1), today(), &s), Validity::Valid { until: d(2026, 9, 1) });
    assert_eq!(validity(d(2026, 5, 11), today(), &s), Validity::Expired { on: d(2026, 5, 11) });
}
