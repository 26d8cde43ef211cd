//! Organization administration over HTTP, on every database backend: adding users and their
//! registration, the permission wizard, deactivation, domains, email changes, and who may
//! call what.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

const INVITEE_PASSWORD: &str = "Nina-Nurse-Portal-Pass-77";

/// "Add a User" as its form posts it.
async fn add_form(site: &Site, admin: &str, fields: [&str; 4]) -> (StatusCode, Value) {
    let [email, first, last, mobile] = fields.map(|v| v.replace('@', "%40").replace(' ', "+"));
    form(
        site,
        "/api/admin/users/add",
        &format!(
            "form[email]={email}&form[first_name]={first}&form[last_name]={last}&form[mobile]={mobile}&form[business]="
        ),
        Some(admin),
    )
    .await
}

async fn add(site: &Site, admin: &str, email: &str) -> (StatusCode, Value) {
    add_form(site, admin, [email, "Nina", "Nurse", "(916) 555-3100"]).await
}

async fn org_id(site: &Site, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM organizations WHERE name = $1")
        .bind(name)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

async fn user_id(site: &Site, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap()
}

async fn provider_ids(site: &Site, organization: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT p.id FROM providers p JOIN organizations o ON o.id = p.organization_id WHERE o.name = $1 ORDER BY p.npi",
    )
    .bind(organization)
    .fetch_all(&site.state.db.pool)
    .await
    .unwrap()
}

fn t_of(url: &str) -> String {
    url.split("t=").nth(1).unwrap().to_string()
}

