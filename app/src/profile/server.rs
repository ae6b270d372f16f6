//! Profile operations behind the server functions: profile views assembled from repository
//! rows, each part saved after its typed form, submission, and what the eligibility rules read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::*;
use crate::domain::eligibility::{Paperwork, QualiopiCertificate, TrainerFacts};
use crate::domain::form::FieldErrors;
use crate::domain::forms::profile::{
    with_more_errors, AdministrativeUpdate, DomainChoice, IdentityUpdate, LanguageChoice, NewDiploma, NewExperience, DOMAIN_FIELDS,
    IDENTITY_FIELDS, UNKNOWN_DOMAIN,
};
use crate::domain::languages::language_name;
use crate::domain::profile::{completeness, DocumentKind, ProfileFacts};
use crate::domain::{Money, Nda, Phone, PostalCode, Siret};
use crate::geo::Commune;
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::{paris_date, today};
use crate::repo::documents::DocumentRow;
use crate::repo::profiles::{self, PartChecks, ProfileData, ProfileRow, ReviewRecord};
use crate::session::Role;

/// Creates a trainer's empty profile row if needed (for other areas and the demo data).
pub async fn ensure_profile(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    profiles::ensure_own(db, &Ctx { user_id, role: Role::Trainer }).await
}

// ---------------------------------------------------------------------------------------------
// Views

/// The caller's whole profile.
pub async fn load_own(db: &Db, ctx: &Ctx) -> Result<MyProfile, AppError> {
    profiles::load_own(db, ctx).await?.map(profile_view).ok_or(AppError::NotFound)
}

/// A trainer's whole profile, for staff.
pub async fn load_for_staff(db: &Db, user_id: i64) -> Result<MyProfile, AppError> {
    profiles::load_for_staff(db, user_id).await?.map(profile_view).ok_or(AppError::NotFound)
}

pub fn size_label(bytes: i64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} Mo", bytes as f64 / 1_048_576.0).replace('.', ",")
    } else {
        format!("{} Ko", (bytes + 1023) / 1024)
    }
}

pub fn document_view(id: i64, kind: DocumentKind, original_name: String, size_bytes: i64, uploaded_at: DateTime<Utc>) -> DocumentView {
    DocumentView {
        id,
        kind: kind.code().to_string(),
        kind_label: kind.label().to_string(),
        original_name,
        size_label: size_label(size_bytes),
        uploaded_on: paris_date(uploaded_at),
    }
}

pub fn review_view(record: ReviewRecord) -> ReviewView {
    ReviewView { decision: record.decision, decided_on: paris_date(record.created_at), reasons: record.reasons }
}

/// The state of a part staff verify, shown only when the part is filled.
fn shown_check(check: PartCheck, present: bool) -> Option<PartCheck> {
    present.then_some(check)
}

fn profile_view(data: ProfileData) -> MyProfile {
    let ProfileData { row, experiences, diplomas, domains, languages, documents, last_review, domain_choices } = data;
    let documents: Vec<DocumentView> = documents
        .into_iter()
        .map(|DocumentRow { id, kind, original_name, size_bytes, uploaded_at }| document_view(id, kind, original_name, size_bytes, uploaded_at))
        .collect();
    let facts = ProfileFacts {
        identity: row.civility.is_some() && !row.first_name.is_empty() && !row.last_name.is_empty(),
        mobile_phone: row.mobile_phone.is_some(),
        postal_code: row.postal_code.is_some() && row.commune_code.is_some(),
        mobility: row.mobility_km.is_some() && (row.accepts_onsite || row.accepts_remote),
        presentation: row.presentation.as_deref().is_some_and(|p| !p.trim().is_empty()),
        experiences: experiences.len(),
        diplomas: diplomas.len(),
        domains: domains.len(),
        languages_with_mother_tongue: languages.iter().any(|l| l.mother_tongue),
        cv: documents.iter().any(|d| d.kind == DocumentKind::Cv.code()),
        legal_status_and_siret: row.legal_status.is_some() && row.siret.is_some(),
        nda: row.nda.is_some(),
        qualiopi_or_micro_social: row.micro_social || row.qualiopi_valid_until.is_some(),
        urssaf: row.urssaf_attestation_date.is_some(),
    };
    let administrative = Administrative {
        legal_status: row.legal_status,
        siret: row.siret.as_deref().and_then(|s| Siret::parse(s).ok()).map(|s| s.to_string()),
        nda: row.nda.as_deref().and_then(|n| Nda::parse(n).ok()).map(|n| n.grouped()),
        micro_social: row.micro_social,
        yearly_turnover_cents: row.yearly_turnover_cents,
        qualiopi_number: row.qualiopi_number.clone(),
        qualiopi_valid_from: row.qualiopi_valid_from,
        qualiopi_valid_until: row.qualiopi_valid_until,
        urssaf_attestation_date: row.urssaf_attestation_date,
        nda_check: shown_check(row.nda_check, row.nda.is_some()),
        siret_check: shown_check(row.siret_check, row.siret.is_some()),
        qualiopi_check: shown_check(row.qualiopi_check, row.qualiopi_valid_until.is_some()),
        turnover_check: shown_check(row.turnover_check, row.micro_social || row.yearly_turnover_cents.is_some()),
        verified_nda: row.verified_nda.as_deref().and_then(|n| Nda::parse(n).ok()).map(|n| n.grouped()),
    };
    MyProfile {
        user_id: row.user_id,
        status: row.status,
        submitted_on: row.submitted_at.map(paris_date),
        identity: Identity {
            civility: row.civility,
            first_name: row.first_name,
            last_name: row.last_name,
            email: row.email,
            mobile_phone: row.mobile_phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.to_string()),
            address_line: row.address_line,
            postal_code: row.postal_code,
            commune_code: row.commune_code,
            commune_name: row.commune_name,
            mobility_km: row.mobility_km,
            accepts_onsite: row.accepts_onsite,
            accepts_remote: row.accepts_remote,
            presentation: row.presentation,
        },
        experiences,
        diplomas,
        domains,
        languages: languages
            .into_iter()
            .map(|l| SpokenLanguage {
                name: language_name(&l.language_code).unwrap_or("Autre").to_string(),
                code: l.language_code,
                cefr: l.cefr,
                mother_tongue: l.mother_tongue,
            })
            .collect(),
        administrative,
        documents,
        completeness: completeness(&facts),
        last_review: last_review.map(review_view),
        domain_choices,
        email_digest: row.email_digest,
    }
}

