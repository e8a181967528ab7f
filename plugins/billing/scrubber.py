"""The claim scrubber: every problem that would get a claim rejected, found before export.

:func:`scrub` reads only the in-memory :class:`~.x12.ClaimData` and the practice as the
billing provider, and lists **every** problem, each a sentence naming what to fix. It never
stops at the first. A claim becomes ``ready`` only when the list is empty, and an export
scrubs its claims again and refuses them all, writing nothing, when any has a problem.

The rules:

- the practice (billing provider, 2010AA): name, a valid NPI (ten digits, Luhn check digit
  over 80840), a nine-digit tax id (EIN), a street address with city, state and a nine-digit
  ZIP code (5010 wants ZIP+4 for the billing provider);
- the rendering provider (2310B): a valid NPI;
- diagnoses (HI): at least one, at most twelve, each a billable ICD-10-CM code;
- lines (2400): at least one, at most fifty, each with a CPT/HCPCS code, units, and one to
  four pointers that each point to a diagnosis of the claim; the claim's total equals the
  sum of its lines;
- the subscriber (2010BA): member id and name; birth date, sex and address when the
  patient is the subscriber; otherwise the patient's (2010CA) name, birth date and address;
- the payer (2010BB): a name and a payer id;
- every value that goes into the file: plain printable ASCII, none of the delimiters
  ``~ * : ^``.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from medoffice.core import ValidationError
from medoffice.core.validation import is_valid_npi

from .codes import PROCEDURE_CODE, parse_diagnosis
from .vocabulary import MAX_DIAGNOSES, MAX_POINTERS
from .x12.p837 import BillingProvider, ClaimData, Person, digits
from .x12.writer import text_problem

MAX_LINES = 50


@attrs.frozen
class Problem:
    """One thing to fix before a claim can be sent: ``where`` it is, ``message`` what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _npi(problems: list[Problem], where: str, npi: str | None, whose: str) -> None:
    if not npi:
        problems.append(Problem(where, f"{whose} has no NPI"))
    elif not is_valid_npi(npi):
        problems.append(Problem(where, f"{whose}'s NPI {npi} is not valid (ten digits with a Luhn check digit)"))


def _text(problems: list[Problem], where: str, label: str, value: str | None) -> None:
    reason = text_problem(value)
    if reason is not None:
        problems.append(Problem(where, f"{label} {value!r} {reason}"))


def _address(problems: list[Problem], where: str, whose: str, person_address, *, required: bool,
             zip_plus_four: bool = False) -> None:
    a = person_address
    for label, value in (("street", a.line1), ("second address line", a.line2), ("city", a.city),
                         ("state", a.state), ("ZIP code", a.postal_code)):
        _text(problems, where, f"{whose}'s {label}", value)
    if not required:
        return
    missing = [label for label, value in (("street", a.line1), ("city", a.city), ("state", a.state),
                                          ("ZIP code", a.postal_code)) if not value]
    if missing:
        problems.append(Problem(where, f"{whose}'s address lacks its {', '.join(missing)}"))
    elif zip_plus_four and len(digits(a.postal_code)) != 9:
        problems.append(Problem(where, f"{whose}'s ZIP code {a.postal_code} must have nine digits (ZIP+4)"))


def _person(problems: list[Problem], where: str, whose: str, person: Person, *, demographics: bool) -> None:
    for label, value in (("last name", person.last_name), ("first name", person.first_name),
                         ("middle name", person.middle_name)):
        _text(problems, where, f"{whose}'s {label}", value)
    if not person.last_name:
        problems.append(Problem(where, f"{whose} has no last name"))
    if not person.first_name:
        problems.append(Problem(where, f"{whose} has no first name"))
    _address(problems, where, whose, person.address, required=demographics)
    if demographics:
        if person.date_of_birth is None:
            problems.append(Problem(where, f"{whose} has no date of birth"))
        if not person.sex:
            problems.append(Problem(where, f"{whose} has no sex"))


def scrub_practice(billing: BillingProvider) -> list[Problem]:
    """The problems of the practice as the billing provider (they spoil every claim)."""
    where = "practice"
    problems: list[Problem] = []
    _text(problems, where, "the practice's name", billing.name)
    if not (billing.name or "").strip():
        problems.append(Problem(where, "the practice has no name"))
    _npi(problems, where, billing.npi, "the practice (billing provider)")
    if not billing.tax_id:
        problems.append(Problem(where, "the practice has no tax id (EIN); set it with 'medoffice practice set'"))
    elif len(digits(billing.tax_id)) != 9:
        problems.append(Problem(where, f"the practice's tax id {billing.tax_id} is not nine digits"))
    _address(problems, where, "the practice", billing.address, required=True, zip_plus_four=True)
    return problems


