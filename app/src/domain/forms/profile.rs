//! Typed forms of the profile area: identity, background (experience, diploma, domain,
//! language), administrative situation, the staff's review decision and account erasure.
//! Checks that need the database (the list of domains) or the communes dataset are added by the
//! server with `with_more_errors`; checks that need today's date take it with the form.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::eligibility::ProfileStatus;
use crate::domain::form::FieldErrors;
use crate::domain::geo::MAX_MOBILITY_KM;
use crate::domain::languages::is_known_language;
use crate::domain::{parse_date, Cefr, CompetenceLevel, LegalStatus, Money, Nda, Phone, PostalCode, Siret};

/// Sections a reviewer can comment on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReviewSection {
    Profile,
    Background,
    Administrative,
    Documents,
}

impl ReviewSection {
    pub const ALL: &'static [ReviewSection] =
        &[ReviewSection::Profile, ReviewSection::Background, ReviewSection::Administrative, ReviewSection::Documents];

    pub fn code(self) -> &'static str {
        match self {
            ReviewSection::Profile => "profil",
            ReviewSection::Background => "parcours",
            ReviewSection::Administrative => "administratif",
            ReviewSection::Documents => "documents",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewSection::Profile => "Profil",
            ReviewSection::Background => "Parcours",
            ReviewSection::Administrative => "Situation administrative",
            ReviewSection::Documents => "Documents",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// A diploma or a certification (serialised as its stored code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DiplomaKind {
    #[serde(rename = "diplome")]
    Diploma,
    #[serde(rename = "certification")]
    Certification,
}

impl DiplomaKind {
    pub const ALL: &'static [DiplomaKind] = &[DiplomaKind::Diploma, DiplomaKind::Certification];

    pub fn code(self) -> &'static str {
        match self {
            DiplomaKind::Diploma => "diplome",
            DiplomaKind::Certification => "certification",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DiplomaKind::Diploma => "Diplôme",
            DiplomaKind::Certification => "Certification",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// Adds errors found elsewhere (database, dataset) to the result of a conversion, keeping the
/// order of `fields`: every error is reported at once.
pub fn with_more_errors<T>(result: Result<T, FieldErrors>, more: FieldErrors, fields: &[&str]) -> Result<T, FieldErrors> {
    if more.is_empty() {
        return result;
    }
    let mut errors = result.err().unwrap_or_default();
    errors.0.extend(more.0);
    errors.0.sort_by_key(|(field, _)| fields.iter().position(|f| f == field).unwrap_or(fields.len()));
    Err(errors)
}

/// The trimmed text, `None` when empty.
fn optional(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_string())
}

fn check_length(errors: &mut FieldErrors, field: &str, value: &str, max: usize, label: &str) {
    if value.chars().count() > max {
        errors.add(field, format!("{label} ne peut pas dépasser {max} caractères."));
    }
}

/// Parses an optional field: `None` when empty, the error recorded when malformed.
fn optional_parse<T, E: std::fmt::Display>(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    optional(value).and_then(|v| errors.check(field, parse(&v)))
}

fn done<T>(errors: FieldErrors, value: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
    match value() {
        Some(value) if errors.is_empty() => Ok(value),
        _ => Err(errors),
    }
}

// ---------------------------------------------------------------------------------------------
// PROFIL

/// The identity form (PROFIL tab), as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    pub civility: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub mobile_phone: String,
    pub address_line: String,
    pub postal_code: String,
    #[serde(default)]
    pub commune_code: Option<String>,
    pub mobility_km: String,
    #[serde(default)]
    pub accepts_onsite: Option<String>,
    #[serde(default)]
    pub accepts_remote: Option<String>,
    pub presentation: String,
}

/// The fields of the identity form, in their order.
pub const IDENTITY_FIELDS: &[&str] = &[
    "civility", "first_name", "last_name", "mobile_phone", "address_line", "postal_code", "commune_code", "mobility_km", "presentation",
];

/// A valid identity. The commune of the postal code is resolved by the server (the communes
/// dataset is not shipped to the browser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityUpdate {
    /// "mme" or "m".
    pub civility: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub mobile_phone: Option<Phone>,
    pub address_line: Option<String>,
    pub postal_code: Option<PostalCode>,
    /// The commune chosen in the list, if any.
    pub commune_code: Option<String>,
    pub mobility_km: Option<i64>,
    pub accepts_onsite: bool,
    pub accepts_remote: bool,
    pub presentation: Option<String>,
}

