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
        awaiting_verification: vec![],
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

fn take_test(code: &str, label: &str, language: bool, retake: bool) -> Action {
    Action::TakeTest { domain_code: code.into(), domain_label: label.into(), available_from: None, language, retake }
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
        "Pour des stagiaires de niveau débutant, il faut un niveau C1 ou C2 en anglais ; votre test vous a placé au niveau B2 : repassez-le pour l'atteindre."
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
        // "n'excède pas" (article 50-0 CGI): exactly at the ceiling is exempted, one cent more is not.
        ("micro-social exactly at the ceiling", micro(Some(83_600)), june.clone(), vec![]),
        (
            "micro-social one cent over the ceiling",
            TrainerFacts { yearly_turnover: Some(Money::from_cents(8_360_001)), ..micro(None) },
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
    assert_eq!(e.refusals[0].message, "Votre test « Excel » a expiré le 3 mars 2026 : repassez-le pour postuler.");
    assert_eq!(e.refusals[0].actions[0].label(), "Repassez le test « Excel »");

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
        "Cette mission demande le test « Excel » : vous ne l'avez pas encore réussi (vous pourrez le repasser à partir du 19 mai 2026)."
    );
    assert_eq!(e.refusals[0].actions[0].label(), "Repassez le test « Excel » à partir du 19 mai 2026");
    // A delay already over is no longer mentioned.
    trainer.retake_delays[0].available_from = d(2026, 5, 1);
    let e = evaluate(&trainer, &mission(excel(), LearnerLevel::Beginner), today(), &RuleSettings::default());
    assert_eq!(e.refusals[0].actions[0].label(), "Passez le test « Excel »");
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
            Action::TakeQualiopiQcm { available_from: None, retake: false },
            take_test("excel", "Excel", false, false),
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
    let take_excel = take_test("excel", "Excel", false, false);
    assert_eq!(steps[0], NextStep { action: take_excel, unlocks: 2, helps: 3 });
    assert_eq!(steps[1].action, take_test("word", "Word", false, false));
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

// ---------------------------------------------------------------------------------------------
// Every sentence, word for word.

fn eval(trainer: &TrainerFacts, m: &MissionRequirements) -> Eligibility {
    evaluate(trainer, m, today(), &RuleSettings::default())
}

/// The only refusal of `e`, with its code checked.
fn only(e: &Eligibility, code: RefusalCode) -> &Refusal {
    assert_eq!(e.codes(), vec![code], "{:#?}", e.refusals);
    &e.refusals[0]
}

fn fle() -> DomainRef {
    DomainRef { code: "fle".into(), label: "Français langue étrangère (FLE)".into(), language: Some("fr".into()) }
}

fn money(euros: i64) -> String {
    Money::from_euros(euros).to_string()
}

#[test]
fn action_labels_word_for_word() {
    let may = Some(d(2026, 5, 19));
    let excel_test = |retake| take_test("excel", "Excel", false, retake);
    let english_test = |retake| take_test("anglais", "Anglais", true, retake);
    let table: Vec<(Action, &str)> = vec![
        (Action::SubmitProfile, "Complétez et envoyez votre profil"),
        (Action::AwaitValidation, "Patientez : l'équipe vérifie votre profil"),
        (Action::ReviewRequestedChanges, "Corrigez votre profil et renvoyez-le"),
        (Action::ContactTeam, "Contactez l'équipe Mission Formateur"),
        (Action::AddNda, "Ajoutez votre NDA"),
        (Action::TakeQualiopiQcm { available_from: None, retake: false }, "Passez le QCM Qualiopi"),
        (Action::TakeQualiopiQcm { available_from: None, retake: true }, "Repassez le QCM Qualiopi"),
        (Action::TakeQualiopiQcm { available_from: may, retake: true }, "Repassez le QCM Qualiopi à partir du 19 mai 2026"),
        (excel_test(false), "Passez le test « Excel »"),
        (excel_test(true), "Repassez le test « Excel »"),
        (english_test(false), "Passez le test d'anglais"),
        (english_test(true), "Repassez le test d'anglais"),
        (
            Action::TakeTest { domain_code: "anglais".into(), domain_label: "Anglais".into(), available_from: may, language: true, retake: true },
            "Repassez le test d'anglais à partir du 19 mai 2026",
        ),
        (take_test("fle", "Français langue étrangère (FLE)", true, false), "Passez le test de français langue étrangère (FLE)"),
        (Action::AddQualiopiCertificate, "Ajoutez votre certification Qualiopi"),
        (Action::DeclareTurnover, "Déclarez votre chiffre d'affaires annuel"),
        (Action::UpdateLanguages, "Vérifiez vos langues maternelles"),
        (Action::AwaitVerification(Paperwork::Nda), "Patientez : l'équipe vérifie votre NDA"),
        (Action::AwaitVerification(Paperwork::QualiopiCertificate), "Patientez : l'équipe vérifie votre certification Qualiopi"),
        (Action::AwaitVerification(Paperwork::Turnover), "Patientez : l'équipe vérifie votre déclaration de chiffre d'affaires"),
        (Action::Nothing, "Aucune action possible pour cette mission"),
    ];
    for (action, label) in table {
        assert_eq!(action.label(), label, "{action:?}");
    }
    assert!(!Action::AwaitVerification(Paperwork::Nda).is_actionable());
    assert_eq!(Action::AwaitVerification(Paperwork::Nda).href(), None);
}

#[test]
fn profile_sentences() {
    let m = mission(excel(), LearnerLevel::Beginner);
    for (status, code, message) in [
        (
            ProfileStatus::Draft,
            RefusalCode::ProfileNotSubmitted,
            "Votre profil n'a pas encore été envoyé à l'équipe : complétez-le et envoyez-le pour vérification.",
        ),
        (
            ProfileStatus::Submitted,
            RefusalCode::ProfilePending,
            "Votre profil est en cours de vérification par l'équipe Mission Formateur : vous pourrez postuler dès qu'il sera validé.",
        ),
        (
            ProfileStatus::ChangesRequested,
            RefusalCode::ProfileChangesRequested,
            "L'équipe a demandé des modifications sur votre profil : corrigez-le puis renvoyez-le pour validation.",
        ),
        (
            ProfileStatus::Rejected,
            RefusalCode::ProfileRejected,
            "Votre profil n'a pas été validé par l'équipe : contactez-nous pour en savoir plus.",
        ),
    ] {
        let e = eval(&TrainerFacts { profile_status: status, ..ready_trainer() }, &m);
        assert_eq!(only(&e, code).message, message);
    }
}

#[test]
fn nda_sentences_missing_and_awaiting_verification() {
    let m = mission(excel(), LearnerLevel::Beginner);
    let e = eval(&TrainerFacts { nda: None, ..ready_trainer() }, &m);
    let r = only(&e, RefusalCode::NdaMissing);
    assert_eq!(
        r.message,
        "Le numéro de déclaration d'activité (NDA) est obligatoire pour tous les formateurs : ajoutez-le à votre situation administrative."
    );
    assert_eq!(r.actions, vec![Action::AddNda]);

    // The only NDA entered waits for staff: no "ajoutez", the action is to wait.
    let waiting = TrainerFacts { nda: None, awaiting_verification: vec![Paperwork::Nda], ..ready_trainer() };
    let e = eval(&waiting, &m);
    let r = only(&e, RefusalCode::NdaNotVerified);
    assert_eq!(
        r.message,
        "Votre NDA attend la vérification de l'équipe Mission Formateur. Le NDA est obligatoire pour postuler : il sera pris en compte dès qu'il aura été vérifié."
    );
    assert!(!r.message.contains("joutez"));
    assert_eq!(r.actions, vec![Action::AwaitVerification(Paperwork::Nda)]);
    assert!(next_steps(&waiting, &[m.clone()], today(), &RuleSettings::default()).is_empty());

    // A profile not sent yet: the NDA will be verified with it.
    let draft = TrainerFacts { profile_status: ProfileStatus::Draft, ..waiting.clone() };
    let e = eval(&draft, &m);
    assert_eq!(e.codes(), vec![RefusalCode::ProfileNotSubmitted, RefusalCode::NdaNotVerified]);
    assert_eq!(
        e.refusals[1].message,
        "Votre NDA sera vérifié par l'équipe avec votre profil. Le NDA est obligatoire pour postuler : il sera pris en compte dès qu'il aura été vérifié."
    );
    assert_eq!(e.refusals[1].actions, vec![Action::SubmitProfile]);

    // A verified NDA keeps counting while its replacement waits.
    let replaced = TrainerFacts { awaiting_verification: vec![Paperwork::Nda], ..ready_trainer() };
    assert!(eval(&replaced, &m).can_apply());
}

#[test]
fn verification_notes_word_for_word() {
    let notes = |facts: TrainerFacts| facts.verification_notes();
    let nda = vec![Paperwork::Nda];
    assert_eq!(
        notes(TrainerFacts { awaiting_verification: nda.clone(), ..ready_trainer() }),
        vec!["Votre nouveau NDA attend la vérification de l'équipe Mission Formateur : d'ici là, le NDA déjà vérifié reste pris en compte."]
    );
    assert_eq!(
        notes(TrainerFacts { nda: None, awaiting_verification: nda.clone(), ..ready_trainer() }),
        vec!["Votre NDA attend la vérification de l'équipe Mission Formateur : il ne compte pas encore pour postuler."]
    );
    assert_eq!(
        notes(TrainerFacts { nda: None, awaiting_verification: nda, profile_status: ProfileStatus::Draft, ..ready_trainer() }),
        vec!["Votre NDA sera vérifié par l'équipe avec votre profil : il ne compte pas encore pour postuler."]
    );
    let cert = vec![Paperwork::QualiopiCertificate];
    assert_eq!(
        notes(TrainerFacts {
            qualiopi_certificate: certificate(d(2025, 1, 1), d(2027, 12, 31)),
            awaiting_verification: cert.clone(),
            ..ready_trainer()
        }),
        vec!["Votre nouvelle certification Qualiopi attend la vérification de l'équipe Mission Formateur : d'ici là, la certification déjà vérifiée reste prise en compte."]
    );
    assert_eq!(
        notes(TrainerFacts { awaiting_verification: cert.clone(), ..ready_trainer() }),
        vec!["Votre certification Qualiopi attend la vérification de l'équipe Mission Formateur : elle ne compte pas encore pour postuler."]
    );
    assert_eq!(
        notes(TrainerFacts { awaiting_verification: cert, profile_status: ProfileStatus::ChangesRequested, ..ready_trainer() }),
        vec!["Votre certification Qualiopi sera vérifiée par l'équipe avec votre profil : elle ne compte pas encore pour postuler."]
    );
    let turnover = vec![Paperwork::Turnover];
    assert_eq!(
        notes(TrainerFacts { micro_social: true, yearly_turnover: Some(Money::from_euros(30_000)), awaiting_verification: turnover.clone(), ..ready_trainer() }),
        vec!["Votre nouvelle déclaration de chiffre d'affaires attend la vérification de l'équipe Mission Formateur : d'ici là, la déclaration déjà vérifiée reste prise en compte."]
    );
    assert_eq!(
        notes(TrainerFacts { awaiting_verification: turnover, ..ready_trainer() }),
        vec!["Votre déclaration de chiffre d'affaires attend la vérification de l'équipe Mission Formateur : elle ne compte pas encore pour postuler."]
    );
    assert!(notes(ready_trainer()).is_empty());
}

#[test]
fn qcm_sentences() {
    let m = mission(excel(), LearnerLevel::Beginner);
    let e = eval(&TrainerFacts { qualiopi_qcm: None, ..ready_trainer() }, &m);
    let r = only(&e, RefusalCode::QualiopiQcmMissing);
    assert_eq!(r.message, "Vous n'avez pas encore réussi le QCM Qualiopi : passez-le dans l'onglet Tests de compétences pour postuler.");
    assert_eq!(r.actions[0].label(), "Passez le QCM Qualiopi");

    let old = TrainerFacts { qualiopi_qcm: Some(QcmPass { passed_on: d(2025, 1, 2), valid_until: d(2026, 1, 2) }), ..ready_trainer() };
    let e = eval(&old, &m);
    let r = only(&e, RefusalCode::QualiopiQcmExpired);
    assert_eq!(r.message, "Votre QCM Qualiopi a expiré le 2 janvier 2026 : repassez-le pour postuler.");
    assert_eq!(r.actions[0].label(), "Repassez le QCM Qualiopi");
}

#[test]
fn domain_test_sentences_name_the_test_in_good_french() {
    let mut no_tests = ready_trainer();
    no_tests.passed_tests.clear();
    let e = eval(&no_tests, &mission(english(), LearnerLevel::Beginner));
    let r = only(&e, RefusalCode::DomainTestMissing);
    assert_eq!(r.message, "Cette mission demande le test d'anglais : vous ne l'avez pas encore réussi.");
    assert_eq!(r.actions[0].label(), "Passez le test d'anglais");

    let e = eval(&no_tests, &mission(fle(), LearnerLevel::Beginner));
    assert_eq!(only(&e, RefusalCode::DomainTestMissing).message, "Cette mission demande le test de français langue étrangère (FLE) : vous ne l'avez pas encore réussi.");

    let e = eval(&no_tests, &mission(excel(), LearnerLevel::Beginner));
    assert_eq!(only(&e, RefusalCode::DomainTestMissing).message, "Cette mission demande le test « Excel » : vous ne l'avez pas encore réussi.");

    // A result that no longer matches the test is taken again.
    let mismatched = with_level(ready_trainer(), "excel", TestLevel::Language(Cefr::C2));
    let e = eval(&mismatched, &mission(excel(), LearnerLevel::Beginner));
    let r = only(&e, RefusalCode::DomainTestMissing);
    assert_eq!(r.message, "Cette mission demande le test « Excel » : votre résultat enregistré ne correspond plus à ce test, repassez-le.");
    assert_eq!(r.actions[0].label(), "Repassez le test « Excel »");
}

#[test]
fn level_sentences_say_retake() {
    let cases = [
        (
            with_level(ready_trainer(), "excel", TestLevel::Competence(CompetenceLevel::Advanced)),
            mission(excel(), LearnerLevel::Beginner),
            RefusalCode::CompetenceTooLow,
            "Pour des stagiaires de niveau débutant, il faut le niveau Expert ou Expert + en « Excel » ; votre test vous a classé au niveau Avancé : repassez-le pour l'atteindre.",
            "Repassez le test « Excel »",
        ),
        (
            with_level(ready_trainer(), "excel", TestLevel::Competence(CompetenceLevel::Expert)),
            mission(excel(), LearnerLevel::Intermediate),
            RefusalCode::CompetenceTooLow,
            "Pour des stagiaires de niveau intermédiaire, il faut le niveau Expert + en « Excel » ; votre test vous a classé au niveau Expert : repassez-le pour l'atteindre.",
            "Repassez le test « Excel »",
        ),
        (
            with_level(ready_trainer(), "anglais", TestLevel::Language(Cefr::B2)),
            mission(english(), LearnerLevel::Beginner),
            RefusalCode::LanguageLevelTooLow,
            "Pour des stagiaires de niveau débutant, il faut un niveau C1 ou C2 en anglais ; votre test vous a placé au niveau B2 : repassez-le pour l'atteindre.",
            "Repassez le test d'anglais",
        ),
        (
            with_level(ready_trainer(), "anglais", TestLevel::Language(Cefr::C1)),
            mission(english(), LearnerLevel::Expert),
            RefusalCode::LanguageLevelTooLow,
            "Pour des stagiaires de niveau expert, il faut un niveau C2 en anglais ; votre test vous a placé au niveau C1 : repassez-le pour l'atteindre.",
            "Repassez le test d'anglais",
        ),
    ];
    for (trainer, m, code, message, label) in cases {
        let e = eval(&trainer, &m);
        let r = only(&e, code);
        assert_eq!(r.message, message);
        assert_eq!(r.actions[0].label(), label);
    }
}

#[test]
fn an_expired_test_whose_level_is_too_low_gives_both_reasons() {
    let mut trainer = ready_trainer();
    trainer.passed_tests[1] = pass("anglais", TestLevel::Language(Cefr::B2), d(2025, 3, 3));
    let e = eval(&trainer, &mission(english(), LearnerLevel::Beginner));
    assert_eq!(e.codes(), vec![RefusalCode::DomainTestExpired, RefusalCode::LanguageLevelTooLow]);
    assert_eq!(e.refusals[0].message, "Votre test d'anglais a expiré le 3 mars 2026 : repassez-le pour postuler.");
    assert_eq!(
        e.refusals[1].message,
        "Pour des stagiaires de niveau débutant, il faut un niveau C1 ou C2 en anglais ; votre test vous a placé au niveau B2 : repassez-le pour l'atteindre."
    );
    // One action lifts both: taking the test again.
    assert_eq!(e.actions(), vec![take_test("anglais", "Anglais", true, true)]);
    assert!(e.warnings.is_empty());
}

#[test]
fn native_sentences_use_the_article_with_elision() {
    let mut m = mission(english(), LearnerLevel::Beginner);
    m.native_requirement = NativeRequirement::NativeRequired;
    let e = eval(&ready_trainer(), &m);
    let r = only(&e, RefusalCode::NativeSpeakerRequired);
    assert_eq!(
        r.message,
        "Les stagiaires de cette mission demandent un formateur dont la langue maternelle est l'anglais. Si c'est votre cas, indiquez-le dans votre parcours."
    );
    assert_eq!(r.actions[0].label(), "Vérifiez vos langues maternelles");

    m.native_requirement = NativeRequirement::NonNativeRequired;
    let native = TrainerFacts { mother_tongues: vec!["en".into()], ..ready_trainer() };
    let e = eval(&native, &m);
    let r = only(&e, RefusalCode::NonNativeSpeakerRequired);
    assert_eq!(r.message, "Les stagiaires de cette mission demandent un formateur dont l'anglais n'est pas la langue maternelle.");
    assert_eq!(r.actions, vec![Action::Nothing]);

    // French: no elision.
    let mut m = mission(fle(), LearnerLevel::Beginner);
    m.native_requirement = NativeRequirement::NonNativeRequired;
    let trainer = TrainerFacts {
        passed_tests: vec![pass("fle", TestLevel::Language(Cefr::C2), d(2026, 2, 1))],
        ..ready_trainer()
    };
    let e = eval(&trainer, &m);
    assert_eq!(
        only(&e, RefusalCode::NonNativeSpeakerRequired).message,
        "Les stagiaires de cette mission demandent un formateur dont le français n'est pas la langue maternelle."
    );
}

fn june_cpf() -> MissionRequirements {
    cpf_mission(d(2026, 6, 1), d(2026, 6, 30))
}

fn micro_trainer(turnover: Option<i64>) -> TrainerFacts {
    TrainerFacts {
        legal_status: Some(LegalStatus::MicroEntrepreneur),
        micro_social: true,
        yearly_turnover: turnover.map(Money::from_euros),
        ..ready_trainer()
    }
}

#[test]
fn cpf_sentences_word_for_word() {
    let ceiling = format!("{} HT en vigueur au 1er juin 2026", money(83_600));

    // A company without a certificate: only Qualiopi, never the micro-entrepreneur exemption.
    let e = eval(&ready_trainer(), &june_cpf());
    let r = only(&e, RefusalCode::CpfQualiopiRequired);
    assert_eq!(r.message, "Cette mission est financée par le CPF : depuis le 1er avril 2024, les formateurs sous-traitants doivent être certifiés Qualiopi.");
    assert_eq!(r.actions, vec![Action::AddQualiopiCertificate]);

    // A micro-entrepreneur not (yet verified as) micro-social: both routes.
    let micro_status = TrainerFacts { legal_status: Some(LegalStatus::MicroEntrepreneur), ..ready_trainer() };
    let e = eval(&micro_status, &june_cpf());
    let r = only(&e, RefusalCode::CpfQualiopiRequired);
    assert_eq!(
        r.message,
        "Cette mission est financée par le CPF : depuis le 1er avril 2024, il faut être certifié Qualiopi, ou être micro-entrepreneur (régime micro-social) avec un chiffre d'affaires annuel qui ne dépasse pas le plafond."
    );
    assert_eq!(r.actions, vec![Action::AddQualiopiCertificate, Action::DeclareTurnover]);

    // Its declaration waits for staff.
    let waiting = TrainerFacts { awaiting_verification: vec![Paperwork::Turnover], ..micro_status };
    let e = eval(&waiting, &june_cpf());
    let r = only(&e, RefusalCode::CpfQualiopiRequired);
    assert_eq!(
        r.message,
        "Cette mission est financée par le CPF : depuis le 1er avril 2024, il faut être certifié Qualiopi, ou être micro-entrepreneur (régime micro-social) avec un chiffre d'affaires annuel qui ne dépasse pas le plafond. Votre déclaration de chiffre d'affaires attend la vérification de l'équipe Mission Formateur."
    );
    assert_eq!(r.actions, vec![Action::AddQualiopiCertificate, Action::AwaitVerification(Paperwork::Turnover)]);

    // A company whose certificate waits for staff.
    let waiting = TrainerFacts { awaiting_verification: vec![Paperwork::QualiopiCertificate], ..ready_trainer() };
    let e = eval(&waiting, &june_cpf());
    let r = only(&e, RefusalCode::CpfQualiopiRequired);
    assert_eq!(
        r.message,
        "Cette mission est financée par le CPF : depuis le 1er avril 2024, les formateurs sous-traitants doivent être certifiés Qualiopi. Votre certification Qualiopi attend la vérification de l'équipe Mission Formateur."
    );
    assert_eq!(r.actions, vec![Action::AwaitVerification(Paperwork::QualiopiCertificate)]);

    // Over the ceiling: "dépasse".
    let e = eval(&micro_trainer(Some(90_000)), &june_cpf());
    let r = only(&e, RefusalCode::CpfTurnoverOverCeiling);
    assert_eq!(
        r.message,
        format!(
            "Cette mission est financée par le CPF : votre chiffre d'affaires déclaré ({} HT) dépasse le plafond de la micro-entreprise ({ceiling}). Il faut donc une certification Qualiopi valable pendant toute la mission.",
            money(90_000)
        )
    );
    assert_eq!(r.actions, vec![Action::AddQualiopiCertificate, Action::DeclareTurnover]);

    // No turnover declared.
    let e = eval(&micro_trainer(None), &june_cpf());
    let r = only(&e, RefusalCode::CpfTurnoverNotDeclared);
    assert_eq!(
        r.message,
        format!("Cette mission est financée par le CPF : en micro-entreprise, la certification Qualiopi n'est pas exigée si votre chiffre d'affaires annuel ne dépasse pas le plafond ({ceiling}). Déclarez-le, ou ajoutez une certification Qualiopi.")
    );
    assert_eq!(r.actions, vec![Action::DeclareTurnover, Action::AddQualiopiCertificate]);

    // A new declaration waits for staff.
    let waiting = TrainerFacts { awaiting_verification: vec![Paperwork::Turnover], ..micro_trainer(None) };
    let e = eval(&waiting, &june_cpf());
    let r = only(&e, RefusalCode::CpfTurnoverNotDeclared);
    assert_eq!(
        r.message,
        format!("Cette mission est financée par le CPF : en micro-entreprise, la certification Qualiopi n'est pas exigée si votre chiffre d'affaires annuel ne dépasse pas le plafond ({ceiling}). Votre nouvelle déclaration de chiffre d'affaires attend la vérification de l'équipe Mission Formateur.")
    );
    assert_eq!(r.actions, vec![Action::AwaitVerification(Paperwork::Turnover), Action::AddQualiopiCertificate]);

    // A certificate starting after the mission starts.
    let late = TrainerFacts { qualiopi_certificate: certificate(d(2026, 6, 10), d(2029, 6, 9)), ..ready_trainer() };
    let e = eval(&late, &june_cpf());
    let r = only(&e, RefusalCode::CpfCertificateDoesNotCoverMission);
    assert_eq!(r.message, "Cette mission est financée par le CPF et commence le 1er juin 2026 : votre certification Qualiopi n'est valable qu'à partir du 10 juin 2026.");
    assert_eq!(r.actions, vec![Action::AddQualiopiCertificate]);
}

#[test]
fn a_certificate_ending_during_the_mission_is_said_even_when_the_exemption_also_fails() {
    let ending = certificate(d(2023, 6, 15), d(2026, 6, 14));
    let ends = "Cette mission est financée par le CPF et se termine le 30 juin 2026 : votre certification Qualiopi expire le 14 juin 2026. Ajoutez votre certificat renouvelé.";

    // A company: the certificate only.
    let company = TrainerFacts { qualiopi_certificate: ending.clone(), ..ready_trainer() };
    let e = eval(&company, &june_cpf());
    let r = only(&e, RefusalCode::CpfCertificateDoesNotCoverMission);
    assert_eq!(r.message, ends);
    assert_eq!(r.actions, vec![Action::AddQualiopiCertificate]);

    // A micro-entrepreneur over the ceiling: both reasons.
    let micro = TrainerFacts { qualiopi_certificate: ending.clone(), ..micro_trainer(Some(90_000)) };
    let e = eval(&micro, &june_cpf());
    assert_eq!(e.codes(), vec![RefusalCode::CpfCertificateDoesNotCoverMission, RefusalCode::CpfTurnoverOverCeiling]);
    assert_eq!(e.refusals[0].message, ends);
    assert!(e.refusals[1].message.contains("dépasse le plafond"));

    // Without a declared turnover: both reasons too.
    let micro = TrainerFacts { qualiopi_certificate: ending.clone(), ..micro_trainer(None) };
    assert_eq!(
        eval(&micro, &june_cpf()).codes(),
        vec![RefusalCode::CpfCertificateDoesNotCoverMission, RefusalCode::CpfTurnoverNotDeclared]
    );

    // Under the ceiling, the exemption is enough: nothing to say.
    let micro = TrainerFacts { qualiopi_certificate: ending.clone(), ..micro_trainer(Some(30_000)) };
    assert!(eval(&micro, &june_cpf()).can_apply());

    // The renewed certificate waits for staff: said instead of "ajoutez".
    let waiting = TrainerFacts { awaiting_verification: vec![Paperwork::QualiopiCertificate], ..company };
    let e = eval(&waiting, &june_cpf());
    let r = only(&e, RefusalCode::CpfCertificateDoesNotCoverMission);
    assert_eq!(
        r.message,
        "Cette mission est financée par le CPF et se termine le 30 juin 2026 : votre certification Qualiopi expire le 14 juin 2026. Votre nouvelle certification Qualiopi attend la vérification de l'équipe Mission Formateur."
    );
    assert_eq!(r.actions, vec![Action::AwaitVerification(Paperwork::QualiopiCertificate)]);
}

#[test]
fn a_company_is_never_told_to_declare_a_turnover() {
    for status in [LegalStatus::Company, LegalStatus::Portage, LegalStatus::Other] {
        let base = TrainerFacts { legal_status: Some(status), ..ready_trainer() };
        let trainers = [
            base.clone(),
            TrainerFacts { qualiopi_certificate: certificate(d(2023, 6, 15), d(2026, 6, 14)), ..base.clone() },
            TrainerFacts { qualiopi_certificate: certificate(d(2026, 6, 10), d(2029, 6, 9)), ..base.clone() },
            TrainerFacts { awaiting_verification: vec![Paperwork::Turnover, Paperwork::QualiopiCertificate], ..base.clone() },
        ];
        for trainer in trainers {
            let e = eval(&trainer, &june_cpf());
            assert!(!e.actions().contains(&Action::DeclareTurnover), "{status:?}: {:?}", e.actions());
            assert!(!e.actions().contains(&Action::AwaitVerification(Paperwork::Turnover)));
            for r in &e.refusals {
                assert!(!r.message.contains("micro"), "{}", r.message);
                assert!(!r.message.contains("chiffre d'affaires"), "{}", r.message);
            }
        }
    }
}

#[test]
fn warnings_for_what_ends_during_the_mission() {
    let m = mission(excel(), LearnerLevel::Beginner);

    // The QCM ends on 15 June, the mission on 30 June: a warning, not a refusal.
    let qcm = TrainerFacts { qualiopi_qcm: Some(QcmPass { passed_on: d(2025, 6, 15), valid_until: d(2026, 6, 15) }), ..ready_trainer() };
    let e = eval(&qcm, &m);
    assert!(e.can_apply());
    assert_eq!(e.warning_codes(), vec![WarningCode::QualiopiQcmEndsDuringMission]);
    assert_eq!(
        e.warnings[0].message,
        "Votre QCM Qualiopi expire le 15 juin 2026, avant la fin de la mission (30 juin 2026) : pensez à le repasser avant cette date."
    );
    assert_eq!(e.warnings[0].action.label(), "Repassez le QCM Qualiopi");

    // The domain test.
    let mut test = ready_trainer();
    test.passed_tests[0] = pass("excel", TestLevel::Competence(CompetenceLevel::ExpertPlus), d(2025, 6, 10));
    let e = eval(&test, &m);
    assert!(e.can_apply());
    assert_eq!(e.warning_codes(), vec![WarningCode::DomainTestEndsDuringMission]);
    assert_eq!(
        e.warnings[0].message,
        "Votre test « Excel » expire le 10 juin 2026, avant la fin de la mission (30 juin 2026) : pensez à le repasser avant cette date."
    );
    assert_eq!(e.warnings[0].action.label(), "Repassez le test « Excel »");
    let mut test = ready_trainer();
    test.passed_tests[1] = pass("anglais", TestLevel::Language(Cefr::C2), d(2025, 6, 10));
    let e = eval(&test, &mission(english(), LearnerLevel::Beginner));
    assert_eq!(
        e.warnings[0].message,
        "Votre test d'anglais expire le 10 juin 2026, avant la fin de la mission (30 juin 2026) : pensez à le repasser avant cette date."
    );
    // No warning on top of a refusal about the same test.
    let low = with_level(test.clone(), "anglais", TestLevel::Language(Cefr::B1));
    let e = eval(&low, &mission(english(), LearnerLevel::Beginner));
    assert_eq!(e.codes(), vec![RefusalCode::LanguageLevelTooLow]);
    assert!(e.warnings.is_empty());

    // A certificate, on a mission that does not require it.
    let cert = TrainerFacts { qualiopi_certificate: certificate(d(2023, 6, 15), d(2026, 6, 14)), ..ready_trainer() };
    let e = eval(&cert, &m);
    assert!(e.can_apply());
    assert_eq!(e.warning_codes(), vec![WarningCode::QualiopiCertificateEndsDuringMission]);
    assert_eq!(
        e.warnings[0].message,
        "Votre certification Qualiopi expire le 14 juin 2026, avant la fin de la mission (30 juin 2026) : pensez à la renouveler avant cette date."
    );
    assert_eq!(e.warnings[0].action.label(), "Ajoutez votre certification Qualiopi");
    // On a CPF mission it is a refusal, not a warning.
    let e = eval(&cert, &june_cpf());
    assert_eq!(e.codes(), vec![RefusalCode::CpfCertificateDoesNotCoverMission]);
    assert!(e.warnings.is_empty());

    // Valid past the mission's end: nothing.
    assert!(eval(&ready_trainer(), &m).warnings.is_empty());
}

#[test]
fn eligibility_without_warnings_still_deserialises() {
    let e: Eligibility = serde_json::from_str(r#"{"refusals":[]}"#).unwrap();
    assert!(e.can_apply() && e.warnings.is_empty());
    let a: Action = serde_json::from_str(r#"{"TakeQualiopiQcm":{"available_from":null}}"#).unwrap();
    assert_eq!(a.label(), "Passez le QCM Qualiopi");
}
