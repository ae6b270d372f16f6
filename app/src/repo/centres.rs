//! Partner centres, their pay grids and their accounts.

use crate::domain::forms::centres::{Centre, PayRateLine};
use crate::domain::missions::{Format, GroupKind, ManagementMode, PayRate};
use crate::domain::Money;
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::infra::time::now;
use crate::on_db;

#[derive(sqlx::FromRow)]
pub struct CentreListRow {
    pub id: i64,
    pub name: String,
    pub postal_code: String,
    pub commune_name: String,
    pub management_mode: ManagementMode,
    pub missions: i64,
    pub users: i64,
}

/// Every centre, by name, with its counts of missions and accounts.
pub async fn list(db: &Db) -> Result<Vec<CentreListRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.id, c.name, c.postal_code, c.commune_name, c.management_mode,
                (SELECT COUNT(*) FROM missions m WHERE m.centre_id = c.id) AS missions,
                (SELECT COUNT(*) FROM users u WHERE u.centre_id = c.id AND u.deleted_at IS NULL) AS users
             FROM centres c ORDER BY c.name",
        )
        .fetch_all(pool)
        .await
    })
}

/// Centres as (id, name), by name.
pub async fn names(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_as("SELECT id, name FROM centres ORDER BY name").fetch_all(pool).await)
}

pub async fn exists(db: &Db, centre_id: i64) -> Result<bool, sqlx::Error> {
    let id: Option<i64> =
        on_db!(db, |pool| sqlx::query_scalar("SELECT id FROM centres WHERE id = $1").bind(centre_id).fetch_optional(pool).await)?;
    Ok(id.is_some())
}

#[derive(sqlx::FromRow)]
pub struct CentreRow {
    pub id: i64,
    pub name: String,
    pub siret: String,
    pub nda: Option<String>,
    pub address_line: String,
    pub postal_code: String,
    pub commune_name: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub management_mode: ManagementMode,
    pub default_hourly_rate_cents: i64,
}

pub async fn find(db: &Db, centre_id: i64) -> Result<Option<CentreRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, name, siret, nda, address_line, postal_code, commune_name, contact_name, contact_email, contact_phone,
                management_mode, default_hourly_rate_cents FROM centres WHERE id = $1",
        )
        .bind(centre_id)
        .fetch_optional(pool)
        .await
    })
}

/// The accounts of a centre as (first name, last name, email), by last name.
pub async fn users(db: &Db, centre_id: i64) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT first_name, last_name, email FROM users WHERE centre_id = $1 AND deleted_at IS NULL ORDER BY last_name")
            .bind(centre_id)
            .fetch_all(pool)
            .await
    })
}

/// The caller's own centre (a centre user sees only theirs): id, name, management mode.
pub async fn own(db: &Db, ctx: &Ctx) -> Result<Option<(i64, String, ManagementMode)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT c.id, c.name, c.management_mode FROM centres c JOIN users u ON u.centre_id = c.id WHERE u.id = $1")
            .bind(ctx.user_id)
            .fetch_optional(pool)
            .await
    })
}

/// Creates (`centre_id` 0) or updates a centre; `None` when the centre to update does not exist.
pub async fn save(db: &Db, centre_id: i64, centre: &Centre, commune_name: &str) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    let c = centre;
    let nda = c.nda.as_ref().map(|n| n.as_str().to_string());
    let email = c.contact_email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default();
    let phone = c.contact_phone.as_ref().map(|p| p.to_string()).unwrap_or_default();
    let sql = if centre_id == 0 {
        "INSERT INTO centres (name, siret, nda, address_line, postal_code, commune_name, contact_name, contact_email,
            contact_phone, management_mode, default_hourly_rate_cents, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id"
    } else {
        "UPDATE centres SET name = $1, siret = $2, nda = $3, address_line = $4, postal_code = $5, commune_name = $6,
            contact_name = $7, contact_email = $8, contact_phone = $9, management_mode = $10, default_hourly_rate_cents = $11
         WHERE id = $12 RETURNING id"
    };
    on_db!(db, |pool| {
        let query = sqlx::query_scalar::<_, i64>(sql)
            .bind(&c.name)
            .bind(c.siret.as_str())
            .bind(&nda)
            .bind(&c.address_line)
            .bind(c.postal_code.as_str())
            .bind(commune_name)
            .bind(&c.contact_name)
            .bind(&email)
            .bind(&phone)
            .bind(c.management_mode)
            .bind(c.default_hourly_rate.cents());
        if centre_id == 0 { query.bind(at) } else { query.bind(centre_id) }.fetch_optional(pool).await
    })
}

// ---------------------------------------------------------------------------------------------
// Pay grids

#[derive(sqlx::FromRow)]
pub struct RateRow {
    pub id: i64,
    pub domain_code: Option<String>,
    pub format: Option<Format>,
    pub group_kind: Option<GroupKind>,
    pub min_hours: i64,
    pub max_hours: Option<i64>,
    pub hourly_rate_cents: i64,
}

impl RateRow {
    pub fn pay_rate(&self) -> PayRate {
        PayRate {
            domain_code: self.domain_code.clone(),
            format: self.format,
            group: self.group_kind,
            min_hours: self.min_hours,
            max_hours: self.max_hours,
            hourly_rate: Money::from_cents(self.hourly_rate_cents),
        }
    }
}

pub async fn rates(db: &Db, centre_id: i64) -> Result<Vec<RateRow>, sqlx::Error> {
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

/// The centre's default rate and grid; `None` when the centre does not exist.
pub async fn grid(db: &Db, centre_id: i64) -> Result<Option<(Money, Vec<PayRate>)>, sqlx::Error> {
    let default: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT default_hourly_rate_cents FROM centres WHERE id = $1").bind(centre_id).fetch_optional(pool).await
    })?;
    let Some(default) = default else { return Ok(None) };
    let lines = rates(db, centre_id).await?.iter().map(RateRow::pay_rate).collect();
    Ok(Some((Money::from_cents(default), lines)))
}

/// Adds a line to the grid of an existing centre; `false` when the centre does not exist.
pub async fn add_rate(db: &Db, centre_id: i64, line: &PayRateLine) -> Result<bool, sqlx::Error> {
    let inserted = on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO pay_rates (centre_id, domain_code, format, group_kind, min_hours, max_hours, hourly_rate_cents)
             SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM centres WHERE id = $1)",
        )
        .bind(centre_id)
        .bind(&line.domain_code)
        .bind(line.format)
        .bind(line.group)
        .bind(line.min_hours)
        .bind(line.max_hours)
        .bind(line.hourly_rate.cents())
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(inserted > 0)
}

/// `false` when there was no such line.
pub async fn delete_rate(db: &Db, rate_id: i64) -> Result<bool, sqlx::Error> {
    let deleted =
        on_db!(db, |pool| sqlx::query("DELETE FROM pay_rates WHERE id = $1").bind(rate_id).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}
