//! The subcontracting contract: its statuses, the template staff edit (articles with
//! placeholders), the content a contract freezes when it is drawn, and the vigilance rule.
//!
//! A template is plain text: a line starting with `## ` opens an article, blank lines separate
//! paragraphs, `{{mission.titre}}` inserts a value, and an article titled `## [cpf] …` appears
//! only in contracts of CPF-funded missions. Values are inserted as text, never as markup.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::dates::add_months;

/// Where a contract stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContractStatus {
    /// Waiting for one or both signatures.
    ToSign,
    /// Signed by both parties: frozen.
    Signed,
    /// Replaced by a newer version (which must be signed again).
    Superseded,
}

impl ContractStatus {
    pub const ALL: &'static [ContractStatus] = &[ContractStatus::ToSign, ContractStatus::Signed, ContractStatus::Superseded];

    pub fn code(self) -> &'static str {
        match self {
            ContractStatus::ToSign => "a_signer",
            ContractStatus::Signed => "signe",
            ContractStatus::Superseded => "remplace",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContractStatus::ToSign => "À signer",
            ContractStatus::Signed => "Signé",
            ContractStatus::Superseded => "Remplacé par une nouvelle version",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// Who signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignParty {
    Trainer,
    Centre,
}

impl SignParty {
    pub const ALL: &'static [SignParty] = &[SignParty::Trainer, SignParty::Centre];