// ---------------------------------------------------------------------------------------------
// PROFIL

/// The commune of the postal code: the one chosen, or the only one.
fn resolve_commune(value: &IdentityForm, errors: &mut FieldErrors) -> Option<&'static Commune> {
    let code = PostalCode::parse(value.postal_code.trim()).ok()?;
    let communes = crate::geo::communes(code.as_str());
    if communes.is_empty() {
        errors.add("postal_code", "Ce code postal n'existe pas : vérifiez-le.");
        return None;
    }
    let chosen = value.commune_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    match chosen {
        Some(c) => {
            let found = communes.iter().find(|x| x.insee == c);
            if found.is_none() {
                errors.add("commune_code", "Choisissez une commune de ce code postal.");
            }
            found
        }
        None if communes.len() == 1 => communes.first(),
        None => {
            errors.add("commune_code", "Plusieurs communes partagent ce code postal : choisissez la vôtre.");
            None
        }
    }
}

pub async fn save_identity(db: &Db, ctx: &Ctx, form: IdentityForm) -> Result<(), AppError> {
    let mut more = FieldErrors::new();
    let commune = resolve_commune(&form, &mut more);
    let value = with_more_errors(IdentityUpdate::try_from(form), more, IDENTITY_FIELDS)?;
    profiles::save_identity(db, ctx, &value, commune).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PARCOURS

pub async fn add_experience(db: &Db, ctx: &Ctx, form: ExperienceForm) -> Result<(), AppError> {
    let value = NewExperience::try_from((form, today()))?;
    Ok(profiles::add_experience(db, ctx, &value).await?)
}

pub async fn add_diploma(db: &Db, ctx: &Ctx, form: DiplomaForm) -> Result<(), AppError> {
    let value = NewDiploma::try_from((form, today()))?;
    Ok(profiles::add_diploma(db, ctx, &value).await?)
}

/// A deletion that found nothing of the caller's is "not found"; otherwise the profile changed.
async fn deleted(db: &Db, ctx: &Ctx, rows: u64) -> Result<(), AppError> {
    if rows == 0 {
        return Err(AppError::NotFound);
    }
    Ok(profiles::touch(db, ctx).await?)
}

pub async fn delete_experience(db: &Db, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let rows = profiles::delete_experience(db, ctx, id).await?;
    deleted(db, ctx, rows).await
}

pub async fn delete_diploma(db: &Db, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let rows = profiles::delete_diploma(db, ctx, id).await?;
    deleted(db, ctx, rows).await
}

pub async fn save_domain(db: &Db, ctx: &Ctx, form: DomainForm) -> Result<(), AppError> {
    let mut more = FieldErrors::new();
    let known = profiles::domain_choices(db).await?.into_iter().any(|d| d.code == form.domain_code);
    if !known && !form.domain_code.trim().is_empty() {
        more.add("domain_code", UNKNOWN_DOMAIN);
    }
    let value = with_more_errors(DomainChoice::try_from(form), more, DOMAIN_FIELDS)?;
    Ok(profiles::save_domain(db, ctx, &value).await?)
}

pub async fn save_language(db: &Db, ctx: &Ctx, form: LanguageForm) -> Result<(), AppError> {
    let value = LanguageChoice::try_from(form)?;
    Ok(profiles::save_language(db, ctx, &value).await?)
}

// ---------------------------------------------------------------------------------------------
// Administrative situation

/// A verified part that changes goes back to verification; an unchanged one keeps its state. On
/// a validated profile a part filled for the first time goes to verification too (staff verify
/// it from their queue; until then it does not count for eligibility).
fn next_check<T: PartialEq>(current: PartCheck, old: &Option<T>, new: &Option<T>, validated: bool) -> PartCheck {
    if old == new {
        current
    } else if new.is_none() {
        PartCheck::None
    } else if validated || matches!(current, PartCheck::Verified | PartCheck::Pending) {
        PartCheck::Pending
    } else {
        PartCheck::None
    }
}

/// The micro-social regime and the turnover, as one part; `None` when nothing is declared.
fn turnover_part(micro_social: bool, turnover_cents: Option<i64>) -> Option<(bool, Option<i64>)> {
    (micro_social || turnover_cents.is_some()).then_some((micro_social, turnover_cents))
}

fn part_checks(current: &ProfileRow, value: &AdministrativeUpdate) -> PartChecks {
    let validated = current.status == ProfileStatus::Validated;
    let nda = value.nda.as_ref().map(|n| n.as_str().to_string());
    let siret = value.siret.as_ref().map(|s| s.as_str().to_string());
    let qualiopi_old = current.qualiopi_valid_until.map(|u| (current.qualiopi_number.clone(), current.qualiopi_valid_from, u));
    let qualiopi_new = value.qualiopi_valid_until.map(|u| (value.qualiopi_number.clone(), value.qualiopi_valid_from, u));
    let turnover_old = turnover_part(current.micro_social, current.yearly_turnover_cents);
    let turnover_new = turnover_part(value.micro_social, value.yearly_turnover.map(|t| t.cents()));
    PartChecks {
        nda: next_check(current.nda_check, &current.nda, &nda, validated),
        siret: next_check(current.siret_check, &current.siret, &siret, validated),
        qualiopi: next_check(current.qualiopi_check, &qualiopi_old, &qualiopi_new, validated),
        turnover: next_check(current.turnover_check, &turnover_old, &turnover_new, validated),
    }
}

pub async fn save_administrative(db: &Db, ctx: &Ctx, form: AdministrativeForm) -> Result<(), AppError> {
    let value = AdministrativeUpdate::try_from((form, today()))?;
    let current = profiles::own_row(db, ctx).await?.ok_or(AppError::NotFound)?;
    profiles::save_administrative(db, ctx, &value, &part_checks(&current, &value)).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Submission

pub async fn submit(db: &Db, ctx: &Ctx) -> Result<(), AppError> {
    let profile = load_own(db, ctx).await?;
    match profile.status {
        ProfileStatus::Draft | ProfileStatus::ChangesRequested => {}
        ProfileStatus::Submitted => return Err(AppError::Rejected("Votre profil est déjà en cours de vérification.".into())),
        ProfileStatus::Validated => return Err(AppError::Rejected("Votre profil est déjà validé.".into())),
        ProfileStatus::Rejected => {
            return Err(AppError::Rejected("Votre profil a été refusé : contactez l'équipe pour en parler.".into()))
        }
    }
    if !profile.completeness.can_submit() {
        let missing: Vec<String> = profile.completeness.minimum_missing().map(|m| m.label.to_lowercase()).collect();
        return Err(AppError::Rejected(format!("Il manque encore : {}.", missing.join(", "))));
    }
    profiles::submit_own(db, ctx).await?;
    tracing::info!(user_id = ctx.user_id, "profile submitted for verification");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// What the eligibility rules read

pub async fn trainer_facts(db: &Db, user_id: i64) -> Result<TrainerFacts, AppError> {
    let results = crate::competence::server::results_for_rules(db, user_id).await?;
    let row = profiles::row(db, user_id).await?;
    let mother_tongues = if row.is_some() { profiles::mother_tongues(db, user_id).await? } else { Vec::new() };
    Ok(facts_from(row.as_ref(), mother_tongues, results))
}

/// The facts of many trainers at once (staff ranking), with their profile rows: one statement
/// per table and 500 trainers, each trainer converted by `facts_from` like a single one.
pub async fn trainer_facts_of(db: &Db, users: &[i64]) -> Result<HashMap<i64, (Option<ProfileRow>, TrainerFacts)>, AppError> {
    let mut rows: HashMap<i64, ProfileRow> = profiles::rows_of(db, users).await?.into_iter().map(|r| (r.user_id, r)).collect();
    let mut tongues: HashMap<i64, Vec<String>> = HashMap::new();
    for (user_id, language) in profiles::mother_tongues_of(db, users).await? {
        tongues.entry(user_id).or_default().push(language);
    }
    let mut results: HashMap<i64, Vec<crate::repo::competence::SubmittedResult>> = HashMap::new();
    for result in crate::repo::competence::submitted_results_of(db, users).await? {
        results.entry(result.user_id).or_default().push(result);
    }
    Ok(users
        .iter()
        .map(|id| {
            let row = rows.remove(id);
            let mother_tongues = if row.is_some() { tongues.remove(id).unwrap_or_default() } else { Vec::new() };
            let tests = crate::competence::server::results_from(results.remove(id).unwrap_or_default());
            let facts = facts_from(row.as_ref(), mother_tongues, tests);
            (*id, (row, facts))
        })
        .collect())
}

/// The one conversion from stored rows to what the rules read (single trainers and batches).
/// The paperwork staff verify counts with its last verified values; a value entered or changed
/// since is listed as awaiting verification.
pub fn facts_from(
    row: Option<&ProfileRow>,
    mother_tongues: Vec<String>,
    (qcm, passed, delays): (Option<crate::domain::QcmPass>, Vec<crate::domain::PassedTest>, Vec<crate::domain::RetakeDelay>),
) -> TrainerFacts {
    let Some(row) = row else {
        return TrainerFacts { qualiopi_qcm: qcm, passed_tests: passed, retake_delays: delays, ..TrainerFacts::empty() };
    };
    TrainerFacts {
        profile_status: row.status,
        nda: row.verified_nda.as_deref().and_then(|n| Nda::parse(n).ok()),
        legal_status: row.legal_status,
        micro_social: row.verified_micro_social,
        yearly_turnover: row.verified_yearly_turnover_cents.map(Money::from_cents),
        qualiopi_certificate: match (row.verified_qualiopi_valid_from, row.verified_qualiopi_valid_until) {
            (Some(valid_from), Some(valid_until)) => Some(QualiopiCertificate { valid_from, valid_until }),
            _ => None,
        },
        qualiopi_qcm: qcm,
        passed_tests: passed,
        retake_delays: delays,
        mother_tongues,
        awaiting_verification: awaiting_verification(row),
    }
}

/// The parts whose current value does not count yet: entered or changed since staff verified
/// them, or sent back to verification (a new certificate document).
fn awaiting_verification(row: &ProfileRow) -> Vec<Paperwork> {
    let waits = |present: bool, changed: bool, check: PartCheck| present && (changed || check == PartCheck::Pending);
    let mut out = Vec::new();
    if waits(row.nda.is_some(), row.nda != row.verified_nda, row.nda_check) {
        out.push(Paperwork::Nda);
    }
    let certificate = (row.qualiopi_valid_from, row.qualiopi_valid_until);
    let verified_certificate = (row.verified_qualiopi_valid_from, row.verified_qualiopi_valid_until);
    if waits(row.qualiopi_valid_until.is_some(), certificate != verified_certificate, row.qualiopi_check) {
        out.push(Paperwork::QualiopiCertificate);
    }
    let turnover = turnover_part(row.micro_social, row.yearly_turnover_cents);
    let verified_turnover = turnover_part(row.verified_micro_social, row.verified_yearly_turnover_cents);
    if waits(turnover.is_some(), turnover != verified_turnover, row.turnover_check) {
        out.push(Paperwork::Turnover);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_part_goes_back_to_verification_only_if_it_was_checked() {
        let (a, b) = (Some("1".to_string()), Some("2".to_string()));
        assert_eq!(next_check(PartCheck::Verified, &a, &a, true), PartCheck::Verified);
        assert_eq!(next_check(PartCheck::Verified, &a, &b, true), PartCheck::Pending);
        assert_eq!(next_check(PartCheck::Pending, &a, &b, true), PartCheck::Pending);
        assert_eq!(next_check(PartCheck::None, &a, &b, false), PartCheck::None);
        assert_eq!(next_check(PartCheck::Verified, &a, &None, true), PartCheck::None);
        // On a validated profile, a part filled for the first time waits for staff.
        assert_eq!(next_check(PartCheck::None, &None, &b, true), PartCheck::Pending);
        assert_eq!(next_check(PartCheck::None, &None, &b, false), PartCheck::None);
    }

    #[test]
    fn sizes_read_in_french() {
        assert_eq!(size_label(2048), "2 Ko");
        assert_eq!(size_label(1_572_864), "1,5 Mo");
    }
}
