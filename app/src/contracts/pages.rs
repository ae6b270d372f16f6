//! Contract pages: reading and signing (account or centre link), "my contracts", the staff
//! panel of a mission, the template editor and the public verification page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::*;
use crate::components::form::{error_of, FormAlert, FormState, Submit};
use crate::components::{Loaded, PageTitle, RequireRole};
use crate::domain::contracts::{Article, ContractContent, ContractStatus, SignParty};
use crate::session::Role;

fn status_tone(status: ContractStatus) -> &'static str {
    match status {
        ContractStatus::ToSign => "badge badge-warn",
        ContractStatus::Signed => "badge badge-ok",
        ContractStatus::Superseded => "badge",
    }
}

/// The contract's text, as the PDF prints it.
#[component]
fn ContractText(content: ContractContent) -> impl IntoView {
    let m = content.mission.clone();
    let party = |title: &'static str, p: crate::domain::contracts::PartyFacts, detail: &'static str| {
        view! {
            <div class="party">
                <h3>{title}</h3>
                <p><strong>{p.name}</strong></p>
                <p>{format!("SIRET : {}", dash(&p.siret))}</p>
                <p>{format!("Déclaration d'activité (NDA) : {}", dash(&p.nda))}</p>
                <p>{format!("Adresse : {}", dash(&p.address))}</p>
                <p>{format!("{detail} : {}", dash(&p.detail))}</p>
            </div>
        }
    };
    view! {
        <article class="contract-text" data-testid="contract-text">
            <h2>"Contrat de sous-traitance de prestation de formation"</h2>
            <p class="muted">{format!("Référence {} — version {} — établi le {}", content.reference, content.version, content.drawn_on)}</p>
            <div class="parties">
                {party("Le donneur d'ordre (centre de formation)", content.centre.clone(), "Représenté par")}
                {party("Le sous-traitant (formateur indépendant)", content.trainer.clone(), "Statut")}
            </div>
            <dl class="facts">
                <dt>"Intitulé"</dt><dd>{m.title.clone()}</dd>
                <dt>"Modalité"</dt><dd>{m.format.clone()}</dd>
                <dt>"Lieu"</dt><dd>{m.place.clone()}</dd>
                <dt>"Période"</dt><dd>{format!("du {} au {}", m.start, m.end)}</dd>
                <dt>"Durée"</dt><dd>{format!("{} heures", m.hours)}</dd>
                <dt>"Financement"</dt><dd>{if m.cpf_funded { "Compte personnel de formation (CPF)" } else { "hors CPF" }}</dd>
                <dt>"Taux horaire"</dt><dd>{format!("{} HT", m.hourly_rate)}</dd>
                <dt>"Montant total"</dt><dd data-testid="contract-total">{format!("{} HT", m.total)}</dd>
            </dl>
            <Articles articles=content.articles.clone()/>
        </article>
    }
}

fn dash(s: &str) -> String {
    if s.trim().is_empty() { "—".into() } else { s.to_string() }
}

#[component]
fn Articles(articles: Vec<Article>) -> impl IntoView {
    articles
        .into_iter()
        .map(|a| view! {
            <section class="article">
                <h3>{a.title}</h3>
                {a.paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect::<Vec<_>>()}
            </section>
        })
        .collect::<Vec<_>>()
}

