//! Server side of accounts: password hashing, the login backend, throttling, reset tokens and
//! the request context (who is calling, with which role) that every server function starts from.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum_login::{AuthnBackend, UserId};
use chrono::Duration;

use super::{Role, SessionUser};
use crate::domain::password::{check_password_shape, PasswordError};
use crate::domain::Email;
use crate::error::AppError;
use crate::infra::db::Db;
use crate::infra::state::AppState;
use crate::infra::time::now;
pub use crate::guard::{app_state, Ctx};
use crate::repo::accounts::{self, UserRow};

pub type AuthSession = axum_login::AuthSession<Backend>;

// ---------------------------------------------------------------------------------------------
// Passwords

/// Argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a random password, verified against when the email is unknown so that unknown and
/// known accounts cost the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(format!("{:x}", rand::random::<u128>()).as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// Verifies off the async runtime; with no stored hash, still spends one verification.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let known = stored.is_some();
    let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await?;
    Ok(known && ok)
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// True for a listed password, or a listed word padded with digits and symbols ("soleil2026!!").
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    let list = common_passwords();
    if list.contains(lower.as_str()) {
        return true;
    }
    let core = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let core = core.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    core.chars().count() >= 4 && list.contains(core)
}

/// The full password policy: shape (shared with the browser) and the common-password list.
pub fn check_new_password(password: &str, email: &str) -> Result<(), PasswordError> {
    check_password_shape(password, email)?;
    if is_common_password(password) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Users and the login backend

/// The logged-in user as axum-login keeps it. The password hash is the session's auth hash:
/// changing the password ends every other session.
#[derive(Clone)]
pub struct AuthUser {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    password_hash: String,
}

impl std::fmt::Debug for AuthUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthUser").field("id", &self.id).field("role", &self.role).finish_non_exhaustive()
    }
}

impl axum_login::AuthUser for AuthUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

impl AuthUser {
    fn from_row(row: UserRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            role: row.role,
            password_hash: row.password_hash,
        }
    }

    pub fn to_session_user(&self) -> SessionUser {
        SessionUser {
            id: self.id,
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            role: self.role,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Backend {
    db: Db,
}

impl Backend {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(Clone)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("password verification failed")]
    Verify,
}

impl AuthnBackend for Backend {
    type User = AuthUser;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<AuthUser>, BackendError> {
        let row = accounts::find_user_by_email(&self.db, &creds.email).await?;
        let stored = row.as_ref().map(|r| r.password_hash.clone());
        let ok = verify_password(creds.password, stored).await.map_err(|_| BackendError::Verify)?;
        Ok(if ok { row.map(AuthUser::from_row) } else { None })
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<AuthUser>, BackendError> {
        Ok(accounts::find_user_by_id(&self.db, *id).await?.map(AuthUser::from_row))
    }
}

impl Backend {
    pub async fn get_user_by_id(&self, id: i64) -> Result<Option<AuthUser>, sqlx::Error> {
        Ok(accounts::find_user_by_id(&self.db, id).await?.map(AuthUser::from_row))
    }
}

/// Logs `user` in on a fresh session id, remembering when, for the absolute session expiry.
pub async fn log_in(session: &mut AuthSession, user: &AuthUser) -> Result<(), AppError> {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "session update failed");
        AppError::Internal
    };
    session.session.cycle_id().await.map_err(|e| fail(&e))?;
    session.login(user).await.map_err(|e| fail(&e))?;
    session
        .session
        .insert(super::AUTH_AT_KEY, now().timestamp_millis())
        .await
        .map_err(|e| fail(&e))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Login throttling, stored in the database so that every app node sees the same counts.

// ---------------------------------------------------------------------------------------------
// Password reset tokens: random, stored hashed, single use, expiring.

pub use crate::repo::accounts::{MAX_FAILURES, TokenCheck};

pub const RESET_TOKEN_MINUTES: i64 = 60;

/// At most this many reset emails per account and hour, against mail bombing.
const MAX_RESETS_PER_HOUR: i64 = 3;

/// Creates a reset token and emails the link, unless too many were sent in the last hour.
pub async fn send_reset_email(state: &AppState, user_id: i64, email: &Email, first_name: &str) -> Result<(), AppError> {
    let since = now() - Duration::hours(1);
    let recent = accounts::reset_tokens_since(&state.db, user_id, since).await?;
    if recent >= MAX_RESETS_PER_HOUR {
        tracing::warn!(user_id, "password reset requests throttled");
        return Ok(());
    }
    let token = accounts::create_token(&state.db, user_id, Duration::minutes(RESET_TOKEN_MINUTES)).await?;
    let body = format!(
        "Bonjour {first_name},\n\nVous avez demandé à réinitialiser le mot de passe de votre compte Mission Formateur.\n\n\
         Choisissez un nouveau mot de passe en suivant ce lien (valable {RESET_TOKEN_MINUTES} minutes, utilisable une seule fois) :\n\
         {}/reinitialiser-mot-de-passe?jeton={token}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.\n\n\
         L'équipe Mission Formateur",
        state.config.site_url
    );
    state
        .mailer
        .send(&state.db, email, "Réinitialisation de votre mot de passe", &body)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "reset email not delivered");
            AppError::Internal
        })
}

// ---------------------------------------------------------------------------------------------
// Request context

pub async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>().await.map_err(|e| {
        tracing::error!(error = %e, "auth session unavailable");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_are_refused_even_padded() {
        assert!(is_common_password("motdepasse123"));
        assert!(is_common_password("Azertyuiop123!"));
        assert!(is_common_password("soleil2026!!!"));
        assert!(is_common_password("password123456"));
        assert!(!is_common_password("cheval agrafe pile correcte"));
        assert!(!is_common_password("Tr0ub4dor&3-falaise"));
        assert_eq!(check_new_password("motdepasse1234", "a@b.fr"), Err(PasswordError::Common));
        assert_eq!(check_new_password("court", "a@b.fr"), Err(PasswordError::TooShort(5)));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let hash = hash_password("cheval agrafe pile correcte".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("cheval agrafe pile correcte".into(), Some(hash.clone())).await.unwrap());
        assert!(!verify_password("cheval agrafe pile incorrecte".into(), Some(hash)).await.unwrap());
        // Unknown account: never verifies, even with the dummy hash's own input unknown.
        assert!(!verify_password("n'importe quoi".into(), None).await.unwrap());
    }
}
