//! Who may apply to which mission, with every reason why not and what to do about it.
//!
//! The browser runs these functions to explain instantly; the server runs the same ones to decide.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::french_date;
use super::french::{de, le, lower_first, quoted};
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

/// Paperwork staff verify before it counts for eligibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Paperwork {
    Nda,
    QualiopiCertificate,
    /// The micro-social regime and the declared yearly turnover.
    Turnover,
}

impl Paperwork {
    /// "votre NDA", "votre nouveau NDA"… as the subject of a sentence (capitalised).
    fn subject(self, new: bool) -> &'static str {
        match (self, new) {
            (Paperwork::Nda, false) => "Votre NDA",
            (Paperwork::Nda, true) => "Votre nouveau NDA",
            (Paperwork::QualiopiCertificate, false) => "Votre certification Qualiopi",
            (Paperwork::QualiopiCertificate, true) => "Votre nouvelle certification Qualiopi",
            (Paperwork::Turnover, false) => "Votre déclaration de chiffre d'affaires",
            (Paperwork::Turnover, true) => "Votre nouvelle déclaration de chiffre d'affaires",
        }
    }

    /// What the wait is about, after "l'équipe vérifie".
    fn object(self) -> &'static str {
        match self {
            Paperwork::Nda => "votre NDA",
            Paperwork::QualiopiCertificate => "votre certification Qualiopi",
            Paperwork::Turnover => "votre déclaration de chiffre d'affaires",
        }
    }

    fn feminine(self) -> bool {
        !matches!(self, Paperwork::Nda)
    }
}

