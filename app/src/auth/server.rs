//! Server side of accounts: password hashing, the login backend, throttling, reset tokens and
//! the request context (who is calling, with which role) that every server function starts from.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum_login::{AuthnBackend, UserId};
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use sha2::{Digest, Sha256};

use super::{Role, SessionUser};
use crate::domain::password::{check_password_shape, PasswordError};
use crate::domain::Email;
use crate::error::AppError;
use crate::infra::db::Db;
use crate::infra::state::AppState;
use crate::infra::time::now;
use crate::{on_db, write_tx};

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

#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub role: String,
}

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
    fn from_row(row: UserRow) -> Option<Self> {
        Some(Self {
            id: row.id,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            role: Role::from_code(&row.role)?,
            password_hash: row.password_hash,
        })
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

const USER_COLUMNS: &str = "id, email, password_hash, first_name, last_name, role";

pub async fn find_user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND deleted_at IS NULL");
    on_db!(db, |pool| sqlx::query_as::<_, UserRow>(&sql).bind(email).fetch_optional(pool).await)
}

pub async fn find_user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL");
    on_db!(db, |pool| sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await)
}

impl AuthnBackend for Backend {
    type User = AuthUser;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<AuthUser>, BackendError> {
        let row = find_user_by_email(&self.db, &creds.email).await?;
        let stored = row.as_ref().map(|r| r.password_hash.clone());
        let ok = verify_password(creds.password, stored).await.map_err(|_| BackendError::Verify)?;
        Ok(if ok { row.and_then(AuthUser::from_row) } else { None })
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<AuthUser>, BackendError> {
        Ok(find_user_by_id(&self.db, *id).await?.and_then(AuthUser::from_row))
    }
}

impl Backend {
    pub async fn get_user_by_id(&self, id: i64) -> Result<Option<AuthUser>, sqlx::Error> {
        Ok(find_user_by_id(&self.db, id).await?.and_then(AuthUser::from_row))
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

/// Creates an account; the email must be free. Returns the new id.
pub async fn create_user(
    db: &Db,
    email: &Email,
    password_hash: &str,
    first_name: &str,
    last_name: &str,
    role: Role,
    terms_accepted: bool,
) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    let terms_at: Option<DateTime<Utc>> = terms_accepted.then_some(at);
    on_db!(db, |pool| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (email, password_hash, first_name, last_name, role, terms_accepted_at, created_at, password_changed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
             ON CONFLICT (email) DO NOTHING
             RETURNING id",
        )
        .bind(email.as_str())
        .bind(password_hash)
        .bind(first_name)
        .bind(last_name)
        .bind(role.code())
        .bind(terms_at)
        .bind(at)
        .fetch_optional(pool)
        .await
    })
}

pub async fn set_password(db: &Db, user_id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(at)
            .bind(user_id)
            .execute(pool)
            .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Login throttling, stored in the database so that every app node sees the same counts.

/// Failures allowed in a window before the account key is locked.
pub const MAX_FAILURES: i64 = 5;
const WINDOW_MINUTES: i64 = 15;
const LOCK_MINUTES: i64 = 15;

#[derive(sqlx::FromRow)]
struct ThrottleRow {
    failures: i64,
    window_started_at: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
}

/// Minutes left before `key` may try again, if it is locked.
pub async fn throttle_wait(db: &Db, key: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<ThrottleRow> = on_db!(db, |pool| {
        sqlx::query_as("SELECT failures, window_started_at, locked_until FROM login_throttle WHERE login_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await
    })?;
    let at = now();
    Ok(row
        .and_then(|r| r.locked_until)
        .filter(|until| *until > at)
        .map(|until| ((until - at).num_seconds() + 59) / 60))
}

/// Counts a failed attempt; locks the key after too many failures in the window.
pub async fn record_failure(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let row: Option<ThrottleRow> = sqlx::query_as(
            "SELECT failures, window_started_at, locked_until FROM login_throttle WHERE login_key = $1",
        )
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        let (failures, window_start) = match row {
            Some(r) if at - r.window_started_at < Duration::minutes(WINDOW_MINUTES) => (r.failures + 1, r.window_started_at),
            _ => (1, at),
        };
        let locked_until = (failures >= MAX_FAILURES).then(|| at + Duration::minutes(LOCK_MINUTES));
        let (failures, window_start) = if locked_until.is_some() { (0, at) } else { (failures, window_start) };
        sqlx::query(
            "INSERT INTO login_throttle (login_key, failures, window_started_at, locked_until)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (login_key) DO UPDATE SET failures = $2, window_started_at = $3,
                 locked_until = COALESCE($4, login_throttle.locked_until)",
        )
        .bind(key)
        .bind(failures)
        .bind(window_start)
        .bind(locked_until)
        .execute(&mut *tx)
        .await.map(|r| r.rows_affected())
        .map(|_| ())
    })
}

pub async fn clear_failures(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM login_throttle WHERE login_key = $1").bind(key).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Password reset tokens: random, stored hashed, single use, expiring.

pub const RESET_TOKEN_MINUTES: i64 = 60;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a password-setting token for `user_id`, valid for `validity`, and returns it in
/// clear (it is only ever sent by email).
pub async fn create_token(db: &Db, user_id: i64, validity: Duration) -> Result<String, sqlx::Error> {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = token_hash(&token);
    let at = now();
    let expires = at + validity;
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO password_reset_tokens (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(&hash)
        .bind(at)
        .bind(expires)
        .execute(pool)
        .await.map(|r| r.rows_affected())
    })?;
    Ok(token)
}

/// At most this many reset emails per account and hour, against mail bombing.
const MAX_RESETS_PER_HOUR: i64 = 3;

/// Creates a reset token and emails the link, unless too many were sent in the last hour.
pub async fn send_reset_email(state: &AppState, user_id: i64, email: &Email, first_name: &str) -> Result<(), AppError> {
    let since = now() - Duration::hours(1);
    let recent: i64 = on_db!(&state.db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM password_reset_tokens WHERE user_id = $1 AND created_at > $2")
            .bind(user_id)
            .bind(since)
            .fetch_one(pool)
            .await
    })?;
    if recent >= MAX_RESETS_PER_HOUR {
        tracing::warn!(user_id, "password reset requests throttled");
        return Ok(());
    }
    let token = create_token(&state.db, user_id, Duration::minutes(RESET_TOKEN_MINUTES)).await?;
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

#[derive(Debug, PartialEq, Eq)]
pub enum TokenCheck {
    Valid(i64),
    Expired,
    Used,
    Unknown,
}

/// Looks a token up without consuming it.
pub async fn check_reset_token(db: &Db, token: &str) -> Result<TokenCheck, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: i64,
        expires_at: DateTime<Utc>,
        used_at: Option<DateTime<Utc>>,
    }
    let hash = token_hash(token);
    let row: Option<Row> = on_db!(db, |pool| {
        sqlx::query_as("SELECT user_id, expires_at, used_at FROM password_reset_tokens WHERE token_hash = $1")
            .bind(&hash)
            .fetch_optional(pool)
            .await
    })?;
    Ok(match row {
        None => TokenCheck::Unknown,
        Some(r) if r.used_at.is_some() => TokenCheck::Used,
        Some(r) if r.expires_at <= now() => TokenCheck::Expired,
        Some(r) => TokenCheck::Valid(r.user_id),
    })
}

