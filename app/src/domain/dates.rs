//! Calendar helpers: French formatting and parsing of dates typed in forms.

use chrono::{Datelike, Months, NaiveDate};
use thiserror::Error;

const MONTHS: [&str; 12] = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
];

/// "3 mars 2026", "1er avril 2024".
pub fn french_date(date: NaiveDate) -> String {
    let day = date.day();
    let month = MONTHS[date.month0() as usize];
    if day == 1 {
        format!("1er {month} {}", date.year())
    } else {
        format!("{day} {month} {}", date.year())
    }
}

/// "03/03/2026", for compact tables.
pub fn short_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    #[error("Saisissez une date.")]
    Empty,
    #[error("Cette date n'est pas valide : utilisez le format jj/mm/aaaa.")]
    Malformed,
}

/// Accepts the ISO form sent by `<input type="date">` and the French "jj/mm/aaaa".
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(DateError::Empty);
    }
    NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(input, "%d/%m/%Y"))
        .map_err(|_| DateError::Malformed)
}

/// Adds whole months, clamping to the end of shorter months (31 Jan + 1 month = 28/29 Feb).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_read_the_french_way() {
        assert_eq!(french_date(d(2026, 3, 3)), "3 mars 2026");
        assert_eq!(french_date(d(2024, 4, 1)), "1er avril 2024");
        assert_eq!(french_date(d(2025, 8, 15)), "15 août 2025");
        assert_eq!(short_date(d(2026, 3, 3)), "03/03/2026");
    }

    #[test]
    fn forms_may_send_iso_or_french_dates() {
        assert_eq!(parse_date("2026-03-03"), Ok(d(2026, 3, 3)));
        assert_eq!(parse_date("03/03/2026"), Ok(d(2026, 3, 3)));
        assert_eq!(parse_date("31/02/2026"), Err(DateError::Malformed));
        assert_eq!(parse_date(" "), Err(DateError::Empty));
    }

    #[test]
    fn adding_months_clamps_to_month_end() {
        assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(add_months(d(2025, 3, 3), 12), d(2026, 3, 3));
    }
}
