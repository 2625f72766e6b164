//! The graph as a PNG image: `baton graph --png` and the app's image export. It is the SVG
//! drawing (`svg::svg`) rasterised by resvg at twice its size, so the two never disagree and
//! the image stays sharp on a high-density screen or in a slide.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::fontdb::{Database, Family};
use resvg::usvg::{self, Options, Tree};

use crate::report::svg::svg;
use crate::scenario::graph::Graph;

/// Pixels per SVG unit.
const SCALE: f32 = 2.0;

/// Monospaced families tried, in order, when the ones the drawing names are not installed.
/// DejaVu is Debian's and most Linux distributions' default; the others cover macOS and Windows.
const MONOSPACE: [&str; 6] = [
    "DejaVu Sans Mono",
    "Liberation Mono",
    "Noto Sans Mono",
    "Menlo",
    "Consolas",
    "Courier New",
];

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error(
        "no fonts were found on this system, so the diagram's labels cannot be drawn; install one (e.g. the fonts-dejavu-core package) or export SVG instead"
    )]
    NoFonts,
    #[error("the SVG drawing could not be read for rasterising: {0}")]
    Svg(#[from] usvg::Error),
    #[error(
        "the diagram is too large for one image ({width}×{height} at {SCALE}×); draw fewer scenarios (e.g. --filter) or export SVG"
    )]
    TooLarge { width: f32, height: f32 },
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

/// The graph drawn as SVG, rasterised at twice its size on a white background (the drawing's
/// own), and encoded as PNG.
pub fn png(graph: &Graph) -> Result<Vec<u8>, PngError> {
    let fonts = system_fonts();
    if fonts.is_empty() {
        return Err(PngError::NoFonts);
    }
    let mut options = Options {
        fontdb: fonts.clone(),
        ..Options::default()
    };
    options.font_family = fonts.family_name(&Family::Monospace).to_string();
    let tree = Tree::from_str(&svg(graph), &options)?;
    let size = tree.size();
    let too_large = || PngError::TooLarge {
        width: size.width(),
        height: size.height(),
    };
    let pixels = size.to_int_size().scale_by(SCALE).ok_or_else(too_large)?;
    let mut pixmap = Pixmap::new(pixels.width(), pixels.height()).ok_or_else(too_large)?;
    resvg::render(
        &tree,
        Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}

/// The system's fonts, loaded once per process (a scan of every font file takes a while), with
/// the generic `monospace` family, and the `serif` family usvg falls back to last, pointed at a
/// monospaced font that is installed.
fn system_fonts() -> &'static Arc<Database> {
    static FONTS: OnceLock<Arc<Database>> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = Database::new();
        db.load_system_fonts();
        let installed = |db: &Database, name: &str| {
            db.faces()
                .any(|f| f.families.iter().any(|(family, _)| family == name))
        };
        let monospace = MONOSPACE
            .iter()
            .find(|name| installed(&db, name))
            .map(|name| name.to_string())
            .or_else(|| {
                let face = db.faces().find(|f| f.monospaced).or(db.faces().next())?;
                face.families.first().map(|(family, _)| family.clone())
            });
        if let Some(monospace) = monospace {
            if !installed(&db, db.family_name(&Family::Monospace)) {
                db.set_monospace_family(monospace.clone());
            }
            if !installed(&db, db.family_name(&Family::Serif)) {
                db.set_serif_family(monospace);
            }
        }
        Arc::new(db)
    })
}
