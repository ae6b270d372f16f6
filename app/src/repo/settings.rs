//! Rule settings (the CPF turnover ceilings and the like) and the weights of the applicants' score,
//! each stored as JSON under its key in `app_meta`.

use crate::domain::ranking::ScoreWeights;
use crate::domain::RuleSettings;
use crate::infra::db::Db;
use crate::on_db;

const SETTINGS_KEY: &str = "rule_settings";

/// The stored settings, or the defaults when none were saved (or the stored JSON is unreadable).
pub async fn rule_settings(db: &Db) -> Result<RuleSettings, sqlx::Error> {
    let stored: Option<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1").bind(SETTINGS_KEY).fetch_optional(pool).await
    })?;
    Ok(match stored {
        None => RuleSettings::default(),
        Some(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
            tracing::error!(error = %e, "stored rule settings unreadable: defaults used");
            RuleSettings::default()
        }),
    })
}

pub async fn save_rule_settings(db: &Db, settings: &RuleSettings) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(settings).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
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

/// The weights of the applicants' score, stored apart from the rule settings.
const WEIGHTS_KEY: &str = "score_weights";

/// The stored weights, or the defaults when none were saved (or the stored JSON is unreadable).
pub async fn score_weights(db: &Db) -> Result<ScoreWeights, sqlx::Error> {
    let stored: Option<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1").bind(WEIGHTS_KEY).fetch_optional(pool).await
    })?;
    Ok(match stored {
        None => ScoreWeights::default(),
        Some(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
            tracing::error!(error = %e, "stored score weights unreadable: defaults used");
            ScoreWeights::default()
        }),
    })
}

pub async fn save_score_weights(db: &Db, weights: &ScoreWeights) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(weights).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
            .bind(WEIGHTS_KEY)
            .bind(&json)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}
