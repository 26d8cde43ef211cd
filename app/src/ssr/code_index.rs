//! The ICD-10-CM list and the ZIP centroids, packed for lookup when the server is built
//! (`app/build.rs` includes this file) and read in place from the server's own binary: nothing
//! is unpacked or indexed at start, and only the pages a lookup touches are ever in memory.
//! Building the index at start held 17 MB for the server's life and took a core for a moment.
//!
//! std only, as the build script has no other crates; numbers are little-endian.

use std::ops::Range;

/// The lines of a shipped list that hold data: `#` lines are comments.
pub fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
}

/// The words of a text as they are searched: runs of letters and digits.
pub fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

const ICD_MAGIC: &[u8; 4] = b"ICD1";
/// The longest ICD-10-CM code without its dot ("S52.521A" is eight with it).
const ICD_CODE_MAX: usize = 7;
/// A code: the code without its dot, zero-padded so records sort as codes do (7 bytes), the
/// code's length as written (1), where its line starts in the text (4), its description's
/// length (4).
const CODE_RECORD: usize = 16;
/// A description word: where it is in the words' text and its length, where its codes are in
/// the postings and how many there are (4 each).
const WORD_RECORD: usize = 16;

/// The ICD-10-CM list as it is searched, packed: the list's text as shipped; its codes sorted
/// without their dots; every word of the descriptions (lower case, sorted, one after another);
/// per word, the positions of the codes it is in, ascending. The header gives the sections'
/// lengths.
pub fn pack_icd(text: &str) -> Vec<u8> {
    let offset = |part: &str| (part.as_ptr() as usize - text.as_ptr() as usize) as u32;
    // (bare code, code length, line start, description length)
    let mut codes: Vec<([u8; ICD_CODE_MAX], u8, u32, u32)> = data_lines(text)
        .filter_map(|line| {
            let (code, description) = line.split_once('\t')?;
            let mut bare = [0u8; ICD_CODE_MAX];
            for (at, b) in code.bytes().filter(|&b| b != b'.').enumerate() {
                *bare.get_mut(at)? = b;
            }
            Some((
                bare,
                code.len() as u8,
                offset(line),
                description.len() as u32,
            ))
        })
        .collect();
    codes.sort_unstable_by_key(|c| c.0);
    let mut postings = std::collections::BTreeMap::<String, Vec<u32>>::new();
    for (at, &(_, code_len, line, description_len)) in codes.iter().enumerate() {
        let start = (line + code_len as u32 + 1) as usize;
        let description = &text[start..start + description_len as usize];
        for word in words_of(description) {
            let list = postings.entry(word.to_lowercase()).or_default();
            if list.last() != Some(&(at as u32)) {
                list.push(at as u32);
            }
        }
    }
    let word_text: String = postings.keys().map(String::as_str).collect();
    let posting_count: usize = postings.values().map(Vec::len).sum();
    let mut packed = Vec::with_capacity(
        24 + text.len()
            + codes.len() * CODE_RECORD
            + word_text.len()
            + postings.len() * WORD_RECORD
            + posting_count * 4,
    );
    packed.extend_from_slice(ICD_MAGIC);
    for len in [
        text.len(),
        codes.len(),
        word_text.len(),
        postings.len(),
        posting_count,
    ] {
        packed.extend_from_slice(&(len as u32).to_le_bytes());
    }
    packed.extend_from_slice(text.as_bytes());
    for (bare, code_len, line, description_len) in &codes {
        packed.extend_from_slice(bare);
        packed.push(*code_len);
        packed.extend_from_slice(&line.to_le_bytes());
        packed.extend_from_slice(&description_len.to_le_bytes());
    }
    packed.extend_from_slice(word_text.as_bytes());
    let (mut text_at, mut codes_at) = (0u32, 0u32);
    for (word, at) in &postings {
        for n in [text_at, word.len() as u32, codes_at, at.len() as u32] {
            packed.extend_from_slice(&n.to_le_bytes());
        }
        text_at += word.len() as u32;
        codes_at += at.len() as u32;
    }
    for at in postings.values().flatten() {
        packed.extend_from_slice(&at.to_le_bytes());
    }
    packed
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
}

