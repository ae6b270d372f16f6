//! The "Tests de compétences" tab: the list of tests, a test's rules, an attempt (progress,
//! countdown, answers saved as they are given) and the corrected result.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::*;
use crate::auth::Role;
use crate::components::{ErrorPanel, Loaded, PageTitle, RequireRole};
use crate::domain::testing::{TestKind, TestState};

fn state_badge(state: &TestState) -> (&'static str, &'static str) {
    match state {
        TestState::NeverTaken => ("badge", "Jamais passé"),
        TestState::InProgress { .. } => ("badge badge-info", "En cours"),
        TestState::Passed { expiring_soon: false, .. } => ("badge badge-ok", "Réussi"),
        TestState::Passed { expiring_soon: true, .. } => ("badge badge-warn", "Expire bientôt"),
        TestState::Expired { .. } => ("badge badge-warn", "Expiré"),
        TestState::Failed { .. } => ("badge badge-err", "Échoué"),
    }
}

/// The trainer's tests, loaded once per page.
type Cards = Resource<Result<Vec<TestCard>, AppError>>;

/// The attempt id in the address (`/tests/tentative/:id`, `/tests/resultat/:id`).
fn attempt_id_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
}

#[component]
pub fn TestsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_tests());
    view! {
        <PageTitle text="Tests de compétences"/>
        <RequireRole role=Role::Trainer>
            <TestsList data/>
        </RequireRole>
    }
}

#[component]
fn TestsList(data: Cards) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Tests de compétences"</h1>
            <p class="lead">
                "Le QCM Qualiopi valide vos connaissances administratives de la formation ; les tests de niveau valident vos compétences, chaque année. "
                "Pour postuler à une mission, il faut le QCM Qualiopi et le test du domaine de la mission, en cours de validité."
            </p>
        </section>
        <Loaded resource=data let:cards>
            {
                    let (qualiopi, rest): (Vec<TestCard>, Vec<TestCard>) = cards.into_iter().partition(|c| c.kind == TestKind::Qualiopi);
                    let (mine, others): (Vec<TestCard>, Vec<TestCard>) = rest.into_iter().partition(|c| c.in_my_domains);
                    view! {
                        <div class="test-grid">{qualiopi.into_iter().map(|c| view! { <TestCardView card=c/> }).collect::<Vec<_>>()}</div>
                        <h2 class="section-title">"Vos domaines"</h2>
                        {if mine.is_empty() {
                            view! { <p class="empty small">"Ajoutez vos domaines enseignés dans l'onglet " <a href="/profil/parcours">"PARCOURS"</a> " : leurs tests apparaîtront ici."</p> }.into_any()
                        } else {
                            view! { <div class="test-grid">{mine.into_iter().map(|c| view! { <TestCardView card=c/> }).collect::<Vec<_>>()}</div> }.into_any()
                        }}
                        <h2 class="section-title">"Autres tests"</h2>
                        <div class="test-grid">{others.into_iter().map(|c| view! { <TestCardView card=c/> }).collect::<Vec<_>>()}</div>
                    }
            }
        </Loaded>
    }
}

#[component]
fn TestCardView(card: TestCard) -> impl IntoView {
    let (class, label) = state_badge(&card.state);
    let action = match &card.state {
        TestState::InProgress { attempt_id } => {
            Some(view! { <a class="button primary" href=format!("/tests/tentative/{attempt_id}")>"Reprendre"</a> }.into_any())
        }
        _ if !card.can_start => None,
        TestState::NeverTaken => Some(view! { <a class="button primary" href=format!("/tests/{}", card.code)>"Commencer"</a> }.into_any()),
        _ => Some(view! { <a class="button" href=format!("/tests/{}", card.code)>"Repasser"</a> }.into_any()),
    };
    view! {
        <article class="card test-card" data-test=card.code.clone()>
            <div class="title-row">
                <h3>{card.title.clone()}</h3>
                <span class=class>{label}</span>
            </div>
            <p class="muted small">{card.description.clone()}</p>
            <p class="small">{format!("{} questions · {} minutes · seuil de réussite {} %", card.questions_per_attempt, card.time_limit_minutes, card.pass_mark_percent)}</p>
            <p class="state" data-testid="state">{card.state_text.clone()}</p>
            <div class="actions">
                {action}
                {card.last_attempt_id.map(|id| view! { <a class="button ghost" href=format!("/tests/resultat/{id}")>"Dernier résultat"</a> })}
            </div>
        </article>
    }
}

#[component]
pub fn TestIntroPage() -> impl IntoView {
    let params = use_params_map();
    let code = Memo::new(move |_| params.read().get("code").unwrap_or_default());
    let data = Resource::new(|| (), |_| list_tests());
    view! {
        <PageTitle text="Test de compétences"/>
        <RequireRole role=Role::Trainer>
            <TestIntro code data/>
        </RequireRole>
    }
}

