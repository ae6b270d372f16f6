//! Applications: a trainer's own (apply, list, their status on a mission) and a mission's applicants.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::missions::{ApplicationStatus, MissionStatus};
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::now;
use crate::on_db;

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

/// The missions the caller applied to.
pub async fn own_mission_ids(db: &Db, ctx: &Ctx) -> Result<HashSet<i64>, sqlx::Error> {
    let ids: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT mission_id FROM applications WHERE user_id = $1").bind(ctx.user_id).fetch_all(pool).await
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

/// The caller applies; `false` when they already had.
pub async fn insert_own(db: &Db, ctx: &Ctx, mission_id: i64, hourly_rate_cents: i64, message: &str) -> Result<bool, sqlx::Error> {
    let at = now();
    let inserted = on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO applications (mission_id, user_id, hourly_rate_cents, message, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (mission_id, user_id) DO NOTHING",
        )
        .bind(mission_id)
        .bind(ctx.user_id)
        .bind(hourly_rate_cents)
        .bind(message)
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(inserted > 0)
}

#[derive(sqlx::FromRow)]
pub struct OwnListed {
    pub mission_id: i64,
    pub title: String,
    pub start_date: NaiveDate,
    pub status: ApplicationStatus,
}

/// The caller's applications, latest first.
pub async fn list_own(db: &Db, ctx: &Ctx) -> Result<Vec<OwnListed>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT m.id AS mission_id, m.title, m.start_date, a.status FROM applications a JOIN missions m ON m.id = a.mission_id
             WHERE a.user_id = $1 ORDER BY a.created_at DESC",
        )
        .bind(ctx.user_id)
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
