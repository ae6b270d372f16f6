//! Trainer profiles: identity, background, administrative situation, review decisions.
//! The trainer's own data is reached through `Ctx`; staff reads and the eligibility rules take
//! a user id (their callers checked the role).

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::eligibility::ProfileStatus;
use crate::domain::forms::profile::{
    AdministrativeUpdate, DomainChoice, IdentityUpdate, LanguageChoice, NewDiploma, NewExperience, ReviewDecision, ReviewSection,
};
use crate::domain::{Cefr, LegalStatus};
use crate::geo::Commune;
use crate::guard::Ctx;
use crate::infra::db::{Arg, Db};
use crate::infra::time::now;
use crate::profile::{Diploma, DomainOption, Experience, PartCheck, TaughtDomain};
use crate::repo::audit::{self, AuditAction};
use crate::repo::documents::{self, DocumentRow};
use crate::{fetch_all_with, on_db, write_tx};

/// Creates the caller's (empty) profile row if it does not exist yet.
pub async fn ensure_own(db: &Db, ctx: &Ctx) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO trainer_profiles (user_id, updated_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING")
            .bind(ctx.user_id)
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct ProfileRow {
    pub user_id: i64,
    pub status: ProfileStatus,
    pub civility: Option<String>,
    pub mobile_phone: Option<String>,
    pub address_line: Option<String>,
    pub postal_code: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub mobility_km: Option<i64>,
    pub accepts_onsite: bool,
    pub accepts_remote: bool,
    pub presentation: Option<String>,
    pub legal_status: Option<LegalStatus>,
    pub siret: Option<String>,
    pub nda: Option<String>,
    pub micro_social: bool,
    pub yearly_turnover_cents: Option<i64>,
    pub qualiopi_number: Option<String>,
    pub qualiopi_valid_from: Option<NaiveDate>,
    pub qualiopi_valid_until: Option<NaiveDate>,
    pub urssaf_attestation_date: Option<NaiveDate>,
    pub nda_check: PartCheck,
    pub siret_check: PartCheck,
    pub qualiopi_check: PartCheck,
    /// The micro-social regime and the declared turnover, verified together.
    pub turnover_check: PartCheck,
    /// The values staff last verified: only these count for eligibility.
    pub verified_nda: Option<String>,
    pub verified_qualiopi_valid_from: Option<NaiveDate>,
    pub verified_qualiopi_valid_until: Option<NaiveDate>,
    pub verified_micro_social: bool,
    pub verified_yearly_turnover_cents: Option<i64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub email_digest: bool,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

const PROFILE_SELECT: &str = "SELECT p.user_id, p.status, p.civility, p.mobile_phone, p.address_line, p.postal_code,
    p.commune_code, p.commune_name, p.latitude, p.longitude, p.mobility_km, p.accepts_onsite, p.accepts_remote,
    p.presentation, p.legal_status, p.siret, p.nda, p.micro_social, p.yearly_turnover_cents, p.qualiopi_number,
    p.qualiopi_valid_from, p.qualiopi_valid_until, p.urssaf_attestation_date, p.nda_check, p.siret_check,
    p.qualiopi_check, p.turnover_check, p.verified_nda, p.verified_qualiopi_valid_from, p.verified_qualiopi_valid_until,
    p.verified_micro_social, p.verified_yearly_turnover_cents, p.submitted_at, p.email_digest, u.first_name, u.last_name, u.email
    FROM trainer_profiles p JOIN users u ON u.id = p.user_id
    WHERE p.user_id = $1 AND u.deleted_at IS NULL";

/// A trainer's profile row (staff reads, eligibility rules).
pub async fn row(db: &Db, user_id: i64) -> Result<Option<ProfileRow>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_as::<_, ProfileRow>(PROFILE_SELECT).bind(user_id).fetch_optional(pool).await)
}

/// The caller's own profile row.
pub async fn own_row(db: &Db, ctx: &Ctx) -> Result<Option<ProfileRow>, sqlx::Error> {
    row(db, ctx.user_id).await
}

