//! Accounts over HTTP, on SQLite and on Postgres: registration, login, logout, throttling,
//! password change and reset, sessions.



use std::time::Duration;

use app::auth::{ChangePassword, GetSession, Login, Logout, Register, RequestPasswordReset, ResetPassword, SessionInfo};
use crate::common::*;
use server_fn::ServerFn;

const PASSWORD: &str = "cheval agrafe pile correcte";

async fn whoami(app: &TestApp, client: &reqwest::Client) -> SessionInfo {
    let reply = app.call(client, GetSession::PATH, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    serde_json::from_value(reply.body).expect("session info")
}

async fn register(app: &TestApp, client: &reqwest::Client, email: &str) -> Reply {
    app.call(
        client,
        Register::PATH,
        &[
            ("first_name", "Jeanne"),
            ("last_name", "Dupont"),
            ("email", email),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("accept_terms", "on"),
        ],
    )
    .await
}

async fn login(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> Reply {
    app.call(client, Login::PATH, &[("email", email), ("password", password)]).await
}

async fn register_login_logout(backend: Backend) {
    let app = spawn_app(backend).await;
    let browser = client();
    assert_eq!(whoami(&app, &browser).await.user, None);

    let reply = register(&app, &browser, "Jeanne.Dupont@Exemple.fr").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["to"], "/espace");
    let me = whoami(&app, &browser).await.user.expect("logged in after registering");
    assert_eq!(me.email, "jeanne.dupont@exemple.fr");
    assert_eq!(me.role, app::auth::Role::Trainer);

    let reply = app.call(&browser, Logout::PATH, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let info = whoami(&app, &browser).await;
    assert_eq!(info.user, None);
    assert!(info.flash.is_some_and(|f| f.message.contains("déconnecté")));

    let reply = login(&app, &browser, "jeanne.dupont@exemple.fr", PASSWORD).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["to"], "/espace");
    assert!(whoami(&app, &browser).await.user.is_some());
    // A welcome email went out.
    assert!(app.last_email_to("jeanne.dupont@exemple.fr").await.is_some_and(|b| b.contains("Bienvenue") || b.contains("compte formateur")));
}

async fn registration_refuses_bad_input_field_by_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let browser = client();
    let reply = app
        .call(
            &browser,
            Register::PATH,
            &[
                ("first_name", " "),
                ("last_name", "Dupont"),
                ("email", "jeanne@"),
                ("password", "motdepasse123"),
                ("password_confirm", "autre chose"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    let fields: Vec<String> = reply.body["Invalid"].as_array().expect("field errors").iter().map(|f| f[0].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(fields, vec!["first_name", "email", "password", "password_confirm", "accept_terms"]);
    assert!(reply.text.contains("mots de passe les plus courants"), "{}", reply.text);

    // A second account on the same email is refused with a message on the email field.
    assert_eq!(register(&app, &client(), "a@exemple.fr").await.status, 200);
    let reply = register(&app, &client(), "A@exemple.fr").await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("existe déjà"));
}

async fn unknown_email_and_wrong_password_get_the_same_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, &client(), "jeanne@exemple.fr").await;
    let wrong_password = login(&app, &client(), "jeanne@exemple.fr", "pas le bon mot de passe").await;
    let unknown = login(&app, &client(), "personne@exemple.fr", "pas le bon mot de passe").await;
    assert_eq!(wrong_password.status, 422);
    assert_eq!(wrong_password.status, unknown.status);
    assert_eq!(wrong_password.text, unknown.text);
}

async fn login_is_throttled_per_account_in_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, &client(), "jeanne@exemple.fr").await;
    for _ in 0..app::auth::server::MAX_FAILURES {
        assert_eq!(login(&app, &client(), "jeanne@exemple.fr", "mauvais mot de passe").await.status, 422);
    }
    // Even the right password is refused while locked, from any client.
    let reply = login(&app, &client(), "jeanne@exemple.fr", PASSWORD).await;
    assert_eq!(reply.status, 429, "{}", reply.text);
    assert_eq!(reply.body["Throttled"]["minutes"], 15, "{}", reply.text);
    // Unknown emails are throttled the same way.
    for _ in 0..app::auth::server::MAX_FAILURES {
        login(&app, &client(), "inconnu@exemple.fr", "mauvais mot de passe").await;
    }
    assert_eq!(login(&app, &client(), "inconnu@exemple.fr", "mauvais mot de passe").await.status, 429);
    // Another account is not affected.
    register(&app, &client(), "paul@exemple.fr").await;
    assert_eq!(login(&app, &client(), "paul@exemple.fr", PASSWORD).await.status, 200);
}

