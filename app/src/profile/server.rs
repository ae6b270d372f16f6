//! Profile repository: the only code that reads and writes trainer profiles, their documents
//! and reviews. Every function takes the owner's id, so one trainer never reaches another's rows.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::eligibility::{QualiopiCertificate, TrainerFacts};
use crate::domain::languages::{is_known_language, language_name};
use crate::domain::profile::{check_upload, completeness, DocumentKind, ProfileFacts, UploadError, MAX_DOCUMENT_BYTES};
use crate::domain::{parse_date, Cefr, CompetenceLevel, LegalStatus, Money, Nda, Phone, PostalCode, Siret};
use crate::error::FieldErrors;
use crate::infra::db::Db;
use crate::infra::state::AppState;
use crate::infra::time::{now, paris_date};
use crate::{on_db, write_tx};

pub async fn ensure_profile(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO trainer_profiles (user_id, updated_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING")
            .bind(user_id)
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct ProfileRow {
    pub user_id: i64,
    pub status: String,
    pub civility: Option<String>,
    pub mobile_phone: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub mobility_km: Option<i64>,
    pub accepts_onsite: bool,
    pub accepts_remote: bool,
    pub presentation: Option<String>,
    pub legal_status: Option<String>,
    pub siret: Option<String>,
    pub nda: Option<String>,
    pub micro_social: bool,
    pub yearly_turnover_cents: Option<i64>,
    pub qualiopi_number: Option<String>,
    pub qualiopi_valid_from: Option<NaiveDate>,
    pub qualiopi_valid_until: Option<NaiveDate>,
    pub urssaf_attestation_date: Option<NaiveDate>,
    pub nda_check: String,
    pub siret_check: String,
    pub qualiopi_check: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub email_digest: bool,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

const PROFILE_SELECT: &str = "SELECT p.user_id, p.status, p.civility, p.mobile_phone, p.address_line, p.postal_code,
    p.commune_code, p.commune_name, p.latitude, p.longitude, p.mobility_km, p.accepts_onsite, p.accepts_remote,
    p.presentation, p.legal_status, p.siret, p.nda, p.micro_social, p.yearly_turnover_cents, p.qualiopi_number,
    p.qualiopi_valid_from, p.qualiopi_valid_until, p.urssaf_attestation_date, p.nda_check, p.siret_check,
    p.qualiopi_check, p.submitted_at, p.email_digest, u.first_name, u.last_name, u.email
    FROM trainer_profiles p JOIN users u ON u.id = p.user_id
    WHERE p.user_id = $1 AND u.deleted_at IS NULL";

pub async fn profile_row(db: &Db, user_id: i64) -> Result<Option<ProfileRow>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_as::<_, ProfileRow>(PROFILE_SELECT).bind(user_id).fetch_optional(pool).await)
}

fn status_of(code: &str) -> ProfileStatus {
    ProfileStatus::from_code(code).unwrap_or(ProfileStatus::Draft)
}

pub async fn domain_choices(db: &Db) -> Result<Vec<DomainOption>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        code: String,
        label: String,
        category: String,
        language: Option<String>,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as("SELECT code, label, category, language FROM domains WHERE active = TRUE ORDER BY category, label")
            .fetch_all(pool)
            .await
    })?;
    Ok(rows.into_iter().map(|r| DomainOption { code: r.code, label: r.label, category: r.category, language: r.language }).collect())
}

