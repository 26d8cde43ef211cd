//! The referrals' server side: lookup and detail, the wizard's draft and its steps, the
//! attachments, the submission, and the plan's queue and decisions.

use super::rules::{self, Priority, Redirect, RedirectEvent, ServiceRule};
use super::*;
use crate::domain::{Cin, MemberId, UsDate};
use crate::error::Checker;
use crate::members::{eligibility_label, Lookup, MemberSearch};
use crate::ssr::drafts::{self, Draft};
use crate::ssr::guard::{require_parts, Member, Operator};
use crate::ssr::repo::notifications::{self, Notice};
use crate::ssr::repo::uploads::FileRecord;
use crate::ssr::uploads::{self, ATTACHMENTS};
use crate::ssr::AppState;
use axum::extract::{Multipart, RawQuery, State};
use axum::response::{IntoResponse, Redirect as Go, Response};
use http::request::Parts;
use jiff::civil::Date;

const DRAFT: &str = "referral";
/// Providers one "Search for Provider" lists.
const DIRECTORY_RESULTS: i64 = 25;
/// Diagnoses one referral may carry.
const MAX_DIAGNOSES: usize = 12;
/// Services one referral may carry.
const MAX_SERVICES: usize = 12;
/// Requests the plan's queue shows at once.
const QUEUE_SIZE: i64 = 200;

/// A member with "Referrals — submit", as an extractor so the guard runs before an upload's
/// body is read.
pub struct SubmittingMember(pub Member);

impl axum::extract::FromRequestParts<AppState> for SubmittingMember {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        require_parts(state, parts, Access::module(Module::ReferralsSubmit))
            .await
            .map(SubmittingMember)
    }
}

fn today(state: &AppState) -> Result<Date, AppError> {
    state
        .settings
        .calendar
        .date_of(state.clock.unix())
        .ok_or(AppError::Internal)
}

// ---------------------------------------------------------------------------------------
// Lookup and detail

fn day(checker: &mut Checker, field: &str, text: &str) -> Option<Date> {
    if text.trim().is_empty() {
        None
    } else {
        checker.check(field, UsDate::parse(text)).map(|d| d.0)
    }
}

pub async fn search(member: &Member, search: &ReferralSearch) -> Result<ReferralResults, AppError> {
    let org = member.organization_id();
    let mut conn = member.state.db.conn().await?;
    let row = |r: repo::RowRecord| ReferralRow {
        code: r.code,
        status: status_label(&r.status).into(),
        member: format!("{} {}", r.first_name, r.last_name),
        lob: r.line_of_business,
        referred_to: r.referred_to,
        requested: UsDate::show(&r.request_date),
    };
    if search.by == "code" {
        let code = search.number.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(AppError::field("number", "Enter a Referral Code."));
        }
        let found = repo::row_by_code(&mut conn, org, &code).await?;
        return Ok(ReferralResults {
            rows: found.into_iter().map(row).collect(),
            next: None,
        });
    }
    let mut checker = Checker::new();
    let from = day(&mut checker, "from", &search.from);
    let to = day(&mut checker, "to", &search.to);
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            checker.add("to", "The To date must be on or after the From date.");
        }
    }
    if !STATUSES.iter().any(|(v, _)| *v == search.status) {
        checker.add("status", "Choose a Status from the list.");
    }
    let cin = if search.cin.trim().is_empty() {
        String::new()
    } else {
        checker
            .check("cin", Cin::parse(&search.cin))
            .map(|c| c.as_str().to_string())
            .unwrap_or_default()
    };
    checker.finish()?;
    let (from, to) = (
        from.map_or("0000-01-01".to_string(), |d| d.to_string()),
        to.map_or("9999-12-31".to_string(), |d| d.to_string()),
    );
    let after = search.after.split_once('|').and_then(|(d, id)| {
        id.parse::<i64>()
            .ok()
            .filter(|_| d.parse::<Date>().is_ok())
            .map(|id| (d, id))
    });
    let mut found = repo::search(
        &mut conn,
        org,
        &repo::Search {
            by_submitted: search.date_type == "request",
            from: &from,
            to: &to,
            status: &search.status,
            cin: &cin,
            after,
        },
        PAGE_SIZE + 1,
    )
    .await?;
    let next = (found.len() as i64 > PAGE_SIZE).then(|| {
        found.truncate(PAGE_SIZE as usize);
        let last = found.last().expect("a full page");
        format!("{}|{}", last.sort_date, last.id)
    });
    Ok(ReferralResults {
        rows: found.into_iter().map(row).collect(),
        next,
    })
}

fn provider_facts(p: &repo::DirectoryRecord) -> Vec<(String, String)> {
    vec![
        ("Provider Name".into(), p.name.clone()),
        ("Provider ID".into(), p.npi.clone()),
        (
            "Address".into(),
            format!("{}, {} {}", p.address_line1, p.city, p.zip),
        ),
        ("Phone".into(), p.phone.clone().unwrap_or_default()),
        ("Fax".into(), p.fax.clone().unwrap_or_default()),
    ]
}

fn file_rows(records: Vec<FileRecord>) -> Vec<FileRow> {
    records
        .into_iter()
        .map(|f| FileRow {
            id: f.id,
            name: f.file_name,
            size: crate::disputes::size_label(f.size),
        })
        .collect()
}

async fn readable(member: &Member, code: &str) -> Result<repo::ReferralRecord, AppError> {
    let code = code.trim().to_ascii_uppercase();
    repo::by_code(
        &mut *member.state.db.conn().await?,
        member.organization_id(),
        &code,
    )
    .await?
    .ok_or(AppError::NotFound)
}

