//! The partner centre's own space: its missions and their status, never trainer profiles.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::staff::MissionSummary;
use crate::auth::Role;
use crate::components::{Loaded, PageTitle, RequireRole};
use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreHome {
    pub name: String,
    pub management_mode: String,
    pub missions: Vec<MissionSummary>,
}

/// The caller's centre and its missions; a centre user sees only their own centre.
#[server]
pub async fn my_centre() -> Result<CentreHome, AppError> {
    crate::guard::guard(crate::guard::CENTRE, |caller| async move {
        let db = &caller.state.db;
        let Some((centre_id, name, mode)) = crate::repo::centres::own(db, &caller.ctx).await? else {
            return Err(AppError::Rejected("Votre compte n'est rattaché à aucun centre : contactez l'équipe.".into()));
        };
        let filter = crate::repo::missions::StaffFilter { centre_id: Some(centre_id), ..Default::default() };
        let page = super::staff::server::list(db, &filter, 1).await?;
        Ok(CentreHome { name, management_mode: mode.label().to_string(), missions: page.items })
    })
    .await
}

#[component]
pub fn CentreHomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_centre());
    let contracts = Resource::new(|| (), |_| crate::contracts::my_contracts());
    view! {
        <PageTitle text="Mon centre"/>
        <RequireRole role=Role::Centre>
            <Loaded resource=data let:home>
                <CentreSpace home/>
            </Loaded>
            <section class="panel">
                <h2>"Contrats de sous-traitance"</h2>
                <Loaded resource=contracts let:list>
                    {if list.is_empty() {
                        view! { <p class="empty">"Aucun contrat pour l'instant : un contrat est établi quand un formateur accepte une de vos missions."</p> }.into_any()
                    } else {
                        view! { <crate::contracts::pages::ContractList contracts=list/> }.into_any()
                    }}
                </Loaded>
            </section>
        </RequireRole>
    }
}

#[component]
fn CentreSpace(home: CentreHome) -> impl IntoView {
    view! {
        <section class="panel">
            <h1>{home.name.clone()}</h1>
            <p class="muted">{format!("{} confiée à Mission Formateur.", home.management_mode)}</p>
            <h2>"Vos missions"</h2>
            {if home.missions.is_empty() {
                view! { <p class="empty">"Aucune mission pour l'instant : l'équipe publie vos missions dès réception."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr><th scope="col">"Mission"</th><th scope="col">"Domaine"</th><th scope="col">"Début"</th><th scope="col">"Statut"</th><th scope="col">"Candidatures"</th></tr></thead>
                        <tbody>
                            {home.missions.into_iter().map(|m| view! {
                                <tr><td data-label="Mission">{m.title}</td><td data-label="Domaine">{m.domain}</td><td data-label="Début">{m.start}</td><td data-label="Statut">{m.status.label()}</td><td data-label="Candidatures">{m.applications}</td></tr>
                            }).collect::<Vec<_>>()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <p class="muted">"Pour toute demande sur une mission, " <a href="/contact">"contactez l'équipe"</a> "."</p>
        </section>
    }
}
