//! Profile rules: how complete a trainer's profile is, what it lacks most, what is needed to
//! submit it, and which uploaded files are accepted.

use serde::{Deserialize, Serialize};

/// What completeness reads of a profile: whether each part is filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileFacts {
    pub identity: bool,
    pub mobile_phone: bool,
    pub postal_code: bool,
    pub mobility: bool,
    pub presentation: bool,
    pub experiences: usize,
    pub diplomas: usize,
    pub domains: usize,
    pub languages_with_mother_tongue: bool,
    pub cv: bool,
    pub legal_status_and_siret: bool,
    pub nda: bool,
    pub qualiopi_or_micro_social: bool,
    pub urssaf: bool,
}

/// A part of the profile still to fill, with where to fill it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingItem {
    pub label: String,
    pub href: String,
    /// Part of the minimum needed to submit the profile for verification.
    pub required_to_submit: bool,
    pub weight: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    pub percent: u8,
    /// Most useful first.
    pub missing: Vec<MissingItem>,
}

impl Completeness {
    /// The profile can be submitted once the minimum is there (100 % is not required).
    pub fn can_submit(&self) -> bool {
        self.missing.iter().all(|m| !m.required_to_submit)
    }

    pub fn minimum_missing(&self) -> impl Iterator<Item = &MissingItem> {
        self.missing.iter().filter(|m| m.required_to_submit)
    }
}

/// The minimum to submit, in words, for the profile page.
pub const SUBMIT_MINIMUM: &str =
    "identité (civilité, prénom, nom), téléphone mobile, code postal et commune, au moins un domaine enseigné et votre NDA";

/// Weighs each part by how much it helps staff validate the profile and match missions.
pub fn completeness(facts: &ProfileFacts) -> Completeness {
    // (done, label, page, minimum, weight); weights add up to 100.
    let items: [(bool, &str, &str, bool, u8); 14] = [
        (facts.nda, "Numéro de déclaration d'activité (NDA)", "/profil/administratif", true, 14),
        (facts.domains > 0, "Au moins un domaine enseigné", "/profil/parcours", true, 12),
        (facts.experiences > 0, "Vos expériences professionnelles", "/profil/parcours", false, 10),
        (facts.mobile_phone, "Téléphone mobile", "/profil", true, 8),
        (facts.postal_code, "Code postal et commune", "/profil", true, 8),
        (facts.cv, "Votre CV", "/profil/parcours", false, 8),
        (facts.legal_status_and_siret, "Statut juridique et SIRET", "/profil/administratif", false, 8),
        (facts.identity, "Civilité, prénom et nom", "/profil", true, 6),
        (facts.mobility, "Rayon de mobilité et formats acceptés", "/profil", false, 6),
        (facts.languages_with_mother_tongue, "Vos langues, dont votre langue maternelle", "/profil/parcours", false, 6),
        (facts.diplomas > 0, "Diplômes et certifications", "/profil/parcours", false, 6),
        (facts.qualiopi_or_micro_social, "Certification Qualiopi ou régime micro-social", "/profil/administratif", false, 4),
        (facts.presentation, "Présentation", "/profil", false, 2),
        (facts.urssaf, "Attestation de vigilance URSSAF", "/profil/administratif", false, 2),
    ];
    let percent: u8 = items.iter().filter(|i| i.0).map(|i| i.4).sum();
    let mut missing: Vec<MissingItem> = items
        .iter()
        .filter(|i| !i.0)
        .map(|&(_, label, href, required, weight)| MissingItem {
            label: label.to_string(),
            href: href.to_string(),
            required_to_submit: required,
            weight,
        })
        .collect();
    // Minimum first, then by weight; the array order breaks ties.
    missing.sort_by(|a, b| b.required_to_submit.cmp(&a.required_to_submit).then(b.weight.cmp(&a.weight)));
    Completeness { percent, missing }
}

// ---------------------------------------------------------------------------------------------
// Uploaded documents

pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// The only file formats accepted, recognised by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocumentFormat {
    Pdf,
    Jpeg,
    Png,
}

impl DocumentFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Jpeg => "image/jpeg",
            DocumentFormat::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Jpeg => "jpg",
            DocumentFormat::Png => "png",
        }
    }
}