/// Where the signatures stand, the downloads and the journal.
#[component]
fn ContractStatusPanel(view: ContractView) -> impl IntoView {
    let sealed = view.signed_pdf_url.is_some();
    view! {
        <section class="panel" data-testid="contract-status">
            <div class="title-row">
                <h1>{format!("Contrat {}", view.reference)}</h1>
                <span class=status_tone(view.status) data-testid="contract-state">{view.status.label()}</span>
            </div>
            <p>{format!("Mission « {} » — version {} du contrat.", view.content.mission.title, view.version)}</p>
            {view.newer.map(|id| view! {
                <p class="alert alert-info">"Une nouvelle version de ce contrat a été établie : "<a href=format!("/contrats/{id}")>"ouvrir la dernière version"</a>"."</p>
            })}
            <ul class="plain signers" data-testid="signers">
                {view.signers.iter().map(|s| {
                    let who = match s.party { SignParty::Trainer => "Formateur", SignParty::Centre => "Centre" };
                    let text = match &s.signed_at {
                        Some(at) => format!("{who} — {} : signé le {at}", s.name),
                        None => format!("{who} — {} : pas encore signé", s.name),
                    };
                    view! { <li data-signed=s.signed_at.is_some().to_string()>{text}</li> }
                }).collect::<Vec<_>>()}
            </ul>
            {view.vigilance.clone().map(|(ok, text)| view! {
                <p class=if ok { "muted" } else { "alert alert-warning" } data-testid="vigilance">{text}</p>
            })}
            <p class="downloads">
                <a class="button" href=view.pdf_url.clone() rel="external" download="">{if sealed { "Contrat soumis à signature (PDF)" } else { "Télécharger le contrat (PDF)" }}</a>
                {view.signed_pdf_url.clone().map(|u| view! { " " <a class="button primary" href=u rel="external" download="" data-testid="signed-pdf">"Contrat signé (PDF)"</a> })}
                {view.proof_pdf_url.clone().map(|u| view! { " " <a class="button" href=u rel="external" download="">"Preuve de signature (PDF)"</a> })}
                {view.proof_json_url.clone().map(|u| view! { " " <a class="button" href=u rel="external" download="">"Preuve (JSON)"</a> })}
            </p>
            <p class="muted small">{format!("Empreinte SHA-256 du contrat soumis à signature : {}", view.pdf_sha256)}</p>
            {view.signed_sha256.clone().map(|h| view! { <p class="muted small" data-testid="signed-sha">{format!("Empreinte SHA-256 du contrat signé : {h}")}</p> })}
        </section>
    }
}

#[component]
fn Journal(lines: Vec<JournalLine>) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Journal de signature"</h2>
            <ol class="journal" data-testid="journal">
                {lines.into_iter().map(|l| view! {
                    <li>
                        <span class="muted">{l.at}</span>" — "<strong>{l.event}</strong>" — "{l.who}
                        {l.detail.map(|d| view! { <br/><span class="muted small">{d}</span> })}
                    </li>
                }).collect::<Vec<_>>()}
            </ol>
        </section>
    }
}

