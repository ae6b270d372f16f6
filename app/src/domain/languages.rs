//! Languages a trainer may speak or teach, by ISO 639-1 code with their French names.

/// (code, French name), the languages most taught in French training centres first.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("fr", "Français"),
    ("en", "Anglais"),
    ("es", "Espagnol"),
    ("de", "Allemand"),
    ("it", "Italien"),
    ("pt", "Portugais"),
    ("nl", "Néerlandais"),
    ("ar", "Arabe"),
    ("zh", "Chinois"),
    ("ja", "Japonais"),
    ("ru", "Russe"),
    ("pl", "Polonais"),
    ("ro", "Roumain"),
    ("tr", "Turc"),
    ("ko", "Coréen"),
    ("el", "Grec"),
    ("sv", "Suédois"),
    ("he", "Hébreu"),
    ("hi", "Hindi"),
    ("uk", "Ukrainien"),
    ("fr-lsf", "Langue des signes française"),
];

/// French name of a language code, if the platform knows it.
pub fn language_name(code: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, name)| *name)
}

/// Whether the code is one of the platform's languages.
pub fn is_known_language(code: &str) -> bool {
    language_name(code).is_some()
}
