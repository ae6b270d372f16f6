//! Trainer profiles over HTTP, on SQLite and Postgres: filling, submitting, staff review,
//! confidentiality between trainers, uploads, export and erasure.



use app::auth::Role;
use app::domain::eligibility::ProfileStatus;
use app::profile::review::*;
use app::profile::*;
use crate::common::*;
use server_fn::ServerFn;

async fn my_profile(app: &TestApp, client: &reqwest::Client) -> MyProfile {
    let reply = app.call(client, LoadMyProfile::PATH, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).expect("profile")
}

async fn fill_minimum(app: &TestApp, trainer: &reqwest::Client, nda: &str) {
    let reply = app
        .call(
            trainer,
            SaveIdentity::PATH,
            &[
                ("civility", "mme"),
                ("first_name", "Jeanne"),
                ("last_name", "Dupont"),
                ("mobile_phone", "06 12 34 56 78"),
                ("address_line", "12 rue de la République"),
                ("postal_code", "69003"),
                ("mobility_km", "30"),
                ("accepts_onsite", "on"),
                ("presentation", "Formatrice bureautique depuis 10 ans."),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = app.call(trainer, SaveDomain::PATH, &[("domain_code", "excel"), ("years_experience", "8"), ("self_level", "expert")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = app
        .call(
            trainer,
            SaveAdministrative::PATH,
            &[
                ("legal_status", "micro"),
                ("siret", "732 829 320 00074"),
                ("nda", nda),
                ("micro_social", "on"),
                ("yearly_turnover", "42 000"),
                ("qualiopi_number", ""),
                ("qualiopi_valid_from", ""),
                ("qualiopi_valid_until", ""),
                ("urssaf_attestation_date", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec()
}

async fn profile_journey_with_changes_requested_then_approved(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;

    let empty = my_profile(&app, &trainer).await;
    assert_eq!(empty.status, ProfileStatus::Draft);
    assert!(!empty.completeness.can_submit());
    // Submitting too early says what is missing.
    let early = app.call(&trainer, SubmitProfile::PATH, &[]).await;
    assert_eq!(early.status, 422);
    assert!(early.text.contains("Il manque encore"), "{}", early.text);

    fill_minimum(&app, &trainer, "11 75 41412 76").await;
    let filled = my_profile(&app, &trainer).await;
    assert!(filled.completeness.percent > empty.completeness.percent);
    assert!(filled.completeness.can_submit());
    assert_eq!(filled.identity.commune_name.as_deref().map(|n| n.starts_with("Lyon")), Some(true));
    let upload = app.upload(&trainer, UploadDocument::PATH, "cv", "mon-cv.pdf", pdf()).await;
    assert_eq!(upload.status, 200, "{}", upload.text);
    assert!(my_profile(&app, &trainer).await.completeness.percent > filled.completeness.percent);

    assert_eq!(app.call(&trainer, SubmitProfile::PATH, &[]).await.status, 200);
    assert_eq!(my_profile(&app, &trainer).await.status, ProfileStatus::Submitted);

    let queue: Vec<QueueItem> = serde_json::from_value(app.call(&staff, ReviewQueue::PATH, &[]).await.body).unwrap();
    assert_eq!(queue.len(), 1);
    let home: app::staff::Dashboard =
        serde_json::from_value(app.call(&staff, app::staff::StaffDashboard::PATH, &[]).await.body).unwrap();
    assert_eq!(home.profiles_pending, 1, "the staff home counts the profile waiting for verification");
    let trainer_id = queue[0].user_id;
    let id = trainer_id.to_string();

    // Asking for changes needs a reason.
    let no_reason = app
        .call(&staff, ReviewProfile::PATH, &[("user_id", &id), ("decision", "modifications_demandees"), ("reason_profil", ""), ("reason_parcours", ""), ("reason_administratif", " "), ("reason_documents", "")])
        .await;
    assert_eq!(no_reason.status, 422);
    let reply = app
        .call(
            &staff,
            ReviewProfile::PATH,
            &[
                ("user_id", &id),
                ("decision", "modifications_demandees"),
                ("reason_profil", ""),
                ("reason_parcours", ""),
                ("reason_administratif", "Le NDA ne correspond pas à la liste publique de la DREETS."),
                ("reason_documents", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    let asked = my_profile(&app, &trainer).await;
    assert_eq!(asked.status, ProfileStatus::ChangesRequested);
    let review = asked.last_review.expect("review");
    assert_eq!(review.reasons, vec![(ReviewSection::Administrative, "Le NDA ne correspond pas à la liste publique de la DREETS.".to_string())]);
    // Notified in the app and by email.
    let notes: Vec<app::notifications::Notification> =
        serde_json::from_value(app.call(&trainer, app::notifications::MyNotifications::PATH, &[]).await.body).unwrap();
    assert!(notes.iter().any(|n| n.title.contains("Modifications demandées") && n.body.contains("DREETS")));
    assert!(app.last_email_to("jeanne@exemple.fr").await.is_some_and(|b| b.contains("DREETS")));

    // The trainer fixes the NDA and resubmits; staff approve.
    fill_minimum(&app, &trainer, "11 75 41412 75").await;
    assert_eq!(app.call(&trainer, SubmitProfile::PATH, &[]).await.status, 200);
    let reply = app
        .call(&staff, ReviewProfile::PATH, &[("user_id", &id), ("decision", "valide"), ("reason_profil", ""), ("reason_parcours", ""), ("reason_administratif", ""), ("reason_documents", "")])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let validated = my_profile(&app, &trainer).await;
    assert_eq!(validated.status, ProfileStatus::Validated);
    assert_eq!(validated.administrative.nda_check, Some(PartCheck::Verified));
    let queue: Vec<QueueItem> = serde_json::from_value(app.call(&staff, ReviewQueue::PATH, &[]).await.body).unwrap();
    assert!(queue.is_empty());

    // Editing the verified NDA sends that part back to verification, the profile stays validated.
    fill_minimum(&app, &trainer, "11 94 12031 94").await;
    let edited = my_profile(&app, &trainer).await;
    assert_eq!(edited.status, ProfileStatus::Validated);
    assert_eq!(edited.administrative.nda_check, Some(PartCheck::Pending));
    assert_eq!(edited.administrative.siret_check, Some(PartCheck::Verified));
    let queue: Vec<QueueItem> = serde_json::from_value(app.call(&staff, ReviewQueue::PATH, &[]).await.body).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].pending_parts, vec!["NDA".to_string()]);

    // Every decision is in the audit log.
    let audit: app::staff::Page<AuditEntry> = serde_json::from_value(app.call(&staff, AuditEntries::PATH, &[("page", "1")]).await.body).unwrap();
    assert_eq!(audit.items.iter().filter(|e| e.action == "Décision sur un profil").count(), 2);
}

async fn profile_fields_are_validated_in_french(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let reply = app
        .call(
            &trainer,
            SaveIdentity::PATH,
            &[("civility", "x"), ("first_name", "Jeanne"), ("last_name", ""), ("mobile_phone", "01 23 45 67 89"), ("address_line", ""), ("postal_code", "96000"), ("mobility_km", "-4"), ("presentation", "")],
        )
        .await;
    assert_eq!(reply.status, 422);
    for field in ["civility", "last_name", "mobile_phone", "postal_code", "mobility_km"] {
        assert!(reply.text.contains(&format!("\"{field}\"")), "{field} not flagged: {}", reply.text);
    }
    let reply = app
        .call(
            &trainer,
            SaveAdministrative::PATH,
            &[
                ("legal_status", "societe"),
                ("siret", "73282932000075"),
                ("nda", "123"),
                ("micro_social", "on"),
                ("yearly_turnover", "beaucoup"),
                ("qualiopi_number", "Q-1"),
                ("qualiopi_valid_from", "2026-01-01"),
                ("qualiopi_valid_until", "2025-01-01"),
                ("urssaf_attestation_date", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("clé de contrôle"), "{}", reply.text);
    assert!(reply.text.contains("11 chiffres"), "{}", reply.text);
    for field in ["siret", "nda", "micro_social", "yearly_turnover", "qualiopi_valid_until"] {
        assert!(reply.text.contains(&format!("\"{field}\"")), "{field} not flagged: {}", reply.text);
    }
    // Nothing was written.
    assert_eq!(my_profile(&app, &trainer).await.administrative.nda, None);
}

async fn trainers_cannot_reach_each_others_profiles_or_documents(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.trainer("alice@exemple.fr").await;
    let bob = app.trainer("bob@exemple.fr").await;
    let centre = app.logged_in(Role::Centre, "centre@exemple.fr").await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;

    let uploaded = app.upload(&alice, UploadDocument::PATH, "qualiopi", "certificat.pdf", pdf()).await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.text);
    let doc_id = uploaded.body["id"].as_i64().unwrap();
    app.call(&alice, AddExperience::PATH, &[("role", "Formatrice"), ("organisation", "AFPA"), ("start_date", "2015-09-01"), ("end_date", ""), ("description", "")]).await;
    let alice_profile = my_profile(&app, &alice).await;
    let exp_id = alice_profile.experiences[0].id.to_string();

    // Bob, by changing ids in requests, reaches nothing of Alice's.
    let (status, _) = app.get(&bob, &format!("/documents/{doc_id}")).await;
    assert_eq!(status, 404);
    assert_eq!(app.call(&bob, DeleteDocument::PATH, &[("id", &doc_id.to_string())]).await.status, 404);
    assert_eq!(app.call(&bob, DeleteExperience::PATH, &[("id", &exp_id)]).await.status, 404);
    assert_eq!(app.call(&bob, LoadStaffProfile::PATH, &[("user_id", &alice_profile.user_id.to_string())]).await.status, 403);
    assert_eq!(my_profile(&app, &alice).await.experiences.len(), 1);
    // Bob's own profile holds only Bob's data.
    assert!(my_profile(&app, &bob).await.documents.is_empty());

    // Anonymous visitors and centre users see nothing either.
    let (status, _) = app.get(&client(), &format!("/documents/{doc_id}")).await;
    assert_eq!(status, 401);
    let (status, _) = app.get(&centre, &format!("/documents/{doc_id}")).await;
    assert_eq!(status, 404);
    assert_eq!(app.call(&centre, LoadStaffProfile::PATH, &[("user_id", &alice_profile.user_id.to_string())]).await.status, 403);
    assert_eq!(app.call(&centre, LoadMyProfile::PATH, &[]).await.status, 403);

    // The owner and staff can open it, as an attachment that is never cached or sniffed.
    let response = alice.get(format!("{}/documents/{doc_id}", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(response.bytes().await.unwrap().to_vec(), pdf());
    let (status, _) = app.get(&staff, &format!("/documents/{doc_id}")).await;
    assert_eq!(status, 200);
    // Staff opening is audited.
    let audit: app::staff::Page<AuditEntry> = serde_json::from_value(app.call(&staff, AuditEntries::PATH, &[("page", "1")]).await.body).unwrap();
    assert_eq!(audit.items.len(), 1);
    assert_eq!(audit.items[0].action, "Ouverture d'un document");
}

async fn bad_uploads_are_refused_with_a_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let exe = app.upload(&trainer, UploadDocument::PATH, "cv", "cv.pdf", b"MZ\x90\x00\x03 not a pdf".to_vec()).await;
    assert_eq!(exe.status, 422);
    assert!(exe.text.contains("ni un PDF"), "{}", exe.text);
    let html = app.upload(&trainer, UploadDocument::PATH, "cv", "cv.png", b"<html><script>alert(1)</script>".to_vec()).await;
    assert_eq!(html.status, 422);
    let mut big = pdf();
    big.resize(5 * 1024 * 1024 + 10, b' ');
    let too_big = app.upload(&trainer, UploadDocument::PATH, "cv", "gros.pdf", big).await;
    assert_eq!(too_big.status, 422);
    assert!(too_big.text.contains("5 Mo"), "{}", too_big.text);
    let no_kind = app.upload(&trainer, UploadDocument::PATH, "passeport", "cv.pdf", pdf()).await;
    assert_eq!(no_kind.status, 422);
    let empty = app.upload(&trainer, UploadDocument::PATH, "cv", "vide.pdf", Vec::new()).await;
    assert_eq!(empty.status, 422);
    assert!(my_profile(&app, &trainer).await.documents.is_empty());
    // Nothing was left on disk either.
    let stored = std::fs::read_dir(app.data_dir.join("uploads")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0);
    // A JPEG named .pdf is accepted as what it is.
    let jpeg = app.upload(&trainer, UploadDocument::PATH, "autre", "photo.pdf", vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).await;
    assert_eq!(jpeg.status, 200, "{}", jpeg.text);
    assert_eq!(jpeg.body["original_name"], "photo.jpg");
}

async fn export_and_erasure(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    fill_minimum(&app, &trainer, "11 75 41412 75").await;
    app.upload(&trainer, UploadDocument::PATH, "cv", "mon-cv.pdf", pdf()).await;

    let response = trainer.get(format!("{}/profil/export", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().to_string()).collect();
    assert!(names.contains(&"donnees.json".to_string()));
    assert!(names.iter().any(|n| n.ends_with("mon-cv.pdf")));
    let json: serde_json::Value = serde_json::from_reader(archive.by_name("donnees.json").unwrap()).unwrap();
    assert_eq!(json["profil"]["administrative"]["nda"], "11 75 41412 75");
    assert_eq!(json["compte"]["email"], "jeanne@exemple.fr");

    let wrong = app.call(&trainer, DeleteMyAccount::PATH, &[("password", "faux"), ("confirmation", "SUPPRIMER")]).await;
    assert_eq!(wrong.status, 422);
    let reply = app.call(&trainer, DeleteMyAccount::PATH, &[("password", PASSWORD), ("confirmation", "SUPPRIMER")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // Logged out, cannot log in again, personal data and files gone.
    assert_eq!(app.call(&trainer, LoadMyProfile::PATH, &[]).await.status, 401);
    let login = app.call(&client(), app::auth::Login::PATH, &[("email", "jeanne@exemple.fr"), ("password", PASSWORD)]).await;
    assert_eq!(login.status, 422);
    let remaining: i64 = app::on_db!(&app.db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email LIKE '%jeanne%' OR first_name = 'Jeanne'").fetch_one(pool).await).unwrap();
    assert_eq!(remaining, 0);
    let docs: i64 = app::on_db!(&app.db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM documents").fetch_one(pool).await).unwrap();
    assert_eq!(docs, 0);
    let nda: Option<String> = app::on_db!(&app.db, |pool| sqlx::query_scalar("SELECT nda FROM trainer_profiles").fetch_one(pool).await).unwrap();
    assert_eq!(nda, None);
    let stored = std::fs::read_dir(app.data_dir.join("uploads")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0);
}

on_both_backends!(
    profile_journey_with_changes_requested_then_approved,
    profile_fields_are_validated_in_french,
    trainers_cannot_reach_each_others_profiles_or_documents,
    bad_uploads_are_refused_with_a_reason,
    export_and_erasure,
);
