//! Mission repository: search near a trainer, mission pages, applications, and the daily
//! broadcast. Distances: a bounding-box prefilter in SQL, the exact distance in Rust.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::domain::eligibility::{evaluate, DomainRef};
use crate::domain::geo::Point;
use crate::domain::{french_date, parse_date};
use crate::infra::db::Db;
use crate::infra::state::AppState;
use crate::infra::time::{now, paris_date, today};
use crate::on_db;

pub const PAGE_SIZE: usize = 20;
/// Distance filter when the trainer has not set a mobility radius.
pub const DEFAULT_RADIUS_KM: i64 = 30;

pub use crate::infra::db::Arg;
use crate::{count_with, fetch_all_with};

// ---------------------------------------------------------------------------------------------
// Rule settings (the CPF turnover ceilings), stored as JSON, editable by staff.

const SETTINGS_KEY: &str = "rule_settings";

pub async fn rule_settings(db: &Db) -> Result<RuleSettings, sqlx::Error> {
    let stored: Option<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1").bind(SETTINGS_KEY).fetch_optional(pool).await
    })?;
    Ok(stored.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
}

pub async fn save_rule_settings(db: &Db, settings: &RuleSettings) -> Result<(), AppError> {
    let json = serde_json::to_string(settings).map_err(|_| AppError::Internal)?;
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
            .bind(SETTINGS_KEY)
            .bind(&json)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Search

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Distance,
    Date,
}

#[derive(Debug, Clone)]
pub struct SearchParams {
    pub domain: Option<String>,
    pub format: Option<Format>,
    /// `None`: the trainer's own radius; `Some(0)`: no limit.
    pub max_km: Option<i64>,
    pub from: NaiveDate,
    pub sort: Sort,
    pub page: u32,
}

impl SearchParams {
    pub fn parse(domain: &str, format: &str, max_km: &str, from: &str, sort: &str, page: u32) -> Result<Self, AppError> {
        let domain = Some(domain.trim().to_string()).filter(|d| !d.is_empty());
        let format = match format.trim() {
            "" => None,
            code => Some(Format::from_code(code).ok_or_else(|| AppError::field("format", "Format inconnu."))?),
        };
        let max_km = match max_km.trim() {
            "" => None,
            v => Some(v.parse::<i64>().ok().filter(|k| (0..=1000).contains(k)).ok_or_else(|| AppError::field("max_km", "Indiquez une distance entre 0 et 1000 km."))?),
        };
        let from = match from.trim() {
            "" => today(),
            v => parse_date(v).map_err(|e| AppError::field("from", e.to_string()))?,
        };
        let sort = if sort == "date" { Sort::Date } else { Sort::Distance };
        Ok(Self { domain, format, max_km, from, sort, page: page.max(1) })
    }
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
    title: String,
    domain_code: String,
    domain_label: String,
    language: Option<String>,
    learner_level: String,
    native_requirement: String,
    format: String,
    group_kind: String,
    commune_name: Option<String>,
    hours: i64,
    start_date: NaiveDate,
    end_date: NaiveDate,
    cpf_funded: bool,
}

fn requirements(code: &str, label: &str, language: Option<String>, level: &str, native: &str, cpf: bool, start: NaiveDate, end: NaiveDate) -> MissionRequirements {
    MissionRequirements {
        domain: DomainRef { code: code.to_string(), label: label.to_string(), language },
        learner_level: LearnerLevel::parse(level).unwrap_or(LearnerLevel::Expert),
        native_requirement: NativeRequirement::parse(native).unwrap_or(NativeRequirement::Indifferent),
        cpf_funded: cpf,
        start,
        end,
    }
}

/// The trainer's home and radius, when the profile has them.
async fn home_of(db: &Db, user_id: i64) -> Result<(Option<Point>, i64), sqlx::Error> {
    let row: Option<(Option<f64>, Option<f64>, Option<i64>)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT latitude, longitude, mobility_km FROM trainer_profiles WHERE user_id = $1").bind(user_id).fetch_optional(pool).await
    })?;
    Ok(match row {
        Some((Some(lat), Some(lon), km)) => (Some(Point::new(lat, lon)), km.filter(|k| *k > 0).unwrap_or(DEFAULT_RADIUS_KM)),
        Some((_, _, km)) => (None, km.filter(|k| *k > 0).unwrap_or(DEFAULT_RADIUS_KM)),
        None => (None, DEFAULT_RADIUS_KM),
    })
}