impl TryFrom<IdentityForm> for IdentityUpdate {
    type Error = FieldErrors;

    fn try_from(form: IdentityForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let civility = match form.civility.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c @ ("mme" | "m")) => Some(c.to_string()),
            Some(_) => {
                errors.add("civility", "Choisissez « Madame » ou « Monsieur ».");
                None
            }
        };
        let first_name = form.first_name.trim().to_string();
        let last_name = form.last_name.trim().to_string();
        if first_name.is_empty() {
            errors.add("first_name", "Saisissez votre prénom.");
        }
        if last_name.is_empty() {
            errors.add("last_name", "Saisissez votre nom.");
        }
        check_length(&mut errors, "first_name", &first_name, 100, "Le prénom");
        check_length(&mut errors, "last_name", &last_name, 100, "Le nom");
        let mobile_phone = optional_parse(&mut errors, "mobile_phone", &form.mobile_phone, Phone::parse_mobile);
        let address_line = optional(&form.address_line);
        if let Some(a) = &address_line {
            check_length(&mut errors, "address_line", a, 200, "L'adresse");
        }
        let postal_code = optional_parse(&mut errors, "postal_code", &form.postal_code, PostalCode::parse);
        let commune_code = form.commune_code.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        let mobility_km = match optional(&form.mobility_km) {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(km) if (0..=MAX_MOBILITY_KM).contains(&km) => Some(km),
                _ => {
                    errors.add("mobility_km", format!("Indiquez un rayon en kilomètres, entre 0 et {MAX_MOBILITY_KM}."));
                    None
                }
            },
        };
        let presentation = optional(&form.presentation);
        if let Some(p) = &presentation {
            check_length(&mut errors, "presentation", p, 2000, "La présentation");
        }
        done(errors, || {
            Some(IdentityUpdate {
                civility,
                first_name,
                last_name,
                mobile_phone,
                address_line,
                postal_code,
                commune_code,
                mobility_km,
                accepts_onsite: form.accepts_onsite.is_some(),
                accepts_remote: form.accepts_remote.is_some(),
                presentation,
            })
        })
    }
}

// ---------------------------------------------------------------------------------------------
// PARCOURS

/// The "add an experience" form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExperienceForm {
    pub role: String,
    pub organisation: String,
    pub start_date: String,
    pub end_date: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExperience {
    pub role: String,
    pub organisation: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub description: String,
}

/// The form and today's date (a start in the future is refused).
impl TryFrom<(ExperienceForm, NaiveDate)> for NewExperience {
    type Error = FieldErrors;

    fn try_from((form, today): (ExperienceForm, NaiveDate)) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let role = form.role.trim().to_string();
        let organisation = form.organisation.trim().to_string();
        if role.is_empty() {
            errors.add("role", "Indiquez le poste occupé.");
        }
        if organisation.is_empty() {
            errors.add("organisation", "Indiquez l'organisme ou l'entreprise.");
        }
        check_length(&mut errors, "role", &role, 150, "Le poste");
        check_length(&mut errors, "organisation", &organisation, 150, "L'organisme");
        check_length(&mut errors, "description", &form.description, 2000, "La description");
        let start = errors.check("start_date", parse_date(&form.start_date));
        let end = optional_parse(&mut errors, "end_date", &form.end_date, parse_date);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errors.add("end_date", "La date de fin est antérieure à la date de début.");
            }
        }
        if start.is_some_and(|s| s > today) {
            errors.add("start_date", "La date de début est dans le futur.");
        }
        done(errors, || {
            Some(NewExperience { role, organisation, start_date: start?, end_date: end, description: form.description.trim().to_string() })
        })
    }
}

/// The "add a diploma" form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiplomaForm {
    pub kind: String,
    pub title: String,
    pub institution: String,
    pub year: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDiploma {
    pub kind: DiplomaKind,
    pub title: String,
    pub institution: String,
    pub year: i64,
}