pub async fn detail(member: &Member, code: &str) -> Result<ReferralDetail, AppError> {
    let state = &member.state;
    let cal = &state.settings.calendar;
    let r = readable(member, code).await?;
    let mut conn = state.db.conn().await?;
    let m = crate::claims::repo::member(&mut conn, r.member_id).await?;
    let referring = repo::provider(&mut conn, r.referring_provider_id)
        .await?
        .ok_or(AppError::Internal)?;
    let referred = repo::provider(&mut conn, r.referred_to_provider_id)
        .await?
        .ok_or(AppError::Internal)?;
    let pcp = repo::pcp(&mut conn, r.member_id).await?;
    let status = status_label(&r.status).to_string();
    let decided = r.decided_at.is_some();
    let duration = match &r.approved_through {
        Some(through) => format!(
            "{} to {}",
            r.decided_at.map(|d| cal.format_date(d)).unwrap_or_default(),
            UsDate::show(through)
        ),
        None => String::new(),
    };
    let services = repo::services(&mut conn, r.id)
        .await?
        .into_iter()
        .map(|s| ServiceDetail {
            service: s.service_code,
            description: s.description.unwrap_or_default(),
            modifiers: s.modifier.unwrap_or_default(),
            status: status.clone(),
            decision: s.decision.unwrap_or_else(|| {
                if decided {
                    status.clone()
                } else {
                    "Pending".into()
                }
            }),
            duration: duration.clone(),
            units: s.units.to_string(),
            approved_units: s.approved_units.map(|u| u.to_string()).unwrap_or_default(),
            decision_description: s.decision_description.unwrap_or_default(),
        })
        .collect();
    let diagnoses = repo::diagnoses(&mut conn, r.id).await?;
    let files = file_rows(repo::files(&mut conn, r.id).await?);
    drop(conn);
    member
        .audit("referral.view", format!("referral:{}", r.id))
        .detail(r.code.clone())
        .record(&state.db)
        .await?;
    let priority = Priority::parse(&r.priority).map_or("", Priority::label);
    let mut summary = vec![
        ("Status".to_string(), status.clone()),
        (
            "Referral Type".to_string(),
            Kind::parse(&r.kind).map_or("", Kind::label).to_string(),
        ),
        ("Priority".to_string(), priority.to_string()),
        ("Request Date".to_string(), UsDate::show(&r.request_date)),
    ];
    if let Some(at) = r.submitted_at {
        summary.push(("Submitted".into(), cal.format_date_time(at)));
    }
    let due = r
        .deadline_at
        .filter(|_| r.decided_at.is_none())
        .map(|deadline| cal.format_date_time(deadline));
    if let Some(due) = &due {
        summary.push(("Decision Due By".into(), due.clone()));
    }
    if let Some(reason) = &r.extension_reason {
        summary.push(("Decision Time Extended".into(), reason.clone()));
    }
    if let Some(at) = r.decided_at {
        summary.push(("Decided".into(), cal.format_date_time(at)));
    }
    if let Some(through) = &r.approved_through {
        summary.push(("Services Approved Through".into(), UsDate::show(through)));
    }
    if let Some(reason) = &r.denial_reason {
        summary.push(("Denial Reason".into(), denial_label(reason).into()));
    }
    if let Some(note) = &r.decision_note {
        summary.push(("Decision Description".into(), note.clone()));
    }
    if let Some(place) = &r.place_of_service {
        let name = crate::ssr::code_lists::places_of_service()
            .iter()
            .find(|(c, _)| c == place)
            .map_or(place.clone(), |(c, n)| format!("{c} {n}"));
        summary.push(("Place of Service".into(), name));
    }
    summary.push((
        "OK to Redirect If Needed".into(),
        if r.ok_to_redirect == Some(1) {
            "Yes"
        } else {
            "No"
        }
        .into(),
    ));
    if let Some(j) = r.justification.as_ref().filter(|j| !j.is_empty()) {
        summary.push(("Justification".into(), j.clone()));
    }
    Ok(ReferralDetail {
        code: r.code,
        status,
        due,
        summary,
        clinical_indications: r.clinical_indications.unwrap_or_default(),
        services,
        member: vec![
            ("Name".into(), format!("{} {}", m.first_name, m.last_name)),
            ("Gender".into(), m.gender.clone()),
            ("Member ID".into(), m.cin.clone()),
            ("Date of Birth".into(), UsDate::show(&m.date_of_birth)),
            ("Language".into(), m.language.clone()),
        ],
        network: vec![
            (
                "Health Network".into(),
                m.health_network.clone().unwrap_or_default(),
            ),
            ("Line of Business".into(), m.line_of_business.clone()),
            (
                "PCP".into(),
                pcp.map(|(n, npi)| format!("{n} (NPI {npi})"))
                    .unwrap_or_default(),
            ),
        ],
        contact: vec![
            (
                "Address".into(),
                format!("{}, {} {}", m.address_line1, m.city, m.zip),
            ),
            ("Phone".into(), m.phone.clone().unwrap_or_default()),
            ("Email".into(), m.email.clone().unwrap_or_default()),
        ],
        referring: provider_facts(&referring),
        referred_to: provider_facts(&referred),
        diagnoses,
        files,
    })
}

/// `GET /downloads/referrals/file?referral=…&file=…`: one attachment; audited.
pub async fn file(
    State(state): State<AppState>,
    parts: Parts,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let member = require_parts(&state, &parts, Access::module(Module::ReferralsView)).await?;
    let value = |name: &str| crate::disputes::ssr::query_value(&query, name);
    let r = readable(&member, &value("referral")).await?;
    let wanted: i64 = value("file").parse().map_err(|_| AppError::NotFound)?;
    let file = repo::files(&mut *state.db.conn().await?, r.id)
        .await?
        .into_iter()
        .find(|f| f.id == wanted)
        .ok_or(AppError::NotFound)?;
    member
        .audit("download", format!("referral:{}", r.id))
        .detail(format!("{}: {}", r.code, file.file_name))
        .record(&state.db)
        .await?;
    uploads::attachment_download(&state, &file).await
}

// ---------------------------------------------------------------------------------------
// The wizard's draft

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct DraftService {
    code: String,
    modifier: String,
    units: String,
    answer: String,
}

/// Everything typed so far. Owned by the membership, so another organization's user (or the
/// same person working in another organization) never finds it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct ReferralDraft {
    kind: String,
    search: MemberSearch,
    /// The member search was run: the step lists what it finds.
    searched: bool,
    member: String,
    /// "Name (CIN)" once a member is chosen, for the drafts list.
    member_label: String,
    referring: Option<i64>,
    provider_query: String,
    redirect: Redirect,
    priority: String,
    request_date: String,
    place_of_service: String,
    services: Vec<DraftService>,
    entry: DraftService,
    icd_query: String,
    diagnoses: Vec<String>,
    clinical_indications: String,
    files: Vec<i64>,
}

fn prefix(member: &Member) -> String {
    format!("membership:{}:referral:", member.org.membership_id)
}

fn owner(member: &Member, id: &str) -> String {
    format!("{}{id}", prefix(member))
}

/// A draft id as the address carries it: hex only.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn load(member: &Member, id: &str) -> Result<Draft<ReferralDraft>, AppError> {
    if !valid_id(id) {
        return Err(AppError::NotFound);
    }
    drafts::load(&member.state, DRAFT, &owner(member, id))
        .await?
        .ok_or(AppError::NotFound)
}

fn step_of(draft: &Draft<ReferralDraft>) -> usize {
    draft
        .step
        .parse::<usize>()
        .unwrap_or(0)
        .min(STEPS.len() - 1)
}

/// Saves the draft over the one the press read; otherwise the press is run again (see `step`).
async fn save(member: &Member, draft: &mut Draft<ReferralDraft>) -> Result<(), AppError> {
    drafts::save_checked(&member.state, DRAFT, draft, Some(member.user_id)).await
}