    pub fn code(self) -> &'static str {
        match self {
            SignParty::Trainer => "formateur",
            SignParty::Centre => "centre",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SignParty::Trainer => "Le formateur (sous-traitant)",
            SignParty::Centre => "Le centre de formation (donneur d'ordre)",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

// ---------------------------------------------------------------------------------------------
// Templates

/// The longest template accepted (characters).
pub const TEMPLATE_MAX_CHARS: usize = 60_000;
/// The longest article title accepted (characters).
pub const TITLE_MAX_CHARS: usize = 200;
/// The marker of an article kept only for CPF-funded missions.
pub const CPF_MARKER: &str = "[cpf]";

/// The values a template may insert, with what each one is.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("contrat.reference", "Référence du contrat"),
    ("contrat.date", "Date d'établissement du contrat"),
    ("centre.nom", "Raison sociale du centre"),
    ("centre.siret", "SIRET du centre"),
    ("centre.nda", "Numéro de déclaration d'activité du centre"),
    ("centre.adresse", "Adresse du centre"),
    ("centre.representant", "Représentant du centre"),
    ("formateur.nom", "Prénom et nom du formateur"),
    ("formateur.siret", "SIRET du formateur"),
    ("formateur.nda", "Numéro de déclaration d'activité du formateur"),
    ("formateur.adresse", "Adresse du formateur"),
    ("formateur.statut", "Statut juridique du formateur"),
    ("mission.titre", "Intitulé de l'action"),
    ("mission.domaine", "Domaine"),
    ("mission.objectif", "Objectif et contenu (description de la mission)"),
    ("mission.format", "Modalité (présentiel, distanciel ; individuel, collectif)"),
    ("mission.lieu", "Lieu de l'action"),
    ("mission.debut", "Date de début"),
    ("mission.fin", "Date de fin"),
    ("mission.rythme", "Rythme"),
    ("mission.heures", "Nombre d'heures"),
    ("mission.stagiaires", "Nombre de stagiaires (« 3 stagiaires »)"),
    ("mission.niveau", "Niveau des stagiaires"),
    ("mission.financement", "Financement"),
    ("mission.taux_horaire", "Taux horaire HT"),
    ("mission.montant_total", "Montant total HT"),
];

/// An article of a template, as written (placeholders not yet replaced).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateArticle {
    pub title: String,
    pub cpf_only: bool,
    pub paragraphs: Vec<String>,
}

/// What is wrong with a template, line by line, in French.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateErrors(pub Vec<String>);

impl std::fmt::Display for TemplateErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

/// Parses and checks a template; every problem is reported, with its line.
pub fn parse_template(text: &str) -> Result<Vec<TemplateArticle>, TemplateErrors> {
    let mut errors = Vec::new();
    if text.chars().count() > TEMPLATE_MAX_CHARS {
        errors.push(format!("Le modèle dépasse {} caractères : raccourcissez-le.", TEMPLATE_MAX_CHARS));
        return Err(TemplateErrors(errors));
    }
    let mut articles: Vec<TemplateArticle> = Vec::new();
    let mut paragraph = String::new();
    let flush = |articles: &mut Vec<TemplateArticle>, paragraph: &mut String| {
        if let Some(last) = articles.last_mut() {
            if !paragraph.trim().is_empty() {
                last.paragraphs.push(paragraph.trim().to_string());
            }
        }
        paragraph.clear();
    };
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim_end();
        if let Some(title) = line.strip_prefix("##").filter(|rest| rest.is_empty() || rest.starts_with(' ')) {
            flush(&mut articles, &mut paragraph);
            let title = title.trim();
            let (cpf_only, title) = match title.strip_prefix(CPF_MARKER) {
                Some(rest) => (true, rest.trim()),
                None => (false, title),
            };
            if title.is_empty() {
                errors.push(format!("Ligne {line_no} : l'article n'a pas de titre."));
            } else if title.chars().count() > TITLE_MAX_CHARS {
                errors.push(format!("Ligne {line_no} : le titre dépasse {TITLE_MAX_CHARS} caractères."));
            }
            check_placeholders(title, line_no, &mut errors);
            articles.push(TemplateArticle { title: title.to_string(), cpf_only, paragraphs: Vec::new() });
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut articles, &mut paragraph);
            continue;
        }
        if articles.is_empty() {
            errors.push(format!("Ligne {line_no} : le texte doit suivre un titre d'article (une ligne qui commence par « ## »)."));
            continue;
        }
        check_placeholders(line, line_no, &mut errors);
        if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        paragraph.push_str(line.trim());
    }
    flush(&mut articles, &mut paragraph);
    if articles.is_empty() && errors.is_empty() {
        errors.push("Le modèle ne contient aucun article : commencez chaque article par une ligne « ## Titre ».".into());
    }
    for article in &articles {
        if article.paragraphs.is_empty() && !article.title.is_empty() {
            errors.push(format!("L'article « {} » n'a pas de texte.", article.title));
        }
    }
    if errors.is_empty() {
        Ok(articles)
    } else {
        Err(TemplateErrors(errors))
    }
}

fn check_placeholders(line: &str, line_no: usize, errors: &mut Vec<String>) {
    let mut rest = line;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            errors.push(format!("Ligne {line_no} : « {{{{ » n'est pas refermé par « }}}} »."));
            return;
        };
        let key = after[..end].trim();
        if !PLACEHOLDERS.iter().any(|(k, _)| *k == key) {
            errors.push(format!("Ligne {line_no} : « {{{{{key}}}}} » n'est pas une valeur connue (voir la liste des valeurs)."));
        }
        rest = &after[end + 2..];
    }
    if rest.contains("}}") {
        errors.push(format!("Ligne {line_no} : « }}}} » sans « {{{{ » correspondant."));
    }
}

/// Replaces the placeholders of a checked text with their values.
fn fill(text: &str, values: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                out.push_str(&values(after[..end].trim()));
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Content

/// One party of the contract, as it stood when the contract was drawn.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyFacts {
    pub name: String,
    pub siret: String,
    pub nda: String,
    pub address: String,
    /// The centre's representative, or the trainer's legal status.
    pub detail: String,
}

/// The mission's terms, already worded for reading.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionTerms {
    pub title: String,
    pub domain: String,
    pub objective: String,
    pub format: String,
    pub place: String,
    pub start: String,
    pub end: String,
    pub rhythm: String,
    pub hours: i64,
    pub learners: i64,
    pub level: String,
    pub cpf_funded: bool,
    pub hourly_rate: String,
    pub total: String,
}

