//! Contracts: templates by version, contracts frozen when drawn (the database refuses any change
//! to their content, and to a signed contract), the append-only signature log, one-time codes
//! and centres' signing links.
//!
//! Appending to the log first touches the contract's row (`UPDATE … SET id = id`): on Postgres
//! that locks it until the transaction ends, so two signers never compute the same sequence
//! number; SQLite's `BEGIN IMMEDIATE` already serialises writers.

use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};

use crate::contracts::proof::{entry_hash, Entry, GENESIS};
use crate::domain::contracts::{ContractStatus, SignParty};
use crate::guard::Ctx;
use crate::infra::db::Db;
use crate::{on_db, write_tx};

// ---------------------------------------------------------------------------------------------
// The signature log

/// What a log entry says (the chain fields are computed on insert).
#[derive(Clone, Debug, Default)]
pub struct LogFields {
    pub contract_id: i64,
    pub event: String,
    pub party: String,
    pub signer_name: String,
    pub signer_email: String,
    pub identified_by: String,
    pub ip: String,
    pub user_agent: String,
    pub document_sha256: String,
}

/// Timestamps in the log are kept to the microsecond, as both databases store them.
pub fn log_time(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

pub fn log_time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Appends an entry to a contract's log inside the caller's transaction.
macro_rules! append {
    ($tx:ident, $fields:expr, $at:expr) => {{
        let fields: LogFields = $fields;
        let at = log_time($at);
        sqlx::query("UPDATE contracts SET id = id WHERE id = $1").bind(fields.contract_id).execute(&mut *$tx).await?;
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, entry_hash FROM signature_log WHERE contract_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(fields.contract_id)
                .fetch_optional(&mut *$tx)
                .await?;
        let (seq, prev_hash) = match last {
            Some((seq, hash)) => (seq + 1, hash),
            None => (1, GENESIS.to_string()),
        };
        let entry = Entry {
            contract_id: fields.contract_id,
            seq,
            event: fields.event,
            party: fields.party,
            signer_name: fields.signer_name,
            signer_email: fields.signer_email,
            identified_by: fields.identified_by,
            ip: fields.ip,
            user_agent: fields.user_agent,
            document_sha256: fields.document_sha256,
            at: log_time_text(at),
            prev_hash,
        };
        let hash = entry_hash(&entry);
        sqlx::query(
            "INSERT INTO signature_log (contract_id, seq, event, party, signer_name, signer_email, identified_by, ip, user_agent,
                document_sha256, at, prev_hash, entry_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(entry.contract_id)
        .bind(entry.seq)
        .bind(&entry.event)
        .bind(&entry.party)
        .bind(&entry.signer_name)
        .bind(&entry.signer_email)
        .bind(&entry.identified_by)
        .bind(&entry.ip)
        .bind(&entry.user_agent)
        .bind(&entry.document_sha256)
        .bind(at)
        .bind(&entry.prev_hash)
        .bind(&hash)
        .execute(&mut *$tx)
        .await?;
    }};
}

// ---------------------------------------------------------------------------------------------
// Templates

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct TemplateRow {
    pub version: i64,
    pub body: String,
    pub note: String,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}

const TEMPLATE_SELECT: &str = "SELECT t.version, t.body, t.note, u.first_name || ' ' || u.last_name AS author, t.created_at
    FROM contract_templates t LEFT JOIN users u ON u.id = t.created_by";

/// Writes version 1 when there is no template yet (idempotent).
pub async fn ensure_template(db: &Db, body: &str, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO contract_templates (version, body, note, created_at) VALUES (1, $1, 'Modèle initial', $2) ON CONFLICT (version) DO NOTHING")
            .bind(body)
            .bind(at)
            .execute(pool)
            .await
            .map(drop)
    })
}

pub async fn current_template(db: &Db) -> Result<Option<TemplateRow>, sqlx::Error> {
    let sql = format!("{TEMPLATE_SELECT} ORDER BY t.version DESC LIMIT 1");
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_optional(pool).await)
}

