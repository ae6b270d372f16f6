//! Missions: search near a trainer, mission rows and histories, staff edits and status changes,
//! the daily broadcast (deliveries, leases), and the domains they are filed under.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::eligibility::DomainRef;
use crate::domain::forms::missions::{Learner, MissionDraft};
use crate::domain::geo::{BoundingBox, Point};
use crate::domain::missions::{Format, GroupKind, MissionStatus};
use crate::domain::{LearnerLevel, MissionRequirements, NativeRequirement, ProfileStatus};
use crate::guard::Ctx;
use crate::infra::db::{Arg, Db};
use crate::infra::time::now;
use crate::{count_with, fetch_all_with, on_db, write_tx};

// ---------------------------------------------------------------------------------------------
// Counts (staff dashboard)

/// Missions whose status is one of `statuses`.
pub async fn count_by_status(db: &Db, statuses: &[MissionStatus]) -> Result<i64, sqlx::Error> {
    if statuses.is_empty() {
        return Ok(0);
    }
    let holders: Vec<String> = (1..=statuses.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT COUNT(*) FROM missions WHERE status IN ({})", holders.join(", "));
    let args: Vec<Arg> = statuses.iter().map(|s| Arg::Text(s.code().to_string())).collect();
    count_with!(db, &sql, &args)
}

// ---------------------------------------------------------------------------------------------
// Domains (read for the missions' forms and labels)

/// Active domains as (code, label), by label.
pub async fn active_domains(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_as("SELECT code, label FROM domains WHERE active = TRUE ORDER BY label").fetch_all(pool).await)
}

/// Active domains as (code, label, language), by label.
pub async fn active_domains_with_language(db: &Db) -> Result<Vec<(String, String, Option<String>)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT code, label, language FROM domains WHERE active = TRUE ORDER BY label").fetch_all(pool).await
    })
}

/// Every domain as (code, label).
pub async fn domain_labels(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_as("SELECT code, label FROM domains").fetch_all(pool).await)
}

/// `None` when the domain does not exist, else its language (if it is a language).
pub async fn domain_language(db: &Db, code: &str) -> Result<Option<Option<String>>, sqlx::Error> {
    let row: Option<(String, Option<String>)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT code, language FROM domains WHERE code = $1").bind(code).fetch_optional(pool).await
    })?;
    Ok(row.map(|(_, language)| language))
}

// ---------------------------------------------------------------------------------------------
// One mission

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
    pub learner_level: LearnerLevel,
    pub native_requirement: NativeRequirement,
    pub format: Format,
    pub group_kind: GroupKind,
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
    pub status: MissionStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub chosen_trainer_id: Option<i64>,
}

impl MissionRow {
    pub fn requirements(&self) -> MissionRequirements {
        MissionRequirements {
            domain: DomainRef { code: self.domain_code.clone(), label: self.domain_label.clone(), language: self.language.clone() },
            learner_level: self.learner_level,
            native_requirement: self.native_requirement,
            cpf_funded: self.cpf_funded,
            start: self.start_date,
            end: self.end_date,
        }
    }

    /// Where an on-site mission takes place.
    pub fn place(&self) -> Option<Point> {
        match (self.format, self.latitude, self.longitude) {
            (Format::Onsite, Some(lat), Some(lon)) => Some(Point::new(lat, lon)),
            _ => None,
        }
    }
}

const MISSION_SELECT: &str = "SELECT m.id, m.centre_id, c.name AS centre_name, m.title, m.domain_code, d.label AS domain_label, d.language,
    m.description, m.learner_level, m.native_requirement, m.format, m.group_kind, m.postal_code, m.commune_name, m.latitude,
    m.longitude, m.hours, m.start_date, m.end_date, m.rhythm, m.cpf_funded, m.learners_count, m.hourly_rate_cents,
    m.rate_overridden, m.status, m.published_at, m.chosen_trainer_id
    FROM missions m JOIN domains d ON d.code = m.domain_code JOIN centres c ON c.id = m.centre_id";

pub async fn find(db: &Db, id: i64) -> Result<Option<MissionRow>, sqlx::Error> {
    let sql = format!("{MISSION_SELECT} WHERE m.id = $1");
    on_db!(db, |pool| sqlx::query_as::<_, MissionRow>(&sql).bind(id).fetch_optional(pool).await)
}

pub async fn learners(db: &Db, mission_id: i64) -> Result<Vec<Learner>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT name, phone, email FROM mission_learners WHERE mission_id = $1 ORDER BY id").bind(mission_id).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(|(name, phone, email)| Learner { name, phone, email }).collect())
}