#[tokio::test]
async fn an_added_user_registers_from_the_emailed_link() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;

        // Bad input: every field at fault is named, nothing is created.
        let (status, body) = add_form(&site, &admin, ["nina@", "", "Nurse", "555"]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = &body["Validation"];
        for field in ["email", "first_name", "mobile"] {
            assert!(errors.get(field).is_some(), "{field}: {body}");
        }

        let (status, id) = add(&site, &admin, "nina@sunrise.example").await;
        assert_eq!(status, StatusCode::OK, "{id}");
        let (status, again) = add(&site, &admin, "nina@sunrise.example").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");

        // The link is for /invitation, not for setting a password straight away.
        let first = last_message_to(&site, "nina@sunrise.example").await;
        assert!(
            first.links[0].contains("/invitation?t="),
            "{:?}",
            first.links
        );
        let (_, refused) = form(
            &site,
            "/api/password/link",
            &format!("t={}", t_of(&first.links[0])),
            None,
        )
        .await;
        assert!(refused.get("Invalid").is_some(), "{refused}");

        // "Resend" voids the first link.
        let (status, _) = form(
            &site,
            "/api/admin/users/resend-invitation",
            &format!("user_id={id}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, old) = form(
            &site,
            "/api/invitation",
            &format!("t={}", t_of(&first.links[0])),
            None,
        )
        .await;
        assert!(old.get("Invalid").is_some(), "{old}");
        let t = t_of(&last_message_to(&site, "nina@sunrise.example").await.links[0]);

        let (_, step) = form(&site, "/api/invitation", &format!("t={t}"), None).await;
        assert_eq!(step["Notice"]["first_name"], "Nina");
        let (status, bad) = form(
            &site,
            "/api/invitation/account",
            &format!("t={t}&first_name=Nina&last_name=Nurse&phone=12&channel=sms"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let (_, step) = form(
            &site,
            "/api/invitation/account",
            &format!(
                "t={t}&first_name=Nina&last_name=Nurse&phone={}&channel=sms",
                enc("(916) 555-3111")
            ),
            None,
        )
        .await;
        assert!(step.get("PasscodeEnter").is_some(), "{step}");
        let code = latest_code(&site).await;
        let (_, step) = form(
            &site,
            "/api/invitation/verify",
            &format!("t={t}&code={code}"),
            None,
        )
        .await;
        assert_eq!(step["Complete"]["email"], "nina@sunrise.example", "{step}");
        // Opened again, the link shows "Registration Complete" until the password is set,
        // and then nothing more.
        let (_, again) = form(&site, "/api/invitation", &format!("t={t}"), None).await;
        assert_eq!(
            again["Complete"]["email"], "nina@sunrise.example",
            "{again}"
        );
        let (_, twice) = form(
            &site,
            "/api/invitation/verify",
            &format!("t={t}&code={code}"),
            None,
        )
        .await;
        assert!(twice.get("Invalid").is_some(), "single use: {twice}");

        let link = last_message_to(&site, "nina@sunrise.example").await.links[0].clone();
        assert!(link.contains("/password/set?t="));
        let (status, _) = use_link(&site, &link, INVITEE_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        let (_, reused) = form(&site, "/api/invitation", &format!("t={t}"), None).await;
        assert!(reused.get("Invalid").is_some(), "single use: {reused}");
        let (status, cookie, _) = log_in(&site, "nina@sunrise.example", INVITEE_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        assert!(cookie.is_some());

        let history = sqlx::query_scalar::<_, String>(
            "SELECT action FROM user_changes WHERE user_id = $1 ORDER BY id",
        )
        .bind(id.as_i64().unwrap())
        .fetch_all(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(history, vec!["user.add", "user.invitation_resend"]);
    }
}

#[tokio::test]
async fn invitations_last_seven_days_and_unassigned_users_are_deactivated_after_thirty() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, id) = add(&site, &admin, "late@sunrise.example").await;
        let id = id.as_i64().unwrap();
        let t = t_of(&last_message_to(&site, "late@sunrise.example").await.links[0]);
        site.clock.advance(7 * 86_400 - 60);
        let (_, step) = form(&site, "/api/invitation", &format!("t={t}"), None).await;
        assert!(step.get("Notice").is_some(), "still valid on day 7: {step}");
        site.clock.advance(61);
        let (_, step) = form(&site, "/api/invitation", &format!("t={t}"), None).await;
        assert!(
            step["Invalid"]["message"]
                .as_str()
                .unwrap()
                .contains("expired"),
            "{step}"
        );

        // A second before day 30 nothing happens; on day 30 the user is deactivated and the admins told.
        site.clock.advance(23 * 86_400 - 2);
        let state = site.state.clone();
        assert_eq!(
            app::admin::ssr::deactivate_unassigned(&state)
                .await
                .unwrap(),
            0
        );
        site.clock.advance(1);
        assert_eq!(
            app::admin::ssr::deactivate_unassigned(&state)
                .await
                .unwrap(),
            1
        );
        let status: String =
            sqlx::query_scalar("SELECT status FROM memberships WHERE user_id = $1")
                .bind(id)
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        assert_eq!(status, "deactivated");
        let told: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = 'access' AND title = 'User deactivated'",
        )
        .bind(user_id(&site, "admin@sunrise.example").await)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(told, 1);
        assert_eq!(
            app::admin::ssr::deactivate_unassigned(&state)
                .await
                .unwrap(),
            0,
            "only once"
        );
    }
}

/// Posts one step of the wizard as the browser posts its form: `fields` are the step's
/// `form[…]` parts. Answers the status and the address to show next (or the error).
async fn wizard_step(
    site: &Site,
    admin: &str,
    user_id: i64,
    from: usize,
    to: &str,
    fields: &str,
) -> (StatusCode, Value) {
    form(
        site,
        "/api/admin/wizard/save",
        &format!("user_id={user_id}&from={from}&to={to}{fields}"),
        Some(admin),
    )
    .await
}

#[tokio::test]
async fn the_wizard_keeps_its_draft_and_applies_all_three_sections() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, id) = add(&site, &admin, "nina@sunrise.example").await;
        let id = id.as_i64().unwrap();
        let npis = provider_ids(&site, "Sunrise Family Clinic").await;
        let wizard = |step: &str| {
            let body = format!("user_id={id}{step}");
            let (site, admin) = (&site, &admin);
            async move { form(site, "/api/admin/wizard", &body, Some(admin)).await.1 }
        };

        // "Quick Assign to All NPIs" gives every NPI the level posted.
        let levels: String = npis
            .iter()
            .map(|n| format!("&form[npi][{n}]=none"))
            .collect();
        let (status, next) = wizard_step(
            &site,
            &admin,
            id,
            0,
            "1",
            &format!("{levels}&form[quick]=processor"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{next}");
        assert_eq!(next, format!("/admin/users/{id}/permissions?step=1"));
        let all = wizard("").await;
        assert_eq!(all["set"]["npis"].as_object().unwrap().len(), 6);

        // "Back", then "Next" with a level per NPI.
        let (status, next) = wizard_step(&site, &admin, id, 1, "0", "").await;
        assert_eq!(
            (status, next.as_str().unwrap()),
            (
                StatusCode::OK,
                &*format!("/admin/users/{id}/permissions?step=0")
            )
        );
        let levels = format!(
            "&form[npi][{}]=admin&form[npi][{}]=processor&form[npi][{}]=none",
            npis[0], npis[1], npis[2]
        );
        let (status, _) = wizard_step(&site, &admin, id, 0, "1", &levels).await;
        assert_eq!(status, StatusCode::OK);

        // Leaving and coming back resumes the draft at its step.
        let resumed = wizard("").await;
        assert_eq!(resumed["step"], 1);
        assert_eq!(resumed["set"]["npis"][npis[1].to_string()], "Processor");
        assert!(resumed["set"]["npis"].get(npis[2].to_string()).is_none());
        assert_eq!(resumed["editing"], false);
        assert_eq!(resumed["npis"].as_array().unwrap().len(), 6);

        // "Manage Correspondence Permissions": only for NPIs the user holds.
        let (status, body) = form(
            &site,
            "/api/admin/wizard/correspondence",
            &format!("user_id={id}&providers[]={}&types[]=Tax+Documents", npis[2]),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, next) = form(
            &site,
            "/api/admin/wizard/correspondence",
            &format!(
                "user_id={id}&providers[]={}&types[]=Tax+Documents&types[]=Remittance+Advice",
                npis[1]
            ),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{next}");
        assert_eq!(next, format!("/admin/users/{id}/permissions?step=1"));
        let (status, _) = wizard_step(&site, &admin, id, 1, "2", "").await;
        assert_eq!(status, StatusCode::OK);

        // A role chosen where the boxes did not follow it (no browser app) grants its modules.
        let organization = |ticked: &str, other: &str| {
            format!(
                "&form[org_role]=none&form[preset]=ClaimsViewer{ticked}\
                 &form[position]=Other&form[position_other]={other}"
            )
        };
        let (status, body) = wizard_step(
            &site,
            &admin,
            id,
            2,
            "finish",
            &organization("&form[modules][]=Roster", ""),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["Validation"].get("position_other").is_some(), "{body}");
        // The refused form comes back as chosen: the role, and the boxes it ticked.
        let kept = wizard("").await;
        assert_eq!(
            (kept["step"].as_u64(), kept["set"]["preset"].as_str()),
            (Some(2), Some("ClaimsViewer"))
        );
        assert_eq!(kept["set"]["position"], "Other");
        let shown = "&form[modules][]=Eligibility&form[modules][]=Claims&form[modules][]=Disputes";
        let (status, next) = wizard_step(
            &site,
            &admin,
            id,
            2,
            "finish",
            &organization(shown, "Biller"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{next}");
        assert_eq!(next, format!("/admin/users/{id}/permissions?step=3"));

        let levels: Vec<(i64, String)> = sqlx::query_as(
            "SELECT n.provider_id, n.level FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id WHERE m.user_id = $1 ORDER BY n.provider_id",
        )
        .bind(id)
        .fetch_all(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            levels,
            vec![(npis[0], "admin".into()), (npis[1], "processor".into())]
        );
        let types: Vec<(i64, String)> = sqlx::query_as(
            "SELECT c.provider_id, c.correspondence_type FROM correspondence_permissions c JOIN memberships m ON m.id = c.membership_id \
             WHERE m.user_id = $1 ORDER BY c.correspondence_type",
        )
        .bind(id)
        .fetch_all(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            types,
            vec![
                (npis[1], "Remittance Advice".into()),
                (npis[1], "Tax Documents".into())
            ]
        );
        let modules: Vec<String> = sqlx::query_scalar(
            "SELECT p.module FROM module_permissions p JOIN memberships m ON m.id = p.membership_id WHERE m.user_id = $1 ORDER BY p.module",
        )
        .bind(id)
        .fetch_all(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            modules,
            vec!["claims", "disputes", "eligibility"],
            "the preset's modules"
        );
        let drafts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM drafts WHERE kind = 'permissions'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        assert_eq!(drafts, 0);
        let saved = wizard("&step=3").await;
        assert_eq!(saved["step"], 3, "the confirmation shows what was saved");

        // A later change of role needs a reason; an NPI change alone does not.
        let opened = wizard("&step=2").await;
        assert_eq!(opened["editing"], true);
        assert_eq!(opened["step"], 2);
        let processor = "&form[org_role]=processor&form[preset]=ClaimsViewer&form[modules][]=Eligibility\
             &form[modules][]=Claims&form[modules][]=Disputes&form[position]=Other&form[position_other]=Biller";
        let (status, body) = wizard_step(
            &site,
            &admin,
            id,
            2,
            "finish",
            &format!("{processor}&form[reason]=+"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["Validation"].get("reason").is_some(), "{body}");
        let (status, _) = wizard_step(
            &site,
            &admin,
            id,
            2,
            "finish",
            &format!("{processor}&form[reason]=Took+over+billing"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = wizard_step(
            &site,
            &admin,
            id,
            0,
            "finish",
            &format!("&form[npi][{}]=admin", npis[3]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // The history shows who, before, after and why.
        let (_, detail) = form(
            &site,
            "/api/admin/users/detail",
            &format!("user_id={id}"),
            Some(&admin),
        )
        .await;
        let history = detail["history"].as_array().unwrap();
        let role_change = history
            .iter()
            .find(|h| h["reason"] == "Took over billing")
            .expect("the change with its reason");
        assert_eq!(role_change["by"], "Grace Holloway", "{role_change}");
        assert!(role_change["before"]
            .as_str()
            .unwrap()
            .contains("Organization permission: None"));
        assert!(role_change["after"]
            .as_str()
            .unwrap()
            .contains("Organization permission: Processor"));

        // An NPI of another organization is as if it did not exist.
        let harbor = provider_ids(&site, "Harbor Pediatrics").await;
        let (status, _) = wizard_step(
            &site,
            &admin,
            id,
            0,
            "1",
            &format!("&form[npi][{}]=admin", harbor[0]),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The wizard's form posted by the browser itself: the answer is the next step's page.
        let response = site
            .send(native_post(
                "/api/admin/wizard/save",
                &format!("user_id={id}&from=1&to=2"),
                Some(&admin),
                &format!("/admin/users/{id}/permissions"),
            ))
            .await;
        assert_eq!(
            location(&response),
            format!("/admin/users/{id}/permissions?step=2")
        );
        let page = body_text(site.send(get(&location(&response), Some(&admin))).await).await;
        assert!(
            page.contains("Step 3: Assign Permissions Across Organization")
                && page.contains("name=\"form[preset]\""),
            "{page}"
        );
    }
}

/// The correspondence dialog and "Next" sent together from step 2 (both answered before
/// either page came back) each keep their part: the dialog's types and the move to step 3.
#[tokio::test]
async fn two_presses_on_the_wizard_at_once_both_count() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, id) = add(&site, &admin, "omar@sunrise.example").await;
        let id = id.as_i64().unwrap();
        let npis = provider_ids(&site, "Sunrise Family Clinic").await;
        let (status, _) = wizard_step(
            &site,
            &admin,
            id,
            0,
            "1",
            &format!("&form[npi][{}]=processor", npis[1]),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        for round in 0..6 {
            let kind = ["Tax Documents", "Remittance Advice"][round % 2];
            let types = format!(
                "user_id={id}&providers[]={}&types[]={}",
                npis[1],
                kind.replace(' ', "+")
            );
            let dialog = form(
                &site,
                "/api/admin/wizard/correspondence",
                &types,
                Some(&admin),
            );
            let next = wizard_step(&site, &admin, id, 1, "2", "");
            let (dialog, next) = if round % 2 == 0 {
                tokio::join!(dialog, next)
            } else {
                let (n, d) = tokio::join!(next, dialog);
                (d, n)
            };
            assert_eq!((dialog.0, next.0), (StatusCode::OK, StatusCode::OK));
            let (_, now) = form(
                &site,
                "/api/admin/wizard",
                &format!("user_id={id}"),
                Some(&admin),
            )
            .await;
            assert_eq!(
                (
                    now["step"].as_u64(),
                    now["set"]["correspondence"][npis[1].to_string()].clone()
                ),
                (Some(2), serde_json::json!([kind])),
                "round {round}: the step, and the types of the dialog"
            );
            // Back to step 2 for the next round.
            let (status, _) = wizard_step(&site, &admin, id, 1, "1", "").await;
            assert_eq!(status, StatusCode::OK);
        }
    }
}

#[tokio::test]
async fn deactivation_ends_sessions_and_keeps_one_admin() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;
        let processor_id = user_id(&site, "processor@sunrise.example").await;
        let admin_id = user_id(&site, "admin@sunrise.example").await;

        let (status, body) = form(
            &site,
            "/api/admin/users/status",
            &format!("user_id={admin_id}&active=false"),
            Some(&admin),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "the last active Org Admin stays: {body}"
        );

        let (status, _) = form(
            &site,
            "/api/admin/users/status",
            &format!("user_id={processor_id}&active=false"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = site.post("/api/dashboard", "", Some(&processor)).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "their session ended at once"
        );
        let (status, cookie, _) = log_in(&site, "processor@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "signing in still works…");
        let (status, _) = site.post("/api/dashboard", "", cookie.as_deref()).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "…but not into the organization"
        );

        let (status, _) = form(
            &site,
            "/api/admin/users/status",
            &format!("user_id={processor_id}&active=true"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (status, _) = site.post("/api/dashboard", "", Some(&processor)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, detail) = form(
            &site,
            "/api/admin/users/detail",
            &format!("user_id={processor_id}"),
            Some(&admin),
        )
        .await;
        let actions: Vec<&str> = detail["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["User reactivated", "User deactivated"]);
    }
}

#[tokio::test]
async fn a_domain_is_removed_only_without_active_users() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, id) = add(&site, &admin, "pat@clinic-temp.example").await;
        let (_, domains) = form(&site, "/api/admin/domains", "", Some(&admin)).await;
        let names: Vec<&str> = domains
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["domain"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["clinic-temp.example", "sunrise.example"]);

        let (status, refused) = form(
            &site,
            "/api/admin/domains/remove",
            "domain=clinic-temp.example",
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            refused.to_string().contains("Nina Nurse"),
            "names the active users: {refused}"
        );

        form(
            &site,
            "/api/admin/users/status",
            &format!("user_id={id}&active=false"),
            Some(&admin),
        )
        .await;
        let (status, _) = form(
            &site,
            "/api/admin/domains/remove",
            "domain=clinic-temp.example",
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, domains) = form(&site, "/api/admin/domains", "", Some(&admin)).await;
        assert_eq!(domains.as_array().unwrap().len(), 1);
        let (status, _) = form(
            &site,
            "/api/admin/domains/remove",
            "domain=poppy.example",
            Some(&admin),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "not a domain of this organization"
        );
    }
}

#[tokio::test]
async fn an_admin_changes_a_users_email_confirmed_by_the_new_address() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;
        let id = user_id(&site, "processor@sunrise.example").await;
        let (status, body) = form(
            &site,
            "/api/admin/users/email",
            &format!("user_id={id}&email=admin%40sunrise.example"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "taken: {body}");
        // A user who also works elsewhere: only the plan may change their username.
        let multi = user_id(&site, "multi@sunrise.example").await;
        let (status, _) = form(
            &site,
            "/api/admin/users/email",
            &format!("user_id={multi}&email=m%40sunrise.example"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        // Another office's account cannot be pulled in by typing its email.
        let (status, body) = add(&site, &admin, "network@coastal.example").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("My Collections"));
        // The administrator's passcode must be fresh (5 minutes).
        site.clock.advance(5 * 60);
        let (status, body) = form(
            &site,
            "/api/admin/users/email",
            &format!("user_id={id}&email=pia%40sunrise.example"),
            Some(&admin),
        )
        .await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::FORBIDDEN, Some("StepUpRequired"))
        );
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (status, _) = form(
            &site,
            "/api/admin/users/email",
            &format!("user_id={id}&email=pia%40sunrise.example"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let unchanged: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&site.state.db.pool)
            .await
            .unwrap();
        assert_eq!(
            unchanged, "processor@sunrise.example",
            "nothing changes before confirmation"
        );

        let link = last_message_to(&site, "pia@sunrise.example").await.links[0].clone();
        assert!(link.contains("/email/confirm?t="));
        site.clock.advance(24 * 3600 + 1);
        let (status, expired) = form(
            &site,
            "/api/email/confirm",
            &format!("t={}", t_of(&link)),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(expired.to_string().contains("expired"));

        // A reset link that went to the old address …
        form(
            &site,
            "/api/password/forgot",
            "email=processor%40sunrise.example",
            None,
        )
        .await;
        let reset = last_message_to(&site, "processor@sunrise.example")
            .await
            .links[0]
            .clone();
        let admin = session_of(&site, "admin@sunrise.example").await;
        form(
            &site,
            "/api/admin/users/email",
            &format!("user_id={id}&email=pia%40sunrise.example"),
            Some(&admin),
        )
        .await;
        let link = last_message_to(&site, "pia@sunrise.example").await.links[0].clone();
        let (status, body) = form(
            &site,
            "/api/email/confirm",
            &format!("t={}", t_of(&link)),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, "pia@sunrise.example");
        // … stops working once the address is no longer the user's.
        let (_, step) = form(
            &site,
            "/api/password/link",
            &format!("t={}", t_of(&reset)),
            None,
        )
        .await;
        assert!(step.get("Invalid").is_some(), "{step}");
        let (status, _) = form(
            &site,
            "/api/email/confirm",
            &format!("t={}", t_of(&link)),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "single use");
        let (status, _) = site.post("/api/dashboard", "", Some(&processor)).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "sessions under the old username ended"
        );
        let (status, cookie, _) = log_in(&site, "pia@sunrise.example", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::OK);
        assert!(cookie.is_some());
        assert_eq!(
            last_message_to(&site, "processor@sunrise.example")
                .await
                .subject,
            "Your Poppy Health Provider Portal email address changed"
        );
    }
}

/// Every administration function refuses a Processor (403) and hides other organizations'
/// users (404).
#[tokio::test]
async fn only_an_org_admin_of_the_users_organization_may_administer() {
    for site in sites(false).await {
        let processor = session_of(&site, "processor@sunrise.example").await;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let admin_id = user_id(&site, "admin@sunrise.example").await;
        let harbor_only = user_id(&site, "network@coastal.example").await;
        let form_calls = [
            ("/api/admin/users", "search=".to_string()),
            ("/api/admin/users/detail", format!("user_id={admin_id}")),
            (
                "/api/admin/users/status",
                format!("user_id={admin_id}&active=false"),
            ),
            (
                "/api/admin/users/resend-invitation",
                format!("user_id={admin_id}"),
            ),
            (
                "/api/admin/users/email",
                format!("user_id={admin_id}&email=x%40sunrise.example"),
            ),
            ("/api/admin/wizard", format!("user_id={admin_id}")),
            (
                "/api/admin/wizard/save",
                format!("user_id={admin_id}&from=2&to=finish&form[org_role]=none"),
            ),
            (
                "/api/admin/wizard/correspondence",
                format!("user_id={admin_id}&providers[]=1"),
            ),
            ("/api/admin/domains", String::new()),
            (
                "/api/admin/domains/remove",
                "domain=sunrise.example".to_string(),
            ),
        ];
        for (path, body) in &form_calls {
            let (status, _) = form(&site, path, body, Some(&processor)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            let (status, _) = form(&site, path, body, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        }
        let (status, _) = add_form(
            &site,
            &processor,
            ["x@sunrise.example", "X", "Y", "(916) 555-3100"],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The admin of Sunrise asking about a user of another organization: not found.
        for (path, body) in [
            ("/api/admin/users/detail", format!("user_id={harbor_only}")),
            (
                "/api/admin/users/status",
                format!("user_id={harbor_only}&active=false"),
            ),
            (
                "/api/admin/users/email",
                format!("user_id={harbor_only}&email=y%40sunrise.example"),
            ),
            ("/api/admin/wizard", format!("user_id={harbor_only}")),
        ] {
            let (status, _) = form(&site, path, &body, Some(&admin)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        let (status, _) = wizard_step(
            &site,
            &admin,
            harbor_only,
            2,
            "finish",
            "&form[org_role]=none",
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Nothing changed for the users asked about.
        let (_, users) = form(&site, "/api/admin/users", "search=", Some(&admin)).await;
        assert!(
            users
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["email"].as_str().unwrap().ends_with("@sunrise.example")),
            "{users}"
        );
        let _ = org_id(&site, "Sunrise Family Clinic").await;
    }
}

#[tokio::test]
async fn verify_users_every_sixty_days_or_the_office_is_suspended_until_reinstated() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        // Demo: verified ten days ago.
        let (_, summary) = form(&site, "/api/admin/verify/summary", "", Some(&admin)).await;
        assert_eq!(summary["days_left"], 50);
        assert_eq!(summary["state"], "Current");
        site.clock.advance(35 * 86_400);
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, summary) = form(&site, "/api/admin/verify/summary", "", Some(&admin)).await;
        assert_eq!(
            (summary["days_left"].as_i64(), summary["state"].as_str()),
            (Some(15), Some("DueSoon"))
        );

        // Partial work is kept ("Save & Close"); confirming needs every user.
        let (_, list) = form(&site, "/api/admin/verify", "", Some(&admin)).await;
        let ids: Vec<i64> = list["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 3);
        let (status, _) = form(
            &site,
            "/api/admin/verify/user",
            &format!("user_id={}", ids[0]),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = form(&site, "/api/admin/verify/confirm", "", Some(&admin)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.to_string().contains("2 left"));

        // Past the deadline: the processor loses access, the admin may only verify.
        site.clock.advance(16 * 86_400);
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, summary) = form(&site, "/api/admin/verify/summary", "", Some(&admin)).await;
        assert_eq!(
            (summary["state"].as_str(), summary["lapsed"].as_bool()),
            (Some("Expired"), Some(true))
        );
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (status, body) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::FORBIDDEN, Some("AccessSuspended"))
        );
        let (status, _) = form(&site, "/api/admin/users", "search=", Some(&admin)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only Verify Users");
        let (_, session) = form(&site, "/api/session", "", Some(&admin)).await;
        assert_eq!(session["user"]["organization_lapsed"], true);
        for id in &ids[1..] {
            site.clock.advance(1);
            form(
                &site,
                "/api/admin/verify/user",
                &format!("user_id={id}"),
                Some(&admin),
            )
            .await;
        }
        let (status, next) = form(&site, "/api/admin/verify/confirm", "", Some(&admin)).await;
        assert_eq!(
            (status, next.as_str()),
            (StatusCode::OK, Some("/admin/verify?confirmed=1"))
        );
        // The page then says everyone else waits for the plan to reinstate the office.
        let (_, summary) = form(&site, "/api/admin/verify/summary", "", Some(&admin)).await;
        assert_eq!(
            (summary["lapsed"].as_bool(), summary["submitted"].as_bool()),
            (Some(true), Some(true)),
            "{summary}"
        );
        let (status, _) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "still suspended until the plan reinstates"
        );

        // The plan reinstates: everyone is back, with 60 new days.
        let ops = session_of(&site, "ops@poppy.example").await;
        let (status, _) = form(
            &site,
            "/api/operator/offices/reinstate",
            &format!(
                "organization_id={}",
                org_id(&site, "Sunrise Family Clinic").await
            ),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only plan staff");
        let (_, offices) = form(&site, "/api/operator/offices", "", Some(&ops)).await;
        let sunrise = offices
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "Sunrise Family Clinic")
            .unwrap();
        assert_eq!(sunrise["suspended"], true);
        let (status, _) = form(
            &site,
            "/api/operator/offices/reinstate",
            &format!("organization_id={}", sunrise["id"]),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, summary) = form(&site, "/api/admin/verify/summary", "", Some(&admin)).await;
        assert_eq!(summary["days_left"], 60);

        // Revoking suspends the office at once and signs its users out of it.
        let (status, _) = form(
            &site,
            "/api/operator/offices/revoke",
            &format!("organization_id={}", sunrise["id"]),
            Some(&ops),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn confirming_in_time_restarts_the_sixty_days() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, list) = form(&site, "/api/admin/verify", "", Some(&admin)).await;
        for user in list["users"].as_array().unwrap() {
            site.clock.advance(1);
            form(
                &site,
                "/api/admin/verify/user",
                &format!("user_id={}", user["id"]),
                Some(&admin),
            )
            .await;
        }
        let (status, _) = form(&site, "/api/admin/verify/confirm", "", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, summary) = form(&site, "/api/admin/verify/summary", "", Some(&admin)).await;
        assert_eq!(summary["days_left"], 60);
        let (_, list) = form(&site, "/api/admin/verify", "", Some(&admin)).await;
        assert!(
            list["users"]
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["verified"] == false),
            "a new round starts"
        );
    }
}

#[tokio::test]
async fn a_removed_user_leaves_with_a_separation_date_and_a_reason() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = session_of(&site, "processor@sunrise.example").await;
        let id = user_id(&site, "processor@sunrise.example").await;
        let (status, body) = form(
            &site,
            "/api/admin/users/remove",
            &format!("user_id={id}&separation_date=13%2F45%2F2026&reason="),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body["Validation"].get("separation_date").is_some()
                && body["Validation"].get("reason").is_some(),
            "{body}"
        );
        let (status, _) = form(
            &site,
            "/api/admin/users/remove",
            &format!("user_id={id}&separation_date=05%2F27%2F2026&reason=Left+the+practice"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "signed out of the organization"
        );
        let (_, users) = form(&site, "/api/admin/users", "search=", Some(&admin)).await;
        assert!(
            users.as_array().unwrap().iter().all(|u| u["id"] != id),
            "no longer listed"
        );
        let (status, _) = form(
            &site,
            "/api/admin/users/detail",
            &format!("user_id={id}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (date, reason): (String, String) = sqlx::query_as(
            "SELECT separation_date, removal_reason FROM memberships WHERE user_id = $1",
        )
        .bind(id)
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            (date.as_str(), reason.as_str()),
            ("2026-05-27", "Left the practice")
        );
        let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM npi_permissions n JOIN memberships m ON m.id = n.membership_id WHERE m.user_id = $1")
            .bind(id)
            .fetch_one(&site.state.db.pool)
            .await
            .unwrap();
        assert_eq!(grants, 0);
    }
}

#[tokio::test]
async fn training_comes_first_and_again_every_year() {
    for site in sites(false).await {
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (status, _) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "demo users took this year's training"
        );
        // Into next year (password and verification renewed meanwhile: only the training is due).
        let next_year = site
            .state
            .settings
            .calendar
            .start_of(jiff::civil::date(2027, 1, 2))
            .unwrap();
        site.clock.advance(next_year - site.state.clock.unix());
        for update in [
            "UPDATE organizations SET verified_at = $1",
            "UPDATE users SET password_changed_at = $1",
        ] {
            sqlx::query(update)
                .bind(next_year)
                .execute(&site.state.db.pool)
                .await
                .unwrap();
        }
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (status, body) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::FORBIDDEN, Some("TrainingRequired"))
        );
        // Nothing else answers before the training, the provider search of My Collections neither.
        let (status, body) = form(
            &site,
            "/api/access/providers",
            "group=false&name=sunrise&tax_id=",
            Some(&processor),
        )
        .await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::FORBIDDEN, Some("TrainingRequired"))
        );
        let (_, info) = form(&site, "/api/training", "", Some(&processor)).await;
        assert_eq!(info["admin"], false, "the staff training");
        form(
            &site,
            "/api/training/complete",
            "completed=true",
            Some(&processor),
        )
        .await;
        let (status, _) = form(&site, "/api/dashboard", "", Some(&processor)).await;
        assert_eq!(status, StatusCode::OK);
    }
}

