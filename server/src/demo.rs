//! Demo data, loaded once on the first start of a local installation (`make run`): accounts of
//! every role, trainer profiles at every stage, and real test attempts.

use std::collections::HashMap;

use app::auth::server::{hash_password, Ctx};
use app::auth::Role;
use app::competence::server as tests;
use app::domain::missions::MissionStatus;
use app::domain::{Email, ProfileStatus};
use app::error::AppError;
use app::infra::state::AppState;
use app::repo::accounts::{create_user, set_centre};
use app::repo::fixtures;
use app::profile::review::server as review;
use app::profile::server::{self as profiles, AdministrativeInput, IdentityInput};
use app::profile::ReviewSection;

/// Demo accounts: (role, email, password, first name, last name). Printed by `make run` and
/// listed in README.md; never use them outside a local installation.
pub const DEMO_ACCOUNTS: &[(Role, &str, &str, &str, &str)] = &[
    (Role::Staff, "equipe@mission-formateur.test", "Equipe-Demo-2026", "Nadia", "Rousseau"),
    (Role::Trainer, "camille.martin@exemple.test", "Formateur-Demo-2026", "Camille", "Martin"),
    (Role::Trainer, "karim.benali@exemple.test", "Formateur-Demo-2026", "Karim", "Benali"),
    (Role::Trainer, "sophie.leroy@exemple.test", "Formateur-Demo-2026", "Sophie", "Leroy"),
    (Role::Trainer, "james.walker@exemple.test", "Formateur-Demo-2026", "James", "Walker"),
    (Role::Centre, "contact@formapro-lyon.test", "Centre-Demo-2026", "Julien", "Fabre"),
];

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Loads the demo data unless it was loaded before. Returns whether it loaded anything.
pub async fn load_once(state: &AppState) -> Result<bool, String> {
    if fixtures::demo_loaded(&state.db).await.map_err(text)? {
        return Ok(false);
    }
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for (role, email, password, first, last) in DEMO_ACCOUNTS {
        let address = Email::parse(email).map_err(text)?;
        let hash = hash_password((*password).to_string()).await.map_err(text)?;
        if let Some(id) = create_user(&state.db, &address, &hash, first, last, *role, true).await.map_err(text)? {
            ids.insert(*email, id);
        }
    }
    let staff = Ctx { user_id: ids.get("equipe@mission-formateur.test").copied().unwrap_or(0), role: Role::Staff };
    let trainer = |email: &str| ids.get(email).copied().ok_or_else(|| format!("demo account {email} missing"));

    // Camille: validated, office software in Lyon, micro-entrepreneur under the ceiling.
    let camille = trainer("camille.martin@exemple.test")?;
    fill(state, camille, "mme", "Camille", "Martin", "06 11 22 33 44", "8 quai Victor Augagneur", "69003", 40, "Formatrice bureautique depuis 12 ans, auprès d'adultes en reconversion.").await?;
    domains(state, camille, &[("excel", 12, "expert_plus"), ("word", 10, "expert")]).await?;
    admin(state, camille, "micro", "732 829 320 00074", "11 69 12345 69", true, "42 000", None).await?;
    language(state, camille, "fr", "C2", true).await?;
    profiles::add_experience(&state.db, camille, "Formatrice bureautique".into(), "AFPA Lyon".into(), "2014-09-01".into(), String::new(), "Excel et Word, du niveau débutant au niveau expert.".into()).await.map_err(text)?;
    take(state, camille, "qualiopi", 100).await?;
    take(state, camille, "excel", 100).await?;
    take(state, camille, "word", 80).await?;
    approve(state, &staff, camille).await?;

    // James: validated, native English speaker in Bordeaux, Qualiopi-certified company.
    let james = trainer("james.walker@exemple.test")?;
    fill(state, james, "m", "James", "Walker", "07 55 44 33 22", "14 cours de l'Intendance", "33000", 60, "Native English trainer, business English and exam preparation.").await?;
    domains(state, james, &[("anglais", 15, "expert_plus")]).await?;
    admin(state, james, "societe", "552 100 554 00013", "72 33 09876 33", false, "", Some(("QUALI-2025-0412", "2025-03-01", "2028-02-28"))).await?;
    language(state, james, "en", "C2", true).await?;
    language(state, james, "fr", "B2", false).await?;
    take(state, james, "qualiopi", 100).await?;
    take(state, james, "anglais", 100).await?;
    approve(state, &staff, james).await?;

    // Karim: submitted, waiting for the staff's review.
    let karim = trainer("karim.benali@exemple.test")?;
    fill(state, karim, "m", "Karim", "Benali", "06 98 76 54 32", "21 rue Paradis", "13001", 30, "Comptable de formation, j'enseigne la gestion aux créateurs d'entreprise.").await?;
    domains(state, karim, &[("comptabilite", 9, "expert")]).await?;
    admin(state, karim, "micro", "443 061 841 00047", "93 13 05678 13", true, "31 500", None).await?;
    profiles::submit(&state.db, karim).await.map_err(text)?;

    // Sophie: a draft, partly filled.
    let sophie = trainer("sophie.leroy@exemple.test")?;
    fill(state, sophie, "mme", "Sophie", "Leroy", "06 45 67 89 01", "", "75011", 20, "").await?;
    domains(state, sophie, &[("management", 7, "avance")]).await?;

    missions(state, &staff, &ids, camille).await?;

    fixtures::mark_demo_loaded(&state.db, chrono::Utc::now()).await.map_err(text)?;
    Ok(true)
}

