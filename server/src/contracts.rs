//! Contract files: the PDF to sign, the signed PDF and the proof file, for the contract's
//! trainer, its centre's users and staff, or through a centre's signing link; the template
//! preview for staff; the upload of the public verification page (only its hash is kept).

use app::auth::server::{AuthSession, Ctx};
use app::auth::Role;
use app::contracts::server as contracts;
use app::infra::state::AppState;
use app::repo;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The largest PDF the verification page reads.
pub const VERIFY_MAX_BYTES: usize = 20 * 1024 * 1024;

fn refuse(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], message).into_response()
}

fn file(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"{}\"", name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.', "_"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One of a contract's files, by its name in the address.
async fn serve(state: &AppState, contract_id: i64, name: &str) -> Response {
    let Ok(Some(row)) = repo::contracts::find(&state.db, contract_id).await else {
        return refuse(StatusCode::NOT_FOUND, "Contrat introuvable.");
    };
    let reference = row.reference;
    let found = match name {
        "contrat.pdf" => repo::contracts::pdf(&state.db, contract_id).await.map(|b| b.map(|b| (b, "application/pdf", format!("{reference}.pdf")))),
        "contrat-signe.pdf" => repo::contracts::signed_pdf(&state.db, contract_id)
            .await
            .map(|b| b.map(|b| (b, "application/pdf", format!("{reference}-signe.pdf")))),
        "preuve.json" => repo::contracts::proof(&state.db, contract_id)
            .await
            .map(|p| p.map(|(json, _)| (json.into_bytes(), "application/json", format!("{reference}-preuve.json")))),
        "preuve.pdf" => repo::contracts::proof(&state.db, contract_id)
            .await
            .map(|p| p.map(|(_, pdf)| (pdf, "application/pdf", format!("{reference}-preuve.pdf")))),
        _ => return refuse(StatusCode::NOT_FOUND, "Fichier introuvable."),
    };
    match found {
        Ok(Some((bytes, content_type, filename))) => file(bytes, content_type, &filename),
        Ok(None) => refuse(StatusCode::NOT_FOUND, "Ce fichier n'existe pas encore : le contrat n'est pas signé par les deux parties."),
        Err(e) => {
            tracing::error!(error = %e, contract_id, "contract file lookup failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant.")
        }
    }
}

pub async fn for_user(State(state): State<AppState>, auth: AuthSession, Path((id, name)): Path<(i64, String)>) -> Response {
    let Some(user) = auth.user else {
        return refuse(StatusCode::UNAUTHORIZED, "Connectez-vous pour ouvrir ce contrat.");
    };
    let ctx = Ctx { user_id: user.id, role: user.role };
    match contracts::may_read(&state, &ctx, id).await {
        // Someone else's contract is "not found", exactly like a missing one.
        Ok(false) => refuse(StatusCode::NOT_FOUND, "Contrat introuvable."),
        Ok(true) => serve(&state, id, &name).await,
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant."),
    }
}

pub async fn for_link(State(state): State<AppState>, Path((token, name)): Path<(String, String)>) -> Response {
    match contracts::readable_link(&state, &token).await {
        Ok(Some(link)) => serve(&state, link.contract_id, &name).await,
        Ok(None) => refuse(StatusCode::NOT_FOUND, "Ce lien n'est plus valable."),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant."),
    }
}

pub async fn template_preview(State(state): State<AppState>, auth: AuthSession, Path((version, name)): Path<(i64, String)>) -> Response {
    if !auth.user.is_some_and(|u| u.role == Role::Staff) {
        return refuse(StatusCode::NOT_FOUND, "Page introuvable.");
    }
    if name != "apercu.pdf" {
        return refuse(StatusCode::NOT_FOUND, "Page introuvable.");
    }
    match contracts::preview_pdf(&state, version).await {
        Ok(pdf) => {
            let mut response = file(pdf, "application/pdf", &format!("modele-contrat-v{version}.pdf"));
            response.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
            response
        }
        Err(app::error::AppError::NotFound) => refuse(StatusCode::NOT_FOUND, "Cette version du modèle n'existe pas."),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "Erreur : réessayez dans un instant."),
    }
}

/// The verification page's upload: reads the one file (at most 20 MB), keeps nothing but its
/// SHA-256, and sends the browser back to the page with it.
pub async fn verify_upload(request: Request) -> Response {
    let failed = || Redirect::to("/verifier-contrat?erreur=fichier").into_response();
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let Some(boundary) = boundary else { return failed() };
    let stream = request.into_body().into_data_stream();
    let constraints = multer::Constraints::new()
        .allowed_fields(vec!["fichier"])
        .size_limit(multer::SizeLimit::new().whole_stream(VERIFY_MAX_BYTES as u64 + 64 * 1024).per_field(VERIFY_MAX_BYTES as u64));
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut hash = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("fichier") => match field.bytes().await {
                Ok(bytes) if !bytes.is_empty() => hash = Some(sha256(&bytes)),
                _ => return failed(),
            },
            Ok(Some(_)) => return failed(),
            Ok(None) => break,
            Err(_) => return failed(),
        }
    }
    match hash {
        Some(h) => Redirect::to(&format!("/verifier-contrat?empreinte={h}")).into_response(),
        None => failed(),
    }
}

fn sha256(bytes: &Bytes) -> String {
    app::contracts::proof::sha256_hex(bytes)
}
