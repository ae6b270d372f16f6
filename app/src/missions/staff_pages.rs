//! Staff pages of missions: the list with the daily broadcast, a mission's form, status, rate
//! and applicants, and the rule settings.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::best_profiles::{best_profiles, BestProfilesSection, InviteTrainer, ScoreView};
use super::staff::*;
use crate::auth::Role;
use crate::components::form::{error_of, CheckedForm, Field, FormAlert, FormState, SelectField, Submit};
use crate::components::{ErrorPanel, Loaded, PageTitle, RequireRole};
use crate::domain::forms::missions::{MissionDraft, RateOverride};
use crate::domain::forms::ranking::ScoreWeightsForm;
use crate::domain::ranking::ScoreWeights;
use crate::domain::missions::{ApplicationStatus, Format, GroupKind, MissionStatus, ProposalStatus, DEFAULT_PROPOSAL_HOURS, MAX_PROPOSAL_HOURS};
use crate::domain::{french_date, LearnerLevel, NativeRequirement, RuleSettings, TurnoverCeiling};
use crate::error::AppError;
use crate::staff::Pager;

fn status_class(status: MissionStatus) -> &'static str {
    match status {
        MissionStatus::Draft => "badge",
        MissionStatus::Published => "badge badge-info",
        MissionStatus::Filled | MissionStatus::InProgress => "badge badge-ok",
        MissionStatus::Done => "badge",
        MissionStatus::Cancelled => "badge badge-err",
    }
}

// ---------------------------------------------------------------------------------------------
// Missions

#[component]
pub fn StaffMissionsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &'static str| Memo::new(move |_| query.read().get(k).unwrap_or_default());
    let filters = ListFilters { centre: get("centre"), status: get("statut"), domain: get("domaine") };
    let ListFilters { centre, status, domain } = filters;
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32));
    let data = Resource::new(move || (centre.get(), status.get(), domain.get(), page.get()), |(c, s, d, p)| staff_missions(c, s, d, p));
    let form = Resource::new(|| (), |_| load_mission_form());
    let broadcast = ServerAction::<RunBroadcastNow>::new();
    let broadcast_state = Resource::new(move || broadcast.version().get(), |_| load_broadcast_status());
    view! {
        <PageTitle text="Missions"/>
        <RequireRole role=Role::Staff>
            <StaffMissions filters data form broadcast broadcast_state/>
        </RequireRole>
    }
}

/// The list's filters, from the query string.
#[derive(Clone, Copy)]
struct ListFilters {
    centre: Memo<String>,
    status: Memo<String>,
    domain: Memo<String>,
}

