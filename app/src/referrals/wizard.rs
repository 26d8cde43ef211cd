//! "Submit a Referral": six steps on one server draft (guide 002, X; guide 003). Every button
//! posts the step's form with `to` naming what was pressed; the server keeps the draft and
//! answers the address to show, so the wizard works the same before the browser app loads,
//! after a reload, and on another device.

use super::{
    load_referral_wizard, CatalogOption, FileRow, MemberChoice, ProviderChoice, ReferralStep,
    ReferralWizard, ServiceLine, MAX_FILES, STEPS,
};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    action_error, answer_keeps, field_errors, follow_answer, page_resource, query_value,
    refused_value, slug, ErrorSummary, Field, FlowSteps, Modal, NeedsReason, RadioGroup, Reveal,
    Select, SubmitOnChoice, TabPanel, Tabs, TextArea, WizardFlow,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

type Save = ServerAction<ReferralStep>;

#[component]
pub fn SubmitReferralPage() -> impl IntoView {
    let query = use_query_map();
    let draft = Signal::derive(move || query.read().get("draft").unwrap_or_default());
    let save: Save = ServerAction::new();
    // The first step's answer is the new draft's address, which asks for its step by itself;
    // later steps answer the address already shown.
    let flow = FlowSteps::new().after_staying(save, move |to: &String| {
        answer_keeps(to, "draft", &draft.get_untracked())
    });
    follow_answer(save, || {});
    let data = page_resource(
        move || (draft.get(), flow.version()),
        |(draft, _)| load_referral_wizard(draft),
    );
    view! {
        <Require access=PageAccess::Member>
            <h1>"Submit a Referral"</h1>
            <WizardFlow
                label="Referral steps"
                steps=STEPS
                step=data
                position=|w: &ReferralWizard| Some(w.step)
                view=move |w: ReferralWizard| view! { <StepView w save /> }
            />
        </Require>
    }
}

/// A submit button of the step's form.
fn press(to: String, label: &'static str, primary: bool) -> impl IntoView {
    let class = if primary { "button primary" } else { "button" };
    view! { <button type="submit" name="to" value=to class=class>{label}</button> }
}

#[component]
fn StepView(w: ReferralWizard, save: Save) -> impl IntoView {
    let error = action_error(save);
    let step = w.step;
    let draft = w.draft.clone();
    let redirect = RwSignal::new(w.form.redirect.clone());
    let justification = RwSignal::new(w.form.justification.clone());
    let before = match step {
        2 => view! { <TertiaryDialog w=w.clone() save /> }.into_any(),
        4 => view! { <Upload draft=draft.clone() count=w.files.len() /> }.into_any(),
        _ => ().into_any(),
    };
    let body = match step {
        0 => view! { <AboutStep w=w.clone() error /> }.into_any(),
        1 => view! { <ReferringStep w=w.clone() error /> }.into_any(),
        2 => view! { <ReferredStep w=w.clone() error redirect justification /> }.into_any(),
        3 => view! { <MedicalStep w=w.clone() error /> }.into_any(),
        4 => view! { <AttachmentsStep files=w.files.clone() /> }.into_any(),
        _ => view! { <ReviewStep w=w.clone() /> }.into_any(),
    };
    let buttons = if step == 5 {
        view! {
            {press("submit".into(), "Submit Referral", true)}
            {press("back".into(), "Back", false)}
        }
        .into_any()
    } else {
        view! {
            <button type="submit" id="referral-next" name="to" value="next" class="button primary">"Next"</button>
            // In the browser, a "No" keeps "Next" waiting for its justification.
            {(step == 2).then(|| view! {
                <NeedsReason button="referral-next" name="form[redirect]" value="no" field="referral-justification" />
            })}
            {(step > 0).then(|| press("back".into(), "Back", false))}
        }
        .into_any()
    };
    view! {
        <h2>{STEPS[step]}</h2>
        {w.notice.clone().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <ErrorSummary error beside_fields=true />
        {before}
        <ActionForm action=save attr:novalidate=true attr:aria-label=STEPS[step]>
            <input type="hidden" name="draft" value=draft.clone() />
            <input type="hidden" name="on" value=step.to_string() />
            // Enter in a field of the Medical Info step goes on, never to a "✕" first in order.
            {(step == 3).then(|| view! { <button type="submit" name="to" value="next" hidden=true tabindex="-1">"Next"</button> })}
            {body}
            <div class="actions forward-first">{buttons}</div>
        </ActionForm>
        {(!w.draft.is_empty()).then(|| view! {
            <ActionForm action=save attr:class="inline" attr:aria-label="Discard this draft">
                <input type="hidden" name="draft" value=w.draft.clone() />
                <button type="submit" name="to" value="discard" class="button link">"Discard Draft"</button>
            </ActionForm>
        })}
    }
}

/// A field's message where no `Field` shows it (beside a group of radios).
fn error_at(message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="field-error" role="alert">{m}</p> })
    }
}

