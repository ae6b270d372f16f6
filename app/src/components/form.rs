//! Form fields with inline French errors, wired to server actions.

use leptos::prelude::*;

use serde::de::DeserializeOwned;
use server_fn::ServerFn;

use crate::domain::password::{check_password_shape, MIN_PASSWORD_CHARS};
use crate::error::{AppError, FieldErrors};

/// The error of the last submission, if it failed.
pub fn error_of<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())))
}

/// The message attached to `field` by the last submission, if any.
pub fn field_error<T, S>(value: S, field: &'static str) -> Signal<Option<String>>
where
    T: 'static,
    S: With<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(AppError::Invalid(errors))) => errors.get(field).map(str::to_string),
            _ => None,
        })
    })
}

/// The errors of a typed form: those the browser found when the form was sent, until the
/// server's answer to that submission arrives; then the server's, which are complete (it adds
/// the rules only it can check: common passwords, lists kept in the database…).
pub struct FormState<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    pub action: ServerAction<S>,
    /// Set by `CheckedForm`: the browser's errors, with the action's version they were found at.
    pub client: RwSignal<Option<(usize, FieldErrors)>>,
}

impl<S> Clone for FormState<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for FormState<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
}

impl<S> FormState<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    pub fn new(action: ServerAction<S>) -> Self {
        Self { action, client: RwSignal::new(None) }
    }

    /// The browser's errors, while the server has not answered the submission they belong to.
    fn current_client_errors(self) -> Option<FieldErrors> {
        let version = self.action.version().get();
        self.client.get().filter(|(at, _)| *at == version).map(|(_, errors)| errors)
    }

    /// The error summary of the form.
    pub fn alert(self) -> Signal<Option<AppError>> {
        let value = self.action.value();
        Signal::derive(move || match self.current_client_errors() {
            Some(errors) => Some(AppError::Invalid(errors)),
            None => value.with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())),
        })
    }

    /// The message of one field.
    pub fn field(self, field: &'static str) -> Signal<Option<String>> {
        let value = self.action.value();
        Signal::derive(move || match self.current_client_errors() {
            Some(errors) => errors.get(field).map(str::to_string),
            None => value.with(|v| match v {
                Some(Err(AppError::Invalid(errors))) => errors.get(field).map(str::to_string),
                _ => None,
            }),
        })
    }
}

/// A form posted to a server function (like `ActionForm`, and without JavaScript too) whose
/// typed conversion runs in the browser first: `check` is the same `TryFrom<…Form>` the server
/// runs, so field errors appear at once, without waiting for the network. The form is still
/// sent: the server checks again, decides, and completes the errors with the rules only it can
/// check (its answer replaces the browser's list).
#[component]
pub fn CheckedForm<S>(
    state: FormState<S>,
    /// The browser-side check of the decoded arguments.
    check: fn(&S) -> Result<(), FieldErrors>,
    children: Children,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + DeserializeOwned + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let on_submit = move |ev: leptos::web_sys::SubmitEvent| {
        use leptos::form::FromFormData;
        ev.prevent_default();
        let version = state.action.version().get_untracked();
        match S::from_event(&ev) {
            Ok(args) => {
                state.client.set(check(&args).err().map(|errors| (version, errors)));
                state.action.dispatch(args);
            }
            Err(_) => state.client.set(Some((version, {
                let mut errors = FieldErrors::new();
                errors.add("", "Le formulaire n'a pas pu être lu : rechargez la page et réessayez.");
                errors
            }))),
        }
    };
    view! {
        <form action=S::url() method="post" novalidate=true on:submit=on_submit>
            {children()}
        </form>
    }
}

