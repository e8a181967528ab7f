"""PDF documents the practice prints and sends (statements, purchase orders), one way: fpdf2
with an embedded Unicode font, so a name prints in its own letters.

The font is DejaVu Sans, regular and bold, shipped in ``fonts/`` beside this module with its
licence (cut down to the scripts a practice meets; see ``fonts/README.md``): Latin with every
accent (Czech, Polish, Turkish, Vietnamese…), Greek and Cyrillic print as they are. A letter
the font lacks (Chinese, Japanese, Korean, right-to-left scripts) prints as U+FFFD (�), never
as a wrong letter, a ``?`` or nothing, so the reader sees that something is missing.

:func:`new_document` gives a letter-size ``FPDF`` with the font loaded as :data:`FAMILY`;
:func:`printable` is what every text written into it must pass through.

.. versionadded:: 1
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any

FONTS = Path(__file__).parent / "fonts"
FONT_FILES = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}
"""The font's files by fpdf2 style: regular (``""``) and bold (``"B"``)."""
FAMILY = "DejaVu"
MISSING = "\ufffd"


@functools.cache
def font_covers() -> frozenset[int]:
    """The code points both fonts (regular and bold) can draw."""
    from fontTools.ttLib import TTFont

    maps = [set(TTFont(path, lazy=True)["cmap"].getBestCmap()) for path in FONT_FILES.values()]
    return frozenset(set.intersection(*maps))


def printable(text: str | None) -> str:
    """``text`` as the PDF prints it: composed (NFC), any space or line break as a space,
    invisible control and format characters left out, and each letter the font cannot draw
    as U+FFFD (�), so that nothing is silently dropped or turned into another letter."""
    covered = font_covers()
    out = []
    for ch in unicodedata.normalize("NFC", text or ""):
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        else:
            out.append(ch if ord(ch) in covered else MISSING)
    return "".join(out)


def new_document(title: str) -> Any:
    """A letter-size ``fpdf.FPDF`` with the Unicode font loaded as :data:`FAMILY` (regular and
    bold), automatic page breaks, its title (through :func:`printable`) and creator set, and no
    page yet."""
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    for style, path in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(printable(title))
    pdf.set_creator("medoffice")
    return pdf
