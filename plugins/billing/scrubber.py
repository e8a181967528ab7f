"""The claim scrubber: every problem that would get a claim rejected, found before export.

:func:`scrub` reads only the in-memory :class:`~.x12.ClaimData` and the practice as the
billing provider, and lists **every** problem, each a sentence naming what to fix. It never
stops at the first. A claim becomes ``ready`` only when the list is empty, and an export
scrubs its claims again and refuses them all, writing nothing, when any has a problem.

The rules are those of the 837P implementation guide (005010X222A1) that an independent
validator such as pyx12 checks, and a few more a payer does:

- the practice (billing provider, 2010AA): name, a valid NPI (ten digits, Luhn check digit
  over 80840), a nine-digit tax id (EIN), a street address with city, state and a nine-digit
  ZIP code (5010 wants ZIP+4 for the billing provider);
- the rendering provider (2310B) and a referring provider (2310A): a valid NPI and a name
  that splits into a last name (and first, middle, suffix) without its credentials;
- the service facility (2310C), when the visit's location has an address that is not the
  practice's: its name and a full address with a nine-digit ZIP code;
- diagnoses (HI): at least one, at most twelve, each a billable ICD-10-CM code;
- lines (2400): at least one, at most fifty, each with a CPT/HCPCS code, units, and one to
  four pointers that each point to a diagnosis of the claim; the claim's total equals the
  sum of its lines; a drug (HCPCS J code) needs its NDC (2410), recorded per code with
  ``medoffice billing claims ndc``;
- the subscriber (2010BA): member id and name; birth date, sex and address when the
  patient is the subscriber; otherwise the patient's (2010CA) name, birth date and address;
- the payer (2010BB): a name and a payer id;
- every address written (N3/N4): street, city, a state code X12 accepts (a state, DC, a
  territory or an armed forces code: ``ZZ`` is none, nor is Palau's ``PW``), and a ZIP code
  of five or nine digits;
- every value that goes into the file: plain printable ASCII, none of the delimiters
  ``~ * : ^``, no space at either end, and no longer (or shorter) than its element allows
  (a last name 60 characters, a first name 35, a street 55, a city 2 to 30…).

:func:`notes` lists what a payer may want that does not stop a claim: the practice's
taxonomy code (2000A PRV), and an address for a location the visit was at when the practice
has several.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from medoffice.core import ValidationError
from medoffice.core.validation import is_valid_npi

from .codes import PROCEDURE_CODE, parse_diagnosis
from .vocabulary import MAX_DIAGNOSES, MAX_POINTERS
from .x12.p837 import BillingProvider, ClaimData, Person, ProviderData, digits, service_facility
from .x12.writer import text_problem

MAX_LINES = 50
STATES = frozenset("""
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK
    OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS FM GU MH MP PR VI AA AE AP""".split())
"""The state codes an 837P accepts for a US address: the fifty states, DC, the territories
and freely associated states in X12's code list (not Palau, ``PW``), and the armed forces'
``AA``, ``AE``, ``AP``."""
ZIP = re.compile(r"^[0-9]{5}(-?[0-9]{4})?$")
DRUG_CODE = re.compile(r"^J[0-9]{4}$")
"""HCPCS Level II J codes: drugs given other than by mouth, billed with their NDC (2410)."""
LAST, FIRST, MIDDLE, SUFFIX, ORGANISATION = 60, 35, 25, 10, 60
STREET, CITY_MIN, CITY = 55, 2, 30


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


def _text(problems: list[Problem], where: str, label: str, value: str | None, longest: int | None = None,
          shortest: int = 1) -> None:
    """``value`` as one element of the file: printable ASCII without delimiters, no space
    at either end, ``shortest`` to ``longest`` characters (when it is there at all)."""
    reason = text_problem(value)
    if reason is not None:
        problems.append(Problem(where, f"{label} {value!r} {reason}"))
    elif value and value != value.strip():
        problems.append(Problem(where, f"{label} {value!r} has a space at its start or end"))
    elif value and longest is not None and len(value) > longest:
        problems.append(Problem(where, f"{label} {value!r} is longer than {longest} characters"))
    elif value and len(value) < shortest:
        problems.append(Problem(where, f"{label} {value!r} is shorter than {shortest} characters"))


def _address(problems: list[Problem], where: str, whose: str, address, *, required: bool,
             zip_plus_four: bool = False) -> None:
    """An address as N3/N4 write it: checked when ``required`` or when it has a street (the
    file then carries it, and N4 needs its city, state and ZIP code)."""
    a = address
    for label, value, longest, shortest in (("street", a.line1, STREET, 1), ("second address line", a.line2,
                                                                             STREET, 1),
                                            ("city", a.city, CITY, CITY_MIN)):
        _text(problems, where, f"{whose}'s {label}", value, longest, shortest)
    for label, value in (("state", a.state), ("ZIP code", a.postal_code)):
        _text(problems, where, f"{whose}'s {label}", value)
    if not required and not a.line1:
        return
    missing = [label for label, value in (("street", a.line1), ("city", a.city), ("state", a.state),
                                          ("ZIP code", a.postal_code)) if not value]
    if missing:
        problems.append(Problem(where, f"{whose}'s address lacks its {', '.join(missing)}"))
    if a.state and a.state not in STATES:
        problems.append(Problem(where, f"{whose}'s state {a.state!r} is not a state code an 837P accepts (a state, "
                                       "DC, a territory or AA/AE/AP, in capitals, such as NY)"))
    if a.postal_code:
        if not ZIP.match(a.postal_code.strip()):
            problems.append(Problem(where, f"{whose}'s ZIP code {a.postal_code!r} is not five or nine digits "
                                           "(12345 or 12345-6789)"))
        elif zip_plus_four and len(digits(a.postal_code)) != 9:
            problems.append(Problem(where, f"{whose}'s ZIP code {a.postal_code} must have nine digits (ZIP+4)"))


def _names(problems: list[Problem], where: str, whose: str, person: Person) -> None:
    for label, value, longest in (("last name", person.last_name, LAST), ("first name", person.first_name, FIRST),
                                  ("middle name", person.middle_name, MIDDLE),
                                  ("name suffix", person.suffix, SUFFIX)):
        _text(problems, where, f"{whose}'s {label}", value, longest)
    if not (person.last_name or "").strip():
        problems.append(Problem(where, f"{whose} has no last name"))


def _person(problems: list[Problem], where: str, whose: str, person: Person, *, demographics: bool) -> None:
    _names(problems, where, whose, person)
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
    _text(problems, where, "the practice's name", billing.name, ORGANISATION)
    if not (billing.name or "").strip():
        problems.append(Problem(where, "the practice has no name"))
    _npi(problems, where, billing.npi, "the practice (billing provider)")
    if not billing.tax_id:
        problems.append(Problem(where, "the practice has no tax id (EIN); set it with 'medoffice practice edit "
                                       "--set tax_id=NN-NNNNNNN'"))
    elif len(digits(billing.tax_id)) != 9:
        problems.append(Problem(where, f"the practice's tax id {billing.tax_id} is not nine digits"))
    _address(problems, where, "the practice", billing.address, required=True, zip_plus_four=True)
    return problems


def _provider(problems: list[Problem], where: str, role: str, provider: ProviderData) -> None:
    """A provider named by one text: a valid NPI, and a name whose parts fit NM1."""
    whose = f"the {role} provider {provider.name}" if provider.name else f"the {role} provider"
    _npi(problems, where, provider.npi, whose)
    _text(problems, where, f"the {role} provider's name", provider.name)
    if text_problem(provider.name) is None:
        person = provider.person()
        if not person.last_name:
            problems.append(Problem(where, f"{whose} has no last name (write the name as 'First Last, "
                                           "Credentials', e.g. 'Mary Reynolds, MD')"))
        else:
            _names(problems, where, whose, person)


def scrub_claim(claim: ClaimData, billing: BillingProvider | None = None) -> list[Problem]:
    """The problems of one claim itself (the practice aside). With ``billing``, the claim's
    service facility (2310C) is checked when the file will name one; without it, whenever
    the visit's location has an address."""
    where = f"claim {claim.claim_number}"
    problems: list[Problem] = []
    _text(problems, where, "the claim number", claim.claim_number, 38)
    if not (claim.claim_number or "").strip():
        problems.append(Problem(where, "the claim has no number"))
    _text(problems, where, "the prior authorization", claim.prior_authorization, 50)
    _text(problems, where, "the payer's claim number", claim.payer_claim_number, 50)
    if claim.frequency_code in ("7", "8") and not claim.payer_claim_number:
        problems.append(Problem(where, "a replacement or void needs the payer's number of the claim it replaces"))
    if claim.sequence != "primary":
        # A secondary claim must carry the primary payer's adjudication (loops 2320/2330 and
        # the line-level SVD/CAS), which this writer does not produce yet: a clearinghouse
        # would reject the file, so it is stopped here instead.
        problems.append(Problem(where, "secondary claims cannot be exported yet (the primary payer's "
                                       "adjudication, loops 2320/2330, is not written); bill the secondary "
                                       "payer on paper or through its portal"))

    if claim.referring is not None:
        _provider(problems, where, "referring", claim.referring)
    _provider(problems, where, "rendering", claim.rendering)
    facility = (claim.facility if billing is None and claim.facility is not None and claim.facility.has_address
                else service_facility(claim, billing) if billing is not None else None)
    if facility is not None:
        whose = f"the location {facility.name}"
        _text(problems, where, f"{whose}'s name", facility.name, ORGANISATION)
        _address(problems, where, whose, facility.address, required=True, zip_plus_four=True)

    subscriber = claim.subscriber
    is_self = subscriber.relationship == "self"
    if not subscriber.member_id:
        problems.append(Problem(where, "the subscriber has no member id"))
    _text(problems, where, "the member id", subscriber.member_id, 80, 2)
    _text(problems, where, "the group number", subscriber.group_number, 50)
    _text(problems, where, "the group name", subscriber.group_name, 60)
    _person(problems, where, "the subscriber", subscriber.person, demographics=is_self)
    if not is_self:
        _person(problems, where, "the patient", claim.patient, demographics=True)

    payer = claim.payer
    _text(problems, where, "the payer's name", payer.name, ORGANISATION)
    _text(problems, where, "the payer id", payer.payer_code, 80, 2)
    if not (payer.name or "").strip():
        problems.append(Problem(where, "the payer has no name"))
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
        if line.ndc and not re.fullmatch(r"[0-9]{11}", line.ndc):
            problems.append(Problem(where, f"{at}: the NDC {line.ndc!r} is not eleven digits"))
        elif DRUG_CODE.match(line.code or "") and not line.ndc:
            problems.append(Problem(where, f"{at}: {line.code} is a drug and needs its NDC (loop 2410): "
                                           f"'medoffice billing claims ndc {line.code} NDC --unit ML --quantity 1'"))
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
    return scrub_practice(billing) + scrub_claim(claim, billing)


def notes(claim: ClaimData, billing: BillingProvider, *, several_locations: bool = False) -> list[Problem]:
    """What a payer may want of ``claim`` that does not stop it from being sent."""
    found: list[Problem] = []
    if not billing.taxonomy:
        found.append(Problem("practice", "the practice has no taxonomy code (837P PRV*BI); payers that route or "
                                         "price claims by specialty want it: 'medoffice billing claims settings "
                                         "--taxonomy CODE'"))
    if several_locations and claim.facility is not None and not claim.facility.has_address:
        found.append(Problem(f"claim {claim.claim_number}",
                             f"the location {claim.facility.name} has no address; the claim says the visit was "
                             "at the practice's address"))
    return found
