"""The scrubber catches everything the independent validator pyx12 would: for claims made of
hostile values (states such as ZZ and PW, ZIP codes of every wrong shape, names too long or
with spaces at their ends, partial addresses, credentials-only provider names, delimiters,
accents), a claim the scrubber finds nothing wrong with is a file pyx12 accepts."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from medoffice.core.records import Address
from medoffice.plugins.billing.scrubber import scrub
from medoffice.plugins.billing.x12 import BillingProvider, ClaimData, Envelope, LineData, Party, build_837p
from medoffice.plugins.billing.x12.p837 import FacilityData, PayerData, Person, ProviderData, SubscriberData

from ._claims_world import PRACTICE_NPI, pyx12_errors
from .conftest import npi

DAY = dt.date(2026, 1, 5)
ENVELOPE = Envelope(1, 1, "0001", dt.datetime(2026, 1, 5, 10, 0), Party("Test Practice", "123456789"),
                    Party("Clear House", "CH1"), "Test Practice", "2125550100", "T")

TEXTS = ["", " ", "Ann ", " Lee", "Zoë", "A*B", "A:B", "A~B", "A^B", "X", "Tab\there", "x" * 26, "x" * 36,
         "y" * 56, "y" * 61, "O'Brien-Lee", "St. Mary's & Co #2/B", None]
"""Values each field is spoilt with: empty, spaces at the ends, non-ASCII, delimiters, one
character, lengths just past the elements' limits (25, 35, 55, 60)."""
STATES = [*TEXTS, "ZZ", "PW", "ny", "N", "NYC", "ON", "XX", "DC", "PR", "GU", "AE"]
ZIPS = [*TEXTS, "1234", "ABCDE", "12345-67", "K1A 0B6", " 10001", "10001 ", "100011234", "10001-1234",
        "1000112345"]
PROVIDER_NAMES = [*TEXTS, "Dr.", "MD", ", MD", "Zoë Ng, MD", "A*B, MD", "Dr Adams",
                  "Reynolds-Smith, Mary Ann, MD, FACP", "q" * 70 + " Lee, MD", "Lee, " + "f" * 36,
                  "Robert Smith III, ANP-BC"]
HOME = Address("2 Oak St", None, "New York", "NY", "10002")
GOOD = {
    "claim number": "7-P", "prior authorization": None, "member id": "ACM123", "group number": "G1",
    "group name": None, "relationship": "self", "payer name": "Acme Health", "payer id": "ACME1",
    "payer street": None, "payer city": None, "payer state": None, "payer zip": None,
    "subscriber last": "Lee", "subscriber first": "Ann", "subscriber middle": None, "subscriber suffix": None,
    "subscriber street": "2 Oak St", "subscriber line2": None, "subscriber city": "New York",
    "subscriber state": "NY", "subscriber zip": "10002",
    "patient last": "Diaz", "patient first": "Cy", "patient middle": None, "patient street": "3 Elm St",
    "patient city": "New York", "patient state": "NY", "patient zip": "10003",
    "rendering name": "Mary Reynolds, MD", "referring name": None, "line code": "99213", "ndc": None,
    "facility name": "Uptown", "facility street": None, "facility city": None, "facility state": None,
    "facility zip": None, "practice name": "Test Practice", "practice street": "1 Clinic Way",
    "practice city": "New York", "practice state": "NY", "practice zip": "10001-1234", "taxonomy": "207Q00000X",
}
"""A clean claim's values; each example spoils a few of them."""
HOSTILE = {
    "claim number": [*TEXTS, "x" * 39], "prior authorization": TEXTS, "member id": [*TEXTS, "A", "M" * 81],
    "group number": TEXTS, "group name": TEXTS, "relationship": ["child", "spouse"], "payer name": TEXTS,
    "payer id": [*TEXTS, "A"], "payer street": TEXTS, "payer city": TEXTS, "payer state": STATES, "payer zip": ZIPS,
    "subscriber last": TEXTS, "subscriber first": TEXTS, "subscriber middle": TEXTS,
    "subscriber suffix": ["Jr", "Junior IIII", " Jr", "Sr*"], "subscriber street": TEXTS, "subscriber line2": TEXTS,
    "subscriber city": TEXTS, "subscriber state": STATES, "subscriber zip": ZIPS, "patient last": TEXTS,
    "patient first": TEXTS, "patient middle": TEXTS, "patient street": TEXTS, "patient city": TEXTS,
    "patient state": STATES, "patient zip": ZIPS, "rendering name": PROVIDER_NAMES, "referring name": PROVIDER_NAMES,
    "line code": ["9921", "J34201", "J3420", "36415"], "ndc": ["00409123401", "0409-1234-01", "1"],
    "facility name": TEXTS, "facility street": [*TEXTS, "500 W 168th St"], "facility city": TEXTS,
    "facility state": STATES, "facility zip": ZIPS, "practice name": [*TEXTS, "t" * 61], "practice street": TEXTS,
    "practice city": TEXTS, "practice state": STATES, "practice zip": ZIPS, "taxonomy": [None],
}
"""Each field's hostile values."""


