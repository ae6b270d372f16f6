//! Contracts and proof files as PDF, typeset by typst on the server (never in the browser
//! bundle), with the DejaVu fonts shipped in the repository and embedded (subset) in each PDF.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;
use typst::foundations::{Datetime, Dict, IntoValue, Smart};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::domain::contracts::ContractContent;

static TEMPLATE: &str = include_str!("contract.typ");
static FONTS: [&[u8]; 3] = [
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Oblique.ttf"),
];

fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| TypstEngine::builder().main_file(TEMPLATE).fonts(FONTS).build())
}

/// One signature as the signature page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct SignatureFacts {
    pub party: String,
    pub name: String,
    pub identified_by: String,
    pub at: String,
    pub ip: String,
    pub user_agent: String,
    pub document_sha256: String,
}

/// One entry of the proof file.
#[derive(Clone, Debug, Serialize)]
pub struct ProofEntryFacts {
    pub seq: i64,
    pub event: String,
    pub party: String,
    pub signer: String,
    pub identified_by: String,
    pub at: String,
    pub ip: String,
    pub user_agent: String,
    pub document_sha256: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

#[derive(Serialize)]
struct Input<'a> {
    mode: &'a str,
    content: &'a ContractContent,
    signatures: &'a [SignatureFacts],
    entries: &'a [ProofEntryFacts],
    document_sha256: &'a str,
    chain_head: &'a str,
}

/// Whether DejaVu Sans has a glyph for `c` (what it lacks would make PDF/A export fail).
fn covered(c: char) -> bool {
    static FONT: OnceLock<Option<typst::text::Font>> = OnceLock::new();
    FONT.get_or_init(|| typst::text::Font::new(typst::foundations::Bytes::new(FONTS[0]), 0))
        .as_ref()
        .is_some_and(|f| f.info().coverage.contains(c as u32))
}

/// Text as it can be printed: control characters become spaces (line breaks stay), bidi
/// overrides that could reorder what a signer reads are dropped, and characters the font
/// lacks become U+FFFD rather than failing the whole document.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // A break opportunity every 40 characters of an unbroken run (a long address or hash)
    // keeps it inside the page.
    let mut run = 0;
    for c in text.chars() {
        if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}') {
            continue;
        }
        let c = match c {
            '\n' => '\n',
            c if c.is_control() => ' ',
            c if c.is_whitespace() || covered(c) => c,
            _ => '\u{FFFD}',
        };
        if c.is_whitespace() {
            run = 0;
        } else {
            run += 1;
            if run > 40 {
                out.push('\u{200B}');
                run = 1;
            }
        }
        out.push(c);
    }
    out
}

/// Applies `printable` to every string of a JSON value.
fn clean(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(printable(&s)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, clean(v))).collect()),
        other => other,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("typst: {0}")]
    Typst(String),
    #[error("input: {0}")]
    Input(#[from] serde_json::Error),
}

/// What to typeset.
pub enum Document<'a> {
    /// The contract to sign.
    Contract(&'a ContractContent),
    /// The contract followed by its signature page.
    Signed { content: &'a ContractContent, signatures: &'a [SignatureFacts], document_sha256: &'a str, chain_head: &'a str },
    /// The proof file.
    Proof { content: &'a ContractContent, entries: &'a [ProofEntryFacts], document_sha256: &'a str, chain_head: &'a str },
}

