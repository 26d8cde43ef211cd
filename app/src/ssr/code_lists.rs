//! The code lists claims and referrals are described with: ICD-10-CM diagnoses (the CDC's
//! list, billable codes only) and the claim adjustment reason (CARC) and remark (RARC)
//! codes, and HCPCS Level II procedure codes. They ship in `app/data/` and are loaded into the database when it lacks them;
//! nothing is fetched at run time. CPT codes are stored without descriptions (those are
//! copyrighted).

use super::db::Db;
use super::repo::code_lists as repo;
use std::io::Read;

const ICD10CM: &[u8] = include_bytes!("../../data/icd10cm.tsv.gz");
const REASON_CODES: &str = include_str!("../../data/reason_codes.tsv");
const HCPCS: &str = include_str!("../../data/hcpcs.tsv");

/// (code, description) per tab-separated line; `#` lines are comments. The reason codes'
/// middle column (CARC or RARC) is left out: the code itself tells them apart.
fn rows(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (code, rest) = line.split_once('\t')?;
            let description = rest.rsplit('\t').next()?;
            Some((code.to_string(), description.to_string()))
        })
        .collect()
}

/// The ICD-10-CM billable codes with their descriptions.
pub fn icd10cm() -> Vec<(String, String)> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(ICD10CM)
        .read_to_string(&mut text)
        .expect("the shipped ICD-10-CM list is valid gzip text");
    rows(&text)
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
const ZIP_CENTROIDS: &[u8] = include_bytes!("../../data/zip_centroids.tsv.gz");

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
}

/// The CMS place-of-service codes: (code, name).
pub fn places_of_service() -> Vec<(String, String)> {
    rows(PLACES_OF_SERVICE)
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

/// The Census ZIP Code Tabulation Area centroids, read once: ZIP to (latitude, longitude).
fn zip_centroids() -> &'static std::collections::HashMap<String, (f64, f64)> {
    static CENTROIDS: std::sync::OnceLock<std::collections::HashMap<String, (f64, f64)>> =
        std::sync::OnceLock::new();
    CENTROIDS.get_or_init(|| {
        let mut text = String::new();
        flate2::read::GzDecoder::new(ZIP_CENTROIDS)
            .read_to_string(&mut text)
            .expect("the shipped ZIP centroids are valid gzip text");
        data_lines(&text)
            .filter_map(|line| {
                let mut cells = line.split('\t');
                let zip = cells.next()?.to_string();
                let latitude = cells.next()?.parse().ok()?;
                let longitude = cells.next()?.parse().ok()?;
                Some((zip, (latitude, longitude)))
            })
            .collect()
    })
}

/// The centroid of a five-digit ZIP code (a ZIP+4 counts by its first five digits).
pub fn zip_centroid(zip: &str) -> Option<(f64, f64)> {
    zip_centroids().get(zip.trim().get(..5)?).copied()
}

/// An ICD-10-CM code as it is searched: code, description, the code without its dot, and
/// the description in lower case.
struct IcdEntry {
    code: String,
    description: String,
    bare: String,
    words: String,
}

fn icd_index() -> &'static [IcdEntry] {
    static INDEX: std::sync::OnceLock<Vec<IcdEntry>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        icd10cm()
            .into_iter()
            .map(|(code, description)| IcdEntry {
                bare: code.replace('.', ""),
                words: description.to_lowercase(),
                code,
                description,
            })
            .collect()
    })
}

/// Warms the in-memory lists at start, so no user waits for them to be read.
pub fn warm() {
    icd_index();
    zip_centroids();
}