#[component]
fn TestIntro(code: Memo<String>, data: Cards) -> impl IntoView {
    let start = ServerAction::<StartTest>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(attempt_id)) = start.value().get() {
            navigate(&format!("/tests/tentative/{attempt_id}"), Default::default());
        }
    });
    view! {
        <p><a href="/tests">"← Tests de compétences"</a></p>
        <Loaded resource=data let:cards>
            {match cards.into_iter().find(|c| c.code == code.get()) {
                    None => view! { <ErrorPanel error=AppError::NotFound/> }.into_any(),
                    Some(card) => view! {
                        <section class="panel narrow">
                            <h1>{card.title.clone()}</h1>
                            <p>{card.description.clone()}</p>
                            <ul>
                                <li>{format!("{} questions, tirées au hasard pour chaque tentative ;", card.questions_per_attempt)}</li>
                                <li>{format!("{} minutes : le chronomètre continue même si vous fermez la page ;", card.time_limit_minutes)}</li>
                                <li>{match card.kind {
                                    TestKind::Language => "le test vous place sur l'échelle européenne, de A1 à C2 ;".to_string(),
                                    TestKind::Domain => format!("réussite à partir de {} % ; votre score donne votre niveau, jusqu'à Expert + ;", card.pass_mark_percent),
                                    TestKind::Qualiopi => format!("réussite à partir de {} % ;", card.pass_mark_percent),
                                }}</li>
                                <li>"chaque réponse est enregistrée dès que vous la donnez : une coupure ou un rechargement ne vous fait rien perdre ;"</li>
                                <li>"certaines questions ont plusieurs bonnes réponses : elles le précisent."</li>
                            </ul>
                            <p class="muted">{card.state_text.clone()}</p>
                            {move || start.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorPanel error=e/> })}
                            {if card.can_start {
                                view! {
                                    <ActionForm action=start>
                                        <input type="hidden" name="code" value=card.code.clone()/>
                                        <button type="submit" class="button primary" disabled=move || start.pending().get()>
                                            {if matches!(card.state, TestState::InProgress { .. }) { "Reprendre le test" } else { "Commencer le test" }}
                                        </button>
                                    </ActionForm>
                                }.into_any()
                            } else {
                                ().into_any()
                            }}
                        </section>
                    }.into_any(),
            }}
        </Loaded>
    }
}

#[component]
pub fn AttemptPage() -> impl IntoView {
    let id = attempt_id_param();
    let data = Resource::new(move || id.get(), load_attempt);
    view! {
        <PageTitle text="Test en cours"/>
        <RequireRole role=Role::Trainer>
            <AttemptLoader id data/>
        </RequireRole>
    }
}

#[component]
fn AttemptLoader(id: Memo<i64>, data: Resource<Result<AttemptView, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Chargement du test…"</p> }>
            {move || data.get().map(|r| match r {
                Ok(view) => view! { <AttemptRunner view/> }.into_any(),
                Err(AppError::Rejected(message)) => view! {
                    <section class="panel narrow center">
                        <p>{message}</p>
                        <a class="button primary" href=format!("/tests/resultat/{}", id.get_untracked())>"Voir le résultat"</a>
                    </section>
                }.into_any(),
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })}
        </Suspense>
    }
}

#[derive(Clone, PartialEq)]
enum SaveState {
    Saving,
    Saved,
    Failed(String),
}

fn clock(seconds: i64) -> String {
    format!("{:02}:{:02}", seconds.max(0) / 60, seconds.max(0) % 60)
}

