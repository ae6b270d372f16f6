//! Trainers' documents on disk: receiving an upload (size limit, content sniffing, safe names),
//! reading a stored file back, deleting one. Files live outside the web root under generated names.

use std::path::PathBuf;

use super::server::document_view;
use super::DocumentView;
use crate::domain::profile::{check_upload, DocumentKind, UploadError, MAX_DOCUMENT_BYTES};
use crate::error::AppError;
use crate::guard::Ctx;
use crate::infra::state::AppState;
use crate::infra::time::now;
use crate::repo::documents::{self, NewDocument, StoredDocument};
use crate::repo::profiles;

fn document_path(state: &AppState, stored_name: &str) -> PathBuf {
    state.config.uploads_dir().join(stored_name)
}

/// The kind and the file of an upload form, reading at most the size limit.
async fn read_form(mut multipart: multer::Multipart<'static>) -> Result<(DocumentKind, String, Vec<u8>), AppError> {
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
    let (name, bytes) = file.ok_or_else(|| AppError::field("file", UploadError::Empty.to_string()))?;
    Ok((kind, name, bytes))
}

/// Receives one file (field `file`) and its kind (field `kind`) for the caller, checked by
/// content and size, stores it and records it.
pub async fn receive(state: &AppState, ctx: &Ctx, multipart: multer::Multipart<'static>) -> Result<DocumentView, AppError> {
    let (kind, original_name, bytes) = read_form(multipart).await?;
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
    let record = NewDocument {
        kind,
        stored_name: &stored_name,
        original_name: &original_name,
        content_type: format.content_type(),
        size_bytes: size,
        uploaded_at: at,
    };
    let id = match documents::insert_own(&state.db, ctx, &record).await {
        Ok(id) => id,
        Err(e) => {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e.into());
        }
    };
    // A new Qualiopi certificate is something staff must look at.
    if kind == DocumentKind::Qualiopi {
        profiles::qualiopi_document_added(&state.db, ctx).await?;
    }
    tracing::info!(user_id = ctx.user_id, document_id = id, kind = kind.code(), size, "document uploaded");
    Ok(document_view(id, kind, original_name, size, at))
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

/// The content of a stored document, if its file is still there.
pub async fn read(state: &AppState, doc: &StoredDocument) -> Option<Vec<u8>> {
    tokio::fs::read(document_path(state, &doc.stored_name)).await.ok()
}

/// Deletes one of the caller's documents and its file; another trainer's is not found.
pub async fn delete(state: &AppState, ctx: &Ctx, id: i64) -> Result<(), AppError> {
    let doc = documents::find_own(&state.db, ctx, id).await?.ok_or(AppError::NotFound)?;
    documents::delete_own(&state.db, ctx, id).await?;
    if let Err(e) = tokio::fs::remove_file(document_path(state, &doc.stored_name)).await {
        tracing::warn!(error = %e, document_id = id, "stored file already gone");
    }
    Ok(())
}

/// Deletes stored files by name (after their records are gone).
pub async fn remove_files(state: &AppState, stored_names: Vec<String>) {
    for name in stored_names {
        let _ = tokio::fs::remove_file(document_path(state, &name)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_file_name;

    #[test]
    fn file_names_lose_their_path_and_take_the_real_extension() {
        assert_eq!(sanitize_file_name("C:\\docs\\mon cv.pdf", "pdf"), "mon cv.pdf");
        assert_eq!(sanitize_file_name("../../photo.pdf", "jpg"), "photo.jpg");
        assert_eq!(sanitize_file_name("<>.png", "png"), "document.png");
    }
}
