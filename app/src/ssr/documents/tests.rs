//! Every kind of document renders, reads back with `pdftotext`, passes `qpdf --check`, and
//! comes out byte for byte the same from the same data.

use super::*;
use std::io::Write;
use std::process::Command;

fn head(title: &str) -> Letterhead {
    Letterhead {
        program: "Medi-Cal".into(),
        date: "11/29/2026".into(),
        title: title.into(),
    }
}

fn address() -> Vec<String> {
    vec![
        "Sunrise Family Clinic".into(),
        "100 Main St".into(),
        "Sacramento, CA 95814".into(),
    ]
}

/// Renders twice (same bytes), checks the file with qpdf, and answers its text.
fn check<D: Document>(document: &D) -> String {
    let pdf = render(document).expect("renders");
    assert_eq!(
        pdf,
        render(document).expect("renders again"),
        "deterministic"
    );
    assert!(pdf.starts_with(b"%PDF-"));
    let mut file = tempfile();
    file.1.write_all(&pdf).unwrap();
    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(&file.0)
        .output()
        .expect("qpdf is installed (setup.sh)");
    assert!(
        qpdf.status.success(),
        "qpdf --check: {}",
        String::from_utf8_lossy(&qpdf.stdout)
    );
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&file.0)
        .arg("-")
        .output()
        .expect("pdftotext is installed (setup.sh)");
    assert!(text.status.success());
    std::fs::remove_file(&file.0).ok();
    String::from_utf8(text.stdout).unwrap()
}