/// Splits `len` bytes off the front of `rest`.
fn take<'a>(rest: &mut &'a [u8], len: usize) -> &'a [u8] {
    let (head, tail) = rest.split_at(len);
    *rest = tail;
    head
}

/// A packed list of ascending code positions.
#[derive(Clone, Copy)]
struct Positions<'a>(&'a [[u8; 4]]);

impl Positions<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, at: usize) -> Option<u32> {
        self.0.get(at).map(|&b| u32::from_le_bytes(b))
    }

    fn contains(&self, position: u32) -> bool {
        self.0
            .binary_search_by_key(&position, |&b| u32::from_le_bytes(b))
            .is_ok()
    }
}

/// The packed ICD-10-CM list ([`pack_icd`]), read in place. Codes are named by their position
/// in code order.
#[derive(Clone, Copy)]
pub struct IcdIndex<'a> {
    text: &'a [u8],
    codes: &'a [[u8; CODE_RECORD]],
    word_text: &'a [u8],
    words: &'a [[u8; WORD_RECORD]],
    postings: &'a [[u8; 4]],
}

impl<'a> IcdIndex<'a> {
    /// Reads the header; panics if `packed` is not what [`pack_icd`] wrote.
    pub fn open(packed: &'a [u8]) -> Self {
        assert_eq!(
            packed.get(..4),
            Some(&ICD_MAGIC[..]),
            "not a packed ICD-10-CM list"
        );
        let len = |n: usize| u32_at(packed, 4 + n * 4) as usize;
        let mut rest = &packed[24..];
        let index = IcdIndex {
            text: take(&mut rest, len(0)),
            // As records, so the standard library's binary searches work on them in place.
            codes: take(&mut rest, len(1) * CODE_RECORD).as_chunks().0,
            word_text: take(&mut rest, len(2)),
            words: take(&mut rest, len(3) * WORD_RECORD).as_chunks().0,
            postings: take(&mut rest, len(4) * 4).as_chunks().0,
        };
        assert!(
            rest.is_empty(),
            "a packed ICD-10-CM list ends with its postings"
        );
        index
    }

