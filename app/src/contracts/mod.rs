//! The subcontracting contract: drawn when a trainer accepts a proposal, read and signed by the
//! trainer and by the centre (as a centre user or through an emailed single-use link), each
//! signature confirmed by an emailed one-time code and written to a hash-chained log; then
//! sealed into a signed PDF with its proof file. Staff edit the versioned template; anyone can
//! check a PDF on the public verification page.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod proof;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::contracts::{ContractContent, ContractStatus, SignParty};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::guard::{guard, public, Allow, ANY_USER, STAFF};

/// Those who sign: trainers and centre users.
#[cfg(feature = "ssr")]
const SIGNERS: Allow = Allow(&[crate::session::Role::Trainer, crate::session::Role::Centre]);

/// One line of the signature journal, as the parties see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalLine {
    pub seq: i64,
    pub at: String,
    pub event: String,
    pub who: String,
    /// Identification, IP and browser: staff only.
    pub detail: Option<String>,
}

/// Where a party's signature stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignerLine {
    pub party: SignParty,
    pub name: String,
    pub signed_at: Option<String>,
}

/// What staff also see about a contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffFacts {
    pub cdc_sent_on: Option<String>,
    pub link: Option<String>,
    pub chain: Result<(), String>,
}

/// A contract as its readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractView {
    pub id: i64,
    pub reference: String,
    pub version: i64,
    pub status: ContractStatus,
    pub mission_id: i64,
    pub content: ContractContent,
    pub pdf_sha256: String,
    pub signed_sha256: Option<String>,
    pub signers: Vec<SignerLine>,
    /// The party the caller may sign for, now.
    pub signing_as: Option<SignParty>,
    /// Why the caller cannot sign yet, and where to fix it.
    pub blocker: Option<(String, Option<String>)>,
    /// The vigilance line ("Attestation URSSAF valable jusqu'au …"), when the amount asks for it.
    pub vigilance: Option<(bool, String)>,
    /// Download addresses: the contract to sign, then the signed one and the proof files.
    pub pdf_url: String,
    pub signed_pdf_url: Option<String>,
    pub proof_json_url: Option<String>,
    pub proof_pdf_url: Option<String>,
    pub journal: Vec<JournalLine>,
    pub newer: Option<i64>,
    pub staff: Option<StaffFacts>,
    /// The address of the signing code's recipient, masked.
    pub code_to: Option<String>,
}

/// A line of "my contracts".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractSummary {
    pub id: i64,
    pub reference: String,
    pub mission_id: i64,
    pub title: String,
    pub status: ContractStatus,
    pub waiting_for: String,
    pub drawn_on: String,
}

/// The contract panel of the staff mission page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionContract {
    pub mission_id: i64,
    pub can_draw: bool,
    /// What changed in the mission since the current contract was drawn.
    pub stale: Option<String>,
    pub current: Option<ContractView>,
    pub versions: Vec<(i64, String, String)>,
}

/// The template page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplatesView {
    pub current_version: i64,
    pub body: String,
    pub versions: Vec<(i64, String, String, String)>,
    pub placeholders: Vec<(String, String)>,
    /// The current template drawn for a sample mission.
    pub preview: Vec<crate::domain::contracts::Article>,
}

/// What the verification page says about a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum VerifyAnswer {
    /// A contract signed on the platform (the signed PDF, or the document both parties signed).
    Signed { reference: String, version: i64, signed_pdf: bool, trainer: String, trainer_at: String, centre: String, centre_at: String, superseded: bool },
    /// A contract drawn on the platform but not (yet) signed by both parties.
    NotSigned { reference: String },
    Unknown,
}

#[server]
pub async fn load_contract(id: i64) -> Result<ContractView, AppError> {
    guard(ANY_USER, |caller| async move { server::view_for_user(&caller.state, &caller.ctx, id).await }).await
}

#[server]
pub async fn my_contracts() -> Result<Vec<ContractSummary>, AppError> {
    guard(SIGNERS, |caller| async move {
        server::list_own(&caller.state, &caller.ctx).await
    })
    .await
}

/// Sends a one-time code to the caller's address, to confirm their signature.
#[server]
pub async fn request_signing_code(contract_id: i64) -> Result<String, AppError> {
    guard(SIGNERS, |caller| async move {
        server::send_code_for_user(&caller.state, &caller.ctx, contract_id).await
    })
    .await
}

/// Signs as the trainer or as a user of the centre.
#[server]
pub async fn sign_contract(contract_id: i64, document: String, consent: Option<String>, code: String) -> Result<(), AppError> {
    guard(SIGNERS, |caller| async move {
        server::sign_for_user(&caller.state, &caller.ctx, contract_id, &document, consent.is_some(), &code).await
    })
    .await
}

/// The contract behind a centre's signing link.
#[server]
pub async fn load_contract_by_link(token: String) -> Result<ContractView, AppError> {
    public(|visitor| async move { server::view_for_link(&visitor.state, &token).await }).await
}

#[server]
pub async fn request_link_code(token: String) -> Result<String, AppError> {
    public(|visitor| async move { server::send_code_for_link(&visitor.state, &token).await }).await
}

#[server]
pub async fn sign_by_link(token: String, document: String, consent: Option<String>, code: String) -> Result<(), AppError> {
    public(|visitor| async move { server::sign_for_link(&visitor.state, &token, &document, consent.is_some(), &code).await }).await
}

#[server]
pub async fn load_mission_contract(mission_id: i64) -> Result<MissionContract, AppError> {
    guard(STAFF, |caller| async move { server::mission_contract(&caller.state, &caller.ctx, mission_id).await }).await
}

/// Draws a new version of the mission's contract (after a change of the mission or template).
#[server]
pub async fn redraw_contract(mission_id: i64) -> Result<(), AppError> {
    guard(STAFF, |caller| async move { server::redraw(&caller.state, &caller.ctx, mission_id).await }).await
}

/// Emails the centre's contact a new signing link (earlier unused links stop working).
#[server]
pub async fn send_centre_link(contract_id: i64) -> Result<(), AppError> {
    guard(STAFF, |caller| async move { server::send_link(&caller.state, contract_id).await.map(drop) }).await
}

/// Records the day a CPF contract was sent to the Caisse des dépôts (empty: not sent).
#[server]
pub async fn record_cdc_sent(contract_id: i64, sent_on: String) -> Result<(), AppError> {
    guard(STAFF, |caller| async move { server::record_cdc(&caller.state, &caller.ctx, contract_id, &sent_on).await }).await
}

#[server]
pub async fn load_templates() -> Result<TemplatesView, AppError> {
    guard(STAFF, |caller| async move { server::templates(&caller.state).await }).await
}

/// Saves the edited template as a new version (contracts already drawn keep theirs).
#[server]
pub async fn save_template(based_on: i64, body: String, note: String) -> Result<i64, AppError> {
    guard(STAFF, |caller| async move { server::save_template(&caller.state, &caller.ctx, based_on, &body, &note).await }).await
}

/// Public: whether a document (by its SHA-256) is a contract signed on the platform.
#[server]
pub async fn verify_contract(sha256: String) -> Result<VerifyAnswer, AppError> {
    public(|visitor| async move { server::verify(&visitor.state, &sha256).await }).await
}
