//! Accounts: registration, login, logout, password change and reset, and who the caller is.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What an account may do on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Trainer,
    Staff,
    Centre,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Trainer => "trainer",
            Role::Staff => "staff",
            Role::Centre => "centre",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "trainer" => Some(Role::Trainer),
            "staff" => Some(Role::Staff),
            "centre" => Some(Role::Centre),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Trainer => "Formateur",
            Role::Staff => "Équipe Mission Formateur",
            Role::Centre => "Centre de formation",
        }
    }

    /// The page each role lands on after logging in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Trainer => "/espace",
            Role::Staff => "/equipe",
            Role::Centre => "/centre",
        }
    }
}

/// The logged-in user, as pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
}

impl SessionUser {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A one-time message shown at the top of the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashKind {
    Success,
    Info,
    Warning,
}

/// What the layout needs on every page: who is there, and a pending flash message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<SessionUser>,
    pub flash: Option<Flash>,
    pub unread_notifications: i64,
}

/// Where to go after a successful form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub to: String,
}

/// Only same-site paths are followed after login ("/missions", never "//evil.example").
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.contains("://");
    ok.then(|| next.to_string())
}

#[cfg(feature = "ssr")]
const FLASH_KEY: &str = "flash";
#[cfg(feature = "ssr")]
pub const AUTH_AT_KEY: &str = "auth_at";

#[cfg(feature = "ssr")]
async fn set_flash(session: &server::AuthSession, kind: FlashKind, message: impl Into<String>) {
    let flash = Flash { kind, message: message.into() };
    if let Err(e) = session.session.insert(FLASH_KEY, flash).await {
        tracing::warn!(error = %e, "cannot store flash message");
    }
}

/// Who is logged in, and the flash message to show once.
#[server]
pub async fn get_session() -> Result<SessionInfo, AppError> {
    use server::*;
    let session = auth_session().await?;
    let flash: Option<Flash> = session.session.remove(FLASH_KEY).await.unwrap_or_default();
    let unread_notifications = match &session.user {
        Some(user) => {
            let state = app_state()?;
            crate::notifications::server::unread_count(&state.db, user.id).await?
        }
        None => 0,
    };
    Ok(SessionInfo { user: session.user.as_ref().map(AuthUser::to_session_user), flash, unread_notifications })
}

#[server]
pub async fn register(
    first_name: String,
    last_name: String,
    email: String,
    password: String,
    password_confirm: String,
    accept_terms: Option<String>,
) -> Result<Redirect, AppError> {
    use crate::domain::Email;
    use crate::error::FieldErrors;
    use server::*;

    reply(
        async move {
            let state = app_state()?;
            let mut errors = FieldErrors::new();
            let first_name = first_name.trim().to_string();
            let last_name = last_name.trim().to_string();
            if first_name.is_empty() {
                errors.add("first_name", "Saisissez votre prénom.");
            } else if first_name.chars().count() > 100 {
                errors.add("first_name", "Le prénom ne peut pas dépasser 100 caractères.");
            }
            if last_name.is_empty() {
                errors.add("last_name", "Saisissez votre nom.");
            } else if last_name.chars().count() > 100 {
                errors.add("last_name", "Le nom ne peut pas dépasser 100 caractères.");
            }
            let email = errors.check("email", Email::parse(&email));
            errors.check("password", check_new_password(&password, email.as_ref().map_or("", |e| e.as_str())));
            if password != password_confirm {
                errors.add("password_confirm", "Les deux mots de passe ne sont pas identiques.");
            }
            if accept_terms.is_none() {
                errors.add(
                    "accept_terms",
                    "Vous devez accepter les conditions d'utilisation et la politique de confidentialité pour créer un compte.",
                );
            }
            errors.into_result()?;
            let Some(email) = email else { return Err(AppError::Internal) };

            let hash = hash_password(password).await?;
            let created =
                create_user(&state.db, &email, &hash, &first_name, &last_name, Role::Trainer, true).await?;
            let Some(user_id) = created else {
                return Err(AppError::field(
                    "email",
                    "Un compte existe déjà avec cette adresse : connectez-vous, ou utilisez « Mot de passe oublié ».",
                ));
            };
            tracing::info!(user_id, "trainer registered");

            let mut session = auth_session().await?;
            let user = Backend::new(state.db.clone())
                .get_user_by_id(user_id)
                .await?
                .ok_or(AppError::Internal)?;
            log_in(&mut session, &user).await?;
            set_flash(
                &session,
                FlashKind::Success,
                format!("Bienvenue {first_name} ! Votre compte est créé. Commencez par compléter votre profil."),
            )
            .await;
            let body = format!(
                "Bonjour {first_name},\n\nVotre compte formateur Mission Formateur est créé.\n\n\
                 Prochaines étapes :\n1. Remplissez les onglets PROFIL et PARCOURS, et votre situation administrative (NDA obligatoire).\n\
                 2. Passez le QCM Qualiopi et les tests de compétences de vos domaines.\n\
                 3. Envoyez votre profil : l'équipe le vérifie, puis vous pourrez postuler.\n\n\
                 Se connecter : {}/connexion\n\nL'équipe Mission Formateur",
                state.config.site_url
            );
            if let Err(e) = state.mailer.send(&state.db, &email, "Bienvenue sur Mission Formateur", &body).await {
                tracing::warn!(error = %e, "welcome email not sent");
            }
            Ok(Redirect { to: Role::Trainer.home().to_string() })
        }
        .await,
    )
}