/// Everything about a trainer that the rules read. The paperwork staff verify (NDA, Qualiopi
/// certificate, micro-social regime and turnover) holds the values staff last verified: a value
/// the trainer entered or changed since is listed in `awaiting_verification` and does not count yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainerFacts {
    pub profile_status: ProfileStatus,
    /// The NDA staff verified.
    pub nda: Option<Nda>,
    /// As declared (it only decides which actions fit the trainer).
    pub legal_status: Option<LegalStatus>,
    /// Declared under the micro-social regime (micro-entrepreneur), as verified by staff.
    pub micro_social: bool,
    /// Last verified yearly turnover, excluding VAT.
    pub yearly_turnover: Option<Money>,
    /// The Qualiopi certificate staff verified.
    pub qualiopi_certificate: Option<QualiopiCertificate>,
    /// The last passed Qualiopi QCM.
    pub qualiopi_qcm: Option<QcmPass>,
    /// Passed competence tests; the most recent per domain counts.
    pub passed_tests: Vec<PassedTest>,
    pub retake_delays: Vec<RetakeDelay>,
    /// Language codes (ISO 639-1) of the trainer's mother tongues.
    pub mother_tongues: Vec<String>,
    /// Paperwork entered or changed since staff last verified it (it does not count yet).
    #[serde(default)]
    pub awaiting_verification: Vec<Paperwork>,
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
            awaiting_verification: Vec::new(),
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

    /// Whether a new value of this paperwork waits for staff.
    pub fn awaits(&self, paperwork: Paperwork) -> bool {
        self.awaiting_verification.contains(&paperwork)
    }

    /// Whether a verified value of this paperwork counts today.
    fn has_verified(&self, paperwork: Paperwork) -> bool {
        match paperwork {
            Paperwork::Nda => self.nda.is_some(),
            Paperwork::QualiopiCertificate => self.qualiopi_certificate.is_some(),
            Paperwork::Turnover => self.micro_social || self.yearly_turnover.is_some(),
        }
    }

    /// Whether the micro-social exemption can concern the trainer: not a company (or another
    /// status outside micro-enterprise) unless staff verified the micro-social regime.
    pub fn may_use_micro_exemption(&self) -> bool {
        self.micro_social || matches!(self.legal_status, None | Some(LegalStatus::MicroEntrepreneur))
    }

    /// Whether staff look at the profile now (so a new value "waits for" them).
    fn with_staff(&self) -> bool {
        matches!(self.profile_status, ProfileStatus::Submitted | ProfileStatus::Validated)
    }

    /// One sentence saying that a value is not verified yet: "Votre NDA attend la vérification
    /// de l'équipe Mission Formateur." (or, for a profile not sent yet, that it will be verified with it).
    fn awaiting_sentence(&self, paperwork: Paperwork) -> String {
        let subject = paperwork.subject(self.has_verified(paperwork));
        if self.with_staff() {
            format!("{subject} attend la vérification de l'équipe Mission Formateur.")
        } else {
            let e = if paperwork.feminine() { "e" } else { "" };
            format!("{subject} sera vérifié{e} par l'équipe avec votre profil.")
        }
    }

    /// The action while a value waits: wait for staff, or send the profile that carries it.
    fn awaiting_action(&self, paperwork: Paperwork) -> Action {
        match self.profile_status {
            ProfileStatus::Submitted | ProfileStatus::Validated => Action::AwaitVerification(paperwork),
            ProfileStatus::Draft => Action::SubmitProfile,
            ProfileStatus::ChangesRequested => Action::ReviewRequestedChanges,
            ProfileStatus::Rejected => Action::ContactTeam,
        }
    }

    /// "En attente de vérification" notes for the trainer: each value that does not count yet,
    /// and whether the previously verified one still counts meanwhile.
    pub fn verification_notes(&self) -> Vec<String> {
        self.awaiting_verification
            .iter()
            .map(|&p| {
                let waiting = self.awaiting_sentence(p);
                let waiting = waiting.trim_end_matches('.');
                match (self.has_verified(p), p) {
                    (true, Paperwork::Nda) => {
                        format!("{waiting} : d'ici là, le NDA déjà vérifié reste pris en compte.")
                    }
                    (true, Paperwork::QualiopiCertificate) => {
                        format!("{waiting} : d'ici là, la certification déjà vérifiée reste prise en compte.")
                    }
                    (true, Paperwork::Turnover) => {
                        format!("{waiting} : d'ici là, la déclaration déjà vérifiée reste prise en compte.")
                    }
                    (false, Paperwork::Nda) => format!("{waiting} : il ne compte pas encore pour postuler."),
                    (false, _) => format!("{waiting} : elle ne compte pas encore pour postuler."),
                }
            })
            .collect()
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

/// The test of a domain inside a sentence: "test d'anglais" (language domains, lower case, with
/// elision), "test « Excel »" (other domains, quoted).
pub fn test_name(label: &str, language: bool) -> String {
    if language {
        format!("test {}", de(&lower_first(label)))
    } else {
        format!("test {}", quoted(label))
    }
}

impl DomainRef {
    fn test_name(&self) -> String {
        test_name(&self.label, self.language.is_some())
    }

    /// "en anglais", "en « Excel »".
    fn in_domain(&self) -> String {
        if self.language.is_some() {
            format!("en {}", lower_first(&self.label))
        } else {
            format!("en {}", quoted(&self.label))
        }
    }
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
    /// `retake`: a result exists (expired, or not good enough) and must be taken again.
    TakeQualiopiQcm {
        available_from: Option<NaiveDate>,
        #[serde(default)]
        retake: bool,
    },
    /// `language`: a language domain (named "test d'anglais" rather than "test « Excel »");
    /// `retake`: a result exists (expired, level too low, no longer matching) and must be taken again.
    TakeTest {
        domain_code: String,
        domain_label: String,
        available_from: Option<NaiveDate>,
        #[serde(default)]
        language: bool,
        #[serde(default)]
        retake: bool,
    },
    AddQualiopiCertificate,
    DeclareTurnover,
    UpdateLanguages,
    /// A new value of this paperwork is with staff: nothing to do but wait.
    AwaitVerification(Paperwork),
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
            Action::AwaitValidation | Action::AwaitVerification(_) | Action::Nothing => None,
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
            Action::TakeQualiopiQcm { available_from: None, retake: false } => "Passez le QCM Qualiopi".into(),
            Action::TakeQualiopiQcm { available_from: None, retake: true } => "Repassez le QCM Qualiopi".into(),
            Action::TakeQualiopiQcm { available_from: Some(d), .. } => {
                format!("Repassez le QCM Qualiopi à partir du {}", french_date(*d))
            }
            Action::TakeTest { domain_label, language, available_from, retake, .. } => {
                let test = test_name(domain_label, *language);
                match available_from {
                    Some(d) => format!("Repassez le {test} à partir du {}", french_date(*d)),
                    None if *retake => format!("Repassez le {test}"),
                    None => format!("Passez le {test}"),
                }
            }
            Action::AddQualiopiCertificate => "Ajoutez votre certification Qualiopi".into(),
            Action::DeclareTurnover => "Déclarez votre chiffre d'affaires annuel".into(),
            Action::UpdateLanguages => "Vérifiez vos langues maternelles".into(),
            Action::AwaitVerification(paperwork) => format!("Patientez : l'équipe vérifie {}", paperwork.object()),
            Action::Nothing => "Aucune action possible pour cette mission".into(),
        }
    }

    /// Whether the trainer can do something about it.
    pub fn is_actionable(&self) -> bool {
        !matches!(
            self,
            Action::Nothing | Action::AwaitValidation | Action::AwaitVerification(_) | Action::ContactTeam
        )
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
    /// The only NDA entered is not verified yet.
    NdaNotVerified,
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
            RefusalCode::NdaNotVerified => "nda_not_verified",
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

/// Stable identifier of a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WarningCode {
    QualiopiQcmEndsDuringMission,
    DomainTestEndsDuringMission,
    QualiopiCertificateEndsDuringMission,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::QualiopiQcmEndsDuringMission => "qualiopi_qcm_ends_during_mission",
            WarningCode::DomainTestEndsDuringMission => "domain_test_ends_during_mission",
            WarningCode::QualiopiCertificateEndsDuringMission => "qualiopi_certificate_ends_during_mission",
        }
    }
}

