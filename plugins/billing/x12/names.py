"""A person's name as one text ("Mary Reynolds, MD") split into the parts an 837P names
(NM103 last, NM104 first, NM105 middle, NM107 suffix).

Staff and referring providers are kept as one text, the way people write them, often with a
title before and credentials after. The parsing is the ``nameparser`` library's (it knows
titles, credentials, generational suffixes, "Last, First" and particles such as "van" or
"de la"); this module only decides what of it goes into the file:

- a title (``Dr``, ``Prof``) is dropped;
- credentials (``MD``, ``DO``, ``NP``, ``PhD``, ``FACP``…) are dropped: a payer matches
  the provider by NPI and name, and ``MD`` is no surname;
- a generational suffix (``Jr``, ``Sr``, ``II``, ``III``…) is NM107, without its dot;
- one word alone (``Adams``, after its title) is the last name.

>>> split_person_name("Mary Reynolds, MD")
PersonName(last='Reynolds', first='Mary', middle=None, suffix=None, credentials=('MD',))
>>> split_person_name("Dr. John Q. Public Jr., DO")
PersonName(last='Public', first='John', middle='Q', suffix='Jr', credentials=('DO',))
"""

from __future__ import annotations

import functools
import re

import attrs
from nameparser import HumanName
from nameparser.config import CONSTANTS

GENERATIONS = {"jr": "Jr", "jnr": "Jr", "junior": "Jr", "sr": "Sr", "snr": "Sr", "senior": "Sr", "ii": "II",
               "iii": "III", "iv": "IV", "v": "V", "vi": "VI", "2nd": "II", "3rd": "III"}
"""Generational suffixes, which are part of a person's legal name (NM107); every other
suffix nameparser knows is a credential."""


CREDENTIAL = re.compile(r"[A-Z][A-Za-z0-9/-]{1,11}")
"""An unknown word after a comma read as a credential when it is written like one
(``ANP-BC``, ``AuD``), so that "Mary Reynolds, ANP-BC" is not read as "Last, First"."""


@attrs.frozen
class PersonName:
    last: str
    first: str | None
    middle: str | None
    suffix: str | None
    credentials: tuple[str, ...] = ()


def _clean(part: str) -> str | None:
    text = " ".join(part.replace(",", " ").split()).strip()
    return text or None


def _initial(part: str | None) -> str | None:
    """``Q.`` -> ``Q``: a middle initial without its dot; a middle name as it is."""
    if part is None:
        return None
    words = [w[:-1] if len(w) == 2 and w.endswith(".") else w for w in part.split()]
    return " ".join(words) or None


def _is_credential(word: str) -> bool:
    key = word.lower().rstrip(".")
    if key in GENERATIONS:
        return False
    return key in CONSTANTS.suffix_acronyms or bool(CREDENTIAL.fullmatch(word.rstrip(".")) and (
        word.isupper() or any(c.isupper() for c in word[1:])))


def _credentials_after_commas(text: str) -> tuple[str, list[str]]:
    """``Mary Reynolds, ANP-BC`` -> (``Mary Reynolds``, [``ANP-BC``]): trailing comma parts
    made only of credentials, when what is before them is a first and last name."""
    pieces = [p.strip() for p in text.split(",")]
    credentials: list[str] = []
    while len(pieces) > 1 and len(pieces[0].split()) > 1 and pieces[-1] and all(
            _is_credential(w) for w in pieces[-1].split()):
        credentials = pieces.pop().split() + credentials
    return ", ".join(pieces), credentials


@functools.lru_cache(maxsize=4096)
def split_person_name(text: str) -> PersonName:
    """``text`` split into last, first, middle, suffix and the credentials left out (kept
    per name: a batch of thousands of claims names the same few providers)."""
    rest, credentials = _credentials_after_commas((text or "").strip())
    name = HumanName(rest, constants=CONSTANTS)
    suffix = None
    for piece in name.suffix_list:
        for word in piece.replace(",", " ").split():
            key = word.lower().rstrip(".")
            if key in GENERATIONS and suffix is None:
                suffix = GENERATIONS[key]
            else:
                credentials.append(word)
    first, middle, last = _clean(name.first), _initial(_clean(name.middle)), _clean(name.last)
    if not last and first:
        last, first = first, middle
        middle = None
    if not last and suffix:  # "Jr" alone is no name
        last, suffix = suffix, None
    return PersonName(last or "", first, middle, suffix, tuple(credentials))


__all__ = ["GENERATIONS", "PersonName", "split_person_name"]
