//! Every server function is a public HTTP endpoint: this walks all of them, anonymously and as a
//! trainer, and expects a refusal except where an explicit allow-list says otherwise.

mod common;

use std::collections::BTreeMap;

use app::auth::Register;
use common::*;
use server_fn::ServerFn;

/// Who may call a server function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Access {
    Anyone,
    LoggedIn,
    Trainer,
    Staff,
    Centre,
}

/// Every server function with plausible arguments (so that a refusal comes from the access
/// check, not from argument parsing) and who may call it.
fn catalogue() -> Vec<(&'static str, Vec<(&'static str, &'static str)>, Access)> {
    use app::auth::*;
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
    ]
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
    let password = "cheval agrafe pile correcte";
    let reply = app
        .call(
            &trainer,
            Register::PATH,
            &[("first_name", "T"), ("last_name", "R"), ("email", "trainer@exemple.fr"), ("password", password), ("password_confirm", password), ("accept_terms", "on")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);

    for (path, args, access) in catalogue() {
        if access != Access::Anyone {
            let reply = app.call(&anonymous, path, &args).await;
            assert_eq!(reply.status, 401, "anonymous call to {path} ({access:?}) should be refused: {}", reply.text);
            assert_eq!(reply.body, serde_json::json!("Unauthenticated"), "{path}");
        }
        if matches!(access, Access::Staff | Access::Centre) {
            let reply = app.call(&trainer, path, &args).await;
            assert_eq!(reply.status, 403, "trainer call to {path} ({access:?}) should be refused: {}", reply.text);
            assert_eq!(reply.body, serde_json::json!("Forbidden"), "{path}");
        }
    }
}

on_both_backends!(anonymous_and_trainer_calls_are_refused);
