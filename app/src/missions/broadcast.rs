//! The daily broadcast: missions published since the last run go to the validated trainers of
//! their domain (within their radius for on-site missions), one digest per trainer, on one node.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::BroadcastReport;
use crate::domain::french_date;
use crate::domain::geo::Point;
use crate::domain::missions::Format;
use crate::error::AppError;
use crate::infra::state::AppState;
use crate::infra::time::now;
use crate::repo;
use crate::repo::missions::DEFAULT_RADIUS_KM;

/// The farthest a trainer may declare to travel; bounds the SQL box around each mission.
const MAX_MOBILITY_KM: f64 = crate::domain::geo::MAX_MOBILITY_KM as f64;
pub const BROADCAST_JOB: &str = "broadcast";

pub async fn last_run(db: &crate::infra::db::Db, job: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    repo::missions::last_run(db, job).await
}

/// Runs the broadcast on this node if it can take the lease: every mission published since the
/// last run goes to the validated trainers of its domain (within their radius, for on-site
/// missions), in one digest per trainer, never twice the same mission.
pub async fn run_broadcast(state: &AppState, holder: &str) -> Result<BroadcastReport, AppError> {
    let db = &state.db;
    if !repo::missions::acquire_lease(db, BROADCAST_JOB, holder).await? {
        return Ok(BroadcastReport::default());
    }
    let started = now();
    let result = broadcast_since(state, last_run(db, BROADCAST_JOB).await?, started).await;
    // Release even after an error; the next run covers the same missions (deliveries are
    // recorded once, so nobody is notified twice).
    let ran_at = if result.is_ok() { started } else { last_run(db, BROADCAST_JOB).await?.unwrap_or(DateTime::<Utc>::UNIX_EPOCH) };
    repo::missions::finish_lease(db, BROADCAST_JOB, holder, ran_at).await?;
    result
}

pub async fn broadcast_since(state: &AppState, since: Option<DateTime<Utc>>, until: DateTime<Utc>) -> Result<BroadcastReport, AppError> {
    let db = &state.db;
    let since = since.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let missions = repo::missions::published_between(db, since, until).await?;
    let mut digests: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
    let mut deliveries = 0;
    for mission in &missions {
        let place = match (mission.format, mission.latitude, mission.longitude) {
            (Format::Onsite, Some(lat), Some(lon)) => Some(Point::new(lat, lon)),
            _ => None,
        };
        let around = place.map(|p| p.bounding_box(MAX_MOBILITY_KM));
        let candidates = repo::missions::broadcast_candidates(db, &mission.domain_code, mission.format, around).await?;
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
        let newly = repo::missions::record_deliveries(db, mission.id, &reached, until).await?;
        deliveries += newly.len();
        let line = format!(
            "{} — {}, à partir du {}",
            mission.title,
            mission.commune_name.clone().filter(|_| place.is_some()).unwrap_or_else(|| "à distance".into()),
            french_date(mission.start_date)
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

/// One notification per trainer, in batches, and the emails of those who want them.
async fn send_digests(state: &AppState, digests: &HashMap<i64, Vec<(i64, String)>>) -> Result<usize, AppError> {
    let mut notifications = Vec::with_capacity(digests.len());
    let mut texts: HashMap<i64, (String, String)> = HashMap::new();
    for (user_id, missions) in digests {
        let count = missions.len();
        let title = if count == 1 { "1 nouvelle mission pour vous".to_string() } else { format!("{count} nouvelles missions pour vous") };
        let lines: Vec<String> = missions.iter().map(|(_, line)| format!("• {line}")).collect();
        let body = format!("De nouvelles missions correspondent à vos domaines et à votre zone :\n{}", lines.join("\n"));
        notifications.push((*user_id, title.clone(), body.clone(), "/missions".to_string()));
        texts.insert(*user_id, (title, body));
    }
    repo::notifications::insert_many(&state.db, &notifications).await?;

    let users: Vec<i64> = digests.keys().copied().collect();
    let mut messages = Vec::new();
    for r in repo::missions::digest_recipients(&state.db, &users).await? {
        let (Ok(to), Some((title, body))) = (crate::domain::Email::parse(&r.email), texts.get(&r.user_id)) else { continue };
        let text = format!(
            "Bonjour {},\n\n{body}\n\nVoir les missions et votre éligibilité : {}/missions\n\n\
             Vous recevez ce récapitulatif quotidien parce qu'il est activé dans votre compte ({}/compte).\n\nL'équipe Mission Formateur",
            r.first_name, state.config.site_url, state.config.site_url
        );
        messages.push((to, title.clone(), text));
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
