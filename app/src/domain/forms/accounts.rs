//! Typed forms of the accounts area: registration, login, password change and reset.

use serde::{Deserialize, Serialize};

use crate::domain::form::{required_text, ticked, FieldErrors};
use crate::domain::password::{check_password_shape, PasswordError};
use crate::domain::Email;
use crate::session::Role;

/// The registration form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    #[serde(default)]
    pub accept_terms: Option<String>,
}

/// A valid registration. The server also refuses common passwords (its list is not shipped to
/// the browser).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub password: String,
}

/// A rule a new password must pass, given the account's email: the shape rules here (the
/// browser's), or the server's, which adds the list of common passwords.
pub type PasswordRule = fn(&str, &str) -> Result<(), PasswordError>;

impl TryFrom<RegisterForm> for Registration {
    type Error = FieldErrors;

    fn try_from(form: RegisterForm) -> Result<Self, FieldErrors> {
        Registration::parse(form, check_password_shape)
    }
}

impl Registration {
    /// The conversion with the password checked by `rule`; every field error at once.
    pub fn parse(form: RegisterForm, rule: PasswordRule) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first_name = required_text(&mut errors, "first_name", &form.first_name, 100, "Saisissez votre prénom.");
        let last_name = required_text(&mut errors, "last_name", &form.last_name, 100, "Saisissez votre nom.");
        let email = errors.check("email", Email::parse(&form.email));
        let email_text = email.as_ref().map_or("", |e| e.as_str());
        errors.check("password", rule(&form.password, email_text));
        check_confirmation(&mut errors, "password_confirm", &form.password, &form.password_confirm);
        if !ticked(&form.accept_terms) {
            errors.add(
                "accept_terms",
                "Vous devez accepter les conditions d'utilisation et la politique de confidentialité pour créer un compte.",
            );
        }
        match (first_name, last_name, email) {
            (Some(first_name), Some(last_name), Some(email)) if errors.is_empty() => {
                Ok(Registration { first_name, last_name, email, password: form.password })
            }
            _ => Err(errors),
        }
    }
}

/// The two new-password fields must match.
pub fn check_confirmation(errors: &mut FieldErrors, field: &str, password: &str, confirmation: &str) {
    if password != confirmation {
        errors.add(field, "Les deux mots de passe ne sont pas identiques.");
    }
}

/// The login form, as typed. `next` is where to go afterwards (same-site paths only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
}

/// Login credentials: both typed. The email is only normalised, never refused for its shape
/// (an old address must still reach the usual "incorrect" answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// Lower-cased and trimmed: also the login-throttling key.
    pub email: String,
    pub password: String,
    pub next: Option<String>,
}

impl TryFrom<LoginForm> for LoginAttempt {
    type Error = FieldErrors;

    fn try_from(form: LoginForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = form.email.trim().to_lowercase();
        if email.is_empty() {
            errors.add("email", "Saisissez votre adresse e-mail.");
        } else if email.chars().count() > 254 {
            // No address is longer: refused before it is used as a login-throttling key.
            errors.add("email", "Cette adresse e-mail est trop longue (254 caractères au plus).");
        }
        if form.password.is_empty() {
            errors.add("password", "Saisissez votre mot de passe.");
        }
        if errors.is_empty() {
            Ok(LoginAttempt { email, password: form.password, next: form.next })
        } else {
            Err(errors)
        }
    }
}

/// The "forgotten password" form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForgotPasswordForm {
    pub email: String,
}

impl TryFrom<ForgotPasswordForm> for Email {
    type Error = FieldErrors;

    fn try_from(form: ForgotPasswordForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        match errors.check("email", Email::parse(&form.email)) {
            Some(email) => Ok(email),
            None => Err(errors),
        }
    }
}

/// A new password typed twice (reset link), with the link's token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPasswordForm {
    pub token: String,
    pub password: String,
    pub password_confirm: String,
}

/// The password change of a logged-in user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePasswordForm {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// A new password that has the right shape for `email` and was typed the same twice. The
/// server also refuses common passwords.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPassword(pub String);

impl NewPassword {
    pub fn check(field: &str, confirm_field: &str, password: &str, confirmation: &str, email: &str) -> Result<Self, FieldErrors> {
        Self::check_with(check_password_shape, field, confirm_field, password, confirmation, email)
    }

