//! The disputes' server side: the draft, its files, the dispute, the lookup, downloads and the
//! plan's queue.

use super::*;
use crate::claims::repo::ClaimRecord;
use crate::claims::Lookup;
use crate::correspondence::publish::{self, NewDocument};
use crate::domain::{Money, UsDate};
use crate::ssr::documents::{self, Letter};
use crate::ssr::drafts::{self, Draft};
use crate::ssr::files::attachment;
use crate::ssr::guard::{require_parts, Member, Operator};
use crate::ssr::repo::notifications::{self, Notice};
use crate::ssr::uploads::{self, ATTACHMENTS};
use crate::ssr::AppState;
use axum::extract::{Multipart, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::request::Parts;
use jiff::civil::Date;

const DRAFT: &str = "dispute";

/// A member with the Disputes module, taken as an extractor so the guard runs before an
/// upload's body is read.
pub struct DisputesMember(pub Member);

impl axum::extract::FromRequestParts<AppState> for DisputesMember {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        require_parts(state, parts, Access::module(Module::Disputes))
            .await
            .map(DisputesMember)
    }
}

/// A request not yet submitted: its text, then the uploads chosen for it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct DisputeDraft {
    form: DisputeForm,
    files: Vec<i64>,
}

fn owner(member: &Member, claim_id: i64) -> String {
    format!("membership:{}:claim:{claim_id}", member.org.membership_id)
}

fn today(state: &AppState) -> Result<Date, AppError> {
    state
        .settings
        .calendar
        .date_of(state.clock.unix())
        .ok_or(AppError::Internal)
}

fn file_rows(records: Vec<repo::FileRecord>) -> Vec<FileRow> {
    records
        .into_iter()
        .map(|f| FileRow {
            id: f.id,
            name: f.file_name,
            size: size_label(f.size),
        })
        .collect()
}

