//! The three-step permission wizard: opening it (resuming the saved draft), saving each step,
//! and "Save and Finish", which applies all three sections at once.

use super::{member, record_change, repo, Member, LAST_ADMIN};
use crate::admin::{NpiOption, PermissionSet, WizardData, WizardStepForm};
use crate::correspondence::CORRESPONDENCE_TYPES;
use crate::domain::permissions::{check_position, NpiLevel, OrgRole, RolePreset};
use crate::error::{AppError, Checker};
use crate::ssr::drafts::{self, Draft};
use crate::ssr::guard::Admin;
use crate::ssr::repo::{grants, memberships};
use crate::ssr::AppState;

/// The permissions a membership holds now.
pub async fn current_set(state: &AppState, membership_id: i64) -> Result<PermissionSet, AppError> {
    let mut conn = state.db.conn().await?;
    let role = repo::role(&mut conn, membership_id).await?;
    let held = grants::read(&mut conn, membership_id).await?;
    let preset = role
        .role_preset
        .as_deref()
        .and_then(RolePreset::parse)
        .unwrap_or_else(|| RolePreset::matching(&held.modules));
    Ok(PermissionSet {
        npis: held.npis,
        correspondence: held.correspondence,
        org_role: OrgRole::parse(&role.org_role),
        preset,
        modules: held.modules,
        position: role.position.unwrap_or_default(),
        position_other: role.position_other.unwrap_or_default(),
    })
}

/// The permissions in words, for the change history.
pub fn describe(set: &PermissionSet, npis: &[NpiOption]) -> String {
    let npi_name = |id: &i64| {
        npis.iter()
            .find(|n| n.provider_id == *id)
            .map(|n| n.npi.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let levels = set
        .npis
        .iter()
        .map(|(id, level)| {
            let level = if *level == NpiLevel::Admin {
                "Admin"
            } else {
                "Processor"
            };
            format!("{} {level}", npi_name(id))
        })
        .collect::<Vec<_>>();
    let correspondence = set
        .correspondence
        .iter()
        .map(|(id, types)| format!("{}: {}", npi_name(id), types.join(", ")))
        .collect::<Vec<_>>();
    let position = if set.position == "Other" {
        format!("Other ({})", set.position_other.trim())
    } else {
        set.position.clone()
    };
    let or_none = |list: Vec<String>, separator: &str| {
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(separator)
        }
    };
    format!(
        "Organization permission: {}; User role: {}; Security settings: {}; Position: {}; NPIs: {}; Correspondence: {}",
        set.org_role.label(),
        set.preset.label(),
        or_none(set.modules.iter().map(|m| m.label().to_string()).collect(), ", "),
        if position.is_empty() { "not set" } else { &position },
        or_none(levels, ", "),
        or_none(correspondence, "; "),
    )
}

const DRAFT: &str = repo::PERMISSION_DRAFT;

fn draft_owner(m: &Member) -> String {
    repo::permission_draft(m.membership_id)
}

/// The wizard as it opens: the saved draft if there is one (resumed at its step), else the
/// user's current permissions; `step` opens a given section ("Edit").
pub async fn wizard(
    Admin { caller, org }: Admin,
    user_id: i64,
    step: Option<usize>,
) -> Result<WizardData, AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let draft = drafts::load::<PermissionSet>(state, DRAFT, &draft_owner(&m)).await?;
    let (set, saved_step) = match draft {
        Some(draft) => (draft.data, draft.step.parse().unwrap_or(0)),
        None => (current_set(state, m.membership_id).await?, 0),
    };
    Ok(WizardData {
        user_id,
        user_name: m.name,
        npis: repo::npis(&mut *state.db.conn().await?, org.organization_id).await?,
        correspondence_types: CORRESPONDENCE_TYPES.iter().map(|t| t.to_string()).collect(),
        set,
        step: step.unwrap_or(saved_step).min(3),
        editing: !m.awaiting_permissions,
    })
}

