//! Intrinsic image sizes, so `<img>` gets `width`/`height` and the page does not shift while
//! images load. Raster formats come from the `imagesize` crate (headers only); SVG, which it
//! does not read, from the root element's attributes.

/// Extensions of the raster formats a browser shows in `<img>` and `imagesize` reads. Other
/// files are not probed: a header that happens to look like an image would give a wrong size.
const RASTER: &[&str] = &[".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".heic", ".heif", ".bmp", ".ico"];

/// Width and height in CSS pixels, when the format is known and the header is readable.
pub fn size(path: &str, bytes: &[u8]) -> Option<(u32, u32)> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".svg") {
        return svg_size(std::str::from_utf8(bytes).ok()?);
    }
    if !RASTER.iter().any(|ext| lower.ends_with(ext)) {
        return None;
    }
    let s = imagesize::blob_size(bytes).ok()?;
    let (w, h) = (u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let pat = format!(" {name}=\"");
        let i = tag.find(&pat)? + pat.len();
        Some(&tag[i..i + tag[i..].find('"')?])
    };
    let num = |s: &str| s.trim_end_matches("px").trim().parse::<f64>().ok().filter(|v| *v > 0.0);
    if let (Some(w), Some(h)) = (attr("width").and_then(num), attr("height").and_then(num)) {
        return Some((w.round() as u32, h.round() as u32));
    }
    let vb: Vec<f64> = attr("viewBox")?
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    (vb.len() == 4 && vb[2] > 0.0 && vb[3] > 0.0).then(|| (vb[2].round() as u32, vb[3].round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_size_from_viewbox_or_attributes() {
        assert_eq!(size("a.svg", br#"<svg xmlns="x" viewBox="0 0 640 360"><g/></svg>"#), Some((640, 360)));
        assert_eq!(size("a.svg", br#"<svg width="100" height="50px" viewBox="0 0 1 1">"#), Some((100, 50)));
        assert_eq!(size("a.svg", b"<svg width=\"100%\">"), None);
    }

    #[test]
    fn png_size_from_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&300u32.to_be_bytes());
        png.extend_from_slice(&200u32.to_be_bytes());
        assert_eq!(size("x.PNG", &png), Some((300, 200)));
    }

    #[test]
    fn jpeg_and_webp_sizes_come_from_the_crate() {
        let jpg = std::fs::read("tests/fixtures/mdcompat/content/images/photo.jpg").unwrap();
        assert_eq!(size("photo.JPG", &jpg), Some((120, 80)));
        let webp = std::fs::read("tests/fixtures/mdcompat/content/images/shot.webp").unwrap();
        assert_eq!(size("shot.webp", &webp), Some((64, 48)));
    }

    #[test]
    fn other_files_and_broken_headers_have_no_size() {
        let jpg = std::fs::read("tests/fixtures/mdcompat/content/images/photo.jpg").unwrap();
        assert_eq!(size("photo.pdf", &jpg), None);
        assert_eq!(size("broken.png", b"\x89PNG\r\n"), None);
    }
}