/// The form and today's date (the year of the diploma is at most this year).
impl TryFrom<(DiplomaForm, NaiveDate)> for NewDiploma {
    type Error = FieldErrors;

    fn try_from((form, today): (DiplomaForm, NaiveDate)) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = DiplomaKind::from_code(&form.kind);
        if kind.is_none() {
            errors.add("kind", "Choisissez « Diplôme » ou « Certification ».");
        }
        let title = form.title.trim().to_string();
        if title.is_empty() {
            errors.add("title", "Indiquez l'intitulé.");
        }
        check_length(&mut errors, "title", &title, 200, "L'intitulé");
        check_length(&mut errors, "institution", &form.institution, 200, "L'établissement");
        let this_year = i64::from(today.year());
        let year = match form.year.trim().parse::<i64>() {
            Ok(y) if (1950..=this_year).contains(&y) => Some(y),
            _ => {
                errors.add("year", format!("Indiquez l'année d'obtention (entre 1950 et {this_year})."));
                None
            }
        };
        done(errors, || Some(NewDiploma { kind: kind?, title, institution: form.institution.trim().to_string(), year: year? }))
    }
}

/// The "taught domain" form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainForm {
    pub domain_code: String,
    pub years_experience: String,
    pub self_level: String,
}

pub const DOMAIN_FIELDS: &[&str] = &["domain_code", "years_experience", "self_level"];

/// A taught domain. Whether the code is one of the active domains is checked by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainChoice {
    pub domain_code: String,
    pub years_experience: i64,
    pub self_level: CompetenceLevel,
}

/// The message for a domain that is not in the list.
pub const UNKNOWN_DOMAIN: &str = "Choisissez un domaine de la liste.";

impl TryFrom<DomainForm> for DomainChoice {
    type Error = FieldErrors;

    fn try_from(form: DomainForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        if form.domain_code.trim().is_empty() {
            errors.add("domain_code", UNKNOWN_DOMAIN);
        }
        let years = match form.years_experience.trim().parse::<i64>() {
            Ok(y) if (0..=60).contains(&y) => Some(y),
            _ => {
                errors.add("years_experience", "Indiquez un nombre d'années entre 0 et 60.");
                None
            }
        };
        let level = errors.check("self_level", CompetenceLevel::parse(&form.self_level));
        done(errors, || Some(DomainChoice { domain_code: form.domain_code, years_experience: years?, self_level: level? }))
    }
}

/// The "spoken language" form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageForm {
    pub language_code: String,
    pub cefr: String,
    #[serde(default)]
    pub mother_tongue: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageChoice {
    pub language_code: String,
    pub cefr: Cefr,
    pub mother_tongue: bool,
}

impl TryFrom<LanguageForm> for LanguageChoice {
    type Error = FieldErrors;

    fn try_from(form: LanguageForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mother_tongue = form.mother_tongue.is_some();
        if !is_known_language(&form.language_code) {
            errors.add("language_code", "Choisissez une langue de la liste.");
        }
        // A mother tongue needs no level: it counts as C2.
        let cefr = if mother_tongue && form.cefr.trim().is_empty() { Some(Cefr::C2) } else { errors.check("cefr", Cefr::parse(&form.cefr)) };
        done(errors, || Some(LanguageChoice { language_code: form.language_code, cefr: cefr?, mother_tongue }))
    }
}

// ---------------------------------------------------------------------------------------------
// Administrative situation

/// The administrative situation form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministrativeForm {
    pub legal_status: String,
    pub siret: String,
    pub nda: String,
    #[serde(default)]
    pub micro_social: Option<String>,
    pub yearly_turnover: String,
    pub qualiopi_number: String,
    pub qualiopi_valid_from: String,
    pub qualiopi_valid_until: String,
    pub urssaf_attestation_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdministrativeUpdate {
    pub legal_status: Option<LegalStatus>,
    pub siret: Option<Siret>,
    pub nda: Option<Nda>,
    pub micro_social: bool,
    pub yearly_turnover: Option<Money>,
    pub qualiopi_number: Option<String>,
    pub qualiopi_valid_from: Option<NaiveDate>,
    pub qualiopi_valid_until: Option<NaiveDate>,
    pub urssaf_attestation_date: Option<NaiveDate>,
}