/// The signing steps, the same for a logged-in signer and for a centre's link: ask for the
/// emailed code, tick consent, type the code, sign. `field`/`value` identify the contract to
/// both server functions (its id, or the link's token); `document` is the hash of the PDF read.
#[component]
fn SignSteps<C, S, CodeOutput, SignOutput>(
    code: ServerAction<C>,
    sign: ServerAction<S>,
    field: &'static str,
    value: String,
    document: String,
    code_to: String,
    step3: &'static str,
    consent: &'static str,
) -> impl IntoView
where
    C: server_fn::ServerFn<Error = AppError, Output = String> + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    C: server_fn::ServerFn<Protocol = server_fn::Http<server_fn::codec::PostUrl, CodeOutput>>,
    C::Client: server_fn::client::Client<AppError>,
    <<C::Client as server_fn::client::Client<AppError>>::Request as server_fn::request::ClientReq<AppError>>::FormData:
        From<leptos::web_sys::FormData>,
    S: server_fn::ServerFn<Error = AppError, Output = ()> + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    S: server_fn::ServerFn<Protocol = server_fn::Http<server_fn::codec::PostUrl, SignOutput>>,
    S::Client: server_fn::client::Client<AppError>,
    <<S::Client as server_fn::client::Client<AppError>>::Request as server_fn::request::ClientReq<AppError>>::FormData:
        From<leptos::web_sys::FormData>,
    CodeOutput: 'static,
    SignOutput: 'static,
{
    let code_value = code.value();
    let sign_state = FormState::new(sign);
    let (code_value_field, sign_value_field) = (value.clone(), value);
    view! {
        <ol class="steps">
            <li>"Lisez le contrat en entier ci-dessous (ou dans le PDF)."</li>
            <li>{format!("Recevez un code à usage unique par e-mail ({code_to}).")}</li>
            <li>{step3}</li>
        </ol>
        <FormAlert error=error_of(code_value)/>
        {move || code_value.get().and_then(|r| r.ok()).map(|to| view! {
            <p class="alert alert-info" role="status" data-testid="code-sent">{format!("Un code vient d'être envoyé à {to}. Il est valable 15 minutes.")}</p>
        })}
        <ActionForm action=code attr:class="inline">
            <input type="hidden" name=field value=code_value_field/>
            <button type="submit" class="button" disabled=move || code.pending().get()>"Recevoir le code par e-mail"</button>
        </ActionForm>
        <ActionForm action=sign attr:class="form">
            <FormAlert error=sign_state.alert()/>
            <input type="hidden" name=field value=sign_value_field/>
            <input type="hidden" name="document" value=document/>
            <div class="field checkbox" class:has-error=move || sign_state.field("consent").get().is_some()>
                <label>
                    <input type="checkbox" name="consent" value="oui"/>
                    {consent}
                </label>
                {move || sign_state.field("consent").get().map(|e| view! { <p class="error">{e}</p> })}
            </div>
            <div class="field" class:has-error=move || sign_state.field("code").get().is_some()>
                <label for="f-code">"Code reçu par e-mail"</label>
                <input id="f-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12"/>
                {move || sign_state.field("code").get().map(|e| view! { <p class="error">{e}</p> })}
            </div>
            <Submit label="Signer le contrat" pending=sign.pending()/>
        </ActionForm>
    }
}

/// The page of a contract for its trainer, its centre's users and staff.
#[component]
pub fn ContractPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let code = ServerAction::<RequestSigningCode>::new();
    let sign = ServerAction::<SignContract>::new();
    let data = Resource::new(move || (id.get(), sign.version().get()), |(id, _)| load_contract(id));
    view! {
        <PageTitle text="Contrat de sous-traitance"/>
        <RequireRole>
            <Loaded resource=data loading="Chargement du contrat…" let:contract>
                {
                    let id_text = contract.id.to_string();
                    let signing = contract.signing_as.map(|_| {
                        let doc = contract.pdf_sha256.clone();
                        let code_to = contract.code_to.clone().unwrap_or_default();
                        let blocker = contract.blocker.clone();
                        view! {
                            <section class="panel sign" data-testid="sign-panel">
                                <h2>"Signer le contrat"</h2>
                                {match blocker {
                                    Some((text, link)) => view! {
                                        <div class="alert alert-warning" data-testid="sign-blocked">
                                            <p>{text}</p>
                                            {link.map(|l| view! { <p><a href=l>"Déposer l'attestation"</a></p> })}
                                        </div>
                                    }.into_any(),
                                    None => view! {
                                        <SignSteps code sign field="contract_id" value=id_text.clone() document=doc code_to
                                            step3="Cochez la case, saisissez le code et signez."
                                            consent=" J'ai lu l'intégralité du contrat et j'accepte de le signer électroniquement."/>
                                    }.into_any(),
                                }}
                            </section>
                        }
                    });
                    let staff = contract.staff.is_some();
                    view! {
                        <ContractStatusPanel view=contract.clone()/>
                        {signing}
                        <section class="panel">
                            <ContractText content=contract.content.clone()/>
                        </section>
                        {(staff || contract.status != ContractStatus::ToSign).then(|| view! { <Journal lines=contract.journal.clone()/> })}
                    }
                }
            </Loaded>
        </RequireRole>
    }
}

