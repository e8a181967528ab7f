"""Finding a patient from what a caller gives: part of a name, a birth date, a phone's last
digits, an MRN.

What is understood (``patients.find`` turns the hits into records):

- **names**, from the start of any of their words: ``smi`` finds Smith, ``reyes`` finds
  Okonkwo-Reyes, ``de la`` and ``cruz`` find De la Cruz; ``last, first`` and ``first last``
  (either order, each side from the start of any of its words). Capitals, accents and
  punctuation do not count: ``munoz`` finds Muñoz, ``obr`` finds O'Brien.
- **phones**: the last 4 or more digits of the patient's phone (``4433``, ``010-4433``), or
  the whole number however punctuated; a whole number is also matched as typed so far.
- **birth dates** as a caller says them: ``3/15/86``, ``03/15/1986``, ``3-15-86``,
  ``1986-03-15`` and ``15.3.1986``. Slashes and hyphens are month first when the practice is
  in the US (its country, ``US`` unless set otherwise), day first elsewhere; dots are always
  day first; a four-digit year first is always year-month-day. A two-digit year is the most
  recent year ending in those digits that does not put the birth in the future. A date that
  does not exist (``2/30/86``) matches nobody.
- an **MRN**, exactly.

Each kind of match is one indexed query for at most ``limit`` rows; nothing scans the
patients. Name starts are the ``search_*`` columns of ``core_patient``; the starts of later
words of a name ("reyes" in Okonkwo-Reyes), and phone numbers' digits reversed (so that an
ending is a prefix), are rows of ``core_patient_search_term`` (c0003), which
:func:`index_patient` keeps right on every write of a patient.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from sqlalchemy import Integer, and_, bindparam, or_, select

from ..context import Context
from ..errors import ValidationError
from ..storage.models import Patient, PatientSearchTerm, Practice
from ..validation import phone_digits

MAX_QUERY = 100
"""The longest search text accepted, in characters (a name is at most 80)."""

MAX_NAME_WORDS = 6
"""Beyond this many words a text is only tried as one name, not split into last and first."""

KEY_LENGTH = 80
"""Search keys and terms are cut to their columns' length."""

LAST, FIRST, PHONE = "last", "first", "phone"
"""The kinds of search term."""

_TOP = "\U0010ffff"  # sorts after every character: ``key`` to ``key + _TOP`` is "starts with key"
_NOT_DECOMPOSED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l",
                                 "æ": "ae", "œ": "oe", "þ": "th"})
_WORDS = re.compile(r"[^\w]+|_+")
_MRN = re.compile(r"^[A-Za-z0-9-]{1,20}$")
_PHONE = re.compile(r"^[\d\s()+.\-]+$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")
_MONTH_FIRST_COUNTRIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "FM", "MH", "PW"})


# -- keys: how names are stored for search ---------------------------------------------------


def _fold(text: str | None) -> str:
    """Compatibility-decomposed, case-folded, and decomposed again (folding can compose:
    the mathematical 𝛢 decomposes to a capital Α only after folding would have lowered it)."""
    if text is not None and text.isascii():  # nothing to decompose, and case-folding is lowering
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text or "")
    return unicodedata.normalize("NFKD", decomposed.casefold().translate(_NOT_DECOMPOSED))


def search_key(text: str | None) -> str:
    """Letters and digits only, lower-cased, without accents: how a name is stored for search
    and how what is typed is compared with it (``Muñoz`` and ``munoz`` are both ``munoz``,
    ``O'Brien`` is ``obrien``). Letters of any script are kept."""
    folded = _fold(text)
    return "".join(ch for ch in folded if ch.isalnum())[:KEY_LENGTH]


def name_words(name: str | None) -> list[str]:
    """The keys of a name's words: ``De la Cruz`` is ``de``, ``la``, ``cruz``."""
    folded = _fold(name)
    return [key for key in (search_key(word) for word in _WORDS.split(folded)) if key]


def later_starts(name: str | None) -> list[str]:
    """The name from each word after the first on, as keys: ``De la Cruz`` gives ``lacruz``
    and ``cruz`` (its start, ``delacruz``, is the ``search_*`` column)."""
    words = name_words(name)
    return ["".join(words[i:])[:KEY_LENGTH] for i in range(1, len(words))]


NAMES_KEPT = 8192
"""How many distinct names :func:`name_index` keeps the keys of (a practice's first and last
names repeat: thousands of patients share a few thousand names)."""


