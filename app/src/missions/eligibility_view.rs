//! How eligibility is shown to the trainer: the badge of each search card and the panel of a
//! mission's page. Both show what the shared rules (`evaluate`) computed, in the browser too:
//! every refusal with the actions that lift it, the warnings (valid today, ending before the
//! mission does) and the paperwork still awaiting the team's verification.

use leptos::prelude::*;

use crate::domain::eligibility::{Action, Eligibility, TrainerFacts, Warning};

/// One action: a link when there is a page to act on ("Repassez le test d'anglais →"), a note
/// otherwise ("Patientez : l'équipe vérifie votre NDA"); "nothing possible" is not shown.
fn action_view(action: &Action) -> Option<AnyView> {
    if *action == Action::Nothing {
        return None;
    }
    Some(match action.href() {
        Some(href) => view! { <a class="action-link" href=href>{action.label()}" →"</a> }.into_any(),
        None => view! { <span class="muted">{action.label()}</span> }.into_any(),
    })
}

/// The actions of a refusal, in its order.
pub fn action_links(actions: &[Action]) -> impl IntoView {
    actions.iter().filter_map(action_view).collect::<Vec<_>>()
}

fn plural(count: usize) -> &'static str {
    if count > 1 {
        "s"
    } else {
        ""
    }
}

/// On a search card: may the trainer apply, the first reasons if not, and discreetly the warnings.
#[component]
pub fn EligibilityBadge(eligibility: Eligibility, href: String) -> impl IntoView {
    let warnings = eligibility.warnings.clone();
    let verdict = if eligibility.can_apply() {
        view! { <p class="eligibility ok" data-testid="eligibility">"✓ Vous pouvez postuler"</p> }.into_any()
    } else {
        let count = eligibility.refusals.len();
        let first: Vec<String> = eligibility.refusals.iter().take(2).map(|r| r.message.clone()).collect();
        view! {
            <div class="eligibility ko" data-testid="eligibility">
                <p><strong>{format!("Pas encore possible de postuler ({count} point{} à régler)", plural(count))}</strong></p>
                <ul>{first.into_iter().map(|m| view! { <li>{m}</li> }).collect::<Vec<_>>()}</ul>
                <a href=href.clone()>"Voir le détail et que faire"</a>
            </div>
        }
        .into_any()
    };
    let note = warnings.first().map(|w| {
        let more = warnings.len() - 1;
        let more = if more > 0 { format!(" (et {more} autre{} point{} à surveiller)", plural(more), plural(more)) } else { String::new() };
        view! { <p class="eligibility-warning small" data-testid="eligibility-warning">"⚠ "{w.message.clone()}{more}</p> }
    });
    view! { {verdict}{note} }
}

fn warning_item(warning: &Warning) -> impl IntoView {
    view! {
        <li data-code=warning.code.as_str()>
            <p>{warning.message.clone()}</p>
            <p class="actions">{action_view(&warning.action)}</p>
        </li>
    }
}

/// On a mission's page: every refusal with its actions, the warnings, and what awaits the
/// team's verification.
#[component]
pub fn EligibilityPanel(eligibility: Eligibility, facts: TrainerFacts) -> impl IntoView {
    let notes = facts.verification_notes();
    let verdict = if eligibility.can_apply() {
        view! { <p class="eligibility ok" data-testid="eligibility">"✓ Vous remplissez toutes les conditions pour postuler à cette mission."</p> }.into_any()
    } else {
        let count = eligibility.refusals.len();
        view! {
            <div class="eligibility ko" data-testid="eligibility">
                <p><strong>{format!("Pas encore : {count} point{} à régler.", plural(count))}</strong></p>
                <ul class="refusals">
                    {eligibility.refusals.iter().map(|r| view! {
                        <li data-code=r.code.as_str()>
                            <p>{r.message.clone()}</p>
                            <p class="actions">{action_links(&r.actions)}</p>
                        </li>
                    }).collect::<Vec<_>>()}
                </ul>
            </div>
        }
        .into_any()
    };
    let warnings = (!eligibility.warnings.is_empty()).then(|| {
        view! {
            <div class="eligibility-warnings" data-testid="eligibility-warnings">
                <p><strong>"À surveiller"</strong></p>
                <ul class="refusals">{eligibility.warnings.iter().map(warning_item).collect::<Vec<_>>()}</ul>
            </div>
        }
    });
    let notes = (!notes.is_empty()).then(|| {
        view! {
            <div class="verification-notes" data-testid="verification-notes">
                <p><strong>"En attente de vérification"</strong></p>
                <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect::<Vec<_>>()}</ul>
            </div>
        }
    });
    view! { {verdict}{warnings}{notes} }
}