pub async fn load_profile(db: &Db, user_id: i64) -> Result<Option<MyProfile>, AppError> {
    let Some(row) = profile_row(db, user_id).await? else { return Ok(None) };
    #[derive(sqlx::FromRow)]
    struct ExpRow {
        id: i64,
        role: String,
        organisation: String,
        start_date: NaiveDate,
        end_date: Option<NaiveDate>,
        description: String,
    }
    let experiences: Vec<ExpRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, role, organisation, start_date, end_date, description FROM experiences
             WHERE user_id = $1 ORDER BY start_date DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })?;
    #[derive(sqlx::FromRow)]
    struct DipRow {
        id: i64,
        kind: String,
        title: String,
        institution: String,
        year: i64,
    }
    let diplomas: Vec<DipRow> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, kind, title, institution, year FROM diplomas WHERE user_id = $1 ORDER BY year DESC, id DESC")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?;
    #[derive(sqlx::FromRow)]
    struct DomRow {
        domain_code: String,
        label: String,
        years_experience: i64,
        self_level: String,
    }
    let domains: Vec<DomRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.domain_code, d.label, t.years_experience, t.self_level FROM trainer_domains t
             JOIN domains d ON d.code = t.domain_code WHERE t.user_id = $1 ORDER BY d.label",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })?;
    #[derive(sqlx::FromRow)]
    struct LangRow {
        language_code: String,
        cefr: String,
        mother_tongue: bool,
    }
    let languages: Vec<LangRow> = on_db!(db, |pool| {
        sqlx::query_as("SELECT language_code, cefr, mother_tongue FROM trainer_languages WHERE user_id = $1 ORDER BY mother_tongue DESC, language_code")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?;
    let documents = list_documents(db, user_id).await?;
    let last_review = last_review(db, user_id).await?;

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
    let check = |code: &str, present: bool| present.then(|| PartCheck::from_code(code));
    Ok(Some(MyProfile {
        user_id,
        status: status_of(&row.status),
        submitted_on: row.submitted_at.map(paris_date),
        identity: Identity {
            civility: row.civility.clone(),
            first_name: row.first_name.clone(),
            last_name: row.last_name.clone(),
            email: row.email.clone(),
            mobile_phone: row.mobile_phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.to_string()),
            address_line: row.address_line.clone(),
            postal_code: row.postal_code.clone(),
            commune_code: row.commune_code.clone(),
            commune_name: row.commune_name.clone(),
            mobility_km: row.mobility_km,
            accepts_onsite: row.accepts_onsite,
            accepts_remote: row.accepts_remote,
            presentation: row.presentation.clone(),
        },
        experiences: experiences
            .into_iter()
            .map(|e| Experience {
                id: e.id,
                role: e.role,
                organisation: e.organisation,
                start_date: e.start_date,
                end_date: e.end_date,
                description: e.description,
            })
            .collect(),
        diplomas: diplomas
            .into_iter()
            .map(|d| Diploma { id: d.id, kind: d.kind, title: d.title, institution: d.institution, year: d.year })
            .collect(),
        domains: domains
            .into_iter()
            .map(|d| TaughtDomain {
                code: d.domain_code,
                label: d.label,
                years_experience: d.years_experience,
                self_level: d.self_level,
            })
            .collect(),
        languages: languages
            .into_iter()
            .map(|l| SpokenLanguage {
                name: language_name(&l.language_code).unwrap_or("Autre").to_string(),
                code: l.language_code,
                cefr: l.cefr,
                mother_tongue: l.mother_tongue,
            })
            .collect(),
        administrative: Administrative {
            legal_status: row.legal_status.clone(),
            siret: row.siret.as_deref().and_then(|s| Siret::parse(s).ok()).map(|s| s.to_string()),
            nda: row.nda.as_deref().and_then(|n| Nda::parse(n).ok()).map(|n| n.grouped()),
            micro_social: row.micro_social,
            yearly_turnover_cents: row.yearly_turnover_cents,
            qualiopi_number: row.qualiopi_number.clone(),
            qualiopi_valid_from: row.qualiopi_valid_from,
            qualiopi_valid_until: row.qualiopi_valid_until,
            urssaf_attestation_date: row.urssaf_attestation_date,
            nda_check: check(&row.nda_check, row.nda.is_some()),
            siret_check: check(&row.siret_check, row.siret.is_some()),
            qualiopi_check: check(&row.qualiopi_check, row.qualiopi_valid_until.is_some()),
        },
        documents,
        completeness: completeness(&facts),
        last_review,
        domain_choices: domain_choices(db).await?,
        email_digest: row.email_digest,
    }))
}

