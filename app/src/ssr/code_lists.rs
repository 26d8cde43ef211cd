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
        let hcpcs = hcpcs();
        assert_eq!(hcpcs.len(), 9);
        // Level II codes: a letter and four digits; never a CPT code.
        assert!(hcpcs.iter().all(|(c, _)| c.len() == 5
            && c.as_bytes()[0].is_ascii_uppercase()
            && c[1..].bytes().all(|b| b.is_ascii_digit())));
    }
}
