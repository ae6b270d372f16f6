//! Staff qualification of profiles: the queue, the review page, decisions with reasons per
//! section, and the audit log of decisions and document openings.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::pages::{AdministrativeSummary, BackgroundSummary, DocumentList, IdentitySummary, StatusBadge};
use super::{MyProfile, ReviewSection, ReviewView};
use crate::auth::Role;
use crate::components::form::{error_of, field_error, FormAlert, Submit};
use crate::components::{ErrorPanel, PageTitle, RequireRole};
use crate::domain::eligibility::ProfileStatus;
use crate::error::AppError;
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
    crate::auth::server::reply(
        async move {
            let (state, _) = crate::auth::server::require_role(Role::Staff).await?;
            server::queue(&state.db).await
        }
        .await,
    )
}

#[server]
pub async fn load_staff_profile(user_id: i64) -> Result<StaffProfile, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, _) = crate::auth::server::require_role(Role::Staff).await?;
            let profile = super::server::load_profile(&state.db, user_id).await?.ok_or(AppError::NotFound)?;
            let history = server::history(&state.db, user_id).await?;
            Ok(StaffProfile { profile, history })
        }
        .await,
    )
}

#[server]
pub async fn review_profile(
    user_id: i64,
    decision: String,
    reason_profil: String,
    reason_parcours: String,
    reason_administratif: String,
    reason_documents: String,
) -> Result<(), AppError> {
    crate::auth::server::reply(
        async move {
            let (state, ctx) = crate::auth::server::require_role(Role::Staff).await?;
            let reasons = [
                (ReviewSection::Profile, reason_profil),
                (ReviewSection::Background, reason_parcours),
                (ReviewSection::Administrative, reason_administratif),
                (ReviewSection::Documents, reason_documents),
            ];
            server::decide(&state, &ctx, user_id, &decision, &reasons).await
        }
        .await,
    )
}

