//! Applications: a trainer's own (apply, list, their status on a mission) and a mission's applicants.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::missions::{ApplicationStatus, MissionEvent, MissionStatus};
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::now;
use crate::repo::proposals::record_event;
use crate::{on_db, write_tx};

/// Applications still awaiting a choice on a published mission (staff dashboard).
pub async fn count_awaiting_choice(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications a JOIN missions m ON m.id = a.mission_id WHERE a.status = $1 AND m.status = $2",
        )
        .bind(ApplicationStatus::Sent)
        .bind(MissionStatus::Published)
        .fetch_one(pool)
        .await
    })
}

/// The missions the caller applied to (a withdrawn application does not count).
pub async fn own_mission_ids(db: &Db, ctx: &Ctx) -> Result<HashSet<i64>, sqlx::Error> {
    let ids: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT mission_id FROM applications WHERE user_id = $1 AND status <> $2")
            .bind(ctx.user_id)
            .bind(ApplicationStatus::Withdrawn)
            .fetch_all(pool)
            .await
    })?;
    Ok(ids.into_iter().collect())
}

#[derive(sqlx::FromRow)]
pub struct OwnApplication {
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
    pub hourly_rate_cents: i64,
}

/// The caller's application to a mission, if any.
pub async fn own_for_mission(db: &Db, ctx: &Ctx, mission_id: i64) -> Result<Option<OwnApplication>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT status, created_at, hourly_rate_cents FROM applications WHERE user_id = $1 AND mission_id = $2")
            .bind(ctx.user_id)
            .bind(mission_id)
            .fetch_optional(pool)
            .await
    })
}

/// What an application attempt came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// A new application, or a withdrawn one sent again.
    Sent { again: bool },
    /// The caller already has an application in this state: nothing was changed.
    Existing(ApplicationStatus),
}

/// The caller applies. Idempotent: applying again while an application waits changes nothing;
/// a withdrawn application is sent again; the unique key keeps one row per trainer and mission
/// whatever the number of simultaneous requests.
pub async fn apply_own(db: &Db, ctx: &Ctx, mission_id: i64, hourly_rate_cents: i64, message: &str) -> Result<Applied, sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let before: Option<ApplicationStatus> = sqlx::query_scalar("SELECT status FROM applications WHERE mission_id = $1 AND user_id = $2")
            .bind(mission_id)
            .bind(ctx.user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let changed = sqlx::query(
            "INSERT INTO applications (mission_id, user_id, status, hourly_rate_cents, message, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (mission_id, user_id) DO UPDATE SET status = $3, hourly_rate_cents = $4, message = $5, created_at = $6, updated_at = $6
             WHERE applications.status = $7",
        )
        .bind(mission_id)
        .bind(ctx.user_id)
        .bind(ApplicationStatus::Sent)
        .bind(hourly_rate_cents)
        .bind(message)
        .bind(at)
        .bind(ApplicationStatus::Withdrawn)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let status: ApplicationStatus = sqlx::query_scalar("SELECT status FROM applications WHERE mission_id = $1 AND user_id = $2")
                .bind(mission_id)
                .bind(ctx.user_id)
                .fetch_one(&mut *tx)
                .await?;
            return Ok(Applied::Existing(status));
        }
        let again = before == Some(ApplicationStatus::Withdrawn);
        let detail = if again { "à nouveau" } else { "" };
        record_event!(tx, mission_id, MissionEvent::Applied, Some(ctx.user_id), Some(ctx.user_id), detail, at);
        Ok::<Applied, sqlx::Error>(Applied::Sent { again })
    })
}

/// The caller withdraws their waiting application; `false` when it was not waiting (a proposal
/// was made meanwhile, or it was already withdrawn).
pub async fn withdraw_own(db: &Db, ctx: &Ctx, mission_id: i64) -> Result<bool, sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let changed = sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE mission_id = $3 AND user_id = $4 AND status = $5")
            .bind(ApplicationStatus::Withdrawn)
            .bind(at)
            .bind(mission_id)
            .bind(ctx.user_id)
            .bind(ApplicationStatus::Sent)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        record_event!(tx, mission_id, MissionEvent::Withdrew, Some(ctx.user_id), Some(ctx.user_id), "", at);
        Ok::<bool, sqlx::Error>(true)
    })
}

/// The trainer's application status for a mission (staff checks before proposing).
pub async fn status_of(db: &Db, mission_id: i64, user_id: i64) -> Result<Option<ApplicationStatus>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT status FROM applications WHERE mission_id = $1 AND user_id = $2")
            .bind(mission_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await
    })
}

#[derive(sqlx::FromRow)]
pub struct OwnListed {
    pub mission_id: i64,
    pub title: String,
    pub start_date: NaiveDate,
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The deadline of an open proposal.
    pub deadline: Option<DateTime<Utc>>,
}

/// The caller's applications, latest first.
pub async fn list_own(db: &Db, ctx: &Ctx) -> Result<Vec<OwnListed>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT m.id AS mission_id, m.title, m.start_date, a.status, a.created_at, a.updated_at,
                (SELECT p.deadline FROM proposals p WHERE p.mission_id = a.mission_id AND p.user_id = a.user_id AND p.status = $2) AS deadline
             FROM applications a JOIN missions m ON m.id = a.mission_id
             WHERE a.user_id = $1 ORDER BY a.created_at DESC, a.id DESC",
        )
        .bind(ctx.user_id)
        .bind(crate::domain::missions::ProposalStatus::Open)
        .fetch_all(pool)
        .await
    })
}

#[derive(sqlx::FromRow)]
pub struct ApplicantRow {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A mission's applicants, in the order they applied (staff only).
pub async fn of_mission(db: &Db, mission_id: i64) -> Result<Vec<ApplicantRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT a.user_id, u.first_name, u.last_name, a.status, a.created_at, p.latitude, p.longitude
             FROM applications a JOIN users u ON u.id = a.user_id LEFT JOIN trainer_profiles p ON p.user_id = a.user_id
             WHERE a.mission_id = $1 ORDER BY a.created_at",
        )
        .bind(mission_id)
        .fetch_all(pool)
        .await
    })
}
