//! Staff side of missions: the list, create and edit, status, rate override, applicants and the
//! choice of the trainer, the daily broadcast on demand, and the rule settings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::forms::missions::{CeilingForm, MissionForm, ProposalDeadline, ProposalForm, RateOverrideForm};
use crate::domain::missions::ProposalStatus;
use crate::domain::forms::ranking::ScoreWeightsForm;
use crate::domain::ranking::ScoreWeights;
#[cfg(feature = "ssr")]
use crate::guard::STAFF;
use crate::staff::Page;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionSummary {
    pub id: i64,
    pub title: String,
    pub centre: String,
    pub domain: String,
    pub status: MissionStatus,
    pub start: String,
    pub applications: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub user_id: i64,
    pub name: String,
    pub applied_on: String,
    pub status: ApplicationStatus,
    pub status_label: String,
    pub eligible_now: bool,
    pub reasons: Vec<String>,
    /// What ends before the mission does (the applicant may still be chosen).
    #[serde(default)]
    pub warnings: Vec<String>,
    pub level: Option<String>,
    pub distance_km: Option<i64>,
    /// Why the applicant ranks where they do: the total and every part.
    pub score: crate::domain::ranking::Score,
}

/// A proposal as staff follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalLine {
    pub id: i64,
    pub trainer: String,
    pub user_id: i64,
    pub status: ProposalStatus,
    /// Open but past its deadline: the expiry job will close it within a minute.
    pub overdue: bool,
    pub proposed_at: String,
    pub deadline: String,
    pub closed_at: Option<String>,
    pub decline_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub at: String,
    pub what: String,
    pub who: String,
}

/// A mission as staff edit it (the form's fields as their codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMission {
    pub id: i64,
    pub centre_id: i64,
    pub centre_name: String,
    pub title: String,
    pub domain_code: String,
    pub description: String,
    pub learner_level: String,
    pub native_requirement: String,
    pub format: String,
    pub group_kind: String,
    pub postal_code: String,
    pub commune_name: String,
    pub hours: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub rhythm: String,
    pub cpf_funded: bool,
    pub learners_count: i64,
    pub learners_text: String,
    pub hourly_rate: Money,
    pub grid_rate: Money,
    pub rate_overridden: bool,
    pub status: MissionStatus,
    /// Every dated step: status and rate changes, applications, proposals and answers.
    pub history: Vec<HistoryLine>,
    pub rate_history: Vec<HistoryLine>,
    pub applicants: Vec<Applicant>,
    pub proposals: Vec<ProposalLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionFormData {
    pub centres: Vec<(i64, String)>,
    pub domains: Vec<(String, String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastStatus {
    pub last_run: Option<String>,
    pub pending_missions: i64,
}

#[server]
pub async fn load_mission_form() -> Result<MissionFormData, AppError> {
    guard(STAFF, |caller| async move {
        let db = &caller.state.db;
        Ok(MissionFormData {
            centres: crate::repo::centres::names(db).await?,
            domains: crate::repo::missions::active_domains_with_language(db).await?,
        })
    })
    .await
}

/// Staff's list. `centre` and `status` that do not parse mean "any", like an empty `domain`.
#[server]
pub async fn staff_missions(centre: String, status: String, domain: String, page: u32) -> Result<Page<MissionSummary>, AppError> {
    guard(STAFF, |caller| async move {
        let filter = crate::repo::missions::StaffFilter {
            centre_id: centre.trim().parse::<i64>().ok(),
            status: MissionStatus::from_code(status.trim()),
            domain: Some(domain.trim().to_string()).filter(|d| !d.is_empty()),
        };
        server::list(&caller.state.db, &filter, page).await
    })
    .await
}

#[server]
pub async fn load_staff_mission(mission_id: i64) -> Result<StaffMission, AppError> {
    guard(STAFF, |caller| async move { server::staff_mission(&caller.state.db, mission_id).await }).await
}

/// Creates (`mission_id` 0) or edits a mission. Learners: one per line, "Nom ; téléphone ; e-mail".
#[server]
pub async fn save_mission(mission_id: i64, centre_id: i64, #[server(flatten)] form: MissionForm) -> Result<i64, AppError> {
    guard(STAFF, |caller| async move { server::save_mission(&caller.state.db, &caller.ctx, (mission_id, centre_id), form).await }).await
}

#[server]
pub async fn change_mission_status(mission_id: i64, status: String) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        let to = MissionStatus::from_code(&status).ok_or_else(|| AppError::field("status", "Statut inconnu."))?;
        server::change_status(&caller.state.db, &caller.ctx, mission_id, to).await
    })
    .await
}

