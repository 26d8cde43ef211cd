//! "Go Paperless": an Org Admin enrolls the organization, and from then on its letters (PIN
//! letters now; correspondence as it is published) go to the Correspondence Center instead
//! of the post.

use crate::auth::{PageAccess, Require};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{action_error, page_resource, ErrorSummary};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paperless {
    /// MM/DD/YYYY of the enrollment, if enrolled.
    pub since: Option<String>,
    pub may_enroll: bool,
}

#[server(endpoint = "paperless")]
pub async fn paperless_status() -> Result<Paperless, AppError> {
    let member = require(Access::ORG_MEMBER).await?;
    let mut conn = member.state.db.conn().await?;
    let since =
        crate::ssr::repo::organizations::paperless_since(&mut conn, member.organization_id())
            .await?;
    Ok(Paperless {
        since: since.map(|at| member.state.settings.calendar.format_date(at)),
        may_enroll: member.org.role == crate::domain::permissions::OrgRole::Admin,
    })
}

/// "Enroll Now": once; answers the address to show next.
#[server(endpoint = "paperless/enroll")]
pub async fn enroll_paperless() -> Result<String, AppError> {
    let admin = require(Access::ORG_ADMIN).await?;
    let now = admin.state.clock.unix();
    let organization_id = admin.organization_id();
    let mut tx = admin.state.db.begin().await?;
    if crate::ssr::repo::organizations::enroll_paperless(&mut tx, organization_id, now).await? {
        admin
            .audit(
                "organization.paperless",
                format!("organization:{organization_id}"),
            )
            .record_in(&mut tx)
            .await?;
    }
    tx.commit().await?;
    Ok(crate::ssr::follow("/paperless?done=enrolled"))
}

#[component]
pub fn PaperlessPage() -> impl IntoView {
    let status = page_resource(|| (), |_| paperless_status());
    let enroll = ServerAction::<EnrollPaperless>::new();
    let error = action_error(enroll);
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(next)) = enroll.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            status.refetch();
        }
    });
    let query = use_query_map();
    let enrolled_now = move || query.read().get("done").as_deref() == Some("enrolled");
    view! {
        <Require access=PageAccess::Member>
            <div class="narrow">
                <h1>"Go Paperless"</h1>
                <p>"Receive your organization's letters — PIN letters, notices and remittance advice — in the Correspondence Center instead of by mail, and be notified when one arrives."</p>
                <Show when=enrolled_now>
                    <p class="notice" role="status">"Your organization is successfully enrolled in paperless correspondence."</p>
                </Show>
                <ErrorSummary error />
                <Suspense>
                    {Suspend::new(async move {
                        match status.await {
                            Ok(Paperless { since: Some(since), .. }) => view! {
                                <p>{format!("Paperless since {since}.")}</p>
                            }.into_any(),
                            Ok(Paperless { since: None, may_enroll: true }) => view! {
                                <ActionForm action=enroll>
                                    <button type="submit" class="button primary">"Enroll Now"</button>
                                </ActionForm>
                            }.into_any(),
                            Ok(Paperless { since: None, may_enroll: false }) => view! {
                                <p>"Your organization's administrator can enroll it."</p>
                            }.into_any(),
                            Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                        }
                    })}
                </Suspense>
                <p><a href="/">"Back to Dashboard"</a></p>
            </div>
        </Require>
    }
}
