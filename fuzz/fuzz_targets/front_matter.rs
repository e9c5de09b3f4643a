//! Front matter: raw bytes → `decode_text` (UTF-8, BOM, CRLF) → `front_matter::parse`, and every
//! diagnostic rendered the way the CLI shows it. Must never panic, whatever the bytes.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use tebiki::internals::{decode_text, front_matter};

fuzz_target!(|data: &[u8]| {
    let shown = Path::new("content/f.md");
    let text = match decode_text(data.to_vec(), shown) {
        Ok(t) => t,
        Err(d) => {
            let _ = d.render(false);
            // Still exercise the parser on the lossy text, as an editor would show it.
            String::from_utf8_lossy(data).into_owned()
        }
    };
    match front_matter::parse(shown, &text) {
        Ok((fm, sp)) => {
            assert!(!fm.title.trim().is_empty());
            assert!(sp.body_offset <= text.len());
            assert_eq!(&text[sp.body_offset..], sp.body);
            if let Some(slug) = &fm.slug {
                assert!(front_matter::check_slug(slug).is_ok());
                assert!(!slug.contains('/') && !slug.contains(".."));
            }
        }
        Err(d) => {
            let _ = d.render(false);
            let _ = d.render(true);
        }
    }
});