/// The form and today's date (an attestation from the future is refused).
impl TryFrom<(AdministrativeForm, NaiveDate)> for AdministrativeUpdate {
    type Error = FieldErrors;

    fn try_from((form, today): (AdministrativeForm, NaiveDate)) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let micro_social = form.micro_social.is_some();
        let legal_status = optional_parse(&mut errors, "legal_status", &form.legal_status, LegalStatus::parse);
        let siret = optional_parse(&mut errors, "siret", &form.siret, Siret::parse);
        let nda = optional_parse(&mut errors, "nda", &form.nda, Nda::parse);
        let yearly_turnover = optional_parse(&mut errors, "yearly_turnover", &form.yearly_turnover, Money::parse);
        if micro_social && legal_status.is_some_and(|s| s != LegalStatus::MicroEntrepreneur) {
            errors.add("micro_social", "Le régime micro-social concerne les micro-entrepreneurs : vérifiez votre statut.");
        }
        let qualiopi_number = optional(&form.qualiopi_number);
        if let Some(n) = &qualiopi_number {
            check_length(&mut errors, "qualiopi_number", n, 100, "Le numéro de certificat");
        }
        let from = optional_parse(&mut errors, "qualiopi_valid_from", &form.qualiopi_valid_from, parse_date);
        let until = optional_parse(&mut errors, "qualiopi_valid_until", &form.qualiopi_valid_until, parse_date);
        match (from, until) {
            (Some(f), Some(u)) if u <= f => errors.add("qualiopi_valid_until", "La date de fin de validité doit suivre la date de délivrance."),
            (Some(_), None) => errors.add("qualiopi_valid_until", "Indiquez la date de fin de validité du certificat."),
            (None, Some(_)) => errors.add("qualiopi_valid_from", "Indiquez la date de délivrance du certificat."),
            _ => {}
        }
        if qualiopi_number.is_some() && from.is_none() && until.is_none() {
            errors.add("qualiopi_valid_from", "Indiquez les dates de validité du certificat Qualiopi.");
        }
        let urssaf = optional_parse(&mut errors, "urssaf_attestation_date", &form.urssaf_attestation_date, parse_date);
        if urssaf.is_some_and(|d| d > today) {
            errors.add("urssaf_attestation_date", "La date de l'attestation est dans le futur.");
        }
        done(errors, || {
            Some(AdministrativeUpdate {
                legal_status,
                siret,
                nda,
                micro_social,
                yearly_turnover,
                qualiopi_number,
                qualiopi_valid_from: from,
                qualiopi_valid_until: until,
                urssaf_attestation_date: urssaf,
            })
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Staff review

/// The staff's decision form, as typed (one reason field per section).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewForm {
    pub decision: String,
    pub reason_profil: String,
    pub reason_parcours: String,
    pub reason_administratif: String,
    pub reason_documents: String,
}

/// A decision on a profile, with the reasons given (trimmed, empty ones left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewDecision {
    pub decision: ProfileStatus,
    pub reasons: Vec<(ReviewSection, String)>,
}

impl ReviewDecision {
    /// The decisions staff can take, in the order of the form.
    pub const CHOICES: &'static [ProfileStatus] = &[ProfileStatus::Validated, ProfileStatus::ChangesRequested, ProfileStatus::Rejected];
}

impl TryFrom<ReviewForm> for ReviewDecision {
    type Error = FieldErrors;

    fn try_from(form: ReviewForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let decision = ProfileStatus::from_code(&form.decision).filter(|d| ReviewDecision::CHOICES.contains(d));
        if decision.is_none() {
            errors.add("decision", "Choisissez une décision.");
        }
        let reasons: Vec<(ReviewSection, String)> = [
            (ReviewSection::Profile, &form.reason_profil),
            (ReviewSection::Background, &form.reason_parcours),
            (ReviewSection::Administrative, &form.reason_administratif),
            (ReviewSection::Documents, &form.reason_documents),
        ]
        .into_iter()
        .filter(|(_, r)| !r.trim().is_empty())
        .map(|(s, r)| (s, r.trim().to_string()))
        .collect();
        if matches!(decision, Some(ProfileStatus::ChangesRequested | ProfileStatus::Rejected)) && reasons.is_empty() {
            errors.add("reasons", "Expliquez au formateur ce qui ne va pas, dans au moins une section.");
        }
        if reasons.iter().any(|(_, r)| r.chars().count() > 2000) {
            errors.add("reasons", "Chaque motif est limité à 2000 caractères.");
        }
        done(errors, || Some(ReviewDecision { decision: decision?, reasons }))
    }
}

// ---------------------------------------------------------------------------------------------
// Erasure

/// The "delete my account" form: the password, and SUPPRIMER typed to confirm.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteAccountForm {
    pub password: String,
    pub confirmation: String,
}