/// The active domains a trainer can choose from.
pub async fn domain_choices(db: &Db) -> Result<Vec<DomainOption>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT code, label, category, language FROM domains WHERE active = TRUE ORDER BY category, label")
            .fetch_all(pool)
            .await
    })
}

#[derive(sqlx::FromRow)]
pub struct LanguageRow {
    pub language_code: String,
    pub cefr: Cefr,
    pub mother_tongue: bool,
}

/// A staff decision, with its reasons in section order.
pub struct ReviewRecord {
    pub decision: ProfileStatus,
    pub created_at: DateTime<Utc>,
    pub reasons: Vec<(ReviewSection, String)>,
}

/// Everything a profile page shows, as stored.
pub struct ProfileData {
    pub row: ProfileRow,
    pub experiences: Vec<Experience>,
    pub diplomas: Vec<Diploma>,
    pub domains: Vec<TaughtDomain>,
    pub languages: Vec<LanguageRow>,
    pub documents: Vec<DocumentRow>,
    pub last_review: Option<ReviewRecord>,
    pub domain_choices: Vec<DomainOption>,
}

/// The caller's whole profile, if the row exists.
pub async fn load_own(db: &Db, ctx: &Ctx) -> Result<Option<ProfileData>, sqlx::Error> {
    load(db, ctx.user_id).await
}

/// A trainer's whole profile, for staff.
pub async fn load_for_staff(db: &Db, user_id: i64) -> Result<Option<ProfileData>, sqlx::Error> {
    load(db, user_id).await
}

async fn load(db: &Db, user_id: i64) -> Result<Option<ProfileData>, sqlx::Error> {
    let Some(row) = row(db, user_id).await? else { return Ok(None) };
    let experiences: Vec<Experience> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, role, organisation, start_date, end_date, description FROM experiences
             WHERE user_id = $1 ORDER BY start_date DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })?;
    let diplomas: Vec<Diploma> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, kind, title, institution, year FROM diplomas WHERE user_id = $1 ORDER BY year DESC, id DESC")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?;
    let domains: Vec<TaughtDomain> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.domain_code AS code, d.label, t.years_experience, t.self_level FROM trainer_domains t
             JOIN domains d ON d.code = t.domain_code WHERE t.user_id = $1 ORDER BY d.label",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })?;
    let languages: Vec<LanguageRow> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT language_code, cefr, mother_tongue FROM trainer_languages WHERE user_id = $1 ORDER BY mother_tongue DESC, language_code",
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
    })?;
    let documents = documents::list_for(db, user_id).await?;
    let last_review = last_review(db, user_id).await?;
    let domain_choices = domain_choices(db).await?;
    Ok(Some(ProfileData { row, experiences, diplomas, domains, languages, documents, last_review, domain_choices }))
}

/// The caller's mother tongues (language codes).
pub async fn mother_tongues(db: &Db, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT language_code FROM trainer_languages WHERE user_id = $1 AND mother_tongue = TRUE")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })
}

// ---------------------------------------------------------------------------------------------
// Many trainers at once (staff ranking): one statement per 500 trainers and table

fn in_list(chunk: &[i64]) -> (String, Vec<Arg>) {
    let holders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
    (holders.join(", "), chunk.iter().map(|id| Arg::Int(*id)).collect())
}

/// The profile rows of these trainers (the same select as `row`, for many users).
pub async fn rows_of(db: &Db, users: &[i64]) -> Result<Vec<ProfileRow>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in users.chunks(500) {
        let (holders, args) = in_list(chunk);
        let sql = PROFILE_SELECT.replace("p.user_id = $1", &format!("p.user_id IN ({holders})"));
        debug_assert!(sql.contains(" IN ("), "PROFILE_SELECT filters on p.user_id = $1");
        out.extend(fetch_all_with!(db, ProfileRow, &sql, &args)?);
    }
    Ok(out)
}

/// (user id, language code) of these trainers' mother tongues.
pub async fn mother_tongues_of(db: &Db, users: &[i64]) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in users.chunks(500) {
        let (holders, args) = in_list(chunk);
        let sql = format!("SELECT user_id, language_code FROM trainer_languages WHERE mother_tongue = TRUE AND user_id IN ({holders})");
        out.extend(fetch_all_with!(db, (i64, String), &sql, &args)?);
    }
    Ok(out)
}

