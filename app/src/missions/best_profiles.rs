//! "Meilleurs profils": on a published mission's staff page, the eligible trainers who have not
//! applied, ranked by the same score as the applicants, each with an "Inviter" button.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::form::{error_of, FormAlert};
use crate::domain::ranking::Score;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::guard::{guard, STAFF};

/// How many profiles the section lists.
pub const BEST_PROFILES: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestProfile {
    pub user_id: i64,
    pub name: String,
    pub score: Score,
    /// When staff invited them to this mission (Paris date and time).
    pub invited_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestProfileList {
    /// Only a published mission is open to invitations.
    pub published: bool,
    pub profiles: Vec<BestProfile>,
}

/// Up to 20 eligible trainers who have not applied to the mission, best score first.
#[server]
pub async fn best_profiles(mission_id: i64) -> Result<BestProfileList, AppError> {
    guard(STAFF, |caller| async move { server::best_profiles(&caller.state.db, mission_id).await }).await
}

/// Invites an eligible trainer to apply: recorded once, notified in the app and by email.
#[server]
pub async fn invite_trainer(mission_id: i64, user_id: i64) -> Result<(), AppError> {
    guard(STAFF, |caller| async move { server::invite(&caller.state, &caller.ctx, mission_id, user_id).await }).await
}

/// The score of one trainer, its total then every part with its points and reason.
#[component]
pub fn ScoreView(score: Score) -> impl IntoView {
    let max = score.max();
    view! {
        <div class="score">
            <p class="score-total"><strong>{score.total}</strong>{format!(" / {max}")}</p>
            <ul class="score-parts">
                {score.parts.into_iter().map(|p| view! {
                    <li>
                        <span class="score-label">{p.label}</span>
                        <span class="score-points">{format!("{}/{}", p.points, p.max)}</span>
                        <span class="score-detail">{p.detail}</span>
                    </li>
                }).collect::<Vec<_>>()}
            </ul>
        </div>
    }
}

/// The section of the staff mission page; the page owns the resource and the action.
#[component]
pub fn BestProfilesSection(
    mission_id: i64,
    data: Resource<Result<Option<BestProfileList>, AppError>>,
    invite: ServerAction<InviteTrainer>,
) -> impl IntoView {
    view! {
        <section class="panel" data-testid="best-profiles">
            <h2>"Meilleurs profils"</h2>
            <p class="muted small">"Formateurs éligibles qui n'ont pas postulé, classés par le même score que les candidatures. Une invitation leur envoie une notification et un e-mail avec le lien de la mission."</p>
            <FormAlert error=error_of(invite.value())/>
            <Transition fallback=|| view! { <p class="muted">"Recherche des profils…"</p> }>
                {move || data.get().map(|result| match result {
                    Err(e) => view! { <crate::components::ErrorPanel error=e/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(best)) if !best.published => view! { <p class="empty small">"Publiez la mission pour chercher des profils à inviter."</p> }.into_any(),
                    Ok(Some(best)) if best.profiles.is_empty() => view! { <p class="empty small">"Aucun autre formateur éligible pour l'instant."</p> }.into_any(),
                    Ok(Some(best)) => view! {
                        <table class="table ranking">
                            <thead><tr><th scope="col">"Formateur"</th><th scope="col">"Score"</th><th></th></tr></thead>
                            <tbody>
                                {best.profiles.into_iter().map(|p| view! {
                                    <tr>
                                        <td data-label="Formateur"><a href=format!("/equipe/profils/{}", p.user_id)>{p.name.clone()}</a></td>
                                        <td data-label="Score"><ScoreView score=p.score/></td>
                                        <td>
                                            {match p.invited_at {
                                                Some(at) => view! { <span class="badge badge-ok">{format!("invité le {at}")}</span> }.into_any(),
                                                None => view! {
                                                    <ActionForm action=invite attr:class="inline">
                                                        <input type="hidden" name="mission_id" value=mission_id.to_string()/>
                                                        <input type="hidden" name="user_id" value=p.user_id.to_string()/>
                                                        <button type="submit" class="button primary small">"Inviter"</button>
                                                    </ActionForm>
                                                }.into_any(),
                                            }}
                                        </td>
                                    </tr>
                                }).collect::<Vec<_>>()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    //! The prefilter in SQL, then the facts of the candidates in batches, best possible score
    //! first, until no remaining candidate can beat the 20 kept.

    use std::collections::HashMap;

    use chrono::NaiveDate;

    use super::*;
    use crate::domain::eligibility::{evaluate, Eligibility, TestLevel};
    use crate::domain::geo::{Point, MAX_MOBILITY_KM};
    use crate::domain::missions::MissionStatus;
    use crate::domain::ranking::{latest_level, score, sufficient_level_codes, upper_bound, Period, Profile, ScoreWeights, Target};
    use crate::domain::RuleSettings;
    use crate::guard::Ctx;
    use crate::infra::db::Db;
    use crate::infra::state::AppState;
    use crate::infra::time::{paris_datetime, today};
    use crate::repo;
    use crate::repo::invitations::CandidateFilter;
    use crate::repo::missions::{MissionRow, DEFAULT_RADIUS_KM};

    /// Candidates whose facts are loaded at once.
    const BATCH: usize = 100;

    /// A trainer judged for a mission: the rules as of today and the score.
    pub struct Judged {
        pub name: Option<String>,
        pub eligibility: Eligibility,
        pub score: Score,
        pub level: Option<TestLevel>,
        pub distance_km: Option<i64>,
    }

    fn radius(mobility_km: Option<i64>) -> i64 {
        mobility_km.filter(|k| *k > 0).unwrap_or(DEFAULT_RADIUS_KM)
    }

    /// Evaluates and scores these trainers for the mission, their facts read in batches.
    pub async fn judge(
        db: &Db,
        mission: &MissionRow,
        users: &[i64],
        (settings, weights, today): (&RuleSettings, &ScoreWeights, NaiveDate),
    ) -> Result<HashMap<i64, Judged>, AppError> {
        let requirements = mission.requirements();
        let target = Target { requirements: &requirements, place: mission.place() };
        let mut facts = crate::profile::server::trainer_facts_of(db, users).await?;
        let mut periods: HashMap<i64, Vec<Period>> = HashMap::new();
        for (user_id, start, end) in repo::profiles::experience_periods_of(db, users).await? {
            periods.entry(user_id).or_default().push(Period { start, end });
        }
        let mut out = HashMap::with_capacity(users.len());
        for id in users {
            let Some((row, facts)) = facts.remove(id) else { continue };
            let home = row.as_ref().and_then(|r| Some(Point::new(r.latitude?, r.longitude?)));
            let experiences = periods.remove(id).unwrap_or_default();
            let who = Profile {
                passed_tests: &facts.passed_tests,
                mother_tongues: &facts.mother_tongues,
                home,
                radius_km: radius(row.as_ref().and_then(|r| r.mobility_km)),
                experiences: &experiences,
            };
            let judged = Judged {
                name: row.as_ref().map(|r| format!("{} {}", r.first_name, r.last_name)),
                eligibility: evaluate(&facts, &requirements, today, settings),
                score: score(target, who, today, weights),
                level: latest_level(&facts.passed_tests, &requirements.domain.code),
                distance_km: match (target.place, home) {
                    (Some(place), Some(home)) => Some(home.distance_km(place).round() as i64),
                    _ => None,
                },
            };
            out.insert(*id, judged);
        }
        Ok(out)
    }

    pub async fn best_profiles(db: &Db, mission_id: i64) -> Result<BestProfileList, AppError> {
        let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
        if m.status != MissionStatus::Published {
            return Ok(BestProfileList { published: false, profiles: Vec::new() });
        }
        let today = today();
        let settings = repo::settings::rule_settings(db).await?;
        let weights = repo::settings::score_weights(db).await?;
        let ranked = rank_best(db, &m, (&settings, &weights, today)).await?;
        let invited: HashMap<i64, String> =
            repo::invitations::invitations_of(db, mission_id).await?.into_iter().map(|i| (i.user_id, paris_datetime(i.invited_at))).collect();
        Ok(BestProfileList {
            published: true,
            profiles: ranked
                .into_iter()
                .map(|(user_id, judged)| BestProfile {
                    user_id,
                    name: judged.name.unwrap_or_else(|| "—".into()),
                    score: judged.score,
                    invited_at: invited.get(&user_id).cloned(),
                })
                .collect(),
        })
    }

    /// The best eligible trainers who have not applied, best first (ties: the smaller id).
    ///
    /// The SQL prefilter keeps validated trainers of the mission's format holding a valid pass
    /// at the domain's test at a level the learners need and a valid Qualiopi QCM, near enough
    /// for an on-site mission, who have not applied. What it returns bounds each one's score
    /// (their test, place and mother tongue are known; their experience is taken as the whole
    /// time since their first job), so candidates are judged best bound first, `BATCH` at a
    /// time, until the 20th kept score is at least the next bound: nobody left can pass them.
    pub async fn rank_best(db: &Db, m: &MissionRow, context: (&RuleSettings, &ScoreWeights, NaiveDate)) -> Result<Vec<(i64, Judged)>, AppError> {
        let (_, weights, today) = context;
        let requirements = m.requirements();
        let place = m.place();
        let target = Target { requirements: &requirements, place };
        let levels = sufficient_level_codes(&requirements);
        let filter = CandidateFilter {
            mission_id: m.id,
            domain_code: &m.domain_code,
            format: m.format,
            around: place.map(|p| p.bounding_box(MAX_MOBILITY_KM as f64)),
            today,
            levels: &levels,
            language: requirements.domain.language.as_deref(),
        };
        // One row per valid pass, within the trainer's own radius: each trainer's bound is the
        // best of their rows (the pass the score reads is one of them when they are eligible).
        let mut bounds: HashMap<i64, u32> = HashMap::new();
        for c in repo::invitations::candidates(db, &filter).await? {
            let user_id = c.result.user_id;
            let home = c.latitude.zip(c.longitude).map(|(lat, lon)| Point::new(lat, lon));
            let radius_km = radius(c.mobility_km);
            if let Some(place) = place {
                if home.is_none_or(|h| h.distance_km(place) > radius_km as f64) {
                    continue;
                }
            }
            let (_, passed, _) = crate::competence::server::results_from([c.result]);
            let Some(test) = passed.first() else { continue };
            let bound = upper_bound(target, test, (home, radius_km), c.native, c.first_job, today, weights);
            let best = bounds.entry(user_id).or_insert(bound);
            *best = (*best).max(bound);
        }
        let mut bounded: Vec<(u32, i64)> = bounds.into_iter().map(|(id, bound)| (bound, id)).collect();
        bounded.sort_by_key(|(bound, id)| (std::cmp::Reverse(*bound), *id));

        let mut kept: Vec<(i64, Judged)> = Vec::new();
        let mut judged_count = 0;
        for batch in bounded.chunks(BATCH) {
            if kept.len() >= BEST_PROFILES && kept[BEST_PROFILES - 1].1.score.total >= batch[0].0 {
                break;
            }
            judged_count += batch.len();
            let users: Vec<i64> = batch.iter().map(|(_, id)| *id).collect();
            let mut judged = judge(db, m, &users, context).await?;
            for id in users {
                if let Some(j) = judged.remove(&id).filter(|j| j.eligibility.can_apply()) {
                    kept.push((id, j));
                }
            }
            kept.sort_by_key(|(id, j)| (std::cmp::Reverse(j.score.total), *id));
            kept.truncate(BEST_PROFILES);
        }
        tracing::debug!(mission_id = m.id, candidates = bounded.len(), judged = judged_count, kept = kept.len(), "best profiles ranked");
        Ok(kept)
    }

    pub async fn invite(state: &AppState, staff: &Ctx, mission_id: i64, user_id: i64) -> Result<(), AppError> {
        let db = &state.db;
        let m = repo::missions::find(db, mission_id).await?.ok_or(AppError::NotFound)?;
        if m.status != MissionStatus::Published {
            return Err(AppError::Rejected("Seule une mission publiée est ouverte aux invitations.".into()));
        }
        // The rules decide again, as of today, on the server.
        let facts = crate::profile::server::trainer_facts(db, user_id).await?;
        let settings = repo::settings::rule_settings(db).await?;
        let eligibility = evaluate(&facts, &m.requirements(), today(), &settings);
        if !eligibility.can_apply() {
            let reasons: Vec<String> = eligibility.refusals.iter().map(|r| r.message.clone()).collect();
            return Err(AppError::Rejected(format!("Ce formateur n'est pas éligible à cette mission : {}", reasons.join(" "))));
        }
        if repo::invitations::has_applied(db, mission_id, user_id).await? {
            return Err(AppError::Rejected("Ce formateur a déjà postulé à cette mission.".into()));
        }
        if !repo::invitations::invite(db, staff, mission_id, user_id).await? {
            return Err(AppError::Rejected("Ce formateur est déjà invité à cette mission.".into()));
        }
        let place = m.commune_name.clone().filter(|_| m.place().is_some()).unwrap_or_else(|| "à distance".into());
        let body = format!(
            "L'équipe vous invite à postuler à la mission « {} » ({}, {}, à partir du {}) : votre profil remplit toutes ses conditions. \
             Consultez-la et postulez si elle vous intéresse.",
            m.title,
            m.domain_label,
            place,
            crate::domain::french_date(m.start_date)
        );
        let link = format!("/missions/{mission_id}");
        crate::notifications::server::notify(state, user_id, "Invitation à postuler à une mission", &body, Some(&link)).await;
        tracing::info!(mission_id, invited = user_id, by = staff.user_id, "trainer invited");
        Ok(())
    }
}
