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
    let data = serde_json::to_string(&Input { mode, content, signatures, entries, document_sha256, chain_head })?;
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
    fn markup_in_values_is_printed_not_interpreted() {
        let mut content = sample();
        content.trainer.name = "#pagebreak() ]) #panic(\"x\")".into();
        content.mission.title = "\\ * _ $ @ <".into();
        assert!(render(&Document::Contract(&content), Utc::now()).is_ok());
    }
}