pub async fn template(db: &Db, version: i64) -> Result<Option<TemplateRow>, sqlx::Error> {
    let sql = format!("{TEMPLATE_SELECT} WHERE t.version = $1");
    on_db!(db, |pool| sqlx::query_as(&sql).bind(version).fetch_optional(pool).await)
}

pub async fn templates(db: &Db) -> Result<Vec<TemplateRow>, sqlx::Error> {
    let sql = format!("{TEMPLATE_SELECT} ORDER BY t.version DESC LIMIT 100");
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Saves a new version after `based_on`; `None` when someone saved another version meanwhile.
pub async fn insert_template(db: &Db, ctx: &Ctx, based_on: i64, body: &str, note: &str, at: DateTime<Utc>) -> Result<Option<i64>, sqlx::Error> {
    write_tx!(db, |tx| {
        let latest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM contract_templates").fetch_one(&mut *tx).await?;
        if latest.unwrap_or(0) != based_on {
            return Ok(None);
        }
        let version = based_on + 1;
        sqlx::query("INSERT INTO contract_templates (version, body, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(version)
            .bind(body)
            .bind(note)
            .bind(ctx.user_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        Ok::<Option<i64>, sqlx::Error>(Some(version))
    })
}

// ---------------------------------------------------------------------------------------------
// Contracts

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct ContractRow {
    pub id: i64,
    pub reference: String,
    pub mission_id: i64,
    pub version: i64,
    pub trainer_id: i64,
    pub centre_id: i64,
    pub template_version: i64,
    pub content: String,
    pub total_cents: i64,
    pub pdf_sha256: String,
    pub status: ContractStatus,
    pub trainer_signed_at: Option<DateTime<Utc>>,
    pub centre_signed_at: Option<DateTime<Utc>>,
    pub signed_sha256: Option<String>,
    pub cdc_sent_on: Option<NaiveDate>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
}

impl ContractRow {
    pub fn signed_at_by(&self, party: SignParty) -> Option<DateTime<Utc>> {
        match party {
            SignParty::Trainer => self.trainer_signed_at,
            SignParty::Centre => self.centre_signed_at,
        }
    }
}

const CONTRACT_COLUMNS: &str = "id, reference, mission_id, version, trainer_id, centre_id, template_version, content, total_cents,
    pdf_sha256, status, trainer_signed_at, centre_signed_at, signed_sha256, cdc_sent_on, reminded_at, created_at, signed_at";

pub async fn find(db: &Db, id: i64) -> Result<Option<ContractRow>, sqlx::Error> {
    let sql = format!("SELECT {CONTRACT_COLUMNS} FROM contracts WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)
}

/// Every version of a mission's contract, newest first.
pub async fn for_mission(db: &Db, mission_id: i64) -> Result<Vec<ContractRow>, sqlx::Error> {
    let sql = format!("SELECT {CONTRACT_COLUMNS} FROM contracts WHERE mission_id = $1 ORDER BY version DESC");
    on_db!(db, |pool| sqlx::query_as(&sql).bind(mission_id).fetch_all(pool).await)
}

/// A trainer's or a centre's contracts (newest first), with the mission's title.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct ContractListRow {
    pub id: i64,
    pub reference: String,
    pub mission_id: i64,
    pub title: String,
    pub status: ContractStatus,
    pub trainer_signed_at: Option<DateTime<Utc>>,
    pub centre_signed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn list_for_trainer(db: &Db, ctx: &Ctx) -> Result<Vec<ContractListRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.id, c.reference, c.mission_id, m.title, c.status, c.trainer_signed_at, c.centre_signed_at, c.created_at
             FROM contracts c JOIN missions m ON m.id = c.mission_id
             WHERE c.trainer_id = $1 AND c.status <> 'remplace' ORDER BY c.created_at DESC LIMIT 200",
        )
        .bind(ctx.user_id)
        .fetch_all(pool)
        .await
    })
}

pub async fn list_for_centre(db: &Db, centre_id: i64) -> Result<Vec<ContractListRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.id, c.reference, c.mission_id, m.title, c.status, c.trainer_signed_at, c.centre_signed_at, c.created_at
             FROM contracts c JOIN missions m ON m.id = c.mission_id
             WHERE c.centre_id = $1 AND c.status <> 'remplace' ORDER BY c.created_at DESC LIMIT 200",
        )
        .bind(centre_id)
        .fetch_all(pool)
        .await
    })
}