/// (user id, start, end) of these trainers' experiences.
pub async fn experience_periods_of(db: &Db, users: &[i64]) -> Result<Vec<(i64, NaiveDate, Option<NaiveDate>)>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in users.chunks(500) {
        let (holders, args) = in_list(chunk);
        let sql = format!("SELECT user_id, start_date, end_date FROM experiences WHERE user_id IN ({holders})");
        out.extend(fetch_all_with!(db, (i64, NaiveDate, Option<NaiveDate>), &sql, &args)?);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// PROFIL

/// Saves the caller's identity, with the commune resolved from the postal code.
pub async fn save_identity(db: &Db, ctx: &Ctx, value: &IdentityUpdate, commune: Option<&Commune>) -> Result<(), sqlx::Error> {
    let at = now();
    let user_id = ctx.user_id;
    write_tx!(db, |tx| {
        sqlx::query("UPDATE users SET first_name = $1, last_name = $2 WHERE id = $3")
            .bind(&value.first_name)
            .bind(&value.last_name)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE trainer_profiles SET civility = $1, mobile_phone = $2, address_line = $3, postal_code = $4,
                commune_code = $5, commune_name = $6, latitude = $7, longitude = $8, mobility_km = $9,
                accepts_onsite = $10, accepts_remote = $11, presentation = $12, updated_at = $13
             WHERE user_id = $14",
        )
        .bind(&value.civility)
        .bind(value.mobile_phone.as_ref().map(|p| p.as_str().to_string()))
        .bind(&value.address_line)
        .bind(value.postal_code.as_ref().map(|p| p.as_str().to_string()))
        .bind(commune.map(|c| c.insee))
        .bind(commune.map(|c| c.name))
        .bind(commune.map(|c| c.latitude))
        .bind(commune.map(|c| c.longitude))
        .bind(value.mobility_km)
        .bind(value.accepts_onsite)
        .bind(value.accepts_remote)
        .bind(&value.presentation)
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Ok::<(), sqlx::Error>(())
    })
}

// ---------------------------------------------------------------------------------------------
// PARCOURS

pub async fn add_experience(db: &Db, ctx: &Ctx, value: &NewExperience) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO experiences (user_id, role, organisation, start_date, end_date, description) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(ctx.user_id)
        .bind(&value.role)
        .bind(&value.organisation)
        .bind(value.start_date)
        .bind(value.end_date)
        .bind(&value.description)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    touch(db, ctx).await
}

/// Deletes one of the caller's experiences; returns the rows deleted (0 for another's).
pub async fn delete_experience(db: &Db, ctx: &Ctx, id: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM experiences WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(ctx.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}

pub async fn add_diploma(db: &Db, ctx: &Ctx, value: &NewDiploma) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO diplomas (user_id, kind, title, institution, year) VALUES ($1, $2, $3, $4, $5)")
            .bind(ctx.user_id)
            .bind(value.kind)
            .bind(&value.title)
            .bind(&value.institution)
            .bind(value.year)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    touch(db, ctx).await
}

/// Deletes one of the caller's diplomas; returns the rows deleted (0 for another's).
pub async fn delete_diploma(db: &Db, ctx: &Ctx, id: i64) -> Result<u64, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM diplomas WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(ctx.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}

/// Adds a taught domain, or updates it when the caller already teaches it.
pub async fn save_domain(db: &Db, ctx: &Ctx, value: &DomainChoice) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO trainer_domains (user_id, domain_code, years_experience, self_level) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, domain_code) DO UPDATE SET years_experience = $3, self_level = $4",
        )
        .bind(ctx.user_id)
        .bind(&value.domain_code)
        .bind(value.years_experience)
        .bind(value.self_level)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    touch(db, ctx).await
}

pub async fn remove_domain(db: &Db, ctx: &Ctx, code: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM trainer_domains WHERE user_id = $1 AND domain_code = $2")
            .bind(ctx.user_id)
            .bind(code)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    touch(db, ctx).await
}

