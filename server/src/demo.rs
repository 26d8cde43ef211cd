//! The demo data set (DESIGN.md, "Demo data"): deterministic for a given day, realistic, and
//! scalable to a million claims for benchmarks.

use anyhow::Context;
use app::correspondence::publish;
use app::correspondence::CORRESPONDENCE_TYPES;
use app::domain::permissions::{Module, NpiLevel};
use app::domain::{Cin, Email, Npi};
use app::ssr::crypto;
use app::ssr::db::Db;
use app::ssr::repo::bulk::{self, Value as V};
use app::ssr::repo::sealed::{self, SealedColumn};
use app::ssr::repo::{grants, organizations, users};
use app::ssr::settings::Settings;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use jiff::ToSpan;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

pub const DEFAULT_CLAIMS: u64 = 2_000;
pub const DEMO_PASSWORD: &str = "Poppy-Demo-Password-2026!";
const SEED: u64 = 2026;
/// Claims written per transaction.
const CLAIMS_PER_BATCH: usize = 10_000;
const DAY: i64 = 86_400;

fn t(s: impl Into<String>) -> V {
    V::T(s.into())
}

pub async fn is_loaded(db: &Db) -> anyhow::Result<bool> {
    Ok(organizations::exist(&mut *db.conn().await?).await?)
}

/// An organization by its exact name (any case) or its tax ID.
pub async fn find_organization(db: &Db, name_or_tax_id: &str) -> anyhow::Result<i64> {
    let digits: String = name_or_tax_id
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let id =
        organizations::by_name_or_tax_id(&mut *db.conn().await?, name_or_tax_id.trim(), &digits)
            .await?;
    id.with_context(|| format!("no organization named {name_or_tax_id:?}"))
}

/// Creates a plan staff account and returns its initial password.
pub async fn create_operator(
    db: &Db,
    now: i64,
    email: &str,
    first: &str,
    last: &str,
) -> anyhow::Result<String> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let password = format!("Op1-{}-{}", crypto::readable_code(3), crypto::random_hex(6));
    let hash = crypto::hash_password(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let operator = users::NewUser {
        email: email.as_str(),
        first_name: first,
        last_name: last,
        phone: None,
        password_hash: &hash,
        is_operator: true,
        at: now,
        created_at: now,
    };
    users::insert(&mut *db.conn().await?, &operator)
        .await
        .context("could not create the operator (does the email already have an account?)")?;
    Ok(password)
}

/// One user's membership in an organization and what it grants.
struct Grant<'a> {
    email: &'static str,
    organization_id: i64,
    role: &'static str,
    preset: &'static str,
    /// NPIs by their index in the organization's list, with the level.
    npis: &'a [(usize, &'static str)],
    modules: &'a [&'static str],
    is_default: bool,
}

struct Org {
    name: &'static str,
    kind: &'static str,
    tax_id: &'static str,
    zip: &'static str,
    address: &'static str,
    city: &'static str,
    registered: bool,
    providers: &'static [(&'static str, &'static str, &'static str)],
}

const ORGS: [Org; 10] = [
    Org {
        name: "Sunrise Family Clinic",
        kind: "provider",
        tax_id: "941234567",
        zip: "95814",
        address: "1500 Capitol Ave",
        city: "Sacramento",
        registered: true,
        providers: &[
            ("Sunrise Family Clinic", "group", "Family Medicine"),
            ("Maria Lopez, MD", "practitioner", "Family Medicine"),
            ("James Chen, MD", "practitioner", "Internal Medicine"),
            ("Aisha Patel, NP", "practitioner", "Nurse Practitioner"),
            ("Robert Kim, DO", "practitioner", "Family Medicine"),
            ("Sunrise Family Clinic - Midtown", "facility", "Clinic"),
        ],
    },
    Org {
        name: "Harbor Pediatrics",
        kind: "provider",
        tax_id: "942345678",
        zip: "95825",
        address: "2200 Harbor Blvd",
        city: "West Sacramento",
        registered: true,
        providers: &[
            ("Harbor Pediatrics", "group", "Pediatrics"),
            ("Emily Johnson, MD", "practitioner", "Pediatrics"),
            ("David Nguyen, MD", "practitioner", "Pediatrics"),
            (
                "Sarah Williams, PNP",
                "practitioner",
                "Pediatric Nurse Practitioner",
            ),
        ],
    },
    Org {
        name: "Oak Street Medical Group",
        kind: "provider",
        tax_id: "947654321",
        zip: "95816",
        address: "410 Oak St",
        city: "Sacramento",
        registered: false,
        providers: &[
            ("Oak Street Medical Group", "group", "Multispecialty"),
            ("Thomas Brown, MD", "practitioner", "Internal Medicine"),
            (
                "Linda Garcia, MD",
                "practitioner",
                "Obstetrics and Gynecology",
            ),
        ],
    },
    Org {
        name: "Valley Billing Services",
        kind: "submitter",
        tax_id: "943456789",
        zip: "95811",
        address: "88 J St Suite 300",
        city: "Sacramento",
        registered: true,
        providers: &[],
    },
    Org {
        name: "Coastal Health Network",
        kind: "network",
        tax_id: "945678901",
        zip: "95630",
        address: "1 Coastal Way",
        city: "Folsom",
        registered: true,
        providers: &[],
    },
    Org {
        name: "Capitol Cardiology Associates",
        kind: "provider",
        tax_id: "946789012",
        zip: "95819",
        address: "5000 Folsom Blvd",
        city: "Sacramento",
        registered: false,
        providers: &[
            ("Capitol Cardiology Associates", "group", "Cardiology"),
            ("Michael Davis, MD", "practitioner", "Cardiology"),
        ],
    },
    Org {
        name: "Children's Hospital of the Valley",
        kind: "provider",
        tax_id: "948901234",
        zip: "95817",
        address: "2315 Stockton Blvd",
        city: "Sacramento",
        registered: false,
        providers: &[(
            "Children's Hospital of the Valley",
            "facility",
            "Tertiary Pediatric Hospital",
        )],
    },
    Org {
        name: "Delta Behavioral Health",
        kind: "provider",
        tax_id: "949012345",
        zip: "95811",
        address: "700 R St",
        city: "Sacramento",
        registered: false,
        providers: &[
            ("Delta Behavioral Health", "group", "Behavioral Health"),
            (
                "Nina Okafor, BCBA",
                "practitioner",
                "Applied Behavior Analysis",
            ),
        ],
    },
    Org {
        name: "Redwood Coast Cardiology",
        kind: "provider",
        tax_id: "940123456",
        zip: "95501",
        address: "2700 Harris St",
        city: "Eureka",
        registered: false,
        providers: &[("Redwood Coast Cardiology", "group", "Cardiology")],
    },
    Org {
        name: "Valley University Medical Center",
        kind: "provider",
        tax_id: "941357913",
        zip: "95817",
        address: "2335 Stockton Blvd",
        city: "Sacramento",
        registered: false,
        providers: &[(
            "Valley University Medical Center",
            "facility",
            "Tertiary Care Hospital",
        )],
    },
];