#[component]
fn AttemptRunner(view: AttemptView) -> impl IntoView {
    let attempt_id = view.attempt_id;
    let total = view.questions.len();
    let initial: HashMap<i64, Vec<i64>> = view.questions.iter().filter(|q| !q.selected.is_empty()).map(|q| (q.id, q.selected.clone())).collect();
    let questions = StoredValue::new(view.questions);
    let answers = RwSignal::new(initial);
    // Answers the server already holds (after a reload) are shown as saved.
    let saves = RwSignal::new(answers.with_untracked(|a| a.keys().map(|id| (*id, SaveState::Saved)).collect::<HashMap<i64, SaveState>>()));
    let current = RwSignal::new(0usize);
    let seconds_left = RwSignal::new(view.seconds_left);
    let confirming = RwSignal::new(false);
    let submitting = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<String>);
    let navigate = use_navigate();

    let answered = move || answers.with(|a| a.values().filter(|v| !v.is_empty()).count());
    let submit = {
        let navigate = navigate.clone();
        move || {
            if submitting.get_untracked() {
                return;
            }
            submitting.set(true);
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                match submit_attempt(attempt_id).await {
                    Ok(id) => navigate(&format!("/tests/resultat/{id}"), Default::default()),
                    Err(e) => {
                        submitting.set(false);
                        submit_error.set(Some(e.to_string()));
                    }
                }
            });
        }
    };

    // The countdown runs against the deadline the server gave, so a reload never restarts it.
    #[cfg(feature = "hydrate")]
    {
        let submit = submit.clone();
        let start_seconds = view.seconds_left;
        Effect::new(move |_| {
            let deadline = js_sys::Date::now() + start_seconds as f64 * 1000.0;
            let submit = submit.clone();
            let handle = set_interval_with_handle(
                move || {
                    let left = ((deadline - js_sys::Date::now()) / 1000.0).ceil() as i64;
                    seconds_left.set(left.max(0));
                    if left <= 0 {
                        submit();
                    }
                },
                std::time::Duration::from_millis(500),
            );
            if let Ok(handle) = handle {
                on_cleanup(move || handle.clear());
            }
        });
    }

    let save = move |question_id: i64, selected: Vec<i64>| {
        answers.update(|a| {
            a.insert(question_id, selected.clone());
        });
        saves.update(|s| {
            s.insert(question_id, SaveState::Saving);
        });
        let list = selected.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        leptos::task::spawn_local(async move {
            let state = match save_answer(attempt_id, question_id, list).await {
                Ok(_) => SaveState::Saved,
                Err(AppError::Transport(_)) => SaveState::Failed("Non enregistrée : vérifiez votre connexion, puis choisissez à nouveau votre réponse.".into()),
                Err(e) => SaveState::Failed(e.to_string()),
            };
            saves.update(|s| {
                s.insert(question_id, state);
            });
        });
    };

    let nav = move || {
        questions.with_value(|qs| {
            qs.iter()
                .enumerate()
                .map(|(i, q)| {
                    let id = q.id;
                    view! {
                        <button type="button" class="qnav"
                            class:current=move || current.get() == i
                            class:answered=move || answers.with(|a| a.get(&id).is_some_and(|v| !v.is_empty()))
                            aria-label=format!("Question {}", i + 1)
                            on:click=move |_| current.set(i)>
                            {i + 1}
                        </button>
                    }
                })
                .collect::<Vec<_>>()
        })
    };

    let question_view = move || {
        let index = current.get();
        questions.with_value(|qs| {
            qs.get(index).cloned().map(|q| {
                let qid = q.id;
                let multiple = q.multiple;
                let options = q
                    .options
                    .iter()
                    .map(|o| {
                        let oid = o.id;
                        let checked = move || answers.with(|a| a.get(&qid).is_some_and(|v| v.contains(&oid)));
                        view! {
                            <label class="option">
                                <input
                                    type=if multiple { "checkbox" } else { "radio" }
                                    name=format!("q{qid}")
                                    value=oid.to_string()
                                    prop:checked=checked
                                    on:change=move |_| {
                                        let mut current_answer = answers.with_untracked(|a| a.get(&qid).cloned().unwrap_or_default());
                                        if multiple {
                                            if current_answer.contains(&oid) {
                                                current_answer.retain(|x| *x != oid);
                                            } else {
                                                current_answer.push(oid);
                                            }
                                        } else {
                                            current_answer = vec![oid];
                                        }
                                        save(qid, current_answer);
                                    }
                                />
                                <span>{o.label.clone()}</span>
                            </label>
                        }
                    })
                    .collect::<Vec<_>>();
                view! {
                    <fieldset class="question">
                        <legend>
                            <span class="muted small">{format!("Question {} sur {}", index + 1, total)}</span>
                            {multiple.then(|| view! { <span class="badge badge-info small">"plusieurs réponses possibles"</span> })}
                            <span class="prompt">{q.prompt.clone()}</span>
                        </legend>
                        <div class="options">{options}</div>
                        <p class="save-state" aria-live="polite">
                            {move || saves.with(|s| s.get(&qid).cloned()).map(|state| match state {
                                SaveState::Saving => view! { <span class="muted">"Enregistrement…"</span> }.into_any(),
                                SaveState::Saved => view! { <span class="ok">"Réponse enregistrée"</span> }.into_any(),
                                SaveState::Failed(msg) => view! { <span class="ko">{msg}</span> }.into_any(),
                            })}
                        </p>
                    </fieldset>
                }
            })
        })
    };

    let finish = {
        let submit = submit.clone();
        move |_| {
            if answered() < total {
                confirming.set(true);
            } else {
                submit();
            }
        }
    };
    let confirm_submit = submit.clone();

    view! {
        <section class="panel attempt">
            <div class="attempt-head">
                <h1>{view.test_title.clone()}</h1>
                <div class="attempt-status">
                    <span data-testid="progress">{move || format!("{} / {} réponses", answered(), total)}</span>
                    <span class="countdown" class:urgent=move || seconds_left.get() < 120 data-testid="countdown" aria-label="Temps restant">
                        {move || clock(seconds_left.get())}
                    </span>
                </div>
            </div>
            <div class="meter"><span style=move || format!("width: {}%", answered() * 100 / total.max(1))></span></div>
            <nav class="qnavs" aria-label="Questions">{nav}</nav>
            {question_view}
            <div class="attempt-actions">
                <button type="button" class="button" disabled=move || current.get() == 0 on:click=move |_| current.update(|c| *c = c.saturating_sub(1))>"← Précédente"</button>
                <button type="button" class="button" disabled=move || current.get() + 1 >= total on:click=move |_| current.update(|c| *c = (*c + 1).min(total.saturating_sub(1)))>"Suivante →"</button>
                <button type="button" class="button primary" disabled=move || submitting.get() on:click=finish>"Terminer le test"</button>
            </div>
            <Show when=move || confirming.get()>
                <div class="alert alert-warning confirm" role="alertdialog" aria-label="Confirmer">
                    <p>{move || {
                        let left = total - answered();
                        format!("Il reste {left} question(s) sans réponse : elles compteront comme fausses. Terminer quand même ?")
                    }}</p>
                    <div class="actions">
                        <button type="button" class="button" on:click=move |_| confirming.set(false)>"Revenir aux questions"</button>
                        <button type="button" class="button primary" on:click={
                            let confirm_submit = confirm_submit.clone();
                            move |_| confirm_submit()
                        }>"Terminer quand même"</button>
                    </div>
                </div>
            </Show>
            {move || submit_error.get().map(|e| view! { <div class="alert alert-error" role="alert"><p>{e}</p></div> })}
        </section>
    }
}

