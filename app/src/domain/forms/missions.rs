//! Typed forms of the missions area: a mission, its rate override, the search filters, an
//! application message, a turnover ceiling.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::form::{limit, ticked, FieldErrors};
use crate::domain::missions::{Format, GroupKind};
use crate::domain::{parse_date, Email, LearnerLevel, Money, NativeRequirement, Phone, PostalCode};

fn filled(value: &str) -> Option<&str> {
    let v = value.trim();
    (!v.is_empty()).then_some(v)
}

// ---------------------------------------------------------------------------------------------
// A mission, as staff type it

/// The mission form: the one place that spells a mission's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionForm {
    pub title: String,
    pub domain_code: String,
    pub description: String,
    pub learner_level: String,
    pub native_requirement: String,
    pub format: String,
    pub group_kind: String,
    pub postal_code: String,
    pub hours: String,
    pub start_date: String,
    pub end_date: String,
    pub rhythm: String,
    #[serde(default)]
    pub cpf_funded: Option<String>,
    pub learners_count: String,
    pub learners: String,
}

/// A learner's contact, revealed to the chosen trainer only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Learner {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// A valid mission. The server also checks what needs the database or the commune list: the
/// domain (and, for a language, the native-speaker requirement), the centre, the commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissionDraft {
    pub title: String,
    pub domain_code: String,
    pub description: String,
    pub learner_level: LearnerLevel,
    /// `None` when the text is not a known requirement (an error only for a language domain).
    pub native_requirement: Option<NativeRequirement>,
    pub format: Format,
    pub group: GroupKind,
    /// On-site missions only.
    pub postal_code: Option<PostalCode>,
    pub hours: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub rhythm: String,
    pub cpf_funded: bool,
    pub learners_count: i64,
    pub learners: Vec<Learner>,
}

impl TryFrom<MissionForm> for MissionDraft {
    type Error = FieldErrors;

