//! Outgoing email: SMTP when configured, otherwise a local outbox folder. Every message is
//! also recorded in the `emails` table, which the staff page "Emails envoyés" lists.

use std::path::PathBuf;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::Email;
use crate::infra::db::Db;
use crate::infra::time::now;
use crate::on_db;

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid MAIL_FROM address")]
    From,
    #[error("invalid SMTP_URL: {0}")]
    SmtpUrl(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("delivery failed: {0}")]
    Delivery(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Outbox(_) => "outbox",
        };
        f.debug_struct("Mailer").field("transport", &kind).finish()
    }
}

impl Mailer {
    pub fn new(smtp_url: Option<&str>, outbox: PathBuf, from: &str) -> Result<Self, MailError> {
        let from: Mailbox = from.parse().map_err(|_| MailError::From)?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::SmtpUrl(e.to_string()))?
                    .build(),
            ),
            None => Transport::Outbox(outbox),
        };
        Ok(Self { transport, from })
    }

    pub fn is_outbox(&self) -> bool {
        matches!(self.transport, Transport::Outbox(_))
    }

    /// Sends a plain-text email and records it. A delivery failure is recorded and returned;
    /// callers decide whether the user needs to know.
    pub async fn send(&self, db: &Db, to: &Email, subject: &str, body: &str) -> Result<(), MailError> {
        let recipient: Mailbox = to.as_str().parse().map_err(|_| MailError::Build("recipient".into()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(recipient)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| MailError::Build(e.to_string()))?;
        let (transport, outcome, stored_body) = match &self.transport {
            Transport::Smtp(smtp) => {
                let outcome = smtp.send(message).await.map(|_| ()).map_err(|e| MailError::Delivery(e.to_string()));
                ("smtp", outcome, None)
            }
            Transport::Outbox(dir) => {
                let outcome = write_to_outbox(dir, &message).await;
                ("outbox", outcome, Some(body.to_string()))
            }
        };
        let status = if outcome.is_ok() { "sent" } else { "failed" };
        let created_at = now();
        on_db!(db, |pool| {
            sqlx::query(
                "INSERT INTO emails (recipient, subject, body_text, transport, status, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(to.as_str())
            .bind(subject)
            .bind(stored_body)
            .bind(transport)
            .bind(status)
            .bind(created_at)
            .execute(pool)
            .await.map(|r| r.rows_affected())
        })?;
        if let Err(e) = &outcome {
            tracing::error!(error = %e, transport, "email delivery failed");
        }
        outcome
    }
}

async fn write_to_outbox(dir: &PathBuf, message: &Message) -> Result<(), MailError> {
    tokio::fs::create_dir_all(dir).await.map_err(|e| MailError::Delivery(e.to_string()))?;
    let name = format!(
        "{}-{:016x}.eml",
        now().format("%Y%m%dT%H%M%S%.3fZ"),
        rand::random::<u64>()
    );
    tokio::fs::write(dir.join(name), message.formatted())
        .await
        .map_err(|e| MailError::Delivery(e.to_string()))
}
