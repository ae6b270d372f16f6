//! Every server function is a public HTTP endpoint: this walks all of them, anonymously and as a
//! trainer, and expects a refusal except where an explicit allow-list says otherwise.



use std::collections::BTreeMap;

use app::auth::Register;
use crate::common::*;
use server_fn::ServerFn;

/// Who may call a server function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Access {
    Anyone,
    LoggedIn,
    Trainer,
    Staff,
    Centre,
    /// Trainers and centre users (the two parties of a contract).
    Signer,
}

/// Every server function with plausible arguments (so that a refusal comes from the access
/// check, not from argument parsing) and who may call it.
fn catalogue() -> Vec<(&'static str, Vec<(&'static str, &'static str)>, Access)> {
    use app::auth::*;
    use app::competence::staff::*;
    use app::competence::*;
    use app::contracts::*;
    use app::missions::centre::*;
    use app::missions::staff::*;
    use app::centres::*;
    use app::missions::*;
    use app::notifications::*;
    use app::profile::review::*;
    use app::profile::*;
    use app::staff::*;
    vec![
        (GetSession::PATH, vec![], Access::Anyone),
        (Register::PATH, vec![("first_name", "A"), ("last_name", "B"), ("email", "x"), ("password", "x"), ("password_confirm", "x")], Access::Anyone),
        (Login::PATH, vec![("email", "nobody@exemple.fr"), ("password", "x")], Access::Anyone),
        (Logout::PATH, vec![], Access::Anyone),
        (RequestPasswordReset::PATH, vec![("email", "nobody@exemple.fr")], Access::Anyone),
        (CheckResetLink::PATH, vec![("token", "abc")], Access::Anyone),
        (ResetPassword::PATH, vec![("token", "abc"), ("password", "x"), ("password_confirm", "x")], Access::Anyone),
        (ChangePassword::PATH, vec![("current_password", "x"), ("new_password", "x"), ("new_password_confirm", "x")], Access::LoggedIn),
        (StaffDashboard::PATH, vec![], Access::Staff),
        (ListEmails::PATH, vec![("page", "1")], Access::Staff),
        (ListAccounts::PATH, vec![("page", "1")], Access::Staff),
        (CreateAccount::PATH, vec![("role", "staff"), ("first_name", "A"), ("last_name", "B"), ("email", "new@exemple.fr")], Access::Staff),
        (SearchMissions::PATH, vec![("domain", ""), ("format", ""), ("max_km", ""), ("from", ""), ("sort", ""), ("page", "1")], Access::Trainer),
        (LoadMission::PATH, vec![("mission_id", "1")], Access::Trainer),
        (ApplyToMission::PATH, vec![("mission_id", "1"), ("message", "")], Access::Trainer),
        (MyApplications::PATH, vec![], Access::Trainer),
        (SetEmailDigest::PATH, vec![("enabled", "false")], Access::Trainer),
        (MyCentre::PATH, vec![], Access::Centre),
        (ListCentres::PATH, vec![], Access::Staff),
        (LoadCentre::PATH, vec![("centre_id", "1")], Access::Staff),
        (
            SaveCentre::PATH,
            vec![
                ("centre_id", "0"), ("name", "C"), ("siret", "73282932000074"), ("nda", ""), ("address_line", ""), ("postal_code", "69003"),
                ("contact_name", ""), ("contact_email", ""), ("contact_phone", ""), ("management_mode", "formateurs"), ("default_hourly_rate", "40"),
            ],
            Access::Staff,
        ),
        (
            AddPayRate::PATH,
            vec![("centre_id", "1"), ("domain_code", ""), ("format", ""), ("group_kind", ""), ("min_hours", ""), ("max_hours", ""), ("hourly_rate", "40")],
            Access::Staff,
        ),
        (DeletePayRate::PATH, vec![("rate_id", "1")], Access::Staff),
        (LoadMissionForm::PATH, vec![], Access::Staff),
        (StaffMissions::PATH, vec![("centre", ""), ("status", ""), ("domain", ""), ("page", "1")], Access::Staff),
        (LoadStaffMission::PATH, vec![("mission_id", "1")], Access::Staff),
        (
            SaveMission::PATH,
            vec![
                ("mission_id", "0"), ("centre_id", "1"), ("title", "T"), ("domain_code", "excel"), ("description", ""), ("learner_level", "debutant"),
                ("native_requirement", "indifferent"), ("format", "distanciel"), ("group_kind", "individuel"), ("postal_code", ""), ("hours", "10"),
                ("start_date", "2030-01-01"), ("end_date", "2030-01-31"), ("rhythm", ""), ("learners_count", "1"), ("learners", ""),
            ],
            Access::Staff,
        ),
        (ChangeMissionStatus::PATH, vec![("mission_id", "1"), ("status", "publiee")], Access::Staff),
        (OverrideRate::PATH, vec![("mission_id", "1"), ("hourly_rate", "50"), ("reason", "r")], Access::Staff),
        (ProposeMission::PATH, vec![("mission_id", "1"), ("user_id", "1"), ("deadline_hours", "48")], Access::Staff),
        (CancelProposal::PATH, vec![("mission_id", "1"), ("proposal_id", "1")], Access::Staff),
        (WithdrawApplication::PATH, vec![("mission_id", "1")], Access::Trainer),
        (AcceptProposal::PATH, vec![("proposal_id", "1")], Access::Trainer),
        (DeclineProposal::PATH, vec![("proposal_id", "1"), ("reason", "")], Access::Trainer),
        (RunBroadcastNow::PATH, vec![], Access::Staff),
        (LoadBroadcastStatus::PATH, vec![], Access::Staff),
        (LoadRuleSettings::PATH, vec![], Access::Staff),
        (SaveCeiling::PATH, vec![("valid_from", "2027-01-01"), ("amount", "90000")], Access::Staff),
        (DeleteCeiling::PATH, vec![("valid_from", "2027-01-01")], Access::Staff),
        (LoadScoreWeights::PATH, vec![], Access::Staff),
        (
            SaveScoreWeights::PATH,
            vec![("level", "30"), ("test_score", "15"), ("freshness", "10"), ("distance", "20"), ("experience", "15"), ("language", "10")],
            Access::Staff,
        ),
        (app::missions::best_profiles::BestProfiles::PATH, vec![("mission_id", "1")], Access::Staff),
        (app::missions::best_profiles::InviteTrainer::PATH, vec![("mission_id", "1"), ("user_id", "1")], Access::Staff),
        (LoadMyProfile::PATH, vec![], Access::Trainer),
        (
            SaveIdentity::PATH,
            vec![("first_name", "A"), ("last_name", "B"), ("mobile_phone", ""), ("address_line", ""), ("postal_code", ""), ("mobility_km", ""), ("presentation", "")],
            Access::Trainer,
        ),
        (CommunesForPostalCode::PATH, vec![("postal_code", "69003")], Access::LoggedIn),
        (AddExperience::PATH, vec![("role", "A"), ("organisation", "B"), ("start_date", "2020-01-01"), ("end_date", ""), ("description", "")], Access::Trainer),
        (DeleteExperience::PATH, vec![("id", "1")], Access::Trainer),
        (AddDiploma::PATH, vec![("kind", "diplome"), ("title", "A"), ("institution", ""), ("year", "2010")], Access::Trainer),
        (DeleteDiploma::PATH, vec![("id", "1")], Access::Trainer),
        (SaveDomain::PATH, vec![("domain_code", "excel"), ("years_experience", "3"), ("self_level", "expert")], Access::Trainer),
        (RemoveDomain::PATH, vec![("domain_code", "excel")], Access::Trainer),
        (SaveLanguage::PATH, vec![("language_code", "en"), ("cefr", "C1")], Access::Trainer),
        (RemoveLanguage::PATH, vec![("language_code", "en")], Access::Trainer),
        (
            SaveAdministrative::PATH,
            vec![
                ("legal_status", ""), ("siret", ""), ("nda", ""), ("yearly_turnover", ""), ("qualiopi_number", ""),
                ("qualiopi_valid_from", ""), ("qualiopi_valid_until", ""), ("urssaf_attestation_date", ""),
            ],
            Access::Trainer,
        ),
        (UploadDocument::PATH, vec![MULTIPART], Access::Trainer),
        (DeleteDocument::PATH, vec![("id", "1")], Access::Trainer),
        (SubmitProfile::PATH, vec![], Access::Trainer),
        (DeleteMyAccount::PATH, vec![("password", "x"), ("confirmation", "SUPPRIMER")], Access::LoggedIn),
        (ReviewQueue::PATH, vec![], Access::Staff),
        (LoadStaffProfile::PATH, vec![("user_id", "1")], Access::Staff),
        (
            ReviewProfile::PATH,
            vec![("user_id", "1"), ("decision", "valide"), ("reason_profil", ""), ("reason_parcours", ""), ("reason_administratif", ""), ("reason_documents", "")],
            Access::Staff,
        ),
        (AuditEntries::PATH, vec![("page", "1")], Access::Staff),
        (MyNotifications::PATH, vec![], Access::LoggedIn),
        (MarkNotificationsRead::PATH, vec![], Access::LoggedIn),
        (ListTests::PATH, vec![], Access::Trainer),
        (StartTest::PATH, vec![("code", "qualiopi")], Access::Trainer),
        (LoadAttempt::PATH, vec![("attempt_id", "1")], Access::Trainer),
        (SaveAnswer::PATH, vec![("attempt_id", "1"), ("question_id", "1"), ("selected", "1")], Access::Trainer),
        (SubmitAttempt::PATH, vec![("attempt_id", "1")], Access::Trainer),
        (AttemptResult::PATH, vec![("attempt_id", "1")], Access::Trainer),
        (TestsOverview::PATH, vec![], Access::Staff),
        (LoadBank::PATH, vec![("code", "qualiopi")], Access::Staff),
        (
            SaveTestSettings::PATH,
            vec![("code", "qualiopi"), ("questions_per_attempt", "20"), ("time_limit_minutes", "25"), ("pass_mark_percent", "70"), ("validity_months", "12"), ("retake_delay_days", "7")],
            Access::Staff,
        ),
        (
            SaveQuestion::PATH,
            vec![
                ("code", "qualiopi"), ("question_id", "0"), ("kind", "single"), ("prompt", "Q"), ("topic", ""), ("cefr", ""),
                ("explanation", ""), ("option_1", "A"), ("option_2", "B"), ("option_3", ""), ("option_4", ""), ("option_5", ""), ("correct_1", "on"),
            ],
            Access::Staff,
        ),
        (SetQuestionActive::PATH, vec![("question_id", "1"), ("active", "false")], Access::Staff),
        (ImportBank::PATH, vec![MULTIPART], Access::Staff),
        (LoadContract::PATH, vec![("id", "1")], Access::LoggedIn),
        (MyContracts::PATH, vec![], Access::Signer),
        (RequestSigningCode::PATH, vec![("contract_id", "1")], Access::Signer),
        (SignContract::PATH, vec![("contract_id", "1"), ("document", "x"), ("code", "123456")], Access::Signer),
        (LoadContractByLink::PATH, vec![("token", "abc")], Access::Anyone),
        (RequestLinkCode::PATH, vec![("token", "abc")], Access::Anyone),
        (SignByLink::PATH, vec![("token", "abc"), ("document", "x"), ("code", "123456")], Access::Anyone),
        (LoadMissionContract::PATH, vec![("mission_id", "1")], Access::Staff),
        (RedrawContract::PATH, vec![("mission_id", "1")], Access::Staff),
        (SendCentreLink::PATH, vec![("contract_id", "1")], Access::Staff),
        (RecordCdcSent::PATH, vec![("contract_id", "1"), ("sent_on", "")], Access::Staff),
        (LoadTemplates::PATH, vec![], Access::Staff),
        (SaveTemplate::PATH, vec![("based_on", "1"), ("body", "## A\nB"), ("note", "")], Access::Staff),
        (VerifyContract::PATH, vec![("sha256", "abc")], Access::Anyone),
    ]
}