/// Checks a set against the organization: its NPIs, the known types and modules, the position.
fn validate(set: &mut PermissionSet, npis: &[NpiOption]) -> Result<(), AppError> {
    if set
        .npis
        .keys()
        .any(|id| !npis.iter().any(|n| n.provider_id == *id))
    {
        // An NPI of another organization: as if it did not exist.
        return Err(AppError::NotFound);
    }
    let mut check = Checker::new();
    if set
        .correspondence
        .values()
        .flatten()
        .any(|t| !CORRESPONDENCE_TYPES.contains(&t.as_str()))
    {
        check.add(
            "correspondence",
            "Choose correspondence types from the list.",
        );
    }
    if let Some(modules) = set.preset.modules() {
        set.modules = modules;
    }
    if let Err((field, message)) = check_position(&set.position, &set.position_other) {
        check.add(field, message);
    }
    check.finish()?;
    if set.position != "Other" {
        set.position_other.clear();
    }
    set.prune_correspondence();
    for types in set.correspondence.values_mut() {
        types.sort();
        types.dedup();
    }
    Ok(())
}

/// The wizard's address at a step (3: the confirmation).
fn step_path(user_id: i64, step: usize) -> String {
    format!("/admin/users/{user_id}/permissions?step={step}")
}

/// The draft, or one holding the user's permissions as they are when no draft was kept.
async fn draft_or_current(state: &AppState, m: &Member) -> Result<Draft<PermissionSet>, AppError> {
    let owner = draft_owner(m);
    Ok(match drafts::load(state, DRAFT, &owner).await? {
        Some(draft) => draft,
        None => Draft {
            owner,
            step: "0".into(),
            data: current_set(state, m.membership_id).await?,
            revision: 0,
        },
    })
}

/// Keeps the draft at `step`, over the draft as read; kept until the wizard is finished
/// (another administrator may resume it).
async fn keep(
    state: &AppState,
    caller_id: i64,
    draft: &mut Draft<PermissionSet>,
    step: usize,
) -> Result<(), AppError> {
    draft.step = step.to_string();
    drafts::save_checked(state, DRAFT, draft, Some(caller_id)).await
}

/// One step's form: its part goes into the draft, then the wizard moves to `to` or, for
/// "finish", applies the draft. Answers the address to show next.
///
/// Each step changes only its own section, so a press that crossed another (the
/// correspondence dialog, or another administrator on the same user) runs again on the draft
/// as it is now, and neither loses its part.
pub async fn save_step(
    admin: Admin,
    user_id: i64,
    from: usize,
    to: &str,
    form: WizardStepForm,
) -> Result<String, AppError> {
    let state = &admin.caller.state;
    let m = member(state, admin.org.organization_id, user_id).await?;
    let npis = repo::npis(&mut *state.db.conn().await?, admin.org.organization_id).await?;
    drafts::again_if_changed(|| press_step(&admin, user_id, &m, &npis, from, to, &form)).await
}

#[allow(clippy::too_many_arguments)]
async fn press_step(
    admin: &Admin,
    user_id: i64,
    m: &Member,
    npis: &[NpiOption],
    from: usize,
    to: &str,
    form: &WizardStepForm,
) -> Result<String, AppError> {
    let state = &admin.caller.state;
    let mut draft = draft_or_current(state, m).await?;
    let set = &mut draft.data;
    match from {
        0 => {
            let quick = (!form.quick.is_empty()).then_some(form.quick.as_str());
            let mut levels = std::collections::BTreeMap::new();
            for (key, value) in &form.npi {
                // An id that is not a number cannot be one of the organization's NPIs.
                let id: i64 = key.parse().map_err(|_| AppError::NotFound)?;
                let value = quick.unwrap_or(value);
                if value != "none" {
                    let level = NpiLevel::parse(value).ok_or_else(|| {
                        AppError::field("npi", "Choose Admin, Processor or None.")
                    })?;
                    levels.insert(id, level);
                }
            }
            set.npis = levels;
        }
        2 => {
            set.org_role = OrgRole::parse(&form.org_role);
            (set.preset, set.modules) = RolePreset::resolve(set.preset, form.preset, &form.modules);
            set.position = form.position.clone();
            set.position_other = form.position_other.clone();
        }
        // Step 2's choices are saved by its dialog.
        _ => {}
    }
    let mut valid = set.clone();
    let checked = validate(&mut valid, npis);
    if matches!(checked, Err(AppError::NotFound)) {
        return Err(AppError::NotFound);
    }
    let finishing = to == "finish";
    if checked.is_err() || finishing {
        // What was chosen stays in the draft, on this step, so a refused form shows it again
        // with its error, with or without the browser app.
        keep(state, admin.caller.user_id, &mut draft, from.min(2)).await?;
    }
    checked?;
    if finishing {
        finish(admin, user_id, m, npis, &draft, valid, &form.reason).await?;
        return Ok(step_path(user_id, 3));
    }
    let to: usize = to
        .parse()
        .ok()
        .filter(|step| *step <= 2)
        .ok_or(AppError::NotFound)?;
    draft.data = valid;
    keep(state, admin.caller.user_id, &mut draft, to).await?;
    Ok(step_path(user_id, to))
}

