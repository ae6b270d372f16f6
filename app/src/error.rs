//! The one error type of server functions, with the French message a user sees.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

pub use crate::domain::form::FieldErrors;

impl FieldErrors {
    /// `Err(AppError::Invalid)` when any field failed.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Connectez-vous pour continuer.")]
    Unauthenticated,
    #[error("Vous n'avez pas accès à cette page ou à cette action.")]
    Forbidden,
    #[error("Cet élément est introuvable : il a peut-être été supprimé.")]
    NotFound,
    #[error("Certains champs sont à corriger : voyez les messages sous chacun d'eux.")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Rejected(String),
    /// The eligibility rules refuse: every reason, each with what to do about it.
    #[error("Vous ne pouvez pas encore postuler à cette mission.")]
    NotEligible(Vec<crate::domain::Refusal>),
    #[error("Trop de tentatives : réessayez dans {minutes} minute(s).")]
    Throttled { minutes: i64 },
    #[error("Une erreur est survenue de notre côté. Réessayez dans un instant ; si elle persiste, contactez l'équipe.")]
    Internal,
    #[error("La demande n'a pas pu aboutir : vérifiez votre connexion internet et réessayez.")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        AppError::Invalid(errors)
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Invalid(errors) => Some(errors),
            _ => None,
        }
    }

    /// HTTP status for the error, so that API clients and tests can tell refusals apart.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) | AppError::Rejected(_) | AppError::NotEligible(_) => 422,
            AppError::Throttled { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed arguments come from a tampered or outdated page: say so plainly.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Rejected("La demande est incomplète ou mal formée : rechargez la page et réessayez.".into())
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    /// Database failures are logged (without personal data) and shown as a generic error.
    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            tracing::error!(error = %error, "database error");
            AppError::Internal
        }
    }

    impl From<tokio::task::JoinError> for AppError {
        fn from(error: tokio::task::JoinError) -> Self {
            tracing::error!(error = %error, "blocking task failed");
            AppError::Internal
        }
    }
}
