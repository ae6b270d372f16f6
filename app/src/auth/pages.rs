//! Pages of the account flows: register, log in, forgotten password, reset, my account.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{ChangePassword, Login, Register, RequestPasswordReset, ResetLinkState, ResetPassword};
use crate::components::form::{error_of, field_error, go_to, Field, FormAlert, NewPasswordField, Submit};
use crate::components::{use_session, PageTitle, RequireRole};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let value = action.value();
    let (email, set_email) = signal(String::new());
    Effect::new(move |_| {
        if let Some(Ok(redirect)) = value.get() {
            go_to(&redirect.to);
        }
    });
    view! {
        <PageTitle text="Créer un compte formateur"/>
        <section class="panel narrow">
            <h1>"Créer votre compte formateur"</h1>
            <p class="lead">
                "Inscrivez-vous, complétez votre profil et passez vos tests : l'équipe vérifie votre profil, puis vous postulez aux missions proches de chez vous."
            </p>
            <ActionForm action attr:novalidate=true attr:class="form">
                <FormAlert error=error_of(value)/>
                <div class="row">
                    <Field label="Prénom" name="first_name" autocomplete="given-name" required=true error=field_error(value, "first_name")/>
                    <Field label="Nom" name="last_name" autocomplete="family-name" required=true error=field_error(value, "last_name")/>
                </div>
                <div class="field" class:has-error=move || field_error(value, "email").get().is_some()>
                    <label for="f-email" class="req">"Adresse e-mail"</label>
                    <input id="f-email" name="email" type="email" autocomplete="email" required=true
                        on:input:target=move |ev| set_email.set(ev.target().value())/>
                    {move || field_error(value, "email").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <NewPasswordField label="Mot de passe" name="password" email=email error=field_error(value, "password")/>
                <Field label="Confirmez le mot de passe" name="password_confirm" kind="password" autocomplete="new-password" required=true error=field_error(value, "password_confirm")/>
                <div class="field checkbox" class:has-error=move || field_error(value, "accept_terms").get().is_some()>
                    <input id="f-accept_terms" type="checkbox" name="accept_terms" value="on"/>
                    <label for="f-accept_terms">
                        "J'accepte les " <a href="/conditions" target="_blank">"conditions d'utilisation"</a>
                        " et j'ai lu la " <a href="/confidentialite" target="_blank">"politique de confidentialité"</a> "."
                    </label>
                    {move || field_error(value, "accept_terms").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <Submit label="Créer mon compte" pending=action.pending()/>
            </ActionForm>
            <p class="aside">"Déjà inscrit ? " <a href="/connexion">"Connectez-vous"</a></p>
            <p class="aside muted">"Vous représentez un centre de formation ? " <a href="/contact">"Contactez l'équipe"</a> " : elle crée votre accès."</p>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let value = action.value();
    let query = use_query_map();
    let next = move || query.read().get("suite").unwrap_or_default();
    Effect::new(move |_| {
        if let Some(Ok(redirect)) = value.get() {
            go_to(&redirect.to);
        }
    });
    view! {
        <PageTitle text="Connexion"/>
        <section class="panel narrow">
            <h1>"Connexion"</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert error=error_of(value)/>
                <input type="hidden" name="next" prop:value=next/>
                <Field label="Adresse e-mail" name="email" kind="email" autocomplete="username" required=true error=field_error(value, "email")/>
                <Field label="Mot de passe" name="password" kind="password" autocomplete="current-password" required=true error=field_error(value, "password")/>
                <Submit label="Se connecter" pending=action.pending()/>
            </ActionForm>
            <p class="aside"><a href="/mot-de-passe-oublie">"Mot de passe oublié ?"</a></p>
            <p class="aside">"Pas encore de compte ? " <a href="/inscription">"Créez votre compte formateur"</a></p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    let sent = move || matches!(value.get(), Some(Ok(())));
    view! {
        <PageTitle text="Mot de passe oublié"/>
        <section class="panel narrow">
            <h1>"Mot de passe oublié"</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p>"Saisissez l'adresse e-mail de votre compte : nous vous envoyons un lien pour choisir un nouveau mot de passe."</p>
                    <ActionForm action attr:class="form" attr:novalidate=true>
                        <FormAlert error=error_of(value)/>
                        <Field label="Adresse e-mail" name="email" kind="email" autocomplete="email" required=true error=field_error(value, "email")/>
                        <Submit label="Recevoir le lien" pending=action.pending()/>
                    </ActionForm>
                }
            >
                <div class="alert alert-success" role="status">
                    <p>
                        "Si un compte existe avec cette adresse, un e-mail vient de lui être envoyé avec un lien valable une heure. "
                        "Pensez à vérifier vos courriers indésirables."
                    </p>
                </div>
                <p><a href="/connexion">"Retour à la connexion"</a></p>
            </Show>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("jeton").unwrap_or_default();
    let link = Resource::new(token, |token| super::check_reset_link(token));
    let action = ServerAction::<ResetPassword>::new();
    let value = action.value();
    Effect::new(move |_| {
        if let Some(Ok(redirect)) = value.get() {
            go_to(&redirect.to);
        }
    });
    view! {
        <PageTitle text="Nouveau mot de passe"/>
        <section class="panel narrow">
            <h1>"Choisir un nouveau mot de passe"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Vérification du lien…"</p> }>
                {move || link.get().map(|state| match state {
                    Ok(ResetLinkState::Valid) => view! {
                        <ActionForm action attr:class="form" attr:novalidate=true>
                            <FormAlert error=error_of(value)/>
                            <input type="hidden" name="token" prop:value=token/>
                            <NewPasswordField label="Nouveau mot de passe" name="password" email=Signal::derive(String::new) error=field_error(value, "password")/>
                            <Field label="Confirmez le mot de passe" name="password_confirm" kind="password" autocomplete="new-password" required=true error=field_error(value, "password_confirm")/>
                            <Submit label="Enregistrer le mot de passe" pending=action.pending()/>
                        </ActionForm>
                    }.into_any(),
                    Ok(other) => {
                        let message = match other {
                            ResetLinkState::Expired => "Ce lien a expiré (il est valable une heure).",
                            ResetLinkState::Used => "Ce lien a déjà été utilisé.",
                            _ => "Ce lien n'est pas valide : vérifiez que vous l'avez copié en entier.",
                        };
                        view! {
                            <div class="alert alert-error" role="alert"><p>{message}</p></div>
                            <a class="button primary" href="/mot-de-passe-oublie">"Demander un nouveau lien"</a>
                        }.into_any()
                    }
                    Err(e) => view! { <crate::components::ErrorPanel error=e/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let email = Signal::derive(move || session.user().map(|u| u.email).unwrap_or_default());
    let done = move || matches!(value.get(), Some(Ok(())));
    view! {
        <PageTitle text="Mon compte"/>
        <RequireRole>
        <section class="panel narrow">
            <h1>"Mon compte"</h1>
            <Suspense fallback=|| ()>
                {move || session.user().map(|user| view! {
                    <dl class="facts">
                        <dt>"Nom"</dt><dd>{user.full_name()}</dd>
                        <dt>"Adresse e-mail"</dt><dd>{user.email.clone()}</dd>
                        <dt>"Type de compte"</dt><dd>{user.role.label()}</dd>
                    </dl>
                })}
            </Suspense>
            <h2>"Changer de mot de passe"</h2>
            <p class="muted">"Après le changement, vos autres sessions (autres navigateurs, autres appareils) sont fermées."</p>
            <Show when=done>
                <div class="alert alert-success" role="status"><p>"Votre mot de passe est modifié. Vos autres sessions sont fermées."</p></div>
            </Show>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert error=error_of(value)/>
                <Field label="Mot de passe actuel" name="current_password" kind="password" autocomplete="current-password" required=true error=field_error(value, "current_password")/>
                <NewPasswordField label="Nouveau mot de passe" name="new_password" email=email error=field_error(value, "new_password")/>
                <Field label="Confirmez le nouveau mot de passe" name="new_password_confirm" kind="password" autocomplete="new-password" required=true error=field_error(value, "new_password_confirm")/>
                <Submit label="Changer le mot de passe" pending=action.pending()/>
            </ActionForm>
            {move || (session.user().map(|u| u.role) == Some(crate::auth::Role::Trainer)).then(|| view! { <crate::missions::pages::DigestSetting/> })}
        </section>
        </RequireRole>
    }
}
