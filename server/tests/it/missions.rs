//! Centres, pay grids, missions, search near a trainer, applications, and the daily broadcast,
//! on SQLite and Postgres.

use app::auth::Role;
use app::domain::eligibility::evaluate;
use app::missions::centre::*;
use app::missions::staff::*;
use app::centres::*;
use app::missions::*;
use app::notifications::{MyNotifications, Notification};
use app::on_db;
use server_fn::ServerFn;

use crate::common::*;

pub(crate) async fn create_centre(app: &TestApp, staff: &reqwest::Client, name: &str, postal: &str, default_rate: &str) -> i64 {
    let reply = app
        .call(
            staff,
            SaveCentre::PATH,
            &[
                ("centre_id", "0"), ("name", name), ("siret", "732 829 320 00074"), ("nda", "11 69 12345 69"), ("address_line", "1 rue de la Paix"),
                ("postal_code", postal), ("contact_name", "Julien Fabre"), ("contact_email", "contact@centre.fr"), ("contact_phone", "04 78 00 00 00"),
                ("management_mode", "formateurs"), ("default_hourly_rate", default_rate),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body.as_i64().unwrap()
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn create_mission(app: &TestApp, staff: &reqwest::Client, centre: i64, title: &str, domain: &str, format: &str, postal: &str, hours: &str, start: &str, level: &str) -> i64 {
    let reply = app
        .call(
            staff,
            SaveMission::PATH,
            &[
                ("mission_id", "0"), ("centre_id", &centre.to_string()), ("title", title), ("domain_code", domain), ("description", "Une mission."),
                ("learner_level", level), ("native_requirement", "indifferent"), ("format", format), ("group_kind", "individuel"), ("postal_code", postal),
                ("hours", hours), ("start_date", start), ("end_date", "2031-12-31"), ("rhythm", "2 jours par semaine"), ("learners_count", "1"),
                ("learners", "Marc Petit ; 06 01 02 03 04 ; marc.petit@exemple.fr"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body.as_i64().unwrap()
}

pub(crate) async fn publish(app: &TestApp, staff: &reqwest::Client, mission: i64) {
    let reply = app.call(staff, ChangeMissionStatus::PATH, &[("mission_id", &mission.to_string()), ("status", "publiee")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

pub(crate) async fn notifications(app: &TestApp, client: &reqwest::Client) -> Vec<Notification> {
    serde_json::from_value(app.call(client, MyNotifications::PATH, &[]).await.body).unwrap()
}

pub(crate) async fn staff_mission(app: &TestApp, staff: &reqwest::Client, id: i64) -> StaffMission {
    let reply = app.call(staff, LoadStaffMission::PATH, &[("mission_id", &id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).unwrap()
}

async fn pay_grid_prices_missions_and_overrides_are_kept_in_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(&app, &staff, "FormaPro Lyon", "69003", "40").await;
    let c = centre.to_string();
    for (domain, format, group, min, max, rate) in [
        ("anglais", "", "", "", "", "45"),
        ("anglais", "presentiel", "collectif", "", "", "55"),
        ("", "distanciel", "", "", "", "35"),
        ("excel", "", "", "30", "", "38"),
    ] {
        let reply = app
            .call(&staff, AddPayRate::PATH, &[("centre_id", &c), ("domain_code", domain), ("format", format), ("group_kind", group), ("min_hours", min), ("max_hours", max), ("hourly_rate", rate)])
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let bad = app.call(&staff, AddPayRate::PATH, &[("centre_id", &c), ("domain_code", ""), ("format", ""), ("group_kind", ""), ("min_hours", "10"), ("max_hours", "5"), ("hourly_rate", "abc")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.text.contains("max_hours") && bad.text.contains("hourly_rate"), "{}", bad.text);

    let english = create_mission(&app, &staff, centre, "Anglais des affaires", "anglais", "presentiel", "69002", "20", "2031-01-05", "debutant").await;
    let remote = create_mission(&app, &staff, centre, "Word à distance", "word", "distanciel", "", "10", "2031-01-05", "debutant").await;
    let excel_short = create_mission(&app, &staff, centre, "Excel initiation", "excel", "presentiel", "69003", "12", "2031-01-05", "debutant").await;
    let excel_long = create_mission(&app, &staff, centre, "Excel parcours complet", "excel", "presentiel", "69003", "40", "2031-01-05", "debutant").await;
    assert_eq!(staff_mission(&app, &staff, english).await.hourly_rate.cents(), 4500);
    assert_eq!(staff_mission(&app, &staff, remote).await.hourly_rate.cents(), 3500);
    assert_eq!(staff_mission(&app, &staff, excel_short).await.hourly_rate.cents(), 4000, "default rate");
    assert_eq!(staff_mission(&app, &staff, excel_long).await.hourly_rate.cents(), 3800, "volume bracket");

    // An override needs a reason, and both it and the return to the grid are in the history.
    let no_reason = app.call(&staff, OverrideRate::PATH, &[("mission_id", &english.to_string()), ("hourly_rate", "60"), ("reason", "")]).await;
    assert_eq!(no_reason.status, 422);
    let reply = app.call(&staff, OverrideRate::PATH, &[("mission_id", &english.to_string()), ("hourly_rate", "60"), ("reason", "Public exigeant, niveau C2 requis")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let m = staff_mission(&app, &staff, english).await;
    assert_eq!(m.hourly_rate.cents(), 6000);
    assert!(m.rate_overridden);
    assert_eq!(m.grid_rate.cents(), 4500);
    assert!(m.rate_history.last().unwrap().what.contains("Public exigeant"));
    assert_eq!(app.call(&staff, OverrideRate::PATH, &[("mission_id", &english.to_string()), ("hourly_rate", ""), ("reason", "")]).await.status, 200);
    let m = staff_mission(&app, &staff, english).await;
    assert_eq!(m.hourly_rate.cents(), 4500);
    assert_eq!(m.rate_history.len(), 3);

    // Status changes are dated and attributed; impossible moves are refused.
    publish(&app, &staff, english).await;
    let done = app.call(&staff, ChangeMissionStatus::PATH, &[("mission_id", &english.to_string()), ("status", "terminee")]).await;
    assert_eq!(done.status, 422);
    let m = staff_mission(&app, &staff, english).await;
    assert_eq!(m.status, app::domain::missions::MissionStatus::Published);
    let statuses: Vec<_> = m.history.iter().filter(|h| h.what.starts_with("Statut : ")).collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses[1].what == "Statut : Publiée" && statuses[1].who == "Prénom Nom");

    // Learners' contacts are validated line by line.
    let reply = app
        .call(
            &staff,
            SaveMission::PATH,
            &[
                ("mission_id", "0"), ("centre_id", &c), ("title", "X"), ("domain_code", "excel"), ("description", ""), ("learner_level", "debutant"),
                ("native_requirement", "indifferent"), ("format", "presentiel"), ("group_kind", "individuel"), ("postal_code", ""), ("hours", "0"),
                ("start_date", "2031-02-01"), ("end_date", "2031-01-01"), ("rhythm", ""), ("learners_count", "1"), ("learners", "Paul ; 12 ; pas-un-email"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    for field in ["postal_code", "hours", "end_date", "learners"] {
        assert!(reply.text.contains(&format!("\"{field}\"")), "{field}: {}", reply.text);
    }
}

async fn trainers_find_missions_near_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(&app, &staff, "FormaPro Lyon", "69003", "40").await;
    // From Lyon 2e: Lyon 2e (0 km), Villeurbanne (~6 km), Vienne (~27 km), Grenoble (~95 km), remote.
    let places = [("Lyon 2e", "69002", "2031-03-01"), ("Villeurbanne", "69100", "2031-01-10"), ("Vienne", "38200", "2031-02-01"), ("Grenoble", "38000", "2031-01-05")];
    for (name, postal, start) in places {
        let id = create_mission(&app, &staff, centre, &format!("Excel à {name}"), "excel", "presentiel", postal, "20", start, "debutant").await;
        publish(&app, &staff, id).await;
    }
    let remote = create_mission(&app, &staff, centre, "Word à distance", "word", "distanciel", "", "10", "2031-04-01", "debutant").await;
    publish(&app, &staff, remote).await;
    let draft = create_mission(&app, &staff, centre, "Excel brouillon", "excel", "presentiel", "69003", "10", "2031-01-01", "debutant").await;
    let (trainer, _) = app.validated_trainer("jeanne@exemple.fr", "69002", 30, &["excel"], true, true).await;

    let search = |domain: &'static str, format: &'static str, km: &'static str, from: &'static str, sort: &'static str| {
        let app = &app;
        let trainer = &trainer;
        async move {
            let reply = app.call(trainer, SearchMissions::PATH, &[("domain", domain), ("format", format), ("max_km", km), ("from", from), ("sort", sort), ("page", "1")]).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            serde_json::from_value::<SearchResult>(reply.body).unwrap()
        }
    };
    let titles = |r: &SearchResult| r.missions.iter().map(|m| m.title.clone()).collect::<Vec<_>>();

    // Default: the trainer's own 30 km, on-site missions nearest first, then remote ones;
    // drafts never.
    let r = search("", "", "", "2030-01-01", "distance").await;
    assert_eq!(titles(&r), vec!["Excel à Lyon 2e", "Excel à Villeurbanne", "Excel à Vienne", "Word à distance"]);
    assert!(r.has_home);
    assert!(r.missions[0].distance_km.unwrap() < 1.0);
    assert!(r.missions[3].distance_km.is_none());
    assert!(!titles(&r).iter().any(|t| t.contains("brouillon")), "draft {draft} must not show");
    // Within 10 km, by date.
    let r = search("", "", "10", "2030-01-01", "date").await;
    assert_eq!(titles(&r), vec!["Excel à Villeurbanne", "Excel à Lyon 2e", "Word à distance"]);
    // No limit, on-site only, Excel only.
    let r = search("excel", "presentiel", "0", "2030-01-01", "distance").await;
    assert_eq!(r.missions.len(), 4);
    assert_eq!(r.missions.last().unwrap().title, "Excel à Grenoble");
    // From a date.
    let r = search("", "", "0", "2031-02-01", "date").await;
    assert_eq!(titles(&r), vec!["Excel à Vienne", "Excel à Lyon 2e", "Word à distance"]);
    // Each card carries what the browser needs to explain eligibility with the shared rules.
    let r = search("", "", "", "2030-01-01", "distance").await;
    let e = evaluate(&r.facts, &r.missions[0].requirements, r.today, &r.settings);
    assert!(!e.can_apply(), "no QCM passed yet");
    assert!(e.codes().contains(&app::domain::RefusalCode::QualiopiQcmMissing));
    // Bad filters are refused in French.
    let bad = app.call(&trainer, SearchMissions::PATH, &[("domain", ""), ("format", "x"), ("max_km", "-3"), ("from", "hier"), ("sort", ""), ("page", "1")]).await;
    assert_eq!(bad.status, 422);

    // Pagination: 20 per page.
    for i in 0..21 {
        let id = create_mission(&app, &staff, centre, &format!("Distanciel {i:02}"), "excel", "distanciel", "", "5", "2031-05-01", "debutant").await;
        publish(&app, &staff, id).await;
    }
    for sort in ["date", "distance"] {
        let reply = app.call(&trainer, SearchMissions::PATH, &[("domain", ""), ("format", ""), ("max_km", ""), ("from", "2030-01-01"), ("sort", sort), ("page", "2")]).await;
        let page2: SearchResult = serde_json::from_value(reply.body).unwrap();
        assert_eq!((page2.total, page2.pages, page2.page, page2.missions.len()), (25, 2, 2, 5), "{sort}");
        let reply = app.call(&trainer, SearchMissions::PATH, &[("domain", ""), ("format", ""), ("max_km", ""), ("from", "2030-01-01"), ("sort", sort), ("page", "1")]).await;
        let page1: SearchResult = serde_json::from_value(reply.body).unwrap();
        let mut ids: Vec<i64> = page1.missions.iter().chain(page2.missions.iter()).map(|m| m.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 25, "pages do not overlap ({sort})");
    }
}

async fn the_server_refuses_ineligible_applications_with_the_rules_reasons(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(&app, &staff, "FormaPro Lyon", "69003", "40").await;
    let mission = create_mission(&app, &staff, centre, "Excel perfectionnement", "excel", "presentiel", "69002", "20", "2031-01-05", "intermediaire").await;
    publish(&app, &staff, mission).await;
    let m = mission.to_string();

    // A trainer who has passed nothing forges the request the disabled button would send.
    let (novice, novice_id) = app.validated_trainer("novice@exemple.fr", "69003", 30, &["excel"], true, false).await;
    let detail: MissionDetail = serde_json::from_value(app.call(&novice, LoadMission::PATH, &[("mission_id", &m)]).await.body).unwrap();
    let expected = evaluate(&detail.facts, &detail.requirements, detail.today, &detail.settings);
    assert!(!expected.can_apply());
    let reply = app.call(&novice, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await;
    assert_eq!(reply.status, 422);
    let refused: app::error::AppError = serde_json::from_value(reply.body).unwrap();
    assert_eq!(refused, app::error::AppError::NotEligible(expected.refusals.clone()), "same reasons as the browser shows");
    assert!(detail.learners.is_empty(), "learners stay hidden");

    // Expert (not Expert +) in Excel is still refused for intermediate learners.
    ::server::demo::take(&app.state, novice_id, "qualiopi", 100).await.unwrap();
    ::server::demo::take(&app.state, novice_id, "excel", 80).await.unwrap();
    let reply = app.call(&novice, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await;
    assert_eq!(reply.status, 422);
    let refused: app::error::AppError = serde_json::from_value(reply.body).unwrap();
    let app::error::AppError::NotEligible(refusals) = refused else { panic!("not an eligibility refusal") };
    assert_eq!(refusals.iter().map(|r| r.code).collect::<Vec<_>>(), vec![app::domain::RefusalCode::CompetenceTooLow]);

    // An Expert + trainer applies; the rate shown at applying is kept with the application.
    let (expert, expert_id) = app.validated_trainer("expert@exemple.fr", "69001", 30, &["excel"], true, false).await;
    ::server::demo::take(&app.state, expert_id, "qualiopi", 100).await.unwrap();
    ::server::demo::take(&app.state, expert_id, "excel", 100).await.unwrap();
    let reply = app.call(&expert, ApplyToMission::PATH, &[("mission_id", &m), ("message", "Disponible dès janvier.")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // Applying again (a double click, a retry) changes nothing and is not an error.
    assert_eq!(app.call(&expert, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await.status, 200, "idempotent");
    let detail: MissionDetail = serde_json::from_value(app.call(&expert, LoadMission::PATH, &[("mission_id", &m)]).await.body).unwrap();
    assert_eq!(detail.application.as_ref().unwrap().hourly_rate.cents(), 4000);

    // The staff home shows what waits for them.
    let home: app::staff::Dashboard =
        serde_json::from_value(app.call(&staff, app::staff::StaffDashboard::PATH, &[]).await.body).unwrap();
    assert_eq!((home.missions_published, home.applications_pending, home.missions_running), (1, 1, 0));

    // Staff propose the mission to the trainer, who accepts: the mission is filled, the
    // learners' contacts are revealed.
    let sm = staff_mission(&app, &staff, mission).await;
    assert_eq!(sm.applicants.len(), 1);
    assert!(sm.applicants[0].eligible_now);
    let reply = app.call(&staff, ProposeMission::PATH, &[("mission_id", &m), ("user_id", &expert_id.to_string()), ("deadline_hours", "")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let detail: MissionDetail = serde_json::from_value(app.call(&expert, LoadMission::PATH, &[("mission_id", &m)]).await.body).unwrap();
    let proposal = detail.proposal.expect("the proposal shows on the mission page");
    let reply = app.call(&expert, AcceptProposal::PATH, &[("proposal_id", &proposal.id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let detail: MissionDetail = serde_json::from_value(app.call(&expert, LoadMission::PATH, &[("mission_id", &m)]).await.body).unwrap();
    assert_eq!(detail.learners.len(), 1);
    assert_eq!(detail.learners[0].email, "marc.petit@exemple.fr");
    assert_eq!(detail.centre_name.as_deref(), Some("FormaPro Lyon"));
    assert!(notifications(&app, &expert).await.iter().any(|n| n.title == "Une mission vous est proposée" && n.body.contains("Excel perfectionnement")));
    let home: app::staff::Dashboard =
        serde_json::from_value(app.call(&staff, app::staff::StaffDashboard::PATH, &[]).await.body).unwrap();
    assert_eq!((home.missions_published, home.applications_pending, home.missions_running), (0, 0, 1));
    // The other trainer never sees them, and cannot open the filled mission.
    assert_eq!(app.call(&novice, LoadMission::PATH, &[("mission_id", &m)]).await.status, 404);
}

async fn the_broadcast_reaches_the_right_trainers_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(&app, &staff, "FormaPro Lyon", "69003", "40").await;
    let (lyon, _) = app.validated_trainer("lyon@exemple.fr", "69003", 30, &["excel"], true, true).await;
    let (paris, paris_id) = app.validated_trainer("paris@exemple.fr", "75011", 30, &["excel"], true, true).await;
    let (word, _) = app.validated_trainer("word@exemple.fr", "69003", 30, &["word"], true, true).await;
    let (pending, pending_id) = app.validated_trainer("pending@exemple.fr", "69003", 30, &["excel"], true, true).await;
    on_db!(&app.db, |pool| sqlx::query("UPDATE trainer_profiles SET status = 'en_attente' WHERE user_id = $1").bind(pending_id).execute(pool).await.map(|r| r.rows_affected())).unwrap();
    // Paris turned the email digest off: notified in the app only.
    on_db!(&app.db, |pool| sqlx::query("UPDATE trainer_profiles SET email_digest = FALSE WHERE user_id = $1").bind(paris_id).execute(pool).await.map(|r| r.rows_affected())).unwrap();

    let lyon_mission = create_mission(&app, &staff, centre, "Excel à Lyon", "excel", "presentiel", "69002", "20", "2031-01-05", "debutant").await;
    let remote = create_mission(&app, &staff, centre, "Excel à distance", "excel", "distanciel", "", "10", "2031-01-05", "debutant").await;
    let marseille = create_mission(&app, &staff, centre, "Excel à Marseille", "excel", "presentiel", "13001", "20", "2031-01-05", "debutant").await;
    let draft = create_mission(&app, &staff, centre, "Excel pas encore publiée", "excel", "distanciel", "", "10", "2031-01-05", "debutant").await;
    for id in [lyon_mission, remote, marseille] {
        publish(&app, &staff, id).await;
    }
    let reply = app.call(&staff, RunBroadcastNow::PATH, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let report: BroadcastReport = serde_json::from_value(reply.body).unwrap();
    assert_eq!((report.missions, report.trainers, report.deliveries, report.emails), (3, 2, 3, 1));

    let lyon_notes = notifications(&app, &lyon).await;
    assert_eq!(lyon_notes.len(), 1, "one digest");
    assert_eq!(lyon_notes[0].title, "2 nouvelles missions pour vous");
    assert!(lyon_notes[0].body.contains("Excel à Lyon") && lyon_notes[0].body.contains("Excel à distance"));
    assert!(!lyon_notes[0].body.contains("Marseille"));
    let paris_notes = notifications(&app, &paris).await;
    assert_eq!(paris_notes.len(), 1);
    assert!(paris_notes[0].body.contains("Excel à distance") && !paris_notes[0].body.contains("Lyon"));
    assert!(notifications(&app, &word).await.is_empty());
    assert!(notifications(&app, &pending).await.is_empty());
    assert_eq!(app.email_count("lyon@exemple.fr").await, 2, "welcome + digest");
    assert_eq!(app.email_count("paris@exemple.fr").await, 1, "welcome only");

    // A second run sends nothing new; a mission published later goes out once.
    let again: BroadcastReport = serde_json::from_value(app.call(&staff, RunBroadcastNow::PATH, &[]).await.body).unwrap();
    assert_eq!((again.missions, again.deliveries), (0, 0));
    publish(&app, &staff, draft).await;
    let later: BroadcastReport = serde_json::from_value(app.call(&staff, RunBroadcastNow::PATH, &[]).await.body).unwrap();
    assert_eq!((later.missions, later.trainers), (1, 2));
    assert_eq!(notifications(&app, &lyon).await.len(), 2);
    let deliveries: i64 = on_db!(&app.db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM mission_broadcasts").fetch_one(pool).await).unwrap();
    assert_eq!(deliveries, 5);
}

async fn centre_users_see_only_their_centre(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let ours = create_centre(&app, &staff, "FormaPro Lyon", "69003", "40").await;
    let theirs = create_centre(&app, &staff, "Autre Centre", "75011", "40").await;
    create_mission(&app, &staff, ours, "Notre mission", "excel", "distanciel", "", "10", "2031-01-05", "debutant").await;
    create_mission(&app, &staff, theirs, "Leur mission", "excel", "distanciel", "", "10", "2031-01-05", "debutant").await;
    let reply = app
        .call(&staff, app::staff::CreateAccount::PATH, &[("role", "centre"), ("first_name", "Julie"), ("last_name", "Roux"), ("email", "julie@formapro.fr"), ("centre_id", &ours.to_string())])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = app.last_email_to("julie@formapro.fr").await.expect("invitation");
    let start = body.find("jeton=").unwrap() + 6;
    let token: String = body[start..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    let reply = app.call(&client(), app::auth::ResetPassword::PATH, &[("token", &token), ("password", PASSWORD), ("password_confirm", PASSWORD)]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let centre = client();
    assert_eq!(app.call(&centre, app::auth::Login::PATH, &[("email", "julie@formapro.fr"), ("password", PASSWORD)]).await.body["to"], "/centre");
    let home: CentreHome = serde_json::from_value(app.call(&centre, MyCentre::PATH, &[]).await.body).unwrap();
    assert_eq!(home.name, "FormaPro Lyon");
    assert_eq!(home.missions.iter().map(|m| m.title.as_str()).collect::<Vec<_>>(), vec!["Notre mission"]);
    // No trainer-facing or staff data.
    assert_eq!(app.call(&centre, SearchMissions::PATH, &[("domain", ""), ("format", ""), ("max_km", ""), ("from", ""), ("sort", ""), ("page", "1")]).await.status, 403);
    assert_eq!(app.call(&centre, StaffMissions::PATH, &[("centre", ""), ("status", ""), ("domain", ""), ("page", "1")]).await.status, 403);
    // A centre account without a centre is refused.
    let orphan = app.call(&staff, app::staff::CreateAccount::PATH, &[("role", "centre"), ("first_name", "A"), ("last_name", "B"), ("email", "x@y.fr")]).await;
    assert_eq!(orphan.status, 422);
}

/// Staff validate the profile as it stands (its paperwork becomes the verified paperwork).
async fn verify_profile(app: &TestApp, staff: &reqwest::Client, user_id: i64) {
    let id = user_id.to_string();
    let reply = app
        .call(
            staff,
            app::profile::review::ReviewProfile::PATH,
            &[("user_id", &id), ("decision", "valide"), ("reason_profil", ""), ("reason_parcours", ""), ("reason_administratif", ""), ("reason_documents", "")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

async fn mission_for(app: &TestApp, trainer: &reqwest::Client, mission: &str) -> (MissionDetail, app::domain::Eligibility) {
    let reply = app.call(trainer, LoadMission::PATH, &[("mission_id", mission)]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let detail: MissionDetail = serde_json::from_value(reply.body).unwrap();
    let eligibility = evaluate(&detail.facts, &detail.requirements, detail.today, &detail.settings);
    (detail, eligibility)
}

async fn only_verified_paperwork_counts_for_eligibility(backend: Backend) {
    use app::domain::{Nda, Paperwork, RefusalCode};
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(&app, &staff, "FormaPro Lyon", "69003", "40").await;
    let mission = create_mission(&app, &staff, centre, "Excel débutants", "excel", "presentiel", "69002", "20", "2031-01-05", "debutant").await;
    publish(&app, &staff, mission).await;
    let m = mission.to_string();
    let (first, second) = (Nda::parse("11 75 41412 75").unwrap(), Nda::parse("11 94 12031 94").unwrap());

    // A validated trainer with every test passed withdraws their NDA, then enters one again:
    // it waits for staff and does not count.
    let (trainer, id) = app.validated_trainer("paperasse@exemple.fr", "69003", 30, &["excel"], true, false).await;
    ::server::demo::take(&app.state, id, "qualiopi", 100).await.unwrap();
    ::server::demo::take(&app.state, id, "excel", 100).await.unwrap();
    assert!(mission_for(&app, &trainer, &m).await.1.can_apply());
    ::server::demo::admin(&app.state, id, "micro", "732 829 320 00074", "", true, "30000", None).await.unwrap();
    assert_eq!(mission_for(&app, &trainer, &m).await.1.codes(), vec![RefusalCode::NdaMissing], "a withdrawn NDA stops counting at once");
    ::server::demo::admin(&app.state, id, "micro", "732 829 320 00074", &first.grouped(), true, "30000", None).await.unwrap();
    let (detail, eligibility) = mission_for(&app, &trainer, &m).await;
    assert_eq!(detail.facts.nda, None);
    assert_eq!(detail.facts.awaiting_verification, vec![Paperwork::Nda]);
    assert_eq!(eligibility.codes(), vec![RefusalCode::NdaNotVerified]);
    assert!(eligibility.refusals[0].message.contains("attend la vérification de l'équipe"), "{}", eligibility.refusals[0].message);
    let reply = app.call(&trainer, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await;
    assert_eq!(reply.status, 422, "the server refuses an unverified NDA too");
    // Staff find it in their queue and verify it: it counts.
    let queue: Vec<app::profile::review::QueueItem> =
        serde_json::from_value(app.call(&staff, app::profile::review::ReviewQueue::PATH, &[]).await.body).unwrap();
    assert_eq!(queue.iter().find(|q| q.user_id == id).map(|q| q.pending_parts.clone()), Some(vec!["NDA".to_string()]));
    verify_profile(&app, &staff, id).await;
    let (detail, eligibility) = mission_for(&app, &trainer, &m).await;
    assert_eq!(detail.facts.nda, Some(first.clone()));
    assert!(detail.facts.awaiting_verification.is_empty());
    assert!(eligibility.can_apply(), "{:?}", eligibility.refusals);

    // Editing the verified NDA: the verified one keeps counting until staff verify the new one.
    ::server::demo::admin(&app.state, id, "micro", "732 829 320 00074", &second.grouped(), true, "30000", None).await.unwrap();
    let (detail, eligibility) = mission_for(&app, &trainer, &m).await;
    assert_eq!(detail.facts.nda, Some(first.clone()));
    assert_eq!(detail.facts.awaiting_verification, vec![Paperwork::Nda]);
    assert!(eligibility.can_apply(), "{:?}", eligibility.refusals);
    let profile: app::profile::MyProfile = serde_json::from_value(app.call(&trainer, app::profile::LoadMyProfile::PATH, &[]).await.body).unwrap();
    assert_eq!((profile.administrative.nda, profile.administrative.verified_nda), (Some(second.grouped()), Some(first.grouped())));
    assert_eq!(
        detail.facts.verification_notes(),
        vec!["Votre nouveau NDA attend la vérification de l'équipe Mission Formateur : d'ici là, le NDA déjà vérifié reste pris en compte."]
    );
    verify_profile(&app, &staff, id).await;
    let (detail, eligibility) = mission_for(&app, &trainer, &m).await;
    assert_eq!(detail.facts.nda, Some(second));
    assert!(detail.facts.awaiting_verification.is_empty());
    assert!(eligibility.can_apply());
    let reply = app.call(&trainer, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

async fn the_micro_social_turnover_counts_once_verified(backend: Backend) {
    use app::domain::{Paperwork, RefusalCode};
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(&app, &staff, "FormaPro Lyon", "69003", "40").await;
    let mission = create_mission(&app, &staff, centre, "Excel CPF", "excel", "presentiel", "69002", "20", "2031-01-05", "debutant").await;
    let m = mission.to_string();
    on_db!(&app.db, |pool| sqlx::query("UPDATE missions SET cpf_funded = TRUE WHERE id = $1").bind(mission).execute(pool).await.map(|r| r.rows_affected()))
        .unwrap();
    publish(&app, &staff, mission).await;

    // A micro-entrepreneur verified under the ceiling may apply to a CPF mission.
    let (trainer, id) = app.validated_trainer("micro@exemple.fr", "69003", 30, &["excel"], true, false).await;
    ::server::demo::take(&app.state, id, "qualiopi", 100).await.unwrap();
    ::server::demo::take(&app.state, id, "excel", 100).await.unwrap();
    let (detail, eligibility) = mission_for(&app, &trainer, &m).await;
    assert!(detail.requirements.cpf_funded);
    assert!(eligibility.can_apply(), "{:?}", eligibility.refusals);
    // Tests passed today end before this mission (in 2031) does: warnings, not refusals.
    assert_eq!(
        eligibility.warning_codes(),
        vec![app::domain::WarningCode::QualiopiQcmEndsDuringMission, app::domain::WarningCode::DomainTestEndsDuringMission]
    );
    let reply = app.call(&trainer, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // Staff see them next to the applicant.
    let sm = staff_mission(&app, &staff, mission).await;
    assert_eq!(sm.applicants.len(), 1);
    assert!(sm.applicants[0].eligible_now);
    assert_eq!(sm.applicants[0].warnings.len(), 2);
    assert!(sm.applicants[0].warnings[0].starts_with("Votre QCM Qualiopi expire le "), "{:?}", sm.applicants[0].warnings);

    // A new turnover over the ceiling waits for staff; the verified declaration keeps counting
    // meanwhile.
    ::server::demo::admin(&app.state, id, "micro", "732 829 320 00074", "11 75 41412 75", true, "95000", None).await.unwrap();
    let (detail, eligibility) = mission_for(&app, &trainer, &m).await;
    assert_eq!(detail.facts.awaiting_verification, vec![Paperwork::Turnover]);
    assert!(eligibility.can_apply());
    verify_profile(&app, &staff, id).await;
    let (detail, eligibility) = mission_for(&app, &trainer, &m).await;
    assert!(detail.facts.awaiting_verification.is_empty());
    assert_eq!(eligibility.codes(), vec![RefusalCode::CpfTurnoverOverCeiling]);
    assert!(eligibility.refusals[0].message.contains("dépasse le plafond"), "{}", eligibility.refusals[0].message);

    // Leaving the micro-social regime stops the exemption at once.
    ::server::demo::admin(&app.state, id, "micro", "732 829 320 00074", "11 75 41412 75", true, "30000", None).await.unwrap();
    verify_profile(&app, &staff, id).await;
    assert!(mission_for(&app, &trainer, &m).await.1.can_apply());
    ::server::demo::admin(&app.state, id, "societe", "732 829 320 00074", "11 75 41412 75", false, "30000", None).await.unwrap();
    let (_, eligibility) = mission_for(&app, &trainer, &m).await;
    assert_eq!(eligibility.codes(), vec![RefusalCode::CpfQualiopiRequired]);
    assert!(!eligibility.actions().contains(&app::domain::Action::DeclareTurnover), "a company is not told to declare a turnover");

    let sm = staff_mission(&app, &staff, mission).await;
    assert!(!sm.applicants[0].eligible_now);
    assert_eq!(sm.applicants[0].reasons, vec![eligibility.refusals[0].message.clone()]);
}

on_both_backends!(
    pay_grid_prices_missions_and_overrides_are_kept_in_history,
    trainers_find_missions_near_them,
    the_server_refuses_ineligible_applications_with_the_rules_reasons,
    the_broadcast_reaches_the_right_trainers_once,
    centre_users_see_only_their_centre,
    only_verified_paperwork_counts_for_eligibility,
    the_micro_social_turnover_counts_once_verified,
);

/// Two app nodes on one Postgres run the broadcast at the same moment: one runs it, every
/// trainer gets each mission once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_broadcast_once() {
    let node_a = spawn_app(Backend::Postgres).await;
    let node_b = spawn_app_with(Backend::Postgres, Options { database_url: Some(node_a.database_url.clone()), ..Options::default() }).await;
    let staff = node_a.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(&node_a, &staff, "FormaPro Lyon", "69003", "40").await;
    let mut trainers = Vec::new();
    for i in 0..5 {
        trainers.push(node_a.validated_trainer(&format!("t{i}@exemple.fr"), "69003", 30, &["excel"], true, true).await.0);
    }
    for i in 0..3 {
        let id = create_mission(&node_a, &staff, centre, &format!("Mission {i}"), "excel", "distanciel", "", "10", "2031-01-05", "debutant").await;
        publish(&node_a, &staff, id).await;
    }
    let (a, b) = tokio::join!(
        app::missions::server::run_broadcast(&node_a.state, "node-a"),
        app::missions::server::run_broadcast(&node_b.state, "node-b")
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.deliveries + b.deliveries, 15);
    // Whichever ran second found nothing new, or did not get the lease.
    assert!(a.deliveries == 0 || b.deliveries == 0, "{a:?} {b:?}");
    for trainer in &trainers {
        let notes = notifications(&node_b, trainer).await;
        assert_eq!(notes.len(), 1, "one digest per trainer");
        assert_eq!(notes[0].title, "3 nouvelles missions pour vous");
    }
}
