//! The one gate of every server function: who may call it, the caller's context, and how a
//! failure becomes an HTTP status. Server functions are public HTTP endpoints, so each one starts
//! here and nowhere else:
//!
//! ```ignore
//! #[server]
//! pub async fn load_my_profile() -> Result<MyProfile, AppError> {
//!     guard(TRAINER, |caller| async move { repo::profiles::load_own(&caller.state.db, &caller.ctx).await }).await
//! }
//! ```

use std::future::Future;

use leptos::prelude::*;

use crate::error::AppError;
use crate::infra::state::AppState;
use crate::session::{Role, SessionUser};

/// The roles allowed to call a server function.
#[derive(Clone, Copy, Debug)]
pub struct Allow(pub &'static [Role]);

pub const TRAINER: Allow = Allow(&[Role::Trainer]);
pub const STAFF: Allow = Allow(&[Role::Staff]);
pub const CENTRE: Allow = Allow(&[Role::Centre]);
pub const ANY_USER: Allow = Allow(&[Role::Trainer, Role::Staff, Role::Centre]);

/// Who is calling. Repository functions that read or write a person's data take it, so that
/// the owner always comes from the session and never from a request argument.
#[derive(Clone, Debug, PartialEq, Eq)]
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

    pub fn is_staff(&self) -> bool {
        self.role == Role::Staff
    }
}

/// A logged-in caller whose role is allowed.
#[derive(Clone, Debug)]
pub struct Caller {
    pub state: AppState,
    pub ctx: Ctx,
    pub user: SessionUser,
}

/// A caller who may not be logged in (registration, login, password reset).
#[derive(Clone, Debug)]
pub struct Visitor {
    pub state: AppState,
    pub user: Option<SessionUser>,
}

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The logged-in caller, if any.
async fn session_user() -> Result<Option<SessionUser>, AppError> {
    let session = crate::auth::server::auth_session().await?;
    Ok(session.user.as_ref().map(crate::auth::server::AuthUser::to_session_user))
}

/// Checks the caller against `allow`, then runs `body` with the caller's context; the error, if
/// any, sets the HTTP status of the server-function response.
pub async fn guard<T, F, Fut>(allow: Allow, body: F) -> Result<T, AppError>
where
    F: FnOnce(Caller) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async move {
        let state = app_state()?;
        let user = session_user().await?.ok_or(AppError::Unauthenticated)?;
        if !allow.0.contains(&user.role) {
            return Err(AppError::Forbidden);
        }
        let ctx = Ctx { user_id: user.id, role: user.role };
        body(Caller { state, ctx, user }).await
    }
    .await;
    respond(result)
}

/// For the few server functions open to visitors: runs `body` with the state and the caller if
/// logged in, and maps the error to an HTTP status like `guard`.
pub async fn public<T, F, Fut>(body: F) -> Result<T, AppError>
where
    F: FnOnce(Visitor) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = async move {
        let state = app_state()?;
        let user = session_user().await?;
        body(Visitor { state, user }).await
    }
    .await;
    respond(result)
}

/// Sets the HTTP status of a failed server-function call (a page render keeps its own status).
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let is_api_call =
            use_context::<http::request::Parts>().is_some_and(|parts| parts.uri.path().starts_with("/api/"));
        if is_api_call {
            if let (Some(response), Ok(status)) =
                (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(error.status()))
            {
                response.set_status(status);
            }
        }
    }
    result
}
