"""A Thai QR code as a picture to save on a phone, with what it pays written under it.

A phone cannot scan its own screen, so taxpayers save the code and open it from the gallery in their banking
app. A bare code in the gallery says nothing about itself: the picture carries who is paid, the bill number
and the amount, in Thai, under the code (left exactly as `thaiqr.render_png` draws it, quiet zone included).

Thai needs a face with Thai, Latin letters and digits together and proper placement of vowels and tone marks:
Loma from fonts-thai-tlwg (installed by the setup step with the PDF fonts; Noto Sans Thai has no digits),
laid out by Pillow's raqm (HarfBuzz) engine. Without the font, Pillow's own face is used: the code still
scans.
"""

import io
import subprocess
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from muang.billing import thaiqr

FONT_FAMILY = "Loma"
MIN_WIDTH = 640  # pixels: the text has room on a phone's screen even under a small code
MARGIN = 24
LINE_GAP = 10


@lru_cache(maxsize=2)
def _font_file(bold: bool) -> str | None:
    try:
        found = subprocess.run(  # noqa: S603 (a fixed command and pattern, no user input)
            ["fc-match", "--format=%{file}", f"{FONT_FAMILY}:{'bold' if bold else 'regular'}"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found if FONT_FAMILY.lower() in found.lower() else None


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_file(bold)
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


# Thai vowels and tone marks written above or below the consonant before them: never split from it.
_THAI_MARKS = frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


def _clusters(word: str) -> list[str]:
    out: list[str] = []
    for char in word:
        if out and char in _THAI_MARKS:
            out[-1] += char
        else:
            out.append(char)
    return out


def _wrapped(draw: ImageDraw.ImageDraw, text: str, width: int, font) -> list[str]:
    """`text` in lines that fit `width`: broken at spaces, and a word longer than a line between letters (a
    Thai vowel or tone mark stays with its consonant)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for cluster in _clusters(word):
            if line and draw.textlength(line + cluster, font=font) > width:
                lines.append(line)
                line = ""
            line += cluster
    if line:
        lines.append(line)
    return lines


def _laid_out(draw: ImageDraw.ImageDraw, text: str, width: int, *, strong: bool):
    """(font, lines): one line in a font shrunk to fit when it can be read at that size, else wrapped."""
    size, smallest = (40, 30) if strong else (28, 22)
    while size > smallest and draw.textlength(text, font=_font(size, bold=strong)) > width:
        size -= 2
    font = _font(size, bold=strong)
    return font, _wrapped(draw, text, width, font)


def labelled_qr_png(payload: str, *, lines: Sequence[tuple[str, bool]], scale: int = 8) -> bytes:
    """PNG of the code of `payload` with `lines` ((text, emphasised)) centred under it, in that order."""
    code = Image.open(io.BytesIO(thaiqr.render_png(payload, scale=scale))).convert("RGB")
    width = max(code.width, MIN_WIDTH)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    blocks = []  # (font, line, height, emphasised)
    for text, strong in lines:
        font, wrapped = _laid_out(measure, text, width - 2 * MARGIN, strong=strong)
        line_height = sum(font.getmetrics())
        blocks += [(font, line, line_height, strong) for line in wrapped]
    height = code.height + sum(h + LINE_GAP for _f, _l, h, _s in blocks) + MARGIN
    picture = Image.new("RGB", (width, height), "white")
    picture.paste(code, ((width - code.width) // 2, 0))
    draw = ImageDraw.Draw(picture)
    y = code.height
    for font, line, line_height, strong in blocks:
        draw.text((width // 2, y), line, font=font, fill="#000" if strong else "#333", anchor="ma")
        y += line_height + LINE_GAP
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