#[component]
pub fn ResultPage() -> impl IntoView {
    let id = attempt_id_param();
    let data = Resource::new(move || id.get(), attempt_result);
    view! {
        <PageTitle text="Résultat du test"/>
        <RequireRole role=Role::Trainer>
            <p><a href="/tests">"← Tests de compétences"</a></p>
            <Loaded resource=data loading="Chargement du résultat…" let:result>
                <ResultBody result/>
            </Loaded>
        </RequireRole>
    }
}

#[component]
fn ResultBody(result: ResultView) -> impl IntoView {
    let verdict = if result.passed { ("badge badge-ok", "Réussi") } else { ("badge badge-err", "Échoué") };
    let summary = match (&result.level, result.passed) {
        (Some(level), true) => format!("Votre niveau : {level}"),
        (None, true) => "Test réussi".to_string(),
        _ => match result.kind {
            TestKind::Language => "Niveau A1 non atteint".to_string(),
            _ => format!("Seuil de réussite : {} %", result.pass_mark_percent),
        },
    };
    let corrections = result
        .corrections
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let options = c
                .options
                .into_iter()
                .map(|o| {
                    let mark = match (o.correct, o.selected) {
                        (true, true) => "✓ votre réponse, correcte",
                        (true, false) => "✓ bonne réponse",
                        (false, true) => "✗ votre réponse",
                        (false, false) => "",
                    };
                    view! {
                        <li class:correct=o.correct class:wrong=o.selected && !o.correct>
                            <span>{o.label}</span>
                            {(!mark.is_empty()).then(|| view! { <span class="mark">{mark}</span> })}
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <article class="correction" class:right=c.right>
                    <h3>
                        <span class=if c.right { "badge badge-ok small" } else { "badge badge-err small" }>{if c.right { "Juste" } else { "Faux" }}</span>
                        {format!(" Question {} — {}", i + 1, c.prompt)}
                    </h3>
                    <ul class="corrected-options">{options}</ul>
                    {(!c.explanation.is_empty()).then(|| view! { <p class="explanation"><strong>"Explication : "</strong>{c.explanation.clone()}</p> })}
                </article>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section class="panel result">
            <div class="title-row">
                <h1>{result.test_title.clone()}</h1>
                <span class=verdict.0 data-testid="verdict">{verdict.1}</span>
            </div>
            <div class="stats">
                <div class="stat"><span class="stat-value" data-testid="score">{format!("{} %", result.score_percent)}</span><span class="stat-label">{format!("{} bonnes réponses sur {}", result.correct, result.total)}</span></div>
                <div class="stat"><span class="stat-value small-value" data-testid="level">{summary}</span>
                    <span class="stat-label">{match (&result.valid_until, &result.retake_from) {
                        (Some(until), _) => format!("Valable jusqu'au {until}"),
                        (None, Some(from)) => format!("Vous pourrez repasser ce test à partir du {from}"),
                        _ => "Vous pouvez repasser ce test".to_string(),
                    }}</span>
                </div>
            </div>
            <a class="button" href="/tests">"Retour aux tests"</a>
        </section>
        <section class="panel">
            <h2>"Correction"</h2>
            {corrections}
        </section>
    }
}
