//! Packs the shipped ICD-10-CM list and ZIP centroids for the server to read in place
//! (`src/ssr/code_index.rs` says how and why). The browser build gets empty files.

use std::io::Read;
use std::path::PathBuf;

#[allow(dead_code)]
#[path = "src/ssr/code_index.rs"]
mod code_index;

fn gunzip(path: &str) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect(path))
        .read_to_string(&mut text)
        .expect(path);
    text
}

fn main() {
    for path in [
        "build.rs",
        "src/ssr/code_index.rs",
        "data/icd10cm.tsv.gz",
        "data/zip_centroids.tsv.gz",
    ] {
        println!("cargo::rerun-if-changed={path}");
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let server = std::env::var_os("CARGO_FEATURE_SSR").is_some();
    let (icd, zips) = if server {
        (
            code_index::pack_icd(&gunzip("data/icd10cm.tsv.gz")),
            code_index::pack_zips(&gunzip("data/zip_centroids.tsv.gz")),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    std::fs::write(out.join("icd10cm.index"), icd).expect("OUT_DIR is writable");
    std::fs::write(out.join("zip_centroids.index"), zips).expect("OUT_DIR is writable");
}
