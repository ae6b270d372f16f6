//! The trainer's missions: "missions near me" with filters and eligibility explained on each
//! card (computed in the browser by the shared rules), and a mission's page with applying.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::*;
use crate::auth::Role;
use crate::components::form::{error_of, CheckedForm, FormAlert, FormState};
use crate::components::{ErrorPanel, Loaded, PageTitle, RequireRole};
use super::eligibility_view::{EligibilityBadge, EligibilityPanel};
use crate::domain::eligibility::{evaluate, next_steps, Eligibility};
use crate::domain::french_date;
use crate::domain::geo::distance_label;

#[component]
pub fn MissionsPage() -> impl IntoView {
    let filters = SearchQuery {
        domain: query_value("domaine"),
        format: query_value("format"),
        km: query_value("distance"),
        from: query_value("a_partir_du"),
        sort: query_value("tri"),
    };
    let SearchQuery { domain, format, km, from, sort } = filters;
    let page_text = query_value("page");
    let page = Memo::new(move |_| page_text.get().parse::<u32>().unwrap_or(1));
    let data = Resource::new(
        move || (domain.get(), format.get(), km.get(), from.get(), sort.get(), page.get()),
        |(domain, format, max_km, from, sort, p)| search_missions(SearchForm { domain, format, max_km, from, sort }, p),
    );
    view! {
        <PageTitle text="Missions près de chez vous"/>
        <RequireRole role=Role::Trainer>
            <MissionSearch filters data/>
        </RequireRole>
    }
}

/// The search filters, from the query string.
#[derive(Clone, Copy)]
struct SearchQuery {
    domain: Memo<String>,
    format: Memo<String>,
    km: Memo<String>,
    from: Memo<String>,
    sort: Memo<String>,
}

fn query_value(key: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(key).unwrap_or_default())
}

