//! The frame of every page: header with role-based navigation, flash message, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::form::go_to;
use crate::components::use_session;
use crate::auth::Logout;
use crate::session::{FlashKind, Role, SessionUser};

/// Navigation entries of each role: (label, path).
fn nav_for(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Trainer => &[("Mon espace", "/espace"), ("Missions", "/missions"), ("Mes candidatures", "/candidatures"), ("Mes contrats", "/contrats"), ("Mon profil", "/profil"), ("Tests de compétences", "/tests")],
        Role::Staff => &[
            ("Tableau de bord", "/equipe"),
            ("Profils à vérifier", "/equipe/profils"),
            ("Missions", "/equipe/missions"),
            ("Centres", "/equipe/centres"),
            ("Tests", "/equipe/tests"),
            ("Comptes", "/equipe/comptes"),
            ("Emails envoyés", "/equipe/emails"),
            ("Journal", "/equipe/journal"),
            ("Contrat type", "/equipe/contrat-type"),
            ("Réglages", "/equipe/reglages"),
        ],
        Role::Centre => &[("Mon centre", "/centre"), ("Contrats", "/contrats")],
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="site-header">
            <Suspense fallback=|| view! { <div class="header-inner"><Brand/></div> }>
                {move || session.0.get().map(|info| {
                    match info.clone().ok().and_then(|i| i.user) {
                        Some(user) => {
                            let unread = info.as_ref().map(|i| i.unread_notifications).unwrap_or(0);
                            view! { <UserHeader user unread/> }.into_any()
                        }
                        None => view! {
                            <div class="header-inner">
                                <Brand/>
                                <nav class="user-nav" aria-label="Compte">
                                    <A href="/connexion">"Se connecter"</A>
                                    <a class="button primary small" href="/inscription">"Créer un compte formateur"</a>
                                </nav>
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </header>
    }
}

#[component]
fn Brand() -> impl IntoView {
    view! {
        <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true">"MF"</span>
            <span class="brand-name">"Mission Formateur"</span>
        </a>
    }
}

#[component]
fn UserHeader(user: SessionUser, unread: i64) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(redirect)) = logout.value().get() {
            go_to(&redirect.to);
        }
    });
    let links = nav_for(user.role)
        .iter()
        .map(|(label, path)| view! { <A href=*path exact=true>{*label}</A> })
        .collect::<Vec<_>>();
    view! {
        <div class="header-inner">
            <Brand/>
            <nav class="user-nav" aria-label="Compte">
                <A href="/notifications" exact=true attr:class="bell" attr:aria-label=format!("Notifications ({unread} non lues)")>
                    "Notifications"
                    {(unread > 0).then(|| view! { <span class="count">{unread}</span> })}
                </A>
                <A href="/compte" exact=true>"Mon compte"</A>
                <span class="who" title=user.email.clone()>
                    {user.full_name()}
                    <small>{user.role.label()}</small>
                </span>
                <ActionForm action=logout attr:class="inline">
                    <button type="submit" class="button ghost small">"Se déconnecter"</button>
                </ActionForm>
            </nav>
        </div>
        <nav class="main-nav" aria-label="Navigation principale">
            <div class="header-inner">{links}</div>
        </nav>
    }
}

#[component]
pub fn FlashBanner() -> impl IntoView {
    let session = use_session();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                session.0.get().and_then(|r| r.ok()).and_then(|i| i.flash).map(|flash| {
                    let class = match flash.kind {
                        FlashKind::Success => "flash flash-success",
                        FlashKind::Info => "flash flash-info",
                        FlashKind::Warning => "flash flash-warning",
                    };
                    view! { <div class=class role="status">{flash.message}</div> }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="footer-inner">
                <p>"Mission Formateur — le partenaire des centres de formation et des formateurs indépendants."</p>
                <nav aria-label="Liens légaux">
                    <a href="/conditions">"Conditions d'utilisation"</a>
                    <a href="/confidentialite">"Politique de confidentialité"</a>
                    <a href="/contact">"Contact"</a>
                    <a href="/verifier-contrat">"Vérifier un contrat"</a>
                </nav>
            </div>
        </footer>
    }
}
