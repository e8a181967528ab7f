"""Validators for the identifiers and values a medical office types every day.

Each ``parse_*`` function takes what a person typed and returns the normalised value or
raises :class:`~medoffice.core.errors.ValidationError` with a message that says what is
expected. The CLI, the TUI and CSV imports all go through these, so a value is judged the
same wherever it is entered.

A form judged thousands of times (a desk registering patients, an import) checks each value
with a ``quick_*`` check first: the common well-formed value is passed as its parser would
return it, anything else is :data:`SLOW` and goes to the parser, whose words every refusal
keeps.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ValidationError
from .text import check_text

_NPI_PREFIX = "80840"
SEXES = ("female", "male", "other", "unknown")
_SEX_ALIASES = {"f": "female", "m": "male", "o": "other", "u": "unknown", "x": "other"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_DIGIT = re.compile(r"\D")
_NOT_PHONE = re.compile(r"[^\d\s()+.\-x]")

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")
"""The largest amount of money any field accepts (a hundred million, less a cent)."""


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for ``digits`` (the digit that would be appended)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def is_valid_npi(npi: str) -> bool:
    """True when ``npi`` is ten digits whose last is the Luhn check digit over 80840 + the first nine."""
    return (
        len(npi) == 10
        and npi.isdigit()
        and luhn_check_digit(_NPI_PREFIX + npi[:9]) == int(npi[9])
    )


def parse_npi(value: str, *, field: str = "npi") -> str:
    npi = re.sub(r"[\s-]", "", value or "")
    if not npi.isdigit() or len(npi) != 10:
        raise ValidationError(f"NPI must be 10 digits, got {value!r}", field=field)
    if not is_valid_npi(npi):
        raise ValidationError(f"NPI {npi} fails its check digit", field=field)
    return npi


def parse_tax_id(value: str, *, field: str = "tax_id") -> str:
    """An EIN as ``NN-NNNNNNN``."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits.isdigit() or len(digits) != 9:
        raise ValidationError(f"tax id (EIN) must be 9 digits, got {value!r}", field=field)
    return f"{digits[:2]}-{digits[2:]}"