/// One line of a mission's status or rate history.
#[derive(sqlx::FromRow)]
pub struct StatusChange {
    pub changed_at: DateTime<Utc>,
    pub status: MissionStatus,
    pub who: Option<String>,
}

pub async fn status_history(db: &Db, mission_id: i64) -> Result<Vec<StatusChange>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT h.changed_at, h.status, u.first_name || ' ' || u.last_name AS who FROM mission_status_history h
             LEFT JOIN users u ON u.id = h.changed_by WHERE h.mission_id = $1 ORDER BY h.changed_at, h.id",
        )
        .bind(mission_id)
        .fetch_all(pool)
        .await
    })
}

#[derive(sqlx::FromRow)]
pub struct RateChange {
    pub changed_at: DateTime<Utc>,
    pub hourly_rate_cents: i64,
    pub reason: String,
    pub who: Option<String>,
}

pub async fn rate_history(db: &Db, mission_id: i64) -> Result<Vec<RateChange>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT h.changed_at, h.hourly_rate_cents, h.reason, u.first_name || ' ' || u.last_name AS who FROM mission_rate_history h
             LEFT JOIN users u ON u.id = h.changed_by WHERE h.mission_id = $1 ORDER BY h.changed_at, h.id",
        )
        .bind(mission_id)
        .fetch_all(pool)
        .await
    })
}

// ---------------------------------------------------------------------------------------------
// Staff list

#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    pub centre_id: Option<i64>,
    pub status: Option<MissionStatus>,
    pub domain: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    pub id: i64,
    pub title: String,
    pub centre: String,
    pub domain: String,
    pub status: MissionStatus,
    pub start_date: NaiveDate,
    pub applications: i64,
}

/// One page of missions (latest start first) and the total count.
pub async fn list(db: &Db, filter: &StaffFilter, page: u32, size: i64) -> Result<(Vec<SummaryRow>, i64), sqlx::Error> {
    let mut sql = String::from(
        "SELECT m.id, m.title, c.name AS centre, d.label AS domain, m.status, m.start_date,
            (SELECT COUNT(*) FROM applications a WHERE a.mission_id = m.id) AS applications
         FROM missions m JOIN centres c ON c.id = m.centre_id JOIN domains d ON d.code = m.domain_code WHERE 1 = 1",
    );
    let mut count_sql = String::from("SELECT COUNT(*) FROM missions m WHERE 1 = 1");
    let mut args = Vec::new();
    let mut filter_on = |column: &str, arg: Arg, args: &mut Vec<Arg>| {
        args.push(arg);
        let clause = format!(" AND {column} = ${}", args.len());
        sql.push_str(&clause);
        count_sql.push_str(&clause);
    };
    if let Some(id) = filter.centre_id {
        filter_on("m.centre_id", Arg::Int(id), &mut args);
    }
    if let Some(status) = filter.status {
        filter_on("m.status", Arg::Text(status.code().into()), &mut args);
    }
    if let Some(domain) = &filter.domain {
        filter_on("m.domain_code", Arg::Text(domain.clone()), &mut args);
    }
    sql.push_str(&format!(" ORDER BY m.start_date DESC, m.id DESC LIMIT {size} OFFSET {}", (i64::from(page.max(1)) - 1) * size));
    let rows: Vec<SummaryRow> = fetch_all_with!(db, SummaryRow, &sql, &args)?;
    let total = count_with!(db, &count_sql, &args)?;
    Ok((rows, total))
}

// ---------------------------------------------------------------------------------------------
// Staff edits

/// A checked mission with what the server resolved: place, rate.
pub struct MissionWrite<'a> {
    pub centre_id: i64,
    pub draft: &'a MissionDraft,
    pub native_requirement: NativeRequirement,
    /// Postal code, commune name and coordinates of an on-site mission.
    pub place: Option<(String, String, f64, f64)>,
    pub hourly_rate_cents: i64,
    pub rate_overridden: bool,
    /// Records the rate in the history (a new mission, or a new grid rate).
    pub rate_changed: bool,
}