/// A confirmed erasure request; the password is checked by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRequest {
    pub password: String,
}

impl TryFrom<DeleteAccountForm> for ErasureRequest {
    type Error = FieldErrors;

    fn try_from(form: DeleteAccountForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        if form.confirmation.trim() != "SUPPRIMER" {
            errors.add("confirmation", "Écrivez SUPPRIMER en majuscules pour confirmer.");
        }
        done(errors, || Some(ErasureRequest { password: form.password }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        day(2026, 6, 15)
    }

    fn identity() -> IdentityForm {
        IdentityForm {
            civility: Some("mme".into()),
            first_name: " Jeanne ".into(),
            last_name: "Dupont".into(),
            mobile_phone: "06 12 34 56 78".into(),
            address_line: "12 rue de la République".into(),
            postal_code: "69003".into(),
            commune_code: None,
            mobility_km: "30".into(),
            accepts_onsite: Some("on".into()),
            accepts_remote: None,
            presentation: String::new(),
        }
    }

    #[test]
    fn identity_is_trimmed_and_typed() {
        let value = IdentityUpdate::try_from(identity()).unwrap();
        assert_eq!(value.first_name, "Jeanne");
        assert_eq!(value.postal_code.unwrap().as_str(), "69003");
        assert_eq!(value.mobility_km, Some(30));
        assert!(value.accepts_onsite && !value.accepts_remote);
        assert_eq!(value.presentation, None);
    }

    #[test]
    fn identity_reports_every_field_error_at_once() {
        let bad = IdentityForm {
            civility: Some("x".into()),
            last_name: " ".into(),
            mobile_phone: "01 23 45 67 89".into(),
            postal_code: "6900".into(),
            mobility_km: "-4".into(),
            ..identity()
        };
        let errors = IdentityUpdate::try_from(bad).unwrap_err();
        for field in ["civility", "last_name", "mobile_phone", "postal_code", "mobility_km"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(errors.get("first_name").is_none());
    }

    #[test]
    fn more_errors_are_merged_in_form_order() {
        let bad = IdentityForm { civility: Some("x".into()), mobility_km: "-1".into(), ..identity() };
        let mut more = FieldErrors::new();
        more.add("commune_code", "Choisissez une commune de ce code postal.");
        let errors = with_more_errors(IdentityUpdate::try_from(bad), more, IDENTITY_FIELDS).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, vec!["civility", "commune_code", "mobility_km"]);
        assert!(with_more_errors(Ok(1), FieldErrors::new(), IDENTITY_FIELDS).is_ok());
    }

    fn experience() -> ExperienceForm {
        ExperienceForm {
            role: "Formatrice".into(),
            organisation: "AFPA".into(),
            start_date: "2015-09-01".into(),
            end_date: String::new(),
            description: " Excel ".into(),
        }
    }

    #[test]
    fn an_experience_needs_its_role_organisation_and_a_past_start() {
        let ok = NewExperience::try_from((experience(), today())).unwrap();
        assert_eq!(ok.start_date, day(2015, 9, 1));
        assert_eq!(ok.end_date, None);
        assert_eq!(ok.description, "Excel");
        let bad = ExperienceForm { role: String::new(), organisation: " ".into(), start_date: "2027-01-01".into(), end_date: "2020-01-01".into(), ..experience() };
        let errors = NewExperience::try_from((bad, today())).unwrap_err();
        for field in ["role", "organisation", "start_date", "end_date"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_diploma_has_a_kind_a_title_and_a_past_year() {
        let form = DiplomaForm { kind: "certification".into(), title: " TP FPA ".into(), institution: "AFPA".into(), year: "2010".into() };
        let ok = NewDiploma::try_from((form.clone(), today())).unwrap();
        assert_eq!((ok.kind, ok.title.as_str(), ok.year), (DiplomaKind::Certification, "TP FPA", 2010));
        let bad = DiplomaForm { kind: "master".into(), title: String::new(), year: "2030".into(), ..form };
        let errors = NewDiploma::try_from((bad, today())).unwrap_err();
        for field in ["kind", "title", "year"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_domain_needs_a_code_years_and_a_level() {
        let ok = DomainChoice::try_from(DomainForm { domain_code: "excel".into(), years_experience: "8".into(), self_level: "expert".into() }).unwrap();
        assert_eq!(ok.self_level, CompetenceLevel::Expert);
        let errors = DomainChoice::try_from(DomainForm { domain_code: String::new(), years_experience: "61".into(), self_level: "dieu".into() }).unwrap_err();
        for field in DOMAIN_FIELDS {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_mother_tongue_needs_no_level() {
        let native = LanguageChoice::try_from(LanguageForm { language_code: "fr".into(), cefr: String::new(), mother_tongue: Some("on".into()) }).unwrap();
        assert_eq!(native.cefr, Cefr::C2);
        assert!(native.mother_tongue);
        let errors = LanguageChoice::try_from(LanguageForm { language_code: "xx".into(), cefr: String::new(), mother_tongue: None }).unwrap_err();
        assert!(errors.get("language_code").is_some() && errors.get("cefr").is_some());
    }

    fn administrative() -> AdministrativeForm {
        AdministrativeForm {
            legal_status: "micro".into(),
            siret: "732 829 320 00074".into(),
            nda: "11 75 41412 75".into(),
            micro_social: Some("on".into()),
            yearly_turnover: "42 000".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_administrative_situation_is_typed() {
        let ok = AdministrativeUpdate::try_from((administrative(), today())).unwrap();
        assert_eq!(ok.legal_status, Some(LegalStatus::MicroEntrepreneur));
        assert_eq!(ok.siret.unwrap().as_str(), "73282932000074");
        assert!(ok.micro_social);
        assert_eq!(ok.qualiopi_valid_until, None);
    }

    #[test]
    fn the_administrative_situation_reports_every_error() {
        let bad = AdministrativeForm {
            legal_status: "societe".into(),
            siret: "73282932000075".into(),
            nda: "123".into(),
            yearly_turnover: "beaucoup".into(),
            qualiopi_number: "Q-1".into(),
            qualiopi_valid_from: "2026-01-01".into(),
            qualiopi_valid_until: "2025-01-01".into(),
            urssaf_attestation_date: "2027-01-01".into(),
            ..administrative()
        };
        let errors = AdministrativeUpdate::try_from((bad, today())).unwrap_err();
        for field in ["siret", "nda", "micro_social", "yearly_turnover", "qualiopi_valid_until", "urssaf_attestation_date"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_refusal_needs_a_reason_and_a_validation_does_not() {
        let form = ReviewForm { decision: "valide".into(), reason_documents: " ".into(), ..Default::default() };
        let ok = ReviewDecision::try_from(form).unwrap();
        assert_eq!(ok.decision, ProfileStatus::Validated);
        assert!(ok.reasons.is_empty());
        let errors = ReviewDecision::try_from(ReviewForm { decision: "refuse".into(), ..Default::default() }).unwrap_err();
        assert!(errors.get("reasons").is_some());
        let errors = ReviewDecision::try_from(ReviewForm::default()).unwrap_err();
        assert!(errors.get("decision").is_some());
        let asked = ReviewDecision::try_from(ReviewForm {
            decision: "modifications_demandees".into(),
            reason_administratif: " NDA ".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(asked.reasons, vec![(ReviewSection::Administrative, "NDA".to_string())]);
    }

    #[test]
    fn erasure_needs_the_confirmation_word() {
        let errors = ErasureRequest::try_from(DeleteAccountForm { password: "x".into(), confirmation: "supprimer".into() }).unwrap_err();
        assert!(errors.get("confirmation").is_some());
        assert!(ErasureRequest::try_from(DeleteAccountForm { password: "x".into(), confirmation: " SUPPRIMER ".into() }).is_ok());
    }
}
