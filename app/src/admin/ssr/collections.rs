//! The "Collection Manager": every office where the caller is an active Org Admin — one for a
//! Local Office Administrator, several for an Enterprise Admin — searched together.

use super::repo;
use crate::admin::collections::{CollectionData, CollectionProvider, CollectionUser};
use crate::domain::permissions::OrgRole;
use crate::error::AppError;
use crate::ssr::guard::{self, Admin};

pub async fn manager(
    Admin { caller, .. }: Admin,
    providers: String,
    tin: String,
    users: String,
    status: String,
    role: String,
) -> Result<CollectionData, AppError> {
    let mut conn = caller.state.db.conn().await?;
    let offices = repo::administered_offices(&mut conn, caller.user_id).await?;
    // An office whose verification lapsed is out of reach until the plan reinstates it.
    let mut open = Vec::new();
    for office in offices {
        let access = guard::org_access(&caller.state, caller.user_id, office.0).await?;
        if access.is_some_and(|a| a.role == OrgRole::Admin && !a.lapsed) {
            open.push(office);
        }
    }
    let mut tins: Vec<String> = open.iter().map(|o| o.2.clone()).collect();
    tins.sort();
    tins.dedup();
    let mut data = CollectionData {
        tins,
        providers: Vec::new(),
        users: Vec::new(),
    };
    for (office_id, office, office_tin) in &open {
        if tin.is_empty() || *office_tin == tin {
            for (name, npi) in repo::office_providers(&mut conn, *office_id, &providers).await? {
                data.providers.push(CollectionProvider {
                    name,
                    npi,
                    tin: office_tin.clone(),
                    organization: office.clone(),
                });
            }
        }
        for u in repo::office_users(&mut conn, *office_id, &status, &role, &users).await? {
            data.users.push(CollectionUser {
                name: format!("{} {}", u.first_name, u.last_name),
                email: u.email,
                role: OrgRole::parse(&u.org_role).label().into(),
                status: if u.status == "active" {
                    "Active"
                } else {
                    "Deactivated"
                }
                .into(),
                organization: office.clone(),
            });
        }
    }
    Ok(data)
}
