//! Affiliations, each query scoped to the member's organization (as provider or submitter).

use crate::ssr::repo::Conn;

#[derive(sqlx::FromRow)]
pub struct AffiliationRow {
    pub id: i64,
    pub status: String,
    pub other_name: String,
    pub other_city: String,
    pub submitter_id: Option<String>,
    pub requested_at: i64,
    pub submitter_signer: String,
    pub decided_at: Option<i64>,
}

/// The organization's affiliations that are pending or active, as provider or submitter.
pub async fn open(
    conn: &mut Conn,
    organization_id: i64,
    as_provider: bool,
) -> Result<Vec<AffiliationRow>, sqlx::Error> {
    let (mine, theirs) = if as_provider {
        ("provider_organization_id", "submitter_organization_id")
    } else {
        ("submitter_organization_id", "provider_organization_id")
    };
    sqlx::query_as(&format!(
        "SELECT a.id, a.status, o.name AS other_name, o.city AS other_city, o.submitter_id, a.requested_at, \
         a.submitter_signer, a.decided_at FROM affiliations a JOIN organizations o ON o.id = a.{theirs} \
         WHERE a.{mine} = $1 AND a.status IN ('pending', 'active') ORDER BY o.name"
    ))
    .bind(organization_id)
    .fetch_all(conn)
    .await
}

/// Registered submitters listed in the directory.
pub async fn directory(
    conn: &mut Conn,
) -> Result<Vec<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, city, submitter_id FROM organizations \
         WHERE kind = 'submitter' AND registered_at IS NOT NULL AND directory_hidden = 0 ORDER BY name",
    )
    .fetch_all(conn)
    .await
}

pub async fn directory_hidden(conn: &mut Conn, organization_id: i64) -> Result<bool, sqlx::Error> {
    let hidden: i64 =
        sqlx::query_scalar("SELECT directory_hidden FROM organizations WHERE id = $1")
            .bind(organization_id)
            .fetch_one(conn)
            .await?;
    Ok(hidden == 1)
}

pub async fn set_directory_hidden(
    conn: &mut Conn,
    organization_id: i64,
    hidden: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE organizations SET directory_hidden = $2 WHERE id = $1")
        .bind(organization_id)
        .bind(i64::from(hidden))
        .execute(conn)
        .await?;
    Ok(())
}

/// The registered provider office with this NPI and tax ID, if any: (id, name).
pub async fn provider_office(
    conn: &mut Conn,
    npi: &str,
    tax_id: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.name FROM organizations o JOIN providers p ON p.organization_id = o.id \
         WHERE p.npi = $1 AND o.tax_id = $2 AND o.kind = 'provider' AND o.registered_at IS NOT NULL LIMIT 1",
    )
    .bind(npi)
    .bind(tax_id)
    .fetch_optional(conn)
    .await
}

pub struct NewRequest<'a> {
    pub provider_organization_id: i64,
    pub submitter_organization_id: i64,
    pub requested_by: i64,
    pub signer: &'a str,
    pub role: &'a str,
    pub now: i64,
}

/// Adds a pending request; `None` when the pair already has one open.
pub async fn request(conn: &mut Conn, new: NewRequest<'_>) -> Result<Option<i64>, sqlx::Error> {
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM affiliations WHERE provider_organization_id = $1 AND submitter_organization_id = $2 \
         AND status IN ('pending', 'active')",
    )
    .bind(new.provider_organization_id)
    .bind(new.submitter_organization_id)
    .fetch_optional(&mut *conn)
    .await?;
    if open.is_some() {
        return Ok(None);
    }
    sqlx::query_scalar(
        "INSERT INTO affiliations (provider_organization_id, submitter_organization_id, status, requested_by, \
         requested_at, submitter_signer, submitter_role) VALUES ($1, $2, 'pending', $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.provider_organization_id)
    .bind(new.submitter_organization_id)
    .bind(new.requested_by)
    .bind(new.now)
    .bind(new.signer)
    .bind(new.role)
    .fetch_one(conn)
    .await
    .map(Some)
}

/// Decides a pending request made to the provider office: approved with the provider's
/// signature, or denied. Answers the submitter organization's id, or `None` when there is no
/// such pending request for this office.
pub async fn decide(
    conn: &mut Conn,
    provider_organization_id: i64,
    id: i64,
    decision: Option<(&str, &str)>,
    decided_by: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let (status, signer, role) = match decision {
        Some((signer, role)) => ("active", Some(signer), Some(role)),
        None => ("denied", None, None),
    };
    sqlx::query_scalar(
        "UPDATE affiliations SET status = $3, provider_signer = $4, provider_role = $5, decided_by = $6, decided_at = $7 \
         WHERE id = $1 AND provider_organization_id = $2 AND status = 'pending' RETURNING submitter_organization_id",
    )
    .bind(id)
    .bind(provider_organization_id)
    .bind(status)
    .bind(signer)
    .bind(role)
    .bind(decided_by)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// The submitters actively affiliated with the office: (organization id, name).
pub async fn active_submitters(
    conn: &mut Conn,
    provider_organization_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT o.id, o.name FROM affiliations a JOIN organizations o ON o.id = a.submitter_organization_id \
         WHERE a.provider_organization_id = $1 AND a.status = 'active' ORDER BY o.name",
    )
    .bind(provider_organization_id)
    .fetch_all(conn)
    .await
}

/// The submitter receiving the NPI's 835, if any.
pub async fn receiver(conn: &mut Conn, provider_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT submitter_organization_id FROM npi_835_receivers WHERE provider_id = $1",
    )
    .bind(provider_id)
    .fetch_optional(conn)
    .await
}

pub async fn set_receiver(
    conn: &mut Conn,
    provider_id: i64,
    submitter: Option<i64>,
    set_by: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    match submitter {
        None => {
            sqlx::query("DELETE FROM npi_835_receivers WHERE provider_id = $1")
                .bind(provider_id)
                .execute(conn)
                .await?;
        }
        Some(submitter) => {
            sqlx::query(
                "INSERT INTO npi_835_receivers (provider_id, submitter_organization_id, set_by, set_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (provider_id) DO UPDATE SET submitter_organization_id = excluded.submitter_organization_id, \
                 set_by = excluded.set_by, set_at = excluded.set_at",
            )
            .bind(provider_id)
            .bind(submitter)
            .bind(set_by)
            .bind(now)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}
