//! Trainer side of missions on the server: search near the trainer, a mission's page, applying,
//! the trainer's applications. Distances: a bounding-box prefilter in SQL, the exact distance here.

use std::collections::HashMap;

use super::*;
use crate::domain::eligibility::evaluate;
use crate::domain::forms::missions::{ApplicationMessage, SearchFilters, SearchForm, Sort};
use crate::domain::french_date;
use crate::domain::geo::Point;
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::state::AppState;
use crate::infra::time::{now, paris_date, paris_datetime, today};
use crate::repo::applications::Applied;
use crate::repo;
use crate::repo::missions::{Spot, SpotFilter};

pub use super::broadcast::{broadcast_due, broadcast_since, last_run, run_broadcast, scheduled_today};
pub use crate::repo::missions::DEFAULT_RADIUS_KM;

pub const PAGE_SIZE: usize = 20;

/// A search: the checked filters and the page.
#[derive(Debug, Clone)]
pub struct SearchParams {
    pub filters: SearchFilters,
    pub page: u32,
}

impl SearchParams {
    /// From the raw filters (the benchmark and the tests use it).
    pub fn parse(domain: &str, format: &str, max_km: &str, from: &str, sort: &str, page: u32) -> Result<Self, AppError> {
        let form = SearchForm { domain: domain.into(), format: format.into(), max_km: max_km.into(), from: from.into(), sort: sort.into() };
        Ok(Self { filters: SearchFilters::try_from(form)?, page: page.max(1) })
    }
}

/// Missions near the caller. On-site missions come from a latitude/longitude box around the
/// trainer's home (an index range), kept when the exact distance is within the limit; remote
/// missions are near everyone. Sorted by distance, on-site missions come first, nearest first,
/// then remote ones by date; sorted by date, both are merged. Only the rows of the requested
/// page are read from the remote missions, so a search costs the same whatever their number.
pub async fn search(db: &Db, ctx: &Ctx, params: SearchParams) -> Result<SearchResult, AppError> {
    let filters = &params.filters;
    let from = filters.from.unwrap_or_else(today);
    let (home, radius) = repo::missions::own_home(db, ctx).await?;
    let limit_km = match filters.max_km {
        Some(0) => None,
        Some(km) => Some(km),
        None => Some(radius),
    }
    .filter(|_| home.is_some());
    let wants_onsite = filters.format != Some(Format::Remote);
    let wants_remote = filters.format != Some(Format::Onsite);
    let page = params.page.max(1) as usize;
    let window = page * PAGE_SIZE;
    let domain = filters.domain.as_deref();

    // Phase 1 reads only ids, places and dates (narrow rows); phase 2 reads the cards of the
    // page. On-site missions come with their exact distance; without a distance limit and
    // sorted by date, only the rows any page up to this one can show are read (and counted).
    let mut onsite: Vec<(Spot, Option<f64>)> = Vec::new();
    let mut onsite_total = 0usize;
    if wants_onsite {
        let by_date_unbounded = limit_km.is_none() && (filters.sort == Sort::Date || home.is_none());
        let within = match (limit_km, home) {
            (Some(km), Some(home)) => Some(home.bounding_box(km as f64)),
            _ => None,
        };
        let filter = SpotFilter { from, format: Format::Onsite, domain, within };
        let spots = repo::missions::spots(db, &filter, by_date_unbounded.then_some((window, 0))).await?;
        onsite = spots
            .into_iter()
            .map(|r| {
                let distance = match (home, r.latitude, r.longitude) {
                    (Some(h), Some(lat), Some(lon)) => Some(h.distance_km(Point::new(lat, lon))),
                    _ => None,
                };
                (r, distance)
            })
            .filter(|(_, d)| match (limit_km, d) {
                (Some(km), Some(d)) => *d <= km as f64,
                (Some(_), None) => false,
                (None, _) => true,
            })
            .collect();
        onsite_total = if by_date_unbounded { repo::missions::count_spots(db, &filter).await? as usize } else { onsite.len() };
        match (filters.sort, home) {
            (Sort::Distance, Some(_)) => onsite.sort_by(|a, b| {
                a.1.unwrap_or(f64::MAX).total_cmp(&b.1.unwrap_or(f64::MAX)).then(a.0.start_date.cmp(&b.0.start_date)).then(a.0.id.cmp(&b.0.id))
            }),
            _ => onsite.sort_by(|a, b| a.0.start_date.cmp(&b.0.start_date).then(a.0.id.cmp(&b.0.id))),
        }
    }

    // Remote missions: how many, and only the first rows any page up to this one can show.
    let (mut remote, mut remote_total): (Vec<(Spot, Option<f64>)>, usize) = (Vec::new(), 0);
    if wants_remote {
        let filter = SpotFilter { from, format: Format::Remote, domain, within: None };
        remote_total = repo::missions::count_spots(db, &filter).await? as usize;
        let by_distance = filters.sort == Sort::Distance && home.is_some();
        let skip = if by_distance { window.saturating_sub(PAGE_SIZE).saturating_sub(onsite.len()) } else { 0 };
        let take = if by_distance { PAGE_SIZE } else { window };
        let rows = repo::missions::spots(db, &filter, Some((take, skip))).await?;
        remote = rows.into_iter().map(|r| (r, None)).collect();
    }

    let total = onsite_total + remote_total;
    let pages = total.div_ceil(PAGE_SIZE).max(1) as u32;
    let start = (page - 1) * PAGE_SIZE;
    let selected: Vec<(Spot, Option<f64>)> = match filters.sort {
        Sort::Distance if home.is_some() => {
            // On-site first, then remote: the remote rows fetched start right where this page does.
            let from_onsite: Vec<_> = onsite.into_iter().skip(start).take(PAGE_SIZE).collect();
            let room = PAGE_SIZE - from_onsite.len();
            from_onsite.into_iter().chain(remote.into_iter().take(room)).collect()
        }
        _ => {
            let mut merged: Vec<_> = onsite.into_iter().take(window).chain(remote).collect();
            merged.sort_by(|a, b| a.0.start_date.cmp(&b.0.start_date).then(a.0.id.cmp(&b.0.id)));
            merged.into_iter().skip(start).take(PAGE_SIZE).collect()
        }
    };
    // Phase 2: the cards of this page.
    let ids: Vec<i64> = selected.iter().map(|(s, _)| s.id).collect();
    let mut cards: HashMap<i64, repo::missions::CardRow> = repo::missions::cards(db, &ids).await?.into_iter().map(|r| (r.id, r)).collect();
    let applied = repo::applications::own_mission_ids(db, ctx).await?;
    let missions = selected
        .into_iter()
        .filter_map(|(spot, distance)| cards.remove(&spot.id).map(|r| (r, distance)))
        .map(|(r, distance)| MissionCard {
            id: r.id,
            requirements: r.requirements(),
            title: r.title,
            domain_label: r.domain_label,
            format: r.format,
            group: r.group_kind,
            hours: r.hours,
            commune: r.commune_name,
            distance_km: distance,
            applied: applied.contains(&r.id),
        })
        .collect();
    Ok(SearchResult {
        domains: repo::missions::active_domains(db).await?,
        facts: crate::profile::server::trainer_facts(db, ctx.user_id).await?,
        settings: repo::settings::rule_settings(db).await?,
        today: today(),
        has_home: home.is_some(),
        default_km: radius,
        missions,
        page: page as u32,
        pages,
        total,
    })
}

