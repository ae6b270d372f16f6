//! Accounts: users, login throttling, password-reset tokens.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::domain::Email;
use crate::infra::db::Db;
use crate::infra::time::now;
use crate::session::Role;
use crate::{on_db, write_tx};

// ---------------------------------------------------------------------------------------------
// Users

#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
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
        .bind(role)
        .bind(terms_at)
        .bind(at)
        .fetch_optional(pool)
        .await
    })
}

/// Sets the caller's own password.
pub async fn set_password(db: &Db, ctx: &crate::guard::Ctx, password_hash: &str) -> Result<(), sqlx::Error> {
    let at = now();
    let user_id = ctx.user_id;
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


/// The address and first name to write to, for a user who still has an account.
pub async fn email_and_first_name(db: &Db, user_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT email, first_name FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user_id)
            .fetch_optional(pool)
            .await
    })
}

/// The caller's own account row (password hash included, for the current-password check).
pub async fn own_user(db: &Db, ctx: &crate::guard::Ctx) -> Result<Option<UserRow>, sqlx::Error> {
    find_user_by_id(db, ctx.user_id).await
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

/// Tokens created for `user_id` since `since` (reset emails are rate-limited).
pub async fn reset_tokens_since(db: &Db, user_id: i64, since: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM password_reset_tokens WHERE user_id = $1 AND created_at > $2")
            .bind(user_id)
            .bind(since)
            .fetch_one(pool)
            .await
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

// --- Used by staff ---

/// One open account, as staff list them.
#[derive(sqlx::FromRow)]
pub struct AccountListRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// How many open accounts (of `role`, when given).
pub async fn count_accounts(db: &Db, role: Option<Role>) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE deleted_at IS NULL AND ($1 IS NULL OR role = $1)")
            .bind(role)
            .fetch_one(pool)
            .await
    })
}

/// A page of the open accounts (of `role`, when given), newest first.
pub async fn list_accounts(db: &Db, role: Option<Role>, limit: i64, offset: i64) -> Result<Vec<AccountListRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, email, first_name, last_name, role, created_at FROM users
             WHERE deleted_at IS NULL AND ($1 IS NULL OR role = $1)
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(role)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
    })
}

/// Whether the centre `centre_id` exists (a centre account belongs to one).
pub async fn centre_exists(db: &Db, centre_id: i64) -> Result<bool, sqlx::Error> {
    let id: Option<i64> =
        on_db!(db, |pool| sqlx::query_scalar("SELECT id FROM centres WHERE id = $1").bind(centre_id).fetch_optional(pool).await)?;
    Ok(id.is_some())
}

/// Attaches a centre account to its centre.
pub async fn set_centre(db: &Db, user_id: i64, centre_id: i64) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE users SET centre_id = $1 WHERE id = $2").bind(centre_id).bind(user_id).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Accounts of `role` still open (the staff dashboard).
pub async fn count_by_role(db: &Db, role: Role) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND deleted_at IS NULL").bind(role).fetch_one(pool).await
    })
}

/// The ids of the open accounts of `role` (who to tell when something needs staff).
pub async fn open_ids_by_role(db: &Db, role: Role) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM users WHERE role = $1 AND deleted_at IS NULL ORDER BY id").bind(role).fetch_all(pool).await
    })
}
