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
    crate::auth::server::reply(
        async move {
            let (state, ctx, _) = crate::auth::server::require_user().await?;
            server::list(&state.db, ctx.user_id).await
        }
        .await,
    )
}

#[server]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx, _) = crate::auth::server::require_user().await?;
            server::mark_read(&state.db, ctx.user_id).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Storage and delivery of notifications.

    use chrono::{DateTime, Utc};

    use super::Notification;
    use crate::domain::Email;
    use crate::error::AppError;
    use crate::infra::db::Db;
    use crate::infra::state::AppState;
    use crate::infra::time::{now, paris_datetime};
    use crate::on_db;

    pub async fn insert(db: &Db, user_id: i64, title: &str, body: &str, link: Option<&str>) -> Result<(), sqlx::Error> {
        let at = now();
        on_db!(db, |pool| {
            sqlx::query("INSERT INTO notifications (user_id, title, body, link, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(user_id)
                .bind(title)
                .bind(body)
                .bind(link)
                .bind(at)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Notifies in the app and by email. Failures are logged: the decision that triggered the
    /// notification is already saved and must not be undone by a mail server being down.
    pub async fn notify(state: &AppState, user_id: i64, title: &str, body: &str, link: Option<&str>) {
        if let Err(e) = insert(&state.db, user_id, title, body, link).await {
            tracing::error!(error = %e, user_id, "notification not stored");
        }
        let email: Result<Option<(String, String)>, sqlx::Error> = on_db!(&state.db, |pool| {
            sqlx::query_as("SELECT email, first_name FROM users WHERE id = $1 AND deleted_at IS NULL")
                .bind(user_id)
                .fetch_optional(pool)
                .await
        });
        if let Ok(Some((address, first_name))) = email {
            if let Ok(to) = Email::parse(&address) {
                let link = link.map(|l| format!("\n\n{}{l}", state.config.site_url)).unwrap_or_default();
                let text = format!("Bonjour {first_name},\n\n{body}{link}\n\nL'équipe Mission Formateur");
                if let Err(e) = state.mailer.send(&state.db, &to, title, &text).await {
                    tracing::warn!(error = %e, user_id, "notification email not sent");
                }
            }
        }
    }

    pub async fn list(db: &Db, user_id: i64) -> Result<Vec<Notification>, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            title: String,
            body: String,
            link: Option<String>,
            created_at: DateTime<Utc>,
            read_at: Option<DateTime<Utc>>,
        }
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT id, title, body, link, created_at, read_at FROM notifications WHERE user_id = $1
                 ORDER BY created_at DESC, id DESC LIMIT 100",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| Notification {
                id: r.id,
                title: r.title,
                body: r.body,
                link: r.link,
                at: paris_datetime(r.created_at),
                read: r.read_at.is_some(),
            })
            .collect())
    }

    pub async fn unread_count(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
        on_db!(db, |pool| {
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                .bind(user_id)
                .fetch_one(pool)
                .await
        })
    }

    pub async fn mark_read(db: &Db, user_id: i64) -> Result<(), AppError> {
        let at = now();
        on_db!(db, |pool| {
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                .bind(at)
                .bind(user_id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
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