    /// The same with the password checked by `rule`.
    pub fn check_with(
        rule: PasswordRule,
        field: &str,
        confirm_field: &str,
        password: &str,
        confirmation: &str,
        email: &str,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check(field, rule(password, email));
        check_confirmation(&mut errors, confirm_field, password, confirmation);
        if errors.is_empty() {
            Ok(NewPassword(password.to_string()))
        } else {
            Err(errors)
        }
    }
}

/// An account created by staff for a colleague or a partner centre (field `role`: `staff` or
/// `centre`), as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccountForm {
    pub role: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// A valid account to create by invitation. Trainers register themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
}

impl TryFrom<StaffAccountForm> for StaffAccount {
    type Error = FieldErrors;

    fn try_from(form: StaffAccountForm) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let role = match Role::from_code(&form.role) {
            Some(Role::Trainer) | None => {
                errors.add("role", "Choisissez « Équipe » ou « Centre de formation » (les formateurs s'inscrivent eux-mêmes).");
                None
            }
            Some(role) => Some(role),
        };
        let first_name = required_text(&mut errors, "first_name", &form.first_name, 100, "Saisissez le prénom.");
        let last_name = required_text(&mut errors, "last_name", &form.last_name, 100, "Saisissez le nom.");
        let email = errors.check("email", Email::parse(&form.email));
        match (role, first_name, last_name, email) {
            (Some(role), Some(first_name), Some(last_name), Some(email)) if errors.is_empty() => {
                Ok(StaffAccount { role, first_name, last_name, email })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RegisterForm {
        RegisterForm {
            first_name: " Camille ".into(),
            last_name: "Martin".into(),
            email: "Camille.Martin@Exemple.fr".into(),
            password: "cheval agrafe pile correcte".into(),
            password_confirm: "cheval agrafe pile correcte".into(),
            accept_terms: Some("on".into()),
        }
    }

    #[test]
    fn a_complete_registration_is_accepted_and_trimmed() {
        let registration = Registration::try_from(form()).unwrap();
        assert_eq!(registration.first_name, "Camille");
        assert_eq!(registration.email.as_str(), "camille.martin@exemple.fr");
    }

    #[test]
    fn every_field_error_is_reported_at_once() {
        let bad = RegisterForm { first_name: " ".into(), email: "pas-une-adresse".into(), password_confirm: "autre".into(), accept_terms: None, ..form() };
        let errors = Registration::try_from(bad).unwrap_err();
        for field in ["first_name", "email", "password_confirm", "accept_terms"] {
            assert!(errors.get(field).is_some(), "{field} should have an error: {errors:?}");
        }
        assert!(errors.get("last_name").is_none());
    }

    #[test]
    fn login_needs_both_fields_and_normalises_the_email() {
        let errors = LoginAttempt::try_from(LoginForm::default()).unwrap_err();
        assert!(errors.get("email").is_some() && errors.get("password").is_some());
        let ok = LoginAttempt::try_from(LoginForm { email: " A@B.fr ".into(), password: "x".into(), next: None }).unwrap();
        assert_eq!(ok.email, "a@b.fr");
        let huge = LoginForm { email: format!("{}@b.fr", "a".repeat(300)), password: "x".into(), next: None };
        assert!(LoginAttempt::try_from(huge).unwrap_err().get("email").is_some());
    }

    #[test]
    fn a_new_password_must_have_the_shape_and_match_its_confirmation() {
        let errors = NewPassword::check("new_password", "new_password_confirm", "court", "autre", "a@b.fr").unwrap_err();
        assert!(errors.get("new_password").is_some() && errors.get("new_password_confirm").is_some());
        assert!(NewPassword::check("p", "c", "cheval agrafe pile correcte", "cheval agrafe pile correcte", "a@b.fr").is_ok());
    }

    #[test]
    fn staff_create_staff_and_centre_accounts_only() {
        let form = StaffAccountForm { role: "staff".into(), first_name: " Nadia ".into(), last_name: "Rousseau".into(), email: "N@Exemple.fr".into() };
        let account = StaffAccount::try_from(form.clone()).unwrap();
        assert_eq!((account.role, account.first_name.as_str(), account.email.as_str()), (Role::Staff, "Nadia", "n@exemple.fr"));
        let errors = StaffAccount::try_from(StaffAccountForm { role: "trainer".into(), last_name: " ".into(), email: "x".into(), ..form }).unwrap_err();
        for field in ["role", "last_name", "email"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(errors.get("first_name").is_none());
    }
}