pub async fn draft_links(member: &Member) -> Result<Vec<DraftLink>, AppError> {
    let cal = &member.state.settings.calendar;
    let prefix = prefix(member);
    Ok(drafts::list::<ReferralDraft>(&member.state, DRAFT, &prefix)
        .await?
        .into_iter()
        .map(|(draft, updated)| {
            let id = draft.owner.trim_start_matches(&prefix).to_string();
            let who = if draft.data.member_label.is_empty() {
                "no member chosen yet".to_string()
            } else {
                draft.data.member_label.clone()
            };
            let step = STEPS[step_of(&draft)];
            DraftLink {
                label: format!(
                    "Resume draft for {who}, at {step}, saved {}",
                    cal.format_date_time(updated)
                ),
                id,
            }
        })
        .collect())
}

/// The chosen member, read again through the association rule.
async fn associated(
    member: &Member,
    cin: &str,
) -> Result<Option<crate::members::repo::MemberRecord>, AppError> {
    let Ok(cin) = Cin::parse(cin) else {
        return Ok(None);
    };
    let mut conn = member.state.db.conn().await?;
    Ok(
        crate::members::repo::search(&mut conn, member, &Lookup::Id(MemberId::Cin(cin)), 1)
            .await?
            .pop(),
    )
}

fn member_choice(m: &crate::members::repo::MemberRecord, today: &str) -> MemberChoice {
    MemberChoice {
        cin: m.cin.clone(),
        name: format!("{} {}", m.first_name, m.last_name),
        born: UsDate::show(&m.date_of_birth),
        city: m.city.clone(),
        network: m.health_network.clone().unwrap_or_default(),
        eligibility: eligibility_label(m.eligible_on(today), m.share_of_cost_cents).into(),
    }
}

/// Why the member cannot be referred for the kind, if not.
fn member_refusal(
    member: &Member,
    kind: Kind,
    m: &crate::members::repo::MemberRecord,
    today: &str,
) -> Option<String> {
    rules::refusal(
        kind,
        m.eligible_on(today),
        m.health_network.as_deref(),
        &member.state.settings.referral_networks,
    )
}

fn choice(p: &repo::DirectoryRecord, warnings: Vec<String>) -> ProviderChoice {
    ProviderChoice {
        id: p.id,
        name: p.name.clone(),
        npi: p.npi.clone(),
        specialty: p.specialty.clone(),
        address: p.address_line1.clone(),
        city: p.city.clone(),
        phone: p.phone.clone().unwrap_or_default(),
        tertiary: p.is_tertiary == 1,
        warnings,
    }
}

/// The warnings for a provider and this member: far away, closed panel.
fn warnings(member: &Member, p: &repo::DirectoryRecord, member_zip: &str) -> Vec<String> {
    let mut said = Vec::new();
    let centroid = crate::ssr::code_lists::zip_centroid;
    if let (Some(a), Some(b)) = (centroid(member_zip), centroid(&p.zip)) {
        let miles = rules::miles_between(a, b);
        if miles > member.state.settings.referral_radius_miles {
            said.push(format!("Far away: about {miles:.0} miles from the member"));
        }
    }
    if p.accepting_new_patients == 0 {
        said.push("Not accepting new patients (closed panel: sees current patients)".into());
    }
    said
}

/// The provider, if the plan's directory lists them for this member (contracted, seeing the
/// member's age and gender): what the search lists, checked again for a posted choice.
async fn directory_provider(
    member: &Member,
    id: i64,
    m: &crate::members::repo::MemberRecord,
    today: Date,
) -> Result<Option<repo::DirectoryRecord>, AppError> {
    let (age, gender) = age_and_gender(m, today);
    Ok(repo::provider(&mut *member.state.db.conn().await?, id)
        .await?
        .filter(|p| {
            p.contracted == 1 && rules::sees(p.min_age, p.max_age, &p.genders, age, &gender)
        }))
}

fn age_and_gender(m: &crate::members::repo::MemberRecord, today: Date) -> (i64, String) {
    let age = m
        .date_of_birth
        .parse::<Date>()
        .map_or(0, |born| rules::age_on(born, today));
    (age, m.gender.clone())
}

