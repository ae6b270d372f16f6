//! Server-side rendering stays live while the process builds further routers.

use std::time::Duration;

use crate::common::*;

/// Listing the app's routes suppresses resource loading process-wide; a page whose resource was
/// first polled meanwhile never finished (leptos issue #4773). The route list is built once per
/// process, so building more routers (a second node in one process, parallel tests) while pages
/// are being served must leave every page complete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_complete_while_other_routers_are_built() {
    let app = spawn_app(Backend::Sqlite).await;
    let trainer = app.trainer("jeanne@exemple.fr").await;
    let state = app.state.clone();
    let builder = tokio::spawn(async move {
        for _ in 0..12 {
            let _router = server::router(state.clone()).await.expect("router");
        }
    });
    let mut stalled = 0;
    for _ in 0..60 {
        match tokio::time::timeout(Duration::from_secs(10), app.get(&trainer, "/tests")).await {
            Ok((status, html)) => {
                assert_eq!(status, 200);
                assert!(html.contains("</html>") || html.contains("__RESOLVED_RESOURCES"), "incomplete page");
            }
            Err(_) => stalled += 1,
        }
        if builder.is_finished() {
            break;
        }
    }
    builder.await.expect("builder");
    assert_eq!(stalled, 0, "{stalled} page(s) never finished while routers were being built");
}
