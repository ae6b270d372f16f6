//! The staff dashboard's counts, read across areas (users, emails, profiles, missions,
//! applications). Statuses are bound as their enums.

use chrono::{DateTime, Utc};

use crate::domain::missions::MissionStatus;
use crate::domain::ProfileStatus;
use crate::infra::db::Db;
use crate::on_db;
use crate::session::Role;

/// An application sent and not yet answered. TODO(missions): bind the applications' status
/// enum once the missions area has one (`repo::applications::count_awaiting_choice`).
const APPLICATION_SENT: &str = "envoyee";

/// Accounts of `role` still open.
pub async fn count_users(db: &Db, role: Role) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND deleted_at IS NULL").bind(role).fetch_one(pool).await
    })
}

/// Emails sent since `since`.
pub async fn count_emails_since(db: &Db, since: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM emails WHERE created_at > $1").bind(since).fetch_one(pool).await)
}

/// Trainer profiles with `status`.
pub async fn count_profiles(db: &Db, status: ProfileStatus) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM trainer_profiles WHERE status = $1").bind(status).fetch_one(pool).await)
}

/// Missions with any of `statuses`.
pub async fn count_missions(db: &Db, statuses: &[MissionStatus]) -> Result<i64, sqlx::Error> {
    let mut total = 0;
    for status in statuses {
        let count: i64 =
            on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM missions WHERE status = $1").bind(*status).fetch_one(pool).await)?;
        total += count;
    }
    Ok(total)
}

/// Applications to published missions still waiting for staff's choice.
pub async fn count_applications_awaiting_choice(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications a JOIN missions m ON m.id = a.mission_id WHERE a.status = $1 AND m.status = $2",
        )
        .bind(APPLICATION_SENT)
        .bind(MissionStatus::Published)
        .fetch_one(pool)
        .await
    })
}