/// A trainer sees published missions, and missions they applied to or were chosen for.
pub async fn detail(db: &Db, ctx: &Ctx, mission_id: i64) -> Result<MissionDetail, AppError> {
    let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
    let application = repo::applications::own_for_mission(db, ctx, mission_id).await?.map(|a| ApplicationView {
        status_label: a.status.label().to_string(),
        status: a.status,
        applied_on: paris_date(a.created_at),
        hourly_rate: Money::from_cents(a.hourly_rate_cents),
    });
    let chosen = m.chosen_trainer_id == Some(ctx.user_id);
    if m.status != MissionStatus::Published && application.is_none() && !chosen {
        return Err(AppError::NotFound);
    }
    let at = now();
    let proposal = repo::proposals::own_latest(db, ctx, mission_id).await?.map(|p| ProposalView {
        id: p.id,
        status: p.status,
        live: p.is_live(at),
        deadline: paris_datetime(p.deadline),
        hourly_rate: Money::from_cents(p.hourly_rate_cents),
        hours: p.hours,
        total: Money::from_cents(p.hourly_rate_cents.saturating_mul(p.hours)),
        decline_reason: p.decline_reason,
    });
    // The learners' contacts: while the proposal can be answered, and once it is accepted.
    let sees_learners = chosen || proposal.as_ref().is_some_and(|p| p.live || p.status == ProposalStatus::Accepted);
    let (home, _) = repo::missions::own_home(db, ctx).await?;
    let distance = match (home, m.place()) {
        (Some(h), Some(place)) => Some(h.distance_km(place)),
        _ => None,
    };
    Ok(MissionDetail {
        id: m.id,
        requirements: m.requirements(),
        status: m.status,
        format: m.format,
        group: m.group_kind,
        hours: m.hours,
        commune: m.commune_name.clone().map(|c| format!("{} {c}", m.postal_code.clone().unwrap_or_default())),
        distance_km: distance,
        learners_count: m.learners_count,
        learner_level: m.learner_level,
        native_requirement: m.native_requirement,
        cpf_funded: m.cpf_funded,
        hourly_rate: Money::from_cents(m.hourly_rate_cents),
        facts: crate::profile::server::trainer_facts(db, ctx.user_id).await?,
        settings: repo::settings::rule_settings(db).await?,
        today: today(),
        application,
        learners: if sees_learners { repo::missions::learners(db, mission_id).await? } else { Vec::new() },
        centre_name: sees_learners.then_some(m.centre_name),
        proposal,
        title: m.title,
        description: m.description,
        domain_label: m.domain_label,
        rhythm: m.rhythm,
    })
}

