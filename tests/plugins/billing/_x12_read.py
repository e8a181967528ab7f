"""Reading an 837P back as a payer's intake would, to check what pyx12 does not: that people
are named by their parts, that the billing provider carries its taxonomy, that a visit away
from the practice names its service facility, that a drug line carries its NDC.

This reader is deliberately naive and independent of the writer: it splits the text on the
delimiters and walks the hierarchical levels (HL) and the segments of each claim.
"""

from __future__ import annotations

import attrs

CREDENTIALS = frozenset({"MD", "DO", "NP", "PA", "PA-C", "RN", "DNP", "PHD", "FACP", "APRN", "FNP", "CRNP", "DPM",
                         "DC", "OD", "DDS", "DMD", "LCSW", "MPH", "FNP-BC", "ANP-BC", "DR", "DR."})
"""Words that are a title or a credential, never part of a name in NM1."""


@attrs.frozen
class Claim:
    """One claim (CLM) with the segments of its subscriber, patient, claim and lines."""

    number: str
    subscriber: tuple[tuple[str, ...], ...]
    """The segments from its subscriber's HL (2000B) up to CLM."""
    body: tuple[tuple[str, ...], ...]
    """CLM and everything after it up to the next subscriber HL or SE."""

    def segments(self, segment_id: str, *values: str) -> list[tuple[str, ...]]:
        return [s for s in (*self.subscriber, *self.body) if s[0] == segment_id and s[1:1 + len(values)] == values]

    def name(self, entity: str) -> tuple[str, ...] | None:
        found = self.segments("NM1", entity)
        return found[0] if found else None

    def after(self, segment: tuple[str, ...], count: int) -> list[tuple[str, ...]]:
        """The ``count`` segments after ``segment`` in the claim's body."""
        index = self.body.index(segment)
        return list(self.body[index + 1:index + 1 + count])


@attrs.frozen
class File:
    header: tuple[tuple[str, ...], ...]
    """From ST to the first subscriber HL: submitter, receiver, billing provider."""
    claims: tuple[Claim, ...]


def read_837(text: str) -> File:
    segments = [tuple(s.split("*")) for s in text.split("~") if s.strip()]
    start = next(i for i, s in enumerate(segments) if s[0] == "ST")
    end = next(i for i, s in enumerate(segments) if s[0] == "SE")
    body = segments[start:end]
    levels = [i for i, s in enumerate(body) if s[0] == "HL" and s[3] == "22"]
    header = tuple(body[:levels[0]]) if levels else tuple(body)
    claims = []
    for n, first in enumerate(levels):
        last = levels[n + 1] if n + 1 < len(levels) else len(body)
        part = body[first:last]
        clm = next(i for i, s in enumerate(part) if s[0] == "CLM")
        claims.append(Claim(part[clm][1], tuple(part[:clm]), tuple(part[clm:])))
    return File(header, tuple(claims))


def person_problems(segment: tuple[str, ...]) -> list[str]:
    """What is wrong with a person's NM1 (NM102 = 1): a credential or title in any part of the
    name, no last name, or a comma (a name not split)."""
    problems = []
    parts = {"last": segment[3] if len(segment) > 3 else "", "first": segment[4] if len(segment) > 4 else "",
             "middle": segment[5] if len(segment) > 5 else "", "suffix": segment[7] if len(segment) > 7 else ""}
    if not parts["last"]:
        problems.append(f"{'*'.join(segment)}: no last name")
    for label, value in parts.items():
        words = value.replace(",", " ").split()
        if any(w.upper() in CREDENTIALS for w in words):
            problems.append(f"{'*'.join(segment)}: a credential or title in the {label} name {value!r}")
        if "," in value:
            problems.append(f"{'*'.join(segment)}: a comma in the {label} name {value!r}")
    return problems
