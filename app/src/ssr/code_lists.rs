//! The code lists claims and referrals are described with: ICD-10-CM diagnoses (the CDC's
//! list, billable codes only) and the claim adjustment reason (CARC) and remark (RARC)
//! codes, and HCPCS Level II procedure codes. They ship in `app/data/` and are loaded into the database when it lacks them;
//! nothing is fetched at run time. CPT codes are stored without descriptions (those are
//! copyrighted).

use super::code_index::{data_lines, words_of, IcdIndex, Zips};
use super::db::Db;
use super::repo::code_lists as repo;
use super::repo::Conn;

const ICD10CM: &[u8] = include_bytes!("../../data/icd10cm.tsv.gz");
const REASON_CODES: &str = include_str!("../../data/reason_codes.tsv");
const HCPCS: &str = include_str!("../../data/hcpcs.tsv");

/// (code, description) per tab-separated line; `#` lines are comments. The reason codes'
/// middle column (CARC or RARC) is left out: the code itself tells them apart.
fn rows(text: &str) -> Vec<(String, String)> {
    data_lines(text)
        .filter_map(|line| {
            let (code, rest) = line.split_once('\t')?;
            let description = rest.rsplit('\t').next()?;
            Some((code.to_string(), description.to_string()))
        })
        .collect()
}

/// The ICD-10-CM billable codes with their descriptions.
pub fn icd10cm() -> Vec<(String, String)> {
    rows(icd_index().text())
}

pub fn reason_codes() -> Vec<(String, String)> {
    rows(REASON_CODES)
}

/// HCPCS Level II codes with their descriptions.
pub fn hcpcs() -> Vec<(String, String)> {
    rows(HCPCS)
}

const SERVICE_CATALOG: &str = include_str!("../../data/service_catalog.tsv");
const PLACES_OF_SERVICE: &str = include_str!("../../data/place_of_service.tsv");

/// The CMS place-of-service codes: (code, name), read once.
pub fn places_of_service() -> &'static [(String, String)] {
    static PLACES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    PLACES.get_or_init(|| rows(PLACES_OF_SERVICE))
}

/// The plan's service catalog as shipped (see `service_catalog.tsv` for its columns).
pub fn service_catalog() -> Vec<repo::CatalogRow> {
    data_lines(SERVICE_CATALOG)
        .filter_map(|line| {
            let mut cells = line.split('\t');
            Some(repo::CatalogRow {
                code: cells.next()?.to_string(),
                kind: cells.next()?.to_string(),
                needs_referral: cells.next()? == "1",
                modifiers: cells.next()?.to_string(),
                modifier_exempt: cells.next()? == "1",
                description: cells.next()?.to_string(),
                question: cells.next().filter(|q| !q.is_empty()).map(str::to_string),
            })
        })
        .collect()
}

/// The packed lists ([`super::code_index`]), made by the build script.
const ICD_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/icd10cm.index"));
const ZIP_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/zip_centroids.index"));

fn icd_index() -> IcdIndex<'static> {
    IcdIndex::open(ICD_INDEX)
}

fn zip_centroids() -> Zips<'static> {
    Zips::open(ZIP_INDEX)
}

/// The centroid of a five-digit ZIP code (a ZIP+4 counts by its first five digits).
pub fn zip_centroid(zip: &str) -> Option<(f64, f64)> {
    let five = zip
        .trim()
        .get(..5)
        .filter(|z| z.bytes().all(|b| b.is_ascii_digit()))?;
    zip_centroids().find(five.parse().ok()?)
}

fn bare_code(typed: &str) -> String {
    typed.trim().replace('.', "").to_ascii_uppercase()
}

/// "Find an ICD Code": the code itself first, then codes starting with what was typed, then
/// codes with a description word starting with each word typed; at most `limit`, in code
/// order within each.
pub fn find_icd(typed: &str, limit: usize) -> Vec<(String, String)> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Vec::new();
    }
    let index = icd_index();
    let bare = bare_code(typed);
    let mut found: Vec<usize> = index.by_code(&bare).take(limit).collect();
    if found.len() < limit {
        let lowered = typed.to_lowercase();
        let hits = index.with_words(words_of(&lowered));
        found.extend(
            hits.filter(|&at| !index.bare(at).starts_with(bare.as_bytes()))
                .take(limit - found.len()),
        );
    }
    found.into_iter().map(|at| owned(index.entry(at))).collect()
}

fn owned((code, description): (&str, &str)) -> (String, String) {
    (code.to_string(), description.to_string())
}

