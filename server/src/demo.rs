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
use app::domain::forms::profile::{AdministrativeForm, DomainForm, ExperienceForm, IdentityForm, LanguageForm, ReviewDecision};
use app::repo::accounts::{create_user, set_centre};
use app::repo::fixtures;
use app::profile::review::server as review;
use app::profile::server as profiles;

/// Demo accounts: (role, email, password, first name, last name). Printed by `make run` and
/// listed in README.md; never use them outside a local installation.
pub const DEMO_ACCOUNTS: &[(Role, &str, &str, &str, &str)] = &[
    (Role::Staff, "equipe@mission-formateur.test", "Equipe-Demo-2026", "Nadia", "Rousseau"),
    (Role::Trainer, "camille.martin@exemple.test", "Formateur-Demo-2026", "Camille", "Martin"),
    (Role::Trainer, "karim.benali@exemple.test", "Formateur-Demo-2026", "Karim", "Benali"),
    (Role::Trainer, "sophie.leroy@exemple.test", "Formateur-Demo-2026", "Sophie", "Leroy"),
    (Role::Trainer, "james.walker@exemple.test", "Formateur-Demo-2026", "James", "Walker"),
    (Role::Trainer, "hugo.lefevre@exemple.test", "Formateur-Demo-2026", "Hugo", "Lefèvre"),
    (Role::Trainer, "ines.moreau@exemple.test", "Formateur-Demo-2026", "Inès", "Moreau"),
    (Role::Trainer, "lucie.garnier@exemple.test", "Formateur-Demo-2026", "Lucie", "Garnier"),
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
    let experience = ExperienceForm {
        role: "Formatrice bureautique".into(),
        organisation: "AFPA Lyon".into(),
        start_date: "2014-09-01".into(),
        end_date: String::new(),
        description: "Excel et Word, du niveau débutant au niveau expert.".into(),
    };
    profiles::add_experience(&state.db, &as_trainer(camille), experience).await.map_err(text)?;
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

    // Hugo and Inès: validated, Excel experts near Lyon, so that a mission has several
    // applicants to rank and choose from.
    for (email, civility, first, last, phone, postal, km, years, siret, nda) in [
        ("hugo.lefevre@exemple.test", "m", "Hugo", "Lefèvre", "06 22 33 44 55", "69100", 30, 6, "443 061 841 00047", "11 69 20001 69"),
        ("ines.moreau@exemple.test", "mme", "Inès", "Moreau", "06 33 44 55 66", "69007", 25, 15, "732 829 320 00074", "11 69 20002 69"),
    ] {
        let id = trainer(email)?;
        fill(state, id, civility, first, last, phone, "", postal, km, "Formation bureautique en entreprise.").await?;
        domains(state, id, &[("excel", years, "expert_plus")]).await?;
        admin(state, id, "micro", siret, nda, true, "28 000", None).await?;
        language(state, id, "fr", "C2", true).await?;
        take(state, id, "qualiopi", 100).await?;
        take(state, id, "excel", if years > 10 { 100 } else { 95 }).await?;
        approve(state, &staff, id).await?;
    }

    // Lucie: validated near Lyon, but has not taken the Excel test yet.
    let lucie = trainer("lucie.garnier@exemple.test")?;
    fill(state, lucie, "mme", "Lucie", "Garnier", "06 44 55 66 77", "", "69006", 30, "Formatrice en outils numériques.").await?;
    domains(state, lucie, &[("excel", 4, "expert")]).await?;
    admin(state, lucie, "micro", "443 061 841 00047", "11 69 20003 69", true, "19 000", None).await?;
    language(state, lucie, "fr", "C2", true).await?;
    take(state, lucie, "qualiopi", 100).await?;
    approve(state, &staff, lucie).await?;

    // Karim: submitted, waiting for the staff's review.
    let karim = trainer("karim.benali@exemple.test")?;
    fill(state, karim, "m", "Karim", "Benali", "06 98 76 54 32", "21 rue Paradis", "13001", 30, "Comptable de formation, j'enseigne la gestion aux créateurs d'entreprise.").await?;
    domains(state, karim, &[("comptabilite", 9, "expert")]).await?;
    admin(state, karim, "micro", "443 061 841 00047", "93 13 05678 13", true, "31 500", None).await?;
    profiles::submit(&state.db, &as_trainer(karim)).await.map_err(text)?;

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
    use app::centres::server as centres;
    use app::domain::forms::centres::{CentreForm, PayRateForm};
    use app::domain::forms::missions::{ApplicationMessage, MissionForm};
    use app::missions::staff::server as missions;
    let lyon = centres::save_centre(
        &state.db,
        staff,
        0,
        CentreForm {
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
        CentreForm {
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
        let rate = PayRateForm { domain_code: domain.into(), format: format.into(), group_kind: group.into(), min_hours: min.into(), max_hours: max.into(), hourly_rate: rate.into() };
        centres::add_rate(&state.db, centre, rate).await.map_err(text)?;
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
        let id = missions::save_mission(
            &state.db,
            staff,
            (0, centre),
            MissionForm {
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
                cpf_funded: cpf.then(|| "on".to_string()),
                learners_count: if group == "collectif" { "6".into() } else { "1".into() },
                learners: "Thomas Girard ; 06 20 30 40 50 ; thomas.girard@exemple.test".into(),
            },
        )
        .await
        .map_err(text)?;
        if publish {
            missions::change_status(&state.db, staff, id, MissionStatus::Published).await.map_err(text)?;
        }
        if domain == "excel" && first_excel.is_none() {
            first_excel = Some(id);
        }
    }
    if let Some(mission) = first_excel {
        app::missions::server::apply(state, &Ctx { user_id: camille, role: Role::Trainer }, mission, ApplicationMessage("Disponible aux dates indiquées.".into())).await.map_err(text)?;
    }
    Ok(())
}

/// The context of a demo trainer acting on their own profile.
fn as_trainer(user_id: i64) -> Ctx {
    Ctx { user_id, role: Role::Trainer }
}

#[allow(clippy::too_many_arguments)]
pub async fn fill(state: &AppState, user_id: i64, civility: &str, first: &str, last: &str, phone: &str, address: &str, postal: &str, km: i64, presentation: &str) -> Result<(), String> {
    profiles::ensure_profile(&state.db, user_id).await.map_err(text)?;
    let form = IdentityForm {
        civility: Some(civility.into()),
        first_name: first.into(),
        last_name: last.into(),
        mobile_phone: phone.into(),
        address_line: address.into(),
        postal_code: postal.into(),
        commune_code: app::geo::communes(postal).first().map(|c| c.insee.to_string()),
        mobility_km: km.to_string(),
        accepts_onsite: Some("on".into()),
        accepts_remote: Some("on".into()),
        presentation: presentation.into(),
    };
    profiles::save_identity(&state.db, &as_trainer(user_id), form).await.map_err(text)
}

pub async fn domains(state: &AppState, user_id: i64, list: &[(&str, i64, &str)]) -> Result<(), String> {
    for (code, years, level) in list {
        let form = DomainForm { domain_code: (*code).into(), years_experience: years.to_string(), self_level: (*level).into() };
        profiles::save_domain(&state.db, &as_trainer(user_id), form).await.map_err(text)?;
    }
    Ok(())
}

async fn language(state: &AppState, user_id: i64, code: &str, cefr: &str, mother_tongue: bool) -> Result<(), String> {
    let form = LanguageForm { language_code: code.into(), cefr: cefr.into(), mother_tongue: mother_tongue.then(|| "on".into()) };
    profiles::save_language(&state.db, &as_trainer(user_id), form).await.map_err(text)
}

#[allow(clippy::too_many_arguments)]
pub async fn admin(state: &AppState, user_id: i64, status: &str, siret: &str, nda: &str, micro: bool, turnover: &str, qualiopi: Option<(&str, &str, &str)>) -> Result<(), String> {
    let (number, from, until) = qualiopi.unwrap_or(("", "", ""));
    let form = AdministrativeForm {
        legal_status: status.into(),
        siret: siret.into(),
        nda: nda.into(),
        micro_social: micro.then(|| "on".into()),
        yearly_turnover: turnover.into(),
        qualiopi_number: number.into(),
        qualiopi_valid_from: from.into(),
        qualiopi_valid_until: until.into(),
        urssaf_attestation_date: String::new(),
    };
    profiles::save_administrative(&state.db, &as_trainer(user_id), form).await.map_err(text)
}

pub async fn approve(state: &AppState, staff: &Ctx, user_id: i64) -> Result<(), String> {
    profiles::submit(&state.db, &as_trainer(user_id)).await.map_err(text)?;
    let validated = ReviewDecision { decision: ProfileStatus::Validated, reasons: Vec::new() };
    review::decide(state, staff, user_id, validated).await.map_err(text)
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
