use super::slug;
use leptos::prelude::*;

/// A dashboard tile: a section named by its heading, with optional "View All" / "+ more" links.
/// Its children keep their type (no boxed view a tile): My Dashboard renders fourteen.
#[component]
pub fn Tile<C: IntoView + 'static>(
    title: &'static str,
    #[prop(optional)] view_all: Option<&'static str>,
    /// How many items the tile does not show; with `view_all`, adds "+ more".
    #[prop(optional)]
    more: usize,
    children: TypedChildren<C>,
) -> impl IntoView {
    let heading_id = format!("tile-{}", slug(title));
    let labelled_by = heading_id.clone();
    view! {
        <section class="tile" aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <div class="tile-body">{children.into_inner()()}</div>
            {view_all.map(|href| {
                view! {
                    <p class="tile-links">
                        {(more > 0).then(|| view! { <a href=href>"+ more"</a> })}
                        <a href=href>"View All"</a>
                    </p>
                }
            })}
        </section>
    }
}
