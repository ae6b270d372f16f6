//! Drawing, signing and sealing contracts; who may read and sign them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use leptos::prelude::use_context;

use super::pdf::{self, Document, ProofEntryFacts, SignatureFacts};
use super::proof::{sha256_hex, verify_chain, Entry};
use super::{ContractSummary, ContractView, JournalLine, MissionContract, SignerLine, StaffFacts, TemplatesView, VerifyAnswer};
use crate::domain::contracts::{
    self as rules, draw_articles, mask_email, parse_code, parse_sha256, parse_template, vigilance, ContractContent,
    ContractStatus, MissionTerms, PartyFacts, SignParty, Vigilance,
};
use crate::domain::missions::{Format, MissionStatus};
use crate::domain::{french_date, parse_date, Email, LegalStatus, Money};
use crate::error::AppError;
use crate::guard::Ctx;
use crate::infra::state::AppState;
use crate::infra::time::{now, paris_datetime, today};
use crate::notifications::server::notify;
use crate::repo;
use crate::repo::contracts::{ContractRow, LinkRow, Signature, Signed};
use crate::session::Role;

pub const REMINDER_JOB: &str = "contract_reminders";

// ---------------------------------------------------------------------------------------------
// Drawing

/// A SIRET or NDA as printed ("732 829 320 00074"); kept as stored if it does not parse.
fn grouped_siret(raw: &str) -> String {
    crate::domain::Siret::parse(raw).map(|s| s.to_string()).unwrap_or_else(|_| raw.to_string())
}

fn grouped_nda(raw: &str) -> String {
    crate::domain::Nda::parse(raw).map(|n| n.to_string()).unwrap_or_else(|_| raw.to_string())
}

async fn user_name(state: &AppState, user_id: i64) -> Result<String, AppError> {
    Ok(repo::accounts::find_user_by_id(&state.db, user_id).await?.map(|u| format!("{} {}", u.first_name, u.last_name)).unwrap_or_default())
}

fn place_of(m: &repo::missions::MissionRow) -> String {
    match (m.format, &m.commune_name, &m.postal_code) {
        (Format::Remote, _, _) => "à distance, avec l'outil fourni par le donneur d'ordre".into(),
        (_, Some(c), Some(p)) => format!("{c} ({p})"),
        (_, Some(c), None) => c.clone(),
        _ => "lieu communiqué par le donneur d'ordre".into(),
    }
}

fn address(line: Option<&str>, postal: Option<&str>, commune: Option<&str>) -> String {
    let town = [postal.unwrap_or(""), commune.unwrap_or("")].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
    [line.unwrap_or(""), town.as_str()].iter().filter(|s| !s.trim().is_empty()).copied().collect::<Vec<_>>().join(", ")
}

async fn current_template(state: &AppState) -> Result<repo::contracts::TemplateRow, AppError> {
    repo::contracts::ensure_template(&state.db, rules::DEFAULT_TEMPLATE, now()).await?;
    repo::contracts::current_template(&state.db).await?.ok_or(AppError::Internal)
}

/// Typesets off the async threads.
async fn render(document: OwnedDocument, at: DateTime<Utc>) -> Result<Vec<u8>, AppError> {
    let started = std::time::Instant::now();
    let pdf = tokio::task::spawn_blocking(move || {
        let doc = match &document {
            OwnedDocument::Contract(c) => Document::Contract(c),
            OwnedDocument::Signed { content, signatures, document_sha256, chain_head } => {
                Document::Signed { content, signatures, document_sha256, chain_head }
            }
            OwnedDocument::Proof { content, entries, document_sha256, chain_head } => {
                Document::Proof { content, entries, document_sha256, chain_head }
            }
        };
        pdf::render(&doc, at)
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "contract PDF not rendered");
        AppError::Internal
    })?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, bytes = pdf.len(), "contract PDF rendered");
    Ok(pdf)
}

enum OwnedDocument {
    Contract(ContractContent),
    Signed { content: ContractContent, signatures: Vec<SignatureFacts>, document_sha256: String, chain_head: String },
    Proof { content: ContractContent, entries: Vec<ProofEntryFacts>, document_sha256: String, chain_head: String },
}