#[component]
fn MissionSearch(filters: SearchQuery, data: Resource<Result<SearchResult, AppError>>) -> impl IntoView {
    let SearchQuery { domain, format, km, from, sort } = filters;
    // Filtering on eligibility happens in the browser, with the same rules as the server.
    let only_eligible = RwSignal::new(false);
    view! {
        <section class="panel">
            <h1>"Missions près de chez vous"</h1>
            <p class="muted">"Les missions publiées par nos centres partenaires. Chaque carte vous dit si vous pouvez postuler, et sinon pourquoi et que faire."</p>
            <Transition fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(result) => view! { <SearchBody result only_eligible domain=domain.get_untracked() format=format.get_untracked() km=km.get_untracked() from=from.get_untracked() sort=sort.get_untracked()/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SearchBody(result: SearchResult, only_eligible: RwSignal<bool>, domain: String, format: String, km: String, from: String, sort: String) -> impl IntoView {
    let km_value = if km.is_empty() { result.default_km.to_string() } else { km.clone() };
    let distances: Vec<(String, String)> = {
        let mut options: Vec<i64> = vec![10, 20, 30, 50, 100, 200];
        if !options.contains(&result.default_km) {
            options.push(result.default_km);
            options.sort_unstable();
        }
        let mut list: Vec<(String, String)> = options.into_iter().map(|k| (k.to_string(), format!("{k} km"))).collect();
        list.push(("0".into(), "Toutes distances".into()));
        list
    };
    let facts = result.facts.clone();
    let settings = result.settings.clone();
    let today = result.today;
    let evaluated: Vec<(MissionCard, Eligibility)> = result
        .missions
        .iter()
        .cloned()
        .map(|m| {
            let e = evaluate(&facts, &m.requirements, today, &settings);
            (m, e)
        })
        .collect();
    let requirements: Vec<MissionRequirements> = result.missions.iter().map(|m| m.requirements.clone()).collect();
    let steps = next_steps(&facts, &requirements, today, &settings);
    let eligible_count = evaluated.iter().filter(|(_, e)| e.can_apply()).count();
    let cards = StoredValue::new(evaluated);
    let base_query = format!(
        "domaine={}&format={}&distance={}&a_partir_du={}&tri={}",
        crate::components::urlencode(&domain),
        crate::components::urlencode(&format),
        crate::components::urlencode(&km),
        crate::components::urlencode(&from),
        crate::components::urlencode(&sort)
    );
    view! {
        <Form method="GET" action="/missions" attr:class="filters">
            <div class="field">
                <label for="f-domaine">"Domaine"</label>
                <select id="f-domaine" name="domaine">
                    <option value="">"Tous"</option>
                    {result.domains.iter().map(|(code, label)| view! { <option value=code.clone() selected=*code == domain>{label.clone()}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            <div class="field">
                <label for="f-format">"Format"</label>
                <select id="f-format" name="format">
                    <option value="">"Tous"</option>
                    {Format::ALL.iter().map(|f| view! { <option value=f.code() selected=format == f.code()>{f.label()}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            <div class="field">
                <label for="f-distance">"Distance de chez vous"</label>
                <select id="f-distance" name="distance" disabled=!result.has_home>
                    {distances.into_iter().map(|(v, l)| view! { <option value=v.clone() selected=v == km_value>{l}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            <div class="field">
                <label for="f-a_partir_du">"À partir du"</label>
                <input id="f-a_partir_du" type="date" name="a_partir_du" value=from.clone()/>
            </div>
            <div class="field">
                <label for="f-tri">"Trier par"</label>
                <select id="f-tri" name="tri">
                    <option value="distance" selected=sort != "date">"Distance"</option>
                    <option value="date" selected=sort == "date">"Date de début"</option>
                </select>
            </div>
            <button type="submit" class="button primary">"Filtrer"</button>
        </Form>
        {(!result.has_home).then(|| view! {
            <div class="alert alert-warning"><p>"Ajoutez votre code postal dans votre " <a href="/profil">"profil"</a> " pour voir les distances et filtrer les missions près de chez vous."</p></div>
        })}
        <div class="results-bar">
            <p data-testid="result-count">{format!("{} mission(s) — dont {eligible_count} ouverte(s) à votre candidature sur cette page", result.total)}</p>
            <label class="toggle">
                <input type="checkbox" prop:checked=move || only_eligible.get() on:change=move |_| only_eligible.update(|v| *v = !*v)/>
                " Seulement celles auxquelles je peux postuler"
            </label>
        </div>
        {(!steps.is_empty()).then(|| {
            let items = steps.iter().take(3).map(|s| {
                let label = s.action.label();
                let detail = if s.unlocks > 0 { format!(" — ouvre {} mission(s) de cette page", s.unlocks) } else { format!(" — utile pour {} mission(s)", s.helps) };
                match s.action.href() {
                    Some(href) => view! { <li><a href=href>{label}</a>{detail}</li> }.into_any(),
                    None => view! { <li>{label}{detail}</li> }.into_any(),
                }
            }).collect::<Vec<_>>();
            view! {
                <div class="next-steps">
                    <h2>"Pour postuler à plus de missions"</h2>
                    <ol>{items}</ol>
                </div>
            }
        })}
        <div class="mission-list">
            {move || {
                let only = only_eligible.get();
                let list = cards.with_value(|cards| {
                    cards.iter().filter(|(_, e)| !only || e.can_apply()).cloned().collect::<Vec<_>>()
                });
                if list.is_empty() {
                    return view! {
                        <p class="empty">{if only { "Aucune mission de cette page ne vous est encore ouverte : voyez ci-dessus ce qui vous débloquerait." } else { "Aucune mission ne correspond à ces critères. Élargissez la distance ou changez de domaine." }}</p>
                    }.into_any();
                }
                list.into_iter().map(|(m, e)| view! { <MissionCardView mission=m eligibility=e/> }).collect::<Vec<_>>().into_any()
            }}
        </div>
        <crate::staff::Pager page=result.page pages=result.pages base=format!("/missions?{base_query}")/>
    }
}

#[component]
fn MissionCardView(mission: MissionCard, eligibility: Eligibility) -> impl IntoView {
    let href = format!("/missions/{}", mission.id);
    let place = match (&mission.commune, mission.distance_km) {
        (Some(c), Some(d)) => format!("{c} — {}", distance_label(d)),
        (Some(c), None) => c.clone(),
        _ => "À distance".into(),
    };
    view! {
        <article class="card mission-card" data-mission=mission.id.to_string()>
            <div class="title-row">
                <h3><a href=href.clone()>{mission.title.clone()}</a></h3>
                {mission.applied.then(|| view! { <span class="badge badge-info">"Candidature envoyée"</span> })}
            </div>
            <p class="mission-meta">
                <span>{mission.domain_label.clone()}</span>
                <span>{format!("{} · {}", mission.format.label(), mission.group.label())}</span>
                <span>{format!("{} h", mission.hours)}</span>
                <span>{format!("du {} au {}", french_date(mission.requirements.start), french_date(mission.requirements.end))}</span>
                <span data-testid="place">{place}</span>
                {mission.requirements.cpf_funded.then(|| view! { <span class="badge small">"CPF"</span> })}
            </p>
            <EligibilityBadge eligibility href/>
        </article>
    }
}

#[component]
pub fn MissionPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let apply = ServerAction::<ApplyToMission>::new();
    let answers = Answers {
        withdraw: ServerAction::<WithdrawApplication>::new(),
        accept: ServerAction::<AcceptProposal>::new(),
        decline: ServerAction::<DeclineProposal>::new(),
    };
    let data = Resource::new(
        move || (id.get(), apply.version().get(), answers.withdraw.version().get(), answers.accept.version().get(), answers.decline.version().get()),
        |(id, ..)| load_mission(id),
    );
    view! {
        <PageTitle text="Mission"/>
        <RequireRole role=Role::Trainer>
            <p><a href="/missions">"← Missions"</a></p>
            <Loaded resource=data let:m>
                <MissionBody mission=m apply answers/>
            </Loaded>
        </RequireRole>
    }
}

/// What the trainer can do with an application and a proposal.
#[derive(Clone, Copy)]
struct Answers {
    withdraw: ServerAction<WithdrawApplication>,
    accept: ServerAction<AcceptProposal>,
    decline: ServerAction<DeclineProposal>,
}

/// The proposal made to the trainer: the terms, the learners' contacts while it can be answered
/// (and once accepted), accept or decline with an optional reason.
#[component]
fn ProposalPanel(mission: MissionDetail, proposal: ProposalView, answers: Answers) -> impl IntoView {
    let decline_form = FormState::new(answers.decline);
    let accept_value = answers.accept.value();
    let contacts = (!mission.learners.is_empty()).then(|| view! {
        <h3>"Coordonnées des stagiaires"</h3>
        <ul class="plain" data-testid="learners">
            {mission.learners.iter().map(|l| view! {
                <li><strong>{l.name.clone()}</strong>{format!(" — {} — {}", if l.phone.is_empty() { "—" } else { &l.phone }, if l.email.is_empty() { "—" } else { &l.email })}</li>
            }).collect::<Vec<_>>()}
        </ul>
    });
    let terms = format!(
        "{} heures à {} HT de l'heure, soit {} HT au total.",
        proposal.hours, proposal.hourly_rate, proposal.total
    );
    let centre = mission.centre_name.clone().map(|c| view! { <p>{format!("Centre de formation donneur d'ordre : {c}.")}</p> });
    let (pid_accept, pid_decline) = (proposal.id.to_string(), proposal.id.to_string());
    match (proposal.status, proposal.live) {
        (ProposalStatus::Open, true) => view! {
            <section class="panel chosen" data-testid="proposal">
                <h2>"Cette mission vous est proposée"</h2>
                <p><strong>{terms}</strong></p>
                {centre}
                <p>{format!("Répondez avant le {}. Prenez contact avec les stagiaires si besoin avant de répondre.", proposal.deadline)}</p>
                {contacts}
                <FormAlert error=error_of(accept_value)/>
                <div class="actions">
                    <ActionForm action=answers.accept attr:class="inline">
                        <input type="hidden" name="proposal_id" value=pid_accept/>
                        <button type="submit" class="button primary" disabled=move || answers.accept.pending().get()>"Accepter la mission"</button>
                    </ActionForm>
                </div>
                <details class="decline">
                    <summary>"Décliner la proposition"</summary>
                    <CheckedForm state=decline_form check=|a: &DeclineProposal| DeclineReason::try_from(a.form.clone()).map(drop) attr:class="form">
                        <FormAlert error=decline_form.alert()/>
                        <input type="hidden" name="proposal_id" value=pid_decline/>
                        <div class="field">
                            <label for="f-reason">"Raison (facultatif)"</label>
                            <textarea id="f-reason" name="reason" rows="2" maxlength="1000"></textarea>
                        </div>
                        <button type="submit" class="button danger" disabled=move || answers.decline.pending().get()>"Décliner"</button>
                    </CheckedForm>
                </details>
            </section>
        }.into_any(),
        (ProposalStatus::Accepted, _) => view! {
            <section class="panel chosen" data-testid="proposal">
                <h2>"Vous avez accepté cette mission"</h2>
                <p><strong>{terms}</strong></p>
                {centre}
                <p>"Prenez contact avec les stagiaires et signez votre contrat de sous-traitance avec le centre."</p>
                <p><a class="button primary" href="/contrats">"Voir et signer mon contrat"</a></p>
                {contacts}
            </section>
        }.into_any(),
        (status, _) => {
            let text = match status {
                ProposalStatus::Declined => "Vous avez décliné la proposition de cette mission.".to_string(),
                ProposalStatus::Cancelled => "L'équipe a retiré la proposition de cette mission.".to_string(),
                _ => format!("Le délai de réponse à la proposition est passé (il courait jusqu'au {}).", proposal.deadline),
            };
            view! { <section class="panel" data-testid="proposal"><p class="muted">{text}</p></section> }.into_any()
        }
    }
}

#[component]
fn MissionBody(mission: MissionDetail, apply: ServerAction<ApplyToMission>, answers: Answers) -> impl IntoView {
    // The explanation is computed here, by the same function the server runs when applying.
    let eligibility = evaluate(&mission.facts, &mission.requirements, mission.today, &mission.settings);
    let value = apply.value();
    let apply_form = FormState::new(apply);
    let place = match (&mission.commune, mission.distance_km) {
        (Some(c), Some(d)) => format!("{c} ({})", distance_label(d)),
        (Some(c), None) => c.clone(),
        _ => "À distance".into(),
    };
    let language = mission.requirements.domain.language.is_some();
    let can_apply = eligibility.can_apply();
    let open = mission.status == crate::domain::missions::MissionStatus::Published;
    let withdraw_value = answers.withdraw.value();
    // Whether "can you apply" still matters: not once a proposal was made or the choice is over.
    let still_applying = mission.application.as_ref().is_none_or(|a| matches!(a.status, ApplicationStatus::Sent | ApplicationStatus::Withdrawn));
    let withdrawn = mission.application.as_ref().is_some_and(|a| a.status == ApplicationStatus::Withdrawn);
    view! {
        <section class="panel">
            <div class="title-row">
                <h1>{mission.title.clone()}</h1>
                {mission.application.as_ref().map(|a| view! { <span class=a.status.tone() data-testid="application">{format!("Candidature : {}", a.status_label.to_lowercase())}</span> })}
            </div>
            <dl class="facts">
                <dt>"Domaine"</dt><dd>{mission.domain_label.clone()}</dd>
                <dt>"Format"</dt><dd>{format!("{} · {}", mission.format.label(), mission.group.label())}</dd>
                <dt>"Lieu"</dt><dd>{place}</dd>
                <dt>"Volume"</dt><dd>{format!("{} heures", mission.hours)}</dd>
                <dt>"Dates"</dt><dd>{format!("du {} au {}", french_date(mission.requirements.start), french_date(mission.requirements.end))}</dd>
                {(!mission.rhythm.is_empty()).then(|| view! { <dt>"Rythme"</dt><dd>{mission.rhythm.clone()}</dd> })}
                <dt>"Stagiaires"</dt><dd>{format!("{} — niveau {}", mission.learners_count, mission.learner_level.label().to_lowercase())}</dd>
                {language.then(|| view! { <dt>"Langue maternelle"</dt><dd>{mission.native_requirement.label()}</dd> })}
                <dt>"Financement"</dt><dd>{if mission.cpf_funded { "CPF (Compte personnel de formation)" } else { "Hors CPF" }}</dd>
                <dt>"Taux horaire proposé"</dt><dd data-testid="rate">{format!("{} HT", mission.hourly_rate)}</dd>
            </dl>
            {(!mission.description.is_empty()).then(|| view! { <p class="prewrap">{mission.description.clone()}</p> })}
        </section>
        {mission.proposal.clone().map(|p| view! { <ProposalPanel mission=mission.clone() proposal=p answers/> })}
        <section class="panel" data-testid="eligibility-panel">
            <h2>{if still_applying { "Pouvez-vous postuler ?" } else { "Votre candidature" }}</h2>
            {still_applying.then(|| view! { <EligibilityPanel eligibility facts=mission.facts.clone()/> })}
            {match (mission.application.clone().filter(|a| a.status != ApplicationStatus::Withdrawn), open) {
                (Some(a), _) if a.status == ApplicationStatus::Sent => view! {
                    <div class="application-state">
                        <p class="muted">{format!("Candidature envoyée le {} — taux horaire proposé : {} HT.", a.applied_on, a.hourly_rate)}</p>
                        <FormAlert error=error_of(withdraw_value)/>
                        <ActionForm action=answers.withdraw attr:class="inline">
                            <input type="hidden" name="mission_id" value=mission.id.to_string()/>
                            <button type="submit" class="button" disabled=move || answers.withdraw.pending().get()>"Retirer ma candidature"</button>
                        </ActionForm>
                    </div>
                }.into_any(),
                (Some(a), _) => view! { <p class="muted">{format!("Candidature : {} — {}", a.status_label.to_lowercase(), a.status.next_step())}</p> }.into_any(),
                (None, false) => view! { <p class="muted">"Cette mission n'est plus ouverte aux candidatures."</p> }.into_any(),
                (None, true) => view! {
                    <CheckedForm state=apply_form check=|a: &ApplyToMission| ApplicationMessage::try_from(a.form.clone()).map(drop) attr:class="form apply-form">
                        <input type="hidden" name="mission_id" value=mission.id.to_string()/>
                        {move || match value.get() {
                            Some(Err(AppError::NotEligible(refusals))) => view! {
                                <div class="alert alert-error" role="alert">
                                    <p>"Le serveur a refusé votre candidature :"</p>
                                    <ul>{refusals.into_iter().map(|r| view! { <li>{r.message}</li> }).collect::<Vec<_>>()}</ul>
                                </div>
                            }.into_any(),
                            _ => view! { <FormAlert error=apply_form.alert()/> }.into_any(),
                        }}
                        <div class="field">
                            <label for="f-message">"Message pour l'équipe (facultatif)"</label>
                            <textarea id="f-message" name="message" rows="3" maxlength="2000"></textarea>
                        </div>
                        {withdrawn.then(|| view! { <p class="muted">"Vous avez retiré votre candidature : vous pouvez postuler à nouveau."</p> })}
                        <p class="muted">{format!("En postulant, vous acceptez le taux horaire proposé : {} HT.", mission.hourly_rate)}</p>
                        <button type="submit" class="button primary" disabled=move || apply.pending().get() || !can_apply>
                            {if withdrawn { "Postuler à nouveau" } else { "Postuler à cette mission" }}
                        </button>
                    </CheckedForm>
                }.into_any(),
            }}
        </section>
    }
}

/// The trainer's applications, newest first, each with its status and the next step. The home
/// page shows the latest few (`limit`); "Mes candidatures" shows them all.
#[component]
pub fn MyApplications(#[prop(optional)] limit: Option<usize>) -> impl IntoView {
    let data = Resource::new(|| (), |_| my_applications());
    view! {
        <Suspense fallback=|| ()>
            {move || data.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="muted">"Vous n'avez pas encore postulé. " <a href="/missions">"Voir les missions près de chez vous"</a></p> }.into_any(),
                Ok(list) => {
                    let total = list.len();
                    let shown: Vec<MyApplication> = list.into_iter().take(limit.unwrap_or(usize::MAX)).collect();
                    let more = (shown.len() < total).then(|| view! { <p><a href="/candidatures">{format!("Voir mes {total} candidatures")}</a></p> });
                    view! {
                        <ul class="items" data-testid="my-applications">
                            {shown.into_iter().map(|a| view! {
                                <li data-status=a.status.code()>
                                    <div>
                                        <a href=format!("/missions/{}", a.mission_id)>{a.title}</a>
                                        <p class="muted small">{format!("Mission à partir du {} · candidature du {}", a.start, a.applied_on)}</p>
                                        <p class="small">{a.next_step}</p>
                                    </div>
                                    <span class=a.status.tone()>{a.status_label}</span>
                                </li>
                            }).collect::<Vec<_>>()}
                        </ul>
                        {more}
                    }.into_any()
                }
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })}
        </Suspense>
    }
}

/// "Mes candidatures": every application of the trainer.
#[component]
pub fn MyApplicationsPage() -> impl IntoView {
    view! {
        <PageTitle text="Mes candidatures"/>
        <RequireRole role=Role::Trainer>
            <section class="panel">
                <h1>"Mes candidatures"</h1>
                <MyApplications/>
            </section>
        </RequireRole>
    }
}

/// The daily email digest setting, on the account page.
#[component]
pub fn DigestSetting() -> impl IntoView {
    let action = ServerAction::<SetEmailDigest>::new();
    let profile = Resource::new(move || action.version().get(), |_| crate::profile::load_my_profile());
    view! {
        <h2>"Récapitulatif des missions"</h2>
        <Suspense fallback=|| ()>
            {move || profile.get().and_then(|r| r.ok()).map(|p| {
                let on = p.email_digest;
                view! {
                    <p data-testid="digest-state">{if on {
                        "Vous recevez chaque matin par e-mail les nouvelles missions de vos domaines près de chez vous."
                    } else {
                        "Le récapitulatif par e-mail est désactivé : les nouvelles missions n'apparaissent que dans vos notifications."
                    }}</p>
                    <ActionForm action attr:class="inline">
                        <input type="hidden" name="enabled" value=(!on).to_string()/>
                        <button type="submit" class="button">{if on { "Ne plus recevoir l'e-mail quotidien" } else { "Recevoir l'e-mail quotidien" }}</button>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}