/// A streamed page (resources resolved after the shell) still runs: every inline script carries
/// the nonce the CSP header names.
#[tokio::test]
async fn every_script_of_a_streamed_page_carries_the_csp_nonce() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, id) = add(&site, &admin, "nina@sunrise.example").await;
        let response = site
            .send(get(&format!("/admin/users/{id}/permissions"), Some(&admin)))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let nonce = csp_nonce(&response);
        let html = body_text(response).await;
        let scripts: Vec<&str> = html
            .split("<script")
            .skip(1)
            .map(|s| s.split('>').next().unwrap())
            .collect();
        assert!(scripts.len() >= 2, "{html}");
        for tag in scripts {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "<script{tag}> lacks the nonce {nonce}"
            );
        }
    }
}

/// Two admins deactivating each other at the same moment: one of them stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_demotions_keep_one_admin() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        sqlx::query(
            "UPDATE memberships SET org_role = 'admin' WHERE user_id = (SELECT id FROM users WHERE email = 'processor@sunrise.example')",
        )
        .execute(db)
        .await
        .unwrap();
        let grace = session_of(&site, "admin@sunrise.example").await;
        let pat = session_of(&site, "processor@sunrise.example").await;
        let (grace_id, pat_id) = (
            user_id(&site, "admin@sunrise.example").await,
            user_id(&site, "processor@sunrise.example").await,
        );
        let (first, second) = (
            format!("user_id={pat_id}&active=false"),
            format!("user_id={grace_id}&active=false"),
        );
        // Two workers, released together: the two requests truly run at once.
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let send = |body: String, cookie: String| {
            let (router, start) = (site.router.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let request = post_form("/api/admin/users/status", &body, Some(&cookie));
                tower::ServiceExt::oneshot(router, request)
                    .await
                    .unwrap()
                    .status()
            })
        };
        let (a, b) = (send(first, grace), send(second, pat));
        let mut statuses = [a.await.unwrap(), b.await.unwrap()];
        statuses.sort();
        assert_eq!(
            statuses[0],
            StatusCode::OK,
            "exactly one succeeds: {statuses:?}"
        );
        // The other is refused: as the last admin, because it no longer is one, or because
        // its deactivation, landing first, ended its sessions in the organization.
        assert!(
            [
                StatusCode::CONFLICT,
                StatusCode::FORBIDDEN,
                StatusCode::UNAUTHORIZED
            ]
            .contains(&statuses[1]),
            "{statuses:?}"
        );
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships m JOIN organizations o ON o.id = m.organization_id \
             WHERE o.name = 'Sunrise Family Clinic' AND m.org_role = 'admin' AND m.status = 'active'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(admins, 1);
    }
}