/// Sets the hourly rate by hand (with a reason), or back to the grid when `hourly_rate` is empty.
#[server]
pub async fn override_rate(mission_id: i64, #[server(flatten)] form: RateOverrideForm) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        let change = crate::domain::forms::missions::RateOverride::try_from(form)?;
        server::override_rate(&caller.state.db, &caller.ctx, mission_id, change).await
    })
    .await
}

/// Proposes the mission to one applicant, who has `deadline_hours` (48 by default) to answer.
#[server]
pub async fn propose_mission(mission_id: i64, user_id: i64, #[server(flatten)] form: ProposalForm) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        let deadline = ProposalDeadline::try_from(form)?;
        server::propose(&caller.state, &caller.ctx, (mission_id, user_id), deadline).await
    })
    .await
}

/// Withdraws an open proposal; the trainer's application waits again.
#[server]
pub async fn cancel_proposal(mission_id: i64, proposal_id: i64) -> Result<(), AppError> {
    guard(STAFF, |caller| async move { server::cancel_proposal(&caller.state, &caller.ctx, mission_id, proposal_id).await }).await
}

#[server]
pub async fn run_broadcast_now() -> Result<BroadcastReport, AppError> {
    guard(STAFF, |caller| async move {
        let holder = format!("staff-{}-{}", caller.ctx.user_id, rand::random::<u32>());
        let report = super::broadcast::run_broadcast(&caller.state, &holder).await?;
        if !report.ran {
            return Err(AppError::Rejected("Une diffusion est déjà en cours : réessayez dans quelques minutes.".into()));
        }
        Ok(report)
    })
    .await
}

#[server]
pub async fn load_broadcast_status() -> Result<BroadcastStatus, AppError> {
    guard(STAFF, |caller| async move {
        use chrono::{DateTime, Utc};
        let db = &caller.state.db;
        let last = super::broadcast::last_run(db, super::broadcast::BROADCAST_JOB).await?;
        let pending = crate::repo::missions::count_published_since(db, last.unwrap_or(DateTime::<Utc>::UNIX_EPOCH)).await?;
        Ok(BroadcastStatus { last_run: last.map(crate::infra::time::paris_datetime), pending_missions: pending })
    })
    .await
}

#[server]
pub async fn load_rule_settings() -> Result<RuleSettings, AppError> {
    guard(STAFF, |caller| async move { Ok(crate::repo::settings::rule_settings(&caller.state.db).await?) }).await
}

/// Records a micro-enterprise turnover ceiling in force from a date (replacing one of that date).
#[server]
pub async fn save_ceiling(#[server(flatten)] form: CeilingForm) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        let ceiling = crate::domain::TurnoverCeiling::try_from(form)?;
        let db = &caller.state.db;
        let mut settings = crate::repo::settings::rule_settings(db).await?;
        settings.turnover_ceilings.retain(|c| c.valid_from != ceiling.valid_from);
        settings.turnover_ceilings.push(ceiling);
        settings.turnover_ceilings.sort_by_key(|c| c.valid_from);
        crate::repo::settings::save_rule_settings(db, &settings).await?;
        tracing::info!(by = caller.ctx.user_id, "turnover ceiling saved");
        Ok(())
    })
    .await
}

#[server]
pub async fn delete_ceiling(valid_from: String) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        let from = crate::domain::parse_date(&valid_from).map_err(|e| AppError::field("valid_from", e.to_string()))?;
        let db = &caller.state.db;
        let mut settings = crate::repo::settings::rule_settings(db).await?;
        let before = settings.turnover_ceilings.len();
        settings.turnover_ceilings.retain(|c| c.valid_from != from);
        if settings.turnover_ceilings.len() == before {
            return Err(AppError::NotFound);
        }
        if settings.turnover_ceilings.is_empty() {
            return Err(AppError::Rejected("Gardez au moins un plafond : la règle CPF en a besoin.".into()));
        }
        Ok(crate::repo::settings::save_rule_settings(db, &settings).await?)
    })
    .await
}

