//! The text plan staff type for the Additional Resources pages: paragraphs separated by a
//! blank line, lists whose lines start with "- ", and links written `[words](address)` or as a
//! bare `https://…` address. It is parsed into blocks the page renders as elements, so nothing
//! typed is ever taken as HTML.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Inline {
    Text(String),
    Link { text: String, href: String },
}

/// The longest text a page may hold.
pub const MAX_CHARS: usize = 20_000;

/// Where a link may go: the web, email, or a page of this portal. Anything else
/// (`javascript:`, `data:` …) stays text.
pub fn allowed_target(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && href.len() > "mailto:".len()
        || (href.starts_with('/') && !href.starts_with("//"))
}

pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut flush = |lines: &mut Vec<&str>| {
        if lines.is_empty() {
            return;
        }
        if lines.iter().all(|l| l.starts_with("- ")) {
            blocks.push(Block::List(
                lines.iter().map(|l| inline(l[2..].trim())).collect(),
            ));
        } else {
            blocks.push(Block::Paragraph(inline(&lines.join(" "))));
        }
        lines.clear();
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut lines);
        } else {
            lines.push(line);
        }
    }
    flush(&mut lines);
    blocks
}

/// Whether plan staff may publish `text`: at most `MAX_CHARS`, every link to an address
/// allowed. The error says what to change.
pub fn check(text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_CHARS {
        return Err(format!("A page can hold at most {MAX_CHARS} characters."));
    }
    match refused_link(text) {
        Some(href) => Err(format!(
            "A link must go to an https://, http:// or mailto: address or to a page of the portal (starting with /); \"{href}\" cannot be used."
        )),
        None => Ok(()),
    }
}

/// The first link whose address may not be used, for the editor's error.
pub fn refused_link(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find("](") {
        let after = &rest[open + 2..];
        let Some(close) = after.find(')') else { break };
        let href = after[..close].trim();
        if !allowed_target(href) {
            return Some(href.to_string());
        }
        rest = &after[close..];
    }
    None
}

/// Text with `[words](address)` and bare web addresses made links.
fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some((link, used)) = bracket_link(rest).or_else(|| bare_link(rest, &plain)) {
            if !plain.is_empty() {
                out.push(Inline::Text(std::mem::take(&mut plain)));
            }
            out.push(link);
            rest = &rest[used..];
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// `[words](address)` at the start of `text`: the link and the bytes it took.
fn bracket_link(text: &str) -> Option<(Inline, usize)> {
    let body = text.strip_prefix('[')?;
    let close = body.find("](")?;
    let words = &body[..close];
    let after = &body[close + 2..];
    let end = after.find(')')?;
    let href = after[..end].trim();
    if words.trim().is_empty() || words.contains('[') || !allowed_target(href) {
        return None;
    }
    let link = Inline::Link {
        text: words.trim().to_string(),
        href: href.to_string(),
    };
    Some((link, 1 + close + 2 + end + 1))
}

/// A bare `https://` or `http://` address at the start of `text`, at a word's start.
fn bare_link(text: &str, before: &str) -> Option<(Inline, usize)> {
    if before
        .chars()
        .last()
        .is_some_and(|c| !c.is_whitespace() && c != '(')
    {
        return None;
    }
    let lower = text.get(..8)?.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let word = text.split(char::is_whitespace).next()?;
    // Sentence punctuation after an address is not part of it.
    let href = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
    if href.len() <= "https://".len() {
        return None;
    }
    let link = Inline::Link {
        text: href.to_string(),
        href: href.to_string(),
    };
    Some((link, href.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }
    fn link(t: &str, h: &str) -> Inline {
        Inline::Link {
            text: t.into(),
            href: h.into(),
        }
    }

    #[test]
    fn blank_lines_part_paragraphs_and_dashes_make_lists() {
        let blocks = parse("First line\ncontinues.\n\n- one\n- two\n\nLast.");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(vec![text("First line continues.")]),
                Block::List(vec![vec![text("one")], vec![text("two")]]),
                Block::Paragraph(vec![text("Last.")]),
            ]
        );
    }

    #[test]
    fn links_in_brackets_and_bare_addresses_become_links() {
        assert_eq!(
            parse("See [the manual](https://plan.example/manual) or https://plan.example/faq.")[0],
            Block::Paragraph(vec![
                text("See "),
                link("the manual", "https://plan.example/manual"),
                text(" or "),
                link("https://plan.example/faq", "https://plan.example/faq"),
                text("."),
            ])
        );
        assert_eq!(
            parse("[Training](/training)")[0],
            Block::Paragraph(vec![link("Training", "/training")])
        );
    }

    #[test]
    fn markup_and_script_addresses_stay_text() {
        let typed = "<script>alert(1)</script> [click](javascript:alert(1)) [x](//evil.example)";
        assert_eq!(parse(typed)[0], Block::Paragraph(vec![text(typed)]));
        assert_eq!(refused_link(typed).as_deref(), Some("javascript:alert(1"));
        assert_eq!(
            refused_link("[ok](https://a.example) [x](mailto:help@plan.example)"),
            None
        );
        assert!(!allowed_target("mailto:"));
    }

    #[test]
    fn a_page_holds_20000_characters() {
        assert!(check(&"a".repeat(MAX_CHARS)).is_ok());
        assert_eq!(
            check(&"a".repeat(MAX_CHARS + 1)).unwrap_err(),
            "A page can hold at most 20000 characters."
        );
        assert!(check("[x](javascript:alert(1))")
            .unwrap_err()
            .contains("cannot be used"));
    }
}