/// Consumes a valid token and sets the new password in one transaction; every other token of
/// the user is voided too.
pub async fn reset_password_with_token(db: &Db, token: &str, new_hash: &str) -> Result<TokenCheck, sqlx::Error> {
    let hash = token_hash(token);
    let at = now();
    write_tx!(db, |tx| {
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE password_reset_tokens SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING user_id",
        )
        .bind(at)
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
        match user_id {
            Some(user_id) => {
                sqlx::query("UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
                    .bind(new_hash)
                    .bind(at)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await.map(|r| r.rows_affected())?;
                sqlx::query("UPDATE password_reset_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                    .bind(at)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await.map(|r| r.rows_affected())?;
                Ok::<_, sqlx::Error>(TokenCheck::Valid(user_id))
            }
            None => Ok(TokenCheck::Unknown),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Request context

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

pub async fn auth_session() -> Result<AuthSession, AppError> {
    leptos_axum::extract::<AuthSession>().await.map_err(|e| {
        tracing::error!(error = %e, "auth session unavailable");
        AppError::Internal
    })
}

/// Who is calling: used by every server function before it touches data.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub user_id: i64,
    pub role: Role,
}

impl Ctx {
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role == role {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The caller, or `Unauthenticated`.
pub async fn require_user() -> Result<(AppState, Ctx, AuthUser), AppError> {
    let state = app_state()?;
    let session = auth_session().await?;
    let user = session.user.ok_or(AppError::Unauthenticated)?;
    let ctx = Ctx { user_id: user.id, role: user.role };
    Ok((state, ctx, user))
}

/// The caller, who must have `role`.
pub async fn require_role(role: Role) -> Result<(AppState, Ctx), AppError> {
    let (state, ctx, _) = require_user().await?;
    ctx.require(role)?;
    Ok((state, ctx))
}

/// Sets the HTTP status of a failed server-function call (a page render keeps its own status).
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let is_api_call = use_context::<http::request::Parts>()
            .is_some_and(|parts| parts.uri.path().starts_with("/api/"));
        if is_api_call {
            if let (Some(response), Ok(status)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                http::StatusCode::from_u16(error.status()),
            ) {
                response.set_status(status);
            }
        }
    }
    result
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
