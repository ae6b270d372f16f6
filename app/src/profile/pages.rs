//! The trainer's profile pages (PROFIL, PARCOURS, ADMINISTRATIF, DOCUMENTS) and the summaries
//! staff see on the review page.

use leptos::prelude::*;

use super::*;
use crate::auth::Role;
use crate::components::form::{error_of, go_to, CheckedForm, DeleteButton, Field, FormAlert, FormState, SelectField, Submit};
use crate::components::{ErrorPanel, Loaded, PageTitle, RequireRole};
use crate::domain::forms::profile::{
    AdministrativeUpdate, DomainChoice, ErasureRequest, IdentityUpdate, LanguageChoice, NewDiploma, NewExperience,
};
use crate::domain::languages::LANGUAGES;
use crate::domain::profile::{DocumentKind, SUBMIT_MINIMUM};
use crate::domain::{french_date, Cefr, CompetenceLevel, LegalStatus, Money};

/// The tabs of the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Profile,
    Background,
    Administrative,
    Documents,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Profile, Tab::Background, Tab::Administrative, Tab::Documents];

    fn href(self) -> &'static str {
        match self {
            Tab::Profile => "/profil",
            Tab::Background => "/profil/parcours",
            Tab::Administrative => "/profil/administratif",
            Tab::Documents => "/profil/documents",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Profile => "PROFIL",
            Tab::Background => "PARCOURS",
            Tab::Administrative => "SITUATION ADMINISTRATIVE",
            Tab::Documents => "DOCUMENTS",
        }
    }

    fn section(self) -> ReviewSection {
        match self {
            Tab::Profile => ReviewSection::Profile,
            Tab::Background => ReviewSection::Background,
            Tab::Administrative => ReviewSection::Administrative,
            Tab::Documents => ReviewSection::Documents,
        }
    }
}

/// The profile as last loaded, and a counter that reloads it after a change.
#[derive(Clone, Copy)]
struct ProfileCtx {
    data: Resource<Result<MyProfile, AppError>>,
    refresh: RwSignal<u32>,
}

impl ProfileCtx {
    fn reload(self) {
        self.refresh.update(|n| *n += 1);
    }
}

/// Reloads the profile when `value` turns into a success.
fn reload_on_success<T, S>(ctx: ProfileCtx, value: S)
where
    T: 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            ctx.reload();
        }
    });
}

/// An action on the profile, after which the profile reloads.
fn profile_action<S>() -> ServerAction<S>
where
    S: server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    reload_on_success(expect_context::<ProfileCtx>(), action.value());
    action
}

/// The state of one of the profile's forms: the profile reloads after each success.
fn profile_form<S>() -> FormState<S>
where
    S: server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    FormState::new(profile_action::<S>())
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! { <ProfileShell tab=Tab::Profile/> }
}

#[component]
pub fn BackgroundPage() -> impl IntoView {
    view! { <ProfileShell tab=Tab::Background/> }
}

#[component]
pub fn AdministrativePage() -> impl IntoView {
    view! { <ProfileShell tab=Tab::Administrative/> }
}

#[component]
pub fn DocumentsPage() -> impl IntoView {
    view! { <ProfileShell tab=Tab::Documents/> }
}

/// The page loads the profile once: the resource is created here, outside `RequireRole`, and
/// reloaded after each change. The edit forms are filled from its first value only (`initial`),
/// so that reloading the rest of the page (after an upload, say) never wipes what the trainer
/// is typing.
#[component]
fn ProfileShell(tab: Tab) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    // The first load fills the edit forms and is never refetched; later loads (after each
    // change) refresh the rest of the page. The first value of `data` is the first load itself,
    // awaited, not a second call: one render runs the loader once.
    let initial = Resource::new(|| (), |_| load_my_profile());
    let data = Resource::new(
        move || refresh.get(),
        move |n| async move {
            if n == 0 {
                initial.await
            } else {
                load_my_profile().await
            }
        },
    );
    provide_context(ProfileCtx { data, refresh });
    view! {
        <PageTitle text=format!("Mon profil — {}", tab.label().to_lowercase())/>
        <RequireRole role=Role::Trainer>
            <ProfileBody tab initial/>
        </RequireRole>
    }
}

#[component]
fn ProfileBody(tab: Tab, initial: Resource<Result<MyProfile, AppError>>) -> impl IntoView {
    let ctx = expect_context::<ProfileCtx>();
    let tabs = Tab::ALL
        .iter()
        .map(|t| {
            let current = (*t == tab).then_some("page");
            view! { <a href=t.href() aria-current=current>{t.label()}</a> }
        })
        .collect::<Vec<_>>();
    let forms = move || {
        let first = initial.get();
        // Built untracked too: what the forms read while being built must not rebuild them.
        first.map(|r| {
            untrack(move || match r {
                Ok(p) => match tab {
                    Tab::Profile => view! { <IdentityForm profile=p/> }.into_any(),
                    Tab::Background => view! { <BackgroundTab profile=p/> }.into_any(),
                    Tab::Administrative => view! { <AdministrativeTab profile=p/> }.into_any(),
                    Tab::Documents => view! { <DocumentsTab/> }.into_any(),
                },
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })
        })
    };
    view! {
        <div class="profile">
            <Loaded resource=ctx.data loading="Chargement de votre profil…" let:p>
                <ProfileHeader profile=p tab/>
            </Loaded>
            <nav class="tabs" aria-label="Onglets du profil">{tabs}</nav>
            <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>{forms}</Suspense>
        </div>
    }
}

