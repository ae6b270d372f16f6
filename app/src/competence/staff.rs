//! Staff management of the question banks: tests' settings, questions (create, edit, retire),
//! JSON import and export, each question's success rate and each test's pass rate.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::auth::Role;
use crate::components::form::{error_of, field_error, Field, FormAlert, Submit};
use crate::components::{ErrorPanel, PageTitle, RequireRole};
use crate::domain::testing::TestKind;
use crate::domain::Cefr;
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestStats {
    pub code: String,
    pub title: String,
    pub kind: TestKind,
    pub questions_active: i64,
    pub questions_total: i64,
    pub attempts: i64,
    pub pass_rate: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOption {
    pub label: String,
    pub correct: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffQuestion {
    pub id: i64,
    pub multiple: bool,
    pub prompt: String,
    pub topic: String,
    pub cefr: Option<String>,
    pub explanation: String,
    pub active: bool,
    pub options: Vec<StaffOption>,
    pub asked: i64,
    pub success_rate: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankView {
    pub code: String,
    pub title: String,
    pub kind: TestKind,
    pub questions_per_attempt: i64,
    pub time_limit_minutes: i64,
    pub pass_mark_percent: i64,
    pub validity_months: i64,
    pub retake_delay_days: i64,
    pub attempts: i64,
    pub pass_rate: Option<i64>,
    pub questions: Vec<StaffQuestion>,
}

#[cfg(feature = "ssr")]
async fn as_staff() -> Result<(crate::infra::state::AppState, crate::auth::server::Ctx), AppError> {
    crate::auth::server::require_role(Role::Staff).await
}

#[server]
pub async fn tests_overview() -> Result<Vec<TestStats>, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, _) = as_staff().await?;
            server::overview(&state.db).await
        }
        .await,
    )
}

#[server]
pub async fn load_bank(code: String) -> Result<BankView, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, _) = as_staff().await?;
            server::bank(&state.db, &code).await
        }
        .await,
    )
}

#[server]
pub async fn save_test_settings(
    code: String,
    questions_per_attempt: String,
    time_limit_minutes: String,
    pass_mark_percent: String,
    validity_months: String,
    retake_delay_days: String,
) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, _) = as_staff().await?;
            let values = [
                ("questions_per_attempt", questions_per_attempt, 1, 200),
                ("time_limit_minutes", time_limit_minutes, 1, 240),
                ("pass_mark_percent", pass_mark_percent, 1, 100),
                ("validity_months", validity_months, 1, 60),
                ("retake_delay_days", retake_delay_days, 0, 365),
            ];
            server::save_settings(&state.db, &code, &values).await
        }
        .await,
    )
}

/// Creates (`question_id` 0) or edits a question. A question already asked is retired and
/// replaced, so that past corrections keep the wording trainers saw.
#[server]
#[allow(clippy::too_many_arguments)]
pub async fn save_question(
    code: String,
    question_id: i64,
    kind: String,
    prompt: String,
    topic: String,
    cefr: String,
    explanation: String,
    option_1: String,
    option_2: String,
    option_3: String,
    option_4: String,
    option_5: String,
    correct_1: Option<String>,
    correct_2: Option<String>,
    correct_3: Option<String>,
    correct_4: Option<String>,
    correct_5: Option<String>,
) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = as_staff().await?;
            let options = [
                (option_1, correct_1.is_some()),
                (option_2, correct_2.is_some()),
                (option_3, correct_3.is_some()),
                (option_4, correct_4.is_some()),
                (option_5, correct_5.is_some()),
            ];
            let question = super::server::BankQuestion {
                kind,
                prompt,
                options: options
                    .into_iter()
                    .filter(|(label, _)| !label.trim().is_empty())
                    .map(|(label, correct)| super::server::BankOption { label: label.trim().to_string(), correct })
                    .collect(),
                explanation,
                topic,
                cefr: Some(cefr.trim().to_string()).filter(|c| !c.is_empty()),
                active: true,
            };
            server::save_question(&state.db, &code, question_id, question).await?;
            tracing::info!(by = ctx.user_id, test = %code, "question saved");
            Ok(())
        }
        .await,
    )
}