/// Creates (`mission_id` 0, as a draft) or updates a mission with its learners; returns its id.
pub async fn save(db: &Db, ctx: &Ctx, mission_id: i64, m: MissionWrite<'_>) -> Result<i64, sqlx::Error> {
    let d = m.draft;
    let at = now();
    let (postal, commune, lat, lon) = match &m.place {
        Some((code, name, lat, lon)) => (Some(code.clone()), Some(name.clone()), Some(*lat), Some(*lon)),
        None => (None, None, None, None),
    };
    // The same fields, in the same order, for a new mission and for an edit.
    let columns = [
        "centre_id", "title", "domain_code", "description", "learner_level", "native_requirement", "format", "group_kind",
        "postal_code", "commune_name", "latitude", "longitude", "hours", "start_date", "end_date", "rhythm", "cpf_funded",
        "learners_count", "hourly_rate_cents", "rate_overridden", "updated_at",
    ];
    let fields = vec![
        Arg::Int(m.centre_id),
        Arg::Text(d.title.clone()),
        Arg::Text(d.domain_code.clone()),
        Arg::Text(d.description.clone()),
        Arg::Text(d.learner_level.code().into()),
        Arg::Text(m.native_requirement.code().into()),
        Arg::Text(d.format.code().into()),
        Arg::Text(d.group.code().into()),
        Arg::OptText(postal),
        Arg::OptText(commune),
        Arg::OptFloat(lat),
        Arg::OptFloat(lon),
        Arg::Int(d.hours),
        Arg::Date(d.start_date),
        Arg::Date(d.end_date),
        Arg::Text(d.rhythm.clone()),
        Arg::Bool(d.cpf_funded),
        Arg::Int(d.learners_count),
        Arg::Int(m.hourly_rate_cents),
        Arg::Bool(m.rate_overridden),
        Arg::Time(at),
    ];
    let n = columns.len();
    let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    let insert_sql = format!(
        "INSERT INTO missions ({}, status, created_by, created_at) VALUES ({}, ${}, ${}, ${n}) RETURNING id",
        columns.join(", "),
        placeholders.join(", "),
        n + 1,
        n + 2,
    );
    let assignments: Vec<String> = columns.iter().zip(&placeholders).map(|(c, p)| format!("{c} = {p}")).collect();
    let update_sql = format!("UPDATE missions SET {} WHERE id = ${}", assignments.join(", "), n + 1);
    write_tx!(db, |tx| {
        let id: i64 = if mission_id == 0 {
            let mut insert = sqlx::query_scalar::<_, i64>(&insert_sql);
            for field in &fields {
                insert = crate::bind_arg!(insert, field);
            }
            let id = insert.bind(MissionStatus::Draft).bind(ctx.user_id).fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO mission_status_history (mission_id, status, changed_by, changed_at) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(MissionStatus::Draft)
                .bind(ctx.user_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            id
        } else {
            let mut update = sqlx::query(&update_sql);
            for field in &fields {
                update = crate::bind_arg!(update, field);
            }
            update.bind(mission_id).execute(&mut *tx).await?;
            mission_id
        };
        if m.rate_changed {
            sqlx::query(
                "INSERT INTO mission_rate_history (mission_id, hourly_rate_cents, reason, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(m.hourly_rate_cents)
            .bind("Grille du centre")
            .bind(ctx.user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM mission_learners WHERE mission_id = $1").bind(id).execute(&mut *tx).await?;
        for l in &d.learners {
            sqlx::query("INSERT INTO mission_learners (mission_id, name, phone, email) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(&l.name)
                .bind(&l.phone)
                .bind(&l.email)
                .execute(&mut *tx)
                .await?;
        }
        Ok::<i64, sqlx::Error>(id)
    })
}

/// Moves a mission from `from` to `to` and records it; `false` when its status was no longer `from`.
pub async fn change_status(
    db: &Db,
    ctx: &Ctx,
    mission_id: i64,
    (from, to): (MissionStatus, MissionStatus),
    published_at: Option<DateTime<Utc>>,
) -> Result<bool, sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        let updated = sqlx::query("UPDATE missions SET status = $1, published_at = $2, updated_at = $3 WHERE id = $4 AND status = $5")
            .bind(to)
            .bind(published_at)
            .bind(at)
            .bind(mission_id)
            .bind(from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Ok::<bool, sqlx::Error>(false);
        }
        sqlx::query("INSERT INTO mission_status_history (mission_id, status, changed_by, changed_at) VALUES ($1, $2, $3, $4)")
            .bind(mission_id)
            .bind(to)
            .bind(ctx.user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        Ok(true)
    })
}

/// Sets the hourly rate (by hand or back to the grid) and records why.
pub async fn set_rate(db: &Db, ctx: &Ctx, mission_id: i64, cents: i64, overridden: bool, reason: &str) -> Result<(), sqlx::Error> {
    let at = now();
    write_tx!(db, |tx| {
        sqlx::query("UPDATE missions SET hourly_rate_cents = $1, rate_overridden = $2, updated_at = $3 WHERE id = $4")
            .bind(cents)
            .bind(overridden)
            .bind(at)
            .bind(mission_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO mission_rate_history (mission_id, hourly_rate_cents, reason, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(mission_id)
            .bind(cents)
            .bind(reason)
            .bind(ctx.user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        Ok::<(), sqlx::Error>(())
    })
}

// ---------------------------------------------------------------------------------------------
// Search near a trainer

/// The default mobility radius when the trainer has not set one.
pub const DEFAULT_RADIUS_KM: i64 = 30;

/// The caller's home and radius, when their profile has them.
pub async fn own_home(db: &Db, ctx: &Ctx) -> Result<(Option<Point>, i64), sqlx::Error> {
    let row: Option<(Option<f64>, Option<f64>, Option<i64>)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT latitude, longitude, mobility_km FROM trainer_profiles WHERE user_id = $1").bind(ctx.user_id).fetch_optional(pool).await
    })?;
    Ok(match row {
        Some((Some(lat), Some(lon), km)) => (Some(Point::new(lat, lon)), km.filter(|k| *k > 0).unwrap_or(DEFAULT_RADIUS_KM)),
        Some((_, _, km)) => (None, km.filter(|k| *k > 0).unwrap_or(DEFAULT_RADIUS_KM)),
        None => (None, DEFAULT_RADIUS_KM),
    })
}

/// Published missions of one format starting on or after `from`, maybe of one domain, maybe
/// within a latitude/longitude box.
pub struct SpotFilter<'a> {
    pub from: NaiveDate,
    pub format: Format,
    pub domain: Option<&'a str>,
    pub within: Option<BoundingBox>,
}

impl SpotFilter<'_> {
    fn sql(&self) -> (String, Vec<Arg>) {
        let mut sql = String::from(" WHERE m.status = $1 AND m.start_date >= $2 AND m.format = $3");
        let mut args = vec![Arg::Text(MissionStatus::Published.code().into()), Arg::Date(self.from), Arg::Text(self.format.code().into())];
        if let Some(domain) = self.domain {
            args.push(Arg::Text(domain.to_string()));
            sql.push_str(&format!(" AND m.domain_code = ${}", args.len()));
        }
        if let Some(b) = self.within {
            let n = args.len();
            sql.push_str(&format!(" AND m.latitude BETWEEN ${} AND ${} AND m.longitude BETWEEN ${} AND ${}", n + 1, n + 2, n + 3, n + 4));
            args.extend([Arg::Float(b.min_latitude), Arg::Float(b.max_latitude), Arg::Float(b.min_longitude), Arg::Float(b.max_longitude)]);
        }
        (sql, args)
    }
}

/// A mission's id, place and start (narrow rows, read before the cards of a page).
#[derive(sqlx::FromRow, Clone)]
pub struct Spot {
    pub id: i64,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub start_date: NaiveDate,
}

/// The spots of the filter: all of them (`page` None), or `take` after `skip` by start date.
pub async fn spots(db: &Db, filter: &SpotFilter<'_>, page: Option<(usize, usize)>) -> Result<Vec<Spot>, sqlx::Error> {
    let (sql, args) = filter.sql();
    let sql = match page {
        None => format!("SELECT m.id, m.latitude, m.longitude, m.start_date FROM missions m{sql}"),
        Some((take, skip)) => {
            format!("SELECT m.id, m.latitude, m.longitude, m.start_date FROM missions m{sql} ORDER BY m.start_date, m.id LIMIT {take} OFFSET {skip}")
        }
    };
    fetch_all_with!(db, Spot, &sql, &args)
}

pub async fn count_spots(db: &Db, filter: &SpotFilter<'_>) -> Result<i64, sqlx::Error> {
    let (sql, args) = filter.sql();
    let sql = format!("SELECT COUNT(*) FROM missions m{sql}");
    count_with!(db, &sql, &args)
}

#[derive(sqlx::FromRow)]
pub struct CardRow {
    pub id: i64,
    pub title: String,
    pub domain_code: String,
    pub domain_label: String,
    pub language: Option<String>,
    pub learner_level: LearnerLevel,
    pub native_requirement: NativeRequirement,
    pub format: Format,
    pub group_kind: GroupKind,
    pub commune_name: Option<String>,
    pub hours: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub cpf_funded: bool,
}

impl CardRow {
    pub fn requirements(&self) -> MissionRequirements {
        MissionRequirements {
            domain: DomainRef { code: self.domain_code.clone(), label: self.domain_label.clone(), language: self.language.clone() },
            learner_level: self.learner_level,
            native_requirement: self.native_requirement,
            cpf_funded: self.cpf_funded,
            start: self.start_date,
            end: self.end_date,
        }
    }
}

/// The cards of these missions (any order).
pub async fn cards(db: &Db, ids: &[i64]) -> Result<Vec<CardRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let holders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT m.id, m.title, m.domain_code, d.label AS domain_label, d.language, m.learner_level,
            m.native_requirement, m.format, m.group_kind, m.commune_name, m.hours, m.start_date, m.end_date,
            m.cpf_funded FROM missions m JOIN domains d ON d.code = m.domain_code WHERE m.id IN ({})",
        holders.join(", ")
    );
    let args: Vec<Arg> = ids.iter().map(|id| Arg::Int(*id)).collect();
    fetch_all_with!(db, CardRow, &sql, &args)
}

