//! Small helpers for French sentences built from names: elision ("l'anglais", "d'anglais"),
//! articles, lower-case names inside a sentence, and quoted names.

/// Words starting with an "h aspiré": no elision before them ("le hindi", "de hongrois").
const ASPIRATED_H: &[&str] = &["hindi", "hongrois", "hollandais", "hmong"];

/// Whether an article or "de" before `word` elides: a vowel sound (a vowel, or a mute h).
pub fn elides(word: &str) -> bool {
    let lower = word.to_lowercase();
    let Some(first) = lower.chars().next() else { return false };
    if first == 'h' {
        return !ASPIRATED_H.iter().any(|w| lower.starts_with(w));
    }
    "aàâäeéèêëiîïoôöuùûüyœæ".contains(first)
}

/// The name with its first letter in lower case: language names inside a sentence
/// ("Anglais" → "anglais", "Français langue étrangère (FLE)" → "français langue étrangère (FLE)").
pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether the name is feminine. The platform's language names are masculine, except the ones
/// built on "langue" ("la langue des signes française").
fn feminine(name: &str) -> bool {
    name.to_lowercase().starts_with("langue")
}

/// "de" before a name without article: "d'anglais", "de français" ("le test d'anglais").
pub fn de(name: &str) -> String {
    if elides(name) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// The definite article: "l'anglais", "le français", "la langue des signes française".
pub fn le(name: &str) -> String {
    if elides(name) {
        format!("l'{name}")
    } else if feminine(name) {
        format!("la {name}")
    } else {
        format!("le {name}")
    }
}

/// "de" with the definite article: "de l'anglais", "du français", "de la langue des signes française".
pub fn du(name: &str) -> String {
    if elides(name) {
        format!("de l'{name}")
    } else if feminine(name) {
        format!("de la {name}")
    } else {
        format!("du {name}")
    }
}

/// A name between French quotation marks: « Excel ».
pub fn quoted(name: &str) -> String {
    format!("« {name} »")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elision_before_vowels_and_mute_h() {
        assert!(elides("anglais"));
        assert!(elides("Italien"));
        assert!(elides("espagnol"));
        assert!(elides("hébreu"));
        assert!(elides("ukrainien"));
        assert!(!elides("français"));
        assert!(!elides("hindi"));
        assert!(elides("Excel"));
        assert!(!elides("Word"));
        assert!(!elides(""));
    }

    #[test]
    fn de_elides() {
        assert_eq!(de("anglais"), "d'anglais");
        assert_eq!(de("allemand"), "d'allemand");
        assert_eq!(de("hébreu"), "d'hébreu");
        assert_eq!(de("français"), "de français");
        assert_eq!(de("hindi"), "de hindi");
    }

    #[test]
    fn articles_elide_and_agree() {
        assert_eq!(le("anglais"), "l'anglais");
        assert_eq!(le("italien"), "l'italien");
        assert_eq!(le("français"), "le français");
        assert_eq!(le("hindi"), "le hindi");
        assert_eq!(le("langue des signes française"), "la langue des signes française");
        assert_eq!(du("anglais"), "de l'anglais");
        assert_eq!(du("espagnol"), "de l'espagnol");
        assert_eq!(du("français"), "du français");
        assert_eq!(du("langue des signes française"), "de la langue des signes française");
    }

    #[test]
    fn names_inside_sentences() {
        assert_eq!(lower_first("Anglais"), "anglais");
        assert_eq!(lower_first("Français langue étrangère (FLE)"), "français langue étrangère (FLE)");
        assert_eq!(lower_first("Écossais"), "écossais");
        assert_eq!(lower_first(""), "");
        assert_eq!(quoted("Excel"), "« Excel »");
    }
}