pub async fn list_documents(db: &Db, user_id: i64) -> Result<Vec<DocumentView>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        kind: String,
        original_name: String,
        size_bytes: i64,
        uploaded_at: DateTime<Utc>,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, kind, original_name, size_bytes, uploaded_at FROM documents WHERE user_id = $1 ORDER BY uploaded_at DESC, id DESC")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| DocumentView {
            id: r.id,
            kind_label: DocumentKind::from_code(&r.kind).map(DocumentKind::label).unwrap_or("Document").to_string(),
            kind: r.kind,
            original_name: r.original_name,
            size_label: size_label(r.size_bytes),
            uploaded_on: paris_date(r.uploaded_at),
        })
        .collect())
}

fn size_label(bytes: i64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} Mo", bytes as f64 / 1_048_576.0).replace('.', ",")
    } else {
        format!("{} Ko", (bytes + 1023) / 1024)
    }
}

pub async fn last_review(db: &Db, user_id: i64) -> Result<Option<ReviewView>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        decision: String,
        created_at: DateTime<Utc>,
    }
    let row: Option<Row> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, decision, created_at FROM profile_reviews WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
            .bind(user_id)
            .fetch_optional(pool)
            .await
    })?;
    let Some(row) = row else { return Ok(None) };
    let reasons: Vec<(String, String)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT section, reason FROM review_reasons WHERE review_id = $1").bind(row.id).fetch_all(pool).await
    })?;
    let mut reasons: Vec<(ReviewSection, String)> =
        reasons.into_iter().filter_map(|(s, r)| Some((ReviewSection::from_code(&s)?, r))).collect();
    reasons.sort_by_key(|(s, _)| ReviewSection::ALL.iter().position(|x| x == s));
    Ok(Some(ReviewView { decision: status_of(&row.decision), decided_on: paris_date(row.created_at), reasons }))
}

// ---------------------------------------------------------------------------------------------
// PROFIL

pub struct IdentityInput {
    pub civility: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub mobile_phone: String,
    pub address_line: String,
    pub postal_code: String,
    pub commune_code: Option<String>,
    pub mobility_km: String,
    pub accepts_onsite: bool,
    pub accepts_remote: bool,
    pub presentation: String,
}

fn optional(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_string())
}

fn check_length(errors: &mut FieldErrors, field: &str, value: &str, max: usize, label: &str) {
    if value.chars().count() > max {
        errors.add(field, format!("{label} ne peut pas dépasser {max} caractères."));
    }
}

pub async fn save_identity(db: &Db, user_id: i64, input: IdentityInput) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let civility = match input.civility.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c @ ("mme" | "m")) => Some(c.to_string()),
        Some(_) => {
            errors.add("civility", "Choisissez « Madame » ou « Monsieur ».");
            None
        }
    };
    let first_name = input.first_name.trim().to_string();
    let last_name = input.last_name.trim().to_string();
    if first_name.is_empty() {
        errors.add("first_name", "Saisissez votre prénom.");
    }
    if last_name.is_empty() {
        errors.add("last_name", "Saisissez votre nom.");
    }
    check_length(&mut errors, "first_name", &first_name, 100, "Le prénom");
    check_length(&mut errors, "last_name", &last_name, 100, "Le nom");
    let phone = match optional(&input.mobile_phone) {
        None => None,
        Some(p) => errors.check("mobile_phone", Phone::parse_mobile(&p)),
    };
    let address = optional(&input.address_line);
    if let Some(a) = &address {
        check_length(&mut errors, "address_line", a, 200, "L'adresse");
    }
    let postal = match optional(&input.postal_code) {
        None => None,
        Some(p) => errors.check("postal_code", PostalCode::parse(&p)),
    };
    let commune = match &postal {
        None => None,
        Some(code) => {
            let communes = crate::geo::communes(code.as_str());
            if communes.is_empty() {
                errors.add("postal_code", "Ce code postal n'existe pas : vérifiez-le.");
                None
            } else {
                let chosen = input.commune_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
                match chosen {
                    Some(c) => match communes.iter().find(|x| x.insee == c) {
                        Some(commune) => Some(*commune),
                        None => {
                            errors.add("commune_code", "Choisissez une commune de ce code postal.");
                            None
                        }
                    },
                    None if communes.len() == 1 => Some(communes[0]),
                    None => {
                        errors.add("commune_code", "Plusieurs communes partagent ce code postal : choisissez la vôtre.");
                        None
                    }
                }
            }
        }
    };
    let mobility_km = match optional(&input.mobility_km) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(km) if (0..=crate::domain::geo::MAX_MOBILITY_KM).contains(&km) => Some(km),
            _ => {
                errors.add("mobility_km", format!("Indiquez un rayon en kilomètres, entre 0 et {}.", crate::domain::geo::MAX_MOBILITY_KM));
                None
            }
        },
    };
    let presentation = optional(&input.presentation);
    if let Some(p) = &presentation {
        check_length(&mut errors, "presentation", p, 2000, "La présentation");
    }
    errors.into_result()?;
    let at = now();
    write_tx!(db, |tx| {
        sqlx::query("UPDATE users SET first_name = $1, last_name = $2 WHERE id = $3")
            .bind(&first_name)
            .bind(&last_name)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE trainer_profiles SET civility = $1, mobile_phone = $2, address_line = $3, postal_code = $4,
                commune_code = $5, commune_name = $6, latitude = $7, longitude = $8, mobility_km = $9,
                accepts_onsite = $10, accepts_remote = $11, presentation = $12, updated_at = $13
             WHERE user_id = $14",
        )
        .bind(&civility)
        .bind(phone.as_ref().map(|p| p.as_str().to_string()))
        .bind(&address)
        .bind(postal.as_ref().map(|p| p.as_str().to_string()))
        .bind(commune.map(|c| c.insee.to_string()))
        .bind(commune.map(|c| c.name.to_string()))
        .bind(commune.map(|c| c.latitude))
        .bind(commune.map(|c| c.longitude))
        .bind(mobility_km)
        .bind(input.accepts_onsite)
        .bind(input.accepts_remote)
        .bind(&presentation)
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Ok::<(), AppError>(())
    })
}

