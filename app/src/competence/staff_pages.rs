//! The staff pages of the question banks: the tests overview, and one test's bank (settings,
//! questions with their success rates, new question, JSON import).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::staff::*;
use crate::auth::Role;
use crate::components::form::{CheckedForm, Field, FormAlert, FormState, SelectField, Submit};
use crate::components::{Loaded, PageTitle, RequireRole};
use crate::domain::forms::competence::TestSettings;
use crate::domain::testing::{BankQuestion, QuestionKind, TestKind};
use crate::domain::Cefr;
use crate::error::AppError;

#[component]
pub fn StaffTestsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| tests_overview());
    view! {
        <PageTitle text="Banques de questions"/>
        <RequireRole role=Role::Staff>
            <TestsOverview data/>
        </RequireRole>
    }
}

#[component]
fn TestsOverview(data: Resource<Result<Vec<TestStats>, AppError>>) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Tests et banques de questions"</h1>
            <Loaded resource=data let:tests>
                <table class="table">
                    <thead><tr><th scope="col">"Test"</th><th scope="col">"Type"</th><th scope="col">"Questions actives"</th><th scope="col">"Tentatives"</th><th scope="col">"Taux de réussite"</th></tr></thead>
                    <tbody>
                        {tests.into_iter().map(|t| view! {
                            <tr>
                                <td data-label="Test"><a href=format!("/equipe/tests/{}", t.code)>{t.title}</a></td>
                                <td data-label="Type">{t.kind.label()}</td>
                                <td data-label="Questions actives">{format!("{} / {}", t.questions_active, t.questions_total)}</td>
                                <td data-label="Tentatives">{t.attempts}</td>
                                <td data-label="Taux de réussite">{percent_or_dash(t.pass_rate)}</td>
                            </tr>
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table>
            </Loaded>
        </section>
        <section class="panel narrow">
            <h2>"Créer un test depuis un fichier JSON"</h2>
            <ImportForm code=String::new()/>
        </section>
    }
}

fn percent_or_dash(rate: Option<i64>) -> String {
    rate.map(|r| format!("{r} %")).unwrap_or_else(|| "—".into())
}

/// What the bank page's forms share: the actions that reload the bank when they succeed.
#[derive(Clone, Copy)]
struct BankActions {
    settings: ServerAction<SaveTestSettings>,
    toggle: ServerAction<SetQuestionActive>,
    /// Bumped by the question and import forms after a success.
    refresh: RwSignal<u32>,
}

#[component]
pub fn StaffBankPage() -> impl IntoView {
    let params = use_params_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    let actions = BankActions {
        settings: ServerAction::<SaveTestSettings>::new(),
        toggle: ServerAction::<SetQuestionActive>::new(),
        refresh: RwSignal::new(0u32),
    };
    let data = Resource::new(
        move || (code.get(), actions.refresh.get(), actions.settings.version().get(), actions.toggle.version().get()),
        |(code, _, _, _)| load_bank(code),
    );
    provide_context(actions.refresh);
    view! {
        <PageTitle text="Banque de questions"/>
        <RequireRole role=Role::Staff>
            <Bank data actions/>
        </RequireRole>
    }
}

#[component]
fn Bank(data: Resource<Result<BankView, AppError>>, actions: BankActions) -> impl IntoView {
    let settings = FormState::new(actions.settings);
    view! {
        <p><a href="/equipe/tests">"← Tests"</a></p>
        <Loaded resource=data let:bank>
            {
                let language = bank.kind == TestKind::Language;
                let export = format!("/equipe/tests/{}/export", bank.code);
                let code = bank.code.clone();
                view! {
                    <section class="panel">
                        <div class="title-row">
                            <h1>{bank.title.clone()}</h1>
                            <a class="button" href=export download=format!("{}.json", bank.code)>"Exporter en JSON"</a>
                        </div>
                        <p class="muted">{format!("{} tentative(s), taux de réussite {}.", bank.attempts, percent_or_dash(bank.pass_rate))}</p>
                        <CheckedForm state=settings check=|a: &SaveTestSettings| TestSettings::try_from(a.form.clone()).map(drop) attr:class="form">
                            <FormAlert error=settings.alert()/>
                            <input type="hidden" name="code" value=bank.code.clone()/>
                            <div class="row">
                                <Field label="Questions par tentative" name="questions_per_attempt" kind="number" value=bank.questions_per_attempt.to_string() error=settings.field("questions_per_attempt")/>
                                <Field label="Durée (minutes)" name="time_limit_minutes" kind="number" value=bank.time_limit_minutes.to_string() error=settings.field("time_limit_minutes")/>
                                <Field label="Seuil de réussite (%)" name="pass_mark_percent" kind="number" value=bank.pass_mark_percent.to_string() error=settings.field("pass_mark_percent")/>
                                <Field label="Validité (mois)" name="validity_months" kind="number" value=bank.validity_months.to_string() error=settings.field("validity_months")/>
                                <Field label="Délai avant de repasser (jours)" name="retake_delay_days" kind="number" value=bank.retake_delay_days.to_string() error=settings.field("retake_delay_days")/>
                            </div>
                            <Submit label="Enregistrer les réglages" pending=actions.settings.pending()/>
                        </CheckedForm>
                    </section>
                    <section class="panel">
                        <h2>{format!("Questions ({})", bank.questions.len())}</h2>
                        <div class="bank">
                            {bank.questions.into_iter().map(|q| view! { <QuestionRow question=q code=code.clone() language toggle=actions.toggle/> }).collect::<Vec<_>>()}
                        </div>
                    </section>
                    <div class="two-columns">
                        <section class="panel">
                            <h2>"Nouvelle question"</h2>
                            <QuestionForm code=code.clone() question=None language/>
                        </section>
                        <section class="panel">
                            <h2>"Importer des questions (JSON)"</h2>
                            <ImportForm code=code.clone()/>
                        </section>
                    </div>
                }
            }
        </Loaded>
    }
}

#[component]
fn QuestionRow(question: StaffQuestion, code: String, language: bool, toggle: ServerAction<SetQuestionActive>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let q = question.clone();
    let stats = match question.success_rate {
        Some(rate) => format!("posée {} fois, {rate} % de bonnes réponses", question.asked),
        None => "jamais posée".to_string(),
    };
    view! {
        <article class="bank-question" class:retired=!question.active>
            <div class="title-row">
                <p class="prompt"><strong>{question.prompt.clone()}</strong></p>
                <div class="actions">
                    <button type="button" class="button small" on:click=move |_| editing.update(|e| *e = !*e)>"Modifier"</button>
                    <ActionForm action=toggle attr:class="inline">
                        <input type="hidden" name="question_id" value=question.id.to_string()/>
                        <input type="hidden" name="active" value=(!question.active).to_string()/>
                        <button type="submit" class="button small ghost">{if question.active { "Retirer" } else { "Réactiver" }}</button>
                    </ActionForm>
                </div>
            </div>
            <p class="muted small">
                {if question.multiple { "Choix multiples" } else { "Choix unique" }}
                {question.cefr.clone().map(|c| format!(" · niveau {c}"))}
                {(!question.topic.is_empty()).then(|| format!(" · {}", question.topic))}
                {format!(" · {stats}")}
                {(!question.active).then(|| " · retirée")}
            </p>
            <ul class="corrected-options">
                {question.options.iter().map(|o| view! { <li class:correct=o.correct>{o.label.clone()}{o.correct.then(|| view! { <span class="mark">" ✓"</span> })}</li> }).collect::<Vec<_>>()}
            </ul>
            <Show when=move || editing.get()>
                <QuestionForm code=code.clone() question=Some(q.clone()) language/>
            </Show>
        </article>
    }
}

#[component]
fn QuestionForm(code: String, question: Option<StaffQuestion>, language: bool) -> impl IntoView {
    let action = ServerAction::<SaveQuestion>::new();
    let value = action.value();
    let form = FormState::new(action);
    let refresh = use_context::<RwSignal<u32>>();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            if let Some(refresh) = refresh {
                refresh.update(|n| *n += 1);
            }
        }
    });
    let q = question.clone();
    let id = q.as_ref().map(|q| q.id).unwrap_or(0);
    let kind = if q.as_ref().is_some_and(|q| q.multiple) { QuestionKind::Multiple } else { QuestionKind::Single };
    let cefr = q.as_ref().and_then(|q| q.cefr.clone()).unwrap_or_default();
    let options: Vec<(String, bool)> = (0..5)
        .map(|i| q.as_ref().and_then(|q| q.options.get(i)).map(|o| (o.label.clone(), o.correct)).unwrap_or_default())
        .collect();
    let kinds = vec![
        (QuestionKind::Single.code().to_string(), "Choix unique".to_string()),
        (QuestionKind::Multiple.code().to_string(), "Choix multiples".to_string()),
    ];
    let levels: Vec<(String, String)> = Cefr::ALL.iter().map(|c| (c.code().to_string(), c.code().to_string())).collect();
    let prefix = format!("q{id}");
    let options_error = form.field("option_1");
    view! {
        <CheckedForm state=form check=|a: &SaveQuestion| BankQuestion::try_from(a.form.clone()).map(drop) attr:class="form">
            <FormAlert error=form.alert()/>
            {move || matches!(value.get(), Some(Ok(()))).then(|| view! { <div class="alert alert-success" role="status"><p>"Question enregistrée."</p></div> })}
            <input type="hidden" name="code" value=code.clone()/>
            <input type="hidden" name="question_id" value=id.to_string()/>
            <div class="row">
                <SelectField label="Type" name="kind" id=format!("{prefix}-kind") options=kinds selected=kind.code().to_string() error=form.field("kind")/>
                <SelectField label="Niveau CECRL" name="cefr" id=format!("{prefix}-cefr") options=levels selected=cefr
                    placeholder=if language { "Choisissez…" } else { "—" } error=form.field("cefr")/>
                <div class="field">
                    <label for=format!("{prefix}-topic")>"Thème"</label>
                    <input id=format!("{prefix}-topic") name="topic" value=q.as_ref().map(|q| q.topic.clone()).unwrap_or_default()/>
                </div>
            </div>
            <div class="field" class:has-error=move || form.field("prompt").get().is_some()>
                <label for=format!("{prefix}-prompt") class="req">"Énoncé"</label>
                <textarea id=format!("{prefix}-prompt") name="prompt" rows="2">{crate::components::textarea_text(q.as_ref().map(|q| q.prompt.clone()).unwrap_or_default())}</textarea>
                {move || form.field("prompt").get().map(|e| view! { <p class="error">{e}</p> })}
            </div>
            <fieldset class="choices" class:has-error=move || options_error.get().is_some()>
                <legend>"Réponses proposées (cochez les bonnes)"</legend>
                {options.into_iter().enumerate().map(|(i, (label, correct))| {
                    let n = i + 1;
                    view! {
                        <div class="option-edit">
                            <input type="checkbox" name=format!("correct_{n}") value="on" checked=correct aria-label=format!("Réponse {n} correcte")/>
                            <input name=format!("option_{n}") value=label aria-label=format!("Réponse {n}")/>
                        </div>
                    }
                }).collect::<Vec<_>>()}
                {move || options_error.get().map(|e| view! { <p class="error">{e}</p> })}
            </fieldset>
            <div class="field">
                <label for=format!("{prefix}-explanation")>"Explication (montrée après la tentative)"</label>
                <textarea id=format!("{prefix}-explanation") name="explanation" rows="2">{crate::components::textarea_text(q.as_ref().map(|q| q.explanation.clone()).unwrap_or_default())}</textarea>
            </div>
            {(id != 0).then(|| view! { <p class="hint">"Si la question a déjà été posée, elle est retirée et remplacée par cette nouvelle version (les corrections passées restent intactes)."</p> })}
            <Submit label="Enregistrer la question" pending=action.pending()/>
        </CheckedForm>
    }
}