/// "Manage Correspondence Permissions": the chosen types for each chosen NPI the user holds.
pub async fn save_correspondence(
    Admin { caller, org }: Admin,
    user_id: i64,
    providers: Vec<i64>,
    types: Vec<String>,
) -> Result<String, AppError> {
    let state = &caller.state;
    let m = member(state, org.organization_id, user_id).await?;
    let npis = repo::npis(&mut *state.db.conn().await?, org.organization_id).await?;
    drafts::again_if_changed(|| async {
        let mut draft = draft_or_current(state, &m).await?;
        let set = &mut draft.data;
        if providers.iter().any(|id| !set.npis.contains_key(id)) {
            return Err(AppError::field(
                "correspondence",
                "Choose NPIs the user holds (step 1).",
            ));
        }
        for id in &providers {
            set.correspondence.insert(*id, types.clone());
        }
        validate(set, &npis)?;
        // The dialog is on step 2 (1 from 0); a "Next" that crossed it keeps the wizard on.
        let step = draft.step.parse().unwrap_or(0).max(1);
        keep(state, caller.user_id, &mut draft, step).await
    })
    .await?;
    Ok(step_path(user_id, 1))
}

/// Applies a validated `set` to the member `m` (as `save_step` loaded them with `npis`) and
/// ends the `draft` it came from, if no other press has changed that meanwhile.
async fn finish(
    Admin { caller, org }: &Admin,
    user_id: i64,
    m: &Member,
    npis: &[NpiOption],
    draft: &Draft<PermissionSet>,
    set: PermissionSet,
    reason: &str,
) -> Result<(), AppError> {
    let state = &caller.state;
    let before = current_set(state, m.membership_id).await?;
    let reason = reason.trim().to_string();
    if !m.awaiting_permissions && set.role_changed(&before) && reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Enter the reason for this change.",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "Use at most 500 characters."));
    }
    let now = state.clock.unix();
    let mut tx = memberships::lock_organization(&state.db, org.organization_id).await?;
    if before.org_role == OrgRole::Admin
        && set.org_role != OrgRole::Admin
        && m.status == "active"
        && memberships::last_admin(&mut tx, org.organization_id, user_id).await?
    {
        return Err(AppError::field("org_role", LAST_ADMIN));
    }
    let granted = grants::Grants {
        npis: set.npis.clone(),
        correspondence: set.correspondence.clone(),
        modules: set.modules.clone(),
    };
    grants::replace(&mut tx, m.membership_id, &granted).await?;
    let role = repo::Role {
        org_role: set.org_role.as_str().to_string(),
        role_preset: Some(set.preset.label().to_string()),
        position: (!set.position.is_empty()).then(|| set.position.clone()),
        position_other: (!set.position_other.is_empty()).then(|| set.position_other.clone()),
    };
    repo::set_role(&mut tx, now, m.membership_id, &role).await?;
    drafts::finish_unchanged(&mut tx, DRAFT, draft).await?;
    let before = if m.awaiting_permissions {
        String::new()
    } else {
        describe(&before, npis)
    };
    record_change(
        &mut tx,
        now,
        org.organization_id,
        user_id,
        Some(caller.user_id),
        "permission.change",
        &before,
        &describe(&set, npis),
        &reason,
        caller.ip.clone(),
    )
    .await?;
    // Sessions read permissions on every request, so the change applies at once.
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::permissions::Module;

    #[test]
    fn a_preset_sets_its_modules_and_other_needs_text() {
        let npis = vec![NpiOption {
            provider_id: 1,
            npi: "1234567893".into(),
            name: "A".into(),
        }];
        let mut set = PermissionSet {
            preset: RolePreset::EligibilityViewer,
            modules: vec![Module::Roster],
            ..Default::default()
        };
        validate(&mut set, &npis).unwrap();
        assert_eq!(set.modules, vec![Module::Eligibility]);
        set.position = "Other".into();
        assert_eq!(
            validate(&mut set, &npis)
                .unwrap_err()
                .field_messages("position_other"),
            vec!["Enter the position."]
        );
        let mut foreign = PermissionSet::default();
        foreign.npis.insert(2, NpiLevel::Admin);
        assert_eq!(validate(&mut foreign, &npis), Err(AppError::NotFound));
    }
}