// ---------------------------------------------------------------------------------------------
// PARCOURS

pub async fn add_experience(
    db: &Db,
    user_id: i64,
    role: String,
    organisation: String,
    start: String,
    end: String,
    description: String,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let role = role.trim().to_string();
    let organisation = organisation.trim().to_string();
    if role.is_empty() {
        errors.add("role", "Indiquez le poste occupé.");
    }
    if organisation.is_empty() {
        errors.add("organisation", "Indiquez l'organisme ou l'entreprise.");
    }
    check_length(&mut errors, "role", &role, 150, "Le poste");
    check_length(&mut errors, "organisation", &organisation, 150, "L'organisme");
    check_length(&mut errors, "description", &description, 2000, "La description");
    let start = errors.check("start_date", parse_date(&start));
    let end = match optional(&end) {
        None => None,
        Some(e) => errors.check("end_date", parse_date(&e)),
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.add("end_date", "La date de fin est antérieure à la date de début.");
        }
    }
    if start.is_some_and(|s| s > crate::infra::time::today()) {
        errors.add("start_date", "La date de début est dans le futur.");
    }
    errors.into_result()?;
    let Some(start) = start else { return Err(AppError::Internal) };
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO experiences (user_id, role, organisation, start_date, end_date, description) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user_id)
        .bind(&role)
        .bind(&organisation)
        .bind(start)
        .bind(end)
        .bind(description.trim())
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    touch(db, user_id).await
}

/// Deletes a row of a trainer's own list; another trainer's id is simply not found.
pub async fn delete_owned(db: &Db, table: &'static str, user_id: i64, id: i64) -> Result<(), AppError> {
    debug_assert!(matches!(table, "experiences" | "diplomas"));
    let sql = format!("DELETE FROM {table} WHERE id = $1 AND user_id = $2");
    let deleted = on_db!(db, |pool| sqlx::query(&sql).bind(id).bind(user_id).execute(pool).await.map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    touch(db, user_id).await
}

pub async fn add_diploma(db: &Db, user_id: i64, kind: String, title: String, institution: String, year: String) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let kind = match kind.as_str() {
        "diplome" | "certification" => kind,
        _ => {
            errors.add("kind", "Choisissez « Diplôme » ou « Certification ».");
            String::new()
        }
    };
    let title = title.trim().to_string();
    if title.is_empty() {
        errors.add("title", "Indiquez l'intitulé.");
    }
    check_length(&mut errors, "title", &title, 200, "L'intitulé");
    check_length(&mut errors, "institution", &institution, 200, "L'établissement");
    let this_year = chrono::Datelike::year(&crate::infra::time::today()) as i64;
    let year = match year.trim().parse::<i64>() {
        Ok(y) if (1950..=this_year).contains(&y) => Some(y),
        _ => {
            errors.add("year", format!("Indiquez l'année d'obtention (entre 1950 et {this_year})."));
            None
        }
    };
    errors.into_result()?;
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO diplomas (user_id, kind, title, institution, year) VALUES ($1, $2, $3, $4, $5)")
            .bind(user_id)
            .bind(&kind)
            .bind(&title)
            .bind(institution.trim())
            .bind(year)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    touch(db, user_id).await
}

