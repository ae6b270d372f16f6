//! Who may apply to which mission, with every reason why not and what to do about it.
//!
//! The browser runs these functions to explain instantly; the server runs the same ones to decide.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::french_date;
use super::languages::language_name;
use super::values::{Cefr, CompetenceLevel, LearnerLevel, LegalStatus, Money, Nda, NativeRequirement};

/// Where a trainer's profile stands in the staff verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProfileStatus {
    Draft,
    Submitted,
    Validated,
    ChangesRequested,
    Rejected,
}

impl ProfileStatus {
    pub const ALL: &'static [ProfileStatus] = &[
        ProfileStatus::Draft,
        ProfileStatus::Submitted,
        ProfileStatus::Validated,
        ProfileStatus::ChangesRequested,
        ProfileStatus::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProfileStatus::Draft => "brouillon",
            ProfileStatus::Submitted => "en_attente",
            ProfileStatus::Validated => "valide",
            ProfileStatus::ChangesRequested => "modifications_demandees",
            ProfileStatus::Rejected => "refuse",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProfileStatus::Draft => "Brouillon",
            ProfileStatus::Submitted => "En attente de vérification",
            ProfileStatus::Validated => "Validé",
            ProfileStatus::ChangesRequested => "Modifications demandées",
            ProfileStatus::Rejected => "Refusé",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// A Qualiopi certificate held by the trainer, with its validity window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualiopiCertificate {
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
}

/// The level a passed test placed the trainer at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestLevel {
    Competence(CompetenceLevel),
    Language(Cefr),
}

impl TestLevel {
    pub fn label(self) -> &'static str {
        match self {
            TestLevel::Competence(level) => level.label(),
            TestLevel::Language(cefr) => cefr.code(),
        }
    }
}

/// A competence test the trainer passed, with the end of its validity (each test has its own
/// validity period, one year by default: "les compétences doivent être validées chaque année").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassedTest {
    pub domain_code: String,
    pub level: TestLevel,
    pub taken_on: NaiveDate,
    pub valid_until: NaiveDate,
    #[serde(default)] pub score_percent: Option<u8>,
}

/// The last passed Qualiopi QCM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QcmPass {
    pub passed_on: NaiveDate,
    pub valid_until: NaiveDate,
}

/// Which test a retake delay is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TestRef {
    QualiopiQcm,
    Domain(String),
}

/// A failed test cannot be taken again before `available_from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetakeDelay {
    pub test: TestRef,
    pub available_from: NaiveDate,
}

/// Everything about a trainer that the rules read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainerFacts {
    pub profile_status: ProfileStatus,
    pub nda: Option<Nda>,
    pub legal_status: Option<LegalStatus>,
    /// Declared under the micro-social regime (micro-entrepreneur).
    pub micro_social: bool,
    /// Last declared yearly turnover, excluding VAT.
    pub yearly_turnover: Option<Money>,
    pub qualiopi_certificate: Option<QualiopiCertificate>,
    /// The last passed Qualiopi QCM.
    pub qualiopi_qcm: Option<QcmPass>,
    /// Passed competence tests; the most recent per domain counts.
    pub passed_tests: Vec<PassedTest>,
    pub retake_delays: Vec<RetakeDelay>,
    /// Language codes (ISO 639-1) of the trainer's mother tongues.
    pub mother_tongues: Vec<String>,
}

impl TrainerFacts {
    /// A brand-new trainer: nothing recorded yet.
    pub fn empty() -> Self {
        Self {
            profile_status: ProfileStatus::Draft,
            nda: None,
            legal_status: None,
            micro_social: false,
            yearly_turnover: None,
            qualiopi_certificate: None,
            qualiopi_qcm: None,
            passed_tests: Vec::new(),
            retake_delays: Vec::new(),
            mother_tongues: Vec::new(),
        }
    }

    fn latest_pass(&self, domain_code: &str) -> Option<&PassedTest> {
        self.passed_tests
            .iter()
            .filter(|t| t.domain_code == domain_code)
            .max_by_key(|t| t.taken_on)
    }

    fn retake_from(&self, test: &TestRef, today: NaiveDate) -> Option<NaiveDate> {
        self.retake_delays
            .iter()
            .filter(|r| &r.test == test && r.available_from > today)
            .map(|r| r.available_from)
            .max()
    }
}

