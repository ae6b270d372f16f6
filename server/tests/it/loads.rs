//! A page loads its data once per request: one server-side render of a page costs exactly the
//! database statements of its loaders, each called once. A loader that runs twice (a resource
//! created inside a guard that renders its children twice, or two resources on one loader)
//! makes the render cost more and fails the test.

use std::future::Future;

use server_fn::ServerFn;

use crate::common::*;

/// Database statements sent while `request` runs (the server is otherwise idle).
async fn statements<F: Future>(app: &TestApp, request: F) -> u64 {
    let before = app.db.statements();
    request.await;
    app.db.statements() - before
}

/// Renders `page`, then calls each of its loaders once by HTTP; returns both costs.
async fn render_and_loaders(app: &TestApp, client: &reqwest::Client, page: &str, loaders: &[(&str, &[(&str, &str)])]) -> (u64, u64) {
    // A first render warms what is loaded once per process (question banks, settings caches).
    let (status, _) = app.get(client, page).await;
    assert_eq!(status, 200, "{page}");
    let render = statements(app, async {
        let (status, html) = app.get(client, page).await;
        assert_eq!(status, 200, "{page}");
        assert!(html.contains("</html>"), "{page} rendered completely");
    })
    .await;
    // Every request of a logged-in client first loads its user (the login layer): a render is
    // one request, the loaders called apart are one request each. The same call made logged in
    // and anonymously tells what that costs.
    let probe: &[(&str, &str)] = &[("token", "0")];
    let logged_in = statements(app, app.call(client, app::auth::CheckResetLink::PATH, probe)).await;
    let anonymous = statements(app, app.call(&crate::common::client(), app::auth::CheckResetLink::PATH, probe)).await;
    let per_request = logged_in - anonymous;
    let mut once = per_request;
    for (path, args) in loaders {
        let cost = statements(app, async {
            let reply = app.call(client, path, args).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        })
        .await;
        println!("{page}: {path} costs {cost} statement(s) as a request of its own");
        once += cost - per_request;
    }
    println!("{page}: {render} statements per server-side render; its loaders called once each: {once}");
    (render, once)
}

async fn trainer_pages_load_their_data_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (trainer, _) = app.validated_trainer("lea.moreau@exemple.fr", "69003", 30, &["excel"], true, true).await;
    let session = app::auth::GetSession::PATH;
    let search: &[(&str, &str)] =
        &[("domain", ""), ("format", ""), ("max_km", ""), ("from", ""), ("sort", ""), ("page", "1")];
    let pages: [(&str, Vec<(&str, &[(&str, &str)])>); 3] = [
        ("/profil", vec![(session, &[]), (app::profile::LoadMyProfile::PATH, &[])]),
        ("/tests", vec![(session, &[]), (app::competence::ListTests::PATH, &[])]),
        ("/missions", vec![(session, &[]), (app::missions::SearchMissions::PATH, search)]),
    ];
    let mut twice = Vec::new();
    for (page, loaders) in &pages {
        let (render, once) = render_and_loaders(&app, &trainer, page, loaders).await;
        if render != once {
            twice.push(format!("{page}: {render} statements per render instead of {once}"));
        }
    }
    assert!(twice.is_empty(), "pages ran a loader more than once per render: {twice:?}");
}

crate::on_both_backends!(trainer_pages_load_their_data_once);