/// Draws the next version of a mission's contract from the centre, the chosen trainer, the
/// mission and the current template; tells the trainer and the centre. Returns its id.
pub async fn draw(state: &AppState, mission_id: i64, drawn_by: &str) -> Result<i64, AppError> {
    let db = &state.db;
    let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
    if !matches!(m.status, MissionStatus::Filled | MissionStatus::InProgress) {
        return Err(AppError::Rejected("Le contrat s'établit une fois la mission acceptée par un formateur.".into()));
    }
    let trainer_id = m
        .chosen_trainer_id
        .ok_or_else(|| AppError::Rejected("Aucun formateur n'a encore accepté cette mission.".into()))?;
    let centre = repo::centres::find(db, m.centre_id).await?.ok_or(AppError::NotFound)?;
    let t = repo::contracts::trainer_party(db, trainer_id).await?.ok_or(AppError::NotFound)?;
    let template = current_template(state).await?;
    let articles = parse_template(&template.body).map_err(|e| {
        tracing::error!(version = template.version, error = %e, "stored contract template does not parse");
        AppError::Internal
    })?;
    let version = repo::contracts::next_version(db, mission_id).await?;
    let reference = format!("MF-{mission_id:06}-{version}");
    let total = rules::total_cents(m.hours, m.hourly_rate_cents);
    let at = now();
    let mut content = ContractContent {
        reference: reference.clone(),
        version,
        template_version: template.version,
        drawn_on: french_date(today()),
        centre: PartyFacts {
            name: centre.name.clone(),
            siret: grouped_siret(&centre.siret),
            nda: grouped_nda(centre.nda.as_deref().unwrap_or_default()),
            address: address(Some(&centre.address_line), Some(&centre.postal_code), Some(&centre.commune_name)),
            detail: centre.contact_name.clone(),
        },
        trainer: PartyFacts {
            name: format!("{} {}", t.first_name, t.last_name),
            siret: grouped_siret(t.siret.as_deref().unwrap_or_default()),
            nda: grouped_nda(t.nda.as_deref().unwrap_or_default()),
            address: address(t.address_line.as_deref(), t.postal_code.as_deref(), t.commune_name.as_deref()),
            detail: t.legal_status.as_deref().and_then(|s| LegalStatus::parse(s).ok()).map(|s| s.label().to_string()).unwrap_or_default(),
        },
        mission: MissionTerms {
            title: m.title.clone(),
            domain: m.domain_label.clone(),
            objective: m.description.clone(),
            format: format!("{}, {}", m.format.label().to_lowercase(), m.group_kind.label().to_lowercase()),
            place: place_of(&m),
            start: french_date(m.start_date),
            end: french_date(m.end_date),
            rhythm: m.rhythm.clone(),
            hours: m.hours,
            learners: m.learners_count,
            level: m.learner_level.label().to_lowercase(),
            cpf_funded: m.cpf_funded,
            hourly_rate: Money::from_cents(m.hourly_rate_cents).to_string(),
            total: Money::from_cents(total).to_string(),
        },
        articles: Vec::new(),
    };
    content.articles = draw_articles(&articles, &content);
    let json = serde_json::to_string(&content).map_err(|_| AppError::Internal)?;
    let bytes = render(OwnedDocument::Contract(content.clone()), at).await?;
    let sha = sha256_hex(&bytes);
    let new = repo::contracts::NewContract {
        reference: &reference,
        mission_id,
        version,
        trainer_id,
        centre_id: m.centre_id,
        template_version: template.version,
        content: &json,
        total_cents: total,
        pdf: &bytes,
        pdf_sha256: &sha,
        created_at: at,
        drawn_by,
    };
    let id = repo::contracts::insert(db, &new)
        .await?
        .ok_or_else(|| AppError::Rejected("Une autre version de ce contrat vient d'être établie : rechargez la page.".into()))?;
    tracing::info!(contract_id = id, mission_id, version, "contract drawn");
    let link = format!("/contrats/{id}");
    let text = format!("Votre contrat de sous-traitance pour la mission « {} » est prêt : lisez-le et signez-le.", m.title);
    notify(state, trainer_id, "Contrat prêt à signer", &text, Some(&link)).await;
    for user in repo::contracts::centre_user_ids(db, m.centre_id).await.unwrap_or_default() {
        let text = format!("Le contrat de sous-traitance de la mission « {} » est prêt à signer.", m.title);
        notify(state, user, "Contrat prêt à signer", &text, Some(&link)).await;
    }
    if !centre.contact_email.trim().is_empty() {
        if let Err(e) = send_link(state, id).await {
            tracing::warn!(contract_id = id, error = %e, "centre signing link not sent");
        }
    }
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Who reads a contract.
enum Reader<'a> {
    User { ctx: &'a Ctx, centre_id: Option<i64> },
    Link { token: &'a str, link: LinkRow },
}

fn content_of(row: &ContractRow) -> Result<ContractContent, AppError> {
    serde_json::from_str(&row.content).map_err(|e| {
        tracing::error!(contract_id = row.id, error = %e, "stored contract content does not parse");
        AppError::Internal
    })
}

async fn vigilance_of(state: &AppState, row: &ContractRow) -> Result<Vigilance, AppError> {
    if row.total_cents < rules::VIGILANCE_THRESHOLD_CENTS {
        return Ok(Vigilance::NotNeeded);
    }
    let t = repo::contracts::trainer_party(&state.db, row.trainer_id).await?.unwrap_or_default();
    let uploaded = repo::contracts::has_urssaf_document(&state.db, row.trainer_id).await?;
    Ok(vigilance(row.total_cents, t.urssaf_attestation_date, uploaded, today()))
}

fn vigilance_line(v: Vigilance) -> Option<(bool, String)> {
    match v {
        Vigilance::NotNeeded => None,
        Vigilance::Valid { until } => Some((true, format!("Attestation de vigilance URSSAF valable jusqu'au {}.", french_date(until)))),
        Vigilance::Stale { dated } => Some((false, format!(
            "L'attestation de vigilance URSSAF du {} a plus de six mois : une attestation récente est nécessaire (contrat de 5 000 € HT ou plus).",
            french_date(dated)
        ))),
        Vigilance::Missing => Some((false, "Attestation de vigilance URSSAF manquante : elle est exigée pour un contrat de 5 000 € HT ou plus.".into())),
    }
}

fn party_label(code: &str) -> &'static str {
    match SignParty::from_code(code) {
        Some(SignParty::Trainer) => "Formateur",
        Some(SignParty::Centre) => "Centre de formation",
        None => "Plateforme",
    }
}

async fn build_view(state: &AppState, row: ContractRow, reader: Reader<'_>) -> Result<ContractView, AppError> {
    let db = &state.db;
    let content = content_of(&row)?;
    let at = now();
    let is_staff = matches!(&reader, Reader::User { ctx, .. } if ctx.is_staff());
    let open = row.status == ContractStatus::ToSign;
    let signing_as = match &reader {
        Reader::User { ctx, .. } if ctx.role == Role::Trainer && ctx.user_id == row.trainer_id => Some(SignParty::Trainer),
        Reader::User { ctx, centre_id } if ctx.role == Role::Centre && *centre_id == Some(row.centre_id) => Some(SignParty::Centre),
        Reader::Link { link, .. } if link.can_sign(at) => Some(SignParty::Centre),
        _ => None,
    }
    .filter(|party| open && row.signed_at_by(*party).is_none());
    let vigilance = vigilance_of(state, &row).await?;
    let blocker = match signing_as {
        Some(SignParty::Trainer) if vigilance.blocks_signature() => Some((
            "Ce contrat atteint 5 000 € HT : avant de signer, indiquez la date de votre attestation de vigilance URSSAF (de moins de six mois) dans votre situation administrative et déposez-la dans vos documents.".to_string(),
            Some("/profil/documents".to_string()),
        )),
        _ => None,
    };
    let entries = repo::contracts::log_entries(db, row.id).await?;
    let journal = entries
        .iter()
        .map(|(e, _)| JournalLine {
            seq: e.seq,
            at: DateTime::parse_from_rfc3339(&e.at).map(|d| paris_datetime(d.with_timezone(&Utc))).unwrap_or_else(|_| e.at.clone()),
            event: e.event.clone(),
            who: if e.signer_name.is_empty() { party_label(&e.party).to_string() } else { format!("{} — {}", party_label(&e.party), e.signer_name) },
            detail: (is_staff && !e.ip.is_empty()).then(|| format!("{} · IP {} · {}", e.identified_by, e.ip, e.user_agent)),
        })
        .collect();
    let base = match &reader {
        Reader::Link { token, .. } => format!("/signature/{token}"),
        Reader::User { .. } => format!("/contrats/{}", row.id),
    };
    let sealed = row.signed_sha256.is_some();
    let newer = match &reader {
        Reader::User { ctx, centre_id } if row.status == ContractStatus::Superseded => repo::contracts::for_mission(db, row.mission_id)
            .await?
            .into_iter()
            .find(|c| c.version > row.version && (ctx.is_staff() || c.trainer_id == ctx.user_id || Some(c.centre_id) == *centre_id))
            .map(|c| c.id),
        _ => None,
    };
    let staff = if is_staff {
        let link = repo::contracts::latest_link(db, row.id).await?.map(|(l, sent)| {
            let state = if l.used_at.is_some() {
                "utilisé"
            } else if l.revoked_at.is_some() {
                "remplacé par un lien plus récent"
            } else if l.expires_at <= at {
                "expiré"
            } else {
                "en attente"
            };
            format!("Lien de signature envoyé à {} le {} ({state}).", l.email, paris_datetime(sent))
        });
        Some(StaffFacts {
            cdc_sent_on: row.cdc_sent_on.map(french_date),
            link,
            chain: verify_chain(&entries).map(drop).map_err(|seq| format!("Le journal de signature est altéré à partir de l'entrée {seq}.")),
        })
    } else {
        None
    };
    let code_to = match (&reader, signing_as) {
        (Reader::Link { link, .. }, Some(_)) => Some(mask_email(&link.email)),
        (Reader::User { ctx, .. }, Some(_)) => repo::accounts::email_and_first_name(db, ctx.user_id).await?.map(|(e, _)| mask_email(&e)),
        _ => None,
    };
    let signers = vec![
        SignerLine { party: SignParty::Trainer, name: content.trainer.name.clone(), signed_at: row.trainer_signed_at.map(paris_datetime) },
        SignerLine { party: SignParty::Centre, name: content.centre.name.clone(), signed_at: row.centre_signed_at.map(paris_datetime) },
    ];
    Ok(ContractView {
        id: row.id,
        reference: row.reference.clone(),
        version: row.version,
        status: row.status,
        mission_id: row.mission_id,
        pdf_sha256: row.pdf_sha256.clone(),
        signed_sha256: row.signed_sha256.clone(),
        signers,
        signing_as,
        blocker,
        vigilance: vigilance_line(vigilance),
        pdf_url: format!("{base}/contrat.pdf"),
        signed_pdf_url: sealed.then(|| format!("{base}/contrat-signe.pdf")),
        proof_json_url: sealed.then(|| format!("{base}/preuve.json")),
        proof_pdf_url: sealed.then(|| format!("{base}/preuve.pdf")),
        journal,
        newer,
        staff,
        code_to,
        content,
    })
}

/// Whether a logged-in user may read a contract (its trainer, its centre's users, staff).
pub async fn may_read(state: &AppState, ctx: &Ctx, id: i64) -> Result<bool, AppError> {
    Ok(repo::contracts::readable_by(&state.db, id, ctx.user_id, ctx.is_staff()).await?)
}

pub async fn view_for_user(state: &AppState, ctx: &Ctx, id: i64) -> Result<ContractView, AppError> {
    // Someone else's contract is "not found", exactly like a missing one.
    if !may_read(state, ctx, id).await? {
        return Err(AppError::NotFound);
    }
    let row = repo::contracts::find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let centre_id = if ctx.role == Role::Centre { repo::contracts::centre_of(&state.db, ctx.user_id).await? } else { None };
    build_view(state, row, Reader::User { ctx, centre_id }).await
}

/// The link behind a token, if it still opens its contract.
pub async fn readable_link(state: &AppState, token: &str) -> Result<Option<LinkRow>, AppError> {
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(link) = repo::contracts::find_link(&state.db, &sha256_hex(token.as_bytes())).await?.filter(|l| l.can_read(now())) else {
        return Ok(None);
    };
    // A link sent to a former contact of the centre stops working when the contact changes.
    let Some(row) = repo::contracts::find(&state.db, link.contract_id).await? else { return Ok(None) };
    let current = repo::centres::find(&state.db, row.centre_id).await?.map(|c| c.contact_email.trim().to_lowercase());
    Ok((current.as_deref() == Some(link.email.to_lowercase().as_str())).then_some(link))
}

const VIGILANCE_FIRST: &str = "Ce contrat atteint 5 000 € HT : déposez d'abord une attestation de vigilance URSSAF de moins de six mois (Mon profil › Documents) et indiquez sa date dans votre situation administrative.";

const LINK_CLOSED: &str = "Ce lien de signature n'est plus valable (il a expiré ou un lien plus récent a été envoyé). Demandez un nouveau lien à l'équipe Mission Formateur.";

pub async fn view_for_link(state: &AppState, token: &str) -> Result<ContractView, AppError> {
    let link = readable_link(state, token).await?.ok_or_else(|| AppError::Rejected(LINK_CLOSED.into()))?;
    let row = repo::contracts::find(&state.db, link.contract_id).await?.ok_or(AppError::NotFound)?;
    build_view(state, row, Reader::Link { token, link }).await
}

pub async fn list_own(state: &AppState, ctx: &Ctx) -> Result<Vec<ContractSummary>, AppError> {
    let db = &state.db;
    let (rows, me) = match ctx.role {
        Role::Trainer => (repo::contracts::list_for_trainer(db, ctx).await?, SignParty::Trainer),
        Role::Centre => match repo::contracts::centre_of(db, ctx.user_id).await? {
            Some(centre_id) => (repo::contracts::list_for_centre(db, centre_id).await?, SignParty::Centre),
            None => return Ok(Vec::new()),
        },
        Role::Staff => return Err(AppError::Forbidden),
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let (mine, other) = match me {
                SignParty::Trainer => (r.trainer_signed_at, r.centre_signed_at),
                SignParty::Centre => (r.centre_signed_at, r.trainer_signed_at),
            };
            let waiting_for = match (r.status, mine, other) {
                (ContractStatus::Signed, _, _) => "Signé par les deux parties".to_string(),
                (ContractStatus::Superseded, _, _) => "Remplacé par une nouvelle version".to_string(),
                (_, None, _) => "En attente de votre signature".to_string(),
                (_, Some(_), None) => match me {
                    SignParty::Trainer => "En attente de la signature du centre".to_string(),
                    SignParty::Centre => "En attente de la signature du formateur".to_string(),
                },
                _ => "Signé, en cours de scellement".to_string(),
            };
            ContractSummary {
                id: r.id,
                reference: r.reference,
                mission_id: r.mission_id,
                title: r.title,
                status: r.status,
                waiting_for,
                drawn_on: paris_datetime(r.created_at),
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Signing

/// The client's address and browser, as the request shows them (the socket's peer address).
fn request_meta() -> (String, String) {
    let Some(parts) = use_context::<http::request::Parts>() else { return ("inconnue".into(), "inconnu".into()) };
    let ip = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "inconnue".into());
    let ua: String = parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("inconnu")
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
    (ip, ua)
}

fn code_hash(contract_id: i64, party: SignParty, code: &str) -> String {
    sha256_hex(format!("{contract_id}:{}:{code}", party.code()).as_bytes())
}

/// Sends a new code to `email` for `party`; refuses a second code within a minute.
async fn send_code(state: &AppState, row: &ContractRow, party: SignParty, email: &str, name: &str) -> Result<String, AppError> {
    let to = Email::parse(email).map_err(|_| AppError::Rejected("L'adresse e-mail du signataire n'est pas valide : contactez l'équipe.".into()))?;
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let at = now();
    let stored = repo::contracts::insert_code(
        &state.db,
        row.id,
        party,
        email,
        &code_hash(row.id, party, &code),
        at,
        at + Duration::minutes(rules::CODE_VALID_MINUTES),
        Duration::seconds(60),
    )
    .await?;
    match stored {
        repo::contracts::CodeStored::Stored => {}
        repo::contracts::CodeStored::TooSoon => {
            return Err(AppError::Rejected("Un code vient de vous être envoyé : attendez une minute avant d'en demander un autre.".into()));
        }
        repo::contracts::CodeStored::TooMany => {
            return Err(AppError::Rejected("Trop de codes ont été demandés pour ce contrat aujourd'hui : réessayez demain ou contactez l'équipe.".into()));
        }
    }
    let body = format!(
        "Bonjour {name},\n\nVotre code pour signer le contrat {} : {code}\n\nIl est valable {} minutes et ne sert qu'une fois. Si vous n'avez pas demandé ce code, ignorez ce message.\n\nL'équipe Mission Formateur",
        row.reference,
        rules::CODE_VALID_MINUTES
    );
    if let Err(e) = state.mailer.send(&state.db, &to, "Votre code de signature", &body).await {
        tracing::error!(contract_id = row.id, error = %e, "signing code not sent");
        return Err(AppError::Rejected("Le code n'a pas pu être envoyé : réessayez dans un instant.".into()));
    }
    let (ip, ua) = request_meta();
    repo::contracts::log(
        &state.db,
        repo::contracts::LogFields {
            contract_id: row.id,
            event: "Code de vérification envoyé".into(),
            party: party.code().into(),
            signer_name: name.into(),
            signer_email: email.into(),
            identified_by: format!("code à usage unique envoyé à {}", mask_email(email)),
            ip,
            user_agent: ua,
            document_sha256: row.pdf_sha256.clone(),
        },
        at,
    )
    .await?;
    Ok(mask_email(email))
}

/// The party a logged-in user signs for, with their name and address.
async fn user_signer(state: &AppState, ctx: &Ctx, row: &ContractRow) -> Result<(SignParty, String, String), AppError> {
    let party = match ctx.role {
        Role::Trainer if row.trainer_id == ctx.user_id => SignParty::Trainer,
        Role::Centre if repo::contracts::centre_of(&state.db, ctx.user_id).await? == Some(row.centre_id) => SignParty::Centre,
        _ => return Err(AppError::NotFound),
    };
    let (email, _) = repo::accounts::email_and_first_name(&state.db, ctx.user_id).await?.ok_or(AppError::NotFound)?;
    let name = user_name(state, ctx.user_id).await?;
    Ok((party, name, email))
}

fn open_for(row: &ContractRow, party: SignParty) -> Result<(), AppError> {
    match row.status {
        ContractStatus::Signed => Err(AppError::Rejected("Ce contrat est déjà signé par les deux parties.".into())),
        ContractStatus::Superseded => Err(AppError::Rejected("Ce contrat a été remplacé par une nouvelle version : ouvrez la dernière version pour la signer.".into())),
        ContractStatus::ToSign if row.signed_at_by(party).is_some() => Err(AppError::Rejected("Vous avez déjà signé ce contrat.".into())),
        ContractStatus::ToSign => Ok(()),
    }
}

pub async fn send_code_for_user(state: &AppState, ctx: &Ctx, contract_id: i64) -> Result<String, AppError> {
    let row = repo::contracts::find(&state.db, contract_id).await?.ok_or(AppError::NotFound)?;
    let (party, name, email) = user_signer(state, ctx, &row).await?;
    open_for(&row, party)?;
    if party == SignParty::Trainer && vigilance_of(state, &row).await?.blocks_signature() {
        return Err(AppError::Rejected(VIGILANCE_FIRST.into()));
    }
    send_code(state, &row, party, &email, &name).await
}

pub async fn send_code_for_link(state: &AppState, token: &str) -> Result<String, AppError> {
    let link = readable_link(state, token).await?.filter(|l| l.can_sign(now())).ok_or_else(|| AppError::Rejected(LINK_CLOSED.into()))?;
    let row = repo::contracts::find(&state.db, link.contract_id).await?.ok_or(AppError::NotFound)?;
    open_for(&row, SignParty::Centre)?;
    send_code(state, &row, SignParty::Centre, &link.email, &link.name).await
}

struct Signer<'a> {
    party: SignParty,
    name: &'a str,
    email: &'a str,
    link: Option<String>,
}

async fn sign(state: &AppState, row: &ContractRow, signer: Signer<'_>, document: &str, consent: bool, code: &str) -> Result<(), AppError> {
    if !consent {
        return Err(AppError::field("consent", "Cochez cette case pour confirmer que vous avez lu le contrat et acceptez de le signer."));
    }
    // A second click on "Signer" after the first one went through.
    if row.status != ContractStatus::Superseded && row.signed_at_by(signer.party).is_some() {
        return Ok(());
    }
    let code = parse_code(code).map_err(|m| AppError::field("code", m))?;
    open_for(row, signer.party)?;
    if signer.party == SignParty::Trainer && vigilance_of(state, row).await?.blocks_signature() {
        return Err(AppError::Rejected(VIGILANCE_FIRST.into()));
    }
    let (ip, user_agent) = request_meta();
    let identified_by = match (&signer.link, signer.party) {
        (Some(_), _) => format!("lien de signature à usage unique et code envoyés à {}", mask_email(signer.email)),
        (None, _) => format!("compte Mission Formateur et code à usage unique envoyé à {}", mask_email(signer.email)),
    };
    let outcome = repo::contracts::sign(
        &state.db,
        &Signature {
            contract_id: row.id,
            party: signer.party,
            signer_name: signer.name,
            signer_email: signer.email,
            identified_by: &identified_by,
            ip: &ip,
            user_agent: &user_agent,
            document_sha256: document.trim(),
            code_hash: &code_hash(row.id, signer.party, &code),
            link: signer.link.as_deref(),
        },
        now(),
    )
    .await?;
    match outcome {
        Signed::Done { both } => {
            tracing::info!(contract_id = row.id, party = signer.party.code(), "contract signed");
            let title = serde_json::from_str::<ContractContent>(&row.content).map(|c| c.mission.title).unwrap_or_default();
            match signer.party {
                SignParty::Trainer if !both => {
                    for user in repo::contracts::centre_user_ids(&state.db, row.centre_id).await.unwrap_or_default() {
                        let text = format!("Le formateur a signé le contrat de la mission « {title} » : le contrat attend maintenant votre signature.");
                        notify(state, user, "Contrat signé par le formateur", &text, Some(&format!("/contrats/{}", row.id))).await;
                    }
                }
                SignParty::Centre if !both => {
                    let text = format!("Le centre a signé le contrat de la mission « {title} » : le contrat attend maintenant votre signature.");
                    notify(state, row.trainer_id, "Contrat signé par le centre", &text, Some(&format!("/contrats/{}", row.id))).await;
                }
                _ => {}
            }
            if both {
                // The signature is recorded: a failure to seal is retried by the reminder job,
                // it is not the signer's error.
                if let Err(e) = seal(state, row.id).await {
                    tracing::error!(contract_id = row.id, error = %e, "contract not sealed after the last signature");
                }
            }
            Ok(())
        }
        Signed::AlreadySigned => Ok(()),
        Signed::WrongCode { attempts_left } if attempts_left > 0 => Err(AppError::field(
            "code",
            if attempts_left == 1 { "Ce code n'est pas le bon : il vous reste 1 essai.".to_string() } else { format!("Ce code n'est pas le bon : il vous reste {attempts_left} essais.") },
        )),
        Signed::NoCode | Signed::LinkClosed if signed_meanwhile(state, row.id, signer.party).await => Ok(()),
        Signed::WrongCode { .. } | Signed::NoCode => Err(AppError::field(
            "code",
            "Aucun code valable : demandez un code (il est valable 15 minutes, sert une fois et accepte 5 essais).",
        )),
        Signed::NotToSign(status) => open_for(&ContractRow { status, ..row.clone() }, signer.party),
        Signed::DocumentChanged => Err(AppError::Rejected("Le contrat a changé depuis que vous l'avez ouvert : rechargez la page et relisez-le avant de signer.".into())),
        Signed::LinkClosed => Err(AppError::Rejected(LINK_CLOSED.into())),
    }
}

/// Whether the party signed in the meantime (a second submission of the same form).
async fn signed_meanwhile(state: &AppState, contract_id: i64, party: SignParty) -> bool {
    matches!(repo::contracts::find(&state.db, contract_id).await, Ok(Some(r)) if r.signed_at_by(party).is_some())
}

pub async fn sign_for_user(state: &AppState, ctx: &Ctx, contract_id: i64, document: &str, consent: bool, code: &str) -> Result<(), AppError> {
    let row = repo::contracts::find(&state.db, contract_id).await?.ok_or(AppError::NotFound)?;
    let (party, name, email) = user_signer(state, ctx, &row).await?;
    sign(state, &row, Signer { party, name: &name, email: &email, link: None }, document, consent, code).await
}

pub async fn sign_for_link(state: &AppState, token: &str, document: &str, consent: bool, code: &str) -> Result<(), AppError> {
    let link = readable_link(state, token).await?.ok_or_else(|| AppError::Rejected(LINK_CLOSED.into()))?;
    let row = repo::contracts::find(&state.db, link.contract_id).await?.ok_or(AppError::NotFound)?;
    if row.centre_signed_at.is_none() && !link.can_sign(now()) {
        return Err(AppError::Rejected(LINK_CLOSED.into()));
    }
    let token_hash = sha256_hex(token.as_bytes());
    sign(state, &row, Signer { party: SignParty::Centre, name: &link.name, email: &link.email, link: Some(token_hash) }, document, consent, code).await
}

/// The proof file: the contract's identity, its hashes and its whole log.
#[derive(serde::Serialize)]
struct ProofFile<'a> {
    format: &'static str,
    reference: &'a str,
    version: i64,
    document_sha256: &'a str,
    signed_document_sha256: &'a str,
    chain_head: &'a str,
    hash_method: &'static str,
    entries: Vec<ProofEntry<'a>>,
}

#[derive(serde::Serialize)]
struct ProofEntry<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    entry_hash: &'a str,
}

