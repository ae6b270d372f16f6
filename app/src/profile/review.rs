//! Staff qualification of profiles: the queue, the review page, decisions with reasons per
//! section, and the audit log of decisions and document openings.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::pages::{AdministrativeSummary, BackgroundSummary, DocumentList, IdentitySummary, StatusBadge};
use super::{MyProfile, ReviewSection, ReviewView};
use crate::auth::Role;
use crate::components::form::{CheckedForm, FormAlert, FormState, Submit};
use crate::components::{Loaded, PageTitle, RequireRole};
use crate::domain::eligibility::ProfileStatus;
use crate::domain::forms::profile::{ReviewDecision, ReviewForm};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::guard::{guard, STAFF};
use crate::staff::{Page, Pager};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub status: ProfileStatus,
    pub submitted_on: String,
    pub waiting: String,
    pub pending_parts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffProfile {
    pub profile: MyProfile,
    pub history: Vec<ReviewView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// "3 jours", "5 heures", "quelques minutes".
pub fn waiting_label(minutes: i64) -> String {
    match minutes {
        m if m < 60 => "moins d'une heure".into(),
        m if m < 60 * 24 => format!("{} heure(s)", m / 60),
        m => format!("{} jour(s)", m / (60 * 24)),
    }
}

#[server]
pub async fn review_queue() -> Result<Vec<QueueItem>, AppError> {
    guard(STAFF, |caller| async move { server::queue(&caller.state.db).await }).await
}

#[server]
pub async fn load_staff_profile(user_id: i64) -> Result<StaffProfile, AppError> {
    guard(STAFF, |caller| async move {
        let db = &caller.state.db;
        let profile = super::server::load_for_staff(db, user_id).await?;
        let history = crate::repo::profiles::review_history(db, user_id).await?.into_iter().map(super::server::review_view).collect();
        Ok(StaffProfile { profile, history })
    })
    .await
}

#[server]
pub async fn review_profile(user_id: i64, #[server(flatten)] form: ReviewForm) -> Result<(), AppError> {
    guard(STAFF, |caller| async move {
        let review = ReviewDecision::try_from(form)?;
        server::decide(&caller.state, &caller.ctx, user_id, review).await
    })
    .await
}

#[server]
pub async fn audit_entries(page: u32) -> Result<Page<AuditEntry>, AppError> {
    guard(STAFF, |caller| async move { server::audit_page(&caller.state.db, page).await }).await
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Queue, decisions and audit log, over the repositories.

    use super::*;
    use crate::guard::Ctx;
    use crate::infra::db::Db;
    use crate::infra::state::AppState;
    use crate::infra::time::{now, paris_date, paris_datetime};
    use crate::profile::PartCheck;
    use crate::repo::{audit, profiles};

    /// Submitted profiles, and validated ones whose NDA, SIRET or certificate changed; oldest first.
    pub async fn queue(db: &Db) -> Result<Vec<QueueItem>, AppError> {
        let rows = profiles::review_queue(db).await?;
        let at = now();
        Ok(rows
            .into_iter()
            .map(|r| {
                let since = r.submitted_at.filter(|_| r.status == ProfileStatus::Submitted).unwrap_or(r.updated_at);
                let mut pending = Vec::new();
                for (check, label) in
                    [(r.nda_check, "NDA"), (r.siret_check, "SIRET"), (r.qualiopi_check, "Qualiopi"), (r.turnover_check, "Chiffre d'affaires")]
                {
                    if check == PartCheck::Pending && r.status == ProfileStatus::Validated {
                        pending.push(label.to_string());
                    }
                }
                QueueItem {
                    user_id: r.user_id,
                    name: format!("{} {}", r.first_name, r.last_name),
                    email: r.email,
                    status: r.status,
                    submitted_on: paris_date(since),
                    waiting: waiting_label((at - since).num_minutes()),
                    pending_parts: pending,
                }
            })
            .collect())
    }

    /// Records a staff decision on a profile waiting for one, and tells the trainer.
    pub async fn decide(state: &AppState, ctx: &Ctx, user_id: i64, review: ReviewDecision) -> Result<(), AppError> {
        let profile = profiles::row(&state.db, user_id).await?.ok_or(AppError::NotFound)?;
        let has_pending =
            [profile.nda_check, profile.siret_check, profile.qualiopi_check, profile.turnover_check].contains(&PartCheck::Pending);
        let waiting = profile.status == ProfileStatus::Submitted || (profile.status == ProfileStatus::Validated && has_pending);
        if !waiting {
            return Err(AppError::Rejected("Ce profil n'attend pas de vérification (il a peut-être déjà été traité).".into()));
        }
        let decision = review.decision;
        let reasons = &review.reasons;
        let detail = if reasons.is_empty() {
            decision.label().to_string()
        } else {
            let parts: Vec<String> = reasons.iter().map(|(s, r)| format!("{} : {r}", s.label())).collect();
            format!("{} — {}", decision.label(), parts.join(" ; "))
        };
        profiles::record_review(&state.db, ctx, user_id, &review, &detail).await?;
        tracing::info!(user_id, reviewer = ctx.user_id, decision = decision.code(), "profile reviewed");

        let (title, body) = match decision {
            ProfileStatus::Validated => (
                "Votre profil est validé".to_string(),
                "L'équipe a validé votre profil. Passez vos tests de compétences et postulez aux missions près de chez vous.".to_string(),
            ),
            ProfileStatus::ChangesRequested => (
                "Modifications demandées sur votre profil".to_string(),
                format!("L'équipe vous demande de modifier votre profil : {}", reasons_text(reasons)),
            ),
            _ => ("Votre profil n'a pas été validé".to_string(), format!("Motifs : {}", reasons_text(reasons))),
        };
        crate::notifications::server::notify(state, user_id, &title, &body, Some("/profil")).await;
        Ok(())
    }

    fn reasons_text(reasons: &[(ReviewSection, String)]) -> String {
        reasons.iter().map(|(s, r)| format!("{} — {r}", s.label())).collect::<Vec<_>>().join(" ; ")
    }

    pub async fn audit_page(db: &Db, page: u32) -> Result<Page<AuditEntry>, AppError> {
        let page = page.max(1);
        let size = crate::staff::PAGE_SIZE;
        let (total, rows) = audit::page(db, page, size).await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| AuditEntry {
                    at: paris_datetime(r.created_at),
                    actor: r.actor.unwrap_or_else(|| "—".into()),
                    action: r.action.label().to_string(),
                    target: r.target.unwrap_or_else(|| "—".into()),
                    detail: r.detail,
                })
                .collect(),
            page,
            pages: crate::staff::page_count(total, size),
            total,
        })
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| review_queue());
    view! {
        <PageTitle text="Profils à vérifier"/>
        <RequireRole role=Role::Staff>
            <Queue data/>
        </RequireRole>
    }
}

