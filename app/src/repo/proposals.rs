//! Proposals (staff offer a mission to one applicant, who accepts or declines before a deadline)
//! and a mission's dated history of those steps. Every transition is one conditional UPDATE in a
//! transaction, so two staff members, a trainer and the expiry job racing each other cannot
//! leave two open proposals for a mission, or accept what has expired or been cancelled.
//! Inside `write_tx!`, an early `return` leaves the function before the commit: everything the
//! transaction wrote so far is rolled back (the refusals below rely on it).

use chrono::{DateTime, Utc};

use crate::domain::missions::{ApplicationStatus, MissionEvent, MissionStatus, ProposalStatus};
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::now;
use crate::{on_db, write_tx};

/// Records one step of a mission's history inside the caller's transaction.
macro_rules! record_event {
    ($tx:ident, $mission_id:expr, $kind:expr, $user_id:expr, $actor:expr, $detail:expr, $at:expr) => {
        sqlx::query("INSERT INTO mission_events (mission_id, kind, user_id, actor_id, detail, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind($mission_id)
            .bind($kind)
            .bind($user_id)
            .bind($actor)
            .bind($detail)
            .bind($at)
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use record_event;

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct ProposalRow {
    pub id: i64,
    pub mission_id: i64,
    pub user_id: i64,
    pub trainer_name: String,
    pub status: ProposalStatus,
    pub hourly_rate_cents: i64,
    pub hours: i64,
    pub deadline: DateTime<Utc>,
    pub proposed_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub decline_reason: String,
}

impl ProposalRow {
    /// Open and its deadline not passed (the expiry job may not have run yet).
    pub fn is_live(&self, at: DateTime<Utc>) -> bool {
        self.status == ProposalStatus::Open && self.deadline > at
    }
}

const PROPOSAL_SELECT: &str = "SELECT p.id, p.mission_id, p.user_id, u.first_name || ' ' || u.last_name AS trainer_name, p.status,
    p.hourly_rate_cents, p.hours, p.deadline, p.proposed_at, p.closed_at, p.decline_reason
    FROM proposals p JOIN users u ON u.id = p.user_id";

/// The proposals of a mission, latest first (staff).
pub async fn of_mission(db: &Db, mission_id: i64) -> Result<Vec<ProposalRow>, sqlx::Error> {
    let sql = format!("{PROPOSAL_SELECT} WHERE p.mission_id = $1 ORDER BY p.proposed_at DESC, p.id DESC");
    on_db!(db, |pool| sqlx::query_as::<_, ProposalRow>(&sql).bind(mission_id).fetch_all(pool).await)
}

/// The caller's latest proposal for a mission.
pub async fn own_latest(db: &Db, ctx: &Ctx, mission_id: i64) -> Result<Option<ProposalRow>, sqlx::Error> {
    let sql = format!("{PROPOSAL_SELECT} WHERE p.mission_id = $1 AND p.user_id = $2 ORDER BY p.proposed_at DESC, p.id DESC LIMIT 1");
    on_db!(db, |pool| sqlx::query_as::<_, ProposalRow>(&sql).bind(mission_id).bind(ctx.user_id).fetch_optional(pool).await)
}

/// What a proposal attempt came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Proposed {
    Made(i64),
    /// The trainer has no application awaiting a choice (withdrawn, or already answered).
    NoPendingApplication,
    /// Another proposal is open for this mission.
    AlreadyOpen,
    /// The mission is no longer published.
    MissionClosed,
}

/// A proposal to `user_id`, whose application must be waiting ("envoyée"), for a published
/// mission without an open proposal. The partial unique index settles simultaneous proposals.
pub async fn propose(
    db: &Db,
    ctx: &Ctx,
    mission_id: i64,
    user_id: i64,
    (hourly_rate_cents, hours): (i64, i64),
    deadline: DateTime<Utc>,
) -> Result<Proposed, sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let published: Option<i64> = sqlx::query_scalar("SELECT id FROM missions WHERE id = $1 AND status = $2")
            .bind(mission_id)
            .bind(MissionStatus::Published)
            .fetch_optional(&mut *tx)
            .await?;
        if published.is_none() {
            return Ok(Proposed::MissionClosed);
        }
        let moved = sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE mission_id = $3 AND user_id = $4 AND status = $5")
            .bind(ApplicationStatus::Proposed)
            .bind(at)
            .bind(mission_id)
            .bind(user_id)
            .bind(ApplicationStatus::Sent)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved == 0 {
            return Ok(Proposed::NoPendingApplication);
        }
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO proposals (mission_id, user_id, status, hourly_rate_cents, hours, deadline, proposed_by, proposed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(mission_id)
        .bind(user_id)
        .bind(ProposalStatus::Open)
        .bind(hourly_rate_cents)
        .bind(hours)
        .bind(deadline)
        .bind(ctx.user_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Err(e) if is_unique_violation(&e) => return Ok(Proposed::AlreadyOpen),
            other => other?,
        };
        let detail = format!("réponse attendue avant le {}", crate::infra::time::paris_datetime(deadline));
        record_event!(tx, mission_id, MissionEvent::Proposed, Some(user_id), Some(ctx.user_id), detail, at);
        Ok::<Proposed, sqlx::Error>(Proposed::Made(id))
    })
}

