//! Building blocks shared by every page: session access, forms, guards, loading states.
//! Depends only on `session`, `error` and `domain`, never on an area.

pub mod form;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::session::{Role, SessionInfo, SessionUser};
use crate::error::AppError;

/// The session as loaded once per full page load (user and flash message).
#[derive(Clone, Copy)]
pub struct SessionCtx(pub Resource<Result<SessionInfo, AppError>>);

pub fn use_session() -> SessionCtx {
    expect_context::<SessionCtx>()
}

impl SessionCtx {
    /// The logged-in user, once the session is known.
    pub fn user(self) -> Option<SessionUser> {
        self.0.get().and_then(|r| r.ok()).and_then(|info| info.user)
    }
}

/// Sets the page title ("Connexion · Mission Formateur").
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=text/> }
}

/// Renders `children` only for a logged-in user (with `role`, when given); sends visitors to
/// the login page and shows a French refusal to users with another role.
#[component]
pub fn RequireRole(#[prop(optional, into)] role: Option<Role>, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Chargement…"</p> }>
            {move || {
                session.0.get().map(|info| {
                    let user = info.ok().and_then(|i| i.user);
                    match user {
                        None => {
                            let next = location.pathname.get_untracked();
                            let path = format!("/connexion?suite={}", urlencode(&next));
                            view! { <Redirect path=path/> }.into_any()
                        }
                        Some(user) if role.is_some_and(|r| r != user.role) => {
                            set_status(403);
                            view! { <Forbidden/> }.into_any()
                        }
                        // Built untracked: what the page reads while being built must not rebuild it.
                        Some(_) => untrack(|| children.with_value(|c| c()).into_any()),
                    }
                })
            }}
        </Suspense>
    }
}

/// A loaded resource: a loading line while it loads, the error panel if it failed, else
/// `children` with the value.
///
/// ```ignore
/// <Loaded resource=data loading="Chargement de votre profil…" let:profile>
///     <ProfileHeader profile/>
/// </Loaded>
/// ```
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    #[prop(optional)] loading: Option<&'static str>,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let loading = loading.unwrap_or("Chargement…");
    view! {
        <Transition fallback=move || view! { <p class="muted">{loading}</p> }>
            {move || resource.get().map(|result| match result {
                Ok(value) => children(value).into_any(),
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
            })}
        </Transition>
    }
}

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(_code))
    {
        response.set_status(status);
    }
}

/// The text inside a `<textarea>`. The server's HTML writer leaves a textarea's text unescaped
/// (it treats it as raw text), so a stored `</textarea><script>` would end the element: it is
/// escaped here when rendering on the server. In the browser the text becomes a text node and
/// stays as it is.
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// Minimal percent-encoding for a path put in a query string.
pub fn urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <PageTitle text="Accès réservé"/>
        <section class="panel narrow center">
            <h1>"Accès réservé"</h1>
            <p>"Cette page est réservée à un autre type de compte. Si vous pensez que c'est une erreur, contactez l'équipe."</p>
            <a class="button" href="/">"Retour à l'accueil"</a>
        </section>
    }
}

/// Shows an error in French inside a page.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let title = match &error {
        AppError::Unauthenticated => "Connexion requise",
        AppError::Forbidden => "Accès réservé",
        AppError::NotFound => "Introuvable",
        _ => "Une erreur est survenue",
    };
    view! {
        <div class="alert alert-error" role="alert">
            <strong>{title}</strong>
            <p>{error.to_string()}</p>
        </div>
    }
}
