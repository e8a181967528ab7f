"""The 837P professional claim, X12 005010X222A1, from in-memory records.

One file holds one interchange (ISA/IEA) with one functional group (GS/GE) and one
transaction (ST/SE). Inside it: the submitter (1000A) and receiver (1000B), then one
billing provider (2000A with its taxonomy PRV*BI when the practice has one, 2010AA, the
practice) and, for each claim, a subscriber level (2000B/2010BA/2010BB), the patient level
(2000C/2010CA) when the patient is not the subscriber, the claim (2300 with CLM, REF, HI),
its referring provider (2310A) when the encounter names one, its rendering provider (2310B)
when it is not the billing provider, its service facility (2310C) when the visit was at a
location whose address is not the billing provider's, and its service lines (2400: LX,
SV1, DTP*472, and for a drug its NDC and quantity in 2410: LIN, CTP).

People are named in NM1 by their parts: last (NM103), first (NM104), middle (NM105) and
suffix (NM107). Providers are kept as one text ("Mary Reynolds, MD"), split by
:func:`.names.split_person_name`: the title and the credentials never reach the file.

The records are checked by :mod:`medoffice.plugins.billing.scrubber` before this module
formats them; :func:`build_837p` trusts them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

import attrs

from medoffice.core.records import Address

from .names import split_person_name
from .writer import COMPONENT, REPETITION, Segments, amount

VERSION = "005010X222A1"
SEX_CODES = {"female": "F", "male": "M"}
RELATIONSHIP_CODES = {"self": "18", "spouse": "01", "child": "19", "other": "G8"}
SEQUENCE_CODES = {"primary": "P", "secondary": "S"}


@attrs.frozen
class Party:
    """An organisation named in the file: the submitter (1000A) or the receiver (1000B)."""

    name: str
    id: str


@attrs.frozen
class BillingProvider:
    """The practice as the billing provider (2010AA): organisation name, NPI, EIN (nine
    digits, without the dash), address (ZIP+4 in 5010) and its provider taxonomy code
    (2000A PRV03, the NUCC code such as ``207Q00000X``, family medicine), when set."""

    name: str
    npi: str | None
    tax_id: str | None
    address: Address
    phone: str | None = None
    taxonomy: str | None = None


@attrs.frozen
class Envelope:
    """What wraps the claims: control numbers, who sends to whom, when.

    ``interchange`` and ``group`` are ISA13 and GS06, ``transaction`` ST02; ``created`` is
    the batch's moment in the practice's time zone (ISA09/10, GS04/05, BHT04/05); ``usage``
    ISA15 (``P`` production, ``T`` test).
    """

    interchange: int
    group: int
    transaction: str
    created: dt.datetime
    submitter: Party
    receiver: Party
    contact_name: str
    contact_phone: str
    usage: str = "P"


@attrs.frozen
class Person:
    """A person as X12 names them (NM1 last, first, middle, suffix; N3/N4; DMG)."""

    last_name: str
    first_name: str | None
    middle_name: str | None = None
    date_of_birth: dt.date | None = None
    sex: str | None = None
    address: Address = attrs.field(factory=Address)
    suffix: str | None = None


@attrs.frozen
class SubscriberData:
    """The policy holder (2010BA) and the policy (SBR): ``relationship`` is the patient's to
    the subscriber (``self``, ``spouse``, ``child``, ``other``)."""

    person: Person
    member_id: str
    relationship: str
    group_number: str | None = None
    group_name: str | None = None


@attrs.frozen
class PayerData:
    """The payer (2010BB): its name, the id the clearinghouse knows it by, SBR09."""

    name: str
    payer_code: str
    claim_filing_code: str
    address: Address = attrs.field(factory=Address)


@attrs.frozen
class ProviderData:
    """A provider named by one text, as staff are kept (``Mary Reynolds, MD``), with an
    NPI: the rendering provider (2310B) or the referring provider (2310A)."""

    name: str
    npi: str | None

    def person(self) -> Person:
        """The name's parts for NM1, without title or credentials."""
        parts = split_person_name(self.name)
        return Person(parts.last, parts.first, parts.middle, suffix=parts.suffix)


@attrs.frozen
class FacilityData:
    """Where the service was given: a location of the practice and its address. The claim
    names it as its service facility (2310C) when :func:`service_facility` says so."""

    name: str
    address: Address

    @property
    def has_address(self) -> bool:
        a = self.address
        return any((a.line1, a.line2, a.city, a.state, a.postal_code))


