"""Characters that must not reach a terminal as they are, refused on input, escaped on output.

A name holding ``ESC ] 0 ; … BEL`` retitles the terminal that prints it, ``ESC [ 2 J`` clears
its screen, a newline followed by ``error: …`` fakes a message, and a right-to-left override
(U+202E) shows ``exe.txt`` for ``txt.exe``. So the same set of characters is

- **refused** where people type, import or receive data (:func:`check_text`, used by
  :func:`medoffice.core.validation.require_text` and the other parsers): one line naming
  the field, wherever the value came from (a form, ``--set``, a CSV or FHIR import);
- **escaped** where data is shown (:func:`printable`): the CLI's tables and lines, its JSON,
  its error lines and the TUI's tables and cards show ``\\x1b``, ``\\n`` or ``\\u202e``, so a
  value stored before it was refused still cannot act on the terminal.

The set (:func:`is_control`): every control character (Unicode category Cc: C0, DEL and C1,
newline and tab included), every format character (Cf: the bidirectional controls U+200E/F,
U+202A–E, U+2066–9, U+061C, the byte-order mark, invisible tags…) except the zero-width
non-joiner and joiner (U+200C, U+200D) that Persian, Indic and emoji spellings need, the line
and paragraph separators (U+2028, U+2029) and lone surrogates. Free text that may run over
several lines (``multiline=True``: notes) takes newline and tab as well, and nothing else of
the set; a Windows line end (CR LF) there is read as a newline.

.. versionadded:: 1
"""

from __future__ import annotations

import unicodedata

from .errors import ValidationError

ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})
"""Format characters (Cf) kept: zero-width non-joiner and joiner, part of how some names are written."""

MULTILINE = frozenset({"\n", "\t"})
"""What free text of several lines may hold of the refused set."""

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def is_control(char: str) -> bool:
    """True when ``char`` (one character) is refused in text and escaped when shown."""
    if " " <= char <= "~":  # printable ASCII, the common case
        return False
    return unicodedata.category(char) in _UNSAFE_CATEGORIES and char not in ALLOWED_FORMAT


def escape_char(char: str) -> str:
    """``char`` as Python writes it in a string literal: ``\\n``, ``\\x1b``, ``\\u202e``."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def has_control(text: str, *, allow: frozenset[str] = frozenset()) -> bool:
    """True when ``text`` holds a character of the set other than those in ``allow``."""
    if text.isprintable():  # fast: no character of the set (nor any other unprintable one)
        return False
    return any(is_control(char) and char not in allow for char in text)


def printable(value: object, *, allow: frozenset[str] = frozenset()) -> str:
    """``value`` as text safe to print: each character of the set becomes its escape.

    Args:
        value: what to show; None is ``""``, anything else goes through ``str``.
        allow: characters to keep as they are (``MULTILINE`` for a note shown over lines).
    """
    text = "" if value is None else str(value)
    if not has_control(text, allow=allow):
        return text
    return "".join(escape_char(c) if is_control(c) and c not in allow else c for c in text)


def one_line(value: object) -> str:
    """``value`` as one line safe to print (an error message, a table cell): newlines too
    become ``\\n``."""
    return printable(value)


def check_text(text: str, *, field: str, multiline: bool = False) -> str:
    """``text`` when it holds none of the set (newline and tab allowed if ``multiline``).

    Returns:
        ``text``, with CR LF read as LF when ``multiline``.

    Raises:
        ValidationError: naming ``field`` and the first such character, escaped.
    """
    if text.isprintable():  # fast: no character of the set (each is unprintable)
        return text
    allow = MULTILINE if multiline else frozenset()
    if multiline and "\r" in text:
        text = text.replace("\r\n", "\n")
    for char in text:
        if is_control(char) and char not in allow:
            if char in "\n\r\u2028\u2029":
                what = "a line break"
            elif unicodedata.category(char) == "Cc":
                what = "a control character"
            else:
                what = "an invisible formatting character"
            hint = "; only line breaks and tabs may be" if multiline else ""
            raise ValidationError(f"{field.replace('_', ' ')} may not hold {what} ({escape_char(char)}){hint}",
                                  field=field)
    return text


__all__ = ["ALLOWED_FORMAT", "MULTILINE", "check_text", "escape_char", "has_control", "is_control", "one_line",
           "printable"]