// ---------------------------------------------------------------------------------------------
// The daily broadcast

/// Published missions not yet broadcast since `since`.
pub async fn count_published_since(db: &Db, since: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT COUNT(*) FROM missions WHERE status = $1 AND published_at > $2")
            .bind(MissionStatus::Published)
            .bind(since)
            .fetch_one(pool)
            .await
    })
}

#[derive(sqlx::FromRow)]
pub struct NewMission {
    pub id: i64,
    pub title: String,
    pub domain_code: String,
    pub format: Format,
    pub commune_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub start_date: NaiveDate,
}

/// Missions published in (since, until], by start date.
pub async fn published_between(db: &Db, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<NewMission>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, title, domain_code, format, commune_name, latitude, longitude, start_date FROM missions
             WHERE status = $1 AND published_at > $2 AND published_at <= $3 ORDER BY start_date, id",
        )
        .bind(MissionStatus::Published)
        .bind(since)
        .bind(until)
        .fetch_all(pool)
        .await
    })
}

#[derive(sqlx::FromRow)]
pub struct Candidate {
    pub user_id: i64,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub mobility_km: Option<i64>,
}

/// Validated trainers of the domain who accept the format, within `around` when given.
pub async fn broadcast_candidates(db: &Db, domain_code: &str, format: Format, around: Option<BoundingBox>) -> Result<Vec<Candidate>, sqlx::Error> {
    let format_column = match format {
        Format::Onsite => "accepts_onsite",
        Format::Remote => "accepts_remote",
    };
    let mut sql = format!(
        "SELECT p.user_id, p.latitude, p.longitude, p.mobility_km FROM trainer_profiles p
         JOIN trainer_domains t ON t.user_id = p.user_id AND t.domain_code = $1
         WHERE p.status = $2 AND p.{format_column} = TRUE"
    );
    let mut args = vec![Arg::Text(domain_code.to_string()), Arg::Text(ProfileStatus::Validated.code().to_string())];
    if let Some(b) = around {
        sql.push_str(" AND p.latitude BETWEEN $3 AND $4 AND p.longitude BETWEEN $5 AND $6");
        args.extend([Arg::Float(b.min_latitude), Arg::Float(b.max_latitude), Arg::Float(b.min_longitude), Arg::Float(b.max_longitude)]);
    }
    fetch_all_with!(db, Candidate, &sql, &args)
}

/// Records that `users` received `mission`; returns only those who had not received it yet.
pub async fn record_deliveries(db: &Db, mission_id: i64, users: &[i64], at: DateTime<Utc>) -> Result<Vec<i64>, sqlx::Error> {
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

#[derive(sqlx::FromRow)]
pub struct DigestRecipient {
    pub user_id: i64,
    pub email: String,
    pub first_name: String,
}

/// Among `users`, those who want the email digest and still have an account.
pub async fn digest_recipients(db: &Db, users: &[i64]) -> Result<Vec<DigestRecipient>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in users.chunks(500) {
        let holders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT p.user_id, u.email, u.first_name FROM trainer_profiles p JOIN users u ON u.id = p.user_id
             WHERE p.email_digest = TRUE AND u.deleted_at IS NULL AND p.user_id IN ({})",
            holders.join(", ")
        );
        let args: Vec<Arg> = chunk.iter().map(|id| Arg::Int(*id)).collect();
        out.extend(fetch_all_with!(db, DigestRecipient, &sql, &args)?);
    }
    Ok(out)
}

// Job leases: one node runs a scheduled job at a time.

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
