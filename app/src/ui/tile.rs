use super::slug;
use leptos::prelude::*;

/// A dashboard tile: a section named by its heading, with optional "View All" / "+ more" links.
#[component]
pub fn Tile(
    #[prop(into)] title: String,
    #[prop(optional, into)] view_all: Option<String>,
    /// How many items the tile does not show; with `view_all`, adds "+ more".
    #[prop(optional, into)]
    more: Signal<usize>,
    children: Children,
) -> impl IntoView {
    let heading_id = format!("tile-{}", slug(&title));
    let labelled_by = heading_id.clone();
    view! {
        <section class="tile" aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <div class="tile-body">{children()}</div>
            {view_all.map(|href| {
                let more_href = href.clone();
                view! {
                    <p class="tile-links">
                        <Show when=move || { more.get() > 0 }>
                            <a href=more_href.clone()>"+ more"</a>
                        </Show>
                        <a href=href>"View All"</a>
                    </p>
                }
            })}
        </section>
    }
}
