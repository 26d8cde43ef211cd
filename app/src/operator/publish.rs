//! "Publish Correspondence": plan staff make a document from the plan's data for one NPI
//! (a welcome letter, the last payment cycle's remittance advice, last year's 1099-MISC); it
//! lands in the NPI's Correspondence Center and everyone who may read it is notified.

use super::Outcome;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::guard::{require, Access};
use crate::ui::{action_error, field_errors, ErrorSummary, Field, Select};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// What can be published: (value, label).
pub const DOCUMENTS: [(&str, &str); 3] = [
    (
        "remittance",
        "Remittance Advice (the last 14 days' payments)",
    ),
    ("welcome", "Provider Welcome Letter"),
    ("1099", "Form 1099-MISC (last tax year)"),
];
/// Days of payments one remittance advice covers: the plan's payment cycle.
#[cfg(feature = "ssr")]
pub const PAYMENT_CYCLE_DAYS: i64 = 14;

#[server(endpoint = "operator/publish")]
pub async fn publish_correspondence(npi: String, document: String) -> Result<String, AppError> {
    let operator = require(Access::OPERATOR).await?;
    let published = ssr::publish(&operator, npi.trim(), &document).await?;
    Ok(super::outcome("published", &published))
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::correspondence::publish;
    use crate::domain::Npi;
    use crate::ssr::guard::Operator;
    use jiff::ToSpan;

    /// The days a remittance advice published `today` covers.
    pub fn payment_cycle(today: jiff::civil::Date) -> (jiff::civil::Date, jiff::civil::Date) {
        (today - (PAYMENT_CYCLE_DAYS - 1).days(), today)
    }

    pub async fn publish(
        Operator(caller): &Operator,
        npi: &str,
        document: &str,
    ) -> Result<String, AppError> {
        let mut check = crate::error::Checker::new();
        check.check("npi", Npi::parse(npi));
        if !DOCUMENTS.iter().any(|d| d.0 == document) {
            check.add("document", "Choose a document.");
        }
        check.finish()?;
        let state = &caller.state;
        let now = state.clock.unix();
        let today = state
            .settings
            .calendar
            .date_of(now)
            .ok_or(AppError::Internal)?;
        let mut conn = state.db.conn().await?;
        let providers = super::super::repo::registered_providers(&mut conn, npi).await?;
        if providers.is_empty() {
            return Err(AppError::field("npi", "No registered office has this NPI."));
        }
        drop(conn);
        let mut published = Vec::new();
        for (provider_id, name, office) in providers {
            let mut conn = state.db.conn().await?;
            let made = match document {
                "remittance" => {
                    let (from, to) = payment_cycle(today);
                    publish::remittance_advice(&mut conn, &state.settings, provider_id, from, to)
                        .await?
                }
                "welcome" => {
                    publish::welcome_letter(&mut conn, &state.settings, provider_id, today).await?
                }
                _ => {
                    publish::form_1099_misc(
                        &mut conn,
                        &state.settings,
                        provider_id,
                        today.year() - 1,
                        today,
                    )
                    .await?
                }
            };
            drop(conn);
            let mut tx = state.db.begin().await?;
            let id = publish::publish(&mut tx, now, &made).await?;
            caller
                .audit("correspondence.publish", format!("correspondence:{id}"))
                .org(Some(made.organization_id))
                .detail(format!("{} for NPI {npi}", made.title))
                .record_in(&mut tx)
                .await?;
            tx.commit().await?;
            published.push(format!("{} for {name} ({office})", made.title));
        }
        Ok(format!("Published: {}.", published.join("; ")))
    }
}

#[component]
pub fn PublishCorrespondence() -> impl IntoView {
    let npi = RwSignal::new(String::new());
    let document = RwSignal::new(String::new());
    let action = ServerAction::<PublishCorrespondence>::new();
    let error = action_error(action);
    let field_error = field_errors(move || error.get());
    let navigate = StoredValue::new(use_navigate());
    Effect::new(move |_| {
        if let Some(Ok(next)) = action.value().get() {
            navigate.with_value(|n| n(&next, Default::default()));
            npi.set(String::new());
        }
    });
    let options = std::iter::once((String::new(), "Choose a document".to_string()))
        .chain(DOCUMENTS.iter().map(|d| (d.0.to_string(), d.1.to_string())))
        .collect();
    view! {
        <section aria-labelledby="publish-correspondence">
            <h2 id="publish-correspondence">"Publish Correspondence"</h2>
            <p>"Made from the plan's data and placed in the NPI's Correspondence Center; everyone who may read it is notified."</p>
            <ActionForm action attr:novalidate=true attr:class="stacked">
                <Field label="NPI" value=npi name="npi" error=field_error("npi") />
                <Select label="Document" id="publish-document" options value=document name="document" error=field_error("document") />
                <button type="submit" class="button primary">"Publish"</button>
            </ActionForm>
            <ErrorSummary error beside_fields=true />
            <Outcome keys=vec!["published"] />
        </section>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn a_remittance_advice_covers_the_fourteen_days_ending_today() {
        let today = jiff::civil::date(2026, 11, 29);
        let (from, to) = super::ssr::payment_cycle(today);
        assert_eq!((from, to), (jiff::civil::date(2026, 11, 16), today));
        assert_eq!((to - from).get_days() + 1, super::PAYMENT_CYCLE_DAYS as i32);
    }
}
