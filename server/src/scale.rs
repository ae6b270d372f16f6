//! Realistic fake data at scale (`server generate`) and the benchmark of the mission search, of
//! the daily broadcast and of the staff's "Meilleurs profils" on it (`server bench`), which
//! prints latency percentiles.

use std::time::{Duration, Instant};

use app::auth::Role;
use app::domain::geo::MAX_MOBILITY_KM;
use app::domain::missions::{Format, GroupKind, ManagementMode, MissionStatus};
use app::domain::testing::{level_for_score, TestKind};
use app::domain::{LegalStatus, ProfileStatus};
use app::infra::db::Arg;
use app::infra::state::AppState;
use app::missions::best_profiles::server::best_profiles;
use app::missions::server::{broadcast_since, search, SearchParams};
use app::repo::fixtures::{self, Table};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

type Res<T> = Result<T, String>;

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

async fn next_id(state: &AppState, table: Table) -> Res<i64> {
    fixtures::next_id(&state.db, table).await.map_err(text)
}

async fn bulk_insert(state: &AppState, table: Table, columns: &[&str], rows: Vec<Vec<Arg>>, chunk: usize) -> Res<()> {
    fixtures::bulk_insert(&state.db, table, columns, &rows, chunk).await.map_err(text)
}

async fn bump_sequence(state: &AppState, table: Table) -> Res<()> {
    fixtures::bump_sequence(&state.db, table).await.map_err(text)
}