FIRST_DAY = dt.date(1800, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
"""The days a typed date may name. Past them there is nothing to record, and a day near the
calendar's end (9999-12-31) has no next day or week to compute with."""


def typed_text(value: Any, field: str) -> str:
    """A form value's text: a string as given, None as blank. Anything else (a number or a
    list from a hostile JSON file, a plugin's mistake) is refused in the field's words rather
    than failing inside a parser.

    .. versionadded:: 1
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise ValidationError(f"{field.replace('_', ' ')} must be text, got {type(value).__name__}", field=field)


def parse_date(value: str | dt.date, *, field: str = "date") -> dt.date:
    """A calendar date as ``YYYY-MM-DD`` (or ``MM/DD/YYYY``, as US forms write it), from
    :data:`FIRST_DAY` to :data:`LAST_DAY`."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = typed_text(value, field).strip()
    if (len(text) == 10 and text[4] == text[7] == "-" and text.isascii()  # YYYY-MM-DD, as forms send it
            and text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit()):
        try:
            day = dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            pass  # not a real date: the error below says so, as for any other text
        else:
            if FIRST_DAY <= day <= LAST_DAY:
                return day
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(f"{field.replace('_', ' ')} must be a date from {FIRST_DAY} to {LAST_DAY}, "
                                  f"got {text!r}", field=field)
        return day
    raise ValidationError(f"{field.replace('_', ' ')} must be a real date as YYYY-MM-DD, got {text!r}", field=field)


def parse_birth_date(value: str | dt.date, *, today: dt.date | None = None, field: str = "date_of_birth") -> dt.date:
    born = parse_date(value, field=field)
    today = today or dt.date.today()
    if born > today:
        raise ValidationError(f"date of birth {born.isoformat()} is in the future", field=field)
    if born.year < today.year - 130:
        raise ValidationError(f"date of birth {born.isoformat()} is more than 130 years ago", field=field)
    return born


def parse_sex(value: str, *, field: str = "sex") -> str:
    text = typed_text(value, field).strip().lower()
    text = _SEX_ALIASES.get(text, text)
    if text not in SEXES:
        raise ValidationError(f"sex must be one of {', '.join(SEXES)}, got {value!r}", field=field)
    return text


@functools.lru_cache(maxsize=256)
def phone_digits(value: str) -> str:
    """Only the digits of a phone number, without a leading US country code. (Kept for the
    last few numbers: a registration checks the typed number, then files its digits.)"""
    digits = _NOT_DIGIT.sub("", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def parse_phone(value: str | None, *, field: str = "phone") -> str | None:
    """A phone number, kept as typed but checked to hold 7 to 15 digits."""
    text = check_text(typed_text(value, field).strip(), field=field)
    if not text:
        return None
    if _NOT_PHONE.search(text):
        raise ValidationError(f"phone may hold only digits, spaces and ()+-. , got {text!r}", field=field)
    digits = phone_digits(text)
    if not 7 <= len(digits) <= 15:
        raise ValidationError(f"phone must have 7 to 15 digits, got {text!r}", field=field)
    return text


def parse_email(value: str | None, *, field: str = "email") -> str | None:
    text = check_text(typed_text(value, field).strip(), field=field)
    if not text:
        return None
    if not _EMAIL.match(text):
        raise ValidationError(f"email {text!r} is not an address", field=field)
    return text


def parse_timezone(value: str, *, field: str = "timezone") -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {value!r} (use an IANA name such as America/New_York)", field=field) from None
    return value


def require_text(value: str | None, *, field: str, max_length: int = 200, multiline: bool = False) -> str:
    """Text that must be given: a name, a reason, a description.

    Args:
        multiline: free text that may run over lines (a note): it keeps newlines and tabs.
            Otherwise, and always, control and invisible formatting characters are refused
            (see :mod:`medoffice.core.text`).

    .. versionchanged:: 1
        Refuses control characters, bidirectional overrides and other invisible formatting
        characters; ``multiline`` added.
    """
    text = typed_text(value, field).strip()
    if not text:
        raise ValidationError(f"{field.replace('_', ' ')} is required", field=field)
    if len(text) > max_length:
        raise ValidationError(f"{field.replace('_', ' ')} is longer than {max_length} characters", field=field)
    return check_text(text, field=field, multiline=multiline)


def optional_text(value: str | None, *, field: str, max_length: int = 200, multiline: bool = False) -> str | None:
    """Text that may be left blank (None); otherwise as :func:`require_text`."""
    text = typed_text(value, field).strip()
    if not text:
        return None
    return require_text(text, field=field, max_length=max_length, multiline=multiline)


def parse_money(value: Any, *, field: str = "amount", positive: bool = False,
                allow_negative: bool = False, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """An amount of money as ``12.50``, ``$1,200`` or a ``Decimal``.

    Args:
        value: what was typed (or a ``Decimal``/``int``; a ``float`` is refused).
        field: the field named in the error.
        positive: refuse zero too.
        allow_negative: accept amounts below zero.

    Raises:
        ValidationError: not a number, more than two decimals, negative (or zero when
            ``positive``), or above :data:`MAX_AMOUNT`.
    """
    label = field.replace("_", " ")
    if isinstance(value, float):
        raise ValidationError(f"{label} must be typed as a decimal, not a floating-point number", field=field)
    if isinstance(value, bool):
        raise ValidationError(f"{label} must be an amount like 12.50, got {value!r}", field=field)
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        text = str(value if value is not None else "").strip().replace(",", "").replace("$", "", 1)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"{label} must be an amount like 12.50, got {value!r}", field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"{label} must be an amount like 12.50, got {value!r}", field=field)
    if amount.copy_abs() > maximum:  # before quantize, which cannot hold 1e30 to the cent (nor abs() 1e999999999)
        raise ValidationError(f"{label} is larger than {maximum:,}", field=field)
    if amount != amount.quantize(CENT):
        raise ValidationError(f"{label} has more than two decimals: {value}", field=field)
    if amount < 0 and not allow_negative:
        raise ValidationError(f"{label} must not be negative, got {amount:.2f}", field=field)
    if positive and amount == 0:
        raise ValidationError(f"{label} must be more than zero", field=field)
    return amount.quantize(CENT)


# -- quick checks: the common well-formed value, judged without its parser's full walk ------------

class _Slow:
    __slots__ = ()

    def __repr__(self) -> str:
        return "SLOW"


SLOW = _Slow()
"""What a quick check returns when a value is not the common well-formed case: the field's own
parser must judge it (and, when it refuses, its words are the refusal's)."""

QuickCheck = Callable[[Any], Any]
"""A value as typed in, to the value its field's parser would return, or :data:`SLOW`."""


def quick_text(max_length: int, *, required: bool) -> QuickCheck:
    """The common case of :func:`require_text` (``required``) or :func:`optional_text`, one
    line: a string that, stripped, is at most ``max_length`` characters and all printable
    (so none of :mod:`medoffice.core.text`'s refused characters) is itself stripped; a blank
    optional one (or None) is None; anything else is :data:`SLOW`.

    Forms judging thousands of values (a desk registering patients, an import) check each
    with one of these first, and call the parser only for what it returns :data:`SLOW` for.

    .. versionadded:: 1
    """

    def quick(value: Any) -> Any:
        if type(value) is str:
            text = value.strip()
            if text:
                if len(text) <= max_length and text.isprintable():
                    return text
            elif not required:
                return None
        elif value is None and not required:
            return None
        return SLOW

    return quick


def quick_phone(value: Any) -> Any:
    """The common case of :func:`parse_phone`: a printable string of digits, spaces and
    ``()+-.x`` with 7 to 15 digits is itself stripped, a blank one None, else :data:`SLOW`.

    .. versionadded:: 1
    """
    if type(value) is str:
        text = value.strip()
        if not text:
            return None
        if text.isprintable() and not _NOT_PHONE.search(text) and 7 <= len(phone_digits(text)) <= 15:
            return text
    elif value is None:
        return None
    return SLOW


def quick_email(value: Any) -> Any:
    """The common case of :func:`parse_email`: a printable address is itself stripped, a blank
    one None, else :data:`SLOW`.

    .. versionadded:: 1
    """
    if type(value) is str:
        text = value.strip()
        if not text:
            return None
        if text.isprintable() and _EMAIL.match(text):
            return text
    elif value is None:
        return None
    return SLOW


_SEX_WORDS = {typed: sex for sex in SEXES for typed in (sex, sex.capitalize(), sex.upper())} | {
    typed: sex for alias, sex in _SEX_ALIASES.items() for typed in (alias, alias.upper())}


def quick_sex(value: Any) -> Any:
    """The common case of :func:`parse_sex`: one of :data:`SEXES` or their one-letter forms
    as usually typed (``female``, ``Female``, ``F``…), else :data:`SLOW`.

    .. versionadded:: 1
    """
    return _SEX_WORDS.get(value, SLOW) if type(value) is str else SLOW


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""``YYYY-MM-DD`` in ASCII digits: what ``date.fromisoformat`` reads as that very day."""


def quick_birth_date(today: dt.date) -> QuickCheck:
    """The common case of :func:`parse_birth_date` on ``today``: ``YYYY-MM-DD`` naming a day
    that exists, not after ``today`` nor more than 130 years before it, else :data:`SLOW`.

    .. versionadded:: 1
    """
    earliest = max(FIRST_DAY, dt.date(max(today.year - 130, 1), 1, 1))
    latest = min(today, LAST_DAY)
    from_iso = dt.date.fromisoformat

    def quick(value: Any) -> Any:
        if type(value) is str and len(value) == 10 and _ISO_DAY.fullmatch(value):
            try:
                born = from_iso(value)
            except ValueError:  # not a real day (02-30): the parser says so
                return SLOW
            if earliest <= born <= latest:
                return born
        return SLOW

    return quick


class Fields:
    """Parse several fields, keep every error, raise them all at once: a form shows every
    mistake together instead of one per try."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def parse(self, field: str, parse: Callable[..., Any], value: Any, *args: Any, **options: Any) -> Any:
        try:
            return parse(value, *args, field=field, **options)
        except ValidationError as error:
            self.errors[field] = error.message
            return None

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def done(self) -> None:
        if self.errors:
            raise ValidationError.of_fields(self.errors)
