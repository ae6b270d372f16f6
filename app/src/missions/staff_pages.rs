//! Staff pages: partner centres (details, pay grid, accounts), missions (list, form, status,
//! rate, applicants), the daily broadcast and the rule settings.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::staff::*;
use crate::auth::Role;
use crate::components::form::{error_of, field_error, Field, FormAlert, Submit};
use crate::components::{ErrorPanel, PageTitle, RequireRole};
use crate::domain::missions::{Format, GroupKind, MissionStatus};
use crate::domain::{french_date, LearnerLevel, NativeRequirement};
use crate::staff::{CreateAccount, Pager};

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
// Centres

#[component]
pub fn CentresPage() -> impl IntoView {
    view! {
        <PageTitle text="Centres partenaires"/>
        <RequireRole role=Role::Staff>
            <Centres/>
        </RequireRole>
    }
}

#[component]
fn Centres() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_centres());
    view! {
        <section class="panel">
            <h1>"Centres partenaires"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">"Aucun centre pour l'instant : enregistrez le premier ci-dessous."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="table">
                            <thead><tr><th scope="col">"Centre"</th><th scope="col">"Ville"</th><th scope="col">"Gestion"</th><th scope="col">"Missions"</th><th scope="col">"Comptes"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <td data-label="Centre"><a href=format!("/equipe/centres/{}", c.id)>{c.name}</a></td>
                                        <td data-label="Ville">{c.city}</td>
                                        <td data-label="Gestion">{c.management_mode}</td>
                                        <td data-label="Missions">{c.missions}</td>
                                        <td data-label="Comptes">{c.users}</td>
                                    </tr>
                                }).collect::<Vec<_>>()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
        </section>
        <section class="panel">
            <h2>"Enregistrer un centre partenaire"</h2>
            <CentreForm centre=None/>
        </section>
    }
}

#[component]
fn CentreForm(centre: Option<CentreDetail>) -> impl IntoView {
    let action = ServerAction::<SaveCentre>::new();
    let value = action.value();
    let navigate = use_navigate();
    let id = centre.as_ref().map_or(0, |c| c.id);
    Effect::new(move |_| {
        if let Some(Ok(new_id)) = value.get() {
            if id == 0 {
                navigate(&format!("/equipe/centres/{new_id}"), Default::default());
            }
        }
    });
    let c = centre.unwrap_or(CentreDetail {
        id: 0,
        name: String::new(),
        siret: String::new(),
        nda: String::new(),
        address_line: String::new(),
        postal_code: String::new(),
        commune_name: String::new(),
        contact_name: String::new(),
        contact_email: String::new(),
        contact_phone: String::new(),
        management_mode: "formateurs".into(),
        default_hourly_rate: crate::domain::Money::from_euros(40),
        rates: Vec::new(),
        users: Vec::new(),
    });
    let rate = c.default_hourly_rate.to_string().replace(['\u{a0}', '€', '\u{202f}'], "").trim().to_string();
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <FormAlert error=error_of(value)/>
            {move || (id != 0 && matches!(value.get(), Some(Ok(_)))).then(|| view! { <div class="alert alert-success" role="status"><p>"Centre enregistré."</p></div> })}
            <input type="hidden" name="centre_id" value=id.to_string()/>
            <div class="row">
                <Field label="Nom du centre" name="name" required=true value=c.name.clone() error=field_error(value, "name")/>
                <Field label="SIRET" name="siret" required=true value=c.siret.clone() error=field_error(value, "siret")/>
                <Field label="NDA" name="nda" value=c.nda.clone() error=field_error(value, "nda")/>
            </div>
            <div class="row">
                <Field label="Adresse" name="address_line" value=c.address_line.clone() error=field_error(value, "address_line")/>
                <Field label="Code postal" name="postal_code" required=true value=c.postal_code.clone() error=field_error(value, "postal_code")/>
            </div>
            <div class="row">
                <Field label="Contact" name="contact_name" value=c.contact_name.clone() error=field_error(value, "contact_name")/>
                <Field label="E-mail du contact" name="contact_email" kind="email" value=c.contact_email.clone() error=field_error(value, "contact_email")/>
                <Field label="Téléphone du contact" name="contact_phone" kind="tel" value=c.contact_phone.clone() error=field_error(value, "contact_phone")/>
            </div>
            <div class="row">
                <div class="field">
                    <label for="f-management_mode">"Mode de gestion"</label>
                    <select id="f-management_mode" name="management_mode">
                        <option value="formateurs" selected=c.management_mode == "formateurs">"Gestion des formateurs"</option>
                        <option value="totale" selected=c.management_mode == "totale">"Gestion totale de la formation"</option>
                    </select>
                </div>
                <Field label="Taux horaire par défaut (€ HT)" name="default_hourly_rate" required=true value=rate hint="S'applique quand aucune ligne de la grille ne correspond." error=field_error(value, "default_hourly_rate")/>
            </div>
            <Submit label=if id == 0 { "Enregistrer le centre" } else { "Enregistrer les modifications" } pending=action.pending()/>
        </ActionForm>
    }
}