/// The page a centre's contact opens from the emailed link (no account needed).
#[component]
pub fn LinkSignPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let code = ServerAction::<RequestLinkCode>::new();
    let sign = ServerAction::<SignByLink>::new();
    let data = Resource::new(move || (token.get(), sign.version().get()), |(t, _)| load_contract_by_link(t));
    view! {
        <PageTitle text="Signature du contrat"/>
        <Loaded resource=data loading="Chargement du contrat…" let:contract>
            {
                let token_a = token.get_untracked();
                let signing = contract.signing_as.map(|_| {
                    let doc = contract.pdf_sha256.clone();
                    let code_to = contract.code_to.clone().unwrap_or_default();
                    view! {
                        <section class="panel sign" data-testid="sign-panel">
                            <h2>"Signer le contrat pour le centre"</h2>
                            <SignSteps code sign field="token" value=token_a document=doc code_to
                                step3="Cochez la case, saisissez le code et signez. Ce lien ne sert qu'à une signature."
                                consent=" J'ai lu l'intégralité du contrat et j'accepte de le signer électroniquement au nom du centre."/>
                        </section>
                    }
                });
                view! {
                    <ContractStatusPanel view=contract.clone()/>
                    {signing}
                    <section class="panel">
                        <ContractText content=contract.content.clone()/>
                    </section>
                    {(contract.status != ContractStatus::ToSign).then(|| view! { <Journal lines=contract.journal.clone()/> })}
                }
            }
        </Loaded>
    }
}

/// "Mes contrats", for trainers and centre users.
#[component]
pub fn MyContractsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_contracts());
    view! {
        <PageTitle text="Mes contrats"/>
        <RequireRole>
            <section class="panel">
                <h1>"Mes contrats"</h1>
                <Loaded resource=data let:contracts>
                    {if contracts.is_empty() {
                        view! { <p class="muted">"Aucun contrat pour l'instant : un contrat est établi quand une mission est acceptée."</p> }.into_any()
                    } else {
                        view! { <ContractList contracts/> }.into_any()
                    }}
                </Loaded>
            </section>
        </RequireRole>
    }
}

#[component]
pub fn ContractList(contracts: Vec<ContractSummary>) -> impl IntoView {
    view! {
        <ul class="plain list" data-testid="my-contracts">
            {contracts.into_iter().map(|c| view! {
                <li>
                    <a href=format!("/contrats/{}", c.id)><strong>{c.title}</strong></a>
                    " "<span class=status_tone(c.status)>{c.status.label()}</span>
                    <br/><span class="muted">{format!("{} — établi le {} — {}", c.reference, c.drawn_on, c.waiting_for)}</span>
                </li>
            }).collect::<Vec<_>>()}
        </ul>
    }
}

/// The actions of the contract section of the staff mission page (created by the page, so
/// that its resource, also created there, reloads after each of them).
#[derive(Clone, Copy)]
pub struct ContractActions {
    pub redraw: ServerAction<RedrawContract>,
    pub link: ServerAction<SendCentreLink>,
    pub cdc: ServerAction<RecordCdcSent>,
}

impl ContractActions {
    pub fn new() -> Self {
        Self { redraw: ServerAction::new(), link: ServerAction::new(), cdc: ServerAction::new() }
    }

    /// Changes after each action, for the resource's source.
    pub fn version(self) -> (usize, usize, usize) {
        (self.redraw.version().get(), self.link.version().get(), self.cdc.version().get())
    }
}