/// What the plan's directory says of a demo provider: accepting new patients, the ages seen
/// (from, below) and the genders seen.
fn directory_entry(name: &str, specialty: &str) -> (i64, i64, i64, &'static str) {
    match (name, specialty) {
        // A closed panel: listed, but only current patients.
        ("Michael Davis, MD", _) => (0, 0, 150, "FM"),
        (_, "Obstetrics and Gynecology") => (1, 12, 150, "F"),
        (_, "Applied Behavior Analysis") => (1, 0, 22, "FM"),
        (_, s) if s.contains("Pediatric") => (1, 0, 21, "FM"),
        _ => (1, 0, 150, "FM"),
    }
}

const FIRST_NAMES: [&str; 24] = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Sophia",
    "Elijah",
    "Isabella",
    "Lucas",
    "Mia",
    "Ethan",
    "Camila",
    "Aiden",
    "Luna",
    "Daniel",
    "Sofia",
    "Jacob",
    "Valentina",
    "Samuel",
    "Aaliyah",
    "Henry",
    "Zoe",
    "Jayden",
];
const LAST_NAMES: [&str; 24] = [
    "Garcia",
    "Smith",
    "Hernandez",
    "Johnson",
    "Martinez",
    "Williams",
    "Lopez",
    "Brown",
    "Gonzalez",
    "Jones",
    "Rodriguez",
    "Nguyen",
    "Perez",
    "Davis",
    "Sanchez",
    "Miller",
    "Ramirez",
    "Wilson",
    "Torres",
    "Tran",
    "Flores",
    "Anderson",
    "Rivera",
    "Lee",
];
const CITIES: [(&str, &str); 6] = [
    ("Sacramento", "95814"),
    ("Sacramento", "95822"),
    ("Elk Grove", "95624"),
    ("West Sacramento", "95691"),
    ("Rancho Cordova", "95670"),
    ("Citrus Heights", "95610"),
];
/// Procedure codes (CPT, and HCPCS Level II with a letter) with a typical billed amount in
/// cents.
const PROCEDURES: [(&str, i64); 14] = [
    ("G0008", 2_500),
    ("J3301", 1_200),
    ("T1015", 15_000),
    ("A4253", 3_500),
    ("99213", 12_500),
    ("99214", 18_500),
    ("99203", 16_000),
    ("99392", 21_000),
    ("90686", 4_500),
    ("85025", 2_800),
    ("80053", 3_900),
    ("36415", 1_500),
    ("93000", 6_500),
    ("71046", 11_000),
];
/// Diagnoses the demo claims and referrals use (described by the shipped ICD-10-CM list).
const ICD_CODES: [&str; 12] = [
    "Z00.00", "Z00.129", "I10", "E11.9", "J06.9", "Z23", "M54.50", "E78.5", "F41.1", "J45.909",
    "R51.9", "I25.10",
];
/// Languages members speak, as the facesheet shows them.
const LANGUAGES: [&str; 5] = ["English", "Spanish", "Vietnamese", "Korean", "Farsi"];

/// The `n`th Medicare Beneficiary Identifier: 11 characters in CMS's pattern (a digit 1–9,
/// letters without S, L, O, I, B and Z, digits), `n` written in the pattern's mixed radix so
/// each is different.
fn mbi(n: usize) -> String {
    const LETTERS: &[u8] = b"ACDEFGHJKMNPQRTUVWXY";
    const DIGITS: &[u8] = b"0123456789";
    let positions: [&[u8]; 11] = [
        b"123456789",
        LETTERS,
        DIGITS,
        DIGITS,
        LETTERS,
        DIGITS,
        DIGITS,
        LETTERS,
        LETTERS,
        DIGITS,
        DIGITS,
    ];
    let mut rest = n;
    let mut out = vec![0u8; 11];
    for (slot, alphabet) in out.iter_mut().zip(positions).rev() {
        *slot = alphabet[rest % alphabet.len()];
        rest /= alphabet.len();
    }
    String::from_utf8(out).expect("ASCII")
}