#[component]
fn StaffMissions(
    filters: ListFilters,
    data: Resource<Result<crate::staff::Page<MissionSummary>, AppError>>,
    form: Resource<Result<MissionFormData, AppError>>,
    broadcast: ServerAction<RunBroadcastNow>,
    broadcast_state: Resource<Result<BroadcastStatus, AppError>>,
) -> impl IntoView {
    let ListFilters { centre, status, domain } = filters;
    view! {
        <section class="panel">
            <div class="title-row">
                <h1>"Missions"</h1>
                <a class="button primary" href="/equipe/missions/nouvelle">"Nouvelle mission"</a>
            </div>
            // The filters wait for their option lists so that the server and the browser render
            // the same markup (a resource read outside a boundary breaks hydration).
            <Transition fallback=|| ()>
                {move || form.get().map(|r| {
                    let (centres, domains) = r.map(|f| (f.centres, f.domains)).unwrap_or_default();
                    view! {
                        <leptos_router::components::Form method="GET" action="/equipe/missions" attr:class="filters">
                            <SelectField label="Centre" name="centre" placeholder="Tous" selected=centre.get_untracked()
                                options={centres.into_iter().map(|(id, name)| (id.to_string(), name)).collect::<Vec<_>>()}/>
                            <SelectField label="Statut" name="statut" placeholder="Tous" selected=status.get_untracked()
                                options={MissionStatus::ALL.iter().map(|s| (s.code().to_string(), s.label().to_string())).collect::<Vec<_>>()}/>
                            <SelectField label="Domaine" name="domaine" id="f-domaine-staff" placeholder="Tous" selected=domain.get_untracked()
                                options={domains.into_iter().map(|(code, label, _)| (code, label)).collect::<Vec<_>>()}/>
                            <button type="submit" class="button">"Filtrer"</button>
                        </leptos_router::components::Form>
                    }
                })}
            </Transition>
            <Transition fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">"Aucune mission ne correspond."</p> }.into_any(),
                    Ok(p) => view! {
                        <table class="table">
                            <caption>{format!("{} mission(s)", p.total)}</caption>
                            <thead><tr><th scope="col">"Mission"</th><th scope="col">"Centre"</th><th scope="col">"Domaine"</th><th scope="col">"Début"</th><th scope="col">"Statut"</th><th scope="col">"Candidatures"</th></tr></thead>
                            <tbody>
                                {p.items.into_iter().map(|m| view! {
                                    <tr>
                                        <td data-label="Mission"><a href=format!("/equipe/missions/{}", m.id)>{m.title}</a></td>
                                        <td data-label="Centre">{m.centre}</td>
                                        <td data-label="Domaine">{m.domain}</td>
                                        <td data-label="Début">{m.start}</td>
                                        <td data-label="Statut"><span class=status_class(m.status)>{m.status.label()}</span></td>
                                        <td data-label="Candidatures">{m.applications}</td>
                                    </tr>
                                }).collect::<Vec<_>>()}
                            </tbody>
                        </table>
                        <Pager page=p.page pages=p.pages base=format!("/equipe/missions?centre={}&statut={}&domaine={}", centre.get_untracked(), status.get_untracked(), domain.get_untracked())/>
                    }.into_any(),
                })}
            </Transition>
        </section>
        <section class="panel">
            <h2>"Diffusion quotidienne"</h2>
            <p class="muted">"Chaque jour, les missions publiées depuis la dernière diffusion partent vers les formateurs validés de leur domaine, dans leur rayon de mobilité pour le présentiel : notification dans l'application et e-mail récapitulatif."</p>
            <Suspense fallback=|| ()>
                {move || broadcast_state.get().and_then(|r| r.ok()).map(|s| view! {
                    <p data-testid="broadcast-status">{format!(
                        "Dernière diffusion : {}. Missions publiées en attente de diffusion : {}.",
                        s.last_run.unwrap_or_else(|| "jamais".into()),
                        s.pending_missions
                    )}</p>
                })}
            </Suspense>
            {move || broadcast.value().get().map(|r| match r {
                Ok(report) => view! { <div class="alert alert-success" role="status"><p>{format!(
                    "Diffusion faite : {} mission(s), {} formateur(s) prévenu(s), {} e-mail(s) envoyé(s).",
                    report.missions, report.trainers, report.emails
                )}</p></div> }.into_any(),
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })}
            <ActionForm action=broadcast attr:class="inline">
                <button type="submit" class="button primary" disabled=move || broadcast.pending().get()>"Diffuser maintenant"</button>
            </ActionForm>
        </section>
    }
}

/// Staff's choice among the applicants: propose to one, or withdraw the open proposal.
#[derive(Clone, Copy)]
struct Choice {
    propose: ServerAction<ProposeMission>,
    cancel: ServerAction<CancelProposal>,
}

#[component]
pub fn StaffMissionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let preset_centre = Memo::new(move |_| query.read().get("centre").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let status = ServerAction::<ChangeMissionStatus>::new();
    let rate = ServerAction::<OverrideRate>::new();
    let choice = Choice { propose: ServerAction::<ProposeMission>::new(), cancel: ServerAction::<CancelProposal>::new() };
    let save = ServerAction::<SaveMission>::new();
    let data = Resource::new(
        move || (id.get(), status.version().get(), rate.version().get(), choice.propose.version().get(), choice.cancel.version().get(), save.version().get()),
        |(id, ..)| async move { if id == 0 { Ok(None) } else { load_staff_mission(id).await.map(Some) } },
    );
    let form = Resource::new(|| (), |_| load_mission_form());
    let invite = ServerAction::<InviteTrainer>::new();
    let contract_actions = crate::contracts::pages::ContractActions::new();
    let contract = Resource::new(
        move || (id.get(), status.version().get(), choice.propose.version().get(), contract_actions.version()),
        |(id, ..)| async move { if id == 0 { Ok(None) } else { crate::contracts::load_mission_contract(id).await.map(Some) } },
    );
    let best = Resource::new(
        move || (id.get(), status.version().get(), choice.propose.version().get(), invite.version().get()),
        |(id, ..)| async move { if id == 0 { Ok(None) } else { best_profiles(id).await.map(Some) } },
    );
    view! {
        <PageTitle text="Mission"/>
        <RequireRole role=Role::Staff>
            <p><a href="/equipe/missions">"← Missions"</a></p>
            <Transition fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || match (data.get(), form.get()) {
                    (Some(Err(e)), _) | (_, Some(Err(e))) => Some(view! { <ErrorPanel error=e/> }.into_any()),
                    (Some(Ok(mission)), Some(Ok(form))) => Some(view! {
                        <MissionEditor mission=mission.clone() form preset_centre=preset_centre.get_untracked() save status rate choice/>
                        {mission.map(|m| view! {
                            <crate::contracts::pages::MissionContractSection data=contract actions=contract_actions/>
                            <BestProfilesSection mission_id=m.id data=best invite/>
                        })}
                    }.into_any()),
                    _ => None,
                }}
            </Transition>
        </RequireRole>
    }
}

