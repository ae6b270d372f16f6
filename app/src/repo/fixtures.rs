//! Data for local installations and measurements: the demo flag, the generator's bulk inserts
//! (explicit ids, sequences, statistics) and what the benchmark reads. Used by the server's
//! command line only (`seed-demo`, `generate`, `bench`).

use chrono::{DateTime, Utc};

use crate::domain::missions::MissionStatus;
use crate::domain::ProfileStatus;
use crate::infra::db::{insert_rows, Arg, Db, Pool};
use crate::session::Role;
use crate::{execute_with, on_db};

// ---------------------------------------------------------------------------------------------
// Demo data

const DEMO_FLAG: &str = "demo_loaded";

/// Whether the demo data was loaded before.
pub async fn demo_loaded(db: &Db) -> Result<bool, sqlx::Error> {
    let found: Option<String> = on_db!(db, |pool| {
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1").bind(DEMO_FLAG).fetch_optional(pool).await
    })?;
    Ok(found.is_some())
}

/// Records that the demo data is loaded.
pub async fn mark_demo_loaded(db: &Db, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(DEMO_FLAG)
            .bind(at.to_rfc3339())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generator

/// The tables the generator fills with explicit ids.
#[derive(Clone, Copy, Debug)]
pub enum Table {
    Users,
    TrainerProfiles,
    TrainerDomains,
    Centres,
    Missions,
    TrainerLanguages,
    Attempts,
    Experiences,
    Applications,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::TrainerProfiles => "trainer_profiles",
            Table::TrainerDomains => "trainer_domains",
            Table::Centres => "centres",
            Table::Missions => "missions",
            Table::TrainerLanguages => "trainer_languages",
            Table::Attempts => "attempts",
            Table::Experiences => "experiences",
            Table::Applications => "applications",
        }
    }
}

/// The id after the largest one of `table`.
pub async fn next_id(db: &Db, table: Table) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {}", table.name());
    let max: i64 = on_db!(db, |pool| sqlx::query_scalar(&sql).fetch_one(pool).await)?;
    Ok(max + 1)
}

/// Inserts `rows` of `columns` into `table`, `chunk` rows per statement.
pub async fn bulk_insert(db: &Db, table: Table, columns: &[&str], rows: &[Vec<Arg>], chunk: usize) -> Result<(), sqlx::Error> {
    insert_rows(db, table.name(), columns, rows, chunk).await
}

/// Postgres serial sequences must follow explicit ids (SQLite needs nothing).
pub async fn bump_sequence(db: &Db, table: Table) -> Result<(), sqlx::Error> {
    if let Pool::Postgres(pool) = db.pool() {
        let table = table.name();
        let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))");
        db.count_statement();
        sqlx::query(&sql).execute(pool).await?;
    }
    Ok(())
}

/// Every domain code, and the language of language domains.
pub async fn domains(db: &Db) -> Result<Vec<(String, Option<String>)>, sqlx::Error> {
    on_db!(db, |pool| sqlx::query_as("SELECT code, language FROM domains").fetch_all(pool).await)
}

/// The active tests as (id, kind code, domain code, validity in months).
pub async fn tests(db: &Db) -> Result<Vec<(i64, String, Option<String>, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT id, kind, domain_code, CAST(validity_months AS BIGINT) FROM tests WHERE active = TRUE ORDER BY id").fetch_all(pool).await
    })
}

/// Counts everything generated so far as already broadcast.
pub async fn mark_broadcast_done(db: &Db, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query(
            "INSERT INTO job_leases (name, holder, lease_until, last_run_at) VALUES ('broadcast', 'generator', $1, $1)
             ON CONFLICT (name) DO UPDATE SET last_run_at = $1",
        )
        .bind(at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Fresh statistics for the query planner.
pub async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| sqlx::query("ANALYZE").execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Benchmark

/// Trainers, centres and missions in the database.
pub async fn sizes(db: &Db) -> Result<(i64, i64, i64), sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM users WHERE role = $1), (SELECT COUNT(*) FROM centres), (SELECT COUNT(*) FROM missions)")
            .bind(Role::Trainer)
            .fetch_one(pool)
            .await
    })
}