/// "Find an ICD Code": the code itself first, then codes starting with what was typed, then
/// codes whose description has every word typed; at most `limit`, in code order within each.
pub fn find_icd(typed: &str, limit: usize) -> Vec<(String, String)> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Vec::new();
    }
    let bare = typed.replace('.', "").to_ascii_uppercase();
    let words: Vec<String> = typed
        .to_lowercase()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let index = icd_index();
    let mut found: Vec<&IcdEntry> = index.iter().filter(|e| e.bare == bare).collect();
    found.extend(
        index
            .iter()
            .filter(|e| e.bare != bare && e.bare.starts_with(&bare))
            .take(limit),
    );
    if found.len() < limit {
        found.extend(
            index
                .iter()
                .filter(|e| {
                    !e.bare.starts_with(&bare) && words.iter().all(|w| e.words.contains(w.as_str()))
                })
                .take(limit - found.len()),
        );
    }
    found.truncate(limit);
    found
        .into_iter()
        .map(|e| (e.code.clone(), e.description.clone()))
        .collect()
}

/// The ICD-10-CM code typed (with or without its dot), as the list writes it, if it is one.
pub fn icd_code(typed: &str) -> Option<(String, String)> {
    let bare = typed.trim().replace('.', "").to_ascii_uppercase();
    icd_index()
        .iter()
        .find(|e| e.bare == bare)
        .map(|e| (e.code.clone(), e.description.clone()))
}

/// The number of codes each list ships (the ICD-10-CM list is only unpacked when loaded).
type CodeList = fn() -> Vec<(String, String)>;

const SHIPPED: [(&str, usize, CodeList); 3] = [
    ("icd_codes", 74_731, icd10cm),
    ("eob_codes", 12, reason_codes),
    ("procedure_codes", 9, hcpcs),
];

/// Loads each list whose table does not hold exactly that list's number of codes. At start,
/// a loaded database costs three counts: nothing is unpacked.
pub async fn load(db: &Db) -> Result<(), sqlx::Error> {
    for (table, shipped, codes) in SHIPPED {
        if repo::count(&mut *db.conn().await?, table).await? == shipped as i64 {
            continue;
        }
        let mut tx = db.begin().await?;
        repo::replace(&mut tx, table, codes()).await?;
        tx.commit().await?;
        tracing::info!(table, codes = shipped, "code list loaded");
    }
    let catalog = service_catalog();
    if repo::count(&mut *db.conn().await?, "service_catalog").await? != catalog.len() as i64 {
        let mut tx = db.begin().await?;
        repo::replace_catalog(&mut tx, catalog).await?;
        tx.commit().await?;
        tracing::info!("service catalog loaded");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_hold_the_published_codes() {
        // The counts `load` compares with are the lists' own.
        for (_, shipped, codes) in SHIPPED {
            assert_eq!(codes().len(), shipped);
        }
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
        let hcpcs = hcpcs();
        assert_eq!(hcpcs.len(), 9);
        // Level II codes: a letter and four digits; never a CPT code.
        assert!(hcpcs.iter().all(|(c, _)| c.len() == 5
            && c.as_bytes()[0].is_ascii_uppercase()
            && c[1..].bytes().all(|b| b.is_ascii_digit())));
    }

    #[test]
    fn an_icd_code_is_found_by_code_or_by_words_within_50_ms() {
        warm();
        assert_eq!(find_icd("E119", 20)[0].0, "E11.9");
        assert_eq!(find_icd("e11.9", 20)[0].0, "E11.9");
        assert!(find_icd("E11", 20)
            .iter()
            .all(|(c, _)| c.starts_with("E11")));
        let words = find_icd("essential hypertension", 20);
        assert!(words.iter().any(|(c, _)| c == "I10"), "{words:?}");
        assert!(find_icd("   ", 20).is_empty());
        assert_eq!(icd_code("i10").map(|c| c.0), Some("I10".into()));
        assert_eq!(icd_code("E11"), None);
        // The slowest of many searches (words that match little scan the whole list).
        let mut times: Vec<std::time::Duration> = [
            "diabetes",
            "fracture of left femur",
            "zzz",
            "J45.909",
            "otitis media",
        ]
        .iter()
        .cycle()
        .take(100)
        .map(|q| {
            let started = std::time::Instant::now();
            std::hint::black_box(find_icd(q, 20));
            started.elapsed()
        })
        .collect();
        times.sort();
        let p99 = times[98];
        assert!(p99 < std::time::Duration::from_millis(50), "p99 {p99:?}");
    }
}
