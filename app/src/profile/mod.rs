//! The trainer's confidential profile: PROFIL, PARCOURS, administrative situation, documents;
//! submission for verification, and the staff review that validates it.

pub mod pages;
pub mod review;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::domain::eligibility::ProfileStatus;
use crate::domain::profile::Completeness;
use crate::error::AppError;

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

    pub fn from_code(code: &str) -> Self {
        match code {
            "pending" => PartCheck::Pending,
            "verified" => PartCheck::Verified,
            _ => PartCheck::None,
        }
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
pub struct Experience {
    pub id: i64,
    pub role: String,
    pub organisation: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diploma {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub institution: String,
    pub year: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaughtDomain {
    pub code: String,
    pub label: String,
    pub years_experience: i64,
    pub self_level: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpokenLanguage {
    pub code: String,
    pub name: String,
    pub cefr: String,
    pub mother_tongue: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Administrative {
    pub legal_status: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        parts
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneOption {
    pub code: String,
    pub name: String,
}

/// Runs a trainer's own profile operation: checks the role, makes sure the profile row exists.
#[cfg(feature = "ssr")]
async fn as_trainer() -> Result<(crate::infra::state::AppState, crate::auth::server::Ctx), AppError> {
    let (state, ctx) = crate::auth::server::require_role(crate::auth::Role::Trainer).await?;
    server::ensure_profile(&state.db, ctx.user_id).await?;
    Ok((state, ctx))
}

#[server]
pub async fn load_my_profile() -> Result<MyProfile, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::load_profile(&state.db, ctx.user_id).await?.ok_or(AppError::NotFound)
        }
        .await,
    )
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_identity(
    civility: Option<String>,
    first_name: String,
    last_name: String,
    mobile_phone: String,
    address_line: String,
    postal_code: String,
    commune_code: Option<String>,
    mobility_km: String,
    accepts_onsite: Option<String>,
    accepts_remote: Option<String>,
    presentation: String,
) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            let input = server::IdentityInput {
                civility,
                first_name,
                last_name,
                mobile_phone,
                address_line,
                postal_code,
                commune_code,
                mobility_km,
                accepts_onsite: accepts_onsite.is_some(),
                accepts_remote: accepts_remote.is_some(),
                presentation,
            };
            server::save_identity(&state.db, ctx.user_id, input).await
        }
        .await,
    )
}

/// The communes served by a postal code, from the dataset shipped with the project.
#[server]
pub async fn communes_for_postal_code(postal_code: String) -> Result<Vec<CommuneOption>, AppError> {
    crate::auth::server::reply(
        async move {
            crate::auth::server::require_user().await?;
            let code = crate::domain::PostalCode::parse(&postal_code).map_err(|e| AppError::field("postal_code", e.to_string()))?;
            Ok(crate::geo::communes(code.as_str())
                .iter()
                .map(|c| CommuneOption { code: c.insee.to_string(), name: c.name.to_string() })
                .collect())
        }
        .await,
    )
}

#[server]
pub async fn add_experience(
    role: String,
    organisation: String,
    start_date: String,
    end_date: String,
    description: String,
) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::add_experience(&state.db, ctx.user_id, role, organisation, start_date, end_date, description).await
        }
        .await,
    )
}

#[server]
pub async fn delete_experience(id: i64) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::delete_owned(&state.db, "experiences", ctx.user_id, id).await
        }
        .await,
    )
}

#[server]
pub async fn add_diploma(kind: String, title: String, institution: String, year: String) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::add_diploma(&state.db, ctx.user_id, kind, title, institution, year).await
        }
        .await,
    )
}

#[server]
pub async fn delete_diploma(id: i64) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::delete_owned(&state.db, "diplomas", ctx.user_id, id).await
        }
        .await,
    )
}

#[server]
pub async fn save_domain(domain_code: String, years_experience: String, self_level: String) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::save_domain(&state.db, ctx.user_id, domain_code, years_experience, self_level).await
        }
        .await,
    )
}

#[server]
pub async fn remove_domain(domain_code: String) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::remove_domain(&state.db, ctx.user_id, &domain_code).await
        }
        .await,
    )
}

#[server]
pub async fn save_language(language_code: String, cefr: String, mother_tongue: Option<String>) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::save_language(&state.db, ctx.user_id, language_code, cefr, mother_tongue.is_some()).await
        }
        .await,
    )
}

#[server]
pub async fn remove_language(language_code: String) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::remove_language(&state.db, ctx.user_id, &language_code).await
        }
        .await,
    )
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_administrative(
    legal_status: String,
    siret: String,
    nda: String,
    micro_social: Option<String>,
    yearly_turnover: String,
    qualiopi_number: String,
    qualiopi_valid_from: String,
    qualiopi_valid_until: String,
    urssaf_attestation_date: String,
) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            let input = server::AdministrativeInput {
                legal_status,
                siret,
                nda,
                micro_social: micro_social.is_some(),
                yearly_turnover,
                qualiopi_number,
                qualiopi_valid_from,
                qualiopi_valid_until,
                urssaf_attestation_date,
            };
            server::save_administrative(&state.db, ctx.user_id, input).await
        }
        .await,
    )
}

/// Receives one file (field `file`) and its kind (field `kind`), checked by content and size.
#[server(input = MultipartFormData)]
pub async fn upload_document(data: MultipartData) -> Result<DocumentView, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            let multipart = data.into_inner().ok_or_else(|| AppError::field("file", "Aucun fichier reçu."))?;
            server::receive_upload(&state, ctx.user_id, multipart).await
        }
        .await,
    )
}

#[server]
pub async fn delete_document(id: i64) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::delete_document(&state, ctx.user_id, id).await
        }
        .await,
    )
}

#[server]
pub async fn submit_profile() -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_trainer().await?;
            server::submit(&state.db, ctx.user_id).await
        }
        .await,
    )
}

/// Erases the trainer's personal data and files; keeps only anonymised records the law needs.
#[server]
pub async fn delete_my_account(password: String, confirmation: String) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            use crate::auth::server::*;
            let (state, ctx, _) = require_user().await?;
            ctx.require(crate::auth::Role::Trainer)?;
            if confirmation.trim() != "SUPPRIMER" {
                return Err(AppError::field("confirmation", "Écrivez SUPPRIMER en majuscules pour confirmer."));
            }
            let row = crate::repo::accounts::own_user(&state.db, &ctx).await?.ok_or(AppError::Unauthenticated)?;
            if !verify_password(password, Some(row.password_hash)).await? {
                return Err(AppError::field("password", "Mot de passe incorrect."));
            }
            server::erase_trainer(&state, ctx.user_id).await?;
            let mut session = auth_session().await?;
            let _ = session.logout().await;
            tracing::info!(user_id = ctx.user_id, "trainer account erased");
            Ok(())
        }
        .await,
    )
}
