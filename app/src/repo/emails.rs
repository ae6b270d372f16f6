//! Emails sent (or written to the outbox), as staff list them.

use crate::infra::db::{insert_rows, Arg, Db};

/// The columns of one `emails` row, in the order `Mailer` builds them.
const EMAIL_COLUMNS: &[&str] = &["recipient", "subject", "body_text", "transport", "status", "created_at"];

/// Records sent emails, in batches of 500.
pub async fn record(db: &Db, rows: &[Vec<Arg>]) -> Result<(), sqlx::Error> {
    insert_rows(db, "emails", EMAIL_COLUMNS, rows, 500).await
}
