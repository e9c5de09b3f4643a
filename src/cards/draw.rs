//! Drawing one card: an SVG of positioned lines (laid out by [`super::layout`]) rendered by
//! resvg into a 1200×630 PNG, with an optional background and logo drawn around it.

use resvg::tiny_skia::{self, Pixmap, Transform};
use resvg::usvg;

use super::font::CardFont;
use super::layout::{self, Frame, Lines};
use super::settings::Palette;
use crate::web::escape::escape_into;

/// Part of every card's name: raise it when a change here changes how cards look, so that
/// builds draw them again instead of keeping the ones a previous build left.
pub const VERSION: u32 = 1;

/// Card size in pixels: the Open Graph size X, Facebook, LINE and Slack show in full.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
const PAD: f32 = 80.0;
/// The site's name sits on this baseline, at the foot of the card.
const LABEL_BASELINE: f32 = HEIGHT as f32 - 76.0;
const LABEL_SIZE: f32 = 34.0;
const LOGO_BOX: f32 = 64.0;
/// Title lines are centred between the top stripe and the site's name.
const TITLE_TOP: f32 = 70.0;
const TITLE_BOTTOM: f32 = LABEL_BASELINE - 90.0;
const LINE_HEIGHT: f32 = 1.4;

/// The title's limits: three lines, 76 px shrinking to 52 px.
const TITLE: Frame = Frame { width: WIDTH as f32 - 2.0 * PAD, max_size: 76.0, min_size: 52.0, max_lines: 3 };

/// An image from the site: a decoded PNG or a parsed SVG.
pub(crate) enum Picture {
    Png(Pixmap),
    Svg(Box<usvg::Tree>),
}

impl Picture {
    /// Reads PNG or SVG bytes; Err says what is wrong in a writer's words.
    pub fn decode(bytes: &[u8]) -> Result<Picture, String> {
        if bytes.starts_with(b"\x89PNG") {
            return Pixmap::decode_png(bytes).map(Picture::Png).map_err(|e| format!("cannot read the PNG: {e}"));
        }
        usvg::Tree::from_data(bytes, &usvg::Options::default())
            .map(|t| Picture::Svg(Box::new(t)))
            .map_err(|e| format!("neither a PNG nor a readable SVG: {e}"))
    }

    fn size(&self) -> (f32, f32) {
        match self {
            Picture::Png(p) => (p.width() as f32, p.height() as f32),
            Picture::Svg(t) => (t.size().width(), t.size().height()),
        }
    }

    /// Draws the picture into the box at (x, y) of size (w, h): scaled to fit inside it
    /// (`cover`: to fill it, cropped), centred.
    fn draw(&self, canvas: &mut Pixmap, (x, y, w, h): (f32, f32, f32, f32), cover: bool) {
        let (pw, ph) = self.size();
        if pw <= 0.0 || ph <= 0.0 {
            return;
        }
        let scale = if cover { (w / pw).max(h / ph) } else { (w / pw).min(h / ph) };
        let (dx, dy) = (x + (w - pw * scale) / 2.0, y + (h - ph * scale) / 2.0);
        let t = Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
        match self {
            Picture::Png(p) => {
                let paint = tiny_skia::PixmapPaint { quality: tiny_skia::FilterQuality::Bicubic, ..Default::default() };
                canvas.draw_pixmap(0, 0, p.as_ref(), &paint, t, None);
            }
            Picture::Svg(tree) => resvg::render(tree, t, &mut canvas.as_mut()),
        }
    }
}

/// Everything a card shows, text already stripped of characters the font lacks.
pub(crate) struct Scene<'a> {
    pub site: &'a str,
    pub title: &'a str,
    pub palette: &'a Palette,
    pub font: &'a CardFont,
    pub logo: Option<&'a Picture>,
    pub background: Option<&'a Picture>,
}

