use super::slug;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One entry of a [`MenuButton`]. Each is a link or a form's submit button, so it works
/// before the browser app loads (and without it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MenuItem {
    pub label: String,
    pub pick: Pick,
}

/// What picking a [`MenuItem`] does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Pick {
    /// Follows a link: a page, or a dialog opened by the address.
    Link(String),
    /// Posts the enclosing form to `to` (e.g. a download of the rows checked), with `field`
    /// (name, value) if any.
    Submit {
        to: String,
        field: Option<(String, String)>,
    },
}

impl MenuItem {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Self {
        MenuItem {
            label: label.into(),
            pick: Pick::Link(href.into()),
        }
    }

    pub fn submit(label: impl Into<String>, to: impl Into<String>) -> Self {
        MenuItem {
            label: label.into(),
            pick: Pick::Submit {
                to: to.into(),
                field: None,
            },
        }
    }

    /// Posts `name=value` besides the form's fields.
    pub fn with_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let Pick::Submit { field, .. } = &mut self.pick {
            *field = Some((name.into(), value.into()));
        }
        self
    }
}

/// A button that opens a menu (WAI-ARIA menu button): arrows move, Enter picks, Escape closes.
/// Until the browser app runs the button, the menu shows, so its entries work without it.
#[component]
pub fn MenuButton(
    #[prop(into)] label: String,
    items: Vec<MenuItem>,
    /// Closed until the browser app runs the button: for a menu that, open, would cover the
    /// page (the header's).
    #[prop(optional)]
    closed: bool,
) -> impl IntoView {
    // The island inside an element: see `Tabs`.
    view! {
        <div class="menu-button">
            <Menu label items closed />
        </div>
    }
}

#[island]
fn Menu(label: String, items: Vec<MenuItem>, closed: bool) -> impl IntoView {
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
        move |index: usize| super::focus_by_id(&item_id(index))
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
            super::focus_by_id(&button_id);
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
    let count = items.len();
    let entries = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let focus = focus.clone();
            let close = close.clone();
            let keys = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                "ArrowDown" => { ev.prevent_default(); focus((index + 1) % count) }
                "ArrowUp" => { ev.prevent_default(); focus((index + count - 1) % count) }
                "Home" => { ev.prevent_default(); focus(0) }
                "End" => { ev.prevent_default(); focus(count - 1) }
                "Escape" | "Tab" => close(),
                _ => {}
            };
            let entry = match item.pick {
                Pick::Link(href) => view! {
                    <a id=item_id(index) role="menuitem" tabindex="-1" href=href on:click=move |_| open.set(false) on:keydown=keys>
                        {item.label}
                    </a>
                }.into_any(),
                Pick::Submit { to, field } => {
                    let (name, value) = field.unzip();
                    // A submit button hidden while its click is handled would not submit its
                    // form: the menu closes on the next frame instead.
                    view! {
                        <button id=item_id(index) type="submit" formaction=to name=name value=value role="menuitem" tabindex="-1"
                            on:click=move |_| request_animation_frame(move || open.set(false)) on:keydown=keys>
                            {item.label}
                        </button>
                    }.into_any()
                }
            };
            view! { <li role="none">{entry}</li> }
        })
        .collect_view();
    view! {
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
            {label}
        </button>
        <ul id=menu_id role="menu" aria-labelledby=button_id hidden=move || !open.get() && (closed || ready.get())>
            {entries}
        </ul>
    }
}