const CARD_COLUMNS: &str = "SELECT m.id, m.title, m.domain_code, d.label AS domain_label, d.language, m.learner_level,
    m.native_requirement, m.format, m.group_kind, m.commune_name, m.hours, m.start_date, m.end_date,
    m.cpf_funded FROM missions m JOIN domains d ON d.code = m.domain_code";

/// The filters shared by every part of a search, as SQL and arguments (numbered from 1).
fn base_filters(params: &SearchParams, format: Format) -> (String, Vec<Arg>) {
    let mut sql = String::from(" WHERE m.status = 'publiee' AND m.start_date >= $1 AND m.format = $2");
    let mut args = vec![Arg::Date(params.from), Arg::Text(format.code().to_string())];
    if let Some(domain) = &params.domain {
        args.push(Arg::Text(domain.clone()));
        sql.push_str(&format!(" AND m.domain_code = ${}", args.len()));
    }
    (sql, args)
}

/// Missions near a trainer. On-site missions come from a latitude/longitude box around the
/// trainer's home (an index range), kept when the exact distance is within the limit; remote
/// missions are near everyone. Sorted by distance, on-site missions come first, nearest first,
/// then remote ones by date; sorted by date, both are merged. Only the rows of the requested
/// page are read from the remote missions, so a search costs the same whatever their number.
pub async fn search(db: &Db, user_id: i64, params: SearchParams) -> Result<SearchResult, AppError> {
    let (home, radius) = home_of(db, user_id).await?;
    let limit_km = match params.max_km {
        Some(0) => None,
        Some(km) => Some(km),
        None => Some(radius),
    }
    .filter(|_| home.is_some());
    let wants_onsite = params.format != Some(Format::Remote);
    let wants_remote = params.format != Some(Format::Onsite);
    let page = params.page.max(1) as usize;
    let window = page * PAGE_SIZE;

    // Phase 1 reads only ids, places and dates (narrow rows); phase 2 reads the cards of the
    // page. On-site missions come with their exact distance; without a distance limit and
    // sorted by date, only the rows any page up to this one can show are read (and counted).
    #[derive(sqlx::FromRow, Clone)]
    struct Spot {
        id: i64,
        latitude: Option<f64>,
        longitude: Option<f64>,
        start_date: NaiveDate,
    }
    let mut onsite: Vec<(Spot, Option<f64>)> = Vec::new();
    let mut onsite_total = 0usize;
    if wants_onsite {
        let (mut sql, mut args) = base_filters(&params, Format::Onsite);
        let by_date_unbounded = limit_km.is_none() && (params.sort == Sort::Date || home.is_none());
        if let (Some(km), Some(home)) = (limit_km, home) {
            let b = home.bounding_box(km as f64);
            let n = args.len();
            sql.push_str(&format!(" AND m.latitude BETWEEN ${} AND ${} AND m.longitude BETWEEN ${} AND ${}", n + 1, n + 2, n + 3, n + 4));
            args.extend([Arg::Float(b.min_latitude), Arg::Float(b.max_latitude), Arg::Float(b.min_longitude), Arg::Float(b.max_longitude)]);
        }
        let spots_sql = if by_date_unbounded {
            format!("SELECT m.id, m.latitude, m.longitude, m.start_date FROM missions m{sql} ORDER BY m.start_date, m.id LIMIT {window}")
        } else {
            format!("SELECT m.id, m.latitude, m.longitude, m.start_date FROM missions m{sql}")
        };
        let spots: Vec<Spot> = fetch_all_with!(db, Spot, &spots_sql, &args)?;
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
        onsite_total = if by_date_unbounded {
            let count_sql = format!("SELECT COUNT(*) FROM missions m{sql}");
            count_with!(db, &count_sql, &args)? as usize
        } else {
            onsite.len()
        };
        match (params.sort, home) {
            (Sort::Distance, Some(_)) => onsite.sort_by(|a, b| {
                a.1.unwrap_or(f64::MAX).total_cmp(&b.1.unwrap_or(f64::MAX)).then(a.0.start_date.cmp(&b.0.start_date)).then(a.0.id.cmp(&b.0.id))
            }),
            _ => onsite.sort_by(|a, b| a.0.start_date.cmp(&b.0.start_date).then(a.0.id.cmp(&b.0.id))),
        }
    }

    // Remote missions: how many, and only the first rows any page up to this one can show.
    let (mut remote, mut remote_total): (Vec<(Spot, Option<f64>)>, usize) = (Vec::new(), 0);
    if wants_remote {
        let (sql, args) = base_filters(&params, Format::Remote);
        let count_sql = format!("SELECT COUNT(*) FROM missions m{sql}");
        remote_total = count_with!(db, &count_sql, &args)? as usize;
        let skip = match params.sort {
            Sort::Distance if home.is_some() => window.saturating_sub(PAGE_SIZE).saturating_sub(onsite.len()),
            _ => 0,
        };
        let take = match params.sort {
            Sort::Distance if home.is_some() => PAGE_SIZE,
            _ => window,
        };
        let rows_sql = format!("SELECT m.id, m.latitude, m.longitude, m.start_date FROM missions m{sql} ORDER BY m.start_date, m.id LIMIT {take} OFFSET {skip}");
        let rows: Vec<Spot> = fetch_all_with!(db, Spot, &rows_sql, &args)?;
        remote = rows.into_iter().map(|r| (r, None)).collect();
    }

    let total = onsite_total + remote_total;
    let pages = total.div_ceil(PAGE_SIZE).max(1) as u32;
    let start = (page - 1) * PAGE_SIZE;
    let selected: Vec<(Spot, Option<f64>)> = match params.sort {
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
    let mut cards: HashMap<i64, CardRow> = HashMap::new();
    if !selected.is_empty() {
        let holders: Vec<String> = (1..=selected.len()).map(|i| format!("${i}")).collect();
        let cards_sql = format!("{CARD_COLUMNS} WHERE m.id IN ({})", holders.join(", "));
        let ids: Vec<Arg> = selected.iter().map(|(s, _)| Arg::Int(s.id)).collect();
        let rows: Vec<CardRow> = fetch_all_with!(db, CardRow, &cards_sql, &ids)?;
        cards = rows.into_iter().map(|r| (r.id, r)).collect();
    }
    let applied = applied_missions(db, user_id).await?;
    let missions = selected
        .into_iter()
        .filter_map(|(spot, distance)| cards.remove(&spot.id).map(|r| (r, distance)))
        .map(|(r, distance)| MissionCard {
            id: r.id,
            requirements: requirements(&r.domain_code, &r.domain_label, r.language.clone(), &r.learner_level, &r.native_requirement, r.cpf_funded, r.start_date, r.end_date),
            title: r.title,
            domain_label: r.domain_label,
            format: Format::from_code(&r.format).unwrap_or(Format::Onsite),
            group: GroupKind::from_code(&r.group_kind).unwrap_or(GroupKind::Individual),
            hours: r.hours,
            commune: r.commune_name,
            distance_km: distance,
            applied: applied.contains(&r.id),
        })
        .collect();
    let domains: Vec<(String, String)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT code, label FROM domains WHERE active = TRUE ORDER BY label").fetch_all(pool).await
    })?;
    Ok(SearchResult {
        facts: crate::profile::server::trainer_facts(db, user_id).await?,
        settings: rule_settings(db).await?,
        today: today(),
        has_home: home.is_some(),
        default_km: radius,
        missions,
        page: page as u32,
        pages,
        total,
        domains,
    })
}

