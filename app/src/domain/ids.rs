use super::{digits_only, string_value, Invalid};

/// National Provider Identifier: 10 digits, the last a Luhn check digit computed over the
/// first nine prefixed with 80840 (the card issuer prefix for US health identifiers).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Npi(String);

impl Npi {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits = digits_only(input, &[' ', '-']).ok_or(Invalid("An NPI has digits only."))?;
        if digits.len() != 10 {
            return Err(Invalid("An NPI is 10 digits."));
        }
        if npi_check_digit(&digits[..9]) != digits.as_bytes()[9] - b'0' {
            return Err(Invalid("This is not a valid NPI. Please check the number."));
        }
        Ok(Npi(digits))
    }

    /// The valid NPI that starts with these nine digits.
    pub fn from_base(base: u32) -> Self {
        let base = format!("{:09}", base % 1_000_000_000);
        let check = npi_check_digit(&base);
        Npi(format!("{base}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(Npi);

/// Luhn check digit of "80840" followed by the nine given digits.
fn npi_check_digit(nine: &str) -> u8 {
    let sum: u32 = "80840"
        .bytes()
        .chain(nine.bytes())
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            // The check digit will stand to the right, so the rightmost payload digit is doubled.
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Employer Identification Number, shown as 12-3456789.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ein(String);

/// EIN prefixes the IRS has never assigned.
const UNASSIGNED_EIN_PREFIXES: [&str; 17] = [
    "00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96",
    "97",
];

impl Ein {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits = digits_only(input, &[' ', '-']).ok_or(Invalid("An EIN has digits only."))?;
        if digits.len() != 9 {
            return Err(Invalid("An EIN is 9 digits, like 12-3456789."));
        }
        if UNASSIGNED_EIN_PREFIXES.contains(&&digits[..2]) {
            return Err(Invalid("This is not a valid EIN. Please check the number."));
        }
        Ok(Ein(format!("{}-{}", &digits[..2], &digits[2..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn digits(&self) -> String {
        self.0.replace('-', "")
    }
}
string_value!(Ein);

/// Social Security Number, shown as 123-45-6789.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ssn(String);

impl Ssn {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits = digits_only(input, &[' ', '-']).ok_or(Invalid("An SSN has digits only."))?;
        if digits.len() != 9 {
            return Err(Invalid("An SSN is 9 digits, like 123-45-6789."));
        }
        let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
        if area == "000"
            || area == "666"
            || area.starts_with('9')
            || group == "00"
            || serial == "0000"
        {
            return Err(Invalid("This is not a valid SSN. Please check the number."));
        }
        Ok(Ssn(format!("{area}-{group}-{serial}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn digits(&self) -> String {
        self.0.replace('-', "")
    }
}
string_value!(Ssn);

/// What the guides call "Provider EIN/SSN": either number, compared by its nine digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TaxId(String);

impl TaxId {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits =
            digits_only(input, &[' ', '-']).ok_or(Invalid("An EIN or SSN has digits only."))?;
        if digits.len() != 9 {
            return Err(Invalid("Enter the 9-digit EIN or SSN."));
        }
        if Ein::parse(&digits).is_err() && Ssn::parse(&digits).is_err() {
            return Err(Invalid(
                "This is not a valid EIN or SSN. Please check the number.",
            ));
        }
        Ok(TaxId(digits))
    }

    /// The nine digits, which is also how it is stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(TaxId);

/// US ZIP code: 5 digits, or ZIP+4 shown as 12345-6789.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Zip(String);

impl Zip {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let digits =
            digits_only(input, &[' ', '-']).ok_or(Invalid("A ZIP code has digits only."))?;
        match digits.len() {
            5 => Ok(Zip(digits)),
            9 => Ok(Zip(format!("{}-{}", &digits[..5], &digits[5..]))),
            _ => Err(Invalid("A ZIP code is 5 digits, or 9 digits for ZIP+4.")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The five-digit ZIP, for matching a ZIP+4 against a plain ZIP.
    pub fn zip5(&self) -> &str {
        &self.0[..5]
    }
}
string_value!(Zip);

/// Client Index Number, the member ID on the plan's ID card: 8 digits and a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cin(String);

impl Cin {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value: String = input.trim().to_ascii_uppercase();
        let bytes = value.as_bytes();
        if bytes.len() != 9
            || !bytes[..8].iter().all(u8::is_ascii_digit)
            || !bytes[8].is_ascii_uppercase()
        {
            return Err(Invalid(
                "A member ID (CIN) is 8 digits followed by a letter, like 12345678A.",
            ));
        }
        Ok(Cin(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value!(Cin);

/// The number a member is looked up by: the plan's CIN, the state's MEDS ID (9 digits) or
/// Medicare's MBI (11 characters in CMS's pattern). Spaces, dashes and a label in front
/// ("CIN", "MEDS", "MBI", "ID") are ignored, as people copy them from cards and letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberId {
    Cin(Cin),
    MedsId(String),
    Mbi(String),
}

impl MemberId {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        const MESSAGE: &str = "Enter a CIN (8 digits and a letter), a MEDS ID (9 digits) or an MBI (11 letters and digits).";
        let mut text: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | ':' | '#' | '.'))
            .collect::<String>()
            .to_ascii_uppercase();
        for label in ["MEDSID", "MEDS", "MBI", "CIN", "ID"] {
            if let Some(rest) = text.strip_prefix(label) {
                if rest.len() >= 9 {
                    text = rest.to_string();
                    break;
                }
            }
        }
        if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Invalid(MESSAGE));
        }
        if let Ok(cin) = Cin::parse(&text) {
            return Ok(MemberId::Cin(cin));
        }
        if text.len() == 9 && text.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(MemberId::MedsId(text));
        }
        if is_mbi(text.as_bytes()) {
            return Ok(MemberId::Mbi(text));
        }
        Err(Invalid(MESSAGE))
    }
}

/// CMS's MBI pattern: a digit 1–9, a letter, a letter or digit, a digit, a letter, a letter
/// or digit, a digit, two letters, two digits; letters never S, L, O, I, B or Z.
fn is_mbi(b: &[u8]) -> bool {
    let letter = |c: u8| c.is_ascii_uppercase() && !b"SLOIBZ".contains(&c);
    let either = |c: u8| c.is_ascii_digit() || letter(c);
    b.len() == 11
        && (b'1'..=b'9').contains(&b[0])
        && letter(b[1])
        && either(b[2])
        && b[3].is_ascii_digit()
        && letter(b[4])
        && either(b[5])
        && b[6].is_ascii_digit()
        && letter(b[7])
        && letter(b[8])
        && b[9].is_ascii_digit()
        && b[10].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_member_id_is_a_cin_a_meds_id_or_an_mbi_however_it_is_written() {
        let cin = MemberId::Cin(Cin::parse("90000001B").unwrap());
        for written in [
            "90000001B",
            "9000-0001-b",
            " CIN: 90000001 B",
            "id 90000001b",
        ] {
            assert_eq!(MemberId::parse(written).unwrap(), cin, "{written}");
        }
        assert_eq!(
            MemberId::parse("MEDS 500-000-007").unwrap(),
            MemberId::MedsId("500000007".into())
        );
        // CMS's published example MBI.
        for written in ["1EG4-TE5-MK73", "mbi 1eg4te5mk73"] {
            assert_eq!(
                MemberId::parse(written).unwrap(),
                MemberId::Mbi("1EG4TE5MK73".into()),
                "{written}"
            );
        }
        // An S, L, O, I, B or Z is never in an MBI; other shapes are refused with one message.
        for wrong in ["1SG4TE5MK73", "0EG4TE5MK73", "12345", "", "90000001B'--"] {
            assert!(MemberId::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn npi_known_values() {
        // The example NPI from the CMS check-digit specification.
        assert_eq!(Npi::parse("1234567893").unwrap().as_str(), "1234567893");
        assert_eq!(Npi::from_base(123456789).as_str(), "1234567893");
        assert_eq!(
            Npi::parse("1234567890").unwrap_err().to_string(),
            "This is not a valid NPI. Please check the number."
        );
        assert_eq!(
            Npi::parse("12345").unwrap_err().to_string(),
            "An NPI is 10 digits."
        );
        assert_eq!(
            Npi::parse("12345678AB").unwrap_err().to_string(),
            "An NPI has digits only."
        );
    }

    #[test]
    fn tax_ids() {
        assert_eq!(Ein::parse("941234567").unwrap().as_str(), "94-1234567");
        assert!(Ein::parse("07-1234567").is_err());
        assert_eq!(Ssn::parse("123 45 6789").unwrap().as_str(), "123-45-6789");
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-4567",
            "123-45-0000",
        ] {
            assert!(Ssn::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(TaxId::parse("94-1234567").unwrap().as_str(), "941234567");
        assert!(TaxId::parse("94-123456").is_err());
    }

    #[test]
    fn zip_and_cin() {
        assert_eq!(Zip::parse("95814").unwrap().as_str(), "95814");
        assert_eq!(Zip::parse("958141234").unwrap().as_str(), "95814-1234");
        assert_eq!(Zip::parse("95814-1234").unwrap().zip5(), "95814");
        assert!(Zip::parse("9581").is_err());
        assert_eq!(Cin::parse(" 12345678a ").unwrap().as_str(), "12345678A");
        assert!(Cin::parse("1234567AA").is_err());
    }

    proptest! {
        #[test]
        fn npi_round_trips(base in 0u32..1_000_000_000) {
            let npi = Npi::from_base(base);
            prop_assert_eq!(Npi::parse(npi.as_str()).unwrap(), npi.clone());
            let json = serde_json::to_string(&npi).unwrap();
            prop_assert_eq!(serde_json::from_str::<Npi>(&json).unwrap(), npi);
        }

        #[test]
        fn npi_single_digit_change_is_caught(base in 0u32..1_000_000_000, pos in 0usize..10, delta in 1u8..10) {
            let npi = Npi::from_base(base);
            let mut bytes = npi.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Npi::parse(&changed).is_err());
        }

        #[test]
        fn ein_round_trips(prefix in 10u32..100, rest in 0u32..10_000_000) {
            let text = format!("{prefix:02}{rest:07}");
            match Ein::parse(&text) {
                Ok(ein) => {
                    prop_assert_eq!(ein.digits(), text);
                    prop_assert_eq!(Ein::parse(ein.as_str()).unwrap(), ein);
                }
                Err(e) => prop_assert!(UNASSIGNED_EIN_PREFIXES.contains(&&text[..2]), "{}", e),
            }
        }

        #[test]
        fn ssn_round_trips(area in 1u32..900, group in 1u32..100, serial in 1u32..10_000) {
            prop_assume!(area != 666);
            let ssn = Ssn::parse(&format!("{area:03}{group:02}{serial:04}")).unwrap();
            prop_assert_eq!(Ssn::parse(ssn.as_str()).unwrap(), ssn);
        }

        #[test]
        fn wrong_length_digits_are_rejected(s in "[0-9]{0,20}") {
            prop_assume!(s.len() != 9 && s.len() != 5 && s.len() != 10);
            prop_assert!(Zip::parse(&s).is_err());
            prop_assert!(Ein::parse(&s).is_err());
            prop_assert!(Ssn::parse(&s).is_err());
            prop_assert!(TaxId::parse(&s).is_err());
            prop_assert!(Npi::parse(&s).is_err());
        }

        #[test]
        fn letters_are_rejected(s in "[0-9]{3}[A-Za-z][0-9]{5}") {
            prop_assert_eq!(Zip::parse(&s).unwrap_err().to_string(), "A ZIP code has digits only.");
            prop_assert!(TaxId::parse(&s).is_err());
        }

        #[test]
        fn zip_round_trips(z in "[0-9]{5}(-[0-9]{4})?") {
            let zip = Zip::parse(&z).unwrap();
            prop_assert_eq!(zip.as_str(), z.as_str());
        }

        #[test]
        fn cin_round_trips(c in "[0-9]{8}[A-Z]") {
            let cin = Cin::parse(&c.to_lowercase()).unwrap();
            prop_assert_eq!(cin.as_str(), c.as_str());
        }
    }
}
