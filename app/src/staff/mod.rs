//! The staff area: dashboard, accounts (staff and centre users) and the emails sent.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::components::form::{error_of, field_error, Field, FormAlert, Submit};
use crate::components::{ErrorPanel, PageTitle, RequireRole};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub trainers: i64,
    pub staff: i64,
    pub centre_users: i64,
    pub emails_last_week: i64,
    /// Profiles submitted and waiting for a decision.
    pub profiles_pending: i64,
    /// Published missions still looking for a trainer.
    pub missions_published: i64,
    /// Applications to published missions not yet answered.
    pub applications_pending: i64,
    /// Missions under way (a trainer chosen, training not finished).
    pub missions_running: i64,
}

#[server]
pub async fn staff_dashboard() -> Result<Dashboard, AppError> {
    use crate::auth::server::{reply, require_role};
    use crate::count_with;
    use crate::infra::db::{Arg, NO_ARGS};
    reply(
        async move {
            let (state, _ctx) = require_role(Role::Staff).await?;
            let week_ago = crate::infra::time::now() - chrono::Duration::days(7);
            let db = &state.db;
            let users = "SELECT COUNT(*) FROM users WHERE role = $1 AND deleted_at IS NULL";
            let role = |r: &str| [Arg::Text(r.into())];
            let emails_last_week = count_with!(db, "SELECT COUNT(*) FROM emails WHERE created_at > $1", &[Arg::Time(week_ago)])?;
            Ok(Dashboard {
                trainers: count_with!(db, users, &role("trainer"))?,
                staff: count_with!(db, users, &role("staff"))?,
                centre_users: count_with!(db, users, &role("centre"))?,
                emails_last_week,
                profiles_pending: count_with!(db, "SELECT COUNT(*) FROM trainer_profiles WHERE status = 'en_attente'", NO_ARGS)?,
                missions_published: count_with!(db, "SELECT COUNT(*) FROM missions WHERE status = 'publiee'", NO_ARGS)?,
                applications_pending: count_with!(
                    db,
                    "SELECT COUNT(*) FROM applications a JOIN missions m ON m.id = a.mission_id \
                     WHERE a.status = 'envoyee' AND m.status = 'publiee'",
                    NO_ARGS
                )?,
                missions_running: count_with!(db, "SELECT COUNT(*) FROM missions WHERE status IN ('pourvue', 'en_cours')", NO_ARGS)?,
            })
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: Option<String>,
    pub transport: String,
    pub status: String,
    /// Paris time, formatted on the server.
    pub sent_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub pages: u32,
    pub total: i64,
}

pub const PAGE_SIZE: i64 = 25;

pub fn page_count(total: i64, size: i64) -> u32 {
    (((total + size - 1) / size).max(1)) as u32
}

#[server]
pub async fn list_emails(page: u32) -> Result<Page<SentEmail>, AppError> {
    use crate::auth::server::{reply, require_role};
    use crate::on_db;
    reply(
        async move {
            let (state, _ctx) = require_role(Role::Staff).await?;
            use chrono::{DateTime, Utc};
            #[derive(sqlx::FromRow)]
            struct Row {
                id: i64,
                recipient: String,
                subject: String,
                body_text: Option<String>,
                transport: String,
                status: String,
                created_at: DateTime<Utc>,
            }
            let page = page.max(1);
            let offset = (i64::from(page) - 1) * PAGE_SIZE;
            let total: i64 = on_db!(&state.db, |pool| {
                sqlx::query_scalar("SELECT COUNT(*) FROM emails").fetch_one(pool).await
            })?;
            let rows: Vec<Row> = on_db!(&state.db, |pool| {
                sqlx::query_as(
                    "SELECT id, recipient, subject, body_text, transport, status, created_at
                     FROM emails ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
                )
                .bind(PAGE_SIZE)
                .bind(offset)
                .fetch_all(pool)
                .await
            })?;
            Ok(Page {
                items: rows
                    .into_iter()
                    .map(|r| SentEmail {
                        id: r.id,
                        recipient: r.recipient,
                        subject: r.subject,
                        body: r.body_text,
                        transport: r.transport,
                        status: r.status,
                        sent_at: crate::infra::time::paris_datetime(r.created_at),
                    })
                    .collect(),
                page,
                pages: page_count(total, PAGE_SIZE),
                total,
            })
        }
        .await,
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Paris date, formatted on the server.
    pub created_on: String,
}

#[server]
pub async fn list_accounts(role: Option<String>, page: u32) -> Result<Page<AccountRow>, AppError> {
    use crate::auth::server::{reply, require_role};
    use crate::on_db;
    reply(
        async move {
            let (state, _ctx) = require_role(Role::Staff).await?;
            let role = match role.as_deref().filter(|r| !r.is_empty()) {
                Some(code) => Some(Role::from_code(code).ok_or_else(|| AppError::field("role", "Type de compte inconnu."))?),
                None => None,
            };
            use chrono::{DateTime, Utc};
            #[derive(sqlx::FromRow)]
            struct Row {
                id: i64,
                email: String,
                first_name: String,
                last_name: String,
                role: String,
                created_at: DateTime<Utc>,
            }
            let page = page.max(1);
            let offset = (i64::from(page) - 1) * PAGE_SIZE;
            let role_code = role.map(Role::code);
            let total: i64 = on_db!(&state.db, |pool| {
                sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE deleted_at IS NULL AND ($1 IS NULL OR role = $1)")
                    .bind(role_code)
                    .fetch_one(pool)
                    .await
            })?;
            let rows: Vec<Row> = on_db!(&state.db, |pool| {
                sqlx::query_as(
                    "SELECT id, email, first_name, last_name, role, created_at FROM users
                     WHERE deleted_at IS NULL AND ($1 IS NULL OR role = $1)
                     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                )
                .bind(role_code)
                .bind(PAGE_SIZE)
                .bind(offset)
                .fetch_all(pool)
                .await
            })?;
            Ok(Page {
                items: rows
                    .into_iter()
                    .filter_map(|r| {
                        Some(AccountRow {
                            id: r.id,
                            email: r.email,
                            name: format!("{} {}", r.first_name, r.last_name),
                            role: Role::from_code(&r.role)?,
                            created_on: crate::infra::time::paris_date(r.created_at),
                        })
                    })
                    .collect(),
                page,
                pages: page_count(total, PAGE_SIZE),
                total,
            })
        }
        .await,
    )
}

/// Staff create staff and centre accounts; the new user chooses a password through an
/// invitation link (the same single-use mechanism as a password reset, valid 7 days).
#[server]
pub async fn create_account(
    role: String,
    first_name: String,
    last_name: String,
    email: String,
    centre_id: Option<i64>,
) -> Result<String, AppError> {
    use crate::auth::server::*;
    use crate::domain::Email;
    use crate::error::FieldErrors;
    reply(
        async move {
            let (state, ctx) = require_role(Role::Staff).await?;
            let mut errors = FieldErrors::new();
            let role = match Role::from_code(&role) {
                Some(Role::Trainer) | None => {
                    errors.add("role", "Choisissez « Équipe » ou « Centre de formation » (les formateurs s'inscrivent eux-mêmes).");
                    None
                }
                Some(role) => Some(role),
            };
            let first_name = first_name.trim().to_string();
            let last_name = last_name.trim().to_string();
            if first_name.is_empty() {
                errors.add("first_name", "Saisissez le prénom.");
            }
            if last_name.is_empty() {
                errors.add("last_name", "Saisissez le nom.");
            }
            let email = errors.check("email", Email::parse(&email));
            let centre_id = match (role, centre_id) {
                (Some(Role::Centre), Some(id)) => {
                    let exists: Option<i64> = crate::on_db!(&state.db, |pool| {
                        sqlx::query_scalar("SELECT id FROM centres WHERE id = $1").bind(id).fetch_optional(pool).await
                    })?;
                    if exists.is_none() {
                        errors.add("centre_id", "Ce centre n'existe pas.");
                    }
                    exists
                }
                (Some(Role::Centre), None) => {
                    errors.add("role", "Un compte de centre se crée depuis la page du centre concerné.");
                    None
                }
                _ => None,
            };
            errors.into_result()?;
            let (Some(role), Some(email)) = (role, email) else { return Err(AppError::Internal) };
            // An unguessable password nobody knows: the invitation link sets the real one.
            let placeholder = hash_password(hex::encode(rand::random::<[u8; 32]>())).await?;
            let Some(user_id) = crate::repo::accounts::create_user(&state.db, &email, &placeholder, &first_name, &last_name, role, false).await? else {
                return Err(AppError::field("email", "Un compte existe déjà avec cette adresse."));
            };
            if let Some(centre_id) = centre_id {
                crate::on_db!(&state.db, |pool| {
                    sqlx::query("UPDATE users SET centre_id = $1 WHERE id = $2").bind(centre_id).bind(user_id).execute(pool).await.map(|r| r.rows_affected())
                })?;
            }
            tracing::info!(user_id, by = ctx.user_id, role = role.code(), "account created by staff");
            let token = crate::repo::accounts::create_token(&state.db, user_id, chrono::Duration::days(7)).await?;
            let body = format!(
                "Bonjour {first_name},\n\nUn compte « {} » vient d'être créé pour vous sur Mission Formateur.\n\n\
                 Choisissez votre mot de passe en suivant ce lien (valable 7 jours, utilisable une seule fois) :\n\
                 {}/reinitialiser-mot-de-passe?jeton={token}\n\nL'équipe Mission Formateur",
                role.label(),
                state.config.site_url
            );
            if let Err(e) = state.mailer.send(&state.db, &email, "Votre accès à Mission Formateur", &body).await {
                tracing::warn!(error = %e, "invitation not delivered");
                return Ok(format!(
                    "Le compte de {first_name} {last_name} est créé, mais l'e-mail d'invitation n'a pas pu partir : utilisez « Mot de passe oublié » avec son adresse."
                ));
            }
            Ok(format!("Le compte de {first_name} {last_name} est créé : une invitation lui a été envoyée."))
        }
        .await,
    )
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    view! {
        <PageTitle text="Tableau de bord de l'équipe"/>
        <RequireRole role=Role::Staff>
            <StaffHome/>
        </RequireRole>
    }
}

#[component]
fn StaffHome() -> impl IntoView {
    let data = Resource::new(|| (), |_| staff_dashboard());
    view! {
        <section class="panel">
            <h1>"Tableau de bord de l'équipe"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok(d) => view! {
                        <div class="stats">
                            <a class="stat" href="/equipe/profils"><span class="stat-value">{d.profiles_pending}</span><span class="stat-label">"profil(s) à vérifier"</span></a>
                            <a class="stat" href="/equipe/missions?statut=publiee"><span class="stat-value">{d.applications_pending}</span><span class="stat-label">"candidature(s) en attente d'un choix"</span></a>
                            <a class="stat" href="/equipe/missions?statut=publiee"><span class="stat-value">{d.missions_published}</span><span class="stat-label">"mission(s) publiée(s)"</span></a>
                            <a class="stat" href="/equipe/missions"><span class="stat-value">{d.missions_running}</span><span class="stat-label">"mission(s) pourvue(s) ou en cours"</span></a>
                        </div>
                        <div class="stats">
                            <div class="stat"><span class="stat-value">{d.trainers}</span><span class="stat-label">"formateurs inscrits"</span></div>
                            <div class="stat"><span class="stat-value">{d.staff}</span><span class="stat-label">"membres de l'équipe"</span></div>
                            <div class="stat"><span class="stat-value">{d.centre_users}</span><span class="stat-label">"comptes de centres"</span></div>
                            <div class="stat"><span class="stat-value">{d.emails_last_week}</span><span class="stat-label">"e-mails envoyés cette semaine"</span></div>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </Suspense>
            <div class="cards">
                <a class="card link-card" href="/equipe/profils">
                    <h2>"Profils à vérifier"</h2>
                    <p>"Les profils soumis, le plus ancien d'abord : documents, NDA, Qualiopi, décision par section."</p>
                </a>
                <a class="card link-card" href="/equipe/missions">
                    <h2>"Missions"</h2>
                    <p>"Créer et publier les missions, choisir parmi les candidats, suivre les statuts et la diffusion quotidienne."</p>
                </a>
                <a class="card link-card" href="/equipe/centres">
                    <h2>"Centres partenaires"</h2>
                    <p>"Coordonnées, mode de gestion, grilles de rémunération et comptes des centres."</p>
                </a>
                <a class="card link-card" href="/equipe/tests">
                    <h2>"Tests de compétences"</h2>
                    <p>"Banques de questions, taux de réussite, import et export."</p>
                </a>
                <a class="card link-card" href="/equipe/comptes">
                    <h2>"Comptes"</h2>
                    <p>"Voir les comptes et créer les accès de l'équipe et des centres partenaires."</p>
                </a>
                <a class="card link-card" href="/equipe/emails">
                    <h2>"Emails envoyés"</h2>
                    <p>"Tous les e-mails envoyés par la plateforme (invitations, réinitialisations de mot de passe, récapitulatifs…)."</p>
                </a>
            </div>
        </section>
    }
}

fn page_from_query() -> Memo<u32> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1))
}

#[component]
pub fn EmailsPage() -> impl IntoView {
    view! {
        <PageTitle text="Emails envoyés"/>
        <RequireRole role=Role::Staff>
            <Emails/>
        </RequireRole>
    }
}

/// Turns the URLs of an email body into links, escaping everything else.
fn linkify(body: &str) -> impl IntoView {
    body.split('\n')
        .map(|line| {
            let parts = line
                .split(' ')
                .map(|word| {
                    if word.starts_with("http://") || word.starts_with("https://") {
                        view! { <a href=word.to_string()>{word.to_string()}</a>" " }.into_any()
                    } else {
                        view! { {format!("{word} ")} }.into_any()
                    }
                })
                .collect::<Vec<_>>();
            view! { <span class="line">{parts}</span><br/> }
        })
        .collect::<Vec<_>>()
}

#[component]
fn Emails() -> impl IntoView {
    let page = page_from_query();
    let data = Resource::new(move || page.get(), list_emails);
    view! {
        <section class="panel">
            <h1>"Emails envoyés"</h1>
            <p class="muted">
                "Les e-mails de la plateforme. En local (sans serveur SMTP configuré), leur contenu est conservé ici pour que vous puissiez suivre leurs liens."
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">"Aucun e-mail envoyé pour l'instant."</p> }.into_any(),
                    Ok(p) => {
                        let items = p.items.into_iter().map(|m| {
                            let status = if m.status == "sent" { "Envoyé" } else { "Échec d'envoi" };
                            let when = m.sent_at.clone();
                            view! {
                                <article class="email">
                                    <header>
                                        <h2>{m.subject.clone()}</h2>
                                        <p class="meta">"À " <strong>{m.recipient.clone()}</strong> " — " {when} " — " {status} " (" {m.transport.clone()} ")"</p>
                                    </header>
                                    {match m.body {
                                        Some(body) => view! { <div class="email-body">{linkify(&body)}</div> }.into_any(),
                                        None => view! { <p class="muted">"Contenu non conservé (envoyé par SMTP)."</p> }.into_any(),
                                    }}
                                </article>
                            }
                        }).collect::<Vec<_>>();
                        view! {
                            <p>{format!("{} e-mail(s)", p.total)}</p>
                            <div class="emails">{items}</div>
                            <Pager page=p.page pages=p.pages base="/equipe/emails"/>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn Pager(page: u32, pages: u32, #[prop(into)] base: String) -> impl IntoView {
    (pages > 1).then(|| {
        let link = move |p: u32| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}page={p}")
        };
        view! {
            <nav class="pager" aria-label="Pagination">
                {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"← Précédent"</a> })}
                <span>{format!("Page {page} sur {pages}")}</span>
                {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">"Suivant →"</a> })}
            </nav>
        }
    })
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    view! {
        <PageTitle text="Comptes"/>
        <RequireRole role=Role::Staff>
            <Accounts/>
        </RequireRole>
    }
}

#[component]
fn Accounts() -> impl IntoView {
    let query = use_query_map();
    let page = page_from_query();
    let role = Memo::new(move |_| query.read().get("role"));
    let create = ServerAction::<CreateAccount>::new();
    let value = create.value();
    let data = Resource::new(move || (role.get(), page.get(), create.version().get()), |(role, page, _)| list_accounts(role, page));
    let role_label = |role: Role| role.label();
    view! {
        <section class="panel">
            <h1>"Comptes"</h1>
            <nav class="tabs" aria-label="Filtrer par type de compte">
                <a href="/equipe/comptes" aria-current=move || role.get().is_none().then_some("page")>"Tous"</a>
                <a href="/equipe/comptes?role=trainer" aria-current=move || (role.get().as_deref() == Some("trainer")).then_some("page")>"Formateurs"</a>
                <a href="/equipe/comptes?role=staff" aria-current=move || (role.get().as_deref() == Some("staff")).then_some("page")>"Équipe"</a>
                <a href="/equipe/comptes?role=centre" aria-current=move || (role.get().as_deref() == Some("centre")).then_some("page")>"Centres"</a>
            </nav>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">"Aucun compte de ce type."</p> }.into_any(),
                    Ok(p) => {
                        let rows = p.items.into_iter().map(|a| view! {
                            <tr>
                                <td data-label="Nom">{a.name}</td>
                                <td data-label="E-mail">{a.email}</td>
                                <td data-label="Type">{role_label(a.role)}</td>
                                <td data-label="Créé le">{a.created_on}</td>
                            </tr>
                        }).collect::<Vec<_>>();
                        let base = match role.get_untracked() {
                            Some(_) => "/equipe/comptes?role=",
                            None => "/equipe/comptes",
                        };
                        view! {
                            <table class="table">
                                <caption>{format!("{} compte(s)", p.total)}</caption>
                                <thead><tr><th scope="col">"Nom"</th><th scope="col">"E-mail"</th><th scope="col">"Type"</th><th scope="col">"Créé le"</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                            {(base == "/equipe/comptes").then(|| view! { <Pager page=p.page pages=p.pages base="/equipe/comptes"/> })}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
        <section class="panel narrow">
            <h2>"Créer un accès pour l'équipe"</h2>
            <p class="muted">"La personne reçoit un e-mail d'invitation pour choisir son mot de passe. Les formateurs, eux, s'inscrivent eux-mêmes."</p>
            {move || value.get().and_then(|r| r.ok()).map(|msg| view! { <div class="alert alert-success" role="status"><p>{msg}</p></div> })}
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <FormAlert error=error_of(value)/>
                <div class="field" class:has-error=move || field_error(value, "role").get().is_some()>
                    <label for="f-role">"Type de compte"</label>
                    <select id="f-role" name="role">
                        <option value="staff">"Équipe Mission Formateur"</option>
                    </select>
                    <p class="hint">"Les comptes des centres partenaires se créent depuis la page de chaque centre (menu Centres)."</p>
                    {move || field_error(value, "role").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <div class="row">
                    <Field label="Prénom" name="first_name" required=true error=field_error(value, "first_name")/>
                    <Field label="Nom" name="last_name" required=true error=field_error(value, "last_name")/>
                </div>
                <Field label="Adresse e-mail" name="email" kind="email" required=true error=field_error(value, "email")/>
                <Submit label="Créer le compte" pending=create.pending()/>
            </ActionForm>
        </section>
    }
}