async fn applied_missions(db: &Db, user_id: i64) -> Result<HashSet<i64>, sqlx::Error> {
    let ids: Vec<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT mission_id FROM applications WHERE user_id = $1").bind(user_id).fetch_all(pool).await
    })?;
    Ok(ids.into_iter().collect())
}

// ---------------------------------------------------------------------------------------------
// A mission, for a trainer

#[derive(sqlx::FromRow)]
pub struct MissionRow {
    pub id: i64,
    pub centre_id: i64,
    pub centre_name: String,
    pub title: String,
    pub domain_code: String,
    pub domain_label: String,
    pub language: Option<String>,
    pub description: String,
    pub learner_level: String,
    pub native_requirement: String,
    pub format: String,
    pub group_kind: String,
    pub postal_code: Option<String>,
    pub commune_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub hours: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub rhythm: String,
    pub cpf_funded: bool,
    pub learners_count: i64,
    pub hourly_rate_cents: i64,
    pub rate_overridden: bool,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub chosen_trainer_id: Option<i64>,
}

impl MissionRow {
    pub fn requirements(&self) -> MissionRequirements {
        requirements(&self.domain_code, &self.domain_label, self.language.clone(), &self.learner_level, &self.native_requirement, self.cpf_funded, self.start_date, self.end_date)
    }