#[component]
fn AboutStep(w: ReferralWizard, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = field_errors(move || error.get());
    let kind = RwSignal::new(w.form.kind.clone());
    let by_name = !w.form.last_name.is_empty() && w.form.member_id.is_empty();
    let selected = usize::from(by_name);
    let member_id = RwSignal::new(w.form.member_id.clone());
    let last = RwSignal::new(w.form.last_name.clone());
    let first = RwSignal::new(w.form.first_name.clone());
    let born = RwSignal::new(w.form.date_of_birth.clone());
    let city = RwSignal::new(w.form.city.clone());
    let chosen = w.form.member.clone();
    let members = w.members.clone();
    view! {
        <RadioGroup legend="Type of Referral" options=vec![("medical", "Medical"), ("behavioral", "Behavioral Health")] value=kind name="form[kind]" />
        {error_at(field("kind"))}
        <p class="hint">"Medical: services not related to behavioral health. Medical outpatient referrals are for eligible members of the plan's directly managed networks; Behavioral Health referrals for eligible members of any network except the delegated ones."</p>
        <h3>"Who is this referral for?"</h3>
        <Tabs id="referral-member" label="Find the member by" labels=vec!["Member ID".into(), "Name".into()] selected />
        <TabPanel id="referral-member" index=0>
            <Field label="Member ID" value=member_id name="form[member_id]" id="referral-member-id" hint="CIN, MEDS ID, or MBI accepted" error=field("member_id") />
            {press("search-id".into(), "Search", false)}
        </TabPanel>
        <TabPanel id="referral-member" index=1>
            <div class="field-row">
                <Field label="Last Name" value=last name="form[last_name]" id="referral-last" error=field("last_name") />
                <Field label="First Name" value=first name="form[first_name]" id="referral-first" error=field("first_name") />
            </div>
            <div class="field-row">
                <Field label="Date of Birth" value=born name="form[date_of_birth]" id="referral-born" input_type="date" error=field("date_of_birth") />
                <Field label="City" value=city name="form[city]" id="referral-city" />
            </div>
            {press("search-name".into(), "Search", false)}
        </TabPanel>
        {(!members.is_empty()).then(|| view! {
            <fieldset class="radio-group choices">
                <legend>"Member"</legend>
                {members.into_iter().map(|m| member_radio(m, &chosen)).collect_view()}
            </fieldset>
        })}
        {error_at(field("member"))}
    }
}

fn member_radio(m: MemberChoice, chosen: &str) -> impl IntoView {
    let id = format!("member-{}", m.cin);
    let checked = m.cin == chosen;
    let network = if m.network.is_empty() {
        "no health network".to_string()
    } else {
        m.network.clone()
    };
    view! {
        <div class="radio">
            <input type="radio" id=id.clone() name="form[member]" value=m.cin.clone() checked=checked />
            <label for=id>{format!("{} — CIN {}, born {}, {}, {}, {}", m.name, m.cin, m.born, m.city, network, m.eligibility)}</label>
        </div>
    }
}

fn provider_label(p: &ProviderChoice) -> String {
    let mut label = format!(
        "{} — Provider ID {}, {}, {}, {}",
        p.name, p.npi, p.specialty, p.address, p.city
    );
    if p.tertiary {
        label.push_str(" (tertiary)");
    }
    label
}

