//! The permission model shared by the screens and the server (DESIGN.md, "Permission model").

use serde::{Deserialize, Serialize};

/// "Permissions Across Organization".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgRole {
    Admin,
    Processor,
    None,
}

impl OrgRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Admin => "admin",
            OrgRole::Processor => "processor",
            OrgRole::None => "none",
        }
    }

    pub fn parse(value: &str) -> OrgRole {
        match value {
            "admin" => OrgRole::Admin,
            "processor" => OrgRole::Processor,
            _ => OrgRole::None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgRole::Admin => "Admin",
            OrgRole::Processor => "Processor",
            OrgRole::None => "None",
        }
    }
}

/// Permission on one NPI; no row means "None".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NpiLevel {
    Admin,
    Processor,
}

impl NpiLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            NpiLevel::Admin => "admin",
            NpiLevel::Processor => "processor",
        }
    }

    /// As screens show it.
    pub fn label(self) -> &'static str {
        match self {
            NpiLevel::Admin => "Admin",
            NpiLevel::Processor => "Processor",
        }
    }

    pub fn parse(value: &str) -> Option<NpiLevel> {
        match value {
            "admin" => Some(NpiLevel::Admin),
            "processor" => Some(NpiLevel::Processor),
            _ => None,
        }
    }
}

/// Module access (the guides' "security settings").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Module {
    Eligibility,
    Claims,
    Disputes,
    ReferralsView,
    ReferralsSubmit,
    Roster,
    Reports,
    Attestations,
}

impl Module {
    pub const ALL: [Module; 8] = [
        Module::Eligibility,
        Module::Claims,
        Module::Disputes,
        Module::ReferralsView,
        Module::ReferralsSubmit,
        Module::Roster,
        Module::Reports,
        Module::Attestations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Module::Eligibility => "eligibility",
            Module::Claims => "claims",
            Module::Disputes => "disputes",
            Module::ReferralsView => "referrals_view",
            Module::ReferralsSubmit => "referrals_submit",
            Module::Roster => "roster",
            Module::Reports => "reports",
            Module::Attestations => "attestations",
        }
    }

    pub fn parse(value: &str) -> Option<Module> {
        Module::ALL.into_iter().find(|m| m.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Module::Eligibility => "Eligibility",
            Module::Claims => "Claims",
            Module::Disputes => "Disputes",
            Module::ReferralsView => "Referrals — view",
            Module::ReferralsSubmit => "Referrals — submit",
            Module::Roster => "Roster",
            Module::Reports => "Reports",
            Module::Attestations => "Attestations",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgKind {
    Provider,
    Submitter,
    Network,
}

impl OrgKind {
    pub fn parse(value: &str) -> OrgKind {
        match value {
            "submitter" => OrgKind::Submitter,
            "network" => OrgKind::Network,
            _ => OrgKind::Provider,
        }
    }
}

/// The guides' "User Role": a named set of module access ("security settings").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum RolePreset {
    EligibilityViewer,
    ClaimsViewer,
    Pcp,
    LocalOfficeAdministrator,
    #[default]
    CustomSetup,
}

impl RolePreset {
    pub const ALL: [RolePreset; 5] = [
        RolePreset::EligibilityViewer,
        RolePreset::ClaimsViewer,
        RolePreset::Pcp,
        RolePreset::LocalOfficeAdministrator,
        RolePreset::CustomSetup,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RolePreset::EligibilityViewer => "Eligibility Viewer",
            RolePreset::ClaimsViewer => "Claims Viewer",
            RolePreset::Pcp => "PCP",
            RolePreset::LocalOfficeAdministrator => "Local Office Administrator",
            RolePreset::CustomSetup => "Custom Setup",
        }
    }

    /// Stored as its label, as the demo data and the guides name it.
    pub fn parse(value: &str) -> Option<RolePreset> {
        RolePreset::ALL.into_iter().find(|p| p.label() == value)
    }

    /// The modules the role grants; Custom Setup grants what the administrator ticks.
    pub fn modules(self) -> Option<Vec<Module>> {
        use Module::*;
        match self {
            RolePreset::EligibilityViewer => Some(vec![Eligibility]),
            RolePreset::ClaimsViewer => Some(vec![Eligibility, Claims, Disputes]),
            RolePreset::Pcp => Some(vec![
                Eligibility,
                Claims,
                Disputes,
                ReferralsView,
                ReferralsSubmit,
                Roster,
                Reports,
            ]),
            RolePreset::LocalOfficeAdministrator => Some(Module::ALL.to_vec()),
            RolePreset::CustomSetup => None,
        }
    }

    /// What a posted role and its ticked modules come to. A preset newly chosen grants its
    /// modules (before the browser app runs, the boxes do not follow the role on screen); boxes
    /// that differ from the role's make a Custom Setup with what was ticked.
    pub fn resolve(
        previous: RolePreset,
        chosen: RolePreset,
        ticked: &[Module],
    ) -> (RolePreset, Vec<Module>) {
        let ticked: Vec<Module> = Module::ALL
            .into_iter()
            .filter(|m| ticked.contains(m))
            .collect();
        match chosen.modules() {
            Some(granted) if chosen != previous => (chosen, granted),
            Some(granted)
                if granted.iter().all(|m| ticked.contains(m)) && granted.len() == ticked.len() =>
            {
                (chosen, granted)
            }
            _ => (RolePreset::CustomSetup, ticked),
        }
    }

    /// The preset whose modules are exactly these, else Custom Setup.
    pub fn matching(modules: &[Module]) -> RolePreset {
        RolePreset::ALL
            .into_iter()
            .find(|p| {
                p.modules().is_some_and(|m| {
                    m.len() == modules.len() && m.iter().all(|x| modules.contains(x))
                })
            })
            .unwrap_or(RolePreset::CustomSetup)
    }
}