/// Two partner centres with their pay grids, and missions around the demo trainers.
async fn missions(state: &AppState, staff: &Ctx, ids: &HashMap<&str, i64>, camille: i64) -> Result<(), String> {
    use app::missions::staff::server as centres;
    let lyon = centres::save_centre(
        &state.db,
        staff,
        0,
        centres::CentreInput {
            name: "FormaPro Lyon".into(),
            siret: "443 061 841 00047".into(),
            nda: "82 69 01234 69".into(),
            address_line: "25 rue de la République".into(),
            postal_code: "69002".into(),
            contact_name: "Julien Fabre".into(),
            contact_email: "contact@formapro-lyon.test".into(),
            contact_phone: "04 78 12 34 56".into(),
            management_mode: "formateurs".into(),
            default_hourly_rate: "40".into(),
        },
    )
    .await
    .map_err(text)?;
    let paris = centres::save_centre(
        &state.db,
        staff,
        0,
        centres::CentreInput {
            name: "Langues & Compétences Paris".into(),
            siret: "552 100 554 00013".into(),
            nda: "11 75 98765 75".into(),
            address_line: "10 boulevard Voltaire".into(),
            postal_code: "75011".into(),
            contact_name: "Claire Dubois".into(),
            contact_email: "claire@langues-competences.test".into(),
            contact_phone: "01 43 00 00 00".into(),
            management_mode: "totale".into(),
            default_hourly_rate: "42".into(),
        },
    )
    .await
    .map_err(text)?;
    for (centre, domain, format, group, min, max, rate) in [
        (lyon, "excel", "", "", "", "", "45"),
        (lyon, "excel", "", "", "35", "", "42"),
        (lyon, "", "distanciel", "", "", "", "38"),
        (paris, "anglais", "", "", "", "", "48"),
        (paris, "anglais", "presentiel", "collectif", "", "", "55"),
    ] {
        centres::add_rate(&state.db, centre, domain, format, group, min, max, rate).await.map_err(text)?;
    }
    if let Some(julien) = ids.get("contact@formapro-lyon.test") {
        set_centre(&state.db, *julien, lyon).await.map_err(text)?;
    }
    let today = chrono::Utc::now().date_naive();
    let day = |days: i64| (today + chrono::Duration::days(days)).format("%Y-%m-%d").to_string();
    // (centre, title, domain, level, native, format, group, postal, hours, start, end, rhythm, cpf, publish)
    let list = [
        (lyon, "Excel : tableaux croisés dynamiques", "excel", "intermediaire", "indifferent", "presentiel", "individuel", "69003", "21", day(14), day(45), "3 demi-journées par semaine", true, true),
        (lyon, "Excel pour débutants", "excel", "debutant", "indifferent", "presentiel", "collectif", "69100", "14", day(21), day(35), "2 jours", false, true),
        (lyon, "Word : rapports et publipostage", "word", "debutant", "indifferent", "distanciel", "individuel", "", "10", day(10), day(40), "1 séance par semaine", true, true),
        (lyon, "Excel avancé, parcours certifiant", "excel", "expert", "indifferent", "presentiel", "individuel", "38000", "35", day(30), day(90), "1 jour par semaine", true, true),
        (lyon, "Comptabilité pour créateurs d'entreprise", "comptabilite", "debutant", "indifferent", "presentiel", "collectif", "13001", "28", day(20), day(60), "2 jours par semaine", true, true),
        (paris, "Anglais professionnel, niveau intermédiaire", "anglais", "intermediaire", "natif", "distanciel", "individuel", "", "30", day(7), day(70), "2 heures par semaine", true, true),
        (paris, "Anglais débutant en groupe", "anglais", "debutant", "indifferent", "presentiel", "collectif", "75011", "40", day(15), day(80), "Tous les mardis", false, true),
        (paris, "Management d'équipe à distance", "management", "intermediaire", "indifferent", "distanciel", "collectif", "", "14", day(25), day(40), "2 jours", false, false),
    ];
    let mut first_excel = None;
    for (centre, title, domain, level, native, format, group, postal, hours, start, end, rhythm, cpf, publish) in list {
        let id = centres::save_mission(
            &state.db,
            staff,
            0,
            centres::MissionInput {
                centre_id: centre,
                title: title.into(),
                domain_code: domain.into(),
                description: "Mission proposée par un centre partenaire de Mission Formateur.".into(),
                learner_level: level.into(),
                native_requirement: native.into(),
                format: format.into(),
                group_kind: group.into(),
                postal_code: postal.into(),
                hours: hours.into(),
                start_date: start,
                end_date: end,
                rhythm: rhythm.into(),
                cpf_funded: cpf,
                learners_count: if group == "collectif" { "6".into() } else { "1".into() },
                learners: "Thomas Girard ; 06 20 30 40 50 ; thomas.girard@exemple.test".into(),
            },
        )
        .await
        .map_err(text)?;
        if publish {
            centres::change_status(&state.db, staff, id, MissionStatus::Published.code()).await.map_err(text)?;
        }
        if domain == "excel" && first_excel.is_none() {
            first_excel = Some(id);
        }
    }
    if let Some(mission) = first_excel {
        app::missions::server::apply(state, camille, mission, "Disponible aux dates indiquées.").await.map_err(text)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn fill(state: &AppState, user_id: i64, civility: &str, first: &str, last: &str, phone: &str, address: &str, postal: &str, km: i64, presentation: &str) -> Result<(), String> {
    profiles::ensure_profile(&state.db, user_id).await.map_err(text)?;
    let input = IdentityInput {
        civility: Some(civility.into()),
        first_name: first.into(),
        last_name: last.into(),
        mobile_phone: phone.into(),
        address_line: address.into(),
        postal_code: postal.into(),
        commune_code: app::geo::communes(postal).first().map(|c| c.insee.to_string()),
        mobility_km: km.to_string(),
        accepts_onsite: true,
        accepts_remote: true,
        presentation: presentation.into(),
    };
    profiles::save_identity(&state.db, user_id, input).await.map_err(text)
}

pub async fn domains(state: &AppState, user_id: i64, list: &[(&str, i64, &str)]) -> Result<(), String> {
    for (code, years, level) in list {
        profiles::save_domain(&state.db, user_id, (*code).into(), years.to_string(), (*level).into()).await.map_err(text)?;
    }
    Ok(())
}

async fn language(state: &AppState, user_id: i64, code: &str, cefr: &str, mother_tongue: bool) -> Result<(), String> {
    profiles::save_language(&state.db, user_id, code.into(), cefr.into(), mother_tongue).await.map_err(text)
}

#[allow(clippy::too_many_arguments)]
pub async fn admin(state: &AppState, user_id: i64, status: &str, siret: &str, nda: &str, micro: bool, turnover: &str, qualiopi: Option<(&str, &str, &str)>) -> Result<(), String> {
    let (number, from, until) = qualiopi.unwrap_or(("", "", ""));
    let input = AdministrativeInput {
        legal_status: status.into(),
        siret: siret.into(),
        nda: nda.into(),
        micro_social: micro,
        yearly_turnover: turnover.into(),
        qualiopi_number: number.into(),
        qualiopi_valid_from: from.into(),
        qualiopi_valid_until: until.into(),
        urssaf_attestation_date: String::new(),
    };
    profiles::save_administrative(&state.db, user_id, input).await.map_err(text)
}

pub async fn approve(state: &AppState, staff: &Ctx, user_id: i64) -> Result<(), String> {
    profiles::submit(&state.db, user_id).await.map_err(text)?;
    let none: Vec<(ReviewSection, String)> = Vec::new();
    review::decide(state, staff, user_id, ProfileStatus::Validated.code(), &none).await.map_err(text)
}

/// Takes a test for real: starts an attempt and answers `accuracy` % of its questions right.
pub async fn take(state: &AppState, user_id: i64, code: &str, accuracy: usize) -> Result<(), String> {
    let trainer = Ctx { user_id, role: Role::Trainer };
    let attempt_id = tests::start(&state.db, &trainer, code).await.map_err(text)?;
    let view = tests::attempt_view(&state.db, &trainer, attempt_id).await.map_err(text)?;
    let key = app::repo::competence::attempt_options(&state.db, attempt_id).await.map_err(text)?;
    let right_count = view.questions.len() * accuracy / 100;
    for (i, q) in view.questions.iter().enumerate() {
        let right = i < right_count;
        let selected: Vec<String> = q
            .options
            .iter()
            .filter(|o| key.get(&o.id).is_some_and(|k| k.correct == right))
            .map(|o| o.id.to_string())
            .take(if right { usize::MAX } else { 1 })
            .collect();
        tests::save_answer(&state.db, &trainer, attempt_id, q.id, &selected.join(",")).await.map_err(|e: AppError| e.to_string())?;
    }
    tests::submit(&state.db, &trainer, attempt_id).await.map_err(text)
}

/// The logins to print for a local user.
pub fn describe_accounts() -> String {
    let mut out = String::from("Comptes de démonstration :\n");
    for (role, email, password, first, last) in DEMO_ACCOUNTS {
        out.push_str(&format!("  {:<28} {:<32} mot de passe : {password}   ({first} {last})\n", role.label(), email));
    }
    out
}