/// Adds a spoken language, or updates it when the caller already listed it.
pub async fn save_language(db: &Db, ctx: &Ctx, value: &LanguageChoice) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO trainer_languages (user_id, language_code, cefr, mother_tongue) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, language_code) DO UPDATE SET cefr = $3, mother_tongue = $4",
        )
        .bind(ctx.user_id)
        .bind(&value.language_code)
        .bind(value.cefr)
        .bind(value.mother_tongue)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    touch(db, ctx).await
}

pub async fn remove_language(db: &Db, ctx: &Ctx, code: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("DELETE FROM trainer_languages WHERE user_id = $1 AND language_code = $2")
            .bind(ctx.user_id)
            .bind(code)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    touch(db, ctx).await
}

/// Marks the caller's profile as just changed.
pub async fn touch(db: &Db, ctx: &Ctx) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query("UPDATE trainer_profiles SET updated_at = $1 WHERE user_id = $2")
            .bind(at)
            .bind(ctx.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Administrative situation

/// The verification state of the parts staff check, after an edit.
pub struct PartChecks {
    pub nda: PartCheck,
    pub siret: PartCheck,
    pub qualiopi: PartCheck,
    pub turnover: PartCheck,
}

/// Saves the caller's administrative situation. The verified values are left as they are (a
/// changed part waits for staff while the verified one keeps counting), except that a part the
/// trainer withdraws stops counting at once: no NDA, no certificate, no longer micro-social, no
/// turnover.
pub async fn save_administrative(db: &Db, ctx: &Ctx, value: &AdministrativeUpdate, checks: &PartChecks) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query(
            "UPDATE trainer_profiles SET legal_status = $1, siret = $2, nda = $3, micro_social = $4,
                yearly_turnover_cents = $5, qualiopi_number = $6, qualiopi_valid_from = $7, qualiopi_valid_until = $8,
                urssaf_attestation_date = $9, nda_check = $10, siret_check = $11, qualiopi_check = $12, updated_at = $13,
                turnover_check = $15,
                verified_nda = CASE WHEN $16 THEN NULL ELSE verified_nda END,
                verified_qualiopi_valid_from = CASE WHEN $17 THEN NULL ELSE verified_qualiopi_valid_from END,
                verified_qualiopi_valid_until = CASE WHEN $17 THEN NULL ELSE verified_qualiopi_valid_until END,
                verified_micro_social = CASE WHEN $18 THEN FALSE ELSE verified_micro_social END,
                verified_yearly_turnover_cents = CASE WHEN $19 THEN NULL ELSE verified_yearly_turnover_cents END
             WHERE user_id = $14",
        )
        .bind(value.legal_status)
        .bind(value.siret.as_ref().map(|s| s.as_str().to_string()))
        .bind(value.nda.as_ref().map(|n| n.as_str().to_string()))
        .bind(value.micro_social)
        .bind(value.yearly_turnover.map(|t| t.cents()))
        .bind(&value.qualiopi_number)
        .bind(value.qualiopi_valid_from)
        .bind(value.qualiopi_valid_until)
        .bind(value.urssaf_attestation_date)
        .bind(checks.nda)
        .bind(checks.siret)
        .bind(checks.qualiopi)
        .bind(at)
        .bind(ctx.user_id)
        .bind(checks.turnover)
        .bind(value.nda.is_none())
        .bind(value.qualiopi_valid_until.is_none())
        .bind(!value.micro_social)
        .bind(value.yearly_turnover.is_none())
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A new Qualiopi certificate sends a verified certificate back to verification.
pub async fn qualiopi_document_added(db: &Db, ctx: &Ctx) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE trainer_profiles SET qualiopi_check = $1 WHERE user_id = $2 AND qualiopi_check = $3")
            .bind(PartCheck::Pending)
            .bind(ctx.user_id)
            .bind(PartCheck::Verified)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Submission and review

/// Sends the caller's draft (or corrected) profile for verification.
pub async fn submit_own(db: &Db, ctx: &Ctx) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        sqlx::query(
            "UPDATE trainer_profiles SET status = $1, submitted_at = $2, updated_at = $2
             WHERE user_id = $3 AND status IN ($4, $5)",
        )
        .bind(ProfileStatus::Submitted)
        .bind(at)
        .bind(ctx.user_id)
        .bind(ProfileStatus::Draft)
        .bind(ProfileStatus::ChangesRequested)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct QueueRow {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub status: ProfileStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub nda_check: PartCheck,
    pub siret_check: PartCheck,
    pub qualiopi_check: PartCheck,
    pub turnover_check: PartCheck,
}

/// Submitted profiles, and validated ones whose NDA, SIRET, certificate or turnover changed; oldest first.
pub async fn review_queue(db: &Db) -> Result<Vec<QueueRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.user_id, u.first_name, u.last_name, u.email, p.status, p.submitted_at, p.updated_at,
                    p.nda_check, p.siret_check, p.qualiopi_check, p.turnover_check
             FROM trainer_profiles p JOIN users u ON u.id = p.user_id
             WHERE u.deleted_at IS NULL AND (p.status = $1
                OR (p.status = $2 AND (p.nda_check = $3 OR p.siret_check = $3 OR p.qualiopi_check = $3 OR p.turnover_check = $3)))
             ORDER BY COALESCE(p.submitted_at, p.updated_at) ASC, p.user_id ASC",
        )
        .bind(ProfileStatus::Submitted)
        .bind(ProfileStatus::Validated)
        .bind(PartCheck::Pending)
        .fetch_all(pool)
        .await
    })
}

