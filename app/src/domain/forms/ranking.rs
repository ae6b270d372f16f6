//! Typed form of the score weights staff set on the rules page.

use serde::{Deserialize, Serialize};

use crate::domain::form::FieldErrors;
use crate::domain::ranking::{ScoreWeights, MAX_WEIGHT};

/// The weights as typed: one whole number from 0 to 100 per part of the score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreWeightsForm {
    pub level: String,
    pub test_score: String,
    pub freshness: String,
    pub distance: String,
    pub experience: String,
    pub language: String,
}

impl ScoreWeightsForm {
    /// The form filled with the weights in force.
    pub fn from_weights(w: &ScoreWeights) -> Self {
        Self {
            level: w.level.to_string(),
            test_score: w.test_score.to_string(),
            freshness: w.freshness.to_string(),
            distance: w.distance.to_string(),
            experience: w.experience.to_string(),
            language: w.language.to_string(),
        }
    }
}

fn weight(errors: &mut FieldErrors, field: &str, value: &str) -> u32 {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, "Indiquez un poids (0 pour ne pas en tenir compte).");
        return 0;
    }
    match value.parse::<i64>() {
        Ok(n) if (0..=i64::from(MAX_WEIGHT)).contains(&n) => n as u32,
        Ok(_) => {
            errors.add(field, format!("Le poids va de 0 à {MAX_WEIGHT}."));
            0
        }
        Err(_) => {
            errors.add(field, format!("Saisissez un nombre entier de 0 à {MAX_WEIGHT}."));
            0
        }
    }
}

impl TryFrom<ScoreWeightsForm> for ScoreWeights {
    type Error = FieldErrors;

    fn try_from(form: ScoreWeightsForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let weights = ScoreWeights {
            level: weight(&mut errors, "level", &form.level),
            test_score: weight(&mut errors, "test_score", &form.test_score),
            freshness: weight(&mut errors, "freshness", &form.freshness),
            distance: weight(&mut errors, "distance", &form.distance),
            experience: weight(&mut errors, "experience", &form.experience),
            language: weight(&mut errors, "language", &form.language),
        };
        if errors.is_empty() { Ok(weights) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_from_0_to_100_are_accepted() {
        let form = ScoreWeightsForm::from_weights(&ScoreWeights::default());
        assert_eq!(ScoreWeights::try_from(form), Ok(ScoreWeights::default()));
        let form = ScoreWeightsForm { level: " 0 ".into(), test_score: "100".into(), ..ScoreWeightsForm::from_weights(&ScoreWeights::default()) };
        let w = ScoreWeights::try_from(form).unwrap();
        assert_eq!((w.level, w.test_score), (0, 100));
    }

    #[test]
    fn every_wrong_weight_is_reported_in_french() {
        let form = ScoreWeightsForm {
            level: "".into(),
            test_score: "101".into(),
            freshness: "-1".into(),
            distance: "2,5".into(),
            experience: "dix".into(),
            language: "10".into(),
        };
        let errors = ScoreWeights::try_from(form).unwrap_err();
        assert_eq!(errors.get("level"), Some("Indiquez un poids (0 pour ne pas en tenir compte)."));
        assert_eq!(errors.get("test_score"), Some("Le poids va de 0 à 100."));
        assert_eq!(errors.get("freshness"), Some("Le poids va de 0 à 100."));
        assert_eq!(errors.get("distance"), Some("Saisissez un nombre entier de 0 à 100."));
        assert_eq!(errors.get("experience"), Some("Saisissez un nombre entier de 0 à 100."));
        assert_eq!(errors.get("language"), None);
        assert_eq!(errors.0.len(), 5);
    }

    #[test]
    fn missing_or_unknown_stored_fields_fall_back_to_the_defaults() {
        let w: ScoreWeights = serde_json::from_str(r#"{"level": 50, "future_part": 3}"#).unwrap();
        assert_eq!(w, ScoreWeights { level: 50, ..ScoreWeights::default() });
    }
}
