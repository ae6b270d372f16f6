//! From application to accepted proposal: withdrawing and applying again, proposals with a
//! deadline, declining, accepting, the expiry job, the mission's history, and what concurrency
//! cannot break (one application, one open proposal, no answer to a closed proposal).

use app::auth::Role;
use app::domain::missions::{ApplicationStatus, MissionStatus, ProposalStatus};
use app::missions::staff::*;
use app::missions::*;
use app::on_db;
use server_fn::ServerFn;

use crate::common::*;
use crate::missions::{create_centre, create_mission, notifications, publish, staff_mission};

/// A published Excel mission for intermediate learners in Lyon, and its id as text.
async fn open_mission(app: &TestApp, staff: &reqwest::Client) -> (i64, String) {
    let centre = create_centre(app, staff, "FormaPro Lyon", "69003", "40").await;
    let mission = create_mission(app, staff, centre, "Excel perfectionnement", "excel", "presentiel", "69002", "20", "2031-01-05", "intermediaire").await;
    publish(app, staff, mission).await;
    (mission, mission.to_string())
}

/// A validated trainer who passed the Qualiopi QCM and Excel at Expert +.
async fn eligible_trainer(app: &TestApp, email: &str) -> (reqwest::Client, i64) {
    let (client, id) = app.validated_trainer(email, "69001", 30, &["excel"], true, false).await;
    ::server::demo::take(&app.state, id, "qualiopi", 100).await.unwrap();
    ::server::demo::take(&app.state, id, "excel", 100).await.unwrap();
    (client, id)
}

async fn apply(app: &TestApp, trainer: &reqwest::Client, m: &str) -> Reply {
    app.call(trainer, ApplyToMission::PATH, &[("mission_id", m), ("message", "Disponible.")]).await
}

async fn propose(app: &TestApp, staff: &reqwest::Client, m: &str, user_id: i64, hours: &str) -> Reply {
    app.call(staff, ProposeMission::PATH, &[("mission_id", m), ("user_id", &user_id.to_string()), ("deadline_hours", hours)]).await
}

async fn detail(app: &TestApp, trainer: &reqwest::Client, m: &str) -> MissionDetail {
    let reply = app.call(trainer, LoadMission::PATH, &[("mission_id", m)]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).unwrap()
}

async fn mine(app: &TestApp, trainer: &reqwest::Client) -> Vec<MyApplication> {
    serde_json::from_value(app.call(trainer, MyApplications::PATH, &[]).await.body).unwrap()
}

async fn count(app: &TestApp, sql: &str, mission_id: i64) -> i64 {
    on_db!(&app.db, |pool| sqlx::query_scalar(sql).bind(mission_id).fetch_one(pool).await).unwrap()
}

