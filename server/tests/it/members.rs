//! Member Lookup and the Member Facesheet: only members associated with the organization
//! (its providers are their PCP, or it is their health network), found by any of their IDs or
//! by name; the facesheet's tabs follow the modules held, and every view is audited.

use crate::common::*;
use axum::http::StatusCode;

fn by_id(id: &str) -> String {
    format!(
        "search[by]=id&search[member_id]={}&search[last_name]=&search[first_name]=&search[date_of_birth]=&search[city]=",
        enc(id)
    )
}

/// (id, CIN, MEDS ID, MBI, last name, first name, birth date, city) of a member whose PCP
/// belongs to `organization`, with an MBI when `with_mbi`.
async fn member_of(
    site: &Site,
    organization: &str,
    with_mbi: bool,
) -> (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
) {
    sqlx::query_as(
        "SELECT m.id, m.cin, m.meds_id, m.mbi, m.last_name, m.first_name, m.date_of_birth, m.city FROM members m \
         JOIN providers p ON p.id = m.pcp_provider_id JOIN organizations o ON o.id = p.organization_id \
         WHERE o.name = $1 AND (m.mbi IS NOT NULL) = $2 AND m.health_network LIKE 'Poppy%' ORDER BY m.id LIMIT 1",
    )
    .bind(organization)
    .bind(with_mbi)
    .fetch_one(&site.state.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_member_is_found_by_any_id_or_by_name_only_where_associated() {
    for site in sites(false).await {
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (_, cin, meds, mbi, last, first, born, city) =
            member_of(&site, "Sunrise Family Clinic", true).await;
        let mbi = mbi.unwrap();
        let dashed_mbi = format!("{}-{}-{}", &mbi[..4], &mbi[4..7], &mbi[7..]);
        let dashed_cin = format!("{}-{}", &cin[..4], &cin[4..].to_lowercase());
        for id in [cin.clone(), dashed_cin, format!("MEDS {meds}"), dashed_mbi] {
            let (status, found) =
                form(&site, "/api/members/search", &by_id(&id), Some(&admin)).await;
            assert_eq!(status, StatusCode::OK, "{id}: {found}");
            let items = found["items"].as_array().unwrap();
            assert_eq!(items.len(), 1, "{id}");
            assert_eq!(items[0]["cin"], cin.as_str());
        }
        // By name, with the date of birth or the city.
        let by_name = |born: &str, city: &str| {
            format!(
                "search[by]=name&search[member_id]=&search[last_name]={}&search[first_name]={}&search[date_of_birth]={born}&search[city]={}",
                enc(&last.to_uppercase()),
                enc(&first),
                enc(city)
            )
        };
        for body in [by_name(&born, ""), by_name("", &city)] {
            let (status, found) = form(&site, "/api/members/search", &body, Some(&admin)).await;
            assert_eq!(status, StatusCode::OK, "{found}");
            assert!(found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["cin"] == cin.as_str()));
        }
        let (status, error) =
            form(&site, "/api/members/search", &by_name("", ""), Some(&admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            error
                .to_string()
                .contains("Enter the Date of Birth or the City"),
            "{error}"
        );
        let (status, error) =
            form(&site, "/api/members/search", &by_id("12-34"), Some(&admin)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error.to_string().contains("MEDS ID"), "{error}");

        // Harbor's member is not Sunrise's: not found, exactly like nobody.
        let (_, harbor_cin, ..) = member_of(&site, "Harbor Pediatrics", false).await;
        let (_, none) = form(
            &site,
            "/api/members/search",
            &by_id(&harbor_cin),
            Some(&admin),
        )
        .await;
        assert_eq!(none["items"].as_array().unwrap().len(), 0);
        let (status, missing) = form(
            &site,
            "/api/members/facesheet",
            &format!("cin={harbor_cin}"),
            Some(&admin),
        )
        .await;
        let (status_none, nobody) = form(
            &site,
            "/api/members/facesheet",
            "cin=99999999Z",
            Some(&admin),
        )
        .await;
        assert_eq!(
            (status, status_none),
            (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
        );
        assert_eq!(missing, nobody);
        // Harbor's front desk finds its own member.
        let reception = session_of(&site, "reception@harbor.example").await;
        let (_, found) = form(
            &site,
            "/api/members/search",
            &by_id(&harbor_cin),
            Some(&reception),
        )
        .await;
        assert_eq!(found["items"][0]["cin"], harbor_cin.as_str());

        // A health network finds its members, whoever their PCP is.
        let network = session_of(&site, "network@coastal.example").await;
        let network_cin: String = sqlx::query_scalar(
            "SELECT cin FROM members WHERE health_network = 'Coastal Health Network' ORDER BY id LIMIT 1",
        )
        .fetch_one(&site.state.db.pool)
        .await
        .unwrap();
        let (_, found) = form(
            &site,
            "/api/members/search",
            &by_id(&network_cin),
            Some(&network),
        )
        .await;
        assert_eq!(found["items"][0]["cin"], network_cin.as_str());
        let (_, none) = form(&site, "/api/members/search", &by_id(&cin), Some(&network)).await;
        assert_eq!(none["items"].as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn the_facesheet_shows_the_tabs_of_the_modules_held_and_is_audited() {
    for site in sites(false).await {
        let db = &site.state.db.pool;
        // A Sunrise member with referrals from Sunrise.
        let (member_id, cin): (i64, String) = sqlx::query_as(
            "SELECT m.id, m.cin FROM members m JOIN referrals r ON r.member_id = m.id \
             JOIN organizations o ON o.id = r.organization_id JOIN providers p ON p.id = m.pcp_provider_id \
             WHERE o.name = 'Sunrise Family Clinic' AND p.organization_id = o.id AND r.status <> 'draft' ORDER BY m.id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let admin = session_of(&site, "admin@sunrise.example").await;
        let (status, sheet) = form(
            &site,
            "/api/members/facesheet",
            &format!("cin={cin}"),
            Some(&admin),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{sheet}");
        assert_eq!(sheet["cin"], cin.as_str());
        assert!(!sheet["eligibility"].as_array().unwrap().is_empty());
        // Referrals: the office's submitted ones of the last two years, as a referral lookup
        // by the member over those dates counts them.
        let today = site
            .state
            .settings
            .calendar
            .date_of(site.state.clock.unix())
            .unwrap();
        let from = app::members::history_start(today).to_string();
        let expected: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM referrals r JOIN organizations o ON o.id = r.organization_id \
             WHERE r.member_id = $1 AND o.name = 'Sunrise Family Clinic' AND r.status <> 'draft' AND r.request_date >= $2",
        )
        .bind(member_id)
        .bind(&from)
        .fetch_one(db)
        .await
        .unwrap();
        assert!(expected > 0);
        assert_eq!(
            sheet["referrals"].as_array().unwrap().len() as i64,
            expected
        );
        assert!(sheet["claims"].is_array());
        let audited: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'member.view' AND subject = $1",
        )
        .bind(format!("member:{member_id}"))
        .fetch_one(db)
        .await
        .unwrap();
        assert_eq!(audited, 1);

        // Harbor's front desk holds Eligibility only: no Claims History, no Referrals.
        let harbor_cin: String = sqlx::query_scalar(
            "SELECT m.cin FROM members m JOIN providers p ON p.id = m.pcp_provider_id \
             JOIN organizations o ON o.id = p.organization_id WHERE o.name = 'Harbor Pediatrics' ORDER BY m.id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .unwrap();
        let reception = session_of(&site, "reception@harbor.example").await;
        let (status, sheet) = form(
            &site,
            "/api/members/facesheet",
            &format!("cin={harbor_cin}"),
            Some(&reception),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{sheet}");
        assert!(
            sheet["claims"].is_null() && sheet["referrals"].is_null(),
            "{sheet}"
        );

        // Without the Eligibility module there is no member lookup at all.
        let claims_only = session_of(&site, "multi@sunrise.example").await;
        let (status, _) = form(
            &site,
            "/api/members/search",
            &by_id(&cin),
            Some(&claims_only),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