#[server]
pub async fn set_question_active(question_id: i64, active: bool) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, _) = as_staff().await?;
            server::set_active(&state.db, question_id, active).await
        }
        .await,
    )
}

/// Imports a bank from a JSON file (fields `code`, `mode` = ajouter | remplacer, `file`).
#[server(input = MultipartFormData)]
pub async fn import_bank(data: MultipartData) -> Result<String, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, _) = as_staff().await?;
            let multipart = data.into_inner().ok_or_else(|| AppError::field("file", "Aucun fichier reçu."))?;
            server::import(&state.db, multipart).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Staff side of the banks, in SQL.

    use super::*;
    use crate::competence::server::{check_bank, check_question, create_test, insert_questions, test_by_code, BankFile, BankOption, BankQuestion};
    use crate::error::FieldErrors;
    use crate::infra::db::Db;
    use crate::infra::time::now;
    use crate::{on_db, write_tx};

    fn rate(part: i64, whole: i64) -> Option<i64> {
        (whole > 0).then(|| part * 100 / whole)
    }

    pub async fn overview(db: &Db) -> Result<Vec<TestStats>, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            code: String,
            title: String,
            kind: String,
            questions_active: i64,
            questions_total: i64,
            attempts: i64,
            passed: i64,
        }
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT t.code, t.title, t.kind,
                    (SELECT COUNT(*) FROM questions q WHERE q.test_id = t.id AND q.active = TRUE) AS questions_active,
                    (SELECT COUNT(*) FROM questions q WHERE q.test_id = t.id) AS questions_total,
                    (SELECT COUNT(*) FROM attempts a WHERE a.test_id = t.id AND a.submitted_at IS NOT NULL) AS attempts,
                    (SELECT COUNT(*) FROM attempts a WHERE a.test_id = t.id AND a.passed = TRUE) AS passed
                 FROM tests t ORDER BY CASE t.kind WHEN 'qualiopi' THEN 0 ELSE 1 END, t.title",
            )
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| TestStats {
                kind: TestKind::from_code(&r.kind).unwrap_or(TestKind::Domain),
                code: r.code,
                title: r.title,
                questions_active: r.questions_active,
                questions_total: r.questions_total,
                attempts: r.attempts,
                pass_rate: rate(r.passed, r.attempts),
            })
            .collect())
    }

    pub async fn bank(db: &Db, code: &str) -> Result<BankView, AppError> {
        let test = test_by_code(db, code).await?.ok_or(AppError::NotFound)?;
        #[derive(sqlx::FromRow)]
        struct QRow {
            id: i64,
            kind: String,
            prompt: String,
            topic: String,
            cefr: Option<String>,
            explanation: String,
            active: bool,
            asked: i64,
            right: i64,
        }
        let questions: Vec<QRow> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT q.id, q.kind, q.prompt, q.topic, q.cefr, q.explanation, q.active,
                    (SELECT COUNT(*) FROM attempt_questions aq JOIN attempts a ON a.id = aq.attempt_id
                        WHERE aq.question_id = q.id AND a.submitted_at IS NOT NULL) AS asked,
                    (SELECT COUNT(*) FROM attempt_answers aa WHERE aa.question_id = q.id AND aa.is_correct = TRUE) AS \"right\"
                 FROM questions q WHERE q.test_id = $1 ORDER BY q.active DESC, q.cefr, q.id",
            )
            .bind(test.id)
            .fetch_all(pool)
            .await
        })?;
        let options: Vec<(i64, String, bool)> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT o.question_id, o.label, o.correct FROM question_options o JOIN questions q ON q.id = o.question_id
                 WHERE q.test_id = $1 ORDER BY o.question_id, o.position",
            )
            .bind(test.id)
            .fetch_all(pool)
            .await
        })?;
        let (attempts, passed): (i64, i64) = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN passed = TRUE THEN 1 ELSE 0 END), 0) FROM attempts
                 WHERE test_id = $1 AND submitted_at IS NOT NULL",
            )
            .bind(test.id)
            .fetch_one(pool)
            .await
        })?;
        Ok(BankView {
            kind: test.kind(),
            code: test.code,
            title: test.title,
            questions_per_attempt: test.questions_per_attempt,
            time_limit_minutes: test.time_limit_minutes,
            pass_mark_percent: test.pass_mark_percent,
            validity_months: test.validity_months,
            retake_delay_days: test.retake_delay_days,
            attempts,
            pass_rate: rate(passed, attempts),
            questions: questions
                .into_iter()
                .map(|q| StaffQuestion {
                    id: q.id,
                    multiple: q.kind == "multiple",
                    options: options
                        .iter()
                        .filter(|(qid, _, _)| *qid == q.id)
                        .map(|(_, label, correct)| StaffOption { label: label.clone(), correct: *correct })
                        .collect(),
                    prompt: q.prompt,
                    topic: q.topic,
                    cefr: q.cefr,
                    explanation: q.explanation,
                    active: q.active,
                    asked: q.asked,
                    success_rate: rate(q.right, q.asked),
                })
                .collect(),
        })
    }

    pub async fn save_settings(db: &Db, code: &str, values: &[(&'static str, String, i64, i64); 5]) -> Result<(), AppError> {
        let mut errors = FieldErrors::new();
        let mut parsed = Vec::new();
        for (field, raw, min, max) in values {
            match raw.trim().parse::<i64>() {
                Ok(v) if (*min..=*max).contains(&v) => parsed.push(v),
                _ => {
                    errors.add(field, format!("Saisissez un nombre entre {min} et {max}."));
                    parsed.push(0);
                }
            }
        }
        errors.into_result()?;
        let updated = on_db!(db, |pool| {
            sqlx::query(
                "UPDATE tests SET questions_per_attempt = $1, time_limit_minutes = $2, pass_mark_percent = $3,
                    validity_months = $4, retake_delay_days = $5 WHERE code = $6",
            )
            .bind(parsed[0])
            .bind(parsed[1])
            .bind(parsed[2])
            .bind(parsed[3])
            .bind(parsed[4])
            .bind(code)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        })?;
        if updated == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    #[derive(Clone, Copy)]
    enum Retire {
        Nothing,
        One(i64),
        All,
    }

    /// Adds `questions` to a test, retiring `retire` (one question being replaced, or all).
    async fn add_questions(db: &Db, test_id: i64, questions: &[BankQuestion], retire: Retire) -> Result<(), AppError> {
        let at = now();
        write_tx!(db, |tx| {
            match retire {
                Retire::Nothing => {}
                Retire::One(id) => {
                    sqlx::query("UPDATE questions SET active = FALSE WHERE id = $1 AND test_id = $2")
                        .bind(id)
                        .bind(test_id)
                        .execute(&mut *tx)
                        .await?;
                }
                Retire::All => {
                    sqlx::query("UPDATE questions SET active = FALSE WHERE test_id = $1").bind(test_id).execute(&mut *tx).await?;
                }
            }
            insert_questions!(tx, test_id, questions, at);
            Ok::<(), AppError>(())
        })
    }

    pub async fn save_question(db: &Db, code: &str, question_id: i64, question: BankQuestion) -> Result<(), AppError> {
        let test = test_by_code(db, code).await?.ok_or(AppError::NotFound)?;
        let language = test.kind() == TestKind::Language;
        if let Err(message) = check_question(&question, language) {
            return Err(AppError::field("prompt", format!("Question invalide : {message}.")));
        }
        if question_id == 0 {
            return add_questions(db, test.id, &[question], Retire::Nothing).await;
        }
        let (asked, belongs): (i64, i64) = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM attempt_questions WHERE question_id = $1),
                        (SELECT COUNT(*) FROM questions WHERE id = $1 AND test_id = $2)",
            )
            .bind(question_id)
            .bind(test.id)
            .fetch_one(pool)
            .await
        })?;
        if belongs == 0 {
            return Err(AppError::NotFound);
        }
        if asked > 0 {
            return add_questions(db, test.id, &[question], Retire::One(question_id)).await;
        }
        write_tx!(db, |tx| {
            sqlx::query("UPDATE questions SET kind = $1, prompt = $2, explanation = $3, topic = $4, cefr = $5 WHERE id = $6")
                .bind(&question.kind)
                .bind(question.prompt.trim())
                .bind(question.explanation.trim())
                .bind(question.topic.trim())
                .bind(&question.cefr)
                .bind(question_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM question_options WHERE question_id = $1").bind(question_id).execute(&mut *tx).await?;
            for (i, o) in question.options.iter().enumerate() {
                sqlx::query("INSERT INTO question_options (question_id, position, label, correct) VALUES ($1, $2, $3, $4)")
                    .bind(question_id)
                    .bind(i as i64)
                    .bind(&o.label)
                    .bind(o.correct)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok::<(), AppError>(())
        })
    }

    pub async fn set_active(db: &Db, question_id: i64, active: bool) -> Result<(), AppError> {
        let updated = on_db!(db, |pool| {
            sqlx::query("UPDATE questions SET active = $1 WHERE id = $2").bind(active).bind(question_id).execute(pool).await.map(|r| r.rows_affected())
        })?;
        if updated == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// The bank as JSON, active questions first (the import format).
    pub async fn export(db: &Db, code: &str) -> Result<BankFile, AppError> {
        let view = bank(db, code).await?;
        let test = test_by_code(db, code).await?.ok_or(AppError::NotFound)?;
        Ok(BankFile {
            code: view.code,
            kind: view.kind.code().to_string(),
            domain_code: test.domain_code,
            title: view.title,
            description: test.description,
            questions_per_attempt: view.questions_per_attempt,
            time_limit_minutes: view.time_limit_minutes,
            pass_mark_percent: view.pass_mark_percent,
            validity_months: view.validity_months,
            retake_delay_days: view.retake_delay_days,
            questions: view
                .questions
                .into_iter()
                .map(|q| BankQuestion {
                    kind: if q.multiple { "multiple".into() } else { "single".into() },
                    prompt: q.prompt,
                    options: q.options.into_iter().map(|o| BankOption { label: o.label, correct: o.correct }).collect(),
                    explanation: q.explanation,
                    topic: q.topic,
                    cefr: q.cefr,
                    active: q.active,
                })
                .collect(),
        })
    }

    pub async fn import(db: &Db, mut multipart: multer::Multipart<'static>) -> Result<String, AppError> {
        let mut code = String::new();
        let mut mode = String::from("ajouter");
        let mut content: Option<Vec<u8>> = None;
        let broken = |_| AppError::field("file", "L'envoi du fichier a été interrompu : réessayez.");
        while let Some(mut field) = multipart.next_field().await.map_err(broken)? {
            match field.name() {
                Some("code") => code = field.text().await.map_err(broken)?,
                Some("mode") => mode = field.text().await.map_err(broken)?,
                Some("file") => {
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(broken)? {
                        if bytes.len() + chunk.len() > 5 * 1024 * 1024 {
                            return Err(AppError::field("file", "Le fichier dépasse 5 Mo."));
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    content = Some(bytes);
                }
                _ => {}
            }
        }
        let bytes = content.filter(|b| !b.is_empty()).ok_or_else(|| AppError::field("file", "Choisissez un fichier JSON."))?;
        let bank: BankFile = serde_json::from_slice(&bytes)
            .map_err(|e| AppError::field("file", format!("Ce fichier n'est pas une banque de questions valide (JSON) : {e}.")))?;
        let kind = check_bank(&bank).map_err(|e| AppError::field("file", format!("Banque refusée : {e}.")))?;
        match test_by_code(db, &code).await? {
            None if code.trim().is_empty() || code == bank.code => {
                // A new test.
                if test_by_code(db, &bank.code).await?.is_some() {
                    return Err(AppError::field("file", format!("Le test « {} » existe déjà : importez depuis sa page.", bank.code)));
                }
                create_test(db, &bank).await?;
                Ok(format!("Test « {} » créé avec {} question(s).", bank.title, bank.questions.len()))
            }
            None => Err(AppError::NotFound),
            Some(test) => {
                if test.kind() != kind {
                    return Err(AppError::field("file", "Ce fichier est d'un autre type de test."));
                }
                let retire = if mode == "remplacer" { Retire::All } else { Retire::Nothing };
                add_questions(db, test.id, &bank.questions, retire).await?;
                let how = if mode == "remplacer" { "remplacent les anciennes (retirées)" } else { "ajoutées" };
                Ok(format!("{} question(s) {how}.", bank.questions.len()))
            }
        }
    }
}

#[component]
pub fn StaffTestsPage() -> impl IntoView {
    view! {
        <PageTitle text="Banques de questions"/>
        <RequireRole role=Role::Staff>
            <TestsOverview/>
        </RequireRole>
    }
}

#[component]
fn TestsOverview() -> impl IntoView {
    let data = Resource::new(|| (), |_| tests_overview());
    view! {
        <section class="panel">
            <h1>"Tests et banques de questions"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(tests) => view! {
                        <table class="table">
                            <thead><tr><th scope="col">"Test"</th><th scope="col">"Type"</th><th scope="col">"Questions actives"</th><th scope="col">"Tentatives"</th><th scope="col">"Taux de réussite"</th></tr></thead>
                            <tbody>
                                {tests.into_iter().map(|t| view! {
                                    <tr>
                                        <td data-label="Test"><a href=format!("/equipe/tests/{}", t.code)>{t.title}</a></td>
                                        <td data-label="Type">{t.kind.label()}</td>
                                        <td data-label="Questions actives">{format!("{} / {}", t.questions_active, t.questions_total)}</td>
                                        <td data-label="Tentatives">{t.attempts}</td>
                                        <td data-label="Taux de réussite">{t.pass_rate.map(|r| format!("{r} %")).unwrap_or_else(|| "—".into())}</td>
                                    </tr>
                                }).collect::<Vec<_>>()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
        </section>
        <section class="panel narrow">
            <h2>"Créer un test depuis un fichier JSON"</h2>
            <ImportForm code=String::new()/>
        </section>
    }
}

#[component]
pub fn StaffBankPage() -> impl IntoView {
    view! {
        <PageTitle text="Banque de questions"/>
        <RequireRole role=Role::Staff>
            <Bank/>
        </RequireRole>
    }
}

#[component]
fn Bank() -> impl IntoView {
    let params = use_params_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    let refresh = RwSignal::new(0u32);
    let settings = ServerAction::<SaveTestSettings>::new();
    let toggle = ServerAction::<SetQuestionActive>::new();
    let data = Resource::new(move || (code.get(), refresh.get(), settings.version().get(), toggle.version().get()), |(code, _, _, _)| load_bank(code));
    provide_context(refresh);
    view! {
        <p><a href="/equipe/tests">"← Tests"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Chargement…"</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                Ok(bank) => {
                    let value = settings.value();
                    let language = bank.kind == TestKind::Language;
                    let export = format!("/equipe/tests/{}/export", bank.code);
                    let code = bank.code.clone();
                    view! {
                        <section class="panel">
                            <div class="title-row">
                                <h1>{bank.title.clone()}</h1>
                                <a class="button" href=export download=format!("{}.json", bank.code)>"Exporter en JSON"</a>
                            </div>
                            <p class="muted">{format!(
                                "{} tentative(s), taux de réussite {}.",
                                bank.attempts,
                                bank.pass_rate.map(|r| format!("{r} %")).unwrap_or_else(|| "—".into())
                            )}</p>
                            <ActionForm action=settings attr:class="form" attr:novalidate=true>
                                <FormAlert error=error_of(value)/>
                                <input type="hidden" name="code" value=bank.code.clone()/>
                                <div class="row">
                                    <Field label="Questions par tentative" name="questions_per_attempt" kind="number" value=bank.questions_per_attempt.to_string() error=field_error(value, "questions_per_attempt")/>
                                    <Field label="Durée (minutes)" name="time_limit_minutes" kind="number" value=bank.time_limit_minutes.to_string() error=field_error(value, "time_limit_minutes")/>
                                    <Field label="Seuil de réussite (%)" name="pass_mark_percent" kind="number" value=bank.pass_mark_percent.to_string() error=field_error(value, "pass_mark_percent")/>
                                    <Field label="Validité (mois)" name="validity_months" kind="number" value=bank.validity_months.to_string() error=field_error(value, "validity_months")/>
                                    <Field label="Délai avant de repasser (jours)" name="retake_delay_days" kind="number" value=bank.retake_delay_days.to_string() error=field_error(value, "retake_delay_days")/>
                                </div>
                                <Submit label="Enregistrer les réglages" pending=settings.pending()/>
                            </ActionForm>
                        </section>
                        <section class="panel">
                            <h2>{format!("Questions ({})", bank.questions.len())}</h2>
                            <div class="bank">
                                {bank.questions.into_iter().map(|q| view! { <QuestionRow question=q code=code.clone() language toggle/> }).collect::<Vec<_>>()}
                            </div>
                        </section>
                        <div class="two-columns">
                            <section class="panel">
                                <h2>"Nouvelle question"</h2>
                                <QuestionForm code=code.clone() question=None language/>
                            </section>
                            <section class="panel">
                                <h2>"Importer des questions (JSON)"</h2>
                                <ImportForm code=code.clone()/>
                            </section>
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn QuestionRow(question: StaffQuestion, code: String, language: bool, toggle: ServerAction<SetQuestionActive>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let q = question.clone();
    let stats = match question.success_rate {
        Some(rate) => format!("posée {} fois, {rate} % de bonnes réponses", question.asked),
        None => "jamais posée".to_string(),
    };
    view! {
        <article class="bank-question" class:retired=!question.active>
            <div class="title-row">
                <p class="prompt"><strong>{question.prompt.clone()}</strong></p>
                <div class="actions">
                    <button type="button" class="button small" on:click=move |_| editing.update(|e| *e = !*e)>"Modifier"</button>
                    <ActionForm action=toggle attr:class="inline">
                        <input type="hidden" name="question_id" value=question.id.to_string()/>
                        <input type="hidden" name="active" value=(!question.active).to_string()/>
                        <button type="submit" class="button small ghost">{if question.active { "Retirer" } else { "Réactiver" }}</button>
                    </ActionForm>
                </div>
            </div>
            <p class="muted small">
                {if question.multiple { "Choix multiples" } else { "Choix unique" }}
                {question.cefr.clone().map(|c| format!(" · niveau {c}"))}
                {(!question.topic.is_empty()).then(|| format!(" · {}", question.topic))}
                {format!(" · {stats}")}
                {(!question.active).then(|| " · retirée")}
            </p>
            <ul class="corrected-options">
                {question.options.iter().map(|o| view! { <li class:correct=o.correct>{o.label.clone()}{o.correct.then(|| view! { <span class="mark">" ✓"</span> })}</li> }).collect::<Vec<_>>()}
            </ul>
            <Show when=move || editing.get()>
                <QuestionForm code=code.clone() question=Some(q.clone()) language/>
            </Show>
        </article>
    }
}

#[component]
fn QuestionForm(code: String, question: Option<StaffQuestion>, language: bool) -> impl IntoView {
    let action = ServerAction::<SaveQuestion>::new();
    let value = action.value();
    let refresh = use_context::<RwSignal<u32>>();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            if let Some(refresh) = refresh {
                refresh.update(|n| *n += 1);
            }
        }
    });
    let q = question.clone();
    let id = q.as_ref().map(|q| q.id).unwrap_or(0);
    let multiple = q.as_ref().is_some_and(|q| q.multiple);
    let cefr = q.as_ref().and_then(|q| q.cefr.clone()).unwrap_or_default();
    let options: Vec<(String, bool)> = (0..5)
        .map(|i| q.as_ref().and_then(|q| q.options.get(i)).map(|o| (o.label.clone(), o.correct)).unwrap_or_default())
        .collect();
    let prefix = format!("q{id}");
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <FormAlert error=error_of(value)/>
            {move || matches!(value.get(), Some(Ok(()))).then(|| view! { <div class="alert alert-success" role="status"><p>"Question enregistrée."</p></div> })}
            <input type="hidden" name="code" value=code.clone()/>
            <input type="hidden" name="question_id" value=id.to_string()/>
            <div class="row">
                <div class="field">
                    <label for=format!("{prefix}-kind")>"Type"</label>
                    <select id=format!("{prefix}-kind") name="kind">
                        <option value="single" selected=!multiple>"Choix unique"</option>
                        <option value="multiple" selected=multiple>"Choix multiples"</option>
                    </select>
                </div>
                <div class="field">
                    <label for=format!("{prefix}-cefr")>"Niveau CECRL"</label>
                    <select id=format!("{prefix}-cefr") name="cefr">
                        <option value="" selected=cefr.is_empty()>{if language { "Choisissez…" } else { "—" }}</option>
                        {Cefr::ALL.iter().map(|c| view! { <option value=c.code() selected=cefr == c.code()>{c.code()}</option> }).collect::<Vec<_>>()}
                    </select>
                </div>
                <div class="field">
                    <label for=format!("{prefix}-topic")>"Thème"</label>
                    <input id=format!("{prefix}-topic") name="topic" value=q.as_ref().map(|q| q.topic.clone()).unwrap_or_default()/>
                </div>
            </div>
            <div class="field" class:has-error=move || field_error(value, "prompt").get().is_some()>
                <label for=format!("{prefix}-prompt") class="req">"Énoncé"</label>
                <textarea id=format!("{prefix}-prompt") name="prompt" rows="2">{q.as_ref().map(|q| q.prompt.clone()).unwrap_or_default()}</textarea>
                {move || field_error(value, "prompt").get().map(|e| view! { <p class="error">{e}</p> })}
            </div>
            <fieldset class="choices">
                <legend>"Réponses proposées (cochez les bonnes)"</legend>
                {options.into_iter().enumerate().map(|(i, (label, correct))| {
                    let n = i + 1;
                    view! {
                        <div class="option-edit">
                            <input type="checkbox" name=format!("correct_{n}") value="on" checked=correct aria-label=format!("Réponse {n} correcte")/>
                            <input name=format!("option_{n}") value=label aria-label=format!("Réponse {n}")/>
                        </div>
                    }
                }).collect::<Vec<_>>()}
            </fieldset>
            <div class="field">
                <label for=format!("{prefix}-explanation")>"Explication (montrée après la tentative)"</label>
                <textarea id=format!("{prefix}-explanation") name="explanation" rows="2">{q.as_ref().map(|q| q.explanation.clone()).unwrap_or_default()}</textarea>
            </div>
            {(id != 0).then(|| view! { <p class="hint">"Si la question a déjà été posée, elle est retirée et remplacée par cette nouvelle version (les corrections passées restent intactes)."</p> })}
            <Submit label="Enregistrer la question" pending=action.pending()/>
        </ActionForm>
    }
}

#[component]
fn ImportForm(code: String) -> impl IntoView {
    let (message, set_message) = signal::<Option<Result<String, String>>>(None);
    let refresh = use_context::<RwSignal<u32>>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            leptos::task::spawn_local(async move {
                match import_bank(data.into()).await {
                    Ok(text) => {
                        set_message.set(Some(Ok(text)));
                        form.reset();
                        if let Some(refresh) = refresh {
                            refresh.update(|n| *n += 1);
                        }
                    }
                    Err(e) => {
                        let text = e.field_errors().and_then(|f| f.0.first().map(|(_, m)| m.clone())).unwrap_or_else(|| e.to_string());
                        set_message.set(Some(Err(text)));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (set_message, refresh);
    };
    let existing = !code.is_empty();
    view! {
        <form class="form upload" on:submit=on_submit enctype="multipart/form-data">
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <div class="alert alert-success" role="status"><p>{text}</p></div> }.into_any(),
                Err(text) => view! { <div class="alert alert-error" role="alert"><p>{text}</p></div> }.into_any(),
            })}
            <input type="hidden" name="code" value=code/>
            {existing.then(|| view! {
                <fieldset class="choices">
                    <legend>"Les questions importées…"</legend>
                    <label><input type="radio" name="mode" value="ajouter" checked=true/>" s'ajoutent aux questions actuelles"</label>
                    <label><input type="radio" name="mode" value="remplacer"/>" remplacent les questions actuelles (retirées, pas supprimées)"</label>
                </fieldset>
            })}
            <div class="field">
                <label for="f-bank-file">"Fichier JSON (même format que l'export)"</label>
                <input id="f-bank-file" type="file" name="file" accept="application/json,.json" required=true/>
            </div>
            <button type="submit" class="button">"Importer"</button>
        </form>
    }
}
