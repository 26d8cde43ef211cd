//! "Affiliations" (guide 000 §14–15): the relationships between provider offices and the
//! submitters (billing agents) who send their transactions. A submitter asks with the office's
//! NPI and tax ID and signs the "Submitter and Provider Affiliation Agreement"; the office's
//! Org Admin approves (signing it too) or denies; the submitter's admins are told either way.
//! Each NPI's Admin then picks which affiliated submitter receives its 835 remittance.

#[cfg(feature = "ssr")]
mod repo;
mod view;

#[cfg(feature = "ssr")]
use crate::domain::permissions::NpiLevel;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use view::{AffiliationsPage, Receivers835};

pub const AGREEMENT_TITLE: &str = "Submitter and Provider Affiliation Agreement";
/// The signer's "Role".
pub const SIGNER_ROLES: [&str; 5] = [
    "Owner",
    "Officer",
    "Director",
    "Office Manager",
    "Authorized Representative",
];
/// The agreement's terms, as the signer reads them.
pub const AGREEMENT_TERMS: [&str; 3] = [
    "The submitter sends transactions for the provider only as the provider authorizes, and keeps the provider's and members' information confidential as the law requires.",
    "The provider remains responsible for the claims submitted on its behalf and tells the plan when the affiliation ends.",
    "Either party may end the affiliation; the plan may end it when either no longer meets the program's requirements.",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affiliation {
    pub id: i64,
    /// The other party: the submitter for an office, the office for a submitter.
    pub organization: String,
    pub city: String,
    pub submitter_id: Option<String>,
    /// MM/DD/YYYY.
    pub requested: String,
    pub signed_by: String,
    pub active: bool,
    /// MM/DD/YYYY the office approved it.
    pub since: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// The office is a provider (it approves); otherwise a submitter (it asks).
    pub provider: bool,
    pub pending: Vec<Affiliation>,
    pub affiliated: Vec<Affiliation>,
    /// (name, city, submitter ID).
    pub directory: Vec<(String, String, Option<String>)>,
    /// A submitter kept out of the directory.
    pub hidden: bool,
}

/// The agreement as a signer fills it in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signing {
    #[serde(default)]
    pub confirm: bool,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub role: String,
}

impl Signing {
    /// "First Last" and the role; every missing piece named at its field.
    pub fn check(&self) -> Result<(String, String), AppError> {
        let mut check = crate::error::Checker::new();
        if !self.confirm {
            check.add(
                "confirm",
                "Confirm that you are eligible to sign this agreement.",
            );
        }
        crate::domain::check_names(
            &mut check,
            &self.first_name,
            &self.last_name,
            crate::domain::Whose::Own,
        );
        if !SIGNER_ROLES.contains(&self.role.as_str()) {
            check.add("role", "Choose your Role.");
        }
        check.finish()?;
        Ok((
            format!("{} {}", self.first_name.trim(), self.last_name.trim()),
            self.role.clone(),
        ))
    }
}

#[server(endpoint = "affiliations")]
pub async fn load_affiliations() -> Result<Overview, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::overview(&admin).await
}

/// "New Provider Affiliation Request", first step: the office the NPI and tax ID name.
#[server(endpoint = "affiliations/find")]
pub async fn find_provider_office(npi: String, tax_id: String) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::find(&admin, &npi, &tax_id).await.map(|(_, name)| name)
}

/// The submitter signs and sends the request.
#[server(endpoint = "affiliations/request")]
pub async fn request_affiliation(
    npi: String,
    tax_id: String,
    signing: Signing,
) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::request(&admin, &npi, &tax_id, &signing).await?;
    Ok(crate::ssr::follow("/affiliations?done=requested"))
}

#[server(endpoint = "affiliations/approve")]
pub async fn approve_affiliation(id: i64, signing: Signing) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::decide(&admin, id, Some(&signing)).await?;
    Ok(crate::ssr::follow("/affiliations?done=approved"))
}

#[server(endpoint = "affiliations/deny")]
pub async fn deny_affiliation(id: i64) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::decide(&admin, id, None).await?;
    Ok(crate::ssr::follow("/affiliations?done=denied"))
}

/// A submitter shows itself in the Submitter Directory, or not.
#[server(endpoint = "affiliations/directory")]
pub async fn set_directory_listing(listed: bool) -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    ssr::set_listing(&admin, listed).await?;
    Ok(crate::ssr::follow("/affiliations?done=listing#directory"))
}

/// The NPI's 835 receiver choices: (organization id, name), and the one chosen.
pub type Receivers835Choices = Result<(Vec<(i64, String)>, Option<i64>), AppError>;