#[component]
fn ReferringStep(w: ReferralWizard, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = field_errors(move || error.get());
    let chosen = w.form.referring.clone();
    view! {
        <p>"The referring provider must be in your office. Choose the provider and the office (service address) the referral is made from."</p>
        <fieldset class="radio-group choices">
            <legend>"Referring Provider"</legend>
            {w.referring.into_iter().map(|p| {
                let id = format!("referring-{}", p.id);
                let checked = p.id.to_string() == chosen;
                let label = format!("{} {}", provider_label(&p), p.phone);
                view! {
                    <div class="radio">
                        <input type="radio" id=id.clone() name="form[referring]" value=p.id.to_string() checked=checked />
                        <label for=id>{label}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        {error_at(field("referring"))}
    }
}

const TERTIARY_BODY: &str = "Request for tertiary care may require additional review. Allowing your member to be directed to a community provider will help the referral be processed faster and the member to be seen in a more timely manner.";
const TERTIARY_TIP: &str = "Tertiary care is highly specialized care, such as at a children's or university hospital, usually on referral from a specialist; most needs are met by community providers.";

/// "You have selected a tertiary provider.": its own form (a form cannot hold another).
#[component]
fn TertiaryDialog(w: ReferralWizard, save: Save) -> impl IntoView {
    let open = RwSignal::new(w.tertiary_dialog);
    let draft = StoredValue::new(w.draft.clone());
    view! {
        <Modal open title="You have selected a tertiary provider." close_href=super::wizard_href(&w.draft)>
            <p>{TERTIARY_BODY}</p>
            <p class="tip-wrap">
                <button type="button" class="button link tip" aria-describedby="tertiary-tip">"What is tertiary care?"</button>
                <span role="tooltip" id="tertiary-tip" class="tip-text">{TERTIARY_TIP}</span>
            </p>
            <ActionForm action=save attr:class="actions">
                <input type="hidden" name="draft" value=draft.get_value() />
                <input type="hidden" name="on" value=w.step.to_string() />
                {press("tertiary-new".into(), "Select New Provider", false)}
                {press("tertiary-continue".into(), "Continue", true)}
            </ActionForm>
        </Modal>
    }
}

#[component]
fn ReferredStep(
    w: ReferralWizard,
    error: Signal<Option<AppError>>,
    redirect: RwSignal<String>,
    justification: RwSignal<String>,
) -> impl IntoView {
    let field = field_errors(move || error.get());
    let query = RwSignal::new(w.form.provider_query.clone());
    let chosen = w.form.provider.clone();
    let tertiary = w.chosen.as_ref().is_some_and(|p| p.tertiary);
    let question = w.chosen.is_some() && !w.tertiary_dialog;
    let chosen_view = w.chosen.clone().map(|p| {
        let warnings = p.warnings.clone();
        view! {
            <div class="selected">
                <p><strong>"Referred To: "</strong>{provider_label(&p)}</p>
                {warnings.into_iter().map(|w| view! { <p class="warning">"⚠ "{w}</p> }).collect_view()}
            </div>
        }
    });
    view! {
        <p>"Search the plan's contracted providers by name, provider ID or specialty. Only providers who see members of this member's age and gender are listed; closed panels are listed too (they see current patients)."</p>
        <Field label="Provider Name, ID or Specialty" value=query name="form[provider_query]" id="referral-provider-query" error=field("provider_query") />
        {press("search-provider".into(), "Search for Provider", false)}
        // In the browser, choosing a provider (or "Yes" to a tertiary one's redirect) is sent at
        // once, so its warning, or the cleared choice, shows without pressing Next.
        <button type="submit" id="referral-choose" name="to" value="choose" hidden=true tabindex="-1">"Choose"</button>
        <SubmitOnChoice name="form[provider]" button="referral-choose" />
        {tertiary.then(|| view! { <SubmitOnChoice name="form[redirect]" value="yes" button="referral-choose" /> })}
        {(!w.providers.is_empty()).then(|| view! {
            <fieldset class="radio-group choices">
                <legend>"Referred To Provider"</legend>
                {w.providers.clone().into_iter().map(|p| {
                    let id = format!("provider-{}", p.id);
                    let checked = p.id.to_string() == chosen;
                    let warnings = p.warnings.join("; ");
                    view! {
                        <div class="radio">
                            <input type="radio" id=id.clone() name="form[provider]" value=p.id.to_string() checked=checked />
                            <label for=id>{provider_label(&p)}</label>
                            {(!warnings.is_empty()).then(|| view! { <p class="warning">"⚠ "{warnings}</p> })}
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        })}
        {error_at(field("provider"))}
        {chosen_view}
        {question.then(|| view! {
            <RadioGroup legend="OK to redirect if needed?" options=vec![("yes", "Yes"), ("no", "No")] value=redirect name="form[redirect]" />
            <p class="hint">{if tertiary {
                "Allow the member to be redirected? If not, please explain the need for a tertiary care provider below. Request for tertiary care may require additional review."
            } else {
                "Allow the member to be redirected? If not, explain why below."
            }}</p>
            <Reveal name="form[redirect]" value="no">
                <TextArea label="Justification" value=justification name="form[justification]" id="referral-justification" rows=3
                    hint="Explain the need for this provider (e.g. the member requires testing or treatment that is otherwise not available in the community)." error=field("justification") />
            </Reveal>
        })}
    }
}

/// The guide's warning for an Urgent request.
const URGENT_WARNING: &str = "Select Urgent ONLY when the normal time frame for authorization will be detrimental to the patient's life or health, jeopardize the patient's ability to regain maximum function, or result in loss of life, limb or other major bodily function.";

#[component]
fn MedicalStep(w: ReferralWizard, error: Signal<Option<AppError>>) -> impl IntoView {
    let field = field_errors(move || error.get());
    let priority = RwSignal::new(w.form.priority.clone());
    let request_date = RwSignal::new(w.form.request_date.clone());
    let place = RwSignal::new(w.form.place_of_service.clone());
    let service = RwSignal::new(w.form.service.clone());
    let modifier = RwSignal::new(w.form.modifier.clone());
    let units = RwSignal::new(w.form.units.clone());
    let icd_query = RwSignal::new(w.form.icd_query.clone());
    // "+ Add ICD Code" takes the chosen match: the first until another is chosen.
    let matches = w.icd_matches.clone();
    let icd = RwSignal::new(
        matches
            .first()
            .map(|(code, _)| code.clone())
            .unwrap_or_default(),
    );
    let no_matches = matches.is_empty();
    let icd_options: Vec<(String, String)> = matches
        .into_iter()
        .map(|(code, description)| (code.clone(), format!("{code} {description}")))
        .collect();
    let indications = RwSignal::new(w.form.clinical_indications.clone());
    // Each service's modifiers and question, shown while it is the one chosen: the server
    // sends the chosen one's shown, and in the browser they follow the drop-down.
    let details: Vec<CatalogOption> = w
        .catalog
        .iter()
        .filter(|o| !o.modifiers.is_empty() || o.question.is_some())
        .cloned()
        .collect();
    // A refused post comes back with what was posted, not what the draft holds.
    let kept = |name: &str, saved: &String| refused_value(name).unwrap_or_else(|| saved.clone());
    let chosen_service = kept("form[service]", &w.form.service);
    let answer = kept("form[answer]", &w.form.answer);
    let mut places = vec![(String::new(), "Choose a place of service".to_string())];
    places.extend(w.places.clone());
    let mut service_options = vec![(String::new(), "Choose a service".to_string())];
    service_options.extend(w.catalog.iter().map(|o| (o.code.clone(), o.label.clone())));
    let no_referral: Vec<String> = w
        .catalog
        .iter()
        .filter(|o| !o.selectable)
        .map(|o| o.code.clone())
        .collect();
    let services = w.services.clone();
    let diagnoses = w.diagnoses.clone();
    view! {
        <RadioGroup legend="Priority" options=vec![("routine", "Routine"), ("retro", "Retro"), ("urgent", "Urgent")] value=priority name="form[priority]" />
        {error_at(field("priority"))}
        <Reveal name="form[priority]" value="urgent" shown=w.form.priority == "urgent">
            <p class="warning" role="note">{URGENT_WARNING}</p>
        </Reveal>
        <Field label="Request Date" value=request_date name="form[request_date]" id="referral-request-date" input_type="date"
            hint="Today; for a Retro referral, the date the services were given (before today)." error=field("request_date") />
        <Select label="Place of Service" options=places value=place name="form[place_of_service]" id="referral-place" error=field("place_of_service") />

        <h3>"Services"</h3>
        <ServiceTable services />
        <Select label="Select a Service" options=service_options value=service name="form[service]" id="referral-service"
            hint="Codes in grey need no referral and cannot be chosen." unavailable=no_referral error=field("service") />
        <div class="field-row">
            <Field label="Modifier" value=modifier name="form[modifier]" id="referral-modifier" error=field("modifier")
                hint="When the service lists modifiers, one of them." />
            <Field label="Units" value=units name="form[units]" id="referral-units" error=field("units") />
        </div>
        {details.into_iter().map(|o| {
            let shown = o.code == chosen_service;
            let (yes, no) = (format!("answer-yes-{}", slug(&o.code)), format!("answer-no-{}", slug(&o.code)));
            let modifiers = (!o.modifiers.is_empty()).then(|| view! {
                <p class="hint">{format!("Modifiers for {}: {}", o.code, o.modifiers.replace(',', ", "))}</p>
            });
            let question = o.question.clone().map(|q| view! {
                <fieldset class="radio-group">
                    <legend>{q}</legend>
                    <div class="radio">
                        <input type="radio" id=yes.clone() name="form[answer]" value="yes" checked=shown && answer == "yes" />
                        <label for=yes>"Yes"</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id=no.clone() name="form[answer]" value="no" checked=shown && answer == "no" />
                        <label for=no>"No"</label>
                    </div>
                </fieldset>
            });
            view! { <Reveal name="form[service]" value=o.code.clone() shown>{modifiers}{question}</Reveal> }
        }).collect_view()}
        {error_at(field("answer"))}
        {press("add-service".into(), "+ Add Service", false)}

        <h3>"Diagnosis"</h3>
        <DiagnosisTable diagnoses />
        <Field label="Find an ICD Code" value=icd_query name="form[icd_query]" id="referral-icd-query" hint="A code (E11.9) or words (type 2 diabetes)." error=field("icd_query") />
        // Matches come as the user types in the browser; "Find" asks the server either way.
        {press("find-icd".into(), "Find", false)}
        <div id="referral-icd-matches" hidden=no_matches>
            <Select label="ICD Code" options=icd_options value=icd name="form[icd]" id="referral-icd" />
        </div>
        <div class="island"><IcdFinder /></div>
        {press("add-icd".into(), "+ Add ICD Code", false)}

        <TextArea label="Clinical Indications" value=indications name="form[clinical_indications]" id="referral-indications" rows=5
            hint="What are the clinical indications for this referral?" error=field("clinical_indications") />
    }
}

#[component]
fn ServiceTable(services: Vec<ServiceLine>) -> impl IntoView {
    (!services.is_empty()).then(|| {
        view! {
            <table>
                <caption>"Services requested"</caption>
                <thead><tr><th scope="col">"Service"</th><th scope="col">"Modifier"</th><th scope="col">"Units"</th><th scope="col">"Answer"</th><th scope="col">"Remove"</th></tr></thead>
                <tbody>
                    {services.into_iter().enumerate().map(|(i, s)| view! {
                        <tr>
                            <td>{format!("{} {}", s.code, s.description)}</td>
                            <td>{s.modifier.clone()}</td>
                            <td>{s.units}</td>
                            <td>{s.answer.clone()}</td>
                            <td><button type="submit" name="to" value=format!("remove-service-{i}") class="button link" aria-label=format!("Remove service {}", s.code)>"✕"</button></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

#[component]
fn DiagnosisTable(diagnoses: Vec<(String, String)>) -> impl IntoView {
    (!diagnoses.is_empty()).then(|| {
        view! {
            <table>
                <caption>"ICD codes"</caption>
                <thead><tr><th scope="col">"Code"</th><th scope="col">"Description"</th><th scope="col">"Remove"</th></tr></thead>
                <tbody>
                    {diagnoses.into_iter().enumerate().map(|(i, (code, description))| view! {
                        <tr>
                            <td>{code.clone()}</td>
                            <td>{description}</td>
                            <td><button type="submit" name="to" value=format!("remove-icd-{i}") class="button link" aria-label=format!("Remove ICD code {code}")>"✕"</button></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    })
}

/// The upload form of step 5: a form of its own (multipart), before the step's form.
#[component]
fn Upload(draft: String, count: usize) -> impl IntoView {
    let refused = query_value("upload_error");
    view! {
        <p>"Supplying more clinical information gives you the best opportunity for a faster response."</p>
        {(count < MAX_FILES).then(|| view! {
            <form method="post" action="/uploads/referrals" enctype="multipart/form-data" class="stacked" aria-label="Attach a file">
                <input type="hidden" name="draft" value=draft.clone() />
                <div class="field" class:invalid=!refused.is_empty()>
                    <label for="referral-file">"+ Choose Files"</label>
                    <p class="hint" id="referral-file-hint">{format!("Up to {MAX_FILES} files: PDF, DOCX, XLSX, PNG or JPEG, 25 MB each.")}</p>
                    <input id="referral-file" type="file" name="file" accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg" aria-describedby="referral-file-hint referral-file-error" />
                    {(!refused.is_empty()).then(|| view! { <p class="field-error" id="referral-file-error" role="alert">{refused.clone()}</p> })}
                </div>
                <button type="submit" class="button">"Attach File"</button>
            </form>
        })}
        {(count >= MAX_FILES).then(|| view! { <p>{format!("A referral carries at most {MAX_FILES} files.")}</p> })}
    }
}

#[component]
fn AttachmentsStep(files: Vec<FileRow>) -> impl IntoView {
    view! {
        <h3>"Files"</h3>
        {if files.is_empty() {
            view! { <p>"No files yet."</p> }.into_any()
        } else {
            view! {
                <ul>
                    {files.into_iter().map(|f| view! {
                        <li>
                            {format!("{} ({})", f.name, f.size)}" "
                            <button type="submit" name="to" value=format!("remove-file-{}", f.id) class="button link" aria-label=format!("Remove {}", f.name)>"✕"</button>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
fn ReviewStep(w: ReferralWizard) -> impl IntoView {
    w.review
        .into_iter()
        .map(|section| {
            let label = format!("Edit {}", section.title);
            let heading = format!("review-{}", section.step);
            view! {
                <section class="review" aria-labelledby=heading.clone()>
                    <h3 id=heading.clone()>{section.title.clone()}</h3>
                    <dl class="facts">
                        {section.facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                    <button type="submit" name="to" value=format!("edit-{}", section.step) class="button" aria-label=label>"Edit"</button>
                </section>
            }
        })
        .collect_view()
}

/// Fills "ICD Code" with the matches of "Find an ICD Code" as the user types.
#[island]
fn IcdFinder() -> impl IntoView {
    crate::ui::after_typing(
        |ev| crate::ui::event_from(ev, "referral-icd-query"),
        |asked| async move {
            let words = crate::ui::input_value("referral-icd-query").unwrap_or_default();
            if let Ok(found) = super::find_icd_codes(words).await {
                if asked.is_newest() {
                    show_icd_matches(&found);
                }
            }
        },
    );
}

/// Puts `found` in the "ICD Code" drop-down (the first chosen), shown while there are any.
fn show_icd_matches(found: &[(String, String)]) {
    #[cfg(feature = "hydrate")]
    {
        let page = document();
        if let Some(select) = page.get_element_by_id("referral-icd") {
            select.set_inner_html("");
            for (code, description) in found {
                if let Ok(option) = page.create_element("option") {
                    let _ = option.set_attribute("value", code);
                    option.set_text_content(Some(&format!("{code} {description}")));
                    let _ = select.append_child(&option);
                }
            }
        }
        if let Some(shown) = page.get_element_by_id("referral-icd-matches") {
            let _ = if found.is_empty() {
                shown.set_attribute("hidden", "")
            } else {
                shown.remove_attribute("hidden")
            };
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = found;
}
