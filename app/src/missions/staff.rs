//! Staff side of missions: partner centres and their pay grids, centre accounts, missions
//! (create, edit, publish, status, rate override), applicants, the broadcast, rule settings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::*;
use crate::staff::Page;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreSummary {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub management_mode: String,
    pub missions: i64,
    pub users: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRateView {
    pub id: i64,
    pub domain: String,
    pub format: String,
    pub group: String,
    pub volume: String,
    pub hourly_rate: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreDetail {
    pub id: i64,
    pub name: String,
    pub siret: String,
    pub nda: String,
    pub address_line: String,
    pub postal_code: String,
    pub commune_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub management_mode: String,
    pub default_hourly_rate: Money,
    pub rates: Vec<PayRateView>,
    pub users: Vec<(String, String)>,
}

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
    pub status: String,
    pub status_label: String,
    pub eligible_now: bool,
    pub reasons: Vec<String>,
    pub level: Option<String>,
    pub distance_km: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub at: String,
    pub what: String,
    pub who: String,
}

/// A mission as staff edit it.
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
    pub status_history: Vec<HistoryLine>,
    pub rate_history: Vec<HistoryLine>,
    pub applicants: Vec<Applicant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionFormData {
    pub centres: Vec<(i64, String)>,
    pub domains: Vec<(String, String, Option<String>)>,
}

#[cfg(feature = "ssr")]
async fn as_staff() -> Result<(crate::infra::state::AppState, crate::auth::server::Ctx), AppError> {
    crate::auth::server::require_role(crate::auth::Role::Staff).await
}

#[allow(unused_macros)]
macro_rules! staff_fn {
    ($body:expr) => {
        crate::auth::server::reply(async move { $body }.await)
    };
}

#[server]
pub async fn list_centres() -> Result<Vec<CentreSummary>, AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::centres(&state.db).await
    })
}

#[server]
pub async fn load_centre(centre_id: i64) -> Result<CentreDetail, AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::centre(&state.db, centre_id).await
    })
}

#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_centre(
    centre_id: i64,
    name: String,
    siret: String,
    nda: String,
    address_line: String,
    postal_code: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    management_mode: String,
    default_hourly_rate: String,
) -> Result<i64, AppError> {
    staff_fn!({
        let (state, ctx) = as_staff().await?;
        let input = server::CentreInput { name, siret, nda, address_line, postal_code, contact_name, contact_email, contact_phone, management_mode, default_hourly_rate };
        server::save_centre(&state.db, &ctx, centre_id, input).await
    })
}

#[server]
pub async fn add_pay_rate(
    centre_id: i64,
    domain_code: String,
    format: String,
    group_kind: String,
    min_hours: String,
    max_hours: String,
    hourly_rate: String,
) -> Result<(), AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::add_rate(&state.db, centre_id, &domain_code, &format, &group_kind, &min_hours, &max_hours, &hourly_rate).await
    })
}

#[server]
pub async fn delete_pay_rate(rate_id: i64) -> Result<(), AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::delete_rate(&state.db, rate_id).await
    })
}

#[server]
pub async fn load_mission_form() -> Result<MissionFormData, AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::form_data(&state.db).await
    })
}

#[server]
pub async fn staff_missions(centre: String, status: String, domain: String, page: u32) -> Result<Page<MissionSummary>, AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::list(&state.db, &centre, &status, &domain, page).await
    })
}

#[server]
pub async fn load_staff_mission(mission_id: i64) -> Result<StaffMission, AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::staff_mission(&state.db, mission_id).await
    })
}

/// Creates (`mission_id` 0) or edits a mission. Learners: one per line, "Nom ; téléphone ; e-mail".
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_mission(
    mission_id: i64,
    centre_id: i64,
    title: String,
    domain_code: String,
    description: String,
    learner_level: String,
    native_requirement: String,
    format: String,
    group_kind: String,
    postal_code: String,
    hours: String,
    start_date: String,
    end_date: String,
    rhythm: String,
    cpf_funded: Option<String>,
    learners_count: String,
    learners: String,
) -> Result<i64, AppError> {
    staff_fn!({
        let (state, ctx) = as_staff().await?;
        let input = server::MissionInput {
            centre_id,
            title,
            domain_code,
            description,
            learner_level,
            native_requirement,
            format,
            group_kind,
            postal_code,
            hours,
            start_date,
            end_date,
            rhythm,
            cpf_funded: cpf_funded.is_some(),
            learners_count,
            learners,
        };
        server::save_mission(&state.db, &ctx, mission_id, input).await
    })
}

#[server]
pub async fn change_mission_status(mission_id: i64, status: String) -> Result<(), AppError> {
    staff_fn!({
        let (state, ctx) = as_staff().await?;
        server::change_status(&state.db, &ctx, mission_id, &status).await
    })
}

/// Sets the hourly rate by hand (with a reason), or back to the grid when `hourly_rate` is empty.
#[server]
pub async fn override_rate(mission_id: i64, hourly_rate: String, reason: String) -> Result<(), AppError> {
    staff_fn!({
        let (state, ctx) = as_staff().await?;
        server::override_rate(&state.db, &ctx, mission_id, &hourly_rate, &reason).await
    })
}

#[server]
pub async fn choose_applicant(mission_id: i64, user_id: i64) -> Result<(), AppError> {
    staff_fn!({
        let (state, ctx) = as_staff().await?;
        server::choose(&state, &ctx, mission_id, user_id).await
    })
}

