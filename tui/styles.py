"""Reading a screen class's styles into the app's stylesheet before the screen is made.

Textual reads a screen's ``CSS_PATH`` and ``CSS`` the first time the screen is shown, then
re-parses every source of the stylesheet and restyles the app. :func:`read_styles` does the
same from the class, earlier, at a moment of the shell's choosing (while a password is being
checked); when the screen is shown its sources are already there and nothing is re-parsed.
It follows Textual's private ``App._load_screen_css`` of the pinned Textual 8.2 (same source
keys, so the two never read a file twice).
"""

from __future__ import annotations

import inspect
from pathlib import Path, PurePath

from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

from medoffice.ui._textual_private import css_scope


def css_paths(screen_class: type[Screen]) -> list[Path]:
    """The screen class's ``CSS_PATH`` files, resolved beside its module as Textual does."""
    declared = screen_class.CSS_PATH
    if not declared:
        return []
    listed = [declared] if isinstance(declared, (str, PurePath)) else list(declared)
    here = Path(inspect.getfile(screen_class)).parent
    return [Path(path) if Path(path).is_absolute() else (here / path).resolve() for path in listed]


def read_styles(stylesheet: Stylesheet, screen_class: type[Screen], app: App) -> bool:
    """Add ``screen_class``'s styles to ``stylesheet`` and re-parse once if any were new.

    Returns:
        Whether anything was read.
    """
    new = False
    for path in css_paths(screen_class):
        if not stylesheet.has_source(str(path), ""):
            stylesheet.read(path)
            new = True
    if screen_class.CSS:
        read_from = (inspect.getfile(screen_class), f"{screen_class.__name__}.CSS")
        if not stylesheet.has_source(*read_from):
            stylesheet.add_source(screen_class.CSS, read_from=read_from, is_default_css=False,
                                  scope=css_scope(screen_class) if screen_class.SCOPED_CSS else "")
            new = True
    if new:
        stylesheet.reparse()
        stylesheet.update(app)
    return new
