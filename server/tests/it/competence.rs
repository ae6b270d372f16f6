//! Competence tests over HTTP, on SQLite and Postgres: attempts, saving, deadlines, retakes,
//! scoring and levels, no leak of answers, and staff bank management.



use std::collections::HashMap;

use app::auth::Role;
use app::competence::staff::*;
use app::competence::*;
use app::domain::testing::TestState;
use app::on_db;
use crate::common::*;
use server_fn::ServerFn;

/// The correct option ids of each question of an attempt, read directly from the database.
async fn answer_key(app: &TestApp, attempt_id: i64) -> HashMap<i64, Vec<i64>> {
    let rows: Vec<(i64, i64)> = on_db!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT o.question_id, o.id FROM question_options o JOIN attempt_questions aq ON aq.question_id = o.question_id
             WHERE aq.attempt_id = $1 AND o.correct = TRUE",
        )
        .bind(attempt_id)
        .fetch_all(pool)
        .await
    })
    .unwrap();
    let mut key: HashMap<i64, Vec<i64>> = HashMap::new();
    for (question, option) in rows {
        key.entry(question).or_default().push(option);
    }
    key
}

async fn start(app: &TestApp, trainer: &reqwest::Client, code: &str) -> i64 {
    let reply = app.call(trainer, StartTest::PATH, &[("code", code)]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body.as_i64().expect("attempt id")
}

async fn attempt(app: &TestApp, trainer: &reqwest::Client, id: i64) -> AttemptView {
    let reply = app.call(trainer, LoadAttempt::PATH, &[("attempt_id", &id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).unwrap()
}

async fn answer(app: &TestApp, trainer: &reqwest::Client, attempt_id: i64, question_id: i64, selected: &[i64]) -> Reply {
    let list = selected.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    app.call(trainer, SaveAnswer::PATH, &[("attempt_id", &attempt_id.to_string()), ("question_id", &question_id.to_string()), ("selected", &list)]).await
}

async fn wrong_option(view: &AttemptView, key: &HashMap<i64, Vec<i64>>, question_id: i64) -> Vec<i64> {
    let q = view.questions.iter().find(|q| q.id == question_id).unwrap();
    vec![q.options.iter().map(|o| o.id).find(|id| !key[&question_id].contains(id)).unwrap()]
}

async fn submit(app: &TestApp, trainer: &reqwest::Client, attempt_id: i64) -> ResultView {
    let reply = app.call(trainer, SubmitAttempt::PATH, &[("attempt_id", &attempt_id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = app.call(trainer, AttemptResult::PATH, &[("attempt_id", &attempt_id.to_string())]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).unwrap()
}

async fn cards(app: &TestApp, trainer: &reqwest::Client) -> Vec<TestCard> {
    serde_json::from_value(app.call(trainer, ListTests::PATH, &[]).await.body).unwrap()
}

async fn qualiopi_pass_is_recorded_and_feeds_the_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let list = cards(&app, &trainer).await;
    assert!(list.len() >= 7, "every built-in test is offered");
    assert_eq!(list[0].code, "qualiopi");
    assert_eq!(list[0].state, TestState::NeverTaken);

    let id = start(&app, &trainer, "qualiopi").await;
    // One attempt at a time: starting again returns the same attempt.
    assert_eq!(start(&app, &trainer, "qualiopi").await, id);
    let view = attempt(&app, &trainer, id).await;
    assert_eq!(view.questions.len(), 20);
    let key = answer_key(&app, id).await;
    for q in &view.questions {
        assert_eq!(answer(&app, &trainer, id, q.id, &key[&q.id]).await.status, 200);
    }
    let result = submit(&app, &trainer, id).await;
    assert!(result.passed);
    assert_eq!(result.score_percent, 100);
    assert!(result.valid_until.is_some());
    assert_eq!(result.corrections.len(), 20);
    assert!(result.corrections.iter().all(|c| c.right && !c.explanation.is_empty()));

    let list = cards(&app, &trainer).await;
    assert!(matches!(list[0].state, TestState::Passed { level: None, .. }), "{:?}", list[0].state);
    assert!(list[0].state_text.starts_with("Réussi — valable jusqu'au"));
    let user_id: i64 = on_db!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM users").fetch_one(pool).await).unwrap();
    let facts = app::profile::server::trainer_facts(&app.db, user_id).await.unwrap();
    assert!(facts.qualiopi_qcm.is_some());
}

async fn answers_never_leak_before_submission(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let mut responses = Vec::new();
    let reply = app.call(&trainer, StartTest::PATH, &[("code", "qualiopi")]).await;
    responses.push(reply.text.clone());
    let id = reply.body.as_i64().unwrap();
    responses.push(app.call(&trainer, ListTests::PATH, &[]).await.text);
    let reply = app.call(&trainer, LoadAttempt::PATH, &[("attempt_id", &id.to_string())]).await;
    responses.push(reply.text.clone());
    let view: AttemptView = serde_json::from_value(reply.body).unwrap();
    for q in &view.questions {
        responses.push(answer(&app, &trainer, id, q.id, &[q.options[0].id]).await.text);
    }
    // The server-rendered attempt page (HTML and its hydration payload).
    let (status, html) = app.get(&trainer, &format!("/tests/tentative/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&view.questions[0].prompt.replace('\'', "&#x27;")) || html.contains(&view.questions[0].prompt));
    responses.push(html);
    let (_, html) = app.get(&trainer, "/tests").await;
    responses.push(html);
    // Asking for the result early is refused.
    let early = app.call(&trainer, AttemptResult::PATH, &[("attempt_id", &id.to_string())]).await;
    assert_eq!(early.status, 422);
    responses.push(early.text);

    let explanations: Vec<String> = on_db!(&app.db, |pool| {
        sqlx::query_scalar("SELECT q.explanation FROM questions q JOIN attempt_questions aq ON aq.question_id = q.id WHERE aq.attempt_id = $1")
            .bind(id)
            .fetch_all(pool)
            .await
    })
    .unwrap();
    assert_eq!(explanations.len(), 20);
    for response in &responses {
        assert!(!response.contains("\"correct\""), "a response carries correctness flags");
        for explanation in explanations.iter().filter(|e| e.chars().count() > 20) {
            let escaped = explanation.replace('&', "&amp;").replace('\'', "&#x27;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            let json = serde_json::to_string(explanation).unwrap();
            for form in [explanation.as_str(), escaped.as_str(), json.trim_matches('"')] {
                assert!(!response.contains(form), "explanation leaked before submission: {explanation}");
            }
        }
    }
    // After submission, the result carries them.
    let result = submit(&app, &trainer, id).await;
    assert!(result.corrections.iter().any(|c| explanations.contains(&c.explanation)));
}

async fn reload_keeps_answers_and_clock(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let id = start(&app, &trainer, "excel").await;
    let view = attempt(&app, &trainer, id).await;
    let first = &view.questions[0];
    answer(&app, &trainer, id, first.id, &[first.options[1].id]).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = attempt(&app, &trainer, id).await;
    assert_eq!(again.questions[0].selected, vec![first.options[1].id]);
    let order: Vec<i64> = again.questions.iter().map(|q| q.id).collect();
    assert_eq!(order, view.questions.iter().map(|q| q.id).collect::<Vec<_>>(), "same questions, same order");
    assert!(again.seconds_left < view.seconds_left, "the clock kept running");
    assert!(again.seconds_left > 25 * 60);
    // Answers that do not belong to the question are refused.
    let bad = answer(&app, &trainer, id, first.id, &[view.questions[1].options[0].id]).await;
    assert_eq!(bad.status, 422);
    let other = app.trainer("paul@exemple.fr").await;
    assert_eq!(app.call(&other, LoadAttempt::PATH, &[("attempt_id", &id.to_string())]).await.status, 404);
    assert_eq!(answer(&app, &other, id, first.id, &[first.options[0].id]).await.status, 404);
}

async fn late_answers_are_refused_and_the_attempt_scored_on_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let id = start(&app, &trainer, "qualiopi").await;
    let view = attempt(&app, &trainer, id).await;
    let key = answer_key(&app, id).await;
    for q in view.questions.iter().take(15) {
        answer(&app, &trainer, id, q.id, &key[&q.id]).await;
    }
    // The deadline passes.
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    on_db!(&app.db, |pool| sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2").bind(past).bind(id).execute(pool).await.map(|r| r.rows_affected())).unwrap();
    let q = &view.questions[15];
    let late = answer(&app, &trainer, id, q.id, &key[&q.id]).await;
    assert_eq!(late.status, 422);
    assert!(late.text.contains("temps est écoulé"), "{}", late.text);
    let result: ResultView =
        serde_json::from_value(app.call(&trainer, AttemptResult::PATH, &[("attempt_id", &id.to_string())]).await.body).unwrap();
    assert_eq!(result.correct, 15);
    assert_eq!(result.score_percent, 75);
    assert!(result.passed);
}

async fn a_failed_test_can_be_retaken_only_after_the_delay(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let id = start(&app, &trainer, "excel").await;
    let view = attempt(&app, &trainer, id).await;
    let key = answer_key(&app, id).await;
    for q in &view.questions {
        answer(&app, &trainer, id, q.id, &wrong_option(&view, &key, q.id).await).await;
    }
    let result = submit(&app, &trainer, id).await;
    assert!(!result.passed);
    assert_eq!(result.score_percent, 0);
    assert!(result.retake_from.is_some());
    let again = app.call(&trainer, StartTest::PATH, &[("code", "excel")]).await;
    assert_eq!(again.status, 422);
    assert!(again.text.contains("à partir du"), "{}", again.text);
    let card = cards(&app, &trainer).await.into_iter().find(|c| c.code == "excel").unwrap();
    assert!(!card.can_start);
    assert!(card.state_text.starts_with("Échoué — repassable le"), "{}", card.state_text);
    // Once the delay is over, the trainer may try again.
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    on_db!(&app.db, |pool| sqlx::query("UPDATE attempts SET retake_from = $1 WHERE id = $2").bind(yesterday).bind(id).execute(pool).await.map(|r| r.rows_affected())).unwrap();
    assert_eq!(app.call(&trainer, StartTest::PATH, &[("code", "excel")]).await.status, 200);
}

async fn domain_scores_give_levels_and_feed_the_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let id = start(&app, &trainer, "excel").await;
    let view = attempt(&app, &trainer, id).await;
    let key = answer_key(&app, id).await;
    // 20 right out of 25 = 80 %: Expert.
    for (i, q) in view.questions.iter().enumerate() {
        let selected = if i < 20 { key[&q.id].clone() } else { wrong_option(&view, &key, q.id).await };
        answer(&app, &trainer, id, q.id, &selected).await;
    }
    let result = submit(&app, &trainer, id).await;
    assert_eq!(result.score_percent, 80);
    assert_eq!(result.level.as_deref(), Some("Expert"));
    let user_id: i64 = on_db!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM users").fetch_one(pool).await).unwrap();
    let facts = app::profile::server::trainer_facts(&app.db, user_id).await.unwrap();
    assert_eq!(facts.passed_tests.len(), 1);
    assert_eq!(facts.passed_tests[0].level, app::domain::TestLevel::Competence(app::domain::CompetenceLevel::Expert));
}

async fn language_test_places_the_trainer_on_the_cefr_scale(backend: Backend) {
    let app = spawn_app(backend).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let id = start(&app, &trainer, "anglais").await;
    let view = attempt(&app, &trainer, id).await;
    let key = answer_key(&app, id).await;
    let levels: HashMap<i64, String> = on_db!(&app.db, |pool| {
        sqlx::query_as::<_, (i64, String)>("SELECT q.id, q.cefr FROM questions q JOIN attempt_questions aq ON aq.question_id = q.id WHERE aq.attempt_id = $1")
            .bind(id)
            .fetch_all(pool)
            .await
    })
    .unwrap()
    .into_iter()
    .collect();
    let per_level = levels.values().filter(|l| *l == "C2").count();
    assert_eq!(per_level, 6, "every level drawn evenly");
    // Right up to B2, wrong at C1 and C2.
    for q in &view.questions {
        let selected = if ["C1", "C2"].contains(&levels[&q.id].as_str()) { wrong_option(&view, &key, q.id).await } else { key[&q.id].clone() };
        answer(&app, &trainer, id, q.id, &selected).await;
    }
    let result = submit(&app, &trainer, id).await;
    assert!(result.passed);
    assert_eq!(result.level.as_deref(), Some("B2"));
    let card = cards(&app, &trainer).await.into_iter().find(|c| c.code == "anglais").unwrap();
    assert!(card.state_text.contains("niveau B2"), "{}", card.state_text);
}

async fn staff_manage_the_banks(backend: Backend) {
    let app = spawn_app(backend).await;
    let staff = app.logged_in(Role::Staff, "equipe@exemple.fr").await;
    let trainer = app.trainer("jeanne@exemple.fr").await;

    let overview: Vec<TestStats> = serde_json::from_value(app.call(&staff, TestsOverview::PATH, &[]).await.body).unwrap();
    let qualiopi = overview.iter().find(|t| t.code == "qualiopi").unwrap();
    assert!(qualiopi.questions_active >= 40, "Qualiopi bank has at least 40 questions");
    for code in ["excel", "word", "anglais", "fle", "comptabilite", "management"] {
        let t = overview.iter().find(|t| t.code == code).unwrap_or_else(|| panic!("{code} missing"));
        assert!(t.questions_active >= 25, "{code} bank has at least 25 questions");
    }

    // Export, then import the export as new questions.
    let exported = staff.get(format!("{}/equipe/tests/word/export", app.base)).send().await.unwrap();
    assert_eq!(exported.status(), 200);
    let json = exported.bytes().await.unwrap().to_vec();
    let bank: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let count = bank["questions"].as_array().unwrap().len();
    let imported = app.upload(&staff, ImportBank::PATH, "", "word.json", json.clone()).await;
    assert_eq!(imported.status, 422, "a bank with an existing code is not created twice: {}", imported.text);
    let part = reqwest::multipart::Part::bytes(json).file_name("word.json");
    let form = reqwest::multipart::Form::new().text("code", "word").text("mode", "ajouter").part("file", part);
    let response = staff.post(format!("{}{}", app.base, ImportBank::PATH)).header("Origin", &app.base).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let view: BankView = serde_json::from_value(app.call(&staff, LoadBank::PATH, &[("code", "word")]).await.body).unwrap();
    assert_eq!(view.questions.len(), count * 2);
    // A broken file is refused with its reason.
    let broken = app.upload(&staff, ImportBank::PATH, "", "x.json", b"{\"code\": 3".to_vec()).await;
    assert_eq!(broken.status, 422);
    assert!(broken.text.contains("JSON"), "{}", broken.text);

    // Retire a question: it is never drawn again.
    let retired = view.questions[0].id;
    assert_eq!(app.call(&staff, SetQuestionActive::PATH, &[("question_id", &retired.to_string()), ("active", "false")]).await.status, 200);

    // Edit an asked question: it is retired and replaced; the trainer's correction is unchanged.
    let id = start(&app, &trainer, "qualiopi").await;
    let attempt_view = attempt(&app, &trainer, id).await;
    let asked = attempt_view.questions[0].clone();
    submit(&app, &trainer, id).await;
    let reply = app
        .call(
            &staff,
            SaveQuestion::PATH,
            &[
                ("code", "qualiopi"), ("question_id", &asked.id.to_string()), ("kind", "single"), ("prompt", "Nouvelle formulation ?"),
                ("topic", "Test"), ("cefr", ""), ("explanation", "Parce que."), ("option_1", "Oui"), ("option_2", "Non"),
                ("option_3", ""), ("option_4", ""), ("option_5", ""), ("correct_1", "on"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let result: ResultView = serde_json::from_value(app.call(&trainer, AttemptResult::PATH, &[("attempt_id", &id.to_string())]).await.body).unwrap();
    assert_eq!(result.corrections[0].prompt, asked.prompt);
    let bank: BankView = serde_json::from_value(app.call(&staff, LoadBank::PATH, &[("code", "qualiopi")]).await.body).unwrap();
    assert!(bank.questions.iter().any(|q| q.prompt == "Nouvelle formulation ?" && q.active));
    assert!(bank.questions.iter().any(|q| q.id == asked.id && !q.active && q.asked == 1));
    assert_eq!(bank.attempts, 1);
    assert_eq!(bank.pass_rate, Some(0));
    // An invalid question is refused in French.
    let invalid = app
        .call(
            &staff,
            SaveQuestion::PATH,
            &[
                ("code", "qualiopi"), ("question_id", "0"), ("kind", "single"), ("prompt", "Sans bonne réponse"), ("topic", ""), ("cefr", ""),
                ("explanation", ""), ("option_1", "A"), ("option_2", "B"), ("option_3", ""), ("option_4", ""), ("option_5", ""),
            ],
        )
        .await;
    assert_eq!(invalid.status, 422);
    assert!(invalid.text.contains("exactement une bonne réponse"), "{}", invalid.text);
}

on_both_backends!(
    qualiopi_pass_is_recorded_and_feeds_the_rules,
    answers_never_leak_before_submission,
    reload_keeps_answers_and_clock,
    late_answers_are_refused_and_the_attempt_scored_on_time,
    a_failed_test_can_be_retaken_only_after_the_delay,
    domain_scores_give_levels_and_feed_the_rules,
    language_test_places_the_trainer_on_the_cefr_scale,
    staff_manage_the_banks,
);