#[component]
fn MissionEditor(
    mission: Option<StaffMission>,
    form: MissionFormData,
    preset_centre: i64,
    save: ServerAction<SaveMission>,
    status: ServerAction<ChangeMissionStatus>,
    rate: ServerAction<OverrideRate>,
    choice: Choice,
) -> impl IntoView {
    let value = save.value();
    let form_state = FormState::new(save);
    let navigate = use_navigate();
    let id = mission.as_ref().map_or(0, |m| m.id);
    Effect::new(move |_| {
        if let Some(Ok(new_id)) = value.get() {
            if id == 0 {
                navigate(&format!("/equipe/missions/{new_id}"), Default::default());
            }
        }
    });
    let m = mission.clone();
    let get = |f: fn(&StaffMission) -> String| m.as_ref().map(f).unwrap_or_default();
    let centre = m.as_ref().map_or(preset_centre, |m| m.centre_id);
    let domain = get(|m| m.domain_code.clone());
    let level = get(|m| m.learner_level.clone());
    let title = get(|m| m.title.clone());
    let description = get(|m| m.description.clone());
    let postal_code = get(|m| m.postal_code.clone());
    let rhythm = get(|m| m.rhythm.clone());
    let learners_text = get(|m| m.learners_text.clone());
    let hours = m.as_ref().map(|m| m.hours.to_string()).unwrap_or_default();
    let learners_count = m.as_ref().map_or("1".to_string(), |m| m.learners_count.to_string());
    let cpf = m.as_ref().is_some_and(|m| m.cpf_funded);
    let heading = m.as_ref().map_or("Nouvelle mission".to_string(), |m| m.title.clone());
    let current_status = m.as_ref().map(|m| m.status);
    let native = m.as_ref().map_or(NativeRequirement::Indifferent.code().to_string(), |m| m.native_requirement.clone());
    let format_code = m.as_ref().map_or(Format::Onsite.code().to_string(), |m| m.format.clone());
    let group = m.as_ref().map_or(GroupKind::Individual.code().to_string(), |m| m.group_kind.clone());
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let start_date = date(m.as_ref().map(|m| m.start_date));
    let end_date = date(m.as_ref().map(|m| m.end_date));
    let language_domains: Vec<String> = form.domains.iter().filter(|(_, _, l)| l.is_some()).map(|(c, _, _)| c.clone()).collect();
    let chosen_domain = RwSignal::new(domain.clone());
    let is_language = move || language_domains.contains(&chosen_domain.get());
    let chosen_format = RwSignal::new(format_code.clone());
    view! {
        <section class="panel">
            <div class="title-row">
                <h1>{heading}</h1>
                {current_status.map(|s| view! { <span class=status_class(s) data-testid="mission-status">{s.label()}</span> })}
            </div>
            {move || (id != 0 && matches!(value.get(), Some(Ok(_)))).then(|| view! { <div class="alert alert-success" role="status"><p>"Mission enregistrée."</p></div> })}
            <CheckedForm state=form_state check=|a: &SaveMission| MissionDraft::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=form_state.alert()/>
                <input type="hidden" name="mission_id" value=id.to_string()/>
                <div class="row">
                    <SelectField label="Centre" name="centre_id" required=true selected=centre.to_string() error=form_state.field("centre_id")
                        options={std::iter::once(("0".to_string(), "Choisissez…".to_string())).chain(form.centres.iter().map(|(cid, name)| (cid.to_string(), name.clone()))).collect::<Vec<_>>()}/>
                    <Field label="Intitulé" name="title" required=true value=title error=form_state.field("title")/>
                </div>
                <div class="row">
                    <div class="field" class:has-error=move || form_state.field("domain_code").get().is_some()>
                        <label for="f-domain_code" class="req">"Domaine"</label>
                        <select id="f-domain_code" name="domain_code" on:change:target=move |ev| chosen_domain.set(ev.target().value())>
                            <option value="">"Choisissez…"</option>
                            {form.domains.iter().map(|(code, label, _)| view! { <option value=code.clone() selected=*code == domain>{label.clone()}</option> }).collect::<Vec<_>>()}
                        </select>
                        {move || form_state.field("domain_code").get().map(|e| view! { <p class="error">{e}</p> })}
                    </div>
                    <SelectField label="Niveau des stagiaires" name="learner_level" required=true selected=level error=form_state.field("learner_level")
                        options={LearnerLevel::ALL.iter().map(|l| (l.code().to_string(), l.label().to_string())).collect::<Vec<_>>()}/>
                    <div class="field" class:hidden=move || !is_language()>
                        <label for="f-native_requirement">"Langue maternelle du formateur"</label>
                        <select id="f-native_requirement" name="native_requirement">
                            {NativeRequirement::ALL.iter().map(|n| view! { <option value=n.code() selected=native == n.code()>{n.label()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for="f-description">"Description"</label>
                    <textarea id="f-description" name="description" rows="3">{crate::components::textarea_text(description)}</textarea>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="f-format-m" class="req">"Format"</label>
                        <select id="f-format-m" name="format" on:change:target=move |ev| chosen_format.set(ev.target().value())>
                            {Format::ALL.iter().map(|f| view! { <option value=f.code() selected=format_code == f.code()>{f.label()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </div>
                    <SelectField label="Groupe" name="group_kind" required=true selected=group error=form_state.field("group_kind")
                        options={GroupKind::ALL.iter().map(|g| (g.code().to_string(), g.label().to_string())).collect::<Vec<_>>()}/>
                    <div class:hidden=move || chosen_format.get() != Format::Onsite.code()>
                        <Field label="Code postal du lieu" name="postal_code" value=postal_code error=form_state.field("postal_code")/>
                    </div>
                </div>
                <div class="row">
                    <Field label="Nombre d'heures" name="hours" kind="number" required=true value=hours error=form_state.field("hours")/>
                    <Field label="Début" name="start_date" kind="date" required=true value=start_date error=form_state.field("start_date")/>
                    <Field label="Fin" name="end_date" kind="date" required=true value=end_date error=form_state.field("end_date")/>
                </div>
                <div class="row">
                    <Field label="Rythme" name="rhythm" value=rhythm hint="Par exemple : 2 demi-journées par semaine" error=form_state.field("rhythm")/>
                    <Field label="Nombre de stagiaires" name="learners_count" kind="number" required=true value=learners_count error=form_state.field("learners_count")/>
                    <fieldset class="choices">
                        <legend>"Financement"</legend>
                        <label><input type="checkbox" name="cpf_funded" value="on" checked=cpf/>" Financée par le CPF"</label>
                    </fieldset>
                </div>
                <div class="field" class:has-error=move || form_state.field("learners").get().is_some()>
                    <label for="f-learners">"Contacts des stagiaires (cachés aux formateurs jusqu'au choix)"</label>
                    <textarea id="f-learners" name="learners" rows="3" placeholder="Nom ; téléphone ; e-mail — une ligne par stagiaire">{crate::components::textarea_text(learners_text)}</textarea>
                    {move || form_state.field("learners").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <Submit label=if id == 0 { "Créer la mission (brouillon)" } else { "Enregistrer la mission" } pending=save.pending()/>
            </CheckedForm>
        </section>
        {mission.map(|m| view! { <MissionManagement mission=m status rate choice/> })}
    }
}

#[component]
fn MissionManagement(
    mission: StaffMission,
    status: ServerAction<ChangeMissionStatus>,
    rate: ServerAction<OverrideRate>,
    choice: Choice,
) -> impl IntoView {
    let id = mission.id;
    let status_value = status.value();
    let rate_form = FormState::new(rate);
    let propose_value = choice.propose.value();
    let open_proposal = mission.proposals.iter().find(|p| p.status == ProposalStatus::Open).cloned();
    let can_propose = mission.status == MissionStatus::Published && open_proposal.is_none();
    let next = mission
        .status
        .next()
        .iter()
        .filter(|s| **s != MissionStatus::Filled)
        .map(|s| {
            let label = match s {
                MissionStatus::Published => "Publier".to_string(),
                MissionStatus::Draft => "Repasser en brouillon".to_string(),
                MissionStatus::Cancelled => "Annuler la mission".to_string(),
                other => format!("Passer à « {} »", other.label()),
            };
            let class = if *s == MissionStatus::Cancelled { "button danger" } else { "button primary" };
            view! {
                <ActionForm action=status attr:class="inline">
                    <input type="hidden" name="mission_id" value=id.to_string()/>
                    <input type="hidden" name="status" value=s.code()/>
                    <button type="submit" class=class>{label}</button>
                </ActionForm>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="panel">
            <h2>"Statut"</h2>
            <FormAlert error=error_of(status_value)/>
            <div class="actions">{next}</div>
        </section>
        <section class="panel">
            <h2>"Taux horaire"</h2>
            <p>
                <strong data-testid="mission-rate">{format!("{} HT / h", mission.hourly_rate)}</strong>
                {if mission.rate_overridden { format!(" — fixé à la main (grille du centre : {})", mission.grid_rate) } else { " — selon la grille du centre".to_string() }}
            </p>
            <CheckedForm state=rate_form check=|a: &OverrideRate| RateOverride::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=rate_form.alert()/>
                <input type="hidden" name="mission_id" value=id.to_string()/>
                <div class="row">
                    <Field label="Nouveau taux (€ HT)" name="hourly_rate" hint="Vide : revenir au taux de la grille." error=rate_form.field("hourly_rate")/>
                    <Field label="Motif" name="reason" error=rate_form.field("reason")/>
                </div>
                <Submit label="Modifier le taux" pending=rate.pending()/>
            </CheckedForm>
            <h3>"Historique"</h3>
            <ul class="history">
                {mission.rate_history.iter().map(|h| view! { <li>{format!("{} — {} ({})", h.at, h.what, h.who)}</li> }).collect::<Vec<_>>()}
            </ul>
        </section>
        <ProposalsPanel mission_id=id proposals=mission.proposals.clone() cancel=choice.cancel/>
        <section class="panel">
            <h2>{format!("Candidatures ({})", mission.applicants.len())}</h2>
            <FormAlert error=error_of(propose_value)/>
            {(!can_propose && mission.status == MissionStatus::Published).then(|| view! {
                <p class="muted small">"Une proposition attend la réponse du formateur : annulez-la pour en faire une autre."</p>
            })}
            {if mission.applicants.is_empty() {
                view! { <p class="empty small">"Aucune candidature pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <p class="muted small">"Classées : éligibles aujourd'hui d'abord, puis par score (poids réglables dans les réglages des règles)."</p>
                    <table class="table ranking" data-testid="applicants">
                        <thead><tr><th scope="col">"Formateur"</th><th scope="col">"Score"</th><th scope="col">"Éligible aujourd'hui"</th><th scope="col">"Statut"</th><th></th></tr></thead>
                        <tbody>
                            {mission.applicants.into_iter().map(|a| view! {
                                <tr>
                                    <td data-label="Formateur"><a href=format!("/equipe/profils/{}", a.user_id)>{a.name.clone()}</a><br/><small class="muted">{format!("le {}", a.applied_on)}</small></td>
                                    <td data-label="Score"><ScoreView score=a.score.clone()/></td>
                                    <td data-label="Éligible aujourd'hui">{if a.eligible_now { view! { <span class="badge badge-ok">"Oui"</span> }.into_any() } else { view! {
                                        <span class="badge badge-warn">"Non"</span>
                                        <ul class="reasons small">{a.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect::<Vec<_>>()}</ul>
                                    }.into_any() }}{(!a.warnings.is_empty()).then(|| view! { " "<span class="badge small" data-testid="applicant-warnings" title=a.warnings.join(" / ")>{format!("⚠ {} à surveiller", a.warnings.len())}</span> })}</td>
                                    <td data-label="Statut">{a.status_label.clone()}</td>
                                    <td>
                                        {(can_propose && a.status == ApplicationStatus::Sent && a.eligible_now).then(|| view! {
                                            <ActionForm action=choice.propose attr:class="inline propose-form">
                                                <input type="hidden" name="mission_id" value=id.to_string()/>
                                                <input type="hidden" name="user_id" value=a.user_id.to_string()/>
                                                <label class="small">"Délai (h) "
                                                    <input type="number" name="deadline_hours" value=DEFAULT_PROPOSAL_HOURS.to_string() min="1" max=MAX_PROPOSAL_HOURS.to_string() class="narrow"/>
                                                </label>
                                                <button type="submit" class="button primary small" disabled=move || choice.propose.pending().get()>"Proposer"</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }).collect::<Vec<_>>()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>"Historique de la mission"</h2>
            <ul class="history" data-testid="mission-history">
                {mission.history.iter().map(|h| view! { <li>{format!("{} — {} ({})", h.at, h.what, h.who)}</li> }).collect::<Vec<_>>()}
            </ul>
        </section>
    }
}

/// The proposals made for the mission: the open one (with its deadline and a way to withdraw
/// it), then the answered ones with the trainer's reason.
#[component]
fn ProposalsPanel(
    mission_id: i64,
    proposals: Vec<ProposalLine>,
    cancel: ServerAction<CancelProposal>,
) -> impl IntoView {
    let cancel_value = cancel.value();
    if proposals.is_empty() {
        return None;
    }
    Some(view! {
        <section class="panel" data-testid="proposals">
            <h2>"Propositions"</h2>
            <FormAlert error=error_of(cancel_value)/>
            <ul class="items">
                {proposals.into_iter().map(|p| {
                    let state = if p.overdue { "Délai dépassé (clôture automatique imminente)".to_string() } else { p.status.label().to_string() };
                    let when = match &p.closed_at {
                        Some(closed) => format!("proposée le {} — réponse le {}", p.proposed_at, closed),
                        None => format!("proposée le {} — réponse attendue avant le {}", p.proposed_at, p.deadline),
                    };
                    let open = p.status == ProposalStatus::Open;
                    view! {
                        <li data-status=p.status.code()>
                            <div>
                                <strong>{p.trainer.clone()}</strong>
                                <p class="muted small">{when}</p>
                                {(!p.decline_reason.is_empty()).then(|| view! { <p class="small">{format!("Raison : {}", p.decline_reason)}</p> })}
                            </div>
                            <span class=if open { "badge badge-warn" } else { "badge" }>{state}</span>
                            {open.then(|| view! {
                                <ActionForm action=cancel attr:class="inline">
                                    <input type="hidden" name="mission_id" value=mission_id.to_string()/>
                                    <input type="hidden" name="proposal_id" value=p.id.to_string()/>
                                    <button type="submit" class="button small">"Annuler la proposition"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect::<Vec<_>>()}
            </ul>
        </section>
    })
}

// ---------------------------------------------------------------------------------------------
// Rule settings

#[component]
pub fn RulesPage() -> impl IntoView {
    let save = ServerAction::<SaveCeiling>::new();
    let delete = ServerAction::<DeleteCeiling>::new();
    let data = Resource::new(move || (save.version().get(), delete.version().get()), |_| load_rule_settings());
    let save_weights = ServerAction::<SaveScoreWeights>::new();
    let weights = Resource::new(move || save_weights.version().get(), |_| load_score_weights());
    view! {
        <PageTitle text="Réglages des règles"/>
        <RequireRole role=Role::Staff>
            <Rules save delete data/>
            <Weights save=save_weights data=weights/>
        </RequireRole>
    }
}

/// The weights of the applicants' score, each part explained with its default.
#[component]
fn Weights(save: ServerAction<SaveScoreWeights>, data: Resource<Result<ScoreWeights, AppError>>) -> impl IntoView {
    let form = FormState::new(save);
    let d = ScoreWeights::default();
    view! {
        <section class="panel" id="poids">
            <h2>"Classement des candidats"</h2>
            <p class="muted">
                "Les candidats éligibles passent d'abord, puis le score les départage. Chaque partie du score rapporte au plus son poids "
                "(un nombre entier de 0 à 100 ; 0 l'ignore) ; la page de la mission montre le détail de chaque partie."
            </p>
            {move || matches!(save.value().get(), Some(Ok(()))).then(|| view! { <div class="alert alert-success" role="status"><p>"Poids enregistrés."</p></div> })}
            <Loaded resource=data let:weights>
                <CheckedForm state=form check=|a: &SaveScoreWeights| ScoreWeights::try_from(a.form.clone()).map(drop) attr:class="form narrow-form">
                    <FormAlert error=form.alert()/>
                    {
                        let typed = ScoreWeightsForm::from_weights(&weights);
                        view! {
                            <Field label="Niveau testé dans le domaine" name="level" kind="number" required=true value=typed.level
                                hint="Notions : 0, Expert + : tout ; A1 : 0, C2 : tout. La mesure de compétence de la plateforme." error=form.field("level")/>
                            <Field label="Score au test" name="test_score" kind="number" required=true value=typed.test_score
                                hint="La part de bonnes réponses : départage deux formateurs de même niveau." error=form.field("test_score")/>
                            <Field label="Fraîcheur du test" name="freshness" kind="number" required=true value=typed.freshness
                                hint="La part de la validité du test qui reste." error=form.field("freshness")/>
                            <Field label="Distance (missions en présentiel)" name="distance" kind="number" required=true value=typed.distance
                                hint="Tout au lieu de la mission, 0 au bord du rayon que le formateur a choisi." error=form.field("distance")/>
                            <Field label="Expérience professionnelle" name="experience" kind="number" required=true value=typed.experience
                                hint="Les années du PARCOURS, tout à partir de 10 ans." error=form.field("experience")/>
                            <Field label="Adéquation linguistique (missions de langue)" name="language" kind="number" required=true value=typed.language
                                hint="Moitié pour un niveau CECRL au-dessus de celui demandé, moitié pour une langue maternelle conforme à la mission." error=form.field("language")/>
                        }
                    }
                    <Submit label="Enregistrer les poids" pending=save.pending()/>
                </CheckedForm>
            </Loaded>
            <p class="muted small">{format!(
                "Valeurs par défaut : niveau {}, score au test {}, fraîcheur {}, distance {}, expérience {}, langue {}.",
                d.level, d.test_score, d.freshness, d.distance, d.experience, d.language
            )}</p>
        </section>
    }
}

#[component]
fn Rules(
    save: ServerAction<SaveCeiling>,
    delete: ServerAction<DeleteCeiling>,
    data: Resource<Result<RuleSettings, AppError>>,
) -> impl IntoView {
    let form = FormState::new(save);
    view! {
        <section class="panel">
            <h1>"Réglages des règles d'éligibilité"</h1>
            <p class="muted">
                "Missions financées par le CPF (décret n° 2023-1350, à partir du 1er avril 2024) : il faut être certifié Qualiopi, "
                "ou relever du régime micro-social avec un chiffre d'affaires annuel sous le plafond de la micro-entreprise (prestations de services) en vigueur à la date de la mission."
            </p>
            <Loaded resource=data let:settings>
                        <FormAlert error=error_of(delete.value())/>
                        <table class="table">
                            <thead><tr><th scope="col">"En vigueur à partir du"</th><th scope="col">"Plafond HT"</th><th></th></tr></thead>
                            <tbody>
                                {settings.turnover_ceilings.clone().into_iter().map(|c| view! {
                                    <tr>
                                        <td data-label="En vigueur à partir du">{french_date(c.valid_from)}</td>
                                        <td data-label="Plafond HT">{c.amount.to_string()}</td>
                                        <td>
                                            <ActionForm action=delete attr:class="inline">
                                                <input type="hidden" name="valid_from" value=c.valid_from.format("%Y-%m-%d").to_string()/>
                                                <button type="submit" class="button ghost small">"Supprimer"</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }).collect::<Vec<_>>()}
                            </tbody>
                        </table>
                        <p class="muted">{format!("Début de la règle CPF : {}. Un résultat de test est signalé « expire bientôt » {} jours avant sa fin.", french_date(settings.cpf_reform_start), settings.expiry_warning_days)}</p>
            </Loaded>
            <h2>"Ajouter ou remplacer un plafond"</h2>
            <CheckedForm state=form check=|a: &SaveCeiling| TurnoverCeiling::try_from(a.form.clone()).map(drop) attr:class="form narrow-form">
                <FormAlert error=form.alert()/>
                <Field label="En vigueur à partir du" name="valid_from" kind="date" required=true error=form.field("valid_from")/>
                <Field label="Plafond (€ HT)" name="amount" required=true error=form.field("amount")/>
                <Submit label="Enregistrer le plafond" pending=save.pending()/>
            </CheckedForm>
        </section>
    }
}
