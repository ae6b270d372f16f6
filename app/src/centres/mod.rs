//! Partner centres (staff): their details, pay grids and accounts, as server functions.

pub mod pages;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::forms::centres::{CentreForm, PayRateForm};
use crate::domain::missions::ManagementMode;
use crate::domain::Money;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::guard::{guard, STAFF};

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
    pub management_mode: ManagementMode,
    pub default_hourly_rate: Money,
    pub rates: Vec<PayRateView>,
    pub users: Vec<(String, String)>,
}

#[server]
pub async fn list_centres() -> Result<Vec<CentreSummary>, AppError> {
    guard(STAFF, |caller| async move { server::centres(&caller.state.db).await }).await
}

#[server]
pub async fn load_centre(centre_id: i64) -> Result<CentreDetail, AppError> {
    guard(STAFF, |caller| async move { server::centre(&caller.state.db, centre_id).await }).await
}

/// Creates (`centre_id` 0) or edits a centre; returns its id.
#[server]
pub async fn save_centre(centre_id: i64, #[server(flatten)] form: CentreForm) -> Result<i64, AppError> {
    guard(STAFF, |caller| async move { server::save_centre(&caller.state.db, &caller.ctx, centre_id, form).await }).await
}

#[server]
pub async fn add_pay_rate(centre_id: i64, #[server(flatten)] form: PayRateForm) -> Result<(), AppError> {
    guard(STAFF, |caller| async move { server::add_rate(&caller.state.db, centre_id, form).await }).await
}

#[server]
pub async fn delete_pay_rate(rate_id: i64) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        if crate::repo::centres::delete_rate(&caller.state.db, rate_id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Centres and grids: checks and views over the centres repository.

    use super::*;
    use crate::domain::forms::centres::{Centre, PayRateLine};
    use crate::domain::missions::{hourly_rate, Format, GroupKind};
    use crate::domain::{Nda, Siret};
    use crate::error::FieldErrors;
    use crate::guard::Ctx;
    use crate::infra::db::Db;
    use crate::repo;

    pub async fn centres(db: &Db) -> Result<Vec<CentreSummary>, AppError> {
        Ok(repo::centres::list(db)
            .await?
            .into_iter()
            .map(|r| CentreSummary {
                id: r.id,
                name: r.name,
                city: format!("{} {}", r.postal_code, r.commune_name),
                management_mode: r.management_mode.label().to_string(),
                missions: r.missions,
                users: r.users,
            })
            .collect())
    }

    /// The grid's rate for a mission of this centre.
    pub async fn grid_rate(db: &Db, centre_id: i64, domain: &str, format: Format, group: GroupKind, hours: i64) -> Result<Money, AppError> {
        let (default, grid) = repo::centres::grid(db, centre_id).await?.ok_or(AppError::NotFound)?;
        Ok(hourly_rate(&grid, default, domain, format, group, hours))
    }

    pub async fn centre(db: &Db, centre_id: i64) -> Result<CentreDetail, AppError> {
        let row = repo::centres::find(db, centre_id).await?.ok_or(AppError::NotFound)?;
        let domains = repo::missions::domain_labels(db).await?;
        let label = |code: &Option<String>| {
            code.as_ref().map_or("Tous les domaines".to_string(), |c| domains.iter().find(|(d, _)| d == c).map_or(c.clone(), |(_, l)| l.clone()))
        };
        let users = repo::centres::users(db, centre_id).await?;
        let rates = repo::centres::rates(db, centre_id).await?;
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
            rates: rates
                .iter()
                .map(|r| PayRateView {
                    id: r.id,
                    domain: label(&r.domain_code),
                    format: r.format.map_or("Tous formats", Format::label).to_string(),
                    group: r.group_kind.map_or("Individuel ou collectif", GroupKind::label).to_string(),
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

    pub async fn save_centre(db: &Db, ctx: &Ctx, centre_id: i64, form: CentreForm) -> Result<i64, AppError> {
        let postal = form.postal_code.clone();
        let checked = Centre::try_from(form);
        // The commune list lives on the server only.
        let commune = crate::domain::PostalCode::parse(&postal).ok().map(|p| crate::geo::communes(p.as_str()).first().copied());
        let centre = match (checked, commune) {
            (Ok(centre), Some(Some(_))) => centre,
            (result, commune) => {
                let mut errors = result.err().unwrap_or_default();
                if matches!(commune, Some(None)) {
                    errors.add("postal_code", "Ce code postal n'existe pas.");
                }
                return Err(errors.into());
            }
        };
        let commune = crate::geo::communes(centre.postal_code.as_str()).first().map(|c| c.name.to_string()).unwrap_or_default();
        let id = repo::centres::save(db, centre_id, &centre, &commune).await?.ok_or(AppError::NotFound)?;
        tracing::info!(centre_id = id, by = ctx.user_id, "centre saved");
        Ok(id)
    }

    pub async fn add_rate(db: &Db, centre_id: i64, form: PayRateForm) -> Result<(), AppError> {
        let mut errors = FieldErrors::new();
        let domain = form.domain_code.trim().to_string();
        if !domain.is_empty() && repo::missions::domain_language(db, &domain).await?.is_none() {
            errors.add("domain_code", "Domaine inconnu.");
        }
        let line = match PayRateLine::try_from(form) {
            Ok(line) if errors.is_empty() => line,
            Ok(_) => return Err(errors.into()),
            Err(more) => {
                errors.0.extend(more.0);
                return Err(errors.into());
            }
        };
        if repo::centres::add_rate(db, centre_id, &line).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
