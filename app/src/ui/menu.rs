use super::slug;
use leptos::prelude::*;

/// One entry of a [`MenuButton`].
#[derive(Clone)]
pub struct MenuItem {
    pub label: String,
    pub on_select: Callback<()>,
    /// A link to follow (a page, or a dialog opened by the address), so the item also works
    /// before the browser app loads; `on_select` then only adds to it.
    pub href: Option<String>,
    /// Or a submit button of the enclosing form, posting it to this address (e.g. a download
    /// of the rows checked), which works before the browser app loads too.
    pub submit_to: Option<String>,
}

/// A button that opens a menu (WAI-ARIA menu button): arrows move, Enter picks, Escape closes.
#[component]
pub fn MenuButton(
    #[prop(into)] label: String,
    #[prop(into)] items: Signal<Vec<MenuItem>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let ready = super::hydrated();
    let menu_id = format!("menu-{}", slug(&label));
    let button_id = format!("{menu_id}-button");
    let item_id = {
        let menu_id = menu_id.clone();
        move |index: usize| format!("{menu_id}-item-{index}")
    };
    let focus = {
        let item_id = item_id.clone();
        move |index: usize| focus_element(&item_id(index))
    };
    let open_menu = {
        let focus = focus.clone();
        move || {
            open.set(true);
            // The menu is shown on the next frame; focus its first item then.
            let focus = focus.clone();
            request_animation_frame(move || focus(0));
        }
    };
    let close = {
        let button_id = button_id.clone();
        move || {
            open.set(false);
            focus_element(&button_id);
        }
    };
    let on_button_key = {
        let open_menu = open_menu.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "ArrowDown" {
                ev.prevent_default();
                open_menu();
            }
        }
    };
    view! {
        <div class="menu-button">
            // Not a submit button: the menu may sit in a form (e.g. downloading the rows checked).
            <button
                type="button"
                id=button_id.clone()
                class="button"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls=menu_id.clone()
                on:click=move |_| {
                    if open.get_untracked() { open.set(false) } else { open_menu() }
                }
                on:keydown=on_button_key
            >
                {label.clone()}
            </button>
            // A menu of links shows until the browser app runs the button, so they work without it.
            <ul id=menu_id.clone() role="menu" aria-labelledby=button_id.clone()
                hidden=move || !open.get() && (ready.get() || items.with(|l| l.iter().any(|i| i.href.is_none() && i.submit_to.is_none())))>
                {move || {
                    let list = items.get();
                    let count = list.len();
                    list.into_iter()
                        .enumerate()
                        .map(|(index, item)| {
                            let focus = focus.clone();
                            let close = close.clone();
                            let select = item.on_select;
                            let keys = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                                "ArrowDown" => { ev.prevent_default(); focus((index + 1) % count) }
                                "ArrowUp" => { ev.prevent_default(); focus((index + count - 1) % count) }
                                "Home" => { ev.prevent_default(); focus(0) }
                                "End" => { ev.prevent_default(); focus(count - 1) }
                                "Escape" | "Tab" => close(),
                                _ => {}
                            };
                            // A submit button hidden while its click is handled would not submit
                            // its form: the menu closes on the next frame instead.
                            let submits = item.submit_to.is_some();
                            let picked = move |_| {
                                if submits {
                                    request_animation_frame(move || open.set(false));
                                } else {
                                    open.set(false);
                                }
                                select.run(());
                            };
                            let entry = match (item.href, item.submit_to) {
                                (Some(href), _) => view! {
                                    <a id=item_id(index) role="menuitem" tabindex="-1" href=href on:click=picked on:keydown=keys>
                                        {item.label.clone()}
                                    </a>
                                }.into_any(),
                                (None, Some(action)) => view! {
                                    <button id=item_id(index) type="submit" formaction=action role="menuitem" tabindex="-1" on:click=picked on:keydown=keys>
                                        {item.label.clone()}
                                    </button>
                                }.into_any(),
                                (None, None) => view! {
                                    <button type="button" id=item_id(index) role="menuitem" tabindex="-1" on:click=picked on:keydown=keys>
                                        {item.label.clone()}
                                    </button>
                                }.into_any(),
                            };
                            view! { <li role="none">{entry}</li> }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

fn focus_element(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if let Some(element) = document().get_element_by_id(id) {
            if let Ok(element) = element.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