/// What a trainer's answer came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Answered {
    /// Accepted: the mission is filled; the applicants told "non retenue".
    Accepted { not_chosen: Vec<i64> },
    Declined,
    /// Nothing open to answer: the proposal's current status (expired, cancelled, answered).
    NotOpen(ProposalStatus),
    /// The deadline passed before the expiry job marked it.
    PastDeadline,
    /// The mission was closed (cancelled) meanwhile.
    MissionClosed,
    NotFound,
}

/// The caller accepts their open proposal `proposal_id`: their application is accepted, the
/// mission filled with them, every other waiting application "non retenue".
pub async fn accept_own(db: &Db, ctx: &Ctx, proposal_id: i64) -> Result<Answered, sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let current: Option<(i64, ProposalStatus, DateTime<Utc>)> =
            sqlx::query_as("SELECT mission_id, status, deadline FROM proposals WHERE id = $1 AND user_id = $2")
                .bind(proposal_id)
                .bind(ctx.user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((mission_id, status, deadline)) = current else { return Ok(Answered::NotFound) };
        if status != ProposalStatus::Open {
            return Ok(Answered::NotOpen(status));
        }
        if deadline <= at {
            return Ok(Answered::PastDeadline);
        }
        let closed = sqlx::query("UPDATE proposals SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4 AND deadline > $2")
            .bind(ProposalStatus::Accepted)
            .bind(at)
            .bind(proposal_id)
            .bind(ProposalStatus::Open)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if closed == 0 {
            return Ok(Answered::NotOpen(ProposalStatus::Expired));
        }
        let filled = sqlx::query("UPDATE missions SET status = $1, chosen_trainer_id = $2, updated_at = $3 WHERE id = $4 AND status = $5")
            .bind(MissionStatus::Filled)
            .bind(ctx.user_id)
            .bind(at)
            .bind(mission_id)
            .bind(MissionStatus::Published)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if filled == 0 {
            return Ok(Answered::MissionClosed);
        }
        sqlx::query("INSERT INTO mission_status_history (mission_id, status, changed_by, changed_at) VALUES ($1, $2, $3, $4)")
            .bind(mission_id)
            .bind(MissionStatus::Filled)
            .bind(ctx.user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE mission_id = $3 AND user_id = $4")
            .bind(ApplicationStatus::Accepted)
            .bind(at)
            .bind(mission_id)
            .bind(ctx.user_id)
            .execute(&mut *tx)
            .await?;
        let not_chosen: Vec<i64> = sqlx::query_scalar(
            "UPDATE applications SET status = $1, updated_at = $2 WHERE mission_id = $3 AND status = $4 RETURNING user_id",
        )
        .bind(ApplicationStatus::NotChosen)
        .bind(at)
        .bind(mission_id)
        .bind(ApplicationStatus::Sent)
        .fetch_all(&mut *tx)
        .await?;
        record_event!(tx, mission_id, MissionEvent::Accepted, Some(ctx.user_id), Some(ctx.user_id), String::new(), at);
        for other in &not_chosen {
            record_event!(tx, mission_id, MissionEvent::NotChosen, Some(*other), None::<i64>, String::new(), at);
        }
        Ok::<Answered, sqlx::Error>(Answered::Accepted { not_chosen })
    })
}