/// The ICD-10-CM code typed (with or without its dot), as the list writes it, if it is one.
pub fn icd_code(typed: &str) -> Option<(String, String)> {
    let bare = bare_code(typed);
    let index = icd_index();
    index
        .by_code(&bare)
        .next()
        .filter(|&at| index.bare(at) == bare.as_bytes())
        .map(|at| owned(index.entry(at)))
}

/// A list as shipped: its table, what identifies this version of it, and its codes (the
/// ICD-10-CM list's are only read when it is loaded).
type CodeList = (&'static str, fn() -> String, fn() -> Vec<(String, String)>);

const SHIPPED: [CodeList; 3] = [
    ("icd_codes", || gzip_fingerprint(ICD10CM), icd10cm),
    ("eob_codes", || text_fingerprint(REASON_CODES), reason_codes),
    ("procedure_codes", || text_fingerprint(HCPCS), hcpcs),
];

/// A gzip file's own checksum and size of what it holds (its last 8 bytes): reading them
/// costs nothing, and any change to the list changes them.
fn gzip_fingerprint(gz: &[u8]) -> String {
    let trailer = &gz[gz.len().saturating_sub(8)..];
    format!("gzip:{}", hex::encode(trailer))
}

fn text_fingerprint(text: &str) -> String {
    use sha2::Digest;
    format!(
        "sha256:{}",
        hex::encode(sha2::Sha256::digest(text.as_bytes()))
    )
}

/// Loads each list the database does not hold in this version, with its fingerprint in the
/// same transaction. At start, a loaded database costs one read of a small table: nothing is
/// counted or unpacked.
pub async fn load(db: &Db, conn: &mut Conn) -> Result<(), sqlx::Error> {
    let loaded = repo::loaded(conn).await?;
    let holds =
        |table: &str, fingerprint: &str| loaded.iter().any(|(t, f)| t == table && f == fingerprint);
    for (table, fingerprint, codes) in SHIPPED {
        let fingerprint = fingerprint();
        if holds(table, &fingerprint) {
            continue;
        }
        let codes = codes();
        let count = codes.len();
        let mut tx = db.begin_on(conn).await?;
        repo::replace(&mut tx, table, codes).await?;
        repo::record_load(&mut tx, table, &fingerprint).await?;
        tx.commit().await?;
        tracing::info!(table, codes = count, "code list loaded");
    }
    let fingerprint = text_fingerprint(SERVICE_CATALOG);
    if !holds("service_catalog", &fingerprint) {
        let mut tx = db.begin_on(conn).await?;
        repo::replace_catalog(&mut tx, service_catalog()).await?;
        repo::record_load(&mut tx, "service_catalog", &fingerprint).await?;
        tx.commit().await?;
        tracing::info!("service catalog loaded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_list_is_loaded_once_per_version() {
        let t = crate::ssr::testing::sqlite().await;
        let count = |table: &'static str| {
            let db = t.db.clone();
            async move {
                repo::count(&mut db.conn().await.unwrap(), table)
                    .await
                    .unwrap()
            }
        };
        load(&t.db, &mut t.db.conn().await.unwrap()).await.unwrap();
        assert_eq!(count("icd_codes").await, 74_731);
        assert_eq!(count("eob_codes").await, 12);
        assert_eq!(count("procedure_codes").await, 9);
        assert_eq!(count("service_catalog").await, 21);
        assert_eq!(count("code_list_loads").await, 4);
        // The same version is not loaded again: a code removed by hand stays removed.
        repo::remove(&mut t.db.conn().await.unwrap(), "icd_codes", "I10")
            .await
            .unwrap();
        load(&t.db, &mut t.db.conn().await.unwrap()).await.unwrap();
        assert_eq!(count("icd_codes").await, 74_730);
        // Another version (here, a fingerprint that no longer matches) is loaded whole.
        repo::record_load(&mut t.db.conn().await.unwrap(), "icd_codes", "older")
            .await
            .unwrap();
        load(&t.db, &mut t.db.conn().await.unwrap()).await.unwrap();
        assert_eq!(count("icd_codes").await, 74_731);
    }

    #[test]
    fn a_change_to_a_list_changes_its_fingerprint() {
        assert_ne!(
            text_fingerprint(HCPCS),
            text_fingerprint(&format!("{HCPCS}x"))
        );
        let mut gz = ICD10CM.to_vec();
        let fingerprint = gzip_fingerprint(&gz);
        assert_eq!(fingerprint.len(), "gzip:".len() + 16);
        let at = gz.len() - 3;
        gz[at] ^= 1;
        assert_ne!(gzip_fingerprint(&gz), fingerprint);
        // The trailer's size is the unpacked list's, as gzip writes it.
        let size = u32::from_le_bytes(ICD10CM[ICD10CM.len() - 4..].try_into().unwrap());
        assert_eq!(size as usize, icd_index().text().len());
    }

    #[test]
    fn the_lists_hold_the_published_codes() {
        let icd = icd10cm();
        // The CDC's April 2026 release: 74,731 billable codes.
        assert_eq!(icd.len(), 74_731);
        let find = |code: &str| icd.iter().find(|(c, _)| c == code).map(|(_, d)| d.as_str());
        assert_eq!(find("I10"), Some("Essential (primary) hypertension"));
        assert_eq!(
            find("E11.9"),
            Some("Type 2 diabetes mellitus without complications")
        );
        // A category is not billable: only its leaves are listed.
        assert_eq!(find("E11"), None);
        let reasons = reason_codes();
        assert!(reasons.contains(&("45".into(), "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.".into())));
        assert!(reasons.iter().any(|(c, _)| c == "N130"));
        let places = places_of_service();
        assert_eq!(places.len(), 52);
        assert!(places.contains(&("11".into(), "Office".into())));
        let catalog = service_catalog();
        assert_eq!(catalog.len(), 21);
        let find = |code: &str| catalog.iter().find(|c| c.code == code).unwrap();
        assert!(!find("99213").needs_referral);
        assert!(find("97153").modifier_exempt && find("97153").kind == "behavioral");
        assert!(find("72148").question.is_some());
        assert_eq!(zip_centroid("95814"), Some((38.580568, -121.49559)));
        assert_eq!(zip_centroid("95814-1234"), zip_centroid("95814"));
        assert_eq!(zip_centroid("00000"), None);
        assert_eq!(zip_centroid("9581A"), None);
        assert_eq!(zip_centroids().len(), 33_791);
        let hcpcs = hcpcs();
        assert_eq!(hcpcs.len(), 9);
        // Level II codes: a letter and four digits; never a CPT code.
        assert!(hcpcs.iter().all(|(c, _)| c.len() == 5
            && c.as_bytes()[0].is_ascii_uppercase()
            && c[1..].bytes().all(|b| b.is_ascii_digit())));
    }

    #[test]
    fn an_icd_code_is_found_by_code_or_by_words_within_50_ms() {
        assert_eq!(find_icd("E119", 20)[0].0, "E11.9");
        assert_eq!(find_icd("e11.9", 20)[0].0, "E11.9");
        let e11 = find_icd("E11", 20);
        // At most the 20 asked for, though E11 has more.
        assert_eq!(e11.len(), 20);
        assert!(e11.iter().all(|(c, _)| c.starts_with("E11")));
        let words = find_icd("essential hypertension", 20);
        assert!(words.iter().any(|(c, _)| c == "I10"), "{words:?}");
        assert!(find_icd("   ", 20).is_empty());
        // A word thousands of codes have: the first 20 in code order, each once.
        let common = find_icd("of", 20);
        assert_eq!(common.len(), 20);
        assert!(common.windows(2).all(|w| w[0].0 < w[1].0), "{common:?}");
        assert!(common.iter().all(|(_, d)| d
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.starts_with("of"))));
        assert_eq!(icd_code("i10").map(|c| c.0), Some("I10".into()));
        assert_eq!(icd_code("E11"), None);
        // Every shipped code is searchable, and a word beyond ASCII is found in any case.
        assert_eq!(icd_index().len(), 74_731);
        let sezary = find_icd("SÉZARY lymph", 20);
        assert!(sezary.iter().any(|(c, _)| c == "C84.11"), "{sezary:?}");
        assert_eq!(
            icd_code("c8411").map(|c| c.1),
            Some("Sézary disease, lymph nodes of head, face, and neck".into())
        );
        // The slowest of many searches, the commonest words ("of", "a") among them. Each
        // search's time is the best of three, so a thread descheduled on a busy machine (other
        // tests run alongside) does not count as a slow search.
        let mut times: Vec<std::time::Duration> = [
            "diabetes",
            "fracture of left femur",
            "zzz",
            "J45.909",
            "otitis media",
            "of",
            "a",
        ]
        .iter()
        .cycle()
        .take(140)
        .map(|q| {
            (0..3)
                .map(|_| {
                    let started = std::time::Instant::now();
                    std::hint::black_box(find_icd(q, 20));
                    started.elapsed()
                })
                .min()
                .unwrap_or_default()
        })
        .collect();
        times.sort();
        let p99 = times[times.len() * 99 / 100 - 1];
        assert!(p99 < std::time::Duration::from_millis(50), "p99 {p99:?}");
    }
}