#[derive(sqlx::FromRow)]
struct ReviewHead {
    id: i64,
    decision: ProfileStatus,
    created_at: DateTime<Utc>,
}

async fn reasons(db: &Db, review_id: i64) -> Result<Vec<(ReviewSection, String)>, sqlx::Error> {
    let mut reasons: Vec<(ReviewSection, String)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT section, reason FROM review_reasons WHERE review_id = $1").bind(review_id).fetch_all(pool).await
    })?;
    reasons.sort_by_key(|(s, _)| ReviewSection::ALL.iter().position(|x| x == s));
    Ok(reasons)
}

/// The latest decision on a trainer's profile.
pub async fn last_review(db: &Db, user_id: i64) -> Result<Option<ReviewRecord>, sqlx::Error> {
    let head: Option<ReviewHead> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, decision, created_at FROM profile_reviews WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1")
            .bind(user_id)
            .fetch_optional(pool)
            .await
    })?;
    let Some(head) = head else { return Ok(None) };
    let reasons = reasons(db, head.id).await?;
    Ok(Some(ReviewRecord { decision: head.decision, created_at: head.created_at, reasons }))
}

/// Every decision on a trainer's profile, newest first.
pub async fn review_history(db: &Db, user_id: i64) -> Result<Vec<ReviewRecord>, sqlx::Error> {
    let heads: Vec<ReviewHead> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id, decision, created_at FROM profile_reviews WHERE user_id = $1 ORDER BY created_at DESC, id DESC")
            .bind(user_id)
            .fetch_all(pool)
            .await
    })?;
    let mut out = Vec::with_capacity(heads.len());
    for head in heads {
        let reasons = reasons(db, head.id).await?;
        out.push(ReviewRecord { decision: head.decision, created_at: head.created_at, reasons });
    }
    Ok(out)
}

