//! The staff area: dashboard, accounts (staff and centre users) and the emails sent; their
//! server functions and pages.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::components::form::{CheckedForm, Field, FormAlert, FormState, SelectField, Submit};
use crate::components::{Loaded, PageTitle, RequireRole};
use crate::domain::forms::accounts::{StaffAccount, StaffAccountForm};
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
    use crate::domain::missions::MissionStatus;
    use crate::domain::ProfileStatus;
    use crate::guard::{guard, STAFF};
    use crate::repo::{accounts, applications, emails, missions, profiles};
    guard(STAFF, |caller| async move {
        let db = &caller.state.db;
        let week_ago = crate::infra::time::now() - chrono::Duration::days(7);
        Ok(Dashboard {
            trainers: accounts::count_by_role(db, Role::Trainer).await?,
            staff: accounts::count_by_role(db, Role::Staff).await?,
            centre_users: accounts::count_by_role(db, Role::Centre).await?,
            emails_last_week: emails::count_since(db, week_ago).await?,
            profiles_pending: profiles::count_by_status(db, ProfileStatus::Submitted).await?,
            missions_published: missions::count_by_status(db, &[MissionStatus::Published]).await?,
            applications_pending: applications::count_awaiting_choice(db).await?,
            missions_running: missions::count_by_status(db, &[MissionStatus::Filled, MissionStatus::InProgress]).await?,
        })
    })
    .await
}

/// Whether an email left (stored as `sent` / `failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailStatus {
    Sent,
    Failed,
}

impl EmailStatus {
    pub fn code(self) -> &'static str {
        match self {
            EmailStatus::Sent => "sent",
            EmailStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "sent" => Some(EmailStatus::Sent),
            "failed" => Some(EmailStatus::Failed),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EmailStatus::Sent => "Envoyé",
            EmailStatus::Failed => "Échec d'envoi",
        }
    }
}

/// How an email left: by SMTP, or written to the local outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    Smtp,
    Outbox,
}

impl EmailTransport {
    pub fn code(self) -> &'static str {
        match self {
            EmailTransport::Smtp => "smtp",
            EmailTransport::Outbox => "outbox",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "smtp" => Some(EmailTransport::Smtp),
            "outbox" => Some(EmailTransport::Outbox),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentEmail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: Option<String>,
    pub transport: EmailTransport,
    pub status: EmailStatus,
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
    use crate::guard::{guard, STAFF};
    use crate::repo::emails;
    guard(STAFF, |caller| async move {
        let db = &caller.state.db;
        let page = page.max(1);
        let total = emails::count(db).await?;
        let rows = emails::list(db, PAGE_SIZE, (i64::from(page) - 1) * PAGE_SIZE).await?;
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
    })
    .await
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
    use crate::guard::{guard, STAFF};
    use crate::repo::accounts;
    guard(STAFF, |caller| async move {
        let role = match role.as_deref().filter(|r| !r.is_empty()) {
            Some(code) => Some(Role::from_code(code).ok_or_else(|| AppError::field("role", "Type de compte inconnu."))?),
            None => None,
        };
        let db = &caller.state.db;
        let page = page.max(1);
        let total = accounts::count_accounts(db, role).await?;
        let rows = accounts::list_accounts(db, role, PAGE_SIZE, (i64::from(page) - 1) * PAGE_SIZE).await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| AccountRow {
                    id: r.id,
                    email: r.email,
                    name: format!("{} {}", r.first_name, r.last_name),
                    role: r.role,
                    created_on: crate::infra::time::paris_date(r.created_at),
                })
                .collect(),
            page,
            pages: page_count(total, PAGE_SIZE),
            total,
        })
    })
    .await
}

/// Staff create staff and centre accounts; the new user chooses a password through an
/// invitation link (the same single-use mechanism as a password reset, valid 7 days). A centre
/// account names its centre (`centre_id`).
#[server]
pub async fn create_account(#[server(flatten)] form: StaffAccountForm, centre_id: Option<i64>) -> Result<String, AppError> {
    use crate::auth::server::hash_password;
    use crate::domain::forms::accounts::StaffAccount;
    use crate::guard::{guard, STAFF};
    use crate::repo::accounts;
    guard(STAFF, |caller| async move {
        let state = caller.state;
        let StaffAccount { role, first_name, last_name, email } = StaffAccount::try_from(form)?;
        let centre_id = match (role, centre_id) {
            (Role::Centre, Some(id)) if accounts::centre_exists(&state.db, id).await? => Some(id),
            (Role::Centre, Some(_)) => return Err(AppError::field("centre_id", "Ce centre n'existe pas.")),
            (Role::Centre, None) => return Err(AppError::field("role", "Un compte de centre se crée depuis la page du centre concerné.")),
            _ => None,
        };
        // An unguessable password nobody knows: the invitation link sets the real one.
        let placeholder = hash_password(hex::encode(rand::random::<[u8; 32]>())).await?;
        let Some(user_id) = accounts::create_user(&state.db, &email, &placeholder, &first_name, &last_name, role, false).await? else {
            return Err(AppError::field("email", "Un compte existe déjà avec cette adresse."));
        };
        if let Some(centre_id) = centre_id {
            accounts::set_centre(&state.db, user_id, centre_id).await?;
        }
        tracing::info!(user_id, by = caller.ctx.user_id, role = role.code(), "account created by staff");
        let token = accounts::create_token(&state.db, user_id, chrono::Duration::days(7)).await?;
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
    })
    .await
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| staff_dashboard());
    view! {
        <PageTitle text="Tableau de bord de l'équipe"/>
        <RequireRole role=Role::Staff>
            <StaffHome data/>
        </RequireRole>
    }
}