/// Makes the signed PDF (the contract and its signature page) and the proof file, once both
/// parties have signed. Safe to run twice: only the first seal is kept.
pub async fn seal(state: &AppState, contract_id: i64) -> Result<(), AppError> {
    let db = &state.db;
    let row = repo::contracts::find(db, contract_id).await?.ok_or(AppError::NotFound)?;
    if row.status != ContractStatus::ToSign || row.trainer_signed_at.is_none() || row.centre_signed_at.is_none() {
        return Ok(());
    }
    let content = content_of(&row)?;
    let entries = repo::contracts::log_entries(db, contract_id).await?;
    let head = verify_chain(&entries).map_err(|seq| {
        tracing::error!(contract_id, seq, "signature log does not verify: contract not sealed");
        AppError::Internal
    })?;
    let when = |e: &Entry| DateTime::parse_from_rfc3339(&e.at).map(|d| paris_datetime(d.with_timezone(&Utc)) + " (heure de Paris)").unwrap_or_else(|_| e.at.clone());
    let signatures: Vec<SignatureFacts> = entries
        .iter()
        .filter(|(e, _)| e.event == "Signature")
        .map(|(e, _)| SignatureFacts {
            party: SignParty::from_code(&e.party).map(|p| p.label()).unwrap_or("").to_string(),
            name: e.signer_name.clone(),
            identified_by: e.identified_by.clone(),
            at: when(e),
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            document_sha256: e.document_sha256.clone(),
        })
        .collect();
    let facts: Vec<ProofEntryFacts> = entries
        .iter()
        .map(|(e, h)| ProofEntryFacts {
            seq: e.seq,
            event: e.event.clone(),
            party: party_label(&e.party).to_string(),
            signer: if e.signer_email.is_empty() { e.signer_name.clone() } else { format!("{} <{}>", e.signer_name, e.signer_email) },
            identified_by: e.identified_by.clone(),
            at: when(e),
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            document_sha256: e.document_sha256.clone(),
            prev_hash: e.prev_hash.clone(),
            entry_hash: h.clone(),
        })
        .collect();
    let at = now();
    let signed = render(
        OwnedDocument::Signed { content: content.clone(), signatures, document_sha256: row.pdf_sha256.clone(), chain_head: head.clone() },
        at,
    )
    .await?;
    let signed_sha = sha256_hex(&signed);
    let proof = ProofFile {
        format: "mission-formateur/preuve-de-signature/1",
        reference: &row.reference,
        version: row.version,
        document_sha256: &row.pdf_sha256,
        signed_document_sha256: &signed_sha,
        chain_head: &head,
        hash_method: "SHA-256 sur chaque champ de l'entrée précédé de sa longueur (8 octets, gros-boutiste), dans l'ordre du format",
        entries: entries.iter().map(|(e, h)| ProofEntry { entry: e, entry_hash: h }).collect(),
    };
    let proof_json = serde_json::to_string_pretty(&proof).map_err(|_| AppError::Internal)?;
    let proof_pdf = render(
        OwnedDocument::Proof { content: content.clone(), entries: facts, document_sha256: row.pdf_sha256.clone(), chain_head: head },
        at,
    )
    .await?;
    if repo::contracts::seal(db, contract_id, &signed, &signed_sha, &proof_json, &proof_pdf, at).await? {
        tracing::info!(contract_id, "contract sealed");
        let link = format!("/contrats/{contract_id}");
        let text = format!("Le contrat de la mission « {} » est signé par les deux parties : le PDF signé et sa preuve sont disponibles.", content.mission.title);
        notify(state, row.trainer_id, "Contrat signé", &text, Some(&link)).await;
        for user in repo::contracts::centre_user_ids(db, row.centre_id).await.unwrap_or_default() {
            notify(state, user, "Contrat signé", &text, Some(&link)).await;
        }
        if let Ok(Some(centre)) = repo::centres::find(db, row.centre_id).await {
            if let (Ok(to), Ok(Some((l, _)))) = (Email::parse(&centre.contact_email), repo::contracts::latest_link(db, contract_id).await) {
                let _ = l;
                let body = format!(
                    "Bonjour,\n\n{text}\n\nVous pouvez les télécharger avec le lien de signature reçu précédemment, ou depuis votre espace centre.\n\nL'équipe Mission Formateur"
                );
                if let Err(e) = state.mailer.send(db, &to, "Contrat signé", &body).await {
                    tracing::warn!(contract_id, error = %e, "sealed contract email not sent");
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Staff

/// Emails the centre's contact a new single-use signing link; returns the token.
pub async fn send_link(state: &AppState, contract_id: i64) -> Result<String, AppError> {
    let db = &state.db;
    let row = repo::contracts::find(db, contract_id).await?.ok_or(AppError::NotFound)?;
    open_for(&row, SignParty::Centre)?;
    let centre = repo::centres::find(db, row.centre_id).await?.ok_or(AppError::NotFound)?;
    let to = Email::parse(&centre.contact_email)
        .map_err(|_| AppError::Rejected("Ce centre n'a pas d'adresse e-mail de contact valable : complétez sa fiche.".into()))?;
    let token = hex::encode(rand::random::<[u8; 32]>());
    let at = now();
    let name = if centre.contact_name.trim().is_empty() { centre.name.clone() } else { format!("{} ({})", centre.contact_name, centre.name) };
    repo::contracts::insert_link(
        db,
        contract_id,
        &sha256_hex(token.as_bytes()),
        to.as_str(),
        &name,
        at,
        at + Duration::days(rules::LINK_VALID_DAYS),
        at + Duration::days(rules::LINK_VALID_DAYS + rules::LINK_READABLE_DAYS),
    )
    .await?;
    let content = content_of(&row)?;
    let body = format!(
        "Bonjour {},\n\nLe contrat de sous-traitance {} entre {} et {} pour la mission « {} » est prêt à signer.\n\nLisez-le et signez-le ici (lien personnel, valable {} jours, pour une seule signature) :\n{}/signature/{token}\n\nUn code vous sera envoyé par e-mail pour confirmer la signature.\n\nL'équipe Mission Formateur",
        if centre.contact_name.trim().is_empty() { "Madame, Monsieur" } else { centre.contact_name.as_str() },
        row.reference,
        content.centre.name,
        content.trainer.name,
        content.mission.title,
        rules::LINK_VALID_DAYS,
        state.config.site_url
    );
    state
        .mailer
        .send(db, &to, &format!("Contrat à signer : {}", content.mission.title), &body)
        .await
        .map_err(|e| {
            tracing::error!(contract_id, error = %e, "signing link not sent");
            AppError::Rejected("Le lien n'a pas pu être envoyé : réessayez dans un instant.".into())
        })?;
    Ok(token)
}

pub async fn mission_contract(state: &AppState, ctx: &Ctx, mission_id: i64) -> Result<MissionContract, AppError> {
    let db = &state.db;
    let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
    let rows = repo::contracts::for_mission(db, mission_id).await?;
    let versions = rows.iter().map(|r| (r.id, format!("Version {}", r.version), r.status.label().to_string())).collect();
    let stale = match rows.first() {
        Some(row) => {
            let c = content_of(row)?;
            let mut changes = Vec::new();
            if row.centre_id != m.centre_id {
                changes.push("le centre");
            }
            if c.mission.title != m.title {
                changes.push("l'intitulé");
            }
            if c.mission.hours != m.hours || row.total_cents != rules::total_cents(m.hours, m.hourly_rate_cents) {
                changes.push("les heures ou le taux horaire");
            }
            if c.mission.start != french_date(m.start_date) || c.mission.end != french_date(m.end_date) {
                changes.push("les dates");
            }
            if c.mission.place != place_of(&m) {
                changes.push("le lieu");
            }
            (!changes.is_empty()).then(|| {
                format!(
                    "La mission a changé depuis l'établissement du contrat ({}) : établissez une nouvelle version pour la faire signer.",
                    changes.join(", ")
                )
            })
        }
        None => None,
    };
    let current = match rows.into_iter().next() {
        Some(row) => Some(build_view(state, row, Reader::User { ctx, centre_id: None }).await?),
        None => None,
    };
    Ok(MissionContract {
        mission_id,
        stale,
        can_draw: m.chosen_trainer_id.is_some() && matches!(m.status, MissionStatus::Filled | MissionStatus::InProgress),
        current,
        versions,
    })
}

pub async fn redraw(state: &AppState, ctx: &Ctx, mission_id: i64) -> Result<(), AppError> {
    let name = user_name(state, ctx.user_id).await?;
    draw(state, mission_id, &format!("Équipe Mission Formateur — {name}")).await.map(drop)
}

pub async fn record_cdc(state: &AppState, ctx: &Ctx, contract_id: i64, sent_on: &str) -> Result<(), AppError> {
    let row = repo::contracts::find(&state.db, contract_id).await?.ok_or(AppError::NotFound)?;
    if !content_of(&row)?.mission.cpf_funded {
        return Err(AppError::Rejected("Cette mission n'est pas financée par le CPF : rien à transmettre à la Caisse des dépôts.".into()));
    }
    let on: Option<NaiveDate> = if sent_on.trim().is_empty() {
        None
    } else {
        let date = parse_date(sent_on).map_err(|e| AppError::field("sent_on", e.to_string()))?;
        if date > today() {
            return Err(AppError::field("sent_on", "Cette date est dans le futur."));
        }
        Some(date)
    };
    if !repo::contracts::set_cdc_sent(&state.db, contract_id, on).await? {
        return Err(AppError::Rejected("Le contrat doit être signé par les deux parties avant d'être transmis.".into()));
    }
    tracing::info!(contract_id, staff = ctx.user_id, "CPF transmission recorded");
    Ok(())
}

fn sample_content() -> ContractContent {
    ContractContent {
        reference: "MF-000000-1".into(),
        version: 1,
        template_version: 0,
        drawn_on: french_date(today()),
        centre: PartyFacts { name: "Centre exemple".into(), siret: "123 456 789 00012".into(), nda: "11 75 00000 75".into(), address: "1 rue de l'Exemple, 75001 Paris".into(), detail: "Claire Exemple".into() },
        trainer: PartyFacts { name: "Camille Exemple".into(), siret: "987 654 321 00019".into(), nda: "11 75 11111 75".into(), address: "2 place de l'Exemple, 69002 Lyon".into(), detail: LegalStatus::MicroEntrepreneur.label().into() },
        mission: MissionTerms {
            title: "Excel — les bases".into(),
            domain: "Bureautique".into(),
            objective: "Maîtriser les formules et les tableaux croisés dynamiques.".into(),
            format: "présentiel, individuel".into(),
            place: "Lyon (69002)".into(),
            start: french_date(today()),
            end: french_date(today() + Duration::days(30)),
            rhythm: "2 demi-journées par semaine".into(),
            hours: 21,
            learners: 1,
            level: "débutant".into(),
            cpf_funded: true,
            hourly_rate: Money::from_euros(45).to_string(),
            total: Money::from_euros(945).to_string(),
        },
        articles: Vec::new(),
    }
}

/// The current template drawn for a sample CPF mission.
pub fn preview(body: &str) -> Result<ContractContent, AppError> {
    let articles = parse_template(body).map_err(|e| AppError::field("body", e.to_string()))?;
    let mut content = sample_content();
    content.articles = draw_articles(&articles, &content);
    Ok(content)
}

pub async fn preview_pdf(state: &AppState, version: i64) -> Result<Vec<u8>, AppError> {
    let template = repo::contracts::template(&state.db, version).await?.ok_or(AppError::NotFound)?;
    let mut content = preview(&template.body)?;
    content.template_version = version;
    render(OwnedDocument::Contract(content), now()).await
}

pub async fn templates(state: &AppState) -> Result<TemplatesView, AppError> {
    let current = current_template(state).await?;
    let versions = repo::contracts::templates(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.version, paris_datetime(t.created_at), t.author.unwrap_or_else(|| "—".into()), t.note))
        .collect();
    let preview = preview(&current.body).map(|c| c.articles).unwrap_or_default();
    Ok(TemplatesView {
        current_version: current.version,
        body: current.body,
        versions,
        placeholders: rules::PLACEHOLDERS.iter().map(|(k, v)| (format!("{{{{{k}}}}}"), v.to_string())).collect(),
        preview,
    })
}

pub async fn save_template(state: &AppState, ctx: &Ctx, based_on: i64, body: &str, note: &str) -> Result<i64, AppError> {
    let body = body.replace("\r\n", "\n");
    parse_template(&body).map_err(|e| AppError::field("body", e.to_string()))?;
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AppError::field("note", "Le commentaire dépasse 200 caractères."));
    }
    current_template(state).await?;
    let version = repo::contracts::insert_template(&state.db, ctx, based_on, &body, note, now())
        .await?
        .ok_or_else(|| AppError::Rejected("Une autre version du modèle vient d'être enregistrée : rechargez la page et reportez vos modifications.".into()))?;
    tracing::info!(version, staff = ctx.user_id, "contract template saved");
    Ok(version)
}

// ---------------------------------------------------------------------------------------------
// Verification

pub async fn verify(state: &AppState, sha256: &str) -> Result<VerifyAnswer, AppError> {
    let sha = parse_sha256(sha256)
        .ok_or_else(|| AppError::field("sha256", "Collez l'empreinte SHA-256 du fichier (64 caractères de 0 à 9 et de a à f), ou choisissez le fichier PDF."))?;
    let Some(row) = repo::contracts::find_by_hash(&state.db, &sha).await? else { return Ok(VerifyAnswer::Unknown) };
    let (Some(trainer_at), Some(centre_at)) = (row.trainer_signed_at, row.centre_signed_at) else {
        return Ok(VerifyAnswer::NotSigned { reference: row.reference });
    };
    if row.signed_sha256.is_none() {
        return Ok(VerifyAnswer::NotSigned { reference: row.reference });
    }
    let entries = repo::contracts::log_entries(&state.db, row.id).await?;
    let signer = |party: SignParty| {
        entries
            .iter()
            .find(|(e, _)| e.event == "Signature" && e.party == party.code())
            .map(|(e, _)| e.signer_name.clone())
            .unwrap_or_default()
    };
    Ok(VerifyAnswer::Signed {
        superseded: row.status == ContractStatus::Superseded,
        signed_pdf: row.signed_sha256.as_deref() == Some(sha.as_str()),
        reference: row.reference,
        version: row.version,
        trainer: signer(SignParty::Trainer),
        trainer_at: paris_datetime(trainer_at),
        centre: signer(SignParty::Centre),
        centre_at: paris_datetime(centre_at),
    })
}

// ---------------------------------------------------------------------------------------------
// Reminders

/// Reminds the parties of contracts waiting for a signature for more than two days (each
/// contract once per two days, whatever the number of nodes), and seals contracts left unsealed
/// by a crash between the last signature and the seal.
pub async fn remind_signatures(state: &AppState) -> Result<usize, AppError> {
    let db = &state.db;
    for id in repo::contracts::unsealed(db).await? {
        if let Err(e) = seal(state, id).await {
            tracing::error!(contract_id = id, error = %e, "contract not sealed");
        }
    }
    let at = now();
    let due = repo::contracts::claim_reminders(db, at - Duration::hours(rules::REMIND_AFTER_HOURS), at).await?;
    for id in &due {
        let Some(row) = repo::contracts::find(db, *id).await? else { continue };
        let title = content_of(&row).map(|c| c.mission.title).unwrap_or_default();
        let link = format!("/contrats/{id}");
        if row.trainer_signed_at.is_none() {
            let text = format!("Le contrat de la mission « {title} » attend votre signature depuis plus de deux jours.");
            notify(state, row.trainer_id, "Rappel : contrat à signer", &text, Some(&link)).await;
        }
        if row.centre_signed_at.is_none() {
            for user in repo::contracts::centre_user_ids(db, row.centre_id).await.unwrap_or_default() {
                let text = format!("Le contrat de la mission « {title} » attend la signature du centre depuis plus de deux jours.");
                notify(state, user, "Rappel : contrat à signer", &text, Some(&link)).await;
            }
            if let Err(e) = send_link(state, *id).await {
                tracing::warn!(contract_id = id, error = %e, "reminder link not sent");
            }
        }
    }
    if !due.is_empty() {
        tracing::info!(count = due.len(), "signature reminders sent");
    }
    Ok(due.len())
}