/// Marks a server function whose arguments are sent as a multipart form.
const MULTIPART: (&str, &str) = ("<multipart>", "");

async fn call(app: &TestApp, client: &reqwest::Client, path: &str, args: &[(&str, &str)]) -> Reply {
    if args.first() == Some(&MULTIPART) {
        app.upload(client, path, "cv", "cv.pdf", b"%PDF-1.4 test".to_vec()).await
    } else {
        app.call(client, path, args).await
    }
}

#[test]
fn catalogue_covers_every_registered_server_function() {
    let registered: BTreeMap<&str, _> = server_fn::axum::server_fn_paths().collect();
    let listed: Vec<&str> = catalogue().iter().map(|(path, _, _)| *path).collect();
    let missing: Vec<&&str> = registered.keys().filter(|p| !listed.contains(p)).collect();
    assert!(missing.is_empty(), "server functions missing from the access catalogue: {missing:?}");
    assert_eq!(listed.len(), registered.len());
}

async fn anonymous_and_trainer_calls_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let anonymous = client();
    let trainer = client();
    let password = PASSWORD;
    let reply = app
        .call(
            &trainer,
            Register::PATH,
            &[("first_name", "T"), ("last_name", "R"), ("email", "trainer@exemple.fr"), ("password", password), ("password_confirm", password), ("accept_terms", "on")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    let centre = app.logged_in(app::auth::Role::Centre, "centre@exemple.fr").await;
    for (path, args, access) in catalogue() {
        if access != Access::Anyone {
            let reply = call(&app, &anonymous, path, &args).await;
            assert_eq!(reply.status, 401, "anonymous call to {path} ({access:?}) should be refused: {}", reply.text);
            assert_eq!(reply.body, serde_json::json!("Unauthenticated"), "{path}");
        }
        if access == Access::Staff {
            let reply = call(&app, &trainer, path, &args).await;
            assert_eq!(reply.status, 403, "trainer call to {path} ({access:?}) should be refused: {}", reply.text);
            assert_eq!(reply.body, serde_json::json!("Forbidden"), "{path}");
        }
        if access == Access::Centre {
            let reply = call(&app, &trainer, path, &args).await;
            assert_eq!(reply.status, 403, "trainer call to {path} ({access:?}) should be refused: {}", reply.text);
        }
        if matches!(access, Access::Staff | Access::Trainer) {
            let reply = call(&app, &centre, path, &args).await;
            assert_eq!(reply.status, 403, "centre call to {path} ({access:?}) should be refused: {}", reply.text);
        }
    }
}

on_both_backends!(anonymous_and_trainer_calls_are_refused);