/// Loads the demo data set; `now` fixes the day it is relative to.
pub async fn load(db: &Db, settings: &Settings, now: i64, claims: u64) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let today = settings
        .calendar
        .date_of(now)
        .ok_or_else(|| anyhow::anyhow!("no calendar day for {now}"))?;
    // Every demo account shares the published password: hashed once (argon2 is slow by design).
    let password_hash = crypto::hash_password(DEMO_PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    app::ssr::code_lists::load(db, &mut *db.conn().await?).await?;
    let mut tx = db.begin().await?;

    // Organizations and their NPIs.
    let mut org_ids = HashMap::new();
    let mut providers: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
    let mut npi_base = 100_000_000u32;
    for org in &ORGS {
        let registered = org.registered.then_some(now - 400 * DAY);
        let id = bulk::insert_one(
            &mut tx,
            "organizations",
            &[
                "name",
                "kind",
                "tax_id",
                "pay_to_zip",
                "address_line1",
                "city",
                "state",
                "phone",
                "submitter_id",
                "registered_at",
                "access_agreement_at",
                "verified_at",
                "created_at",
            ],
            vec![
                t(org.name),
                t(org.kind),
                t(org.tax_id),
                t(org.zip),
                t(org.address),
                t(org.city),
                t("CA"),
                t(format!("(916) 555-{:04}", 100 + org_ids.len())),
                V::NT((org.kind == "submitter").then(|| "SUB00417".to_string())),
                V::NI(registered),
                V::NI(registered),
                // Verified ten days ago: the next verification is due in 50 days.
                V::NI(org.registered.then_some(now - 10 * DAY)),
                V::I(now - 500 * DAY),
            ],
        )
        .await?;
        org_ids.insert(org.name, id);
        for (name, kind, specialty) in org.providers {
            npi_base += 7_919;
            let npi = Npi::from_base(npi_base);
            // Tertiary care: the children's hospital and the university medical center.
            let tertiary = i64::from(specialty.starts_with("Tertiary"));
            let (accepting, min_age, max_age, genders) = directory_entry(name, specialty);
            let provider_id = bulk::insert_one(
                &mut tx,
                "providers",
                &[
                    "organization_id",
                    "npi",
                    "name",
                    "kind",
                    "specialty",
                    "address_line1",
                    "city",
                    "zip",
                    "phone",
                    "fax",
                    "is_tertiary",
                    "accepting_new_patients",
                    "min_age",
                    "max_age",
                    "genders",
                    "created_at",
                ],
                vec![
                    V::I(id),
                    t(npi.as_str()),
                    t(*name),
                    t(*kind),
                    t(*specialty),
                    t(org.address),
                    t(org.city),
                    t(org.zip),
                    t("(916) 555-0142"),
                    t("(916) 555-0143"),
                    V::I(tertiary),
                    V::I(accepting),
                    V::I(min_age),
                    V::I(max_age),
                    t(genders),
                    V::I(now - 500 * DAY),
                ],
            )
            .await?;
            // Every NPI has a PIN, sealed for it; and the transactions it is enrolled for.
            let pin = settings.keys.seal(
                crypto::Sealed::Pin { provider_id },
                crypto::digits(6).as_bytes(),
            );
            sealed::set(&mut tx, SealedColumn::Pin, provider_id, &pin).await?;
            let claims = if *kind == "facility" { "837I" } else { "837P" };
            let sets: Vec<Vec<V>> = ["270/271", "276/277", "835", claims]
                .into_iter()
                .map(|set| vec![V::I(provider_id), t(set)])
                .collect();
            bulk::insert(
                &mut tx,
                "provider_transactions",
                &["provider_id", "transaction_set"],
                &sets,
            )
            .await?;
            providers
                .entry(org.name)
                .or_default()
                .push((provider_id, kind));
        }
    }
    let sunrise = org_ids["Sunrise Family Clinic"];
    let harbor = org_ids["Harbor Pediatrics"];
    let sunrise_npis: Vec<i64> = providers["Sunrise Family Clinic"]
        .iter()
        .map(|p| p.0)
        .collect();
    let harbor_npis: Vec<i64> = providers["Harbor Pediatrics"].iter().map(|p| p.0).collect();

    // People. Every demo user finished this year's training today.
    struct Person {
        email: &'static str,
        first: &'static str,
        last: &'static str,
        operator: bool,
    }
    let people = [
        Person {
            email: "admin@sunrise.example",
            first: "Grace",
            last: "Holloway",
            operator: false,
        },
        Person {
            email: "processor@sunrise.example",
            first: "Peter",
            last: "Alvarez",
            operator: false,
        },
        Person {
            email: "multi@sunrise.example",
            first: "Morgan",
            last: "Reyes",
            operator: false,
        },
        Person {
            email: "billing@valley.example",
            first: "Victor",
            last: "Lang",
            operator: false,
        },
        Person {
            email: "ops@poppy.example",
            first: "Olivia",
            last: "Park",
            operator: true,
        },
        Person {
            email: "network@coastal.example",
            first: "Nina",
            last: "Shah",
            operator: false,
        },
        Person {
            email: "reception@harbor.example",
            first: "Hana",
            last: "Kim",
            operator: false,
        },
        Person {
            email: "scheduler@harbor.example",
            first: "Luis",
            last: "Ortega",
            operator: false,
        },
    ];
    let mut user_ids = HashMap::new();
    for (index, person) in people.iter().enumerate() {
        let phone = format!("(916) 555-{:04}", 2000 + index);
        let user = users::NewUser {
            email: person.email,
            first_name: person.first,
            last_name: person.last,
            phone: Some(&phone),
            password_hash: &password_hash,
            is_operator: person.operator,
            at: now,
            created_at: now - 300 * DAY,
        };
        let id = users::insert(&mut tx, &user).await?;
        user_ids.insert(person.email, id);
    }

    let all_modules = [
        "eligibility",
        "claims",
        "disputes",
        "referrals_view",
        "referrals_submit",
        "roster",
        "reports",
        "attestations",
    ];
    let grants = [
        Grant {
            email: "admin@sunrise.example",
            organization_id: sunrise,
            role: "admin",
            preset: "Local Office Administrator",
            npis: &[
                (0, "admin"),
                (1, "admin"),
                (2, "admin"),
                (3, "admin"),
                (4, "admin"),
                (5, "admin"),
            ],
            modules: &all_modules,
            is_default: true,
        },
        Grant {
            email: "processor@sunrise.example",
            organization_id: sunrise,
            role: "processor",
            preset: "Custom Setup",
            npis: &[(1, "processor"), (2, "processor")],
            modules: &[
                "eligibility",
                "claims",
                "disputes",
                "referrals_view",
                "referrals_submit",
            ],
            is_default: true,
        },
        Grant {
            email: "multi@sunrise.example",
            organization_id: sunrise,
            role: "processor",
            preset: "Claims Viewer",
            npis: &[(1, "processor")],
            modules: &["claims"],
            is_default: true,
        },
        Grant {
            email: "multi@sunrise.example",
            organization_id: harbor,
            role: "admin",
            preset: "Local Office Administrator",
            npis: &[(0, "admin"), (1, "admin"), (2, "admin"), (3, "admin")],
            modules: &all_modules,
            is_default: false,
        },
        // Works for a provider and for a submitter, so chooses between both kinds.
        Grant {
            email: "multi@sunrise.example",
            organization_id: org_ids["Valley Billing Services"],
            role: "processor",
            preset: "Claims Viewer",
            npis: &[],
            modules: &["claims"],
            is_default: false,
        },
        Grant {
            email: "billing@valley.example",
            organization_id: org_ids["Valley Billing Services"],
            role: "admin",
            preset: "Local Office Administrator",
            npis: &[],
            modules: &["claims", "reports"],
            is_default: true,
        },
        Grant {
            email: "network@coastal.example",
            organization_id: org_ids["Coastal Health Network"],
            role: "admin",
            preset: "Local Office Administrator",
            npis: &[],
            modules: &["reports", "eligibility"],
            is_default: true,
        },
        // Harbor's front desk: eligibility checks for one NPI each.
        Grant {
            email: "reception@harbor.example",
            organization_id: harbor,
            role: "processor",
            preset: "Eligibility Viewer",
            npis: &[(1, "processor")],
            modules: &["eligibility"],
            is_default: true,
        },
        Grant {
            email: "scheduler@harbor.example",
            organization_id: harbor,
            role: "processor",
            preset: "Eligibility Viewer",
            npis: &[(2, "processor")],
            modules: &["eligibility"],
            is_default: true,
        },
    ];
    for Grant {
        email,
        organization_id,
        role,
        preset,
        npis,
        modules,
        is_default,
    } in grants
    {
        let admin = role == "admin";
        let membership = bulk::insert_one(
            &mut tx,
            "memberships",
            &[
                "user_id",
                "organization_id",
                "org_role",
                "status",
                "role_preset",
                "position",
                "position_other",
                "is_default",
                "created_at",
                "updated_at",
            ],
            vec![
                V::I(user_ids[email]),
                V::I(organization_id),
                t(role),
                t("active"),
                t(preset),
                t(if admin { "Other" } else { "Medical Assistant" }),
                V::NT(admin.then(|| "Office Manager".to_string())),
                V::I(i64::from(is_default)),
                V::I(now - 300 * DAY),
                V::I(now - 300 * DAY),
            ],
        )
        .await?;
        let org_npis = if organization_id == sunrise {
            &sunrise_npis
        } else {
            &harbor_npis
        };
        // Written by the same repository as the wizard's "Save and Finish".
        let mut granted = grants::Grants::default();
        for (index, level) in npis {
            let provider_id = org_npis[*index];
            let level = NpiLevel::parse(level).expect("demo NPI level");
            let types: &[&str] = if level == NpiLevel::Admin {
                &CORRESPONDENCE_TYPES
            } else {
                &["Remittance Advice", "Claim Notices"]
            };
            granted.npis.insert(provider_id, level);
            granted
                .correspondence
                .insert(provider_id, types.iter().map(|t| t.to_string()).collect());
        }
        granted.modules = modules
            .iter()
            .map(|m| Module::parse(m).expect("demo module"))
            .collect();
        grants::replace(&mut tx, membership, &granted).await?;
    }

    // Everyone took this year's training, for the highest role they hold.
    users::set_training_roles(&mut tx).await?;

    // Notifications and the banner.
    let notices: [(i64, &str, &str, i64); 8] = [
        (sunrise, "remittance", "New remittance advice available", 1),
        (sunrise, "referral", "A referral was approved", 2),
        (
            sunrise,
            "bulletin",
            "Provider bulletin: flu vaccine reimbursement update",
            4,
        ),
        (
            sunrise,
            "access",
            "An access request is waiting for your decision",
            5,
        ),
        (sunrise, "pin", "PIN letters were mailed for two NPIs", 9),
        (harbor, "remittance", "New remittance advice available", 1),
        (
            harbor,
            "bulletin",
            "Provider bulletin: well-child visit reminders",
            6,
        ),
        (harbor, "referral", "A referral needs more information", 8),
    ];
    let notices: Vec<Vec<V>> = notices
        .into_iter()
        .map(|(org_id, kind, title, days_ago)| {
            vec![
                V::I(org_id),
                t(kind),
                t(title),
                t(format!("{title}. Open the portal for details.")),
                V::NT(None),
                V::I(now - days_ago * DAY),
            ]
        })
        .collect();
    bulk::insert(
        &mut tx,
        "notifications",
        &[
            "organization_id",
            "kind",
            "title",
            "body",
            "link",
            "created_at",
        ],
        &notices,
    )
    .await?;
    bulk::insert(
        &mut tx,
        "banners",
        &["message", "starts_at", "ends_at"],
        &[vec![
            t("Scheduled maintenance: the portal will be unavailable on Sunday from 10 PM to 2 AM Pacific time."),
            V::I(now - DAY),
            V::I(now + 14 * DAY),
        ]],
    )
    .await?;
    // Valley Billing Services submits for Harbor Pediatrics, and has asked Sunrise.
    let valley = org_ids["Valley Billing Services"];
    let valley_admin = user_ids["billing@valley.example"];
    bulk::insert(
        &mut tx,
        "affiliations",
        &[
            "provider_organization_id",
            "submitter_organization_id",
            "status",
            "requested_by",
            "requested_at",
            "submitter_signer",
            "submitter_role",
            "provider_signer",
            "provider_role",
            "decided_by",
            "decided_at",
        ],
        &[
            vec![
                V::I(harbor),
                V::I(valley),
                t("active"),
                V::I(valley_admin),
                V::I(now - 200 * DAY),
                t("Victor Lang"),
                t("Owner"),
                V::NT(Some("Morgan Reyes".into())),
                V::NT(Some("Office Manager".into())),
                V::NI(Some(user_ids["multi@sunrise.example"])),
                V::NI(Some(now - 199 * DAY)),
            ],
            vec![
                V::I(sunrise),
                V::I(valley),
                t("pending"),
                V::I(valley_admin),
                V::I(now - 2 * DAY),
                t("Victor Lang"),
                t("Owner"),
                V::NT(None),
                V::NT(None),
                V::NI(None),
                V::NI(None),
            ],
        ],
    )
    .await?;

    let program = &settings.program_name;
    let resources = [
        (
            "news",
            format!("{program} publishes provider bulletins on the first business day of each month.\n\n\
             - Flu vaccine reimbursement rates are updated for the new season; see [the flu bulletin](https://www.cdc.gov/flu/professionals/index.htm).\n\
             - Well-child visits: remind families that visits are covered at no cost.\n\
             - Referral requests now show whether a tertiary provider was chosen.\n\n\
             Past bulletins and the provider manual are in [{program} Guidelines](/guidelines)."),
        ),
        (
            "faq",
            "How do I add a user to my office?\n\
             An Org Admin chooses Administration, then Manage Users, then Add New User.\n\n\
             Why can I not see an NPI's correspondence?\n\
             Your Org Admin grants each NPI and correspondence type in your permissions.\n\n\
             Where is my 1099?\n\
             Under Correspondence Center, Tax Documents, once you accept the Electronic 1099 Consent Agreement.".to_string(),
        ),
        (
            "alerts",
            "All systems are operating normally.\n\n\
             Scheduled maintenance: the portal will be unavailable on Sunday from 10 PM to 2 AM Pacific time.".to_string(),
        ),
    ];
    let resources: Vec<Vec<V>> = resources
        .into_iter()
        .map(|(slug, body)| vec![t(slug), t(body), V::I(now - 2 * DAY)])
        .collect();
    bulk::insert(
        &mut tx,
        "resource_pages",
        &["slug", "body", "updated_at"],
        &resources,
    )
    .await?;

    // Members.
    let member_count = (claims as usize / 10).clamp(200, 100_000);
    let pcp_choices: Vec<i64> = [&sunrise_npis[1..5], &harbor_npis[1..4]].concat();
    let mut member_rows = Vec::with_capacity(member_count);
    let mut member_networks = Vec::with_capacity(member_count);
    let mut coverage = Vec::with_capacity(member_count);
    for i in 0..member_count {
        let cin = Cin::parse(&format!(
            "{:08}{}",
            90_000_000 + i,
            (b'A' + (i % 26) as u8) as char
        ))
        .expect("valid CIN");
        let (city, zip) = CITIES[rng.random_range(0..CITIES.len())];
        let child = rng.random_bool(0.35);
        let age_days = if child {
            rng.random_range(200..6_500)
        } else {
            rng.random_range(6_600..30_000)
        };
        let delegated = rng.random_bool(0.2);
        member_networks.push(delegated);
        // The plan's own networks, and a few members of a delegated network (Kaiser) that
        // handles its own behavioral health.
        let network = Some(
            if delegated {
                "Coastal Health Network"
            } else if i % 23 == 5 {
                "Kaiser"
            } else if i % 3 == 0 {
                "Poppy Community Network"
            } else {
                "Poppy Direct"
            }
            .to_string(),
        );
        let pcp = if child {
            harbor_npis[1 + i % 3]
        } else {
            pcp_choices[i % 4]
        };
        let lob = if rng.random_bool(0.9) {
            "Medi-Cal"
        } else {
            "OneCare"
        };
        let eligible_from = today - rng.random_range(400..2_000).days();
        let eligible_to = rng.random_bool(0.05).then(|| today - 30.days());
        // Some adults on Medi-Cal pay a share of cost each month before the plan pays.
        let share_of_cost = if !child && lob == "Medi-Cal" && rng.random_bool(0.06) {
            rng.random_range(25..300) * 100
        } else {
            0
        };
        coverage.push((eligible_from, eligible_to, lob, network.clone(), child));
        member_rows.push(vec![
            t(cin.as_str()),
            t(FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())]),
            t(LAST_NAMES[rng.random_range(0..LAST_NAMES.len())]),
            t((today - age_days.days()).to_string()),
            t(if rng.random_bool(0.5) { "F" } else { "M" }),
            t(format!(
                "{} {} St",
                rng.random_range(100..9_999),
                ["Elm", "Pine", "Main", "J", "K", "Broadway"][i % 6]
            )),
            t(city),
            t(zip),
            V::NT(Some(format!(
                "(916) 555-{:04}",
                rng.random_range(1_000..9_999)
            ))),
            V::NT(None),
            t(lob),
            V::NT(network.clone()),
            V::NI(Some(pcp)),
            t(eligible_from.to_string()),
            V::NT(eligible_to.map(|d| d.to_string())),
            V::I(share_of_cost),
            t(format!("{:09}", 500_000_000 + i * 7)),
            // Medicare's ID only for OneCare (Medicare and Medi-Cal) members.
            V::NT((lob == "OneCare").then(|| mbi(i))),
            t(LANGUAGES[(i * 7 + i / 3) % LANGUAGES.len()]),
        ]);
    }
    let member_ids = bulk::insert_returning(
        &mut tx,
        "members",
        &[
            "cin",
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "address_line1",
            "city",
            "zip",
            "phone",
            "email",
            "line_of_business",
            "health_network",
            "pcp_provider_id",
            "eligible_from",
            "eligible_to",
            "share_of_cost_cents",
            "meds_id",
            "mbi",
            "language",
        ],
        &member_rows,
    )
    .await?;

    load_member_history(&mut tx, &mut rng, today, &member_ids, &coverage).await?;

    // Referrals in every status, from Sunrise and Harbor to specialists, over the last 14
    // months (so the public metrics have a past year and this one): the newest are pending,
    // the rest decided on the plan's clocks, a few after an extension or an appeal.
    let specialists: Vec<i64> = providers["Capitol Cardiology Associates"]
        .iter()
        .map(|p| p.0)
        .collect();
    let tertiary = providers["Children's Hospital of the Valley"][0].0;
    let tz = settings.calendar.time_zone();
    let decided_statuses = ["approved", "denied", "modified", "approved", "void"];
    for n in 0..60usize {
        let (org_id, referring, creator) = if n % 4 == 3 {
            (harbor, harbor_npis[1], user_ids["multi@sunrise.example"])
        } else {
            (
                sunrise,
                sunrise_npis[1 + n % 4],
                user_ids[if n % 2 == 0 {
                    "admin@sunrise.example"
                } else {
                    "processor@sunrise.example"
                }],
            )
        };
        let to = if org_id == harbor {
            tertiary
        } else {
            specialists[n % 2]
        };
        let priority = ["routine", "urgent", "retro"][n % 3];
        let submitted = now - n as i64 * 7 * DAY - 3 * 3_600;
        let submitted_on = settings
            .calendar
            .date_of(submitted)
            .ok_or_else(|| anyhow::anyhow!("no calendar day"))?;
        let request_date = if priority == "retro" {
            submitted_on - 10.days()
        } else {
            submitted_on
        };
        let deadline = app::referrals::rules::deadline(submitted, priority == "urgent", tz);
        let status = if n < 4 {
            "pending"
        } else {
            decided_statuses[n % 5]
        };
        let extended = (status != "pending" && n % 11 == 0).then_some(submitted + 5 * DAY);
        let appealed = (status == "approved" && n % 13 == 0).then_some(submitted + 20 * DAY);
        let decided = (status != "pending").then(|| {
            let hours = if priority == "urgent" {
                20 + (n as i64 * 7) % 50
            } else {
                30 + (n as i64 * 13) % 130
            };
            submitted
                + hours * 3_600
                + extended.map_or(0, |_| 9 * DAY)
                + appealed.map_or(0, |_| 25 * DAY)
        });
        let approved_through = decided
            .filter(|_| matches!(status, "approved" | "modified"))
            .and_then(|d| settings.calendar.date_of(d))
            .map(|d| app::referrals::rules::approved_through(d).to_string());
        let referral_id = bulk::insert_one(
            &mut tx,
            "referrals",
            &[
                "code",
                "organization_id",
                "member_id",
                "referring_provider_id",
                "referred_to_provider_id",
                "kind",
                "priority",
                "status",
                "request_date",
                "ok_to_redirect",
                "justification",
                "clinical_indications",
                "decision_note",
                "denial_reason",
                "place_of_service",
                "created_by",
                "created_at",
                "submitted_at",
                "submitted_on",
                "deadline_at",
                "decided_at",
                "approved_through",
                "extended_at",
                "extension_reason",
                "appealed_at",
            ],
            vec![
                t(format!("RF{}{:05}", submitted_on.year(), n + 1)),
                V::I(org_id),
                V::I(member_ids[n * 7 % member_ids.len()]),
                V::I(referring),
                V::I(to),
                t(if n % 5 == 0 { "behavioral" } else { "medical" }),
                t(priority),
                t(status),
                t(request_date.to_string()),
                V::NI(Some(i64::from(n % 2 == 0))),
                V::NT((n % 2 == 1).then(|| {
                    "Specialist care is needed within the network's nearest available clinic."
                        .to_string()
                })),
                t("Persistent symptoms despite first-line treatment; specialist evaluation requested."),
                V::NT(
                    match status {
                        "denied" => Some("The records submitted do not show the conservative treatment tried first."),
                        "modified" => Some("Approved for fewer visits than requested."),
                        "void" => Some("Voided at the provider's request."),
                        _ => None,
                    }
                    .map(str::to_string),
                ),
                V::NT((status == "denied").then(|| "not_medically_necessary".to_string())),
                t("11"),
                V::I(creator),
                V::I(submitted),
                V::I(submitted),
                t(submitted_on.to_string()),
                V::I(deadline),
                V::NI(decided),
                V::NT(approved_through),
                V::NI(extended),
                V::NT(extended.map(|_| "Waiting for the member's imaging results.".to_string())),
                V::NI(appealed),
            ],
        )
        .await?;
        let units = 1 + (n % 3) as i64;
        let approved_units = match status {
            "approved" => Some(units),
            "modified" => Some(1),
            _ => None,
        };
        bulk::insert(
            &mut tx,
            "referral_services",
            &[
                "referral_id",
                "sequence",
                "service_code",
                "place_of_service",
                "units",
                "approved_units",
                "decision",
            ],
            &[vec![
                V::I(referral_id),
                V::I(1),
                t(if n % 5 == 0 {
                    "90791"
                } else if to == tertiary {
                    "99245"
                } else {
                    "99244"
                }),
                t("11"),
                V::I(units),
                V::NI(approved_units),
                V::NT(
                    (status != "pending").then(|| app::referrals::status_label(status).to_string()),
                ),
            ]],
        )
        .await?;
        bulk::insert(
            &mut tx,
            "referral_diagnoses",
            &["referral_id", "sequence", "icd_code"],
            &[vec![
                V::I(referral_id),
                V::I(1),
                t(ICD_CODES[n % ICD_CODES.len()]),
            ]],
        )
        .await?;
    }
    tx.commit().await?;

    load_claims(
        db,
        &mut rng,
        today,
        claims,
        &member_ids,
        &member_networks,
        &sunrise_npis,
        &harbor_npis,
    )
    .await?;

    // Correspondence per NPI: its welcome letter, the remittance advice of the last two
    // two-week payment cycles, and last year's 1099-MISC, made from the claims above.
    let mut conn = db.conn().await?;
    let tax_year = today.year() - 1;
    for provider_id in sunrise_npis.iter().chain(&harbor_npis) {
        let documents = [
            publish::welcome_letter(&mut conn, settings, *provider_id, today - 380.days()).await,
            publish::remittance_advice(
                &mut conn,
                settings,
                *provider_id,
                today - 41.days(),
                today - 28.days(),
            )
            .await,
            publish::remittance_advice(
                &mut conn,
                settings,
                *provider_id,
                today - 27.days(),
                today - 14.days(),
            )
            .await,
            publish::form_1099_misc(
                &mut conn,
                settings,
                *provider_id,
                tax_year,
                Date::new(today.year(), 1, 31)?,
            )
            .await,
        ];
        for document in documents {
            let document = document.map_err(|e| anyhow::anyhow!("{e}"))?;
            publish::file(&mut conn, now, &document).await?;
        }
    }
    drop(conn);

    // The enrolled but unregistered office gets its secure token letter, as the plan would mail it.
    app::org_registration::tokens::issue(
        db,
        settings,
        now,
        org_ids["Oak Street Medical Group"],
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Lab tests (LOINC code, name, units, reference range, low, high of the normal range).
const LABS: [(&str, &str, &str, f64, f64); 5] = [
    (
        "4548-4",
        "Hemoglobin A1c/Hemoglobin.total in Blood",
        "%",
        4.0,
        5.6,
    ),
    (
        "2345-7",
        "Glucose [Mass/volume] in Serum or Plasma",
        "mg/dL",
        70.0,
        99.0,
    ),
    (
        "2093-3",
        "Cholesterol [Mass/volume] in Serum or Plasma",
        "mg/dL",
        125.0,
        199.0,
    ),
    (
        "2160-0",
        "Creatinine [Mass/volume] in Serum or Plasma",
        "mg/dL",
        0.6,
        1.3,
    ),
    (
        "718-7",
        "Hemoglobin [Mass/volume] in Blood",
        "g/dL",
        12.0,
        17.5,
    ),
];
/// Drugs filled at pharmacies (name and strength), with a 30-day quantity.
const DRUGS: [(&str, i64); 6] = [
    ("metFORMIN 500 mg tablet", 60),
    ("lisinopril 10 mg tablet", 30),
    ("atorvastatin 20 mg tablet", 30),
    ("albuterol 90 mcg/actuation inhaler", 1),
    ("sertraline 50 mg tablet", 30),
    ("amLODIPine 5 mg tablet", 30),
];
const PRESCRIBERS: [&str; 3] = ["Dr. Maya Chen", "Dr. Luis Ortega", "Dr. Priya Natarajan"];

/// A member's current coverage: from, to, line of business, health network, and whether a
/// child.
type Coverage = (Date, Option<Date>, &'static str, Option<String>, bool);

/// Each member's eligibility spans (some changed health network or line of business during
/// the last years), and for some, lab results and pharmacy fills of the last two years.
async fn load_member_history(
    tx: &mut sqlx::AnyConnection,
    rng: &mut ChaCha8Rng,
    today: Date,
    member_ids: &[i64],
    coverage: &[Coverage],
) -> anyhow::Result<()> {
    let (mut spans, mut labs, mut fills) = (Vec::new(), Vec::new(), Vec::new());
    for (id, (from, to, lob, network, child)) in member_ids.iter().zip(coverage) {
        let changed = *from < today - 730.days() && rng.random_bool(0.3);
        let current_from = if changed {
            let switch = today - rng.random_range(90..700).days();
            let (earlier_lob, earlier_network) =
                if network.as_deref() == Some("Coastal Health Network") {
                    (*lob, Some("Poppy Direct".to_string()))
                } else {
                    (
                        if *lob == "OneCare" { "Medi-Cal" } else { *lob },
                        Some("Coastal Health Network".to_string()),
                    )
                };
            spans.push(vec![
                V::I(*id),
                t(from.to_string()),
                V::NT(Some((switch - 1.days()).to_string())),
                t(earlier_lob),
                V::NT(earlier_network),
            ]);
            switch
        } else {
            *from
        };
        spans.push(vec![
            V::I(*id),
            t(current_from.to_string()),
            V::NT(to.map(|d| d.to_string())),
            t(*lob),
            V::NT(network.clone()),
        ]);
        if !child && rng.random_bool(0.6) {
            for _ in 0..rng.random_range(1..5) {
                let (loinc, test, units, low, high) = LABS[rng.random_range(0..LABS.len())];
                let value = rng.random_range(low * 0.8..high * 1.3);
                let flag = if value < low {
                    Some("L")
                } else if value > high {
                    Some("H")
                } else {
                    None
                };
                labs.push(vec![
                    V::I(*id),
                    t((today - rng.random_range(5..720).days()).to_string()),
                    t(loinc),
                    t(test),
                    t(format!("{value:.1}")),
                    t(units),
                    t(format!("{low:.1}–{high:.1} {units}")),
                    V::NT(flag.map(str::to_string)),
                ]);
            }
            let drug = DRUGS[rng.random_range(0..DRUGS.len())];
            let prescriber = PRESCRIBERS[rng.random_range(0..PRESCRIBERS.len())];
            for month in 0..rng.random_range(0..4) {
                fills.push(vec![
                    V::I(*id),
                    t((today - (10 + month * 30).days()).to_string()),
                    t(drug.0),
                    V::I(drug.1),
                    V::I(30),
                    t(prescriber),
                ]);
            }
        }
    }
    bulk::insert(
        tx,
        "member_eligibility",
        &[
            "member_id",
            "starts_on",
            "ends_on",
            "line_of_business",
            "health_network",
        ],
        &spans,
    )
    .await?;
    bulk::insert(
        tx,
        "member_labs",
        &[
            "member_id",
            "collected_on",
            "loinc",
            "test",
            "result",
            "units",
            "reference_range",
            "flag",
        ],
        &labs,
    )
    .await?;
    bulk::insert(
        tx,
        "member_medications",
        &[
            "member_id",
            "filled_on",
            "drug",
            "quantity",
            "days_supply",
            "prescriber",
        ],
        &fills,
    )
    .await?;
    Ok(())
}

/// How the demo plan decides a claim line: Medi-Cal pays 60% of the billed amount; OneCare
/// (with Medicare) leaves the member a deductible (when one is still due) and 20%
/// coinsurance; a line paid late earns 1% interest.
#[derive(Debug, Clone, Copy)]
struct Adjudication {
    billed_cents: i64,
    denied: bool,
    one_care: bool,
    deductible_due: bool,
    late: bool,
}

/// A line's amounts and reason codes (CARC, RARC).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Adjudicated {
    billed_cents: i64,
    allowed_cents: i64,
    coinsurance_cents: i64,
    copay_cents: i64,
    deductible_cents: i64,
    interest_cents: i64,
    paid_cents: i64,
    reason: Option<&'static str>,
    remark: Option<&'static str>,
}

/// OneCare's yearly deductible, as far as one line meets it.
const ONE_CARE_DEDUCTIBLE_CENTS: i64 = 2_500;

impl Adjudicated {
    /// Not decided yet: nothing allowed or paid.
    fn pending(billed_cents: i64) -> Self {
        Adjudicated {
            billed_cents,
            allowed_cents: 0,
            coinsurance_cents: 0,
            copay_cents: 0,
            deductible_cents: 0,
            interest_cents: 0,
            paid_cents: 0,
            reason: None,
            remark: None,
        }
    }
}

impl Adjudication {
    fn adjudicate(self) -> Adjudicated {
        if self.denied {
            return Adjudicated {
                reason: Some("96"),
                remark: Some("N130"),
                ..Adjudicated::pending(self.billed_cents)
            };
        }
        let allowed = self.billed_cents * 6 / 10;
        let deductible = if self.one_care && self.deductible_due {
            allowed.min(ONE_CARE_DEDUCTIBLE_CENTS)
        } else {
            0
        };
        let coinsurance = if self.one_care {
            (allowed - deductible) / 5
        } else {
            0
        };
        let due = allowed - deductible - coinsurance;
        let interest = if self.late && due > 0 {
            (due / 100).max(1)
        } else {
            0
        };
        Adjudicated {
            billed_cents: self.billed_cents,
            allowed_cents: allowed,
            coinsurance_cents: coinsurance,
            copay_cents: 0,
            deductible_cents: deductible,
            interest_cents: interest,
            paid_cents: due + interest,
            reason: Some(if deductible > 0 {
                "1"
            } else if coinsurance > 0 {
                "2"
            } else {
                "45"
            }),
            remark: self.one_care.then_some("MA01"),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn load_claims(
    db: &Db,
    rng: &mut ChaCha8Rng,
    today: Date,
    claims: u64,
    member_ids: &[i64],
    member_networks: &[bool],
    sunrise_npis: &[i64],
    harbor_npis: &[i64],
) -> anyhow::Result<()> {
    let progress = ProgressBar::new(claims);
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} claims {bar:40} {pos}/{len} ({per_sec}, {eta} left)",
        )
        .expect("progress template"),
    );
    let mut made = 0u64;
    while made < claims {
        let batch = (claims - made).min(CLAIMS_PER_BATCH as u64) as usize;
        let mut claim_rows = Vec::with_capacity(batch);
        let mut details = Vec::with_capacity(batch);
        for k in 0..batch {
            let number = made + k as u64 + 1;
            let member = rng.random_range(0..member_ids.len());
            let (billing, service) = if rng.random_bool(0.65) {
                (sunrise_npis[0], sunrise_npis[rng.random_range(1..5)])
            } else {
                (harbor_npis[0], harbor_npis[rng.random_range(1..4)])
            };
            let from = today - rng.random_range(1..540).days();
            let to = from + rng.random_range(0..3).days();
            let received = to + rng.random_range(1..14).days();
            let roll: f64 = rng.random();
            let mut status = if roll < 0.70 {
                "finalized"
            } else if roll < 0.85 {
                "in_progress"
            } else if roll < 0.95 {
                "check_pending"
            } else {
                "original"
            };
            let paid_on = to + rng.random_range(15..45).days();
            if status == "finalized" && paid_on > today {
                status = "check_pending";
            }
            let lob = if rng.random_bool(0.9) {
                "Medi-Cal"
            } else {
                "OneCare"
            };
            // Paid more than 30 days after it was received: the plan owes interest.
            let late = (paid_on - received).get_days() > 30;
            let lines: Vec<(usize, i64, Adjudicated)> = (0..rng.random_range(1..4))
                .map(|_| {
                    let p = rng.random_range(0..PROCEDURES.len());
                    let units = if PROCEDURES[p].0 == "36415" { 2 } else { 1 };
                    let decided = Adjudication {
                        billed_cents: PROCEDURES[p].1 * units,
                        denied: rng.random_bool(0.08),
                        one_care: lob == "OneCare",
                        deductible_due: rng.random_bool(0.3),
                        late,
                    };
                    let amounts = if status == "finalized" {
                        decided.adjudicate()
                    } else {
                        Adjudicated::pending(decided.billed_cents)
                    };
                    (p, units, amounts)
                })
                .collect();
            let billed: i64 = lines.iter().map(|l| l.2.billed_cents).sum();
            let paid: i64 = lines.iter().map(|l| l.2.paid_cents).sum();
            let claim_number = format!("{}{:08}", today.year(), number);
            claim_rows.push(vec![
                t(claim_number.clone()),
                V::I(member_ids[member]),
                V::I(billing),
                V::I(service),
                t(status),
                t(lob),
                t(from.to_string()),
                t(to.to_string()),
                t(received.to_string()),
                V::NT((status == "finalized").then(|| paid_on.to_string())),
                V::I(billed),
                V::I(paid),
                V::NT((status == "finalized").then(|| {
                    if rng.random_bool(0.8) {
                        "EFT".to_string()
                    } else {
                        format!("{:07}", rng.random_range(1_000_000..9_999_999))
                    }
                })),
                t(format!("PA{:07}", rng.random_range(0..10_000_000))),
                V::NT(
                    (member_networks[member] && rng.random_bool(0.5))
                        .then(|| "Coastal Health Network".to_string()),
                ),
            ]);
            let diagnoses: Vec<usize> = (0..rng.random_range(1..3))
                .map(|_| rng.random_range(0..ICD_CODES.len()))
                .collect();
            details.push((from, to, lines, diagnoses));
        }
        let mut tx = db.begin().await?;
        let ids = bulk::insert_returning(
            &mut tx,
            "claims",
            &[
                "claim_number",
                "member_id",
                "billing_provider_id",
                "service_provider_id",
                "status",
                "line_of_business",
                "service_from",
                "service_to",
                "received_on",
                "paid_on",
                "billed_cents",
                "paid_cents",
                "check_number",
                "patient_account",
                "delegated_network",
            ],
            &claim_rows,
        )
        .await?;
        let mut line_rows = Vec::new();
        let mut diagnosis_rows = Vec::new();
        for ((from, to, lines, diagnoses), claim_id) in details.into_iter().zip(ids) {
            for (n, (p, units, a)) in lines.into_iter().enumerate() {
                line_rows.push(vec![
                    V::I(claim_id),
                    V::I(n as i64 + 1),
                    t(PROCEDURES[p].0),
                    V::NT(None),
                    V::I(units),
                    t(from.to_string()),
                    t(to.to_string()),
                    V::I(a.billed_cents),
                    V::I(a.allowed_cents),
                    V::I(a.paid_cents),
                    V::NT(a.reason.map(str::to_string)),
                    V::I(a.coinsurance_cents),
                    V::I(a.copay_cents),
                    V::I(a.deductible_cents),
                    V::I(a.interest_cents),
                    V::NT(a.remark.map(str::to_string)),
                ]);
            }
            let mut seen = Vec::new();
            for d in diagnoses {
                if !seen.contains(&d) {
                    seen.push(d);
                    diagnosis_rows.push(vec![
                        V::I(claim_id),
                        V::I(seen.len() as i64),
                        t(ICD_CODES[d]),
                    ]);
                }
            }
        }
        bulk::insert(
            &mut tx,
            "claim_lines",
            &[
                "claim_id",
                "line_number",
                "procedure_code",
                "modifier",
                "units",
                "service_from",
                "service_to",
                "billed_cents",
                "allowed_cents",
                "paid_cents",
                "eob_code",
                "coinsurance_cents",
                "copay_cents",
                "deductible_cents",
                "interest_cents",
                "remark_code",
            ],
            &line_rows,
        )
        .await?;
        bulk::insert(
            &mut tx,
            "claim_diagnoses",
            &["claim_id", "sequence", "icd_code"],
            &diagnosis_rows,
        )
        .await?;
        tx.commit().await?;
        made += batch as u64;
        progress.set_position(made);
    }
    progress.finish_and_clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every decided line adds up the way the EOB shows it: billed = allowed + disallowed,
        /// paid = allowed − coinsurance − copay − deductible + interest, nothing negative.
        #[test]
        fn adjudicated_lines_add_up(
            billed in 0i64..5_000_000,
            denied: bool,
            one_care: bool,
            deductible_due: bool,
            late: bool,
        ) {
            let a = Adjudication { billed_cents: billed, denied, one_care, deductible_due, late }.adjudicate();
            let disallowed = a.billed_cents - a.allowed_cents;
            prop_assert_eq!(a.billed_cents, billed);
            prop_assert!(disallowed >= 0 && a.allowed_cents >= 0);
            prop_assert_eq!(
                a.paid_cents,
                a.allowed_cents - a.coinsurance_cents - a.copay_cents - a.deductible_cents + a.interest_cents
            );
            prop_assert!(a.paid_cents >= 0 && a.deductible_cents <= ONE_CARE_DEDUCTIBLE_CENTS);
            prop_assert!(a.reason.is_some());
            if denied {
                prop_assert_eq!(a.paid_cents, 0);
            }
            if !late {
                prop_assert_eq!(a.interest_cents, 0);
            }
        }
    }

    #[test]
    fn medicare_ids_follow_the_pattern_and_differ() {
        let ids: Vec<String> = (0..5_000).map(mbi).collect();
        let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        for id in &ids {
            let b = id.as_bytes();
            assert_eq!(b.len(), 11);
            assert!((b'1'..=b'9').contains(&b[0]));
            for i in [1, 4, 7, 8] {
                assert!(
                    b[i].is_ascii_uppercase() && !b"SLOIBZ".contains(&b[i]),
                    "{id}"
                );
            }
            for i in [3, 6, 9, 10] {
                assert!(b[i].is_ascii_digit(), "{id}");
            }
        }
    }

    #[test]
    fn the_demo_diagnoses_are_billable_icd_10_cm_codes() {
        let list = app::ssr::code_lists::icd10cm();
        for code in ICD_CODES {
            assert!(list.iter().any(|(c, _)| c == code), "{code}");
        }
    }
}