impl Default for ContractActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The contract section of the staff mission page.
#[component]
pub fn MissionContractSection(data: Resource<Result<Option<MissionContract>, AppError>>, actions: ContractActions) -> impl IntoView {
    let ContractActions { redraw, link, cdc } = actions;
    view! {
        <Loaded resource=data let:mc>
            {mc.filter(|mc| mc.can_draw || mc.current.is_some()).map(|mc| {
                let cdc_state = FormState::new(cdc);
                view! {
                    <section class="panel" data-testid="mission-contract">
                        <h2>"Contrat de sous-traitance"</h2>
                        <FormAlert error=error_of(redraw.value())/>
                        <FormAlert error=error_of(link.value())/>
                        {mc.stale.clone().map(|s| view! { <p class="alert alert-warning" data-testid="contract-stale">{s}</p> })}
                        {match mc.current.clone() {
                            None => view! { <p class="muted">"Aucun contrat n'a encore été établi pour cette mission."</p> }.into_any(),
                            Some(c) => {
                                let staff = c.staff.clone();
                                let cpf = c.content.mission.cpf_funded;
                                let signed = c.status == ContractStatus::Signed;
                                let id_text = c.id.to_string();
                                view! {
                                    <p>
                                        <a href=format!("/contrats/{}", c.id)>{format!("{} (version {})", c.reference, c.version)}</a>
                                        " "<span class=status_tone(c.status) data-testid="contract-state">{c.status.label()}</span>
                                    </p>
                                    <ul class="plain">
                                        {c.signers.iter().map(|s| view! {
                                            <li>{format!("{} : {}", s.name, s.signed_at.clone().map(|a| format!("signé le {a}")).unwrap_or_else(|| "pas encore signé".into()))}</li>
                                        }).collect::<Vec<_>>()}
                                    </ul>
                                    {c.vigilance.clone().map(|(ok, text)| view! { <p class=if ok { "muted" } else { "alert alert-warning" } data-testid="vigilance">{text}</p> })}
                                    {staff.clone().and_then(|s| s.link).map(|l| view! { <p class="muted">{l}</p> })}
                                    {staff.clone().and_then(|s| s.chain.err()).map(|e| view! { <p class="alert alert-error">{e}</p> })}
                                    {(c.status == ContractStatus::ToSign && c.signers.iter().any(|s| s.party == SignParty::Centre && s.signed_at.is_none())).then(|| {
                                        let id = id_text.clone();
                                        view! {
                                            <ActionForm action=link attr:class="inline">
                                                <input type="hidden" name="contract_id" value=id/>
                                                <button type="submit" class="button" disabled=move || link.pending().get()>"Renvoyer le lien de signature au centre"</button>
                                            </ActionForm>
                                        }
                                    })}
                                    {(cpf && signed).then(|| {
                                        let id = id_text.clone();
                                        let sent = staff.clone().and_then(|s| s.cdc_sent_on);
                                        view! {
                                            <p data-testid="cdc">{match &sent {
                                                Some(d) => format!("Transmis à la Caisse des dépôts le {d}."),
                                                None => "Mission financée par le CPF : contrat à transmettre à la Caisse des dépôts.".to_string(),
                                            }}</p>
                                            <ActionForm action=cdc attr:class="inline">
                                                <FormAlert error=cdc_state.alert()/>
                                                <input type="hidden" name="contract_id" value=id/>
                                                <label for="f-sent_on">"Date de transmission"</label>" "
                                                <input id="f-sent_on" type="date" name="sent_on"/>" "
                                                <button type="submit" class="button">"Enregistrer"</button>
                                                {move || cdc_state.field("sent_on").get().map(|e| view! { <p class="error">{e}</p> })}
                                            </ActionForm>
                                        }
                                    })}
                                }.into_any()
                            }
                        }}
                        {mc.can_draw.then(|| view! {
                            <ActionForm action=redraw attr:class="inline">
                                <input type="hidden" name="mission_id" value=mc.mission_id.to_string()/>
                                <button type="submit" class="button" disabled=move || redraw.pending().get()>
                                    {if mc.current.is_some() { "Établir une nouvelle version (à signer à nouveau ; la version signée reste en vigueur d'ici là)" } else { "Établir le contrat" }}
                                </button>
                            </ActionForm>
                        })}
                        {(mc.versions.len() > 1).then(|| view! {
                            <details>
                                <summary>"Versions précédentes"</summary>
                                <ul class="plain">
                                    {mc.versions.iter().skip(1).map(|(id, v, s)| view! { <li><a href=format!("/contrats/{id}")>{v.clone()}</a>{format!(" — {s}")}</li> }).collect::<Vec<_>>()}
                                </ul>
                            </details>
                        })}
                    </section>
                }
            })}
        </Loaded>
    }
}