@functools.lru_cache(maxsize=NAMES_KEPT)
def name_index(name: str | None) -> tuple[str, tuple[str, ...]]:
    """A name's search key and its later starts (sorted, each once), made once per distinct
    name and kept: what every write of a patient's name files (:func:`index_values`)."""
    return search_key(name), tuple(sorted(set(later_starts(name))))


def search_terms(last_name: str | None, first_name: str | None, phone: str | None) -> set[tuple[str, str]]:
    """The ``(kind, term)`` rows a patient has in ``core_patient_search_term``."""
    terms = {(LAST, part) for part in name_index(last_name)[1]} | {(FIRST, part) for part in name_index(first_name)[1]}
    digits = phone_digits(phone) if phone else ""
    if digits:
        terms.add((PHONE, digits[::-1]))
    return terms


def index_values(values: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The search columns and the sorted ``(kind, term)`` rows of a patient about to be
    written as plain rows (registration, an import), as :func:`index_patient` keeps them
    (:func:`search_terms`, in order: first names' terms, last names', the phone's)."""
    last_key, last_parts = name_index(values["last_name"])
    first_key, first_parts = name_index(values["first_name"])
    phone = values.get("phone")
    digits = phone_digits(phone) if phone else None
    terms = [(FIRST, part) for part in first_parts] + [(LAST, part) for part in last_parts]
    if digits:
        terms.append((PHONE, digits[::-1]))
    return {"search_last": last_key, "search_first": first_key, "phone_digits": digits}, terms


def index_patient(row: Patient) -> None:
    """Bring a patient's search columns and search terms in line with their name and phone.

    Every write of a patient's name or phone goes through this (registration, edits, CSV
    import, the demo), so search never sees stale keys.
    """
    row.search_last = name_index(row.last_name)[0]
    row.search_first = name_index(row.first_name)[0]
    row.phone_digits = phone_digits(row.phone) if row.phone else None
    wanted = search_terms(row.last_name, row.first_name, row.phone)
    have = {(term.kind, term.term): term for term in row.search_terms}
    for key, term in have.items():
        if key not in wanted:
            row.search_terms.remove(term)
    for kind, text in sorted(wanted - set(have)):
        row.search_terms.append(PatientSearchTerm(kind=kind, term=text))


# -- reading what was typed ---------------------------------------------------------------------


def clean_query(query: str | None) -> str:
    """The typed text without control characters or unpaired surrogates (a terminal or a
    shell can hand over either), whitespace as single spaces.

    Raises:
        ValidationError: nothing left to search for, or more than :data:`MAX_QUERY` characters.
    """
    kept = "".join(" " if ch.isspace() else ch for ch in (query or "")
                   if ch.isspace() or unicodedata.category(ch)[0] != "C")
    text = " ".join(kept.split())
    if not text:
        raise ValidationError("type part of a name, a date of birth, a phone number or an MRN", field="query")
    if len(text) > MAX_QUERY:
        raise ValidationError(f"a search is at most {MAX_QUERY} characters; this one has {len(text)}", field="query")
    return text


def looks_like_date(text: str) -> bool:
    """Three groups of digits as a date is written (``3/15/86``, ``1986-03-15``)."""
    return bool(_DATE.match(text) or _YEAR_FIRST.match(text))


def birth_date(text: str, *, today: dt.date, month_first: bool = True) -> dt.date | None:
    """The birth date ``text`` says, or None when it is not a real date (``2/30/86``).

    Args:
        text: as typed, already cleaned.
        today: the practice's today: a two-digit year never puts the birth after it.
        month_first: ``3/4/86`` is March 4th (the US) rather than April 3rd. Dots are day
            first whatever this says (``15.3.1986``), and a leading four-digit year is always
            year, month, day.
    """
    iso = _YEAR_FIRST.match(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return _date(year, month, day)
    match = _DATE.match(text)
    if not match:
        return None
    first, second, year_text = match.groups()
    if "." in text or not month_first:
        day, month = int(first), int(second)
    else:
        month, day = int(first), int(second)
    if len(year_text) == 4:
        return _date(int(year_text), month, day)
    year = today.year - (today.year - int(year_text)) % 100
    born = _date(year, month, day)
    if born is not None and born > today:
        born = _date(year - 100, month, day)
    return born


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_settings(ctx: Context) -> tuple[dt.date, bool]:
    """The practice's today and whether its dates are written month first."""
    zone, country = ctx.session.execute(select(Practice.timezone, Practice.country).where(Practice.id == 1)).one()
    return ctx.now().astimezone(ZoneInfo(zone)).date(), (country or "US").upper() in _MONTH_FIRST_COUNTRIES


# -- searching ----------------------------------------------------------------------------------


@attrs.frozen
class Hit:
    """A patient row found, how well it matched (higher is better) and why, in words."""

    score: int
    reason: str
    row: Patient


def _starts(column: Any, prefix: str = "") -> Any:
    """``column`` starts with the bound ``{prefix}lo``: from it to ``{prefix}hi`` (the key
    followed by the highest character), an index range on both databases (the search columns
    compare byte by byte: SQLite's BINARY, PostgreSQL's "C" collation, c0003)."""
    return and_(column >= bindparam(f"{prefix}lo"), column < bindparam(f"{prefix}hi"))


def _bounds(key: str, prefix: str = "") -> dict[str, str]:
    return {f"{prefix}lo": key, f"{prefix}hi": key + _TOP}


def _ids_with(kind: str, prefix: str) -> Any:
    """The ids of the patients with a term of ``kind`` starting with ``{prefix}lo``."""
    return select(PatientSearchTerm.patient_id).where(PatientSearchTerm.kind == kind,
                                                      _starts(PatientSearchTerm.term, prefix))


@functools.cache
def _conditions() -> dict[str, tuple[Any, tuple[Any, ...]]]:
    """Each query's condition and order by name (built on first use, not at import: start-up
    is measured)."""
    by_name = (Patient.search_last, Patient.search_first, Patient.mrn)
    first_matches = or_(_starts(Patient.search_first, "first_"), Patient.id.in_(_ids_with(FIRST, "first_")))
    return {
        "mrn": (Patient.mrn == bindparam("mrn"), by_name),
        "born": (Patient.date_of_birth == bindparam("born"), by_name),
        "phone": (Patient.phone_digits == bindparam("digits"), by_name),
        "phone start": (_starts(Patient.phone_digits), by_name),
        "last start": (_starts(Patient.search_last), by_name),
        "first start": (_starts(Patient.search_first), (Patient.search_first,)),
        "last start, first": (and_(_starts(Patient.search_last), first_matches), by_name),
        "last part": (Patient.id.in_(_ids_with(LAST, "")), by_name),
        "last part, first": (and_(Patient.id.in_(_ids_with(LAST, "")), first_matches), by_name),
    }


@functools.cache
def _statement(name: str, include_inactive: bool) -> Any:
    """The query ``name`` as a statement with bound parameters, made once per process.

    Building a SQLAlchemy statement costs about 0.35 ms, more than running most of these
    (0.05-0.5 ms); a search runs 3 to 20 of them per key.
    """
    keys = select(Patient.id, Patient.search_last, Patient.search_first, Patient.mrn)
    if name == "terms":
        query = (keys.add_columns(PatientSearchTerm.kind)
                 .join(PatientSearchTerm, PatientSearchTerm.patient_id == Patient.id)
                 .where(PatientSearchTerm.kind.in_(bindparam("kinds", expanding=True)),
                        _starts(PatientSearchTerm.term))
                 .order_by(PatientSearchTerm.kind.desc(), PatientSearchTerm.term))
    elif name == "rows":
        return select(Patient).where(Patient.id.in_(bindparam("ids", expanding=True)))
    else:
        where, order = _conditions()[name]
        query = keys.where(where).order_by(*order)
    if not include_inactive:
        query = query.where(Patient.active.is_(True))
    return query.limit(bindparam("limit", type_=Integer))


class _Search:
    """One search: the queries run, and the best hit kept per patient.

    The queries read only each patient's id and sort keys; the full rows are read once, for
    the ``limit`` best (a search for "m" offers up to 200 rows and shows 50).
    """

    def __init__(self, ctx: Context, limit: int, include_inactive: bool) -> None:
        self.session = ctx.session
        self.limit = limit
        self.include_inactive = include_inactive
        self.best: dict[int, tuple[int, str, tuple[str, str, str]]] = {}

    def keep(self, row: Any, score: int, reason: str) -> None:
        if row.id not in self.best or self.best[row.id][0] < score:
            self.best[row.id] = (score, reason, (row.search_last, row.search_first, row.mrn))

    def run(self, name: str, **params: Any) -> Any:
        return self.session.execute(_statement(name, self.include_inactive), {**params, "limit": self.limit})

    def offer(self, name: str, score: int, reason: str, *, exact_last: tuple[str, int] | None = None,
              **params: Any) -> None:
        """The patients query ``name`` finds, each scored ``score``; with ``exact_last`` (a
        key, a score), those whose last name is exactly the key score higher."""
        for row in self.run(name, **params):
            exact = exact_last is not None and row.search_last == exact_last[0]
            self.keep(row, exact_last[1] if exact else score, reason)

    def offer_terms(self, kinds: dict[str, tuple[int, str]], key: str) -> None:
        """Patients with a term of one of ``kinds`` starting with ``key``; each kind its score
        and reason. In the index's order (kind, then term)."""
        for row in self.run("terms", kinds=sorted(kinds), **_bounds(key)):
            self.keep(row, *kinds[row.kind])

    def ranked(self) -> list[Hit]:
        chosen = sorted(self.best.items(), key=lambda item: (-item[1][0], item[1][2]))[: self.limit]
        if not chosen:
            return []
        found = self.session.execute(_statement("rows", self.include_inactive),
                                     {"ids": [patient_id for patient_id, _ in chosen]}).scalars()
        rows = {row.id: row for row in found}
        return [Hit(score, reason, rows[patient_id]) for patient_id, (score, reason, _keys) in chosen]

    # -- the kinds of text ----------------------------------------------------------------------

    def mrn(self, text: str) -> None:
        if _MRN.match(text):
            self.offer("mrn", 100, "MRN", mrn=text.upper())

    def date(self, born: dt.date) -> None:
        self.offer("born", 90, "date of birth", born=born)

    def phone(self, digits: str) -> None:
        if len(digits) >= 7:
            self.offer("phone", 90, "phone", digits=digits)
            self.offer("phone start", 70, "phone", **_bounds(digits))
        self.offer_terms({PHONE: (80, "phone ending")}, digits[::-1])

    def one_name(self, key: str) -> None:
        """One name, or the start of one, whichever of the patient's names it is."""
        # The exact last names are the first rows of the range (a key sorts before its
        # continuations), so one query finds both and ranks the exact ones first.
        self.offer("last start", 75, "last name", exact_last=(key, 85), **_bounds(key))
        self.offer_terms({LAST: (72, "part of last name"), FIRST: (58, "part of first name")}, key)
        self.offer("first start", 60, "first name", **_bounds(key))

    def last_and_first(self, last: str, first: str) -> None:
        """A last name and a first name, each from the start of any of its words."""
        with_first = ", first" if first else ""
        params = {**_bounds(last), **(_bounds(first, "first_") if first else {})}
        self.offer("last start" + with_first, 80, "name", **params)
        self.offer("last part" + with_first, 80, "name", **params)


def search(ctx: Context, query: str | None, *, limit: int = 20, include_inactive: bool = False) -> list[Hit]:
    """The patients ``query`` finds, best first, at most ``limit`` (see the module's doc).

    Raises:
        ValidationError: an empty or overlong query.
    """
    text = clean_query(query)
    found = _Search(ctx, limit, include_inactive)
    found.mrn(text)
    if looks_like_date(text):
        today, month_first = _date_settings(ctx)
        born = birth_date(text, today=today, month_first=month_first)
        if born is not None:
            found.date(born)
        return found.ranked()
    if _PHONE.match(text):
        digits = phone_digits(text)
        if len(digits) >= 4:
            found.phone(digits)
        return found.ranked()
    if not any(ch.isalpha() for ch in text):
        return found.ranked()
    if "," in text:
        last, _, first = text.partition(",")
        last_key = "".join(search_key(w) for w in last.split())
        if last_key:
            found.last_and_first(last_key, "".join(search_key(w) for w in first.split()))
        return found.ranked()
    words = [key for key in (search_key(w) for w in text.split()) if key]
    if words:
        found.one_name("".join(words)[:KEY_LENGTH])
    if 2 <= len(words) <= MAX_NAME_WORDS:
        for cut in range(1, len(words)):
            before, after = "".join(words[:cut]), "".join(words[cut:])
            found.last_and_first(after, before)
            found.last_and_first(before, after)
    return found.ranked()


__all__ = [
    "Hit", "MAX_QUERY", "NAMES_KEPT", "birth_date", "clean_query", "index_patient", "index_values", "later_starts",
    "looks_like_date", "name_index", "name_words", "search", "search_key", "search_terms",
]
