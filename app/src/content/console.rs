//! The console's "Banners" and "Additional Resources" sections.

use super::{
    console_banners, console_resources, BannerListing, ExpireBanner, PublishBanner, ResourceText,
    SaveResource, MAX_BANNER_CHARS,
};
use crate::operator::Outcome;
use crate::ui::{
    action_error, field_errors, follow_answer, page_resource, refused_value, Column, DataTable,
    ErrorSummary, Field, PostButton, RefusedForm, TextArea,
};
use leptos::prelude::*;

#[component]
pub fn BannersConsole() -> impl IntoView {
    let banners = page_resource(|| (), |_| console_banners());
    let publish = ServerAction::<PublishBanner>::new();
    let expire = ServerAction::<ExpireBanner>::new();
    follow_answer(publish, move || banners.refetch());
    follow_answer(expire, move || banners.refetch());
    let (message, start, end) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    Effect::new(move |_| {
        if let Some(Ok(_)) = publish.value().get() {
            message.set(String::new());
        }
    });
    let error = action_error(publish);
    let field_error = field_errors(move || error.get());
    let columns = vec![
        Column::text("Message", |b: &BannerListing| b.message.clone()),
        Column::text("Shows from", |b: &BannerListing| b.from.clone()),
        Column::text("Until", |b: &BannerListing| b.until.clone()),
        Column::text("Status", |b: &BannerListing| b.status.clone()),
        Column::new("Action", move |b: &BannerListing| {
            (b.status != "Expired")
                .then(|| {
                    let field = ("banner_id", b.id.to_string());
                    let aria_label = format!("Expire banner: {}", b.message);
                    view! { <PostButton action=expire field label="Expire" aria_label /> }
                })
                .into_any()
        }),
    ];
    let rows = Signal::derive(move || banners.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <section aria-labelledby="banners">
            <h2 id="banners">"Banners"</h2>
            <p>"A banner shows at the top of every user's dashboard from the start of its Start Date to the end of its End Date (the plan's time zone), until the user dismisses it. A later Start Date schedules it."</p>
            <Outcome keys=vec!["banner"] />
            <ErrorSummary error=action_error(expire) />
            <Transition>
                <DataTable caption="Banners" columns rows empty="No banners yet." />
            </Transition>
            <ActionForm action=publish attr:novalidate=true attr:class="stacked">
                <Field label="Message" id="banner-message" value=message name="message" error=field_error("message")
                    hint=format!("At most {MAX_BANNER_CHARS} characters.") />
                <Field label="Start Date" id="banner-start" input_type="date" value=start name="start" error=field_error("start") />
                <Field label="End Date" id="banner-end" input_type="date" value=end name="end" error=field_error("end") />
                <ErrorSummary error beside_fields=true />
                <button type="submit" class="button primary">"Publish Banner"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResourcesConsole() -> impl IntoView {
    let pages = page_resource(|| (), |_| console_resources());
    let save = ServerAction::<SaveResource>::new();
    follow_answer(save, move || pages.refetch());
    // Which page's form was posted last: only that one shows the error and what was typed.
    let posted = RwSignal::new(refused_value("page"));
    view! {
        <section aria-labelledby="resources">
            <h2 id="resources">"Additional Resources"</h2>
            <p>"The pages every dashboard links to. Separate paragraphs with a blank line; start a line with \u{201c}- \u{201d} for a list; write a link as [words](https://address) or paste the address."</p>
            <Outcome keys=vec!["resource"] />
            <Transition>
                {Suspend::new(async move {
                    match pages.await {
                        Ok(pages) => pages.into_iter().map(|page| view! { <ResourceEditor page save posted /> }).collect_view().into_any(),
                        Err(error) => view! { <ErrorSummary error=Signal::stored(Some(error)) /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ResourceEditor(
    page: ResourceText,
    save: ServerAction<SaveResource>,
    posted: RwSignal<Option<String>>,
) -> impl IntoView {
    let slug = StoredValue::new(page.slug.clone());
    let mine = move || posted.with(|p| p.as_deref() == Some(slug.get_value().as_str()));
    if !mine() {
        // Another page's refused form: its text is not this page's.
        provide_context(RefusedForm::default());
    }
    let body = RwSignal::new(page.body.clone());
    let error = action_error(save);
    let field_error = field_errors(move || error.get().filter(|_| mine()));
    view! {
        <ActionForm action=save attr:novalidate=true attr:class="stacked">
            <input type="hidden" name="page" value=page.slug.clone() />
            <TextArea label=page.title.clone() id=format!("resource-{}", page.slug) value=body name="body" rows=8
                error=field_error("body") />
            <button type="submit" class="button primary" on:click=move |_| posted.set(Some(slug.get_value()))>
                {format!("Save {}", page.title)}
            </button>
            " "<a href=format!("/resources/{}", page.slug)>{format!("View {}", page.title)}</a>
        </ActionForm>
    }
}