/// Staff edit the contract template (each save is a new version) and preview it.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let save = ServerAction::<SaveTemplate>::new();
    let data = Resource::new(move || save.version().get(), |_| load_templates());
    view! {
        <PageTitle text="Modèle de contrat"/>
        <RequireRole role=Role::Staff>
            <p><a href="/equipe">"← Espace équipe"</a></p>
            <Loaded resource=data let:t>
                {
                    let state = FormState::new(save);
                    let saved = save.value();
                    view! {
                        <section class="panel">
                            <h1>"Modèle de contrat de sous-traitance"</h1>
                            <p>{format!("Version en vigueur : {}. Chaque enregistrement crée une nouvelle version ; un contrat déjà établi garde la sienne.", t.current_version)}</p>
                            <p><a class="button" href=format!("/equipe/contrat-type/{}/apercu.pdf", t.current_version) rel="external" target="_blank">"Aperçu PDF (mission exemple financée par le CPF)"</a></p>
                            {move || saved.get().and_then(|r| r.ok()).map(|v| view! { <p class="alert alert-success" role="status" data-testid="template-saved">{format!("Version {v} enregistrée : les prochains contrats l'utiliseront.")}</p> })}
                            <ActionForm action=save attr:class="form">
                                <FormAlert error=state.alert()/>
                                <input type="hidden" name="based_on" value=t.current_version.to_string()/>
                                <div class="field" class:has-error=move || state.field("body").get().is_some()>
                                    <label for="f-body">"Articles du contrat"</label>
                                    <p class="hint" id="f-body-hint">"Chaque article commence par une ligne « ## Titre » ; une ligne vide sépare les paragraphes ; « ## [cpf] Titre » : article réservé aux missions financées par le CPF. Les parties, la mission et les montants sont présentés en tête du contrat."</p>
                                    <textarea id="f-body" name="body" rows="24" class="mono" aria-describedby="f-body-hint">{crate::components::textarea_text(t.body.clone())}</textarea>
                                    {move || state.field("body").get().map(|e| view! { <p class="error" data-testid="template-error">{e}</p> })}
                                </div>
                                <div class="field">
                                    <label for="f-note">"Ce qui change (facultatif)"</label>
                                    <input id="f-note" name="note" maxlength="200"/>
                                </div>
                                <Submit label="Enregistrer une nouvelle version" pending=save.pending()/>
                            </ActionForm>
                        </section>
                        <section class="panel">
                            <h2>"Valeurs disponibles"</h2>
                            <dl class="facts">
                                {t.placeholders.iter().map(|(k, v)| view! { <dt><code>{k.clone()}</code></dt><dd>{v.clone()}</dd> }).collect::<Vec<_>>()}
                            </dl>
                        </section>
                        <section class="panel">
                            <h2>"Versions"</h2>
                            <ul class="plain">
                                {t.versions.iter().map(|(v, at, who, note)| view! {
                                    <li>
                                        {format!("Version {v} — {at} — {who}")}{(!note.is_empty()).then(|| format!(" — {note}"))}
                                        " "<a href=format!("/equipe/contrat-type/{v}/apercu.pdf") rel="external" target="_blank">"aperçu PDF"</a>
                                    </li>
                                }).collect::<Vec<_>>()}
                            </ul>
                        </section>
                        <section class="panel contract-text">
                            <h2>"Aperçu de la version en vigueur"</h2>
                            <Articles articles=t.preview.clone()/>
                        </section>
                    }
                }
            </Loaded>
        </RequireRole>
    }
}