#[component]
fn StaffHome(data: Resource<Result<Dashboard, AppError>>) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Tableau de bord de l'équipe"</h1>
            <Loaded resource=data let:d>
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
            </Loaded>
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
    let page = page_from_query();
    let data = Resource::new(move || page.get(), list_emails);
    view! {
        <PageTitle text="Emails envoyés"/>
        <RequireRole role=Role::Staff>
            <Emails data/>
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
fn Emails(data: Resource<Result<Page<SentEmail>, AppError>>) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Emails envoyés"</h1>
            <p class="muted">
                "Les e-mails de la plateforme. En local (sans serveur SMTP configuré), leur contenu est conservé ici pour que vous puissiez suivre leurs liens."
            </p>
            <Loaded resource=data let:p>
                {if p.items.is_empty() {
                    view! { <p class="empty">"Aucun e-mail envoyé pour l'instant."</p> }.into_any()
                } else {
                        let items = p.items.into_iter().map(|m| {
                            let status = m.status.label();
                            let when = m.sent_at.clone();
                            view! {
                                <article class="email">
                                    <header>
                                        <h2>{m.subject.clone()}</h2>
                                        <p class="meta">"À " <strong>{m.recipient.clone()}</strong> " — " {when} " — " {status} " (" {m.transport.code()} ")"</p>
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
                }}
            </Loaded>
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

/// The account filter of the address (`?role=staff`).
fn role_from_query() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("role"))
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let page = page_from_query();
    let role = role_from_query();
    let create = ServerAction::<CreateAccount>::new();
    let data = Resource::new(move || (role.get(), page.get(), create.version().get()), |(role, page, _)| list_accounts(role, page));
    view! {
        <PageTitle text="Comptes"/>
        <RequireRole role=Role::Staff>
            <Accounts role data create/>
        </RequireRole>
    }
}

#[component]
fn Accounts(
    role: Memo<Option<String>>,
    data: Resource<Result<Page<AccountRow>, AppError>>,
    create: ServerAction<CreateAccount>,
) -> impl IntoView {
    let value = create.value();
    let form = FormState::new(create);
    let tab = move |code: &'static str| move || (role.get().as_deref() == Some(code)).then_some("page");
    view! {
        <section class="panel">
            <h1>"Comptes"</h1>
            <nav class="tabs" aria-label="Filtrer par type de compte">
                <a href="/equipe/comptes" aria-current=move || role.get().is_none().then_some("page")>"Tous"</a>
                <a href="/equipe/comptes?role=trainer" aria-current=tab("trainer")>"Formateurs"</a>
                <a href="/equipe/comptes?role=staff" aria-current=tab("staff")>"Équipe"</a>
                <a href="/equipe/comptes?role=centre" aria-current=tab("centre")>"Centres"</a>
            </nav>
            <Loaded resource=data let:p>
                {if p.items.is_empty() {
                    view! { <p class="empty">"Aucun compte de ce type."</p> }.into_any()
                } else {
                    let rows = p.items.into_iter().map(|a| view! {
                        <tr>
                            <td data-label="Nom">{a.name}</td>
                            <td data-label="E-mail">{a.email}</td>
                            <td data-label="Type">{a.role.label()}</td>
                            <td data-label="Créé le">{a.created_on}</td>
                        </tr>
                    }).collect::<Vec<_>>();
                    let unfiltered = role.get_untracked().is_none();
                    view! {
                        <table class="table">
                            <caption>{format!("{} compte(s)", p.total)}</caption>
                            <thead><tr><th scope="col">"Nom"</th><th scope="col">"E-mail"</th><th scope="col">"Type"</th><th scope="col">"Créé le"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                        {unfiltered.then(|| view! { <Pager page=p.page pages=p.pages base="/equipe/comptes"/> })}
                    }.into_any()
                }}
            </Loaded>
        </section>
        <section class="panel narrow">
            <h2>"Créer un accès pour l'équipe"</h2>
            <p class="muted">"La personne reçoit un e-mail d'invitation pour choisir son mot de passe. Les formateurs, eux, s'inscrivent eux-mêmes."</p>
            {move || value.get().and_then(|r| r.ok()).map(|msg| view! { <div class="alert alert-success" role="status"><p>{msg}</p></div> })}
            <CheckedForm state=form check=|a: &CreateAccount| StaffAccount::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <SelectField label="Type de compte" name="role" options=vec![(Role::Staff.code().to_string(), "Équipe Mission Formateur".to_string())]
                    hint="Les comptes des centres partenaires se créent depuis la page de chaque centre (menu Centres)." error=form.field("role")/>
                <div class="row">
                    <Field label="Prénom" name="first_name" required=true error=form.field("first_name")/>
                    <Field label="Nom" name="last_name" required=true error=form.field("last_name")/>
                </div>
                <Field label="Adresse e-mail" name="email" kind="email" required=true error=form.field("email")/>
                <Submit label="Créer le compte" pending=create.pending()/>
            </CheckedForm>
        </section>
    }
}