    /// The list's text as shipped.
    pub fn text(&self) -> &'a str {
        std::str::from_utf8(self.text).expect("the packed list's text is UTF-8")
    }

    /// How many codes the list has.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.codes.len()
    }

    /// A code's record without its dot.
    fn bare_of(record: &[u8; CODE_RECORD]) -> &[u8] {
        let bare = &record[..ICD_CODE_MAX];
        let len = bare.iter().position(|&b| b == 0).unwrap_or(ICD_CODE_MAX);
        &bare[..len]
    }

    /// The code at `at` without its dot.
    pub fn bare(&self, at: usize) -> &'a [u8] {
        Self::bare_of(&self.codes[at])
    }

    /// The code at `at` as the list writes it, and its description.
    pub fn entry(&self, at: usize) -> (&'a str, &'a str) {
        let record = &self.codes[at];
        let line = u32_at(record, 8) as usize;
        let code_end = line + record[7] as usize;
        let description = code_end + 1;
        let part = |range: Range<usize>| {
            std::str::from_utf8(&self.text[range]).expect("the packed list's text is UTF-8")
        };
        (
            part(line..code_end),
            part(description..description + u32_at(record, 12) as usize),
        )
    }

    /// The codes that start with `bare` (no dot, upper case), the code itself first.
    pub fn by_code(&self, bare: &str) -> Range<usize> {
        let bare = bare.as_bytes();
        let start = self.codes.partition_point(|r| Self::bare_of(r) < bare);
        let len = self.codes[start..].partition_point(|r| Self::bare_of(r).starts_with(bare));
        start..start + len
    }

    fn word(&self, record: &[u8; WORD_RECORD]) -> &'a [u8] {
        let start = u32_at(record, 0) as usize;
        &self.word_text[start..start + u32_at(record, 4) as usize]
    }

    fn positions(&self, record: &[u8; WORD_RECORD]) -> Positions<'a> {
        let start = u32_at(record, 8) as usize;
        Positions(&self.postings[start..start + u32_at(record, 12) as usize])
    }

    /// The code lists of the description words starting with `word` (lower case).
    fn words_from(&self, word: &str) -> Vec<Positions<'a>> {
        let word = word.as_bytes();
        let start = self.words.partition_point(|r| self.word(r) < word);
        let len = self.words[start..].partition_point(|r| self.word(r).starts_with(word));
        self.words[start..start + len]
            .iter()
            .map(|r| self.positions(r))
            .collect()
    }

    /// The codes (by position, ascending, each once) with a description word starting with
    /// each of `words` (lower case): the rarest word's codes in order, kept where every other
    /// word is found too. Lazy (a merge of the rarest word's lists), so a search that shows 20
    /// codes reads about 20 codes' worth of lists, however many words start with what was
    /// typed ("a").
    pub fn with_words<'w>(
        self,
        words: impl Iterator<Item = &'w str>,
    ) -> impl Iterator<Item = usize> + 'a {
        use std::cmp::Reverse;
        let mut ranges: Vec<Vec<Positions<'a>>> = words.map(|word| self.words_from(word)).collect();
        ranges.sort_by_key(|r| r.iter().map(Positions::len).sum::<usize>());
        let rarest: Vec<Positions<'a>> = if ranges.is_empty() {
            Vec::new()
        } else {
            ranges.remove(0)
        };
        // (code position, list, offset in the list), smallest position first.
        let mut next: std::collections::BinaryHeap<Reverse<(u32, usize, usize)>> = rarest
            .iter()
            .enumerate()
            .filter_map(|(list, at)| at.get(0).map(|first| Reverse((first, list, 0))))
            .collect();
        let mut last = None;
        std::iter::from_fn(move || {
            while let Some(Reverse((at, list, offset))) = next.pop() {
                if let Some(following) = rarest[list].get(offset + 1) {
                    next.push(Reverse((following, list, offset + 1)));
                }
                if last == Some(at) {
                    continue;
                }
                last = Some(at);
                let everywhere = ranges
                    .iter()
                    .all(|range| range.iter().any(|list| list.contains(at)));
                if everywhere {
                    return Some(at as usize);
                }
            }
            None
        })
    }
}

const ZIP_MAGIC: &[u8; 4] = b"ZIP1";
/// A ZIP code (4 bytes), its centroid's latitude and longitude (8 each).
const ZIP_RECORD: usize = 20;

/// The Census ZIP Code Tabulation Area centroids, packed sorted by ZIP.
pub fn pack_zips(text: &str) -> Vec<u8> {
    let mut centroids: Vec<(u32, f64, f64)> = data_lines(text)
        .filter_map(|line| {
            let mut cells = line.split('\t');
            let zip = cells.next().filter(|z| z.len() == 5)?.parse().ok()?;
            let latitude = cells.next()?.parse().ok()?;
            let longitude = cells.next()?.parse().ok()?;
            Some((zip, latitude, longitude))
        })
        .collect();
    centroids.sort_unstable_by_key(|c| c.0);
    centroids.dedup_by_key(|c| c.0);
    let mut packed = Vec::with_capacity(4 + centroids.len() * ZIP_RECORD);
    packed.extend_from_slice(ZIP_MAGIC);
    for (zip, latitude, longitude) in centroids {
        packed.extend_from_slice(&zip.to_le_bytes());
        packed.extend_from_slice(&latitude.to_le_bytes());
        packed.extend_from_slice(&longitude.to_le_bytes());
    }
    packed
}