pub async fn save_domain(db: &Db, user_id: i64, code: String, years: String, level: String) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let known = domain_choices(db).await?.into_iter().any(|d| d.code == code);
    if !known {
        errors.add("domain_code", "Choisissez un domaine de la liste.");
    }
    let years = match years.trim().parse::<i64>() {
        Ok(y) if (0..=60).contains(&y) => Some(y),
        _ => {
            errors.add("years_experience", "Indiquez un nombre d'années entre 0 et 60.");
            None
        }
    };
    let level = errors.check("self_level", CompetenceLevel::parse(&level));
    errors.into_result()?;
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO trainer_domains (user_id, domain_code, years_experience, self_level) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, domain_code) DO UPDATE SET years_experience = $3, self_level = $4",
        )
        .bind(user_id)
        .bind(&code)
        .bind(years)
        .bind(level.map(|l| l.code()))
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    touch(db, user_id).await
}

pub async fn remove_domain(db: &Db, user_id: i64, code: &str) -> Result<(), AppError> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM trainer_domains WHERE user_id = $1 AND domain_code = $2")
            .bind(user_id)
            .bind(code)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    touch(db, user_id).await
}

pub async fn save_language(db: &Db, user_id: i64, code: String, cefr: String, mother_tongue: bool) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    if !is_known_language(&code) {
        errors.add("language_code", "Choisissez une langue de la liste.");
    }
    let cefr = if mother_tongue && cefr.trim().is_empty() { Some(Cefr::C2) } else { errors.check("cefr", Cefr::parse(&cefr)) };
    errors.into_result()?;
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO trainer_languages (user_id, language_code, cefr, mother_tongue) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, language_code) DO UPDATE SET cefr = $3, mother_tongue = $4",
        )
        .bind(user_id)
        .bind(&code)
        .bind(cefr.map(|c| c.code()))
        .bind(mother_tongue)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    touch(db, user_id).await
}

pub async fn remove_language(db: &Db, user_id: i64, code: &str) -> Result<(), AppError> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM trainer_languages WHERE user_id = $1 AND language_code = $2")
            .bind(user_id)
            .bind(code)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    touch(db, user_id).await
}

async fn touch(db: &Db, user_id: i64) -> Result<(), AppError> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("UPDATE trainer_profiles SET updated_at = $1 WHERE user_id = $2")
            .bind(at)
            .bind(user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Administrative situation

pub struct AdministrativeInput {
    pub legal_status: String,
    pub siret: String,
    pub nda: String,
    pub micro_social: bool,
    pub yearly_turnover: String,
    pub qualiopi_number: String,
    pub qualiopi_valid_from: String,
    pub qualiopi_valid_until: String,
    pub urssaf_attestation_date: String,
}

/// A verified part that changes goes back to verification; an unchanged one keeps its state.
fn next_check(current: &str, old: &Option<String>, new: &Option<String>) -> &'static str {
    if old == new {
        PartCheck::from_code(current).code()
    } else if new.is_none() {
        PartCheck::None.code()
    } else if current == PartCheck::Verified.code() || current == PartCheck::Pending.code() {
        PartCheck::Pending.code()
    } else {
        PartCheck::None.code()
    }
}