/// Lays out the title as it will be drawn.
pub(crate) fn title_lines(title: &str, font: &CardFont) -> Lines {
    layout::lay_out(title, &TITLE, |s, size| font.width(s, size))
}

/// The card as PNG bytes. Err: resvg could not read the SVG (a bug, reported to the writer as
/// a warning rather than a crash).
pub(crate) fn png(scene: &Scene) -> Result<Vec<u8>, String> {
    let svg = svg(scene);
    let options = usvg::Options {
        font_family: scene.font.family.clone(),
        fontdb: scene.font.db.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| format!("cannot draw the card: {e}"))?;
    let mut canvas = Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the card")?;
    if let Some(bg) = scene.background {
        // The SVG then has no background of its own: the picture goes under its text.
        canvas.fill(color(&scene.palette.background));
        bg.draw(&mut canvas, (0.0, 0.0, WIDTH as f32, HEIGHT as f32), true);
    }
    resvg::render(&tree, Transform::identity(), &mut canvas.as_mut());
    if let Some(logo) = scene.logo {
        let top = LABEL_BASELINE - LABEL_SIZE * 0.88 - (LOGO_BOX - LABEL_SIZE) / 2.0;
        logo.draw(&mut canvas, (PAD, top, LOGO_BOX, LOGO_BOX), false);
    }
    canvas.encode_png().map_err(|e| format!("cannot encode the card: {e}"))
}

fn color(hex: &str) -> tiny_skia::Color {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xffffff);
    tiny_skia::Color::from_rgba8((v >> 16) as u8, (v >> 8) as u8, v as u8, 255)
}

/// The card's SVG: background (unless a picture replaces it), accent stripe, title lines and
/// the site's name. Text carries `xml:lang="ja"` so a renderer that shapes by language picks
/// Japanese forms; the built-in font's default forms are Japanese either way.
pub(crate) fn svg(scene: &Scene) -> String {
    let p = scene.palette;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">"
    );
    if scene.background.is_none() {
        s.push_str(&format!("<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{}\"/>", p.background));
    }
    s.push_str(&format!("<rect width=\"{WIDTH}\" height=\"14\" fill=\"{}\"/>", p.accent));
    let lines = title_lines(scene.title, scene.font);
    let step = lines.size * LINE_HEIGHT;
    let block = step * (lines.lines.len() as f32 - 1.0) + lines.size;
    let first_baseline = TITLE_TOP + (TITLE_BOTTOM - TITLE_TOP - block) / 2.0 + lines.size * 0.88;
    for (i, line) in lines.lines.iter().enumerate() {
        let y = first_baseline + step * i as f32;
        text(&mut s, (PAD, y), lines.size, &p.text, line);
    }
    let label_x = if scene.logo.is_some() { PAD + LOGO_BOX + 20.0 } else { PAD };
    s.push_str(&format!(
        "<rect x=\"{PAD}\" y=\"{}\" width=\"96\" height=\"6\" fill=\"{}\"/>",
        LABEL_BASELINE - LABEL_SIZE - 40.0,
        p.accent
    ));
    let label_frame =
        Frame { width: WIDTH as f32 - PAD - label_x, max_size: LABEL_SIZE, min_size: LABEL_SIZE, max_lines: 1 };
    let label = layout::lay_out(scene.site, &label_frame, |t, size| scene.font.width(t, size));
    if let Some(line) = label.lines.first() {
        text(&mut s, (label_x, LABEL_BASELINE), LABEL_SIZE, &p.muted, line);
    }
    s.push_str("</svg>");
    s
}

/// One `<text>` element: a line placed at (x, baseline y).
fn text(s: &mut String, (x, y): (f32, f32), size: f32, fill: &str, line: &str) {
    s.push_str(&format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" font-weight=\"700\" fill=\"{fill}\" xml:lang=\"ja\" xml:space=\"preserve\">"
    ));
    escape_into(s, line);
    s.push_str("</text>");
}