/// The packed ZIP centroids ([`pack_zips`]), read in place.
#[derive(Clone, Copy)]
pub struct Zips<'a>(&'a [[u8; ZIP_RECORD]]);

impl<'a> Zips<'a> {
    /// Panics if `packed` is not what [`pack_zips`] wrote.
    pub fn open(packed: &'a [u8]) -> Self {
        assert_eq!(
            packed.get(..4),
            Some(&ZIP_MAGIC[..]),
            "not packed ZIP centroids"
        );
        let (records, rest) = packed[4..].as_chunks();
        assert!(rest.is_empty(), "packed ZIP centroids are whole");
        Zips(records)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The centroid (latitude, longitude) of a ZIP code.
    pub fn find(&self, zip: u32) -> Option<(f64, f64)> {
        let at = self.0.binary_search_by_key(&zip, |r| u32_at(r, 0)).ok()?;
        let f64_at = |from: usize| {
            f64::from_le_bytes(self.0[at][from..from + 8].try_into().expect("8 bytes"))
        };
        Some((f64_at(4), f64_at(12)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "# a comment\n\
        I10\tEssential (primary) hypertension\n\
        E11.9\tType 2 diabetes mellitus without complications\n\
        E11.65\tType 2 diabetes mellitus with hyperglycemia\n\
        C84.11\tSézary disease, lymph nodes of head, face, and neck\n\
        A00.0\tCholera due to Vibrio cholerae 01, biovar cholerae\n";

    #[test]
    fn a_packed_list_is_read_in_place_as_it_was_written() {
        let packed = pack_icd(LIST);
        let index = IcdIndex::open(&packed);
        assert_eq!(index.text(), LIST);
        assert_eq!(index.len(), 5);
        // In code order, without dots, and each code as the list writes it.
        let codes: Vec<&str> = (0..index.len()).map(|at| index.entry(at).0).collect();
        assert_eq!(codes, ["A00.0", "C84.11", "E11.65", "E11.9", "I10"]);
        assert_eq!(index.bare(2), b"E1165");
        assert_eq!(index.entry(4), ("I10", "Essential (primary) hypertension"));
        // By code: every code starting with what was typed, none for what no code starts with.
        assert_eq!(index.by_code("E11"), 2..4);
        assert_eq!(index.by_code("E119"), 3..4);
        assert_eq!(index.by_code("Z"), 5..5);
        assert_eq!(index.by_code(""), 0..5);
        // By words: lower case, by prefix, every word in each code found, each code once.
        let find =
            |words: &[&str]| -> Vec<usize> { index.with_words(words.iter().copied()).collect() };
        assert_eq!(find(&["diabetes"]), [2, 3]);
        assert_eq!(find(&["type", "hyper"]), [2]);
        assert_eq!(find(&["sézary", "lymph"]), [1]);
        // "cholerae" twice and "cholera" once in one description: the code once.
        assert_eq!(find(&["chol"]), [0]);
        assert_eq!(find(&["diabetes", "cholera"]), Vec::<usize>::new());
        assert_eq!(find(&["zzz"]), Vec::<usize>::new());
        assert_eq!(find(&[]), Vec::<usize>::new());
    }

    #[test]
    #[should_panic(expected = "not a packed ICD-10-CM list")]
    fn anything_else_is_refused() {
        IcdIndex::open(&pack_zips(""));
    }

    #[test]
    fn packed_zip_centroids_are_found_by_zip() {
        let packed = pack_zips(
            "# header\n95814\t38.580568\t-121.49559\n00601\t18.180555\t-66.749961\n123\t1\t2\n",
        );
        let zips = Zips::open(&packed);
        // A row whose ZIP is not five digits is left out.
        assert_eq!(zips.len(), 2);
        assert_eq!(zips.find(95814), Some((38.580568, -121.49559)));
        assert_eq!(zips.find(601), Some((18.180555, -66.749961)));
        assert_eq!(zips.find(95815), None);
        assert_eq!(zips.find(0), None);
        assert_eq!(zips.find(99999), None);
    }
}