#[server]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<Redirect, AppError> {
    use crate::domain::Email;
    use server::*;

    reply(
        async move {
            let state = app_state()?;
            let wrong = || AppError::Rejected("Adresse e-mail ou mot de passe incorrect.".into());
            // The throttle key is the normalised email, whether or not an account uses it.
            let key = email.trim().to_lowercase();
            if key.is_empty() || password.is_empty() {
                let mut errors = crate::error::FieldErrors::new();
                if key.is_empty() {
                    errors.add("email", "Saisissez votre adresse e-mail.");
                }
                if password.is_empty() {
                    errors.add("password", "Saisissez votre mot de passe.");
                }
                return Err(AppError::Invalid(errors));
            }
            if let Some(minutes) = throttle_wait(&state.db, &key).await? {
                return Err(AppError::Throttled { minutes });
            }
            let mut session = auth_session().await?;
            let email = Email::parse(&email).map(String::from).unwrap_or(key.clone());
            let user = session
                .authenticate(Credentials { email, password })
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "authentication backend failed");
                    AppError::Internal
                })?;
            let Some(user) = user else {
                record_failure(&state.db, &key).await?;
                return Err(wrong());
            };
            clear_failures(&state.db, &key).await?;
            log_in(&mut session, &user).await?;
            tracing::info!(user_id = user.id, role = user.role.code(), "logged in");
            set_flash(&session, FlashKind::Success, format!("Bonjour {} !", user.first_name)).await;
            let to = safe_next(next.as_deref()).unwrap_or_else(|| user.role.home().to_string());
            Ok(Redirect { to })
        }
        .await,
    )
}

#[server]
pub async fn logout() -> Result<Redirect, AppError> {
    use server::*;
    reply(
        async move {
            let mut session = auth_session().await?;
            if let Some(user) = &session.user {
                tracing::info!(user_id = user.id, "logged out");
            }
            session.logout().await.map_err(|e| {
                tracing::error!(error = %e, "logout failed");
                AppError::Internal
            })?;
            set_flash(&session, FlashKind::Info, "Vous êtes déconnecté. À bientôt !").await;
            Ok(Redirect { to: "/".into() })
        }
        .await,
    )
}

/// Always answers the same way, whether or not the email has an account.
#[server]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::domain::Email;
    use server::*;
    reply(
        async move {
            let state = app_state()?;
            let email = Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
            let user = find_user_by_email(&state.db, email.as_str()).await?;
            if let Some(user) = user {
                // Sent in the background: the answer takes the same time for unknown emails.
                tokio::spawn(async move {
                    if let Err(e) = send_reset_email(&state, user.id, &email, &user.first_name).await {
                        tracing::error!(error = %e, "password reset email failed");
                    }
                });
            }
            Ok(())
        }
        .await,
    )
}