/// An article as it reads in the contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub title: String,
    pub paragraphs: Vec<String>,
}

/// Everything a contract says, frozen when it is drawn: the page and the PDF both show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractContent {
    pub reference: String,
    pub version: i64,
    pub template_version: i64,
    pub drawn_on: String,
    pub centre: PartyFacts,
    pub trainer: PartyFacts,
    pub mission: MissionTerms,
    pub articles: Vec<Article>,
}

/// Draws the articles of a contract from a template: CPF-only articles are kept for
/// CPF-funded missions, placeholders are replaced by the contract's values.
pub fn draw_articles(template: &[TemplateArticle], content: &ContractContent) -> Vec<Article> {
    let values = |key: &str| value_of(content, key);
    template
        .iter()
        .filter(|a| !a.cpf_only || content.mission.cpf_funded)
        .enumerate()
        .map(|(i, a)| Article {
            title: format!("Article {} — {}", i + 1, fill(&a.title, &values)),
            paragraphs: a.paragraphs.iter().map(|p| fill(p, &values)).collect(),
        })
        .collect()
}

fn or_dash(value: &str) -> String {
    if value.trim().is_empty() { "—".into() } else { value.to_string() }
}

fn value_of(c: &ContractContent, key: &str) -> String {
    let m = &c.mission;
    match key {
        "contrat.reference" => c.reference.clone(),
        "contrat.date" => c.drawn_on.clone(),
        "centre.nom" => or_dash(&c.centre.name),
        "centre.siret" => or_dash(&c.centre.siret),
        "centre.nda" => or_dash(&c.centre.nda),
        "centre.adresse" => or_dash(&c.centre.address),
        "centre.representant" => or_dash(&c.centre.detail),
        "formateur.nom" => or_dash(&c.trainer.name),
        "formateur.siret" => or_dash(&c.trainer.siret),
        "formateur.nda" => or_dash(&c.trainer.nda),
        "formateur.adresse" => or_dash(&c.trainer.address),
        "formateur.statut" => or_dash(&c.trainer.detail),
        "mission.titre" => m.title.clone(),
        "mission.domaine" => m.domain.clone(),
        "mission.objectif" => or_dash(&m.objective),
        "mission.format" => m.format.clone(),
        "mission.lieu" => m.place.clone(),
        "mission.debut" => m.start.clone(),
        "mission.fin" => m.end.clone(),
        "mission.rythme" => or_dash(&m.rhythm),
        "mission.heures" => m.hours.to_string(),
        "mission.stagiaires" => if m.learners == 1 { "1 stagiaire".into() } else { format!("{} stagiaires", m.learners) },
        "mission.niveau" => m.level.clone(),
        "mission.financement" => {
            if m.cpf_funded { "Compte personnel de formation (CPF)".into() } else { "hors CPF".into() }
        }
        "mission.taux_horaire" => m.hourly_rate.clone(),
        "mission.montant_total" => m.total.clone(),
        _ => String::new(),
    }
}

/// The total amount of a mission: hours × hourly rate, in cents.
pub fn total_cents(hours: i64, hourly_rate_cents: i64) -> i64 {
    hours.saturating_mul(hourly_rate_cents)
}

// ---------------------------------------------------------------------------------------------
// Obligation de vigilance (L. 8222-1, D. 8222-5)

/// From this total (HT), the centre must obtain an URSSAF attestation from the trainer.
pub const VIGILANCE_THRESHOLD_CENTS: i64 = 500_000;
/// An attestation counts for six months from its date.
pub const VIGILANCE_VALID_MONTHS: u32 = 6;