/// The query plan of a typical mission search, on one line.
pub async fn explain_search(db: &Db) -> Result<String, sqlx::Error> {
    // EXPLAIN takes no bound parameters: the status code is written in.
    let sql = format!(
        "SELECT m.id, m.latitude, m.longitude, m.start_date FROM missions m WHERE m.status = '{}' AND m.start_date >= '2026-01-01'
         AND m.format = 'presentiel' AND m.latitude BETWEEN 45.5 AND 46.0 AND m.longitude BETWEEN 4.5 AND 5.2",
        MissionStatus::Published.code()
    );
    db.count_statement();
    Ok(match db.pool() {
        Pool::Sqlite(pool) => {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(pool).await?;
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join(" | ")
        }
        Pool::Postgres(pool) => {
            let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {sql}")).fetch_all(pool).await?;
            rows.into_iter().map(|r| r.0.trim().to_string()).collect::<Vec<_>>().join(" | ")
        }
    })
}

/// The query plan of the best profiles' prefilter (`repo::invitations::candidates`) for an
/// on-site Excel mission for beginners, on one line.
pub async fn explain_best_profiles(db: &Db) -> Result<String, sqlx::Error> {
    let sql = format!(
        "SELECT a.user_id, a.submitted_at, a.level, a.score_percent, a.valid_until, p.latitude, p.longitude, p.mobility_km
         FROM tests t
         JOIN attempts a ON a.test_id = t.id AND a.passed = TRUE AND a.valid_until >= '2026-06-01'
         JOIN trainer_profiles p ON p.user_id = a.user_id
         JOIN users u ON u.id = a.user_id
         WHERE t.domain_code = 'excel' AND a.submitted_at IS NOT NULL AND p.status = '{}' AND p.accepts_onsite = TRUE AND u.deleted_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM applications ap WHERE ap.mission_id = 1 AND ap.user_id = a.user_id)
           AND EXISTS (SELECT 1 FROM attempts q JOIN tests qt ON qt.id = q.test_id
                       WHERE q.user_id = a.user_id AND qt.kind = 'qualiopi' AND q.passed = TRUE AND q.valid_until >= '2026-06-01')
           AND p.latitude BETWEEN 44.0 AND 47.5 AND p.longitude BETWEEN 2.3 AND 7.4 AND a.level IN ('expert', 'expert_plus')",
        ProfileStatus::Validated.code()
    );
    db.count_statement();
    Ok(match db.pool() {
        Pool::Sqlite(pool) => {
            let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(pool).await?;
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join(" | ")
        }
        Pool::Postgres(pool) => {
            let rows: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {sql}")).fetch_all(pool).await?;
            rows.into_iter().map(|r| r.0.trim().to_string()).collect::<Vec<_>>().join(" | ")
        }
    })
}

/// Validated trainers who gave their place.
pub async fn located_validated_trainers(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT user_id FROM trainer_profiles WHERE status = $1 AND latitude IS NOT NULL ORDER BY user_id")
            .bind(ProfileStatus::Validated)
            .fetch_all(pool)
            .await
    })
}

/// Published missions of the domains that have a test (others have no eligible trainer).
pub async fn published_tested_missions(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar(
            "SELECT m.id FROM missions m WHERE m.status = $1 AND m.domain_code IN (SELECT domain_code FROM tests WHERE domain_code IS NOT NULL)
             ORDER BY m.id",
        )
        .bind(MissionStatus::Published)
        .fetch_all(pool)
        .await
    })
}

/// Published missions.
pub async fn published_missions(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM missions WHERE status = $1 ORDER BY id").bind(MissionStatus::Published).fetch_all(pool).await
    })
}

/// Makes `missions` new again for the broadcast: published at `at`, never delivered (bench
/// data only).
pub async fn republish(db: &Db, missions: &[i64], at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for chunk in missions.chunks(500) {
        let holders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!("UPDATE missions SET published_at = $1 WHERE id IN ({})", holders.join(", "));
        let mut args = vec![Arg::Time(at)];
        args.extend(chunk.iter().map(|id| Arg::Int(*id)));
        execute_with!(db, &sql, &args)?;
    }
    for chunk in missions.chunks(500) {
        let holders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 1)).collect();
        let sql = format!("DELETE FROM mission_broadcasts WHERE mission_id IN ({})", holders.join(", "));
        let args: Vec<Arg> = chunk.iter().map(|id| Arg::Int(*id)).collect();
        execute_with!(db, &sql, &args)?;
    }
    Ok(())
}