/// Whether a reset link can still be used, so the page can say so before the user types.
#[server]
pub async fn check_reset_link(token: String) -> Result<ResetLinkState, AppError> {
    use server::*;
    reply(
        async move {
            let state = app_state()?;
            Ok(match check_reset_token(&state.db, &token).await? {
                TokenCheck::Valid(_) => ResetLinkState::Valid,
                TokenCheck::Expired => ResetLinkState::Expired,
                TokenCheck::Used => ResetLinkState::Used,
                TokenCheck::Unknown => ResetLinkState::Unknown,
            })
        }
        .await,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetLinkState {
    Valid,
    Expired,
    Used,
    Unknown,
}

#[server]
pub async fn reset_password(token: String, password: String, password_confirm: String) -> Result<Redirect, AppError> {
    use crate::error::FieldErrors;
    use server::*;
    reply(
        async move {
            let state = app_state()?;
            let user_id = match check_reset_token(&state.db, &token).await? {
                TokenCheck::Valid(id) => id,
                TokenCheck::Expired => {
                    return Err(AppError::Rejected(
                        "Ce lien a expiré : demandez un nouveau lien de réinitialisation.".into(),
                    ))
                }
                TokenCheck::Used | TokenCheck::Unknown => {
                    return Err(AppError::Rejected(
                        "Ce lien a déjà été utilisé ou n'est pas valide : demandez un nouveau lien.".into(),
                    ))
                }
            };
            let user = find_user_by_id(&state.db, user_id).await?.ok_or(AppError::NotFound)?;
            let mut errors = FieldErrors::new();
            errors.check("password", check_new_password(&password, &user.email));
            if password != password_confirm {
                errors.add("password_confirm", "Les deux mots de passe ne sont pas identiques.");
            }
            errors.into_result()?;
            let hash = hash_password(password).await?;
            match reset_password_with_token(&state.db, &token, &hash).await? {
                TokenCheck::Valid(_) => {}
                _ => {
                    return Err(AppError::Rejected(
                        "Ce lien a déjà été utilisé : demandez un nouveau lien.".into(),
                    ))
                }
            }
            tracing::info!(user_id, "password reset");
            // Whoever was logged in on this browser starts afresh.
            let mut session = auth_session().await?;
            let _ = session.logout().await;
            set_flash(
                &session,
                FlashKind::Success,
                "Votre mot de passe est modifié. Connectez-vous avec le nouveau mot de passe.",
            )
            .await;
            Ok(Redirect { to: "/connexion".into() })
        }
        .await,
    )
}

#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<(), AppError> {
    use crate::domain::Email;
    use crate::error::FieldErrors;
    use server::*;
    reply(
        async move {
            let (state, ctx, user) = require_user().await?;
            let row = find_user_by_id(&state.db, ctx.user_id).await?.ok_or(AppError::Unauthenticated)?;
            if !verify_password(current_password, Some(row.password_hash.clone())).await? {
                return Err(AppError::field("current_password", "Mot de passe actuel incorrect."));
            }
            let mut errors = FieldErrors::new();
            errors.check("new_password", check_new_password(&new_password, &user.email));
            if new_password != new_password_confirm {
                errors.add("new_password_confirm", "Les deux mots de passe ne sont pas identiques.");
            }
            errors.into_result()?;
            let hash = hash_password(new_password).await?;
            set_password(&state.db, ctx.user_id, &hash).await?;
            // Re-login with the new hash keeps this session and ends every other one.
            let mut session = auth_session().await?;
            let user = Backend::new(state.db.clone()).get_user_by_id(ctx.user_id).await?.ok_or(AppError::Internal)?;
            log_in(&mut session, &user).await?;
            tracing::info!(user_id = ctx.user_id, "password changed");
            if let Ok(email) = Email::parse(&user.email) {
                let body = format!(
                    "Bonjour {},\n\nLe mot de passe de votre compte Mission Formateur vient d'être modifié. \
                     Vos autres sessions ont été fermées.\n\nSi vous n'êtes pas à l'origine de ce changement, \
                     réinitialisez votre mot de passe : {}/mot-de-passe-oublie\n\nL'équipe Mission Formateur",
                    user.first_name, state.config.site_url
                );
                if let Err(e) = state.mailer.send(&state.db, &email, "Votre mot de passe a été modifié", &body).await {
                    tracing::warn!(error = %e, "password change notice not sent");
                }
            }
            Ok(())
        }
        .await,
    )
}