/// The caller applies: the server evaluates the same rules as the browser and alone decides.
pub async fn apply(state: &AppState, ctx: &Ctx, mission_id: i64, message: ApplicationMessage) -> Result<(), AppError> {
    let db = &state.db;
    let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
    if m.status != MissionStatus::Published {
        return Err(AppError::Rejected("Cette mission n'est plus ouverte aux candidatures.".into()));
    }
    let facts = crate::profile::server::trainer_facts(db, ctx.user_id).await?;
    let settings = repo::settings::rule_settings(db).await?;
    let eligibility = evaluate(&facts, &m.requirements(), today(), &settings);
    if !eligibility.can_apply() {
        tracing::info!(user_id = ctx.user_id, mission_id, refusals = ?eligibility.codes(), "application refused by the rules");
        return Err(AppError::NotEligible(eligibility.refusals));
    }
    match repo::applications::apply_own(db, ctx, mission_id, m.hourly_rate_cents, &message.0).await? {
        Applied::Sent { again } => tracing::info!(user_id = ctx.user_id, mission_id, again, "application sent"),
        // A double click or a retry after a lost answer: the application is already there.
        Applied::Existing(ApplicationStatus::Sent) => {}
        Applied::Existing(ApplicationStatus::Proposed) => {
            return Err(AppError::Rejected("Cette mission vous est déjà proposée : répondez à la proposition.".into()))
        }
        Applied::Existing(status) => {
            return Err(AppError::Rejected(format!(
                "Votre candidature à cette mission est close (« {} ») : vous ne pouvez plus y postuler.",
                status.label().to_lowercase()
            )))
        }
    }
    Ok(())
}

/// The caller withdraws their application while it waits for a choice.
pub async fn withdraw(db: &Db, ctx: &Ctx, mission_id: i64) -> Result<(), AppError> {
    if repo::applications::withdraw_own(db, ctx, mission_id).await? {
        tracing::info!(user_id = ctx.user_id, mission_id, "application withdrawn");
        return Ok(());
    }
    match repo::applications::own_for_mission(db, ctx, mission_id).await? {
        None => Err(AppError::NotFound),
        // A double click: it is already withdrawn.
        Some(a) if a.status == ApplicationStatus::Withdrawn => Ok(()),
        Some(a) if a.status == ApplicationStatus::Proposed => {
            Err(AppError::Rejected("Une proposition vous a été faite : déclinez-la plutôt que de retirer votre candidature.".into()))
        }
        Some(a) => Err(AppError::Rejected(format!(
            "Votre candidature est « {} » : elle ne peut plus être retirée.",
            a.status.label().to_lowercase()
        ))),
    }
}

pub async fn applications_of(db: &Db, ctx: &Ctx) -> Result<Vec<MyApplication>, AppError> {
    Ok(repo::applications::list_own(db, ctx)
        .await?
        .into_iter()
        .map(|a| {
            let next_step = match (a.status, a.deadline) {
                (ApplicationStatus::Proposed, Some(deadline)) => {
                    format!("La mission vous est proposée : répondez avant le {}.", paris_datetime(deadline))
                }
                (status, _) => status.next_step().to_string(),
            };
            MyApplication {
                mission_id: a.mission_id,
                title: a.title,
                start: french_date(a.start_date),
                applied_on: paris_date(a.created_at),
                status_label: a.status.label().to_string(),
                status: a.status,
                next_step,
            }
        })
        .collect())
}