pub async fn save_administrative(db: &Db, user_id: i64, input: AdministrativeInput) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let legal_status = match optional(&input.legal_status) {
        None => None,
        Some(s) => errors.check("legal_status", LegalStatus::parse(&s)),
    };
    let siret = match optional(&input.siret) {
        None => None,
        Some(s) => errors.check("siret", Siret::parse(&s)),
    };
    let nda = match optional(&input.nda) {
        None => None,
        Some(n) => errors.check("nda", Nda::parse(&n)),
    };
    let turnover = match optional(&input.yearly_turnover) {
        None => None,
        Some(t) => errors.check("yearly_turnover", Money::parse(&t)),
    };
    if input.micro_social && legal_status.is_some_and(|s| s != LegalStatus::MicroEntrepreneur) {
        errors.add("micro_social", "Le régime micro-social concerne les micro-entrepreneurs : vérifiez votre statut.");
    }
    let qualiopi_number = optional(&input.qualiopi_number);
    if let Some(n) = &qualiopi_number {
        check_length(&mut errors, "qualiopi_number", n, 100, "Le numéro de certificat");
    }
    let from = match optional(&input.qualiopi_valid_from) {
        None => None,
        Some(d) => errors.check("qualiopi_valid_from", parse_date(&d)),
    };
    let until = match optional(&input.qualiopi_valid_until) {
        None => None,
        Some(d) => errors.check("qualiopi_valid_until", parse_date(&d)),
    };
    match (from, until) {
        (Some(f), Some(u)) if u <= f => errors.add("qualiopi_valid_until", "La date de fin de validité doit suivre la date de délivrance."),
        (Some(_), None) => errors.add("qualiopi_valid_until", "Indiquez la date de fin de validité du certificat."),
        (None, Some(_)) => errors.add("qualiopi_valid_from", "Indiquez la date de délivrance du certificat."),
        _ => {}
    }
    if qualiopi_number.is_some() && from.is_none() && until.is_none() {
        errors.add("qualiopi_valid_from", "Indiquez les dates de validité du certificat Qualiopi.");
    }
    let urssaf = match optional(&input.urssaf_attestation_date) {
        None => None,
        Some(d) => errors.check("urssaf_attestation_date", parse_date(&d)),
    };
    if urssaf.is_some_and(|d| d > crate::infra::time::today()) {
        errors.add("urssaf_attestation_date", "La date de l'attestation est dans le futur.");
    }
    errors.into_result()?;

    let Some(current) = profile_row(db, user_id).await? else { return Err(AppError::NotFound) };
    let nda_value = nda.as_ref().map(|n| n.as_str().to_string());
    let siret_value = siret.as_ref().map(|s| s.as_str().to_string());
    let qualiopi_old = current.qualiopi_valid_until.map(|u| format!("{:?}{:?}{:?}", current.qualiopi_number, current.qualiopi_valid_from, u));
    let qualiopi_new = until.map(|u| format!("{:?}{:?}{:?}", qualiopi_number, from, u));
    let nda_check = next_check(&current.nda_check, &current.nda, &nda_value);
    let siret_check = next_check(&current.siret_check, &current.siret, &siret_value);
    let qualiopi_check = next_check(&current.qualiopi_check, &qualiopi_old, &qualiopi_new);
    let at = now();
    on_db!(db, |pool| {
        sqlx::query(
            "UPDATE trainer_profiles SET legal_status = $1, siret = $2, nda = $3, micro_social = $4,
                yearly_turnover_cents = $5, qualiopi_number = $6, qualiopi_valid_from = $7, qualiopi_valid_until = $8,
                urssaf_attestation_date = $9, nda_check = $10, siret_check = $11, qualiopi_check = $12, updated_at = $13
             WHERE user_id = $14",
        )
        .bind(legal_status.map(|s| s.code()))
        .bind(&siret_value)
        .bind(&nda_value)
        .bind(input.micro_social)
        .bind(turnover.map(|t| t.cents()))
        .bind(&qualiopi_number)
        .bind(from)
        .bind(until)
        .bind(urssaf)
        .bind(nda_check)
        .bind(siret_check)
        .bind(qualiopi_check)
        .bind(at)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Documents: stored outside the web root under generated names.

fn document_path(state: &AppState, stored_name: &str) -> PathBuf {
    state.config.uploads_dir().join(stored_name)
}

pub async fn receive_upload(state: &AppState, user_id: i64, mut multipart: multer::Multipart<'static>) -> Result<DocumentView, AppError> {
    let mut kind: Option<DocumentKind> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    let malformed = |_| AppError::field("file", "L'envoi du fichier a été interrompu : réessayez.");
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        match field.name() {
            Some("kind") => {
                let value = field.text().await.map_err(malformed)?;
                kind = DocumentKind::from_code(value.trim());
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("document").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                    // Stop reading as soon as the limit is passed: never buffer a huge upload.
                    if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                        return Err(AppError::field("file", UploadError::TooLarge("plus de 5".into()).to_string()));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let kind = kind.ok_or_else(|| AppError::field("kind", "Choisissez le type de document."))?;
    let (original_name, bytes) = file.ok_or_else(|| AppError::field("file", UploadError::Empty.to_string()))?;
    let format = check_upload(&bytes).map_err(|e| AppError::field("file", e.to_string()))?;
    let original_name = sanitize_file_name(&original_name, format.extension());
    let stored_name = format!("{}.{}", hex::encode(rand::random::<[u8; 16]>()), format.extension());
    let dir = state.config.uploads_dir();
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(error = %e, "cannot create uploads folder");
        AppError::Internal
    })?;
    let path = document_path(state, &stored_name);
    tokio::fs::write(&path, &bytes).await.map_err(|e| {
        tracing::error!(error = %e, "cannot store upload");
        AppError::Internal
    })?;
    let at = now();
    let size = bytes.len() as i64;
    let inserted: Result<i64, sqlx::Error> = on_db!(&state.db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO documents (user_id, kind, stored_name, original_name, content_type, size_bytes, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(user_id)
        .bind(kind.code())
        .bind(&stored_name)
        .bind(&original_name)
        .bind(format.content_type())
        .bind(size)
        .bind(at)
        .fetch_one(pool)
        .await
    });
    let id = match inserted {
        Ok(id) => id,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e.into());
        }
    };
    // A new Qualiopi certificate is something staff must look at.
    if kind == DocumentKind::Qualiopi {
        on_db!(&state.db, |pool| {
            sqlx::query("UPDATE trainer_profiles SET qualiopi_check = 'pending' WHERE user_id = $1 AND qualiopi_check = 'verified'")
                .bind(user_id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
    }
    tracing::info!(user_id, document_id = id, kind = kind.code(), size, "document uploaded");
    Ok(DocumentView {
        id,
        kind: kind.code().to_string(),
        kind_label: kind.label().to_string(),
        original_name,
        size_label: size_label(size),
        uploaded_on: paris_date(at),
    })
}

/// Keeps a readable, safe name for downloads: no path, no control characters, right extension.
fn sanitize_file_name(name: &str, extension: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let clean: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ':' | '*' | '?' | '<' | '>' | '|'))
        .take(80)
        .collect();
    let clean = clean.trim();
    format!("{}.{extension}", if clean.is_empty() { "document" } else { clean })
}

#[derive(sqlx::FromRow)]
pub struct StoredDocument {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub stored_name: String,
    pub original_name: String,
    pub content_type: String,
}

pub async fn find_document(db: &Db, id: i64) -> Result<Option<StoredDocument>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT id, user_id, kind, stored_name, original_name, content_type FROM documents WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

pub async fn stored_documents(db: &Db, user_id: i64) -> Result<Vec<StoredDocument>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT id, user_id, kind, stored_name, original_name, content_type FROM documents WHERE user_id = $1 ORDER BY id")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })
}