    pub fn status(&self) -> MissionStatus {
        MissionStatus::from_code(&self.status).unwrap_or(MissionStatus::Draft)
    }
}

pub const MISSION_SELECT: &str = "SELECT m.id, m.centre_id, c.name AS centre_name, m.title, m.domain_code, d.label AS domain_label, d.language,
    m.description, m.learner_level, m.native_requirement, m.format, m.group_kind, m.postal_code, m.commune_name, m.latitude,
    m.longitude, m.hours, m.start_date, m.end_date, m.rhythm, m.cpf_funded, m.learners_count, m.hourly_rate_cents,
    m.rate_overridden, m.status, m.published_at, m.chosen_trainer_id
    FROM missions m JOIN domains d ON d.code = m.domain_code JOIN centres c ON c.id = m.centre_id";

pub async fn mission_row(db: &Db, id: i64) -> Result<Option<MissionRow>, sqlx::Error> {
    let sql = format!("{MISSION_SELECT} WHERE m.id = $1");
    on_db!(db, |pool| sqlx::query_as::<_, MissionRow>(&sql).bind(id).fetch_optional(pool).await)
}

pub async fn learners(db: &Db, mission_id: i64) -> Result<Vec<Learner>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT name, phone, email FROM mission_learners WHERE mission_id = $1 ORDER BY id").bind(mission_id).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|(name, phone, email)| Learner { name, phone, email }).collect())
}

async fn application_of(db: &Db, user_id: i64, mission_id: i64) -> Result<Option<ApplicationView>, sqlx::Error> {
    let row: Option<(String, DateTime<Utc>, i64)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT status, created_at, hourly_rate_cents FROM applications WHERE user_id = $1 AND mission_id = $2")
            .bind(user_id)
            .bind(mission_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(status, at, rate)| ApplicationView {
        status_label: application_status_label(&status).to_string(),
        status,
        applied_on: paris_date(at),
        hourly_rate: Money::from_cents(rate),
    }))
}

/// A trainer sees published missions, and missions they applied to or were chosen for.
pub async fn detail(db: &Db, user_id: i64, mission_id: i64) -> Result<MissionDetail, AppError> {
    let m = mission_row(db, mission_id).await?.ok_or(AppError::NotFound)?;
    let application = application_of(db, user_id, mission_id).await?;
    let chosen = m.chosen_trainer_id == Some(user_id);
    if m.status() != MissionStatus::Published && application.is_none() && !chosen {
        return Err(AppError::NotFound);
    }
    let (home, _) = home_of(db, user_id).await?;
    let distance = match (home, m.latitude, m.longitude) {
        (Some(h), Some(lat), Some(lon)) if m.format == "presentiel" => Some(h.distance_km(Point::new(lat, lon))),
        _ => None,
    };
    Ok(MissionDetail {
        id: m.id,
        requirements: m.requirements(),
        status: m.status(),
        title: m.title,
        description: m.description,
        domain_label: m.domain_label,
        format: Format::from_code(&m.format).unwrap_or(Format::Onsite),
        group: GroupKind::from_code(&m.group_kind).unwrap_or(GroupKind::Individual),
        hours: m.hours,
        rhythm: m.rhythm,
        commune: m.commune_name.map(|c| format!("{} {c}", m.postal_code.unwrap_or_default())),
        distance_km: distance,
        learners_count: m.learners_count,
        learner_level: LearnerLevel::parse(&m.learner_level).unwrap_or(LearnerLevel::Expert),
        native_requirement: NativeRequirement::parse(&m.native_requirement).unwrap_or(NativeRequirement::Indifferent),
        cpf_funded: m.cpf_funded,
        hourly_rate: Money::from_cents(m.hourly_rate_cents),
        facts: crate::profile::server::trainer_facts(db, user_id).await?,
        settings: rule_settings(db).await?,
        today: today(),
        application,
        centre_name: chosen.then_some(m.centre_name),
        learners: if chosen { learners(db, mission_id).await? } else { Vec::new() },
    })
}

