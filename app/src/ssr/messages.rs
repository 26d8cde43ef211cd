//! Every message the portal sends, in one place: what it says and which links it carries.
//! Callers hand the result to the outbox (`outbox::send`); links are built with
//! `Settings::link`, so they point at the public address.

/// An email's (or text's) subject, body and the links it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub subject: String,
    pub body: String,
    pub links: Vec<String>,
}

impl Message {
    fn new(subject: String, body: String) -> Self {
        Message {
            subject,
            body,
            links: Vec::new(),
        }
    }

    fn with_link(mut self, url: String) -> Self {
        self.links.push(url);
        self
    }
}

/// A one-time passcode, by text, voice or email: the prefix shown on screen, then the code.
pub fn passcode(program: &str, prefix: &str, code: &str, minutes: i64) -> Message {
    Message::new(
        format!("{program} Provider Portal one-time passcode"),
        format!(
            "Your {program} Provider Portal one-time passcode is {prefix}-{code}. It expires in {minutes} minutes. \
             If you did not ask for it, call the Provider Contact Center."
        ),
    )
}

/// "Reset your password": the emailed set-password link after "Forgot Password?".
pub fn password_reset(program: &str, url: String, minutes: i64) -> Message {
    Message::new(
        format!("Reset your {program} Provider Portal password"),
        format!(
            "We received a request to reset your password. Select \"Set your new password\" within {minutes} minutes: {url}\n\n\
             If you did not ask for this, you can ignore this email; your password has not changed."
        ),
    )
    .with_link(url)
}

/// A new account's set-password link (registration, invitation, accepted request).
pub fn new_account(program: &str, url: String, minutes: i64) -> Message {
    let lasts = if minutes >= 24 * 60 {
        format!("{} days", minutes / (24 * 60))
    } else {
        format!("{minutes} minutes")
    };
    Message::new(
        format!("Set your new password for the {program} Provider Portal"),
        format!(
            "Your {program} Provider Portal account is ready. Select \"Set your new password\" to create your password: {url}\n\n\
             The link works once and expires in {lasts}. If it expires, use \"Forgot Password?\" on the Log In page."
        ),
    )
    .with_link(url)
}

/// The secure token letter's text, posted to the organization's pay-to address: what comes
/// before the token, and what after.
pub fn token_letter(program: &str, expiry_date: &str) -> (Vec<String>, Vec<String>) {
    (
        vec![format!("Welcome to the {program} Provider Portal. Your organization's Secure Token ID is:")],
        vec![
            format!(
                "To register, go to the {program} Provider Portal, choose \"Join {program} Provider Portal\", \
                 then \"Enrolled provider organization\", and enter this Secure Token ID. You will also need your \
                 organization's EIN or SSN and pay-to ZIP code."
            ),
            format!("This token can be used once and expires on {expiry_date}. Keep this letter in a safe place."),
        ],
    )
}

/// The token letter's title and subject.
pub fn token_letter_title(program: &str) -> (String, String) {
    (
        format!("{program} Provider Portal: Your Secure Token ID"),
        format!("{program} Provider Portal Secure Token ID"),
    )
}

/// "Register as a New User" with an address that already has an account: its owner is told
/// how to ask instead (the page itself answers the same either way).
pub fn request_with_existing_account(program: &str) -> Message {
    Message::new(
        format!("Your {program} Provider Portal access request"),
        format!(
            "Someone asked for a new {program} Provider Portal account with this email address, which already has one. \
             To work for another provider, log in and use “My Collections” in your profile. If it was not you, you can ignore this email."
        ),
    )
}

/// To each Org Admin: a new access request waits in the Task List.
pub fn request_to_admins(program: &str, requester: &str, url: String) -> Message {
    Message::new(
        format!("{program} Provider Portal: someone is requesting access"),
        format!(
            "{requester} is requesting access to your office on the {program} Provider Portal. \
             Log in and open your Task List to accept or decline: {url}"
        ),
    )
    .with_link(url)
}

/// The administrator's reason goes in quoted, as their words (it holds no web address: the
/// Task List refuses those).
pub fn request_declined(program: &str, office: &str, reason: &str) -> Message {
    Message::new(
        format!("Your {program} Provider Portal access request"),
        format!(
            "Your request for access to {office} on the {program} Provider Portal was declined. \
             The office's administrator wrote: \"{reason}\""
        ),
    )
}

