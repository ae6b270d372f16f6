//! In-app notifications (with an email copy): profile decisions, mission digests, proposals.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::{ErrorPanel, PageTitle, RequireRole};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub at: String,
    pub read: bool,
}

#[server]
pub async fn my_notifications() -> Result<Vec<Notification>, AppError> {
    use crate::guard::{guard, ANY_USER};
    guard(ANY_USER, |caller| async move { Ok(crate::repo::notifications::list_own(&caller.state.db, &caller.ctx).await?) }).await
}

#[server]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    use crate::guard::{guard, ANY_USER};
    guard(ANY_USER, |caller| async move { Ok(crate::repo::notifications::mark_own_read(&caller.state.db, &caller.ctx).await?) }).await
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Delivery of notifications: in the app, with an email copy.

    use crate::domain::Email;
    use crate::infra::state::AppState;
    use crate::repo::notifications;

    /// Notifies in the app and by email. Failures are logged: the decision that triggered the
    /// notification is already saved and must not be undone by a mail server being down.
    pub async fn notify(state: &AppState, user_id: i64, title: &str, body: &str, link: Option<&str>) {
        if let Err(e) = notifications::insert(&state.db, user_id, title, body, link).await {
            tracing::error!(error = %e, user_id, "notification not stored");
        }
        if let Ok(Some((address, first_name))) = crate::repo::accounts::email_and_first_name(&state.db, user_id).await {
            if let Ok(to) = Email::parse(&address) {
                let link = link.map(|l| format!("\n\n{}{l}", state.config.site_url)).unwrap_or_default();
                let text = format!("Bonjour {first_name},\n\n{body}{link}\n\nL'équipe Mission Formateur");
                if let Err(e) = state.mailer.send(&state.db, &to, title, &text).await {
                    tracing::warn!(error = %e, user_id, "notification email not sent");
                }
            }
        }
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <PageTitle text="Notifications"/>
        <RequireRole>
            <Notifications/>
        </RequireRole>
    }
}

#[component]
fn Notifications() -> impl IntoView {
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let data = Resource::new(move || mark.version().get(), |_| my_notifications());
    view! {
        <section class="panel">
            <div class="title-row">
                <h1>"Notifications"</h1>
                <ActionForm action=mark attr:class="inline">
                    <button type="submit" class="button small">"Tout marquer comme lu"</button>
                </ActionForm>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok(items) if items.is_empty() => view! { <p class="empty">"Aucune notification pour l'instant."</p> }.into_any(),
                    Ok(items) => view! {
                        <ul class="notifications">
                            {items.into_iter().map(|n| view! {
                                <li class:unread=!n.read>
                                    <p class="meta">{n.at}{(!n.read).then(|| view! { <span class="badge badge-info">"Nouveau"</span> })}</p>
                                    <h2>{n.title}</h2>
                                    <p>{n.body}</p>
                                    {n.link.map(|l| view! { <a href=l>"Voir"</a> })}
                                </li>
                            }).collect::<Vec<_>>()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
