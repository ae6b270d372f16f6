//! Pages of the account flows: register, log in, forgotten password, reset, my account.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{ChangePassword, Login, Register, RequestPasswordReset, ResetLinkState, ResetPassword};
use crate::components::form::{go_to, CheckedForm, Field, FormAlert, FormState, NewPasswordField, Submit};
use crate::domain::forms::accounts::{LoginAttempt, NewPassword, Registration};
use crate::domain::Email;
use crate::components::{use_session, PageTitle, RequireRole};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let value = action.value();
    let form = FormState::new(action);
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
            <CheckedForm state=form check=|a: &Register| Registration::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <div class="row">
                    <Field label="Prénom" name="first_name" autocomplete="given-name" required=true error=form.field("first_name")/>
                    <Field label="Nom" name="last_name" autocomplete="family-name" required=true error=form.field("last_name")/>
                </div>
                <div class="field" class:has-error=move || form.field("email").get().is_some()>
                    <label for="f-email" class="req">"Adresse e-mail"</label>
                    <input id="f-email" name="email" type="email" autocomplete="email" required=true
                        on:input:target=move |ev| set_email.set(ev.target().value())/>
                    {move || form.field("email").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <NewPasswordField label="Mot de passe" name="password" email=email error=form.field("password")/>
                <Field label="Confirmez le mot de passe" name="password_confirm" kind="password" autocomplete="new-password" required=true error=form.field("password_confirm")/>
                <div class="field checkbox" class:has-error=move || form.field("accept_terms").get().is_some()>
                    <input id="f-accept_terms" type="checkbox" name="accept_terms" value="on"/>
                    <label for="f-accept_terms">
                        "J'accepte les " <a href="/conditions" target="_blank">"conditions d'utilisation"</a>
                        " et j'ai lu la " <a href="/confidentialite" target="_blank">"politique de confidentialité"</a> "."
                    </label>
                    {move || form.field("accept_terms").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <Submit label="Créer mon compte" pending=action.pending()/>
            </CheckedForm>
            <p class="aside">"Déjà inscrit ? " <a href="/connexion">"Connectez-vous"</a></p>
            <p class="aside muted">"Vous représentez un centre de formation ? " <a href="/contact">"Contactez l'équipe"</a> " : elle crée votre accès."</p>
        </section>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let value = action.value();
    let form = FormState::new(action);
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
            <CheckedForm state=form check=|a: &Login| LoginAttempt::try_from(a.form.clone()).map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <input type="hidden" name="next" prop:value=next/>
                <Field label="Adresse e-mail" name="email" kind="email" autocomplete="username" required=true error=form.field("email")/>
                <Field label="Mot de passe" name="password" kind="password" autocomplete="current-password" required=true error=form.field("password")/>
                <Submit label="Se connecter" pending=action.pending()/>
            </CheckedForm>
            <p class="aside"><a href="/mot-de-passe-oublie">"Mot de passe oublié ?"</a></p>
            <p class="aside">"Pas encore de compte ? " <a href="/inscription">"Créez votre compte formateur"</a></p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    let form = FormState::new(action);
    let sent = move || matches!(value.get(), Some(Ok(())));
    view! {
        <PageTitle text="Mot de passe oublié"/>
        <section class="panel narrow">
            <h1>"Mot de passe oublié"</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p>"Saisissez l'adresse e-mail de votre compte : nous vous envoyons un lien pour choisir un nouveau mot de passe."</p>
                    <CheckedForm state=form check=|a: &RequestPasswordReset| Email::try_from(a.form.clone()).map(drop) attr:class="form">
                        <FormAlert error=form.alert()/>
                        <Field label="Adresse e-mail" name="email" kind="email" autocomplete="email" required=true error=form.field("email")/>
                        <Submit label="Recevoir le lien" pending=action.pending()/>
                    </CheckedForm>
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
    let form = FormState::new(action);
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
                        <CheckedForm state=form check=|a: &ResetPassword| NewPassword::check("password", "password_confirm", &a.form.password, &a.form.password_confirm, "").map(drop) attr:class="form">
                            <FormAlert error=form.alert()/>
                            <input type="hidden" name="token" prop:value=token/>
                            <NewPasswordField label="Nouveau mot de passe" name="password" email=Signal::derive(String::new) error=form.field("password")/>
                            <Field label="Confirmez le mot de passe" name="password_confirm" kind="password" autocomplete="new-password" required=true error=form.field("password_confirm")/>
                            <Submit label="Enregistrer le mot de passe" pending=action.pending()/>
                        </CheckedForm>
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
    let form = FormState::new(action);
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
            <CheckedForm state=form check=|a: &ChangePassword| NewPassword::check("new_password", "new_password_confirm", &a.form.new_password, &a.form.new_password_confirm, "").map(drop) attr:class="form">
                <FormAlert error=form.alert()/>
                <Field label="Mot de passe actuel" name="current_password" kind="password" autocomplete="current-password" required=true error=form.field("current_password")/>
                <NewPasswordField label="Nouveau mot de passe" name="new_password" email=email error=form.field("new_password")/>
                <Field label="Confirmez le nouveau mot de passe" name="new_password_confirm" kind="password" autocomplete="new-password" required=true error=form.field("new_password_confirm")/>
                <Submit label="Changer le mot de passe" pending=action.pending()/>
            </CheckedForm>
            {move || (session.user().map(|u| u.role) == Some(crate::auth::Role::Trainer)).then(|| view! { <crate::missions::pages::DigestSetting/> })}
        </section>
        </RequireRole>
    }
}