/// A training domain as the rules see it; language domains name the language taught.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainRef {
    pub code: String,
    pub label: String,
    /// ISO 639-1 code of the language taught, for language domains.
    pub language: Option<String>,
}

/// What a mission asks of the trainer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionRequirements {
    pub domain: DomainRef,
    pub learner_level: LearnerLevel,
    /// Only read for language domains.
    pub native_requirement: NativeRequirement,
    pub cpf_funded: bool,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The micro-enterprise turnover ceiling (services) in force from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnoverCeiling {
    pub valid_from: NaiveDate,
    pub amount: Money,
}

/// Settings of the rules, editable by staff; `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSettings {
    /// First day of the CPF subcontracting rules (décret n° 2023-1350).
    pub cpf_reform_start: NaiveDate,
    /// Micro-enterprise turnover ceilings, each in force from its date.
    pub turnover_ceilings: Vec<TurnoverCeiling>,
    /// A result expiring within this many days is flagged "expire bientôt".
    pub expiry_warning_days: u32,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

impl Default for RuleSettings {
    fn default() -> Self {
        Self {
            cpf_reform_start: ymd(2024, 4, 1),
            turnover_ceilings: vec![
                TurnoverCeiling { valid_from: ymd(2023, 1, 1), amount: Money::from_euros(77_700) },
                TurnoverCeiling { valid_from: ymd(2026, 1, 1), amount: Money::from_euros(83_600) },
            ],
            expiry_warning_days: 30,
        }
    }
}

impl RuleSettings {
    /// The ceiling in force on `date`: the latest one whose start is not after it.
    pub fn ceiling_at(&self, date: NaiveDate) -> Option<&TurnoverCeiling> {
        self.turnover_ceilings.iter().filter(|c| c.valid_from <= date).max_by_key(|c| c.valid_from)
    }
}

/// Learner level → minimum trainer competence (non-language domains).
pub fn required_competence(level: LearnerLevel) -> CompetenceLevel {
    match level {
        LearnerLevel::Beginner => CompetenceLevel::Expert,
        LearnerLevel::Intermediate | LearnerLevel::Expert => CompetenceLevel::ExpertPlus,
    }
}

/// Learner level → minimum trainer CEFR level (language domains).
pub fn required_cefr(level: LearnerLevel) -> Cefr {
    match level {
        LearnerLevel::Beginner => Cefr::C1,
        LearnerLevel::Intermediate | LearnerLevel::Expert => Cefr::C2,
    }
}

/// What the trainer can do to lift a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Fill the profile and submit it for verification.
    SubmitProfile,
    /// The profile is with staff: nothing to do but wait.
    AwaitValidation,
    /// Staff asked for changes: read them, fix, resubmit.
    ReviewRequestedChanges,
    /// Contact the team (refused profile, or a requirement the trainer cannot change).
    ContactTeam,
    AddNda,
    TakeQualiopiQcm { available_from: Option<NaiveDate> },
    TakeTest { domain_code: String, domain_label: String, available_from: Option<NaiveDate> },
    AddQualiopiCertificate,
    DeclareTurnover,
    UpdateLanguages,
    /// Nothing the trainer can change (e.g. a non-native speaker is required).
    Nothing,
}

impl Action {
    /// Page where the trainer can act, if any.
    pub fn href(&self) -> Option<&'static str> {
        match self {
            Action::SubmitProfile | Action::ReviewRequestedChanges => Some("/profil"),
            Action::AddNda | Action::AddQualiopiCertificate | Action::DeclareTurnover => {
                Some("/profil/administratif")
            }
            Action::UpdateLanguages => Some("/profil/parcours"),
            Action::TakeQualiopiQcm { .. } | Action::TakeTest { .. } => Some("/tests"),
            Action::ContactTeam => Some("/contact"),
            Action::AwaitValidation | Action::Nothing => None,
        }
    }

    /// A short French imperative for a button or a list of next steps.
    pub fn label(&self) -> String {
        match self {
            Action::SubmitProfile => "Complétez et envoyez votre profil".into(),
            Action::AwaitValidation => "Patientez : l'équipe vérifie votre profil".into(),
            Action::ReviewRequestedChanges => "Corrigez votre profil et renvoyez-le".into(),
            Action::ContactTeam => "Contactez l'équipe Mission Formateur".into(),
            Action::AddNda => "Ajoutez votre NDA".into(),
            Action::TakeQualiopiQcm { available_from: None } => "Passez le QCM Qualiopi".into(),
            Action::TakeQualiopiQcm { available_from: Some(d) } => {
                format!("Repassez le QCM Qualiopi à partir du {}", french_date(*d))
            }
            Action::TakeTest { domain_label, available_from: None, .. } => {
                format!("Passez le test {domain_label}")
            }
            Action::TakeTest { domain_label, available_from: Some(d), .. } => {
                format!("Repassez le test {domain_label} à partir du {}", french_date(*d))
            }
            Action::AddQualiopiCertificate => "Ajoutez votre certification Qualiopi".into(),
            Action::DeclareTurnover => "Déclarez votre chiffre d'affaires annuel".into(),
            Action::UpdateLanguages => "Vérifiez vos langues maternelles".into(),
            Action::Nothing => "Aucune action possible pour cette mission".into(),
        }
    }

    /// Whether the trainer can do something about it.
    pub fn is_actionable(&self) -> bool {
        !matches!(self, Action::Nothing | Action::AwaitValidation | Action::ContactTeam)
    }
}