/// Records a staff decision in one transaction: the review and its reasons, the profile's new
/// status (a validation marks the parts present as verified and copies them as the verified
/// values, the only ones eligibility reads) and the audit entry `detail`.
pub async fn record_review(db: &Db, reviewer: &Ctx, user_id: i64, review: &ReviewDecision, detail: &str) -> Result<(), sqlx::Error> {
    let at = now();
    let verified = review.decision == ProfileStatus::Validated;
    write_tx!(db, |tx| {
        let review_id: i64 = sqlx::query_scalar(
            "INSERT INTO profile_reviews (user_id, reviewer_id, decision, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(reviewer.user_id)
        .bind(review.decision)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for (section, reason) in &review.reasons {
            sqlx::query("INSERT INTO review_reasons (review_id, section, reason) VALUES ($1, $2, $3)")
                .bind(review_id)
                .bind(*section)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE trainer_profiles SET status = $1, reviewed_at = $2, updated_at = $2,
                nda_check = CASE WHEN $3 AND nda IS NOT NULL THEN $5 ELSE nda_check END,
                siret_check = CASE WHEN $3 AND siret IS NOT NULL THEN $5 ELSE siret_check END,
                qualiopi_check = CASE WHEN $3 AND qualiopi_valid_until IS NOT NULL THEN $5 ELSE qualiopi_check END,
                turnover_check = CASE WHEN $3 AND (micro_social OR yearly_turnover_cents IS NOT NULL) THEN $5 ELSE turnover_check END,
                verified_nda = CASE WHEN $3 THEN nda ELSE verified_nda END,
                verified_qualiopi_valid_from = CASE WHEN $3 THEN qualiopi_valid_from ELSE verified_qualiopi_valid_from END,
                verified_qualiopi_valid_until = CASE WHEN $3 THEN qualiopi_valid_until ELSE verified_qualiopi_valid_until END,
                verified_micro_social = CASE WHEN $3 THEN micro_social ELSE verified_micro_social END,
                verified_yearly_turnover_cents = CASE WHEN $3 THEN yearly_turnover_cents ELSE verified_yearly_turnover_cents END
             WHERE user_id = $4",
        )
        .bind(review.decision)
        .bind(at)
        .bind(verified)
        .bind(user_id)
        .bind(PartCheck::Verified)
        .execute(&mut *tx)
        .await?;
        sqlx::query(audit::INSERT)
            .bind(reviewer.user_id)
            .bind(AuditAction::ProfileReview)
            .bind(user_id)
            .bind(detail)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        Ok::<(), sqlx::Error>(())
    })
}

// ---------------------------------------------------------------------------------------------
// Right to erasure

/// Erases the caller's personal data in one transaction. Kept, anonymised: the account row (so
/// ids in the audit log and in past missions still resolve) with its personal fields blanked,
/// and `placeholder_hash` as an unusable password.
pub async fn erase_own(db: &Db, ctx: &Ctx, placeholder_hash: &str) -> Result<(), sqlx::Error> {
    let at = now();
    let user_id = ctx.user_id;
    write_tx!(db, |tx| {
        for table in ["documents", "experiences", "diplomas", "trainer_domains", "trainer_languages", "notifications", "password_reset_tokens"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1")).bind(user_id).execute(&mut *tx).await?;
        }
        sqlx::query(
            "UPDATE trainer_profiles SET civility = NULL, mobile_phone = NULL, address_line = NULL, postal_code = NULL,
                commune_code = NULL, commune_name = NULL, latitude = NULL, longitude = NULL, mobility_km = NULL,
                presentation = NULL, siret = NULL, nda = NULL, yearly_turnover_cents = NULL, qualiopi_number = NULL,
                qualiopi_valid_from = NULL, qualiopi_valid_until = NULL, urssaf_attestation_date = NULL,
                verified_nda = NULL, verified_qualiopi_valid_from = NULL, verified_qualiopi_valid_until = NULL,
                verified_micro_social = FALSE, verified_yearly_turnover_cents = NULL,
                status = $1, email_digest = FALSE, updated_at = $2
             WHERE user_id = $3",
        )
        .bind(ProfileStatus::Draft)
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE users SET email = $1, first_name = 'Compte', last_name = 'supprimé', password_hash = $2, deleted_at = $3
             WHERE id = $4",
        )
        .bind(format!("supprime-{user_id}@invalid.mission-formateur"))
        .bind(placeholder_hash)
        .bind(at)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        Ok::<(), sqlx::Error>(())
    })
}

// --- Used by missions ---

/// Turns the caller's daily email digest of new missions on or off.
pub async fn set_own_email_digest(db: &Db, ctx: &Ctx, enabled: bool) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("UPDATE trainer_profiles SET email_digest = $1 WHERE user_id = $2")
            .bind(enabled)
            .bind(ctx.user_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// --- Used by the staff dashboard ---

/// Trainer profiles with `status`.
pub async fn count_by_status(db: &Db, status: ProfileStatus) -> Result<i64, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM trainer_profiles WHERE status = $1").bind(status).fetch_one(pool).await)
}
