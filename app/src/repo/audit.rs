//! The audit log: who decided or opened what, and when.

use chrono::{DateTime, Utc};

use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::now;
use crate::on_db;

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A staff decision on a trainer's profile.
    ProfileReview,
    /// A staff member opened a trainer's document.
    DocumentOpened,
}

impl AuditAction {
    pub const ALL: &'static [AuditAction] = &[AuditAction::ProfileReview, AuditAction::DocumentOpened];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::ProfileReview => "profile_review",
            AuditAction::DocumentOpened => "document_opened",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::ProfileReview => "Décision sur un profil",
            AuditAction::DocumentOpened => "Ouverture d'un document",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.code() == code)
    }
}

/// The insert of one entry, for repositories that write it inside their own transaction
/// (`$1` actor, `$2` action, `$3` target user, `$4` detail, `$5` time).
pub const INSERT: &str =
    "INSERT INTO audit_log (actor_id, action, target_user_id, detail, created_at) VALUES ($1, $2, $3, $4, $5)";

/// Records what `actor` did.
pub async fn record(db: &Db, actor: &Ctx, action: AuditAction, target: Option<i64>, detail: &str) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query(INSERT)
            .bind(actor.user_id)
            .bind(action)
            .bind(target)
            .bind(detail)
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub created_at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: AuditAction,
    pub target: Option<String>,
    pub detail: String,
}

/// The number of entries, and the `size` entries of page `page` (from 1), newest first.
pub async fn page(db: &Db, page: u32, size: i64) -> Result<(i64, Vec<AuditRow>), sqlx::Error> {
    let total: i64 = on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(pool).await)?;
    let rows: Vec<AuditRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT a.created_at, ua.first_name || ' ' || ua.last_name AS actor, a.action,
                    ut.first_name || ' ' || ut.last_name AS target, a.detail
             FROM audit_log a
             LEFT JOIN users ua ON ua.id = a.actor_id
             LEFT JOIN users ut ON ut.id = a.target_user_id
             ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2",
        )
        .bind(size)
        .bind((i64::from(page) - 1) * size)
        .fetch_all(pool)
        .await
    })?;
    Ok((total, rows))
}
