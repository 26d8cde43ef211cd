//! The storage layer on SQLite and PostgreSQL: migrations, outbox, sessions, tokens, audit.
#![cfg(feature = "ssr")]

use app::org_registration::tokens;
use app::ssr::clock::{Clock, ManualClock, DAY, MINUTE};
use app::ssr::outbox::{self, Channel, DevMailbox, NewMessage};
use app::ssr::settings::Settings;
use app::ssr::{audit, crypto, session, testing};
use sqlx::Row;

const START: i64 = 1_780_000_000;

async fn organization(db: &app::ssr::db::Db, name: &str, registered: bool) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO organizations (name, kind, tax_id, pay_to_zip, address_line1, city, registered_at, created_at) \
         VALUES ($1, 'provider', '947654321', '95816', '410 Oak St', 'Sacramento', $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(registered.then_some(START))
    .bind(START)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

async fn user(db: &app::ssr::db::Db, email: &str) -> i64 {
    sqlx::query_scalar("INSERT INTO users (email, first_name, last_name, created_at) VALUES ($1, 'Test', 'User', $2) RETURNING id")
        .bind(email)
        .bind(START)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// The application's state over a test database, on a clock the test moves.
fn state_at(db: &app::ssr::db::Db, clock: &ManualClock) -> app::ssr::AppState {
    app::ssr::AppState {
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name("portal")
            .build(),
        db: db.clone(),
        settings: std::sync::Arc::new(Settings::for_tests()),
        clock: std::sync::Arc::new(clock.clone()),
        background: Default::default(),
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_ping_works() {
    for t in testing::databases().await {
        t.db.migrate()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        t.db.ping().await.unwrap();
        let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizations")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        assert_eq!(tables, 0, "{}", t.label);
    }
}

#[tokio::test]
async fn outbox_keeps_messages_newest_first_and_delivers_them() {
    for t in testing::databases().await {
        for n in 0..3 {
            outbox::enqueue(
                &t.db,
                &Settings::for_tests(),
                START + n,
                NewMessage {
                    channel: if n == 2 { Channel::Sms } else { Channel::Email },
                    to: format!("user{n}@example.com"),
                    subject: format!("Message {n}"),
                    body: "Your passcode is 4437-123456".into(),
                    links: vec!["http://127.0.0.1:3000/password/set?t=abc".into()],
                    codes: vec!["123456".into()],
                    attachment: None,
                },
            )
            .await
            .unwrap();
        }
        let messages = outbox::recent(&t.db, 10).await.unwrap();
        assert_eq!(messages.len(), 3, "{}", t.label);
        assert_eq!(messages[0].subject, "Message 2");
        assert_eq!(messages[0].channel, Channel::Sms);
        assert_eq!(messages[0].codes, vec!["123456"]);
        assert_eq!(
            serde_json::to_value(&messages[0]).unwrap()["channel"],
            "sms"
        );
        assert_eq!(
            outbox::deliver_pending(&t.db, START + 10, &DevMailbox)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            outbox::deliver_pending(&t.db, START + 11, &DevMailbox)
                .await
                .unwrap(),
            0,
            "sent once only"
        );
    }
}

#[tokio::test]
async fn sessions_store_only_a_hash_and_expire() {
    let settings = Settings::for_tests();
    for t in testing::databases().await {
        let clock = ManualClock::at_unix(START);
        let user_id = user(&t.db, "session@example.com").await;
        let id = session::create(&t.db, clock.unix(), clock.unix(), user_id, None, None, None)
            .await
            .unwrap();
        assert!(id.len() >= 32, "at least 128 random bits");
        let stored: String = sqlx::query_scalar("SELECT id_hash FROM sessions")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        assert_ne!(stored, id);
        assert_eq!(stored, crypto::secret_hash(&id));

        clock.advance(29 * MINUTE);
        assert!(
            session::find(&t.db, &settings, clock.unix(), &id)
                .await
                .unwrap()
                .is_some(),
            "{}",
            t.label
        );
        clock.advance(29 * MINUTE);
        assert!(
            session::find(&t.db, &settings, clock.unix(), &id)
                .await
                .unwrap()
                .is_some(),
            "activity keeps it alive"
        );
        clock.advance(30 * MINUTE);
        assert!(
            session::find(&t.db, &settings, clock.unix(), &id)
                .await
                .unwrap()
                .is_none(),
            "idle for 30 minutes"
        );
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        assert_eq!(left, 0, "an expired session is deleted");

        let other = session::create(&t.db, clock.unix(), clock.unix(), user_id, None, None, None)
            .await
            .unwrap();
        session::delete_for_user(&t.db, user_id).await.unwrap();
        assert!(session::find(&t.db, &settings, clock.unix(), &other)
            .await
            .unwrap()
            .is_none());
    }
}

#[tokio::test]
async fn secure_token_is_hashed_mailed_and_valid_thirty_days() {
    let settings = Settings::for_tests();
    for t in testing::databases().await {
        let org = organization(&t.db, "Oak Street Medical Group", false).await;
        let issued = tokens::issue(&t.db, &settings, START, org, None)
            .await
            .unwrap();
        let row = sqlx::query(
            "SELECT token_hash, expires_at, used_at FROM secure_tokens WHERE organization_id = $1",
        )
        .bind(org)
        .fetch_one(&t.db.pool)
        .await
        .unwrap();
        let hash: String = row.try_get("token_hash").unwrap();
        assert_eq!(
            hash,
            crypto::secret_hash(&crypto::normalize_code(&issued.token)),
            "{}",
            t.label
        );
        assert!(!hash.contains(&crypto::normalize_code(&issued.token)));
        assert_eq!(
            row.try_get::<i64, _>("expires_at").unwrap(),
            START + 30 * DAY
        );
        assert_eq!(row.try_get::<Option<i64>, _>("used_at").unwrap(), None);

        let letter = &outbox::recent(&t.db, 1).await.unwrap()[0];
        assert_eq!(letter.channel, Channel::Postal);
        assert_eq!(letter.codes, vec![issued.token.clone()]);
        assert!(letter.body.contains(&issued.token));
        let (name, pdf) = outbox::attachment(&t.db, letter.id).await.unwrap().unwrap();
        assert_eq!(name, "secure-token-letter.pdf");
        assert!(pdf.starts_with(b"%PDF-"));

        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'token.issue'")
                .fetch_one(&t.db.pool)
                .await
                .unwrap();
        assert_eq!(audited, 1);

        let registered = organization(&t.db, "Already Registered", true).await;
        assert!(tokens::issue(&t.db, &settings, START, registered, None)
            .await
            .is_err());
    }
}

#[tokio::test]
async fn audit_rows_record_who_what_where() {
    for t in testing::databases().await {
        audit::Event::new(START, "download", "document:9")
            .user(7)
            .org(3)
            .detail("Remittance Advice")
            .ip(Some("127.0.0.1".into()))
            .record(&t.db)
            .await
            .unwrap();
        let row =
            sqlx::query("SELECT at, user_id, organization_id, action, subject, ip FROM audit_log")
                .fetch_one(&t.db.pool)
                .await
                .unwrap();
        assert_eq!(row.try_get::<i64, _>("at").unwrap(), START, "{}", t.label);
        assert_eq!(row.try_get::<String, _>("action").unwrap(), "download");
        assert_eq!(
            row.try_get::<Option<String>, _>("ip").unwrap().as_deref(),
            Some("127.0.0.1")
        );

        // Written in the transaction of the change it records, it goes when that change does.
        let mut tx = t.db.pool.begin().await.unwrap();
        audit::Event::new(START, "permission.change", "user:7")
            .record_in(&mut tx)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(&t.db.pool)
            .await
            .unwrap();
        assert_eq!(rows, 1, "{}", t.label);
    }
}

/// The one rate-limit store: `max` events per window, refusals not counted, the window slides,
/// and concurrent takes let exactly `max` through — on every backend.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_hold_under_concurrency_and_slide() {
    use app::ssr::limits;
    for t in testing::databases().await {
        let clock = ManualClock::at_unix(START);
        let state = state_at(&t.db, &clock);
        let takes = (0..12).map(|_| {
            let state = state.clone();
            tokio::spawn(async move { limits::take(&state, "k", 15 * MINUTE, 5).await.is_ok() })
        });
        let mut passed = 0;
        for take in takes {
            passed += take.await.unwrap() as usize;
        }
        assert_eq!(passed, 5, "{}", t.label);
        clock.advance(15 * MINUTE - 1);
        assert!(
            limits::take(&state, "k", 15 * MINUTE, 5).await.is_err(),
            "still inside the window"
        );
        assert!(
            limits::take(&state, "other", 15 * MINUTE, 5).await.is_ok(),
            "keys are separate"
        );
        clock.advance(1);
        assert!(
            limits::take(&state, "k", 15 * MINUTE, 5).await.is_ok(),
            "the window slid"
        );
        limits::check(&state, "fail", 60, 2).await.unwrap();
        limits::hit(&state, "fail").await.unwrap();
        limits::hit(&state, "fail").await.unwrap();
        assert!(limits::check(&state, "fail", 60, 2).await.is_err());
        clock.advance(limits::LONGEST_WINDOW_SECONDS + 1);
        assert!(limits::purge(&state).await.unwrap() >= 8);
    }
}

#[tokio::test]
async fn drafts_are_one_row_per_flow_and_expire_on_time() {
    use app::ssr::drafts::{self, Draft};
    for t in testing::databases().await {
        let clock = ManualClock::at_unix(START);
        let state = state_at(&t.db, &clock);
        let draft = |step: &str, n: i64| Draft {
            owner: "owner-hash".to_string(),
            step: step.to_string(),
            data: serde_json::json!({ "n": n }),
            revision: 0,
        };
        // Saved twice (a double submit): one row, the second wins.
        drafts::save(&state, "sign_in", &draft("password", 1), None, Some(10))
            .await
            .unwrap();
        drafts::save(&state, "sign_in", &draft("choose", 2), None, Some(10))
            .await
            .unwrap();
        let loaded: Draft<serde_json::Value> = drafts::load(&state, "sign_in", "owner-hash")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (loaded.step.as_str(), loaded.data["n"].as_i64()),
            ("choose", Some(2)),
            "{}",
            t.label
        );
        // Another kind with the same owner is another draft.
        assert!(
            drafts::load::<serde_json::Value>(&state, "permissions", "owner-hash")
                .await
                .unwrap()
                .is_none()
        );
        // Kept 10 minutes from the last save, then gone; one without expiry stays.
        let editor = user(&t.db, "editor@example.com").await;
        drafts::save(&state, "permissions", &draft("1", 3), Some(editor), None)
            .await
            .unwrap();
        clock.advance(10 * MINUTE - 1);
        assert!(
            drafts::load::<serde_json::Value>(&state, "sign_in", "owner-hash")
                .await
                .unwrap()
                .is_some()
        );
        clock.advance(1);
        assert!(
            drafts::load::<serde_json::Value>(&state, "sign_in", "owner-hash")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(drafts::purge(&state).await.unwrap(), 1, "{}", t.label);
        clock.advance(365 * DAY);
        assert!(
            drafts::load::<serde_json::Value>(&state, "permissions", "owner-hash")
                .await
                .unwrap()
                .is_some()
        );
        drafts::delete(&state, "permissions", "owner-hash")
            .await
            .unwrap();
        assert!(
            drafts::load::<serde_json::Value>(&state, "permissions", "owner-hash")
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_draft_saved_meanwhile_is_not_written_over() {
    use app::ssr::drafts::{self, Draft};
    for t in testing::databases().await {
        let clock = ManualClock::at_unix(START);
        let state = state_at(&t.db, &clock);
        let load = || drafts::load::<serde_json::Value>(&state, "referral", "u:1:abc");
        let mut new = Draft {
            owner: "u:1:abc".to_string(),
            step: "0".to_string(),
            data: serde_json::json!({ "n": 0 }),
            revision: 0,
        };
        assert!(drafts::save_unchanged(&state, "referral", &mut new, None)
            .await
            .unwrap());
        assert_eq!(new.revision, 1, "{}", t.label);
        // Two presses read the draft at once.
        let mut first = load().await.unwrap().unwrap();
        let mut second = load().await.unwrap().unwrap();
        first.data = serde_json::json!({ "n": 1 });
        second.data = serde_json::json!({ "n": 2 });
        assert!(drafts::save_unchanged(&state, "referral", &mut first, None)
            .await
            .unwrap());
        assert!(
            !drafts::save_unchanged(&state, "referral", &mut second, None)
                .await
                .unwrap(),
            "{}",
            t.label
        );
        let now = load().await.unwrap().unwrap();
        assert_eq!(
            (now.data["n"].as_i64(), now.revision),
            (Some(1), 2),
            "{}",
            t.label
        );
        // Read again, the second press saves; a new draft under a taken owner does not.
        let mut again = now.clone();
        again.data = serde_json::json!({ "n": 2 });
        assert!(drafts::save_unchanged(&state, "referral", &mut again, None)
            .await
            .unwrap());
        new.revision = 0;
        assert!(!drafts::save_unchanged(&state, "referral", &mut new, None)
            .await
            .unwrap());
        assert_eq!(
            load().await.unwrap().unwrap().data["n"].as_i64(),
            Some(2),
            "{}",
            t.label
        );
        // A save that does not look (another flow's) still counts, so a press that read before it
        // does not write over it.
        drafts::save(&state, "referral", &new, None, None)
            .await
            .unwrap();
        assert!(
            !drafts::save_unchanged(&state, "referral", &mut again, None)
                .await
                .unwrap()
        );
        // Ending the flow takes only the draft as read: a stale end (a second "Submit") fails.
        let mut tx = state.db.begin().await.unwrap();
        assert_eq!(
            drafts::finish_unchanged(&mut tx, "referral", &again).await,
            Err(drafts::changed_meanwhile()),
            "{}",
            t.label
        );
        drop(tx);
        let current = load().await.unwrap().unwrap();
        let mut tx = state.db.begin().await.unwrap();
        drafts::finish_unchanged(&mut tx, "referral", &current)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(load().await.unwrap().is_none());

        // A draft first saved without looking starts at revision 1 (0 is "never saved"), so a
        // step that reads it can save over it.
        let fresh = Draft {
            owner: "u:1:fresh".to_string(),
            step: "0".to_string(),
            data: serde_json::json!({}),
            revision: 0,
        };
        let read = || drafts::load::<serde_json::Value>(&state, "referral", "u:1:fresh");
        drafts::save(&state, "referral", &fresh, None, Some(30))
            .await
            .unwrap();
        let mut kept = read().await.unwrap().unwrap();
        assert_eq!(kept.revision, 1, "{}", t.label);
        // Once its time is up it is gone to a reader, and a new draft may take its place.
        clock.advance(31 * 60);
        assert!(read().await.unwrap().is_none());
        let mut new = fresh.clone();
        assert!(drafts::save_unchanged(&state, "referral", &mut new, None)
            .await
            .unwrap());
        assert!(!drafts::save_unchanged(&state, "referral", &mut kept, None)
            .await
            .unwrap());
        let mut read_now = read().await.unwrap().unwrap();
        assert!(
            drafts::save_unchanged(&state, "referral", &mut read_now, None)
                .await
                .unwrap()
        );
    }
}