/// The user's position in the office; "Other" needs a description.
pub const POSITIONS: [&str; 7] = [
    "Medical Assistant",
    "Physician",
    "Referral Coordinator",
    "Physician Assistant",
    "Nurse Practitioner",
    "Nurse",
    "Other",
];

/// Checks a position and its "Other" text: the message for the field at fault.
pub fn check_position(position: &str, other: &str) -> Result<(), (&'static str, &'static str)> {
    if !position.is_empty() && !POSITIONS.contains(&position) {
        return Err(("position", "Choose a position from the list."));
    }
    if position == "Other" && other.trim().is_empty() {
        return Err(("position_other", "Enter the position."));
    }
    if other.chars().count() > 100 {
        return Err(("position_other", "Use at most 100 characters."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_role_grants_its_modules_and_hand_ticked_boxes_make_a_custom_setup() {
        use Module::*;
        let viewer = RolePreset::EligibilityViewer;
        // Chosen without the boxes following (no browser app): the role's modules.
        assert_eq!(
            RolePreset::resolve(RolePreset::CustomSetup, RolePreset::ClaimsViewer, &[Roster]),
            (
                RolePreset::ClaimsViewer,
                vec![Eligibility, Claims, Disputes]
            )
        );
        // The same role, boxes as it grants them.
        assert_eq!(
            RolePreset::resolve(viewer, viewer, &[Eligibility]),
            (viewer, vec![Eligibility])
        );
        // The same role, boxes changed by hand: Custom Setup, in the modules' order.
        assert_eq!(
            RolePreset::resolve(viewer, viewer, &[Roster, Eligibility, Roster]),
            (RolePreset::CustomSetup, vec![Eligibility, Roster])
        );
        assert_eq!(
            RolePreset::resolve(RolePreset::CustomSetup, RolePreset::CustomSetup, &[]),
            (RolePreset::CustomSetup, vec![])
        );
    }

    #[test]
    fn presets_grant_their_modules_and_are_recognized() {
        assert_eq!(
            RolePreset::LocalOfficeAdministrator
                .modules()
                .unwrap()
                .len(),
            8
        );
        for preset in RolePreset::ALL {
            assert_eq!(RolePreset::parse(preset.label()), Some(preset));
            if let Some(modules) = preset.modules() {
                assert_eq!(RolePreset::matching(&modules), preset);
            }
        }
        assert_eq!(
            RolePreset::matching(&[Module::Roster]),
            RolePreset::CustomSetup
        );
    }

    #[test]
    fn other_position_needs_text() {
        assert!(check_position("Nurse", "").is_ok());
        assert!(check_position("", "").is_ok());
        assert_eq!(
            check_position("Other", " ").unwrap_err().0,
            "position_other"
        );
        assert_eq!(check_position("Pilot", "").unwrap_err().0, "position");
        assert!(check_position("Other", "Office Manager").is_ok());
    }
}