pub async fn apply(state: &AppState, user_id: i64, mission_id: i64, message: &str) -> Result<(), AppError> {
    let db = &state.db;
    let m = mission_row(db, mission_id).await?.ok_or(AppError::NotFound)?;
    if m.status() != MissionStatus::Published {
        return Err(AppError::Rejected("Cette mission n'est plus ouverte aux candidatures.".into()));
    }
    let facts = crate::profile::server::trainer_facts(db, user_id).await?;
    let settings = rule_settings(db).await?;
    let eligibility = evaluate(&facts, &m.requirements(), today(), &settings);
    if !eligibility.can_apply() {
        tracing::info!(user_id, mission_id, refusals = ?eligibility.codes(), "application refused by the rules");
        return Err(AppError::NotEligible(eligibility.refusals));
    }
    if message.chars().count() > 2000 {
        return Err(AppError::field("message", "Le message est limité à 2000 caractères."));
    }
    let at = now();
    let inserted = on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO applications (mission_id, user_id, hourly_rate_cents, message, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (mission_id, user_id) DO NOTHING",
        )
        .bind(mission_id)
        .bind(user_id)
        .bind(m.hourly_rate_cents)
        .bind(message.trim())
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    if inserted == 0 {
        return Err(AppError::Rejected("Vous avez déjà postulé à cette mission.".into()));
    }
    tracing::info!(user_id, mission_id, "application sent");
    Ok(())
}

pub async fn applications_of(db: &Db, user_id: i64) -> Result<Vec<MyApplication>, AppError> {
    let rows: Vec<(i64, String, NaiveDate, String)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT m.id, m.title, m.start_date, a.status FROM applications a JOIN missions m ON m.id = a.mission_id
             WHERE a.user_id = $1 ORDER BY a.created_at DESC",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(mission_id, title, start, status)| MyApplication {
            mission_id,
            title,
            start: french_date(start),
            status_label: application_status_label(&status).to_string(),
            status,
        })
        .collect())
}

pub async fn set_email_digest(db: &Db, user_id: i64, enabled: bool) -> Result<(), AppError> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE trainer_profiles SET email_digest = $1 WHERE user_id = $2").bind(enabled).bind(user_id).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The daily broadcast

/// The farthest a trainer may declare to travel; bounds the SQL box around each mission.
const MAX_MOBILITY_KM: f64 = crate::domain::geo::MAX_MOBILITY_KM as f64;
const BROADCAST_JOB: &str = "broadcast";
/// A node holding the lease longer than this is presumed dead.
const LEASE_SECONDS: i64 = 600;

/// Takes the job's lease if nobody holds it; returns whether this node may run the job.
pub async fn acquire_lease(db: &Db, job: &str, holder: &str) -> Result<bool, sqlx::Error> {
    let at = now();
    let until = at + chrono::Duration::seconds(LEASE_SECONDS);
    let got: Option<String> = on_db!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO job_leases (name, holder, lease_until) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET holder = $2, lease_until = $3 WHERE job_leases.lease_until < $4
             RETURNING holder",
        )
        .bind(job)
        .bind(holder)
        .bind(until)
        .bind(at)
        .fetch_optional(pool)
        .await
    })?;
    Ok(got.as_deref() == Some(holder))
}

/// Releases the lease and records when the job last ran.
pub async fn finish_lease(db: &Db, job: &str, holder: &str, ran_at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("UPDATE job_leases SET lease_until = $1, last_run_at = $2 WHERE name = $3 AND holder = $4")
            .bind(at)
            .bind(ran_at)
            .bind(job)
            .bind(holder)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn last_run(db: &Db, job: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<Option<DateTime<Utc>>> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT last_run_at FROM job_leases WHERE name = $1").bind(job).fetch_optional(pool).await
    })?;
    Ok(row.flatten())
}