    fn try_from(form: MissionForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = form.title.trim().to_string();
        if title.is_empty() {
            errors.add("title", "Saisissez l'intitulé de la mission.");
        }
        limit(&mut errors, "title", &form.title, 200);
        limit(&mut errors, "description", &form.description, 5000);
        limit(&mut errors, "rhythm", &form.rhythm, 500);
        limit(&mut errors, "learners", &form.learners, 20_000);
        let domain_code = form.domain_code.trim().to_string();
        if domain_code.is_empty() {
            errors.add("domain_code", "Choisissez le domaine.");
        }
        let level = errors.check("learner_level", LearnerLevel::parse(&form.learner_level));
        let format = Format::from_code(&form.format);
        if format.is_none() {
            errors.add("format", "Choisissez le format.");
        }
        let group = GroupKind::from_code(&form.group_kind);
        if group.is_none() {
            errors.add("group_kind", "Choisissez individuel ou collectif.");
        }
        let postal_code = if format == Some(Format::Onsite) {
            match PostalCode::parse(&form.postal_code) {
                Ok(code) => Some(code),
                Err(e) => {
                    errors.add("postal_code", format!("Lieu de la formation en présentiel : {e}"));
                    None
                }
            }
        } else {
            None
        };
        let hours = match form.hours.trim().parse::<i64>() {
            Ok(h) if (1..=2000).contains(&h) => Some(h),
            _ => {
                errors.add("hours", "Indiquez un nombre d'heures entre 1 et 2000.");
                None
            }
        };
        let start = errors.check("start_date", parse_date(&form.start_date));
        let end = errors.check("end_date", parse_date(&form.end_date));
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errors.add("end_date", "La fin précède le début.");
            }
        }
        let learners_count = match form.learners_count.trim().parse::<i64>() {
            Ok(n) if (1..=500).contains(&n) => Some(n),
            _ => {
                errors.add("learners_count", "Indiquez le nombre de stagiaires (1 à 500).");
                None
            }
        };
        let learners = parse_learners(&form.learners, &mut errors);
        match (level, format, group, hours, start, end, learners_count) {
            (Some(learner_level), Some(format), Some(group), Some(hours), Some(start_date), Some(end_date), Some(learners_count))
                if errors.is_empty() =>
            {
                Ok(MissionDraft {
                    title,
                    domain_code,
                    description: form.description.trim().to_string(),
                    learner_level,
                    native_requirement: NativeRequirement::parse(&form.native_requirement).ok(),
                    format,
                    group,
                    postal_code,
                    hours,
                    start_date,
                    end_date,
                    rhythm: form.rhythm.trim().to_string(),
                    cpf_funded: ticked(&form.cpf_funded),
                    learners_count,
                    learners,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Learners, one per line: "Nom ; téléphone ; e-mail" (phone and email optional).
pub fn parse_learners(text: &str, errors: &mut FieldErrors) -> Vec<Learner> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        let name = parts.first().copied().unwrap_or_default();
        if name.is_empty() {
            errors.add("learners", format!("Ligne {} : indiquez le nom du stagiaire.", i + 1));
            continue;
        }
        let phone = match parts.get(1).copied().filter(|p| !p.is_empty()).map(Phone::parse) {
            Some(Err(e)) => {
                errors.add("learners", format!("Ligne {} : {e}", i + 1));
                continue;
            }
            Some(Ok(p)) => p.to_string(),
            None => String::new(),
        };
        let email = match parts.get(2).copied().filter(|e| !e.is_empty()).map(Email::parse) {
            Some(Err(e)) => {
                errors.add("learners", format!("Ligne {} : {e}", i + 1));
                continue;
            }
            Some(Ok(e)) => e.as_str().to_string(),
            None => String::new(),
        };
        out.push(Learner { name: name.to_string(), phone, email });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The rate of one mission, set by hand

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateOverrideForm {
    pub hourly_rate: String,
    pub reason: String,
}

/// A rate set by hand with its reason, or back to the centre's grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateOverride {
    BackToGrid,
    Manual { rate: Money, reason: String },
}

impl TryFrom<RateOverrideForm> for RateOverride {
    type Error = FieldErrors;

    fn try_from(form: RateOverrideForm) -> Result<Self, FieldErrors> {
        let Some(value) = filled(&form.hourly_rate) else { return Ok(RateOverride::BackToGrid) };
        let mut errors = FieldErrors::new();
        let rate = errors.check("hourly_rate", Money::parse(value));
        let reason = form.reason.trim().to_string();
        limit(&mut errors, "reason", &reason, 1000);
        if reason.is_empty() {
            errors.add("reason", "Expliquez pourquoi le taux diffère de la grille du centre.");
        }
        match rate {
            Some(rate) if errors.is_empty() => Ok(RateOverride::Manual { rate, reason }),
            _ => Err(errors),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// "Missions near me": the filters

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchForm {
    pub domain: String,
    pub format: String,
    pub max_km: String,
    pub from: String,
    pub sort: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Distance,
    Date,
}

/// Valid filters. `from` is `None` for "from today" (the server's date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFilters {
    pub domain: Option<String>,
    pub format: Option<Format>,
    /// `None`: the trainer's own radius; `Some(0)`: no limit.
    pub max_km: Option<i64>,
    pub from: Option<NaiveDate>,
    pub sort: Sort,
}

impl TryFrom<SearchForm> for SearchFilters {
    type Error = FieldErrors;

    fn try_from(form: SearchForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let format = match filled(&form.format) {
            None => None,
            Some(code) => {
                let format = Format::from_code(code);
                if format.is_none() {
                    errors.add("format", "Format inconnu.");
                }
                format
            }
        };
        let max_km = match filled(&form.max_km) {
            None => None,
            Some(v) => {
                let km = v.parse::<i64>().ok().filter(|k| (0..=1000).contains(k));
                if km.is_none() {
                    errors.add("max_km", "Indiquez une distance entre 0 et 1000 km.");
                }
                km
            }
        };
        let from = filled(&form.from).and_then(|v| errors.check("from", parse_date(v)));
        let sort = if form.sort == "date" { Sort::Date } else { Sort::Distance };
        if errors.is_empty() {
            Ok(SearchFilters { domain: filled(&form.domain).map(str::to_string), format, max_km, from, sort })
        } else {
            Err(errors)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// An application's message

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyForm {
    pub message: String,
}

/// The trimmed message of an application (at most 2000 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationMessage(pub String);

impl TryFrom<ApplyForm> for ApplicationMessage {
    type Error = FieldErrors;

    fn try_from(form: ApplyForm) -> Result<Self, FieldErrors> {
        if form.message.chars().count() > 2000 {
            let mut errors = FieldErrors::new();
            errors.add("message", "Le message est limité à 2000 caractères.");
            return Err(errors);
        }
        Ok(ApplicationMessage(form.message.trim().to_string()))
    }
}

// ---------------------------------------------------------------------------------------------
// A proposal and the trainer's answer

/// Staff's proposal: how long the trainer has to answer, in hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalForm {
    pub deadline_hours: String,
}

/// The answer deadline, in whole hours (1 to two weeks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposalDeadline(pub i64);

impl TryFrom<ProposalForm> for ProposalDeadline {
    type Error = FieldErrors;

    fn try_from(form: ProposalForm) -> Result<Self, FieldErrors> {
        use crate::domain::missions::{DEFAULT_PROPOSAL_HOURS, MAX_PROPOSAL_HOURS};
        let text = form.deadline_hours.trim();
        if text.is_empty() {
            return Ok(ProposalDeadline(DEFAULT_PROPOSAL_HOURS));
        }
        match text.parse::<i64>() {
            Ok(h) if (1..=MAX_PROPOSAL_HOURS).contains(&h) => Ok(ProposalDeadline(h)),
            _ => {
                let mut errors = FieldErrors::new();
                errors.add("deadline_hours", format!("Indiquez un délai de réponse entre 1 et {MAX_PROPOSAL_HOURS} heures."));
                Err(errors)
            }
        }
    }
}

/// The trainer declines a proposal; the reason is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclineForm {
    pub reason: String,
}

/// The trimmed reason of a decline (at most 1000 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclineReason(pub String);

impl TryFrom<DeclineForm> for DeclineReason {
    type Error = FieldErrors;

    fn try_from(form: DeclineForm) -> Result<Self, FieldErrors> {
        if form.reason.chars().count() > 1000 {
            let mut errors = FieldErrors::new();
            errors.add("reason", "La raison est limitée à 1000 caractères.");
            return Err(errors);
        }
        Ok(DeclineReason(form.reason.trim().to_string()))
    }
}

// ---------------------------------------------------------------------------------------------
// A turnover ceiling

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CeilingForm {
    pub valid_from: String,
    pub amount: String,
}

impl TryFrom<CeilingForm> for crate::domain::TurnoverCeiling {
    type Error = FieldErrors;

    fn try_from(form: CeilingForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let from = errors.check("valid_from", parse_date(&form.valid_from));
        let amount = errors.check("amount", Money::parse(&form.amount));
        match (from, amount) {
            (Some(valid_from), Some(amount)) => Ok(crate::domain::TurnoverCeiling { valid_from, amount }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mission() -> MissionForm {
        MissionForm {
            title: " Excel avancé ".into(),
            domain_code: "excel".into(),
            description: String::new(),
            learner_level: "debutant".into(),
            native_requirement: "indifferent".into(),
            format: "presentiel".into(),
            group_kind: "individuel".into(),
            postal_code: "69003".into(),
            hours: "21".into(),
            start_date: "2030-01-01".into(),
            end_date: "2030-01-31".into(),
            rhythm: String::new(),
            cpf_funded: Some("on".into()),
            learners_count: "1".into(),
            learners: "Thomas Girard ; 06 20 30 40 50 ; thomas.girard@exemple.test".into(),
        }
    }

    #[test]
    fn a_complete_mission_is_accepted() {
        let m = MissionDraft::try_from(mission()).unwrap();
        assert_eq!(m.title, "Excel avancé");
        assert_eq!((m.format, m.group, m.hours), (Format::Onsite, GroupKind::Individual, 21));
        assert!(m.cpf_funded && m.postal_code.is_some());
        assert_eq!(m.learners.len(), 1);
        let remote = MissionDraft::try_from(MissionForm { format: "distanciel".into(), postal_code: String::new(), cpf_funded: None, ..mission() }).unwrap();
        assert!(remote.postal_code.is_none() && !remote.cpf_funded);
    }

    #[test]
    fn every_mission_error_is_reported_at_once() {
        let bad = MissionForm {
            title: " ".into(),
            hours: "0".into(),
            postal_code: "123".into(),
            end_date: "2029-12-01".into(),
            learners_count: "0".into(),
            learners: " ; 06".into(),
            ..mission()
        };
        let errors = MissionDraft::try_from(bad).unwrap_err();
        for field in ["title", "hours", "postal_code", "end_date", "learners_count", "learners"] {
            assert!(errors.get(field).is_some(), "{field} should have an error: {errors:?}");
        }
        assert!(errors.get("format").is_none());
    }

    #[test]
    fn a_manual_rate_needs_a_reason_and_an_empty_rate_goes_back_to_the_grid() {
        assert_eq!(RateOverride::try_from(RateOverrideForm::default()).unwrap(), RateOverride::BackToGrid);
        let errors = RateOverride::try_from(RateOverrideForm { hourly_rate: "abc".into(), reason: " ".into() }).unwrap_err();
        assert!(errors.get("hourly_rate").is_some() && errors.get("reason").is_some());
        let ok = RateOverride::try_from(RateOverrideForm { hourly_rate: "52".into(), reason: " Urgence ".into() }).unwrap();
        assert_eq!(ok, RateOverride::Manual { rate: Money::from_euros(52), reason: "Urgence".into() });
    }

    #[test]
    fn search_filters_are_checked_together() {
        let errors = SearchFilters::try_from(SearchForm { format: "x".into(), max_km: "5000".into(), from: "demain".into(), ..Default::default() }).unwrap_err();
        assert!(errors.get("format").is_some() && errors.get("max_km").is_some() && errors.get("from").is_some());
        let ok = SearchFilters::try_from(SearchForm { max_km: "0".into(), sort: "date".into(), ..Default::default() }).unwrap();
        assert_eq!((ok.max_km, ok.sort, ok.from), (Some(0), Sort::Date, None));
    }

    #[test]
    fn messages_and_ceilings() {
        assert!(ApplicationMessage::try_from(ApplyForm { message: "x".repeat(2001) }).is_err());
        assert_eq!(ProposalDeadline::try_from(ProposalForm { deadline_hours: " ".into() }).unwrap().0, 48);
        assert_eq!(ProposalDeadline::try_from(ProposalForm { deadline_hours: "72".into() }).unwrap().0, 72);
        for wrong in ["0", "-3", "337", "deux jours", "1e9"] {
            let errors = ProposalDeadline::try_from(ProposalForm { deadline_hours: wrong.into() }).unwrap_err();
            assert!(errors.get("deadline_hours").is_some(), "{wrong} must be refused");
        }
        assert!(DeclineReason::try_from(DeclineForm { reason: "x".repeat(1001) }).is_err());
        assert_eq!(DeclineReason::try_from(DeclineForm { reason: " Pas disponible ".into() }).unwrap().0, "Pas disponible");
        assert_eq!(ApplicationMessage::try_from(ApplyForm { message: " Bonjour ".into() }).unwrap().0, "Bonjour");
        let errors = crate::domain::TurnoverCeiling::try_from(CeilingForm { valid_from: "x".into(), amount: "y".into() }).unwrap_err();
        assert!(errors.get("valid_from").is_some() && errors.get("amount").is_some());
    }
}
