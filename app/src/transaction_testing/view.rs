use super::{recent_tests, transaction_test, Finding, TestResult, MAX_TEST_FILE_MB, TEST_KINDS};
use crate::auth::{PageAccess, Require};
use crate::error::AppError;
use crate::ui::{
    page_resource, query_value, Column, DataTable, ErrorSummary, PageResource, Select,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TransactionTestingPage() -> impl IntoView {
    // The page's data is made here, outside `Require`, once per render (see `Require`).
    let query = use_query_map();
    let result = page_resource(
        move || query.with(|q| q.get("test").and_then(|t| t.parse::<i64>().ok())),
        |id| async move {
            match id {
                Some(id) => Some(transaction_test(id).await),
                None => None,
            }
        },
    );
    let tests = page_resource(|| (), |_| recent_tests());
    view! {
        <Require access=PageAccess::Member>
            <h1>"Transaction Testing"</h1>
            <TestForm />
            <ShownResult result />
            <RecentTests tests />
        </Require>
    }
}

/// A plain multipart form: the browser posts it with or without the browser app.
#[component]
fn TestForm() -> impl IntoView {
    let refused = query_value("upload_error");
    let kind = RwSignal::new(query_value("type"));
    let options = std::iter::once((String::new(), "Choose a type".to_string()))
        .chain(
            TEST_KINDS
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string())),
        )
        .collect();
    view! {
        <p>{format!("Send a test 837P claim file or 270 eligibility file (X12 005010, at most {MAX_TEST_FILE_MB} MB) to see whether the plan would accept it. Test files are checked, never processed.")}</p>
        <form method="post" action="/uploads/transaction-testing" enctype="multipart/form-data" class="stacked" aria-label="Submit a Test">
            {(!refused.is_empty()).then(|| view! { <p class="error-summary" role="alert">{refused.clone()}</p> })}
            <Select label="Transaction Type" id="test-type" options value=kind name="transaction_type" />
            <div class="field">
                <label for="test-file">"Test File"</label>
                <input id="test-file" type="file" name="file" accept=".txt,.x12,.edi,.dat,text/plain" />
            </div>
            <button type="submit" class="button primary">"Submit Test"</button>
        </form>
    }
}

#[component]
fn ShownResult(result: PageResource<Option<Result<TestResult, AppError>>>) -> impl IntoView {
    view! {
        <Suspense>
            {move || result.get().flatten().map(|found| match found {
                Ok(test) => view! { <ResultView test /> }.into_any(),
                Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ResultView(test: TestResult) -> impl IntoView {
    let verdict = if test.accepted {
        format!(
            "Accepted: {} {} passed every check.",
            test.transaction_type, test.file_name
        )
    } else {
        let n = test.findings.len();
        format!(
            "Rejected: {} {} has {n} {} to fix.",
            test.transaction_type,
            test.file_name,
            if n == 1 { "problem" } else { "problems" }
        )
    };
    let rows = Signal::stored(test.findings.clone());
    let columns = vec![
        Column::text("Segment", |f: &Finding| {
            format!("{} (segment {})", f.segment, f.position)
        }),
        Column::text("Problem", |f: &Finding| f.message.clone()),
    ];
    view! {
        <section aria-labelledby="test-result">
            <h2 id="test-result">"Test Result"</h2>
            <p role="status" class=if test.accepted { "notice" } else { "error-summary" }>{verdict}</p>
            <p class="hint">{format!("Sent {}", test.sent)}</p>
            {(!test.findings.is_empty()).then(|| view! {
                <DataTable caption="Findings" columns rows empty="" />
            })}
            {(!test.ack.is_empty()).then(|| view! {
                <details>
                    <summary>"999 Acknowledgment"</summary>
                    <pre class="x12">{test.ack.clone()}</pre>
                </details>
            })}
        </section>
    }
}

#[component]
fn RecentTests(tests: PageResource<Result<Vec<TestResult>, AppError>>) -> impl IntoView {
    let rows = Signal::derive(move || tests.get().and_then(Result::ok).unwrap_or_default());
    let columns = vec![
        Column::new("File", |t: &TestResult| {
            let href = format!("/transaction-testing?test={}", t.id);
            view! { <a href=href>{t.file_name.clone()}</a> }.into_any()
        }),
        Column::text("Type", |t: &TestResult| t.transaction_type.clone()),
        Column::text("Result", |t: &TestResult| {
            if t.accepted { "Accepted" } else { "Rejected" }.to_string()
        }),
        Column::text("Sent", |t: &TestResult| t.sent.clone()),
    ];
    view! {
        <h2>"Recent Tests"</h2>
        <Transition>
            <DataTable caption="Recent Tests" columns rows empty="Your organization has sent no test files yet." />
        </Transition>
    }
}
