//! Accounts: registration, login, logout, password change and reset, and who the caller is.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::forms::accounts::{ChangePasswordForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm};
use crate::error::AppError;

pub use crate::session::{safe_next, Flash, FlashKind, Redirect, Role, SessionInfo, SessionUser};

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
    crate::guard::public(|visitor| async move {
        let session = auth_session().await?;
        let flash: Option<Flash> = session.session.remove(FLASH_KEY).await.unwrap_or_default();
        let unread_notifications = match &visitor.user {
            Some(user) => {
                let ctx = crate::guard::Ctx { user_id: user.id, role: user.role };
                crate::repo::notifications::unread_count(&visitor.state.db, &ctx).await?
            }
            None => 0,
        };
        Ok(SessionInfo { user: visitor.user, flash, unread_notifications })
    })
    .await
}

/// Creates a trainer account and logs it in.
#[server]
pub async fn register(#[server(flatten)] form: RegisterForm) -> Result<Redirect, AppError> {
    use crate::domain::forms::accounts::Registration;
    use crate::guard::public;
    use server::*;

    public(|visitor| async move {
        let state = visitor.state;
        let registration = Registration::parse(form, check_new_password)?;
        let Registration { first_name, last_name, email, password } = registration;
        let hash = hash_password(password).await?;
        let created = crate::repo::accounts::create_user(&state.db, &email, &hash, &first_name, &last_name, Role::Trainer, true).await?;
        let Some(user_id) = created else {
            return Err(AppError::field(
                "email",
                "Un compte existe déjà avec cette adresse : connectez-vous, ou utilisez « Mot de passe oublié ».",
            ));
        };
        tracing::info!(user_id, "trainer registered");

        let mut session = auth_session().await?;
        let user = Backend::new(state.db.clone()).get_user_by_id(user_id).await?.ok_or(AppError::Internal)?;
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
    })
    .await
}

#[server]
pub async fn login(#[server(flatten)] form: LoginForm) -> Result<Redirect, AppError> {
    use crate::domain::forms::accounts::LoginAttempt;
    use crate::guard::public;
    use crate::repo::accounts;
    use server::*;

    public(|visitor| async move {
        let state = visitor.state;
        let LoginAttempt { email, password, next } = LoginAttempt::try_from(form)?;
        // The throttle key is the normalised email, whether or not an account uses it.
        if let Some(minutes) = accounts::throttle_wait(&state.db, &email).await? {
            return Err(AppError::Throttled { minutes });
        }
        let mut session = auth_session().await?;
        let user = session.authenticate(Credentials { email: email.clone(), password }).await.map_err(|e| {
            tracing::error!(error = %e, "authentication backend failed");
            AppError::Internal
        })?;
        let Some(user) = user else {
            accounts::record_failure(&state.db, &email).await?;
            return Err(AppError::Rejected("Adresse e-mail ou mot de passe incorrect.".into()));
        };
        accounts::clear_failures(&state.db, &email).await?;
        log_in(&mut session, &user).await?;
        tracing::info!(user_id = user.id, role = user.role.code(), "logged in");
        set_flash(&session, FlashKind::Success, format!("Bonjour {} !", user.first_name)).await;
        let to = safe_next(next.as_deref()).unwrap_or_else(|| user.role.home().to_string());
        Ok(Redirect { to })
    })
    .await
}

#[server]
pub async fn logout() -> Result<Redirect, AppError> {
    use crate::guard::public;
    use server::*;
    public(|_| async move {
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
    })
    .await
}

/// Always answers the same way, whether or not the email has an account.
#[server]
pub async fn request_password_reset(#[server(flatten)] form: ForgotPasswordForm) -> Result<(), AppError> {
    use crate::domain::Email;
    use crate::guard::public;
    use server::*;
    public(|visitor| async move {
        let state = visitor.state;
        let email = Email::try_from(form)?;
        if let Some(user) = crate::repo::accounts::find_user_by_email(&state.db, email.as_str()).await? {
            // Sent in the background: the answer takes the same time for unknown emails.
            tokio::spawn(async move {
                if let Err(e) = send_reset_email(&state, user.id, &email, &user.first_name).await {
                    tracing::error!(error = %e, "password reset email failed");
                }
            });
        }
        Ok(())
    })
    .await
}

