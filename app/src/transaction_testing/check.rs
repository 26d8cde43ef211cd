//! Checks a test file as the plan's front end would before accepting it: the X12 envelope
//! (ISA/IEA, GS/GE, ST/SE with their counts and control numbers), the implementation guide
//! of the transaction chosen, and the segments that transaction cannot do without, with the
//! provider's NPI valid and the organization's own. The answer is a list of findings and a
//! 999 acknowledgment.

use super::{Finding, TestKind};
use crate::domain::Npi;
use crate::transactions::x12::{self, Envelope, Segments};

/// What was found, and the 999 that reports it.
pub struct Checked {
    pub accepted: bool,
    pub findings: Vec<Finding>,
    pub ack: String,
}

struct Set {
    id: String,
    control: String,
    version: String,
    /// Segment ids and elements, ST to SE.
    segments: Vec<(usize, Vec<String>)>,
    findings: Vec<Finding>,
}

fn finding(position: usize, id: &str, message: impl Into<String>) -> Finding {
    Finding {
        position,
        segment: id.to_string(),
        message: message.into(),
    }
}

/// Checks `text` as a `kind` test file; `npis` are the organization's own (empty: any valid
/// NPI will do). `env` addresses the 999.
pub fn check(text: &str, kind: TestKind, npis: &[String], env: &Envelope) -> Checked {
    let text = text.trim_start();
    let bytes = text.as_bytes();
    if bytes.len() < 106 || !text.starts_with("ISA") || !text.is_char_boundary(106) {
        let findings = vec![finding(
            1,
            "ISA",
            "The file does not start with a complete ISA segment (106 characters).",
        )];
        return Checked {
            accepted: false,
            ack: String::new(),
            findings,
        };
    }
    let element = bytes[3] as char;
    let terminator = bytes[105] as char;
    let segments: Vec<Vec<String>> = text
        .split(terminator)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.split(element).map(str::to_string).collect())
        .collect();
    let mut envelope_findings = Vec::new();
    let isa = &segments[0];
    if isa.len() != 17 {
        envelope_findings.push(finding(
            1,
            "ISA",
            format!(
                "The ISA segment has {} elements; it needs 16.",
                isa.len() - 1
            ),
        ));
    }
    let isa_control = isa.get(13).cloned().unwrap_or_default();
    let (mut sets, mut groups) = (Vec::<Set>::new(), 0usize);
    let mut group: Option<(usize, Vec<String>, usize)> = None; // (position, GS, sets in it)
    let mut current: Option<Set> = None;
    let mut gs_info = (String::new(), String::new(), String::new());
    for (index, seg) in segments.iter().enumerate().skip(1) {
        let position = index + 1;
        let id = seg[0].as_str();
        match id {
            "GS" => {
                if group.is_some() {
                    envelope_findings.push(finding(
                        position,
                        "GS",
                        "A GS segment comes before the previous group's GE.",
                    ));
                }
                gs_info = (
                    seg.get(1).cloned().unwrap_or_default(),
                    seg.get(6).cloned().unwrap_or_default(),
                    seg.get(8).cloned().unwrap_or_default(),
                );
                group = Some((position, seg.clone(), 0));
                groups += 1;
            }
            "ST" => {
                if current.is_some() {
                    envelope_findings.push(finding(
                        position,
                        "ST",
                        "An ST segment comes before the previous set's SE.",
                    ));
                }
                current = Some(Set {
                    id: seg.get(1).cloned().unwrap_or_default(),
                    control: seg.get(2).cloned().unwrap_or_default(),
                    version: seg.get(3).cloned().unwrap_or_else(|| gs_info.2.clone()),
                    segments: vec![(position, seg.clone())],
                    findings: Vec::new(),
                });
            }
            "SE" => match current.take() {
                Some(mut set) => {
                    set.segments.push((position, seg.clone()));
                    let count = set.segments.len();
                    if seg.get(1).and_then(|c| c.parse::<usize>().ok()) != Some(count) {
                        set.findings.push(finding(
                            position,
                            "SE",
                            format!(
                                "SE01 says {} segments; the set has {count}.",
                                seg.get(1).map_or("none", |s| s.as_str())
                            ),
                        ));
                    }
                    if seg.get(2) != Some(&set.control) {
                        set.findings.push(finding(
                            position,
                            "SE",
                            "SE02 does not match the ST control number.",
                        ));
                    }
                    if let Some(g) = group.as_mut() {
                        g.2 += 1;
                    }
                    sets.push(set);
                }
                None => {
                    envelope_findings.push(finding(position, "SE", "An SE segment without its ST."))
                }
            },
            "GE" => match group.take() {
                Some((_, gs, count)) => {
                    if seg.get(1).and_then(|c| c.parse::<usize>().ok()) != Some(count) {
                        envelope_findings.push(finding(
                            position,
                            "GE",
                            format!(
                                "GE01 says {} transaction sets; the group has {count}.",
                                seg.get(1).map_or("none", |s| s.as_str())
                            ),
                        ));
                    }
                    if seg.get(2) != gs.get(6) {
                        envelope_findings.push(finding(
                            position,
                            "GE",
                            "GE02 does not match the GS control number.",
                        ));
                    }
                }
                None => {
                    envelope_findings.push(finding(position, "GE", "A GE segment without its GS."))
                }
            },
            "IEA" => {
                if seg.get(1).and_then(|c| c.parse::<usize>().ok()) != Some(groups) {
                    envelope_findings.push(finding(
                        position,
                        "IEA",
                        format!(
                            "IEA01 says {} groups; the interchange has {groups}.",
                            seg.get(1).map_or("none", |s| s.as_str())
                        ),
                    ));
                }
                if seg.get(2) != Some(&isa_control) {
                    envelope_findings.push(finding(
                        position,
                        "IEA",
                        "IEA02 does not match the ISA control number.",
                    ));
                }
            }
            _ => match current.as_mut() {
                Some(set) => set.segments.push((position, seg.clone())),
                None => envelope_findings.push(finding(
                    position,
                    id,
                    "A segment outside a transaction set.",
                )),
            },
        }
    }
    if current.is_some() || group.is_some() || segments.last().is_none_or(|s| s[0] != "IEA") {
        envelope_findings.push(finding(
            segments.len(),
            "IEA",
            "The interchange is not closed: SE, GE and IEA must end it.",
        ));
    }
    if gs_info.0 != kind.group() {
        envelope_findings.push(finding(
            2,
            "GS",
            format!(
                "GS01 is {:?}; a {} file uses {}.",
                gs_info.0,
                kind.label(),
                kind.group()
            ),
        ));
    }
    if sets.is_empty() {
        envelope_findings.push(finding(1, "ST", "The file holds no transaction set."));
    }
    for set in &mut sets {
        content(set, kind, npis);
    }

    // The 999: one AK2 per set, an IK3 per finding, IK5 and AK9 to close.
    let mut body = Segments::new();
    body.add("AK1", &[kind.group(), &gs_info.1, kind.version()]);
    let mut accepted_sets = 0;
    for set in &sets {
        body.add("AK2", &[&set.id, &set.control, &set.version]);
        for f in &set.findings {
            let in_set = set
                .segments
                .iter()
                .position(|(p, _)| *p == f.position)
                .map_or(0, |i| i + 1);
            body.add("IK3", &[&f.segment, &in_set.to_string(), "", "8"]);
        }
        if set.findings.is_empty() {
            accepted_sets += 1;
            body.add("IK5", &["A"]);
        } else {
            body.add("IK5", &["R", "5"]);
        }
    }
    let accepted = envelope_findings.is_empty() && accepted_sets == sets.len() && !sets.is_empty();
    let count = sets.len().to_string();
    body.add(
        "AK9",
        &[
            if accepted { "A" } else { "R" },
            &count,
            &count,
            &accepted_sets.to_string(),
        ],
    );
    let ack = x12::interchange(env, "FA", "999", "005010X231A1", body);
    let mut findings = envelope_findings;
    findings.extend(sets.into_iter().flat_map(|s| s.findings));
    findings.sort_by_key(|f| f.position);
    Checked {
        accepted,
        findings,
        ack,
    }
}