#[server]
pub async fn audit_entries(page: u32) -> Result<Page<AuditEntry>, AppError> {
    crate::auth::server::reply(
        async move {
            let (state, _) = crate::auth::server::require_role(Role::Staff).await?;
            server::audit_page(&state.db, page).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Queue, decisions and audit log, in SQL.

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::auth::server::Ctx;
    use crate::error::FieldErrors;
    use crate::infra::db::Db;
    use crate::infra::state::AppState;
    use crate::infra::time::{now, paris_date, paris_datetime};
    use crate::{on_db, write_tx};

    /// Submitted profiles, and validated ones whose NDA, SIRET or certificate changed; oldest first.
    pub async fn queue(db: &Db) -> Result<Vec<QueueItem>, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            user_id: i64,
            first_name: String,
            last_name: String,
            email: String,
            status: String,
            submitted_at: Option<DateTime<Utc>>,
            updated_at: DateTime<Utc>,
            nda_check: String,
            siret_check: String,
            qualiopi_check: String,
        }
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT p.user_id, u.first_name, u.last_name, u.email, p.status, p.submitted_at, p.updated_at,
                        p.nda_check, p.siret_check, p.qualiopi_check
                 FROM trainer_profiles p JOIN users u ON u.id = p.user_id
                 WHERE u.deleted_at IS NULL AND (p.status = 'en_attente'
                    OR (p.status = 'valide' AND 'pending' IN (p.nda_check, p.siret_check, p.qualiopi_check)))
                 ORDER BY COALESCE(p.submitted_at, p.updated_at) ASC, p.user_id ASC",
            )
            .fetch_all(pool)
            .await
        })?;
        let at = now();
        Ok(rows
            .into_iter()
            .map(|r| {
                let since = r.submitted_at.filter(|_| r.status == "en_attente").unwrap_or(r.updated_at);
                let mut pending = Vec::new();
                for (check, label) in [(&r.nda_check, "NDA"), (&r.siret_check, "SIRET"), (&r.qualiopi_check, "Qualiopi")] {
                    if check == "pending" && r.status == "valide" {
                        pending.push(label.to_string());
                    }
                }
                QueueItem {
                    user_id: r.user_id,
                    name: format!("{} {}", r.first_name, r.last_name),
                    email: r.email,
                    status: ProfileStatus::from_code(&r.status).unwrap_or(ProfileStatus::Submitted),
                    submitted_on: paris_date(since),
                    waiting: waiting_label((at - since).num_minutes()),
                    pending_parts: pending,
                }
            })
            .collect())
    }

    pub async fn history(db: &Db, user_id: i64) -> Result<Vec<ReviewView>, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            decision: String,
            created_at: DateTime<Utc>,
        }
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as("SELECT id, decision, created_at FROM profile_reviews WHERE user_id = $1 ORDER BY created_at DESC, id DESC")
                .bind(user_id)
                .fetch_all(pool)
                .await
        })?;
        let mut out = Vec::new();
        for row in rows {
            let reasons: Vec<(String, String)> = on_db!(db, |pool| {
                sqlx::query_as("SELECT section, reason FROM review_reasons WHERE review_id = $1").bind(row.id).fetch_all(pool).await
            })?;
            let mut reasons: Vec<(ReviewSection, String)> =
                reasons.into_iter().filter_map(|(s, r)| Some((ReviewSection::from_code(&s)?, r))).collect();
            reasons.sort_by_key(|(s, _)| ReviewSection::ALL.iter().position(|x| x == s));
            out.push(ReviewView {
                decision: ProfileStatus::from_code(&row.decision).unwrap_or(ProfileStatus::Submitted),
                decided_on: paris_date(row.created_at),
                reasons,
            });
        }
        Ok(out)
    }

    pub async fn audit(db: &Db, actor: i64, action: &str, target: Option<i64>, detail: &str) -> Result<(), sqlx::Error> {
        let at = now();
        on_db!(db, |pool| {
            sqlx::query("INSERT INTO audit_log (actor_id, action, target_user_id, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(actor)
                .bind(action)
                .bind(target)
                .bind(detail)
                .bind(at)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn decide(
        state: &AppState,
        ctx: &Ctx,
        user_id: i64,
        decision: &str,
        reasons: &[(ReviewSection, String)],
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::new();
        let decision = match decision {
            "valide" => ProfileStatus::Validated,
            "modifications_demandees" => ProfileStatus::ChangesRequested,
            "refuse" => ProfileStatus::Rejected,
            _ => {
                errors.add("decision", "Choisissez une décision.");
                ProfileStatus::Submitted
            }
        };
        let reasons: Vec<(ReviewSection, String)> = reasons
            .iter()
            .filter(|(_, r)| !r.trim().is_empty())
            .map(|(s, r)| (*s, r.trim().to_string()))
            .collect();
        if matches!(decision, ProfileStatus::ChangesRequested | ProfileStatus::Rejected) && reasons.is_empty() {
            errors.add("reasons", "Expliquez au formateur ce qui ne va pas, dans au moins une section.");
        }
        if reasons.iter().any(|(_, r)| r.chars().count() > 2000) {
            errors.add("reasons", "Chaque motif est limité à 2000 caractères.");
        }
        errors.into_result()?;
        let profile = super::super::server::profile_row(&state.db, user_id).await?.ok_or(AppError::NotFound)?;
        let has_pending = [&profile.nda_check, &profile.siret_check, &profile.qualiopi_check].iter().any(|c| *c == "pending");
        if profile.status != "en_attente" && !(profile.status == "valide" && has_pending) {
            return Err(AppError::Rejected("Ce profil n'attend pas de vérification (il a peut-être déjà été traité).".into()));
        }
        let at = now();
        let status = decision.code();
        write_tx!(&state.db, |tx| {
            let review_id: i64 = sqlx::query_scalar(
                "INSERT INTO profile_reviews (user_id, reviewer_id, decision, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user_id)
            .bind(ctx.user_id)
            .bind(status)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            for (section, reason) in &reasons {
                sqlx::query("INSERT INTO review_reasons (review_id, section, reason) VALUES ($1, $2, $3)")
                    .bind(review_id)
                    .bind(section.code())
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
            }
            let verified = decision == ProfileStatus::Validated;
            sqlx::query(
                "UPDATE trainer_profiles SET status = $1, reviewed_at = $2, updated_at = $2,
                    nda_check = CASE WHEN $3 AND nda IS NOT NULL THEN 'verified' ELSE nda_check END,
                    siret_check = CASE WHEN $3 AND siret IS NOT NULL THEN 'verified' ELSE siret_check END,
                    qualiopi_check = CASE WHEN $3 AND qualiopi_valid_until IS NOT NULL THEN 'verified' ELSE qualiopi_check END
                 WHERE user_id = $4",
            )
            .bind(status)
            .bind(at)
            .bind(verified)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            let detail = if reasons.is_empty() {
                decision.label().to_string()
            } else {
                let parts: Vec<String> = reasons.iter().map(|(s, r)| format!("{} : {r}", s.label())).collect();
                format!("{} — {}", decision.label(), parts.join(" ; "))
            };
            sqlx::query("INSERT INTO audit_log (actor_id, action, target_user_id, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(ctx.user_id)
                .bind("profile_review")
                .bind(user_id)
                .bind(&detail)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            Ok::<(), AppError>(())
        })?;
        tracing::info!(user_id, reviewer = ctx.user_id, decision = status, "profile reviewed");

        let (title, body) = match decision {
            ProfileStatus::Validated => (
                "Votre profil est validé".to_string(),
                "L'équipe a validé votre profil. Passez vos tests de compétences et postulez aux missions près de chez vous.".to_string(),
            ),
            ProfileStatus::ChangesRequested => (
                "Modifications demandées sur votre profil".to_string(),
                format!("L'équipe vous demande de modifier votre profil : {}", reasons_text(&reasons)),
            ),
            _ => ("Votre profil n'a pas été validé".to_string(), format!("Motifs : {}", reasons_text(&reasons))),
        };
        crate::notifications::server::notify(state, user_id, &title, &body, Some("/profil")).await;
        Ok(())
    }

    fn reasons_text(reasons: &[(ReviewSection, String)]) -> String {
        reasons.iter().map(|(s, r)| format!("{} — {r}", s.label())).collect::<Vec<_>>().join(" ; ")
    }

    pub async fn audit_page(db: &Db, page: u32) -> Result<Page<AuditEntry>, AppError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            created_at: DateTime<Utc>,
            actor: Option<String>,
            action: String,
            target: Option<String>,
            detail: String,
        }
        let page = page.max(1);
        let size = crate::staff::PAGE_SIZE;
        let total: i64 = on_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(pool).await)?;
        let rows: Vec<Row> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT a.created_at, ua.first_name || ' ' || ua.last_name AS actor, a.action,
                        ut.first_name || ' ' || ut.last_name AS target, a.detail
                 FROM audit_log a
                 LEFT JOIN users ua ON ua.id = a.actor_id
                 LEFT JOIN users ut ON ut.id = a.target_user_id
                 ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2",
            )
            .bind(size)
            .bind((i64::from(page) - 1) * size)
            .fetch_all(pool)
            .await
        })?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|r| AuditEntry {
                    at: paris_datetime(r.created_at),
                    actor: r.actor.unwrap_or_else(|| "—".into()),
                    action: match r.action.as_str() {
                        "profile_review" => "Décision sur un profil".into(),
                        "document_opened" => "Ouverture d'un document".into(),
                        other => other.to_string(),
                    },
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
    view! {
        <PageTitle text="Profils à vérifier"/>
        <RequireRole role=Role::Staff>
            <Queue/>
        </RequireRole>
    }
}

#[component]
fn Queue() -> impl IntoView {
    let data = Resource::new(|| (), |_| review_queue());
    view! {
        <section class="panel">
            <h1>"Profils à vérifier"</h1>
            <p class="muted">"Les plus anciens d'abord. Un profil validé revient ici quand le formateur modifie son NDA, son SIRET ou sa certification Qualiopi."</p>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok(items) if items.is_empty() => view! { <p class="empty">"Aucun profil en attente de vérification. Bravo !"</p> }.into_any(),
                    Ok(items) => {
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
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    view! {
        <PageTitle text="Vérification d'un profil"/>
        <RequireRole role=Role::Staff>
            <Review/>
        </RequireRole>
    }
}

#[component]
fn Review() -> impl IntoView {
    let params = use_params_map();
    let user_id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let decide = ServerAction::<ReviewProfile>::new();
    let value = decide.value();
    let data = Resource::new(move || (user_id.get(), decide.version().get()), |(id, _)| load_staff_profile(id));
    let done = move || matches!(value.get(), Some(Ok(())));
    view! {
        <p><a href="/equipe/profils">"← Profils à vérifier"</a></p>
        <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                Ok(StaffProfile { profile, history }) => {
                    let id = profile.user_id;
                    let name = format!("{} {}", profile.identity.first_name, profile.identity.last_name);
                    let pending = profile.pending_parts();
                    let can_decide = profile.status == ProfileStatus::Submitted || (profile.status == ProfileStatus::Validated && !pending.is_empty());
                    let history_view = history.into_iter().map(|h| {
                        let reasons = h.reasons.into_iter().map(|(s, r)| view! { <li><strong>{s.label()}" : "</strong>{r}</li> }).collect::<Vec<_>>();
                        view! { <li><StatusBadge status=h.decision/>" le "{h.decided_on}<ul>{reasons}</ul></li> }
                    }).collect::<Vec<_>>();
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
                                    <ActionForm action=decide attr:class="form" attr:novalidate=true>
                                        <FormAlert error=error_of(value)/>
                                        <input type="hidden" name="user_id" value=id.to_string()/>
                                        <fieldset class="choices">
                                            <legend>"Votre décision"</legend>
                                            <label><input type="radio" name="decision" value="valide"/>" Valider le profil"</label>
                                            <label><input type="radio" name="decision" value="modifications_demandees"/>" Demander des modifications"</label>
                                            <label><input type="radio" name="decision" value="refuse"/>" Refuser le profil"</label>
                                            {move || field_error(value, "decision").get().map(|e| view! { <p class="error">{e}</p> })}
                                        </fieldset>
                                        <p class="hint">"Pour une demande de modifications ou un refus, donnez un motif dans chaque section concernée : le formateur le verra sur son profil."</p>
                                        {move || field_error(value, "reasons").get().map(|e| view! { <p class="error">{e}</p> })}
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
                                    </ActionForm>
                                }.into_any()
                            } else {
                                view! { <p class="muted">"Ce profil n'attend pas de décision pour l'instant."</p> }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <PageTitle text="Journal d'audit"/>
        <RequireRole role=Role::Staff>
            <Audit/>
        </RequireRole>
    }
}

#[component]
fn Audit() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32));
    let data = Resource::new(move || page.get(), audit_entries);
    view! {
        <section class="panel">
            <h1>"Journal d'audit"</h1>
            <p class="muted">"Chaque décision sur un profil et chaque ouverture d'un document de formateur par l'équipe."</p>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">"Le journal est vide."</p> }.into_any(),
                    Ok(p) => {
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
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