#[tokio::test]
async fn the_registration_letter_is_for_org_admins_and_every_download_is_audited() {
    for site in sites(false).await {
        let sunrise = org_id(&site, "Sunrise Family Clinic").await;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let response = site
            .send(get("/downloads/registration-letter", Some(&admin)))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "application/pdf");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"registration-letter.pdf\""
        );
        let pdf = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_text(&pdf);
        assert!(
            text.contains("Sunrise Family Clinic"),
            "names the office: {text}"
        );
        let downloads: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'download' AND organization_id = $1 AND subject = $2",
        )
        .bind(sunrise)
        .bind(format!("organization:{sunrise}"))
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(downloads, 1);

        let processor = session_of(&site, "processor@sunrise.example").await;
        let refused = site
            .send(get("/downloads/registration-letter", Some(&processor)))
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let signed_out = site.send(get("/downloads/registration-letter", None)).await;
        assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);

        // A page the caller may not use is one "no access" screen, not the page with errors.
        let page = site.send(get("/admin/users", Some(&processor))).await;
        assert_eq!(page.status(), StatusCode::FORBIDDEN);
        let html = body_text(page).await;
        assert!(
            html.contains("You do not have access to this page"),
            "{html}"
        );
        assert!(!html.contains("Add a User") && !html.contains("Task List"));
        let page = site.send(get("/admin/users", Some(&admin))).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(body_text(page).await.contains("Add a User"));
    }
}