/// The alert at the top of a form: the error summary, or a refusal that belongs to no field.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let items = match &e {
                AppError::Invalid(fields) => fields.0.iter().map(|(_, m)| view! { <li>{m.clone()}</li> }).collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            view! {
                <div class="alert alert-error" role="alert" tabindex="-1">
                    <p>{e.to_string()}</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// The `aria-describedby` of a field: its hint, if any, and its error while there is one.
fn described_by(
    hint_id: Option<String>,
    error_id: String,
    error: Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let ids: Vec<&str> =
            hint_id.as_deref().into_iter().chain(error.get().is_some().then_some(error_id.as_str())).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled input with its hint and its error, accessible to screen readers.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let id = format!("f-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = described_by(hint.is_some().then(|| hint_id.clone()), error_id.clone(), error);
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone() class:req=required>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                value=value
                required=required
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error.get().map(|e| view! { <p class="error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}

/// A labelled `<select>` with its hint and its error. `options` are (code, label) pairs;
/// `placeholder`, when given, is a first option with an empty value.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    #[prop(into)] options: Vec<(String, String)>,
    #[prop(optional, into)] selected: Option<String>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] id: Option<String>,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let id = id.unwrap_or_else(|| format!("f-{name}"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let selected = selected.unwrap_or_default();
    let described = described_by(hint.is_some().then(|| hint_id.clone()), error_id.clone(), error);
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone() class:req=required>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
            >
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let is_selected = code == selected;
                        view! { <option value=code selected=is_selected>{text}</option> }
                    })
                    .collect::<Vec<_>>()}
            </select>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error.get().map(|e| view! { <p class="error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}

/// The "Supprimer" button of one item of a list: a small form posting the item's id (as the
/// field `field`, `id` by default) to a delete action.
#[component]
pub fn DeleteButton<S, OutputProtocol>(
    action: ServerAction<S>,
    id: i64,
    #[prop(optional)] field: Option<&'static str>,
    #[prop(optional)] label: Option<&'static str>,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + DeserializeOwned + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S: ServerFn<Protocol = server_fn::Http<server_fn::codec::PostUrl, OutputProtocol>>,
    S::Client: server_fn::client::Client<AppError>,
    <<S::Client as server_fn::client::Client<AppError>>::Request as server_fn::request::ClientReq<AppError>>::FormData:
        From<leptos::web_sys::FormData>,
    OutputProtocol: 'static,
{
    let label = label.unwrap_or("Supprimer");
    let field = field.unwrap_or("id");
    view! {
        <ActionForm action attr:class="inline">
            <input type="hidden" name=field value=id.to_string()/>
            <button type="submit" class="button ghost small" disabled=move || action.pending().get()>{label}</button>
        </ActionForm>
    }
}

/// A new-password input that explains the rules as the user types (the server checks again,
/// with the list of common passwords on top).
#[component]
pub fn NewPasswordField(
    label: &'static str,
    name: &'static str,
    #[prop(into)] email: Signal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let (password, set_password) = signal(String::new());
    let live = move || {
        let pw = password.get();
        if pw.is_empty() {
            return None;
        }
        Some(match check_password_shape(&pw, &email.get()) {
            Ok(()) => (true, format!("{} caractères : longueur correcte.", pw.chars().count())),
            Err(e) => (false, e.to_string()),
        })
    };
    let id = format!("f-{name}");
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone() class="req">{label}</label>
            <input
                id=id.clone()
                name=name
                type="password"
                autocomplete="new-password"
                required=true
                minlength=MIN_PASSWORD_CHARS.to_string()
                maxlength="128"
                aria-describedby=format!("{id}-hint {id}-live")
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                on:input:target=move |ev| set_password.set(ev.target().value())
            />
            <p class="hint" id=format!("{id}-hint")>
                "Au moins 12 caractères. Une phrase de plusieurs mots est idéale ; les mots de passe trop courants sont refusés."
            </p>
            <p class="live" id=format!("{id}-live") aria-live="polite">
                {move || live().map(|(ok, msg)| view! { <span class=if ok { "ok" } else { "ko" }>{msg}</span> })}
            </p>
            {move || error.get().map(|e| view! { <p class="error">{e}</p> })}
        </div>
    }
}

/// A submit button that shows progress and cannot be pressed twice.
#[component]
pub fn Submit(label: &'static str, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    view! {
        <button type="submit" class="button primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { "Envoi en cours…" } else { label }}
        </button>
    }
}

/// Follows the server's answer with a full page load, so every part of the page (header,
/// navigation) reflects the new session.
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(path);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
