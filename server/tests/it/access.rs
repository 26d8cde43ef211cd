//! Access requests over HTTP, on every database backend: "Register as a New User", the Task
//! List, "My Collections", the overdue list and the Collection Manager.

use crate::common::*;
use axum::http::{header, StatusCode};
use serde_json::{json, Value};

/// A request with its response's cookies kept, the way the browser keeps the draft cookie.
async fn send(
    site: &Site,
    path: &str,
    body: Value,
    json_body: bool,
    cookie: &mut Option<String>,
) -> (StatusCode, Value) {
    let request = if json_body {
        post_json(path, body, cookie.as_deref())
    } else {
        post_form(path, body.as_str().unwrap_or_default(), cookie.as_deref())
    };
    let response = site.send(request).await;
    if let Some(set) = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portal_access_request="))
    {
        let pair = set.split(';').next().unwrap().to_string();
        *cookie = (!set.contains("Max-Age=0")).then_some(pair);
    }
    let status = response.status();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A JSON object of fields (`{"form": {…}}`) as the browser posts it: `form[name]=value`.
fn form_of(value: Value) -> Value {
    let mut pairs = Vec::new();
    for (outer, fields) in value.as_object().unwrap() {
        for (name, field) in fields.as_object().unwrap() {
            pairs.push(format!(
                "{outer}%5B{name}%5D={}",
                enc(field.as_str().unwrap())
            ));
        }
    }
    Value::String(pairs.join("&"))
}

fn request_form(email: &str) -> Value {
    json!({ "form": {
        "first_name": "Rita", "last_name": "Reyes", "provider_address": "100 Capitol Mall, Sacramento, CA 95814",
        "mobile": "(916) 555-4100", "email": email, "position": "Referral Coordinator", "position_other": ""
    }})
}

/// Takes a new user's request up to "Find Your Provider"; answers the draft cookie.
async fn up_to_provider(site: &Site, email: &str) -> Option<String> {
    let mut cookie = None;
    let (status, step) = send(
        site,
        "/api/access/start",
        form_of(request_form(email)),
        false,
        &mut cookie,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{step}");
    let code = last_message_to(site, email).await.codes[0].clone();
    let (_, step) = send(
        site,
        "/api/access/verify",
        json!(format!("code={code}")),
        false,
        &mut cookie,
    )
    .await;
    assert_eq!(step, "Terms");
    let (_, step) = send(site, "/api/access/terms", json!(""), false, &mut cookie).await;
    assert_eq!(step, "Provider");
    cookie
}

async fn sunrise_provider(site: &Site) -> (i64, String) {
    sqlx::query_as(
        "SELECT p.id, p.name FROM providers p JOIN organizations o ON o.id = p.organization_id \
         WHERE o.name = 'Sunrise Family Clinic' AND p.kind = 'practitioner' ORDER BY p.npi LIMIT 1",
    )
    .fetch_one(&site.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_new_user_asks_for_access_and_the_office_admin_accepts() {
    for site in sites(false).await {
        let mut cookie = None;
        // Bad input is named field by field; an email with an account is sent to My Collections.
        // A name that carries a web address into the admins' email is refused too.
        let (status, body) = send(&site, "/api/access/start", form_of(json!({ "form": {
            "first_name": "", "last_name": "Visit evil.com", "provider_address": "", "mobile": "12", "email": "rita@", "position": "", "position_other": ""
        }})), false, &mut cookie).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in [
            "first_name",
            "last_name",
            "provider_address",
            "mobile",
            "email",
            "position",
        ] {
            assert!(body["Validation"].get(field).is_some(), "{field}: {body}");
        }
        // An address with an account gets the same answer; its owner is told how to ask instead.
        let (status, step) = send(
            &site,
            "/api/access/start",
            form_of(request_form("processor@sunrise.example")),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(step["Verify"]["email"], "processor@sunrise.example");
        let told = last_message_to(&site, "processor@sunrise.example").await;
        assert!(
            told.body.contains("My Collections") && told.codes.is_empty(),
            "{}",
            told.body
        );
        // The page goes on the same way, but no passcode was sent and none is accepted.
        assert!(cookie.is_some(), "the same answer: a request to go on with");
        let (status, body) = send(
            &site,
            "/api/access/verify",
            json!("code=123456"),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.to_string().contains("not correct"), "{body}");
        cookie = None;

        // The passcode goes by email and works for 15 minutes.
        let (_, step) = send(
            &site,
            "/api/access/start",
            form_of(request_form("rita@example.org")),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(step["Verify"]["email"], "rita@example.org");
        let sent = last_message_to(&site, "rita@example.org").await;
        assert!(sent.body.contains("15 minutes"), "{}", sent.body);
        site.clock.advance(15 * 60 + 1);
        let (status, body) = send(
            &site,
            "/api/access/verify",
            json!(format!("code={}", sent.codes[0])),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("expired"));
        let (_, step) = send(&site, "/api/access/resend", json!(""), false, &mut cookie).await;
        assert!(step.get("Verify").is_some());
        site.clock.advance(14 * 60);
        let code = last_message_to(&site, "rita@example.org").await.codes[0].clone();
        let (_, step) = send(
            &site,
            "/api/access/verify",
            json!(format!("code={code}")),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(step, "Terms");

        // The provider search opens only at the provider step (or to signed-in users).
        let (status, _) = form(
            &site,
            "/api/access/providers",
            "group=false&name=sun&tax_id=",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = send(
            &site,
            "/api/access/providers",
            json!("group=false&name=a&tax_id="),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "not before the terms");
        send(&site, "/api/access/terms", json!(""), false, &mut cookie).await;
        let (status, body) = send(
            &site,
            "/api/access/providers",
            json!("group=false&name=a&tax_id="),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (_, by_tax) = send(
            &site,
            "/api/access/providers",
            json!("group=false&name=&tax_id=94-1234567"),
            false,
            &mut cookie,
        )
        .await;
        let practitioners = by_tax.as_array().unwrap();
        assert!(!practitioners.is_empty());
        assert!(practitioners
            .iter()
            .all(|p| p["organization"] == "Sunrise Family Clinic"));
        let (_, groups) = send(
            &site,
            "/api/access/providers",
            json!("group=true&name=&tax_id=94-1234567"),
            false,
            &mut cookie,
        )
        .await;
        assert!(
            groups
                .as_array()
                .unwrap()
                .iter()
                .all(|g| !practitioners.contains(g)),
            "two kinds of search"
        );
        let (_, unregistered) = send(
            &site,
            "/api/access/providers",
            json!("group=true&name=&tax_id=94-7654321"),
            false,
            &mut cookie,
        )
        .await;
        assert_eq!(unregistered, json!([]), "Oak Street has not registered");

        let (provider_id, provider_name) = sunrise_provider(&site).await;
        let (_, step) = send(
            &site,
            "/api/access/provider",
            json!(format!("provider_id={provider_id}")),
            false,
            &mut cookie,
        )
        .await;
        let summary = step["Review"]["summary"].to_string();
        assert!(
            summary.contains(&provider_name) && summary.contains("Referral Coordinator"),
            "{summary}"
        );
        let (_, step) = send(&site, "/api/access/submit", json!(""), false, &mut cookie).await;
        assert_eq!(step, "ThankYou");
        // A reload still thanks; the request cannot be sent twice.
        let (_, step) = send(&site, "/api/access/step", json!(""), false, &mut cookie).await;
        assert_eq!(step, "ThankYou");
        let (status, _) = send(&site, "/api/access/submit", json!(""), false, &mut cookie).await;
        assert_eq!(status, StatusCode::CONFLICT);

        // The office's admin is told and finds it in the Task List.
        let told = last_message_to(&site, "admin@sunrise.example").await;
        assert!(told.body.contains("Rita Reyes") && told.links[0].contains("/admin/tasks?id="));
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, tasks) = form(&site, "/api/admin/tasks", "", Some(&admin)).await;
        let id = tasks[0]["id"].as_i64().unwrap();
        assert_eq!(tasks[0]["name"], "Rita Reyes");
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (status, _) = form(&site, "/api/admin/tasks", "", Some(&processor)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let multi = session_of(&site, "multi@sunrise.example").await;
        let harbor: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Harbor Pediatrics'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        let (_, switched) = site
            .post(
                "/api/switch-organization",
                &format!("organization_id={harbor}"),
                Some(&multi),
            )
            .await;
        let harbor_admin = cookie_from(&switched, "portal_session").unwrap();
        let (status, _) = form(
            &site,
            "/api/admin/tasks/detail",
            &format!("id={id}"),
            Some(&harbor_admin),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another office's request");

        // As the browser posts the form.
        let decision = |preset: &str, position: &str| {
            json!(format!(
                "id={id}&decision[accept]=true&decision[preset]={preset}&decision[position]={position}"
            ))
        };
        let (status, body) = send(
            &site,
            "/api/admin/tasks/decide",
            decision("ClaimsViewer", "Other"),
            false,
            &mut Some(admin.clone()),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Other needs text: {body}"
        );
        let (status, body) = send(
            &site,
            "/api/admin/tasks/decide",
            decision("ClaimsViewer", "Nurse"),
            false,
            &mut Some(admin.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = send(
            &site,
            "/api/admin/tasks/decide",
            decision("ClaimsViewer", "Nurse"),
            false,
            &mut Some(admin.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "decided once");

        let (role, preset, position): (String, String, String) = sqlx::query_as(
            "SELECT m.org_role, m.role_preset, m.position FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'rita@example.org'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            (role.as_str(), preset.as_str(), position.as_str()),
            ("processor", "Claims Viewer", "Nurse")
        );
        let link = last_message_to(&site, "rita@example.org").await.links[0].clone();
        assert!(link.contains("/password/set?t="));
        let (status, _) = use_link(&site, &link, "Rita-Reyes-Portal-Pass-31").await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, _) = log_in(&site, "rita@example.org", "Rita-Reyes-Portal-Pass-31").await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn an_unsubmitted_request_is_kept_for_a_day() {
    for site in sites(false).await {
        let mut cookie = up_to_provider(&site, "kay@example.org").await;
        site.clock.advance(24 * 3600 - 1);
        let (_, step) = send(&site, "/api/access/step", json!(""), false, &mut cookie).await;
        assert_eq!(step, "Provider", "resumed where it was");
        site.clock.advance(1);
        let (_, step) = send(&site, "/api/access/step", json!(""), false, &mut cookie).await;
        assert_eq!(step, "Form", "a day later it starts over");
        let (status, _) = send(&site, "/api/access/terms", json!(""), false, &mut cookie).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn starting_requests_for_one_address_is_limited() {
    use app::access_request::ssr::MAX_STARTS_PER_HOUR;
    for site in sites(false).await {
        for _ in 0..MAX_STARTS_PER_HOUR {
            let (status, _) = send(
                &site,
                "/api/access/start",
                form_of(request_form("sam@example.org")),
                false,
                &mut None,
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
        let (status, _) = send(
            &site,
            "/api/access/start",
            form_of(request_form("sam@example.org")),
            false,
            &mut None,
        )
        .await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        site.clock.advance(3601);
        let (status, _) = send(
            &site,
            "/api/access/start",
            form_of(request_form("sam@example.org")),
            false,
            &mut None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "an hour later");
    }
}

#[tokio::test]
async fn a_declined_request_needs_a_reason_and_an_office_without_an_agreement_cannot_accept() {
    for site in sites(false).await {
        let mut cookie = up_to_provider(&site, "dan@example.org").await;
        let (provider_id, _) = sunrise_provider(&site).await;
        send(
            &site,
            "/api/access/provider",
            json!(format!("provider_id={provider_id}")),
            false,
            &mut cookie,
        )
        .await;
        send(&site, "/api/access/submit", json!(""), false, &mut cookie).await;
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, tasks) = form(&site, "/api/admin/tasks", "", Some(&admin)).await;
        let id = tasks[0]["id"].as_i64().unwrap();

        sqlx::query("UPDATE organizations SET access_agreement_at = NULL WHERE name = 'Sunrise Family Clinic'").execute(&site.state.db.pool).await.unwrap();
        let accept = json!(format!(
            "id={id}&decision[accept]=true&decision[preset]=Pcp&decision[position]=Nurse"
        ));
        let (status, body) = send(
            &site,
            "/api/admin/tasks/decide",
            accept,
            false,
            &mut Some(admin.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.to_string().contains("Access Agreement"), "{body}");

        let decline = |reason: &str| {
            json!(format!(
                "id={id}&decision[accept]=false&decision[reason]={}",
                reason.replace(' ', "+")
            ))
        };
        let (status, body) = send(
            &site,
            "/api/admin/tasks/decide",
            decline("  "),
            false,
            &mut Some(admin.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["Validation"].get("reason").is_some());
        // The reason is emailed: no web addresses in it.
        let (status, body) = send(
            &site,
            "/api/admin/tasks/decide",
            decline("see https://evil.example/login"),
            false,
            &mut Some(admin.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["Validation"].get("reason").is_some(), "{body}");
        // Only plan staff record an office's access agreement.
        let ops = session_of(&site, "ops@poppy.example").await;
        let sunrise: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Sunrise Family Clinic'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        let (status, _) = site
            .post(
                "/api/operator/offices/agreement",
                &format!("organization_id={sunrise}"),
                Some(&admin),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = site
            .post(
                "/api/operator/offices/agreement",
                &format!("organization_id={sunrise}"),
                Some(&ops),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = site
            .post(
                "/api/operator/offices/agreement",
                &format!("organization_id={sunrise}"),
                Some(&ops),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "already on file");
        let (status, _) = send(
            &site,
            "/api/admin/tasks/decide",
            decline("Not on our staff list"),
            false,
            &mut Some(admin.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let told = last_message_to(&site, "dan@example.org").await;
        assert!(
            told.body.contains("declined") && told.body.contains("Not on our staff list"),
            "{}",
            told.body
        );
        let users: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'dan@example.org'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        assert_eq!(users, 0, "no account for a declined request");
    }
}

#[tokio::test]
async fn my_collections_overdue_requests_and_the_collection_manager() {
    for site in sites(false).await {
        // The processor of Sunrise asks to join Harbor Pediatrics.
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (_, found) = form(
            &site,
            "/api/access/providers",
            "group=false&name=&tax_id=94-2345678",
            Some(&processor),
        )
        .await;
        let harbor_provider = found
            .as_array()
            .and_then(|f| f.first())
            .cloned()
            .unwrap_or_else(|| panic!("{found}"));
        let (status, _) = form(
            &site,
            "/api/collections/request",
            &format!("provider_id={}", harbor_provider["provider_id"]),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = form(
            &site,
            "/api/collections/request",
            &format!("provider_id={}", harbor_provider["provider_id"]),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "already pending");
        let (_, rows) = form(&site, "/api/collections", "", Some(&processor)).await;
        let statuses: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, vec!["Active", "Pending"]);

        // Undecided for 3 days: on the plan's overdue list.
        let ops = session_of(&site, "ops@poppy.example").await;
        let (_, overdue) = form(&site, "/api/operator/overdue-requests", "", Some(&ops)).await;
        assert_eq!(overdue, json!([]));
        site.clock.advance(3 * 86_400);
        let ops = session_of(&site, "ops@poppy.example").await;
        let (_, overdue) = form(&site, "/api/operator/overdue-requests", "", Some(&ops)).await;
        assert_eq!(overdue[0]["office"], "Harbor Pediatrics", "{overdue}");
        let processor = session_of(&site, "processor@sunrise.example").await;
        let (status, _) = form(
            &site,
            "/api/operator/overdue-requests",
            "",
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Harbor's admin accepts; the processor can then make Harbor the default.
        let multi = session_of(&site, "multi@sunrise.example").await;
        let harbor: i64 =
            sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Harbor Pediatrics'")
                .fetch_one(&site.state.db.pool)
                .await
                .unwrap();
        let (_, switched) = site
            .post(
                "/api/switch-organization",
                &format!("organization_id={harbor}"),
                Some(&multi),
            )
            .await;
        let harbor_admin = cookie_from(&switched, "portal_session").unwrap();
        let (_, tasks) = form(&site, "/api/admin/tasks", "", Some(&harbor_admin)).await;
        assert_eq!(tasks[0]["existing_user"], true);
        let accept = json!(format!(
            "id={}&decision[accept]=true&decision[preset]=CustomSetup&decision[modules][]=Roster&decision[position]=Nurse",
            tasks[0]["id"]
        ));
        let (status, body) = send(
            &site,
            "/api/admin/tasks/decide",
            accept,
            false,
            &mut Some(harbor_admin.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, rows) = form(&site, "/api/collections", "", Some(&processor)).await;
        assert_eq!(rows.as_array().unwrap().len(), 2);
        assert!(rows
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "Active"));
        let (status, _) = form(
            &site,
            "/api/collections/default",
            &format!("organization_id={harbor}"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, rows) = form(&site, "/api/collections", "", Some(&processor)).await;
        let default: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["is_default"] == true)
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(default, vec!["Harbor Pediatrics"]);
        let coastal: i64 = sqlx::query_scalar(
            "SELECT id FROM organizations WHERE name = 'Coastal Health Network'",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        let (status, _) = form(
            &site,
            "/api/collections/default",
            &format!("organization_id={coastal}"),
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // The Collection Manager of an admin of Sunrise: search and filters.
        let admin = session_of(&site, "admin@sunrise.example").await;
        let all = |q: &str| {
            let q = q.to_string();
            let admin = admin.clone();
            let site = &site;
            async move {
                form(site, "/api/admin/collections", &q, Some(&admin))
                    .await
                    .1
            }
        };
        let data = all("providers=&tin=&users=&status=&role=").await;
        assert_eq!(data["tins"], json!(["941234567"]));
        assert_eq!(data["providers"].as_array().unwrap().len(), 6);
        let npi = data["providers"][0]["npi"].as_str().unwrap().to_string();
        let by_id = all(&format!("providers={npi}&tin=&users=&status=&role=")).await;
        assert_eq!(by_id["providers"].as_array().unwrap().len(), 1);
        let admins = all("providers=&tin=&users=&status=&role=admin").await;
        assert_eq!(admins["users"].as_array().unwrap().len(), 1);
        let by_email = all("providers=&tin=&users=processor%40&status=active&role=").await;
        assert_eq!(by_email["users"][0]["email"], "processor@sunrise.example");
        let none = all("providers=&tin=999999999&users=&status=&role=").await;
        assert_eq!(none["providers"], json!([]));
        let (status, _) = form(
            &site,
            "/api/admin/collections",
            "providers=&tin=&users=&status=&role=",
            Some(&processor),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
