//! The trainer's rights over their data: the export of everything (profile and files) and the
//! erasure of the account.

use super::MyProfile;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::infra::state::AppState;
use crate::repo::{documents, profiles};

/// Everything the export archive holds: the profile, and each document's file as
/// (`documents/<id>-<name>`, bytes).
pub struct Export {
    pub profile: MyProfile,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The caller's data, for "Télécharger mes données".
pub async fn export_own(state: &AppState, ctx: &Ctx) -> Result<Export, AppError> {
    let profile = super::server::load_own(&state.db, ctx).await?;
    let stored = documents::stored_own(&state.db, ctx).await?;
    let mut files = Vec::new();
    for doc in &stored {
        if let Some(bytes) = super::uploads::read(state, doc).await {
            files.push((format!("documents/{}-{}", doc.id, doc.original_name), bytes));
        }
    }
    Ok(Export { profile, files })
}

/// Erases the caller's personal data and files; keeps only anonymised records the law needs.
pub async fn erase_own(state: &AppState, ctx: &Ctx) -> Result<(), AppError> {
    let stored = documents::stored_names_own(&state.db, ctx).await?;
    let placeholder = crate::auth::server::hash_password(hex::encode(rand::random::<[u8; 32]>())).await?;
    profiles::erase_own(&state.db, ctx, &placeholder).await?;
    super::uploads::remove_files(state, stored).await;
    Ok(())
}
