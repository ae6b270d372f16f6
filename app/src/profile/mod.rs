//! The trainer's confidential profile: PROFIL, PARCOURS, administrative situation, documents;
//! submission for verification, and the staff review that validates it.

#[cfg(feature = "ssr")]
pub mod erasure;
pub mod pages;
pub mod review;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod uploads;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::eligibility::ProfileStatus;
use crate::domain::forms::profile::{AdministrativeForm, DeleteAccountForm, DiplomaForm, DomainForm, ExperienceForm, IdentityForm, LanguageForm};
pub use crate::domain::forms::profile::{DiplomaKind, ReviewSection};
use crate::domain::profile::Completeness;
use crate::domain::{Cefr, CompetenceLevel, LegalStatus};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::guard::{guard, ANY_USER, TRAINER};

/// Whether a part that staff verify (NDA, SIRET, Qualiopi) has been checked since it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartCheck {
    None,
    Pending,
    Verified,
}

impl PartCheck {
    pub fn code(self) -> &'static str {
        match self {
            PartCheck::None => "none",
            PartCheck::Pending => "pending",
            PartCheck::Verified => "verified",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [PartCheck::None, PartCheck::Pending, PartCheck::Verified].into_iter().find(|c| c.code() == code)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub civility: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile_phone: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub mobility_km: Option<i64>,
    pub accepts_onsite: bool,
    pub accepts_remote: bool,
    pub presentation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Experience {
    pub id: i64,
    pub role: String,
    pub organisation: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Diploma {
    pub id: i64,
    pub kind: DiplomaKind,
    pub title: String,
    pub institution: String,
    pub year: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TaughtDomain {
    pub code: String,
    pub label: String,
    pub years_experience: i64,
    pub self_level: CompetenceLevel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpokenLanguage {
    pub code: String,
    pub name: String,
    pub cefr: Cefr,
    pub mother_tongue: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Administrative {
    pub legal_status: Option<LegalStatus>,
    pub siret: Option<String>,
    pub nda: Option<String>,
    pub micro_social: bool,
    pub yearly_turnover_cents: Option<i64>,
    pub qualiopi_number: Option<String>,
    pub qualiopi_valid_from: Option<NaiveDate>,
    pub qualiopi_valid_until: Option<NaiveDate>,
    pub urssaf_attestation_date: Option<NaiveDate>,
    pub nda_check: Option<PartCheck>,
    pub siret_check: Option<PartCheck>,
    pub qualiopi_check: Option<PartCheck>,
    /// The micro-social regime and the declared turnover.
    #[serde(default)]
    pub turnover_check: Option<PartCheck>,
    /// The NDA staff last verified (the one that counts while a new one waits), grouped.
    #[serde(default)]
    pub verified_nda: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub original_name: String,
    pub size_label: String,
    pub uploaded_on: String,
}

/// The latest staff decision on the profile, with a reason per section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub decision: ProfileStatus,
    pub decided_on: String,
    pub reasons: Vec<(ReviewSection, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DomainOption {
    pub code: String,
    pub label: String,
    pub category: String,
    pub language: Option<String>,
}

/// Everything the trainer's profile pages show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyProfile {
    pub user_id: i64,
    pub status: ProfileStatus,
    pub submitted_on: Option<String>,
    pub identity: Identity,
    pub experiences: Vec<Experience>,
    pub diplomas: Vec<Diploma>,
    pub domains: Vec<TaughtDomain>,
    pub languages: Vec<SpokenLanguage>,
    pub administrative: Administrative,
    pub documents: Vec<DocumentView>,
    pub completeness: Completeness,
    pub last_review: Option<ReviewView>,
    pub domain_choices: Vec<DomainOption>,
    pub email_digest: bool,
}

impl MyProfile {
    /// Parts edited after verification, waiting for staff.
    pub fn pending_parts(&self) -> Vec<&'static str> {
        let a = &self.administrative;
        let mut parts = Vec::new();
        if a.nda_check == Some(PartCheck::Pending) {
            parts.push("NDA");
        }
        if a.siret_check == Some(PartCheck::Pending) {
            parts.push("SIRET");
        }
        if a.qualiopi_check == Some(PartCheck::Pending) {
            parts.push("Certification Qualiopi");
        }
        if a.turnover_check == Some(PartCheck::Pending) {
            parts.push("Chiffre d'affaires");
        }
        parts
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneOption {
    pub code: String,
    pub name: String,
}

/// The trainer's profile row exists from their first profile call on: every trainer function
/// makes sure of it after the guard.
#[cfg(feature = "ssr")]
async fn own_profile(caller: &crate::guard::Caller) -> Result<(), AppError> {
    Ok(crate::repo::profiles::ensure_own(&caller.state.db, &caller.ctx).await?)
}

#[server]
pub async fn load_my_profile() -> Result<MyProfile, AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::load_own(&caller.state.db, &caller.ctx).await
    })
    .await
}

#[server]
pub async fn save_identity(#[server(flatten)] form: IdentityForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::save_identity(&caller.state.db, &caller.ctx, form).await
    })
    .await
}

/// The communes served by a postal code, from the dataset shipped with the project.
#[server]
pub async fn communes_for_postal_code(postal_code: String) -> Result<Vec<CommuneOption>, AppError> {
    guard(ANY_USER, |_| async move {
        let code = crate::domain::PostalCode::parse(&postal_code).map_err(|e| AppError::field("postal_code", e.to_string()))?;
        Ok(crate::geo::communes(code.as_str())
            .iter()
            .map(|c| CommuneOption { code: c.insee.to_string(), name: c.name.to_string() })
            .collect())
    })
    .await
}

#[server]
pub async fn add_experience(#[server(flatten)] form: ExperienceForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::add_experience(&caller.state.db, &caller.ctx, form).await
    })
    .await
}