def make(v):
    """A claim and its billing provider from the values ``v`` (:data:`GOOD`'s names)."""
    def address(whose):
        return Address(v[f"{whose} street"], v.get(f"{whose} line2"), v[f"{whose} city"], v[f"{whose} state"],
                       v[f"{whose} zip"])

    subscriber = Person(v["subscriber last"], v["subscriber first"], v["subscriber middle"], dt.date(1970, 1, 2),
                        "female", address("subscriber"), v["subscriber suffix"])
    patient = subscriber if v["relationship"] == "self" else Person(
        v["patient last"], v["patient first"], v["patient middle"], dt.date(2015, 6, 1), "male", address("patient"))
    line = LineData(1, v["line code"], (), 2, Decimal("50.00"), (1,), DAY, v["ndc"], Decimal("2"), "ML")
    claim = ClaimData(
        1, v["claim number"], "draft", "primary", "1", None, Decimal("50.00"), DAY, "11", v["prior authorization"],
        patient, SubscriberData(subscriber, v["member id"], v["relationship"], v["group number"], v["group name"]),
        PayerData(v["payer name"], v["payer id"], "CI", address("payer")),
        ProviderData(v["rendering name"], npi(1)), ("J069",), (line,), "000001",
        FacilityData(v["facility name"], address("facility")),
        ProviderData(v["referring name"], npi(2)) if v["referring name"] is not None else None)
    billing = BillingProvider(v["practice name"], PRACTICE_NPI, "12-3456789", address("practice"), "2125550100",
                              v["taxonomy"])
    return claim, billing


def disagreement(v) -> str | None:
    """What pyx12 finds in a file of ``v`` that the scrubber let through (None: they agree)."""
    return disagreements({"it": v}).get("it")


def disagreements(cases: dict[str, dict]) -> dict[str, str]:
    """:func:`disagreement` of many cases: those the scrubber passes are validated together,
    one file per billing provider (pyx12 reads its maps once a file), and one by one only
    when a file has errors."""
    by_billing = defaultdict(list)
    for label, values in cases.items():
        claim, billing = make(values)
        if not scrub(claim, billing):
            by_billing[billing].append((label, claim))
    found = {}
    for billing, clean in by_billing.items():
        if not pyx12_errors(build_837p(ENVELOPE, billing, [claim for _, claim in clean])):
            continue
        for label, claim in clean:
            errors = pyx12_errors(build_837p(ENVELOPE, billing, [claim]))
            if errors:
                found[label] = f"{errors}"
    return found


@st.composite
def spoilt(draw):
    """:data:`GOOD`'s values with one to three of them spoilt."""
    fields = draw(st.sets(st.sampled_from(sorted(HOSTILE)), min_size=1, max_size=3))
    return {name: draw(st.sampled_from(HOSTILE[name])) if name in fields else good for name, good in GOOD.items()}


def test_no_value_spoilt_alone_gets_past_the_scrubber_into_a_file_pyx12_refuses():
    """Every field, spoilt by each of its hostile values, one at a time (824 claims)."""
    cases = {f"{name}={value!r}": GOOD | {name: value} for name, values in HOSTILE.items() for value in values}
    assert len(cases) > 800
    assert disagreements(cases) == {}


def test_nor_two_or_three_spoilt_together():
    """600 claims, each with two or three values spoilt, drawn with a fixed seed."""
    rng = random.Random(837)
    cases = {}
    for n in range(600):
        fields = rng.sample(sorted(HOSTILE), rng.choice((2, 3)))
        values = GOOD | {name: rng.choice(HOSTILE[name]) for name in fields}
        cases[f"{n}: " + ", ".join(f"{name}={values[name]!r}" for name in fields)] = values
    assert disagreements(cases) == {}


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(values=spoilt())
def test_a_claim_the_scrubber_passes_is_a_file_pyx12_accepts(values):
    """Up to three values spoilt together."""
    claim, billing = make(values)
    event("refused by the scrubber" if scrub(claim, billing) else "clean: checked by pyx12")
    assert disagreement(values) is None


def test_the_hostile_claims_are_not_all_refused():
    """The property above says something only if clean claims are drawn too: a claim of
    plain values passes both."""
    home = Address("2 Oak St", None, "New York", "NY", "10002")
    ann = Person("Lee", "Ann", None, dt.date(1970, 1, 2), "female", home)
    billing = BillingProvider("Test Practice", PRACTICE_NPI, "12-3456789",
                              Address("1 Clinic Way", None, "New York", "NY", "10001-1234"), "2125550100", "207Q00000X")
    claim = ClaimData(1, "7-P", "draft", "primary", "1", None, Decimal("10.00"), DAY, "11", None, ann,
                      SubscriberData(ann, "ACM123", "self"), PayerData("Acme Health", "ACME1", "CI"),
                      ProviderData("Dr. John Q. Public Jr., DO", npi(1)), ("J069",),
                      (LineData(1, "J3420", (), 1, Decimal("10.00"), (1,), DAY, "00409123401", Decimal("1"), "ML"),),
                      facility=FacilityData("Uptown", Address("500 W 168th St", None, "New York", "NY",
                                                              "10032-3702")),
                      referring=ProviderData("Mary Reynolds, MD", npi(2)))
    assert scrub(claim, billing) == []
    assert pyx12_errors(build_837p(ENVELOPE, billing, [claim])) == []
