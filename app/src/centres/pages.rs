//! Staff pages of partner centres: the list, a centre's details, pay grid and accounts.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::*;
use crate::auth::Role;
use crate::components::form::{error_of, field_error, CheckedForm, DeleteButton, Field, FormAlert, FormState, SelectField, Submit};
use crate::components::{Loaded, PageTitle, RequireRole};
use crate::domain::forms::centres::{Centre, PayRateLine};
use crate::domain::missions::{Format, GroupKind};
use crate::missions::staff::{load_mission_form, MissionFormData};
use crate::staff::CreateAccount;

#[component]
pub fn CentresPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_centres());
    view! {
        <PageTitle text="Centres partenaires"/>
        <RequireRole role=Role::Staff>
            <Centres data/>
        </RequireRole>
    }
}

#[component]
fn Centres(data: Resource<Result<Vec<CentreSummary>, AppError>>) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Centres partenaires"</h1>
            <Loaded resource=data let:list>
                {if list.is_empty() {
                    view! { <p class="empty">"Aucun centre pour l'instant : enregistrez le premier ci-dessous."</p> }.into_any()
                } else {
                    view! {
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
                    }.into_any()
                }}
            </Loaded>
        </section>
        <section class="panel">
            <h2>"Enregistrer un centre partenaire"</h2>
            <CentreEditor centre=None/>
        </section>
    }
}

#[component]
fn CentreEditor(centre: Option<CentreDetail>) -> impl IntoView {
    let action = ServerAction::<SaveCentre>::new();
    let value = action.value();
    let form = FormState::new(action);
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
        management_mode: ManagementMode::Trainers,
        default_hourly_rate: Money::from_euros(40),
        rates: Vec::new(),
        users: Vec::new(),
    });
    let rate = c.default_hourly_rate.to_string().replace(['\u{a0}', '€', '\u{202f}'], "").trim().to_string();
    let modes: Vec<(String, String)> = ManagementMode::ALL.iter().map(|m| (m.code().to_string(), m.choice_label().to_string())).collect();
    view! {
        <CheckedForm state=form check=|a: &SaveCentre| Centre::try_from(a.form.clone()).map(drop) attr:class="form">
            <FormAlert error=form.alert()/>
            {move || (id != 0 && matches!(value.get(), Some(Ok(_)))).then(|| view! { <div class="alert alert-success" role="status"><p>"Centre enregistré."</p></div> })}
            <input type="hidden" name="centre_id" value=id.to_string()/>
            <div class="row">
                <Field label="Nom du centre" name="name" required=true value=c.name.clone() error=form.field("name")/>
                <Field label="SIRET" name="siret" required=true value=c.siret.clone() error=form.field("siret")/>
                <Field label="NDA" name="nda" value=c.nda.clone() error=form.field("nda")/>
            </div>
            <div class="row">
                <Field label="Adresse" name="address_line" value=c.address_line.clone() error=form.field("address_line")/>
                <Field label="Code postal" name="postal_code" required=true value=c.postal_code.clone() error=form.field("postal_code")/>
            </div>
            <div class="row">
                <Field label="Contact" name="contact_name" value=c.contact_name.clone() error=form.field("contact_name")/>
                <Field label="E-mail du contact" name="contact_email" kind="email" value=c.contact_email.clone() error=form.field("contact_email")/>
                <Field label="Téléphone du contact" name="contact_phone" kind="tel" value=c.contact_phone.clone() error=form.field("contact_phone")/>
            </div>
            <div class="row">
                <SelectField label="Mode de gestion" name="management_mode" options=modes selected=c.management_mode.code().to_string() error=form.field("management_mode")/>
                <Field label="Taux horaire par défaut (€ HT)" name="default_hourly_rate" required=true value=rate hint="S'applique quand aucune ligne de la grille ne correspond." error=form.field("default_hourly_rate")/>
            </div>
            <Submit label=if id == 0 { "Enregistrer le centre" } else { "Enregistrer les modifications" } pending=action.pending()/>
        </CheckedForm>
    }
}

#[component]
pub fn CentrePage() -> impl IntoView {
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
    view! {
        <PageTitle text="Centre partenaire"/>
        <RequireRole role=Role::Staff>
            <p><a href="/equipe/centres">"← Centres"</a></p>
            <Loaded resource=data let:c>
                <CentreView c=c domains add_rate delete_rate create_user/>
            </Loaded>
        </RequireRole>
    }
}

#[component]
fn CentreView(
    c: CentreDetail,
    domains: Resource<Result<MissionFormData, AppError>>,
    add_rate: ServerAction<AddPayRate>,
    delete_rate: ServerAction<DeletePayRate>,
    create_user: ServerAction<CreateAccount>,
) -> impl IntoView {
    let rate_form = FormState::new(add_rate);
    let user_value = create_user.value();
    let centre_id = c.id;
    let rates = c.rates.clone();
    let users = c.users.clone();
    let any = |label: &str| (String::new(), label.to_string());
    let formats: Vec<(String, String)> =
        std::iter::once(any("Tous formats")).chain(Format::ALL.iter().map(|f| (f.code().to_string(), f.label().to_string()))).collect();
    let groups: Vec<(String, String)> = std::iter::once(any("Individuel ou collectif"))
        .chain(GroupKind::ALL.iter().map(|g| (g.code().to_string(), g.label().to_string())))
        .collect();
    view! {
        <section class="panel">
            <div class="title-row">
                <h1>{c.name.clone()}</h1>
                <div class="actions">
                    <a class="button" href=format!("/equipe/missions?centre={centre_id}")>"Missions du centre"</a>
                    <a class="button primary" href=format!("/equipe/missions/nouvelle?centre={centre_id}")>"Nouvelle mission"</a>
                </div>
            </div>
            <CentreEditor centre=Some(c.clone())/>
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
                                    <td><DeleteButton action=delete_rate id=r.id field="rate_id"/></td>
                                </tr>
                            }).collect::<Vec<_>>()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <h3>"Ajouter une ligne"</h3>
            <CheckedForm state=rate_form check=|a: &AddPayRate| PayRateLine::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=rate_form.alert()/>
                <input type="hidden" name="centre_id" value=centre_id.to_string()/>
                <div class="row">
                    <Transition fallback=|| ()>
                        {move || domains.get().map(|r| {
                            let options: Vec<(String, String)> = std::iter::once((String::new(), "Tous les domaines".to_string()))
                                .chain(r.map(|d| d.domains).unwrap_or_default().into_iter().map(|(code, label, _)| (code, label)))
                                .collect();
                            view! { <SelectField label="Domaine" name="domain_code" id="f-rate-domain" options error=rate_form.field("domain_code")/> }
                        })}
                    </Transition>
                    <SelectField label="Format" name="format" id="f-rate-format" options=formats/>
                    <SelectField label="Groupe" name="group_kind" id="f-rate-group" options=groups/>
                </div>
                <div class="row">
                    <Field label="Volume minimum (h)" name="min_hours" kind="number" error=rate_form.field("min_hours")/>
                    <Field label="Volume maximum (h)" name="max_hours" kind="number" hint="Vide : sans maximum." error=rate_form.field("max_hours")/>
                    <Field label="Taux horaire (€ HT)" name="hourly_rate" required=true error=rate_form.field("hourly_rate")/>
                </div>
                <Submit label="Ajouter la ligne" pending=add_rate.pending()/>
            </CheckedForm>
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
            // TODO(shared-ui): the account form belongs to the staff area (CreateAccount); typed there.
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
    }
}
