//! The clock, in one place so that tests and the app agree on "now" and "today" (Europe/Paris).

use chrono::{DateTime, NaiveDate, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// Today's date in France, which is what "valid until" means to a trainer.
pub fn today() -> NaiveDate {
    now().with_timezone(&chrono_tz::Europe::Paris).date_naive()
}

/// "26/11/2026 18:36", in Paris time.
pub fn paris_datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y %H:%M").to_string()
}

/// "26/11/2026", in Paris time.
pub fn paris_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y").to_string()
}
