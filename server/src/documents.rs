//! Serving trainers' files: only to their owner and to staff (each staff opening is audited),
//! never cached, never rendered inline; and the trainer's own data export.

use std::io::Write;

use app::auth::server::{AuthSession, Ctx};
use app::auth::Role;
use app::error::AppError;
use app::infra::state::AppState;
use app::profile::{erasure, uploads};
use app::repo::audit::{self, AuditAction};
use app::repo::documents;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

fn refuse(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], message).into_response()
}

/// `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266).
fn disposition(name: &str) -> HeaderValue {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn private_headers(response: &mut Response, content_type: &str, name: &str) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    headers.insert(header::CONTENT_DISPOSITION, disposition(name));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

pub async fn download(State(state): State<AppState>, auth: AuthSession, Path(id): Path<i64>) -> Response {
    let Some(user) = auth.user else {
        return refuse(StatusCode::UNAUTHORIZED, "Connectez-vous pour ouvrir ce document.");
    };
    let doc = match documents::find(&state.db, id).await {
        Ok(doc) => doc,
        Err(e) => {
            tracing::error!(error = %e, "document lookup failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant.");
        }
    };
    // Another trainer's document is "not found", exactly like a missing one.
    let Some(doc) = doc.filter(|d| d.user_id == user.id || user.role == Role::Staff) else {
        return refuse(StatusCode::NOT_FOUND, "Document introuvable.");
    };
    let Some(bytes) = uploads::read(&state, &doc).await else {
        tracing::error!(document_id = doc.id, "stored file missing");
        return refuse(StatusCode::NOT_FOUND, "Le fichier de ce document est introuvable.");
    };
    if user.role == Role::Staff && doc.user_id != user.id {
        let detail = format!("Document n° {} ({})", doc.id, doc.kind.code());
        let staff = Ctx { user_id: user.id, role: user.role };
        if let Err(e) = audit::record(&state.db, &staff, AuditAction::DocumentOpened, Some(doc.user_id), &detail).await {
            // No audit, no document: the log must be complete.
            tracing::error!(error = %e, "audit log write failed");
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant.");
        }
    }
    let mut response = Body::from(bytes).into_response();
    private_headers(&mut response, &doc.content_type, &doc.original_name);
    response
}

/// "Télécharger mes données": every field as JSON plus the documents, in one ZIP archive.
pub async fn export(State(state): State<AppState>, auth: AuthSession) -> Response {
    let Some(user) = auth.user.filter(|u| u.role == Role::Trainer) else {
        return refuse(StatusCode::UNAUTHORIZED, "Connectez-vous avec votre compte formateur.");
    };
    let ctx = Ctx { user_id: user.id, role: user.role };
    let erasure::Export { profile, files } = match erasure::export_own(&state, &ctx).await {
        Ok(export) => export,
        Err(AppError::NotFound) => return refuse(StatusCode::NOT_FOUND, "Profil introuvable."),
        Err(_) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant."),
    };
    let json = serde_json::json!({
        "compte": { "email": user.email, "prenom": user.first_name, "nom": user.last_name },
        "profil": profile,
        "exporte_le": chrono::Utc::now().to_rfc3339(),
    });
    let archive = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, zip::result::ZipError> {
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default();
            zip.start_file("donnees.json", options)?;
            zip.write_all(serde_json::to_string_pretty(&json).unwrap_or_default().as_bytes())?;
            for (name, bytes) in files {
                zip.start_file(name, options)?;
                zip.write_all(&bytes)?;
            }
            zip.finish()?;
        }
        Ok(buffer.into_inner())
    })
    .await;
    match archive {
        Ok(Ok(bytes)) => {
            let mut response = Body::from(bytes).into_response();
            private_headers(&mut response, "application/zip", "mes-donnees-mission-formateur.zip");
            response
        }
        _ => refuse(StatusCode::INTERNAL_SERVER_ERROR, "L'archive n'a pas pu être créée : réessayez."),
    }
}

/// A question bank as JSON, for staff.
pub async fn export_bank(State(state): State<AppState>, auth: AuthSession, Path(code): Path<String>) -> Response {
    if !auth.user.as_ref().is_some_and(|u| u.role == Role::Staff) {
        return refuse(StatusCode::FORBIDDEN, "Réservé à l'équipe Mission Formateur.");
    }
    match app::competence::staff::server::export(&state.db, &code).await {
        Ok(bank) => {
            let json = serde_json::to_vec_pretty(&bank).unwrap_or_default();
            let mut response = Body::from(json).into_response();
            private_headers(&mut response, "application/json; charset=utf-8", &format!("{code}.json"));
            response
        }
        Err(app::error::AppError::NotFound) => refuse(StatusCode::NOT_FOUND, "Test introuvable."),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant."),
    }
}
