//! Mission Formateur: pages, server functions and the pure business rules.

pub mod auth;
pub mod centres;
pub mod competence;
pub mod contracts;
pub mod components;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod geo;
#[cfg(feature = "ssr")]
pub mod infra;
pub mod missions;
pub mod notifications;
pub mod pages;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod session;
pub mod layout;
pub mod staff;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::auth::pages::{AccountPage, ForgotPasswordPage, LoginPage, RegisterPage, ResetPasswordPage};
use crate::competence::pages::{AttemptPage, ResultPage, TestIntroPage, TestsPage};
use crate::competence::staff::{StaffBankPage, StaffTestsPage};
use crate::contracts::pages::{ContractPage, LinkSignPage, MyContractsPage, TemplatePage, VerifyPage};
use crate::layout::{FlashBanner, Footer, Header};
use crate::components::SessionCtx;
use crate::missions::centre::CentreHomePage;
use crate::missions::pages::{MissionPage, MissionsPage, MyApplicationsPage};
use crate::centres::pages::{CentrePage, CentresPage};
use crate::missions::staff_pages::{RulesPage, StaffMissionPage, StaffMissionsPage};
use crate::notifications::NotificationsPage;
use crate::pages::*;
use crate::profile::pages::{AdministrativePage, BackgroundPage, DocumentsPage, ProfilePage};
use crate::profile::review::{AuditPage, QueuePage, ReviewPage};
use crate::staff::{AccountsPage, EmailsPage, StaffHomePage};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="stylesheet" id="leptos" href="/pkg/mission-formateur.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Blocking: the header, guards and flash message are known before the first byte is sent,
    // and the flash is removed from the session before the session is saved.
    let session = Resource::new_blocking(|| (), |_| auth::get_session());
    provide_context(SessionCtx(session));
    // Lets end-to-end tests (and styles) know when the page has become interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|text: String| if text.is_empty() { "Mission Formateur".to_string() } else { format!("{text} · Mission Formateur") }/>
        <Router>
            <a class="skip-link" href="#contenu">"Aller au contenu"</a>
            <Header/>
            <main id="contenu" tabindex="-1">
                <FlashBanner/>
                <ErrorBoundary fallback=|errors| view! {
                    <section class="panel narrow">
                        <h1>"Une erreur est survenue"</h1>
                        <ul>
                            {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect::<Vec<_>>()}
                        </ul>
                        <p><a href="/">"Retour à l'accueil"</a></p>
                    </section>
                }>
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("/") view=HomePage/>
                        <Route path=path!("/inscription") view=RegisterPage/>
                        <Route path=path!("/connexion") view=LoginPage/>
                        <Route path=path!("/mot-de-passe-oublie") view=ForgotPasswordPage/>
                        <Route path=path!("/reinitialiser-mot-de-passe") view=ResetPasswordPage/>
                        <Route path=path!("/compte") view=AccountPage/>
                        <Route path=path!("/conditions") view=TermsPage/>
                        <Route path=path!("/confidentialite") view=PrivacyPage/>
                        <Route path=path!("/contact") view=ContactPage/>
                        <Route path=path!("/espace") view=TrainerHomePage/>
                        <Route path=path!("/centre") view=CentreHomePage/>
                        <Route path=path!("/equipe") view=StaffHomePage/>
                        <Route path=path!("/equipe/comptes") view=AccountsPage/>
                        <Route path=path!("/equipe/emails") view=EmailsPage/>
                        <Route path=path!("/equipe/profils") view=QueuePage/>
                        <Route path=path!("/equipe/profils/:id") view=ReviewPage/>
                        <Route path=path!("/equipe/journal") view=AuditPage/>
                        <Route path=path!("/profil") view=ProfilePage/>
                        <Route path=path!("/profil/parcours") view=BackgroundPage/>
                        <Route path=path!("/profil/administratif") view=AdministrativePage/>
                        <Route path=path!("/profil/documents") view=DocumentsPage/>
                        <Route path=path!("/notifications") view=NotificationsPage/>
                        <Route path=path!("/tests") view=TestsPage/>
                        <Route path=path!("/tests/tentative/:id") view=AttemptPage/>
                        <Route path=path!("/tests/resultat/:id") view=ResultPage/>
                        <Route path=path!("/tests/:code") view=TestIntroPage/>
                        <Route path=path!("/equipe/tests") view=StaffTestsPage/>
                        <Route path=path!("/equipe/centres") view=CentresPage/>
                        <Route path=path!("/equipe/centres/:id") view=CentrePage/>
                        <Route path=path!("/equipe/missions") view=StaffMissionsPage/>
                        <Route path=path!("/equipe/missions/nouvelle") view=StaffMissionPage/>
                        <Route path=path!("/equipe/missions/:id") view=StaffMissionPage/>
                        <Route path=path!("/equipe/reglages") view=RulesPage/>
                        <Route path=path!("/missions") view=MissionsPage/>
                        <Route path=path!("/missions/:id") view=MissionPage/>
                        <Route path=path!("/candidatures") view=MyApplicationsPage/>
                        <Route path=path!("/contrats") view=MyContractsPage/>
                        <Route path=path!("/contrats/:id") view=ContractPage/>
                        <Route path=path!("/signature/:token") view=LinkSignPage/>
                        <Route path=path!("/verifier-contrat") view=VerifyPage/>
                        <Route path=path!("/equipe/contrat-type") view=TemplatePage/>
                        <Route path=path!("/equipe/tests/:code") view=StaffBankPage/>
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer/>
        </Router>
    }
}