/// An existing user's request ("My Collections") was accepted.
pub fn request_accepted(program: &str, office: &str) -> Message {
    Message::new(
        format!("Your {program} Provider Portal access request"),
        format!(
            "Your request for access to {office} was accepted. Log in and choose it under \"Add or Switch Organization\"."
        ),
    )
}

/// An Org Admin added a user who already has an account.
pub fn added_to_office(program: &str, by: &str, office: &str, login: String) -> Message {
    Message::new(
        format!("You were added to {office} on the {program} Provider Portal"),
        format!(
            "{by} added you to {office} on the {program} Provider Portal. Sign in and choose it under \"Add or Switch Organization\"."
        ),
    )
    .with_link(login)
}

/// To the new address an Org Admin gave: confirm it within `hours`.
pub fn confirm_new_email(
    program: &str,
    by: &str,
    office: &str,
    url: String,
    hours: i64,
) -> Message {
    Message::new(
        format!("Confirm your new {program} Provider Portal email address"),
        format!(
            "{by} of {office} changed the email address (username) of your {program} Provider Portal account to this address. \
             Select \"Confirm Email Address\" within {hours} hours to use it: {url}\n\nIf you did not expect this, ignore this email; nothing changes."
        ),
    )
    .with_link(url)
}

/// To the old address, while the change waits for the new one's confirmation.
pub fn email_change_requested(program: &str, by: &str, office: &str, new_email: &str) -> Message {
    Message::new(
        format!("Your {program} Provider Portal email address is being changed"),
        format!(
            "{by} of {office} asked to change the email address (username) of your {program} Provider Portal account to {new_email}. \
             It changes only once that address confirms it. If you did not expect this, call the Provider Contact Center."
        ),
    )
}

/// To the old address, once the new one is confirmed.
pub fn email_changed(program: &str, new_email: &str) -> Message {
    Message::new(
        format!("Your {program} Provider Portal email address changed"),
        format!(
            "The email address (username) of your {program} Provider Portal account is now {new_email}. \
             If you did not expect this, call the Provider Contact Center."
        ),
    )
}

/// A notification's email copy, for a user who wants them at once.
pub fn notification_copy(program: &str, title: &str, body: &str, url: String) -> Message {
    Message::new(
        format!("{program} Provider Portal: {title}"),
        format!("{body}\n\nLog in to see it: {url}\n\nYou get this email because of your notification preferences in My Profile."),
    )
    .with_link(url)
}

/// A daily or weekly digest: each notification's date and title, one per line.
pub fn notification_digest(
    program: &str,
    period: &str,
    items: &[(String, String)],
    url: String,
) -> Message {
    let lines: Vec<String> = items
        .iter()
        .map(|(date, title)| format!("- {date}: {title}"))
        .collect();
    Message::new(
        format!("{program} Provider Portal: your notifications {period}"),
        format!(
            "{} new notifications {period}:\n{}\n\nLog in to read them: {url}\n\nYou get this email because of your notification preferences in My Profile.",
            items.len(),
            lines.join("\n")
        ),
    )
    .with_link(url)
}

/// A decision or a step of a process, told to those it concerns (a submitter's admins of an
/// affiliation decision, an office's admins of a dispute's acknowledgment), with the page
/// that shows it (`see`: "See your affiliations").
pub fn status_notice(program: &str, title: &str, body: &str, see: &str, url: String) -> Message {
    Message::new(
        format!("{program} Provider Portal: {title}"),
        format!("{body}\n\n{see}: {url}"),
    )
    .with_link(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_travel_with_the_message_that_names_them() {
        let m = password_reset(
            "Poppy Health",
            "https://portal.example/password/set?t=x".into(),
            30,
        );
        assert!(m
            .body
            .contains("within 30 minutes: https://portal.example/password/set?t=x"));
        assert_eq!(m.links, ["https://portal.example/password/set?t=x"]);
        assert!(passcode("Poppy Health", "4437", "123456", 30)
            .body
            .contains("4437-123456. It expires in 30 minutes"));
    }

    #[test]
    fn a_new_account_link_says_days_from_a_day_on() {
        assert!(new_account("P", "u".into(), 7 * 24 * 60)
            .body
            .contains("expires in 7 days"));
        assert!(new_account("P", "u".into(), 90)
            .body
            .contains("expires in 90 minutes"));
    }
}
