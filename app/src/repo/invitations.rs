//! "Meilleurs profils": the trainers who could take a published mission and have not applied
//! (a prefilter the score then ranks), and the invitations staff send them.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::geo::BoundingBox;
use crate::domain::missions::Format;
use crate::domain::testing::TestKind;
use crate::domain::ProfileStatus;
use crate::guard::Ctx;
use crate::infra::db::{Arg, Db};
use crate::infra::time::now;
use crate::repo::competence::SubmittedResult;
use crate::{fetch_all_with, on_db};

/// A trainer who may fit, with one passed, still valid attempt at the domain's test (a trainer
/// who passed it more than once has one row per attempt).
#[derive(sqlx::FromRow)]
pub struct ProfileCandidate {
    #[sqlx(flatten)]
    pub result: SubmittedResult,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub mobility_km: Option<i64>,
    /// Whether the mission's language (language missions) is one of their mother tongues.
    pub native: bool,
    /// The start of their earliest recorded job.
    pub first_job: Option<NaiveDate>,
}

/// What the mission asks, for the prefilter.
pub struct CandidateFilter<'a> {
    pub mission_id: i64,
    pub domain_code: &'a str,
    pub format: Format,
    /// On-site missions: the box around the place that the widest radius reaches.
    pub around: Option<BoundingBox>,
    pub today: NaiveDate,
    /// The level codes that meet the mission's learners.
    pub levels: &'a [&'static str],
    /// The language taught, for language missions.
    pub language: Option<&'a str>,
}

/// Validated trainers (account not deleted) who accept the mission's format, hold a passed test
/// of the mission's domain still valid `today` at one of `levels`, a passed Qualiopi QCM still
/// valid, live in `around` when given, and have not applied to the mission (whatever became of
/// the application). Driven by the index `attempts_test_passed` (the domain's test, passed,
/// valid until). Necessary conditions only: the rules decide on each trainer's full facts.
pub async fn candidates(db: &Db, f: &CandidateFilter<'_>) -> Result<Vec<ProfileCandidate>, sqlx::Error> {
    let accepts = match f.format {
        Format::Onsite => "p.accepts_onsite",
        Format::Remote => "p.accepts_remote",
    };
    let native = match f.language {
        Some(_) => "EXISTS (SELECT 1 FROM trainer_languages l WHERE l.user_id = a.user_id AND l.language_code = $6 AND l.mother_tongue = TRUE)",
        None => "FALSE",
    };
    let mut sql = format!(
        "SELECT a.user_id, t.kind, t.domain_code, t.code, a.submitted_at, a.passed, a.level, a.score_percent, a.valid_until,
            a.retake_from, p.latitude, p.longitude, p.mobility_km, {native} AS native,
            (SELECT MIN(e.start_date) FROM experiences e WHERE e.user_id = a.user_id) AS first_job
         FROM tests t
         JOIN attempts a ON a.test_id = t.id AND a.passed = TRUE AND a.valid_until >= $2
         JOIN trainer_profiles p ON p.user_id = a.user_id
         JOIN users u ON u.id = a.user_id
         WHERE t.domain_code = $1 AND a.submitted_at IS NOT NULL AND p.status = $3 AND {accepts} = TRUE AND u.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM applications ap WHERE ap.mission_id = $4 AND ap.user_id = a.user_id)
           AND EXISTS (SELECT 1 FROM attempts q JOIN tests qt ON qt.id = q.test_id
                       WHERE q.user_id = a.user_id AND qt.kind = $5 AND q.passed = TRUE AND q.valid_until >= $2)"
    );
    let mut args = vec![
        Arg::Text(f.domain_code.to_string()),
        Arg::Date(f.today),
        Arg::Text(ProfileStatus::Validated.code().to_string()),
        Arg::Int(f.mission_id),
        Arg::Text(TestKind::Qualiopi.code().to_string()),
    ];
    if let Some(language) = f.language {
        args.push(Arg::Text(language.to_string()));
    }
    if let Some(b) = f.around {
        let n = args.len();
        sql.push_str(&format!(" AND p.latitude BETWEEN ${} AND ${} AND p.longitude BETWEEN ${} AND ${}", n + 1, n + 2, n + 3, n + 4));
        args.extend([Arg::Float(b.min_latitude), Arg::Float(b.max_latitude), Arg::Float(b.min_longitude), Arg::Float(b.max_longitude)]);
    }
    if f.levels.is_empty() {
        return Ok(Vec::new());
    }
    let holders: Vec<String> = (0..f.levels.len()).map(|i| format!("${}", args.len() + i + 1)).collect();
    sql.push_str(&format!(" AND a.level IN ({})", holders.join(", ")));
    args.extend(f.levels.iter().map(|l| Arg::Text((*l).to_string())));
    fetch_all_with!(db, ProfileCandidate, &sql, &args)
}

/// Whether the trainer applied to the mission (any status).
pub async fn has_applied(db: &Db, mission_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM applications WHERE mission_id = $1 AND user_id = $2")
            .bind(mission_id)
            .bind(user_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(found.is_some())
}

/// Records that staff invited the trainer; false when they were already invited.
pub async fn invite(db: &Db, staff: &Ctx, mission_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let at = now();
    let id: Option<i64> = on_db!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO mission_invitations (mission_id, user_id, invited_by, invited_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mission_id, user_id) DO NOTHING RETURNING id",
        )
        .bind(mission_id)
        .bind(user_id)
        .bind(staff.user_id)
        .bind(at)
        .fetch_optional(pool)
        .await
    })?;
    Ok(id.is_some())
}

#[derive(sqlx::FromRow)]
pub struct InvitationRow {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    /// The staff member who invited, while their account exists.
    pub invited_by: Option<String>,
    pub invited_at: DateTime<Utc>,
}

/// A mission's invitations, oldest first (staff only).
pub async fn invitations_of(db: &Db, mission_id: i64) -> Result<Vec<InvitationRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT i.user_id, u.first_name, u.last_name, s.first_name || ' ' || s.last_name AS invited_by, i.invited_at
             FROM mission_invitations i JOIN users u ON u.id = i.user_id LEFT JOIN users s ON s.id = i.invited_by
             WHERE i.mission_id = $1 ORDER BY i.invited_at, i.id",
        )
        .bind(mission_id)
        .fetch_all(pool)
        .await
    })
}
