use super::slug;
use leptos::prelude::*;

/// A dashboard tile: a section named by its heading, with optional "View All" / "+ more" links.
#[component]
pub fn Tile(
    #[prop(into)] title: String,
    #[prop(optional, into)] view_all: Option<String>,
    /// How many items the tile does not show; with `view_all`, adds "+ more".
    #[prop(optional)]
    more: usize,
    children: Children,
) -> impl IntoView {
    let heading_id = format!("tile-{}", slug(&title));
    let labelled_by = heading_id.clone();
    view! {
        <section class="tile" aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <div class="tile-body">{children()}</div>
            {view_all.map(|href| {
                view! {
                    <p class="tile-links">
                        {(more > 0).then(|| view! { <a href=href.clone()>"+ more"</a> })}
                        <a href=href>"View All"</a>
                    </p>
                }
            })}
        </section>
    }
}