def same_place(one: Address, other: Address) -> bool:
    """Whether two addresses are the same place: street, second line, city and state read
    without case or extra spaces, and the first five digits of the ZIP code."""
    def key(a: Address) -> tuple[str, ...]:
        return (*(" ".join((v or "").lower().split()) for v in (a.line1, a.line2, a.city, a.state)),
                digits(a.postal_code)[:5])
    return key(one) == key(other)


@attrs.frozen
class LineData:
    """A service line (2400): SV1 and DTP*472; for a drug, its NDC (eleven digits), the
    quantity given and its unit (2410: LIN*N4, CTP04 and CTP05)."""

    line_number: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    amount: Decimal
    pointers: tuple[int, ...]
    date_of_service: dt.date
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None


@attrs.frozen
class ClaimData:
    """Everything the 837P needs of one claim, gathered from the database by the claims service."""

    id: int
    claim_number: str
    status: str
    sequence: str
    frequency_code: str
    payer_claim_number: str | None
    total: Decimal
    date_of_service: dt.date
    place_of_service: str
    prior_authorization: str | None
    patient: Person
    subscriber: SubscriberData
    payer: PayerData
    rendering: ProviderData
    diagnoses: tuple[str, ...]
    lines: tuple[LineData, ...]
    mrn: str = ""
    facility: FacilityData | None = None
    """The encounter's location, if it names one (see :func:`service_facility`)."""
    referring: ProviderData | None = None
    """The referring provider the encounter names (2310A)."""


def service_facility(claim: ClaimData, billing: BillingProvider) -> FacilityData | None:
    """The claim's service facility (2310C): the visit's location, unless it has no address
    of its own (a location without one is taken to be at the practice's address) or its
    address is the billing provider's."""
    found = claim.facility
    if found is None or not found.has_address or same_place(found.address, billing.address):
        return None
    return found


