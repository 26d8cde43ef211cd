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
