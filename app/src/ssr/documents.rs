//! Documents the portal produces: letters and notices as PDF.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;
const MARGIN: f32 = 72.0;
const LINE_HEIGHT: f32 = 15.0;
/// Characters per line of 11-point Helvetica across a letter page with 1-inch margins.
const WRAP_AT: usize = 88;

/// A plain letter: a bold title, then paragraphs, wrapped and paginated on US Letter pages.
pub fn letter_pdf(title: &str, paragraphs: &[String]) -> Vec<u8> {
    let mut lines: Vec<(bool, String)> = vec![(true, title.to_string()), (false, String::new())];
    for paragraph in paragraphs {
        lines.extend(
            wrap(paragraph, WRAP_AT)
                .into_iter()
                .map(|line| (false, line)),
        );
        lines.push((false, String::new()));
    }
    let per_page = ((PAGE_HEIGHT - 2.0 * MARGIN) / LINE_HEIGHT) as usize;
    let pages: Vec<&[(bool, String)]> = lines.chunks(per_page).collect();

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(5 + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (index, page_lines) in pages.iter().enumerate() {
        let page_id = page_ids[index];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        resources.finish();
        page.finish();

        let mut content = Content::new();
        let mut y = PAGE_HEIGHT - MARGIN;
        for (is_title, line) in page_lines.iter() {
            content.begin_text();
            content.set_font(
                Name(if *is_title { b"F2" } else { b"F1" }),
                if *is_title { 14.0 } else { 11.0 },
            );
            content.next_line(MARGIN, y);
            content.show(Str(&win_ansi(line)));
            content.end_text();
            y -= LINE_HEIGHT;
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

/// Splits text into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// The Latin-1 subset of WinAnsi covers what letters say; anything else prints as "?".
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2014}' | '\u{2013}' => b'-',
            '\u{2019}' => b'\'',
            c if (c as u32) < 256 => c as u8,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_is_a_pdf_with_its_text() {
        let body: Vec<String> = (0..120)
            .map(|i| format!("Paragraph {i} of the letter."))
            .collect();
        let pdf = letter_pdf("Your Secure Token", &body);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.windows(17).any(|w| w == b"Your Secure Token"));
        // 240 lines do not fit on one page.
        assert!(pdf.windows(10).filter(|w| w == b"/Type /Pag").count() >= 3);
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("", 5), vec![""]);
    }
}