#[server]
pub async fn run_broadcast_now() -> Result<BroadcastReport, AppError> {
    staff_fn!({
        let (state, ctx) = as_staff().await?;
        let holder = format!("staff-{}-{}", ctx.user_id, rand::random::<u32>());
        let report = super::server::run_broadcast(&state, &holder).await?;
        if !report.ran {
            return Err(AppError::Rejected("Une diffusion est déjà en cours : réessayez dans quelques minutes.".into()));
        }
        Ok(report)
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastStatus {
    pub last_run: Option<String>,
    pub pending_missions: i64,
}

#[server]
pub async fn load_broadcast_status() -> Result<BroadcastStatus, AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::broadcast_status(&state.db).await
    })
}

#[server]
pub async fn load_rule_settings() -> Result<RuleSettings, AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        Ok(super::server::rule_settings(&state.db).await?)
    })
}

/// Records a micro-enterprise turnover ceiling in force from a date (replacing one of that date).
#[server]
pub async fn save_ceiling(valid_from: String, amount: String) -> Result<(), AppError> {
    staff_fn!({
        let (state, ctx) = as_staff().await?;
        server::save_ceiling(&state.db, &ctx, &valid_from, &amount).await
    })
}

#[server]
pub async fn delete_ceiling(valid_from: String) -> Result<(), AppError> {
    staff_fn!({
        let (state, _) = as_staff().await?;
        server::delete_ceiling(&state.db, &valid_from).await
    })
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Centres, grids and missions, in SQL.

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::auth::server::Ctx;
    use crate::domain::eligibility::evaluate;
    use crate::domain::missions::PayRate;
    use crate::domain::geo::Point;
    use crate::domain::missions::hourly_rate;
    use crate::domain::{parse_date, Cefr, CompetenceLevel, Email, Nda, Phone, PostalCode, Siret, TestLevel, TurnoverCeiling};
    use crate::error::FieldErrors;
    use crate::infra::db::Db;
    use crate::infra::state::AppState;
    use crate::infra::time::{now, paris_date, paris_datetime, today};
    use crate::{count_with, fetch_all_with};
    use crate::infra::db::Arg;
    use crate::missions::server::{learners, mission_row, rule_settings, save_rule_settings, MissionRow};
    use crate::{on_db, write_tx};

    fn optional(value: &str) -> Option<String> {
        let v = value.trim();
        (!v.is_empty()).then(|| v.to_string())
    }

    pub async fn centres(db: &Db) -> Result<Vec<CentreSummary>, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            name: String,
            postal_code: String,
            commune_name: String,
            management_mode: String,
            missions: i64,
            users: i64,
        }
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT c.id, c.name, c.postal_code, c.commune_name, c.management_mode,
                    (SELECT COUNT(*) FROM missions m WHERE m.centre_id = c.id) AS missions,
                    (SELECT COUNT(*) FROM users u WHERE u.centre_id = c.id AND u.deleted_at IS NULL) AS users
                 FROM centres c ORDER BY c.name",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| CentreSummary {
                id: r.id,
                name: r.name,
                city: format!("{} {}", r.postal_code, r.commune_name),
                management_mode: mode_label(&r.management_mode).to_string(),
                missions: r.missions,
                users: r.users,
            })
            .collect())
    }

    pub fn mode_label(code: &str) -> &'static str {
        if code == "totale" {
            "Gestion totale"
        } else {
            "Gestion des formateurs"
        }
    }

    #[derive(sqlx::FromRow)]
    struct RateRow {
        id: i64,
        domain_code: Option<String>,
        format: Option<String>,
        group_kind: Option<String>,
        min_hours: i64,
        max_hours: Option<i64>,
        hourly_rate_cents: i64,
    }

    async fn rates(db: &Db, centre_id: i64) -> Result<Vec<RateRow>, sqlx::Error> {
        on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT id, domain_code, format, group_kind, min_hours, max_hours, hourly_rate_cents FROM pay_rates
                 WHERE centre_id = $1 ORDER BY domain_code, format, group_kind, min_hours",
            )
            .bind(centre_id)
            .fetch_all(pool)
            .await
        })
    }

    fn grid(rows: &[RateRow]) -> Vec<PayRate> {
        rows.iter()
            .map(|r| PayRate {
                domain_code: r.domain_code.clone(),
                format: r.format.as_deref().and_then(Format::from_code),
                group: r.group_kind.as_deref().and_then(GroupKind::from_code),
                min_hours: r.min_hours,
                max_hours: r.max_hours,
                hourly_rate: Money::from_cents(r.hourly_rate_cents),
            })
            .collect()
    }

    /// The grid's rate for a mission of this centre.
    async fn grid_rate(db: &Db, centre_id: i64, domain: &str, format: Format, group: GroupKind, hours: i64) -> Result<Money, AppError> {
        let default: i64 = on_db!(db, |pool| {
            sqlx::query_scalar("SELECT default_hourly_rate_cents FROM centres WHERE id = $1").bind(centre_id).fetch_optional(pool).await
        })?
        .ok_or(AppError::NotFound)?;
        Ok(hourly_rate(&grid(&rates(db, centre_id).await?), Money::from_cents(default), domain, format, group, hours))
    }

    pub async fn centre(db: &Db, centre_id: i64) -> Result<CentreDetail, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            name: String,
            siret: String,
            nda: Option<String>,
            address_line: String,
            postal_code: String,
            commune_name: String,
            contact_name: String,
            contact_email: String,
            contact_phone: String,
            management_mode: String,
            default_hourly_rate_cents: i64,
        }
        let row: Row = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT id, name, siret, nda, address_line, postal_code, commune_name, contact_name, contact_email, contact_phone,
                    management_mode, default_hourly_rate_cents FROM centres WHERE id = $1",
            )
            .bind(centre_id)
            .fetch_optional(pool)
            .await
        })?
        .ok_or(AppError::NotFound)?;
        let domains: Vec<(String, String)> = on_db!(db, |pool| sqlx::query_as("SELECT code, label FROM domains").fetch_all(pool).await)?;
        let label = |code: &Option<String>| {
            code.as_ref().map_or("Tous les domaines".to_string(), |c| domains.iter().find(|(d, _)| d == c).map_or(c.clone(), |(_, l)| l.clone()))
        };
        let users: Vec<(String, String, String)> = on_db!(db, |pool| {
            sqlx::query_as("SELECT first_name, last_name, email FROM users WHERE centre_id = $1 AND deleted_at IS NULL ORDER BY last_name")
                .bind(centre_id)
                .fetch_all(pool)
                .await
        })?;
        Ok(CentreDetail {
            id: row.id,
            name: row.name,
            siret: Siret::parse(&row.siret).map(|s| s.to_string()).unwrap_or(row.siret),
            nda: row.nda.as_deref().and_then(|n| Nda::parse(n).ok()).map(|n| n.grouped()).unwrap_or_default(),
            address_line: row.address_line,
            postal_code: row.postal_code,
            commune_name: row.commune_name,
            contact_name: row.contact_name,
            contact_email: row.contact_email,
            contact_phone: row.contact_phone,
            management_mode: row.management_mode,
            default_hourly_rate: Money::from_cents(row.default_hourly_rate_cents),
            rates: rates(db, centre_id)
                .await?
                .iter()
                .map(|r| PayRateView {
                    id: r.id,
                    domain: label(&r.domain_code),
                    format: r.format.as_deref().and_then(Format::from_code).map_or("Tous formats", Format::label).to_string(),
                    group: r.group_kind.as_deref().and_then(GroupKind::from_code).map_or("Individuel ou collectif", GroupKind::label).to_string(),
                    volume: match r.max_hours {
                        Some(max) => format!("de {} à {max} h", r.min_hours),
                        None if r.min_hours > 0 => format!("{} h et plus", r.min_hours),
                        None => "tout volume".to_string(),
                    },
                    hourly_rate: Money::from_cents(r.hourly_rate_cents),
                })
                .collect(),
            users: users.into_iter().map(|(f, l, e)| (format!("{f} {l}"), e)).collect(),
        })
    }

    pub struct CentreInput {
        pub name: String,
        pub siret: String,
        pub nda: String,
        pub address_line: String,
        pub postal_code: String,
        pub contact_name: String,
        pub contact_email: String,
        pub contact_phone: String,
        pub management_mode: String,
        pub default_hourly_rate: String,
    }

    pub async fn save_centre(db: &Db, ctx: &Ctx, centre_id: i64, input: CentreInput) -> Result<i64, AppError> {
        let mut errors = FieldErrors::new();
        let name = input.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "Saisissez le nom du centre.");
        }
        let siret = errors.check("siret", Siret::parse(&input.siret));
        let nda = match optional(&input.nda) {
            None => None,
            Some(n) => errors.check("nda", Nda::parse(&n)),
        };
        let postal = errors.check("postal_code", PostalCode::parse(&input.postal_code));
        let commune = postal.as_ref().and_then(|p| crate::geo::communes(p.as_str()).first().copied());
        if postal.is_some() && commune.is_none() {
            errors.add("postal_code", "Ce code postal n'existe pas.");
        }
        let email = match optional(&input.contact_email) {
            None => None,
            Some(e) => errors.check("contact_email", Email::parse(&e)),
        };
        let phone = match optional(&input.contact_phone) {
            None => None,
            Some(p) => errors.check("contact_phone", Phone::parse(&p)),
        };
        let mode = match input.management_mode.as_str() {
            "formateurs" | "totale" => input.management_mode.clone(),
            _ => {
                errors.add("management_mode", "Choisissez le mode de gestion.");
                String::new()
            }
        };
        let rate = errors.check("default_hourly_rate", Money::parse(&input.default_hourly_rate));
        errors.into_result()?;
        let (Some(siret), Some(rate)) = (siret, rate) else { return Err(AppError::Internal) };
        let values = (
            name,
            siret.as_str().to_string(),
            nda.map(|n| n.as_str().to_string()),
            input.address_line.trim().to_string(),
            postal.map(|p| p.as_str().to_string()).unwrap_or_default(),
            commune.map(|c| c.name.to_string()).unwrap_or_default(),
            input.contact_name.trim().to_string(),
            email.map(|e| e.as_str().to_string()).unwrap_or_default(),
            phone.map(|p| p.to_string()).unwrap_or_default(),
        );
        let at = now();
        let id: Option<i64> = on_db!(db, |pool| {
            if centre_id == 0 {
                sqlx::query_scalar(
                    "INSERT INTO centres (name, siret, nda, address_line, postal_code, commune_name, contact_name, contact_email,
                        contact_phone, management_mode, default_hourly_rate_cents, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                )
                .bind(&values.0)
                .bind(&values.1)
                .bind(&values.2)
                .bind(&values.3)
                .bind(&values.4)
                .bind(&values.5)
                .bind(&values.6)
                .bind(&values.7)
                .bind(&values.8)
                .bind(&mode)
                .bind(rate.cents())
                .bind(at)
                .fetch_optional(pool)
                .await
            } else {
                sqlx::query_scalar(
                    "UPDATE centres SET name = $1, siret = $2, nda = $3, address_line = $4, postal_code = $5, commune_name = $6,
                        contact_name = $7, contact_email = $8, contact_phone = $9, management_mode = $10, default_hourly_rate_cents = $11
                     WHERE id = $12 RETURNING id",
                )
                .bind(&values.0)
                .bind(&values.1)
                .bind(&values.2)
                .bind(&values.3)
                .bind(&values.4)
                .bind(&values.5)
                .bind(&values.6)
                .bind(&values.7)
                .bind(&values.8)
                .bind(&mode)
                .bind(rate.cents())
                .bind(centre_id)
                .fetch_optional(pool)
                .await
            }
        })?;
        let id = id.ok_or(AppError::NotFound)?;
        tracing::info!(centre_id = id, by = ctx.user_id, "centre saved");
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn add_rate(db: &Db, centre_id: i64, domain: &str, format: &str, group: &str, min: &str, max: &str, rate: &str) -> Result<(), AppError> {
        let mut errors = FieldErrors::new();
        let domain = optional(domain);
        if let Some(d) = &domain {
            let known: Option<String> = on_db!(db, |pool| sqlx::query_scalar("SELECT code FROM domains WHERE code = $1").bind(d).fetch_optional(pool).await)?;
            if known.is_none() {
                errors.add("domain_code", "Domaine inconnu.");
            }
        }
        let format = optional(format).and_then(|f| Format::from_code(&f).map(|f| f.code().to_string()));
        let group = optional(group).and_then(|g| GroupKind::from_code(&g).map(|g| g.code().to_string()));
        let min = match optional(min) {
            None => 0,
            Some(v) => v.parse::<i64>().ok().filter(|h| *h >= 0).unwrap_or_else(|| {
                errors.add("min_hours", "Indiquez un nombre d'heures.");
                0
            }),
        };
        let max = match optional(max) {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(h) if h >= min => Some(h),
                _ => {
                    errors.add("max_hours", "Le maximum doit être un nombre d'heures au moins égal au minimum.");
                    None
                }
            },
        };
        let rate = errors.check("hourly_rate", Money::parse(rate));
        if rate.is_some_and(|r| r.cents() == 0) {
            errors.add("hourly_rate", "Le taux horaire ne peut pas être nul.");
        }
        errors.into_result()?;
        let inserted = on_db!(db, |pool| {
            sqlx::query(
                "INSERT INTO pay_rates (centre_id, domain_code, format, group_kind, min_hours, max_hours, hourly_rate_cents)
                 SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM centres WHERE id = $1)",
            )
            .bind(centre_id)
            .bind(&domain)
            .bind(&format)
            .bind(&group)
            .bind(min)
            .bind(max)
            .bind(rate.map(|r| r.cents()))
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        if inserted == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    pub async fn delete_rate(db: &Db, rate_id: i64) -> Result<(), AppError> {
        let deleted = on_db!(db, |pool| sqlx::query("DELETE FROM pay_rates WHERE id = $1").bind(rate_id).execute(pool).await.map(|r| r.rows_affected()))?;
        if deleted == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    pub async fn form_data(db: &Db) -> Result<MissionFormData, AppError> {
        let centres: Vec<(i64, String)> = on_db!(db, |pool| sqlx::query_as("SELECT id, name FROM centres ORDER BY name").fetch_all(pool).await)?;
        let domains: Vec<(String, String, Option<String>)> =
            on_db!(db, |pool| sqlx::query_as("SELECT code, label, language FROM domains WHERE active = TRUE ORDER BY label").fetch_all(pool).await)?;
        Ok(MissionFormData { centres, domains })
    }

    pub async fn list(db: &Db, centre: &str, status: &str, domain: &str, page: u32) -> Result<Page<MissionSummary>, AppError> {
        let mut sql = String::from(
            "SELECT m.id, m.title, c.name AS centre, d.label AS domain, m.status, m.start_date,
                (SELECT COUNT(*) FROM applications a WHERE a.mission_id = m.id) AS applications
             FROM missions m JOIN centres c ON c.id = m.centre_id JOIN domains d ON d.code = m.domain_code WHERE 1 = 1",
        );
        let mut count_sql = String::from("SELECT COUNT(*) FROM missions m WHERE 1 = 1");
        let mut args = Vec::new();
        if let Ok(id) = centre.trim().parse::<i64>() {
            args.push(Arg::Int(id));
            sql.push_str(&format!(" AND m.centre_id = ${}", args.len()));
            count_sql.push_str(&format!(" AND m.centre_id = ${}", args.len()));
        }
        if let Some(s) = MissionStatus::from_code(status.trim()) {
            args.push(Arg::Text(s.code().into()));
            sql.push_str(&format!(" AND m.status = ${}", args.len()));
            count_sql.push_str(&format!(" AND m.status = ${}", args.len()));
        }
        if !domain.trim().is_empty() {
            args.push(Arg::Text(domain.trim().into()));
            sql.push_str(&format!(" AND m.domain_code = ${}", args.len()));
            count_sql.push_str(&format!(" AND m.domain_code = ${}", args.len()));
        }
        let page = page.max(1);
        let size = crate::staff::PAGE_SIZE;
        sql.push_str(&format!(" ORDER BY m.start_date DESC, m.id DESC LIMIT {size} OFFSET {}", (i64::from(page) - 1) * size));
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            title: String,
            centre: String,
            domain: String,
            status: String,
            start_date: NaiveDate,
            applications: i64,
        }
        let rows: Vec<Row> = fetch_all_with!(db, Row, &sql, &args)?;
        let total = count_with!(db, &count_sql, &args)?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| MissionSummary {
                    id: r.id,
                    title: r.title,
                    centre: r.centre,
                    domain: r.domain,
                    status: MissionStatus::from_code(&r.status).unwrap_or(MissionStatus::Draft),
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
        let m = mission_row(db, mission_id).await?.ok_or(AppError::NotFound)?;
        let format = Format::from_code(&m.format).unwrap_or(Format::Onsite);
        let group = GroupKind::from_code(&m.group_kind).unwrap_or(GroupKind::Individual);
        let grid = grid_rate(db, m.centre_id, &m.domain_code, format, group, m.hours).await?;
        #[derive(sqlx::FromRow)]
        struct Hist {
            changed_at: DateTime<Utc>,
            what: String,
            who: Option<String>,
        }
        let status_history: Vec<Hist> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT h.changed_at, h.status AS what, u.first_name || ' ' || u.last_name AS who FROM mission_status_history h
                 LEFT JOIN users u ON u.id = h.changed_by WHERE h.mission_id = $1 ORDER BY h.changed_at, h.id",
            )
            .bind(mission_id)
            .fetch_all(pool)
            .await
        })?;
        #[derive(sqlx::FromRow)]
        struct RateHist {
            changed_at: DateTime<Utc>,
            hourly_rate_cents: i64,
            reason: String,
            who: Option<String>,
        }
        let rate_history: Vec<RateHist> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT h.changed_at, h.hourly_rate_cents, h.reason, u.first_name || ' ' || u.last_name AS who FROM mission_rate_history h
                 LEFT JOIN users u ON u.id = h.changed_by WHERE h.mission_id = $1 ORDER BY h.changed_at, h.id",
            )
            .bind(mission_id)
            .fetch_all(pool)
            .await
        })?;
        let learner_lines = learners(db, mission_id)
            .await?
            .into_iter()
            .map(|l| format!("{} ; {} ; {}", l.name, l.phone, l.email))
            .collect::<Vec<_>>()
            .join("\n");
        let applicants = applicants(db, &m).await?;
        Ok(StaffMission {
            id: m.id,
            centre_id: m.centre_id,
            centre_name: m.centre_name.clone(),
            title: m.title.clone(),
            domain_code: m.domain_code.clone(),
            description: m.description.clone(),
            learner_level: m.learner_level.clone(),
            native_requirement: m.native_requirement.clone(),
            format: m.format.clone(),
            group_kind: m.group_kind.clone(),
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
            status: m.status(),
            status_history: status_history
                .into_iter()
                .map(|h| HistoryLine {
                    at: paris_datetime(h.changed_at),
                    what: MissionStatus::from_code(&h.what).map_or(h.what.clone(), |s| s.label().to_string()),
                    who: h.who.unwrap_or_else(|| "—".into()),
                })
                .collect(),
            rate_history: rate_history
                .into_iter()
                .map(|h| HistoryLine {
                    at: paris_datetime(h.changed_at),
                    what: format!("{} / h — {}", Money::from_cents(h.hourly_rate_cents), h.reason),
                    who: h.who.unwrap_or_else(|| "—".into()),
                })
                .collect(),
            applicants,
        })
    }

    /// Applicants, each re-checked against the rules as of today.
    async fn applicants(db: &Db, m: &MissionRow) -> Result<Vec<Applicant>, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            user_id: i64,
            first_name: String,
            last_name: String,
            status: String,
            created_at: DateTime<Utc>,
            latitude: Option<f64>,
            longitude: Option<f64>,
        }
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT a.user_id, u.first_name, u.last_name, a.status, a.created_at, p.latitude, p.longitude
                 FROM applications a JOIN users u ON u.id = a.user_id LEFT JOIN trainer_profiles p ON p.user_id = a.user_id
                 WHERE a.mission_id = $1 ORDER BY a.created_at",
            )
            .bind(m.id)
            .fetch_all(pool)
            .await
        })?;
        let settings = rule_settings(db).await?;
        let requirements = m.requirements();
        let mut out = Vec::new();
        for r in rows {
            let facts = crate::profile::server::trainer_facts(db, r.user_id).await?;
            let eligibility = evaluate(&facts, &requirements, today(), &settings);
            let level = facts
                .passed_tests
                .iter()
                .filter(|t| t.domain_code == m.domain_code)
                .max_by_key(|t| t.taken_on)
                .map(|t| match t.level {
                    TestLevel::Competence(l) => l.label().to_string(),
                    TestLevel::Language(c) => c.code().to_string(),
                });
            let distance = match (r.latitude, r.longitude, m.latitude, m.longitude) {
                (Some(a), Some(b), Some(c), Some(d)) if m.format == "presentiel" => Some(Point::new(a, b).distance_km(Point::new(c, d)).round() as i64),
                _ => None,
            };
            out.push(Applicant {
                user_id: r.user_id,
                name: format!("{} {}", r.first_name, r.last_name),
                applied_on: paris_date(r.created_at),
                status_label: application_status_label(&r.status).to_string(),
                status: r.status,
                eligible_now: eligibility.can_apply(),
                reasons: eligibility.refusals.iter().map(|x| x.message.clone()).collect(),
                level,
                distance_km: distance,
            });
        }
        // Best first: eligible, then highest level, then nearest.
        out.sort_by_key(|a| (!a.eligible_now, std::cmp::Reverse(level_rank(a.level.as_deref())), a.distance_km.unwrap_or(i64::MAX)));
        Ok(out)
    }

    fn level_rank(level: Option<&str>) -> u8 {
        match level {
            Some(l) => CompetenceLevel::ALL
                .iter()
                .position(|c| c.label() == l)
                .map(|p| p as u8)
                .or_else(|| Cefr::parse(l).ok().and_then(|c| Cefr::ALL.iter().position(|x| *x == c)).map(|p| p as u8))
                .unwrap_or(0)
                + 1,
            None => 0,
        }
    }

    pub struct MissionInput {
        pub centre_id: i64,
        pub title: String,
        pub domain_code: String,
        pub description: String,
        pub learner_level: String,
        pub native_requirement: String,
        pub format: String,
        pub group_kind: String,
        pub postal_code: String,
        pub hours: String,
        pub start_date: String,
        pub end_date: String,
        pub rhythm: String,
        pub cpf_funded: bool,
        pub learners_count: String,
        pub learners: String,
    }

    fn parse_learners(text: &str, errors: &mut FieldErrors) -> Vec<Learner> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let name = parts.first().copied().unwrap_or_default();
            if name.is_empty() {
                errors.add("learners", format!("Ligne {} : indiquez le nom du stagiaire.", i + 1));
                continue;
            }
            let phone = parts.get(1).copied().filter(|p| !p.is_empty());
            let email = parts.get(2).copied().filter(|e| !e.is_empty());
            let phone = match phone.map(Phone::parse) {
                Some(Err(e)) => {
                    errors.add("learners", format!("Ligne {} : {e}", i + 1));
                    continue;
                }
                Some(Ok(p)) => p.to_string(),
                None => String::new(),
            };
            let email = match email.map(Email::parse) {
                Some(Err(e)) => {
                    errors.add("learners", format!("Ligne {} : {e}", i + 1));
                    continue;
                }
                Some(Ok(e)) => e.as_str().to_string(),
                None => String::new(),
            };
            out.push(Learner { name: name.to_string(), phone, email });
        }
        out
    }

    pub async fn save_mission(db: &Db, ctx: &Ctx, mission_id: i64, input: MissionInput) -> Result<i64, AppError> {
        let mut errors = FieldErrors::new();
        let title = input.title.trim().to_string();
        if title.is_empty() {
            errors.add("title", "Saisissez l'intitulé de la mission.");
        }
        let domain: Option<(String, Option<String>)> = on_db!(db, |pool| {
            sqlx::query_as("SELECT code, language FROM domains WHERE code = $1").bind(input.domain_code.trim()).fetch_optional(pool).await
        })?;
        if domain.is_none() {
            errors.add("domain_code", "Choisissez le domaine.");
        }
        let level = errors.check("learner_level", LearnerLevel::parse(&input.learner_level));
        let is_language = domain.as_ref().is_some_and(|(_, l)| l.is_some());
        let native = if is_language {
            errors.check("native_requirement", NativeRequirement::parse(&input.native_requirement))
        } else {
            Some(NativeRequirement::Indifferent)
        };
        let format = Format::from_code(&input.format);
        if format.is_none() {
            errors.add("format", "Choisissez le format.");
        }
        let group = GroupKind::from_code(&input.group_kind);
        if group.is_none() {
            errors.add("group_kind", "Choisissez individuel ou collectif.");
        }
        let place = if format == Some(Format::Onsite) {
            match PostalCode::parse(&input.postal_code) {
                Ok(code) => match crate::geo::communes(code.as_str()).first() {
                    Some(c) => Some((code.as_str().to_string(), *c)),
                    None => {
                        errors.add("postal_code", "Ce code postal n'existe pas.");
                        None
                    }
                },
                Err(e) => {
                    errors.add("postal_code", format!("Lieu de la formation en présentiel : {e}"));
                    None
                }
            }
        } else {
            None
        };
        let hours = match input.hours.trim().parse::<i64>() {
            Ok(h) if (1..=2000).contains(&h) => Some(h),
            _ => {
                errors.add("hours", "Indiquez un nombre d'heures entre 1 et 2000.");
                None
            }
        };
        let start = errors.check("start_date", parse_date(&input.start_date));
        let end = errors.check("end_date", parse_date(&input.end_date));
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                errors.add("end_date", "La fin précède le début.");
            }
        }
        let learners_count = match input.learners_count.trim().parse::<i64>() {
            Ok(n) if (1..=500).contains(&n) => Some(n),
            _ => {
                errors.add("learners_count", "Indiquez le nombre de stagiaires (1 à 500).");
                None
            }
        };
        let learners = parse_learners(&input.learners, &mut errors);
        let centre_exists: Option<i64> = on_db!(db, |pool| sqlx::query_scalar("SELECT id FROM centres WHERE id = $1").bind(input.centre_id).fetch_optional(pool).await)?;
        if centre_exists.is_none() {
            errors.add("centre_id", "Choisissez le centre.");
        }
        errors.into_result()?;
        let (Some((domain_code, _)), Some(level), Some(native), Some(format), Some(group), Some(hours), Some(start), Some(end), Some(count)) =
            (domain, level, native, format, group, hours, start, end, learners_count)
        else {
            return Err(AppError::Internal);
        };
        let existing = if mission_id == 0 { None } else { Some(mission_row(db, mission_id).await?.ok_or(AppError::NotFound)?) };
        let grid = grid_rate(db, input.centre_id, &domain_code, format, group, hours).await?;
        let (rate, overridden) = match &existing {
            Some(m) if m.rate_overridden => (Money::from_cents(m.hourly_rate_cents), true),
            _ => (grid, false),
        };
        let rate_changed = existing.as_ref().is_none_or(|m| m.hourly_rate_cents != rate.cents());
        let at = now();
        let (postal, commune, lat, lon) = match &place {
            Some((code, c)) => (Some(code.clone()), Some(c.name.to_string()), Some(c.latitude), Some(c.longitude)),
            None => (None, None, None, None),
        };
        // The same fields, in the same order, for a new mission and for an edit.
        let columns = [
            "centre_id", "title", "domain_code", "description", "learner_level", "native_requirement", "format", "group_kind",
            "postal_code", "commune_name", "latitude", "longitude", "hours", "start_date", "end_date", "rhythm", "cpf_funded",
            "learners_count", "hourly_rate_cents", "rate_overridden", "updated_at",
        ];
        let fields = vec![
            Arg::Int(input.centre_id),
            Arg::Text(title.clone()),
            Arg::Text(domain_code.clone()),
            Arg::Text(input.description.trim().to_string()),
            Arg::Text(level.code().into()),
            Arg::Text(native.code().into()),
            Arg::Text(format.code().into()),
            Arg::Text(group.code().into()),
            Arg::OptText(postal),
            Arg::OptText(commune),
            Arg::OptFloat(lat),
            Arg::OptFloat(lon),
            Arg::Int(hours),
            Arg::Date(start),
            Arg::Date(end),
            Arg::Text(input.rhythm.trim().to_string()),
            Arg::Bool(input.cpf_funded),
            Arg::Int(count),
            Arg::Int(rate.cents()),
            Arg::Bool(overridden),
            Arg::Time(at),
        ];
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let insert_sql = format!(
            "INSERT INTO missions ({}, status, created_by, created_at) VALUES ({}, 'brouillon', ${}, ${}) RETURNING id",
            columns.join(", "),
            placeholders.join(", "),
            columns.len() + 1,
            columns.len()
        );
        let assignments: Vec<String> = columns.iter().zip(&placeholders).map(|(c, p)| format!("{c} = {p}")).collect();
        let update_sql = format!("UPDATE missions SET {} WHERE id = ${}", assignments.join(", "), columns.len() + 1);
        write_tx!(db, |tx| {
            let id: i64 = if mission_id == 0 {
                let mut insert = sqlx::query_scalar::<_, i64>(&insert_sql);
                for field in &fields {
                    insert = crate::bind_arg!(insert, field);
                }
                let id = insert.bind(ctx.user_id).fetch_one(&mut *tx).await?;
                sqlx::query("INSERT INTO mission_status_history (mission_id, status, changed_by, changed_at) VALUES ($1, 'brouillon', $2, $3)")
                    .bind(id)
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
            if rate_changed {
                sqlx::query(
                    "INSERT INTO mission_rate_history (mission_id, hourly_rate_cents, reason, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(rate.cents())
                .bind("Grille du centre")
                .bind(ctx.user_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("DELETE FROM mission_learners WHERE mission_id = $1").bind(id).execute(&mut *tx).await?;
            for l in &learners {
                sqlx::query("INSERT INTO mission_learners (mission_id, name, phone, email) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(&l.name)
                    .bind(&l.phone)
                    .bind(&l.email)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok::<i64, AppError>(id)
        })
    }

    pub async fn change_status(db: &Db, ctx: &Ctx, mission_id: i64, status: &str) -> Result<(), AppError> {
        let m = mission_row(db, mission_id).await?.ok_or(AppError::NotFound)?;
        let to = MissionStatus::from_code(status).ok_or_else(|| AppError::field("status", "Statut inconnu."))?;
        let from = m.status();
        if !from.can_move_to(to) {
            return Err(AppError::Rejected(format!("Une mission « {} » ne peut pas passer à « {} ».", from.label(), to.label())));
        }
        if to == MissionStatus::Filled && m.chosen_trainer_id.is_none() {
            return Err(AppError::Rejected("Choisissez d'abord le formateur parmi les candidats.".into()));
        }
        let at = now();
        let published_at = if to == MissionStatus::Published && m.published_at.is_none() { Some(at) } else { m.published_at };
        write_tx!(db, |tx| {
            let updated = sqlx::query("UPDATE missions SET status = $1, published_at = $2, updated_at = $3 WHERE id = $4 AND status = $5")
                .bind(to.code())
                .bind(published_at)
                .bind(at)
                .bind(mission_id)
                .bind(from.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 0 {
                return Err(AppError::Rejected("La mission a changé entre-temps : rechargez la page.".into()));
            }
            sqlx::query("INSERT INTO mission_status_history (mission_id, status, changed_by, changed_at) VALUES ($1, $2, $3, $4)")
                .bind(mission_id)
                .bind(to.code())
                .bind(ctx.user_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            Ok::<(), AppError>(())
        })?;
        tracing::info!(mission_id, by = ctx.user_id, status = to.code(), "mission status changed");
        Ok(())
    }

    pub async fn override_rate(db: &Db, ctx: &Ctx, mission_id: i64, rate: &str, reason: &str) -> Result<(), AppError> {
        let m = mission_row(db, mission_id).await?.ok_or(AppError::NotFound)?;
        let (cents, overridden, reason) = match optional(rate) {
            None => {
                let format = Format::from_code(&m.format).unwrap_or(Format::Onsite);
                let group = GroupKind::from_code(&m.group_kind).unwrap_or(GroupKind::Individual);
                let grid = grid_rate(db, m.centre_id, &m.domain_code, format, group, m.hours).await?;
                (grid.cents(), false, "Retour à la grille du centre".to_string())
            }
            Some(value) => {
                let mut errors = FieldErrors::new();
                let money = errors.check("hourly_rate", Money::parse(&value));
                if reason.trim().is_empty() {
                    errors.add("reason", "Expliquez pourquoi le taux diffère de la grille du centre.");
                }
                errors.into_result()?;
                (money.map(|m| m.cents()).unwrap_or(0), true, reason.trim().to_string())
            }
        };
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
                .bind(&reason)
                .bind(ctx.user_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            Ok::<(), AppError>(())
        })
    }

    /// Chooses the trainer: the mission is filled, the trainer receives the learners' contacts,
    /// the other applicants are told.
    pub async fn choose(state: &AppState, ctx: &Ctx, mission_id: i64, user_id: i64) -> Result<(), AppError> {
        let db = &state.db;
        let m = mission_row(db, mission_id).await?.ok_or(AppError::NotFound)?;
        if m.status() != MissionStatus::Published {
            return Err(AppError::Rejected("Seule une mission publiée peut être pourvue.".into()));
        }
        let at = now();
        let others: Vec<i64> = write_tx!(db, |tx| {
            let chosen = sqlx::query("UPDATE applications SET status = 'retenue' WHERE mission_id = $1 AND user_id = $2 AND status = 'envoyee'")
                .bind(mission_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if chosen == 0 {
                return Err(AppError::Rejected("Ce formateur n'a pas de candidature en cours pour cette mission.".into()));
            }
            let others: Vec<i64> = sqlx::query_scalar("SELECT user_id FROM applications WHERE mission_id = $1 AND status = 'envoyee'")
                .bind(mission_id)
                .fetch_all(&mut *tx)
                .await?;
            sqlx::query("UPDATE applications SET status = 'non_retenue' WHERE mission_id = $1 AND status = 'envoyee'")
                .bind(mission_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE missions SET status = 'pourvue', chosen_trainer_id = $1, updated_at = $2 WHERE id = $3")
                .bind(user_id)
                .bind(at)
                .bind(mission_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO mission_status_history (mission_id, status, changed_by, changed_at) VALUES ($1, 'pourvue', $2, $3)")
                .bind(mission_id)
                .bind(ctx.user_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            Ok::<Vec<i64>, AppError>(others)
        })?;
        let contacts: Vec<String> = learners(db, mission_id)
            .await?
            .into_iter()
            .map(|l| format!("{} — {} — {}", l.name, if l.phone.is_empty() { "—".into() } else { l.phone }, if l.email.is_empty() { "—".into() } else { l.email }))
            .collect();
        let body = format!(
            "Votre candidature pour « {} » est retenue. Centre de formation : {}. Taux horaire : {} HT. Contactez le ou les stagiaires : {}. \
             Après cette prise de contact, vous signerez votre contrat de sous-traitance avec le centre.",
            m.title,
            m.centre_name,
            Money::from_cents(m.hourly_rate_cents),
            if contacts.is_empty() { "l'équipe vous les transmet".to_string() } else { contacts.join(" ; ") }
        );
        let link = format!("/missions/{mission_id}");
        crate::notifications::server::notify(state, user_id, "Proposition de mission : vous êtes retenu", &body, Some(&link)).await;
        for other in others {
            let text = format!("La mission « {} » a été confiée à un autre formateur. Merci pour votre candidature.", m.title);
            crate::notifications::server::notify(state, other, "Mission pourvue", &text, Some("/missions")).await;
        }
        tracing::info!(mission_id, chosen = user_id, by = ctx.user_id, "trainer chosen");
        Ok(())
    }

    pub async fn broadcast_status(db: &Db) -> Result<BroadcastStatus, AppError> {
        let last = crate::missions::server::last_run(db, "broadcast").await?;
        let since = last.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let pending: i64 = on_db!(db, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM missions WHERE status = 'publiee' AND published_at > $1").bind(since).fetch_one(pool).await
        })?;
        Ok(BroadcastStatus { last_run: last.map(paris_datetime), pending_missions: pending })
    }

    pub async fn save_ceiling(db: &Db, ctx: &Ctx, valid_from: &str, amount: &str) -> Result<(), AppError> {
        let mut errors = FieldErrors::new();
        let from = errors.check("valid_from", parse_date(valid_from));
        let amount = errors.check("amount", Money::parse(amount));
        errors.into_result()?;
        let (Some(from), Some(amount)) = (from, amount) else { return Err(AppError::Internal) };
        let mut settings = rule_settings(db).await?;
        settings.turnover_ceilings.retain(|c| c.valid_from != from);
        settings.turnover_ceilings.push(TurnoverCeiling { valid_from: from, amount });
        settings.turnover_ceilings.sort_by_key(|c| c.valid_from);
        save_rule_settings(db, &settings).await?;
        tracing::info!(by = ctx.user_id, "turnover ceiling saved");
        Ok(())
    }

    pub async fn delete_ceiling(db: &Db, valid_from: &str) -> Result<(), AppError> {
        let from = parse_date(valid_from).map_err(|e| AppError::field("valid_from", e.to_string()))?;
        let mut settings = rule_settings(db).await?;
        let before = settings.turnover_ceilings.len();
        settings.turnover_ceilings.retain(|c| c.valid_from != from);
        if settings.turnover_ceilings.len() == before {
            return Err(AppError::NotFound);
        }
        if settings.turnover_ceilings.is_empty() {
            return Err(AppError::Rejected("Gardez au moins un plafond : la règle CPF en a besoin.".into()));
        }
        save_rule_settings(db, &settings).await
    }
}