async fn withdraw_apply_again_decline_then_accept(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let (mission, m) = open_mission(&app, &staff).await;
    let (anne, anne_id) = eligible_trainer(&app, "anne@exemple.fr").await;
    let (bruno, bruno_id) = eligible_trainer(&app, "bruno@exemple.fr").await;
    let (chloe, _) = eligible_trainer(&app, "chloe@exemple.fr").await;

    // Two trainers apply; one withdraws (twice: a double click) and applies again.
    assert_eq!(apply(&app, &anne, &m).await.status, 200);
    assert_eq!(apply(&app, &bruno, &m).await.status, 200);
    for _ in 0..2 {
        let reply = app.call(&bruno, WithdrawApplication::PATH, &[("mission_id", &m)]).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let list = mine(&app, &bruno).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].status, ApplicationStatus::Withdrawn);
    assert!(list[0].next_step.contains("postuler à nouveau"));
    assert_eq!(apply(&app, &bruno, &m).await.status, 200);
    assert_eq!(mine(&app, &bruno).await[0].status, ApplicationStatus::Sent);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE mission_id = $1", mission).await, 2);

    // Staff propose to Anne with a 24-hour deadline; a second proposal meanwhile is refused.
    let reply = propose(&app, &staff, &m, anne_id, "24").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = propose(&app, &staff, &m, bruno_id, "").await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("déjà en cours"), "{}", reply.text);
    assert_eq!(propose(&app, &staff, &m, anne_id, "0").await.status, 422, "a deadline of 0 hours is refused");

    // Anne sees the terms and the learners' contacts; Bruno does not.
    let seen = detail(&app, &anne, &m).await;
    let proposal = seen.proposal.clone().expect("proposal");
    assert!(proposal.live);
    assert_eq!((proposal.hours, proposal.total.cents()), (20, 80_000));
    assert_eq!(seen.learners.len(), 1);
    assert!(detail(&app, &bruno, &m).await.learners.is_empty());
    let notes = notifications(&app, &anne).await;
    assert!(notes.iter().any(|n| n.title == "Une mission vous est proposée" && n.link.as_deref() == Some(&format!("/missions/{mission}")[..])));
    assert!(app.last_email_to("anne@exemple.fr").await.unwrap_or_default().contains("Excel perfectionnement"));
    assert_eq!(mine(&app, &anne).await[0].status, ApplicationStatus::Proposed);
    // With a proposal, the application can no longer be withdrawn.
    assert_eq!(app.call(&anne, WithdrawApplication::PATH, &[("mission_id", &m)]).await.status, 422);
    // Another trainer cannot answer Anne's proposal.
    let pid = proposal.id.to_string();
    assert_eq!(app.call(&bruno, AcceptProposal::PATH, &[("proposal_id", &pid)]).await.status, 404);

    // Anne declines with a reason: staff are told, the contacts are hidden again.
    let reply = app.call(&anne, DeclineProposal::PATH, &[("proposal_id", &pid), ("reason", "Pas disponible en janvier.")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let seen = detail(&app, &anne, &m).await;
    assert!(seen.learners.is_empty());
    assert_eq!(seen.proposal.unwrap().status, ProposalStatus::Declined);
    assert!(notifications(&app, &staff).await.iter().any(|n| n.title == "Proposition déclinée" && n.body.contains("Pas disponible en janvier.")));
    assert_eq!(app.call(&anne, AcceptProposal::PATH, &[("proposal_id", &pid)]).await.status, 422, "a declined proposal cannot be accepted");

    // Chloé applies; staff propose to Bruno, who accepts (twice: a double click).
    assert_eq!(apply(&app, &chloe, &m).await.status, 200);
    assert_eq!(propose(&app, &staff, &m, bruno_id, "").await.status, 200);
    let bruno_proposal = detail(&app, &bruno, &m).await.proposal.unwrap();
    for _ in 0..2 {
        let reply = app.call(&bruno, AcceptProposal::PATH, &[("proposal_id", &bruno_proposal.id.to_string())]).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let seen = detail(&app, &bruno, &m).await;
    assert_eq!(seen.status, MissionStatus::Filled);
    assert_eq!(seen.learners[0].email, "marc.petit@exemple.fr");
    assert_eq!(seen.centre_name.as_deref(), Some("FormaPro Lyon"));
    // Chloé is told "non retenue" in the app and by email; Anne's decline stays as it was.
    assert_eq!(mine(&app, &chloe).await[0].status, ApplicationStatus::NotChosen);
    assert!(notifications(&app, &chloe).await.iter().any(|n| n.title == "Candidature non retenue"));
    assert!(app.last_email_to("chloe@exemple.fr").await.unwrap_or_default().contains("confiée à un autre formateur"));
    assert_eq!(mine(&app, &anne).await[0].status, ApplicationStatus::Declined);
    assert!(notifications(&app, &staff).await.iter().any(|n| n.title == "Proposition acceptée"));

    // Every step is in the mission's history, dated and attributed.
    let sm = staff_mission(&app, &staff, mission).await;
    let history: Vec<String> = sm.history.iter().map(|h| format!("{} | {}", h.what, h.who)).collect();
    for expected in [
        "Candidature retirée — Jeanne Dupont | Jeanne Dupont",
        "Candidature — Jeanne Dupont (à nouveau) | Jeanne Dupont",
        "Proposition déclinée — Jeanne Dupont (Pas disponible en janvier.) | Jeanne Dupont",
        "Proposition acceptée — Jeanne Dupont | Jeanne Dupont",
        "Candidature non retenue — Jeanne Dupont | automatique",
        "Statut : Pourvue | Jeanne Dupont",
    ] {
        assert!(history.iter().any(|h| h == expected), "missing « {expected} » in {history:#?}");
    }
    assert!(history.iter().any(|h| h.starts_with("Proposition envoyée — Jeanne Dupont (réponse attendue avant le ")));
    assert_eq!(sm.proposals.len(), 2);
}

async fn an_expired_proposal_cannot_be_accepted_and_expires_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let (mission, m) = open_mission(&app, &staff).await;
    let (anne, anne_id) = eligible_trainer(&app, "anne@exemple.fr").await;
    let (bruno, bruno_id) = eligible_trainer(&app, "bruno@exemple.fr").await;
    assert_eq!(apply(&app, &anne, &m).await.status, 200);
    assert_eq!(apply(&app, &bruno, &m).await.status, 200);
    assert_eq!(propose(&app, &staff, &m, anne_id, "1").await.status, 200);
    let pid = detail(&app, &anne, &m).await.proposal.unwrap().id;
    // While it is open, the mission cannot be taken back to draft or cancelled.
    let reply = app.call(&staff, ChangeMissionStatus::PATH, &[("mission_id", &m), ("status", "annulee")]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("annulez-la d'abord"), "{}", reply.text);

    // The deadline passes before the job runs: the proposal can no longer be answered.
    let past = chrono::Utc::now() - chrono::Duration::minutes(5);
    on_db!(&app.db, |pool| sqlx::query("UPDATE proposals SET deadline = $1 WHERE id = $2").bind(past).bind(pid).execute(pool).await.map(|r| r.rows_affected())).unwrap();
    let reply = app.call(&anne, AcceptProposal::PATH, &[("proposal_id", &pid.to_string())]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("délai"), "{}", reply.text);
    let seen = detail(&app, &anne, &m).await;
    assert!(!seen.proposal.unwrap().live);
    assert!(seen.learners.is_empty(), "the contacts are hidden once the deadline has passed");

    // Two nodes run the expiry job at the same moment: it closes the proposal once.
    let (a, b) = tokio::join!(
        app::missions::proposals::expire_proposals(&app.state, "node-a"),
        app::missions::proposals::expire_proposals(&app.state, "node-b"),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(app::missions::proposals::expire_proposals(&app.state, "node-c").await.unwrap(), 0);
    let staff_notes = notifications(&app, &staff).await;
    assert_eq!(staff_notes.iter().filter(|n| n.title == "Proposition expirée").count(), 1);
    assert_eq!(mine(&app, &anne).await[0].status, ApplicationStatus::Expired);
    assert!(notifications(&app, &anne).await.iter().any(|n| n.title == "Proposition expirée"));
    assert_eq!(app.call(&anne, AcceptProposal::PATH, &[("proposal_id", &pid.to_string())]).await.status, 422);

    // Staff choose again.
    assert_eq!(propose(&app, &staff, &m, bruno_id, "").await.status, 200);
    let sm = staff_mission(&app, &staff, mission).await;
    assert!(sm.history.iter().any(|h| h.what == "Proposition expirée — Jeanne Dupont" && h.who == "automatique"));
}

async fn staff_cannot_propose_to_a_trainer_whose_test_expired_since_applying(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let (mission, m) = open_mission(&app, &staff).await;
    let (anne, anne_id) = eligible_trainer(&app, "anne@exemple.fr").await;
    assert_eq!(apply(&app, &anne, &m).await.status, 200);
    let old = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    on_db!(&app.db, |pool| sqlx::query("UPDATE attempts SET valid_until = $1 WHERE user_id = $2").bind(old).bind(anne_id).execute(pool).await.map(|r| r.rows_affected())).unwrap();
    let sm = staff_mission(&app, &staff, mission).await;
    assert!(!sm.applicants[0].eligible_now);
    assert!(!sm.applicants[0].reasons.is_empty(), "staff see why");
    let reply = propose(&app, &staff, &m, anne_id, "").await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("ne remplit plus les conditions"), "{}", reply.text);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM proposals WHERE mission_id = $1", mission).await, 0);
}

async fn concurrency_keeps_one_application_and_one_open_proposal(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let other_staff = app.logged_in(Role::Staff, "equipe2@exemple.fr").await;
    let (mission, m) = open_mission(&app, &staff).await;
    let (anne, anne_id) = eligible_trainer(&app, "anne@exemple.fr").await;
    let (bruno, bruno_id) = eligible_trainer(&app, "bruno@exemple.fr").await;

    // 100 identical applications at once leave exactly one, and none of them fails.
    let replies = futures::future::join_all((0..100).map(|_| apply(&app, &anne, &m))).await;
    assert!(replies.iter().all(|r| r.status == 200), "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applications WHERE mission_id = $1", mission).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM mission_events WHERE mission_id = $1 AND kind = 'candidature'", mission).await, 1);
    assert_eq!(apply(&app, &bruno, &m).await.status, 200);

    // Two staff members propose to two trainers at the same moment, again and again: each time
    // exactly one proposal is made.
    for round in 0..5 {
        let (a, b) = tokio::join!(propose(&app, &staff, &m, anne_id, ""), propose(&app, &other_staff, &m, bruno_id, ""));
        let made = [a.status, b.status].iter().filter(|s| **s == 200).count();
        assert_eq!(made, 1, "round {round}: {} / {}", a.text, b.text);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM proposals WHERE mission_id = $1 AND status = 'ouverte'", mission).await, 1);
        let open = staff_mission(&app, &staff, mission).await.proposals.into_iter().find(|p| p.status == ProposalStatus::Open).unwrap();
        let reply = app.call(&staff, CancelProposal::PATH, &[("mission_id", &m), ("proposal_id", &open.id.to_string())]).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    // A cancelled proposal cannot be accepted (Anne may have lost every round above).
    assert_eq!(propose(&app, &staff, &m, anne_id, "").await.status, 200);
    let made = detail(&app, &anne, &m).await.proposal.unwrap();
    let reply = app.call(&staff, CancelProposal::PATH, &[("mission_id", &m), ("proposal_id", &made.id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let cancelled = detail(&app, &anne, &m).await.proposal.unwrap();
    assert_eq!(cancelled.status, ProposalStatus::Cancelled);
    let reply = app.call(&anne, AcceptProposal::PATH, &[("proposal_id", &cancelled.id.to_string())]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("retiré"), "{}", reply.text);

    // The trainer accepts while staff cancel: exactly one of them wins.
    assert_eq!(propose(&app, &staff, &m, anne_id, "").await.status, 200);
    let pid = detail(&app, &anne, &m).await.proposal.unwrap().id.to_string();
    let accept_args = [("proposal_id", pid.as_str())];
    let cancel_args = [("mission_id", m.as_str()), ("proposal_id", pid.as_str())];
    let (accepted, cancelled) = tokio::join!(
        app.call(&anne, AcceptProposal::PATH, &accept_args),
        app.call(&staff, CancelProposal::PATH, &cancel_args),
    );
    assert_eq!([accepted.status, cancelled.status].iter().filter(|s| **s == 200).count(), 1, "{} / {}", accepted.text, cancelled.text);
    let filled = detail(&app, &anne, &m).await.status == MissionStatus::Filled;
    assert_eq!(filled, accepted.status == 200);
}

on_both_backends!(
    withdraw_apply_again_decline_then_accept,
    an_expired_proposal_cannot_be_accepted_and_expires_once,
    staff_cannot_propose_to_a_trainer_whose_test_expired_since_applying,
    concurrency_keeps_one_application_and_one_open_proposal,
);