/// Where the trainer's URSSAF attestation stands for a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Vigilance {
    /// Under the threshold: nothing is asked.
    NotNeeded,
    /// A current attestation is on file, valid until this date (exclusive).
    Valid { until: NaiveDate },
    /// The attestation on file is more than six months old.
    Stale { dated: NaiveDate },
    /// No attestation date declared or no attestation uploaded.
    Missing,
}

impl Vigilance {
    pub fn blocks_signature(self) -> bool {
        matches!(self, Vigilance::Stale { .. } | Vigilance::Missing)
    }
}

/// The vigilance rule: at or over the threshold, an attestation dated less than six months
/// ago and uploaded.
pub fn vigilance(total_cents: i64, attestation_date: Option<NaiveDate>, uploaded: bool, today: NaiveDate) -> Vigilance {
    if total_cents < VIGILANCE_THRESHOLD_CENTS {
        return Vigilance::NotNeeded;
    }
    match attestation_date {
        Some(dated) if uploaded => {
            let until = add_months(dated, VIGILANCE_VALID_MONTHS);
            if today < until { Vigilance::Valid { until } } else { Vigilance::Stale { dated } }
        }
        _ => Vigilance::Missing,
    }
}

// ---------------------------------------------------------------------------------------------
// Signing input

/// How long an emailed signing code stays valid, in minutes.
pub const CODE_VALID_MINUTES: i64 = 15;
/// Wrong codes tolerated before a new code must be asked for.
pub const CODE_MAX_ATTEMPTS: i64 = 5;
/// Codes one signer may ask for one contract in 24 hours.
pub const CODES_PER_DAY: i64 = 10;
/// How long a centre's signing link lets them sign, in days.
pub const LINK_VALID_DAYS: i64 = 7;
/// How long a centre's link still opens the signed documents after that, in days.
pub const LINK_READABLE_DAYS: i64 = 60;
/// A signature waiting longer than this (hours) gets a reminder.
pub const REMIND_AFTER_HOURS: i64 = 48;

/// Reads a six-digit code as typed ("123 456", " 123456 ").
pub fn parse_code(input: &str) -> Result<String, &'static str> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Err("Saisissez le code à 6 chiffres reçu par e-mail.");
    }
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("Le code reçu par e-mail compte 6 chiffres.");
    }
    Ok(digits)
}

