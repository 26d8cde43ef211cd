//! Logs never carry secrets: every line written on this test's thread, at every level, is
//! read back (see `common::capture_logs`).

use crate::common::*;
use axum::http::StatusCode;

#[tokio::test]
async fn no_secret_reaches_the_logs() {
    let captured = capture_logs();
    for site in sites(true).await {
        let token = oak_street_token(&site).await;
        let (_, response) = site
            .post(
                "/api/registration/token",
                &format!("token={}", enc(&token)),
                None,
            )
            .await;
        let draft = cookie_from(&response, "portal_registration").unwrap();
        site.post(
            "/api/registration/terms",
            "agree=true&authorized=true",
            Some(&draft),
        )
        .await;
        site.send(post_form(
            "/api/registration/account",
            &account("947654321", "olive@oakstreet.example"),
            Some(&draft),
        ))
        .await;
        let sms = last_message_to(&site, "(916) 555-7100").await;
        let passcode = sms.codes[0].clone();
        let sent_text = sms
            .body
            .split(" is ")
            .nth(1)
            .unwrap()
            .split('.')
            .next()
            .unwrap()
            .to_string();
        site.post(
            "/api/registration/verify-passcode",
            "code=999999",
            Some(&draft),
        )
        .await;
        site.post(
            "/api/registration/verify-passcode",
            &format!("code={passcode}"),
            Some(&draft),
        )
        .await;
        site.post(
            "/api/registration/conditions",
            "attest=true&agree=true",
            Some(&draft),
        )
        .await;
        let link = last_message_to(&site, "olive@oakstreet.example")
            .await
            .links[0]
            .clone();
        let page = site
            .send(get(&link.replace("http://127.0.0.1:3000", ""), None))
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        let (status, done) = use_link(&site, &link, NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        let session = cookie_from(&done, "portal_session").unwrap();
        let (_, _, _) = log_in(
            &site,
            "olive@oakstreet.example",
            "a-wrong-password-for-the-logs",
        )
        .await;

        let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
        assert!(
            logs.contains("/api/registration/token"),
            "requests are logged"
        );
        let secrets = [
            token.clone(),
            crate_normalized(&token),
            // Six random digits may occur by chance in timestamps; as sent or typed they may not.
            sent_text,
            format!("code={passcode}"),
            link.split("t=").nth(1).unwrap().to_string(),
            NEW_PASSWORD.to_string(),
            "a-wrong-password-for-the-logs".to_string(),
            session.split('=').nth(1).unwrap().to_string(),
            draft.split('=').nth(1).unwrap().to_string(),
        ];
        for secret in secrets {
            assert!(
                !logs.contains(&secret),
                "a secret reached the logs: {secret}"
            );
        }
    }
}

fn crate_normalized(token: &str) -> String {
    token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// The types that hold secrets print none of them with `{:?}`, so a stray debug log or a
/// panic message cannot leak them.
#[test]
fn debug_output_carries_no_secret() {
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        config: server::config::Config,
    }
    let cli = <Cli as clap::Parser>::try_parse_from([
        "server",
        "--database-url",
        "postgres://portal:db-Passw0rd@db.example/portal",
        "--secret-key",
        "6b6579206b6579206b6579206b6579206b6579206b6579206b6579206b657921",
    ])
    .unwrap();
    let settings = app::ssr::settings::Settings {
        keys: app::ssr::crypto::Keys::new([0x5a; 32], vec![[0x6b; 32]]),
        ..app::ssr::settings::Settings::for_tests()
    };
    let message = app::ssr::outbox::NewMessage {
        channel: app::ssr::outbox::Channel::Sms,
        to: "(916) 555-0100".into(),
        subject: "Your passcode".into(),
        body: "Your passcode is 4821-613579.".into(),
        links: vec!["https://portal.example/password/set?t=link-secret".into()],
        codes: vec!["613579".into()],
        attachment: None,
    };
    let enrollment = app::auth::authenticator::Enrollment {
        secret: "JBSWY3DPEHPK3PXP".into(),
        qr_svg: "<svg/>".into(),
    };
    use app::domain::Secret;
    let calls = format!(
        "{:?} {:?} {:?}",
        app::auth::LogIn {
            email: "a@b.example".into(),
            password: Some(Secret::new("Hunter2-Password-2026!")),
        },
        app::auth::ChangePassword {
            current: Secret::new("Hunter2-Password-2026!"),
            password: Secret::new("Hunter3-Password-2026!"),
            again: Secret::new("Hunter3-Password-2026!"),
            next: None,
        },
        app::profile::ResetPasskey {
            passkey: Secret::new("4821"),
            again: Secret::new("4821"),
        },
    );
    let printed = format!(
        "{:?} {settings:?} {message:?} {enrollment:?} {calls}",
        cli.config
    );
    for secret in [
        "db-Passw0rd",
        "6b6579",
        "90, 90",
        "107, 107",
        "5a5a5a",
        "613579",
        "link-secret",
        "JBSWY3DPEHPK3PXP",
        "Hunter",
        "4821",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
}