/// The next version number of a mission's contract.
pub async fn next_version(db: &Db, mission_id: i64) -> Result<i64, sqlx::Error> {
    let max: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT MAX(version) FROM contracts WHERE mission_id = $1").bind(mission_id).fetch_one(pool).await
    })?;
    Ok(max.unwrap_or(0) + 1)
}

pub struct NewContract<'a> {
    pub reference: &'a str,
    pub mission_id: i64,
    pub version: i64,
    pub trainer_id: i64,
    pub centre_id: i64,
    pub template_version: i64,
    pub content: &'a str,
    pub total_cents: i64,
    pub pdf: &'a [u8],
    pub pdf_sha256: &'a str,
    pub created_at: DateTime<Utc>,
    /// Who drew it, for the log ("" for the platform itself).
    pub drawn_by: &'a str,
}

/// Inserts a contract, marks the mission's earlier versions as replaced and opens its log.
/// `None` when another version with the same number was drawn meanwhile.
pub async fn insert(db: &Db, c: &NewContract<'_>) -> Result<Option<i64>, sqlx::Error> {
    match insert_tx(db, c).await {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

/// A signed version stays in force until a newer version is signed (`seal` replaces it then);
/// an unsigned one is replaced at once.
async fn insert_tx(db: &Db, c: &NewContract<'_>) -> Result<i64, sqlx::Error> {
    write_tx!(db, |tx| {
        sqlx::query("UPDATE contracts SET status = $1 WHERE mission_id = $2 AND status = $3")
            .bind(ContractStatus::Superseded)
            .bind(c.mission_id)
            .bind(ContractStatus::ToSign)
            .execute(&mut *tx)
            .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contracts (reference, mission_id, version, trainer_id, centre_id, template_version, content, total_cents,
                pdf, pdf_sha256, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(c.reference)
        .bind(c.mission_id)
        .bind(c.version)
        .bind(c.trainer_id)
        .bind(c.centre_id)
        .bind(c.template_version)
        .bind(c.content)
        .bind(c.total_cents)
        .bind(c.pdf)
        .bind(c.pdf_sha256)
        .bind(ContractStatus::ToSign)
        .bind(c.created_at)
        .fetch_one(&mut *tx)
        .await?;
        append!(tx, LogFields {
            contract_id: id,
            event: "Contrat établi".into(),
            party: "plateforme".into(),
            signer_name: c.drawn_by.into(),
            document_sha256: c.pdf_sha256.into(),
            ..LogFields::default()
        }, c.created_at);
        Ok::<i64, sqlx::Error>(id)
    })
}

pub async fn pdf(db: &Db, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT pdf FROM contracts WHERE id = $1").bind(id).fetch_optional(pool).await)
}

pub async fn signed_pdf(db: &Db, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let found: Option<Option<Vec<u8>>> =
        on_db!(db, |pool| sqlx::query_scalar("SELECT signed_pdf FROM contracts WHERE id = $1").bind(id).fetch_optional(pool).await)?;
    Ok(found.flatten())
}

pub async fn proof(db: &Db, id: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let found: Option<(Option<String>, Option<Vec<u8>>)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT proof_json, proof_pdf FROM contracts WHERE id = $1").bind(id).fetch_optional(pool).await
    })?;
    Ok(match found {
        Some((Some(json), Some(pdf))) => Some((json, pdf)),
        _ => None,
    })
}

/// Records that staff sent a CPF contract to the Caisse des dépôts (or clears it).
pub async fn set_cdc_sent(db: &Db, id: i64, on: Option<NaiveDate>) -> Result<bool, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE contracts SET cdc_sent_on = $1 WHERE id = $2 AND status = 'signe'")
            .bind(on)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

/// Replaces the mission's unsigned contracts (the mission was reopened or cancelled).
pub async fn void_open(db: &Db, mission_id: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE contracts SET status = 'remplace' WHERE mission_id = $1 AND status = 'a_signer'")
            .bind(mission_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}

/// Whether a contract signed by both parties is in force for the mission.
pub async fn mission_has_signed_contract(db: &Db, mission_id: i64) -> Result<bool, sqlx::Error> {
    let status: Option<ContractStatus> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT status FROM contracts WHERE mission_id = $1 AND status = 'signe' LIMIT 1")
            .bind(mission_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(status == Some(ContractStatus::Signed))
}

/// Whether a user may read a contract: its trainer, a user of its centre, or staff.
pub async fn readable_by(db: &Db, id: i64, user_id: i64, is_staff: bool) -> Result<bool, sqlx::Error> {
    if is_staff {
        return Ok(find(db, id).await?.is_some());
    }
    let found: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT c.id FROM contracts c WHERE c.id = $1 AND (c.trainer_id = $2
                OR c.centre_id = (SELECT u.centre_id FROM users u WHERE u.id = $2 AND u.role = 'centre'))",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(found.is_some())
}

/// Appends one entry in its own transaction.
pub async fn log(db: &Db, fields: LogFields, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    write_tx!(db, |tx| {
        append!(tx, fields, at);
        Ok::<(), sqlx::Error>(())
    })
}

#[derive(sqlx::FromRow, Debug, Clone)]
struct LogRow {
    contract_id: i64,
    seq: i64,
    event: String,
    party: String,
    signer_name: String,
    signer_email: String,
    identified_by: String,
    ip: String,
    user_agent: String,
    document_sha256: String,
    at: DateTime<Utc>,
    prev_hash: String,
    entry_hash: String,
}

/// A contract's log in order, each entry with its stored hash.
pub async fn log_entries(db: &Db, contract_id: i64) -> Result<Vec<(Entry, String)>, sqlx::Error> {
    let rows: Vec<LogRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT contract_id, seq, event, party, signer_name, signer_email, identified_by, ip, user_agent, document_sha256, at,
                prev_hash, entry_hash FROM signature_log WHERE contract_id = $1 ORDER BY seq",
        )
        .bind(contract_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                Entry {
                    contract_id: r.contract_id,
                    seq: r.seq,
                    event: r.event,
                    party: r.party,
                    signer_name: r.signer_name,
                    signer_email: r.signer_email,
                    identified_by: r.identified_by,
                    ip: r.ip,
                    user_agent: r.user_agent,
                    document_sha256: r.document_sha256,
                    at: log_time_text(r.at),
                    prev_hash: r.prev_hash,
                },
                r.entry_hash,
            )
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Signing

/// Why a signature was not recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// Recorded; `both` when the other party had signed already.
    Done { both: bool },
    AlreadySigned,
    NotToSign(ContractStatus),
    /// The document changed since it was read (a new version was drawn).
    DocumentChanged,
    WrongCode { attempts_left: i64 },
    NoCode,
    /// The centre's link was used, revoked or has expired.
    LinkClosed,
}

/// A signature as received: who, how identified, from where.
pub struct Signature<'a> {
    pub contract_id: i64,
    pub party: SignParty,
    pub signer_name: &'a str,
    pub signer_email: &'a str,
    pub identified_by: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// The hash of the PDF the signer read.
    pub document_sha256: &'a str,
    pub code_hash: &'a str,
    /// The link's token hash when the centre signs through its link.
    pub link: Option<&'a str>,
}

/// Checks the code and records the signature in one transaction: the code is used once, the
/// link (if any) is used once, the party signs once, and only the document that was read.
pub async fn sign(db: &Db, s: &Signature<'_>, at: DateTime<Utc>) -> Result<Signed, sqlx::Error> {
    let at = log_time(at);
    write_tx!(db, |tx| {
        // One signing attempt at a time per contract (Postgres row lock; SQLite is serial):
        // the wrong-code counter below is read and written without a race.
        sqlx::query("UPDATE contracts SET id = id WHERE id = $1").bind(s.contract_id).execute(&mut *tx).await?;
        // The code: the newest one sent to this signer for this contract.
        let code: Option<(i64, String, i64, DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT id, code_hash, attempts, expires_at, used_at FROM signing_codes
             WHERE contract_id = $1 AND party = $2 AND email = $3 ORDER BY id DESC LIMIT 1",
        )
        .bind(s.contract_id)
        .bind(s.party.code())
        .bind(s.signer_email)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((code_id, code_hash, attempts, expires_at, used_at)) = code else {
            return Ok(Signed::NoCode);
        };
        if used_at.is_some() || expires_at <= at || attempts >= crate::domain::contracts::CODE_MAX_ATTEMPTS {
            return Ok(Signed::NoCode);
        }
        if code_hash != s.code_hash {
            // The failed attempt is counted even though the signature is refused: commit it.
            sqlx::query("UPDATE signing_codes SET attempts = attempts + 1 WHERE id = $1").bind(code_id).execute(&mut *tx).await?;
            tx.commit().await?;
            return Ok(Signed::WrongCode { attempts_left: crate::domain::contracts::CODE_MAX_ATTEMPTS - attempts - 1 });
        }
        if let Some(token_hash) = s.link {
            let used = sqlx::query(
                "UPDATE signing_links SET used_at = $1 WHERE token_hash = $2 AND contract_id = $3 AND used_at IS NULL
                    AND revoked_at IS NULL AND expires_at > $1",
            )
            .bind(at)
            .bind(token_hash)
            .bind(s.contract_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if used == 0 {
                return Ok(Signed::LinkClosed);
            }
        }
        let current: Option<(ContractStatus, String, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
            sqlx::query_as("SELECT status, pdf_sha256, trainer_signed_at, centre_signed_at FROM contracts WHERE id = $1")
                .bind(s.contract_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((status, pdf_sha256, trainer_at, centre_at)) = current else { return Ok(Signed::NotToSign(ContractStatus::Superseded)) };
        let (mine, other) = match s.party {
            SignParty::Trainer => (trainer_at, centre_at),
            SignParty::Centre => (centre_at, trainer_at),
        };
        if mine.is_some() {
            return Ok(Signed::AlreadySigned);
        }
        if status != ContractStatus::ToSign {
            return Ok(Signed::NotToSign(status));
        }
        if pdf_sha256 != s.document_sha256 {
            return Ok(Signed::DocumentChanged);
        }
        let column = match s.party {
            SignParty::Trainer => "trainer_signed_at",
            SignParty::Centre => "centre_signed_at",
        };
        let updated = sqlx::query(&format!("UPDATE contracts SET {column} = $1 WHERE id = $2 AND status = $3 AND {column} IS NULL"))
            .bind(at)
            .bind(s.contract_id)
            .bind(ContractStatus::ToSign)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Ok(Signed::AlreadySigned);
        }
        sqlx::query("UPDATE signing_codes SET used_at = $1 WHERE id = $2").bind(at).bind(code_id).execute(&mut *tx).await?;
        append!(tx, LogFields {
            contract_id: s.contract_id,
            event: "Signature".into(),
            party: s.party.code().into(),
            signer_name: s.signer_name.into(),
            signer_email: s.signer_email.into(),
            identified_by: s.identified_by.into(),
            ip: s.ip.into(),
            user_agent: s.user_agent.into(),
            document_sha256: s.document_sha256.into(),
        }, at);
        Ok::<Signed, sqlx::Error>(Signed::Done { both: other.is_some() })
    })
}

/// Seals a contract both parties signed: the signed PDF and the proof file, once.
pub async fn seal(db: &Db, id: i64, signed_pdf: &[u8], signed_sha256: &str, proof_json: &str, proof_pdf: &[u8], at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    write_tx!(db, |tx| {
        let sealed = sqlx::query(
            "UPDATE contracts SET status = 'signe', signed_pdf = $1, signed_sha256 = $2, proof_json = $3, proof_pdf = $4, signed_at = $5
             WHERE id = $6 AND status = 'a_signer' AND trainer_signed_at IS NOT NULL AND centre_signed_at IS NOT NULL",
        )
        .bind(signed_pdf)
        .bind(signed_sha256)
        .bind(proof_json)
        .bind(proof_pdf)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if sealed {
            // The older signed versions of the mission's contract are replaced by this one.
            sqlx::query(
                "UPDATE contracts SET status = 'remplace' WHERE status = 'signe' AND id <> $1
                    AND mission_id = (SELECT mission_id FROM contracts WHERE id = $1)
                    AND version < (SELECT version FROM contracts WHERE id = $1)",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        Ok::<bool, sqlx::Error>(sealed)
    })
}

/// Contracts signed by both parties but not sealed (a crash between the two steps).
pub async fn unsealed(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT id FROM contracts WHERE status = 'a_signer' AND trainer_signed_at IS NOT NULL AND centre_signed_at IS NOT NULL LIMIT 50",
        )
        .fetch_all(pool)
        .await
    })
}

// ---------------------------------------------------------------------------------------------
// One-time codes

/// Whether a new code was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStored {
    Stored,
    /// One was sent less than `min_gap` ago.
    TooSoon,
    /// The day's allowance (`CODES_PER_DAY`) is used.
    TooMany,
}

/// Stores a new code unless one was sent to the same signer less than `min_gap` ago or too
/// many were sent today.
pub async fn insert_code(
    db: &Db,
    contract_id: i64,
    party: SignParty,
    email: &str,
    code_hash: &str,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    min_gap: chrono::Duration,
) -> Result<CodeStored, sqlx::Error> {
    write_tx!(db, |tx| {
        sqlx::query("UPDATE contracts SET id = id WHERE id = $1").bind(contract_id).execute(&mut *tx).await?;
        let recent: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM signing_codes WHERE contract_id = $1 AND party = $2 AND email = $3 AND created_at > $4 LIMIT 1",
        )
        .bind(contract_id)
        .bind(party.code())
        .bind(email)
        .bind(at - min_gap)
        .fetch_optional(&mut *tx)
        .await?;
        let today: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signing_codes WHERE contract_id = $1 AND party = $2 AND created_at > $3")
            .bind(contract_id)
            .bind(party.code())
            .bind(at - chrono::Duration::hours(24))
            .fetch_one(&mut *tx)
            .await?;
        if recent.is_some() {
            return Ok(CodeStored::TooSoon);
        }
        if today >= crate::domain::contracts::CODES_PER_DAY {
            return Ok(CodeStored::TooMany);
        }
        sqlx::query("INSERT INTO signing_codes (contract_id, party, email, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(contract_id)
            .bind(party.code())
            .bind(email)
            .bind(code_hash)
            .bind(at)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        Ok::<CodeStored, sqlx::Error>(CodeStored::Stored)
    })
}

// ---------------------------------------------------------------------------------------------
// Centres' signing links

#[derive(sqlx::FromRow, Debug, Clone)]
pub struct LinkRow {
    pub contract_id: i64,
    pub email: String,
    pub name: String,
    pub expires_at: DateTime<Utc>,
    pub readable_until: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl LinkRow {
    pub fn can_sign(&self, at: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && self.expires_at > at
    }

    pub fn can_read(&self, at: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.readable_until > at
    }
}

/// Stores a new link for a contract and revokes the earlier unused ones.
pub async fn insert_link(
    db: &Db,
    contract_id: i64,
    token_hash: &str,
    email: &str,
    name: &str,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    readable_until: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    write_tx!(db, |tx| {
        sqlx::query("UPDATE signing_links SET revoked_at = $1 WHERE contract_id = $2 AND used_at IS NULL AND revoked_at IS NULL")
            .bind(at)
            .bind(contract_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO signing_links (token_hash, contract_id, email, name, created_at, expires_at, readable_until)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash)
        .bind(contract_id)
        .bind(email)
        .bind(name)
        .bind(at)
        .bind(expires_at)
        .bind(readable_until)
        .execute(&mut *tx)
        .await?;
        Ok::<(), sqlx::Error>(())
    })
}

pub async fn find_link(db: &Db, token_hash: &str) -> Result<Option<LinkRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT contract_id, email, name, expires_at, readable_until, used_at, revoked_at FROM signing_links WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(pool)
            .await
    })
}