#[component]
fn Queue(data: Resource<Result<Vec<QueueItem>, AppError>>) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Profils à vérifier"</h1>
            <p class="muted">"Les plus anciens d'abord. Un profil validé revient ici quand le formateur modifie son NDA, son SIRET ou sa certification Qualiopi."</p>
            <Loaded resource=data let:items>
                {if items.is_empty() {
                    view! { <p class="empty">"Aucun profil en attente de vérification. Bravo !"</p> }.into_any()
                } else {
                    let rows = items.into_iter().map(|q| {
                        let href = format!("/equipe/profils/{}", q.user_id);
                        let what = if q.pending_parts.is_empty() {
                            "Nouveau profil".to_string()
                        } else {
                            format!("À revérifier : {}", q.pending_parts.join(", "))
                        };
                        view! {
                            <tr>
                                <td data-label="Formateur"><a href=href>{q.name}</a><br/><small class="muted">{q.email}</small></td>
                                <td data-label="Objet">{what}</td>
                                <td data-label="Envoyé le">{q.submitted_on}</td>
                                <td data-label="En attente depuis"><strong>{q.waiting}</strong></td>
                            </tr>
                        }
                    }).collect::<Vec<_>>();
                    view! {
                        <table class="table">
                            <thead><tr><th scope="col">"Formateur"</th><th scope="col">"Objet"</th><th scope="col">"Envoyé le"</th><th scope="col">"En attente depuis"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }.into_any()
                }}
            </Loaded>
        </section>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let params = use_params_map();
    let user_id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let decide = ServerAction::<ReviewProfile>::new();
    let data = Resource::new(move || (user_id.get(), decide.version().get()), |(id, _)| load_staff_profile(id));
    view! {
        <PageTitle text="Vérification d'un profil"/>
        <RequireRole role=Role::Staff>
            <Review data decide/>
        </RequireRole>
    }
}

#[component]
fn Review(data: Resource<Result<StaffProfile, AppError>>, decide: ServerAction<ReviewProfile>) -> impl IntoView {
    view! {
        <p><a href="/equipe/profils">"← Profils à vérifier"</a></p>
        <Loaded resource=data let:staff>
            <ReviewBody staff decide/>
        </Loaded>
    }
}