/// Whether a reset link can still be used, so the page can say so before the user types.
#[server]
pub async fn check_reset_link(token: String) -> Result<ResetLinkState, AppError> {
    use crate::guard::public;
    use crate::repo::accounts::{self, TokenCheck};
    public(|visitor| async move {
        Ok(match accounts::check_reset_token(&visitor.state.db, &token).await? {
            TokenCheck::Valid(_) => ResetLinkState::Valid,
            TokenCheck::Expired => ResetLinkState::Expired,
            TokenCheck::Used => ResetLinkState::Used,
            TokenCheck::Unknown => ResetLinkState::Unknown,
        })
    })
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetLinkState {
    Valid,
    Expired,
    Used,
    Unknown,
}

#[server]
pub async fn reset_password(#[server(flatten)] form: ResetPasswordForm) -> Result<Redirect, AppError> {
    use crate::domain::forms::accounts::NewPassword;
    use crate::guard::public;
    use crate::repo::accounts::{self, TokenCheck};
    use server::*;
    public(|visitor| async move {
        let state = visitor.state;
        let used = || AppError::Rejected("Ce lien a déjà été utilisé ou n'est pas valide : demandez un nouveau lien.".into());
        let user_id = match accounts::check_reset_token(&state.db, &form.token).await? {
            TokenCheck::Valid(id) => id,
            TokenCheck::Expired => {
                return Err(AppError::Rejected("Ce lien a expiré : demandez un nouveau lien de réinitialisation.".into()))
            }
            TokenCheck::Used | TokenCheck::Unknown => return Err(used()),
        };
        let user = accounts::find_user_by_id(&state.db, user_id).await?.ok_or(AppError::NotFound)?;
        let NewPassword(password) = NewPassword::check_with(
            check_new_password,
            "password",
            "password_confirm",
            &form.password,
            &form.password_confirm,
            &user.email,
        )?;
        let hash = hash_password(password).await?;
        if accounts::reset_password_with_token(&state.db, &form.token, &hash).await? != TokenCheck::Valid(user_id) {
            return Err(AppError::Rejected("Ce lien a déjà été utilisé : demandez un nouveau lien.".into()));
        }
        tracing::info!(user_id, "password reset");
        // Whoever was logged in on this browser starts afresh.
        let mut session = auth_session().await?;
        let _ = session.logout().await;
        set_flash(&session, FlashKind::Success, "Votre mot de passe est modifié. Connectez-vous avec le nouveau mot de passe.").await;
        Ok(Redirect { to: "/connexion".into() })
    })
    .await
}

#[server]
pub async fn change_password(#[server(flatten)] form: ChangePasswordForm) -> Result<(), AppError> {
    use crate::domain::forms::accounts::NewPassword;
    use crate::domain::Email;
    use crate::guard::{guard, ANY_USER};
    use crate::repo::accounts;
    use server::*;
    guard(ANY_USER, |caller| async move {
        let state = caller.state;
        let row = accounts::own_user(&state.db, &caller.ctx).await?.ok_or(AppError::Unauthenticated)?;
        if !verify_password(form.current_password, Some(row.password_hash.clone())).await? {
            return Err(AppError::field("current_password", "Mot de passe actuel incorrect."));
        }
        let NewPassword(password) = NewPassword::check_with(
            check_new_password,
            "new_password",
            "new_password_confirm",
            &form.new_password,
            &form.new_password_confirm,
            &row.email,
        )?;
        let hash = hash_password(password).await?;
        accounts::set_password(&state.db, &caller.ctx, &hash).await?;
        // Re-login with the new hash keeps this session and ends every other one.
        let mut session = auth_session().await?;
        let user = Backend::new(state.db.clone()).get_user_by_id(caller.ctx.user_id).await?.ok_or(AppError::Internal)?;
        log_in(&mut session, &user).await?;
        tracing::info!(user_id = caller.ctx.user_id, "password changed");
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
    })
    .await
}
