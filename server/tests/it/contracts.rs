//! The subcontracting contract: drawn on acceptance, read and signed by the trainer (account
//! and emailed code) and the centre (emailed single-use link and code), sealed with its proof;
//! who may read it; what cannot change; codes and links that expired or were used; the
//! vigilance rule; the template's versions; the public verification; reminders sent once.

use app::auth::Role;
use app::contracts::*;
use app::domain::contracts::{ContractStatus, SignParty};
use app::missions::staff::*;
use app::missions::*;
use app::on_db;
use server_fn::ServerFn;

use crate::common::*;
use crate::missions::{create_centre, create_mission, notifications, publish};

/// A published mission, an eligible trainer who accepted it, and the contract drawn for it.
struct Accepted {
    staff: reqwest::Client,
    trainer: reqwest::Client,
    trainer_id: i64,
    mission: i64,
    centre: i64,
    contract: i64,
}

async fn accepted(app: &TestApp, hours: &str, rate: &str) -> Accepted {
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let centre = create_centre(app, &staff, "FormaPro Lyon", "69003", rate).await;
    let mission = create_mission(app, &staff, centre, "Excel perfectionnement", "excel", "presentiel", "69002", hours, "2031-01-05", "intermediaire").await;
    publish(app, &staff, mission).await;
    let (trainer, trainer_id) = app.validated_trainer("anne@exemple.fr", "69001", 30, &["excel"], true, false).await;
    ::server::demo::take(&app.state, trainer_id, "qualiopi", 100).await.unwrap();
    ::server::demo::take(&app.state, trainer_id, "excel", 100).await.unwrap();
    let m = mission.to_string();
    assert_eq!(app.call(&trainer, ApplyToMission::PATH, &[("mission_id", &m), ("message", "")]).await.status, 200);
    let reply = app.call(&staff, ProposeMission::PATH, &[("mission_id", &m), ("user_id", &trainer_id.to_string()), ("deadline_hours", "")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let detail: MissionDetail = serde_json::from_value(app.call(&trainer, LoadMission::PATH, &[("mission_id", &m)]).await.body).unwrap();
    let pid = detail.proposal.unwrap().id.to_string();
    let reply = app.call(&trainer, AcceptProposal::PATH, &[("proposal_id", &pid)]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let list: Vec<ContractSummary> = serde_json::from_value(app.call(&trainer, MyContracts::PATH, &[]).await.body).unwrap();
    assert_eq!(list.len(), 1, "a contract is drawn when the trainer accepts");
    Accepted { staff, trainer, trainer_id, mission, centre, contract: list[0].id }
}

async fn view(app: &TestApp, client: &reqwest::Client, id: i64) -> ContractView {
    let reply = app.call(client, LoadContract::PATH, &[("id", &id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).unwrap()
}

/// The six-digit code of the last email sent to `to`.
async fn code_sent_to(app: &TestApp, to: &str) -> String {
    let body = app.last_email_to(to).await.expect("code email");
    let at = body.find("contrat MF-").expect("code line");
    let line = &body[at..];
    let code: String = line.split(" : ").nth(1).expect("code").chars().take(6).collect();
    assert!(code.chars().all(|c| c.is_ascii_digit()) && code.len() == 6, "{body}");
    code
}

/// The token of the last signing link sent to `to`.
async fn link_sent_to(app: &TestApp, to: &str) -> String {
    let body = app.last_email_to(to).await.expect("link email");
    let at = body.find("/signature/").expect("link");
    body[at + "/signature/".len()..].chars().take(64).collect()
}

async fn sign_as_user(app: &TestApp, client: &reqwest::Client, id: i64, document: &str, consent: bool, code: &str) -> Reply {
    let id = id.to_string();
    let mut args = vec![("contract_id", id.as_str()), ("document", document), ("code", code)];
    if consent {
        args.push(("consent", "oui"));
    }
    app.call(client, SignContract::PATH, &args).await
}

async fn sign_by_link(app: &TestApp, token: &str, document: &str, code: &str) -> Reply {
    app.call(&client(), SignByLink::PATH, &[("token", token), ("document", document), ("consent", "oui"), ("code", code)]).await
}

async fn bytes(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, Vec<u8>) {
    let response = client.get(format!("{}{}", app.base, path)).send().await.unwrap();
    (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
}

async fn exec(app: &TestApp, sql: &str, id: i64) -> Result<u64, sqlx::Error> {
    on_db!(&app.db, |pool| sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))
}

async fn centre_user(app: &TestApp, email: &str, centre: i64) -> reqwest::Client {
    let client = app.logged_in(Role::Centre, email).await;
    let id = app.user_id(email).await;
    app::repo::accounts::set_centre(&app.db, id, centre).await.unwrap();
    client
}

async fn both_sign_then_nothing_can_change(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = accepted(&app, "20", "40").await;
    let id = a.contract;
    let c = view(&app, &a.trainer, id).await;
    assert_eq!(c.status, ContractStatus::ToSign);
    assert_eq!(c.signing_as, Some(SignParty::Trainer));
    assert_eq!(c.content.mission.hours, 20);
    assert!(c.content.mission.total.starts_with("800"), "{}", c.content.mission.total);
    assert!(c.content.articles.iter().any(|a| a.title.contains("Prix et modalités de paiement")));
    assert!(c.content.articles.iter().all(|a| !a.title.contains("Compte personnel de formation")), "not a CPF mission");
    assert!(c.vigilance.is_none(), "under 5 000 €, no URSSAF attestation is asked");
    assert!(notifications(&app, &a.trainer).await.iter().any(|n| n.title == "Contrat prêt à signer"));

    // Who can read it: the trainer, the centre's users, staff; nobody else (not found).
    let (status, pdf) = bytes(&app, &a.trainer, &format!("/contrats/{id}/contrat.pdf")).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(app::contracts::proof::sha256_hex(&pdf), c.pdf_sha256);
    let centre = centre_user(&app, "direction@formapro.fr", a.centre).await;
    assert_eq!(view(&app, &centre, id).await.signing_as, Some(SignParty::Centre));
    let (other_trainer, _) = app.validated_trainer("bruno@exemple.fr", "69001", 30, &["excel"], true, false).await;
    let other_centre_id = create_centre(&app, &a.staff, "Autre centre", "75001", "40").await;
    let other_centre = centre_user(&app, "autre@centre.fr", other_centre_id).await;
    for outsider in [&other_trainer, &other_centre] {
        assert_eq!(app.call(outsider, LoadContract::PATH, &[("id", &id.to_string())]).await.status, 404);
        assert_eq!(bytes(&app, outsider, &format!("/contrats/{id}/contrat.pdf")).await.0, 404);
        assert_eq!(app.call(outsider, RequestSigningCode::PATH, &[("contract_id", &id.to_string())]).await.status, 404);
        assert_eq!(sign_as_user(&app, outsider, id, &c.pdf_sha256, true, "123456").await.status, 404);
    }
    assert_eq!(bytes(&app, &client(), &format!("/contrats/{id}/contrat.pdf")).await.0, 401);
    assert_eq!(app.call(&a.trainer, RedrawContract::PATH, &[("mission_id", &a.mission.to_string())]).await.status, 403);

    // The mission cannot start before the contract is signed.
    let reply = app.call(&a.staff, ChangeMissionStatus::PATH, &[("mission_id", &a.mission.to_string()), ("status", "en_cours")]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("contrat de sous-traitance signé"), "{}", reply.text);

    // The trainer signs: no code yet, then consent missing, a wrong code, a stale document.
    assert!(sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, "123456").await.text.contains("demandez un code"));
    let reply = app.call(&a.trainer, RequestSigningCode::PATH, &[("contract_id", &id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body.as_str(), Some("a***@exemple.fr"));
    let again = app.call(&a.trainer, RequestSigningCode::PATH, &[("contract_id", &id.to_string())]).await;
    assert_eq!(again.status, 422, "one code a minute");
    let code = code_sent_to(&app, "anne@exemple.fr").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let reply = sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, false, &code).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("Cochez cette case"), "{}", reply.text);
    let reply = sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, wrong).await;
    assert!(reply.text.contains("il vous reste 4 essais"), "{}", reply.text);
    let reply = sign_as_user(&app, &a.trainer, id, &"0".repeat(64), true, &code).await;
    assert!(reply.text.contains("a changé depuis que vous l'avez ouvert"), "{}", reply.text);
    for _ in 0..2 {
        // Twice: a double click.
        let reply = sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, &code).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let c = view(&app, &a.trainer, id).await;
    assert!(c.signers.iter().any(|s| s.party == SignParty::Trainer && s.signed_at.is_some()));
    assert_eq!(c.signing_as, None);
    assert!(notifications(&app, &centre).await.iter().any(|n| n.title == "Contrat signé par le formateur"));

    // The centre's contact signs through the emailed link (no account), with a code.
    let token = link_sent_to(&app, "contact@centre.fr").await;
    let by_link: ContractView = serde_json::from_value(app.call(&client(), LoadContractByLink::PATH, &[("token", &token)]).await.body).unwrap();
    assert_eq!(by_link.signing_as, Some(SignParty::Centre));
    assert_eq!(by_link.journal.iter().filter(|l| l.detail.is_some()).count(), 0, "IP addresses are for staff only");
    assert_eq!(app.call(&client(), LoadContractByLink::PATH, &[("token", &"f".repeat(64))]).await.status, 422);
    assert_eq!(app.call(&client(), RequestLinkCode::PATH, &[("token", &token)]).await.status, 200);
    let code = code_sent_to(&app, "contact@centre.fr").await;
    let reply = sign_by_link(&app, &token, &by_link.pdf_sha256, &code).await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    // Sealed: the signed PDF and the proof, the same for everyone who may read them.
    let c = view(&app, &a.staff, id).await;
    assert_eq!(c.status, ContractStatus::Signed);
    assert_eq!(c.staff.as_ref().unwrap().chain, Ok(()));
    let signed_sha = c.signed_sha256.clone().expect("signed");
    let (_, for_trainer) = bytes(&app, &a.trainer, &format!("/contrats/{id}/contrat-signe.pdf")).await;
    let (_, for_centre) = bytes(&app, &centre, &format!("/contrats/{id}/contrat-signe.pdf")).await;
    let (status, for_link) = bytes(&app, &client(), &format!("/signature/{token}/contrat-signe.pdf")).await;
    assert_eq!(status, 200);
    assert!(for_trainer == for_centre && for_centre == for_link);
    assert_eq!(app::contracts::proof::sha256_hex(&for_trainer), signed_sha);
    assert!(for_trainer.len() > pdf.len(), "the signed PDF adds the signature page");
    let (_, proof) = bytes(&app, &a.trainer, &format!("/contrats/{id}/preuve.json")).await;
    let proof: serde_json::Value = serde_json::from_slice(&proof).unwrap();
    assert_eq!(proof["signed_document_sha256"], signed_sha.as_str());
    let entries: Vec<(app::contracts::proof::Entry, String)> = proof["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (serde_json::from_value(e.clone()).unwrap(), e["entry_hash"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(app::contracts::proof::verify_chain(&entries), Ok(proof["chain_head"].as_str().unwrap().to_string()));
    let signatures: Vec<_> = entries.iter().filter(|(e, _)| e.event == "Signature").collect();
    assert_eq!(signatures.len(), 2);
    assert!(signatures.iter().all(|(e, _)| e.document_sha256 == c.pdf_sha256 && !e.ip.is_empty() && !e.user_agent.is_empty()));
    assert_eq!(bytes(&app, &client(), &format!("/contrats/{id}/preuve.pdf")).await.0, 401);
    assert!(bytes(&app, &centre, &format!("/contrats/{id}/preuve.pdf")).await.1.starts_with(b"%PDF-"));

    // The link was used: it signs no more.
    assert_eq!(sign_by_link(&app, &token, &by_link.pdf_sha256, &code).await.status, 200, "already signed: nothing to do");
    assert_eq!(app.call(&client(), RequestLinkCode::PATH, &[("token", &token)]).await.status, 422);

    // The public verification recognises the signed PDF and refuses it with one byte changed.
    let answer: VerifyAnswer = serde_json::from_value(app.call(&client(), VerifyContract::PATH, &[("sha256", &signed_sha)]).await.body).unwrap();
    match answer {
        VerifyAnswer::Signed { signed_pdf, trainer, centre, .. } => {
            assert!(signed_pdf);
            assert_eq!(trainer, "Jeanne Dupont");
            assert!(centre.contains("Julien Fabre"), "{centre}");
        }
        other => panic!("{other:?}"),
    }
    let mut altered = for_trainer.clone();
    let middle = altered.len() / 2;
    altered[middle] ^= 1;
    let form = reqwest::multipart::Form::new().part("fichier", reqwest::multipart::Part::bytes(altered).file_name("contrat.pdf"));
    let no_redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = no_redirect.post(format!("{}/verifier-contrat/fichier", app.base)).header("Origin", &app.base).multipart(form).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let altered_sha = location.split("empreinte=").nth(1).expect("hash in the address").to_string();
    assert_ne!(altered_sha, signed_sha);
    let answer: VerifyAnswer = serde_json::from_value(app.call(&client(), VerifyContract::PATH, &[("sha256", &altered_sha)]).await.body).unwrap();
    assert_eq!(answer, VerifyAnswer::Unknown);
    assert_eq!(app.call(&client(), VerifyContract::PATH, &[("sha256", "pas une empreinte")]).await.status, 422);

    // The mission can start now.
    let reply = app.call(&a.staff, ChangeMissionStatus::PATH, &[("mission_id", &a.mission.to_string()), ("status", "en_cours")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    // The database refuses any change to a contract's content, to a signed contract, and to
    // the log; nothing is deleted.
    assert!(exec(&app, "UPDATE contracts SET content = '{}' WHERE id = $1", id).await.is_err());
    assert!(exec(&app, "UPDATE contracts SET pdf_sha256 = 'x' WHERE id = $1", id).await.is_err());
    assert!(exec(&app, "UPDATE contracts SET signed_sha256 = 'x' WHERE id = $1", id).await.is_err());
    assert!(exec(&app, "DELETE FROM contracts WHERE id = $1", id).await.is_err());
    assert!(exec(&app, "UPDATE contracts SET status = 'a_signer' WHERE id = $1", id).await.is_err());
    assert!(exec(&app, "UPDATE signature_log SET ip = '10.0.0.1' WHERE contract_id = $1", id).await.is_err());
    assert!(exec(&app, "DELETE FROM signature_log WHERE contract_id = $1", id).await.is_err());
    assert_eq!(view(&app, &a.staff, id).await.signed_sha256.as_deref(), Some(signed_sha.as_str()));

    // A signed mission cannot be reopened.
    let reply = app.call(&a.staff, ChangeMissionStatus::PATH, &[("mission_id", &a.mission.to_string()), ("status", "annulee")]).await;
    assert_eq!(reply.status, 200, "a running mission can be cancelled: {}", reply.text);

    // A change makes a new version to sign again; the signed one stays in force until then.
    let reply = app.call(&a.staff, RedrawContract::PATH, &[("mission_id", &a.mission.to_string())]).await;
    assert_eq!(reply.status, 422, "no new version of a cancelled mission's contract");
    exec(&app, "UPDATE missions SET status = 'en_cours' WHERE id = $1", a.mission).await.unwrap();
    exec(&app, "UPDATE missions SET hours = 30 WHERE id = $1", a.mission).await.unwrap();
    let mc: MissionContract = serde_json::from_value(app.call(&a.staff, LoadMissionContract::PATH, &[("mission_id", &a.mission.to_string())]).await.body).unwrap();
    assert!(mc.stale.expect("staff see that the mission changed").contains("les heures"));
    let reply = app.call(&a.staff, RedrawContract::PATH, &[("mission_id", &a.mission.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let old = view(&app, &a.trainer, id).await;
    assert_eq!(old.status, ContractStatus::Signed, "the signed version stays in force");
    let list: Vec<ContractSummary> = serde_json::from_value(app.call(&a.trainer, MyContracts::PATH, &[]).await.body).unwrap();
    let new_id = list.iter().find(|c| c.id != id).expect("new version").id;
    let new = view(&app, &a.trainer, new_id).await;
    assert_eq!((new.version, new.status, new.content.mission.hours), (2, ContractStatus::ToSign, 30));
    // Both sign the new version: it replaces the old one, which keeps its signed PDF.
    assert_eq!(app.call(&a.trainer, RequestSigningCode::PATH, &[("contract_id", &new_id.to_string())]).await.status, 200);
    let code = code_sent_to(&app, "anne@exemple.fr").await;
    assert_eq!(sign_as_user(&app, &a.trainer, new_id, &new.pdf_sha256, true, &code).await.status, 200);
    let token2 = link_sent_to(&app, "contact@centre.fr").await;
    assert_eq!(app.call(&client(), RequestLinkCode::PATH, &[("token", &token2)]).await.status, 200);
    let code = code_sent_to(&app, "contact@centre.fr").await;
    assert_eq!(sign_by_link(&app, &token2, &new.pdf_sha256, &code).await.status, 200);
    let old = view(&app, &a.trainer, id).await;
    assert_eq!(old.status, ContractStatus::Superseded);
    assert_eq!(old.newer, Some(new_id));
    assert_eq!(old.signed_sha256.as_deref(), Some(signed_sha.as_str()));
    assert!(sign_as_user(&app, &a.trainer, new_id, &new.pdf_sha256, true, "123456").await.status == 200, "already signed: nothing to do");
    match serde_json::from_value(app.call(&client(), VerifyContract::PATH, &[("sha256", &signed_sha)]).await.body).unwrap() {
        VerifyAnswer::Signed { superseded, .. } => assert!(superseded),
        other => panic!("{other:?}"),
    }

    // Someone edits the log behind the database's back: the chain shows where.
    let drop_trigger = match backend {
        Backend::Sqlite => "DROP TRIGGER signature_log_no_update",
        Backend::Postgres => "DROP TRIGGER signature_log_append_only ON signature_log",
    };
    on_db!(&app.db, |pool| sqlx::query(drop_trigger).execute(pool).await.map(drop)).unwrap();
    on_db!(&app.db, |pool| sqlx::query("UPDATE signature_log SET ip = '10.9.9.9' WHERE contract_id = $1 AND event = 'Signature' AND party = 'formateur'").bind(id).execute(pool).await.map(drop)).unwrap();
    let chain = view(&app, &a.staff, id).await.staff.unwrap().chain;
    assert!(chain.unwrap_err().contains("altéré à partir de l'entrée"));
}

async fn codes_links_and_vigilance(backend: Backend) {
    let app = spawn_app(backend).await;
    // 200 h at 40 € = 8 000 € HT: an URSSAF attestation is needed.
    let a = accepted(&app, "200", "40").await;
    let id = a.contract;
    let c = view(&app, &a.trainer, id).await;
    assert_eq!(c.vigilance.as_ref().map(|v| v.0), Some(false));
    assert!(c.blocker.is_some());
    // No code is even sent until the attestation is there; signing is refused.
    let emails_before = app.email_count("anne@exemple.fr").await;
    let reply = app.call(&a.trainer, RequestSigningCode::PATH, &[("contract_id", &id.to_string())]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("URSSAF"), "{}", reply.text);
    assert_eq!(app.email_count("anne@exemple.fr").await, emails_before);
    let reply = sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, "123456").await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("URSSAF"), "{}", reply.text);

    // An attestation dated more than six months ago does not count; a recent one, uploaded, does.
    let old = app::infra::time::today() - chrono::Duration::days(200);
    on_db!(&app.db, |pool| sqlx::query("UPDATE trainer_profiles SET urssaf_attestation_date = $1 WHERE user_id = $2").bind(old).bind(a.trainer_id).execute(pool).await.map(drop)).unwrap();
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    assert_eq!(app.upload(&a.trainer, app::profile::UploadDocument::PATH, "urssaf", "attestation.pdf", pdf).await.status, 200);
    assert!(sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, "123456").await.text.contains("URSSAF"));
    let recent = app::infra::time::today() - chrono::Duration::days(30);
    on_db!(&app.db, |pool| sqlx::query("UPDATE trainer_profiles SET urssaf_attestation_date = $1 WHERE user_id = $2").bind(recent).bind(a.trainer_id).execute(pool).await.map(drop)).unwrap();
    assert_eq!(view(&app, &a.staff, id).await.vigilance.map(|v| v.0), Some(true));
    assert_eq!(app.call(&a.trainer, RequestSigningCode::PATH, &[("contract_id", &id.to_string())]).await.status, 200);
    let code = code_sent_to(&app, "anne@exemple.fr").await;

    // An expired code is refused; so is a code after five wrong tries.
    exec(&app, "UPDATE signing_codes SET expires_at = created_at WHERE contract_id = $1", id).await.unwrap();
    assert!(sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, &code).await.text.contains("Aucun code valable"));
    on_db!(&app.db, |pool| sqlx::query("DELETE FROM signing_codes WHERE contract_id = $1").bind(id).execute(pool).await.map(drop)).unwrap();
    assert_eq!(app.call(&a.trainer, RequestSigningCode::PATH, &[("contract_id", &id.to_string())]).await.status, 200);
    let code = code_sent_to(&app, "anne@exemple.fr").await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, wrong).await.status, 422);
    }
    assert!(sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, &code).await.text.contains("Aucun code valable"));
    on_db!(&app.db, |pool| sqlx::query("DELETE FROM signing_codes WHERE contract_id = $1").bind(id).execute(pool).await.map(drop)).unwrap();
    assert_eq!(app.call(&a.trainer, RequestSigningCode::PATH, &[("contract_id", &id.to_string())]).await.status, 200);
    let code = code_sent_to(&app, "anne@exemple.fr").await;
    assert_eq!(sign_as_user(&app, &a.trainer, id, &c.pdf_sha256, true, &code).await.status, 200);

    // An expired link opens the contract but cannot sign; a newer link replaces the old one.
    let token = link_sent_to(&app, "contact@centre.fr").await;
    on_db!(&app.db, |pool| sqlx::query("UPDATE signing_links SET expires_at = created_at WHERE contract_id = $1").bind(id).execute(pool).await.map(drop)).unwrap();
    let by_link: ContractView = serde_json::from_value(app.call(&client(), LoadContractByLink::PATH, &[("token", &token)]).await.body).unwrap();
    assert_eq!(by_link.signing_as, None);
    let reply = app.call(&client(), RequestLinkCode::PATH, &[("token", &token)]).await;
    assert!(reply.text.contains("n'est plus valable"), "{}", reply.text);
    assert!(sign_by_link(&app, &token, &c.pdf_sha256, "123456").await.text.contains("n'est plus valable"));
    assert_eq!(app.call(&a.staff, SendCentreLink::PATH, &[("contract_id", &id.to_string())]).await.status, 200);
    let fresh = link_sent_to(&app, "contact@centre.fr").await;
    assert_ne!(fresh, token);
    // A link sent to a former contact stops working when the centre's contact changes.
    exec(&app, "UPDATE centres SET contact_email = 'nouveau@centre.fr' WHERE id = $1", a.centre).await.unwrap();
    assert_eq!(app.call(&client(), LoadContractByLink::PATH, &[("token", &fresh)]).await.status, 422);
    exec(&app, "UPDATE centres SET contact_email = 'contact@centre.fr' WHERE id = $1", a.centre).await.unwrap();
    assert_eq!(app.call(&client(), RequestLinkCode::PATH, &[("token", &fresh)]).await.status, 200);
    let code = code_sent_to(&app, "contact@centre.fr").await;
    // A code sent for the link does not sign as another signer.
    assert_eq!(sign_by_link(&app, &fresh, &c.pdf_sha256, &code).await.status, 200);
    assert_eq!(view(&app, &a.staff, id).await.status, ContractStatus::Signed);

    // CPF transmission is recorded only for CPF missions.
    let reply = app.call(&a.staff, RecordCdcSent::PATH, &[("contract_id", &id.to_string()), ("sent_on", "2026-01-01")]).await;
    assert_eq!(reply.status, 422);
}

async fn template_versions_and_reminders(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = accepted(&app, "20", "40").await;
    let t: TemplatesView = serde_json::from_value(app.call(&a.staff, LoadTemplates::PATH, &[]).await.body).unwrap();
    assert_eq!(t.current_version, 1);
    assert_eq!(app.call(&a.trainer, LoadTemplates::PATH, &[]).await.status, 403);
    let reply = app.call(&a.staff, SaveTemplate::PATH, &[("based_on", "1"), ("body", "## Objet\nBonjour {{inconnu}}"), ("note", "")]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("{{inconnu}}"), "{}", reply.text);
    let body = format!("{}\n## Clause ajoutée\nLe formateur {{{{formateur.nom}}}} respecte le règlement intérieur.\n", t.body);
    let reply = app.call(&a.staff, SaveTemplate::PATH, &[("based_on", "1"), ("body", &body), ("note", "Règlement intérieur")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // Saving from a stale page does not overwrite the newer version.
    assert_eq!(app.call(&a.staff, SaveTemplate::PATH, &[("based_on", "1"), ("body", &body), ("note", "")]).await.status, 422);
    assert_eq!(app.call(&a.trainer, SaveTemplate::PATH, &[("based_on", "2"), ("body", &body), ("note", "")]).await.status, 403);
    // What the template says is text, even inside the editor's textarea.
    let hostile = format!("{body}\n## Piège\n</textarea><script>alert(1)</script> & fin\n");
    assert_eq!(app.call(&a.staff, SaveTemplate::PATH, &[("based_on", "2"), ("body", &hostile), ("note", "")]).await.status, 200);
    let (status, html) = app.get(&a.staff, "/equipe/contrat-type").await;
    assert_eq!(status, 200);
    assert!(!html.contains("</textarea><script>"), "the template closes the textarea");
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; fin"));
    assert_eq!(app.call(&a.staff, SaveTemplate::PATH, &[("based_on", "3"), ("body", &body), ("note", "")]).await.status, 200);
    let (status, preview) = bytes(&app, &a.staff, "/equipe/contrat-type/2/apercu.pdf").await;
    assert_eq!(status, 200);
    assert!(preview.starts_with(b"%PDF-"));
    assert_eq!(bytes(&app, &a.trainer, "/equipe/contrat-type/2/apercu.pdf").await.0, 404);

    // The contract drawn before keeps version 1; a new version uses version 2.
    let before = view(&app, &a.staff, a.contract).await;
    assert_eq!(before.content.template_version, 1);
    assert!(!before.content.articles.iter().any(|a| a.title.contains("Clause ajoutée")));
    assert_eq!(app.call(&a.staff, RedrawContract::PATH, &[("mission_id", &a.mission.to_string())]).await.status, 200);
    let mc: MissionContract = serde_json::from_value(app.call(&a.staff, LoadMissionContract::PATH, &[("mission_id", &a.mission.to_string())]).await.body).unwrap();
    let after = mc.current.unwrap();
    assert_eq!((after.version, after.content.template_version), (2, 4));
    assert!(after.content.articles.iter().any(|a| a.title.contains("Clause ajoutée") && a.paragraphs[0].contains("Jeanne Dupont")));
    assert_eq!(mc.versions.len(), 2);

    // A signature waiting for more than two days: reminded once, whatever the number of nodes.
    let old = chrono::Utc::now() - chrono::Duration::days(3);
    on_db!(&app.db, |pool| sqlx::query("UPDATE contracts SET created_at = $1 WHERE id = $2").bind(old).bind(after.id).execute(pool).await.map(drop)).unwrap();
    let (x, y) = tokio::join!(app::contracts::server::remind_signatures(&app.state), app::contracts::server::remind_signatures(&app.state));
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(app::contracts::server::remind_signatures(&app.state).await.unwrap(), 0);
    let reminders = notifications(&app, &a.trainer).await.into_iter().filter(|n| n.title == "Rappel : contrat à signer").count();
    assert_eq!(reminders, 1);

    // Reopening the mission voids the contract nobody signed.
    let reply = app.call(&a.staff, ChangeMissionStatus::PATH, &[("mission_id", &a.mission.to_string()), ("status", "publiee")]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(view(&app, &a.staff, after.id).await.status, ContractStatus::Superseded);
    assert!(sign_as_user(&app, &a.trainer, after.id, &after.pdf_sha256, true, "123456").await.text.contains("remplacé"));
}

on_both_backends!(both_sign_then_nothing_can_change, codes_links_and_vigilance, template_versions_and_reminders);