#[component]
fn ReviewBody(staff: StaffProfile, decide: ServerAction<ReviewProfile>) -> impl IntoView {
    let StaffProfile { profile, history } = staff;
    let value = decide.value();
    let form = FormState::new(decide);
    let done = move || matches!(value.get(), Some(Ok(())));
    let id = profile.user_id;
    let name = format!("{} {}", profile.identity.first_name, profile.identity.last_name);
    let pending = profile.pending_parts();
    let can_decide = profile.status == ProfileStatus::Submitted || (profile.status == ProfileStatus::Validated && !pending.is_empty());
    let history_view = history.into_iter().map(|h| {
        let reasons = h.reasons.into_iter().map(|(s, r)| view! { <li><strong>{s.label()}" : "</strong>{r}</li> }).collect::<Vec<_>>();
        view! { <li><StatusBadge status=h.decision/>" le "{h.decided_on}<ul>{reasons}</ul></li> }
    }).collect::<Vec<_>>();
    let field_error = move |field: &'static str| move || form.field(field).get().map(|e| view! { <p class="error">{e}</p> });
    view! {
        <section class="panel">
            <div class="title-row">
                <h1>{name}</h1>
                <StatusBadge status=profile.status/>
            </div>
            <p class="muted">{format!("Profil complété à {} %", profile.completeness.percent)}
                {profile.submitted_on.clone().map(|d| format!(" — envoyé le {d}"))}</p>
            {(!pending.is_empty()).then(|| view! {
                <div class="alert alert-warning"><p>{format!("Modifié depuis la validation, à revérifier : {}.", pending.join(", "))}</p></div>
            })}
            <IdentitySummary identity=profile.identity.clone()/>
            <BackgroundSummary profile=profile.clone()/>
            <AdministrativeSummary admin=profile.administrative.clone()/>
            <h2>"Documents"</h2>
            <DocumentList documents=profile.documents.clone() deletable=false/>
            {(!history_view.is_empty()).then(|| view! { <h2>"Décisions précédentes"</h2><ul class="history">{history_view}</ul> })}
        </section>
        <section class="panel">
            <h2>"Décision"</h2>
            <Show when=done>
                <div class="alert alert-success" role="status"><p>"Décision enregistrée : le formateur est notifié dans l'application et par e-mail."</p></div>
            </Show>
            {if can_decide {
                view! {
                    <CheckedForm state=form check=|a: &ReviewProfile| ReviewDecision::try_from(a.form.clone()).map(drop) attr:class="form">
                        <FormAlert error=form.alert()/>
                        <input type="hidden" name="user_id" value=id.to_string()/>
                        <fieldset class="choices">
                            <legend>"Votre décision"</legend>
                            {ReviewDecision::CHOICES.iter().map(|d| {
                                let text = match d {
                                    ProfileStatus::Validated => " Valider le profil",
                                    ProfileStatus::ChangesRequested => " Demander des modifications",
                                    _ => " Refuser le profil",
                                };
                                view! { <label><input type="radio" name="decision" value=d.code()/>{text}</label> }
                            }).collect::<Vec<_>>()}
                            {field_error("decision")}
                        </fieldset>
                        <p class="hint">"Pour une demande de modifications ou un refus, donnez un motif dans chaque section concernée : le formateur le verra sur son profil."</p>
                        {field_error("reasons")}
                        {ReviewSection::ALL.iter().map(|s| {
                            let name = format!("reason_{}", s.code());
                            let id = format!("f-{name}");
                            view! {
                                <div class="field">
                                    <label for=id.clone()>{format!("Motif — {}", s.label())}</label>
                                    <textarea id=id name=name rows="2"></textarea>
                                </div>
                            }
                        }).collect::<Vec<_>>()}
                        <Submit label="Enregistrer la décision" pending=decide.pending()/>
                    </CheckedForm>
                }.into_any()
            } else {
                view! { <p class="muted">"Ce profil n'attend pas de décision pour l'instant."</p> }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32));
    let data = Resource::new(move || page.get(), audit_entries);
    view! {
        <PageTitle text="Journal d'audit"/>
        <RequireRole role=Role::Staff>
            <Audit data/>
        </RequireRole>
    }
}

#[component]
fn Audit(data: Resource<Result<Page<AuditEntry>, AppError>>) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Journal d'audit"</h1>
            <p class="muted">"Chaque décision sur un profil et chaque ouverture d'un document de formateur par l'équipe."</p>
            <Loaded resource=data let:p>
                {if p.items.is_empty() {
                    view! { <p class="empty">"Le journal est vide."</p> }.into_any()
                } else {
                    let rows = p.items.into_iter().map(|e| view! {
                        <tr><td data-label="Date">{e.at}</td><td data-label="Qui">{e.actor}</td><td data-label="Action">{e.action}</td><td data-label="Formateur">{e.target}</td><td data-label="Détail">{e.detail}</td></tr>
                    }).collect::<Vec<_>>();
                    view! {
                        <table class="table">
                            <thead><tr><th scope="col">"Date"</th><th scope="col">"Qui"</th><th scope="col">"Action"</th><th scope="col">"Formateur"</th><th scope="col">"Détail"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                        <Pager page=p.page pages=p.pages base="/equipe/journal"/>
                    }.into_any()
                }}
            </Loaded>
        </section>
    }
}