/// The newest link of a contract (for staff: sent when, used or not).
pub async fn latest_link(db: &Db, contract_id: i64) -> Result<Option<(LinkRow, DateTime<Utc>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        link: LinkRow,
        created_at: DateTime<Utc>,
    }
    let row: Option<Row> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT contract_id, email, name, expires_at, readable_until, used_at, revoked_at, created_at FROM signing_links
             WHERE contract_id = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(contract_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|r| (r.link, r.created_at)))
}

// ---------------------------------------------------------------------------------------------
// Reminders

/// Claims the contracts whose signature has waited more than `before` (since drawn or since the
/// last reminder): each claim is a conditional update, so one node reminds each contract once.
pub async fn claim_reminders(db: &Db, before: DateTime<Utc>, at: DateTime<Utc>) -> Result<Vec<i64>, sqlx::Error> {
    let due: Vec<(i64, Option<DateTime<Utc>>)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, reminded_at FROM contracts WHERE status = 'a_signer' AND created_at < $1
                AND (reminded_at IS NULL OR reminded_at < $1) AND (trainer_signed_at IS NULL OR centre_signed_at IS NULL) LIMIT 200",
        )
        .bind(before)
        .fetch_all(pool)
        .await
    })?;
    let mut claimed = Vec::new();
    for (id, previous) in due {
        let won = on_db!(db, |pool| {
            let query = match previous {
                Some(_) => "UPDATE contracts SET reminded_at = $1 WHERE id = $2 AND status = 'a_signer' AND reminded_at = $3",
                None => "UPDATE contracts SET reminded_at = $1 WHERE id = $2 AND status = 'a_signer' AND reminded_at IS NULL AND $3 = $3",
            };
            sqlx::query(query)
                .bind(at)
                .bind(id)
                .bind(previous.unwrap_or(at))
                .execute(pool)
                .await
                .map(|r| r.rows_affected() == 1)
        })?;
        if won {
            claimed.push(id);
        }
    }
    Ok(claimed)
}

