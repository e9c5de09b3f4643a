//! The card font: the built-in Noto Sans JP subset or a site's own file, loaded once per build
//! for drawing (fontdb) and for measuring and coverage (skrifa).

use std::sync::Arc;

use resvg::usvg::fontdb;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

/// Noto Sans CJK JP Bold cut down to ASCII, JIS X 0208 and the full- and half-width forms by
/// `tools/subset-font.sh`; licence in `assets/fonts/OFL.txt`.
pub(crate) static BUILT_IN: &[u8] = include_bytes!("../../assets/fonts/NotoSansJP-Bold-subset.otf");

/// One font face, ready to draw and measure text with.
#[derive(Clone)]
pub(crate) struct CardFont {
    data: Arc<Vec<u8>>,
    /// A stable hash of the font file, part of every card's name.
    fingerprint: u64,
    /// One bit per character of the Basic Multilingual Plane: whether the font has a glyph
    /// for it. Every page's title is checked, and a bit is cheaper than the font's own map.
    bmp: Arc<Vec<u64>>,
    /// The family name the SVG asks for.
    pub family: String,
    pub db: Arc<fontdb::Database>,
    units_per_em: f32,
}

impl std::fmt::Debug for CardFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardFont").field("family", &self.family).finish_non_exhaustive()
    }
}

impl CardFont {
    /// Loads the first face of `data` (an OTF, TTF or collection). Err: not a font fontdb and
    /// skrifa can both read.
    pub fn new(data: Vec<u8>) -> Result<CardFont, String> {
        let data = Arc::new(data);
        let face = skrifa::FontRef::from_index(&data, 0).map_err(|_| "not an OpenType or TrueType font".to_string())?;
        let units_per_em = f32::from(face.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
        let mut db = fontdb::Database::new();
        let source = fontdb::Source::Binary(data.clone() as Arc<dyn AsRef<[u8]> + Send + Sync>);
        let ids = db.load_font_source(source);
        let family = ids
            .first()
            .and_then(|id| db.face(*id))
            .and_then(|f| f.families.first().map(|(name, _)| name.clone()))
            .ok_or_else(|| "the font has no family name".to_string())?;
        // Only the first face stays, so no other face of a collection can stand in for it.
        for id in ids.iter().skip(1) {
            db.remove_face(*id);
        }
        if units_per_em <= 0.0 {
            return Err("the font has no units per em".into());
        }
        let fingerprint = crate::templates::fnv1a(&data);
        let mut bmp = vec![0u64; 0x10000 / 64];
        for (c, _) in face.charmap().mappings() {
            if let Some(word) = bmp.get_mut(c as usize / 64) {
                *word |= 1 << (c % 64);
            }
        }
        Ok(CardFont { data, fingerprint, bmp: Arc::new(bmp), family, db: Arc::new(db), units_per_em })
    }

    /// The built-in font.
    /// Loaded once per process: `serve` would otherwise copy, parse and hash it on every
    /// rebuild.
    pub fn built_in() -> CardFont {
        static FONT: std::sync::OnceLock<CardFont> = std::sync::OnceLock::new();
        FONT.get_or_init(|| CardFont::new(BUILT_IN.to_vec()).expect("the built-in card font is a valid font")).clone()
    }

    /// A stable hash of the font file, part of every card's name.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    fn face(&self) -> skrifa::FontRef<'_> {
        // Read successfully in `new`, from the same bytes.
        skrifa::FontRef::from_index(&self.data, 0).expect("font checked when loaded")
    }

    /// Characters of `text` the font has no glyph for, once each, in order. Spaces and
    /// controls are never drawn as glyphs, so they are not reported.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if !c.is_whitespace() && !c.is_control() && !self.has(c) && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    fn has(&self, c: char) -> bool {
        match self.bmp.get(c as usize / 64) {
            Some(word) => word & (1 << (c as u32 % 64)) != 0,
            None => self.face().charmap().map(c).is_some(),
        }
    }

    /// Width of `text` at `size` pixels, from the glyphs' advances (no kerning: a few pixels on
    /// a Latin word, which the layout's margin absorbs).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let face = self.face();
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units: f32 =
            text.chars().filter_map(|c| charmap.map(c)).map(|g| metrics.advance_width(g).unwrap_or(0.0)).sum();
        units * size / self.units_per_em
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coverage_bits_agree_with_the_fonts_own_map_on_every_character() {
        let f = CardFont::built_in();
        let charmap = f.face().charmap();
        let covered = (0..0x11_0000).filter_map(char::from_u32).filter(|&c| f.has(c)).count();
        assert!(covered > 7000, "JIS X 0208 and ASCII at least: {covered}");
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            assert_eq!(f.has(c), charmap.map(c).is_some(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_built_in_font_covers_kana_jis_kanji_and_ascii() {
        let f = CardFont::built_in();
        assert_eq!(f.family, "Noto Sans CJK JP");
        let sample = "あア亜腕熙凜Ｒｕｓｔ～『』…ABCxyz0123!?~";
        assert_eq!(f.missing(sample), Vec::<char>::new());
        // 𠮷 (outside the BMP) and 㐂 (JIS X 0213) are not in JIS X 0208.
        assert_eq!(f.missing("𠮷野家と㐂と𠮷"), vec!['𠮷', '㐂']);
    }

    #[test]
    fn widths_scale_with_size_and_full_width_is_one_em() {
        let f = CardFont::built_in();
        assert!((f.width("手引き", 100.0) - 300.0).abs() < 1.0);
        assert!((f.width("あ", 50.0) * 2.0 - f.width("あ", 100.0)).abs() < 0.01);
        assert!(f.width("i", 100.0) < f.width("W", 100.0));
    }

    #[test]
    fn bytes_that_are_not_a_font_are_refused() {
        assert!(CardFont::new(b"not a font".to_vec()).is_err());
    }
}
