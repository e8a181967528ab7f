"""The code sets billing checks input against: CPT/HCPCS procedure codes, modifiers and
ICD-10-CM diagnoses.

Procedure codes are checked for their shape only (medoffice ships no CPT list: it is the
AMA's); the practice's fee schedule says which codes it bills. Diagnoses are checked against
the public ICD-10-CM code set of ``simple_icd_10_cm``, billable codes only.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from medoffice.core import ValidationError
from medoffice.core.progress import SILENT, Progress

PROCEDURE_CODE = re.compile(r"^(?:\d{4}[0-9FTU]|[A-V]\d{4})$")
"""CPT Category I (``99213``), II (``0001F``), III (``0042T``), PLA (``0001U``) and HCPCS
Level II (``J3420``)."""

MODIFIER = re.compile(r"^[A-Z0-9]{2}$")


def parse_procedure_code(value: str | None, *, field: str = "code") -> str:
    """A CPT or HCPCS code, upper case: five characters such as ``99213`` or ``J3420``."""
    text = (value or "").strip().upper()
    if not PROCEDURE_CODE.match(text):
        raise ValidationError(f"{text or value!r} is not a CPT or HCPCS code (five characters such as 99213 "
                              "or J3420)", field=field)
    return text


def parse_modifier(value: str, *, field: str = "modifiers") -> str:
    text = (value or "").strip().upper()
    if not MODIFIER.match(text):
        raise ValidationError(f"modifier {value!r} is not two letters or digits (such as 25 or LT)", field=field)
    return text


def parse_diagnosis(value: str | None, *, field: str = "diagnosis") -> str:
    """A billable ICD-10-CM code, with or without its dot; returned upper case without the dot
    (``J069``), as the 837P writes it.

    Raises:
        ValidationError: not an ICD-10-CM code, or a category that is not billable (it has
            more specific codes under it).
    """
    icd = _code_set()
    text = (value or "").strip().upper().replace(".", "")
    if not re.match(r"^[A-Z][0-9][0-9A-Z]{1,5}$", text) or not icd.is_valid_item(text):
        raise ValidationError(f"{(value or '').strip()!r} is not an ICD-10-CM code", field=field)
    if not icd.is_leaf(text):
        raise ValidationError(f"{with_dot(text)} is not billable: use one of its more specific codes",
                              field=field)
    return text


_LOADED: list[Any] = []
"""The loaded code set, once it is (a list, so that loading it is one append)."""


def code_set_loaded() -> bool:
    """Whether the ICD-10-CM code set is loaded in this process: the first check loads it,
    which takes a few seconds, and a screen says so while it does."""
    return bool(_LOADED)


def load_code_set(progress: Progress = SILENT) -> None:
    """Load the ICD-10-CM code set now if it is not yet, saying so to ``progress`` (a long
    check calls it first, so that its bar does not stand still for the load)."""
    if not _LOADED:
        progress.step("loading the ICD-10-CM code set", None)
        _code_set()


def _code_set() -> Any:
    """The ICD-10-CM code set, loaded on first use (the package warns about its own
    resource loading, which is not ours to fix)."""
    if _LOADED:
        return _LOADED[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

        simple_icd_10_cm.is_valid_item("A00")
    _LOADED.append(simple_icd_10_cm)
    return simple_icd_10_cm


def with_dot(code: str) -> str:
    """``J069`` as people write it: ``J06.9``."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"