#[component]
fn ImportForm(code: String) -> impl IntoView {
    let (message, set_message) = signal::<Option<Result<String, String>>>(None);
    let refresh = use_context::<RwSignal<u32>>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            leptos::task::spawn_local(async move {
                match import_bank(data.into()).await {
                    Ok(text) => {
                        set_message.set(Some(Ok(text)));
                        form.reset();
                        if let Some(refresh) = refresh {
                            refresh.update(|n| *n += 1);
                        }
                    }
                    Err(e) => {
                        let text = e.field_errors().and_then(|f| f.0.first().map(|(_, m)| m.clone())).unwrap_or_else(|| e.to_string());
                        set_message.set(Some(Err(text)));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (set_message, refresh);
    };
    let existing = !code.is_empty();
    view! {
        <form class="form upload" on:submit=on_submit enctype="multipart/form-data">
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <div class="alert alert-success" role="status"><p>{text}</p></div> }.into_any(),
                Err(text) => view! { <div class="alert alert-error" role="alert"><p>{text}</p></div> }.into_any(),
            })}
            <input type="hidden" name="code" value=code/>
            {existing.then(|| view! {
                <fieldset class="choices">
                    <legend>"Les questions importées…"</legend>
                    <label><input type="radio" name="mode" value="ajouter" checked=true/>" s'ajoutent aux questions actuelles"</label>
                    <label><input type="radio" name="mode" value="remplacer"/>" remplacent les questions actuelles (retirées, pas supprimées)"</label>
                </fieldset>
            })}
            <div class="field">
                <label for="f-bank-file">"Fichier JSON (même format que l'export)"</label>
                <input id="f-bank-file" type="file" name="file" accept="application/json,.json" required=true/>
            </div>
            <button type="submit" class="button">"Importer"</button>
        </form>
    }
}
