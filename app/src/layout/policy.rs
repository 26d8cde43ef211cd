use crate::ui::program_name;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The footer's policy pages: the plan publishes their text; these are the portal's defaults.
#[component]
pub fn PolicyPage() -> impl IntoView {
    let program = program_name();
    let path = use_location().pathname;
    let content = move || {
        let program = &program;
        let (title, text) = match path.get().as_str() {
            "/terms" => ("Terms Of Use".to_string(), format!("Use of the {program} Provider Portal is limited to authorized provider office staff acting for their organization. Every action is recorded.")),
            "/privacy" => ("Website Privacy Policy".to_string(), format!("{program} uses the information in this portal only to administer members' benefits and protects it as the law requires.")),
            "/portal-policy" => ("Provider Portal Policy".to_string(), "Each office keeps its users' access current: administrators verify users every 60 days and remove staff who leave.".to_string()),
            "/medical-directors" => ("Medical Director Contact Information".to_string(), format!("To reach a {program} medical director about a referral or a clinical question, call Provider Relations.")),
            _ => (format!("{program} Guidelines"), format!("The {program} provider manual and guidelines describe benefits, referrals and claims policies.")),
        };
        view! { <h1>{title}</h1><p>{text}</p> }
    };
    view! { {content} }
}