// ---------------------------------------------------------------------------------------------
// Verification

/// What the public verification page may say about a document.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct VerifiedRow {
    pub id: i64,
    pub reference: String,
    pub version: i64,
    pub status: ContractStatus,
    pub pdf_sha256: String,
    pub signed_sha256: Option<String>,
    pub trainer_signed_at: Option<DateTime<Utc>>,
    pub centre_signed_at: Option<DateTime<Utc>>,
}

pub async fn find_by_hash(db: &Db, sha256: &str) -> Result<Option<VerifiedRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, reference, version, status, pdf_sha256, signed_sha256, trainer_signed_at, centre_signed_at FROM contracts
             WHERE signed_sha256 = $1 OR pdf_sha256 = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(sha256)
        .fetch_optional(pool)
        .await
    })
}

// ---------------------------------------------------------------------------------------------
// The parties' facts

#[derive(sqlx::FromRow, Debug, Clone, Default)]
pub struct TrainerParty {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub siret: Option<String>,
    pub nda: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune_name: Option<String>,
    pub legal_status: Option<String>,
    pub urssaf_attestation_date: Option<NaiveDate>,
}

pub async fn trainer_party(db: &Db, user_id: i64) -> Result<Option<TrainerParty>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT u.first_name, u.last_name, u.email, p.siret, COALESCE(p.verified_nda, p.nda) AS nda, p.address_line, p.postal_code,
                p.commune_name, p.legal_status, p.urssaf_attestation_date
             FROM users u LEFT JOIN trainer_profiles p ON p.user_id = u.id WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await
    })
}

/// Whether the trainer has uploaded an URSSAF attestation.
pub async fn has_urssaf_document(db: &Db, user_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM documents WHERE user_id = $1 AND kind = 'urssaf' LIMIT 1").bind(user_id).fetch_optional(pool).await
    })?;
    Ok(found.is_some())
}

/// The centre a centre user belongs to.
pub async fn centre_of(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let found: Option<Option<i64>> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT centre_id FROM users WHERE id = $1 AND role = 'centre'").bind(user_id).fetch_optional(pool).await
    })?;
    Ok(found.flatten())
}

/// The ids of a centre's user accounts.
pub async fn centre_user_ids(db: &Db, centre_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT id FROM users WHERE centre_id = $1 AND role = 'centre'").bind(centre_id).fetch_all(pool).await)
}