/// Today's date for the browser-side checks (the server checks again with its own clock).
fn today() -> chrono::NaiveDate {
    #[cfg(feature = "ssr")]
    {
        crate::infra::time::today()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let now = js_sys::Date::new_0();
        chrono::NaiveDate::from_ymd_opt(now.get_full_year() as i32, now.get_month() + 1, now.get_date()).unwrap_or(chrono::NaiveDate::MAX)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        chrono::NaiveDate::MAX
    }
}

/// The error line under a field, for inputs that are not a `Field`.
fn field_message(error: Signal<Option<String>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="error">{e}</p> })
}

#[component]
pub fn StatusBadge(status: ProfileStatus) -> impl IntoView {
    let class = match status {
        ProfileStatus::Draft => "badge",
        ProfileStatus::Submitted => "badge badge-info",
        ProfileStatus::Validated => "badge badge-ok",
        ProfileStatus::ChangesRequested => "badge badge-warn",
        ProfileStatus::Rejected => "badge badge-err",
    };
    view! { <span class=class data-status=status.code()>{status.label()}</span> }
}

#[component]
fn ProfileHeader(profile: MyProfile, tab: Tab) -> impl IntoView {
    let submit = profile_action::<SubmitProfile>();
    let value = submit.value();
    let c = profile.completeness.clone();
    let can_submit = c.can_submit();
    let submittable = matches!(profile.status, ProfileStatus::Draft | ProfileStatus::ChangesRequested);
    let missing = c
        .missing
        .iter()
        .take(6)
        .map(|m| {
            let href = m.href.clone();
            view! {
                <li>
                    <a href=href>{m.label.clone()}</a>
                    {m.required_to_submit.then(|| view! { <span class="badge badge-warn small">"minimum"</span> })}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let status_text = match profile.status {
        ProfileStatus::Draft => "Complétez le minimum puis envoyez votre profil : l'équipe le vérifie avant que vous puissiez postuler.".to_string(),
        ProfileStatus::Submitted => format!(
            "Votre profil a été envoyé le {} : l'équipe le vérifie. Vous pouvez continuer à le compléter.",
            profile.submitted_on.clone().unwrap_or_default()
        ),
        ProfileStatus::Validated => "Votre profil est validé par l'équipe.".to_string(),
        ProfileStatus::ChangesRequested => "L'équipe vous demande des modifications : corrigez les points signalés puis renvoyez votre profil.".to_string(),
        ProfileStatus::Rejected => "Votre profil n'a pas été validé. Contactez l'équipe pour en parler.".to_string(),
    };
    let pending = profile.pending_parts();
    let review = profile
        .last_review
        .clone()
        .filter(|r| matches!(r.decision, ProfileStatus::ChangesRequested | ProfileStatus::Rejected))
        .filter(|_| matches!(profile.status, ProfileStatus::ChangesRequested | ProfileStatus::Rejected));
    let section_reason = review
        .as_ref()
        .and_then(|r| r.reasons.iter().find(|(s, _)| *s == tab.section()).map(|(_, reason)| reason.clone()));
    view! {
        <section class="panel profile-header">
            <div class="title-row">
                <h1>"Mon profil"</h1>
                <StatusBadge status=profile.status/>
            </div>
            <p>{status_text}</p>
            {(!pending.is_empty()).then(|| view! {
                <div class="alert alert-warning" role="status">
                    <p>{format!("Modifié depuis la validation, en cours de revérification par l'équipe : {}.", pending.join(", "))}</p>
                </div>
            })}
            {review.map(|r| view! {
                <div class="alert alert-warning review-reasons" role="status">
                    <p><strong>{format!("Décision de l'équipe du {} :", r.decided_on)}</strong></p>
                    <ul>
                        {r.reasons.into_iter().map(|(s, reason)| view! { <li><strong>{s.label()}" : "</strong>{reason}</li> }).collect::<Vec<_>>()}
                    </ul>
                </div>
            })}
            <div class="completeness">
                <div class="meter" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=c.percent.to_string() aria-label="Profil complété">
                    <span style=format!("width: {}%", c.percent)></span>
                </div>
                <p class="percent"><strong data-testid="completeness">{format!("{} %", c.percent)}</strong>" complété — 100 % n'est pas nécessaire pour postuler."</p>
            </div>
            {(!missing.is_empty()).then(|| view! {
                <details class="missing" open=true>
                    <summary>"Ce qu'il reste à compléter (le plus utile d'abord)"</summary>
                    <ul>{missing}</ul>
                </details>
            })}
            {submittable.then(|| view! {
                <div class="submit-box">
                    <p class="muted">{format!("Minimum pour envoyer votre profil : {SUBMIT_MINIMUM}.")}</p>
                    <FormAlert error=error_of(value)/>
                    <ActionForm action=submit attr:class="inline">
                        <button type="submit" class="button primary" disabled=move || !can_submit || submit.pending().get()>
                            "Envoyer mon profil pour vérification"
                        </button>
                    </ActionForm>
                </div>
            })}
            {section_reason.map(|reason| view! {
                <p class="section-reason"><strong>"À corriger dans cet onglet : "</strong>{reason}</p>
            })}
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// PROFIL

#[component]
fn IdentityForm(profile: MyProfile) -> impl IntoView {
    let form = profile_form::<SaveIdentity>();
    let (action, value) = (form.action, form.action.value());
    let id = profile.identity;
    let postal = RwSignal::new(id.postal_code.clone().unwrap_or_default());
    // The saved commune first; the list is fetched again only when the postal code changes in
    // the browser (never during the server render, so hydration sees the same markup).
    let saved: Vec<CommuneOption> = match (&id.commune_code, &id.commune_name) {
        (Some(code), Some(name)) => vec![CommuneOption { code: code.clone(), name: name.clone() }],
        _ => Vec::new(),
    };
    let communes = RwSignal::new(saved);
    let on_postal = move |value: String| {
        postal.set(value.clone());
        let code: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() == 5 && code.chars().all(|c| c.is_ascii_digit()) {
            leptos::task::spawn_local(async move {
                let list = communes_for_postal_code(code).await.unwrap_or_default();
                communes.set(list);
            });
        } else {
            communes.set(Vec::new());
        }
    };
    let selected_commune = id.commune_code.clone().unwrap_or_default();
    let civility = id.civility.clone().unwrap_or_default();
    let saved = move || matches!(value.get(), Some(Ok(())));
    view! {
        <section class="panel">
            <h2>"PROFIL"</h2>
            <p class="muted">"Pour vous contacter et vous proposer des missions proches de chez vous. Ces informations ne sont visibles que par l'équipe."</p>
            <CheckedForm state=form check=|a: &SaveIdentity| IdentityUpdate::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <Show when=saved><div class="alert alert-success" role="status"><p>"Profil enregistré."</p></div></Show>
                <fieldset class="choices inline-choices">
                    <legend>"Civilité"</legend>
                    <label><input type="radio" name="civility" value="mme" checked=civility == "mme"/>" Madame"</label>
                    <label><input type="radio" name="civility" value="m" checked=civility == "m"/>" Monsieur"</label>
                    {field_message(form.field("civility"))}
                </fieldset>
                <div class="row">
                    <Field label="Prénom" name="first_name" required=true value=id.first_name.clone() autocomplete="given-name" error=form.field("first_name")/>
                    <Field label="Nom" name="last_name" required=true value=id.last_name.clone() autocomplete="family-name" error=form.field("last_name")/>
                </div>
                <div class="row">
                    <div class="field">
                        <label for="f-email">"Adresse e-mail"</label>
                        <input id="f-email" type="email" value=id.email.clone() disabled=true/>
                        <p class="hint">"L'adresse de connexion de votre compte."</p>
                    </div>
                    <Field label="Téléphone mobile" name="mobile_phone" kind="tel" autocomplete="tel" inputmode="tel" value=id.mobile_phone.clone().unwrap_or_default() hint="Par exemple 06 12 34 56 78." error=form.field("mobile_phone")/>
                </div>
                <Field label="Adresse postale" name="address_line" autocomplete="street-address" value=id.address_line.clone().unwrap_or_default() error=form.field("address_line")/>
                <div class="row">
                    <div class="field" class:has-error=move || form.field("postal_code").get().is_some()>
                        <label for="f-postal_code">"Code postal"</label>
                        <input id="f-postal_code" name="postal_code" inputmode="numeric" autocomplete="postal-code" maxlength="5"
                            prop:value=move || postal.get()
                            on:input:target=move |ev| on_postal(ev.target().value())/>
                        {field_message(form.field("postal_code"))}
                    </div>
                    <div class="field" class:has-error=move || form.field("commune_code").get().is_some()>
                        <label for="f-commune_code">"Commune"</label>
                        {
                            let selected = selected_commune.clone();
                            move || {
                                let options = communes.get();
                                let empty = options.is_empty();
                                let selected = selected.clone();
                                view! {
                                    <select id="f-commune_code" name="commune_code" disabled=empty>
                                        {if empty {
                                            view! { <option value="">"Saisissez d'abord le code postal"</option> }.into_any()
                                        } else {
                                            options.into_iter().map(|c| {
                                                let is_selected = c.code == selected;
                                                view! { <option value=c.code.clone() selected=is_selected>{c.name}</option> }
                                            }).collect::<Vec<_>>().into_any()
                                        }}
                                    </select>
                                }
                            }
                        }
                        {field_message(form.field("commune_code"))}
                    </div>
                </div>
                <div class="row">
                    <Field label="Rayon de mobilité (km)" name="mobility_km" kind="number" inputmode="numeric" value=id.mobility_km.map(|k| k.to_string()).unwrap_or_default() hint="Distance maximale depuis chez vous pour une mission en présentiel." error=form.field("mobility_km")/>
                    <fieldset class="choices">
                        <legend>"Formats acceptés"</legend>
                        <label><input type="checkbox" name="accepts_onsite" value="on" checked=id.accepts_onsite/>" Présentiel"</label>
                        <label><input type="checkbox" name="accepts_remote" value="on" checked=id.accepts_remote/>" Distanciel"</label>
                    </fieldset>
                </div>
                <div class="field" class:has-error=move || form.field("presentation").get().is_some()>
                    <label for="f-presentation">"Présentation"</label>
                    <textarea id="f-presentation" name="presentation" rows="4" maxlength="2000">{crate::components::textarea_text(id.presentation.clone().unwrap_or_default())}</textarea>
                    <p class="hint">"Quelques lignes sur vous, votre approche pédagogique, vos publics."</p>
                    {field_message(form.field("presentation"))}
                </div>
                <Submit label="Enregistrer" pending=action.pending()/>
            </CheckedForm>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// PARCOURS

#[component]
fn BackgroundTab(profile: MyProfile) -> impl IntoView {
    let ctx = expect_context::<ProfileCtx>();
    let lists = move || {
        ctx.data.get().and_then(|r| r.ok()).map(|p| {
            view! {
                <ExperienceList items=p.experiences.clone()/>
                <DiplomaList items=p.diplomas.clone()/>
                <DomainList items=p.domains.clone()/>
                <LanguageList items=p.languages.clone()/>
            }
        })
    };
    view! {
        <section class="panel">
            <h2>"PARCOURS"</h2>
            <p class="muted">"Remplissez le maximum de champs : l'équipe analyse votre parcours, vos expériences et vos compétences."</p>
            <Transition fallback=|| ()>{lists}</Transition>
        </section>
        <div class="two-columns">
            <ExperienceForm/>
            <DiplomaForm/>
            <DomainForm choices=profile.domain_choices.clone()/>
            <LanguageForm/>
        </div>
        <section class="panel">
            <h2>"CV"</h2>
            <UploadForm kinds=vec![DocumentKind::Cv]/>
        </section>
    }
}

/// A list of the profile, with its heading, or a hint when it is empty.
fn item_list<T, V>(title: &'static str, empty: &'static str, items: Vec<T>, item: impl Fn(T) -> V) -> impl IntoView
where
    V: IntoView,
{
    view! {
        <h3>{title}</h3>
        {if items.is_empty() {
            view! { <p class="empty small">{empty}</p> }.into_any()
        } else {
            view! { <ul class="items">{items.into_iter().map(item).collect::<Vec<_>>()}</ul> }.into_any()
        }}
    }
}

#[component]
fn ExperienceList(items: Vec<Experience>) -> impl IntoView {
    let delete = profile_action::<DeleteExperience>();
    item_list("Expériences professionnelles", "Aucune expérience pour l'instant : ajoutez-en avec le formulaire ci-dessous.", items, move |e| {
        let period = match e.end_date {
            Some(end) => format!("{} – {}", french_date(e.start_date), french_date(end)),
            None => format!("depuis le {}", french_date(e.start_date)),
        };
        view! {
            <li>
                <div>
                    <strong>{e.role}</strong>" — "{e.organisation}
                    <p class="muted small">{period}</p>
                    {(!e.description.is_empty()).then(|| view! { <p class="small">{e.description.clone()}</p> })}
                </div>
                <DeleteButton action=delete id=e.id/>
            </li>
        }
    })
}

#[component]
fn DiplomaList(items: Vec<Diploma>) -> impl IntoView {
    let delete = profile_action::<DeleteDiploma>();
    item_list("Diplômes et certifications", "Aucun diplôme ni certification pour l'instant.", items, move |d| {
        view! {
            <li>
                <div>
                    <strong>{d.title}</strong>" ("{d.year}")"
                    <p class="muted small">{d.kind.label()}{(!d.institution.is_empty()).then(|| format!(" — {}", d.institution))}</p>
                </div>
                <DeleteButton action=delete id=d.id/>
            </li>
        }
    })
}

#[component]
fn DomainList(items: Vec<TaughtDomain>) -> impl IntoView {
    let remove = profile_action::<RemoveDomain>();
    let empty = "Aucun domaine : ajoutez au moins celui que vous enseignez le plus (c'est le minimum pour envoyer votre profil).";
    item_list("Domaines enseignés", empty, items, move |d| {
        view! {
            <li>
                <div>
                    <strong>{d.label}</strong>
                    <p class="muted small">{format!("{} an(s) d'expérience — niveau déclaré : {}", d.years_experience, d.self_level.label())}</p>
                </div>
                <ActionForm action=remove attr:class="inline">
                    <input type="hidden" name="domain_code" value=d.code/>
                    <button type="submit" class="button ghost small">"Retirer"</button>
                </ActionForm>
            </li>
        }
    })
}

#[component]
fn LanguageList(items: Vec<SpokenLanguage>) -> impl IntoView {
    let remove = profile_action::<RemoveLanguage>();
    item_list("Langues", "Aucune langue : indiquez au moins votre langue maternelle.", items, move |l| {
        let detail = if l.mother_tongue { "langue maternelle".to_string() } else { format!("niveau {}", l.cefr.code()) };
        view! {
            <li>
                <div><strong>{l.name}</strong><p class="muted small">{detail}</p></div>
                <ActionForm action=remove attr:class="inline">
                    <input type="hidden" name="language_code" value=l.code/>
                    <button type="submit" class="button ghost small">"Retirer"</button>
                </ActionForm>
            </li>
        }
    })
}

/// Clears the form inside `panel` after a successful submission (its content is now in the list).
fn reset_on_success<T, S>(panel: NodeRef<leptos::html::Section>, value: S)
where
    T: 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                if let Some(Ok(Some(form))) = panel.get().map(|p| p.query_selector("form")) {
                    if let Ok(form) = form.dyn_into::<web_sys::HtmlFormElement>() {
                        form.reset();
                    }
                }
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = panel;
        }
    });
}

/// (code, label) options of a closed list.
fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter().map(|v| (code(*v).to_string(), label(*v).to_string())).collect()
}

#[component]
fn ExperienceForm() -> impl IntoView {
    let form = profile_form::<AddExperience>();
    let (action, value) = (form.action, form.action.value());
    let panel = NodeRef::<leptos::html::Section>::new();
    reset_on_success(panel, value);
    view! {
        <section class="panel" node_ref=panel>
            <h3>"Ajouter une expérience"</h3>
            <CheckedForm state=form check=|a: &AddExperience| NewExperience::try_from((a.form.clone(), today())).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <Field label="Poste" name="role" required=true hint="Par exemple : Formatrice bureautique" error=form.field("role")/>
                <Field label="Organisme ou entreprise" name="organisation" required=true error=form.field("organisation")/>
                <div class="row">
                    <Field label="Début" name="start_date" kind="date" required=true error=form.field("start_date")/>
                    <Field label="Fin" name="end_date" kind="date" hint="Vide si en cours." error=form.field("end_date")/>
                </div>
                <div class="field" class:has-error=move || form.field("description").get().is_some()>
                    <label for="f-description">"Description"</label>
                    <textarea id="f-description" name="description" rows="3" maxlength="2000"></textarea>
                    {field_message(form.field("description"))}
                </div>
                <Submit label="Ajouter l'expérience" pending=action.pending()/>
            </CheckedForm>
        </section>
    }
}

#[component]
fn DiplomaForm() -> impl IntoView {
    let form = profile_form::<AddDiploma>();
    let (action, value) = (form.action, form.action.value());
    let panel = NodeRef::<leptos::html::Section>::new();
    reset_on_success(panel, value);
    view! {
        <section class="panel" node_ref=panel>
            <h3>"Ajouter un diplôme ou une certification"</h3>
            <CheckedForm state=form check=|a: &AddDiploma| NewDiploma::try_from((a.form.clone(), today())).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <SelectField label="Type" name="kind" options=options(DiplomaKind::ALL, DiplomaKind::code, DiplomaKind::label) error=form.field("kind")/>
                <Field label="Intitulé" name="title" required=true hint="Par exemple : Titre professionnel Formateur professionnel d'adultes" error=form.field("title")/>
                <div class="row">
                    <Field label="Établissement" name="institution" error=form.field("institution")/>
                    <Field label="Année" name="year" kind="number" inputmode="numeric" required=true error=form.field("year")/>
                </div>
                <Submit label="Ajouter" pending=action.pending()/>
            </CheckedForm>
        </section>
    }
}

#[component]
fn DomainForm(choices: Vec<DomainOption>) -> impl IntoView {
    let form = profile_form::<SaveDomain>();
    let (action, value) = (form.action, form.action.value());
    let panel = NodeRef::<leptos::html::Section>::new();
    reset_on_success(panel, value);
    let mut categories: Vec<String> = choices.iter().map(|c| c.category.clone()).collect();
    categories.dedup();
    let groups = categories
        .into_iter()
        .map(|cat| {
            let options = choices
                .iter()
                .filter(|c| c.category == cat)
                .map(|c| view! { <option value=c.code.clone()>{c.label.clone()}</option> })
                .collect::<Vec<_>>();
            view! { <optgroup label=cat>{options}</optgroup> }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="panel" node_ref=panel>
            <h3>"Ajouter un domaine enseigné"</h3>
            <CheckedForm state=form check=|a: &SaveDomain| DomainChoice::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <div class="field" class:has-error=move || form.field("domain_code").get().is_some()>
                    <label for="f-domain_code" class="req">"Domaine"</label>
                    <select id="f-domain_code" name="domain_code">
                        <option value="">"Choisissez…"</option>
                        {groups}
                    </select>
                    {field_message(form.field("domain_code"))}
                </div>
                <div class="row">
                    <Field label="Années d'expérience" name="years_experience" kind="number" inputmode="numeric" required=true error=form.field("years_experience")/>
                    <SelectField label="Votre niveau" name="self_level" required=true
                        options=options(CompetenceLevel::ALL, CompetenceLevel::code, CompetenceLevel::label) error=form.field("self_level")/>
                </div>
                <p class="hint">"Votre niveau réel est établi par le test de compétences du domaine, à passer chaque année."</p>
                <Submit label="Ajouter le domaine" pending=action.pending()/>
            </CheckedForm>
        </section>
    }
}

#[component]
fn LanguageForm() -> impl IntoView {
    let form = profile_form::<SaveLanguage>();
    let (action, value) = (form.action, form.action.value());
    let panel = NodeRef::<leptos::html::Section>::new();
    reset_on_success(panel, value);
    let languages: Vec<(String, String)> = LANGUAGES.iter().map(|(code, name)| (code.to_string(), name.to_string())).collect();
    view! {
        <section class="panel" node_ref=panel>
            <h3>"Ajouter une langue"</h3>
            <CheckedForm state=form check=|a: &SaveLanguage| LanguageChoice::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <div class="row">
                    <SelectField label="Langue" name="language_code" required=true placeholder="Choisissez…" options=languages error=form.field("language_code")/>
                    <SelectField label="Niveau (CECRL)" name="cefr" placeholder="—" options=options(Cefr::ALL, Cefr::code, Cefr::label) error=form.field("cefr")/>
                </div>
                <div class="field checkbox">
                    <input id="f-mother_tongue" type="checkbox" name="mother_tongue" value="on"/>
                    <label for="f-mother_tongue">"C'est ma langue maternelle"</label>
                </div>
                <p class="hint">"Un niveau C2 n'est pas une langue maternelle : certaines missions demandent un formateur natif, d'autres non natif."</p>
                <Submit label="Ajouter la langue" pending=action.pending()/>
            </CheckedForm>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Administrative situation

#[component]
fn AdministrativeTab(profile: MyProfile) -> impl IntoView {
    let form = profile_form::<SaveAdministrative>();
    let (action, value) = (form.action, form.action.value());
    let a = profile.administrative;
    let legal = a.legal_status.map(|s| s.code().to_string()).unwrap_or_default();
    let turnover = a.yearly_turnover_cents.map(|c| Money::from_cents(c).to_string().replace(['\u{a0}', '€'], "").replace('\u{202f}', " ").trim().to_string()).unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let saved = move || matches!(value.get(), Some(Ok(())));
    view! {
        <section class="panel">
            <h2>"SITUATION ADMINISTRATIVE"</h2>
            <p class="muted">"Le NDA est obligatoire pour tous les formateurs. Pour les missions financées par le CPF, il faut la certification Qualiopi, sauf en micro-entreprise sous le plafond de chiffre d'affaires."</p>
            <CheckedForm state=form check=|a: &SaveAdministrative| AdministrativeUpdate::try_from((a.form.clone(), today())).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <Show when=saved><div class="alert alert-success" role="status"><p>"Situation administrative enregistrée."</p></div></Show>
                <div class="row">
                    <SelectField label="Statut juridique" name="legal_status" placeholder="Choisissez…" selected=legal
                        options=options(LegalStatus::ALL, LegalStatus::code, LegalStatus::label) error=form.field("legal_status")/>
                    <Field label="SIRET" name="siret" inputmode="numeric" value=a.siret.clone().unwrap_or_default() hint="14 chiffres." error=form.field("siret")/>
                </div>
                <Field label="Numéro de déclaration d'activité (NDA)" name="nda" inputmode="numeric" value=a.nda.clone().unwrap_or_default() hint="11 chiffres, délivré par la DREETS, par exemple 11 75 41412 75." error=form.field("nda")/>
                <fieldset class="choices">
                    <legend>"Micro-entreprise"</legend>
                    <label><input type="checkbox" name="micro_social" value="on" checked=a.micro_social/>" Je relève du régime micro-social"</label>
                    {field_message(form.field("micro_social"))}
                </fieldset>
                <Field label="Dernier chiffre d'affaires annuel déclaré (€ HT)" name="yearly_turnover" inputmode="decimal" value=turnover hint="Pour vérifier l'exemption de Qualiopi des micro-entrepreneurs." error=form.field("yearly_turnover")/>
                <h3>"Certification Qualiopi"</h3>
                <div class="row">
                    <Field label="Numéro du certificat" name="qualiopi_number" value=a.qualiopi_number.clone().unwrap_or_default() error=form.field("qualiopi_number")/>
                    <Field label="Délivré le" name="qualiopi_valid_from" kind="date" value=date(a.qualiopi_valid_from) error=form.field("qualiopi_valid_from")/>
                    <Field label="Valable jusqu'au" name="qualiopi_valid_until" kind="date" value=date(a.qualiopi_valid_until) error=form.field("qualiopi_valid_until")/>
                </div>
                <h3>"Attestation de vigilance URSSAF (facultative)"</h3>
                <Field label="Date de l'attestation" name="urssaf_attestation_date" kind="date" value=date(a.urssaf_attestation_date) hint="Exigée pour les contrats de 5 000 € HT ou plus, à renouveler tous les 6 mois." error=form.field("urssaf_attestation_date")/>
                <Submit label="Enregistrer" pending=action.pending()/>
            </CheckedForm>
        </section>
        <section class="panel">
            <h2>"Justificatifs"</h2>
            <p class="muted">"Le certificat Qualiopi et l'attestation URSSAF, en PDF, JPEG ou PNG (5 Mo au plus)."</p>
            <UploadForm kinds=vec![DocumentKind::Qualiopi, DocumentKind::Urssaf]/>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Documents

#[component]
fn DocumentsTab() -> impl IntoView {
    let ctx = expect_context::<ProfileCtx>();
    view! {
        <section class="panel">
            <h2>"DOCUMENTS"</h2>
            <p class="muted">"Vos justificatifs, visibles uniquement par vous et l'équipe Mission Formateur."</p>
            <Transition fallback=|| ()>
                {move || ctx.data.get().and_then(|r| r.ok()).map(|p| view! { <DocumentList documents=p.documents deletable=true/> })}
            </Transition>
            <h3>"Ajouter un document"</h3>
            <UploadForm kinds=DocumentKind::ALL.to_vec()/>
        </section>
        <PrivacyPanel/>
    }
}

#[component]
pub fn DocumentList(documents: Vec<DocumentView>, deletable: bool) -> impl IntoView {
    let ctx = use_context::<ProfileCtx>();
    let delete = ServerAction::<DeleteDocument>::new();
    if let Some(ctx) = ctx {
        reload_on_success(ctx, delete.value());
    }
    if documents.is_empty() {
        return view! { <p class="empty small">"Aucun document envoyé."</p> }.into_any();
    }
    view! {
        <ul class="items documents">
            {documents.into_iter().map(|d| {
                let href = format!("/documents/{}", d.id);
                view! {
                    <li>
                        <div>
                            <a href=href download=d.original_name.clone()>{d.original_name.clone()}</a>
                            <p class="muted small">{format!("{} — {} — envoyé le {}", d.kind_label, d.size_label, d.uploaded_on)}</p>
                        </div>
                        {deletable.then(|| view! { <DeleteButton action=delete id=d.id/> })}
                    </li>
                }
            }).collect::<Vec<_>>()}
        </ul>
    }
    .into_any()
}

/// Sends one file with its kind. A refused file says why; nothing else on the page is touched.
#[component]
fn UploadForm(kinds: Vec<DocumentKind>) -> impl IntoView {
    let ctx = expect_context::<ProfileCtx>();
    let (message, set_message) = signal::<Option<Result<String, String>>>(None);
    let (busy, set_busy) = signal(false);
    let single = kinds.len() == 1;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            set_busy.set(true);
            set_message.set(None);
            leptos::task::spawn_local(async move {
                let result = upload_document(data.into()).await;
                set_busy.set(false);
                match result {
                    Ok(doc) => {
                        set_message.set(Some(Ok(format!("« {} » est bien enregistré ({}).", doc.original_name, doc.kind_label))));
                        form.reset();
                        ctx.reload();
                    }
                    Err(e) => {
                        let text = e.field_errors().and_then(|f| f.0.first().map(|(_, m)| m.clone())).unwrap_or_else(|| e.to_string());
                        set_message.set(Some(Err(text)));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ctx, set_busy, set_message);
    };
    let options = kinds.iter().map(|k| view! { <option value=k.code()>{k.label()}</option> }).collect::<Vec<_>>();
    view! {
        <form class="form upload" on:submit=on_submit enctype="multipart/form-data">
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <div class="alert alert-success" role="status"><p>{text}</p></div> }.into_any(),
                Err(text) => view! { <div class="alert alert-error" role="alert"><p>{text}</p></div> }.into_any(),
            })}
            <div class="row">
                <div class="field" class:hidden=single>
                    <label for="f-upload-kind">"Type de document"</label>
                    <select id="f-upload-kind" name="kind">{options}</select>
                </div>
                <div class="field">
                    <label for="f-upload-file">"Fichier (PDF, JPEG ou PNG, 5 Mo au plus)"</label>
                    <input id="f-upload-file" type="file" name="file" accept="application/pdf,image/jpeg,image/png" required=true/>
                </div>
            </div>
            <button type="submit" class="button" disabled=move || busy.get()>
                {move || if busy.get() { "Envoi…" } else { "Envoyer le fichier" }}
            </button>
        </form>
    }
}

#[component]
fn PrivacyPanel() -> impl IntoView {
    let action = ServerAction::<DeleteMyAccount>::new();
    let value = action.value();
    let form = FormState::new(action);
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            go_to("/?compte-supprime=1");
        }
    });
    view! {
        <section class="panel">
            <h2>"Vos données"</h2>
            <p>"Téléchargez toutes les informations de votre profil (fichier JSON) et vos documents, réunis dans une archive ZIP."</p>
            <p><a class="button" href="/profil/export" download="mes-donnees-mission-formateur.zip">"Télécharger mes données"</a></p>
            <h3>"Supprimer mon compte"</h3>
            <p class="muted">
                "Vos données personnelles et vos documents sont effacés définitivement. Seul subsiste, sans votre nom ni vos coordonnées, ce que la loi impose de conserver "
                "(par exemple la trace des décisions de l'équipe et des missions réalisées)."
            </p>
            <CheckedForm state=form check=|a: &DeleteMyAccount| ErasureRequest::try_from(a.form.clone()).map(drop) attr:class="form narrow-form">
                <FormAlert error=form.alert()/>
                <Field label="Votre mot de passe" name="password" kind="password" autocomplete="current-password" required=true error=form.field("password")/>
                <Field label="Écrivez SUPPRIMER pour confirmer" name="confirmation" required=true error=form.field("confirmation")/>
                <button type="submit" class="button danger" disabled=move || action.pending().get()>"Supprimer définitivement mon compte"</button>
            </CheckedForm>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Read-only summaries, for the staff review page

#[component]
pub fn IdentitySummary(identity: Identity) -> impl IntoView {
    let civility = match identity.civility.as_deref() {
        Some("mme") => "Madame",
        Some("m") => "Monsieur",
        _ => "—",
    };
    let formats = match (identity.accepts_onsite, identity.accepts_remote) {
        (true, true) => "Présentiel et distanciel",
        (true, false) => "Présentiel",
        (false, true) => "Distanciel",
        (false, false) => "—",
    };
    let dash = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    view! {
        <h2>"Profil"</h2>
        <dl class="facts">
            <dt>"Civilité"</dt><dd>{civility}</dd>
            <dt>"E-mail"</dt><dd>{identity.email.clone()}</dd>
            <dt>"Mobile"</dt><dd>{dash(identity.mobile_phone.clone())}</dd>
            <dt>"Adresse"</dt><dd>{dash(identity.address_line.clone())}</dd>
            <dt>"Commune"</dt><dd>{match (identity.postal_code.clone(), identity.commune_name.clone()) {
                (Some(pc), Some(name)) => format!("{pc} {name}"),
                _ => "—".into(),
            }}</dd>
            <dt>"Mobilité"</dt><dd>{identity.mobility_km.map(|k| format!("{k} km")).unwrap_or_else(|| "—".into())}</dd>
            <dt>"Formats"</dt><dd>{formats}</dd>
            <dt>"Présentation"</dt><dd class="prewrap">{dash(identity.presentation.clone())}</dd>
        </dl>
    }
}

/// A list, or "Aucun élément" when it is empty.
fn list_or_none<T: IntoView>(items: Vec<T>) -> impl IntoView {
    if items.is_empty() {
        view! { <p class="muted">"Non renseigné."</p> }.into_any()
    } else {
        view! { <ul class="plain">{items}</ul> }.into_any()
    }
}

#[component]
pub fn BackgroundSummary(profile: MyProfile) -> impl IntoView {
    view! {
        <h2>"Parcours"</h2>
        <h3>"Expériences"</h3>
        {list_or_none(profile.experiences.iter().map(|e| view! {
            <li>{format!("{} — {} ({} – {})", e.role, e.organisation, french_date(e.start_date), e.end_date.map(french_date).unwrap_or_else(|| "en cours".into()))}</li>
        }).collect::<Vec<_>>())}
        <h3>"Diplômes et certifications"</h3>
        {list_or_none(profile.diplomas.iter().map(|d| view! { <li>{format!("{} ({}) {}", d.title, d.year, d.institution)}</li> }).collect::<Vec<_>>())}
        <h3>"Domaines"</h3>
        {list_or_none(profile.domains.iter().map(|d| view! { <li>{format!("{} — {} an(s), niveau déclaré {}", d.label, d.years_experience, d.self_level.label())}</li> }).collect::<Vec<_>>())}
        <h3>"Langues"</h3>
        {list_or_none(profile.languages.iter().map(|l| view! { <li>{if l.mother_tongue { format!("{} (maternelle)", l.name) } else { format!("{} ({})", l.name, l.cefr.code()) }}</li> }).collect::<Vec<_>>())}
    }
}

#[component]
pub fn AdministrativeSummary(admin: Administrative) -> impl IntoView {
    let check = |c: Option<PartCheck>| match c {
        Some(PartCheck::Verified) => view! { <span class="badge badge-ok small">"vérifié"</span> }.into_any(),
        Some(PartCheck::Pending) => view! { <span class="badge badge-warn small">"à revérifier"</span> }.into_any(),
        _ => ().into_any(),
    };
    let legal = admin.legal_status.map(LegalStatus::label).unwrap_or("—");
    view! {
        <h2>"Situation administrative"</h2>
        <dl class="facts">
            <dt>"Statut"</dt><dd>{legal}</dd>
            <dt>"SIRET"</dt><dd>{admin.siret.clone().unwrap_or_else(|| "—".into())}" "{check(admin.siret_check)}</dd>
            <dt>"NDA"</dt><dd>{admin.nda.clone().unwrap_or_else(|| "—".into())}" "{check(admin.nda_check)}</dd>
            <dt>"Régime micro-social"</dt><dd>{if admin.micro_social { "Oui" } else { "Non" }}</dd>
            <dt>"Chiffre d'affaires"</dt><dd>{admin.yearly_turnover_cents.map(|c| format!("{} HT", Money::from_cents(c))).unwrap_or_else(|| "—".into())}" "{check(admin.turnover_check)}</dd>
            <dt>"Qualiopi"</dt><dd>{match (admin.qualiopi_valid_from, admin.qualiopi_valid_until) {
                (Some(f), Some(u)) => format!("{} — du {} au {}", admin.qualiopi_number.clone().unwrap_or_default(), french_date(f), french_date(u)),
                _ => "—".into(),
            }}" "{check(admin.qualiopi_check)}</dd>
            <dt>"Attestation URSSAF"</dt><dd>{admin.urssaf_attestation_date.map(french_date).unwrap_or_else(|| "—".into())}</dd>
        </dl>
    }
}