pub async fn read_document(state: &AppState, doc: &StoredDocument) -> Option<Vec<u8>> {
    tokio::fs::read(document_path(state, &doc.stored_name)).await.ok()
}

pub async fn delete_document(state: &AppState, user_id: i64, id: i64) -> Result<(), AppError> {
    let doc = find_document(&state.db, id).await?.filter(|d| d.user_id == user_id).ok_or(AppError::NotFound)?;
    on_db!(&state.db, |pool| {
        sqlx::query("DELETE FROM documents WHERE id = $1 AND user_id = $2").bind(id).bind(user_id).execute(pool).await.map(|r| r.rows_affected())
    })?;
    if let Err(e) = tokio::fs::remove_file(document_path(state, &doc.stored_name)).await {
        tracing::warn!(error = %e, document_id = id, "stored file already gone");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Submission

pub async fn submit(db: &Db, user_id: i64) -> Result<(), AppError> {
    let profile = load_profile(db, user_id).await?.ok_or(AppError::NotFound)?;
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
    let at = now();
    on_db!(db, |pool| {
        sqlx::query(
            "UPDATE trainer_profiles SET status = 'en_attente', submitted_at = $1, updated_at = $1
             WHERE user_id = $2 AND status IN ('brouillon', 'modifications_demandees')",
        )
        .bind(at)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    tracing::info!(user_id, "profile submitted for verification");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// What the eligibility rules read

pub async fn trainer_facts(db: &Db, user_id: i64) -> Result<TrainerFacts, AppError> {
    let (qcm, passed, delays) = crate::competence::server::results_for_rules(db, user_id).await?;
    let Some(row) = profile_row(db, user_id).await? else {
        return Ok(TrainerFacts { qualiopi_qcm: qcm, passed_tests: passed, retake_delays: delays, ..TrainerFacts::empty() });
    };
    let mother_tongues: Vec<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT language_code FROM trainer_languages WHERE user_id = $1 AND mother_tongue = TRUE")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?;
    Ok(TrainerFacts {
        profile_status: status_of(&row.status),
        nda: row.nda.as_deref().and_then(|n| Nda::parse(n).ok()),
        legal_status: row.legal_status.as_deref().and_then(|s| LegalStatus::parse(s).ok()),
        micro_social: row.micro_social,
        yearly_turnover: row.yearly_turnover_cents.map(Money::from_cents),
        qualiopi_certificate: match (row.qualiopi_valid_from, row.qualiopi_valid_until) {
            (Some(valid_from), Some(valid_until)) => Some(QualiopiCertificate { valid_from, valid_until }),
            _ => None,
        },
        qualiopi_qcm: qcm,
        passed_tests: passed,
        retake_delays: delays,
        mother_tongues,
    })
}

// ---------------------------------------------------------------------------------------------
// Right to erasure

/// Erases personal data and files. Kept, anonymised: the account row (so ids in the audit log
/// and in past missions still resolve) with its personal fields blanked.
pub async fn erase_trainer(state: &AppState, user_id: i64) -> Result<(), AppError> {
    let stored: Vec<String> = on_db!(&state.db, |pool| {
        sqlx::query_scalar("SELECT stored_name FROM documents WHERE user_id = $1").bind(user_id).fetch_all(pool).await
    })?;
    let at = now();
    let placeholder = crate::auth::server::hash_password(hex::encode(rand::random::<[u8; 32]>())).await?;
    write_tx!(&state.db, |tx| {
        for table in ["documents", "experiences", "diplomas", "trainer_domains", "trainer_languages", "notifications", "password_reset_tokens"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user_id).execute(&mut *tx).await?;
        }
        sqlx::query(
            "UPDATE trainer_profiles SET civility = NULL, mobile_phone = NULL, address_line = NULL, postal_code = NULL,
                commune_code = NULL, commune_name = NULL, latitude = NULL, longitude = NULL, mobility_km = NULL,
                presentation = NULL, siret = NULL, nda = NULL, yearly_turnover_cents = NULL, qualiopi_number = NULL,
                qualiopi_valid_from = NULL, qualiopi_valid_until = NULL, urssaf_attestation_date = NULL,
                status = 'brouillon', email_digest = FALSE, updated_at = $1
             WHERE user_id = $2",
        )
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE users SET email = $1, first_name = 'Compte', last_name = 'supprimé', password_hash = $2, deleted_at = $3
             WHERE id = $4",
        )
        .bind(format!("supprime-{user_id}@invalid.mission-formateur"))
        .bind(&placeholder)
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Ok::<(), AppError>(())
    })?;
    for name in stored {
        let _ = tokio::fs::remove_file(document_path(state, &name)).await;
    }
    Ok(())
}