#[derive(sqlx::FromRow)]
struct NewMission {
    id: i64,
    title: String,
    domain_code: String,
    format: String,
    commune_name: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    start_date: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct Candidate {
    user_id: i64,
    latitude: Option<f64>,
    longitude: Option<f64>,
    mobility_km: Option<i64>,
}

/// Runs the broadcast on this node if it can take the lease: every mission published since the
/// last run goes to the validated trainers of its domain (within their radius, for on-site
/// missions), in one digest per trainer, never twice the same mission.
pub async fn run_broadcast(state: &AppState, holder: &str) -> Result<BroadcastReport, AppError> {
    let db = &state.db;
    if !acquire_lease(db, BROADCAST_JOB, holder).await? {
        return Ok(BroadcastReport::default());
    }
    let started = now();
    let result = broadcast_since(state, last_run(db, BROADCAST_JOB).await?, started).await;
    // Release even after an error; the next run covers the same missions (deliveries are
    // recorded once, so nobody is notified twice).
    let ran_at = if result.is_ok() { started } else { last_run(db, BROADCAST_JOB).await?.unwrap_or(DateTime::<Utc>::UNIX_EPOCH) };
    finish_lease(db, BROADCAST_JOB, holder, ran_at).await?;
    result
}

pub async fn broadcast_since(state: &AppState, since: Option<DateTime<Utc>>, until: DateTime<Utc>) -> Result<BroadcastReport, AppError> {
    let db = &state.db;
    let since = since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let missions: Vec<NewMission> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, title, domain_code, format, commune_name, latitude, longitude, start_date FROM missions
             WHERE status = 'publiee' AND published_at > $1 AND published_at <= $2 ORDER BY start_date, id",
        )
        .bind(since)
        .bind(until)
        .fetch_all(pool)
        .await
    })?;
    let mut digests: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    let mut deliveries = 0;
    for mission in &missions {
        let place = match (mission.latitude, mission.longitude) {
            (Some(lat), Some(lon)) if mission.format == "presentiel" => Some(Point::new(lat, lon)),
            _ => None,
        };
        let format_column = if mission.format == "presentiel" { "accepts_onsite" } else { "accepts_remote" };
        let mut sql = format!(
            "SELECT p.user_id, p.latitude, p.longitude, p.mobility_km FROM trainer_profiles p
             JOIN trainer_domains t ON t.user_id = p.user_id AND t.domain_code = $1
             WHERE p.status = 'valide' AND p.{format_column} = TRUE"
        );
        let mut args = vec![Arg::Text(mission.domain_code.clone())];
        if let Some(place) = place {
            let b = place.bounding_box(MAX_MOBILITY_KM);
            sql.push_str(" AND p.latitude BETWEEN $2 AND $3 AND p.longitude BETWEEN $4 AND $5");
            args.extend([Arg::Float(b.min_latitude), Arg::Float(b.max_latitude), Arg::Float(b.min_longitude), Arg::Float(b.max_longitude)]);
        }
        let candidates: Vec<Candidate> = fetch_all_with!(db, Candidate, &sql, &args)?;
        let reached: Vec<i64> = candidates
            .into_iter()
            .filter(|c| match (place, c.latitude, c.longitude) {
                (None, _, _) => true,
                (Some(place), Some(lat), Some(lon)) => {
                    place.distance_km(Point::new(lat, lon)) <= c.mobility_km.unwrap_or(DEFAULT_RADIUS_KM) as f64
                }
                _ => false,
            })
            .map(|c| c.user_id)
            .collect();
        let newly = record_deliveries(db, mission.id, &reached, until).await?;
        deliveries += newly.len();
        let line = format!(
            "{} — {}{}",
            mission.title,
            mission.commune_name.clone().filter(|_| place.is_some()).unwrap_or_else(|| "à distance".into()),
            format!(", à partir du {}", french_date(mission.start_date))
        );
        for user_id in newly {
            digests.entry(user_id).or_default().push((mission.id, line.clone()));
        }
    }
    let emails = send_digests(state, &digests).await?;
    let report = BroadcastReport { ran: true, missions: missions.len(), trainers: digests.len(), deliveries, emails };
    tracing::info!(missions = report.missions, trainers = report.trainers, deliveries = report.deliveries, "broadcast done");
    Ok(report)
}

/// Records that `users` received `mission`; returns only those who had not received it yet.
async fn record_deliveries(db: &Db, mission_id: i64, users: &[i64], at: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
    let mut newly = Vec::new();
    for chunk in users.chunks(500) {
        let mut sql = String::from("INSERT INTO mission_broadcasts (mission_id, user_id, sent_at) VALUES ");
        let values: Vec<String> = chunk.iter().enumerate().map(|(i, _)| format!("($1, ${}, $2)", i + 3)).collect();
        sql.push_str(&values.join(", "));
        sql.push_str(" ON CONFLICT (mission_id, user_id) DO NOTHING RETURNING user_id");
        let inserted: Vec<i64> = on_db!(db, |pool| {
            let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(mission_id).bind(at);
            for user in chunk {
                query = query.bind(*user);
            }
            query.fetch_all(pool).await
        })?;
        newly.extend(inserted);
    }
    Ok(newly)
}