async fn session_id_is_renewed_at_login_and_cookie_is_hardened(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, &client(), "jeanne@exemple.fr").await;
    let browser = client();
    // Logging out leaves an anonymous session (it carries the flash message).
    let first = login(&app, &browser, "jeanne@exemple.fr", PASSWORD).await;
    let cookie_of = |r: &Reply| {
        r.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(server::SESSION_COOKIE))
            .map(str::to_string)
    };
    let first_cookie = cookie_of(&first).expect("session cookie at login");
    assert!(first_cookie.contains("HttpOnly"), "{first_cookie}");
    assert!(first_cookie.contains("SameSite=Lax"), "{first_cookie}");
    assert!(!first_cookie.contains("Secure"), "plain http must not set Secure: {first_cookie}");
    app.call(&browser, Logout::PATH, &[]).await;
    let second = login(&app, &browser, "jeanne@exemple.fr", PASSWORD).await;
    let second_cookie = cookie_of(&second).expect("new session cookie");
    let id = |c: &str| c.split(';').next().unwrap_or_default().to_string();
    assert_ne!(id(&first_cookie), id(&second_cookie));
}

async fn secure_cookie_over_https(backend: Backend) {
    let app = spawn_app_with(backend, Options { site_url: Some("https://mission-formateur.example".into()), ..Options::default() }).await;
    let browser = client();
    let reply = browser
        .post(format!("{}{}", app.base, Register::PATH))
        .header("Origin", "https://mission-formateur.example")
        .form(&[
            ("first_name", "Jeanne"),
            ("last_name", "Dupont"),
            ("email", "jeanne@exemple.fr"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("accept_terms", "on"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(reply.status(), 200);
    let cookie = reply.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|c| c.starts_with(server::SESSION_COOKIE)).map(str::to_string).expect("cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
}

async fn password_change_ends_other_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let laptop = client();
    let phone = client();
    register(&app, &laptop, "jeanne@exemple.fr").await;
    assert_eq!(login(&app, &phone, "jeanne@exemple.fr", PASSWORD).await.status, 200);

    let wrong = app
        .call(&laptop, ChangePassword::PATH, &[("current_password", "faux"), ("new_password", "x"), ("new_password_confirm", "x")])
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.text.contains("current_password"));

    let new = "une toute nouvelle phrase secrète";
    let reply = app
        .call(&laptop, ChangePassword::PATH, &[("current_password", PASSWORD), ("new_password", new), ("new_password_confirm", new)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(whoami(&app, &laptop).await.user.is_some(), "the session that changed the password stays");
    assert!(whoami(&app, &phone).await.user.is_none(), "other sessions end");
    assert_eq!(login(&app, &client(), "jeanne@exemple.fr", PASSWORD).await.status, 422);
    assert_eq!(login(&app, &client(), "jeanne@exemple.fr", new).await.status, 200);
}

fn token_in(body: &str) -> String {
    let start = body.find("jeton=").expect("link in email") + "jeton=".len();
    body[start..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

async fn password_reset_by_single_use_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let browser = client();
    register(&app, &browser, "jeanne@exemple.fr").await;
    let elsewhere = client();
    login(&app, &elsewhere, "jeanne@exemple.fr", PASSWORD).await;

    // Unknown and known emails get the same answer.
    let unknown = app.call(&client(), RequestPasswordReset::PATH, &[("email", "personne@exemple.fr")]).await;
    let known = app.call(&client(), RequestPasswordReset::PATH, &[("email", "jeanne@exemple.fr")]).await;
    assert_eq!((unknown.status, unknown.text.clone()), (known.status, known.text.clone()));
    assert_eq!(known.status, 200);

    let mut body = None;
    for _ in 0..50 {
        body = app.last_email_to("jeanne@exemple.fr").await.filter(|b| b.contains("jeton="));
        if body.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token = token_in(&body.expect("reset email"));
    assert_eq!(token.len(), 64);
    assert_eq!(app.email_count("personne@exemple.fr").await, 0);

    let new = "le renard brun saute la barrière";
    let mismatch = app.call(&client(), ResetPassword::PATH, &[("token", &token), ("password", new), ("password_confirm", "autre")]).await;
    assert_eq!(mismatch.status, 422);
    let ok = app.call(&client(), ResetPassword::PATH, &[("token", &token), ("password", new), ("password_confirm", new)]).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["to"], "/connexion");
    // Single use.
    let again = app.call(&client(), ResetPassword::PATH, &[("token", &token), ("password", new), ("password_confirm", new)]).await;
    assert_eq!(again.status, 422);
    assert!(again.text.contains("déjà été utilisé"), "{}", again.text);
    // The new password works, the old one no longer does, other sessions ended.
    assert_eq!(login(&app, &client(), "jeanne@exemple.fr", new).await.status, 200);
    assert_eq!(login(&app, &client(), "jeanne@exemple.fr", PASSWORD).await.status, 422);
    assert!(whoami(&app, &elsewhere).await.user.is_none());
}

async fn expired_reset_link_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    register(&app, &client(), "jeanne@exemple.fr").await;
    let user_id: i64 = app::on_db!(&app.db, |pool| sqlx::query_scalar("SELECT id FROM users").fetch_one(pool).await).unwrap();
    let token = app::repo::accounts::create_token(&app.db, user_id, chrono::Duration::seconds(-1)).await.unwrap();
    let reply = app.call(&client(), ResetPassword::PATH, &[("token", &token), ("password", PASSWORD), ("password_confirm", PASSWORD)]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.text.contains("expiré"), "{}", reply.text);
}

async fn idle_and_absolute_session_expiry(backend: Backend) {
    // Idle: a session unused for longer than the idle limit is gone.
    let app = spawn_app_with(backend, Options { session_idle: Duration::from_secs(2), ..Options::default() }).await;
    let browser = client();
    register(&app, &browser, "jeanne@exemple.fr").await;
    assert!(whoami(&app, &browser).await.user.is_some());
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert!(whoami(&app, &browser).await.user.is_none(), "idle session should have expired");

    // Absolute: even an active session ends after the absolute limit.
    let app = spawn_app_with(backend, Options { session_absolute: Duration::from_secs(3), ..Options::default() }).await;
    let browser = client();
    let started = std::time::Instant::now();
    register(&app, &browser, "jeanne@exemple.fr").await;
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(600)).await;
        if started.elapsed() < Duration::from_millis(2500) {
            assert!(whoami(&app, &browser).await.user.is_some(), "active session ended too early");
        }
    }
    tokio::time::sleep(Duration::from_millis(3500).saturating_sub(started.elapsed())).await;
    assert!(whoami(&app, &browser).await.user.is_none(), "absolute lifetime should have ended the session");
}

async fn foreign_origin_posts_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = client()
        .post(format!("{}{}", app.base, Login::PATH))
        .header("Origin", "https://evil.example")
        .form(&[("email", "a@b.fr"), ("password", "x")])
        .send()
        .await
        .expect("request");
    assert_eq!(reply.status(), 403);
    let reply = client()
        .post(format!("{}{}", app.base, Login::PATH))
        .header("Referer", "https://evil.example/page")
        .form(&[("email", "a@b.fr"), ("password", "x")])
        .send()
        .await
        .expect("request");
    assert_eq!(reply.status(), 403);
}

async fn healthz_reports_the_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, body) = app.get(&client(), "/healthz").await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["database"], "ok");
    app.db.close().await;
    let (status, body) = app.get(&client(), "/healthz").await;
    assert_eq!(status, 503, "{body}");
}

async fn concurrent_writes_all_succeed(backend: Backend) {
    let app = std::sync::Arc::new(spawn_app(backend).await);
    let mut tasks = Vec::new();
    for i in 0..24 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let email = format!("formateur{i}@exemple.fr");
            let registered = register(&app, &client(), &email).await.status;
            let failed_login = login(&app, &client(), &email, "mauvais mot de passe").await.status;
            (registered, failed_login)
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), (200, 422));
    }
    let failures: i64 = app::on_db!(&app.db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM login_throttle").fetch_one(pool).await).unwrap();
    assert_eq!(failures, 24);
}

on_both_backends!(
    register_login_logout,
    registration_refuses_bad_input_field_by_field,
    unknown_email_and_wrong_password_get_the_same_answer,
    login_is_throttled_per_account_in_the_database,
    session_id_is_renewed_at_login_and_cookie_is_hardened,
    secure_cookie_over_https,
    password_change_ends_other_sessions,
    password_reset_by_single_use_link,
    expired_reset_link_is_refused,
    idle_and_absolute_session_expiry,
    foreign_origin_posts_are_refused,
    healthz_reports_the_database,
    concurrent_writes_all_succeed,
);