/// Stable identifier of a rule that refused; used by the UI, the API and the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefusalCode {
    ProfileNotSubmitted,
    ProfilePending,
    ProfileChangesRequested,
    ProfileRejected,
    NdaMissing,
    QualiopiQcmMissing,
    QualiopiQcmExpired,
    DomainTestMissing,
    DomainTestExpired,
    CompetenceTooLow,
    LanguageLevelTooLow,
    NativeSpeakerRequired,
    NonNativeSpeakerRequired,
    CpfQualiopiRequired,
    CpfCertificateDoesNotCoverMission,
    CpfTurnoverOverCeiling,
    CpfTurnoverNotDeclared,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::ProfileNotSubmitted => "profile_not_submitted",
            RefusalCode::ProfilePending => "profile_pending",
            RefusalCode::ProfileChangesRequested => "profile_changes_requested",
            RefusalCode::ProfileRejected => "profile_rejected",
            RefusalCode::NdaMissing => "nda_missing",
            RefusalCode::QualiopiQcmMissing => "qualiopi_qcm_missing",
            RefusalCode::QualiopiQcmExpired => "qualiopi_qcm_expired",
            RefusalCode::DomainTestMissing => "domain_test_missing",
            RefusalCode::DomainTestExpired => "domain_test_expired",
            RefusalCode::CompetenceTooLow => "competence_too_low",
            RefusalCode::LanguageLevelTooLow => "language_level_too_low",
            RefusalCode::NativeSpeakerRequired => "native_speaker_required",
            RefusalCode::NonNativeSpeakerRequired => "non_native_speaker_required",
            RefusalCode::CpfQualiopiRequired => "cpf_qualiopi_required",
            RefusalCode::CpfCertificateDoesNotCoverMission => "cpf_certificate_does_not_cover_mission",
            RefusalCode::CpfTurnoverOverCeiling => "cpf_turnover_over_ceiling",
            RefusalCode::CpfTurnoverNotDeclared => "cpf_turnover_not_declared",
        }
    }
}

/// One reason a trainer may not apply, in words they can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: RefusalCode,
    pub message: String,
    pub actions: Vec<Action>,
}

impl Refusal {
    fn new(code: RefusalCode, message: impl Into<String>, actions: Vec<Action>) -> Self {
        Self { code, message: message.into(), actions }
    }
}

/// The verdict: the trainer may apply when there is no refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub refusals: Vec<Refusal>,
}

impl Eligibility {
    pub fn can_apply(&self) -> bool {
        self.refusals.is_empty()
    }

    pub fn codes(&self) -> Vec<RefusalCode> {
        self.refusals.iter().map(|r| r.code).collect()
    }

    /// Every distinct action that would lift a refusal, in the order of the refusals.
    pub fn actions(&self) -> Vec<Action> {
        let mut out: Vec<Action> = Vec::new();
        for action in self.refusals.iter().flat_map(|r| r.actions.iter()) {
            if !out.contains(action) {
                out.push(action.clone());
            }
        }
        out
    }
}

