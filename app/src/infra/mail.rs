//! Outgoing email: SMTP when configured, otherwise a local outbox folder. Every message is
//! also recorded in the `emails` table, which the staff page "Emails envoyés" lists.

use std::path::PathBuf;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::Email;
use crate::infra::db::{Arg, Db};
use crate::infra::time::now;

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
        let (record, outcome) = self.deliver(to, subject, body).await;
        crate::repo::emails::record(db, &[record]).await?;
        outcome
    }

    /// Sends many emails (the daily digest), recording them in batches. Returns how many left.
    pub async fn send_all(&self, db: &Db, messages: &[(Email, String, String)]) -> Result<usize, MailError> {
        let mut records = Vec::with_capacity(messages.len());
        let mut sent = 0;
        for (to, subject, body) in messages {
            let (record, outcome) = self.deliver(to, subject, body).await;
            records.push(record);
            sent += usize::from(outcome.is_ok());
        }
        crate::repo::emails::record(db, &records).await?;
        Ok(sent)
    }

    /// Delivers one email; returns its row for the `emails` table and the outcome.
    async fn deliver(&self, to: &Email, subject: &str, body: &str) -> (Vec<Arg>, Result<(), MailError>) {
        let built = to
            .as_str()
            .parse::<Mailbox>()
            .map_err(|_| MailError::Build("recipient".into()))
            .and_then(|recipient| {
                Message::builder()
                    .from(self.from.clone())
                    .to(recipient)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body.to_string())
                    .map_err(|e| MailError::Build(e.to_string()))
            });
        let (transport, outcome, stored_body) = match (&self.transport, built) {
            (Transport::Smtp(_), Err(e)) => ("smtp", Err(e), None),
            (Transport::Outbox(_), Err(e)) => ("outbox", Err(e), None),
            (Transport::Smtp(smtp), Ok(message)) => {
                let outcome = smtp.send(message).await.map(|_| ()).map_err(|e| MailError::Delivery(e.to_string()));
                ("smtp", outcome, None)
            }
            (Transport::Outbox(dir), Ok(message)) => {
                let outcome = write_to_outbox(dir, &message).await;
                ("outbox", outcome, Some(body.to_string()))
            }
        };
        if let Err(e) = &outcome {
            tracing::error!(error = %e, transport, "email delivery failed");
        }
        let record = vec![
            Arg::Text(to.as_str().to_string()),
            Arg::Text(subject.to_string()),
            Arg::OptText(stored_body),
            Arg::Text(transport.to_string()),
            Arg::Text(if outcome.is_ok() { "sent" } else { "failed" }.to_string()),
            Arg::Time(now()),
        ];
        (record, outcome)
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