/// Public: checks a PDF (sent to the server, which only computes its hash) or a pasted hash.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let query = use_query_map();
    let verify = ServerAction::<VerifyContract>::new();
    let from_query = Memo::new(move |_| query.read().get("empreinte").unwrap_or_default());
    let from_file = Resource::new(move || from_query.get(), |h| async move { if h.is_empty() { None } else { Some(verify_contract(h).await) } });
    let state = FormState::new(verify);
    let answer = move || verify.value().get().map(Some).or_else(|| from_file.get().flatten().map(Some)).flatten();
    let too_big = move || query.read().get("erreur").is_some();
    view! {
        <PageTitle text="Vérifier un contrat"/>
        <section class="panel">
            <h1>"Vérifier un contrat"</h1>
            <p>"Vérifiez qu'un contrat de sous-traitance a bien été signé sur Mission Formateur, et par qui. Seule l'empreinte du fichier est comparée : rien d'autre du contrat n'est affiché."</p>
            {move || too_big().then(|| view! { <p class="alert alert-error" role="alert">"Ce fichier n'a pas pu être lu : choisissez un PDF de moins de 20 Mo."</p> })}
            <form action="/verifier-contrat/fichier" method="post" enctype="multipart/form-data" class="form">
                <div class="field">
                    <label for="f-file">"Fichier PDF du contrat"</label>
                    <input id="f-file" type="file" name="fichier" accept="application/pdf,.pdf" required=true/>
                </div>
                <button type="submit" class="button primary">"Vérifier le fichier"</button>
            </form>
            <ActionForm action=verify attr:class="form">
                <div class="field" class:has-error=move || state.field("sha256").get().is_some()>
                    <label for="f-sha256">"Ou l'empreinte SHA-256 du fichier"</label>
                    <input id="f-sha256" name="sha256" maxlength="100" autocomplete="off" spellcheck="false"/>
                    {move || state.field("sha256").get().map(|e| view! { <p class="error">{e}</p> })}
                </div>
                <button type="submit" class="button">"Vérifier l'empreinte"</button>
            </ActionForm>
        </section>
        <Transition fallback=|| ()>
            {move || answer().map(|r| match r {
                Err(AppError::Invalid(_)) => ().into_any(),
                Err(e) => view! { <p class="alert alert-error">{e.to_string()}</p> }.into_any(),
                Ok(VerifyAnswer::Signed { reference, version, signed_pdf, trainer, trainer_at, centre, centre_at, superseded }) => view! {
                    <section class="panel alert alert-success" data-testid="verify-result" data-outcome="signe">
                        <h2>"Contrat signé sur Mission Formateur"</h2>
                        <p>{format!("Ce document est {} du contrat {reference} (version {version}).", if signed_pdf { "le PDF signé" } else { "la version soumise à signature" })}</p>
                        <ul class="plain">
                            <li>{format!("Signé par {trainer} (formateur) le {trainer_at}.")}</li>
                            <li>{format!("Signé par {centre} pour le centre de formation le {centre_at}.")}</li>
                        </ul>
                        {superseded.then(|| view! { <p>"Une version plus récente de ce contrat a depuis été signée par les deux parties."</p> })}
                    </section>
                }.into_any(),
                Ok(VerifyAnswer::NotSigned { reference }) => view! {
                    <section class="panel alert alert-warning" data-testid="verify-result" data-outcome="non-signe">
                        <p>{format!("Ce document est le contrat {reference}, établi sur Mission Formateur, mais il n'est pas signé par les deux parties.")}</p>
                    </section>
                }.into_any(),
                Ok(VerifyAnswer::Unknown) => view! {
                    <section class="panel alert alert-error" data-testid="verify-result" data-outcome="inconnu">
                        <p>"Ce document ne correspond à aucun contrat signé sur Mission Formateur : il n'en vient pas, ou il a été modifié (même d'un seul octet)."</p>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}
