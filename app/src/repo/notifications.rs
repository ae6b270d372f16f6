//! In-app notifications.

use chrono::{DateTime, Utc};

use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::{now, paris_datetime};
use crate::notifications::Notification;
use crate::on_db;

pub async fn insert(db: &Db, user_id: i64, title: &str, body: &str, link: Option<&str>) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO notifications (user_id, title, body, link, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(user_id)
            .bind(title)
            .bind(body)
            .bind(link)
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The caller's last 100 notifications, newest first.
pub async fn list_own(db: &Db, ctx: &Ctx) -> Result<Vec<Notification>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        title: String,
        body: String,
        link: Option<String>,
        created_at: DateTime<Utc>,
        read_at: Option<DateTime<Utc>>,
    }
    let rows: Vec<Row> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, title, body, link, created_at, read_at FROM notifications WHERE user_id = $1
             ORDER BY created_at DESC, id DESC LIMIT 100",
        )
        .bind(ctx.user_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            title: r.title,
            body: r.body,
            link: r.link,
            at: paris_datetime(r.created_at),
            read: r.read_at.is_some(),
        })
        .collect())
}

pub async fn unread_count(db: &Db, ctx: &Ctx) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(ctx.user_id)
            .fetch_one(pool)
            .await
    })
}

pub async fn mark_own_read(db: &Db, ctx: &Ctx) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(at)
            .bind(ctx.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// --- Used by missions ---

/// Inserts many notifications (the broadcast's digests) with multi-row statements: (user, title, body, link).
pub async fn insert_many(db: &Db, items: &[(i64, String, String, String)]) -> Result<(), sqlx::Error> {
    use crate::infra::db::Arg;
    let at = now();
    let rows: Vec<Vec<Arg>> = items
        .iter()
        .map(|(user_id, title, body, link)| vec![Arg::Int(*user_id), Arg::Text(title.clone()), Arg::Text(body.clone()), Arg::Text(link.clone()), Arg::Time(at)])
        .collect();
    crate::infra::db::insert_rows(db, "notifications", &["user_id", "title", "body", "link", "created_at"], &rows, 500).await
}