/// Decides whether `trainer` may apply to `mission` on `today`, collecting every reason why not.
pub fn evaluate(
    trainer: &TrainerFacts,
    mission: &MissionRequirements,
    today: NaiveDate,
    settings: &RuleSettings,
) -> Eligibility {
    let mut refusals = Vec::new();
    check_profile(trainer, &mut refusals);
    check_nda(trainer, &mut refusals);
    check_qualiopi_qcm(trainer, today, &mut refusals);
    check_domain_test_and_level(trainer, mission, today, &mut refusals);
    check_native_requirement(trainer, mission, &mut refusals);
    check_cpf(trainer, mission, settings, &mut refusals);
    Eligibility { refusals }
}

/// Rule 1: the profile has been validated by staff.
fn check_profile(trainer: &TrainerFacts, refusals: &mut Vec<Refusal>) {
    let refusal = match trainer.profile_status {
        ProfileStatus::Validated => return,
        ProfileStatus::Draft => Refusal::new(
            RefusalCode::ProfileNotSubmitted,
            "Votre profil n'a pas encore été envoyé à l'équipe : complétez-le et envoyez-le pour vérification.",
            vec![Action::SubmitProfile],
        ),
        ProfileStatus::Submitted => Refusal::new(
            RefusalCode::ProfilePending,
            "Votre profil est en cours de vérification par l'équipe Mission Formateur : vous pourrez postuler dès qu'il sera validé.",
            vec![Action::AwaitValidation],
        ),
        ProfileStatus::ChangesRequested => Refusal::new(
            RefusalCode::ProfileChangesRequested,
            "L'équipe a demandé des modifications sur votre profil : corrigez-le puis renvoyez-le pour validation.",
            vec![Action::ReviewRequestedChanges],
        ),
        ProfileStatus::Rejected => Refusal::new(
            RefusalCode::ProfileRejected,
            "Votre profil n'a pas été validé par l'équipe : contactez-nous pour en savoir plus.",
            vec![Action::ContactTeam],
        ),
    };
    refusals.push(refusal);
}

/// Rule 2: an NDA is recorded (mandatory for every trainer).
fn check_nda(trainer: &TrainerFacts, refusals: &mut Vec<Refusal>) {
    if trainer.nda.is_none() {
        refusals.push(Refusal::new(
            RefusalCode::NdaMissing,
            "Le numéro de déclaration d'activité (NDA) est obligatoire pour tous les formateurs : ajoutez-le à votre situation administrative.",
            vec![Action::AddNda],
        ));
    }
}

/// Rule 3: the Qualiopi QCM is passed and still valid.
fn check_qualiopi_qcm(trainer: &TrainerFacts, today: NaiveDate, refusals: &mut Vec<Refusal>) {
    let available_from = trainer.retake_from(&TestRef::QualiopiQcm, today);
    let action = Action::TakeQualiopiQcm { available_from };
    match &trainer.qualiopi_qcm {
        None => refusals.push(Refusal::new(
            RefusalCode::QualiopiQcmMissing,
            "Vous n'avez pas encore réussi le QCM Qualiopi : passez-le dans l'onglet Tests de compétences pour postuler.",
            vec![action],
        )),
        Some(qcm) => {
            let valid_until = qcm.valid_until;
            if today > valid_until {
                refusals.push(Refusal::new(
                    RefusalCode::QualiopiQcmExpired,
                    format!(
                        "Votre QCM Qualiopi a expiré le {} : repassez-le pour postuler.",
                        french_date(valid_until)
                    ),
                    vec![action],
                ));
            }
        }
    }
}

