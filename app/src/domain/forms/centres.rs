//! Typed forms of the centres area: a partner centre and a line of its pay grid.

use serde::{Deserialize, Serialize};

use crate::domain::form::{limit, FieldErrors};
use crate::domain::missions::{Format, GroupKind, ManagementMode};
use crate::domain::{Email, Money, Nda, Phone, PostalCode, Siret};

fn filled(value: &str) -> Option<&str> {
    let v = value.trim();
    (!v.is_empty()).then_some(v)
}

/// A partner centre, as typed by staff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreForm {
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

/// A valid centre. The server also checks that the postal code names a commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Centre {
    pub name: String,
    pub siret: Siret,
    pub nda: Option<Nda>,
    pub address_line: String,
    pub postal_code: PostalCode,
    pub contact_name: String,
    pub contact_email: Option<Email>,
    pub contact_phone: Option<Phone>,
    pub management_mode: ManagementMode,
    pub default_hourly_rate: Money,
}

impl TryFrom<CentreForm> for Centre {
    type Error = FieldErrors;

    fn try_from(form: CentreForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = form.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "Saisissez le nom du centre.");
        }
        limit(&mut errors, "name", &form.name, 200);
        limit(&mut errors, "address_line", &form.address_line, 300);
        limit(&mut errors, "contact_name", &form.contact_name, 200);
        let siret = errors.check("siret", Siret::parse(&form.siret));
        let nda = filled(&form.nda).map(|n| errors.check("nda", Nda::parse(n)));
        let postal_code = errors.check("postal_code", PostalCode::parse(&form.postal_code));
        let contact_email = filled(&form.contact_email).map(|e| errors.check("contact_email", Email::parse(e)));
        let contact_phone = filled(&form.contact_phone).map(|p| errors.check("contact_phone", Phone::parse(p)));
        let management_mode = ManagementMode::from_code(&form.management_mode);
        if management_mode.is_none() {
            errors.add("management_mode", "Choisissez le mode de gestion.");
        }
        let rate = errors.check("default_hourly_rate", Money::parse(&form.default_hourly_rate));
        match (siret, postal_code, management_mode, rate) {
            (Some(siret), Some(postal_code), Some(management_mode), Some(default_hourly_rate)) if errors.is_empty() => Ok(Centre {
                name,
                siret,
                nda: nda.flatten(),
                address_line: form.address_line.trim().to_string(),
                postal_code,
                contact_name: form.contact_name.trim().to_string(),
                contact_email: contact_email.flatten(),
                contact_phone: contact_phone.flatten(),
                management_mode,
                default_hourly_rate,
            }),
            _ => Err(errors),
        }
    }
}

/// A line of a pay grid, as typed: empty criteria match anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRateForm {
    pub domain_code: String,
    pub format: String,
    pub group_kind: String,
    pub min_hours: String,
    pub max_hours: String,
    pub hourly_rate: String,
}

/// A valid grid line. The server also checks that the domain exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayRateLine {
    pub domain_code: Option<String>,
    pub format: Option<Format>,
    pub group: Option<GroupKind>,
    pub min_hours: i64,
    pub max_hours: Option<i64>,
    pub hourly_rate: Money,
}

impl TryFrom<PayRateForm> for PayRateLine {
    type Error = FieldErrors;

    fn try_from(form: PayRateForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let min_hours = match filled(&form.min_hours) {
            None => 0,
            Some(v) => v.parse::<i64>().ok().filter(|h| *h >= 0).unwrap_or_else(|| {
                errors.add("min_hours", "Indiquez un nombre d'heures.");
                0
            }),
        };
        let max_hours = match filled(&form.max_hours) {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(h) if h >= min_hours => Some(h),
                _ => {
                    errors.add("max_hours", "Le maximum doit être un nombre d'heures au moins égal au minimum.");
                    None
                }
            },
        };
        let rate = errors.check("hourly_rate", Money::parse(&form.hourly_rate));
        if rate.is_some_and(|r| r.cents() == 0) {
            errors.add("hourly_rate", "Le taux horaire ne peut pas être nul.");
        }
        match rate {
            Some(hourly_rate) if errors.is_empty() => Ok(PayRateLine {
                domain_code: filled(&form.domain_code).map(str::to_string),
                format: filled(&form.format).and_then(Format::from_code),
                group: filled(&form.group_kind).and_then(GroupKind::from_code),
                min_hours,
                max_hours,
                hourly_rate,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn centre() -> CentreForm {
        CentreForm {
            name: " FormaPro ".into(),
            siret: "443 061 841 00047".into(),
            nda: String::new(),
            address_line: "25 rue de la République".into(),
            postal_code: "69002".into(),
            contact_name: String::new(),
            contact_email: String::new(),
            contact_phone: String::new(),
            management_mode: "totale".into(),
            default_hourly_rate: "40".into(),
        }
    }

    #[test]
    fn a_complete_centre_is_accepted() {
        let c = Centre::try_from(centre()).unwrap();
        assert_eq!(c.name, "FormaPro");
        assert_eq!(c.management_mode, ManagementMode::Full);
        assert_eq!(c.default_hourly_rate, Money::from_euros(40));
        assert!(c.nda.is_none() && c.contact_email.is_none());
    }

    #[test]
    fn every_centre_error_is_reported_at_once() {
        let bad = CentreForm { name: " ".into(), siret: "123".into(), contact_email: "x".into(), management_mode: "autre".into(), default_hourly_rate: "abc".into(), ..centre() };
        let errors = Centre::try_from(bad).unwrap_err();
        for field in ["name", "siret", "contact_email", "management_mode", "default_hourly_rate"] {
            assert!(errors.get(field).is_some(), "{field} should have an error: {errors:?}");
        }
        assert!(errors.get("postal_code").is_none());
    }

    #[test]
    fn a_grid_line_checks_its_bracket_and_rate() {
        let line = PayRateLine::try_from(PayRateForm { domain_code: "excel".into(), format: "distanciel".into(), min_hours: "35".into(), hourly_rate: "42".into(), ..Default::default() }).unwrap();
        assert_eq!(line.format, Some(Format::Remote));
        assert_eq!((line.min_hours, line.max_hours, line.group), (35, None, None));
        let errors = PayRateLine::try_from(PayRateForm { min_hours: "10".into(), max_hours: "5".into(), hourly_rate: "abc".into(), ..Default::default() }).unwrap_err();
        assert!(errors.get("max_hours").is_some() && errors.get("hourly_rate").is_some());
        let zero = PayRateLine::try_from(PayRateForm { hourly_rate: "0".into(), ..Default::default() }).unwrap_err();
        assert!(zero.get("hourly_rate").is_some());
    }
}