/// The caller declines their open proposal, with an optional reason.
pub async fn decline_own(db: &Db, ctx: &Ctx, proposal_id: i64, reason: &str) -> Result<Answered, sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let current: Option<(i64, ProposalStatus, DateTime<Utc>)> =
            sqlx::query_as("SELECT mission_id, status, deadline FROM proposals WHERE id = $1 AND user_id = $2")
                .bind(proposal_id)
                .bind(ctx.user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((mission_id, status, deadline)) = current else { return Ok(Answered::NotFound) };
        if status != ProposalStatus::Open {
            return Ok(Answered::NotOpen(status));
        }
        if deadline <= at {
            return Ok(Answered::PastDeadline);
        }
        let closed = sqlx::query(
            "UPDATE proposals SET status = $1, closed_at = $2, decline_reason = $3 WHERE id = $4 AND status = $5",
        )
        .bind(ProposalStatus::Declined)
        .bind(at)
        .bind(reason)
        .bind(proposal_id)
        .bind(ProposalStatus::Open)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if closed == 0 {
            return Ok(Answered::NotOpen(ProposalStatus::Expired));
        }
        sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE mission_id = $3 AND user_id = $4 AND status = $5")
            .bind(ApplicationStatus::Declined)
            .bind(at)
            .bind(mission_id)
            .bind(ctx.user_id)
            .bind(ApplicationStatus::Proposed)
            .execute(&mut *tx)
            .await?;
        record_event!(tx, mission_id, MissionEvent::Declined, Some(ctx.user_id), Some(ctx.user_id), reason.to_string(), at);
        Ok::<Answered, sqlx::Error>(Answered::Declined)
    })
}

/// Staff cancel an open proposal: the trainer's application waits again. Returns the trainer.
pub async fn cancel(db: &Db, ctx: &Ctx, mission_id: i64, proposal_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let user: Option<i64> = sqlx::query_scalar(
            "UPDATE proposals SET status = $1, closed_at = $2 WHERE id = $3 AND mission_id = $4 AND status = $5 RETURNING user_id",
        )
        .bind(ProposalStatus::Cancelled)
        .bind(at)
        .bind(proposal_id)
        .bind(mission_id)
        .bind(ProposalStatus::Open)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user_id) = user else { return Ok(None) };
        sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE mission_id = $3 AND user_id = $4 AND status = $5")
            .bind(ApplicationStatus::Sent)
            .bind(at)
            .bind(mission_id)
            .bind(user_id)
            .bind(ApplicationStatus::Proposed)
            .execute(&mut *tx)
            .await?;
        record_event!(tx, mission_id, MissionEvent::ProposalCancelled, Some(user_id), Some(ctx.user_id), String::new(), at);
        Ok::<Option<i64>, sqlx::Error>(Some(user_id))
    })
}

/// A proposal the expiry job closed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExpiredProposal {
    pub mission_id: i64,
    pub user_id: i64,
    pub title: String,
}

/// Closes every open proposal whose deadline has passed, each once whoever else runs this at
/// the same moment (the UPDATE only takes rows still open).
pub async fn expire_due(db: &Db, at: DateTime<Utc>) -> Result<Vec<ExpiredProposal>, sqlx::Error> {
    write_tx!(db, |tx| {
        let due: Vec<(i64, i64, i64)> =
            sqlx::query_as("SELECT id, mission_id, user_id FROM proposals WHERE status = $1 AND deadline <= $2 ORDER BY id LIMIT 500")
                .bind(ProposalStatus::Open)
                .bind(at)
                .fetch_all(&mut *tx)
                .await?;
        let mut expired = Vec::new();
        for (id, mission_id, user_id) in due {
            let closed = sqlx::query("UPDATE proposals SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4")
                .bind(ProposalStatus::Expired)
                .bind(at)
                .bind(id)
                .bind(ProposalStatus::Open)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if closed == 0 {
                continue;
            }
            sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE mission_id = $3 AND user_id = $4 AND status = $5")
                .bind(ApplicationStatus::Expired)
                .bind(at)
                .bind(mission_id)
                .bind(user_id)
                .bind(ApplicationStatus::Proposed)
                .execute(&mut *tx)
                .await?;
            record_event!(tx, mission_id, MissionEvent::Expired, Some(user_id), None::<i64>, String::new(), at);
            let title: String = sqlx::query_scalar("SELECT title FROM missions WHERE id = $1").bind(mission_id).fetch_one(&mut *tx).await?;
            expired.push(ExpiredProposal { mission_id, user_id, title });
        }
        Ok::<Vec<ExpiredProposal>, sqlx::Error>(expired)
    })
}

/// One step of a mission's history.
#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub kind: MissionEvent,
    pub trainer: Option<String>,
    pub actor: Option<String>,
    pub detail: String,
}

pub async fn events(db: &Db, mission_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT e.at, e.kind, t.first_name || ' ' || t.last_name AS trainer, a.first_name || ' ' || a.last_name AS actor, e.detail
             FROM mission_events e LEFT JOIN users t ON t.id = e.user_id LEFT JOIN users a ON a.id = e.actor_id
             WHERE e.mission_id = $1 ORDER BY e.at, e.id",
        )
        .bind(mission_id)
        .fetch_all(pool)
        .await
    })
}

/// The mission a proposal belongs to.
pub async fn mission_of(db: &Db, proposal_id: i64) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT mission_id FROM proposals WHERE id = $1").bind(proposal_id).fetch_optional(pool).await)
}
