//! The applicants' score and "Meilleurs profils": who is listed, invitations, the weights staff
//! set, on SQLite and Postgres.

use app::auth::Role;
use app::centres::SaveCentre;
use app::missions::best_profiles::{BestProfileList, BestProfiles, InviteTrainer};
use app::missions::staff::*;
use app::missions::ApplyToMission;
use app::notifications::{MyNotifications, Notification};
use server_fn::ServerFn;

use crate::common::*;

async fn centre(app: &TestApp, staff: &reqwest::Client) -> i64 {
    let reply = app
        .call(
            staff,
            SaveCentre::PATH,
            &[
                ("centre_id", "0"), ("name", "FormaPro Lyon"), ("siret", "732 829 320 00074"), ("nda", "11 69 12345 69"), ("address_line", "1 rue de la Paix"),
                ("postal_code", "69003"), ("contact_name", "Julien Fabre"), ("contact_email", "contact@centre.fr"), ("contact_phone", "04 78 00 00 00"),
                ("management_mode", "formateurs"), ("default_hourly_rate", "40"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body.as_i64().unwrap()
}

/// An Excel mission for beginners at Lyon 2e (on-site) or remote; published when asked.
async fn excel_mission(app: &TestApp, staff: &reqwest::Client, centre: i64, title: &str, onsite: bool, publish: bool) -> i64 {
    let (format, postal) = if onsite { ("presentiel", "69002") } else { ("distanciel", "") };
    let reply = app
        .call(
            staff,
            SaveMission::PATH,
            &[
                ("mission_id", "0"), ("centre_id", &centre.to_string()), ("title", title), ("domain_code", "excel"), ("description", "Une mission."),
                ("learner_level", "debutant"), ("native_requirement", "indifferent"), ("format", format), ("group_kind", "individuel"), ("postal_code", postal),
                ("hours", "20"), ("start_date", "2031-01-05"), ("end_date", "2031-12-31"), ("rhythm", ""), ("learners_count", "1"),
                ("learners", "Marc Petit ; 06 01 02 03 04 ; marc.petit@exemple.fr"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let id = reply.body.as_i64().unwrap();
    if publish {
        let reply = app.call(staff, ChangeMissionStatus::PATH, &[("mission_id", &id.to_string()), ("status", "publiee")]).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    id
}

/// A validated trainer at `postal` (30 km) teaching Excel, with the QCM and the Excel test
/// passed at `excel` % when given (≥ 75 %: Expert, eligible for beginners).
async fn trainer(app: &TestApp, email: &str, postal: &str, qcm: bool, excel: Option<usize>) -> (reqwest::Client, i64) {
    let (client, id) = app.validated_trainer(email, postal, 30, &["excel"], true, true).await;
    if qcm {
        ::server::demo::take(&app.state, id, "qualiopi", 100).await.unwrap();
    }
    if let Some(accuracy) = excel {
        ::server::demo::take(&app.state, id, "excel", accuracy).await.unwrap();
    }
    (client, id)
}

async fn best(app: &TestApp, staff: &reqwest::Client, mission: i64) -> BestProfileList {
    let reply = app.call(staff, BestProfiles::PATH, &[("mission_id", &mission.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).unwrap()
}

async fn applicants(app: &TestApp, staff: &reqwest::Client, mission: i64) -> Vec<Applicant> {
    let reply = app.call(staff, LoadStaffMission::PATH, &[("mission_id", &mission.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value::<StaffMission>(reply.body).unwrap().applicants
}

async fn invite(app: &TestApp, client: &reqwest::Client, mission: i64, user: i64) -> Reply {
    app.call(client, InviteTrainer::PATH, &[("mission_id", &mission.to_string()), ("user_id", &user.to_string())]).await
}

async fn best_profiles_are_eligible_trainers_who_have_not_applied(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre_client = app.logged_in(Role::Centre, "centre@exemple.fr").await;
    let c = centre(&app, &staff).await;
    let mission = excel_mission(&app, &staff, c, "Excel à Lyon", true, true).await;
    let m = mission.to_string();

    let (applicant, applicant_id) = trainer(&app, "applicant@exemple.fr", "69002", true, Some(100)).await;
    let (_, strong) = trainer(&app, "strong@exemple.fr", "69003", true, Some(100)).await;
    let (_, fair) = trainer(&app, "fair@exemple.fr", "69001", true, Some(80)).await;
    let (_, no_test) = trainer(&app, "novice@exemple.fr", "69003", true, None).await;
    let (_, no_qcm) = trainer(&app, "noqcm@exemple.fr", "69003", false, Some(100)).await;
    let (_, too_low) = trainer(&app, "low@exemple.fr", "69003", true, Some(60)).await;
    let (_, far) = trainer(&app, "paris@exemple.fr", "75011", true, Some(100)).await;
    let reply = app.call(&applicant, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    let list = best(&app, &staff, mission).await;
    assert!(list.published);
    let ids: Vec<i64> = list.profiles.iter().map(|p| p.user_id).collect();
    assert_eq!(ids, vec![strong, fair], "eligible non-applicants within their radius, best first");
    for excluded in [applicant_id, no_test, no_qcm, too_low, far] {
        assert!(!ids.contains(&excluded));
    }
    let top = &list.profiles[0];
    assert!(top.score.total > list.profiles[1].score.total);
    assert!(top.invited_at.is_none());
    let level = top.score.parts.iter().find(|p| p.code == "level").unwrap();
    assert!(level.detail.starts_with("Expert +, test passé"), "{}", level.detail);
    assert!(top.score.parts.iter().any(|p| p.code == "distance" && p.detail.contains("rayon de 30 km")));

    // Withdrawn or refused, an application still keeps its trainer out of the list.
    app::on_db!(&app.db, |pool| sqlx::query("UPDATE applications SET status = 'retiree'").execute(pool).await.map(|r| r.rows_affected())).unwrap();
    assert!(!best(&app, &staff, mission).await.profiles.iter().any(|p| p.user_id == applicant_id));

    // A remote mission reaches the Paris trainer too.
    let remote = excel_mission(&app, &staff, c, "Excel à distance", false, true).await;
    let ids: Vec<i64> = best(&app, &staff, remote).await.profiles.iter().map(|p| p.user_id).collect();
    assert!(ids.contains(&far) && ids.contains(&applicant_id) && ids.contains(&strong));
    // A language mission reads the mother tongue in the prefilter and scores the language fit.
    ::server::demo::take(&app.state, strong, "anglais", 100).await.unwrap();
    let reply = app
        .call(
            &staff,
            SaveMission::PATH,
            &[
                ("mission_id", "0"), ("centre_id", &c.to_string()), ("title", "Anglais à distance"), ("domain_code", "anglais"), ("description", ""),
                ("learner_level", "debutant"), ("native_requirement", "indifferent"), ("format", "distanciel"), ("group_kind", "individuel"),
                ("postal_code", ""), ("hours", "20"), ("start_date", "2031-01-05"), ("end_date", "2031-12-31"), ("rhythm", ""), ("learners_count", "1"),
                ("learners", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let english = reply.body.as_i64().unwrap();
    let reply = app.call(&staff, ChangeMissionStatus::PATH, &[("mission_id", &english.to_string()), ("status", "publiee")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let list = best(&app, &staff, english).await;
    assert_eq!(list.profiles.iter().map(|p| p.user_id).collect::<Vec<_>>(), vec![strong]);
    let language = list.profiles[0].score.parts.iter().find(|p| p.code == "language").expect("language part");
    assert!(language.detail.starts_with("C2 : au-dessus du C1 demandé"), "{}", language.detail);

    // A draft lists nobody.
    let draft = excel_mission(&app, &staff, c, "Excel brouillon", true, false).await;
    let list = best(&app, &staff, draft).await;
    assert!(!list.published && list.profiles.is_empty());

    // Staff only.
    let (other_trainer, _) = trainer(&app, "other@exemple.fr", "69003", false, None).await;
    assert_eq!(app.call(&other_trainer, BestProfiles::PATH, &[("mission_id", &m)]).await.status, 403);
    assert_eq!(app.call(&centre_client, BestProfiles::PATH, &[("mission_id", &m)]).await.status, 403);
    assert_eq!(app.call(&client(), BestProfiles::PATH, &[("mission_id", &m)]).await.status, 401);
}

async fn an_invitation_notifies_the_trainer_once_with_the_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre_client = app.logged_in(Role::Centre, "centre@exemple.fr").await;
    let c = centre(&app, &staff).await;
    let mission = excel_mission(&app, &staff, c, "Excel à Lyon", true, true).await;
    let (invited, invited_id) = trainer(&app, "invited@exemple.fr", "69003", true, Some(100)).await;
    let (_, novice_id) = trainer(&app, "novice@exemple.fr", "69003", true, None).await;
    // Staff only.
    assert_eq!(invite(&app, &invited, mission, invited_id).await.status, 403);
    assert_eq!(invite(&app, &centre_client, mission, invited_id).await.status, 403);
    assert_eq!(invite(&app, &client(), mission, invited_id).await.status, 401);

    let emails_before = app.email_count("invited@exemple.fr").await;
    let reply = invite(&app, &staff, mission, invited_id).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let notes: Vec<Notification> = serde_json::from_value(app.call(&invited, MyNotifications::PATH, &[]).await.body).unwrap();
    let note = notes.iter().find(|n| n.title.contains("Invitation")).expect("invitation notified");
    assert_eq!(note.link.as_deref(), Some(format!("/missions/{mission}").as_str()));
    assert!(note.body.contains("Excel à Lyon"));
    assert_eq!(app.email_count("invited@exemple.fr").await, emails_before + 1);
    let email = app.last_email_to("invited@exemple.fr").await.unwrap();
    assert!(email.contains(&format!("{}/missions/{mission}", app.base)), "{email}");

    // Twice is refused, and nothing more is sent.
    let again = invite(&app, &staff, mission, invited_id).await;
    assert_eq!(again.status, 422);
    assert!(again.text.contains("déjà invité"), "{}", again.text);
    assert_eq!(app.email_count("invited@exemple.fr").await, emails_before + 1);

    // The list shows when; the repository keeps who and when for the staff history.
    let list = best(&app, &staff, mission).await;
    assert!(list.profiles.iter().find(|p| p.user_id == invited_id).unwrap().invited_at.is_some());
    let history = app::repo::invitations::invitations_of(&app.db, mission).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].user_id, history[0].invited_by.as_deref()), (invited_id, Some("Prénom Nom")));

    // The server re-checks eligibility, and only a published mission invites.
    let refused = invite(&app, &staff, mission, novice_id).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text.contains("pas éligible"), "{}", refused.text);
    let draft = excel_mission(&app, &staff, c, "Excel brouillon", true, false).await;
    let reply = invite(&app, &staff, draft, invited_id).await;
    assert_eq!(reply.status, 422);
    assert_eq!(app::repo::invitations::invitations_of(&app.db, draft).await.unwrap().len(), 0);
}

async fn weights_saved_by_staff_change_the_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let c = centre(&app, &staff).await;
    let mission = excel_mission(&app, &staff, c, "Excel à Lyon", true, true).await;
    let m = mission.to_string();
    // Near: at the mission's place, Expert (80 %). Expert: Expert + (100 %), at Villeurbanne.
    let (near, near_id) = trainer(&app, "near@exemple.fr", "69002", true, Some(80)).await;
    let (expert, expert_id) = trainer(&app, "expert@exemple.fr", "69100", true, Some(100)).await;
    let (novice, novice_id) = trainer(&app, "novice@exemple.fr", "69002", true, None).await;
    for t in [&novice, &near, &expert] {
        // The novice cannot apply; an application row is written for them directly below.
        let _ = app.call(t, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await;
    }
    app::on_db!(&app.db, |pool| {
        sqlx::query("INSERT INTO applications (mission_id, user_id, hourly_rate_cents, created_at, updated_at) VALUES ($1, $2, 4000, $3, $3)")
            .bind(mission)
            .bind(novice_id)
            .bind(chrono::Utc::now())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
    .unwrap();

    let order = |list: &[Applicant]| list.iter().map(|a| a.user_id).collect::<Vec<_>>();
    let list = applicants(&app, &staff, mission).await;
    assert_eq!(order(&list), vec![expert_id, near_id, novice_id], "defaults: level first; the ineligible last");
    assert!(!list[2].eligible_now && !list[2].reasons.is_empty(), "reasons still given");
    let parts: Vec<&str> = list[0].score.parts.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(parts, vec!["level", "test_score", "freshness", "distance", "experience"]);
    assert_eq!(list[0].score.total, list[0].score.parts.iter().map(|p| p.points).sum::<u32>());

    // Only distance counts now: the trainer at the mission's place comes first.
    let weights = [("level", "0"), ("test_score", "0"), ("freshness", "0"), ("distance", "100"), ("experience", "0"), ("language", "0")];
    let reply = app.call(&staff, SaveScoreWeights::PATH, &weights).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let saved: app::domain::ranking::ScoreWeights = serde_json::from_value(app.call(&staff, LoadScoreWeights::PATH, &[]).await.body).unwrap();
    assert_eq!((saved.level, saved.distance), (0, 100));
    let list = applicants(&app, &staff, mission).await;
    assert_eq!(order(&list), vec![near_id, expert_id, novice_id]);
    assert_eq!(list[0].score.parts.len(), 1);
    assert_eq!((list[0].score.total, list[0].score.max()), (100, 100));

    // Wrong weights are refused field by field, in French, and change nothing.
    let bad = [("level", "101"), ("test_score", "x"), ("freshness", ""), ("distance", "20"), ("experience", "0"), ("language", "0")];
    let reply = app.call(&staff, SaveScoreWeights::PATH, &bad).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("Le poids va de 0 à 100.") && reply.text.contains("nombre entier"), "{}", reply.text);
    let list = applicants(&app, &staff, mission).await;
    assert_eq!(order(&list), vec![near_id, expert_id, novice_id]);

    // Unreadable stored weights fall back to the defaults.
    app::on_db!(&app.db, |pool| sqlx::query("UPDATE app_meta SET value = 'pas du json' WHERE key = 'score_weights'").execute(pool).await.map(|r| r.rows_affected())).unwrap();
    let list = applicants(&app, &staff, mission).await;
    assert_eq!(order(&list), vec![expert_id, near_id, novice_id]);
    let _ = (near, expert);
}

on_both_backends!(
    best_profiles_are_eligible_trainers_who_have_not_applied,
    an_invitation_notifies_the_trainer_once_with_the_link,
    weights_saved_by_staff_change_the_order,
);
