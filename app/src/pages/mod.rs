//! Public pages and the trainer's home: the guide, legal texts, contact, 404.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::auth::Role;
use crate::components::{set_status, use_session, Loaded, PageTitle, RequireRole};

#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <PageTitle text="Accueil"/>
        <Suspense fallback=|| ()>
            {move || session.0.get().map(|info| match info.ok().and_then(|i| i.user) {
                Some(user) => view! { <Redirect path=user.role.home()/> }.into_any(),
                None => view! { <Landing/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Landing() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Des missions de formation près de chez vous"</h1>
            <p class="lead">
                "Mission Formateur est le partenaire des centres de formation qui nous confient la gestion de leurs formateurs, "
                "et parfois la gestion totale de leurs formations. Chaque jour, nous diffusons leurs missions pour sélectionner le meilleur formateur."
            </p>
            <div class="actions">
                <a class="button primary" href="/inscription">"Créer mon compte formateur"</a>
                <a class="button" href="/connexion">"Se connecter"</a>
            </div>
        </section>
        <section class="panel">
            <h2>"Comment ça marche ?"</h2>
            <ol class="steps">
                <li>
                    <h3>"Onglet PROFIL"</h3>
                    <p>"Vos coordonnées, pour vous contacter et vous proposer des missions proches de chez vous."</p>
                </li>
                <li>
                    <h3>"Onglet PARCOURS"</h3>
                    <p>"Vos expériences et vos compétences, et votre situation administrative : le NDA est obligatoire pour tous les formateurs, la certification Qualiopi dans certains cas."</p>
                </li>
                <li>
                    <h3>"Onglet TESTS DE COMPÉTENCES"</h3>
                    <p>"Le QCM Qualiopi et les tests de niveau de vos domaines, à valider chaque année."</p>
                </li>
            </ol>
            <p>"Votre profil n'a pas besoin d'être complet à 100 % : l'équipe le vérifie, puis vous pouvez postuler. Lorsque votre candidature est retenue, vous recevez la proposition de mission avec le contact du stagiaire, puis vous signez votre contrat de sous-traitance avec le centre."</p>
        </section>
        <section class="cards">
            <article class="card">
                <h2>"Confidentialité"</h2>
                <p>"Les profils formateurs sont visibles uniquement par l'équipe Mission Formateur. Ils servent à vérifier leur cohérence avec les obligations réglementaires."</p>
            </article>
            <article class="card">
                <h2>"Rémunération"</h2>
                <p>"Chaque centre partenaire définit sa politique de rémunération selon le domaine, le format et le volume de la mission. Le taux horaire vous est communiqué lors de votre candidature."</p>
            </article>
            <article class="card">
                <h2>"Réforme CPF 2024"</h2>
                <p>"Depuis le 1er avril 2024, les sous-traitants d'actions financées par le CPF doivent être certifiés Qualiopi, sauf les micro-entrepreneurs sous le plafond de chiffre d'affaires : pour eux, le NDA suffit."</p>
            </article>
        </section>
    }
}

#[component]
pub fn TrainerHomePage() -> impl IntoView {
    let profile = Resource::new(|| (), |_| crate::profile::load_my_profile());
    view! {
        <PageTitle text="Mon espace"/>
        <RequireRole role=Role::Trainer>
            <TrainerHome profile/>
        </RequireRole>
    }
}

#[component]
fn TrainerHome(profile: Resource<Result<crate::profile::MyProfile, crate::error::AppError>>) -> impl IntoView {
    use crate::profile::pages::StatusBadge;
    let session = use_session();
    let name = move || session.user().map(|u| u.first_name).unwrap_or_default();
    view! {
        <section class="panel">
            <h1>"Bonjour " {name}</h1>
            <p class="lead">"Plus votre profil sera complet, plus vite vous pourrez postuler aux missions."</p>
            <Loaded resource=profile let:p>
                {
                        let c = p.completeness.clone();
                        let next = c.missing.iter().take(3).map(|m| view! { <li><a href=m.href.clone()>{m.label.clone()}</a></li> }).collect::<Vec<_>>();
                        view! {
                            <div class="card">
                                <div class="title-row">
                                    <h2>"Mon profil"</h2>
                                    <StatusBadge status=p.status/>
                                </div>
                                <div class="meter" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=c.percent.to_string() aria-label="Profil complété">
                                    <span style=format!("width: {}%", c.percent)></span>
                                </div>
                                <p class="muted">{format!("{} % complété", c.percent)}</p>
                                {(!next.is_empty()).then(|| view! { <p>"À compléter en priorité :"</p><ul>{next}</ul> })}
                                <a class="button primary" href="/profil">"Compléter mon profil"</a>
                            </div>
                        }
                }
            </Loaded>
            <div class="cards home-cards">
                <a class="card link-card" href="/missions">
                    <h2>"Missions près de chez vous"</h2>
                    <p>"Les missions publiées par nos centres partenaires, avec ce qu'il vous faut pour postuler."</p>
                </a>
                <a class="card link-card" href="/tests">
                    <h2>"Tests de compétences"</h2>
                    <p>"Le QCM Qualiopi et les tests de vos domaines, à valider chaque année."</p>
                </a>
            </div>
        </section>
        <section class="panel">
            <h2>"Mes candidatures"</h2>
            <crate::missions::pages::MyApplications limit=5/>
        </section>
    }
}

#[component]
pub fn TermsPage() -> impl IntoView {
    view! {
        <PageTitle text="Conditions d'utilisation"/>
        <article class="panel prose">
            <h1>"Conditions d'utilisation"</h1>
            <p class="muted">"Version du 1er novembre 2026."</p>
            <h2>"1. Objet"</h2>
            <p>"Mission Formateur met en relation des formateurs indépendants et des centres de formation partenaires qui lui confient la gestion de leurs formateurs, et parfois la gestion totale de leurs formations. Ces conditions régissent l'utilisation de la plateforme."</p>
            <h2>"2. Compte"</h2>
            <p>"Le formateur crée lui-même son compte et s'engage à fournir des informations exactes et à jour. Les comptes de l'équipe et des centres sont créés par l'équipe. Chacun garde son mot de passe secret ; toute action faite depuis un compte est réputée faite par son titulaire."</p>
            <h2>"3. Vérification des profils"</h2>
            <p>"L'équipe vérifie chaque profil (expériences, compétences, situation administrative) avant de le valider. Un profil peut être refusé ou faire l'objet de demandes de modification motivées."</p>
            <h2>"4. Missions et candidatures"</h2>
            <p>"Seuls les formateurs dont le profil est validé, qui ont réussi le QCM Qualiopi et le test de compétences du domaine (valable un an) peuvent postuler, dans le respect des niveaux exigés. L'équipe choisit le formateur retenu ; le contrat de sous-traitance est signé entre le formateur et le centre de formation donneur d'ordre."</p>
            <h2>"5. Obligations réglementaires"</h2>
            <p>"Le formateur dispose d'un numéro de déclaration d'activité (NDA). Pour les actions financées par le CPF, il est certifié Qualiopi, sauf s'il relève du régime micro-social avec un chiffre d'affaires inférieur au plafond en vigueur. Il ne sous-traite pas à son tour les missions confiées."</p>
            <h2>"6. Responsabilité"</h2>
            <p>"Mission Formateur met tout en œuvre pour assurer la disponibilité du service sans pouvoir la garantir. Le formateur reste responsable du contenu et de la qualité des formations qu'il dispense."</p>
            <h2>"7. Résiliation"</h2>
            <p>"Le formateur peut supprimer son compte à tout moment. L'équipe peut suspendre un compte en cas de manquement à ces conditions."</p>
        </article>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <PageTitle text="Politique de confidentialité"/>
        <article class="panel prose">
            <h1>"Politique de confidentialité"</h1>
            <p class="muted">"Version du 1er novembre 2026."</p>
            <h2>"Qui voit votre profil ?"</h2>
            <p>"Les profils formateurs sont visibles uniquement par l'équipe Mission Formateur. Les centres de formation ne consultent jamais les profils ; lorsqu'un formateur est retenu pour une mission, le centre reçoit les informations nécessaires au contrat de sous-traitance."</p>
            <h2>"Données traitées et finalités"</h2>
            <ul>
                <li>"Identité et coordonnées : vous contacter et vous proposer des missions proches de chez vous."</li>
                <li>"Parcours, compétences, résultats des tests : vérifier l'adéquation de votre profil aux missions et aux exigences des stagiaires."</li>
                <li>"Situation administrative (NDA, SIRET, Qualiopi, attestation de vigilance) : respecter les obligations réglementaires de la sous-traitance de formation."</li>
                <li>"Données de connexion : sécuriser votre compte."</li>
            </ul>
            <h2>"Base légale"</h2>
            <p>"L'exécution des conditions d'utilisation que vous acceptez, et les obligations légales liées à la formation professionnelle."</p>
            <h2>"Durées de conservation"</h2>
            <p>"Les données du profil sont conservées tant que le compte existe. À la suppression du compte, elles sont effacées, à l'exception de ce que la loi impose de garder (par exemple les pièces liées à une formation réalisée, conservées de façon anonymisée lorsque c'est possible)."</p>
            <h2>"Vos droits"</h2>
            <p>"Vous pouvez accéder à vos données, les rectifier, les télécharger et supprimer votre compte depuis votre espace, et vous opposer à certains traitements. Pour toute question, écrivez à dpo@mission-formateur.fr. Vous pouvez aussi saisir la CNIL (www.cnil.fr)."</p>
            <h2>"Sécurité"</h2>
            <p>"Les mots de passe sont stockés sous forme de condensats (Argon2id) ; les documents sont stockés hors de l'espace public du site et ne sont servis qu'à leur titulaire et à l'équipe."</p>
        </article>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    view! {
        <PageTitle text="Contact"/>
        <section class="panel narrow">
            <h1>"Contacter l'équipe"</h1>
            <p>"L'équipe Mission Formateur répond du lundi au vendredi, de 9 h à 18 h."</p>
            <dl class="facts">
                <dt>"E-mail"</dt><dd><a href="mailto:contact@mission-formateur.fr">"contact@mission-formateur.fr"</a></dd>
                <dt>"Données personnelles"</dt><dd><a href="mailto:dpo@mission-formateur.fr">"dpo@mission-formateur.fr"</a></dd>
            </dl>
            <p class="muted">"Centres de formation : l'équipe crée les accès de votre centre sur demande."</p>
        </section>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
    view! {
        <PageTitle text="Page introuvable"/>
        <section class="panel narrow center">
            <h1>"Page introuvable"</h1>
            <p>"Cette adresse ne correspond à aucune page. Elle a peut-être changé, ou le lien est incomplet."</p>
            <a class="button primary" href="/">"Retour à l'accueil"</a>
        </section>
    }
}
