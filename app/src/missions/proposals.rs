//! The trainer's answer to a proposal, and the job that closes proposals left unanswered.
//! Staff make and cancel proposals in `staff::server`.

use crate::domain::forms::missions::DeclineReason;
use crate::domain::missions::ProposalStatus;
use crate::error::AppError;
use crate::guard::Ctx;
use crate::infra::state::AppState;
use crate::infra::time::now;
use crate::notifications::server::notify;
use crate::repo;
use crate::repo::proposals::Answered;
use crate::session::Role;

pub const EXPIRY_JOB: &str = "proposal_expiry";

/// Why an answer could not be recorded, in the trainer's words.
fn refused(answer: Answered) -> AppError {
    let text = match answer {
        Answered::NotOpen(ProposalStatus::Cancelled) => "L'équipe a retiré cette proposition : elle ne peut plus être acceptée.",
        Answered::NotOpen(ProposalStatus::Expired) | Answered::PastDeadline => {
            "Le délai de réponse à cette proposition est passé : elle ne peut plus être acceptée."
        }
        Answered::NotOpen(ProposalStatus::Accepted) => "Vous avez déjà accepté cette proposition.",
        Answered::NotOpen(ProposalStatus::Declined) => "Vous avez déjà décliné cette proposition.",
        Answered::MissionClosed => "Cette mission n'est plus ouverte : elle ne peut plus être acceptée.",
        Answered::NotFound => return AppError::NotFound,
        Answered::NotOpen(ProposalStatus::Open) | Answered::Accepted { .. } | Answered::Declined => return AppError::Internal,
    };
    AppError::Rejected(text.into())
}

/// Tells every staff member (app and email).
async fn tell_staff(state: &AppState, title: &str, body: &str, link: &str) {
    match repo::accounts::open_ids_by_role(&state.db, Role::Staff).await {
        Ok(ids) => {
            for id in ids {
                notify(state, id, title, body, Some(link)).await;
            }
        }
        Err(e) => tracing::error!(error = %e, "cannot list staff to notify"),
    }
}

/// The caller accepts: the mission is filled with them; the applicants still waiting are told
/// "non retenue"; the mission now waits for its contract.
pub async fn accept(state: &AppState, ctx: &Ctx, proposal_id: i64) -> Result<(), AppError> {
    let db = &state.db;
    let answer = repo::proposals::accept_own(db, ctx, proposal_id).await?;
    // A double click: the first one accepted it.
    if answer == Answered::NotOpen(ProposalStatus::Accepted) {
        return Ok(());
    }
    let Answered::Accepted { not_chosen } = answer else { return Err(refused(answer)) };
    let mission_id = repo::proposals::mission_of(db, proposal_id).await?.ok_or(AppError::NotFound)?;
    let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
    for other in not_chosen {
        let text = format!("La mission « {} » a été confiée à un autre formateur. Merci pour votre candidature.", m.title);
        notify(state, other, "Candidature non retenue", &text, Some("/candidatures")).await;
    }
    let body = format!("La mission « {} » a été acceptée : elle attend maintenant son contrat de sous-traitance.", m.title);
    tell_staff(state, "Proposition acceptée", &body, &format!("/equipe/missions/{mission_id}")).await;
    // The acceptance stands even if the contract cannot be drawn now: staff draw it from the
    // mission page.
    if let Err(e) = crate::contracts::server::draw(state, mission_id, "").await {
        tracing::error!(mission_id, error = %e, "contract not drawn after acceptance");
        let body = format!("Le contrat de la mission « {} » n'a pas pu être établi automatiquement : établissez-le depuis la page de la mission.", m.title);
        tell_staff(state, "Contrat à établir", &body, &format!("/equipe/missions/{mission_id}")).await;
    }
    tracing::info!(mission_id, trainer = ctx.user_id, "proposal accepted");
    Ok(())
}

/// The caller declines: staff are told and choose again; the learners' contacts are hidden.
pub async fn decline(state: &AppState, ctx: &Ctx, proposal_id: i64, reason: DeclineReason) -> Result<(), AppError> {
    let db = &state.db;
    let answer = repo::proposals::decline_own(db, ctx, proposal_id, &reason.0).await?;
    if answer == Answered::NotOpen(ProposalStatus::Declined) {
        return Ok(());
    }
    if answer != Answered::Declined {
        return Err(refused(answer));
    }
    let mission_id = repo::proposals::mission_of(db, proposal_id).await?.ok_or(AppError::NotFound)?;
    let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
    let why = if reason.0.is_empty() { String::new() } else { format!(" Raison donnée : « {} ».", reason.0) };
    let body = format!("La proposition de la mission « {} » a été déclinée.{why} Choisissez un autre candidat.", m.title);
    tell_staff(state, "Proposition déclinée", &body, &format!("/equipe/missions/{mission_id}")).await;
    tracing::info!(mission_id, trainer = ctx.user_id, "proposal declined");
    Ok(())
}

/// Closes the proposals whose deadline has passed, on one node at a time (the lease), each
/// exactly once (the conditional update): staff and the trainer are told. Returns how many.
pub async fn expire_proposals(state: &AppState, holder: &str) -> Result<usize, AppError> {
    let db = &state.db;
    if !repo::missions::acquire_lease(db, EXPIRY_JOB, holder).await? {
        return Ok(0);
    }
    let at = now();
    let result = repo::proposals::expire_due(db, at).await;
    repo::missions::finish_lease(db, EXPIRY_JOB, holder, at).await?;
    let expired = result?;
    for p in &expired {
        let link = format!("/equipe/missions/{}", p.mission_id);
        let body = format!("Le formateur n'a pas répondu à temps à la proposition de la mission « {} ». Choisissez un autre candidat.", p.title);
        tell_staff(state, "Proposition expirée", &body, &link).await;
        let text = format!("Le délai de réponse à la proposition de la mission « {} » est passé.", p.title);
        notify(state, p.user_id, "Proposition expirée", &text, Some("/candidatures")).await;
    }
    if !expired.is_empty() {
        tracing::info!(count = expired.len(), "proposals expired");
    }
    Ok(expired.len())
}