/// Something valid today that ends before the mission does: the trainer may apply, but should
/// renew it in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
    pub action: Action,
}

/// The verdict: the trainer may apply when there is no refusal; warnings never prevent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub refusals: Vec<Refusal>,
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl Eligibility {
    pub fn can_apply(&self) -> bool {
        self.refusals.is_empty()
    }

    pub fn codes(&self) -> Vec<RefusalCode> {
        self.refusals.iter().map(|r| r.code).collect()
    }

    pub fn warning_codes(&self) -> Vec<WarningCode> {
        self.warnings.iter().map(|w| w.code).collect()
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

/// What the checks collect.
#[derive(Default)]
struct Findings {
    refusals: Vec<Refusal>,
    warnings: Vec<Warning>,
}

impl Findings {
    fn refuse(&mut self, code: RefusalCode, message: impl Into<String>, actions: Vec<Action>) {
        self.refusals.push(Refusal::new(code, message, actions));
    }

    fn warn(&mut self, code: WarningCode, message: String, action: Action) {
        self.warnings.push(Warning { code, message, action });
    }
}

/// Decides whether `trainer` may apply to `mission` on `today`, collecting every reason why not,
/// and what valid today will end before the mission does.
pub fn evaluate(
    trainer: &TrainerFacts,
    mission: &MissionRequirements,
    today: NaiveDate,
    settings: &RuleSettings,
) -> Eligibility {
    let mut found = Findings::default();
    check_profile(trainer, &mut found);
    check_nda(trainer, &mut found);
    check_qualiopi_qcm(trainer, mission, today, &mut found);
    check_domain_test_and_level(trainer, mission, today, &mut found);
    check_native_requirement(trainer, mission, &mut found);
    check_cpf(trainer, mission, today, settings, &mut found);
    Eligibility { refusals: found.refusals, warnings: found.warnings }
}

/// Rule 1: the profile has been validated by staff.
fn check_profile(trainer: &TrainerFacts, found: &mut Findings) {
    let (code, message, action) = match trainer.profile_status {
        ProfileStatus::Validated => return,
        ProfileStatus::Draft => (
            RefusalCode::ProfileNotSubmitted,
            "Votre profil n'a pas encore été envoyé à l'équipe : complétez-le et envoyez-le pour vérification.",
            Action::SubmitProfile,
        ),
        ProfileStatus::Submitted => (
            RefusalCode::ProfilePending,
            "Votre profil est en cours de vérification par l'équipe Mission Formateur : vous pourrez postuler dès qu'il sera validé.",
            Action::AwaitValidation,
        ),
        ProfileStatus::ChangesRequested => (
            RefusalCode::ProfileChangesRequested,
            "L'équipe a demandé des modifications sur votre profil : corrigez-le puis renvoyez-le pour validation.",
            Action::ReviewRequestedChanges,
        ),
        ProfileStatus::Rejected => (
            RefusalCode::ProfileRejected,
            "Votre profil n'a pas été validé par l'équipe : contactez-nous pour en savoir plus.",
            Action::ContactTeam,
        ),
    };
    found.refuse(code, message, vec![action]);
}

/// Rule 2: a verified NDA is recorded (mandatory for every trainer).
fn check_nda(trainer: &TrainerFacts, found: &mut Findings) {
    if trainer.nda.is_some() {
        return;
    }
    if trainer.awaits(Paperwork::Nda) {
        // The trainer entered one: nothing to add, it waits for staff.
        found.refuse(
            RefusalCode::NdaNotVerified,
            format!(
                "{} Le NDA est obligatoire pour postuler : il sera pris en compte dès qu'il aura été vérifié.",
                trainer.awaiting_sentence(Paperwork::Nda)
            ),
            vec![trainer.awaiting_action(Paperwork::Nda)],
        );
        return;
    }
    found.refuse(
        RefusalCode::NdaMissing,
        "Le numéro de déclaration d'activité (NDA) est obligatoire pour tous les formateurs : ajoutez-le à votre situation administrative.",
        vec![Action::AddNda],
    );
}

/// "Votre … expire le …, avant la fin de la mission (…) : pensez à le repasser avant cette date."
fn ends_during_mission(what: &str, until: NaiveDate, mission: &MissionRequirements, renew: &str) -> String {
    format!(
        "{what} expire le {}, avant la fin de la mission ({}) : pensez à {renew} avant cette date.",
        french_date(until),
        french_date(mission.end)
    )
}

/// Rule 3: the Qualiopi QCM is passed and still valid; a warning when it ends during the mission.
fn check_qualiopi_qcm(trainer: &TrainerFacts, mission: &MissionRequirements, today: NaiveDate, found: &mut Findings) {
    let available_from = trainer.retake_from(&TestRef::QualiopiQcm, today);
    match &trainer.qualiopi_qcm {
        None => found.refuse(
            RefusalCode::QualiopiQcmMissing,
            "Vous n'avez pas encore réussi le QCM Qualiopi : passez-le dans l'onglet Tests de compétences pour postuler.",
            vec![Action::TakeQualiopiQcm { available_from, retake: available_from.is_some() }],
        ),
        Some(qcm) if today > qcm.valid_until => found.refuse(
            RefusalCode::QualiopiQcmExpired,
            format!("Votre QCM Qualiopi a expiré le {} : repassez-le pour postuler.", french_date(qcm.valid_until)),
            vec![Action::TakeQualiopiQcm { available_from, retake: true }],
        ),
        Some(qcm) if qcm.valid_until < mission.end => found.warn(
            WarningCode::QualiopiQcmEndsDuringMission,
            ends_during_mission("Votre QCM Qualiopi", qcm.valid_until, mission, "le repasser"),
            Action::TakeQualiopiQcm { available_from, retake: true },
        ),
        Some(_) => {}
    }
}

/// Rules 4, 5 and 6 (level): the domain's test is passed, valid, and at the level the learners
/// need. An expired result whose level is also too low gets both reasons.
fn check_domain_test_and_level(
    trainer: &TrainerFacts,
    mission: &MissionRequirements,
    today: NaiveDate,
    found: &mut Findings,
) {
    let domain = &mission.domain;
    let test = domain.test_name();
    let available_from = trainer.retake_from(&TestRef::Domain(domain.code.clone()), today);
    let take = |retake: bool| Action::TakeTest {
        domain_code: domain.code.clone(),
        domain_label: domain.label.clone(),
        available_from,
        language: domain.language.is_some(),
        retake: retake || available_from.is_some(),
    };
    let Some(pass) = trainer.latest_pass(&domain.code) else {
        let blocked = match available_from {
            Some(d) => format!(" (vous pourrez le repasser à partir du {})", french_date(d)),
            None => String::new(),
        };
        found.refuse(
            RefusalCode::DomainTestMissing,
            format!("Cette mission demande le {test} : vous ne l'avez pas encore réussi{blocked}."),
            vec![take(false)],
        );
        return;
    };
    let expired = today > pass.valid_until;
    if expired {
        found.refuse(
            RefusalCode::DomainTestExpired,
            format!("Votre {test} a expiré le {} : repassez-le pour postuler.", french_date(pass.valid_until)),
            vec![take(true)],
        );
    }
    let learners = mission.learner_level.label().to_lowercase();
    let in_domain = domain.in_domain();
    let level_refused = match (domain.language.is_some(), pass.level) {
        (true, TestLevel::Language(cefr)) => {
            let needed = required_cefr(mission.learner_level);
            let too_low = cefr < needed;
            if too_low {
                let accepted = if needed == Cefr::C1 { "C1 ou C2" } else { "C2" };
                found.refuse(
                    RefusalCode::LanguageLevelTooLow,
                    format!(
                        "Pour des stagiaires de niveau {learners}, il faut un niveau {accepted} {in_domain} ; votre test vous a placé au niveau {} : repassez-le pour l'atteindre.",
                        cefr.code()
                    ),
                    vec![take(true)],
                );
            }
            too_low
        }
        (false, TestLevel::Competence(level)) => {
            let needed = required_competence(mission.learner_level);
            let too_low = level < needed;
            if too_low {
                let accepted = if needed == CompetenceLevel::Expert { "Expert ou Expert +" } else { "Expert +" };
                found.refuse(
                    RefusalCode::CompetenceTooLow,
                    format!(
                        "Pour des stagiaires de niveau {learners}, il faut le niveau {accepted} {in_domain} ; votre test vous a classé au niveau {} : repassez-le pour l'atteindre.",
                        level.label()
                    ),
                    vec![take(true)],
                );
            }
            too_low
        }
        // A result whose kind does not match the domain (data changed since): treat as missing.
        _ => {
            found.refuse(
                RefusalCode::DomainTestMissing,
                format!("Cette mission demande le {test} : votre résultat enregistré ne correspond plus à ce test, repassez-le."),
                vec![take(true)],
            );
            true
        }
    };
    if !expired && !level_refused && pass.valid_until < mission.end {
        found.warn(
            WarningCode::DomainTestEndsDuringMission,
            ends_during_mission(&format!("Votre {test}"), pass.valid_until, mission, "le repasser"),
            take(true),
        );
    }
}

/// Rule 6 (mother tongue): language missions may require, or exclude, native speakers.
fn check_native_requirement(trainer: &TrainerFacts, mission: &MissionRequirements, found: &mut Findings) {
    let Some(language) = &mission.domain.language else {
        return;
    };
    let is_native = trainer.mother_tongues.iter().any(|l| l == language);
    // "l'anglais", "le français": the language's name in lower case, with its article.
    let name = le(&lower_first(language_name(language).unwrap_or(mission.domain.label.as_str())));
    match mission.native_requirement {
        NativeRequirement::NativeRequired if !is_native => found.refuse(
            RefusalCode::NativeSpeakerRequired,
            format!(
                "Les stagiaires de cette mission demandent un formateur dont la langue maternelle est {name}. Si c'est votre cas, indiquez-le dans votre parcours."
            ),
            vec![Action::UpdateLanguages],
        ),
        NativeRequirement::NonNativeRequired if is_native => found.refuse(
            RefusalCode::NonNativeSpeakerRequired,
            format!("Les stagiaires de cette mission demandent un formateur dont {name} n'est pas la langue maternelle."),
            vec![Action::Nothing],
        ),
        _ => {}
    }
}

/// How the micro-social exemption stands for a CPF mission.
enum MicroRoute<'a> {
    /// Micro-social with a turnover that does not exceed the ceiling: exempted.
    Exempted,
    OverCeiling(Money, &'a TurnoverCeiling),
    NotDeclared,
    /// Not (verified as) micro-social, or no ceiling recorded for the date.
    Closed,
}

/// Rule 7: CPF-funded missions from the reform need a Qualiopi certificate valid over the whole
/// mission, or the micro-social exemption. Every failing part is said (a certificate ending during
/// the mission, and the exemption's own reason), with actions that fit the trainer: a company is
/// never told about the micro-entrepreneur exemption.
fn check_cpf(
    trainer: &TrainerFacts,
    mission: &MissionRequirements,
    today: NaiveDate,
    settings: &RuleSettings,
    found: &mut Findings,
) {
    let certificate = trainer.qualiopi_certificate.as_ref();
    if !mission.cpf_funded || mission.start < settings.cpf_reform_start {
        // Not required here, but worth knowing when it ends during the mission.
        if let Some(c) = certificate.filter(|c| c.valid_from <= today && today <= c.valid_until && c.valid_until < mission.end) {
            found.warn(
                WarningCode::QualiopiCertificateEndsDuringMission,
                ends_during_mission("Votre certification Qualiopi", c.valid_until, mission, "la renouveler"),
                Action::AddQualiopiCertificate,
            );
        }
        return;
    }
    if certificate.is_some_and(|c| c.valid_from <= mission.start && c.valid_until >= mission.end) {
        return;
    }
    let ceiling = settings.ceiling_at(mission.start);
    // The exemption applies when the turnover "n'excède pas" the ceiling: the wording of article
    // 50-0 of the Code général des impôts, which defines the micro-enterprise regime that the
    // micro-social exemption (article L. 613-7 of the Code de la sécurité sociale, referred to by
    // décret n° 2023-1350) rests on. The seed's "inférieur à 77 700 € HT" is a loose paraphrase:
    // a turnover exactly at the ceiling is exempted.
    let micro = match (trainer.micro_social, trainer.yearly_turnover, ceiling) {
        (false, _, _) => MicroRoute::Closed,
        (true, Some(turnover), Some(ceiling)) if turnover <= ceiling.amount => MicroRoute::Exempted,
        (true, Some(turnover), Some(ceiling)) => MicroRoute::OverCeiling(turnover, ceiling),
        (true, None, _) => MicroRoute::NotDeclared,
        (true, Some(_), None) => MicroRoute::Closed,
    };
    if matches!(micro, MicroRoute::Exempted) {
        return;
    }
    let exemption = trainer.may_use_micro_exemption();
    let certificate_action = if trainer.awaits(Paperwork::QualiopiCertificate) {
        trainer.awaiting_action(Paperwork::QualiopiCertificate)
    } else {
        Action::AddQualiopiCertificate
    };
    let turnover_action = if trainer.awaits(Paperwork::Turnover) {
        trainer.awaiting_action(Paperwork::Turnover)
    } else {
        Action::DeclareTurnover
    };
    let awaiting = |p: Paperwork| if trainer.awaits(p) { format!(" {}", trainer.awaiting_sentence(p)) } else { String::new() };
    let certificate_awaiting = awaiting(Paperwork::QualiopiCertificate);
    let turnover_awaiting = if exemption { awaiting(Paperwork::Turnover) } else { String::new() };

    // The certificate held, when it does not cover the mission: always said.
    if let Some(c) = certificate {
        let mut actions = vec![certificate_action.clone()];
        if exemption && matches!(micro, MicroRoute::Closed) {
            actions.push(turnover_action.clone());
        }
        let message = if c.valid_until < mission.end {
            let renew = if certificate_awaiting.is_empty() { " Ajoutez votre certificat renouvelé." } else { "" };
            format!(
                "Cette mission est financée par le CPF et se termine le {} : votre certification Qualiopi expire le {}.{renew}{certificate_awaiting}",
                french_date(mission.end),
                french_date(c.valid_until)
            )
        } else {
            format!(
                "Cette mission est financée par le CPF et commence le {} : votre certification Qualiopi n'est valable qu'à partir du {}.{certificate_awaiting}",
                french_date(mission.start),
                french_date(c.valid_from)
            )
        };
        found.refuse(RefusalCode::CpfCertificateDoesNotCoverMission, message, actions);
    }

    let ceiling_text = |c: &TurnoverCeiling| format!("{} HT en vigueur au {}", c.amount, french_date(mission.start));
    match micro {
        MicroRoute::OverCeiling(turnover, ceiling) => found.refuse(
            RefusalCode::CpfTurnoverOverCeiling,
            format!(
                "Cette mission est financée par le CPF : votre chiffre d'affaires déclaré ({turnover} HT) dépasse le plafond de la micro-entreprise ({}). Il faut donc une certification Qualiopi valable pendant toute la mission.{turnover_awaiting}",
                ceiling_text(ceiling)
            ),
            vec![certificate_action, turnover_action],
        ),
        MicroRoute::NotDeclared => {
            let limit = ceiling.map(|c| format!(" ({})", ceiling_text(c))).unwrap_or_default();
            let ask = if turnover_awaiting.is_empty() {
                " Déclarez-le, ou ajoutez une certification Qualiopi.".to_string()
            } else {
                turnover_awaiting
            };
            found.refuse(
                RefusalCode::CpfTurnoverNotDeclared,
                format!(
                    "Cette mission est financée par le CPF : en micro-entreprise, la certification Qualiopi n'est pas exigée si votre chiffre d'affaires annuel ne dépasse pas le plafond{limit}.{ask}"
                ),
                vec![turnover_action, certificate_action],
            );
        }
        MicroRoute::Closed if certificate.is_none() => {
            let since = french_date(settings.cpf_reform_start);
            let (message, actions) = if exemption {
                (
                    format!(
                        "Cette mission est financée par le CPF : depuis le {since}, il faut être certifié Qualiopi, ou être micro-entrepreneur (régime micro-social) avec un chiffre d'affaires annuel qui ne dépasse pas le plafond.{certificate_awaiting}{turnover_awaiting}"
                    ),
                    vec![certificate_action, turnover_action],
                )
            } else {
                (
                    format!(
                        "Cette mission est financée par le CPF : depuis le {since}, les formateurs sous-traitants doivent être certifiés Qualiopi.{certificate_awaiting}"
                    ),
                    vec![certificate_action],
                )
            };
            found.refuse(RefusalCode::CpfQualiopiRequired, message, actions);
        }
        MicroRoute::Closed | MicroRoute::Exempted => {}
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