def digits(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


def _d8(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _isa_id(value: str) -> str:
    return value[:15].ljust(15)


def _name(segments: Segments, entity: str, person: Person, qualifier: str | None = None,
          identifier: str | None = None) -> None:
    segments.add("NM1", entity, "1", person.last_name, person.first_name, person.middle_name, None, person.suffix,
                 qualifier if identifier else None, identifier)


def _address(segments: Segments, address: Address) -> None:
    if address.line1:
        segments.add("N3", address.line1, address.line2)
        segments.add("N4", address.city, address.state, digits(address.postal_code))


def _demographics(segments: Segments, person: Person) -> None:
    if person.date_of_birth is not None:
        segments.add("DMG", "D8", _d8(person.date_of_birth), SEX_CODES.get(person.sex or "", "U"))


def claim_segments(segments: Segments, claim: ClaimData, billing: BillingProvider, hl: int) -> int:
    """Append the 2000B…2400 loops of one claim under billing provider HL 1; returns the next HL number."""
    subscriber = claim.subscriber
    is_self = subscriber.relationship == "self"
    subscriber_hl = hl
    segments.add("HL", str(subscriber_hl), "1", "22", "0" if is_self else "1")
    segments.add("SBR", SEQUENCE_CODES[claim.sequence], "18" if is_self else None, subscriber.group_number,
                 None if subscriber.group_number else subscriber.group_name, None, None, None, None,
                 claim.payer.claim_filing_code)
    _name(segments, "IL", subscriber.person, "MI", subscriber.member_id)
    _address(segments, subscriber.person.address)
    _demographics(segments, subscriber.person)
    payer = claim.payer
    segments.add("NM1", "PR", "2", payer.name, None, None, None, None, "PI", payer.payer_code)
    _address(segments, payer.address)
    hl += 1
    if not is_self:
        segments.add("HL", str(hl), str(subscriber_hl), "23", "0")
        segments.add("PAT", RELATIONSHIP_CODES[subscriber.relationship])
        _name(segments, "QC", claim.patient)
        _address(segments, claim.patient.address)
        _demographics(segments, claim.patient)
        hl += 1
    segments.add("CLM", claim.claim_number, amount(claim.total), None, None,
                 (claim.place_of_service, "B", claim.frequency_code), "Y", "A", "Y", "Y")
    if claim.frequency_code in ("7", "8") and claim.payer_claim_number:
        segments.add("REF", "F8", claim.payer_claim_number)
    if claim.prior_authorization:
        segments.add("REF", "G1", claim.prior_authorization)
    segments.add("HI", *((("ABK" if n == 0 else "ABF"), code) for n, code in enumerate(claim.diagnoses)))
    if claim.referring is not None:
        _name(segments, "DN", claim.referring.person(), "XX", claim.referring.npi)
    rendering = claim.rendering
    if rendering.npi and rendering.npi != billing.npi:
        _name(segments, "82", rendering.person(), "XX", rendering.npi)
    facility = service_facility(claim, billing)
    if facility is not None:
        segments.add("NM1", "77", "2", facility.name)
        _address(segments, facility.address)
    for line in claim.lines:
        segments.add("LX", str(line.line_number))
        segments.add("SV1", ("HC", line.code, *line.modifiers), amount(line.amount), "UN", str(line.units),
                     None, None, tuple(str(p) for p in line.pointers))
        segments.add("DTP", "472", "D8", _d8(line.date_of_service))
        if line.ndc:
            segments.add("LIN", None, "N4", line.ndc)
            segments.add("CTP", None, None, None, amount(line.ndc_quantity or Decimal(line.units)),
                         (line.ndc_unit or "UN",))
    return hl


class Body:
    """The claims of one 837P transaction, formatted as they come, a chunk at a time (the
    records of a chunk can go once it is added), then wrapped in their envelope by
    :meth:`file`: the same text as :func:`build_837p` of every claim at once."""

    __slots__ = ("billing", "count", "_hl", "_texts")

    def __init__(self, billing: BillingProvider) -> None:
        self.billing = billing
        self.count = 0
        """Claims added."""
        self._hl = 2
        self._texts: list[tuple[int, str]] = []  # (segments, their text)

    def add(self, claims: Iterable[ClaimData]) -> None:
        """Format ``claims`` after those already added."""
        segments = Segments()
        for claim in claims:
            self._hl = claim_segments(segments, claim, self.billing, self._hl)
            self.count += 1
        self._texts.append((len(segments), segments.text()))

    def file(self, envelope: Envelope) -> str:
        """The whole file: the envelope, the billing provider, the claims added."""
        billing, created = self.billing, envelope.created
        icn = f"{envelope.interchange:09d}"
        segments = Segments()
        segments.add("ST", "837", envelope.transaction, VERSION)
        segments.add("BHT", "0019", "00", icn, created.strftime("%Y%m%d"), created.strftime("%H%M"), "CH")
        segments.add("NM1", "41", "2", envelope.submitter.name, None, None, None, None, "46", envelope.submitter.id)
        segments.add("PER", "IC", envelope.contact_name, "TE", digits(envelope.contact_phone))
        segments.add("NM1", "40", "2", envelope.receiver.name, None, None, None, None, "46", envelope.receiver.id)
        segments.add("HL", "1", None, "20", "1")
        if billing.taxonomy:
            segments.add("PRV", "BI", "PXC", billing.taxonomy)
        segments.add("NM1", "85", "2", billing.name, None, None, None, None, "XX", billing.npi)
        segments.add("N3", billing.address.line1, billing.address.line2)
        segments.add("N4", billing.address.city, billing.address.state, digits(billing.address.postal_code))
        segments.add("REF", "EI", digits(billing.tax_id))
        head = segments.text()
        trailer = Segments()
        trailer.add("SE", str(len(segments) + sum(count for count, _text in self._texts) + 1), envelope.transaction)
        trailer.add("GE", "1", str(envelope.group))
        trailer.add("IEA", "1", icn)
        header = Segments()
        header.add("ISA", "00", " " * 10, "00", " " * 10, "ZZ", _isa_id(envelope.submitter.id), "ZZ",
                   _isa_id(envelope.receiver.id), created.strftime("%y%m%d"), created.strftime("%H%M"), REPETITION,
                   "00501", icn, "0", envelope.usage, COMPONENT)
        header.add("GS", "HC", envelope.submitter.id, envelope.receiver.id, created.strftime("%Y%m%d"),
                   created.strftime("%H%M"), str(envelope.group), "X", VERSION)
        return "".join((header.text(), head, *(text for _count, text in self._texts), trailer.text()))


def build_837p(envelope: Envelope, billing: BillingProvider, claims: Iterable[ClaimData]) -> str:
    """The 837P file of ``claims`` (at least one), as text."""
    body = Body(billing)
    body.add(claims)
    return body.file(envelope)
