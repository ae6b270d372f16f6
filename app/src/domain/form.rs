//! Typed forms: a form is one struct of the raw text the user typed (`…Form`), and
//! `TryFrom<…Form>` turns it into a domain value, reporting every field error at once in French.
//! The browser runs the same conversion before sending (errors appear without a round trip);
//! the server runs it again and decides.

use serde::{Deserialize, Serialize};

/// Errors attached to form fields, by field name, in the order of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }

    /// Records the error of a parse result, if any, and returns the value.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The trimmed text, or an error when it is empty or longer than `max` characters.
pub fn required_text(errors: &mut FieldErrors, field: &str, value: &str, max: usize, missing: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, missing);
        None
    } else {
        optional_text(errors, field, value, max)
    }
}

/// The trimmed text, `None` when empty; an error when longer than `max` characters.
pub fn optional_text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.chars().count() > max {
        errors.add(field, format!("Ce champ ne peut pas dépasser {max} caractères (vous en avez saisi {}).", value.chars().count()));
        None
    } else if value.is_empty() {
        None
    } else {
        Some(value.to_string())
    }
}

/// A checkbox: browsers send its value only when it is ticked.
pub fn ticked(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

/// Records an error when `value` is longer than `max` characters (free text has a bound, so a
/// huge submission is refused with a message rather than stored).
pub fn limit(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    let count = value.trim().chars().count();
    if count > max {
        errors.add(field, format!("Ce champ ne peut pas dépasser {max} caractères (vous en avez saisi {count})."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_over_its_bound_is_refused_with_a_french_message() {
        let mut errors = FieldErrors::new();
        limit(&mut errors, "title", &"é".repeat(200), 200);
        assert!(errors.is_empty());
        limit(&mut errors, "title", &"é".repeat(201), 200);
        assert_eq!(errors.get("title"), Some("Ce champ ne peut pas dépasser 200 caractères (vous en avez saisi 201)."));
        assert_eq!(required_text(&mut errors, "name", "  ", 10, "Saisissez le nom."), None);
        assert_eq!(errors.get("name"), Some("Saisissez le nom."));
    }
}