#[tokio::test]
async fn a_user_with_no_active_organization_is_told_why() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let processor = user_id(&site, "processor@sunrise.example").await;
        let (status, _) = form(
            &site,
            "/api/admin/users/status",
            &format!("user_id={processor}&active=false"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let cookie = session_of(&site, "processor@sunrise.example").await;
        let page = site.send(get("/select-organization", Some(&cookie))).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = body_text(page).await;
        assert!(
            html.contains("Your access to Sunrise Family Clinic was deactivated. Contact your office administrator."),
            "{html}"
        );
        assert!(html.contains("Add a New Organization") && html.contains("My Collections"));
    }
}

/// The check of an office's last admin and the change that follows hold the organization's
/// row: a second administrator's check waits for the first one's change, so two admins cannot
/// demote each other. Deterministic: the second transaction is given time to run ahead, which
/// it can only do without the lock (and then both demotions go through, or SQLite refuses the
/// first one's stale write).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organization_lock_serializes_last_admin_checks() {
    use app::ssr::repo::memberships;
    for site in sites(false).await {
        let db = site.state.db.clone();
        let sunrise = org_id(&site, "Sunrise Family Clinic").await;
        let (grace, pat) = (
            user_id(&site, "admin@sunrise.example").await,
            user_id(&site, "processor@sunrise.example").await,
        );
        sqlx::query(
            "UPDATE memberships SET org_role = 'admin' WHERE user_id = $1 AND organization_id = $2",
        )
        .bind(pat)
        .bind(sunrise)
        .execute(&db.pool)
        .await
        .unwrap();
        let membership = |user: i64| {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(
                    "SELECT id FROM memberships WHERE user_id = $1 AND organization_id = $2",
                )
                .bind(user)
                .bind(sunrise)
                .fetch_one(&db.pool)
                .await
                .unwrap()
            }
        };
        let (grace_m, pat_m) = (membership(grace).await, membership(pat).await);

        // Grace checks that Pat is not the last admin, and holds on before demoting.
        let mut first = memberships::lock_organization(&db, sunrise).await.unwrap();
        assert!(!memberships::last_admin(&mut first, sunrise, pat)
            .await
            .unwrap());
        // Pat does the same about Grace, on another connection.
        let second = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = memberships::lock_organization(&db, sunrise).await?;
                if memberships::last_admin(&mut tx, sunrise, grace).await? {
                    return Ok::<bool, sqlx::Error>(false);
                }
                memberships::deactivate(&mut tx, NOW, grace_m, grace, sunrise).await?;
                tx.commit().await?;
                Ok(true)
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        memberships::deactivate(&mut first, NOW, pat_m, pat, sunrise)
            .await
            .unwrap();
        first.commit().await.unwrap();
        let second_demoted = second.await.unwrap().unwrap();
        assert!(!second_demoted, "the second check saw the first demotion");
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND org_role = 'admin' AND status = 'active'",
        )
        .bind(sunrise)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(admins, 1);
    }
}
