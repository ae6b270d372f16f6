//! Password policy shared by the browser (instant hints) and the server (which also checks the
//! list of common passwords, too large to ship to the browser).

use thiserror::Error;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordError {
    #[error("Le mot de passe doit contenir au moins 12 caractères (vous en avez saisi {0}).")]
    TooShort(usize),
    #[error("Le mot de passe ne peut pas dépasser 128 caractères.")]
    TooLong,
    #[error("Ce mot de passe fait partie des mots de passe les plus courants : choisissez-en un autre, par exemple une phrase de plusieurs mots.")]
    Common,
    #[error("Le mot de passe ne doit pas contenir votre adresse e-mail.")]
    ContainsEmail,
}

/// Checks length (any Unicode character counts as one) and that it does not reuse the email.
pub fn check_password_shape(password: &str, email: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort(chars));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordError::TooLong);
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    let lower = password.to_lowercase();
    if (!email.is_empty() && lower.contains(&email)) || (local.len() >= 6 && lower.contains(local)) {
        return Err(PasswordError::ContainsEmail);
    }
    // Twelve times the same character is as weak as any listed password.
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() <= 2 {
        return Err(PasswordError::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_unicode_characters() {
        assert_eq!(check_password_shape("ééééé-ààààà", "a@b.fr"), Err(PasswordError::TooShort(11)));
        assert!(check_password_shape("éléphant rosé 🐘", "a@b.fr").is_ok());
        assert_eq!(check_password_shape(&"ab".repeat(65), "a@b.fr"), Err(PasswordError::TooLong));
    }

    #[test]
    fn password_may_not_reuse_the_email_or_repeat_one_character() {
        assert_eq!(
            check_password_shape("jeanne.dupont2026!", "jeanne.dupont@exemple.fr"),
            Err(PasswordError::ContainsEmail)
        );
        assert_eq!(check_password_shape("aaaaaaaaaaaaaa", "x@y.fr"), Err(PasswordError::Common));
    }
}