/// A segment a transaction needs: its id, its first element if that matters, and what to
/// say when it is missing.
type Needed = (&'static str, Option<&'static str>, &'static str);

/// The segments the transaction needs, and its NPIs.
fn content(set: &mut Set, kind: TestKind, npis: &[String]) {
    let start = set.segments[0].0;
    if set.id != kind.set() {
        set.findings.push(finding(
            start,
            "ST",
            format!(
                "ST01 is {:?}; a {} file holds {} transaction sets.",
                set.id,
                kind.label(),
                kind.set()
            ),
        ));
        return;
    }
    if set.version != kind.version() {
        set.findings.push(finding(
            start,
            "ST",
            format!(
                "The implementation guide is {:?}; {} uses {}.",
                set.version,
                kind.label(),
                kind.version()
            ),
        ));
    }
    let has = |id: &str, first: Option<&str>| {
        set.segments.iter().any(|(_, s)| {
            s[0] == id && first.is_none_or(|f| s.get(1).map(String::as_str) == Some(f))
        })
    };
    let mut missing: Vec<(&str, &str)> = Vec::new();
    if set.segments.get(1).is_none_or(|(_, s)| s[0] != "BHT") {
        missing.push(("BHT", "The BHT segment must follow ST."));
    }
    let (provider_code, needed): (&str, &[Needed]) = match kind {
        TestKind::Claim837P => (
            "85",
            &[
                ("NM1", Some("41"), "The submitter (NM1*41) is missing."),
                ("NM1", Some("40"), "The receiver (NM1*40) is missing."),
                (
                    "NM1",
                    Some("85"),
                    "The billing provider (NM1*85) is missing.",
                ),
                ("NM1", Some("IL"), "The subscriber (NM1*IL) is missing."),
                ("CLM", None, "The claim (CLM) is missing."),
                (
                    "SV1",
                    None,
                    "The professional service line (SV1) is missing.",
                ),
            ],
        ),
        TestKind::Eligibility270 => (
            "1P",
            &[
                ("NM1", Some("PR"), "The payer (NM1*PR) is missing."),
                ("NM1", Some("1P"), "The provider (NM1*1P) is missing."),
                ("NM1", Some("IL"), "The subscriber (NM1*IL) is missing."),
                ("EQ", None, "The eligibility question (EQ) is missing."),
            ],
        ),
    };
    for (id, first, message) in needed {
        if !has(id, *first) {
            missing.push((id, message));
        }
    }
    let end = set.segments.last().map_or(start, |(p, _)| *p);
    for (id, message) in missing {
        set.findings.push(finding(end, id, message));
    }
    let providers: Vec<(usize, String)> = set
        .segments
        .iter()
        .filter(|(_, s)| s[0] == "NM1" && s.get(1).map(String::as_str) == Some(provider_code))
        .map(|(p, s)| {
            (
                *p,
                if s.get(8).map(String::as_str) == Some("XX") {
                    s.get(9).cloned().unwrap_or_default()
                } else {
                    String::new()
                },
            )
        })
        .collect();
    for (position, npi) in providers {
        if npi.is_empty() {
            set.findings.push(finding(
                position,
                "NM1",
                "The provider is not identified by NPI (qualifier XX).",
            ));
        } else if let Err(e) = Npi::parse(&npi) {
            set.findings
                .push(finding(position, "NM1", format!("{npi}: {e}")));
        } else if !npis.is_empty() && !npis.contains(&npi) {
            set.findings.push(finding(
                position,
                "NM1",
                format!("NPI {npi} is not one of your organization's."),
            ));
        }
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A test file as a submitter's software writes it: `body` between ST and SE.
    pub fn file(group: &str, set: &str, version: &str, body: &[&str]) -> String {
        let mut segments = vec![
            "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*POPPYHEALTH    *261130*1200*^*00501*000000905*0*T*:".to_string(),
            format!("GS*{group}*SUBMITTER01*POPPYHEALTH*20261130*1200*905*X*{version}"),
            format!("ST*{set}*0001*{version}"),
        ];
        segments.extend(body.iter().map(|s| s.to_string()));
        segments.push(format!("SE*{}*0001", body.len() + 2));
        segments.push("GE*1*905".into());
        segments.push("IEA*1*000000905".into());
        segments.iter().map(|s| format!("{s}~\n")).collect()
    }

    pub fn claim_837p(npi: &str) -> String {
        file(
            "HC",
            "837",
            "005010X222A1",
            &[
                "BHT*0019*00*0123*20261130*1200*CH",
                "NM1*41*2*SUNRISE BILLING*****46*SUB01",
                "NM1*40*2*POPPY HEALTH*****46*POPPYHEALTH",
                "HL*1**20*1",
                &format!("NM1*85*2*SUNRISE FAMILY CLINIC*****XX*{npi}"),
                "HL*2*1*22*0",
                "NM1*IL*1*DOE*JANE****MI*90000001B",
                "CLM*PA1234*125***11:B:1*Y*A*Y*Y",
                "SV1*HC:99213*125*UN*1***1",
            ],
        )
    }

    pub fn eligibility_270(npi: &str) -> String {
        file(
            "HS",
            "270",
            "005010X279A1",
            &[
                "BHT*0022*13*10001234*20261130*1200",
                "HL*1**20*1",
                "NM1*PR*2*POPPY HEALTH*****PI*POPPYHEALTH",
                "HL*2*1*21*1",
                &format!("NM1*1P*2*SUNRISE FAMILY CLINIC*****XX*{npi}"),
                "HL*3*2*22*0",
                "NM1*IL*1*DOE*JANE****MI*90000001B",
                "EQ*30",
            ],
        )
    }

    fn env() -> Envelope<'static> {
        Envelope {
            sender: "POPPYHEALTH",
            receiver: "SUBMITTER01",
            date: "20261130".into(),
            time: "1200".into(),
            control: 7,
        }
    }

    const NPI: &str = "1234567893";

    #[test]
    fn a_test_file_may_be_5_mb_of_x12() {
        use crate::ssr::uploads::Kind;
        let rules = super::super::ssr::TEST_FILES;
        assert_eq!(rules.max_bytes, 5 * 1024 * 1024);
        assert_eq!(rules.kinds, &[Kind::X12]);
    }

    #[test]
    fn a_well_formed_837p_and_270_are_accepted_with_a_999() {
        let ours = vec![NPI.to_string()];
        let claim = check(&claim_837p(NPI), TestKind::Claim837P, &ours, &env());
        assert!(claim.accepted, "{:?}", claim.findings);
        assert!(
            claim.ack.contains("ST*999*0001*005010X231A1~"),
            "{}",
            claim.ack
        );
        assert!(claim.ack.contains("AK1*HC*905*005010X222A1~"));
        assert!(claim.ack.contains("IK5*A~") && claim.ack.contains("AK9*A*1*1*1~"));
        let inquiry = check(
            &eligibility_270(NPI),
            TestKind::Eligibility270,
            &ours,
            &env(),
        );
        assert!(inquiry.accepted, "{:?}", inquiry.findings);
    }

    #[test]
    fn wrong_counts_types_and_npis_are_found_by_segment() {
        let ours = vec![NPI.to_string()];
        // SE counts one segment too many; the 999 rejects the set.
        let miscounted = claim_837p(NPI).replace("SE*11*0001", "SE*12*0001");
        let checked = check(&miscounted, TestKind::Claim837P, &ours, &env());
        assert!(!checked.accepted);
        assert_eq!(checked.findings[0].segment, "SE");
        assert_eq!(
            checked.findings[0].message,
            "SE01 says 12 segments; the set has 11."
        );
        assert!(checked.ack.contains("IK5*R*5~") && checked.ack.contains("AK9*R*1*1*0~"));
        // A 270 sent as an 837P.
        let wrong = check(&eligibility_270(NPI), TestKind::Claim837P, &ours, &env());
        assert!(wrong
            .findings
            .iter()
            .any(|f| f.message.contains("GS01 is \"HS\"")));
        // Another organization's NPI, and one with a bad check digit.
        let theirs = check(
            &claim_837p("1000158380"),
            TestKind::Claim837P,
            &ours,
            &env(),
        );
        assert_eq!(
            theirs.findings[0].message,
            "NPI 1000158380 is not one of your organization's."
        );
        let invalid = check(
            &claim_837p("1234567890"),
            TestKind::Claim837P,
            &ours,
            &env(),
        );
        assert_eq!(invalid.findings[0].segment, "NM1");
        // No claim line.
        let no_line = claim_837p(NPI)
            .replace("SV1*HC:99213*125*UN*1***1~\n", "")
            .replace("SE*11*0001", "SE*10*0001");
        let checked = check(&no_line, TestKind::Claim837P, &ours, &env());
        assert_eq!(checked.findings.len(), 1);
        assert_eq!(
            checked.findings[0].message,
            "The professional service line (SV1) is missing."
        );
        // Not X12 at all.
        let garbage = check("hello", TestKind::Claim837P, &ours, &env());
        assert!(!garbage.accepted && garbage.ack.is_empty());
    }
}