/// The step's page: the draft and what its step shows.
pub async fn wizard(member: &Member, id: &str) -> Result<ReferralWizard, AppError> {
    let state = &member.state;
    let today = today(state)?;
    let iso = today.to_string();
    let (id, step, d) = if id.is_empty() {
        (String::new(), 0, ReferralDraft::default())
    } else {
        let draft = load(member, id).await?;
        (id.to_string(), step_of(&draft), draft.data)
    };
    let kind = Kind::parse(&d.kind).unwrap_or(Kind::Medical);
    let chosen_member = if d.member.is_empty() {
        None
    } else {
        associated(member, &d.member).await?
    };
    let mut conn = state.db.conn().await?;
    // The member search, run again: its answer is never stored, so it follows the rules now.
    let members = match d.search.check() {
        Ok(lookup) if d.searched => {
            crate::members::repo::search(&mut conn, member, &lookup, crate::members::MAX_RESULTS)
                .await?
                .iter()
                .map(|m| member_choice(m, &iso))
                .collect()
        }
        _ => Vec::new(),
    };
    let referring: Vec<ProviderChoice> =
        repo::office_providers(&mut conn, member.organization_id())
            .await?
            .iter()
            .map(|p| choice(p, Vec::new()))
            .collect();
    let mut providers = Vec::new();
    let mut chosen = None;
    if let Some(m) = &chosen_member {
        let (age, gender) = age_and_gender(m, today);
        if !d.provider_query.trim().is_empty() {
            for p in repo::directory(
                &mut conn,
                d.provider_query.trim(),
                age,
                &gender,
                DIRECTORY_RESULTS,
            )
            .await?
            {
                providers.push(choice(&p, warnings(member, &p, &m.zip)));
            }
        }
        if let Some((pid, _)) = d.redirect.provider {
            if let Some(p) = repo::provider(&mut conn, pid).await? {
                chosen = Some(choice(&p, warnings(member, &p, &m.zip)));
            }
        }
    }
    let catalog_rows = repo::catalog(&mut conn, kind.value()).await?;
    let catalog: Vec<CatalogOption> = catalog_rows
        .iter()
        .map(|c| CatalogOption {
            code: c.code.clone(),
            label: format!("{} {}", c.code, c.description),
            selectable: c.needs_referral == 1,
            modifiers: c.modifiers.clone(),
            question: c.question.clone(),
        })
        .collect();
    let describe = |code: &str| {
        catalog_rows
            .iter()
            .find(|c| c.code == code)
            .map_or(String::new(), |c| c.description.clone())
    };
    let services: Vec<ServiceLine> = d
        .services
        .iter()
        .map(|s| ServiceLine {
            code: s.code.clone(),
            description: describe(&s.code),
            modifier: s.modifier.clone(),
            units: s.units.parse().unwrap_or(0),
            answer: s.answer.clone(),
        })
        .collect();
    let diagnoses: Vec<(String, String)> = d
        .diagnoses
        .iter()
        .filter_map(|c| crate::ssr::code_lists::icd_code(c))
        .collect();
    let files = file_rows(
        crate::ssr::repo::uploads::owned(
            &mut conn,
            member.organization_id(),
            member.user_id,
            &d.files,
        )
        .await?,
    );
    drop(conn);
    let icd_matches = crate::ssr::code_lists::find_icd(&d.icd_query, ICD_MATCHES);
    let places = crate::ssr::code_lists::places_of_service()
        .iter()
        .map(|(c, n)| (c.clone(), format!("{c} {n}")))
        .collect::<Vec<_>>();
    let member_view = chosen_member.as_ref().map(|m| member_choice(m, &iso));
    let referring_choice = d.referring.and_then(|r| {
        referring
            .iter()
            .find(|p: &&ProviderChoice| p.id == r)
            .cloned()
    });
    let review = if step == 5 {
        review(
            &d,
            kind,
            &member_view,
            &referring_choice,
            &chosen,
            &services,
            &diagnoses,
            &files,
            &places,
        )
    } else {
        Vec::new()
    };
    let form = StepForm {
        kind: d.kind.clone(),
        member_id: d.search.member_id.clone(),
        last_name: d.search.last_name.clone(),
        first_name: d.search.first_name.clone(),
        date_of_birth: d.search.date_of_birth.clone(),
        city: d.search.city.clone(),
        member: d.member.clone(),
        referring: d.referring.map(|r| r.to_string()).unwrap_or_default(),
        provider_query: d.provider_query.clone(),
        provider: d
            .redirect
            .provider
            .map(|(p, _)| p.to_string())
            .unwrap_or_default(),
        redirect: match d.redirect.ok_to_redirect {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
        justification: d.redirect.justification.clone(),
        priority: if d.priority.is_empty() {
            "routine".into()
        } else {
            d.priority.clone()
        },
        request_date: if d.request_date.is_empty() {
            iso.clone()
        } else {
            d.request_date.clone()
        },
        place_of_service: d.place_of_service.clone(),
        service: d.entry.code.clone(),
        modifier: d.entry.modifier.clone(),
        units: d.entry.units.clone(),
        answer: d.entry.answer.clone(),
        icd_query: d.icd_query.clone(),
        icd: String::new(),
        clinical_indications: d.clinical_indications.clone(),
    };
    let notice = (d.redirect.provider.is_none() && d.redirect.justification == rules::REDIRECT_NOTE && step == 2)
        .then(|| "You allowed the member to be redirected: search for and select a new Referred To provider.".to_string());
    Ok(ReferralWizard {
        draft: id,
        step,
        notice,
        form,
        today: iso,
        member: member_view,
        members,
        referring,
        providers,
        chosen,
        tertiary_dialog: d.redirect.dialog_open(),
        catalog,
        places,
        services,
        icd_matches,
        diagnoses,
        files,
        review,
    })
}

#[allow(clippy::too_many_arguments)]
fn review(
    d: &ReferralDraft,
    kind: Kind,
    member: &Option<MemberChoice>,
    referring: &Option<ProviderChoice>,
    referred: &Option<ProviderChoice>,
    services: &[ServiceLine],
    diagnoses: &[(String, String)],
    files: &[FileRow],
    places: &[(String, String)],
) -> Vec<ReviewSection> {
    let fact = |k: &str, v: String| (k.to_string(), v);
    let provider = |p: &Option<ProviderChoice>| {
        p.as_ref()
            .map(|p| {
                format!(
                    "{} (Provider ID {}), {}, {}",
                    p.name, p.npi, p.address, p.city
                )
            })
            .unwrap_or_default()
    };
    let place = places
        .iter()
        .find(|(c, _)| *c == d.place_of_service)
        .map_or(String::new(), |(_, n)| n.clone());
    vec![
        ReviewSection {
            title: "About the Referral".into(),
            step: 0,
            facts: vec![
                fact("Referral Type", kind.label().into()),
                fact(
                    "Member Details",
                    member
                        .as_ref()
                        .map(|m| {
                            format!("{} (CIN {}), born {}, {}", m.name, m.cin, m.born, m.network)
                        })
                        .unwrap_or_default(),
                ),
            ],
        },
        ReviewSection {
            title: "Referring Provider Info".into(),
            step: 1,
            facts: vec![fact("Referring Provider", provider(referring))],
        },
        ReviewSection {
            title: "Referred To Provider Info".into(),
            step: 2,
            facts: vec![
                fact("Referred to Provider", provider(referred)),
                fact(
                    "OK to redirect if needed?",
                    if d.redirect.ok_to_redirect == Some(true) {
                        "Yes"
                    } else {
                        "No"
                    }
                    .into(),
                ),
                fact("Justification", d.redirect.justification.clone()),
            ],
        },
        ReviewSection {
            title: "Medical Info".into(),
            step: 3,
            facts: vec![
                fact(
                    "Priority",
                    Priority::parse(&d.priority)
                        .map_or("", Priority::label)
                        .into(),
                ),
                fact("Request Date", UsDate::show(&d.request_date)),
                fact("Place of Service", place),
                fact(
                    "Services",
                    services
                        .iter()
                        .map(|s| {
                            let modifier = if s.modifier.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", s.modifier)
                            };
                            format!("{}{modifier} {}: {} units", s.code, s.description, s.units)
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                fact(
                    "Diagnosis",
                    diagnoses
                        .iter()
                        .map(|(c, t)| format!("{c} {t}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                fact("Clinical Indications", d.clinical_indications.clone()),
            ],
        },
        ReviewSection {
            title: "Clinical Attachments".into(),
            step: 4,
            facts: vec![fact(
                "Files",
                if files.is_empty() {
                    "None".into()
                } else {
                    files
                        .iter()
                        .map(|f| f.name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            )],
        },
    ]
}

// ---------------------------------------------------------------------------------------
// The wizard's steps

/// Step 1: the kind and the member, checked against the networks' rules.
async fn check_about(
    member: &Member,
    d: &ReferralDraft,
    today: &str,
) -> Result<(Kind, crate::members::repo::MemberRecord), AppError> {
    let mut checker = Checker::new();
    let kind = Kind::parse(&d.kind);
    if kind.is_none() {
        checker.add("kind", "Choose Medical or Behavioral Health.");
    }
    let found = if d.member.is_empty() {
        checker.add("member", "Search for the member and choose them.");
        None
    } else {
        associated(member, &d.member).await?
    };
    if !d.member.is_empty() && found.is_none() {
        checker.add(
            "member",
            "No member with this ID is associated with your office.",
        );
    }
    if let (Some(kind), Some(m)) = (kind, &found) {
        if let Some(why) = member_refusal(member, kind, m, today) {
            checker.add("member", why);
        }
    }
    checker.finish()?;
    Ok((kind.expect("checked"), found.expect("checked")))
}

async fn check_referring(
    member: &Member,
    d: &ReferralDraft,
) -> Result<repo::DirectoryRecord, AppError> {
    let mut conn = member.state.db.conn().await?;
    let refusal = || AppError::field("referring", "Choose the referring provider of your office.");
    let id = d.referring.ok_or_else(refusal)?;
    repo::provider(&mut conn, id)
        .await?
        .filter(|p| p.organization_id == member.organization_id())
        .ok_or_else(refusal)
}

/// The provider is in the directory and sees this member.
async fn check_referred(
    member: &Member,
    d: &ReferralDraft,
    m: &crate::members::repo::MemberRecord,
    today: Date,
) -> Result<repo::DirectoryRecord, AppError> {
    if let Some(why) = d.redirect.blocked() {
        let field = if why.contains("Justification") {
            "justification"
        } else {
            "provider"
        };
        return Err(AppError::field(field, why));
    }
    if d.redirect.justification.chars().count() > TEXT_MAX {
        return Err(AppError::field(
            "justification",
            format!("The Justification has at most {TEXT_MAX} characters."),
        ));
    }
    let (id, _) = d.redirect.provider.expect("checked by blocked");
    directory_provider(member, id, m, today)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "provider",
                "This provider does not see members of this age and gender: choose another.",
            )
        })
}

/// A service line against the catalog and the rules.
async fn check_service(member: &Member, kind: Kind, s: &DraftService) -> Result<(), AppError> {
    let entry = repo::catalog_entry(&mut *member.state.db.conn().await?, &s.code)
        .await?
        .ok_or_else(|| AppError::field("service", "Choose a service from the list."))?;
    let mut checker = Checker::new();
    for (field, message) in rules::service_refusals(
        &ServiceRule {
            kind,
            catalog_kind: Kind::parse(&entry.kind).unwrap_or(Kind::Medical),
            needs_referral: entry.needs_referral == 1,
            modifiers: &entry.modifiers,
            modifier_exempt: entry.modifier_exempt == 1,
            question: entry.question.as_deref(),
        },
        &s.units,
        &s.modifier,
        &s.answer,
    ) {
        checker.add(field, message);
    }
    checker.finish()
}

/// Step 4, without its service entry row.
fn check_medical(d: &ReferralDraft, today: Date) -> Result<(Priority, Date), AppError> {
    let mut checker = Checker::new();
    let priority = Priority::parse(&d.priority);
    if priority.is_none() {
        checker.add("priority", "Choose Routine, Retro or Urgent.");
    }
    let request = checker
        .check("request_date", UsDate::parse(&d.request_date))
        .map(|d| d.0);
    if let (Some(p), Some(r)) = (priority, request) {
        if let Some(why) = rules::request_date_refusal(p, r, today) {
            checker.add("request_date", why);
        }
    }
    if !crate::ssr::code_lists::places_of_service()
        .iter()
        .any(|(c, _)| *c == d.place_of_service)
    {
        checker.add("place_of_service", "Choose a Place of Service.");
    }
    if d.services.is_empty() {
        checker.add(
            "service",
            "Add at least one service: choose it, enter its Units, then + Add Service.",
        );
    }
    if d.diagnoses.is_empty() {
        checker.add(
            "icd_query",
            "Add at least one ICD code: find it, then + Add ICD Code.",
        );
    }
    let text = d.clinical_indications.trim();
    if text.is_empty() {
        checker.add("clinical_indications", "Enter the Clinical Indications.");
    } else if text.chars().count() > TEXT_MAX {
        checker.add(
            "clinical_indications",
            format!("The Clinical Indications have at most {TEXT_MAX} characters."),
        );
    }
    checker.finish()?;
    Ok((priority.expect("checked"), request.expect("checked")))
}

/// Takes in what the step's form posted (everything typed is kept).
fn merge(d: &mut ReferralDraft, step: usize, form: &StepForm) {
    match step {
        0 => {
            if d.kind != form.kind && !d.kind.is_empty() {
                // Another kind of referral has other services.
                d.services.clear();
                d.entry = DraftService::default();
            }
            d.kind = form.kind.clone();
            d.search = MemberSearch {
                by: d.search.by.clone(),
                member_id: form.member_id.clone(),
                last_name: form.last_name.clone(),
                first_name: form.first_name.clone(),
                date_of_birth: form.date_of_birth.clone(),
                city: form.city.clone(),
            };
            if !form.member.is_empty() {
                d.member = form.member.clone();
            }
        }
        1 => d.referring = form.referring.parse().ok(),
        2 => d.provider_query = form.provider_query.clone(),
        3 => {
            d.priority = form.priority.clone();
            d.request_date = UsDate::parse(&form.request_date)
                .map(|u| u.0.to_string())
                .unwrap_or_else(|_| form.request_date.clone());
            d.place_of_service = form.place_of_service.clone();
            d.entry = DraftService {
                code: form.service.clone(),
                modifier: form.modifier.trim().to_ascii_uppercase(),
                units: form.units.trim().to_string(),
                answer: form.answer.clone(),
            };
            d.icd_query = form.icd_query.clone();
            d.clinical_indications = form.clinical_indications.clone();
        }
        _ => {}
    }
}

/// "Referred To Provider Info": the choice, the dialog's buttons and the redirect answer.
async fn referred_events(
    member: &Member,
    d: &mut ReferralDraft,
    to: &str,
    form: &StepForm,
    today: Date,
) -> Result<(), AppError> {
    let chosen: Option<i64> = form.provider.parse().ok();
    let current = d.redirect.provider.map(|(p, _)| p);
    let mut changed = false;
    if let Some(id) = chosen.filter(|id| Some(*id) != current) {
        let m = associated(member, &d.member)
            .await?
            .ok_or(AppError::NotFound)?;
        let p = directory_provider(member, id, &m, today)
            .await?
            .ok_or_else(|| AppError::field("provider", "Choose a provider from the list."))?;
        d.redirect = std::mem::take(&mut d.redirect).apply(RedirectEvent::Choose {
            provider: p.id,
            tertiary: p.is_tertiary == 1,
        });
        changed = true;
    }
    match to {
        "tertiary-new" => {
            d.redirect = std::mem::take(&mut d.redirect).apply(RedirectEvent::SelectNewProvider)
        }
        "tertiary-continue" => {
            d.redirect = std::mem::take(&mut d.redirect).apply(RedirectEvent::Continue)
        }
        _ if !changed && !d.redirect.dialog_open() && d.redirect.provider.is_some() => {
            let answer = match form.redirect.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            if let Some(yes) = answer {
                d.redirect = std::mem::take(&mut d.redirect).apply(RedirectEvent::Answer(yes));
            }
            if d.redirect.ok_to_redirect == Some(false) {
                d.redirect.justification = form.justification.trim().to_string();
            }
        }
        _ => {}
    }
    Ok(())
}

/// The number a button's value carries after its name ("remove-icd-2").
fn numbered<T: std::str::FromStr>(to: &str, prefix: &str) -> Option<T> {
    to.strip_prefix(prefix)?.parse().ok()
}

/// "+ Add Service": the service being typed, checked, joins the list.
async fn add_service(member: &Member, d: &mut ReferralDraft) -> Result<(), AppError> {
    if d.services.len() >= MAX_SERVICES {
        return Err(AppError::field(
            "service",
            format!("A referral carries at most {MAX_SERVICES} services."),
        ));
    }
    let kind = Kind::parse(&d.kind).unwrap_or(Kind::Medical);
    check_service(member, kind, &d.entry).await?;
    d.services.push(std::mem::take(&mut d.entry));
    Ok(())
}

/// One press of a step's button. Returns the address to show.
///
/// Two presses can reach one draft at once (a provider chosen, which posts, then "Next" before
/// its answer). Each saves only over the draft it read; the one that finds it changed runs
/// again on the draft as it is now, if that is still on the step it was pressed on (`on`, as
/// the form says, or as the draft first read said); otherwise the other press has moved the
/// wizard on, and the page shows where it is.
pub async fn step(
    member: &Member,
    id: &str,
    to: &str,
    on: Option<usize>,
    form: StepForm,
) -> Result<String, AppError> {
    let pressed_on = std::sync::OnceLock::new();
    if let Some(on) = on {
        let _ = pressed_on.set(on);
    }
    drafts::again_if_changed(|| press(member, id, to, &form, &pressed_on)).await
}

async fn press(
    member: &Member,
    id: &str,
    to: &str,
    form: &StepForm,
    pressed_on: &std::sync::OnceLock<usize>,
) -> Result<String, AppError> {
    let state = &member.state;
    let today = today(state)?;
    let iso = today.to_string();
    if to == "discard" {
        // Only an existing draft can be discarded (`load` answers 404 for any other).
        drafts::delete(state, DRAFT, &load(member, id).await?.owner).await?;
        return Ok("/referrals".into());
    }
    let mut draft = if id.is_empty() {
        Draft {
            owner: owner(member, &crate::ssr::crypto::random_hex(8)),
            step: "0".into(),
            data: ReferralDraft::default(),
            revision: 0,
        }
    } else {
        load(member, id).await?
    };
    let id = draft.owner.trim_start_matches(&prefix(member)).to_string();
    let here = wizard_href(&id);
    let step = step_of(&draft);
    if *pressed_on.get_or_init(|| step) != step {
        return Ok(here);
    }
    merge(&mut draft.data, step, form);
    let d = &mut draft.data;
    let mut next = step;
    match (step, to) {
        (_, "back") => next = step.saturating_sub(1),
        (_, edit) if edit.starts_with("edit-") => {
            next = numbered(edit, "edit-").unwrap_or(step).min(step);
        }
        (0, "search-id" | "search-name") => {
            let by = if to == "search-id" { "id" } else { "name" };
            d.search.by = by.into();
            let lookup = d.search.check()?;
            let found = crate::members::repo::search(
                &mut *state.db.conn().await?,
                member,
                &lookup,
                crate::members::MAX_RESULTS,
            )
            .await?;
            if found.is_empty() {
                return Err(AppError::field(
                    if by == "id" { "member_id" } else { "last_name" },
                    "No member associated with your office matches this search.",
                ));
            }
            d.searched = true;
            if let [only] = found.as_slice() {
                d.member = only.cin.clone();
            }
        }
        (0, "next") => {
            let (_, m) = check_about(member, d, &iso).await?;
            d.member_label = format!("{} {} (CIN {})", m.first_name, m.last_name, m.cin);
            next = 1;
        }
        (1, "next") => {
            check_referring(member, d).await?;
            next = 2;
        }
        (2, _) => {
            referred_events(member, d, to, form, today).await?;
            let allowed_redirect =
                d.redirect.provider.is_none() && d.redirect.justification == rules::REDIRECT_NOTE;
            if to == "next" && !d.redirect.dialog_open() && !allowed_redirect {
                let m = associated(member, &d.member)
                    .await?
                    .ok_or(AppError::NotFound)?;
                // Saved first: the choice stands even when the step is not complete.
                save(member, &mut draft).await?;
                check_referred(member, &draft.data, &m, today).await?;
                next = 3;
            }
        }
        (3, "add-service") => add_service(member, d).await?,
        (3, remove) if remove.starts_with("remove-service-") => {
            if let Some(i) = numbered(remove, "remove-service-").filter(|i| *i < d.services.len()) {
                d.services.remove(i);
            }
        }
        (3, "find-icd") => {
            if d.icd_query.trim().is_empty() {
                return Err(AppError::field(
                    "icd_query",
                    "Type an ICD code or words to find one.",
                ));
            }
        }
        (3, "add-icd") => {
            let typed = if form.icd.is_empty() {
                &d.icd_query
            } else {
                &form.icd
            };
            let (code, _) = crate::ssr::code_lists::icd_code(typed).ok_or_else(|| {
                AppError::field(
                    "icd_query",
                    "Choose an ICD-10-CM code from the list (find it by code or words).",
                )
            })?;
            if !d.diagnoses.contains(&code) {
                if d.diagnoses.len() >= MAX_DIAGNOSES {
                    return Err(AppError::field(
                        "icd_query",
                        format!("A referral carries at most {MAX_DIAGNOSES} ICD codes."),
                    ));
                }
                d.diagnoses.push(code);
            }
            d.icd_query.clear();
        }
        (3, remove) if remove.starts_with("remove-icd-") => {
            if let Some(i) = numbered(remove, "remove-icd-").filter(|i| *i < d.diagnoses.len()) {
                d.diagnoses.remove(i);
            }
        }
        (3, "next") => {
            // A service chosen but not yet added counts, as the user sees it on the form.
            if !d.entry.code.is_empty() {
                add_service(member, d).await?;
            }
            if d.diagnoses.is_empty() {
                if let Some((code, _)) = crate::ssr::code_lists::icd_code(&d.icd_query) {
                    d.diagnoses.push(code);
                    d.icd_query.clear();
                }
            }
            check_medical(d, today)?;
            next = 4;
        }
        (4, remove) if remove.starts_with("remove-file-") => {
            if let Some(file) = numbered::<i64>(remove, "remove-file-") {
                d.files.retain(|f| *f != file);
            }
        }
        (4, "next") => next = 5,
        (5, "submit") => {
            let code = submit(member, &draft).await?;
            return Ok(format!("/referrals/{code}?submitted=1"));
        }
        _ => {
            return Err(AppError::Conflict(
                "That button is not on this step.".into(),
            ))
        }
    }
    draft.step = next.to_string();
    save(member, &mut draft).await?;
    Ok(here)
}

/// "Submit Referral": every step checked again, then the referral, its code and its clock.
async fn submit(member: &Member, draft: &Draft<ReferralDraft>) -> Result<String, AppError> {
    let state = &member.state;
    let d = &draft.data;
    let today = today(state)?;
    let (kind, m) = check_about(member, d, &today.to_string()).await?;
    let referring = check_referring(member, d).await?;
    let referred = check_referred(member, d, &m, today).await?;
    for s in &d.services {
        check_service(member, kind, s).await?;
    }
    let (priority, request) = check_medical(d, today)?;
    let now = state.clock.unix();
    let tz = state.settings.calendar.time_zone();
    let deadline = rules::deadline(now, priority.expedited(), tz);
    let member_id = crate::claims::repo::member_by_cin(&mut *state.db.conn().await?, &m.cin)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let files = crate::ssr::repo::uploads::owned(
        &mut tx,
        member.organization_id(),
        member.user_id,
        &d.files,
    )
    .await?;
    if files.len() > MAX_FILES {
        return Err(too_many());
    }
    let justification = Some(d.redirect.justification.trim()).filter(|j| !j.is_empty());
    let (id, code) = repo::insert(
        &mut tx,
        &repo::NewReferral {
            organization_id: member.organization_id(),
            member_id,
            referring_provider_id: referring.id,
            referred_to_provider_id: referred.id,
            kind: kind.value(),
            priority: priority.value(),
            request_date: &request.to_string(),
            ok_to_redirect: d.redirect.ok_to_redirect == Some(true),
            justification,
            clinical_indications: d.clinical_indications.trim(),
            place_of_service: &d.place_of_service,
            service_address: &format!(
                "{}, {} {}",
                referring.address_line1, referring.city, referring.zip
            ),
            created_by: member.user_id,
            now,
            submitted_on: &today.to_string(),
            deadline_at: deadline,
        },
        today.year(),
    )
    .await?;
    for (i, s) in d.services.iter().enumerate() {
        let optional = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
        repo::add_service(
            &mut tx,
            id,
            i as i64 + 1,
            &s.code,
            &d.place_of_service,
            s.units.parse().unwrap_or(1),
            optional(&s.modifier).as_deref(),
            optional(&s.answer).as_deref(),
        )
        .await?;
    }
    for (i, c) in d.diagnoses.iter().enumerate() {
        repo::add_diagnosis(&mut tx, id, i as i64 + 1, c).await?;
    }
    for f in &files {
        repo::add_file(&mut tx, id, f.id, now).await?;
    }
    member
        .audit("referral.submit", format!("referral:{id}"))
        .detail(format!(
            "{code} ({}, {}) with {} services and {} files",
            kind.label(),
            priority.label(),
            d.services.len(),
            files.len()
        ))
        .record_in(&mut tx)
        .await?;
    // A second "Submit" at once finds the draft gone and makes no second referral.
    drafts::finish_unchanged(&mut tx, DRAFT, draft).await?;
    tx.commit().await?;
    Ok(code)
}

fn too_many() -> AppError {
    AppError::field(
        "file",
        format!("A referral carries at most {MAX_FILES} files."),
    )
}

/// `POST /uploads/referrals`: one file (`file`) for the draft (`draft`). Back to the step,
/// with why a file was refused.
pub async fn upload(
    State(state): State<AppState>,
    SubmittingMember(member): SubmittingMember,
    form: Multipart,
) -> Response {
    let (fields, file) = uploads::read_form(&state, form, &ATTACHMENTS).await;
    let id = fields.get("draft").cloned().unwrap_or_default();
    let outcome = async {
        let draft = load(&member, &id).await?;
        let file = file?.ok_or_else(|| AppError::field("file", "Choose a file to attach."))?;
        if draft.data.files.len() >= MAX_FILES {
            return Err(too_many());
        }
        let upload = file
            .keep(&state, Some(member.organization_id()), member.user_id)
            .await?;
        // Several files sent at once each add theirs to the draft as it is then.
        drafts::again_if_changed(|| async {
            let mut draft = load(&member, &id).await?;
            if draft.data.files.len() >= MAX_FILES {
                return Err(too_many());
            }
            draft.data.files.push(upload);
            save(&member, &mut draft).await
        })
        .await
    }
    .await;
    let mut to = wizard_href(&id);
    if let Err(error) = outcome {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("upload_error", &error.sentence());
        to = format!("{to}&{}", query.finish());
    }
    Go::to(&to).into_response()
}

// ---------------------------------------------------------------------------------------
// The plan's queue and decisions

pub async fn queue(Operator(operator): &Operator) -> Result<Vec<QueuedReferral>, AppError> {
    let state = &operator.state;
    let cal = &state.settings.calendar;
    let now = state.clock.unix();
    let rows = repo::queue(&mut *state.db.conn().await?, QUEUE_SIZE).await?;
    Ok(rows
        .into_iter()
        .map(|r| QueuedReferral {
            id: r.id,
            code: r.code,
            organization: r.organization,
            priority: Priority::parse(&r.priority)
                .map_or("", |p| {
                    if p.expedited() {
                        "Urgent (expedited)"
                    } else {
                        p.label()
                    }
                })
                .into(),
            submitted: cal.format_date_time(r.submitted_at),
            due: cal.format_date_time(r.deadline_at),
            time_left: rules::time_left(r.deadline_at, now),
            overdue: r.deadline_at < now,
            extended: r.extended_at.map(|at| {
                format!(
                    "Extended {}: {}",
                    cal.format_date(at),
                    r.extension_reason.unwrap_or_default()
                )
            }),
            services: r.services,
            requested_units: r.units,
        })
        .collect())
}

pub struct Decision<'a> {
    pub decision: &'a str,
    pub approved_units: &'a str,
    pub reason: &'a str,
    pub note: &'a str,
}

pub async fn decide(
    Operator(operator): &Operator,
    id: i64,
    decision: &Decision<'_>,
) -> Result<String, AppError> {
    let state = &operator.state;
    let cal = &state.settings.calendar;
    let now = state.clock.unix();
    let r = repo::by_id(&mut *state.db.conn().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut checker = Checker::new();
    let note = decision.note.trim();
    if note.chars().count() > TEXT_MAX {
        checker.add(
            "note",
            format!("The decision text has at most {TEXT_MAX} characters."),
        );
    }
    let mut units = None;
    let mut reason = None;
    match decision.decision {
        "approved" => units = Some(0),
        "modified" => match decision.approved_units.trim().parse::<i64>() {
            Ok(n) if (1..=rules::MAX_UNITS).contains(&n) => units = Some(n),
            _ => checker.add(
                "approved_units",
                "Enter the approved units: a whole number from 1 to 999.",
            ),
        },
        "denied" => {
            if !DENIAL_REASONS.iter().any(|(v, _)| *v == decision.reason) {
                checker.add("reason", "Choose the reason for the denial.");
            }
            if note.is_empty() {
                checker.add(
                    "note",
                    "Explain the denial: the office and the member are told why.",
                );
            }
            reason = Some(decision.reason);
        }
        "void" => {}
        _ => checker.add("decision", "Choose Approve, Modify, Deny or Void."),
    }
    checker.finish()?;
    let decided_on = cal.date_of(now).ok_or(AppError::Internal)?;
    let through = matches!(decision.decision, "approved" | "modified")
        .then(|| rules::approved_through(decided_on).to_string());
    let label = status_label(decision.decision);
    let mut tx = state.db.begin().await?;
    if !repo::decide(
        &mut tx,
        id,
        decision.decision,
        reason,
        Some(note).filter(|n| !n.is_empty()),
        through.as_deref(),
        operator.user_id,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict(format!(
            "Referral {} was already decided.",
            r.code
        )));
    }
    let description = match decision.decision {
        "denied" => format!("{}: {note}", denial_label(decision.reason)),
        _ => note.to_string(),
    };
    repo::decide_services(&mut tx, id, label, units, &description).await?;
    let body = match &through {
        Some(through) => format!(
            "{label}: services may be rendered through {}.",
            UsDate::show(through)
        ),
        None => format!("{label}. {description}"),
    };
    let title = format!("Referral {} was {}", r.code, label.to_lowercase());
    tell_submitter(&mut tx, &r, now, &title, &body).await?;
    operator
        .audit("referral.decide", format!("referral:{id}"))
        .detail(format!("{}: {label}", r.code))
        .record_in(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(format!(
        "Referral {} was {}; the office was notified.",
        r.code,
        label.to_lowercase()
    ))
}

/// The decision reaches whoever submitted the referral, on the dashboard (and by email as
/// they chose).
async fn tell_submitter(
    conn: &mut crate::ssr::repo::Conn,
    r: &repo::ReferralRecord,
    now: i64,
    title: &str,
    body: &str,
) -> Result<(), AppError> {
    let link = format!("/referrals/{}", r.code);
    let submitter = repo::created_by(&mut *conn, r.id).await?;
    notifications::to_user(
        conn,
        now,
        r.organization_id,
        submitter,
        Notice {
            kind: "referral",
            title,
            body,
            link: &link,
        },
    )
    .await?;
    Ok(())
}

pub async fn approve_on_appeal(
    Operator(operator): &Operator,
    code: &str,
    note: &str,
) -> Result<String, AppError> {
    let state = &operator.state;
    let note = note.trim();
    let mut checker = Checker::new();
    if note.is_empty() {
        checker.add("note", "Enter the appeal decision: the office is told why.");
    } else if note.chars().count() > TEXT_MAX {
        checker.add(
            "note",
            format!("The appeal decision has at most {TEXT_MAX} characters."),
        );
    }
    checker.finish()?;
    let code = code.trim().to_ascii_uppercase();
    let r = repo::by_code_any(&mut *state.db.conn().await?, &code)
        .await?
        .ok_or_else(|| AppError::field("code", "No referral has this code."))?;
    let now = state.clock.unix();
    let day = state
        .settings
        .calendar
        .date_of(now)
        .ok_or(AppError::Internal)?;
    let through = rules::approved_through(day).to_string();
    let mut tx = state.db.begin().await?;
    if !repo::approve_on_appeal(&mut tx, r.id, note, &through, operator.user_id, now).await? {
        return Err(AppError::Conflict(format!(
            "Referral {} is not denied: only a denial can be appealed.",
            r.code
        )));
    }
    repo::decide_services(&mut tx, r.id, "Approved", Some(0), note).await?;
    let title = format!("Referral {} was approved on appeal", r.code);
    let body = format!(
        "Approved on appeal: services may be rendered through {}.",
        UsDate::show(&through)
    );
    tell_submitter(&mut tx, &r, now, &title, &body).await?;
    operator
        .audit("referral.appeal", format!("referral:{}", r.id))
        .detail(format!("{}: approved on appeal", r.code))
        .record_in(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(format!(
        "Referral {} was approved on appeal; the office was notified.",
        r.code
    ))
}

pub async fn extend(
    Operator(operator): &Operator,
    id: i64,
    reason: &str,
) -> Result<String, AppError> {
    let state = &operator.state;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Enter the reason for the extension.",
        ));
    }
    if reason.chars().count() > TEXT_MAX {
        return Err(AppError::field(
            "reason",
            format!("The reason has at most {TEXT_MAX} characters."),
        ));
    }
    let r = repo::by_id(&mut *state.db.conn().await?, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let deadline = rules::extended(
        r.deadline_at.ok_or(AppError::NotFound)?,
        state.settings.calendar.time_zone(),
    );
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if !repo::extend(&mut tx, id, deadline, reason, now).await? {
        return Err(AppError::Conflict(format!(
            "Referral {} is decided or was extended already.",
            r.code
        )));
    }
    operator
        .audit("referral.extend", format!("referral:{id}"))
        .detail(format!("{}: {reason}", r.code))
        .record_in(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(format!(
        "Referral {}'s decision is now due {}.",
        r.code,
        state.settings.calendar.format_date_time(deadline)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn medical() -> ReferralDraft {
        ReferralDraft {
            priority: "routine".into(),
            request_date: "2026-11-30".into(),
            place_of_service: "11".into(),
            services: vec![DraftService {
                code: "99244".into(),
                units: "2".into(),
                ..DraftService::default()
            }],
            diagnoses: vec!["I10".into()],
            clinical_indications: "Chest pain on exertion.".into(),
            ..ReferralDraft::default()
        }
    }

    #[test]
    fn medical_info_names_each_missing_or_wrong_field() {
        let today = date(2026, 11, 30);
        assert!(check_medical(&medical(), today).is_ok());
        let error = check_medical(&ReferralDraft::default(), today).unwrap_err();
        for field in [
            "priority",
            "request_date",
            "place_of_service",
            "service",
            "icd_query",
            "clinical_indications",
        ] {
            assert!(!error.field_messages(field).is_empty(), "{field}");
        }
        // The clinical indications hold up to 4,000 characters.
        let long = ReferralDraft {
            clinical_indications: "x".repeat(TEXT_MAX + 1),
            ..medical()
        };
        assert_eq!(
            check_medical(&long, today)
                .unwrap_err()
                .field_messages("clinical_indications"),
            [format!(
                "The Clinical Indications have at most {TEXT_MAX} characters."
            )]
        );
        let full = ReferralDraft {
            clinical_indications: "x".repeat(TEXT_MAX),
            ..medical()
        };
        assert!(check_medical(&full, today).is_ok());
        let unknown_place = ReferralDraft {
            place_of_service: "98".into(),
            ..medical()
        };
        assert!(check_medical(&unknown_place, today).is_err());
    }

    #[test]
    fn a_button_carries_its_number() {
        assert_eq!(numbered::<usize>("remove-icd-2", "remove-icd-"), Some(2));
        assert_eq!(numbered::<usize>("remove-icd-x", "remove-icd-"), None);
        assert_eq!(numbered::<usize>("edit-1", "remove-icd-"), None);
    }
}
