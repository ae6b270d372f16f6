//! Several stateless app nodes on one Postgres: a user logged in on one is recognised by another.



use app::auth::{GetSession, Login, Register, SessionInfo};
use crate::common::*;
use server_fn::ServerFn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_postgres_share_sessions_and_throttling() {
    let node_a = spawn_app(Backend::Postgres).await;
    let node_b = spawn_app_with(Backend::Postgres, Options { database_url: Some(node_a.database_url.clone()), ..Options::default() }).await;
    // Cookies are scoped by host, not port: one browser talks to both nodes.
    let browser = client();
    let password = "cheval agrafe pile correcte";
    let reply = node_a
        .call(
            &browser,
            Register::PATH,
            &[("first_name", "Jeanne"), ("last_name", "Dupont"), ("email", "jeanne@exemple.fr"), ("password", password), ("password_confirm", password), ("accept_terms", "on")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let on_b: SessionInfo = serde_json::from_value(node_b.call(&browser, GetSession::PATH, &[]).await.body).unwrap();
    assert_eq!(on_b.user.map(|u| u.email), Some("jeanne@exemple.fr".to_string()));

    // Failed logins counted on node A lock the account on node B.
    for _ in 0..app::auth::server::MAX_FAILURES {
        node_a.call(&client(), Login::PATH, &[("email", "jeanne@exemple.fr"), ("password", "mauvais")]).await;
    }
    let reply = node_b.call(&client(), Login::PATH, &[("email", "jeanne@exemple.fr"), ("password", password)]).await;
    assert_eq!(reply.status, 429, "{}", reply.text);
}
