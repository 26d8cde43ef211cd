use super::{resource_page, Block, Inline};
use crate::ui::{page_resource, ErrorSummary};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// "News and Bulletin", "Frequently Asked Questions" or "System Alerts": public, as the
/// plan's website is.
#[component]
pub fn AdditionalResourcePage() -> impl IntoView {
    let params = use_params_map();
    let page = page_resource(
        move || params.with(|p| p.get("page").unwrap_or_default()),
        resource_page,
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match page.await {
                    Ok(page) => view! {
                        <h1>{page.title}</h1>
                        {page.updated.map(|u| view! { <p class="hint">{u}</p> })}
                        {if page.blocks.is_empty() {
                            view! { <p>"Nothing has been published here yet."</p> }.into_any()
                        } else {
                            view! { <RichText blocks=page.blocks /> }.into_any()
                        }}
                        <p><a href="/">"Back to Dashboard"</a></p>
                    }.into_any(),
                    Err(error) => view! {
                        <h1>"Additional Resources"</h1>
                        <ErrorSummary error=Signal::stored(Some(error)) />
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Parsed text as elements: whatever was typed is text, never markup.
#[component]
pub fn RichText(blocks: Vec<Block>) -> impl IntoView {
    let inline = |parts: Vec<Inline>| {
        parts
            .into_iter()
            .map(|part| match part {
                Inline::Text(text) => text.into_any(),
                Inline::Link { text, href } => view! { <a href=href>{text}</a> }.into_any(),
            })
            .collect_view()
    };
    blocks
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(parts) => view! { <p>{inline(parts)}</p> }.into_any(),
            Block::List(items) => view! {
                <ul>{items.into_iter().map(|item| view! { <li>{inline(item)}</li> }).collect_view()}</ul>
            }
            .into_any(),
        })
        .collect_view()
}
