//! Value types that can only hold valid values, each parsed from user input with a French error.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Keeps only the digits of an input, refusing anything but digits and common separators.
fn digits_of(input: &str, allowed_separators: &[char]) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for c in input.trim().chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !allowed_separators.contains(&c) {
            return None;
        }
    }
    Some(out)
}

const SEPARATORS: &[char] = &[' ', '\u{a0}', '\u{202f}', '.', '-'];

/// Luhn checksum, as used by INSEE for SIREN and SIRET numbers.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

// ---------------------------------------------------------------------------------------------
// NDA

/// Numéro de déclaration d'activité: 11 digits issued by the regional DREETS.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nda(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NdaError {
    #[error("Saisissez votre numéro de déclaration d'activité (NDA).")]
    Empty,
    #[error("Le NDA ne contient que des chiffres (les espaces sont acceptés).")]
    NotDigits,
    #[error("Le NDA comporte 11 chiffres (vous en avez saisi {0}).")]
    WrongLength(usize),
}

impl Nda {
    pub fn parse(input: &str) -> Result<Self, NdaError> {
        if input.trim().is_empty() {
            return Err(NdaError::Empty);
        }
        let digits = digits_of(input, SEPARATORS).ok_or(NdaError::NotDigits)?;
        if digits.len() != 11 {
            return Err(NdaError::WrongLength(digits.len()));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shown grouped as in DREETS documents: "11 75 41412 75".
    pub fn grouped(&self) -> String {
        let d = &self.0;
        format!("{} {} {} {}", &d[0..2], &d[2..4], &d[4..9], &d[9..11])
    }
}

impl fmt::Display for Nda {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl TryFrom<String> for Nda {
    type Error = NdaError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Nda> for String {
    fn from(value: Nda) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// SIREN / SIRET

/// SIREN of La Poste, whose establishments' SIRETs do not follow the Luhn key.
const LA_POSTE_SIREN: &str = "356000000";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SirenError {
    #[error("Saisissez le numéro SIREN.")]
    Empty,
    #[error("Le SIREN ne contient que des chiffres (les espaces sont acceptés).")]
    NotDigits,
    #[error("Le SIREN comporte 9 chiffres (vous en avez saisi {0}).")]
    WrongLength(usize),
    #[error("Ce numéro SIREN n'existe pas : sa clé de contrôle est fausse. Vérifiez chaque chiffre.")]
    BadKey,
}

/// SIREN: 9 digits identifying a company, with a Luhn key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

impl Siren {
    pub fn parse(input: &str) -> Result<Self, SirenError> {
        if input.trim().is_empty() {
            return Err(SirenError::Empty);
        }
        let digits = digits_of(input, SEPARATORS).ok_or(SirenError::NotDigits)?;
        if digits.len() != 9 {
            return Err(SirenError::WrongLength(digits.len()));
        }
        if !luhn_valid(&digits) {
            return Err(SirenError::BadKey);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{} {} {}", &d[0..3], &d[3..6], &d[6..9])
    }
}

impl TryFrom<String> for Siren {
    type Error = SirenError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Siren> for String {
    fn from(value: Siren) -> Self {
        value.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SiretError {
    #[error("Saisissez le numéro SIRET.")]
    Empty,
    #[error("Le SIRET ne contient que des chiffres (les espaces sont acceptés).")]
    NotDigits,
    #[error("Le SIRET comporte 14 chiffres (vous en avez saisi {0}).")]
    WrongLength(usize),
    #[error("Ce numéro SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez chaque chiffre.")]
    BadKey,
}

/// SIRET: 14 digits identifying an establishment (SIREN + NIC + key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

impl Siret {
    pub fn parse(input: &str) -> Result<Self, SiretError> {
        if input.trim().is_empty() {
            return Err(SiretError::Empty);
        }
        let digits = digits_of(input, SEPARATORS).ok_or(SiretError::NotDigits)?;
        if digits.len() != 14 {
            return Err(SiretError::WrongLength(digits.len()));
        }
        let la_poste_ok = digits.starts_with(LA_POSTE_SIREN)
            && digits.chars().filter_map(|c| c.to_digit(10)).sum::<u32>() % 5 == 0;
        if !(luhn_valid(&digits) || la_poste_ok) {
            return Err(SiretError::BadKey);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn siren(&self) -> &str {
        &self.0[0..9]
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{} {} {} {}", &d[0..3], &d[3..6], &d[6..9], &d[9..14])
    }
}

impl TryFrom<String> for Siret {
    type Error = SiretError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Siret> for String {
    fn from(value: Siret) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// Postal code

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PostalCodeError {
    #[error("Saisissez un code postal.")]
    Empty,
    #[error("Un code postal français comporte 5 chiffres, par exemple 69003.")]
    Malformed,
    #[error("Ce code postal n'existe pas en France : vérifiez les deux premiers chiffres.")]
    UnknownDepartment,
}

/// French postal code: 5 digits, departments 01–95, overseas 97x and 98x.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PostalCode(String);

impl PostalCode {
    pub fn parse(input: &str) -> Result<Self, PostalCodeError> {
        let trimmed: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if trimmed.is_empty() {
            return Err(PostalCodeError::Empty);
        }
        if trimmed.len() != 5 || !trimmed.chars().all(|c| c.is_ascii_digit()) {
            return Err(PostalCodeError::Malformed);
        }
        let department: u32 = trimmed[0..2].parse().map_err(|_| PostalCodeError::Malformed)?;
        if !(1..=95).contains(&department) && department != 97 && department != 98 {
            return Err(PostalCodeError::UnknownDepartment);
        }
        Ok(Self(trimmed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PostalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PostalCode {
    type Error = PostalCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PostalCode> for String {
    fn from(value: PostalCode) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// Email

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailError {
    #[error("Saisissez une adresse e-mail.")]
    Empty,
    #[error("Cette adresse e-mail est trop longue (254 caractères au plus).")]
    TooLong,
    #[error("Cette adresse e-mail n'est pas valide : elle doit ressembler à prenom.nom@exemple.fr.")]
    Malformed,
}

/// An email address, trimmed and lower-cased so that it identifies one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(EmailError::Empty);
        }
        if value.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(EmailError::Malformed);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.chars().count() >= 2);
        let no_forbidden = !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"".contains(c));
        if !(local_ok && domain_ok && no_forbidden) {
            return Err(EmailError::Malformed);
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// Phone

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("Saisissez un numéro de téléphone.")]
    Empty,
    #[error("Ce numéro n'est pas un numéro français valide : 10 chiffres commençant par 0, ou +33 suivi de 9 chiffres.")]
    Malformed,
    #[error("Saisissez un numéro de mobile (06 ou 07).")]
    NotMobile,
}

/// French phone number, stored in its 10-digit national form ("0612345678").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (international, rest) = if let Some(rest) = raw.strip_prefix('+') {
            (true, rest)
        } else {
            (false, raw)
        };
        let mut digits = digits_of(rest, &[' ', '\u{a0}', '.', '-', '(', ')'])
            .ok_or(PhoneError::Malformed)?;
        if international || digits.starts_with("0033") {
            let without_prefix = if international {
                digits.strip_prefix("33")
            } else {
                digits.strip_prefix("0033")
            }
            .ok_or(PhoneError::Malformed)?;
            // "+33 (0)6 …" is a frequent way of writing numbers.
            let national = without_prefix.strip_prefix('0').unwrap_or(without_prefix);
            digits = format!("0{national}");
        }
        let bytes = digits.as_bytes();
        if digits.len() != 10 || bytes[0] != b'0' || bytes[1] == b'0' {
            return Err(PhoneError::Malformed);
        }
        Ok(Self(digits))
    }

    /// A mobile number, as needed to reach a trainer quickly.
    pub fn parse_mobile(input: &str) -> Result<Self, PhoneError> {
        let phone = Self::parse(input)?;
        if !phone.is_mobile() {
            return Err(PhoneError::NotMobile);
        }
        Ok(phone)
    }

    pub fn is_mobile(&self) -> bool {
        self.0.starts_with("06") || self.0.starts_with("07")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{} {} {} {} {}", &d[0..2], &d[2..4], &d[4..6], &d[6..8], &d[8..10])
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

// ---------------------------------------------------------------------------------------------
// Scales

/// Error for any of the closed lists below: the value is not one of the choices offered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("« {value} » n'est pas un choix possible pour {field}.")]
pub struct ChoiceError {
    pub field: &'static str,
    pub value: String,
}

/// Declares a closed list with a stable code (for storage and forms) and a French label.
macro_rules! closed_list {
    (
        $(#[$meta:meta])*
        $name:ident, $field:literal {
            $($variant:ident => ($code:literal, $label:literal)),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Stable code used in the database and in forms.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// French label shown to users.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            pub fn parse(input: &str) -> Result<Self, ChoiceError> {
                let input = input.trim();
                $(if input.eq_ignore_ascii_case($code) { return Ok($name::$variant); })+
                Err(ChoiceError { field: $field, value: input.to_string() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl TryFrom<String> for $name {
            type Error = ChoiceError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.code().to_string()
            }
        }
    };
}

closed_list! {
    /// CEFR language level, from A1 (beginner) to C2 (mastery). Ordered.
    Cefr, "le niveau de langue" {
        A1 => ("A1", "A1 – Découverte"),
        A2 => ("A2", "A2 – Survie"),
        B1 => ("B1", "B1 – Seuil"),
        B2 => ("B2", "B2 – Avancé"),
        C1 => ("C1", "C1 – Autonome"),
        C2 => ("C2", "C2 – Maîtrise"),
    }
}

closed_list! {
    /// A trainer's competence in a non-language domain, as placed by a competence test. Ordered.
    CompetenceLevel, "le niveau de compétence" {
        Notions => ("notions", "Notions"),
        Intermediate => ("intermediaire", "Intermédiaire"),
        Advanced => ("avance", "Avancé"),
        Expert => ("expert", "Expert"),
        ExpertPlus => ("expert_plus", "Expert +"),
    }
}

closed_list! {
    /// The level of the learners of a mission.
    LearnerLevel, "le niveau des stagiaires" {
        Beginner => ("debutant", "Débutant"),
        Intermediate => ("intermediaire", "Intermédiaire"),
        Expert => ("expert", "Expert"),
    }
}

closed_list! {
    /// What a language mission asks about the trainer's mother tongue.
    NativeRequirement, "l'exigence de langue maternelle" {
        NativeRequired => ("natif", "Natif requis"),
        NonNativeRequired => ("non_natif", "Non-natif requis"),
        Indifferent => ("indifferent", "Indifférent"),
    }
}

closed_list! {
    /// How a trainer is set up legally, which decides what paperwork CPF missions need.
    LegalStatus, "le statut juridique" {
        MicroEntrepreneur => ("micro", "Micro-entrepreneur (régime micro-social)"),
        Company => ("societe", "Société (SASU, EURL, SARL…)"),
        Portage => ("portage", "Portage salarial"),
        Other => ("autre", "Autre"),
    }
}

// ---------------------------------------------------------------------------------------------
// Money

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("Saisissez un montant.")]
    Empty,
    #[error("Ce montant n'est pas valide : écrivez par exemple 45 ou 45,50.")]
    Malformed,
    #[error("Le montant ne peut pas être négatif.")]
    Negative,
    #[error("Ce montant est trop élevé.")]
    TooLarge,
}

/// An amount in euro cents.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Money(i64);

impl Money {
    pub const fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    pub const fn from_euros(euros: i64) -> Self {
        Self(euros * 100)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Parses "45", "45,5", "45.50", "77 700", "77 700,00 €" as a non-negative amount.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        let cleaned: String = input
            .trim()
            .trim_end_matches("HT")
            .trim()
            .trim_end_matches('€')
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .collect();
        if cleaned.is_empty() {
            return Err(MoneyError::Empty);
        }
        if cleaned.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let normalized = cleaned.replace(',', ".");
        let (units, fraction) = match normalized.split_once('.') {
            Some((u, f)) => (u, f),
            None => (normalized.as_str(), ""),
        };
        if units.is_empty()
            || !units.chars().all(|c| c.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.chars().all(|c| c.is_ascii_digit())
        {
            return Err(MoneyError::Malformed);
        }
        if units.len() > 12 {
            return Err(MoneyError::TooLarge);
        }
        let units: i64 = units.parse().map_err(|_| MoneyError::Malformed)?;
        let fraction_cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| MoneyError::Malformed)? * 10,
            _ => fraction.parse().map_err(|_| MoneyError::Malformed)?,
        };
        Ok(Self(units * 100 + fraction_cents))
    }
}

/// Groups thousands with a narrow no-break space, as French typography does.
fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    /// "77 700 €" for whole euros, "45,50 €" otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (euros, cents) = (abs / 100, abs % 100);
        if cents == 0 {
            write!(f, "{sign}{}\u{a0}€", group_thousands(euros))
        } else {
            write!(f, "{sign}{},{cents:02}\u{a0}€", group_thousands(euros))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nda_accepts_grouped_digits_and_shows_them_grouped() {
        let nda = Nda::parse("11 75 41412 75").unwrap();
        assert_eq!(nda.as_str(), "11754141275");
        assert_eq!(nda.to_string(), "11 75 41412 75");
        assert_eq!(Nda::parse("1175414127"), Err(NdaError::WrongLength(10)));
        assert_eq!(Nda::parse("11 75 4141A 75"), Err(NdaError::NotDigits));
        assert_eq!(Nda::parse("  "), Err(NdaError::Empty));
    }

    #[test]
    fn siren_and_siret_follow_luhn() {
        // SIREN of INSEE-published example companies.
        assert!(Siren::parse("732 829 320").is_ok());
        assert_eq!(Siren::parse("732829321"), Err(SirenError::BadKey));
        assert!(Siret::parse("732 829 320 00074").is_ok());
        assert_eq!(Siret::parse("73282932000075"), Err(SiretError::BadKey));
        assert_eq!(Siret::parse("7328293200007"), Err(SiretError::WrongLength(13)));
    }

    #[test]
    fn la_poste_sirets_use_a_digit_sum_multiple_of_five() {
        // 3+5+6 + 0… + 2+5+4 = 25, not a Luhn number but a valid La Poste SIRET.
        let la_poste = "35600000000254";
        assert!(!luhn_valid(la_poste));
        assert!(Siret::parse(la_poste).is_ok());
        // Same sum rule does not apply to other companies.
        assert_eq!(Siret::parse("73282932000254"), Err(SiretError::BadKey));
        // The La Poste SIREN itself is a Luhn number.
        assert!(Siren::parse(LA_POSTE_SIREN).is_ok());
    }

    #[test]
    fn postal_codes_cover_metropole_corsica_and_overseas() {
        for ok in ["75001", "20000", "97400", "98000", "01000", " 69 003 "] {
            assert!(PostalCode::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(PostalCode::parse("00100"), Err(PostalCodeError::UnknownDepartment));
        assert_eq!(PostalCode::parse("96100"), Err(PostalCodeError::UnknownDepartment));
        assert_eq!(PostalCode::parse("7500"), Err(PostalCodeError::Malformed));
        assert_eq!(PostalCode::parse("7500A"), Err(PostalCodeError::Malformed));
    }

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(Email::parse("  Jeanne.Dupont@Exemple.FR ").unwrap().as_str(), "jeanne.dupont@exemple.fr");
        assert!(Email::parse("élodie@exemple.fr").is_ok());
        for bad in ["jeanne", "jeanne@", "@exemple.fr", "jeanne@exemple", "je anne@exemple.fr", "a..b@exemple.fr", "a@exemple.f"] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad}");
        }
    }

    #[test]
    fn phone_numbers_are_normalised_to_national_form() {
        for (input, expected) in [
            ("06 12 34 56 78", "0612345678"),
            ("+33 6 12 34 56 78", "0612345678"),
            ("+33 (0)6 12 34 56 78", "0612345678"),
            ("0033612345678", "0612345678"),
            ("01.23.45.67.89", "0123456789"),
        ] {
            assert_eq!(Phone::parse(input).unwrap().as_str(), expected, "{input}");
        }
        assert_eq!(Phone::parse("0612").unwrap_err(), PhoneError::Malformed);
        assert_eq!(Phone::parse("0012345678").unwrap_err(), PhoneError::Malformed);
        assert_eq!(Phone::parse_mobile("01 23 45 67 89").unwrap_err(), PhoneError::NotMobile);
        assert_eq!(Phone::parse("0612345678").unwrap().to_string(), "06 12 34 56 78");
    }

    #[test]
    fn scales_are_ordered_and_parse_their_codes() {
        assert!(Cefr::C2 > Cefr::C1 && Cefr::B2 > Cefr::A1);
        assert!(CompetenceLevel::ExpertPlus > CompetenceLevel::Expert);
        assert_eq!(Cefr::parse("c1"), Ok(Cefr::C1));
        assert_eq!(LearnerLevel::parse("intermediaire"), Ok(LearnerLevel::Intermediate));
        assert!(NativeRequirement::parse("maybe").is_err());
        assert_eq!(CompetenceLevel::ExpertPlus.label(), "Expert +");
    }

    #[test]
    fn money_parses_french_amounts_and_prints_them() {
        assert_eq!(Money::parse("45").unwrap().cents(), 4500);
        assert_eq!(Money::parse("45,5").unwrap().cents(), 4550);
        assert_eq!(Money::parse("77 700,00 €").unwrap().cents(), 7_770_000);
        assert_eq!(Money::parse("-3"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("4,555"), Err(MoneyError::Malformed));
        assert_eq!(Money::from_euros(83_600).to_string(), "83\u{202f}600\u{a0}€");
        assert_eq!(Money::from_cents(4550).to_string(), "45,50\u{a0}€");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// The Luhn check digit that makes `digits` + key valid.
    fn luhn_key(digits: &str) -> u32 {
        (0..10).find(|k| luhn_valid(&format!("{digits}{k}"))).unwrap_or(0)
    }

    fn change_one_digit(s: &str, at: usize, by: u32) -> String {
        s.chars()
            .enumerate()
            .map(|(i, c)| if i == at { char::from_digit((c.to_digit(10).unwrap_or(0) + by) % 10, 10).unwrap_or('0') } else { c })
            .collect()
    }

    proptest! {
        #[test]
        fn sirens_with_a_correct_key_pass_and_any_changed_digit_fails(body in "[0-9]{8}", at in 0usize..9, by in 1u32..10) {
            let siren = format!("{body}{}", luhn_key(&body));
            prop_assert!(Siren::parse(&siren).is_ok());
            // Spaces as people type them are fine.
            let spaced = format!("{} {} {}", &siren[0..3], &siren[3..6], &siren[6..9]);
            prop_assert!(Siren::parse(&spaced).is_ok());
            prop_assert_eq!(Siren::parse(&change_one_digit(&siren, at, by)), Err(SirenError::BadKey));
        }

        #[test]
        fn sirets_with_a_correct_key_pass_and_any_changed_digit_fails(body in "[0-9]{13}", at in 0usize..14, by in 1u32..10) {
            prop_assume!(!body.starts_with(LA_POSTE_SIREN));
            let siret = format!("{body}{}", luhn_key(&body));
            let parsed = Siret::parse(&siret);
            prop_assert!(parsed.is_ok());
            let parsed = parsed.unwrap();
            let reparsed = Siret::parse(&parsed.to_string());
            prop_assert_eq!(reparsed, Ok(parsed.clone()), "the grouped display parses back");
            let changed = change_one_digit(&siret, at, by);
            prop_assume!(!changed.starts_with(LA_POSTE_SIREN));
            prop_assert_eq!(Siret::parse(&changed), Err(SiretError::BadKey));
        }

        #[test]
        fn any_eleven_digits_are_an_nda_and_display_round_trips(digits in "[0-9]{11}") {
            let nda = Nda::parse(&digits).unwrap();
            prop_assert_eq!(Nda::parse(&nda.grouped()), Ok(nda.clone()));
            prop_assert_eq!(nda.as_str(), digits.as_str());
        }

        #[test]
        fn ndas_of_another_length_are_refused(digits in "[0-9]{1,10}|[0-9]{12,20}") {
            prop_assert_eq!(Nda::parse(&digits), Err(NdaError::WrongLength(digits.len())));
        }

        #[test]
        fn french_mobile_numbers_parse_in_every_common_spelling(prefix in "0[67]", rest in "[0-9]{8}") {
            let national = format!("{prefix}{rest}");
            let phone = Phone::parse_mobile(&national).unwrap();
            let international = format!("+33 {}", &national[1..]);
            prop_assert_eq!(Phone::parse_mobile(&international), Ok(phone.clone()));
            prop_assert_eq!(Phone::parse(&phone.to_string()), Ok(phone));
        }

        #[test]
        fn money_display_parses_back(cents in 0i64..10_000_000_000) {
            let money = Money::from_cents(cents);
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }

        #[test]
        fn parsers_never_panic_on_arbitrary_input(input in "\\PC{0,40}") {
            let _ = Nda::parse(&input);
            let _ = Siret::parse(&input);
            let _ = Siren::parse(&input);
            let _ = PostalCode::parse(&input);
            let _ = Email::parse(&input);
            let _ = Phone::parse(&input);
            let _ = Money::parse(&input);
        }
    }
}