/// Reads a SHA-256 typed or pasted on the verification page.
pub fn parse_sha256(input: &str) -> Option<String> {
    let hex: String = input.trim().chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

/// Masks an address for display in the proof: "c***@exemple.test".
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// The template a new installation starts with (version 1). It follows D. 6353-1 (training
/// agreement) and, for CPF-funded missions, R. 6333-6-2 of the Code du travail.
pub const DEFAULT_TEMPLATE: &str = "\
## Objet du contrat
Le centre de formation {{centre.nom}} (le « donneur d'ordre ») confie au formateur {{formateur.nom}} (le « sous-traitant »), qui l'accepte, la réalisation de l'action de formation « {{mission.titre}} » (domaine : {{mission.domaine}}).

Le présent contrat de sous-traitance est conclu par l'intermédiaire de la plateforme Mission Formateur, qui n'est pas partie au contrat.

## Objectif et contenu de l'action
Objectif et contenu de l'action, tels que définis par le donneur d'ordre : {{mission.objectif}}

L'action s'adresse à {{mission.stagiaires}}, de niveau {{mission.niveau}}.

## Durée et période
L'action représente {{mission.heures}} heures de formation, à réaliser du {{mission.debut}} au {{mission.fin}}. Rythme prévu : {{mission.rythme}}.

## Moyens pédagogiques, techniques et d'encadrement
Modalité de l'action : {{mission.format}} ; lieu : {{mission.lieu}}. Le donneur d'ordre met à disposition les locaux ou l'outil de formation à distance, et communique au sous-traitant le programme, les objectifs et les informations utiles sur les stagiaires. Le sous-traitant apporte ses supports pédagogiques et son expertise.

## Modalités de déroulement, de suivi et d'évaluation
Le sous-traitant fait signer la feuille d'émargement par demi-journée, par chaque stagiaire et par lui-même. Il évalue les acquis des stagiaires selon les modalités définies par le donneur d'ordre et lui transmet les feuilles d'émargement et les évaluations à l'issue de l'action. Il signale sans délai toute absence ou difficulté.

## Prix et modalités de paiement
La prestation est rémunérée au taux horaire de {{mission.taux_horaire}} hors taxes, soit un montant total de {{mission.montant_total}} hors taxes pour {{mission.heures}} heures. Le sous-traitant facture le donneur d'ordre à l'issue de l'action, sur la base des heures réalisées et justifiées par les feuilles d'émargement ; la facture est payable à trente jours à compter de sa réception.

## Indépendance du sous-traitant
Le sous-traitant exerce en toute indépendance, sans lien de subordination avec le donneur d'ordre. Il déclare être régulièrement immatriculé (SIRET {{formateur.siret}}) et titulaire d'une déclaration d'activité de prestataire de formation (NDA {{formateur.nda}}), et s'acquitter de ses obligations sociales et fiscales.

## Obligation de vigilance
Lorsque le montant du contrat atteint 5 000 € hors taxes, le sous-traitant remet au donneur d'ordre, à la signature puis tous les six mois jusqu'à la fin de l'exécution, une attestation de vigilance délivrée par l'URSSAF datant de moins de six mois (articles L. 8222-1 et D. 8222-5 du Code du travail).

## Confidentialité
Chaque partie garde confidentielles les informations qu'elle reçoit de l'autre à l'occasion du contrat, notamment les supports, les méthodes et les informations relatives aux stagiaires, pendant toute la durée du contrat et trois ans après son terme.

## Données personnelles
Le sous-traitant ne traite les données personnelles des stagiaires que pour réaliser l'action, selon les instructions du donneur d'ordre, et conformément au règlement (UE) 2016/679 (RGPD). Il ne les communique à aucun tiers et les supprime ou les restitue à la fin de l'action.

## [cpf] Action financée par le Compte personnel de formation
L'action est financée par le Compte personnel de formation. Conformément à l'article R. 6333-6-2 du Code du travail, le présent contrat précise les missions confiées au sous-traitant, le contenu de la formation et ses modalités de validation, les moyens mis en œuvre, les modalités de réalisation et de suivi, la durée, la période de réalisation et le montant de la prestation (articles ci-dessus). Le sous-traitant s'interdit de sous-traiter à son tour tout ou partie de l'action. Le donneur d'ordre transmet le présent contrat à la Caisse des dépôts et consignations.

## Résiliation
En cas de manquement grave de l'une des parties à ses obligations, l'autre partie peut résilier le contrat par lettre recommandée avec accusé de réception, quinze jours après une mise en demeure restée sans effet. Les heures réalisées restent dues.

## Litiges
Le présent contrat est soumis au droit français. Les parties recherchent d'abord une solution amiable ; à défaut, le litige est porté devant le tribunal compétent du siège du donneur d'ordre.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn content(cpf: bool) -> ContractContent {
        ContractContent {
            reference: "MF-12-1".into(),
            version: 1,
            template_version: 1,
            drawn_on: "4 décembre 2026".into(),
            centre: PartyFacts { name: "FormaPro".into(), ..Default::default() },
            trainer: PartyFacts { name: "Hugo Lefèvre".into(), siret: "".into(), ..Default::default() },
            mission: MissionTerms { title: "Excel".into(), hours: 20, cpf_funded: cpf, total: "900 €".into(), ..Default::default() },
            articles: Vec::new(),
        }
    }

    #[test]
    fn the_default_template_is_valid_and_covers_the_training_agreement() {
        let articles = parse_template(DEFAULT_TEMPLATE).expect("default template parses");
        let titles: Vec<&str> = articles.iter().map(|a| a.title.as_str()).collect();
        for needed in ["Objet du contrat", "Durée et période", "Prix et modalités de paiement", "Confidentialité", "Données personnelles", "Indépendance du sous-traitant"] {
            assert!(titles.contains(&needed), "missing article {needed}");
        }
        assert_eq!(articles.iter().filter(|a| a.cpf_only).count(), 1);
    }

    #[test]
    fn cpf_articles_appear_only_for_cpf_missions_and_values_are_filled() {
        let template = parse_template(DEFAULT_TEMPLATE).unwrap();
        let without = draw_articles(&template, &content(false));
        let with = draw_articles(&template, &content(true));
        assert_eq!(with.len(), without.len() + 1);
        assert!(with.iter().any(|a| a.title.contains("Compte personnel de formation")));
        assert!(!without.iter().any(|a| a.title.contains("Compte personnel de formation")));
        assert_eq!(without[0].title, "Article 1 — Objet du contrat");
        let all: String = without.iter().flat_map(|a| a.paragraphs.clone()).collect();
        assert!(all.contains("Hugo Lefèvre") && all.contains("900 €"));
        assert!(!all.contains("{{"));
        // An empty value reads as a dash, never as nothing.
        assert!(all.contains("SIRET —"));
    }

    #[test]
    fn template_errors_name_the_line_and_the_problem() {
        let err = parse_template("Texte avant\n## Titre\nBonjour {{inconnu}} et {{mission.titre\n## \n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Ligne 1"), "{text}");
        assert!(text.contains("{{inconnu}}"), "{text}");
        assert!(text.contains("n'est pas refermé"), "{text}");
        assert!(text.contains("Ligne 4 : l'article n'a pas de titre"), "{text}");
        assert!(parse_template("").is_err());
        assert!(parse_template("## Titre seul\n").unwrap_err().to_string().contains("n'a pas de texte"));
        assert!(parse_template(&"x".repeat(TEMPLATE_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn values_are_inserted_as_text() {
        let template = parse_template("## A\nNom : {{formateur.nom}}").unwrap();
        let mut c = content(false);
        c.trainer.name = "#set page(width: 1pt) {{mission.titre}}".into();
        let drawn = draw_articles(&template, &c);
        // A value that looks like a placeholder or markup stays as it is.
        assert_eq!(drawn[0].paragraphs[0], "Nom : #set page(width: 1pt) {{mission.titre}}");
    }

    #[test]
    fn vigilance_asks_a_recent_attestation_from_5000_euros() {
        let today = d(2026, 12, 4);
        assert_eq!(vigilance(499_999, None, false, today), Vigilance::NotNeeded);
        assert_eq!(vigilance(500_000, None, false, today), Vigilance::Missing);
        assert_eq!(vigilance(500_000, Some(d(2026, 10, 1)), false, today), Vigilance::Missing);
        assert_eq!(vigilance(500_000, Some(d(2026, 10, 1)), true, today), Vigilance::Valid { until: d(2027, 4, 1) });
        assert_eq!(vigilance(800_000, Some(d(2026, 6, 4)), true, today), Vigilance::Stale { dated: d(2026, 6, 4) });
        assert_eq!(vigilance(800_000, Some(d(2026, 6, 5)), true, today), Vigilance::Valid { until: d(2026, 12, 5) });
        assert!(Vigilance::Missing.blocks_signature() && !Vigilance::NotNeeded.blocks_signature());
    }

    #[test]
    fn codes_and_hashes_are_read_leniently_but_checked() {
        assert_eq!(parse_code(" 123 456 ").unwrap(), "123456");
        assert!(parse_code("12345").is_err() && parse_code("12345a").is_err() && parse_code("").is_err());
        let h = "A".repeat(64);
        assert_eq!(parse_sha256(&h).unwrap(), "a".repeat(64));
        assert!(parse_sha256("abc").is_none() && parse_sha256(&"g".repeat(64)).is_none());
        assert_eq!(mask_email("camille@exemple.test"), "c***@exemple.test");
    }
}