fn tempfile() -> (std::path::PathBuf, std::fs::File) {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "portal-document-{}-{}.pdf",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

/// Each wanted phrase is in the text, however the layout spaced its words.
fn has(text: &str, wanted: &[&str]) {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for w in wanted {
        assert!(words.contains(w), "{w:?} missing from:\n{text}");
    }
}

#[test]
fn a_letter_lists_its_paragraphs_and_items() {
    let text = check(&Letter {
        head: head("Provider Portal Registration"),
        recipient: address(),
        paragraphs: vec!["This letter confirms the registration of Sunrise Family Clinic.".into()],
        items: vec!["NPI 1234567893: Sunrise Family Clinic".into()],
        closing: vec!["Issued to Pat Lee.".into()],
    });
    has(
        &text,
        &[
            "Medi-Cal",
            "11/29/2026",
            "Provider Portal Registration",
            "100 Main St",
            "confirms the registration",
            "NPI 1234567893: Sunrise Family Clinic",
            "Issued to Pat Lee.",
            "Page 1 of 1",
        ],
    );
}

#[test]
fn a_pin_letter_shows_the_pin() {
    let text = check(&CodeLetter {
        head: head("Medi-Cal PIN Letter"),
        recipient: address(),
        subject: Some("NPI 1234567893: Sunrise Family Clinic".into()),
        intro: vec!["The PIN for this NPI was reset on 11/29/2026. Your new PIN is:".into()],
        label: "New PIN".into(),
        code: "482913".into(),
        after: vec!["Keep this letter in a safe place.".into()],
    });
    has(
        &text,
        &[
            "NPI 1234567893: Sunrise Family Clinic",
            "New PIN: 482913",
            "reset on 11/29/2026",
            "safe place",
        ],
    );
}

#[test]
fn a_token_letter_shows_the_token() {
    let (intro, after) = crate::ssr::messages::token_letter("Medi-Cal", "12/29/2026");
    let text = check(&CodeLetter {
        head: head("Medi-Cal Provider Portal: Your Secure Token ID"),
        recipient: address(),
        subject: None,
        intro,
        label: "Secure Token ID".into(),
        code: "ABCD-EFGH".into(),
        after,
    });
    has(
        &text,
        &[
            "Secure Token ID: ABCD-EFGH",
            "expires on 12/29/2026",
            "Enrolled provider organization",
        ],
    );
}

#[test]
fn a_welcome_letter_names_the_provider_type_and_transactions() {
    let text = check(&WelcomeLetter {
        head: head("Provider Welcome Letter"),
        recipient: address(),
        npi: "1234567893".into(),
        provider: "Sunrise Family Clinic".into(),
        provider_type: "Physician Group".into(),
        effective: "01/15/2024".into(),
        transactions: vec![("270/271".into(), "Eligibility inquiry and response".into())],
    });
    has(
        &text,
        &[
            "1234567893",
            "Physician Group",
            "01/15/2024",
            "270/271",
            "Eligibility inquiry and response",
        ],
    );
}

#[test]
fn a_1099_misc_fills_its_boxes() {
    let text = check(&Form1099Misc {
        head: head("Form 1099-MISC 2025"),
        tax_year: 2025,
        payer: vec![
            "Medi-Cal".into(),
            "PO Box 1".into(),
            "Sacramento, CA 95814".into(),
        ],
        payer_tin: "94-1234567".into(),
        recipient_tin: "XX-XXX4567".into(),
        recipient: address(),
        account: "1234567893".into(),
        medical_payments: "$123,456.78".into(),
        withheld: "$0.00".into(),
    });
    has(
        &text,
        &[
            "1099-MISC",
            "2025",
            "Medical and health care payments",
            "$123,456.78",
            "XX-XXX4567",
            "94-1234567",
            "Copy B For Recipient",
        ],
    );
}

fn remittance(lines: usize) -> RemittanceAdvice {
    RemittanceAdvice {
        head: head("Remittance Advice"),
        payee: address(),
        npi: "1234567893".into(),
        payment: "EFT 000123".into(),
        payment_date: "11/27/2026".into(),
        lines: (0..lines)
            .map(|i| RemittanceLine {
                claim: format!("2026{i:07}"),
                member: format!("Member {i}"),
                service: "11/01/2026".into(),
                billed: "$150.00".into(),
                allowed: "$120.00".into(),
                paid: "$120.00".into(),
                status: "Paid".into(),
            })
            .collect(),
        total_billed: format!("${}.00", 150 * lines),
        total_paid: format!("${}.00", 120 * lines),
    }
}

#[test]
fn a_remittance_advice_lists_claims_and_totals_across_pages() {
    let text = check(&remittance(120));
    has(
        &text,
        &[
            "EFT 000123",
            "20260000000",
            "20260000119",
            "Member 119",
            "$18000.00",
            "$14400.00",
            "Page 1 of ",
        ],
    );
    // The column heads repeat on every page.
    assert!(text.matches("Allowed").count() > 1, "{text}");
}

#[test]
fn an_agreement_is_blank_until_signed_then_names_the_signer() {
    let mut agreement = Agreement {
        head: head("Presumptive Eligibility Provider Agreement"),
        npi: "1234567893".into(),
        provider: "Sunrise Family Clinic".into(),
        terms: vec![
            "The provider determines presumptive eligibility as the program directs.".into(),
        ],
        signature: None,
    };
    let blank = check(&agreement);
    has(
        &blank,
        &[
            "Sunrise Family Clinic",
            "NPI 1234567893",
            "presumptive eligibility",
        ],
    );
    assert!(!blank.contains("Signed electronically"));
    agreement.signature = Some(Signature {
        name: "Pat Lee".into(),
        title: "Office Manager".into(),
        signed_at: "11/29/2026 10:15 AM PST".into(),
        address: "203.0.113.9".into(),
    });
    let signed = check(&agreement);
    has(
        &signed,
        &[
            "Signed electronically by Pat Lee",
            "Office Manager",
            "11/29/2026 10:15 AM PST",
            "203.0.113.9",
        ],
    );
}

#[test]
fn text_from_the_database_is_not_markup() {
    let text = check(&Letter {
        head: head("Notice"),
        recipient: vec![],
        paragraphs: vec!["#panic(\"no\") *not bold* $x$ <label> @ref".into()],
        items: vec![],
        closing: vec![],
    });
    has(&text, &["#panic(\"no\") *not bold* $x$ <label> @ref"]);
}