/// Typesets a document as PDF/A-2b. `at` is its creation date (kept in the metadata, so that
/// the same input gives the same bytes). CPU-bound: call it from `spawn_blocking`.
pub fn render(document: &Document<'_>, at: DateTime<Utc>) -> Result<Vec<u8>, PdfError> {
    let (mode, content, signatures, entries, document_sha256, chain_head) = match document {
        Document::Contract(c) => ("contract", *c, &[][..], &[][..], "", ""),
        Document::Signed { content, signatures, document_sha256, chain_head } => {
            ("contract", *content, *signatures, &[][..], *document_sha256, *chain_head)
        }
        Document::Proof { content, entries, document_sha256, chain_head } => {
            ("proof", *content, &[][..], *entries, *document_sha256, *chain_head)
        }
    };
    let data = serde_json::to_string(&clean(serde_json::to_value(Input { mode, content, signatures, entries, document_sha256, chain_head })?))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.into_value());
    let doc = engine()
        .compile_with_input(inputs)
        .output
        .map_err(|e| PdfError::Typst(format!("{e:?}")))?;
    let timestamp = Datetime::from_ymd_hms(
        at.year(),
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .map(Timestamp::new_utc);
    let standards = PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| PdfError::Typst(format!("{e:?}")))?;
    let options = PdfOptions {
        ident: Smart::Custom(content.reference.clone()),
        timestamp,
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&doc, &options).map_err(|e| PdfError::Typst(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contracts::{draw_articles, parse_template, MissionTerms, PartyFacts, DEFAULT_TEMPLATE};

    fn sample() -> ContractContent {
        let mut content = ContractContent {
            reference: "MF-2026-000001-1".into(),
            version: 1,
            template_version: 1,
            drawn_on: "4 décembre 2026".into(),
            centre: PartyFacts { name: "FormaPro Lyon".into(), siret: "123 456 789 00012".into(), nda: "84 69 12345 69".into(), address: "12 rue de la République, 69002 Lyon".into(), detail: "Claire Dubois".into() },
            trainer: PartyFacts { name: "Hugo Lefèvre".into(), siret: "987 654 321 00019".into(), nda: "84 69 54321 69".into(), address: "3 place Bellecour, 69002 Lyon".into(), detail: "Micro-entrepreneur".into() },
            mission: MissionTerms { title: "Excel pour débutants".into(), hours: 21, learners: 1, cpf_funded: true, hourly_rate: "45 €".into(), total: "945 €".into(), ..Default::default() },
            articles: Vec::new(),
        };
        content.articles = draw_articles(&parse_template(DEFAULT_TEMPLATE).unwrap(), &content);
        content
    }

    #[test]
    fn a_contract_is_a_pdf_with_its_text_and_embedded_fonts() {
        let at = Utc::now();
        let pdf = render(&Document::Contract(&sample()), at).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("FontFile2"), "fonts are embedded");
        assert!(raw.contains("pdfaid"), "PDF/A metadata");
        // Same input, same bytes: the hash of a contract is stable.
        assert_eq!(pdf, render(&Document::Contract(&sample()), at).unwrap());
    }

    #[test]
    fn the_signature_page_and_the_proof_file_render() {
        let content = sample();
        let hash = "ab".repeat(32);
        let signature = SignatureFacts {
            party: "Le formateur (sous-traitant)".into(),
            name: "Hugo Lefèvre".into(),
            identified_by: "code à usage unique envoyé à h***@exemple.test".into(),
            at: "04/12/2026 10:00 (heure de Paris)".into(),
            ip: "203.0.113.7".into(),
            user_agent: "Firefox".into(),
            document_sha256: hash.clone(),
        };
        let contract = render(&Document::Contract(&content), Utc::now()).unwrap();
        let signed = render(&Document::Signed { content: &content, signatures: &[signature], document_sha256: &hash, chain_head: &hash }, Utc::now()).unwrap();
        assert!(signed.len() > contract.len(), "the signature page is added");
        let entry = ProofEntryFacts {
            seq: 1,
            event: "Contrat établi".into(),
            party: "Plateforme".into(),
            signer: String::new(),
            identified_by: String::new(),
            at: "04/12/2026 10:00".into(),
            ip: String::new(),
            user_agent: String::new(),
            document_sha256: hash.clone(),
            prev_hash: "0".repeat(64),
            entry_hash: hash.clone(),
        };
        let proof = render(&Document::Proof { content: &content, entries: &[entry], document_sha256: &hash, chain_head: "" }, Utc::now()).unwrap();
        assert!(proof.starts_with(b"%PDF-"));
    }

    #[test]
    fn characters_the_font_lacks_or_control_characters_do_not_fail_the_pdf() {
        let mut content = sample();
        content.trainer.address = "3 rue Zhōng 中 \u{7} bis".into();
        content.mission.title = "Excel \u{202E}LTR".into();
        content.centre.detail = "Wei Zhang 张".into();
        assert!(render(&Document::Contract(&content), Utc::now()).is_ok());
        assert_eq!(printable("Zhōng 中\u{7}\u{202E}x"), "Zhōng \u{FFFD} x");
    }

    #[test]
    fn markup_in_values_is_printed_not_interpreted() {
        let mut content = sample();
        content.trainer.name = "#pagebreak() ]) #panic(\"x\")".into();
        content.mission.title = "\\ * _ $ @ <".into();
        assert!(render(&Document::Contract(&content), Utc::now()).is_ok());
    }
}