/// One notification per trainer, in batches, and the emails of those who want them.
async fn send_digests(state: &AppState, digests: &HashMap<i64, Vec<(i64, String)>>) -> Result<usize, AppError> {
    let at = now();
    let mut notifications = Vec::with_capacity(digests.len());
    let mut texts: HashMap<i64, (String, String)> = HashMap::new();
    for (user_id, missions) in digests {
        let count = missions.len();
        let title = if count == 1 { "1 nouvelle mission pour vous".to_string() } else { format!("{count} nouvelles missions pour vous") };
        let lines: Vec<String> = missions.iter().map(|(_, line)| format!("• {line}")).collect();
        let body = format!("De nouvelles missions correspondent à vos domaines et à votre zone :\n{}", lines.join("\n"));
        notifications.push(vec![Arg::Int(*user_id), Arg::Text(title.clone()), Arg::Text(body.clone()), Arg::Text("/missions".into()), Arg::Time(at)]);
        texts.insert(*user_id, (title, body));
    }
    crate::infra::db::insert_rows(&state.db, "notifications", &["user_id", "title", "body", "link", "created_at"], &notifications, 500).await?;

    let users: Vec<i64> = digests.keys().copied().collect();
    let mut messages = Vec::new();
    for chunk in users.chunks(500) {
        #[derive(sqlx::FromRow)]
        struct Recipient {
            user_id: i64,
            email: String,
            first_name: String,
        }
        let holders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT p.user_id, u.email, u.first_name FROM trainer_profiles p JOIN users u ON u.id = p.user_id
             WHERE p.email_digest = TRUE AND u.deleted_at IS NULL AND p.user_id IN ({})",
            holders.join(", ")
        );
        let args: Vec<Arg> = chunk.iter().map(|id| Arg::Int(*id)).collect();
        let recipients: Vec<Recipient> = fetch_all_with!(&state.db, Recipient, &sql, &args)?;
        for r in recipients {
            let (Ok(to), Some((title, body))) = (crate::domain::Email::parse(&r.email), texts.get(&r.user_id)) else { continue };
            let text = format!(
                "Bonjour {},\n\n{body}\n\nVoir les missions et votre éligibilité : {}/missions\n\n\
                 Vous recevez ce récapitulatif quotidien parce qu'il est activé dans votre compte ({}/compte).\n\nL'équipe Mission Formateur",
                r.first_name, state.config.site_url, state.config.site_url
            );
            messages.push((to, title.clone(), text));
        }
    }
    state.mailer.send_all(&state.db, &messages).await.map_err(|e| {
        tracing::error!(error = %e, "digest emails not recorded");
        AppError::Internal
    })
}

/// The scheduled time of today's broadcast, in UTC, from a Paris local time "HH:MM".
pub fn scheduled_today(local_time: chrono::NaiveTime, at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    let paris = chrono_tz::Europe::Paris;
    let day = at.with_timezone(&paris).date_naive();
    paris.from_local_datetime(&day.and_time(local_time)).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(at)
}

/// Whether the broadcast is due: past today's time, and not run since.
pub fn broadcast_due(local_time: chrono::NaiveTime, last: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    let scheduled = scheduled_today(local_time, at);
    at >= scheduled && last.is_none_or(|l| l < scheduled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, TimeZone};

    #[test]
    fn the_broadcast_is_due_once_a_day_after_its_paris_time() {
        let time = NaiveTime::from_hms_opt(7, 30, 0).unwrap();
        // 26 November: Paris is UTC+1, so 07:30 Paris is 06:30 UTC.
        let before = Utc.with_ymd_and_hms(2026, 11, 26, 6, 0, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 26, 6, 45, 0).unwrap();
        assert_eq!(scheduled_today(time, after), Utc.with_ymd_and_hms(2026, 11, 26, 6, 30, 0).unwrap());
        assert!(!broadcast_due(time, None, before));
        assert!(broadcast_due(time, None, after));
        assert!(broadcast_due(time, Some(Utc.with_ymd_and_hms(2026, 11, 25, 6, 31, 0).unwrap()), after));
        assert!(!broadcast_due(time, Some(Utc.with_ymd_and_hms(2026, 11, 26, 6, 31, 0).unwrap()), after));
        // Summer time: 07:30 Paris is 05:30 UTC.
        let july = Utc.with_ymd_and_hms(2026, 7, 1, 5, 31, 0).unwrap();
        assert!(broadcast_due(time, None, july));
    }
}