/// Rules 4, 5 and 6 (level): the domain's test is passed, valid, and at the level the learners need.
fn check_domain_test_and_level(
    trainer: &TrainerFacts,
    mission: &MissionRequirements,
    today: NaiveDate,
    refusals: &mut Vec<Refusal>,
) {
    let domain = &mission.domain;
    let retake = Action::TakeTest {
        domain_code: domain.code.clone(),
        domain_label: domain.label.clone(),
        available_from: trainer.retake_from(&TestRef::Domain(domain.code.clone()), today),
    };
    let Some(test) = trainer.latest_pass(&domain.code) else {
        let blocked = match &retake {
            Action::TakeTest { available_from: Some(d), .. } => {
                format!(" (vous pourrez le repasser à partir du {})", french_date(*d))
            }
            _ => String::new(),
        };
        refusals.push(Refusal::new(
            RefusalCode::DomainTestMissing,
            format!(
                "Cette mission demande le test de compétences {} : vous ne l'avez pas encore réussi{blocked}.",
                domain.label
            ),
            vec![retake],
        ));
        return;
    };
    let valid_until = test.valid_until;
    if today > valid_until {
        refusals.push(Refusal::new(
            RefusalCode::DomainTestExpired,
            format!(
                "Votre test {} a expiré le {} : repassez-le pour postuler.",
                domain.label,
                french_date(valid_until)
            ),
            vec![retake],
        ));
        return;
    }
    let learners = mission.learner_level.label().to_lowercase();
    match (domain.language.is_some(), test.level) {
        (true, TestLevel::Language(cefr)) => {
            let needed = required_cefr(mission.learner_level);
            if cefr < needed {
                let accepted = if needed == Cefr::C1 { "C1 ou C2" } else { "C2" };
                refusals.push(Refusal::new(
                    RefusalCode::LanguageLevelTooLow,
                    format!(
                        "Pour des stagiaires de niveau {learners}, il faut un niveau {accepted} en {} ; votre test vous a placé au niveau {}.",
                        domain.label,
                        cefr.code()
                    ),
                    vec![retake],
                ));
            }
        }
        (false, TestLevel::Competence(level)) => {
            let needed = required_competence(mission.learner_level);
            if level < needed {
                let accepted = if needed == CompetenceLevel::Expert {
                    "Expert ou Expert +"
                } else {
                    "Expert +"
                };
                refusals.push(Refusal::new(
                    RefusalCode::CompetenceTooLow,
                    format!(
                        "Pour des stagiaires de niveau {learners}, il faut le niveau {accepted} en {} ; votre test vous a classé {}.",
                        domain.label,
                        level.label()
                    ),
                    vec![retake],
                ));
            }
        }
        // A result whose kind does not match the domain (data changed since): treat as missing.
        _ => refusals.push(Refusal::new(
            RefusalCode::DomainTestMissing,
            format!(
                "Cette mission demande le test de compétences {} : votre résultat enregistré ne correspond plus à ce test, repassez-le.",
                domain.label
            ),
            vec![retake],
        )),
    }
}

/// Rule 6 (mother tongue): language missions may require, or exclude, native speakers.
fn check_native_requirement(
    trainer: &TrainerFacts,
    mission: &MissionRequirements,
    refusals: &mut Vec<Refusal>,
) {
    let Some(language) = &mission.domain.language else {
        return;
    };
    let is_native = trainer.mother_tongues.iter().any(|l| l == language);
    let name = language_name(language).unwrap_or(mission.domain.label.as_str()).to_lowercase();
    match mission.native_requirement {
        NativeRequirement::NativeRequired if !is_native => refusals.push(Refusal::new(
            RefusalCode::NativeSpeakerRequired,
            format!(
                "Les stagiaires de cette mission demandent un formateur dont la langue maternelle est le {name}. Si c'est votre cas, indiquez-le dans votre parcours."
            ),
            vec![Action::UpdateLanguages],
        )),
        NativeRequirement::NonNativeRequired if is_native => refusals.push(Refusal::new(
            RefusalCode::NonNativeSpeakerRequired,
            format!(
                "Les stagiaires de cette mission demandent un formateur dont le {name} n'est pas la langue maternelle."
            ),
            vec![Action::Nothing],
        )),
        _ => {}
    }
}