#[component]
pub fn CentrePage() -> impl IntoView {
    view! {
        <PageTitle text="Centre partenaire"/>
        <RequireRole role=Role::Staff>
            <Centre/>
        </RequireRole>
    }
}

#[component]
fn Centre() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let add_rate = ServerAction::<AddPayRate>::new();
    let delete_rate = ServerAction::<DeletePayRate>::new();
    let create_user = ServerAction::<CreateAccount>::new();
    let data = Resource::new(
        move || (id.get(), add_rate.version().get(), delete_rate.version().get(), create_user.version().get()),
        |(id, _, _, _)| load_centre(id),
    );
    let domains = Resource::new(|| (), |_| load_mission_form());
    let rate_value = add_rate.value();
    let user_value = create_user.value();
    view! {
        <p><a href="/equipe/centres">"← Centres"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Chargement…"</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                Ok(c) => {
                    let centre_id = c.id;
                    let rates = c.rates.clone();
                    let users = c.users.clone();
                    view! {
                        <section class="panel">
                            <div class="title-row">
                                <h1>{c.name.clone()}</h1>
                                <div class="actions">
                                    <a class="button" href=format!("/equipe/missions?centre={centre_id}")>"Missions du centre"</a>
                                    <a class="button primary" href=format!("/equipe/missions/nouvelle?centre={centre_id}")>"Nouvelle mission"</a>
                                </div>
                            </div>
                            <CentreForm centre=Some(c.clone())/>
                        </section>
                        <section class="panel">
                            <h2>"Grille de rémunération"</h2>
                            <p class="muted">{format!("Taux par défaut : {} HT de l'heure. La ligne la plus précise qui correspond à la mission s'applique (le domaine compte plus que le format, lui-même plus que la taille du groupe).", c.default_hourly_rate)}</p>
                            {if rates.is_empty() {
                                view! { <p class="empty small">"Aucune ligne : toutes les missions de ce centre prennent le taux par défaut."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table">
                                        <thead><tr><th scope="col">"Domaine"</th><th scope="col">"Format"</th><th scope="col">"Groupe"</th><th scope="col">"Volume"</th><th scope="col">"Taux HT"</th><th></th></tr></thead>
                                        <tbody>
                                            {rates.into_iter().map(|r| view! {
                                                <tr>
                                                    <td data-label="Domaine">{r.domain}</td><td data-label="Format">{r.format}</td><td data-label="Groupe">{r.group}</td><td data-label="Volume">{r.volume}</td><td data-label="Taux HT">{format!("{} / h", r.hourly_rate)}</td>
                                                    <td>
                                                        <ActionForm action=delete_rate attr:class="inline">
                                                            <input type="hidden" name="rate_id" value=r.id.to_string()/>
                                                            <button type="submit" class="button ghost small">"Supprimer"</button>
                                                        </ActionForm>
                                                    </td>
                                                </tr>
                                            }).collect::<Vec<_>>()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                            <h3>"Ajouter une ligne"</h3>
                            <ActionForm action=add_rate attr:class="form" attr:novalidate=true>
                                <FormAlert error=error_of(rate_value)/>
                                <input type="hidden" name="centre_id" value=centre_id.to_string()/>
                                <div class="row">
                                    <div class="field">
                                        <label for="f-rate-domain">"Domaine"</label>
                                        <select id="f-rate-domain" name="domain_code">
                                            <option value="">"Tous les domaines"</option>
                                            {move || domains.get().and_then(|r| r.ok()).map(|d| d.domains.into_iter().map(|(code, label, _)| view! { <option value=code>{label}</option> }).collect::<Vec<_>>())}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="f-rate-format">"Format"</label>
                                        <select id="f-rate-format" name="format">
                                            <option value="">"Tous formats"</option>
                                            {Format::ALL.iter().map(|f| view! { <option value=f.code()>{f.label()}</option> }).collect::<Vec<_>>()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="f-rate-group">"Groupe"</label>
                                        <select id="f-rate-group" name="group_kind">
                                            <option value="">"Individuel ou collectif"</option>
                                            {GroupKind::ALL.iter().map(|g| view! { <option value=g.code()>{g.label()}</option> }).collect::<Vec<_>>()}
                                        </select>
                                    </div>
                                </div>
                                <div class="row">
                                    <Field label="Volume minimum (h)" name="min_hours" kind="number" error=field_error(rate_value, "min_hours")/>
                                    <Field label="Volume maximum (h)" name="max_hours" kind="number" hint="Vide : sans maximum." error=field_error(rate_value, "max_hours")/>
                                    <Field label="Taux horaire (€ HT)" name="hourly_rate" required=true error=field_error(rate_value, "hourly_rate")/>
                                </div>
                                <Submit label="Ajouter la ligne" pending=add_rate.pending()/>
                            </ActionForm>
                        </section>
                        <section class="panel">
                            <h2>"Comptes du centre"</h2>
                            <p class="muted">"Les utilisateurs du centre voient les missions de leur centre et leur statut, jamais les profils des formateurs."</p>
                            {if users.is_empty() {
                                view! { <p class="empty small">"Aucun compte pour ce centre."</p> }.into_any()
                            } else {
                                view! { <ul class="plain">{users.into_iter().map(|(n, e)| view! { <li>{format!("{n} — {e}")}</li> }).collect::<Vec<_>>()}</ul> }.into_any()
                            }}
                            {move || user_value.get().and_then(|r| r.ok()).map(|msg| view! { <div class="alert alert-success" role="status"><p>{msg}</p></div> })}
                            <ActionForm action=create_user attr:class="form" attr:novalidate=true>
                                <FormAlert error=error_of(user_value)/>
                                <input type="hidden" name="role" value="centre"/>
                                <input type="hidden" name="centre_id" value=centre_id.to_string()/>
                                <div class="row">
                                    <Field label="Prénom" name="first_name" required=true error=field_error(user_value, "first_name")/>
                                    <Field label="Nom" name="last_name" required=true error=field_error(user_value, "last_name")/>
                                    <Field label="E-mail" name="email" kind="email" required=true error=field_error(user_value, "email")/>
                                </div>
                                <Submit label="Créer l'accès (invitation par e-mail)" pending=create_user.pending()/>
                            </ActionForm>
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
    }
}

// ---------------------------------------------------------------------------------------------
// Missions

#[component]
pub fn StaffMissionsPage() -> impl IntoView {
    view! {
        <PageTitle text="Missions"/>
        <RequireRole role=Role::Staff>
            <StaffMissions/>
        </RequireRole>
    }
}

#[component]
fn StaffMissions() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &'static str| Memo::new(move |_| query.read().get(k).unwrap_or_default());
    let (centre, status, domain) = (get("centre"), get("statut"), get("domaine"));
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1u32));
    let data = Resource::new(move || (centre.get(), status.get(), domain.get(), page.get()), |(c, s, d, p)| staff_missions(c, s, d, p));
    let form = Resource::new(|| (), |_| load_mission_form());
    let broadcast = ServerAction::<RunBroadcastNow>::new();
    let broadcast_state = Resource::new(move || broadcast.version().get(), |_| load_broadcast_status());
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
                            <div class="field">
                                <label for="f-centre">"Centre"</label>
                                <select id="f-centre" name="centre">
                                    <option value="">"Tous"</option>
                                    {centres.into_iter().map(|(id, name)| {
                                        let selected = centre.get_untracked() == id.to_string();
                                        view! { <option value=id.to_string() selected=selected>{name}</option> }
                                    }).collect::<Vec<_>>()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="f-statut">"Statut"</label>
                                <select id="f-statut" name="statut">
                                    <option value="">"Tous"</option>
                                    {MissionStatus::ALL.iter().map(|s| view! { <option value=s.code() selected=move || status.get() == s.code()>{s.label()}</option> }).collect::<Vec<_>>()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="f-domaine-staff">"Domaine"</label>
                                <select id="f-domaine-staff" name="domaine">
                                    <option value="">"Tous"</option>
                                    {domains.into_iter().map(|(code, label, _)| {
                                        let selected = domain.get_untracked() == code;
                                        view! { <option value=code.clone() selected=selected>{label}</option> }
                                    }).collect::<Vec<_>>()}
                                </select>
                            </div>
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

#[component]
pub fn StaffMissionPage() -> impl IntoView {
    view! {
        <PageTitle text="Mission"/>
        <RequireRole role=Role::Staff>
            <StaffMissionView/>
        </RequireRole>
    }
}

#[component]
fn StaffMissionView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let preset_centre = Memo::new(move |_| query.read().get("centre").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let status = ServerAction::<ChangeMissionStatus>::new();
    let rate = ServerAction::<OverrideRate>::new();
    let choose = ServerAction::<ChooseApplicant>::new();
    let save = ServerAction::<SaveMission>::new();
    let data = Resource::new(
        move || (id.get(), status.version().get(), rate.version().get(), choose.version().get(), save.version().get()),
        |(id, _, _, _, _)| async move { if id == 0 { Ok(None) } else { load_staff_mission(id).await.map(Some) } },
    );
    let form = Resource::new(|| (), |_| load_mission_form());
    view! {
        <p><a href="/equipe/missions">"← Missions"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Chargement…"</p> }>
            {move || match (data.get(), form.get()) {
                (Some(Err(e)), _) | (_, Some(Err(e))) => Some(view! { <ErrorPanel error=e/> }.into_any()),
                (Some(Ok(mission)), Some(Ok(form))) => Some(view! {
                    <MissionEditor mission form preset_centre=preset_centre.get_untracked() save status rate choose/>
                }.into_any()),
                _ => None,
            }}
        </Transition>
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
    choose: ServerAction<ChooseApplicant>,
) -> impl IntoView {
    let value = save.value();
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
    let native = m.as_ref().map_or("indifferent".to_string(), |m| m.native_requirement.clone());
    let format_code = m.as_ref().map_or("presentiel".to_string(), |m| m.format.clone());
    let group = m.as_ref().map_or("individuel".to_string(), |m| m.group_kind.clone());
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
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <FormAlert error=error_of(value)/>
                <input type="hidden" name="mission_id" value=id.to_string()/>
                <div class="row">
                    <div class="field" class:has-error=move || field_error(value, "centre_id").get().is_some()>
                        <label for="f-centre_id" class="req">"Centre"</label>
                        <select id="f-centre_id" name="centre_id">
                            <option value="0">"Choisissez…"</option>
                            {form.centres.iter().map(|(cid, name)| view! { <option value=cid.to_string() selected=*cid == centre>{name.clone()}</option> }).collect::<Vec<_>>()}
                        </select>
                        {move || field_error(value, "centre_id").get().map(|e| view! { <p class="error">{e}</p> })}
                    </div>
                    <Field label="Intitulé" name="title" required=true value=title error=field_error(value, "title")/>
                </div>
                <div class="row">
                    <div class="field" class:has-error=move || field_error(value, "domain_code").get().is_some()>
                        <label for="f-domain_code" class="req">"Domaine"</label>
                        <select id="f-domain_code" name="domain_code" on:change:target=move |ev| chosen_domain.set(ev.target().value())>
                            <option value="">"Choisissez…"</option>
                            {form.domains.iter().map(|(code, label, _)| view! { <option value=code.clone() selected=*code == domain>{label.clone()}</option> }).collect::<Vec<_>>()}
                        </select>
                        {move || field_error(value, "domain_code").get().map(|e| view! { <p class="error">{e}</p> })}
                    </div>
                    <div class="field">
                        <label for="f-learner_level" class="req">"Niveau des stagiaires"</label>
                        <select id="f-learner_level" name="learner_level">
                            {LearnerLevel::ALL.iter().map(|l| view! { <option value=l.code() selected=level == l.code()>{l.label()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </div>
                    <div class="field" class:hidden=move || !is_language()>
                        <label for="f-native_requirement">"Langue maternelle du formateur"</label>
                        <select id="f-native_requirement" name="native_requirement">
                            {NativeRequirement::ALL.iter().map(|n| view! { <option value=n.code() selected=native == n.code()>{n.label()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </div>
                </div>
                <div class="field">
                    <label for="f-description">"Description"</label>
                    <textarea id="f-description" name="description" rows="3">{description}</textarea>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="f-format-m" class="req">"Format"</label>
                        <select id="f-format-m" name="format" on:change:target=move |ev| chosen_format.set(ev.target().value())>
                            {Format::ALL.iter().map(|f| view! { <option value=f.code() selected=format_code == f.code()>{f.label()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-group_kind" class="req">"Groupe"</label>
                        <select id="f-group_kind" name="group_kind">
                            {GroupKind::ALL.iter().map(|g| view! { <option value=g.code() selected=group == g.code()>{g.label()}</option> }).collect::<Vec<_>>()}
                        </select>
                    </div>
                    <div class:hidden=move || chosen_format.get() != "presentiel">
                        <Field label="Code postal du lieu" name="postal_code" value=postal_code error=field_error(value, "postal_code")/>
                    </div>
                </div>
                <div class="row">
                    <Field label="Nombre d'heures" name="hours" kind="number" required=true value=hours error=field_error(value, "hours")/>
                    <Field label="Début" name="start_date" kind="date" required=true value=start_date error=field_error(value, "start_date")/>
                    <Field label="Fin" name="end_date" kind="date" required=true value=end_date error=field_error(value, "end_date")/>
                </div>
                <div class="row">
                    <Field label="Rythme" name="rhythm" value=rhythm hint="Par exemple : 2 demi-journées par semaine" error=field_error(value, "rhythm")/>
                    <Field label="Nombre de stagiaires" name="learners_count" kind="number" required=true value=learners_count error=field_error(value, "learners_count")/>
                    <fieldset class="choices">
                        <legend>"Financement"</legend>
                        <label><input type="checkbox" name="cpf_funded" value="on" checked=cpf/>" Financée par le CPF"</label>
                    </fieldset>
                </div>
                <div class="field" class:has-error=move || field_error(value, "learners").get().is_some()>
                    <label for="f-learners">"Contacts des stagiaires (cachés aux formateurs jusqu'au choix)"</label>
                    <textarea id="f-learners" name="learners" rows="3" placeholder="Nom ; téléphone ; e-mail — une ligne par stagiaire">{learners_text}</textarea>
                    {move || field_error(value, "learners").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <Submit label=if id == 0 { "Créer la mission (brouillon)" } else { "Enregistrer la mission" } pending=save.pending()/>
            </ActionForm>
        </section>
        {mission.map(|m| view! { <MissionManagement mission=m status rate choose/> })}
    }
}

#[component]
fn MissionManagement(
    mission: StaffMission,
    status: ServerAction<ChangeMissionStatus>,
    rate: ServerAction<OverrideRate>,
    choose: ServerAction<ChooseApplicant>,
) -> impl IntoView {
    let id = mission.id;
    let status_value = status.value();
    let rate_value = rate.value();
    let choose_value = choose.value();
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
    let published = mission.status == MissionStatus::Published;
    view! {
        <section class="panel">
            <h2>"Statut"</h2>
            <FormAlert error=error_of(status_value)/>
            <div class="actions">{next}</div>
            <ul class="history">
                {mission.status_history.iter().map(|h| view! { <li>{format!("{} — {} ({})", h.at, h.what, h.who)}</li> }).collect::<Vec<_>>()}
            </ul>
        </section>
        <section class="panel">
            <h2>"Taux horaire"</h2>
            <p>
                <strong data-testid="mission-rate">{format!("{} HT / h", mission.hourly_rate)}</strong>
                {if mission.rate_overridden { format!(" — fixé à la main (grille du centre : {})", mission.grid_rate) } else { " — selon la grille du centre".to_string() }}
            </p>
            <ActionForm action=rate attr:class="form" attr:novalidate=true>
                <FormAlert error=error_of(rate_value)/>
                <input type="hidden" name="mission_id" value=id.to_string()/>
                <div class="row">
                    <Field label="Nouveau taux (€ HT)" name="hourly_rate" hint="Vide : revenir au taux de la grille." error=field_error(rate_value, "hourly_rate")/>
                    <Field label="Motif" name="reason" error=field_error(rate_value, "reason")/>
                </div>
                <Submit label="Modifier le taux" pending=rate.pending()/>
            </ActionForm>
            <h3>"Historique"</h3>
            <ul class="history">
                {mission.rate_history.iter().map(|h| view! { <li>{format!("{} — {} ({})", h.at, h.what, h.who)}</li> }).collect::<Vec<_>>()}
            </ul>
        </section>
        <section class="panel">
            <h2>{format!("Candidatures ({})", mission.applicants.len())}</h2>
            <FormAlert error=error_of(choose_value)/>
            {if mission.applicants.is_empty() {
                view! { <p class="empty small">"Aucune candidature pour l'instant."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Formateur"</th><th scope="col">"Niveau testé"</th><th scope="col">"Distance"</th><th scope="col">"Éligible aujourd'hui"</th><th scope="col">"Statut"</th><th></th></tr></thead>
                        <tbody>
                            {mission.applicants.into_iter().map(|a| view! {
                                <tr>
                                    <td data-label="Formateur"><a href=format!("/equipe/profils/{}", a.user_id)>{a.name.clone()}</a><br/><small class="muted">{format!("le {}", a.applied_on)}</small></td>
                                    <td data-label="Niveau testé">{a.level.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td data-label="Distance">{a.distance_km.map(|d| format!("{d} km")).unwrap_or_else(|| "—".into())}</td>
                                    <td data-label="Éligible aujourd'hui">{if a.eligible_now { view! { <span class="badge badge-ok">"Oui"</span> }.into_any() } else { view! { <span class="badge badge-warn" title=a.reasons.join(" / ")>"Non"</span> }.into_any() }}</td>
                                    <td data-label="Statut">{a.status_label.clone()}</td>
                                    <td>
                                        {(published && a.status == "envoyee").then(|| view! {
                                            <ActionForm action=choose attr:class="inline">
                                                <input type="hidden" name="mission_id" value=id.to_string()/>
                                                <input type="hidden" name="user_id" value=a.user_id.to_string()/>
                                                <button type="submit" class="button primary small">"Retenir"</button>
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
    }
}

// ---------------------------------------------------------------------------------------------
// Rule settings

#[component]
pub fn RulesPage() -> impl IntoView {
    view! {
        <PageTitle text="Réglages des règles"/>
        <RequireRole role=Role::Staff>
            <Rules/>
        </RequireRole>
    }
}

#[component]
fn Rules() -> impl IntoView {
    let save = ServerAction::<SaveCeiling>::new();
    let delete = ServerAction::<DeleteCeiling>::new();
    let data = Resource::new(move || (save.version().get(), delete.version().get()), |_| load_rule_settings());
    let value = save.value();
    view! {
        <section class="panel">
            <h1>"Réglages des règles d'éligibilité"</h1>
            <p class="muted">
                "Missions financées par le CPF (décret n° 2023-1350, à partir du 1er avril 2024) : il faut être certifié Qualiopi, "
                "ou relever du régime micro-social avec un chiffre d'affaires annuel sous le plafond de la micro-entreprise (prestations de services) en vigueur à la date de la mission."
            </p>
            <Suspense fallback=|| ()>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(settings) => view! {
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
                    }.into_any(),
                })}
            </Suspense>
            <h2>"Ajouter ou remplacer un plafond"</h2>
            <ActionForm action=save attr:class="form narrow-form" attr:novalidate=true>
                <FormAlert error=error_of(value)/>
                <Field label="En vigueur à partir du" name="valid_from" kind="date" required=true error=field_error(value, "valid_from")/>
                <Field label="Plafond (€ HT)" name="amount" required=true error=field_error(value, "amount")/>
                <Submit label="Enregistrer le plafond" pending=save.pending()/>
            </ActionForm>
        </section>
    }
}
