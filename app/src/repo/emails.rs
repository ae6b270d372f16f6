//! Emails sent (or written to the outbox), as staff list them.

use crate::infra::db::{insert_rows, Arg, Db};

/// The columns of one `emails` row, in the order `Mailer` builds them.
const EMAIL_COLUMNS: &[&str] = &["recipient", "subject", "body_text", "transport", "status", "created_at"];

/// Records sent emails, in batches of 500.
pub async fn record(db: &Db, rows: &[Vec<Arg>]) -> Result<(), sqlx::Error> {
    insert_rows(db, "emails", EMAIL_COLUMNS, rows, 500).await
}

/// One recorded email, as staff list them.
#[derive(sqlx::FromRow)]
pub struct EmailRow {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: Option<String>,
    pub transport: crate::staff::EmailTransport,
    pub status: crate::staff::EmailStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// How many emails were recorded.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    crate::on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM emails").fetch_one(pool).await)
}

/// A page of the recorded emails, newest first.
pub async fn list(db: &Db, limit: i64, offset: i64) -> Result<Vec<EmailRow>, sqlx::Error> {
    crate::on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, recipient, subject, body_text, transport, status, created_at
             FROM emails ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
    })
}

/// Emails sent since `since` (the staff dashboard).
pub async fn count_since(db: &Db, since: chrono::DateTime<chrono::Utc>) -> Result<i64, sqlx::Error> {
    crate::on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM emails WHERE created_at > $1").bind(since).fetch_one(pool).await)
}
