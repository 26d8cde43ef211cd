use super::slug;
use leptos::prelude::*;

/// One entry of a [`MenuButton`]. Each is a link or a form's submit button, so it works
/// before the browser app loads (and without it).
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    pub label: String,
    pub pick: Pick,
}

/// What picking a [`MenuItem`] does.
#[derive(Debug, Clone, PartialEq)]
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
/// The server writes the button and its entries; until the browser app runs the button, the
/// menu shows, so its entries work without it.
#[component]
pub fn MenuButton(
    #[prop(into)] label: String,
    items: Vec<MenuItem>,
    /// Closed until the browser app runs the button: for a menu that, open, would cover the
    /// page (the header's).
    #[prop(optional)]
    closed: bool,
) -> impl IntoView {
    let menu = format!("menu-{}", slug(&label));
    let button_id = format!("{menu}-button");
    let count = items.len();
    let entries = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let id = format!("{menu}-item-{index}");
            let entry = match item.pick {
                Pick::Link(href) => view! {
                    <a id=id role="menuitem" tabindex="-1" href=href>{item.label}</a>
                }
                .into_any(),
                Pick::Submit { to, field } => {
                    let (name, value) = field.unzip();
                    view! {
                        <button id=id type="submit" formaction=to name=name value=value role="menuitem" tabindex="-1">
                            {item.label}
                        </button>
                    }
                    .into_any()
                }
            };
            view! { <li role="none">{entry}</li> }
        })
        .collect_view();
    // The island only follows the keys and clicks: the download has no view code for menus
    // (every page has the header's). It sits in an element of its own (see `Tabs`).
    view! {
        <div class="menu-button">
            // Not a submit button: the menu may sit in a form (e.g. downloading the rows checked).
            <button type="button" id=button_id.clone() class="button" aria-haspopup="menu" aria-expanded="false" aria-controls=menu.clone()>
                {label}
            </button>
            <ul id=menu.clone() role="menu" aria-labelledby=button_id hidden=closed>
                {entries}
            </ul>
            <div class="island"><MenuKeys menu count /></div>
        </div>
    }
}

#[island]
fn MenuKeys(menu: String, count: usize) -> impl IntoView {
    Effect::new(move |_| {
        // The button opens the menu from now on: closed, unless the user reached for it
        // before the app ran (the focus on its button or an entry), so the menu they opened
        // does not vanish under their pointer.
        let reached = super::focused_id().is_some_and(|id| part(&menu, &id).is_some());
        set_open(&menu, reached);
        let on_click = {
            let menu = menu.clone();
            move |ev: leptos::ev::MouseEvent| {
                match target(&menu, &ev) {
                    Some(Target::Button) if is_open(&menu) => set_open(&menu, false),
                    Some(Target::Button) => open_at(&menu, 0),
                    // A submit button hidden while its click is handled would not submit its
                    // form: the menu closes on the next frame.
                    Some(Target::Item(_)) => {
                        let menu = menu.clone();
                        request_animation_frame(move || set_open(&menu, false));
                    }
                    None => {}
                }
            }
        };
        let on_key = {
            let menu = menu.clone();
            move |ev: leptos::ev::KeyboardEvent| {
                let key = ev.key();
                let next = match (target(&menu, &ev), key.as_str()) {
                    (Some(Target::Button), "ArrowDown") => Some(0),
                    (Some(Target::Item(at)), "ArrowDown") => Some((at + 1) % count),
                    (Some(Target::Item(at)), "ArrowUp") => Some((at + count - 1) % count),
                    (Some(Target::Item(_)), "Home") => Some(0),
                    (Some(Target::Item(_)), "End") => Some(count.saturating_sub(1)),
                    (Some(Target::Item(_)), "Escape" | "Tab") => {
                        set_open(&menu, false);
                        super::focus_by_id(&format!("{menu}-button"));
                        None
                    }
                    _ => None,
                };
                if let Some(at) = next {
                    ev.prevent_default();
                    open_at(&menu, at);
                }
            }
        };
        let clicks = window_event_listener(leptos::ev::click, on_click);
        let keys = window_event_listener(leptos::ev::keydown, on_key);
        on_cleanup(move || {
            clicks.remove();
            keys.remove();
        });
    });
}

/// Which part of the menu `menu` an event comes from.
enum Target {
    Button,
    Item(usize),
}

fn target(menu: &str, ev: &leptos::ev::Event) -> Option<Target> {
    part(menu, &super::event_target_id(ev)?)
}

/// Which part of the menu `menu` the element with this id is.
fn part(menu: &str, id: &str) -> Option<Target> {
    let rest = id.strip_prefix(menu)?;
    if rest == "-button" {
        Some(Target::Button)
    } else {
        rest.strip_prefix("-item-")?.parse().ok().map(Target::Item)
    }
}

/// Opens the menu with the focus on its entry `at`.
fn open_at(menu: &str, at: usize) {
    set_open(menu, true);
    super::focus_by_id(&format!("{menu}-item-{at}"));
}

fn is_open(menu: &str) -> bool {
    !super::has_attribute(menu, "hidden")
}

fn set_open(menu: &str, open: bool) {
    super::set_attribute(menu, "hidden", (!open).then_some(""));
    let expanded = if open { "true" } else { "false" };
    super::set_attribute(&format!("{menu}-button"), "aria-expanded", Some(expanded));
}
