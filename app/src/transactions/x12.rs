//! X12 005010 text as the plan's clearinghouse answers: an interchange (ISA/IEA) holding one
//! group (GS/GE) holding one transaction set (ST/SE). Values never carry a separator.

/// Builds one transaction set's segments.
pub struct Segments(Vec<String>);

impl Segments {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// One segment: its id and elements; trailing empty elements are dropped, as X12 wants.
    pub fn add(&mut self, id: &str, elements: &[&str]) -> &mut Self {
        let composites: Vec<Vec<&str>> = elements.iter().map(|e| vec![*e]).collect();
        self.add_composite(id, &composites)
    }

    /// A segment whose elements may be composites: each part is cleaned, then joined by `:`.
    pub fn add_composite(&mut self, id: &str, elements: &[Vec<&str>]) -> &mut Self {
        let mut parts: Vec<String> = elements
            .iter()
            .map(|e| e.iter().map(|p| clean(p)).collect::<Vec<_>>().join(":"))
            .collect();
        while parts.last().is_some_and(String::is_empty) {
            parts.pop();
        }
        let mut segment = id.to_string();
        for part in parts {
            segment.push('*');
            segment.push_str(&part);
        }
        self.0.push(segment);
        self
    }
}

impl Default for Segments {
    fn default() -> Self {
        Self::new()
    }
}

/// Upper case, without the separators `*`, `~`, `:` and `^`.
pub fn clean(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if matches!(c, '*' | '~' | ':' | '^') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .to_uppercase()
        .trim()
        .to_string()
}

/// Who sends and receives, and when.
pub struct Envelope<'a> {
    pub sender: &'a str,
    pub receiver: &'a str,
    /// CCYYMMDD and HHMM.
    pub date: String,
    pub time: String,
    pub control: u32,
}

/// The interchange around one transaction set: `set` is e.g. "271", `group` "HB",
/// `version` "005010X279A1". Segments end with `~` and a line break, for people to read.
pub fn interchange(
    env: &Envelope,
    group: &str,
    set: &str,
    version: &str,
    body: Segments,
) -> String {
    let mut all = Segments::new();
    all.0.push(format!(
        "ISA*00*{:10}*00*{:10}*ZZ*{:15}*ZZ*{:15}*{}*{}*^*00501*{:09}*0*P*:",
        "",
        "",
        clean(env.sender),
        clean(env.receiver),
        &env.date[2..],
        env.time,
        env.control
    ));
    let control = env.control.to_string();
    all.add(
        "GS",
        &[
            group,
            env.sender,
            env.receiver,
            &env.date,
            &env.time,
            &control,
            "X",
            version,
        ],
    );
    all.add("ST", &[set, "0001", version]);
    let count = body.0.len() + 2;
    all.0.extend(body.0);
    all.add("SE", &[&count.to_string(), "0001"]);
    all.add("GE", &["1", &control]);
    all.0.push(format!("IEA*1*{:09}", env.control));
    all.0.iter().map(|s| format!("{s}~\n")).collect()
}

/// An ISO date as X12 writes it: CCYYMMDD.
pub fn date(iso: &str) -> String {
    iso.replace('-', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interchange_counts_its_segments_and_pads_the_isa() {
        let mut body = Segments::new();
        body.add("BHT", &["0022", "11", "T1", "20261130", "0105"]);
        body.add(
            "NM1",
            &[
                "IL",
                "1",
                "O'Neil*Smith",
                "Ana",
                "",
                "",
                "",
                "MI",
                "90000001B",
                "",
            ],
        );
        let text = interchange(
            &Envelope {
                sender: "POPPYHEALTH",
                receiver: "1234567893",
                date: "20261130".into(),
                time: "0105".into(),
                control: 42,
            },
            "HB",
            "271",
            "005010X279A1",
            body,
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].len(), 106, "the ISA is fixed width: {}", lines[0]);
        assert!(lines[0].ends_with("*000000042*0*P*:~"));
        assert_eq!(lines[2], "ST*271*0001*005010X279A1~");
        assert_eq!(lines[4], "NM1*IL*1*O'NEIL SMITH*ANA****MI*90000001B~");
        assert_eq!(lines[5], "SE*4*0001~");
        assert_eq!(lines[7], "IEA*1*000000042~");
        let mut stc = Segments::new();
        stc.add_composite("STC", &[vec!["F1", "65"], vec!["20261130"], vec![""]]);
        assert_eq!(stc.0, ["STC*F1:65*20261130"]);
    }
}