def scrub_claim(claim: ClaimData) -> list[Problem]:
    """The problems of one claim itself (the practice aside)."""
    where = f"claim {claim.claim_number}"
    problems: list[Problem] = []
    _text(problems, where, "the claim number", claim.claim_number)
    _text(problems, where, "the prior authorization", claim.prior_authorization)
    _text(problems, where, "the payer's claim number", claim.payer_claim_number)
    if claim.frequency_code in ("7", "8") and not claim.payer_claim_number:
        problems.append(Problem(where, "a replacement or void needs the payer's number of the claim it replaces"))
    if claim.sequence != "primary":
        # A secondary claim must carry the primary payer's adjudication (loops 2320/2330 and
        # the line-level SVD/CAS), which this writer does not produce yet: a clearinghouse
        # would reject the file, so it is stopped here instead.
        problems.append(Problem(where, "secondary claims cannot be exported yet (the primary payer's "
                                       "adjudication, loops 2320/2330, is not written); bill the secondary "
                                       "payer on paper or through its portal"))

    _npi(problems, where, claim.rendering.npi, f"the rendering provider {claim.rendering.name}")
    _text(problems, where, "the rendering provider's name", claim.rendering.name)

    subscriber = claim.subscriber
    is_self = subscriber.relationship == "self"
    if not subscriber.member_id:
        problems.append(Problem(where, "the subscriber has no member id"))
    _text(problems, where, "the member id", subscriber.member_id)
    _text(problems, where, "the group number", subscriber.group_number)
    _text(problems, where, "the group name", subscriber.group_name)
    _person(problems, where, "the subscriber", subscriber.person, demographics=is_self)
    if not is_self:
        _person(problems, where, "the patient", claim.patient, demographics=True)

    payer = claim.payer
    _text(problems, where, "the payer's name", payer.name)
    _text(problems, where, "the payer id", payer.payer_code)
    if not (payer.payer_code or "").strip():
        problems.append(Problem(where, f"the payer {payer.name} has no payer id"))
    _address(problems, where, "the payer", payer.address, required=False)

    if not claim.diagnoses:
        problems.append(Problem(where, "the claim has no diagnosis"))
    if len(claim.diagnoses) > MAX_DIAGNOSES:
        problems.append(Problem(where, f"the claim has {len(claim.diagnoses)} diagnoses; at most {MAX_DIAGNOSES}"))
    for position, code in enumerate(claim.diagnoses, start=1):
        try:
            parse_diagnosis(code)
        except ValidationError as error:
            problems.append(Problem(where, f"diagnosis {position}: {error.message}"))

    if not claim.lines:
        problems.append(Problem(where, "the claim has no service lines"))
    if len(claim.lines) > MAX_LINES:
        problems.append(Problem(where, f"the claim has {len(claim.lines)} lines; at most {MAX_LINES}"))
    for line in claim.lines:
        at = f"line {line.line_number}"
        if not PROCEDURE_CODE.match(line.code or ""):
            problems.append(Problem(where, f"{at}: {line.code!r} is not a CPT or HCPCS code"))
        for modifier in line.modifiers:
            if not re.match(r"^[A-Z0-9]{2}$", modifier or ""):
                problems.append(Problem(where, f"{at}: modifier {modifier!r} is not two letters or digits"))
        if line.units < 1:
            problems.append(Problem(where, f"{at}: units must be at least 1"))
        if not line.pointers:
            problems.append(Problem(where, f"{at} points to no diagnosis"))
        if len(line.pointers) > MAX_POINTERS:
            problems.append(Problem(where, f"{at} points to {len(line.pointers)} diagnoses; at most {MAX_POINTERS}"))
        for pointer in line.pointers:
            if not 1 <= pointer <= len(claim.diagnoses):
                have = (f"the claim's diagnoses are 1-{len(claim.diagnoses)}" if claim.diagnoses
                        else "the claim has no diagnosis")
                problems.append(Problem(where, f"{at}: pointer {pointer} points to no diagnosis ({have})"))
    lines_total = sum((line.amount for line in claim.lines), Decimal("0.00"))
    if lines_total != claim.total:
        problems.append(Problem(where, f"the claim's total {claim.total:.2f} is not the sum of its lines "
                                       f"{lines_total:.2f}"))
    return problems


def scrub(claim: ClaimData, billing: BillingProvider) -> list[Problem]:
    """Every problem of ``claim`` billed by ``billing``, the practice's first."""
    return scrub_practice(billing) + scrub_claim(claim)