pub async fn generate(state: &AppState, trainers: usize, centres: usize, missions: usize) -> Res<()> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(2026);
    let places = app::geo::all();
    let languages = fixtures::domains(&state.db).await.map_err(text)?;
    let domains: Vec<String> = languages.iter().map(|(code, _)| code.clone()).collect();
    let hash = app::auth::server::hash_password("Formateur-Genere-2026".into()).await.map_err(text)?;
    let now = chrono::Utc::now();
    let today = now.date_naive();

    // Trainers: accounts, profiles (70 % validated), one to three domains each, their tests
    // (the QCM and the tests of the domains they teach, most passed, some expired or failed),
    // mother tongues, and for most of them a few past jobs.
    let first_user = next_id(state, Table::Users).await?;
    let (mut users, mut profiles, mut taught) = (Vec::new(), Vec::new(), Vec::new());
    let (mut attempts, mut spoken, mut jobs) = (Vec::new(), Vec::new(), Vec::new());
    let tests = fixtures::tests(&state.db).await.map_err(text)?;
    let qualiopi = tests.iter().find(|t| t.1 == "qualiopi").map(|t| (t.0, t.3));
    let language_of = |domain: &str| languages.iter().find(|(code, _)| code == domain).and_then(|(_, l)| l.clone());
    for n in 0..trainers {
        let id = first_user + n as i64;
        let (postal, commune) = *places.choose(&mut rng).ok_or("no communes")?;
        users.push(vec![
            Arg::Int(id),
            Arg::Text(format!("formateur{id}@genere.test")),
            Arg::Text(hash.clone()),
            Arg::Text(format!("Prénom{id}")),
            Arg::Text(format!("Nom{id}")),
            Arg::Text(Role::Trainer.code().into()),
            Arg::Time(now),
            Arg::Time(now),
        ]);
        let status = match rng.random_range(0..100) {
            0..70 => ProfileStatus::Validated,
            70..85 => ProfileStatus::Submitted,
            _ => ProfileStatus::Draft,
        };
        let validated = status == ProfileStatus::Validated;
        let nda: String;
        profiles.push(vec![
            Arg::Int(id),
            Arg::Text(status.code().into()),
            Arg::Text(if rng.random_bool(0.5) { "mme" } else { "m" }.into()),
            Arg::Text(format!("06{:08}", rng.random_range(0..100_000_000u32))),
            Arg::Text(postal.into()),
            Arg::Text(commune.insee.into()),
            Arg::Text(commune.name.into()),
            Arg::Float(commune.latitude),
            Arg::Float(commune.longitude),
            Arg::Int(*[10, 20, 30, 40, 50, 80, 100, MAX_MOBILITY_KM].choose(&mut rng).unwrap_or(&30)),
            Arg::Bool(rng.random_bool(0.9)),
            Arg::Bool(rng.random_bool(0.6)),
            Arg::Bool(rng.random_bool(0.5)),
            Arg::Text({
                nda = format!("11{:09}", rng.random_range(0..1_000_000_000u32));
                nda.clone()
            }),
            // A validated profile's NDA was verified by staff (only verified paperwork counts).
            Arg::Text(if validated { "verified" } else { "none" }.into()),
            Arg::OptText(validated.then_some(nda)),
            Arg::Time(now),
        ]);
        // Administrative situation, which CPF missions read: mostly micro-entrepreneurs (some
        // above the turnover ceiling), then companies (some Qualiopi-certified), then others.
        let profile = profiles.last_mut().ok_or("no profile")?;
        let (legal, micro, turnover, certificate) = match rng.random_range(0..100) {
            0..60 => (LegalStatus::MicroEntrepreneur, true, Some(rng.random_range(15_000..95_000) * 100), None),
            60..85 => {
                let certified = rng.random_bool(0.4).then(|| {
                    let from = today - chrono::Duration::days(rng.random_range(30..700));
                    (from, from + chrono::Duration::days(365 * 3))
                });
                (LegalStatus::Company, false, Some(rng.random_range(40_000..300_000) * 100), certified)
            }
            85..95 => (LegalStatus::Portage, false, None, None),
            _ => (LegalStatus::Other, false, None, None),
        };
        profile.extend([
            Arg::Text(legal.code().into()),
            Arg::Bool(micro),
            Arg::OptInt(turnover),
            Arg::OptDate(certificate.map(|q| q.0)),
            Arg::OptDate(certificate.map(|q| q.1)),
        ]);
        // Staff verified the paperwork of validated profiles: the verified copies count.
        let check = |present: bool| Arg::Text(if validated && present { "verified" } else { "none" }.into());
        let verified_certificate = certificate.filter(|_| validated);
        profile.extend([
            check(certificate.is_some()),
            check(turnover.is_some()),
            Arg::Bool(validated && micro),
            Arg::OptInt(turnover.filter(|_| validated)),
            Arg::OptDate(verified_certificate.map(|q| q.0)),
            Arg::OptDate(verified_certificate.map(|q| q.1)),
        ]);
        let how_many = rng.random_range(1..=3);
        let mut mine: Vec<&String> = domains.choose_multiple(&mut rng, how_many).collect();
        mine.sort();
        // How likely this trainer took each test: validated profiles mostly did.
        let (qcm_odds, test_odds) = match status {
            ProfileStatus::Validated => (0.9, 0.75),
            ProfileStatus::Submitted => (0.5, 0.4),
            _ => (0.15, 0.1),
        };
        if let Some((test_id, months)) = qualiopi {
            if rng.random_bool(qcm_odds) {
                attempts.push(attempt(&mut rng, now, id, test_id, months, TestKind::Qualiopi));
            }
        }
        let mut tongues = vec![];
        if rng.random_bool(0.85) {
            tongues.push(("fr".to_string(), true));
        }
        for d in mine {
            taught.push(vec![Arg::Int(id), Arg::Text(d.clone()), Arg::Int(rng.random_range(1..25)), Arg::Text("expert".into())]);
            if let Some(language) = language_of(d).filter(|l| !tongues.iter().any(|(t, _)| t == l)) {
                tongues.push((language, rng.random_bool(0.25)));
            }
            for (test_id, kind, _, months) in tests.iter().filter(|t| t.2.as_deref() == Some(d.as_str())) {
                if rng.random_bool(test_odds) {
                    let kind = TestKind::from_code(kind).unwrap_or(TestKind::Domain);
                    attempts.push(attempt(&mut rng, now, id, *test_id, *months, kind));
                }
            }
        }
        for (language, native) in tongues {
            let cefr = if native { "C2" } else { *["B2", "C1", "C2"].choose(&mut rng).unwrap_or(&"C1") };
            spoken.push(vec![Arg::Int(id), Arg::Text(language), Arg::Text(cefr.into()), Arg::Bool(native)]);
        }
        // Past jobs: none for a fifth of them, else one to four periods.
        if rng.random_bool(0.8) {
            let mut start = today - chrono::Duration::days(rng.random_range(365..365 * 30));
            for _ in 0..rng.random_range(1..=4) {
                let end = start + chrono::Duration::days(rng.random_range(180..365 * 8));
                let end = (end < today).then_some(end);
                jobs.push(vec![
                    Arg::Int(id),
                    Arg::Text("Formateur".into()),
                    Arg::Text("Organisme".into()),
                    Arg::Date(start),
                    Arg::OptDate(end),
                ]);
                match end {
                    Some(e) => start = e + chrono::Duration::days(rng.random_range(0..200)),
                    None => break,
                }
                if start >= today {
                    break;
                }
            }
        }
    }
    bulk_insert(state, Table::Users, &["id", "email", "password_hash", "first_name", "last_name", "role", "created_at", "password_changed_at"], users, 1000).await?;
    bump_sequence(state, Table::Users).await?;
    bulk_insert(
        state,
        Table::TrainerProfiles,
        &[
            "user_id", "status", "civility", "mobile_phone", "postal_code", "commune_code", "commune_name", "latitude", "longitude",
            "mobility_km", "accepts_onsite", "accepts_remote", "email_digest", "nda", "nda_check", "verified_nda", "updated_at",
            "legal_status", "micro_social", "yearly_turnover_cents", "qualiopi_valid_from", "qualiopi_valid_until",
            "qualiopi_check", "turnover_check", "verified_micro_social", "verified_yearly_turnover_cents",
            "verified_qualiopi_valid_from", "verified_qualiopi_valid_until",
        ],
        profiles,
        1000,
    )
    .await?;
    bulk_insert(state, Table::TrainerDomains, &["user_id", "domain_code", "years_experience", "self_level"], taught, 2000).await?;
    let attempt_count = attempts.len();
    bulk_insert(
        state,
        Table::Attempts,
        &[
            "test_id", "user_id", "started_at", "deadline_at", "submitted_at", "question_count", "correct_count", "score_percent", "passed", "level",
            "valid_until", "retake_from",
        ],
        attempts,
        1000,
    )
    .await?;
    bulk_insert(state, Table::TrainerLanguages, &["user_id", "language_code", "cefr", "mother_tongue"], spoken, 2000).await?;
    let job_count = jobs.len();
    bulk_insert(state, Table::Experiences, &["user_id", "role", "organisation", "start_date", "end_date"], jobs, 2000).await?;
    println!("  {attempt_count} tests passés ou échoués, {job_count} expériences");
    println!("  {trainers} formateurs en {:.1} s", started.elapsed().as_secs_f64());

    // Centres.
    let first_centre = next_id(state, Table::Centres).await?;
    let mut rows = Vec::new();
    let mut centre_places = Vec::new();
    for n in 0..centres {
        let id = first_centre + n as i64;
        let (postal, commune) = *places.choose(&mut rng).ok_or("no communes")?;
        centre_places.push((id, postal, commune));
        rows.push(vec![
            Arg::Int(id),
            Arg::Text(format!("Centre de formation {id}")),
            Arg::Text("73282932000074".into()),
            Arg::Text(postal.into()),
            Arg::Text(commune.name.into()),
            Arg::Text(if n % 5 == 0 { ManagementMode::Full } else { ManagementMode::Trainers }.code().into()),
            Arg::Int(rng.random_range(35..60) * 100),
            Arg::Time(now),
        ]);
    }
    bulk_insert(
        state,
        Table::Centres,
        &["id", "name", "siret", "postal_code", "commune_name", "management_mode", "default_hourly_rate_cents", "created_at"],
        rows,
        1000,
    )
    .await?;
    bump_sequence(state, Table::Centres).await?;

    // Missions: 40 % published (in the last 30 days), the rest at every other stage.
    let first_mission = next_id(state, Table::Missions).await?;
    let mut rows = Vec::new();
    let levels = ["debutant", "intermediaire", "expert"];
    for n in 0..missions {
        let id = first_mission + n as i64;
        let (centre, postal, commune) = *centre_places.choose(&mut rng).ok_or("no centres")?;
        let (domain, language) = languages.choose(&mut rng).cloned().ok_or("no domains")?;
        let onsite = rng.random_bool(0.7);
        let status = match rng.random_range(0..100) {
            0..40 => MissionStatus::Published,
            40..55 => MissionStatus::Draft,
            55..75 => MissionStatus::Filled,
            75..85 => MissionStatus::InProgress,
            85..95 => MissionStatus::Done,
            _ => MissionStatus::Cancelled,
        };
        let start = today + chrono::Duration::days(rng.random_range(-60..180));
        let published = (status != MissionStatus::Draft).then(|| now - chrono::Duration::minutes(rng.random_range(60..60 * 24 * 30)));
        rows.push(vec![
            Arg::Int(id),
            Arg::Int(centre),
            Arg::Text(format!("Mission {id}")),
            Arg::Text(domain),
            Arg::Text((*levels.choose(&mut rng).unwrap_or(&"debutant")).into()),
            Arg::Text(if language.is_some() { *["natif", "non_natif", "indifferent"].choose(&mut rng).unwrap_or(&"indifferent") } else { "indifferent" }.into()),
            Arg::Text(if onsite { Format::Onsite } else { Format::Remote }.code().into()),
            Arg::Text(if rng.random_bool(0.6) { GroupKind::Individual } else { GroupKind::Group }.code().into()),
            Arg::OptText(onsite.then(|| postal.to_string())),
            Arg::OptText(onsite.then(|| commune.name.to_string())),
            Arg::OptFloat(onsite.then_some(commune.latitude)),
            Arg::OptFloat(onsite.then_some(commune.longitude)),
            Arg::Int(rng.random_range(7..120)),
            Arg::Date(start),
            Arg::Date(start + chrono::Duration::days(rng.random_range(7..120))),
            Arg::Bool(rng.random_bool(0.4)),
            Arg::Int(rng.random_range(35..60) * 100),
            Arg::Text(status.code().into()),
            Arg::OptTime(published),
            Arg::Time(now),
            Arg::Time(now),
        ]);
    }
    bulk_insert(
        state,
        Table::Missions,
        &[
            "id", "centre_id", "title", "domain_code", "learner_level", "native_requirement", "format", "group_kind", "postal_code",
            "commune_name", "latitude", "longitude", "hours", "start_date", "end_date", "cpf_funded", "hourly_rate_cents", "status",
            "published_at", "created_at", "updated_at",
        ],
        rows,
        1000,
    )
    .await?;
    bump_sequence(state, Table::Missions).await?;
    // Everything generated so far counts as already broadcast.
    fixtures::mark_broadcast_done(&state.db, now).await.map_err(text)?;
    fixtures::analyze(&state.db).await.map_err(text)?;
    println!("  {centres} centres, {missions} missions ; total {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// One submitted attempt of a generated trainer, taken in the last 14 months: passed 85 % of
/// the time (the level from the score, as the tests place it), else failed with a retake delay.
fn attempt(rng: &mut StdRng, now: chrono::DateTime<chrono::Utc>, user: i64, test: i64, validity_months: i64, kind: TestKind) -> Vec<Arg> {
    let submitted = now - chrono::Duration::minutes(rng.random_range(60..60 * 24 * 420));
    let day = submitted.date_naive();
    let passed = rng.random_bool(0.85);
    let score: u32 = if passed { rng.random_range(if kind == TestKind::Qualiopi { 70 } else { 50 }..=100) } else { rng.random_range(10..50) };
    let level = match (passed, kind) {
        (false, _) | (_, TestKind::Qualiopi) => None,
        (true, TestKind::Language) => Some(match score {
            0..55 => "B1",
            55..70 => "B2",
            70..85 => "C1",
            _ => "C2",
        }
        .to_string()),
        (true, _) => Some(level_for_score(score).code().to_string()),
    };
    vec![
        Arg::Int(test),
        Arg::Int(user),
        Arg::Time(submitted - chrono::Duration::minutes(25)),
        Arg::Time(submitted + chrono::Duration::minutes(5)),
        Arg::Time(submitted),
        Arg::Int(20),
        Arg::Int(i64::from(score) / 5),
        Arg::Int(i64::from(score)),
        Arg::Bool(passed),
        Arg::OptText(level),
        Arg::OptDate(passed.then(|| app::domain::testing::valid_until(day, validity_months as u32))),
        Arg::OptDate((!passed).then(|| day + chrono::Duration::days(7))),
    ]
}

fn percentiles(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let pick = |p: f64| {
        let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1000.0
    };
    format!("p50 {:.1} ms · p95 {:.1} ms · p99 {:.1} ms · max {:.1} ms ({} mesures)", pick(0.50), pick(0.95), pick(0.99), pick(1.0), samples.len())
}

pub async fn bench(state: &AppState, searches: usize, broadcasts: usize, profiles: usize) -> Res<()> {
    let mut rng = StdRng::seed_from_u64(7);
    let counts = fixtures::sizes(&state.db).await.map_err(text)?;
    println!("Base {} : {} formateurs, {} centres, {} missions", state.db.backend_name(), counts.0, counts.1, counts.2);
    // Fresh statistics for the query planner (indexes may have been added since the data).
    fixtures::analyze(&state.db).await.map_err(text)?;
    println!("Plan de la requête de recherche : {}", fixtures::explain_search(&state.db).await.map_err(text)?);
    let trainers = fixtures::located_validated_trainers(&state.db).await.map_err(text)?;
    if trainers.is_empty() {
        return Err("aucun formateur : lancez d'abord `server generate`".into());
    }
    let search_runs = if searches == 0 { Vec::new() } else { vec![("rayon du formateur, tri par distance", "", "distance"), ("50 km, tri par date", "50", "date"), ("toutes distances, tri par date", "0", "date")] };
    for (label, km, sort) in search_runs {
        // Warm up caches and the connection pool.
        for id in trainers.choose_multiple(&mut rng, 10) {
            search(&state.db, &app::guard::Ctx { user_id: *id, role: app::session::Role::Trainer }, SearchParams::parse("", "", km, "", sort, 1).map_err(text)?).await.map_err(text)?;
        }
        let mut samples = Vec::new();
        let mut found = 0;
        for id in trainers.choose_multiple(&mut rng, searches) {
            let params = SearchParams::parse("", "", km, "", sort, 1).map_err(text)?;
            let t = Instant::now();
            let result = search(&state.db, &app::guard::Ctx { user_id: *id, role: app::session::Role::Trainer }, params).await.map_err(text)?;
            samples.push(t.elapsed());
            found += result.total;
        }
        println!("Recherche ({label}) : {} ; {} missions en moyenne", percentiles(samples), found / searches.max(1));
    }

    // The broadcast: each run takes 100 published missions as "published since the last run".
    let published = fixtures::published_missions(&state.db).await.map_err(text)?;
    let mut samples = Vec::new();
    let mut summary = Vec::new();
    for _ in 0..broadcasts {
        let since = chrono::Utc::now();
        tokio::time::sleep(Duration::from_millis(5)).await;
        let batch: Vec<i64> = published.choose_multiple(&mut rng, 100.min(published.len())).copied().collect();
        let stamp = chrono::Utc::now();
        // The batch counts as new: forget earlier deliveries of these missions (bench data only).
        fixtures::republish(&state.db, &batch, stamp).await.map_err(text)?;
        let until = chrono::Utc::now() + chrono::Duration::milliseconds(1);
        let t = Instant::now();
        let report = broadcast_since(state, Some(since), until).await.map_err(text)?;
        samples.push(t.elapsed());
        summary.push(format!("{} formateurs / {} envois", report.trainers, report.deliveries));
    }
    if broadcasts > 0 {
        println!("Diffusion quotidienne (100 nouvelles missions par passage) : {}", percentiles(samples));
        println!("  passages : {}", summary.join(" ; "));
    }

    // "Meilleurs profils" of published missions of the tested domains (elsewhere nobody can
    // be eligible), as staff open them.
    let missions = fixtures::published_tested_missions(&state.db).await.map_err(text)?;
    if missions.is_empty() {
        return Err("aucune mission publiée d'un domaine testé".into());
    }
    println!("Plan du préfiltre des meilleurs profils : {}", fixtures::explain_best_profiles(&state.db).await.map_err(text)?);
    for id in missions.choose_multiple(&mut rng, 10) {
        best_profiles(&state.db, *id).await.map_err(text)?;
    }
    let (mut samples, mut listed, mut full) = (Vec::new(), 0, 0);
    for id in missions.choose_multiple(&mut rng, profiles.max(1)) {
        let t = Instant::now();
        let list = best_profiles(&state.db, *id).await.map_err(text)?;
        samples.push(t.elapsed());
        listed += list.profiles.len();
        full += usize::from(list.profiles.len() == app::missions::best_profiles::BEST_PROFILES);
    }
    let n = samples.len().max(1);
    println!(
        "Meilleurs profils (20 premiers, {n} missions) : {} ; {} profils en moyenne, liste complète pour {full} missions",
        percentiles(samples),
        listed / n
    );
    Ok(())
}