/// The NPI's 835 receiver choices.
#[server(endpoint = "npis/835-receivers")]
pub async fn receivers_835(npi: String) -> Receivers835Choices {
    let scope = require(Access::npi(npi, NpiLevel::Processor)).await?;
    ssr::receivers(&scope).await
}

/// Saves the NPI's 835 receiver (0: none, the provider receives its own): an NPI Admin's
/// choice among the actively affiliated submitters; audited.
#[server(endpoint = "npis/835-receivers/save")]
pub async fn save_835_receiver(npi: String, receiver: i64) -> Result<String, AppError> {
    let scope = require(Access::npi(npi, NpiLevel::Admin)).await?;
    ssr::save_receiver(&scope, receiver).await?;
    Ok(crate::ssr::follow(&format!(
        "/npis/{}?done=receiver#receivers-835",
        scope.npi
    )))
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::domain::permissions::OrgKind;
    use crate::domain::{Npi, TaxId};
    use crate::ssr::guard::{Admin, NpiScope};
    use crate::ssr::repo::notifications::{self, Notice};

    fn listing(rows: Vec<repo::AffiliationRow>, cal: &crate::domain::Calendar) -> Vec<Affiliation> {
        rows.into_iter()
            .map(|r| Affiliation {
                id: r.id,
                organization: r.other_name,
                city: r.other_city,
                submitter_id: r.submitter_id,
                requested: cal.format_date(r.requested_at),
                signed_by: r.submitter_signer,
                active: r.status == "active",
                since: r.decided_at.map(|at| cal.format_date(at)),
            })
            .collect()
    }

    pub async fn overview(Admin { caller, org }: &Admin) -> Result<Overview, AppError> {
        let provider = org.kind == OrgKind::Provider;
        let mut conn = caller.state.db.conn().await?;
        let rows = repo::open(&mut conn, org.organization_id, provider).await?;
        let (affiliated, pending): (Vec<_>, Vec<_>) =
            listing(rows, &caller.state.settings.calendar)
                .into_iter()
                .partition(|a| a.active);
        Ok(Overview {
            provider,
            pending,
            affiliated,
            directory: repo::directory(&mut conn).await?,
            hidden: !provider && repo::directory_hidden(&mut conn, org.organization_id).await?,
        })
    }

    /// A registered office by one of its NPIs and its tax ID; both must match, so nobody
    /// learns which NPIs an office has from the NPI alone.
    pub async fn find(
        Admin { caller, org }: &Admin,
        npi: &str,
        tax_id: &str,
    ) -> Result<(i64, String), AppError> {
        if org.kind != OrgKind::Submitter {
            return Err(AppError::field(
                "form",
                "Only a submitter organization asks providers for affiliations.",
            ));
        }
        let mut check = crate::error::Checker::new();
        let npi = check.check("npi", Npi::parse(npi));
        let tax_id = check.check("tax_id", TaxId::parse(tax_id));
        check.finish()?;
        let (npi, tax_id) = (
            npi.ok_or(AppError::Internal)?,
            tax_id.ok_or(AppError::Internal)?,
        );
        repo::provider_office(
            &mut *caller.state.db.conn().await?,
            npi.as_str(),
            tax_id.as_str(),
        )
        .await?
        .ok_or_else(|| {
            AppError::field(
                "npi",
                "No registered provider office has this NPI and Tax ID.",
            )
        })
    }

    pub async fn request(
        admin: &Admin,
        npi: &str,
        tax_id: &str,
        signing: &Signing,
    ) -> Result<String, AppError> {
        // The office was found at the first step; what is wrong now is said above the form.
        let (office_id, office) = find(admin, npi, tax_id).await.map_err(|e| match e {
            AppError::Validation(_) => AppError::field("form", e.sentence()),
            other => other,
        })?;
        let (signer, role) = signing.check()?;
        let Admin { caller, org } = admin;
        let state = &caller.state;
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        let id = repo::request(
            &mut tx,
            repo::NewRequest {
                provider_organization_id: office_id,
                submitter_organization_id: org.organization_id,
                requested_by: caller.user_id,
                signer: &signer,
                role: &role,
                now,
            },
        )
        .await?
        .ok_or_else(|| {
            AppError::field(
                "form",
                format!("Your organization already has an affiliation or a request with {office}."),
            )
        })?;
        caller
            .audit("affiliation.request", format!("affiliation:{id}"))
            .detail(format!(
                "{} with {office}, signed by {signer} ({role})",
                AGREEMENT_TITLE
            ))
            .record_in(&mut tx)
            .await?;
        let body = format!("{} asks to submit transactions for your office. Approve or deny it under Submitter Management.", org.name);
        notifications::to_admins(
            &mut tx,
            now,
            office_id,
            None,
            Notice {
                kind: "affiliation",
                title: "New affiliation request",
                body: &body,
                link: "/affiliations",
            },
        )
        .await?;
        tx.commit().await?;
        Ok(office)
    }

    pub async fn decide(
        Admin { caller, org }: &Admin,
        id: i64,
        signing: Option<&Signing>,
    ) -> Result<(), AppError> {
        if org.kind != OrgKind::Provider {
            // Requests are decided by the office they were made to: a submitter has none.
            return Err(AppError::NotFound);
        }
        let signed = signing.map(Signing::check).transpose()?;
        let state = &caller.state;
        let now = state.clock.unix();
        let mut tx = state.db.begin().await?;
        let decision = signed.as_ref().map(|(s, r)| (s.as_str(), r.as_str()));
        let submitter = repo::decide(
            &mut tx,
            org.organization_id,
            id,
            decision,
            caller.user_id,
            now,
        )
        .await?
        .ok_or(AppError::NotFound)?;
        let (action, title, body) = match &signed {
            Some((signer, role)) => (
                "affiliation.approve",
                "Affiliation approved",
                format!("{} approved your affiliation request; {signer} ({role}) signed the {AGREEMENT_TITLE}.", org.name),
            ),
            None => ("affiliation.deny", "Affiliation denied", format!("{} denied your affiliation request.", org.name)),
        };
        caller
            .audit(action, format!("affiliation:{id}"))
            .org(Some(org.organization_id))
            .record_in(&mut tx)
            .await?;
        notifications::to_admins(
            &mut tx,
            now,
            submitter,
            None,
            Notice {
                kind: "affiliation",
                title,
                body: &body,
                link: "/affiliations",
            },
        )
        .await?;
        tx.commit().await?;
        // The guide's status email goes to the submitter's admins as well.
        let admins =
            crate::ssr::repo::memberships::admin_emails(&mut *state.db.conn().await?, submitter)
                .await?;
        for to in admins {
            let message = crate::ssr::messages::status_notice(
                &state.settings.program_name,
                title,
                &body,
                "See your affiliations",
                state.settings.link("/affiliations"),
            );
            crate::ssr::outbox::email(&state.db, &state.settings, now, &to, message).await?;
        }
        Ok(())
    }

    pub async fn set_listing(Admin { caller, org }: &Admin, listed: bool) -> Result<(), AppError> {
        if org.kind != OrgKind::Submitter {
            return Err(AppError::field(
                "form",
                "Only submitter organizations are listed in the Submitter Directory.",
            ));
        }
        let mut tx = caller.state.db.begin().await?;
        repo::set_directory_hidden(&mut tx, org.organization_id, !listed).await?;
        caller
            .audit(
                "affiliation.directory_listing",
                format!("organization:{}", org.organization_id),
            )
            .detail(if listed { "listed" } else { "hidden" })
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn receivers(
        scope: &NpiScope,
    ) -> Result<(Vec<(i64, String)>, Option<i64>), AppError> {
        let mut conn = scope.member.state.db.conn().await?;
        let choices = repo::active_submitters(&mut conn, scope.member.organization_id()).await?;
        let chosen = repo::receiver(&mut conn, scope.provider_id).await?;
        Ok((choices, chosen))
    }

    pub async fn save_receiver(scope: &NpiScope, receiver: i64) -> Result<(), AppError> {
        let state = &scope.member.state;
        let (choices, _) = receivers(scope).await?;
        let chosen = match receiver {
            0 => None,
            id if choices.iter().any(|(c, _)| *c == id) => Some(id),
            _ => {
                return Err(AppError::field(
                    "receiver",
                    "Choose one of your affiliated submitters.",
                ))
            }
        };
        let mut tx = state.db.begin().await?;
        repo::set_receiver(
            &mut tx,
            scope.provider_id,
            chosen,
            scope.member.user_id,
            state.clock.unix(),
        )
        .await?;
        let name = choices
            .iter()
            .find(|(c, _)| Some(*c) == chosen)
            .map_or("the provider itself", |(_, n)| n.as_str());
        scope
            .member
            .audit(
                "npi.835_receiver",
                format!("provider:{}", scope.provider_id),
            )
            .detail(format!("835 for NPI {} to {name}", scope.npi))
            .record_in(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agreement_needs_the_confirmation_both_names_and_a_role() {
        let empty = Signing::default().check().unwrap_err();
        for field in ["confirm", "first_name", "last_name", "role"] {
            assert_eq!(empty.field_messages(field).len(), 1, "{field}");
        }
        let signed = Signing {
            confirm: true,
            first_name: " Vera ".into(),
            last_name: "Lin".into(),
            role: "Office Manager".into(),
        };
        assert_eq!(
            signed.check().unwrap(),
            ("Vera Lin".to_string(), "Office Manager".to_string())
        );
    }
}