#[server]
pub async fn delete_experience(id: i64) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::delete_experience(&caller.state.db, &caller.ctx, id).await
    })
    .await
}

#[server]
pub async fn add_diploma(#[server(flatten)] form: DiplomaForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::add_diploma(&caller.state.db, &caller.ctx, form).await
    })
    .await
}

#[server]
pub async fn delete_diploma(id: i64) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::delete_diploma(&caller.state.db, &caller.ctx, id).await
    })
    .await
}

#[server]
pub async fn save_domain(#[server(flatten)] form: DomainForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::save_domain(&caller.state.db, &caller.ctx, form).await
    })
    .await
}

#[server]
pub async fn remove_domain(domain_code: String) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        Ok(crate::repo::profiles::remove_domain(&caller.state.db, &caller.ctx, &domain_code).await?)
    })
    .await
}

#[server]
pub async fn save_language(#[server(flatten)] form: LanguageForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::save_language(&caller.state.db, &caller.ctx, form).await
    })
    .await
}

#[server]
pub async fn remove_language(language_code: String) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        Ok(crate::repo::profiles::remove_language(&caller.state.db, &caller.ctx, &language_code).await?)
    })
    .await
}

#[server]
pub async fn save_administrative(#[server(flatten)] form: AdministrativeForm) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::save_administrative(&caller.state.db, &caller.ctx, form).await
    })
    .await
}

/// Receives one file (field `file`) and its kind (field `kind`), checked by content and size.
#[server(input = MultipartFormData)]
pub async fn upload_document(data: MultipartData) -> Result<DocumentView, AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        let multipart = data.into_inner().ok_or_else(|| AppError::field("file", "Aucun fichier reçu."))?;
        uploads::receive(&caller.state, &caller.ctx, multipart).await
    })
    .await
}

#[server]
pub async fn delete_document(id: i64) -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        uploads::delete(&caller.state, &caller.ctx, id).await
    })
    .await
}

#[server]
pub async fn submit_profile() -> Result<(), AppError> {
    guard(TRAINER, |caller| async move {
        own_profile(&caller).await?;
        server::submit(&caller.state.db, &caller.ctx).await
    })
    .await
}

/// Erases the trainer's personal data and files; keeps only anonymised records the law needs.
#[server]
pub async fn delete_my_account(#[server(flatten)] form: DeleteAccountForm) -> Result<(), AppError> {
    use crate::auth::server::{auth_session, verify_password};
    use crate::domain::forms::profile::ErasureRequest;
    guard(TRAINER, |caller| async move {
        let ErasureRequest { password } = ErasureRequest::try_from(form)?;
        let (state, ctx) = (&caller.state, &caller.ctx);
        let row = crate::repo::accounts::own_user(&state.db, ctx).await?.ok_or(AppError::Unauthenticated)?;
        if !verify_password(password, Some(row.password_hash)).await? {
            return Err(AppError::field("password", "Mot de passe incorrect."));
        }
        erasure::erase_own(state, ctx).await?;
        let mut session = auth_session().await?;
        let _ = session.logout().await;
        tracing::info!(user_id = ctx.user_id, "trainer account erased");
        Ok(())
    })
    .await
}