/// Recognises PDF, JPEG and PNG by their magic bytes, whatever the file is called.
pub fn sniff(bytes: &[u8]) -> Option<DocumentFormat> {
    if bytes.starts_with(b"%PDF-") {
        Some(DocumentFormat::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(DocumentFormat::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(DocumentFormat::Png)
    } else {
        None
    }
}

/// Kinds of documents a trainer can upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    Cv,
    Qualiopi,
    Urssaf,
    Diploma,
    Other,
}

impl DocumentKind {
    pub const ALL: &'static [DocumentKind] =
        &[DocumentKind::Cv, DocumentKind::Qualiopi, DocumentKind::Urssaf, DocumentKind::Diploma, DocumentKind::Other];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Cv => "cv",
            DocumentKind::Qualiopi => "qualiopi",
            DocumentKind::Urssaf => "urssaf",
            DocumentKind::Diploma => "diplome",
            DocumentKind::Other => "autre",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Cv => "CV",
            DocumentKind::Qualiopi => "Certificat Qualiopi",
            DocumentKind::Urssaf => "Attestation de vigilance URSSAF",
            DocumentKind::Diploma => "Diplôme ou certification",
            DocumentKind::Other => "Autre document",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// Why an upload was refused, in words for the trainer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("Choisissez un fichier à envoyer.")]
    Empty,
    #[error("Ce fichier fait {0} Mo : la taille maximale est de 5 Mo. Réduisez-le (par exemple en PDF compressé) et réessayez.")]
    TooLarge(String),
    #[error("Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, pas seulement son nom). Enregistrez-le dans l'un de ces formats.")]
    UnsupportedFormat,
}

/// Checks an upload's size and content; returns its real format.
pub fn check_upload(bytes: &[u8]) -> Result<DocumentFormat, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(UploadError::TooLarge(format!("{:.1}", bytes.len() as f64 / 1_048_576.0).replace('.', ",")));
    }
    sniff(bytes).ok_or(UploadError::UnsupportedFormat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> ProfileFacts {
        ProfileFacts {
            identity: true,
            mobile_phone: true,
            postal_code: true,
            mobility: true,
            presentation: true,
            experiences: 2,
            diplomas: 1,
            domains: 1,
            languages_with_mother_tongue: true,
            cv: true,
            legal_status_and_siret: true,
            nda: true,
            qualiopi_or_micro_social: true,
            urssaf: true,
        }
    }

    #[test]
    fn an_empty_profile_lists_the_minimum_first() {
        let c = completeness(&ProfileFacts::default());
        assert_eq!(c.percent, 0);
        assert!(!c.can_submit());
        let labels: Vec<&str> = c.missing.iter().map(|m| m.label.as_str()).take(5).collect();
        assert_eq!(
            labels,
            vec![
                "Numéro de déclaration d'activité (NDA)",
                "Au moins un domaine enseigné",
                "Téléphone mobile",
                "Code postal et commune",
                "Civilité, prénom et nom"
            ]
        );
        assert_eq!(c.minimum_missing().count(), 5);
    }

    #[test]
    fn a_full_profile_is_complete_and_the_minimum_is_enough_to_submit() {
        assert_eq!(completeness(&full()).percent, 100);
        let minimum = ProfileFacts { identity: true, mobile_phone: true, postal_code: true, domains: 1, nda: true, ..Default::default() };
        let c = completeness(&minimum);
        assert!(c.can_submit());
        assert_eq!(c.percent, 48);
        assert_eq!(c.missing[0].label, "Vos expériences professionnelles");
    }

    #[test]
    fn completeness_rises_with_each_part() {
        let mut facts = ProfileFacts::default();
        let mut last = completeness(&facts).percent;
        facts.nda = true;
        let now = completeness(&facts).percent;
        assert!(now > last);
        last = now;
        facts.cv = true;
        assert!(completeness(&facts).percent > last);
    }

    #[test]
    fn uploads_are_recognised_by_content_not_name() {
        assert_eq!(check_upload(b"%PDF-1.7\n..."), Ok(DocumentFormat::Pdf));
        assert_eq!(check_upload(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Ok(DocumentFormat::Jpeg));
        assert_eq!(check_upload(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Ok(DocumentFormat::Png));
        assert_eq!(check_upload(b"MZ\x90\x00 an executable renamed to .pdf"), Err(UploadError::UnsupportedFormat));
        assert_eq!(check_upload(b"<html><script>"), Err(UploadError::UnsupportedFormat));
        assert_eq!(check_upload(b""), Err(UploadError::Empty));
        let big = vec![b'%'; MAX_DOCUMENT_BYTES + 1];
        assert_eq!(check_upload(&big), Err(UploadError::TooLarge("5,0".into())));
    }
}