#[server]
pub async fn load_score_weights() -> Result<ScoreWeights, AppError> {
    guard(STAFF, |caller| async move { Ok(crate::repo::settings::score_weights(&caller.state.db).await?) }).await
}

/// Sets the weights of the applicants' score (whole numbers from 0 to 100).
#[server]
pub async fn save_score_weights(#[server(flatten)] form: ScoreWeightsForm) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        let weights = ScoreWeights::try_from(form)?;
        crate::repo::settings::save_score_weights(&caller.state.db, &weights).await?;
        tracing::info!(by = caller.ctx.user_id, "score weights saved");
        Ok(())
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Staff missions: checks and views over the missions and applications repositories.

    use super::*;
    use crate::centres::server::grid_rate;
    use crate::domain::eligibility::evaluate;
    use crate::domain::forms::missions::{MissionDraft, RateOverride};
    use crate::domain::ranking::rank;
    use crate::guard::Ctx;
    use crate::infra::db::Db;
    use crate::infra::state::AppState;
    use crate::infra::time::{now, paris_date, paris_datetime, today};
    use crate::repo;
    use crate::repo::missions::{MissionRow, MissionWrite, StaffFilter};

    pub async fn list(db: &Db, filter: &StaffFilter, page: u32) -> Result<Page<MissionSummary>, AppError> {
        let page = page.max(1);
        let size = crate::staff::PAGE_SIZE;
        let (rows, total) = repo::missions::list(db, filter, page, size).await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| MissionSummary {
                    id: r.id,
                    title: r.title,
                    centre: r.centre,
                    domain: r.domain,
                    status: r.status,
                    start: crate::domain::short_date(r.start_date),
                    applications: r.applications,
                })
                .collect(),
            page,
            pages: crate::staff::page_count(total, size),
            total,
        })
    }

    pub async fn staff_mission(db: &Db, mission_id: i64) -> Result<StaffMission, AppError> {
        let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
        let grid = grid_rate(db, m.centre_id, &m.domain_code, m.format, m.group_kind, m.hours).await?;
        let status_history = repo::missions::status_history(db, mission_id).await?;
        let rate_history = repo::missions::rate_history(db, mission_id).await?;
        let learner_lines = repo::missions::learners(db, mission_id)
            .await?
            .into_iter()
            .map(|l| format!("{} ; {} ; {}", l.name, l.phone, l.email))
            .collect::<Vec<_>>()
            .join("\n");
        let applicants = applicants(db, &m).await?;
        let at = now();
        let proposals = repo::proposals::of_mission(db, mission_id)
            .await?
            .into_iter()
            .map(|p| ProposalLine {
                id: p.id,
                trainer: p.trainer_name.clone(),
                user_id: p.user_id,
                overdue: p.status == ProposalStatus::Open && !p.is_live(at),
                status: p.status,
                proposed_at: paris_datetime(p.proposed_at),
                deadline: paris_datetime(p.deadline),
                closed_at: p.closed_at.map(paris_datetime),
                decline_reason: p.decline_reason,
            })
            .collect();
        let history = history(db, mission_id, &status_history).await?;
        Ok(StaffMission {
            id: m.id,
            centre_id: m.centre_id,
            centre_name: m.centre_name.clone(),
            title: m.title.clone(),
            domain_code: m.domain_code.clone(),
            description: m.description.clone(),
            learner_level: m.learner_level.code().to_string(),
            native_requirement: m.native_requirement.code().to_string(),
            format: m.format.code().to_string(),
            group_kind: m.group_kind.code().to_string(),
            postal_code: m.postal_code.clone().unwrap_or_default(),
            commune_name: m.commune_name.clone().unwrap_or_default(),
            hours: m.hours,
            start_date: m.start_date,
            end_date: m.end_date,
            rhythm: m.rhythm.clone(),
            cpf_funded: m.cpf_funded,
            learners_count: m.learners_count,
            learners_text: learner_lines,
            hourly_rate: Money::from_cents(m.hourly_rate_cents),
            grid_rate: grid,
            rate_overridden: m.rate_overridden,
            status: m.status,
            history,
            rate_history: rate_history
                .into_iter()
                .map(|h| HistoryLine {
                    at: paris_datetime(h.changed_at),
                    what: format!("{} / h — {}", Money::from_cents(h.hourly_rate_cents), h.reason),
                    who: h.who.unwrap_or_else(|| "—".into()),
                })
                .collect(),
            applicants,
            proposals,
        })
    }

    /// One dated list of every step: status changes and the events of applications and
    /// proposals, oldest first.
    async fn history(db: &Db, mission_id: i64, statuses: &[repo::missions::StatusChange]) -> Result<Vec<HistoryLine>, AppError> {
        let mut lines: Vec<(chrono::DateTime<chrono::Utc>, HistoryLine)> = statuses
            .iter()
            .map(|h| {
                let line = HistoryLine {
                    at: paris_datetime(h.changed_at),
                    what: format!("Statut : {}", h.status.label()),
                    who: h.who.clone().unwrap_or_else(|| "—".into()),
                };
                (h.changed_at, line)
            })
            .collect();
        for e in repo::proposals::events(db, mission_id).await? {
            let mut what = e.kind.label().to_string();
            if let Some(trainer) = &e.trainer {
                what.push_str(&format!(" — {trainer}"));
            }
            if !e.detail.is_empty() {
                what.push_str(&format!(" ({})", e.detail));
            }
            let who = e.actor.unwrap_or_else(|| "automatique".into());
            lines.push((e.at, HistoryLine { at: paris_datetime(e.at), what, who }));
        }
        for i in repo::invitations::invitations_of(db, mission_id).await? {
            let what = format!("Invitation à postuler — {} {}", i.first_name, i.last_name);
            let who = i.invited_by.unwrap_or_else(|| "—".into());
            lines.push((i.invited_at, HistoryLine { at: paris_datetime(i.invited_at), what, who }));
        }
        lines.sort_by_key(|(at, _)| *at);
        Ok(lines.into_iter().map(|(_, l)| l).collect())
    }

    /// Applicants, each re-checked against the rules as of today and scored, eligible first
    /// then by score (equals in the order they applied).
    async fn applicants(db: &Db, m: &MissionRow) -> Result<Vec<Applicant>, AppError> {
        let rows = repo::applications::of_mission(db, m.id).await?;
        let settings = repo::settings::rule_settings(db).await?;
        let weights = repo::settings::score_weights(db).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
        let mut judged = crate::missions::best_profiles::server::judge(db, m, &ids, (&settings, &weights, today())).await?;
        let mut out = Vec::new();
        for r in rows {
            let Some(j) = judged.remove(&r.user_id) else { continue };
            out.push(Applicant {
                user_id: r.user_id,
                name: format!("{} {}", r.first_name, r.last_name),
                applied_on: paris_date(r.created_at),
                status_label: r.status.label().to_string(),
                status: r.status,
                eligible_now: j.eligibility.can_apply(),
                reasons: j.eligibility.refusals.iter().map(|x| x.message.clone()).collect(),
                warnings: j.eligibility.warnings.iter().map(|x| x.message.clone()).collect(),
                level: j.level.map(|l| l.label().to_string()),
                distance_km: j.distance_km,
                score: j.score,
            });
        }
        rank(&mut out, |a| (a.eligible_now, a.score.total));
        Ok(out)
    }

    pub async fn save_mission(db: &Db, ctx: &Ctx, (mission_id, centre_id): (i64, i64), form: MissionForm) -> Result<i64, AppError> {
        let native_text = form.native_requirement.clone();
        let postal_text = form.postal_code.clone();
        let checked = MissionDraft::try_from(form.clone());
        let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
        // What needs the database or the commune list (server only).
        let domain_code = form.domain_code.trim();
        let language = if domain_code.is_empty() { None } else { repo::missions::domain_language(db, domain_code).await? };
        if !domain_code.is_empty() && language.is_none() {
            errors.add("domain_code", "Choisissez le domaine.");
        }
        let is_language = language.as_ref().is_some_and(Option::is_some);
        let native = if is_language {
            errors.check("native_requirement", crate::domain::NativeRequirement::parse(&native_text))
        } else {
            Some(crate::domain::NativeRequirement::Indifferent)
        };
        // The form checked the postal code's shape; the commune list says whether it exists.
        let onsite_code = (Format::from_code(&form.format) == Some(Format::Onsite)).then(|| crate::domain::PostalCode::parse(&postal_text).ok()).flatten();
        let place = match onsite_code {
            Some(code) => match crate::geo::communes(code.as_str()).first() {
                Some(c) => Some((code.as_str().to_string(), c.name.to_string(), c.latitude, c.longitude)),
                None => {
                    errors.add("postal_code", "Ce code postal n'existe pas.");
                    None
                }
            },
            None => None,
        };
        if !repo::centres::exists(db, centre_id).await? {
            errors.add("centre_id", "Choisissez le centre.");
        }
        errors.into_result()?;
        let (Ok(draft), Some(native)) = (checked, native) else { return Err(AppError::Internal) };
        let existing = if mission_id == 0 { None } else { Some(repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?) };
        let grid = grid_rate(db, centre_id, &draft.domain_code, draft.format, draft.group, draft.hours).await?;
        let (rate, overridden) = match &existing {
            Some(m) if m.rate_overridden => (Money::from_cents(m.hourly_rate_cents), true),
            _ => (grid, false),
        };
        let rate_changed = existing.as_ref().is_none_or(|m| m.hourly_rate_cents != rate.cents());
        let write = MissionWrite {
            centre_id,
            draft: &draft,
            native_requirement: native,
            place,
            hourly_rate_cents: rate.cents(),
            rate_overridden: overridden,
            rate_changed,
        };
        Ok(repo::missions::save(db, ctx, mission_id, write).await?)
    }

    pub async fn change_status(db: &Db, ctx: &Ctx, mission_id: i64, to: MissionStatus) -> Result<(), AppError> {
        let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
        let from = m.status;
        if !from.can_move_to(to) {
            return Err(AppError::Rejected(format!("Une mission « {} » ne peut pas passer à « {} ».", from.label(), to.label())));
        }
        if from == MissionStatus::Published && to != MissionStatus::Filled {
            let open = repo::proposals::of_mission(db, mission_id).await?.into_iter().any(|p| p.status == ProposalStatus::Open);
            if open {
                return Err(AppError::Rejected("Une proposition attend la réponse d'un formateur : annulez-la d'abord.".into()));
            }
        }
        if to == MissionStatus::InProgress && !repo::contracts::mission_has_signed_contract(db, mission_id).await? {
            return Err(AppError::Rejected(
                "La mission ne peut passer « En cours » qu'avec un contrat de sous-traitance signé par le formateur et le centre.".into(),
            ));
        }
        if from == MissionStatus::Filled && matches!(to, MissionStatus::Published | MissionStatus::Cancelled) {
            if repo::contracts::mission_has_signed_contract(db, mission_id).await? {
                return Err(AppError::Rejected(
                    "Un contrat signé lie le formateur et le centre pour cette mission : elle ne peut plus être rouverte ni annulée ici. Contactez les parties pour y mettre fin.".into(),
                ));
            }
        }
        if to == MissionStatus::Filled && m.chosen_trainer_id.is_none() {
            return Err(AppError::Rejected("Choisissez d'abord le formateur parmi les candidats.".into()));
        }
        let published_at = if to == MissionStatus::Published && m.published_at.is_none() { Some(now()) } else { m.published_at };
        if !repo::missions::change_status(db, ctx, mission_id, (from, to), published_at).await? {
            return Err(AppError::Rejected("La mission a changé entre-temps : rechargez la page.".into()));
        }
        if from == MissionStatus::Filled && matches!(to, MissionStatus::Published | MissionStatus::Cancelled) {
            // The contract drawn for the trainer who accepted no longer holds.
            repo::contracts::void_open(db, mission_id).await?;
        }
        tracing::info!(mission_id, by = ctx.user_id, status = to.code(), "mission status changed");
        Ok(())
    }

    pub async fn override_rate(db: &Db, ctx: &Ctx, mission_id: i64, change: RateOverride) -> Result<(), AppError> {
        let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
        let (cents, overridden, reason) = match change {
            RateOverride::BackToGrid => {
                let grid = grid_rate(db, m.centre_id, &m.domain_code, m.format, m.group_kind, m.hours).await?;
                (grid.cents(), false, "Retour à la grille du centre".to_string())
            }
            RateOverride::Manual { rate, reason } => (rate.cents(), true, reason),
        };
        Ok(repo::missions::set_rate(db, ctx, mission_id, cents, overridden, &reason).await?)
    }

    /// Proposes the mission to an applicant whose application waits, after checking the rules
    /// again as of today (a test may have expired since they applied). The trainer is told in
    /// the app and by email; the learners' contacts show on their mission page until they
    /// answer or the deadline passes.
    pub async fn propose(state: &AppState, ctx: &Ctx, (mission_id, user_id): (i64, i64), deadline: ProposalDeadline) -> Result<(), AppError> {
        let db = &state.db;
        let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
        if m.status != MissionStatus::Published {
            return Err(AppError::Rejected("Seule une mission publiée peut être proposée à un formateur.".into()));
        }
        match repo::applications::status_of(db, mission_id, user_id).await? {
            Some(ApplicationStatus::Sent) => {}
            Some(other) => {
                return Err(AppError::Rejected(format!(
                    "La candidature de ce formateur est « {} » : elle n'attend plus de choix.",
                    other.label().to_lowercase()
                )))
            }
            None => return Err(AppError::Rejected("Ce formateur n'a pas postulé à cette mission.".into())),
        }
        let facts = crate::profile::server::trainer_facts(db, user_id).await?;
        let settings = repo::settings::rule_settings(db).await?;
        let eligibility = evaluate(&facts, &m.requirements(), today(), &settings);
        if !eligibility.can_apply() {
            let reasons: Vec<String> = eligibility.refusals.iter().map(|r| r.message.clone()).collect();
            return Err(AppError::Rejected(format!(
                "Ce formateur ne remplit plus les conditions de la mission aujourd'hui : {}",
                reasons.join(" ")
            )));
        }
        let deadline_at = now() + chrono::Duration::hours(deadline.0);
        match repo::proposals::propose(db, ctx, mission_id, user_id, (m.hourly_rate_cents, m.hours), deadline_at).await? {
            repo::proposals::Proposed::Made(_) => {}
            repo::proposals::Proposed::AlreadyOpen => {
                return Err(AppError::Rejected(
                    "Une proposition est déjà en cours pour cette mission : attendez la réponse ou annulez-la d'abord.".into(),
                ))
            }
            repo::proposals::Proposed::NoPendingApplication => {
                return Err(AppError::Rejected("La candidature de ce formateur a changé entre-temps : rechargez la page.".into()))
            }
            repo::proposals::Proposed::MissionClosed => {
                return Err(AppError::Rejected("La mission a changé entre-temps : rechargez la page.".into()))
            }
        }
        let rate = Money::from_cents(m.hourly_rate_cents);
        let total = Money::from_cents(m.hourly_rate_cents.saturating_mul(m.hours));
        let body = format!(
            "L'équipe Mission Formateur vous propose la mission « {} » ({} h, {} HT de l'heure, soit {} HT). \
             Les coordonnées des stagiaires sont sur la page de la mission. Répondez avant le {} : acceptez ou déclinez la proposition.",
            m.title,
            m.hours,
            rate,
            total,
            paris_datetime(deadline_at)
        );
        let link = format!("/missions/{mission_id}");
        crate::notifications::server::notify(state, user_id, "Une mission vous est proposée", &body, Some(&link)).await;
        tracing::info!(mission_id, trainer = user_id, by = ctx.user_id, hours = deadline.0, "proposal made");
        Ok(())
    }

    pub async fn cancel_proposal(state: &AppState, ctx: &Ctx, mission_id: i64, proposal_id: i64) -> Result<(), AppError> {
        let db = &state.db;
        let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
        let Some(user_id) = repo::proposals::cancel(db, ctx, mission_id, proposal_id).await? else {
            return Err(AppError::Rejected("Cette proposition n'est plus en attente de réponse : rechargez la page.".into()));
        };
        let body = format!("La proposition de la mission « {} » a été retirée par l'équipe. Votre candidature reste enregistrée.", m.title);
        crate::notifications::server::notify(state, user_id, "Proposition retirée", &body, Some(&format!("/missions/{mission_id}"))).await;
        tracing::info!(mission_id, proposal_id, by = ctx.user_id, "proposal cancelled");
        Ok(())
    }
}
