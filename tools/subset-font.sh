#!/bin/sh
# Rebuilds assets/fonts/NotoSansJP-Bold-subset.otf, the font share cards are drawn with:
# the Japanese face of Noto Sans CJK Bold (OFL-1.1) from Debian's fonts-noto-cjk, cut down to
# ASCII, JIS X 0208 (symbols, kana, Greek, Cyrillic, the level 1 and 2 kanji), full- and
# half-width forms and a few common marks. Same inputs and fontTools version, same bytes.
#
#   apt-get install fonts-noto-cjk && pip install fonttools==4.68.0 && sh tools/subset-font.sh
set -eu
cd "$(dirname "$0")/.."
src=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
out=assets/fonts/NotoSansJP-Bold-subset.otf
[ -f "$src" ] || { echo "missing $src: apt-get install fonts-noto-cjk" >&2; exit 1; }
python3 - "$src" "$out" <<'PY'
import sys
import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

if fontTools.version != "4.68.0":
    sys.exit(f"fontTools {fontTools.version}: pin 4.68.0 for a reproducible subset")
src, out = sys.argv[1], sys.argv[2]
chars = set(range(0x20, 0x7F))
# Every JIS X 0208 code point, rows 1-84, through Python's EUC-JP codec.
for row in range(1, 85):
    for cell in range(1, 95):
        try:
            chars.update(map(ord, bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp")))
        except UnicodeDecodeError:
            pass
chars.update(range(0xFF01, 0xFF5F))  # full-width ASCII
chars.update(range(0xFF61, 0xFFA0))  # half-width katakana
chars.update(map(ord, "～〜・…‥―—–“”‘’«»©®™€"))
opts = subset.Options()
opts.font_number = 0  # Noto Sans CJK JP: Japanese glyph forms by default
# Only kerning: the face's default glyphs are already the Japanese forms, and resvg shapes
# without a language, so `locl` alternates (Chinese and Korean forms, twice the glyphs) would
# never be drawn.
opts.layout_features = ["kern"]
opts.name_IDs = ["*"]
opts.name_languages = ["*"]
opts.notdef_outline = True
opts.recalc_timestamp = False
opts.drop_tables += ["vhea", "vmtx", "VORG", "BASE"]  # cards set text horizontally
# Without recalcTimestamp=False, save() stamps the time and no two runs match.
font = TTFont(src, fontNumber=0, lazy=False, recalcTimestamp=False)
sub = subset.Subsetter(opts)
sub.populate(unicodes=sorted(chars))
sub.subset(font)
font.save(out)
print(f"{out}: {len(chars)} characters requested, {len(font.getGlyphOrder())} glyphs")
PY