/// Rule 7: CPF-funded missions from the reform need Qualiopi, or the micro-social exemption.
fn check_cpf(
    trainer: &TrainerFacts,
    mission: &MissionRequirements,
    settings: &RuleSettings,
    refusals: &mut Vec<Refusal>,
) {
    if !mission.cpf_funded || mission.start < settings.cpf_reform_start {
        return;
    }
    let certificate_covers = trainer.qualiopi_certificate.as_ref().is_some_and(|c| {
        c.valid_from <= mission.start && c.valid_until >= mission.end
    });
    if certificate_covers {
        return;
    }
    let ceiling = settings.ceiling_at(mission.start);
    if trainer.micro_social {
        match (trainer.yearly_turnover, ceiling) {
            (Some(turnover), Some(ceiling)) if turnover < ceiling.amount => return,
            (Some(turnover), Some(ceiling)) => {
                refusals.push(Refusal::new(
                    RefusalCode::CpfTurnoverOverCeiling,
                    format!(
                        "Cette mission est financée par le CPF : votre chiffre d'affaires déclaré ({turnover} HT) atteint le plafond de la micro-entreprise ({} HT en vigueur au {}). Il faut donc une certification Qualiopi valable pendant toute la mission.",
                        ceiling.amount,
                        french_date(mission.start)
                    ),
                    vec![Action::AddQualiopiCertificate, Action::DeclareTurnover],
                ));
                return;
            }
            (None, _) => {
                refusals.push(Refusal::new(
                    RefusalCode::CpfTurnoverNotDeclared,
                    "Cette mission est financée par le CPF : en micro-entreprise, vous êtes dispensé de Qualiopi si votre chiffre d'affaires annuel reste sous le plafond. Déclarez-le, ou ajoutez une certification Qualiopi.",
                    vec![Action::DeclareTurnover, Action::AddQualiopiCertificate],
                ));
                return;
            }
            // No ceiling configured for that date: the exemption cannot be checked.
            (Some(_), None) => {}
        }
    }
    match &trainer.qualiopi_certificate {
        Some(certificate) if certificate.valid_until < mission.end => {
            refusals.push(Refusal::new(
                RefusalCode::CpfCertificateDoesNotCoverMission,
                format!(
                    "Cette mission est financée par le CPF et se termine le {} : votre certification Qualiopi expire le {}. Ajoutez votre certificat renouvelé.",
                    french_date(mission.end),
                    french_date(certificate.valid_until)
                ),
                vec![Action::AddQualiopiCertificate],
            ));
        }
        Some(certificate) => {
            refusals.push(Refusal::new(
                RefusalCode::CpfCertificateDoesNotCoverMission,
                format!(
                    "Cette mission est financée par le CPF et commence le {} : votre certification Qualiopi n'est valable qu'à partir du {}.",
                    french_date(mission.start),
                    french_date(certificate.valid_from)
                ),
                vec![Action::AddQualiopiCertificate],
            ));
        }
        None => {
            refusals.push(Refusal::new(
                RefusalCode::CpfQualiopiRequired,
                "Cette mission est financée par le CPF : depuis le 1er avril 2024, il faut être certifié Qualiopi, ou être micro-entrepreneur (régime micro-social) sous le plafond de chiffre d'affaires.",
                vec![Action::AddQualiopiCertificate, Action::DeclareTurnover],
            ));
        }
    }
}

/// What a single action would bring: missions it alone unlocks, and missions where it lifts a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    pub action: Action,
    pub unlocks: usize,
    pub helps: usize,
}

/// Ranks the actions that would open the most missions the trainer cannot apply to yet.
///
/// A mission is unlocked by an action when every one of its refusals lists that action.
pub fn next_steps(
    trainer: &TrainerFacts,
    missions: &[MissionRequirements],
    today: NaiveDate,
    settings: &RuleSettings,
) -> Vec<NextStep> {
    let mut steps: Vec<NextStep> = Vec::new();
    for mission in missions {
        let eligibility = evaluate(trainer, mission, today, settings);
        if eligibility.can_apply() {
            continue;
        }
        for action in eligibility.actions() {
            if !action.is_actionable() {
                continue;
            }
            let unlocks = eligibility.refusals.iter().all(|r| r.actions.contains(&action));
            match steps.iter_mut().find(|s| s.action == action) {
                Some(step) => {
                    step.helps += 1;
                    step.unlocks += usize::from(unlocks);
                }
                None => steps.push(NextStep { action, unlocks: usize::from(unlocks), helps: 1 }),
            }
        }
    }
    // Stable sort keeps the rules' order (profile, NDA, QCM…) among equals.
    steps.sort_by(|a, b| b.unlocks.cmp(&a.unlocks).then(b.helps.cmp(&a.helps)));
    steps
}

/// The state of one test result for display: valid, expiring soon, or expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Validity {
    Valid { until: NaiveDate },
    ExpiringSoon { until: NaiveDate },
    Expired { on: NaiveDate },
}

/// Classifies a result valid until `until`, as seen on `today`.
pub fn validity(until: NaiveDate, today: NaiveDate, settings: &RuleSettings) -> Validity {
    if today > until {
        Validity::Expired { on: until }
    } else if (until - today).num_days() <= i64::from(settings.expiry_warning_days) {
        Validity::ExpiringSoon { until }
    } else {
        Validity::Valid { until }
    }
}

#[cfg(test)]
#[path = "eligibility_tests.rs"]
mod tests;