/// The claim, if the member may see it (404 otherwise).
async fn claim(member: &Member, number: &str) -> Result<ClaimRecord, AppError> {
    let number = number.trim().to_ascii_uppercase();
    let mut conn = member.state.db.conn().await?;
    crate::claims::repo::lookup(&mut conn, member, &Lookup::Number(number), None, 1)
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Why the claim cannot be disputed here, if it cannot.
pub fn refusal(claim: &ClaimRecord) -> Option<String> {
    if let Some(network) = &claim.delegated_network {
        return Some(format!(
            "{network} paid this claim: dispute it with {network}."
        ));
    }
    (claim.status != "finalized").then(|| "Only a finalized claim can be disputed.".to_string())
}

/// The dispute on the claim, if any: (id, number, status).
async fn existing(
    member: &Member,
    claim_id: i64,
) -> Result<Option<(i64, String, String)>, AppError> {
    let mut conn = member.state.db.conn().await?;
    Ok(repo::for_claim(&mut conn, claim_id)
        .await?
        .map(|(number, status)| (claim_id, number, status)))
}

pub async fn start(member: &Member, number: &str) -> Result<DisputeStart, AppError> {
    let claim = claim(member, number).await?;
    let mut conn = member.state.db.conn().await?;
    let provider =
        crate::correspondence::repo::provider(&mut conn, claim.billing_provider_id).await?;
    let mut start = DisputeStart {
        claim: claim.claim_number.clone(),
        provider: format!("{} (NPI {})", provider.name, provider.npi),
        billed: Money(claim.billed_cents).to_string(),
        paid: Money(claim.paid_cents).to_string(),
        form: DisputeForm::default(),
        files: Vec::new(),
        number: None,
        open: true,
    };
    if let Some(dispute) = repo::for_claim(&mut conn, claim.id).await? {
        let (number, status) = dispute;
        let record = repo::readable(&mut conn, member, &number)
            .await?
            .ok_or(AppError::NotFound)?;
        start.files = file_rows(repo::files(&mut conn, record.id).await?);
        start.open = status != "resolved";
        start.number = Some(number);
        return Ok(start);
    }
    if let Some(why) = refusal(&claim) {
        return Err(AppError::Conflict(why));
    }
    drop(conn);
    if let Some(draft) =
        drafts::load::<DisputeDraft>(&member.state, DRAFT, &owner(member, claim.id)).await?
    {
        let mut conn = member.state.db.conn().await?;
        start.files = file_rows(
            repo::uploads(
                &mut conn,
                member.organization_id(),
                member.user_id,
                &draft.data.files,
            )
            .await?,
        );
        start.form = draft.data.form;
    }
    Ok(start)
}

/// The claim, checked to be open for a new dispute.
async fn disputable(member: &Member, number: &str) -> Result<ClaimRecord, AppError> {
    let claim = claim(member, number).await?;
    if let Some(why) = refusal(&claim) {
        return Err(AppError::Conflict(why));
    }
    if let Some((_, number, _)) = existing(member, claim.id).await? {
        return Err(AppError::Conflict(format!(
            "This claim is already disputed: Dispute #: {number}."
        )));
    }
    Ok(claim)
}

async fn draft(member: &Member, claim_id: i64) -> Result<Draft<DisputeDraft>, AppError> {
    let owner = owner(member, claim_id);
    Ok(drafts::load(&member.state, DRAFT, &owner)
        .await?
        .unwrap_or(Draft {
            owner,
            step: "form".into(),
            data: DisputeDraft::default(),
            revision: 0,
        }))
}

/// Changes the claim's draft, saving only over the draft as read: a change that crossed another
/// (a file sent while the text is saved, or another window) runs again on the draft as it is now.
async fn change(
    member: &Member,
    claim_id: i64,
    edit: impl Fn(&mut Draft<DisputeDraft>) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let edit = &edit;
    drafts::again_if_changed(|| async move {
        let mut draft = draft(member, claim_id).await?;
        edit(&mut draft)?;
        drafts::save_checked(&member.state, DRAFT, &mut draft, Some(member.user_id)).await
    })
    .await
}

pub async fn save(member: &Member, number: &str, form: DisputeForm) -> Result<(), AppError> {
    let claim = disputable(member, number).await?;
    form.check()?;
    change(member, claim.id, |draft| {
        draft.data.form = form.clone();
        draft.step = "attach".into();
        Ok(())
    })
    .await
}

pub async fn remove_file(member: &Member, number: &str, file: i64) -> Result<(), AppError> {
    let claim = disputable(member, number).await?;
    change(member, claim.id, |draft| {
        // No request saved, no file to remove: nor is an empty draft written for it.
        if draft.revision == 0 {
            return Err(AppError::NotFound);
        }
        draft.data.files.retain(|id| *id != file);
        Ok(())
    })
    .await
}

pub async fn submit(member: &Member, number: &str) -> Result<String, AppError> {
    let claim = disputable(member, number).await?;
    // A file added while this submits runs it again, so the dispute carries that file too.
    drafts::again_if_changed(|| submit_draft(member, &claim)).await
}

async fn submit_draft(member: &Member, claim: &ClaimRecord) -> Result<String, AppError> {
    let draft = draft(member, claim.id).await?;
    let form = &draft.data.form;
    // A draft saved by "Continue to attachment" passed the check; this catches one that was not.
    form.check()?;
    let state = &member.state;
    let now = state.clock.unix();
    let optional = |text: &str| {
        Some(text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let (title, fax) = (optional(&form.title), optional(&form.fax));
    let mut tx = state.db.begin().await?;
    let files = repo::uploads(
        &mut tx,
        member.organization_id(),
        member.user_id,
        &draft.data.files,
    )
    .await?;
    let Some((id, dispute_number)) = repo::insert(
        &mut tx,
        &repo::NewDispute {
            claim_id: claim.id,
            organization_id: member.organization_id(),
            description: form.description.trim(),
            expected_outcome: form.expected_outcome.trim(),
            contact_name: form.name.trim(),
            contact_email: form.email.trim(),
            contact_title: title.as_deref(),
            contact_phone: form.phone.trim(),
            contact_fax: fax.as_deref(),
            submitted_by: member.user_id,
            submitted_at: now,
        },
        today(state)?.year(),
    )
    .await?
    else {
        return Err(AppError::Conflict(
            "This claim is already disputed.".to_string(),
        ));
    };
    for file in &files {
        repo::add_file(&mut tx, id, file.id, now).await?;
    }
    member
        .audit("dispute.submit", format!("dispute:{id}"))
        .detail(format!(
            "{dispute_number} on claim {} with {} files",
            claim.claim_number,
            files.len()
        ))
        .record_in(&mut tx)
        .await?;
    drafts::finish_unchanged(&mut tx, DRAFT, &draft).await?;
    tx.commit().await?;
    Ok(dispute_number)
}

/// `POST /uploads/disputes`: one file (`file`) for the claim (`claim`): to the draft, or to the
/// open dispute. Back to the dialog, with why a file was refused.
pub async fn upload(
    State(state): State<AppState>,
    DisputesMember(member): DisputesMember,
    form: Multipart,
) -> Response {
    let (fields, file) = uploads::read_form(&state, form, &ATTACHMENTS).await;
    let number = fields.get("claim").cloned().unwrap_or_default();
    let outcome = async {
        let claim = claim(&member, &number).await?;
        let file = file?.ok_or_else(|| AppError::field("file", "Choose a file to attach."))?;
        // Checked before the file is kept, and again as it joins.
        holder(&member, &claim).await?;
        let name = file.name.clone();
        let upload = file
            .keep(&state, Some(member.organization_id()), member.user_id)
            .await?;
        // Files sent at once, or while the dispute is submitted, each join what is there then.
        drafts::again_if_changed(|| add_upload(&member, &claim, upload, &name)).await
    }
    .await;
    let mut to = view::dialog_href(&number, "attach");
    if let Err(error) = outcome {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("upload_error", &error.sentence());
        to = format!("{to}&{}", query.finish());
    }
    Redirect::to(&to).into_response()
}

/// Where a file for the claim goes: the open dispute, or the request's saved draft.
enum Holder {
    Dispute(i64),
    Draft(Box<Draft<DisputeDraft>>),
}

/// Where a file for the claim goes, if it has room for one more.
async fn holder(member: &Member, claim: &ClaimRecord) -> Result<Holder, AppError> {
    // The draft before the dispute: a request submitted between the two reads is then found
    // as its dispute, not as a missing draft.
    let draft = draft(member, claim.id).await?;
    if let Some((_, dispute_number, status)) = existing(member, claim.id).await? {
        if status == "resolved" {
            return Err(AppError::Conflict(
                "This dispute is resolved: no more files can be added.".into(),
            ));
        }
        let mut conn = member.state.db.conn().await?;
        let record = repo::readable(&mut conn, member, &dispute_number)
            .await?
            .ok_or(AppError::NotFound)?;
        if repo::files(&mut conn, record.id).await?.len() >= MAX_FILES {
            return Err(too_many());
        }
        return Ok(Holder::Dispute(record.id));
    }
    if let Some(why) = refusal(claim) {
        return Err(AppError::Conflict(why));
    }
    // Files follow the request's text, as the dialog does; nor can a file start a new draft
    // for a claim whose request was submitted as it came.
    if draft.revision == 0 {
        return Err(AppError::Conflict(
            "Fill in the request and choose \"Continue to attachment\" first.".into(),
        ));
    }
    if draft.data.files.len() >= MAX_FILES {
        return Err(too_many());
    }
    Ok(Holder::Draft(Box::new(draft)))
}

/// The kept upload joins the claim's dispute or draft as it is now.
async fn add_upload(
    member: &Member,
    claim: &ClaimRecord,
    upload: i64,
    name: &str,
) -> Result<(), AppError> {
    let state = &member.state;
    match holder(member, claim).await? {
        Holder::Dispute(id) => {
            let mut tx = state.db.begin().await?;
            repo::lock(&mut tx, id).await?;
            // Counted again while the dispute is held: two files at once cannot pass the limit.
            if repo::files(&mut tx, id).await?.len() >= MAX_FILES {
                return Err(too_many());
            }
            repo::add_file(&mut tx, id, upload, state.clock.unix()).await?;
            member
                .audit("dispute.file", format!("dispute:{id}"))
                .detail(name.to_string())
                .record_in(&mut tx)
                .await?;
            tx.commit().await?;
            Ok(())
        }
        Holder::Draft(mut draft) => {
            draft.data.files.push(upload);
            drafts::save_checked(state, DRAFT, &mut draft, Some(member.user_id)).await
        }
    }
}

fn too_many() -> AppError {
    AppError::field(
        "file",
        format!("A dispute carries at most {MAX_FILES} files."),
    )
}

pub async fn search(member: &Member, search: &DisputeSearch) -> Result<Vec<DisputeRow>, AppError> {
    let state = &member.state;
    let cal = &state.settings.calendar;
    let mut conn = state.db.conn().await?;
    let records = if search.by == "number" {
        let number = search.number.trim().to_ascii_uppercase();
        if number.is_empty() {
            return Err(AppError::field("number", "Enter a Dispute #."));
        }
        repo::readable(&mut conn, member, &number)
            .await?
            .into_iter()
            .collect()
    } else {
        let mut checker = Checker::new();
        let day = |checker: &mut Checker, field: &str, text: &str| {
            if text.trim().is_empty() {
                None
            } else {
                checker.check(field, UsDate::parse(text)).map(|d| d.0)
            }
        };
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
        checker.finish()?;
        let start = from.and_then(|d| cal.start_of(d)).unwrap_or(0);
        let end = to
            .and_then(|d| d.tomorrow().ok())
            .and_then(|d| cal.start_of(d))
            .unwrap_or(i64::MAX);
        let claim = search.claim.trim().to_ascii_uppercase();
        repo::search(
            &mut conn,
            member,
            &repo::Search {
                from: start,
                to: end,
                status: &search.status,
                claim: &claim,
            },
            MAX_RESULTS,
        )
        .await?
    };
    Ok(records
        .into_iter()
        .map(|d| DisputeRow {
            submitted: cal.format_date(d.submitted_at),
            status: status_label(&d.status).into(),
            number: d.number,
            claim: d.claim_number,
            member: d.member,
        })
        .collect())
}

pub async fn detail(member: &Member, number: &str) -> Result<DisputeDetail, AppError> {
    let state = &member.state;
    let cal = &state.settings.calendar;
    let number = number.trim().to_ascii_uppercase();
    let mut conn = state.db.conn().await?;
    let d = repo::readable(&mut conn, member, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    let files = file_rows(repo::files(&mut conn, d.id).await?);
    drop(conn);
    member
        .audit("dispute.view", format!("dispute:{}", d.id))
        .detail(d.number.clone())
        .record(&state.db)
        .await?;
    let when = |at: Option<i64>| at.map(|at| cal.format_date_time(at)).unwrap_or_default();
    Ok(DisputeDetail {
        claim: d.claim_number,
        member: d.member,
        status: status_label(&d.status).into(),
        submitted: cal.format_date_time(d.submitted_at),
        submitted_by: d.submitted_by,
        acknowledged: when(d.acknowledged_at),
        resolved: when(d.resolved_at),
        description: d.description,
        expected_outcome: d.expected_outcome,
        contact: [
            ("Name", Some(d.contact_name)),
            ("Title", d.contact_title),
            ("Email", Some(d.contact_email)),
            ("Phone", Some(d.contact_phone)),
            ("Fax", d.contact_fax),
        ]
        .into_iter()
        .map(|(label, value)| (label.to_string(), value.unwrap_or_default()))
        .collect(),
        files,
        letter: d
            .resolution_document_id
            .map(|_| format!("Dispute Resolution {}", d.number)),
        resolution: d.resolution.unwrap_or_default(),
        number: d.number,
    })
}

/// A value of a raw query string (empty when absent).
pub(crate) fn query_value(query: &Option<String>, name: &str) -> String {
    form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

async fn downloadable(
    state: &AppState,
    member: &Member,
    query: &Option<String>,
) -> Result<repo::DisputeRecord, AppError> {
    let number = query_value(query, "dispute").to_ascii_uppercase();
    let mut conn = state.db.conn().await?;
    repo::readable(&mut conn, member, &number)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /downloads/disputes/file?dispute=…&file=…`: an attachment, as it was uploaded.
pub async fn file(
    State(state): State<AppState>,
    DisputesMember(member): DisputesMember,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let record = downloadable(&state, &member, &query).await?;
    let wanted: i64 = query_value(&query, "file")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    let mut conn = state.db.conn().await?;
    let file = repo::files(&mut conn, record.id)
        .await?
        .into_iter()
        .find(|f| f.id == wanted)
        .ok_or(AppError::NotFound)?;
    drop(conn);
    member
        .audit("download", format!("dispute:{}", record.id))
        .detail(format!("{}: {}", record.number, file.file_name))
        .record(&state.db)
        .await?;
    uploads::attachment_download(&state, &file).await
}

/// `GET /downloads/disputes/letter?dispute=…`: the resolution letter.
pub async fn letter(
    State(state): State<AppState>,
    DisputesMember(member): DisputesMember,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let record = downloadable(&state, &member, &query).await?;
    let document = record.resolution_document_id.ok_or(AppError::NotFound)?;
    let bytes = repo::letter(&mut *state.db.conn().await?, document).await?;
    member
        .audit("download", format!("dispute:{}", record.id))
        .detail(format!("{}: resolution letter", record.number))
        .record(&state.db)
        .await?;
    Ok(attachment(
        &format!("dispute-resolution-{}.pdf", record.number),
        "application/pdf",
        bytes,
    ))
}

pub async fn queue(operator: &Operator) -> Result<Vec<QueuedDispute>, AppError> {
    let state = &operator.state;
    let now = state.clock.unix();
    let cal = &state.settings.calendar;
    let records = repo::open(&mut *state.db.conn().await?).await?;
    Ok(records
        .into_iter()
        .map(|d| QueuedDispute {
            id: d.id,
            overdue: overdue(d.submitted_at, d.acknowledged_at, now),
            submitted: cal.format_date_time(d.submitted_at),
            status: status_label(&d.status).into(),
            number: d.number,
            claim: d.claim_number,
            organization: d.organization,
            description: d.description,
        })
        .collect())
}

/// A step the plan took on a dispute: audited, and told to the office's admins.
async fn record_step(
    tx: &mut crate::ssr::repo::Conn,
    operator: &Operator,
    record: &repo::DisputeRecord,
    action: &'static str,
    title: &str,
    body: &str,
) -> Result<(), AppError> {
    operator
        .audit(action, format!("dispute:{}", record.id))
        .org(Some(record.organization_id))
        .detail(record.number.clone())
        .record_in(&mut *tx)
        .await?;
    notifications::to_admins(
        tx,
        operator.state.clock.unix(),
        record.organization_id,
        None,
        Notice {
            kind: "dispute",
            title,
            body,
            link: "/claims/disputes",
        },
    )
    .await?;
    Ok(())
}

/// Acknowledges the dispute; answers its number.
pub async fn acknowledge(operator: &Operator, id: i64) -> Result<String, AppError> {
    let state = &operator.state;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let record = repo::by_id(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !repo::acknowledge(&mut tx, id, operator.user_id, now).await? {
        return Err(AppError::Conflict(format!(
            "Dispute {} was acknowledged already.",
            record.number
        )));
    }
    let title = format!("Dispute {} acknowledged", record.number);
    let body = format!(
        "The plan acknowledged dispute {} on claim {} and is reviewing it.",
        record.number, record.claim_number
    );
    record_step(
        &mut tx,
        operator,
        &record,
        "dispute.acknowledge",
        &title,
        &body,
    )
    .await?;
    tx.commit().await?;
    // The acknowledgment email goes to the office's admins whatever their preferences: it is
    // how they know the dispute was received in time.
    let admins = crate::ssr::repo::memberships::admin_emails(
        &mut *state.db.conn().await?,
        record.organization_id,
    )
    .await?;
    for to in admins {
        let message = crate::ssr::messages::status_notice(
            &state.settings.program_name,
            &title,
            &body,
            "See the dispute",
            state.settings.link(&format!(
                "/claims/disputes?by=number&number={}",
                record.number
            )),
        );
        crate::ssr::outbox::email(&state.db, &state.settings, now, &to, message).await?;
    }
    Ok(record.number)
}

/// Resolves the dispute in writing; answers its number.
pub async fn resolve(operator: &Operator, id: i64, resolution: &str) -> Result<String, AppError> {
    let state = &operator.state;
    let resolution = resolution.trim();
    if resolution.is_empty() {
        return Err(AppError::field("resolution", "Write the resolution."));
    }
    if resolution.chars().count() > TEXT_MAX {
        return Err(AppError::field(
            "resolution",
            format!("The resolution has at most {TEXT_MAX} characters."),
        ));
    }
    let now = state.clock.unix();
    let today = today(state)?;
    let mut conn = state.db.conn().await?;
    let record = repo::by_id(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if record.status == "resolved" {
        return Err(AppError::Conflict(format!(
            "Dispute {} was resolved already.",
            record.number
        )));
    }
    let provider =
        crate::correspondence::repo::provider(&mut conn, record.billing_provider_id).await?;
    drop(conn);
    let title = format!("Dispute Resolution {}", record.number);
    let content = documents::typeset(Letter {
        head: publish::head(&state.settings, title.clone(), today),
        recipient: vec![
            provider.name.clone(),
            provider.address_line1.clone(),
            format!("{} {}", provider.city, provider.zip),
        ],
        paragraphs: vec![
            format!(
                "We have reviewed your Provider Dispute Resolution Request {} on claim {} for {}.",
                record.number, record.claim_number, record.member
            ),
            resolution.to_string(),
        ],
        items: Vec::new(),
        closing: vec![
            "If you disagree with this resolution, you may ask the Department of Health Care Services for an independent review within the time your provider agreement allows.".into(),
        ],
    })
    .await?;
    let mut tx = state.db.begin().await?;
    let document = publish::publish(
        &mut tx,
        now,
        &NewDocument {
            organization_id: record.organization_id,
            provider_id: record.billing_provider_id,
            correspondence_type: "Claim Notices".into(),
            title,
            document_date: today,
            content,
        },
    )
    .await?;
    if !repo::resolve(&mut tx, id, operator.user_id, now, resolution, document).await? {
        return Err(AppError::Conflict(format!(
            "Dispute {} was resolved already.",
            record.number
        )));
    }
    let title = format!("Dispute {} resolved", record.number);
    let body = format!(
        "Dispute {} on claim {} is resolved; the letter is in the Correspondence Center and on the dispute.",
        record.number, record.claim_number
    );
    record_step(&mut tx, operator, &record, "dispute.resolve", &title, &body).await?;
    tx.commit().await?;
    Ok(record.number)
}
